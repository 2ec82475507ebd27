// Reading price entries, and user price files replacing shipped offers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ingest/data_files.h"
#include "ingest/price_io.h"

namespace xpu {
namespace {

namespace fs = std::filesystem;

DataSet parse(const std::string& text, Diagnostics& ds) {
  DataSet d;
  load_data_text(text, "prices.yaml", d, ds);
  return d;
}

const char* kOffer = R"(offers:
  - provider: aws
    region: us-east-1
    instance: p5.48xlarge
    accelerator: h100-sxm
    chips: 8
    term: 1y
    price: 4.06 $/chip/h
    currency: USD
    source: AWS Savings Plans pricing (https://aws.amazon.com/savingsplans/compute-pricing/)
    retrieved: 2026-11-26
    estimate: true
    note: a quote
purchase_prices:
  - accelerator: h100-sxm
    price: 30000 $
    includes: chip
    source: a quote
    retrieved: 2026-11-26
)";

TEST(PriceIo, PerChipPriceBecomesAnInstancePrice) {
  Diagnostics ds;
  DataSet d = parse(kOffer, ds);
  ASSERT_TRUE(ds.empty()) << format_diagnostics(ds);
  ASSERT_EQ(d.prices.offers.size(), 1u);
  const Offer& o = d.prices.offers[0];
  EXPECT_EQ(o.key(), "aws/us-east-1/p5.48xlarge/1y");
  EXPECT_EQ(o.term, Term::commit_1y);
  EXPECT_NEAR(per_hour(o.price), 8 * 4.06, 1e-9);
  EXPECT_NEAR(per_hour(o.price_per_chip()), 4.06, 1e-9);
  EXPECT_TRUE(o.provenance.estimate);
  EXPECT_EQ(o.provenance.note, "a quote");
  EXPECT_EQ(o.defined_at.line, 2);
  EXPECT_EQ(o.accelerator_at.line, 5);
  ASSERT_EQ(d.prices.purchases.size(), 1u);
  EXPECT_DOUBLE_EQ(d.prices.purchases[0].per_chip.si(), 30000.0);
  EXPECT_FALSE(d.prices.purchases[0].includes_system);
}

TEST(PriceIo, PriceTextRoundTripsTheCents) {
  EXPECT_EQ(price_text(dollars_per_hour(55.04)), "55.04 $/h");
  EXPECT_EQ(price_text(dollars_per_hour(1.34375)), "1.34375 $/h");
  EXPECT_EQ(price_text(dollars_per_hour(30)), "30 $/h");
}

class UserPrices : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / "xpuplan-user-prices";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "mine.yaml") << R"(offers:
  - provider: aws
    region: us-east-1
    instance: p5.48xlarge
    accelerator: h100-sxm
    chips: 8
    term: on-demand
    price: 40 $/h
    source: our negotiated rate
    retrieved: 2026-11-26
)";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(UserPrices, CatalogDirectoryReplacesTheShippedOfferWithANote) {
  DataSet shipped = load_data({XPUPLAN_DATA_DIR});
  const Offer* before = shipped.prices.find_key("aws/us-east-1/p5.48xlarge/on-demand");
  ASSERT_NE(before, nullptr);
  EXPECT_NEAR(per_hour(before->price), 55.04, 1e-9);

  Diagnostics notes;
  DataSet d = load_data({XPUPLAN_DATA_DIR, dir_.string()}, &notes);
  const Offer* after = d.prices.find_key("aws/us-east-1/p5.48xlarge/on-demand");
  ASSERT_NE(after, nullptr);
  EXPECT_NEAR(per_hour(after->price), 40.0, 1e-9);
  EXPECT_EQ(d.prices.offers.size(), shipped.prices.offers.size());
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].severity, Severity::note);
  EXPECT_EQ(notes[0].where.line, 2);
  EXPECT_NE(notes[0].message.find("offer 'aws/us-east-1/p5.48xlarge/on-demand' replaces the one defined at"),
            std::string::npos)
      << notes[0].message;
}

TEST_F(UserPrices, PricesFileDoesTheSame) {
  Diagnostics notes;
  DataSet d = load_data({XPUPLAN_DATA_DIR}, &notes, true, {(dir_ / "mine.yaml").string()});
  EXPECT_NEAR(per_hour(d.prices.find_key("aws/us-east-1/p5.48xlarge/on-demand")->price), 40.0, 1e-9);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].where.file, (dir_ / "mine.yaml").string());
}

TEST(ShippedPrices, LoadCleanlyAndCoverTheMainAccelerators) {
  Diagnostics notes;
  DataSet d = load_data({XPUPLAN_DATA_DIR}, &notes);
  EXPECT_TRUE(notes.empty()) << format_diagnostics(notes);
  for (const auto& o : d.prices.offers) {
    SCOPED_TRACE(o.key());
    EXPECT_FALSE(o.provenance.source.empty());
    EXPECT_EQ(o.provenance.retrieved.size(), 10u);
    EXPECT_GT(o.chips, 0);
    // Per-chip prices between 5 cents and 50 dollars an hour: anything else is a unit slip.
    EXPECT_GT(per_hour(o.price_per_chip()), 0.05);
    EXPECT_LT(per_hour(o.price_per_chip()), 50.0);
  }
  for (const char* a : {"h100-sxm", "h200-sxm", "b200", "b300", "a100-80gb", "tpu-v4", "tpu-v5e", "tpu-v5p", "tpu-v6e",
                        "trn1", "trn2", "inf2", "mi300x", "mi325x"}) {
    OfferFilter f;
    f.accelerator = a;
    EXPECT_FALSE(d.prices.find(f).empty()) << a;
  }
  // Every purchase term has at least one offer.
  for (Term t : kAllTerms) {
    OfferFilter f;
    f.term = t;
    EXPECT_FALSE(d.prices.find(f).empty()) << to_string(t);
  }
}

TEST(ShippedPrices, SpotIsBelowOnDemandInTheSameRegion) {
  DataSet d = load_data({XPUPLAN_DATA_DIR});
  for (const auto& o : d.prices.offers) {
    if (o.term != Term::spot) continue;
    Offer od = o;
    od.term = Term::on_demand;
    if (const Offer* x = d.prices.find_key(od.key())) {
      EXPECT_LT(o.price, x->price) << o.key();
    }
  }
}

}  // namespace
}  // namespace xpu
