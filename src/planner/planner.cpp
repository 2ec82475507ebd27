#include "planner/planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "milp/solve.h"
#include "planner/baselines.h"
#include "planner/bound.h"
#include "planner/warm_start.h"

namespace xpu {
namespace {

// The time limit's split (docs/portfolio.md, "Time limit"). The sensitivity
// re-solves keep this share of the limit, and get whatever the solve leaves
// unused on top; the fluid LP, the start and the search share the rest.
constexpr double kSensitivityShare = 0.15;
// The share of the time limit kept for the baselines, so that the limit
// bounds the whole command: on the example they took 9-11 s after a 30 s
// solve (36-38 s wall for `--time-limit 30`), and the solve at 21 s ends
// within the same gap as at 30 s (0.56% against 0.53%; docs/benchmarks.md,
// lead, twelfth session).
constexpr double kBaselineShare = 0.25;
// The share of the solve's time left that the start's repair may take.
constexpr double kPolishShare = 0.3;
// CBC's driver solves the root LP and preprocesses the model before its
// clock is looked at: it is called only when the time left is at least this
// many times what Clp took for the same LP relaxation (the initial LP, the
// preprocessed model's LP and its cut rounds each cost about one such solve).
constexpr double kRootLpFactor = 3.0;
// The LP relaxation's own solve may take all the time left: past a quarter
// of it CBC is not run, but a finished LP is still the answer's bound.
// The share of the search's time that the neighbourhood search over the
// runs (improve_runs) takes after CBC's search, when CBC has not closed the gap.
constexpr double kImproveShare = 0.3;
// The share of the improvement's time (after CBC's search) that the
// price-directed re-placement (reprice_placements) takes before the run
// search: on the 500x100x24 bench it took the plan from 2.179x to 2.086x the
// fluid LP in 38 s, where the run search gained 0.07% in 60 s
// (docs/benchmarks.md, planner13).
constexpr double kRepriceShare = 0.7;
// The most of the search's time the decomposition bound (bound.h) may take.
constexpr double kBoundShare = 0.2;
// The share of the search's time (after the start and the decomposition)
// that the model without the robustness scenarios takes for its bound and
// plan (robustness_relaxed_bound). On the example its root takes 6.2 s of a
// 30 s limit at load 4-6, and with half the time its plan (polished with
// the scenarios back) beat the full model's search; at a quarter the plan
// was poor ($44.1M against $40.3M) and the root's cut loop barely fitted
// (docs/benchmarks.md, planner11).
constexpr double kRelaxShare = 0.5;

// The start's plan as the result when CBC is not run (too little time left
// for its root): `bound` is the executable LP relaxation's objective, or NaN.
MilpResult start_as_result(const MilpModel& model, const std::vector<double>& start, double bound, double seconds,
                           const std::string& why) {
  MilpResult r;
  r.seconds = seconds;
  r.best_bound = bound;
  r.message = why;
  if (start.empty() || std::any_of(start.begin(), start.end(), [](double v) { return std::isnan(v); }) ||
      !violations(model, start, 1e-6, 1).empty()) {
    r.status = MilpStatus::time_limit;
    r.message += "; no complete start to return";
    return r;
  }
  r.status = MilpStatus::feasible;
  r.values = start;
  r.objective = evaluate_objective(model, start);
  r.start_objective = r.objective;
  r.max_violation = max_violation(model, start);
  if (std::isfinite(bound)) {
    const double scale = std::max(std::abs(r.objective), std::abs(bound));
    r.best_bound = std::min(bound, r.objective);
    r.gap = scale == 0 ? 0 : std::abs(r.objective - r.best_bound) / scale;
  }
  return r;
}

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
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  const bool limited = std::isfinite(options.time_limit_s);
  const bool resolves = options.sensitivity && p.policy.objective == Objective::cost;
  // The fluid LP, the start and the main search end by `solve_limit`; the
  // sensitivity re-solves have the rest of the limit.
  const double solve_limit =
      options.time_limit_s * (resolves ? 1 - kSensitivityShare : 1.0) * (options.baselines ? 1 - kBaselineShare : 1.0);
  auto left = [&] { return solve_limit - elapsed(); };
  PlanResult out;
  const Formulation f = formulate(p, rates, {.fluid = options.fluid});
  out.variables = static_cast<int>(f.model.vars.size());
  out.rows = static_cast<int>(f.model.rows.size());
  out.integers = f.integers;
  MilpOptions mo;
  mo.time_limit_s = solve_limit;
  mo.relative_gap = options.relative_gap;
  mo.threads = options.threads;
  mo.progress = options.progress;
  mo.progress_interval_s = options.progress_interval_s;
  // The improvement after the search (reprice_placements, improve_runs).
  const bool improve = options.improve && !options.fluid && !f.gangs.empty() && limited;
  // The fluid LP: the bound for the price of executability, and the warm start's guide.
  double fluid_lp = kNaN;           // its objective, when solved
  std::vector<double> fluid_duals;  // its row duals on the executable model's rows (bound.h)
  const bool bound = options.fluid_bound && p.policy.objective == Objective::cost;
  if (bound || (options.warm_start && !options.fluid)) {
    const Formulation fluid = formulate(p, rates, {.fluid = true});
    const LpResult lp = solve_lp(fluid.model, {.time_limit_s = std::max(0.1, left())});
    out.fluid_seconds = lp.seconds;
    if (lp.status == LpStatus::optimal) {
      fluid_lp = lp.objective;
      // Its duals as multipliers for the decomposition bound, on the
      // executable rows of the same name (capacity, pool balance, power,
      // shares): any sign-correct multipliers give a valid bound (bound.h),
      // and these price the pool-months the fluid plan fills.
      if (!options.fluid && lp.row_duals.size() == fluid.model.rows.size()) {
        std::unordered_map<std::string_view, double> by_name;
        for (size_t r = 0; r < fluid.model.rows.size(); ++r) by_name.emplace(fluid.model.rows[r].name, lp.row_duals[r]);
        fluid_duals.assign(f.model.rows.size(), 0.0);
        for (size_t r = 0; r < f.model.rows.size(); ++r) {
          if (f.rows[r].workload >= 0) continue;  // a workload's own rows stay in its block
          const auto it = by_name.find(f.model.rows[r].name);
          if (it != by_name.end()) fluid_duals[r] = it->second;
        }
      }
      if (bound) out.fluid_bound = lp.objective;
      if (options.warm_start && !options.fluid) {
        // Only a complete start: CBC's completion of a partial one (a small
        // branch and bound) cost more search than it saved in measurements.
        const double start_begin = elapsed();
        std::vector<double> start = executable_start(p, rates, f, fluid, lp.values);
        // The repair and improvement: gang choices fixed, the rest solved by
        // CBC in a share of the time (rentals and commitments for those gangs,
        // and the rows the greedy does not steer: shares, vendor minimums,
        // the robustness rule's spare capacity).
        MilpOptions po = mo;
        po.progress = {};
        po.time_limit_s = std::max(1.0, kPolishShare * left());
        // With the improvement to come, a complete start's replicas are left
        // to the re-placement, which moves them by price in far less time.
        start = polish_start(f, start, po, /*replicas=*/!improve);
        out.start_seconds = elapsed() - start_begin;
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
  // The decomposition bound (bound.h) at the cheapest prices: each
  // workload's cheapest plan alone, its blocks by their LP relaxations (with
  // the rounding cuts; CBC's setup per block cost 0.5-1.5 s on the example at
  // load 10 for 0.3% more). It needs no LP of the whole model, so it comes
  // first: on a large model the executable LP may not finish.
  const bool decompose = !options.fluid && p.policy.objective == Objective::cost;
  PlanBound decomposition;
  if (decompose) {
    decomposition = decomposition_bound(p, f, fluid_duals, limited ? std::max(0.1, kBoundShare * left()) : kInfinity,
                                        {.exact_blocks = false, .duals_name = "fluid LP duals"});
  }
  // The bound from the model without the robustness scenarios (bound.h,
  // robustness_relaxed_bound). Every plan of the full model is a plan of that
  // one at the same cost (it only drops rows and variables that cost
  // nothing; checked there), so its proven bound is one for the full model.
  // On the example CBC's root proves more on it than on the full model,
  // whose scenario rows leave its cut loop weaker (docs/benchmarks.md,
  // planner10 and planner11). Only under a time limit: without one the
  // search proves its own optimum.
  RelaxedBound relaxed;
  if (options.relaxed_bound && decompose && limited && p.policy.robustness && f.slack.empty()) {
    MilpOptions ro = mo;
    ro.progress = {};
    ro.time_limit_s = std::max(1.0, kRelaxShare * left());
    relaxed = robustness_relaxed_bound(p, rates, f, ro);
    if (!relaxed.values.empty()) {
      // Its plan's gangs with everything else (rentals, replicas, binaries,
      // the scenarios' re-routing) solved again with the scenarios back.
      MilpOptions po = mo;
      po.progress = {};
      po.start.clear();
      po.time_limit_s = std::max(1.0, kPolishShare * left());
      std::vector<double> x = polish_start(f, relaxed.values, po);
      const bool complete = std::none_of(x.begin(), x.end(), [](double v) { return std::isnan(v); });
      // The better of it and the fluid start is the search's fallback.
      if (complete && (mo.start.empty() || evaluate_objective(f.model, x) < evaluate_objective(f.model, mo.start))) {
        mo.start = std::move(x);
        mo.start_to_cbc = false;  // as for the fluid start above
      }
    }
  }
  std::optional<MilpResult> skipped;
  double lp_bound = kNaN;  // the executable model's LP relaxation, when solved
  if (limited) {
    // CBC's root LP and preprocessing run before its clock is read, so on a
    // large model they alone overran the limit (213 s for 120 s on the
    // 500x100x24 bench). Clp solves the same LP relaxation first, within the
    // time left: when it does not finish, or the rest could not hold CBC's
    // root, the start is the answer and the LP (when it finished) its bound.
    // Its budget is a 1 / (1 + kRootLpFactor) share of the time left: an LP
    // that takes longer leaves less than kRootLpFactor times its own time for
    // CBC's root, so CBC would not be run anyway, and the rest goes to the
    // run search instead (on the 500x100x24 bench the probe ran 78-84 s
    // unfinished and nothing improved the start; docs/benchmarks.md,
    // planner12 and planner13). Only the LP's bound is lost, where it would
    // have finished later.
    const auto probe_begin = std::chrono::steady_clock::now();
    const LpResult root = solve_lp(f.model, {.time_limit_s = std::max(0.1, left() / (1 + kRootLpFactor))});
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - probe_begin).count();
    if (root.status == LpStatus::optimal) lp_bound = root.objective;
    out.lp_probe_seconds = t;
    out.lp_probe_finished = root.status == LpStatus::optimal;
    if (root.status == LpStatus::time_limit || (root.status == LpStatus::optimal && left() < kRootLpFactor * t)) {
      skipped = start_as_result(
          f.model, mo.start, lp_bound, elapsed(),
          fmt::format("time limit: the search was not started ({:.3g} s left, the LP relaxation took {:.3g} s{})",
                      std::max(0.0, left()), t, root.status == LpStatus::optimal ? "" : " and did not finish"));
    }
    mo.time_limit_s = std::max(1.0, left());
  }
  if (improve) mo.time_limit_s = std::max(1.0, (1 - kImproveShare) * left());
  MilpResult r = skipped ? *skipped : solve_milp(f.model, mo);
  if (improve && r.has_solution() && r.gap > options.relative_gap && left() >= 1.0) {
    MilpOptions io = mo;
    io.progress = {};
    io.start.clear();
    io.time_limit_s = left();
    // First the placements re-priced at the LP's marginal costs (gangs and
    // replicas to where chips are cheap), then the run search on the result.
    io.time_limit_s = kRepriceShare * left();
    std::vector<double> better = reprice_placements(p, f, r.values, io);
    io.time_limit_s = std::max(1.0, left());
    better = improve_runs(f, better, io);
    const double objective = evaluate_objective(f.model, better);
    if (objective < r.objective - 1e-9 * std::abs(r.objective)) {
      r.values = std::move(better);
      r.objective = objective;
      r.max_violation = max_violation(f.model, r.values);
      const double scale = std::max(std::abs(r.objective), std::abs(r.best_bound));
      r.gap = std::isfinite(r.best_bound) && scale > 0 ? std::max(0.0, r.objective - r.best_bound) / scale : kInfinity;
      r.message += fmt::format("; the re-placement and the search over each run's gangs improved it to gap {:.3g}%",
                               100 * r.gap);
    }
  }
  std::string bound_source = skipped ? "LP relaxation" : "search";
  auto raise_bound = [&](double lower, const std::string& source) {
    // CBC stopped before its bound passed this one (or had none).
    if (!r.has_solution() || !std::isfinite(lower) || r.best_bound >= lower || p.policy.objective != Objective::cost) {
      return;
    }
    r.best_bound = std::min(lower, r.objective);
    const double scale = std::max(std::abs(r.objective), std::abs(r.best_bound));
    r.gap = scale == 0 ? 0 : (r.objective - r.best_bound) / scale;
    bound_source = source;
  };
  raise_bound(lp_bound, "LP relaxation");
  raise_bound(decomposition.value, decomposition.source);
  raise_bound(relaxed.value, "model without the robustness scenarios");
  // The fluid LP: the fluid model is a relaxation of the executable one at
  // the same prices (average chips on a curve at or above every gang column,
  // fractional commitments and binaries; formulation.cpp, fluid_pieces), so
  // its LP bounds every executable plan. On the 500x100x24 bench, where the
  // executable LP does not finish, it is above the decomposition's cheapest
  // prices (docs/benchmarks.md, planner12). Not with relaxed rules' slack,
  // whose penalties the two models need not share.
  if (!options.fluid && f.slack.empty()) raise_bound(fluid_lp, "fluid LP relaxation");
  out.bound_source = std::isfinite(r.best_bound) ? bound_source : "";
  out.decomposition_bound = decomposition.value;
  out.decomposition_seconds = decomposition.seconds;
  out.relaxed_bound = relaxed.value;
  out.relaxed_seconds = relaxed.seconds;
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
      if (resolves) {
        // The re-solves take what the limit has left (their reserved share
        // and whatever the solve did not use).
        PlanOptions ro = options;
        ro.time_limit_s = limited ? options.time_limit_s * (options.baselines ? 1 - kBaselineShare : 1.0) - elapsed()
                                  : options.time_limit_s;
        resolve_bindings(p, rates, ro, out.check.cost.si(), out.binding, f, r.values);
      }
    }
  }
  if (options.baselines) {
    PlanOptions bo = options;  // the rest of the limit
    if (limited) bo.time_limit_s = std::max(0.0, options.time_limit_s - elapsed());
    out.baselines = run_baselines(p, rates, bo);
  }
  if (out.status == PlanStatus::infeasible && options.diagnose) out.diagnosis = diagnose(p, rates, options);
  return out;
}

}  // namespace xpu
