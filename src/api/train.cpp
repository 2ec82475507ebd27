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
  TrainingJob job;
  job.seq_len = r.seq_len;
  job.precision = r.precision;
  job.tokens = r.tokens;
  job.global_batch = r.global_batch > 0 ? r.global_batch : default_global_batch(r.seq_len);
  out.job = job;

  SearchOptions so;
  so.fixed = r.fixed;
  so.top = r.top;
  so.memory_margin = r.memory_margin;
  so.threads = threads;
  const ModelArch& m = *model;
  const auto t0 = std::chrono::steady_clock::now();
  // The search reads every field of the request but the tokens (and the
  // threads, which do not change its answer): a shipped model's search is
  // shared under those fields (an inline config.json is not keyed).
  std::string key;
  std::shared_ptr<const TrainSearchAnswer> a;
  if (shared && !r.model.config) {
    const LayoutConstraints& f = r.fixed;
    auto opt = [](const auto& v) { return v ? fmt::format("{}", static_cast<int>(*v)) : std::string("-"); };
    key = fmt::format("{}|{}|{}|{}|{}|{}|{}|{} {} {} {} {} {} {} {} {} {}|{}|{}", r.model.name, r.accelerator,
                      stack->key, r.chips, r.seq_len, job.global_batch, static_cast<int>(r.precision), opt(f.tp),
                      opt(f.pp), opt(f.dp), opt(f.cp), opt(f.ep), opt(f.vpp), opt(f.micro_batch), opt(f.recompute),
                      opt(f.sharding), opt(f.sequence_parallel), r.top, r.memory_margin);
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
