// A start for the executable model, built from the fluid LP's solution
// (docs/portfolio.md, "Warm start"):
//   - training runs first (the lumpy part): each goes to one pool (the one
//     the fluid plan gave it most chips in, else the next), at the one ladder
//     count and the fewest chip-months that finish it by its deadline, months
//     taken in the order the fluid plan used them;
//   - then services: per month, the fluid chips rounded up to whole replicas
//     where they fit, and any demand still uncovered wherever it fits;
//   - every placement rents whole instances (pay-as-you-go first, then
//     commitments for their whole term, cheapest per chip first) within each
//     offer's capacity and each site's power;
//   - porting binaries follow the runtimes used.
// An LP over what is left (checkpoints, moves, vendor and stay binaries)
// completes it when its optimum is integral and the start satisfies the
// model. When something does not fit, only the gang choices of the runs
// that did are kept (the rest NaN). Share caps, vendor minimums and the
// robustness rule's spare capacity are not steered by the greedy; the
// repair (polish_start) fixes the gang choices and lets CBC choose the
// rentals, replicas and binaries under every row, which also buys the cheap
// commitments the greedy's pay-as-you-go-first rentals miss.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "milp/solve.h"
#include "planner/warm_start.h"

namespace xpu {
namespace {

// Whole instances for each pool's use: pay-as-you-go offers first, then
// commitments (bought in the month they are first needed, for their whole
// term, so they also cover later months), cheapest per chip first, within
// each offer's capacity and each site's power in every month they run.
class Rentals {
 public:
  struct State {
    std::vector<double> count, bought, active, used, rented, mw;
  };
  State state() const { return {count_, bought_, active_, used_, rented_, mw_}; }
  void restore(State s) {
    count_ = std::move(s.count);
    bought_ = std::move(s.bought);
    active_ = std::move(s.active);
    used_ = std::move(s.used);
    rented_ = std::move(s.rented);
    mw_ = std::move(s.mw);
  }

  Rentals(const Portfolio& p, const Formulation& f)
      : p_(p),
        f_(f),
        H_(p.horizon.months),
        count_(p.offers.size() * H_, 0.0),
        bought_(p.offers.size() * H_, 0.0),
        active_(p.offers.size() * H_, 0.0),
        used_(f.pools.size() * H_, 0.0),
        rented_(f.pools.size() * H_, 0.0),
        mw_(p.sites.size() * H_, 0.0),
        offers_(f.pools.size()),
        site_of_(p.offers.size(), -1) {
    for (size_t pool = 0; pool < f.pools.size(); ++pool) {
      offers_[pool] = f.pools[pool].offers;
      std::stable_sort(offers_[pool].begin(), offers_[pool].end(), [&](int a, int b) {
        const bool ca = p.offers[a].is_commitment(), cb = p.offers[b].is_commitment();
        if (ca != cb) return cb;  // pay-as-you-go first
        return p.offers[a].price_per_chip().si() < p.offers[b].price_per_chip().si();
      });
    }
    for (size_t o = 0; o < p.offers.size(); ++o) {
      for (size_t s = 0; s < p.sites.size(); ++s) {
        if (p.offers[o].site == p.sites[s].name) site_of_[o] = int(s);
      }
    }
    for (size_t s = 0; s < p.sites.size(); ++s) {
      for (int m = 0; m < H_; ++m) mw_[s * H_ + m] = p.sites[s].budget.si() * 1e-6;
    }
  }

  bool fits(int pool, int m, double chips) const { return plan(pool, m, chips, nullptr); }
  // Adds `chips` of use in (pool, m), renting or buying what is missing; false (nothing changed) when it does not fit.
  bool take(int pool, int m, double chips) {
    std::vector<std::pair<int, double>> more;
    if (!plan(pool, m, chips, &more)) return false;
    used_[pool * H_ + m] += chips;
    for (auto [o, n] : more) {
      const bool buy = p_.offers[o].is_commitment();
      (buy ? bought_ : count_)[o * H_ + m] += n;
      for (int k = m; k < last(o, m); ++k) {
        active_[o * H_ + k] += n * per(o);
        rented_[pool * H_ + k] += n * per(o);
        if (site_of_[o] >= 0) mw_[site_of_[o] * H_ + k] -= n * per(o) * mw_per_chip(o);
      }
    }
    return true;
  }
  void write(std::vector<double>& x) const {
    for (size_t o = 0; o < p_.offers.size(); ++o) {
      for (int m = 0; m < H_; ++m) {
        if (f_.rent[o * H_ + m] >= 0) x[f_.rent[o * H_ + m]] = count_[o * H_ + m];
        if (f_.buy[o * H_ + m] >= 0) x[f_.buy[o * H_ + m]] = bought_[o * H_ + m];
      }
    }
  }

