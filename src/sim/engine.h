// Internal to sim: the state of one replica under one policy, and the
// engine that advances it (engine.cpp: the event loop, capacity and
// decisions; engine_runs.cpp: training gangs; engine_services.cpp: services).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "base/rng.h"
#include "base/sim_time.h"
#include "sim/event_queue.h"
#include "sim/policy.h"
#include "sim/prepared.h"

namespace xpu::engine {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr uint32_t kRunFailStream = 4, kServiceFailStream = 5;
inline constexpr uint64_t kRunEvent = 1, kServiceFail = 2, kServiceBack = 3;

inline uint64_t pack(uint64_t kind, uint32_t a, uint32_t b) {
  return kind << 56 | (static_cast<uint64_t>(a) & 0xffffff) << 32 | b;
}
inline uint64_t kind_of(uint64_t payload) { return payload >> 56; }
inline uint32_t a_of(uint64_t payload) { return static_cast<uint32_t>(payload >> 32) & 0xffffff; }
inline uint32_t b_of(uint64_t payload) { return static_cast<uint32_t>(payload); }

inline SimDuration ceil_seconds(double s) {
  if (!(s < 9e9)) return SimDuration::max();
  return SimDuration::from_ns(static_cast<int64_t>(std::ceil(s * 1e9)));
}
struct PoolState {
  int64_t cap = 0;                                    // planned capacity this month
  std::vector<std::pair<uint32_t, double>> factors;   // active losses: (effect, depth)
  std::vector<std::pair<uint32_t, int64_t>> missing;  // late deliveries: (effect, chips)
  int64_t available = 0;
  int64_t held = 0;
  int64_t rented = 0;  // pay-as-you-go chips rented for this whole month (billed held or not)
  int64_t billed = 0;
  double price_per_s = 0;  // per chip, this month's price path applied
  SimTime bill_t;
  double spend = 0;
};

struct RunState {
  RunStatus status = RunStatus::waiting;
  RunMonth cur;
  uint32_t version = 0;
  bool lost = false;  // lost its chips: the next placement pays a restart
  // Hazard since the last failure, its Exp(1) threshold, its rate (per s) and when it was last brought up to date.
  double hazard = 0, threshold = 0, hazard_rate = 0;
  SimTime hazard_t;
  // Progress: `saved` is in the last checkpoint; a running segment starts at
  // seg_t0 with `base` tokens and `phase0` compute seconds since the last checkpoint.
  double saved = 0, base = 0, phase0 = 0;
  SimTime seg_t0;
  double tau = kInf;  // compute seconds between checkpoints (inf: none; 0: continuous)
  double write_s = 0;
  SimTime ready_at = SimTime::never();
  SimTime finish_at = SimTime::never();
  SimTime finished = SimTime::never();
  // Accounting.
  SimTime held_t;
  double held_s = 0, potential_tokens = 0, compute_s = 0, lost_s = 0;
  int interruptions = 0, evictions = 0;
};

struct ServiceState {
  std::vector<ReplicaSet> sets;
  std::vector<int64_t> down;  // per set: replicas waiting for repair
  uint32_t version = 0;
  double hazard = 0, threshold = 0, hazard_rate = 0;
  SimTime hazard_t;
  bool violating = false;
  SimTime violation_t;
  double violation_s = 0;
};

// Where a segment of a running gang stands at time `now`.
struct Progress {
  double tokens = 0;     // trained so far
  double saved = 0;      // in the last completed checkpoint
  double unsaved_s = 0;  // compute seconds since that checkpoint
  double compute_s = 0;  // compute seconds in this segment
};

class Engine {
 public:
  Engine(const PreparedSim& prep, const ReplicaDraws& draws, size_t policy, uint32_t replica)
      : prep_(prep), in_(prep.in), draws_(draws), policy_(*prep.policies[policy]), replica_(replica) {
    end_ = prep.month_start.back();
    pools_.resize(in_.pools.size());
    runs_.resize(in_.runs.size());
    services_.resize(in_.services.size());
    run_views_.resize(in_.runs.size());
    service_views_.resize(in_.services.size());
    pool_views_.resize(in_.pools.size());
    for (size_t r = 0; r < runs_.size(); ++r) {
      run_rng_.emplace_back(prep.options.seed, replica, stream_id(kRunFailStream, static_cast<uint32_t>(r)));
      runs_[r].threshold = run_rng_[r].exponential();
    }
    for (size_t s = 0; s < services_.size(); ++s) {
      service_rng_.emplace_back(prep.options.seed, replica, stream_id(kServiceFailStream, static_cast<uint32_t>(s)));
      services_[s].threshold = service_rng_[s].exponential();
    }
  }

