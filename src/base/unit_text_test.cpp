#include "base/unit_text.h"

#include <gtest/gtest.h>

namespace xpu {
namespace {

template <class Q>
double si(std::string_view text) {
  auto r = parse_quantity<Q>(text);
  EXPECT_TRUE(r.has_value()) << text << ": " << (r ? "" : r.error().message);
  return r ? r->si() : -1.0;
}

TEST(UnitText, ParsesTheIssueExamples) {
  EXPECT_DOUBLE_EQ(si<FlopRate>("989 TFLOP/s"), 989e12);
  EXPECT_DOUBLE_EQ(si<FlopRate>("1.98 PFLOP/s"), 1.98e15);
  EXPECT_DOUBLE_EQ(si<Bytes>("80 GB"), 80e9);
  EXPECT_DOUBLE_EQ(si<Bytes>("96 GiB"), 96.0 * 1073741824.0);
  EXPECT_DOUBLE_EQ(si<ByteRate>("3.35 TB/s"), 3.35e12);
  EXPECT_DOUBLE_EQ(si<ByteRate>("400 Gb/s"), 50e9);
  EXPECT_DOUBLE_EQ(si<Watts>("700 W"), 700.0);
  EXPECT_DOUBLE_EQ(si<DollarRate>("2.5 $/h"), 2.5 / 3600);
  EXPECT_DOUBLE_EQ(si<DollarRate>("1.2 $/chip/h"), 1.2 / 3600);
  EXPECT_DOUBLE_EQ(si<Seconds>("12 ms"), 0.012);
}

TEST(UnitText, MorePrefixesAndForms) {
  EXPECT_DOUBLE_EQ(si<ByteRate>("800 Gbps"), 100e9);
  EXPECT_DOUBLE_EQ(si<ByteRate>("820 GiB/s"), 820.0 * 1073741824.0);
  EXPECT_DOUBLE_EQ(si<FlopRate>("1836 TOPS"), 1836e12);
  EXPECT_DOUBLE_EQ(si<FlopCount>("3.1 EFLOP"), 3.1e18);
  EXPECT_DOUBLE_EQ(si<Watts>("1.5 MW"), 1.5e6);
  EXPECT_DOUBLE_EQ(si<Joules>("2 kWh"), 7.2e6);
  EXPECT_DOUBLE_EQ(si<Seconds>("250us"), 250e-6);
  EXPECT_DOUBLE_EQ(si<Seconds>("2 h"), 7200);
  EXPECT_DOUBLE_EQ(si<Seconds>("30 days"), 30 * 86400.0);
  EXPECT_DOUBLE_EQ(si<Seconds>("1 month"), 730 * 3600.0);
  EXPECT_DOUBLE_EQ(si<Dollars>("25000 $"), 25000);
  EXPECT_DOUBLE_EQ(si<Dollars>("$120"), 120);
  EXPECT_DOUBLE_EQ(si<DollarRate>("$2.5/h"), 2.5 / 3600);
  EXPECT_DOUBLE_EQ(si<EnergyPrice>("0.08 $/kWh"), 0.08 / 3.6e6);
  EXPECT_DOUBLE_EQ(si<Seconds>("  -4 s "), -4);  // sign is the validator's business
}

TEST(UnitText, ClocksPercentagesAndBinaryRates) {
  // The component evidence (data/components) writes clocks, shares and nccom-test's binary rates.
  EXPECT_DOUBLE_EQ(si<Hertz>("1402 MHz"), 1402e6);
  EXPECT_DOUBLE_EQ(si<Hertz>("1.83 GHz"), 1.83e9);
  auto pct = parse_unit_text_as("50 %", Dimension::fraction);
  ASSERT_TRUE(pct);
  EXPECT_DOUBLE_EQ(pct->si, 0.5);
  EXPECT_DOUBLE_EQ(si<ByteRate>("49.4 GiB/s"), 49.4 * 1073741824.0);
  EXPECT_DOUBLE_EQ(si<ByteRate>("400 Gb/s"), 50e9);
  EXPECT_FALSE(parse_unit_text("5 k%"));  // a percentage takes no prefix
  EXPECT_EQ(parse_quantity<Hertz>("1402").error().message, "'1402' has no unit; write it with one (e.g. '1402 MHz')");
}

TEST(UnitText, PerChipIsRecorded) {
  auto a = parse_unit_text("1.2 $/chip/h");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->per_chip);
  auto b = parse_unit_text("98.32 $/h");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->per_chip);
}

TEST(UnitText, BareNumberIsAnError) {
  auto r = parse_quantity<Bytes>("80");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "'80' has no unit; write it with one (e.g. '80 GB')");
  EXPECT_EQ(parse_quantity<Watts>(" 700 ").error().message, "'700' has no unit; write it with one (e.g. '700 W')");
  // Without an expected dimension the hint stays generic.
  EXPECT_EQ(parse_unit_text("80").error().message, "'80' has no unit; write it with one (e.g. '80 GB', '80 TFLOP/s')");
}

