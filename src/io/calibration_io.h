// The calibration file (data/calibration.yaml): stack parameters fitted by
// `xpuplan calibrate` to published runs, with the fit's residuals beside them.
// Loading applies each entry to its stack after all data directories merge.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "io/yaml_reader.h"
#include "perf/calibrate.h"

namespace xpu {

struct CalibrationEntry {
  std::string stack;
  std::vector<std::pair<std::string, double>> parameters;
  StackEvidence evidence;
  std::string source;
  SourceLocation defined_at;
};

std::optional<CalibrationEntry> read_calibration(MapReader& r);

// Applies entries to the catalog's stacks; unknown stacks or parameters are errors.
Diagnostics apply_calibrations(Catalog& catalog, const std::vector<CalibrationEntry>& entries);

// The YAML text of a calibration file, residuals per case included.
std::string calibration_yaml(const std::vector<StackCalibration>& fits, const std::string& date,
                             const std::string& cases_path);

}  // namespace xpu
