// Small portfolios solved to proven optimality and compared with brute force:
// every combination of the integer decisions (commitment purchases per offer
// and month, porting, the vendor of an unmovable run) is enumerated, and the
// continuous rest (rented chips) is filled greedily by cost per unit of work,
// which is optimal for a single workload with linear rates. The brute force
// shares no code with the formulation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "milp/solve.h"
#include "planner/bound.h"
#include "planner/planner.h"
#include "test_portfolios.h"

namespace xpu {
namespace {

using testing::Fixture;

// The cheapest way to finish the one workload with purchases fixed, or +inf.
double greedy_rest(const Fixture& f, const std::vector<std::vector<int>>& bought, const std::vector<bool>& offer_ok) {
  const Portfolio& p = f.p;
  const Workload& w = p.workloads[0];
  const int H = p.horizon.months;
  double cost = 0;
  // Provisioned commitment chips per (offer, month) and their bill.
  std::vector<std::vector<double>> committed(p.offers.size(), std::vector<double>(H, 0.0));
  for (size_t o = 0; o < p.offers.size(); ++o) {
    const PlanOffer& po = p.offers[o];
    for (int m = 0; m < H; ++m) {
      const int n = bought[o][m];
      if (n == 0) continue;
      for (int k = 0; k < po.term_months(); ++k) {
        cost += n * per_hour(po.offer.price) * p.horizon.hours(m + k);
        if (m + k < H) committed[o][m + k] += n * po.offer.chips;
      }
    }
    for (int m = 0; m < H; ++m) {
      if (committed[o][m] > po.capacity[m] + 1e-9) return kInfinity;
    }
  }
  struct Cell {
    double unit_cost, work_per_chip, chips;
  };
  auto rate_of = [&](const std::string& a) -> const AcceleratorRate* {
    const AcceleratorRate* r = f.rates.workloads[0].find(a);
    return r && r->usable ? r : nullptr;
  };
  if (w.kind == Mode::train) {
    std::vector<Cell> cells;
    for (size_t o = 0; o < p.offers.size(); ++o) {
      const PlanOffer& po = p.offers[o];
      const AcceleratorRate* r = rate_of(po.offer.accelerator);
      if (!r || !offer_ok[o]) continue;
      for (int m = w.earliest; m <= w.deadline; ++m) {
        const double work = r->pieces[0].rate * p.horizon.hours(m) * 3600.0 / w.train.job.tokens;
        if (po.is_commitment()) {
          cells.push_back({0.0, work, committed[o][m]});
        } else {
          const double cap = po.capacity[m] * (po.offer.term == Term::spot ? po.availability : 1.0);
          cells.push_back({per_hour(po.price_per_chip()) * p.horizon.hours(m) / work, work, cap});
        }
      }
    }
    std::sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) { return a.unit_cost < b.unit_cost; });
    double left = 1.0;
    for (const Cell& c : cells) {
      const double take = std::min(left, c.chips * c.work_per_chip);
      cost += take * c.unit_cost;
      left -= take;
    }
    return left > 1e-9 ? kInfinity : cost;
  }
  for (int m = 0; m < H; ++m) {
    std::vector<Cell> cells;
    for (size_t o = 0; o < p.offers.size(); ++o) {
      const PlanOffer& po = p.offers[o];
      const AcceleratorRate* r = rate_of(po.offer.accelerator);
      if (!r || !offer_ok[o] || po.offer.term == Term::spot) continue;
      const double share = 1.0 / r->need[m];  // fraction of the month's demand per chip
      if (po.is_commitment()) {
        cells.push_back({0.0, share, committed[o][m]});
      } else {
        cells.push_back({per_hour(po.price_per_chip()) * p.horizon.hours(m) / share, share, double(po.capacity[m])});
      }
    }
    std::sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) { return a.unit_cost < b.unit_cost; });
    double left = 1.0;
    for (const Cell& c : cells) {
      const double take = std::min(left, c.chips * c.work_per_chip);
      cost += take * c.unit_cost;
      left -= take;
    }
    if (left > 1e-9) return kInfinity;
  }
  return cost;
}

