// A planning result as canonical JSON (`xpuplan plan --json`): status,
// solver figures, cost breakdowns, the month-by-month plan, shares, power,
// each workload's schedule, binding constraints, baselines with savings,
// the checker's verdict and, when infeasible, the diagnosis. No timings, so
// the same input gives byte-identical output.
#pragma once

#include "planner/planner.h"
#include "report/json_out.h"

namespace xpu {

Json to_json(const Portfolio& p, const RateTable& rates, const PlanResult& r);

// The checker's part alone: {"verdict": "ok" | "...", "violations": [...], "cost": ...}.
Json to_json(const CheckReport& c);

// Savings of `plan_cost` against a baseline's cost: {"cost", "saving", "saving_pct"}.
Json saving_json(double baseline_cost, double plan_cost);

}  // namespace xpu
