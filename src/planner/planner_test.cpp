#include "planner/planner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "planner/baselines.h"
#include "test_portfolios.h"

namespace xpu {
namespace {

using testing::Fixture;

// The fluid model (average chips): these tests pin its semantics; the
// executable model has its own tests in executable_test.cpp.
PlanOptions exact() {
  PlanOptions o;
  o.fluid = true;
  o.fluid_bound = false;
  o.relative_gap = 0;
  o.baselines = false;
  o.sensitivity = false;
  o.diagnose = false;
  return o;
}

TEST(Horizon, CalendarMonths) {
  const Horizon h{2027, 11, 6};
  EXPECT_EQ(h.label(0), "2027-11");
  EXPECT_EQ(h.label(2), "2028-01");
  EXPECT_EQ(h.label(-11), "2026-12");
  EXPECT_EQ(h.hours(0), 30 * 24);
  EXPECT_EQ(h.hours(3), 29 * 24);  // February 2028 is a leap month
  EXPECT_EQ(h.index_of(2028, 3), 4);
  EXPECT_EQ(parse_year_month("2027-03"), (std::pair<int, int>{2027, 3}));
  EXPECT_FALSE(parse_year_month("2027-13"));
  EXPECT_FALSE(parse_year_month("2027-3"));
}

TEST(Rates, PiecesAreConcaveAndCapped) {
  // 100 chips at 10/s each, 400 at 9/s, 1600 at 9.5/s (a better layout at scale is not counted on).
  const std::vector<ScalePoint> pts{{100, 10, 0, ""}, {400, 9, 0, ""}, {1600, 9.5, 0, ""}};
  const auto pieces = pieces_from_points(pts);
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_DOUBLE_EQ(pieces[0].width, 100);
  EXPECT_DOUBLE_EQ(pieces[0].rate, 10);
  EXPECT_DOUBLE_EQ(pieces[1].rate, (3600.0 - 1000.0) / 300.0);
  EXPECT_LE(pieces[2].rate, pieces[1].rate);
  AcceleratorRate r;
  r.pieces = pieces;
  EXPECT_DOUBLE_EQ(r.tokens_per_s(50), 500);
  EXPECT_DOUBLE_EQ(r.tokens_per_s(400), 3600);
  EXPECT_DOUBLE_EQ(r.max_chips(), 1600);
  EXPECT_DOUBLE_EQ(r.tokens_per_s(5000), r.tokens_per_s(1600));
}

// One service needing 16 chips all year: a 1y commitment at 1.2 $/chip/h beats on-demand at 2.
TEST(Planner, CommitmentBeatsOnDemandOverAYear) {
  Fixture f;
  f.p.horizon = {2027, 1, 12};
  f.p.offers = {
      testing::offer("od", "cloud", "gpu-a", Vendor::nvidia, Term::on_demand, 2.0, 8, std::vector<int>(12, 64)),
      testing::offer("y1", "cloud", "gpu-a", Vendor::nvidia, Term::commit_1y, 1.2, 8, std::vector<int>(12, 64))};
  testing::add_service(f, "svc", {{"gpu-a", 16}});
  testing::finish(f);
  const PlanResult r = plan_portfolio(f.p, f.rates, exact());
  ASSERT_EQ(r.status, PlanStatus::optimal);
  EXPECT_TRUE(r.check.ok()) << r.check.verdict();
  ASSERT_EQ(r.plan.purchases.size(), 1u);
  EXPECT_EQ(r.plan.purchases[0].instances, 2);
  EXPECT_EQ(r.plan.purchases[0].month, 0);
  EXPECT_NEAR(r.check.cost.si(), 16 * 1.2 * 8760, 1e-6);
}

// Over three months a 1y commitment still bills twelve: on-demand wins.
TEST(Planner, ShortHorizonPrefersOnDemandBecauseCommitmentsBillTheWholeTerm) {
  Fixture f;
  f.p.horizon = {2027, 1, 3};
  f.p.offers = {testing::offer("od", "cloud", "gpu-a", Vendor::nvidia, Term::on_demand, 2.0, 8, {64, 64, 64}),
                testing::offer("y1", "cloud", "gpu-a", Vendor::nvidia, Term::commit_1y, 1.2, 8, {64, 64, 64})};
  testing::add_service(f, "svc", {{"gpu-a", 16}});
  testing::finish(f);
  const PlanResult r = plan_portfolio(f.p, f.rates, exact());
  ASSERT_EQ(r.status, PlanStatus::optimal);
  EXPECT_TRUE(r.plan.purchases.empty());
  EXPECT_NEAR(r.check.cost.si(), 16 * 2.0 * (31 + 28 + 31) * 24, 1e-6);
}

// A run needs 100 chip-months of work; the cheap offer has 60 chips: 60 there, 40 on the dear one.
TEST(Planner, TrainingFillsTheCheapOfferFirst) {
  Fixture f;
  f.p.horizon = {2027, 4, 1};
  f.p.offers = {testing::offer("cheap", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 1.0, 1, {60}),
                testing::offer("dear", "c2", "gpu-a", Vendor::nvidia, Term::on_demand, 3.0, 1, {200})};
  testing::add_training(f, "run", testing::tokens_for(f.p.horizon, 100, 1000, 0, 0), 0, 0, {{"gpu-a", 1000}});
  testing::finish(f);
  const PlanResult r = plan_portfolio(f.p, f.rates, exact());
  ASSERT_EQ(r.status, PlanStatus::optimal);
  EXPECT_TRUE(r.check.ok()) << r.check.verdict();
  EXPECT_NEAR(r.check.cost.si(), (60 * 1.0 + 40 * 3.0) * 720, 1e-3);
  EXPECT_EQ(r.summary.workloads[0].progress.finish_month, 0);
}

TEST(Planner, SpotDeliversOnlyItsAvailability) {
  Fixture f;
  f.p.horizon = {2027, 4, 1};
  f.p.offers = {testing::offer("spot", "c1", "gpu-a", Vendor::nvidia, Term::spot, 0.5, 1, {100}),
                testing::offer("od", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 2.0, 1, {100})};
  testing::add_training(f, "run", testing::tokens_for(f.p.horizon, 80, 1000, 0, 0), 0, 0, {{"gpu-a", 1000}});
  testing::finish(f);
  const PlanResult r = plan_portfolio(f.p, f.rates, exact());
  ASSERT_EQ(r.status, PlanStatus::optimal);
  EXPECT_TRUE(r.check.ok()) << r.check.verdict();
  // Spot gives 50 of its 100 chips (availability 0.5); the other 30 are on-demand.
  EXPECT_NEAR(r.check.cost.si(), (50 * 0.5 + 30 * 2.0) * 720, 1e-3);
}

TEST(Planner, PortingIsPaidOnlyWhenItPaysOff) {
  for (double port : {1e3, 1e6}) {
    Fixture f;
    f.p.horizon = {2027, 4, 1};
    f.p.offers = {testing::offer("gpu", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 3.0, 1, {200}),
                  testing::offer("tpu", "c2", "tpu-b", Vendor::google, Term::on_demand, 1.0, 1, {200})};
    testing::add_training(f, "run", testing::tokens_for(f.p.horizon, 100, 1000, 0, 0), 0, 0,
                          {{"gpu-a", 1000}, {"tpu-b", 1000}});
    f.p.workloads[0].porting.push_back({Runtime::xla, dollars(port), {}});
    testing::finish(f);
    const PlanResult r = plan_portfolio(f.p, f.rates, exact());
    ASSERT_EQ(r.status, PlanStatus::optimal);
    EXPECT_TRUE(r.check.ok()) << r.check.verdict();
    // Moving saves 100 chips x 2 $/h x 720 h = $144k: worth a $1k port, not a $1M one.
    EXPECT_EQ(r.plan.porting.size(), port < 144e3 ? 1u : 0u);
    EXPECT_NEAR(r.check.cost.si(), port < 144e3 ? 100 * 720 + port : 100 * 3.0 * 720, 1e-3);
  }
}

TEST(Planner, UnmovableRunStaysWithOneVendor) {
  Fixture f;
  f.p.horizon = {2027, 4, 1};
  f.p.offers = {testing::offer("gpu", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 1.0, 1, {60}),
                testing::offer("tpu", "c2", "tpu-b", Vendor::google, Term::on_demand, 1.5, 1, {200})};
  testing::add_training(f, "run", testing::tokens_for(f.p.horizon, 100, 1000, 0, 0), 0, 0,
                        {{"gpu-a", 1000}, {"tpu-b", 1000}});
  testing::finish(f);
  PlanResult moving = plan_portfolio(f.p, f.rates, exact());
  f.p.workloads[0].train.may_move = false;
  PlanResult staying = plan_portfolio(f.p, f.rates, exact());
  ASSERT_EQ(moving.status, PlanStatus::optimal);
  ASSERT_EQ(staying.status, PlanStatus::optimal);
  EXPECT_NEAR(moving.check.cost.si(), (60 * 1.0 + 40 * 1.5) * 720, 1e-3);
  EXPECT_NEAR(staying.check.cost.si(), 100 * 1.5 * 720, 1e-3);  // gpu-a alone has too few chips
  EXPECT_TRUE(staying.check.ok()) << staying.check.verdict();
  // The checker catches the split plan under the unmovable rule.
  const CheckReport c = check_plan(f.p, f.rates, moving.plan);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.violations[0].rule, "single-vendor");
}

// One run of 100 chips on two vendors, the cheaper one capped at 60%.
Fixture vendor_cap_fixture() {
  Fixture f;
  f.p.horizon = {2027, 4, 1};
  f.p.offers = {testing::offer("gpu", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 1.0, 1, {200}),
                testing::offer("tpu", "c2", "tpu-b", Vendor::google, Term::on_demand, 2.0, 1, {200})};
  testing::add_training(f, "run", testing::tokens_for(f.p.horizon, 100, 1000, 0, 0), 0, 0,
                        {{"gpu-a", 1000}, {"tpu-b", 1000}});
  f.p.policy.max_vendor_share = 0.6;
  f.p.policy.min_vendors = 2;
  f.p.policy.min_vendor_share = 0.3;
  testing::finish(f);
  return f;
}

TEST(Planner, VendorCapSpreadsWork) {
  Fixture f = vendor_cap_fixture();
  PlanOptions o = exact();
  o.sensitivity = true;
  const PlanResult r = plan_portfolio(f.p, f.rates, o);
  ASSERT_EQ(r.status, PlanStatus::optimal);
  EXPECT_TRUE(r.check.ok()) << r.check.verdict();
  EXPECT_NEAR(r.check.cost.si(), (60 * 1.0 + 40 * 2.0) * 720, 1e-3);
  // The cap binds: one more point of nvidia share saves 1 chip x $1/h x 720 h.
  auto cap =
      std::find_if(r.binding.begin(), r.binding.end(), [](const Binding& b) { return b.group == Group::vendor_share; });
  ASSERT_NE(cap, r.binding.end());
  EXPECT_NEAR(cap->value, 720.0, 1e-3);
  EXPECT_NEAR(cap->resolve_saving, 10 * 720.0, 1e-3);  // cap 60% -> 70%
}

// The re-solves share the time they are given: with under a second each,
// none runs, and each says so instead of reporting a saving.
TEST(Planner, ResolvesWithoutTimeLeftSayNotResolved) {
  Fixture f = vendor_cap_fixture();
  const Formulation model = formulate(f.p, f.rates, {.fluid = true});
  const MilpResult solved = solve_milp(model.model);
  ASSERT_EQ(solved.status, MilpStatus::optimal);
  std::vector<Binding> binding = binding_constraints(f.p, model, solved.values);
  PlanOptions o = exact();
  o.time_limit_s = 0.5;  // two re-solves (vendor cap, min vendors): 0.25 s each
  resolve_bindings(f.p, f.rates, o, solved.objective, binding, model, solved.values);
  int not_run = 0;
  for (const Binding& b : binding) {
    if (b.resolve_change.empty()) continue;
    EXPECT_TRUE(std::isnan(b.resolve_saving)) << b.resolve_change;
    not_run += b.group == Group::min_vendors && b.message.find("not re-solved") != std::string::npos;
  }
  EXPECT_EQ(not_run, 1);
  // With time, the cap's re-solve starts from the plan and finds the saving.
  binding = binding_constraints(f.p, model, solved.values);
  o.time_limit_s = 60;
  resolve_bindings(f.p, f.rates, o, solved.objective, binding, model, solved.values);
  auto cap =
      std::find_if(binding.begin(), binding.end(), [](const Binding& b) { return b.group == Group::vendor_share; });
  ASSERT_NE(cap, binding.end());
  EXPECT_NEAR(cap->resolve_saving, 10 * 720.0, 1e-3);
}

TEST(Planner, PowerBudgetBindsAndHasAShadowPrice) {
  Fixture f;
  f.p.horizon = {2027, 4, 1};
  f.p.sites = {{"colo", watts(60 * 1000 * 1.25), 1.25, {}}};  // room for 60 chips of 1 kW
  f.p.offers = {testing::offer("colo", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 1.0, 1, {200}, "colo"),
                testing::offer("cloud", "c2", "gpu-a", Vendor::nvidia, Term::on_demand, 3.0, 1, {200})};
  testing::add_training(f, "run", testing::tokens_for(f.p.horizon, 100, 1000, 0, 0), 0, 0, {{"gpu-a", 1000}});
  testing::finish(f);
  PlanOptions o = exact();
  o.sensitivity = true;
  const PlanResult r = plan_portfolio(f.p, f.rates, o);
  ASSERT_EQ(r.status, PlanStatus::optimal);
  EXPECT_TRUE(r.check.ok()) << r.check.verdict();
  EXPECT_NEAR(r.summary.power_mw.at("colo")[0], 0.075, 1e-9);
  auto power =
      std::find_if(r.binding.begin(), r.binding.end(), [](const Binding& b) { return b.group == Group::power; });
  ASSERT_NE(power, r.binding.end());
  // One more MW runs 800 more chips at the colo price: 2 $/h cheaper each, 720 h, until the run is done:
  // locally, $2 x 720 / 1.25 kW per chip = $1.152M per MW.
  EXPECT_NEAR(power->value, 2.0 * 720 / 1.25e-3, 1.0);
}

TEST(Planner, InfeasibleIsDiagnosed) {
  Fixture f;
  f.p.horizon = {2027, 4, 2};
  f.p.sites = {{"colo", watts(10 * 1000 * 1.2), 1.2, {}}};
  f.p.offers = {testing::offer("colo", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 1.0, 1, {200, 200}, "colo")};
  testing::add_training(f, "run", testing::tokens_for(f.p.horizon, 50, 1000, 0, 1), 0, 1, {{"gpu-a", 1000}});
  testing::finish(f);
  PlanOptions o = exact();
  o.diagnose = true;
  const PlanResult r = plan_portfolio(f.p, f.rates, o);
  ASSERT_EQ(r.status, PlanStatus::infeasible);
  EXPECT_FALSE(r.has_plan());
  std::vector<std::string> restoring;
  for (const Relaxation& x : r.diagnosis.tried) {
    if (!x.restores) continue;
    ASSERT_EQ(x.groups.size(), 1u);
    restoring.emplace_back(to_string(x.groups[0]));
    // The relaxed plan breaks exactly the relaxed group's rules.
    for (const Violation& v : x.violations) {
      EXPECT_EQ(v.rule, x.groups[0] == Group::power ? "power" : "deadline") << v.message;
    }
  }
  EXPECT_EQ(restoring, (std::vector<std::string>{"power", "deadlines"}));
  EXPECT_NE(r.diagnosis.summary.find("power"), std::string::npos);
}

// Money buys speed: a cheap small offer and a dear large one. The least-late
// plan within a budget gets less late as the budget grows, never more.
TEST(Planner, LatenessWithinABudget) {
  Fixture f;
  f.p.horizon = {2027, 4, 4};
  f.p.offers = {testing::offer("cheap", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 1.0, 1, {50, 50, 50, 50}),
                testing::offer("dear", "c2", "gpu-a", Vendor::nvidia, Term::on_demand, 3.0, 1, {100, 100, 100, 100})};
  testing::add_training(f, "run", testing::tokens_for(f.p.horizon, 100, 1000, 0, 0), 0, 0, {{"gpu-a", 1000}});
  f.p.policy.objective = Objective::lateness;
  testing::finish(f);
  double last = kInfinity;
  for (double budget : {75e3, 110e3, 150e3}) {
    f.p.policy.budget = dollars(budget);
    const PlanResult r = plan_portfolio(f.p, f.rates, exact());
    ASSERT_EQ(r.status, PlanStatus::optimal) << budget;
    EXPECT_TRUE(r.check.ok()) << r.check.verdict();
    EXPECT_LE(r.check.cost.si(), budget + 1e-3);
    const double late = r.summary.workloads[0].progress.lateness_months;
    EXPECT_LE(late, last + 1e-9) << "more budget, more lateness at " << budget;
    if (budget == 75e3) {
      EXPECT_GT(late, 0.4);
    }
    if (budget == 150e3) {
      EXPECT_NEAR(late, 0.0, 1e-6);  // 50 cheap + 50 dear chips finish in April: $144k
    }
    last = late;
  }
}

TEST(Planner, RobustnessHoldsReserveAndTheCheckerVerifiesIt) {
  Fixture f;
  f.p.horizon = {2027, 1, 2};
  f.p.offers = {testing::offer("gpu", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 1.0, 1, {100, 100}),
                testing::offer("tpu", "c2", "tpu-b", Vendor::google, Term::on_demand, 2.0, 1, {20, 20})};
  testing::add_service(f, "svc", {{"gpu-a", 50}, {"tpu-b", 50}});
  testing::finish(f);
  const PlanResult plain = plan_portfolio(f.p, f.rates, exact());
  ASSERT_EQ(plain.status, PlanStatus::optimal);
  f.p.policy.robustness = Robustness{0.5, 0, 0.0};
  const PlanResult robust = plan_portfolio(f.p, f.rates, exact());
  ASSERT_EQ(robust.status, PlanStatus::optimal);
  EXPECT_TRUE(robust.check.ok()) << robust.check.verdict();
  EXPECT_FALSE(robust.plan.reserves.empty());
  // The cheap plan (50 gpu chips) keeps 25 if nvidia loses half, and the tpu pool has only 20
  // spare (90% of the demand): the plan must hold more chips than the demand alone needs.
  EXPECT_GT(robust.check.cost.si(), plain.check.cost.si() + 1);
  const CheckReport c = check_plan(f.p, f.rates, plain.plan);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.violations[0].rule, "robustness");
}

