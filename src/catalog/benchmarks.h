// Benchmark definitions the validator needs (data/validation/mlperf.yaml and
// mlperf-inference.yaml): plain data, read by ingest.
#pragma once

#include <string>
#include <vector>

#include "base/units.h"
#include "workload/mode.h"

namespace xpu {

// A benchmark's evaluation schedule: MLPerf Training wall time includes a
// forward pass over `eval_tokens` after every `interval_tokens` trained, the
// first few evaluation points skipped.
struct MlperfEvaluation {
  std::string benchmark;
  std::string model;
  Mode mode = Mode::train;          // train or finetune_lora
  std::vector<std::string> rounds;  // "v5.1"; matched against the case's MLPerf round
  double interval_tokens = 0;
  double eval_tokens = 0;
  double first_eval_after_tokens = 0;      // 0 = after the first interval
  int skip_evals = 0;                      // evaluation points skipped ...
  double skip_evals_per_global_batch = 0;  // ... plus this times the global batch (floored)
};

// An MLPerf Inference benchmark's definition: the dataset's mean lengths and
// the Server scenario's p99 latency limits.
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

}  // namespace xpu
