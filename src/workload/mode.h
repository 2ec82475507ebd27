// What a piece of work is: training, LoRA fine-tuning or serving (one enum for
// stacks, validation cases, portfolio workloads and every command), and how a
// served load is measured (the serving scenario).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xpu {

enum class Mode : unsigned char {
  train,          // pre-training (and any full-weight training)
  finetune_lora,  // LoRA fine-tuning: frozen base weights, adapter gradients only
  infer,          // serving
};

// "train", "finetune_lora", "infer" (data files, case files, JSON).
std::string_view to_string(Mode m);
std::optional<Mode> parse_mode(std::string_view s);
std::vector<std::string> mode_names();
// Training or fine-tuning: the training engine predicts it.
constexpr bool is_training(Mode m) { return m != Mode::infer; }
// The mode whose software stack runs `m` (LoRA runs on the training stack).
constexpr Mode stack_mode(Mode m) { return is_training(m) ? Mode::train : Mode::infer; }
// Portfolio files and plan reports name the two kinds of workload as nouns:
// "training", "inference".
std::string_view kind_noun(Mode m);
std::optional<Mode> parse_kind_noun(std::string_view s);

// How a served load is run and timed (data/validation/CASES.md, "Inference scenarios").
enum class ServingScenario : unsigned char {
  offline,  // every request available at once, throughput measured (MLPerf Offline)
  server,   // requests arrive over time under latency limits (MLPerf Server)
  latency,  // a fixed batch run to completion and timed
};

// "offline", "server", "latency".
std::string_view to_string(ServingScenario s);
std::optional<ServingScenario> parse_scenario(std::string_view s);
std::vector<std::string> scenario_names();

}  // namespace xpu
