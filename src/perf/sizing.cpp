#include "perf/sizing.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <vector>

#include "perf/fabric.h"

namespace xpu {

int default_global_batch(int seq_len) {
  return std::max(1, static_cast<int>(kDefaultTokensPerStep) / std::max(1, seq_len));
}

int default_global_batch(int seq_len, int chips) {
  const double per_chip = kDefaultTokensPerStep / std::max(1, seq_len) / std::max(1, chips);
  return std::max(1, static_cast<int>(std::lround(per_chip))) * std::max(1, chips);
}

Precision default_kv_precision(Precision weights, bool weight_only) {
  const bool low = weights == Precision::fp8 || weights == Precision::fp4;
  return low && !weight_only ? Precision::fp8 : Precision::bf16;
}

int chip_unit(const System* system) { return system ? std::clamp(system->chips, 1, 8) : 8; }

std::string LayoutAnswer::why_none() const {
  if (found()) return "";
  if (search.closest) {
    return fmt::format("does not fit in memory on {} chips: the closest layout ({}) is {:.1f} GB short per chip", chips,
                       describe(search.closest->layout), in_gb(search.closest->estimate.missing()));
  }
  return fmt::format("no valid layout on {} chips{}{}", chips, search.invalid.empty() ? "" : ": ", search.invalid);
}

LayoutAnswer best_layout_at(const TrainingSetup& s, int chips, const SearchOptions& options) {
  LayoutAnswer a;
  a.chips_asked = chips;
  a.chips = chips;
  const Fabric fabric = make_fabric(*s.accelerator, s.system, chips);
  a.ctx = prepare_training(*s.model, fabric, *s.stack, s.job);
  a.search = search_layouts(a.ctx, chips, options);
  return a;
}

LayoutAnswer best_layout_up_to(const TrainingSetup& s, int chips, int unit, const SearchOptions& options) {
  LayoutAnswer first = best_layout_at(s, chips, options);
  // Valid layouts exist (whether or not they fit): this count is the answer.
  if (first.found() || first.search.closest || chips <= 1) return first;
  const int step = chips > unit ? std::max(1, unit) : 1;
  // The nearest whole units below (a count no layout splits is usually a
  // divisibility accident, and a valid one is near), then powers of two (a
  // torus slice takes few other shapes).
  std::vector<int> counts;
  for (int n = (chips - 1) / step * step; n >= 1 && counts.size() < 64; n -= step) counts.push_back(n);
  for (int n = std::bit_floor(static_cast<unsigned>(chips - 1)); n >= 1 && n * 2 > chips / 8; n /= 2) {
    if (std::find(counts.begin(), counts.end(), n) == counts.end()) counts.push_back(n);
  }
  std::sort(counts.begin(), counts.end(), std::greater<>());
  for (int n : counts) {
    LayoutAnswer a = best_layout_at(s, n, options);
    if (!a.found() && !a.search.closest) continue;
    a.chips_asked = chips;
    a.fewer_because = fmt::format(
        "{} chips have no valid layout ({}); {} is the largest count tried below it that has one ({}, then "
        "powers of two)",
        chips, first.search.invalid.empty() ? "the degrees cannot split them" : std::string(first.search.invalid), n,
        step > 1 ? fmt::format("whole {}-chip units", step) : "every count");
    return a;
  }
  return first;
}

InferenceContext serving_context(const ServingSetup& s, std::optional<int> chips) {
  const int domain = s.system ? s.system->scale_up_domain : s.accelerator->scale_up.domain;
  const Fabric fabric = make_fabric(*s.accelerator, s.system, chips.value_or(domain));
  return prepare_inference(*s.model, fabric, *s.stack, s.job);
}

ServiceSize size_service(const ServingSetup& s, double rate, const ServingSlo& slo, int max_num_tokens) {
  ServiceSize out;
  out.ctx = serving_context(s);
  out.ctx.max_num_tokens = max_num_tokens;
  out.search = search_serving(out.ctx, rate, slo);
  return out;
}

double replica_capacity(const InferenceContext& ctx, const ServingLayout& layout, const ServingSlo& slo, double floor) {
  const ServingEstimate top = serve(ctx, layout, std::nullopt, slo, 0);
  double lo = floor, hi = std::max(floor, top.requests_per_s);
  for (int it = 0; it < 30 && hi > lo * (1 + 1e-6); ++it) {
    const double mid = 0.5 * (lo + hi);
    (serve(ctx, layout, mid, slo, 0).meets_slo ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace xpu
