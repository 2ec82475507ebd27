#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "base/parallel.h"
#include "milp/solve.h"

namespace xpu {

void PrintTo(MilpStatus s, std::ostream* os) { *os << to_string(s); }

namespace {

// Small instances with fixed seeds; std::mt19937's output is the same on every
// platform (the distributions are not, so none are used).
struct Rng {
  std::mt19937 gen;
  explicit Rng(uint32_t seed) : gen(seed) {}
  int between(int lo, int hi) { return lo + static_cast<int>(gen() % static_cast<uint32_t>(hi - lo + 1)); }
};

struct Knapsack {
  std::vector<int> value, weight, max_copies;
  int capacity = 0;
};

Knapsack random_knapsack(uint32_t seed, int n, int max_copies) {
  Rng rng(seed);
  Knapsack k;
  int total = 0;
  for (int j = 0; j < n; ++j) {
    k.value.push_back(rng.between(5, 60));
    k.weight.push_back(rng.between(3, 40));
    k.max_copies.push_back(rng.between(1, max_copies));
    total += k.weight.back() * k.max_copies.back();
  }
  k.capacity = total / 3;
  return k;
}

MilpModel knapsack_model(const Knapsack& k) {
  MilpModel m{.sense = Sense::maximize};
  Constraint cap = row_le("capacity", {}, k.capacity);
  for (size_t j = 0; j < k.value.size(); ++j) {
    const int x = m.add_var({.name = fmt::format("take{}", j),
                             .upper = static_cast<double>(k.max_copies[j]),
                             .objective = static_cast<double>(k.value[j]),
                             .integer = true});
    cap.terms.emplace_back(x, k.weight[j]);
  }
  m.add_row(std::move(cap));
  return m;
}

// Best value over every combination of copies (odometer enumeration).
int brute_force_knapsack(const Knapsack& k) {
  const size_t n = k.value.size();
  std::vector<int> take(n, 0);
  int best = 0;
  while (true) {
    int w = 0, v = 0;
    for (size_t j = 0; j < n; ++j) {
      w += take[j] * k.weight[j];
      v += take[j] * k.value[j];
    }
    if (w <= k.capacity) best = std::max(best, v);
    size_t j = 0;
    while (j < n && take[j] == k.max_copies[j]) take[j++] = 0;
    if (j == n) return best;
    ++take[j];
  }
}

// Generalized assignment: each task to exactly one agent, agents have a
// capacity in task sizes; minimize cost. Its LP relaxation is fractional.
struct Assignment {
  int agents = 0, tasks = 0;
  std::vector<std::vector<int>> cost, size;  // [agent][task]
  std::vector<int> capacity;
};

Assignment random_assignment(uint32_t seed, int agents, int tasks) {
  Rng rng(seed);
  Assignment a{.agents = agents, .tasks = tasks};
  a.cost.assign(agents, std::vector<int>(tasks));
  a.size.assign(agents, std::vector<int>(tasks));
  for (int i = 0; i < agents; ++i) {
    int total = 0;
    for (int t = 0; t < tasks; ++t) {
      a.cost[i][t] = rng.between(10, 50);
      a.size[i][t] = rng.between(5, 25);
      total += a.size[i][t];
    }
    a.capacity.push_back(total * 6 / (10 * agents) + 10);
  }
  return a;
}

MilpModel assignment_model(const Assignment& a) {
  MilpModel m;
  std::vector<std::vector<int>> x(a.agents, std::vector<int>(a.tasks));
  for (int i = 0; i < a.agents; ++i) {
    for (int t = 0; t < a.tasks; ++t) {
      x[i][t] = m.add_var({.name = fmt::format("x{}_{}", i, t),
                           .upper = 1,
                           .objective = static_cast<double>(a.cost[i][t]),
                           .integer = true});
    }
  }
  for (int t = 0; t < a.tasks; ++t) {
    Constraint once = row_eq(fmt::format("task{}", t), {}, 1);
    for (int i = 0; i < a.agents; ++i) once.terms.emplace_back(x[i][t], 1);
    m.add_row(std::move(once));
  }
  for (int i = 0; i < a.agents; ++i) {
    Constraint cap = row_le(fmt::format("agent{}", i), {}, a.capacity[i]);
    for (int t = 0; t < a.tasks; ++t) cap.terms.emplace_back(x[i][t], a.size[i][t]);
    m.add_row(std::move(cap));
  }
  return m;
}

// Cheapest feasible assignment over all agents^tasks choices; -1 if none.
int brute_force_assignment(const Assignment& a) {
  std::vector<int> who(a.tasks, 0);
  int best = -1;
  while (true) {
    std::vector<int> load(a.agents, 0);
    int cost = 0;
    for (int t = 0; t < a.tasks; ++t) {
      load[who[t]] += a.size[who[t]][t];
      cost += a.cost[who[t]][t];
    }
    bool fits = true;
    for (int i = 0; i < a.agents; ++i) fits = fits && load[i] <= a.capacity[i];
    if (fits && (best < 0 || cost < best)) best = cost;
    int t = 0;
    while (t < a.tasks && who[t] == a.agents - 1) who[t++] = 0;
    if (t == a.tasks) return best;
    ++who[t];
  }
}

// Market split (Cornuejols & Dawande 1999): sum_j a_ij x_j + s+_i - s-_i = b_i,
// minimize the slack. Tiny but notoriously hard for branch and bound, and the
// slacks make any 0/1 point feasible, so a solution always exists.
MilpModel market_split(uint32_t seed, int rows, int cols) {
  Rng rng(seed);
  MilpModel m;
  for (int j = 0; j < cols; ++j) m.add_var({.name = fmt::format("x{}", j), .upper = 1, .integer = true});
  for (int i = 0; i < rows; ++i) {
    Constraint r = row_eq(fmt::format("split{}", i), {}, 0);
    int total = 0;
    for (int j = 0; j < cols; ++j) {
      const int a = rng.between(0, 99);
      r.terms.emplace_back(j, a);
      total += a;
    }
    r.lower = r.upper = total / 2;
    r.terms.emplace_back(m.add_var({.name = fmt::format("over{}", i), .objective = 1}), -1);
    r.terms.emplace_back(m.add_var({.name = fmt::format("under{}", i), .objective = 1}), 1);
    m.add_row(std::move(r));
  }
  return m;
}

// Multi-dimensional 0/1 knapsack, a few tight rows: takes CBC some nodes.
MilpModel multi_knapsack(uint32_t seed, int rows, int cols) {
  Rng rng(seed);
  MilpModel m{.sense = Sense::maximize};
  for (int j = 0; j < cols; ++j) {
    m.add_var({.name = fmt::format("x{}", j), .upper = 1, .objective = double(rng.between(10, 99)), .integer = true});
  }
  for (int i = 0; i < rows; ++i) {
    Constraint r = row_le(fmt::format("dim{}", i), {}, 0);
    double total = 0;
    for (int j = 0; j < cols; ++j) {
      r.terms.emplace_back(j, rng.between(10, 99));
      total += r.terms.back().second;
    }
    r.upper = std::floor(total / 4);
    m.add_row(std::move(r));
  }
  return m;
}

void expect_feasible(const MilpModel& m, const MilpResult& r) {
  ASSERT_EQ(r.values.size(), m.vars.size());
  EXPECT_EQ(violations(m, r.values), std::vector<std::string>{});
  EXPECT_DOUBLE_EQ(r.objective, evaluate_objective(m, r.values));
}

TEST(SolveMilp, KnapsackMatchesBruteForce) {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE(seed);
    const Knapsack k = random_knapsack(seed, seed % 2 ? 14 : 8, seed % 2 ? 1 : 3);
    const MilpModel m = knapsack_model(k);
    const MilpResult r = solve_milp(m);
    ASSERT_EQ(r.status, MilpStatus::optimal) << r.message;
    EXPECT_EQ(r.objective, brute_force_knapsack(k));
    EXPECT_EQ(r.best_bound, r.objective);
    EXPECT_EQ(r.gap, 0);
    expect_feasible(m, r);
  }
}

TEST(SolveMilp, AssignmentMatchesBruteForce) {
  for (uint32_t seed = 11; seed <= 15; ++seed) {
    SCOPED_TRACE(seed);
    const Assignment a = random_assignment(seed, 3, 8);
    const MilpModel m = assignment_model(a);
    const int best = brute_force_assignment(a);
    const MilpResult r = solve_milp(m);
    if (best < 0) {
      EXPECT_EQ(r.status, MilpStatus::infeasible) << r.message;
      continue;
    }
    ASSERT_EQ(r.status, MilpStatus::optimal) << r.message;
    EXPECT_EQ(r.objective, best);
    expect_feasible(m, r);
    for (double v : r.values) EXPECT_TRUE(v == 0 || v == 1) << v;  // exactly integral
  }
}

TEST(SolveMilp, IntegerOptimumIsBelowTheContinuousRelaxation) {
  const Knapsack k = random_knapsack(3, 14, 1);
  const MilpModel m = knapsack_model(k);
  const MilpResult integer = solve_milp(m);
  const LpResult relaxed = solve_lp(m);
  ASSERT_EQ(integer.status, MilpStatus::optimal);
  ASSERT_EQ(relaxed.status, LpStatus::optimal);
  EXPECT_GT(relaxed.objective, integer.objective + 0.5);  // a real integrality gap
  // The relaxation takes one fractional item: its optimum is the greedy by value density.
  std::vector<size_t> order(k.value.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return k.value[a] * k.weight[b] > k.value[b] * k.weight[a]; });
  double room = k.capacity, greedy = 0;
  for (size_t j : order) {
    const double take = std::min(1.0, room / k.weight[j]);
    greedy += take * k.value[j];
    room -= take * k.weight[j];
  }
  EXPECT_NEAR(relaxed.objective, greedy, 1e-7);
}

