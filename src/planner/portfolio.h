// A portfolio to plan: a horizon of months, the workloads to place in it
// (training runs with deadlines, inference services with monthly demand),
// the offers that may supply chips (with capacity per month), the sites that
// limit power, and the policy (diversification, budget, robustness).
//
// Plain values, resolved against the catalog and price book by io
// (io/portfolio_io.h); nothing here reads files. Format: docs/portfolio.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/units.h"
#include "catalog/accelerator.h"
#include "catalog/offer.h"
#include "perf/inference.h"
#include "perf/layout.h"
#include "planner/ids.h"
#include "workload/mode.h"
#include "workload/model.h"

namespace xpu {

// Months are indices from the horizon's first month (0 = start). Calendar
// lengths are real: January has 31 days, February 28 or 29.
struct Horizon {
  int start_year = 2027;
  int start_month = 1;  // 1..12
  int months = 12;

  // "2027-03" for month index `m` (any m, also past the horizon).
  std::string label(int m) const;
  // Hours in month `m` (calendar days x 24).
  double hours(int m) const;
  // Month index of "YYYY-MM" relative to the start (may be negative or past the end).
  int index_of(int year, int month) const { return (year - start_year) * 12 + (month - start_month); }
};

// Parses "YYYY-MM" (month 01..12) into {year, month}.
std::optional<std::pair<int, int>> parse_year_month(std::string_view text);

// A one-time cost to make a workload run on a software runtime it does not
// run on today (porting, validation, tuning), charged once if any of its
// chips in the plan are of that runtime.
struct PortingCost {
  Runtime runtime = Runtime::cuda;
  Dollars cost;
  SourceLocation at;
};

struct TrainingSpec {
  TrainingJob job;       // seq_len, global_batch, precision; job.tokens = tokens to train
  int max_chips = 0;     // most chips the run may use at once; 0 = the adapter's default
  bool may_move = true;  // may change vendor between months; false: one vendor for the whole run
};

struct ServiceSpec {
  ServingJob job;                  // input/output lengths, precision
  ServingSlo slo;                  // TTFT / TPOT targets (p50, as the perf model reports them)
  std::vector<double> demand_rps;  // requests per second, one per horizon month (0 = not served that month)
  int max_num_tokens = 0;          // the engine's per-iteration token budget (0: the stack's, token_budget)
};

struct Workload {
  std::string name;  // unique, as written in the file
  Mode kind = Mode::train;
  ModelArch model;
  // Accelerators the workload may run on (catalog keys, sorted, unique). io
  // resolves `accelerators:` and `vendors:` into this list; an empty input
  // means every accelerator with an offer in the portfolio.
  std::vector<std::string> accelerators;
  int earliest = 0;  // first month it may run (training; services use their demand)
  int deadline = 0;  // last month it may run; training must be done by the end of it
  TrainingSpec train;
  ServiceSpec serve;
  std::vector<PortingCost> porting;
  SourceLocation defined_at;
};

// An offer as the planner uses it: the price-book entry plus capacity per
// month, the site it draws power from and the accelerator facts it needs.
struct PlanOffer {
  std::string key;  // price-book key ("aws/us-east-1/p5.48xlarge/on-demand") or the inline offer's name
  Offer offer;      // provider, region, instance, accelerator, chips per instance, term, price per instance-hour
  Vendor vendor = Vendor::nvidia;
  Runtime runtime = Runtime::cuda;
  std::string site;              // "" = no power limit (a cloud region the user does not budget)
  std::vector<int> capacity;     // chips available per horizon month (whole-instance multiples not required)
  double availability = 1.0;     // spot: fraction of requested chip-hours delivered; 1 otherwise
  double reclaims_per_hour = 0;  // spot: reclaims that stop a gang here (GangInterruptions); 0 otherwise
  FlopRate peak_bf16;            // per chip, the compute weight for vendor/provider shares
  Watts it_watts;                // per chip: TDP x load factor + host share (before PUE)
  SourceLocation defined_at;

