// Calendar dates as written in data files: "2026-11-26".
#pragma once

#include <string_view>

namespace xpu {

// True for YYYY-MM-DD with a month 01..12 and a day 01..31 (no calendar check
// beyond that: the field records when a source was read).
constexpr bool is_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

static_assert(is_iso_date("2026-11-26"));
static_assert(!is_iso_date("2026-13-01"));
static_assert(!is_iso_date("26-11-2026"));

}  // namespace xpu
