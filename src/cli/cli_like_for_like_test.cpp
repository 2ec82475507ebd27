// xpuplan compare compares like with like (issue 11, part 8): the serving
// targets are labelled with the statistic the engine enforces, every offer
// carries its provider class, a ranking that rests on one provider class says
// so, owned prices on different bases are flagged, commitments say what they
// bill, and a calibration in --catalog says what it replaces.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"

namespace xpu::cli {
namespace {

using test_support::run_cli;

const std::vector<std::string> kInfer{"compare",     "--model", "llama3.3-70b", "--infer", "--rate",     "20",
                                      "--input-len", "2048",    "--output-len", "300",     "--ttft-slo", "1 s",
                                      "--tpot-slo",  "40 ms",   "--precision",  "fp8"};

std::vector<std::string> with(std::vector<std::string> base, const std::vector<std::string>& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

// The engine sizes fleets against the p99 (ServingSlo): the report says p99,
// the JSON names the statistic, and every option meets its targets at p99.
TEST(LikeForLike, SloLabelIsTheStatisticEnforced) {
  auto text = run_cli(kInfer);
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("TTFT p99 <= 1 s, TPOT p99 <= 40 ms"), std::string::npos) << text.out.substr(0, 200);
  EXPECT_EQ(text.out.find("p50"), std::string::npos);
  auto json = run_cli(with(kInfer, {"--json"}));
  ASSERT_EQ(json.code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["workload"]["slo_statistic"], "p99");
  ASSERT_FALSE(j["options"].empty());
  for (const auto& o : j["options"]) {
    EXPECT_LE(o["ttft_p99_s"].get<double>(), j["workload"]["ttft_slo_s"].get<double>()) << o["accelerator"];
    EXPECT_LE(o["tpot_p99_ms"].get<double>(), j["workload"]["tpot_slo_ms"].get<double>()) << o["accelerator"];
  }
}

}  // namespace
}  // namespace xpu::cli
