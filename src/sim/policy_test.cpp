// Policies compared on the same draws, and decisions checked against the rules.
#include "sim/policy.h"

#include <gtest/gtest.h>

#include "sim/prepared.h"
#include "sim/simulate.h"
#include "test_inputs.h"

namespace xpu {
namespace {

using namespace sim_testing;

// The pretraining run loses its commitment for February; an on-demand TPU pool
// (with an engine layout for the run) and idle committed H100s elsewhere could host it.
SimInput outage_fleet() {
  SimInput in = small_fleet();
  const int M = in.horizon.months();
  in.pools.push_back(pool("h100-3y-spare", "h100-sxm", "nvidia", "oci", Term::commit_3y, 3.5, 1024, M));
  in.runs[0].options.push_back(RunOption{"tpu-v5p", 1024, 1024 * 3000.0});
  in.runs[0].options.push_back(RunOption{"h100-sxm", 1024, 1024 * 3000.0});
  in.pools[2].capacity.assign(M, 2048);
  return in;
}

Risks february_outage() {
  Risks risks;
  risks.scripted.push_back(
      {.name = "outage", .target = {Scope::pool, "h100-1y", {}}, .depth = 1.0, .from = 1, .months = 1});
  risks.checkpoint.interval = hours(1);
  return risks;
}

const PolicyResult& policy(const SimResult& r, std::string_view name) {
  for (const auto& p : r.policies) {
    if (p.policy == name) return p;
  }
  ADD_FAILURE() << "no policy " << name;
  return r.policies.front();
}

TEST(Policies, RegistryListsEachWithOneLine) {
  EXPECT_EQ(policy_names(), (std::vector<std::string>{"static", "failover", "ordered", "replan"}));
  for (const auto& p : sim_policies()) EXPECT_FALSE(p.description.empty());
  EXPECT_EQ(find_policy("nope"), nullptr);
}

// A scenario has no portfolio to re-plan: `replan` fails over, decision for decision.
TEST(Policies, ReplanWithoutAPortfolioFailsOver) {
  const auto r = simulate(outage_fleet(), february_outage(),
                          {.replicas = 2, .seed = 1, .threads = 1, .policies = {"failover", "replan"}});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(policy(*r, "replan").cost.p50, policy(*r, "failover").cost.p50);
  EXPECT_EQ(policy(*r, "replan").runs[0].delay_days.p50, policy(*r, "failover").runs[0].delay_days.p50);
}

TEST(Policies, UnknownPolicyIsReportedWithTheNearMiss) {
  auto r = simulate(small_fleet(), Risks{}, {.replicas = 1, .seed = 1, .threads = 1, .policies = {"failvoer"}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(format_diagnostics(r.error()),
            "--policy: error: unknown policy 'failvoer' (did you mean 'failover'?); known: static, failover, ordered, "
            "replan\n");
}

TEST(Policies, StaticWaitsFailoverBuysOnDemandOrderedUsesIdleReservedChipsFirst) {
  const auto r = simulate(outage_fleet(), february_outage(),
                          {.replicas = 1, .seed = 1, .threads = 1, .policies = {"static", "failover", "ordered"}});
  ASSERT_TRUE(r.has_value());
  const PolicyResult& st = policy(*r, "static");
  const PolicyResult& fo = policy(*r, "failover");
  const PolicyResult& od = policy(*r, "ordered");
  // Static loses February; the others move the run and lose only a restart.
  EXPECT_GT(st.runs[0].delay_days.p50, 27.0);
  EXPECT_LT(fo.runs[0].delay_days.p50, 1.0);
  EXPECT_LT(od.runs[0].delay_days.p50, 1.0);
  // Failover pays on-demand TPU for February: the cheapest per token among on-demand pools
  // (v5p at 3.0 $/chip-h beats on-demand H100 at 4.0 $/chip-h for the same tokens/s).
  auto spend = [](const PolicyResult& p, std::string_view key) {
    for (const auto& l : p.spend_by_vendor) {
      if (l.key == key) return l.dollars.mean;
    }
    return 0.0;
  };
  EXPECT_GT(spend(fo, "google"), spend(st, "google") + 1024 * 3.0 * 600);
  // Ordered takes the idle 3y H100s (already paid): no TPU, and cheaper than
  // static, which does February's work a month late on on-demand H100s.
  EXPECT_DOUBLE_EQ(spend(od, "google"), spend(st, "google"));
  EXPECT_LT(od.cost_mean.mean, st.cost_mean.mean);
  for (const auto* p : {&st, &fo, &od}) EXPECT_EQ(p->breaches.mean, 0.0);
}

// A late run holds the pool another run is planned on next month; the other
// run keeps its slower chips at the month start under `failover` (it holds
// chips, so it is not displaced) and must take its planned pool the moment the
// late run leaves it, as `static` (which waits) does, not a month later.
TEST(Policies, ARunKeptOffItsPlanTakesItsPlannedPoolWhenItFreesMidMonth) {
  const int M = 3;
  SimInput in;
  in.horizon = calendar_horizon(2027, 1, M);
  in.pools = {pool("h100-od", "h100-sxm", "nvidia", "aws", Term::on_demand, 4.0, 1024, M),
              pool("v5p-od", "tpu-v5p", "google", "gcp", Term::on_demand, 3.0, 64, M, 4)};
  const double fast = 1024 * 3000.0;
  const double slow = 64 * 2000.0;
  // 10 days more than January holds: past its plan it keeps the H100s into February.
  in.runs.push_back(run("late", fast * 3600 * (744 + 240), M, 0, 1024, fast, 0, 0, 1));
  SimRun next = run("next", slow * 3600 * 744 + fast * 3600 * 672, M, 1, 64, slow, 0, 0, 1);
  next.months[1] = RunMonth{0, 1024, fast};
  in.runs.push_back(next);
  const auto r = simulate(in, Risks{}, {.replicas = 1, .seed = 1, .threads = 1, .policies = {"static", "failover"}});
  ASSERT_TRUE(r.has_value());
  const double st = policy(*r, "static").runs[1].delay_days.p50;
  const double fo = policy(*r, "failover").runs[1].delay_days.p50;
  // Static waits the 10 days and then runs February's work; failover keeps
  // the TPUs meanwhile and moves (one checkpoint and restart) when the H100s free.
  EXPECT_GT(st, 9.0);
  EXPECT_LT(st, 12.0);
  EXPECT_LE(fo, st + 0.1);
}

// In February the first run grows into the chips the second run's plan
// pauses. Without risks every policy must follow the plan whatever the runs'
// order: the pause is applied before the growth (it used to be the other way
// round, so the growing run found no room, waited, and lost February).
TEST(Policies, ChipsAPausedRunGivesBackAreFreeForARunGrowingIntoThemTheSameMonth) {
  const int M = 3;
  SimInput in;
  in.horizon = calendar_horizon(2027, 1, M);
  in.pools = {pool("h100-od", "h100-sxm", "nvidia", "aws", Term::on_demand, 4.0, 1024, M)};
  const double r512 = 512 * 3000.0;
  SimRun grows = run("grows", r512 * 3600 * 744 + 2 * r512 * 3600 * 672, M, 0, 512, r512, 0, 0, 1);
  grows.months[1] = RunMonth{0, 1024, 2 * r512};
  SimRun pauses = run("pauses", r512 * 3600 * (744 + 744), M, 0, 512, r512, 0, 0, 2);
  pauses.months[2] = RunMonth{0, 512, r512};
  in.runs = {grows, pauses};
  const auto r =
      simulate(in, Risks{}, {.replicas = 1, .seed = 1, .threads = 1, .policies = {"static", "failover", "ordered"}});
  ASSERT_TRUE(r.has_value());
  for (const PolicyResult& p : r->policies) {
    for (const RunSummary& s : p.runs) {
      EXPECT_NEAR(s.delay_days.p50, 0.0, 1e-6) << p.policy << " " << s.name;
      EXPECT_EQ(s.p_miss_deadline, 0.0) << p.policy << " " << s.name;
    }
    EXPECT_EQ(p.breaches.mean, 0.0) << p.policy;
  }
}

// A policy that asks for more chips than a pool has: rejected, counted.
class Greedy final : public SimPolicy {
 public:
  void decide(const PolicyView& v, Decision& out) const override {
    for (int r : v.pending_runs) out.runs.push_back({r, RunMonth{0, 1'000'000, 1.0}});
  }
};

TEST(Policies, DecisionsPastCapacityAreRejectedAndCountedAsBreaches) {
  auto prep = prepare_simulation(small_fleet(), Risks{}, {.replicas = 1, .seed = 1, .threads = 1});
  ASSERT_TRUE(prep.has_value());
  PreparedSim& p = const_cast<PreparedSim&>(**prep);
  p.policies[0] = std::make_unique<Greedy>();
  const SimResult r = summarize(p, simulate_block(p, 0, 1, 1));
  EXPECT_GT(r.policies[0].breaches.mean, 0.0);
  // Nothing was applied: no run ever held chips.
  EXPECT_DOUBLE_EQ(r.policies[0].runs[0].finish_month_p.back(), 1.0);
}

TEST(Policies, AMoveThatBreaksASitesPowerBudgetIsCounted) {
  SimInput in = outage_fleet();
  in.rules.sites.push_back({"dallas", Watts(1e6)});
  in.pools[2].site = "dallas";
  in.pools[2].watts_per_chip = Watts(1500);  // 1,024 TPU chips = 1.5 MW > 1 MW
  const auto r = simulate(in, february_outage(), {.replicas = 1, .seed = 1, .threads = 1, .policies = {"failover"}});
  ASSERT_TRUE(r.has_value());
  EXPECT_GE(r->policies[0].breaches.mean, 1.0);
}

}  // namespace
}  // namespace xpu
