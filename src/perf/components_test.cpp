#include "perf/components.h"

#include <gtest/gtest.h>

#include "perf/kernels.h"
#include "perf/test_fixtures.h"

namespace xpu {
namespace {

// An H200-like chip with the measured kernel figures of data/accelerators.
Fabric h200_kernels() {
  Fabric f = testing::h100_like(8);
  f.hbm_bandwidth = terabytes_per_second(4.8);
  ChipKernels& k = f.kernels;
  k.clock_ratio = 1410.0 / 1830.0;
  k.matmul.fill(0.937);
  k.tile_m = 128, k.tile_n = 128, k.tile_k = 64;
  k.units = 132;
  k.k_half = 400;
  k.hbm_stream = 0.87;
  return f;
}

TEST(Components, LargeGemmRunsAtClockTimesKernel) {
  const Fabric f = h200_kernels();
  const double m = 16384;
  const Seconds t = gemm_time(f, Precision::bf16, m, m, m, 1, 1.0, 1.0) - f.kernels.kernel_latency;
  const double rate = 2 * m * m * m / t.si();
  // 989 x 0.77 x 0.937 x k-loop 0.976, minus a little for the operand traffic.
  EXPECT_NEAR(rate / 989.4e12, 0.7705 * 0.937 * (m / (m + 400)), 0.005);
}

TEST(Components, ShapeEfficiencyQuantizesAndFills) {
  const ChipKernels k = h200_kernels().kernels;
  // Exact multiples of the tile lose only the k-loop's fixed part.
  EXPECT_NEAR(gemm_shape_efficiency(k, 8192, 8192, 8192), 8192.0 / 8592.0, 1e-12);
  // One row past a tile pads a whole tile.
  EXPECT_NEAR(gemm_shape_efficiency(k, 8193, 8192, 8192) / gemm_shape_efficiency(k, 8192, 8192, 8192),
              8193.0 / (65 * 128), 1e-12);
  // Fewer output tiles than compute units, and no room to split k, leaves units idle.
  EXPECT_LT(gemm_shape_efficiency(k, 128, 1024, 256), 0.1);
  // A longer contraction never lowers the efficiency (same tiles).
  double prev = 0;
  for (double kd : {512.0, 1024.0, 4096.0, 16384.0}) {
    const double e = gemm_shape_efficiency(k, 4096, 4096, kd);
    EXPECT_GT(e, prev);
    prev = e;
  }
}

TEST(Components, SkinnyGemmIsBoundByItsWeights) {
  const Fabric f = h200_kernels();
  // Decode-like m = 8: the weights stream at the stream bandwidth.
  const double n = 28672, kd = 4096;
  const Seconds t = gemm_time(f, Precision::bf16, 8, n, kd, 1, 1.0, 1.0) - f.kernels.kernel_latency;
  const double bytes = gemm_traffic_bytes(8, n, kd, 2);
  EXPECT_NEAR(t.si() / (bytes / (4.8e12 * 0.87)), 1.0, 0.01);
}

TEST(Components, RooflineIsNeverFasterThanEitherBound) {
  const Fabric f = h200_kernels();
  for (double m : {16.0, 256.0, 1024.0, 8192.0}) {
    const Seconds t = gemm_time(f, Precision::bf16, m, 7168, 2048, 1, 1.0, 1.0) - f.kernels.kernel_latency;
    const Seconds traffic = Bytes(gemm_traffic_bytes(m, 7168, 2048, 2)) / stream_bandwidth(f, 1.0);
    const double frac = gemm_compute_fraction(f.kernels, Precision::bf16, m, 7168, 2048);
    const Seconds compute = FlopCount(2 * m * 7168 * 2048) / (f.peak_for(Precision::bf16) * frac);
    EXPECT_GE(t.si(), std::max(traffic, compute).si());
    EXPECT_LE(t.si(), (traffic + compute).si());
  }
}

TEST(Components, GroupedGemmPaysForSmallGroups) {
  const Fabric f = h200_kernels();
  // The same rows in 64 groups of 64 are slower than in 4 groups of 1024: each
  // group streams its own weights and pads its rows to a tile.
  const double n = 4096, kd = 7168;
  const Seconds few = grouped_gemm_time(f, Precision::bf16, 4, 1024, n, kd, 1.0, 1.0);
  const Seconds many = grouped_gemm_time(f, Precision::bf16, 64, 64, n, kd, 1.0, 1.0);
  EXPECT_GT(many.si(), 2.0 * few.si());
  // Ragged tiling (MaxText megablox): a group touches m/tile + 1 row tiles.
  const GroupedTiling ragged{512, 1024, 1024, true};
  const GroupedTiling padded{512, 1024, 1024, false};
  const Seconds r = grouped_gemm_time(f, Precision::bf16, 128, 1024, n, kd, 1.0, 1.0, ragged);
  const Seconds p = grouped_gemm_time(f, Precision::bf16, 128, 1024, n, kd, 1.0, 1.0, padded);
  EXPECT_GT(r, p);
}

TEST(Components, AttentionHeadDimIsPaddedToTheUnit) {
  Fabric f = h200_kernels();
  f.kernels.attention_head_quantum = 256;  // a 256-wide MXU
  f.kernels.attention_ref = 0.5;           // head dim 128 fills half of it
  EXPECT_NEAR(attention_head_factor(f.kernels, 64), 0.5, 1e-12);
  EXPECT_NEAR(attention_head_factor(f.kernels, 256), 2.0, 1e-12);
  const FlopCount flops(1e15);
  EXPECT_NEAR(attention_time(f, flops, 64, 4096, false, 1.0) / attention_time(f, flops, 128, 4096, false, 1.0), 2.0,
              1e-3);
  // Backward: 2.5x the forward FLOPs at the backward efficiency.
  f.kernels.attention_forward = 0.6;
  f.kernels.attention_backward = 0.5;
  f.kernels.kernel_latency = Seconds(0);
  EXPECT_NEAR(attention_time(f, flops, 128, 4096, true, 1.0) / attention_time(f, flops, 128, 4096, false, 1.0),
              2.5 * 0.6 / 0.5, 1e-9);
}

TEST(Components, BlockSparseAttentionComputesWholeBlocks) {
  EXPECT_NEAR(block_keys(8192, 0, 0), 8193.0 / 2, 1e-9);
  EXPECT_NEAR(block_keys(8192, 0, 128), 4096 + 64, 1e-9);
  // A 128-token window in 512-token blocks: every query block touches its own
  // key block and the one before, computed whole: 1024 keys per query, not
  // 128 (nor window + block = 640).
  EXPECT_NEAR(block_keys(8192, 128, 512), 1024, 1e-9);
  EXPECT_NEAR(block_keys(8192, 128, 1024), 2048, 1e-9);
  // A window that is a multiple of the block: window + block.
  EXPECT_NEAR(block_keys(32768, 4096, 512), 4096 + 512, 1e-9);
  // On GPUs (128-wide tiles) a 128-token window costs two tiles as before.
  EXPECT_NEAR(block_keys(8192, 128, 128), 256, 1e-9);
  EXPECT_LE(block_keys(1024, 900, 512), block_keys(1024, 0, 512));
}

}  // namespace
}  // namespace xpu
