#include "api/plan.h"

#include <fmt/format.h>

#include <cmath>

namespace xpu::api {

Diagnostics check(const PlanRequest& r) {
  Diagnostics ds;
  if (!(r.time_limit > 0))
    ds.push_back(field_error("time_limit", fmt::format("must be positive, got {}", r.time_limit)));
  if (!(r.gap >= 0 && r.gap < 1)) ds.push_back(field_error("gap", fmt::format("must be in [0, 1), got {}", r.gap)));
  if (!(r.progress_interval > 0) || !std::isfinite(r.progress_interval)) {
    ds.push_back(field_error("progress_interval",
                             fmt::format("must be a positive number of seconds, got {}", r.progress_interval)));
  }
  if (r.threads < 1) ds.push_back(field_error("threads", fmt::format("must be at least 1, got {}", r.threads)));
  return ds;
}

Expected<PlanReport, Diagnostics> run_plan(const DataSet& data, const PlanRequest& r, ThreadBudget engines) {
  Diagnostics bad = check(r);
  for (auto& d : validate_portfolio(r.portfolio)) bad.push_back(std::move(d));
  if (has_errors(bad)) return Unexpected{std::move(bad)};
  PlanReport out;
  out.portfolio = r.portfolio;
  RateOptions ro;
  ro.threads = engines;
  out.rates = estimate_rates(out.portfolio, data.catalog, ro);
  PlanOptions po;
  po.time_limit_s = r.time_limit;
  po.relative_gap = r.gap;
  po.threads = r.threads;
  po.baselines = r.baselines;
  po.fluid = r.fluid;
  po.progress = r.progress;
  po.progress_interval_s = r.progress_interval;
  out.result = plan_portfolio(out.portfolio, out.rates, po);
  if (!out.result.has_plan() || !out.result.check.ok()) out.outcome = Outcome::none_meets;
  return out;
}

}  // namespace xpu::api
