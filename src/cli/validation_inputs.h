// Wiring the validator to the loaded data (and, once present, the inference engine).
#pragma once

#include "io/data_files.h"
#include "perf/validate.h"

namespace xpu::cli {

// Lookups into `data`, which must outlive the result.
ValidationInputs validation_inputs(const DataSet& data);

}  // namespace xpu::cli
