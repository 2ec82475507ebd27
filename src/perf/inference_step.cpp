// One serving iteration on one replica: matmuls, attention, element-wise
// work, communication and fixed per-kernel costs (docs/perf-model.md,
// "Inference"), and the memory plan that bounds the batch.
#include <algorithm>
#include <array>
#include <cmath>

#include "perf/inference.h"
#include "perf/inference_plan.h"
#include "perf/kernels.h"

namespace xpu {
namespace {

double dbl(int v) { return static_cast<double>(v); }

// Bytes per LM-head (and embedding) parameter: low-precision checkpoints keep
// them 16-bit (ModelOpt's FP8 and NVFP4 exports list lm_head in
// exclude_modules, e.g. nvidia/DeepSeek-R1-0528-NVFP4 and nvidia/GLM-4.7-NVFP4
// hf_quant_config.json; AMD Quark's recipes pass --exclude_layers "*lm_head";
// retrieved 2026-12-05).
constexpr double kHeadWeightBytes = 2.0;

// Kernels of one layer in a fused serving engine, collectives excluded (as the
// model code of TensorRT-LLM, vLLM and SGLang launches them in a decode step):
// GQA/MHA attention: norm, QKV GEMM, RoPE + KV write, attention, output GEMM;
// MLA: norm, fused q_a/kv_a GEMM, their norms, q_b GEMM, K absorb, RoPE +
// latent write, attention, V absorb, output GEMM; a sparse-attention indexer:
// its projections, scoring and top-k; dense MLP: norm + residual, gate/up
// GEMM, activation, down GEMM; MoE: norm + residual, router, top-k, permute,
// two grouped GEMMs, activation, un-permute, and three more for shared experts.
constexpr int kAttentionKernels = 5;
constexpr int kMlaKernels = 9;
constexpr int kIndexerKernels = 4;
constexpr int kDenseMlpKernels = 4;
constexpr int kMoeKernels = 8;
constexpr int kSharedExpertKernels = 3;
// Once per step: embedding lookup, final norm, LM head, and sampling
// (softmax, top-k/top-p filter, draw).
constexpr int kStepKernels = 6;

// Element-wise traffic per token and layer, in elements of the hidden size:
// the two norms read and write d, the residual adds read 2d and write d, and
// the activation cast/quantize before a GEMM reads d (10 d in all).
constexpr double kElementwisePerLayer = 10.0;

int kernels_per_layer(const ModelArch& m, int moe_layers) {
  const int attn =
      (m.attention == AttentionKind::mla ? kMlaKernels : kAttentionKernels) + (m.sparse.topk > 0 ? kIndexerKernels : 0);
  const int moe = kMoeKernels + (m.moe.shared_experts > 0 ? kSharedExpertKernels : 0);
  const int dense_layers = m.layers - moe_layers;
  const int total = m.layers * attn + dense_layers * kDenseMlpKernels + moe_layers * moe;
  return m.layers > 0 ? (total + m.layers - 1) / m.layers : 0;
}

// MLA's down-projections (q_a and kv_a with the rope key, and their norms)
// map the whole hidden state to a latent of a few hundred to 1536 columns:
// serving engines replicate them on every tensor-parallel rank instead of
// splitting them (vLLM and SGLang deepseek_v2.py: q_a_proj and
// kv_a_proj_with_mqa are ReplicatedLinear, as is the MoE gate; TensorRT-LLM's
// DeepSeek-R1 min-latency blog, 2025: "Fuse_A GEMM: Data Parallelism 8
// (DP8)", "RouterGEMM: DP8", in bf16, the two GEMMs that "dominate the
// execution time ... and cannot be easily sharded"; retrieved 2026-12-06).
// Parameters of one layer's attention held whole by every rank of a group.
double whole_attention_params(const ModelArch& m) {
  if (m.attention != AttentionKind::mla) return 0.0;
  const MlaDims& a = m.mla;
  return dbl(m.d_model) * (a.q_lora_rank + a.kv_lora_rank + a.qk_rope_head_dim) + a.q_lora_rank + a.kv_lora_rank;
}

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
    // Decode multiplies the query into the latent space (the "absorbed" form
    // of DeepSeek-V2 sec. 2.1.3 that FlashMLA and TensorRT-LLM run): scores
    // over kv_lora_rank + rope dims, values over kv_lora_rank, for every head.
    s.qk_decode = m.mla.kv_lora_rank + m.mla.qk_rope_head_dim;
    s.v_decode = m.mla.kv_lora_rank;
  } else {
    s.qk = s.v = s.qk_decode = s.v_decode = m.head_dim;
  }
  s.kernels_per_layer = kernels_per_layer(m, s.moe_layers);
  return s;
}

