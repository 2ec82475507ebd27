#include "evidence/validate_inference.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "perf/sizing.h"

namespace xpu {
namespace {

// The statistic a latency value is (p50 unless the case says otherwise).
Statistic latency_statistic(const ValidationCase& c) { return c.statistic.value_or(Statistic::p50); }

// A server row measured at a stated arrival rate (an operating point); the
// reader takes a rate on server rows only.
bool at_rate(const ValidationCase& c) { return c.rate && c.scenario == ServingScenario::server; }

// What one layout yields for the case: system throughput, or the latency metric.
double evaluate(const PreparedInferenceCase& p, const ServingLayout& l, int replicas) {
  const ValidationCase& c = *p.source;
  ServingEstimate e;
  if (c.scenario == ServingScenario::latency) {
    e = run_batch(p.ctx, l, std::max(1, p.batch));
  } else if (at_rate(c)) {
    // The operating point the run was measured at: its arrival rate, shared by
    // the replicas. A rate past the replica's capacity has no steady state.
    e = serve(p.ctx, l, *c.rate / replicas, ServingSlo{}, p.batch);
    if (!e.meets_slo) return 0;
  } else if (c.scenario == ServingScenario::server) {
    // The highest rate a replica sustains within the benchmark's p99 limits.
    auto best = serve_at_max_rate(p.ctx, l, p.slo, p.batch);
    if (!best) return 0;
    e = *best;
  } else {
    e = serve(p.ctx, l, std::nullopt, ServingSlo{}, p.batch);
  }
  const bool p99 = latency_statistic(c) == Statistic::p99;
  switch (c.metric) {
    case Metric::infer_output_tokens_per_s:
      return e.output_tokens_per_s * replicas;
    case Metric::infer_total_tokens_per_s:
      return e.requests_per_s * (p.ctx.job.input_len + p.ctx.job.output_len) * replicas;
    case Metric::tpot_ms:
      return (p99 ? e.tpot_p99 : e.tpot_p50).si() * 1e3;
    case Metric::ttft_ms:
      return (p99 ? e.ttft_p99 : e.ttft_p50).si() * 1e3;
    case Metric::tokens_per_s_per_user: {
      const double tpot = (p99 ? e.tpot_p99 : e.tpot_p50).si();
      return tpot > 0 ? 1.0 / tpot : 0.0;
    }
    case Metric::e2e_latency_s:
      return e.e2e_p50.si();
    default:
      return 0;
  }
}

// Why the engines cannot predict case `c` as measured, or empty.
std::string unsupported(const ValidationCase& c) {
  switch (c.metric) {
    case Metric::infer_output_tokens_per_s:
    case Metric::infer_total_tokens_per_s:
    case Metric::tpot_ms:
    case Metric::ttft_ms:
    case Metric::tokens_per_s_per_user:
    case Metric::e2e_latency_s:
      break;
    default:
      return fmt::format("metric {} is not a serving metric", to_string(c.metric));
  }
  // Verification of the drafted tokens is modelled; how many are accepted is
  // the measurement's own property, so it must be published.
  if (c.speculative && !c.spec_accept) {
    return "speculative decoding without a published acceptance length (spec_accept): its TPOT depends on it";
  }
  if (c.statistic && !larger_is_better(c.metric)) {
    const Statistic s = *c.statistic;
    // A fixed-batch run starts every request together with the same lengths,
    // so its latencies are one value: mean, p50 and p99 coincide (and e2e is
    // linear in the output length, so the mean run's e2e is the mean e2e).
    const bool fixed = c.scenario == ServingScenario::latency && s == Statistic::mean;
    // At a stated rate the steady batch is the mean batch (Little's law), so
    // the step there is the mean step: the engine's TPOT p50 is that mean.
    const bool steady_mean = at_rate(c) && c.metric == Metric::tpot_ms && s == Statistic::mean;
    const bool ok =
        fixed || steady_mean || s == Statistic::p50 || (s == Statistic::p99 && c.metric != Metric::e2e_latency_s);
    if (!ok) {
      return fmt::format("the engines estimate {} at p50{}, not {}", to_string(c.metric),
                         c.metric == Metric::e2e_latency_s ? "" : " and p99", to_string(s));
    }
  }
  return "";
}

}  // namespace

Expected<PreparedInferenceCase, std::string> prepare_inference_case(const ValidationCase& c, const ValidationInputs& in,
                                                                    const StackEfficiency& stack) {
  const Accelerator* acc = in.catalog->find_accelerator(c.accelerator);
  const ModelArch* model = in.find_model(c.model);
  if (!acc || !model) return Unexpected{std::string("unknown accelerator or model")};
  if (std::string why = unsupported(c); !why.empty()) return Unexpected{std::move(why)};
  std::vector<std::string> notes;
  PreparedInferenceCase p;
  p.source = &c;
  ServingJob job;
  if (c.speculative) {
    // The stated draft length (spec_tokens: every drafted token costs a draft
    // pass and a verified position whether accepted or not); without one, the
    // shortest that can reach the acceptance.
    job.spec.accept = *c.spec_accept;
    job.spec.tokens = c.spec_tokens.value_or(std::max(1, static_cast<int>(std::ceil(*c.spec_accept - 1e-9)) - 1));
    job.spec.accept = std::min(job.spec.accept, job.spec.tokens + 1.0);
    notes.push_back(fmt::format("speculative: {} draft token{} per step ({}), {:.2f} accepted", job.spec.tokens,
                                job.spec.tokens > 1 ? "s" : "",
                                c.spec_tokens ? "as published" : "fewest for the acceptance", job.spec.accept));
  }
  // Lengths: the case's, else the benchmark dataset's means and spread (the benchmark
  // named, else the one defined for the model).
  const MlperfInference* def = nullptr;
  for (const auto& d : in.mlperf_inference) {
    if (c.mlperf_benchmark.empty() ? d.model == c.model : d.benchmark == c.mlperf_benchmark) def = &d;
  }
  if (c.input_len && c.output_len) {
    job.input_len = *c.input_len;
    job.output_len = *c.output_len;
  } else if (def) {
    job.input_len = def->input_tokens;
    job.output_len = def->output_tokens;
    job.input_cv = def->input_cv;
    job.output_cv = def->output_cv;
    job.io_correlation = def->io_correlation;
    notes.push_back(fmt::format("lengths from the MLPerf {} dataset: {:.0f} in / {:.0f} out{}", def->benchmark,
                                job.input_len, job.output_len, def->estimate ? " (partly estimated)" : ""));
  } else {
    return Unexpected{std::string("no input/output lengths and no benchmark definition for this model")};
  }
  // Precision: weights in the case's format; an fp8/fp4 serving run keeps its
  // KV cache in fp8 where the chip has fp8 (TensorRT-LLM and vLLM MLPerf setups).
  job.weights = c.precision.value_or(Precision::bf16);
  if (!c.precision) notes.push_back("precision not stated: bf16 assumed");
  job.weight_only = c.weight_only;
  if (c.kv_precision) {
    job.kv = *c.kv_precision;
  } else {
    job.kv = default_kv_precision(job.weights, job.weight_only);
    if (job.kv == Precision::fp8 && !acc->supports(Precision::fp8)) job.kv = Precision::bf16;
    if (job.kv == Precision::fp8) notes.push_back("fp8 KV cache assumed");
  }

  p.ctx = serving_context({model, acc, default_system(*in.catalog, acc->key), &stack, job}, c.chips);
  // The run's own per-iteration token budget where its config states one
  // (max_num_tokens), else the stack's default.
  if (c.max_num_tokens) {
    p.ctx.max_num_tokens = *c.max_num_tokens;
    notes.push_back(fmt::format("{} tokens per iteration (max_num_tokens, as published)", *c.max_num_tokens));
  }
  p.batch = c.batch.value_or(0);
  if (c.scenario == ServingScenario::server && !at_rate(c)) {
    if (!def) return Unexpected{std::string("server scenario without a benchmark definition of its latency limits")};
    p.slo = {def->server_ttft, def->server_tpot};
  }
  // Layout: the case's degrees (Neuron and TPU sources may count cores), else
  // the serving layouts that fit on the case's chips.
  const bool cores = c.rank_unit == RankUnit::core;
  const int per_chip = cores && acc->cores_per_chip > 1 ? acc->cores_per_chip : 1;
  auto chips_of = [&](int ranks) { return ranks % per_chip == 0 ? ranks / per_chip : ranks; };
  std::vector<ServingLayout> candidates;
  if (c.tp) {
    const int tp = chips_of(*c.tp);
    const int dp = c.attn_dp.value_or(1);
    const int ep = c.ep ? chips_of(*c.ep) : (dp > 1 ? tp : 1);
    candidates.push_back({tp, c.pp.value_or(1), ep, dp});
    if (per_chip > 1) notes.push_back(fmt::format("ranks counted in cores: tp {} chips", tp));
  } else {
    for (const ServingLayout& l : serving_layouts(p.ctx, c.chips)) {
      if (c.chips % l.chips() == 0) candidates.push_back(l);
    }
  }
  double best_value = 0;
  bool found = false;
  for (const ServingLayout& l : candidates) {
    if (serving_memory(p.ctx, l).max_sequences < 1) continue;
    const int replicas = c.scenario == ServingScenario::latency ? 1 : std::max(1, c.chips / l.chips());
    const double v = evaluate(p, l, replicas);
    if (v <= 0) continue;
    if (!found || (larger_is_better(c.metric) ? v > best_value : v < best_value)) {
      best_value = v;
      p.layout = l;
      p.replicas = replicas;
      found = true;
    }
  }
  if (!found && at_rate(c)) {
    // Say what the engine can serve instead of "does not fit".
    for (const ServingLayout& l : candidates) {
      if (serving_memory(p.ctx, l).max_sequences < 1) continue;
      const int replicas = std::max(1, c.chips / l.chips());
      const ServingEstimate most = serve(p.ctx, l, std::nullopt, ServingSlo{}, p.batch);
      return Unexpected{fmt::format(
          "the engine's {} x {} cannot serve {:.4g} requests/s: at most {:.4g} ({:.4g} a "
          "replica at batch {})",
          to_string(l), replicas, *c.rate, most.requests_per_s * replicas, most.requests_per_s, most.batch)};
    }
  }
  if (!found) return Unexpected{std::string("the model does not fit on the case's chips at this precision")};
  if (at_rate(c)) {
    // The engine's concurrency at the measured rate, to set beside the run's
    // Little's-law count (rate x mean latency).
    const ServingEstimate at = serve(p.ctx, p.layout, *c.rate / p.replicas, ServingSlo{}, p.batch);
    notes.push_back(
        fmt::format("at {:.4g} requests/s a replica: {} sequences decoding", *c.rate / p.replicas, at.batch));
  }
  notes.insert(notes.begin(),
               fmt::format("{} x {} replica{}", to_string(p.layout), p.replicas, p.replicas > 1 ? "s" : ""));
  for (const auto& n : notes) p.notes += (p.notes.empty() ? "" : "; ") + n;
  return p;
}

double inference_metric_value(const PreparedInferenceCase& p) { return evaluate(p, p.layout, p.replicas); }

Expected<InferencePrediction, std::string> predict_inference_case(const ValidationCase& c, const ValidationInputs& in,
                                                                  const StackEfficiency& stack) {
  auto p = prepare_inference_case(c, in, stack);
  if (!p) return Unexpected{p.error()};
  return InferencePrediction{inference_metric_value(*p), p->notes};
}

std::vector<ServingFitParameter> serving_fit_parameters(const std::vector<PreparedInferenceCase>& cases) {
  std::vector<ServingFitParameter> all{{"gemm", 0.3, 0.95},
                                       // No decode-attention kernel measured at a serving batch streams the KV
                                       // cache slower than 0.47 of HBM: the un-split torch SDPA at batch 64
                                       // on an H200 (xp-h200-attn-decode-*-b64-*, data/components/
                                       // h200-measured.yaml); split-KV serving kernels reach 0.85-0.90
                                       // (nv-h800-attn-mla-decode-membound-flashmla).
                                       {"attention_memory", 0.47, 0.95},
                                       // At most the per-kernel gap over streaming time of a CUDA-graph
                                       // decode step measured on an H200 (about 2.8 us: xp-h200 decode_step
                                       // against the GEMV stream rate, data/components/h200-measured.yaml).
                                       {"kernel_overhead", 0.0, 4e-6},
                                       {"collective_overhead", 0.0, 200e-6},
                                       {"step_overhead", 0.0, 10e-3}};
  std::vector<Precision> lows;
  for (const auto& p : cases) {
    const Precision q = p.ctx.compute;
    if ((q == Precision::fp8 || q == Precision::fp4 || q == Precision::int8) &&
        std::find(lows.begin(), lows.end(), q) == lows.end()) {
      lows.push_back(q);
    }
  }
  std::sort(lows.begin(), lows.end());
  for (Precision q : lows) all.push_back({"precision_factor." + std::string(to_string(q)), 0.3, 1.2});
  if (cases.empty()) return all;
  // How strongly the cases' predictions follow each parameter: the mean
  // elasticity |d log prediction / d log parameter| over the cases, from a
  // 10% step. A parameter the cases barely move cannot be fitted from them.
  const StackEfficiency base = *cases.front().ctx.stack;
  std::vector<std::pair<double, ServingFitParameter>> ranked;
  for (const auto& prm : all) {
    StackEfficiency s = base;
    double v = get_stack_parameter(s, prm.name);
    if (!(v > 0)) v = 0.1 * (prm.hi - prm.lo);
    const double step = 1.1;
    set_stack_parameter(s, prm.name, v * step);
    double sum = 0;
    int n = 0;
    for (const auto& p : cases) {
      PreparedInferenceCase q = p;
      const double before = inference_metric_value(q);
      q.ctx.stack = &s;
      const double after = inference_metric_value(q);
      if (before > 0 && after > 0) {
        sum += std::fabs(std::log(after / before)) / std::log(step);
        ++n;
      }
    }
    const double elasticity = n > 0 ? sum / n : 0.0;
    if (elasticity >= 0.05) ranked.emplace_back(elasticity, prm);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<ServingFitParameter> out;
  out.reserve(ranked.size());
  for (auto& [e, prm] : ranked) out.push_back(prm);
  return out;
}

}  // namespace xpu
