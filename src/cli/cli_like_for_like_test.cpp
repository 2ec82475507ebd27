// xpuplan compare compares like with like (issue 11, part 8): the serving
// targets are labelled with the statistic the engine enforces, every offer
// carries its provider class, a ranking that rests on one provider class says
// so, owned prices on different bases are flagged, commitments say what they
// bill, and a calibration in --catalog says what it replaces.
#include <gtest/gtest.h>

#include <algorithm>
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

// Every offer says what kind of seller it comes from; the filter and its near miss.
TEST(LikeForLike, PricesShowAndFilterTheProviderClass) {
  auto all = run_cli({"prices", "--json"});
  ASSERT_EQ(all.code, 0) << all.err;
  const auto j = nlohmann::json::parse(all.out);
  ASSERT_FALSE(j["offers"].empty());
  for (const auto& o : j["offers"]) {
    const std::string c = o["provider_class"];
    EXPECT_TRUE(c == "hyperscaler" || c == "neocloud") << o["key"] << " " << c;
  }
  auto neo = run_cli({"prices", "--provider-class", "neocloud", "--json"});
  ASSERT_EQ(neo.code, 0) << neo.err;
  const auto n = nlohmann::json::parse(neo.out);
  ASSERT_FALSE(n["offers"].empty());
  for (const auto& o : n["offers"]) EXPECT_EQ(o["provider_class"], "neocloud") << o["key"];
  auto text = run_cli({"prices", "--accelerator", "mi300x"});
  EXPECT_NE(text.out.find("tensorwave  neocloud"), std::string::npos) << text.out;
  auto bad = run_cli({"prices", "--provider-class", "neo"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--provider-class: error: must be one of hyperscaler, neocloud, other; got 'neo' (did you "
                         "mean 'neocloud'?)"),
            std::string::npos)
      << bad.err;
}

// The shipped book has a neocloud price only for AMD chips (MI300X, MI325X):
// the AMD chip that leads on it is flagged, a class filter compares like with
// like, and the JSON, CSV and text carry each option's class.
TEST(LikeForLike, RankingThatRestsOnOneProviderClassIsFlagged) {
  auto r = run_cli(with(kInfer, {"--json"}));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const std::string top = j["options"][0]["accelerator"];
  ASSERT_TRUE(top == "mi300x" || top == "mi325x") << top;
  const std::string sibling = top == "mi300x" ? "mi325x" : "mi300x";
  EXPECT_EQ(j["options"][0]["price"]["provider_class"], "neocloud");
  EXPECT_EQ(j["options"][0]["price"]["provider"], "tensorwave");
  const auto& c = j["provider_class_caveat"];
  ASSERT_TRUE(c.is_object()) << r.out.substr(0, 400);
  EXPECT_EQ(c["accelerator"], top);
  EXPECT_EQ(c["provider_class"], "neocloud");
  EXPECT_EQ(c["suggested_class"], "hyperscaler");
  const auto without = c["without"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(without.begin(), without.end(), "h100-sxm"), without.end());
  // Same vendor is not a like-for-like problem.
  EXPECT_EQ(std::find(without.begin(), without.end(), sibling), without.end());

  auto text = run_cli(kInfer);
  EXPECT_NE(text.out.find("Like for like: " + top + " ranks first on a neocloud offer (tensorwave)"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("--provider-class hyperscaler"), std::string::npos);

  auto csv = run_cli(with(kInfer, {"--csv"}));
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_TRUE(csv.out.starts_with("rank,accelerator,vendor,system,offer,provider_class,")) << csv.out.substr(0, 80);
  EXPECT_NE(csv.out.find(",neocloud,"), std::string::npos);

  auto same = run_cli(with(kInfer, {"--json", "--provider-class", "hyperscaler"}));
  ASSERT_EQ(same.code, 0) << same.err;
  const auto h = nlohmann::json::parse(same.out);
  EXPECT_FALSE(h.contains("provider_class_caveat"));
  EXPECT_EQ(h["prices"]["provider_class"], "hyperscaler");
  ASSERT_FALSE(h["options"].empty());
  for (const auto& o : h["options"]) EXPECT_EQ(o["price"]["provider_class"], "hyperscaler") << o["accelerator"];
}

TEST(LikeForLike, ProviderFilterNarrowsOffersAndSuggestsTheNearMiss) {
  auto r = run_cli(with(kInfer, {"--json", "--provider", "tensorwave"}));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["options"].size(), 2u);
  for (const auto& o : j["options"]) EXPECT_EQ(o["price"]["provider"], "tensorwave");
  bool said = false;
  for (const auto& n : j["not_compared"]) {
    if (n["accelerator"] == "h100-sxm") {
      said = true;
      EXPECT_NE(n["reason"].get<std::string>().find("from tensorwave"), std::string::npos) << n["reason"];
    }
  }
  EXPECT_TRUE(said);
  auto bad = run_cli(with(kInfer, {"--provider", "tensorwav"}));
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--provider: error: no offers from provider 'tensorwav' (did you mean 'tensorwave'?)"),
            std::string::npos)
      << bad.err;
  auto owned = run_cli(with(kInfer, {"--provider-class", "neocloud", "--term", "owned"}));
  EXPECT_EQ(owned.code, 2);
  EXPECT_NE(owned.err.find("--provider-class: error:"), std::string::npos) << owned.err;
}

