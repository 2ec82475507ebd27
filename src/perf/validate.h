// Validation against published measurements (data/validation/cases.csv, schema
// in data/validation/CASES.md): predict each case's metric under the case's
// configuration, searching only what it leaves empty, and report the error.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "perf/layout.h"
#include "perf/training.h"
#include "workload/model.h"

namespace xpu {

enum class CaseMode : unsigned char { train, finetune_lora, infer };
enum class Metric : unsigned char {
  train_tokens_per_s_per_chip,
  model_tflops_per_chip,
  mfu,
  step_time_s,
  time_to_train_min,
  infer_output_tokens_per_s,
  tpot_ms,
  e2e_latency_s,
};

std::string_view to_string(CaseMode m);
std::string_view to_string(Metric m);
std::optional<CaseMode> parse_case_mode(std::string_view s);
std::optional<Metric> parse_metric(std::string_view s);

struct ValidationCase {
  std::string id;
  CaseMode mode = CaseMode::train;
  std::string model;
  std::string accelerator;
  int chips = 0;
  std::optional<Precision> precision;
  std::optional<int> tp, pp, dp, cp, ep, vpp, micro_batch, global_batch, seq_len;
  std::optional<Sharding> sharding;
  std::optional<Recompute> recompute;
  std::optional<bool> sequence_parallel;
  std::optional<int> batch, input_len, output_len;
  std::string scenario;
  Metric metric = Metric::train_tokens_per_s_per_chip;
  double value = 0;
  // Typed serving columns (data/validation/CASES.md); empty = not stated.
  std::string mlperf_benchmark;  // a benchmark key of mlperf-inference.yaml
  std::optional<int> attn_dp;
  std::optional<Precision> kv_precision;
  std::optional<bool> speculative, weight_only;
  std::optional<double> spec_accept;
  std::optional<bool> ranks_are_cores;  // rank_unit: core (true) or chip (false)
  std::string notes;
  int line = 0;         // in the CSV, for messages
  std::string invalid;  // why the row could not be read (then it is reported as skipped, not predicted)
};

// How the source counted FLOPs for model_tflops_per_chip and mfu (CASES.md).
enum class FlopConvention : unsigned char {
  model,               // 3x forward matmuls + causal attention (NeMo/Megatron-Bridge, MaxText >= mid-2025)
  noncausal,           // same with the full s x s attention (MaxText 2023-24)
  palm,                // 6 N (all parameters) + 12 L (heads * head_dim) s (PaLM, Chowdhery et al. 2022, App. B)
  hardware_recompute,  // Megatron 2021 / BLOOM: model FLOPs + one recomputed forward, non-causal attention
};
std::string_view to_string(FlopConvention c);
// Reads the convention from a case's notes (the words CASES.md defines).
FlopConvention flop_convention(const ValidationCase& c);

// FLOPs one trained token costs under a convention.
double flops_per_token(const ModelArch& m, int seq_len, FlopConvention c);

struct CaseResult {
  std::string id;
  CaseMode mode = CaseMode::train;
  std::string accelerator;
  std::string vendor;
  std::string stack;
  std::string scenario;  // inference cases: offline, server, latency
  Metric metric = Metric::train_tokens_per_s_per_chip;
  double measured = 0;
  double predicted = 0;
  double error_pct = 0;          // (predicted - measured) / measured * 100
  bool ok = false;               // predicted; false = skipped
  std::string reason;            // why skipped, or the assumptions made
  std::optional<Layout> layout;  // the layout used (given or searched)
};

// A benchmark's evaluation schedule (data/validation/mlperf.yaml): MLPerf
// Training wall time includes a forward pass over `eval_tokens` after every
// `interval_tokens` trained, the first few evaluation points skipped.
struct MlperfEvaluation {
  std::string benchmark;
  std::string model;
  CaseMode mode = CaseMode::train;
  std::vector<std::string> rounds;  // "v5.1"; matched against the case's notes
  double interval_tokens = 0;
  double eval_tokens = 0;
  double first_eval_after_tokens = 0;      // 0 = after the first interval
  int skip_evals = 0;                      // evaluation points skipped ...
  double skip_evals_per_global_batch = 0;  // ... plus this times the global batch (floored)
};

// Forward work added by evaluation, as a fraction of the training time, for a
// run of `tokens_trained` at `global_batch` (forward share of a training step:
// 1/3, or 1/2 for LoRA, which computes no weight gradients).
double evaluation_overhead(const MlperfEvaluation& e, double tokens_trained, int global_batch, bool lora);

// An MLPerf Inference benchmark's definition (data/validation/mlperf-inference.yaml):
// the dataset's mean lengths and the Server scenario's p99 latency limits.
struct MlperfInference {
  std::string benchmark;
  std::string model;
  double input_tokens = 0;
  double output_tokens = 0;
  double input_cv = 0;  // spread of the dataset's lengths (standard deviation / mean), 0 = not given
  double output_cv = 0;
  double io_correlation = 0;  // of a sample's input and output lengths
  Seconds server_ttft;
  Seconds server_tpot;
  bool estimate = false;
};

// What the validator needs from outside: data lookups and benchmark definitions.
struct ValidationInputs {
  const Catalog* catalog = nullptr;
  std::function<const ModelArch*(const std::string&)> find_model;
  std::vector<MlperfEvaluation> mlperf;
  std::vector<MlperfInference> mlperf_inference;
  unsigned threads = 0;
};

// A training case made ready to evaluate: its context and layout (searched
// once), and what turns an estimate into the case's metric. Calibration
// re-evaluates these with trial stack parameters without searching again.
struct PreparedCase {
  const ValidationCase* source = nullptr;
  TrainingContext ctx;
  Layout layout;
  FlopConvention convention = FlopConvention::model;
  double flops_per_token = 0;  // under `convention`
  double peak_bf16 = 0;        // FLOP/s, for MFU metrics
  double tokens_trained = 0;   // LoRA time-to-train cases
  double eval_overhead = 0;    // MLPerf evaluation time / training time
  std::string notes;           // assumptions made
};

// Builds the context for case `c` with `stack` and searches its open degrees.
// Returns nullopt (with `reason`) when the case cannot be predicted.
std::optional<PreparedCase> prepare_case(const ValidationCase& c, const ValidationInputs& in,
                                         const StackEfficiency& stack, std::string& reason);
// The case's metric from a training estimate of its layout.
double metric_value(const PreparedCase& p, const TrainingEstimate& e);

CaseResult predict_case(const ValidationCase& c, const ValidationInputs& in);
// All cases, in input order (cases run in parallel; the result does not depend on it).
std::vector<CaseResult> predict_cases(const std::vector<ValidationCase>& cases, const ValidationInputs& in);

struct ErrorStats {
  int count = 0;
  double median_abs = 0;  // percent
  double mean_abs = 0;
  double median_signed = 0;
};
ErrorStats error_stats(const std::vector<CaseResult>& results, const std::function<bool(const CaseResult&)>& pick);

}  // namespace xpu
