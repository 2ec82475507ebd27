// Validation errors summarised: overall and per mode, vendor, metric,
// scenario and (mode, vendor), each the median and mean |error| and the
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
  std::map<std::string, std::map<std::string, ErrorStats>> by_mode_vendor;  // only groups with predictions
  int skipped = 0;
};

ErrorSummary summarize(const std::vector<CaseResult>& rs);

}  // namespace xpu
