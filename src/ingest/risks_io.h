// Reading risk files for the simulator (format: docs/simulate.md; example:
// examples/risks.yaml): supply shocks, scripted shocks, late deliveries, spot
// availability, hardware failures, checkpointing and price changes. Names are
// resolved against the simulator input they apply to (its pools, vendors,
// providers, accelerators and horizon). Every problem is reported with
// file:line:col, near misses suggested, all in one pass.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "sim/input.h"
#include "sim/risks.h"

namespace xpu {

// Parses risks from `text` (named `name` in messages). `ds` receives every
// problem, sorted by position; the result is only meaningful without errors.
Risks parse_risks(const std::string& text, const std::string& name, const SimInput& in, Diagnostics& ds);

// The `risks:` section of a portfolio file (same schema as a risks file),
// with problems at their place in that file; nullopt when it has none.
std::optional<Risks> parse_portfolio_risks(const std::string& portfolio_text, const std::string& name,
                                           const SimInput& in, Diagnostics& ds);

// The top-level sections a risks text gives ("shocks", "checkpoint", ...).
std::vector<std::string> risk_sections(const std::string& text);

// `base` with each section `over` gives (`over_sections`) replaced by over's:
// a --risks file overrides the portfolio's section by section.
Risks merge_risks(Risks base, Risks over, const std::vector<std::string>& over_sections);

// The risks for a portfolio file: its `risks:` section, then the file at
// `risks_path` (when given) replacing it section by section; nullopt when
// neither gives any. Problems (file:line:col) go to `ds`.
std::optional<Risks> read_portfolio_risks(const std::string& portfolio_path,
                                          const std::optional<std::string>& risks_path, const SimInput& shape,
                                          Diagnostics& ds);

// What the planner plans slack for (planner/portfolio.h GangInterruptions):
// none when `off` (--no-interruptions); else `risks`'s failures, checkpoint
// and spot reclaims (sim/risks.h apply_gang_interruptions); else, with no
// risks at all, GangInterruptions::llama3().
void set_planned_interruptions(Portfolio& p, const std::optional<Risks>& risks, bool off);

// Reads a risks file; throws InputError with every diagnostic.
Risks load_risks(const std::string& path, const SimInput& in);

}  // namespace xpu