TEST(SolveMilp, InfeasibleWhenTheRelaxationIsFeasibleButNoIntegerIs) {
  MilpModel m;
  const int x = m.add_var({.name = "x", .upper = 10, .objective = 1, .integer = true});
  const int y = m.add_var({.name = "y", .upper = 10, .objective = 1, .integer = true});
  m.add_row(row_eq("odd", {{x, 2}, {y, 2}}, 7));
  EXPECT_EQ(solve_lp(m).status, LpStatus::optimal);
  const MilpResult r = solve_milp(m);
  EXPECT_EQ(r.status, MilpStatus::infeasible) << r.message;
  EXPECT_FALSE(r.has_solution());
  EXPECT_TRUE(std::isnan(r.objective));
  EXPECT_EQ(r.message, "infeasible: no point satisfies every row, bound and integrality requirement");
}

TEST(SolveMilp, InfeasibleRows) {
  MilpModel m;
  const int x = m.add_var({.name = "x", .objective = 1});
  const int y = m.add_var({.name = "y", .objective = 1, .integer = true});
  m.add_row(row_ge("at_least", {{x, 1}, {y, 1}}, 3));
  m.add_row(row_le("at_most", {{x, 1}, {y, 1}}, 2));
  EXPECT_EQ(solve_milp(m).status, MilpStatus::infeasible);
  EXPECT_EQ(solve_lp(m).status, LpStatus::infeasible);
}