// A run due in February may slip into March under the robustness rule's delay:
// then March's spare tpu capacity covers an nvidia loss at no cost; without the
// delay the plan must hold twice the gpu chips (half survive the loss).
TEST(Planner, RobustnessDelayLetsARunRecoverAfterItsDeadline) {
  Fixture f;
  f.p.horizon = {2027, 1, 3};
  f.p.offers = {testing::offer("gpu", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 1.0, 1, {400, 400, 400}),
                testing::offer("tpu", "c2", "tpu-b", Vendor::google, Term::on_demand, 2.0, 1, {0, 0, 400})};
  const double tokens = testing::tokens_for(f.p.horizon, 100, 1000, 0, 1);
  testing::add_training(f, "run", tokens, 0, 1, {{"gpu-a", 1000}, {"tpu-b", 1000}});
  testing::finish(f);
  const double plain = plan_portfolio(f.p, f.rates, exact()).check.cost.si();
  EXPECT_NEAR(plain, 100 * (744 + 672), 1e-3);
  for (double delay : {0.5, 0.0}) {
    SCOPED_TRACE(delay);
    f.p.policy.robustness = Robustness{0.5, 0, delay};
    const PlanResult r = plan_portfolio(f.p, f.rates, exact());
    ASSERT_EQ(r.status, PlanStatus::optimal);
    EXPECT_TRUE(r.check.ok()) << r.check.verdict();
    if (delay > 0) {
      EXPECT_NEAR(r.check.cost.si(), plain, 1e-3);
      bool march = false;
      for (const Reserve& x : r.plan.reserves) march |= x.month == 2 && x.accelerator == "tpu-b";
      EXPECT_TRUE(march);
    } else {
      EXPECT_NEAR(r.check.cost.si(), 2 * plain, 1e-3);
    }
  }
}

