// The checker recomputes every quantity it verifies from the plan's
// decisions and the input: it shares no code with the formulation or the
// decoder (only the input types and the rate curves, which are the input's
// meaning of "throughput at N chips").
#include "planner/check.h"
#include "workload/checkpoint.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace xpu {
namespace {

struct Checker {
  const Portfolio& p;
  const RateTable& rates;
  const Plan& plan;
  const CheckOptions& opt;
  CheckReport out;
  std::map<std::string, size_t> per_rule;
  int H = 0;

  std::string month(int m) const { return p.horizon.label(m); }
  std::string offer(int o) const { return p.offers[o].key; }
  bool over(double value, double bound) const {
    return value > bound + opt.tolerance * std::max(1.0, std::abs(bound)) + 1e-5;
  }
  void add(const std::string& rule, std::string message, double amount) {
    if (per_rule[rule]++ >= opt.max_violations) {
      ++out.more;
      return;
    }
    out.violations.push_back({rule, std::move(message), amount});
  }
  double eff_capacity(int o, int m) const {
    const PlanOffer& po = p.offers[o];
    return po.capacity[m] * (po.offer.term == Term::spot ? po.availability : 1.0);
  }
  bool allows(const Workload& w, const std::string& a) const {
    return std::find(w.accelerators.begin(), w.accelerators.end(), a) != w.accelerators.end();
  }
  const AcceleratorRate* rate(int w, const std::string& a) const { return rates.workloads[w].find(a); }
};

void check_decisions(Checker& c, std::vector<double>& provisioned, std::vector<double>& used) {
  const Portfolio& p = c.p;
  const int H = c.H;
  const int O = static_cast<int>(p.offers.size());
  const int W = static_cast<int>(p.workloads.size());
  for (const Rental& r : c.plan.rentals) {
    if (r.offer.value() < 0 || r.offer.value() >= O || r.month < 0 || r.month >= H || !(r.chips >= 0)) {
      c.add("offer",
            fmt::format("rental of {} chips names offer {} month {}, out of range", r.chips, r.offer.value(), r.month),
            r.chips);
      continue;
    }
    if (p.offers[r.offer.value()].is_commitment()) {
      c.add("offer",
            fmt::format("offer '{}' is a commitment; it is bought in whole instances, not rented",
                        c.offer(r.offer.value())),
            r.chips);
    }
    provisioned[r.offer.value() * H + r.month] += r.chips;
  }
  for (const Purchase& b : c.plan.purchases) {
    if (b.offer.value() < 0 || b.offer.value() >= O || b.month < 0 || b.month >= H || b.instances < 0) {
      c.add("whole-instances",
            fmt::format("purchase of {} instances names offer {} month {}, out of range", b.instances, b.offer.value(),
                        b.month),
            static_cast<double>(b.instances));
      continue;
    }
    const PlanOffer& po = p.offers[b.offer.value()];
    if (!po.is_commitment()) {
      c.add("offer", fmt::format("offer '{}' is pay-as-you-go; it is rented, not bought", c.offer(b.offer.value())),
            static_cast<double>(b.instances));
      continue;
    }
    for (int k = 0; k < po.term_months() && b.month + k < H; ++k) {
      provisioned[b.offer.value() * H + b.month + k] += static_cast<double>(b.instances) * po.offer.chips;
    }
  }
  for (const Assignment& a : c.plan.assignments) {
    if (a.offer.value() < 0 || a.offer.value() >= O || a.month < 0 || a.month >= H || a.workload.value() < 0 ||
        a.workload.value() >= W || !(a.chips >= 0)) {
      c.add("offer",
            fmt::format("assignment of {} chips is out of range (workload {}, offer {}, month {})", a.chips,
                        a.workload.value(), a.offer.value(), a.month),
            a.chips);
      continue;
    }
    const Workload& w = p.workloads[a.workload.value()];
    const PlanOffer& po = p.offers[a.offer.value()];
    const AcceleratorRate* ar = c.rate(a.workload.value(), po.offer.accelerator);
    if (!c.allows(w, po.offer.accelerator) || !ar || !ar->usable) {
      c.add("allowed",
            fmt::format("workload '{}' may not run on {} (offer '{}', {})", w.name, po.offer.accelerator, po.key,
                        c.month(a.month)),
            a.chips);
    } else if (w.kind == Mode::infer && po.offer.term == Term::spot) {
      c.add("allowed",
            fmt::format("service '{}' is on spot offer '{}' in {}; services need capacity that is not "
                        "preempted",
                        w.name, po.key, c.month(a.month)),
            a.chips);
    }
    used[a.offer.value() * H + a.month] += a.chips;
  }
  for (int o = 0; o < O; ++o) {
    for (int m = 0; m < H; ++m) {
      const double prov = provisioned[o * H + m];
      if (c.over(prov, c.eff_capacity(o, m))) {
        c.add("capacity",
              fmt::format("offer '{}' in {}: {:.6g} chips provisioned, capacity {:.6g}", c.offer(o), c.month(m), prov,
                          c.eff_capacity(o, m)),
              prov - c.eff_capacity(o, m));
      }
      if (c.over(used[o * H + m], prov)) {
        c.add("provisioned",
              fmt::format("offer '{}' in {}: workloads use {:.6g} chips, {:.6g} provisioned", c.offer(o), c.month(m),
                          used[o * H + m], prov),
              used[o * H + m] - prov);
      }
    }
  }
}

void check_sites_and_shares(Checker& c, const std::vector<double>& provisioned) {
  const Portfolio& p = c.p;
  const int H = c.H;
  for (const Site& s : p.sites) {
    for (int m = 0; m < H; ++m) {
      double mw = 0;
      for (size_t o = 0; o < p.offers.size(); ++o) {
        if (p.offers[o].site == s.name) mw += provisioned[o * H + m] * p.offers[o].it_watts.si() * s.pue * 1e-6;
      }
      if (c.over(mw, s.budget.si() * 1e-6)) {
        c.add("power",
              fmt::format("site '{}' in {}: {:.4f} MW, budget {:.4f} MW", s.name, c.month(m), mw, s.budget.si() * 1e-6),
              mw - s.budget.si() * 1e-6);
      }
    }
  }
  // Used compute per month by vendor and provider.
  const Policy& pol = p.policy;
  for (int m = 0; m < H; ++m) {
    std::map<std::string, double> vendor, provider;
    double total = 0;
    for (const Assignment& a : c.plan.assignments) {
      if (a.month != m || a.offer.value() < 0 || a.offer.value() >= static_cast<int>(p.offers.size())) continue;
      const PlanOffer& po = p.offers[a.offer.value()];
      const double pf = a.chips * po.peak_bf16.si() * 1e-15;
      vendor[std::string(to_string(po.vendor))] += pf;
      provider[po.offer.provider] += pf;
      total += pf;
    }
    if (total <= 1e-12) continue;
    for (const auto& [v, pf] : vendor) {
      if (c.over(pf / total, pol.max_vendor_share)) {
        c.add("vendor-share",
              fmt::format("vendor {} in {}: {:.2f}% of used compute, cap {:.2f}%", v, c.month(m), 100 * pf / total,
                          100 * pol.max_vendor_share),
              pf / total - pol.max_vendor_share);
      }
    }
    for (const auto& [pr, pf] : provider) {
      if (c.over(pf / total, pol.max_provider_share)) {
        c.add("provider-share",
              fmt::format("provider {} in {}: {:.2f}% of used compute, cap {:.2f}%", pr, c.month(m), 100 * pf / total,
                          100 * pol.max_provider_share),
              pf / total - pol.max_provider_share);
      }
    }
    if (pol.min_vendors > 1) {
      int enough = 0;
      for (const auto& [v, pf] : vendor) enough += pf / total >= pol.min_vendor_share - c.opt.tolerance ? 1 : 0;
      if (enough < pol.min_vendors) {
        c.add("min-vendors",
              fmt::format("{}: {} vendor(s) carry at least {:.0f}% of used compute, {} required", c.month(m), enough,
                          100 * pol.min_vendor_share, pol.min_vendors),
              pol.min_vendors - enough);
      }
    }
  }
}

// Chips per (workload, accelerator, month), and progress and service from them.
void check_workloads(Checker& c, const std::map<std::pair<int, int>, double>& gang_progress,
                     const std::map<std::pair<int, int>, double>& replica_served) {
  const Portfolio& p = c.p;
  const int H = c.H;
  const bool lateness_ok = p.policy.objective == Objective::lateness;
  std::map<std::tuple<int, std::string, int>, double> chips;
  std::map<int, std::set<Vendor>> vendors_of;
  std::map<int, std::set<Runtime>> runtimes_of;
  for (const Assignment& a : c.plan.assignments) {
    if (a.offer.value() < 0 || a.offer.value() >= static_cast<int>(p.offers.size()) || a.workload.value() < 0 ||
        a.workload.value() >= static_cast<int>(p.workloads.size()) || a.chips <= 0) {
      continue;
    }
    const PlanOffer& po = p.offers[a.offer.value()];
    chips[{a.workload.value(), po.offer.accelerator, a.month}] += a.chips;
    vendors_of[a.workload.value()].insert(po.vendor);
    runtimes_of[a.workload.value()].insert(po.runtime);
  }
  c.out.progress.resize(p.workloads.size());
  for (size_t wi = 0; wi < p.workloads.size(); ++wi) {
    const Workload& w = p.workloads[wi];
    WorkloadProgress& pr = c.out.progress[wi];
    for (Runtime r : runtimes_of[int(wi)]) {
      auto pc = std::find_if(w.porting.begin(), w.porting.end(), [&](const PortingCost& x) { return x.runtime == r; });
      const bool paid = std::any_of(c.plan.porting.begin(), c.plan.porting.end(),
                                    [&](const Porting& x) { return x.workload.value() == int(wi) && x.runtime == r; });
      if (pc != w.porting.end() && pc->cost.si() > 0 && !paid) {
        c.add("porting", fmt::format("workload '{}' runs on {} without paying its porting cost", w.name, to_string(r)),
              pc->cost.si());
      }
    }
    if (w.kind == Mode::train) {
      if (!w.train.may_move && vendors_of[int(wi)].size() > 1 && c.plan.fluid) {
        c.add("single-vendor",
              fmt::format("run '{}' may not move between vendors but uses {}", w.name, vendors_of[int(wi)].size()),
              static_cast<double>(vendors_of[int(wi)].size() - 1));
      }
      double done = 0;
      pr.fraction_by_month.assign(H, 0.0);
      for (int m = 0; m < H; ++m) {
        for (const std::string& a : w.accelerators) {
          auto it = chips.find({int(wi), a, m});
          if (it == chips.end()) continue;
          const AcceleratorRate* ar = c.rate(int(wi), a);
          if (!ar || !ar->usable) continue;
          if (m < w.earliest || (m > w.deadline && !lateness_ok)) {
            c.add("window",
                  fmt::format("run '{}' has {:.6g} chips in {}, outside its window {}..{}", w.name, it->second,
                              c.month(m), c.month(w.earliest), c.month(w.deadline)),
                  it->second);
          }
          if (c.over(it->second, ar->max_chips())) {
            c.add("max-chips",
                  fmt::format("run '{}' has {:.6g} chips of {} in {}, at most {:.6g} evaluated", w.name, it->second, a,
                              c.month(m), ar->max_chips()),
                  it->second - ar->max_chips());
          }
          if (c.plan.fluid) done += ar->tokens_per_s(it->second) * p.horizon.hours(m) * 3600.0 / w.train.job.tokens;
        }
        if (!c.plan.fluid) {
          auto g = gang_progress.find({int(wi), m});
          if (g != gang_progress.end()) done += g->second;
        }
        pr.fraction_by_month[m] = done;
        if (pr.finish_month < 0 && done >= 1 - c.opt.tolerance) pr.finish_month = m;
        if (m >= w.deadline) pr.lateness_months += std::max(0.0, 1 - done);
      }
      const double by_deadline = pr.fraction_by_month[w.deadline];
      if (by_deadline < 1 - c.opt.tolerance && !(lateness_ok && done >= 1 - c.opt.tolerance)) {
        c.add("deadline",
              fmt::format("run '{}' is {:.2f}% done at the end of {}, its deadline{}", w.name, 100 * by_deadline,
                          c.month(w.deadline),
                          pr.finish_month >= 0 ? fmt::format(" (done in {})", c.month(pr.finish_month))
                                               : std::string(" (not done within the horizon)")),
              1 - by_deadline);
      }
      continue;
    }
    pr.served.assign(H, 1.0);
    for (int m = 0; m < H; ++m) {
      const double demand = w.serve.demand_rps[m];
      if (!(demand > 0)) continue;
      double served = 0;
      for (const std::string& a : w.accelerators) {
        auto it = chips.find({int(wi), a, m});
        const AcceleratorRate* ar = c.rate(int(wi), a);
        if (!c.plan.fluid || it == chips.end() || !ar || !ar->usable || !(ar->need[m] > 0)) continue;
        served += it->second / ar->need[m];
      }
      if (!c.plan.fluid) {
        auto r = replica_served.find({int(wi), m});
        if (r != replica_served.end()) served += r->second;
      }
      pr.served[m] = served;
      if (served < 1 - c.opt.tolerance) {
        c.add("demand",
              fmt::format("service '{}' in {}: capacity for {:.2f}% of its {:.4g} requests/s", w.name, c.month(m),
                          100 * served, demand),
              1 - served);
      }
    }
  }
}

using PoolKey = std::tuple<std::string, std::string, std::string, bool>;  // accelerator, provider, region, spot
PoolKey pool_key(const PlanOffer& o) {
  return {o.offer.accelerator, o.offer.provider, o.offer.region, o.offer.term == Term::spot};
}
std::string pool_name(const PoolKey& k) {
  return fmt::format("{} at {}/{}{}", std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k) ? " (spot)" : "");
}

