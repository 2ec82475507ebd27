#include "perf/inference.h"

#include "perf/kernels.h"

#include <algorithm>
#include <cmath>

namespace xpu {
namespace {

double dbl(int v) { return static_cast<double>(v); }

ServingShapes shapes_of(const ModelArch& m) {
  ServingShapes s;
  s.attn_params = attention_params_per_layer(m);
  s.dense_mlp = m.ffn_hidden > 0 ? mlp_params(m, m.ffn_hidden) : 0.0;
  if (m.is_moe()) {
    s.expert = mlp_params(m, m.moe.expert_ffn);
    const int fs = m.moe.shared_ffn > 0 ? m.moe.shared_ffn : m.moe.expert_ffn;
    s.shared = m.moe.shared_experts * mlp_params(m, fs);
    s.router = dbl(m.d_model) * m.moe.experts;
  }
  s.head = dbl(m.vocab) * m.d_model;
  s.moe_layers = m.moe_layer_count();
  s.dense_layers = m.layers - s.moe_layers;
  if (m.attention == AttentionKind::mla) {
    s.qk = m.mla.qk_nope_head_dim + m.mla.qk_rope_head_dim;
    s.v = m.mla.v_head_dim;
  } else {
    s.qk = s.v = m.head_dim;
  }
  return s;
}

// KV bytes one sequence of `context` tokens holds, whole model, before sharding.
double kv_bytes(const InferenceContext& c, double context) {
  const ModelArch& m = *c.model;
  const double full = m.layers - m.sliding_layers;
  const double window = m.sliding_window > 0 ? std::min(context, dbl(m.sliding_window)) : context;
  return kv_elements_per_token_per_layer(m) * bytes_per_element(c.job.kv) *
         (full * context + m.sliding_layers * window);
}

// Chips the KV cache is split over inside a replica: heads across tp (never
// more ways than there are KV heads; MLA's latent is one head), layers across pp.
double kv_split(const InferenceContext& c, const ServingLayout& l) {
  const ModelArch& m = *c.model;
  const double heads = m.attention == AttentionKind::mla ? 1.0 : dbl(m.n_kv_heads);
  return std::min(dbl(l.tp), heads) * l.pp;
}

// One engine iteration: `decode` sequences producing a token each (their
// context averaging `context`) plus `prefill` prompt tokens of prompts
// `prompt_len` long, on one replica. Times are for the whole model.
// With `one_batch`, the tokens form one micro-batch that visits the pipeline
// stages in turn (a lone prompt's prefill): latency, not throughput.
StepTime mixed_step(const InferenceContext& c, const ServingLayout& l, double decode, double context, double prefill,
                    double prompt_len, bool one_batch = false) {
  const ModelArch& m = *c.model;
  const ServingShapes& s = c.shapes;
  // Chips working on these tokens at once: all of them when pp micro-batches
  // fill the pipeline, one stage's tp chips when a single batch walks through it.
  const double chips = one_batch ? l.tp : l.chips();
  const double tokens = decode + prefill;
  const double d = m.d_model;
  StepTime st;
  if (tokens <= 0) return st;
  const ByteRate bw = c.fabric.hbm_bandwidth * c.stack->memory;
  const double wb = c.weight_bytes;

  // Weights this step reads: every dense weight; of the routed experts, the
  // ones some token is sent to (expected distinct experts of k * tokens draws).
  double weights =
      (s.attn_params * m.layers + s.dense_mlp * s.dense_layers + (s.shared + s.router) * s.moe_layers + s.head) * wb;
  double touched = 0;
  if (m.is_moe()) {
    const double e = m.moe.experts;
    touched = e * (1.0 - std::pow(1.0 - 1.0 / e, tokens * m.moe.active));
    weights += s.moe_layers * touched * s.expert * wb;
  }
  // Matmul FLOPs: every token through the weights it uses.
  double active =
      s.attn_params * m.layers + s.dense_mlp * s.dense_layers + (s.shared + s.router) * s.moe_layers + s.head;
  if (m.is_moe()) active += s.moe_layers * m.moe.active * s.expert;
  const FlopCount gemm_flops(2.0 * tokens * active);
  // GEMM efficiency at this token count (expert GEMMs see fewer rows).
  const double rows_expert = m.is_moe() ? tokens * m.moe.active / std::max(1.0, touched) : tokens;
  const double eff_dense = gemm_efficiency(*c.stack, c.compute, tokens, d / l.tp, d);
  const double eff =
      m.is_moe()
          ? std::min(eff_dense, gemm_efficiency(*c.stack, c.compute, rows_expert, m.moe.expert_ffn / dbl(l.tp), d))
          : eff_dense;
  const Seconds gemm_compute = gemm_flops / (c.peak * (eff * chips));
  // A pipeline runs pp micro-batches through each stage per iteration, and each
  // reads the stage's weights again: per chip, weights / tp per iteration.
  const Seconds weight_read = Bytes(weights * (one_batch ? 1.0 : l.pp)) / (bw * chips);

  // Attention: decode reads each sequence's KV cache; prefill attends causally.
  const double full = m.layers - m.sliding_layers;
  auto attn_flops_per_token = [&](double keys_full, double keys_window) {
    return 2.0 * m.n_heads * (s.qk + s.v) * (full * keys_full + m.sliding_layers * keys_window);
  };
  const double w = m.sliding_window;
  const double decode_keys_window = w > 0 ? std::min(context, w) : context;
  const FlopCount attn_flops(decode * attn_flops_per_token(context, decode_keys_window) +
                             prefill * attn_flops_per_token(causal_keys(prompt_len, 0), causal_keys(prompt_len, w)));
  const Seconds attn_compute = attn_flops / (c.fabric.peak_for(Precision::bf16) * (c.stack->attention * chips));
  // KV traffic: decode reads the cache (split over kv_split chips, replicated
  // over the rest of the tensor group); prefill and decode write new entries.
  const double kv_read = decode * kv_bytes(c, context) * (l.chips() / kv_split(c, l));
  const double kv_write = tokens * kv_bytes(c, 1.0) * (l.chips() / kv_split(c, l));
  const Seconds kv_time = Bytes(kv_read + kv_write) / (bw * chips);
  // Activations: norms, residuals and the MLP activation per token.
  const double act = tokens * m.layers * (10.0 * d + 3.0 * std::max(dbl(m.ffn_hidden), 1.0 * m.moe.expert_ffn)) * 2.0;
  const Seconds act_time = Bytes(act) / (bw * chips);

  st.compute = gemm_compute + attn_compute;
  st.memory = weight_read + kv_time + act_time;
  const Seconds core = std::max(gemm_compute, weight_read) + std::max(attn_compute, kv_time) + act_time;

  // Communication: two tensor-parallel all-reduces of the tokens' hidden
  // states per layer (small messages in decode: latency-bound), expert
  // dispatch/combine, pipeline hand-offs.
  Seconds comm(0);
  if (l.tp > 1) {
    const Placement p = place_group(c.fabric, l.tp, 1);
    comm += collective_time(c.fabric, p, Collective::all_reduce, Bytes(tokens * d * 2.0), c.links) *
            (2.0 * m.layers / l.pp);
  }
  if (l.ep > 1 && m.is_moe()) {
    const Placement p = place_group(c.fabric, l.ep, 1);
    comm +=
        collective_time(c.fabric, p, Collective::all_to_all, Bytes(tokens * m.moe.active * d * 2.0 / l.ep), c.links) *
        (2.0 * s.moe_layers / l.pp);
  }
  if (l.pp > 1) comm += send_recv_time(c.fabric, l.tp, Bytes(tokens * d * 2.0), c.links) * dbl(l.pp - 1);
  st.communication = comm;
  // A pipeline's stages work on different micro-batches at once: the
  // per-chip work is the same, the token still visits every stage.
  st.time = core + comm + c.stack->step_overhead;
  if (comm > std::max(st.compute, st.memory)) {
    st.bound = Bound::communication;
  } else {
    st.bound = st.compute > st.memory ? Bound::compute : Bound::memory;
  }
  return st;
}

}  // namespace

std::string_view to_string(Bound b) {
  switch (b) {
    case Bound::compute:
      return "compute";
    case Bound::memory:
      return "memory";
    case Bound::communication:
      return "communication";
  }
  return "?";
}

InferenceContext prepare_inference(const ModelArch& model, const Fabric& fabric, const StackEfficiency& stack,
                                   const ServingJob& job) {
  InferenceContext c;
  c.model = &model;
  c.stack = &stack;
  c.fabric = fabric;
  c.job = job;
  c.compute = job.weight_only ? Precision::bf16 : effective_precision(fabric, job.weights);
  c.peak = fabric.peak_for(c.compute);
  c.links = LinkEfficiency{stack.scale_up, stack.scale_out};
  c.params = count_parameters(model);
  // Block-scaled fp4 (NVFP4/MXFP4) stores one 8-bit scale per 16 or 32 values.
  c.weight_bytes = job.weights == Precision::fp4 ? 0.5 + 1.0 / 16.0 : bytes_per_element(job.weights);
  c.kv_bytes_per_token = kv_elements_per_token_per_layer(model) * bytes_per_element(job.kv) * model.layers;
  c.shapes = shapes_of(model);
  return c;
}

ServingMemory serving_memory(const InferenceContext& c, const ServingLayout& l) {
  ServingMemory mem;
  const double chips = l.chips();
  mem.weights = Bytes(c.params.total * c.weight_bytes / chips);
  mem.reserve = c.stack->reserve;
  // Workspace for one step's activations at the prefill budget.
  const ModelArch& m = *c.model;
  const double width = 4.0 * m.d_model + 3.0 * std::max(dbl(m.ffn_hidden), 1.0 * m.moe.expert_ffn) / l.tp;
  mem.activations = Bytes(c.stack->prefill_chunk * width * 2.0 + c.stack->prefill_chunk * dbl(m.vocab) / l.tp * 4.0);
  const Bytes usable = c.fabric.hbm_capacity * c.stack->memory_utilization;
  const Bytes left = usable - mem.weights - mem.activations - mem.reserve;
  mem.kv_capacity = left.si() > 0 ? left : Bytes(0);
  // Paged KV: each sequence takes whole 16-token blocks.
  const double len = std::ceil((c.job.input_len + c.job.output_len) / 16.0) * 16.0;
  const double per_seq_chip = kv_bytes(c, len) / kv_split(c, l);
  mem.max_sequences = per_seq_chip > 0 ? static_cast<int>(mem.kv_capacity.si() / per_seq_chip) : 0;
  return mem;
}

StepTime decode_step(const InferenceContext& c, const ServingLayout& l, double batch, double context) {
  return mixed_step(c, l, batch, context, 0, 0);
}

StepTime prefill(const InferenceContext& c, const ServingLayout& l, double tokens, double prompt_len) {
  return mixed_step(c, l, 0, 0, tokens, prompt_len, /*one_batch=*/true);
}

namespace {

// Steady-state iteration with `batch` sequences decoding: each iteration also
// prefills the prompts of the requests that replace the ones finishing.
Seconds steady_step(const InferenceContext& c, const ServingLayout& l, double batch) {
  const ServingJob& j = c.job;
  const double context = j.input_len + j.output_len / 2.0;
  const double prefill_tokens = batch / j.output_len * j.input_len;
  return mixed_step(c, l, batch, context, prefill_tokens, j.input_len).time;
}

}  // namespace

ServingEstimate serve(const InferenceContext& c, const ServingLayout& l, std::optional<double> rate,
                      const ServingSlo& slo, int batch_cap) {
  ServingEstimate e;
  e.layout = l;
  e.memory = serving_memory(c, l);
  const ServingJob& j = c.job;
  if (e.memory.max_sequences < 1) {
    e.meets_slo = false;
    e.binding = "memory";
    return e;
  }
  const double cap = batch_cap > 0 ? std::min(batch_cap, e.memory.max_sequences) : e.memory.max_sequences;
  double batch = cap;
  if (rate) {
    // Little's law: B = rate * output_len * step(B). f(B) - B is increasing in
    // rate; solve by bisection on [0, cap].
    auto f = [&](double b) { return *rate * j.output_len * steady_step(c, l, b).si() - b; };
    if (f(cap) > 0) {
      batch = cap;
      e.meets_slo = false;
      e.binding = "throughput";
    } else {
      double lo = 0, hi = cap;
      for (int it = 0; it < 30; ++it) {
        const double mid = 0.5 * (lo + hi);
        (f(mid) > 0 ? lo : hi) = mid;
      }
      batch = std::max(hi, 1e-9);
    }
  }
  const Seconds step = steady_step(c, l, batch);
  e.batch = static_cast<int>(std::ceil(batch - 1e-9));
  e.tpot_p50 = step;
  // TPOT is per request (MLPerf and serving benchmarks: (e2e - TTFT) / (out - 1)),
  // so a request's TPOT averages the steps it lives through. Slow requests are
  // those whose lifetime saw more prompts to prefill: over O steps arrivals
  // are Poisson with mean n*O, 99th percentile about n*O + 2.33 sqrt(n*O).
  const double n = batch / j.output_len;
  const double per_step_p99 = n + 2.33 * std::sqrt(n / j.output_len);
  e.tpot_p99 = std::max(
      step, mixed_step(c, l, batch, j.input_len + j.output_len / 2.0, per_step_p99 * j.input_len, j.input_len).time);
  // TTFT: wait for the iteration in flight, then the prompt's chunks.
  const double chunks = std::ceil(j.input_len / c.stack->prefill_chunk);
  const Seconds chunk_step = mixed_step(c, l, batch, j.input_len + j.output_len / 2.0,
                                        std::min(j.input_len, dbl(c.stack->prefill_chunk)), j.input_len)
                                 .time;
  e.ttft_p50 = step * 0.5 + chunk_step * chunks;
  const double max_rate = cap / (j.output_len * steady_step(c, l, cap).si());
  const double rho = rate ? std::min(0.99, *rate / max_rate) : 0.99;
  // Queueing tail of the arrival wait (exponential, as in M/M/1): ln(100) rho/(1-rho) steps.
  e.ttft_p99 = e.ttft_p50 + step * (std::log(100.0) * rho / (1.0 - rho));
  if (!rate) e.ttft_p99 = e.ttft_p50 + chunk_step * (batch / j.output_len);  // offline: prompts queue in bulk
  e.e2e_p50 = e.ttft_p50 + step * std::max(0.0, j.output_len - 1.0);
  e.output_tokens_per_s = batch / step.si();
  e.requests_per_s = e.output_tokens_per_s / j.output_len;
  e.output_tokens_per_s_per_chip = e.output_tokens_per_s / l.chips();
  e.prefill_bound = prefill(c, l, std::min(j.input_len, dbl(c.stack->prefill_chunk)), j.input_len).bound;
  e.decode_bound = decode_step(c, l, batch, j.input_len + j.output_len / 2.0).bound;
  if (e.meets_slo) {
    if (slo.tpot.si() > 0 && e.tpot_p99 > slo.tpot) {
      e.meets_slo = false;
      e.binding = "tpot";
    } else if (slo.ttft.si() > 0 && e.ttft_p99 > slo.ttft) {
      e.meets_slo = false;
      e.binding = "ttft";
    }
  }
  return e;
}

ServingEstimate run_batch(const InferenceContext& c, const ServingLayout& l, int batch) {
  ServingEstimate e;
  e.layout = l;
  e.memory = serving_memory(c, l);
  const ServingJob& j = c.job;
  e.batch = batch;
  if (e.memory.max_sequences < batch) {
    e.meets_slo = false;
    e.binding = "memory";
  }
  // All prompts first (in chunks of the prefill budget), then the decode steps.
  const double prompt_tokens = batch * j.input_len;
  const double chunks = std::max(1.0, std::ceil(prompt_tokens / std::max(dbl(c.stack->prefill_chunk), j.input_len)));
  const StepTime pf = prefill(c, l, prompt_tokens / chunks, j.input_len);
  e.ttft_p50 = e.ttft_p99 = pf.time * chunks;
  e.prefill_bound = pf.bound;
  const StepTime dec = decode_step(c, l, batch, j.input_len + j.output_len / 2.0);
  e.tpot_p50 = e.tpot_p99 = dec.time;
  e.decode_bound = dec.bound;
  e.e2e_p50 = e.ttft_p50 + dec.time * std::max(0.0, j.output_len - 1.0);
  e.output_tokens_per_s = batch * j.output_len / e.e2e_p50.si();
  e.requests_per_s = batch / e.e2e_p50.si();
  e.output_tokens_per_s_per_chip = e.output_tokens_per_s / l.chips();
  return e;
}

namespace {

// The highest request rate one replica sustains within the SLOs (bisection).
std::optional<ServingEstimate> at_max_rate(const InferenceContext& c, const ServingLayout& l, const ServingSlo& slo,
                                           int cap) {
  ServingEstimate top = serve(c, l, std::nullopt, slo, cap);
  if (top.memory.max_sequences < 1) return std::nullopt;
  double hi = top.requests_per_s;
  double lo = 0;
  std::optional<ServingEstimate> best;
  for (int it = 0; it < 25; ++it) {
    const double mid = 0.5 * (lo + hi);
    ServingEstimate e = serve(c, l, mid, slo, cap);
    if (e.meets_slo) {
      lo = mid;
      best = e;
    } else {
      hi = mid;
    }
  }
  return best;
}

}  // namespace

ServingSearch search_serving(const InferenceContext& c, double rate, const ServingSlo& slo) {
  ServingSearch out;
  const ModelArch& m = *c.model;
  const int domain = std::max(1, c.fabric.domain);
  const bool switched =
      c.fabric.topology == TopologyKind::switched || c.fabric.topology == TopologyKind::fully_connected;
  std::vector<ServingLayout> layouts;
  // Tensor parallelism inside one domain; pipeline stages only where the
  // widest tensor-parallel group cannot hold the weights.
  int widest = 1;
  for (int tp = 1; tp <= std::min(domain, 64); tp *= 2) {
    if (m.n_heads % tp != 0 || (switched && domain % tp != 0)) continue;
    widest = tp;
    layouts.push_back({tp, 1, 1});
    if (m.is_moe() && tp > 1 && m.moe.experts % tp == 0) layouts.push_back({tp, 1, tp});
  }
  // A ring or torus domain that is not a power of two (inf2.48xlarge: 12
  // chips) is used whole, as Neuron does with tp 24 cores: query heads are
  // padded to a multiple of tp and KV heads replicated (kv_split), which the
  // per-chip shares below approximate without the padding.
  if (!switched && domain <= 32 && (domain & (domain - 1)) != 0 && domain > widest) {
    widest = domain;
    layouts.push_back({domain, 1, 1});
  }
  if (serving_memory(c, {widest, 1, 1}).max_sequences < 1) {
    for (int pp = 2; pp <= 16 && pp <= m.layers; pp *= 2) {
      layouts.push_back({widest, pp, 1});
      if (m.is_moe() && m.moe.experts % (widest * pp) == 0) layouts.push_back({widest, pp, widest * pp});
    }
  }
  const int caps[] = {0, 512, 256, 128, 64, 32, 16, 8, 4, 2, 1};
  std::optional<ServingEstimate> nearest;
  for (const ServingLayout& l : layouts) {
    for (int cap : caps) {
      ServingEstimate e = serve(c, l, std::nullopt, ServingSlo{}, cap);
      ++out.evaluated;
      if (e.memory.max_sequences < 1) break;
      if (cap > 0 && cap > e.memory.max_sequences) continue;
      // Pareto: keep layouts/caps not dominated in (tokens/s/chip up, TPOT down).
      bool dominated = false;
      for (const auto& p : out.pareto) {
        if (p.output_tokens_per_s_per_chip >= e.output_tokens_per_s_per_chip && p.tpot_p50 <= e.tpot_p50) {
          dominated = true;
          break;
        }
      }
      if (!dominated) {
        std::erase_if(out.pareto, [&](const ServingEstimate& p) {
          return e.output_tokens_per_s_per_chip >= p.output_tokens_per_s_per_chip && e.tpot_p50 <= p.tpot_p50;
        });
        out.pareto.push_back(e);
      }
      // Fewest chips for the rate within the SLOs.
      auto r = at_max_rate(c, l, slo, cap);
      out.evaluated += 25;
      if (!r) {
        ServingEstimate loose = serve(c, l, std::nullopt, slo, cap);
        if (!nearest || loose.tpot_p99 < nearest->tpot_p99) nearest = loose;
        continue;
      }
      const int replicas = std::max(1, static_cast<int>(std::ceil(rate / r->requests_per_s - 1e-9)));
      ServingEstimate at = serve(c, l, rate / replicas, slo, cap);
      const int chips = replicas * l.chips();
      const int best_chips = out.best ? out.replicas * out.best->layout.chips() : 0;
      if (!out.best || chips < best_chips || (chips == best_chips && at.tpot_p50 < out.best->tpot_p50)) {
        out.best = at;
        out.replicas = replicas;
      }
    }
  }
  std::sort(out.pareto.begin(), out.pareto.end(), [](const ServingEstimate& a, const ServingEstimate& b) {
    return a.output_tokens_per_s_per_chip > b.output_tokens_per_s_per_chip;
  });
  if (!out.best) out.closest = nearest;
  return out;
}

}  // namespace xpu
