#include "sim/risks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "base/suggest.h"
#include "catalog/accelerator.h"
#include "sim/from_plan.h"

namespace xpu {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<std::string> pool_values(const SimInput& in, Scope s) {
  std::set<std::string> out;
  for (const auto& p : in.pools) {
    switch (s) {
      case Scope::vendor:
        out.insert(p.vendor);
        break;
      case Scope::provider:
        out.insert(p.provider);
        break;
      case Scope::accelerator:
        out.insert(p.accelerator);
        break;
      case Scope::pool:
        out.insert(p.name);
        break;
      case Scope::all:
        break;
    }
  }
  return {out.begin(), out.end()};
}

bool valid_distribution(const Distribution& d, double lo, double hi) {
  const bool params_finite = std::isfinite(d.a) && std::isfinite(d.b) && std::isfinite(d.c);
  const bool ordered = (d.kind != Distribution::Kind::uniform || d.a <= d.b) &&
                       (d.kind != Distribution::Kind::triangular || (d.a <= d.b && d.b <= d.c));
  return params_finite && ordered && d.lowest() >= lo && d.highest() <= hi;
}

}  // namespace

double Distribution::sample(RngStream& rng) const {
  switch (kind) {
    case Kind::fixed:
      return a;
    case Kind::uniform:
      return a + (b - a) * rng.uniform();
    case Kind::triangular: {
      // Inverse CDF of the triangular distribution on [a, c] with mode b.
      const double u = rng.uniform();
      const double split = c > a ? (b - a) / (c - a) : 0.0;
      if (u < split) return a + std::sqrt(u * (c - a) * (b - a));
      return c - std::sqrt((1 - u) * (c - a) * (c - b));
    }
    case Kind::exponential:
      return a * rng.exponential();
    case Kind::lognormal:
      return a * std::exp(b * rng.normal());
  }
  return a;
}

double Distribution::mean() const {
  switch (kind) {
    case Kind::fixed:
      return a;
    case Kind::uniform:
      return (a + b) / 2;
    case Kind::triangular:
      return (a + b + c) / 3;
    case Kind::exponential:
      return a;
    case Kind::lognormal:
      return a * std::exp(b * b / 2);
  }
  return a;
}

double Distribution::lowest() const {
  switch (kind) {
    case Kind::fixed:
      return a;
    case Kind::uniform:
      return std::min(a, b);
    case Kind::triangular:
      return std::min({a, b, c});
    case Kind::exponential:
      return a >= 0 ? 0.0 : -kInf;
    case Kind::lognormal:
      return a > 0 && b >= 0 ? 0.0 : -kInf;
  }
  return a;
}

double Distribution::highest() const {
  switch (kind) {
    case Kind::fixed:
      return a;
    case Kind::uniform:
      return std::max(a, b);
    case Kind::triangular:
      return std::max({a, b, c});
    case Kind::exponential:
    case Kind::lognormal:
      return kInf;
  }
  return a;
}

std::string_view to_string(Scope s) {
  switch (s) {
    case Scope::all:
      return "all";
    case Scope::vendor:
      return "vendor";
    case Scope::provider:
      return "provider";
    case Scope::accelerator:
      return "accelerator";
    case Scope::pool:
      return "pool";
  }
  return "?";
}

bool Target::matches(const SimPool& p) const {
  switch (scope) {
    case Scope::all:
      return true;
    case Scope::vendor:
      return p.vendor == name;
    case Scope::provider:
      return p.provider == name;
    case Scope::accelerator:
      return p.accelerator == name;
    case Scope::pool:
      return p.name == name;
  }
  return false;
}

