// Monte Carlo over a plan: `replicas` futures drawn from the risks, each run
// under every requested policy with the same draws (common random numbers),
// summarized per policy as distributions with their sampling errors.
//
// Deterministic: replica r of seed s uses counter-based streams keyed by
// (s, r, stream), per-replica outcomes are merged in replica order, so the
// result is identical for any thread count and any split over MPI ranks
// (simulate_block + summarize is what dist/ runs).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/expected.h"
#include "sim/input.h"
#include "sim/risks.h"

namespace xpu {

struct SimOptions {
  uint32_t replicas = 1000;
  uint64_t seed = 1;
  unsigned threads = 1;               // the caller's thread budget (>= 1)
  std::vector<std::string> policies;  // registry names; empty = {"static"}
};

struct MeanSe {
  double mean = 0;
  double se = 0;  // Monte Carlo standard error of the mean (sample sd / sqrt(n))
  friend bool operator==(const MeanSe&, const MeanSe&) = default;
};

// Percentiles by linear interpolation between order statistics (Hyndman & Fan type 7).
struct Spread {
  double p10 = 0, p50 = 0, p90 = 0, p99 = 0;
  friend bool operator==(const Spread&, const Spread&) = default;
};

struct RunSummary {
  std::string name;
  int deadline = 0;
  int planned_finish_month = 0;        // evaluate_plan's; months() = not in the horizon
  std::vector<double> finish_month_p;  // P(finish in month m), m = 0..months()-1, then P(not finished)
  double p_miss_deadline = 0;          // not done by the end of its deadline month
  MeanSe p_miss_se;                    // the same with its standard error
  // finish - planned finish, days. A replica that does not finish within the
  // horizon counts the horizon's end: its delay is only a lower bound
  // (`delay_censored_days`). Without a planned finish (the plan does not
  // finish the run in the horizon) there is no delay to measure: every value
  // is measured from the horizon's end and `plan_finishes` is false.
  Spread delay_days;
  bool plan_finishes = true;
  double delay_censored_days = 0;  // the value an unfinished replica counts (horizon end - planned finish)
  MeanSe delay_mean_days;
  MeanSe effective_training_time;         // useful compute time / time chips were held (Llama 3 paper's definition)
  MeanSe goodput;                         // useful tokens / tokens the held chips would have trained at their rate
  MeanSe interruptions;                   // failures (unexpected and planned) the gang suffered
  MeanSe evictions;                       // capacity losses (shocks, spot, late deliveries) that stopped it
  std::vector<Spread> progress_by_month;  // fraction of its tokens done at each month's end
  std::vector<double> planned_progress;   // the same for the plan without risks (evaluate_plan's schedule)
};

struct ServiceSummary {
  std::string name;
  MeanSe violation_hours;  // hours when live capacity was below demand
  Spread violation_spread;
};

struct SpendLine {
  std::string key;  // vendor or term name
  MeanSe dollars;
};

// One risk source and how much more of it the worst decile of replicas saw.
struct RiskImpact {
  std::string source;            // "shock 'nvidia-supply'", "spot aws-h100-spot", "failures", ...
  double mean_all = 0;           // chip-hours of capacity lost, mean over all replicas
  double mean_worst_decile = 0;  // over the worst decile
  double events_all = 0;         // events per replica
  double events_worst_decile = 0;
};

struct PolicyResult {
  std::string policy;
  Spread cost;  // total $ per replica
  MeanSe cost_mean;
  double cost_vs_plan = 0;            // mean cost / plan cost - 1
  std::vector<Spread> cost_by_month;  // cumulative spend at each month's end ($; fixed cost in the last)
  std::vector<RunSummary> runs;
  std::vector<ServiceSummary> services;
  std::vector<SpendLine> spend_by_vendor;  // sorted by key
  std::vector<SpendLine> spend_by_term;
  MeanSe breaches;  // decisions that broke a capacity, power or share rule, per replica
  // Worst decile: replicas ranked by harm (hours of run delay + service SLO
  // violation hours, then cost); risk sources sorted by how much more the
  // worst decile lost than the average.
  std::vector<uint32_t> worst_replicas;  // first 10, worst first
  std::vector<RiskImpact> worst_decile;
};

struct SimResult {
  uint32_t replicas = 0;
  uint64_t seed = 0;
  std::vector<std::string> month_labels;
  Dollars plan_cost;  // SimInput::plan_cost, else evaluate_plan's
  std::vector<PolicyResult> policies;
};

// Everything simulate() prepares once per call (pools' failure rates, planned
// allocations, layouts, risk targets), plus the layout of one replica's
// outcome record. Opaque outside sim.
struct PreparedSim;
struct PreparedSimDeleter {
  void operator()(PreparedSim* p) const;
};
using PreparedSimPtr = std::unique_ptr<PreparedSim, PreparedSimDeleter>;

// Validates input, risks and options (every problem at once) and prepares.
Expected<PreparedSimPtr, Diagnostics> prepare_simulation(const SimInput& in, const Risks& risks,
                                                         const SimOptions& options);
// Doubles each policy records per replica for an input of this size (the
// outcome layout's policy block; a replica adds two per risk source).
size_t outcome_doubles_per_policy(size_t pools, size_t runs, size_t services, size_t months);
// Doubles per replica in a block (what simulate_block writes for each replica).
size_t outcome_stride(const PreparedSim& prep);
// The options it was prepared with (policies resolved: never empty).
const SimOptions& options_of(const PreparedSim& prep);
// Replicas [first, first + count) on `threads` threads: count x outcome_stride doubles, in replica order.
std::vector<double> simulate_block(const PreparedSim& prep, uint32_t first, uint32_t count, unsigned threads);
// The result from every replica's outcome (all replicas, in order).
SimResult summarize(const PreparedSim& prep, const std::vector<double>& outcomes);

// prepare_simulation + simulate_block over all replicas + summarize.
Expected<SimResult, Diagnostics> simulate(const SimInput& in, const Risks& risks, const SimOptions& options);

}  // namespace xpu
