// The portfolio MILP (docs/portfolio.md, "Formulation"):
//
//   pools      p = (accelerator, provider, spot): offers whose chips are interchangeable
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
};

// What a row is about, for messages: group, and the entity indices (-1 = none).
struct RowInfo {
  Group group = Group::other;
  int offer = -1, site = -1, month = -1, workload = -1, vendor = -1;
  std::string provider;
};

struct PoolInfo {
  std::string accelerator, provider;
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
