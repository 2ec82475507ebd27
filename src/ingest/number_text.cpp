#include "ingest/number_text.h"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace xpu {

std::string number_problem(std::string_view text) {
  const std::string s(text);
  char* end = nullptr;
  errno = 0;
  const double d = std::strtod(s.c_str(), &end);
  const bool parsed = !s.empty() && end == s.c_str() + s.size() && !std::isspace(static_cast<unsigned char>(s[0]));
  if (parsed && errno == ERANGE && std::isinf(d)) {
    return fmt::format("'{}' is out of range (numbers out of range: beyond a double, about 1.8e308)", text);
  }
  if (parsed && errno == ERANGE) {
    return fmt::format("'{}' is out of range (numbers out of range: below a double's smallest, about 4.9e-324)", text);
  }
  if (parsed && !std::isfinite(d)) return fmt::format("'{}' is not a finite number", text);
  return fmt::format("must be a number, got '{}'", text);
}

}  // namespace xpu