// KV bytes of one sequence of `context` tokens, whole model, before sharding:
// what the cache holds (`attended` false: every token of a full-attention
// layer, the window of a sliding one, and a sparse-attention indexer's keys),
// or what one decode query's attention reads (`attended`: the top-k tokens
// of a sparse layer; the indexer's reads are counted with its scoring).
double kv_bytes(const InferenceContext& c, double context, bool attended = false) {
  const ModelArch& m = *c.model;
  const double full = m.layers - m.sliding_layers;
  const double window = m.sliding_window > 0 ? std::min(context, dbl(m.sliding_window)) : context;
  double keys = context;
  double local = window;
  if (attended && m.sparse.topk > 0) keys = std::min(context, dbl(m.sparse.topk));
  // A chunked layer's query reads only its current chunk (half of one on average).
  if (attended && m.chunked_local && context > m.sliding_window) local = m.sliding_window / 2.0;
  double bytes =
      kv_elements_per_token_per_layer(m) * bytes_per_element(c.job.kv) * (full * keys + m.sliding_layers * local);
  if (!attended && m.sparse.topk > 0) bytes += full * context * m.sparse.index_head_dim;  // fp8 index keys
  return bytes;
}

// A kernel that packs a token's K and V heads into words (the stack's
// kv_pack_bytes) pads each device's 2 h heads up to a whole word: vLLM TPU's
// ragged paged attention lays the cache out as [pages, page_size,
// align_to(2 h, packing) / packing, packing, head_dim] with packing = 32 bits
// / KV element bits (tpu_inference/kernels/ragged_paged_attention/v3/kernel.py
// and experimental/batched_rpa/wrapper.py, vllm-project/tpu-inference at
// b8692ff, read 2026-12-06), so one fp8 KV head per device (Qwen3-Coder-480B's
// 8 heads at TP 8) holds and reads twice its bytes: "when num_kv_heads = 1,
// and kv dtype = fp8, we have to waste half the KV cache with padding"
// (tpu-inference PR #3170, 2026-07-13, whose opt-in SEQ_ON_LANE layout
// removes it). kv_split divides its ways by this padding.
double kv_packing_pad(const InferenceContext& c, const ServingLayout& l) {
  const ModelArch& m = *c.model;
  const int word = c.stack->kv_pack_bytes;
  const double element = bytes_per_element(c.job.kv);
  if (word <= 0 || m.attention == AttentionKind::mla || element >= word) return 1.0;
  const double ranks = dbl(l.tp / std::max(1, l.attn_dp)) * dbl(std::max(1, c.fabric.devices_per_chip));
  const double slots = 2.0 * std::max(1.0, std::ceil(dbl(m.n_kv_heads) / ranks));  // K and V heads per device
  const double packing = std::floor(word / element);
  return std::ceil(slots / packing) * packing / slots;
}

// Chips one sequence's KV cache is split over inside its attention group:
// heads across the group's ranks, never more ways than there are KV heads
// (MLA's latent is one head, so it is replicated on every rank). A chip whose
// framework runs several ranks (NeuronCores, TPU7x chiplets: devices_per_chip)
// holds each rank's heads, so with more ranks than KV heads it holds copies:
// NxD Inference's default GQA sharding, REPLICATE_TO_TP_DEGREE, gives every
// rank one KV head (8 heads at TP 64 -> 64; aws-neuron/neuronx-distributed-
// inference, modules/attention/gqa.py, read 2026-12-06), so a Trn2 chip at
// LNC=2 (4 ranks) holds and reads 4 of 8 heads' cache, not 1 of 8.
double kv_split(const InferenceContext& c, const ServingLayout& l) {
  const ModelArch& m = *c.model;
  const double heads = m.attention == AttentionKind::mla ? 1.0 : dbl(m.n_kv_heads);
  return std::min(dbl(l.tp / std::max(1, l.attn_dp)), heads / dbl(std::max(1, c.fabric.devices_per_chip))) /
         kv_packing_pad(c, l);
}

// Mean keys a prompt token attends to under chunked causal attention: the
// mask restarts every `chunk` tokens (Llama 4), so a full chunk averages
// (chunk + 1) / 2 and the last, partial one (r + 1) / 2.
double chunked_keys(double s, double chunk) {
  if (chunk <= 0 || s <= chunk) return (s + 1.0) / 2.0;
  const double full = std::floor(s / chunk), r = s - full * chunk;
  return (full * chunk * (chunk + 1.0) / 2.0 + r * (r + 1.0) / 2.0) / s;
}

// Expected distinct experts that `draws` routed token copies reach out of `e`.
double touched_experts(double e, double draws) { return e * (1.0 - std::pow(1.0 - 1.0 / e, draws)); }

// All-reduce of `bytes` over `n` ranks as serving runtimes run it. Inside an
// NVSwitch or Infinity Fabric domain small messages take the runtimes' own
// one-shot kernel (every rank reads all peers' buffers and reduces locally:
// TensorRT-LLM customAllReduce, vLLM custom_all_reduce), medium ones the
// two-shot variant (reduce-scatter + all-gather over direct loads); NCCL/RCCL
// rings otherwise. Each call also pays the stack's software overhead.
// `placed`: place_group(f, n, 1) when the caller has it.
Seconds serving_all_reduce(const InferenceContext& c, int n, Bytes bytes, const Placement* placed) {
  if (n <= 1) return Seconds(0);
  const Fabric& f = c.fabric;
  const Placement p = placed ? *placed : place_group(f, n, 1);
  Seconds t = collective_time(f, p, Collective::all_reduce, bytes, c.links);
  const bool direct = f.topology == TopologyKind::switched || f.topology == TopologyKind::fully_connected;
  if (direct && p.n_out == 1) {
    // Switch: the chip's port carries the traffic; fully connected: one link per peer.
    const ByteRate port =
        (f.topology == TopologyKind::switched ? f.up_bandwidth : f.up_link_bandwidth * (n - 1)) * c.links.scale_up;
    const Seconds one_shot = f.up_latency + bytes * dbl(n - 1) / port;
    const Seconds two_shot = f.up_latency * 2.0 + bytes * (2.0 * (n - 1) / n) / port;
    t = std::min({t, one_shot, two_shot});
  }
  return t + c.stack->collective_overhead;
}

}  // namespace

