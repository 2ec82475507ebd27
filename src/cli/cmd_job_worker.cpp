// xpuplan job-worker (hidden): runs one long job for `xpuplan serve` in its
// own process. The job comes in on stdin as JSON, progress and the result go
// out as JSON lines on descriptor 3 (server/worker.h); not for people.
#include <iostream>

#include "cli/command.h"
#include "server/worker.h"

namespace xpu::cli {

void setup_job_worker(CLI::App& app, RunState& st) {
  CLI::App* cmd = app.add_subcommand(server::kWorkerCommand, "Run one job of `xpuplan serve` (internal)");
  cmd->group("");  // hidden from --help
  cmd->callback([&st] { st.exit_code = server::job_worker_main(std::cin, server::kWorkerOutFd); });
}

}  // namespace xpu::cli
