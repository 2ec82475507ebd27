// Names of the workload enumerations: one table each.
#include "workload/mode.h"

#include "base/enum_names.h"

namespace xpu {
namespace {

constexpr EnumNames<Mode, 3> kModes{
    {{Mode::train, "train"}, {Mode::finetune_lora, "finetune_lora"}, {Mode::infer, "infer"}}};
// The noun forms a portfolio file uses; LoRA fine-tuning is planned as training.
constexpr EnumNames<Mode, 2> kKindNouns{{{Mode::train, "training"}, {Mode::infer, "inference"}}};
constexpr EnumNames<ServingScenario, 3> kScenarios{{{ServingScenario::offline, "offline"},
                                                    {ServingScenario::server, "server"},
                                                    {ServingScenario::latency, "latency"}}};

}  // namespace

std::string_view to_string(Mode m) { return name_of(kModes, m); }
std::optional<Mode> parse_mode(std::string_view s) { return value_of(kModes, s); }
std::vector<std::string> mode_names() { return names_of(kModes); }
std::string_view kind_noun(Mode m) { return name_of(kKindNouns, stack_mode(m)); }
std::optional<Mode> parse_kind_noun(std::string_view s) { return value_of(kKindNouns, s); }

std::string_view to_string(ServingScenario s) { return name_of(kScenarios, s); }
std::optional<ServingScenario> parse_scenario(std::string_view s) { return value_of(kScenarios, s); }
std::vector<std::string> scenario_names() { return names_of(kScenarios); }

}  // namespace xpu
