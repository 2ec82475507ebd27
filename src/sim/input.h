// What the simulator runs: a plan as plain values, independent of how the
// planner represents plans. An adapter builds a SimInput from a plan (one
// pool per training run per month with a chip count the engine has a layout
// for; whole service replicas); tests and examples write one directly
// (io/sim_input_io.h reads the YAML form).
//
// Months are indices from the horizon's start. A training run is a gang: any
// lost chip stops all of it until it restarts from its last checkpoint. A
// service loses only the replicas whose chips are gone.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/units.h"
#include "catalog/offer.h"

namespace xpu {

// A run within this fraction of its tokens is done (both in evaluate_plan and
// in the simulation, so a plan that fills its months exactly finishes in them).
inline constexpr double kTokensDoneTolerance = 1e-9;

struct SimHorizon {
  int start_year = 2027;
  int start_month = 1;              // 1..12
  std::vector<double> month_hours;  // hours of each month; calendar months, the last may be cut short

  int months() const { return static_cast<int>(month_hours.size()); }
  // "2027-03" for month index m (any m).
  std::string label(int m) const;
  // Month index of (year, month) relative to the start (may be out of range).
  int index_of(int year, int month) const { return (year - start_year) * 12 + (month - start_month); }
  double total_hours() const;
};

// A horizon of `months` calendar months from (year, month): real month lengths
// (planner's Horizon). `cut_hours` > 0 ends it after that many hours instead.
SimHorizon calendar_horizon(int year, int month, int months, double cut_hours = 0);

// Chips that can be bought or rented as one unit of capacity: one accelerator
// at one provider and region under one term.
struct SimPool {
  std::string name;         // unique
  std::string accelerator;  // catalog key ("h100-sxm")
  std::string vendor;       // "nvidia", "google", "aws", "amd"
  std::string provider;     // "aws", "gcp", a neocloud
  std::string region;       // may be empty
  Term term = Term::on_demand;
  int64_t chips_per_instance = 1;  // capacity, losses and placements come in whole instances
  DollarRate price_per_chip;       // per chip (stored $/s); price paths scale it
  // Chips per month. Commitments (1y, 3y, capacity-block): the chips bought,
  // billed every hour whether used or not. Pay-as-you-go (on-demand, spot):
  // the most the offer can supply; only chips held are billed.
  std::vector<int64_t> capacity;
  // Pay-as-you-go chips rented for the whole month (an executable plan's
  // rentals; empty = none, else one per month): billed every hour of the month
  // whether held or not (even while spot reclaims them), as the plan prices
  // them; chips held beyond them are billed while held.
  std::vector<int64_t> rented;
  std::string site;             // power site name ("" = none)
  Watts watts_per_chip;         // facility power per chip, for site budgets (0 = not checked)
  double compute_weight = 1.0;  // per chip, for vendor/provider share rules (e.g. bf16 PFLOP/s)
  SourceLocation defined_at;

  bool spot() const { return term == Term::spot; }
  bool committed() const { return term == Term::commit_1y || term == Term::commit_3y || term == Term::capacity_block; }
  int64_t rented_in(int m) const { return m >= 0 && m < static_cast<int>(rented.size()) ? rented[m] : 0; }
};

// What the plan gives a training run in one month: one pool, a chip count at
// which the engine has a layout, and the engine's throughput at that count.
struct RunMonth {
  int pool = -1;  // index into SimInput::pools; -1 = not running this month
  int64_t chips = 0;
  double tokens_per_s = 0;
  friend bool operator==(const RunMonth&, const RunMonth&) = default;
};

// A layout a policy may move a run to: `chips` of `accelerator` at `tokens_per_s`.
struct RunOption {
  std::string accelerator;
  int64_t chips = 0;
  double tokens_per_s = 0;
  friend bool operator==(const RunOption&, const RunOption&) = default;
};

struct SimRun {
  std::string name;
  double tokens = 0;               // to train
  int earliest = 0;                // first month it may run
  int deadline = 0;                // must be done by the end of this month
  std::vector<RunMonth> months;    // one per horizon month
  std::vector<RunOption> options;  // extra layouts for policies that move runs; the plan's own are implied
  Bytes checkpoint;  // model + optimizer state written per checkpoint (0 = no checkpoints: a loss restarts from the
                     // run's start)
  ByteRate write_bandwidth;  // 0 = the risks file's default
  Seconds restart;           // load the checkpoint and re-initialize; negative = the risks file's default
  bool spot_ok = false;      // may run on spot pools when a policy moves it
  SourceLocation defined_at;
};

// Whole replicas of one service in one pool.
struct ReplicaSet {
  int pool = -1;
  int64_t replicas = 0;
  int64_t chips_per_replica = 1;
  double rps_per_replica = 0;  // requests/s one replica sustains within the SLOs
  friend bool operator==(const ReplicaSet&, const ReplicaSet&) = default;
};

struct ServiceOption {
  std::string accelerator;
  int64_t chips_per_replica = 1;
  double rps_per_replica = 0;
  friend bool operator==(const ServiceOption&, const ServiceOption&) = default;
};

struct SimService {
  std::string name;
  std::vector<double> demand_rps;               // per month
  std::vector<std::vector<ReplicaSet>> months;  // per month: the plan's replica sets
  std::vector<ServiceOption> options;           // extra replica shapes for policies; the plan's own are implied
  SourceLocation defined_at;
};

struct SimSite {
  std::string name;
  Watts budget;  // facility power available
};

// Rules every policy decision is checked against (planner's policy rules).
struct SimRules {
  std::vector<SimSite> sites;
  double max_vendor_share = 1.0;    // of held compute (chips x compute_weight)
  double max_provider_share = 1.0;  // same, per provider
};

// The portfolio and engine rates a plan was made from (sim/replan.h), for
// policies that re-plan; absent for scenarios written directly.
struct PlanContext;

struct SimInput {
  SimHorizon horizon;
  std::vector<SimPool> pools;
  std::vector<SimRun> runs;
  std::vector<SimService> services;
  SimRules rules;
  Dollars fixed_cost;                          // paid whatever happens (porting; commitment months past the horizon)
  std::optional<Dollars> plan_cost;            // the planner's own figure; default: evaluate_plan()
  std::shared_ptr<const PlanContext> context;  // set by sim_input_from_plan
};

// Consistency of an input an adapter or reader built: list lengths, pool
// indices, whole instances, the plan within each pool's capacity, deadlines
// inside the horizon. Locations come from the values' defined_at.
Diagnostics validate_sim_input(const SimInput& in);

// The plan on its own terms, without any risk: each run trains at its planned
// rate month by month (finishing inside a month when its tokens are reached),
// commitments and rented chips are billed every hour, pay-as-you-go chips held
// beyond the rented ones while held.
struct PlanOutcome {
  Dollars cost;                       // incl. fixed_cost
  std::vector<double> finish_hours;   // per run, hours from the start; < 0 = not finished in the horizon
  std::vector<int> finish_month;      // per run; horizon months() = not finished
  std::vector<double> spend_by_pool;  // $ per pool
};
PlanOutcome evaluate_plan(const SimInput& in);

}  // namespace xpu
