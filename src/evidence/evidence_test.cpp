// Validation, calibration and intervals on a catalog written here, so a price
// or calibration change in data/ does not move these tests.
#include <gtest/gtest.h>

#include <cmath>

#include "evidence/calibrate.h"
#include "evidence/interval.h"
#include "evidence/summary.h"
#include "evidence/validate.h"
#include "evidence/validate_inference.h"
#include "perf/test_fixtures.h"

namespace xpu {
namespace {

using testing::llama;

struct Fixture {
  Catalog catalog;
  std::vector<ModelArch> models;
  ValidationInputs in;

  Fixture() {
    Accelerator a;
    a.key = "gpu";
    a.vendor = Vendor::nvidia;
    a.runtime = Runtime::cuda;
    a.cores_per_chip = 2;
    a.peak[static_cast<int>(Precision::bf16)] = teraflop_per_second(989);
    a.peak[static_cast<int>(Precision::fp8)] = teraflop_per_second(1979);
    a.hbm_capacity = gigabytes(80);
    a.hbm_bandwidth = terabytes_per_second(3.35);
    a.scale_up = {"switch", gigabytes_per_second(450), TopologyKind::switched, 8, {}, microseconds(3)};
    a.scale_out = {"nic", gigabytes_per_second(50), microseconds(5)};
    catalog.accelerators.push_back(a);
    StackEfficiency train = testing::test_stack(), trt = testing::test_stack(), vllm = testing::test_stack();
    train.key = "megatron-cuda";
    train.is_default = true;
    trt.key = "trtllm-cuda";
    trt.mode = Mode::infer;
    trt.is_default = true;
    vllm.key = "vllm-cuda";
    vllm.mode = Mode::infer;
    vllm.memory = 0.5;  // a slower stack, so the choice shows in the predictions
    catalog.stacks = {train, trt, vllm};
    ModelArch m = llama(32, 4096, 32, 8, 14336);
    m.key = "llama-8b";
    models.push_back(m);
    in.catalog = &catalog;
    in.find_model = [this](const std::string& key) -> const ModelArch* {
      for (const auto& x : models) {
        if (x.key == key) return &x;
      }
      return nullptr;
    };
    in.mlperf = {{"bench-8b", "llama-8b", Mode::train, {"v5.1"}, 1e9, 5e7, 0, 0, 0}};
  }
};

ValidationCase training_case(Metric metric, double value) {
  ValidationCase c;
  c.id = "T";
  c.mode = Mode::train;
  c.model = "llama-8b";
  c.accelerator = "gpu";
  c.chips = 64;
  c.precision = Precision::bf16;
  c.seq_len = 4096;
  c.global_batch = 512;
  c.tp = 1;
  c.pp = 1;
  c.dp = 64;
  c.metric = metric;
  c.value = value;
  return c;
}

ValidationCase serving_case(Metric metric, double value) {
  ValidationCase c;
  c.id = "S";
  c.mode = Mode::infer;
  c.model = "llama-8b";
  c.accelerator = "gpu";
  c.chips = 8;
  c.precision = Precision::bf16;
  c.input_len = 1024;
  c.output_len = 256;
  c.batch = 8;
  c.scenario = ServingScenario::latency;
  c.metric = metric;
  c.value = value;
  return c;
}

TEST(Validate, PredictsATrainingCaseWithItsLayoutAndError) {
  Fixture f;
  const CaseResult r = predict_case(training_case(Metric::train_tokens_per_s_per_chip, 3000), f.in);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.stack, "megatron-cuda");
  EXPECT_EQ(r.vendor, "nvidia");
  ASSERT_TRUE(r.layout.has_value());
  EXPECT_EQ(r.layout->dp, 64);
  EXPECT_GT(r.predicted, 0);
  EXPECT_NEAR(r.error_pct, (r.predicted - 3000) / 3000 * 100, 1e-9);
}

TEST(Validate, ErrorsAreGroupedByFamilyAndArchitecturePerMode) {
  Fixture f;
  f.catalog.accelerators[0].family = "Hopper";
  ModelArch moe = f.models[0];
  moe.key = "moe-8x";
  moe.moe.experts = 8;
  moe.moe.active = 2;
  f.models.push_back(moe);
  ValidationCase dense_case = training_case(Metric::train_tokens_per_s_per_chip, 3000);
  ValidationCase moe_case = dense_case;
  moe_case.id = "M";
  moe_case.model = "moe-8x";
  ValidationCase unknown_model = dense_case;
  unknown_model.id = "U";
  unknown_model.model = "no-such-model";
  const CaseResult head = case_result_head(moe_case, f.in);
  EXPECT_EQ(head.family, "Hopper");
  EXPECT_EQ(head.architecture, "moe");
  EXPECT_EQ(case_result_head(unknown_model, f.in).architecture, "");
  f.catalog.accelerators[0].family.clear();
  EXPECT_EQ(case_result_head(dense_case, f.in).family, "nvidia");  // unset: the vendor stands in

  std::vector<CaseResult> rs;
  for (const auto& [arch, err] : {std::pair{"moe", 20.0}, {"moe", -10.0}, {"dense", 4.0}}) {
    CaseResult r;
    r.mode = Mode::train;
    r.vendor = "nvidia";
    r.family = "Hopper";
    r.architecture = arch;
    r.error_pct = err;
    r.ok = true;
    rs.push_back(r);
  }
  const ErrorSummary s = summarize(rs);
  EXPECT_EQ(s.by_mode_family.at("train").at("Hopper").count, 3);
  EXPECT_EQ(s.by_mode_architecture.at("train").at("moe").count, 2);
  EXPECT_DOUBLE_EQ(s.by_mode_architecture.at("train").at("moe").median_abs, 15.0);
  EXPECT_DOUBLE_EQ(s.by_mode_architecture.at("train").at("dense").median_abs, 4.0);
  EXPECT_FALSE(s.by_mode_architecture.contains("infer"));
}

TEST(Validate, RanksCountedInCoresAreDividedPerChip) {
  Fixture f;
  ValidationCase c = training_case(Metric::train_tokens_per_s_per_chip, 3000);
  c.tp = 4;  // 4 cores = 2 chips of 2 cores
  c.dp = 32;
  c.rank_unit = RankUnit::core;
  const CaseResult r = predict_case(c, f.in);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.layout->tp, 2);
  EXPECT_NE(r.reason.find("ranks counted in cores: divided by 2 per chip"), std::string::npos) << r.reason;
}

