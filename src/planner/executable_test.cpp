// The executable model: gangs (one pool per run and month, at a count with a
// layout, whole instances), whole replicas, whole-instance rentals; the
// checker's rules for them, each violated once by a hand-built plan; small
// instances proven optimal and equal to enumeration (sharing no code with
// the formulation).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <set>

#include "milp/solve.h"
#include "planner/planner.h"
#include "planner/warm_start.h"
#include "test_portfolios.h"

namespace xpu {
namespace {

using testing::Fixture;

using testing::exact;

// A run whose engine found layouts at `points` (chips, tokens/s per chip) on each accelerator.
void add_ladder_run(Fixture& f, const std::string& name, double tokens, int earliest, int deadline,
                    const std::vector<std::pair<std::string, std::vector<std::pair<int, double>>>>& ladders) {
  testing::add_training(f, name, tokens, earliest, deadline, {});
  for (const auto& [a, pts] : ladders) testing::add_ladder(f, f.p.workloads.size() - 1, a, pts);
}

double seconds(const Horizon& h, int m) { return h.hours(m) * 3600.0; }

// Two pools of gpu-a (two providers), one of tpu-b; ladders 8/16/32.
Fixture two_cloud_run(double chip_months, bool may_move) {
  Fixture f;
  f.p.horizon = {2027, 4, 2};
  f.p.offers = {testing::offer("a-od", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 2.0, 8, {32, 64}),
                testing::offer("b-od", "c2", "gpu-a", Vendor::nvidia, Term::on_demand, 2.5, 8, {64, 64}),
                testing::offer("t-od", "c3", "tpu-b", Vendor::google, Term::on_demand, 2.2, 4, {64, 64})};
  add_ladder_run(f, "run", 1000.0 * chip_months * seconds(f.p.horizon, 0), 0, 1,
                 {{"gpu-a", {{8, 1000}, {16, 950}, {32, 900}}}, {"tpu-b", {{8, 900}, {16, 880}, {32, 850}}}});
  f.p.workloads[0].train.may_move = may_move;
  testing::finish(f);
  return f;
}

TEST(Executable, RunIsOneGangPerMonthAtALadderCountInWholeInstances) {
  const Fixture f = two_cloud_run(40, true);
  const PlanResult r = plan_portfolio(f.p, f.rates, exact());
  ASSERT_EQ(r.status, PlanStatus::optimal) << r.message;
  EXPECT_TRUE(r.check.ok()) << r.check.verdict();
  ASSERT_FALSE(r.plan.gangs.empty());
  std::set<int> months;
  for (const Gang& g : r.plan.gangs) {
    EXPECT_TRUE(months.insert(g.month).second) << "two gangs in " << g.month;
    EXPECT_TRUE(g.chips == 8 || g.chips == 16 || g.chips == 32) << g.chips;
  }
  for (const Rental& x : r.plan.rentals) {
    EXPECT_EQ(x.chips, static_cast<double>(x.instances) * f.p.offers[x.offer.value()].offer.chips);
  }
  EXPECT_FALSE(r.plan.fluid);
}

TEST(Executable, UnmovableRunStaysInOnePool) {
  const Fixture f = two_cloud_run(40, false);
  const PlanResult r = plan_portfolio(f.p, f.rates, exact());
  ASSERT_EQ(r.status, PlanStatus::optimal) << r.message;
  EXPECT_TRUE(r.check.ok()) << r.check.verdict();
  std::set<std::string> pools;
  for (const Gang& g : r.plan.gangs) pools.insert(g.accelerator + "/" + g.provider + "/" + g.region);
  EXPECT_EQ(pools.size(), 1u);
}

// A service of 2-chip replicas on 8-chip instances needing 6 replicas: 12
// chips, two whole instances, six whole replicas.
TEST(Executable, ServiceIsWholeReplicasOnWholeInstances) {
  Fixture f;
  f.p.horizon = {2027, 1, 1};
  f.p.offers = {testing::offer("od", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 2.0, 8, {64})};
  testing::add_service(f, "svc", {{"gpu-a", 12}});
  f.rates.workloads[0].by_accelerator[0].chips_per_replica = 2;
  testing::finish(f);
  const PlanResult r = plan_portfolio(f.p, f.rates, exact());
  ASSERT_EQ(r.status, PlanStatus::optimal) << r.message;
  EXPECT_TRUE(r.check.ok()) << r.check.verdict();
  ASSERT_EQ(r.plan.replicas.size(), 1u);
  EXPECT_EQ(r.plan.replicas[0].replicas, 6);
  ASSERT_EQ(r.plan.rentals.size(), 1u);
  EXPECT_EQ(r.plan.rentals[0].instances, 2);
  EXPECT_NEAR(r.check.cost.si(), 16 * 2.0 * 744, 1e-6);
}

// A demand no capacity can meet is an honest "infeasible", never "1 chip, demand met".
TEST(Executable, HugeDemandIsInfeasible) {
  Fixture f;
  f.p.horizon = {2027, 1, 1};
  f.p.offers = {testing::offer("od", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 2.0, 8, {64})};
  testing::add_service(f, "svc", {{"gpu-a", 1e12}});
  testing::finish(f);
  const PlanResult r = plan_portfolio(f.p, f.rates, exact());
  EXPECT_EQ(r.status, PlanStatus::infeasible) << r.message;
}

// A valid hand-built plan, then one violation of each executable rule.
TEST(Executable, CheckerCatchesEachRuleOnce) {
  Fixture f = two_cloud_run(8, true);
  const int a = f.p.find_offer("a-od");
  const int b = f.p.find_offer("b-od");
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  // 16 chips of c1 in month 0 (two instances) do 16 x 950 tokens/s: more than 8 chip-months at 1000.
  Plan plan;
  plan.rentals = {{OfferId(a), 0, 16, 2}};
  plan.assignments = {{WorkloadId(0), OfferId(a), 0, 16}};
  plan.gangs = {{WorkloadId(0), "gpu-a", "c1", "", false, 0, 16, "tp16", 16 * 950.0, false}};
  plan.claimed_cost = plan_cost(f.p, plan);
  auto rules = [&](const Plan& x) {
    std::set<std::string> out;
    for (const Violation& v : check_plan(f.p, f.rates, x).violations) out.insert(v.rule);
    return out;
  };
  ASSERT_EQ(rules(plan), std::set<std::string>{});

  Plan layout = plan;  // 24 chips: whole instances, but no layout was found there
  layout.rentals[0] = {OfferId(a), 0, 24, 3};
  layout.assignments[0].chips = 24;
  layout.gangs[0].chips = 24;
  layout.claimed_cost = plan_cost(f.p, layout);
  // A gang at a count without a layout does no work: its run also misses its deadline.
  EXPECT_EQ(rules(layout), (std::set<std::string>{"layout", "deadline"}));

  Plan fractional = plan;  // 16 chips billed as 1 instance
  fractional.rentals[0].instances = 1;
  EXPECT_EQ(rules(fractional), std::set<std::string>{"whole-instances"});

  Plan split = plan;  // half the gang on another cloud's pool
  split.rentals.push_back({OfferId(b), 0, 8, 1});
  split.assignments[0].chips = 8;
  split.assignments.push_back({WorkloadId(0), OfferId(b), 0, 8});
  split.claimed_cost = plan_cost(f.p, split);
  EXPECT_EQ(rules(split), std::set<std::string>{"gang"});

  Plan moved = plan;  // month 1 on c2: a move the plan does not declare
  moved.rentals.push_back({OfferId(b), 1, 16, 2});
  moved.assignments.push_back({WorkloadId(0), OfferId(b), 1, 16});
  moved.gangs.push_back({WorkloadId(0), "gpu-a", "c2", "", false, 1, 16, "tp16", 16 * 950.0, false});
  moved.claimed_cost = plan_cost(f.p, moved);
  EXPECT_EQ(rules(moved), std::set<std::string>{"move"});
  moved.gangs[1].moved_in = true;
  EXPECT_EQ(rules(moved), std::set<std::string>{});
  f.p.workloads[0].train.may_move = false;
  EXPECT_EQ(rules(moved), std::set<std::string>{"single-pool"});
  f.p.workloads[0].train.may_move = true;

  Plan short_gang = plan;  // the gang says 16, only 8 chips are assigned to it
  short_gang.assignments[0].chips = 8;
  EXPECT_TRUE(rules(short_gang).count("gang"));
}

// Replicas: the size the serving search gave, on chips the plan assigns.
TEST(Executable, CheckerVerifiesReplicas) {
  Fixture f;
  f.p.horizon = {2027, 1, 1};
  f.p.offers = {testing::offer("od", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 2.0, 8, {64})};
  testing::add_service(f, "svc", {{"gpu-a", 12}});
  f.rates.workloads[0].by_accelerator[0].chips_per_replica = 2;
  testing::finish(f);
  Plan plan;
  plan.rentals = {{OfferId(0), 0, 16, 2}};
  plan.assignments = {{WorkloadId(0), OfferId(0), 0, 12}};
  plan.replicas = {{WorkloadId(0), "gpu-a", "c1", "", 0, 6, 2, "tp2"}};
  plan.claimed_cost = plan_cost(f.p, plan);
  auto rules = [&](const Plan& x) {
    std::set<std::string> out;
    for (const Violation& v : check_plan(f.p, f.rates, x).violations) out.insert(v.rule);
    return out;
  };
  ASSERT_EQ(rules(plan), std::set<std::string>{});
  Plan wrong = plan;
  wrong.replicas[0].chips_per_replica = 1;  // a replica smaller than the search's: it does not meet the SLOs
  wrong.replicas[0].replicas = 12;
  EXPECT_TRUE(rules(wrong).count("replicas"));
  Plan few = plan;
  few.replicas[0].replicas = 5;  // 5 of the 6 replicas needed
  EXPECT_EQ(rules(few), std::set<std::string>{"demand"});
}

// A run that may not move, whose pool has room only in its first month and
// another pool only in its second: capacity, deadlines and "may not move"
// conflict, and the diagnosis says so in words.
TEST(Executable, DiagnosisNamesTheConflict) {
  Fixture f;
  f.p.horizon = {2027, 4, 2};
  f.p.offers = {testing::offer("a-od", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 2.0, 8, {32, 0}),
                testing::offer("b-od", "c2", "gpu-a", Vendor::nvidia, Term::on_demand, 2.0, 8, {0, 32})};
  add_ladder_run(f, "big", 1000.0 * 50 * seconds(f.p.horizon, 0), 0, 1, {{"gpu-a", {{16, 1000}, {32, 1000}}}});
  f.p.workloads[0].train.may_move = false;
  testing::finish(f);
  PlanOptions o = exact();
  o.diagnose = true;
  const PlanResult r = plan_portfolio(f.p, f.rates, o);
  ASSERT_EQ(r.status, PlanStatus::infeasible);
  EXPECT_EQ(r.diagnosis.conflict, (std::vector<Group>{Group::capacity, Group::deadlines, Group::single_vendor}));
  EXPECT_NE(r.diagnosis.summary.find("run 'big' may not move"), std::string::npos) << r.diagnosis.summary;
  EXPECT_NE(r.diagnosis.summary.find("cheapest relaxation"), std::string::npos) << r.diagnosis.summary;
  f.p.workloads[0].train.may_move = true;  // moving makes it feasible: 32 chips in c1, then 32 in c2
  const PlanResult moved = plan_portfolio(f.p, f.rates, exact());
  ASSERT_EQ(moved.status, PlanStatus::optimal);
  EXPECT_TRUE(moved.check.ok()) << moved.check.verdict();
  ASSERT_EQ(moved.plan.gangs.size(), 2u);
  EXPECT_TRUE(moved.plan.gangs[1].moved_in);
}

// Enumeration: every gang choice per month (none, or a pool and a ladder
// count), every commitment purchase up to 3 instances; rentals are the
// cheapest whole instances covering what commitments leave.
double enumerate(const Fixture& f) {
  const Portfolio& p = f.p;
  const Workload& w = p.workloads[0];
  const int H = p.horizon.months;
  using PoolKey = std::pair<std::string, std::string>;  // accelerator, provider
  std::vector<PoolKey> pools;
  for (const PlanOffer& o : p.offers) {
    const PoolKey k{o.offer.accelerator, o.offer.provider};
    if (std::find(pools.begin(), pools.end(), k) == pools.end()) pools.push_back(k);
  }
  struct Choice {
    int pool = -1;
    int chips = 0;
    double tps = 0;
  };
  std::vector<Choice> choices{{}};
  for (size_t q = 0; q < pools.size(); ++q) {
    const AcceleratorRate* ar = f.rates.workloads[0].find(pools[q].first);
    if (!ar) continue;
    for (const ScalePoint& pt : ar->points) {
      bool whole = true;
      for (const PlanOffer& o : p.offers) {
        if (PoolKey{o.offer.accelerator, o.offer.provider} == pools[q]) whole &= pt.chips % o.offer.chips == 0;
      }
      if (whole) choices.push_back({int(q), pt.chips, pt.chips * pt.tokens_per_s_per_chip});
    }
  }
  std::vector<int> commit;
  for (size_t o = 0; o < p.offers.size(); ++o) {
    if (p.offers[o].is_commitment()) commit.push_back(int(o));
  }
  double best = kInfinity;
  std::vector<int> pick(H, 0);
  std::vector<int> bought(commit.size() * H, 0);
  auto evaluate = [&]() {
    double done = 0;
    int pool = -1;
    for (int m = 0; m < H; ++m) {
      const Choice& c = choices[pick[m]];
      if (c.pool < 0) continue;
      if (m < w.earliest || m > w.deadline) return kInfinity;
      if (!w.train.may_move && pool >= 0 && c.pool != pool) return kInfinity;
      pool = c.pool;
      done += c.tps * seconds(p.horizon, m) / w.train.job.tokens;
    }
    if (done < 1 - 1e-9) return kInfinity;
    double cost = 0;
    for (int m = 0; m < H; ++m) {
      const Choice& c = choices[pick[m]];
      double need = c.pool < 0 ? 0 : c.chips;
      // Commitments of this pool bought up to m and still in term.
      for (size_t i = 0; i < commit.size(); ++i) {
        const PlanOffer& po = p.offers[commit[i]];
        double held = 0;
        for (int s = 0; s <= m; ++s) {
          if (m - s < po.term_months()) held += bought[i * H + s] * po.offer.chips;
        }
        if (held > po.capacity[m]) return kInfinity;
        if (c.pool >= 0 && PoolKey{po.offer.accelerator, po.offer.provider} == pools[c.pool]) need -= held;
      }
      if (need <= 0) continue;
      std::vector<const PlanOffer*> rent;
      for (const PlanOffer& o : p.offers) {
        if (!o.is_commitment() && PoolKey{o.offer.accelerator, o.offer.provider} == pools[c.pool]) rent.push_back(&o);
      }
      std::sort(rent.begin(), rent.end(),
                [](const PlanOffer* x, const PlanOffer* y) { return x->price_per_chip() < y->price_per_chip(); });
      for (const PlanOffer* o : rent) {
        const double inst = std::min(std::ceil(need / o->offer.chips), std::floor(o->capacity[m] / o->offer.chips));
        cost += inst * per_hour(o->offer.price) * p.horizon.hours(m);
        need -= inst * o->offer.chips;
        if (need <= 0) break;
      }
      if (need > 0) return kInfinity;
    }
    for (size_t i = 0; i < commit.size(); ++i) {
      const PlanOffer& po = p.offers[commit[i]];
      for (int s = 0; s < H; ++s) {
        for (int k = 0; k < po.term_months(); ++k)
          cost += bought[i * H + s] * per_hour(po.offer.price) * p.horizon.hours(s + k);
      }
    }
    return cost;
  };
  std::function<void(size_t)> buys = [&](size_t i) {
    if (i == bought.size()) {
      std::function<void(int)> months = [&](int m) {
        if (m == H) {
          best = std::min(best, evaluate());
          return;
        }
        for (size_t c = 0; c < choices.size(); ++c) {
          pick[m] = int(c);
          months(m + 1);
        }
      };
      months(0);
      return;
    }
    for (int n = 0; n <= 3; ++n) {
      bought[i] = n;
      buys(i + 1);
    }
    bought[i] = 0;
  };
  buys(0);
  return best;
}

Fixture small_gang_instance(uint32_t seed) {
  std::mt19937 gen(seed);
  auto uni = [&](double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(gen()) / 4294967296.0); };
  Fixture f;
  const int H = 2 + static_cast<int>(gen() % 2);
  f.p.horizon = {2027, 1 + static_cast<int>(gen() % 12), H};
  auto caps = [&](int per) {
    std::vector<int> cap(H);
    for (int& c : cap) c = per * static_cast<int>(uni(1, 6));
    return cap;
  };
  f.p.offers = {testing::offer("o0", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, uni(1.0, 3.0), 8, caps(8)),
                testing::offer("o1", "c2", "gpu-a", Vendor::nvidia, Term::on_demand, uni(1.0, 3.0), 8, caps(8)),
                testing::offer("o2", "c3", "tpu-b", Vendor::google, Term::on_demand, uni(1.0, 3.0), 4, caps(4)),
                testing::offer("o3", "c1", "gpu-a", Vendor::nvidia, Term::commit_1y, uni(0.05, 0.3), 8, caps(8))};
  const double base = uni(600, 1400);
  add_ladder_run(f, "run", 1000.0 * uni(10, 40) * seconds(f.p.horizon, 0), 0, H - 1,
                 {{"gpu-a", {{8, base}, {16, base * 0.95}, {32, base * 0.9}}},
                  {"tpu-b", {{8, base * uni(0.8, 1.2)}, {16, base * 0.93}}}});
  f.p.workloads[0].train.may_move = gen() % 2;
  testing::finish(f);
  return f;
}

TEST(Executable, OptimumEqualsEnumeration) {
  int solved = 0, infeasible = 0, with_commitments = 0, multi_pool = 0;
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    const Fixture f = small_gang_instance(seed);
    const PlanResult r = plan_portfolio(f.p, f.rates, exact());
    const double brute = enumerate(f);
    if (!std::isfinite(brute)) {
      EXPECT_EQ(r.status, PlanStatus::infeasible);
      ++infeasible;
      continue;
    }
    ASSERT_EQ(r.status, PlanStatus::optimal) << r.message;
    EXPECT_TRUE(r.check.ok()) << r.check.verdict();
    EXPECT_NEAR(r.check.cost.si(), brute, 1e-6 * brute + 1e-3);
    ++solved;
    with_commitments += r.plan.purchases.empty() ? 0 : 1;
    std::set<std::string> pools;
    for (const Gang& g : r.plan.gangs) pools.insert(g.provider);
    multi_pool += pools.size() > 1 ? 1 : 0;
  }
  EXPECT_GT(solved, 10);
  RecordProperty("solved", solved);
  RecordProperty("infeasible", infeasible);
  RecordProperty("with_commitments", with_commitments);
  RecordProperty("multi_pool", multi_pool);
}