double brute_force(const Fixture& f, int max_instances) {
  const Portfolio& p = f.p;
  const int H = p.horizon.months;
  std::vector<std::pair<int, int>> cells;  // (offer, month) where commitments may be bought
  for (size_t o = 0; o < p.offers.size(); ++o) {
    if (!p.offers[o].is_commitment()) continue;
    for (int m = 0; m < H; ++m) cells.emplace_back(int(o), m);
  }
  const Workload& w = p.workloads[0];
  std::vector<std::vector<int>> bought(p.offers.size(), std::vector<int>(H, 0));
  double best = kInfinity;
  std::vector<Vendor> vendor_choices{Vendor::nvidia, Vendor::google, Vendor::aws, Vendor::amd};
  const int port_sets = 1 << w.porting.size();
  std::function<void(size_t)> rec = [&](size_t i) {
    if (i < cells.size()) {
      for (int n = 0; n <= max_instances; ++n) {
        bought[cells[i].first][cells[i].second] = n;
        rec(i + 1);
      }
      bought[cells[i].first][cells[i].second] = 0;
      return;
    }
    for (int ports = 0; ports < port_sets; ++ports) {
      for (size_t vc = 0; vc < (w.train.may_move ? 1 : vendor_choices.size()); ++vc) {
        std::vector<bool> ok(p.offers.size(), true);
        double port_cost = 0;
        for (size_t k = 0; k < w.porting.size(); ++k) {
          if (ports & (1 << k)) port_cost += w.porting[k].cost.si();
        }
        for (size_t o = 0; o < p.offers.size(); ++o) {
          for (size_t k = 0; k < w.porting.size(); ++k) {
            if (!(ports & (1 << k)) && p.offers[o].runtime == w.porting[k].runtime) ok[o] = false;
          }
          if (!w.train.may_move && p.offers[o].vendor != vendor_choices[vc]) ok[o] = false;
        }
        best = std::min(best, greedy_rest(f, bought, ok) + port_cost);
      }
    }
  };
  rec(0);
  return best;
}

Fixture small_instance(uint32_t seed, bool service) {
  std::mt19937 gen(seed);
  auto uni = [&](double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(gen()) / 4294967296.0); };
  Fixture f;
  const int H = 2 + static_cast<int>(gen() % 2);
  f.p.horizon = {2027, 1 + static_cast<int>(gen() % 12), H};
  const std::pair<std::string, Vendor> accs[] = {{"gpu-a", Vendor::nvidia}, {"tpu-b", Vendor::google}};
  for (int i = 0; i < 3; ++i) {
    const auto& [a, v] = accs[i % 2];
    const Term t = i == 2 ? Term::commit_1y : (gen() % 3 == 0 ? Term::spot : Term::on_demand);
    std::vector<int> cap(H);
    for (int& c : cap) c = 8 * static_cast<int>(uni(1, 5));
    // A 1y price low enough that a commitment sometimes pays off within a short horizon.
    const double price = t == Term::commit_1y ? uni(0.1, 0.4) : uni(1.0, 3.0);
    f.p.offers.push_back(
        testing::offer("o" + std::to_string(i), "cloud", a, v, t, price, t == Term::commit_1y ? 8 : 1, cap));
  }
  if (service) {
    testing::add_service(f, "svc", {{"gpu-a", std::round(uni(4, 20))}, {"tpu-b", std::round(uni(4, 20))}});
  } else {
    const double tokens = testing::tokens_for(f.p.horizon, uni(8, 30), 1000, 0, H - 1);
    testing::add_training(f, "run", tokens, 0, H - 1, {{"gpu-a", uni(600, 1400)}, {"tpu-b", uni(600, 1400)}});
    Workload& w = f.p.workloads[0];
    if (gen() % 2) w.porting.push_back({Runtime::xla, dollars(uni(1e3, 2e4)), {}});
    w.train.may_move = gen() % 2;
  }
  testing::finish(f);
  return f;
}

