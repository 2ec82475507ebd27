// Internal to milp (not part of its API): a MilpModel in the column-major
// arrays COIN-OR's loaders take, and helpers shared by solve_milp and solve_lp.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "milp/model.h"

namespace xpu::milp_detail {

struct CoinArrays {
  int cols = 0;
  int rows = 0;
  std::vector<int> starts;  // cols + 1 column starts into index/value (CoinBigIndex is int here)
  std::vector<int> index;   // row of each nonzero, ascending within a column
  std::vector<double> value;
  std::vector<double> col_lower, col_upper, objective, row_lower, row_upper;  // infinities as COIN_DBL_MAX
};

// Requires a model without validate() errors. Repeated terms in a row are
// summed and zero coefficients dropped. When `offset_column`, one extra
// column fixed at 1 carries objective_offset, so the solver's objective and
// bound (and hence its gap test) include the constant.
CoinArrays to_coin_arrays(const MilpModel& model, bool offset_column);

// Turns COIN's infinity back into ours.
double from_coin(double v);

// The errors among `ds`, one per line, at most `limit` and then "... and N more".
std::string summarize_errors(const Diagnostics& ds, size_t limit = 20);

// Diagnostics for a time limit option (NaN or negative).
void check_time_limit(double seconds, Diagnostics& out);

// Seconds since `start`, on the steady clock.
double seconds_since(std::chrono::steady_clock::time_point start);

}  // namespace xpu::milp_detail
