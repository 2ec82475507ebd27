// A validation case as data: one published measurement and the configuration
// it was taken under (schema: data/validation/CASES.md). Every setting a
// prediction depends on is a typed column; `notes` is free text that nothing
// reads (files in the older schema are read by ingest's legacy reader, which
// turns the old note phrases into these columns).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/precision.h"
#include "catalog/stack.h"
#include "perf/layout.h"
#include "workload/mode.h"

namespace xpu {

enum class Metric : unsigned char {
  train_tokens_per_s_per_chip,
  model_tflops_per_chip,
  mfu,
  step_time_s,
  time_to_train_min,
  infer_output_tokens_per_s,
  tpot_ms,
  e2e_latency_s,
  ttft_ms,                   // time to first token
  infer_total_tokens_per_s,  // input + output tokens per second of the whole system
  tokens_per_s_per_user,     // output tokens per second one request stream sees (1000 / TPOT ms)
};
std::string_view to_string(Metric m);
std::optional<Metric> parse_metric(std::string_view s);
std::vector<std::string> metric_names();
// Throughput-like metrics, where larger is better (the rest are latencies and times).
bool larger_is_better(Metric m);

// How the source counted FLOPs for model_tflops_per_chip and mfu (CASES.md).
enum class FlopConvention : unsigned char {
  model,               // 3x forward matmuls + causal attention (NeMo/Megatron-Bridge, MaxText >= mid-2025)
  noncausal,           // same with the full s x s attention (MaxText 2023-24)
  palm,                // 6 N (all parameters) + 12 L (heads * head_dim) s (PaLM, Chowdhery et al. 2022, App. B)
  hardware_recompute,  // Megatron 2021 / BLOOM: model FLOPs + one recomputed forward, non-causal attention
};
// The column value: "model", "noncausal", "palm", "hardware_recompute".
std::string_view to_string(FlopConvention c);
std::optional<FlopConvention> parse_flop_convention(std::string_view s);
std::vector<std::string> flop_convention_names();
// In words, for notes: "PaLM 6N + 12 L H s".
std::string_view describe(FlopConvention c);

// The software that produced a measurement.
enum class Framework : unsigned char {
  megatron,
  nemo,
  torchtitan,
  maxtext,
  jax,
  neuronx_distributed,
  trtllm,
  vllm,
  sglang,
  jetstream,
  nxdi,
  dynamo,
  other,
};
// "megatron", ..., "neuronx-distributed", ... (as written in the column).
std::string_view to_string(Framework f);
std::optional<Framework> parse_framework(std::string_view s);
std::vector<std::string> framework_names();
// The stack (data/stacks) that models `f` on `runtime` in `mode`, or null when
// none does (then the runtime's default stack stands in).
const StackEfficiency* framework_stack(const std::vector<StackEfficiency>& stacks, Framework f, Runtime runtime,
                                       Mode mode);

// What the parallel degrees count (AWS Neuron sources count NeuronCores).
enum class RankUnit : unsigned char { chip, core };
std::string_view to_string(RankUnit u);
std::optional<RankUnit> parse_rank_unit(std::string_view s);

// How a MoE run routes tokens to experts: a sort and gather (Megatron,
// MaxText sparse_matmul) or one-hot dispatch/combine matmuls (GShard; MaxText
// dense_matmul with a capacity factor).
enum class MoeDispatch : unsigned char { sort, einsum };
std::string_view to_string(MoeDispatch d);
std::optional<MoeDispatch> parse_moe_dispatch(std::string_view s);

// Which statistic a measured value is.
enum class Statistic : unsigned char { mean, p50, p90, p99 };
std::string_view to_string(Statistic s);
std::optional<Statistic> parse_statistic(std::string_view s);
std::vector<std::string> statistic_names();

struct ValidationCase {
  std::string id;
  Mode mode = Mode::train;
  std::string model;
  std::string accelerator;
  int chips = 0;
  std::optional<Precision> precision;
  std::optional<int> tp, pp, dp, cp, ep, vpp, micro_batch, global_batch, seq_len;
  std::optional<Sharding> sharding;
  std::optional<Recompute> recompute;
  std::optional<bool> sequence_parallel;
  std::optional<int> batch, input_len, output_len;
  std::optional<ServingScenario> scenario;  // inference cases
  Metric metric = Metric::train_tokens_per_s_per_chip;
  double value = 0;
  // Typed settings (CASES.md "Typed settings"); empty = the default named there.
  std::optional<Framework> framework;             // empty: the runtime's default stack
  std::optional<FlopConvention> flop_convention;  // empty: model
  std::optional<RankUnit> rank_unit;              // empty: chip
  std::optional<double> tokens_trained;           // tokens per run (MLPerf Training, LoRA time-to-train)
  std::string mlperf_round;                       // "training-v5.1", "inference-v5.0"; empty = not MLPerf
  std::string mlperf_benchmark;                   // a benchmark of mlperf.yaml / mlperf-inference.yaml
  bool weight_only = false;                       // weights at `precision`, matmuls in bf16
  std::optional<Precision> kv_precision;          // empty: fp8 with fp8/fp4 weights (where the chip has fp8), else bf16
  bool speculative = false;                       // speculative decoding / MTP was on
  std::optional<double> spec_accept;              // tokens per target forward step, where published
  std::optional<int> spec_tokens;                 // draft tokens per step (MTP layers, num_speculative_tokens)
  std::optional<Statistic> statistic;             // empty: p50 for latencies, mean for throughput
  std::optional<int> attn_dp;                     // attention data-parallel degree inside a replica
  std::optional<Precision> grad_reduce;           // gradient buffer and DP reduce: fp32 or bf16; empty: the stack's
  std::optional<double> capacity_factor;          // MoE expert capacity factor; empty: the stack's (dropless)
  std::optional<MoeDispatch> moe_dispatch;        // how tokens reach experts; empty: sort (gather/scatter)
  std::optional<int> attention_block;             // attention kernel's key block (sa_block_kv); empty: stack's
  std::optional<int> max_num_tokens;  // the run's per-iteration token budget (max_num_tokens); empty: stack's
  std::optional<double> rate;         // server: measured arrival rate, requests/s of the whole system; empty: the max
  std::string date;                   // when the number was published
  std::string notes;                  // free text
  int line = 0;                       // in the CSV, for messages
  std::string invalid;                // why the row could not be read (then it is reported as skipped, not predicted)
};

// The MLPerf round's suite and version: "training-v5.1" -> {"training", "v5.1"}.
std::pair<std::string, std::string> mlperf_suite_and_version(const std::string& round);

}  // namespace xpu
