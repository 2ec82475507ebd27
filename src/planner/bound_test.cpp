// The decomposition bound (bound.h): never above the executable optimum,
// equal to it when nothing couples the workloads, at least the LP
// relaxation at its duals, and above it where the LP pays a fraction of a
// porting cost or of a gang.
#include "planner/bound.h"

#include <gtest/gtest.h>

#include <cmath>

#include "milp/solve.h"
#include "planner/planner.h"
#include "test_portfolios.h"

namespace xpu {
namespace {

using testing::Fixture;

PlanBound bound_of(const Fixture& fx, const Formulation& f, const std::vector<double>& duals = {}) {
  return decomposition_bound(fx.p, f, duals, kInfinity);
}

// L(y) on a hand model: min 2x + 3b, x + b >= 3.5 (priced), b >= 1.5 (b's
// block, b integer), x in [0, 10] outside every block. Optimum 2 * 1.5 + 3 * 2
// = 9 (b = 2, x = 1.5). At y = 2, L = 7 + min (2 - 2) x + min_{b >= 1.5,
// integer} (3 - 2) b = 7 + 2 = 9; at y = 3, x's price favours its upper
// bound: 10.5 + (2 - 3) * 10 + 0 * b = 0.5; a wrong-signed y counts as 0.
TEST(DecompositionBound, LagrangianValueByHand) {
  MilpModel m;
  m.vars = {{.name = "x", .upper = 10, .objective = 2}, {.name = "b", .upper = 5, .objective = 3, .integer = true}};
  m.rows = {row_ge("couple", {{0, 1.0}, {1, 1.0}}, 3.5), row_ge("block", {{1, 1.0}}, 1.5)};
  const std::vector<int> row_block{-1, 0}, var_block{-1, 0};
  EXPECT_NEAR(lagrangian_value(m, row_block, var_block, {2, 0}, 10).value, 9, 1e-9);
  EXPECT_NEAR(lagrangian_value(m, row_block, var_block, {3, 0}, 10).value, 0.5, 1e-9);
  EXPECT_NEAR(lagrangian_value(m, row_block, var_block, {-1, 0}, 10).value, 6, 1e-9);          // y = 0: 0 + 3 * 2
  EXPECT_NEAR(lagrangian_value(m, row_block, var_block, {2, 0}, 10, false).value, 8.5, 1e-9);  // block LP: b = 1.5
}

// Random portfolios with every coupling rule the policy has (power at a
// site, vendor and provider shares, two vendors, the vendor-loss scenario
// on odd seeds, scarce capacity on some): both bounds stay at or below the proven optimum, and the
// one at the LP's duals at or above the LP relaxation.
TEST(DecompositionBound, NeverAboveTheOptimumAndAtLeastTheLp) {
  int solved = 0, above_lp = 0;
  for (uint32_t seed = 0; seed < 32; ++seed) {
    SCOPED_TRACE(seed);
    Fixture fx = testing::random_fixture(seed, 4, 8, 3, 3);
    // Scarce capacity on some: rentals at their caps carry a negative reduced cost at the LP's duals.
    testing::add_coupling_rules(fx, seed);
    const Formulation f = formulate(fx.p, fx.rates);
    const MilpResult opt = solve_milp(f.model);
    if (opt.status != MilpStatus::optimal) continue;
    ++solved;
    const LpResult lp = solve_lp(f.model);
    ASSERT_EQ(lp.status, LpStatus::optimal) << lp.message;
    const PlanBound b = bound_of(fx, f, lp.row_duals);
    const double tol = 1e-6 * std::abs(opt.objective) + 1e-3;
    ASSERT_TRUE(std::isfinite(b.cheapest_prices)) << b.message;
    ASSERT_TRUE(std::isfinite(b.lp_duals)) << b.message;
    EXPECT_LE(b.cheapest_prices, opt.objective + tol);
    EXPECT_LE(b.lp_duals, opt.objective + tol);
    EXPECT_GE(b.lp_duals, lp.objective - 1e-6 * std::abs(lp.objective) - 1e-3);
    EXPECT_EQ(b.value, std::max(b.cheapest_prices, b.lp_duals));
    above_lp += b.value > lp.objective * (1 + 1e-6);
  }
  EXPECT_GE(solved, 10);
  RecordProperty("solved", solved);
  RecordProperty("above_lp", above_lp);
}

// One run that may not move, or one service, on pay-as-you-go offers:
// nothing couples it to anything, so the bound at the cheapest prices is
// the optimum itself.
TEST(DecompositionBound, EqualsTheOptimumWhenNothingCouples) {
  for (bool service : {false, true}) {
    SCOPED_TRACE(service);
    Fixture f;
    f.p.horizon = {2027, 4, 3};
    // A service's replicas may share an instance with another workload's, so
    // the bound counts its chips, not whole instances: 1-chip instances here.
    const int per = service ? 1 : 8;
    f.p.offers = {testing::offer("a-od", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 2.0, per, {32, 64, 64}),
                  testing::offer("a-spot", "c1", "gpu-a", Vendor::nvidia, Term::spot, 0.9, per, {64, 64, 64}),
                  testing::offer("b-od", "c2", "gpu-a", Vendor::nvidia, Term::on_demand, 2.5, per, {64, 64, 64}),
                  testing::offer("t-od", "c3", "tpu-b", Vendor::google, Term::on_demand, 2.2, 4, {64, 64, 64})};
    if (service) {
      testing::add_service(f, "svc", {{"gpu-a", 13}, {"tpu-b", 9}});
      f.rates.workloads[0].by_accelerator[1].chips_per_replica = 3;
    } else {
      testing::add_training(f, "run", 0, 0, 2, {});
      f.p.workloads[0].train.job.tokens = testing::tokens_for(f.p.horizon, 20, 1000, 0, 2);
      testing::add_ladder(f, 0, "gpu-a", {{8, 1000}, {16, 950}, {32, 900}});
      testing::add_ladder(f, 0, "tpu-b", {{8, 1100}, {16, 1000}});
      f.p.workloads[0].train.may_move = false;
    }
    testing::finish(f);
    const Formulation fm = formulate(f.p, f.rates);
    const MilpResult opt = solve_milp(fm.model);
    ASSERT_EQ(opt.status, MilpStatus::optimal) << opt.message;
    const PlanBound b = bound_of(f, fm);
    EXPECT_NEAR(b.cheapest_prices, opt.objective, 1e-7 * opt.objective) << b.message;
    EXPECT_EQ(b.source, "decomposition, cheapest prices");
  }
}

// A run that is cheapest on tpu-b after a $40,000 port, or on gpu-a without
// one. The LP relaxation pays a sliver of the port (its binary is only tied
// to the chips by a big-M row) and a fraction of a month of a large gang; the
// run's block pays whole gangs and the whole port, so the bound with exact
// blocks is the optimum.
TEST(DecompositionBound, StrongerThanTheLpRelaxation) {
  Fixture f;
  f.p.horizon = {2027, 4, 2};
  f.p.offers = {testing::offer("a-od", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 3.0, 8, {64, 64}),
                testing::offer("t-od", "c3", "tpu-b", Vendor::google, Term::on_demand, 1.0, 4, {64, 64})};
  testing::add_training(f, "run", testing::tokens_for(f.p.horizon, 20, 1000, 0, 1), 0, 1, {});
  testing::add_ladder(f, 0, "gpu-a", {{8, 1000}, {32, 1000}});
  testing::add_ladder(f, 0, "tpu-b", {{8, 1000}, {32, 1000}});
  f.p.workloads[0].porting.push_back({Runtime::xla, dollars(40000), {}});
  testing::finish(f);
  const Formulation fm = formulate(f.p, f.rates);
  const MilpResult opt = solve_milp(fm.model);
  ASSERT_EQ(opt.status, MilpStatus::optimal) << opt.message;
  const LpResult lp = solve_lp(fm.model);
  ASSERT_EQ(lp.status, LpStatus::optimal) << lp.message;
  const PlanBound b = bound_of(f, fm, lp.row_duals);
  EXPECT_GT(b.value, lp.objective * 1.05) << lp.objective;
  EXPECT_NEAR(b.value, opt.objective, 1e-7 * opt.objective);
  EXPECT_NEAR(b.cheapest_prices, opt.objective, 1e-7 * opt.objective);
  // The planner computes it with each block's LP relaxation (weaker, fast).
  const PlanBound lp_blocks = decomposition_bound(f.p, fm, {}, kInfinity, {.exact_blocks = false});
  EXPECT_LE(lp_blocks.value, b.cheapest_prices + 1e-9 * b.cheapest_prices);
  PlanOptions o;
  o.baselines = false;
  o.sensitivity = false;
  o.time_limit_s = 10;
  const PlanResult r = plan_portfolio(f.p, f.rates, o);
  ASSERT_TRUE(r.has_plan()) << r.message;
  EXPECT_NEAR(r.decomposition_bound, lp_blocks.value, 1e-9 * lp_blocks.value);
  EXPECT_LE(r.best_bound, r.objective);
  EXPECT_FALSE(r.bound_source.empty());
}

}  // namespace
}  // namespace xpu
