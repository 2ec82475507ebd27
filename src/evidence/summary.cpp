#include "evidence/summary.h"

#include <set>

namespace xpu {

ErrorSummary summarize(const std::vector<CaseResult>& rs) {
  ErrorSummary s;
  s.overall = error_stats(rs, [](const CaseResult&) { return true; });
  std::set<std::string> modes, vendors, metrics, scenarios;
  for (const auto& r : rs) {
    modes.insert(std::string(to_string(r.mode)));
    if (!r.vendor.empty()) vendors.insert(r.vendor);
    metrics.insert(std::string(to_string(r.metric)));
    if (r.scenario) scenarios.insert(std::string(to_string(*r.scenario)));
    s.skipped += r.ok ? 0 : 1;
  }
  // Per mode, the groups a result's `field` names (empty: not grouped).
  auto per_mode = [&](const std::string& m, std::string CaseResult::*field,
                      std::map<std::string, std::map<std::string, ErrorStats>>& out) {
    std::set<std::string> names;
    for (const auto& r : rs) {
      if (to_string(r.mode) == m && !(r.*field).empty()) names.insert(r.*field);
    }
    for (const auto& n : names) {
      const ErrorStats st =
          error_stats(rs, [&](const CaseResult& r) { return to_string(r.mode) == m && r.*field == n; });
      if (st.count > 0) out[m][n] = st;
    }
  };
  for (const auto& m : modes) {
    s.by_mode[m] = error_stats(rs, [&](const CaseResult& r) { return to_string(r.mode) == m; });
    per_mode(m, &CaseResult::vendor, s.by_mode_vendor);
    per_mode(m, &CaseResult::family, s.by_mode_family);
    per_mode(m, &CaseResult::architecture, s.by_mode_architecture);
  }
  for (const auto& v : vendors) s.by_vendor[v] = error_stats(rs, [&](const CaseResult& r) { return r.vendor == v; });
  for (const auto& m : metrics) {
    s.by_metric[m] = error_stats(rs, [&](const CaseResult& r) { return to_string(r.metric) == m; });
  }
  for (const auto& sc : scenarios) {
    s.by_scenario[sc] =
        error_stats(rs, [&](const CaseResult& r) { return r.scenario && to_string(*r.scenario) == sc; });
  }
  return s;
}

}  // namespace xpu
