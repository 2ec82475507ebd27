// Training gangs: progress with periodic checkpoints, failures, evictions,
// placements and moves.
#include <algorithm>
#include <cmath>

#include "sim/engine.h"

namespace xpu::engine {

Progress Engine::progress(const RunState& x) const {
  const double e = (now_ - x.seg_t0).seconds();
  const double rate = x.cur.tokens_per_s;
  if (std::isinf(x.tau)) return {x.base + rate * e, x.saved, x.phase0 + e, e};
  if (x.tau == 0) return {x.base + rate * e, x.base + rate * e, 0.0, e};
  // Cycles of tau compute seconds then write_s seconds of checkpoint writing,
  // counted from the last checkpoint (phase0 compute seconds before seg_t0).
  const double cycle = x.tau + x.write_s;
  const double pos = x.phase0 + e;
  const double k = std::floor(pos / cycle);
  const double in_cycle = pos - k * cycle;
  const double compute = k * x.tau + std::min(in_cycle, x.tau) - x.phase0;
  const double saved = k >= 1 ? x.base + rate * (k * x.tau - x.phase0) : x.saved;
  return {x.base + rate * compute, saved, std::min(in_cycle, x.tau), compute};
}

// Ends the running segment at now: progress, the last checkpoint and compute time are brought up to date.
void Engine::close_segment(RunState& x) {
  if (x.status != RunStatus::running) return;
  const Progress p = progress(x);
  x.compute_s += p.compute_s;
  x.base = p.tokens;
  x.saved = p.saved;
  // A write in progress is abandoned; the next segment starts it again.
  x.phase0 = p.unsaved_s;
  x.seg_t0 = now_;
}

// Starts a running segment at now with the run's current allocation: the
// checkpoint interval for its failure rate and its predicted finish.
void Engine::open_segment(int r) {
  RunState& x = runs_[r];
  const RunPrep& rp = prep_.runs[r];
  x.seg_t0 = now_;
  x.write_s = rp.write_s;
  if (!rp.checkpoints) {
    x.tau = kInf;
  } else if (rp.write_s <= 0) {
    x.tau = 0;
  } else if (prep_.risks.checkpoint.interval) {
    x.tau = prep_.risks.checkpoint.interval->si();
  } else {
    const PoolPrep& pp = prep_.pools[x.cur.pool];
    const double rate = pp.fail_per_chip_s * static_cast<double>(x.cur.chips) + pp.loss_per_s;
    x.tau = young_daly_interval(Seconds(rp.write_s), Seconds(rate > 0 ? 1.0 / rate : kInf)).si();
  }
  if (!std::isinf(x.tau)) x.phase0 = std::min(x.phase0, x.tau);
  const double tokens = in_.runs[r].tokens;
  const double rate = x.cur.tokens_per_s;
  if (rate <= 0) {
    x.finish_at = SimTime::never();
    return;
  }
  const double c = std::max(0.0, (tokens - x.base) / rate);
  double e = c;
  if (!std::isinf(x.tau) && x.tau > 0) {
    const double writes = std::max(0.0, std::ceil((x.phase0 + c) / x.tau) - 1);
    e += writes * x.write_s;
  }
  x.finish_at = now_ + ceil_seconds(e);
}

// Changes what the run holds (chips, billing, hazard rate), nothing else.
void Engine::set_allocation(int r, const RunMonth& to) {
  RunState& x = runs_[r];
  account_held(x);
  hazard_update(x);
  change_held(x.cur.pool, -x.cur.chips);
  x.cur = to.pool >= 0 && to.chips > 0 ? to : RunMonth{};
  change_held(x.cur.pool, x.cur.chips);
  x.hazard_rate = x.cur.pool >= 0 ? prep_.pools[x.cur.pool].fail_per_chip_s * static_cast<double>(x.cur.chips) : 0;
}

void Engine::schedule_run(int r) {
  RunState& x = runs_[r];
  ++x.version;
  if (x.status == RunStatus::done || x.status == RunStatus::waiting) return;
  SimTime next = x.status == RunStatus::running ? x.finish_at : x.ready_at;
  if (x.hazard_rate > 0) {
    next = std::min(next, x.hazard_t + ceil_seconds(std::max(0.0, x.threshold - x.hazard) / x.hazard_rate));
  }
  next = std::max(next, now_);
  if (next < end_) queue_.push(next, pack(kRunEvent, static_cast<uint32_t>(r), x.version));
}

void Engine::on_run_event(int r) {
  RunState& x = runs_[r];
  hazard_update(x);
  if (x.status == RunStatus::running && now_ >= x.finish_at) {
    finish_run(r);
    decide(false);  // the chips it frees may let a waiting run start
  } else if (x.status == RunStatus::restarting && now_ >= x.ready_at) {
    x.status = RunStatus::running;
    open_segment(r);
    schedule_run(r);
  } else {
    fail_run(r);
  }
}

void Engine::finish_run(int r) {
  RunState& x = runs_[r];
  close_segment(x);
  x.base = x.saved = in_.runs[r].tokens;
  x.status = RunStatus::done;
  x.finished = now_;
  set_allocation(r, RunMonth{});
  schedule_run(r);
}

// A chip of the gang failed (or planned maintenance): the whole gang stops,
// falls back to its last checkpoint, and restarts after detection (and a
// replacement when its pool has no spare instance).
void Engine::fail_run(int r) {
  RunState& x = runs_[r];
  const RunPrep& rp = prep_.runs[r];
  const PoolPrep& pp = prep_.pools[x.cur.pool];
  close_segment(x);
  x.lost_s += x.phase0;
  x.base = x.saved;
  x.phase0 = 0;
  ++x.interruptions;
  const double down = pp.detect_s + (has_spare_instance(x.cur.pool) ? 0.0 : pp.replace_s) + rp.restart_s;
  failure_chip_hours_ += static_cast<double>(x.cur.chips) * down / 3600.0;
  failure_events_ += 1;
  x.status = RunStatus::restarting;
  x.ready_at = now_ + SimDuration::from_seconds(down);
  x.hazard = 0;
  x.threshold = run_rng_[r].exponential();
  schedule_run(r);
}

// Capacity under the run is gone: it stops, losing work since its last checkpoint.
void Engine::evict_run(int r) {
  RunState& x = runs_[r];
  close_segment(x);
  x.lost_s += x.phase0;
  x.base = x.saved;
  x.phase0 = 0;
  ++x.evictions;
  x.lost = true;
  x.status = RunStatus::waiting;
  set_allocation(r, RunMonth{});
  schedule_run(r);
}

// Applies a policy's allocation. A change the plan prescribes at a month
// start, or a resize in the same pool, is seamless; a move to another pool
// writes a checkpoint and restarts there; a placement after a loss restarts
// from the last checkpoint; a release (the plan pauses the run) checkpoints first.
void Engine::apply_run(int r, const RunMonth& to, bool planned_transition) {
  RunState& x = runs_[r];
  const RunPrep& rp = prep_.runs[r];
  const bool release = to.pool < 0 || to.chips <= 0;
  if (release) {
    if (x.status == RunStatus::running) {
      close_segment(x);
      x.saved = x.base;
      x.phase0 = 0;
    }
    x.status = RunStatus::waiting;
    set_allocation(r, RunMonth{});
    schedule_run(r);
    return;
  }
  if (x.status == RunStatus::waiting) {
    set_allocation(r, to);
    const double delay = x.lost ? rp.restart_s : 0.0;
    x.lost = false;
    x.base = x.saved;
    x.phase0 = 0;
    if (delay > 0) {
      x.status = RunStatus::restarting;
      x.ready_at = now_ + SimDuration::from_seconds(delay);
    } else {
      x.status = RunStatus::running;
      open_segment(r);
    }
    schedule_run(r);
    return;
  }
  const bool seamless = planned_transition || to.pool == x.cur.pool;
  if (x.status == RunStatus::running && seamless) {
    close_segment(x);
    set_allocation(r, to);
    open_segment(r);
  } else if (x.status == RunStatus::running) {
    close_segment(x);
    x.saved = x.base;
    x.phase0 = 0;
    set_allocation(r, to);
    x.status = RunStatus::restarting;
    x.ready_at = now_ + SimDuration::from_seconds(rp.write_s + rp.restart_s);
  } else {  // restarting
    if (!seamless) x.ready_at = now_ + SimDuration::from_seconds(rp.restart_s);
    set_allocation(r, to);
  }
  schedule_run(r);
}

}  // namespace xpu::engine
