#include "perf/collectives.h"

#include <algorithm>
#include <cmath>

namespace xpu {
namespace {

double dbl(int v) { return static_cast<double>(v); }

// Reduce-scatter/all-gather volume fraction that leaves each rank: (n-1)/n.
double rs_fraction(int n) { return n <= 1 ? 0.0 : (dbl(n) - 1.0) / dbl(n); }

// --- Intra-domain algorithms ---------------------------------------------------

// Ring over a switch: each phase moves (n-1)/n of the buffer through the chip's
// total bandwidth in n-1 latency-bound steps.
Seconds switch_ring(const Fabric& f, const Placement& p, Collective c, Bytes bytes, double eff) {
  const int n = p.n_in;
  if (n <= 1) return Seconds(0);
  const ByteRate bw = f.up_bandwidth * eff;
  const double frac = rs_fraction(n);
  switch (c) {
    case Collective::all_reduce: {
      const Seconds ring = 2.0 * frac * bytes / bw + f.up_latency * (2.0 * (n - 1));
      // NVLink SHARP (NVLS): the switch reduces, so each GPU sends its buffer
      // once and receives the result once, B / (bandwidth x nvls) whatever n
      // (nccl-tests H200: algbw 0.61 of the link at 6-8 GPUs, B200 0.53);
      // NCCL takes it from nvls_min_ranks GPUs on, where it beats the ring.
      if (f.nvls > 0 && n >= f.nvls_min_ranks) {
        // Small messages pay the same measured floor either way.
        const Seconds nvls =
            bytes / (f.up_bandwidth * (f.nvls * eff / f.up_efficiency)) + f.up_latency * (2.0 * (n - 1));
        return std::min(ring, nvls);
      }
      return ring;
    }
    case Collective::all_gather:
    case Collective::reduce_scatter:
      return frac * bytes / bw + f.up_latency * dbl(n - 1);
    case Collective::all_to_all:
      // Through a switch every pair talks at once; the chip's port is the limit.
      return frac * bytes / bw + f.up_latency;
    case Collective::send_recv:
      return bytes / bw + f.up_latency;
  }
  return Seconds(0);
}

// Fully connected: every rank reaches every other over its own link, so a
// reduce-scatter sends one 1/n chunk down each of n-1 links at once.
Seconds fully_connected(const Fabric& f, const Placement& p, Collective c, Bytes bytes, double eff) {
  const int n = p.n_in;
  if (n <= 1) return Seconds(0);
  const ByteRate link = f.up_link_bandwidth * eff;
  const Bytes chunk = bytes / dbl(n);
  switch (c) {
    case Collective::all_reduce:
      return 2.0 * (chunk / link) + f.up_latency * 2.0;
    case Collective::all_gather:
    case Collective::reduce_scatter:
    case Collective::all_to_all:
      return chunk / link + f.up_latency;
    case Collective::send_recv:
      return bytes / link + f.up_latency;
  }
  return Seconds(0);
}

// Latency steps of one reduce-scatter or all-gather phase under the Neuron
// runtime's size-based choice (AWS Neuron docs, "Intra-node Collective
// Communications with AWS Neuron", neuron-runtime/explore/intranode-collective-comm.rst
// in github.com/aws-neuron/aws-neuron-sdk, 2025-12-02): Mesh below `mesh_below`
// (every rank writes to every peer through the chips' routing: O(1) steps),
// recursive doubling/halving below `rdh_below` on a power-of-two group (the 2D
// torus seen as a hypercube: log2 n steps), rings (KangaRing) above: 0 = no
// size-based algorithm applies, use the torus rings.
int runtime_phase_steps(const Fabric& f, int n, Bytes bytes) {
  if (f.mesh_below.si() > 0 && bytes < f.mesh_below) return 1;
  const bool pow2 = (n & (n - 1)) == 0;
  if (f.rdh_below.si() > 0 && bytes < f.rdh_below && pow2) return static_cast<int>(std::lround(std::log2(dbl(n))));
  return 0;
}

// Torus: rings along every used dimension with all links busy. A dimension
// with wraparound is a bidirectional ring (2 links' worth of bandwidth), one
// without is a line (half of that).
Seconds torus(const Fabric& f, const Placement& p, Collective c, Bytes bytes, double eff) {
  const int n = p.n_in;
  if (n <= 1) return Seconds(0);
  double links = 0;  // link-equivalents of bandwidth the group can use per chip
  int steps = 0;
  double hops = 0;  // average hops of a message, for all-to-all
  for (int i = 0; i < 3; ++i) {
    if (p.extent[i] <= 1) continue;
    links += p.wrap[i] ? 2.0 : 1.0;
    steps += p.extent[i] - 1;
    hops += p.wrap[i] ? dbl(p.extent[i]) / 4.0 : dbl(p.extent[i]) / 3.0;
  }
  const ByteRate bw = f.up_link_bandwidth * (links * eff);
  const double frac = rs_fraction(n);
  // The runtime's small- and mid-size algorithms (Neuron): the same bytes
  // leave each rank, over routed paths (Mesh: `hops` links per byte, the
  // links shared) or one neighbour at a time (RDH), in fewer latency steps.
  // `bytes` is the buffer nccom-test's size(B) names, which the docs' size ranges are in.
  const bool phased = c == Collective::all_reduce || c == Collective::all_gather || c == Collective::reduce_scatter;
  const int phase = phased ? runtime_phase_steps(f, n, bytes) : 0;
  if (phase > 0) {
    const bool mesh = f.mesh_below.si() > 0 && bytes < f.mesh_below;
    const Seconds move = mesh ? frac * bytes * std::max(1.0, hops) / bw : frac * bytes / (f.up_link_bandwidth * eff);
    const double phases = c == Collective::all_reduce ? 2.0 : 1.0;
    return phases * move + f.up_latency * (phases * phase);
  }
  switch (c) {
    case Collective::all_reduce:
      return 2.0 * frac * bytes / bw + f.up_latency * dbl(2 * steps);
    case Collective::all_gather:
    case Collective::reduce_scatter:
      return frac * bytes / bw + f.up_latency * dbl(steps);
    case Collective::all_to_all:
      // Each byte crosses `hops` links on average; the links share the load.
      return frac * bytes * std::max(1.0, hops) / bw + f.up_latency * dbl(steps);
    case Collective::send_recv:
      return bytes / (f.up_link_bandwidth * eff) + f.up_latency;
  }
  return Seconds(0);
}

const CollectiveAlgorithm* algorithm_for(TopologyKind t) {
  for (const auto& a : collective_algorithms()) {
    if (a.topology == t) return &a;
  }
  return &collective_algorithms().front();
}

// Between domains: each of the n_in chips of a domain carries 1/n_in of the
// data on its own NIC. Ring bandwidth, tree latency.
Seconds scale_out(const Fabric& f, const Placement& p, Collective c, Bytes bytes, double eff) {
  const int m = p.n_out;
  if (m <= 1) return Seconds(0);
  const ByteRate bw = f.out_bandwidth * eff;
  const Seconds lat = f.out_latency * (2.0 * std::ceil(std::log2(dbl(m))));
  const Bytes share = bytes / dbl(p.n_in);
  const double frac = rs_fraction(m);
  switch (c) {
    case Collective::all_reduce:
      return 2.0 * frac * share / bw + lat;
    case Collective::all_gather:
    case Collective::reduce_scatter:
      return frac * share / bw + 0.5 * lat;
    case Collective::all_to_all:
      // The part of each rank's buffer bound for other domains leaves on its NIC.
      return (bytes * (dbl(p.size - p.n_in) / dbl(p.size))) / bw + f.out_latency * dbl(m - 1);
    case Collective::send_recv:
      return bytes / bw + f.out_latency;
  }
  return Seconds(0);
}

}  // namespace

const std::vector<CollectiveAlgorithm>& collective_algorithms() {
  static const std::vector<CollectiveAlgorithm> registry{
      {"switch-ring", "ring through a switch (NVSwitch, NeuronSwitch); n-1 steps per phase", TopologyKind::switched,
       switch_ring},
      {"direct", "direct exchange over n-1 links in parallel (AMD Infinity Fabric 8-GPU UBB)",
       TopologyKind::fully_connected, fully_connected},
      {"torus-2d", "bidirectional rings along both torus dimensions at once (TPU v5e/v6e ICI, Trn1/Trn2 instance)",
       TopologyKind::torus_2d, torus},
      {"torus-3d", "bidirectional rings along all three dimensions at once (TPU v4/v5p/v7 ICI, Trn2 UltraServer)",
       TopologyKind::torus_3d, torus},
      {"ring", "one bidirectional ring (Inferentia2 NeuronLink)", TopologyKind::ring, torus},
  };
  return registry;
}

Placement place_group(const Fabric& f, int size, int stride) {
  Placement p;
  p.size = size;
  if (size <= 1) return p;
  const int domain = std::max(1, f.domain);
  if (stride >= domain) {
    p.n_in = 1;
  } else {
    p.n_in = std::max(1, std::min(size, domain / stride));
  }
  // A group that does not divide evenly into domains is treated as spanning one more.
  p.n_out = (size + p.n_in - 1) / p.n_in;
  if (p.n_in <= 1) return p;
  // Lay the group's in-domain part on the domain's dimensions: dimension i
  // holds ranks [P(i-1), P(i)) of the domain's linear order (first dim fastest);
  // the group occupies strides [stride, stride * n_in).
  bool whole_cubes = f.wrap_multiple_of_4;
  for (int i = 0; i < f.ndims && i < 3; ++i) whole_cubes = whole_cubes && f.dims[i] % 4 == 0;
  const long long lo = stride;
  const long long hi = static_cast<long long>(stride) * p.n_in;
  long long block = 1;
  for (int i = 0; i < f.ndims && i < 3; ++i) {
    const long long next = block * f.dims[i];
    const long long a = std::max(block, lo);
    const long long b = std::min(next, hi);
    if (b > a) {
      p.extent[i] = static_cast<int>(b / a);
      // Wraparound links exist along a dimension that spans the whole pod, or
      // (optical circuit switches, TPU v4/v5p/v7) one that is a multiple of 4
      // in a slice of whole 4x4x4 cubes; a smaller slice is a mesh
      // ("How to Scale Your Model", ch. 2: TPU networking).
      const bool full = p.extent[i] == f.pod_dims[i];
      p.wrap[i] = full || (whole_cubes && p.extent[i] % 4 == 0);
      if (f.topology == TopologyKind::ring) p.wrap[i] = full;
    }
    block = next;
  }
  if (f.topology == TopologyKind::switched || f.topology == TopologyKind::fully_connected) {
    p.extent = {p.n_in, 1, 1};
    p.wrap = {true, false, false};
  }
  return p;
}

Seconds collective_time(const Fabric& f, const Placement& p, Collective c, Bytes bytes, LinkEfficiency eff) {
  if (p.size <= 1 || bytes.si() <= 0) return Seconds(0);
  const CollectiveAlgorithm* alg = algorithm_for(f.topology);
  switch (c) {
    case Collective::all_reduce:
      // Hierarchical: reduce-scatter inside, all-reduce the shard across, all-gather inside.
      if (p.n_out <= 1) return alg->intra(f, p, c, bytes, eff.scale_up);
      return alg->intra(f, p, Collective::reduce_scatter, bytes, eff.scale_up) +
             scale_out(f, p, Collective::all_reduce, bytes, eff.scale_out) +
             alg->intra(f, p, Collective::all_gather, bytes, eff.scale_up);
    case Collective::all_gather:
    case Collective::reduce_scatter:
      return alg->intra(f, p, c, bytes, eff.scale_up) + scale_out(f, p, c, bytes, eff.scale_out);
    case Collective::all_to_all: {
      // Inside-domain and cross-domain traffic use different links at once.
      const Bytes inside = bytes * (dbl(p.n_in) / dbl(p.size));
      Seconds t_in = alg->intra(f, p, c, inside, eff.scale_up);
      Seconds t_out = scale_out(f, p, c, bytes, eff.scale_out);
      return std::max(t_in, t_out);
    }
    case Collective::send_recv:
      return p.n_out > 1 ? scale_out(f, p, c, bytes, eff.scale_out) : alg->intra(f, p, c, bytes, eff.scale_up);
  }
  return Seconds(0);
}

Seconds send_recv_time(const Fabric& f, int stride, Bytes bytes, LinkEfficiency eff) {
  if (bytes.si() <= 0) return Seconds(0);
  if (stride < f.domain) {
    const ByteRate bw =
        f.topology == TopologyKind::switched ? f.up_bandwidth * eff.scale_up : f.up_link_bandwidth * eff.scale_up;
    return bytes / bw + f.up_latency;
  }
  return bytes / (f.out_bandwidth * eff.scale_out) + f.out_latency;
}

}  // namespace xpu
