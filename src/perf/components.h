// Component physics: what one chip's GEMMs, grouped GEMMs, attention kernels
// and memory-bound kernels take, from the accelerator's own measured figures
// (data/accelerators `kernels:`, backed by data/components). The training
// engine builds a step out of these; `xpuplan validate --components` checks
// them against the microbenchmarks one by one.
//
// A GEMM C[m,n] = A[m,k] B[k,n] runs at
//   peak x clock_matmul/clock_peak x kernel[precision] x shape(m, n, k) x software
// (power-limited clocks: an H200 holds 1402 MHz under a dense bf16 GEMM, its
// peak is quoted at 1830), where shape() quantizes m and n on the library's
// output tile (the MXU width for k and n on a TPU), charges each tile a fixed
// prologue/epilogue (k / (k + k_half)), and stops filling the chip when there
// is less independent work than compute units. Its operands stream from HBM
// at the chip's measured stream bandwidth; compute and traffic combine as a
// smooth roofline sqrt(t_c^2 + t_m^2), which is the plain maximum far from the
// ridge and 1.41x it at the ridge (tiles cannot hide their loads fully there:
// DeepGEMM's grouped GEMMs at 256 tokens per expert reach ~0.7 of the large-M
// rate). Every kernel adds the chip's fixed kernel latency.
//
// `software` multiplies the rate: a stack's fitted kernel-efficiency factor
// (1 = the framework's kernels run as the library microbenchmarks do).
#pragma once

#include "base/units.h"
#include "catalog/precision.h"
#include "perf/fabric.h"

namespace xpu {

// Fraction of the `p` dense peak a GEMM reaches on the chip before traffic:
// clock ratio x library kernel x shape.
double gemm_compute_fraction(const ChipKernels& k, Precision p, double m, double n, double kdim);

// The shape part alone: tile quantization, the k-loop's fixed part and fill (0..1].
double gemm_shape_efficiency(const ChipKernels& k, double m, double n, double kdim);

// Bytes one GEMM moves: both operands at `operand_bytes` per element, the
// output in bf16.
double gemm_traffic_bytes(double m, double n, double kdim, double operand_bytes);

// Time of `count` independent GEMMs of one shape (one kernel each).
// `software` scales the compute rate, `memory` the stream bandwidth.
Seconds gemm_time(const Fabric& f, Precision p, double m, double n, double kdim, double count, double software,
                  double memory);

// The tiling a framework's grouped-matmul kernel uses (0 = the chip's own
// tile). `ragged`: the groups are laid end to end and share row tiles, so each
// group touches about m/rows + 1 tiles (MaxText megablox); otherwise each
// group is padded to whole tiles (CUTLASS/Transformer Engine grouped GEMM).
struct GroupedTiling {
  int rows = 0, k = 0, n = 0;
  bool ragged = false;
};

// A grouped GEMM (MoE experts, one kernel): `groups` GEMMs of `m` rows each
// against their own (k x n) weights. Each group streams its own weights, rows
// are tiled per group (see GroupedTiling), and the tiles of all groups share
// the chip's compute units. A tile larger than a dimension shrinks to it.
Seconds grouped_gemm_time(const Fabric& f, Precision p, double groups, double m, double n, double kdim, double software,
                          double memory, const GroupedTiling& tiling = {});

// Fused attention over `flops` (forward convention: 4 b s_q s_kv h d, halved
// when causal) with `keys` keys per query on average and head dim `head_dim`;
// backward counts 2.5x the forward FLOPs at the chip's backward efficiency.
Seconds attention_time(const Fabric& f, FlopCount forward_flops, double head_dim, double keys, bool backward,
                       double software);

// Memory-bound kernels moving `bytes` (read + written) at the stream
// bandwidth times `memory`, plus `kernels` kernel latencies.
Seconds stream_time(const Fabric& f, Bytes bytes, double memory, double kernels = 1.0);

// The HBM bandwidth memory-bound kernels reach: datasheet x stream fraction x `memory`.
ByteRate stream_bandwidth(const Fabric& f, double memory);

}  // namespace xpu
