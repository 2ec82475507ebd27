#include "server/worker.h"

#include <fmt/format.h>

#include "api/plan.h"
#include "export/plan_export.h"
#include "report/json_out.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <new>

namespace xpu::server {
namespace {

// The progress bar's stop before the end while a job's last phase (a plan's
// baselines and checks, a compare's sensitivity) runs unmetered.
constexpr double kBeforeLastPhase = 0.95;

// A plan's main solve as the job's progress: the fraction is the share of
// its time limit spent (the solve ends there at the latest), the message and
// `solver` its incumbent, bound and gap. Called on the solver's progress
// thread, which must not see the exception a cancelled job's progress
// throws: a running solve cannot be stopped, its result is dropped instead.
std::function<void(const MilpProgress&)> plan_progress(
    const nlohmann::json& request, const std::function<void(double, std::string, nlohmann::json)>& progress) {
  const auto it = request.find("time_limit");
  const double limit = it != request.end() && it->is_number() ? it->get<double>() : api::PlanRequest{}.time_limit;
  return [limit, &progress](const MilpProgress& p) {
    const auto number = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
    const nlohmann::json solver{{"elapsed_s", p.seconds},
                                {"objective", number(p.objective)},
                                {"bound", number(p.best_bound)},
                                {"gap", number(p.gap)},
                                {"nodes", p.nodes},
                                {"done", p.done}};
    const std::string gap = std::isfinite(p.gap) ? fmt::format("gap {:.2f}%", 100 * p.gap) : "no plan yet";
    const std::string message =
        p.done ? fmt::format("main solve done in {:.1f} s ({}); baselines and checks", p.seconds, gap)
               : fmt::format("solving: {:.1f} s of at most {:.0f} s, {}", p.seconds, limit, gap);
    const double fraction = p.done ? kBeforeLastPhase : std::min(kBeforeLastPhase, limit > 0 ? p.seconds / limit : 0.0);
    try {
      progress(fraction, message, solver);
    } catch (...) {  // cancelled meanwhile
    }
  };
}

nlohmann::json to_wire(const Diagnostics& ds) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : ds) {
    out.push_back({{"severity", static_cast<int>(d.severity)},
                   {"file", d.where.file},
                   {"line", d.where.line},
                   {"column", d.where.column},
                   {"pointer", d.where.pointer},
                   {"message", d.message}});
  }
  return out;
}

Diagnostics from_wire(const nlohmann::json& j) {
  Diagnostics out;
  for (const auto& d : j) {
    out.push_back({.severity = static_cast<Severity>(d.at("severity").get<int>()),
                   .where = {.file = d.at("file").get<std::string>(),
                             .line = d.at("line").get<int>(),
                             .column = d.at("column").get<int>(),
                             .pointer = d.at("pointer").get<std::string>()},
                   .message = d.at("message").get<std::string>()});
  }
  return out;
}

std::string bytes_text(double b) {
  constexpr double mib = 1024.0 * 1024;
  return b >= 1024 * mib ? fmt::format("{:.2f} GiB", b / (1024 * mib)) : fmt::format("{:.1f} MiB", b / mib);
}

std::string describe_end(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = sigdescr_np(sig);
    return fmt::format("its worker process died of signal {} ({})", sig, name != nullptr ? name : "?");
  }
  if (WIFEXITED(status)) return fmt::format("its worker process exited with status {}", WEXITSTATUS(status));
  return "its worker process ended abnormally";
}

// The child's side of the line protocol: whole lines, one writer at a time.
class LineWriter {
 public:
  explicit LineWriter(int fd) : fd_(fd) {}
  void write(const nlohmann::json& j) {
    std::string line = dump_text(j);
    line += '\n';
    const std::scoped_lock lock(mu_);
    for (size_t at = 0; at < line.size();) {
      const ssize_t n = ::write(fd_, line.data() + at, line.size() - at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // the server is gone; the next progress or the end finishes this process
      at += static_cast<size_t>(n);
    }
  }

 private:
  int fd_;
  std::mutex mu_;
};

// The worker's protocol descriptor, for the new-handler (which takes no
// argument); set once by job_worker_main, in the worker process only.
int g_out_fd = -1;

// The first allocation refused by RLIMIT_DATA says so on the line protocol
// (a leading newline ends any line cut short), then lets operator new throw.
void out_of_memory() {
  static const char kLine[] = "\n{\"out_of_memory\":true}\n";
  if (g_out_fd >= 0 && ::write(g_out_fd, kLine, sizeof(kLine) - 1) < 0) g_out_fd = -1;
  std::set_new_handler(nullptr);
}

// The private writable memory the process has mapped (what RLIMIT_DATA counts), in bytes.
size_t data_bytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmData:")) return std::strtoull(line.c_str() + 7, nullptr, 10) * 1024;
  }
  return 0;
}

