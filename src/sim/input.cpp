#include "sim/input.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "planner/portfolio.h"

namespace xpu {
namespace {

Horizon as_planner_horizon(const SimHorizon& h) { return Horizon{h.start_year, h.start_month, h.months()}; }

bool finite_non_negative(double v) { return std::isfinite(v) && v >= 0; }

}  // namespace

std::string SimHorizon::label(int m) const { return as_planner_horizon(*this).label(m); }

double SimHorizon::total_hours() const {
  double sum = 0;
  for (double h : month_hours) sum += h;
  return sum;
}

SimHorizon calendar_horizon(int year, int month, int months, double cut_hours) {
  SimHorizon h{year, month, {}};
  const Horizon cal{year, month, months};
  double left = cut_hours > 0 ? cut_hours : 1e300;
  for (int m = 0; m < months && left > 0; ++m) {
    const double hours = std::min(cal.hours(m), left);
    h.month_hours.push_back(hours);
    left -= hours;
  }
  return h;
}

// Bounds at the door: counts stay far from 64-bit overflow when multiplied
// (replicas x chips, chips x months), and the engine packs indices in 24 bits.
constexpr int64_t kMaxChips = 1'000'000'000;
constexpr size_t kMaxHolders = 1'000'000;
constexpr int kMaxMonths = 120;

Diagnostics validate_sim_input(const SimInput& in) {
  Diagnostics ds;
  const int M = in.horizon.months();
  auto err = [&](const SourceLocation& at, std::string msg) { ds.push_back(error_at(at, std::move(msg))); };
  if (M <= 0 || M > kMaxMonths) err({}, fmt::format("horizon: needs 1 to {} months, got {}", kMaxMonths, M));
  if (in.runs.size() > kMaxHolders || in.services.size() > kMaxHolders || in.pools.size() > kMaxHolders) {
    err({}, fmt::format("at most {} pools, runs and services each", kMaxHolders));
    return ds;
  }
  for (int m = 0; m < M; ++m) {
    if (!(in.horizon.month_hours[m] > 0) || !std::isfinite(in.horizon.month_hours[m])) {
      err({}, fmt::format("horizon: month {} must have positive hours", in.horizon.label(m)));
    }
  }
  std::set<std::string> names;
  std::set<std::string> sites;
  for (const auto& s : in.rules.sites) sites.insert(s.name);
  for (const auto& p : in.pools) {
    const std::string what = fmt::format("pool '{}'", p.name);
    if (!names.insert(p.name).second) err(p.defined_at, what + ": name is given twice");
    if (p.chips_per_instance < 1 || p.chips_per_instance > kMaxChips) {
      err(p.defined_at, what + ": chips per instance must be at least 1 (and at most 1e9)");
    }
    if (!finite_non_negative(p.price_per_chip.si())) err(p.defined_at, what + ": price must be zero or positive");
    if (static_cast<int>(p.capacity.size()) != M) {
      err(p.defined_at, fmt::format("{}: capacity lists {} months; the horizon has {}", what, p.capacity.size(), M));
    }
    for (size_t m = 0; m < p.capacity.size() && p.chips_per_instance >= 1; ++m) {
      if (p.capacity[m] < 0 || p.capacity[m] > kMaxChips || p.capacity[m] % p.chips_per_instance != 0) {
        err(p.defined_at, fmt::format("{}: capacity in {} must be whole instances of {} chips, got {}", what,
                                      in.horizon.label(static_cast<int>(m)), p.chips_per_instance, p.capacity[m]));
      }
    }
    if (!p.rented.empty() && p.rented.size() != p.capacity.size()) {
      err(p.defined_at, fmt::format("{}: rented lists {} months; the horizon has {}", what, p.rented.size(), M));
    }
    if (!p.rented.empty() && p.committed()) err(p.defined_at, what + ": a commitment pool rents nothing");
    for (size_t m = 0; m < p.rented.size() && m < p.capacity.size() && p.chips_per_instance >= 1; ++m) {
      if (p.rented[m] < 0 || p.rented[m] > p.capacity[m] || p.rented[m] % p.chips_per_instance != 0) {
        err(p.defined_at,
            fmt::format("{}: rented chips in {} must be whole instances of {} chips within the "
                        "capacity {}, got {}",
                        what, in.horizon.label(static_cast<int>(m)), p.chips_per_instance, p.capacity[m], p.rented[m]));
      }
    }
    if (!p.site.empty() && !sites.count(p.site)) err(p.defined_at, fmt::format("{}: unknown site '{}'", what, p.site));
    if (!finite_non_negative(p.compute_weight) || !finite_non_negative(p.watts_per_chip.si())) {
      err(p.defined_at, what + ": compute weight and power must be zero or positive");
    }
  }
  for (const double share : {in.rules.max_vendor_share, in.rules.max_provider_share}) {
    if (!(share > 0 && share <= 1)) err({}, fmt::format("rules: shares must be in (0, 1], got {}", share));
  }
  const auto P = static_cast<int>(in.pools.size());
  // Planned chips per pool and month, to check against capacity.
  std::vector<std::vector<int64_t>> used(in.pools.size(), std::vector<int64_t>(std::max(M, 0), 0));
  auto whole = [&](int pool, int64_t chips) { return chips % in.pools[pool].chips_per_instance == 0; };
  names.clear();
  for (const auto& r : in.runs) {
    const std::string what = fmt::format("run '{}'", r.name);
    if (!names.insert(r.name).second) err(r.defined_at, what + ": name is given twice");
    if (!(r.tokens > 0) || !std::isfinite(r.tokens)) err(r.defined_at, what + ": tokens must be positive");
    if (r.earliest < 0 || r.earliest >= M || r.deadline < r.earliest || r.deadline >= M) {
      err(r.defined_at, fmt::format("{}: earliest {} and deadline {} must lie in the horizon, in order", what,
                                    in.horizon.label(r.earliest), in.horizon.label(r.deadline)));
    }
    if (!finite_non_negative(r.checkpoint.si()) || !finite_non_negative(r.write_bandwidth.si()) ||
        !std::isfinite(r.restart.si())) {
      err(r.defined_at, what + ": checkpoint size, write bandwidth and restart time must be finite and not negative");
    }
    if (static_cast<int>(r.months.size()) != M) {
      err(r.defined_at, fmt::format("{}: lists {} months; the horizon has {}", what, r.months.size(), M));
      continue;
    }
    for (int m = 0; m < M; ++m) {
      const RunMonth& a = r.months[m];
      if (a.pool < 0) continue;
      const std::string when = fmt::format("{} in {}", what, in.horizon.label(m));
      if (a.pool >= P) {
        err(r.defined_at, when + ": no such pool");
        continue;
      }
      if (m < r.earliest) err(r.defined_at, when + ": allocated before its earliest month");
      if (a.chips <= 0 || a.chips > kMaxChips || !whole(a.pool, a.chips)) {
        err(r.defined_at, fmt::format("{}: {} chips is not whole instances of {}", when, a.chips,
                                      in.pools[a.pool].chips_per_instance));
      }
      if (!finite_non_negative(a.tokens_per_s)) err(r.defined_at, when + ": tokens/s must be zero or positive");
      used[a.pool][m] += a.chips;
    }
    for (const auto& o : r.options) {
      if (o.chips <= 0 || o.chips > kMaxChips || !(o.tokens_per_s > 0) || !std::isfinite(o.tokens_per_s)) {
        err(r.defined_at, fmt::format("{}: option on {} needs positive chips and tokens/s", what, o.accelerator));
      }
    }
  }
  names.clear();
  for (const auto& s : in.services) {
    const std::string what = fmt::format("service '{}'", s.name);
    if (!names.insert(s.name).second) err(s.defined_at, what + ": name is given twice");
    if (static_cast<int>(s.demand_rps.size()) != M || static_cast<int>(s.months.size()) != M) {
      err(s.defined_at, fmt::format("{}: demand and replica sets must list {} months", what, M));
      continue;
    }
    for (int m = 0; m < M; ++m) {
      if (!finite_non_negative(s.demand_rps[m])) err(s.defined_at, what + ": demand must be zero or positive");
      for (const auto& set : s.months[m]) {
        const std::string when = fmt::format("{} in {}", what, in.horizon.label(m));
        if (set.pool < 0 || set.pool >= P) {
          err(s.defined_at, when + ": no such pool");
          continue;
        }
        if (set.replicas < 0 || set.replicas > kMaxChips || set.chips_per_replica < 1 ||
            set.chips_per_replica > kMaxChips || !finite_non_negative(set.rps_per_replica)) {
          err(s.defined_at, when + ": replicas, chips per replica and req/s per replica must be positive");
          continue;
        }
        if (!whole(set.pool, set.replicas * set.chips_per_replica)) {
          err(s.defined_at, fmt::format("{}: {} x {} chips is not whole instances of {}", when, set.replicas,
                                        set.chips_per_replica, in.pools[set.pool].chips_per_instance));
        }
        used[set.pool][m] += set.replicas * set.chips_per_replica;
      }
    }
    for (const auto& o : s.options) {
      if (o.chips_per_replica < 1 || o.chips_per_replica > kMaxChips || !(o.rps_per_replica > 0) ||
          !std::isfinite(o.rps_per_replica)) {
        err(s.defined_at, fmt::format("{}: option on {} needs positive chips and req/s", what, o.accelerator));
      }
    }
  }
  for (int p = 0; p < P; ++p) {
    if (static_cast<int>(in.pools[p].capacity.size()) != M) continue;
    for (int m = 0; m < M; ++m) {
      if (used[p][m] > in.pools[p].capacity[m]) {
        err(in.pools[p].defined_at,
            fmt::format("pool '{}': the plan uses {} chips in {}; its capacity is {}", in.pools[p].name, used[p][m],
                        in.horizon.label(m), in.pools[p].capacity[m]));
      }
    }
  }
  return ds;
}

namespace {

// Chip-hours billed in one pay-as-you-go pool over one month: `rented` chips
// all month, and chips held beyond them while held. `always` chips are held
// all month (services); each run holds its chips from the month's start for
// its hours.
double billed_chip_hours(int64_t rented, int64_t always, std::vector<std::pair<double, int64_t>> runs, double month_h) {
  std::sort(runs.begin(), runs.end());
  int64_t held = always;
  for (const auto& r : runs) held += r.second;
  double total = 0, t = 0;
  for (const auto& [hours, chips] : runs) {
    total += static_cast<double>(std::max(rented, held)) * (hours - t);
    t = hours;
    held -= chips;
  }
  return total + static_cast<double>(std::max(rented, held)) * (month_h - t);
}

}  // namespace

PlanOutcome evaluate_plan(const SimInput& in) {
  const int M = in.horizon.months();
  PlanOutcome out;
  out.spend_by_pool.assign(in.pools.size(), 0.0);
  auto bill = [&](int pool, double chips, double hours) {
    out.spend_by_pool[pool] += chips * hours * per_hour(in.pools[pool].price_per_chip);
  };
  for (size_t p = 0; p < in.pools.size(); ++p) {
    if (!in.pools[p].committed()) continue;
    for (int m = 0; m < M; ++m)
      bill(static_cast<int>(p), static_cast<double>(in.pools[p].capacity[m]), in.horizon.month_hours[m]);
  }
  // Pay-as-you-go: per pool and month, services' chips (all month) and runs' (chips, hours held).
  std::vector<std::vector<int64_t>> always(in.pools.size(), std::vector<int64_t>(static_cast<size_t>(M), 0));
  std::vector<std::vector<std::vector<std::pair<double, int64_t>>>> held(
      in.pools.size(), std::vector<std::vector<std::pair<double, int64_t>>>(static_cast<size_t>(M)));
  double start_h = 0;
  std::vector<double> month_start_h;
  for (int m = 0; m < M; ++m) {
    month_start_h.push_back(start_h);
    start_h += in.horizon.month_hours[m];
  }
  for (const auto& r : in.runs) {
    double left = r.tokens;
    double finish = -1;
    int finish_month = M;
    for (int m = 0; m < M && left > 0; ++m) {
      const RunMonth& a = r.months[m];
      if (a.pool < 0 || a.chips <= 0) continue;
      const double month_s = in.horizon.month_hours[m] * 3600.0;
      const double need_s = a.tokens_per_s > 0 ? left / a.tokens_per_s : std::numeric_limits<double>::infinity();
      const double held_s = std::min(need_s, month_s);
      if (!in.pools[a.pool].committed()) held[a.pool][m].emplace_back(held_s / 3600.0, a.chips);
      left -= a.tokens_per_s * held_s;
      if (need_s <= month_s || left <= r.tokens * kTokensDoneTolerance) {
        left = 0;
        finish = month_start_h[m] + need_s / 3600.0;
        finish_month = m;
      }
    }
    out.finish_hours.push_back(finish);
    out.finish_month.push_back(finish_month);
  }
  for (const auto& s : in.services) {
    for (int m = 0; m < M; ++m) {
      for (const auto& set : s.months[m]) {
        if (!in.pools[set.pool].committed()) always[set.pool][m] += set.replicas * set.chips_per_replica;
      }
    }
  }
  for (size_t p = 0; p < in.pools.size(); ++p) {
    if (in.pools[p].committed()) continue;
    for (int m = 0; m < M; ++m) {
      const double month_h = in.horizon.month_hours[m];
      bill(static_cast<int>(p),
           billed_chip_hours(in.pools[p].rented_in(m), always[p][m], std::move(held[p][m]), month_h), 1.0);
    }
  }
  double total = in.fixed_cost.si();
  for (double d : out.spend_by_pool) total += d;
  out.cost = Dollars(total);
  return out;
}

}  // namespace xpu
