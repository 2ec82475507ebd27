// Baselines on the same input, for the savings a plan reports. Each is held
// to the plan's own model (executable: one gang per run and month at a count
// where the engine has a layout, whole instances, whole replicas; fluid only
// under --fluid, as the plan is), solved by the same machinery, and goes
// through the same checker; a baseline that breaks a rule (a missed deadline,
// a vendor cap) says so rather than being dropped.
//
//   cheapest-on-demand      workloads in deadline order, each alone (its own model with no
//                           lookahead) on the on-demand offers' capacity the earlier ones left
//   first-come-first-served in arrival order (earliest month, then file order), each alone on
//                           the on-demand and spot capacity left, a run in one pool throughout
//                           (what SkyPilot's optimizer does per task); no lookahead
//   best-single-vendor      the MILP restricted to one vendor's offers, without the
//                           diversification rules; the cheapest vendor that has a plan
//
// Before 2026-12-06 the first two spread training evenly over fractional
// chips and were checked as fluid plans, so an executable plan could "save
// -69.9%" against a baseline no one could launch (docs/robustness.md, usertrial5).
#pragma once

#include <string>
#include <vector>

#include "planner/planner.h"

namespace xpu {

BaselineResult cheapest_on_demand(const Portfolio& p, const RateTable& rates, const PlanOptions& options = {});
BaselineResult first_come_first_served(const Portfolio& p, const RateTable& rates, const PlanOptions& options = {});
BaselineResult best_single_vendor(const Portfolio& p, const RateTable& rates, const PlanOptions& options);

// Why the plan's saving against `b` is not a figure to print ("" when it is):
// "fluid baseline" / "executable baseline" when `b` is held to the other
// model than `plan`, "leaves work undone" when the checker finds a deadline
// missed or a demand unmet (a baseline that does less is cheaper, not better).
// A baseline that does all the work but breaks a policy rule (a share, a
// minimum of vendors) keeps its figure: that is the price of the rule.
std::string no_saving_against(const BaselineResult& b, const Plan& plan);

// All three, in that order, each checked.
std::vector<BaselineResult> run_baselines(const Portfolio& p, const RateTable& rates, const PlanOptions& options);

}  // namespace xpu
