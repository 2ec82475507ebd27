// models.csv (data/validation/CASES.md, "models.csv"): one row per model key
// with the shapes a validation case needs. Families fix what the columns do
// not say (MLP kind, biases, positions, tied embeddings), as CASES.md's table
// of families describes them.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>

#include "base/csv.h"
#include "base/suggest.h"
#include "ingest/model_io.h"
#include "ingest/text_file.h"

namespace xpu {
namespace {

// One row's cells, read by column name; a cell that is not what its column
// holds is an error at its file:line:col (it used to read as 0, silently:
// "eighty" layers made the model "estimated" and its cases skipped).
struct CsvRow {
  const CsvCells& cells;
  const std::map<std::string, size_t>& col;
  const std::string& file;
  int line;
  Diagnostics& ds;

  std::string get(const char* c) const {
    auto it = col.find(c);
    return it != col.end() && it->second < cells.text.size() ? cells.text[it->second] : std::string();
  }
  // Where column `c`'s cell is (the row's line when the row has none).
  SourceLocation at(const char* c) const {
    auto it = col.find(c);
    const bool in_row = it != col.end() && it->second < cells.starts.size();
    return {file, line + (in_row ? cells.lines[it->second] : 0), in_row ? cells.starts[it->second] : 0, ""};
  }
  void error(const char* c, const std::string& msg) const {
    ds.push_back(error_at(at(c), fmt::format("{}: {}", c, msg)));
  }
  // Empty: 0 (not given).
  int whole(const char* c) const {
    const std::string s = get(c);
    int v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!s.empty() && (ec != std::errc() || p != s.data() + s.size() || v < 0)) {
      error(c, fmt::format("must be a whole number, got '{}'", s));
      return 0;
    }
    return v;
  }
  double number(const char* c) const {
    const std::string s = get(c);
    double v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!s.empty() && (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v) || v < 0)) {
      error(c, fmt::format("must be a number (billions of parameters), got '{}'", s));
      return 0;
    }
    return v;
  }
};

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

// What a row's cells say together. A family CASES.md does not list was read
// as llama-like without a word ('lama3'); a row's shape skipped the checks a
// YAML or config.json model gets, so 30 heads over 7 KV heads, or a d_model
// the heads do not divide (head_dim truncated), were estimated silently
// (usertrial4).
void check_row(const CsvRow& row, const ModelArch& m) {
  static const std::vector<std::string> kFamilies{
      "gpt3",  "megatron-gpt", "opt",          "bloom",   "palm",    "llama",  "deepseek-v3", "gpt-oss",
      "qwen3", "qwen3-moe",    "maxtext-2023", "maxtext", "mixtral", "llama4", "gemma2",      "gemma3"};
  if (!m.family.empty() && std::find(kFamilies.begin(), kFamilies.end(), m.family) == kFamilies.end()) {
    row.ds.push_back(warning_at(
        row.at("family"), fmt::format("family: unknown family '{}'{}: read as llama-like (gated MLP, rotary "
                                      "positions, untied embeddings; data/validation/CASES.md lists the families)",
                                      m.family, did_you_mean(m.family, kFamilies))));
  }
  if (m.estimate) return;  // shapes not published: nothing to check
  if (row.get("head_dim").empty() && m.attention != AttentionKind::mla && m.n_heads > 0 && m.d_model % m.n_heads != 0) {
    row.error("n_heads",
              fmt::format("d_model {} is not a multiple of n_heads {}; give head_dim", m.d_model, m.n_heads));
  }
  static const std::map<std::string_view, const char*> kColumn{{"layers", "layers"},
                                                               {"d_model", "d_model"},
                                                               {"heads", "n_heads"},
                                                               {"kv_heads", "n_kv_heads"},
                                                               {"head_dim", "head_dim"},
                                                               {"ffn", "ffn_hidden"},
                                                               {"vocab", "vocab"},
                                                               {"moe.active", "moe_active"},
                                                               {"moe.expert_ffn", "moe_ffn_hidden"},
                                                               {"moe.dense_layers", "dense_layers"}};
  const auto locate = [&](std::string_view field) {
    const auto it = kColumn.find(field);
    return row.at(it != kColumn.end() ? it->second : "model");
  };
  for (auto& d : validate_model(m, locate)) row.ds.push_back(std::move(d));
}

}  // namespace