TEST(Checker, CatchesTamperedPlans) {
  Fixture f = testing::random_fixture(7);
  const PlanResult r = plan_portfolio(f.p, f.rates, exact());
  ASSERT_TRUE(r.has_plan());
  ASSERT_TRUE(r.check.ok()) << r.check.verdict();
  ASSERT_FALSE(r.plan.assignments.empty());
  auto rules = [&](const Plan& plan) {
    std::set<std::string> out;
    for (const Violation& v : check_plan(f.p, f.rates, plan).violations) out.insert(v.rule);
    return out;
  };
  Plan more = r.plan;
  more.assignments[0].chips += 1e4;  // more than anything provisioned, and over max chips or capacity
  EXPECT_TRUE(rules(more).count("provisioned"));
  Plan cost = r.plan;
  cost.claimed_cost += dollars(1000);
  EXPECT_EQ(rules(cost), (std::set<std::string>{"cost"}));
  Plan none = r.plan;
  none.assignments.clear();
  EXPECT_TRUE(rules(none).count("deadline") || rules(none).count("demand"));
  Plan over = r.plan;
  over.rentals.push_back({OfferId(0), 0, 1e6});
  if (f.p.offers[0].is_commitment()) {
    EXPECT_TRUE(rules(over).count("offer"));
  } else {
    EXPECT_TRUE(rules(over).count("capacity"));
  }
}

