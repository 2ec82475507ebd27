// `xpuplan prices`: listing, filters with suggestions, user overrides, and
// `prices import` on the fixture catalogs (golden output).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cli_test_support.h"
#include "cli/command.h"
#include "golden.h"

namespace xpu::cli {
namespace {

using test_support::run_cli;

std::string strip(std::string s, const std::string& prefix) {
  for (size_t pos = s.find(prefix); pos != std::string::npos; pos = s.find(prefix, pos)) s.erase(pos, prefix.size());
  return s;
}

TEST(CliPrices, JsonListingIsGolden) {
  auto r = run_cli({"prices", "--accelerator", "tpu-v6e", "--json"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  testing::expect_golden(r.out, "golden/prices-tpu-v6e.json");
}

TEST(CliPrices, TableShowsBothPricesAndTheEstimateMark) {
  auto r = run_cli({"prices", "--provider", "aws", "--region", "us-east-1", "--term", "capacity-block"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("p5.48xlarge"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("39.33"), std::string::npos);
  EXPECT_NE(r.out.find("4.916"), std::string::npos);
  EXPECT_NE(r.out.find("1 offers."), std::string::npos);
}

TEST(CliPrices, BadFiltersSuggestTheNearMiss) {
  auto t = run_cli({"prices", "--term", "ondemand"});
  EXPECT_EQ(t.code, 2);
  EXPECT_EQ(t.err,
            "--term: error: must be one of on-demand, spot, 1y, 3y, capacity-block; got 'ondemand' (did you mean "
            "'on-demand'?)\n");
  auto a = run_cli({"prices", "--accelerator", "h100-sxn"});
  EXPECT_EQ(a.code, 2);
  EXPECT_EQ(a.err, "--accelerator: error: unknown accelerator 'h100-sxn' (did you mean 'h100-sxm'?)\n");
  auto g = run_cli({"prices", "--region", "us-east-7"});
  EXPECT_EQ(g.code, 2);
  EXPECT_NE(g.err.find("no offers in region 'us-east-7' (did you mean"), std::string::npos) << g.err;
}

TEST(CliPrices, UserPriceFileReplacesTheShippedOffer) {
  const auto file = std::filesystem::path(::testing::TempDir()) / "xpuplan-cli-prices.yaml";
  std::ofstream(file)
      << "offers:\n"
         "  - {provider: aws, region: us-east-1, instance: p5.48xlarge, accelerator: h100-sxm, chips: 8,\n"
         "     term: on-demand, price: 40 $/h, source: our contract, retrieved: 2026-11-26}\n";
  auto r = run_cli({"--prices", file.string(), "prices", "--provider", "aws", "--region", "us-east-1", "--term",
                    "on-demand", "--accelerator", "h100-sxm", "--json"});
  std::filesystem::remove(file);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"usd_per_hour\": 40"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("note: offer 'aws/us-east-1/p5.48xlarge/on-demand' replaces the one defined at"),
            std::string::npos)
      << r.err;
}

TEST(CliPrices, ImportWritesYamlAndWarnsOnStderr) {
  const std::string dir = testing::test_path("data/prices/");
  auto r = run_cli({"prices", "import", "gcp", dir + "gcp_small.csv", "--retrieved", "2026-11-26", "--summary"});
  EXPECT_EQ(r.code, 0) << r.err;
  testing::expect_golden(strip(r.out, dir), "golden/prices-import-gcp-summary.yaml");
  std::string err = strip(r.err, dir);
  EXPECT_NE(err.find("gcp_small.csv:19: warning: [sentinel] v6e-4 in us-central2"), std::string::npos) << err;
  EXPECT_NE(err.find("gcp_small.csv: 22 rows read, 11 offers written, 10 prices excluded: duplicate 1, no-host-row 1, "
                     "regional-anomaly 2, sentinel 3, unknown-sku 2, unused-host-row 1\n"),
            std::string::npos)
      << err;
}

TEST(CliPrices, ImportNeedsADate) {
  auto r = run_cli({"prices", "import", "aws", testing::test_path("data/prices/aws_small.csv")});
  EXPECT_EQ(r.code, 2);
  // The flag, what it takes and where to look (CLI11's own "--retrieved is required" said neither).
  EXPECT_EQ(r.err,
            "--retrieved: error: is required: Date the snapshot was taken or read (YYYY-MM-DD); see 'xpuplan prices "
            "import --help'\n")
      << r.err;
}

}  // namespace
}  // namespace xpu::cli
