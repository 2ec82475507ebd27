// The fabric a job sees, and the shared engine answers (best layout on up to
// N chips, the service size, the job defaults), on hardware written here.
#include "perf/sizing.h"

#include <gtest/gtest.h>

#include "perf/fabric.h"
#include "perf/test_fixtures.h"

namespace xpu {
namespace {

using testing::llama;
using testing::test_stack;

// An H100-like chip in 8-chip switched nodes.
Accelerator gpu() {
  Accelerator a;
  a.key = "gpu";
  a.peak[static_cast<int>(Precision::bf16)] = teraflop_per_second(989);
  a.hbm_capacity = gigabytes(80);
  a.hbm_bandwidth = terabytes_per_second(3.35);
  a.scale_up = {"switch", gigabytes_per_second(450), TopologyKind::switched, 8, {}, microseconds(3)};
  a.scale_out = {"nic", gigabytes_per_second(50), microseconds(5)};
  return a;
}

// A TPU-like chip whose pod is a 16x16x16 torus, sliced for smaller jobs.
Accelerator tpu() {
  Accelerator a = gpu();
  a.key = "tpu";
  a.scale_up = {"ici", gigabytes_per_second(300), TopologyKind::torus_3d, 4096, {16, 16, 16}, microseconds(2)};
  return a;
}

TEST(Fabric, SwitchDomainsKeepTheirSizeAndTorusSlicesTakeTheJobsShape) {
  const Accelerator g = gpu();
  const Fabric node = make_fabric(g, nullptr, 1024);
  EXPECT_EQ(node.domain, 8);
  EXPECT_EQ(node.up_links, 1);
  EXPECT_EQ(make_fabric(g, nullptr, 4).domain, 4);  // a job smaller than a node uses part of it

  const Accelerator t = tpu();
  const Fabric slice = make_fabric(t, nullptr, 64);
  EXPECT_EQ(slice.domain, 64);
  EXPECT_EQ(slice.dims, (std::array<int, 3>{4, 4, 4}));  // the most cube-like slice
  EXPECT_EQ(slice.up_links, 6);
  const Fabric pod = make_fabric(t, nullptr, 8192);
  EXPECT_EQ(pod.domain, 4096);  // a job larger than the pod spans pods
  // A system overrides the accelerator's own domain and bandwidths.
  System s;
  s.key = "big";
  s.topology = TopologyKind::switched;
  s.scale_up_domain = 72;
  s.chips = 72;
  s.scale_up_bandwidth = gigabytes_per_second(900);
  const Fabric rack = make_fabric(g, &s, 1024);
  EXPECT_EQ(rack.domain, 72);
  EXPECT_EQ(rack.system, "big");
  EXPECT_DOUBLE_EQ(rack.up_bandwidth.si(), gigabytes_per_second(900).si());
}

TEST(Sizing, DefaultsAreWrittenOnce) {
  EXPECT_EQ(default_global_batch(8192), 512);
  EXPECT_EQ(default_global_batch(4096), 1024);
  EXPECT_EQ(default_global_batch(1 << 23), 1);        // never zero
  EXPECT_EQ(default_global_batch(2048, 1000), 2000);  // 2048 sequences rounded to whole ones per chip
  EXPECT_EQ(default_kv_precision(Precision::fp8, false), Precision::fp8);
  EXPECT_EQ(default_kv_precision(Precision::fp4, false), Precision::fp8);
  EXPECT_EQ(default_kv_precision(Precision::fp8, true), Precision::bf16);  // weight-only: activations stay bf16
  EXPECT_EQ(default_kv_precision(Precision::bf16, false), Precision::bf16);
}

TEST(Sizing, BestLayoutUpToNStepsDownOnlyWhenNoLayoutIsValid) {
  const ModelArch m = llama(32, 4096, 32, 8, 14336);
  const StackEfficiency s = test_stack();
  const Accelerator g = gpu();
  TrainingJob job;
  job.seq_len = 4096;
  job.global_batch = 512;
  const TrainingSetup setup{&m, &g, nullptr, &s, job};
  SearchOptions o;
  o.top = 1;
  // 64 chips split evenly: the answer is 64.
  const LayoutAnswer exact = best_layout_up_to(setup, 64, 8, o);
  ASSERT_TRUE(exact.found());
  EXPECT_EQ(exact.chips, 64);
  EXPECT_TRUE(exact.fewer_because.empty());
  // 8 x 641 chips: no degree split divides the batch. The largest whole-node
  // count below that has a layout (5120 = 8 x 640) is the answer, with the reason.
  const LayoutAnswer fewer = best_layout_up_to(setup, 5128, 8, o);
  ASSERT_TRUE(fewer.found()) << fewer.why_none();
  EXPECT_EQ(fewer.chips_asked, 5128);
  EXPECT_EQ(fewer.chips, 5120);
  EXPECT_EQ(fewer.search.best.front().layout.chips(), 5120);
  EXPECT_EQ(fewer.fewer_because,
            "5128 chips have no valid layout (dp * micro_batch must divide the global batch); 5120 is the largest "
            "count tried below it that has one (whole 8-chip units, then powers of two)");
  // At exactly 5128 there is none, and it says why.
  const LayoutAnswer at = best_layout_at(setup, 5128, o);
  EXPECT_FALSE(at.found());
  EXPECT_EQ(at.why_none(), "no valid layout on 5128 chips: dp * micro_batch must divide the global batch");
}

TEST(Sizing, ModelsThatDoNotFitAreNotShrunkFurther) {
  // 70B with no sharding options on 8 chips does not fit; fewer chips would need more memory each.
  const ModelArch m = llama(80, 8192, 64, 8, 28672);
  StackEfficiency s = test_stack();
  s.shardings = {"none"};
  const Accelerator g = gpu();
  TrainingJob job;
  job.global_batch = 64;
  SearchOptions o;
  o.top = 1;
  const LayoutAnswer a = best_layout_up_to({&m, &g, nullptr, &s, job}, 8, 8, o);
  EXPECT_FALSE(a.found());
  EXPECT_EQ(a.chips, 8);
  ASSERT_TRUE(a.search.closest.has_value());
  EXPECT_TRUE(a.why_none().starts_with("does not fit in memory on 8 chips: the closest layout (")) << a.why_none();
}

TEST(Sizing, ServiceSizeMeetsTheSloAndCapacityIsAtLeastTheFloor) {
  const ModelArch m = llama(32, 4096, 32, 8, 14336);
  StackEfficiency s = test_stack();
  s.mode = Mode::infer;
  const Accelerator g = gpu();
  const ServingSetup setup{&m, &g, nullptr, &s, ServingJob{}};
  const ServingSlo slo{seconds(2), milliseconds(50)};
  const ServiceSize size = size_service(setup, 10, slo);
  ASSERT_TRUE(size.search.best.has_value());
  const ServingEstimate& b = *size.search.best;
  EXPECT_TRUE(b.meets_slo);
  EXPECT_GE(b.requests_per_s * size.search.replicas, 10 * 0.999);
  const double floor = 10.0 / size.search.replicas;
  const double cap = replica_capacity(size.ctx, b.layout, slo, floor);
  EXPECT_GE(cap, floor);
  EXPECT_TRUE(serve(size.ctx, b.layout, cap, slo, 0).meets_slo);
  EXPECT_EQ(to_string(ServingLayout{4, 2, 8}), "tp4 pp2 ep8");
  EXPECT_EQ(to_string(ServingLayout{2, 1, 1}), "tp2");
}

}  // namespace
}  // namespace xpu
