// xpuplan serve [--host 127.0.0.1] [--port 8080] [--threads N] [--jobs N] [--job-seconds S] [--job-memory G]
//               [--job-nice N] [--cache-mb M] [--in-process] [--web DIR]
// The HTTP/JSON API (docs/api/openapi.json) and the dashboard (web/dist), on
// the data the global --catalog and --prices options load. Stops on SIGINT or SIGTERM.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <ostream>
#include <thread>

#include "cli/command.h"
#include "server/server.h"

namespace xpu::cli {
namespace {

struct ServeCli {
  server::ServerOptions o;
  std::string web;
  double cache_mb = 64;
  double job_memory_gib = 4;
  bool in_process = false;
};

int run_serve(ServeCli& c, RunState& st) {
  std::vector<std::string> dirs{shipped_data_dir()};
  dirs.insert(dirs.end(), st.global.catalogs.begin(), st.global.catalogs.end());
  Diagnostics notes;
  auto data = std::make_shared<const jobs::Data>(dirs, st.global.price_files, &notes);
  if (!st.global.quiet) st.io.err << format_diagnostics(notes);

  // The source tree's dashboard build and contract, beside the shipped data.
  const auto root = std::filesystem::path(shipped_data_dir()).parent_path();
  c.o.static_dir = c.web.empty() ? (root / "web" / "dist").string() : c.web;
  c.o.openapi_file = (root / "docs" / "api" / "openapi.json").string();
  c.o.version = XPUPLAN_VERSION;
  c.o.cache_bytes = static_cast<size_t>(c.cache_mb * 1024 * 1024);
  c.o.jobs.job_memory_bytes = static_cast<size_t>(c.job_memory_gib * 1024 * 1024 * 1024);
  // Long jobs in worker processes of this same binary (server/worker.h).
  if (!c.in_process) c.o.worker_exe = "/proc/self/exe";
  std::error_code ec;
  const bool dashboard = std::filesystem::is_regular_file(std::filesystem::path(c.o.static_dir) / "index.html", ec);

  // SIGINT and SIGTERM go to one waiting thread (blocked here before any other thread starts).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  server::Server srv(data, c.o);
  std::string error;
  const int port = srv.bind(&error);
  if (port < 0) {
    st.io.err << "xpuplan serve: error: " << error << "\n";
    pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
    return 2;
  }
  st.io.out << "xpuplan serve: listening on http://" << c.o.host << ":" << port << "/" << std::endl;
  if (!dashboard) {
    st.io.out << "xpuplan serve: no dashboard build in " << c.o.static_dir << " (the API only; run ./xpuplan.sh serve)"
              << std::endl;
  }
  // The waiter looks for a signal every 200 ms, so it also ends when run() returns by itself.
  std::atomic<bool> served{false};
  std::thread waiter([&] {
    const timespec tick{0, 200'000'000};
    while (!served) {
      if (sigtimedwait(&signals, nullptr, &tick) > 0) {
        srv.stop();
        return;
      }
    }
  });
  srv.run();
  served = true;
  waiter.join();
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  // stop() killed the worker processes; their threads reap them within a poll (0.1 s).
  for (int i = 0; i < 50 && srv.running_jobs() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // A plan or simulation running in-process cannot be interrupted inside the
  // library; rather than wait for it, the process ends here (its result was
  // never going to be fetched from a stopped server).
  if (const size_t busy = srv.running_jobs(); busy > 0) {
    st.io.out << "xpuplan serve: stopped; " << busy << " running job(s) abandoned" << std::endl;
    std::cerr.flush();
    std::_Exit(0);
  }
  st.io.out << "xpuplan serve: stopped" << std::endl;
  return 0;
}

}  // namespace

void setup_serve(CLI::App& app, RunState& st) {
  auto c = std::make_shared<ServeCli>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the HTTP/JSON API and the dashboard (docs/api/README.md)");
  cmd->add_option("--host", c->o.host, "Address to listen on (loopback by default)")->capture_default_str();
  cmd->add_option("--port", c->o.port, "Port (0: any free one)")
      ->capture_default_str()
      ->check(number_from(0, 65535, true));
  cmd->add_option("--threads", c->o.threads,
                  "HTTP worker threads (0: 8 per core, at least 64; each open connection holds one)");
  cmd->add_option("--jobs", c->o.jobs.max_running, "Long jobs (plan, simulate, compare) running at once")
      ->capture_default_str()
      ->check(number_from(1, 64, true));
  cmd->add_option("--job-seconds", c->o.jobs.job_seconds,
                  "Each long job's time budget (a plan's solver is capped at it)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--job-memory", c->job_memory_gib,
                  "GiB each long job may use beyond the loaded data: a plan or simulation whose estimate is over it "
                  "is refused, and a job's worker process that grows past it fails with the budget named; 0: no "
                  "limit")
      ->capture_default_str()
      ->check(number_from(0, 4096, false));
  cmd->add_option("--job-nice", c->o.jobs.worker_nice,
                  "Nice increment of the long jobs' threads over the server's, so a solve yields the cores to short "
                  "requests (0: same priority; on a machine shared with other work a niced solve gets less done in "
                  "its time limit)")
      ->capture_default_str()
      ->check(number_from(0, 19, true));
  cmd->add_option("--cache-mb", c->cache_mb,
                  "MiB of short answers (catalog, infer, ...) kept to serve again; 0: none (X-Cache says which)")
      ->capture_default_str()
      ->check(number_from(0, 65536, false));
  cmd->add_flag("--in-process", c->in_process,
                "Run long jobs on the server's threads, not in worker processes (no memory limit while they run; "
                "plans solve one at a time, as CBC's driver is not thread-safe)");
  cmd->add_option("--web", c->web, "The dashboard's build (default: web/dist in the source tree)");
  cmd->footer("Examples:\n  xpuplan serve\n  xpuplan serve --port 0 --jobs 2 --catalog my-data/");
  cmd->callback([c, &st] { st.exit_code = run_serve(*c, st); });
}

}  // namespace xpu::cli
