#include "planner/formulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "base/check.h"
#include "planner/formulation_build.h"

namespace xpu {

std::string_view to_string(Group g) {
  static constexpr std::string_view kNames[kGroupCount] = {
      "balance", "capacity",  "power",  "vendor-share",  "provider-share", "min-vendors",
      "budget",  "deadlines", "demand", "single-vendor", "robustness",     "other"};
  return kNames[static_cast<int>(g)];
}

const std::vector<Group>& relaxable_groups() {
  static const std::vector<Group> groups{
      Group::capacity, Group::power,     Group::vendor_share, Group::provider_share, Group::min_vendors,
      Group::budget,   Group::deadlines, Group::demand,       Group::single_vendor,  Group::robustness};
  return groups;
}

namespace detail {

bool Builder::relaxed(Group g) const { return std::find(opt.relax.begin(), opt.relax.end(), g) != opt.relax.end(); }

int Builder::add_var(Variable v, double dollars) {
  if (v.integer) ++f.integers;
  cost.push_back(dollars);
  return f.model.add_var(std::move(v));
}

int Builder::add_row(Constraint c, RowInfo info) {
  f.rows.push_back(std::move(info));
  return f.model.add_row(std::move(c));
}

void Builder::add_slack(int row, double sign, double penalty, double upper) {
  const int s = add_var({.name = "slack_" + f.model.rows[row].name, .upper = upper, .objective = penalty});
  f.model.rows[row].terms.emplace_back(s, sign);
  f.slack.push_back(s);
}

std::vector<int> Builder::pools_of(const Workload& w, const std::string& accelerator) const {
  std::vector<int> out;
  for (size_t i = 0; i < f.pools.size(); ++i) {
    const PoolInfo& pi = f.pools[i];
    if (pi.accelerator == accelerator && (w.kind == Mode::train || !pi.spot)) out.push_back(int(i));
  }
  return out;
}

double eff_capacity(const PlanOffer& o, int m) {
  return o.capacity[m] * (o.offer.term == Term::spot ? o.availability : 1.0);
}

}  // namespace detail

namespace {

using detail::Builder;
using detail::eff_capacity;
using detail::Terms;

void add_offers(Builder& b) {
  const Portfolio& p = b.p;
  const int H = b.H;
  b.prov.assign(p.offers.size() * H, {});
  b.f.rent.assign(p.offers.size() * H, -1);
  b.f.buy.assign(p.offers.size() * H, -1);
  b.pool_of_offer.assign(p.offers.size(), -1);
  for (size_t o = 0; o < p.offers.size(); ++o) {
    const PlanOffer& po = p.offers[o];
    if (!b.active[o]) continue;
    const auto key =
        std::make_tuple(po.offer.accelerator, po.offer.provider, po.offer.region, po.offer.term == Term::spot);
    auto [it, fresh] = b.pool_of_key.try_emplace(key, 0);
    (void)fresh;
    b.pool_of_offer[o] = -2;  // resolved below once pools are numbered
  }
  int next = 0;
  for (auto& [key, index] : b.pool_of_key) {
    index = next++;
    b.f.pools.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key), Vendor::nvidia, {}});
  }
  const bool cap_relaxed = b.relaxed(Group::capacity);
  for (size_t o = 0; o < p.offers.size(); ++o) {
    if (!b.active[o]) continue;
    const PlanOffer& po = p.offers[o];
    const int pool = b.pool_of_key.at(
        std::make_tuple(po.offer.accelerator, po.offer.provider, po.offer.region, po.offer.term == Term::spot));
    b.pool_of_offer[o] = pool;
    b.f.pools[pool].vendor = po.vendor;
    b.f.pools[pool].offers.push_back(int(o));
    const int T = po.term_months();
    for (int m = 0; m < H; ++m) {
      const double cap = eff_capacity(po, m);
      if (cap <= 0 && !cap_relaxed) continue;
      if (T == 0 && !b.f.fluid) {
        // Whole instances for the whole month; spot delivers its availability.
        const double dollars = per_hour(po.offer.price) * p.horizon.hours(m);
        const double upper = cap_relaxed ? kInfinity : std::floor(cap / po.offer.chips + 1e-9);
        if (upper <= 0) continue;
        const int v = b.add_var(
            {.name = fmt::format("rent[{},{}]", po.key, m), .upper = upper, .objective = dollars, .integer = true},
            dollars);
        b.f.rent[o * H + m] = v;
        b.prov[o * H + m].emplace_back(v, po.offer.chips);
      } else if (T == 0) {
        const double dollars = per_hour(po.price_per_chip()) * p.horizon.hours(m);
        const int v = b.add_var({.name = fmt::format("rent[{},{}]", po.key, m), .objective = dollars}, dollars);
        b.f.rent[o * H + m] = v;
        b.prov[o * H + m].emplace_back(v, 1.0);
      } else {
        double hours = 0;
        for (int k = 0; k < T; ++k) hours += p.horizon.hours(m + k);
        const double dollars = per_hour(po.offer.price) * hours;
        const double upper = cap_relaxed ? kInfinity : std::floor(cap / po.offer.chips + 1e-9);
        if (upper <= 0) continue;
        const int v = b.add_var(
            {.name = fmt::format("buy[{},{}]", po.key, m), .upper = upper, .objective = dollars, .integer = true},
            dollars);
        b.f.buy[o * H + m] = v;
        for (int k = 0; k < T && m + k < H; ++k) b.prov[o * H + m + k].emplace_back(v, po.offer.chips);
      }
    }
  }
  // Capacity rows.
  for (size_t o = 0; o < p.offers.size(); ++o) {
    for (int m = 0; m < H; ++m) {
      const Terms& t = b.prov[o * H + m];
      if (t.empty()) continue;
      const int r =
          b.add_row(row_le(fmt::format("capacity[{},{}]", p.offers[o].key, m), t, eff_capacity(p.offers[o], m)),
                    {.group = Group::capacity, .offer = int(o), .month = m});
      if (cap_relaxed) b.add_slack(r, -1.0, 10 * b.ref_chip_month);
    }
  }
  // Power rows (MW of facility power).
  for (size_t s = 0; s < p.sites.size(); ++s) {
    const Site& site = p.sites[s];
    for (int m = 0; m < H; ++m) {
      Terms t;
      for (size_t o = 0; o < p.offers.size(); ++o) {
        if (p.offers[o].site != site.name) continue;
        const double mw = p.offers[o].it_watts.si() * site.pue * 1e-6;
        for (auto [v, c] : b.prov[o * H + m]) t.emplace_back(v, c * mw);
      }
      if (t.empty()) continue;
      const int r = b.add_row(row_le(fmt::format("power[{},{}]", site.name, m), std::move(t), site.budget.si() * 1e-6),
                              {.group = Group::power, .site = int(s), .month = m});
      if (b.relaxed(Group::power)) b.add_slack(r, -1.0, 10 * b.ref_chip_month * 1e3);
    }
  }
}