TEST(SolveMilp, Unbounded) {
  MilpModel m{.sense = Sense::maximize};
  const int x = m.add_var({.name = "x", .objective = 1, .integer = true});
  const int y = m.add_var({.name = "y", .objective = 1, .integer = true});
  m.add_row(row_le("diff", {{x, 1}, {y, -1}}, 1));
  const MilpResult r = solve_milp(m);
  EXPECT_EQ(r.status, MilpStatus::unbounded) << r.message;
  EXPECT_FALSE(r.has_solution());
  EXPECT_EQ(solve_lp(m).status, LpStatus::unbounded);
}

// min 3a + 2b + 4c with an equality, a range and a >= row over small integer
// boxes, against enumeration of the boxes.
TEST(SolveMilp, EqualityAndRangeRowsMatchEnumeration) {
  MilpModel m;
  const int a = m.add_var({.name = "a", .lower = -3, .upper = 6, .objective = 3, .integer = true});
  const int b = m.add_var({.name = "b", .lower = 0, .upper = 8, .objective = 2, .integer = true});
  const int c = m.add_var({.name = "c", .lower = -2, .upper = 5, .objective = -4, .integer = true});
  m.add_row(row_eq("sum", {{a, 1}, {b, 2}, {c, 1}}, 9));
  m.add_row(row_range("band", {{a, 2}, {b, -1}, {c, 3}}, -4, 5));
  m.add_row(row_ge("floor", {{a, 1}, {c, -1}}, -3));
  double best = kInfinity;
  for (int va = -3; va <= 6; ++va) {
    for (int vb = 0; vb <= 8; ++vb) {
      for (int vc = -2; vc <= 5; ++vc) {
        const int band = 2 * va - vb + 3 * vc;
        if (va + 2 * vb + vc == 9 && band >= -4 && band <= 5 && va - vc >= -3) {
          best = std::min(best, 3.0 * va + 2 * vb - 4 * vc);
        }
      }
    }
  }
  ASSERT_LT(best, kInfinity);
  const MilpResult r = solve_milp(m);
  ASSERT_EQ(r.status, MilpStatus::optimal) << r.message;
  EXPECT_EQ(r.objective, best);
  expect_feasible(m, r);
}