// Found by fuzzing (fuzz/unit_text_fuzz.cpp): a finite number times its
// prefix overflowed to infinity ("1e308MW"). Numbers are bounded at the door.
TEST(UnitText, OverflowAndOutOfRangeAreErrors) {
  EXPECT_EQ(parse_unit_text("1e308MW").error().message, "number is not finite");
  EXPECT_EQ(parse_unit_text("1e308 PFLOP/s").error().message, "number is not finite");
  EXPECT_EQ(parse_quantity<Watts>("1e12 W").error().message,
            "'1e12 W' is out of range (numbers out of range: at most 1e+10 W)");
  EXPECT_EQ(parse_quantity<DollarRate>("1e300 $/h").error().message,
            "'1e300 $/h' is out of range (numbers out of range: at most 1e+07 $/h)");
  EXPECT_TRUE(parse_quantity<DollarRate>("98.32 $/h"));
  EXPECT_TRUE(parse_quantity<FlopRate>("1.44 EFLOP/s"));  // a rack, well inside the range
}

TEST(UnitText, WrongDimensionNamesBoth) {
  auto r = parse_quantity<ByteRate>("80 GB");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "expected a bandwidth (e.g. 3.35 TB/s), got '80 GB' which is a size");
}

TEST(UnitText, UnknownUnitAndGarbage) {
  auto r = parse_quantity<Bytes>("80 GX");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "unknown unit 'GX'");
  EXPECT_EQ(r.error().offset, 3);
  auto g = parse_quantity<Bytes>("lots");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().message, "expected a number with a unit, got 'lots'");
  EXPECT_FALSE(parse_quantity<Bytes>(""));
  EXPECT_FALSE(parse_quantity<Bytes>("80 mB"));        // no milli-bytes
  EXPECT_FALSE(parse_quantity<ByteRate>("80 Gib/s"));  // binary prefixes are for bytes
  EXPECT_FALSE(parse_quantity<Seconds>("5 kmin"));
}

TEST(UnitText, FormatsWithPrefixes) {
  EXPECT_EQ(to_text(teraflop_per_second(989.4)), "989.4 TFLOP/s");
  EXPECT_EQ(to_text(gigabytes(80)), "80 GB");
  EXPECT_EQ(to_text(terabytes_per_second(3.35)), "3.35 TB/s");
  EXPECT_EQ(to_text(watts(700)), "700 W");
  EXPECT_EQ(to_text(milliseconds(12)), "12 ms");
  EXPECT_EQ(to_text(dollars_per_hour(2.5)), "2.5 $/h");
}

TEST(UnitText, ShortDollars) {
  EXPECT_EQ(to_short_text(dollars(0.4)), "$0");
  EXPECT_EQ(to_short_text(dollars(870.2)), "$870");
  EXPECT_EQ(to_short_text(dollars(4520)), "$4.5k");
  EXPECT_EQ(to_short_text(dollars(23.7e6)), "$23.70M");
  EXPECT_EQ(to_short_text(dollars(-4.95e6)), "-$4.95M");
  EXPECT_EQ(to_short_text(dollars(-870)), "-$870");
}

TEST(UnitText, Counts) {
  EXPECT_DOUBLE_EQ(*parse_count_text("15T"), 15e12);
  EXPECT_DOUBLE_EQ(*parse_count_text("2.5e12"), 2.5e12);
  EXPECT_DOUBLE_EQ(*parse_count_text("300B"), 300e9);
  EXPECT_DOUBLE_EQ(*parse_count_text("1.5 k"), 1500);
  EXPECT_DOUBLE_EQ(*parse_count_text("-5"), -5);
  EXPECT_FALSE(parse_count_text("lots"));
  EXPECT_FALSE(parse_count_text("15X"));
  EXPECT_FALSE(parse_count_text(""));
  EXPECT_EQ(to_count_text(42590), "42.59k");
  EXPECT_EQ(to_count_text(15e12), "15T");
  EXPECT_EQ(to_count_text(950), "950");
  EXPECT_EQ(to_count_text(1.2346e6), "1.235M");
}

TEST(UnitText, CompactNumbers) {
  EXPECT_EQ(to_compact_text(dollars(1.5e6)), "$1.5M");
  EXPECT_EQ(to_compact_text(dollars(-4.95e6)), "-$4.95M");
  EXPECT_EQ(to_compact_text(dollars(21048159)), "$21M");
  EXPECT_EQ(to_compact_text(dollars(0)), "$0");
  EXPECT_EQ(compact_text(250, "", " d"), "250 d");
  EXPECT_EQ(compact_text(2.5e12), "2.5T");
}

}  // namespace
}  // namespace xpu
