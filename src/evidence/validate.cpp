#include "evidence/validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include <cmath>
#include <utility>

#include "base/parallel.h"
#include "base/suggest.h"
#include "evidence/validate_inference.h"
#include "perf/kernels.h"
#include "perf/search.h"
#include "perf/sizing.h"

namespace xpu {
namespace {

double dbl(int v) { return static_cast<double>(v); }

}  // namespace

Expected<const StackEfficiency*, std::string> case_stack(const ValidationCase& c, const Catalog& catalog) {
  const Accelerator* acc = catalog.find_accelerator(c.accelerator);
  if (!acc) return Unexpected{fmt::format("accelerator '{}' is not in the catalog", c.accelerator)};
  if (c.framework) {
    if (const StackEfficiency* s = framework_stack(catalog.stacks, *c.framework, acc->runtime, c.mode)) return s;
  }
  if (const StackEfficiency* s = default_stack(catalog.stacks, acc->runtime, stack_mode(c.mode))) return s;
  return Unexpected{fmt::format("no {} stack for runtime {}", is_training(c.mode) ? "training" : "inference",
                                to_string(acc->runtime))};
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

namespace {

// The MLPerf Training evaluation schedule that applies to case `c`: by its
// benchmark when named, else by model and mode; its round among the schedule's.
const MlperfEvaluation* mlperf_schedule(const ValidationCase& c, const ValidationInputs& in) {
  const auto [suite, version] = mlperf_suite_and_version(c.mlperf_round);
  if (suite != "training") return nullptr;
  for (const MlperfEvaluation& ev : in.mlperf) {
    const bool which =
        c.mlperf_benchmark.empty() ? ev.model == c.model && ev.mode == c.mode : ev.benchmark == c.mlperf_benchmark;
    const bool round = ev.rounds.empty() || std::find(ev.rounds.begin(), ev.rounds.end(), version) != ev.rounds.end();
    if (which && round) return &ev;
  }
  return nullptr;
}

}  // namespace

Expected<PreparedCase, std::string> prepare_case(const ValidationCase& c, const ValidationInputs& in,
                                                 const StackEfficiency& stack) {
  const Accelerator* acc = in.catalog->find_accelerator(c.accelerator);
  const ModelArch* model = in.find_model(c.model);
  if (!acc || !model) return Unexpected{std::string("unknown accelerator or model")};
  if (!c.seq_len) return Unexpected{std::string("no sequence length")};
  switch (c.metric) {
    case Metric::train_tokens_per_s_per_chip:
    case Metric::step_time_s:
    case Metric::model_tflops_per_chip:
    case Metric::mfu:
    case Metric::time_to_train_min:
      break;
    default:
      return Unexpected{fmt::format("metric {} is not a training metric", to_string(c.metric))};
  }
  if (c.metric == Metric::time_to_train_min && !c.tokens_trained) {
    return Unexpected{std::string("time_to_train_min needs the tokens trained per run (column tokens_trained)")};
  }
  std::vector<std::string> notes;
  TrainingJob job;
  job.seq_len = *c.seq_len;
  job.lora = c.mode == Mode::finetune_lora;
  if (c.grad_reduce) job.grad_bytes = bytes_per_element(*c.grad_reduce);
  if (c.capacity_factor) job.capacity_factor = *c.capacity_factor;
  job.einsum_dispatch = c.moe_dispatch == MoeDispatch::einsum;
  if (c.attention_block) job.attention_block = *c.attention_block;
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
  // Neuron and TPU7x sources count ranks in cores (CASES.md): convert to chips.
  // Folded along tp, a chip's cores share one micro-batch. Folded along dp, a
  // chip runs its k cores' per-device batches at once in its whole HBM (each
  // TPU7x TensorCore is a JAX device with half the chip's HBM: Cloud TPU docs,
  // TPU7x, https://docs.cloud.google.com/tpu/docs/tpu7x, retrieved 2026-11-26),
  // so the chip's micro-batch is k per-device batches and the source's
  // micro-batch count is kept.
  if (c.rank_unit == RankUnit::core && acc->cores_per_chip > 1) {
    const int k = acc->cores_per_chip;
    if (f.tp && *f.tp % k == 0) {
      *f.tp /= k;
    } else if (f.dp && *f.dp % k == 0) {
      *f.dp /= k;
      if (f.micro_batch) *f.micro_batch *= k;
    }
    notes.push_back(fmt::format("ranks counted in cores: divided by {} per chip", k));
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
    return Unexpected{fmt::format("no valid layout for the given degrees: {}", sr.invalid)};
  }
  p.peak_bf16 = acc->peak_for(Precision::bf16).si();
  if (c.metric == Metric::model_tflops_per_chip || c.metric == Metric::mfu) {
    p.convention = c.flop_convention.value_or(FlopConvention::model);
    p.flops_per_token = flops_per_token(*model, job.seq_len, p.convention);
    if (p.convention != FlopConvention::model)
      notes.push_back(fmt::format("FLOPs counted as {}", describe(p.convention)));
  }
  // MLPerf wall time includes the benchmark's evaluations.
  if (const MlperfEvaluation* ev = mlperf_schedule(c, in); ev && c.tokens_trained) {
    p.eval_overhead = evaluation_overhead(*ev, *c.tokens_trained, job.global_batch, job.lora);
    notes.push_back(fmt::format("MLPerf {} evaluation adds {:.1f}%", ev->benchmark, p.eval_overhead * 100));
  }
  if (c.metric == Metric::time_to_train_min) p.tokens_trained = *c.tokens_trained;
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

CaseResult case_result_head(const ValidationCase& c, const ValidationInputs& in) {
  CaseResult r;
  r.id = c.id;
  r.mode = c.mode;
  r.accelerator = c.accelerator;
  r.metric = c.metric;
  r.measured = c.value;
  r.scenario = c.scenario;
  if (const Accelerator* acc = in.catalog->find_accelerator(c.accelerator)) {
    r.vendor = std::string(to_string(acc->vendor));
    r.family = acc->family.empty() ? r.vendor : acc->family;
  }
  if (in.find_model) {
    if (const ModelArch* m = in.find_model(c.model)) r.architecture = m->is_moe() ? "moe" : "dense";
  }
  return r;
}

CaseResult predict_case(const ValidationCase& c, const ValidationInputs& in) {
  CaseResult r = case_result_head(c, in);
  const Accelerator* acc = in.catalog->find_accelerator(c.accelerator);
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
  if (!c.mlperf_benchmark.empty()) {
    std::vector<std::string> known;
    if (is_training(c.mode)) {
      for (const auto& ev : in.mlperf) known.push_back(ev.benchmark);
    } else {
      for (const auto& d : in.mlperf_inference) known.push_back(d.benchmark);
    }
    if (std::find(known.begin(), known.end(), c.mlperf_benchmark) == known.end()) {
      return skip(
          fmt::format("unknown MLPerf benchmark '{}'{}", c.mlperf_benchmark, did_you_mean(c.mlperf_benchmark, known)));
    }
  }
  const auto stack = case_stack(c, *in.catalog);
  if (!stack) return skip(stack.error());
  r.stack = (*stack)->key;
  std::string stack_note;
  if (c.framework && !framework_stack(in.catalog->stacks, *c.framework, acc->runtime, c.mode)) {
    stack_note = fmt::format("no {} stack in the data: {} stands in", to_string(*c.framework), r.stack);
  }
  auto with_note = [&](std::string notes) {
    if (stack_note.empty()) return notes;
    return notes.empty() ? stack_note : notes + "; " + stack_note;
  };
  if (c.mode == Mode::infer) {
    auto v = predict_inference_case(c, in, **stack);
    if (!v) return skip(v.error());
    r.predicted = v->value;
    r.reason = with_note(v->notes);
  } else {
    auto p = prepare_case(c, in, **stack);
    if (!p) return skip(p.error());
    r.layout = p->layout;
    r.predicted = metric_value(*p, estimate_training(p->ctx, p->layout));
    r.reason = with_note(p->notes);
  }
  r.ok = true;
  r.error_pct = (r.predicted - r.measured) / r.measured * 100.0;
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
