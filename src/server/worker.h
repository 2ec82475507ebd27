// Long jobs in worker processes. The server re-executes its own binary
// (`xpuplan job-worker`, a hidden command) once per job: the job's request
// goes in on stdin, progress and the result come back as JSON lines. A
// process can be given a memory limit (RLIMIT_DATA), killed at its time
// budget or on cancel without touching the server, and solves its MILP with
// its own copy of CBC's process-wide state, so N workers solve N plans at once.
#pragma once

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "jobs/jobs.h"
#include "server/job_queue.h"

namespace xpu::server {

// The descriptor a worker writes its JSON lines to (stdout stays free for
// whatever a library prints; it goes to /dev/null).
inline constexpr int kWorkerOutFd = 3;
// The hidden command that runs one job (cli/cmd_job_worker.cpp).
inline constexpr const char* kWorkerCommand = "job-worker";
// RLIMIT_DATA counts a thread's stack at its reserved size (8 MiB each), not
// what it touches: the limit leaves this much beside the budget for the
// threads a job starts (the solver's progress ticker, the engines' pool).
inline constexpr size_t kWorkerStackAllowance = size_t{64} << 20;
// Seconds between SIGTERM at a job's time budget and SIGKILL.
inline constexpr double kWorkerGraceSeconds = 2;

struct WorkerSpec {
  std::string exe;                                  // the xpuplan binary ("/proc/self/exe" in `xpuplan serve`)
  std::vector<std::string> data_dirs, price_files;  // what the worker loads (as the server did)
  unsigned max_threads = 1;                         // jobs::Options::max_threads
  // The job's memory budget: what it may allocate beyond the loaded data
  // (RLIMIT_DATA = the worker's data size after loading + this +
  // kWorkerStackAllowance); 0: no limit.
  size_t memory_bytes = 0;
  double seconds = 600;  // time budget from the spawn: SIGTERM, then SIGKILL after the grace
};

// Runs a long job (plan, simulate, compare, ...) with its progress and a
// plan's exports (in `control.extra`) as the server reports them; the one
// path both the server's threads and a worker process take.
jobs::Result run_long_job(const std::string& kind, const nlohmann::json& request, const jobs::Data& data,
                          const jobs::Options& options, JobControl& control);

// Runs job `kind` in a new worker process and waits for it, polling
// control.stop_requested (true: the worker is killed, JobFailure("cancelled")).
// nullopt: no worker could be started (the caller runs the job in-process).
// A worker over its memory budget or time budget throws JobFailure naming
// the budget; one that dies otherwise throws std::runtime_error with how it
// ended. The worker is always reaped before this returns or throws.
std::optional<jobs::Result> run_in_worker(const WorkerSpec& spec, const std::string& kind,
                                          const nlohmann::json& request, JobControl& control);

// The worker's side: reads {kind, request, data_dirs, price_files,
// max_threads, memory_bytes} from `in`, runs the job and writes JSON lines
// ({"progress": ...}, then {"result": ...}, or {"error": ...} or
// {"out_of_memory": true}) to descriptor `out_fd`. Returns the exit status.
int job_worker_main(std::istream& in, int out_fd);

}  // namespace xpu::server
