// Hugging Face config.json import. Field names and defaults follow the
// transformers configuration classes (LlamaConfig, MistralConfig, MixtralConfig,
// Qwen2Config, Qwen2MoeConfig, Qwen3Config, Qwen3MoeConfig, DeepseekV2Config,
// DeepseekV3Config, GptOssConfig, Llama4TextConfig, Gemma2Config,
// Gemma3TextConfig, Phi3Config; github.com/huggingface/transformers,
// src/transformers/models/*/configuration_*.py) and the layer rules of the
// matching modeling_*.py files; Kimi K2 (kimi_k2) is DeepSeek-V3's
// architecture, DeepSeek-V3.2 (deepseek_v32) adds the sparse-attention
// indexer of deepseek-ai/DeepSeek-V3.2-Exp inference/model.py.
//
// Shape fields (sizes, counts) are required: the classes' defaults describe
// their flagship model and would silently stand in for a missing number.
// Behaviour flags (biases, tying, sliding windows) take the class default.
#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/suggest.h"
#include "ingest/json_text.h"
#include "ingest/model_io.h"
#include "ingest/text_file.h"

namespace xpu {
namespace {

using nlohmann::json;

const std::vector<std::string> kSupportedTypes{"deepseek_v2", "deepseek_v3", "deepseek_v32", "gemma2", "gemma3",
                                               "gemma3_text", "gpt_oss",     "kimi_k2",      "llama",  "llama4",
                                               "llama4_text", "mistral",     "mixtral",      "phi3",   "qwen2",
                                               "qwen2_moe",   "qwen3",       "qwen3_moe"};

// Types whose language model sits in `text_config` (multimodal checkpoints).
bool nested_text(const std::string& type) { return type == "llama4" || type == "gemma3"; }

// Reads the fields of one JSON object (the root, or Llama 4's text_config),
// collecting every problem with its JSON pointer.
struct Fields {
  const json& j;
  std::string prefix;  // JSON pointer of `j`: "" or "/text_config"
  const std::string& file;
  Diagnostics& ds;
  JsonKeyUse& use;

