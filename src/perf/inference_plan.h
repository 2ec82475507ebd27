// What one serving layout's steps share whatever their batch: the collective
// groups' placements, the KV split and the KV bytes one decode query reads at
// the search's context. The serving search (perf/inference.cpp) computes them
// once per layout instead of once per step; they are the very values the step
// would compute (the same functions on the same arguments), so a step with a
// plan is bit-identical to one without.
#pragma once

#include "perf/collectives.h"
#include "perf/inference.h"

namespace xpu {

struct StepPlan {
  Placement tp;            // place_group(fabric, tp, 1), read when tp > 1 without attention DP
  Placement group;         // place_group(fabric, tp / attn_dp, 1), read under attention DP
  Placement ep;            // place_group(fabric, ep, 1), read under attention DP with ep > 1
  double kv_div = 1;       // kv_split(c, l)
  double context = -1;     // the decode context kv_attended is for
  double kv_attended = 0;  // kv_bytes(c, context, true)
  double kv_token = 0;     // kv_bytes(c, 1.0)
};

// The plan of layout `l` for steps decoding at mean context `context`.
StepPlan plan_step(const InferenceContext& c, const ServingLayout& l, double context);

// mixed_step with the layout's plan.
StepTime mixed_step(const InferenceContext& c, const ServingLayout& l, const StepPlan& plan, double batch,
                    double context, double prompt, double prompt_len);

// Prompt tokens the busiest of `dp` attention data-parallel ranks prefills in
// one iteration that prefills `prefill` tokens of prompts of `prompt_len`
// (a steady stream's Poisson arrivals, or one `deterministic` pass).
double busiest_rank_prefill(double prefill, double prompt_len, double dp, bool deterministic);

// Whether the serving search treats layout `l`'s step as non-decreasing in
// the batch (the argument and its exceptions: perf/inference.cpp).
bool step_monotone_in_batch(const InferenceContext& c, const ServingLayout& l);
// Whether, besides, its step per sequence is non-increasing in the batch (a
// replica carries at most its cap's rate): not under attention data
// parallelism (perf/inference.cpp).
bool step_star_shaped_in_batch(const InferenceContext& c, const ServingLayout& l);

// What the serving search's latency verdict at Little's-law batch `batch`
// (batch cap `cap`) compares with the targets: the steady step, the p99 TPOT
// and the p99 TTFT, by the search's own functions.
struct BatchLatency {
  Seconds step;
  Seconds tpot_p99;
  Seconds ttft_p99;
};
BatchLatency latency_at_batch(const InferenceContext& c, const ServingLayout& l, double batch, double cap);

// The prompts' wait for what the per-iteration token budget leaves after the
// decodes, at Little's-law batch `batch`: an M/G/1 queue in prompt tokens per
// attention data-parallel rank (perf/inference.cpp). The utilisation, and the
// mean and p99 waits in steps.
struct PrefillQueue {
  double rho = 0;
  double mean = 0;
  double p99 = 0;
};
PrefillQueue prefill_queue(const InferenceContext& c, const ServingLayout& l, double batch);

}  // namespace xpu
