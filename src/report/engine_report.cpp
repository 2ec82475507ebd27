#include "report/engine_report.h"

#include <fmt/format.h>

#include "base/unit_text.h"
#include "perf/layout_rules.h"
#include "perf/sizing.h"
#include "report/json_perf.h"
#include "report/table.h"

namespace xpu {
namespace {

std::string pct(double part, double whole) { return whole > 0 ? fmt::format("{:.1f}%", 100.0 * part / whole) : "-"; }

Json ranked_json(const RankedLayout& r) { return {{"layout", to_json(r.layout)}, {"estimate", to_json(r.estimate)}}; }

std::string breakdown_text(const TrainingEstimate& e) {
  const TrainingTime& t = e.time;
  const double total = e.step_time.si();
  const std::vector<std::pair<const char*, Seconds>> parts{{"matmuls", t.gemm},
                                                           {"attention", t.attention},
                                                           {"memory-bound ops", t.memory_bound},
                                                           {"recompute", t.recompute},
                                                           {"launch overhead", t.overhead},
                                                           {"TP comm (exposed)", t.tp_comm},
                                                           {"CP comm (exposed)", t.cp_comm},
                                                           {"EP comm (exposed)", t.ep_comm},
                                                           {"PP sends (exposed)", t.pp_comm},
                                                           {"pipeline bubble", t.bubble},
                                                           {"DP/FSDP comm (exposed)", t.dp_comm},
                                                           {"optimizer", t.optimizer}};
  std::string out = "  time per step:\n";
  for (const auto& [name, v] : parts) {
    if (v.si() <= 0) continue;
    out += fmt::format("    {:<24} {:>10}  {:>6}\n", name, to_text(v), pct(v.si(), total));
  }
  const TrainingMemory& m = e.memory;
  out += fmt::format("  memory per chip: {} of {} ({}){}\n", to_text(m.total()), to_text(e.capacity),
                     pct(m.total().si(), e.capacity.si()),
                     e.fits ? "" : fmt::format(" -- does not fit, {} missing", to_text(e.missing())));
  out += fmt::format("    weights {}, gradients {}, optimizer {}, activations {}, reserve {}\n", to_text(m.weights),
                     to_text(m.gradients), to_text(m.optimizer), to_text(m.activations), to_text(m.reserve));
  return out;
}

std::string best_text(const api::TrainReport& r) {
  const RankedLayout& b = r.search.best.front();
  const TrainingEstimate& e = b.estimate;
  const PredictionInterval& iv = r.interval;
  std::string out = fmt::format("  layout: {}\n", describe(b.layout));
  out += fmt::format("  step time {} ({} micro-batches), {} tokens/s per chip (80% interval {}..{})\n",
                     to_text(e.step_time), e.micro_batches, fmt_num(e.tokens_per_s_per_chip, 4),
                     fmt_num(e.tokens_per_s_per_chip * iv.low, 3), fmt_num(e.tokens_per_s_per_chip * iv.high, 3));
  if (iv.cases > 0) {
    out += fmt::format("  evidence: stack fitted to {} published runs, leave-one-out median error {:.1f}%\n", iv.cases,
                       iv.median_abs_pct);
  }
  for (const auto& x : iv.extrapolations) out += fmt::format("  extrapolating: {}\n", x);
  if (r.precision_used == Precision::bf16) {
    out += fmt::format("  model {} TFLOP/s per chip, MFU {:.1f}% of the bf16 peak\n",
                       fmt_num(in_tflops(e.model_flops_per_chip), 4), e.mfu * 100);
  } else {
    out += fmt::format("  model {} TFLOP/s per chip, MFU {:.1f}% of the {} peak ({:.1f}% of the bf16 peak)\n",
                       fmt_num(in_tflops(e.model_flops_per_chip), 4), e.mfu * 100, to_string(r.precision_used),
                       e.mfu_bf16 * 100);
  }
  if (r.train_time) {
    out += fmt::format("  {} tokens: {} on {} chips, {} chip-hours\n", to_count_text(r.job.tokens),
                       to_text(*r.train_time), r.chips, to_count_text(r.chip_hours));
  }
  return out + breakdown_text(e);
}

}  // namespace

Json to_json(const api::TrainReport& r) {
  Json best = Json::array();
  for (const auto& b : r.search.best) best.push_back(ranked_json(b));
  Json j = {{"model", r.model_key},
            {"accelerator", r.accelerator},
            {"system", r.system},
            {"stack", r.stack},
            {"chips", r.chips},
            {"seq_len", r.job.seq_len},
            {"global_batch", r.job.global_batch},
            {"precision", to_string(r.job.precision)},
            {"precision_used", to_string(r.precision_used)},
            {"layouts", best},
            {"evaluated", r.search.evaluated},
            {"fitting", r.search.fitting}};
  if (r.chips != r.chips_asked) {
    j["chips_asked"] = r.chips_asked;
    j["note"] = r.fewer_because;
  }
  if (r.search.safe) j["safe"] = ranked_json(*r.search.safe);
  if (r.search.closest) j["closest"] = ranked_json(*r.search.closest);
  Json ext = Json::array();
  for (const auto& x : r.interval.extrapolations) ext.push_back(x);
  const double tps = r.search.best.empty() ? 0.0 : r.search.best.front().estimate.tokens_per_s_per_chip;
  j["interval"] = {{"tokens_per_s_per_chip_low", tps * r.interval.low},
                   {"tokens_per_s_per_chip_high", tps * r.interval.high},
                   {"evidence_cases", r.interval.cases},
                   {"loo_median_abs_error_pct", r.interval.median_abs_pct},
                   {"extrapolations", ext}};
  if (r.train_time) {
    j["tokens"] = r.job.tokens;
    j["train_time_s"] = r.train_time->si();
    j["chip_hours"] = r.chip_hours;
  }
  return j;
}

std::string to_text(const api::TrainReport& r) {
  const std::string model = r.model_name.empty() ? r.model_key : r.model_name;
  std::string out = fmt::format("{} on {} x {} ({}), stack {}\n", model, r.chips, r.accelerator,
                                r.system.empty() ? "default domain" : r.system, r.stack);
  if (r.chips != r.chips_asked)
    out += fmt::format("Uses {} of the {} chips asked: {}.\n", r.chips, r.chips_asked, r.fewer_because);
  out += fmt::format("seq {} tokens, global batch {} sequences ({} tokens), {}{}\n", r.job.seq_len, r.job.global_batch,
                     fmt_num(static_cast<double>(r.job.global_batch) * r.job.seq_len, 4), to_string(r.job.precision),
                     r.precision_used != r.job.precision
                         ? fmt::format(" (runs at {} on this chip: no faster {} path)", to_string(r.precision_used),
                                       to_string(r.job.precision))
                         : "");
  const SearchResult& s = r.search;
  if (s.best.empty() && !s.closest) {
    return out + fmt::format("No valid layout: {}.\n",
                             s.invalid.empty() ? "the constraints exclude every layout" : std::string(s.invalid));
  }
  if (s.best.empty()) {
    out += "No layout fits in memory.\n";
    out += fmt::format("Closest: {} needs {} more per chip.\n", describe(s.closest->layout),
                       to_text(s.closest->estimate.missing()));
    out += breakdown_text(s.closest->estimate);
    return out + fmt::format("Searched {} layouts in {:.0f} ms.\n", s.evaluated, r.search_ms);
  }
  out += "Best layout:\n";
  out += best_text(r);
  if (s.safe && !(s.safe->layout == s.best.front().layout)) {
    out += fmt::format("Fastest leaving {:.0f}% of memory free: {} ({} tokens/s per chip, {} used)\n",
                       r.memory_margin * 100, describe(s.safe->layout),
                       fmt_num(s.safe->estimate.tokens_per_s_per_chip, 4), to_text(s.safe->estimate.memory.total()));
  }
  if (s.best.size() > 1) {
    TextTable t;
    t.header = {"#", "layout", "step", "tok/s/chip", "MFU", "memory"};
    t.right_align = {true, false, true, true, true, true};
    int i = 1;
    for (const auto& b : s.best) {
      t.rows.push_back({std::to_string(i++), describe(b.layout), to_text(b.estimate.step_time),
                        fmt_num(b.estimate.tokens_per_s_per_chip, 4), fmt::format("{:.1f}%", b.estimate.mfu * 100),
                        to_text(b.estimate.memory.total())});
    }
    out += "\n";
    out += render(t);
  }
  return out +
         fmt::format("\nEvaluated {} layouts ({} fit in memory, {} subtrees pruned) in {:.0f} ms on {} threads.\n",
                     s.evaluated, s.fitting, s.pruned, r.search_ms, r.threads);
}

namespace {

Json estimate_json(const ServingEstimate& e, int replicas) {
  return {{"layout", {{"tp", e.layout.tp}, {"pp", e.layout.pp}, {"ep", e.layout.ep}, {"attn_dp", e.layout.attn_dp}}},
          {"chips_per_replica", e.layout.chips()},
          {"replicas", replicas},
          {"chips", replicas * e.layout.chips()},
          {"batch", e.batch},
          {"ttft_p50_s", e.ttft_p50.si()},
          {"ttft_p99_s", e.ttft_p99.si()},
          {"tpot_p50_ms", e.tpot_p50.si() * 1e3},
          {"tpot_p99_ms", e.tpot_p99.si() * 1e3},
          {"tokens_per_s_per_user", e.tokens_per_s_per_user},
          {"e2e_p50_s", e.e2e_p50.si()},
          {"requests_per_s_per_replica", e.requests_per_s},
          {"output_tokens_per_s_per_replica", e.output_tokens_per_s},
          {"output_tokens_per_s_per_chip", e.output_tokens_per_s_per_chip},
          {"prefill_bound", to_string(e.prefill_bound)},
          {"decode_bound", to_string(e.decode_bound)},
          {"memory_gb",
           {{"weights", in_gb(e.memory.weights)},
            {"activations", in_gb(e.memory.activations)},
            {"reserve", in_gb(e.memory.reserve)},
            {"kv_capacity", in_gb(e.memory.kv_capacity)}}},
          {"max_concurrency", e.memory.max_sequences},
          {"meets_slo", e.meets_slo},
          {"binding", e.binding}};
}

std::string estimate_text(const ServingEstimate& e, int replicas, const PredictionInterval& iv) {
  std::string out = fmt::format("  layout: {} = {} chips per replica", to_string(e.layout), e.layout.chips());
  if (replicas > 1) out += fmt::format(", {} replicas = {} chips", replicas, replicas * e.layout.chips());
  out += "\n";
  out += fmt::format("  batch {} sequences (max concurrency {} by memory)\n", e.batch, e.memory.max_sequences);
  out += fmt::format("  TTFT p50 {} / p99 {};  TPOT p50 {} / p99 {};  end-to-end p50 {}\n", to_text(e.ttft_p50),
                     to_text(e.ttft_p99), to_text(e.tpot_p50), to_text(e.tpot_p99), to_text(e.e2e_p50));
  out += fmt::format("  {} output tokens/s per replica, {} per chip (80% interval {}..{}); {} requests/s per replica\n",
                     fmt_num(e.output_tokens_per_s, 4), fmt_num(e.output_tokens_per_s_per_chip, 4),
                     fmt_num(e.output_tokens_per_s_per_chip * iv.low, 3),
                     fmt_num(e.output_tokens_per_s_per_chip * iv.high, 3), fmt_num(e.requests_per_s, 4));
  out +=
      fmt::format("  prefill is {}-bound, decode is {}-bound\n", to_string(e.prefill_bound), to_string(e.decode_bound));
  out +=
      fmt::format("  memory per chip: weights {}, activations {}, reserve {}, KV cache {}\n", to_text(e.memory.weights),
                  to_text(e.memory.activations), to_text(e.memory.reserve), to_text(e.memory.kv_capacity));
  for (const auto& x : iv.extrapolations) out += fmt::format("  extrapolating: {}\n", x);
  return out;
}

}  // namespace

Json to_json(const api::InferReport& r) {
  Json j = {{"model", r.model_key},
            {"accelerator", r.accelerator},
            {"stack", r.stack},
            {"scenario", to_string(r.scenario)},
            {"input_len", r.job.input_len},
            {"output_len", r.job.output_len},
            {"precision", to_string(r.job.weights)},
            {"kv_precision", to_string(r.job.kv)},
            {"attention_precision", to_string(r.attention_weights)},
            {"precision_used", to_string(r.precision_used)}};
  if (r.rate) j["rate"] = *r.rate;
  if (r.max_num_tokens) j["max_num_tokens"] = *r.max_num_tokens;
  if (r.targets) {
    Json t = Json::object();
    if (r.targets->ttft.si() > 0) t["ttft_p99_s"] = r.targets->ttft.si();
    if (r.targets->tpot.si() > 0) t["tpot_p99_ms"] = r.targets->tpot.si() * 1e3;
    j["targets"] = t;
  }
  if (r.estimate) j["estimate"] = estimate_json(*r.estimate, r.replicas);
  if (!r.fixed) {
    Json front = Json::array();
    for (const auto& p : r.pareto) front.push_back(estimate_json(p, 1));
    j["pareto"] = front;
  }
  Json ext = Json::array();
  for (const auto& x : r.interval.extrapolations) ext.push_back(x);
  j["interval"] = {{"low", r.interval.low},
                   {"high", r.interval.high},
                   {"evidence_cases", r.interval.cases},
                   {"extrapolations", ext}};
  return j;
}

std::string to_text(const api::InferReport& r) {
  const std::string model = r.model_name.empty() ? r.model_key : r.model_name;
  std::string out = fmt::format("{} on {} ({}), stack {}, {} scenario\n", model, r.accelerator,
                                r.system.empty() ? "default domain" : r.system, r.stack, to_string(r.scenario));
  const std::string attention = r.attention_weights == r.job.weights
                                    ? std::string()
                                    : fmt::format(" (attention {})", to_string(r.attention_weights));
  out += fmt::format("{} tokens in / {} out, weights {}{}{}, KV {}{}\n", fmt_num(r.job.input_len, 5),
                     fmt_num(r.job.output_len, 5), to_string(r.job.weights), attention,
                     r.job.weight_only ? " (weight-only)" : "", to_string(r.job.kv),
                     r.rate ? fmt::format(", {} requests/s", fmt_num(*r.rate, 4)) : "");
  // The token budget given (max_num_tokens): it chunks prompts and caps the batch.
  if (r.max_num_tokens) out += fmt::format("{} tokens per iteration (as given)\n", *r.max_num_tokens);
  if (r.targets) {
    std::string t;
    if (r.targets->ttft.si() > 0) t += fmt::format("TTFT p99 <= {}", to_text(r.targets->ttft));
    if (r.targets->tpot.si() > 0) t += fmt::format("{}TPOT p99 <= {}", t.empty() ? "" : ", ", to_text(r.targets->tpot));
    const std::string_view how =
        r.scenario == ServingScenario::offline   ? "; offline: the most throughput per chip that meets them"
        : r.scenario == ServingScenario::latency ? "; not applied: the latency scenario runs a fixed batch"
                                                 : "";
    out += fmt::format("targets: {}{}\n", t, how);
  }
  if (!r.estimate) {
    return out + "The model does not fit on this accelerator at this precision with any layout tried.\n";
  }
  if (!r.estimate->meets_slo && r.estimate->binding == "chips" && r.rate) {
    // api/infer.cpp: the rate needs more chips than xpuplan sizes (perf/layout_rules.h).
    out += fmt::format(
        "No option serves {} requests/s within the {} chips xpuplan sizes; the most is {} requests/s, "
        "with {} replicas of the layout that serves the most per chip{}:\n",
        fmt_num(*r.rate, 4), kMaxChipsSized, fmt_num(r.estimate->requests_per_s * r.replicas, 4), r.replicas,
        r.targets ? " within the targets" : "");
  } else if (!r.estimate->meets_slo) {
    out += fmt::format("No layout meets the targets; the closest binds on {}:\n",
                       r.estimate->binding.empty() ? "the targets" : r.estimate->binding);
  } else {
    out += r.fixed ? "Estimate:\n" : "Best layout:\n";
  }
  out += estimate_text(*r.estimate, r.replicas, r.interval);
  if (!r.fixed && r.pareto.size() > 1) {
    TextTable t;
    t.header = {"layout", "batch", "tok/s/chip", "TPOT p50", "TTFT p50"};
    t.right_align = {false, true, true, true, true};
    for (const auto& p : r.pareto) {
      t.rows.push_back({to_string(p.layout), std::to_string(p.batch), fmt_num(p.output_tokens_per_s_per_chip, 4),
                        to_text(p.tpot_p50), to_text(p.ttft_p50)});
    }
    out += "\nThroughput per chip vs TPOT (Pareto front):\n";
    out += render(t);
    out += fmt::format("Evaluated {} configurations in {:.0f} ms.\n", r.evaluated, r.search_ms);
  }
  return out;
}

}  // namespace xpu