class RandomPortfolios : public ::testing::TestWithParam<int> {};

// A plan never exceeds capacity, power or shares (the checker passes), and
// adding capacity, budget or share room never raises the optimal cost.
TEST_P(RandomPortfolios, CheckerPassesAndMoreRoomNeverCostsMore) {
  Fixture f = testing::random_fixture(static_cast<uint32_t>(GetParam()));
  f.p.policy.max_vendor_share = 0.8;
  const PlanResult base = plan_portfolio(f.p, f.rates, exact());
  if (base.status == PlanStatus::infeasible) GTEST_SKIP() << "infeasible draw";
  ASSERT_EQ(base.status, PlanStatus::optimal) << base.message;
  EXPECT_TRUE(base.check.ok()) << base.check.verdict();
  const double cost = base.check.cost.si();
  EXPECT_NEAR(base.objective, cost, 1e-6 * cost + 1e-3);

  Fixture more_cap = f;
  for (PlanOffer& o : more_cap.p.offers) {
    for (int& c : o.capacity) c += 32;
  }
  const PlanResult a = plan_portfolio(more_cap.p, more_cap.rates, exact());
  ASSERT_EQ(a.status, PlanStatus::optimal);
  EXPECT_LE(a.check.cost.si(), cost + 1e-6 * cost + 1e-3);

  Fixture budget = f;
  budget.p.policy.budget = dollars(cost * 1.5);
  const PlanResult b = plan_portfolio(budget.p, budget.rates, exact());
  ASSERT_EQ(b.status, PlanStatus::optimal);
  EXPECT_NEAR(b.check.cost.si(), cost, 1e-6 * cost + 1e-3);
  budget.p.policy.budget = dollars(cost * 0.999);
  EXPECT_EQ(plan_portfolio(budget.p, budget.rates, exact()).status, PlanStatus::infeasible);

  Fixture shares = f;
  shares.p.policy.max_vendor_share = 1.0;
  const PlanResult c = plan_portfolio(shares.p, shares.rates, exact());
  ASSERT_EQ(c.status, PlanStatus::optimal);
  EXPECT_LE(c.check.cost.si(), cost + 1e-6 * cost + 1e-3);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomPortfolios, ::testing::Range(1, 13));