// Prompt tokens the busiest attention data-parallel rank prefills in one
// iteration. Under attention data parallelism a prompt is prefilled on the
// rank that will hold its KV cache, and the expert exchange of every MoE
// layer makes all ranks wait for the slowest: the step runs at the busiest
// rank's pace, not the mean's. A balancing scheduler deals the iteration's
// prompts round-robin (SGLang's and TensorRT-LLM's attention-DP schedulers
// assign new requests to the least-loaded rank), so the busiest rank gets
// ceil(N / dp) of the N prompts, each whole. In a steady stream N is
// Poisson: requests finish at random moments (mean n = prefill / prompt_len
// per iteration), and the busiest rank prefills E[ceil(N / dp)] whole
// prompts: 1 - e^-n of one below one prompt per iteration, not n of a
// partial one (the product of the two, ~n^2, under-counted it by 1 / n and
// grew faster than the batch; issue 14, coldinfer4). The sum runs over
// every N within 12 standard deviations of n, at every n, so it is one
// smooth, non-decreasing function of n (it was ceil(n / dp) past 200
// prompts, a step down from the Poisson mean at the switch). A lone prefill
// pass (`deterministic`) has exactly n, dealt the same way; a pass of less
// than one prompt is a chunk of one, on one rank.
double busiest_rank_prefill(double prefill, double prompt_len, double dp, bool deterministic) {
  if (dp <= 1 || prefill <= 0 || prompt_len <= 0) return prefill / std::max(1.0, dp);
  const double n = prefill / prompt_len;
  if (deterministic) return std::min(prefill, std::ceil(n / dp - 1e-9) * std::min(prompt_len, prefill));
  // E[ceil(N / dp)] for N ~ Poisson(n): the pmf relative to its mode m,
  // carried up by w(k + 1) = w(k) n / (k + 1) and down by w(k - 1) = w(k) k / n,
  // then normalised (no factorials, no underflow near the mode).
  const double spread = 12.0 * std::sqrt(n) + 10.0;
  const double mode = std::floor(n);
  double mass = 1.0, prompts = std::ceil(mode / dp);
  double w = 1.0;
  for (double k = mode; k + 1.0 <= n + spread; k += 1.0) {
    w *= n / (k + 1.0);
    mass += w;
    prompts += w * std::ceil((k + 1.0) / dp);
  }
  w = 1.0;
  for (double k = mode; k >= 1.0 && k >= n - spread; k -= 1.0) {
    w *= k / n;
    mass += w;
    prompts += w * std::ceil((k - 1.0) / dp);
  }
  prompts /= mass;
  // Never more than the iteration's whole prefill (ceil(N / dp) <= N).
  return std::min(prefill, prompts * prompt_len);
}

namespace {

// Spread (standard deviation / mean) of the context of the sequences in
// flight in a steady stream: prompt and output lengths lognormal and
// independent, the output length-biased, the position in it uniform.
double inflight_context_cv(const ServingJob& j) {
  // Context c = I + U O with O length-biased (weight O) and U uniform on (0, 1):
  // E[c] = E[I] + E[O^2]/(2 E[O]), E[c^2] = E[I^2] + E[I] E[O^2]/E[O] + E[O^3]/(3 E[O]);
  // a lognormal's E[X^k] = mean^k (1 + cv^2)^(k(k-1)/2).
  const double i = j.input_len, o = j.output_len;
  const double gi = 1.0 + j.input_cv * j.input_cv, go = 1.0 + j.output_cv * j.output_cv;
  const double mean = i + o * go / 2.0;
  if (mean <= 0) return 0.0;
  const double second = i * i * gi + i * o * go + o * o * go * go * go / 3.0;
  return std::sqrt(std::max(0.0, second - mean * mean)) / mean;
}

// Expected largest of n independent standard normal draws (Blom's
// approximation: the quantile (n - 0.375) / (n + 0.25); 1.42 for n = 8).
double blom_max_normal(double n) {
  if (n <= 1) return 0.0;
  const double p = (n - 0.375) / (n + 0.25);
  double lo = 0, hi = 10;
  for (int it = 0; it < 60; ++it) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(mid / std::sqrt(2.0)) > 1.0 - p ? lo : hi) = mid;
  }
  return hi;
}

