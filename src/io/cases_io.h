// Reading validation cases (schema: data/validation/CASES.md): one header line,
// comma-separated, no quoting. Bad cells are diagnostics at file:line:col.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "perf/validate.h"

namespace xpu {

std::vector<ValidationCase> read_cases(const std::string& path, Diagnostics& ds);
std::vector<ValidationCase> parse_cases(const std::string& text, const std::string& name, Diagnostics& ds);

// The shipped public cases (data/validation/cases.csv).
std::string shipped_cases_path();

}  // namespace xpu
