// Interruption slack: a training gang progresses at the engine's throughput
// times its expected goodput at its chip count (gang_goodput), in the
// planner and, independently, in the checker; with interruptions off the
// planner plans exactly as before (100%).
#include <gtest/gtest.h>

#include <set>

#include "planner/planner.h"
#include "test_portfolios.h"

namespace xpu {
namespace {

using testing::Fixture;

using testing::exact;

// One month, one pool of gpu-a (8-chip instances, 64 chips), a ladder 8..64 at
// 1000 tokens/s per chip, and a run that 32 chips finish in exactly the month at 100%.
Fixture one_month_run() {
  Fixture f;
  f.p.horizon = {2027, 4, 1};
  f.p.offers = {testing::offer("a-od", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 2.0, 8, {64})};
  testing::add_training(f, "run", testing::tokens_for(f.p.horizon, 32, 1000, 0, 0), 0, 0, {});
  testing::add_ladder(f, 0, "gpu-a", {{8, 1000}, {16, 1000}, {32, 1000}, {64, 1000}});
  testing::finish(f);
  return f;
}

// Interruptions that leave a 32-chip gang 90% of its time: no checkpoint
// writes (the test model has no parameters), a 600 s stall each, 32 x rate x 600 s / 3600 = 0.1.
GangInterruptions ten_percent_at_32() {
  GangInterruptions g;
  g.failures.push_back({.accelerator = "default", .per_chip_hour = 0.1 * 3600 / (600.0 * 32)});
  g.restart = Seconds(600);
  g.source = "test";
  return g;
}

TEST(Interruptions, GoodputAtACountIsTheSharedFormula) {
  Fixture f = one_month_run();
  f.p.interruptions = ten_percent_at_32();
  const Workload& w = f.p.workloads[0];
  EXPECT_NEAR(gang_goodput(f.p, w, "gpu-a", 0, 32), 0.9, 1e-12);
  EXPECT_NEAR(gang_goodput(f.p, w, "gpu-a", 0, 64), 0.8, 1e-12);
  // A spot pool's reclaims add to the chips' rate: 2 an hour stall 1200 s of every hour.
  EXPECT_NEAR(gang_goodput(f.p, w, "gpu-a", 2.0, 32), 0.9 - 2 * 600 / 3600.0, 1e-12);
  f.p.interruptions.on = false;
  EXPECT_EQ(gang_goodput(f.p, w, "gpu-a", 2.0, 64), 1.0);
}

TEST(Interruptions, GangProgressIsDeratedByItsGoodput) {
  Fixture f = one_month_run();
  const PlanResult at_full = plan_portfolio(f.p, f.rates, exact());
  ASSERT_EQ(at_full.status, PlanStatus::optimal) << at_full.message;
  ASSERT_EQ(at_full.plan.gangs.size(), 1u);
  EXPECT_EQ(at_full.plan.gangs[0].chips, 32);  // exactly enough at 100%
  EXPECT_EQ(at_full.plan.gangs[0].goodput, 1.0);

  f.p.interruptions = ten_percent_at_32();
  const PlanResult r = plan_portfolio(f.p, f.rates, exact());
  ASSERT_EQ(r.status, PlanStatus::optimal) << r.message;
  EXPECT_TRUE(r.check.ok()) << r.check.verdict();
  ASSERT_EQ(r.plan.gangs.size(), 1u);
  // 32 chips at 90% no longer finish the run: the next count does, at its own (lower) goodput.
  const Gang& g = r.plan.gangs[0];
  EXPECT_EQ(g.chips, 64);
  EXPECT_NEAR(g.goodput, 0.8, 1e-12);
  EXPECT_EQ(g.tokens_per_s, 64 * 1000.0);  // the engine's, not derated: the simulator derates by simulating
  EXPECT_GT(r.check.cost.si(), at_full.check.cost.si());
}

// The fluid model (the price of executability's bound) progresses at the same
// goodput, so that price does not include the price of reliability.
TEST(Interruptions, FluidBoundIsDeratedByTheSameGoodput) {
  PlanOptions o = exact();
  o.fluid_bound = true;
  Fixture f = one_month_run();
  const PlanResult at_full = plan_portfolio(f.p, f.rates, o);
  f.p.interruptions = ten_percent_at_32();
  const PlanResult r = plan_portfolio(f.p, f.rates, o);
  ASSERT_EQ(at_full.status, PlanStatus::optimal) << at_full.message;
  ASSERT_EQ(r.status, PlanStatus::optimal) << r.message;
  ASSERT_GT(at_full.fluid_bound, 0);
  // At 100%: 32 chips all month. At the goodput (0.975, 0.95, 0.9, 0.8 at 8,
  // 16, 32, 64 chips) the curve reaches 32,000 tokens/s at 32 + 3,200 / 700
  // chips (the piece from 28,800 at 32 to 51,200 at 64).
  EXPECT_NEAR(r.fluid_bound / at_full.fluid_bound, (32 + 3200.0 / 700) / 32, 1e-6);
  // Still a bound on the executable plan (64 chips at 80%).
  EXPECT_LE(r.fluid_bound, r.check.cost.si() * (1 + 1e-9));
}

TEST(Interruptions, CheckerRejectsAPlanMadeAtFullGoodput) {
  Fixture f = one_month_run();
  const PlanResult at_full = plan_portfolio(f.p, f.rates, exact());
  ASSERT_TRUE(at_full.check.ok()) << at_full.check.verdict();
  f.p.interruptions = ten_percent_at_32();
  const CheckReport c = check_plan(f.p, f.rates, at_full.plan);
  std::set<std::string> rules;
  for (const Violation& v : c.violations) rules.insert(v.rule);
  EXPECT_TRUE(rules.contains("deadline")) << c.verdict();
  EXPECT_TRUE(rules.contains("goodput")) << c.verdict();  // the plan says 1, the input 0.9
  EXPECT_NEAR(c.progress[0].fraction_by_month[0], 0.9, 1e-9);

  // Stating the input's goodput is not enough: 32 chips at 90% still miss the deadline.
  Plan relabeled = at_full.plan;
  relabeled.gangs[0].goodput = 0.9;
  const CheckReport c2 = check_plan(f.p, f.rates, relabeled);
  ASSERT_EQ(c2.violations.size(), 1u) << c2.verdict();
  EXPECT_EQ(c2.violations[0].rule, "deadline");
}

TEST(Interruptions, OffReproducesThePlanAtFullThroughput) {
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    Fixture f = testing::random_fixture(seed);
    PlanOptions o = exact();
    o.time_limit_s = 20;
    const PlanResult before = plan_portfolio(f.p, f.rates, o);  // no rates given: goodput 1 everywhere
    f.p.interruptions = ten_percent_at_32();
    f.p.interruptions.on = false;
    const PlanResult off = plan_portfolio(f.p, f.rates, o);
    EXPECT_EQ(before.status, off.status) << seed;
    EXPECT_EQ(before.plan.gangs, off.plan.gangs) << seed;
    EXPECT_EQ(before.plan.rentals, off.plan.rentals) << seed;
    EXPECT_EQ(before.plan.purchases, off.plan.purchases) << seed;
    EXPECT_EQ(before.plan.assignments, off.plan.assignments) << seed;
    EXPECT_EQ(before.check.cost.si(), off.check.cost.si()) << seed;
    for (const Gang& g : off.plan.gangs) EXPECT_EQ(g.goodput, 1.0);
  }
}

}  // namespace
}  // namespace xpu