TEST(SolveMilp, ContinuousModelsAndOffsetAndEmptyModels) {
  MilpModel m{.sense = Sense::maximize, .objective_offset = 100};
  const int x = m.add_var({.name = "x", .upper = 3, .objective = 3});
  const int y = m.add_var({.name = "y", .objective = 2});
  m.add_row(row_le("cap", {{x, 1}, {y, 1}}, 4));
  const MilpResult r = solve_milp(m);
  ASSERT_EQ(r.status, MilpStatus::optimal) << r.message;
  EXPECT_NEAR(r.objective, 111, 1e-9);
  EXPECT_NEAR(r.best_bound, 111, 1e-9);
  EXPECT_NEAR(solve_lp(m).objective, 111, 1e-9);

  MilpModel empty{.objective_offset = 5};
  EXPECT_EQ(solve_milp(empty).status, MilpStatus::optimal);
  EXPECT_EQ(solve_milp(empty).objective, 5);
  empty.add_row(row_ge("impossible", {}, 1));
  EXPECT_EQ(solve_milp(empty).status, MilpStatus::infeasible);
  EXPECT_EQ(solve_lp(empty).status, LpStatus::infeasible);
}

TEST(SolveMilp, EdgeShapes) {
  // No rows at all; a free integer; fractional bounds on an integer.
  MilpModel m{.sense = Sense::maximize};
  m.add_var({.name = "capped", .lower = 0.5, .upper = 2.5, .objective = 1, .integer = true});
  m.add_var({.name = "free_int", .lower = -kInfinity, .upper = 3.7, .objective = 2, .integer = true});
  MilpResult r = solve_milp(m);
  ASSERT_EQ(r.status, MilpStatus::optimal) << r.message;
  EXPECT_EQ(r.values, (std::vector<double>{2, 3}));
  EXPECT_EQ(r.objective, 8);
  const LpResult lp = solve_lp(m);
  ASSERT_EQ(lp.status, LpStatus::optimal) << lp.message;
  EXPECT_NEAR(lp.objective, 2.5 + 7.4, 1e-9);
  EXPECT_TRUE(lp.row_duals.empty());

  // No integer inside an integer variable's bounds.
  m.vars[0].upper = 0.8;
  EXPECT_EQ(solve_milp(m).status, MilpStatus::infeasible);

  // An empty row that cannot hold, next to real variables.
  MilpModel e;
  e.add_var({.name = "x", .upper = 1, .objective = 1, .integer = true});
  e.add_row(row_ge("nothing", {}, 1));
  EXPECT_EQ(solve_milp(e).status, MilpStatus::infeasible);
  EXPECT_EQ(solve_lp(e).status, LpStatus::infeasible);
  e.rows[0].lower = -1;
  EXPECT_EQ(solve_milp(e).status, MilpStatus::optimal);
}

