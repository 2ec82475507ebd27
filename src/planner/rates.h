// The engine adapter: what one workload achieves on one accelerator, from
// the performance models (perf), in the linear terms the planner needs.
//
// Training: tokens/s per chip at the best layout (search_layouts) at a few
// chip counts: the smallest power-of-two count whose best layout fits memory
// (N0), then 2x steps (N0, 2N0, 4N0, ..., wider when max_points cannot reach
// the top otherwise) up to the run's max chips or the largest pool of the
// accelerator in the portfolio, whichever is smaller. Each point is a gang
// size the executable model may choose (its exact throughput); the fluid
// model uses the curve. The run's throughput at N average chips is the piecewise-linear curve through
// (0, 0), (N0, T(N0)), (4N0, T(4N0)), ...: below N0 the run uses N0 chips
// for part of the month (chips are monthly averages, so the first piece is
// linear); between points it interpolates; marginal rates are made
// non-increasing (conservatively, by lowering a later piece) so the LP fills
// the pieces in order and the curve stays concave. No chips beyond the last point.
//
// Inference: for each month's demand, the chips search_serving needs to meet
// the SLOs with whole replicas (chips per replica x replicas). A service
// split over accelerators serves fraction chips / need of its demand on each.
#pragma once

#include <string>
#include <vector>

#include "base/parallel.h"
#include "catalog/catalog.h"
#include "planner/portfolio.h"

namespace xpu {

// One evaluated scale of a training run.
struct ScalePoint {
  int chips = 0;
  double tokens_per_s_per_chip = 0;  // best layout at this count
  double mfu = 0;
  std::string layout;  // "tp8 pp4 dp32 ..." for reports
};

// One linear piece of the throughput curve: up to `width` more chips, each adding `rate` tokens/s.
struct RatePiece {
  double width = 0;  // chips
  double rate = 0;   // tokens/s per chip (marginal)
};

struct AcceleratorRate {
  std::string accelerator;
  std::string system;  // the system the rate was estimated on (system_for_offer; the slower where offers differ)
  bool usable = false;
  std::string reason;  // why not, when !usable ("does not fit in memory at 65536 chips", "misses the TPOT target")

  // Training.
  std::vector<ScalePoint> points;  // increasing chips: the counts with a valid layout
  // The point at exactly `chips`, or null (no layout evaluated there).
  const ScalePoint* point_at(int64_t chips) const;
  std::vector<RatePiece> pieces;  // from the points, concave
  double max_chips() const;       // sum of widths
  // Tokens/s at `chips` average chips (the concave curve; 0 at 0, flat past max_chips()).
  double tokens_per_s(double chips) const;

  // Inference.
  std::vector<double> need;    // per horizon month: chips to serve the whole month's demand (0 when none)
  int chips_per_replica = 0;   // at the peak month
  std::string serving_layout;  // "tp8 ep8", at the peak month
};

struct WorkloadRates {
  std::string workload;
  std::vector<AcceleratorRate> by_accelerator;  // same order as Workload::accelerators
  const AcceleratorRate* find(std::string_view accelerator) const;
};

struct RateTable {
  std::vector<WorkloadRates> workloads;  // same order as Portfolio::workloads
};

struct RateOptions {
  ThreadBudget threads;           // services and layout searches spread over these; results do not depend on it
  int default_max_chips = 16384;  // when a run gives none: largest scale evaluated
  int max_points = 8;             // scale points per (run, accelerator): the candidate gang sizes
};

// Evaluates every (workload, allowed accelerator) pair on the system the
// portfolio's offers rent (system_for_offer) with the default stack for the
// accelerator's runtime. An
// accelerator the workload cannot use (does not fit, misses the SLOs, no
// stack) comes back with usable = false and the reason.
RateTable estimate_rates(const Portfolio& p, const Catalog& catalog, const RateOptions& options = {});

// Pieces from scale points: first piece N0 chips at t(N0); later pieces the
// marginal tokens/s between points, capped so they never increase.
std::vector<RatePiece> pieces_from_points(const std::vector<ScalePoint>& points);

}  // namespace xpu
