#include "sim/from_plan.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "planner/check.h"
#include "workload/checkpoint.h"
#include "workload/mode.h"
#include "workload/model.h"

namespace xpu {
namespace {

// The planner's checker counts a run done at this fraction short of its tokens (planner/check.cpp).
constexpr double kPlannerDoneTolerance = 1e-6;

int64_t round_up_to(int64_t v, int64_t step) { return step <= 1 ? v : (v + step - 1) / step * step; }

// Commitments bill every month of their term; the simulator bills the
// horizon's months, so the rest is fixed cost (as the planner counts it).
double commitment_past_horizon(const Portfolio& p, const Plan& plan) {
  const int M = p.horizon.months;
  double dollars = 0;
  for (const Purchase& b : plan.purchases) {
    const PlanOffer& o = p.offer(b.offer);
    const Horizon longer{p.horizon.start_year, p.horizon.start_month, b.month + o.term_months()};
    for (int m = std::max(M, b.month); m < b.month + o.term_months(); ++m) {
      dollars += static_cast<double>(b.instances) * o.offer.chips * longer.hours(m) * per_hour(o.price_per_chip());
    }
  }
  return dollars;
}

double porting_cost(const Portfolio& p, const Plan& plan) {
  double dollars = 0;
  for (const Porting& x : plan.porting) {
    for (const PortingCost& c : p.workload(x.workload).porting) {
      if (c.runtime == x.runtime) dollars += c.cost.si();
    }
  }
  return dollars;
}

// Chips placed per pool and month, to keep commitments within what was bought.
struct Placer {
  SimInput& in;
  std::vector<std::vector<int64_t>> used;
  double unsimulated = 0;  // $ of pay-as-you-go chips of split runs left out of the simulation
  explicit Placer(SimInput& i)
      : in(i), used(i.pools.size(), std::vector<int64_t>(static_cast<size_t>(i.horizon.months()), 0)) {}

