// Checking command-line values: every problem is collected as a diagnostic
// that names the flag, so one run reports them all.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/suggest.h"
#include "base/unit_text.h"

namespace xpu::cli {

inline Diagnostic flag_error(const std::string& flag, std::string message) {
  return error_at({"", 0, 0, flag}, std::move(message));
}

inline void require_positive(double v, const std::string& flag, Diagnostics& ds) {
  if (!(v > 0)) ds.push_back(flag_error(flag, fmt::format("must be positive, got {}", v)));
}

// One of `names`, parsed by `parse`; a near miss is suggested.
template <class E, class Parse>
E parse_choice(const std::string& text, const std::string& flag, Parse parse, const std::vector<std::string>& names,
               Diagnostics& ds) {
  if (auto v = parse(text)) return *v;
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  ds.push_back(flag_error(flag, fmt::format("must be one of {}; got '{}'{}", list, text, did_you_mean(text, names))));
  return E{};
}

// A count with an optional suffix: 15T, 2.5e12, 300B, 40M, 7k.
double parse_count(const std::string& text, const std::string& flag, Diagnostics& ds);

// A quantity of type Q with its unit ("40 ms", "2 h"); positive.
template <class Q>
std::optional<Q> parse_flag_quantity(const std::string& text, const std::string& flag, Diagnostics& ds) {
  auto q = parse_quantity<Q>(text);
  if (!q) {
    ds.push_back(flag_error(flag, q.error().message));
    return std::nullopt;
  }
  if (!(q->si() > 0)) {
    ds.push_back(flag_error(flag, fmt::format("must be positive, got '{}'", text)));
    return std::nullopt;
  }
  return *q;
}

}  // namespace xpu::cli
