#include "base/parallel.h"

#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>
#include <vector>

namespace xpu {
namespace {

TEST(Parallel, SameResultForAnyThreadCount) {
  const size_t n = 10000;
  auto run = [&](unsigned threads) {
    std::vector<double> out(n);
    parallel_for(
        n, [&](size_t i) { out[i] = static_cast<double>(i) * 0.5 + 1.0; }, ThreadBudget(threads));
    return out;
  };
  auto one = run(1);
  EXPECT_EQ(one, run(2));
  EXPECT_EQ(one, run(7));
  EXPECT_DOUBLE_EQ(std::accumulate(one.begin(), one.end(), 0.0), 0.5 * (n - 1) * n / 2.0 + n);
}

TEST(Parallel, RethrowsAndHandlesEmpty) {
  parallel_for(
      0, [](size_t) { FAIL(); }, ThreadBudget(4));
  EXPECT_THROW(parallel_for(
                   100,
                   [](size_t i) {
                     if (i == 37) throw std::runtime_error("boom");
                   },
                   ThreadBudget(3)),
               std::runtime_error);
}

TEST(Parallel, ZeroIsOneThreadAndShellsResolveAllCores) {
  EXPECT_EQ(ThreadBudget(0).threads(), 1u);
  EXPECT_EQ(ThreadBudget().threads(), 1u);
  EXPECT_EQ(budget_for_request(3).threads(), 3u);
  EXPECT_GE(budget_for_request(0).threads(), 1u);
}

}  // namespace
}  // namespace xpu