bool send_all(int fd, const std::string& text) {
  for (size_t at = 0; at < text.size();) {
    const ssize_t n = ::send(fd, text.data() + at, text.size() - at, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    at += static_cast<size_t>(n);
  }
  return true;
}

// Starts `exe job-worker` with `fd` as its stdin and kWorkerOutFd, stdout on
// /dev/null, no other descriptor of the server, default signal handling and
// an empty signal mask (the server blocks SIGINT and SIGTERM in its threads),
// in its own process group (a terminal's Ctrl-C reaches the server, which
// stops its workers). The child inherits the calling thread's nice value.
pid_t spawn_worker(const std::string& exe, int fd) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fd, 0);
  posix_spawn_file_actions_adddup2(&fa, fd, kWorkerOutFd);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&fa, kWorkerOutFd + 1);
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (const int s : {SIGINT, SIGTERM, SIGPIPE, SIGHUP}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &defaults);
  posix_spawnattr_setpgroup(&at, 0);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  std::string arg0 = exe, arg1 = kWorkerCommand;
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, exe.c_str(), &fa, &at, argv, environ);
  posix_spawnattr_destroy(&at);
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

}  // namespace

jobs::Result run_long_job(const std::string& kind, const nlohmann::json& request, const jobs::Data& data,
                          const jobs::Options& options, JobControl& control) {
  jobs::Options jo = options;
  jo.progress = [&](uint32_t done, uint32_t total) {
    const double share = total == 0 ? 0.0 : double(done) / total;
    // A compare's sensitivity runs after its last option: the bar stops short of the end until then.
    if (kind == "compare") {
      control.progress(kBeforeLastPhase * share, fmt::format("options evaluated: {} of {}", done, total), nullptr);
    } else {
      control.progress(share, fmt::format("replica {} of {}", done, total), nullptr);
    }
  };
  if (kind == "plan") jo.plan_progress = plan_progress(request, control.progress);
  // A plan's exports, made while its report is at hand (the JSON alone cannot make them).
  jo.on_plan = [&](const api::PlanReport& rep) {
    if (!rep.result.has_plan()) return;
    for (const std::string name : {"kueue", "slurm", "skypilot"}) {
      nlohmann::json files = nlohmann::json::object();
      for (const auto& file : export_plan(rep.portfolio, rep.rates, rep.result, *parse_export_format(name))) {
        files[file.path] = file.text;
      }
      control.extra[name] = std::move(files);
    }
  };
  return jobs::run(kind, request, data, jo);
}

std::optional<jobs::Result> run_in_worker(const WorkerSpec& spec, const std::string& kind,
                                          const nlohmann::json& request, JobControl& control) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return std::nullopt;
  const pid_t pid = spawn_worker(spec.exe, sv[1]);
  close(sv[1]);
  if (pid < 0) {
    close(sv[0]);
    return std::nullopt;
  }
  const auto start = std::chrono::steady_clock::now();
  const auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  // A worker that died before reading all of it shows as such below.
  send_all(sv[0], dump_text(nlohmann::json{{"kind", kind},
                                           {"request", request},
                                           {"data_dirs", spec.data_dirs},
                                           {"price_files", spec.price_files},
                                           {"max_threads", spec.max_threads},
                                           {"memory_bytes", spec.memory_bytes}}));
  shutdown(sv[0], SHUT_WR);

  enum class Stop { none, cancelled, time } stop = Stop::none;
  double term_at = 0;
  bool killed = false;
  std::optional<jobs::Result> result;
  bool out_of_memory = false;
  std::string error;
  double limit_bytes = 0, loaded_bytes = 0;
  const auto handle = [&](std::string_view line) {
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return;  // a line cut short by an out-of-memory note
    if (const auto p = j.find("progress"); p != j.end()) {
      try {
        control.progress(p->at("fraction").get<double>(), p->at("message").get<std::string>(), p->at("solver"));
      } catch (...) {  // cancelled: stop_requested says so next
      }
    } else if (const auto r = j.find("result"); r != j.end()) {
      jobs::Result out;
      if (!r->at("report").is_null()) out.report = r->at("report");
      out.outcome = static_cast<api::Outcome>(r->at("outcome").get<int>());
      out.diagnostics = from_wire(r->at("diagnostics"));
      control.extra = r->at("extra");
      result = std::move(out);
    } else if (j.contains("out_of_memory")) {
      out_of_memory = true;
    } else if (const auto l = j.find("limits"); l != j.end()) {
      limit_bytes = l->at("limit_bytes").get<double>();
      loaded_bytes = l->at("data_bytes").get<double>();
    } else if (const auto e = j.find("error"); e != j.end()) {
      error = e->get<std::string>();
    }
  };

  std::string buffer;
  size_t scanned = 0;
  std::vector<char> chunk(size_t{1} << 16);
  while (true) {
    pollfd p{sv[0], POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      const ssize_t n = read(sv[0], chunk.data(), chunk.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // the worker has ended (or closed its end)
      buffer.append(chunk.data(), static_cast<size_t>(n));
      size_t begin = 0;
      for (size_t nl = buffer.find('\n', scanned); nl != std::string::npos; nl = buffer.find('\n', begin)) {
        handle(std::string_view(buffer).substr(begin, nl - begin));
        begin = nl + 1;
      }
      buffer.erase(0, begin);
      scanned = buffer.size();
    }
    if (stop == Stop::none && control.stop_requested()) {
      kill(pid, SIGKILL);
      stop = Stop::cancelled;
    } else if (stop == Stop::none && seconds() > spec.seconds) {
      kill(pid, SIGTERM);
      stop = Stop::time;
      term_at = seconds();
    } else if (stop == Stop::time && !killed && seconds() > term_at + kWorkerGraceSeconds) {
      kill(pid, SIGKILL);
      killed = true;
    }
  }
  close(sv[0]);
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  const double peak = 1024.0 * static_cast<double>(usage.ru_maxrss);

  if (stop == Stop::cancelled) throw JobFailure("cancelled");
  if (stop == Stop::time) {
    throw JobFailure(fmt::format("over the time budget: {:.0f} s of at most {:.0f} s; its worker was stopped",
                                 seconds(), spec.seconds));
  }
  if (out_of_memory) {
    throw JobFailure(fmt::format(
        "out of memory: the job needed more than this server's memory budget of {} per job (xpuplan "
        "serve --job-memory) beyond the {} of data its worker loaded (limit {} with thread stacks); its "
        "worker's peak RSS was {}",
        bytes_text(double(spec.memory_bytes)), bytes_text(loaded_bytes), bytes_text(limit_bytes), bytes_text(peak)));
  }
  if (result && WIFEXITED(status) && WEXITSTATUS(status) == 0) return result;
  if (!error.empty()) throw std::runtime_error(error);
  // C code in the solver does not check malloc: past the limit it may crash
  // before operator new could say so. A crash with the resident set at half
  // the limit or more (RLIMIT_DATA also counts what is reserved but untouched) names the budget.
  std::string hint;
  if (limit_bytes > 0 && WIFSIGNALED(status) && peak >= 0.5 * limit_bytes) {
    hint = fmt::format(
        " (under a memory budget of {} per job, limit {} with data and thread stacks, peak RSS {}: a library "
        "that does not check its allocations ends this way when it runs out)",
        bytes_text(double(spec.memory_bytes)), bytes_text(limit_bytes), bytes_text(peak));
  }
  throw std::runtime_error(describe_end(status) + hint);
}