  // Whole instances near `chips` (at least one), within a commitment's room; 0 = no room.
  int64_t fit(int pool, int m, int64_t chips) {
    const SimPool& sp = in.pools[pool];
    chips = std::max(round_up_to(chips, sp.chips_per_instance), sp.chips_per_instance);
    if (sp.committed()) {
      const int64_t room = sp.capacity[m] - used[pool][m];
      chips = std::min(chips, room / sp.chips_per_instance * sp.chips_per_instance);
    }
    return std::max<int64_t>(chips, 0);
  }
  void take(int pool, int m, int64_t chips) {
    used[pool][m] += chips;
    SimPool& sp = in.pools[pool];
    if (!sp.committed()) sp.capacity[m] = std::max(sp.capacity[m], used[pool][m]);
  }
};

void add_run(const Portfolio& p, const RateTable& rates, const Plan& plan, size_t w, Placer& placer) {
  const Workload& wl = p.workloads[w];
  const int M = p.horizon.months;
  SimRun run{.name = wl.name,
             .tokens = wl.train.job.tokens,
             .earliest = wl.earliest,
             .deadline = wl.deadline,
             .months = std::vector<RunMonth>(static_cast<size_t>(M)),
             .checkpoint = checkpoint_bytes(wl.model),
             .write_bandwidth = ByteRate(0.0),
             .restart = Seconds(-1.0),
             .defined_at = wl.defined_at};
  for (int m = 0; m < M; ++m) {
    std::map<int, double> by_offer;                // offer -> chips
    std::map<std::string, double> by_accelerator;  // accelerator -> chips
    for (const Assignment& a : plan.assignments) {
      if (a.workload.index() != w || a.month != m || !(a.chips > 0)) continue;
      by_offer[static_cast<int>(a.offer.index())] += a.chips;
      by_accelerator[p.offer(a.offer).offer.accelerator] += a.chips;
    }
    if (by_offer.empty()) continue;
    double tokens_per_s = 0;
    // An executable plan names the run's gang this month with the engine's
    // throughput at its chip count; a fluid plan only its average chips.
    const auto gang = std::find_if(plan.gangs.begin(), plan.gangs.end(),
                                   [&](const Gang& g) { return g.workload.index() == w && g.month == m; });
    if (gang != plan.gangs.end()) {
      tokens_per_s = gang->tokens_per_s;
    } else {
      for (const auto& [acc, chips] : by_accelerator) {
        if (const AcceleratorRate* r = rates.workloads[w].find(acc)) tokens_per_s += r->tokens_per_s(chips);
      }
    }
    // The offer with most chips; ties to the lower index (deterministic).
    const auto main = std::max_element(by_offer.begin(), by_offer.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; });
    const int pool = main->first;
    // The run's chips on its other offers this month are not simulated (one gang per run and month); pay-as-you-go
    // ones are billed as the plan rents them: as fixed cost, unless the plan rents whole instances there this month
    // (SimPool::rented, billed whole anyway); commitments bill their capacity anyway.
    for (const auto& [o, c] : by_offer) {
      if (o != pool && !placer.in.pools[o].committed() && placer.in.pools[o].rented_in(m) == 0) {
        placer.unsimulated += c * placer.in.horizon.month_hours[m] * per_hour(placer.in.pools[o].price_per_chip);
      }
    }
    const int64_t chips = placer.fit(pool, m, std::llround(main->second));
    if (chips <= 0) continue;
    placer.take(pool, m, chips);
    run.months[m] = RunMonth{.pool = pool, .chips = chips, .tokens_per_s = tokens_per_s};
  }
  // The checker counts a run done within 1e-6 of its tokens (solver tolerance);
  // its finishing month gets that sliver, so the simulation finishes when the plan does.
  double done = 0;
  for (int m = 0; m < M; ++m) {
    RunMonth& a = run.months[m];
    if (a.pool < 0) continue;
    const double month_tokens = a.tokens_per_s * placer.in.horizon.month_hours[m] * 3600.0;
    if (done < run.tokens && done + month_tokens >= run.tokens * (1 - kPlannerDoneTolerance) && month_tokens > 0) {
      a.tokens_per_s *= std::max(1.0, (run.tokens - done) / month_tokens);
    }
    done += month_tokens;
  }
  for (const AcceleratorRate& r : rates.workloads[w].by_accelerator) {
    if (!r.usable) continue;
    for (const ScalePoint& s : r.points) {
      run.options.push_back(RunOption{r.accelerator, s.chips, s.chips * s.tokens_per_s_per_chip});
    }
  }
  placer.in.runs.push_back(std::move(run));
}

void add_service(const Portfolio& p, const RateTable& rates, const Plan& plan, size_t w, Placer& placer) {
  const Workload& wl = p.workloads[w];
  const int M = p.horizon.months;
  SimService svc{.name = wl.name,
                 .demand_rps = wl.serve.demand_rps,
                 .months = std::vector<std::vector<ReplicaSet>>(static_cast<size_t>(M)),
                 .defined_at = wl.defined_at};
  svc.demand_rps.resize(static_cast<size_t>(M), 0.0);
  for (int m = 0; m < M; ++m) {
    std::map<int, double> by_offer;
    for (const Assignment& a : plan.assignments) {
      if (a.workload.index() == w && a.month == m && a.chips > 0)
        by_offer[static_cast<int>(a.offer.index())] += a.chips;
    }
    for (const auto& [pool, chips] : by_offer) {
      const AcceleratorRate* r = rates.workloads[w].find(p.offers[pool].offer.accelerator);
      if (!r || !r->usable || r->chips_per_replica < 1 || m >= static_cast<int>(r->need.size()) || !(r->need[m] > 0))
        continue;
      const int64_t cpr = r->chips_per_replica;
      const int64_t cpi = placer.in.pools[pool].chips_per_instance;
      auto replicas = static_cast<int64_t>(std::ceil(chips / static_cast<double>(cpr) - 1e-9));
      replicas = std::max<int64_t>(replicas, 1);
      while ((replicas * cpr) % cpi != 0) ++replicas;  // whole instances (at most cpi steps)
      int64_t fitted = placer.fit(pool, static_cast<int>(m), replicas * cpr);
      fitted -= fitted % std::lcm(cpr, cpi);
      if (fitted <= 0) continue;
      placer.take(pool, m, fitted);
      svc.months[m].push_back(ReplicaSet{.pool = pool,
                                         .replicas = fitted / cpr,
                                         .chips_per_replica = cpr,
                                         .rps_per_replica = svc.demand_rps[m] * static_cast<double>(cpr) / r->need[m]});
    }
  }
  for (const AcceleratorRate& r : rates.workloads[w].by_accelerator) {
    if (!r.usable || r.chips_per_replica < 1) continue;
    // The replica's rate at the month the engine sized it for (the peak).
    int peak = -1;
    for (int m = 0; m < M && m < static_cast<int>(r.need.size()); ++m) {
      if (r.need[m] > 0 && (peak < 0 || svc.demand_rps[m] > svc.demand_rps[peak])) peak = m;
    }
    if (peak < 0) continue;
    svc.options.push_back(
        ServiceOption{r.accelerator, r.chips_per_replica, svc.demand_rps[peak] * r.chips_per_replica / r.need[peak]});
  }
  placer.in.services.push_back(std::move(svc));
}

}  // namespace