  bool is_commitment() const { return term_months() > 0; }
  // Months a purchase bills: 12 (1y), 36 (3y), 1 (capacity block: a whole
  // month paid up front); 0 for pay-as-you-go (on-demand, spot).
  int term_months() const;
  DollarRate price_per_chip() const { return offer.price_per_chip(); }
};

struct Site {
  std::string name;
  Watts budget;      // facility power available to the plan (grid side, PUE included)
  double pue = 1.2;  // facility power / IT power
  SourceLocation defined_at;
};

// "If any one vendor loses `loss` of its capacity from month `from`, every
// deadline still holds within `max_delay` of the run's window and every
// service keeps its demand": checked with re-routable reserve (docs/portfolio.md).
struct Robustness {
  double loss = 0.0;       // fraction of the vendor's chips lost, (0, 1]
  int from = 0;            // first month of the loss (index)
  double max_delay = 0.0;  // allowed delay as a fraction of the run's window (earliest..deadline)
};

enum class Objective : unsigned char {
  cost,      // cheapest plan meeting every deadline and demand
  lateness,  // least total lateness (months after deadlines, fractional) within the budget
};
std::string_view to_string(Objective o);

struct Policy {
  double max_vendor_share = 1.0;    // of the month's compute (bf16 peak of provisioned chips)
  double max_provider_share = 1.0;  // same, per provider
  int min_vendors = 1;              // vendors each carrying at least min_vendor_share in every month with compute
  double min_vendor_share = 0.1;
  std::optional<Dollars> budget;  // total spend cap over the horizon (commitments billed in full)
  Objective objective = Objective::cost;
  std::optional<Robustness> robustness;
  double load_factor = 1.0;  // average chip draw / TDP for site power
  // Moving a training run's checkpoint between pools (executable plans):
  // egress per GB leaving the old pool and the link it crosses. Defaults:
  // AWS "Data Transfer OUT from Amazon EC2 to Internet", first 10 TB/month,
  // $0.09/GB (https://aws.amazon.com/ec2/pricing/on-demand/, read 2026-12);
  // a 10 Gbit/s dedicated link (AWS Direct Connect dedicated port sizes,
  // https://aws.amazon.com/directconnect/pricing/, read 2026-12).
  double move_egress_per_gb = 0.09;  // $ per GB, >= 0
  double move_gbps = 10.0;           // Gbit/s, > 0
};

// What the planner expects to interrupt a training gang (a risks file's
// `failures` and `checkpoint` sections, docs/simulate.md): a gang of n chips
// is interrupted n x per_chip_hour times an hour (plus its spot pool's
// reclaims), writes checkpoints at Young/Daly's interval and stalls
// detect + restart per interruption. It assumes a spare instance in the
// pool: the simulator adds the risks' `replace` time when there is none,
// and counting it here on every interruption (4 h in examples/risks.yaml)
// leaves the shipped example without a plan (docs/portfolio.md). A gang
// trains gang_goodput() of each month; `on` false plans at 100%
// (`xpuplan plan --no-interruptions`).
struct GangInterruptions {
  struct Rate {
    std::string accelerator;   // catalog key, or "default" for accelerators without their own
    double per_chip_hour = 0;  // unexpected failures + planned maintenance
    Seconds detect;
  };
  bool on = true;
  std::vector<Rate> failures;
  ByteRate write_bandwidth;  // checkpoint writes (0: none are written; a failure loses only the stall)
  Seconds restart;           // reload the checkpoint and re-initialize
  std::string source;        // where the figures come from, for reports

  // The default when no risks are given: the Llama 3 rates on H100 for every
  // accelerator (the only published ones), examples/risks.yaml's checkpoint.
  static GangInterruptions llama3();
  // Interruptions per chip-hour for `accelerator` (its own entry, else "default", else 0), and its detection time.
  const Rate* rate_for(std::string_view accelerator) const;
};

struct Portfolio {
  std::string name;
  Horizon horizon;
  std::vector<Workload> workloads;  // in file order
  std::vector<PlanOffer> offers;    // sorted by key
  std::vector<Site> sites;          // sorted by name
  Policy policy;
  GangInterruptions interruptions;  // set by the shell from --risks (default: llama3())

  const PlanOffer& offer(OfferId id) const { return offers[id.index()]; }
  const Workload& workload(WorkloadId id) const { return workloads[id.index()]; }
  const Site* find_site(std::string_view name) const;
  int find_offer(std::string_view key) const;  // index or -1
  // Vendors with at least one offer, in enum order.
  std::vector<Vendor> vendors() const;
  std::vector<std::string> providers() const;  // sorted
};

// Expected fraction of the month a gang of `chips` chips of `accelerator`
// trains (base/goodput.h expected_goodput), interrupted by its chips'
// failures and `reclaims_per_hour` (its spot pool's); 1 when interruptions
// are off. The planner's progress and the checker's both use it.
double gang_goodput(const Portfolio& p, const Workload& w, std::string_view accelerator, double reclaims_per_hour,
                    int64_t chips);

// Cross-checks of a resolved portfolio that need no file positions beyond the
// ones the values carry: capacities per month, deadlines inside the horizon,
// shares in range, every workload with at least one offer it may use. io runs
// its own per-field checks first; this catches what only the whole shows.
Diagnostics validate_portfolio(const Portfolio& p);

}  // namespace xpu
