// The catalog cleaner on tiny fixture CSVs (tests/data/prices/), one row per
// rule; every exclusion must come back as a warning naming its line.
#include <gtest/gtest.h>

#include <algorithm>

#include "golden.h"
#include "ingest/price_import.h"
#include "ingest/price_import_rules.h"
#include "ingest/price_io.h"

namespace xpu {
namespace {

ImportResult import_fixture(const std::string& name, CatalogFormat f, ImportOptions opt = {}) {
  opt.retrieved = "2026-11-26";
  return import_skypilot_csv(testing::test_path("data/prices/" + name), f, opt);
}

const Offer* find(const ImportResult& r, const std::string& key) {
  for (const auto& o : r.offers) {
    if (o.key() == key) return &o;
  }
  return nullptr;
}

// The warning reported at `line` whose text contains `needle`.
bool warned(const ImportResult& r, int line, const std::string& needle) {
  return std::any_of(r.diagnostics.begin(), r.diagnostics.end(), [&](const Diagnostic& d) {
    return d.severity == Severity::warning && d.where.line == line && d.message.find(needle) != std::string::npos;
  });
}

std::vector<std::string> keys(const ImportResult& r) {
  std::vector<std::string> k;
  for (const auto& o : r.offers) k.push_back(o.key());
  return k;
}

// `rows` under SkyPilot's AWS header, imported as `name`.
ImportResult import_aws_rows(const std::string& rows, const std::string& name) {
  ImportOptions opt;
  opt.retrieved = "2026-11-26";
  return import_skypilot_text(
      "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,AvailabilityZone,"
      "Arch\n" +
          rows,
      name, CatalogFormat::aws, opt);
}

// The warnings, formatted, one a line.
std::string warnings_of(const ImportResult& r) {
  std::string warnings;
  for (const auto& d : r.diagnostics) {
    if (d.severity == Severity::warning) warnings += format_diagnostic(d) + "\n";
  }
  return warnings;
}

TEST(PriceImportAws, KeepsCleanPricesAndNamesEveryExclusion) {
  ImportResult r = import_fixture("aws_small.csv", CatalogFormat::aws);
  EXPECT_EQ(r.rows, 12);
  EXPECT_EQ(keys(r),
            (std::vector<std::string>{"aws/ap-south-9/p5.48xlarge/spot", "aws/us-east-1/p5.48xlarge/on-demand",
                                      "aws/us-east-1/p5.48xlarge/spot", "aws/us-east-2/p5.48xlarge/on-demand",
                                      "aws/us-east-2/p5e.48xlarge/spot", "aws/us-east-2/trn1.32xlarge/on-demand",
                                      "aws/us-east-2/trn1.32xlarge/spot", "aws/us-west-2/p5.48xlarge/on-demand"}));
  const Offer* od = find(r, "aws/us-east-1/p5.48xlarge/on-demand");
  ASSERT_NE(od, nullptr);
  EXPECT_NEAR(per_hour(od->price), 55.04, 1e-9);
  EXPECT_NEAR(per_hour(od->price_per_chip()), 6.88, 1e-9);
  EXPECT_EQ(od->accelerator, "h100-sxm");
  EXPECT_FALSE(od->provenance.estimate);
  EXPECT_EQ(od->provenance.retrieved, "2026-11-26");
  EXPECT_NE(od->provenance.source.find("https://aws.amazon.com/ec2/pricing/"), std::string::npos);
  // Spot: the median of the zones that undercut on-demand (19 and 21; az4's 55.04 is not spot).
  const Offer* spot = find(r, "aws/us-east-1/p5.48xlarge/spot");
  ASSERT_NE(spot, nullptr);
  EXPECT_NEAR(per_hour(spot->price), 20.0, 1e-9);
  EXPECT_TRUE(spot->provenance.estimate);

  EXPECT_TRUE(warned(r, 4, "[spot-not-cheaper] p5.48xlarge in us-east-1 (use1-az4)"));
  EXPECT_TRUE(warned(r, 5, "[duplicate]"));
  EXPECT_TRUE(warned(r, 6, "a second, different price"));
  EXPECT_TRUE(warned(r, 7, "[no-price] p5.48xlarge in us-east-2: spot price is blank"));
  EXPECT_TRUE(warned(r, 8, "spot price is 0.0"));
  EXPECT_TRUE(warned(r, 9, "[regional-anomaly] p5.48xlarge in ap-south-9"));
  EXPECT_TRUE(warned(r, 9, "2.07x the median 7.25 $/chip-h"));
  EXPECT_TRUE(warned(r, 10, "[no-price] p5e.48xlarge in us-east-2: on-demand price is blank"));
  EXPECT_TRUE(warned(r, 11, "[unknown-sku] p4d.24xlarge"));
  EXPECT_TRUE(warned(r, 13, "on-demand price is 0.0"));
  EXPECT_EQ(
      r.excluded,
      (std::map<std::string, int>{
          {"duplicate", 2}, {"no-price", 5}, {"regional-anomaly", 1}, {"spot-not-cheaper", 1}, {"unknown-sku", 1}}));
  EXPECT_FALSE(has_errors(r.diagnostics));
}

TEST(PriceImport, AQuotedCellMayHoldALineBreak) {
  // RFC 4180 allows a line break inside quotes (a pretty-printed GpuInfo): the
  // row came apart into two "malformed" ones (usertrial2, fixed by usertrial3).
  // Line numbers after it stay those of the file, and a quote never closed is
  // named where it opens.
  const std::string header =
      "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,"
      "AvailabilityZone,Arch\n";
  ImportOptions opt;
  opt.retrieved = "2026-12-06";
  ImportResult r =
      import_skypilot_text(header +
                               "p5.48xlarge,H100,8.0,192.0,2048.0,\"{'Gpus': [\r\n  {'Name': 'H100', "
                               "'Count': 8}]}\",55.04,19.0,us-east-1,use1-az2,x86_64\r\n"
                               "p5.48xlarge,H100,8.0,192.0,2048.0,\"{}\",55.04,,us-east-2,use2-az1,x86_64\n"
                               "p5.48xlarge,H100,8.0,192.0,2048.0,\"{'Gpus':\n,55.04,,us-west-2,x,x86_64\n",
                           "q.csv", CatalogFormat::aws, opt);
  EXPECT_EQ(r.rows, 3);
  EXPECT_NE(find(r, "aws/us-east-1/p5.48xlarge/on-demand"), nullptr) << format_diagnostics(r.diagnostics);
  EXPECT_TRUE(warned(r, 4, "[no-price] p5.48xlarge in us-east-2: spot price is blank"))
      << format_diagnostics(r.diagnostics);
  EXPECT_TRUE(warned(r, 5, "the quote at line 5 column 35 is never closed")) << format_diagnostics(r.diagnostics);
  EXPECT_EQ(r.excluded.count("malformed"), 1U);
}

TEST(PriceImportGcp, JoinsHostRowsAndDropsTheDiscountedRegionGroup) {
  ImportResult r = import_fixture("gcp_small.csv", CatalogFormat::gcp);
  EXPECT_EQ(r.rows, 22);
  // Accelerator row + host VM row: 78.4 + 9.46 in us-east4.
  const Offer* h100 = find(r, "gcp/us-east4/a3-highgpu-8g/on-demand");
  ASSERT_NE(h100, nullptr);
  EXPECT_NEAR(per_hour(h100->price), 87.86, 1e-9);
  EXPECT_EQ(h100->chips, 8);
  // us-central1 and us-west1 price the H100 row at 4.2/GPU against 9.8 and up elsewhere: dropped.
  EXPECT_EQ(find(r, "gcp/us-central1/a3-highgpu-8g/on-demand"), nullptr);
  EXPECT_EQ(find(r, "gcp/us-west1/a3-highgpu-8g/on-demand"), nullptr);
  EXPECT_TRUE(warned(r, 8, "[regional-anomaly] a3-highgpu-8g in us-central1"));
  EXPECT_TRUE(warned(r, 23, "in a lower price group"));
  // Their spot prices stand: spot is a separate market.
  EXPECT_NE(find(r, "gcp/us-central1/a3-highgpu-8g/spot"), nullptr);
  // a4-highgpu's host row is 0.0: the B200 row is the whole price, marked as an estimate.
  const Offer* b200 = find(r, "gcp/us-central1/a4-highgpu-8g/on-demand");
  ASSERT_NE(b200, nullptr);
  EXPECT_NEAR(per_hour(b200->price), 90.216, 1e-9);
  EXPECT_TRUE(b200->provenance.estimate);
  EXPECT_TRUE(warned(r, 7, "host VM row price is 0.0"));
  // TPU slices: v5p-8 counts TensorCores (4 chips), v6e-4 counts chips.
  const Offer* v5p = find(r, "gcp/us-east5/v5p-8/on-demand");
  ASSERT_NE(v5p, nullptr);
  EXPECT_EQ(v5p->chips, 4);
  EXPECT_EQ(v5p->accelerator, "tpu-v5p");
  EXPECT_NEAR(per_hour(v5p->price_per_chip()), 4.2, 1e-9);
  EXPECT_NE(v5p->provenance.source.find("https://cloud.google.com/tpu/pricing"), std::string::npos);
  const Offer* v6e = find(r, "gcp/us-central1/v6e-4/on-demand");
  ASSERT_NE(v6e, nullptr);
  EXPECT_EQ(v6e->chips, 4);
  EXPECT_NEAR(per_hour(v6e->price_per_chip()), 2.7, 1e-9);
  // The 700.0 placeholder never becomes a price.
  EXPECT_EQ(find(r, "gcp/us-central2/v6e-4/on-demand"), nullptr);
  EXPECT_EQ(find(r, "gcp/southamerica-west1/v6e-4/spot"), nullptr);
  EXPECT_NE(find(r, "gcp/southamerica-west1/v6e-4/on-demand"), nullptr);
  EXPECT_TRUE(warned(r, 19, "[sentinel] v6e-4 in us-central2: on-demand price is the placeholder 700.0"));
  EXPECT_TRUE(warned(r, 20, "[sentinel] v6e-4 in southamerica-west1: spot"));
  EXPECT_TRUE(warned(r, 6, "[unused-host-row] a3-edgegpu-8g"));
  EXPECT_TRUE(warned(r, 12, "[no-host-row] H100 x1"));
  EXPECT_TRUE(warned(r, 14, "[unknown-sku] A100 x1"));
  EXPECT_TRUE(warned(r, 16, "[duplicate] tpu-v5p-8"));
  EXPECT_TRUE(warned(r, 21, "[unknown-sku] tpu-v3-8"));
  EXPECT_EQ(r.excluded, (std::map<std::string, int>{{"duplicate", 1},
                                                    {"no-host-row", 1},
                                                    {"regional-anomaly", 2},
                                                    {"sentinel", 3},
                                                    {"unknown-sku", 2},
                                                    {"unused-host-row", 1}}));
}

TEST(PriceImportGcp, SummaryKeepsMainRegionsAndTheSmallestSlice) {
  ImportOptions opt;
  opt.regions = {"us-east4", "us-central1"};
  opt.smallest_slice_only = true;
  ImportResult r = import_fixture("gcp_small.csv", CatalogFormat::gcp, opt);
  // a3-highgpu-8g on-demand: us-east4 is listed; the spread over all 3 priced regions is in the note.
  const Offer* h100 = find(r, "gcp/us-east4/a3-highgpu-8g/on-demand");
  ASSERT_NE(h100, nullptr);
  EXPECT_NE(h100->provenance.note.find("3 regions priced: median 101.7 $/h, range 87.86 to 111.8 $/h"),
            std::string::npos)
      << h100->provenance.note;
  EXPECT_EQ(find(r, "gcp/europe-west4/a3-highgpu-8g/on-demand"), nullptr);
  // v5p is offered in none of the listed regions: its cheapest region stays, and only v5p-8.
  EXPECT_NE(find(r, "gcp/us-east5/v5p-8/on-demand"), nullptr);
  EXPECT_EQ(find(r, "gcp/us-east5/v5p-16/on-demand"), nullptr);
}

TEST(PriceImport, MissingColumnsAreAnError) {
  ImportOptions opt;
  opt.retrieved = "2026-11-26";
  ImportResult r = import_skypilot_text("InstanceType,Price\np5.48xlarge,55\n", "bad.csv", CatalogFormat::aws, opt);
  ASSERT_TRUE(has_errors(r.diagnostics));
  EXPECT_EQ(format_diagnostic(r.diagnostics.front()),
            "bad.csv:1: error: missing column 'AcceleratorName' (is this a SkyPilot AWS catalog?)");
  EXPECT_TRUE(r.offers.empty());
}

TEST(PriceImport, AnUnknownColumnIsNamedWithItsNearMiss) {
  // usertrial4: a header's unknown column (a misspelt 'GpuInfo', a column a
  // newer schema adds) was ignored without a word. SkyPilot's own other
  // columns (vCPUs, MemoryGiB, GpuInfo, Arch) are known and not read.
  ImportOptions opt;
  opt.retrieved = "2026-11-26";
  ImportResult r = import_skypilot_text(
      "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfp,Price,SpotPrice,Region,"
      "AvailabilityZone,Arch,Discount\n"
      "p5.48xlarge,H100,8.0,192,2048,x,55.04,19,us-east-1,use1-az1,x86_64,0.1\n",
      "u.csv", CatalogFormat::aws, opt);
  EXPECT_EQ(warnings_of(r),
            "u.csv:1:63: warning: unknown column 'GpuInfp' (did you mean 'GpuInfo'?): its cells are not read\n"
            "u.csv:1:116: warning: unknown column 'Discount': its cells are not read\n");
  EXPECT_EQ(r.offers.size(), 2u);
  // GCP's header has no Arch: there it is unknown.
  r = import_skypilot_text(
      "InstanceType,vCPUs,MemoryGiB,AcceleratorName,AcceleratorCount,GpuInfo,Region,AvailabilityZone,Price,"
      "SpotPrice,Arch\n",
      "g.csv", CatalogFormat::gcp, opt);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(format_diagnostic(r.diagnostics[0]), "g.csv:1:111: warning: unknown column 'Arch': its cells are not read");
}

TEST(PriceImport, ASpotPricePastTheDeepestPublishedDiscountIsExcluded) {
  // usertrial4: 0.00001 $/h for 8 H100s was written as a spot offer (its
  // on-demand row dropped as a regional anomaly, so nothing was compared).
  // AWS publishes spot at up to 90% off: exactly 10% (the snapshot's
  // trn1.32xlarge in us-east-2) is kept, below it is not a market price.
  ImportResult r = import_aws_rows(
      "p5.48xlarge,H100,8.0,192,2048,,55.04,5.504,us-east-1,use1-az1,x\n"
      "p5.48xlarge,H100,8.0,192,2048,,55.04,0.00001,us-east-1,use1-az2,x\n"
      "p5.48xlarge,H100,8.0,192,2048,,,0.5,us-west-2,usw2-az1,x\n",
      "s.csv");
  EXPECT_TRUE(warned(r, 3,
                     "[spot-implausible] p5.48xlarge in us-east-1 (use1-az2): spot 1e-05 $/h is 1.8e-05% of on-demand "
                     "55.04 $/h, below the 10% floor"))
      << format_diagnostics(r.diagnostics);
  EXPECT_TRUE(warned(r, 4,
                     "[spot-implausible] p5.48xlarge in us-west-2 (usw2-az1): spot 0.5 $/h is 0.91% of on-demand "
                     "55.04 $/h (the instance's median elsewhere)"))
      << format_diagnostics(r.diagnostics);
  EXPECT_EQ(r.excluded["spot-implausible"], 2);
  const Offer* spot = find(r, "aws/us-east-1/p5.48xlarge/spot");
  ASSERT_NE(spot, nullptr);
  EXPECT_NEAR(per_hour(spot->price), 5.504, 1e-9);
  EXPECT_EQ(find(r, "aws/us-west-2/p5.48xlarge/spot"), nullptr);
}

TEST(PriceImport, OutputReadsBackAsTheSameOffers) {
  ImportResult r = import_fixture("gcp_small.csv", CatalogFormat::gcp);
  std::string yaml = offers_to_yaml(r.offers, {"header"});
  Diagnostics ds;
  auto root = parse_yaml_text(yaml, "roundtrip.yaml", ds);
  ASSERT_TRUE(root);
  std::vector<Offer> back;
  for (const auto& e : (*root)["offers"]) {
    MapReader m(e, "roundtrip.yaml", ds, "offer");
    if (auto o = read_offer(m)) back.push_back(*o);
  }
  EXPECT_TRUE(ds.empty()) << format_diagnostics(ds);
  ASSERT_EQ(back.size(), r.offers.size());
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].key(), r.offers[i].key());
    EXPECT_NEAR(per_hour(back[i].price), per_hour(r.offers[i].price), 1e-6);
    EXPECT_EQ(back[i].provenance, r.offers[i].provenance);
  }
}