TEST(Planner, IdenticalInputGivesIdenticalPlans) {
  const Fixture f = testing::random_fixture(3, 6, 8, 3, 3);
  PlanOptions o;
  o.fluid = true;
  o.diagnose = false;
  const PlanResult a = plan_portfolio(f.p, f.rates, o);
  const PlanResult b = plan_portfolio(f.p, f.rates, o);
  ASSERT_TRUE(a.has_plan());
  EXPECT_EQ(a.plan.purchases, b.plan.purchases);
  EXPECT_EQ(a.plan.rentals, b.plan.rentals);
  EXPECT_EQ(a.plan.assignments, b.plan.assignments);
  EXPECT_EQ(a.plan.reserves, b.plan.reserves);
  ASSERT_EQ(a.baselines.size(), b.baselines.size());
  for (size_t i = 0; i < a.baselines.size(); ++i) EXPECT_EQ(a.baselines[i].plan.rentals, b.baselines[i].plan.rentals);
}

// usertrial5 (docs/robustness.md): one run on one on-demand offer whose work
// is half of its smallest gang's month. The executable plan rents that gang
// for a month; the old baselines spread the run over fractional chips, were
// checked as fluid plans and "cost" half, so the plan "saved -100%". Each
// baseline is now held to the plan's model: executable, checked as such, and
// never cheaper than the optimum of the model it is a restriction of.
Fixture half_a_gang_month() {
  Fixture f;
  f.p.horizon = {2027, 1, 3};
  f.p.offers = {testing::offer("od", "c1", "gpu-a", Vendor::nvidia, Term::on_demand, 2.0, 8, {256, 256, 256})};
  testing::add_training(f, "w", 0.5 * testing::tokens_for(f.p.horizon, 8, 900, 0, 0), 0, 2, {});
  testing::add_ladder(f, 0, "gpu-a", {{8, 900}, {16, 850}, {32, 800}});
  testing::finish(f);
  return f;
}