TEST(BruteForce, MilpOptimumEqualsEnumeration) {
  int solved = 0, with_commitments = 0, with_porting = 0, infeasible = 0;
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    for (bool service : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "seed " << seed << (service ? " service" : " training"));
      const Fixture f = small_instance(seed, service);
      PlanOptions o;
      o.fluid = true;  // this enumeration fills rentals greedily in average chips: the fluid model
      o.fluid_bound = false;
      o.relative_gap = 0;
      o.baselines = false;
      o.sensitivity = false;
      o.diagnose = false;
      const PlanResult r = plan_portfolio(f.p, f.rates, o);
      const double brute = brute_force(f, 4);
      if (!std::isfinite(brute)) {
        EXPECT_EQ(r.status, PlanStatus::infeasible);
        ++infeasible;
        continue;
      }
      ASSERT_EQ(r.status, PlanStatus::optimal) << r.message;
      EXPECT_TRUE(r.check.ok()) << r.check.verdict();
      EXPECT_NEAR(r.check.cost.si(), brute, 1e-6 * brute + 1e-3);
      solved += 1;
      with_commitments += r.plan.purchases.empty() ? 0 : 1;
      with_porting += r.plan.porting.empty() ? 0 : 1;
    }
  }
  // The draws exercise the integer decisions, not just rentals.
  EXPECT_GT(solved, 40);
  EXPECT_GT(with_commitments, 3);
  EXPECT_GT(with_porting, 1);
  RecordProperty("solved", solved);
  RecordProperty("with_commitments", with_commitments);
  RecordProperty("with_porting", with_porting);
  RecordProperty("infeasible", infeasible);
}

// Small executable portfolios where the vendor-loss scenarios bind: two
// runs with gang ladders on gpu-a (nvidia), one of them sometimes also on
// tpu-b (google), so a run either has no pool to re-route to (its scenario
// row is whole gangs only) or re-routes into the other vendor's spare chips.
Fixture robust_instance(uint32_t seed) {
  std::mt19937 gen(seed);
  auto uni = [&](double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(gen()) / 4294967296.0); };
  Fixture f;
  const int H = 3 + static_cast<int>(gen() % 2);
  f.p.horizon = {2027, 1, H};
  for (int i = 0; i < 4; ++i) {
    const bool tpu = i % 2 == 1;
    const Term t = i < 2 ? Term::on_demand : (gen() % 2 ? Term::commit_1y : Term::on_demand);
    std::vector<int> cap(H);
    for (int& c : cap) c = 8 * static_cast<int>(uni(4, 12));
    const double price = uni(1.0, 3.0) * (t == Term::commit_1y ? 0.6 : 1.0);
    f.p.offers.push_back(testing::offer("o" + std::to_string(i), "cloud-" + std::to_string(i % 3),
                                        tpu ? "tpu-b" : "gpu-a", tpu ? Vendor::google : Vendor::nvidia, t, price, 8,
                                        cap));
  }
  for (int i = 0; i < 2; ++i) {
    const int d = H - 1 - static_cast<int>(gen() % 2);
    const double r = uni(800, 1200);
    testing::add_training(f, "run-" + std::to_string(i), testing::tokens_for(f.p.horizon, uni(10, 30), r, 0, d), 0, d,
                          {});
    testing::add_ladder(f, static_cast<size_t>(i), "gpu-a", {{8, r}, {16, 0.95 * r}, {32, 0.9 * r}});
    if (i == 1 || gen() % 2) testing::add_ladder(f, static_cast<size_t>(i), "tpu-b", {{8, 0.8 * r}, {16, 0.76 * r}});
    f.p.workloads.back().train.may_move = gen() % 2;
  }
  f.p.policy.robustness = Robustness{uni(0.2, 0.6), static_cast<int>(gen() % 2), gen() % 3 == 0 ? 0.25 : 0.0};
  testing::finish(f);
  return f;
}

