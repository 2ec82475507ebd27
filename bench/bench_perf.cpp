// Training-engine speed: one layout evaluation, and a full layout search for
// GPT-3 175B on 1024 A100s (global batch 1536, seq 2048), the case Calculon's
// exhaustive search enumerates ~11.7M candidates for. The baseline in the same
// run is the same search without pruning; the report prints the ratio.
#include <benchmark/benchmark.h>

#include "perf/inference.h"
#include "perf/search.h"
#include "perf/test_fixtures.h"

namespace xpu {
namespace {

// A100 80GB SXM: 312 TFLOP/s bf16, 2.039 TB/s, NVLink 3 300 GB/s per direction,
// one 200 Gb/s HDR NIC per GPU (NVIDIA A100 datasheet; DGX A100 user guide).
Fabric a100_fabric() {
  Fabric f = testing::h100_like(1024);
  f.peak = {};
  f.peak[static_cast<int>(Precision::bf16)] = teraflop_per_second(312);
  f.peak[static_cast<int>(Precision::fp16)] = teraflop_per_second(312);
  f.hbm_bandwidth = terabytes_per_second(2.039);
  f.up_bandwidth = gigabytes_per_second(300);
  f.up_link_bandwidth = f.up_bandwidth;
  f.out_bandwidth = gigabytes_per_second(25);
  return f;
}

struct Gpt3Case {
  ModelArch model = testing::megatron_gpt(96, 12288, 96, 50257);
  StackEfficiency stack = testing::test_stack();
  TrainingContext ctx;
  Gpt3Case() {
    TrainingJob job;
    job.seq_len = 2048;
    job.global_batch = 1536;
    ctx = prepare_training(model, a100_fabric(), stack, job);
  }
};

void BM_EstimateTraining(benchmark::State& state) {
  Gpt3Case c;
  const Layout layouts[] = {
      {.tp = 8,
       .pp = 8,
       .dp = 16,
       .vpp = 2,
       .micro_batch = 1,
       .recompute = Recompute::selective,
       .sharding = Sharding::zero1,
       .sequence_parallel = true},
      {.tp = 4, .pp = 16, .dp = 16, .micro_batch = 2, .recompute = Recompute::full},
      {.tp = 8, .pp = 12, .dp = 8, .vpp = 4, .micro_batch = 1, .sharding = Sharding::zero2},
  };
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(estimate_training(c.ctx, layouts[i++ % 3]));
  }
  state.counters["evals_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EstimateTraining);

void run_search(benchmark::State& state, bool prune) {
  Gpt3Case c;
  SearchOptions o;
  o.prune = prune;
  o.threads = static_cast<unsigned>(state.range(0));
  long long evaluated = 0;
  for (auto _ : state) {
    SearchResult r = search_layouts(c.ctx, 1024, o);
    evaluated = r.evaluated;
    benchmark::DoNotOptimize(r);
  }
  state.counters["layouts"] = static_cast<double>(evaluated);
  state.counters["layouts_per_s"] =
      benchmark::Counter(static_cast<double>(evaluated * state.iterations()), benchmark::Counter::kIsRate);
}

void BM_SearchGpt3_1024A100(benchmark::State& state) { run_search(state, true); }
void BM_SearchGpt3_1024A100_NoPruning(benchmark::State& state) { run_search(state, false); }
BENCHMARK(BM_SearchGpt3_1024A100)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SearchGpt3_1024A100_NoPruning)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Serving: a full layout search (tp, ep, batch caps, max rate under SLOs) for
// Llama 3.3 70B on 8-GPU H100-class nodes; baseline: one serve() evaluation.
struct ServingCase {
  ModelArch model = testing::llama(80, 8192, 64, 8, 28672);
  StackEfficiency stack = testing::test_stack();
  InferenceContext ctx;
  ServingCase() {
    stack.mode = StackMode::infer;
    stack.step_overhead = milliseconds(1);
    ServingJob job;
    job.input_len = 2048;
    job.output_len = 300;
    job.weights = Precision::fp8;
    job.kv = Precision::fp8;
    ctx = prepare_inference(model, testing::h100_like(8), stack, job);
  }
};

void BM_ServeOnce(benchmark::State& state) {
  ServingCase c;
  for (auto _ : state) benchmark::DoNotOptimize(serve(c.ctx, {8, 1, 1}, 10.0, {seconds(1), milliseconds(40)}, 0));
}
BENCHMARK(BM_ServeOnce)->Unit(benchmark::kMicrosecond);

void BM_SearchServing(benchmark::State& state) {
  ServingCase c;
  long long evaluated = 0;
  for (auto _ : state) {
    ServingSearch r = search_serving(c.ctx, 20.0, {seconds(1), milliseconds(40)});
    evaluated = r.evaluated;
    benchmark::DoNotOptimize(r);
  }
  state.counters["configurations"] = static_cast<double>(evaluated);
}
BENCHMARK(BM_SearchServing)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace xpu

BENCHMARK_MAIN();
