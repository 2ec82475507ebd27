#include "ingest/request_fields.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "ingest/number_text.h"

namespace xpu {

FieldReader::FieldReader(const nlohmann::json& object, FieldStyle style, Diagnostics& ds)
    : object_(object), style_(std::move(style)), ds_(ds) {
  // The whole request is at "/" (a JSON pointer's root) from every shell.
  if (!object_.is_object()) ds_.push_back(error_at({.pointer = "/"}, "must be a JSON object"));
  for (const Diagnostic& d : style_.refused) ds_.push_back(d);
}

bool FieldReader::refused(std::string_view name) const {
  const std::string at = where(name);
  return std::any_of(style_.refused.begin(), style_.refused.end(), [&](const Diagnostic& d) {
    const std::string& p = d.where.pointer;
    return p == at || (p.starts_with(at) && p.size() > at.size() && p[at.size()] == '/');  // "/cases/1" is in "cases"
  });
}

bool FieldReader::has(std::string_view name) const {
  return object_.is_object() && object_.contains(std::string(name)) && !object_.at(std::string(name)).is_null();
}

namespace {

// "--max-tokens" -> "max_tokens": a flag as the field it sets.
std::string snake(std::string_view name) {
  while (name.starts_with('-')) name.remove_prefix(1);
  std::string s(name);
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

// A field as other tools name it, with the fields it may mean here and what each is.
struct OtherName {
  std::string_view name;
  std::vector<std::pair<std::string_view, std::string_view>> ours;
};

}  // namespace

std::string did_you_mean_field(std::string_view name, std::span<const std::string> known) {
  // vLLM's engine argument (api/infer.h: kMaxNumTokens's sources) and an
  // OpenAI-style request's max_tokens, the most tokens generated per request.
  static const std::vector<OtherName> other{
      {"max_num_batched_tokens", {{"max_num_tokens", "vLLM's max_num_batched_tokens"}}},
      {"max_tokens",
       {{"max_num_tokens", "the tokens per engine iteration"}, {"output_len", "the tokens generated per request"}}},
  };
  const std::string key = snake(name);
  for (const OtherName& o : other) {
    if (o.name != key) continue;
    std::vector<std::string> meant;
    for (const auto& field : o.ours) {
      const auto it =
          std::find_if(known.begin(), known.end(), [&](const std::string& k) { return snake(k) == field.first; });
      if (it != known.end()) meant.push_back(fmt::format("'{}', {}", *it, field.second));
    }
    if (!meant.empty()) return fmt::format(" (did you mean {}?)", fmt::join(meant, ", or "));
  }
  return did_you_mean(name, known);
}

std::string field_location(std::string_view name, const FieldStyle& style) {
  if (!style.flags) return std::string("/").append(name);
  if (auto it = style.spelled.find(std::string(name)); it != style.spelled.end()) return it->second;
  std::string flag = std::string("--").append(name);
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

std::string spell_fields(const std::string& message, const FieldStyle& style) {
  std::string out;
  size_t at = 0;
  while (at < message.size()) {
    const size_t open = message.find('`', at);
    const size_t close = open == std::string::npos ? open : message.find('`', open + 1);
    if (close == std::string::npos) break;
    const std::string name = message.substr(open + 1, close - open - 1);
    out += message.substr(at, open - at) + (style.flags ? field_location(name, style) : name);
    at = close + 1;
  }
  return out + message.substr(std::min(at, message.size()));
}

Diagnostics relocate(Diagnostics ds, const FieldStyle& style) {
  for (Diagnostic& d : ds) {
    d.message = spell_fields(d.message, style);
    const std::string& p = d.where.pointer;
    if (p.size() > 1 && p.front() == '/' && p.find('/', 1) == std::string::npos) {
      d.where.pointer = field_location(p.substr(1), style);
    }
  }
  return ds;
}

std::string FieldReader::where(std::string_view name) const { return field_location(name, style_); }

void FieldReader::error(std::string_view name, const std::string& message) {
  if (refused(name)) return;  // its problem is the refusal
  ds_.push_back(error_at({.pointer = where(name)}, spell_fields(message, style_)));
}

const nlohmann::json* FieldReader::value(std::string_view name) {
  const std::string key(name);
  if (std::find(read_.begin(), read_.end(), key) == read_.end()) read_.push_back(key);
  if (!has(name)) return nullptr;
  return &object_.at(key);
}

std::string too_many_threads(long long threads) {
  return fmt::format("must be at most {} (far past any machine's cores), got {}", kMaxThreads, threads);
}

std::optional<std::string> FieldReader::text(std::string_view name) {
  const nlohmann::json* v = value(name);
  if (!v) return std::nullopt;
  if (v->is_string()) {
    // Every text field names something (a provider, a region, a file, a
    // stack): an empty one was read as "not given" and answered for every
    // provider (usertrial5: `compare --provider ''`).
    const std::string& s = v->get_ref<const std::string&>();
    if (s.find_first_not_of(" \t") == std::string::npos) {
      error(name, "is empty; give a value or leave it out");
      return std::nullopt;
    }
    return s;
  }
  if (v->is_number()) return v->dump();
  error(name, fmt::format("must be text, got {}", v->dump()));
  return std::nullopt;
}

std::optional<int> FieldReader::integer(std::string_view name, int most) {
  constexpr int kIntMost = std::numeric_limits<int>::max();
  const nlohmann::json* v = value(name);
  if (!v) return std::nullopt;
  // A number below -kIntMost is out of range at the other end: "at most
  // 2147483647" for -99999999999 named the wrong bound.
  const auto past = [&](const std::string& text, bool negative) {
    if (negative) {
      error(name, fmt::format("{} is out of range (numbers out of range: at least {})", text, -kIntMost));
    } else {
      error(name, most < kIntMost ? fmt::format("must be at most {} (numbers out of range), got {}", most, text)
                                  : fmt::format("{} is out of range (numbers out of range: at most {})", text, most));
    }
    return std::nullopt;
  };
  // Past 2^63 a JSON integer is unsigned, and get<long long>() wrapped it:
  // 18446744073709551608 chips were "must be positive, got -8" (usertrial5).
  // A whole number past 2^64 is a double: out of range too, not "not whole".
  if (v->is_number_unsigned() && v->get<unsigned long long>() > static_cast<unsigned long long>(kIntMost)) {
    return past(v->dump(), false);
  }
  if (v->is_number_float() && std::isfinite(v->get<double>()) && v->get<double>() == std::floor(v->get<double>()) &&
      std::fabs(v->get<double>()) > kIntMost) {
    return past(v->dump(), v->get<double>() < 0);
  }
  if (v->is_number_integer()) {
    const auto n = v->get<long long>();
    if (n > most) return past(v->dump(), false);
    if (n >= -kIntMost) return static_cast<int>(n);
    return past(v->dump(), true);
  }
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    int n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) {
      if (n > most) return past(s, false);
      return n;
    }
    // "18446744073709551617" is whole but past an int; "1e9" is whole but not in digits.
    double d = 0;
    const auto [dp, dec] = std::from_chars(s.data(), s.data() + s.size(), d);
    const bool whole =
        !s.empty() && dp == s.data() + s.size() &&
        (dec == std::errc::result_out_of_range || (dec == std::errc() && std::isfinite(d) && d == std::floor(d)));
    if (whole && (dec == std::errc::result_out_of_range || std::fabs(d) > kIntMost)) {
      const bool negative = s.front() == '-';
      return most < kIntMost && !negative ? past(s, false) : past("'" + s + "'", negative);
    }
    if (whole) {
      error(name, fmt::format("write '{}' in digits ({:.0f})", s, d));
      return std::nullopt;
    }
  }
  error(name,
        fmt::format("must be a whole number, got {}", v->is_string() ? "'" + v->get<std::string>() + "'" : v->dump()));
  return std::nullopt;
}

std::optional<double> FieldReader::number(std::string_view name) {
  const nlohmann::json* v = value(name);
  if (!v) return std::nullopt;
  double d = 0;
  bool ok = false;
  if (v->is_number()) {
    d = v->get<double>();
    ok = true;
  } else if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    ok = ec == std::errc() && p == s.data() + s.size() && !s.empty();
  }
  if (ok && std::isfinite(d)) return d;
  error(name, v->is_string() ? number_problem(v->get_ref<const std::string&>())
                             : fmt::format("must be a number, got {}", v->dump()));
  return std::nullopt;
}

