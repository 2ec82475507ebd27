// Reading risk files for the simulator (format: docs/simulate.md; example:
// examples/risks.yaml): supply shocks, scripted shocks, late deliveries, spot
// availability, hardware failures, checkpointing and price changes. Names are
// resolved against the simulator input they apply to (its pools, vendors,
// providers, accelerators and horizon). Every problem is reported with
// file:line:col, near misses suggested, all in one pass.
#pragma once

#include <string>

#include "base/diagnostics.h"
#include "sim/input.h"
#include "sim/risks.h"

namespace xpu {

// Parses risks from `text` (named `name` in messages). `ds` receives every
// problem, sorted by position; the result is only meaningful without errors.
Risks parse_risks(const std::string& text, const std::string& name, const SimInput& in, Diagnostics& ds);

// Reads a risks file; throws InputError with every diagnostic.
Risks load_risks(const std::string& path, const SimInput& in);

}  // namespace xpu
