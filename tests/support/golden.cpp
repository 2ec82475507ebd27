#include "golden.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#ifndef XPUPLAN_TEST_DIR
#define XPUPLAN_TEST_DIR "tests"
#endif

namespace xpu::testing {

std::string test_path(const std::string& relative) { return std::string(XPUPLAN_TEST_DIR) + "/" + relative; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void expect_golden(const std::string& actual, const std::string& relative) {
  const std::string path = test_path(relative);
  const char* update = std::getenv("XPUPLAN_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream out(path, std::ios::binary);
    out << actual;
    ASSERT_TRUE(out.good()) << "cannot write " << path;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << path << " (run with XPUPLAN_UPDATE_GOLDEN=1 to create it)";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), actual) << "output differs from " << path
                              << " (if the change is intended, rerun with XPUPLAN_UPDATE_GOLDEN=1 and review the diff)";
}

}  // namespace xpu::testing
