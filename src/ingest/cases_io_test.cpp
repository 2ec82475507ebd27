// Reading validation cases: a bad cell costs its row (kept as unread, with the
// reason, and a warning), not the file; quoted CSV fields read; a file
// without the required columns is an error.
#include <gtest/gtest.h>

#include "ingest/cases_io.h"

namespace xpu {
namespace {

const std::string kHeader = "id,mode,model,accelerator,chips,precision,tp,metric,value,notes\n";

TEST(CasesIo, BadCellCostsItsRowOnly) {
  Diagnostics ds;
  const auto cases = parse_cases(kHeader +
                                     "A,train,llama3.1-8b,h100-sxm,8,bf16,1,mfu,0.5,ok\n"
                                     "B,train,llama3.1-8b,h100-sxm,8,fp6,1,tokens_per_watt,0.5,bad\n"
                                     ",infer,llama3.1-8b,h100-sxm,8,bf16,1,tpot_ms,-3,bad\n",
                                 "c.csv", ds);
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_TRUE(cases[0].invalid.empty());
  EXPECT_EQ(cases[1].invalid,
            "metric: unknown value 'tokens_per_watt'; precision: unknown value 'fp6' (did you mean 'fp16'?)");
  EXPECT_EQ(cases[2].id, "line 4");
  EXPECT_EQ(cases[2].invalid, "value: must be a positive number, got '-3'; id: is required");
  EXPECT_FALSE(has_errors(ds));
  ASSERT_EQ(ds.size(), 4u);
  EXPECT_EQ(format_diagnostic(ds[0]), "c.csv:3:38: warning: metric: unknown value 'tokens_per_watt'");
  EXPECT_EQ(format_diagnostic(ds[1]), "c.csv:3:32: warning: precision: unknown value 'fp6' (did you mean 'fp16'?)");
}

TEST(CasesIo, QuotedFieldsAndSpacesRead) {
  Diagnostics ds;
  const auto cases =
      parse_cases(kHeader + "A, train ,llama3.1-8b,h100-sxm,8,bf16,1,mfu,0.5,\"a, b \"\"c\"\"\"\n", "c.csv", ds);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_TRUE(ds.empty());
  EXPECT_EQ(cases[0].mode, Mode::train);
  EXPECT_EQ(cases[0].notes, "a, b \"c\"");
  EXPECT_DOUBLE_EQ(cases[0].value, 0.5);
}

TEST(CasesIo, MissingColumnIsAnErrorForTheFile) {
  Diagnostics ds;
  const auto cases = parse_cases("id,mode,model,accelerator,chips,metric\nA,train,m,a,8,mfu\n", "c.csv", ds);
  EXPECT_TRUE(cases.empty());
  ASSERT_TRUE(has_errors(ds));
  EXPECT_EQ(format_diagnostic(ds[0]), "c.csv:1: error: missing column 'value'");
}

}  // namespace
}  // namespace xpu