std::optional<double> FieldReader::count(std::string_view name, double max) {
  const nlohmann::json* v = value(name);
  if (!v) return std::nullopt;
  const std::string t = v->is_string() ? v->get<std::string>() : v->dump();
  std::optional<double> c;
  if (v->is_number()) c = v->get<double>();
  if (v->is_string()) c = parse_count_text(t);
  if (c && std::isfinite(*c) && *c > max) {
    error(name, fmt::format("'{}' is out of range (numbers out of range: at most {:g})", t, max));
    return std::nullopt;
  }
  // Counts are of tokens: a fraction of one (1e-300) was answered as a run of no time (usertrial2).
  if (c && std::isfinite(*c) && *c > 0 && *c < 1) {
    error(name, fmt::format("'{}' is less than one token; a count is at least 1", t));
    return std::nullopt;
  }
  if (c && std::isfinite(*c) && *c > 0) return c;
  error(name, fmt::format("expected a positive count such as 15T, 2.5e12 or 300B; got '{}'", t));
  return std::nullopt;
}

std::optional<double> FieldReader::rate(std::string_view name, double max) {
  const nlohmann::json* v = value(name);
  if (!v) return std::nullopt;
  std::string t = v->is_string() ? v->get<std::string>() : v->dump();
  std::optional<double> c;
  if (v->is_number()) {
    c = v->get<double>();
  } else if (v->is_string()) {
    std::string_view s = t;
    for (std::string_view unit : {"requests/s", "req/s", "rps"}) {
      if (s.ends_with(unit)) {
        s.remove_suffix(unit.size());
        break;
      }
    }
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (!s.empty()) c = parse_count_text(s);
  }
  if (c && std::isfinite(*c) && *c > max) {
    error(name, fmt::format("'{}' is out of range (numbers out of range: at most {:g} requests/s)", t, max));
    return std::nullopt;
  }
  if (c && std::isfinite(*c) && *c > 0) return c;
  error(name, fmt::format("expected a positive request rate such as 20, 1.5k or '20 req/s'; got '{}'", t));
  return std::nullopt;
}