TEST(SolveMilp, TimeLimitStopsHonestly) {
  const MilpModel m = market_split(7, 6, 60);
  const MilpResult r = solve_milp(m, {.time_limit_s = 0.2});
  EXPECT_LT(r.seconds, 5.0);
  ASSERT_TRUE(r.status == MilpStatus::feasible || r.status == MilpStatus::time_limit) << to_string(r.status);
  if (r.status == MilpStatus::feasible) {
    expect_feasible(m, r);
    EXPECT_GT(r.gap, 0);
    EXPECT_LE(r.best_bound, r.objective);
    EXPECT_NE(r.message.find("time limit of 0.2 s reached with a solution"), std::string::npos) << r.message;
  } else {
    EXPECT_FALSE(r.has_solution());
  }
}

// Equality rows without slack: no point is easy to find, so a tiny limit ends
// the search before any solution.
TEST(SolveMilp, TimeLimitWithoutASolution) {
  MilpModel m = market_split(3, 5, 200);
  for (size_t j = m.vars.size(); j-- > 200;) m.vars[j].upper = 0;  // close the slacks
  const MilpResult r = solve_milp(m, {.time_limit_s = 0.01});
  EXPECT_LT(r.seconds, 5.0);
  ASSERT_TRUE(r.status == MilpStatus::time_limit || r.status == MilpStatus::feasible) << to_string(r.status);
  if (r.status == MilpStatus::time_limit) {
    EXPECT_FALSE(r.has_solution());
    EXPECT_TRUE(std::isnan(r.objective));
    EXPECT_EQ(r.message, "time limit of 0.01 s reached before any solution was found");
  }
}

// A feasible model whose clock runs out in the root relaxation is never
// called infeasible (CBC flags an LP cut short that way; the 500x100x24
// bench's executable model came back "infeasible" after 165 s).
TEST(SolveMilp, ClockInTheRootIsNeverInfeasibility) {
  const MilpModel m = assignment_model(random_assignment(11, 40, 400));
  for (double limit : {0.001, 0.01, 0.05}) {
    SCOPED_TRACE(limit);
    const MilpResult r = solve_milp(m, {.time_limit_s = limit});
    EXPECT_NE(r.status, MilpStatus::infeasible) << r.message;
    EXPECT_NE(r.status, MilpStatus::error) << r.message;
  }
}

TEST(SolveMilp, RelativeGapIsRespected) {
  const MilpModel m = multi_knapsack(5, 5, 50);
  const MilpResult exact = solve_milp(m);
  ASSERT_EQ(exact.status, MilpStatus::optimal) << exact.message;
  ASSERT_GT(exact.nodes, 0);  // otherwise the gap option has nothing to cut short
  for (double limit : {0.002, 0.01, 0.05}) {
    SCOPED_TRACE(limit);
    const MilpResult r = solve_milp(m, {.relative_gap = limit});
    ASSERT_TRUE(r.status == MilpStatus::optimal || r.status == MilpStatus::feasible) << r.message;
    expect_feasible(m, r);
    EXPECT_LE(r.gap, limit);
    EXPECT_GE(r.best_bound, exact.objective - 1e-9);  // a valid upper bound for a maximum
    EXPECT_GE(r.objective, exact.objective * (1 - limit) - 1e-9);
    EXPECT_LE(r.nodes, exact.nodes);
    if (r.status == MilpStatus::feasible) {
      EXPECT_NE(r.message.find("stopped within the relative gap"), std::string::npos) << r.message;
    }
  }
  // At 5% at least one of these instances stops early with a proven gap.
  EXPECT_EQ(solve_milp(m, {.relative_gap = 0.05}).status, MilpStatus::feasible);
}

