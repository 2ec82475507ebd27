// The plan job's report: the one JSON rendering (`--json`), text and HTML.
#pragma once

#include <string>

#include "api/plan.h"
#include "report/json_out.h"

namespace xpu {

Json to_json(const api::PlanReport& r);
std::string to_text(const api::PlanReport& r);
std::string to_html(const api::PlanReport& r);

}  // namespace xpu
