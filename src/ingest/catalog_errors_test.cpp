// Error files: each tests/errors/catalog/<case>.yaml is a broken catalog loaded as a one-file
// data directory; the diagnostics must equal tests/errors/catalog/<case>.txt verbatim (with
// paths relative to that directory). XPUPLAN_UPDATE_GOLDEN=1 rewrites the .txt files.
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

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

// The case names found next to this test's data, sorted.
std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(testing::test_path("errors/catalog"))) {
    if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Loads one case through the same path as `--catalog DIR` and formats what it reports.
std::string diagnostics_for(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("xpuplan-catalog-errors-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(testing::test_path("errors/catalog/" + name + ".yaml"), dir / (name + ".yaml"));
  std::string out = "(no errors)\n";
  try {
    load_data({dir.string()});
  } catch (const InputError& e) {
    out = format_diagnostics(e.diagnostics());
  }
  fs::remove_all(dir);
  return replace_all(out, (dir / "").string(), "");
}

TEST(CatalogErrors, TheRequiredCasesExist) {
  const std::vector<std::string> required{"duplicate_key",  "malformed_yaml",      "missing_field",
                                          "missing_source", "negative_value",      "several_problems",
                                          "unitless_value", "unknown_accelerator", "unknown_key"};
  auto names = case_names();
  for (const auto& r : required) {
    EXPECT_TRUE(std::find(names.begin(), names.end(), r) != names.end()) << "missing case " << r;
  }
}

TEST(CatalogErrors, EachCaseReportsExactlyItsExpectedDiagnostics) {
  for (const auto& name : case_names()) {
    SCOPED_TRACE(name);
    std::string actual = diagnostics_for(name);
    EXPECT_NE(actual, "(no errors)\n");
    testing::expect_golden(actual, "errors/catalog/" + name + ".txt");
  }
}

TEST(CatalogErrors, ShippedDataLoadsWithoutDiagnostics) {
  Diagnostics notes;
  DataSet data = load_data({XPUPLAN_DATA_DIR}, &notes);
  EXPECT_TRUE(notes.empty()) << format_diagnostics(notes);
  EXPECT_EQ(data.catalog.accelerators.size(), 20u);
}

}  // namespace
}  // namespace xpu
