// Error files: each tests/errors/prices/<case>.yaml is a broken price file
// given as `--prices FILE` over the shipped data; the diagnostics must equal
// tests/errors/prices/<case>.txt verbatim (paths relative to that folder).
// XPUPLAN_UPDATE_GOLDEN=1 rewrites the .txt files.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "golden.h"
#include "ingest/data_files.h"

namespace xpu {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(testing::test_path("errors/prices"))) {
    if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string diagnostics_for(const std::string& name) {
  const std::string dir = testing::test_path("errors/prices/");
  std::string out = "(no errors)\n";
  try {
    load_data({XPUPLAN_DATA_DIR}, nullptr, true, {dir + name + ".yaml"});
  } catch (const InputError& e) {
    out = format_diagnostics(e.diagnostics());
  }
  for (size_t pos = out.find(dir); pos != std::string::npos; pos = out.find(dir, pos)) out.erase(pos, dir.size());
  return out;
}

TEST(PriceErrors, TheRequiredCasesExist) {
  const std::vector<std::string> required{"foreign_currency", "negative_price", "several_problems",
                                          "unitless_price",   "unknown_term",   "unknown_accelerator"};
  auto names = case_names();
  for (const auto& r : required) {
    EXPECT_TRUE(std::find(names.begin(), names.end(), r) != names.end()) << "missing case " << r;
  }
}

TEST(PriceErrors, EachCaseReportsExactlyItsExpectedDiagnostics) {
  for (const auto& name : case_names()) {
    SCOPED_TRACE(name);
    std::string actual = diagnostics_for(name);
    EXPECT_NE(actual, "(no errors)\n");
    testing::expect_golden(actual, "errors/prices/" + name + ".txt");
  }
}

}  // namespace
}  // namespace xpu
