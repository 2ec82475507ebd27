#include "perf/components.h"

#include <algorithm>
#include <cmath>

namespace xpu {
namespace {

// x padded up to a multiple of q, as a utilization: x / (q ceil(x / q)). On a
// GPU a dimension smaller than one tile gets a kernel of its own size
// (libraries swap operands or pick skinny tiles, down to the 8-wide MMA), so
// it pads nothing and fills fewer units instead (fill()); a systolic array
// pads it to its width.
double quantized(double x, double q, bool systolic) {
  if (q <= 1.0 || x <= 0.0 || (x <= q && !systolic)) return 1.0;
  return x / (q * std::ceil(x / q));
}

// Tiles the chip's compute units can work on at once: output tiles, and when
// there are fewer than units, k-splits of at least 8 k-tiles each (split-K).
// Stream-K scheduling (cuBLAS, hipBLASLt) balances the tail wave, so only a
// GEMM with less work than one wave leaves units idle.
double fill(const ChipKernels& k, double tiles, double kdim) {
  if (k.units <= 0 || tiles >= k.units) return 1.0;
  const double splits = std::max(1.0, std::floor(kdim / (8.0 * k.tile_k)));
  return std::min(1.0, tiles * splits / k.units);
}

double dbl_of(int v) { return static_cast<double>(v); }

double k_loop(const ChipKernels& k, double kdim) { return k.k_half > 0 ? kdim / (kdim + k.k_half) : 1.0; }

// Smooth roofline: compute and operand traffic overlap fully far from the
// ridge, and at the ridge a tile waits on part of its loads.
Seconds roofline(Seconds compute, Seconds traffic) {
  return Seconds(std::sqrt(compute.si() * compute.si() + traffic.si() * traffic.si()));
}

}  // namespace

ByteRate stream_bandwidth(const Fabric& f, double memory) { return f.hbm_bandwidth * (f.kernels.hbm_stream * memory); }

double gemm_shape_efficiency(const ChipKernels& k, double m, double n, double kdim) {
  const double tiles = std::ceil(m / k.tile_m) * std::ceil(n / k.tile_n);
  return quantized(m, k.tile_m, k.systolic) * quantized(n, k.tile_n, k.systolic) *
         quantized(kdim, k.tile_k, k.systolic) * k_loop(k, kdim) * fill(k, tiles, kdim);
}

double gemm_compute_fraction(const ChipKernels& k, Precision p, double m, double n, double kdim) {
  return k.clock_ratio * k.matmul[static_cast<int>(p)] * gemm_shape_efficiency(k, m, n, kdim);
}

double gemm_traffic_bytes(double m, double n, double kdim, double operand_bytes) {
  return (m * kdim + kdim * n) * operand_bytes + m * n * 2.0;
}

Seconds gemm_time(const Fabric& f, Precision p, double m, double n, double kdim, double count, double software,
                  double memory) {
  if (m <= 0 || n <= 0 || kdim <= 0 || count <= 0) return Seconds(0);
  const double frac = gemm_compute_fraction(f.kernels, p, m, n, kdim) * software;
  const Seconds compute = FlopCount(2.0 * m * n * kdim * count) / (f.peak_for(p) * frac);
  const Seconds traffic =
      Bytes(gemm_traffic_bytes(m, n, kdim, bytes_per_element(p)) * count) / stream_bandwidth(f, memory);
  return roofline(compute, traffic) + f.kernels.kernel_latency * count;
}

Seconds grouped_gemm_time(const Fabric& f, Precision p, double groups, double m, double n, double kdim, double software,
                          double memory, const GroupedTiling& tiling) {
  if (groups <= 0 || m <= 0 || n <= 0 || kdim <= 0) return Seconds(0);
  const ChipKernels& k = f.kernels;
  // MaxText's megablox tiling is min(dimension, configured tile) per dimension.
  const double tm = tiling.rows > 0 ? std::min(dbl_of(tiling.rows), std::max(8.0, m * groups)) : k.tile_m;
  const double tk = tiling.k > 0 ? std::min(dbl_of(tiling.k), kdim) : k.tile_k;
  const double tn = tiling.n > 0 ? std::min(dbl_of(tiling.n), n) : k.tile_n;
  // Row tiles per group: whole tiles per group, or (ragged) the tiles a group
  // of m rows laid at a random offset touches, m/tm + 1 on average.
  const double row_tiles = tiling.ragged ? m / tm + 1.0 : std::ceil(m / tm);
  const double row_use = m / (row_tiles * tm);
  const double tiles = groups * row_tiles * std::ceil(n / tn);
  // A framework tile is a multiple of the unit's, so the coarser padding is the one paid.
  const double shape = row_use * std::min(quantized(n, tn, true), quantized(n, k.tile_n, k.systolic)) *
                       std::min(quantized(kdim, tk, true), quantized(kdim, k.tile_k, k.systolic)) * k_loop(k, kdim) *
                       fill(k, tiles, kdim);
  const double frac = k.clock_ratio * k.matmul[static_cast<int>(p)] * shape * software;
  const Seconds compute = FlopCount(2.0 * groups * m * n * kdim) / (f.peak_for(p) * frac);
  const Seconds traffic =
      Bytes(gemm_traffic_bytes(m, n, kdim, bytes_per_element(p)) * groups) / stream_bandwidth(f, memory);
  return roofline(compute, traffic) + k.kernel_latency;
}

Seconds attention_time(const Fabric& f, FlopCount forward_flops, double head_dim, double keys, bool backward,
                       double software) {
  if (forward_flops.si() <= 0) return Seconds(0);
  const ChipKernels& k = f.kernels;
  double eff = (backward ? k.attention_backward : k.attention_forward) * attention_head_factor(k, head_dim);
  if (k.attention_seq_half > 0) eff *= keys / (keys + k.attention_seq_half);
  const FlopCount flops = backward ? forward_flops * 2.5 : forward_flops;
  return flops / (f.peak_for(Precision::bf16) * (eff * software)) + k.kernel_latency;
}

Seconds stream_time(const Fabric& f, Bytes bytes, double memory, double kernels) {
  if (bytes.si() <= 0) return Seconds(0);
  return bytes / stream_bandwidth(f, memory) + f.kernels.kernel_latency * kernels;
}

}  // namespace xpu
