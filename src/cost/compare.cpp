#include "cost/compare.h"

#include <algorithm>
#include <numeric>

#include "base/check.h"

namespace xpu {

std::string basis_name(const PriceBasis& b) { return b.owned ? "owned" : std::string(to_string(b.term)); }

namespace {

void fill_energy(CostBreakdown& c, const WorkPoint& w, int chips) {
  c.facility = facility_power(chips, w.tdp, w.power);
  c.energy = c.facility * w.duration;
  c.tokens_per_joule = c.energy.si() > 0 ? w.tokens / c.energy.si() : 0.0;
  c.per_mtok = per_million_tokens(c.total, w.tokens);
  const double chip_seconds = static_cast<double>(w.chips) * w.duration.si();
  c.chip_hour = chip_seconds > 0 ? c.total / Seconds(chip_seconds) : DollarRate(0);
}

}  // namespace

CostBreakdown price_rented(const WorkPoint& w, const Offer& offer, double utilization) {
  XPU_CHECK(w.chips >= 0 && offer.chips > 0);
  const RentedCost r = rented_cost(offer, w.chips, w.duration);
  CostBreakdown c;
  c.instances = r.instances;
  c.billed_chips = r.billed_chips;
  const bool commitment = commitment_length(offer.term).si() > 0;
  // A commitment's idle hours are paid too: spread them over the used ones.
  c.total = commitment ? r.total / utilization : r.total;
  XPU_CHECK(!commitment || (utilization > 0 && utilization <= 1));
  fill_energy(c, w, c.billed_chips);
  return c;
}

CostBreakdown price_owned(const WorkPoint& w, Dollars per_chip, const OwnedParams& p) {
  OwnedParams q = p;
  q.purchase_per_chip = per_chip;
  q.power = w.power;
  const OwnedCost o = owned_cost(w.chips, w.tdp, w.duration, q);
  CostBreakdown c;
  c.total = o.total;
  c.billed_chips = w.chips;
  c.capex = o.capex;
  c.energy_cost = o.energy;
  c.ops = o.ops;
  fill_energy(c, w, w.chips);
  return c;
}

std::vector<size_t> cost_order(const std::vector<double>& costs) {
  std::vector<size_t> order(costs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return costs[a] < costs[b]; });
  return order;
}

std::vector<int> cost_ranks(const std::vector<double>& costs) {
  std::vector<int> ranks(costs.size());
  const auto order = cost_order(costs);
  for (size_t r = 0; r < order.size(); ++r) ranks[order[r]] = static_cast<int>(r) + 1;
  return ranks;
}

std::vector<std::pair<size_t, size_t>> rank_swaps(const std::vector<double>& base,
                                                  const std::vector<double>& scenario) {
  XPU_CHECK(base.size() == scenario.size());
  const auto before = cost_order(base);
  const auto after = cost_ranks(scenario);
  std::vector<std::pair<size_t, size_t>> swaps;
  for (size_t a = 0; a < before.size(); ++a) {
    for (size_t b = a + 1; b < before.size(); ++b) {
      if (after[before[a]] > after[before[b]]) swaps.emplace_back(before[a], before[b]);
    }
  }
  return swaps;
}

std::optional<double> relative_to(std::optional<double> baseline_cost, double cost) {
  if (!baseline_cost || !(cost > 0)) return std::nullopt;
  return *baseline_cost / cost;
}

}  // namespace xpu
