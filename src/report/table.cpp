#include "report/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace xpu {
namespace {

// Display width of UTF-8 text: count code points, not bytes.
size_t width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace

std::string render(const TextTable& t) {
  const size_t cols = t.header.size();
  std::vector<size_t> w(cols, 0);
  for (size_t c = 0; c < cols; ++c) w[c] = width(t.header[c]);
  for (const auto& row : t.rows) {
    for (size_t c = 0; c < cols && c < row.size(); ++c) w[c] = std::max(w[c], width(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < cols; ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      const size_t pad = w[c] - width(cell);
      const bool right = c < t.right_align.size() && t.right_align[c];
      if (c > 0) out += "  ";
      if (right) out += std::string(pad, ' ');
      out += cell;
      if (!right && c + 1 < cols) out += std::string(pad, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(t.header);
  size_t total = 0;
  for (size_t c = 0; c < cols; ++c) total += w[c] + (c > 0 ? 2 : 0);
  out += std::string(total, '-') + "\n";
  for (const auto& row : t.rows) out += line(row);
  return out;
}

std::string fmt_num(double v, int digits) {
  if (v == 0) return "0";
  const double a = std::fabs(v);
  if (a >= 1e15 || a < 1e-4) return fmt::format("{:.{}g}", v, digits);
  // Fixed notation with `digits` significant digits, trailing zeros trimmed.
  int decimals = std::max(0, digits - 1 - static_cast<int>(std::floor(std::log10(a))));
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

}  // namespace xpu
