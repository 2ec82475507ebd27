#include "sim/risks.h"

#include <gtest/gtest.h>

#include <cmath>

#include "test_inputs.h"

namespace xpu {
namespace {

using namespace sim_testing;

TEST(YoungDaly, FirstOrderIsYoungsSquareRootAndEdgesAreHandled) {
  // write << mtbf: Daly's estimate approaches sqrt(2 write mtbf) (Young 1974).
  const double d = 10, m = 1e6;
  EXPECT_NEAR(young_daly_interval(Seconds(d), Seconds(m)).si(), std::sqrt(2 * d * m), 0.01 * std::sqrt(2 * d * m));
  EXPECT_TRUE(std::isinf(young_daly_interval(Seconds(d), Seconds(INFINITY)).si()));
  EXPECT_EQ(young_daly_interval(Seconds(300), Seconds(100)).si(), 100);
  EXPECT_EQ(young_daly_interval(Seconds(0), Seconds(100)).si(), 0);
  // Longer mtbf, longer interval.
  EXPECT_LT(young_daly_interval(Seconds(10), Seconds(1e4)), young_daly_interval(Seconds(10), Seconds(1e5)));
}

TEST(Distribution, DrawsStayInBoundsAndAverageToTheMean) {
  const std::vector<Distribution> ds{
      Distribution::fixed_at(0.3),
      {Distribution::Kind::uniform, 0.1, 0.5, 0},
      {Distribution::Kind::triangular, 0.1, 0.2, 0.8},
      {Distribution::Kind::exponential, 30, 0, 0},
      {Distribution::Kind::lognormal, 20, 0.5, 0},
  };
  for (const auto& d : ds) {
    RngStream rng(3, 1, 2);
    const int n = 100000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
      const double x = d.sample(rng);
      ASSERT_GE(x, d.lowest());
      ASSERT_LE(x, d.highest());
      sum += x;
      sum2 += x * x;
    }
    const double mean = sum / n;
    const double sd = std::sqrt(std::max(0.0, sum2 / n - mean * mean));
    EXPECT_NEAR(mean, d.mean(), 5 * sd / std::sqrt(n) + 1e-12) << static_cast<int>(d.kind);
  }
}

TEST(ValidateRisks, NamesHorizonAndRangesAreCheckedAllAtOnce) {
  const SimInput in = small_fleet();
  Risks risks;
  risks.shocks.push_back({.name = "a",
                          .target = {Scope::vendor, "nvdia", {"r.yaml", 3, 13, ""}},
                          .per_year = 1,
                          .depth = Distribution::fixed_at(0.5),
                          .duration = Distribution::fixed_at(86400),
                          .at = {"r.yaml", 2, 5, ""}});
  risks.scripted.push_back({.name = "b",
                            .target = {Scope::accelerator, "tpu-v5p", {}},
                            .depth = 1.5,
                            .from = 7,
                            .months = 1,
                            .at = {"r.yaml", 9, 5, ""}});
  risks.spot.push_back({.name = "c",
                        .target = {Scope::provider, "aws", {"r.yaml", 12, 15, ""}},
                        .mean_up = hours(10),
                        .mean_down = hours(1),
                        .at = {"r.yaml", 11, 5, ""}});
  risks.failures.push_back(failures("h100-sxn", 1e-5));
  const Diagnostics ds = validate_risks(risks, in);
  std::string text = format_diagnostics(ds);
  EXPECT_EQ(text,
            "r.yaml:3:13: error: shock 'a': unknown vendor 'nvdia' (did you mean 'nvidia'?)\n"
            "r.yaml:9:5: error: scripted shock 'b': depth must lie in 0..1\n"
            "r.yaml:9:5: error: scripted shock 'b': starts 2027-08, outside the horizon (2027-01 to 2027-06)\n"
            "r.yaml:12:15: warning: spot 'c': provider 'aws' matches no spot pool of this input\n"
            "error: failures: unknown accelerator 'h100-sxn' (did you mean 'h100-sxm'?)\n");
}

}  // namespace
}  // namespace xpu
