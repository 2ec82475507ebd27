// Transformer architectures, dense and mixture-of-experts, as plain data.
//
// One struct covers GPT-3/OPT/BLOOM (plain 2-matrix MLP, MHA), Llama/Mistral/
// Qwen (gated MLP, GQA), PaLM (MQA, parallel block), DeepSeek-V2/V3 (MLA,
// shared + routed experts, leading dense layers), gpt-oss and Mixtral (routed
// experts, sliding-window layers) and Llama 4 (dense and MoE layers
// interleaved, each with its own MLP width). Parameter counts are computed,
// never stored.
//
// Counting conventions (each checked against the published sizes of the
// shipped models in model_test.cpp):
// - Norms: one weight vector of d_model per norm, two per layer (one with a
//   parallel block) plus the final norm. LayerNorm biases, BLOOM's embedding
//   LayerNorm and Qwen3's per-head q/k norms are left out: < 0.01% of any
//   shipped model.
// - attention_bias adds biases to Q, K, V and O (Llama/gpt-oss `attention_bias`,
//   Megatron/OPT/BLOOM); Qwen2 has them on Q, K, V only, so its count is d_model
//   per layer high (0.001% of Qwen2.5-72B).
// - Not counted: gpt-oss attention sinks (one scalar per head and layer), router
//   biases (gpt-oss) and DeepSeek-V3's expert score-correction biases (one per
//   expert and MoE layer), each < 0.001%; DeepSeek-V3's multi-token-prediction
//   module (14B), which its 671B excludes (DeepSeek-V3 README_WEIGHTS.md).
// - Learned position tables count max_positions * d_model (OPT's table has 2
//   extra rows: max_positions is 2050 there).
// - Only the text model: Llama 4's vision encoder is not a ModelArch part.
// - A sparse-attention indexer (DeepSeek-V3.2) counts its query projection
//   from the q_lora rank, its key projection, key LayerNorm (weight and bias)
//   and the per-head weighting projection (DeepSeek-V3.2-Exp inference/model.py).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/diagnostics.h"

namespace xpu {

enum class AttentionKind : unsigned char { mha, gqa, mqa, mla };
enum class MlpKind : unsigned char { gated, plain };  // gated = SwiGLU/GeGLU (3 matrices), plain = 2 matrices
enum class PositionKind : unsigned char { rope, learned, alibi, none };

std::string_view to_string(AttentionKind a);
std::optional<AttentionKind> parse_attention(std::string_view s);
std::string_view to_string(MlpKind m);
std::optional<MlpKind> parse_mlp(std::string_view s);
std::string_view to_string(PositionKind p);
std::optional<PositionKind> parse_positions(std::string_view s);

// DeepSeek multi-head latent attention (arXiv 2405.04434, 2412.19437).
struct MlaDims {
  int q_lora_rank = 0;  // 0 = queries projected directly from d_model
  int kv_lora_rank = 0;
  int qk_nope_head_dim = 0;
  int qk_rope_head_dim = 0;
  int v_head_dim = 0;

  friend bool operator==(const MlaDims&, const MlaDims&) = default;
};

struct MoeDims {
  int experts = 0;         // routed experts per MoE layer; 0 = dense model
  int active = 0;          // routed experts per token (top-k)
  int expert_ffn = 0;      // hidden size of one routed expert
  int shared_experts = 0;  // always-on experts per MoE layer
  int shared_ffn = 0;      // hidden size of one shared expert (0 = expert_ffn)
  int dense_layers = 0;    // leading layers that are dense (DeepSeek-V3: 3)
  int every = 1;           // after the dense ones, every k-th layer is MoE (Llama 4 Maverick: 2)

  friend bool operator==(const MoeDims&, const MoeDims&) = default;
};

// DeepSeek sparse attention (DSA, DeepSeek-V3.2-Exp tech report, 2025): a
// lightning indexer scores every cached token with its own few heads (FP8)
// and each query attends to the `topk` best; the main attention is MLA.
struct SparseAttention {
  int topk = 0;  // tokens one query attends to; 0 = dense attention
  int index_heads = 0;
  int index_head_dim = 0;

