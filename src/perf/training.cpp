#include "perf/training.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <tuple>
#include <vector>

#include "base/check.h"
#include "perf/components.h"
#include "perf/kernels.h"

namespace xpu {
namespace {

double dbl(int v) { return static_cast<double>(v); }

// The stack's multiplier on the chip's GEMM rate at the job's precision.
double gemm_software(const TrainingContext& c) {
  return c.stack->gemm * c.stack->precision_factor[static_cast<int>(c.precision)];
}

// One GEMM's forward time at the job's precision, with the stack's multipliers.
Seconds gemm(const TrainingContext& c, double m, double n, double k, double count = 1.0) {
  return gemm_time(c.fabric, c.precision, m, n, k, count, gemm_software(c), c.stack->memory);
}

Seconds stream(const TrainingContext& c, double bytes, double kernels = 1.0) {
  return stream_time(c.fabric, Bytes(bytes), c.stack->memory, kernels);
}

// Forward and backward costs of one layer on one chip for one micro-batch.
struct LayerCost {
  Seconds gemm_fwd, gemm_bwd;  // projections and MLP/experts (backward: data and weight gradients)
  Seconds memory;              // norms, activation functions, residuals, rotary, casts, MoE permutation (fwd)
  Seconds tp, ep;              // raw forward communication
};

// Routed experts on this chip: a grouped GEMM per projection. Each of the
// `local` experts sees T k ep / E rows when routing is balanced; the busiest
// expert-parallel rank sees `imbalance` times that (the mean over its experts
// of a per-expert excess, so sqrt(local) averaging), and a capacity factor
// pads every expert to its capacity.
struct ExpertRows {
  double local = 1, rows = 0;
};
ExpertRows expert_rows(const TrainingContext& c, const Layout& l, double T) {
  const MoeDims& e = c.model->moe;
  ExpertRows r;
  r.local = dbl(e.experts) / dbl(l.ep);
  const double balanced = T * e.active * dbl(l.ep) / dbl(e.experts);
  const StackEfficiency& s = *c.stack;
  const double capacity = c.job.capacity_factor > 0 ? c.job.capacity_factor : s.capacity_factor;
  if (capacity > 0) {
    r.rows = balanced * capacity;
  } else if (l.ep > 1) {
    r.rows = balanced * (1.0 + (s.expert_imbalance - 1.0) / std::sqrt(r.local));
  } else {
    r.rows = balanced;
  }
  return r;
}

GroupedTiling grouped_tiling(const TrainingContext& c) {
  const StackEfficiency& s = *c.stack;
  return {s.grouped_tile[0], s.grouped_tile[1], s.grouped_tile[2], s.grouped_ragged};
}

Seconds experts_fwd(const TrainingContext& c, const ExpertRows& r, double n, double k) {
  return grouped_gemm_time(c.fabric, c.precision, r.local, r.rows, n, k, gemm_software(c), c.stack->memory,
                           grouped_tiling(c));
}
// Backward of a grouped GEMM: the data gradient has the forward's shape with
// n and k swapped; the weight gradient contracts over the expert's rows, which
// is short for small experts (the k-loop's fixed part dominates).
Seconds experts_bwd(const TrainingContext& c, const ExpertRows& r, double n, double k) {
  const GroupedTiling t = grouped_tiling(c);
  return grouped_gemm_time(c.fabric, c.precision, r.local, r.rows, k, n, gemm_software(c), c.stack->memory, t) +
         grouped_gemm_time(c.fabric, c.precision, r.local, k, n, r.rows, gemm_software(c), c.stack->memory, t);
}

LayerCost layer_cost(const TrainingContext& c, const Layout& l, bool moe) {
  const ModelArch& m = *c.model;
  const double tp = dbl(l.tp);
  const double s_local = dbl(c.job.seq_len) / dbl(l.cp);
  const double T = dbl(l.micro_batch) * s_local;  // tokens through this chip's GEMMs
  const double d = dbl(m.d_model);
  LayerCost f;
  Seconds dense;  // dense GEMMs' forward; their backward is two GEMMs of the same size

  // Attention projections (column-parallel in, row-parallel out).
  if (m.attention == AttentionKind::mla) {
    const MlaDims& a = m.mla;
    const double heads = dbl(m.n_heads) / tp;
    if (a.q_lora_rank > 0) {
      dense += gemm(c, T, a.q_lora_rank, d);
      dense += gemm(c, T, heads * (a.qk_nope_head_dim + a.qk_rope_head_dim), a.q_lora_rank);
    } else {
      dense += gemm(c, T, heads * (a.qk_nope_head_dim + a.qk_rope_head_dim), d);
    }
    dense += gemm(c, T, a.kv_lora_rank + a.qk_rope_head_dim, d);
    dense += gemm(c, T, heads * (a.qk_nope_head_dim + a.v_head_dim), a.kv_lora_rank);
    dense += gemm(c, T, d, heads * a.v_head_dim);
  } else {
    const double kv_heads_local = std::max(1.0, dbl(m.n_kv_heads) / tp);
    dense += gemm(c, T, (dbl(m.n_heads) / tp + 2.0 * kv_heads_local) * m.head_dim, d);
    dense += gemm(c, T, d, dbl(m.n_heads) / tp * m.head_dim);
  }

  // MLP or experts.
  const double ffn_mats = m.mlp == MlpKind::gated ? 3.0 : 2.0;
  double act_width = 0;  // hidden activation elements per token, for memory-bound ops
  double moe_bytes = 0;
  if (!moe) {
    const double fl = dbl(m.ffn_hidden) / tp;
    dense += gemm(c, T, fl * (ffn_mats - 1.0), d);
    dense += gemm(c, T, d, fl);
    act_width = fl * (ffn_mats - 1.0);
  } else {
    const MoeDims& e = m.moe;
    // Router: logits GEMM (replicated), then softmax/sigmoid and top-k over fp32 logits.
    dense += gemm(c, T, e.experts, d);
    moe_bytes += T * e.experts * 4.0 * 3.0;
    const ExpertRows r = expert_rows(c, l, T);
    const double fe = dbl(e.expert_ffn) / tp;
    f.gemm_fwd += experts_fwd(c, r, fe * (ffn_mats - 1.0), d) + experts_fwd(c, r, d, fe);
    f.gemm_bwd += experts_bwd(c, r, fe * (ffn_mats - 1.0), d) + experts_bwd(c, r, d, fe);
    act_width = e.active * fe * (ffn_mats - 1.0);
    if (c.job.einsum_dispatch) {
      // One-hot dispatch and combine matmuls per sequence (GShard, Lepikhin et
      // al. 2020, arXiv 2006.16668; MaxText moe.py dense_matmul: "BSM,BSEC ->
      // EBCM" and "EBCM,BSEC -> BSM", C = ceil(S k / E) x capacity factor):
      // each contracts S (or E C) against d for every expert slot. Backward:
      // the dispatch's data gradient, the combine's data and mask gradients.
      const double cf = std::max(1.0, c.job.capacity_factor > 0 ? c.job.capacity_factor : c.stack->capacity_factor);
      const double slots = dbl(e.experts) * std::ceil(s_local * e.active / dbl(e.experts)) * cf;
      const Seconds dispatch = gemm(c, slots, d, s_local, dbl(l.micro_batch));
      const Seconds combine = gemm(c, s_local, d, slots, dbl(l.micro_batch));
      f.gemm_fwd += dispatch + combine;
      f.gemm_bwd += dispatch + combine * 2.0;
    } else {
      // Permutation: gather each token's hidden state into its k experts' rows
      // and scatter-add the results back (read T d, write T k d, and back), bf16.
      moe_bytes += 2.0 * (T * d + T * e.active * d) * 2.0;
    }
    if (e.shared_experts > 0) {
      const double fs = dbl(e.shared_ffn > 0 ? e.shared_ffn : e.expert_ffn) * e.shared_experts / tp;
      dense += gemm(c, T, fs * (ffn_mats - 1.0), d);
      dense += gemm(c, T, d, fs);
      act_width += fs * (ffn_mats - 1.0);
    }
    // Dispatch and combine all-to-alls over the expert-parallel group, placed
    // on the fabric (Megatron order: the group follows tp and cp).
    if (l.ep > 1) {
      const Placement p = place_group(c.fabric, l.ep, l.tp * l.cp);
      const Bytes msg(T * e.active * d * 2.0);
      f.ep = 2.0 * collective_time(c.fabric, p, Collective::all_to_all, msg, c.links);
    }
  }
  f.gemm_fwd += dense;
  f.gemm_bwd += dense * 2.0;

  // Memory-bound work per token: two norms and two residual adds over d
  // (sharded by tp under sequence parallelism), the activation function,
  // rotary on q and k, and the fp8/fp4 cast no producer fuses; about ten
  // kernels per layer.
  const double sp_div = l.sequence_parallel ? tp : 1.0;
  double bytes_per_token = (2.0 * 2.0 * d + 2.0 * 3.0 * d) * 2.0 / sp_div;  // norms r+w, residual 2r+w, bf16
  bytes_per_token += act_width * 1.5 * 2.0;                                 // read gate+up, write product
  bytes_per_token += 2.0 * (c.q_width + c.kv_width) / tp * 2.0;             // rotary read+write
  if (c.precision == Precision::fp8 || c.precision == Precision::fp4 || c.precision == Precision::int8) {
    // 8-bit GEMM inputs are quantized inside a kernel that runs anyway.
    // Transformer Engine's LayerNormLinear writes the norm's output in fp8
    // (Megatron-Core's TE spec builds linear_qkv and linear_fc1 from it,
    // megatron/core/models/gpt/gpt_layer_specs.py), and the activation function
    // is taken to emit the quantized FC2 input (TE activations,
    // use_te_activation_func, and TE's op fuser in the Megatron-Bridge MXFP8
    // recipes; Megatron-Core's own activation does not: docs/validation.md
    // gives the figures with that cast charged). The attention output leaves
    // the attention kernel in bf16 and is quantized on its own before the
    // output projection: read bf16, write 8-bit. XLA fuses an elementwise
    // quantize into the dot that consumes it (MaxText's TPU fp8 recipes
    // quantize with fixed scales, qwix act_quantization_calibration_method
    // fixed,-224,224, so no amax pass precedes it): no cast of its own.
    if (c.stack->runtime != Runtime::xla) bytes_per_token += 3.0 * c.o_width / tp;
  }
  f.memory = stream(c, T * bytes_per_token + moe_bytes, moe ? 14.0 : 10.0);

  // Tensor parallelism: two all-reduces (or reduce-scatter + all-gather pairs
  // under sequence parallelism; the same volume) of the layer's activations.
  if (l.tp > 1) {
    const Placement p = place_group(c.fabric, l.tp, 1);
    const Bytes act(T * d * 2.0);
    f.tp = 2.0 * collective_time(c.fabric, p, Collective::all_reduce, act, c.links);
  }
  return f;
}

// Fused attention of one layer, forward, and the context-parallel KV ring.
struct AttentionCost {
  Seconds fwd, bwd, cp;
};
AttentionCost attention_cost(const TrainingContext& c, const Layout& l, bool sliding) {
  const ModelArch& m = *c.model;
  const double tp = dbl(l.tp);
  const double T = dbl(l.micro_batch) * dbl(c.job.seq_len) / dbl(l.cp);
  // The kernel computes whole blocks of the mask: its FLOPs, not the model's.
  const double keys = sliding ? c.kernel_keys_sliding : c.kernel_keys_full;
  const FlopCount flops(2.0 * T * (dbl(m.n_heads) / tp) * keys * (c.qk_dim + c.v_dim));
  AttentionCost a;
  a.fwd = attention_time(c.fabric, flops, c.attn_head_dim, keys, false, c.stack->attention);
  a.bwd = attention_time(c.fabric, flops, c.attn_head_dim, keys, true, c.stack->attention);
  // Context parallelism: ring exchange of K and V blocks, cp-1 steps; a ring
  // is as fast as its slowest hop, the scale-out one if it leaves the domain.
  if (l.cp > 1) {
    const Bytes kv_block(T * c.kv_width / std::max(1.0, std::min(tp, dbl(m.n_kv_heads))) * 2.0);
    const Placement p = place_group(c.fabric, l.cp, l.tp);
    a.cp = collective_time(c.fabric, p, Collective::send_recv, kv_block, c.links) * dbl(l.cp - 1);
  }
  return a;
}

// Time of one micro-batch through one layer, forward + backward, with
// recompute and the exposed part of its communication.
struct LayerTotals {
  Seconds gemm, attention, memory, recompute, overhead, tp, cp, ep;
  Seconds compute() const { return gemm + attention + memory + recompute + overhead; }
  Seconds total() const { return compute() + tp + cp + ep; }
  void add(const LayerTotals& t, double w) {
    gemm += t.gemm * w;
    attention += t.attention * w;
    memory += t.memory * w;
    recompute += t.recompute * w;
    overhead += t.overhead * w;
    tp += t.tp * w;
    cp += t.cp * w;
    ep += t.ep * w;
  }
};

LayerTotals layer_totals(const TrainingContext& c, const Layout& l, const LayerCost& f, const AttentionCost& a) {
  const StackEfficiency& s = *c.stack;
  LayerTotals t;
  // LoRA freezes the base weights: no weight gradients, only the data gradient.
  t.gemm = f.gemm_fwd + (c.job.lora ? f.gemm_bwd * 0.5 : f.gemm_bwd);
  t.attention = a.fwd + a.bwd;
  t.memory = f.memory * 3.0;  // backward touches about twice the forward's bytes
  if (l.recompute == Recompute::full) {
    t.recompute = f.gemm_fwd + a.fwd + f.memory + f.tp * (1.0 - s.overlap_tp) + f.ep * (1.0 - s.overlap_ep);
  } else if (l.recompute == Recompute::selective) {
    // Norms, activation functions and the attention core (Megatron-Core
    // recompute modules); a fused attention kernel recomputes its core anyway.
    t.recompute = (s.flash_attention ? Seconds(0) : a.fwd) + f.memory * 0.6;
  }
  t.overhead = s.layer_overhead;
  t.tp = f.tp * 2.0 * (1.0 - s.overlap_tp);
  // The KV ring runs beside the attention kernels it feeds.
  t.cp = std::max(Seconds(0), a.cp * 2.0 - t.attention * s.overlap_cp);
  t.ep = f.ep * 2.0 * (1.0 - s.overlap_ep);
  return t;
}

// The last pipeline stage's extra work: LM head forward + backward, then
// softmax/cross-entropy over fp32 logits.
Seconds lm_head_time(const TrainingContext& c, const Layout& l) {
  const double T = dbl(l.micro_batch) * dbl(c.job.seq_len) / dbl(l.cp);
  const double v_local = dbl(c.model->vocab) / dbl(l.tp);
  const Seconds fwd = gemm(c, T, v_local, c.model->d_model);
  return fwd * (c.job.lora ? 2.0 : 3.0) + stream(c, T * v_local * 4.0 * 3.0, 3.0);
}

// The first stage's extra work: the embedding lookup (gather rows, write
// activations) and, in backward, the scatter-add of its gradient (fp32).
Seconds embedding_time(const TrainingContext& c, const Layout& l) {
  const double T = dbl(l.micro_batch) * dbl(c.job.seq_len) / dbl(l.cp);
  const double d = c.model->d_model;
  return stream(c, T * d * (2.0 + 2.0) + (c.job.lora ? 0.0 : T * d * (2.0 + 4.0 * 2.0)), 2.0);
}

// The costs estimate_training takes from layer_cost, attention_cost,
// lm_head_time and embedding_time. They read tp, cp, micro_batch, ep and
// sequence_parallel of a layout, the key of TrainingMemo::Impl, so layouts
// that differ only in pp, dp, vpp, recompute or sharding share them
// (perf/search.cpp). A change that makes them read another field must add it
// to that key; the search's equality tests (perf/search_test.cpp) fail otherwise.
struct SharedCosts {
  LayerCost layer[2];  // dense, MoE layer (each where the model has one)
  AttentionCost full, sliding;
  Seconds head, embed;
};
SharedCosts shared_costs(const TrainingContext& c, const Layout& l) {
  SharedCosts s;
  const double sliding_share = dbl(c.sliding_layers) / dbl(c.layers);
  if (sliding_share < 1.0) s.full = attention_cost(c, l, false);
  if (sliding_share > 0.0) s.sliding = attention_cost(c, l, true);
  if (c.layers > c.moe_layers) s.layer[0] = layer_cost(c, l, false);
  if (c.moe_layers > 0) s.layer[1] = layer_cost(c, l, true);
  s.head = lm_head_time(c, l);
  s.embed = embedding_time(c, l);
  return s;
}

// One micro-batch through the average layer: GEMMs differ between dense and
// MoE layers, attention between full and sliding-window layers. Reads the
// layout's recompute setting besides `sc`.
LayerTotals average_layer(const TrainingContext& c, const Layout& l, const SharedCosts& sc) {
  const int dense_layers = c.layers - c.moe_layers;
  const double L = dbl(c.layers);
  const double sliding_share = dbl(c.sliding_layers) / L;
  LayerTotals avg;
  for (int moe = 0; moe < 2; ++moe) {
    const double n = dbl(moe ? c.moe_layers : dense_layers) / L;
    if (n <= 0) continue;
    const LayerCost& cost = sc.layer[moe];
    if (sliding_share < 1.0) avg.add(layer_totals(c, l, cost, sc.full), n * (1.0 - sliding_share));
    if (sliding_share > 0.0) avg.add(layer_totals(c, l, cost, sc.sliding), n * sliding_share);
  }
  return avg;
}

// Activation bytes of the average layer for one micro-batch in flight (reads
// tp, cp, micro_batch, sequence_parallel and recompute of the layout).
Bytes layer_activations(const TrainingContext& c, const Layout& l) {
  const ModelArch& m = *c.model;
  const int s_local = c.job.seq_len / l.cp;
  const double dense_share = dbl(c.layers - c.moe_layers) / dbl(c.layers);
  const bool flash = c.stack->flash_attention;
  return activation_bytes_per_layer(m, s_local, l.micro_batch, l.tp, l.sequence_parallel,
                                    rematerialize_for(l.recompute), flash, false, false) *
             dense_share +
         (c.moe_layers > 0 ? activation_bytes_per_layer(m, s_local, l.micro_batch, l.tp, l.sequence_parallel,
                                                        rematerialize_for(l.recompute), flash, false, true) *
                                 (1.0 - dense_share)
                           : Bytes(0));
}

// The part of Stages that memory_of reads (a search that needs a layout's
// memory but not its pipeline computes it alone, training_floors).
struct StageMemory {
  double dense_params_stage = 0, expert_params_stage = 0, params_chip = 0;
  int expert_dp = 0, dense_dp = 0;
  Bytes activations;
};
// What a layout's step and memory are made of before its sharding and
// data-parallel sync: the pipeline over micro-batches, the parameters one
// chip holds and its activations. Reads everything of the layout but its
// sharding, so TrainingMemo keeps one per (shape, recompute, vpp, pp, dp) for
// the layouts that differ in sharding alone: a change that makes it read the
// sharding must move that part to optimizer_time or memory_of (the search's
// equality tests, perf/search_test.cpp, fail otherwise).
struct Stages : StageMemory {
  LayerTotals avg;  // one micro-batch through the average layer
  int micro = 0;    // micro-batches per step
  double layers_per_stage = 0;
  Seconds head, embed, p2p, fill_drain, pipeline, stage_compute;
};
StageMemory stage_memory(const TrainingContext& c, const Layout& l, Bytes per_layer) {
  const ModelArch& m = *c.model;
  const double L = dbl(c.layers);
  const int micro = c.job.global_batch / (l.dp * l.micro_batch);
  const double layers_per_stage = L / dbl(l.pp);
  // Parameters held by one chip: its stage's share of the layers (and of the
  // embedding or LM head), split by tp, experts further split by ep.
  const double embed_params = c.params.embedding + c.params.positions;
  const double head_params = c.params.unembedding;
  const double edge_params = l.pp > 1 ? std::max(embed_params, head_params) : embed_params + head_params;
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

  // Activations: the first stage holds min(pp, micro) micro-batches in flight
  // (1F1B), interleaving adds (pp-1)/(pp*vpp) (Korthikanti et al. 2022, Sec. 4.2.3).
  const int s_local = c.job.seq_len / l.cp;
  double in_flight = dbl(std::min(l.pp, micro));
  if (l.vpp > 1) in_flight *= 1.0 + dbl(l.pp - 1) / dbl(l.pp * l.vpp);
  // The last stage also holds the fp32 logits of one micro-batch.
  const Bytes logits(dbl(l.micro_batch) * s_local * dbl(m.vocab) / l.tp * 4.0);
  const Bytes activations = per_layer * (layers_per_stage * in_flight) + (l.pp == 1 ? logits : Bytes(0));
  return {dense_params_stage, expert_params_stage, params_chip, expert_dp, dense_dp, activations};
}

Stages stages(const TrainingContext& c, const Layout& l, const SharedCosts& sc, const LayerTotals& avg,
              Bytes per_layer) {
  const ModelArch& m = *c.model;
  const StackEfficiency& s = *c.stack;
  const double L = dbl(c.layers);
  const int micro = c.job.global_batch / (l.dp * l.micro_batch);
  // Pipeline stages: layers split evenly; the first stage also embeds, the
  // last also runs the LM head and loss. A stage's time per micro-batch is its
  // layers' compute and exposed communication; the slowest stage sets the
  // steady state and the others fill and drain the pipeline.
  const double layers_per_stage = L / dbl(l.pp);
  const Seconds head = sc.head;
  const Seconds embed = sc.embed;
  const Seconds layer_time = avg.total() * layers_per_stage;
  // Pipeline sends: each rank sends activations forward and gradients back
  // once per virtual stage per micro-batch, over the link between stages.
  Seconds p2p(0);
  if (l.pp > 1) {
    const double T = dbl(l.micro_batch) * c.job.seq_len / l.cp;
    const Bytes act(T * m.d_model * 2.0 / (l.sequence_parallel ? l.tp : 1));
    p2p = send_recv_time(c.fabric, l.tp * l.cp * l.dp, act, c.links) * (2.0 * l.vpp) * (1.0 - s.overlap_pp);
  }
  const Seconds slowest = layer_time + (l.pp > 1 ? std::max(head, embed) : head + embed) + p2p;
  const Seconds all_stages = layer_time * dbl(l.pp) + head + embed + p2p * dbl(l.pp);
  // 1F1B with vpp virtual stages per rank (Narayanan et al. 2021, Sec. 2.2):
  // m x t_slowest in steady state, and a fill/drain of the other stages'
  // work split into vpp chunks: (pp - 1)/vpp slots when stages are equal.
  const Seconds fill_drain = (all_stages - slowest) / dbl(l.vpp);
  const Seconds pipeline = slowest * dbl(micro) + fill_drain;
  const Seconds stage_compute = avg.compute() * layers_per_stage + head;

  return {stage_memory(c, l, per_layer),
          avg,
          micro,
          layers_per_stage,
          head,
          embed,
          p2p,
          fill_drain,
          pipeline,
          stage_compute};
}

Stages fresh_stages(const TrainingContext& c, const Layout& l) {
  const SharedCosts sc = shared_costs(c, l);
  return stages(c, l, sc, average_layer(c, l, sc), layer_activations(c, l));
}

}  // namespace

// The memo's entries, one per (tp, cp, micro_batch, ep, sequence_parallel)
// a search meets, found through a small open-addressed table of packed keys
// (a profile showed std::map's lookups at 7% of the search). Each entry also
// keeps, per recompute setting, the average layer and one layer's activation
// bytes (they read nothing else of the layout), and per recompute and vpp the
// Stages of one (pp, dp): within a search tuple they differ by sharding alone.
struct TrainingMemo::Impl {
  static constexpr int kVpps = 9;  // vpp 1..8 kept; larger ones computed afresh
  struct Entry {
    SharedCosts costs;
    LayerTotals avg[3];  // by Recompute
    Bytes activations[3];
    bool has[3] = {false, false, false};
    // By recompute and vpp, for the (pp, dp) in `slot_pp`, `slot_dp`; optional
    // so that an entry is not zeroed whole (a few kB).
    std::optional<Stages> slot[3][kVpps];
    int slot_pp[3][kVpps] = {}, slot_dp[3][kVpps] = {};
    std::optional<Stages> scratch;  // a layout no slot keeps

