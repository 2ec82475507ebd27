#include "perf/search.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

#include "ingest/cases_io.h"
#include "ingest/data_files.h"
#include "perf/sizing.h"

namespace xpu {
namespace {

void expect_same(const TrainingEstimate& a, const TrainingEstimate& b) {
  EXPECT_EQ(a.valid, b.valid);
  EXPECT_EQ(a.step_time.si(), b.step_time.si());
  const TrainingTime& x = a.time;
  const TrainingTime& y = b.time;
  for (auto [p, q] : {std::pair{x.gemm, y.gemm},
                      {x.attention, y.attention},
                      {x.memory_bound, y.memory_bound},
                      {x.recompute, y.recompute},
                      {x.overhead, y.overhead},
                      {x.tp_comm, y.tp_comm},
                      {x.cp_comm, y.cp_comm},
                      {x.ep_comm, y.ep_comm},
                      {x.pp_comm, y.pp_comm},
                      {x.bubble, y.bubble},
                      {x.dp_comm, y.dp_comm},
                      {x.optimizer, y.optimizer},
                      {x.step_overhead, y.step_overhead}}) {
    EXPECT_EQ(p.si(), q.si());
  }
  EXPECT_EQ(a.memory.weights.si(), b.memory.weights.si());
  EXPECT_EQ(a.memory.gradients.si(), b.memory.gradients.si());
  EXPECT_EQ(a.memory.optimizer.si(), b.memory.optimizer.si());
  EXPECT_EQ(a.memory.activations.si(), b.memory.activations.si());
  EXPECT_EQ(a.memory.reserve.si(), b.memory.reserve.si());
  EXPECT_EQ(a.fits, b.fits);
  EXPECT_EQ(a.micro_batches, b.micro_batches);
  EXPECT_EQ(a.tokens_per_s_per_chip, b.tokens_per_s_per_chip);
  EXPECT_EQ(a.mfu, b.mfu);
  EXPECT_EQ(a.mfu_bf16, b.mfu_bf16);
}

void expect_same(const std::optional<RankedLayout>& a, const std::optional<RankedLayout>& b) {
  ASSERT_EQ(a.has_value(), b.has_value());
  if (!a) return;
  EXPECT_EQ(describe(a->layout), describe(b->layout));
  EXPECT_TRUE(a->layout == b->layout);
  expect_same(a->estimate, b->estimate);
}

// The search as requests run it against every layout estimated from scratch,
// on one thread and on two.
void expect_search_equals_exhaustive(const TrainingSetup& s, int chips, SearchOptions o) {
  SearchOptions all = o;
  all.memo = false;
  all.bound = false;
  all.threads = ThreadBudget(1);
  const LayoutAnswer want = best_layout_at(s, chips, all);
  for (unsigned threads : {1u, 2u}) {
    o.threads = ThreadBudget(threads);
    const LayoutAnswer got = best_layout_at(s, chips, o);
    const SearchResult& g = got.search;
    const SearchResult& w = want.search;
    EXPECT_EQ(g.evaluated, w.evaluated);
    EXPECT_EQ(g.fitting, w.fitting);
    EXPECT_EQ(g.pruned, w.pruned);
    EXPECT_EQ(g.invalid, w.invalid);
    ASSERT_EQ(g.best.size(), w.best.size());
    for (size_t i = 0; i < w.best.size(); ++i) expect_same(g.best[i], w.best[i]);
    expect_same(g.safe, w.safe);
    expect_same(g.closest, w.closest);
  }
}

const StackEfficiency* train_stack(const DataSet& data, const Accelerator& a) {
  return default_stack(data.catalog.stacks, a.runtime, Mode::train);
}

// Every shipped training case, as `validate` fixes its degrees and as `train`
// searches it freely (top 5).
TEST(Search, MemoAndBoundEqualExhaustiveOnShippedTrainingCases) {
  const DataSet data = load_data({XPUPLAN_DATA_DIR});
  int searched = 0;
  for (const std::string& file : shipped_case_files()) {
    Diagnostics ds;
    for (const ValidationCase& c : read_cases(file, ds)) {
      if (c.mode != Mode::train || !c.invalid.empty() || !c.seq_len || c.chips < 1) continue;
      const ModelArch* m = data.find_model(c.model);
      const Accelerator* a = data.catalog.find_accelerator(c.accelerator);
      if (!m || !a || !train_stack(data, *a)) continue;
      TrainingJob job;
      job.seq_len = *c.seq_len;
      job.precision = c.precision.value_or(Precision::bf16);
      job.global_batch = c.global_batch.value_or(default_global_batch(job.seq_len, c.chips));
      const TrainingSetup s{m, a, default_system(data.catalog, a->key), train_stack(data, *a), job};
      SCOPED_TRACE(fmt::format("case {} ({} on {} x {})", c.id, c.model, c.chips, c.accelerator));
      SearchOptions fixed;
      fixed.top = 1;
      fixed.fixed = {c.tp, c.pp, c.dp, c.cp, c.ep, c.vpp, c.micro_batch, c.recompute, c.sharding, c.sequence_parallel};
      expect_search_equals_exhaustive(s, c.chips, fixed);
      expect_search_equals_exhaustive(s, c.chips, SearchOptions{});
      ++searched;
    }
  }
  EXPECT_GT(searched, 50);
}

// Randomised requests (fixed seed): shipped models and accelerators, chip
// counts, sequence lengths, batches, precisions, LoRA and some fixed degrees.
TEST(Search, MemoAndBoundEqualExhaustiveOnRandomRequests) {
  const DataSet data = load_data({XPUPLAN_DATA_DIR});
  std::mt19937 rng(20261205);
  auto pick = [&](int n) { return static_cast<int>(std::uniform_int_distribution<int>(0, n - 1)(rng)); };
  const int chip_counts[] = {1, 2, 8, 12, 16, 24, 32, 64, 96, 128, 256, 384, 512, 1024, 2048};
  const int seq_lens[] = {1024, 2048, 4096, 8192, 32768};
  const Precision precisions[] = {Precision::bf16, Precision::fp8, Precision::fp4};
  int with_best = 0, without = 0;
  for (int i = 0; i < 60; ++i) {
    const ModelArch& m = data.models[pick(static_cast<int>(data.models.size()))];
    const Accelerator& a = data.catalog.accelerators[pick(static_cast<int>(data.catalog.accelerators.size()))];
    if (!train_stack(data, a)) continue;
    const int chips = chip_counts[pick(std::size(chip_counts))];
    TrainingJob job;
    job.seq_len = seq_lens[pick(std::size(seq_lens))];
    job.precision = precisions[pick(std::size(precisions))];
    job.global_batch = pick(3) == 0 ? 1 + pick(3000) : default_global_batch(job.seq_len, chips);
    job.lora = pick(5) == 0;
    SearchOptions o;
    o.top = 1 + pick(8);
    o.memory_margin = pick(2) ? 0.1 : 0.3;
    if (pick(4) == 0) o.fixed.tp = 1 << pick(4);
    if (pick(4) == 0) o.fixed.recompute = static_cast<Recompute>(pick(3));
    if (pick(5) == 0) o.fixed.micro_batch = 1 + pick(2);
    const TrainingSetup s{&m, &a, default_system(data.catalog, a.key), train_stack(data, a), job};
    SCOPED_TRACE(fmt::format("#{}: {} on {} x {}, seq {}, batch {}, {}{}", i, m.key, chips, a.key, job.seq_len,
                             job.global_batch, to_string(job.precision), job.lora ? ", lora" : ""));
    expect_search_equals_exhaustive(s, chips, o);
    (best_layout_at(s, chips, o).found() ? with_best : without)++;
  }
  EXPECT_GT(with_best, 15);  // both outcomes are exercised
  EXPECT_GT(without, 5);
}

// The search skips the step-time walk for fitting layouts whose floor is
// already above both finished tuples' bounds (perf/search.cpp). The space
// of bench_serve_load --vary-all (bench/new_questions.h: 1B-72B dense and
// MoE models, six accelerators, 8-256 chips, 2k-8k tokens), with top 1 to
// 3 and both memory margins: the best, safe and closest layouts and the
// counts equal the exhaustive search's, so nothing skipped was in the answer.
TEST(Search, SkippedFloorsNeverDropTheAnswerOnTheNewQuestionSpace) {
  const DataSet data = load_data({XPUPLAN_DATA_DIR});
  const char* models[] = {"llama3.2-1b", "llama3.2-3b",  "llama3.1-8b", "mistral-7b",   "gemma2-9b",    "phi-4",
                          "qwen3-32b",   "llama3.1-70b", "qwen2.5-72b", "mixtral-8x7b", "qwen3-30b-a3b"};
  const char* accelerators[] = {"h100-sxm", "h200-sxm", "a100-80gb", "b200", "mi300x", "tpu-v5p"};
  const int chip_counts[] = {8, 16, 32, 64, 128, 256};
  const int seq_lens[] = {2048, 4096, 8192};
  std::mt19937 rng(20261206);
  auto pick = [&](int n) { return static_cast<int>(std::uniform_int_distribution<int>(0, n - 1)(rng)); };
  int searched = 0;
  for (int i = 0; i < 24; ++i) {
    const ModelArch* m = data.find_model(models[pick(std::size(models))]);
    const Accelerator* a = data.catalog.find_accelerator(accelerators[pick(std::size(accelerators))]);
    ASSERT_TRUE(m && a);
    const StackEfficiency* stack = train_stack(data, *a);
    ASSERT_TRUE(stack);
    const int chips = chip_counts[pick(std::size(chip_counts))];
    TrainingJob job;
    job.seq_len = seq_lens[pick(std::size(seq_lens))];
    job.global_batch = default_global_batch(job.seq_len, chips);
    SearchOptions o;
    o.top = 1 + pick(3);
    o.memory_margin = pick(2) ? 0.1 : 0.3;
    const TrainingSetup s{m, a, default_system(data.catalog, a->key), stack, job};
    SCOPED_TRACE(fmt::format("#{}: {} on {} x {}, seq {}, top {}", i, m->key, chips, a->key, job.seq_len, o.top));
    expect_search_equals_exhaustive(s, chips, o);
    ++searched;
  }
  EXPECT_EQ(searched, 24);
}

}  // namespace
}  // namespace xpu
