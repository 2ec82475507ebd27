// Price-performance across accelerators: what a piece of work costs on each
// option under one price assumption, and how a ranking by cost moves when an
// assumption does. The work (chips, time, tokens) comes from elsewhere; this
// module knows nothing of how it was estimated.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/units.h"
#include "catalog/offer.h"
#include "cost/energy.h"
#include "cost/run_cost.h"

namespace xpu {

// How chips are paid for: rented under a term, or owned.
struct PriceBasis {
  bool owned = false;
  Term term = Term::on_demand;  // rented
  // Commitments (1y/3y) bill every hour of the term: the fraction of those
  // hours doing paid work (0, 1]. Ignored for pay-as-you-go terms.
  double utilization = 1.0;
  OwnedParams ownership;  // owned: life, residual, ops, electricity; the purchase price comes per accelerator
};

// "on-demand", "spot", "1y", "3y", "capacity-block", or "owned".
std::string basis_name(const PriceBasis& b);

// One option's work, as an estimator found it.
struct WorkPoint {
  int chips = 0;      // chips doing the work
  Seconds duration;   // the run (training), or the period priced (serving: one hour)
  double tokens = 0;  // tokens produced in `duration`
  Watts tdp;
  PowerModel power;
};

struct CostBreakdown {
  Dollars total;         // for `duration`
  int instances = 0;     // rented: whole instances billed
  int billed_chips = 0;  // rented: instances x chips per instance; owned: chips
  DollarRate chip_hour;  // what one working chip-hour costs, all in (utilization and rounding included)
  Dollars per_mtok;      // total per million tokens
  Joules energy;         // facility energy over `duration` (billed chips, PUE included)
  Watts facility;        // facility power of the billed chips
  double tokens_per_joule = 0;
  Dollars capex, energy_cost, ops;  // owned only
};

// Renting `w.chips` on `offer` for `w.duration`: whole instances, and for a
// 1y/3y offer the commitment's idle hours spread over the used ones
// (effective_price at `utilization`). Energy is in the price and not added.
CostBreakdown price_rented(const WorkPoint& w, const Offer& offer, double utilization);
// Owning `w.chips` at `per_chip` purchase price: owned_cost() with `p`.
CostBreakdown price_owned(const WorkPoint& w, Dollars per_chip, const OwnedParams& p);

// --- Rankings ----------------------------------------------------------------------

// Indices ordered by ascending cost; equal costs keep index order.
std::vector<size_t> cost_order(const std::vector<double>& costs);
// Ranks (1 = cheapest) of each index under cost_order.
std::vector<int> cost_ranks(const std::vector<double>& costs);

// Pairs (i, j) ranked i before j under `base` and j before i under `scenario`
// (i, j are indices; listed in base order of i, then j). Empty = same order.
std::vector<std::pair<size_t, size_t>> rank_swaps(const std::vector<double>& base, const std::vector<double>& scenario);

// Relative price-performance: how many times cheaper than the baseline the
// same work is (baseline cost / cost; > 1 is better). Nullopt without a baseline.
std::optional<double> relative_to(std::optional<double> baseline_cost, double cost);

}  // namespace xpu
