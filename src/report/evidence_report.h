// The evidence jobs' reports (validate, calibrate) as terminal text and
// canonical JSON: the one JSON rendering each, which `--json` prints.
#pragma once

#include <string>

#include "api/evidence.h"
#include "report/json_out.h"

namespace xpu {

// {"cases": [...], "summary": {...}}
Json to_json(const api::ValidateReport& r);
std::string to_text(const api::ValidateReport& r);

// {"cases_label", "date", "stacks": [{stack, cases, fitted, in_sample, leave_one_out, ...}]}
Json to_json(const api::CalibrateReport& r);
std::string to_text(const api::CalibrateReport& r);

}  // namespace xpu
