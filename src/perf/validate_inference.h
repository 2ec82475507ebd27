// Predicting the published inference cases: MLPerf Offline, Server and
// Interactive throughput of a whole system, fixed-batch latency runs (vLLM
// benchmark_latency, Neuron tutorials), and closed-loop concurrency runs.
#pragma once

#include <optional>
#include <string>

#include "perf/inference.h"
#include "perf/validate.h"

namespace xpu {

// What a serving case states beyond the common columns (the typed columns of
// data/validation/CASES.md; empty = not stated).
struct ServingCaseSettings {
  std::string benchmark;  // an MLPerf Inference benchmark key (lengths, latency limits)
  std::optional<int> attn_dp;
  std::optional<Precision> kv;
  bool speculative = false;
  std::optional<double> spec_accept;  // mean tokens per target step
  std::optional<int> spec_tokens;     // drafted tokens per step
  bool ranks_are_cores = false;       // tp/ep count NeuronCores or TensorCores
  bool weight_only = false;
};

// The settings of case `c` from its typed columns (and, for files written
// before them, the phrases CASES.md defined for the notes column).
ServingCaseSettings serving_settings(const ValidationCase& c);

// An inference case made ready to evaluate: context, replica layout (searched
// once with the current stack), replicas on the case's chips, and the
// scenario's parameters. Calibration re-evaluates it with trial parameters.
struct PreparedInferenceCase {
  const ValidationCase* source = nullptr;
  InferenceContext ctx;
  ServingLayout layout;
  int replicas = 1;
  int batch = 0;      // fixed batch (latency) or concurrency cap (offline); 0 = memory bound
  ServingSlo slo;     // server scenario limits
  std::string notes;  // assumptions made
};

std::optional<PreparedInferenceCase> prepare_inference_case(const ValidationCase& c, const ServingCaseSettings& set,
                                                            const ValidationInputs& in, const StackEfficiency& stack,
                                                            std::string& reason);
std::optional<PreparedInferenceCase> prepare_inference_case(const ValidationCase& c, const ValidationInputs& in,
                                                            const StackEfficiency& stack, std::string& reason);
// The case's metric at the context's current stack parameters.
double inference_metric_value(const PreparedInferenceCase& p);

// The validator's inference predictor over `in` (stacks from in.catalog).
std::optional<double> predict_inference_case(const ValidationCase& c, const ValidationInputs& in, std::string& reason);

// The serving parameters calibration may fit to `cases`, in the order they
// identify them, with their search ranges (physical bounds, not the data's):
// the GEMM fraction (throughput runs are matmul-bound), the per-collective
// overhead where a batch-1 case runs tensor parallel (else the per-kernel
// one), the decode bandwidth fraction, a factor per low precision the cases
// run at, the attention fraction, the per-step host time.
struct ServingFitParameter {
  std::string name;  // a name set_serving_parameter() knows, or a StackEfficiency fraction
  double lo, hi;
};
std::vector<ServingFitParameter> serving_fit_parameters(const std::vector<PreparedInferenceCase>& cases);
// Sets or reads the serving-only stack parameters by name (seconds for the
// per-kernel and per-collective overheads); false / nullopt if not one of them.
bool set_serving_parameter(StackEfficiency& s, const std::string& name, double value);
std::optional<double> get_serving_parameter(const StackEfficiency& s, const std::string& name);

}  // namespace xpu
