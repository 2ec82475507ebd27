// xpuplan plan on a small portfolio (fast enough for the sanitizer build):
// golden JSON, determinism, bad input as exit 2, exports and HTML. The shipped
// example's golden JSON is in cli_plan_example_test.cpp (labelled slow).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli_test_support.h"
#include "golden.h"
#include "report/markup.h"

namespace xpu::cli {
namespace {

namespace fs = std::filesystem;

using test_support::run_cli;
using Result = test_support::CliResult;

std::string example() { return std::string(XPUPLAN_TEST_DIR) + "/data/portfolio/small.yaml"; }

TEST(CliPlan, SmallJsonIsGoldenDeterministicAndChecked) {
  const Result a = run_cli({"plan", example(), "--json"});
  ASSERT_EQ(a.code, 0) << a.err;
  const auto j = nlohmann::json::parse(a.out);
  EXPECT_EQ(j["status"], "optimal");
  EXPECT_EQ(j["checker"]["verdict"], "ok");
  EXPECT_EQ(j["baselines"].size(), 3u);
  for (const auto& b : j["baselines"]) EXPECT_TRUE(b["found"].get<bool>()) << b["name"];
  xpu::testing::expect_golden(a.out, "golden/plan-small.json");
  const Result b = run_cli({"plan", example(), "--json"});
  EXPECT_EQ(a.out, b.out) << "same input, different output";
}

// A solve is never lost to an output that cannot be written: the plan is
// printed, then the unwritable --html is exit 2 at its flag.
TEST(CliPlan, AnUnwritableHtmlFileKeepsThePlan) {
  const auto plain = run_cli({"plan", example(), "--no-baselines"});
  const auto r = run_cli({"plan", example(), "--no-baselines", "--html", "/nonexistent-dir/x/plan.html"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--html"), std::string::npos) << r.err;
  // Everything but the solve's own time ("... nodes in 0.0 s").
  auto untimed = [](const std::string& text) {
    std::istringstream in(text);
    std::string line, out;
    while (std::getline(in, line)) {
      if (line.find(" nodes in ") == std::string::npos) out += line + "\n";
    }
    return out;
  };
  EXPECT_NE(r.out.find("Status: optimal"), std::string::npos) << r.out;
  EXPECT_EQ(untimed(r.out), untimed(plain.out));
}

TEST(CliPlan, AServiceOverTheChipsSizedSaysSo) {
  // 1e12 req/s of an 8B model was diagnosed as "does not fit in memory with
  // any layout tried" (usertrial3); the rate is what no option meets.
  const Result r =
      run_cli({"plan", std::string(XPUPLAN_TEST_DIR) + "/errors/cli/plan-rate-over-chip-limit.yaml", "--no-baselines"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.out.find("h100-sxm: its peak of 1e+12 requests/s needs more than the 16777216 chips xpuplan sizes"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("does not fit in memory"), std::string::npos) << r.out;
}

TEST(CliPlan, AServicesTokenBudgetSizesItsReplicas) {
  // A service's `max_num_tokens` reaches its sizing as `infer --max-num-tokens` does: 256 tokens per iteration
  // cap the decoding batch, so the same demand needs more chips.
  const fs::path dir = fs::temp_directory_path() / "xpuplan-plan-budget";
  fs::create_directories(dir);
  auto chips = [&](const std::string& budget) {
    const fs::path file = dir / ("p" + budget + ".yaml");
    std::ofstream(file) << "horizon: {start: 2027-01, months: 1}\n"
                           "offers: [{offer: aws/us-east-1/p5.48xlarge/on-demand, capacity: 512}]\n"
                           "workloads:\n"
                           "  - {name: chat, kind: inference, model: llama3.1-8b, input_len: 1000, output_len: 200,\n"
                           "     demand: 200 req/s" +
                               (budget.empty() ? "" : ", max_num_tokens: " + budget) + "}\n";
    const Result r = run_cli({"plan", file.string(), "--no-baselines", "--json"});
    EXPECT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    return j["summary"]["workloads"][0]["chips"]["h100-sxm"][0].get<double>();
  };
  const double stacks = chips(""), small = chips("256");
  EXPECT_GT(small, stacks * 1.2) << stacks << " chips at the stack's budget, " << small << " at 256";
  fs::remove_all(dir);
}

TEST(CliPlan, BadPortfolioIsExitTwoWithPlaces) {
  const std::string path = std::string(XPUPLAN_TEST_DIR) + "/errors/portfolio/unknown_offer.yaml";
  const Result r = run_cli({"plan", path});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown_offer.yaml:3:12: error: offer 'aws/us-east-1/p5.48xlarge/on-demnd'"), std::string::npos)
      << r.err;
  const Result flags = run_cli({"plan", example(), "--gap", "2", "--export", "k8s", "out"});
  EXPECT_EQ(flags.code, 2);
  EXPECT_NE(flags.err.find("--gap: error: must be in [0, 1), got 2"), std::string::npos) << flags.err;
  EXPECT_NE(flags.err.find("--export: error: must be one of kueue, slurm, skypilot; got 'k8s'"), std::string::npos)
      << flags.err;
}

TEST(CliPlan, ExportsAndHtmlAreWritten) {
  const fs::path dir = fs::path(::testing::TempDir()) / "xpuplan-plan-export";
  fs::remove_all(dir);
  const std::string html = (dir / "plan.html").string();
  fs::create_directories(dir);
  const Result r =
      run_cli({"plan", example(), "--no-baselines", "--export", "slurm", (dir / "out").string(), "--html", html});
  ASSERT_EQ(r.code, 0) << r.err;
  // One script per run and span of months in one pool (tune-8b-<first month>.sbatch).
  int scripts = 0;
  for (const auto& e : fs::directory_iterator(dir / "out" / "slurm")) {
    scripts += e.path().filename().string().starts_with("tune-8b-2027-") ? 1 : 0;
  }
  EXPECT_GE(scripts, 1);
  EXPECT_TRUE(fs::exists(dir / "out" / ".xpuplan-export"));
  // Exporting again into the same folder needs --force; two formats in one run.
  const Result again = run_cli({"plan", example(), "--no-baselines", "--export", "slurm", (dir / "out").string()});
  EXPECT_EQ(again.code, 2) << again.err;
  const Result forced = run_cli({"plan", example(), "--no-baselines", "--force", "--export", "slurm",
                                 (dir / "out").string(), "--export", "kueue", (dir / "k").string()});
  EXPECT_EQ(forced.code, 0) << forced.err;
  EXPECT_TRUE(fs::exists(dir / "k" / "kueue" / "2027-01.yaml"));
  std::ifstream in(html);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("<svg"), std::string::npos);
  EXPECT_NE(text.str().find("small"), std::string::npos);
  EXPECT_EQ(check_markup(text.str()), std::vector<std::string>{});
  EXPECT_EQ(external_references(text.str()), std::vector<std::string>{});
  fs::remove_all(dir);
}

}  // namespace
}  // namespace xpu::cli
