#include "perf/training.h"

#include "perf/kernels.h"

#include <algorithm>
#include <cmath>

namespace xpu {
namespace {

double dbl(int v) { return static_cast<double>(v); }

// Roofline time of one GEMM: compute at the achievable fraction of peak, or
// operand traffic at the achievable fraction of HBM bandwidth, whichever is longer.
Seconds gemm_time(const TrainingContext& c, double m, double n, double k, double count = 1.0) {
  if (m <= 0 || n <= 0 || k <= 0) return Seconds(0);
  const FlopCount f(2.0 * m * n * k * count);
  const double elem = bytes_per_element(c.precision);
  const Bytes traffic((m * k + k * n) * elem * count + m * n * 2.0 * count);
  const Seconds compute = f / (c.peak * gemm_efficiency(*c.stack, c.precision, m, n, k));
  const Seconds memory = traffic / (c.fabric.hbm_bandwidth * c.stack->memory);
  return std::max(compute, memory);
}

Seconds memory_time(const TrainingContext& c, double bytes) {
  return Bytes(bytes) / (c.fabric.hbm_bandwidth * c.stack->memory);
}

// Forward costs of one layer on one chip for one micro-batch.
struct LayerForward {
  Seconds gemm;        // projections and MLP/experts
  Seconds attention;   // scores and values
  Seconds memory;      // norms, activation functions, residuals, rotary, casts
  Seconds tp, cp, ep;  // raw (unhidden) forward communication
};

LayerForward layer_forward(const TrainingContext& c, const Layout& l, bool moe, bool sliding) {
  const ModelArch& m = *c.model;
  const double tp = dbl(l.tp);
  const double s_local = dbl(c.job.seq_len) / dbl(l.cp);
  const double T = dbl(l.micro_batch) * s_local;  // tokens through this chip's GEMMs
  const double d = dbl(m.d_model);
  LayerForward f;

  // Attention projections (column-parallel in, row-parallel out).
  if (m.attention == AttentionKind::mla) {
    const MlaDims& a = m.mla;
    const double heads = dbl(m.n_heads) / tp;
    if (a.q_lora_rank > 0) {
      f.gemm += gemm_time(c, T, a.q_lora_rank, d);
      f.gemm += gemm_time(c, T, heads * (a.qk_nope_head_dim + a.qk_rope_head_dim), a.q_lora_rank);
    } else {
      f.gemm += gemm_time(c, T, heads * (a.qk_nope_head_dim + a.qk_rope_head_dim), d);
    }
    f.gemm += gemm_time(c, T, a.kv_lora_rank + a.qk_rope_head_dim, d);
    f.gemm += gemm_time(c, T, heads * (a.qk_nope_head_dim + a.v_head_dim), a.kv_lora_rank);
    f.gemm += gemm_time(c, T, d, heads * a.v_head_dim);
  } else {
    const double kv_heads_local = std::max(1.0, dbl(m.n_kv_heads) / tp);
    f.gemm += gemm_time(c, T, (dbl(m.n_heads) / tp + 2.0 * kv_heads_local) * m.head_dim, d);
    f.gemm += gemm_time(c, T, d, dbl(m.n_heads) / tp * m.head_dim);
  }

  // Attention core (fused): QK^T and AV over the keys each query sees.
  const double keys = sliding ? c.keys_sliding : c.keys_full;
  const FlopCount attn_flops(2.0 * T * (dbl(m.n_heads) / tp) * keys * (c.qk_dim + c.v_dim));
  f.attention = attn_flops / (c.peak_bf16 * c.stack->attention);

  // MLP or experts.
  const double ffn_mats = m.mlp == MlpKind::gated ? 3.0 : 2.0;
  double act_width = 0;  // hidden activation elements per token, for memory-bound ops
  if (!moe) {
    const double fl = dbl(m.ffn_hidden) / tp;
    f.gemm += gemm_time(c, T, fl * (ffn_mats - 1.0), d);
    f.gemm += gemm_time(c, T, d, fl);
    act_width = fl * (ffn_mats - 1.0);
  } else {
    const MoeDims& e = m.moe;
    f.gemm += gemm_time(c, T, e.experts, d);  // router (replicated)
    // Each local expert sees tokens * top-k * ep / experts rows (balanced routing).
    const double local_experts = dbl(e.experts) / dbl(l.ep);
    const double rows = T * e.active / local_experts;
    const double fe = dbl(e.expert_ffn) / tp;
    f.gemm += gemm_time(c, rows, fe * (ffn_mats - 1.0), d, local_experts);
    f.gemm += gemm_time(c, rows, d, fe, local_experts);
    act_width = e.active * fe * (ffn_mats - 1.0);
    if (e.shared_experts > 0) {
      const double fs = dbl(e.shared_ffn > 0 ? e.shared_ffn : e.expert_ffn) * e.shared_experts / tp;
      f.gemm += gemm_time(c, T, fs * (ffn_mats - 1.0), d);
      f.gemm += gemm_time(c, T, d, fs);
      act_width += fs * (ffn_mats - 1.0);
    }
    // Dispatch and combine: each token's hidden state goes to top-k experts and back.
    if (l.ep > 1) {
      const Placement p = place_group(c.fabric, l.ep, l.tp);
      const Bytes msg(T * e.active * d * 2.0);
      f.ep = 2.0 * collective_time(c.fabric, p, Collective::all_to_all, msg, c.links);
    }
  }

  // Memory-bound work per token: two norms and two residual adds over d
  // (sharded by tp under sequence parallelism), the activation function,
  // rotary on q and k, and fp8/fp4 casts of every GEMM input.
  const double sp_div = l.sequence_parallel ? tp : 1.0;
  double bytes_per_token = (2.0 * 2.0 * d + 2.0 * 3.0 * d) * 2.0 / sp_div;  // norms r+w, residual 2r+w, bf16
  bytes_per_token += act_width * 1.5 * 2.0;                                 // read gate+up, write product
  bytes_per_token += 2.0 * (c.q_width + c.kv_width) / tp * 2.0;             // rotary read+write
  if (c.precision == Precision::fp8 || c.precision == Precision::fp4 || c.precision == Precision::int8) {
    bytes_per_token += 3.0 * (3.0 * d + act_width / (ffn_mats - 1.0));  // read bf16, write 8-bit, per GEMM input
  }
  f.memory = memory_time(c, T * bytes_per_token);

  // Tensor parallelism: two all-reduces (or reduce-scatter + all-gather pairs
  // under sequence parallelism; the same volume) of the layer's activations.
  if (l.tp > 1) {
    const Placement p = place_group(c.fabric, l.tp, 1);
    const Bytes act(T * d * 2.0);
    f.tp = 2.0 * collective_time(c.fabric, p, Collective::all_reduce, act, c.links);
  }
  // Context parallelism: ring exchange of K and V blocks, cp-1 steps; a ring
  // is as fast as its slowest hop, the scale-out one if it leaves the domain.
  if (l.cp > 1) {
    const Bytes kv_block(T * c.kv_width / std::max(1.0, std::min(tp, dbl(m.n_kv_heads))) * 2.0);
    const Placement p = place_group(c.fabric, l.cp, l.tp);
    f.cp = collective_time(c.fabric, p, Collective::send_recv, kv_block, c.links) * dbl(l.cp - 1);
  }
  return f;
}

// Time of one micro-batch through one layer, forward + backward, with
// recompute and the exposed part of its communication.
struct LayerTotals {
  Seconds gemm, attention, memory, recompute, overhead, tp, cp, ep;
  Seconds compute() const { return gemm + attention + memory + recompute + overhead; }
  Seconds total() const { return compute() + tp + cp + ep; }
};

LayerTotals layer_totals(const TrainingContext& c, const Layout& l, bool moe, bool sliding) {
  const LayerForward f = layer_forward(c, l, moe, sliding);
  const StackEfficiency& s = *c.stack;
  LayerTotals t;
  // Backward: weight GEMMs twice (data and weight gradients; LoRA freezes the
  // weights, so only the data gradient), fused attention 2.5x (it recomputes
  // the scores: FlashAttention-2, Dao 2023), memory-bound work about twice.
  const double bwd_gemm = c.job.lora ? 1.0 : 2.0;
  t.gemm = f.gemm * (1.0 + bwd_gemm);
  t.attention = f.attention * 3.5;
  t.memory = f.memory * 3.0;
  if (l.recompute == Recompute::full) {
    t.recompute = f.gemm + f.attention + f.memory + f.tp * (1.0 - s.overlap_tp);
  } else if (l.recompute == Recompute::selective) {
    // Norms, activation functions and the attention core (Megatron-Core
    // recompute modules); a fused attention kernel recomputes its core anyway.
    t.recompute = (s.flash_attention ? Seconds(0) : f.attention) + f.memory * 0.6;
  }
  t.overhead = s.layer_overhead;
  t.tp = f.tp * 2.0 * (1.0 - s.overlap_tp);
  // The KV ring runs beside the attention kernels it feeds.
  const Seconds cp_raw = f.cp * 2.0;
  t.cp = std::max(Seconds(0), cp_raw - (f.attention * 3.5) * s.overlap_cp);
  t.ep = f.ep * 2.0 * (1.0 - s.overlap_ep);
  return t;
}

Seconds lm_head_time(const TrainingContext& c, const Layout& l) {
  const double T = dbl(l.micro_batch) * dbl(c.job.seq_len) / dbl(l.cp);
  const double v_local = dbl(c.model->vocab) / dbl(l.tp);
  // Logits GEMM forward + backward, then softmax/cross-entropy over fp32 logits.
  const double bwd = c.job.lora ? 1.0 : 2.0;
  return gemm_time(c, T, v_local, c.model->d_model) * (1.0 + bwd) + memory_time(c, T * v_local * 4.0 * 3.0);
}

}  // namespace

TrainingContext prepare_training(const ModelArch& model, const Fabric& fabric, const StackEfficiency& stack,
                                 const TrainingJob& job) {
  TrainingContext c;
  c.model = &model;
  c.stack = &stack;
  c.fabric = fabric;
  c.job = job;
  c.precision = effective_precision(fabric, job.precision);
  c.peak = fabric.peak_for(c.precision);
  c.peak_bf16 = fabric.peak_for(Precision::bf16);
  c.links = LinkEfficiency{stack.scale_up, stack.scale_out};
  c.params = count_parameters(model);
  c.layers = model.layers;
  c.moe_layers = model.moe_layer_count();
  c.sliding_layers = model.sliding_layers;
  const double s = dbl(job.seq_len);
  c.keys_full = causal_keys(s, 0);
  c.keys_sliding = causal_keys(s, model.sliding_window);
  if (model.attention == AttentionKind::mla) {
    c.qk_dim = model.mla.qk_nope_head_dim + model.mla.qk_rope_head_dim;
    c.v_dim = model.mla.v_head_dim;
    c.q_width = dbl(model.n_heads) * c.qk_dim;
    c.kv_width = dbl(model.n_heads) * (c.qk_dim + c.v_dim);  // K and V after up-projection
  } else {
    c.qk_dim = model.head_dim;
    c.v_dim = model.head_dim;
    c.q_width = dbl(model.n_heads) * model.head_dim;
    c.kv_width = 2.0 * model.n_kv_heads * model.head_dim;
  }
  // Model FLOPs per token: 3x the forward matmuls (weights the token touches,
  // LM head included, embedding lookup not) plus causal attention; the
  // convention of Megatron-Bridge/NeMo and current MaxText.
  const double matmul_params = c.params.active - c.params.norms;
  double attn = 0;
  for (int i = 0; i < model.layers; ++i) {
    const bool sliding = i < model.sliding_layers;  // order does not matter for a sum
    attn += 2.0 * model.n_heads * (sliding ? c.keys_sliding : c.keys_full) * (c.qk_dim + c.v_dim);
  }
  c.model_flops_per_token = FlopCount(3.0 * (2.0 * matmul_params + attn));
  return c;
}

std::string_view check_layout(const TrainingContext& c, const Layout& l) {
  const ModelArch& m = *c.model;
  if (l.tp < 1 || l.pp < 1 || l.dp < 1 || l.cp < 1 || l.ep < 1 || l.vpp < 1 || l.micro_batch < 1) {
    return "every parallel degree and the micro-batch must be at least 1";
  }
  if (m.n_heads % l.tp != 0) return "tp must divide the attention heads";
  if (l.pp > m.layers) return "pp exceeds the layer count";
  // Uneven splits are allowed (frameworks give the first/last stages fewer
  // layers), but every virtual stage needs at least one layer.
  if (l.vpp > 1 && (l.pp == 1 || m.layers < l.pp * l.vpp)) {
    return "interleaving needs pp > 1 and at least pp * vpp layers";
  }
  if (c.job.seq_len % l.cp != 0) return "cp must divide the sequence length";
  if (c.job.global_batch % (l.dp * l.micro_batch) != 0) return "dp * micro_batch must divide the global batch";
  if (l.ep > 1) {
    if (!m.is_moe()) return "ep > 1 needs a mixture-of-experts model";
    if (m.moe.experts % l.ep != 0) return "ep must divide the expert count";
    if ((l.dp * l.cp) % l.ep != 0) return "ep must divide dp * cp";
  }
  if (l.sequence_parallel && l.tp == 1) return "sequence parallelism needs tp > 1";
  if (shards_weights(l.sharding) && l.pp > 1) return "zero3/fsdp is not combined with pipeline parallelism";
  return {};
}

TrainingEstimate estimate_training(const TrainingContext& c, const Layout& l) {
  TrainingEstimate e;
  e.capacity = c.fabric.hbm_capacity;
  e.invalid = check_layout(c, l);
  if (!e.invalid.empty()) return e;
  e.valid = true;
  const ModelArch& m = *c.model;
  const StackEfficiency& s = *c.stack;
  const int micro = c.job.global_batch / (l.dp * l.micro_batch);
  e.micro_batches = micro;

  // One micro-batch through the average layer, then through one pipeline stage.
  const int dense_layers = c.layers - c.moe_layers;
  LayerTotals avg;
  auto add = [&avg](const LayerTotals& t, double w) {
    avg.gemm += t.gemm * w;
    avg.attention += t.attention * w;
    avg.memory += t.memory * w;
    avg.recompute += t.recompute * w;
    avg.overhead += t.overhead * w;
    avg.tp += t.tp * w;
    avg.cp += t.cp * w;
    avg.ep += t.ep * w;
  };
  const double L = dbl(c.layers);
  const double sliding_share = dbl(c.sliding_layers) / L;
  for (int moe = 0; moe < 2; ++moe) {
    const double n = dbl(moe ? c.moe_layers : dense_layers) / L;
    if (n <= 0) continue;
    if (sliding_share < 1.0) add(layer_totals(c, l, moe, false), n * (1.0 - sliding_share));
    if (sliding_share > 0.0) add(layer_totals(c, l, moe, true), n * sliding_share);
  }
  // Layers split evenly over stages; the last stage also runs the LM head.
  const double layers_per_stage = L / dbl(l.pp);
  const Seconds head = lm_head_time(c, l);
  const Seconds stage_compute = avg.compute() * layers_per_stage + head;
  const Seconds stage_comm = (avg.tp + avg.cp + avg.ep) * layers_per_stage;
  // Pipeline sends: each rank sends activations forward and gradients back
  // once per virtual stage per micro-batch.
  Seconds p2p(0);
  if (l.pp > 1) {
    const double T = dbl(l.micro_batch) * c.job.seq_len / l.cp;
    const Bytes act(T * m.d_model * 2.0 / (l.sequence_parallel ? l.tp : 1));
    p2p = send_recv_time(c.fabric, l.tp * l.cp * l.dp, act, c.links) * (2.0 * l.vpp) * (1.0 - s.overlap_pp);
  }
  const Seconds per_micro = stage_compute + stage_comm + p2p;
  const double bubble_slots = dbl(l.pp - 1) / dbl(l.vpp);
  const Seconds pipeline = per_micro * (dbl(micro) + bubble_slots);

  // Parameters held by one chip: its stage's share of the layers (and of the
  // embedding or LM head), split by tp, experts further split by ep.
  const double embed = c.params.embedding + c.params.positions;
  const double head_params = c.params.unembedding;
  const double edge_params = l.pp > 1 ? std::max(embed, head_params) : embed + head_params;
  const double expert_params_total = c.params.routed_experts;
  const double dense_params_stage =
      ((c.params.attention + c.params.dense_mlp + c.params.shared_experts + c.params.router + c.params.norms) /
           dbl(l.pp) +
       edge_params) /
      dbl(l.tp);
  const double expert_params_stage = expert_params_total / dbl(l.pp) / dbl(l.tp) / dbl(l.ep);
  const double params_chip = dense_params_stage + expert_params_stage;
  const int expert_dp = std::max(1, l.dp * l.cp / l.ep);  // replicas of each expert shard
  const int dense_dp = l.dp * l.cp;

  // Data-parallel gradient sync, hidden behind the last micro-batch's backward.
  Seconds dp_time(0);
  const Seconds bwd_window = (stage_compute - avg.recompute * layers_per_stage) * (2.0 / 3.0);
  const double grad_bytes = c.job.lora ? 0.0 : s.grad_bytes;
  const double weight_bytes = s.weight_bytes;
  if (!c.job.lora && dense_dp > 1) {
    const Placement pd = place_group(c.fabric, dense_dp, l.tp);
    const Placement pe = place_group(c.fabric, expert_dp, l.tp * l.ep);
    auto sync = [&](const Placement& p, double n_params) {
      const Bytes g(n_params * grad_bytes);
      const Bytes w(n_params * weight_bytes);
      if (l.sharding == Sharding::none) return collective_time(c.fabric, p, Collective::all_reduce, g, c.links);
      // Sharded optimizer: reduce-scatter gradients, all-gather updated weights.
      return collective_time(c.fabric, p, Collective::reduce_scatter, g, c.links) +
             collective_time(c.fabric, p, Collective::all_gather, w, c.links);
    };
    if (shards_weights(l.sharding)) {
      // FSDP/ZeRO-3: gather weights for forward and again for backward in every
      // micro-batch, reduce-scatter gradients; prefetching hides most of it.
      const Placement& p = pd;
      const double n = params_chip;
      const Seconds ag = collective_time(c.fabric, p, Collective::all_gather, Bytes(n * weight_bytes), c.links);
      const Seconds rs = collective_time(c.fabric, p, Collective::reduce_scatter, Bytes(n * grad_bytes), c.links);
      const Seconds fwd_window = stage_compute / 3.0;
      const Seconds per = std::max(Seconds(0), ag - fwd_window * s.overlap_fsdp) +
                          std::max(Seconds(0), ag + rs - bwd_window * s.overlap_fsdp);
      dp_time = per * dbl(micro);
    } else {
      const Seconds raw =
          sync(pd, dense_params_stage) + (expert_params_stage > 0 ? sync(pe, expert_params_stage) : Seconds(0));
      dp_time = std::max(Seconds(0), raw - bwd_window * s.overlap_dp);
    }
  }

  // Optimizer step (mixed-precision Adam): read weights, fp32 master, grads and
  // two moments, write them back: ~30 bytes per parameter it owns.
  double owned = params_chip;
  if (l.sharding != Sharding::none) owned = dense_params_stage / dense_dp + expert_params_stage / expert_dp;
  const Seconds optimizer = c.job.lora ? Seconds(0) : memory_time(c, owned * 30.0);

  e.step_time = pipeline + dp_time + optimizer + s.step_overhead;
  const double mb_scale = dbl(micro);
  e.time.gemm = (avg.gemm * layers_per_stage + head) * mb_scale;
  e.time.attention = avg.attention * layers_per_stage * mb_scale;
  e.time.memory_bound = avg.memory * layers_per_stage * mb_scale;
  e.time.recompute = avg.recompute * layers_per_stage * mb_scale;
  e.time.overhead = avg.overhead * layers_per_stage * mb_scale;
  e.time.tp_comm = avg.tp * layers_per_stage * mb_scale;
  e.time.cp_comm = avg.cp * layers_per_stage * mb_scale;
  e.time.ep_comm = avg.ep * layers_per_stage * mb_scale;
  e.time.pp_comm = p2p * mb_scale;
  e.time.bubble = per_micro * bubble_slots;
  e.time.dp_comm = dp_time;
  e.time.optimizer = optimizer;
  e.time.step_overhead = s.step_overhead;

  // Memory per chip.
  TrainingMemory& mem = e.memory;
  const double w_div = shards_weights(l.sharding) ? dense_dp : 1.0;
  const double w_div_e = shards_weights(l.sharding) ? expert_dp : 1.0;
  mem.weights = Bytes((dense_params_stage / w_div + expert_params_stage / w_div_e) * weight_bytes);
  if (!c.job.lora) {
    const bool shard_grads = l.sharding == Sharding::zero2 || shards_weights(l.sharding);
    mem.gradients = Bytes(
        (dense_params_stage / (shard_grads ? dense_dp : 1) + expert_params_stage / (shard_grads ? expert_dp : 1)) *
        grad_bytes);
    const bool shard_opt = l.sharding != Sharding::none;
    mem.optimizer =
        Bytes((dense_params_stage / (shard_opt ? dense_dp : 1) + expert_params_stage / (shard_opt ? expert_dp : 1)) *
              s.optimizer_bytes);
  }
  // Activations: the first stage holds min(pp, micro) micro-batches in flight
  // (1F1B), interleaving adds (pp-1)/(pp*vpp) (Korthikanti et al. 2022, Sec. 4.2.3).
  const int s_local = c.job.seq_len / l.cp;
  const double dense_share = dbl(dense_layers) / L;
  const Bytes per_layer =
      activation_bytes_per_layer(m, s_local, l.micro_batch, l.tp, l.sequence_parallel, rematerialize_for(l.recompute),
                                 s.flash_attention, false, false) *
          dense_share +
      (c.moe_layers > 0 ? activation_bytes_per_layer(m, s_local, l.micro_batch, l.tp, l.sequence_parallel,
                                                     rematerialize_for(l.recompute), s.flash_attention, false, true) *
                              (1.0 - dense_share)
                        : Bytes(0));
  double in_flight = dbl(std::min(l.pp, micro));
  if (l.vpp > 1) in_flight *= 1.0 + dbl(l.pp - 1) / dbl(l.pp * l.vpp);
  // The last stage also holds the fp32 logits of one micro-batch.
  const Bytes logits(dbl(l.micro_batch) * s_local * dbl(m.vocab) / l.tp * 4.0);
  mem.activations = per_layer * (layers_per_stage * in_flight) + (l.pp == 1 ? logits : Bytes(0));
  mem.reserve = s.reserve;
  e.fits = mem.total() <= e.capacity;

  // Throughput.
  e.tokens_per_step = dbl(c.job.global_batch) * c.job.seq_len;
  const double chips = dbl(l.chips());
  e.tokens_per_s_per_chip = e.tokens_per_step / e.step_time.si() / chips;
  e.model_flops_per_chip = FlopRate(c.model_flops_per_token.si() * e.tokens_per_s_per_chip);
  e.mfu = e.model_flops_per_chip / c.peak;
  e.mfu_bf16 = e.model_flops_per_chip / c.peak_bf16;
  return e;
}

Rematerialize rematerialize_for(Recompute r) {
  switch (r) {
    case Recompute::none:
      return Rematerialize::none;
    case Recompute::selective:
      return Rematerialize::attention_core_and_elementwise;
    case Recompute::full:
      return Rematerialize::full;
  }
  return Rematerialize::none;
}

Bytes activation_bytes_per_layer(const ModelArch& m, int seq_local, int micro_batch, int tp, bool sp,
                                 Rematerialize remat, bool flash, bool dropout, bool moe_layer) {
  const double x = dbl(seq_local) * micro_batch;  // tokens
  const double d = m.d_model;
  const double t = tp;
  const double sp_div = sp ? t : 1.0;
  if (remat == Rematerialize::full) return Bytes(2.0 * x * d / sp_div);  // the layer input only
  double q_width = dbl(m.n_heads) * m.head_dim;
  double kv_width = 2.0 * m.n_kv_heads * m.head_dim;
  if (m.attention == AttentionKind::mla) {
    q_width = dbl(m.n_heads) * (m.mla.qk_nope_head_dim + m.mla.qk_rope_head_dim);
    kv_width = dbl(m.n_heads) * (m.mla.qk_nope_head_dim + m.mla.qk_rope_head_dim + m.mla.v_head_dim);
  }
  const double o_width = m.attention == AttentionKind::mla ? dbl(m.n_heads) * m.mla.v_head_dim : q_width;
  // Selective recompute (norms, activation functions, attention core) keeps
  // only the two residual-stream inputs and the matmul inputs that are not
  // cheap to rebuild; without it the norm outputs and the activation function's
  // output are stored too.
  const bool sel = remat == Rematerialize::attention_core_and_elementwise;
  // Replicated across tp (unless sequence parallel): two norm inputs, the QKV and
  // MLP inputs (norm outputs), and the two dropout masks.
  double replicated = (sel ? 2.0 * 2.0 : (2.0 * 2.0 + 2.0 + 2.0)) * x * d + (dropout ? 2.0 * x * d : 0.0);
  // Split across tp: Q, K, V, the attention output, and the MLP hidden activations.
  double split = 2.0 * x * (q_width + kv_width) + 2.0 * x * o_width;
  const bool gated = m.mlp == MlpKind::gated;
  // Hidden activations per MLP width: gated keeps gate and up (and the product
  // unless recomputed); plain keeps the activation input (and output).
  const double per_width = gated ? (sel ? 2.0 : 3.0) : (sel ? 1.0 : 2.0);
  if (!moe_layer) {
    split += 2.0 * x * m.ffn_hidden * per_width;
  } else {
    const double fs = m.moe.shared_experts * dbl(m.moe.shared_ffn > 0 ? m.moe.shared_ffn : m.moe.expert_ffn);
    split += 2.0 * x * m.moe.active * d * 2.0;  // permuted tokens in and out of the experts
    split += 2.0 * x * (m.moe.active * m.moe.expert_ffn + fs) * per_width;
  }
  // Attention core: the paper's softmax, its dropout mask and the dropped-out
  // probabilities (5 a s^2 b bytes), unless recomputed or never stored (flash).
  double core = 0;
  if (!flash && remat == Rematerialize::none) {
    core = (dropout ? 5.0 : 2.0) * m.n_heads * dbl(seq_local) * seq_local * micro_batch;
  } else if (flash) {
    core = 4.0 * x * m.n_heads;  // fp32 log-sum-exp per query and head
  }
  return Bytes(replicated / sp_div + (split + core) / t);
}

}  // namespace xpu
