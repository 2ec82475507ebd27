// The portfolio MILP (docs/portfolio.md, "Formulation"):
//
//   pools      p = (accelerator, provider, region, spot): offers whose chips are one cluster
//   executable (default): rent[o,m] integer instances, gang[w,p,m,k] binary (run w on pool p in
//              month m at candidate count k, a count where the engine has a layout, whole
//              instances), at most one gang per run and month, replicas[w,p,m] integer,
//              moves between pools at month boundaries (checkpoint egress, transfer time),
//              an unmovable run in one pool; the fluid rows below otherwise
//   variables  rent[o,m] >= 0 chips (pay-as-you-go), buy[o,m] integer instances (commitments),
//              seg[w,a,m,k] chips in throughput piece k (training), use[w,p,m] chips (a run
//              whose accelerator has several pools; services), porting and vendor binaries,
//              reroute[v,w,p,m] (robustness), elastic slacks when a group is relaxed
//   rows       pool balance, capacity, power per site, vendor/provider share, min vendors,
//              budget, training completion by the deadline, demand per service-month,
//              single vendor per unmovable run, porting, robustness scenarios
//   objective  rentals + commitments (every month of their term) + porting, or lateness
//
// Every row carries its group and the entity it is about, so duals and
// relaxations can be reported in words.
#pragma once

#include <string>
#include <vector>

#include "milp/model.h"
#include "planner/plan.h"
#include "planner/portfolio.h"
#include "planner/rates.h"

namespace xpu {

// Constraint groups, for relaxation and reporting.
enum class Group : unsigned char {
  balance,         // workloads use no more than the pool provides (never relaxed)
  capacity,        // per offer and month
  power,           // per site and month
  vendor_share,    // per vendor and month
  provider_share,  // per provider and month
  min_vendors,     // per month
  budget,          // total
  deadlines,       // training completion
  demand,          // per service and month
  single_vendor,   // runs that may not move between vendors
  robustness,      // the vendor-loss scenarios
  other,           // linking rows (pieces, porting) never relaxed
};
inline constexpr int kGroupCount = 12;
std::string_view to_string(Group g);
// The groups a user's policy or input can be relaxed in, in report order.
const std::vector<Group>& relaxable_groups();

struct FormulationOptions {
  std::vector<Group> relax;  // groups whose rows get elastic slack (penalised) or are dropped
  // Only offers of these vendors (empty = all): the single-vendor baseline.
  std::vector<Vendor> only_vendors;
  bool robustness = true;  // model the policy's robustness scenarios (when it has any)
  // The fluid model (average chips, concave throughput pieces, fractional
  // rentals): the LP bound the price of executability is measured against.
  // Default false: gangs, whole replicas and whole instances.
  bool fluid = false;
  // Executable model: the rounding cuts on each run's completion row
  // (formulation_exec.cpp). They cut no integer point off; off only to test that.
  bool rounding_cuts = true;
  // Executable model: an unmovable run's completion row per pool, scaled by
  // its stay binary (formulation_exec.cpp). Same integer points, a stronger
  // LP; off only to test that.
  bool pool_completion = true;
  // Executable model: mixed-integer rounding cuts on each run's vendor-loss
  // completion row (formulation_exec.cpp, add_robust_rounding_cuts). They cut
  // no integer point off; off only to test and measure that.
  bool robust_cuts = true;
};

// What a row is about, for messages: group, and the entity indices (-1 = none).
struct RowInfo {
  Group group = Group::other;
  int offer = -1, site = -1, month = -1, workload = -1, vendor = -1;
  std::string provider;
};

struct PoolInfo {
  std::string accelerator, provider, region;
  bool spot = false;
  Vendor vendor = Vendor::nvidia;
  std::vector<int> offers;  // indices into Portfolio::offers
};

struct Formulation {
  MilpModel model;
  std::vector<RowInfo> rows;  // one per model row
  std::vector<PoolInfo> pools;
  // Decoding: variable index or -1, by [offer * months + month].
  std::vector<int> rent, buy;
  // Usage terms of (workload, pool, month): (variable, coefficient) whose sum is the chips used.
  struct Usage {
    int workload = 0, pool = 0, month = 0;
    std::vector<std::pair<int, double>> terms;
  };
  std::vector<Usage> usage;
  struct Reroute {
    int vendor = 0, workload = 0, pool = 0, month = 0, var = -1;
  };
  std::vector<Reroute> reroutes;
  struct PortVar {
    int workload = 0;
    Runtime runtime = Runtime::cuda;
    int var = -1;
  };
  std::vector<PortVar> porting;
  // Executable model: one binary per candidate gang (run, pool, month, count).
  struct GangVar {
    int workload = 0, pool = 0, month = 0, var = -1;
    int64_t chips = 0;
    double tokens_per_s = 0;  // whole gang, the engine's at this count
    std::string layout;
    double goodput = 1;  // fraction of the month it trains (gang_goodput)
  };
  std::vector<GangVar> gangs;
  // Whole replicas of a service in a pool and month (integer variable).
  struct ReplicaVar {
    int workload = 0, pool = 0, month = 0, var = -1;
    int chips_per_replica = 0;
    std::string layout;
  };
  std::vector<ReplicaVar> replicas;
  // A run arriving in a pool from another at a month boundary (continuous, 0/1 at integer points).
  struct MoveVar {
    int workload = 0, pool = 0, month = 0, var = -1;
    double egress = 0;  // $ per move
  };
  std::vector<MoveVar> moves;
  bool fluid = false;
  std::vector<int> slack;      // elastic slack variables (their values say what was relaxed)
  double penalty_weight = 0;   // objective weight of one unit of slack
  double lateness_weight = 0;  // objective weight of one month of lateness (objective lateness)
  int integers = 0;
};

// Builds the MILP. Workloads with no usable accelerator get no variables (their
// completion or demand rows then make the model infeasible, which diagnose() names).
Formulation formulate(const Portfolio& p, const RateTable& rates, const FormulationOptions& options = {});

// The plan in a solution of `f` (values per variable): purchases, rentals,
// porting and reserves read off; each pool's usage is assigned to its offers
// (commitments first, then the cheapest rentals), keeping a workload on as
// few offers as possible.
Plan decode(const Portfolio& p, const Formulation& f, const std::vector<double>& values);

// Cost part of the objective at `values` (without penalties and lateness weights).
double plan_cost_of(const Formulation& f, const Portfolio& p, const std::vector<double>& values);

}  // namespace xpu