 private:
  double per(int o) const { return std::max(1, p_.offers[o].offer.chips); }
  double mw_per_chip(int o) const { return p_.offers[o].it_watts.si() * p_.sites[site_of_[o]].pue * 1e-6; }
  // One past the last month an instance taken in month m runs.
  int last(int o, int m) const {
    const int T = p_.offers[o].term_months();
    return T == 0 ? m + 1 : std::min(H_, m + T);
  }
  // Instances of offer o that fit from month m on (capacity and power in every month of the term).
  double room(int o, int m, const std::vector<double>& mw) const {
    const int v = (p_.offers[o].is_commitment() ? f_.buy : f_.rent)[o * H_ + m];
    if (v < 0) return 0;
    double n = f_.model.vars[v].upper - (p_.offers[o].is_commitment() ? 0.0 : count_[o * H_ + m]);
    for (int k = m; k < last(o, m); ++k) {
      const PlanOffer& po = p_.offers[o];
      const double cap = po.capacity[k] * (po.offer.term == Term::spot ? po.availability : 1.0);
      n = std::min(n, std::floor((cap - active_[o * H_ + k]) / per(o) + 1e-9));
      if (site_of_[o] >= 0) n = std::min(n, std::floor(mw[site_of_[o] * H_ + k] / (per(o) * mw_per_chip(o)) + 1e-9));
    }
    return n;
  }
  bool plan(int pool, int m, double chips, std::vector<std::pair<int, double>>* more) const {
    double need = used_[pool * H_ + m] + chips - rented_[pool * H_ + m];
    std::vector<double> mw = mw_;  // offers of one pool can share a site
    for (int o : offers_[pool]) {
      if (need <= 1e-9) break;
      const double n = std::min(std::ceil(need / per(o) - 1e-9), room(o, m, mw));
      if (n <= 0) continue;
      if (more) more->emplace_back(o, n);
      need -= n * per(o);
      if (site_of_[o] >= 0) {
        for (int k = m; k < last(o, m); ++k) mw[site_of_[o] * H_ + k] -= n * per(o) * mw_per_chip(o);
      }
    }
    return need <= 1e-9;
  }

