// Fitting a stack's few efficiency parameters to published runs.
//
// Per training stack: the achievable GEMM fraction (`gemm`), and for each
// low-precision format its cases actually run at, that format's factor
// (`precision_factor.fp8`, ...). Nothing per case, per model or per chip.
// The fit minimises the mean absolute log error; layouts are searched with
// the current parameters, held while the parameters move, then searched again.
// Leave-one-out errors (refit without each case, then predict it) are what
// the prediction intervals use: they are out of sample.
#pragma once

#include <string>
#include <vector>

#include "evidence/validate.h"

namespace xpu {

struct StackCalibration {
  std::string stack;
  std::vector<std::pair<std::string, double>> fitted;  // parameter name -> value
  std::vector<std::string> on_bound;                   // fitted parameters that ended on a search bound, with it
  // Parameters the cases could identify but are too few to fit (one per three
  // cases, none under three): held at their priors. A stack of one case used
  // to be reported as "Fitted" without a word (usertrial4).
  std::vector<std::string> held_at_priors;
  std::vector<std::string> case_ids;
  ErrorStats in_sample;
  ErrorStats leave_one_out;
  double loo_p10_pct = 0;  // 10th and 90th percentile of the signed leave-one-out error
  double loo_p90_pct = 0;
  std::vector<std::string> accelerators;  // what the cases cover, for extrapolation warnings
  std::vector<std::string> precisions;
  int max_chips = 0;
  std::vector<CaseResult> results;  // in-sample, per case
  std::vector<double> loo_pct;      // leave-one-out signed error per case, aligned with `results`
};

// Fits every training stack that has cases. `inputs.catalog` is read only;
// the returned values are applied with apply_calibration().
std::vector<StackCalibration> calibrate_training(const std::vector<ValidationCase>& cases,
                                                 const ValidationInputs& inputs);

// Fits every training and inference stack that has cases (inference: the
// decode bandwidth fraction, the GEMM fraction and the per-step overhead).
std::vector<StackCalibration> calibrate_stacks(const std::vector<ValidationCase>& cases,
                                               const ValidationInputs& inputs);

}  // namespace xpu
