#include "workload/model.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include <utility>
#include "base/enum_names.h"

namespace xpu {
namespace {

constexpr std::array<std::pair<AttentionKind, std::string_view>, 4> kAttention{{{AttentionKind::mha, "mha"},
                                                                                {AttentionKind::gqa, "gqa"},
                                                                                {AttentionKind::mqa, "mqa"},
                                                                                {AttentionKind::mla, "mla"}}};
constexpr std::array<std::pair<MlpKind, std::string_view>, 2> kMlp{
    {{MlpKind::gated, "gated"}, {MlpKind::plain, "plain"}}};
constexpr std::array<std::pair<PositionKind, std::string_view>, 4> kPositions{{{PositionKind::rope, "rope"},
                                                                               {PositionKind::learned, "learned"},
                                                                               {PositionKind::alibi, "alibi"},
                                                                               {PositionKind::none, "none"}}};

double d(int v) { return static_cast<double>(v); }

}  // namespace

std::string_view to_string(AttentionKind a) { return name_of(kAttention, a); }
std::optional<AttentionKind> parse_attention(std::string_view s) { return value_of(kAttention, s); }
std::string_view to_string(MlpKind m) { return name_of(kMlp, m); }
std::optional<MlpKind> parse_mlp(std::string_view s) { return value_of(kMlp, s); }
std::string_view to_string(PositionKind p) { return name_of(kPositions, p); }
std::optional<PositionKind> parse_positions(std::string_view s) { return value_of(kPositions, s); }

int ModelArch::moe_layer_count() const {
  int n = 0;
  for (int i = 0; i < layers; ++i) n += is_moe_layer(i) ? 1 : 0;
  return n;
}

double attention_params_per_layer(const ModelArch& m) {
  const double dm = d(m.d_model);
  if (m.attention == AttentionKind::mla) {
    // DeepSeek-V2/V3 MLA: low-rank query (optional) and joint KV compression.
    const MlaDims& a = m.mla;
    const double qk_head = d(a.qk_nope_head_dim + a.qk_rope_head_dim);
    double q = a.q_lora_rank > 0
                   ? dm * a.q_lora_rank + a.q_lora_rank /* norm */ + d(a.q_lora_rank) * m.n_heads * qk_head
                   : dm * m.n_heads * qk_head;
    double kv = dm * (a.kv_lora_rank + a.qk_rope_head_dim) + a.kv_lora_rank /* norm */ +
                d(a.kv_lora_rank) * m.n_heads * (a.qk_nope_head_dim + a.v_head_dim);
    double o = d(m.n_heads) * a.v_head_dim * dm;
    double indexer = 0;
    if (m.sparse.topk > 0) {
      const SparseAttention& x = m.sparse;
      const double q_in = a.q_lora_rank > 0 ? d(a.q_lora_rank) : dm;
      indexer =
          q_in * x.index_heads * x.index_head_dim + dm * x.index_head_dim + 2.0 * x.index_head_dim + dm * x.index_heads;
    }
    return q + kv + o + indexer;
  }
  const double q_width = d(m.n_heads) * m.head_dim;
  const double kv_width = d(m.n_kv_heads) * m.head_dim;
  double p = dm * q_width + 2.0 * dm * kv_width + q_width * dm;
  if (m.attention_bias) p += q_width + 2.0 * kv_width + dm;
  return p;
}

double mlp_params(const ModelArch& m, int ffn) {
  const double f = d(ffn), dm = d(m.d_model);
  double p = (m.mlp == MlpKind::gated ? 3.0 : 2.0) * dm * f;
  if (m.mlp_bias) p += (m.mlp == MlpKind::gated ? 2.0 : 1.0) * f + dm;
  return p;
}

double kv_elements_per_token_per_layer(const ModelArch& m) {
  if (m.attention == AttentionKind::mla) return d(m.mla.kv_lora_rank + m.mla.qk_rope_head_dim);
  return 2.0 * m.n_kv_heads * m.head_dim;
}

ParamCount count_parameters(const ModelArch& m) {
  ParamCount c;
  const double dm = d(m.d_model);
  c.embedding = d(m.vocab) * dm;
  c.unembedding = m.tied_embeddings ? 0.0 : d(m.vocab) * dm;
  c.positions = m.positions == PositionKind::learned ? d(m.max_positions) * dm : 0.0;
  const double attn = attention_params_per_layer(m);
  // Two norms per layer (one for a parallel block) plus the final norm, d weights each
  // (a LayerNorm's bias adds another d: under 0.01% of any shipped model, so left out).
  const double norm_width = dm;
  const double norms_per_layer = (m.parallel_block ? 1.0 : 2.0) * norm_width;
  double active_mlp = 0;
  for (int i = 0; i < m.layers; ++i) {
    c.attention += attn;
    c.norms += norms_per_layer;
    if (m.is_moe_layer(i)) {
      const double expert = mlp_params(m, m.moe.expert_ffn);
      const int shared_ffn = m.moe.shared_ffn > 0 ? m.moe.shared_ffn : m.moe.expert_ffn;
      const double shared = m.moe.shared_experts * mlp_params(m, shared_ffn);
      c.routed_experts += m.moe.experts * expert;
      c.shared_experts += shared;
      c.router += dm * m.moe.experts;
      active_mlp += m.moe.active * expert + shared + dm * m.moe.experts;
    } else {
      const double mlp = mlp_params(m, m.ffn_hidden);
      c.dense_mlp += mlp;
      active_mlp += mlp;
    }
  }
  c.norms += norm_width;  // final norm
  c.total = c.embedding + c.unembedding + c.positions + c.attention + c.dense_mlp + c.routed_experts +
            c.shared_experts + c.router + c.norms;
  // The output projection is active for every token; with tied embeddings it is the embedding table.
  const double output = m.tied_embeddings ? c.embedding : c.unembedding;
  c.active = c.attention + active_mlp + c.norms + output;
  return c;
}

PublishedDifference published_difference(const ModelArch& m, const ParamCount& c) {
  PublishedDifference d;
  if (m.published_total_b > 0) d.total = c.total * 1e-9 / m.published_total_b - 1;
  if (m.published_active_b > 0) {
    const double active = c.active + (m.published_active_has_embedding ? c.embedding : 0.0);
    d.active = active * 1e-9 / m.published_active_b - 1;
  }
  if (m.published_nominal) {
    // A size label is rounded to its last digit ("12B", "1T" = 1000B): half a
    // unit of that digit, and never under the 2% a label has always had.
    double unit = 1e-3;
    for (double u = 1e4; u >= 1e-3; u /= 10) {
      const double q = m.published_total_b / u;
      if (std::fabs(q - std::round(q)) < 1e-9 * std::max(1.0, q)) {
        unit = u;
        break;
      }
    }
    d.total_tolerance = std::max(0.02, 0.5 * unit / m.published_total_b);
  }
  return d;
}

Diagnostics validate_model(const ModelArch& m, const ModelFieldLocator& locate) {
  Diagnostics ds;
  auto err = [&](std::string_view field, std::string msg) {
    ds.push_back(error_at(locate ? locate(field) : m.defined_at, fmt::format("model '{}': {}", m.key, msg)));
  };
  auto positive = [&](int v, std::string_view field, std::string_view name = {}) {
    if (v <= 0) err(field, fmt::format("{} must be positive, got {}", name.empty() ? field : name, v));
  };
  positive(m.layers, "layers");
  positive(m.d_model, "d_model");
  positive(m.n_heads, "heads");
  positive(m.vocab, "vocab");
  if (m.attention == AttentionKind::mla) {
    positive(m.mla.kv_lora_rank, "mla.kv_lora_rank");
    positive(m.mla.qk_nope_head_dim, "mla.qk_nope_head_dim");
    positive(m.mla.qk_rope_head_dim, "mla.qk_rope_head_dim");
    positive(m.mla.v_head_dim, "mla.v_head_dim");
  } else {
    positive(m.n_kv_heads, "kv_heads");
    positive(m.head_dim, "head_dim");
    if (m.n_heads > 0 && m.n_kv_heads > 0) {
      if (m.n_heads % m.n_kv_heads != 0) {
        err("kv_heads", fmt::format("heads ({}) must be a multiple of kv_heads ({})", m.n_heads, m.n_kv_heads));
      } else if (m.attention == AttentionKind::mha && m.n_kv_heads != m.n_heads) {
        err("kv_heads",
            fmt::format("attention 'mha' needs kv_heads = heads ({}), got {}; use 'gqa'", m.n_heads, m.n_kv_heads));
      } else if (m.attention == AttentionKind::mqa && m.n_kv_heads != 1) {
        err("kv_heads", fmt::format("attention 'mqa' needs kv_heads = 1, got {}; use 'gqa'", m.n_kv_heads));
      } else if (m.attention == AttentionKind::gqa && m.n_kv_heads == m.n_heads && m.n_heads > 1) {
        err("kv_heads", fmt::format("attention 'gqa' needs fewer kv_heads than heads ({}); use 'mha'", m.n_heads));
      }
    }
  }
  if (m.positions == PositionKind::learned && m.max_positions <= 0) {
    err("max_positions", "learned positions need max_positions (the size of the position table)");
  }
  if (m.is_moe()) {
    positive(m.moe.active, "moe.active");
    positive(m.moe.expert_ffn, "moe.expert_ffn");
    positive(m.moe.every, "moe.every");
    if (m.moe.active > m.moe.experts) {
      err("moe.active", fmt::format("moe.active ({}) exceeds moe.experts ({})", m.moe.active, m.moe.experts));
    }
    if (m.moe.dense_layers >= m.layers && m.layers > 0) {
      err("moe.dense_layers",
          fmt::format("moe.dense_layers ({}) leaves no MoE layer of {}", m.moe.dense_layers, m.layers));
    }
    if (m.moe.dense_layers > 0 || m.moe.every > 1) positive(m.ffn_hidden, "ffn", "ffn (the dense layers' MLP width)");
  } else {
    positive(m.ffn_hidden, "ffn");
  }
  if (m.sliding_layers > m.layers) {
    err("sliding_layers", fmt::format("sliding_layers ({}) exceeds layers ({})", m.sliding_layers, m.layers));
  }
  if (m.sliding_layers > 0 && m.sliding_window <= 0)
    err("sliding_window", "sliding_layers needs a positive sliding_window");
  if (m.global_every < 0) err("global_every", fmt::format("global_every must be positive, got {}", m.global_every));
  if (m.global_every > 0 && m.layers > 0 && m.sliding_layers != m.layers - m.layers / m.global_every) {
    err("global_every", fmt::format("global_every {} makes {} of {} layers local, but sliding_layers is {}",
                                    m.global_every, m.layers - m.layers / m.global_every, m.layers, m.sliding_layers));
  }
  if (m.sparse.topk != 0 || m.sparse.index_heads != 0 || m.sparse.index_head_dim != 0) {
    if (m.attention != AttentionKind::mla)
      err("sparse_attention", "sparse attention (an indexer) is modelled on MLA only");
    positive(m.sparse.topk, "sparse_attention.topk");
    positive(m.sparse.index_heads, "sparse_attention.index_heads");
    positive(m.sparse.index_head_dim, "sparse_attention.index_head_dim");
  }
  if (m.published_active_b > m.published_total_b && m.published_total_b > 0) {
    err("params_b",
        fmt::format("published active size ({}B) exceeds the total ({}B)", m.published_active_b, m.published_total_b));
  }
  return ds;
}

}  // namespace xpu