// Found by fuzzing (fuzz/price_import_fuzz.cpp): names with YAML syntax, a
// backslash or control characters were written unquoted, and a price below
// a millionth of a dollar as "0 $/h", so the loader refused the import's own
// output. Names are now quoted when they are not plain tokens; prices out of
// the loader's range are left out of the import.
TEST(PriceImport, OddNamesAndTinyPricesReadBack) {
  ImportOptions opt;
  opt.retrieved = "2026-11-26";
  const std::string csv =
      "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,"
      "AvailabilityZone,Arch\n"
      "\"\"\"p5\"\": #x\\q\x01\",H100,8.0,192.0,2048.0,x,0.0005,,us-east-1,use1-az1,x86_64\n"
      "p5.48xlarge,H100,8.0,192.0,2048.0,x,1e300,,us-east-1,use1-az1,x86_64\n";
  ImportResult r = import_skypilot_text(csv, "odd.csv", CatalogFormat::aws, opt);
  EXPECT_EQ(r.excluded["out-of-range"], 1);
  ASSERT_EQ(r.offers.size(), 1u) << format_diagnostics(r.diagnostics);
  EXPECT_EQ(r.offers[0].instance, "\"p5\": #x\\q\x01");
  const std::string yaml = offers_to_yaml(r.offers);
  Diagnostics ds;
  auto root = parse_yaml_text(yaml, "roundtrip.yaml", ds);
  ASSERT_TRUE(root) << format_diagnostics(ds) << yaml;
  std::vector<Offer> back;
  for (const auto& e : (*root)["offers"]) {
    MapReader m(e, "roundtrip.yaml", ds, "offer");
    if (auto o = read_offer(m)) back.push_back(*o);
  }
  EXPECT_TRUE(ds.empty()) << format_diagnostics(ds) << yaml;
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].key(), r.offers[0].key());
  EXPECT_NEAR(per_hour(back[0].price), 0.0005, 1e-12);
}

