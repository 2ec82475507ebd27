// Risk and scenario files: error files with exact diagnostics, and the
// shipped examples (every risk entry carries a source).
//
// Each tests/errors/risks/<case>.yaml, read against tests/data/sim/fleet.yaml,
// must produce tests/errors/risks/<case>.txt verbatim; XPUPLAN_UPDATE_GOLDEN=1 rewrites them.
#include "ingest/risks_io.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "golden.h"
#include "ingest/sim_input_io.h"

namespace xpu {
namespace {

namespace fs = std::filesystem;

const SimInput& fleet() {
  static const SimInput in = load_sim_input(testing::test_path("data/sim/fleet.yaml"));
  return in;
}

std::string diagnostics_for(const std::string& name) {
  const std::string dir = testing::test_path("errors/risks/");
  Diagnostics ds;
  parse_risks(testing::read_file(dir + name + ".yaml"), name + ".yaml", fleet(), ds);
  return ds.empty() ? "(no errors)\n" : format_diagnostics(ds);
}

TEST(RisksErrors, EachCaseReportsExactlyItsExpectedDiagnostics) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(testing::test_path("errors/risks"))) {
    if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"comments_only", "empty", "fractions_out_of_range", "names_and_lists",
                                             "negative_rates", "out_of_bounds", "outside_horizon", "several_problems",
                                             "unknown_names"}));
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    const std::string actual = diagnostics_for(name);
    EXPECT_NE(actual, "(no errors)\n");
    testing::expect_golden(actual, "errors/risks/" + name + ".txt");
  }
}

TEST(RisksIo, ShippedDefaultsReadAndEveryEntryHasASource) {
  Diagnostics ds;
  const std::string path = std::string(XPUPLAN_TEST_DIR) + "/../examples/risks.yaml";
  const Risks r = parse_risks(testing::read_file(path), "risks.yaml", fleet(), ds);
  EXPECT_FALSE(has_errors(ds)) << format_diagnostics(ds);
  ASSERT_EQ(r.shocks.size(), 2u);
  EXPECT_EQ(r.shocks[0].depth.kind, Distribution::Kind::uniform);
  EXPECT_DOUBLE_EQ(r.shocks[0].duration.a, 30 * 86400.0);
  EXPECT_EQ(r.spot.size(), 2u);
  EXPECT_FALSE(r.checkpoint.interval.has_value());  // young-daly
  EXPECT_DOUBLE_EQ(r.checkpoint.restart.si(), 600.0);
  for (const auto& s : r.shocks) EXPECT_FALSE(s.source.empty()) << s.name;
  for (const auto& s : r.late) EXPECT_FALSE(s.source.empty()) << s.name;
  for (const auto& s : r.spot) EXPECT_FALSE(s.source.empty()) << s.name;
  for (const auto& s : r.failures) EXPECT_FALSE(s.source.empty()) << s.accelerator;
  EXPECT_FALSE(r.checkpoint.source.empty());
  // The generic file names a provider this fleet lacks ('neocloud' it has; 'gcp' spot it does not).
  EXPECT_TRUE(std::any_of(ds.begin(), ds.end(), [](const Diagnostic& d) {
    return d.severity == Severity::warning &&
           d.message == "spot 'gcp-spot': provider 'gcp' matches no spot pool of this input";
  }));
}

TEST(SimInputIo, ScenarioFileReadsIntoPlanValues) {
  const SimInput& in = fleet();
  ASSERT_EQ(in.horizon.months(), 6);
  EXPECT_DOUBLE_EQ(in.horizon.month_hours[1], 672.0);
  ASSERT_EQ(in.pools.size(), 5u);
  EXPECT_EQ(in.pools[3].capacity[3], 1024);
  EXPECT_DOUBLE_EQ(per_hour(in.pools[1].price_per_chip), 4.30);
  ASSERT_EQ(in.runs.size(), 1u);
  EXPECT_EQ(in.runs[0].months[2], (RunMonth{1, 512, 1.5e6}));
  EXPECT_EQ(in.runs[0].months[3].pool, -1);
  EXPECT_DOUBLE_EQ(in.services[0].demand_rps[5], 120.0);
}

