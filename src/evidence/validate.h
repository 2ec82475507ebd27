// Validation against published measurements (data/validation/cases.csv, schema
// in data/validation/CASES.md): predict each case's metric under the case's
// configuration, searching only what it leaves empty, and report the error.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.h"
#include "base/parallel.h"
#include "catalog/benchmarks.h"
#include "catalog/catalog.h"
#include "evidence/cases.h"
#include "perf/layout.h"
#include "perf/training.h"
#include "workload/model.h"

namespace xpu {

// FLOPs one trained token costs under a convention.
double flops_per_token(const ModelArch& m, int seq_len, FlopConvention c);

struct CaseResult {
  std::string id;
  Mode mode = Mode::train;
  std::string accelerator;
  std::string vendor;
  std::string family;        // the accelerator's architecture generation ("Hopper", "TPU v5p"); the vendor when unset
  std::string architecture;  // "moe" or "dense"; "" when the model is unknown
  std::string stack;
  std::optional<ServingScenario> scenario;  // inference cases
  Metric metric = Metric::train_tokens_per_s_per_chip;
  double measured = 0;
  double predicted = 0;
  double error_pct = 0;          // (predicted - measured) / measured * 100
  bool ok = false;               // predicted; false = skipped
  std::string reason;            // why skipped, or the assumptions made
  std::optional<Layout> layout;  // the layout used (given or searched)
};

// Forward work added by evaluation, as a fraction of the training time, for a
// run of `tokens_trained` at `global_batch` (forward share of a training step:
// 1/3, or 1/2 for LoRA, which computes no weight gradients).
double evaluation_overhead(const MlperfEvaluation& e, double tokens_trained, int global_batch, bool lora);

// What the validator needs from outside: data lookups and benchmark definitions.
struct ValidationInputs {
  const Catalog* catalog = nullptr;
  std::function<const ModelArch*(const std::string&)> find_model;
  std::vector<MlperfEvaluation> mlperf;
  std::vector<MlperfInference> mlperf_inference;
  ThreadBudget threads;  // cases spread over these; results do not depend on it
};

// The stack that predicts case `c`: its framework's (case_stack_note says when
// the framework has none and the runtime's default stands in), else the
// runtime's default for the case's mode; an error when there is none.
Expected<const StackEfficiency*, std::string> case_stack(const ValidationCase& c, const Catalog& catalog);

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
  double tokens_trained = 0;   // time-to-train cases
  double eval_overhead = 0;    // MLPerf evaluation time / training time
  std::string notes;           // assumptions made
};

// Builds the context for case `c` with `stack` and searches its open degrees,
// or says why the case cannot be predicted.
Expected<PreparedCase, std::string> prepare_case(const ValidationCase& c, const ValidationInputs& in,
                                                 const StackEfficiency& stack);
// The case's metric from a training estimate of its layout.
double metric_value(const PreparedCase& p, const TrainingEstimate& e);

CaseResult predict_case(const ValidationCase& c, const ValidationInputs& in);
// What a result says about its case before any prediction: id, mode, metric,
// measurement, and the groups errors are summarised by (vendor, family, architecture).
CaseResult case_result_head(const ValidationCase& c, const ValidationInputs& in);
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
