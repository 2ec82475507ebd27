#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>

#include "base/suggest.h"
#include "sim/prepared.h"

namespace xpu {
namespace {

constexpr double kSecondsPerYear = 365.25 * 86400.0;

// Stream kinds (base/rng.h stream_id): one per kind of randomness.
constexpr uint32_t kShockStream = 1, kLateStream = 2, kSpotStream = 3;

const FailureRule* failure_rule_for(const Risks& risks, const std::string& accelerator) {
  const FailureRule* fallback = nullptr;
  for (const auto& f : risks.failures) {
    if (f.accelerator == accelerator) return &f;
    if (f.accelerator == "default") fallback = &f;
  }
  return fallback;
}

std::vector<int> targeted(const SimInput& in, const Target& t, bool (*kind)(const SimPool&)) {
  std::vector<int> out;
  for (size_t p = 0; p < in.pools.size(); ++p) {
    if (t.matches(in.pools[p]) && (kind == nullptr || kind(in.pools[p]))) out.push_back(static_cast<int>(p));
  }
  return out;
}

SimTime at_seconds(double s) { return SimTime::start() + SimDuration::from_seconds(s); }

void prepare_pools(PreparedSim& p) {
  const SimInput& in = p.in;
  const int M = in.horizon.months();
  for (const SimPool& pool : in.pools) {
    PoolPrep pp;
    if (const FailureRule* f = failure_rule_for(p.risks, pool.accelerator)) {
      pp.fail_per_chip_s = (f->per_chip_hour + f->planned_per_chip_hour) / 3600.0;
      pp.detect_s = f->detect.si();
      pp.replace_s = f->replace.si();
    }
    // Capacity losses stop gangs as failures do, so they shorten the checkpoint interval too.
    for (const SpotRule& s : p.risks.spot) {
      if (pool.spot() && s.target.matches(pool) && s.depth > 0) pp.loss_per_s += 1.0 / s.mean_up.si();
    }
    for (const ShockRule& s : p.risks.shocks) {
      if (s.target.matches(pool)) pp.loss_per_s += s.per_year / kSecondsPerYear;
    }
    for (size_t i = 0; i < in.rules.sites.size(); ++i) {
      if (in.rules.sites[i].name == pool.site) pp.site = static_cast<int>(i);
    }
    pp.price_factor.assign(M, 1.0);
    for (const PriceChange& c : p.risks.prices) {
      if (!c.target.matches(pool) || (c.term && *c.term != pool.term)) continue;
      for (int m = c.from; m < M; ++m) pp.price_factor[m] *= c.factor;
    }
    p.pools.push_back(std::move(pp));
  }
}

void prepare_runs(PreparedSim& p) {
  const SimInput& in = p.in;
  const int M = in.horizon.months();
  for (const SimRun& r : in.runs) {
    RunPrep rp;
    std::vector<RunOption> options;
    rp.planned.assign(M, RunMonth{});
    for (int m = 0; m < M; ++m) {
      const RunMonth& a = r.months[m];
      if (a.pool < 0 || a.chips <= 0) continue;
      rp.planned[m] = a;
      if (rp.first_planned < 0) rp.first_planned = m;
      rp.last_planned = m;
      const RunOption o{in.pools[a.pool].accelerator, a.chips, a.tokens_per_s};
      if (a.tokens_per_s > 0 && std::find(options.begin(), options.end(), o) == options.end()) options.push_back(o);
    }
    // A run the plan did not finish keeps its last allocation while it lasts.
    for (int m = rp.last_planned + 1; rp.last_planned >= 0 && m < M; ++m) rp.planned[m] = rp.planned[rp.last_planned];
    for (const RunOption& o : r.options) {
      if (std::find(options.begin(), options.end(), o) == options.end()) options.push_back(o);
    }
    const double bw = r.write_bandwidth.si() > 0 ? r.write_bandwidth.si() : p.risks.checkpoint.write_bandwidth.si();
    rp.checkpoints = r.checkpoint.si() > 0;
    rp.write_s = rp.checkpoints && bw > 0 ? r.checkpoint.si() / bw : 0.0;
    rp.restart_s = r.restart.si() >= 0 ? r.restart.si() : std::max(0.0, p.risks.checkpoint.restart.si());
    p.runs.push_back(std::move(rp));
    p.run_options.push_back(std::move(options));
  }
  for (const SimService& s : in.services) {
    std::vector<ServiceOption> options;
    for (const auto& month : s.months) {
      for (const ReplicaSet& set : month) {
        const ServiceOption o{in.pools[set.pool].accelerator, set.chips_per_replica, set.rps_per_replica};
        if (set.rps_per_replica > 0 && std::find(options.begin(), options.end(), o) == options.end()) {
          options.push_back(o);
        }
      }
    }
    for (const ServiceOption& o : s.options) {
      if (std::find(options.begin(), options.end(), o) == options.end()) options.push_back(o);
    }
    p.service_options.push_back(std::move(options));
  }
}

void prepare_sources(PreparedSim& p) {
  const SimInput& in = p.in;
  auto is_spot = [](const SimPool& x) { return x.spot(); };
  auto is_committed = [](const SimPool& x) { return x.committed(); };
  for (const auto& s : p.risks.shocks) {
    p.shock_pools.push_back(targeted(in, s.target, nullptr));
    p.sources.push_back({fmt::format("shock '{}'", s.name)});
  }
  for (const auto& s : p.risks.scripted) {
    p.scripted_pools.push_back(targeted(in, s.target, nullptr));
    p.sources.push_back({fmt::format("scripted shock '{}'", s.name)});
  }
  for (const auto& l : p.risks.late) {
    p.late_pools.push_back(targeted(in, l.target, is_committed));
    p.sources.push_back({fmt::format("late delivery '{}'", l.name)});
  }
  for (const auto& s : p.risks.spot) {
    p.spot_pools.push_back(targeted(in, s.target, is_spot));
    p.sources.push_back({fmt::format("spot '{}'", s.name)});
  }
}

Diagnostics validate_options(const SimOptions& o) {
  Diagnostics ds;
  if (o.replicas == 0) ds.push_back(error_at({"", 0, 0, "--replicas"}, "replicas must be at least 1"));
  if (o.replicas >= (1u << 31)) ds.push_back(error_at({"", 0, 0, "--replicas"}, "replicas must be below 2^31"));
  if (o.threads == 0) ds.push_back(error_at({"", 0, 0, "--threads"}, "the thread budget must be at least 1"));
  const auto names = policy_names();
  for (const auto& name : o.policies) {
    if (!find_policy(name)) {
      ds.push_back(error_at({"", 0, 0, "--policy"}, fmt::format("unknown policy '{}'{}; known: {}", name,
                                                                did_you_mean(name, names), fmt::join(names, ", "))));
    }
  }
  return ds;
}

}  // namespace

void PreparedSimDeleter::operator()(PreparedSim* p) const { delete p; }

int PreparedSim::month_of(SimTime t) const {
  const auto it = std::upper_bound(month_start.begin(), month_start.end(), t);
  return static_cast<int>(it - month_start.begin()) - 1;
}

double capacity_chip_hours(const PreparedSim& prep, int pool, SimTime t0, SimTime t1, double fraction) {
  double sum = 0;
  const int M = prep.in.horizon.months();
  for (int m = std::max(0, prep.month_of(t0)); m < M && prep.month_start[m] < t1; ++m) {
    const SimTime a = std::max(t0, prep.month_start[m]);
    const SimTime b = std::min(t1, prep.month_start[m + 1]);
    if (b > a) sum += static_cast<double>(prep.in.pools[pool].capacity[m]) * (b - a).hours();
  }
  return sum * fraction;
}

Expected<PreparedSimPtr, Diagnostics> prepare_simulation(const SimInput& in, const Risks& risks,
                                                         const SimOptions& options) {
  Diagnostics ds = validate_sim_input(in);
  if (!has_errors(ds)) {
    for (auto& d : validate_risks(risks, in)) ds.push_back(std::move(d));
  }
  for (auto& d : validate_options(options)) ds.push_back(std::move(d));
  if (has_errors(ds)) return Unexpected{std::move(ds)};

  PreparedSimPtr p(new PreparedSim{.in = in, .risks = risks, .options = options});
  if (p->options.policies.empty()) p->options.policies = {"static"};
  const int M = in.horizon.months();
  SimDuration elapsed;
  p->month_start.push_back(SimTime::start());
  double hours = 0;
  for (int m = 0; m < M; ++m) {
    hours += in.horizon.month_hours[m];
    elapsed = SimDuration::from_seconds(hours * 3600.0);
    p->month_start.push_back(SimTime::start() + elapsed);
  }
  prepare_pools(*p);
  prepare_runs(*p);
  prepare_sources(*p);
  for (const auto& name : p->options.policies) {
    p->policies.push_back(find_policy(name)->make());
    p->policy_names.push_back(name);
  }
  p->plan = evaluate_plan(in);
  p->plan_cost = in.plan_cost.value_or(p->plan.cost);

  OutcomeLayout& l = p->layout;
  l.sources = p->sources.size();
  l.pools = in.pools.size();
  l.runs = in.runs.size();
  l.services = in.services.size();
  l.months = static_cast<size_t>(in.horizon.months());
  l.per_policy = outcome_doubles_per_policy(l.pools, l.runs, l.services, l.months);
  l.policy_base = 2 * l.sources;
  l.stride = l.policy_base + p->policies.size() * l.per_policy;
  return p;
}

size_t outcome_doubles_per_policy(size_t pools, size_t runs, size_t services, size_t months) {
  return OutcomeLayout::kHeader + pools + runs * OutcomeLayout::kRunFields + services + months * (1 + runs);
}

size_t outcome_stride(const PreparedSim& prep) { return prep.layout.stride; }

const SimOptions& options_of(const PreparedSim& prep) { return prep.options; }

ReplicaDraws draw_replica(const PreparedSim& prep, uint32_t replica) {
  const SimInput& in = prep.in;
  const Risks& risks = prep.risks;
  const uint64_t seed = prep.options.seed;
  const int M = in.horizon.months();
  const SimTime end = prep.month_start.back();
  const double end_s = end.seconds();
  const auto P = static_cast<uint32_t>(in.pools.size());
  ReplicaDraws d;
  d.lost_chip_hours.assign(prep.sources.size(), 0.0);
  d.event_counts.assign(prep.sources.size(), 0.0);
  uint32_t effect = 0;
  size_t source = 0;
  // A loss of `depth` of every pool in `pools` over [t0, t1).
  auto add_factor = [&](std::span<const int> pools, SimTime t0, SimTime t1, double depth) {
    if (t1 <= t0 || depth <= 0) return;
    for (int p : pools) {
      d.events.push_back({t0, TimelineEvent::Kind::factor_on, static_cast<uint32_t>(p), effect, depth});
      if (t1 < end) d.events.push_back({t1, TimelineEvent::Kind::factor_off, static_cast<uint32_t>(p), effect, depth});
      d.lost_chip_hours[source] += capacity_chip_hours(prep, p, t0, t1, depth);
    }
    d.event_counts[source] += 1;
    ++effect;
  };

  for (size_t i = 0; i < risks.shocks.size(); ++i, ++source) {
    const ShockRule& s = risks.shocks[i];
    const double rate = s.per_year / kSecondsPerYear;
    if (rate <= 0 || prep.shock_pools[i].empty()) continue;
    RngStream rng(seed, replica, stream_id(kShockStream, static_cast<uint32_t>(i)));
    // Poisson arrivals; each event draws its depth and duration in that order.
    for (double t = rng.exponential() / rate; t < end_s; t += rng.exponential() / rate) {
      const double depth = s.depth.sample(rng);
      const double duration = s.duration.sample(rng);
      add_factor(prep.shock_pools[i], at_seconds(t), std::min(end, at_seconds(t + duration)), depth);
    }
  }
  for (size_t i = 0; i < risks.scripted.size(); ++i, ++source) {
    const ScriptedShock& s = risks.scripted[i];
    const SimTime t0 = prep.month_start[s.from];
    const SimTime t1 = s.months > 0 ? prep.month_start[std::min(M, s.from + s.months)]
                                    : std::min(end, t0 + SimDuration::from(s.duration));
    add_factor(prep.scripted_pools[i], t0, t1, s.depth);
  }
  for (size_t i = 0; i < risks.late.size(); ++i, ++source) {
    const LateDeliveryRule& l = risks.late[i];
    for (int p : prep.late_pools[i]) {
      RngStream rng(seed, replica, stream_id(kLateStream, static_cast<uint32_t>(i) * P + static_cast<uint32_t>(p)));
      const auto& cap = in.pools[p].capacity;
      for (int m = 0; m < M; ++m) {
        const int64_t step = cap[m] - (m > 0 ? cap[m - 1] : 0);
        if (step <= 0) continue;
        // Both draws are taken whether or not the delivery is late, so the
        // stream stays aligned across deliveries.
        const double u = rng.uniform();
        const double delay = l.delay.sample(rng);
        if (u >= l.probability) continue;
        const SimTime t0 = prep.month_start[m];
        const SimTime t1 = std::min(end, at_seconds(t0.seconds() + delay));
        if (t1 <= t0) continue;
        d.events.push_back(
            {t0, TimelineEvent::Kind::missing_on, static_cast<uint32_t>(p), effect, static_cast<double>(step)});
        if (t1 < end) {
          d.events.push_back(
              {t1, TimelineEvent::Kind::missing_off, static_cast<uint32_t>(p), effect, static_cast<double>(step)});
        }
        d.lost_chip_hours[source] += static_cast<double>(step) * (t1 - t0).hours();
        d.event_counts[source] += 1;
        ++effect;
      }
    }
  }
  for (size_t i = 0; i < risks.spot.size(); ++i, ++source) {
    const SpotRule& s = risks.spot[i];
    for (int p : prep.spot_pools[i]) {
      RngStream rng(seed, replica, stream_id(kSpotStream, static_cast<uint32_t>(i) * P + static_cast<uint32_t>(p)));
      // Alternating renewal process: up ~ Exp(mean_up), then down ~ Exp(mean_down).
      double t = 0;
      for (;;) {
        t += s.mean_up.si() * rng.exponential();
        if (t >= end_s) break;
        const double down = s.mean_down.si() * rng.exponential();
        add_factor(std::span<const int>(&p, 1), at_seconds(t), std::min(end, at_seconds(t + down)), s.depth);
        t += down;
      }
    }
  }
  std::stable_sort(d.events.begin(), d.events.end(),
                   [](const TimelineEvent& a, const TimelineEvent& b) { return a.t < b.t; });
  return d;
}

}  // namespace xpu