// The gap is relative to the whole objective, constant included (solve.h):
// a large offset makes the same search stop at once.
TEST(SolveMilp, GapCountsTheObjectiveOffset) {
  MilpModel m = multi_knapsack(5, 5, 50);
  ASSERT_GT(solve_milp(m, {.relative_gap = 0.01}).nodes, 0);
  m.objective_offset = 1e6;
  const MilpResult r = solve_milp(m, {.relative_gap = 0.01});
  EXPECT_EQ(r.status, MilpStatus::feasible) << r.message;
  EXPECT_EQ(r.nodes, 0);
  EXPECT_LE(r.gap, 1e-4);
  EXPECT_GT(r.objective, 1e6);
  EXPECT_GE(r.best_bound, r.objective);
}

TEST(SolveMilp, SameModelSameResult) {
  for (const MilpModel& m : {multi_knapsack(9, 3, 30), assignment_model(random_assignment(4, 4, 10))}) {
    const MilpResult a = solve_milp(m);
    const MilpResult b = solve_milp(m);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.values, b.values);
    EXPECT_EQ(a.objective, b.objective);
    EXPECT_EQ(a.best_bound, b.best_bound);
    EXPECT_EQ(a.nodes, b.nodes);
    EXPECT_EQ(a.message, b.message);
  }
}

TEST(SolveMilp, DeterministicParallelSearchMatchesItself) {
  const MilpModel m = multi_knapsack(9, 3, 30);
  const MilpResult serial = solve_milp(m);
  const MilpResult a = solve_milp(m, {.threads = 2});
  const MilpResult b = solve_milp(m, {.threads = 2});
  ASSERT_EQ(a.status, MilpStatus::optimal) << a.message;
  EXPECT_EQ(a.objective, serial.objective);
  EXPECT_EQ(a.values, b.values);
  EXPECT_EQ(a.nodes, b.nodes);
}

// Taking the first nodes lowest bound first changes the search's order, never
// what it proves: the same optimum on every model, with another node count
// on at least one (the option is not ignored). A negative count is an error.
TEST(SolveMilp, BestFirstNodesChangeTheOrderNotTheOptimum) {
  int reordered = 0;
  for (uint32_t seed = 0; seed < 6; ++seed) {
    SCOPED_TRACE(seed);
    const MilpModel m = multi_knapsack(seed, 3, 30);
    const MilpResult cbc = solve_milp(m);
    ASSERT_EQ(cbc.status, MilpStatus::optimal) << cbc.message;
    for (long nodes : {1L, 20L, 1000000L}) {
      SCOPED_TRACE(nodes);
      const MilpResult r = solve_milp(m, {.best_first_nodes = nodes});
      ASSERT_EQ(r.status, MilpStatus::optimal) << r.message;
      EXPECT_NEAR(r.objective, cbc.objective, 1e-6 * std::max(1.0, std::abs(cbc.objective)));
      expect_feasible(m, r);
      if (r.nodes != cbc.nodes) ++reordered;
    }
  }
  EXPECT_GT(reordered, 0);
  const MilpResult bad = solve_milp(multi_knapsack(2, 3, 20), {.best_first_nodes = -1});
  EXPECT_EQ(bad.status, MilpStatus::error);
  EXPECT_NE(bad.message.find("/options/best_first_nodes"), std::string::npos) << bad.message;
}

