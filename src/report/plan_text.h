// The plan as a terminal report: status, cost by vendor, term and provider,
// chips per offer and month, shares and site power, each workload's
// schedule, what binds, the baselines and the checker's verdict.
#pragma once

#include <string>

#include "planner/planner.h"

namespace xpu {

std::string plan_text(const Portfolio& p, const RateTable& rates, const PlanResult& r);

}  // namespace xpu
