// xpuplan compare: golden JSON for a training and a serving workload, exact
// messages for bad flags, and the HTML report's structure.
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

using test_support::run_cli;

const std::vector<std::string> kTrain{"compare", "--model", "llama3.1-70b", "--train",   "--tokens",
                                      "15T",     "--chips", "1024",         "--seq-len", "8192"};
const std::vector<std::string> kInfer{"compare",     "--model", "llama3.3-70b", "--infer", "--rate",     "20",
                                      "--input-len", "2048",    "--output-len", "300",     "--ttft-slo", "1 s",
                                      "--tpot-slo",  "40 ms",   "--precision",  "fp8"};

std::vector<std::string> with(std::vector<std::string> base, const std::vector<std::string>& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

TEST(Compare, TrainingJsonIsGolden) {
  auto r = run_cli(with(kTrain, {"--sensitivity", "--json"}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  xpu::testing::expect_golden(r.out, "golden/compare-train-llama70b-1024.json");
}

TEST(Compare, ServingJsonIsGolden) {
  auto r = run_cli(with(kInfer, {"--json"}));
  ASSERT_EQ(r.code, 0) << r.err;
  xpu::testing::expect_golden(r.out, "golden/compare-infer-llama33-70b.json");
}

// A report file that cannot be written is exit 2 at its flag, but the answer
// it was computed for is still printed (it once went to nowhere).
TEST(Compare, AnUnwritableHtmlFileKeepsTheAnswer) {
  const auto plain = run_cli(with(kInfer, {"--json"}));
  const auto r = run_cli(with(kInfer, {"--json", "--html", "/nonexistent-dir/x/report.html"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--html"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, plain.out);
}

TEST(Compare, ResultDoesNotDependOnThreads) {
  auto one = run_cli(with(kTrain, {"--sensitivity", "--json", "--threads", "1"}));
  auto two = run_cli(with(kTrain, {"--sensitivity", "--json", "--threads", "2"}));
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_EQ(one.out, two.out);
}

// Facility energy is IT energy x PUE: the same run at PUE 1.5 draws 1.5/1.2 of
// the energy at the default 1.2; rented costs do not move (the price includes it).
TEST(Compare, PueScalesEnergyAndFacilityPowerOnly) {
  auto base = run_cli(with(kTrain, {"--accelerators", "h100-sxm,tpu-v5p", "--json"}));
  auto high = run_cli(with(kTrain, {"--accelerators", "h100-sxm,tpu-v5p", "--json", "--pue", "1.5"}));
  ASSERT_EQ(base.code, 0) << base.err;
  ASSERT_EQ(high.code, 0) << high.err;
  const auto a = nlohmann::json::parse(base.out), b = nlohmann::json::parse(high.out);
  EXPECT_EQ(b["prices"]["pue"], 1.5);
  ASSERT_EQ(a["options"].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const auto &x = a["options"][i], &y = b["options"][i];
    EXPECT_NEAR(y["energy_mwh"].get<double>() / x["energy_mwh"].get<double>(), 1.25, 1e-3);
    EXPECT_NEAR(y["facility_mw"].get<double>() / x["facility_mw"].get<double>(), 1.25, 1e-3);
    EXPECT_EQ(y["cost_usd"], x["cost_usd"]);
  }
}

TEST(Compare, OptionsAreRankedByCostAgainstTheBaseline) {
  auto r = run_cli(with(kTrain, {"--json"}));
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  const auto& options = j["options"];
  ASSERT_GE(options.size(), 10u);
  double last = 0;
  double baseline = 0;
  for (size_t i = 0; i < options.size(); ++i) {
    const auto& o = options[i];
    EXPECT_EQ(o["rank"], i + 1);
    const double cost = o["cost_usd"].get<double>();
    EXPECT_GE(cost, last);
    last = cost;
    EXPECT_LE(o["cost_usd_low"].get<double>(), cost);
    EXPECT_GE(o["cost_usd_high"].get<double>(), cost);
    EXPECT_EQ(o["chips"], 1024);
    EXPECT_GE(o["billed_chips"].get<int>(), 1024);
    // Cost per Mtok is the run's cost over its 15T tokens.
    EXPECT_NEAR(o["usd_per_mtok"].get<double>(), cost / 15e6, cost / 15e6 * 1e-5);
    if (o["accelerator"] == "h100-sxm") baseline = cost;
  }
  ASSERT_GT(baseline, 0);
  for (const auto& o : options) {
    EXPECT_NEAR(o["relative_to_baseline"].get<double>(), baseline / o["cost_usd"].get<double>(), 1e-4);
  }
  // Priced nowhere on demand: listed with the reason, not silently dropped.
  bool trn2 = false;
  for (const auto& n : j["not_compared"]) {
    if (n["accelerator"] == "trn2") {
      trn2 = true;
      EXPECT_EQ(n["reason"], "no on-demand price (priced: spot)");
    }
  }
  EXPECT_TRUE(trn2);
}

TEST(Compare, BaselineWithoutAPriceIsSaidAndLeavesRelativeEmpty) {
  auto r = run_cli(with(kTrain, {"--baseline", "trn2", "--accelerators", "h100-sxm,trn2"}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Note: baseline trn2 is not compared: no on-demand price (priced: spot).\n"), std::string::npos)
      << r.out;
  auto j = nlohmann::json::parse(
      run_cli(with(kTrain, {"--baseline", "trn2", "--accelerators", "h100-sxm,trn2", "--json"})).out);
  EXPECT_FALSE(j["baseline"]["priced"].get<bool>());
  EXPECT_TRUE(j["options"][0]["relative_to_baseline"].is_null());
}

TEST(Compare, DeadlinePicksWholeInstancesThatFinishInTime) {
  auto r = run_cli({"compare", "--model", "llama3.1-70b", "--train", "--tokens", "15T", "--deadline", "90 days",
                    "--accelerators", "h100-sxm,tpu-v5p,trn1", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  // Trn1 cannot: with a 512-sequence batch, Megatron's interleaving rule (micro-batches
  // in groups of pp) leaves deep pipelines their whole bubble, and it is said so.
  ASSERT_EQ(j["options"].size(), 2u);
  ASSERT_EQ(j["not_compared"].size(), 1u);
  EXPECT_EQ(j["not_compared"][0]["accelerator"], "trn1");
  EXPECT_NE(j["not_compared"][0]["reason"].get<std::string>().find("cannot finish by the deadline"), std::string::npos);
  for (const auto& o : j["options"]) {
    EXPECT_LE(o["time_days"].get<double>(), 90.0) << o["accelerator"];
    EXPECT_EQ(o["chips"].get<int>() % o["price"]["instance_chips"].get<int>(), 0) << o["accelerator"];
  }
  // One step down the candidate sizes does not make it: 3072 H100s take 86.5 days; 2560 would not.
  auto fewer =
      run_cli({"train", "--model", "llama3.1-70b", "-a", "h100-sxm", "-n", "2560", "--tokens", "15T", "--json"});
  ASSERT_EQ(fewer.code, 0) << fewer.err;
  EXPECT_GT(nlohmann::json::parse(fewer.out)["train_time_s"].get<double>(), 90 * 86400.0);
}

TEST(Compare, ServingSizesTheFleetForTheLoad) {
  auto r = run_cli(with(kInfer, {"--json", "--accelerators", "h100-sxm,h200-sxm,tpu-v6e"}));
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  for (const auto& o : j["options"]) {
    EXPECT_EQ(o["chips"].get<int>(), o["replicas"].get<int>() * o["chips_per_replica"].get<int>());
    EXPECT_LE(o["tpot_p99_ms"].get<double>(), 1e3);
    // $/Mtok of output: $/h over the output tokens of one hour at 20 requests/s x 300 tokens.
    EXPECT_NEAR(o["usd_per_mtok"].get<double>(), o["cost_usd"].get<double>() / (20 * 300 * 3600 / 1e6), 1e-3);
  }
}

// compare --infer takes infer's token budget: a small one (256 tokens at
// 2048 in / 300 out holds 256 / (1 + 2048/300) = 32 decoding sequences)
// needs more chips on B200 for the same load, and is echoed with the workload.
TEST(Compare, ServingTakesTheEnginesTokenBudget) {
  auto chips_on_b200 = [](const std::vector<std::string>& more) {
    auto r = run_cli(with(with(kInfer, {"--json", "--accelerators", "b200"}), more));
    EXPECT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["options"].size(), 1U) << r.out;
    return std::pair{j["workload"].value("max_num_tokens", 0),
                     j["options"].empty() ? 0 : j["options"][0]["chips"].get<int>()};
  };
  const auto [none, chips] = chips_on_b200({});
  const auto [budget, budget_chips] = chips_on_b200({"--max-num-tokens", "256"});
  EXPECT_EQ(none, 0);
  EXPECT_EQ(budget, 256);
  EXPECT_GT(budget_chips, chips);
  auto text = run_cli(with(kInfer, {"--accelerators", "b200", "--max-num-tokens", "256"}));
  EXPECT_NE(text.out.find(", 256 tokens per iteration (as given)\n"), std::string::npos) << text.out;
}

TEST(Compare, CsvHasOneRowPerOption) {
  auto r = run_cli(with(kTrain, {"--csv", "--accelerators", "h100-sxm,b200,tpu-v5p"}));
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream in(r.out);
  std::string line;
  std::getline(in, line);
  EXPECT_TRUE(line.starts_with("rank,accelerator,vendor,system,offer,")) << line;
  int rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    EXPECT_TRUE(line.starts_with(std::to_string(rows) + ",")) << line;
  }
  EXPECT_EQ(rows, 3);
}

TEST(Compare, BadFlagsAreExitTwoWithTheFlagNamed) {
  auto none = run_cli({"compare", "--model", "llama3.1-70b"});
  EXPECT_EQ(none.code, 2);
  EXPECT_EQ(none.err, "--train: error: give --train or --infer\n");
  auto both = run_cli({"compare", "--model", "llama3.1-70b", "--train", "--infer"});
  EXPECT_EQ(both.err, "--infer: error: --train and --infer exclude each other\n");
  auto train =
      run_cli({"compare", "--model", "llama3.1-70b", "--train", "--tokens", "0", "--chips", "8", "--deadline", "90"});
  EXPECT_EQ(train.code, 2);
  EXPECT_EQ(train.err,
            "--tokens: error: expected a positive count such as 15T, 2.5e12 or 300B; got '0'\n"
            "--deadline: error: --chips and --deadline exclude each other\n"
            "--deadline: error: '90' has no unit; write it with one (e.g. '90 days')\n");
  auto missing = run_cli({"compare", "--model", "llama3.1-70b", "--train"});
  EXPECT_EQ(missing.err,
            "--tokens: error: training needs the tokens to train, e.g. 15T\n"
            "--chips: error: give --chips N, or --deadline to find the fewest chips\n");
  auto prices = run_cli({"compare",    "--model",  "llama3.1-70b",   "--train",      "--tokens",      "15T",
                         "--chips",    "8",        "--term",         "spott",        "--utilization", "1.5",
                         "--baseline", "h100-sxn", "--accelerators", "b200,tpu-v5q", "--region",      "us-east-9",
                         "--json",     "--csv",    "--pue",          "0.9",          "--life",        "0"});
  EXPECT_EQ(prices.code, 2);
  EXPECT_EQ(prices.err,
            "--term: error: must be one of on-demand, spot, 1y, 3y, capacity-block, owned; got 'spott' (did you mean "
            "'spot'?)\n"
            "--utilization: error: must be in (0, 1], got 1.5\n"
            "--pue: error: must be in [1, 3] (facility power / IT power), got 0.9\n"
            "--life: error: must be in (0, 20] years, got 0\n"
            "--baseline: error: unknown accelerator 'h100-sxn' (did you mean 'h100-sxm'?)\n"
            "--accelerators: error: unknown accelerator 'tpu-v5q' (did you mean 'tpu-v5e'?)\n"
            "--region: error: no offers in region 'us-east-9' (did you mean 'us-east-1'?)\n"
            "--csv: error: --json and --csv exclude each other\n");
  auto infer = run_cli({"compare", "--model", "llama3.3-70b", "--infer", "--ttft-slo", "1", "--precision", "fp9",
                        "--electricity", "0.1"});
  EXPECT_EQ(infer.err,
            "--rate: error: serving needs a request rate, e.g. --rate 20\n"
            "--precision: error: must be one of bf16, fp16, fp8, fp4, int8; got 'fp9' (did you mean 'fp8'?)\n"
            "--ttft-slo: error: '1' has no unit; write it with one (e.g. '1 ms')\n"
            "--electricity: error: '0.1' has no unit; write it with one (e.g. '0.1 $/kWh')\n");
}

TEST(Compare, HtmlReportIsWellFormedAndSelfContained) {
  const auto dir = std::filesystem::temp_directory_path() / "xpuplan_compare_html";
  std::filesystem::create_directories(dir);
  for (const auto& args : {with(kTrain, {"--sensitivity"}), with(kInfer, {"--sensitivity"})}) {
    const std::string path = (dir / "report.html").string();
    auto r = run_cli(with(args, {"--html", path}));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "wrote " + path + "\n");
    const std::string html = xpu::testing::read_file(path);
    EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">")) << html.substr(0, 60);
    EXPECT_EQ(check_markup(html), std::vector<std::string>{});
    EXPECT_EQ(external_references(html), std::vector<std::string>{});
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("<img"), std::string::npos);
    // Three charts (cost, trade-off, sensitivity), each with an accessible title.
    size_t svgs = 0;
    for (size_t at = html.find("<svg "); at != std::string::npos; at = html.find("<svg ", at + 1)) ++svgs;
    EXPECT_EQ(svgs, 3u);
    for (const char* id : {"cost", "tradeoff", "sensitivity"}) {
      EXPECT_NE(html.find(std::string("<title id=\"") + id + "-title\">"), std::string::npos) << id;
    }
    for (const char* section : {"<h2>Options</h2>", "<h2>Sensitivity</h2>", "<h2>Not compared</h2>", "<h2>Sources</h2>",
                                "<h2>Evidence behind the estimates</h2>"}) {
      EXPECT_NE(html.find(section), std::string::npos) << section;
    }
    EXPECT_NE(html.find("<span class=\"est\">estimate:</span>"), std::string::npos);
    // Same input, same bytes.
    auto again = run_cli(with(args, {"--html", path}));
    EXPECT_EQ(xpu::testing::read_file(path), html);
  }
  std::filesystem::remove_all(dir);
}

TEST(Compare, HtmlToAnUnwritablePathNamesTheFlag) {
  auto r = run_cli(with(kTrain, {"--accelerators", "h100-sxm", "--html", "/nonexistent-dir/x.html"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "--html: error: cannot write '/nonexistent-dir/x.html'\n");
}

}  // namespace
}  // namespace xpu::cli

namespace xpu::cli {
namespace {

TEST(Claims, ShippedDocIsWhatTheCodeComputes) {
  // docs/claims.md is generated; rerun `xpuplan claims --write docs/claims.md` (or set XPUPLAN_UPDATE_GOLDEN=1).
  std::ostringstream out, err;
  ASSERT_EQ(run({"claims", "--threads", "2"}, out, err), 0) << err.str();
  xpu::testing::expect_golden(out.str(), "../docs/claims.md");
}

TEST(Claims, EveryClaimHasAVerdictAndItsReproducingCommands) {
  std::ostringstream out, err;
  ASSERT_EQ(run({"claims"}, out, err), 0) << err.str();
  const std::string md = out.str();
  for (const char* heading :
       {"## Summary", "## Claim 1: Trainium2", "## Claim 2: Trainium3", "## Claim 3:", "## Limits"}) {
    EXPECT_NE(md.find(heading), std::string::npos) << heading;
  }
  // Trn3 has no price: the document says the claim cannot be checked as stated instead of inventing one.
  EXPECT_NE(md.find("**Cannot be checked as stated**"), std::string::npos);
  EXPECT_NE(md.find("**assumed**"), std::string::npos);
  size_t commands = 0;
  for (size_t at = md.find("\nxpuplan "); at != std::string::npos; at = md.find("\nxpuplan ", at + 1)) ++commands;
  EXPECT_GE(commands, 10u);
}

}  // namespace
}  // namespace xpu::cli
