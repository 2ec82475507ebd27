// The plan job: the cheapest month-by-month plan for a portfolio of training
// runs and services across vendors, clouds and purchase terms, what binds it,
// savings against baselines and an independent check.
#pragma once

#include "api/common.h"
#include "base/parallel.h"
#include "planner/planner.h"

namespace xpu::api {

struct PlanRequest {
  Portfolio portfolio;  // resolved against the data set by a shell (ingest/portfolio_io.h)
  // Seconds for the solve: fluid LP, warm start, search and sensitivity
  // re-solves together (PlanOptions::time_limit_s); the baselines are extra.
  double time_limit = 60;
  double gap = 1e-4;      // stop within this relative gap of the best bound, [0, 1)
  int threads = 1;        // CBC threads (deterministic); the engines use the budget the shell passes
  bool baselines = true;  // also plan the baselines, for savings
  bool fluid = false;     // the fluid model (average chips, not launchable) instead of the executable one
  // The main solve's state about every progress_interval seconds (elapsed,
  // incumbent, bound, gap), from a solver thread; empty: none. Not part of
  // the report.
  std::function<void(const MilpProgress&)> progress;
  double progress_interval = 0.25;
};

struct PlanReport {
  Portfolio portfolio;
  RateTable rates;  // what each workload achieves on each accelerator
  PlanResult result;
  // none_meets: no plan (infeasible, time limit) or the checker found violations.
  Outcome outcome = Outcome::answered;
};

Diagnostics check(const PlanRequest& r);

// `engines` is the budget of the performance models' searches (rates).
Expected<PlanReport, Diagnostics> run_plan(const DataSet& data, const PlanRequest& request, ThreadBudget engines);

}  // namespace xpu::api