// A user's own seller: a `providers:` entry classes its offers, an offer's
// own `provider_class:` overrides it, and a provider with neither is shown as
// unclassified.
TEST(LikeForLike, UserProvidersAreClassified) {
  const auto dir = temp_dir("xpuplan_like_prov");
  std::ofstream(dir / "p.yaml") << R"(providers:
  - {name: acme, class: neocloud, source: "acme's about page", retrieved: 2026-12-01}
offers:
  - {provider: acme, instance: h100-8, accelerator: h100-sxm, chips: 8, term: on-demand, price: 2.5 $/chip/h,
     source: "acme price list", retrieved: 2026-12-01}
  - {provider: acme, instance: h200-8, accelerator: h200-sxm, chips: 8, term: on-demand, price: 3 $/chip/h,
     provider_class: other, source: "acme price list", retrieved: 2026-12-01}
  - {provider: nobody, instance: b200-8, accelerator: b200, chips: 8, term: on-demand, price: 4 $/chip/h,
     source: "a quote", retrieved: 2026-12-01}
)";
  auto r = run_cli({"--catalog", dir.string(), "prices", "--json", "--provider", "acme"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["offers"].size(), 2u);
  EXPECT_EQ(j["offers"][0]["provider_class"], "neocloud");
  EXPECT_EQ(j["offers"][1]["provider_class"], "other");
  auto n = run_cli({"--catalog", dir.string(), "prices", "--json", "--provider", "nobody"});
  ASSERT_EQ(n.code, 0) << n.err;
  EXPECT_EQ(nlohmann::json::parse(n.out)["offers"][0]["provider_class"], "unclassified");
  std::ofstream(dir / "p.yaml") << "providers:\n  - {name: acme, class: neoclud, source: x, retrieved: 2026-12-01}\n";
  auto bad = run_cli({"--catalog", dir.string(), "prices"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("p.yaml:2:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("did you mean 'neocloud'"), std::string::npos) << bad.err;
  std::filesystem::remove_all(dir);
}

// Owned prices on different bases (MI300X's chip alone, NVIDIA's system
// shares) are not like for like: the report says which is which.
TEST(LikeForLike, OwnedMixOfChipAndSystemPricesIsFlagged) {
  auto r = run_cli({"compare", "--model", "llama3.1-70b", "--train", "--tokens", "1T", "--chips", "512", "--term",
                    "owned", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const auto& o : j["options"]) {
    EXPECT_EQ(o["price"]["provider_class"], "owned");
    EXPECT_EQ(o["price"]["includes"], o["accelerator"] == "mi300x" ? "chip" : "system") << o["accelerator"];
  }
  const auto& c = j["purchase_basis_caveat"];
  ASSERT_TRUE(c.is_object());
  EXPECT_EQ(c["chip_only"], nlohmann::json::array({"mi300x"}));
  EXPECT_FALSE(c["system_share"].empty());
  auto text =
      run_cli({"compare", "--model", "llama3.1-70b", "--train", "--tokens", "1T", "--chips", "512", "--term", "owned"});
  EXPECT_NE(text.out.find("Like for like: Mixed purchase bases: mi300x is priced for the chip alone"),
            std::string::npos)
      << text.out;
  // One basis, no flag.
  auto nv = run_cli({"compare", "--model", "llama3.1-70b", "--train", "--tokens", "1T", "--chips", "512", "--term",
                     "owned", "--accelerators", "h100-sxm,gb200", "--json"});
  ASSERT_EQ(nv.code, 0) << nv.err;
  EXPECT_FALSE(nlohmann::json::parse(nv.out).contains("purchase_basis_caveat"));
}

// A 1y commitment bills every hour of the year: the text says the cost column
// is the run's share at a utilization, and the term's whole bill is shown;
// the numbers agree with the list price.
TEST(LikeForLike, CommitmentSaysWhatItBillsAndTheNumbersAgree) {
  const std::vector<std::string> args{
      "compare", "--model", "llama3.1-70b",   "--train",  "--tokens",      "1T", "--chips", "512",
      "--term",  "1y",      "--accelerators", "h100-sxm", "--utilization", "0.5"};
  auto text = run_cli(args);
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_EQ(text.out.find("Cost is for the whole run"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Cost is the run's share of a 1y commitment"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("/ 50% utilization (its idle 50% is charged to the work)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("1y bill"), std::string::npos) << text.out;
  auto json = run_cli(with(args, {"--json"}));
  ASSERT_EQ(json.code, 0) << json.err;
  const auto o = nlohmann::json::parse(json.out)["options"][0];
  const double price = o["price"]["usd_per_chip_hour_list"], billed = o["billed_chips"], days = o["time_days"];
  EXPECT_NEAR(o["commitment_bill_usd"].get<double>() / (price * billed * 365 * 24), 1.0, 1e-3);
  EXPECT_NEAR(o["cost_usd"].get<double>() / (price * billed * days * 24 / 0.5), 1.0, 1e-3);
  // Pay-as-you-go terms bill the run only, and say so.
  auto od = run_cli({"compare", "--model", "llama3.1-70b", "--train", "--tokens", "1T", "--chips", "512",
                     "--accelerators", "h100-sxm", "--json"});
  EXPECT_FALSE(nlohmann::json::parse(od.out)["options"][0].contains("commitment_bill_usd"));
}

}  // namespace
}  // namespace xpu::cli
