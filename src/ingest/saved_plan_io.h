// Reading a saved plan (`xpuplan plan PORTFOLIO --json > plan.json`) back
// against its portfolio: the decisions only (purchases, rentals, assignments,
// robustness reserves, porting); rates, summary and checker are re-derived from the portfolio.
// Its numbers carry the 6 significant digits of canonical JSON, so the plan
// read back claims what its decisions cost, not the file's rounded total.
// Offers, workloads, months and runtimes that do not match the portfolio are
// errors at their JSON pointer, with the near miss, all in one pass.
#pragma once

#include <string>

#include "base/diagnostics.h"
#include "planner/plan.h"
#include "planner/portfolio.h"

namespace xpu {

// Parses plan JSON `text` (named `name` in messages); `ds` receives every
// problem. The result is only meaningful without errors.
Plan parse_saved_plan(const std::string& text, const std::string& name, const Portfolio& p, Diagnostics& ds);

// Reads a saved plan file; throws InputError with every diagnostic.
Plan load_saved_plan(const std::string& path, const Portfolio& p);

}  // namespace xpu
