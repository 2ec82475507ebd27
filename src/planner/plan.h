// A plan: what to buy in which month and which workload runs on which offer.
//
// Chips are monthly averages (chip-months per month): 256 chips in a month
// may be 512 chips for half of it. Pay-as-you-go offers (on-demand, spot) are
// rented in fractional average chips, billed per chip-hour; commitments are
// whole instances bought in a month and billed every month of their term,
// also past the horizon's end.
//
// The plan carries only decisions. Everything a report shows (cost by vendor,
// shares, power, finish months) is derived from them by summarize(), and the
// checker (check.h) re-derives what it verifies on its own.
#pragma once

#include <string>
#include <vector>

#include "base/units.h"
#include "catalog/accelerator.h"
#include "planner/ids.h"

namespace xpu {

// A commitment: whole instances of a 1y/3y/capacity-block offer bought in `month`.
struct Purchase {
  OfferId offer;  // into Portfolio::offers
  int month = 0;
  int instances = 0;
  friend bool operator==(const Purchase&, const Purchase&) = default;
};

// Pay-as-you-go chips (average over the month) rented on an on-demand or spot offer.
struct Rental {
  OfferId offer;
  int month = 0;
  double chips = 0;
  friend bool operator==(const Rental&, const Rental&) = default;
};

// A workload's average chips on one offer in one month.
struct Assignment {
  WorkloadId workload;
  OfferId offer;
  int month = 0;
  double chips = 0;
  friend bool operator==(const Assignment&, const Assignment&) = default;
};

// Robustness certificate: in the scenario where vendor `lost` loses capacity,
// `workload` runs `chips` more on `accelerator` at `provider` in `month` (from
// spare capacity there), in addition to what the plan keeps.
struct Reserve {
  Vendor lost = Vendor::nvidia;
  WorkloadId workload;
  std::string accelerator;
  std::string provider;
  bool spot = false;
  int month = 0;
  double chips = 0;
  friend bool operator==(const Reserve&, const Reserve&) = default;
};

// A porting cost the plan pays: `workload` moves to `runtime`.
struct Porting {
  WorkloadId workload;
  Runtime runtime = Runtime::cuda;
  friend bool operator==(const Porting&, const Porting&) = default;
};

struct Plan {
  std::vector<Purchase> purchases;      // sorted by (offer, month)
  std::vector<Rental> rentals;          // sorted by (offer, month)
  std::vector<Assignment> assignments;  // sorted by (workload, month, offer)
  std::vector<Reserve> reserves;        // sorted
  std::vector<Porting> porting;         // sorted
  Dollars claimed_cost;                 // what the producer of the plan says it costs (checked)
};

// Sorts every list into its canonical order (so equal plans compare equal).
void canonicalize(Plan& plan);

}  // namespace xpu
