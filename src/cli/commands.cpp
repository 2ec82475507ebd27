// The command list: one line per command, in the order `--help` shows them.
#include "cli/command.h"

namespace xpu::cli {

void setup_catalog(CLI::App& app, RunState& st);
void setup_models(CLI::App& app, RunState& st);
void setup_prices(CLI::App& app, RunState& st);

const std::vector<CommandEntry>& command_table() {
  static const std::vector<CommandEntry> table{
      {"catalog", setup_catalog},
      {"models", setup_models},
      {"prices", setup_prices},
  };
  return table;
}

}  // namespace xpu::cli
