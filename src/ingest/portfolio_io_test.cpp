// Portfolio files: error files with exact diagnostics, the units of demand
// and counts, and the shipped example.
//
// Each tests/errors/portfolio/<case>.yaml must produce tests/errors/portfolio/<case>.txt
// verbatim (paths relative to that folder); XPUPLAN_UPDATE_GOLDEN=1 rewrites them.
#include "ingest/portfolio_io.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "golden.h"

namespace xpu {
namespace {

namespace fs = std::filesystem;

const DataSet& shipped() {
  static const DataSet data = load_data({XPUPLAN_DATA_DIR});
  return data;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(testing::test_path("errors/portfolio"))) {
    if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string diagnostics_for(const std::string& name) {
  const std::string dir = testing::test_path("errors/portfolio/");
  std::string out = "(no errors)\n";
  try {
    load_portfolio(dir + name + ".yaml", shipped());
  } catch (const InputError& e) {
    out = format_diagnostics(e.diagnostics());
  }
  for (size_t pos = out.find(dir); pos != std::string::npos; pos = out.find(dir, pos)) out.erase(pos, dir.size());
  return out;
}

TEST(PortfolioErrors, TheRequiredCasesExist) {
  const std::vector<std::string> required{"deadline_before_start", "negative_capacity",  "negative_demand",
                                          "several_problems",      "share_out_of_range", "unknown_accelerator",
                                          "unknown_model",         "unknown_offer",      "unsafe_name"};
  auto names = case_names();
  for (const auto& r : required) {
    EXPECT_TRUE(std::find(names.begin(), names.end(), r) != names.end()) << "missing case " << r;
  }
}

TEST(PortfolioErrors, EachCaseReportsExactlyItsExpectedDiagnostics) {
  for (const auto& name : case_names()) {
    SCOPED_TRACE(name);
    std::string actual = diagnostics_for(name);
    EXPECT_NE(actual, "(no errors)\n");
    testing::expect_golden(actual, "errors/portfolio/" + name + ".txt");
  }
}

TEST(PortfolioIo, DemandUnits) {
  EXPECT_DOUBLE_EQ(*parse_demand("40 req/s", 200), 40);
  EXPECT_DOUBLE_EQ(*parse_demand("1.5k req/s", 200), 1500);
  EXPECT_DOUBLE_EQ(*parse_demand("6000 tok/s", 200), 30);
  EXPECT_DOUBLE_EQ(*parse_demand("-5 req/s", 200), -5);
  EXPECT_FALSE(parse_demand("40", 200));
  EXPECT_FALSE(parse_demand("40 qps", 200));
}

TEST(PortfolioIo, ShippedExampleLoads) {
  const std::string path = std::string(XPUPLAN_TEST_DIR) + "/../examples/portfolio.yaml";
  const Portfolio p = load_portfolio(path, shipped());
  EXPECT_EQ(p.name, "acme-2027");
  EXPECT_EQ(p.horizon.months, 12);
  EXPECT_EQ(p.sites.size(), 2u);
  EXPECT_GE(p.vendors().size(), 3u);
  EXPECT_GE(p.workloads.size(), 5u);
  EXPECT_TRUE(std::is_sorted(p.offers.begin(), p.offers.end(),
                             [](const PlanOffer& a, const PlanOffer& b) { return a.key < b.key; }));
  for (const PlanOffer& o : p.offers) {
    EXPECT_EQ(static_cast<int>(o.capacity.size()), p.horizon.months) << o.key;
    EXPECT_GT(o.it_watts.si(), 0) << o.key;
    EXPECT_GT(o.peak_bf16.si(), 0) << o.key;
  }
  int ported = 0;
  for (const Workload& w : p.workloads) ported += static_cast<int>(w.porting.size());
  EXPECT_GT(ported, 0);
  EXPECT_TRUE(p.policy.robustness.has_value());
  EXPECT_TRUE(validate_portfolio(p).empty());
}

TEST(PortfolioIo, InlineOfferPricesPerChipAndPerInstance) {
  const std::string text = R"(horizon: {start: 2027-03, months: 2}
sites: [{name: colo, power: 1 MW}]
offers:
  - {name: a, provider: x, accelerator: h100-sxm, chips: 8, term: 1y, price: 2 $/chip/h, capacity: 64, site: colo}
  - {name: b, provider: x, accelerator: h100-sxm, chips: 8, term: on-demand, price: 40 $/h, capacity: [8, 16]}
workloads:
  - {name: s, kind: inference, model: llama3.1-8b, demand: [10 req/s, 2000 tok/s], output_len: 200}
)";
  Diagnostics ds;
  const Portfolio p = parse_portfolio(text, "inline.yaml", shipped(), ds);
  ASSERT_FALSE(has_errors(ds)) << format_diagnostics(ds);
  ASSERT_EQ(p.offers.size(), 2u);
  EXPECT_DOUBLE_EQ(per_hour(p.offers[0].price_per_chip()), 2.0);
  EXPECT_DOUBLE_EQ(per_hour(p.offers[1].price_per_chip()), 5.0);
  EXPECT_EQ(p.offers[1].capacity, (std::vector<int>{8, 16}));
  EXPECT_EQ(p.offers[0].site, "colo");
  EXPECT_EQ(p.workloads[0].serve.demand_rps, (std::vector<double>{10, 10}));
  EXPECT_EQ(p.horizon.label(1), "2027-04");
}

TEST(PortfolioIo, AServiceWithNoDemandInAnyMonthIsSaid) {
  // usertrial5: planned as nothing without a word.
  const std::string text = R"(horizon: {start: 2027-03, months: 2}
offers: [{offer: aws/us-east-1/p5.48xlarge/on-demand, capacity: 64}]
workloads:
  - {name: s, kind: inference, model: llama3.1-8b, demand: [0 req/s, 0 tok/s], output_len: 200}
  - {name: t, kind: inference, model: llama3.1-8b, demand: 0 req/s}
  - {name: u, kind: inference, model: llama3.1-8b, demand: [0 req/s, 1 req/s]}
)";
  Diagnostics ds;
  const Portfolio p = parse_portfolio(text, "z.yaml", shipped(), ds);
  EXPECT_EQ(format_diagnostics(ds),
            "z.yaml:4:60: warning: workload 's': demand: is 0 in every month, so the plan serves nothing for it\n"
            "z.yaml:5:60: warning: workload 't': demand: is 0 in every month, so the plan serves nothing for it\n");
  EXPECT_EQ(p.workloads.size(), 3u);
}

TEST(PortfolioIo, ASequencePastTheModelsContextIsAWarningAtItsKey) {
  // usertrial6: planned without a word, where train's --seq-len and infer's --input-len warn.
  const std::string text = R"(horizon: {start: 2027-03, months: 2}
offers: [{offer: aws/us-east-1/p5.48xlarge/on-demand, capacity: 64}]
workloads:
  - {name: r, kind: training, model: llama3-8b, tokens: 1T, seq_len: 16384}
  - {name: s, kind: inference, model: llama3.1-8b, demand: 1 req/s, input_len: 131000, output_len: 200}
  - {name: t, kind: training, model: llama3-8b, tokens: 1T}
)";
  Diagnostics ds;
  const Portfolio p = parse_portfolio(text, "z.yaml", shipped(), ds);
  EXPECT_EQ(format_diagnostics(ds),
            "z.yaml:4:70: warning: workload 'r': seq_len: 16384 tokens (the sequence) is longer than the 8192-token "
            "context llama3-8b takes (max_position_embeddings in its config.json, with any rope_scaling): the model "
            "as published was not trained for it; estimated as if it were\n"
            "z.yaml:5:80: warning: workload 's': input_len: 131200 tokens (prompt and output) is longer than the "
            "131072-token context llama3.1-8b takes (max_position_embeddings in its config.json, with any "
            "rope_scaling): the model as published was not trained for it; estimated as if it were\n");
  EXPECT_EQ(p.workloads.size(), 3u);
}

TEST(PortfolioIo, ModelFromAHuggingFaceConfigBesideTheFile) {
  const std::string text = R"(horizon: {start: 2027-01, months: 1}
offers: [{offer: aws/us-east-1/p5.48xlarge/on-demand, capacity: 64}]
workloads:
  - {name: run, kind: training, model: hf/llama3.1-8b/config.json, tokens: 1T}
  - {name: bad, kind: training, model: hf/none/config.json, tokens: 1T}
)";
  Diagnostics ds;
  const Portfolio p = parse_portfolio(text, "p.yaml", shipped(), ds, std::string(XPUPLAN_TEST_DIR) + "/data");
  ASSERT_EQ(p.workloads.size(), 2u);
  EXPECT_EQ(p.workloads[0].model.key, "llama3.1-8b");
  EXPECT_EQ(p.workloads[0].model.layers, 32);
  ASSERT_EQ(ds.size(), 1u) << format_diagnostics(ds);
  EXPECT_EQ(ds[0].message,
            "workload 'bad': model: no file 'hf/none/config.json' (paths are relative to the portfolio file); give a "
            "shipped key ('xpuplan models') or a Hugging Face config.json path");
}

}  // namespace
}  // namespace xpu
