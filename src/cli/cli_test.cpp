#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli_test_support.h"
#include "cli/command.h"
#include "golden.h"

namespace xpu::cli {
namespace {

using test_support::run_cli;

TEST(Cli, VersionAndHelp) {
  auto v = run_cli({"--version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_TRUE(v.out.starts_with("xpuplan ")) << v.out;
  auto h = run_cli({"--help"});
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("catalog"), std::string::npos);
  auto sub = run_cli({"catalog", "--help"});
  EXPECT_EQ(sub.code, 0);
  EXPECT_NE(sub.out.find("--vendor"), std::string::npos) << sub.out;
}

TEST(Cli, UnknownCommandIsExitTwo) {
  auto r = run_cli({"catalgo"});
  EXPECT_EQ(r.code, 2);
}

TEST(Cli, UnknownAcceleratorSuggests) {
  auto r = run_cli({"catalog", "show", "h100-sxn"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "KEY: error: unknown accelerator or system 'h100-sxn' (did you mean 'h100-sxm'?)\n");
}

TEST(Cli, CatalogJsonIsGolden) {
  auto r = run_cli({"catalog", "--json"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  xpu::testing::expect_golden(r.out, "golden/catalog.json");
}

TEST(Cli, CatalogSystemsJsonIsGolden) {
  auto r = run_cli({"catalog", "systems", "--json"});
  EXPECT_EQ(r.code, 0) << r.err;
  xpu::testing::expect_golden(r.out, "golden/catalog-systems.json");
}

TEST(Cli, CatalogJsonIsDeterministic) {
  EXPECT_EQ(run_cli({"catalog", "--json"}).out, run_cli({"catalog", "--json"}).out);
}

// Line of "- key: <key>" in a shipped data file (where the loader says the entry is defined).
int line_of_key(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line == "  - key: " + key) return n;
  }
  return 0;
}

class UserCatalog : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test_support::temp_dir("xpuplan-user-catalog"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }

  std::filesystem::path dir_;
};

// A faster "h100-sxm" than the shipped one, as a user would write it.
const char* kUserH100 = R"(accelerators:
  - key: h100-sxm
    name: My H100 (measured)
    vendor: nvidia
    year: 2022
    runtime: cuda
    source: our own GEMM benchmark
    retrieved: 2026-11-26
    peak:
      bf16: 800 TFLOP/s
    memory: {capacity: 80 GB, bandwidth: 3 TB/s}
    scale_up: {name: NVLink 4, bandwidth: 450 GB/s, topology: switch, domain: 8}
    scale_out: {name: InfiniBand NDR, bandwidth: 400 Gb/s}
    power: {tdp: 700 W}
)";

TEST_F(UserCatalog, EntryWithAShippedKeyReplacesItWithANote) {
  write("mine.yaml", kUserH100);
  auto r = run_cli({"--catalog", dir_.string(), "catalog", "show", "h100-sxm", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["name"], "My H100 (measured)");
  EXPECT_EQ(j["peak_tflops"]["bf16"], 800);
  EXPECT_FALSE(j["peak_tflops"].contains("fp8")) << "the whole entry is replaced, not merged";

  const std::string shipped = std::string(XPUPLAN_DATA_DIR) + "/accelerators/nvidia.yaml";
  const int line = line_of_key(shipped, "h100-sxm");
  ASSERT_GT(line, 0);
  EXPECT_EQ(r.err, (dir_ / "mine.yaml").string() + ":2:5: note: accelerator 'h100-sxm' replaces the one defined at " +
                       shipped + ":" + std::to_string(line) + "\n");

  auto quiet = run_cli({"--quiet", "--catalog", dir_.string(), "catalog", "show", "h100-sxm", "--json"});
  EXPECT_EQ(quiet.code, 0);
  EXPECT_EQ(quiet.err, "");
  EXPECT_EQ(quiet.out, r.out);
}

TEST_F(UserCatalog, GlobalOptionsWorkAfterTheCommandToo) {
  write("mine.yaml", kUserH100);
  auto before = run_cli({"-q", "--catalog", dir_.string(), "catalog", "show", "h100-sxm", "--json"});
  auto after = run_cli({"catalog", "show", "h100-sxm", "--json", "--catalog", dir_.string(), "-q"});
  ASSERT_EQ(after.code, 0) << after.err;
  EXPECT_EQ(after.err, "");
  EXPECT_EQ(after.out, before.out);
  EXPECT_EQ(nlohmann::json::parse(after.out)["name"], "My H100 (measured)");
}

TEST(Cli, DevicesAndPipesAreRefusedWithExitTwo) {
  const std::string msg = "/dev/zero: error: is not a regular file (a device, a pipe or a socket); give a file\n";
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"plan", "/dev/zero"}, {"validate", "/dev/zero"}, {"catalog", "--prices", "/dev/zero"}}) {
    auto r = run_cli(args);
    EXPECT_EQ(r.code, 2) << args[0];
    EXPECT_EQ(r.err, msg) << args[0];
  }
}

