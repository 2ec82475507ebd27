// Training-engine speed: one layout evaluation, and a full layout search for
// GPT-3 175B on 1024 A100s (global batch 1536, seq 2048), the case Calculon's
// exhaustive search enumerates ~11.7M candidates for, on the shipped catalog
// (a100-80gb in its HGX node, the calibrated megatron-cuda stack). The baseline
// in the same run is the same search without pruning.
#include <benchmark/benchmark.h>

#include "ingest/data_files.h"
#include "perf/inference.h"
#include "perf/search.h"
#include "perf/sizing.h"
#include "perf/test_fixtures.h"

namespace xpu {
namespace {

const DataSet& shipped() {
  static const DataSet data = load_data({shipped_data_dir()});
  return data;
}

struct Gpt3Case {
  const ModelArch& model = *shipped().find_model("gpt3-175b");
  TrainingContext ctx;
  Gpt3Case() {
    const Catalog& cat = shipped().catalog;
    const Accelerator& a100 = *cat.find_accelerator("a100-80gb");
    TrainingJob job;
    job.seq_len = 2048;
    job.global_batch = 1536;
    ctx = prepare_training(model, make_fabric(a100, default_system(cat, "a100-80gb"), 1024),
                           *default_stack(cat.stacks, a100.runtime, Mode::train), job);
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
  o.threads = ThreadBudget(static_cast<unsigned>(state.range(0)));
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
    stack.mode = Mode::infer;
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

// Llama 3.1 8B on H100 SXM, default lengths, bf16, on the shipped catalog.
InferenceContext llama8b_h100_serving() {
  const Catalog& cat = shipped().catalog;
  const Accelerator& h100 = *cat.find_accelerator("h100-sxm");
  ServingJob job;
  job.kv = default_kv_precision(job.weights, false);
  const ServingSetup setup{shipped().find_model("llama3.1-8b"), &h100, default_system(cat, "h100-sxm"),
                           default_stack(cat.stacks, h100.runtime, Mode::infer), job};
  return serving_context(setup);
}

// The search behind one POST /api/infer of bench_serve_load (Llama 3.1 8B on
// H100 SXM at 5 requests/s, default lengths, bf16, no SLOs) on the shipped
// catalog: every layout and batch cap, each with its max-rate bisection.
void BM_SearchServingLlama8bH100(benchmark::State& state) {
  const InferenceContext ctx = llama8b_h100_serving();
  long long evaluated = 0;
  for (auto _ : state) {
    ServingSearch r = search_serving(ctx, 5.0, ServingSlo{});
    evaluated = r.evaluated;
    benchmark::DoNotOptimize(r);
  }
  state.counters["configurations"] = static_cast<double>(evaluated);
}
BENCHMARK(BM_SearchServingLlama8bH100)->Unit(benchmark::kMicrosecond);

// The same request with SLOs (TTFT 200 ms, TPOT 10 ms at 50 requests/s, as
// bench/estimate_outputs.sh's infer-8b-h100-slo). Arg 0: prune = false, the
// exhaustive baseline (every candidate, every part of every rate probe);
// arg 1: as requests run it.
void BM_SearchServingSloLlama8bH100(benchmark::State& state) {
  const InferenceContext ctx = llama8b_h100_serving();
  for (auto _ : state) {
    benchmark::DoNotOptimize(search_serving(ctx, 50.0, {milliseconds(200), milliseconds(10)}, state.range(0) != 0));
  }
}
BENCHMARK(BM_SearchServingSloLlama8bH100)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// The search behind one cold POST /api/train of bench_serve_load (Llama 3.1
// 8B on 64 H100 SXM, the request's default sequence and batch, bf16), on one thread as a
// request runs it. Arg 0: every layout estimated from scratch (the baseline:
// no memo, no bound); arg 1: as requests run it. Same answer (perf/search_test.cpp).
void BM_SearchTrainLlama8bH100x64(benchmark::State& state) {
  const Catalog& cat = shipped().catalog;
  const Accelerator& h100 = *cat.find_accelerator("h100-sxm");
  TrainingJob job;
  job.seq_len = 8192;  // the request's default (--seq-len)
  job.global_batch = default_global_batch(job.seq_len);
  const TrainingSetup setup{shipped().find_model("llama3.1-8b"), &h100, default_system(cat, "h100-sxm"),
                            default_stack(cat.stacks, h100.runtime, Mode::train), job};
  SearchOptions o;
  o.memo = o.bound = state.range(0) != 0;
  long long evaluated = 0;
  for (auto _ : state) {
    const LayoutAnswer a = best_layout_at(setup, 64, o);
    evaluated = a.search.evaluated;
    benchmark::DoNotOptimize(a);
  }
  state.counters["layouts"] = static_cast<double>(evaluated);
}
BENCHMARK(BM_SearchTrainLlama8bH100x64)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace xpu

BENCHMARK_MAIN();
