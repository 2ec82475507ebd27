// Collective communication time on a real topology.
//
// A group of `size` ranks with a rank `stride` (Megatron order: TP innermost,
// then CP, EP/DP, PP outermost) is first placed on the fabric: how many of its
// ranks share a scale-up domain and along which torus dimensions, and how many
// domains it spans. The collective then runs hierarchically: the fast fabric
// inside each domain (algorithm chosen by topology), the scale-out network
// between domains on each chip's own NIC.
//
// Algorithms (one registry, collective_algorithms() below):
//  - switch: ring over NVSwitch/NeuronSwitch, (n-1) steps per phase
//    (Patarasuk & Yuan 2009, bandwidth-optimal all-reduce; NCCL ring).
//  - fully connected: direct exchange over n-1 point-to-point links in
//    parallel (AMD Infinity Fabric UBB; RCCL direct algorithms).
//  - torus: bidirectional rings along each used dimension, all dimensions'
//    links busy at once; half bandwidth on a dimension without wraparound
//    ("How to Scale Your Model", JAX scaling book, ch. 3).
//  - ring: one bidirectional ring (NeuronLink on Inferentia2).
//  - Neuron's size-based choice on its torus (Fabric::mesh_below, rdh_below):
//    Mesh, one routed step per phase whatever the group size, for small
//    buffers; recursive doubling/halving, log2 n steps, for mid sizes; the
//    rings above (AWS Neuron docs, intra-node collective communications).
//  - scale-out: ring bandwidth term with a tree latency term across domains
//    (NCCL: rings for bandwidth, trees for latency at scale).
#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "base/units.h"
#include "perf/fabric.h"

namespace xpu {

enum class Collective : unsigned char { all_reduce, all_gather, reduce_scatter, all_to_all, send_recv };

// How a group sits on the fabric.
struct Placement {
  int size = 1;
  int n_in = 1;                        // ranks of the group inside one domain
  int n_out = 1;                       // domains the group spans (size = n_in * n_out)
  std::array<int, 3> extent{1, 1, 1};  // torus: ranks along each domain dimension (product = n_in)
  std::array<bool, 3> wrap{false, false, false};
};

Placement place_group(const Fabric& f, int size, int stride);

// Fraction of link bandwidth collectives reach (a stack property).
struct LinkEfficiency {
  double scale_up = 0.8;
  double scale_out = 0.8;
};

// Time of one collective. `bytes` is the buffer one rank holds: the reduced
// buffer (all-reduce), the gathered output (all-gather), the input
// (reduce-scatter), the send buffer (all-to-all), the message (send-recv).
Seconds collective_time(const Fabric& f, const Placement& p, Collective c, Bytes bytes, LinkEfficiency eff);

// Time of a point-to-point send between neighbouring ranks of a group with
// `stride` (a pipeline boundary): over the fast fabric when both ends share a
// domain, else over the scale-out network.
Seconds send_recv_time(const Fabric& f, int stride, Bytes bytes, LinkEfficiency eff);

// The registry: each intra-domain algorithm with a one-line description.
struct CollectiveAlgorithm {
  std::string_view name;
  std::string_view description;
  TopologyKind topology;
  // Time inside one domain for `c` over `p` (n_in ranks), `bytes` per rank.
  Seconds (*intra)(const Fabric& f, const Placement& p, Collective c, Bytes bytes, double efficiency);
};
const std::vector<CollectiveAlgorithm>& collective_algorithms();

}  // namespace xpu
