#include "report/evidence_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include <map>
#include <string_view>

#include "report/json_perf.h"
#include "report/table.h"

namespace xpu {
namespace {

Json stats_json(const ErrorStats& s) {
  return {{"count", s.count},
          {"median_abs_error_pct", s.median_abs},
          {"mean_abs_error_pct", s.mean_abs},
          {"median_signed_error_pct", s.median_signed}};
}

std::string stats_line(const ErrorStats& s) {
  if (s.count == 0) return "no cases";
  return fmt::format("{:>3} cases  median |err| {:5.1f}%  mean |err| {:5.1f}%  median signed {:+5.1f}%", s.count,
                     s.median_abs, s.mean_abs, s.median_signed);
}

Json summary_json(const ErrorSummary& s) {
  Json summary;
  summary["overall"] = stats_json(s.overall);
  for (const auto& [k, v] : s.by_mode) summary["by_mode"][k] = stats_json(v);
  for (const auto& [k, v] : s.by_vendor) summary["by_vendor"][k] = stats_json(v);
  for (const auto& [k, v] : s.by_metric) summary["by_metric"][k] = stats_json(v);
  const std::pair<const char*, const std::map<std::string, std::map<std::string, ErrorStats>>*> nested[] = {
      {"by_mode_vendor", &s.by_mode_vendor},
      {"by_mode_family", &s.by_mode_family},
      {"by_mode_architecture", &s.by_mode_architecture}};
  for (const auto& [name, groups] : nested) {
    for (const auto& [m, gs] : *groups) {
      for (const auto& [g, st] : gs) summary[name][m][g] = stats_json(st);
    }
  }
  for (const auto& [k, v] : s.by_scenario) summary["by_scenario"][k] = stats_json(v);
  summary["skipped"] = s.skipped;
  return summary;
}

// One line per group with predicted cases, sorted by name.
std::string summary_lines(const ErrorSummary& s) {
  std::string out = fmt::format("  {:<44} {}\n", "all", stats_line(s.overall));
  std::map<std::string, ErrorStats> groups;
  for (const auto& [k, v] : s.by_mode) groups["mode " + k] = v;
  for (const auto& [k, v] : s.by_vendor) groups["vendor " + k] = v;
  for (const auto& [k, v] : s.by_metric) groups["metric " + k] = v;
  for (const auto& [k, v] : s.by_scenario) groups["scenario " + k] = v;
  const std::pair<const char*, const std::map<std::string, std::map<std::string, ErrorStats>>*> nested[] = {
      {"vendor", &s.by_mode_vendor}, {"family", &s.by_mode_family}, {"architecture", &s.by_mode_architecture}};
  for (const auto& [name, by] : nested) {
    for (const auto& [m, gs] : *by) {
      for (const auto& [g, st] : gs) groups[fmt::format("mode {}, {} {}", m, name, g)] = st;
    }
  }
  for (const auto& [name, st] : groups) {
    if (st.count > 0) out += fmt::format("  {:<44} {}\n", name, stats_line(st));
  }
  return out;
}

}  // namespace

Json to_json(const api::ValidateReport& r) {
  Json arr = Json::array();
  for (const auto& c : r.results) {
    Json j = {{"id", c.id},
              {"mode", to_string(c.mode)},
              {"accelerator", c.accelerator},
              {"vendor", c.vendor},
              {"family", c.family},
              {"architecture", c.architecture},
              {"metric", to_string(c.metric)},
              {"measured", c.measured},
              {"predicted", c.ok ? Json(c.predicted) : Json(nullptr)},
              {"error_pct", c.ok ? Json(c.error_pct) : Json(nullptr)},
              {"status", c.ok ? "ok" : "skipped"},
              {"reason", c.reason},
              {"stack", c.stack}};
    if (c.layout) j["layout"] = to_json(*c.layout);
    arr.push_back(j);
  }
  return Json{{"cases", arr}, {"summary", summary_json(r.summary)}};
}

std::string to_text(const api::ValidateReport& r) {
  TextTable t;
  t.header = {"id", "mode", "accelerator", "metric", "measured", "predicted", "error", "layout / notes"};
  t.right_align = {false, false, false, false, true, true, true, false};
  for (const auto& c : r.results) {
    if (!c.ok) continue;
    std::string note = c.layout ? describe(*c.layout) : "";
    if (!c.reason.empty()) note += (note.empty() ? "" : "; ") + c.reason;
    t.rows.push_back({c.id, std::string(to_string(c.mode)), c.accelerator, std::string(to_string(c.metric)),
                      fmt_num(c.measured, 4), fmt_num(c.predicted, 4), fmt::format("{:+.1f}%", c.error_pct), note});
  }
  std::string out = render(t);
  out += "\nSummary (error = (predicted - measured) / measured):\n";
  out += summary_lines(r.summary);
  const ErrorSummary& s = r.summary;
  if (s.skipped > 0) {
    out += fmt::format("\nSkipped {} cases:\n", s.skipped);
    for (const auto& c : r.results) {
      if (!c.ok) out += fmt::format("  {:<8} {}\n", c.id, c.reason);
    }
  }
  return out;
}

Json to_json(const api::CalibrateReport& r) {
  Json stacks = Json::array();
  for (const auto& f : r.fits) {
    Json fitted = Json::object();
    for (const auto& [name, value] : f.fitted) fitted[name] = value;
    // Each case's own errors, so a reader can find the rows behind a median.
    Json per_case = Json::array();
    for (size_t i = 0; i < f.results.size(); ++i) {
      const CaseResult& c = f.results[i];
      Json row{{"id", c.id},
               {"mode", to_string(c.mode)},
               {"accelerator", c.accelerator},
               {"metric", to_string(c.metric)},
               {"ok", c.ok}};
      if (c.ok) {
        row["measured"] = c.measured;
        row["predicted"] = c.predicted;
        row["in_sample_error_pct"] = c.error_pct;
        if (i < f.loo_pct.size()) row["leave_one_out_error_pct"] = f.loo_pct[i];
      } else {
        row["reason"] = c.reason;
      }
      per_case.push_back(std::move(row));
    }
    stacks.push_back({{"stack", f.stack},
                      {"cases", f.case_ids.size()},
                      {"fitted", fitted},
                      {"in_sample", stats_json(f.in_sample)},
                      {"leave_one_out", stats_json(f.leave_one_out)},
                      {"loo_p10_pct", f.loo_p10_pct},
                      {"loo_p90_pct", f.loo_p90_pct},
                      {"accelerators", f.accelerators},
                      {"precisions", f.precisions},
                      {"max_chips", f.max_chips},
                      {"on_bound", f.on_bound},
                      {"held_at_priors", f.held_at_priors},
                      {"per_case", per_case}});
  }
  return Json{
      {"cases", r.cases_label}, {"date", r.date}, {"stacks", stacks}, {"leave_one_out", summary_json(r.leave_one_out)}};
}

namespace {

// A fitted value as read: the overheads are times (4e-06 printed as 0.000
// hid that trtllm-cuda's kernel overhead sits on its 4 us bound), the rest
// fractions and factors.
std::string fitted_value(std::string_view name, double v) {
  if (!name.ends_with("overhead")) return fmt::format("{:.3f}", v);
  if (v == 0) return "0";
  if (std::abs(v) < 1e-3) return fmt::format("{:.3g}us", v * 1e6);
  if (std::abs(v) < 1) return fmt::format("{:.3g}ms", v * 1e3);
  return fmt::format("{:.3g}s", v);
}

}  // namespace

std::string to_text(const api::CalibrateReport& r) {
  TextTable t;
  t.header = {"stack",       "cases", "fitted parameters", "in-sample median |err|", "leave-one-out median |err|",
              "LOO p10..p90"};
  t.right_align = {false, true, false, true, true, true};
  for (const auto& f : r.fits) {
    std::string params;
    for (const auto& [name, value] : f.fitted) {
      params += fmt::format("{}{}={}", params.empty() ? "" : " ", name, fitted_value(name, value));
    }
    if (params.empty()) params = "none: the priors stand";
    t.rows.push_back({f.stack, std::to_string(f.case_ids.size()), params,
                      fmt::format("{:.1f}%", f.in_sample.median_abs),
                      fmt::format("{:.1f}%", f.leave_one_out.median_abs),
                      fmt::format("{:+.0f}%..{:+.0f}%", f.loo_p10_pct, f.loo_p90_pct)});
  }
  std::string out = render(t);
  for (const auto& f : r.fits) {
    for (const auto& b : f.on_bound) out += fmt::format("warning: {}: {} ended on its search bound\n", f.stack, b);
    // A stack with fewer cases than parameters is not identified: say what
    // holds its priors (one case was reported as "Fitted" without a word).
    if (f.held_at_priors.empty()) continue;
    const size_t n = f.case_ids.size();
    out += fmt::format(
        "{}: {}: {} case{} fit{} {}; {} {} held at {} prior{} (a parameter is fitted per 3 cases)\n",
        f.fitted.empty() ? "warning" : "note", f.stack, n, n == 1 ? "" : "s", n == 1 ? "s" : "",
        f.fitted.empty() ? "no parameter"
                         : fmt::format("{} of {}", f.fitted.size(), f.fitted.size() + f.held_at_priors.size()),
        fmt::format("{}", fmt::join(f.held_at_priors, ", ")), f.held_at_priors.size() == 1 ? "is" : "are",
        f.held_at_priors.size() == 1 ? "its" : "their", f.held_at_priors.size() == 1 ? "" : "s");
  }
  out +=
      "\nLeave-one-out error by group (each case predicted by its stack refitted without it, layouts re-searched):\n";
  out += summary_lines(r.leave_one_out);
  const auto unfitted = static_cast<size_t>(
      std::count_if(r.fits.begin(), r.fits.end(), [](const StackCalibration& f) { return f.fitted.empty(); }));
  return out + fmt::format("Fitted {} stacks{} from {} in {:.1f} s.\n", r.fits.size() - unfitted,
                           unfitted == 0 ? std::string()
                                         : fmt::format(" ({} more held at {} priors: too few cases)", unfitted,
                                                       unfitted == 1 ? "its" : "their"),
                           r.cases_name, r.seconds);
}

namespace {

struct ErrorGroup {
  int count = 0;
  double median_abs = 0, median_signed = 0;
};

ErrorGroup group_of(std::vector<double> errors) {
  ErrorGroup g;
  g.count = static_cast<int>(errors.size());
  if (errors.empty()) return g;
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  };
  g.median_signed = median(errors);
  for (double& e : errors) e = std::fabs(e);
  g.median_abs = median(errors);
  return g;
}

struct ComponentGroups {
  std::vector<double> all;
  std::map<std::string, std::vector<double>> by_kind, by_family, by_both;
};

ComponentGroups component_groups(const api::ComponentsReport& r) {
  ComponentGroups g;
  for (const auto& c : r.results) {
    if (!c.ok) continue;
    g.all.push_back(c.error_pct);
    g.by_kind[std::string(to_string(c.kind))].push_back(c.error_pct);
    g.by_family[c.family].push_back(c.error_pct);
    g.by_both[fmt::format("{} / {}", c.family, to_string(c.kind))].push_back(c.error_pct);
  }
  return g;
}

}  // namespace

