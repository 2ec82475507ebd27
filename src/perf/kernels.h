// Shared pieces of the training and serving models: how many keys a query
// attends to, and the achievable fraction of peak for one matmul shape.
#pragma once

#include "catalog/precision.h"
#include "catalog/stack.h"

#include <algorithm>
#include <cmath>

namespace xpu {

// Average keys a query attends to under causal masking over `s` tokens, or
// over a sliding window `window` (0 = none): the first window queries see fewer.
inline double causal_keys(double s, double window) {
  if (window <= 0 || window >= s) return (s + 1.0) / 2.0;
  return window - window * (window - 1.0) / (2.0 * s);
}

// Keys per query a block-sparse fused attention kernel computes: whole
// `block` x `block` tiles of the causal (or sliding-window) mask, so s/2 +
// block/2 under causal masking. Under a window w, a query block [iB, (i+1)B)
// needs keys iB - w + 1 .. (i+1)B - 1: 1 + ceil((w - 1) / B) key blocks, each
// computed whole (a partly masked block is computed and masked; only empty
// blocks are skipped: splash attention's MaskInfo, jax.experimental.pallas.ops.tpu.
// splash_attention, and FlashAttention-2's tile loop, Dao 2023, arXiv 2307.08691).
// That is window + block when the window is a multiple of the block, and two
// blocks for any window up to a block (gpt-oss's 128-token window in MaxText's
// 1024-token splash blocks: 2048 keys per query, not 128). Capped by the
// causal count; block 0 = exactly the keys attended.
inline double block_keys(double s, double window, double block) {
  if (block <= 0) return causal_keys(s, window);
  const double full = std::min(s, s / 2.0 + block / 2.0);
  if (window <= 0 || window >= s) return full;
  return std::min(full, block * (1.0 + std::ceil((window - 1.0) / block)));
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
