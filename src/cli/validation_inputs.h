// Wiring the validator to the loaded data (and, once present, the inference engine).
#pragma once

#include "evidence/validate.h"
#include "ingest/data_files.h"

namespace xpu::cli {

// Lookups into `data`, which must outlive the result.
ValidationInputs validation_inputs(const DataSet& data);

// Case accelerators and models written another way than a key ("H100 SXM",
// "Llama-3.1-70B") are mapped to the one key that reads the same once case,
// spaces and punctuation are dropped; each mapping is a note. Names that match
// no key, or more than one, are left for the validator to skip.
void match_case_keys(std::vector<ValidationCase>& cases, const std::string& file,
                     const std::vector<std::string>& accelerators, const std::vector<std::string>& models,
                     Diagnostics& notes);

}  // namespace xpu::cli
