// Internal to the planner: the state shared by the parts of formulate()
// (formulation.cpp builds offers, workloads and policy rows;
// formulation_robust.cpp the vendor-loss scenarios).
#pragma once

#include <map>
#include <tuple>
#include <vector>

#include "planner/formulation.h"

namespace xpu::detail {

using Terms = std::vector<std::pair<int, double>>;

struct Builder {
  const Portfolio& p;
  const RateTable& rates;
  const FormulationOptions& opt;
  Formulation f;
  int H = 0;
  std::vector<bool> active;  // offers in play (only_vendors)
  std::vector<Terms> prov;   // [o*H+m]: chips provisioned
  std::map<std::tuple<std::string, std::string, std::string, bool>, int> pool_of_key;
  std::vector<int> pool_of_offer;  // -1 when inactive
  std::vector<int> used;           // [pool*H+m]: the variable of the chips used there, or -1
  std::vector<double> cost;        // $ objective coefficient per variable (no penalties)
  // Planned training segments by (workload, accelerator, month): (var, progress per chip... ) for scenarios.
  struct Seg {
    int workload, month;
    std::string accelerator;
    int var;
    double progress;     // fraction of the run's tokens per unit of the variable
    double chips = 1.0;  // chips per unit of the variable (a gang binary: its count)
  };
  std::vector<Seg> segs;
  double ref_chip_month = 1;  // most expensive chip-month among offers ($)
  double ref_total = 1;       // cost of every chip of every offer in every month ($), for penalties

  bool relaxed(Group g) const;
  int add_var(Variable v, double dollars = 0);
  int add_row(Constraint c, RowInfo info);
  // An elastic slack on row `r` (added with coefficient `sign`), penalised by `penalty` per unit.
  void add_slack(int row, double sign, double penalty, double upper = kInfinity);
  std::vector<int> pools_of(const Workload& w, const std::string& accelerator) const;
};

// Chips an offer can deliver in month m (spot: its availability of the capacity).
double eff_capacity(const PlanOffer& o, int m);
void add_robustness(Builder& b);
// Mixed-integer rounding cuts on a run's vendor-loss completion row (formulation_exec.cpp):
// `ints` its gang binaries, `conts` its continuous re-route terms (both >= 0).
void add_robust_rounding_cuts(Builder& b, int wi, const std::string& vendor, const Terms& ints, const Terms& conts,
                              const RowInfo& info);
// Executable model (formulation_exec.cpp): gang columns, whole replicas, moves.
void add_training_gangs(Builder& b, int wi, std::vector<Formulation::Usage>& usage);
void add_service_replicas(Builder& b, int wi, std::vector<Formulation::Usage>& usage);
// Chips one offer's instance holds, the most over the pool's offers.
int pool_instance_chips(const Builder& b, int pool);
// Spot reclaims per hour that stop a gang in the pool (the most of its offers'; 0 for a pool that is not spot).
double pool_reclaims(const Builder& b, int pool);

}  // namespace xpu::detail
