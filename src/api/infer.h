// The infer job: latency, throughput and memory of serving a model on one
// accelerator (or system): the layout and replicas that meet the SLOs at the
// fewest chips with the throughput-vs-TPOT front, or one given layout.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/common.h"
#include "api/shared.h"
#include "evidence/interval.h"
#include "perf/inference.h"

namespace xpu::api {

// The largest token budget a request may give (perf/inference.h).
using xpu::kMaxNumTokens;

struct InferRequest {
  ModelRef model;
  std::string accelerator;  // an accelerator key or a system key
  std::string stack;        // empty: the runtime's serving stack
  // A fixed replica layout when chips or degrees are given; else searched.
  std::optional<int> chips, tp, pp, ep, attn_dp;  // attn_dp: attention data-parallel degree (divides tp)
  Precision precision = Precision::bf16;          // weight format
  std::optional<Precision> kv_precision;          // empty: default_kv_precision
  std::optional<Precision> attention_precision;   // empty: attention_weight_precision (the checkpoint's rule)
  bool weight_only = false;
  double input_len = 2048;     // mean prompt tokens
  double output_len = 256;     // mean generated tokens
  std::optional<int> batch;    // fixed batch (latency) or concurrency cap (offline)
  std::optional<double> rate;  // requests/s to serve
  std::optional<Seconds> ttft_slo, tpot_slo;
  std::optional<ServingScenario> scenario;  // empty: server with a rate, latency with a batch, else offline
  // The engine's per-iteration token budget (per attention data-parallel
  // rank): TensorRT-LLM's max_num_tokens, vLLM's max_num_batched_tokens. It
  // chunks prompts and caps the decoding batch. Empty: the stack's prefill_chunk.
  std::optional<int> max_num_tokens;
};

struct InferReport {
  std::string model_key, model_name;
  std::string accelerator, system, stack;
  ServingScenario scenario = ServingScenario::offline;
  ServingJob job;
  std::optional<double> rate;
  std::optional<ServingSlo> targets;  // the p99 targets the request gave (none: unconstrained)
  Precision precision_used = Precision::bf16;
  Precision attention_weights = Precision::bf16;  // the attention projections' format (attention_weight_precision)
  bool fixed = false;                             // the layout was given, not searched
  std::optional<int> max_num_tokens;              // the per-iteration token budget, as the request gave it
  std::optional<ServingEstimate> estimate;  // the answer (or the closest, with `binding`, when none meets the SLOs)
  int replicas = 1;
  std::vector<ServingEstimate> pareto;  // searched: throughput per chip vs TPOT
  long long evaluated = 0;
  PredictionInterval interval;
  double search_ms = 0;                 // text output only
  Outcome outcome = Outcome::answered;  // none_meets: does not fit, or no layout meets the SLOs
};

// Every problem with the request, at JSON pointers of its fields.
Diagnostics check(const InferRequest& r, const DataSet& data);

// A token budget given: positive and at most kMaxNumTokens, at /max_num_tokens
// (infer's and compare's).
void check_max_num_tokens(std::optional<int> max_num_tokens, Diagnostics& ds);

// `shared`: serving tables shared with other requests answered from the same
// `data` (api/shared.h; the same report either way).
Expected<InferReport, Diagnostics> run_infer(const DataSet& data, const InferRequest& request,
                                             Shared* shared = nullptr);

// The key an infer request's serving table is shared under (api/shared.h):
// every field the table reads (`stack`: the stack's key as resolved), not
// the rate. Exposed for its test.
std::string infer_table_key(const InferRequest& r, std::string_view stack);

}  // namespace xpu::api
