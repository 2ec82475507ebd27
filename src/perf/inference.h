// Serving performance: prefill, decode, memory and continuous batching.
//
// Prefill pushes every prompt token through every layer (compute-bound,
// attention quadratic in the prompt); decode produces one token per sequence
// per step, reading the weights (the routed experts' at small batch) and the
// KV cache each step (memory-bound at small batch, compute-bound at large).
// A replica of `tp * pp` chips (`ep` spreads experts over them) serves a
// stream of requests with continuous batching; its steady state gives the
// batch that forms, TTFT and TPOT, and the request rate it sustains under
// latency targets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/units.h"
#include "catalog/stack.h"
#include "perf/collectives.h"
#include "perf/fabric.h"
#include "workload/model.h"

namespace xpu {

struct ServingJob {
  double input_len = 2048;              // mean prompt tokens
  double output_len = 256;              // mean generated tokens
  Precision weights = Precision::bf16;  // weight format
  Precision kv = Precision::bf16;       // KV-cache format
  bool weight_only = false;             // weights stored low-precision, matmuls in bf16 (W8A16, W4A16)
};

struct ServingLayout {
  int tp = 1;  // tensor parallel, inside the scale-up domain
  int pp = 1;  // pipeline stages
  int ep = 1;  // expert parallel (MoE); experts spread over ep of the tp*pp chips
  int chips() const { return tp * pp; }
  friend bool operator==(const ServingLayout&, const ServingLayout&) = default;
};

enum class Bound : unsigned char { compute, memory, communication };
std::string_view to_string(Bound b);

// Parameter groups of the model, as decode and prefill read them.
struct ServingShapes {
  double attn_params = 0;  // one layer's attention projections
  double dense_mlp = 0;    // one dense layer's MLP
  double expert = 0;       // one routed expert
  double shared = 0;       // a MoE layer's shared experts together
  double router = 0;
  double head = 0;  // LM head
  int moe_layers = 0;
  int dense_layers = 0;
  double qk = 0, v = 0;  // per-head dims of scores and values
};

// Everything about (model, hardware, stack, job) that no layout changes.
struct InferenceContext {
  const ModelArch* model = nullptr;
  const StackEfficiency* stack = nullptr;
  Fabric fabric;
  ServingJob job;
  Precision compute = Precision::bf16;  // matmul precision actually used
  FlopRate peak;
  LinkEfficiency links;
  ParamCount params;
  ServingShapes shapes;
  double weight_bytes = 2;        // per parameter
  double kv_bytes_per_token = 0;  // all layers, whole KV cache of one token
};

InferenceContext prepare_inference(const ModelArch& model, const Fabric& fabric, const StackEfficiency& stack,
                                   const ServingJob& job);

struct ServingMemory {
  Bytes weights;      // per chip
  Bytes activations;  // per chip, at the batch cap
  Bytes reserve;
  Bytes kv_capacity;      // per chip, what is left for the KV cache
  int max_sequences = 0;  // concurrent sequences of the job's length that fit (per replica)
};

// The memory plan of one replica; max_sequences = 0 means the weights alone do not fit.
ServingMemory serving_memory(const InferenceContext& ctx, const ServingLayout& l);

struct StepTime {
  Seconds time;
  Bound bound = Bound::memory;
  Seconds compute, memory, communication;  // the parts before overlap
};

// One decode step for `batch` sequences whose context averages `context` tokens.
StepTime decode_step(const InferenceContext& ctx, const ServingLayout& l, double batch, double context);
// Prefill of `tokens` prompt tokens (of prompts `prompt_len` long) in one pass.
StepTime prefill(const InferenceContext& ctx, const ServingLayout& l, double tokens, double prompt_len);

// Latency targets; zero = none.
struct ServingSlo {
  Seconds ttft;  // p50 time to first token (p99 reported separately)
  Seconds tpot;  // p50 time per output token
};

struct ServingEstimate {
  ServingLayout layout;
  int batch = 0;                   // sequences decoding together at steady state
  Seconds ttft_p50, ttft_p99;      // time to first token
  Seconds tpot_p50, tpot_p99;      // time per output token
  Seconds e2e_p50;                 // a request from arrival to last token
  double requests_per_s = 0;       // per replica
  double output_tokens_per_s = 0;  // per replica
  double output_tokens_per_s_per_chip = 0;
  Bound prefill_bound = Bound::compute;
  Bound decode_bound = Bound::memory;
  ServingMemory memory;
  bool meets_slo = true;
  std::string binding;  // which target binds ("tpot", "ttft", "memory"), when one does
};

// Steady state of one replica under continuous batching at `rate` requests/s
// (nullopt: as fast as it can go within the SLOs, MLPerf Offline-like).
ServingEstimate serve(const InferenceContext& ctx, const ServingLayout& l, std::optional<double> rate,
                      const ServingSlo& slo, int batch_cap = 0);

// Fixed-batch run to completion (MLPerf-style latency scenario, vLLM
// benchmark_latency): `batch` requests of the job's lengths started together.
ServingEstimate run_batch(const InferenceContext& ctx, const ServingLayout& l, int batch);

struct ServingSearch {
  std::vector<ServingEstimate> pareto;     // throughput per chip vs TPOT, best per chip first
  std::optional<ServingEstimate> best;     // meets the SLOs at the fewest chips for the rate
  std::optional<ServingEstimate> closest;  // when nothing meets them: the nearest, with `binding`
  int replicas = 0;                        // for the rate, with `best`
  long long evaluated = 0;
};

// Layout search for a load: chips per replica, tp/pp/ep, batch cap; the
// layout meeting the SLOs at the fewest total chips for `rate` requests/s.
ServingSearch search_serving(const InferenceContext& ctx, double rate, const ServingSlo& slo);

}  // namespace xpu
