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
