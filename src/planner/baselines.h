// Baselines on the same input, for the savings a plan reports. Each gives a
// plan that goes through the same checker; a baseline that breaks a rule
// (a missed deadline, a vendor cap) says so rather than being dropped.
//
//   cheapest-on-demand      each workload alone, in deadline order, on the on-demand offer
//                           that does its work for the fewest dollars among those with
//                           capacity left; training spread evenly over its window
//   first-come-first-served in arrival order (earliest month, then file order), each workload
//                           takes the cheapest offer with free capacity, on-demand or spot,
//                           starting as early as it can at the largest scale it may use
//                           (what SkyPilot's optimizer does per task); no lookahead
//   best-single-vendor      the MILP restricted to one vendor's offers, without the
//                           diversification rules; the cheapest vendor that has a plan
#pragma once

#include <vector>

#include "planner/planner.h"

namespace xpu {

BaselineResult cheapest_on_demand(const Portfolio& p, const RateTable& rates);
BaselineResult first_come_first_served(const Portfolio& p, const RateTable& rates);
BaselineResult best_single_vendor(const Portfolio& p, const RateTable& rates, const PlanOptions& options);

// All three, in that order, each checked.
std::vector<BaselineResult> run_baselines(const Portfolio& p, const RateTable& rates, const PlanOptions& options);

}  // namespace xpu
