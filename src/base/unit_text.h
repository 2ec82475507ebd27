// Reading and writing quantities as text: "989 TFLOP/s", "96 GiB", "400 Gb/s",
// "2.5 $/h", "1.2 $/chip/h", "12 ms", "0.08 $/kWh".
//
// Prefixes: k M G T P E (decimal, K accepted for k), Ki Mi Gi Ti Pi Ei (binary,
// bytes only), m u µ n (seconds only). `B` is a byte, `b` a bit (Gb/s, Gbps).
// A bare number is an error: every quantity in a data file carries its unit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/expected.h"
#include "base/units.h"

namespace xpu {

enum class Dimension {
  time,
  bytes,
  byte_rate,
  flop_count,
  flop_rate,
  power,
  energy,
  money,
  money_rate,
  energy_price,
  frequency,  // Hz (clocks)
  fraction,   // % (a share of something, stored as 0..1)
};

// What a dimension is called in messages, with an example: "a time (e.g. 12 ms)".
std::string_view describe(Dimension d);

struct ParsedQuantity {
  double si = 0.0;  // value in SI base units
  Dimension dim = Dimension::time;
  bool per_chip = false;  // "$/chip/h", "$/GPU/h": a price per accelerator
};

struct UnitTextError {
  std::string message;
  int offset = 0;  // 0-based character offset in the text where the problem starts
};

// Parses "<number> <unit>" into SI units. Leading/trailing blanks are ignored.
Expected<ParsedQuantity, UnitTextError> parse_unit_text(std::string_view text);

template <class Q>
struct DimensionOf;
template <>
struct DimensionOf<Seconds> {
  static constexpr Dimension value = Dimension::time;
};
template <>
struct DimensionOf<Bytes> {
  static constexpr Dimension value = Dimension::bytes;
};
template <>
struct DimensionOf<ByteRate> {
  static constexpr Dimension value = Dimension::byte_rate;
};
template <>
struct DimensionOf<FlopCount> {
  static constexpr Dimension value = Dimension::flop_count;
};
template <>
struct DimensionOf<FlopRate> {
  static constexpr Dimension value = Dimension::flop_rate;
};
template <>
struct DimensionOf<Watts> {
  static constexpr Dimension value = Dimension::power;
};
template <>
struct DimensionOf<Joules> {
  static constexpr Dimension value = Dimension::energy;
};
template <>
struct DimensionOf<Dollars> {
  static constexpr Dimension value = Dimension::money;
};
template <>
struct DimensionOf<DollarRate> {
  static constexpr Dimension value = Dimension::money_rate;
};
template <>
struct DimensionOf<EnergyPrice> {
  static constexpr Dimension value = Dimension::energy_price;
};
template <>
struct DimensionOf<Hertz> {
  static constexpr Dimension value = Dimension::frequency;
};

// A unit that fits a dimension, for hints: "W" for a power, "GB/s" for a bandwidth.
std::string_view example_unit(Dimension d);

// Parses text that must be of dimension `expected`: a bare number gets a hint
// with a fitting unit ("'700' has no unit; write it with one (e.g. '700 W')"),
// a quantity of another dimension names both.
Expected<ParsedQuantity, UnitTextError> parse_unit_text_as(std::string_view text, Dimension expected);

// Numbers from outside are bounded at the door: the largest magnitude a
// quantity of each dimension may have, far past any real value (10 GW,
// 10 M$/h, 1e30 FLOP) but small enough that sums, products with hours and
// chips, and the MILP's coefficients stay finite and solvable.
double max_magnitude(Dimension d);
// "out of range (at most ...)" when |q| exceeds max_magnitude() or is not finite; nullopt when fine.
std::optional<std::string> out_of_range(const ParsedQuantity& q);

// Parses text as quantity type Q ("80 GB" as Bytes). Errors say what was expected.
template <class Q>
Expected<Q, UnitTextError> parse_quantity(std::string_view text) {
  auto parsed = parse_unit_text_as(text, DimensionOf<Q>::value);
  if (!parsed) return Unexpected{parsed.error()};
  if (auto why = out_of_range(*parsed)) {
    // Appended piece by piece: GCC 12 at -O3 warns on "literal" + string&& (bug 105329).
    std::string message(1, '\'');
    message.append(text).append("' is ").append(*why);
    return Unexpected{UnitTextError{std::move(message), 0}};
  }
  return Q(parsed->si);
}

// A count with an optional suffix: "15T", "2.5e12", "300B" (or "G"), "40M",
// "7k"; a space may sit before the suffix. Nullopt for anything else
// (the sign is the caller's to check).
std::optional<double> parse_count_text(std::string_view text);
// A count for reports with a suffix and `digits` significant digits:
// "42.59k", "1.2M", "950", "15T" (never "0.04259M").
std::string to_count_text(double v, int digits = 4);

// Human text with an SI prefix and 4 significant digits: "989.4 TFLOP/s",
// "80 GB", "3.35 TB/s", "700 W", "12 ms", "$2.50/h".
std::string to_text(Seconds v);
std::string to_text(Bytes v);
std::string to_text(ByteRate v);
std::string to_text(FlopCount v);
std::string to_text(FlopRate v);
std::string to_text(Watts v);
std::string to_text(Joules v);
std::string to_text(Dollars v);
std::string to_text(DollarRate v);
std::string to_text(EnergyPrice v);
// Dollars for text reports: "$0", "$870", "$4.5k", "$23.70M", "-$4.95M".
std::string to_short_text(Dollars v);
// A number with a k/M/B/T suffix and three significant digits, for labels and
// chart ticks: compact_text(1.5e6, "$") = "$1.5M", compact_text(-4.95e6, "$")
// = "-$4.95M" (the sign before the prefix), compact_text(250, "", " d") = "250 d".
std::string compact_text(double v, std::string_view prefix = "", std::string_view suffix = "");
// Dollars for labels and tables: to_compact_text(dollars(1.5e6)) = "$1.5M".
std::string to_compact_text(Dollars v);

}  // namespace xpu
