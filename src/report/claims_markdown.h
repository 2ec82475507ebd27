// The claims report as the Markdown of docs/claims.md: the workloads, each
// claim's table, result, what decides it and the commands that reproduce it,
// a summary and the limits. Deterministic.
#pragma once

#include <string>

#include "analysis/claims.h"

namespace xpu {

std::string claims_markdown(const ClaimsResult& claims);

}  // namespace xpu
