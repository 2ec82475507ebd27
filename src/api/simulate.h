// The simulate job: a plan run against the risks of its horizon (supply
// shocks, late deliveries, spot reclaims, hardware failures) many times over,
// under one or more recovery policies, answered as distributions
// (sim/simulate.h). The plan comes from the planner (planned first, or a saved
// plan read back against its portfolio) through the one adapter
// (sim/from_plan.h), or a simulator input is given directly (a scenario).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/plan.h"
#include "sim/risks.h"
#include "sim/simulate.h"

namespace xpu::api {

// Runs every replica of a prepared simulation across processes (MPI ranks,
// dist/mpi_launch.h): the records of all replicas in replica order on the
// process that reports, nullopt on the others. `threads` is each process's budget.
using ReplicaRunner = std::function<std::optional<std::vector<double>>(const PreparedSim&, unsigned threads)>;

struct SimulateRequest {
  // Plan mode: `planning.portfolio` (resolved by a shell), planned first unless
  // `plan` holds a saved plan for it.
  std::optional<PlanRequest> planning;
  std::optional<Plan> plan;
  // Scenario mode: a simulator input written directly (ingest/sim_input_io.h).
  std::optional<SimInput> scenario;
  // Resolved against the input's pools: sim_pools_from_portfolio(portfolio) in
  // plan mode, the scenario otherwise, both cut to `months`. Default: no risks.
  Risks risks;
  SimOptions options;  // replicas, seed, threads, policies
  int months = 0;      // simulate only the first months of the horizon (0 = all)
  // Called between blocks of replicas with (done, total), from the calling thread.
  std::function<void(uint32_t done, uint32_t total)> progress;
  // Set: the replicas run through it (no progress calls); default: this process.
  ReplicaRunner runner;
};

struct SimulateReport {
  SimInput input;                  // what was simulated (after the cut)
  std::optional<PlanReport> plan;  // plan mode: the planner's report (with a saved plan: its check)
  SimResult result;                // empty when there is no plan to simulate
  // none_meets: the planner found no plan; nothing was simulated.
  Outcome outcome = Outcome::answered;
  std::string note;  // why nothing was simulated
  // False on the processes of a ReplicaRunner that do not report (MPI ranks
  // other than 0): they computed their share; the result is elsewhere.
  bool reporter = true;
};

Diagnostics check(const SimulateRequest& r);

// `engines` is the budget of the performance models' searches (planning).
Expected<SimulateReport, Diagnostics> run_simulate(const DataSet& data, const SimulateRequest& request,
                                                   ThreadBudget engines);

}  // namespace xpu::api
