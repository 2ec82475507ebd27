// A start solution for the executable portfolio model from the fluid LP's
// (warm_start.cpp says how it is built). Internal to the planner.
#pragma once

#include <vector>

#include "milp/solve.h"
#include "planner/formulation.h"
#include "planner/portfolio.h"
#include "planner/rates.h"

namespace xpu {

// One value per variable of `f` (the executable model). Complete (no NaN)
// when the greedy placed everything and the model holds at it; otherwise
// some or all entries are NaN (the planner then starts cold, since CBC's
// completion of a partial start cost more search than it saved).
// `fluid_values` solve `fluid`'s LP relaxation; an empty or mismatched one
// gives all NaN.
std::vector<double> executable_start(const Portfolio& p, const RateTable& rates, const Formulation& f,
                                     const Formulation& fluid, const std::vector<double>& fluid_values);

// The repair and improvement of a start (a neighbourhood search): the gang
// binaries `start` sets are fixed, everything else (rentals, commitments,
// replicas, moves, vendor, stay and porting binaries, and the gangs of runs
// the start left NaN) is solved by CBC under `options` (its time limit and
// gap; a complete start is its MIP start). Returns that sub-problem's best
// plan, which satisfies f.model, when it has one no worse than `start`;
// otherwise `start` unchanged.
// With `replicas` false a complete start gets the first step only (its
// rentals and commitments re-chosen, its placements held): on the 500x100x24
// bench that step took 1.6 s and all of the repair's gain (2.46x -> 2.18x
// the fluid LP), the second 31 s for none (docs/benchmarks.md, planner13).
std::vector<double> polish_start(const Formulation& f, const std::vector<double>& start, const MilpOptions& options,
                                 bool replicas = true);

// A neighbourhood search around a complete plan `x` (large neighbourhood
// search over the runs): for each training run in turn, the most
// chip-months first, that run's own columns (gangs, checkpoints, moves,
// stay and porting binaries) and the shared ones (rentals, commitments,
// vendor binaries) are re-chosen by CBC, every other workload's held, with
// the best plan so far as its incumbent, each in an even share of what is
// left of options.time_limit_s but at least min_share_s (and a second):
// the runs past the limit are not searched. Returns the best plan found
// (never worse than `x`); `x` when it is not complete or has fewer than two runs.
std::vector<double> improve_runs(const Formulation& f, const std::vector<double>& x, const MilpOptions& options,
                                 double min_share_s = 1.0);

// Price-directed re-placement of a complete plan `x`: the LP over
// everything but the placements (gangs, replicas, and the porting they
// imply) prices each pool-month's chips by its duals; each run's cheapest
// one-pool schedule and each service-month's cheapest one-pool replicas at
// those prices are tried, the largest savings first in batches, and a batch
// is kept only when that LP's optimum falls. Then CBC buys whole rentals for
// the placements kept, within options.time_limit_s in all. Returns that plan
// when it satisfies f.model and costs less than `x`; else `x`.
std::vector<double> reprice_placements(const Portfolio& p, const Formulation& f, const std::vector<double>& x,
                                       const MilpOptions& options);

}  // namespace xpu
