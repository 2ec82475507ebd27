// Price-performance pieces: hand-computed costs, rankings and swaps.
#include "cost/compare.h"

#include <gtest/gtest.h>

namespace xpu {
namespace {

Offer offer(Term term, double per_hour, int chips) {
  Offer o;
  o.provider = "aws";
  o.region = "us-east-1";
  o.instance = "p5.48xlarge";
  o.accelerator = "h100-sxm";
  o.chips = chips;
  o.term = term;
  o.price = dollars_per_hour(per_hour);
  return o;
}

WorkPoint work() {
  // 12 chips for 10 h producing 3.6e9 tokens; 700 W chips, 250 W host, load 1, PUE 1.2.
  return {.chips = 12, .duration = hours(10), .tokens = 3.6e9, .tdp = watts(700), .power = {1.0, watts(250), 1.2}};
}

TEST(Compare, RentedBillsWholeInstancesAndReportsPerToken) {
  const CostBreakdown c = price_rented(work(), offer(Term::on_demand, 55.04, 8), 0.5);
  // 2 instances x 55.04 $/h x 10 h = $1100.80; utilization is ignored on demand.
  EXPECT_EQ(c.instances, 2);
  EXPECT_EQ(c.billed_chips, 16);
  EXPECT_NEAR(c.total.si(), 1100.8, 1e-9);
  EXPECT_NEAR(c.per_mtok.si(), 1100.8 / 3600.0, 1e-9);       // 3.6e9 tokens = 3600 M
  EXPECT_NEAR(per_hour(c.chip_hour), 1100.8 / 120.0, 1e-9);  // 12 working chips x 10 h
  EXPECT_NEAR(c.facility.si(), 16 * 950.0 * 1.2, 1e-9);      // the billed chips draw power
  EXPECT_NEAR(in_kwh(c.energy), 16 * 950.0 * 1.2 * 10 / 1000, 1e-9);
  EXPECT_NEAR(c.tokens_per_joule, 3.6e9 / c.energy.si(), 1e-12);
}

TEST(Compare, CommitmentSpreadsIdleHoursOverUsedOnes) {
  const CostBreakdown full = price_rented(work(), offer(Term::commit_1y, 32.47, 8), 1.0);
  const CostBreakdown half = price_rented(work(), offer(Term::commit_1y, 32.47, 8), 0.5);
  EXPECT_NEAR(full.total.si(), 2 * 32.47 * 10, 1e-9);
  EXPECT_NEAR(half.total.si(), 2 * full.total.si(), 1e-9);
}

TEST(Compare, OwnedAddsCapexOpsAndEnergy) {
  OwnedParams p;
  p.years = 4;
  p.ops_per_year = 0.1;
  p.electricity = dollars_per_kwh(0.1);
  WorkPoint w = work();
  w.duration = days(365);
  const CostBreakdown c = price_owned(w, dollars(30000), p);
  // capex 12 x 30000 / 4 = 90,000; ops 12 x 30000 x 0.1 = 36,000;
  // energy 12 x 950 W x 1.2 x 8760 h = 119,836.8 kWh -> $11,983.68.
  EXPECT_NEAR(c.capex.si(), 90000, 1e-6);
  EXPECT_NEAR(c.ops.si(), 36000, 1e-6);
  EXPECT_NEAR(c.energy_cost.si(), 11983.68, 1e-6);
  EXPECT_NEAR(c.total.si(), 90000 + 36000 + 11983.68, 1e-6);
  EXPECT_EQ(c.billed_chips, 12);
}

TEST(Compare, CostIsMonotoneInPrice) {
  double last = 0;
  for (double price : {1.0, 2.0, 5.5, 10.0, 40.0}) {
    const double c = price_rented(work(), offer(Term::spot, price, 8), 1.0).total.si();
    EXPECT_GT(c, last);
    last = c;
  }
}

TEST(Compare, RanksAndSwaps) {
  const std::vector<double> base{30, 10, 20, 10};
  EXPECT_EQ(cost_order(base), (std::vector<size_t>{1, 3, 2, 0}));
  EXPECT_EQ(cost_ranks(base), (std::vector<int>{4, 1, 3, 2}));
  EXPECT_TRUE(rank_swaps(base, base).empty());
  EXPECT_TRUE(rank_swaps(base, {31, 9, 25, 11}).empty());
  // Index 2 drops below 3 and 1: two swaps, listed in base order.
  EXPECT_EQ(rank_swaps(base, {30, 10, 5, 10}), (std::vector<std::pair<size_t, size_t>>{{1, 2}, {3, 2}}));
}

TEST(Compare, RelativeIsBaselineOverCost) {
  EXPECT_EQ(relative_to(std::nullopt, 5.0), std::nullopt);
  EXPECT_DOUBLE_EQ(*relative_to(10.0, 5.0), 2.0);
  EXPECT_EQ(relative_to(10.0, 0.0), std::nullopt);
}

}  // namespace
}  // namespace xpu
