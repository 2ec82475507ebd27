#include "api/train.h"

#include <fmt/format.h>

#include <chrono>

#include "perf/layout_rules.h"
#include "perf/sizing.h"

namespace xpu::api {

Diagnostics check(const TrainRequest& r, const DataSet& data) {
  Diagnostics ds;
  check_names(data, r.model, r.accelerator, r.stack, Mode::train, ds);
  if (r.chips <= 0) ds.push_back(field_error("chips", fmt::format("must be positive, got {}", r.chips)));
  if (r.chips > kMaxChipsSized) {
    ds.push_back(field_error(
        "chips", fmt::format("must be at most {} (numbers out of range), got {}", kMaxChipsSized, r.chips)));
  }
  if (r.seq_len <= 0) ds.push_back(field_error("seq_len", fmt::format("must be positive, got {}", r.seq_len)));
  if (r.global_batch < 0) {
    ds.push_back(
        field_error("global_batch", fmt::format("must be positive (or 0 for the default), got {}", r.global_batch)));
  }
  if (!(r.tokens >= 0)) ds.push_back(field_error("tokens", fmt::format("must be positive, got {}", r.tokens)));
  if (r.top <= 0) ds.push_back(field_error("top", fmt::format("must be positive, got {}", r.top)));
  if (!(r.memory_margin >= 0 && r.memory_margin < 1)) {
    ds.push_back(field_error("memory_margin", fmt::format("must be in [0, 1), got {}", r.memory_margin)));
  }
  auto positive = [&](const std::optional<int>& v, const char* field) {
    if (v && *v <= 0) ds.push_back(field_error(field, fmt::format("must be positive, got {}", *v)));
  };
  positive(r.fixed.tp, "tp");
  positive(r.fixed.pp, "pp");
  positive(r.fixed.dp, "dp");
  positive(r.fixed.cp, "cp");
  positive(r.fixed.ep, "ep");
  positive(r.fixed.vpp, "vpp");
  positive(r.fixed.micro_batch, "micro_batch");
  if (auto m = resolve_model(data, r.model, "model")) {
    for (auto& d : check_fixed_degrees(*m, {.tp = r.fixed.tp, .pp = r.fixed.pp, .ep = r.fixed.ep})) {
      ds.push_back(std::move(d));
    }
    check_positions(*m, r.seq_len, "seq_len", "the sequence", ds);
  }
  return ds;
}

namespace {

// What the search runs: the request's job (the default batch filled in) and options.
TrainingJob job_of(const TrainRequest& r) {
  TrainingJob job;
  job.seq_len = r.seq_len;
  job.precision = r.precision;
  job.tokens = r.tokens;
  job.global_batch = r.global_batch > 0 ? r.global_batch : default_global_batch(r.seq_len);
  return job;
}

SearchOptions options_of(const TrainRequest& r, ThreadBudget threads) {
  SearchOptions so;
  so.fixed = r.fixed;
  so.top = r.top;
  so.memory_margin = r.memory_margin;
  so.threads = threads;
  return so;
}

}  // namespace

std::string train_search_key(const TrainRequest& r, std::string_view stack) {
  // Every field of the request, the job and the options, named. A field added
  // to one of these structs stops this compiling ("N names provided ... but
  // decomposes into M elements"): add it to the key below, or say here why
  // the search does not read it. A field the search reads that is not in the
  // key would share one request's answer with another's (jobs_test checks each).
  [[maybe_unused]] const auto& [model, accelerator, stack_name, chips, seq_len, global_batch, precision, tokens, fixed,
                                top, memory_margin, threads] = r;
  // Read through the job and the options below: seq_len, global_batch,
  // precision, fixed, top, memory_margin; the stack as resolved (`stack`).
  // Not read by the search: tokens (the run time is computed from its
  // answer), threads (the answer does not depend on them, Search tests).
  const TrainingJob job = job_of(r);
  [[maybe_unused]] const auto& [j_seq_len, j_global_batch, j_precision, j_tokens, lora, grad_bytes, capacity_factor,
                                einsum_dispatch, attention_block] = job;
  const SearchOptions so = options_of(r, ThreadBudget(1));
  [[maybe_unused]] const auto& [o_fixed, o_top, o_memory_margin, o_threads, max_tp, max_cp, max_vpp, max_micro_batch,
                                prune, memo, bound] = so;
  const auto& [tp, pp, dp, cp, ep, vpp, micro_batch, recompute, sharding, sequence_parallel] = o_fixed;
  SharedKey key;
  key.add(model.name, accelerator, stack, chips);
  key.add(j_seq_len, j_global_batch, j_precision, lora, grad_bytes, capacity_factor, einsum_dispatch, attention_block);
  key.add(tp, pp, dp, cp, ep, vpp, micro_batch, recompute, sharding, sequence_parallel);
  key.add(o_top, o_memory_margin, max_tp, max_cp, max_vpp, max_micro_batch, prune, memo, bound);
  return key.str();
}

Expected<TrainReport, Diagnostics> run_train(const DataSet& data, const TrainRequest& r, ThreadBudget threads,
                                             Shared* shared) {
  if (Diagnostics bad = check(r, data); has_errors(bad)) return Unexpected{std::move(bad)};
  const auto model = resolve_model(data, r.model, "model");
  const auto hw = resolve_hardware(data, r.accelerator, "accelerator");
  const StackEfficiency* stack = *resolve_stack(data, *hw->accelerator, Mode::train, r.stack, "stack");

  TrainReport out;
  out.model_key = model->key;
  out.model_name = model->name;
  out.accelerator = hw->accelerator->key;
  out.system = hw->system ? hw->system->key : "";
  out.stack = stack->key;
  out.chips_asked = r.chips;
  out.memory_margin = r.memory_margin;
  out.threads = threads.threads();
  const TrainingJob job = job_of(r);
  out.job = job;

  const SearchOptions so = options_of(r, threads);
  const ModelArch& m = *model;
  const auto t0 = std::chrono::steady_clock::now();
  // The search reads every field of the request but the tokens (and the
  // threads, which do not change its answer): a shipped model's search is
  // shared under those fields (train_search_key; an inline config.json is not keyed).
  std::string key;
  std::shared_ptr<const TrainSearchAnswer> a;
  if (shared && !r.model.config) {
    key = train_search_key(r, stack->key);
    a = shared->train.get(key);
  }
  if (!a) {
    const LayoutAnswer found =
        best_layout_up_to({&m, hw->accelerator, hw->system, stack, job}, r.chips, chip_unit(hw->system), so);
    a = std::make_shared<const TrainSearchAnswer>(
        TrainSearchAnswer{found.chips, found.fewer_because, found.ctx.precision, found.search});
    if (!key.empty()) shared->train.put(key, a);
  }
  out.search_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  out.chips = a->chips;
  out.fewer_because = a->fewer_because;
  out.precision_used = a->precision;
  out.search = a->search;
  out.interval = throughput_interval(*stack, hw->accelerator->key, a->precision, a->chips);
  if (a->search.best.empty()) {
    out.outcome = Outcome::none_meets;
    return out;
  }
  if (job.tokens > 0) {
    const double tps = a->search.best.front().estimate.tokens_per_s_per_chip * a->chips;
    out.train_time = Seconds(job.tokens / tps);
    out.chip_hours = job.tokens / tps / 3600.0 * a->chips;
  }
  return out;
}

}  // namespace xpu::api
