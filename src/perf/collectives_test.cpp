#include "perf/collectives.h"

#include <gtest/gtest.h>

#include "perf/test_fixtures.h"

namespace xpu {
namespace {

constexpr LinkEfficiency kIdeal{1.0, 1.0};

Fabric torus_fabric(std::array<int, 3> dims, int ndims, TopologyKind kind, double link_gbps) {
  Fabric f;
  f.topology = kind;
  f.dims = dims;
  f.pod_dims = dims;  // the whole pod
  f.ndims = ndims;
  f.domain = dims[0] * dims[1] * dims[2];
  f.up_links = kind == TopologyKind::ring ? 2 : 2 * ndims;
  f.up_link_bandwidth = gigabytes_per_second(link_gbps);
  f.up_bandwidth = f.up_link_bandwidth * static_cast<double>(f.up_links);
  f.out_bandwidth = gigabytes_per_second(12.5);
  f.wrap_multiple_of_4 = kind == TopologyKind::torus_3d;
  return f;
}

TEST(Collectives, SwitchRingClosedForm) {
  Fabric f = testing::h100_like(8);
  const Placement p = place_group(f, 8, 1);
  EXPECT_EQ(p.n_in, 8);
  EXPECT_EQ(p.n_out, 1);
  const Bytes b = gigabytes(1);
  // Ring all-reduce: 2 (n-1)/n B / bw + 2 (n-1) latency.
  const double expected = 2.0 * 7 / 8 * 1e9 / 450e9 + 14 * 3e-6;
  EXPECT_NEAR(collective_time(f, p, Collective::all_reduce, b, kIdeal).si(), expected, 1e-12);
  const double ag = 7.0 / 8 * 1e9 / 450e9 + 7 * 3e-6;
  EXPECT_NEAR(collective_time(f, p, Collective::all_gather, b, kIdeal).si(), ag, 1e-12);
  EXPECT_NEAR(collective_time(f, p, Collective::reduce_scatter, b, kIdeal).si(), ag, 1e-12);
}

TEST(Collectives, HierarchicalAcrossNodes) {
  Fabric f = testing::h100_like(64);
  // DP group of 16 with stride 4 (tp=4): 2 ranks per node, 8 nodes.
  const Placement p = place_group(f, 16, 4);
  EXPECT_EQ(p.n_in, 2);
  EXPECT_EQ(p.n_out, 8);
  const double B = 1e9;
  const double intra_rs = 0.5 * B / 450e9 + 1 * 3e-6;
  const double inter_ar = 2.0 * 7 / 8 * (B / 2) / 50e9 + 2 * 3 * 5e-6;  // tree latency 2 log2(8)
  const double expected = 2 * intra_rs + inter_ar;
  EXPECT_NEAR(collective_time(f, p, Collective::all_reduce, Bytes(B), kIdeal).si(), expected, 1e-12);
  // Across nodes only (stride 8): every rank on its own NIC.
  const Placement q = place_group(f, 8, 8);
  EXPECT_EQ(q.n_in, 1);
  EXPECT_EQ(q.n_out, 8);
}

TEST(Collectives, FullyConnectedUsesEveryLink) {
  Fabric f = testing::h100_like(8);
  f.topology = TopologyKind::fully_connected;
  f.up_links = 7;
  f.up_link_bandwidth = gigabytes_per_second(64);
  f.up_bandwidth = f.up_link_bandwidth * 7.0;
  f.up_latency = Seconds(0);
  const Placement p = place_group(f, 8, 1);
  // Reduce-scatter: one 1/8 chunk down each link at once.
  EXPECT_NEAR(collective_time(f, p, Collective::reduce_scatter, gigabytes(8), kIdeal).si(), 1e9 / 64e9, 1e-12);
  // A group of 2 uses one link only: slower per byte than the full group.
  const Placement two = place_group(f, 2, 1);
  EXPECT_GT(collective_time(f, two, Collective::all_reduce, gigabytes(8), kIdeal),
            collective_time(f, p, Collective::all_reduce, gigabytes(8), kIdeal));
}

TEST(Collectives, TorusPlacementAndWraparound) {
  // A 16x16 2D torus (TPU v5e pod): a group of 64 with stride 1 spans 16 x 4.
  Fabric f = torus_fabric({16, 16, 1}, 2, TopologyKind::torus_2d, 45);
  const Placement p = place_group(f, 64, 1);
  EXPECT_EQ(p.extent[0], 16);
  EXPECT_EQ(p.extent[1], 4);
  EXPECT_TRUE(p.wrap[0]);   // the full dimension wraps around
  EXPECT_FALSE(p.wrap[1]);  // a 4-chip piece of a 16-chip ring is a line
  // Ring all-gather on the full 16-ring alone: (n-1)/n B over two directions.
  const Placement ring = place_group(f, 16, 1);
  f.up_latency = Seconds(0);
  EXPECT_NEAR(collective_time(f, ring, Collective::all_gather, gigabytes(1), kIdeal).si(), 15.0 / 16 * 1e9 / (2 * 45e9),
              1e-12);
  // Using the second dimension too adds links: the 256-chip all-gather is not 16x slower.
  const Placement all = place_group(f, 256, 1);
  EXPECT_LT(collective_time(f, all, Collective::all_gather, gigabytes(1), kIdeal).si(),
            1.1 * collective_time(f, ring, Collective::all_gather, gigabytes(1), kIdeal).si());
}

TEST(Collectives, ASliceSmallerThanThePodIsAMesh) {
  // A 2x2 slice cut from a 3D-torus pod has no wraparound links (How to Scale
  // Your Model, ch. 2): an all-gather over it uses one link per dimension.
  Fabric f = torus_fabric({16, 16, 24}, 3, TopologyKind::torus_3d, 100);
  f.dims = {2, 2, 1};
  f.domain = 4;
  f.up_latency = Seconds(0);
  const Placement p = place_group(f, 4, 1);
  EXPECT_FALSE(p.wrap[0]);
  EXPECT_FALSE(p.wrap[1]);
  // (n-1)/n of the buffer over two links (tpu-v7-allgather-2x2x1-*: 179 GB/s per chip measured).
  EXPECT_NEAR(collective_time(f, p, Collective::all_gather, gigabytes(1), kIdeal).si(), 0.75 / 200.0, 1e-12);
}

TEST(Collectives, NvlsBeatsTheRingFromItsMinimumGroup) {
  // NVLink SHARP: an all-reduce moves the buffer once each way at the measured
  // algorithm bandwidth, where the ring moves 2(n-1)/n of it.
  Fabric f = testing::h100_like(8);
  f.up_latency = Seconds(0);
  f.up_efficiency = 0.81;
  f.nvls = 0.61;
  f.nvls_min_ranks = 5;
  const LinkEfficiency ring_eff{0.81, 0.8};
  const Placement eight = place_group(f, 8, 1);
  EXPECT_NEAR(collective_time(f, eight, Collective::all_reduce, gigabytes(1), ring_eff).si(), 1e9 / (450e9 * 0.61),
              1e-12);
  const Placement four = place_group(f, 4, 1);
  EXPECT_NEAR(collective_time(f, four, Collective::all_reduce, gigabytes(1), ring_eff).si(),
              2.0 * 0.75 * 1e9 / (450e9 * 0.81), 1e-12);
}

TEST(Collectives, OpticalSwitchWrapsMultiplesOfFour) {
  Fabric f = torus_fabric({16, 16, 24}, 3, TopologyKind::torus_3d, 90);
  const Placement p = place_group(f, 64, 1);
  EXPECT_EQ(p.extent[0], 16);
  EXPECT_EQ(p.extent[1], 4);
  EXPECT_TRUE(p.wrap[1]);  // 4 is a multiple of 4: the OCS closes the ring
}

TEST(Collectives, NeuronSmallAllReduceStepsDoNotGrowWithTheGroup) {
  // A trn2.48xlarge: 16 chips in a 4x4 2D torus, 1.5 us per hop, the Neuron
  // runtime's Mesh below 1 MB and RDH below 56 MB (AWS Neuron docs,
  // intra-node collective communications, 2025-12-02).
  Fabric f = torus_fabric({4, 4, 1}, 2, TopologyKind::torus_2d, 128);
  f.up_latency = microseconds(1.5);
  f.mesh_below = Bytes(1e6);
  f.rdh_below = Bytes(56e6);
  const double link = 128e9;
  // A decode all-reduce of one token's hidden state (8192 x bf16).
  const Bytes small(16384);
  // 16 chips: two routed steps (reduce-scatter, all-gather), whatever n; each
  // byte crosses 2 hops on average (4/4 per wrapped dimension) over 4 links.
  const Placement sixteen = place_group(f, 16, 1);
  const double t16 = 2.0 * (15.0 / 16 * 16384 * 2.0 / (4 * link)) + 2 * 1.5e-6;
  EXPECT_NEAR(collective_time(f, sixteen, Collective::all_reduce, small, kIdeal).si(), t16, 1e-12);
  // 2 chips of the same instance (a line, one link): the same two steps.
  Fabric two_chips = f;
  two_chips.dims = {2, 1, 1};
  two_chips.domain = 2;
  const Placement two = place_group(two_chips, 2, 1);
  const double t2 = 2.0 * (0.5 * 16384 / link) + 2 * 1.5e-6;
  EXPECT_NEAR(collective_time(two_chips, two, Collective::all_reduce, small, kIdeal).si(), t2, 1e-12);
  // The latency steps are the same; the ring the torus would run takes 2 x (3 + 3).
  EXPECT_LT(collective_time(f, sixteen, Collective::all_reduce, small, kIdeal).si() - t2, 0.1e-6);
  // Mid-size buffers: recursive halving then doubling, log2(16) = 4 steps per
  // phase, one neighbour link at a time.
  const Bytes mid = Bytes(8e6);
  EXPECT_NEAR(collective_time(f, sixteen, Collective::all_reduce, mid, kIdeal).si(),
              2.0 * 15.0 / 16 * 8e6 / link + 8 * 1.5e-6, 1e-12);
  // Large buffers: the rings of every dimension, 2 x (3 + 3) steps.
  const Bytes large = Bytes(100e6);
  EXPECT_NEAR(collective_time(f, sixteen, Collective::all_reduce, large, kIdeal).si(),
              2.0 * 15.0 / 16 * 1e8 / (4 * link) + 12 * 1.5e-6, 1e-12);
  // Without the runtime's size-based choice (TPU ICI), small buffers ride the rings.
  Fabric rings = f;
  rings.mesh_below = Bytes(0);
  rings.rdh_below = Bytes(0);
  EXPECT_NEAR(collective_time(rings, sixteen, Collective::all_reduce, small, kIdeal).si(),
              2.0 * 15.0 / 16 * 16384 / (4 * link) + 12 * 1.5e-6, 1e-12);
}

TEST(Collectives, RegistryListsEveryTopology) {
  for (TopologyKind t : {TopologyKind::switched, TopologyKind::torus_2d, TopologyKind::torus_3d, TopologyKind::ring,
                         TopologyKind::fully_connected}) {
    bool found = false;
    for (const auto& a : collective_algorithms()) found |= a.topology == t && !a.description.empty();
    EXPECT_TRUE(found) << to_string(t);
  }
}

}  // namespace
}  // namespace xpu