  friend bool operator==(const SparseAttention&, const SparseAttention&) = default;
};

struct ModelArch {
  std::string key;     // "llama3.1-70b"
  std::string name;    // "Llama 3.1 70B"
  std::string family;  // "llama", "gpt3", "deepseek-v3", ...
  int layers = 0;
  int d_model = 0;
  int n_heads = 0;
  int n_kv_heads = 0;  // = n_heads for MHA, 1 for MQA
  int head_dim = 0;    // n_heads * head_dim need not equal d_model
  AttentionKind attention = AttentionKind::mha;
  MlaDims mla;
  SparseAttention sparse;
  int ffn_hidden = 0;  // dense-layer MLP hidden size (0 if every layer is MoE)
  MlpKind mlp = MlpKind::gated;
  int vocab = 0;
  bool tied_embeddings = false;
  PositionKind positions = PositionKind::rope;
  int max_positions = 0;  // learned table rows, or the context it takes (0 = unknown)
  MoeDims moe;
  int sliding_window = 0;  // tokens a local layer attends to (its window, or its chunk); 0 = none
  int sliding_layers = 0;  // how many of the layers are local
  // Local layers attend within fixed chunks that restart every sliding_window
  // tokens (Llama 4's chunked attention) instead of a window sliding with
  // the query (Mistral, Gemma): same KV bound, half the keys on average.
  bool chunked_local = false;
  // The local/global interleave: every global_every-th layer (1-based) is
  // global, the others local (Gemma 2: 2, Gemma 3: 6, Llama 4: 4); 0 = only
  // the count sliding_layers is known.
  int global_every = 0;
  bool parallel_block = false;  // attention and MLP side by side (PaLM, GPT-J)
  bool attention_bias = false;  // biases on QKV and output projections
  bool mlp_bias = false;        // biases on MLP/expert matrices
  // Published sizes, for checking the computed counts (billions; 0 = none published).
  double published_total_b = 0;
  double published_active_b = 0;
  // The total is a size label, not a count (MaxText names synthetic models by
  // their global_parameter_scale: "32B" has 32.55B parameters); checked to 2%.
  bool published_nominal = false;
  // The publisher's active count includes the input embedding table. Publishers
  // differ, and only their figures tell: Mixtral 8x7B's 12.9B is 12.88B with the
  // embedding (12.75B without), Qwen3-30B-A3B's 3.3B is 3.34B with it (3.04B
  // without), Llama 4 Maverick's 17B is 17.2B with it (16.2B without); gpt-oss
  // (model card Table 1: 5.13B) and DeepSeek (V3 README_WEIGHTS.md: 36.6B "including
  // the output head") count without, which is what ParamCount::active is.
  bool published_active_has_embedding = false;
  std::string source;     // where the shapes come from
  std::string retrieved;  // when the source was read (YYYY-MM-DD)
  std::string note;       // how the shapes were derived; with `estimate`, what was guessed
  bool estimate = false;  // shapes partly guessed; `note` says which
  SourceLocation defined_at;

  bool is_moe() const { return moe.experts > 0; }
  // Whether decoder layer `i` (0-based) has routed experts.
  bool is_moe_layer(int i) const {
    return is_moe() && i >= moe.dense_layers && (i - moe.dense_layers) % moe.every == moe.every - 1;
  }
  int moe_layer_count() const;
  // Whether decoder layer `i` (0-based) is a local (sliding-window or chunked)
  // layer: by the interleave when one is given, else the first sliding_layers.
  bool is_local_layer(int i) const {
    if (sliding_layers <= 0) return false;
    if (global_every > 0) return (i + 1) % global_every != 0;
    return i < sliding_layers;
  }
};

// Parameters by part. `active` counts what one token touches: attention,
// dense MLPs, shared experts, the top-k routed experts, norms and the output
// (unembedding) matrix, but not the input embedding lookup (the convention of
// the gpt-oss and DeepSeek-V3 model cards).
struct ParamCount {
  double total = 0;
  double active = 0;
  double embedding = 0;       // input embedding table
  double unembedding = 0;     // LM head (0 when tied)
  double attention = 0;       // all layers
  double dense_mlp = 0;       // all dense-layer MLPs
  double routed_experts = 0;  // all routed experts, all layers
  double shared_experts = 0;
  double router = 0;
  double norms = 0;
  double positions = 0;
};

ParamCount count_parameters(const ModelArch& m);

// Parameters of one decoder layer's attention block (projections only).
double attention_params_per_layer(const ModelArch& m);
// Parameters of one MLP of hidden size `ffn` (gated: 3 matrices; plain: 2).
double mlp_params(const ModelArch& m, int ffn);

// Relative differences of the computed sizes from the published ones, on the
// publisher's conventions (computed / published - 1; 0 where nothing is
// published), and the tolerance each is held to: 1% for a total, 2% for an
// active count (publishers round it to 2-3 digits), and for a nominal total
// (a size label: "12B", "1T") half a unit of its last digit, at least 2%.
struct PublishedDifference {
  double total = 0;
  double active = 0;
  double total_tolerance = 0.01;
  double active_tolerance = 0.02;
};
PublishedDifference published_difference(const ModelArch& m, const ParamCount& c);

// KV-cache elements one token stores in one full-attention layer
// (2 * kv_heads * head_dim; MLA stores the latent kv_lora_rank + rope dims).
double kv_elements_per_token_per_layer(const ModelArch& m);

// Where a model field was given, for the checks below: the readers map a
// field name ("kv_heads", "moe.active", ...) to its line or JSON pointer in
// their own format. Empty: every problem is reported at `m.defined_at`.
using ModelFieldLocator = std::function<SourceLocation(std::string_view field)>;

// Shape checks: positive sizes, heads divisible by KV heads, MoE top-k <= experts.
// Each problem is reported where `locate` says its field was given.
Diagnostics validate_model(const ModelArch& m, const ModelFieldLocator& locate = {});

}  // namespace xpu
