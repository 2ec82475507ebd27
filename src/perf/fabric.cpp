#include "perf/fabric.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

namespace xpu {
namespace {

// The most cube-like shape of `chips` within `limit` dims: prime factors,
// largest first, each multiplied onto the currently smallest dimension that
// still has room (how TPU slice shapes such as 4x4x8 or 16x16x24 grow).
std::array<int, 3> slice_shape(int chips, const std::array<int, 3>& limit, int ndims) {
  std::array<int, 3> d{1, 1, 1};
  std::vector<int> primes;
  for (int n = chips, q = 2; n > 1;) {
    if (n % q == 0) {
      primes.push_back(q);
      n /= q;
    } else {
      ++q;
    }
  }
  std::sort(primes.rbegin(), primes.rend());
  for (int q : primes) {
    int best = -1;
    for (int i = 0; i < ndims; ++i) {
      if (d[i] * q > limit[i]) continue;
      if (best < 0 || d[i] < d[best]) best = i;
    }
    if (best < 0) return limit;  // does not fit the shape: use the whole domain
    d[best] *= q;
  }
  return d;
}

// Head-dim factor of flash attention: padding to the unit's quantum times the
// per-score overhead d / (d + h) (softmax exponentials, masking) against the
// 4d matmul FLOPs of one score.
double head_factor(const ChipKernels& k, double d) {
  double f = 1.0;
  if (k.attention_head_quantum > 0) f *= d / (k.attention_head_quantum * std::ceil(d / k.attention_head_quantum));
  if (k.attention_head_half > 0) f *= d / (d + k.attention_head_half);
  return f;
}

ChipKernels chip_kernels(const Accelerator& a) {
  const KernelPhysics& p = a.kernels;
  ChipKernels k;
  if (p.clock_peak.si() > 0 && p.clock_matmul.si() > 0) {
    k.clock_ratio = std::min(1.0, p.clock_matmul / p.clock_peak);
  } else if (p.clock_ratio > 0) {
    k.clock_ratio = p.clock_ratio;
  }
  const double bf16 = p.matmul[static_cast<int>(Precision::bf16)];
  k.measured_matmul = bf16 > 0;
  for (int i = 0; i < kPrecisionCount; ++i) {
    // Unmeasured formats run at the bf16 kernel efficiency; with nothing measured, 0.75
    // of peak overall (docs/data-format.md: the median large-GEMM fraction of the evidence).
    k.matmul[i] = p.matmul[i] > 0 ? p.matmul[i] : bf16 > 0 ? bf16 : 0.75 / k.clock_ratio;
  }
  if (p.tile[0] > 0) {
    k.tile_m = p.tile[0];
    k.tile_n = p.tile[1];
    k.tile_k = p.tile[2];
  }
  k.units = p.compute_units;
  k.systolic = p.systolic;
  k.k_half = p.k_half;
  k.kernel_latency = p.kernel_latency;
  if (p.hbm_stream > 0) k.hbm_stream = p.hbm_stream;
  if (p.attention_forward > 0) k.attention_forward = p.attention_forward;
  if (p.attention_backward > 0) k.attention_backward = p.attention_backward;
  k.attention_head_half = p.attention_head_half;
  k.attention_head_quantum = p.attention_head_quantum;
  k.attention_seq_half = p.attention_seq_half;
  k.attention_ref = head_factor(k, 128.0);
  return k;
}

}  // namespace

double attention_head_factor(const ChipKernels& k, double head_dim) {
  return head_factor(k, head_dim) / k.attention_ref;
}

Fabric make_fabric(const Accelerator& a, const System* s, int chips) {
  Fabric f;
  f.accelerator = a.key;
  f.system = s ? s->key : "";
  f.peak = a.peak;
  f.hbm_capacity = a.hbm_capacity;
  f.hbm_bandwidth = a.hbm_bandwidth;
  f.devices_per_chip = std::max(1, a.cores_per_chip);
  f.topology = s ? s->topology : a.scale_up.topology;
  int domain = s ? s->scale_up_domain : a.scale_up.domain;
  if (s && s->max_slice > 0) domain = std::min(domain, s->max_slice);
  std::vector<int> dims = s && !s->dims.empty() ? s->dims : a.scale_up.dims;
  f.up_bandwidth = s && s->scale_up_bandwidth.si() > 0 ? s->scale_up_bandwidth : a.scale_up.bandwidth;
  f.out_bandwidth = s && s->scale_out_bandwidth.si() > 0 ? s->scale_out_bandwidth : a.scale_out.bandwidth;
  f.up_latency = a.scale_up.latency;
  f.out_latency = a.scale_out.latency;
  f.up_collective_latency = a.scale_up.collective_latency.si() > 0 ? a.scale_up.collective_latency : a.scale_up.latency;
  if (a.scale_up.efficiency > 0) f.up_efficiency = a.scale_up.efficiency;
  f.nvls = a.scale_up.nvls;
  f.nvls_min_ranks = a.scale_up.nvls_min_ranks;
  f.mesh_below = a.scale_up.mesh_below;
  f.rdh_below = a.scale_up.rdh_below;
  if (a.scale_out.efficiency > 0) f.out_efficiency = a.scale_out.efficiency;
  if (s && s->scale_out_efficiency > 0) f.out_efficiency = s->scale_out_efficiency;
  f.kernels = chip_kernels(a);
  f.chips_per_host = s ? s->chips_per_host : 8;
  f.tdp = a.power.tdp;
  f.host_per_chip = a.power.host_per_chip;

  const bool torus =
      f.topology == TopologyKind::torus_2d || f.topology == TopologyKind::torus_3d || f.topology == TopologyKind::ring;
  if (torus) {
    std::array<int, 3> limit{1, 1, 1};
    f.ndims = f.topology == TopologyKind::torus_3d ? 3 : f.topology == TopologyKind::torus_2d ? 2 : 1;
    if (dims.empty()) dims = {domain};
    for (int i = 0; i < f.ndims && i < static_cast<int>(dims.size()); ++i) limit[i] = dims[i];
    if (f.ndims == 1) limit[0] = domain;
    const int full = std::accumulate(limit.begin(), limit.begin() + f.ndims, 1, std::multiplies<>());
    // A job smaller than the domain gets a slice of it, with the slice's shape.
    f.dims = chips < full ? slice_shape(chips, limit, f.ndims) : limit;
    f.pod_dims = limit;
    f.domain = std::accumulate(f.dims.begin(), f.dims.begin() + f.ndims, 1, std::multiplies<>());
    f.up_links = f.topology == TopologyKind::ring ? 2 : 2 * f.ndims;
    // Optical circuit switches wrap any dimension that is a multiple of 4 (TPU v4/v5p/v7).
    f.wrap_multiple_of_4 = f.topology == TopologyKind::torus_3d;
  } else {
    f.domain = std::max(1, std::min(domain, chips));
    f.dims = {f.domain, 1, 1};
    f.pod_dims = f.dims;
    f.ndims = 1;
    f.up_links = f.topology == TopologyKind::fully_connected ? std::max(1, domain - 1) : 1;
  }
  f.up_link_bandwidth = f.up_bandwidth / static_cast<double>(f.up_links);
  return f;
}

Precision effective_precision(const Fabric& f, Precision p) {
  if (f.peak_for(p).si() > 0) return p;
  // Fall back to the next wider format the chip runs natively.
  switch (p) {
    case Precision::fp4:
      return effective_precision(f, Precision::fp8);
    case Precision::fp8:
    case Precision::int8:
      return Precision::bf16;
    case Precision::fp16:
      return f.peak_for(Precision::bf16).si() > 0 ? Precision::bf16 : Precision::fp32;
    case Precision::tf32:
      return Precision::fp32;
    default:
      return Precision::bf16;
  }
}

}  // namespace xpu
