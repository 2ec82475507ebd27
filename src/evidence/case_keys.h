// Case accelerators and models written another way than a key ("H100 SXM",
// "Llama-3.1-70B") are mapped to the one key that reads the same once case,
// spaces and punctuation are dropped; each mapping is a note at the case's
// line. Names that match no key, or more than one, are left for the validator
// to skip with the reason.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "evidence/validate.h"

namespace xpu {

void match_case_keys(std::vector<ValidationCase>& cases, const std::string& file,
                     const std::vector<std::string>& accelerators, const std::vector<std::string>& models,
                     Diagnostics& notes);

}  // namespace xpu
