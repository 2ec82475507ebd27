// Parallel-layout search: every TP, PP, DP, CP, EP, virtual-stage,
// micro-batch, recompute, sharding and sequence-parallel choice that the job's
// divisibility and the chip's memory allow, ranked by throughput.
//
// Degrees fixed by the caller are not searched. Subtrees whose weights and
// optimizer state cannot fit are pruned before their micro-batch and
// recompute choices are tried. Outer (tp, cp, pp) tuples are spread over
// threads; each thread keeps its own top-k and the lists are merged in a
// fixed order, so the result is identical for any thread count.
#pragma once

#include <optional>
#include <vector>

#include "base/parallel.h"
#include "perf/training.h"

namespace xpu {

struct LayoutConstraints {
  std::optional<int> tp, pp, dp, cp, ep, vpp, micro_batch;
  std::optional<Recompute> recompute;
  std::optional<Sharding> sharding;
  std::optional<bool> sequence_parallel;
};

struct SearchOptions {
  LayoutConstraints fixed;
  int top = 5;                 // layouts to return
  double memory_margin = 0.1;  // fraction of HBM kept free for the "safe" pick
  ThreadBudget threads;        // outer (tp, cp, pp) tuples spread over these; results do not depend on it
  int max_tp = 64;
  int max_cp = 32;
  int max_vpp = 8;
  int max_micro_batch = 16;
  bool prune = true;  // false: try every inner choice (the benchmark's baseline)
  // Same answer either way (perf/search_test.cpp); false: the equality tests'
  // and the benchmark's exhaustive baseline.
  bool memo = true;   // share layer costs between the layouts of one (tp, cp, pp)
  bool bound = true;  // full estimates only for layouts whose step-time floor can still rank
};

struct RankedLayout {
  Layout layout;
  TrainingEstimate estimate;
};

struct SearchResult {
  std::vector<RankedLayout> best;       // fastest layouts that fit, fastest first
  std::optional<RankedLayout> safe;     // fastest that leaves `memory_margin` free
  std::optional<RankedLayout> closest;  // when nothing fits: the one missing the fewest bytes
  long long evaluated = 0;              // layouts estimated
  long long fitting = 0;                // of which fit in memory
  long long pruned = 0;                 // subtrees cut before their inner choices
  std::string_view invalid;             // when nothing was valid: why the first candidate was not
};

SearchResult search_layouts(const TrainingContext& ctx, int chips, const SearchOptions& options);

}  // namespace xpu
