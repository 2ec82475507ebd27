// CPLEX LP text for a MilpModel. The alphabet and the ranged-row convention
// follow COIN-OR's CoinLpIO reader (CoinLpIO.hpp, is_invalid_name), so the
// text reads back into CBC unchanged; CPLEX and HiGHS accept it too.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ostream>
#include <string_view>
#include <unordered_set>

#include "milp/model.h"

namespace xpu {
namespace {

bool lp_char(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("\"!#$%&().;?@_'`{}~").find(c) != std::string_view::npos;
}

bool is_keyword(std::string_view s) {
  static constexpr std::string_view kKeywords[] = {
      "min",     "max",      "minimize", "maximize", "minimum", "maximum",  "st",      "s.t.",
      "subject", "to",       "bound",    "bounds",   "integer", "integers", "general", "generals",
      "binary",  "binaries", "semi",     "semis",    "end",     "free",     "inf",     "infinity"};
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(std::begin(kKeywords), std::end(kKeywords), lower) != std::end(kKeywords);
}

// A valid LP name for `name`, or `fallback` when it is empty. CoinLpIO allows
// 100 characters; 90 leaves room for "_low" and a uniqueness suffix.
std::string sanitize(const std::string& name, const std::string& fallback) {
  std::string s = name.empty() ? fallback : name.substr(0, 90);
  for (char& c : s) {
    if (c == '[')
      c = '(';
    else if (c == ']')
      c = ')';
    else if (!lp_char(c))
      c = '_';
  }
  // Prefixing by concatenation, not insert(): GCC 12 flags insert(0, ...) with a bogus -Wrestrict.
  if (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.' || is_keyword(s)) return "_" + s;
  return s;
}

// Unique valid names for a list, claiming them in `taken` (shared by rows and
// columns so no row is mistaken for a column). Ranged rows also claim name_low.
std::vector<std::string> unique_names(const std::vector<std::string>& names, char prefix,
                                      const std::vector<bool>& ranged, std::unordered_set<std::string>& taken) {
  std::vector<std::string> out;
  out.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string base = sanitize(names[i], fmt::format("{}{}", prefix, i));
    std::string candidate = base;
    const bool needs_low = !ranged.empty() && ranged[i];
    for (int k = 1; taken.contains(candidate) || (needs_low && taken.contains(candidate + "_low")); ++k) {
      candidate = fmt::format("{}~{}", base, k);
    }
    taken.insert(candidate);
    if (needs_low) taken.insert(candidate + "_low");
    out.push_back(std::move(candidate));
  }
  return out;
}

// Shortest text that reads back as the same double.
std::string num(double v) {
  if (v == kInfinity) return "inf";
  if (v == -kInfinity) return "-inf";
  return fmt::format("{}", v);
}

// " + 3 x - 2 y", wrapped so no line runs past ~100 characters.
void append_terms(std::string& out, const std::vector<std::pair<int, double>>& terms,
                  const std::vector<std::string>& col) {
  size_t line_start = out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1;
  bool first = true;
  for (const auto& [j, a] : terms) {
    if (out.size() - line_start > 100) {
      out += "\n   ";
      line_start = out.size() - 3;
    }
    if (!first || a < 0) out += a < 0 ? " -" : " +";
    const double mag = std::abs(a);
    out += mag == 1.0 ? fmt::format(" {}", col[j]) : fmt::format(" {} {}", num(mag), col[j]);
    first = false;
  }
  if (first) out += " 0";  // an empty expression
}

}  // namespace

std::string to_lp_text(const MilpModel& model) {
  std::unordered_set<std::string> taken{"obj"};
  std::vector<std::string> var_names, row_names;
  std::vector<bool> ranged;
  for (const Variable& v : model.vars) var_names.push_back(v.name);
  for (const Constraint& r : model.rows) {
    row_names.push_back(r.name);
    ranged.push_back(std::isfinite(r.lower) && std::isfinite(r.upper) && r.lower != r.upper);
  }
  const std::vector<std::string> col = unique_names(var_names, 'x', {}, taken);
  const std::vector<std::string> row = unique_names(row_names, 'r', ranged, taken);

  std::string out = model.sense == Sense::minimize ? "Minimize\n obj:" : "Maximize\n obj:";
  std::vector<std::pair<int, double>> objective;
  for (size_t j = 0; j < model.vars.size(); ++j) {
    if (model.vars[j].objective != 0) objective.emplace_back(static_cast<int>(j), model.vars[j].objective);
  }
  append_terms(out, objective, col);
  // CoinLpIO takes the constant as the objective's last term.
  if (model.objective_offset != 0) {
    out += fmt::format(" {} {}", model.objective_offset < 0 ? "-" : "+", num(std::abs(model.objective_offset)));
  }
  out += "\nSubject To\n";
  for (size_t i = 0; i < model.rows.size(); ++i) {
    const Constraint& r = model.rows[i];
    auto write = [&](const std::string& name, const char* op, double rhs) {
      out += fmt::format(" {}:", name);
      append_terms(out, r.terms, col);
      out += fmt::format(" {} {}\n", op, num(rhs));
    };
    if (r.lower == r.upper) {
      write(row[i], "=", r.upper);
    } else if (ranged[i]) {
      write(row[i], "<=", r.upper);
      write(row[i] + "_low", ">=", r.lower);
    } else if (std::isfinite(r.upper)) {
      write(row[i], "<=", r.upper);
    } else if (std::isfinite(r.lower)) {
      write(row[i], ">=", r.lower);
    } else {
      out += fmt::format("\\ {}: free row with {} terms\n", row[i], r.terms.size());
    }
  }
  out += "Bounds\n";
  for (size_t j = 0; j < model.vars.size(); ++j) {
    const Variable& v = model.vars[j];
    if (v.lower == 0 && v.upper == kInfinity) continue;  // the LP default
    if (v.lower == -kInfinity && v.upper == kInfinity) {
      out += fmt::format(" {} free\n", col[j]);
    } else if (v.lower == v.upper) {
      out += fmt::format(" {} = {}\n", col[j], num(v.lower));
    } else {
      out += fmt::format(" {} <= {} <= {}\n", num(v.lower), col[j], num(v.upper));
    }
  }
  bool any_integer = false;
  for (size_t j = 0; j < model.vars.size(); ++j) {
    if (!model.vars[j].integer) continue;
    if (!any_integer) out += "Generals\n";
    any_integer = true;
    out += fmt::format(" {}\n", col[j]);
  }
  out += "End\n";
  return out;
}

std::ostream& operator<<(std::ostream& os, const MilpModel& model) { return os << to_lp_text(model); }

}  // namespace xpu
