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

}  // namespace xpu
