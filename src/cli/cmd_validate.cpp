// xpuplan validate [CASES.csv] [--json]: predictions against published measurements.
#include <fmt/format.h>

#include <memory>
#include <ostream>

#include "api/evidence.h"
#include "cli/command.h"
#include "ingest/cases_io.h"
#include "ingest/requests.h"
#include "ingest/text_file.h"
#include "report/evidence_report.h"

namespace xpu::cli {
namespace {

struct ValidateCli {
  FlagFields fields;
  bool json = false;
  std::string upgrade;
  bool components = false;
};

// A file transformation, not an api job: an older case file gets the typed
// columns, filled from its notes; the original is kept beside it.
int run_upgrade(const std::string& path, RunState& st) {
  Diagnostics ds;
  const auto text = read_text_file(path, ds);
  if (!text) throw InputError(std::move(ds));
  Diagnostics warnings;  // unknown columns: kept as they are, and named
  auto upgraded = upgrade_cases(*text, path, &warnings);
  note(st, warnings);
  if (!upgraded) throw InputError(upgraded.error());
  write_output("--upgrade", path + ".orig", *text);
  write_output("--upgrade", path, *upgraded);
  st.io.err << fmt::format("upgraded {} (the original is {}.orig)\n", path, path);
  return 0;
}

int run_validate_components(const ValidateCli& c, RunState& st) {
  const DataSet data = load_data_for(st);
  nlohmann::json fields = nlohmann::json::object();
  const nlohmann::json all = c.fields.json();
  for (const char* other : {"models", "mode"}) {
    if (all.contains(other)) {
      throw InputError({error_at({.pointer = std::string("--") + other}, "does not apply to --components")});
    }
  }
  if (all.contains("cases")) fields["cases"] = all["cases"];
  const auto request = take(read_components_request(fields, c.fields.style()), st);
  const auto report = answer(api::run_validate_components(data, request), c.fields);
  st.io.out << (c.json ? dump_canonical(to_json(report)) : to_text(report));
  return exit_code(report.outcome);
}

int run_validate(const ValidateCli& c, RunState& st) {
  if (!c.upgrade.empty()) return run_upgrade(c.upgrade, st);
  if (c.components) return run_validate_components(c, st);
  const DataSet data = load_data_for(st);
  const auto request = take(read_validate_request(c.fields.json(), c.fields.style()), st);
  const auto report = answer(api::run_validate(data, request, budget_for_request(request.threads)), c.fields);
  note(st, report.notes);
  st.io.out << (c.json ? dump_canonical(to_json(report)) : to_text(report));
  return exit_code(report.outcome);
}

}  // namespace

void setup_validate(CLI::App& app, RunState& st) {
  auto c = std::make_shared<ValidateCli>();
  FlagFields& f = c->fields;
  CLI::App* cmd = app.add_subcommand("validate", "Predict published measurements and report the error");
  f.positional(cmd, "CASES", "cases",
               "Cases CSV (schema: data/validation/CASES.md); default: the shipped public cases");
  f.option(cmd, "--models", "models.csv for model keys the shipped data lacks (default: models.csv beside CASES)");
  f.option(cmd, "--mode", "Only cases of this mode: train, finetune_lora, infer");
  f.option(cmd, "--threads", "Threads (0 = all cores)");
  cmd->add_flag("--json", c->json, "Print JSON: {cases: [...], summary: {...}}");
  cmd->add_flag("--components", c->components,
                "Check the component models against published microbenchmarks instead (CASES: a YAML file or a "
                "directory; default: data/components)");
  cmd->add_option("--upgrade", c->upgrade,
                  "Rewrite an older case FILE with the typed setting columns, filled from its notes (keeps FILE.orig)");
  cmd->footer(
      "Examples:\n  xpuplan validate\n  xpuplan validate my-runs.csv --json\n  xpuplan validate --components\n  "
      "xpuplan validate --upgrade "
      "my-old-runs.csv");
  cmd->callback([c, &st] { st.exit_code = run_validate(*c, st); });
}

}  // namespace xpu::cli