// Cores folded along dp: a chip runs both cores' per-device batches at once,
// so the micro-batch per chip doubles and the micro-batch count is the source's.
TEST(Validate, CoresFoldedAlongDpKeepTheMicroBatchCount) {
  Fixture f;
  ValidationCase c = training_case(Metric::train_tokens_per_s_per_chip, 3000);
  c.tp = 1;
  c.dp = 2 * c.chips;
  c.micro_batch = 1;
  c.rank_unit = RankUnit::core;
  const CaseResult r = predict_case(c, f.in);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.layout->dp, c.chips);
  EXPECT_EQ(r.layout->micro_batch, 2);
}

// A serving fit may not put the KV-cache stream of decode attention below
// the slowest decode-attention kernel measured at a serving batch (the
// un-split torch SDPA at batch 64 on an H200: 2276 GB/s of 4800, 0.47;
// xp-h200-attn-decode-flash-b64-L1024). At 0.3 the leave-one-out refits of
// TensorRT-LLM's dense rows ran there and mispredicted the left-out row.
TEST(Validate, ServingFitKeepsDecodeAttentionWithinMeasuredKernels) {
  bool found = false;
  for (const ServingFitParameter& p : serving_fit_parameters({})) {
    if (p.name != "attention_memory") continue;
    found = true;
    EXPECT_GE(p.lo, 2276.0 / 4800.0 - 0.005);
    EXPECT_LE(p.hi, 0.95);
  }
  EXPECT_TRUE(found);
}

TEST(Validate, FlopConventionScalesModelFlopMetrics) {
  Fixture f;
  ValidationCase c = training_case(Metric::mfu, 0.4);
  const CaseResult model = predict_case(c, f.in);
  c.flop_convention = FlopConvention::palm;
  const CaseResult palm = predict_case(c, f.in);
  ASSERT_TRUE(model.ok && palm.ok);
  const ModelArch& m = f.models[0];
  EXPECT_NEAR(palm.predicted / model.predicted,
              flops_per_token(m, 4096, FlopConvention::palm) / flops_per_token(m, 4096, FlopConvention::model), 1e-9);
  EXPECT_NE(palm.reason.find("FLOPs counted as PaLM 6N + 12 L H s"), std::string::npos) << palm.reason;
}

TEST(Validate, MlperfEvaluationTimeIsAddedForItsRound) {
  Fixture f;
  ValidationCase c = training_case(Metric::train_tokens_per_s_per_chip, 3000);
  const CaseResult plain = predict_case(c, f.in);
  c.mlperf_round = "training-v5.1";
  c.tokens_trained = 2e10;
  const CaseResult mlperf = predict_case(c, f.in);
  ASSERT_TRUE(plain.ok && mlperf.ok);
  const double overhead = evaluation_overhead(f.in.mlperf[0], 2e10, 512, false);
  EXPECT_GT(overhead, 0);
  EXPECT_NEAR(mlperf.predicted, plain.predicted / (1 + overhead), 1e-9 * plain.predicted);
  // Another round has no schedule: nothing is added.
  c.mlperf_round = "training-v4.0";
  EXPECT_DOUBLE_EQ(predict_case(c, f.in).predicted, plain.predicted);
}

