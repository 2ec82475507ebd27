// JSON renderings of data values: canonical numbers, prices with their source.
#include "report/json_out.h"

#include <gtest/gtest.h>

namespace xpu {
namespace {

TEST(JsonOut, OfferCarriesBothPricesAndTheSource) {
  Offer o;
  o.provider = "aws";
  o.region = "us-east-1";
  o.instance = "p5.48xlarge";
  o.accelerator = "h100-sxm";
  o.chips = 8;
  o.term = Term::commit_1y;
  o.price = dollars_per_hour(32.48);
  o.provenance = {"a price page", "2026-11-26", true, "an average"};
  const Json j = to_json(o);
  EXPECT_EQ(j["key"], "aws/us-east-1/p5.48xlarge/1y");
  EXPECT_EQ(j["term"], "1y");
  EXPECT_NEAR(j["usd_per_chip_hour"].get<double>(), 4.06, 1e-9);
  EXPECT_NEAR(j["usd_per_hour"].get<double>(), 32.48, 1e-9);
  EXPECT_EQ(j["provenance"]["estimate"], true);
  EXPECT_EQ(j["provenance"]["source"], "a price page");
}

TEST(JsonOut, CanonicalDumpSortsKeysAndRoundsNumbers) {
  const Json j = {{"b", 1.0 / 3.0}, {"a", 2}};
  EXPECT_EQ(dump_canonical(j), "{\n  \"a\": 2,\n  \"b\": 0.333333\n}\n");
}

}  // namespace
}  // namespace xpu
