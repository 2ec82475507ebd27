#include "base/unit_text.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <optional>

namespace xpu {
namespace {

enum class PrefixKind { none, decimal, binary_or_decimal, sub_second };

struct BaseUnit {
  std::string_view symbol;
  Dimension dim;
  double scale;  // SI value of one unit without prefix
  PrefixKind prefixes;
};

// Longest symbols first so that "FLOP/s" wins over "s" and "Wh" over "h".
// A month is 730 h (8760 h / 12), the convention cloud price pages use.
constexpr std::array kBaseUnits{
    BaseUnit{"FLOP/s", Dimension::flop_rate, 1.0, PrefixKind::decimal},
    BaseUnit{"FLOPS", Dimension::flop_rate, 1.0, PrefixKind::decimal},
    BaseUnit{"FLOP", Dimension::flop_count, 1.0, PrefixKind::decimal},
    BaseUnit{"OP/s", Dimension::flop_rate, 1.0, PrefixKind::decimal},
    BaseUnit{"OPS", Dimension::flop_rate, 1.0, PrefixKind::decimal},
    BaseUnit{"month", Dimension::time, 730.0 * 3600.0, PrefixKind::none},
    BaseUnit{"months", Dimension::time, 730.0 * 3600.0, PrefixKind::none},
    BaseUnit{"year", Dimension::time, 8760.0 * 3600.0, PrefixKind::none},
    BaseUnit{"years", Dimension::time, 8760.0 * 3600.0, PrefixKind::none},
    BaseUnit{"week", Dimension::time, 7 * 86400.0, PrefixKind::none},
    BaseUnit{"weeks", Dimension::time, 7 * 86400.0, PrefixKind::none},
    BaseUnit{"days", Dimension::time, 86400.0, PrefixKind::none},
    BaseUnit{"day", Dimension::time, 86400.0, PrefixKind::none},
    BaseUnit{"min", Dimension::time, 60.0, PrefixKind::none},
    BaseUnit{"hr", Dimension::time, 3600.0, PrefixKind::none},
    BaseUnit{"B/s", Dimension::byte_rate, 1.0, PrefixKind::binary_or_decimal},
    BaseUnit{"b/s", Dimension::byte_rate, 0.125, PrefixKind::decimal},
    BaseUnit{"Bps", Dimension::byte_rate, 1.0, PrefixKind::binary_or_decimal},
    BaseUnit{"bps", Dimension::byte_rate, 0.125, PrefixKind::decimal},
    BaseUnit{"Wh", Dimension::energy, 3600.0, PrefixKind::decimal},
    BaseUnit{"B", Dimension::bytes, 1.0, PrefixKind::binary_or_decimal},
    BaseUnit{"b", Dimension::bytes, 0.125, PrefixKind::decimal},
    BaseUnit{"Hz", Dimension::frequency, 1.0, PrefixKind::decimal},
    BaseUnit{"%", Dimension::fraction, 0.01, PrefixKind::none},
    BaseUnit{"W", Dimension::power, 1.0, PrefixKind::decimal},
    BaseUnit{"J", Dimension::energy, 1.0, PrefixKind::decimal},
    BaseUnit{"s", Dimension::time, 1.0, PrefixKind::sub_second},
    BaseUnit{"h", Dimension::time, 3600.0, PrefixKind::none},
    BaseUnit{"d", Dimension::time, 86400.0, PrefixKind::none},
};

std::optional<double> prefix_scale(std::string_view p, PrefixKind kind) {
  if (p.empty()) return 1.0;
  if (kind == PrefixKind::none) return std::nullopt;
  if (kind == PrefixKind::sub_second) {
    if (p == "m") return 1e-3;
    if (p == "u" || p == "\xC2\xB5") return 1e-6;  // u or µ (UTF-8)
    if (p == "n") return 1e-9;
    return std::nullopt;
  }
  if (p.size() == 1) {
    switch (p[0]) {
      case 'k':
      case 'K':
        return 1e3;
      case 'M':
        return 1e6;
      case 'G':
        return 1e9;
      case 'T':
        return 1e12;
      case 'P':
        return 1e15;
      case 'E':
        return 1e18;
      default:
        return std::nullopt;
    }
  }
  if (kind == PrefixKind::binary_or_decimal && p.size() == 2 && p[1] == 'i') {
    switch (p[0]) {
      case 'K':
      case 'k':
        return 1024.0;
      case 'M':
        return 1048576.0;
      case 'G':
        return 1073741824.0;
      case 'T':
        return 1099511627776.0;
      case 'P':
        return 1125899906842624.0;
      case 'E':
        return 1152921504606846976.0;
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

struct UnitMatch {
  double scale;
  Dimension dim;
};

std::optional<UnitMatch> match_physical_unit(std::string_view u) {
  for (const BaseUnit& b : kBaseUnits) {
    if (u.size() < b.symbol.size() || u.substr(u.size() - b.symbol.size()) != b.symbol) continue;
    auto p = prefix_scale(u.substr(0, u.size() - b.symbol.size()), b.prefixes);
    if (p) return UnitMatch{*p * b.scale, b.dim};
  }
  return std::nullopt;
}

// "$", "$/h", "$/chip/h", "USD/month", "$/kWh": money, money per time, money per energy.
std::optional<ParsedQuantity> match_money_unit(std::string_view u, double value) {
  std::string_view rest;
  if (u.starts_with("$")) {
    rest = u.substr(1);
  } else if (u.starts_with("USD")) {
    rest = u.substr(3);
  } else {
    return std::nullopt;
  }
  if (rest.empty()) return ParsedQuantity{value, Dimension::money, false};
  if (!rest.starts_with("/")) return std::nullopt;
  rest.remove_prefix(1);
  bool per_chip = false;
  for (std::string_view who : {"chip/", "GPU/", "gpu/", "accelerator/"}) {
    if (rest.starts_with(who)) {
      per_chip = true;
      rest.remove_prefix(who.size());
      break;
    }
  }
  if (rest == "chip-hour" || rest == "GPU-hour") return ParsedQuantity{value / 3600.0, Dimension::money_rate, true};
  auto m = match_physical_unit(rest);
  if (!m) return std::nullopt;
  if (m->dim == Dimension::time) return ParsedQuantity{value / m->scale, Dimension::money_rate, per_chip};
  if (m->dim == Dimension::energy && !per_chip) {
    return ParsedQuantity{value / m->scale, Dimension::energy_price, false};
  }
  return std::nullopt;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::string_view describe(Dimension d) {
  switch (d) {
    case Dimension::time:
      return "a time (e.g. 12 ms)";
    case Dimension::bytes:
      return "a size (e.g. 80 GB)";
    case Dimension::byte_rate:
      return "a bandwidth (e.g. 3.35 TB/s)";
    case Dimension::flop_count:
      return "a FLOP count (e.g. 3.1 EFLOP)";
    case Dimension::flop_rate:
      return "a compute rate (e.g. 989 TFLOP/s)";
    case Dimension::power:
      return "a power (e.g. 700 W)";
    case Dimension::energy:
      return "an energy (e.g. 1.2 MWh)";
    case Dimension::money:
      return "an amount of money (e.g. 25000 $)";
    case Dimension::money_rate:
      return "a price per time (e.g. 2.5 $/h)";
    case Dimension::energy_price:
      return "an energy price (e.g. 0.08 $/kWh)";
    case Dimension::frequency:
      return "a frequency (e.g. 1830 MHz)";
    case Dimension::fraction:
      return "a percentage (e.g. 50 %)";
  }
  return "a quantity";
}

Expected<ParsedQuantity, UnitTextError> parse_unit_text(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && is_blank(text[i])) ++i;
  size_t end = text.size();
  while (end > i && is_blank(text[end - 1])) --end;
  if (i == end) return Unexpected{UnitTextError{"expected a number with a unit, got nothing", 0}};

  // "$2.5/h" is accepted as "2.5 $/h".
  bool dollar_first = text[i] == '$';
  size_t num_begin = dollar_first ? i + 1 : i;
  double value = 0.0;
  const char* first = text.data() + num_begin;
  const char* last = text.data() + end;
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr == first) {
    return Unexpected{UnitTextError{fmt::format("expected a number with a unit, got '{}'", text.substr(i, end - i)),
                                    static_cast<int>(i)}};
  }
  if (!std::isfinite(value)) {
    return Unexpected{UnitTextError{"number is not finite", static_cast<int>(num_begin)}};
  }
  size_t unit_begin = static_cast<size_t>(ptr - text.data());
  while (unit_begin < end && is_blank(text[unit_begin])) ++unit_begin;
  std::string unit(text.substr(unit_begin, end - unit_begin));
  if (dollar_first) unit = "$" + unit;
  if (unit.empty()) {
    return Unexpected{
        UnitTextError{fmt::format("'{}' has no unit; write it with one (e.g. '{} GB', '{} TFLOP/s')",
                                  text.substr(i, end - i), text.substr(i, end - i), text.substr(i, end - i)),
                      static_cast<int>(i)}};
  }
  std::optional<ParsedQuantity> q = match_money_unit(unit, value);
  if (!q) {
    if (auto m = match_physical_unit(unit)) q = ParsedQuantity{value * m->scale, m->dim, false};
  }
  if (!q) return Unexpected{UnitTextError{fmt::format("unknown unit '{}'", unit), static_cast<int>(unit_begin)}};
  // A prefix can carry a finite number past the largest double ("1e308 MW").
  if (!std::isfinite(q->si)) return Unexpected{UnitTextError{"number is not finite", static_cast<int>(num_begin)}};
  return *q;
}

std::string_view example_unit(Dimension d) {
  switch (d) {
    case Dimension::time:
      return "ms";
    case Dimension::bytes:
      return "GB";
    case Dimension::byte_rate:
      return "GB/s";
    case Dimension::flop_count:
      return "PFLOP";
    case Dimension::flop_rate:
      return "TFLOP/s";
    case Dimension::power:
      return "W";
    case Dimension::energy:
      return "kWh";
    case Dimension::money:
      return "$";
    case Dimension::money_rate:
      return "$/h";
    case Dimension::energy_price:
      return "$/kWh";
    case Dimension::frequency:
      return "MHz";
    case Dimension::fraction:
      return "%";
  }
  return "";
}

Expected<ParsedQuantity, UnitTextError> parse_unit_text_as(std::string_view text, Dimension expected) {
  auto parsed = parse_unit_text(text);
  if (!parsed) {
    // A bare number: suggest a unit that fits what the value holds.
    std::string_view t = text;
    while (!t.empty() && is_blank(t.front())) t.remove_prefix(1);
    while (!t.empty() && is_blank(t.back())) t.remove_suffix(1);
    double v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (!t.empty() && ec == std::errc() && p == t.data() + t.size()) {
      return Unexpected{
          UnitTextError{fmt::format("'{}' has no unit; write it with one (e.g. '{} {}')", t, t, example_unit(expected)),
                        parsed.error().offset}};
    }
    return parsed;
  }
  if (parsed->dim != expected) {
    auto what = describe(parsed->dim);
    auto cut = what.find(" (");
    return Unexpected{UnitTextError{
        fmt::format("expected {}, got '{}' which is {}", describe(expected), text, what.substr(0, cut)), 0}};
  }
  return parsed;
}

double max_magnitude(Dimension d) {
  switch (d) {
    case Dimension::time:
      return 1e11;  // about 3,000 years
    case Dimension::bytes:
      return 1e21;
    case Dimension::byte_rate:
      return 1e18;
    case Dimension::flop_count:
      return 1e32;
    case Dimension::flop_rate:
      return 1e22;
    case Dimension::power:
      return 1e10;  // 10 GW
    case Dimension::energy:
      return 1e20;
    case Dimension::money:
      return 1e13;  // $10 trillion
    case Dimension::money_rate:
      return 1e7 / 3600;  // $10M per hour
    case Dimension::energy_price:
      return 1e3 / 3.6e6;  // $1000 per kWh
    case Dimension::frequency:
      return 1e12;
    case Dimension::fraction:
      return 1e4;
  }
  return 1e30;
}

std::optional<std::string> out_of_range(const ParsedQuantity& q) {
  const double limit = max_magnitude(q.dim);
  if (std::isfinite(q.si) && std::fabs(q.si) <= limit) return std::nullopt;
  const double shown = q.dim == Dimension::money_rate     ? limit * 3600
                       : q.dim == Dimension::energy_price ? limit * 3.6e6
                                                          : limit;
  static constexpr std::array<std::string_view, 12> kSiUnit{"s", "B", "B/s", "FLOP",  "FLOP/s", "W",
                                                            "J", "$", "$/h", "$/kWh", "Hz",     ""};
  const std::string_view unit = kSiUnit[static_cast<size_t>(q.dim)];
  return fmt::format("out of range (numbers out of range: at most {:g}{}{})", shown, unit.empty() ? "" : " ", unit);
}

namespace {

std::string with_prefix(double v, std::string_view unit) {
  static constexpr std::array<std::pair<double, const char*>, 6> kPrefixes{
      {{1e18, "E"}, {1e15, "P"}, {1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}}};
  double a = std::fabs(v);
  for (auto [scale, sym] : kPrefixes) {
    if (a >= scale) return fmt::format("{:.4g} {}{}", v / scale, sym, unit);
  }
  return fmt::format("{:.4g} {}", v, unit);
}

}  // namespace

std::string to_text(Seconds v) {
  double s = v.si();
  double a = std::fabs(s);
  if (a == 0) return "0 s";
  if (a < 1e-6) return fmt::format("{:.4g} ns", s * 1e9);
  if (a < 1e-3) return fmt::format("{:.4g} us", s * 1e6);
  if (a < 1) return fmt::format("{:.4g} ms", s * 1e3);
  if (a < 120) return fmt::format("{:.4g} s", s);
  if (a < 7200) return fmt::format("{:.4g} min", s / 60);
  if (a < 3 * 86400) return fmt::format("{:.4g} h", s / 3600);
  return fmt::format("{:.4g} days", s / 86400);
}
std::string to_text(Bytes v) { return with_prefix(v.si(), "B"); }
std::string to_text(ByteRate v) { return with_prefix(v.si(), "B/s"); }
std::string to_text(FlopCount v) { return with_prefix(v.si(), "FLOP"); }
std::string to_text(FlopRate v) { return with_prefix(v.si(), "FLOP/s"); }
std::string to_text(Watts v) { return with_prefix(v.si(), "W"); }
std::string to_text(Joules v) { return with_prefix(v.si() / 3600.0, "Wh"); }
std::string to_text(Dollars v) { return fmt::format("${:.2f}", v.si()); }
std::string to_text(DollarRate v) { return fmt::format("{:.4g} $/h", per_hour(v)); }
std::string to_text(EnergyPrice v) { return fmt::format("{:.4g} $/kWh", per_kwh(v)); }

// The sign goes before the currency: "-$4.95M", never "$-4.95M".
std::string to_short_text(Dollars v) {
  const double usd = v.si(), a = std::abs(usd);
  if (a < 0.5) return "$0";
  const char* sign = usd < 0 ? "-" : "";
  if (a >= 1e6) return fmt::format("{}${:.2f}M", sign, a * 1e-6);
  if (a >= 1e3) return fmt::format("{}${:.1f}k", sign, a * 1e-3);
  return fmt::format("{}${:.0f}", sign, a);
}

namespace {

// The count suffix for a magnitude: {"M", 1e6} for 4.2e6.
std::pair<const char*, double> count_suffix(double magnitude) {
  if (magnitude >= 1e12) return {"T", 1e12};
  if (magnitude >= 1e9) return {"B", 1e9};
  if (magnitude >= 1e6) return {"M", 1e6};
  if (magnitude >= 1e3) return {"k", 1e3};
  return {"", 1};
}

}  // namespace

std::string compact_text(double v, std::string_view prefix, std::string_view suffix) {
  const double a = std::abs(v);
  const auto [unit, d] = count_suffix(a);
  const std::string num = a == 0 ? "0" : fmt::format("{:.3g}", a / d);
  return fmt::format("{}{}{}{}{}", v < 0 ? "-" : "", prefix, num, unit, suffix);
}

std::string to_compact_text(Dollars v) { return compact_text(v.si(), "$", ""); }

std::optional<double> parse_count_text(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p == text.data() || !std::isfinite(v)) return std::nullopt;
  std::string_view rest(p, static_cast<size_t>(text.data() + text.size() - p));
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  double scale = 1;
  if (rest == "k" || rest == "K") {
    scale = 1e3;
  } else if (rest == "M") {
    scale = 1e6;
  } else if (rest == "B" || rest == "G") {
    scale = 1e9;
  } else if (rest == "T") {
    scale = 1e12;
  } else if (!rest.empty()) {
    return std::nullopt;
  }
  return v * scale;
}

std::string to_count_text(double v, int digits) {
  const auto [unit, d] = count_suffix(std::abs(v));
  return fmt::format("{:.{}g}{}", v / d, digits, unit);
}

}  // namespace xpu