TEST(Validate, FrameworkPicksItsStackOrSaysWhoStandsIn) {
  Fixture f;
  ValidationCase c = serving_case(Metric::tpot_ms, 10);
  const CaseResult trt = predict_case(c, f.in);
  c.framework = Framework::vllm;
  const CaseResult vllm = predict_case(c, f.in);
  c.framework = Framework::sglang;
  const CaseResult sglang = predict_case(c, f.in);
  ASSERT_TRUE(trt.ok && vllm.ok && sglang.ok) << vllm.reason << sglang.reason;
  EXPECT_EQ(trt.stack, "trtllm-cuda");
  EXPECT_EQ(vllm.stack, "vllm-cuda");
  EXPECT_GT(vllm.predicted, trt.predicted);  // less of the HBM bandwidth: slower decode steps
  EXPECT_EQ(sglang.stack, "trtllm-cuda");
  EXPECT_NE(sglang.reason.find("no sglang stack in the data: trtllm-cuda stands in"), std::string::npos)
      << sglang.reason;
}

TEST(Validate, ServingMetricsAgreeWithEachOther) {
  Fixture f;
  const CaseResult tpot = predict_case(serving_case(Metric::tpot_ms, 10), f.in);
  const CaseResult per_user = predict_case(serving_case(Metric::tokens_per_s_per_user, 100), f.in);
  const CaseResult ttft = predict_case(serving_case(Metric::ttft_ms, 100), f.in);
  ValidationCase p99 = serving_case(Metric::ttft_ms, 100);
  p99.statistic = Statistic::p99;
  const CaseResult ttft99 = predict_case(p99, f.in);
  ASSERT_TRUE(tpot.ok && per_user.ok && ttft.ok && ttft99.ok);
  EXPECT_NEAR(per_user.predicted, 1000.0 / tpot.predicted, 1e-9 * per_user.predicted);
  EXPECT_GE(ttft99.predicted, ttft.predicted);
  ValidationCase offline = serving_case(Metric::infer_total_tokens_per_s, 1e4);
  offline.scenario = ServingScenario::offline;
  ValidationCase out = offline;
  out.metric = Metric::infer_output_tokens_per_s;
  const CaseResult total = predict_case(offline, f.in), output = predict_case(out, f.in);
  ASSERT_TRUE(total.ok && output.ok);
  EXPECT_NEAR(total.predicted / output.predicted, (1024.0 + 256.0) / 256.0, 1e-6);
}

// accmoe4: a run that drafted 3 tokens a step (TensorRT-LLM's "MTP 3" on
// DeepSeek-R1, acceptance 2.82) pays 3 draft passes and verifies 4 positions;
// without its stated draft length the engine assumed the fewest (2) that can
// reach the acceptance, and the run came out faster than it was.
TEST(Validate, SpeculativeRowsUseTheirPublishedDraftLength) {
  Fixture f;
  ValidationCase fewest = serving_case(Metric::tokens_per_s_per_user, 100);
  fewest.speculative = true;
  fewest.spec_accept = 2.82;
  ValidationCase stated = fewest;
  stated.spec_tokens = 3;
  const CaseResult a = predict_case(fewest, f.in), b = predict_case(stated, f.in);
  ASSERT_TRUE(a.ok && b.ok) << a.reason << b.reason;
  EXPECT_NE(a.reason.find("2 draft tokens per step (fewest for the acceptance)"), std::string::npos) << a.reason;
  EXPECT_NE(b.reason.find("3 draft tokens per step (as published)"), std::string::npos) << b.reason;
  // The same 2.82 tokens a step, one more draft pass and verified position: slower.
  EXPECT_LT(b.predicted, a.predicted);
}

