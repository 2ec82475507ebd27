// The command list: one line per command, in the order `--help` shows them.
#include "cli/command.h"

namespace xpu::cli {

void setup_catalog(CLI::App& app, RunState& st);
void setup_models(CLI::App& app, RunState& st);
void setup_train(CLI::App& app, RunState& st);
void setup_validate(CLI::App& app, RunState& st);
void setup_infer(CLI::App& app, RunState& st);
void setup_calibrate(CLI::App& app, RunState& st);
void setup_prices(CLI::App& app, RunState& st);
void setup_compare(CLI::App& app, RunState& st);
void setup_claims(CLI::App& app, RunState& st);
void setup_plan(CLI::App& app, RunState& st);
void setup_simulate(CLI::App& app, RunState& st);
void setup_serve(CLI::App& app, RunState& st);
void setup_job_worker(CLI::App& app, RunState& st);

const std::vector<CommandEntry>& command_table() {
  static const std::vector<CommandEntry> table{
      // clang-format off
      {"catalog", setup_catalog},
      {"models", setup_models},
      {"train", setup_train},
      {"infer", setup_infer},
      {"prices", setup_prices},
      {"compare", setup_compare},
      {"plan", setup_plan},
      {"simulate", setup_simulate},
      {"claims", setup_claims},
      {"validate", setup_validate},
      {"calibrate", setup_calibrate},
      {"serve", setup_serve},
      {"job-worker", setup_job_worker},
      // clang-format on
  };
  return table;
}

}  // namespace xpu::cli
