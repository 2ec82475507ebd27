// A start solution for the executable portfolio model from the fluid LP's
// (warm_start.cpp says how it is built). Internal to the planner.
#pragma once

#include <vector>

#include "planner/formulation.h"
#include "planner/portfolio.h"

namespace xpu {

// One value per variable of `f` (the executable model): gang binaries,
// replicas, rentals and porting binaries set; NaN where CBC is to complete
// the start (MilpOptions::start). `fluid_values` solve `fluid`'s LP
// relaxation; an empty or mismatched one gives all NaN.
std::vector<double> executable_start(const Portfolio& p, const Formulation& f, const Formulation& fluid,
                                     const std::vector<double>& fluid_values);

}  // namespace xpu
