// The independent plan checker: re-verifies a plan against the portfolio and
// the rate table from the plan's decisions alone, without the MILP or any of
// the formulation's code. Every plan the planner returns (and every baseline)
// goes through it; a plan that fails is reported as such, never hidden.
//
// Rules (docs/portfolio.md, "Checker"): offer, allowed, window, capacity,
// provisioned, whole-instances, power, vendor-share, provider-share,
// min-vendors, max-chips, single-vendor, deadline, demand, porting, budget,
// cost, robustness; executable plans also gang, layout, move, single-pool,
// replicas and goodput (a gang's stated goodput above gang_goodput's).
// A gang progresses at the engine's throughput x gang_goodput from the input. Tolerances are relative (1e-6 of the
// bound, at least 1e-6).
#pragma once

#include <string>
#include <vector>

#include "planner/plan.h"
#include "planner/portfolio.h"
#include "planner/rates.h"

namespace xpu {

struct Violation {
  std::string rule;     // one of the rule names above
  std::string message;  // "offer 'aws/.../p5.48xlarge/on-demand' in 2027-03: 1040 chips provisioned, capacity 1024"
  double amount = 0;    // how far over (in the rule's unit: chips, MW, share, fraction, $)
  friend bool operator==(const Violation&, const Violation&) = default;
};

struct CheckOptions {
  // Lateness (training finishing after its deadline, by the horizon's end) is
  // reported as a violation unless the policy's objective is lateness.
  double tolerance = 1e-6;
  size_t max_violations = 50;  // per rule; the count says how many more
};

struct WorkloadProgress {
  std::vector<double> fraction_by_month;  // training: cumulative fraction of tokens done at each month's end
  int finish_month = -1;                  // first month whose end sees the run done; -1 = never
  double lateness_months = 0;             // sum over months after the deadline of the fraction still to do
  std::vector<double> served;             // services: fraction of each month's demand served (1 when none)
};

struct CheckReport {
  std::vector<Violation> violations;       // sorted by rule, then message
  long more = 0;                           // violations left out past max_violations per rule
  Dollars cost;                            // recomputed from the decisions
  std::vector<WorkloadProgress> progress;  // per workload, as the checker computed it

  bool ok() const { return violations.empty(); }
  // "ok" or "N violations: rule, rule, ..." for one-line reports.
  std::string verdict() const;
};

// The relative tolerance for a plan read back from its JSON (a saved plan):
// each number there is within half a unit of its 6th significant digit (5e-6
// relative; canonical JSON), and sums of them too, so the checker compares at
// twice that. A plan that passed at the planner's 1e-6 must not fail for the
// file's rounding.
inline constexpr double kSavedPlanCheckTolerance = 1e-5;

CheckReport check_plan(const Portfolio& p, const RateTable& rates, const Plan& plan, const CheckOptions& options = {});

// What a plan costs, recomputed from its decisions: rentals x price per chip-hour
// x hours, purchases x instance price x every hour of the term (past the
// horizon too), plus porting. Used by the checker and by baselines.
Dollars plan_cost(const Portfolio& p, const Plan& plan);

}  // namespace xpu
