#include "base/rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace xpu {
namespace {

// Random123's published known-answer vectors for Philox4x32-10 (kat_vectors).
TEST(Philox, KnownAnswers) {
  EXPECT_EQ(philox4x32_10({0, 0, 0, 0}, {0, 0}),
            (std::array<uint32_t, 4>{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}),
            (std::array<uint32_t, 4>{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}),
            (std::array<uint32_t, 4>{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(RngStream, DrawsArePureFunctionsOfSeedReplicaStreamAndIndex) {
  RngStream a(42, 7, 3), b(42, 7, 3);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
  // Another replica, stream or seed gives other numbers.
  RngStream c(42, 8, 3), d(42, 7, 4), e(43, 7, 3);
  RngStream f(42, 7, 3);
  const uint64_t first = f.next_u64();
  EXPECT_NE(first, c.next_u64());
  EXPECT_NE(first, d.next_u64());
  EXPECT_NE(first, e.next_u64());
  EXPECT_EQ(f.position(), 1u);
}

TEST(RngStream, UniformAndExponentialHaveTheirMeans) {
  RngStream rng(1, 0, 0);
  const int n = 200000;
  double su = 0, se = 0, sn = 0, sn2 = 0;
  double lo = 1, hi = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    su += u;
    se += rng.exponential();
    const double z = rng.normal();
    sn += z;
    sn2 += z * z;
  }
  EXPECT_GE(lo, 0.0);
  EXPECT_LT(hi, 1.0);
  // Means within 5 standard errors.
  EXPECT_NEAR(su / n, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(se / n, 1.0, 5 * std::sqrt(1.0 / n));
  EXPECT_NEAR(sn / n, 0.0, 5 * std::sqrt(1.0 / n));
  EXPECT_NEAR(sn2 / n, 1.0, 5 * std::sqrt(2.0 / n));
}

TEST(RngStream, StreamIdsOfKindsDoNotCollide) {
  std::set<uint32_t> ids;
  for (uint32_t kind = 1; kind < 6; ++kind) {
    for (uint32_t i = 0; i < 100; ++i) EXPECT_TRUE(ids.insert(stream_id(kind, i)).second);
  }
}

}  // namespace
}  // namespace xpu