// The run's throughput curve on one accelerator at its expected goodput: each
// scale point's throughput times gang_goodput at that count, in the pool of
// the accelerator where gangs are interrupted least (the fewest spot
// reclaims), so that the fluid model stays at or above every gang column of
// the executable model (formulation_exec.cpp) and the price of executability
// does not include the price of reliability. At 100% (interruptions off) the
// engine's curve.
std::vector<RatePiece> fluid_pieces(const Builder& b, const Workload& w, const AcceleratorRate& ar,
                                    const std::vector<int>& pools) {
  if (!b.p.interruptions.on) return ar.pieces;
  double reclaims = kInfinity;
  for (int pool : pools) reclaims = std::min(reclaims, pool_reclaims(b, pool));
  std::vector<ScalePoint> points = ar.points;
  bool derated = false;
  for (ScalePoint& pt : points) {
    const double good = gang_goodput(b.p, w, ar.accelerator, reclaims, pt.chips);
    derated = derated || good < 1.0;
    pt.tokens_per_s_per_chip *= good;
  }
  // No interruption rates (goodput 1 everywhere): the engine's pieces as they are.
  return derated ? pieces_from_points(points) : ar.pieces;
}

// Training: throughput pieces per (accelerator, month); pool usage; completion.
void add_training(Builder& b, int wi, std::vector<Formulation::Usage>& usage) {
  const Portfolio& p = b.p;
  const Workload& w = p.workloads[wi];
  const WorkloadRates& wr = b.rates.workloads[wi];
  const bool late_ok = p.policy.objective == Objective::lateness || b.relaxed(Group::deadlines);
  const int last = late_ok ? b.H - 1 : w.deadline;
  const double tokens = w.train.job.tokens;
  Terms done;   // progress through the deadline
  Terms total;  // progress over every month (lateness mode)
  double offset_months = 0;
  for (const std::string& a : w.accelerators) {
    const AcceleratorRate* ar = wr.find(a);
    const std::vector<int> pools = b.pools_of(w, a);
    if (!ar || !ar->usable || pools.empty()) continue;
    const std::vector<RatePiece> pieces = fluid_pieces(b, w, *ar, pools);
    for (int m = w.earliest; m <= last; ++m) {
      Terms seg_terms;
      const double per_chip_s = p.horizon.hours(m) * 3600.0 / tokens;
      for (size_t k = 0; k < pieces.size(); ++k) {
        const RatePiece& piece = pieces[k];
        const double progress = piece.rate * per_chip_s;
        double obj = 0;
        if (late_ok) obj = -b.f.lateness_weight * progress * (b.H - std::max(w.deadline, m));
        const int v = b.add_var(
            {.name = fmt::format("seg[{},{},{},{}]", w.name, a, m, k), .upper = piece.width, .objective = obj});
        seg_terms.emplace_back(v, 1.0);
        if (m <= w.deadline || late_ok) (m <= w.deadline ? done : total).emplace_back(v, progress);
        b.segs.push_back({wi, m, a, v, progress});
      }
      if (pools.size() == 1) {
        usage.push_back({wi, pools[0], m, seg_terms});
        continue;
      }
      Terms link = seg_terms;
      for (auto& t : link) t.second = -1.0;
      for (int pool : pools) {
        const int u = b.add_var({.name = fmt::format("use[{},{},{}]", w.name, pool, m)});
        usage.push_back({wi, pool, m, {{u, 1.0}}});
        link.emplace_back(u, 1.0);
      }
      b.add_row(row_eq(fmt::format("pieces[{},{},{}]", w.name, a, m), std::move(link), 0.0),
                {.group = Group::other, .month = m, .workload = wi});
    }
  }
  if (late_ok) offset_months = b.H - w.deadline;
  b.f.model.objective_offset += b.f.lateness_weight * offset_months;
  if (!late_ok) {
    const int r =
        b.add_row(row_ge(fmt::format("complete[{}]", w.name), done, 1.0), {.group = Group::deadlines, .workload = wi});
    (void)r;
    return;
  }
  // Late allowed: done by the horizon's end (elastic when deadlines are relaxed), never past 100%.
  Terms all = done;
  all.insert(all.end(), total.begin(), total.end());
  const int r =
      b.add_row(row_ge(fmt::format("complete[{}]", w.name), all, 1.0), {.group = Group::deadlines, .workload = wi});
  if (b.relaxed(Group::deadlines)) b.add_slack(r, 1.0, b.ref_total, 1.0);
  b.add_row(row_le(fmt::format("at_most_once[{}]", w.name), std::move(all), 1.0),
            {.group = Group::other, .workload = wi});
}

