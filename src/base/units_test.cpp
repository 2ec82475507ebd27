#include "base/units.h"

#include <gtest/gtest.h>

#include <type_traits>

namespace xpu {
namespace {

// --- Compile-time: only physical identities exist ----------------------------
template <class A, class B>
concept Addable = requires(A a, B b) {
  a + b;
};
template <class A, class B>
concept Multipliable = requires(A a, B b) {
  a* b;
};
template <class A, class B>
concept Divisible = requires(A a, B b) {
  a / b;
};
template <class A, class B>
concept Comparable = requires(A a, B b) {
  a < b;
};

static_assert(Addable<Seconds, Seconds>);
static_assert(!Addable<Seconds, Bytes>);
static_assert(!Addable<FlopCount, FlopRate>);
static_assert(!Addable<Dollars, DollarRate>);
static_assert(!Addable<Seconds, double>);
static_assert(!Comparable<Watts, Joules>);
static_assert(!std::is_convertible_v<double, Seconds>);  // construction is explicit
static_assert(!std::is_convertible_v<Seconds, double>);

static_assert(std::is_same_v<decltype(FlopCount{} / FlopRate{}), Seconds>);
static_assert(std::is_same_v<decltype(Bytes{} / ByteRate{}), Seconds>);
static_assert(std::is_same_v<decltype(DollarRate{} * Seconds{}), Dollars>);
static_assert(std::is_same_v<decltype(Watts{} * Seconds{}), Joules>);
static_assert(std::is_same_v<decltype(EnergyPrice{} * Joules{}), Dollars>);
static_assert(std::is_same_v<decltype(Seconds{} / Seconds{}), double>);
static_assert(!Divisible<FlopRate, FlopCount>);    // FLOP/s per FLOP is not a thing here
static_assert(!Multipliable<FlopCount, Seconds>);  // FLOP * s is meaningless
static_assert(!Divisible<Bytes, FlopRate>);
static_assert(!Multipliable<Dollars, Seconds>);
static_assert(!Multipliable<Bytes, Bytes>);
static_assert(!Divisible<Dollars, Bytes>);

static_assert(sizeof(Seconds) == sizeof(double));
static_assert(std::is_trivially_copyable_v<FlopRate>);

TEST(Units, IdentitiesComputeInSi) {
  constexpr FlopCount work = flops(989e12);
  constexpr FlopRate peak = teraflop_per_second(989);
  static_assert((work / peak).si() == 1.0);
  EXPECT_DOUBLE_EQ((gigabytes(80) / terabytes_per_second(3.35)).si(), 80e9 / 3.35e12);
  EXPECT_DOUBLE_EQ((dollars_per_hour(2.5) * hours(4)).si(), 10.0);
  EXPECT_DOUBLE_EQ(in_kwh(watts(700) * hours(1)), 0.7);
  EXPECT_DOUBLE_EQ((dollars_per_kwh(0.1) * (watts(1000) * hours(2))).si(), 0.2);
  EXPECT_DOUBLE_EQ(per_hour(dollars(12) / hours(3)), 4.0);
}

TEST(Units, ArithmeticAndOrdering) {
  Seconds t = milliseconds(12);
  t += milliseconds(3);
  EXPECT_DOUBLE_EQ(in_ms(t), 15.0);
  EXPECT_LT(milliseconds(1), seconds(1));
  EXPECT_EQ(seconds(2) * 3.0, seconds(6));
  EXPECT_DOUBLE_EQ(seconds(6) / seconds(2), 3.0);
  EXPECT_EQ(gibibytes(1), bytes(1073741824.0));
}

}  // namespace
}  // namespace xpu
