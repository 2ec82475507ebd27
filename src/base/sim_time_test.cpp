#include "base/sim_time.h"

#include <gtest/gtest.h>

namespace xpu {
namespace {

TEST(SimTime, PointsAndDurationsKeepTheirRoles) {
  const SimTime t = SimTime::start() + SimDuration::from_seconds(1.5);
  EXPECT_EQ(t.ns(), 1'500'000'000);
  EXPECT_EQ((t - SimTime::start()).ns(), 1'500'000'000);
  EXPECT_DOUBLE_EQ((t - SimTime::start()).seconds(), 1.5);
  EXPECT_DOUBLE_EQ(SimDuration::from(hours(2)).hours(), 2.0);
  EXPECT_LT(SimTime::start(), t);
}

TEST(SimTime, SecondsRoundToTheNearestNanosecondAndSaturate) {
  EXPECT_EQ(SimDuration::from_seconds(1e-9 * 0.4).ns(), 0);
  EXPECT_EQ(SimDuration::from_seconds(1e-9 * 0.6).ns(), 1);
  EXPECT_EQ(SimDuration::from_seconds(1e30), SimDuration::max());
  EXPECT_EQ(SimDuration::from_seconds(std::nan("")).ns(), 0);
  EXPECT_EQ(SimTime::never() + SimDuration::from_seconds(1), SimTime::never());
  EXPECT_EQ(SimTime::from_ns(10) + SimDuration::max(), SimTime::never());
}

}  // namespace
}  // namespace xpu
