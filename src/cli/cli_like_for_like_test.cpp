// xpuplan compare compares like with like (issue 11, part 8): the serving
// targets are labelled with the statistic the engine enforces, every offer
// carries its provider class, a ranking that rests on one provider class says
// so, owned prices on different bases are flagged, commitments say what they
// bill, and a calibration in --catalog says what it replaces.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"

namespace xpu::cli {
namespace {

using test_support::run_cli;
using test_support::temp_dir;

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

// A calibration in a --catalog directory is applied after the shipped one and
// wins: stderr says which stack's fit it replaces (a note, so -q hides it).
TEST(LikeForLike, CatalogCalibrationSaysWhatItReplaces) {
  const auto dir = temp_dir("xpuplan_like_cal");
  std::ofstream(dir / "my-fit.yaml") << "calibration:\n"
                                        "  - stack: megatron-cuda\n"
                                        "    parameters: {gemm: 0.8}\n"
                                        "    evidence: {cases: 3, loo_median_abs_pct: 4, loo_p10_pct: -5, "
                                        "loo_p90_pct: 5, accelerators: [h100-sxm], precisions: [bf16], max_chips: 64}\n"
                                        "    source: my own runs\n"
                                        "    retrieved: 2026-12-01\n";
  const std::vector<std::string> args{"--catalog", dir.string(), "train",   "--model", "llama3.1-8b",
                                      "-a",        "h100-sxm",   "--chips", "8"};
  auto r = run_cli(args);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("my-fit.yaml:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("calibration of stack 'megatron-cuda' replaces the one at"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("calibration.yaml"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("its gemm and its evidence (3 cases)"), std::string::npos) << r.err;
  auto quiet = run_cli([&] {
    auto q = args;
    q.insert(q.begin(), "-q");
    return q;
  }());
  ASSERT_EQ(quiet.code, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace xpu::cli
