// A stack calibration as data (data/calibration.yaml): parameters fitted by
// `xpuplan calibrate` to published runs and the evidence behind them. Loading
// applies each entry to its stack after all data directories merge.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/diagnostics.h"
#include "catalog/catalog.h"
#include "catalog/stack.h"

namespace xpu {

struct CalibrationEntry {
  std::string stack;
  std::vector<std::pair<std::string, double>> parameters;  // stack parameter name -> value
  StackEvidence evidence;
  std::string source;
  SourceLocation defined_at;
};

// Applies entries to the catalog's stacks; unknown stacks or parameters are
// errors at the entry (with a suggestion for the stack).
Diagnostics apply_calibrations(Catalog& catalog, const std::vector<CalibrationEntry>& entries);

}  // namespace xpu
