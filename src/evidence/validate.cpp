#include "evidence/validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include <cmath>
#include <utility>
#include "base/enum_names.h"

#include "base/parallel.h"
#include "evidence/validate_inference.h"
#include "perf/kernels.h"
#include "perf/search.h"
#include "perf/sizing.h"

namespace xpu {
namespace {

constexpr std::array<std::pair<Metric, std::string_view>, 8> kMetrics{{
    {Metric::train_tokens_per_s_per_chip, "train_tokens_per_s_per_chip"},
    {Metric::model_tflops_per_chip, "model_tflops_per_chip"},
    {Metric::mfu, "mfu"},
    {Metric::step_time_s, "step_time_s"},
    {Metric::time_to_train_min, "time_to_train_min"},
    {Metric::infer_output_tokens_per_s, "infer_output_tokens_per_s"},
    {Metric::tpot_ms, "tpot_ms"},
    {Metric::e2e_latency_s, "e2e_latency_s"},
}};
constexpr std::array<std::pair<FlopConvention, std::string_view>, 4> kConventions{{
    {FlopConvention::model, "model FLOPs (causal attention)"},
    {FlopConvention::noncausal, "model FLOPs (full s x s attention)"},
    {FlopConvention::palm, "PaLM 6N + 12 L H s"},
    {FlopConvention::hardware_recompute, "hardware FLOPs incl. recompute (Megatron 2021)"},
}};

bool contains(const std::string& s, std::string_view what) { return s.find(what) != std::string::npos; }

// "tokens_trained 25952256" from a LoRA case's notes.
std::optional<double> tokens_trained(const std::string& notes) {
  auto pos = notes.find("tokens_trained ");
  if (pos == std::string::npos) return std::nullopt;
  return std::strtod(notes.c_str() + pos + 15, nullptr);
}

double dbl(int v) { return static_cast<double>(v); }

}  // namespace

std::string_view to_string(Metric m) { return name_of(kMetrics, m); }
std::optional<Metric> parse_metric(std::string_view s) { return value_of(kMetrics, s); }
std::string_view to_string(FlopConvention c) { return name_of(kConventions, c); }

FlopConvention flop_convention(const ValidationCase& c) {
  if (contains(c.notes, "includes recompute FLOPs")) return FlopConvention::hardware_recompute;
  if (contains(c.notes, "PaLM formula")) return FlopConvention::palm;
  // MaxText's own count at a 2023-24 commit attended the full s x s (CASES.md).
  if (contains(c.notes, "MaxText FLOP formula of that commit")) return FlopConvention::noncausal;
  return FlopConvention::model;
}

double flops_per_token(const ModelArch& m, int seq_len, FlopConvention conv) {
  const ParamCount p = count_parameters(m);
  const double s = seq_len;
  double qk = m.head_dim, v = m.head_dim;
  if (m.attention == AttentionKind::mla) {
    qk = m.mla.qk_nope_head_dim + m.mla.qk_rope_head_dim;
    v = m.mla.v_head_dim;
  }
  // Forward attention FLOPs per token per layer for `keys` keys per query.
  auto attention = [&](double keys) { return 2.0 * m.n_heads * keys * (qk + v); };
  const double causal = causal_keys(s, 0);
  const double window = causal_keys(s, m.sliding_window);
  const double matmul = p.active - p.norms;  // weights a token touches, LM head included
  const double head = m.tied_embeddings ? p.embedding : p.unembedding;
  const double full_layers = m.layers - m.sliding_layers;
  switch (conv) {
    case FlopConvention::model:
      return 3.0 * (2.0 * matmul + full_layers * attention(causal) + m.sliding_layers * attention(window));
    case FlopConvention::noncausal:
      return 3.0 * (2.0 * matmul + m.layers * attention(s));
    case FlopConvention::palm:
      return 6.0 * p.total + 12.0 * m.layers * m.n_heads * m.head_dim * s;
    case FlopConvention::hardware_recompute: {
      // Narayanan et al. 2021, eq. 3: 96 B s l h^2 (1 + s/6h + V/16lh): the
      // layers' forward counted four times (forward, recompute, 2x backward)
      // with non-causal attention; the LM head three times.
      const double layer_fwd = 2.0 * (matmul - head) + m.layers * attention(s);
      return 4.0 * layer_fwd + 6.0 * head;
    }
  }
  return 0;
}

std::optional<PreparedCase> prepare_case(const ValidationCase& c, const ValidationInputs& in,
                                         const StackEfficiency& stack, std::string& reason) {
  const Accelerator* acc = in.catalog->find_accelerator(c.accelerator);
  const ModelArch* model = in.find_model(c.model);
  if (!acc || !model) {
    reason = "unknown accelerator or model";
    return std::nullopt;
  }
  if (!c.seq_len) {
    reason = "no sequence length";
    return std::nullopt;
  }
  std::vector<std::string> notes;
  TrainingJob job;
  job.seq_len = *c.seq_len;
  job.lora = c.mode == Mode::finetune_lora;
  if (c.precision) {
    job.precision = *c.precision;
  } else {
    job.precision = Precision::bf16;
    notes.push_back("precision not stated: bf16 assumed");
  }
  if (c.global_batch) {
    job.global_batch = *c.global_batch;
  } else {
    job.global_batch = default_global_batch(job.seq_len, c.chips);
    notes.push_back(fmt::format("global batch not recorded: {} sequences assumed", job.global_batch));
  }

  // A published batch that the published dp does not divide (OPT-175B: 1024
  // sequences on 124 replicas) is rounded to the nearest batch it does.
  if (c.dp && job.global_batch % *c.dp != 0) {
    const int per = std::max(1, static_cast<int>(std::lround(dbl(job.global_batch) / *c.dp)));
    notes.push_back(
        fmt::format("global batch {} is not a multiple of dp {}: {} used", job.global_batch, *c.dp, per * *c.dp));
    job.global_batch = per * *c.dp;
  }
  SearchOptions so;
  so.threads = ThreadBudget(1);
  so.top = 1;
  LayoutConstraints& f = so.fixed;
  f.tp = c.tp;
  f.pp = c.pp;
  f.dp = c.dp;
  f.cp = c.cp;
  f.ep = c.ep;
  f.vpp = c.vpp;
  f.micro_batch = c.micro_batch;
  f.recompute = c.recompute;
  f.sharding = c.sharding;
  f.sequence_parallel = c.sequence_parallel;
  // Neuron sources count ranks in NeuronCores (CASES.md): convert to chips.
  if (contains(c.notes, "ranks are cores") && acc->cores_per_chip > 1) {
    const int k = acc->cores_per_chip;
    if (f.tp && *f.tp % k == 0) {
      *f.tp /= k;
    } else if (f.dp && *f.dp % k == 0) {
      *f.dp /= k;
    }
    notes.push_back(fmt::format("Neuron ranks counted in cores: divided by {} per chip", k));
  }
  PreparedCase p;
  p.source = &c;
  LayoutAnswer answer = best_layout_at({model, acc, default_system(*in.catalog, acc->key), &stack, job}, c.chips, so);
  p.ctx = answer.ctx;
  const SearchResult& sr = answer.search;
  if (!sr.best.empty()) {
    p.layout = sr.best.front().layout;
  } else if (sr.closest) {
    p.layout = sr.closest->layout;
    notes.push_back(fmt::format("no layout fits in memory ({:.1f} GB missing); the closest was used",
                                sr.closest->estimate.missing().si() * 1e-9));
  } else {
    reason = fmt::format("no valid layout for the given degrees: {}", sr.invalid);
    return std::nullopt;
  }
  p.peak_bf16 = acc->peak_for(Precision::bf16).si();
  if (c.metric == Metric::model_tflops_per_chip || c.metric == Metric::mfu) {
    p.convention = flop_convention(c);
    p.flops_per_token = flops_per_token(*model, job.seq_len, p.convention);
    if (p.convention != FlopConvention::model)
      notes.push_back(fmt::format("FLOPs counted as {}", to_string(p.convention)));
  }
  // MLPerf wall time includes the benchmark's evaluations.
  if (contains(c.notes, "MLPerf Training")) {
    for (const MlperfEvaluation& ev : in.mlperf) {
      bool round = ev.rounds.empty();
      for (const auto& rnd : ev.rounds) round |= contains(c.notes, "MLPerf Training " + rnd + " ");
      if (ev.model != c.model || ev.mode != c.mode || !round) continue;
      if (auto tokens = tokens_trained(c.notes)) {
        p.eval_overhead = evaluation_overhead(ev, *tokens, job.global_batch, job.lora);
        notes.push_back(fmt::format("MLPerf {} evaluation adds {:.1f}%", ev.benchmark, p.eval_overhead * 100));
      }
      break;
    }
  }
  if (c.metric == Metric::time_to_train_min) {
    auto tokens = tokens_trained(c.notes);
    if (!tokens) {
      reason = "time_to_train_min needs 'tokens_trained' in the notes";
      return std::nullopt;
    }
    p.tokens_trained = *tokens;
  }
  switch (c.metric) {
    case Metric::train_tokens_per_s_per_chip:
    case Metric::step_time_s:
    case Metric::model_tflops_per_chip:
    case Metric::mfu:
    case Metric::time_to_train_min:
      break;
    default:
      reason = fmt::format("metric {} is not a training metric", to_string(c.metric));
      return std::nullopt;
  }
  for (const auto& n : notes) p.notes += (p.notes.empty() ? "" : "; ") + n;
  return p;
}

double evaluation_overhead(const MlperfEvaluation& e, double tokens_trained, int global_batch, bool lora) {
  if (e.interval_tokens <= 0 || tokens_trained <= 0) return 0;
  const int skipped = e.skip_evals + static_cast<int>(std::floor(e.skip_evals_per_global_batch * global_batch));
  const double first = e.first_eval_after_tokens > 0 ? e.first_eval_after_tokens : e.interval_tokens * (1 + skipped);
  const double evals = tokens_trained < first ? 0.0 : std::floor((tokens_trained - first) / e.interval_tokens) + 1.0;
  const double forward_share = lora ? 0.5 : 1.0 / 3.0;
  return evals * e.eval_tokens * forward_share / tokens_trained;
}

double metric_value(const PreparedCase& p, const TrainingEstimate& e) {
  // Throughput over the whole benchmark window, evaluations included.
  const double tps = e.tokens_per_s_per_chip / (1.0 + p.eval_overhead);
  switch (p.source->metric) {
    case Metric::train_tokens_per_s_per_chip:
      return tps;
    case Metric::step_time_s:
      return e.step_time.si();
    case Metric::model_tflops_per_chip:
      return p.flops_per_token * tps * 1e-12;
    case Metric::mfu:
      return p.flops_per_token * tps / p.peak_bf16;
    case Metric::time_to_train_min:
      return p.tokens_trained / (tps * p.source->chips) / 60.0;
    default:
      return 0;
  }
}

CaseResult predict_case(const ValidationCase& c, const ValidationInputs& in) {
  CaseResult r;
  r.id = c.id;
  r.mode = c.mode;
  r.accelerator = c.accelerator;
  r.metric = c.metric;
  r.measured = c.value;
  r.scenario = c.scenario;
  const Accelerator* acc = in.catalog->find_accelerator(c.accelerator);
  if (acc) r.vendor = std::string(to_string(acc->vendor));
  auto skip = [&](std::string why) {
    r.ok = false;
    r.reason = std::move(why);
    return r;
  };
  if (!c.invalid.empty()) return skip("row not read: " + c.invalid);
  if (c.accelerator.empty()) return skip("no accelerator given");
  if (!acc) return skip(fmt::format("accelerator '{}' is not in the catalog", c.accelerator));
  const ModelArch* model = in.find_model(c.model);
  if (!model) return skip(fmt::format("model '{}' is not in the data", c.model));
  if (model->estimate) return skip(fmt::format("model '{}' has estimated shapes", c.model));

  if (c.mode == Mode::infer) {
    const StackEfficiency* st = default_stack(in.catalog->stacks, acc->runtime, Mode::infer);
    if (st) r.stack = st->key;
    std::string reason;
    auto v = predict_inference_case(c, in, reason);
    r.reason = reason;
    if (!v) return skip(reason);
    r.predicted = *v;
    r.ok = true;
    r.error_pct = (r.predicted - r.measured) / r.measured * 100.0;
    return r;
  }
  const StackEfficiency* stack = default_stack(in.catalog->stacks, acc->runtime, Mode::train);
  if (!stack) return skip(fmt::format("no training stack for runtime {}", to_string(acc->runtime)));
  r.stack = stack->key;
  std::string reason;
  auto p = prepare_case(c, in, *stack, reason);
  if (!p) return skip(reason);
  r.layout = p->layout;
  r.predicted = metric_value(*p, estimate_training(p->ctx, p->layout));
  r.ok = true;
  r.error_pct = (r.predicted - r.measured) / r.measured * 100.0;
  r.reason = p->notes;
  return r;
}

std::vector<CaseResult> predict_cases(const std::vector<ValidationCase>& cases, const ValidationInputs& in) {
  std::vector<CaseResult> out(cases.size());
  parallel_for(
      cases.size(), [&](size_t i) { out[i] = predict_case(cases[i], in); }, in.threads);
  return out;
}

ErrorStats error_stats(const std::vector<CaseResult>& results, const std::function<bool(const CaseResult&)>& pick) {
  std::vector<double> abs, signed_;
  for (const auto& r : results) {
    if (!r.ok || !pick(r)) continue;
    abs.push_back(std::fabs(r.error_pct));
    signed_.push_back(r.error_pct);
  }
  ErrorStats s;
  s.count = static_cast<int>(abs.size());
  if (abs.empty()) return s;
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  };
  s.median_abs = median(abs);
  s.median_signed = median(signed_);
  double sum = 0;
  for (double a : abs) sum += a;
  s.mean_abs = sum / dbl(s.count);
  return s;
}

}  // namespace xpu
