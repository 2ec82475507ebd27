// Predicting the published inference cases: MLPerf Offline and Server
// throughput of a whole system, fixed-batch latency runs (vLLM
// benchmark_latency, Neuron tutorials), and closed-loop concurrency runs.
#pragma once

#include <string>

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

}  // namespace xpu
