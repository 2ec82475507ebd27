#include "evidence/validate_inference.h"

#include <fmt/format.h>

#include <algorithm>

#include "perf/sizing.h"

namespace xpu {
namespace {

bool contains(const std::string& s, std::string_view what) { return s.find(what) != std::string::npos; }

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
  switch (c.metric) {
    case Metric::infer_output_tokens_per_s:
      return e.output_tokens_per_s * replicas;
    case Metric::tpot_ms:
      return e.tpot_p50.si() * 1e3;
    case Metric::e2e_latency_s:
      return e.e2e_p50.si();
    default:
      return 0;
  }
}

// Larger is better for throughput, smaller for latency.
bool better(Metric m, double a, double b) { return m == Metric::infer_output_tokens_per_s ? a > b : a < b; }

}  // namespace

std::optional<PreparedInferenceCase> prepare_inference_case(const ValidationCase& c, const ValidationInputs& in,
                                                            const StackEfficiency& stack, std::string& reason) {
  const Accelerator* acc = in.catalog->find_accelerator(c.accelerator);
  const ModelArch* model = in.find_model(c.model);
  if (!acc || !model) {
    reason = "unknown accelerator or model";
    return std::nullopt;
  }
  if (contains(c.notes, "speculative decoding")) {
    reason = "speculative decoding: its TPOT is not a plain decode step, which is what xpuplan models";
    return std::nullopt;
  }
  std::vector<std::string> notes;
  PreparedInferenceCase p;
  p.source = &c;
  ServingJob job;
  // Lengths: the case's, else the benchmark dataset's means.
  const MlperfInference* def = nullptr;
  for (const auto& d : in.mlperf_inference) {
    if (d.model == c.model) def = &d;
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
    reason = "no input/output lengths and no benchmark definition for this model";
    return std::nullopt;
  }
  // Precision: weights in the case's format; an fp8/fp4 serving run keeps its
  // KV cache in fp8 where the chip has fp8 (TensorRT-LLM and vLLM MLPerf setups).
  job.weights = c.precision.value_or(Precision::bf16);
  if (!c.precision) notes.push_back("precision not stated: bf16 assumed");
  job.weight_only = contains(c.notes, "weight-only");
  const bool low = job.weights == Precision::fp8 || job.weights == Precision::fp4;
  job.kv = low && acc->supports(Precision::fp8) && !job.weight_only ? Precision::fp8 : Precision::bf16;
  if (job.kv == Precision::fp8) notes.push_back("fp8 KV cache assumed");

  p.ctx = serving_context({model, acc, default_system(*in.catalog, acc->key), &stack, job}, c.chips);
  const Fabric& fabric = p.ctx.fabric;
  p.batch = c.batch.value_or(0);
  if (c.scenario == ServingScenario::server) {
    if (!def) {
      reason = "server scenario without a benchmark definition of its latency limits";
      return std::nullopt;
    }
    p.slo = {def->server_ttft, def->server_tpot};
  }
  // Layout: the case's tp (Neuron counts cores), else the best that divides the chips.
  std::vector<ServingLayout> candidates;
  if (c.tp) {
    int tp = *c.tp;
    if (contains(c.notes, "ranks are cores") && acc->cores_per_chip > 1 && tp % acc->cores_per_chip == 0) {
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
    if (!found || better(c.metric, v, best_value)) {
      best_value = v;
      p.layout = l;
      p.replicas = replicas;
      found = true;
    }
  }
  if (!found) {
    reason = "the model does not fit on the case's chips at this precision";
    return std::nullopt;
  }
  notes.insert(notes.begin(), fmt::format("tp{}{} x {} replica{}", p.layout.tp,
                                          p.layout.ep > 1 ? fmt::format(" ep{}", p.layout.ep) : "", p.replicas,
                                          p.replicas > 1 ? "s" : ""));
  for (const auto& n : notes) p.notes += (p.notes.empty() ? "" : "; ") + n;
  return p;
}

double inference_metric_value(const PreparedInferenceCase& p) { return evaluate(p, p.layout, p.replicas); }

std::optional<double> predict_inference_case(const ValidationCase& c, const ValidationInputs& in, std::string& reason) {
  const Accelerator* acc = in.catalog->find_accelerator(c.accelerator);
  if (!acc) {
    reason = "unknown accelerator";
    return std::nullopt;
  }
  const StackEfficiency* stack = default_stack(in.catalog->stacks, acc->runtime, Mode::infer);
  if (!stack) {
    reason = fmt::format("no inference stack for runtime {}", to_string(acc->runtime));
    return std::nullopt;
  }
  auto p = prepare_inference_case(c, in, *stack, reason);
  if (!p) return std::nullopt;
  reason = p->notes;
  return inference_metric_value(*p);
}

}  // namespace xpu