// The moves of each run: a gang in a pool other than the one holding the
// run's checkpoint (the pool of its last gang). Returns moves per gang index.
std::vector<bool> moves_of(const Plan& plan) {
  std::vector<bool> out(plan.gangs.size(), false);
  std::map<int, PoolKey> last;
  std::vector<size_t> order(plan.gangs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tuple(plan.gangs[a].workload, plan.gangs[a].month) <
           std::tuple(plan.gangs[b].workload, plan.gangs[b].month);
  });
  for (size_t i : order) {
    const Gang& g = plan.gangs[i];
    const PoolKey k{g.accelerator, g.provider, g.region, g.spot};
    auto it = last.find(g.workload.value());
    if (it != last.end() && it->second != k) out[i] = true;
    last[g.workload.value()] = k;
  }
  return out;
}

double move_egress(const Portfolio& p, const Workload& w) {
  return checkpoint_bytes(w.model).si() * 1e-9 * p.policy.move_egress_per_gb;
}

// Executable plans: whole instances, one gang per run and month at a count
// with a valid layout, whole replicas. Fills the progress of runs from gangs
// and the service fraction from replicas (check_workloads uses them).
void check_executable(Checker& c, std::map<std::pair<int, int>, double>& gang_progress,
                      std::map<std::pair<int, int>, double>& replica_served) {
  const Portfolio& p = c.p;
  const int O = static_cast<int>(p.offers.size());
  const int W = static_cast<int>(p.workloads.size());
  for (const Rental& r : c.plan.rentals) {
    if (r.offer.value() < 0 || r.offer.value() >= O) continue;
    const PlanOffer& po = p.offers[r.offer.value()];
    if (r.instances < 0 || std::abs(r.chips - static_cast<double>(r.instances) * po.offer.chips) > 1e-9 * r.chips) {
      c.add("whole-instances",
            fmt::format("rental of offer '{}' in {}: {:.6g} chips is not {} whole instances of {} chips", po.key,
                        c.month(r.month), r.chips, r.instances, po.offer.chips),
            r.chips);
    }
  }
  // Chips per (workload, month, pool) from the assignments.
  std::map<std::tuple<int, int, PoolKey>, double> assigned;
  std::map<std::tuple<int, int, PoolKey>, std::set<int>> offers_of;
  for (const Assignment& a : c.plan.assignments) {
    if (a.offer.value() < 0 || a.offer.value() >= O || a.workload.value() < 0 || a.workload.value() >= W) continue;
    const auto k = std::tuple(a.workload.value(), a.month, pool_key(p.offers[a.offer.value()]));
    assigned[k] += a.chips;
    offers_of[k].insert(a.offer.value());
  }
  // Gangs.
  std::map<std::pair<int, int>, const Gang*> gang_of;
  const std::vector<bool> moved = moves_of(c.plan);
  for (size_t i = 0; i < c.plan.gangs.size(); ++i) {
    const Gang& g = c.plan.gangs[i];
    if (g.workload.value() < 0 || g.workload.value() >= W || g.month < 0 || g.month >= c.H) {
      c.add("gang", fmt::format("a gang names workload {} month {}, out of range", g.workload.value(), g.month),
            static_cast<double>(g.chips));
      continue;
    }
    const Workload& w = p.workloads[g.workload.value()];
    const PoolKey k{g.accelerator, g.provider, g.region, g.spot};
    if (w.kind != Mode::train) {
      c.add("gang", fmt::format("service '{}' has a gang; services run whole replicas", w.name),
            static_cast<double>(g.chips));
      continue;
    }
    auto [it, fresh] = gang_of.try_emplace({g.workload.value(), g.month}, &g);
    if (!fresh) {
      c.add(
          "gang",
          fmt::format("run '{}' in {}: two gangs ({} and {}); a run is one gang on one cluster at a time", w.name,
                      c.month(g.month), pool_name(k),
                      pool_name({it->second->accelerator, it->second->provider, it->second->region, it->second->spot})),
          static_cast<double>(g.chips));
      continue;
    }
    const AcceleratorRate* ar = c.rate(g.workload.value(), g.accelerator);
    const ScalePoint* pt = ar && ar->usable ? ar->point_at(g.chips) : nullptr;
    if (!pt) {
      c.add("layout",
            fmt::format("run '{}' in {}: {} chips of {} is not a count where the engine found a layout", w.name,
                        c.month(g.month), g.chips, g.accelerator),
            static_cast<double>(g.chips));
      continue;
    }
    const double got = assigned[{g.workload.value(), g.month, k}];
    if (std::abs(got - static_cast<double>(g.chips)) > c.opt.tolerance * static_cast<double>(g.chips)) {
      c.add("gang",
            fmt::format("run '{}' in {}: gang of {} chips on {}, but {:.6g} chips are assigned there", w.name,
                        c.month(g.month), g.chips, pool_name(k), got),
            std::abs(got - static_cast<double>(g.chips)));
    }
    for (int o : offers_of[{g.workload.value(), g.month, k}]) {
      const int per = std::max(1, p.offers[o].offer.chips);
      if (g.chips % per != 0) {
        c.add("whole-instances",
              fmt::format("run '{}' in {}: {} chips is not whole instances of {} ({} chips each)", w.name,
                          c.month(g.month), g.chips, p.offers[o].offer.instance, per),
              static_cast<double>(g.chips % per));
      }
    }
    if (moved[i] != g.moved_in) {
      c.add("move",
            fmt::format("run '{}' in {}: the plan says it {} into {}, its gangs say otherwise", w.name,
                        c.month(g.month), g.moved_in ? "moves" : "does not move", pool_name(k)),
            1.0);
    }
    if (moved[i] && !w.train.may_move) {
      c.add("single-pool",
            fmt::format("run '{}' may not move but moves to {} in {}", w.name, pool_name(k), c.month(g.month)), 1.0);
    }
    double avail = 1.0;
    double reclaims = 0.0;
    for (int o = 0; o < O; ++o) {
      if (pool_key(p.offers[o]) != k || !g.spot) continue;
      avail = std::min(avail, p.offers[o].availability);
      reclaims = std::max(reclaims, p.offers[o].reclaims_per_hour);
    }
    // The share of the month the gang trains between interruptions, from the input (not the plan's word). A
    // plan that assumed less (made for harsher risks) is only conservative; one that assumed more is flagged.
    const double good = gang_goodput(p, w, g.accelerator, reclaims, g.chips);
    if (g.goodput - good > c.opt.tolerance * std::max(good, 1e-6)) {
      c.add("goodput",
            fmt::format("run '{}' in {}: the plan assumes goodput {:.6g} for {} chips on {}, the input gives {:.6g}",
                        w.name, c.month(g.month), g.goodput, g.chips, pool_name(k), good),
            std::abs(g.goodput - good));
    }
    double tps = pt->tokens_per_s_per_chip * static_cast<double>(pt->chips) * avail * good;
    double seconds = p.horizon.hours(g.month) * 3600.0;
    if (moved[i]) seconds -= checkpoint_bytes(w.model).si() * 8.0 / (p.policy.move_gbps * 1e9);
    gang_progress[{g.workload.value(), g.month}] += tps * std::max(0.0, seconds) / w.train.job.tokens;
  }
  // Every training run's chips in a month sit in its one gang.
  for (const auto& [k, chips] : assigned) {
    const auto& [wi, m, pool] = k;
    if (p.workloads[wi].kind != Mode::train || chips <= 0) continue;
    auto g = gang_of.find({wi, m});
    if (g == gang_of.end() ||
        PoolKey{g->second->accelerator, g->second->provider, g->second->region, g->second->spot} != pool) {
      c.add("gang",
            fmt::format("run '{}' in {}: {:.6g} chips on {} outside its gang", p.workloads[wi].name, c.month(m), chips,
                        pool_name(pool)),
            chips);
    }
  }
  // Replicas.
  for (const Replicas& r : c.plan.replicas) {
    if (r.workload.value() < 0 || r.workload.value() >= W || r.month < 0 || r.month >= c.H || r.replicas < 0) {
      c.add("replicas", fmt::format("replicas name workload {} month {}, out of range", r.workload.value(), r.month),
            static_cast<double>(r.replicas));
      continue;
    }
    const Workload& w = p.workloads[r.workload.value()];
    const AcceleratorRate* ar = c.rate(r.workload.value(), r.accelerator);
    if (w.kind == Mode::train || !ar || !ar->usable || ar->chips_per_replica != r.chips_per_replica ||
        !(static_cast<size_t>(r.month) < ar->need.size() && ar->need[r.month] > 0)) {
      c.add("replicas",
            fmt::format("'{}' in {}: replicas of {} chips on {}, the serving search sizes a replica at {}", w.name,
                        c.month(r.month), r.chips_per_replica, r.accelerator, ar ? ar->chips_per_replica : 0),
            static_cast<double>(r.replicas));
      continue;
    }
    const PoolKey k{r.accelerator, r.provider, r.region, false};
    const double got = assigned[{r.workload.value(), r.month, k}];
    const double need = static_cast<double>(r.replicas) * r.chips_per_replica;
    if (c.over(need, got)) {
      c.add("replicas",
            fmt::format("service '{}' in {}: {} replicas of {} chips on {}, {:.6g} chips assigned", w.name,
                        c.month(r.month), r.replicas, r.chips_per_replica, pool_name(k), got),
            need - got);
    }
    replica_served[{r.workload.value(), r.month}] += need / ar->need[r.month];
  }
}