// The vendor-loss rounding cuts (formulation_exec.cpp, add_robust_rounding_cuts)
// on random small executable portfolios with a robustness policy: the MILP
// optimum is the same with and without them (both solved to a zero gap),
// and their LP bound is never lower. The cut rows must exist (a formulation
// without them would pass the rest trivially). The reference is the model
// without the cuts, not an enumeration: the greedy enumeration above fills
// average chips and has no re-routing, so it cannot price a scenario.
TEST(BruteForce, RobustRoundingCutsKeepTheOptimumAndNeverLowerTheLpBound) {
  int solved = 0, raised = 0, cut_rows = 0;
  for (uint32_t seed = 0; seed < 24; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    const Fixture fx = robust_instance(seed);
    const Formulation with = formulate(fx.p, fx.rates);
    const Formulation without = formulate(fx.p, fx.rates, {.robust_cuts = false});
    for (const Constraint& c : with.model.rows) cut_rows += c.name.starts_with("robust_rounded[") ? 1 : 0;
    const testing::CutComparison c = testing::compare_cuts(with.model, without.model, 1e-6);
    solved += c.optimal ? 1 : 0;
    raised += c.raised ? 1 : 0;
  }
  EXPECT_GE(solved, 12);
  EXPECT_GT(cut_rows, 0);
  RecordProperty("solved", solved);
  RecordProperty("lp_bound_raised", raised);
  RecordProperty("cut_rows", cut_rows);
}

// The bound of the model without the robustness scenarios (bound.h,
// robustness_relaxed_bound), which `plan` reports when it passes CBC's,
// never exceeds the full model's optimum on small random executable
// portfolios where the scenarios bind. The reference is the full model
// solved to a zero gap (proven optimal), for the reason given above: the
// enumeration cannot price a scenario. The draws must include cases where
// the scenarios cost something (the bound strictly below the optimum) and
// where the bound passes the full model's LP relaxation (it is of use).
TEST(BruteForce, BoundWithoutTheScenariosNeverExceedsTheOptimum) {
  int compared = 0, below = 0, above_lp = 0;
  for (uint32_t seed = 0; seed < 24; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    const Fixture fx = robust_instance(seed);
    const Formulation f = formulate(fx.p, fx.rates);
    MilpOptions o;
    o.relative_gap = 0;
    const MilpResult full = solve_milp(f.model, o);
    const RelaxedBound rb = robustness_relaxed_bound(fx.p, fx.rates, f, o);
    if (full.status == MilpStatus::infeasible) continue;
    ASSERT_EQ(full.status, MilpStatus::optimal) << full.message;
    ASSERT_TRUE(std::isfinite(rb.value)) << rb.message;
    const double tol = 1e-6 * std::abs(full.objective) + 1e-3;
    EXPECT_LE(rb.value, full.objective + tol);
    // Its plan is one of the relaxed model: the full model's variables it keeps, NaN on the scenarios' own.
    ASSERT_EQ(rb.values.size(), f.model.vars.size());
    EXPECT_LE(rb.objective, full.objective + tol);
    // What `plan` reports under a time limit (the relaxed bound is computed only then).
    const PlanResult plan = plan_portfolio(fx.p, fx.rates, testing::limited(10));
    EXPECT_LE(plan.best_bound, full.objective + tol);
    EXPECT_LE(plan.relaxed_bound, full.objective + tol);
    compared += 1;
    below += rb.value < full.objective - tol ? 1 : 0;
    const LpResult lp = solve_lp(f.model);
    above_lp += lp.status == LpStatus::optimal && rb.value > lp.objective + tol ? 1 : 0;
  }
  EXPECT_GE(compared, 12);
  EXPECT_GT(below, 0);
  EXPECT_GT(above_lp, 0);
  RecordProperty("compared", compared);
  RecordProperty("below_optimum", below);
  RecordProperty("above_lp", above_lp);
}