    // The average layer and one layer's activation bytes of `l`'s recompute
    // setting, made on first use; returns that setting's index.
    int layer_for(const TrainingContext& c, const Layout& l) {
      const int rc = static_cast<int>(l.recompute);
      if (!has[rc]) {
        avg[rc] = average_layer(c, l, costs);
        activations[rc] = layer_activations(c, l);
        has[rc] = true;
      }
      return rc;
    }
    const Stages& stages_for(const TrainingContext& c, const Layout& l) {
      const int rc = layer_for(c, l);
      if (l.vpp >= kVpps) return scratch.emplace(stages(c, l, costs, avg[rc], activations[rc]));
      std::optional<Stages>& kept = slot[rc][l.vpp];
      if (kept && slot_pp[rc][l.vpp] == l.pp && slot_dp[rc][l.vpp] == l.dp) return *kept;
      slot_pp[rc][l.vpp] = l.pp;
      slot_dp[rc][l.vpp] = l.dp;
      return kept.emplace(stages(c, l, costs, avg[rc], activations[rc]));
    }
  };
  std::vector<std::uint64_t> keys;     // open addressing, a power of two long; 0: empty
  std::vector<std::uint32_t> indices;  // into entries
  std::vector<std::unique_ptr<Entry>> entries;
  int shift = 64;
  // The two shapes asked last: the search's innermost loop alternates
  // between two (sequence parallelism on and off) and repeats them.
  std::uint64_t last_key[2] = {0, 0};
  Entry* last[2] = {nullptr, nullptr};

