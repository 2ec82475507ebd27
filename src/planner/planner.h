// plan_portfolio(): the cheapest plan for a portfolio (or the least late one
// within a budget), what binds it, what it saves against simple baselines,
// and, when no plan exists, which constraint groups conflict.
//
//   Portfolio + RateTable --formulate--> MILP --solve_milp--> values --decode--> Plan
//                                                                  |--> check_plan (independent)
//                                                                  |--> solve_lp(fixed integers) --> binding rows,
//                                                                  shadow prices
//   baselines (cheapest on-demand, first come first served, best single vendor) --> check_plan
//   infeasible --> relax each group in turn (then pairs) --> which relaxations restore a plan, at what cost
#pragma once

#include <string>
#include <vector>

#include "milp/solve.h"
#include "planner/check.h"
#include "planner/formulation.h"
#include "planner/plan.h"
#include "planner/portfolio.h"
#include "planner/rates.h"
#include "planner/summary.h"

namespace xpu {

enum class PlanStatus : unsigned char { optimal, feasible, infeasible, time_limit, error };
std::string_view to_string(PlanStatus s);

struct PlanOptions {
  // The whole solve: fluid LP, start, main search and the sensitivity
  // re-solves (which keep 15% of it and get what the search leaves); the
  // baselines and the diagnosis have their own shares on top.
  double time_limit_s = 60;
  double relative_gap = 1e-4;  // stop when within this of the best bound
  int threads = 1;             // CBC threads (deterministic mode when > 1)
  bool baselines = true;
  bool sensitivity = true;
  bool diagnose = true;  // on infeasibility
  // The fluid model instead of the executable one (average chips; not launchable).
  bool fluid = false;
  // Also solve the fluid model's LP relaxation: the bound for the price of executability.
  bool fluid_bound = true;
  CheckOptions check;
  // Start the executable model's search from a plan built out of the fluid
  // LP's solution (warm_start.h); the LP is the one fluid_bound reports.
  bool warm_start = true;
  // After CBC's search, a neighbourhood search over the runs' gangs
  // (improve_runs in warm_start.h) in a share of the time left; only with a
  // finite time limit, and only for the executable model.
  bool improve = true;
  // Under a finite time limit and a robustness policy, a bound from the model
  // without the robustness scenarios (bound.h, robustness_relaxed_bound) in a
  // share of the time, and its plan as a start; off only to measure that.
  bool relaxed_bound = true;
  // The main solve's progress (MilpOptions::progress); empty: none.
  std::function<void(const MilpProgress&)> progress;
  double progress_interval_s = 0.25;
};

// A constraint that binds at the plan, with what relaxing it is worth.
struct Binding {
  Group group = Group::other;
  std::string what;              // "site 'us-east-colo' power", "vendor nvidia share cap", "offer '...' capacity"
  std::string entity;            // the site, offer key, vendor, provider or workload it is about
  std::string months;            // "2027-03..2027-08" (the months where it binds)
  double value = 0;              // $ saved per unit relaxed, summed over the binding months
  std::string unit;              // "MW", "percentage point", "chip", "$"
  std::string message;           // "one more MW at site us-east-colo in every binding month saves $81,200"
  double resolve_saving = kNaN;  // from a re-solve with the bound relaxed (when done); NaN otherwise
  std::string resolve_change;    // "power budget +10%"
};

struct BaselineResult {
  std::string name;         // "cheapest-on-demand", "first-come-first-served", "best-single-vendor"
  std::string description;  // one line
  bool found = false;       // produced a plan at all
  Plan plan;
  CheckReport check;
  std::string note;  // e.g. "vendor: google"
};

struct Relaxation {
  std::vector<Group> groups;          // relaxed together
  bool restores = false;              // a plan exists with these relaxed
  double cost = kNaN;                 // its $ cost (penalties excluded)
  std::vector<Violation> violations;  // what that plan breaks, from the checker
};

struct Diagnosis {
  // A minimal set of groups that conflict (deletion filter: each group is
  // relaxed in turn on top of those already dropped, and stays dropped when
  // the model is still infeasible), and that set in words.
  std::vector<Group> conflict;
  std::string conflict_words;     // "run 'pretrain-70b' may not move, the minimum is 2 vendors, and deadlines"
  std::vector<Relaxation> tried;  // singles in relaxable_groups() order, then pairs if no single restored
  std::string summary;            // one line: "capacity or power: relaxing either restores a plan"
};

struct PlanResult {
  PlanStatus status = PlanStatus::error;
  std::string message;
  double objective = kNaN;
  double best_bound = kNaN;
  double gap = kInfinity;
  // Where best_bound comes from: "search" (CBC's), "LP relaxation" (the
  // executable model's), "decomposition, cheapest prices",
  // "decomposition, LP duals", "decomposition, fluid LP duals" (bound.h,
  // the fluid LP's duals as multipliers), "model without the robustness scenarios"
  // (bound.h) or "fluid LP relaxation" (the fluid model is a relaxation of
  // the executable one: formulation.cpp, fluid_pieces); empty without a bound.
  std::string bound_source;
  double decomposition_bound = kNaN;  // bound.h's value (NaN when not computed), and its time
  double decomposition_seconds = 0;
  // The bound of the model without the robustness scenarios (bound.h,
  // robustness_relaxed_bound; NaN when not computed), and its time.
  double relaxed_bound = kNaN;
  double relaxed_seconds = 0;
  // Where a time-limited run's time went (seconds since plan_portfolio began
  // at the end of each phase's share, and how long each took): the start
  // (greedy and its repair, polish_start), the executable LP relaxation's
  // probe (Clp, before CBC) and whether it finished.
  double start_seconds = 0;
  double lp_probe_seconds = 0;
  bool lp_probe_finished = false;
  double seconds = 0;
  long nodes = 0;
  int variables = 0, rows = 0, integers = 0;
  Plan plan;  // empty without a solution
  PlanSummary summary;
  CheckReport check;
  std::vector<Binding> binding;  // sorted by value, largest first
  std::vector<BaselineResult> baselines;
  Diagnosis diagnosis;  // only when infeasible
  // The fluid model's LP relaxation (NaN when not solved) and its time: the
  // price of executability is objective / fluid_bound.
  double fluid_bound = kNaN;
  double fluid_seconds = 0;
  double price_of_executability() const { return objective / fluid_bound; }
  // The warm start's objective when it was a complete feasible plan; NaN otherwise.
  double start_objective = kNaN;