// A random fixture's executable model and the greedy start from its fluid LP.
struct Started {
  Fixture fx;
  Formulation f;
  std::vector<double> greedy;
};
Started started(uint32_t seed) {
  Started s{testing::random_fixture(seed, 4, 8, 3, 3), {}, {}};
  s.f = formulate(s.fx.p, s.fx.rates);
  const Formulation fluid = formulate(s.fx.p, s.fx.rates, {.fluid = true});
  const LpResult lp = solve_lp(fluid.model);
  EXPECT_EQ(lp.status, LpStatus::optimal) << lp.message;
  s.greedy = executable_start(s.fx.p, s.fx.rates, s.f, fluid, lp.values);
  return s;
}

// The warm start (warm_start.h) on random portfolios: when it is complete it
// is a plan the checker accepts; a solve given it never ends worse than the
// start, and a proven optimum is the same with or without it.
TEST(WarmStart, CompleteStartIsACheckedPlanAndNeverLosesToTheSearch) {
  int complete = 0, feasible = 0;
  for (uint32_t seed = 0; seed < 16; ++seed) {
    SCOPED_TRACE(seed);
    const Started st = started(seed);
    const Fixture& fx = st.fx;
    const Formulation& f = st.f;
    const std::vector<double>& start = st.greedy;
    ASSERT_EQ(start.size(), f.model.vars.size());
    const MilpResult cold = solve_milp(f.model);
    const MilpResult warm = solve_milp(f.model, {.start = start});
    if (cold.status == MilpStatus::infeasible) {
      EXPECT_EQ(warm.status, MilpStatus::infeasible);
      continue;
    }
    ++feasible;
    ASSERT_EQ(cold.status, MilpStatus::optimal) << cold.message;
    ASSERT_EQ(warm.status, MilpStatus::optimal) << warm.message;
    EXPECT_NEAR(warm.objective, cold.objective, 1e-7 * cold.objective);
    if (std::any_of(start.begin(), start.end(), [](double v) { return std::isnan(v); })) continue;
    ++complete;
    EXPECT_EQ(violations(f.model, start), std::vector<std::string>{});
    const CheckReport check = check_plan(fx.p, fx.rates, decode(fx.p, f, start));
    EXPECT_TRUE(check.ok()) << check.verdict();
    EXPECT_DOUBLE_EQ(warm.start_objective, evaluate_objective(f.model, start));
    EXPECT_GE(warm.start_objective, cold.objective - 1e-7 * cold.objective);
    // Cut short at once, the answer is still no worse than the start.
    const MilpResult quick = solve_milp(f.model, {.time_limit_s = 0.001, .start = start});
    ASSERT_TRUE(quick.has_solution()) << quick.message;
    EXPECT_LE(quick.objective, warm.start_objective + 1e-9 * warm.start_objective);
  }
  // The heuristic is only worth having if it usually completes.
  EXPECT_GE(feasible, 6);
  EXPECT_GE(2 * complete, feasible) << complete << " of " << feasible;
}