void add_service(Builder& b, int wi, std::vector<Formulation::Usage>& usage) {
  const Portfolio& p = b.p;
  const Workload& w = p.workloads[wi];
  const WorkloadRates& wr = b.rates.workloads[wi];
  for (int m = 0; m < b.H; ++m) {
    if (!(w.serve.demand_rps[m] > 0)) continue;
    Terms served;
    for (const std::string& a : w.accelerators) {
      const AcceleratorRate* ar = wr.find(a);
      if (!ar || !ar->usable || !(ar->need[m] > 0)) continue;
      for (int pool : b.pools_of(w, a)) {
        const int c = b.add_var({.name = fmt::format("serve[{},{},{}]", w.name, pool, m)});
        usage.push_back({wi, pool, m, {{c, 1.0}}});
        served.emplace_back(c, 1.0 / ar->need[m]);
      }
    }
    const int r = b.add_row(row_ge(fmt::format("demand[{},{}]", w.name, m), std::move(served), 1.0),
                            {.group = Group::demand, .month = m, .workload = wi});
    if (b.relaxed(Group::demand)) b.add_slack(r, 1.0, b.ref_total, 1.0);
  }
}

// Usage of (workload, pool, month) grouped for the pool, share and porting rows.
void add_policy_rows(Builder& b) {
  const Portfolio& p = b.p;
  const Policy& pol = p.policy;
  const int H = b.H;
  const auto& usage = b.f.usage;
  // Chips used per pool and month, as one variable each (used[p,m] = sum of the
  // workloads' usage): the share, min-vendor and robustness rows then carry one
  // term per pool instead of one per workload, which keeps them sparse.
  std::vector<Terms> pool_month(b.f.pools.size() * H);
  for (const auto& u : usage) {
    for (auto t : u.terms) pool_month[u.pool * H + u.month].push_back(t);
  }
  b.used.assign(b.f.pools.size() * H, -1);
  for (size_t pool = 0; pool < b.f.pools.size(); ++pool) {
    for (int m = 0; m < H; ++m) {
      Terms& t = pool_month[pool * H + m];
      if (t.empty()) continue;
      const int used = b.add_var({.name = fmt::format("used[{},{}]", pool, m)});
      b.used[pool * H + m] = used;
      t.emplace_back(used, -1.0);
      b.add_row(row_eq(fmt::format("used[{},{}]", pool, m), std::move(t), 0.0), {.group = Group::other, .month = m});
      t = {{used, 1.0}};
      Terms balance = t;
      for (int o : b.f.pools[pool].offers) {
        for (auto [v, c] : b.prov[o * H + m]) balance.emplace_back(v, -c);
      }
      b.add_row(row_le(fmt::format("balance[{},{}]", pool, m), std::move(balance), 0.0),
                {.group = Group::balance, .month = m});
    }
  }
  // Shares of used compute (PFLOP/s of bf16 peak).
  auto peak_pf = [&](int pool) {
    const int o = b.f.pools[pool].offers.front();
    return p.offers[o].peak_bf16.si() * 1e-15;
  };
  double min_peak = kInfinity;
  for (const PlanOffer& o : p.offers) min_peak = std::min(min_peak, o.peak_bf16.si() * 1e-15);
  const double share_penalty = 10 * b.ref_chip_month / std::max(min_peak, 1e-3);
  auto share_rows = [&](Group g, double cap, auto key_of, const std::vector<std::string>& keys) {
    if (cap >= 1.0) return;
    for (const std::string& k : keys) {
      for (int m = 0; m < H; ++m) {
        Terms t;
        bool mine = false;
        for (size_t pool = 0; pool < b.f.pools.size(); ++pool) {
          const bool in = key_of(b.f.pools[pool]) == k;
          mine |= in && !pool_month[pool * H + m].empty();
          for (auto [v, c] : pool_month[pool * H + m])
            t.emplace_back(v, c * peak_pf(int(pool)) * ((in ? 1.0 : 0.0) - cap));
        }
        if (!mine) continue;
        RowInfo info{.group = g, .month = m};
        if (g == Group::vendor_share) {
          info.vendor = static_cast<int>(*parse_vendor(k));
        } else {
          info.provider = k;
        }
        const int r = b.add_row(row_le(fmt::format("{}[{},{}]", to_string(g), k, m), std::move(t), 0.0), info);
        if (b.relaxed(g)) b.add_slack(r, -1.0, share_penalty);
      }
    }
  };
  std::vector<std::string> vendor_keys;
  for (Vendor v : p.vendors()) vendor_keys.emplace_back(to_string(v));
  share_rows(
      Group::vendor_share, pol.max_vendor_share, [](const PoolInfo& pi) { return std::string(to_string(pi.vendor)); },
      vendor_keys);
  share_rows(
      Group::provider_share, pol.max_provider_share, [](const PoolInfo& pi) { return pi.provider; }, p.providers());
  // At least min_vendors vendors, each with min_vendor_share of the month's used compute.
  if (pol.min_vendors > 1) {
    for (int m = 0; m < H; ++m) {
      double big = 0;
      for (size_t pool = 0; pool < b.f.pools.size(); ++pool) {
        if (pool_month[pool * H + m].empty()) continue;
        for (int o : b.f.pools[pool].offers) big += eff_capacity(p.offers[o], m) * peak_pf(int(pool));
      }
      if (big <= 0) continue;
      big *= pol.min_vendor_share;
      Terms count;
      for (Vendor v : p.vendors()) {
        const int z =
            b.add_var({.name = fmt::format("vendor_used[{},{}]", to_string(v), m), .upper = 1, .integer = true});
        count.emplace_back(z, 1.0);
        Terms t;
        for (size_t pool = 0; pool < b.f.pools.size(); ++pool) {
          const double in = b.f.pools[pool].vendor == v ? 1.0 : 0.0;
          for (auto [var, c] : pool_month[pool * H + m])
            t.emplace_back(var, c * peak_pf(int(pool)) * (in - pol.min_vendor_share));
        }
        t.emplace_back(z, -big);
        b.add_row(row_ge(fmt::format("vendor_min[{},{}]", to_string(v), m), std::move(t), -big),
                  {.group = Group::min_vendors, .month = m, .vendor = static_cast<int>(v)});
      }
      const int r = b.add_row(row_ge(fmt::format("min_vendors[{}]", m), std::move(count), pol.min_vendors),
                              {.group = Group::min_vendors, .month = m});
      if (b.relaxed(Group::min_vendors)) b.add_slack(r, 1.0, b.ref_total);
    }
  }
}

