#include "perf/validate_inference.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace xpu {
namespace {

bool contains(const std::string& s, std::string_view what) { return s.find(what) != std::string::npos; }

// What one layout yields for the case: system throughput, or the latency metric.
double evaluate(const PreparedInferenceCase& p, const ServingLayout& l, int replicas) {
  const ValidationCase& c = *p.source;
  ServingEstimate e;
  if (c.scenario == "latency") {
    e = run_batch(p.ctx, l, std::max(1, p.batch));
  } else if (c.scenario == "server") {
    // The highest rate a replica sustains within the benchmark's p99 limits.
    auto best = serve_at_max_rate(p.ctx, l, p.slo, p.batch);
    if (!best) return 0;
    e = *best;
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

const MlperfInference* benchmark_of(const ValidationCase& c, const ServingCaseSettings& set,
                                    const ValidationInputs& in) {
  const MlperfInference* def = nullptr;
  for (const auto& d : in.mlperf_inference) {
    if (!set.benchmark.empty() ? d.benchmark == set.benchmark : d.model == c.model) def = &d;
  }
  return def;
}

}  // namespace

ServingCaseSettings serving_settings(const ValidationCase& c) {
  ServingCaseSettings s;
  // A typed column wins; files written before them say it in the notes.
  s.speculative = c.speculative.value_or(contains(c.notes, "speculative decoding"));
  s.ranks_are_cores = c.ranks_are_cores.value_or(contains(c.notes, "ranks are cores"));
  s.weight_only = c.weight_only.value_or(contains(c.notes, "weight-only"));
  s.benchmark = c.mlperf_benchmark;
  s.attn_dp = c.attn_dp;
  s.kv = c.kv_precision;
  s.spec_accept = c.spec_accept;
  return s;
}

std::optional<PreparedInferenceCase> prepare_inference_case(const ValidationCase& c, const ServingCaseSettings& set,
                                                            const ValidationInputs& in, const StackEfficiency& stack,
                                                            std::string& reason) {
  const Accelerator* acc = in.catalog->find_accelerator(c.accelerator);
  const ModelArch* model = in.find_model(c.model);
  if (!acc || !model) {
    reason = "unknown accelerator or model";
    return std::nullopt;
  }
  std::vector<std::string> notes;
  PreparedInferenceCase p;
  p.source = &c;
  ServingJob job;
  if (set.speculative) {
    // Verification of the drafted tokens is modelled; how many are accepted is
    // the measurement's own property, so it must be published.
    if (!set.spec_accept) {
      reason = "speculative decoding without a published acceptance length (spec_accept): its TPOT depends on it";
      return std::nullopt;
    }
    job.spec.accept = *set.spec_accept;
    // Without a stated draft length, the shortest one that can reach the acceptance.
    job.spec.tokens = set.spec_tokens.value_or(std::max(1, static_cast<int>(std::ceil(*set.spec_accept - 1e-9)) - 1));
    job.spec.accept = std::min(job.spec.accept, job.spec.tokens + 1.0);
    notes.push_back(fmt::format("speculative: {} draft token{} per step ({}), {:.2f} accepted", job.spec.tokens,
                                job.spec.tokens > 1 ? "s" : "",
                                set.spec_tokens ? "stated" : "fewest for the acceptance", job.spec.accept));
  }
  // Lengths: the case's, else the benchmark dataset's means and spread.
  const MlperfInference* def = benchmark_of(c, set, in);
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
    reason = "no input/output lengths and no benchmark definition for this model";
    return std::nullopt;
  }
  // Precision: weights in the case's format; an fp8/fp4 serving run keeps its
  // KV cache in fp8 where the chip has fp8 (TensorRT-LLM and vLLM MLPerf setups).
  job.weights = c.precision.value_or(Precision::bf16);
  if (!c.precision) notes.push_back("precision not stated: bf16 assumed");
  job.weight_only = set.weight_only;
  const bool low = job.weights == Precision::fp8 || job.weights == Precision::fp4;
  if (set.kv) {
    job.kv = *set.kv;
  } else {
    job.kv = low && acc->supports(Precision::fp8) && !job.weight_only ? Precision::fp8 : Precision::bf16;
    if (job.kv == Precision::fp8) notes.push_back("fp8 KV cache assumed");
  }

  const Fabric fabric = make_fabric(*acc, default_system(*in.catalog, acc->key), c.chips);
  p.ctx = prepare_inference(*model, fabric, stack, job);
  p.batch = c.batch.value_or(0);
  if (c.scenario == "server") {
    if (!def) {
      reason = "server scenario without a benchmark definition of its latency limits";
      return std::nullopt;
    }
    p.slo = {def->server_ttft, def->server_tpot};
  }
  // Layout: the case's degrees (Neuron and TPU sources may count cores), else
  // the serving layouts that fit on the case's chips.
  const int per_chip = set.ranks_are_cores && acc->cores_per_chip > 1 ? acc->cores_per_chip : 1;
  auto chips_of = [&](int ranks) { return ranks % per_chip == 0 ? ranks / per_chip : ranks; };
  std::vector<ServingLayout> candidates;
  if (c.tp) {
    const int tp = chips_of(*c.tp);
    const int dp = set.attn_dp.value_or(1);
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
    const int replicas = c.scenario == "latency" ? 1 : std::max(1, c.chips / l.chips());
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
  const ServingLayout& l = p.layout;
  notes.insert(notes.begin(), fmt::format("{} x {} replica{}", to_string(l), p.replicas, p.replicas > 1 ? "s" : ""));
  for (const auto& n : notes) p.notes += (p.notes.empty() ? "" : "; ") + n;
  return p;
}

std::optional<PreparedInferenceCase> prepare_inference_case(const ValidationCase& c, const ValidationInputs& in,
                                                            const StackEfficiency& stack, std::string& reason) {
  return prepare_inference_case(c, serving_settings(c), in, stack, reason);
}

double inference_metric_value(const PreparedInferenceCase& p) { return evaluate(p, p.layout, p.replicas); }

std::optional<double> predict_inference_case(const ValidationCase& c, const ValidationInputs& in, std::string& reason) {
  const Accelerator* acc = in.catalog->find_accelerator(c.accelerator);
  if (!acc) {
    reason = "unknown accelerator";
    return std::nullopt;
  }
  const StackEfficiency* stack = default_stack(in.catalog->stacks, acc->runtime, StackMode::infer);
  if (!stack) {
    reason = fmt::format("no inference stack for runtime {}", to_string(acc->runtime));
    return std::nullopt;
  }
  auto p = prepare_inference_case(c, in, *stack, reason);
  if (!p) return std::nullopt;
  reason = p->notes;
  return inference_metric_value(*p);
}

std::vector<ServingFitParameter> serving_fit_parameters(const std::vector<PreparedInferenceCase>& cases) {
  std::vector<ServingFitParameter> all{{"gemm", 0.3, 0.95},
                                       {"attention_memory", 0.3, 0.95},
                                       {"kernel_overhead", 0.0, 6e-6},
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
    double v = 0;
    if (auto sv = get_serving_parameter(s, prm.name)) {
      v = *sv;
    } else if (prm.name == "step_overhead") {
      v = s.step_overhead.si();
    } else if (prm.name == "gemm") {
      v = s.gemm;
    } else if (prm.name == "memory") {
      v = s.memory;
    } else if (prm.name == "attention") {
      v = s.attention;
    } else {
      v = s.precision_factor[static_cast<int>(*parse_precision(prm.name.substr(17)))];
    }
    if (!(v > 0)) v = 0.1 * (prm.hi - prm.lo);
    const double step = 1.1;
    if (!set_serving_parameter(s, prm.name, v * step)) {
      if (prm.name == "step_overhead") s.step_overhead = Seconds(v * step);
      if (prm.name == "gemm") s.gemm = v * step;
      if (prm.name == "memory") s.memory = v * step;
      if (prm.name == "attention") s.attention = v * step;
      if (prm.name.starts_with("precision_factor."))
        s.precision_factor[static_cast<int>(*parse_precision(prm.name.substr(17)))] = v * step;
    }
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
    if (elasticity >= 0.05) ranked.push_back({elasticity, prm});
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<ServingFitParameter> out;
  for (auto& [e, prm] : ranked) out.push_back(prm);
  return out;
}

bool set_serving_parameter(StackEfficiency& s, const std::string& name, double value) {
  if (name == "attention_memory") {
    s.attention_memory = value;
  } else if (name == "kernel_overhead") {
    s.kernel_overhead = Seconds(value);
  } else if (name == "collective_overhead") {
    s.collective_overhead = Seconds(value);
  } else {
    return false;
  }
  return true;
}

std::optional<double> get_serving_parameter(const StackEfficiency& s, const std::string& name) {
  if (name == "attention_memory") return s.attention_memory > 0 ? s.attention_memory : s.memory;
  if (name == "kernel_overhead") return s.kernel_overhead.si();
  if (name == "collective_overhead") return s.collective_overhead.si();
  return std::nullopt;
}

}  // namespace xpu