// The rounding cuts (formulation_exec.cpp) cut no integer point off: the
// executable optimum is the same with and without them, and their LP bound
// is never lower.
TEST(RoundingCuts, KeepTheOptimumAndRaiseTheLpBound) {
  int solved = 0, raised = 0;
  for (uint32_t seed = 0; seed < 16; ++seed) {
    SCOPED_TRACE(seed);
    const Fixture fx = testing::random_fixture(seed, 4, 8, 3, 3);
    const Formulation with = formulate(fx.p, fx.rates);
    const Formulation without = formulate(fx.p, fx.rates, {.rounding_cuts = false});
    const testing::CutComparison c = testing::compare_cuts(with.model, without.model, 1e-7);
    solved += c.optimal ? 1 : 0;
    raised += c.raised ? 1 : 0;
  }
  EXPECT_GE(solved, 6);
  RecordProperty("lp_bound_raised", raised);
}

// An unmovable run that a cheap small pool could finish 80% of and a dear
// large pool 160% of: with its completion row per pool (formulation_exec.cpp)
// the LP relaxation can no longer finish it with part of a stay in each, so
// its bound rises; the optimum is the same, all in the large pool. No gang
// column is larger than its pool holds in its month.
TEST(PoolCompletion, KeepsTheOptimumAndRaisesTheLpBound) {
  Fixture f;
  f.p.horizon = {2027, 4, 2};
  f.p.offers = {testing::offer("a-od", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 1.0, 8, {16, 16}),
                testing::offer("b-od", "c2", "gpu-a", Vendor::nvidia, Term::on_demand, 3.0, 8, {32, 32})};
  add_ladder_run(f, "run", testing::tokens_for(f.p.horizon, 20, 1000, 0, 1), 0, 1,
                 {{"gpu-a", {{8, 1000}, {16, 1000}, {32, 1000}}}});
  f.p.workloads[0].train.may_move = false;
  testing::finish(f);
  const Formulation with = formulate(f.p, f.rates);
  const Formulation without = formulate(f.p, f.rates, {.pool_completion = false});
  for (const auto& g : with.gangs) {
    EXPECT_LE(g.chips, with.pools[g.pool].provider == "c1" ? 16 : 32) << g.pool << " " << g.month;
  }
  const MilpResult a = solve_milp(with.model), b = solve_milp(without.model);
  ASSERT_EQ(a.status, MilpStatus::optimal) << a.message;
  ASSERT_EQ(b.status, MilpStatus::optimal) << b.message;
  EXPECT_NEAR(a.objective, b.objective, 1e-7 * std::abs(b.objective));
  const LpResult la = solve_lp(with.model), lb = solve_lp(without.model);
  ASSERT_EQ(la.status, LpStatus::optimal);
  ASSERT_EQ(lb.status, LpStatus::optimal);
  EXPECT_GT(la.objective, lb.objective * 1.05);
  const PlanResult r = plan_portfolio(f.p, f.rates, exact());
  ASSERT_EQ(r.status, PlanStatus::optimal) << r.message;
  EXPECT_TRUE(r.check.ok()) << r.check.verdict();
  for (const Gang& g : r.plan.gangs) EXPECT_EQ(g.provider, "c2");
}