// The robustness certificate: for each vendor's loss, the plan's reserves
// must fit spare capacity and bring every run and service back on track.
void check_robustness(Checker& c, const std::vector<double>& provisioned, const std::vector<double>& used) {
  const Portfolio& p = c.p;
  const Robustness& rob = *p.policy.robustness;
  const int H = c.H;
  const int F = std::max(0, rob.from);
  std::map<std::string, Vendor> vendor_of;
  for (const PlanOffer& o : p.offers) vendor_of[o.offer.accelerator] = o.vendor;
  using SparePool = std::tuple<std::string, std::string, bool>;
  auto pool_of = [](const PlanOffer& o) {
    return SparePool{o.offer.accelerator, o.offer.provider, o.offer.term == Term::spot};
  };
  // Planned chips per (workload, accelerator, month).
  std::map<std::tuple<int, std::string, int>, double> planned;
  for (const Assignment& a : c.plan.assignments) {
    if (a.offer.value() >= 0 && a.offer.value() < static_cast<int>(p.offers.size())) {
      planned[{a.workload.value(), p.offers[a.offer.value()].offer.accelerator, a.month}] += a.chips;
    }
  }
  for (Vendor v : p.vendors()) {
    const std::string vn(to_string(v));
    std::map<std::pair<SparePool, int>, double> spare_used;
    std::map<std::tuple<int, std::string, int>, double> extra;
    for (const Reserve& r : c.plan.reserves) {
      if (r.lost != v) continue;
      if (r.workload.value() < 0 || r.workload.value() >= static_cast<int>(p.workloads.size()) || r.month < F ||
          r.month >= H) {
        c.add("robustness",
              fmt::format("if {} loses capacity: a reserve is out of range (workload {}, {})", vn, r.workload.value(),
                          r.month),
              r.chips);
        continue;
      }
      const Workload& w = p.workloads[r.workload.value()];
      const AcceleratorRate* ar = c.rate(r.workload.value(), r.accelerator);
      auto vo = vendor_of.find(r.accelerator);
      if (!c.allows(w, r.accelerator) || !ar || !ar->usable || vo == vendor_of.end() || vo->second == v ||
          (r.spot && w.kind == Mode::infer)) {
        c.add("robustness",
              fmt::format("if {} loses capacity: '{}' may not re-route to {}{} in {}", vn, w.name, r.accelerator,
                          r.spot ? " spot" : "", c.month(r.month)),
              r.chips);
        continue;
      }
      spare_used[{SparePool{r.accelerator, r.provider, r.spot}, r.month}] += r.chips;
      extra[{r.workload.value(), r.accelerator, r.month}] += r.chips;
    }
    // Spare capacity per pool and month.
    std::map<std::pair<SparePool, int>, double> spare;
    for (size_t o = 0; o < p.offers.size(); ++o) {
      const PlanOffer& po = p.offers[o];
      for (int m = F; m < H; ++m) {
        const double give =
            (!po.is_commitment() && po.site.empty()) ? c.eff_capacity(int(o), m) : provisioned[o * H + m];
        spare[{pool_of(po), m}] += give - used[o * H + m];
      }
    }
    for (const auto& [key, chips] : spare_used) {
      const double room = spare[key];
      if (c.over(chips, room)) {
        c.add("robustness",
              fmt::format("if {} loses capacity: {:.6g} chips re-routed to {} at {} in {}, {:.6g} spare", vn, chips,
                          std::get<0>(key.first), std::get<1>(key.first), c.month(key.second), room),
              chips - room);
      }
    }
    for (size_t wi = 0; wi < p.workloads.size(); ++wi) {
      const Workload& w = p.workloads[wi];
      auto chips_at = [&](const std::string& a, int m) {
        auto it = planned.find({int(wi), a, m});
        double n = it == planned.end() ? 0.0 : it->second;
        if (m >= F && vendor_of[a] == v) n *= 1 - rob.loss;
        auto e = extra.find({int(wi), a, m});
        return n + (e == extra.end() ? 0.0 : e->second);
      };
      if (w.kind == Mode::train) {
        const double late = w.deadline + rob.max_delay * (w.deadline - w.earliest + 1);
        int last_full = static_cast<int>(std::floor(late + 1e-9));
        double frac = late - last_full;
        if (last_full >= H - 1) {
          last_full = H - 1;
          frac = 0;
        }
        double done = 0;
        for (int m = 0; m <= std::min(H - 1, last_full + 1); ++m) {
          const double weight = m <= last_full ? 1.0 : frac;
          for (const std::string& a : w.accelerators) {
            const AcceleratorRate* ar = c.rate(int(wi), a);
            if (!ar || !ar->usable) continue;
            const double n = chips_at(a, m);
            if (c.over(n, ar->max_chips())) {
              c.add("robustness",
                    fmt::format("if {} loses capacity: run '{}' needs {:.6g} chips of {} in {}, at most "
                                "{:.6g}",
                                vn, w.name, n, a, c.month(m), ar->max_chips()),
                    n - ar->max_chips());
            }
            done += weight * ar->tokens_per_s(n) * p.horizon.hours(m) * 3600.0 / w.train.job.tokens;
          }
        }
        if (done < 1 - c.opt.tolerance) {
          c.add("robustness",
                fmt::format("if {} loses {:.0f}% from {}: run '{}' is {:.2f}% done {:.0f}% after its "
                            "deadline",
                            vn, 100 * rob.loss, c.month(F), w.name, 100 * done, 100 * rob.max_delay),
                1 - done);
        }
        continue;
      }
      for (int m = F; m < H; ++m) {
        if (!(w.serve.demand_rps[m] > 0)) continue;
        double served = 0;
        for (const std::string& a : w.accelerators) {
          const AcceleratorRate* ar = c.rate(int(wi), a);
          if (ar && ar->usable && ar->need[m] > 0) served += chips_at(a, m) / ar->need[m];
        }
        if (served < 1 - c.opt.tolerance) {
          c.add("robustness",
                fmt::format("if {} loses {:.0f}% from {}: service '{}' has capacity for {:.2f}% of its "
                            "demand in {}",
                            vn, 100 * rob.loss, c.month(F), w.name, 100 * served, c.month(m)),
                1 - served);
        }
      }
    }
  }
}

}  // namespace

