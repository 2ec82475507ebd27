// The plan as a self-contained HTML page: summary, charts (chips by vendor
// per month, cost by month and term, savings against the baselines), the
// month-by-month tables, binding constraints and the checker's verdict.
#pragma once

#include <string>

#include "planner/planner.h"

namespace xpu {

std::string plan_html(const Portfolio& p, const PlanResult& r);

}  // namespace xpu
