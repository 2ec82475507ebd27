// One replica under one policy: a discrete-event simulation in integer
// nanoseconds. Capacity changes (shocks, spot, late deliveries, month starts)
// come pre-drawn and sorted (ReplicaDraws, the same for every policy); they
// count as scheduled before any event the simulation itself creates, so at
// equal times they run first. Failures, restarts and finishes go through the
// EventQueue, one pending event per run (the earliest of its next failure and
// its finish or end of restart), invalidated by a version number when the
// run's state changes.
//
// Failures use hazard-space coupling: each gang draws an Exp(1) threshold and
// fails when its cumulative hazard, the integral of chips(t) x rate, reaches
// it. The thresholds come from the run's own stream, so every policy sees the
// same sequence whatever chips it gives the run (common random numbers).
#include <algorithm>
#include <cmath>

#include "base/check.h"
#include "sim/engine.h"

namespace xpu {
namespace engine {

void Engine::apply_timeline(const TimelineEvent& e) {
  PoolState& ps = pools_[e.pool];
  switch (e.kind) {
    case TimelineEvent::Kind::factor_on:
      ps.factors.emplace_back(e.effect, e.value);
      break;
    case TimelineEvent::Kind::factor_off:
      std::erase_if(ps.factors, [&](const auto& f) { return f.first == e.effect; });
      break;
    case TimelineEvent::Kind::missing_on:
      ps.missing.emplace_back(e.effect, static_cast<int64_t>(e.value));
      rebill(static_cast<int>(e.pool));
      break;
    case TimelineEvent::Kind::missing_off:
      std::erase_if(ps.missing, [&](const auto& f) { return f.first == e.effect; });
      rebill(static_cast<int>(e.pool));
      break;
  }
  touched_[e.pool] = 1;
  any_touched_ = true;
}

void Engine::start_month(int m) {
  month_ = m;
  for (size_t p = 0; p < pools_.size(); ++p) {
    accrue(static_cast<int>(p));
    pools_[p].cap = in_.pools[p].capacity[m];
    pools_[p].rented = in_.pools[p].rented_in(m);
    pools_[p].price_per_s = in_.pools[p].price_per_chip.si() * prep_.pools[p].price_factor[m];
    rebill(static_cast<int>(p));
    touched_[p] = 1;
  }
  any_touched_ = true;
  if (m > 0) record_month_end(m - 1);
}

// Called with every pool's spend accrued to now (a month's start, or the horizon's end).
void Engine::record_month_end(int m) {
  const OutcomeLayout& l = prep_.layout;
  double spend = 0;
  for (const PoolState& ps : pools_) spend += ps.spend;
  if (m == in_.horizon.months() - 1) spend += in_.fixed_cost.si();
  out_[l.monthly_cost(static_cast<size_t>(m))] = spend;
  for (size_t r = 0; r < runs_.size(); ++r) {
    const RunState& x = runs_[r];
    double tokens = x.base;
    if (x.status == RunStatus::running) tokens = progress(x).tokens;
    const double fraction = x.finished != SimTime::never() ? 1.0 : tokens / in_.runs[r].tokens;
    out_[l.monthly_progress(r, static_cast<size_t>(m))] = std::clamp(fraction, 0.0, 1.0);
  }
}

// After the capacity changes at one instant: finishes due runs, evicts what
// no longer fits, and asks the policy about whatever needs a decision.
void Engine::settle(bool new_month) {
  if (new_month) {
    // A run that reaches its tokens exactly at the month's end is done in that month.
    for (size_t r = 0; r < runs_.size(); ++r) {
      RunState& x = runs_[r];
      if (x.status != RunStatus::running) continue;
      if (progress(x).tokens >= in_.runs[r].tokens * (1 - kTokensDoneTolerance)) finish_run(static_cast<int>(r));
    }
  }
  if (any_touched_) {
    for (size_t p = 0; p < pools_.size(); ++p) {
      if (!touched_[p]) continue;
      touched_[p] = 0;
      const int pi = static_cast<int>(p);
      recompute_available(pi);
      const int64_t held = pools_[p].held;
      const int64_t need = held - pools_[p].available;
      if (need <= 0) continue;
      // The lost instances fall anywhere in the pool: every gang in it loses
      // some (a gang of hundreds of instances almost surely does) and stops;
      // each service loses its share of replicas. The policy then re-places
      // what fits.
      const double share = static_cast<double>(need) / static_cast<double>(held);
      for (size_t s = 0; s < services_.size(); ++s) evict_service_share(static_cast<int>(s), pi, share);
      for (size_t r = 0; r < runs_.size(); ++r) {
        if (runs_[r].cur.pool == pi) evict_run(static_cast<int>(r));
      }
    }
    any_touched_ = false;
  }
  if (new_month) {
    for (size_t s = 0; s < services_.size(); ++s) update_violation(static_cast<int>(s));
  }
  decide(new_month);
}

void Engine::decide(bool new_month) {
  const int M = in_.horizon.months();
  if (month_ < 0 || month_ >= M) return;
  pending_runs_.clear();
  pending_services_.clear();
  for (size_t r = 0; r < runs_.size(); ++r) {
    const RunState& x = runs_[r];
    const RunMonth& planned = prep_.runs[r].planned[month_];
    run_views_[r] = RunView{x.status, x.cur, x.status == RunStatus::done ? RunMonth{} : planned,
                            x.status == RunStatus::running ? progress(x).tokens : x.saved};
    if (x.status == RunStatus::done) continue;
    // A run held off its plan (a policy kept it on other chips when its
    // planned pool was full) is offered its planned allocation as soon as
    // that pool has room, not only at the next month start: a late run
    // leaving the pool mid-month must let the planned holder back in.
    const bool plan_has_room_again =
        x.status != RunStatus::waiting && planned.pool >= 0 && !(x.cur == planned) &&
        pools_[planned.pool].available - pools_[planned.pool].held + (x.cur.pool == planned.pool ? x.cur.chips : 0) >=
            planned.chips;
    if (new_month || (x.status == RunStatus::waiting && planned.pool >= 0) || plan_has_room_again)
      pending_runs_.push_back(static_cast<int>(r));
  }
  for (size_t s = 0; s < services_.size(); ++s) {
    const auto& planned = in_.services[s].months[month_];
    service_views_[s] = ServiceView{services_[s].sets, planned, in_.services[s].demand_rps[month_]};
    if (new_month || !std::equal(services_[s].sets.begin(), services_[s].sets.end(), planned.begin(), planned.end())) {
      pending_services_.push_back(static_cast<int>(s));
    }
  }
  if (pending_runs_.empty() && pending_services_.empty()) return;
  for (size_t p = 0; p < pools_.size(); ++p) pool_views_[p] = PoolView{pools_[p].available, pools_[p].held};
  const PolicyView view{in_,
                        now_,
                        month_,
                        pool_views_,
                        run_views_,
                        service_views_,
                        prep_.run_options,
                        prep_.service_options,
                        pending_runs_,
                        pending_services_};
  decision_.clear();
  policy_.decide(view, decision_);
  bool off_plan = false;
  // Applied in three steps so chips given back are free for what takes them
  // in the same decision, whatever the order the policy listed them in: run
  // allocations that add no chips to any pool (releases, shrinks in place),
  // then services, then the other run allocations.
  auto adds_chips = [&](const RunAllocation& a) {
    const RunMonth& cur = runs_[a.run].cur;
    return a.to.pool >= 0 && a.to.chips > 0 && !(a.to.pool == cur.pool && a.to.chips <= cur.chips);
  };
  auto apply_runs = [&](bool adding) {
    for (const RunAllocation& a : decision_.runs) {
      if (a.run < 0 || a.run >= static_cast<int>(runs_.size()) || runs_[a.run].status == RunStatus::done) continue;
      if (adds_chips(a) != adding) continue;
      RunState& x = runs_[a.run];
      if (a.to == x.cur) continue;
      if (a.to.pool >= 0 && a.to.chips > 0) {
        const bool valid_pool = a.to.pool < static_cast<int>(pools_.size());
        const int64_t own = valid_pool && x.cur.pool == a.to.pool ? x.cur.chips : 0;
        if (!valid_pool || pools_[a.to.pool].available - pools_[a.to.pool].held + own < a.to.chips) {
          breaches_ += 1;  // more chips than the pool has: not applied
          continue;
        }
      }
      const RunMonth& planned = prep_.runs[a.run].planned[month_];
      const bool planned_transition =
          new_month && a.to == planned && month_ > 0 && x.cur == prep_.runs[a.run].planned[month_ - 1];
      if (a.to.pool >= 0 && !(a.to == planned)) off_plan = true;
      apply_run(a.run, a.to, planned_transition);
    }
  };
  apply_runs(false);
  for (ServiceAllocation& a : decision_.services) {
    if (a.service < 0 || a.service >= static_cast<int>(services_.size())) continue;
    const auto& planned = in_.services[a.service].months[month_];
    const bool on_plan = std::equal(a.sets.begin(), a.sets.end(), planned.begin(), planned.end());
    if (!apply_service(a.service, std::move(a.sets))) {
      breaches_ += 1;
      continue;
    }
    if (!on_plan) off_plan = true;
  }
  apply_runs(true);
  if (off_plan) check_rules();
}

// Site power budgets and vendor/provider share caps, over what is held now.
void Engine::check_rules() {
  const SimRules& rules = in_.rules;
  for (size_t site = 0; site < rules.sites.size(); ++site) {
    double watts = 0;
    for (size_t p = 0; p < pools_.size(); ++p) {
      if (prep_.pools[p].site == static_cast<int>(site)) {
        watts += static_cast<double>(pools_[p].held) * in_.pools[p].watts_per_chip.si();
      }
    }
    if (watts > rules.sites[site].budget.si() * (1 + 1e-9)) breaches_ += 1;
  }
  auto share_breached = [&](double cap, auto key) {
    if (cap >= 1) return false;
    double total = 0;
    std::vector<std::pair<std::string_view, double>> by;
    for (size_t p = 0; p < pools_.size(); ++p) {
      const double w = static_cast<double>(pools_[p].held) * in_.pools[p].compute_weight;
      total += w;
      const std::string_view k = key(in_.pools[p]);
      auto it = std::find_if(by.begin(), by.end(), [&](const auto& e) { return e.first == k; });
      if (it == by.end()) {
        by.emplace_back(k, w);
      } else {
        it->second += w;
      }
    }
    return total > 0 &&
           std::any_of(by.begin(), by.end(), [&](const auto& e) { return e.second > cap * total * (1 + 1e-9); });
  };
  if (share_breached(rules.max_vendor_share, [](const SimPool& p) -> std::string_view { return p.vendor; })) {
    breaches_ += 1;
  }
  if (share_breached(rules.max_provider_share, [](const SimPool& p) -> std::string_view { return p.provider; })) {
    breaches_ += 1;
  }
}

void Engine::run(double* out) {
  out_ = out;
  touched_.assign(pools_.size(), 0);
  const int M = in_.horizon.months();
  const auto& events = draws_.events;
  size_t next_timeline = 0;
  int next_month = 0;
  queue_.reserve(runs_.size() + services_.size() + 16);
  for (;;) {
    // The next instant: pre-drawn capacity changes and month starts come first at equal times.
    SimTime t = SimTime::never();
    if (next_timeline < events.size()) t = events[next_timeline].t;
    if (next_month < M) t = std::min(t, prep_.month_start[next_month]);
    const bool timeline_due = t != SimTime::never() && (queue_.empty() || t <= queue_.top().time);
    if (timeline_due) {
      if (t >= end_) break;
      now_ = t;
      bool new_month = false;
      while (next_timeline < events.size() && events[next_timeline].t == t) apply_timeline(events[next_timeline++]);
      if (next_month < M && prep_.month_start[next_month] == t) {
        start_month(next_month++);
        new_month = true;
      }
      settle(new_month);
      continue;
    }
    if (queue_.empty() || queue_.top().time >= end_) break;
    const Event e = queue_.pop();
    now_ = e.time;
    const uint64_t kind = kind_of(e.payload);
    const auto a = static_cast<int>(a_of(e.payload));
    if (kind == kRunEvent) {
      if (runs_[a].version == b_of(e.payload)) on_run_event(a);
    } else if (kind == kServiceFail) {
      if (services_[a].version == b_of(e.payload)) on_service_fail(a);
    } else if (kind == kServiceBack) {
      on_service_back(a, static_cast<int>(b_of(e.payload)));
    }
  }
  now_ = end_;
  finalize(out);
}

void Engine::finalize(double* out) {
  const OutcomeLayout& l = prep_.layout;
  // A run that reaches its tokens exactly at the horizon's end is done in the
  // last month, as at every other month's end (settle) and in evaluate_plan.
  for (size_t r = 0; r < runs_.size(); ++r) {
    if (runs_[r].status == RunStatus::running &&
        progress(runs_[r]).tokens >= in_.runs[r].tokens * (1 - kTokensDoneTolerance)) {
      finish_run(static_cast<int>(r));
    }
  }
  double cost = in_.fixed_cost.si();
  for (size_t p = 0; p < pools_.size(); ++p) {
    accrue(static_cast<int>(p));
    out[l.spend(p)] = pools_[p].spend;
    cost += pools_[p].spend;
  }
  out[OutcomeLayout::kCost] = cost;
  out[OutcomeLayout::kBreaches] = breaches_;
  out[OutcomeLayout::kFailureChipHours] = failure_chip_hours_;
  out[OutcomeLayout::kFailureEvents] = failure_events_;
  for (size_t r = 0; r < runs_.size(); ++r) {
    RunState& x = runs_[r];
    account_held(x);
    double tokens = x.base;
    double compute = x.compute_s;
    if (x.status == RunStatus::running) {
      const Progress p = progress(x);
      tokens = p.tokens;
      compute += p.compute_s;
    }
    double* o = out + l.run(r);
    const bool done = x.finished != SimTime::never();
    o[0] = done ? x.finished.hours() : -1.0;
    // A run done exactly at a month's end is done in that month.
    o[1] = done ? std::max(0, prep_.month_of(x.finished + SimDuration::from_ns(-1))) : in_.horizon.months();
    o[2] = compute - x.lost_s;
    o[3] = x.held_s;
    o[4] = x.interruptions;
    o[5] = x.evictions;
    o[6] = tokens;
    o[7] = x.potential_tokens;
  }
  for (size_t s = 0; s < services_.size(); ++s) {
    ServiceState& x = services_[s];
    if (x.violating) x.violation_s += (now_ - x.violation_t).seconds();
    out[l.service(s)] = x.violation_s / 3600.0;
  }
  // Pools are accrued to the end above; runs finishing exactly at the end were finished by the last settle.
  if (in_.horizon.months() > 0) record_month_end(in_.horizon.months() - 1);
}

}  // namespace engine

void run_policy(const PreparedSim& prep, const ReplicaDraws& draws, size_t k, uint32_t replica, double* out) {
  XPU_CHECK(k < prep.policies.size());
  engine::Engine e(prep, draws, k, replica);
  e.run(out);
}

}  // namespace xpu
