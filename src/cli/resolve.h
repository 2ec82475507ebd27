// Turning command-line names into data: a model key or config.json path, an
// accelerator or system key, with near-miss suggestions naming the flag.
#pragma once

#include <string>

#include "ingest/data_files.h"

namespace xpu::cli {

// A shipped model key, or a path to a Hugging Face config.json (anything
// ending in .json or naming an existing file). Throws InputError naming `flag`.
ModelArch resolve_model(const DataSet& data, const std::string& name, const std::string& flag);

}  // namespace xpu::cli

namespace xpu::cli {

struct HardwareChoice {
  const Accelerator* accelerator = nullptr;
  const System* system = nullptr;  // null: the accelerator's default domain
};

// An accelerator key (its default system) or a system key ("gb200-nvl72",
// "trn2-ultraserver"). Throws InputError naming `flag` with a suggestion.
HardwareChoice resolve_hardware(const DataSet& data, const std::string& name, const std::string& flag);

// The named stack, or the default one for the accelerator's runtime and mode.
const StackEfficiency& resolve_stack(const DataSet& data, const Accelerator& a, Mode mode, const std::string& name,
                                     const std::string& flag);

}  // namespace xpu::cli
