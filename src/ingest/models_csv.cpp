// models.csv (data/validation/CASES.md, "models.csv"): one row per model key
// with the shapes a validation case needs. Families fix what the columns do
// not say (MLP kind, biases, positions, tied embeddings), as CASES.md's table
// of families describes them.
#include <fmt/format.h>

#include <charconv>
#include <map>
#include <sstream>

#include "base/csv.h"
#include "ingest/model_io.h"
#include "ingest/text_file.h"

namespace xpu {
namespace {

int to_int(const std::string& s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

double to_double(const std::string& s) {
  double v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// What CASES.md's family table says about each family.
void apply_family(ModelArch& m) {
  const std::string& f = m.family;
  const bool gpt_like = f == "gpt3" || f == "megatron-gpt" || f == "opt" || f == "bloom";
  m.mlp = gpt_like || f == "maxtext-2023" ? MlpKind::plain : MlpKind::gated;
  m.tied_embeddings = gpt_like || f == "palm" || f == "maxtext-2023";
  m.attention_bias = m.mlp_bias = gpt_like;
  if (f == "gpt3" || f == "megatron-gpt" || f == "opt") {
    m.positions = PositionKind::learned;
    m.max_positions = 2048;
  } else if (f == "bloom") {
    m.positions = PositionKind::alibi;
  }
  m.parallel_block = f == "palm";
  if (f == "gemma2" || f == "gemma3") m.tied_embeddings = true;  // GeGLU MLP (gated), tied input/output embeddings
  if (f == "gpt-oss") {
    // Alternating full and 128-token sliding-window layers; biases on attention and experts.
    m.sliding_window = 128;
    m.sliding_layers = m.layers / 2;
    m.attention_bias = m.mlp_bias = true;
  }
}

}  // namespace

std::vector<ModelArch> parse_models_csv(const std::string& text, const std::string& name, Diagnostics& ds) {
  std::vector<ModelArch> out;
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line)) return out;
  std::map<std::string, size_t> col;
  const auto header = split_csv_line(line).text;
  for (size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  for (const char* need : {"model", "family", "layers", "d_model", "n_heads", "vocab", "attention"}) {
    if (!col.count(need)) ds.push_back(error_at({name, 1, 0, ""}, fmt::format("missing column '{}'", need)));
  }
  if (has_errors(ds)) return out;
  int lineno = 1;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    const auto cells = split_csv_line(line).text;
    auto get = [&](const char* c) -> std::string {
      auto it = col.find(c);
      return it != col.end() && it->second < cells.size() ? cells[it->second] : std::string();
    };
    ModelArch m;
    m.key = get("model");
    m.name = m.key;
    m.family = get("family");
    m.defined_at = {name, lineno, 0, ""};
    m.source = get("source");
    m.layers = to_int(get("layers"));
    m.d_model = to_int(get("d_model"));
    m.n_heads = to_int(get("n_heads"));
    m.n_kv_heads = get("n_kv_heads").empty() ? m.n_heads : to_int(get("n_kv_heads"));
    m.head_dim = get("head_dim").empty() && m.n_heads > 0 ? m.d_model / m.n_heads : to_int(get("head_dim"));
    m.ffn_hidden = to_int(get("ffn_hidden"));
    m.vocab = to_int(get("vocab"));
    if (auto a = parse_attention(get("attention"))) m.attention = *a;
    m.moe.experts = to_int(get("moe_experts"));
    m.moe.active = to_int(get("moe_active"));
    m.moe.expert_ffn = to_int(get("moe_ffn_hidden"));
    m.moe.shared_experts = to_int(get("n_shared_experts"));
    m.moe.dense_layers = to_int(get("dense_layers"));
    m.published_total_b = to_double(get("total_params_b"));
    m.published_active_b = to_double(get("active_params_b"));
    if (m.attention == AttentionKind::mla) {
      // models.csv has no MLA columns; DeepSeek-V3's are the only published
      // MLA shapes its rows use (its source column names them).
      m.mla = {1536, 512, 128, 64, 128};
      m.head_dim = m.mla.qk_nope_head_dim + m.mla.qk_rope_head_dim;
      m.estimate = m.family != "deepseek-v3";
    }
    if (m.layers == 0 || m.d_model == 0) {
      m.estimate = true;  // shapes not published (e.g. maxtext-dense-1160b): cannot be predicted
    } else {
      apply_family(m);
    }
    if (m.family == "maxtext") m.estimate = true;  // an empty family reads as llama-like (the default block)
    // Llama 4 puts experts on every other layer, which these columns cannot say:
    // the shipped YAML entry (data/models/llama.yaml) is the definition.
    if (m.family == "llama4") m.estimate = true;
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<ModelArch> read_models_csv(const std::string& path, Diagnostics& ds) {
  auto text = read_text_file(path, ds);
  if (!text) return {};
  return parse_models_csv(*text, path, ds);
}

}  // namespace xpu