Diagnostics validate_risks(const Risks& risks, const SimInput& in) {
  Diagnostics ds;
  const int M = in.horizon.months();
  auto err = [&](const SourceLocation& at, std::string msg) { ds.push_back(error_at(at, std::move(msg))); };
  // A vendor must be one; another name must be one the input has, unless it
  // is close to none of them (a generic risks file may name providers or
  // accelerators this input lacks: that is a warning, a near miss an error).
  // A target that hits no pool of the kind the rule needs is a warning.
  auto check_target = [&](const Target& t, const std::string& what, bool (*kind)(const SimPool&),
                          const char* kind_name) {
    if (t.scope != Scope::all) {
      auto known = pool_values(in, t.scope);
      if (t.scope == Scope::vendor) {
        for (const Vendor v : {Vendor::nvidia, Vendor::google, Vendor::aws, Vendor::amd}) {
          known.emplace_back(to_string(v));
        }
        std::sort(known.begin(), known.end());
        known.erase(std::unique(known.begin(), known.end()), known.end());
      }
      if (!std::binary_search(known.begin(), known.end(), t.name)) {
        const std::string hint = did_you_mean(t.name, known);
        if (t.scope == Scope::vendor || !hint.empty()) {
          err(t.at, fmt::format("{}: unknown {} '{}'{}", what, to_string(t.scope), t.name, hint));
          return;
        }
      }
    }
    const bool hits = std::any_of(in.pools.begin(), in.pools.end(),
                                  [&](const SimPool& p) { return t.matches(p) && (kind == nullptr || kind(p)); });
    if (!hits) {
      const std::string named = t.scope == Scope::all ? "" : fmt::format("{} '{}' ", to_string(t.scope), t.name);
      ds.push_back(warning_at(t.at, fmt::format("{}: {}matches no {}pool of this input", what, named, kind_name)));
    }
  };
  auto is_spot = [](const SimPool& p) { return p.spot(); };
  auto is_committed = [](const SimPool& p) { return p.committed(); };
  auto fraction = [](double v) { return std::isfinite(v) && v >= 0 && v <= 1; };
  auto month_in = [&](int m) { return m >= 0 && m < M; };
  auto outside = [&](int m) {
    return fmt::format("starts {}, outside the horizon ({} to {})", in.horizon.label(m), in.horizon.label(0),
                       in.horizon.label(M - 1));
  };

  for (const auto& s : risks.shocks) {
    const std::string what = fmt::format("shock '{}'", s.name);
    check_target(s.target, what, nullptr, "");
    // Bounded so that a typo cannot ask for billions of events per replica.
    if (!(s.per_year >= 0) || !(s.per_year <= 10000)) {
      err(s.at, what + ": rate must be between 0 and 10,000 events a year");
    }
    if (!valid_distribution(s.depth, 0, 1)) err(s.at, what + ": depth must lie in 0..1");
    if (!valid_distribution(s.duration, 0, kInf)) err(s.at, what + ": duration must be zero or positive");
  }
  for (const auto& s : risks.scripted) {
    const std::string what = fmt::format("scripted shock '{}'", s.name);
    check_target(s.target, what, nullptr, "");
    if (!fraction(s.depth)) err(s.at, what + ": depth must lie in 0..1");
    if (!month_in(s.from)) err(s.at, fmt::format("{}: {}", what, outside(s.from)));
    if (s.months < 0 || !(s.duration.si() >= 0) || (s.months == 0 && !(s.duration.si() > 0))) {
      err(s.at, what + ": needs a positive number of months or a duration");
    }
  }
  for (const auto& l : risks.late) {
    const std::string what = fmt::format("late delivery '{}'", l.name);
    check_target(l.target, what, is_committed, "commitment ");
    if (!fraction(l.probability)) err(l.at, what + ": probability must lie in 0..1");
    if (!valid_distribution(l.delay, 0, kInf)) err(l.at, what + ": delay must be zero or positive");
  }
  for (const auto& s : risks.spot) {
    const std::string what = fmt::format("spot '{}'", s.name);
    check_target(s.target, what, is_spot, "spot ");
    if (!(s.mean_up.si() >= 60) || !(s.mean_down.si() >= 0) || !std::isfinite(s.mean_up.si()) ||
        !std::isfinite(s.mean_down.si())) {
      err(s.at, what + ": mean up time must be at least a minute and mean down time zero or positive");
    }
    if (!fraction(s.depth)) err(s.at, what + ": depth must lie in 0..1");
  }
  const auto accelerators = pool_values(in, Scope::accelerator);
  std::set<std::string> seen;
  for (const auto& f : risks.failures) {
    const std::string what = fmt::format("failures '{}'", f.accelerator);
    if (f.accelerator != "default" && !std::binary_search(accelerators.begin(), accelerators.end(), f.accelerator)) {
      const std::string hint = did_you_mean(f.accelerator, accelerators);
      if (!hint.empty()) {
        err(f.at, fmt::format("failures: unknown accelerator '{}'{}", f.accelerator, hint));
      } else {
        ds.push_back(warning_at(f.at, fmt::format("failures: no pool of this input runs '{}'", f.accelerator)));
      }
    }
    if (!seen.insert(f.accelerator).second) err(f.at, what + ": given twice");
    for (double v : {f.per_chip_hour, f.planned_per_chip_hour, f.detect.si(), f.replace.si()}) {
      if (!(v >= 0) || !std::isfinite(v)) {
        err(f.at, what + ": rates and times must be zero or positive");
        break;
      }
    }
    if (f.per_chip_hour + f.planned_per_chip_hour > 0.01) {
      err(f.at, what + ": at most 0.01 interruptions per chip-hour (H100s in Llama 3's run: 2.2e-5)");
    }
  }
  const CheckpointRule& c = risks.checkpoint;
  if (c.interval && !(c.interval->si() > 0)) err(c.at, "checkpoint: interval must be positive");
  for (const auto& r : in.runs) {
    if (r.checkpoint.si() > 0 && !(r.write_bandwidth.si() > 0) && !(c.write_bandwidth.si() > 0)) {
      err(r.defined_at, fmt::format("run '{}': no checkpoint write bandwidth: give the run one or set "
                                    "checkpoint: write_bandwidth in the risks",
                                    r.name));
    }
    if (r.restart.si() < 0 && c.restart.si() < 0) {
      err(r.defined_at, fmt::format("run '{}': no restart time: give the run one or set checkpoint: restart in the "
                                    "risks",
                                    r.name));
    }
  }
  for (const auto& p : risks.prices) {
    check_target(p.target, "price change", nullptr, "");
    if (!month_in(p.from)) err(p.at, fmt::format("price change: {}", outside(p.from)));
    if (!(p.factor >= 0) || !std::isfinite(p.factor)) err(p.at, "price change: factor must be zero or positive");
  }
  return ds;
}

void apply_gang_interruptions(const Risks& risks, Portfolio& p) {
  GangInterruptions g;
  for (const FailureRule& f : risks.failures) {
    g.failures.push_back(
        {.accelerator = f.accelerator, .per_chip_hour = f.per_chip_hour + f.planned_per_chip_hour, .detect = f.detect});
  }
  g.write_bandwidth = risks.checkpoint.write_bandwidth;
  g.restart = Seconds(std::max(0.0, risks.checkpoint.restart.si()));
  g.source = risks.failures.empty() ? "the risks given (no failures section)" : risks.failures.front().source;
  p.interruptions = std::move(g);
  // One pool per offer, in offer order, as the simulator resolves targets.
  const SimInput shape = sim_pools_from_portfolio(p);
  for (size_t o = 0; o < p.offers.size(); ++o) {
    double per_hour = 0;
    for (const SpotRule& s : risks.spot) {
      if (shape.pools[o].spot() && s.target.matches(shape.pools[o]) && s.depth > 0 && s.mean_up.si() > 0) {
        per_hour += 3600.0 / s.mean_up.si();
      }
    }
    p.offers[o].reclaims_per_hour = per_hour;
  }
}

}  // namespace xpu
