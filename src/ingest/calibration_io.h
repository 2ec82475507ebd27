// The calibration file (data/calibration.yaml): stack parameters fitted by
// `xpuplan calibrate` to published runs, with the fit's residuals beside them.
// Loading applies each entry to its stack after all data directories merge.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "catalog/calibration.h"
#include "evidence/calibrate.h"
#include "ingest/yaml_reader.h"

namespace xpu {

std::optional<CalibrationEntry> read_calibration(MapReader& r);

// The YAML text of a calibration file, residuals per case included.
std::string calibration_yaml(const std::vector<StackCalibration>& fits, const std::string& date,
                             const std::string& cases_path);

}  // namespace xpu
