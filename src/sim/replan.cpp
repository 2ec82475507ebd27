#include "sim/replan.h"

#include <algorithm>

#include "sim/from_plan.h"
#include "workload/mode.h"

namespace xpu {
namespace {

template <class T>
std::vector<T> slice(const std::vector<T>& v, int from, int count) {
  std::vector<T> out(static_cast<size_t>(count), T{});
  for (int i = 0; i < count && from + i < static_cast<int>(v.size()); ++i) out[i] = v[from + i];
  return out;
}

}  // namespace

Residual residual_portfolio(const PlanContext& ctx, const SimInput& in, const ReplanState& state) {
  const int k = state.month;
  const int H = in.horizon.months() - k;
  Residual out;
  Portfolio& p = out.portfolio;
  const Portfolio& src = ctx.portfolio;
  p.name = src.name;
  const int first = in.horizon.start_month - 1 + k;
  p.horizon = Horizon{in.horizon.start_year + first / 12, first % 12 + 1, H};
  p.sites = src.sites;
  p.policy = src.policy;
  p.policy.robustness.reset();
  p.policy.budget.reset();
  p.policy.min_vendors = 1;
  p.policy.max_vendor_share = 1.0;  // a lost vendor may leave no plan within the caps; the engine counts breaches
  p.policy.max_provider_share = 1.0;
  p.policy.objective = Objective::cost;
  p.offers = src.offers;
  for (size_t i = 0; i < p.offers.size() && i < in.pools.size(); ++i) {
    PlanOffer& o = p.offers[i];
    const SimPool& pool = in.pools[i];
    o.capacity.assign(static_cast<size_t>(H), 0);
    for (int m = 0; m < H; ++m) {
      const int64_t chips = m == 0 && i < state.available.size() ? state.available[i] : pool.capacity[k + m];
      o.capacity[m] = static_cast<int>(std::clamp<int64_t>(chips, 0, 1 << 30));
    }
    if (o.is_commitment()) {  // bought: sunk, free to use, nothing more to buy
      o.offer.term = Term::on_demand;
      o.offer.price = DollarRate(0.0);
    }
  }
  int run = 0, service = 0;
  for (size_t w = 0; w < src.workloads.size(); ++w) {
    Workload wl = src.workloads[w];
    WorkloadRates rates = ctx.rates.workloads[w];
    for (PortingCost& c : wl.porting) {  // what the plan being replaced ported to is paid
      for (const Porting& x : ctx.paid) {
        if (x.workload.index() == w && x.runtime == c.runtime) c.cost = Dollars(0.0);
      }
    }
    const int late_deadline = H - 1;
    wl.earliest = std::max(0, wl.earliest - k);
    wl.deadline = std::min(wl.deadline - k, late_deadline);
    if (wl.deadline < wl.earliest) wl.deadline = wl.earliest;  // already late: as soon as it can (see replan())
    if (is_training(wl.kind)) {
      const int r = run++;
      if (r >= static_cast<int>(in.runs.size()) || wl.earliest > late_deadline) continue;
      const double done = r < static_cast<int>(state.tokens_done.size()) ? state.tokens_done[r] : 0.0;
      const double left = in.runs[r].tokens - done;
      if (left <= in.runs[r].tokens * kTokensDoneTolerance) continue;
      wl.train.job.tokens = left;
      out.kept_runs.push_back(r);
    } else {
      const int s = service++;
      if (s >= static_cast<int>(in.services.size())) continue;
      wl.serve.demand_rps = slice(wl.serve.demand_rps, k, H);
      for (AcceleratorRate& a : rates.by_accelerator) {
        if (!a.need.empty()) a.need = slice(a.need, k, H);
      }
      out.kept_services.push_back(s);
    }
    p.workloads.push_back(std::move(wl));
    out.rates.workloads.push_back(std::move(rates));
  }
  return out;
}

std::optional<Replanned> replan(const PlanContext& ctx, const SimInput& in, const ReplanState& state) {
  if (state.month < 0 || state.month >= in.horizon.months()) return std::nullopt;
  Replanned out;
  out.residual = residual_portfolio(ctx, in, state);
  PlanOptions o;
  o.fluid = true;
  o.time_limit_s = ctx.time_limit_s;
  o.threads = 1;
  o.baselines = false;
  o.sensitivity = false;
  o.diagnose = false;
  o.fluid_bound = false;
  // Runs whose deadlines no plan can meet any more get the least extension
  // that admits one: every run's deadline moves by the same months.
  const int H = out.residual.portfolio.horizon.months;
  const std::vector<Workload> asked = out.residual.portfolio.workloads;
  PlanResult r;
  for (int extra = 0; extra < H; ++extra) {
    for (size_t w = 0; w < asked.size(); ++w) {
      if (is_training(asked[w].kind))
        out.residual.portfolio.workloads[w].deadline = std::min(asked[w].deadline + extra, H - 1);
    }
    r = plan_portfolio(out.residual.portfolio, out.residual.rates, o);
    if (r.status != PlanStatus::infeasible) break;
  }
  out.input = sim_input_from_plan(out.residual.portfolio, out.residual.rates, r.plan);
  return out;
}

}  // namespace xpu
