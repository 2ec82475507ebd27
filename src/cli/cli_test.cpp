#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"
#include "golden.h"

namespace xpu::cli {
namespace {

struct Result {
  int code;
  std::string out, err;
};

Result run_cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  int code = run(args, out, err);
  return {code, out.str(), err.str()};
}

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
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) / "xpuplan-user-catalog";
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
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
                        "  MLP gated (experts only), vocab 32000, positions rope\n"
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
  EXPECT_DOUBLE_EQ(doc["params_b"]["total"].get<double>(), 46.7028);  // 46,702,792,704 by count
}

TEST(Cli, ModelsShowBadConfigIsExitTwoWithPosition) {
  const auto dir = std::filesystem::temp_directory_path() / "xpuplan_cli_test_bad_config";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "config.json").string();
  std::ofstream(path) << "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 4096,\n}\n";
  auto r = run_cli({"models", "show", path});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, path +
                       ":4:1: error: malformed JSON: syntax error while parsing object key - unexpected '}'; "
                       "expected string literal\n");
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
