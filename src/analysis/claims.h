// Vendor price-performance claims checked with compare on concrete workloads,
// as values: each claim's compare runs, the ratios and verdicts they give,
// and what decides them. report renders them as docs/claims.md (`xpuplan
// claims --write docs/claims.md`; a test fails when the shipped file is out
// of date). Where a price is missing the result says so and gives the price
// at which the claim would hold instead of inventing one.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/compare.h"
#include "base/parallel.h"
#include "catalog/data_set.h"

namespace xpu {

// A workload the claims are checked on: a compare query and the flags that type it.
struct ClaimWorkload {
  std::string key;      // "A", "A-fp8", "B", "C"
  std::string title;    // "Llama 3.1 70B pre-training: 15T tokens on 1024 chips, ..."
  std::string command;  // the compare flags that describe it
  CompareQuery query;
};

// One compare run behind a claim.
struct ClaimRun {
  std::string workload;  // its key
  bool training = true;
  Term term = Term::on_demand;
  std::string command;  // reproduces it: "xpuplan compare ..."
  CompareResult result;

  const CompareOption* option(const std::string& accelerator) const;
  // Why `accelerator` was left out ("not run" when it was not asked for).
  std::string missing(const std::string& accelerator) const;
  // A sensitivity factor's cost range for `accelerator`.
  std::optional<std::pair<double, double>> factor_range(const std::string& key, const std::string& accelerator) const;
};

// How many times cheaper the claimant is than another option for the same
// work, and the range when both move to opposite ends of their 80% intervals.
struct CostRatio {
  double value = 0, low = 0, high = 0;
};
std::optional<CostRatio> cost_ratio(const ClaimRun& r, const std::string& claimant, const std::string& other);

// Claim 1: Trainium2, "30-40% better price-performance than GPU-based instances".
struct Trn2Claim {
  std::optional<Offer> spot;                  // the only Trn2 price in the book; none: cannot be checked
  std::vector<ClaimRun> spot_runs;            // per workload: trn2, h200, h100 at spot, with sensitivity
  std::vector<ClaimRun> on_demand_runs;       // per workload: h200, h100 on demand
  std::vector<std::string> holds, fails;      // workloads 1.30x cheaper than both GPUs at spot, and the rest
  double lo_vs_h200 = 1e300, hi_vs_h200 = 0;  // range of the Trn2 vs H200 ratio
  // What Trn2's software efficiency would have to be for 1.30x against H200 at these prices.
  struct Efficiency {
    std::string workload;
    bool training = true;
    double tokens_per_s_per_chip = 0, mfu = 0;
    std::string stack;
    std::vector<std::string> extrapolations;
    double need = 0;                                   // times the modelled throughput
    std::optional<std::pair<double, double>> vs_h200;  // the ratio with the stack's efficiencies moved by its error
  };
  std::vector<Efficiency> efficiency;
  // The Trn2 on-demand price per chip-hour at which the claim holds against on-demand GPUs.
  struct OnDemandCap {
    std::string workload;
    double h200_cost = 0, h100_cost = 0;
    double vs_h200 = 0, vs_h100 = 0;  // $/chip-h
  };
  std::vector<OnDemandCap> on_demand_caps;
  double lo_price = 1e300, hi_price = 0;  // range of the caps against H200
  std::vector<std::string> gaps;          // where the engines extrapolate for Trn2
};

// Claim 2: Trainium3, "another 30-40% better price-performance than Trainium2".
struct Trn3Claim {
  std::vector<ClaimRun> priced;       // terms where both have a price: the claim as stated
  std::vector<Offer> assumed_prices;  // one equal assumed price per chip-hour for both
  std::vector<ClaimRun> equal_runs;   // per workload, under the assumed prices
  struct PerChip {
    std::string workload;
    std::optional<double> trn2, trn3;  // tokens/s per chip; none: left out (see the run)
    double ratio = 0;                  // trn3 / trn2
  };
  std::vector<PerChip> per_chip;
  std::optional<Offer> trn2_spot;         // to put the price caps in dollars
  double lo_ratio = 1e300, hi_ratio = 0;  // Trn3 / Trn2 tokens per chip-hour
  std::string lo_workload, hi_workload;
  std::optional<Accelerator> trn2, trn3;  // specifications
};

// Claim 3: "up to 50% lower training and inference costs" (Trainium, Inferentia2).
struct HalfClaim {
  struct Row {
    std::string workload;
    Term term = Term::on_demand;
    std::string aws, gpu;
    double aws_cost = 0, gpu_cost = 0;
    CostRatio ratio;  // gpu cost / aws cost
    double saving() const { return 1 - 1 / ratio.value; }
  };
  std::vector<ClaimRun> runs;
  std::vector<Row> rows;
  std::optional<size_t> best, best_on_demand;  // rows with the largest saving
  // The most billed chips beyond those at work (whole instances), over the runs.
  double worst_waste = 0;
  std::string worst_waste_accelerator, worst_waste_workload;
  int worst_waste_chips = 0, worst_waste_billed = 0;
  std::vector<std::pair<std::string, double>> spot_shares;  // accelerator, cheapest spot / cheapest on-demand
  struct Gap {
    std::string accelerator, workload;
    std::vector<std::string> extrapolations;
  };
  std::vector<Gap> gaps;
};

// Which Trainium generations a Neuron stack has no published run on.
struct NeuronEvidence {
  std::string stack;
  std::vector<std::string> without;  // of trn2, trn3
};

struct ClaimsResult {
  std::vector<ClaimWorkload> workloads;  // in the order the document lists them
  Trn2Claim trn2;
  Trn3Claim trn3;
  HalfClaim half;
  std::vector<NeuronEvidence> neuron_evidence;
};

// Runs every compare the claims need on `data` (the shipped data, plus any
// --catalog/--prices a user adds: their prices then decide the verdicts).
// Deterministic: the result does not depend on the thread budget.
ClaimsResult check_claims(const DataSet& data, ThreadBudget threads);

}  // namespace xpu
