// The command list: one line per command, in the order `--help` shows them.
#include "cli/command.h"

namespace xpu::cli {

void setup_catalog(CLI::App& app, RunState& st);
void setup_models(CLI::App& app, RunState& st);
void setup_train(CLI::App& app, RunState& st);
void setup_validate(CLI::App& app, RunState& st);
void setup_calibrate(CLI::App& app, RunState& st);
void setup_prices(CLI::App& app, RunState& st);

const std::vector<CommandEntry>& command_table() {
  static const std::vector<CommandEntry> table{
      {"catalog", setup_catalog},   {"models", setup_models},       {"train", setup_train},
      {"validate", setup_validate}, {"calibrate", setup_calibrate}, {"prices", setup_prices},
  };
  return table;
}

}  // namespace xpu::cli
