#include "milp/detail.h"

#include <fmt/format.h>
#include <CoinFinite.hpp>

#include <cmath>

#include "base/check.h"

namespace xpu::milp_detail {
namespace {

// COIN-OR writes infinity as COIN_DBL_MAX (DBL_MAX), not IEEE infinity.
double to_coin(double v) {
  if (v == kInfinity) return COIN_DBL_MAX;
  if (v == -kInfinity) return -COIN_DBL_MAX;
  return v;
}

}  // namespace

double from_coin(double v) {
  if (v >= COIN_DBL_MAX) return kInfinity;
  if (v <= -COIN_DBL_MAX) return -kInfinity;
  return v;
}

std::string summarize_errors(const Diagnostics& ds, size_t limit) {
  std::string out;
  size_t shown = 0, errors = 0;
  for (const Diagnostic& d : ds) {
    if (d.severity != Severity::error) continue;
    if (++errors > limit) continue;
    if (shown++ > 0) out += '\n';
    out += format_diagnostic(d);
  }
  if (errors > shown) out += fmt::format("\n... and {} more errors", errors - shown);
  return out;
}

void check_time_limit(double seconds, Diagnostics& out) {
  if (std::isnan(seconds) || seconds < 0) {
    out.push_back(error_at({.pointer = "/options/time_limit_s"},
                           fmt::format("time limit must be a non-negative number of seconds, got {}", seconds)));
  }
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

CoinArrays to_coin_arrays(const MilpModel& model, bool offset_column) {
  const size_t n = model.vars.size();
  const size_t m = model.rows.size();
  CoinArrays a;
  a.cols = static_cast<int>(n + (offset_column ? 1 : 0));
  a.rows = static_cast<int>(m);

  // Merge repeated terms row by row (sum[j] with the row that last touched j),
  // counting the nonzeros of each column on the way.
  std::vector<double> sum(n, 0.0);
  std::vector<size_t> touched_by(n, SIZE_MAX);
  std::vector<int> touched;
  std::vector<std::vector<std::pair<int, double>>> merged(m);
  std::vector<int> count(n, 0);
  for (size_t i = 0; i < m; ++i) {
    touched.clear();
    for (const auto& [j, coef] : model.rows[i].terms) {
      XPU_CHECK(j >= 0 && static_cast<size_t>(j) < n);
      if (touched_by[j] != i) {
        touched_by[j] = i;
        sum[j] = 0;
        touched.push_back(j);
      }
      sum[j] += coef;
    }
    for (int j : touched) {
      if (sum[j] == 0) continue;
      merged[i].emplace_back(j, sum[j]);
      ++count[j];
    }
  }

  // Columns in order; rows visited in order, so each column's rows ascend.
  a.starts.assign(static_cast<size_t>(a.cols) + 1, 0);
  for (size_t j = 0; j < n; ++j) a.starts[j + 1] = a.starts[j] + count[j];
  if (offset_column) a.starts[n + 1] = a.starts[n];
  a.index.resize(static_cast<size_t>(a.starts[n]));
  a.value.resize(a.index.size());
  std::vector<int> next(a.starts.begin(), a.starts.begin() + static_cast<long>(n));
  for (size_t i = 0; i < m; ++i) {
    for (const auto& [j, coef] : merged[i]) {
      a.index[static_cast<size_t>(next[j])] = static_cast<int>(i);
      a.value[static_cast<size_t>(next[j]++)] = coef;
    }
  }

  for (const Variable& v : model.vars) {
    a.col_lower.push_back(to_coin(v.lower));
    a.col_upper.push_back(to_coin(v.upper));
    a.objective.push_back(v.objective);
  }
  if (offset_column) {
    a.col_lower.push_back(1.0);
    a.col_upper.push_back(1.0);
    a.objective.push_back(model.objective_offset);
  }
  for (const Constraint& r : model.rows) {
    a.row_lower.push_back(to_coin(r.lower));
    a.row_upper.push_back(to_coin(r.upper));
  }
  return a;
}

}  // namespace xpu::milp_detail
