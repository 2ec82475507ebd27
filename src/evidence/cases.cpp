#include "evidence/cases.h"

#include "base/enum_names.h"

namespace xpu {
namespace {

constexpr EnumNames<Metric, 11> kMetrics{{
    {Metric::train_tokens_per_s_per_chip, "train_tokens_per_s_per_chip"},
    {Metric::model_tflops_per_chip, "model_tflops_per_chip"},
    {Metric::mfu, "mfu"},
    {Metric::step_time_s, "step_time_s"},
    {Metric::time_to_train_min, "time_to_train_min"},
    {Metric::infer_output_tokens_per_s, "infer_output_tokens_per_s"},
    {Metric::tpot_ms, "tpot_ms"},
    {Metric::e2e_latency_s, "e2e_latency_s"},
    {Metric::ttft_ms, "ttft_ms"},
    {Metric::infer_total_tokens_per_s, "infer_total_tokens_per_s"},
    {Metric::tokens_per_s_per_user, "tokens_per_s_per_user"},
}};
constexpr EnumNames<FlopConvention, 4> kConventions{{
    {FlopConvention::model, "model"},
    {FlopConvention::noncausal, "noncausal"},
    {FlopConvention::palm, "palm"},
    {FlopConvention::hardware_recompute, "hardware_recompute"},
}};
constexpr EnumNames<FlopConvention, 4> kConventionWords{{
    {FlopConvention::model, "model FLOPs (causal attention)"},
    {FlopConvention::noncausal, "model FLOPs (full s x s attention)"},
    {FlopConvention::palm, "PaLM 6N + 12 L H s"},
    {FlopConvention::hardware_recompute, "hardware FLOPs incl. recompute (Megatron 2021)"},
}};
constexpr EnumNames<Framework, 13> kFrameworks{{
    {Framework::megatron, "megatron"},
    {Framework::nemo, "nemo"},
    {Framework::torchtitan, "torchtitan"},
    {Framework::maxtext, "maxtext"},
    {Framework::jax, "jax"},
    {Framework::neuronx_distributed, "neuronx-distributed"},
    {Framework::trtllm, "trtllm"},
    {Framework::vllm, "vllm"},
    {Framework::sglang, "sglang"},
    {Framework::jetstream, "jetstream"},
    {Framework::nxdi, "nxdi"},
    {Framework::dynamo, "dynamo"},
    {Framework::other, "other"},
}};
// The family of stack keys (data/stacks) that models each framework; the
// runtime and mode pick the member ("vllm" -> vllm-cuda, vllm-rocm, vllm-tpu).
// Frameworks without a stack of their own are not listed.
constexpr EnumNames<Framework, 8> kStackFamilies{{
    {Framework::megatron, "megatron-"},
    {Framework::nemo, "megatron-"},
    {Framework::maxtext, "maxtext-"},
    {Framework::jax, "maxtext-"},
    {Framework::neuronx_distributed, "nxd-"},
    {Framework::trtllm, "trtllm-"},
    {Framework::vllm, "vllm-"},
    {Framework::nxdi, "nxdi-"},
}};
constexpr EnumNames<RankUnit, 2> kRankUnits{{{RankUnit::chip, "chip"}, {RankUnit::core, "core"}}};
constexpr EnumNames<MoeDispatch, 2> kMoeDispatches{{{MoeDispatch::sort, "sort"}, {MoeDispatch::einsum, "einsum"}}};
constexpr EnumNames<Statistic, 4> kStatistics{
    {{Statistic::mean, "mean"}, {Statistic::p50, "p50"}, {Statistic::p90, "p90"}, {Statistic::p99, "p99"}}};

}  // namespace

std::string_view to_string(Metric m) { return name_of(kMetrics, m); }
std::optional<Metric> parse_metric(std::string_view s) { return value_of(kMetrics, s); }
std::vector<std::string> metric_names() { return names_of(kMetrics); }
bool larger_is_better(Metric m) {
  switch (m) {
    case Metric::train_tokens_per_s_per_chip:
    case Metric::model_tflops_per_chip:
    case Metric::mfu:
    case Metric::infer_output_tokens_per_s:
    case Metric::infer_total_tokens_per_s:
    case Metric::tokens_per_s_per_user:
      return true;
    default:
      return false;
  }
}

std::string_view to_string(FlopConvention c) { return name_of(kConventions, c); }
std::optional<FlopConvention> parse_flop_convention(std::string_view s) { return value_of(kConventions, s); }
std::vector<std::string> flop_convention_names() { return names_of(kConventions); }
std::string_view describe(FlopConvention c) { return name_of(kConventionWords, c); }

std::string_view to_string(Framework f) { return name_of(kFrameworks, f); }
std::optional<Framework> parse_framework(std::string_view s) { return value_of(kFrameworks, s); }
std::vector<std::string> framework_names() { return names_of(kFrameworks); }

const StackEfficiency* framework_stack(const std::vector<StackEfficiency>& stacks, Framework f, Runtime runtime,
                                       Mode mode) {
  const std::string_view family = name_of(kStackFamilies, f);
  if (family == "?") return nullptr;
  for (const auto& s : stacks) {
    if (s.runtime == runtime && s.mode == stack_mode(mode) && s.key.starts_with(family)) return &s;
  }
  return nullptr;
}

std::string_view to_string(RankUnit u) { return name_of(kRankUnits, u); }
std::optional<RankUnit> parse_rank_unit(std::string_view s) { return value_of(kRankUnits, s); }

std::string_view to_string(MoeDispatch d) { return name_of(kMoeDispatches, d); }
std::optional<MoeDispatch> parse_moe_dispatch(std::string_view s) { return value_of(kMoeDispatches, s); }
std::string_view to_string(Statistic s) { return name_of(kStatistics, s); }
std::optional<Statistic> parse_statistic(std::string_view s) { return value_of(kStatistics, s); }
std::vector<std::string> statistic_names() { return names_of(kStatistics); }

std::pair<std::string, std::string> mlperf_suite_and_version(const std::string& round) {
  const size_t dash = round.find('-');
  if (dash == std::string::npos) return {round, ""};
  return {round.substr(0, dash), round.substr(dash + 1)};
}

}  // namespace xpu
