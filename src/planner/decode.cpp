// From MILP values to a plan. Pools hide which offer of a pool a workload
// uses; here each pool's usage is laid onto its offers, commitments first
// (already paid for), then rentals from the cheapest, each workload filling
// one offer before spilling onto the next, so a run splits over offers only
// where one offer's chips run out.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "planner/formulation.h"

namespace xpu {
namespace {

// Solver noise off: values within 1e-7 of a multiple of 1e-6 chips snap to it.
double clean(double x) {
  const double r = std::round(x * 1e6) / 1e6;
  return std::abs(r) < 1e-9 ? 0.0 : r;
}

}  // namespace

void canonicalize(Plan& plan) {
  auto by = [](auto key) { return [key](const auto& a, const auto& b) { return key(a) < key(b); }; };
  std::sort(plan.purchases.begin(), plan.purchases.end(),
            by([](const Purchase& x) { return std::tuple(x.offer, x.month); }));
  std::sort(plan.rentals.begin(), plan.rentals.end(), by([](const Rental& x) { return std::tuple(x.offer, x.month); }));
  std::sort(plan.assignments.begin(), plan.assignments.end(),
            by([](const Assignment& x) { return std::tuple(x.workload, x.month, x.offer); }));
  std::sort(plan.reserves.begin(), plan.reserves.end(), by([](const Reserve& x) {
              return std::tuple(static_cast<int>(x.lost), x.workload, x.month, x.accelerator, x.provider, x.spot);
            }));
  std::sort(plan.porting.begin(), plan.porting.end(),
            by([](const Porting& x) { return std::tuple(x.workload, static_cast<int>(x.runtime)); }));
  std::sort(plan.gangs.begin(), plan.gangs.end(), by([](const Gang& x) {
              return std::tuple(x.workload, x.month, x.accelerator, x.provider, x.region, x.spot);
            }));
  std::sort(plan.replicas.begin(), plan.replicas.end(),
            by([](const Replicas& x) { return std::tuple(x.workload, x.month, x.accelerator, x.provider, x.region); }));
}

Plan decode(const Portfolio& p, const Formulation& f, const std::vector<double>& values) {
  Plan plan;
  const int H = p.horizon.months;
  const size_t O = p.offers.size();
  std::vector<double> provided(O * H, 0.0);
  for (size_t o = 0; o < O; ++o) {
    const PlanOffer& po = p.offers[o];
    for (int m = 0; m < H; ++m) {
      if (int v = f.rent[o * H + m]; v >= 0 && !f.fluid) {
        const int64_t n = std::llround(values[v]);
        if (n > 0) {
          const double chips = static_cast<double>(n) * po.offer.chips;
          plan.rentals.push_back({OfferId(o), m, chips, n});
          provided[o * H + m] += chips;
        }
      } else if (v >= 0) {
        const double chips = clean(values[v]);
        if (chips > 0) {
          plan.rentals.push_back({OfferId(o), m, chips});
          provided[o * H + m] += chips;
        }
      }
      if (int v = f.buy[o * H + m]; v >= 0) {
        const int64_t n = std::llround(values[v]);
        if (n > 0) {
          plan.purchases.push_back({OfferId(o), m, n});
          for (int k = 0; k < po.term_months() && m + k < H; ++k)
            provided[o * H + m + k] += static_cast<double>(n) * po.offer.chips;
        }
      }
    }
  }
  // Usage per (pool, month, workload).
  std::map<std::tuple<int, int, int>, double> used;
  for (const auto& u : f.usage) {
    double chips = 0;
    for (auto [v, c] : u.terms) chips += c * values[v];
    chips = clean(chips);
    if (chips > 0) used[{u.pool, u.month, u.workload}] += chips;
  }
  std::map<std::pair<int, int>, std::vector<std::pair<int, double>>> by_pool;  // (pool, month) -> (workload, chips)
  for (const auto& [k, chips] : used) by_pool[{std::get<0>(k), std::get<1>(k)}].emplace_back(std::get<2>(k), chips);
  for (const auto& [pm, loads] : by_pool) {
    const auto [pool, m] = pm;
    std::vector<int> offers = f.pools[pool].offers;
    std::stable_sort(offers.begin(), offers.end(), [&](int a, int b) {
      const PlanOffer& x = p.offers[a];
      const PlanOffer& y = p.offers[b];
      if (x.is_commitment() != y.is_commitment()) return x.is_commitment();
      return x.price_per_chip() < y.price_per_chip();
    });
    size_t k = 0;
    std::vector<double> left(offers.size());
    for (size_t i = 0; i < offers.size(); ++i) left[i] = provided[offers[i] * H + m];
    for (auto [w, chips] : loads) {
      double need = chips;
      while (need > 1e-9) {
        while (k + 1 < offers.size() && left[k] <= 1e-9) ++k;
        // The last offer takes any remainder; the checker reports it if it is real.
        const double take = (k + 1 == offers.size()) ? need : std::min(need, left[k]);
        plan.assignments.push_back({WorkloadId(w), OfferId(offers[k]), m, clean(take)});
        left[k] -= take;
        need -= take;
      }
    }
  }
  for (const auto& r : f.reroutes) {
    const double chips = clean(values[r.var]);
    if (chips <= 0) continue;
    const PoolInfo& pi = f.pools[r.pool];
    plan.reserves.push_back(
        {static_cast<Vendor>(r.vendor), WorkloadId(r.workload), pi.accelerator, pi.provider, pi.spot, r.month, chips});
  }
  for (const auto& pv : f.porting) {
    if (values[pv.var] > 0.5) plan.porting.push_back({WorkloadId(pv.workload), pv.runtime});
  }
  plan.fluid = f.fluid;
  // Moves are read off the gangs (a gang in another pool than the run's
  // last): the move variables are only bounded from below, so a zero-cost
  // move (a model without parameters) may sit at 1 without one.
  double model_moves = 0;
  std::map<int, double> egress_of;
  for (const auto& mv : f.moves) {
    model_moves += mv.egress * values[mv.var];
    egress_of[mv.workload] = mv.egress;
  }
  std::vector<const Formulation::GangVar*> chosen;
  for (const auto& g : f.gangs) {
    if (values[g.var] >= 0.5) chosen.push_back(&g);
  }
  std::stable_sort(chosen.begin(), chosen.end(), [](const auto* a, const auto* b) {
    return std::tuple(a->workload, a->month) < std::tuple(b->workload, b->month);
  });
  std::map<int, int> last_pool;
  double move_cost = 0;
  for (const auto* g : chosen) {
    auto it = last_pool.find(g->workload);
    const bool moved = it != last_pool.end() && it->second != g->pool;
    last_pool[g->workload] = g->pool;
    if (moved) move_cost += egress_of[g->workload];
    const PoolInfo& pi = f.pools[g->pool];
    plan.gangs.push_back({WorkloadId(g->workload), pi.accelerator, pi.provider, pi.region, pi.spot, g->month, g->chips,
                          g->layout, g->tokens_per_s, moved, g->goodput});
  }
  plan.move_cost = Dollars(move_cost);
  for (const auto& r : f.replicas) {
    const int64_t n = std::llround(values[r.var]);
    if (n <= 0) continue;
    const PoolInfo& pi = f.pools[r.pool];
    plan.replicas.push_back(
        {WorkloadId(r.workload), pi.accelerator, pi.provider, pi.region, r.month, n, r.chips_per_replica, r.layout});
  }
  // Merge assignment pieces of the same (workload, offer, month).
  canonicalize(plan);
  std::vector<Assignment> merged;
  for (const Assignment& a : plan.assignments) {
    if (!merged.empty() && merged.back().workload == a.workload && merged.back().offer == a.offer &&
        merged.back().month == a.month) {
      merged.back().chips += a.chips;
    } else if (a.chips > 0) {
      merged.push_back(a);
    }
  }
  plan.assignments = std::move(merged);
  plan.claimed_cost = Dollars(plan_cost_of(f, p, values) - model_moves + move_cost);
  return plan;
}

}  // namespace xpu
