// Hand-computed checks of the cost formulas (values worked out in the comments).
#include <gtest/gtest.h>

#include "cost/energy.h"
#include "cost/run_cost.h"

namespace xpu {
namespace {

Offer p5_offer() {
  Offer o;
  o.provider = "aws";
  o.region = "us-east-1";
  o.instance = "p5.48xlarge";
  o.accelerator = "h100-sxm";
  o.chips = 8;
  o.term = Term::on_demand;
  o.price = dollars_per_hour(55.04);
  return o;
}

TEST(Energy, FleetPowerAndRunEnergy) {
  // 1024 chips x (700 W x 0.8 + 250 W) = 829,440 W IT; x PUE 1.2 = 995,328 W.
  PowerModel m{0.8, watts(250), 1.2};
  EXPECT_DOUBLE_EQ(it_power(1024, watts(700), m).si(), 829440.0);
  EXPECT_DOUBLE_EQ(facility_power(1024, watts(700), m).si(), 995328.0);
  EXPECT_NEAR(in_megawatts(facility_power(1024, watts(700), m)), 0.995328, 1e-12);
  // 30 days = 720 h: 995,328 W x 720 h = 716,636.16 kWh; at 0.08 $/kWh = $57,330.89.
  Joules e = run_energy(1024, watts(700), days(30), m);
  EXPECT_NEAR(in_kwh(e), 716636.16, 1e-6);
  EXPECT_NEAR(energy_cost(e, dollars_per_kwh(0.08)).si(), 57330.8928, 1e-6);
}

TEST(Energy, ModelFromAcceleratorUsesItsHostShare) {
  Accelerator a;
  a.power.tdp = watts(1000);
  a.power.host_per_chip = watts(300);
  PowerModel m = power_model_for(a, 0.9, 1.1);
  EXPECT_EQ(m.host_per_chip, watts(300));
  // (1000 x 0.9 + 300) x 1.1 = 1320 W per chip.
  EXPECT_NEAR(facility_power(1, a.power.tdp, m).si(), 1320.0, 1e-9);
}

TEST(Energy, EfficiencyHelpers) {
  EXPECT_NEAR(flop_per_joule(teraflop_per_second(989.4), watts(700)), 989.4e12 / 700, 1.0);
  EXPECT_DOUBLE_EQ(tokens_per_joule(3500, watts(700)), 5.0);
  EXPECT_DOUBLE_EQ(energy_per_token(watts(700), 3500).si(), 0.2);
  EXPECT_EQ(flop_per_joule(teraflop_per_second(1), watts(0)), 0.0);
  EXPECT_EQ(energy_per_token(watts(700), 0).si(), 0.0);
}

TEST(Rented, WholeInstancesAreBilled) {
  // 12 chips on 8-chip instances: 2 instances, 16 chips billed; 2 x 55.04 x 10 h = $1100.80.
  RentedCost c = rented_cost(p5_offer(), 12, hours(10));
  EXPECT_EQ(c.instances, 2);
  EXPECT_EQ(c.billed_chips, 16);
  EXPECT_NEAR(c.total.si(), 1100.8, 1e-9);
  // Without rounding: 12 chips x 10 h x 6.88 $/chip-h = $825.60.
  EXPECT_NEAR(chip_hours_cost(12, hours(10), p5_offer().price_per_chip()).si(), 825.6, 1e-9);
}

TEST(Rented, CostIsMonotoneInPriceAndChips) {
  Offer o = p5_offer();
  double last = -1;
  for (double p : {1.0, 10.0, 55.04, 100.0}) {
    o.price = dollars_per_hour(p);
    double c = rented_cost(o, 64, hours(24)).total.si();
    EXPECT_GT(c, last);
    last = c;
  }
  for (int chips = 1; chips < 40; ++chips) {
    EXPECT_LE(rented_cost(o, chips, hours(1)).total, rented_cost(o, chips + 1, hours(1)).total);
  }
}

TEST(Commitment, EffectivePriceAndBreakEven) {
  // A 4.00 $/chip-h commitment used half the time costs 8.00 per used chip-hour.
  EXPECT_NEAR(per_hour(effective_price(dollars_per_hour(4.0), 0.5)), 8.0, 1e-12);
  EXPECT_NEAR(per_hour(effective_price(dollars_per_hour(4.0), 1.0)), 4.0, 1e-12);
  // Against 6.88 on demand it pays off above 4 / 6.88 = 58.14 % utilization.
  EXPECT_NEAR(break_even_utilization(dollars_per_hour(4.0), dollars_per_hour(6.88)), 0.581395, 1e-6);
  // 1 year x 8 chips x 4.00 = 8760 h x 32 = $280,320; 3 years triple it; on-demand bills nothing up front.
  EXPECT_NEAR(commitment_bill(dollars_per_hour(4.0), 8, Term::commit_1y).si(), 280320.0, 1e-6);
  EXPECT_NEAR(commitment_bill(dollars_per_hour(4.0), 8, Term::commit_3y).si(), 840960.0, 1e-6);
  EXPECT_EQ(commitment_bill(dollars_per_hour(4.0), 8, Term::on_demand).si(), 0.0);
}

TEST(Owned, CapexAmortizationEnergyAndOps) {
  OwnedParams p;
  p.purchase_per_chip = dollars(30000);
  p.years = 4;
  p.residual = 0.1;
  p.ops_per_year = 0.05;
  p.power = PowerModel{1.0, watts(0), 1.2};
  p.electricity = dollars_per_kwh(0.10);
  // 8 chips, 30 days:
  //   capex = 8 x 30000 x 0.9 x (30/365) / 4 = $4,438.356
  //   ops   = 8 x 30000 x 0.05 x (30/365)    = $986.301
  //   energy = 8 x 1000 W x 1.2 x 720 h = 6912 kWh x 0.10 = $691.20
  OwnedCost c = owned_cost(8, watts(1000), days(30), p);
  EXPECT_NEAR(c.capex.si(), 4438.3562, 1e-3);
  EXPECT_NEAR(c.ops.si(), 986.3014, 1e-3);
  EXPECT_NEAR(in_kwh(c.energy_used), 6912.0, 1e-9);
  EXPECT_NEAR(c.energy.si(), 691.2, 1e-9);
  EXPECT_NEAR(c.total.si(), 6115.8575, 1e-3);
  // Per chip-hour: 6115.8575 / (8 x 720) = 1.06178.
  EXPECT_NEAR(per_hour(c.per_chip_hour), 1.061781, 1e-5);

  // Half-idle hardware depreciates twice as fast per useful hour; energy is unchanged.
  p.utilization = 0.5;
  OwnedCost half = owned_cost(8, watts(1000), days(30), p);
  EXPECT_NEAR(half.capex.si(), 2 * c.capex.si(), 1e-9);
  EXPECT_NEAR(half.ops.si(), 2 * c.ops.si(), 1e-9);
  EXPECT_NEAR(half.energy.si(), c.energy.si(), 1e-9);
}

TEST(Tokens, DollarsPerMillionTokens) {
  // $100 for 50 M tokens = $2 per million.
  EXPECT_NEAR(per_million_tokens(dollars(100), 50e6).si(), 2.0, 1e-12);
  // 10 $/h at 2000 tokens/s: a million tokens take 500 s = $1.3889.
  EXPECT_NEAR(per_million_tokens(dollars_per_hour(10), 2000).si(), 10.0 * 500 / 3600, 1e-12);
  EXPECT_EQ(per_million_tokens(dollars(100), 0).si(), 0.0);
  // 989.4 TFLOP/s at 6.88 $/h: 989.4e12 x 3600 / 6.88 FLOP per dollar.
  EXPECT_NEAR(flop_per_dollar(teraflop_per_second(989.4), dollars_per_hour(6.88)), 989.4e12 * 3600 / 6.88, 1e3);
}

}  // namespace
}  // namespace xpu
