// Transformer architectures, dense and mixture-of-experts, as plain data.
//
// One struct covers GPT-3/OPT/BLOOM (plain 2-matrix MLP, MHA), Llama/Mistral/
// Qwen (gated MLP, GQA), PaLM (MQA, parallel block), DeepSeek-V3 (MLA, shared
// + routed experts, leading dense layers), gpt-oss and Mixtral (routed experts,
// sliding-window layers). Parameter counts are computed, never stored.
#pragma once

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
  int ffn_hidden = 0;  // dense-layer MLP hidden size (0 if every layer is MoE)
  MlpKind mlp = MlpKind::gated;
  int vocab = 0;
  bool tied_embeddings = false;
  PositionKind positions = PositionKind::rope;
  int max_positions = 0;  // learned position table size (0 = none)
  MoeDims moe;
  int sliding_window = 0;       // tokens a sliding-window layer attends to; 0 = none
  int sliding_layers = 0;       // how many of the layers use the sliding window
  bool parallel_block = false;  // attention and MLP side by side (PaLM, GPT-J)
  bool attention_bias = false;  // biases on QKV and output projections
  bool mlp_bias = false;        // biases on MLP/expert matrices
  // Published sizes, for checking the computed counts (billions; 0 = none published).
  double published_total_b = 0;
  double published_active_b = 0;
  std::string source;     // where the shapes come from
  bool estimate = false;  // shapes partly guessed; the note in `source` says which
  SourceLocation defined_at;

  bool is_moe() const { return moe.experts > 0; }
  // Whether decoder layer `i` (0-based) has routed experts.
  bool is_moe_layer(int i) const {
    return is_moe() && i >= moe.dense_layers && (i - moe.dense_layers) % moe.every == moe.every - 1;
  }
  int moe_layer_count() const;
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

// KV-cache elements one token stores in one full-attention layer
// (2 * kv_heads * head_dim; MLA stores the latent kv_lora_rank + rope dims).
double kv_elements_per_token_per_layer(const ModelArch& m);

// Shape checks: positive sizes, heads divisible by KV heads, MoE top-k <= experts.
Diagnostics validate_model(const ModelArch& m);

}  // namespace xpu
