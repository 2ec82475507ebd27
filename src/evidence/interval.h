// Prediction intervals from validation evidence.
//
// A prediction from a calibrated stack carries the spread of that stack's
// leave-one-out errors on published runs (10th..90th percentile): the
// measured value would have fallen in [pred / (1 + p90), pred / (1 + p10)]
// for 80% of the public cases. Where the prediction leaves the evidence (an
// accelerator, a precision or a scale no case covers) the interval is widened
// and the reason is listed. A stack with no cases gets a wide default.
#pragma once

#include <string>
#include <vector>

#include "catalog/precision.h"
#include "catalog/stack.h"

namespace xpu {

struct PredictionInterval {
  double low = 1.0;  // multiply a throughput by these for its interval
  double high = 1.0;
  int cases = 0;  // published runs behind the stack's calibration
  double median_abs_pct = 0;
  std::vector<std::string> extrapolations;  // why the prediction leaves the evidence
};

// Interval for a throughput (tokens/s, FLOP/s) predicted with `stack` on
// `accelerator` at `precision` on `chips` chips. Invert it for a time.
PredictionInterval throughput_interval(const StackEfficiency& stack, const std::string& accelerator,
                                       Precision precision, int chips);

}  // namespace xpu