std::optional<bool> FieldReader::boolean(std::string_view name) {
  const nlohmann::json* v = value(name);
  if (!v) return std::nullopt;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    if (s == "true" || s == "1") return true;
    if (s == "false" || s == "0") return false;
  }
  error(name, fmt::format("must be true or false, got {}", v->dump()));
  return std::nullopt;
}

std::optional<std::vector<std::string>> FieldReader::list(std::string_view name) {
  const nlohmann::json* v = value(name);
  if (!v) return std::nullopt;
  if (!v->is_array() && !v->is_string()) {
    error(name, fmt::format("must be a list, got {}", v->dump()));
    return std::nullopt;
  }
  // Items as given: a JSON array's, or comma-separated text's (a flag given
  // twice arrives as its values joined by commas). An empty item ("a,,b", a
  // trailing comma, "") was dropped without a word (usertrial3): a name left
  // out is an error, and a name given twice a warning, at the item.
  std::vector<std::string> items;
  if (v->is_array()) {
    for (const auto& e : *v) {
      if (!e.is_string()) {
        if (!refused(name)) {
          ds_.push_back(
              error_at({.pointer = style_.flags ? where(name) : fmt::format("{}/{}", where(name), items.size())},
                       fmt::format("must be a list of text, got {}", e.dump())));
        }
        return std::nullopt;
      }
      items.push_back(e.get<std::string>());
    }
  } else {
    const std::string& s = v->get_ref<const std::string&>();
    for (size_t start = 0; start <= s.size();) {
      const size_t comma = std::min(s.find(',', start), s.size());
      items.push_back(s.substr(start, comma - start));
      start = comma + 1;
    }
  }
  const std::string whole = v->is_string() ? "'" + v->get<std::string>() + "'" : v->dump();
  // "/accelerators/1" for a JSON array's item; the field itself for text and flags.
  const auto at = [&](size_t i) {
    return SourceLocation{.pointer =
                              v->is_array() && !style_.flags ? fmt::format("{}/{}", where(name), i) : where(name)};
  };
  std::vector<std::string> out;
  bool bad = false;
  for (size_t i = 0; i < items.size(); ++i) {
    std::string item = items[i];
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.erase(item.begin());
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.pop_back();
    if (item.empty()) {
      if (!refused(name)) {
        ds_.push_back(error_at(at(i), items.size() == 1 ? fmt::format("is empty; give one name or more, got {}", whole)
                                      : v->is_array()
                                          ? fmt::format("item {} of {} is empty; name it or leave it out", i + 1, whole)
                                          : fmt::format("item {} of {} is empty (two commas, or one at "
                                                        "an end?); name it or remove the comma",
                                                        i + 1, whole)));
      }
      bad = true;
      continue;
    }
    if (std::find(out.begin(), out.end(), item) != out.end()) {
      ds_.push_back(warning_at(at(i), fmt::format("'{}' is listed twice in {}; it counts once", item, whole)));
      continue;
    }
    out.push_back(std::move(item));
  }
  if (bad) return std::nullopt;
  return out;
}

