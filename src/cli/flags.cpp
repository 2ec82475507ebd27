#include "cli/flags.h"

#include <charconv>
#include <cmath>

namespace xpu::cli {

double parse_count(const std::string& text, const std::string& flag, Diagnostics& ds) {
  double v = 0;
  const char* b = text.data();
  const char* e = text.data() + text.size();
  auto [p, ec] = std::from_chars(b, e, v);
  double scale = 1;
  std::string rest(p, e);
  if (rest == "k" || rest == "K")
    scale = 1e3;
  else if (rest == "M")
    scale = 1e6;
  else if (rest == "B" || rest == "G")
    scale = 1e9;
  else if (rest == "T")
    scale = 1e12;
  else if (!rest.empty())
    ec = std::errc::invalid_argument;
  if (ec != std::errc() || p == b || !std::isfinite(v) || v <= 0) {
    ds.push_back(
        flag_error(flag, fmt::format("expected a positive count such as 15T, 2.5e12 or 300B; got '{}'", text)));
    return 0;
  }
  return v * scale;
}

}  // namespace xpu::cli
