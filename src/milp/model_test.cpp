#include "milp/model.h"

#include <gtest/gtest.h>
#include <CoinLpIO.hpp>

#include <cmath>
#include <cstdio>
#include <sstream>

#include "milp/solve.h"

namespace xpu {
namespace {

MilpModel small_model() {
  MilpModel m{.sense = Sense::maximize};
  const int x = m.add_var({.name = "x", .lower = 0, .upper = 4, .objective = 3, .integer = true});
  const int y = m.add_var({.name = "y", .objective = 2});
  m.add_row(row_le("cap", {{x, 1}, {y, 1}}, 5));
  m.add_row(row_range("mix", {{x, 1}, {y, -1}}, -2, 2));
  return m;
}

TEST(MilpModel, AddReturnsIndicesAndTheModelIsAValue) {
  MilpModel m = small_model();
  EXPECT_EQ(m.vars.size(), 2u);
  EXPECT_EQ(m.add_var({.name = "z"}), 2);
  EXPECT_EQ(m.add_row(row_eq("fix", {{2, 1}}, 1)), 2);
  MilpModel copy = m;
  EXPECT_EQ(copy, m);
  copy.rows[2].upper = 2;
  EXPECT_NE(copy, m);
  EXPECT_EQ(m.rows[2].lower, 1);
  EXPECT_EQ(m.rows[2].upper, 1);
  EXPECT_EQ(row_ge("g", {}, 3).upper, kInfinity);
  EXPECT_EQ(row_le("l", {}, 3).lower, -kInfinity);
}

TEST(MilpModel, DefaultsAreANonNegativeContinuousVariableAndAFreeRow) {
  const Variable v;
  EXPECT_EQ(v.lower, 0);
  EXPECT_EQ(v.upper, kInfinity);
  EXPECT_FALSE(v.integer);
  const Constraint c;
  EXPECT_EQ(c.lower, -kInfinity);
  EXPECT_EQ(c.upper, kInfinity);
}

TEST(MilpValidate, AValidModelHasNoDiagnostics) { EXPECT_TRUE(validate(small_model()).empty()); }

TEST(MilpValidate, ReportsEveryProblemWithItsLocation) {
  MilpModel m;
  m.add_var({.name = "a", .lower = 3, .upper = 1});
  m.add_var({.name = "b", .lower = kNaN, .objective = kInfinity});
  m.add_var({.lower = kInfinity});
  m.add_row({.name = "r", .terms = {{0, 1}, {7, 2}, {1, kNaN}, {-1, 1}}, .upper = -kInfinity});
  m.add_row(row_le("dup", {{0, 1}, {0, 2}}, 1));
  m.objective_offset = kNaN;
  EXPECT_EQ(format_diagnostics(validate(m)),
            "/objective_offset: error: objective offset must be finite, got nan\n"
            "/vars/0: error: variable 0 'a': lower bound 3 is above upper bound 1\n"
            "/vars/1/lower: error: variable 1 'b': lower bound is NaN\n"
            "/vars/1/objective: error: variable 1 'b': objective coefficient must be finite, got inf\n"
            "/vars/2/lower: error: variable 2: lower bound is +infinity\n"
            "/rows/0/upper: error: row 0 'r': upper bound is -infinity\n"
            "/rows/0/terms/1: error: row 0 'r': term 1 refers to variable 7, but the model has 3 variables\n"
            "/rows/0/terms/2: error: row 0 'r': coefficient of variable 1 'b' must be finite, got nan\n"
            "/rows/0/terms/3: error: row 0 'r': term 3 refers to variable -1, but the model has 3 variables\n"
            "/rows/1/terms/1: warning: row 1 'dup': variable 0 'a' appears more than once; coefficients are added\n");
}

// Clp asserts (aborts) on objective entries near 1e25; such numbers (a price
// of 1e300 $/chip/h) are refused before the solver is called (issue 12).
TEST(MilpValidate, RefusesCoefficientsOutOfRange) {
  MilpModel m;
  m.add_var({.name = "a", .objective = 1e300});
  m.add_var({.name = "b", .objective = kMaxCoefficient});
  m.add_row(row_le("r", {{0, 1}, {1, -1e20}}, 1));
  EXPECT_EQ(format_diagnostics(validate(m)),
            "/vars/0/objective: error: variable 0 'a': numbers out of range: objective coefficient 1e+300 is "
            "beyond 1e+15\n"
            "/rows/0/terms/1: error: row 0 'r': numbers out of range: coefficient -1e+20 of variable 1 'b' is "
            "beyond 1e+15\n");
  const MilpResult r = solve_milp(m);
  EXPECT_EQ(r.status, MilpStatus::error);
}

TEST(MilpModel, ObjectiveAndViolations) {
  const MilpModel m = small_model();
  const std::vector<double> ok = {2, 3};
  EXPECT_DOUBLE_EQ(evaluate_objective(m, ok), 12);
  EXPECT_EQ(max_violation(m, ok), 0);
  EXPECT_TRUE(violations(m, ok).empty());

  const std::vector<double> bad = {4.5, 1};  // above x's bound, fractional, mix = 3.5 > 2, cap = 5.5 > 5
  EXPECT_DOUBLE_EQ(max_violation(m, bad), 1.5);
  EXPECT_EQ(violations(m, bad), (std::vector<std::string>{
                                    "variable 0 'x': value 4.5 above upper bound 4",
                                    "variable 0 'x': value 4.5 is not integer",
                                    "row 0 'cap': activity 5.5 above upper bound 5",
                                    "row 1 'mix': activity 3.5 above upper bound 2",
                                }));
  EXPECT_EQ(violations(m, bad, 1e-6, 2).size(), 2u);
  // Relative tolerance for bounds: 1e-7 over a bound of 5 passes at 1e-6.
  EXPECT_TRUE(violations(m, std::vector<double>{2, 3 + 1e-7}).empty());
}

TEST(MilpLpText, WritesSectionsRangesBoundsAndIntegers) {
  MilpModel m = small_model();
  m.objective_offset = -7.5;
  m.add_var({.name = "free var", .lower = -kInfinity, .objective = -1});
  m.add_var({.name = "", .lower = 1, .upper = 1});
  m.add_row(row_eq("2nd[a,b]", {{2, -1}, {3, 0.25}}, 0));
  m.add_row({.name = "loose", .terms = {{0, 1}}});
  EXPECT_EQ(to_lp_text(m),
            "Maximize\n"
            " obj: 3 x + 2 y - free_var - 7.5\n"
            "Subject To\n"
            " cap: x + y <= 5\n"
            " mix: x - y <= 2\n"
            " mix_low: x - y >= -2\n"
            " _2nd(a_b): - free_var + 0.25 x3 = 0\n"
            "\\ loose: free row with 1 terms\n"
            "Bounds\n"
            " 0 <= x <= 4\n"
            " free_var free\n"
            " x3 = 1\n"
            "Generals\n"
            " x\n"
            "End\n");
  std::ostringstream os;
  os << m;
  EXPECT_EQ(os.str(), to_lp_text(m));
}

TEST(MilpLpText, NamesStayUniqueAfterCleaning) {
  MilpModel m;
  m.add_var({.name = "a-b"});
  m.add_var({.name = "a_b"});
  m.add_var({.name = "end"});
  m.add_row(row_range("a_b", {{0, 1}, {1, 1}, {2, 1}}, 1, 2));
  EXPECT_EQ(to_lp_text(m),
            "Minimize\n"
            " obj: 0\n"
            "Subject To\n"
            " a_b~2: a_b + a_b~1 + _end <= 2\n"
            " a_b~2_low: a_b + a_b~1 + _end >= 1\n"
            "Bounds\n"
            "End\n");
}

// Reads LP text back with CBC's own reader and compares every number.
TEST(MilpLpText, ReadsBackIntoCoinLpIO) {
  MilpModel m = small_model();
  m.objective_offset = 4;
  m.add_var({.name = "neg", .lower = -3, .upper = 2.5, .objective = 0.1});
  m.add_row(row_ge("g", {{2, 1e-3}, {0, -1}}, -1e6));
  const std::string text = to_lp_text(m);

  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  std::fputs(text.c_str(), f);
  std::rewind(f);
  CoinLpIO reader;
  reader.messageHandler()->setLogLevel(0);
  reader.readLp(f);  // takes the file and closes it

  ASSERT_EQ(reader.getNumCols(), 3);
  ASSERT_EQ(reader.getNumRows(), 4);  // the ranged row is two rows
  // CoinLpIO keeps a maximization as the minimization of its negation, and
  // the constant in Osi's convention (objective = c x - offset).
  for (int j = 0; j < 3; ++j) {
    SCOPED_TRACE(j);
    EXPECT_EQ(reader.getObjCoefficients()[j], -m.vars[j].objective);
    EXPECT_EQ(reader.getColLower()[j], m.vars[j].lower);
    EXPECT_EQ(reader.getColUpper()[j] >= 1e30 ? kInfinity : reader.getColUpper()[j], m.vars[j].upper);
    EXPECT_EQ(reader.isInteger(j), m.vars[j].integer);
  }
  EXPECT_EQ(reader.objectiveOffset(), 4);
  const CoinPackedMatrix* a = reader.getMatrixByRow();
  EXPECT_EQ(a->getCoefficient(3, 2), 1e-3);
  EXPECT_EQ(a->getCoefficient(3, 0), -1);
  EXPECT_EQ(reader.getRowLower()[3], -1e6);
  EXPECT_EQ(reader.getRowUpper()[1], 2);
  EXPECT_EQ(reader.getRowLower()[2], -2);
}

}  // namespace
}  // namespace xpu