TEST(SimInputIo, LlamaScenarioCutsTheHorizonAfter54Days) {
  const SimInput in = load_sim_input(std::string(XPUPLAN_TEST_DIR) + "/../examples/llama3-405b-scenario.yaml");
  EXPECT_DOUBLE_EQ(in.horizon.total_hours(), 54 * 24.0);
  EXPECT_EQ(in.runs[0].months[1].chips, 16384);
}

TEST(SimInputIo, RentedChipsAreReadAndChecked) {
  const std::string head =
      "horizon: {start: 2027-01, months: 2}\n"
      "pools:\n"
      "  - {name: p, accelerator: h100-sxm, vendor: nvidia, provider: aws, term: on-demand, chips_per_instance: 8,\n"
      "     price: 2 $/chip/h, capacity: 16, ";
  Diagnostics ds;
  const SimInput in = parse_sim_input(head + "rented: [16, 8]}\n", "s.yaml", ds);
  EXPECT_TRUE(ds.empty()) << format_diagnostics(ds);
  ASSERT_EQ(in.pools.size(), 1u);
  EXPECT_EQ(in.pools[0].rented, (std::vector<int64_t>{16, 8}));
  Diagnostics bad;
  const SimInput over = parse_sim_input(head + "rented: 20}\n", "s.yaml", bad);
  EXPECT_EQ(format_diagnostics(validate_sim_input(over)),
            "s.yaml:3:5: error: pool 'p': rented chips in 2027-01 must be whole instances of 8 chips within the "
            "capacity 16, got 20\n"
            "s.yaml:3:5: error: pool 'p': rented chips in 2027-02 must be whole instances of 8 chips within the "
            "capacity 16, got 20\n");
}

TEST(SimInputIo, ANameGivenTwiceIsAnErrorAtTheSecond) {
  // Two pools named 'p' were read as two, every reference going to the first,
  // without a word (usertrial3); runs and services likewise.
  Diagnostics ds;
  parse_sim_input(
      "horizon: {start: 2027-01, months: 1}\n"
      "pools:\n"
      "  - {name: p, accelerator: h100-sxm, vendor: nvidia, provider: aws, term: on-demand, price: 2 $/chip/h, "
      "capacity: 8}\n"
      "  - {name: p, accelerator: h100-sxm, vendor: nvidia, provider: aws, term: spot, price: 1 $/chip/h, "
      "capacity: 8}\n"
      "services:\n"
      "  - {name: s, demand: 1 req/s, replicas: [{pool: p, count: 1, chips_per_replica: 8, per_replica: 2 req/s}]}\n"
      "  - {name: s, demand: 1 req/s, replicas: [{pool: p, count: 1, chips_per_replica: 8, per_replica: 2 req/s}]}\n",
      "s.yaml", ds);
  EXPECT_EQ(format_diagnostics(ds),
            "s.yaml:4:12: error: pool 'p': name: is given twice (first on line 3)\n"
            "s.yaml:7:12: error: service 's': name: is given twice (first on line 6)\n");
}

TEST(SimInputIo, ARunsOrderAndWholeInstancesAreSaidWithTheReadersOtherProblems) {
  // usertrial6: deadline before earliest and 7 chips of 8-chip instances were
  // checked only once the rest read clean, so a second run found them.
  Diagnostics ds;
  parse_sim_input(
      "horizon: {start: 2027-01, months: 3}\n"
      "pools:\n"
      "  - {name: p, accelerator: h100-sxm, vendor: nvidia, provider: aws, term: on-demand, chips_per_instance: 8, "
      "price: -1 $/chip/h, capacity: 16}\n"
      "runs:\n"
      "  - name: r\n"
      "    tokens: 1T\n"
      "    earliest: 2027-03\n"
      "    deadline: 2027-01\n"
      "    allocation: {pool: p, chips: 7, throughput: 1k tok/s}\n",
      "s.yaml", ds);
  EXPECT_EQ(format_diagnostics(ds),
            "s.yaml:3:116: error: pool 'p': price: must be positive, got -1 $/chip/h\n"
            "s.yaml:8:15: error: run 'r': deadline: 2027-01 is before earliest 2027-03\n"
            "s.yaml:9:34: error: run 'r': allocation: chips: 7 chips is not whole instances of 8 (pool 'p')\n");
}

