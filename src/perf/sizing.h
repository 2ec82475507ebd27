// The engines' answers to the two questions every command asks, in one place:
// "the best training layout on (up to) N chips" and "the fewest chips that
// serve this load within the SLOs". train, infer, compare, plan and validate
// all call these, so they cannot disagree; the job defaults they share
// (the global batch, the KV-cache format) are here too.
#pragma once

#include <optional>
#include <string>

#include "catalog/accelerator.h"
#include "catalog/stack.h"
#include "catalog/system.h"
#include "perf/inference.h"
#include "perf/search.h"
#include "perf/training.h"
#include "workload/model.h"

namespace xpu {

// --- Defaults ----------------------------------------------------------------

// About 4M tokens per optimizer step (2^22), a common pre-training choice.
inline constexpr double kDefaultTokensPerStep = 4194304;
// The global batch, in sequences of `seq_len`, that makes about 4M tokens (at least 1).
int default_global_batch(int seq_len);
// The same rounded to whole sequences per chip on `chips` chips (for
// published runs that do not record their batch).
int default_global_batch(int seq_len, int chips);
// The KV-cache format unless one is given: fp8 with fp8/fp4 weights, else
// bf16; weight-only quantization keeps activations, and the cache, in bf16.
Precision default_kv_precision(Precision weights, bool weight_only);
// The chip counts tried when a count has no layout: whole units of this many
// chips (a node or instance; a pod or rack is sliced in 8s).
int chip_unit(const System* system);

// --- Training ------------------------------------------------------------------

// What a training run is and what it runs on. The pointers must outlive the
// answers built from it (a TrainingContext keeps the model and stack).
struct TrainingSetup {
  const ModelArch* model = nullptr;
  const Accelerator* accelerator = nullptr;
  const System* system = nullptr;  // null: the accelerator's own default domain
  const StackEfficiency* stack = nullptr;
  TrainingJob job;
};

struct LayoutAnswer {
  int chips_asked = 0;
  int chips = 0;              // the count the answer is for: chips_asked unless that count has no valid layout
  std::string fewer_because;  // why fewer chips than asked, when so
  TrainingContext ctx;        // at `chips` (a torus slice's shape depends on the count)
  SearchResult search;        // at `chips`
  [[nodiscard]] bool found() const { return !search.best.empty(); }
  // Why no layout was found, as a clause ("does not fit in memory ...", "no valid layout ..."); empty when found.
  [[nodiscard]] std::string why_none() const;
};

// The best layouts at exactly `chips` chips.
LayoutAnswer best_layout_at(const TrainingSetup& s, int chips, const SearchOptions& options);

// The best layouts on at most `chips` chips: `chips` itself unless no layout
// is valid there (the degrees cannot split it, the batch does not divide);
// then the largest count below it that has a valid layout (tried: the 64
// nearest whole units of `unit` chips, of 1 below one unit, and powers of two
// down to an eighth), with the reason in fewer_because. A
// count whose layouts are valid but do not fit in memory is the answer as it
// is: fewer chips would need more memory each.
LayoutAnswer best_layout_up_to(const TrainingSetup& s, int chips, int unit, const SearchOptions& options);

// --- Serving -------------------------------------------------------------------

struct ServingSetup {
  const ModelArch* model = nullptr;
  const Accelerator* accelerator = nullptr;
  const System* system = nullptr;  // null: the accelerator's own default domain
  const StackEfficiency* stack = nullptr;
  ServingJob job;
};

// The context a replica runs in: the fabric of one scale-up domain of the
// system (or of `chips` chips when given).
InferenceContext serving_context(const ServingSetup& s, std::optional<int> chips = std::nullopt);

struct ServiceSize {
  InferenceContext ctx;
  ServingSearch search;  // best: the fewest chips meeting the SLOs for the rate; closest when none does
};

// The layout and replicas that serve `rate` requests/s within `slo` at the fewest chips;
// `max_num_tokens` the per-iteration token budget (0: the stack's, token_budget).
ServiceSize size_service(const ServingSetup& s, double rate, const ServingSlo& slo, int max_num_tokens = 0);

// Requests/s one replica of `layout` sustains within `slo`, refined by
// bisection from `floor` (a rate it is known to sustain) up to its unloaded top rate.
double replica_capacity(const InferenceContext& ctx, const ServingLayout& layout, const ServingSlo& slo, double floor);

// "tp8 pp2 ep8" (pp and ep only when above 1).

}  // namespace xpu
