// What can go wrong over the horizon, as plain values (read from YAML by
// io/risks_io.h; format in docs/simulate.md): supply shocks, late deliveries
// of commitments, spot availability, hardware failures, checkpointing, and
// price changes. Rates and durations are in SI units (seconds, per second).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/goodput.h"
#include "base/rng.h"
#include "base/units.h"
#include "catalog/offer.h"
#include "planner/portfolio.h"
#include "sim/input.h"

namespace xpu {

// A distribution of a non-negative quantity (a fraction, or seconds).
struct Distribution {
  enum class Kind : unsigned char {
    fixed,        // a
    uniform,      // on [a, b]
    triangular,   // min a, mode b, max c
    exponential,  // mean a
    lognormal,    // median a, sigma b (of the log)
  };
  Kind kind = Kind::fixed;
  double a = 0, b = 0, c = 0;

  static Distribution fixed_at(double v) { return {Kind::fixed, v, 0, 0}; }
  // One draw; uses a fixed number of stream values per kind (1, or 2 for lognormal).
  double sample(RngStream& rng) const;
  double mean() const;
  // Smallest and largest value it can take (infinity for unbounded kinds).
  double lowest() const;
  double highest() const;
  friend bool operator==(const Distribution&, const Distribution&) = default;
};

// Which pools a risk applies to.
enum class Scope : unsigned char { all, vendor, provider, accelerator, pool };
std::string_view to_string(Scope s);

struct Target {
  Scope scope = Scope::all;
  std::string name;  // vendor, provider, accelerator or pool name; empty for all
  SourceLocation at;
  bool matches(const SimPool& p) const;
};

// Random supply shocks: events at `per_year`, each taking `depth` of the
// capacity of every targeted pool for `duration` (seconds).
struct ShockRule {
  std::string name;
  Target target;
  double per_year = 0;
  Distribution depth;
  Distribution duration;  // seconds
  std::string source;
  SourceLocation at;
};

// A shock that happens for sure: `depth` of capacity lost from the start of
// month `from` for `months` months (or `duration` seconds when months == 0).
struct ScriptedShock {
  std::string name;
  Target target;
  double depth = 0;
  int from = 0;
  int months = 0;
  Seconds duration;
  std::string source;
  SourceLocation at;
};

// Each delivery of committed capacity (a month in which a commitment pool's
// capacity grows) arrives late with `probability`, by `delay` (seconds).
struct LateDeliveryRule {
  std::string name;
  Target target;  // commitment pools only
  double probability = 0;
  Distribution delay;
  std::string source;
  SourceLocation at;
};

// Spot availability per targeted spot pool: alternating exponential up and
// down periods; while down, `depth` of the pool's chips are reclaimed.
struct SpotRule {
  std::string name;
  Target target;  // spot pools only
  Seconds mean_up;
  Seconds mean_down;
  double depth = 1.0;
  std::string source;
  SourceLocation at;
};

// Interruptions of a gang per chip-hour (unexpected failures, plus planned
// maintenance), with time to detect a failure and to replace a failed
// instance when its pool has no spare one. accelerator "default" applies to
// accelerators without their own entry.
struct FailureRule {
  std::string accelerator;
  double per_chip_hour = 0;
  double planned_per_chip_hour = 0;
  Seconds detect;
  Seconds replace;
  std::string source;
  SourceLocation at;
};

// Checkpointing of training runs. Interval: Young/Daly's optimum for each
// gang's failure rate by default, or a fixed compute time between checkpoints.
struct CheckpointRule {
  std::optional<Seconds> interval;  // empty = Young/Daly
  ByteRate write_bandwidth;         // for runs without their own (0 = none given)
  Seconds restart = Seconds(-1.0);  // for runs without their own (negative = none given)
  std::string source;
  SourceLocation at;
};

// Price changes: from month `from` on, targeted pools (optionally of one
// term) cost `factor` times their price. Factors of overlapping entries multiply.
struct PriceChange {
  Target target;
  std::optional<Term> term;
  int from = 0;
  double factor = 1.0;
  std::string source;
  SourceLocation at;
};

struct Risks {
  std::vector<ShockRule> shocks;
  std::vector<ScriptedShock> scripted;
  std::vector<LateDeliveryRule> late;
  std::vector<SpotRule> spot;
  std::vector<FailureRule> failures;
  CheckpointRule checkpoint;
  std::vector<PriceChange> prices;
};

// Cross-checks of risks against the input they apply to: unknown vendors, and
// provider, accelerator or pool names that are near misses of the input's
// (errors, with the near miss); names far from any, and targets that hit no
// pool of the kind the rule needs (warnings: a generic risks file may name
// what this input lacks); scripted shocks and price changes outside the
// horizon; runs left without a write bandwidth or restart time; ranges
// (negative rates, fractions outside 0..1), which the reader reports first.
Diagnostics validate_risks(const Risks& risks, const SimInput& in);

// The interruptions the planner plans slack for, from the risks a simulation
// of the plan would use (so plan and simulation assume the same): `risks`'s
// failure rates (none when it has no `failures` section), its checkpoint
// write bandwidth and restart, and on each spot offer of `p` the reclaims
// per hour of the spot rules targeting it (1 / up each, as the simulator
// counts them for Young/Daly). Sets p.interruptions and the offers' reclaims_per_hour.
void apply_gang_interruptions(const Risks& risks, Portfolio& p);

}  // namespace xpu