TEST(RegionalAnomalies, OneGroupOrNoneDropsNothing) {
  using price_import::regional_anomalies;
  EXPECT_TRUE(regional_anomalies({{"a", 1.2}, {"b", 1.3}, {"c", 1.716}, {"d", 1.4}}, 1.5, 1.8).empty());
  EXPECT_TRUE(regional_anomalies({{"a", 1.0}}, 1.5, 1.8).empty());
  // Two regions 2x apart: neither is "the others", and neither group has two members.
  EXPECT_TRUE(regional_anomalies({{"a", 1.0}, {"b", 2.0}}, 1.5, 1.8).empty());
  // A majority in the lower group still loses: the lower group is the discounted SKU.
  auto out = regional_anomalies({{"a", 4.4}, {"b", 4.4}, {"c", 4.4}, {"d", 10.3}, {"e", 10.4}}, 1.5, 1.8);
  EXPECT_EQ(out.size(), 3u);
  EXPECT_TRUE(out.count("a") && out.count("b") && out.count("c"));
}

TEST(PriceImport, ARowWithoutItsKeysOrAWholeCountIsMalformed) {
  // usertrial4: a blank InstanceType was written as an offer for instance "",
  // "8.5" accelerators were rounded to 9 chips, and zones named alike in two
  // regions ("a") made the second region a "duplicate".
  ImportResult r = import_aws_rows(
      ",H100,8.0,192,2048,,55.04,19,us-east-1,a,x\n"
      "p5.48xlarge,H100,8.0,192,2048,,55.04,19,,a,x\n"
      "p5.48xlarge,H100,8.5,192,2048,,55.04,19,us-east-1,a,x\n"
      "p5.48xlarge,H100,8.0,192,2048,,55.04,19,us-east-1,a,x\n"
      "p5.48xlarge,H100,8.0,192,2048,,55.04,19,us-west-2,a,x\n",
      "s.csv");
  EXPECT_EQ(warnings_of(r),
            "s.csv:2: warning: [malformed] InstanceType is blank; skipped\n"
            "s.csv:3: warning: [malformed] Region is blank; skipped\n"
            "s.csv:4: warning: [malformed] p5.48xlarge: AcceleratorCount '8.5' is not a whole positive count; "
            "skipped\n");
  ASSERT_EQ(r.offers.size(), 4u);  // on-demand and spot in us-east-1 and us-west-2
  for (const Offer& o : r.offers) {
    EXPECT_EQ(o.instance, "p5.48xlarge");
    EXPECT_EQ(o.chips, 8);
  }
}

}  // namespace
}  // namespace xpu
