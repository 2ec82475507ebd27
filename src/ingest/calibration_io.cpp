#include "ingest/calibration_io.h"

#include <fmt/format.h>

#include "base/suggest.h"
#include "ingest/catalog_io.h"

namespace xpu {

std::optional<CalibrationEntry> read_calibration(MapReader& r) {
  CalibrationEntry e;
  e.defined_at = r.where();
  auto stack = r.str("stack");
  if (stack) {
    e.stack = *stack;
    r.set_what(fmt::format("calibration of '{}'", e.stack));
  }
  if (auto g = r.map("parameters", Need::required)) {
    // Keys are parameter names; they are checked when applied to the stack.
    for (const std::string& name : g->keys()) {
      if (auto v = g->number(name, Need::required, Sign::positive)) e.parameters.emplace_back(name, *v);
    }
    g->finish();
  }
  if (auto g = r.map("evidence", Need::required)) {
    if (auto v = g->integer("cases")) e.evidence.cases = static_cast<int>(*v);
    if (auto v = g->number("loo_median_abs_pct", Need::required, Sign::non_negative)) e.evidence.median_abs_pct = *v;
    if (auto v = g->number("loo_p10_pct", Need::required, Sign::any)) e.evidence.p10_pct = *v;
    if (auto v = g->number("loo_p90_pct", Need::required, Sign::any)) e.evidence.p90_pct = *v;
    if (auto v = g->str_list("accelerators")) e.evidence.accelerators = *v;
    if (auto v = g->str_list("precisions")) e.evidence.precisions = *v;
    if (auto v = g->integer("max_chips")) e.evidence.max_chips = static_cast<int>(*v);
    g->allow({"in_sample_median_abs_pct", "in_sample_mean_abs_pct", "loo_mean_abs_pct", "case_ids"});
    g->finish();
  }
  r.allow({"residuals"});  // per-case residuals: for readers, not for the model
  Provenance p = read_provenance(r, {});
  e.source = p.source;
  e.evidence.date = p.retrieved;
  if (p.source.empty() || p.retrieved.empty()) r.error("needs 'source' and 'retrieved'");
  r.finish();
  if (!stack) return std::nullopt;
  return e;
}

namespace {

std::string num(double v) { return fmt::format("{:.4g}", v); }

std::string list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out + "]";
}

}  // namespace

std::string calibration_yaml(const std::vector<StackCalibration>& fits, const std::string& date,
                             const std::string& cases_path) {
  std::string y = fmt::format(
      "# Written by `xpuplan calibrate` from {} on {}; regenerate rather than edit.\n"
      "# Per training stack: the fitted parameters (few, physical), the leave-one-out\n"
      "# error that prediction intervals use, and each case's in-sample residual.\n"
      "calibration:\n",
      cases_path, date);
  for (const auto& f : fits) {
    y += fmt::format("  - stack: {}\n", f.stack);
    y += f.fitted.empty() ? "    parameters: {}  # too few cases to fit: the priors stand\n" : "    parameters:\n";
    for (const auto& [name, value] : f.fitted) y += fmt::format("      {}: {}\n", name, num(value));
    y += "    evidence:\n";
    y += fmt::format("      cases: {}\n", f.case_ids.size());
    y += fmt::format("      in_sample_median_abs_pct: {}\n", num(f.in_sample.median_abs));
    y += fmt::format("      in_sample_mean_abs_pct: {}\n", num(f.in_sample.mean_abs));
    y += fmt::format("      loo_median_abs_pct: {}\n", num(f.leave_one_out.median_abs));
    y += fmt::format("      loo_mean_abs_pct: {}\n", num(f.leave_one_out.mean_abs));
    y += fmt::format("      loo_p10_pct: {}\n", num(f.loo_p10_pct));
    y += fmt::format("      loo_p90_pct: {}\n", num(f.loo_p90_pct));
    y += fmt::format("      accelerators: {}\n", list(f.accelerators));
    y += fmt::format("      precisions: {}\n", list(f.precisions));
    y += fmt::format("      max_chips: {}\n", f.max_chips);
    y += "    residuals:  # id, measured, predicted in-sample, error %, leave-one-out error %\n";
    for (size_t i = 0; i < f.results.size(); ++i) {
      const CaseResult& r = f.results[i];
      const double loo = i < f.loo_pct.size() ? f.loo_pct[i] : r.error_pct;
      y += fmt::format("      - [{}, {}, {}, {:+.1f}, {:+.1f}]\n", r.id, num(r.measured), num(r.predicted), r.error_pct,
                       loo);
    }
    y += fmt::format("    source: \"fit by xpuplan calibrate to {} ({} cases)\"\n", cases_path, f.case_ids.size());
    y += fmt::format("    retrieved: {}\n", date);
  }
  return y;
}

}  // namespace xpu
