// The adapter from the planner's plan to the simulator's input, in one place:
// pools from the portfolio's offers, training runs from the plan's monthly
// assignments at the engine's rates, services from their replicas. The
// planner is moving to gangs and whole instances (issue 16); this reads only
// Portfolio, RateTable and Plan fields that exist today, so that change
// touches this file alone.
#pragma once

#include "planner/plan.h"
#include "planner/portfolio.h"
#include "planner/rates.h"
#include "sim/input.h"

namespace xpu {

// Every offer of the portfolio as a pool (name = offer key, in offer order),
// with no workload: what a risks file is resolved against before a plan
// exists. Commitment pools have no capacity until a plan buys some.
SimInput sim_pools_from_portfolio(const Portfolio& p);

// The plan as a SimInput. Mapping (docs/simulate.md, "From a plan"):
//  - pools: as sim_pools_from_portfolio; commitments hold the chips bought and
//    active each month, pay-as-you-go pools the offer's capacity rounded down
//    to whole instances, raised to what the plan places there;
//  - a training run holds, each month, the offer carrying most of its chips
//    (its pay-as-you-go chips on other offers that month are fixed cost, not
//    simulated: one gang per run and month until plans have gangs),
//    with the plan's chips rounded to whole instances (at least one), at the
//    tokens/s the plan gives it that month over all its offers (so the plan's
//    schedule is kept; the rounding shows in cost, not in finish months);
//    other usable accelerators' scale points are its options;
//  - a service holds, per offer and month, whole replicas of the engine's
//    chips per replica covering the plan's chips there (rounded up to whole
//    instances), each sustaining demand x chips per replica / need;
//  - an executable plan's rentals (whole instances for whole months) are the
//    pools' `rented` chips, billed held or not, so without risks the input
//    costs what the plan's decisions cost (planner/check.h plan_cost);
//  - porting, moves' checkpoint egress and commitment months past the horizon
//    are fixed cost; plan_cost
//    is left empty (the baseline is this input without risks, whole instances
//    included; the planner's own figure may be lower where it rents fractions).
// Chips in today's plans are monthly averages and may be fractions of an
// instance; the simulator holds whole instances, so pay-as-you-go cost may
// exceed the plan's where averages are small.
SimInput sim_input_from_plan(const Portfolio& p, const RateTable& rates, const Plan& plan);

// The first `months` months of `in` (0 or >= its months: unchanged). Runs that
// may not start before the cut are dropped, later deadlines move to the last
// month kept; commitments' months after the cut become fixed cost (still paid);
// plan_cost is cleared (the simulator re-evaluates the cut plan).
SimInput cut_horizon(SimInput in, int months);

}  // namespace xpu