// The same, tabulated for the rank counts layouts use: every steady step of
// an attention-DP layout asks for it, and the bisection's 60 erfc calls
// would otherwise run per step of the serving search.
double expected_max_normal(int n) {
  constexpr int kTabulated = 256;
  static const std::array<double, kTabulated + 1> table = [] {
    std::array<double, kTabulated + 1> t{};
    for (int i = 0; i <= kTabulated; ++i) t[static_cast<size_t>(i)] = blom_max_normal(i);
    return t;
  }();
  return n >= 0 && n <= kTabulated ? table[static_cast<size_t>(n)] : blom_max_normal(n);
}

// The quantities one iteration works on.
struct StepInput {
  double decode = 0;               // sequences decoding
  double queries = 1;              // query tokens per decoding sequence (speculative verification: drafted + 1)
  double context = 0;              // their mean context
  double prefill = 0;              // prompt tokens prefilled in this iteration
  double prompt_len = 0;           // of prompts this long
  bool one_batch = false;          // the tokens walk through the pipeline stages as one batch (latency)
  double layer_share = 1;          // fraction of the decoder layers run (a draft head: draft_layers / layers)
  bool head = true;                // the LM head and sampling run
  bool steady = false;             // a steady stream: the decoding sequences are at random points of their requests
  const StepPlan* plan = nullptr;  // the layout's (none: computed here)
};

