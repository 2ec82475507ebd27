#include "base/suggest.h"

#include <gtest/gtest.h>

#include <vector>

namespace xpu {
namespace {

TEST(Suggest, EditDistance) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3);
  EXPECT_EQ(edit_distance("h200-sxn", "h200-sxm"), 1);
  EXPECT_EQ(edit_distance("ab", "ba"), 1);  // adjacent swap
  EXPECT_EQ(edit_distance("", "abc"), 3);
}

TEST(Suggest, FindsNearMissOnly) {
  std::vector<std::string> keys{"h100-sxm", "h200-sxm", "tpu-v5p", "mi300x"};
  EXPECT_EQ(closest_match("h200-sxn", keys), "h200-sxm");
  EXPECT_EQ(closest_match("MI300X", keys), "mi300x");
  EXPECT_EQ(closest_match("h200", keys), "h200-sxm");
  EXPECT_EQ(closest_match("gaudi3", keys), std::nullopt);
  // A prefix beats a closer edit distance ("h100" is one edit from "b200").
  std::vector<std::string> more{"b200", "h100-sxm", "h100-nvl-pcie", "h200-sxm"};
  EXPECT_EQ(closest_match("h100", more), "h100-sxm");
  EXPECT_EQ(closest_match("H100-SXM", more), "h100-sxm");
  EXPECT_EQ(did_you_mean("tpu-v5q", keys), " (did you mean 'tpu-v5p'?)");
  EXPECT_EQ(did_you_mean("zzz", keys), "");
}

}  // namespace
}  // namespace xpu
