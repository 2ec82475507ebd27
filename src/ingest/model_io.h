// Reading model architectures: xpuplan's own YAML entries and Hugging Face
// config.json files (Llama, Mistral/Mixtral, Qwen2/3 and their MoE variants,
// DeepSeek-V3, gpt-oss).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "ingest/yaml_reader.h"
#include "workload/model.h"

namespace xpu {

std::optional<ModelArch> read_model(MapReader& r);

// Reads a Hugging Face config.json. Unknown model_type or missing fields are
// diagnostics at the file (with the JSON key named). The key is the file's
// parent directory name, or `key` when given.
std::optional<ModelArch> read_hf_config(const std::string& path, Diagnostics& ds, const std::string& key = "");
std::optional<ModelArch> parse_hf_config(const std::string& json_text, const std::string& name, Diagnostics& ds,
                                         const std::string& key);

// models.csv, the companion of a validation cases file (data/validation/CASES.md):
// one row per model key. Families fill in what the columns do not give (MLP
// kind, biases, positions, tied embeddings); rows without shapes come back
// marked `estimate`.
std::vector<ModelArch> read_models_csv(const std::string& path, Diagnostics& ds);
std::vector<ModelArch> parse_models_csv(const std::string& text, const std::string& name, Diagnostics& ds);

}  // namespace xpu
