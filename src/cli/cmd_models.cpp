// xpuplan models [--json] | models show KEY|config.json [--json]
#include <memory>
#include <ostream>

#include "api/catalog.h"
#include "cli/command.h"
#include "report/catalog_report.h"

namespace xpu::cli {
namespace {

struct ModelsCli {
  FlagFields fields;
  bool json = false;
};

int run_models(const ModelsCli& c, RunState& st) {
  const DataSet data = load_data_for(st);
  const auto request = take(read_models_request(c.fields.json(), data, c.fields.style()), st);
  const auto report = answer(api::run_models(data, request), c.fields);
  st.io.out << (c.json ? dump_canonical(to_json(report)) : to_text(report));
  return exit_code(report.outcome);
}

}  // namespace

void setup_models(CLI::App& app, RunState& st) {
  auto list = std::make_shared<ModelsCli>(), show = std::make_shared<ModelsCli>();
  CLI::App* cmd = app.add_subcommand("models", "List the shipped model architectures with parameter counts");
  cmd->add_flag("--json", list->json, "Print JSON");
  cmd->footer("Examples:\n  xpuplan models\n  xpuplan models show deepseek-v3\n  xpuplan models show ./config.json");
  CLI::App* show_cmd = cmd->add_subcommand("show", "Show one model (a key or a Hugging Face config.json)");
  show->fields.positional(show_cmd, "KEY", "show", "Model key or path to config.json")->required();
  show_cmd->add_flag("--json", show->json, "Print JSON");
  show_cmd->callback([show, &st] { st.exit_code = run_models(*show, st); });
  cmd->callback([list, &st, show_cmd] {
    if (show_cmd->parsed()) return;
    st.exit_code = run_models(*list, st);
  });
}

}  // namespace xpu::cli
