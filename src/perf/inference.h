// Serving performance: prefill, decode, memory and continuous batching.
//
// Prefill pushes every prompt token through every layer (compute-bound,
// attention quadratic in the prompt); decode produces one token per sequence
// per step, reading the weights (the routed experts' at small batch) and the
// KV cache each step (memory-bound at small batch, compute-bound at large).
// Every kernel and collective of a step also costs a fixed time, which is what
// a batch-1 step is made of once the weights stream at full bandwidth.
// A replica of `tp * pp` chips (`ep` spreads experts over them; `attn_dp`
// runs attention data-parallel) serves a stream of requests with continuous
// batching; its steady state gives the batch that forms, TTFT and TPOT, and
// the request rate it sustains under latency targets. The equations and
// their sources are in docs/perf-model.md ("Inference").
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

// Speculative decoding with a draft head of the target's own shape (MTP,
// EAGLE, Medusa-like): each target step drafts `tokens` tokens one after the
// other with `draft_layers` decoder layers plus the LM head, then verifies
// the `tokens + 1` positions of every sequence in one target pass.
struct SpeculativeDecoding {
  int tokens = 0;           // drafted tokens per step; 0 = off
  double accept = 1;        // mean tokens emitted per target step (1 .. tokens + 1)
  double draft_layers = 1;  // decoder layers one draft token runs through
  bool enabled() const { return tokens > 0; }
};

struct ServingJob {
  double input_len = 2048;              // mean prompt tokens
  double output_len = 256;              // mean generated tokens
  Precision weights = Precision::bf16;  // weight format
  Precision kv = Precision::bf16;       // KV-cache format
  bool weight_only = false;             // weights stored low-precision, matmuls in bf16 (W8A16, W4A16)
  // Format of the attention projections (nullopt: as published low-precision
  // checkpoints keep them; attention_weight_precision). The LM head and the
  // embedding table always stay 16-bit.
  std::optional<Precision> attention_weights;
  // Spread of the request lengths (0 = every request the same length). A
  // sequence decoding at a random moment belongs to a long request more often
  // than the mean (length-biased sampling), so these set the mean context
  // the KV cache holds and attention reads.
  double input_cv = 0;        // standard deviation / mean of prompt lengths
  double output_cv = 0;       // standard deviation / mean of output lengths
  double io_correlation = 0;  // correlation of a request's prompt and output lengths
  SpeculativeDecoding spec;
};

// The format of the attention projections when the job does not say: FP4
// checkpoints of MoE models keep attention in bf16 and quantize the experts
// (and dense MLPs) alone; dense models and FP8/INT8 checkpoints quantize every
// projection. The LM head stays 16-bit in every low-precision checkpoint.
Precision attention_weight_precision(const ModelArch& m, const ServingJob& j);

// Mean context of a sequence decoding at a random step of the steady state:
// E[I O]/E[O] + E[O^2]/(2 E[O]) (each request decodes O steps at contexts I+1..I+O).
double inflight_context(const ServingJob& j);

struct ServingLayout {
  int tp = 1;       // tensor parallel, inside the scale-up domain
  int pp = 1;       // pipeline stages
  int ep = 1;       // expert parallel (MoE); experts spread over ep of each stage's tp chips
  int attn_dp = 1;  // attention data parallel: tp/attn_dp chips per attention group, each with its own sequences
  int chips() const { return tp * pp; }
  friend bool operator==(const ServingLayout&, const ServingLayout&) = default;
};

// "tp8 ep8 attn-dp8", "tp4 pp2": how reports and notes name a layout.
std::string to_string(const ServingLayout& l);

enum class Bound : unsigned char { compute, memory, communication, overhead };
std::string_view to_string(Bound b);

// Parameter groups of the model, as decode and prefill read them.
struct ServingShapes {
  double attn_params = 0;  // one layer's attention projections (with a sparse-attention indexer)
  double dense_mlp = 0;    // one dense layer's MLP
  double expert = 0;       // one routed expert
  double shared = 0;       // a MoE layer's shared experts together
  double router = 0;
  double head = 0;  // LM head
  int moe_layers = 0;
  int dense_layers = 0;
  double qk = 0, v = 0;                // per-head dims of scores and values (prefill)
  double qk_decode = 0, v_decode = 0;  // the same in decode (MLA absorbed into the latent: 576 / 512)
  int kernels_per_layer = 0;           // kernels of an average layer, collectives excluded
};

