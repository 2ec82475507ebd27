// solve_lp with Clp's simplex directly: no CBC driver, so no shared state and
// no lock. Clp reports row duals and reduced costs as d(objective)/d(bound) in
// the problem's own sense for minimize and maximize alike, which is the
// convention solve.h promises (checked against finite differences in tests).
#include <fmt/format.h>
#include <ClpSimplex.hpp>
#include <ClpSolve.hpp>

#include <cmath>

#include "milp/detail.h"
#include "milp/solve.h"

namespace xpu {

std::string_view to_string(LpStatus s) {
  switch (s) {
    case LpStatus::optimal:
      return "optimal";
    case LpStatus::infeasible:
      return "infeasible";
    case LpStatus::unbounded:
      return "unbounded";
    case LpStatus::time_limit:
      return "time_limit";
    case LpStatus::error:
      return "error";
  }
  return "?";
}

namespace {

Diagnostics validate_options(const MilpModel& model, const LpOptions& o) {
  Diagnostics out;
  milp_detail::check_time_limit(o.time_limit_s, out);
  if (o.fix_integers.empty()) return out;
  if (o.fix_integers.size() != model.vars.size()) {
    out.push_back(error_at({.pointer = "/options/fix_integers"},
                           fmt::format("fix_integers has {} values but the model has {} variables",
                                       o.fix_integers.size(), model.vars.size())));
    return out;
  }
  for (size_t j = 0; j < model.vars.size(); ++j) {
    const Variable& v = model.vars[j];
    if (!v.integer) continue;
    const double x = std::round(o.fix_integers[j]);
    if (!std::isfinite(x) || x < v.lower || x > v.upper) {
      out.push_back(
          error_at({.pointer = fmt::format("/options/fix_integers/{}", j)},
                   fmt::format("variable {} '{}': cannot fix at {} (rounded from {}), outside its bounds [{}, {}]", j,
                               v.name, x, o.fix_integers[j], v.lower, v.upper)));
    }
  }
  return out;
}

LpResult solve_empty(const MilpModel& model) {
  LpResult r{.status = LpStatus::optimal,
             .objective = model.objective_offset,
             .row_activity = std::vector<double>(model.rows.size(), 0.0),
             .row_duals = std::vector<double>(model.rows.size(), 0.0),
             .message = "optimal: the model has no variables"};
  for (const Constraint& row : model.rows) {
    if (row.lower > 0 || row.upper < 0) {
      return {.status = LpStatus::infeasible,
              .message = fmt::format("infeasible: row '{}' needs an activity in [{}, {}] but has no variables",
                                     row.name, row.lower, row.upper)};
    }
  }
  return r;
}

}  // namespace

LpResult solve_lp(const MilpModel& model, const LpOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  auto done = [&](LpResult r) {
    r.seconds = milp_detail::seconds_since(start);
    return r;
  };
  Diagnostics problems = validate(model);
  for (Diagnostic& d : validate_options(model, options)) problems.push_back(std::move(d));
  if (has_errors(problems))
    return done({.status = LpStatus::error, .message = milp_detail::summarize_errors(problems)});
  if (model.vars.empty()) return done(solve_empty(model));

  milp_detail::CoinArrays a = milp_detail::to_coin_arrays(model, /*offset_column=*/false);
  if (!options.fix_integers.empty()) {
    for (size_t j = 0; j < model.vars.size(); ++j) {
      if (!model.vars[j].integer) continue;
      a.col_lower[j] = a.col_upper[j] = std::round(options.fix_integers[j]);
    }
  }

  ClpSimplex lp;
  lp.setLogLevel(options.log ? 1 : 0);
  lp.loadProblem(a.cols, a.rows, a.starts.data(), a.index.data(), a.value.data(), a.col_lower.data(),
                 a.col_upper.data(), a.objective.data(), a.row_lower.data(), a.row_upper.data());
  lp.setOptimizationDirection(model.sense == Sense::maximize ? -1.0 : 1.0);
  if (std::isfinite(options.time_limit_s)) lp.setMaximumWallSeconds(options.time_limit_s);
  // Presolve, then dual simplex; Clp's tie-breaking seed is fixed. Clp's default
  // initialSolve swaps its own SIGINT handler in and back out: two solves at once
  // (two Python threads, two server jobs) can leave Clp's handler installed, and the
  // host's Ctrl-C is lost from then on. A library must not touch signals (ClpSolve.hpp,
  // special option 2: "interrupt handling - 0 yes, 1 no (for threadsafe)").
  ClpSolve how;
  how.setSpecialOption(2, 1);
  if (options.method == LpOptions::Method::barrier) how.setSolveType(ClpSolve::useBarrier);
  if (options.method == LpOptions::Method::primal) how.setSolveType(ClpSolve::usePrimal);
  lp.initialSolve(how);

  LpResult r{.iterations = lp.numberIterations()};
  switch (lp.status()) {
    case 0: {
      r.status = LpStatus::optimal;
      const auto n = static_cast<size_t>(a.cols);
      const auto m = static_cast<size_t>(a.rows);
      r.values.assign(lp.primalColumnSolution(), lp.primalColumnSolution() + n);
      r.row_activity.assign(lp.primalRowSolution(), lp.primalRowSolution() + m);
      r.row_duals.assign(lp.dualRowSolution(), lp.dualRowSolution() + m);
      r.reduced_costs.assign(lp.dualColumnSolution(), lp.dualColumnSolution() + n);
      for (double& d : r.row_duals) d += 0.0;  // no -0 in output
      for (double& d : r.reduced_costs) d += 0.0;
      r.objective = evaluate_objective(model, r.values);
      r.message = fmt::format("optimal after {} simplex iterations", r.iterations);
      break;
    }
    case 1:
      r.status = LpStatus::infeasible;
      r.message = options.fix_integers.empty() ? "infeasible: even the continuous relaxation has no feasible point"
                                               : "infeasible with the integers fixed at the given values";
      break;
    case 2:
      r.status = LpStatus::unbounded;
      r.message = "unbounded: the objective improves without limit";
      break;
    case 3:
      r.status = LpStatus::time_limit;
      r.message = fmt::format("stopped at the time limit of {} s (or Clp's iteration limit) before optimality",
                              options.time_limit_s);
      break;
    default:
      r.status = LpStatus::error;
      r.message = fmt::format("Clp failed (status {}, secondary status {})", lp.status(), lp.secondaryStatus());
      break;
  }
  return done(std::move(r));
}

}  // namespace xpu
