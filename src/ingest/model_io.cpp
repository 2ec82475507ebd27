// Reading model architectures from xpuplan's YAML (format: docs/data-format.md).
#include <fmt/format.h>

#include "ingest/catalog_io.h"
#include "ingest/model_io.h"

namespace xpu {
namespace {

const std::vector<std::string> kAttentionNames{"mha", "gqa", "mqa", "mla"};
const std::vector<std::string> kMlpNames{"gated", "plain"};
const std::vector<std::string> kPositionNames{"rope", "learned", "alibi", "none"};
const std::vector<std::string> kLocalNames{"sliding", "chunked"};

int as_int(long long v) { return static_cast<int>(v); }

}  // namespace

std::optional<ModelArch> read_model(MapReader& r) {
  ModelArch m;
  m.defined_at = r.where();
  auto key = r.str("key");
  if (key) {
    m.key = *key;
    r.set_what(fmt::format("model '{}'", m.key));
  }
  if (auto v = r.str("name")) m.name = *v;
  if (auto v = r.str("family")) m.family = *v;
  if (auto v = r.integer("layers")) m.layers = as_int(*v);
  if (auto v = r.integer("d_model")) m.d_model = as_int(*v);
  if (auto v = r.integer("heads")) m.n_heads = as_int(*v);
  if (auto a = r.choice("attention", kAttentionNames)) m.attention = *parse_attention(*a);
  const Need per_head = m.attention == AttentionKind::mla ? Need::optional : Need::required;
  if (auto v = r.integer("kv_heads", per_head)) m.n_kv_heads = as_int(*v);
  if (auto v = r.integer("head_dim", per_head)) m.head_dim = as_int(*v);
  if (auto v = r.integer("ffn", Need::optional)) m.ffn_hidden = as_int(*v);
  if (auto v = r.choice("mlp", kMlpNames)) m.mlp = *parse_mlp(*v);
  if (auto v = r.integer("vocab")) m.vocab = as_int(*v);
  if (auto v = r.boolean("tied_embeddings")) m.tied_embeddings = *v;
  if (auto v = r.choice("positions", kPositionNames, Need::optional)) m.positions = *parse_positions(*v);
  if (auto v = r.integer("max_positions", Need::optional)) m.max_positions = as_int(*v);
  if (auto g = r.map("moe")) {
    if (auto v = g->integer("experts")) m.moe.experts = as_int(*v);
    if (auto v = g->integer("active")) m.moe.active = as_int(*v);
    if (auto v = g->integer("expert_ffn")) m.moe.expert_ffn = as_int(*v);
    if (auto v = g->integer("shared_experts", Need::optional, Sign::non_negative)) m.moe.shared_experts = as_int(*v);
    if (auto v = g->integer("shared_ffn", Need::optional)) m.moe.shared_ffn = as_int(*v);
    if (auto v = g->integer("dense_layers", Need::optional, Sign::non_negative)) m.moe.dense_layers = as_int(*v);
    if (auto v = g->integer("every", Need::optional)) m.moe.every = as_int(*v);
    g->finish();
  }
  if (auto g = r.map("mla", m.attention == AttentionKind::mla ? Need::required : Need::optional)) {
    if (auto v = g->integer("q_lora_rank", Need::optional, Sign::non_negative)) m.mla.q_lora_rank = as_int(*v);
    if (auto v = g->integer("kv_lora_rank")) m.mla.kv_lora_rank = as_int(*v);
    if (auto v = g->integer("qk_nope_head_dim")) m.mla.qk_nope_head_dim = as_int(*v);
    if (auto v = g->integer("qk_rope_head_dim")) m.mla.qk_rope_head_dim = as_int(*v);
    if (auto v = g->integer("v_head_dim")) m.mla.v_head_dim = as_int(*v);
    g->finish();
  }
  if (auto v = r.integer("sliding_window", Need::optional)) m.sliding_window = as_int(*v);
  if (auto v = r.integer("sliding_layers", Need::optional, Sign::non_negative)) m.sliding_layers = as_int(*v);
  if (auto v = r.choice("local_attention", kLocalNames, Need::optional)) m.chunked_local = *v == "chunked";
  if (auto v = r.integer("global_every", Need::optional)) {
    m.global_every = as_int(*v);
    // The interleave fixes the count; a stated count is checked against it (validate_model).
    if (!r.has("sliding_layers") && m.layers > 0) m.sliding_layers = m.layers - m.layers / m.global_every;
  }
  if (auto g = r.map("sparse_attention", Need::optional)) {
    if (auto v = g->integer("topk")) m.sparse.topk = as_int(*v);
    if (auto v = g->integer("index_heads")) m.sparse.index_heads = as_int(*v);
    if (auto v = g->integer("index_head_dim")) m.sparse.index_head_dim = as_int(*v);
    g->finish();
  }
  if (auto v = r.boolean("parallel_block")) m.parallel_block = *v;
  if (auto v = r.boolean("attention_bias")) m.attention_bias = *v;
  if (auto v = r.boolean("mlp_bias")) m.mlp_bias = *v;
  if (auto g = r.map("params_b")) {
    if (auto v = g->number("total")) m.published_total_b = *v;
    if (auto v = g->number("active", Need::optional)) m.published_active_b = *v;
    if (auto v = g->boolean("nominal")) m.published_nominal = *v;
    if (auto v = g->boolean("active_with_embedding")) m.published_active_has_embedding = *v;
    g->finish();
  }
  Provenance p = read_provenance(r, {});
  m.source = p.source;
  m.retrieved = p.retrieved;
  m.note = p.note;
  m.estimate = p.estimate;
  if (p.source.empty()) r.error("has no source; add 'source:' naming the config or paper its shapes come from");
  if (p.estimate && p.note.empty()) r.error("is marked 'estimate: true'; add a 'note:' saying what is guessed");
  r.finish();
  if (!key) return std::nullopt;
  // A check on "moe.active" points at the `moe:` mapping's line, "kv_heads" at its own.
  const auto locate = [&r](std::string_view field) { return r.where(field.substr(0, field.find('.'))); };
  for (auto& d : validate_model(m, locate)) r.diagnostics().push_back(std::move(d));
  return m;
}

}  // namespace xpu