// Runs that stay with one vendor, and porting charged once per (workload, runtime) used.
void add_binaries(Builder& b) {
  const Portfolio& p = b.p;
  for (size_t wi = 0; wi < p.workloads.size(); ++wi) {
    const Workload& w = p.workloads[wi];
    std::map<Vendor, Terms> by_vendor;
    std::map<Runtime, Terms> by_runtime;
    double bound = 0;
    for (const auto& u : b.f.usage) {
      if (u.workload != int(wi)) continue;
      const PoolInfo& pi = b.f.pools[u.pool];
      const PlanOffer& o = p.offers[pi.offers.front()];
      for (auto t : u.terms) {
        by_vendor[pi.vendor].push_back(t);
        by_runtime[o.runtime].push_back(t);
      }
    }
    // A bound on the chips a workload can use over the horizon, for the big-M
    // rows: a run's pieces end at its largest scale; a service needs at most its
    // need, or need / (1 - loss) when it holds reserve for a vendor's loss, and
    // never more than every offer's capacity.
    const WorkloadRates& wr = b.rates.workloads[wi];
    const Robustness* rob = p.policy.robustness ? &*p.policy.robustness : nullptr;
    const double reserve = rob && rob->loss < 0.95 ? 1.05 / (1 - rob->loss) : (rob ? kInfinity : 1.0);
    for (int m = 0; m < b.H; ++m) {
      double most = 0, all = 0;
      for (const AcceleratorRate& ar : wr.by_accelerator) {
        most = std::max(most, ar.max_chips());
        if (static_cast<size_t>(m) < ar.need.size()) most = std::max(most, std::max(2.0, reserve) * ar.need[m]);
      }
      for (size_t o = 0; o < p.offers.size(); ++o) all += eff_capacity(p.offers[o], m);
      bound += std::min(most, all);
    }
    if (b.f.fluid && w.kind == Mode::train && !w.train.may_move && by_vendor.size() > 1 &&
        !b.relaxed(Group::single_vendor)) {
      Terms one;
      for (auto& [v, terms] : by_vendor) {
        const int z =
            b.add_var({.name = fmt::format("runs_on[{},{}]", w.name, to_string(v)), .upper = 1, .integer = true});
        one.emplace_back(z, 1.0);
        terms.emplace_back(z, -bound);
        b.add_row(row_le(fmt::format("stay[{},{}]", w.name, to_string(v)), terms, 0.0),
                  {.group = Group::single_vendor, .workload = int(wi), .vendor = static_cast<int>(v)});
      }
      b.add_row(row_eq(fmt::format("one_vendor[{}]", w.name), std::move(one), 1.0),
                {.group = Group::single_vendor, .workload = int(wi)});
    }
    for (const PortingCost& pc : w.porting) {
      auto it = by_runtime.find(pc.runtime);
      if (it == by_runtime.end() || !(pc.cost.si() > 0)) continue;
      const int y = b.add_var({.name = fmt::format("port[{},{}]", w.name, to_string(pc.runtime)),
                               .upper = 1,
                               .objective = pc.cost.si(),
                               .integer = true},
                              pc.cost.si());
      b.f.porting.push_back({int(wi), pc.runtime, y});
      Terms t = it->second;
      t.emplace_back(y, -bound);
      b.add_row(row_le(fmt::format("porting[{},{}]", w.name, to_string(pc.runtime)), std::move(t), 0.0),
                {.group = Group::other, .workload = int(wi)});
    }
  }
}

