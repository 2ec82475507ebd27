#include "planner/baselines.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "milp/solve.h"

namespace xpu {
namespace {

// The least time one of a baseline's solves gets, however little is left:
// a baseline that cannot be solved in it says so in its note.
constexpr double kLeastSolve = 0.2;

// The simple rules place workloads one at a time, each alone: its own
// model (the plan's executable one, or the fluid one under --fluid, so a
// baseline and the plan are always held to the same rules), restricted to
// the offers the rule may use, with each offer's capacity less what the
// workloads placed before it provision (whole instances: spare chips in an
// earlier workload's instances are not shared, as two teams renting alone
// would not share them). Rules about the whole portfolio (shares, minimum
// vendors, budget, robustness) cannot be met one workload at a time, so the
// checker says where the sum breaks them.
struct Sequential {
  const Portfolio& p;
  const RateTable& rates;
  const PlanOptions& options;
  int H;
  Plan plan;
  std::vector<double> taken;  // chips provisioned per [offer * H + month] so far
  double seconds_each;        // time limit of each workload's solve

  Sequential(const Portfolio& pf, const RateTable& r, const PlanOptions& o)
      : p(pf),
        rates(r),
        options(o),
        H(pf.horizon.months),
        taken(pf.offers.size() * pf.horizon.months, 0.0),
        seconds_each(
            std::max(kLeastSolve, o.time_limit_s / static_cast<double>(std::max<size_t>(1, pf.workloads.size())))) {
    plan.fluid = options.fluid;
  }

  int first_month(int w) const {
    const Workload& wl = p.workloads[w];
    if (wl.kind == Mode::train) return wl.earliest;
    for (int m = 0; m < H; ++m) {
      if (wl.serve.demand_rps[m] > 0) return m;
    }
    return H;
  }

  // Places workload `w` on the offers whose term `term_ok` accepts, in one
  // pool for the whole run when `one_pool`. False when it has no plan there.
  template <class TermOk>
  bool place(int w, TermOk term_ok, bool one_pool) {
    Portfolio q = p;
    q.workloads = {p.workloads[w]};
    if (one_pool) q.workloads[0].train.may_move = false;
    q.offers.clear();
    std::vector<int> index;  // q's offer -> p's
    for (size_t o = 0; o < p.offers.size(); ++o) {
      const PlanOffer& po = p.offers[o];
      if (!term_ok(po.offer.term)) continue;
      PlanOffer left = po;
      const double per_chip = po.offer.term == Term::spot && po.availability > 0 ? 1 / po.availability : 1.0;
      for (int m = 0; m < H; ++m) {
        left.capacity[m] =
            std::max(0, static_cast<int>(std::floor(po.capacity[m] - taken[o * H + m] * per_chip + 1e-6)));
      }
      q.offers.push_back(std::move(left));
      index.push_back(int(o));
    }
    if (q.offers.empty()) return false;
    q.policy.max_vendor_share = 1;
    q.policy.max_provider_share = 1;
    q.policy.min_vendors = 1;
    q.policy.budget.reset();
    q.policy.robustness.reset();
    RateTable rq;
    rq.workloads = {rates.workloads[w]};
    FormulationOptions fo;
    fo.fluid = options.fluid;
    const Formulation f = formulate(q, rq, fo);
    MilpOptions mo;
    mo.time_limit_s = seconds_each;
    mo.relative_gap = std::max(options.relative_gap, 1e-3);
    mo.threads = options.threads;
    const MilpResult r = solve_milp(f.model, mo);
    if (!r.has_solution()) return false;
    Plan one = decode(q, f, r.values);
    const WorkloadId id(w);
    const auto offer = [&](OfferId o) { return OfferId(index[o.index()]); };
    for (Rental x : one.rentals) {
      x.offer = offer(x.offer);
      taken[x.offer.index() * H + x.month] += x.chips;
      plan.rentals.push_back(x);
    }
    for (Purchase x : one.purchases) {
      x.offer = offer(x.offer);
      const PlanOffer& po = p.offers[x.offer.index()];
      for (int k = 0; k < po.term_months() && x.month + k < H; ++k)
        taken[x.offer.index() * H + x.month + k] += static_cast<double>(x.instances) * po.offer.chips;
      plan.purchases.push_back(x);
    }
    for (Assignment x : one.assignments) {
      x.offer = offer(x.offer);
      x.workload = id;
      plan.assignments.push_back(x);
    }
    for (Gang x : one.gangs) {
      x.workload = id;
      plan.gangs.push_back(x);
    }
    for (Replicas x : one.replicas) {
      x.workload = id;
      plan.replicas.push_back(x);
    }
    for (Porting x : one.porting) {
      x.workload = id;
      plan.porting.push_back(x);
    }
    plan.move_cost += one.move_cost;
    return true;
  }

