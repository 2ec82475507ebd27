// xpuplan validate [CASES.csv] [--json]: predictions against published measurements.
#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <set>

#include "cli/command.h"
#include "cli/validate_components.h"
#include "cli/validation_inputs.h"
#include "io/cases_io.h"
#include "io/json_perf.h"
#include "io/model_io.h"
#include "io/table.h"

namespace xpu::cli {
namespace {

struct ValidateOptions {
  std::string cases;
  std::string models;
  bool json = false;
  std::string only_mode;
  unsigned threads = 0;
  bool components = false;
};

Json stats_json(const ErrorStats& s) {
  return {{"count", s.count},
          {"median_abs_error_pct", s.median_abs},
          {"mean_abs_error_pct", s.mean_abs},
          {"median_signed_error_pct", s.median_signed}};
}

// Stats overall and grouped by mode, vendor and metric.
Json summary_json(const std::vector<CaseResult>& rs) {
  Json j;
  j["overall"] = stats_json(error_stats(rs, [](const CaseResult&) { return true; }));
  std::set<std::string> modes, vendors, metrics;
  for (const auto& r : rs) {
    modes.insert(std::string(to_string(r.mode)));
    vendors.insert(r.vendor);
    metrics.insert(std::string(to_string(r.metric)));
  }
  for (const auto& m : modes) {
    j["by_mode"][m] = stats_json(error_stats(rs, [&](const CaseResult& r) { return to_string(r.mode) == m; }));
  }
  for (const auto& v : vendors) {
    if (v.empty()) continue;
    j["by_vendor"][v] = stats_json(error_stats(rs, [&](const CaseResult& r) { return r.vendor == v; }));
  }
  for (const auto& m : metrics) {
    j["by_metric"][m] = stats_json(error_stats(rs, [&](const CaseResult& r) { return to_string(r.metric) == m; }));
  }
  for (const auto& m : modes) {
    for (const auto& v : vendors) {
      if (v.empty()) continue;
      ErrorStats st = error_stats(rs, [&](const CaseResult& r) { return to_string(r.mode) == m && r.vendor == v; });
      if (st.count > 0) j["by_mode_vendor"][m][v] = stats_json(st);
    }
  }
  std::set<std::string> scenarios;
  for (const auto& r : rs) {
    if (!r.scenario.empty()) scenarios.insert(r.scenario);
  }
  for (const auto& sc : scenarios) {
    j["by_scenario"][sc] = stats_json(error_stats(rs, [&](const CaseResult& r) { return r.scenario == sc; }));
  }
  int skipped = 0;
  for (const auto& r : rs) skipped += r.ok ? 0 : 1;
  j["skipped"] = skipped;
  return j;
}

std::string stats_line(const ErrorStats& s) {
  if (s.count == 0) return "no cases";
  return fmt::format("{:>3} cases  median |err| {:5.1f}%  mean |err| {:5.1f}%  median signed {:+5.1f}%", s.count,
                     s.median_abs, s.mean_abs, s.median_signed);
}

int run_validate(const ValidateOptions& o, RunState& st) {
  if (o.components) return run_validate_components(o.cases, o.json, st);
  DataSet data = load_data_for(st);
  Diagnostics ds;
  const std::string path = o.cases.empty() ? shipped_cases_path() : o.cases;
  std::vector<ValidationCase> cases = read_cases(path, ds);
  if (has_errors(ds)) throw InputError(std::move(ds));
  // Rows with a bad cell are warned about here and listed as skipped below.
  if (!st.global.quiet) st.io.err << format_diagnostics(ds);
  ds.clear();
  if (!o.only_mode.empty()) {
    std::erase_if(cases, [&](const ValidationCase& c) { return to_string(c.mode) != o.only_mode; });
  }
  // Models the shipped data lacks may come from a models.csv beside the cases
  // (CASES.md's companion file) or named with --models.
  std::string models_path = o.models;
  if (models_path.empty()) {
    const auto beside = std::filesystem::path(path).parent_path() / "models.csv";
    if (std::filesystem::exists(beside)) models_path = beside.string();
  }
  std::vector<ModelArch> extra;
  if (!models_path.empty()) {
    extra = read_models_csv(models_path, ds);
    if (has_errors(ds)) throw InputError(std::move(ds));
  }
  {
    std::vector<std::string> models = data.model_keys();
    for (const auto& m : extra) models.push_back(m.key);
    Diagnostics notes;
    match_case_keys(cases, path, data.catalog.accelerator_keys(), models, notes);
    if (!st.global.quiet) st.io.err << format_diagnostics(notes);
  }
  ValidationInputs in = validation_inputs(data);
  in.find_model = [&data, &extra](const std::string& key) -> const ModelArch* {
    if (const ModelArch* m = data.find_model(key)) return m;
    for (const auto& m : extra) {
      if (m.key == key) return &m;
    }
    return nullptr;
  };
  in.threads = o.threads;
  const std::vector<CaseResult> rs = predict_cases(cases, in);

  if (o.json) {
    Json arr = Json::array();
    for (const auto& r : rs) {
      Json c = {{"id", r.id},
                {"mode", to_string(r.mode)},
                {"accelerator", r.accelerator},
                {"metric", to_string(r.metric)},
                {"measured", r.measured},
                {"predicted", r.ok ? Json(r.predicted) : Json(nullptr)},
                {"error_pct", r.ok ? Json(r.error_pct) : Json(nullptr)},
                {"status", r.ok ? "ok" : "skipped"},
                {"reason", r.reason},
                {"stack", r.stack}};
      if (r.layout) c["layout"] = to_json(*r.layout);
      arr.push_back(c);
    }
    st.io.out << dump_canonical(Json{{"cases", arr}, {"summary", summary_json(rs)}});
    return 0;
  }
  auto& out = st.io.out;
  TextTable t;
  t.header = {"id", "mode", "accelerator", "metric", "measured", "predicted", "error", "layout / notes"};
  t.right_align = {false, false, false, false, true, true, true, false};
  for (const auto& r : rs) {
    if (!r.ok) continue;
    std::string note = r.layout ? describe(*r.layout) : "";
    if (!r.reason.empty()) note += (note.empty() ? "" : "; ") + r.reason;
    t.rows.push_back({r.id, std::string(to_string(r.mode)), r.accelerator, std::string(to_string(r.metric)),
                      fmt_num(r.measured, 4), fmt_num(r.predicted, 4), fmt::format("{:+.1f}%", r.error_pct), note});
  }
  out << render(t);
  out << "\nSummary (error = (predicted - measured) / measured):\n";
  out << fmt::format("  {:<36} {}\n", "all", stats_line(error_stats(rs, [](const CaseResult&) { return true; })));
  std::map<std::string, std::function<bool(const CaseResult&)>> groups;
  for (const auto& r : rs) {
    if (!r.ok) continue;
    const std::string mode(to_string(r.mode));
    groups["mode " + mode] = [mode](const CaseResult& x) { return to_string(x.mode) == mode; };
    const std::string v = r.vendor;
    groups["vendor " + v] = [v](const CaseResult& x) { return x.vendor == v; };
    const std::string m(to_string(r.metric));
    groups["metric " + m] = [m](const CaseResult& x) { return to_string(x.metric) == m; };
    groups["mode " + mode + ", vendor " + v] = [mode, v](const CaseResult& x) {
      return to_string(x.mode) == mode && x.vendor == v;
    };
    if (!r.scenario.empty()) {
      const std::string sc = r.scenario;
      groups["scenario " + sc] = [sc](const CaseResult& x) { return x.scenario == sc; };
    }
  }
  for (const auto& [name, pick] : groups) out << fmt::format("  {:<36} {}\n", name, stats_line(error_stats(rs, pick)));
  int skipped = 0;
  for (const auto& r : rs) skipped += r.ok ? 0 : 1;
  if (skipped > 0) {
    out << fmt::format("\nSkipped {} cases:\n", skipped);
    for (const auto& r : rs) {
      if (!r.ok) out << fmt::format("  {:<8} {}\n", r.id, r.reason);
    }
  }
  return 0;
}

}  // namespace

void setup_validate(CLI::App& app, RunState& st) {
  auto o = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand("validate", "Predict published measurements and report the error");
  cmd->add_option("CASES", o->cases, "Cases CSV (schema: data/validation/CASES.md); default: the shipped public cases");
  cmd->add_option("--models", o->models,
                  "models.csv for model keys the shipped data lacks (default: models.csv beside CASES, if present)");
  cmd->add_option("--mode", o->only_mode, "Only cases of this mode: train, finetune_lora, infer");
  cmd->add_option("--threads", o->threads, "Threads (0 = all cores)");
  cmd->add_flag("--json", o->json, "Print JSON: {cases: [...], summary: {...}}");
  cmd->add_flag(
      "--components", o->components,
      "Check the component models against microbenchmarks (data/components, or the YAML file or directory given)");
  cmd->footer("Examples:\n  xpuplan validate\n  xpuplan validate my-runs.csv --json\n  xpuplan validate --components");
  cmd->callback([o, &st] { st.exit_code = run_validate(*o, st); });
}

}  // namespace xpu::cli
