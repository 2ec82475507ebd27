// Shared pieces of the training and serving models: how many keys a query
// attends to, and the achievable fraction of peak for one matmul shape.
#pragma once

#include "catalog/precision.h"
#include "catalog/stack.h"

#include <algorithm>

namespace xpu {

// Average keys a query attends to under causal masking over `s` tokens, or
// over a sliding window `window` (0 = none): the first window queries see fewer.
inline double causal_keys(double s, double window) {
  if (window <= 0 || window >= s) return (s + 1.0) / 2.0;
  return window - window * (window - 1.0) / (2.0 * s);
}

// Keys per query a block-sparse fused attention kernel computes: whole
// `block` x `block` tiles of the causal (or sliding-window) mask, so s/2 +
// block/2 under causal masking and about window + block under a window
// (capped by the causal count); block 0 = exactly the keys attended.
inline double block_keys(double s, double window, double block) {
  if (block <= 0) return causal_keys(s, window);
  const double full = std::min(s, s / 2.0 + block / 2.0);
  if (window <= 0 || window >= s) return full;
  return std::min(full, window + block);
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
