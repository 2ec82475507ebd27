// Reading component evidence (data/components/*.yaml; format in
// data/components/README.md) for `xpuplan validate --components`.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "perf/component_check.h"

namespace xpu {

// Every entry of the `components:` list in `path`. A bad entry is reported in
// `ds` (file:line:col, what) and left out; the others are still read.
std::vector<ComponentCase> read_components(const std::string& path, Diagnostics& ds);

// The component files of a data directory: <dir>/components/*.yaml, sorted.
std::vector<std::string> component_files(const std::string& data_dir);

}  // namespace xpu