// CBC's driver is not re-entrant; concurrent calls must still give the
// sequential answers (regression: without the lock options were misread).
TEST(SolveMilp, ConcurrentCallsGiveSequentialResults) {
  std::vector<MilpModel> models;
  for (uint32_t seed = 0; seed < 6; ++seed) models.push_back(multi_knapsack(seed, 3, 20));
  std::vector<MilpResult> sequential, concurrent(models.size());
  for (const MilpModel& m : models) sequential.push_back(solve_milp(m, {.relative_gap = 0.001}));
  parallel_for(
      models.size(), [&](size_t i) { concurrent[i] = solve_milp(models[i], {.relative_gap = 0.001}); },
      ThreadBudget(3));
  for (size_t i = 0; i < models.size(); ++i) {
    EXPECT_EQ(concurrent[i].values, sequential[i].values) << i;
    EXPECT_EQ(concurrent[i].nodes, sequential[i].nodes) << i;
  }
}

// A feasible start is the incumbent from the first node: at any limit the
// result is at least as good as the start, and at the optimum the answer is
// the proven optimum. A start that breaks a row is ignored, and one of the
// wrong length is an error.
TEST(SolveMilp, StartIsNeverBeatenByTheResult) {
  const MilpModel m = market_split(7, 6, 60);
  // Any 0/1 point is feasible (the slacks absorb it): half the items.
  std::vector<double> start(m.vars.size(), 0.0);
  for (size_t j = 0; j < 60; j += 2) start[j] = 1;
  for (size_t i = 0; i < m.rows.size(); ++i) {
    double a = 0;
    for (auto [j, c] : m.rows[i].terms) {
      if (j < 60) a += c * start[j];
    }
    const double gap = m.rows[i].lower - a;  // a + under - over = b
    start[60 + 2 * i] = std::max(0.0, -gap);
    start[61 + 2 * i] = std::max(0.0, gap);
  }
  ASSERT_EQ(violations(m, start), std::vector<std::string>{});
  const double start_cost = evaluate_objective(m, start);
  for (double limit : {0.01, 0.3}) {
    SCOPED_TRACE(limit);
    const MilpResult r = solve_milp(m, {.time_limit_s = limit, .start = start});
    ASSERT_TRUE(r.has_solution()) << r.message;
    expect_feasible(m, r);
    EXPECT_LE(r.objective, start_cost + 1e-9);
    EXPECT_DOUBLE_EQ(r.start_objective, start_cost);
  }
  const MilpModel k = multi_knapsack(5, 5, 50);
  const MilpResult exact = solve_milp(k);
  ASSERT_EQ(exact.status, MilpStatus::optimal);
  const MilpResult warm = solve_milp(k, {.start = exact.values});
  EXPECT_EQ(warm.status, MilpStatus::optimal);
  EXPECT_DOUBLE_EQ(warm.objective, exact.objective);
  EXPECT_DOUBLE_EQ(warm.start_objective, exact.objective);
  // Kept only as the floor (not CBC's incumbent): cut short at once, the start comes back.
  const MilpResult floor = solve_milp(k, {.time_limit_s = 0.001, .start = exact.values, .start_to_cbc = false});
  ASSERT_TRUE(floor.has_solution()) << floor.message;
  EXPECT_DOUBLE_EQ(floor.objective, exact.objective);
  EXPECT_DOUBLE_EQ(floor.start_objective, exact.objective);
  // A start that breaks every capacity row: not used, same answer.
  const MilpResult bad = solve_milp(k, {.start = std::vector<double>(k.vars.size(), 1.0)});
  EXPECT_TRUE(std::isnan(bad.start_objective));
  EXPECT_DOUBLE_EQ(bad.objective, exact.objective);
  const MilpResult wrong = solve_milp(k, {.start = {1.0}});
  EXPECT_EQ(wrong.status, MilpStatus::error);
  EXPECT_NE(wrong.message.find("one value per variable (50), got 1"), std::string::npos) << wrong.message;
}

