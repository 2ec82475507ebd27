#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>

#include "sim/policy.h"
#include "sim/replan.h"

namespace xpu {
namespace {

// Chips the policy has placed or released in this round, on top of the view,
// so that two pending runs are not both given the same spare chips.
class Ledger {
 public:
  explicit Ledger(const PolicyView& v) : v_(v), delta_(v.pools.size(), 0), given_back_(v.services.size()) {}
  // Chips pool p can still give to a holder that already has `own` chips in it.
  int64_t room(int p, int64_t own) const { return v_.spare(p) - delta_[p] + own; }
  void take(int p, int64_t chips) {
    if (p >= 0) delta_[p] += chips;
  }
  // Frees, before anything is placed, the chips pending services give back
  // under their plan this decision (held in a pool beyond what the plan sets
  // there), so a run planned into them finds them free.
  void release_given_back(const PolicyView& v) {
    for (int s : v.pending_services) {
      std::vector<int64_t> held(v.pools.size(), 0);
      for (const ReplicaSet& set : v.services[s].current) held[set.pool] += set.replicas * set.chips_per_replica;
      for (const ReplicaSet& set : v.services[s].planned) held[set.pool] -= set.replicas * set.chips_per_replica;
      for (size_t p = 0; p < held.size(); ++p) {
        if (held[p] > 0) {
          take(static_cast<int>(p), -held[p]);
          given_back_[s].push_back({static_cast<int>(p), held[p]});
        }
      }
    }
  }
  // Frees all of service s's chips (less what release_given_back freed).
  void release_service(int s) {
    for (const ReplicaSet& set : v_.services[s].current) take(set.pool, -set.replicas * set.chips_per_replica);
    for (const auto& [p, chips] : given_back_[s]) take(p, chips);
    given_back_[s].clear();
  }

 private:
  const PolicyView& v_;
  std::vector<int64_t> delta_;
  std::vector<std::vector<std::pair<int, int64_t>>> given_back_;
};

int64_t own_chips(const RunView& r, int pool) { return r.current.pool == pool ? r.current.chips : 0; }

// Preference class of a pool for a policy; nullopt = never used.
using Rank = std::optional<int> (*)(const SimPool& pool, bool spot_ok);

std::optional<int> on_demand_only(const SimPool& p, bool) {
  return p.term == Term::on_demand ? std::optional<int>(0) : std::nullopt;
}

// Kueue-style flavor order: capacity already paid for, then on-demand, then spot.
std::optional<int> reserved_then_on_demand_then_spot(const SimPool& p, bool spot_ok) {
  if (p.committed()) return 0;
  if (p.term == Term::on_demand) return 1;
  if (p.spot() && spot_ok) return 2;
  return std::nullopt;
}

// The placement with the best (class, $ per token, pool, chips) that fits.
std::optional<RunMonth> place_run(const PolicyView& v, const Ledger& ledger, int r, Rank rank, bool spot_ok) {
  std::optional<RunMonth> best;
  std::array<double, 2> best_key{std::numeric_limits<double>::infinity(), 0};
  const RunView& view = v.runs[r];
  for (size_t p = 0; p < v.input.pools.size(); ++p) {
    const SimPool& pool = v.input.pools[p];
    const auto cls = rank(pool, spot_ok);
    if (!cls) continue;
    const int pi = static_cast<int>(p);
    const int64_t room = ledger.room(pi, own_chips(view, pi));
    for (const RunOption& o : v.run_options[r]) {
      if (o.accelerator != pool.accelerator || o.chips > room || o.chips % pool.chips_per_instance != 0) continue;
      const double per_token = per_hour(pool.price_per_chip) * static_cast<double>(o.chips) / o.tokens_per_s;
      const std::array<double, 2> key{static_cast<double>(*cls), per_token};
      if (!best || key < best_key) {
        best = RunMonth{pi, o.chips, o.tokens_per_s};
        best_key = key;
      }
    }
  }
  return best;
}

// The pending runs, those that give chips back this decision first (a pause,
// a shrink, a move out), so that a run planned into chips another run gives
// back finds them free whatever the two runs' order. Ties keep index order.
std::vector<int> releases_first(const PolicyView& v) {
  std::vector<int> order(v.pending_runs.begin(), v.pending_runs.end());
  auto freed = [&](int r) {
    const RunView& x = v.runs[r];
    return x.current.chips - (x.planned.pool == x.current.pool ? x.planned.chips : 0);
  };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return freed(a) > freed(b); });
  return order;
}

bool fits(const PolicyView& v, const Ledger& ledger, int r, const RunMonth& a) {
  return a.pool >= 0 && a.chips > 0 && ledger.room(a.pool, own_chips(v.runs[r], a.pool)) >= a.chips;
}