  void run(double* out);

 private:
  // --- pools ---------------------------------------------------------------
  void accrue(int p) {
    PoolState& ps = pools_[p];
    ps.spend += static_cast<double>(ps.billed) * ps.price_per_s * (now_ - ps.bill_t).seconds();
    ps.bill_t = now_;
  }
  int64_t missing_chips(const PoolState& ps) const {
    int64_t n = 0;
    for (const auto& [id, chips] : ps.missing) n += chips;
    return n;
  }
  void rebill(int p) {
    accrue(p);
    PoolState& ps = pools_[p];
    ps.billed =
        in_.pools[p].committed() ? std::max<int64_t>(0, ps.cap - missing_chips(ps)) : std::max(ps.held, ps.rented);
  }
  void change_held(int p, int64_t delta) {
    if (p < 0 || delta == 0) return;
    pools_[p].held += delta;
    rebill(p);
  }
  void recompute_available(int p) {
    PoolState& ps = pools_[p];
    double chips = static_cast<double>(std::max<int64_t>(0, ps.cap - missing_chips(ps)));
    for (const auto& [id, depth] : ps.factors) chips *= 1.0 - depth;
    const int64_t per = in_.pools[p].chips_per_instance;
    ps.available = static_cast<int64_t>(std::floor(chips / static_cast<double>(per) + 1e-9)) * per;
  }
  bool has_spare_instance(int p) const {
    return pools_[p].available - pools_[p].held >= in_.pools[p].chips_per_instance;
  }

  // --- runs ------------------------------------------------------------------
  void hazard_update(RunState& x) {
    x.hazard += x.hazard_rate * (now_ - x.hazard_t).seconds();
    x.hazard_t = now_;
  }
  void account_held(RunState& x) {
    const double dt = (now_ - x.held_t).seconds();
    if (x.cur.pool >= 0) {
      x.held_s += dt;
      x.potential_tokens += x.cur.tokens_per_s * dt;
    }
    x.held_t = now_;
  }
  Progress progress(const RunState& x) const;
  void close_segment(RunState& x);
  void open_segment(int r);
  void set_allocation(int r, const RunMonth& to);
  void schedule_run(int r);
  void on_run_event(int r);
  void finish_run(int r);
  void fail_run(int r);
  void evict_run(int r);
  void apply_run(int r, const RunMonth& to, bool planned_transition);

  // --- services --------------------------------------------------------------
  void service_hazard_update(ServiceState& x) {
    x.hazard += x.hazard_rate * (now_ - x.hazard_t).seconds();
    x.hazard_t = now_;
  }
  void schedule_service(int s);
  void update_violation(int s);
  void on_service_fail(int s);
  void on_service_back(int s, int pool);
  void evict_service_share(int s, int p, double share);
  bool apply_service(int s, std::vector<ReplicaSet> sets);

  // --- decisions -------------------------------------------------------------
  void apply_timeline(const TimelineEvent& e);
  void start_month(int m);
  // Writes month m's end to the record: cumulative spend and each run's fraction of tokens done.
  void record_month_end(int m);
  void settle(bool new_month);
  void decide(bool new_month);
  void check_rules();
  void finalize(double* out);

  const PreparedSim& prep_;
  const SimInput& in_;
  const ReplicaDraws& draws_;
  const SimPolicy& policy_;
  uint32_t replica_;
  SimTime now_;
  SimTime end_;
  int month_ = -1;
  EventQueue queue_;
  std::vector<PoolState> pools_;
  std::vector<RunState> runs_;
  std::vector<ServiceState> services_;
  std::vector<RngStream> run_rng_, service_rng_;
  std::vector<char> touched_;  // pools whose capacity changed since the last settle
  bool any_touched_ = false;
  // Views handed to the policy (rebuilt at each decision).
  std::vector<RunView> run_views_;
  std::vector<ServiceView> service_views_;
  std::vector<PoolView> pool_views_;
  std::vector<int> pending_runs_, pending_services_;
  Decision decision_;
  double breaches_ = 0;
  double failure_chip_hours_ = 0;
  double failure_events_ = 0;
  double* out_ = nullptr;  // this replica's record (set by run())
};
}  // namespace xpu::engine
