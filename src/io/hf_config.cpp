// Hugging Face config.json import. Field names follow the transformers
// configuration classes (LlamaConfig, MistralConfig, MixtralConfig,
// Qwen2Config, Qwen2MoeConfig, Qwen3Config, Qwen3MoeConfig, DeepseekV3Config,
// GptOssConfig; github.com/huggingface/transformers, src/transformers/models/*).
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/suggest.h"
#include "io/model_io.h"

namespace xpu {
namespace {

using nlohmann::json;

const std::vector<std::string> kSupportedTypes{"llama", "mistral",   "mixtral",     "qwen2",       "qwen2_moe",
                                               "qwen3", "qwen3_moe", "deepseek_v3", "deepseek_v2", "gpt_oss"};

// Reads fields of one JSON object, collecting every problem with its JSON pointer.
struct Fields {
  const json& j;
  const std::string& file;
  Diagnostics& ds;

  void error(const std::string& key, std::string msg) {
    ds.push_back(error_at({file, 0, 0, "/" + key}, std::move(msg)));
  }
  bool has(const std::string& key) const { return j.contains(key) && !j.at(key).is_null(); }
  int integer(const std::string& key) {
    if (!has(key)) {
      error(key, fmt::format("missing field '{}'", key));
      return 0;
    }
    const json& v = j.at(key);
    if (!v.is_number_integer() || v.get<long long>() <= 0) {
      error(key, fmt::format("'{}' must be a positive integer, got {}", key, v.dump()));
      return 0;
    }
    return v.get<int>();
  }
  int integer_or(const std::string& key, int fallback) {
    if (!has(key)) return fallback;
    const json& v = j.at(key);
    if (!v.is_number_integer() || v.get<long long>() < 0) {
      error(key, fmt::format("'{}' must be a whole number, got {}", key, v.dump()));
      return fallback;
    }
    return v.get<int>();
  }
  bool boolean_or(const std::string& key, bool fallback) {
    if (!has(key)) return fallback;
    if (!j.at(key).is_boolean()) {
      error(key, fmt::format("'{}' must be true or false, got {}", key, j.at(key).dump()));
      return fallback;
    }
    return j.at(key).get<bool>();
  }
};

// Line and column of a byte offset, for JSON syntax errors.
SourceLocation position_in(const std::string& text, const std::string& file, size_t byte) {
  int line = 1, col = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return SourceLocation{file, line, col, ""};
}

}  // namespace

std::optional<ModelArch> parse_hf_config(const std::string& text, const std::string& name, Diagnostics& ds,
                                         const std::string& key) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character.
    ds.push_back(
        error_at(position_in(text, name, e.byte > 0 ? e.byte - 1 : 0), fmt::format("malformed JSON: {}", e.what())));
    return std::nullopt;
  }
  if (!root.is_object()) {
    ds.push_back(error_at({name, 0, 0, ""}, "a config.json must be a JSON object"));
    return std::nullopt;
  }
  const size_t errors_before = ds.size();
  Fields f{root, name, ds};
  if (!f.has("model_type") || !root.at("model_type").is_string()) {
    f.error("model_type", "missing field 'model_type' (e.g. \"llama\"); cannot tell the architecture");
    return std::nullopt;
  }
  const std::string type = root.at("model_type").get<std::string>();
  if (std::find(kSupportedTypes.begin(), kSupportedTypes.end(), type) == kSupportedTypes.end()) {
    std::string list;
    for (const auto& t : kSupportedTypes) list += (list.empty() ? "" : ", ") + t;
    f.error("model_type",
            fmt::format("unknown model_type '{}'{}; supported: {}", type, did_you_mean(type, kSupportedTypes), list));
    return std::nullopt;
  }

  ModelArch m;
  m.key = key.empty() ? std::filesystem::path(name).parent_path().filename().string() : key;
  if (m.key.empty()) m.key = std::filesystem::path(name).stem().string();
  m.name = m.key;
  m.family = type;
  m.source = fmt::format("Hugging Face config.json: {}", name);
  m.defined_at = {name, 0, 0, ""};
  m.layers = f.integer("num_hidden_layers");
  m.d_model = f.integer("hidden_size");
  m.n_heads = f.integer("num_attention_heads");
  m.n_kv_heads = f.integer_or("num_key_value_heads", m.n_heads);
  m.head_dim = f.integer_or("head_dim", m.n_heads > 0 ? m.d_model / m.n_heads : 0);
  m.vocab = f.integer("vocab_size");
  m.tied_embeddings = f.boolean_or("tie_word_embeddings", false);
  m.mlp = MlpKind::gated;  // every supported family uses SwiGLU
  m.positions = PositionKind::rope;
  m.attention_bias = f.boolean_or("attention_bias", type == "qwen2" || type == "qwen2_moe");
  m.attention = m.n_kv_heads == m.n_heads ? AttentionKind::mha
                : m.n_kv_heads == 1       ? AttentionKind::mqa
                                          : AttentionKind::gqa;

  if (type == "llama" || type == "mistral" || type == "qwen2" || type == "qwen3") {
    m.ffn_hidden = f.integer("intermediate_size");
  } else if (type == "mixtral") {
    m.moe.experts = f.integer("num_local_experts");
    m.moe.active = f.integer("num_experts_per_tok");
    m.moe.expert_ffn = f.integer("intermediate_size");
  } else if (type == "qwen2_moe" || type == "qwen3_moe") {
    m.moe.experts = f.integer("num_experts");
    m.moe.active = f.integer("num_experts_per_tok");
    m.moe.expert_ffn = f.integer("moe_intermediate_size");
    m.moe.every = f.integer_or("decoder_sparse_step", 1);
    if (type == "qwen2_moe" && f.integer_or("shared_expert_intermediate_size", 0) > 0) {
      m.moe.shared_experts = 1;
      m.moe.shared_ffn = f.integer("shared_expert_intermediate_size");
    }
    if (f.has("mlp_only_layers") && root.at("mlp_only_layers").is_array() && !root.at("mlp_only_layers").empty()) {
      f.error("mlp_only_layers", "non-empty 'mlp_only_layers' is not supported; describe the model in YAML instead");
    }
    if (m.moe.every > 1) m.ffn_hidden = f.integer("intermediate_size");
  } else if (type == "deepseek_v3" || type == "deepseek_v2") {
    m.attention = AttentionKind::mla;
    m.n_kv_heads = m.n_heads;
    m.mla.q_lora_rank = f.integer_or("q_lora_rank", 0);
    m.mla.kv_lora_rank = f.integer("kv_lora_rank");
    m.mla.qk_nope_head_dim = f.integer("qk_nope_head_dim");
    m.mla.qk_rope_head_dim = f.integer("qk_rope_head_dim");
    m.mla.v_head_dim = f.integer("v_head_dim");
    m.head_dim = m.mla.qk_nope_head_dim + m.mla.qk_rope_head_dim;
    m.ffn_hidden = f.integer("intermediate_size");
    m.moe.experts = f.integer("n_routed_experts");
    m.moe.active = f.integer("num_experts_per_tok");
    m.moe.expert_ffn = f.integer("moe_intermediate_size");
    m.moe.shared_experts = f.integer_or("n_shared_experts", 0);
    m.moe.dense_layers = f.integer_or("first_k_dense_replace", 0);
    m.moe.every = f.integer_or("moe_layer_freq", 1);
  } else if (type == "gpt_oss") {
    m.moe.experts = f.integer("num_local_experts");
    m.moe.active = f.has("num_experts_per_tok") ? f.integer("num_experts_per_tok") : f.integer("experts_per_token");
    m.moe.expert_ffn = f.integer("intermediate_size");
    m.mlp_bias = true;
    m.attention_bias = f.boolean_or("attention_bias", true);
  }

  // Sliding-window layers: gpt-oss lists layer_types; Qwen2 windows layers from
  // max_window_layers on when use_sliding_window; Mistral windows every layer.
  if (f.has("layer_types") && root.at("layer_types").is_array()) {
    for (const auto& t : root.at("layer_types")) m.sliding_layers += t == "sliding_attention" ? 1 : 0;
    if (m.sliding_layers > 0) m.sliding_window = f.integer("sliding_window");
  } else if (type == "qwen2" || type == "qwen2_moe" || type == "qwen3" || type == "qwen3_moe") {
    if (f.boolean_or("use_sliding_window", false) && f.has("sliding_window")) {
      m.sliding_window = f.integer("sliding_window");
      m.sliding_layers = std::max(0, m.layers - f.integer_or("max_window_layers", m.layers));
    }
  } else if ((type == "mistral" || type == "mixtral") && f.has("sliding_window")) {
    m.sliding_window = f.integer("sliding_window");
    m.sliding_layers = m.layers;
  }

  if (ds.size() > errors_before) return std::nullopt;
  for (auto& d : validate_model(m)) ds.push_back(std::move(d));
  return m;
}

std::optional<ModelArch> read_hf_config(const std::string& path, Diagnostics& ds, const std::string& key) {
  std::ifstream in(path);
  if (!in) {
    ds.push_back(error_at({path, 0, 0, ""}, "cannot open file"));
    return std::nullopt;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_hf_config(buf.str(), path, ds, key);
}

}  // namespace xpu