StepTime iteration(const InferenceContext& c, const ServingLayout& l, const StepInput& in) {
  const ModelArch& m = *c.model;
  const ServingShapes& s = c.shapes;
  const StackEfficiency& st = *c.stack;
  StepTime out;
  const double q = in.decode * in.queries;
  const double tokens = q + in.prefill;
  if (tokens <= 0) return out;
  const double d = m.d_model;
  const double dp = std::max(1, l.attn_dp);
  const double g = dbl(l.tp) / dp;  // chips of one attention group
  const double pp = l.pp;
  // A pipeline runs pp micro-batches per iteration and each chip works on its
  // stage's share (1/pp) of every token; a lone batch visits the stages in
  // turn, so its latency is all stages' work. Weights are read once per
  // micro-batch either way: W / g per chip per iteration.
  const double share = in.one_batch ? 1.0 : 1.0 / pp;
  const double mb_tokens = in.one_batch ? tokens : tokens / pp;
  const double layers = m.layers * in.layer_share;
  const double moe_layers = s.moe_layers * in.layer_share;
  const double dense_layers = s.dense_layers * in.layer_share;
  const ByteRate bw = c.fabric.hbm_bandwidth * st.memory;
  const double wb = c.weight_bytes;
  const double head = in.head ? s.head : 0.0;

  // Non-expert matmuls (attention projections, dense MLPs, shared experts,
  // router, LM head): each attention group holds them split g ways and runs
  // its own tokens; the busiest group's set the pace.
  // The LM head runs only for the rows that sample: decode queries and the
  // last token of each prompt.
  // The attention projections may be kept in another format than the rest
  // (attention_weight_precision) and the LM head stays 16-bit: each group
  // runs at its own format's rate and streams its own bytes.
  // What every rank of a group holds whole (MLA down-projections, the router)
  // is read and multiplied whole on each of them.
  const double attn_whole = whole_attention_params(m) * layers;
  const double attn = s.attn_params * layers - attn_whole;
  const double router = s.router * moe_layers;
  const double mlp_params = s.dense_mlp * dense_layers + s.shared * moe_layers;
  // The busiest attention group's tokens (decode sequences are balanced across
  // groups; prompts are not: busiest_rank_prefill).
  const double rank_prefill = busiest_rank_prefill(in.prefill, in.prompt_len, dp, in.decode <= 0);
  const double rank_tokens = q / dp + rank_prefill;
  const double rank_head_rows = q / dp + (in.prompt_len > 0 ? rank_prefill / in.prompt_len : 0.0);
  const double rows = in.one_batch ? rank_tokens : rank_tokens / pp;
  auto matmul = [&](double flops, Precision p, FlopRate peak, double ways) {
    return FlopCount(flops * share / ways) / (peak * gemm_efficiency(st, p, rows, d / ways, d));
  };
  const Seconds dense_c = matmul(2.0 * rank_tokens * mlp_params, c.compute, c.peak, g) +
                          matmul(2.0 * rank_tokens * attn, c.attention_compute, c.attention_peak, g) +
                          matmul(2.0 * rank_tokens * attn_whole, c.attention_compute, c.attention_peak, 1.0) +
                          matmul(2.0 * rank_tokens * router, Precision::bf16, c.head_peak, 1.0);
  const Seconds head_c = matmul(2.0 * rank_head_rows * head, Precision::bf16, c.head_peak, g);
  const Seconds dense_m = Bytes((mlp_params * wb + attn * c.attention_weight_bytes + head * kHeadWeightBytes) / g +
                                attn_whole * c.attention_weight_bytes + router * kHeadWeightBytes) /
                          bw;
  out.parts.dense = std::max(dense_c + head_c, dense_m);

  // Routed experts, spread over ep ranks (each split tp/ep ways). A rank reads
  // the distinct experts its tokens reach and computes its share of the
  // tokens; the busiest rank sets the pace: a rank's load is binomial, and
  // the largest of ep such loads is about mean + sigma sqrt(2 ln ep). Its
  // copies land on its own e/ep experts, so at a small batch it reads more
  // distinct experts than the mean rank (batch 1, 8 of 256 experts over 8
  // ranks: the busiest holds about 2-3 of them, the mean rank 1).
  Seconds exp_c(0), exp_m(0);
  if (m.is_moe() && moe_layers > 0) {
    const double e = m.moe.experts, k = m.moe.active;
    const double ep = std::max(1, l.ep);
    const double etp = std::max(1.0, dbl(l.tp) / ep);
    const double routed = mb_tokens * k;  // token copies one micro-batch sends to the experts
    const double touched = touched_experts(e, routed);
    const double mean = routed / ep;
    const double busiest = ep > 1 ? mean + std::sqrt(mean * (1.0 - 1.0 / ep) * 2.0 * std::log(ep)) : mean;
    const double rank_touched = ep > 1 ? touched_experts(e / ep, busiest) : touched;
    const double per_expert = busiest / std::max(1.0, rank_touched);
    const double eff = gemm_efficiency(st, c.compute, per_expert, m.moe.expert_ffn / etp, d);
    // Layer-micro-batches a chip runs per iteration: moe_layers either way.
    exp_c = FlopCount(2.0 * busiest * s.expert / etp * moe_layers) / (c.peak * eff);
    exp_m = Bytes(rank_touched * s.expert / etp * wb * moe_layers) / bw;
    out.parts.experts = std::max(exp_c, exp_m);
  }

  // Attention: decode reads each sequence's KV cache (its group's chips split
  // it by KV head), prefill attends causally. Sparse attention (DeepSeek-V3.2)
  // attends to the top-k tokens the indexer picks, and the indexer scores
  // every cached token with its own small heads.
  const double full = layers - m.sliding_layers * in.layer_share;
  const double sliding = m.sliding_layers * in.layer_share;
  const double w = m.sliding_window;
  const StepPlan* plan = in.plan;
  const double kv_div = plan ? plan->kv_div : kv_split(c, l);
  // Keys one decode query attends to: all of them on a global layer (the
  // top-k under sparse attention), the window on a sliding layer, and on a
  // chunked layer the tokens of its current chunk (half a chunk on average).
  auto keys = [&](double ctx, bool local) {
    if (local && w > 0) return m.chunked_local ? (ctx < w ? ctx : w / 2.0) : std::min(ctx, w);
    return m.sparse.topk > 0 ? std::min(ctx, dbl(m.sparse.topk)) : ctx;
  };
  const double prefill_keys_full = causal_keys(in.prompt_len, m.sparse.topk > 0 ? m.sparse.topk : 0);
  const double prefill_keys_local = m.chunked_local ? chunked_keys(in.prompt_len, w) : causal_keys(in.prompt_len, w);
  const double prefill_flops_per_token =
      2.0 * m.n_heads * (s.qk + s.v) * (full * prefill_keys_full + sliding * prefill_keys_local);
  double indexer_flops = 0, indexer_bytes = 0;
  if (m.sparse.topk > 0) {
    const double per_key = 2.0 * m.sparse.index_heads * m.sparse.index_head_dim * full;
    indexer_flops = q * per_key * in.context + in.prefill * per_key * causal_keys(in.prompt_len, 0);
    indexer_bytes = in.context * m.sparse.index_head_dim * full;  // one sequence's fp8 index keys
  }
  // Under attention data parallelism each rank attends over its own
  // sequences' caches, and the expert exchange makes every rank wait for the
  // slowest (TensorRT-LLM tech blog 10, "ADP Balance Strategy", 2025: "the
  // iteration time is dominated by the slowest rank"). Schedulers deal
  // requests by count and prompt tokens, not by the outputs still to come, so
  // in a steady stream a rank's n = decode/dp sequences sit at random points
  // of random-length requests: the sum of their contexts has spread
  // cv/sqrt(n), and the busiest of dp ranks reads about
  // 1 + cv * E[max of dp normals] / sqrt(n) times the mean rank's keys.
  double rank_context = in.context;
  if (in.steady && dp > 1 && in.decode > 0) {
    rank_context *= 1.0 + inflight_context_cv(c.job) * expected_max_normal(std::max(1, l.attn_dp)) /
                              std::sqrt(std::max(1.0, in.decode / dp));
  }
  const double decode_flops_per_query = 2.0 * m.n_heads * (s.qk_decode + s.v_decode) *
                                        (full * keys(rank_context, false) + sliding * keys(rank_context, true));
  const FlopRate attn_rate = c.fabric.peak_for(Precision::bf16) * st.attention;
  const Seconds decode_attn_c = FlopCount((q * decode_flops_per_query + indexer_flops) / dp * share / g) / attn_rate;
  const double kv_read =
      in.decode / dp *
      ((plan && rank_context == plan->context ? plan->kv_attended : kv_bytes(c, rank_context, true)) * in.layer_share /
           kv_div +
       indexer_bytes) *
      share;
  const double kv_write = rank_tokens * (plan ? plan->kv_token : kv_bytes(c, 1.0)) * in.layer_share / kv_div * share;
  const Seconds prefill_attn_c = FlopCount(rank_prefill * prefill_flops_per_token * share / g) / attn_rate;
  const ByteRate kv_bw = c.fabric.hbm_bandwidth * (st.attention_memory > 0 ? st.attention_memory : st.memory);
  out.parts.attention = std::max(decode_attn_c, Bytes(kv_read) / kv_bw) + prefill_attn_c + Bytes(kv_write) / bw;

  // Element-wise work: norms, residuals and casts on the hidden state (every
  // chip of a group holds all of it), activation functions on each chip's
  // share of the MLP width.
  const double shared_ffn = m.moe.shared_experts * dbl(m.moe.shared_ffn > 0 ? m.moe.shared_ffn : m.moe.expert_ffn);
  const double act_elems =
      rank_tokens * kElementwisePerLayer * d * layers + rank_tokens * 3.0 * (m.ffn_hidden / g) * dense_layers +
      (tokens * m.moe.active * 3.0 * m.moe.expert_ffn / l.tp + rank_tokens * 3.0 * shared_ffn / g) * moe_layers;
  out.parts.elementwise = Bytes(act_elems * 2.0 * share) / bw;

  // Communication. Tensor parallelism: an all-reduce of the hidden state after
  // attention and after the MLP (the MoE output too when experts sit on the
  // same tensor-parallel ranks). Attention data parallelism: an all-reduce
  // inside each attention group, then the tokens are dispatched to their
  // experts' ranks and combined back (all-to-all). Layer-micro-batches per
  // iteration: `layers` either way.
  Seconds comm(0);
  int collectives = 0;
  const double act_b = 2.0;  // bf16 hidden states
  if (dp <= 1) {
    if (l.tp > 1) {
      comm += serving_all_reduce(c, l.tp, Bytes(mb_tokens * d * act_b), plan ? &plan->tp : nullptr) * (2.0 * layers);
      collectives += static_cast<int>(std::ceil(2.0 * layers));
    }
  } else {
    if (g > 1) {
      comm +=
          serving_all_reduce(c, static_cast<int>(g), Bytes(rows * d * act_b), plan ? &plan->group : nullptr) * layers;
      collectives += static_cast<int>(std::ceil(layers));
    }
    if (l.ep > 1 && moe_layers > 0) {
      // Dispatch carries the tokens in the matmul format (fp8/fp4 runs send
      // fp8), combine returns bf16 partial outputs.
      const double disp_b = bytes_per_element(c.compute) < 2.0 ? 1.0 : act_b;
      const Placement p = plan ? plan->ep : place_group(c.fabric, l.ep, 1);
      const double per_rank = rows * m.moe.active;
      const Seconds a2a = collective_time(c.fabric, p, Collective::all_to_all, Bytes(per_rank * d * disp_b), c.links) +
                          collective_time(c.fabric, p, Collective::all_to_all, Bytes(per_rank * d * act_b), c.links) +
                          st.collective_overhead * 2.0;
      comm += a2a * moe_layers;
      collectives += static_cast<int>(std::ceil(2.0 * moe_layers));
    }
  }
  if (l.pp > 1) {
    const Seconds hop = send_recv_time(c.fabric, l.tp, Bytes(mb_tokens * d * act_b), c.links);
    comm += hop * (in.one_batch ? pp - 1.0 : pp);
  }
  out.parts.communication = comm;

  // Fixed per-kernel costs and host dispatch: every layer runs its kernels
  // once per micro-batch (layers per stage x micro-batches = layers).
  const double kernels = layers * s.kernels_per_layer + (in.head ? kStepKernels : 0);
  out.parts.fixed = st.kernel_overhead * kernels;
  const Seconds device = out.parts.dense + out.parts.experts + out.parts.attention + out.parts.elementwise +
                         out.parts.communication + out.parts.fixed;
  // Without graph capture the host launches every kernel while the device
  // runs the earlier ones: the step takes the longer of the two. A stack
  // whose graphs hold generation-only steps runs a step with prompt tokens
  // eagerly, and that step's host work leaves the GPU idle (TensorRT-LLM PRs
  // #15584 and #16313 measure it as GPU-idle time per step, 2-9 ms): it is
  // charged in full, at the eager dispatch of the step's kernels.
  const Seconds dispatch = st.launch_overhead * (kernels + collectives);
  Seconds host;
  if (!st.graphs) {
    host = std::max(Seconds(0), dispatch - device);
  } else if (st.eager_prompt_steps && in.prefill > 0) {
    host = dispatch;
  }
  out.parts.host = host + (in.head ? st.step_overhead : Seconds(0));

  out.compute = dense_c + head_c + exp_c + decode_attn_c + prefill_attn_c;
  out.memory = dense_m + exp_m + Bytes(kv_read) / kv_bw + Bytes(kv_write) / bw + out.parts.elementwise;
  out.communication = comm;
  out.time = device + out.parts.host;
  const Seconds overhead = out.parts.fixed + out.parts.host;
  const Seconds top = std::max({out.compute, out.memory, comm, overhead});
  out.bound = top == comm          ? Bound::communication
              : top == overhead    ? Bound::overhead
              : top == out.compute ? Bound::compute
                                   : Bound::memory;
  return out;
}

