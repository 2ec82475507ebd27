// The checker recomputes every quantity it verifies from the plan's
// decisions and the input: it shares no code with the formulation or the
// decoder (only the input types and the rate curves, which are the input's
// meaning of "throughput at N chips").
#include "planner/check.h"

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
            b.instances);
      continue;
    }
    const PlanOffer& po = p.offers[b.offer.value()];
    if (!po.is_commitment()) {
      c.add("offer", fmt::format("offer '{}' is pay-as-you-go; it is rented, not bought", c.offer(b.offer.value())),
            b.instances);
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
      for (const auto& [v, pf] : vendor) enough += pf / total >= pol.min_vendor_share - 1e-6 ? 1 : 0;
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
void check_workloads(Checker& c) {
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
      if (!w.train.may_move && vendors_of[int(wi)].size() > 1) {
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
          done += ar->tokens_per_s(it->second) * p.horizon.hours(m) * 3600.0 / w.train.job.tokens;
        }
        pr.fraction_by_month[m] = done;
        if (pr.finish_month < 0 && done >= 1 - 1e-6) pr.finish_month = m;
        if (m >= w.deadline) pr.lateness_months += std::max(0.0, 1 - done);
      }
      const double by_deadline = pr.fraction_by_month[w.deadline];
      if (by_deadline < 1 - 1e-6 && !(lateness_ok && done >= 1 - 1e-6)) {
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
        if (it == chips.end() || !ar || !ar->usable || !(ar->need[m] > 0)) continue;
        served += it->second / ar->need[m];
      }
      pr.served[m] = served;
      if (served < 1 - 1e-6) {
        c.add("demand",
              fmt::format("service '{}' in {}: capacity for {:.2f}% of its {:.4g} requests/s", w.name, c.month(m),
                          100 * served, demand),
              1 - served);
      }
    }
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
  using PoolKey = std::tuple<std::string, std::string, bool>;
  auto pool_of = [](const PlanOffer& o) {
    return PoolKey{o.offer.accelerator, o.offer.provider, o.offer.term == Term::spot};
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
    std::map<std::pair<PoolKey, int>, double> spare_used;
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
      spare_used[{PoolKey{r.accelerator, r.provider, r.spot}, r.month}] += r.chips;
      extra[{r.workload.value(), r.accelerator, r.month}] += r.chips;
    }
    // Spare capacity per pool and month.
    std::map<std::pair<PoolKey, int>, double> spare;
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
        if (done < 1 - 1e-6) {
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
        if (served < 1 - 1e-6) {
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
      total += b.instances * per_hour(po.offer.price) * p.horizon.hours(b.month + k);
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
  check_workloads(c);
  if (p.policy.robustness) check_robustness(c, provisioned, used);
  c.out.cost = plan_cost(p, plan);
  const double cost = c.out.cost.si();
  if (std::abs(plan.claimed_cost.si() - cost) > 1e-6 * std::max(1.0, cost) + 0.01) {
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
