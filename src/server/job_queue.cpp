#include "server/job_queue.h"

#include <fmt/format.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <random>
#include <stdexcept>

namespace xpu::server {
namespace {

// Opaque, URL-safe and not guessable from another job's id.
std::string new_id() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  const std::scoped_lock lock(mu);
  return fmt::format("{:016x}", rng());
}

struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

bool ended(JobStatus s) { return s == JobStatus::done || s == JobStatus::failed || s == JobStatus::cancelled; }

}  // namespace

std::string_view to_string(JobStatus s) {
  switch (s) {
    case JobStatus::queued:
      return "queued";
    case JobStatus::running:
      return "running";
    case JobStatus::done:
      return "done";
    case JobStatus::failed:
      return "failed";
    case JobStatus::cancelled:
      return "cancelled";
  }
  return "?";
}

nlohmann::json progress_json(const JobView& v) {
  nlohmann::json p{{"fraction", v.fraction}, {"message", v.message}};
  if (!v.solver.is_null()) p["solver"] = v.solver;
  return p;
}

nlohmann::json to_json(const JobView& v, bool with_result) {
  nlohmann::json j{{"id", v.id},
                   {"kind", v.kind},
                   {"status", to_string(v.status)},
                   {"queue_position", v.queue_position},
                   {"progress", progress_json(v)}};
  if (with_result && v.result) j["result"] = *v.result;
  if (v.diagnostics) j["diagnostics"] = *v.diagnostics;
  if (!v.error.empty()) j["error"] = v.error;
  return j;
}

nlohmann::json to_json(const Diagnostics& ds, std::string_view where) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : ds) {
    nlohmann::json j{{"in", d.where.file.empty() ? std::string(where) : d.where.file},
                     {"pointer", d.where.pointer},
                     {"severity", d.severity == Severity::error     ? "error"
                                  : d.severity == Severity::warning ? "warning"
                                                                    : "note"},
                     {"message", d.message}};
    if (d.where.line > 0) j["line"] = d.where.line;
    if (d.where.column > 0) j["column"] = d.where.column;
    out.push_back(std::move(j));
  }
  return out;
}

JobQueue::JobQueue(JobLimits limits, Runner run) : limits_(limits), run_(std::move(run)) {
  for (unsigned i = 0; i < std::max(1U, limits_.max_running); ++i) workers_.emplace_back([this] { work(); });
}

JobQueue::~JobQueue() {
  stop();
  for (auto& t : workers_) t.join();
}

void JobQueue::stop() {
  {
    const std::scoped_lock lock(mu_);
    stopping_ = true;
    for (auto& j : queue_) {
      j->view.status = JobStatus::cancelled;
      touch(*j);
    }
    queue_.clear();
  }
  work_cv_.notify_all();
  changed_cv_.notify_all();
}

void JobQueue::touch(Job& j) {
  ++j.view.version;
  if (ended(j.view.status)) {
    j.view.queue_position = 0;
    j.finished = std::chrono::steady_clock::now();
  }
  changed_cv_.notify_all();
}

void JobQueue::renumber() {
  for (size_t i = 0; i < queue_.size(); ++i) {
    auto& v = queue_[i]->view;
    if (v.queue_position != i + 1) {
      v.queue_position = i + 1;
      v.message = fmt::format("queued: {} in line", i + 1);
      touch(*queue_[i]);
    }
  }
}

void JobQueue::prune() {
  const auto now = std::chrono::steady_clock::now();
  const auto ttl = std::chrono::duration<double>(limits_.result_ttl_s);
  std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> done;
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (ended(it->second->view.status) && now - it->second->finished > ttl) {
      it = jobs_.erase(it);
      continue;
    }
    if (ended(it->second->view.status)) done.emplace_back(it->second->finished, it->first);
    ++it;
  }
  if (done.size() <= limits_.max_kept) return;
  std::sort(done.begin(), done.end());
  for (size_t i = 0; i + limits_.max_kept < done.size(); ++i) jobs_.erase(done[i].second);
}

std::optional<JobView> JobQueue::submit(const std::string& kind, nlohmann::json request) {
  const std::scoped_lock lock(mu_);
  prune();
  if (queue_.size() >= limits_.max_queued || stopping_) return std::nullopt;
  auto j = std::make_shared<Job>();
  j->view.id = new_id();
  j->view.kind = kind;
  j->request = std::move(request);
  jobs_[j->view.id] = j;
  queue_.push_back(j);
  renumber();
  work_cv_.notify_one();
  return j->view;
}