SimInput sim_pools_from_portfolio(const Portfolio& p) {
  SimInput in;
  in.horizon = calendar_horizon(p.horizon.start_year, p.horizon.start_month, p.horizon.months);
  const int M = p.horizon.months;
  for (const PlanOffer& o : p.offers) {
    const Site* site = o.site.empty() ? nullptr : p.find_site(o.site);
    SimPool pool{.name = o.key,
                 .accelerator = o.offer.accelerator,
                 .vendor = std::string(to_string(o.vendor)),
                 .provider = o.offer.provider,
                 .region = o.offer.region,
                 .term = o.offer.term,
                 .chips_per_instance = std::max(o.offer.chips, 1),
                 .price_per_chip = o.price_per_chip(),
                 .capacity = std::vector<int64_t>(static_cast<size_t>(M), 0),
                 .site = site ? o.site : "",
                 .watts_per_chip = o.it_watts * (site ? site->pue : 1.0),
                 .compute_weight = o.peak_bf16.si() / 1e15,
                 .defined_at = o.defined_at};
    if (!o.is_commitment()) {
      for (int m = 0; m < M && m < static_cast<int>(o.capacity.size()); ++m) {
        pool.capacity[m] = o.capacity[m] / pool.chips_per_instance * pool.chips_per_instance;
      }
    }
    in.pools.push_back(std::move(pool));
  }
  for (const Site& s : p.sites) in.rules.sites.push_back(SimSite{s.name, s.budget});
  in.rules.max_vendor_share = p.policy.max_vendor_share;
  in.rules.max_provider_share = p.policy.max_provider_share;
  return in;
}

SimInput sim_input_from_plan(const Portfolio& p, const RateTable& rates, const Plan& plan) {
  SimInput in = sim_pools_from_portfolio(p);
  const int M = p.horizon.months;
  for (const Purchase& b : plan.purchases) {
    const PlanOffer& o = p.offer(b.offer);
    for (int m = std::max(b.month, 0); m < std::min(M, b.month + o.term_months()); ++m) {
      in.pools[b.offer.index()].capacity[m] +=
          static_cast<int64_t>(b.instances) * in.pools[b.offer.index()].chips_per_instance;
    }
  }
  // An executable plan rents whole instances for whole months: billed whether held or not, as the plan prices them.
  if (!plan.fluid) {
    for (const Rental& r : plan.rentals) {
      SimPool& sp = in.pools[r.offer.index()];
      if (sp.committed() || r.month < 0 || r.month >= M || r.instances <= 0) continue;
      if (sp.rented.empty()) sp.rented.assign(static_cast<size_t>(M), 0);
      sp.rented[r.month] += r.instances * sp.chips_per_instance;
      sp.capacity[r.month] = std::max(sp.capacity[r.month], sp.rented[r.month]);
    }
  }
  Placer placer(in);
  for (size_t w = 0; w < p.workloads.size(); ++w) {
    if (is_training(p.workloads[w].kind)) {
      add_run(p, rates, plan, w, placer);
    } else {
      add_service(p, rates, plan, w, placer);
    }
  }
  // The checkpoint egress of the gangs' moves (executable plans): what the plan's cost holds beyond its gangs' chips.
  Plan without_moves = plan;
  without_moves.gangs.clear();
  const double moves = plan_cost(p, plan).si() - plan_cost(p, without_moves).si();
  in.fixed_cost =
      Dollars(porting_cost(p, plan) + commitment_past_horizon(p, plan) + placer.unsimulated + std::max(0.0, moves));
  // plan_cost stays empty: the simulator's baseline is this input without risks
  // (evaluate_plan), whole instances included, so "vs plan" measures the risks alone.
  return in;
}

SimInput cut_horizon(SimInput in, int months) {
  const int M = in.horizon.months();
  if (months <= 0 || months >= M) return in;
  // Commitments bought stay paid for after the cut (as past the horizon).
  double committed_after = 0;
  for (const SimPool& p : in.pools) {
    if (!p.committed()) continue;
    for (int m = months; m < M; ++m) {
      committed_after += static_cast<double>(p.capacity[m]) * in.horizon.month_hours[m] * per_hour(p.price_per_chip);
    }
  }
  in.fixed_cost = in.fixed_cost + Dollars(committed_after);
  in.horizon.month_hours.resize(static_cast<size_t>(months));
  for (SimPool& p : in.pools) {
    p.capacity.resize(static_cast<size_t>(months));
    if (!p.rented.empty()) p.rented.resize(static_cast<size_t>(months));  // rentals after the cut are not made
  }
  std::erase_if(in.runs, [&](const SimRun& r) { return r.earliest >= months; });
  for (SimRun& r : in.runs) {
    r.months.resize(static_cast<size_t>(months));
    r.deadline = std::min(r.deadline, months - 1);
  }
  for (SimService& s : in.services) {
    s.demand_rps.resize(static_cast<size_t>(months));
    s.months.resize(static_cast<size_t>(months));
  }
  in.plan_cost.reset();
  return in;
}

}  // namespace xpu