// Progress comes without a terminal: monotone elapsed, a gap that never goes
// up, a last call marked done that agrees with the result.
TEST(SolveMilp, ProgressIsMonotoneAndEndsWithTheResult) {
  for (int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    const MilpModel m = market_split(7, 6, 60);
    std::vector<MilpProgress> seen;
    // 4 s: the limit counts CBC's preprocessing and root LP too, which a
    // heavily loaded machine (load average 90 seen) can stretch past 1.5 s.
    const MilpResult r = solve_milp(m, {.time_limit_s = 4,
                                        .threads = threads,
                                        .progress = [&](const MilpProgress& p) { seen.push_back(p); },
                                        .progress_interval_s = 0.05});
    ASSERT_GE(seen.size(), 4u);
    for (size_t i = 1; i < seen.size(); ++i) {
      EXPECT_GE(seen[i].seconds, seen[i - 1].seconds) << i;
      EXPECT_LE(seen[i].gap, seen[i - 1].gap) << i;
      EXPECT_GE(seen[i].nodes, seen[i - 1].nodes) << i;
      EXPECT_FALSE(seen[i - 1].done) << i;
    }
    const MilpProgress& last = seen.back();
    EXPECT_TRUE(last.done);
    EXPECT_LE(last.seconds, r.seconds + 1e-6);
    ASSERT_TRUE(r.has_solution()) << r.message;
    EXPECT_DOUBLE_EQ(last.objective, r.objective);
    EXPECT_DOUBLE_EQ(last.best_bound, r.best_bound);
    EXPECT_NEAR(last.gap, r.gap, 1e-6);
    // Some call during the search saw an incumbent and a bound (not only the last).
    const bool mid = std::any_of(seen.begin(), seen.end() - 1,
                                 [](const MilpProgress& p) { return std::isfinite(p.gap) && !p.done; });
    EXPECT_TRUE(mid);
  }
  MilpOptions bad;
  bad.progress_interval_s = 0;
  EXPECT_EQ(solve_milp(multi_knapsack(2, 3, 20), bad).status, MilpStatus::error);
}

TEST(SolveMilp, SilentUnlessLogIsOn) {
  const MilpModel m = multi_knapsack(2, 3, 20);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  ASSERT_EQ(solve_milp(m).status, MilpStatus::optimal);
  ASSERT_EQ(solve_lp(m).status, LpStatus::optimal);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");

  ::testing::internal::CaptureStdout();
  ASSERT_EQ(solve_milp(m, {.log = true}).status, MilpStatus::optimal);
  EXPECT_NE(::testing::internal::GetCapturedStdout().find("Cbc"), std::string::npos);
}

TEST(SolveMilp, InvalidModelOrOptionsIsAnErrorWithEveryReason) {
  MilpModel m;
  m.add_var({.name = "x", .lower = 2, .upper = 1});
  m.add_row({.name = "r", .terms = {{0, kNaN}, {5, 1}}, .upper = 1});
  const MilpResult r = solve_milp(m, {.relative_gap = -1});
  EXPECT_EQ(r.status, MilpStatus::error);
  EXPECT_EQ(r.message,
            "/vars/0: error: variable 0 'x': lower bound 2 is above upper bound 1\n"
            "/rows/0/terms/0: error: row 0 'r': coefficient of variable 0 'x' must be finite, got nan\n"
            "/rows/0/terms/1: error: row 0 'r': term 1 refers to variable 5, but the model has 1 variable\n"
            "/options/relative_gap: error: relative gap must be a non-negative fraction, got -1");
  EXPECT_EQ(solve_milp(MilpModel{}, {.time_limit_s = kNaN}).status, MilpStatus::error);
  EXPECT_EQ(solve_milp(MilpModel{}, {.threads = -2}).status, MilpStatus::error);
  EXPECT_EQ(solve_lp(m).status, LpStatus::error);
}

TEST(SolveMilp, ManyErrorsAreSummarized) {
  MilpModel m;
  for (int j = 0; j < 30; ++j) m.add_var({.lower = 1, .upper = 0});
  const MilpResult r = solve_milp(m);
  EXPECT_EQ(r.status, MilpStatus::error);
  EXPECT_NE(r.message.find("\n... and 10 more errors"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace xpu
