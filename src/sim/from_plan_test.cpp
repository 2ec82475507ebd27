// The plan adapter on a hand-made plan (planner test fixtures, no engines):
// pools from offers, commitments over their term, a run split over two
// offers, rounding to whole instances, whole replicas, fixed costs.
#include "sim/from_plan.h"

#include <gtest/gtest.h>

#include "planner/check.h"
#include "planner/test_portfolios.h"

namespace xpu {
namespace {

using testing::Fixture;

// 3 months; a 1y commitment of 2 instances bought in January; a run on the
// commitment plus 8 spare v5p chips in January, then 12 on-demand H100 chips
// in February; a service on 4 on-demand H100 chips every month.
struct Example {
  Fixture f;
  Plan plan;
  double hours0 = 744, hours1 = 672;
  Example() {
    f.p.horizon.months = 3;
    f.p.offers = {testing::offer("a-od", "aws", "h100-sxm", Vendor::nvidia, Term::on_demand, 4.0, 8, {64, 64, 64}),
                  testing::offer("b-1y", "neo", "h100-sxm", Vendor::nvidia, Term::commit_1y, 2.0, 8, {64, 64, 64}),
                  testing::offer("g-od", "gcp", "tpu-v5p", Vendor::google, Term::on_demand, 3.0, 4, {64, 64, 64})};
    const double tokens = (16 * 1000.0 + 8 * 800.0) * hours0 * 3600 + 12 * 1000.0 * hours1 * 3600;
    testing::add_training(f, "train", tokens, 0, 2, {{"h100-sxm", 1000.0}, {"tpu-v5p", 800.0}});
    testing::add_service(f, "svc", {{"h100-sxm", 8.0}});
    testing::finish(f);
    const WorkloadId run(0), svc(1);
    const OfferId a(0), b(1), g(2);
    plan.purchases = {{b, 0, 2}};
    plan.rentals = {{a, 0, 4}, {a, 1, 16}, {a, 2, 4}, {g, 0, 8}};
    plan.assignments = {{run, b, 0, 16}, {run, g, 0, 8}, {run, a, 1, 12},
                        {svc, a, 0, 4},  {svc, a, 1, 4}, {svc, a, 2, 4}};
    canonicalize(plan);
  }
};

TEST(FromPlan, PoolsRunsServicesAndFixedCostFollowThePlan) {
  const Example ex;
  const SimInput in = sim_input_from_plan(ex.f.p, ex.f.rates, ex.plan);
  EXPECT_TRUE(validate_sim_input(in).empty());
  ASSERT_EQ(in.pools.size(), 3u);
  EXPECT_EQ(in.pools[0].name, "a-od");
  EXPECT_EQ(in.pools[1].capacity, (std::vector<int64_t>{16, 16, 16}));  // bought chips, every month of the term
  EXPECT_EQ(in.pools[2].vendor, "google");

  ASSERT_EQ(in.runs.size(), 1u);
  const SimRun& run = in.runs[0];
  // January: the commitment holds most chips; the run trains at its rate on both offers.
  EXPECT_EQ(run.months[0], (RunMonth{.pool = 1, .chips = 16, .tokens_per_s = 16 * 1000.0 + 8 * 800.0}));
  // February: 12 chips become two whole instances of 8, at the plan's rate for 12.
  EXPECT_EQ(run.months[1].pool, 0);
  EXPECT_EQ(run.months[1].chips, 16);
  EXPECT_NEAR(run.months[1].tokens_per_s, 12 * 1000.0, 1e-6);
  EXPECT_EQ(run.months[2].pool, -1);
  EXPECT_EQ(run.options.size(), 2u);  // each accelerator's scale point

  ASSERT_EQ(in.services.size(), 1u);
  // 4 chips of one-chip replicas on 8-chip instances: one whole instance, 8 replicas of demand x 1 / need 8.
  EXPECT_EQ(in.services[0].months[0], (std::vector<ReplicaSet>{{0, 8, 1, 1.0 / 8}}));

  // Fixed: the commitment's 9 months past the horizon, and the run's v5p rental it does not simulate.
  double past = 0;
  const Horizon longer{2027, 1, 12};
  for (int m = 3; m < 12; ++m) past += 16 * 2.0 * longer.hours(m);
  EXPECT_NEAR(in.fixed_cost.si(), past + 8 * 3.0 * ex.hours0, 1e-6);
  EXPECT_FALSE(in.plan_cost.has_value());

  // Without risks the adapted plan finishes the run when the planner's schedule does (February).
  EXPECT_EQ(evaluate_plan(in).finish_month[0], 1);
}

// An executable plan rents whole instances for whole months. The run finishes
// three quarters into February on two rented instances: without risks the
// adapted plan still costs exactly what the plan's decisions cost.
TEST(FromPlan, WholeRentalsMakeTheSimulatedCostThePlansOwn) {
  Example ex;
  const WorkloadId run(0), svc(1);
  const OfferId a(0), b(1), g(2);
  ex.plan.rentals = {{a, 0, 8, 1}, {a, 1, 24, 3}, {a, 2, 8, 1}, {g, 0, 8, 2}};
  ex.plan.assignments = {{run, b, 0, 16}, {run, g, 0, 8}, {run, a, 1, 16},
                         {svc, a, 0, 8},  {svc, a, 1, 8}, {svc, a, 2, 8}};
  canonicalize(ex.plan);
  const SimInput in = sim_input_from_plan(ex.f.p, ex.f.rates, ex.plan);
  EXPECT_TRUE(validate_sim_input(in).empty()) << format_diagnostics(validate_sim_input(in));
  EXPECT_EQ(in.pools[0].rented, (std::vector<int64_t>{8, 24, 8}));
  EXPECT_EQ(in.pools[2].rented, (std::vector<int64_t>{8, 0, 0}));
  const PlanOutcome o = evaluate_plan(in);
  EXPECT_EQ(o.finish_month[0], 1);
  EXPECT_NEAR(o.cost.si(), plan_cost(ex.f.p, ex.plan).si(), 1e-6 * o.cost.si());
  // The v5p rental is billed as rented, not as unsimulated fixed cost as well.
  double past = 0;
  const Horizon longer{2027, 1, 12};
  for (int m = 3; m < 12; ++m) past += 16 * 2.0 * longer.hours(m);
  EXPECT_NEAR(in.fixed_cost.si(), past, 1e-6);
  // Cut after January: February's rentals are not made.
  EXPECT_EQ(cut_horizon(in, 1).pools[0].rented, (std::vector<int64_t>{8}));
}

TEST(FromPlan, CutHorizonKeepsCommitmentsPaidAndMovesDeadlines) {
  const Example ex;
  const SimInput full = sim_input_from_plan(ex.f.p, ex.f.rates, ex.plan);
  const SimInput cut = cut_horizon(full, 1);
  EXPECT_TRUE(validate_sim_input(cut).empty());
  EXPECT_EQ(cut.horizon.months(), 1);
  EXPECT_EQ(cut.runs[0].deadline, 0);
  EXPECT_NEAR(cut.fixed_cost.si() - full.fixed_cost.si(), 16 * 2.0 * (ex.hours1 + 744), 1e-6);
  EXPECT_EQ(cut_horizon(full, 0).horizon.months(), 3);
}

}  // namespace
}  // namespace xpu
