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

// {"components": [{id, kind, metric, accelerator, family, measured, predicted, error_pct, status, ...}],
//  "summary": {overall, by_kind, by_family, skipped}}
Json to_json(const api::ComponentsReport& r);
// Errors per kind, per accelerator family and per both.
std::string to_text(const api::ComponentsReport& r);

// {"cases_label", "date", "stacks": [{stack, cases, fitted, in_sample, leave_one_out, ...}]}
Json to_json(const api::CalibrateReport& r);
std::string to_text(const api::CalibrateReport& r);

}  // namespace xpu
