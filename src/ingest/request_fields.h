// Reading a request's fields through one set of parsers, from a JSON object
// (an HTTP body, a Python dict) or from command-line flags (which the CLI
// gathers into the same kind of object), so a value is validated identically
// from every shell. Field names are the CLI's flag names in snake_case.
//
// Values: a count ("15T", 2.5e12), a quantity with its unit ("40 ms"), a
// whole number, a number, a choice from a list, a boolean, or a list (a JSON
// array or comma-separated text). A JSON number stands for itself; text is
// parsed. Every problem is a Diagnostic at the field, located by its JSON
// pointer ("/tokens") or, for flags, as the CLI spells it ("--tokens"); one
// read reports every problem, in the order the fields were read.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"
#include "base/suggest.h"
#include "base/unit_text.h"

namespace xpu {

// Where a request's fields came from, for locating problems.
struct FieldStyle {
  bool flags = false;  // false: JSON pointers ("/tokens"); true: "--tokens"
  // Fields the CLI spells otherwise than "--" + the name with '-' for '_'
  // (positional arguments: {"show", "KEY"}).
  std::map<std::string, std::string> spelled;
  // Problems a shell found before reading (a server refuses a file name where
  // it wants a document's text), at top-level fields it then left out of the
  // request: a reader reports them with its own, in field order, and adds
  // nothing at those fields (no "is required" for what was refused).
  Diagnostics refused;
};

// The most threads a request may ask for: far past the cores of any machine
// xpuplan runs on, and low enough that a loop or a solver given it does not
// try to start a million threads (usertrial5: `plan --threads 1000000` and
// `compare --threads 100000` were taken as given). The message for more.
inline constexpr int kMaxThreads = 1024;
std::string too_many_threads(long long threads);

// did_you_mean for an unknown field or flag, knowing other serving tools'
// names that no edit distance reaches: vLLM's max_num_batched_tokens is
// max_num_tokens here; an OpenAI-style max_tokens is either that budget or
// output_len. `name` and `known` are spelled alike ("max_tokens" or "--max-tokens").
std::string did_you_mean_field(std::string_view name, std::span<const std::string> known);

// How field `name` is shown: "/tokens", or as the CLI spells it ("--tokens").
std::string field_location(std::string_view name, const FieldStyle& style);
// Diagnostics located at "/field" pointers (the api's) moved to `style`, and
// the fields their messages name in backticks ("`chips`") spelled its way:
// "--chips" for flags, "chips" for JSON.
Diagnostics relocate(Diagnostics ds, const FieldStyle& style);
// `message` with its backticked field names spelled for `style`.
std::string spell_fields(const std::string& message, const FieldStyle& style);

class FieldReader {
 public:
  FieldReader(const nlohmann::json& object, FieldStyle style, Diagnostics& ds);

  [[nodiscard]] bool has(std::string_view name) const;
  // How a field is shown in messages: "/tokens" or "--tokens".
  [[nodiscard]] std::string where(std::string_view name) const;
  void error(std::string_view name, const std::string& message);

