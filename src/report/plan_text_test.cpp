#include <gtest/gtest.h>

#include "report/plan_text.h"

namespace xpu {
namespace {

TEST(PlanProgressLine, SaysElapsedIncumbentBoundGapAndNodes) {
  EXPECT_EQ(plan_progress_line({.seconds = 3.4, .nodes = 0}), "solving 3 s  no plan yet  0 nodes");
  EXPECT_EQ(plan_progress_line({.seconds = 12.6, .best_bound = 1.2e6, .nodes = 1}),
            "solving 13 s  no plan yet  bound $1.20M  1 node");
  const std::string line =
      plan_progress_line({.seconds = 61, .objective = 1.25e6, .best_bound = 1.2e6, .gap = 0.04, .nodes = 1520});
  EXPECT_EQ(line, "solving 61 s  best $1.25M  bound $1.20M  gap 4.00%  1520 nodes");
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace xpu
