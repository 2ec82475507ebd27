// The long jobs of a server (plan, simulate, a big compare): first come,
// first served, at most `max_running` at once, each with its status, queue
// position and progress; finished jobs are kept for a while, bounded in number.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "jobs/jobs.h"

namespace xpu::server {

struct JobLimits {
  unsigned max_running = 1;  // jobs running at once
  size_t max_queued = 64;    // waiting jobs; past it a submit is refused (503)
  double job_seconds = 600;  // each job's time budget: solver limits are capped at it
  // Each job's memory budget: a plan or simulation whose estimate
  // (jobs::MemoryEstimate) is over it is refused before it is queued; 0: none.
  size_t job_memory_bytes = size_t{4} << 30;
  double result_ttl_s = 3600;  // how long a finished job is kept
  size_t max_kept = 200;       // finished jobs kept at most (the oldest go first)
  // Added to the job threads' nice value (Linux: per thread, and the solver's
  // and engines' threads started from them inherit it; an increment over the
  // server's own, as nice(1) does), so a long solve yields the cores to the
  // short requests; 0: as the server's other threads.
  int worker_nice = 10;
};

enum class JobStatus { queued, running, done, failed, cancelled };
std::string_view to_string(JobStatus s);

// One job's state as the API shows it (docs/api/README.md, "Jobs").
struct JobView {
  std::string id;
  std::string kind;
  JobStatus status = JobStatus::queued;
  size_t queue_position = 0;  // 1 = next to start; 0 once running or ended
  double fraction = 0;
  std::string message;
  // The running solve's state (a plan: elapsed_s, objective, bound, gap, nodes); null: none.
  nlohmann::json solver;
  uint64_t version = 0;  // grows with every change (for event streams)
  std::optional<nlohmann::json> result;
  std::optional<nlohmann::json> diagnostics;
  std::string error;
};
nlohmann::json to_json(const JobView& v, bool with_result = true);
// {fraction, message, solver?}: a job's "progress" object.
nlohmann::json progress_json(const JobView& v);
// Diagnostics as the API answers them: [{in, pointer, line?, column?,
// severity, message}]; `in` is the document a diagnostic's file names (an
// inline "portfolio"), else `where` ("body" or "query").
nlohmann::json to_json(const Diagnostics& ds, std::string_view where);

// What a running job's work may do: report its progress (fraction, message,
// solver state or null; from any thread; throws once the job is cancelled),
// ask whether it should stop (cancelled, or the server stopping), and keep
// what it has beside its result (a plan's exports) in `extra`.
struct JobControl {
  std::function<void(double, std::string, nlohmann::json)> progress;
  std::function<bool()> stop_requested;
  nlohmann::json extra;
};

// A job that failed for a reason the server words itself (out of memory, over
// its time budget): the job's error is this message as it is.
struct JobFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class JobQueue {
 public:
  // `run` does a job's work under `control`. An exception fails the job:
  // JobFailure with its message, any other as "failed inside the library".
  using Runner =
      std::function<jobs::Result(const std::string& kind, const nlohmann::json& request, JobControl& control)>;
  JobQueue(JobLimits limits, Runner run);
  ~JobQueue();  // stop(), then waits for the running jobs
  // Cancels what is queued and asks the running jobs to stop (stop_requested);
  // later submits are refused. Returns at once.
  void stop();
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // The new job's view, or nullopt when the queue is full.
  std::optional<JobView> submit(const std::string& kind, nlohmann::json request);
  std::optional<JobView> view(const std::string& id);
  // A queued job leaves the queue; a running one is marked cancelled at once
  // and its result dropped when its library call returns; a finished one is
  // forgotten (then nullopt is what later views get). nullopt: no such job.
  std::optional<JobView> cancel(const std::string& id);
  // What a done job kept beside its result (null when nothing; nullopt: no such job).
  std::optional<nlohmann::json> extra(const std::string& id);
  // Waits until job `id` changes past `version` or `timeout` passes.
  std::optional<JobView> wait_change(const std::string& id, uint64_t version, std::chrono::milliseconds timeout);

  struct Counts {
    size_t running = 0, queued = 0, kept = 0;
  };
  Counts counts();
  [[nodiscard]] const JobLimits& limits() const { return limits_; }

 private:
  struct Job {
    JobView view;
    nlohmann::json request;
    nlohmann::json extra;
    std::chrono::steady_clock::time_point finished;
  };
  void work();
  void renumber();  // queue positions after a change; caller holds mu_
  void prune();     // finished jobs past their TTL or the bound; caller holds mu_
  void touch(Job& j);

  JobLimits limits_;
  Runner run_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable changed_cv_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::deque<std::shared_ptr<Job>> queue_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace xpu::server
