// Golden-file checks for tests: structured output compared with a file under
// tests/golden/. Set XPUPLAN_UPDATE_GOLDEN=1 to rewrite the files; the diff is
// the review.
#pragma once

#include <string>

namespace xpu::testing {

// Absolute path of a file under tests/ (the source tree).
std::string test_path(const std::string& relative);

// Reads a whole file; fails the current test if it cannot.
std::string read_file(const std::string& path);

// EXPECTs `actual` to equal tests/<relative>, or rewrites it under XPUPLAN_UPDATE_GOLDEN=1.
void expect_golden(const std::string& actual, const std::string& relative);

}  // namespace xpu::testing
