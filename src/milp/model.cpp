#include "milp/model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "base/check.h"

namespace xpu {

int MilpModel::add_var(Variable v) {
  vars.push_back(std::move(v));
  return static_cast<int>(vars.size()) - 1;
}

int MilpModel::add_row(Constraint c) {
  rows.push_back(std::move(c));
  return static_cast<int>(rows.size()) - 1;
}

Constraint row_le(std::string name, std::vector<std::pair<int, double>> terms, double rhs) {
  return {.name = std::move(name), .terms = std::move(terms), .lower = -kInfinity, .upper = rhs};
}

Constraint row_ge(std::string name, std::vector<std::pair<int, double>> terms, double rhs) {
  return {.name = std::move(name), .terms = std::move(terms), .lower = rhs, .upper = kInfinity};
}

Constraint row_eq(std::string name, std::vector<std::pair<int, double>> terms, double rhs) {
  return {.name = std::move(name), .terms = std::move(terms), .lower = rhs, .upper = rhs};
}

Constraint row_range(std::string name, std::vector<std::pair<int, double>> terms, double lower, double upper) {
  return {.name = std::move(name), .terms = std::move(terms), .lower = lower, .upper = upper};
}

namespace {

std::string label(std::string_view kind, size_t index, const std::string& name) {
  if (name.empty()) return fmt::format("{} {}", kind, index);
  return fmt::format("{} {} '{}'", kind, index, name);
}

// Bound problems shared by variables and rows. `kind` is "variable" or "row",
// `path` "/vars" or "/rows"; messages are only formatted for a problem, so
// validating a large valid model costs one pass over its numbers.
void check_bounds(double lower, double upper, std::string_view kind, std::string_view path, size_t index,
                  const std::string& name, Diagnostics& out) {
  auto add = [&](std::string_view field, std::string message) {
    out.push_back(error_at({.pointer = fmt::format("{}/{}{}", path, index, field)},
                           fmt::format("{}: {}", label(kind, index, name), message)));
  };
  if (std::isnan(lower)) add("/lower", "lower bound is NaN");
  if (std::isnan(upper)) add("/upper", "upper bound is NaN");
  if (lower == kInfinity) add("/lower", "lower bound is +infinity");
  if (upper == -kInfinity) add("/upper", "upper bound is -infinity");
  if (lower > upper) add("", fmt::format("lower bound {} is above upper bound {}", lower, upper));
}

}  // namespace

Diagnostics validate(const MilpModel& model) {
  Diagnostics out;
  if (!std::isfinite(model.objective_offset)) {
    out.push_back(error_at({.pointer = "/objective_offset"},
                           fmt::format("objective offset must be finite, got {}", model.objective_offset)));
  }
  const size_t n = model.vars.size();
  for (size_t j = 0; j < n; ++j) {
    const Variable& v = model.vars[j];
    check_bounds(v.lower, v.upper, "variable", "/vars", j, v.name, out);
    if (!std::isfinite(v.objective)) {
      out.push_back(error_at(
          {.pointer = fmt::format("/vars/{}/objective", j)},
          fmt::format("{}: objective coefficient must be finite, got {}", label("variable", j, v.name), v.objective)));
    } else if (std::abs(v.objective) > kMaxCoefficient) {
      out.push_back(error_at({.pointer = fmt::format("/vars/{}/objective", j)},
                             fmt::format("{}: numbers out of range: objective coefficient {:g} is beyond {:g}",
                                         label("variable", j, v.name), v.objective, kMaxCoefficient)));
    }
  }
  std::vector<size_t> last_row_seen(n, SIZE_MAX);  // repeated variables, without a set per row
  for (size_t i = 0; i < model.rows.size(); ++i) {
    const Constraint& r = model.rows[i];
    check_bounds(r.lower, r.upper, "row", "/rows", i, r.name, out);
    for (size_t k = 0; k < r.terms.size(); ++k) {
      const auto [j, a] = r.terms[k];
      auto add = [&](Diagnostic (*make)(SourceLocation, std::string), std::string message) {
        out.push_back(make({.pointer = fmt::format("/rows/{}/terms/{}", i, k)},
                           fmt::format("{}: {}", label("row", i, r.name), message)));
      };
      if (j < 0 || static_cast<size_t>(j) >= n) {
        add(error_at,
            fmt::format("term {} refers to variable {}, but the model has {} variable{}", k, j, n, n == 1 ? "" : "s"));
        continue;
      }
      if (!std::isfinite(a)) {
        add(error_at,
            fmt::format("coefficient of {} must be finite, got {}", label("variable", j, model.vars[j].name), a));
      } else if (std::abs(a) > kMaxCoefficient) {
        add(error_at, fmt::format("numbers out of range: coefficient {:g} of {} is beyond {:g}", a,
                                  label("variable", j, model.vars[j].name), kMaxCoefficient));
      }
      if (last_row_seen[j] == i) {
        add(warning_at,
            fmt::format("{} appears more than once; coefficients are added", label("variable", j, model.vars[j].name)));
      }
      last_row_seen[j] = i;
    }
  }
  return out;
}

double evaluate_objective(const MilpModel& model, std::span<const double> values) {
  XPU_CHECK(values.size() == model.vars.size());
  double sum = model.objective_offset;
  for (size_t j = 0; j < values.size(); ++j) sum += model.vars[j].objective * values[j];
  return sum;
}

namespace {

// Calls report(kind, index, value, bound, is_upper) for every bound, range or
// integrality requirement `values` misses, with the absolute miss.
template <class Report>
void for_each_violation(const MilpModel& model, std::span<const double> values, Report&& report) {
  XPU_CHECK(values.size() == model.vars.size());
  for (size_t j = 0; j < values.size(); ++j) {
    const Variable& v = model.vars[j];
    const double x = values[j];
    if (x < v.lower) report('v', j, x, v.lower, false, v.lower - x);
    if (x > v.upper) report('v', j, x, v.upper, true, x - v.upper);
    if (v.integer) {
      const double miss = std::abs(x - std::round(x));
      if (miss > 0) report('i', j, x, std::round(x), false, miss);
    }
  }
  for (size_t i = 0; i < model.rows.size(); ++i) {
    const Constraint& r = model.rows[i];
    double activity = 0;
    for (const auto& [j, a] : r.terms) activity += a * values[j];
    if (activity < r.lower) report('r', i, activity, r.lower, false, r.lower - activity);
    if (activity > r.upper) report('r', i, activity, r.upper, true, activity - r.upper);
  }
}

}  // namespace

double max_violation(const MilpModel& model, std::span<const double> values) {
  double worst = 0;
  for_each_violation(model, values,
                     [&](char, size_t, double, double, bool, double miss) { worst = std::max(worst, miss); });
  return worst;
}

std::vector<std::string> violations(const MilpModel& model, std::span<const double> values, double tolerance,
                                    size_t limit) {
  std::vector<std::string> out;
  for_each_violation(model, values, [&](char kind, size_t index, double value, double bound, bool upper, double miss) {
    // Integrality is absolute; bounds and ranges are relative to their size.
    const double allowed = kind == 'i' ? tolerance : tolerance * std::max(1.0, std::abs(bound));
    if (miss <= allowed || out.size() >= limit) return;
    if (kind == 'i') {
      out.push_back(
          fmt::format("{}: value {} is not integer", label("variable", index, model.vars[index].name), value));
    } else if (kind == 'v') {
      out.push_back(fmt::format("{}: value {} {} bound {}", label("variable", index, model.vars[index].name), value,
                                upper ? "above upper" : "below lower", bound));
    } else {
      out.push_back(fmt::format("{}: activity {} {} bound {}", label("row", index, model.rows[index].name), value,
                                upper ? "above upper" : "below lower", bound));
    }
  });
  return out;
}

}  // namespace xpu
