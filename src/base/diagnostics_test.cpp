#include "base/diagnostics.h"

#include <gtest/gtest.h>

namespace xpu {
namespace {

TEST(Diagnostics, FormatsFileLineColumn) {
  EXPECT_EQ(format_diagnostic(error_at({"cluster.yaml", 14, 9, ""}, "capacity must be positive, got -4")),
            "cluster.yaml:14:9: error: capacity must be positive, got -4");
  EXPECT_EQ(format_diagnostic(warning_at({"a.csv", 3, 0, ""}, "sentinel price")), "a.csv:3: warning: sentinel price");
  EXPECT_EQ(format_diagnostic(error_at({"", 0, 0, "--chips"}, "must be positive")), "--chips: error: must be positive");
  EXPECT_EQ(format_diagnostic(error_at({"p.json", 0, 0, "/workloads/2/deadline"}, "before start")),
            "p.json (/workloads/2/deadline): error: before start");
  EXPECT_EQ(format_diagnostic(error_at({}, "no input")), "error: no input");
}

TEST(Diagnostics, InputErrorKeepsAll) {
  Diagnostics ds{error_at({"a", 1, 1, ""}, "x"), warning_at({"a", 2, 1, ""}, "y")};
  EXPECT_TRUE(has_errors(ds));
  InputError e(ds);
  EXPECT_EQ(e.diagnostics().size(), 2u);
  EXPECT_STREQ(e.what(), "a:1:1: error: x\na:2:1: warning: y\n");
  EXPECT_FALSE(has_errors({warning_at({}, "only a warning")}));
}

}  // namespace
}  // namespace xpu
