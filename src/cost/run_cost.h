// What a run costs: rented by the hour under a purchase term, or owned
// (capex amortized over the hardware's life, plus energy and operations).
// Pure functions over plain values; money in US dollars.
#pragma once

#include "base/units.h"
#include "catalog/offer.h"
#include "cost/energy.h"

namespace xpu {

// --- Renting -----------------------------------------------------------------

struct RentedCost {
  int instances = 0;     // whole instances rented (chips rounded up to the offer's size)
  int billed_chips = 0;  // instances x chips per instance
  Dollars total;         // instances x price x duration
};

// Cost of running `chips` accelerators for `duration` on `offer`. Instances
// are rented whole, so 12 chips on 8-chip instances bill 16. For 1y/3y
// offers this is the run's share of a commitment that is used every hour;
// see effective_price() for a commitment that sits partly idle. Energy is in
// the rental price and not added.
RentedCost rented_cost(const Offer& offer, int chips, Seconds duration);

// chip-hours x price per chip-hour, without rounding to instances.
Dollars chip_hours_cost(int chips, Seconds duration, DollarRate price_per_chip);

// --- Commitments ---------------------------------------------------------------

// A commitment bills every hour of its term, used or not: the price per
// *used* chip-hour when only `utilization` (0, 1] of the hours are used.
DollarRate effective_price(DollarRate committed_price, double utilization);
// What a commitment bills over its whole term for `chips` (zero for pay-as-you-go terms).
Dollars commitment_bill(DollarRate price_per_chip, int chips, Term term);
// The utilization at which a commitment costs the same per used hour as
// paying `on_demand`; below it, on-demand is cheaper.
double break_even_utilization(DollarRate committed_price, DollarRate on_demand_price);

// --- Owning ----------------------------------------------------------------------

struct OwnedParams {
  Dollars purchase_per_chip;  // installed price per chip (PurchasePrice; add system share if chip-only)
  // Straight-line depreciation life. 4 years is shorter than the 5-6 years
  // hyperscalers book servers over (Microsoft and Alphabet moved to 6 in their
  // 2022-2023 10-K filings): an accelerator generation's economic life is
  // shorter than its physical one. An assumption; --life changes it.
  double years = 4.0;
  double residual = 0.0;      // fraction of the purchase price recovered at the end [0, 1)
  double ops_per_year = 0.0;  // operations (staff, space, maintenance) per year, as a fraction of purchase
  double utilization = 1.0;   // fraction of owned hours doing paid work (0, 1]; idle hours still depreciate
  PowerModel power;
  EnergyPrice electricity;  // $ per joule (dollars_per_kwh(0.08))
};

struct OwnedCost {
  Dollars capex;  // depreciation charged to the run
  Dollars energy;
  Dollars ops;
  Dollars total;
  Joules energy_used;
  DollarRate per_chip_hour;  // total / (chips x duration)
};

// Cost of running `chips` owned accelerators (TDP `tdp`) for `duration`:
//   capex = chips x purchase x (1 - residual) x duration / (years x 365 d) / utilization
//   ops   = chips x purchase x ops_per_year x duration / 365 d / utilization
//   energy = run_energy(chips, tdp, duration, power) x electricity (the run's hours only)
OwnedCost owned_cost(int chips, Watts tdp, Seconds duration, const OwnedParams& p);

// --- Tokens --------------------------------------------------------------------

// Dollars per million tokens for `cost` spent on `tokens` (zero tokens gives zero).
Dollars per_million_tokens(Dollars cost, double tokens);
// Dollars per million tokens at `rate` and `tokens_per_second` of throughput.
Dollars per_million_tokens(DollarRate rate, double tokens_per_second);

// FLOP bought per dollar at `rate` and `price` (zero price gives zero).
double flop_per_dollar(FlopRate rate, DollarRate price);

}  // namespace xpu