Dollars plan_cost(const Portfolio& p, const Plan& plan) {
  double total = 0;
  for (const Rental& r : plan.rentals) {
    if (r.offer.value() < 0 || r.offer.value() >= static_cast<int>(p.offers.size())) continue;
    total += r.chips * per_hour(p.offers[r.offer.value()].price_per_chip()) * p.horizon.hours(r.month);
  }
  for (const Purchase& b : plan.purchases) {
    if (b.offer.value() < 0 || b.offer.value() >= static_cast<int>(p.offers.size())) continue;
    const PlanOffer& po = p.offers[b.offer.value()];
    for (int k = 0; k < po.term_months(); ++k)
      total += static_cast<double>(b.instances) * per_hour(po.offer.price) * p.horizon.hours(b.month + k);
  }
  const std::vector<bool> moved = moves_of(plan);
  for (size_t i = 0; i < plan.gangs.size(); ++i) {
    const int wi = plan.gangs[i].workload.value();
    if (moved[i] && wi >= 0 && wi < static_cast<int>(p.workloads.size())) total += move_egress(p, p.workloads[wi]);
  }
  for (const Porting& x : plan.porting) {
    if (x.workload.value() < 0 || x.workload.value() >= static_cast<int>(p.workloads.size())) continue;
    for (const PortingCost& pc : p.workloads[x.workload.value()].porting) {
      if (pc.runtime == x.runtime) total += pc.cost.si();
    }
  }
  return Dollars(total);
}

