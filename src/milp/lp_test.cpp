#include <gtest/gtest.h>

#include <cmath>

#include "base/parallel.h"
#include "milp/solve.h"

namespace xpu {

void PrintTo(LpStatus s, std::ostream* os) { *os << to_string(s); }

namespace {

// Supply at two sites meets a demand of 10 at least cost:
//   min 2x + 3y   s.t.  demand: x + y >= 10,  site_x: x <= 6,  y in [0, 8].
// By hand: x = 6, y = 4, cost 24. One more unit of demand comes from y (+3);
// one more unit at site x replaces a unit of y (-1); y's bound does not bind.
MilpModel supply_model() {
  MilpModel m;
  const int x = m.add_var({.name = "x", .objective = 2});
  const int y = m.add_var({.name = "y", .upper = 8, .objective = 3});
  m.add_row(row_ge("demand", {{x, 1}, {y, 1}}, 10));
  m.add_row(row_le("site_x", {{x, 1}}, 6));
  return m;
}

TEST(SolveLp, DualsOfASmallMinimizationByHand) {
  const LpResult r = solve_lp(supply_model());
  ASSERT_EQ(r.status, LpStatus::optimal) << r.message;
  EXPECT_NEAR(r.objective, 24, 1e-9);
  EXPECT_NEAR(r.values[0], 6, 1e-9);
  EXPECT_NEAR(r.values[1], 4, 1e-9);
  EXPECT_NEAR(r.row_activity[0], 10, 1e-9);
  EXPECT_NEAR(r.row_duals[0], 3, 1e-9);
  EXPECT_NEAR(r.row_duals[1], -1, 1e-9);  // "one more unit at site x saves $1"
  EXPECT_NEAR(r.reduced_costs[0], 0, 1e-9);
  EXPECT_NEAR(r.reduced_costs[1], 0, 1e-9);
}

TEST(SolveLp, ReducedCostOfABindingVariableBound) {
  MilpModel m = supply_model();
  m.rows.pop_back();  // site x's capacity as a bound instead of a row
  m.vars[0].upper = 6;
  const LpResult r = solve_lp(m);
  ASSERT_EQ(r.status, LpStatus::optimal) << r.message;
  EXPECT_NEAR(r.row_duals[0], 3, 1e-9);
  EXPECT_NEAR(r.reduced_costs[0], -1, 1e-9);  // 2 - 3 * 1
  EXPECT_NEAR(r.reduced_costs[1], 0, 1e-9);
}

// Reddy Mikks (Taha, Operations Research, ch. 2): max 5a + 4b,
// m1: 6a + 4b <= 24, m2: a + 2b <= 6, demand: b - a <= 1, b <= 2.
// Optimum a = 3, b = 1.5, z = 21; duals 0.75 and 0.5, the others 0.
MilpModel reddy_mikks() {
  MilpModel m{.sense = Sense::maximize};
  const int a = m.add_var({.name = "a", .objective = 5});
  const int b = m.add_var({.name = "b", .objective = 4});
  m.add_row(row_le("m1", {{a, 6}, {b, 4}}, 24));
  m.add_row(row_le("m2", {{a, 1}, {b, 2}}, 6));
  m.add_row(row_le("demand", {{a, -1}, {b, 1}}, 1));
  m.add_row(row_le("b_max", {{b, 1}}, 2));
  return m;
}

TEST(SolveLp, DualsOfASmallMaximizationByHand) {
  const LpResult r = solve_lp(reddy_mikks());
  ASSERT_EQ(r.status, LpStatus::optimal) << r.message;
  EXPECT_NEAR(r.objective, 21, 1e-9);
  EXPECT_NEAR(r.values[0], 3, 1e-9);
  EXPECT_NEAR(r.values[1], 1.5, 1e-9);
  const std::vector<double> expected = {0.75, 0.5, 0, 0};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(r.row_duals[i], expected[i], 1e-9) << i;
}

// Duals predict the change of the optimum when a binding bound moves a little
// (nondegenerate optima, so the basis stays).
TEST(SolveLp, DualsMatchFiniteDifferences) {
  for (const MilpModel& base : {supply_model(), reddy_mikks()}) {
    const LpResult r = solve_lp(base);
    ASSERT_EQ(r.status, LpStatus::optimal);
    for (size_t i = 0; i < base.rows.size(); ++i) {
      MilpModel moved = base;
      const double step = 1e-3;
      if (std::isfinite(moved.rows[i].upper)) moved.rows[i].upper += step;
      if (std::isfinite(moved.rows[i].lower)) moved.rows[i].lower += step;
      const LpResult after = solve_lp(moved);
      ASSERT_EQ(after.status, LpStatus::optimal);
      EXPECT_NEAR((after.objective - r.objective) / step, r.row_duals[i], 1e-6) << base.rows[i].name;
    }
  }
}

// A facility that may open (integer) serves demand; with the integer fixed at
// the MILP's choice the LP gives the shadow price of the served demand.
TEST(SolveLp, FixingIntegersGivesTheDualsOfAMilpSolution) {
  MilpModel m;
  const int open = m.add_var({.name = "open", .upper = 1, .objective = 50, .integer = true});
  const int local = m.add_var({.name = "local", .objective = 1});
  const int remote = m.add_var({.name = "remote", .objective = 9});
  m.add_row(row_ge("demand", {{local, 1}, {remote, 1}}, 8));
  m.add_row(row_le("local_cap", {{local, 1}, {open, -20}}, 0));
  const MilpResult milp = solve_milp(m);
  ASSERT_EQ(milp.status, MilpStatus::optimal) << milp.message;
  EXPECT_EQ(milp.values[open], 1);  // 50 + 8 beats 72
  EXPECT_NEAR(milp.objective, 58, 1e-9);

  const LpResult fixed = solve_lp(m, {.fix_integers = milp.values});
  ASSERT_EQ(fixed.status, LpStatus::optimal) << fixed.message;
  EXPECT_NEAR(fixed.objective, milp.objective, 1e-9);
  EXPECT_NEAR(fixed.row_duals[0], 1, 1e-9);  // one more unit of demand costs 1 locally
  EXPECT_EQ(fixed.values[open], 1);

  // Continuous relaxation instead: open = 8/20, a fractional facility.
  const LpResult relaxed = solve_lp(m);
  EXPECT_NEAR(relaxed.values[open], 0.4, 1e-9);
  EXPECT_NEAR(relaxed.objective, 28, 1e-9);
}

TEST(SolveLp, FixIntegersIsValidated) {
  MilpModel m;
  m.add_var({.name = "n", .upper = 3, .integer = true});
  m.add_var({.name = "c"});
  EXPECT_EQ(solve_lp(m, {.fix_integers = {1}}).message,
            "/options/fix_integers: error: fix_integers has 1 values but the model has 2 variables");
  EXPECT_EQ(solve_lp(m, {.fix_integers = {4.2, 0}}).message,
            "/options/fix_integers/0: error: variable 0 'n': cannot fix at 4 (rounded from 4.2), outside its bounds "
            "[0, 3]");
  EXPECT_EQ(solve_lp(m, {.fix_integers = {2.6, -5}}).status, LpStatus::optimal);  // continuous entries ignored
}

TEST(SolveLp, SameModelSameResult) {
  const LpResult a = solve_lp(reddy_mikks());
  const LpResult b = solve_lp(reddy_mikks());
  EXPECT_EQ(a.values, b.values);
  EXPECT_EQ(a.row_duals, b.row_duals);
  EXPECT_EQ(a.reduced_costs, b.reduced_costs);
}

TEST(SolveLp, ConcurrentCallsGiveSequentialResults) {
  std::vector<MilpModel> models;
  for (int k = 0; k < 8; ++k) {
    MilpModel m = k % 2 ? reddy_mikks() : supply_model();
    m.rows[0].upper += k;  // each a little different
    m.rows[0].lower -= k;
    models.push_back(std::move(m));
  }
  std::vector<LpResult> sequential, concurrent(models.size());
  for (const MilpModel& m : models) sequential.push_back(solve_lp(m));
  parallel_for(
      models.size(), [&](size_t i) { concurrent[i] = solve_lp(models[i]); }, ThreadBudget(4));
  for (size_t i = 0; i < models.size(); ++i) {
    EXPECT_EQ(concurrent[i].values, sequential[i].values) << i;
    EXPECT_EQ(concurrent[i].row_duals, sequential[i].row_duals) << i;
  }
}

}  // namespace
}  // namespace xpu
