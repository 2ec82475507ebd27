// xpuplan validate --components: the component models against published
// microbenchmarks (data/components), reported per component kind and per
// accelerator family, separately from the end-to-end cases.
#pragma once

#include <string>

#include "cli/command.h"

namespace xpu::cli {

// `path`: a component YAML file or a directory of them; empty = the shipped
// data/components. Returns the exit code.
int run_validate_components(const std::string& path, bool json, RunState& st);

}  // namespace xpu::cli
