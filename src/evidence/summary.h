// Validation errors summarised: overall and per mode, vendor, metric,
// scenario, and per mode by vendor, by chip family and by architecture
// (MoE or dense), each the median and mean |error| and the
// median signed error of the cases predicted (skipped cases are counted apart).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "evidence/validate.h"

namespace xpu {

struct ErrorSummary {
  ErrorStats overall;
  // Keyed by name ("train", "nvidia", "mfu", "server"); every value present
  // among the cases, predicted or not (a group of skipped cases has count 0).
  std::map<std::string, ErrorStats> by_mode, by_vendor, by_metric, by_scenario;
  // Per mode ("train", "infer"), then by vendor, by family ("Hopper") and by
  // architecture ("moe", "dense"); only groups with predictions.
  std::map<std::string, std::map<std::string, ErrorStats>> by_mode_vendor, by_mode_family, by_mode_architecture;
  int skipped = 0;
};

ErrorSummary summarize(const std::vector<CaseResult>& rs);

}  // namespace xpu
