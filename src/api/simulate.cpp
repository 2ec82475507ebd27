#include "api/simulate.h"

#include <fmt/format.h>

#include <algorithm>

#include "planner/check.h"
#include "planner/summary.h"
#include "sim/from_plan.h"
#include "sim/replan.h"

namespace xpu::api {
namespace {

// Replicas per progress report: about a hundred reports, each a whole number
// of per-thread chunks. Blocks never change results (replicas are independent).
uint32_t block_size(const SimOptions& o) {
  const uint32_t per = std::max<uint32_t>(o.threads, 1) * 4;
  const uint32_t hundredth = o.replicas / 100;
  return std::max(per, hundredth / per * per);
}

// Nothing interrupts a run when no risk can: checkpoints are then never needed
// (Young/Daly's interval is unbounded), so their write bandwidth and restart
// time, which the simulator requires, are filled with values that cannot matter.
Risks with_inert_checkpoints(Risks risks) {
  const bool nothing_interrupts = risks.shocks.empty() && risks.scripted.empty() && risks.late.empty() &&
                                  risks.spot.empty() && risks.failures.empty();
  if (nothing_interrupts) {
    if (!(risks.checkpoint.write_bandwidth.si() > 0)) risks.checkpoint.write_bandwidth = ByteRate(1e12);
    if (risks.checkpoint.restart.si() < 0) risks.checkpoint.restart = Seconds(0.0);
  }
  return risks;
}

// nullopt: another process reports (SimulateRequest::runner).
Expected<std::optional<SimResult>, Diagnostics> simulate_in_blocks(const SimInput& in, const SimulateRequest& r) {
  auto prep = prepare_simulation(in, with_inert_checkpoints(r.risks), r.options);
  if (!prep) return Unexpected{prep.error()};
  const PreparedSim& p = **prep;
  if (r.runner) {
    auto all = r.runner(p, r.options.threads);
    if (!all) return std::optional<SimResult>();
    return std::optional<SimResult>(summarize(p, *all));
  }
  if (!r.progress)
    return std::optional<SimResult>(summarize(p, simulate_block(p, 0, r.options.replicas, r.options.threads)));
  std::vector<double> outcomes;
  outcomes.reserve(static_cast<size_t>(r.options.replicas) * outcome_stride(p));
  const uint32_t step = block_size(r.options);
  for (uint32_t first = 0; first < r.options.replicas; first += step) {
    const uint32_t count = std::min(step, r.options.replicas - first);
    const auto block = simulate_block(p, first, count, r.options.threads);
    outcomes.insert(outcomes.end(), block.begin(), block.end());
    r.progress(first + count, r.options.replicas);
  }
  return std::optional<SimResult>(summarize(p, outcomes));
}

}  // namespace

Diagnostics check(const SimulateRequest& r) {
  Diagnostics ds;
  if (r.planning.has_value() == r.scenario.has_value()) {
    ds.push_back(field_error("portfolio", "give either a portfolio or a scenario, not both"));
  }
  if (r.plan && !r.planning) ds.push_back(field_error("plan", "a saved plan needs its portfolio"));
  if (r.options.replicas < 1 || r.options.replicas > 10'000'000) {
    ds.push_back(field_error("replicas", fmt::format("must be 1 to 10,000,000, got {}", r.options.replicas)));
  }
  if (r.options.threads < 1) ds.push_back(field_error("threads", "must be at least 1"));
  if (r.months < 0) ds.push_back(field_error("months", fmt::format("must be zero or positive, got {}", r.months)));
  if (r.planning) {
    for (auto& d : check(*r.planning)) ds.push_back(std::move(d));
  }
  return ds;
}

Expected<SimulateReport, Diagnostics> run_simulate(const DataSet& data, const SimulateRequest& r,
                                                   ThreadBudget engines) {
  Diagnostics bad = check(r);
  // More months than the horizon holds simulated the whole horizon without a
  // word (`--months 99` of a 3-month portfolio, usertrial3). Checked here, with
  // the portfolio read (a reader checks the request before it reads the file).
  const int horizon = r.planning ? r.planning->portfolio.horizon.months : r.scenario ? r.scenario->horizon.months() : 0;
  if (horizon > 0 && r.months > horizon) {
    bad.push_back(field_error(
        "months", fmt::format("must be at most the horizon's {} months (0 = all of them), got {}", horizon, r.months)));
  }
  if (has_errors(bad)) return Unexpected{std::move(bad)};
  SimulateReport out;
  if (r.scenario) {
    out.input = cut_horizon(*r.scenario, r.months);
  } else {
    PlanReport planned;
    if (r.plan) {
      // A saved plan: the rates it was made with come from the same engines; the checker re-derives its cost.
      for (auto& d : validate_portfolio(r.planning->portfolio)) bad.push_back(std::move(d));
      if (has_errors(bad)) return Unexpected{std::move(bad)};
      planned.portfolio = r.planning->portfolio;
      RateOptions ro;
      ro.threads = engines;
      planned.rates = estimate_rates(planned.portfolio, data.catalog, ro);
      planned.result.plan = *r.plan;
      planned.result.status = PlanStatus::feasible;
      planned.result.check =
          check_plan(planned.portfolio, planned.rates, *r.plan, CheckOptions{.tolerance = kSavedPlanCheckTolerance});
      planned.result.summary = summarize(planned.portfolio, planned.rates, planned.result.plan, planned.result.check);
    } else {
      auto p = run_plan(data, *r.planning, engines);
      if (!p) return Unexpected{p.error()};
      planned = std::move(p).value();
    }
    if (!planned.result.has_plan()) {
      out.outcome = Outcome::none_meets;
      out.note = fmt::format("the planner found no plan ({}); nothing to simulate", to_string(planned.result.status));
      out.plan = std::move(planned);
      return out;
    }
    out.input = cut_horizon(sim_input_from_plan(planned.portfolio, planned.rates, planned.result.plan), r.months);
    // What the `replan` policy re-solves from.
    out.input.context =
        std::make_shared<const PlanContext>(PlanContext{planned.portfolio, planned.rates, planned.result.plan.porting});
    out.plan = std::move(planned);
  }
  auto result = simulate_in_blocks(out.input, r);
  if (!result) return Unexpected{result.error()};
  if (!result->has_value()) {
    out.reporter = false;
    return out;
  }
  out.result = std::move(result).value().value();
  return out;
}

}  // namespace xpu::api
