#include "base/goodput.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace xpu {

Seconds young_daly_interval(Seconds write, Seconds mtbf) {
  const double d = write.si();
  const double m = mtbf.si();
  if (!std::isfinite(m)) return Seconds(std::numeric_limits<double>::infinity());
  if (d <= 0) return Seconds(0);
  if (d >= 2 * m) return Seconds(m);
  const double x = d / (2 * m);
  return Seconds(std::sqrt(2 * d * m) * (1 + std::sqrt(x) / 3 + x / 9) - d);
}

double expected_goodput(Seconds write, Seconds restart, double per_s) {
  if (!(per_s > 0)) return 1.0;
  const double m = 1.0 / per_s;
  const double d = std::max(0.0, write.si());
  const double r = std::max(0.0, restart.si());
  // Without a write cost the simulator checkpoints continuously (tau = 0): only the stall is lost.
  const double tau = young_daly_interval(Seconds(d), Seconds(m)).si();
  const double waste = d > 0 ? d / tau + (tau / 2 + r) / m : r / m;
  return std::clamp(1.0 - waste, 0.0, 1.0);
}

}  // namespace xpu