// Returns how many baselines pass the checker (the ones the plan is compared
// with), or -1 when `f` has no optimal plan (nothing to compare).
int expect_baselines_held_to_the_plan(const Fixture& f, const PlanOptions& o) {
  const PlanResult r = plan_portfolio(f.p, f.rates, o);
  if (r.status != PlanStatus::optimal) return -1;
  int ok = 0;
  EXPECT_TRUE(r.check.ok()) << r.check.verdict();
  EXPECT_EQ(r.baselines.size(), 3u);
  for (const BaselineResult& b : r.baselines) {
    if (!b.found) continue;  // a rule with no plan at all here (e.g. no single vendor can run everything)
    EXPECT_EQ(b.plan.fluid, r.plan.fluid) << b.name;
    EXPECT_NEAR(b.check.cost.si(), plan_cost(f.p, b.plan).si(), 1e-6 * b.check.cost.si() + 1e-6) << b.name;
    if (!b.check.ok()) continue;
    ++ok;
    EXPECT_LE(r.check.cost.si(), b.check.cost.si() * (1 + 1e-6) + 1e-6) << b.name << " " << b.note;
    EXPECT_EQ(no_saving_against(b, r.plan), "") << b.name;
    EXPECT_FALSE(b.plan.gangs.empty() && b.plan.replicas.empty()) << b.name;
  }
  return ok;
}