// The fluid LP is the bound `plan` raises its own to when CBC's is lower
// (planner.cpp): the fluid model must be a relaxation of the executable one
// at the same prices. On random portfolios with every coupling rule (power,
// shares, two vendors, the vendor-loss scenarios on odd seeds, scarce
// capacity on some) and on the small gang portfolios above (porting, runs
// that may not move, vendor-loss scenarios that bind), the fluid LP is at or
// below the executable model's proven optimum (CBC at zero gap), and so is
// what `plan` reports under a time limit, and the decomposition bound at the
// fluid LP's duals.
TEST(BruteForce, FluidLpNeverExceedsTheExecutableOptimum) {
  int compared = 0, above_exec_lp = 0, above_fluid = 0;
  auto compare = [&](const Fixture& fx) {
    const Formulation f = formulate(fx.p, fx.rates);
    const Formulation fluid = formulate(fx.p, fx.rates, {.fluid = true});
    MilpOptions o;
    o.relative_gap = 0;
    const MilpResult opt = solve_milp(f.model, o);
    if (opt.status != MilpStatus::optimal) return;
    const LpResult lp = solve_lp(fluid.model);
    ASSERT_EQ(lp.status, LpStatus::optimal) << lp.message;
    const double tol = 1e-6 * std::abs(opt.objective) + 1e-3;
    EXPECT_LE(lp.objective, opt.objective + tol);
    const PlanResult plan = plan_portfolio(fx.p, fx.rates, testing::limited(10));
    ASSERT_TRUE(plan.has_plan()) << plan.message;
    EXPECT_LE(plan.best_bound, opt.objective + tol);
    EXPECT_GE(plan.best_bound, lp.objective - tol);  // never below the fluid LP now
    // The decomposition at the fluid LP's duals (and the cheapest prices).
    EXPECT_LE(plan.decomposition_bound, opt.objective + tol);
    above_fluid += plan.decomposition_bound > lp.objective + tol ? 1 : 0;
    compared += 1;
    const LpResult exec_lp = solve_lp(f.model);
    above_exec_lp += exec_lp.status == LpStatus::optimal && lp.objective > exec_lp.objective + tol ? 1 : 0;
  };
  for (uint32_t seed = 0; seed < 16; ++seed) {
    SCOPED_TRACE(::testing::Message() << "random seed " << seed);
    Fixture fx = testing::random_fixture(seed, 4, 8, 3, 3);
    testing::add_coupling_rules(fx, seed);
    compare(fx);
  }
  for (uint32_t seed = 0; seed < 12; ++seed) {
    SCOPED_TRACE(::testing::Message() << "robust seed " << seed);
    compare(robust_instance(seed));
  }
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE(::testing::Message() << "small seed " << seed);
    compare(small_instance(seed, seed % 2 == 0));
  }
  EXPECT_GE(compared, 20);
  RecordProperty("compared", compared);
  RecordProperty("above_executable_lp", above_exec_lp);
  RecordProperty("decomposition_above_fluid_lp", above_fluid);
}

// is_truncation (bound.h) accepts a model cut short and refuses one whose
// kept rows or variables differ, or whose dropped variables cost something
// (then a plan of the full model could cost more than its cut).
TEST(BruteForce, TruncationCheck) {
  MilpModel full;
  full.add_var({.name = "x", .upper = 4, .objective = 1, .integer = true});
  full.add_var({.name = "q", .upper = 2});
  full.add_row(row_ge("a", {{0, 1.0}}, 1.0));
  full.add_row(row_ge("b", {{0, 1.0}, {1, 1.0}}, 3.0));
  MilpModel cut = full;
  cut.vars.pop_back();
  cut.rows.pop_back();
  EXPECT_TRUE(is_truncation(cut, full));
  EXPECT_TRUE(is_truncation(full, full));
  MilpModel costly = full;
  costly.vars[1].objective = 0.5;
  EXPECT_FALSE(is_truncation(cut, costly));
  MilpModel other = cut;
  other.rows[0].lower = 2.0;
  EXPECT_FALSE(is_truncation(other, full));
  other = cut;
  other.vars[0].upper = 3;
  EXPECT_FALSE(is_truncation(other, full));
  other = cut;
  other.objective_offset = 1;
  EXPECT_FALSE(is_truncation(other, full));
  EXPECT_FALSE(is_truncation(full, cut));
}
}  // namespace
}  // namespace xpu
