#include "cli/validate_components.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <ostream>

#include "io/components_io.h"
#include "io/json_out.h"
#include "io/table.h"

namespace xpu::cli {
namespace {

struct Group {
  int count = 0;
  double median_abs = 0, median_signed = 0;
};

Group group_of(std::vector<double> errors) {
  Group g;
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

}  // namespace

int run_validate_components(const std::string& path, bool json, RunState& st) {
  DataSet data = load_data_for(st);
  std::vector<std::string> files;
  if (path.empty()) {
    files = component_files(shipped_data_dir());
  } else if (std::filesystem::is_directory(path)) {
    for (const auto& e : std::filesystem::directory_iterator(path)) {
      if (e.path().extension() == ".yaml") files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  Diagnostics ds;
  std::vector<ComponentResult> rs;
  for (const auto& f : files) {
    for (const auto& c : read_components(f, ds)) rs.push_back(predict_component(c, data.catalog));
  }
  // Entries with a bad field are warned about and left out; the rest are predicted.
  if (!st.global.quiet) st.io.err << format_diagnostics(ds);
  std::map<std::string, std::vector<double>> by_kind, by_family, by_both;
  std::vector<double> all;
  for (const auto& r : rs) {
    if (!r.ok) continue;
    all.push_back(r.error_pct);
    by_kind[std::string(to_string(r.kind))].push_back(r.error_pct);
    by_family[r.family].push_back(r.error_pct);
    by_both[fmt::format("{} / {}", r.family, to_string(r.kind))].push_back(r.error_pct);
  }
  if (json) {
    auto stats = [](const std::vector<double>& v) {
      const Group g = group_of(v);
      return Json{
          {"count", g.count}, {"median_abs_error_pct", g.median_abs}, {"median_signed_error_pct", g.median_signed}};
    };
    Json cases = Json::array();
    for (const auto& r : rs) {
      cases.push_back({{"id", r.id},
                       {"kind", to_string(r.kind)},
                       {"metric", to_string(r.metric)},
                       {"accelerator", r.accelerator},
                       {"family", r.family},
                       {"measured", r.measured},
                       {"predicted", r.ok ? Json(r.predicted) : Json(nullptr)},
                       {"error_pct", r.ok ? Json(r.error_pct) : Json(nullptr)},
                       {"status", r.ok ? "ok" : "skipped"},
                       {"estimate", r.estimate},
                       {"reason", r.reason}});
    }
    Json summary{{"overall", stats(all)}};
    for (const auto& [k, v] : by_kind) summary["by_kind"][k] = stats(v);
    for (const auto& [k, v] : by_family) summary["by_family"][k] = stats(v);
    summary["skipped"] = static_cast<int>(rs.size() - all.size());
    st.io.out << dump_canonical(Json{{"components", cases}, {"summary", summary}});
    return 0;
  }
  auto& out = st.io.out;
  TextTable t;
  t.header = {"group", "entries", "median |err|", "median signed"};
  t.right_align = {false, true, true, true};
  auto row = [&t](const std::string& name, const std::vector<double>& v) {
    const Group g = group_of(v);
    t.rows.push_back({name, std::to_string(g.count), fmt::format("{:.1f}%", g.median_abs),
                      fmt::format("{:+.1f}%", g.median_signed)});
  };
  row("all", all);
  for (const auto& [k, v] : by_kind) row("kind " + k, v);
  for (const auto& [k, v] : by_family) row("family " + k, v);
  for (const auto& [k, v] : by_both) row(k, v);
  out << "Component models against published microbenchmarks (error = (predicted - measured) / measured):\n";
  out << render(t);
  out << fmt::format(
      "{} entries predicted, {} skipped (xpuplan validate --components --json lists each with its reason).\n",
      all.size(), rs.size() - all.size());
  return 0;
}

}  // namespace xpu::cli
