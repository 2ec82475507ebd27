#include "catalog/calibration.h"

#include <fmt/format.h>

#include "base/suggest.h"

namespace xpu {

Diagnostics apply_calibrations(Catalog& catalog, const std::vector<CalibrationEntry>& entries) {
  Diagnostics ds;
  std::vector<std::string> keys;
  for (const auto& s : catalog.stacks) keys.push_back(s.key);
  for (const auto& e : entries) {
    StackEfficiency* s = nullptr;
    for (auto& x : catalog.stacks) {
      if (x.key == e.stack) s = &x;
    }
    if (s == nullptr) {
      ds.push_back(error_at(e.defined_at,
                            fmt::format("calibration for unknown stack '{}'{}", e.stack, did_you_mean(e.stack, keys))));
      continue;
    }
    for (const auto& [name, value] : e.parameters) {
      if (!set_stack_parameter(*s, name, value)) {
        ds.push_back(error_at(e.defined_at, fmt::format("calibration of '{}': unknown parameter '{}'", e.stack, name)));
        continue;
      }
      s->sources[name] = Provenance{e.source, e.evidence.date, false,
                                    fmt::format("fitted to {} published runs; leave-one-out median |error| {:.1f}%",
                                                e.evidence.cases, e.evidence.median_abs_pct)};
    }
    s->evidence = e.evidence;
  }
  return ds;
}

}  // namespace xpu
