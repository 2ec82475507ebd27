// Simple renderings of a SimResult for tests, examples and the MPI check.
// The report layer will own the user-facing text, JSON and HTML.
#pragma once

#include <string>

#include "sim/simulate.h"

namespace xpu {

// A few lines per policy: cost spread, each run's deadline risk and delay,
// services' SLO-violation hours, spend by vendor and term, the worst decile.
std::string render_text(const SimResult& r);

// Canonical JSON: keys sorted, numbers rounded to 6 significant digits,
// lists in the result's order. Byte-identical for identical results.
std::string render_json(const SimResult& r);

}  // namespace xpu