std::string CheckReport::verdict() const {
  if (ok()) return "ok";
  std::set<std::string> rules;
  for (const Violation& v : violations) rules.insert(v.rule);
  std::string list;
  for (const auto& r : rules) list += (list.empty() ? "" : ", ") + r;
  return fmt::format("{} violation{}: {}", violations.size() + more, violations.size() + more == 1 ? "" : "s", list);
}

CheckReport check_plan(const Portfolio& p, const RateTable& rates, const Plan& plan, const CheckOptions& options) {
  Checker c{p, rates, plan, options, {}, {}, p.horizon.months};
  std::vector<double> provisioned(p.offers.size() * c.H, 0.0), used(p.offers.size() * c.H, 0.0);
  check_decisions(c, provisioned, used);
  check_sites_and_shares(c, provisioned);
  std::map<std::pair<int, int>, double> gang_progress, replica_served;
  if (!plan.fluid) check_executable(c, gang_progress, replica_served);
  check_workloads(c, gang_progress, replica_served);
  if (p.policy.robustness) check_robustness(c, provisioned, used);
  c.out.cost = plan_cost(p, plan);
  const double cost = c.out.cost.si();
  if (std::abs(plan.claimed_cost.si() - cost) > options.tolerance * std::max(1.0, cost) + 0.01) {
    c.add("cost", fmt::format("the plan claims ${:.2f}, its decisions cost ${:.2f}", plan.claimed_cost.si(), cost),
          plan.claimed_cost.si() - cost);
  }
  if (p.policy.budget && c.over(cost, p.policy.budget->si())) {
    c.add("budget", fmt::format("cost ${:.0f} is over the budget ${:.0f}", cost, p.policy.budget->si()),
          cost - p.policy.budget->si());
  }
  std::stable_sort(c.out.violations.begin(), c.out.violations.end(),
                   [](const Violation& a, const Violation& b) { return a.rule < b.rule; });
  return std::move(c.out);
}

}  // namespace xpu