int job_worker_main(std::istream& in, int out_fd) {
  // The worker dies with the server thread that started it.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  g_out_fd = out_fd;
  LineWriter out(out_fd);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto job = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!job.is_object()) {
    out.write({{"error", "the worker's job is not a JSON object"}});
    return 2;
  }
  // Test hook: a worker that crashes (server_test).
  if (std::getenv("XPUPLAN_TEST_WORKER_ABORT") != nullptr) std::abort();
  try {
    const jobs::Data data(job.at("data_dirs").get<std::vector<std::string>>(),
                          job.at("price_files").get<std::vector<std::string>>());
    const auto budget = job.at("memory_bytes").get<size_t>();
    const size_t loaded = data_bytes();
    const size_t limit_bytes = budget > 0 ? loaded + budget + kWorkerStackAllowance : 0;
    if (budget > 0) {
      const rlimit limit{limit_bytes, limit_bytes};
      if (setrlimit(RLIMIT_DATA, &limit) == 0) std::set_new_handler(out_of_memory);
    }
    out.write({{"limits", {{"data_bytes", loaded}, {"limit_bytes", limit_bytes}}}});
    // Test hook: a job that outgrows its estimate, touching this many MiB before it runs (server_test).
    std::vector<std::unique_ptr<char[]>> grown;
    if (const char* grow = std::getenv("XPUPLAN_TEST_WORKER_GROW_MIB"); grow != nullptr) {
      for (long i = 0; i < std::atol(grow); ++i) {
        grown.push_back(std::make_unique<char[]>(size_t{1} << 20));  // value-initialised: touched
      }
    }
    jobs::Options options;
    options.max_threads = job.at("max_threads").get<unsigned>();
    options.allow_files = false;
    JobControl control;
    control.progress = [&](double fraction, const std::string& message, const nlohmann::json& solver) {
      out.write({{"progress", {{"fraction", fraction}, {"message", message}, {"solver", solver}}}});
    };
    control.stop_requested = [] { return false; };
    const auto r = run_long_job(job.at("kind").get<std::string>(), job.at("request"), data, options, control);
    out.write({{"result",
                {{"report", r.report ? *r.report : nlohmann::json(nullptr)},
                 {"outcome", static_cast<int>(r.outcome)},
                 {"diagnostics", to_wire(r.diagnostics)},
                 {"extra", control.extra}}}});
    return 0;
  } catch (const std::bad_alloc&) {
    out_of_memory();
    return 3;
  } catch (const std::exception& e) {
    out.write({{"error", e.what()}});
    return 1;
  }
}

}  // namespace xpu::server
