// Services: replica failures and repairs, evictions, new holdings, and the
// hours their live capacity stays below demand.
#include <algorithm>
#include <cmath>

#include "sim/engine.h"

namespace xpu::engine {

void Engine::schedule_service(int s) {
  ServiceState& x = services_[s];
  service_hazard_update(x);
  double rate = 0;
  for (size_t i = 0; i < x.sets.size(); ++i) {
    const ReplicaSet& set = x.sets[i];
    rate +=
        prep_.pools[set.pool].fail_per_chip_s * static_cast<double>((set.replicas - x.down[i]) * set.chips_per_replica);
  }
  x.hazard_rate = rate;
  ++x.version;
  if (rate <= 0) return;
  const SimTime next = x.hazard_t + ceil_seconds(std::max(0.0, x.threshold - x.hazard) / rate);
  if (next < end_) queue_.push(next, pack(kServiceFail, static_cast<uint32_t>(s), x.version));
}

void Engine::update_violation(int s) {
  ServiceState& x = services_[s];
  double live = 0;
  for (size_t i = 0; i < x.sets.size(); ++i) {
    live += static_cast<double>(x.sets[i].replicas - x.down[i]) * x.sets[i].rps_per_replica;
  }
  const double demand = month_ >= 0 && month_ < in_.horizon.months() ? in_.services[s].demand_rps[month_] : 0.0;
  const bool violating = live < demand * (1 - 1e-12);
  if (violating == x.violating) return;
  if (x.violating) x.violation_s += (now_ - x.violation_t).seconds();
  x.violating = violating;
  x.violation_t = now_;
}

// One replica fails: chosen in proportion to each set's share of the hazard.
void Engine::on_service_fail(int s) {
  ServiceState& x = services_[s];
  service_hazard_update(x);
  double pick = service_rng_[s].uniform() * x.hazard_rate;
  size_t chosen = x.sets.size() - 1;
  for (size_t i = 0; i < x.sets.size(); ++i) {
    const ReplicaSet& set = x.sets[i];
    pick -=
        prep_.pools[set.pool].fail_per_chip_s * static_cast<double>((set.replicas - x.down[i]) * set.chips_per_replica);
    if (pick < 0 && set.replicas > x.down[i]) {
      chosen = i;
      break;
    }
  }
  const ReplicaSet& set = x.sets[chosen];
  const PoolPrep& pp = prep_.pools[set.pool];
  const double down = pp.detect_s + (has_spare_instance(set.pool) ? 0.0 : pp.replace_s);
  ++x.down[chosen];
  failure_chip_hours_ += static_cast<double>(set.chips_per_replica) * down / 3600.0;
  failure_events_ += 1;
  queue_.push(now_ + SimDuration::from_seconds(down),
              pack(kServiceBack, static_cast<uint32_t>(s), static_cast<uint32_t>(set.pool)));
  x.hazard = 0;
  x.threshold = service_rng_[s].exponential();
  update_violation(s);
  schedule_service(s);
}

void Engine::on_service_back(int s, int pool) {
  ServiceState& x = services_[s];
  for (size_t i = 0; i < x.sets.size(); ++i) {
    if (x.sets[i].pool == pool && x.down[i] > 0) {
      --x.down[i];
      update_violation(s);
      schedule_service(s);
      return;
    }
  }
}

// Takes `share` of the service's replicas in pool p (rounded up to whole
// replicas; those down for repair go first).
void Engine::evict_service_share(int s, int p, double share) {
  ServiceState& x = services_[s];
  bool changed = false;
  for (size_t i = 0; i < x.sets.size(); ++i) {
    ReplicaSet& set = x.sets[i];
    if (set.pool != p || set.replicas == 0) continue;
    const auto n =
        std::min(set.replicas, static_cast<int64_t>(std::ceil(share * static_cast<double>(set.replicas) - 1e-9)));
    if (n <= 0) continue;
    set.replicas -= n;
    x.down[i] = std::max<int64_t>(0, x.down[i] - n);
    change_held(p, -n * set.chips_per_replica);
    changed = true;
  }
  if (!changed) return;
  for (size_t i = x.sets.size(); i-- > 0;) {
    if (x.sets[i].replicas == 0) {
      x.sets.erase(x.sets.begin() + static_cast<std::ptrdiff_t>(i));
      x.down.erase(x.down.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  update_violation(s);
  schedule_service(s);
}

// Replaces a service's holdings; rejected (false) when a pool lacks the chips.
bool Engine::apply_service(int s, std::vector<ReplicaSet> sets) {
  ServiceState& x = services_[s];
  std::vector<int64_t> delta(in_.pools.size(), 0);
  std::vector<int64_t> down_by_pool(in_.pools.size(), 0);
  for (size_t i = 0; i < x.sets.size(); ++i) {
    delta[x.sets[i].pool] -= x.sets[i].replicas * x.sets[i].chips_per_replica;
    down_by_pool[x.sets[i].pool] += x.down[i];
  }
  for (const ReplicaSet& set : sets) {
    if (set.pool < 0 || set.pool >= static_cast<int>(in_.pools.size()) || set.replicas < 0 ||
        set.chips_per_replica < 1) {
      return false;
    }
    delta[set.pool] += set.replicas * set.chips_per_replica;
  }
  for (size_t p = 0; p < delta.size(); ++p) {
    if (delta[p] > 0 && pools_[p].held + delta[p] > pools_[p].available) return false;
  }
  for (size_t p = 0; p < delta.size(); ++p) change_held(static_cast<int>(p), delta[p]);
  std::erase_if(sets, [](const ReplicaSet& set) { return set.replicas == 0; });
  x.down.assign(sets.size(), 0);
  for (size_t i = 0; i < sets.size(); ++i) {
    const int64_t carried = std::min(sets[i].replicas, down_by_pool[sets[i].pool]);
    x.down[i] = carried;
    down_by_pool[sets[i].pool] -= carried;
  }
  x.sets = std::move(sets);
  update_violation(s);
  schedule_service(s);
  return true;
}

// --- capacity and decisions ------------------------------------------------------
}  // namespace xpu::engine