// The wanted sets (default: the plan's), each cut to the whole replicas its
// pool has room for. The service's own chips count as free (they are given back first).
std::vector<ReplicaSet> planned_within_room(const PolicyView& v, Ledger& ledger, int s,
                                            std::optional<std::span<const ReplicaSet>> wanted = std::nullopt) {
  const ServiceView& view = v.services[s];
  ledger.release_service(s);
  std::vector<ReplicaSet> out;
  for (const ReplicaSet& set : wanted.value_or(view.planned)) {
    const int64_t n = std::clamp<int64_t>(ledger.room(set.pool, 0) / set.chips_per_replica, 0, set.replicas);
    if (n > 0) {
      out.push_back(ReplicaSet{set.pool, n, set.chips_per_replica, set.rps_per_replica});
      ledger.take(set.pool, n * set.chips_per_replica);
    }
  }
  return out;
}

// Adds replicas on the preferred pools until demand is met or nothing fits.
void fill_shortfall(const PolicyView& v, Ledger& ledger, int s, Rank rank, std::vector<ReplicaSet>& sets) {
  const ServiceView& view = v.services[s];
  double live = 0;
  for (const auto& set : sets) live += static_cast<double>(set.replicas) * set.rps_per_replica;
  while (live < view.demand_rps) {
    // Best (class, $ per request/s, pool) with room for at least one replica.
    int best_pool = -1;
    const ServiceOption* best_option = nullptr;
    std::array<double, 2> best_key{std::numeric_limits<double>::infinity(), 0};
    for (size_t p = 0; p < v.input.pools.size(); ++p) {
      const SimPool& pool = v.input.pools[p];
      const auto cls = rank(pool, false);
      if (!cls) continue;
      const int64_t room = ledger.room(static_cast<int>(p), 0);
      for (const ServiceOption& o : v.service_options[s]) {
        if (o.accelerator != pool.accelerator || o.chips_per_replica > room) continue;
        const std::array<double, 2> key{
            static_cast<double>(*cls),
            per_hour(pool.price_per_chip) * static_cast<double>(o.chips_per_replica) / o.rps_per_replica};
        if (key < best_key) {
          best_key = key;
          best_pool = static_cast<int>(p);
          best_option = &o;
        }
      }
    }
    if (best_pool < 0) return;
    const int64_t room = ledger.room(best_pool, 0);
    const auto need = static_cast<int64_t>(std::ceil((view.demand_rps - live) / best_option->rps_per_replica));
    const int64_t n = std::min(need, room / best_option->chips_per_replica);
    ledger.take(best_pool, n * best_option->chips_per_replica);
    live += static_cast<double>(n) * best_option->rps_per_replica;
    auto it = std::find_if(sets.begin(), sets.end(), [&](const ReplicaSet& x) {
      return x.pool == best_pool && x.chips_per_replica == best_option->chips_per_replica &&
             x.rps_per_replica == best_option->rps_per_replica;
    });
    if (it != sets.end()) {
      it->replicas += n;
    } else {
      sets.push_back(ReplicaSet{best_pool, n, best_option->chips_per_replica, best_option->rps_per_replica});
    }
  }
}

// Records a run's new allocation (unless it is what the run holds).
void assign(const PolicyView& v, Ledger& ledger, int r, const RunMonth& to, Decision& out) {
  const RunView& view = v.runs[r];
  if (to == view.current) return;
  ledger.take(to.pool, to.chips);
  ledger.take(view.current.pool, -view.current.chips);
  out.runs.push_back({r, to});
}

