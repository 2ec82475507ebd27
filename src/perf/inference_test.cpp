#include "perf/inference.h"

#include <gtest/gtest.h>

#include "perf/test_fixtures.h"

namespace xpu {
namespace {

using testing::h100_like;
using testing::llama;

StackEfficiency serving_stack() {
  StackEfficiency s = testing::test_stack();
  s.mode = Mode::infer;
  s.memory = 0.8;
  s.step_overhead = milliseconds(1);
  s.reserve = gigabytes(2);
  return s;
}

InferenceContext context(const ModelArch& m, const Fabric& f, const StackEfficiency& s, double in, double out,
                         Precision w = Precision::bf16) {
  ServingJob j;
  j.input_len = in;
  j.output_len = out;
  j.weights = w;
  return prepare_inference(m, f, s, j);
}

TEST(Inference, TpotNeverFallsAsBatchGrows) {
  const ModelArch m = llama(80, 8192, 64, 8, 28672);
  const StackEfficiency s = serving_stack();
  const InferenceContext c = context(m, h100_like(8), s, 2048, 256);
  for (int tp : {2, 4, 8}) {
    double prev = 0;
    for (double b : {1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0}) {
      const double t = decode_step(c, {tp, 1, 1}, b, 2176).time.si();
      EXPECT_GE(t, prev) << "tp" << tp << " batch " << b;
      prev = t;
    }
  }
}

TEST(Inference, TtftGrowsWithPromptLength) {
  const ModelArch m = llama(32, 4096, 32, 8, 14336);
  const StackEfficiency s = serving_stack();
  double prev = 0;
  for (double in : {128.0, 512.0, 2048.0, 8192.0, 32768.0}) {
    const InferenceContext c = context(m, h100_like(8), s, in, 128);
    const double ttft = run_batch(c, {1, 1, 1}, 1).ttft_p50.si();
    EXPECT_GT(ttft, prev) << in;
    prev = ttft;
  }
}

TEST(Inference, MoreBandwidthNeverSlowsDecode) {
  const ModelArch m = llama(80, 8192, 64, 8, 28672);
  const StackEfficiency s = serving_stack();
  Fabric f = h100_like(8);
  const InferenceContext slow = context(m, f, s, 1024, 256);
  f.hbm_bandwidth = f.hbm_bandwidth * 1.43;
  const InferenceContext fast = context(m, f, s, 1024, 256);
  for (double b : {1.0, 16.0, 256.0}) {
    EXPECT_LE(decode_step(fast, {8, 1, 1}, b, 1152).time, decode_step(slow, {8, 1, 1}, b, 1152).time) << b;
  }
  // Memory-bound at batch 1: strictly faster.
  EXPECT_LT(decode_step(fast, {8, 1, 1}, 1, 1152).time, decode_step(slow, {8, 1, 1}, 1, 1152).time);
}

TEST(Inference, FewerActiveExpertsNeverSlowerAtBatchOne) {
  const StackEfficiency s = serving_stack();
  double prev = 1e300;
  for (int active : {8, 4, 2, 1}) {
    ModelArch m = llama(32, 4096, 32, 8, 0);
    m.moe = {.experts = 64, .active = active, .expert_ffn = 2048};
    const InferenceContext c = context(m, h100_like(8), s, 512, 128);
    const double t = decode_step(c, {8, 1, 1}, 1, 576).time.si();
    EXPECT_LE(t, prev) << active;
    prev = t;
  }
}

TEST(Inference, MemoryPlanFollowsContextAndPrecision) {
  const ModelArch m = llama(80, 8192, 64, 8, 28672);
  const StackEfficiency s = serving_stack();
  const ServingMemory short_ctx = serving_memory(context(m, h100_like(8), s, 1024, 256), {8, 1, 1});
  const ServingMemory long_ctx = serving_memory(context(m, h100_like(8), s, 16384, 256), {8, 1, 1});
  EXPECT_GT(short_ctx.max_sequences, long_ctx.max_sequences);
  const ServingMemory fp8 = serving_memory(context(m, h100_like(8), s, 1024, 256, Precision::fp8), {8, 1, 1});
  EXPECT_NEAR(fp8.weights / short_ctx.weights, 0.5, 1e-9);
  // 70B in bf16 does not fit one 80 GB chip.
  EXPECT_EQ(serving_memory(context(m, h100_like(8), s, 1024, 256), {1, 1, 1}).max_sequences, 0);
}

TEST(Inference, ServingMeetsOrNamesTheBindingTarget) {
  const ModelArch m = llama(32, 4096, 32, 8, 14336);
  const StackEfficiency s = serving_stack();
  const InferenceContext c = context(m, h100_like(8), s, 2048, 256);
  const ServingSearch ok = search_serving(c, 10, {seconds(2), milliseconds(50)});
  ASSERT_TRUE(ok.best.has_value());
  EXPECT_TRUE(ok.best->meets_slo);
  EXPECT_GE(ok.best->requests_per_s * ok.replicas, 10.0 * 0.999);
  EXPECT_LE(ok.best->tpot_p99, milliseconds(50));
  // An impossible TPOT returns the closest layout and what binds, not an error.
  const ServingSearch tight = search_serving(c, 10, {seconds(2), microseconds(100)});
  EXPECT_FALSE(tight.best.has_value());
  ASSERT_TRUE(tight.closest.has_value());
  EXPECT_EQ(tight.closest->binding, "tpot");
  // Pareto front sorted by throughput per chip, TPOT falling along it (a
  // front of one point would say nothing: this load has several).
  ASSERT_GE(ok.pareto.size(), 3u);
  for (size_t i = 1; i < ok.pareto.size(); ++i) {
    EXPECT_GE(ok.pareto[i - 1].output_tokens_per_s_per_chip, ok.pareto[i].output_tokens_per_s_per_chip);
    EXPECT_GE(ok.pareto[i - 1].tpot_p50, ok.pareto[i].tpot_p50);
  }
}

TEST(Inference, LittlesLawHoldsAtSteadyState) {
  const ModelArch m = llama(32, 4096, 32, 8, 14336);
  const StackEfficiency s = serving_stack();
  const InferenceContext c = context(m, h100_like(8), s, 1024, 200);
  const ServingEstimate e = serve(c, {2, 1, 1}, 5.0, {}, 0);
  // Sequences decoding = rate x output tokens x TPOT.
  EXPECT_NEAR(e.requests_per_s, 5.0, 0.05);
  EXPECT_NEAR(e.batch, 5.0 * 200 * e.tpot_p50.si(), 1.0);
}

}  // namespace
}  // namespace xpu
