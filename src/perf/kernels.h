// Shared pieces of the training and serving models: how many keys a query
// attends to, and the achievable fraction of peak for one matmul shape.
#pragma once

#include "catalog/precision.h"
#include "catalog/stack.h"

namespace xpu {

// Average keys a query attends to under causal masking over `s` tokens, or
// over a sliding window `window` (0 = none): the first window queries see fewer.
inline double causal_keys(double s, double window) {
  if (window <= 0 || window >= s) return (s + 1.0) / 2.0;
  return window - window * (window - 1.0) / (2.0 * s);
}

// Achieved fraction of the `precision` peak for an (m x k) * (k x n) matmul:
// large shapes reach the stack's `gemm` times its factor for the precision;
// each small dimension x costs x / (x + gemm_half_dim) (tile quantization,
// occupancy).
inline double gemm_efficiency(const StackEfficiency& s, Precision precision, double m, double n, double k) {
  const double h = s.gemm_half_dim;
  return s.gemm * s.precision_factor[static_cast<int>(precision)] * (m / (m + h)) * (n / (n + h)) * (k / (k + h));
}

}  // namespace xpu
