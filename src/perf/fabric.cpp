#include "perf/fabric.h"

#include <algorithm>
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

}  // namespace

Fabric make_fabric(const Accelerator& a, const System* s, int chips) {
  Fabric f;
  f.accelerator = a.key;
  f.system = s ? s->key : "";
  f.peak = a.peak;
  f.hbm_capacity = a.hbm_capacity;
  f.hbm_bandwidth = a.hbm_bandwidth;
  f.topology = s ? s->topology : a.scale_up.topology;
  int domain = s ? s->scale_up_domain : a.scale_up.domain;
  if (s && s->max_slice > 0) domain = std::min(domain, s->max_slice);
  std::vector<int> dims = s && !s->dims.empty() ? s->dims : a.scale_up.dims;
  f.up_bandwidth = s && s->scale_up_bandwidth.si() > 0 ? s->scale_up_bandwidth : a.scale_up.bandwidth;
  f.out_bandwidth = s && s->scale_out_bandwidth.si() > 0 ? s->scale_out_bandwidth : a.scale_out.bandwidth;
  f.up_latency = a.scale_up.latency;
  f.out_latency = a.scale_out.latency;
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
    f.domain = std::accumulate(f.dims.begin(), f.dims.begin() + f.ndims, 1, std::multiplies<>());
    f.up_links = f.topology == TopologyKind::ring ? 2 : 2 * f.ndims;
    // Optical circuit switches wrap any dimension that is a multiple of 4 (TPU v4/v5p/v7).
    f.wrap_multiple_of_4 = f.topology == TopologyKind::torus_3d;
  } else {
    f.domain = std::max(1, std::min(domain, chips));
    f.dims = {f.domain, 1, 1};
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
