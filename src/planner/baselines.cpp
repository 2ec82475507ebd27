#include "planner/baselines.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "milp/solve.h"

namespace xpu {
namespace {

// Chips at which the rate curve gives `target` tokens/s, or NaN past its end.
double chips_for(const AcceleratorRate& r, double target) {
  double chips = 0, got = 0;
  for (const RatePiece& piece : r.pieces) {
    if (got + piece.width * piece.rate >= target) return chips + (target - got) / piece.rate;
    chips += piece.width;
    got += piece.width * piece.rate;
  }
  return kNaN;
}

struct Greedy {
  const Portfolio& p;
  const RateTable& rates;
  Plan plan;
  std::vector<double> left;  // remaining effective capacity per [offer * H + month]
  int H;

  Greedy(const Portfolio& pf, const RateTable& r) : p(pf), rates(r), H(pf.horizon.months) {
    plan.fluid = true;  // average chips: the simple rules are compared as fluid plans
    left.assign(p.offers.size() * H, 0.0);
    for (size_t o = 0; o < p.offers.size(); ++o) {
      const PlanOffer& po = p.offers[o];
      for (int m = 0; m < H; ++m)
        left[o * H + m] = po.capacity[m] * (po.offer.term == Term::spot ? po.availability : 1);
    }
  }
  const AcceleratorRate* usable(int w, const PlanOffer& o) const {
    const Workload& wl = p.workloads[w];
    if (!std::binary_search(wl.accelerators.begin(), wl.accelerators.end(), o.offer.accelerator)) return nullptr;
    const AcceleratorRate* r = rates.workloads[w].find(o.offer.accelerator);
    return r && r->usable ? r : nullptr;
  }
  double porting(int w, Runtime rt) const {
    for (const PortingCost& pc : p.workloads[w].porting) {
      if (pc.runtime == rt) return pc.cost.si();
    }
    return 0;
  }
  void use(int w, int o, int m, double chips) {
    if (!(chips > 1e-9)) return;
    chips = std::round(chips * 1e6) / 1e6;
    plan.rentals.push_back({OfferId(o), m, chips});
    plan.assignments.push_back({WorkloadId(w), OfferId(o), m, chips});
    left[o * H + m] -= chips;
    const Runtime rt = p.offers[o].runtime;
    if (porting(w, rt) > 0 && std::none_of(plan.porting.begin(), plan.porting.end(), [&](const Porting& x) {
          return x.workload == WorkloadId(w) && x.runtime == rt;
        })) {
      plan.porting.push_back({WorkloadId(w), rt});
    }
  }
  // Rentals on one offer merge per month (two workloads on one offer-month).
  Plan finish() {
    canonicalize(plan);
    std::vector<Rental> merged;
    for (const Rental& r : plan.rentals) {
      if (!merged.empty() && merged.back().offer == r.offer && merged.back().month == r.month) {
        merged.back().chips += r.chips;
      } else {
        merged.push_back(r);
      }
    }
    plan.rentals = std::move(merged);
    plan.claimed_cost = plan_cost(p, plan);
    return plan;
  }
  int first_month(int w) const {
    const Workload& wl = p.workloads[w];
    if (wl.kind == Mode::train) return wl.earliest;
    for (int m = 0; m < H; ++m) {
      if (wl.serve.demand_rps[m] > 0) return m;
    }
    return H;
  }
};

}  // namespace

namespace {

// Training spread evenly over its window: each month's share of the tokens,
// bought from `offers` in order (each offer's cheapest $ per token first),
// spilling to the next offer when one runs out (one offer only when `spill`
// is false: the first that can host the month's need, else the largest left).
void place_training(Greedy& g, int w, const std::vector<int>& offers, bool spill) {
  const Workload& wl = g.p.workloads[w];
  double seconds = 0;
  for (int m = wl.earliest; m <= wl.deadline; ++m) seconds += g.p.horizon.hours(m) * 3600.0;
  const double target = wl.train.job.tokens / seconds;  // tokens/s every month of the window
  int stay = -1;                                        // without spill: the offer the run keeps once started
  for (int m = wl.earliest; m <= wl.deadline; ++m) {
    std::map<std::string, double> on;  // chips per accelerator this month
    double need = target;
    for (int o : offers) {
      if (need <= 1e-9) break;
      if (!spill && stay >= 0 && o != stay) continue;
      const PlanOffer& po = g.p.offers[o];
      const AcceleratorRate* r = g.usable(w, po);
      double& c = on[po.offer.accelerator];
      const double have = r->tokens_per_s(c);
      double want = chips_for(*r, have + need);
      if (std::isnan(want)) want = r->max_chips();
      const double room = std::max(0.0, g.left[o * g.H + m]);
      if (!spill && stay < 0 && room < want - c - 1e-9 && o != offers.back()) continue;  // fail over
      const double take = std::min(want - c, room);
      if (take <= 1e-9) continue;
      g.use(w, o, m, take);
      c += take;
      need = std::max(0.0, have + need - r->tokens_per_s(c));
      if (!spill) stay = o;
    }
  }
}

// Offers a workload may use, cheapest $ per unit of work first (first scale point for runs, peak need for services).
std::vector<int> by_price(const Greedy& g, int w, bool allow_spot) {
  std::vector<std::pair<double, int>> c;
  const Workload& wl = g.p.workloads[w];
  for (size_t o = 0; o < g.p.offers.size(); ++o) {
    const PlanOffer& po = g.p.offers[o];
    const AcceleratorRate* r = g.usable(w, po);
    const bool term_ok =
        po.offer.term == Term::on_demand || (allow_spot && po.offer.term == Term::spot && wl.kind == Mode::train);
    if (!r || !term_ok) continue;
    double per_unit = per_hour(po.price_per_chip());
    if (wl.kind == Mode::train) {
      per_unit /= r->pieces.empty() ? 1e-9 : r->pieces.front().rate;
    } else {
      per_unit *= *std::max_element(r->need.begin(), r->need.end());
    }
    c.emplace_back(per_unit + 1e-12 * static_cast<double>(o), int(o));
  }
  std::sort(c.begin(), c.end());
  std::vector<int> out;
  out.reserve(c.size());
  for (auto& [cost, o] : c) out.push_back(o);
  return out;
}

// A service month by month on the cheapest offers with room, spilling when `spill`.
void place_service_spill(Greedy& g, int w, const std::vector<int>& offers, bool spill) {
  const Workload& wl = g.p.workloads[w];
  int stay = -1;
  for (int m = 0; m < g.H; ++m) {
    if (!(wl.serve.demand_rps[m] > 0)) continue;
    double left = 1.0;  // fraction of the month's demand still to place
    for (int o : offers) {
      if (left <= 1e-9) break;
      if (!spill && stay >= 0 && o != stay) continue;
      const AcceleratorRate* r = g.usable(w, g.p.offers[o]);
      if (!(r->need[m] > 0)) continue;
      const double room = std::max(0.0, g.left[o * g.H + m]);
      if (!spill && stay < 0 && room < left * r->need[m] - 1e-9 && o != offers.back()) continue;
      const double take = std::min(left * r->need[m], room);
      if (take <= 1e-9) continue;
      g.use(w, o, m, take);
      left -= take / r->need[m];
      if (!spill) stay = o;
    }
  }
}

}  // namespace

BaselineResult cheapest_on_demand(const Portfolio& p, const RateTable& rates) {
  BaselineResult out{"cheapest-on-demand",
                     "workloads in deadline order, each on the cheapest on-demand offers with capacity left "
                     "(spilling to the next cheapest); training spread evenly over its window",
                     false,
                     {},
                     {},
                     ""};
  Greedy g(p, rates);
  std::vector<int> order(p.workloads.size());
  std::iota(order.begin(), order.end(), 0);
  auto due = [&](int w) {
    const Workload& wl = p.workloads[w];
    return wl.kind == Mode::train ? wl.deadline : g.first_month(w);
  };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return due(a) < due(b); });
  for (int w : order) {
    const std::vector<int> offers = by_price(g, w, false);
    if (offers.empty()) continue;
    if (p.workloads[w].kind == Mode::infer) {
      place_service_spill(g, w, offers, true);
    } else {
      place_training(g, w, offers, true);
    }
  }
  out.plan = g.finish();
  out.found = !out.plan.assignments.empty();
  out.check = check_plan(p, rates, out.plan);
  return out;
}