bool same_sets(std::span<const ReplicaSet> a, const std::vector<ReplicaSet>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// The plan as bought: a run takes its planned allocation when the pool has
// room for it and waits otherwise; a service keeps the planned replicas that fit.
class StaticPolicy final : public SimPolicy {
 public:
  void decide(const PolicyView& v, Decision& out) const override {
    Ledger ledger(v);
    ledger.release_given_back(v);
    for (int r : releases_first(v)) {
      const RunView& view = v.runs[r];
      assign(v, ledger, r, fits(v, ledger, r, view.planned) ? view.planned : RunMonth{}, out);
    }
    for (int s : v.pending_services) {
      auto sets = planned_within_room(v, ledger, s);
      if (!same_sets(v.services[s].current, sets)) out.services.push_back({s, std::move(sets)});
    }
  }
};

// Moves what the plan cannot host to other pools chosen by `rank`. First
// every pending run and service takes its planned allocation where it fits
// (a displaced holder never takes chips another's plan needs); then services
// fill their shortfall (their SLOs cannot wait); then each run left without
// chips takes the best pool with room. A run that still holds chips keeps them.
class MovingPolicy final : public SimPolicy {
 public:
  explicit MovingPolicy(Rank rank) : rank_(rank) {}

  void decide(const PolicyView& v, Decision& out) const override {
    Ledger ledger(v);
    ledger.release_given_back(v);
    std::vector<int> displaced;
    for (int r : releases_first(v)) {
      const RunView& view = v.runs[r];
      if (fits(v, ledger, r, view.planned)) {
        assign(v, ledger, r, view.planned, out);
      } else if (view.planned.pool < 0) {
        assign(v, ledger, r, RunMonth{}, out);  // the plan pauses it
      } else if (view.current.pool < 0 || view.status == RunStatus::waiting) {
        displaced.push_back(r);
      }
    }
    std::vector<std::vector<ReplicaSet>> sets;
    for (int s : v.pending_services) sets.push_back(planned_within_room(v, ledger, s));
    for (size_t i = 0; i < sets.size(); ++i) {
      const int s = v.pending_services[i];
      fill_shortfall(v, ledger, s, rank_, sets[i]);
      if (!same_sets(v.services[s].current, sets[i])) out.services.push_back({s, std::move(sets[i])});
    }
    for (int r : displaced) {
      assign(v, ledger, r, place_run(v, ledger, r, rank_, v.input.runs[r].spot_ok).value_or(RunMonth{}), out);
    }
  }

 private:
  Rank rank_;
};

double live_rps(std::span<const ReplicaSet> sets) {
  double live = 0;
  for (const auto& set : sets) live += static_cast<double>(set.replicas) * set.rps_per_replica;
  return live;
}

// Tokens run r trains from now to the end of its deadline month at `rate(m)`
// tokens/s in month m.
template <class Rate>
double trainable_by_deadline(const PolicyView& v, int r, Rate rate) {
  const SimRun& run = v.input.runs[r];
  double start_s = 0;
  for (int m = 0; m < v.month; ++m) start_s += v.input.horizon.month_hours[m] * 3600.0;
  double can = 0;
  for (int m = v.month; m <= run.deadline && m < v.input.horizon.months(); ++m) {
    const double month_s = v.input.horizon.month_hours[m] * 3600.0;
    const double from = m == v.month ? std::max(0.0, (static_cast<double>(v.now.ns()) * 1e-9) - start_s) : 0.0;
    can += rate(m) * std::max(0.0, month_s - from);
    start_s += month_s;
  }
  return can;
}

bool short_of(const PolicyView& v, int r, double can) {
  const SimRun& run = v.input.runs[r];
  return run.tokens - v.runs[r].tokens_done > can * (1 + 1e-9) + run.tokens * kTokensDoneTolerance;
}

// Whether run r can still finish by its deadline on the plan's remaining
// allocations from now (this month's rest, then the plan's months).
bool deadline_at_risk(const PolicyView& v, int r) {
  if (v.runs[r].status == RunStatus::done) return false;
  return short_of(v, r, trainable_by_deadline(v, r, [&](int m) { return v.input.runs[r].months[m].tokens_per_s; }));
}

// Whether keeping what run r holds now (until its deadline) would finish it in
// time. The plan's months are not updated by a re-plan, which assigns only the
// current month: without this, a run a re-plan has already sped up is still "at
// risk" against the saved plan, and every later decision re-plans again (131
// re-plans per replica on the example, each moving runs).
bool holding_finishes(const PolicyView& v, int r) {
  const RunView& view = v.runs[r];
  if (view.current.pool < 0 || view.status == RunStatus::waiting) return false;
  return !short_of(v, r, trainable_by_deadline(v, r, [&](int) { return view.current.tokens_per_s; }));
}

// The fastest of run r's layouts on `to`'s pool that fits there (`to` itself when none is faster).
RunMonth fastest_on(const PolicyView& v, const Ledger& ledger, int r, RunMonth to) {
  const SimPool& pool = v.input.pools[to.pool];
  for (const RunOption& o : v.run_options[r]) {
    const RunMonth candidate{to.pool, o.chips, o.tokens_per_s};
    if (o.accelerator == pool.accelerator && o.chips % pool.chips_per_instance == 0 &&
        o.tokens_per_s > to.tokens_per_s && fits(v, ledger, r, candidate)) {
      to = candidate;
    }
  }
  return to;
}

// Re-solves the planner for the remaining horizon (sim/replan.h) when the plan
// cannot be followed: a pending run's or service's planned chips are gone, or
// a run's deadline is at risk on the plan's remaining allocations; otherwise
// follows the plan as `static` does. Pending runs and services take the new
// plan's current month where it fits what others hold, and fail over
// (on-demand) where it does not or where the planner finds no plan in time.
// Inputs without a portfolio (scenarios) fail over.
class ReplanPolicy final : public SimPolicy {
 public:
  void decide(const PolicyView& v, Decision& out) const override {
    if (!v.input.context || !needs_replan(v)) {
      (v.input.context ? static_cast<const SimPolicy&>(static_) : failover_).decide(v, out);
      return;
    }
    ReplanState state{.month = v.month};
    for (const PoolView& p : v.pools) state.available.push_back(p.available);
    for (const RunView& r : v.runs) state.tokens_done.push_back(r.tokens_done);
    const auto plan = replan(*v.input.context, v.input, state);
    if (!plan) {
      failover_.decide(v, out);
      return;
    }
    // The new plan's current month for every run and service (not only the
    // pending ones: a re-plan may move what still runs). A run takes its new
    // allocation once the chips are free (passes until nothing more moves, so
    // one run leaving a pool lets another in); services then take their sets
    // within room and fill any shortfall; a run whose allocation never fits fails over.
    Ledger ledger(v);
    const auto& kept = plan->residual.kept_runs;
    std::vector<int> left;
    for (size_t j = 0; j < kept.size(); ++j) left.push_back(static_cast<int>(j));
    for (bool moved = true; moved && !left.empty();) {
      moved = false;
      std::erase_if(left, [&](int j) {
        RunMonth to = plan->input.runs[j].months[0];
        // The fluid plan gives average chips; a run at risk takes the fastest of its layouts on the chosen pool.
        if (to.pool >= 0 && deadline_at_risk(v, kept[j])) to = fastest_on(v, ledger, kept[j], to);
        if (to.pool >= 0 && !fits(v, ledger, kept[j], to)) return false;
        assign(v, ledger, kept[j], to, out);
        moved = true;
        return true;
      });
    }
    for (size_t si = 0; si < plan->residual.kept_services.size(); ++si) {
      const int s = plan->residual.kept_services[si];
      auto sets = planned_within_room(v, ledger, s, std::span<const ReplicaSet>(plan->input.services[si].months[0]));
      fill_shortfall(v, ledger, s, on_demand_only, sets);
      if (!same_sets(v.services[s].current, sets)) out.services.push_back({s, std::move(sets)});
    }
    for (int j : left) {
      const int r = kept[j];
      if (v.runs[r].current.pool >= 0 && v.runs[r].status != RunStatus::waiting) continue;  // keeps what it holds
      assign(v, ledger, r, place_run(v, ledger, r, on_demand_only, v.input.runs[r].spot_ok).value_or(RunMonth{}), out);
    }
  }

 private:
  static bool needs_replan(const PolicyView& v) {
    Ledger ledger(v);
    ledger.release_given_back(v);
    for (int r : releases_first(v)) {
      const RunMonth& planned = v.runs[r].planned;
      if (planned.pool >= 0 && !fits(v, ledger, r, planned)) return true;
      if (deadline_at_risk(v, r) && !holding_finishes(v, r)) return true;
      if (planned.pool >= 0) ledger.take(planned.pool, planned.chips - own_chips(v.runs[r], planned.pool));
      const RunMonth& held = v.runs[r].current;
      if (held.pool >= 0 && held.pool != planned.pool) ledger.take(held.pool, -held.chips);  // given back
    }
    for (int s : v.pending_services) {
      if (live_rps(planned_within_room(v, ledger, s)) < live_rps(v.services[s].planned)) return true;
    }
    return false;
  }

  StaticPolicy static_;
  MovingPolicy failover_{on_demand_only};
};

const std::array<PolicyInfo, 4> kPolicies{{
    {"static", "the plan as bought; lost capacity is not replaced",
     []() -> std::unique_ptr<SimPolicy> { return std::make_unique<StaticPolicy>(); }},
    {"failover", "SkyPilot-like: on a loss, the cheapest launchable on-demand pool with room (per token or request)",
     []() -> std::unique_ptr<SimPolicy> { return std::make_unique<MovingPolicy>(on_demand_only); }},
    {"ordered", "Kueue-like fixed preference: idle reserved chips, then on-demand, then spot (runs that allow it)",
     []() -> std::unique_ptr<SimPolicy> { return std::make_unique<MovingPolicy>(reserved_then_on_demand_then_spot); }},
    {"replan",
     "re-solves the planner (fluid model, time-limited) for the remaining horizon at each loss or deadline at risk",
     []() -> std::unique_ptr<SimPolicy> { return std::make_unique<ReplanPolicy>(); }},
}};

}  // namespace

std::span<const PolicyInfo> sim_policies() { return kPolicies; }

const PolicyInfo* find_policy(std::string_view name) {
  for (const auto& p : kPolicies) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<std::string> policy_names() {
  std::vector<std::string> out;
  out.reserve(std::size(kPolicies));
  for (const auto& p : kPolicies) out.emplace_back(p.name);
  return out;
}

}  // namespace xpu