// A decode iteration with speculative decoding: `tokens` draft passes (one
// draft head each) for every sequence, then one target pass verifying
// tokens + 1 positions per sequence.
StepTime speculative_step(const InferenceContext& c, const ServingLayout& l, StepInput in) {
  const SpeculativeDecoding& sp = c.job.spec;
  in.queries = sp.tokens + 1.0;
  StepTime target = iteration(c, l, in);
  StepInput draft{.decode = in.decode,
                  .context = in.context,
                  .layer_share = sp.draft_layers / c.model->layers,
                  .steady = in.steady,
                  .plan = in.plan};
  const StepTime one = iteration(c, l, draft);
  target.parts.draft = one.time * sp.tokens;
  target.time += target.parts.draft;
  return target;
}

// Standard normal upper tail P(Z > x).
double upper_tail(double x) { return 0.5 * std::erfc(x / std::sqrt(2.0)); }

// x with P(mean of a request's O unit-variance draws > x) = 1% over requests
// whose step counts O are lognormal with mean `steps` and spread `cv` (O >= 1):
// short requests average few steps, so they set the tail.
double p99_sigmas(double steps, double cv) {
  const double sigma = std::sqrt(std::log(1.0 + cv * cv));
  const double mu = std::log(std::max(1.0, steps)) - sigma * sigma / 2.0;
  auto tail = [&](double x) {
    if (sigma <= 0) return upper_tail(x * std::sqrt(std::max(1.0, steps)));
    double sum = 0, weights = 0;
    for (double z = -5.0; z <= 5.0; z += 0.05) {
      const double w = std::exp(-z * z / 2.0);
      sum += w * upper_tail(x * std::sqrt(std::max(1.0, std::exp(mu + sigma * z))));
      weights += w;
    }
    return sum / weights;
  };
  double lo = 0, hi = 10;
  for (int it = 0; it < 60; ++it) {
    const double mid = 0.5 * (lo + hi);
    (tail(mid) > 0.01 ? lo : hi) = mid;
  }
  return hi;
}