// Everything about (model, hardware, stack, job) that no layout changes.
struct InferenceContext {
  const ModelArch* model = nullptr;
  const StackEfficiency* stack = nullptr;
  Fabric fabric;
  ServingJob job;
  Precision compute = Precision::bf16;            // matmul precision actually used
  FlopRate peak;                                  // matmul peak at the chip's sustained (power-limited) matmul clock
  Precision attention_compute = Precision::bf16;  // attention projections' matmul precision
  FlopRate attention_peak;                        // their peak, at the sustained clock
  FlopRate head_peak;                             // the 16-bit LM head's, at the sustained clock
  LinkEfficiency links;
  ParamCount params;
  ServingShapes shapes;
  double weight_bytes = 2;            // per expert and MLP parameter (LM head, embedding, norms: 2)
  double attention_weight_bytes = 2;  // per attention-projection parameter
  double kv_bytes_per_token = 0;      // all layers, whole KV cache of one token
  // The 99th percentile over requests of their mean per-step prefill load, in
  // standard deviations of one step's load (a request with few decode steps
  // averages fewer steps); set from the job's output lengths and spread.
  double tpot_p99_sigmas = 0;
  // The run's per-iteration token budget, per replica (per attention
  // data-parallel rank): TensorRT-LLM's runtime max_num_tokens, vLLM's
  // max_num_batched_tokens, which deployments set per model and scenario.
  // 0: the stack's default (prefill_chunk). token_budget() reads it.
  int max_num_tokens = 0;
};

// The largest per-iteration token budget a request or a portfolio may give: 2^20, past the
// longest context windows shipped (about 1M tokens), so that one iteration
// may hold any whole prompt; more is a typo, not a budget. The knobs it
// stands for: "Tuning Max Batch Size and Max Num Tokens", TensorRT-LLM docs,
// https://nvidia.github.io/TensorRT-LLM/performance/performance-tuning-guide/tuning-max-batch-size-and-max-num-tokens.html;
// vLLM "Engine Arguments" (--max-num-batched-tokens), https://docs.vllm.ai/en/latest/models/engine_args.html (read
// 2026-12-06).
inline constexpr int kMaxNumTokens = 1 << 20;

// The tokens one iteration of a replica (of an attention data-parallel rank)
// may carry: the context's max_num_tokens, else the stack's prefill_chunk. It
// chunks prompts and bounds the decoding batch (token_budget_batch).
int token_budget(const InferenceContext& c);

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

// Where one step's time goes (per chip, whole step; they add up to `time`).
struct StepParts {
  Seconds dense;          // non-expert matmuls: the longer of their FLOPs and their weight stream
  Seconds experts;        // routed experts, on the busiest rank
  Seconds attention;      // the longer of attention FLOPs and KV-cache traffic
  Seconds elementwise;    // norms, residuals, activation functions, casts
  Seconds communication;  // tensor-parallel all-reduces, expert dispatch/combine, pipeline sends
  Seconds fixed;          // per-kernel overheads (launch, ramp, tail)
  Seconds host;           // per-step host time not hidden by the device
  Seconds draft;          // speculative decoding: the draft passes
};

struct StepTime {
  Seconds time;
  Bound bound = Bound::memory;
  Seconds compute, memory, communication;  // the parts before overlap
  StepParts parts;
};

// One decode step for `batch` sequences whose context averages `context` tokens
// (with speculative decoding: one target step verifying the drafted tokens).
StepTime decode_step(const InferenceContext& ctx, const ServingLayout& l, double batch, double context);
// One continuous-batching iteration: `batch` sequences decoding plus `prompt`
// prompt tokens (of prompts `prompt_len` long) prefilled alongside.
StepTime mixed_step(const InferenceContext& ctx, const ServingLayout& l, double batch, double context, double prompt,
                    double prompt_len);
// Prefill of `tokens` prompt tokens (of prompts `prompt_len` long) in one pass.
StepTime prefill(const InferenceContext& ctx, const ServingLayout& l, double tokens, double prompt_len);

// Latency targets; zero = none.
// Serving targets are enforced on the p99 (MLPerf Inference's server
// constraint): a layout meets them when ttft_p99 <= ttft and tpot_p99 <= tpot.
struct ServingSlo {
  Seconds ttft;  // p99 time to first token
  Seconds tpot;  // p99 time per output token
};
// The statistic ServingSlo is enforced on, as reports label it.
inline constexpr std::string_view kSloStatistic = "p99";