std::vector<ModelArch> parse_models_csv(const std::string& text, const std::string& name, Diagnostics& ds) {
  std::vector<ModelArch> out;
  std::istringstream in(text);
  CsvRecords records(in);
  std::string line;
  if (!records.next(line)) return out;
  static const std::vector<std::string> kRequired{"model",   "family", "layers",   "d_model",
                                                  "n_heads", "vocab",  "attention"};
  static const std::vector<std::string> kKnown{"model",
                                               "family",
                                               "layers",
                                               "d_model",
                                               "n_heads",
                                               "n_kv_heads",
                                               "head_dim",
                                               "ffn_hidden",
                                               "vocab",
                                               "moe_experts",
                                               "moe_active",
                                               "moe_ffn_hidden",
                                               "n_shared_experts",
                                               "dense_layers",
                                               "attention",
                                               "total_params_b",
                                               "active_params_b",
                                               "source"};
  const CsvHeader csv = read_csv_header(line, name, kRequired, kKnown, ds);
  if (!csv.ok) return out;
  const std::map<std::string, size_t> col(csv.col.begin(), csv.col.end());
  const std::vector<std::string>& header = csv.names;
  while (records.next(line)) {
    const int lineno = records.line();
    if (line.empty() || line == "\r") continue;
    const CsvCells cells = split_csv_line(line);
    const CsvRow row{cells, col, name, lineno, ds};
    if (cells.open_quote_column > 0) {
      ds.push_back(error_at({name, lineno + cells.open_quote_line, cells.open_quote_column, ""},
                            "this quote is never closed: the rest of the file was read as one cell"));
      continue;
    }
    if (cells.text.size() > header.size()) {
      // An unquoted comma shifts every later cell into the wrong column.
      ds.push_back(error_at({name, lineno + cells.lines[header.size()], cells.starts[header.size()], ""},
                            fmt::format("row has {} cells, the header {} (quote a cell that holds a comma)",
                                        cells.text.size(), header.size())));
      continue;
    }
    auto get = [&](const char* c) { return row.get(c); };
    ModelArch m;
    m.key = get("model");
    m.name = m.key;
    m.family = get("family");
    m.defined_at = {name, lineno, 0, ""};
    m.source = get("source");
    m.layers = row.whole("layers");
    m.d_model = row.whole("d_model");
    m.n_heads = row.whole("n_heads");
    m.n_kv_heads = get("n_kv_heads").empty() ? m.n_heads : row.whole("n_kv_heads");
    m.head_dim = get("head_dim").empty() && m.n_heads > 0 ? m.d_model / m.n_heads : row.whole("head_dim");
    m.ffn_hidden = row.whole("ffn_hidden");
    m.vocab = row.whole("vocab");
    if (auto a = parse_attention(get("attention"))) {
      m.attention = *a;
    } else if (!get("attention").empty()) {  // empty: shapes unknown (an estimated row)
      const std::vector<std::string> kinds{"mha", "gqa", "mqa", "mla"};
      row.error("attention", fmt::format("must be one of mha, gqa, mqa, mla; got '{}'{}", get("attention"),
                                         did_you_mean(get("attention"), kinds)));
    }
    m.moe.experts = row.whole("moe_experts");
    m.moe.active = row.whole("moe_active");
    m.moe.expert_ffn = row.whole("moe_ffn_hidden");
    m.moe.shared_experts = row.whole("n_shared_experts");
    m.moe.dense_layers = row.whole("dense_layers");
    m.published_total_b = row.number("total_params_b");
    m.published_active_b = row.number("active_params_b");
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
    check_row(row, m);
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
