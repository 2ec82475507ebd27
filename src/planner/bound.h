// A lower bound on the executable plan's cost from a Lagrangian
// decomposition by workload (docs/portfolio.md, "Executable plans").
//
// Every row of the formulation that is about one workload (its completion or
// demand, one gang per month, one pool for an unmovable run, its moves, its
// porting, its robustness scenario rows) stays with that workload's block;
// every other row (pool usage and balance, capacity, power, shares, vendor
// minimums, spare capacity, budget) is priced by a multiplier y_r and moved
// into the objective:
//
//   L(y) = sum_r y_r b_r + sum_blocks min_{block's rows, integers} (c - y A) x
//                        + sum_{other variables} min_{bounds} (c_j - y A_j) x_j
//
// with y_r >= 0 on a >= row, <= 0 on a <= row. For any such y, L(y) is at
// most the MILP's optimum (weak duality), and each block keeps its
// integrality: a run pays for whole gangs, a service for whole replicas.
// Two choices of y:
//  - cheapest prices: each pool-month's usage priced at the cheapest
//    per-chip-hour price of any offer (any term) there; every other row 0.
//    Any chip-month costs at least that (a commitment is paid for its whole
//    term, including the months the plan covers), so the offers' part is
//    >= 0 and drops out: L is the sum over workloads of the cheapest plan of
//    each workload alone. Needs no LP.
//  - the LP relaxation's duals: then L(y) >= the LP relaxation's value (the
//    blocks' integer minima are at least their LP minima), stronger when
//    the LP used fractions of gangs.
// Blocks are solved one at a time, exactly with CBC or as LP relaxations
// (`plan` uses the latter: valid, and fast with hundreds of blocks).
#pragma once

#include <string>
#include <vector>

#include "milp/model.h"
#include "milp/solve.h"
#include "planner/formulation.h"
#include "planner/portfolio.h"

namespace xpu {

// L(y) for the rows and variables split into blocks. `row_block[r]` is the
// block row r belongs to, or -1 for a priced (dualized) row; `var_block[j]`
// the block of variable j, or -1. A block row must hold only its block's
// variables. `y` has one multiplier per row (those of block rows are
// ignored; a wrong-signed or unusable one counts as 0). Returns -inf when a
// priced-out variable is unbounded in the direction its price favours, +inf
// when a block is infeasible, NaN when a block could not be solved in time.
// `exact`: each block's integer program by CBC; otherwise its LP relaxation
// by Clp (valid, weaker, and much faster when there are hundreds of blocks).
struct LagrangianValue {
  double value = kNaN;
  double seconds = 0;
  int blocks = 0;
  std::string message;
};
LagrangianValue lagrangian_value(const MilpModel& model, const std::vector<int>& row_block,
                                 const std::vector<int>& var_block, const std::vector<double>& y, double time_limit_s,
                                 bool exact = true);

struct PlanBound {
  double value = kNaN;            // NaN: no bound (lateness objective, relaxed groups, fluid model, out of time)
  std::string source;             // "decomposition, cheapest prices" or "decomposition, LP duals"
  double cheapest_prices = kNaN;  // L at the cheapest prices
  double lp_duals = kNaN;         // L at the LP relaxation's duals (when given)
  double seconds = 0;
  std::string message;
};

struct BoundOptions {
  bool cheapest_prices = true;  // compute L at the cheapest prices
  bool exact_blocks = true;     // blocks by CBC (else their LP relaxations)
  // How the source names the multipliers passed as `lp_duals` ("LP duals":
  // the executable LP's; `plan` may pass the fluid LP's, matched by row name).
  std::string duals_name = "LP duals";
};

// The decomposition bound on the executable model `f` of `p` (cost objective,
// nothing relaxed): the better of L at the cheapest prices and, when
// `lp_duals` (solve_lp's row_duals of f.model) is not empty, L at those duals.
PlanBound decomposition_bound(const Portfolio& p, const Formulation& f, const std::vector<double>& lp_duals,
                              double time_limit_s, const BoundOptions& options = {});

// A bound from a relaxation: the same model with some rows and the
// variables only they use dropped. `relaxed` is a relaxation of `full` when
// it is `full` cut short: the same sense and objective offset, its variables
// equal to `full`'s first ones (bounds, integrality, objective), its rows
// equal to `full`'s first ones, and every variable `full` adds costs nothing.
// Then any feasible point of `full`, cut to `relaxed`'s variables, satisfies
// every row of `relaxed` (the same rows over the same variables) at the same
// objective (the dropped variables cost 0), so `relaxed`'s optimum, and any
// proven bound on it, is at most `full`'s optimum.
bool is_truncation(const MilpModel& relaxed, const MilpModel& full);

struct RelaxedBound {
  double value = kNaN;  // the proven bound on the relaxed model (CBC's), NaN when none
  double seconds = 0;
  long nodes = 0;
  // The relaxed model's best plan, one value per variable of the full model
  // (NaN on the variables the relaxation drops); empty when it has none.
  std::vector<double> values;
  double objective = kNaN;  // that plan's objective
  std::string message;
};

// The model of `p` without its robustness scenarios (formulate's
// `robustness = false`: add_robustness comes last, so the result is `f`
// cut short; checked with is_truncation, else no bound) solved by CBC under
// `options` (its time limit: the root and a few nodes; a start of `f`'s
// size is cut to the relaxed model's variables). Its bound is a lower
// bound for `f`'s optimum. `f` must be formulate(p, rates) of the
// executable model with nothing relaxed; otherwise, or without a robustness
// policy, returns no bound.
RelaxedBound robustness_relaxed_bound(const Portfolio& p, const RateTable& rates, const Formulation& f,
                                      const MilpOptions& options);

}  // namespace xpu