struct ServingEstimate {
  ServingLayout layout;
  int batch = 0;                   // sequences decoding together at steady state
  Seconds ttft_p50, ttft_p99;      // time to first token
  Seconds tpot_p50, tpot_p99;      // time per output token
  Seconds e2e_p50;                 // a request from arrival to last token
  double requests_per_s = 0;       // per replica
  double output_tokens_per_s = 0;  // per replica
  double output_tokens_per_s_per_chip = 0;
  double tokens_per_s_per_user = 0;  // output tokens per second one request sees (1 / TPOT)
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

// The highest request rate one replica sustains within `slo` (bisection over
// serve()); nullopt when the weights do not fit or no rate meets it.
std::optional<ServingEstimate> serve_at_max_rate(const InferenceContext& ctx, const ServingLayout& l,
                                                 const ServingSlo& slo, int batch_cap = 0);

// The layouts worth trying for a replica of up to `max_chips` chips (0 = the
// scale-up domain): tensor parallelism inside the domain, expert parallelism
// and attention data parallelism for MoE, pipeline stages only when the
// widest tensor-parallel group cannot hold the weights.
std::vector<ServingLayout> serving_layouts(const InferenceContext& ctx, int max_chips = 0);

struct ServingSearch {
  std::vector<ServingEstimate> pareto;     // throughput per chip vs TPOT, best per chip first
  std::optional<ServingEstimate> best;     // meets the SLOs at the fewest chips for the rate
  std::optional<ServingEstimate> closest;  // when nothing meets them: the nearest, with `binding`
  int replicas = 0;                        // for the rate, with `best`
  long long evaluated = 0;
  bool over_chip_limit = false;  // a layout met the SLOs but the rate needs over kMaxChipsSized chips on it
  // (`closest` and `over_chip_limit` are meaningful only without `best`.)
  // Within the SLOs, the most output tokens/s per chip: each layout and cap at
  // the highest rate that meets them (the offline scenario with targets).
  // Over every candidate only when searched with prune = false; pruned, only
  // without `best` (with one it is left empty).
  std::optional<ServingEstimate> densest;
};

// Layout search for a load: chips per replica, tp/pp/ep/attn_dp, batch cap; the
// layout meeting the SLOs at the fewest total chips for `rate` requests/s.
// `prune`: skip the max-rate search of candidates that cannot beat the best
// so far on chips, and decide a rate probe on its steady step where that
// alone misses the SLOs (same answer; false: every candidate and every part
// of every probe, for tests and benchmarks).
ServingSearch search_serving(const InferenceContext& ctx, double rate, const ServingSlo& slo, bool prune = true);

// What search_serving computes that does not depend on the rate, for one
// context, SLO and `prune`: the Pareto front and, per layout and batch cap in
// the search's order, the cap's saturated rate and (once some search needed
// them) its highest rate within the SLOs and its estimate without a rate.
// A server keeps one per context and SLO (api/shared.h), so requests that
// differ only in their rate share it; the answer is the same as without it.
struct ServingCell {
  int layout = 0;  // index into ServingTable::layouts
  int cap = 0;
  double top_rate = 0;  // requests/s at the cap, saturated: the max-rate bisection's upper end
  // The highest rate within the SLOs (outer empty: not computed; inner empty: none meets them).
  std::optional<std::optional<ServingEstimate>> max_rate;
  std::optional<ServingEstimate> loose;  // without a rate, when none meets them (empty: not computed)
};
struct ServingTable {
  ServingSlo slo;
  bool prune = true;
  std::vector<ServingLayout> layouts;
  std::vector<ServingCell> cells;
  std::vector<ServingEstimate> pareto;  // as ServingSearch::pareto
  long long evaluated = 0;
};
// The table without any max rate (the Pareto pass alone).
ServingTable serving_table(const InferenceContext& ctx, const ServingSlo& slo, bool prune = true);
// search_serving from `table`: the cells' max rates and loose estimates it
// holds are read, the others computed; with `fill` (a table of the same
// context, SLO and prune the caller owns, often `table` itself) those are
// stored there too.
ServingSearch search_serving(const InferenceContext& ctx, const ServingTable& table, double rate,
                             ServingTable* fill = nullptr);

}  // namespace xpu