TEST_F(UserCatalog, NewEntryIsAddedWithoutANote) {
  std::string text = kUserH100;
  text.replace(text.find("h100-sxm"), 8, "my-h100");
  write("mine.yaml", text);
  auto r = run_cli({"--catalog", dir_.string(), "catalog", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(nlohmann::json::parse(r.out)["accelerators"].size(), 21u);
}

TEST_F(UserCatalog, BrokenEntryExitsTwoWithTheDiagnostic) {
  std::string text = kUserH100;
  text.replace(text.find("800 TFLOP/s"), 11, "800");
  write("mine.yaml", text);
  auto r = run_cli({"--catalog", dir_.string(), "catalog"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            (dir_ / "mine.yaml").string() +
                ":10:13: error: accelerator 'h100-sxm': peak: bf16: '800' has no unit; write it with one "
                "(e.g. '800 TFLOP/s')\n" +
                (dir_ / "mine.yaml").string() + ":2:5: note: accelerator 'h100-sxm' replaces the one defined at " +
                std::string(XPUPLAN_DATA_DIR) + "/accelerators/nvidia.yaml:" +
                std::to_string(line_of_key(std::string(XPUPLAN_DATA_DIR) + "/accelerators/nvidia.yaml", "h100-sxm")) +
                "\n");
}

TEST(Cli, ModelsShowReadsAHuggingFaceConfig) {
  const std::string path = xpu::testing::test_path("data/hf/mixtral-8x7b/config.json");
  auto r = run_cli({"models", "show", path});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(
      r.out.starts_with("mixtral-8x7b (mixtral-8x7b), family mixtral\n"
                        "  layers 32, d_model 4096, heads 32 (kv 8), head_dim 128, attention gqa\n"
                        "  MLP gated (experts only), vocab 32000, positions rope (context 32768)\n"
                        "  MoE: 2 of 8 experts (ffn 14336), 32 MoE layers of 32\n"))
      << r.out;
  EXPECT_NE(r.out.find("  parameters: 46.7 B total, 12.75 B active per token (input embedding excluded)\n"),
            std::string::npos)
      << r.out;

  auto j = run_cli({"models", "show", path, "--json"});
  ASSERT_EQ(j.code, 0) << j.err;
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["key"], "mixtral-8x7b");
  EXPECT_EQ(doc["moe"]["experts"], 8);
  EXPECT_EQ(doc["max_positions"], 32768);                             // its max_position_embeddings (usertrial6)
  EXPECT_DOUBLE_EQ(doc["params_b"]["total"].get<double>(), 46.7028);  // 46,702,792,704 by count
}

TEST(Cli, ModelsShowBadConfigIsExitTwoWithPosition) {
  const auto dir = test_support::temp_dir("xpuplan_cli_test_bad_config");
  const std::string path = (dir / "config.json").string();
  std::ofstream(path) << "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 4096,\n}\n";
  auto r = run_cli({"models", "show", path});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, path +
                       ":4:1: error: malformed JSON: syntax error while parsing object key - unexpected '}'; "
                       "expected string literal (a comma at 3:22 follows the last item; JSON allows none there)\n");
  std::filesystem::remove_all(dir);
}

TEST(Cli, ModelsListsPublishedComparison) {
  auto r = run_cli({"models"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("maxtext-dense-1160b *"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("671 / 37"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("~1024"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace xpu::cli

namespace xpu::cli {
namespace {

// Regression guard on the public cases: fails if accuracy drops below what was
// reached (docs/validation.md records the figures). Not a target: a guard.
TEST(Validate, PublicTrainingCasesStayAccurate) {
  // The stacks are fitted to cases.csv and cases-2025.csv together; the
  // figures below are in-sample (docs/validation.md), the out-of-sample ones
  // are each stack's leave-one-out error in data/calibration.yaml.
  auto r = run_cli({"validate", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  const auto& s = j["summary"];
  EXPECT_LE(s["by_mode"]["train"]["median_abs_error_pct"].get<double>(), 12.5);
  EXPECT_LE(s["by_mode"]["finetune_lora"]["median_abs_error_pct"].get<double>(), 7.0);
  EXPECT_LE(s["by_mode"]["infer"]["median_abs_error_pct"].get<double>(), 15.0);
  const auto& mv = s["by_mode_vendor"];
  for (const char* vendor : {"nvidia", "google", "aws", "amd"}) {
    for (const char* mode : {"train", "finetune_lora"}) {
      if (mv[mode].contains(vendor)) {
        EXPECT_LE(mv[mode][vendor]["median_abs_error_pct"].get<double>(), 16.0) << vendor;
      }
    }
  }
  // Every training case is predicted; inference ones may be skipped with a reason.
  for (const auto& c : j["cases"]) {
    if (c["mode"] != "infer") {
      EXPECT_EQ(c["status"], "ok") << c["id"] << ": " << c["reason"];
    }
    if (c["status"] == "skipped") {
      EXPECT_FALSE(c["reason"].get<std::string>().empty()) << c["id"];
    }
  }
  auto r25 = run_cli({"validate", std::string(XPUPLAN_DATA_DIR) + "/validation/cases-2025.csv", "--json"});
  ASSERT_EQ(r25.code, 0) << r25.err;
  auto j25 = nlohmann::json::parse(r25.out);
  EXPECT_LE(j25["summary"]["by_mode"]["train"]["median_abs_error_pct"].get<double>(), 9.5);
}

TEST(Validate, DeepPipelineErrorDoesNotGrowWithDepth) {
  // Published iteration rates where every parallel degree is known: GPT-3
  // 175B at pp 12 and GPT 1T at pp 64 (Narayanan et al. 2021), MT-NLG 530B at
  // pp 35 (Smith et al. 2022). The deepest pipeline must not be predicted
  // worse than the shallowest by more than ten points.
  auto r = run_cli({"validate", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  std::map<int, double> worst_by_pp;
  for (const auto& c : j["cases"]) {
    const std::string id = c["id"];
    if (id != "NV-030" && id != "NV-031" && id != "NV-032" && id != "NV-033") continue;
    ASSERT_EQ(c["status"], "ok") << id;
    const int pp = c["layout"]["pp"].get<int>();
    worst_by_pp[pp] = std::max(worst_by_pp[pp], std::fabs(c["error_pct"].get<double>()));
  }
  ASSERT_EQ(worst_by_pp.size(), 3u);
  EXPECT_LE(worst_by_pp.rbegin()->second, worst_by_pp.begin()->second + 10.0);
  for (const auto& [pp, err] : worst_by_pp) EXPECT_LE(err, 25.0) << "pp " << pp;
}

TEST(Validate, ComponentModelsStayAccurate) {
  auto r = run_cli({"validate", "--components", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  const auto& s = j["summary"];
  EXPECT_GT(s["overall"]["count"].get<int>(), 300);
  EXPECT_LE(s["overall"]["median_abs_error_pct"].get<double>(), 8.0);
  EXPECT_LE(s["by_kind"]["gemm"]["median_abs_error_pct"].get<double>(), 7.0);
  EXPECT_LE(s["by_kind"]["grouped_gemm"]["median_abs_error_pct"].get<double>(), 9.0);
  EXPECT_LE(s["by_kind"]["collective"]["median_abs_error_pct"].get<double>(), 9.0);
  EXPECT_LE(s["by_kind"]["hbm_stream"]["median_abs_error_pct"].get<double>(), 3.0);
  // Every skipped entry says why.
  for (const auto& c : j["components"]) {
    if (c["status"] == "skipped") {
      EXPECT_FALSE(c["reason"].get<std::string>().empty()) << c["id"];
    }
  }
}

TEST(Validate, ShippedCalibrationIsCurrent) {
  // The shipped data/calibration.yaml must be what `xpuplan calibrate` fits now.
  const auto dir = test_support::temp_dir("xpuplan_calibrate_check");
  const std::string out = (dir / "calibration.yaml").string();
  auto r = run_cli({"calibrate", "--write", out, "--date", "2026-12-05"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto fresh = YAML::LoadFile(out)["calibration"];
  auto shipped = YAML::LoadFile(std::string(XPUPLAN_DATA_DIR) + "/calibration.yaml")["calibration"];
  ASSERT_EQ(fresh.size(), shipped.size());
  for (size_t i = 0; i < fresh.size(); ++i) {
    EXPECT_EQ(fresh[i]["stack"].as<std::string>(), shipped[i]["stack"].as<std::string>());
    for (auto it = fresh[i]["parameters"].begin(); it != fresh[i]["parameters"].end(); ++it) {
      const std::string name = it->first.as<std::string>();
      EXPECT_NEAR(it->second.as<double>(), shipped[i]["parameters"][name].as<double>(), 2e-3)
          << fresh[i]["stack"].as<std::string>() << " " << name
          << " (rerun: xpuplan calibrate --write data/calibration.yaml)";
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(Calibrate, AStackOfOneCaseIsSaidToHoldItsPriors) {
  // usertrial4: `calibrate` of one case said "Fitted 1 stacks" without a word
  // that one case identifies no parameter (one is fitted per three cases).
  const auto dir = test_support::temp_dir("xpuplan_calibrate_one");
  const std::string path = (dir / "one.csv").string();
  {
    std::ofstream f(path);
    f << "id,mode,model,accelerator,chips,precision,tp,pp,dp,cp,micro_batch,global_batch,seq_len,metric,value\n"
         "NV-001,train,gpt3-175b,h100-sxm,10752,fp8,4,8,336,1,1,2688,2048,train_tokens_per_s_per_chip,478.912\n";
  }
  auto r = run_cli({"calibrate", path});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("megatron-cuda      1  none: the priors stand"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("warning: megatron-cuda: 1 case fits no parameter; gemm, step_overhead, "
                       "precision_factor.fp8 are held at their priors (a parameter is fitted per 3 cases)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Fitted 0 stacks (1 more held at its priors: too few cases) from"), std::string::npos) << r.out;
  std::filesystem::remove_all(dir);
}

TEST(Calibrate, JsonListsEachCasesInSampleAndLeaveOneOutError) {
  // The group medians hide which rows carry them: the JSON lists each case's
  // measured and predicted values and both errors, so a reader can find them.
  const auto dir = test_support::temp_dir("xpuplan_calibrate_per_case");
  const std::string path = (dir / "two.csv").string();
  {
    std::ofstream f(path);
    f << "id,mode,model,accelerator,chips,precision,tp,pp,dp,cp,micro_batch,global_batch,seq_len,metric,value\n"
         "NV-001,train,gpt3-175b,h100-sxm,10752,fp8,4,8,336,1,1,2688,2048,train_tokens_per_s_per_chip,478.912\n"
         "NV-002,train,gpt3-175b,h100-sxm,512,fp8,4,8,16,1,1,2048,2048,train_tokens_per_s_per_chip,9999\n";
  }
  auto r = run_cli({"calibrate", path, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["stacks"].size(), 1u) << r.out;
  const auto& rows = j["stacks"][0]["per_case"];
  ASSERT_EQ(rows.size(), 2u) << r.out;
  EXPECT_EQ(rows[0]["id"], "NV-001");
  EXPECT_EQ(rows[1]["id"], "NV-002");
  for (const auto& c : rows) {
    ASSERT_TRUE(c["ok"].get<bool>()) << c.dump();
    const double m = c["measured"].get<double>(), p = c["predicted"].get<double>();
    // JSON keeps 6 significant digits.
    EXPECT_NEAR(c["in_sample_error_pct"].get<double>(), (p - m) / m * 100.0, 1e-3) << c.dump();
    EXPECT_TRUE(c.contains("leave_one_out_error_pct")) << c.dump();
  }
  // The second row's value is 20x the first's per chip: no common fit holds
  // both, so its in-sample error is far from zero.
  EXPECT_LT(rows[1]["in_sample_error_pct"].get<double>(), -50.0) << rows.dump();
  std::filesystem::remove_all(dir);
}

TEST(Train, JsonIsGoldenForTwoPublishedConfigurations) {
  // NV-040's layout (Llama 3.1 405B, 1024 H100, fp8) and TPU-011's (MaxText 22B on 64 TPU v4).
  auto a = run_cli({"train",
                    "--model",
                    "llama3.1-405b",
                    "-a",
                    "h100-sxm",
                    "-n",
                    "1024",
                    "--seq-len",
                    "8192",
                    "--global-batch",
                    "512",
                    "--precision",
                    "fp8",
                    "--tp",
                    "8",
                    "--pp",
                    "8",
                    "--cp",
                    "2",
                    "--vpp",
                    "8",
                    "--micro-batch",
                    "1",
                    "--json",
                    "--threads",
                    "1"});
  ASSERT_EQ(a.code, 0) << a.err;
  xpu::testing::expect_golden(a.out, "golden/train-llama405b-h100.json");
  auto b = run_cli({"train",
                    "--model",
                    "maxtext-dense-22b",
                    "-a",
                    "tpu-v4",
                    "-n",
                    "64",
                    "--seq-len",
                    "1024",
                    "--global-batch",
                    "1024",
                    "--tp",
                    "1",
                    "--dp",
                    "64",
                    "--sharding",
                    "fsdp",
                    "--recompute",
                    "full",
                    "--json",
                    "--threads",
                    "1"});
  ASSERT_EQ(b.code, 0) << b.err;
  xpu::testing::expect_golden(b.out, "golden/train-maxtext22b-tpuv4.json");
}

// 5128 = 8 x 641 chips: no degree split divides the ~4M-token batch. The
// answer is the best layout on up to 5128 chips, and it says why it uses fewer.
TEST(Train, ACountWithNoLayoutAnswersOnFewerChipsAndSaysWhy) {
  auto r = run_cli({"train", "--model", "llama3.1-70b", "-a", "h100-sxm", "-n", "5128", "--json", "--threads", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["chips"], 5120);
  EXPECT_EQ(j["chips_asked"], 5128);
  EXPECT_EQ(j["note"],
            "5128 chips have no valid layout (dp * micro_batch must divide the global batch); 5120 is the largest "
            "count tried below it that has one (whole 8-chip units, then powers of two)");
  ASSERT_FALSE(j["layouts"].empty());
  const auto& l = j["layouts"][0]["layout"];
  EXPECT_EQ(l["tp"].get<int>() * l["pp"].get<int>() * l["dp"].get<int>() * l["cp"].get<int>(), 5120);
}

TEST(Train, NothingFitsIsExitOneWithTheClosestLayout) {
  auto r = run_cli({"train", "--model", "llama3.1-405b", "-a", "h100-sxm", "-n", "8", "--threads", "1"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.out.find("No layout fits in memory.\nClosest: "), std::string::npos) << r.out;
}

TEST(Train, BadFlagsAreExitTwoWithTheFlagNamed) {
  auto r = run_cli({"train", "--model", "llama3.1-70b", "-a", "h100-sxm", "-n", "0", "--precision", "fp9"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "--chips: error: must be positive, got 0\n"
            "--precision: error: must be one of bf16, fp16, fp8, fp4, int8; got 'fp9' (did you mean 'fp8'?)\n");
  auto m = run_cli({"train", "--model", "llama3.1-70c", "-a", "h100-sxm", "-n", "8"});
  EXPECT_EQ(m.code, 2);
  EXPECT_NE(m.err.find("unknown model 'llama3.1-70c' (did you mean 'llama3.1-70b'?)"), std::string::npos) << m.err;
}

}  // namespace
}  // namespace xpu::cli

namespace xpu::cli {
namespace {

TEST(Infer, BadLengthsRatesAndSlosNameTheFlag) {
  auto r = run_cli({"infer", "--model", "llama3.1-70b", "-a", "h100-sxm", "--input-len", "0", "--output-len", "-5",
                    "--rate", "abc", "--tpot-slo", "40", "--ttft-slo", "-1 s"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "--input-len: error: expected a positive count such as 15T, 2.5e12 or 300B; got '0'\n"
            "--output-len: error: expected a positive count such as 15T, 2.5e12 or 300B; got '-5'\n"
            "--rate: error: expected a positive request rate such as 20, 1.5k or '20 req/s'; got 'abc'\n"
            "--ttft-slo: error: must be positive, got '-1 s'\n"
            "--tpot-slo: error: '40' has no unit; write it with one (e.g. '40 ms')\n");
}

// Exit status 1: answered that no layout meets the request (as train does when none fits).
TEST(Infer, UnmeetableSloReturnsTheClosestLayoutAndWhatBinds) {
  auto r =
      run_cli({"infer", "--model", "llama3.1-8b", "-a", "h100-sxm", "--rate", "5", "--tpot-slo", "0.1 ms", "--json"});
  EXPECT_EQ(r.code, 1) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["estimate"]["meets_slo"].get<bool>());
  EXPECT_EQ(j["estimate"]["binding"], "tpot");
}

// Offline with a target: the answer meets it (the saturated front's TTFT p99
// is ~210 ms here; 60 ms since srvstep, whose eager prompt steps put tp2's
// best at 55 ms), at less throughput per chip than without it; a fixed
// layout too. Before, the target was dropped silently.
TEST(Infer, OfflineWithTargetsAnswersTheDensestPointThatMeetsThem) {
  auto free = run_cli({"infer", "--model", "llama3.1-8b", "-a", "h100-sxm", "--json"});
  ASSERT_EQ(free.code, 0) << free.err;
  const auto f = nlohmann::json::parse(free.out);
  const double free_ttft = f["estimate"]["ttft_p99_s"].get<double>();
  ASSERT_GT(free_ttft, 0.06);  // the target below binds
  EXPECT_FALSE(f.contains("targets"));
  for (const bool fixed : {false, true}) {
    SCOPED_TRACE(fixed ? "fixed tp2" : "searched");
    std::vector<std::string> args{"infer", "--model", "llama3.1-8b", "-a", "h100-sxm", "--ttft-slo", "60 ms", "--json"};
    if (fixed) args.insert(args.end(), {"--tp", "2"});  // one chip cannot prefill 2k tokens in 60 ms
    auto r = run_cli(args);
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["scenario"], "offline");
    EXPECT_DOUBLE_EQ(j["targets"]["ttft_p99_s"].get<double>(), 0.06);
    EXPECT_TRUE(j["estimate"]["meets_slo"].get<bool>());
    EXPECT_LE(j["estimate"]["ttft_p99_s"].get<double>(), 0.06);
    EXPECT_LT(j["estimate"]["output_tokens_per_s_per_chip"].get<double>(),
              f["estimate"]["output_tokens_per_s_per_chip"].get<double>());
  }
  auto text = run_cli({"infer", "--model", "llama3.1-8b", "-a", "h100-sxm", "--ttft-slo", "60 ms"});
  EXPECT_NE(text.out.find("targets: TTFT p99 <= 60 ms; offline: the most throughput per chip that meets them"),
            std::string::npos)
      << text.out;
}

// inf2.48xlarge's 12 chips form one NeuronLink ring that is not a power of
// two; Neuron serves Llama 70B over all of it (tp 24 cores), so the search must too.
TEST(Infer, UsesAWholeTwelveChipInf2Ring) {
  auto r = run_cli({"infer", "--model", "llama3.3-70b", "-a", "inf2", "--rate", "1", "--ttft-slo", "2 s", "--tpot-slo",
                    "40 ms", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["estimate"]["layout"]["tp"], 12);
}

// --max-num-tokens is the engine's per-iteration token budget (TensorRT-LLM
// max_num_tokens; MLPerf v5.1's B200 Interactive llama2-70b runs 768). Each
// decoding sequence takes a query token and, as the prompts are chunked in,
// its share input/output of prompt tokens per iteration, so 768 tokens at 2048
// in / 256 out hold floor(768 / (1 + 8)) = 85 sequences; the stack's default
// budget holds more. At a rate, fewer sequences per replica need more replicas.
TEST(Infer, MaxNumTokensCapsTheBatchAndIsEchoed) {
  const std::vector<std::string> base{"infer",       "--model", "llama2-70b", "-a", "b200",
                                      "--precision", "fp4",     "--tp",       "1"};
  auto run = [&](std::vector<std::string> more) {
    std::vector<std::string> args = base;
    args.insert(args.end(), more.begin(), more.end());
    auto r = run_cli(args);
    EXPECT_EQ(r.code, 0) << r.err;
    return r;
  };
  const auto offline = nlohmann::json::parse(run({"--json"}).out);
  const auto capped = nlohmann::json::parse(run({"--max-num-tokens", "768", "--json"}).out);
  EXPECT_FALSE(offline.contains("max_num_tokens"));
  EXPECT_EQ(capped.value("max_num_tokens", 0), 768);
  EXPECT_EQ(capped["estimate"]["batch"], 85);
  EXPECT_GT(offline["estimate"]["batch"].get<int>(), 85);
  EXPECT_LT(capped["estimate"]["output_tokens_per_s_per_chip"].get<double>(),
            offline["estimate"]["output_tokens_per_s_per_chip"].get<double>());
  const auto served = nlohmann::json::parse(run({"--rate", "22", "--json"}).out)["estimate"];
  const auto served_capped = nlohmann::json::parse(run({"--rate", "22", "--max-num-tokens", "768", "--json"}).out);
  EXPECT_GT(served_capped["estimate"]["replicas"].get<int>(), served["replicas"].get<int>());
  EXPECT_LE(served_capped["estimate"]["batch"].get<int>(), 85);
  const auto text = run({"--max-num-tokens", "768"}).out;
  EXPECT_NE(text.find("\n768 tokens per iteration (as given)\n"), std::string::npos) << text;
}

TEST(Infer, ServesTheIssueExampleOnEveryVendor) {
  // Llama 3.3 70B at 20 requests/s, 2k prompts, 300-token answers, TTFT 1 s, TPOT 40 ms.
  for (const char* a : {"h200-sxm", "b200", "tpu-v6e", "trn2", "mi300x"}) {
    SCOPED_TRACE(a);
    auto r = run_cli({"infer", "--model", "llama3.3-70b", "-a", a, "--rate", "20", "--input-len", "2048",
                      "--output-len", "300", "--ttft-slo", "1 s", "--tpot-slo", "40 ms", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto e = nlohmann::json::parse(r.out)["estimate"];
    // The answer meets both targets ...
    EXPECT_TRUE(e["meets_slo"].get<bool>());
    EXPECT_LE(e["ttft_p50_s"].get<double>(), 1.0);
    EXPECT_LE(e["tpot_p50_ms"].get<double>(), 40.0);
    // ... with whole replicas that together serve the load: 20 requests/s, 6000 output tokens/s.
    const int replicas = e["replicas"].get<int>(), per_replica = e["chips_per_replica"].get<int>();
    EXPECT_EQ(e["chips"].get<int>(), replicas * per_replica);
    EXPECT_GE(e["requests_per_s_per_replica"].get<double>() * replicas, 20.0 * 0.999);
    EXPECT_GE(e["output_tokens_per_s_per_replica"].get<double>() * replicas, 6000.0 * 0.999);
    // Per-chip throughput is the replica's over its chips (JSON keeps 6 significant digits).
    const double per_chip = e["output_tokens_per_s_per_replica"].get<double>() / per_replica;
    EXPECT_NEAR(e["output_tokens_per_s_per_chip"].get<double>(), per_chip, per_chip * 1e-5);
  }
}

}  // namespace
}  // namespace xpu::cli

namespace xpu::cli {
namespace {

TEST(Validate, ReadsModelsCsvBesideTheCases) {
  const auto dir = test_support::temp_dir("xpuplan_validate_models_csv");
  const std::string header =
      "id,source_id,mode,model,accelerator,chips,precision,tp,pp,dp,cp,ep,vpp,sharding,recompute,sequence_parallel,"
      "micro_batch,global_batch,seq_len,batch,input_len,output_len,scenario,metric,value,notes\n";
  std::ofstream(dir / "cases.csv") << header
                                   << "X-1,X-1,train,my-llama-13b,h100-sxm,64,bf16,2,1,32,1,,,,,,1,256,4096,,,,,"
                                      "train_tokens_per_s_per_chip,3000,a made-up case\n";
  std::ofstream(dir / "models.csv")
      << "model,family,layers,d_model,n_heads,n_kv_heads,head_dim,ffn_hidden,vocab,moe_experts,moe_active,"
         "moe_ffn_hidden,n_shared_experts,dense_layers,attention,total_params_b,active_params_b,source\n"
      << "my-llama-13b,llama,40,5120,40,40,128,13824,32000,,,,,,mha,13.02,13.02,made up\n";
  auto r = run_cli({"validate", (dir / "cases.csv").string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["cases"].size(), 1u);
  EXPECT_EQ(j["cases"][0]["status"], "ok") << j["cases"][0]["reason"];
  EXPECT_GT(j["cases"][0]["predicted"].get<double>(), 0.0);
  std::filesystem::remove_all(dir);
}

// A row with a bad cell is skipped with the reason, not the whole run; names
// written another way than a key ("H100 SXM", "Llama-3.1-8B") are matched.
TEST(Validate, BadRowsAreSkippedAndLooseNamesMatched) {
  const auto dir = test_support::temp_dir("xpuplan_validate_bad_rows");
  std::ofstream(dir / "cases.csv")
      << "id,mode,model,accelerator,chips,precision,tp,pp,dp,micro_batch,global_batch,seq_len,metric,value,notes\n"
      << "A,train,Llama-3.1-8B,H100 SXM,64,bf16,1,1,64,1,512,8192,mfu,0.45,fine\n"
      << "B,train,llama3.1-8b,h100-sxm,64,bf16,1,1,64,1,512,8192,tokens_per_watt,3,unknown metric\n";
  auto r = run_cli({"validate", (dir / "cases.csv").string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("cases.csv:2: note: case A: accelerator 'H100 SXM' read as 'h100-sxm'"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("cases.csv:3:56: warning: metric: unknown value 'tokens_per_watt'"), std::string::npos) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["cases"].size(), 2u);
  EXPECT_EQ(j["cases"][0]["status"], "ok") << j["cases"][0]["reason"];
  EXPECT_EQ(j["cases"][1]["status"], "skipped");
  // No near miss: the column's values are listed (usertrial4).
  EXPECT_TRUE(j["cases"][1]["reason"].get<std::string>().starts_with(
      "row not read: metric: unknown value 'tokens_per_watt' (one of train_tokens_per_s_per_chip, "))
      << j["cases"][1]["reason"];
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace xpu::cli
