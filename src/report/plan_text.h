// The plan as a terminal report: status, cost by vendor, term and provider,
// chips per offer and month, shares and site power, each workload's
// schedule, what binds, the baselines and the checker's verdict.
#pragma once

#include <string>

#include "planner/planner.h"

namespace xpu {

std::string plan_text(const Portfolio& p, const RateTable& rates, const PlanResult& r);

// One line of solver progress for a terminal, without a newline:
// "solving 12 s  best $1,234,567  bound $1,200,000  gap 2.81%  1,520 nodes".
std::string plan_progress_line(const MilpProgress& p);

}  // namespace xpu
