// Test support: small portfolios with hand-made rates (no performance model),
// so planner tests run in milliseconds and their optima can be checked by hand
// or by brute force. Not part of the library.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "milp/solve.h"
#include "planner/planner.h"

namespace xpu::testing {

struct Fixture {
  Portfolio p;
  RateTable rates;
};

// One model with valid cuts and the same model without them, each solved to
// a zero gap and as an LP: the cuts may change neither the status nor the
// optimum (within `tolerance`, relative), and may only raise the LP bound.
// Returns whether both were optimal (checked) and whether the LP rose.
struct CutComparison {
  bool optimal = false, raised = false;
};
inline CutComparison compare_cuts(const MilpModel& with, const MilpModel& without, double tolerance) {
  const MilpResult a = solve_milp(with), b = solve_milp(without);
  EXPECT_EQ(a.status, b.status) << a.message << " / " << b.message;
  if (a.status != MilpStatus::optimal || b.status != MilpStatus::optimal) return {};
  EXPECT_NEAR(a.objective, b.objective, tolerance * std::abs(b.objective));
  const LpResult la = solve_lp(with), lb = solve_lp(without);
  EXPECT_EQ(la.status, LpStatus::optimal);
  EXPECT_EQ(lb.status, LpStatus::optimal);
  EXPECT_GE(la.objective, lb.objective - 1e-7 * std::abs(lb.objective));
  return {true, la.objective > lb.objective * (1 + 1e-6)};
}

inline PlanOffer offer(const std::string& key, const std::string& provider, const std::string& accelerator,
                       Vendor vendor, Term term, double per_chip_hour, int chips_per_instance,
                       std::vector<int> capacity, const std::string& site = "") {
  PlanOffer o;
  o.key = key;
  o.offer.provider = provider;
  o.offer.instance = accelerator + "-x" + std::to_string(chips_per_instance);
  o.offer.accelerator = accelerator;
  o.offer.chips = chips_per_instance;
  o.offer.term = term;
  o.offer.price = dollars_per_hour(per_chip_hour * chips_per_instance);
  o.vendor = vendor;
  o.runtime = vendor == Vendor::nvidia   ? Runtime::cuda
              : vendor == Vendor::google ? Runtime::xla
              : vendor == Vendor::aws    ? Runtime::neuron
                                         : Runtime::rocm;
  o.site = site;
  o.capacity = std::move(capacity);
  o.availability = term == Term::spot ? 0.5 : 1.0;
  o.peak_bf16 = teraflop_per_second(1000);
  o.it_watts = watts(1000);
  return o;
}

// A training run with one linear piece per accelerator: `rate` tokens/s per chip up to `max_chips`.
inline void add_training(Fixture& f, const std::string& name, double tokens, int earliest, int deadline,
                         std::vector<std::pair<std::string, double>> rates, double max_chips = 1e6) {
  Workload w;
  w.name = name;
  w.kind = Mode::train;
  w.model.key = "test-model";
  w.train.job.tokens = tokens;
  w.earliest = earliest;
  w.deadline = deadline;
  WorkloadRates wr;
  wr.workload = name;
  for (const auto& [a, r] : rates) {
    w.accelerators.push_back(a);
    AcceleratorRate ar;
    ar.accelerator = a;
    ar.usable = true;
    ar.points = {{static_cast<int>(max_chips), r, 0.4, "test"}};
    ar.pieces = {{max_chips, r}};
    wr.by_accelerator.push_back(ar);
  }
  f.p.workloads.push_back(std::move(w));
  f.rates.workloads.push_back(std::move(wr));
}

// Gives workload `w` accelerator `acc` with the engine's layouts at `points`
// (chips, tokens/s per chip): the candidate gang sizes of the executable model.
inline void add_ladder(Fixture& f, size_t w, const std::string& acc,
                       const std::vector<std::pair<int, double>>& points) {
  f.p.workloads[w].accelerators.push_back(acc);
  AcceleratorRate& ar = f.rates.workloads[w].by_accelerator.emplace_back();
  ar.accelerator = acc;
  ar.usable = true;
  for (auto [n, r] : points) ar.points.push_back({n, r, 0.4, "dp" + std::to_string(n)});
  ar.pieces = pieces_from_points(ar.points);
}

// A service needing `need[a]` chips per month at its demand (constant demand of 1 req/s).
inline void add_service(Fixture& f, const std::string& name, std::vector<std::pair<std::string, double>> need) {
  Workload w;
  w.name = name;
  w.kind = Mode::infer;
  w.model.key = "test-model";
  w.serve.demand_rps.assign(f.p.horizon.months, 1.0);
  w.earliest = 0;
  w.deadline = f.p.horizon.months - 1;
  WorkloadRates wr;
  wr.workload = name;
  for (const auto& [a, n] : need) {
    w.accelerators.push_back(a);
    AcceleratorRate ar;
    ar.accelerator = a;
    ar.usable = true;
    ar.need.assign(f.p.horizon.months, n);
    ar.chips_per_replica = 1;
    wr.by_accelerator.push_back(ar);
  }
  f.p.workloads.push_back(std::move(w));
  f.rates.workloads.push_back(std::move(wr));
}

// Tokens that `chips` chips at `rate` tokens/s produce over months [from, to].
inline double tokens_for(const Horizon& h, double chips, double rate, int from, int to) {
  double s = 0;
  for (int m = from; m <= to; ++m) s += h.hours(m) * 3600.0;
  return chips * rate * s;
}

// Options for a proven optimum of a small instance: no gap, nothing but the solve.
inline PlanOptions exact() {
  PlanOptions o;
  o.relative_gap = 0;
  o.baselines = false;
  o.sensitivity = false;
  o.diagnose = false;
  o.fluid_bound = false;
  return o;
}

// Options for `plan` as the CLI runs it under a time limit (the bounds of
// bound.h run only then), nothing but the solve.
inline PlanOptions limited(double seconds) {
  PlanOptions o;
  o.time_limit_s = seconds;
  o.baselines = false;
  o.sensitivity = false;
  o.diagnose = false;
  return o;
}

// Sorts offers by key (the Portfolio invariant) and workload accelerator lists (rates in the same order).
inline void finish(Fixture& f) {
  std::sort(f.p.offers.begin(), f.p.offers.end(), [](const PlanOffer& a, const PlanOffer& b) { return a.key < b.key; });
  for (size_t i = 0; i < f.p.workloads.size(); ++i) {
    auto& accs = f.p.workloads[i].accelerators;
    auto& rs = f.rates.workloads[i].by_accelerator;
    std::vector<size_t> idx(accs.size());
    for (size_t k = 0; k < idx.size(); ++k) idx[k] = k;
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return accs[a] < accs[b]; });
    std::vector<std::string> a2;
    std::vector<AcceleratorRate> r2;
    for (size_t k : idx) {
      a2.push_back(accs[k]);
      r2.push_back(rs[k]);
    }
    accs = a2;
    rs = r2;
  }
}

