#include "planner/planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "milp/solve.h"
#include "planner/baselines.h"
#include "planner/warm_start.h"

namespace xpu {
namespace {

// The share of the time left that the start's repair may take.
constexpr double kPolishShare = 0.3;

}  // namespace

std::string_view to_string(PlanStatus s) {
  switch (s) {
    case PlanStatus::optimal:
      return "optimal";
    case PlanStatus::feasible:
      return "feasible";
    case PlanStatus::infeasible:
      return "infeasible";
    case PlanStatus::time_limit:
      return "time_limit";
    case PlanStatus::error:
      return "error";
  }
  return "error";
}

PlanResult plan_portfolio(const Portfolio& p, const RateTable& rates, const PlanOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  // The time limit covers the fluid LP, the start and the main search together.
  auto left = [&] {
    return options.time_limit_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  PlanResult out;
  const Formulation f = formulate(p, rates, {.fluid = options.fluid});
  out.variables = static_cast<int>(f.model.vars.size());
  out.rows = static_cast<int>(f.model.rows.size());
  out.integers = f.integers;
  MilpOptions mo;
  mo.time_limit_s = options.time_limit_s;
  mo.relative_gap = options.relative_gap;
  mo.threads = options.threads;
  mo.progress = options.progress;
  mo.progress_interval_s = options.progress_interval_s;
  // The fluid LP: the bound for the price of executability, and the warm start's guide.
  const bool bound = options.fluid_bound && p.policy.objective == Objective::cost;
  if (bound || (options.warm_start && !options.fluid)) {
    const Formulation fluid = formulate(p, rates, {.fluid = true});
    const LpResult lp = solve_lp(fluid.model, {.time_limit_s = options.time_limit_s});
    out.fluid_seconds = lp.seconds;
    if (lp.status == LpStatus::optimal) {
      if (bound) out.fluid_bound = lp.objective;
      if (options.warm_start && !options.fluid) {
        // Only a complete start: CBC's completion of a partial one (a small
        // branch and bound) cost more search than it saved in measurements.
        std::vector<double> start = executable_start(p, rates, f, fluid, lp.values);
        // The repair and improvement: gang choices fixed, the rest solved by
        // CBC in a share of the time (rentals and commitments for those gangs,
        // and the rows the greedy does not steer: shares, vendor minimums,
        // the robustness rule's spare capacity).
        MilpOptions po = mo;
        po.progress = {};
        po.time_limit_s = std::max(1.0, kPolishShare * left());
        start = polish_start(f, start, po);
        if (std::none_of(start.begin(), start.end(), [](double v) { return std::isnan(v); })) {
          mo.start = std::move(start);
          // The floor, not CBC's incumbent: given one, CBC stayed on a start
          // 2.2x the fluid LP on the 50x20x12 bench where it found 1.56x
          // cold (docs/benchmarks.md, 2026-12-05).
          mo.start_to_cbc = false;
        }
      }
    }
  }
  if (std::isfinite(options.time_limit_s)) mo.time_limit_s = std::max(1.0, left());
  const MilpResult r = solve_milp(f.model, mo);
  out.start_objective = r.start_objective;
  out.seconds = r.seconds;
  out.nodes = r.nodes;
  out.objective = r.objective;
  out.best_bound = r.best_bound;
  out.gap = r.gap;
  out.message = r.message;
  switch (r.status) {
    case MilpStatus::optimal:
      out.status = PlanStatus::optimal;
      break;
    case MilpStatus::feasible:
      out.status = PlanStatus::feasible;
      break;
    case MilpStatus::infeasible:
      out.status = PlanStatus::infeasible;
      break;
    case MilpStatus::time_limit:
      out.status = PlanStatus::time_limit;
      break;
    case MilpStatus::unbounded:
    case MilpStatus::error:
      out.status = PlanStatus::error;
      break;
  }
  if (r.has_solution()) {
    out.plan = decode(p, f, r.values);
    out.check = check_plan(p, rates, out.plan, options.check);
    out.summary = summarize(p, rates, out.plan, out.check);
    if (options.sensitivity) {
      out.binding = binding_constraints(p, f, r.values);
      if (p.policy.objective == Objective::cost) resolve_bindings(p, rates, options, out.check.cost.si(), out.binding);
    }
  }
  if (options.baselines) out.baselines = run_baselines(p, rates, options);
  if (out.status == PlanStatus::infeasible && options.diagnose) out.diagnosis = diagnose(p, rates, options);
  return out;
}

}  // namespace xpu
