// Re-planning inside the simulation: what is known at a decision (the month,
// each pool's chips now, each run's progress) turned into the residual
// portfolio for the rest of the horizon, solved by the planner, and read back
// through the plan adapter (sim/from_plan.h), so that the `replan` policy can
// take the new plan's current month.
//
// The residual portfolio (docs/simulate.md, "Policies"):
//  - horizon: from the current month to the simulation's last month;
//  - offers: the same, in the same order (so offer i is still pool i); this
//    month's capacity is what the pool has now (losses known), later months
//    what the plan expected; commitments already bought are sunk: they become
//    free capacity (price 0) of the chips bought, and no new commitment is
//    made (a re-plan rents on-demand or spot);
//  - training runs: the tokens still to train, windows shifted (a run past its
//    deadline may finish by the horizon's end); finished runs are left out;
//  - services: their remaining months' demand; porting the plan paid for is free;
//  - rules: site power as planned; the vendor and provider share caps, the
//    robustness rule, the budget and the minimum number of vendors are
//    dropped (the crisis is here, and a lost vendor may leave no plan within
//    the caps): the engine checks every decision against the caps and counts
//    breaches.
// The planner solves the fluid model (average chips; the executable MILP
// takes a minute on the shipped example) within a time limit; the adapter
// turns its first month into whole instances and replicas.
#pragma once

#include <optional>
#include <vector>

#include "planner/planner.h"
#include "planner/portfolio.h"
#include "planner/rates.h"
#include "sim/input.h"

namespace xpu {

struct PlanContext {
  Portfolio portfolio;
  RateTable rates;
  std::vector<Porting> paid;  // the plan's porting: free in a re-plan
  double time_limit_s = 2.0;  // per re-plan (the planner's time limit)
};

// What is known when a policy re-plans.
struct ReplanState {
  int month = 0;                    // index into the simulation's horizon
  std::vector<int64_t> available;   // per pool: chips it can give now
  std::vector<double> tokens_done;  // per run
};

// The residual portfolio and its rates (see above); `kept[i]` is the
// simulation's run or service index of the residual's workload i.
struct Residual {
  Portfolio portfolio;
  RateTable rates;
  std::vector<int> kept_runs, kept_services;
};
Residual residual_portfolio(const PlanContext& ctx, const SimInput& in, const ReplanState& state);

// Plans the residual portfolio; its adapted plan (month 0 = the current
// month), or nullopt when the planner finds none in time.
struct Replanned {
  SimInput input;  // runs and services in the residual's order (Residual::kept_*)
  Residual residual;
  PlanStatus status = PlanStatus::error;
};
std::optional<Replanned> replan(const PlanContext& ctx, const SimInput& in, const ReplanState& state);

}  // namespace xpu
