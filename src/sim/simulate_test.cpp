// Monte Carlo determinism: thread counts, blocks (what MPI ranks run), and
// common random numbers across policies.
#include "sim/simulate.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sim/prepared.h"
#include "sim/render.h"
#include "test_inputs.h"

namespace xpu {
namespace {

using namespace sim_testing;

Risks busy_risks() {
  Risks risks;
  risks.shocks.push_back({.name = "nvidia-supply",
                          .target = {Scope::vendor, "nvidia", {}},
                          .per_year = 4,
                          .depth = {Distribution::Kind::uniform, 0.1, 0.7, 0},
                          .duration = {Distribution::Kind::lognormal, 7 * 86400.0, 0.8, 0}});
  risks.late.push_back({.name = "late",
                        .target = {},
                        .probability = 0.3,
                        .delay = {Distribution::Kind::uniform, 86400.0, 30 * 86400.0, 0}});
  risks.failures.push_back(failures("default", 3e-5));
  return risks;
}

SimInput fleet_with_spot() {
  SimInput in = small_fleet();
  in.pools.push_back(pool("h100-spot", "h100-sxm", "nvidia", "aws", Term::spot, 1.5, 1024, in.horizon.months()));
  in.runs[1].spot_ok = true;
  return in;
}

TEST(Simulate, OneAndTwoThreadsGiveTheSameBytes) {
  Risks risks = busy_risks();
  risks.spot.push_back(
      {.name = "aws-spot", .target = {Scope::pool, "h100-spot", {}}, .mean_up = hours(20), .mean_down = hours(3)});
  const SimInput in = fleet_with_spot();
  SimOptions o{.replicas = 64, .seed = 99, .threads = 1, .policies = {"static", "failover", "ordered"}};
  const auto one = simulate(in, risks, o);
  o.threads = 2;
  const auto two = simulate(in, risks, o);
  ASSERT_TRUE(one.has_value() && two.has_value());
  EXPECT_EQ(render_json(*one), render_json(*two));
  EXPECT_EQ(render_text(*one), render_text(*two));
}

TEST(Simulate, BlocksConcatenatedInReplicaOrderEqualOneBlock) {
  auto prep = prepare_simulation(small_fleet(), busy_risks(), {.replicas = 40, .seed = 3, .threads = 1});
  ASSERT_TRUE(prep.has_value());
  const PreparedSim& p = **prep;
  const auto whole = simulate_block(p, 0, 40, 2);
  auto split = simulate_block(p, 0, 17, 1);
  const auto rest = simulate_block(p, 17, 23, 2);
  split.insert(split.end(), rest.begin(), rest.end());
  EXPECT_EQ(whole, split);
  EXPECT_EQ(render_json(summarize(p, whole)), render_json(summarize(p, split)));
}

TEST(Simulate, EveryPolicySeesTheSameDraws) {
  const SimInput in = small_fleet();
  const Risks risks = busy_risks();
  const auto alone = simulate(in, risks, {.replicas = 50, .seed = 8, .threads = 2, .policies = {"static"}});
  const auto together =
      simulate(in, risks, {.replicas = 50, .seed = 8, .threads = 2, .policies = {"failover", "static"}});
  ASSERT_TRUE(alone.has_value() && together.has_value());
  EXPECT_EQ(alone->policies[0].cost, together->policies[1].cost);
  EXPECT_EQ(alone->policies[0].runs[0].interruptions, together->policies[1].runs[0].interruptions);
  // The capacity draws are shared: every policy reports the same losses per source.
  for (const auto& x : together->policies[0].worst_decile) {
    for (const auto& y : together->policies[1].worst_decile) {
      if (x.source == y.source && x.source != "hardware failures") {
        EXPECT_EQ(x.mean_all, y.mean_all);
      }
    }
  }
}

TEST(Simulate, WorstDecileNamesTheShockBehindIt) {
  SimInput in = small_fleet();
  Risks risks;
  // A rare deep NVIDIA shock: the replicas that draw it are the worst decile.
  risks.shocks.push_back({.name = "rare-deep",
                          .target = {Scope::vendor, "nvidia", {}},
                          .per_year = 0.3,
                          .depth = Distribution::fixed_at(0.9),
                          .duration = Distribution::fixed_at(30 * 86400.0)});
  risks.shocks.push_back({.name = "tpu-blip",
                          .target = {Scope::vendor, "google", {}},
                          .per_year = 0.3,
                          .depth = Distribution::fixed_at(0.01),
                          .duration = Distribution::fixed_at(86400.0)});
  const auto r = simulate(in, risks, {.replicas = 200, .seed = 4, .threads = 2});
  ASSERT_TRUE(r.has_value());
  const auto& worst = r->policies[0].worst_decile;
  ASSERT_FALSE(worst.empty());
  EXPECT_EQ(worst.front().source, "shock 'rare-deep'");
  EXPECT_GT(worst.front().mean_worst_decile, 3 * worst.front().mean_all);
  EXPECT_EQ(r->policies[0].worst_replicas.size(), 10u);
}

// A run the plan does not finish has no delay to report; a run that finishes
// in plan but not under the risks has a delay that is only a lower bound.
TEST(Simulate, DelaysWithoutAPlannedFinishOrPastTheHorizonAreNotShownAsMeasured) {
  SimInput in = small_fleet();
  in.runs[1].tokens *= 100;  // the plan's chips never finish the fine-tune
  Risks outage;
  outage.scripted.push_back(
      {.name = "outage", .target = {Scope::pool, "h100-od", {}}, .depth = 1.0, .from = 2, .months = 4});
  const auto r = simulate(in, outage, {.replicas = 1, .seed = 1, .threads = 1});
  ASSERT_TRUE(r.has_value());
  const RunSummary& pretrain = r->policies[0].runs[0];
  const RunSummary& finetune = r->policies[0].runs[1];
  EXPECT_FALSE(finetune.plan_finishes);
  EXPECT_TRUE(pretrain.plan_finishes);
  // Pretraining's March is on the lost on-demand pool: unfinished, so censored.
  EXPECT_DOUBLE_EQ(pretrain.finish_month_p.back(), 1.0);
  EXPECT_DOUBLE_EQ(pretrain.delay_days.p50, pretrain.delay_censored_days);
  const std::string text = render_text(*r);
  EXPECT_NE(text.find("run finetune: P(miss 2027-03) 100.0% +/- 0.0%, median finish after the horizon, no delay "
                      "measured (the plan does not finish it within the horizon)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(fmt::format("delay P50/P90/P99 >={:.1f}/", pretrain.delay_censored_days)), std::string::npos)
      << text;
}

TEST(Simulate, BadOptionsAndInputAreReportedTogether) {
  SimInput in = small_fleet();
  in.runs[0].months[0].chips = 1020;  // not whole 8-chip instances
  auto r = simulate(in, Risks{}, {.replicas = 0, .seed = 1, .threads = 0});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(format_diagnostics(r.error()),
            "error: run 'pretrain' in 2027-01: 1020 chips is not whole instances of 8\n"
            "--replicas: error: replicas must be at least 1\n"
            "--threads: error: the thread budget must be at least 1\n");
}

}  // namespace
}  // namespace xpu
