// Plain-text tables for terminal output: aligned columns, numbers right-aligned.
#pragma once

#include <string>
#include <vector>

namespace xpu {

struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> right_align;  // per column; missing = left
};

// Renders with two spaces between columns and a rule under the header.
std::string render(const TextTable& t);

// A number with `digits` significant digits, no exponent for ordinary sizes: "989.4", "0.0125".
std::string fmt_num(double v, int digits = 4);

}  // namespace xpu