void add_budget(Builder& b) {
  if (!b.p.policy.budget) return;
  Terms t;
  for (size_t v = 0; v < b.cost.size(); ++v) {
    if (b.cost[v] != 0) t.emplace_back(int(v), b.cost[v]);
  }
  const int r = b.add_row(row_le("budget", std::move(t), b.p.policy.budget->si()), {.group = Group::budget});
  if (b.relaxed(Group::budget)) b.add_slack(r, -1.0, 10.0);
}

}  // namespace

Formulation formulate(const Portfolio& p, const RateTable& rates, const FormulationOptions& options) {
  XPU_CHECK(rates.workloads.size() == p.workloads.size());
  Builder b{p, rates, options, {}, p.horizon.months, {}, {}, {}, {}, {}, {}, {}, 1, 1};
  b.active.assign(p.offers.size(), true);
  b.ref_total = 0;
  for (size_t o = 0; o < p.offers.size(); ++o) {
    const PlanOffer& po = p.offers[o];
    if (!options.only_vendors.empty()) {
      b.active[o] =
          std::find(options.only_vendors.begin(), options.only_vendors.end(), po.vendor) != options.only_vendors.end();
    }
    const double chip_month = per_hour(po.price_per_chip()) * 744.0;
    b.ref_chip_month = std::max(b.ref_chip_month, chip_month);
    for (int m = 0; m < b.H; ++m) b.ref_total += chip_month * eff_capacity(po, m);
  }
  b.ref_total = std::max(b.ref_total, 1e6);
  if (p.policy.objective == Objective::lateness) {
    // A month of lateness outweighs any spend within the budget ten times over.
    b.f.lateness_weight = 10 * (p.policy.budget ? p.policy.budget->si() : b.ref_total);
  } else if (b.relaxed(Group::deadlines)) {
    b.f.lateness_weight = b.ref_total / 10;
  }
  b.f.penalty_weight = b.ref_total;
  b.f.fluid = options.fluid;
  add_offers(b);
  std::vector<Formulation::Usage> usage;
  for (size_t wi = 0; wi < p.workloads.size(); ++wi) {
    if (!b.f.fluid) {
      if (p.workloads[wi].kind == Mode::train) {
        detail::add_training_gangs(b, int(wi), usage);
      } else {
        detail::add_service_replicas(b, int(wi), usage);
      }
    } else if (p.workloads[wi].kind == Mode::train) {
      add_training(b, int(wi), usage);
    } else {
      add_service(b, int(wi), usage);
    }
  }
  b.f.usage = std::move(usage);
  add_policy_rows(b);
  add_binaries(b);
  add_budget(b);
  if (options.robustness && p.policy.robustness) detail::add_robustness(b);
  return std::move(b.f);
}

double plan_cost_of(const Formulation& f, const Portfolio& p, const std::vector<double>& values) {
  double total = 0;
  for (size_t o = 0; o < p.offers.size(); ++o) {
    for (int m = 0; m < p.horizon.months; ++m) {
      for (int v : {f.rent[o * p.horizon.months + m], f.buy[o * p.horizon.months + m]}) {
        if (v >= 0) total += f.model.vars[v].objective * values[v];
      }
    }
  }
  for (const auto& pv : f.porting) total += f.model.vars[pv.var].objective * values[pv.var];
  for (const auto& mv : f.moves) total += mv.egress * values[mv.var];
  return total;
}

}  // namespace xpu