// The vendor-loss scenario caps a run's chips on an accelerator (its gang
// plus what is re-routed there) at the largest scale, as the checker counts
// them: a gang binary weighs its chip count in that row, not 1 (a plan at
// the largest gang once re-routed 281.6 more H100s and failed the checker).
TEST(Robustness, RerouteScaleCountsAGangAtItsChips) {
  Fixture f = two_cloud_run(40, true);
  f.p.policy.robustness = Robustness{0.5, 0, 0.0};
  const Formulation fm = formulate(f.p, f.rates);
  std::map<int, int64_t> chips;
  for (const auto& g : fm.gangs) chips[g.var] = g.chips;
  int checked = 0;
  for (const Constraint& row : fm.model.rows) {
    if (row.name.rfind("reroute_scale[", 0) != 0) continue;
    for (auto [v, c] : row.terms) {
      if (!chips.contains(v)) continue;
      EXPECT_EQ(c, static_cast<double>(chips[v])) << row.name << " " << fm.model.vars[v].name;
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

// The repair (polish_start): from the greedy's gangs, a complete start that
// satisfies the model and passes the checker, never worse than a complete
// greedy start and never better than the optimum.
TEST(WarmStart, RepairCompletesTheStart) {
  int feasible = 0, repaired = 0;
  for (uint32_t seed = 0; seed < 16; ++seed) {
    SCOPED_TRACE(seed);
    const Started st = started(seed);
    const Fixture& fx = st.fx;
    const Formulation& f = st.f;
    const std::vector<double>& greedy = st.greedy;
    const std::vector<double> start = polish_start(f, greedy, {.time_limit_s = 20});
    ASSERT_EQ(start.size(), f.model.vars.size());
    const MilpResult exact = solve_milp(f.model);
    if (exact.status != MilpStatus::optimal) continue;
    ++feasible;
    if (std::any_of(start.begin(), start.end(), [](double v) { return std::isnan(v); })) continue;
    ++repaired;
    EXPECT_EQ(violations(f.model, start), std::vector<std::string>{});
    const CheckReport check = check_plan(fx.p, fx.rates, decode(fx.p, f, start));
    EXPECT_TRUE(check.ok()) << check.verdict();
    const double cost = evaluate_objective(f.model, start);
    EXPECT_GE(cost, exact.objective - 1e-7 * std::abs(exact.objective));
    if (std::none_of(greedy.begin(), greedy.end(), [](double v) { return std::isnan(v); })) {
      EXPECT_LE(cost, evaluate_objective(f.model, greedy) * (1 + 1e-9));
    }
  }
  EXPECT_GE(feasible, 6);
  EXPECT_GE(4 * repaired, 3 * feasible) << repaired << " of " << feasible;
  RecordProperty("repaired", repaired);
}

// Counts of an improvement heuristic's runs over random portfolios.
struct Improvements {
  int feasible = 0, improved = 0, could = 0;
};

// An improvement heuristic `improve` applied to the repaired greedy start of
// random six-month portfolios (with the coupling rules from `coupled_from`
// on): a plan that satisfies the model and passes the checker, never worse
// than the start, never better than the proven optimum.
Improvements check_improvement(
    uint32_t seeds, uint32_t coupled_from,
    const std::function<std::vector<double>(const Fixture&, const Formulation&, const std::vector<double>&)>& improve) {
  Improvements n;
  for (uint32_t seed = 0; seed < seeds; ++seed) {
    SCOPED_TRACE(seed);
    Fixture fx = testing::random_fixture(seed, 6, 8, 3, 2);
    if (seed >= coupled_from) testing::add_coupling_rules(fx, seed);
    const Formulation f = formulate(fx.p, fx.rates);
    const Formulation fluid = formulate(fx.p, fx.rates, {.fluid = true});
    const LpResult lp = solve_lp(fluid.model);
    if (lp.status != LpStatus::optimal) continue;  // no plan at all
    const std::vector<double> x =
        polish_start(f, executable_start(fx.p, fx.rates, f, fluid, lp.values), {.time_limit_s = 10});
    if (std::any_of(x.begin(), x.end(), [](double v) { return std::isnan(v); })) continue;
    const MilpResult exact = solve_milp(f.model, {.time_limit_s = 60});
    if (exact.status != MilpStatus::optimal) continue;
    ++n.feasible;
    const std::vector<double> y = improve(fx, f, x);
    EXPECT_EQ(y.size(), x.size());
    if (y.size() != x.size()) continue;
    EXPECT_EQ(violations(f.model, y), std::vector<std::string>{});
    const CheckReport check = check_plan(fx.p, fx.rates, decode(fx.p, f, y));
    EXPECT_TRUE(check.ok()) << check.verdict();
    const double before = evaluate_objective(f.model, x), after = evaluate_objective(f.model, y);
    const double tol = 1e-7 * std::abs(exact.objective);
    EXPECT_LE(after, before + tol);
    EXPECT_GE(after, exact.objective - tol);
    if (before > exact.objective + tol) {
      ++n.could;
      if (after < before - tol) ++n.improved;
    }
  }
  ::testing::Test::RecordProperty("improved", n.improved);
  ::testing::Test::RecordProperty("could", n.could);
  ::testing::Test::RecordProperty("feasible", n.feasible);
  return n;
}

// The neighbourhood search (improve_runs: each run's own columns freed in
// turn): as check_improvement, and better than the start where it can be.
TEST(WarmStart, NeighbourhoodSearchImprovesAndStaysValid) {
  const Improvements n =
      check_improvement(8, 8, [](const Fixture&, const Formulation& f, const std::vector<double>& x) {
        return improve_runs(f, x, {.time_limit_s = 20});
      });
  EXPECT_GE(n.feasible, 4);
  EXPECT_GE(2 * n.improved, n.could) << n.improved << " of " << n.could;
}

// The price-directed re-placement (reprice_placements), also with the
// coupling rules (shares, two vendors, vendor loss, scarce capacity): as
// check_improvement, and better than the start on some (none when it
// returns its input: it fails then).
TEST(WarmStart, RepricedPlacementsStayValid) {
  const Improvements n =
      check_improvement(16, 8, [](const Fixture& fx, const Formulation& f, const std::vector<double>& x) {
        return reprice_placements(fx.p, f, x, {.time_limit_s = 10});
      });
  EXPECT_GE(n.feasible, 6);
  EXPECT_GE(n.improved, 1) << n.improved << " of " << n.could;
}

}  // namespace
}  // namespace xpu
