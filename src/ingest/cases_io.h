// Reading validation cases (schema: data/validation/CASES.md): one header line,
// comma-separated (a quoted field is read as CSV). A bad cell is a warning at
// file:line:col and its row comes back with `invalid` set, so one bad row
// costs that row only; a file without the required columns is an error.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/expected.h"
#include "evidence/validate.h"
#include "ingest/yaml_reader.h"

namespace xpu {

std::vector<ValidationCase> read_cases(const std::string& path, Diagnostics& ds);
std::vector<ValidationCase> parse_cases(const std::string& text, const std::string& name, Diagnostics& ds);

// An older case file (settings in the notes, no typed columns) rewritten with
// the typed columns (data/validation/CASES.md) filled from the old phrases,
// inserted before `notes`; every other cell is kept as it was.
Expected<std::string, Diagnostics> upgrade_cases(const std::string& text, const std::string& name,
                                                 Diagnostics* warnings = nullptr);

// One entry of an `mlperf_evaluation:` section (data/validation/mlperf.yaml).
std::optional<MlperfEvaluation> read_mlperf_evaluation(MapReader& r);
// One entry of an `mlperf_inference:` section (data/validation/mlperf-inference.yaml).
std::optional<MlperfInference> read_mlperf_inference(MapReader& r);

// The shipped public cases (data/validation/cases.csv).
std::string shipped_cases_path();
// Every shipped case file the calibration fits together: cases.csv and the
// 2025-2026 evidence (cases-2025.csv).
std::vector<std::string> shipped_case_files();

}  // namespace xpu