// srvstep: a server row with its measured arrival rate is an operating point:
// the engine serves that rate over the case's replicas and predicts the TPOT
// there (the steady batch is the mean batch, so its step is the mean TPOT). A
// busier system runs a bigger batch and a longer step; a rate past what the
// replicas can serve is said with the engine's capacity.
TEST(Validate, AServerRowWithItsRatePredictsTheTpotAtThatRate) {
  Fixture f;
  ValidationCase c = serving_case(Metric::tpot_ms, 30);
  c.scenario = ServingScenario::server;
  c.statistic = Statistic::mean;
  c.batch.reset();
  c.tp = 1;
  c.rate = 8.0;  // 8 replicas: 1 request/s each
  ValidationCase busy = c;
  busy.rate = 64.0;
  const CaseResult slow = predict_case(c, f.in), fast = predict_case(busy, f.in);
  ASSERT_TRUE(slow.ok && fast.ok) << slow.reason << fast.reason;
  EXPECT_NE(slow.reason.find("tp1 x 8 replicas"), std::string::npos) << slow.reason;
  EXPECT_NE(slow.reason.find("at 1 requests/s a replica: "), std::string::npos) << slow.reason;
  EXPECT_GT(fast.predicted, slow.predicted);
  ValidationCase flood = c;
  flood.rate = 1e6;
  const CaseResult over = predict_case(flood, f.in);
  EXPECT_FALSE(over.ok);
  EXPECT_NE(over.reason.find("cannot serve 1e+06 requests/s: at most"), std::string::npos) << over.reason;
}

TEST(Validate, WhatTheEnginesDoNotModelIsSkippedWithTheReason) {
  Fixture f;
  auto reason = [&](ValidationCase c) {
    const CaseResult r = predict_case(c, f.in);
    EXPECT_FALSE(r.ok);
    return r.reason;
  };
  // Speculative decoding is modelled from its published acceptance length; without one it cannot be.
  ValidationCase spec = serving_case(Metric::tpot_ms, 10);
  spec.speculative = true;
  EXPECT_EQ(reason(spec),
            "speculative decoding without a published acceptance length (spec_accept): its TPOT depends on it");
  ValidationCase mean = serving_case(Metric::tpot_ms, 10);
  mean.scenario = ServingScenario::server;
  mean.statistic = Statistic::mean;
  EXPECT_EQ(reason(mean), "the engines estimate tpot_ms at p50 and p99, not mean");
  // A fixed batch runs identical requests: their mean is their median.
  ValidationCase fixed = serving_case(Metric::e2e_latency_s, 10);
  fixed.statistic = Statistic::mean;
  ValidationCase median = fixed;
  median.statistic.reset();
  const CaseResult fm = predict_case(fixed, f.in), fp = predict_case(median, f.in);
  ASSERT_TRUE(fm.ok && fp.ok) << fm.reason;
  EXPECT_EQ(fm.predicted, fp.predicted);
  ValidationCase bench = training_case(Metric::train_tokens_per_s_per_chip, 3000);
  bench.mlperf_benchmark = "bench-8";
  EXPECT_EQ(reason(bench), "unknown MLPerf benchmark 'bench-8' (did you mean 'bench-8b'?)");
  ValidationCase ttt = training_case(Metric::time_to_train_min, 30);
  EXPECT_EQ(reason(ttt), "time_to_train_min needs the tokens trained per run (column tokens_trained)");
  ValidationCase bad = training_case(Metric::mfu, 0.4);
  bad.invalid = "precision: unknown value 'fp6'";
  EXPECT_EQ(reason(bad), "row not read: precision: unknown value 'fp6'");
}

TEST(Calibrate, RecoversTheGemmFractionThatMadeTheCases) {
  Fixture f;
  // Cases measured on a stack whose GEMMs reach 55% (the prior says 75%).
  StackEfficiency truth = f.catalog.stacks[0];
  truth.gemm = 0.55;
  Catalog measured_on = f.catalog;
  measured_on.stacks[0] = truth;
  ValidationInputs at_truth = f.in;
  at_truth.catalog = &measured_on;
  std::vector<ValidationCase> cases;
  for (int chips : {16, 64, 256}) {
    ValidationCase c = training_case(Metric::train_tokens_per_s_per_chip, 1);
    c.id = "C" + std::to_string(chips);
    c.chips = chips;
    c.dp = chips;
    c.value = predict_case(c, at_truth).predicted;
    cases.push_back(c);
  }
  const auto fits = calibrate_training(cases, f.in);
  ASSERT_EQ(fits.size(), 1u);
  const StackCalibration& fit = fits[0];
  EXPECT_EQ(fit.stack, "megatron-cuda");
  ASSERT_EQ(fit.fitted.size(), 1u);  // one parameter per three cases
  EXPECT_EQ(fit.fitted[0].first, "gemm");
  EXPECT_EQ(fit.held_at_priors, std::vector<std::string>{"step_overhead"});
  EXPECT_NEAR(fit.fitted[0].second, 0.55, 0.01);
  EXPECT_LT(fit.in_sample.median_abs, 1.0);
  EXPECT_LT(fit.leave_one_out.median_abs, 2.0);
  EXPECT_EQ(fit.accelerators, std::vector<std::string>{"gpu"});
  EXPECT_EQ(fit.max_chips, 256);
}

