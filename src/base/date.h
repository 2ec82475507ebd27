// Calendar dates as written in data files: "2026-11-26".
#pragma once

#include <string_view>

namespace xpu {

// Days in `month` (1..12) of `year`, Gregorian leap years included.
constexpr int days_in_month(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// True for YYYY-MM-DD naming a real calendar date ("2027-02-30" and
// "2026-13-01" are not).
constexpr bool is_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

static_assert(is_iso_date("2026-11-26"));
static_assert(is_iso_date("2028-02-29"));
static_assert(!is_iso_date("2027-02-29"));
static_assert(!is_iso_date("2027-02-30"));
static_assert(!is_iso_date("2026-04-31"));
static_assert(!is_iso_date("2026-13-01"));
static_assert(!is_iso_date("26-11-2026"));

}  // namespace xpu