void FieldReader::choice_error(std::string_view name, const std::string& got, const std::vector<std::string>& names) {
  error(name, fmt::format("must be one of {}; got '{}'{}", fmt::join(names, ", "), got, did_you_mean(got, names)));
}

std::string FieldReader::field_of(const Diagnostic& d) const {
  for (const auto& f : read_) {
    const std::string at = where(f);
    const std::string& p = d.where.pointer;
    if (p == at || (p.starts_with(at) && p.size() > at.size() && p[at.size()] == '/')) return f;
  }
  return "";
}

void FieldReader::adopt(Diagnostics more) {
  for (Diagnostic& d : more) {
    const std::string& p = d.where.pointer;
    if (p.size() > 1 && p.front() == '/' && p.find('/', 1) == std::string::npos) {
      const std::string name = p.substr(1);
      const std::string at = where(name);
      const bool known_bad = refused(name) || std::any_of(ds_.begin(), ds_.end(), [&](const Diagnostic& x) {
                               return x.severity == Severity::error && x.where.pointer == at;
                             });
      if (known_bad && d.severity == Severity::error) continue;
      d.where.pointer = at;
    }
    d.message = spell_fields(d.message, style_);
    ds_.push_back(std::move(d));
  }
  sort();
}

void FieldReader::finish() {
  if (!style_.flags && object_.is_object()) {
    for (const auto& [key, v] : object_.items()) {
      if (std::find(read_.begin(), read_.end(), key) != read_.end()) continue;
      error(key, fmt::format("unknown field '{}'{}", key, did_you_mean_field(key, read_)));
    }
  }
  sort();
}

void FieldReader::sort() {
  auto rank = [&](const Diagnostic& d) {
    const std::string f = field_of(d);
    const auto it = std::find(read_.begin(), read_.end(), f);
    return it == read_.end() ? read_.size() : static_cast<size_t>(it - read_.begin());
  };
  std::stable_sort(ds_.begin(), ds_.end(), [&](const Diagnostic& a, const Diagnostic& b) { return rank(a) < rank(b); });
}

}  // namespace xpu