// A random portfolio: `offers` offers over four vendors, `trainings` runs and
// `services` services, `months` months; capacities loose enough to be feasible.
inline Fixture random_fixture(uint32_t seed, int months = 4, int offers = 6, int trainings = 2, int services = 2) {
  std::mt19937 gen(seed);
  auto uni = [&](double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(gen()) / 4294967296.0); };
  Fixture f;
  f.p.name = "random-" + std::to_string(seed);
  f.p.horizon = {2027, 1, months};
  f.p.sites = {{"site-a", watts(uni(0.3e6, 0.6e6)), 1.2, {}}};
  const std::vector<std::pair<std::string, Vendor>> accs{
      {"gpu-a", Vendor::nvidia}, {"tpu-b", Vendor::google}, {"trn-c", Vendor::aws}, {"mi-d", Vendor::amd}};
  const std::vector<std::string> providers{"cloud-1", "cloud-2", "cloud-3"};
  const Term terms[] = {Term::on_demand, Term::on_demand, Term::spot, Term::commit_1y};
  for (int i = 0; i < offers; ++i) {
    const auto& [a, v] = accs[i % accs.size()];
    const Term t = terms[gen() % 4];
    std::vector<int> cap(months);
    for (int& c : cap) c = static_cast<int>(uni(64, 512));
    const double price = uni(1.0, 4.0) * (t == Term::spot ? 0.4 : t == Term::commit_1y ? 0.6 : 1.0);
    f.p.offers.push_back(offer("offer-" + std::to_string(i), providers[gen() % providers.size()], a, v, t, price,
                               t == Term::commit_1y ? 8 : 1, cap, (i % 3 == 0) ? "site-a" : ""));
  }
  for (int i = 0; i < trainings; ++i) {
    const int e = static_cast<int>(gen() % std::max(1, months / 2));
    const int d = std::min(months - 1, e + 1 + static_cast<int>(gen() % months));
    std::vector<std::pair<std::string, double>> rates;
    for (const auto& [a, v] : accs) {
      if (gen() % 4 != 0) rates.emplace_back(a, uni(500, 1500));
    }
    if (rates.empty()) rates.emplace_back("gpu-a", 1000);
    add_training(f, "run-" + std::to_string(i), tokens_for(f.p.horizon, uni(20, 80), 1000, e, d), e, d, rates, 400);
  }
  for (int i = 0; i < services; ++i) {
    std::vector<std::pair<std::string, double>> need;
    for (const auto& [a, v] : accs) {
      if (gen() % 3 != 0) need.emplace_back(a, std::round(uni(8, 40)));
    }
    if (need.empty()) need.emplace_back("gpu-a", 16);
    add_service(f, "svc-" + std::to_string(i), need);
  }
  finish(f);
  return f;
}

// Every coupling rule the policy has, by seed: shares and two vendors (seeds
// not divisible by 3), the vendor-loss scenario (odd seeds), scarce capacity
// (seeds 2 mod 4: rentals at their caps).
inline void add_coupling_rules(Fixture& fx, uint32_t seed) {
  if (seed % 3 != 0) {
    fx.p.policy.max_vendor_share = 0.8;
    fx.p.policy.max_provider_share = 0.9;
    fx.p.policy.min_vendors = 2;
    fx.p.policy.min_vendor_share = 0.1;
  }
  if (seed % 2 == 1) fx.p.policy.robustness = Robustness{0.3, 1, 0.5};
  if (seed % 4 == 2) {
    for (PlanOffer& o : fx.p.offers) {
      for (int& c : o.capacity) c = c * 3 / 5;
    }
  }
}

}  // namespace xpu::testing
