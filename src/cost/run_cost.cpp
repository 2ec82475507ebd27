#include "cost/run_cost.h"

#include "base/check.h"

namespace xpu {
namespace {

constexpr double kYear = 365.0 * 86400.0;  // seconds; commitments and depreciation use 365-day years

}  // namespace

RentedCost rented_cost(const Offer& offer, int chips, Seconds duration) {
  XPU_CHECK(offer.chips > 0 && chips >= 0);
  RentedCost c;
  c.instances = (chips + offer.chips - 1) / offer.chips;
  c.billed_chips = c.instances * offer.chips;
  c.total = offer.price * duration * static_cast<double>(c.instances);
  return c;
}

Dollars chip_hours_cost(int chips, Seconds duration, DollarRate price_per_chip) {
  return price_per_chip * duration * static_cast<double>(chips);
}

DollarRate effective_price(DollarRate committed_price, double utilization) {
  XPU_CHECK(utilization > 0 && utilization <= 1);
  return committed_price / utilization;
}

Dollars commitment_bill(DollarRate price_per_chip, int chips, Term term) {
  return price_per_chip * commitment_length(term) * static_cast<double>(chips);
}

double break_even_utilization(DollarRate committed_price, DollarRate on_demand_price) {
  XPU_CHECK(on_demand_price.si() > 0);
  return committed_price / on_demand_price;
}

OwnedCost owned_cost(int chips, Watts tdp, Seconds duration, const OwnedParams& p) {
  XPU_CHECK(chips >= 0 && p.years > 0 && p.utilization > 0 && p.utilization <= 1);
  XPU_CHECK(p.residual >= 0 && p.residual < 1);
  OwnedCost c;
  const double n = static_cast<double>(chips);
  const double share_of_year = duration.si() / kYear / p.utilization;
  // Straight-line depreciation of the purchase, less what resale recovers.
  c.capex = p.purchase_per_chip * (n * (1.0 - p.residual) * share_of_year / p.years);
  c.ops = p.purchase_per_chip * (n * p.ops_per_year * share_of_year);
  c.energy_used = run_energy(chips, tdp, duration, p.power);
  c.energy = energy_cost(c.energy_used, p.electricity);
  c.total = c.capex + c.ops + c.energy;
  c.per_chip_hour = chips > 0 && duration.si() > 0 ? c.total / duration / n : DollarRate(0);
  return c;
}

Dollars per_million_tokens(Dollars cost, double tokens) { return tokens > 0 ? cost * (1e6 / tokens) : Dollars(0); }

Dollars per_million_tokens(DollarRate rate, double tokens_per_second) {
  return tokens_per_second > 0 ? rate * Seconds(1e6 / tokens_per_second) : Dollars(0);
}

double flop_per_dollar(FlopRate rate, DollarRate price) { return price.si() > 0 ? rate.si() / price.si() : 0.0; }

}  // namespace xpu