  const Portfolio& p_;
  const Formulation& f_;
  int H_;
  std::vector<double> count_;   // [o*H+m] pay-as-you-go instances rented in month m
  std::vector<double> bought_;  // [o*H+m] commitment instances bought in month m
  std::vector<double> active_;  // [o*H+m] chips of offer o running in month m
  std::vector<double> used_;    // [pool*H+m] chips the start uses
  std::vector<double> rented_;  // [pool*H+m] chips provisioned
  std::vector<double> mw_;      // [site*H+m] MW left
  std::vector<std::vector<int>> offers_;
  std::vector<int> site_of_;
};

struct Choice {
  double chip_months = kInfinity;
  std::vector<int> vars;  // the gang binaries set to 1
  bool robust = false;    // also meets the vendor-loss rule without re-routing
};

// The cheapest (fewest chip-months) one-count schedule of run `wi` in `pool`
// that reaches 100% by its deadline; months ordered by the fluid plan's use.
// Only months where the pool's rentals still fit `chips`.
Choice best_in_pool(const Portfolio& p, const Formulation& f, const std::vector<int>& gangs, int pool,
                    const std::map<int, double>& fluid_by_month, const Rentals& rentals) {
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
    // The vendor-loss rule (when the policy has one): the run, in this
    // pool's vendor, keeps only (1 - loss) of each month from `from` on and
    // should still finish by its deadline without re-routing (conservative:
    // the model may also re-route onto other vendors' spare capacity). A
    // schedule that meets it comes first; one that only finishes is kept
    // for when none does (the repair may then re-route or rent spare).
    const Robustness* rob = p.policy.robustness && p.policy.robustness->loss < 0.95 ? &*p.policy.robustness : nullptr;
    for (const bool robust_target : {true, false}) {
      if (robust_target && !rob) continue;
      double done = 0, robust = 0;
      Choice c{.chip_months = 0};
      for (const auto* g : cols) {
        if (g->month > w.deadline || !rentals.fits(pool, g->month, static_cast<double>(chips))) continue;
        // 0.1% over: the move-free schedule has no lost transfer time, and CBC's tolerances stay clear.
        if (done >= 1.001 && (!robust_target || robust >= 1.001)) break;
        const double progress = g->tokens_per_s * g->goodput * p.horizon.hours(g->month) * 3600.0 / w.train.job.tokens;
        done += progress;
        robust += rob && g->month >= std::max(0, rob->from) ? progress * (1 - rob->loss) : progress;
        c.chip_months += static_cast<double>(chips);
        c.vars.push_back(g->var);
      }
      c.robust = !rob || robust >= 1.001;
      if (done < 1.001) continue;
      // Ranked by (meets the rule, fewer chip-months).
      if ((c.robust && !best.robust) || (c.robust == best.robust && c.chip_months < best.chip_months))
        best = std::move(c);
    }
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

std::vector<double> executable_start(const Portfolio& p, const RateTable& rates, const Formulation& f,
                                     const Formulation& fluid, const std::vector<double>& fluid_values) {
  std::vector<double> x(f.model.vars.size(), kNaN);
  if (f.fluid || fluid_values.size() != fluid.model.vars.size()) return x;
  // Fluid chips by (workload, pool, month); both models number pools alike.
  std::map<std::tuple<int, int, int>, double> chips;
  for (const auto& u : fluid.usage) {
    double c = 0;
    for (auto [v, k] : u.terms) c += k * fluid_values[v];
    if (c > 1e-9) chips[{u.workload, u.pool, u.month}] += c;
  }
  auto fluid_chips = [&](int w, int pool, int m) {
    auto it = chips.find({w, pool, m});
    return it == chips.end() ? 0.0 : it->second;
  };
  Rentals rentals(p, f);
  bool partial = false;  // something did not fit: only the gang choices are a start

  // Training runs first (the lumpy part), each into the room earlier ones left.
  std::map<int, std::vector<int>> gangs_of;
  for (size_t g = 0; g < f.gangs.size(); ++g) gangs_of[f.gangs[g].workload].push_back(int(g));
  for (auto& [wi, gangs] : gangs_of) {
    std::map<int, double> pool_total;
    std::map<int, std::map<int, double>> pool_month;
    for (int g : gangs) {
      const auto& gv = f.gangs[g];
      const double c = fluid_chips(wi, gv.pool, gv.month);
      pool_total.try_emplace(gv.pool, 0.0);
      if (pool_month[gv.pool].try_emplace(gv.month, c).second) pool_total[gv.pool] += c;
    }
    std::vector<int> order;
    order.reserve(pool_total.size());
    for (auto& [pool, t] : pool_total) order.push_back(pool);
    // Pools under a site's power budget last: the services' replicas and
    // the spare capacity the vendor-loss rule needs compete for that power.
    auto sited = [&](int pool) {
      return std::any_of(f.pools[pool].offers.begin(), f.pools[pool].offers.end(),
                         [&](int o) { return !p.offers[o].site.empty(); });
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return sited(a) != sited(b) ? sited(b) : pool_total[a] > pool_total[b]; });
    Choice pick;
    for (int pool : order) {
      pick = best_in_pool(p, f, gangs, pool, pool_month[pool], rentals);
      if (pick.vars.empty()) continue;
      // Months were checked one by one; a commitment bought for one can fill another's room.
      const Rentals::State saved = rentals.state();
      bool all = true;
      for (int g : gangs) {
        const auto& gv = f.gangs[g];
        if (std::find(pick.vars.begin(), pick.vars.end(), gv.var) != pick.vars.end()) {
          all = all && rentals.take(gv.pool, gv.month, static_cast<double>(gv.chips));
        }
      }
      if (all) break;
      rentals.restore(saved);
      pick = {};
    }
    if (pick.vars.empty()) {
      partial = true;  // fits nowhere at one count: its gangs stay open (NaN) for the repair
      continue;
    }
    for (int g : gangs) x[f.gangs[g].var] = 0.0;
    for (int v : pick.vars) x[v] = 1.0;
  }

  // Services: per month, the fluid chips rounded up to whole replicas where
  // they fit, then what demand is still uncovered wherever it fits.
  std::map<std::pair<int, int>, std::vector<const Formulation::ReplicaVar*>> replicas_of;
  for (const auto& rv : f.replicas) replicas_of[{rv.workload, rv.month}].push_back(&rv);
  std::map<int, double> chips_per_replica_in_pool;  // replica var -> chips it takes in whole instances
  for (const auto& u : f.usage) {
    if (p.workloads[u.workload].kind != Mode::infer) continue;
    for (auto [v, k] : u.terms) chips_per_replica_in_pool[v] = k;
  }
  for (auto& [wm, cols] : replicas_of) {
    const int wi = wm.first, m = wm.second;  // not a structured binding: lambdas below capture them
    std::stable_sort(cols.begin(), cols.end(), [&](const auto* a, const auto* b) {
      return fluid_chips(wi, a->pool, m) > fluid_chips(wi, b->pool, m);
    });
    double cover = 0;
    auto place = [&](const Formulation::ReplicaVar* rv, double want) {
      const AcceleratorRate* ar = rates.workloads[wi].find(f.pools[rv->pool].accelerator);
      const double needed = ar ? ar->need[m] / ar->chips_per_replica : kInfinity;
      const double e = chips_per_replica_in_pool[rv->var];
      double n = std::min(want, f.model.vars[rv->var].upper - x[rv->var]);
      while (n > 0 && !rentals.fits(rv->pool, m, n * e)) n = std::floor(n / 2);
      if (n <= 0 || !(needed > 0)) return;
      rentals.take(rv->pool, m, n * e);
      x[rv->var] += n;
      cover += n / needed;
    };
    for (const auto* rv : cols) x[rv->var] = 0.0;
    for (const auto* rv : cols) {
      const double c = fluid_chips(wi, rv->pool, m);
      if (c > 0) place(rv, std::ceil(c / rv->chips_per_replica - 1e-6));
    }
    for (int pass = 0; pass < 3 && cover < 1 - 1e-9; ++pass) {
      for (const auto* rv : cols) {
        if (cover >= 1 - 1e-9) break;
        const AcceleratorRate* ar = rates.workloads[wi].find(f.pools[rv->pool].accelerator);
        if (!ar || !(ar->need[m] > 0)) continue;
        place(rv, std::ceil((1 - cover) * ar->need[m] / ar->chips_per_replica - 1e-9));
      }
    }
    if (cover < 1 - 1e-9) partial = true;  // demand does not fit
  }
  if (partial) {
    // Only the runs' gang choices stand; the repair (polish_start) does the rest.
    std::vector<double> gangs_only(x.size(), kNaN);
    for (const auto& g : f.gangs) gangs_only[g.var] = x[g.var];
    return gangs_only;
  }
  rentals.write(x);

  // Porting follows the runtimes the start uses.
  for (const auto& pv : f.porting) {
    bool on = false;
    for (const auto& u : f.usage) {
      if (u.workload != pv.workload) continue;
      const PoolInfo& pi = f.pools[u.pool];
      if (p.offers[pi.offers.front()].runtime != pv.runtime) continue;
      for (auto [v, k] : u.terms) on |= !std::isnan(x[v]) && x[v] * k > 0;
    }
    x[pv.var] = on ? 1.0 : 0.0;
  }
  return complete(f.model, std::move(x));
}

namespace {

// The model over the columns `hold` leaves free, the held ones at their
// values in `x`: each row's held part moves into its bounds, a row with no
// free column is dropped (nullopt when one of those fails at `x`: then no
// point of the sub-model completes `x`), and the held columns' cost goes to
// the objective offset, so a sub-model point costs what the full one does.
// On the 500x100x24 bench CBC spent the whole repair share (22-28 s) on the
// full model with most columns fixed and returned the start unchanged
// (docs/benchmarks.md, planner12); the sub-model is a few percent of it.
struct Reduced {
  MilpModel model;
  std::vector<int> column;  // sub-model column -> full model column
  std::vector<int> row;     // sub-model row -> full model row
};
std::optional<Reduced> reduce(const MilpModel& full, const std::vector<double>& x, const std::vector<char>& hold) {
  Reduced r;
  std::vector<int> sub(full.vars.size(), -1);
  r.model.sense = full.sense;
  r.model.objective_offset = full.objective_offset;
  for (size_t j = 0; j < full.vars.size(); ++j) {
    if (hold[j]) {
      r.model.objective_offset += full.vars[j].objective * x[j];
      continue;
    }
    sub[j] = static_cast<int>(r.column.size());
    r.column.push_back(static_cast<int>(j));
    r.model.vars.push_back(full.vars[j]);
  }
  for (size_t i = 0; i < full.rows.size(); ++i) {
    const Constraint& c = full.rows[i];
    double held = 0;
    Constraint t{.name = c.name, .terms = {}, .lower = c.lower, .upper = c.upper};
    for (auto [j, a] : c.terms) {
      if (sub[j] >= 0) {
        t.terms.emplace_back(sub[j], a);
      } else {
        held += a * x[j];
      }
    }
    if (t.terms.empty()) {
      // The same tolerance as violations(): absolute, scaled by max(1, |bound|).
      if (held < c.lower - 1e-6 * std::max(1.0, std::abs(c.lower)) ||
          held > c.upper + 1e-6 * std::max(1.0, std::abs(c.upper))) {
        return std::nullopt;
      }
      continue;
    }
    t.lower -= held;
    t.upper -= held;
    r.model.rows.push_back(std::move(t));
    r.row.push_back(static_cast<int>(i));
  }
  return r;
}

// CBC on f.model with the columns in `fixed` held at their values in `x`
// (NaN ones left free), by the sub-model over the free columns (reduce);
// `x` is the MIP start when complete. The result's plan, when it satisfies
// f.model and is no worse than a complete `x`; else `x`.
std::vector<double> solve_fixed(const Formulation& f, const std::vector<double>& x, const std::vector<int>& fixed,
                                MilpOptions o) {
  std::vector<char> hold(x.size(), 0);
  for (int v : fixed) hold[v] = !std::isnan(x[v]);
  const std::optional<Reduced> sub = reduce(f.model, x, hold);
  if (!sub) return x;
  const bool complete = std::none_of(x.begin(), x.end(), [](double v) { return std::isnan(v); });
  o.progress = {};
  o.start.clear();
  if (complete) {
    for (int j : sub->column) o.start.push_back(x[j]);
  }
  const MilpResult r = solve_milp(sub->model, o);
  if (!r.has_solution() || r.values.size() != sub->column.size()) return x;
  std::vector<double> y = x;
  for (size_t k = 0; k < sub->column.size(); ++k) y[sub->column[k]] = r.values[k];
  // The held columns inside the full model's bounds, the rest a point of the
  // sub-model: a plan of the full model (checked, with the held rows).
  if (!violations(f.model, y, 1e-6, 1).empty()) return x;
  if (complete && evaluate_objective(f.model, y) > evaluate_objective(f.model, x)) return x;
  return y;
}

}  // namespace

std::vector<double> polish_start(const Formulation& f, const std::vector<double>& start, const MilpOptions& options,
                                 bool replicas) {
  if (start.size() != f.model.vars.size() || f.gangs.empty()) return start;
  std::vector<int> gangs;
  for (const auto& g : f.gangs) {
    if (!std::isnan(start[g.var])) gangs.push_back(g.var);
  }
  if (gangs.empty()) return start;  // nothing to fix: no smaller problem
  const auto begin = std::chrono::steady_clock::now();
  std::vector<double> x = start;
  const bool complete = std::none_of(x.begin(), x.end(), [](double v) { return std::isnan(v); });
  if (complete) {
    // First the rentals and commitments alone (gangs and replicas held): a
    // covering problem CBC closes fast, where the greedy rented
    // pay-as-you-go first.
    std::vector<int> held = gangs;
    for (const auto& rv : f.replicas) held.push_back(rv.var);
    MilpOptions o = options;
    o.time_limit_s = options.time_limit_s / 2;
    x = solve_fixed(f, x, held, o);
    if (!replicas) return x;
  }
  auto left = [&] {
    return options.time_limit_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  };
  // Then the replicas, binaries and rentals together, gangs still held.
  MilpOptions o = options;
  o.time_limit_s = std::max(1.0, left());
  x = solve_fixed(f, x, gangs, o);
  return x;
}

std::vector<double> improve_runs(const Formulation& f, const std::vector<double>& x, const MilpOptions& options,
                                 double min_share_s) {
  if (x.size() != f.model.vars.size() || std::any_of(x.begin(), x.end(), [](double v) { return std::isnan(v); })) {
    return x;
  }
  const auto begin = std::chrono::steady_clock::now();
  auto left = [&] {
    return options.time_limit_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  };
  // Each column's workload: the one whose rows alone it appears in (its
  // gangs, checkpoints, moves, stay and porting binaries, a service's
  // replicas), -1 for one in no workload's row (rentals, commitments, vendor
  // binaries), -2 for one in two workloads' rows.
  std::vector<int> owner(x.size(), -1);
  for (size_t r = 0; r < f.model.rows.size(); ++r) {
    const int w = f.rows[r].workload;
    if (w < 0) continue;
    for (auto [j, a] : f.model.rows[r].terms) owner[j] = owner[j] == -1 || owner[j] == w ? w : -2;
  }
  // The runs, the most chip-months in `x` first: where a better choice saves most.
  std::map<int, double> chip_months;
  for (const auto& g : f.gangs) chip_months[g.workload] += x[g.var] * static_cast<double>(g.chips);
  std::vector<int> runs;
  runs.reserve(chip_months.size());
  for (const auto& [w, c] : chip_months) runs.push_back(w);
  if (runs.size() < 2) return x;  // one run free is the whole model
  std::stable_sort(runs.begin(), runs.end(), [&](int a, int b) { return chip_months[a] > chip_months[b]; });
  const double least = std::max(1.0, min_share_s);
  std::vector<double> best = x;
  for (size_t i = 0; i < runs.size() && left() >= least; ++i) {
    // This run's own columns and everything no workload owns are free; every
    // other workload's are held (a sub-model of a few thousand columns on
    // the 500x100x24 bench, where the whole model's LP does not finish).
    std::vector<int> held;
    for (size_t j = 0; j < owner.size(); ++j) {
      if (owner[j] == -2 || (owner[j] >= 0 && owner[j] != runs[i])) held.push_back(static_cast<int>(j));
    }
    MilpOptions o = options;
    // An even share of what is left, at least `least`; the rest unsearched.
    o.time_limit_s = std::min(left(), std::max(least, left() / static_cast<double>(runs.size() - i)));
    // One run's choice moves the whole plan's cost by a fraction of a
    // percent: a gap relative to it would accept the incumbent at once.
    o.relative_gap = 0;
    o.start_to_cbc = true;  // the incumbent: only a better plan is of use here
    best = solve_fixed(f, best, held, o);
  }
  return best;
}

}  // namespace xpu

namespace xpu {

// The share of reprice_placements' time its LP search takes; CBC's whole
// rentals for the result take the rest. On the 500x100x24 bench CBC needed
// 2.2 s of a 60 s call's 24 s for them, at load 4-6 (docs/benchmarks.md, planner13).
constexpr double kRepriceSearchShare = 0.8;

std::vector<double> reprice_placements(const Portfolio& p, const Formulation& f, const std::vector<double>& x,
                                       const MilpOptions& options) {
  const size_t n = f.model.vars.size();
  if (x.size() != n || std::any_of(x.begin(), x.end(), [](double v) { return std::isnan(v); })) return x;
  const auto begin = std::chrono::steady_clock::now();
  auto left = [&] {
    return options.time_limit_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  };
  // Held in the LP: the placements (gangs, replicas) and the porting binaries
  // they imply (set from them, so the LP pays whole ports, not the big-M
  // row's sliver); everything else (rentals, commitments, checkpoints,
  // moves, stay and vendor binaries) is the LP's, integrality dropped.
  std::vector<char> hold(n, 0);
  for (const auto& g : f.gangs) hold[g.var] = 1;
  for (const auto& r : f.replicas) hold[r.var] = 1;
  for (const auto& pv : f.porting) hold[pv.var] = 1;
  auto runtime_of = [&](int pool) { return p.offers[f.pools[pool].offers.front()].runtime; };
  auto set_porting = [&](std::vector<double>& y) {
    for (const auto& pv : f.porting) {
      bool on = false;
      for (const auto& u : f.usage) {
        if (u.workload != pv.workload || runtime_of(u.pool) != pv.runtime) continue;
        for (auto [v, k] : u.terms) on = on || y[v] * k > 0.5;
      }
      y[pv.var] = on ? 1.0 : 0.0;
    }
  };
  struct Lp {
    double objective = kInfinity;
    std::vector<double> duals;  // on the full model's rows (0 on dropped ones)
  };
  auto solve = [&](const std::vector<double>& y) {
    Lp out;
    std::optional<Reduced> sub = reduce(f.model, y, hold);
    if (!sub) return out;
    for (Variable& v : sub->model.vars) v.integer = false;
    const LpResult lp = solve_lp(sub->model, {.time_limit_s = std::max(0.1, left())});
    if (lp.status != LpStatus::optimal || lp.row_duals.size() != sub->row.size()) return out;
    out.objective = lp.objective;
    out.duals.assign(f.model.rows.size(), 0.0);
    for (size_t i = 0; i < sub->row.size(); ++i) out.duals[sub->row[i]] = lp.row_duals[i];
    return out;
  };
  // A placement column's price: its cost less the shared rows' duals on it
  // (the LP's marginal cost of its chips: 0 where paid capacity is idle, the
  // pay-as-you-go price where the pool already spills over).
  std::vector<std::vector<std::pair<int, double>>> shared(n);
  std::vector<double> per_replica(n, 0.0);  // replica column -> its share of the month's demand
  for (size_t r = 0; r < f.model.rows.size(); ++r) {
    for (auto [j, a] : f.model.rows[r].terms) {
      if (!hold[j]) continue;
      if (f.rows[r].workload < 0) shared[j].emplace_back(static_cast<int>(r), a);
      if (f.rows[r].group == Group::demand) per_replica[j] = a;
    }
  }
  auto price = [&](const Lp& lp, int j) {
    double c = f.model.vars[j].objective;
    for (auto [r, a] : shared[j]) c -= lp.duals[r] * a;
    return c;
  };
  // Each run's columns by (pool, count), each service-month's replica columns.
  std::map<int, std::map<std::pair<int, int64_t>, std::vector<const Formulation::GangVar*>>> runs;
  for (const auto& g : f.gangs) {
    if (g.month <= p.workloads[g.workload].deadline) runs[g.workload][{g.pool, g.chips}].push_back(&g);
  }
  std::map<std::pair<int, int>, std::vector<const Formulation::ReplicaVar*>> services;
  for (const auto& rv : f.replicas) {
    if (per_replica[rv.var] > 0) services[{rv.workload, rv.month}].push_back(&rv);
  }
  std::vector<double> cur = x;
  Lp base = solve(cur);
  if (!std::isfinite(base.objective)) return x;
  // A change: new values of some held columns, and what it saves at the prices.
  struct Change {
    double saving = 0;
    int key = 0;  // a run's workload, or -(service-month index) - 1
    std::vector<std::pair<int, double>> set;
  };
  std::set<int> tabu;  // changes the exact LP refused one at a time
  size_t batch = 64;
  bool kept = false;  // a change kept since the refused ones were last cleared
  // The LP search's share; CBC's whole rentals take the rest.
  const double search_until = kRepriceSearchShare * options.time_limit_s;
  while (options.time_limit_s - left() < search_until) {
    std::vector<Change> changes;
    for (const auto& [wi, cols] : runs) {
      if (tabu.contains(wi)) continue;
      const Workload& w = p.workloads[wi];
      double now = 0;
      std::vector<std::pair<int, double>> off;
      for (const auto& [pc, gs] : cols) {
        for (const auto* g : gs) {
          if (cur[g->var] > 0.5) now += price(base, g->var);
          off.emplace_back(g->var, 0.0);
        }
      }
      // The cheapest one-pool, one-count schedule at the prices: months by
      // price per unit of progress until the run is done (0.1% over, as the greedy).
      double best = kInfinity;
      std::vector<int> pick;
      for (const auto& [pc, gs] : cols) {
        std::vector<std::pair<double, const Formulation::GangVar*>> order;
        for (const auto* g : gs) {
          const double progress =
              g->tokens_per_s * g->goodput * p.horizon.hours(g->month) * 3600.0 / w.train.job.tokens;
          if (progress > 0) order.emplace_back(price(base, g->var) / progress, g);
        }
        std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        double done = 0, cost = 0;
        std::vector<int> vars;
        for (const auto& [unit, g] : order) {
          if (done >= 1.001) break;
          done += g->tokens_per_s * g->goodput * p.horizon.hours(g->month) * 3600.0 / w.train.job.tokens;
          cost += price(base, g->var);
          vars.push_back(g->var);
        }
        if (done >= 1.001 && cost < best) {
          best = cost;
          pick = std::move(vars);
        }
      }
      if (pick.empty() || best >= now - 1e-6 * std::max(1.0, std::abs(now))) continue;
      Change c{.saving = now - best, .key = wi, .set = std::move(off)};
      for (int v : pick) c.set.emplace_back(v, 1.0);  // later entries win
      changes.push_back(std::move(c));
    }
    int index = 0;
    for (const auto& [wm, cols] : services) {
      const int key = -(index++) - 1;
      if (tabu.contains(key)) continue;
      double now = 0, best = kInfinity;
      const Formulation::ReplicaVar* pick = nullptr;
      double count = 0;
      for (const auto* rv : cols) {
        now += price(base, rv->var) * cur[rv->var];
        const double need = std::ceil(1.0 / per_replica[rv->var] - 1e-9);
        if (need > f.model.vars[rv->var].upper) continue;
        const double cost = price(base, rv->var) * need;
        if (cost < best) {
          best = cost;
          pick = rv;
          count = need;
        }
      }
      if (!pick || best >= now - 1e-6 * std::max(1.0, std::abs(now))) continue;
      Change c{.saving = now - best, .key = key, .set = {}};
      for (const auto* rv : cols) c.set.emplace_back(rv->var, rv == pick ? count : 0.0);
      changes.push_back(std::move(c));
    }
    if (changes.empty()) {
      // Refused changes may pass at the prices later ones set: another
      // round, as long as the last one kept something.
      if (!kept) break;
      kept = false;
      tabu.clear();
      batch = 64;
      continue;
    }
    std::stable_sort(changes.begin(), changes.end(),
                     [](const Change& a, const Change& b) { return a.saving > b.saving; });
    // The largest savings first, as many as the batch; the exact LP decides.
    std::vector<double> y = cur;
    const size_t take = std::min(batch, changes.size());
    for (size_t i = 0; i < take; ++i) {
      for (auto [v, val] : changes[i].set) y[v] = val;
    }
    set_porting(y);
    Lp next = solve(y);
    if (next.objective < base.objective - 1e-7 * std::abs(base.objective)) {
      cur = std::move(y);
      base = std::move(next);
      kept = true;
      batch = std::min<size_t>(2 * batch, 256);
    } else if (take == 1) {
      tabu.insert(changes.front().key);
    } else {
      batch = std::max<size_t>(1, take / 2);
    }
  }
  if (cur == x) return x;
  // Whole rentals, commitments and binaries for the new placements (CBC,
  // placements and ports held), the rest of the time; kept only when it
  // satisfies the model and beats `x`.
  std::vector<double> y = cur;
  std::vector<int> held;
  for (size_t j = 0; j < n; ++j) {
    if (hold[j]) {
      held.push_back(static_cast<int>(j));
    } else {
      y[j] = kNaN;
    }
  }
  MilpOptions o = options;
  o.time_limit_s = std::max(1.0, left());
  y = solve_fixed(f, y, held, o);
  if (std::any_of(y.begin(), y.end(), [](double v) { return std::isnan(v); })) return x;
  return evaluate_objective(f.model, y) < evaluate_objective(f.model, x) ? y : x;
}

}  // namespace xpu
