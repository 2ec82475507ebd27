// The simulate job's report for people (text) and programs (canonical JSON):
// what was simulated (a plan, with its own cost and checker verdict, or a
// scenario), then per policy the distributions of sim/render.h.
#pragma once

#include <string>

#include "api/simulate.h"
#include "report/json_out.h"

namespace xpu {

// {"input": {...}, "plan": {...} (plan mode), "simulation": {...}} with sorted
// keys; "simulation" is sim/render.h's render_json (stable field names).
Json to_json(const api::SimulateReport& r);
std::string to_text(const api::SimulateReport& r);
// One self-contained page (simulate_html.cpp): cost and progress fan charts,
// the policy comparison, finish-month histograms, tables.
std::string to_html(const api::SimulateReport& r);

}  // namespace xpu
