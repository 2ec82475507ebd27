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
  for (const auto& m : modes) {
    s.by_mode[m] = error_stats(rs, [&](const CaseResult& r) { return to_string(r.mode) == m; });
    for (const auto& v : vendors) {
      const ErrorStats st =
          error_stats(rs, [&](const CaseResult& r) { return to_string(r.mode) == m && r.vendor == v; });
      if (st.count > 0) s.by_mode_vendor[m][v] = st;
    }
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
