// Predicting the published inference cases: MLPerf Offline, Server and
// Interactive throughput of a whole system, fixed-batch latency runs (vLLM
// benchmark_latency, Neuron tutorials), and closed-loop concurrency runs.
#pragma once

#include <string>
#include <vector>

#include "base/expected.h"
#include "evidence/validate.h"
#include "perf/inference.h"

namespace xpu {

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

// The case ready to evaluate with `stack`, or why it cannot be predicted.
Expected<PreparedInferenceCase, std::string> prepare_inference_case(const ValidationCase& c, const ValidationInputs& in,
                                                                    const StackEfficiency& stack);
// The case's metric at the context's current stack parameters.
double inference_metric_value(const PreparedInferenceCase& p);

struct InferencePrediction {
  double value = 0;
  std::string notes;  // assumptions made
};
Expected<InferencePrediction, std::string> predict_inference_case(const ValidationCase& c, const ValidationInputs& in,
                                                                  const StackEfficiency& stack);

// The serving parameters calibration may fit to `cases`, in the order they
// identify them, with their search ranges (physical bounds, not the data's):
// the GEMM fraction (throughput runs are matmul-bound), the per-collective
// overhead where a batch-1 case runs tensor parallel (else the per-kernel
// one), the decode bandwidth fraction, a factor per low precision the cases
// run at, the attention fraction, the per-step host time.
struct ServingFitParameter {
  std::string name;  // a name set_stack_parameter() knows (catalog/stack.h)
  double lo, hi;
};
std::vector<ServingFitParameter> serving_fit_parameters(const std::vector<PreparedInferenceCase>& cases);

}  // namespace xpu