// Bytes per stored weight: block-scaled fp4 (NVFP4/MXFP4) keeps one 8-bit
// scale per 16 or 32 values.
double stored_bytes(Precision p) { return p == Precision::fp4 ? 0.5 + 1.0 / 16.0 : bytes_per_element(p); }

}  // namespace

// nvidia/DeepSeek-R1-0528-NVFP4, nvidia/GLM-4.7-NVFP4 and nvidia/MiniMax-M2.5-NVFP4
// list model.layers.*.self_attn* in hf_quant_config.json exclude_modules, and
// gpt-oss ships MXFP4 for the MoE weights only (retrieved 2026-12-05); the
// TensorRT-LLM DeepSeek-R1 B200 latency blog runs "MoE and dense FFN in NVFP4
// with attention in BF16". nvidia/Llama-3.3-70B-Instruct-FP4 quantizes every
// linear operator of its (dense) blocks.
Precision attention_weight_precision(const ModelArch& m, const ServingJob& j) {
  if (j.attention_weights) return *j.attention_weights;
  return m.is_moe() && j.weights == Precision::fp4 ? Precision::bf16 : j.weights;
}

double inflight_context(const ServingJob& j) {
  // E[I O]/E[O] = E[I] + rho sigma_I sigma_O / E[O]; E[O^2]/(2 E[O]) = E[O] (1 + cv_O^2) / 2.
  return j.input_len * (1.0 + j.io_correlation * j.input_cv * j.output_cv) +
         j.output_len * (1.0 + j.output_cv * j.output_cv) / 2.0;
}

