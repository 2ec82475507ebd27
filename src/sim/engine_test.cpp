// Properties of the event engine with fixed seeds: the plan reproduced when
// nothing goes wrong, gangs stopped whole, services losing only replicas,
// monotonicity in capacity and in the failure rate.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/render.h"
#include "sim/simulate.h"
#include "test_inputs.h"

namespace xpu {
namespace {

using namespace sim_testing;

SimResult run_ok(const SimInput& in, const Risks& risks, SimOptions o) {
  auto r = simulate(in, risks, o);
  EXPECT_TRUE(r.has_value()) << (r ? "" : format_diagnostics(r.error()));
  return r ? *r : SimResult{};
}

TEST(Engine, NoRisksReproducesThePlansCostAndFinishMonthsExactly) {
  const SimInput in = small_fleet();
  const PlanOutcome plan = evaluate_plan(in);
  EXPECT_EQ(plan.finish_month, (std::vector<int>{2, 1}));
  const SimResult r =
      run_ok(in, Risks{}, {.replicas = 3, .seed = 5, .threads = 1, .policies = {"static", "failover", "ordered"}});
  ASSERT_EQ(r.policies.size(), 3u);
  for (const PolicyResult& p : r.policies) {
    SCOPED_TRACE(p.policy);
    EXPECT_NEAR(p.cost.p10 / plan.cost.si(), 1.0, 1e-9);
    EXPECT_NEAR(p.cost.p90 / plan.cost.si(), 1.0, 1e-9);
    EXPECT_NEAR(p.cost_vs_plan, 0.0, 1e-9);
    for (size_t i = 0; i < p.runs.size(); ++i) {
      EXPECT_DOUBLE_EQ(p.runs[i].finish_month_p[plan.finish_month[i]], 1.0);
      EXPECT_NEAR(p.runs[i].delay_days.p99, 0.0, 1e-9);
      EXPECT_NEAR(p.runs[i].delay_days.p10, 0.0, 1e-9);
      EXPECT_DOUBLE_EQ(p.runs[i].effective_training_time.mean, 1.0);
      EXPECT_EQ(p.runs[i].p_miss_deadline, 0.0);
      EXPECT_EQ(p.runs[i].interruptions.mean, 0.0);
      // The monthly series follow the plan's schedule: every replica at the plan's progress, done at its finish.
      ASSERT_EQ(p.runs[i].progress_by_month.size(), in.horizon.month_hours.size());
      for (size_t m = 0; m < p.runs[i].progress_by_month.size(); ++m) {
        EXPECT_NEAR(p.runs[i].progress_by_month[m].p10, p.runs[i].planned_progress[m], 1e-9) << m;
        EXPECT_NEAR(p.runs[i].progress_by_month[m].p90, p.runs[i].planned_progress[m], 1e-9) << m;
        EXPECT_EQ(p.runs[i].planned_progress[m] == 1.0, static_cast<int>(m) >= plan.finish_month[i]) << m;
      }
    }
    EXPECT_EQ(p.services[0].violation_hours.mean, 0.0);
    EXPECT_EQ(p.breaches.mean, 0.0);
    // Cumulative spend never falls and ends at the total.
    ASSERT_FALSE(p.cost_by_month.empty());
    for (size_t m = 1; m < p.cost_by_month.size(); ++m) EXPECT_GE(p.cost_by_month[m].p10, p.cost_by_month[m - 1].p90);
    EXPECT_NEAR(p.cost_by_month.back().p50 / plan.cost.si(), 1.0, 1e-9);
  }
}

// Whole-month rentals (executable plans) are billed every hour, held or not;
// chips held beyond them only while held. The TPU run finishes mid-month on a
// rental of 768 chips (512 held) and the service holds 128 H100 chips of 64
// rented: without risks the simulation bills exactly what evaluate_plan does,
// the rentals in full.
TEST(Engine, WholeMonthRentalsAreBilledAsThePlanBuysThem) {
  SimInput in = small_fleet();
  in.pools[2].rented.assign(in.horizon.month_hours.size(), 0);
  in.pools[2].rented[1] = 768;
  in.pools[1].rented.assign(in.horizon.month_hours.size(), 64);
  const PlanOutcome plan = evaluate_plan(in);
  const PlanOutcome unrented = evaluate_plan(small_fleet());
  // The TPU rental: 768 chips all of February at $3, against 512 for the 300 hours the run held them.
  const double feb = in.horizon.month_hours[1];
  EXPECT_NEAR(plan.spend_by_pool[2] - unrented.spend_by_pool[2], 3.0 * (768 * feb - 512 * 300.0), 1e-6);
  EXPECT_NEAR(plan.spend_by_pool[1], unrented.spend_by_pool[1], 1e-6);  // held beyond the rental anyway
  const SimResult r = run_ok(in, Risks{}, {.replicas = 2, .seed = 5, .threads = 1, .policies = {"static", "failover"}});
  for (const PolicyResult& p : r.policies) {
    SCOPED_TRACE(p.policy);
    EXPECT_NEAR(p.cost.p10 / plan.cost.si(), 1.0, 1e-9);
    EXPECT_NEAR(p.cost.p90 / plan.cost.si(), 1.0, 1e-9);
  }
}

TEST(Engine, APlanThatFillsItsMonthsExactlyFinishesInThem) {
  SimInput in = small_fleet();
  // Exactly January + February at the planned rate.
  in.runs[0].tokens = 1024 * 3000.0 * 3600 * (744 + 672);
  const PlanOutcome plan = evaluate_plan(in);
  EXPECT_EQ(plan.finish_month[0], 1);
  const SimResult r = run_ok(in, Risks{}, {.replicas = 1, .seed = 1, .threads = 1});
  EXPECT_DOUBLE_EQ(r.policies[0].runs[0].finish_month_p[1], 1.0);
  EXPECT_NEAR(r.policies[0].cost_mean.mean / plan.cost.si(), 1.0, 1e-9);
}

// Regression (found on the shipped example through the plan adapter): a run
// whose tokens end exactly with the horizon finished in evaluate_plan but not
// in the simulation, which stopped before settling the horizon's end.
TEST(Engine, ARunThatEndsExactlyWithTheHorizonFinishesInTheLastMonth) {
  SimInput in = small_fleet();
  const int last = in.horizon.months() - 1;
  for (RunMonth& a : in.runs[0].months) a = RunMonth{};
  in.runs[0].months[last] = RunMonth{.pool = 0, .chips = 1024, .tokens_per_s = 3000.0 * 1024};
  in.runs[0].earliest = last;
  in.runs[0].deadline = last;
  in.runs[0].tokens = 1024 * 3000.0 * 3600 * in.horizon.month_hours[last];
  const PlanOutcome plan = evaluate_plan(in);
  ASSERT_EQ(plan.finish_month[0], last);
  const SimResult r = run_ok(in, Risks{}, {.replicas = 1, .seed = 1, .threads = 1});
  EXPECT_DOUBLE_EQ(r.policies[0].runs[0].finish_month_p[last], 1.0);
  EXPECT_EQ(r.policies[0].runs[0].p_miss_deadline, 0.0);
}

// One month without its pool: the gang stops whole, waits (static does not
// replace capacity) and resumes from its last checkpoint after a restart.
TEST(Engine, AGangStopsWholeAndResumesFromItsLastCheckpoint) {
  SimInput in = small_fleet();
  in.services.clear();
  Risks risks;
  risks.scripted.push_back(
      {.name = "outage", .target = {Scope::pool, "h100-1y", {}}, .depth = 0.1, .from = 1, .months = 1});
  risks.checkpoint.interval = hours(1);
  const SimResult r = run_ok(in, risks, {.replicas = 1, .seed = 1, .threads = 1});
  const RunSummary& run = r.policies[0].runs[0];
  EXPECT_EQ(run.evictions.mean, 1.0);
  // February (672 h) is lost, plus the restart (600 s), the work since the
  // last hourly checkpoint (under an hour) and the 10 s writes.
  const double delay_h = run.delay_days.p50 * 24;
  EXPECT_GT(delay_h, 672.0 + 600.0 / 3600);
  EXPECT_LT(delay_h, 672.0 + 600.0 / 3600 + 1.0 + 0.01 * 1416);
  EXPECT_LT(run.effective_training_time.mean, 1.0);
  EXPECT_DOUBLE_EQ(run.p_miss_deadline, 0.0);  // deadline May; done in April
}

TEST(Engine, AServiceLosesOnlyTheReplicasWhoseChipsAreGone) {
  SimInput in = small_fleet();
  Risks risks;
  // Half of the on-demand H100 pool for one month: 1024 chips remain, so
  // the service's 128 chips survive; at 95% loss only 96 chips (12 replicas) do.
  risks.scripted.push_back(
      {.name = "half", .target = {Scope::pool, "h100-od", {}}, .depth = 0.5, .from = 3, .months = 1});
  SimResult r = run_ok(in, risks, {.replicas = 1, .seed = 1, .threads = 1});
  EXPECT_EQ(r.policies[0].services[0].violation_hours.mean, 0.0);
  risks.scripted[0].depth = 0.953125;  // 2048 * (1 - d) = 96 chips
  r = run_ok(in, risks, {.replicas = 1, .seed = 1, .threads = 1});
  // 12 replicas x 10 req/s < 150 req/s for all of April (720 h).
  EXPECT_NEAR(r.policies[0].services[0].violation_hours.mean, 720.0, 1e-6);
  EXPECT_EQ(r.policies[0].runs[1].evictions.mean, 0.0);
}

// Static: a deeper pool (more capacity for the same plan) never lowers the
// chance of meeting the deadline under the same shocks.
TEST(Engine, MoreCapacityNeverLowersTheProbabilityOfMeetingADeadline) {
  Risks risks;
  risks.shocks.push_back({.name = "supply",
                          .target = {Scope::vendor, "nvidia", {}},
                          .per_year = 6,
                          .depth = {Distribution::Kind::uniform, 0.05, 0.6, 0},
                          .duration = {Distribution::Kind::exponential, 10 * 86400.0, 0, 0}});
  risks.failures.push_back(failures("h100-sxm", 2e-5));
  double last = -1;
  for (const int64_t extra : {0, 128, 256, 512, 1024}) {
    SimInput in = small_fleet();
    in.runs[0].deadline = 2;
    for (auto& c : in.pools[0].capacity) c += extra;
    const SimResult r = run_ok(in, risks, {.replicas = 300, .seed = 11, .threads = 2});
    const double meet = 1 - r.policies[0].runs[0].p_miss_deadline;
    EXPECT_GE(meet, last) << "extra " << extra;
    last = meet;
  }
  EXPECT_GT(last, 0.5);
}

TEST(Engine, DoublingTheFailureRateNeverRaisesGoodput) {
  for (const uint64_t seed : {1u, 2u, 3u}) {
    double goodput = 2, ett = 2;
    for (const double rate : {1e-5, 2e-5, 4e-5, 8e-5}) {
      Risks risks;
      risks.failures.push_back(failures("h100-sxm", rate));
      risks.failures.push_back(failures("tpu-v5p", rate));
      const SimResult r = run_ok(small_fleet(), risks, {.replicas = 200, .seed = seed, .threads = 2});
      const RunSummary& run = r.policies[0].runs[0];
      EXPECT_LE(run.goodput.mean, goodput) << "seed " << seed << " rate " << rate;
      EXPECT_LE(run.effective_training_time.mean, ett);
      EXPECT_GT(run.interruptions.mean, 0.0);
      goodput = run.goodput.mean;
      ett = run.effective_training_time.mean;
    }
  }
}

}  // namespace
}  // namespace xpu
