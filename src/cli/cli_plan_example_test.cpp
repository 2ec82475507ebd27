// xpuplan plan on the shipped example end to end (performance models, MILP,
// baselines, re-solves): golden JSON, optimal, the checker's "ok", and the
// same bytes twice. Labelled slow: the sanitizer build skips it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/cli_test_support.h"
#include "golden.h"

namespace xpu::cli {
namespace {

using test_support::run_cli;

// The golden is the fluid model's (--fluid), which CBC proves optimal: the
// executable model stops at its time limit on this example, and a plan cut
// by a clock is not the same bytes twice. Its figures are benchmarks
// (bench_planner, the report); here it must give a plan the checker passes.
TEST(CliPlanExample, JsonIsGoldenDeterministicAndChecked) {
  const std::string example = std::string(XPUPLAN_TEST_DIR) + "/../examples/portfolio.yaml";
  // A generous limit and no gap: the golden must come from searches that ran
  // to their end (a root solution within the default 1e-4 gap is not proven optimal).
  const auto a = run_cli({"plan", example, "--json", "--fluid", "--time-limit", "600", "--gap", "0"});
  ASSERT_EQ(a.code, 0) << a.err;
  const auto j = nlohmann::json::parse(a.out);
  EXPECT_EQ(j["status"], "optimal");
  EXPECT_EQ(j["checker"]["verdict"], "ok");
  ASSERT_EQ(j["baselines"].size(), 3u);
  for (const auto& b : j["baselines"]) EXPECT_TRUE(b["found"].get<bool>()) << b["name"];
  EXPECT_FALSE(j["binding"].empty());
  xpu::testing::expect_golden(a.out, "golden/plan-example.json");
  EXPECT_EQ(a.out, run_cli({"plan", example, "--json", "--fluid", "--time-limit", "600", "--gap", "0"}).out)
      << "same input, different output";
}

TEST(CliPlanExample, ExecutablePlanPassesTheChecker) {
  const std::string example = std::string(XPUPLAN_TEST_DIR) + "/../examples/portfolio.yaml";
  const auto a = run_cli({"plan", example, "--json", "--no-baselines", "--time-limit", "30"});
  ASSERT_EQ(a.code, 0) << a.err;
  const auto j = nlohmann::json::parse(a.out);
  EXPECT_EQ(j["solver"]["model"], "executable");
  EXPECT_EQ(j["checker"]["verdict"], "ok");
  EXPECT_GE(j["solver"]["price_of_executability"].get<double>(), 1.0);
  EXPECT_FALSE(j["plan"]["gangs"].empty());
  EXPECT_FALSE(j["plan"]["replicas"].empty());
}

}  // namespace
}  // namespace xpu::cli
