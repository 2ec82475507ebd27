// xpuplan catalog [--vendor V] [--json] | catalog show KEY [--json] | catalog systems [--accelerator A] [--json]
#include <memory>
#include <ostream>

#include "api/catalog.h"
#include "cli/command.h"
#include "report/catalog_report.h"

namespace xpu::cli {
namespace {

struct CatalogCli {
  FlagFields fields;
  bool json = false;
};

int run_catalog(const CatalogCli& c, RunState& st) {
  const auto request = take(read_catalog_request(c.fields.json(), c.fields.style()), st);
  const DataSet data = load_data_for(st);
  const auto report = answer(api::run_catalog(data, request), c.fields);
  st.io.out << (c.json ? dump_canonical(to_json(report)) : to_text(report));
  return exit_code(report.outcome);
}

}  // namespace

void setup_catalog(CLI::App& app, RunState& st) {
  auto list = std::make_shared<CatalogCli>(), show = std::make_shared<CatalogCli>(),
       systems = std::make_shared<CatalogCli>();
  CLI::App* cmd = app.add_subcommand("catalog", "List the accelerators in the catalog, with sources");
  list->fields.option(cmd, "--vendor", "Only this vendor (nvidia, google, aws, amd)");
  cmd->add_flag("--json", list->json, "Print JSON instead of a table");
  cmd->footer("Examples:\n  xpuplan catalog --vendor amd\n  xpuplan catalog show tpu-v5p\n  xpuplan catalog systems");
  CLI::App* show_cmd = cmd->add_subcommand("show", "Show one accelerator (or system) with every figure's source");
  show->fields.positional(show_cmd, "KEY", "show", "Accelerator or system key, e.g. h100-sxm")->required();
  show_cmd->add_flag("--json", show->json, "Print JSON");
  CLI::App* systems_cmd = cmd->add_subcommand("systems", "List the systems (nodes, racks, pods, UltraServers)");
  systems->fields.option(systems_cmd, "--accelerator", "Only systems of this accelerator");
  systems->fields.set("systems", true);
  systems_cmd->add_flag("--json", systems->json, "Print JSON");
  show_cmd->callback([show, &st] { st.exit_code = run_catalog(*show, st); });
  systems_cmd->callback([systems, &st] { st.exit_code = run_catalog(*systems, st); });
  cmd->callback([list, &st, show_cmd, systems_cmd] {
    if (show_cmd->parsed() || systems_cmd->parsed()) return;
    st.exit_code = run_catalog(*list, st);
  });
}

}  // namespace xpu::cli
