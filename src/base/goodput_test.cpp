#include "base/goodput.h"

#include <gtest/gtest.h>

#include <cmath>

namespace xpu {
namespace {

TEST(Goodput, FirstOrderWasteAtYoungDalyInterval) {
  // Llama 3 70B on 8,192 H100 (Dubey et al. 2024 sec. 3.3.4 rates): 980 GB at 50 GB/s, a 10 min stall.
  const double per_s = 8192 * (419.0 + 47.0) / (16384.0 * 54 * 24) / 3600.0;
  const Seconds write(980e9 / 50e9), restart(600);
  const double m = 1 / per_s;
  const double tau = young_daly_interval(write, Seconds(m)).si();
  const double expect = 1 - (write.si() / tau + (tau / 2 + restart.si()) / m);
  EXPECT_DOUBLE_EQ(expected_goodput(write, restart, per_s), expect);
  EXPECT_NEAR(expect, 0.93, 0.01);
}

TEST(Goodput, EdgesAndMonotone) {
  EXPECT_EQ(expected_goodput(Seconds(20), Seconds(600), 0), 1.0);
  EXPECT_DOUBLE_EQ(expected_goodput(Seconds(0), Seconds(600), 1e-4), 1 - 600 * 1e-4);
  EXPECT_EQ(expected_goodput(Seconds(20), Seconds(600), 1.0), 0.0);  // stalls longer than the time between failures
  EXPECT_GT(expected_goodput(Seconds(20), Seconds(600), 1e-5), expected_goodput(Seconds(20), Seconds(600), 2e-5));
  EXPECT_GT(expected_goodput(Seconds(10), Seconds(600), 1e-5), expected_goodput(Seconds(40), Seconds(600), 1e-5));
}

}  // namespace
}  // namespace xpu