  std::optional<std::string> text(std::string_view name);
  // A whole number (a JSON integer, or text such as "1024"), at most `most`:
  // one message for every number past it, whatever its size (chips: 2^24;
  // 99999999999 chips said "at most 2147483647", 20000000 "at most 16777216"; usertrial6).
  std::optional<int> integer(std::string_view name, int most = std::numeric_limits<int>::max());
  std::optional<double> number(std::string_view name);
  // A positive count: "15T", "2.5e12", "300B", 40e6, at most `max` (numbers out of range past it).
  std::optional<double> count(std::string_view name, double max = 1e18);
  // A request rate: a positive count ("20", "1.5k") or one with its unit
  // ("20 req/s", "20 requests/s", "20 rps"), in requests per second.
  std::optional<double> rate(std::string_view name, double max = 1e12);
  // A positive quantity of type Q written with its unit ("40 ms", "0.08 $/kWh"),
  // or a JSON number in SI units (0.04 for 40 ms: seconds, bytes, FLOP/s, W,
  // $), as an HTTP body or a Python call may give it. Text without a unit is
  // refused with `bare_unit` suggested when given ("'90' has no unit; write it
  // with one (e.g. '90 days')"), else the dimension's example: flags are text,
  // so the CLI always asks for the unit.
  template <class Q>
  std::optional<Q> quantity(std::string_view name, std::string_view bare_unit = {}) {
    if (const nlohmann::json* v = value(name); v != nullptr && v->is_number()) {
      const double si = v->get<double>();
      if (!std::isfinite(si) || !(si > 0)) {
        error(name, "must be a positive number in SI units, got " + v->dump());
        return std::nullopt;
      }
      return Q(si);
    }
    auto t = text(name);
    if (!t) return std::nullopt;
    auto q = parse_quantity<Q>(*t);
    if (!q) {
      double bare = 0;
      const auto [p, ec] = std::from_chars(t->data(), t->data() + t->size(), bare);
      if (!bare_unit.empty() && !t->empty() && ec == std::errc() && p == t->data() + t->size()) {
        error(name, "'" + *t + "' has no unit; write it with one (e.g. '" + *t + " " + std::string(bare_unit) + "')");
      } else if (looks_like_date(*t)) {
        // "--deadline 2027-01-01" read as 2027 with the unit "-01-01".
        error(name, "'" + *t + "' is a date; give a duration with its unit (e.g. '90 days')");
      } else {
        // The text as given, unless the message already quotes it: "unknown unit '-01-01'" alone hides the input.
        const std::string& m = q.error().message;
        error(name, t->empty() || m.find("'" + *t + "'") != std::string::npos ? m : "'" + *t + "': " + m);
      }
      return std::nullopt;
    }
    if (!std::isfinite(q->si())) {
      error(name, "must be finite, got '" + *t + "'");
      return std::nullopt;
    }
    if (!(q->si() > 0)) {
      error(name, "must be positive, got '" + *t + "'");
      return std::nullopt;
    }
    return *q;
  }
  // "2027-01" or "2027-01-31": a calendar date where a quantity was expected.
  static bool looks_like_date(std::string_view t) {
    const auto digits = [&](size_t from, size_t n) {
      return t.size() >= from + n &&
             std::all_of(t.begin() + from, t.begin() + from + n, [](char c) { return c >= '0' && c <= '9'; });
    };
    return (t.size() == 7 || t.size() == 10) && digits(0, 4) && t[4] == '-' && digits(5, 2) &&
           (t.size() == 7 || (t[7] == '-' && digits(8, 2)));
  }
  // One of `names`, turned into a value by `parse`; a near miss is suggested.
  template <class E, class Parse>
  std::optional<E> choice(std::string_view name, Parse parse, const std::vector<std::string>& names) {
    auto t = text(name);
    if (!t) return std::nullopt;
    if (std::find(names.begin(), names.end(), *t) != names.end()) {
      if (auto v = parse(*t)) return *v;
    }
    choice_error(name, *t, names);
    return std::nullopt;
  }
  // true/false (a flag given on the command line is true).
  std::optional<bool> boolean(std::string_view name);
  // A JSON array of strings, or comma-separated text.
  std::optional<std::vector<std::string>> list(std::string_view name);

  // Diagnostics located at "/field" pointers (from api checks) moved to this
  // reader's style; a field that already has a problem keeps only its own.
  void adopt(Diagnostics more);
  // JSON: each field no reader asked for is an error, with the nearest known
  // name suggested. Then every diagnostic is put in the order fields were read.
  void finish();
  [[nodiscard]] bool ok() const { return !has_errors(ds_); }

 private:
  const nlohmann::json* value(std::string_view name);
  void choice_error(std::string_view name, const std::string& got, const std::vector<std::string>& names);
  [[nodiscard]] std::string field_of(const Diagnostic& d) const;
  [[nodiscard]] bool refused(std::string_view name) const;  // a problem at `name` is in FieldStyle::refused
  void sort();                                              // diagnostics in the order their fields were read

  const nlohmann::json& object_;
  FieldStyle style_;
  Diagnostics& ds_;
  std::vector<std::string> read_;  // fields asked for, in order
};

}  // namespace xpu
