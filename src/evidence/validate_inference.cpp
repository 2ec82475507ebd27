#include "evidence/validate_inference.h"

#include <fmt/format.h>

#include <algorithm>

#include "perf/sizing.h"

namespace xpu {
namespace {

// The statistic a latency value is (p50 unless the case says otherwise).
Statistic latency_statistic(const ValidationCase& c) { return c.statistic.value_or(Statistic::p50); }

// What one layout yields for the case: system throughput, or the latency metric.
double evaluate(const PreparedInferenceCase& p, const ServingLayout& l, int replicas) {
  const ValidationCase& c = *p.source;
  ServingEstimate e;
  if (c.scenario == ServingScenario::latency) {
    e = run_batch(p.ctx, l, std::max(1, p.batch));
  } else if (c.scenario == ServingScenario::server) {
    // The highest rate a replica sustains within the benchmark's p99 limits.
    ServingEstimate top = serve(p.ctx, l, std::nullopt, ServingSlo{}, p.batch);
    double lo = 0, hi = top.requests_per_s;
    e = top;
    e.output_tokens_per_s = 0;
    for (int it = 0; it < 30 && hi > 0; ++it) {
      const double mid = 0.5 * (lo + hi);
      ServingEstimate s = serve(p.ctx, l, mid, p.slo, p.batch);
      if (s.meets_slo) {
        lo = mid;
        e = s;
      } else {
        hi = mid;
      }
    }
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
  if (c.speculative) return "speculative decoding: its TPOT is not a plain decode step, which is what xpuplan models";
  if (c.attn_dp && *c.attn_dp > 1) {
    return fmt::format("attention data parallelism (attn_dp {}) is not modelled: a replica runs attention at tp",
                       *c.attn_dp);
  }
  if (c.statistic && !larger_is_better(c.metric)) {
    const Statistic s = *c.statistic;
    const bool ok = s == Statistic::p50 || (s == Statistic::p99 && c.metric != Metric::e2e_latency_s);
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
  // Lengths: the case's, else the benchmark dataset's means (the benchmark
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
  const Fabric& fabric = p.ctx.fabric;
  p.batch = c.batch.value_or(0);
  if (c.scenario == ServingScenario::server) {
    if (!def) return Unexpected{std::string("server scenario without a benchmark definition of its latency limits")};
    p.slo = {def->server_ttft, def->server_tpot};
  }
  // Layout: the case's tp (Neuron counts cores), else the best that divides the chips.
  std::vector<ServingLayout> candidates;
  if (c.tp) {
    int tp = *c.tp;
    if (c.rank_unit == RankUnit::core && acc->cores_per_chip > 1 && tp % acc->cores_per_chip == 0) {
      tp /= acc->cores_per_chip;
      notes.push_back(fmt::format("Neuron ranks counted in cores: tp {} chips", tp));
    }
    candidates.push_back({tp, c.pp.value_or(1), 1});
  } else {
    for (int tp = 1; tp <= c.chips; tp *= 2) {
      if (c.chips % tp != 0 || model->n_heads % tp != 0 || tp > fabric.domain) continue;
      candidates.push_back({tp, 1, 1});
      if (model->is_moe() && tp > 1) candidates.push_back({tp, 1, tp});
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
  if (!found) return Unexpected{std::string("the model does not fit on the case's chips at this precision")};
  notes.insert(notes.begin(), fmt::format("tp{}{} x {} replica{}", p.layout.tp,
                                          p.layout.ep > 1 ? fmt::format(" ep{}", p.layout.ep) : "", p.replicas,
                                          p.replicas > 1 ? "s" : ""));
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

}  // namespace xpu
