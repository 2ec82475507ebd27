#include "perf/search.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <limits>
#include <span>
#include <tuple>

#include "base/parallel.h"

namespace xpu {
namespace {

std::vector<int> divisors(int n, int limit) {
  std::vector<int> out;
  for (int d = 1; d <= n && d <= limit; ++d) {
    if (n % d == 0) out.push_back(d);
  }
  return out;
}

std::vector<int> powers_of_two_dividing(int n, int limit) {
  std::vector<int> out;
  for (int d = 1; d <= limit && n % d == 0; d *= 2) out.push_back(d);
  return out;
}

template <class T>
std::vector<T> one_or(const std::optional<T>& fixed, std::vector<T> all) {
  if (fixed) return {*fixed};
  return all;
}

// A total order: faster first, then the layout's fields, so ties break the same way every run.
bool better(const RankedLayout& a, const RankedLayout& b) {
  if (a.estimate.step_time != b.estimate.step_time) return a.estimate.step_time < b.estimate.step_time;
  const Layout& x = a.layout;
  const Layout& y = b.layout;
  return std::tie(x.tp, x.pp, x.dp, x.cp, x.ep, x.vpp, x.micro_batch, x.recompute, x.sharding, x.sequence_parallel) <
         std::tie(y.tp, y.pp, y.dp, y.cp, y.ep, y.vpp, y.micro_batch, y.recompute, y.sharding, y.sequence_parallel);
}

struct Partial {
  std::string_view invalid;
  std::vector<RankedLayout> best;
  std::optional<RankedLayout> safe;
  std::optional<RankedLayout> closest;
  long long evaluated = 0, fitting = 0, pruned = 0;
};

void keep_top(std::vector<RankedLayout>& list, const RankedLayout& r, int top) {
  if (static_cast<int>(list.size()) >= top && !better(r, list.back())) return;
  list.insert(std::upper_bound(list.begin(), list.end(), r, better), r);
  if (static_cast<int>(list.size()) > top) list.pop_back();
}

struct Outer {
  int tp, cp, pp;
};

// A fitting layout waiting for its full estimate, and whether it leaves the
// memory margin free.
struct Candidate {
  Layout layout;
  bool safe;
};

constexpr double kNone = std::numeric_limits<double>::infinity();

// Step times (s) every finished tuple's list proves: the global k-th best is
// at most `kth`, the global safe pick at most `safe`. A layout whose floor is
// above both cannot be in the answer, whichever thread finds it first.
struct SharedBounds {
  std::atomic<double> kth{kNone}, safe{kNone};
};

void lower_to(std::atomic<double>& bound, double v) {
  double cur = bound.load();
  while (v < cur && !bound.compare_exchange_weak(cur, v)) {
  }
}

}  // namespace

SearchResult search_layouts(const TrainingContext& ctx, int chips, const SearchOptions& o) {
  const ModelArch& m = *ctx.model;
  const LayoutConstraints& f = o.fixed;
  // What the stack can do bounds the dimensions a caller leaves open.
  const StackEfficiency& st = *ctx.stack;
  const int cp_limit = st.context_parallel ? o.max_cp : 1;
  const int pp_limit = st.pipeline ? m.layers : 1;
  // tp: divisors of the head count, kept inside one scale-up domain; on a
  // switch the group is aligned to the domain (a torus slice of any shape works).
  const int tp_limit = std::min(o.max_tp, std::max(1, ctx.fabric.domain));
  const bool switched =
      ctx.fabric.topology == TopologyKind::switched || ctx.fabric.topology == TopologyKind::fully_connected;
  std::vector<Outer> outer;
  for (int tp : one_or(f.tp, divisors(m.n_heads, tp_limit))) {
    if (chips % tp != 0 || (switched && tp < ctx.fabric.domain && ctx.fabric.domain % tp != 0)) continue;
    for (int cp : one_or(f.cp, powers_of_two_dividing(ctx.job.seq_len, cp_limit))) {
      if ((chips / tp) % cp != 0) continue;
      for (int pp : one_or(f.pp, divisors(chips / tp / cp, pp_limit))) {
        if ((chips / tp / cp) % pp != 0) continue;
        const int dp = chips / (tp * cp * pp);
        if (f.dp && *f.dp != dp) continue;
        outer.push_back({tp, cp, pp});
      }
    }
  }

  std::vector<Partial> parts(outer.size());
  SharedBounds shared;
  const Bytes capacity = ctx.fabric.hbm_capacity;
  const Bytes safe_capacity = capacity * (1.0 - o.memory_margin);
  // The tuples of one (tp, cp) are consecutive in `outer` (pp innermost) and
  // run in one task with one TrainingMemo: its layer costs read tp, cp,
  // micro-batch, ep and sequence parallelism only (perf/training.cpp), so
  // the pp choices of a (tp, cp) share them as a tuple's vpp, recompute and
  // sharding choices do; its Stages are kept per (pp, dp).
  std::vector<size_t> group_begin;
  for (size_t i = 0; i < outer.size(); ++i) {
    if (i == 0 || outer[i].tp != outer[i - 1].tp || outer[i].cp != outer[i - 1].cp) group_begin.push_back(i);
  }
  group_begin.push_back(outer.size());
  auto search_tuple = [&](size_t i, TrainingMemo& memo) {
    Partial& part = parts[i];
    const auto [tp, cp, pp] = outer[i];
    TrainingMemo* const shared_layers = o.memo ? &memo : nullptr;
    // With the bound, each valid layout is first estimated without its
    // data-parallel sync: its memory (the fit, the count, `closest`) and a
    // floor on its step time. Without it, the full estimate (kept in `full_estimate`).
    std::optional<TrainingEstimate> full_estimate;
    auto floor_of = [&](const Layout& l) {
      if (o.bound) return training_floor(ctx, l, shared_layers);
      const TrainingEstimate& e = full_estimate.emplace(estimate_training(ctx, l, shared_layers));
      return TrainingFloor{e.valid, e.invalid, e.step_time, e.memory.total(), e.capacity, e.fits};
    };
    // The layouts are visited sharding innermost (one check and one
    // pipeline for the shardings of a group, training_floors) but
    // `closest` and the first `invalid` are those of the loop order
    // ep, sharding, vpp, micro-batch, recompute, sp: each layout carries
    // its place in that order. `closest`: the first of the fewest missing
    // bytes, its estimate full.
    long long closest_at = 0, invalid_at = std::numeric_limits<long long>::max();
    auto offer_closest = [&](const Layout& l, const TrainingFloor& e, long long at) {
      if (part.closest && !(e.missing() < part.closest->estimate.missing() ||
                            (e.missing() == part.closest->estimate.missing() && at < closest_at))) {
        return;
      }
      part.closest = RankedLayout{l, o.bound ? estimate_training(ctx, l, shared_layers) : *full_estimate};
      closest_at = at;
    };
    auto rank = [&](const RankedLayout& r) {
      if (r.estimate.memory.total() <= safe_capacity && (!part.safe || better(r, *part.safe))) part.safe = r;
      keep_top(part.best, r, o.top);
    };
    std::vector<Candidate> layouts;                    // fitting
    std::vector<std::pair<double, unsigned>> fitting;  // their step-time floors (s) and indices
    const int dp = chips / (tp * cp * pp);
    std::vector<int> eps{1};
    if (m.is_moe() && st.expert_parallel) eps = divisors(m.moe.experts, dp * cp);
    std::vector<int> eps_ok;
    for (int ep : one_or(f.ep, eps)) {
      if ((dp * cp) % ep == 0 && m.moe.experts % std::max(ep, 1) == 0) eps_ok.push_back(ep);
    }
    // Interleaving: up to max_vpp virtual stages, each with at least one layer.
    std::vector<int> vpps{1};
    for (int v = 2; pp > 1 && v <= o.max_vpp && pp * v <= m.layers; ++v) vpps.push_back(v);
    std::vector<int> mbs;
    if (ctx.job.global_batch % dp == 0) {
      mbs = divisors(ctx.job.global_batch / dp, o.max_micro_batch);
    } else if (part.invalid.empty()) {
      part.invalid = "dp * micro_batch must divide the global batch";
      invalid_at = -1;  // before every layout
    }
    std::vector<Sharding> shardings;
    for (const auto& name : st.shardings) {
      if (auto sh = parse_sharding(name); sh && (pp == 1 || !shards_weights(*sh))) shardings.push_back(*sh);
    }
    if (shardings.empty()) shardings.push_back(Sharding::none);
    std::vector<bool> sps{false};
    if (tp > 1 && st.activations_sharded)
      sps = {true};
    else if (tp > 1 && st.sequence_parallel)
      sps = {true, false};
    // The inner lists once per tuple, not per loop (a profile showed their
    // copies' allocations at a tenth of the search).
    const std::vector<Sharding> sh_list = one_or(f.sharding, std::move(shardings));
    const std::vector<int> vpp_list = one_or(f.vpp, std::move(vpps));
    const std::vector<int> mb_list = one_or(f.micro_batch, std::move(mbs));
    const std::vector<Recompute> rc_list =
        one_or(f.recompute, {Recompute::none, Recompute::selective, Recompute::full});
    const std::vector<bool> sp_list = one_or(f.sequence_parallel, std::move(sps));
    // A layout's place in the loop order: after its (ep, sharding)'s
    // probe, the inner choices in order.
    const size_t inner_count = vpp_list.size() * mb_list.size() * rc_list.size() * sp_list.size();
    const auto inner = static_cast<long long>(inner_count);
    if (o.bound) {
      const size_t most = eps_ok.size() * sh_list.size() * inner_count;
      layouts.reserve(most);
      fitting.reserve(most);
    }
    std::vector<Sharding> live;  // the shardings of this ep that the probe left
    std::vector<long long> live_at;
    std::vector<TrainingFloor> floors(sh_list.size());
    for (size_t ei = 0; ei < eps_ok.size(); ++ei) {
      const int ep = eps_ok[ei];
      live.clear();
      live_at.clear();
      for (size_t si = 0; si < sh_list.size(); ++si) {
        const Sharding sh = sh_list[si];
        const long long at = static_cast<long long>(ei * sh_list.size() + si) * (inner + 1);
        // Prune: with full recompute and micro-batch 1 the activations are
        // smallest; if even that cannot fit, nothing below can.
        Layout probe{
            tp, pp, dp, cp, ep, 1, 1, Recompute::full, sh, tp > 1 && (st.sequence_parallel || st.activations_sharded)};
        if (f.sequence_parallel) probe.sequence_parallel = *f.sequence_parallel && tp > 1;
        if (const TrainingFloor lower = floor_of(probe); lower.valid) {
          ++part.evaluated;
          if (!lower.fits && o.prune) {
            ++part.pruned;
            offer_closest(probe, lower, at);
            continue;
          }
        }
        live.push_back(sh);
        live_at.push_back(at + 1);
      }
      if (live.empty()) continue;
      long long q = 0;  // the inner choices' place
      for (int vpp : vpp_list) {
        for (int mb : mb_list) {
          for (Recompute rc : rc_list) {
            for (bool sp : sp_list) {
              Layout l{tp, pp, dp, cp, ep, vpp, mb, rc, live.front(), sp};
              // checks the layout first (check_layout)
              // A floor above both finished tuples' bounds is not needed
              // (below), so training_floors may leave it out.
              if (o.bound)
                training_floors(
                    ctx, l, live, shared_layers, std::span<TrainingFloor>(floors).first(live.size()),
                    std::max(shared.kth.load(std::memory_order_relaxed), shared.safe.load(std::memory_order_relaxed)));
              for (size_t k = 0; k < live.size(); ++k) {
                l.sharding = live[k];
                const long long at = live_at[k] + q;
                const TrainingFloor e = o.bound ? floors[k] : floor_of(l);
                if (!e.valid) {
                  if (at < invalid_at) {
                    part.invalid = e.invalid;
                    invalid_at = at;
                  }
                  continue;
                }
                ++part.evaluated;
                if (!e.fits) {
                  offer_closest(l, e, at);
                  continue;
                }
                ++part.fitting;
                if (o.bound) {
                  // Above both finished tuples' bounds now, so above them at
                  // the walk below (bounds only fall): the walk would stop at
                  // this layout or before it, so it need not wait there.
                  const double floor = e.step_time.si();
                  if (e.above) continue;  // its floor too is above both bounds (training_floors)
                  if (floor > shared.kth.load(std::memory_order_relaxed) &&
                      floor > shared.safe.load(std::memory_order_relaxed)) {
                    continue;
                  }
                  fitting.push_back({floor, static_cast<unsigned>(layouts.size())});
                  layouts.push_back({l, e.memory <= safe_capacity});
                } else {
                  rank(RankedLayout{l, *full_estimate});
                }
              }
              ++q;
            }
          }
        }
      }
    }
    // Fitting layouts fastest floor first: the full estimate only for one
    // whose floor does not exceed the k-th best step time so far (here or
    // in a finished tuple), or, if it leaves the margin free, the safe pick's.
    // A heap, not a sort: the walk usually stops after a few layouts,
    // once a floor exceeds both bounds (floors only grow, bounds only fall).
    std::make_heap(fitting.begin(), fitting.end(), std::greater<>());
    for (auto end = fitting.end(); end != fitting.begin(); --end) {
      std::pop_heap(fitting.begin(), end, std::greater<>());
      const auto [floor, at] = *(end - 1);
      const Candidate& c = layouts[at];
      const bool full = static_cast<int>(part.best.size()) >= o.top;
      const double kth = std::min(full ? part.best.back().estimate.step_time.si() : kNone, shared.kth.load());
      const double safe = std::min(part.safe ? part.safe->estimate.step_time.si() : kNone, shared.safe.load());
      if (floor > kth && floor > safe) break;
      if (floor > kth && !c.safe) continue;
      rank(RankedLayout{c.layout, estimate_training(ctx, c.layout, shared_layers)});
    }
    if (static_cast<int>(part.best.size()) >= o.top) lower_to(shared.kth, part.best.back().estimate.step_time.si());
    if (part.safe) lower_to(shared.safe, part.safe->estimate.step_time.si());
  };
  parallel_for(
      group_begin.size() - 1,
      [&](size_t g) {
        TrainingMemo memo;  // layer costs shared by this (tp, cp)'s pp, vpp, recompute and sharding choices
        for (size_t i = group_begin[g]; i < group_begin[g + 1]; ++i) search_tuple(i, memo);
      },
      o.threads);

  SearchResult out;
  for (auto& p : parts) {
    if (out.invalid.empty()) out.invalid = p.invalid;
    out.evaluated += p.evaluated;
    out.fitting += p.fitting;
    out.pruned += p.pruned;
    for (const auto& r : p.best) keep_top(out.best, r, o.top);
    if (p.safe && (!out.safe || better(*p.safe, *out.safe))) out.safe = p.safe;
    if (p.closest &&
        (!out.closest || p.closest->estimate.missing() < out.closest->estimate.missing() ||
         (p.closest->estimate.missing() == out.closest->estimate.missing() && better(*p.closest, *out.closest)))) {
      out.closest = p.closest;
    }
  }
  if (!out.best.empty()) out.closest.reset();
  if (outer.empty()) out.invalid = "no tp, cp and pp combination divides the chip count (tp within one domain)";
  return out;
}

}  // namespace xpu
