// A start for the executable model, built from the fluid LP's solution
// (docs/portfolio.md, "Warm start"):
//   - a training run goes to one pool (the one the fluid plan gave it most
//     chips in, else the next), at the one ladder count and the fewest months
//     that finish it, months taken in the order the fluid plan used them;
//   - a service gets, per month and pool, the fluid chips rounded up to whole
//     replicas (so its demand row holds wherever the fluid one did);
//   - each pool's chips are rented in whole instances from its pay-as-you-go
//     offers, cheapest first, within capacity;
//   - porting binaries follow the runtimes used.
// Everything else (commitments, checkpoints, vendor binaries, a run that
// fits nowhere) is left NaN for CBC to complete (MilpOptions::start).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "milp/solve.h"
#include "planner/warm_start.h"

namespace xpu {
namespace {

struct Choice {
  double chip_months = kInfinity;
  std::vector<int> vars;  // the gang binaries set to 1
};

// The cheapest (fewest chip-months) one-count schedule of run `wi` in `pool`
// that reaches 100% by its deadline; months ordered by the fluid plan's use.
// Only months where the pool's rentals have `chips` left (`room`, per pool and month).
Choice best_in_pool(const Portfolio& p, const Formulation& f, const std::vector<int>& gangs, int pool,
                    const std::map<int, double>& fluid_by_month, const std::vector<double>& room) {
  const int H = p.horizon.months;
  std::map<int64_t, std::vector<const Formulation::GangVar*>> by_count;
  for (int g : gangs) {
    if (f.gangs[g].pool == pool) by_count[f.gangs[g].chips].push_back(&f.gangs[g]);
  }
  Choice best;
  for (auto& [chips, cols] : by_count) {
    const Workload& w = p.workloads[cols.front()->workload];
    auto used = [&](int m) {
      auto it = fluid_by_month.find(m);
      return it == fluid_by_month.end() ? 0.0 : it->second;
    };
    std::stable_sort(cols.begin(), cols.end(), [&](const auto* a, const auto* b) {
      return used(a->month) != used(b->month) ? used(a->month) > used(b->month) : a->month < b->month;
    });
    double done = 0;
    Choice c{.chip_months = 0};
    for (const auto* g : cols) {
      if (g->month > w.deadline || room[pool * H + g->month] < static_cast<double>(chips)) continue;
      // 0.1% over: the move-free schedule has no lost transfer time, and CBC's tolerances stay clear.
      if (done >= 1.001) break;
      done += g->tokens_per_s * p.horizon.hours(g->month) * 3600.0 / w.train.job.tokens;
      c.chip_months += static_cast<double>(chips);
      c.vars.push_back(g->var);
    }
    if (done >= 1.001 && c.chip_months < best.chip_months) best = std::move(c);
  }
  return best;
}

// The LP over what the start leaves open (continuous columns and the NaN
// integers) with the set integers fixed. When its optimum is integral the
// start is complete (so it can be checked, and solve_milp can fall back on
// it); otherwise the partial start goes to CBC as it is.
std::vector<double> complete(const MilpModel& model, std::vector<double> x) {
  MilpModel fixed = model;
  for (size_t j = 0; j < x.size(); ++j) {
    if (std::isnan(x[j])) continue;
    fixed.vars[j].lower = fixed.vars[j].upper = x[j];
    fixed.vars[j].integer = false;
  }
  const LpResult lp = solve_lp(fixed);
  if (lp.status != LpStatus::optimal) return x;
  std::vector<double> full = lp.values;
  for (size_t j = 0; j < full.size(); ++j) {
    if (!model.vars[j].integer) continue;
    const double r = std::round(full[j]);
    if (std::abs(full[j] - r) > 1e-6) return x;
    full[j] = r + 0.0;
  }
  if (!violations(model, full, 1e-6, 1).empty()) return x;
  return full;
}

}  // namespace

std::vector<double> executable_start(const Portfolio& p, const Formulation& f, const Formulation& fluid,
                                     const std::vector<double>& fluid_values) {
  std::vector<double> x(f.model.vars.size(), kNaN);
  if (f.fluid || fluid_values.size() != fluid.model.vars.size()) return x;
  const int H = p.horizon.months;
  // Fluid chips by (workload, pool, month); both models number pools alike.
  std::map<std::tuple<int, int, int>, double> chips;
  for (const auto& u : fluid.usage) {
    double c = 0;
    for (auto [v, k] : u.terms) c += k * fluid_values[v];
    if (c > 1e-9) chips[{u.workload, u.pool, u.month}] += c;
  }
  std::vector<double> used(f.pools.size() * H, 0.0);  // chips the start uses per pool and month
  // Chips the pool's pay-as-you-go offers can rent per month, less what is used.
  std::vector<double> room(f.pools.size() * H, 0.0);
  for (size_t pool = 0; pool < f.pools.size(); ++pool) {
    for (int o : f.pools[pool].offers) {
      for (int m = 0; m < H; ++m) {
        const int v = f.rent[o * H + m];
        if (v >= 0) room[pool * H + m] += f.model.vars[v].upper * std::max(1, p.offers[o].offer.chips);
      }
    }
  }

  // Services: the fluid chips in whole replicas.
  std::set<int> replica_vars;
  for (const auto& rv : f.replicas) {
    replica_vars.insert(rv.var);
    auto it = chips.find({rv.workload, rv.pool, rv.month});
    const double c = it == chips.end() ? 0.0 : it->second;
    const double n = std::ceil(c / rv.chips_per_replica - 1e-6);
    x[rv.var] = std::min(std::max(0.0, n), f.model.vars[rv.var].upper);
  }
  for (const auto& u : f.usage) {
    for (auto [v, k] : u.terms) {
      if (replica_vars.count(v) != 0) used[u.pool * H + u.month] += k * x[v];
    }
  }
  for (size_t i = 0; i < room.size(); ++i) room[i] -= used[i];

  // Training runs, each into the room the services and earlier runs left.
  std::map<int, std::vector<int>> gangs_of;
  for (size_t g = 0; g < f.gangs.size(); ++g) gangs_of[f.gangs[g].workload].push_back(int(g));
  for (auto& [wi, gangs] : gangs_of) {
    std::map<int, double> pool_total;
    std::map<int, std::map<int, double>> pool_month;
    for (int g : gangs) {
      const auto& gv = f.gangs[g];
      auto it = chips.find({wi, gv.pool, gv.month});
      const double c = it == chips.end() ? 0.0 : it->second;
      pool_total.try_emplace(gv.pool, 0.0);
      if (pool_month[gv.pool].try_emplace(gv.month, c).second) pool_total[gv.pool] += c;
    }
    std::vector<int> order;
    for (auto& [pool, t] : pool_total) order.push_back(pool);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return pool_total[a] > pool_total[b]; });
    Choice pick;
    for (int pool : order) {
      pick = best_in_pool(p, f, gangs, pool, pool_month[pool], room);
      if (!pick.vars.empty()) break;
    }
    if (pick.vars.empty()) continue;  // fits nowhere at one count: CBC decides
    for (int g : gangs) x[f.gangs[g].var] = 0.0;
    for (int v : pick.vars) x[v] = 1.0;
    for (int g : gangs) {
      const auto& gv = f.gangs[g];
      if (x[gv.var] != 1.0) continue;
      used[gv.pool * H + gv.month] += double(gv.chips);
      room[gv.pool * H + gv.month] -= double(gv.chips);
    }
  }

  // Rentals: whole instances from the pool's pay-as-you-go offers, cheapest first.
  for (size_t pool = 0; pool < f.pools.size(); ++pool) {
    std::vector<int> offers;
    for (int o : f.pools[pool].offers) {
      if (!p.offers[o].is_commitment()) offers.push_back(o);
    }
    std::stable_sort(offers.begin(), offers.end(), [&](int a, int b) {
      return p.offers[a].price_per_chip().si() < p.offers[b].price_per_chip().si();
    });
    for (int m = 0; m < H; ++m) {
      double need = used[pool * H + m];
      for (int o : offers) {
        const int v = f.rent[o * H + m];
        if (v < 0) continue;
        const double per = std::max(1, p.offers[o].offer.chips);
        const double n = std::min(std::ceil(need / per - 1e-9), f.model.vars[v].upper);
        x[v] = std::max(0.0, n);
        need -= x[v] * per;
      }
      if (need > 1e-9) {
        // Rentals fall short: commitments must cover the rest; CBC picks them and tops up.
        for (int o : offers) {
          if (f.rent[o * H + m] >= 0) x[f.rent[o * H + m]] = kNaN;
        }
      }
    }
  }

  // Porting follows the runtimes the start uses (left to CBC for a run it places).
  for (const auto& pv : f.porting) {
    bool on = false, open = false;
    for (const auto& u : f.usage) {
      if (u.workload != pv.workload) continue;
      const PoolInfo& pi = f.pools[u.pool];
      if (p.offers[pi.offers.front()].runtime != pv.runtime) continue;
      for (auto [v, k] : u.terms) {
        open |= std::isnan(x[v]);
        on |= x[v] * k > 0;
      }
    }
    x[pv.var] = open ? kNaN : on ? 1.0 : 0.0;
  }
  return complete(f.model, std::move(x));
}

}  // namespace xpu
