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
std::vector<double> polish_start(const Formulation& f, const std::vector<double>& start, const MilpOptions& options);

// A neighbourhood search around a complete plan `x` (large neighbourhood
// search over the runs): for each training run in turn, the other runs'
// gangs are held and CBC re-chooses this run's gangs and everything else
// (rentals, commitments, replicas, moves, binaries) with the best plan so
// far as its incumbent, each in an even share of options.time_limit_s (none
// below min_share_s, nor below a second). Returns the best plan found (never
// worse than `x`); `x` when it is not complete or has fewer than two runs.
std::vector<double> improve_runs(const Formulation& f, const std::vector<double>& x, const MilpOptions& options,
                                 double min_share_s = 1.0);

}  // namespace xpu