  bool has_plan() const { return status == PlanStatus::optimal || status == PlanStatus::feasible; }
};

PlanResult plan_portfolio(const Portfolio& p, const RateTable& rates, const PlanOptions& options = {});

// Shadow prices of the binding rows of `f` at the MILP solution `values`
// (LP with integers fixed), grouped per constraint and summed over months.
std::vector<Binding> binding_constraints(const Portfolio& p, const Formulation& f, const std::vector<double>& values);

// Re-solves for the largest bindings of a relaxable parameter (power budget
// +10%, a share cap +10 points, the robustness rule dropped): fills
// resolve_saving against `cost`, the plan's cost. At most `count` re-solves
// of the policy's parameters (plus robustness and the vendor minimum), all
// within options.time_limit_s together, split evenly; one that gets less
// than a second is not run (its saving stays NaN and says so). Each starts
// from the plan (`values` of `f`, matched by variable name), which the
// relaxed rule still admits, so a saving is never the solver's gap.
void resolve_bindings(const Portfolio& p, const RateTable& rates, const PlanOptions& options, double cost,
                      std::vector<Binding>& binding, const Formulation& f, const std::vector<double>& values,
                      int count = 4);

// Relax each group in turn (then pairs) and solve; see Diagnosis.
Diagnosis diagnose(const Portfolio& p, const RateTable& rates, const PlanOptions& options);

}  // namespace xpu
