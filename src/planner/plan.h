// A plan: what to buy in which month and which workload runs on which offer.
//
// An executable plan (the default, Plan::fluid false) rents and buys whole
// instances for whole months: a rental is `instances` instances of a
// pay-as-you-go offer for all of `month` (chips = instances x chips per
// instance); a purchase is whole instances of a commitment billed every month
// of its term, also past the horizon's end. A training run is one gang per
// month: one pool (accelerator, provider, region, spot or not), one chip count
// at which the engine has a valid layout, whole instances (Gang). A service
// is whole replicas (Replicas). Assignments lay those chips onto offers.
//
// A fluid plan (Plan::fluid true, `xpuplan plan --fluid`, the LP bound the
// price of executability is measured against) has average chips per month:
// fractional rentals and assignments, no gangs, no replicas.
//
// The plan carries only decisions. Everything a report shows (cost by vendor,
// shares, power, finish months) is derived from them by summarize(), and the
// checker (check.h) re-derives what it verifies on its own.
#pragma once

#include <cstdint>
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
  int64_t instances = 0;
  friend bool operator==(const Purchase&, const Purchase&) = default;
};

// Pay-as-you-go capacity rented on an on-demand or spot offer in a month.
// Executable plans: `instances` whole instances for the whole month and chips
// = instances x chips per instance. Fluid plans: average chips, instances 0.
struct Rental {
  OfferId offer;
  int month = 0;
  double chips = 0;
  int64_t instances = 0;
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

// A training run's gang in one month (executable plans): `chips` chips of
// one pool (accelerator at provider/region, spot or not) for the whole month,
// at the layout the engine found for exactly that count, progressing at
// `tokens_per_s` (the engine's throughput at that count, not a per-chip
// rate) for `goodput` of the month (the rest lost to interruptions). `moved_in` marks a month that starts by copying
// the checkpoint from another pool (its transfer time is lost, its egress paid).
struct Gang {
  WorkloadId workload;
  std::string accelerator, provider, region;
  bool spot = false;
  int month = 0;
  int64_t chips = 0;
  std::string layout;       // "tp8 pp4 dp32 ..."
  double tokens_per_s = 0;  // whole gang
  bool moved_in = false;
  // Share of the month the gang trains between interruptions (gang_goodput),
  // as the planner assumed it: progress is tokens_per_s x goodput x seconds.
  double goodput = 1;
  friend bool operator==(const Gang&, const Gang&) = default;
};

// A service's whole replicas in one pool and month (executable plans).
struct Replicas {
  WorkloadId workload;
  std::string accelerator, provider, region;
  int month = 0;
  int64_t replicas = 0;
  int chips_per_replica = 0;
  std::string layout;  // "tp8 ep8"
  friend bool operator==(const Replicas&, const Replicas&) = default;
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
  std::vector<Gang> gangs;              // sorted by (workload, month); executable plans only
  std::vector<Replicas> replicas;       // sorted by (workload, month, accelerator, provider, region)
  Dollars move_cost;                    // checkpoint egress of the gangs' moves (included in claimed_cost)
  bool fluid = false;                   // true: average chips (the LP model), not launchable as is
};

// Sorts every list into its canonical order (so equal plans compare equal).
void canonicalize(Plan& plan);

}  // namespace xpu