  void error(const std::string& key, std::string msg) {
    ds.push_back(error_at({file, 0, 0, prefix + "/" + key}, std::move(msg)));
  }
  bool has(const std::string& key, bool required = false) { return use.ask(j, key, required) && !j.at(key).is_null(); }
  // Present, null or not (where null means something else than absent).
  bool given(const std::string& key) { return use.ask(j, key, false); }
  // A whole number in [min, INT_MAX]; reports and returns nullopt otherwise.
  std::optional<int> whole(const std::string& key, int min) {
    const json& v = j.at(key);
    const char* what = min > 0 ? "a positive" : "a non-negative";
    // Say which of the three a value breaks: 2147483648 layers was "must be a
    // positive integer", and "4096" (text) read like a number (usertrial3).
    if (v.is_number_integer() && v.get<long long>() >= min && v.get<long long>() > INT_MAX) {
      error(key, fmt::format("'{}' must be at most {}, got {}", key, INT_MAX, v.dump()));
      return std::nullopt;
    }
    if (!v.is_number_integer() || v.get<long long>() < min) {
      error(key, fmt::format("'{}' must be {} integer, got {}{}", key, what, v.dump(),
                             v.is_string() ? " (text: write the number without quotes)" : ""));
      return std::nullopt;
    }
    return static_cast<int>(v.get<long long>());
  }
  int required(const std::string& key) {
    if (!has(key, true)) {
      // `"hidden_size": null` is given, not missing (usertrial3).
      error(key, j.contains(key) ? fmt::format("'{}' is null; give a positive integer", key)
                                 : fmt::format("missing required field '{}'", key));
      return 0;
    }
    return whole(key, 1).value_or(0);
  }
  // Absent or null: `fallback` (the configuration class's default).
  int optional(const std::string& key, int fallback, int min = 1) {
    if (!has(key)) return fallback;
    return whole(key, min).value_or(fallback);
  }
  bool flag(const std::string& key, bool fallback) {
    if (!has(key)) return fallback;
    if (!j.at(key).is_boolean()) {
      error(key, fmt::format("'{}' must be true or false, got {}", key, j.at(key).dump()));
      return fallback;
    }
    return j.at(key).get<bool>();
  }
  // A list of whole numbers; nullopt (after reporting) if it is not one.
  std::optional<std::vector<int>> int_list(const std::string& key) {
    if (!has(key)) return std::vector<int>{};
    const json& v = j.at(key);
    std::vector<int> out;
    bool ok = v.is_array();
    for (size_t i = 0; ok && i < v.size(); ++i) {
      ok = v[i].is_number_integer() && v[i].get<long long>() >= 0 && v[i].get<long long>() <= INT_MAX;
      if (ok) out.push_back(static_cast<int>(v[i].get<long long>()));
    }
    if (!ok) {
      error(key, fmt::format("'{}' must be a list of layer numbers, got {}", key, v.dump()));
      return std::nullopt;
    }
    return out;
  }
};

// Sliding-window layers. Explicit layer_types win (gpt-oss, recent Qwen3 and Llama 4 configs).
// Otherwise: Mistral windows every layer (MistralConfig.sliding_window defaults to 4096, Mixtral's
// to none); Qwen2/3 window layers max_window_layers.. when use_sliding_window (default 28).
void read_sliding(Fields& f, const std::string& type, ModelArch& m) {
  if (f.has("layer_types")) {
    const json& types = f.j.at("layer_types");
    if (!types.is_array() || types.size() != static_cast<size_t>(m.layers)) {
      f.error("layer_types",
              fmt::format("'layer_types' must list one type per layer ({}), got {}", m.layers, types.dump()));
      return;
    }
    for (const auto& t : types) {
      if (t == "sliding_attention" || t == "chunked_attention") {
        ++m.sliding_layers;
      } else if (t != "full_attention") {
        f.error("layer_types", fmt::format("layer type {} is not supported (only full_attention, "
                                           "sliding_attention and chunked_attention)",
                                           t.dump()));
        return;
      }
    }
    if (m.sliding_layers > 0) {
      const char* key = f.has("attention_chunk_size") ? "attention_chunk_size" : "sliding_window";
      m.sliding_window = f.required(key);
    }
  } else if (type == "gemma2" || type == "gemma3_text" || type == "gemma3") {
    // Gemma2: every other layer slides (modeling_gemma2: layer i slides when (i + 1) % 2);
    // Gemma3TextConfig: sliding_window_pattern (default 6), the last layer of each group global.
    const int every = type == "gemma2" ? 2 : f.optional("sliding_window_pattern", 6);
    m.sliding_window = f.optional("sliding_window", 4096);
    m.global_every = every;
    m.sliding_layers = m.layers - m.layers / every;
  } else if (type == "phi3") {
    // Phi3Config: sliding_window applies to every layer when set (null in Phi-4).
    m.sliding_window = f.optional("sliding_window", 0);
    if (m.sliding_window > 0) m.sliding_layers = m.layers;
  } else if (type == "mistral" || type == "mixtral") {
    if (!f.given("sliding_window") && type == "mistral") {
      m.sliding_window = 4096;
    } else {
      m.sliding_window = f.optional("sliding_window", 0);
    }
    if (m.sliding_window > 0) m.sliding_layers = m.layers;
  } else if (type.starts_with("qwen") && f.flag("use_sliding_window", false)) {
    m.sliding_window = f.optional("sliding_window", 4096);
    m.sliding_layers = std::max(0, m.layers - f.optional("max_window_layers", 28, 0));
  }
}

// Dense layers a Qwen MoE config asks for: mlp_only_layers must be the leading layers
// (modeling_qwen2_moe: MoE iff layer not in mlp_only_layers and (layer + 1) % decoder_sparse_step == 0).
void read_qwen_moe_layout(Fields& f, ModelArch& m) {
  m.moe.every = f.optional("decoder_sparse_step", 1);
  auto dense = f.int_list("mlp_only_layers");
  if (!dense) return;
  for (size_t i = 0; i < dense->size(); ++i) {
    if ((*dense)[i] != static_cast<int>(i) || dense->size() % static_cast<size_t>(m.moe.every) != 0) {
      f.error("mlp_only_layers", fmt::format("'mlp_only_layers' {} is not a leading block of layers that "
                                             "decoder_sparse_step {} divides; describe the model in YAML instead",
                                             f.j.at("mlp_only_layers").dump(), m.moe.every));
      return;
    }
  }
  m.moe.dense_layers = static_cast<int>(dense->size());
}

void read_deepseek(Fields& f, ModelArch& m) {
  m.attention = AttentionKind::mla;
  m.n_kv_heads = m.n_heads;
  m.mla.q_lora_rank = f.optional("q_lora_rank", 0, 0);  // null in V2-Lite: queries straight from d_model
  m.mla.kv_lora_rank = f.required("kv_lora_rank");
  m.mla.qk_nope_head_dim = f.required("qk_nope_head_dim");
  m.mla.qk_rope_head_dim = f.required("qk_rope_head_dim");
  m.mla.v_head_dim = f.required("v_head_dim");
  m.head_dim = m.mla.qk_nope_head_dim + m.mla.qk_rope_head_dim;
  m.ffn_hidden = f.required("intermediate_size");
  m.moe.experts = f.required("n_routed_experts");
  m.moe.active = f.required("num_experts_per_tok");
  m.moe.expert_ffn = f.required("moe_intermediate_size");
  m.moe.shared_experts = f.optional("n_shared_experts", 0, 0);
  // modeling_deepseek: MoE iff layer >= first_k_dense_replace and layer % moe_layer_freq == 0.
  // MoeDims puts MoE on layers dense_layers + every - 1, + 2 * every - 1, ...: the same set when
  // dense_layers = (first MoE layer) - freq + 1.
  const int first_k = f.optional("first_k_dense_replace", 0, 0);
  const int freq = f.optional("moe_layer_freq", 1);
  const int first_moe = (first_k + freq - 1) / freq * freq;
  m.moe.every = freq;
  m.moe.dense_layers = first_moe - freq + 1;
  if (m.moe.dense_layers < 0) {
    f.error("moe_layer_freq", fmt::format("moe_layer_freq {} with first_k_dense_replace 0 makes layer 0 an MoE "
                                          "layer, which xpuplan cannot describe; use YAML instead",
                                          freq));
  }
}

// DeepSeek-V3.2's lightning indexer (inference/model.py: index_n_heads,
// index_head_dim, index_topk).
void read_sparse_indexer(Fields& f, ModelArch& m) {
  m.sparse.topk = f.required("index_topk");
  m.sparse.index_heads = f.required("index_n_heads");
  m.sparse.index_head_dim = f.required("index_head_dim");
}

void read_llama4(Fields& f, ModelArch& m) {
  m.moe.experts = f.required("num_local_experts");
  m.moe.active = f.required("num_experts_per_tok");
  m.moe.expert_ffn = f.required("intermediate_size");
  m.moe.shared_experts = 1;  // Llama4TextMoe always has one shared expert of intermediate_size
  m.moe.every = f.optional("interleave_moe_layer_step", 1);
  if (m.moe.every > 1) m.ffn_hidden = f.required("intermediate_size_mlp");
  // Llama4TextConfig: moe_layers defaults to every interleave_moe_layer_step-th layer.
  if (auto listed = f.int_list("moe_layers"); listed && !listed->empty()) {
    std::vector<int> expected;
    for (int i = m.moe.every - 1; i < m.layers; i += m.moe.every) expected.push_back(i);
    if (*listed != expected) {
      f.error("moe_layers", fmt::format("'moe_layers' {} is not every {}th layer; describe the model in YAML instead",
                                        f.j.at("moe_layers").dump(), m.moe.every));
    }
  }
  // Chunked local attention on the RoPE layers (no_rope_layers[i] = 1 means RoPE; by default
  // every no_rope_layer_interval-th layer is a global NoPE layer); recorded as a sliding window.
  if (f.has("layer_types") || !f.has("attention_chunk_size")) return;
  m.chunked_local = true;
  m.sliding_window = f.required("attention_chunk_size");
  auto rope = f.int_list("no_rope_layers");
  if (rope && !rope->empty()) {
    for (int r : *rope) m.sliding_layers += r != 0 ? 1 : 0;
  } else {
    const int interval = f.optional("no_rope_layer_interval", 4);
    for (int i = 0; i < m.layers; ++i) m.sliding_layers += (i + 1) % interval != 0 ? 1 : 0;
    m.global_every = interval;
  }
}

// A model read from `path` is named after its folder (a Hugging Face repo's
// name), else after the file. "./config.json" and "config.json" (the
// documented way, in the model's folder) were named "." and "config": the
// folder is the current directory's name then.
std::string key_of_config_path(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path p = fs::path(path).lexically_normal();
  std::string dir = p.parent_path().filename().string();
  if (dir.empty() || dir == "." || dir == "..") {
    std::error_code ec;
    const fs::path abs = fs::absolute(p, ec);
    dir = ec ? std::string() : abs.lexically_normal().parent_path().filename().string();
  }
  return dir.empty() || dir == "." || dir == ".." ? p.stem().string() : dir;
}

// The config.json key that gave a model field, for `type`; "" when the field
// has no key of its own there (a class default, or derived).
std::string_view hf_key_of(std::string_view field, const std::string& type) {
  const bool deepseek = type.starts_with("deepseek") || type == "kimi_k2";
  const bool qwen_moe = type == "qwen2_moe" || type == "qwen3_moe";
  const bool llama4 = type.starts_with("llama4");
  if (field == "layers") return "num_hidden_layers";
  if (field == "d_model") return "hidden_size";
  if (field == "heads") return "num_attention_heads";
  if (field == "kv_heads") return "num_key_value_heads";
  if (field == "head_dim") return "head_dim";
  if (field == "vocab") return "vocab_size";
  if (field == "ffn") return llama4 ? "intermediate_size_mlp" : "intermediate_size";
  if (field == "moe.experts") return deepseek ? "n_routed_experts" : qwen_moe ? "num_experts" : "num_local_experts";
  if (field == "moe.active") return "num_experts_per_tok";
  if (field == "moe.expert_ffn") return deepseek || qwen_moe ? "moe_intermediate_size" : "intermediate_size";
  if (field == "moe.every")
    return deepseek ? "moe_layer_freq" : qwen_moe ? "decoder_sparse_step" : "interleave_moe_layer_step";
  if (field == "moe.dense_layers") return deepseek ? "first_k_dense_replace" : "mlp_only_layers";
  if (field.starts_with("mla.")) return field.substr(4);
  if (field == "sliding_window") return llama4 ? "attention_chunk_size" : "sliding_window";
  if (field == "sliding_layers") return "layer_types";
  if (field == "global_every") return llama4 ? "no_rope_layer_interval" : "sliding_window_pattern";
  if (field.starts_with("sparse_attention")) return "index_topk";
  return "";
}

}  // namespace

std::optional<ModelArch> parse_hf_config(const std::string& text, const std::string& name, Diagnostics& ds,
                                         const std::string& key) {
  auto parsed = parse_json_text(text, name, ds);
  if (!parsed) return std::nullopt;
  const json& root = *parsed;
  if (!root.is_object()) {
    ds.push_back(error_at({name, 0, 0, ""}, "a config.json must be a JSON object"));
    return std::nullopt;
  }
  const size_t errors_before = ds.size();
  JsonKeyUse root_use;
  JsonKeyUse text_use;
  Fields top{root, "", name, ds, root_use};
  if (!top.has("model_type") || !root.at("model_type").is_string()) {
    top.error("model_type", "missing required field 'model_type' (e.g. \"llama\"); cannot tell the architecture");
    return std::nullopt;
  }
  std::string type = root.at("model_type").get<std::string>();
  const auto supported = [](const std::string& t) {
    return std::find(kSupportedTypes.begin(), kSupportedTypes.end(), t) != kSupportedTypes.end();
  };
  // A multimodal wrapper xpuplan does not know, around a text model it does
  // (Kimi K2.5: model_type kimi_k25, text_config.model_type kimi_k2), is read
  // through its text_config (found by usertrial2).
  bool wrapped = false;
  if (!supported(type) && root.contains("text_config") && root.at("text_config").is_object()) {
    const json& t = root.at("text_config");
    if (t.contains("model_type") && t.at("model_type").is_string() &&
        supported(t.at("model_type").get<std::string>())) {
      ds.push_back(Diagnostic{Severity::note, SourceLocation{name, 0, 0, "/model_type"},
                              fmt::format("model_type '{}' is read as the '{}' text model in its text_config", type,
                                          t.at("model_type").get<std::string>())});
      type = t.at("model_type").get<std::string>();
      wrapped = true;
    }
  }
  if (!supported(type)) {
    std::string list;
    for (const auto& t : kSupportedTypes) list += (list.empty() ? "" : ", ") + t;
    top.error("model_type",
              fmt::format("unknown model_type '{}'{}; supported: {}", type, did_you_mean(type, kSupportedTypes), list));
    return std::nullopt;
  }
  // Llama 4 and Gemma 3 checkpoints are multimodal: the language model's fields sit in text_config.
  const bool nested = wrapped || nested_text(type);
  if (nested && (!root.contains("text_config") || !root.at("text_config").is_object())) {
    // A text_config that is not an object was called missing (usertrial3).
    top.error("text_config",
              root.contains("text_config")
                  ? fmt::format("'text_config' must be an object (the {} text model's fields), got {}", type,
                                root.at("text_config").dump())
                  : fmt::format("missing required field 'text_config' (a {} config keeps the text model there)", type));
    return std::nullopt;
  }
  Fields f{nested ? root.at("text_config") : root, nested ? "/text_config" : "", name, ds,
           nested ? text_use : root_use};

  ModelArch m;
  m.key = key.empty() ? key_of_config_path(name) : key;
  m.name = m.key;
  // Family names as in data/models ("gpt-oss", "qwen3-moe").
  m.family = type == "llama4_text" ? "llama4" : type == "gemma3_text" ? "gemma3" : type;
  std::replace(m.family.begin(), m.family.end(), '_', '-');
  m.source = fmt::format("Hugging Face config.json: {}", name);
  m.defined_at = {name, 0, 0, ""};
  m.layers = f.required("num_hidden_layers");
  m.d_model = f.required("hidden_size");
  // Gemma 3's text_config leaves vocab_size and head_dim to Gemma3TextConfig's
  // defaults (262208 and 256), which are the released models' values; every
  // other type must state them. google/gemma-3-4b-it's config.json also leaves
  // out the heads: Gemma3TextConfig's 8 query and 4 KV heads are the 4B's (they
  // give the 3,209M non-embedding parameters of the Gemma 3 Technical Report,
  // arXiv 2503.19786, Table 1; found by usertrial2).
  const bool gemma3 = type == "gemma3" || type == "gemma3_text";
  m.n_heads = gemma3 ? f.optional("num_attention_heads", 8) : f.required("num_attention_heads");
  m.vocab = gemma3 ? f.optional("vocab_size", 262208) : f.required("vocab_size");
  // LlamaConfig: a missing num_key_value_heads means one per query head.
  m.n_kv_heads = f.optional("num_key_value_heads", gemma3 ? 4 : m.n_heads);
  // Qwen3Config defaults head_dim to 128, Gemma 2/3 to 256; the others derive
  // hidden_size / num_attention_heads.
  const bool gemma = gemma3 || type == "gemma2";
  const int derived_head_dim = type == "qwen3" ? 128 : gemma ? 256 : (m.n_heads > 0 ? m.d_model / m.n_heads : 0);
  m.head_dim = gemma && !gemma3 ? f.required("head_dim") : f.optional("head_dim", derived_head_dim);
  // Gemma ties its embeddings by default; the other classes do not.
  m.tied_embeddings = f.flag("tie_word_embeddings", nested ? top.flag("tie_word_embeddings", gemma) : gemma);
  m.mlp = MlpKind::gated;  // every supported family uses SwiGLU or GeGLU (3 matrices)
  m.positions = PositionKind::rope;
  // Qwen2/Qwen2-MoE hard-code biases on Q, K, V; gpt-oss defaults attention_bias to true.
  if (type == "qwen2" || type == "qwen2_moe") {
    m.attention_bias = f.flag("qkv_bias", true);
  } else if (type != "mistral" && type != "mixtral") {
    m.attention_bias = f.flag("attention_bias", type == "gpt_oss");
  }
  m.attention = m.n_kv_heads == m.n_heads ? AttentionKind::mha
                : m.n_kv_heads == 1       ? AttentionKind::mqa
                                          : AttentionKind::gqa;

  if (type == "llama" || type == "mistral" || type == "qwen2" || type == "qwen3" || type == "phi3" || gemma) {
    m.ffn_hidden = f.required("intermediate_size");
    if (type == "llama") m.mlp_bias = f.flag("mlp_bias", false);
  } else if (type == "mixtral") {
    m.moe.experts = f.required("num_local_experts");
    m.moe.active = f.required("num_experts_per_tok");
    m.moe.expert_ffn = f.required("intermediate_size");
  } else if (type == "qwen2_moe" || type == "qwen3_moe") {
    m.moe.experts = f.required("num_experts");
    m.moe.active = f.required("num_experts_per_tok");
    m.moe.expert_ffn = f.required("moe_intermediate_size");
    if (type == "qwen2_moe" && f.optional("shared_expert_intermediate_size", 0, 0) > 0) {
      m.moe.shared_experts = 1;
      m.moe.shared_ffn = f.required("shared_expert_intermediate_size");
    }
    read_qwen_moe_layout(f, m);
    if (m.moe.every > 1 || m.moe.dense_layers > 0) m.ffn_hidden = f.required("intermediate_size");
  } else if (type == "deepseek_v3" || type == "deepseek_v2" || type == "kimi_k2" || type == "deepseek_v32") {
    read_deepseek(f, m);
    if (type == "deepseek_v32") read_sparse_indexer(f, m);
  } else if (type == "gpt_oss") {
    m.moe.experts = f.required("num_local_experts");
    m.moe.active = f.has("num_experts_per_tok") || !f.has("experts_per_token") ? f.required("num_experts_per_tok")
                                                                               : f.required("experts_per_token");
    m.moe.expert_ffn = f.required("intermediate_size");
    m.mlp_bias = true;  // GptOssExperts: gate_up_proj_bias and down_proj_bias
  } else if (type == "llama4" || type == "llama4_text") {
    read_llama4(f, m);
  }
  if (m.layers > 0) read_sliding(f, type, m);
  // A quantized checkpoint (Kimi K2 and DeepSeek-V3 ship FP8 blocks, gpt-oss
  // MXFP4 experts): the estimates follow the request's precision, not the
  // file's, which went unsaid (found by usertrial2).
  for (const Fields* q : {&top, &f}) {
    if (!q->j.contains("quantization_config") || !q->j.at("quantization_config").is_object()) continue;
    const json& c = q->j.at("quantization_config");
    const auto str_of = [&](const char* k) {
      return c.contains(k) && c.at(k).is_string() ? c.at(k).get<std::string>() : std::string();
    };
    const std::string method = str_of("quant_method"), format = str_of("fmt");
    ds.push_back(
        Diagnostic{Severity::note, SourceLocation{name, 0, 0, q->prefix + "/quantization_config"},
                   fmt::format("the checkpoint's weights are quantized ({}{}); estimates use the request's precision "
                               "(default bf16), so ask for fp8 or fp4 to match it",
                               method.empty() ? "method not named" : method, format.empty() ? "" : " " + format)});
    break;
  }
  // A multimodal checkpoint's vision tower is not modelled (Gemma 3's SigLIP
  // is about 0.42 B of the 4B's 4.30 B): say so rather than count silently short.
  if (nested && root.contains("vision_config") && root.at("vision_config").is_object()) {
    ds.push_back(Diagnostic{Severity::note, SourceLocation{name, 0, 0, "/vision_config"},
                            "the vision tower is not counted: parameters, memory and time are the language model's "
                            "(text_config)"});
  }
  report_near_miss_keys(f.j, f.use, name, f.prefix, ds);
  if (nested) report_near_miss_keys(top.j, top.use, name, top.prefix, ds);

  if (std::any_of(ds.begin() + static_cast<std::ptrdiff_t>(errors_before), ds.end(),
                  [](const Diagnostic& d) { return d.severity == Severity::error; })) {
    return std::nullopt;
  }
  // A shape check names the key that gave the field, when the file has it.
  const auto locate = [&](std::string_view field) {
    const std::string k{hf_key_of(field, type)};
    return !k.empty() && f.j.contains(k) ? SourceLocation{name, 0, 0, f.prefix + "/" + k} : m.defined_at;
  };
  for (auto& d : validate_model(m, locate)) ds.push_back(std::move(d));
  return m;
}

std::optional<ModelArch> read_hf_config(const std::string& path, Diagnostics& ds, const std::string& key) {
  auto text = read_text_file(path, ds);
  if (!text) return std::nullopt;
  return parse_hf_config(*text, path, ds, key);
}

}  // namespace xpu
