// Reading a simulator input written by hand (format: docs/simulate.md,
// "Scenario files"; example: examples/llama3-405b-scenario.yaml): a horizon,
// pools, training runs with their monthly allocation, services with their
// replica sets, and rules. This is what tests and examples use until the plan
// adapter builds SimInput from a saved plan. Problems are reported with
// file:line:col, all at once.
#pragma once

#include <string>

#include "base/diagnostics.h"
#include "catalog/catalog.h"
#include "sim/input.h"

namespace xpu {

// Parses a scenario from `text` (named `name` in messages); `ds` receives
// every problem. The result is only meaningful without errors. Pools' and
// run options' accelerators are checked against `catalog` when given;
// vendors always.
SimInput parse_sim_input(const std::string& text, const std::string& name, Diagnostics& ds,
                         const Catalog* catalog = nullptr);

// Reads a scenario file; throws InputError with every diagnostic.
SimInput load_sim_input(const std::string& path, const Catalog* catalog = nullptr);

}  // namespace xpu