std::string_view to_string(Bound b) {
  switch (b) {
    case Bound::compute:
      return "compute";
    case Bound::memory:
      return "memory";
    case Bound::communication:
      return "communication";
    case Bound::overhead:
      return "overhead";
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
  // GEMMs run at the clock the chip sustains under them, not the one its peak
  // is quoted at (power-limited: H200 1402 of 1830 MHz, MI300X 1207 and MI325X
  // 1447 of 2100 MHz; data/accelerators `kernels:`), so a stack's `gemm` is a
  // fraction of the clock-limited rate and one fraction serves MI300X and MI325X.
  c.peak = fabric.peak_for(c.compute) * fabric.kernels.clock_ratio;
  const Precision attn_weights = attention_weight_precision(model, job);
  c.attention_compute = job.weight_only ? Precision::bf16 : effective_precision(fabric, attn_weights);
  c.attention_peak = fabric.peak_for(c.attention_compute) * fabric.kernels.clock_ratio;
  c.head_peak = fabric.peak_for(Precision::bf16) * fabric.kernels.clock_ratio;
  c.links = LinkEfficiency{stack.scale_up, stack.scale_out};
  c.params = count_parameters(model);
  c.weight_bytes = stored_bytes(job.weights);
  c.attention_weight_bytes = stored_bytes(attn_weights);
  c.kv_bytes_per_token = kv_elements_per_token_per_layer(model) * bytes_per_element(job.kv) * model.layers;
  c.shapes = shapes_of(model);
  const double emitted = job.spec.enabled() ? job.spec.accept : 1.0;
  c.tpot_p99_sigmas = p99_sigmas(job.output_len / emitted, job.output_cv);
  return c;
}

ServingMemory serving_memory(const InferenceContext& c, const ServingLayout& l) {
  ServingMemory mem;
  const ModelArch& m = *c.model;
  const double dp = std::max(1, l.attn_dp);
  const double g = dbl(l.tp) / dp;
  // Experts are spread over all tp chips of a stage; everything else over the
  // chips of one attention group (replicated across the dp groups).
  const double experts = c.params.routed_experts;
  const double attention = c.params.attention;
  const double sixteen_bit = c.params.embedding + c.params.unembedding + c.params.norms + c.params.positions;
  const double rest = c.params.total - experts - attention - sixteen_bit;
  const double replicated =
      rest * c.weight_bytes + attention * c.attention_weight_bytes + sixteen_bit * kHeadWeightBytes;
  // The router and MLA's down-projections are held whole on every chip of a
  // group (whole_attention_params), the router 16-bit.
  const double down = whole_attention_params(m) * m.layers * c.attention_weight_bytes;
  const double whole = down + c.params.router * kHeadWeightBytes;
  const double whole_split = down + c.params.router * c.weight_bytes;
  mem.weights = Bytes((replicated / g + whole - whole_split / g + experts * c.weight_bytes / l.tp) / l.pp);
  mem.reserve = c.stack->reserve;
  // Workspace for one step's activations at the prefill budget.
  const double width = 4.0 * m.d_model + 3.0 * std::max(dbl(m.ffn_hidden), 1.0 * m.moe.expert_ffn) / l.tp;
  mem.activations = Bytes(token_budget(c) * width * 2.0 + token_budget(c) * dbl(m.vocab) / g * 4.0);
  const Bytes usable = c.fabric.hbm_capacity * c.stack->memory_utilization;
  const Bytes left = usable - mem.weights - mem.activations - mem.reserve;
  mem.kv_capacity = left.si() > 0 ? left : Bytes(0);
  // Paged KV: a sequence holds the blocks of its current context; at steady
  // state the batch holds the in-flight mean context (whole 16-token blocks).
  const double len = (std::ceil(inflight_context(c.job) / 16.0) + 0.5) * 16.0;
  const double per_seq_chip = kv_bytes(c, len) / kv_split(c, l) / l.pp;
  mem.max_sequences = per_seq_chip > 0 ? static_cast<int>(dp * std::floor(mem.kv_capacity.si() / per_seq_chip)) : 0;
  if (left.si() <= 0) mem.max_sequences = 0;
  return mem;
}

StepTime decode_step(const InferenceContext& c, const ServingLayout& l, double batch, double context) {
  StepInput in{.decode = batch, .context = context};
  return c.job.spec.enabled() ? speculative_step(c, l, in) : iteration(c, l, in);
}

StepTime prefill(const InferenceContext& c, const ServingLayout& l, double tokens, double prompt_len) {
  return iteration(c, l, {.prefill = tokens, .prompt_len = prompt_len, .one_batch = true});
}

// A continuous-batching iteration: `batch` sequences decoding plus `prompt`
// prompt tokens (of prompts `prompt_len` long) prefilled alongside.
StepTime mixed_step(const InferenceContext& c, const ServingLayout& l, double batch, double context, double prompt,
                    double prompt_len) {
  StepInput in{.decode = batch, .context = context, .prefill = prompt, .prompt_len = prompt_len, .steady = true};
  return c.job.spec.enabled() ? speculative_step(c, l, in) : iteration(c, l, in);
}

StepTime mixed_step(const InferenceContext& c, const ServingLayout& l, const StepPlan& plan, double batch,
                    double context, double prompt, double prompt_len) {
  StepInput in{
      .decode = batch, .context = context, .prefill = prompt, .prompt_len = prompt_len, .steady = true, .plan = &plan};
  return c.job.spec.enabled() ? speculative_step(c, l, in) : iteration(c, l, in);
}

// The placements under the same conditions iteration() asks for them (a group
// it never places is never placed here).
StepPlan plan_step(const InferenceContext& c, const ServingLayout& l, double context) {
  StepPlan p;
  const double dp = std::max(1, l.attn_dp);
  const double g = dbl(l.tp) / dp;
  if (dp <= 1) {
    if (l.tp > 1) p.tp = place_group(c.fabric, l.tp, 1);
  } else {
    if (g > 1) p.group = place_group(c.fabric, static_cast<int>(g), 1);
    if (l.ep > 1 && c.model->is_moe()) p.ep = place_group(c.fabric, l.ep, 1);
  }
  p.kv_div = kv_split(c, l);
  p.context = context;
  p.kv_attended = kv_bytes(c, context, true);
  p.kv_token = kv_bytes(c, 1.0);
  return p;
}

}  // namespace xpu