BaselineResult first_come_first_served(const Portfolio& p, const RateTable& rates) {
  BaselineResult out{"first-come-first-served",
                     "in arrival order, each workload takes the cheapest single offer (on-demand or spot) that has "
                     "room for it, failing over to the next (SkyPilot's per-task choice); no lookahead",
                     false,
                     {},
                     {},
                     ""};
  Greedy g(p, rates);
  std::vector<int> order(p.workloads.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return g.first_month(a) < g.first_month(b); });
  for (int w : order) {
    const std::vector<int> offers = by_price(g, w, true);
    if (offers.empty()) continue;
    if (p.workloads[w].kind == Mode::infer) {
      place_service_spill(g, w, offers, false);
    } else {
      place_training(g, w, offers, false);
    }
  }
  out.plan = g.finish();
  out.found = !out.plan.assignments.empty();
  out.check = check_plan(p, rates, out.plan);
  return out;
}

BaselineResult best_single_vendor(const Portfolio& p, const RateTable& rates, const PlanOptions& options) {
  BaselineResult out{"best-single-vendor",
                     "the cheapest plan on one vendor's offers alone (the MILP without the vendor, provider, "
                     "min-vendor and robustness rules)",
                     false,
                     {},
                     {},
                     ""};
  Portfolio q = p;
  q.policy.max_vendor_share = 1;
  q.policy.max_provider_share = 1;
  q.policy.min_vendors = 1;
  q.policy.robustness.reset();
  double best = kInfinity;
  std::string tried;
  for (Vendor v : p.vendors()) {
    FormulationOptions fo;
    fo.only_vendors = {v};
    fo.fluid = options.fluid;
    const Formulation f = formulate(q, rates, fo);
    MilpOptions mo;
    mo.time_limit_s = std::max(1.0, options.time_limit_s / 4);
    mo.relative_gap = std::max(options.relative_gap, 1e-3);
    mo.threads = options.threads;
    const MilpResult r = solve_milp(f.model, mo);
    tried += fmt::format(
        "{}{}: {}", tried.empty() ? "" : "; ", to_string(v),
        r.has_solution() ? fmt::format("${:.0f}", plan_cost_of(f, q, r.values)) : std::string(to_string(r.status)));
    if (!r.has_solution()) continue;
    const double cost = plan_cost_of(f, q, r.values);
    if (cost < best) {
      best = cost;
      out.plan = decode(q, f, r.values);
      out.note = fmt::format("vendor {}", to_string(v));
      out.found = true;
    }
  }
  out.note += (out.note.empty() ? "" : " (") + tried + (out.found ? ")" : "");
  if (out.found) out.check = check_plan(p, rates, out.plan);
  return out;
}

std::vector<BaselineResult> run_baselines(const Portfolio& p, const RateTable& rates, const PlanOptions& options) {
  return {cheapest_on_demand(p, rates), first_come_first_served(p, rates), best_single_vendor(p, rates, options)};
}

}  // namespace xpu
