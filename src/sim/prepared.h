// Internal to sim: what one simulate() call derives once from its input,
// risks and options, the draws of one replica, and the layout of the
// per-replica outcome record that simulate_block writes and summarize reads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/sim_time.h"
#include "sim/input.h"
#include "sim/policy.h"
#include "sim/risks.h"
#include "sim/simulate.h"

namespace xpu {

struct PoolPrep {
  double fail_per_chip_s = 0;  // unexpected + planned interruptions per chip-second
  double detect_s = 0;
  double replace_s = 0;
  double loss_per_s = 0;             // rate of spot reclaims and supply shocks hitting it (for Young/Daly)
  int site = -1;                     // index into rules.sites
  std::vector<double> price_factor;  // per month, product of the price changes
};

struct RunPrep {
  std::vector<RunMonth> planned;  // per month; past the plan's last month its last allocation
  int first_planned = -1;         // first month with an allocation (-1: none)
  int last_planned = -1;
  double write_s = 0;       // checkpoint write time (0: no checkpoints are written)
  bool checkpoints = true;  // false: a loss restarts from the beginning
  double restart_s = 0;
};

// A source of lost capacity, for "which shocks hurt most".
struct RiskSource {
  std::string name;
};

// Pre-drawn capacity changes of one replica (the same for every policy).
struct TimelineEvent {
  enum class Kind : unsigned char { factor_on, factor_off, missing_on, missing_off };
  SimTime t;
  Kind kind = Kind::factor_on;
  uint32_t pool = 0;
  uint32_t effect = 0;  // identifies the effect an _off event ends
  double value = 0;     // factor: depth (fraction of capacity lost); missing: chips not delivered
};

struct ReplicaDraws {
  std::vector<TimelineEvent> events;    // sorted by time, ties in draw order
  std::vector<double> lost_chip_hours;  // per risk source
  std::vector<double> event_counts;     // per risk source
};

// Offsets in one replica's record of doubles.
struct OutcomeLayout {
  size_t sources = 0;      // capacity risk sources
  size_t per_policy = 0;   // doubles per policy
  size_t stride = 0;       // doubles per replica
  size_t policy_base = 0;  // first policy's offset
  size_t pools = 0, runs = 0, services = 0, months = 0;
  // Within a policy block:
  static constexpr size_t kCost = 0, kBreaches = 1, kFailureChipHours = 2, kFailureEvents = 3, kHeader = 4;
  // Per run: finish hours (-1: not finished), finish month (months(): not finished), useful compute s,
  // held s, interruptions, evictions, useful tokens, potential tokens (its rate over the time it held chips).
  static constexpr size_t kRunFields = 8;
  size_t spend(size_t pool) const { return kHeader + pool; }
  size_t run(size_t r) const { return kHeader + pools + r * kRunFields; }
  size_t service(size_t s) const { return kHeader + pools + runs * kRunFields + s; }
  // Per month end: cumulative spend ($, fixed cost in the last month), then per run the fraction of its tokens done.
  size_t monthly_cost(size_t m) const { return service(services) + m; }
  size_t monthly_progress(size_t r, size_t m) const { return service(services) + months + r * months + m; }
};

struct PreparedSim {
  SimInput in;
  Risks risks;
  SimOptions options;
  std::vector<SimTime> month_start;  // months() + 1 points; the last is the horizon's end
  std::vector<PoolPrep> pools;
  std::vector<RunPrep> runs;
  std::vector<std::vector<RunOption>> run_options;          // per run: the plan's layouts, then its options
  std::vector<std::vector<ServiceOption>> service_options;  // per service, the same
  std::vector<std::vector<int>> shock_pools, scripted_pools, late_pools, spot_pools;  // per rule
  std::vector<RiskSource> sources;  // shocks, scripted, late, spot (in that order)
  std::vector<std::unique_ptr<SimPolicy>> policies;
  std::vector<std::string> policy_names;
  PlanOutcome plan;
  Dollars plan_cost;
  OutcomeLayout layout;

  int month_of(SimTime t) const;  // month containing t (months() at or past the end)
};

// Capacity draws of replica `replica` (risks only; no policy involved).
ReplicaDraws draw_replica(const PreparedSim& prep, uint32_t replica);

// Simulates one replica under policy `k`, writing its block of the record at `out`.
void run_policy(const PreparedSim& prep, const ReplicaDraws& draws, size_t k, uint32_t replica, double* out);

// Chip-hours of pool p's planned capacity between t0 and t1, times `fraction`.
double capacity_chip_hours(const PreparedSim& prep, int pool, SimTime t0, SimTime t1, double fraction);

}  // namespace xpu