TEST(SimInputIo, ErrorsSayWhereAndSuggest) {
  Diagnostics ds;
  parse_sim_input(
      "horizon: {start: 2027-01, months: 2}\n"
      "pools:\n"
      "  - {name: p, accelerator: h100-sxm, vendor: nvidia, provider: aws, term: on-demnd, price: 2 $/h, "
      "capacity: 8}\n"
      "runs:\n"
      "  - name: r\n"
      "    tokens: 1T\n"
      "    allocation: {pool: q, chips: 8, throughput: 5k}\n",
      "s.yaml", ds);
  EXPECT_EQ(format_diagnostics(ds),
            "s.yaml:3:75: error: pool 'p': term: must be one of on-demand, spot, 1y, 3y, capacity-block; got "
            "'on-demnd' (did you mean 'on-demand'?)\n"
            "s.yaml:3:92: error: pool 'p': price: must be per chip, e.g. '2.5 $/chip/h'\n"
            "s.yaml:7:24: error: run 'r': allocation: pool: unknown pool 'q' (did you mean 'p'?)\n"
            "s.yaml:7:49: error: run 'r': allocation: throughput: must be a count with its unit, e.g. '2.7M tok/s', "
            "got '5k'\n");
}

TEST(SimInputIo, PoolNamesAreCheckedAgainstTheCatalogAndVendors) {
  // `vendor: nvida` was its own vendor in "spend by vendor", an accelerator no
  // catalog has read without a word, and `per_replica: 0 req/s` held replicas
  // that serve nothing (usertrial3).
  Catalog catalog;
  Accelerator h100, v5p;
  h100.key = "h100-sxm";
  v5p.key = "tpu-v5p";
  v5p.vendor = Vendor::google;
  catalog.accelerators = {h100, v5p};
  const std::string text =
      "horizon: {start: 2027-01, months: 1}\n"
      "pools:\n"
      "  - {name: a, accelerator: h100-smx, vendor: nvidia, provider: aws, term: on-demand, price: 2 $/chip/h, "
      "capacity: 8}\n"
      "  - {name: b, accelerator: h100-sxm, vendor: nvida, provider: aws, term: on-demand, price: 2 $/chip/h, "
      "capacity: 8}\n"
      "  - {name: c, accelerator: tpu-v5p, vendor: nvidia, provider: gcp, term: on-demand, price: 2 $/chip/h, "
      "capacity: 8}\n"
      "runs:\n"
      "  - {name: r, tokens: 1T, allocation: {pool: b, chips: 8, throughput: 5k tok/s},\n"
      "     options: [{accelerator: tpu-v5q, chips: 8, throughput: 4k tok/s}]}\n"
      "services:\n"
      "  - {name: s, demand: 1 req/s, replicas: [{pool: b, count: 1, chips_per_replica: 8, per_replica: 0 req/s}]}\n";
  Diagnostics ds;
  parse_sim_input(text, "s.yaml", ds, &catalog);
  EXPECT_EQ(format_diagnostics(ds),
            "s.yaml:3:28: error: pool 'a': accelerator: unknown accelerator 'h100-smx' (did you mean 'h100-sxm'?)\n"
            "s.yaml:4:46: error: pool 'b': vendor: unknown vendor 'nvida' (did you mean 'nvidia'?)\n"
            "s.yaml:5:45: error: pool 'c': vendor: 'nvidia' is not the vendor of tpu-v5p (google makes it)\n"
            "s.yaml:8:30: error: run 'r': option: accelerator: unknown accelerator 'tpu-v5q' (did you mean "
            "'tpu-v5p'?)\n"
            "s.yaml:10:98: error: service 's': replicas: per_replica: must be more than 0 req/s: a replica serves "
            "some requests\n");
  // Without a catalog (a scenario read on its own) only the vendor names and the rates are checked.
  Diagnostics alone;
  parse_sim_input(text, "s.yaml", alone);
  const std::string text_alone = format_diagnostics(alone);
  EXPECT_EQ(std::count(text_alone.begin(), text_alone.end(), '\n'), 2) << text_alone;
}

}  // namespace
}  // namespace xpu
