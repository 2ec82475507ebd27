// The rules a layout's parallel degrees must follow on a model, checked the
// same way for training and serving before any search: tensor parallelism
// splits attention heads, pipeline parallelism splits layers, expert
// parallelism splits routed experts. The search engines enumerate only
// degrees that pass (perf/search.cpp, perf/inference.cpp); a degree a user
// fixes is refused here with the rule named, never ignored or estimated.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "base/diagnostics.h"
#include "workload/model.h"

namespace xpu {

// The most chips one job or one replica set may use: counts past this are
// refused (or reported as out of range) before any arithmetic can overflow.
inline constexpr std::int64_t kMaxChipsSized = std::int64_t{1} << 24;  // 16,777,216

// The most replicas of `chips_per_replica` chips within kMaxChipsSized (at least 1):
// what a rate past the limit is answered with (infer, compare).
inline int replicas_sized(int chips_per_replica) {
  return static_cast<int>(std::max<std::int64_t>(1, kMaxChipsSized / std::max(1, chips_per_replica)));
}

// Degrees a request fixes (nullopt: left to the search). `chips_per_replica`
// is serving's `chips` (tp = chips / pp when tp is not given).
struct FixedDegrees {
  std::optional<int> tp, pp, ep;
  std::optional<int> chips_per_replica;
};

// Diagnostics at "/tp", "/pp", "/ep" or "/chips" for each rule broken:
// tp divides the attention heads; pp at most the layers; ep only on a MoE
// model and dividing its routed experts; chips per replica a multiple of pp.
// Degrees that are not positive are left to the caller's positivity check.
Diagnostics check_fixed_degrees(const ModelArch& m, const FixedDegrees& d);

}  // namespace xpu
