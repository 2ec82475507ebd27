#include "perf/training.h"

#include <gtest/gtest.h>

#include "perf/components.h"
#include "perf/search.h"
#include "perf/test_fixtures.h"

namespace xpu {
namespace {

using testing::h100_like;
using testing::llama;
using testing::megatron_gpt;
using testing::test_stack;

// --- Activation memory against Korthikanti et al. 2022 (Table 2 formulas) -----

struct PaperModel {
  const char* name;
  int layers, hidden, heads;
};
// Their four models (Table 3), all with t = 8, s = 2048, b = 1.
constexpr PaperModel kPaperModels[] = {
    {"22B", 48, 6144, 64}, {"175B", 96, 12288, 96}, {"530B", 105, 20480, 128}, {"1T", 128, 25600, 160}};

TEST(Activations, MatchKorthikantiFormulas) {
  const double s = 2048, b = 1, t = 8;
  for (const auto& pm : kPaperModels) {
    const ModelArch m = megatron_gpt(pm.layers, pm.hidden, pm.heads);
    const double h = pm.hidden, a = pm.heads, sbh = s * b * h;
    auto ours = [&](bool sp, Rematerialize r) {
      return activation_bytes_per_layer(m, 2048, 1, 8, sp, r, /*flash=*/false, /*dropout=*/true, false).si();
    };
    // Equations of Sec. 4: tensor parallel, + sequence parallel, + selective, full.
    const double tp_only = sbh * (10 + 24 / t + 5 * a * s / (h * t));
    const double tp_sp = sbh / t * (34 + 5 * a * s / h);
    const double tp_selective = sbh * (10 + 24 / t);
    const double tp_sp_selective = 34 * sbh / t;
    const double full = 2 * sbh;
    SCOPED_TRACE(pm.name);
    EXPECT_NEAR(ours(false, Rematerialize::none) / tp_only, 1.0, 0.05);
    EXPECT_NEAR(ours(true, Rematerialize::none) / tp_sp, 1.0, 0.05);
    EXPECT_NEAR(ours(false, Rematerialize::attention_core) / tp_selective, 1.0, 0.05);
    EXPECT_NEAR(ours(true, Rematerialize::attention_core) / tp_sp_selective, 1.0, 0.05);
    EXPECT_NEAR(ours(false, Rematerialize::full) / full, 1.0, 0.05);
  }
}

TEST(Activations, MoreRecomputeNeverMoreMemory) {
  const ModelArch m = llama(32, 4096, 32, 8, 14336);
  for (int tp : {1, 2, 4, 8}) {
    for (bool sp : {false, true}) {
      if (sp && tp == 1) continue;
      double prev = 1e300;
      for (Rematerialize r : {Rematerialize::none, Rematerialize::attention_core,
                              Rematerialize::attention_core_and_elementwise, Rematerialize::full}) {
        const double bytes = activation_bytes_per_layer(m, 8192, 2, tp, sp, r, false, false, false).si();
        EXPECT_LE(bytes, prev);
        prev = bytes;
      }
    }
  }
}

// --- Step time properties -------------------------------------------------------

TrainingContext context(const ModelArch& m, const Fabric& f, const StackEfficiency& s, int seq, int gb,
                        Precision p = Precision::bf16) {
  TrainingJob job;
  job.seq_len = seq;
  job.global_batch = gb;
  job.precision = p;
  return prepare_training(m, f, s, job);
}

TEST(Training, StepIsSumOfParts) {
  const ModelArch m = llama(32, 4096, 32, 8, 14336);
  const StackEfficiency s = test_stack();
  const TrainingContext c = context(m, h100_like(64), s, 8192, 256);
  const Layout l{.tp = 2,
                 .pp = 4,
                 .dp = 8,
                 .vpp = 2,
                 .micro_batch = 1,
                 .recompute = Recompute::selective,
                 .sharding = Sharding::zero1,
                 .sequence_parallel = true};
  const TrainingEstimate e = estimate_training(c, l);
  ASSERT_TRUE(e.valid) << e.invalid;
  const TrainingTime& t = e.time;
  const double parts = (t.gemm + t.attention + t.memory_bound + t.recompute + t.overhead + t.tp_comm + t.cp_comm +
                        t.ep_comm + t.pp_comm + t.bubble + t.dp_comm + t.optimizer)
                           .si();
  EXPECT_NEAR(parts / e.step_time.si(), 1.0, 1e-9);
  EXPECT_GT(t.bubble.si(), 0);
  EXPECT_GT(t.tp_comm.si(), 0);
  // Bubble: the other stages' fill and drain in vpp chunks, at most (pp-1)/vpp
  // slots of the slowest stage (they are equal but for the embedding and head).
  const Seconds slowest = (e.step_time - t.bubble - t.dp_comm - t.optimizer) / e.micro_batches;
  EXPECT_LE(t.bubble.si(), slowest.si() * (4.0 - 1) / 2 * (1 + 1e-9));
  EXPECT_GT(t.bubble.si(), slowest.si() * (4.0 - 1) / 2 * 0.8);
}

// --- Pipeline schedules (Megatron-LM 1F1B, interleaved) ---------------------------

double bubble_fraction(const TrainingEstimate& e) { return e.time.bubble / e.step_time; }

TEST(Pipeline, MoreMicroBatchesNeverRaiseTheBubbleFraction) {
  const ModelArch m = llama(32, 4096, 32, 8, 14336);
  const StackEfficiency s = test_stack();
  for (int pp : {2, 4, 8}) {
    for (int vpp : {1, 2}) {
      double prev = 1.0;
      for (int micro : {8, 16, 32, 64, 128}) {
        const Layout l{.tp = 4, .pp = pp, .dp = 64 / (4 * pp), .vpp = vpp, .micro_batch = 1};
        const TrainingEstimate e = estimate_training(context(m, h100_like(64), s, 4096, micro * l.dp), l);
        ASSERT_TRUE(e.valid) << e.invalid << " " << describe(l);
        EXPECT_EQ(e.micro_batches, micro);
        EXPECT_LE(bubble_fraction(e), prev * (1 + 1e-12)) << describe(l) << " m " << micro;
        prev = bubble_fraction(e);
      }
    }
  }
}

TEST(Pipeline, DeeperPipelineWithTheSameWorkNeverLowersTheBubble) {
  // The same model and micro-batches through each pipeline (dp fixed, so the
  // chips grow with pp): more stages only add fill and drain.
  const ModelArch m = llama(64, 8192, 64, 8, 28672);
  const StackEfficiency s = test_stack();
  for (int micro : {8, 32}) {
    double prev = 0.0;
    for (int pp : {1, 2, 4, 8, 16, 32, 64}) {
      const Layout l{.tp = 8, .pp = pp, .dp = 2, .micro_batch = 1, .recompute = Recompute::full};
      const TrainingContext c = context(m, h100_like(8 * pp * 2), s, 4096, micro * 2);
      const TrainingEstimate e = estimate_training(c, l);
      ASSERT_TRUE(e.valid) << e.invalid;
      EXPECT_GE(bubble_fraction(e), prev * (1 - 1e-12)) << "pp " << pp << " m " << micro;
      prev = bubble_fraction(e);
    }
  }
}

TEST(Pipeline, InterleavingNeedsMicroBatchesInGroupsOfPp) {
  const ModelArch m = llama(32, 4096, 32, 8, 14336);
  const StackEfficiency s = test_stack();
  // 64 chips, tp 4, pp 4, dp 4: global batch 24 gives 6 micro-batches, not a multiple of 4.
  const TrainingContext c = context(m, h100_like(64), s, 4096, 24);
  EXPECT_EQ(check_layout(c, {.tp = 4, .pp = 4, .dp = 4, .vpp = 2, .micro_batch = 1}),
            "an interleaved schedule needs the micro-batch count to be a multiple of pp");
  EXPECT_TRUE(check_layout(c, {.tp = 4, .pp = 4, .dp = 4, .vpp = 1, .micro_batch = 1}).empty());
  const TrainingContext ok = context(m, h100_like(64), s, 4096, 32);
  EXPECT_TRUE(check_layout(ok, {.tp = 4, .pp = 4, .dp = 4, .vpp = 2, .micro_batch = 1}).empty());
  // The search never returns a schedule Megatron-LM cannot run.
  for (int gb : {8, 24, 40, 64, 96}) {
    const TrainingContext cs = context(m, h100_like(64), s, 4096, gb);
    SearchOptions o;
    o.top = 50;
    o.threads = ThreadBudget(1);
    const SearchResult r = search_layouts(cs, 64, o);
    for (const auto& b : r.best) {
      if (b.layout.vpp > 1) {
        EXPECT_EQ(b.estimate.micro_batches % b.layout.pp, 0) << describe(b.layout) << " gb " << gb;
      }
    }
  }
}

TEST(Pipeline, TheLastStageCarriesTheHeadOnTheCriticalPath) {
  // With the LM head on the last stage, a larger vocabulary adds its head time
  // to every micro-batch slot whatever the depth: the slowest stage sets the pace.
  const StackEfficiency s = test_stack();
  ModelArch small = llama(32, 4096, 32, 8, 14336);
  ModelArch big = small;
  big.vocab = 4 * small.vocab;
  auto step = [&](const ModelArch& m, int pp) {  // dp 1: no gradient sync to hide behind the head
    const Layout l{.tp = 4, .pp = pp, .dp = 1, .micro_batch = 1, .recompute = Recompute::full};
    return estimate_training(context(m, h100_like(4 * pp), s, 4096, 16), l).step_time.si();
  };
  const double flat = step(big, 1) - step(small, 1);
  for (int pp : {2, 4, 8}) {
    EXPECT_NEAR((step(big, pp) - step(small, pp)) / flat, 1.0, 0.02) << "pp " << pp;
  }
  // And the stages are unequal: the bubble is less than (pp-1) slots of the slowest stage.
  const Layout l{.tp = 4, .pp = 8, .dp = 2, .micro_batch = 1, .recompute = Recompute::full};
  const TrainingEstimate e = estimate_training(context(big, h100_like(64), s, 4096, 32), l);
  const Seconds slot = (e.step_time - e.time.bubble - e.time.dp_comm - e.time.optimizer) / e.micro_batches;
  EXPECT_LT(e.time.bubble, slot * 7.0 * 0.95);
}

TEST(Training, MoreBandwidthOrPeakIsNeverSlower) {
  const ModelArch m = llama(32, 4096, 32, 8, 14336);
  const StackEfficiency s = test_stack();
  const std::vector<Layout> layouts{
      {.tp = 8, .pp = 2, .dp = 4, .micro_batch = 1},
      {.tp = 1, .pp = 1, .dp = 64, .micro_batch = 2, .sharding = Sharding::fsdp},
      {.tp = 4,
       .pp = 4,
       .dp = 2,
       .cp = 2,
       .vpp = 2,
       .micro_batch = 1,
       .sharding = Sharding::zero1,
       .sequence_parallel = true},
  };
  const Fabric base = h100_like(64);
  for (const Layout& l : layouts) {
    const double t0 = estimate_training(context(m, base, s, 8192, 256), l).step_time.si();
    for (int knob = 0; knob < 5; ++knob) {
      Fabric f = base;
      if (knob == 0) f.hbm_bandwidth = f.hbm_bandwidth * 1.5;
      if (knob == 1) f.peak[static_cast<int>(Precision::bf16)] = f.peak_for(Precision::bf16) * 1.5;
      if (knob == 2) f.up_bandwidth = f.up_bandwidth * 2.0, f.up_link_bandwidth = f.up_link_bandwidth * 2.0;
      if (knob == 3) f.out_bandwidth = f.out_bandwidth * 2.0;
      if (knob == 4) f.out_latency = f.out_latency * 0.5, f.up_latency = f.up_latency * 0.5;
      const double t1 = estimate_training(context(m, f, s, 8192, 256), l).step_time.si();
      EXPECT_LE(t1, t0 * (1 + 1e-12)) << describe(l) << " knob " << knob;
    }
  }
}

TEST(Training, ChecksDivisibility) {
  const ModelArch m = llama(32, 4096, 32, 8, 14336);
  const StackEfficiency s = test_stack();
  const TrainingContext c = context(m, h100_like(64), s, 8192, 256);
  EXPECT_EQ(check_layout(c, {.tp = 3, .dp = 21}), "tp must divide the attention heads");
  EXPECT_EQ(check_layout(c, {.tp = 8, .dp = 8, .micro_batch = 3}), "dp * micro_batch must divide the global batch");
  EXPECT_EQ(check_layout(c, {.tp = 8, .dp = 8, .ep = 2}), "ep > 1 needs a mixture-of-experts model");
  EXPECT_EQ(check_layout(c, {.tp = 8, .pp = 2, .dp = 4, .sharding = Sharding::fsdp}),
            "zero3/fsdp is not combined with pipeline parallelism");
  EXPECT_TRUE(check_layout(c, {.tp = 8, .dp = 8}).empty());
}

TEST(Training, MemoryShardingOrder) {
  const ModelArch m = llama(80, 8192, 64, 8, 28672);
  const StackEfficiency s = test_stack();
  const TrainingContext c = context(m, h100_like(64), s, 4096, 64);
  auto mem = [&](Sharding sh) {
    return estimate_training(c, {.tp = 8, .dp = 8, .micro_batch = 1, .recompute = Recompute::full, .sharding = sh})
        .memory;
  };
  EXPECT_GT(mem(Sharding::none).optimizer, mem(Sharding::zero1).optimizer);
  EXPECT_DOUBLE_EQ(mem(Sharding::zero1).gradients.si(), mem(Sharding::none).gradients.si());
  EXPECT_LT(mem(Sharding::zero2).gradients, mem(Sharding::zero1).gradients);
  EXPECT_LT(mem(Sharding::fsdp).weights, mem(Sharding::zero2).weights);
  // Mixed-precision Adam without sharding: 2 + 4 + 12 bytes per parameter (test stack defaults).
  const TrainingMemory none = mem(Sharding::none);
  EXPECT_NEAR((none.weights + none.gradients + none.optimizer).si() / none.weights.si(), 9.0, 1e-9);
}

// --- Search ----------------------------------------------------------------------

TEST(Search, SameResultForAnyThreadCount) {
  const ModelArch m = megatron_gpt(24, 2048, 16);
  const StackEfficiency s = test_stack();
  const TrainingContext c = context(m, h100_like(32), s, 2048, 128);
  SearchOptions o;
  o.top = 5;
  o.threads = ThreadBudget(1);
  const SearchResult one = search_layouts(c, 32, o);
  o.threads = ThreadBudget(4);
  const SearchResult four = search_layouts(c, 32, o);
  ASSERT_EQ(one.best.size(), four.best.size());
  ASSERT_FALSE(one.best.empty());
  for (size_t i = 0; i < one.best.size(); ++i) {
    EXPECT_EQ(one.best[i].layout, four.best[i].layout);
    EXPECT_EQ(one.best[i].estimate.step_time, four.best[i].estimate.step_time);
  }
  EXPECT_EQ(one.evaluated, four.evaluated);
  // Sorted fastest first, and every returned layout fits.
  for (size_t i = 1; i < one.best.size(); ++i) {
    EXPECT_LE(one.best[i - 1].estimate.step_time, one.best[i].estimate.step_time);
  }
  for (const auto& b : one.best) EXPECT_TRUE(b.estimate.fits);
}

TEST(Search, RespectsFixedDegreesAndReportsMissingMemory) {
  const ModelArch m = llama(80, 8192, 64, 8, 28672);
  const StackEfficiency s = test_stack();
  const TrainingContext c = context(m, h100_like(8), s, 4096, 64);
  SearchOptions o;
  o.fixed.tp = 8;
  const SearchResult r = search_layouts(c, 8, o);
  // 70B with Adam on 8 x 80 GB does not fit without sharding the weights... with fsdp over
  // dp=1 nothing shards, so nothing fits; the closest layout says how much is missing.
  EXPECT_TRUE(r.best.empty());
  ASSERT_TRUE(r.closest.has_value());
  EXPECT_GT(r.closest->estimate.missing().si(), 0);
  EXPECT_EQ(r.closest->layout.tp, 8);
}

// A chip whose cores are separate XLA devices (TPU7x) moves one copy of the
// data-parallel and FSDP traffic per device; a CUDA stack's ranks are chips.
TEST(Training, DevicesPerChipMultiplyXlaDataParallelTraffic) {
  const ModelArch m = llama(32, 4096, 32, 8, 14336);
  StackEfficiency xla = test_stack();
  xla.runtime = Runtime::xla;
  xla.overlap_fsdp = 0;  // expose the gathers
  xla.overlap_dp = 0;
  const Fabric one = h100_like(64);
  Fabric two = one;
  two.devices_per_chip = 2;
  for (Sharding sh : {Sharding::fsdp, Sharding::none}) {
    const Layout l{.tp = 1, .pp = 1, .dp = 64, .micro_batch = 1, .sharding = sh};
    const TrainingEstimate a = estimate_training(context(m, one, xla, 4096, 128), l);
    const TrainingEstimate b = estimate_training(context(m, two, xla, 4096, 128), l);
    ASSERT_TRUE(a.valid && b.valid) << a.invalid << b.invalid;
    EXPECT_GT(b.time.dp_comm.si(), 1.5 * a.time.dp_comm.si()) << to_string(sh);
    EXPECT_EQ(b.time.gemm.si(), a.time.gemm.si());
    StackEfficiency cuda = xla;
    cuda.runtime = Runtime::cuda;
    EXPECT_EQ(estimate_training(context(m, two, cuda, 4096, 128), l).time.dp_comm.si(),
              estimate_training(context(m, one, cuda, 4096, 128), l).time.dp_comm.si());
  }
}

// A run that reduces gradients in bf16 (Megatron grad_reduce_in_fp32 off, as
// Megatron-Bridge's performance recipes do) keeps a bf16 gradient buffer and
// moves half the gradient bytes; the stack's fp32 default applies otherwise.
TEST(Training, GradientPrecisionSetsGradientBufferAndReduceBytes) {
  const ModelArch m = llama(32, 4096, 32, 8, 14336);
  StackEfficiency s = test_stack();
  s.grad_bytes = 4;
  s.overlap_dp = 0;  // expose the reduction
  const Layout l{.tp = 1, .pp = 1, .dp = 64, .micro_batch = 1, .sharding = Sharding::none};
  TrainingJob job{.seq_len = 4096, .global_batch = 128};
  const TrainingEstimate fp32 = estimate_training(prepare_training(m, h100_like(64), s, job), l);
  job.grad_bytes = 2;
  const TrainingEstimate bf16 = estimate_training(prepare_training(m, h100_like(64), s, job), l);
  ASSERT_TRUE(fp32.valid && bf16.valid) << fp32.invalid << bf16.invalid;
  EXPECT_NEAR(bf16.memory.gradients.si() / fp32.memory.gradients.si(), 0.5, 1e-12);
  EXPECT_LT(bf16.time.dp_comm.si(), 0.75 * fp32.time.dp_comm.si());
  EXPECT_GT(bf16.time.dp_comm.si(), 0.0);
  EXPECT_EQ(bf16.time.gemm.si(), fp32.time.gemm.si());
  // LoRA has no weight gradients whatever the precision.
  job.lora = true;
  EXPECT_EQ(estimate_training(prepare_training(m, h100_like(64), s, job), l).memory.gradients.si(), 0.0);
}

// Mixtral-like MoE shapes for routing tests (8 experts, top 2).
ModelArch mixtral_like() {
  ModelArch m = llama(8, 4096, 32, 8, 14336);
  m.moe = MoeDims{.experts = 8, .active = 2, .expert_ffn = 14336};
  return m;
}

// A capacity factor pads each expert's rows; one-hot dispatch and combine
// (GShard, MaxText dense_matmul) add matmuls of S x (E C) x d per sequence in
// place of the gather and scatter, two forward and three backward.
TEST(Training, CapacityFactorAndEinsumDispatchCostWhatTheyCompute) {
  const ModelArch m = mixtral_like();
  const StackEfficiency s = test_stack();
  const Layout l{.tp = 1, .pp = 1, .dp = 8, .micro_batch = 1, .sharding = Sharding::zero1};
  TrainingJob job{.seq_len = 4096, .global_batch = 64};
  auto run = [&](const TrainingJob& j) {
    const TrainingEstimate e = estimate_training(prepare_training(m, h100_like(8), s, j), l);
    EXPECT_TRUE(e.valid) << e.invalid;
    return e;
  };
  const TrainingEstimate dropless = run(job);
  job.capacity_factor = 1.25;
  const TrainingEstimate padded = run(job);
  job.einsum_dispatch = true;
  const TrainingEstimate einsum = run(job);
  EXPECT_GT(padded.time.gemm.si(), dropless.time.gemm.si());
  EXPECT_LT(padded.time.gemm.si(), 1.25 * dropless.time.gemm.si());
  // The one-hot matmuls: per token and layer 2 x 2 S k cf d forward FLOPs
  // (dispatch and combine), 5 of them over forward and backward.
  const double S = 4096, k = 2, cf = 1.25, d = 4096;
  const double onehot_flops = 5.0 * 2.0 * S * k * cf * d * S * static_cast<double>(m.layers) * padded.micro_batches;
  const double added = (einsum.time.gemm - padded.time.gemm).si();
  const double at_peak = onehot_flops / h100_like(8).peak_for(Precision::bf16).si();
  EXPECT_GT(added, at_peak);        // no faster than the peak
  EXPECT_LT(added, 3.0 * at_peak);  // and at a GEMM's efficiency, not far from it
  // The gather/scatter stream it replaces is gone.
  EXPECT_LT(einsum.time.memory_bound.si(), padded.time.memory_bound.si());
}

// The run's attention key block (MaxText sa_block_kv) sets the keys each
// query computes: a 128-token sliding window in 1024-token blocks computes two
// whole blocks per query, eight times the 256 keys of 128-token tiles, while
// full causal layers move only by the half block. 0 keeps the stack's block.
TEST(Training, AttentionKeyBlockOfTheRunSetsTheKeysComputed) {
  ModelArch m = llama(8, 2048, 32, 8, 8192);
  m.sliding_window = 128;
  m.sliding_layers = 4;  // half the layers on the window, as gpt-oss
  StackEfficiency s = test_stack();
  s.attention_block = 128;
  TrainingJob job{.seq_len = 8192, .global_batch = 8};
  const TrainingContext stack_block = prepare_training(m, h100_like(8), s, job);
  EXPECT_NEAR(stack_block.kernel_keys_sliding, 256, 1e-9);
  EXPECT_NEAR(stack_block.kernel_keys_full, 4096 + 64, 1e-9);
  job.attention_block = 1024;
  const TrainingContext run_block = prepare_training(m, h100_like(8), s, job);
  EXPECT_NEAR(run_block.kernel_keys_sliding, 2048, 1e-9);
  EXPECT_NEAR(run_block.kernel_keys_full, 4096 + 512, 1e-9);
  const Layout l{.tp = 1, .pp = 1, .dp = 8, .micro_batch = 1, .sharding = Sharding::zero1};
  const TrainingEstimate a = estimate_training(stack_block, l), b = estimate_training(run_block, l);
  ASSERT_TRUE(a.valid && b.valid);
  EXPECT_GT(b.time.attention.si(), 1.4 * a.time.attention.si());
  EXPECT_DOUBLE_EQ(b.time.gemm.si(), a.time.gemm.si());  // only the attention kernel changes
}

// FP8 training quantizes GEMM inputs inside kernels that run anyway (TE
// LayerNormLinear, fused activations); only the attention output is cast on
// its own (read bf16, write 8-bit, forward and backward), and under XLA not
// even that.
TEST(Training, Fp8CastsOnlyTheAttentionOutputOnItsOwn) {
  const StackEfficiency s = test_stack();
  const Layout l{.tp = 2, .pp = 1, .dp = 4, .micro_batch = 1, .sharding = Sharding::zero1};
  auto cast_time = [&](const ModelArch& m) {
    TrainingJob job{.seq_len = 4096, .global_batch = 16, .precision = Precision::bf16};
    const TrainingEstimate bf16 = estimate_training(prepare_training(m, h100_like(8), s, job), l);
    job.precision = Precision::fp8;
    const TrainingEstimate fp8 = estimate_training(prepare_training(m, h100_like(8), s, job), l);
    EXPECT_TRUE(bf16.valid && fp8.valid);
    return (fp8.time.memory_bound - bf16.time.memory_bound).si();
  };
  const ModelArch base = llama(32, 4096, 32, 8, 14336);
  const double t = cast_time(base);
  // A wider MLP or more KV heads add no cast of their own.
  EXPECT_NEAR(cast_time(llama(32, 4096, 32, 8, 28672)) / t, 1.0, 1e-9);
  EXPECT_NEAR(cast_time(llama(32, 4096, 32, 32, 14336)) / t, 1.0, 1e-9);
  // The attention output (heads x head dim / tp per token), 3 bytes, x3 for
  // backward, in each of the layers and micro-batches.
  const double tokens = 4096.0, micro = 4.0, o_width = 4096.0 / 2.0;
  const double bytes = tokens * 3.0 * o_width * 3.0 * 32 * micro;
  EXPECT_NEAR(t / (bytes / stream_bandwidth(h100_like(8), s.memory).si()), 1.0, 1e-9);
  // XLA quantizes inside the consuming dot's fusion: no cast of its own.
  StackEfficiency xla = s;
  xla.runtime = Runtime::xla;
  TrainingJob job{.seq_len = 4096, .global_batch = 16, .precision = Precision::bf16};
  const TrainingEstimate xbf16 = estimate_training(prepare_training(base, h100_like(8), xla, job), l);
  job.precision = Precision::fp8;
  const TrainingEstimate xfp8 = estimate_training(prepare_training(base, h100_like(8), xla, job), l);
  EXPECT_EQ(xfp8.time.memory_bound.si(), xbf16.time.memory_bound.si());
}

}  // namespace
}  // namespace xpu
