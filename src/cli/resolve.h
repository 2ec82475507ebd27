// Turning command-line names into data: a model key or config.json path, an
// accelerator or system key, with near-miss suggestions naming the flag.
#pragma once

#include <string>

#include "io/data_files.h"

namespace xpu::cli {

// A shipped model key, or a path to a Hugging Face config.json (anything
// ending in .json or naming an existing file). Throws InputError naming `flag`.
ModelArch resolve_model(const DataSet& data, const std::string& name, const std::string& flag);

}  // namespace xpu::cli