TEST(Calibrate, AStackOfOneCaseHoldsItsPriorsAndSaysWhich) {
  // usertrial4: one case was "Fitted 1 stacks" without a word; a stack with
  // fewer cases than parameters is not identified, so every parameter it
  // could fit is held at its prior and named.
  Fixture f;
  ValidationCase c = training_case(Metric::train_tokens_per_s_per_chip, 1);
  c.chips = 16;
  c.dp = 16;
  c.value = predict_case(c, f.in).predicted * 0.7;
  const auto fits = calibrate_training({c}, f.in);
  ASSERT_EQ(fits.size(), 1u);
  EXPECT_TRUE(fits[0].fitted.empty());
  EXPECT_EQ(fits[0].held_at_priors, (std::vector<std::string>{"gemm", "step_overhead"}));
  EXPECT_NEAR(fits[0].in_sample.median_abs, 100.0 * (1 / 0.7 - 1), 0.1);  // the priors' error, not a fit's
}

TEST(Calibrate, AHeldOutCaseSeesNothingOfItsOwnValue) {
  // Leave one out predicts case i from a fit that never saw case i's measured
  // value: changing that value changes case i's error only through the value
  // itself. A fold that started its descent from the full fit (which did see
  // it) fails this.
  Fixture f;
  StackEfficiency truth = f.catalog.stacks[0];
  truth.gemm = 0.55;
  truth.step_overhead = Seconds(0.2);  // two parameters that trade against each other
  Catalog measured_on = f.catalog;
  measured_on.stacks[0] = truth;
  ValidationInputs at_truth = f.in;
  at_truth.catalog = &measured_on;
  std::vector<ValidationCase> cases;
  const double noise[] = {1.12, 0.91, 1.05, 0.94, 1.2, 0.86};
  for (int k = 0; k < 6; ++k) {
    ValidationCase c = training_case(Metric::train_tokens_per_s_per_chip, 1);
    c.id = "C" + std::to_string(k);
    c.chips = 16 << k;
    c.dp = c.chips;
    c.value = predict_case(c, at_truth).predicted * noise[k];
    cases.push_back(c);
  }
  auto held_out_prediction = [&](const std::vector<ValidationCase>& cs) {
    const auto fits = calibrate_training(cs, f.in);
    EXPECT_EQ(fits.size(), 1u);
    EXPECT_EQ(fits[0].case_ids[0], "C0");
    return cs[0].value * (1.0 + fits[0].loo_pct[0] / 100.0);
  };
  const double before = held_out_prediction(cases);
  cases[0].value *= 0.6;  // from above the fit to below it: the L1 fit moves
  const double after = held_out_prediction(cases);
  EXPECT_NEAR(after / before, 1.0, 1e-9) << before << " " << after;
}

TEST(Interval, EvidenceGivesTheBandAndExtrapolationWidensIt) {
  StackEfficiency s = testing::test_stack();
  const PredictionInterval none = throughput_interval(s, "gpu", Precision::bf16, 64);
  EXPECT_NEAR(none.low, 1 / 1.4, 1e-12);
  EXPECT_NEAR(none.high, 1 / 0.6, 1e-12);
  EXPECT_EQ(none.extrapolations, std::vector<std::string>{"stack 'test' has no published runs behind it"});
  s.evidence = {12, 8.0, -10.0, 20.0, {"gpu"}, {"bf16"}, 1024, "2026-11-26"};
  const PredictionInterval inside = throughput_interval(s, "gpu", Precision::bf16, 512);
  EXPECT_NEAR(inside.low, 1 / 1.2, 1e-12);  // measured = predicted / (1 + error)
  EXPECT_NEAR(inside.high, 1 / 0.9, 1e-12);
  EXPECT_TRUE(inside.extrapolations.empty());
  EXPECT_EQ(inside.cases, 12);
  const PredictionInterval outside = throughput_interval(s, "tpu", Precision::fp8, 4096);
  EXPECT_NEAR(outside.low, 1 / (1 + 0.2 * 1.5 * 1.5 * 1.5), 1e-12);  // widened 1.5x per extrapolation
  EXPECT_NEAR(outside.high, 1 / (1 - 0.1 * 1.5 * 1.5 * 1.5), 1e-12);
  EXPECT_EQ(outside.extrapolations,
            (std::vector<std::string>{"no published test run on tpu", "no published test run at fp8",
                                      "4096 chips is beyond the largest published run (1024)"}));
}

}  // namespace
}  // namespace xpu
