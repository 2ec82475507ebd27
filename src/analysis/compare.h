// xpuplan compare: one workload on every priced accelerator. For each, the
// engines find the best layout (training) or the fewest chips that meet the
// SLOs (serving) on the systems its offers rent; cost prices that work under
// one purchase basis; the options are ranked by cost and set against a
// baseline. Optionally, the assumptions that could move the ranking are
// varied one at a time (software efficiency, the engines' interval, purchase
// term, commitment utilization, electricity).
//
// This file orchestrates perf and cost (which must not know each other); the
// reports that print a CompareResult are in compare_report.h and compare_html.h.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/parallel.h"
#include "catalog/data_set.h"
#include "catalog/offer.h"
#include "cost/compare.h"
#include "evidence/interval.h"
#include "perf/inference.h"
#include "perf/layout.h"
#include "workload/mode.h"
#include "workload/model.h"

namespace xpu {

// Whether offer `o` is one compare uses for `region`: any offer when the
// region is empty, and an offer without a region in every region.
bool in_region(const Offer& o, const std::string& region);

struct CompareQuery {
  Mode mode = Mode::train;  // train or infer
  ModelArch model;
  // Training: job.tokens > 0; exactly one of chips and deadline.
  TrainingJob training;
  std::optional<int> chips;         // this many chips on every accelerator
  std::optional<Seconds> deadline;  // the fewest chips, in whole instances, that finish by then
  // Serving: requests/s at the job's lengths, under the SLOs.
  ServingJob serving;
  double rate = 0;
  ServingSlo slo;
  std::optional<int> max_num_tokens;  // the engine's per-iteration token budget; empty: each stack's prefill_chunk
  // Prices.
  PriceBasis basis;
  std::string region;                           // only offers in this region (and region-less ones); empty = any
  std::string provider;                         // only this provider's offers; empty = any
  std::optional<ProviderClass> provider_class;  // only offers from this class of provider; empty = any
  std::string baseline = "h100-sxm";            // relative price-performance is baseline cost / cost
  std::vector<std::string> accelerators;        // only these; empty = every catalog accelerator
  double pue = PowerModel{}.pue;                // facility power / IT power, for energy and facility MW (cost/energy.h)
  bool sensitivity = false;
  ThreadBudget threads;  // candidates spread over these; results do not depend on it
  // Candidates evaluated of total (sensitivity runs after the last), one call
  // at a time from the evaluating threads; a throw stops the compare.
  std::function<void(uint32_t done, uint32_t total)> progress;
};

// Where an option's price comes from.
struct PriceSource {
  std::string what;  // "aws/us-east-1/p5.48xlarge/on-demand" or "purchase: h100-sxm"
  std::string provider, region, instance;
  ProviderClass provider_class = ProviderClass::unclassified;  // rented: the offer's provider class
  bool owned = false;                                          // a purchase price, not an offer
  bool includes_system = false;                                // owned: a system share, not the chip alone
  int instance_chips = 0;
  DollarRate per_chip;  // list price per chip-hour (rented), before utilization
  Dollars purchase;     // owned: per chip
  Provenance provenance;
};

struct CompareOption {
  std::string accelerator, name, vendor, system, stack;
  PriceSource price;
  std::string layout;                     // "tp8 pp1 dp128 mb2 zero1 sp", or "tp2 x 6 replicas"
  std::string note;                       // why it uses fewer chips than asked, when it does
  int chips = 0;                          // chips working
  Precision precision = Precision::bf16;  // what the matmuls run at on this chip
  // Training
  Seconds time, time_low, time_high;  // the run, and its 80% interval
  double mfu = 0;
  // Serving
  int replicas = 0, chips_per_replica = 0;
  Seconds ttft_p99, tpot_p99;
  double tokens_per_s_per_chip = 0;  // training tokens, or output tokens served
  // Cost: the run (training) or one hour of the service (serving).
  CostBreakdown cost;
  Dollars cost_low, cost_high;  // from the engines' 80% interval
  PredictionInterval interval;
  std::optional<double> relative;  // baseline cost / cost (> 1: cheaper than the baseline)
  int rank = 0;                    // 1 = cheapest
};

// An accelerator left out, and why ("no spot price in the price book").
struct NotCompared {
  std::string accelerator, vendor, reason;
};

// How one assumption moves each option's cost, and whether the order changes.
struct SensitivityFactor {
  std::string key;          // "efficiency:megatron-cuda", "interval", "term", "utilization", "electricity"
  std::string description;  // what was varied, by how much
  std::vector<std::optional<std::pair<double, double>>>
      cost;                                                // per option (result order): low, high; none = unaffected
  std::vector<std::pair<std::string, std::string>> swaps;  // accelerators that trade places (a was cheaper)
};

// The cheapest option rents from a class of provider (say a neocloud) that
// other vendors' compared accelerators have no offer in under the same term:
// its lead may be the provider class rather than the chip.
struct ClassCaveat {
  std::string accelerator;                    // the cheapest option
  ProviderClass provider_class{};             // its offer's class
  std::vector<std::string> without;           // other vendors' compared accelerators with no offer in that class
  std::optional<ProviderClass> suggested;     // a class the most compared accelerators have offers in
  std::vector<std::string> suggested_covers;  // the compared accelerators with an offer in `suggested`
};

// Owned options priced on different bases: some for the chip alone, some as
// a share of a whole system (servers, CPUs, NICs, switches). Not like for
// like; the report flags it rather than inventing a system share.
struct PurchaseBasisCaveat {
  std::vector<std::string> chip_only, system_share;  // compared accelerators on each basis
};

struct CompareResult {
  CompareQuery query;
  std::string cost_unit;               // "USD per run" or "USD per hour"
  std::vector<CompareOption> options;  // cheapest first
  std::vector<NotCompared> not_compared;
  std::optional<size_t> baseline;  // index in options
  std::string baseline_note;       // why there is no baseline, when there is none
  std::vector<SensitivityFactor> sensitivity;
  std::optional<ClassCaveat> class_caveat;
  std::optional<PurchaseBasisCaveat> basis_caveat;
};

// Runs the comparison. `data` supplies the catalog, its stacks and the price
// book. Throws nothing for expected outcomes: an accelerator without a price,
// a fit or a layout meeting the SLOs lands in not_compared with the reason.
CompareResult run_compare(const DataSet& data, const CompareQuery& query);

// Offers that rent a whole system of `accelerator` under `basis` (and in
// `region`, when given), cheapest first per system, with the system they rent.
struct SystemOffer {
  const System* system = nullptr;
  const Offer* offer = nullptr;
};
// `provider` and `provider_class` narrow the offers further when given.
std::vector<SystemOffer> system_offers(const DataSet& data, const std::string& accelerator, Term term,
                                       const std::string& region, const std::string& provider = "",
                                       std::optional<ProviderClass> provider_class = std::nullopt);

}  // namespace xpu
