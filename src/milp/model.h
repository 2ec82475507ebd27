// A mixed-integer linear program as a plain value (HiGHS's "model as a value").
//
//   minimize or maximize   sum_j objective_j x_j + objective_offset
//   subject to             row.lower <= sum_(j,a) in row.terms a x_j <= row.upper   for each row
//                          var.lower <= x_j <= var.upper,  x_j integer where var.integer
//
// Bounds may be +-infinity (std::numeric_limits<double>::infinity()); an
// equality row has lower == upper. Variables and rows are addressed by their
// index in `vars` / `rows`; names are for people (messages, LP text) and need
// not be unique. Nothing here knows about the solver; see solve.h.
#pragma once

#include <iosfwd>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/diagnostics.h"

namespace xpu {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class Sense : unsigned char { minimize, maximize };

struct Variable {
  std::string name;
  double lower = 0.0;
  double upper = kInfinity;
  double objective = 0.0;  // coefficient in the objective
  bool integer = false;

  friend bool operator==(const Variable&, const Variable&) = default;
};

// A linear row with a range: lower <= sum a_j x_j <= upper. A variable that
// appears twice in `terms` counts with the sum of its coefficients.
struct Constraint {
  std::string name;
  std::vector<std::pair<int, double>> terms;  // (variable index, coefficient)
  double lower = -kInfinity;
  double upper = kInfinity;

  friend bool operator==(const Constraint&, const Constraint&) = default;
};

struct MilpModel {
  Sense sense = Sense::minimize;
  std::vector<Variable> vars;
  std::vector<Constraint> rows;
  double objective_offset = 0.0;  // constant added to the objective (fixed costs)

  // Append and return the new index.
  int add_var(Variable v);
  int add_row(Constraint c);

  friend bool operator==(const MilpModel&, const MilpModel&) = default;
};

// Row builders: sum terms <= rhs, >= rhs, == rhs, and lower <= sum terms <= upper.
Constraint row_le(std::string name, std::vector<std::pair<int, double>> terms, double rhs);
Constraint row_ge(std::string name, std::vector<std::pair<int, double>> terms, double rhs);
Constraint row_eq(std::string name, std::vector<std::pair<int, double>> terms, double rhs);
Constraint row_range(std::string name, std::vector<std::pair<int, double>> terms, double lower, double upper);

// The largest objective or matrix coefficient a model may hold: Clp asserts
// (aborts) on objective entries near 1e25 after scaling, so anything past
// this is refused as "numbers out of range" before the solver sees it.
inline constexpr double kMaxCoefficient = 1e15;

// Everything wrong with the model, in one pass: NaN, infinite or out-of-range coefficients,
// NaN bounds, lower > upper, a lower bound of +inf or upper of -inf, term
// indices out of range (errors); a variable repeated within a row (warning).
// Locations are JSON pointers: "/vars/3", "/rows/5/terms/2". Empty = valid.
Diagnostics validate(const MilpModel& model);

// sum objective_j x_j + objective_offset. Requires values.size() == vars.size().
double evaluate_objective(const MilpModel& model, std::span<const double> values);

// The largest violation of a variable bound, a row range or integrality by
// `values` (absolute, in the model's units; 0 = satisfied exactly). Requires
// values.size() == vars.size(). Integrality is |x - round(x)|.
double max_violation(const MilpModel& model, std::span<const double> values);

// Human-readable list of what `values` violates by more than `tolerance`
// (absolute, scaled by max(1, |bound|) for bounds and row ranges), at most
// `limit` entries: "row 'cap_a': activity 12.5 above upper bound 10".
std::vector<std::string> violations(const MilpModel& model, std::span<const double> values, double tolerance = 1e-6,
                                    size_t limit = 20);

// The model in CPLEX LP format, for debugging and for feeding other solvers.
// Names are made valid and unique (characters outside the LP alphabet become
// '_', '[' ']' become '(' ')', empty names become x<j> / r<i>); a ranged row
// is written as two rows, `name` (<= upper) and `name_low` (>= lower); a row
// with no finite bound becomes a comment. Output is deterministic.
std::string to_lp_text(const MilpModel& model);

// Writes to_lp_text(model), so models print in test failures.
std::ostream& operator<<(std::ostream& os, const MilpModel& model);

}  // namespace xpu
