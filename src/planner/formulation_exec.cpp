// The executable model's workload columns (docs/portfolio.md, "Executable
// plans"). A training run picks, per month, at most one candidate gang: a
// pool and a chip count from the engine's ladder (rates.h: counts where
// best_layout_at found a layout on the system the pool's offers rent), in
// whole instances of every offer of that pool. Its progress that month is
// the engine's throughput at that count times the share of the month it
// trains between interruptions (gang_goodput). A service buys whole replicas.
//
// Moves: s[w,p,m] in [0,1] says the run's checkpoint sits in pool p after
// month m (s >= gang in p; carried over a pause; at most one pool), and
// move[w,p,m] >= gang(p,m) - s[p,m-1] - (1 - sum_q s[q,m-1]) is 1 when the
// run arrives from another pool. A move pays the checkpoint's egress and
// loses its transfer time at the run's fastest gang (conservative: the
// checker counts the loss at the gang actually run).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "planner/formulation_build.h"
#include "workload/checkpoint.h"

namespace xpu::detail {

// Spot reclaims per hour that stop a gang in the pool (the most of its offers'; 0 for a pool that is not spot).
double pool_reclaims(const Builder& b, int pool) {
  if (!b.f.pools[pool].spot) return 0.0;
  double r = 0.0;
  for (int o : b.f.pools[pool].offers) r = std::max(r, b.p.offers[o].reclaims_per_hour);
  return r;
}

int pool_instance_chips(const Builder& b, int pool) {
  int most = 1;
  for (int o : b.f.pools[pool].offers) most = std::max(most, b.p.offers[o].offer.chips);
  return most;
}

namespace {

// A count is launchable in a pool when every offer there rents it in whole instances.
bool whole_in_pool(const Builder& b, int pool, int chips) {
  for (int o : b.f.pools[pool].offers) {
    const int per = std::max(1, b.p.offers[o].offer.chips);
    if (chips % per != 0) return false;
  }
  return true;
}

double spot_factor(const Builder& b, int pool) {
  if (!b.f.pools[pool].spot) return 1.0;
  double a = 1.0;
  for (int o : b.f.pools[pool].offers) a = std::min(a, b.p.offers[o].availability);
  return a;
}

// Whole months at ladder counts overshoot what a run needs, and the LP
// relaxation does not see it (a fraction of a gang looks like average
// chips). The completion row sum_j a_j g_j >= 1 (gangs g_j binary, the move
// terms dropped: they only subtract) divided by a unit d and rounded up,
// sum_j ceil(a_j / d) g_j >= ceil(1 / d), holds at every integer point (a
// Chvatal-Gomory cut). With `on` (a binary z), the row is sum_j a_j g_j >= z
// and the cut's right-hand side ceil(1 / d) z (z = 0 forces its gangs to 0).
// Returns the cut's terms, or empty when 1 / d is already whole or too fine.
std::pair<Terms, double> rounded(const Terms& done, double d) {
  if (!(d > 0) || d >= 1) return {};
  const double rhs = std::ceil(1.0 / d - 1e-9);
  if (rhs - 1.0 / d < 1e-6 || rhs > 1e4) return {};  // nothing to round up, or too fine to matter
  Terms t;
  t.reserve(done.size());
  for (auto [v, a] : done) {
    if (!(a > 0)) continue;  // a move's loss: dropping it only weakens the row
    // Never below a_j / d (rounding down would cut integer points off).
    const double c = std::ceil(a / d * (1 - 1e-12));
    if (c > 0) t.emplace_back(v, std::max(c, a / d));
  }
  return {std::move(t), rhs};
}

// The units: per accelerator (+spot), the largest progress at its smallest
// count (those columns then weigh 1 each); and the run's largest progress in
// one month, which weighs every gang 1: the cut then counts the months of
// gangs a run needs at the least (6 for a run that takes 5.25 months at its
// largest gang), which the LP's fractions of large gangs otherwise skip.
std::vector<std::pair<std::string, double>> rounding_units(const Builder& b, int wi, const Terms& done) {
  std::map<std::string, std::pair<int64_t, double>>
      unit;                        // accelerator (+spot) -> (smallest count, its largest progress)
  std::map<int, double> progress;  // gang var -> a_j
  double most = 0;
  for (auto [v, a] : done) {
    progress[v] = a;
    most = std::max(most, a);
  }
  for (const auto& g : b.f.gangs) {
    if (g.workload != wi || !progress.contains(g.var)) continue;
    const PoolInfo& pi = b.f.pools[g.pool];
    const std::string key = pi.accelerator + (pi.spot ? "/spot" : "");
    auto [it, fresh] = unit.try_emplace(key, g.chips, 0.0);
    if (g.chips < it->second.first) it->second = {g.chips, 0.0};
    if (g.chips == it->second.first) it->second.second = std::max(it->second.second, progress[g.var]);
  }
  std::vector<std::pair<std::string, double>> out;
  out.reserve(unit.size() + 1);
  for (const auto& [key, cd] : unit) out.emplace_back(key, cd.second);
  out.emplace_back("months", most);
  return out;
}

void add_rounding_cuts(Builder& b, int wi, const Terms& done) {
  const Workload& w = b.p.workloads[wi];
  for (const auto& [key, d] : rounding_units(b, wi, done)) {
    auto [t, rhs] = rounded(done, d);
    if (t.empty()) continue;
    // Group other: implied by the completion row at integer points, never relaxed or reported.
    b.add_row(row_ge(fmt::format("complete_rounded[{},{}]", w.name, key), std::move(t), rhs),
              {.group = Group::other, .workload = wi});
  }
}

}  // namespace

// The vendor-loss completion row of a run (formulation_robust.cpp) is
// sum_j a_j g_j + sum_k c_k y_k >= 1: gang binaries g_j (a_j their progress
// kept in the scenario) and continuous re-routed chips y_k >= 0. Divided by
// a unit d (beta = 1/d, f = beta - floor(beta) > 0) its mixed-integer
// rounding (Nemhauser & Wolsey, "Integer and Combinatorial Optimization",
// 1988, II.1.7; Marchand & Wolsey, "Aggregation and mixed integer rounding
// to solve MIPs", Oper. Res. 49(3), 2001) is
//   sum_j (ceil(a_j/d) - max(0, f - frac(a_j/d)) / f) g_j + sum_k c_k/(d f) y_k >= ceil(beta),
// valid at every point with g_j >= 0 integer and y_k >= 0 (so it cuts no
// plan off; bounds on g and y are not used). Each g coefficient lies in
// [a_j/d, ceil(a_j/d)]: at least the row's own and at most the pure
// rounding's (with no y it is the Chvatal-Gomory cut of `rounded`, or
// stronger). The units are the nominal rounding's (rounding_units): per
// accelerator, and the run's largest month (months of gangs it needs at the
// least). The LP otherwise meets the scenario with a fraction of a large
// gang that keeps (1 - loss) of its progress; the cut charges a whole one.
void add_robust_rounding_cuts(Builder& b, int wi, const std::string& vendor, const Terms& ints, const Terms& conts,
                              const RowInfo& info) {
  if (ints.empty()) return;
  const Workload& w = b.p.workloads[wi];
  for (const auto& [key, d] : rounding_units(b, wi, ints)) {
    if (!(d > 0) || d >= 1) continue;
    const double beta = 1.0 / d;
    const double rhs = std::ceil(beta - 1e-9);
    const double f = beta - (rhs - 1.0);
    // Nothing to round, too fine to matter, or a y weight of c/(d f) too large to be numerically safe.
    if (rhs - beta < 1e-6 || rhs > 1e4 || f < 1e-3) continue;
    Terms t;
    t.reserve(ints.size() + conts.size());
    for (auto [v, a] : ints) {
      if (!(a > 0)) continue;
      const double alpha = a / d;
      const double up = std::ceil(alpha - 1e-12);
      const double frac_a = alpha - (up - 1.0);  // in (0, 1]; 1 when alpha is whole
      const double c = frac_a >= f ? up : up - (f - frac_a) / f;
      if (c > 0) t.emplace_back(v, std::max(c, alpha));
    }
    for (auto [v, c] : conts) {
      if (c > 0) t.emplace_back(v, c / (d * f));
    }
    if (t.empty()) continue;
    // Group other: implied by the scenario row at integer points, never relaxed or reported.
    b.add_row(row_ge(fmt::format("robust_rounded[{},{},{}]", vendor, w.name, key), std::move(t), rhs),
              {.group = Group::other, .workload = info.workload, .vendor = info.vendor});
  }
}

namespace {

// Chips a pool can hold in month m, in whole instances of each offer (the
// largest gang that fits there); infinite when capacity is relaxed.
double pool_capacity(const Builder& b, int pool, int m) {
  if (b.relaxed(Group::capacity)) return kInfinity;
  double chips = 0;
  for (int o : b.f.pools[pool].offers) {
    const PlanOffer& po = b.p.offers[o];
    const int per = std::max(1, po.offer.chips);
    chips += std::floor(eff_capacity(po, m) / per + 1e-9) * per;
  }
  return chips;
}

// An unmovable run finishes in the one pool it stays in: per pool,
// sum_{j in p} a_j g_j >= stay[p] (the completion row disaggregated by the
// stay binaries; at integer points it is the completion row itself), and its
// rounding cuts. The LP then cannot finish a run with halves of gangs in two
// pools, neither of which could finish it alone (a pool whose gangs cannot
// reach 1 by the deadline gets stay = 0).
void add_pool_completion(Builder& b, int wi, const std::vector<std::pair<int, int>>& stays,
                         const std::map<int, Terms>& done_in_pool) {
  const Workload& w = b.p.workloads[wi];
  for (auto [pool, z] : stays) {
    auto it = done_in_pool.find(pool);
    if (it == done_in_pool.end()) {
      b.f.model.vars[z].upper = 0;  // no gang of this pool before the deadline
      continue;
    }
    const Terms& done = it->second;
    Terms row = done;
    row.emplace_back(z, -1.0);
    b.add_row(row_ge(fmt::format("complete_in[{},{}]", w.name, pool), std::move(row), 0.0),
              {.group = Group::other, .workload = wi});
    if (!b.opt.rounding_cuts) continue;
    for (const auto& [key, d] : rounding_units(b, wi, done)) {
      auto [t, rhs] = rounded(done, d);
      if (t.empty()) continue;
      t.emplace_back(z, -rhs);
      b.add_row(row_ge(fmt::format("complete_rounded_in[{},{},{}]", w.name, pool, key), std::move(t), 0.0),
                {.group = Group::other, .workload = wi});
    }
  }
}

}  // namespace

void add_training_gangs(Builder& b, int wi, std::vector<Formulation::Usage>& usage) {
  const Portfolio& p = b.p;
  const Workload& w = p.workloads[wi];
  const WorkloadRates& wr = b.rates.workloads[wi];
  const bool late_ok = p.policy.objective == Objective::lateness || b.relaxed(Group::deadlines);
  const int last = late_ok ? b.H - 1 : w.deadline;
  const double tokens = w.train.job.tokens;
  Terms done, total;
  std::vector<Terms> in_month(b.H);                    // every gang of the run per month
  std::map<std::pair<int, int>, Terms> in_pool_month;  // (pool, month) -> gang binaries
  std::map<int, Terms> done_in_pool;                   // pool -> (gang, progress) by the deadline
  double fastest = 0;                                  // tokens/s of the run's fastest column
  for (const std::string& a : w.accelerators) {
    const AcceleratorRate* ar = wr.find(a);
    if (!ar || !ar->usable) continue;
    for (int pool : b.pools_of(w, a)) {
      const double avail = spot_factor(b, pool);
      const double reclaims = pool_reclaims(b, pool);
      for (const ScalePoint& pt : ar->points) {
        if (!whole_in_pool(b, pool, pt.chips)) continue;
        // Progress at the engine's throughput for the share of the month the gang trains between interruptions.
        const double good = gang_goodput(p, w, a, reclaims, pt.chips);
        const double engine_tps = pt.chips * pt.tokens_per_s_per_chip * avail;
        const double tps = engine_tps * good;
        // The concave curve at this count, for the robustness scenarios (what the checker counts there).
        const double curve = ar->tokens_per_s(pt.chips) * avail;
        fastest = std::max(fastest, tps);
        for (int m = w.earliest; m <= last; ++m) {
          // A gang larger than the pool can hold that month is never feasible.
          if (pt.chips > pool_capacity(b, pool, m) + 1e-9) continue;
          const double progress = tps * p.horizon.hours(m) * 3600.0 / tokens;
          double obj = 0;
          if (late_ok) obj = -b.f.lateness_weight * progress * (b.H - std::max(w.deadline, m));
          const int v = b.add_var({.name = fmt::format("gang[{},{},{},{}]", w.name, pool, m, pt.chips),
                                   .upper = 1,
                                   .objective = obj,
                                   .integer = true});
          usage.push_back({wi, pool, m, {{v, static_cast<double>(pt.chips)}}});
          b.f.gangs.push_back({wi, pool, m, v, pt.chips, engine_tps, pt.layout, good});
          (m <= w.deadline ? done : total).emplace_back(v, progress);
          if (m <= w.deadline) done_in_pool[pool].emplace_back(v, progress);
          in_month[m].emplace_back(v, 1.0);
          in_pool_month[{pool, m}].emplace_back(v, 1.0);
          b.segs.push_back({wi, m, a, v, curve * p.horizon.hours(m) * 3600.0 / tokens, static_cast<double>(pt.chips)});
        }
      }
    }
  }
  // One gang per month.
  for (int m = 0; m < b.H; ++m) {
    if (in_month[m].size() > 1) {
      b.add_row(row_le(fmt::format("one_gang[{},{}]", w.name, m), in_month[m], 1.0),
                {.group = Group::other, .month = m, .workload = wi});
    }
  }
  std::vector<int> pools;
  for (const auto& [pm, t] : in_pool_month) {
    if (std::find(pools.begin(), pools.end(), pm.first) == pools.end()) pools.push_back(pm.first);
  }
  std::sort(pools.begin(), pools.end());
  if (!w.train.may_move && pools.size() > 1 && !b.relaxed(Group::single_vendor)) {
    // One pool for the whole run: stay[w,p] binary, sum = 1, each month's gangs in p <= stay[w,p].
    Terms one;
    std::vector<std::pair<int, int>> stays;  // (pool, stay binary)
    for (int pool : pools) {
      const int z = b.add_var({.name = fmt::format("stay[{},{}]", w.name, pool), .upper = 1, .integer = true});
      one.emplace_back(z, 1.0);
      stays.emplace_back(pool, z);
      for (auto& [pm, t] : in_pool_month) {
        if (pm.first != pool) continue;
        Terms row = t;
        row.emplace_back(z, -1.0);
        b.add_row(row_le(fmt::format("stay[{},{},{}]", w.name, pool, pm.second), std::move(row), 0.0),
                  {.group = Group::single_vendor, .month = pm.second, .workload = wi});
      }
    }
    b.add_row(row_le(fmt::format("one_pool[{}]", w.name), std::move(one), 1.0),
              {.group = Group::single_vendor, .workload = wi});
    if (!late_ok && b.opt.pool_completion) add_pool_completion(b, wi, stays, done_in_pool);
  } else if (pools.size() > 1) {
    const double bytes = checkpoint_bytes(w.model).si();
    const double egress = bytes * 1e-9 * p.policy.move_egress_per_gb;
    const double transfer_s = bytes * 8.0 / (p.policy.move_gbps * 1e9);
    const double lost = transfer_s * fastest / tokens;  // fraction of the run lost per move, at most
    const int first = w.earliest;
    std::map<std::pair<int, int>, int> s;  // (pool, month) -> checkpoint-here variable
    for (int m = first; m <= last; ++m) {
      Terms sum_s;
      for (int pool : pools) {
        const int v = b.add_var({.name = fmt::format("ckpt[{},{},{}]", w.name, pool, m), .upper = 1});
        s[{pool, m}] = v;
        sum_s.emplace_back(v, 1.0);
        auto it = in_pool_month.find({pool, m});
        Terms here{{v, 1.0}};
        if (it != in_pool_month.end()) {
          for (auto t : it->second) here.emplace_back(t.first, -1.0);
        }
        b.add_row(row_ge(fmt::format("ckpt_run[{},{},{}]", w.name, pool, m), std::move(here), 0.0),
                  {.group = Group::other, .month = m, .workload = wi});
        if (m > first) {
          // Carried over a month without a gang.
          Terms carry{{v, 1.0}, {s[{pool, m - 1}], -1.0}};
          for (auto t : in_month[m]) carry.emplace_back(t.first, 1.0);
          b.add_row(row_ge(fmt::format("ckpt_carry[{},{},{}]", w.name, pool, m), std::move(carry), 0.0),
                    {.group = Group::other, .month = m, .workload = wi});
        }
      }
      b.add_row(row_le(fmt::format("ckpt_one[{},{}]", w.name, m), std::move(sum_s), 1.0),
                {.group = Group::other, .month = m, .workload = wi});
      if (m == first) continue;
      for (int pool : pools) {
        auto it = in_pool_month.find({pool, m});
        if (it == in_pool_month.end()) continue;
        const int mv = b.add_var(
            {.name = fmt::format("move[{},{},{}]", w.name, pool, m), .upper = 1, .objective = egress}, egress);
        b.f.moves.push_back({wi, pool, m, mv, egress});
        // move >= gang(p,m) - s[p,m-1] - 1 + sum_q s[q,m-1]
        Terms row{{mv, 1.0}, {s[{pool, m - 1}], 1.0}};
        for (auto t : it->second) row.emplace_back(t.first, -1.0);
        for (int q : pools) row.emplace_back(s[{q, m - 1}], -1.0);
        b.add_row(row_ge(fmt::format("move[{},{},{}]", w.name, pool, m), std::move(row), -1.0),
                  {.group = Group::other, .month = m, .workload = wi});
        (m <= w.deadline ? done : total).emplace_back(mv, -lost);
      }
    }
  }
  if (!late_ok) {
    if (b.opt.rounding_cuts && !b.relaxed(Group::deadlines)) add_rounding_cuts(b, wi, done);
    b.add_row(row_ge(fmt::format("complete[{}]", w.name), std::move(done), 1.0),
              {.group = Group::deadlines, .workload = wi});
    return;
  }
  b.f.model.objective_offset += b.f.lateness_weight * (b.H - w.deadline);
  Terms all = done;
  all.insert(all.end(), total.begin(), total.end());
  const int r =
      b.add_row(row_ge(fmt::format("complete[{}]", w.name), all, 1.0), {.group = Group::deadlines, .workload = wi});
  if (b.relaxed(Group::deadlines)) b.add_slack(r, 1.0, b.ref_total, 1.0);
}

void add_service_replicas(Builder& b, int wi, std::vector<Formulation::Usage>& usage) {
  const Portfolio& p = b.p;
  const Workload& w = p.workloads[wi];
  const WorkloadRates& wr = b.rates.workloads[wi];
  for (int m = 0; m < b.H; ++m) {
    if (!(w.serve.demand_rps[m] > 0)) continue;
    Terms served;
    for (const std::string& a : w.accelerators) {
      const AcceleratorRate* ar = wr.find(a);
      if (!ar || !ar->usable || !(ar->need[m] > 0) || ar->chips_per_replica <= 0) continue;
      const int cpr = ar->chips_per_replica;
      const double replicas_needed = ar->need[m] / cpr;
      for (int pool : b.pools_of(w, a)) {
        // Chips a replica takes in whole instances: replicas share an instance
        // when they fit (floor(per / cpr) each), or span ceil(cpr / per) instances.
        const int per = pool_instance_chips(b, pool);
        const int per_instance = cpr <= per ? per / cpr : 0;  // replicas in one instance (floor)
        const double e = per_instance > 0 ? static_cast<double>(per) / per_instance
                                          : std::ceil(static_cast<double>(cpr) / per) * per;
        const int r = b.add_var({.name = fmt::format("replicas[{},{},{}]", w.name, pool, m),
                                 .upper = std::ceil(replicas_needed * 20) + 1,
                                 .integer = true});
        usage.push_back({wi, pool, m, {{r, e}}});
        b.f.replicas.push_back({wi, pool, m, r, cpr, ar->serving_layout});
        served.emplace_back(r, 1.0 / replicas_needed);
      }
    }
    const int row = b.add_row(row_ge(fmt::format("demand[{},{}]", w.name, m), std::move(served), 1.0),
                              {.group = Group::demand, .month = m, .workload = wi});
    if (b.relaxed(Group::demand)) b.add_slack(row, 1.0, b.ref_total, 1.0);
  }
}

}  // namespace xpu::detail