  // The entry of `l`'s shape, made on first use; nullptr for degrees too
  // large to pack (never met in a search; such an estimate is made afresh).
  Entry* entry_for(const TrainingContext& c, const Layout& l) {
    constexpr int kMax = 1 << 15;
    if (l.tp >= kMax || l.cp >= kMax || l.micro_batch >= kMax || l.ep >= kMax) return nullptr;
    const std::uint64_t key = static_cast<std::uint64_t>(l.tp) | static_cast<std::uint64_t>(l.cp) << 15 |
                              static_cast<std::uint64_t>(l.micro_batch) << 30 | static_cast<std::uint64_t>(l.ep) << 45 |
                              static_cast<std::uint64_t>(l.sequence_parallel) << 60;  // never 0: tp >= 1
    if (key == last_key[0]) return last[0];
    if (key == last_key[1]) return last[1];
    return find_or_make(c, l, key);
  }
  // entry_for's slow path, out of line so that the fast one saves few registers.
  [[gnu::noinline]] Entry* find_or_make(const TrainingContext& c, const Layout& l, std::uint64_t key) {
    if (2 * (entries.size() + 1) > keys.size()) grow();
    std::size_t i = slot_of(key);
    if (keys[i] != key) {
      keys[i] = key;
      indices[i] = static_cast<std::uint32_t>(entries.size());
      entries.push_back(std::unique_ptr<Entry>(new Entry));  // default-initialized: not zeroed whole
      entries.back()->costs = shared_costs(c, l);
    }
    last_key[1] = last_key[0];
    last[1] = last[0];
    last_key[0] = key;
    return last[0] = entries[indices[i]].get();
  }
  std::size_t slot_of(std::uint64_t key) const {
    // Fibonacci hashing: the product's top bits mix all of the key's.
    const std::size_t mask = keys.size() - 1;
    std::size_t i = (key * 0x9E3779B97F4A7C15ULL) >> shift;
    while (keys[i] != 0 && keys[i] != key) i = (i + 1) & mask;
    return i;
  }
  void grow() {
    std::vector<std::uint64_t> old_keys(std::max<std::size_t>(64, 2 * keys.size()));
    std::vector<std::uint32_t> old_indices(old_keys.size());
    old_keys.swap(keys);
    old_indices.swap(indices);
    shift = 64 - std::countr_zero(keys.size());
    for (std::size_t j = 0; j < old_keys.size(); ++j) {
      if (old_keys[j] == 0) continue;
      const std::size_t i = slot_of(old_keys[j]);
      keys[i] = old_keys[j];
      indices[i] = old_indices[j];
    }
  }
};
TrainingMemo::TrainingMemo() : impl_(std::make_unique<Impl>()) {}
TrainingMemo::~TrainingMemo() = default;

TrainingContext prepare_training(const ModelArch& model, const Fabric& fabric, const StackEfficiency& stack,
                                 const TrainingJob& job) {
  TrainingContext c;
  c.model = &model;
  c.stack = &stack;
  c.fabric = fabric;
  // Training frameworks call NCCL/RCCL: their measured per-step start-up cost.
  c.fabric.up_latency = fabric.up_collective_latency;
  c.job = job;
  c.precision = effective_precision(fabric, job.precision);
  c.peak = fabric.peak_for(c.precision);
  c.peak_bf16 = fabric.peak_for(Precision::bf16);
  // Collectives reach the fabric's measured bus bandwidth times what the stack adds.
  c.links = LinkEfficiency{fabric.up_efficiency * stack.scale_up, fabric.out_efficiency * stack.scale_out};
  c.params = count_parameters(model);
  c.layers = model.layers;
  c.moe_layers = model.moe_layer_count();
  c.sliding_layers = model.sliding_layers;
  const double s = dbl(job.seq_len);
  c.keys_full = causal_keys(s, 0);
  c.keys_sliding = causal_keys(s, model.sliding_window);
  const double block = job.attention_block > 0 ? job.attention_block : stack.attention_block;
  c.kernel_keys_full = block_keys(s, 0, block);
  c.kernel_keys_sliding = block_keys(s, model.sliding_window, block);
  if (model.attention == AttentionKind::mla) {
    c.qk_dim = model.mla.qk_nope_head_dim + model.mla.qk_rope_head_dim;
    c.v_dim = model.mla.v_head_dim;
    c.q_width = dbl(model.n_heads) * c.qk_dim;
    c.kv_width = dbl(model.n_heads) * (c.qk_dim + c.v_dim);  // K and V after up-projection
    c.o_width = dbl(model.n_heads) * c.v_dim;
  } else {
    c.qk_dim = model.head_dim;
    c.v_dim = model.head_dim;
    c.q_width = dbl(model.n_heads) * model.head_dim;
    c.kv_width = 2.0 * model.n_kv_heads * model.head_dim;
    c.o_width = c.q_width;
  }
  c.attn_head_dim = c.qk_dim;
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

namespace {

// check_layout but its last rule, the only one that reads the sharding.
std::string_view check_but_sharding(const TrainingContext& c, const Layout& l) {
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
  // Megatron-LM's interleaved 1F1B runs micro-batches in groups of pp
  // (schedules.py: "number of microbatches must be divisible by pipeline-model-parallel-size").
  if (l.vpp > 1 && (c.job.global_batch / (l.dp * l.micro_batch)) % l.pp != 0) {
    return "an interleaved schedule needs the micro-batch count to be a multiple of pp";
  }
  if (l.ep > 1) {
    if (!m.is_moe()) return "ep > 1 needs a mixture-of-experts model";
    if (m.moe.experts % l.ep != 0) return "ep must divide the expert count";
    if ((l.dp * l.cp) % l.ep != 0) return "ep must divide dp * cp";
  }
  if (l.sequence_parallel && l.tp == 1) return "sequence parallelism needs tp > 1";
  return {};
}

std::string_view check_sharding(const Layout& l) {
  if (shards_weights(l.sharding) && l.pp > 1) return "zero3/fsdp is not combined with pipeline parallelism";
  return {};
}

}  // namespace

std::string_view check_layout(const TrainingContext& c, const Layout& l) {
  const std::string_view bad = check_but_sharding(c, l);
  return bad.empty() ? check_sharding(l) : bad;
}

namespace {

// The layout's Stages, from the memo when there is one (layouts that differ
// in sharding alone share them), else made in `computed`.
const Stages& stages_of(const TrainingContext& c, const Layout& l, TrainingMemo* memo,
                        std::optional<Stages>& computed) {
  if (memo) {
    if (TrainingMemo::Impl::Entry* entry = memo->impl().entry_for(c, l)) return entry->stages_for(c, l);
  }
  return computed.emplace(fresh_stages(c, l));
}

// Bytes per gradient element: the run's gradient precision where known
// (Megatron-Bridge's performance recipes reduce in bf16), else the stack's.
double gradient_bytes(const TrainingContext& c) {
  return c.job.lora ? 0.0 : (c.job.grad_bytes > 0 ? c.job.grad_bytes : c.stack->grad_bytes);
}

// Optimizer step (mixed-precision Adam): read weights, fp32 master, grads and
// two moments, write them back: ~30 bytes per parameter it owns.
Seconds optimizer_time(const TrainingContext& c, const Layout& l, const Stages& st) {
  double owned = st.params_chip;
  if (l.sharding != Sharding::none) owned = st.dense_params_stage / st.dense_dp + st.expert_params_stage / st.expert_dp;
  return c.job.lora ? Seconds(0) : stream(c, owned * 30.0, 1.0);
}

// Memory per chip.
TrainingMemory memory_of(const TrainingContext& c, const Layout& l, const StageMemory& st) {
  const StackEfficiency& s = *c.stack;
  const double dense_params_stage = st.dense_params_stage, expert_params_stage = st.expert_params_stage;
  const int expert_dp = st.expert_dp, dense_dp = st.dense_dp;
  TrainingMemory mem;
  const double w_div = shards_weights(l.sharding) ? dense_dp : 1.0;
  const double w_div_e = shards_weights(l.sharding) ? expert_dp : 1.0;
  mem.weights = Bytes((dense_params_stage / w_div + expert_params_stage / w_div_e) * s.weight_bytes);
  if (!c.job.lora) {
    const bool shard_grads = l.sharding == Sharding::zero2 || shards_weights(l.sharding);
    mem.gradients = Bytes(
        (dense_params_stage / (shard_grads ? dense_dp : 1) + expert_params_stage / (shard_grads ? expert_dp : 1)) *
        gradient_bytes(c));
    const bool shard_opt = l.sharding != Sharding::none;
    mem.optimizer =
        Bytes((dense_params_stage / (shard_opt ? dense_dp : 1) + expert_params_stage / (shard_opt ? expert_dp : 1)) *
              s.optimizer_bytes);
  }
  mem.activations = st.activations;
  mem.reserve = s.reserve;
  return mem;
}

TrainingEstimate estimate(const TrainingContext& c, const Layout& l, TrainingMemo* memo) {
  TrainingEstimate e;
  e.capacity = c.fabric.hbm_capacity;
  e.invalid = check_layout(c, l);
  if (!e.invalid.empty()) return e;
  e.valid = true;
  const StackEfficiency& s = *c.stack;
  const int micro = c.job.global_batch / (l.dp * l.micro_batch);
  e.micro_batches = micro;
  std::optional<Stages> computed;  // not zeroed on the memo's path
  const Stages& st = stages_of(c, l, memo, computed);
  const LayerTotals& avg = st.avg;
  const double layers_per_stage = st.layers_per_stage;
  const Seconds head = st.head, embed = st.embed, p2p = st.p2p, fill_drain = st.fill_drain;
  const Seconds pipeline = st.pipeline, stage_compute = st.stage_compute;
  const double dense_params_stage = st.dense_params_stage, expert_params_stage = st.expert_params_stage;
  const int expert_dp = st.expert_dp, dense_dp = st.dense_dp;

  // Data-parallel gradient sync (Megatron --overlap-grad-reduce and
  // --overlap-param-gather): gradients reduce behind the last micro-batch's
  // backward, updated weights gather behind the next step's first forward.
  Seconds dp_time(0);
  const Seconds bwd_window = (stage_compute - avg.recompute * layers_per_stage) * (2.0 / 3.0);
  const Seconds fwd_window = stage_compute / 3.0;
  const double grad_bytes = gradient_bytes(c);
  const double weight_bytes = s.weight_bytes;
  // XLA makes each core of a multi-core chip a device of its own (TPU7x: two
  // TensorCores, each a JAX device with half the chip's HBM; Cloud TPU docs,
  // TPU7x, https://docs.cloud.google.com/tpu/docs/tpu7x, retrieved 2026-11-26),
  // and MaxText meshes shard the batch and the weights over every device: the
  // chip's cores are data-parallel peers, each gathers the whole layer and
  // reduce-scatters its own gradients, so the chip's links carry one copy per
  // device. (v4/v5p run their two cores as one device: cores_per_chip 1.)
  const double copies = s.runtime == Runtime::xla ? dbl(c.fabric.devices_per_chip) : 1.0;
  if (!c.job.lora && dense_dp > 1) {
    const Placement pd = place_group(c.fabric, dense_dp, l.tp);
    const Placement pe = place_group(c.fabric, expert_dp, l.tp * l.ep);
    if (shards_weights(l.sharding)) {
      // FSDP/ZeRO-3: gather weights for forward and again for backward in every
      // micro-batch, reduce-scatter gradients; prefetching hides most of it.
      // Expert weights are sharded over the expert-data-parallel group, the rest over all of dp.
      auto over = [&](Collective op, double bytes_per_param) {
        return collective_time(c.fabric, pd, op, Bytes(dense_params_stage * bytes_per_param * copies), c.links) +
               collective_time(c.fabric, pe, op, Bytes(expert_params_stage * bytes_per_param * copies), c.links);
      };
      const Seconds ag = over(Collective::all_gather, weight_bytes);
      const Seconds rs = over(Collective::reduce_scatter, grad_bytes);
      const Seconds per = std::max(Seconds(0), ag - fwd_window * s.overlap_fsdp) +
                          std::max(Seconds(0), ag + rs - bwd_window * s.overlap_fsdp);
      dp_time = per * dbl(micro);
    } else {
      Seconds reduce(0), gather(0);
      auto add_sync = [&](const Placement& p, double n_params) {
        const Bytes g(n_params * grad_bytes * copies);
        if (l.sharding == Sharding::none) {
          reduce += collective_time(c.fabric, p, Collective::all_reduce, g, c.links);
        } else {
          // Sharded optimizer: reduce-scatter gradients, all-gather updated weights.
          reduce += collective_time(c.fabric, p, Collective::reduce_scatter, g, c.links);
          gather +=
              collective_time(c.fabric, p, Collective::all_gather, Bytes(n_params * weight_bytes * copies), c.links);
        }
      };
      add_sync(pd, dense_params_stage);
      if (expert_params_stage > 0) add_sync(pe, expert_params_stage);
      dp_time = std::max(Seconds(0), reduce - bwd_window * s.overlap_dp) +
                std::max(Seconds(0), gather - fwd_window * s.overlap_dp);
    }
  }

  const Seconds optimizer = optimizer_time(c, l, st);
  e.step_time = pipeline + dp_time + optimizer + s.step_overhead;
  TrainingMemory& mem = e.memory;
  mem = memory_of(c, l, st);
  e.fits = mem.total() <= e.capacity;

  // The breakdown follows the slowest stage through all micro-batches; the
  // fill and drain are the bubble.
  const double mb_scale = dbl(micro);
  e.time.gemm = (avg.gemm * layers_per_stage + (l.pp > 1 && embed > head ? Seconds(0) : head)) * mb_scale;
  e.time.attention = avg.attention * layers_per_stage * mb_scale;
  e.time.memory_bound = (avg.memory * layers_per_stage + (l.pp > 1 && embed <= head ? Seconds(0) : embed)) * mb_scale;
  e.time.recompute = avg.recompute * layers_per_stage * mb_scale;
  e.time.overhead = avg.overhead * layers_per_stage * mb_scale;
  e.time.tp_comm = avg.tp * layers_per_stage * mb_scale;
  e.time.cp_comm = avg.cp * layers_per_stage * mb_scale;
  e.time.ep_comm = avg.ep * layers_per_stage * mb_scale;
  e.time.pp_comm = p2p * mb_scale;
  e.time.bubble = fill_drain;
  e.time.dp_comm = dp_time;
  e.time.optimizer = optimizer;
  e.time.step_overhead = s.step_overhead;

  // Throughput.
  e.tokens_per_step = dbl(c.job.global_batch) * c.job.seq_len;
  const double chips = dbl(l.chips());
  e.tokens_per_s_per_chip = e.tokens_per_step / e.step_time.si() / chips;
  e.model_flops_per_chip = FlopRate(c.model_flops_per_token.si() * e.tokens_per_s_per_chip);
  e.mfu = e.model_flops_per_chip / c.peak;
  e.mfu_bf16 = e.model_flops_per_chip / c.peak_bf16;
  return e;
}

}  // namespace

TrainingEstimate estimate_training(const TrainingContext& c, const Layout& l, TrainingMemo* memo) {
  return estimate(c, l, memo);
}

// estimate_training's own pieces with the data-parallel sync left out (its
// exposed time is never negative, so the step time is a lower bound).
TrainingFloor training_floor(const TrainingContext& c, const Layout& l, TrainingMemo* memo) {
  TrainingFloor f;
  training_floors(c, l, std::span<const Sharding>(&l.sharding, 1), memo, std::span<TrainingFloor>(&f, 1));
  return f;
}

void training_floors(const TrainingContext& c, Layout l, std::span<const Sharding> shardings, TrainingMemo* memo,
                     std::span<TrainingFloor> out, double skip_above) {
  const std::string_view bad = check_but_sharding(c, l);
  const Stages* st = nullptr;
  std::optional<Stages> computed;
  std::optional<StageMemory> memory_only;  // the floor is above skip_above
  Seconds bound(0);
  XPU_CHECK(out.size() >= shardings.size());
  for (size_t i = 0; i < shardings.size(); ++i) {
    TrainingFloor& f = out[i];
    f = TrainingFloor{};
    l.sharding = shardings[i];
    f.invalid = bad.empty() ? check_sharding(l) : bad;
    if (!f.invalid.empty()) continue;
    f.valid = true;
    if (!st && !memory_only && memo && skip_above < std::numeric_limits<double>::infinity()) {
      // The floor is pipeline + optimizer + step overhead, and the pipeline
      // is at least its slowest stage's layers over every micro-batch
      // (stages: the stage's edge work, its sends and the fill/drain are
      // never negative, nor is the optimizer); the 1e-9 leaves room for
      // their sums' rounding. Above skip_above, the step is not needed.
      if (TrainingMemo::Impl::Entry* entry = memo->impl().entry_for(c, l)) {
        const int rc = entry->layer_for(c, l);
        const int micro = c.job.global_batch / (l.dp * l.micro_batch);
        const Seconds layer_time = entry->avg[rc].total() * (dbl(c.layers) / dbl(l.pp));
        bound = (layer_time * dbl(micro) + c.stack->step_overhead) * (1.0 - 1e-9);
        if (bound.si() > skip_above) memory_only.emplace(stage_memory(c, l, entry->activations[rc]));
      }
    }
    if (memory_only) {
      f.above = true;
      f.step_time = bound;
      f.memory = memory_of(c, l, *memory_only).total();
      f.capacity = c.fabric.hbm_capacity;
      f.fits = f.memory <= f.capacity;
      continue;
    }
    if (!st) st = &stages_of(c, l, memo, computed);  // reads nothing of the sharding
    f.step_time = st->pipeline + Seconds(0) + optimizer_time(c, l, *st) + c.stack->step_overhead;
    f.memory = memory_of(c, l, *st).total();
    f.capacity = c.fabric.hbm_capacity;
    f.fits = f.memory <= f.capacity;
  }
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