TEST(Baselines, AreHeldToThePlansModelAndNeverBeatItsOptimum) {
  PlanOptions o = testing::exact();
  o.baselines = true;
  const Fixture one = half_a_gang_month();
  ASSERT_EQ(expect_baselines_held_to_the_plan(one, o), 3);
  // Hand-checkable: the plan and every rule rent one 8-chip gang for the shortest month of the window.
  const PlanResult r = plan_portfolio(one.p, one.rates, o);
  const double month = 8 * 2.0 * one.p.horizon.hours(1);  // February 2027: 672 h
  EXPECT_NEAR(r.check.cost.si(), month, 1e-6 * month);
  for (const BaselineResult& b : r.baselines) {
    EXPECT_TRUE(b.found) << b.name;
    EXPECT_EQ(b.check.verdict(), "ok") << b.name;
    EXPECT_NEAR(b.check.cost.si(), month, 1e-6 * month) << b.name;
  }
  // Several runs and services sharing capacity, each rule placing them in its order.
  int compared = 0, passing = 0;
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    Fixture f = testing::random_fixture(seed, 4, 6, 2, 1);
    for (size_t w = 0; w < f.p.workloads.size(); ++w) {
      if (f.p.workloads[w].kind != Mode::train) continue;
      for (AcceleratorRate& ar : f.rates.workloads[w].by_accelerator) {
        const double rate = ar.pieces.front().rate;
        ar.points = {{8, rate, 0.4, "dp8"}, {16, 0.95 * rate, 0.4, "dp16"}, {64, 0.9 * rate, 0.4, "dp64"}};
        ar.pieces = pieces_from_points(ar.points);
      }
    }
    SCOPED_TRACE(seed);
    const int ok = expect_baselines_held_to_the_plan(f, o);
    compared += ok >= 0 ? 1 : 0;
    passing += std::max(ok, 0);
  }
  EXPECT_GE(compared, 4);  // seeds 1, 2, 3 and 7 have an optimal plan (2026-12-06)
  EXPECT_GE(passing, 5);   // seed 2's three baselines and seed 7's two pass the checker
}

TEST(Baselines, EachFollowsItsRuleAndIsChecked) {
  const Fixture f = testing::random_fixture(5, 4, 8, 2, 2);
  const auto all = run_baselines(f.p, f.rates, PlanOptions{});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "cheapest-on-demand");
  EXPECT_EQ(all[1].name, "first-come-first-served");
  EXPECT_EQ(all[2].name, "best-single-vendor");
  for (const BaselineResult& b : all) {
    ASSERT_TRUE(b.found) << b.name;
    EXPECT_NEAR(b.check.cost.si(), plan_cost(f.p, b.plan).si(), 1e-6);
    for (const Violation& v : b.check.violations) {
      EXPECT_NE(v.rule, "capacity") << b.name << ": " << v.message;
      EXPECT_NE(v.rule, "provisioned") << b.name << ": " << v.message;
    }
  }
  for (const Rental& r : all[0].plan.rentals) EXPECT_EQ(f.p.offers[r.offer.index()].offer.term, Term::on_demand);
  std::set<Vendor> vendors;
  for (const Assignment& a : all[2].plan.assignments) vendors.insert(f.p.offers[a.offer.index()].vendor);
  EXPECT_EQ(vendors.size(), 1u);
}

}  // namespace
}  // namespace xpu
