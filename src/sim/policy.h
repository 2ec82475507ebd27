// Recovery policies: what to do when capacity is lost, comes back, or a new
// month starts. One method, decide(): the policy sees the simulation state
// (read-only) and the runs and services that need a decision, and returns new
// allocations for any of them. The engine applies each allocation after
// checking it: an allocation past a pool's available chips is rejected and
// counted as a breach; one that breaks a site's power budget or a vendor or
// provider share cap is applied and counted as a breach.
//
// The registry lists every policy with one line; there is no self-registration.
// `replan` (sim/replan.h) re-solves the planner for the remaining horizon
// through the same interface.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "base/sim_time.h"
#include "sim/input.h"

namespace xpu {

enum class RunStatus : unsigned char {
  waiting,     // holds no chips (not started, paused by the plan, or lost its capacity)
  restarting,  // holds chips; loading a checkpoint (or detecting and replacing a failed chip)
  running,     // training
  done,
};

struct RunView {
  RunStatus status = RunStatus::waiting;
  RunMonth current;        // what it holds now (pool -1 when waiting or done)
  RunMonth planned;        // what the plan gives it this month (past the plan's last month: its last allocation)
  double tokens_done = 0;  // trained so far (running: up to now; otherwise: in its last checkpoint)
};

struct ServiceView {
  std::span<const ReplicaSet> current;  // held now (replicas down for repair included)
  std::span<const ReplicaSet> planned;  // the plan's sets this month
  double demand_rps = 0;
};

struct PoolView {
  int64_t available = 0;  // chips the pool can give now (after shocks, spot, late deliveries)
  int64_t held = 0;       // chips runs and services hold in it
};

struct PolicyView {
  const SimInput& input;
  SimTime now;
  int month = 0;
  std::span<const PoolView> pools;
  std::span<const RunView> runs;
  std::span<const ServiceView> services;
  std::span<const std::vector<RunOption>> run_options;          // per run: the plan's layouts and its options
  std::span<const std::vector<ServiceOption>> service_options;  // per service
  std::span<const int> pending_runs;                            // runs that need a decision, ascending
  std::span<const int> pending_services;

  int64_t spare(int pool) const { return pools[pool].available - pools[pool].held; }
};

// pool -1 (or chips 0) releases the run's chips.
struct RunAllocation {
  int run = 0;
  RunMonth to;
};

struct ServiceAllocation {
  int service = 0;
  std::vector<ReplicaSet> sets;  // the service's complete new holdings
};

struct Decision {
  std::vector<RunAllocation> runs;
  std::vector<ServiceAllocation> services;
  void clear() {
    runs.clear();
    services.clear();
  }
};

class SimPolicy {
 public:
  virtual ~SimPolicy() = default;
  // Appends allocations for pending runs and services to `out`; a pending
  // one left out keeps what it holds.
  virtual void decide(const PolicyView& view, Decision& out) const = 0;
};

struct PolicyInfo {
  std::string_view name;
  std::string_view description;
  std::unique_ptr<SimPolicy> (*make)();
};

// Every policy, in a fixed order:
//   static    the plan as bought; lost capacity is not replaced
//   failover  SkyPilot-like: on a loss, the cheapest launchable on-demand pool with room
//   ordered   Kueue-like fixed preference: idle reserved chips, then on-demand, then spot
//   replan    re-solves the planner (fluid model) for the remaining horizon at each loss or deadline at risk
std::span<const PolicyInfo> sim_policies();
const PolicyInfo* find_policy(std::string_view name);
std::vector<std::string> policy_names();

}  // namespace xpu