Json to_json(const api::ComponentsReport& r) {
  auto stats = [](const std::vector<double>& v) {
    const ErrorGroup g = group_of(v);
    return Json{
        {"count", g.count}, {"median_abs_error_pct", g.median_abs}, {"median_signed_error_pct", g.median_signed}};
  };
  Json cases = Json::array();
  for (const auto& c : r.results) {
    cases.push_back({{"id", c.id},
                     {"kind", to_string(c.kind)},
                     {"metric", to_string(c.metric)},
                     {"accelerator", c.accelerator},
                     {"family", c.family},
                     {"measured", c.measured},
                     {"predicted", c.ok ? Json(c.predicted) : Json(nullptr)},
                     {"error_pct", c.ok ? Json(c.error_pct) : Json(nullptr)},
                     {"status", c.ok ? "ok" : "skipped"},
                     {"estimate", c.estimate},
                     {"reason", c.reason}});
  }
  const ComponentGroups g = component_groups(r);
  Json summary{{"overall", stats(g.all)}};
  for (const auto& [k, v] : g.by_kind) summary["by_kind"][k] = stats(v);
  for (const auto& [k, v] : g.by_family) summary["by_family"][k] = stats(v);
  summary["skipped"] = static_cast<int>(r.results.size() - g.all.size());
  return Json{{"components", cases}, {"summary", summary}};
}

std::string to_text(const api::ComponentsReport& r) {
  const ComponentGroups g = component_groups(r);
  TextTable t;
  t.header = {"group", "entries", "median |err|", "median signed"};
  t.right_align = {false, true, true, true};
  auto row = [&t](const std::string& name, const std::vector<double>& v) {
    const ErrorGroup e = group_of(v);
    t.rows.push_back({name, std::to_string(e.count), fmt::format("{:.1f}%", e.median_abs),
                      fmt::format("{:+.1f}%", e.median_signed)});
  };
  row("all", g.all);
  for (const auto& [k, v] : g.by_kind) row("kind " + k, v);
  for (const auto& [k, v] : g.by_family) row("family " + k, v);
  for (const auto& [k, v] : g.by_both) row(k, v);
  return "Component models against published microbenchmarks (error = (predicted - measured) / measured):\n" +
         render(t) +
         fmt::format(
             "{} entries predicted, {} skipped (xpuplan validate --components --json lists each with its reason).\n",
             g.all.size(), r.results.size() - g.all.size());
}

}  // namespace xpu
