#include "evidence/interval.h"

#include <fmt/format.h>

#include <algorithm>

namespace xpu {
namespace {

// How much wider an interval gets per kind of extrapolation (a judgement, not a
// fit: the public cases cannot measure their own blind spots).
constexpr double kWiden = 1.5;
// Without any evidence: a +-40% band, the spread of uncalibrated priors seen
// across the public cases before calibration.
constexpr double kUncalibrated = 0.4;

}  // namespace

PredictionInterval throughput_interval(const StackEfficiency& stack, const std::string& accelerator,
                                       Precision precision, int chips) {
  PredictionInterval iv;
  const StackEvidence& ev = stack.evidence;
  iv.cases = ev.cases;
  iv.median_abs_pct = ev.median_abs_pct;
  if (ev.cases == 0) {
    iv.low = 1.0 / (1.0 + kUncalibrated);
    iv.high = 1.0 / (1.0 - kUncalibrated);
    iv.extrapolations.push_back(fmt::format("stack '{}' has no published runs behind it", stack.key));
    return iv;
  }
  double p10 = ev.p10_pct / 100.0, p90 = ev.p90_pct / 100.0;
  auto covers = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  int widen = 0;
  if (!covers(ev.accelerators, accelerator)) {
    iv.extrapolations.push_back(fmt::format("no published {} run on {}", stack.key, accelerator));
    ++widen;
  }
  if (!covers(ev.precisions, std::string(to_string(precision)))) {
    iv.extrapolations.push_back(fmt::format("no published {} run at {}", stack.key, to_string(precision)));
    ++widen;
  }
  if (chips > 2 * ev.max_chips) {
    iv.extrapolations.push_back(fmt::format("{} chips is beyond the largest published run ({})", chips, ev.max_chips));
    ++widen;
  }
  for (int i = 0; i < widen; ++i) {
    p10 *= kWiden;
    p90 *= kWiden;
  }
  // Measured = predicted / (1 + error); errors in [p10, p90].
  iv.low = 1.0 / (1.0 + std::max(p90, 0.0));
  iv.high = 1.0 / (1.0 + std::min(p10, 0.0));
  return iv;
}

}  // namespace xpu