std::optional<JobView> JobQueue::view(const std::string& id) {
  const std::scoped_lock lock(mu_);
  prune();
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second->view;
}

std::optional<JobView> JobQueue::cancel(const std::string& id) {
  const std::scoped_lock lock(mu_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  auto j = it->second;
  if (ended(j->view.status)) {
    jobs_.erase(it);
    return j->view;
  }
  if (j->view.status == JobStatus::queued) std::erase(queue_, j);
  j->view.status = JobStatus::cancelled;
  j->view.message = "cancelled";
  touch(*j);
  renumber();
  return j->view;
}

std::optional<JobView> JobQueue::wait_change(const std::string& id, uint64_t version,
                                             std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) return std::nullopt;
    if (it->second->view.version != version || stopping_) return it->second->view;
    if (changed_cv_.wait_until(lock, until) == std::cv_status::timeout) {
      const auto again = jobs_.find(id);
      return again == jobs_.end() ? std::nullopt : std::optional(again->second->view);
    }
  }
}

std::optional<nlohmann::json> JobQueue::extra(const std::string& id) {
  const std::scoped_lock lock(mu_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second->extra;
}

JobQueue::Counts JobQueue::counts() {
  const std::scoped_lock lock(mu_);
  prune();
  return {running_, queue_.size(), jobs_.size()};
}

void JobQueue::work() {
  // A thread's own nice value: Linux applies setpriority to the thread whose id it is given. The
  // increment is over the thread's inherited value, as nice(1) does, so a server started under
  // `nice` keeps its jobs below its requests (19 is the lowest priority there is).
  if (limits_.worker_nice != 0) {
    const auto self = static_cast<id_t>(gettid());
    setpriority(PRIO_PROCESS, self, std::min(19, getpriority(PRIO_PROCESS, self) + limits_.worker_nice));
  }
  while (true) {
    std::shared_ptr<Job> j;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      j = queue_.front();
      queue_.pop_front();
      j->view.status = JobStatus::running;
      j->view.queue_position = 0;
      j->view.message = "running";
      ++running_;
      touch(*j);
      renumber();
    }
    // In-process, a cancelled job stops at its next progress report (the
    // simulator's, between blocks of replicas); a worker process is killed.
    JobControl control;
    control.progress = [this, j](double fraction, std::string message, nlohmann::json solver) {
      const std::scoped_lock lock(mu_);
      if (j->view.status == JobStatus::cancelled) throw Cancelled();
      j->view.fraction = std::clamp(fraction, 0.0, 1.0);
      j->view.message = std::move(message);
      j->view.solver = std::move(solver);
      touch(*j);
    };
    control.stop_requested = [this, j] {
      const std::scoped_lock lock(mu_);
      return stopping_ || j->view.status == JobStatus::cancelled;
    };
    const auto t0 = std::chrono::steady_clock::now();
    jobs::Result r;
    std::string failure;
    try {
      r = run_(j->view.kind, j->request, control);
    } catch (const JobFailure& e) {
      failure = e.what();
    } catch (const std::exception& e) {
      failure = std::string("the job failed inside the library: ") + e.what();
    }
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::scoped_lock lock(mu_);
    --running_;
    if (j->view.status == JobStatus::running) {  // not cancelled meanwhile
      if (stopping_ && !failure.empty()) {       // its worker was stopped with the server
        j->view.status = JobStatus::cancelled;
      } else if (!failure.empty()) {
        j->view.status = JobStatus::failed;
        j->view.error = failure;
        std::cerr << fmt::format("xpuplan serve: job {} ({}) failed: {}\n", j->view.id, j->view.kind, failure);
      } else if (took > limits_.job_seconds) {
        j->view.status = JobStatus::failed;
        j->view.error = fmt::format("over the time budget: {:.0f} s of at most {:.0f} s", took, limits_.job_seconds);
      } else if (!r.ok()) {
        j->view.status = JobStatus::failed;
        j->view.error = "bad request";
        j->view.diagnostics = to_json(r.diagnostics, "body");
      } else {
        j->view.status = JobStatus::done;
        j->view.fraction = 1;
        j->view.result = std::move(*r.report);
        j->extra = std::move(control.extra);
      }
      j->view.message = std::string(to_string(j->view.status));
      touch(*j);
    }
    prune();
  }
}

}  // namespace xpu::server