  // Rentals and purchases of one offer in one month merge (two workloads on one offer-month).
  Plan finish() {
    canonicalize(plan);
    std::vector<Rental> rentals;
    for (const Rental& r : plan.rentals) {
      if (!rentals.empty() && rentals.back().offer == r.offer && rentals.back().month == r.month) {
        rentals.back().chips += r.chips;
        rentals.back().instances += r.instances;
      } else {
        rentals.push_back(r);
      }
    }
    plan.rentals = std::move(rentals);
    std::vector<Purchase> purchases;
    for (const Purchase& b : plan.purchases) {
      if (!purchases.empty() && purchases.back().offer == b.offer && purchases.back().month == b.month) {
        purchases.back().instances += b.instances;
      } else {
        purchases.push_back(b);
      }
    }
    plan.purchases = std::move(purchases);
    plan.claimed_cost = plan_cost(p, plan);
    return plan;
  }
};

// Places every workload in `order`; the names of those left without a plan go to `note`.
template <class TermOk>
BaselineResult run_sequential(BaselineResult out, Sequential& s, const std::vector<int>& order, TermOk term_ok,
                              bool one_pool) {
  std::string missing;
  for (int w : order) {
    if (!s.place(w, term_ok, one_pool)) missing += (missing.empty() ? "" : ", ") + s.p.workloads[w].name;
  }
  out.plan = s.finish();
  out.found = !out.plan.assignments.empty();
  // The report says "no plan: NOTE" when nothing was placed, "[NOTE]" otherwise.
  if (!missing.empty()) out.note = (out.found ? "no plan for " : "") + missing;
  out.check = check_plan(s.p, s.rates, out.plan);
  return out;
}

}  // namespace

BaselineResult cheapest_on_demand(const Portfolio& p, const RateTable& rates, const PlanOptions& options) {
  BaselineResult out{"cheapest-on-demand",
                     "workloads in deadline order, each alone on the on-demand capacity left, at its cheapest "
                     "plan under the plan's rules (one gang per run and month, whole instances and replicas)",
                     false,
                     {},
                     {},
                     ""};
  Sequential s(p, rates, options);
  std::vector<int> order(p.workloads.size());
  std::iota(order.begin(), order.end(), 0);
  auto due = [&](int w) {
    const Workload& wl = p.workloads[w];
    return wl.kind == Mode::train ? wl.deadline : s.first_month(w);
  };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return due(a) < due(b); });
  return run_sequential(
      std::move(out), s, order, [](Term t) { return t == Term::on_demand; }, false);
}

BaselineResult first_come_first_served(const Portfolio& p, const RateTable& rates, const PlanOptions& options) {
  BaselineResult out{"first-come-first-served",
                     "in arrival order, each workload alone on the on-demand or spot capacity left, a run in one "
                     "pool throughout (SkyPilot's per-task choice), at its cheapest plan under the plan's rules; "
                     "no lookahead",
                     false,
                     {},
                     {},
                     ""};
  Sequential s(p, rates, options);
  std::vector<int> order(p.workloads.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return s.first_month(a) < s.first_month(b); });
  return run_sequential(
      std::move(out), s, order, [](Term t) { return t == Term::on_demand || t == Term::spot; }, true);
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
    mo.time_limit_s = std::max(kLeastSolve, options.time_limit_s / static_cast<double>(p.vendors().size()));
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

std::string no_saving_against(const BaselineResult& b, const Plan& plan) {
  if (!b.found) return "no plan";
  if (b.plan.fluid != plan.fluid) return b.plan.fluid ? "fluid baseline" : "executable baseline";
  const bool undone = std::any_of(b.check.violations.begin(), b.check.violations.end(),
                                  [](const Violation& v) { return v.rule == "deadline" || v.rule == "demand"; });
  return undone ? "leaves work undone" : "";
}

std::vector<BaselineResult> run_baselines(const Portfolio& p, const RateTable& rates, const PlanOptions& options) {
  // options.time_limit_s for the three together: each gets an even share of
  // what the ones before it left.
  const auto started = std::chrono::steady_clock::now();
  auto share = [&](int still) {
    PlanOptions o = options;
    const double used = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (std::isfinite(options.time_limit_s)) o.time_limit_s = std::max(0.0, options.time_limit_s - used) / still;
    return o;
  };
  std::vector<BaselineResult> out;
  out.push_back(cheapest_on_demand(p, rates, share(3)));
  out.push_back(first_come_first_served(p, rates, share(2)));
  out.push_back(best_single_vendor(p, rates, share(1)));
  return out;
}

}  // namespace xpu
