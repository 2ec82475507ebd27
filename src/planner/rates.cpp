#include "planner/rates.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "base/parallel.h"
#include "perf/layout_rules.h"
#include "perf/sizing.h"
#include "planner/formulation_build.h"

namespace xpu {
namespace {

// Best tokens/s per chip at exactly `chips`, or nullopt when no layout fits.
std::optional<ScalePoint> evaluate_scale(const TrainingSetup& setup, int chips, ThreadBudget threads) {
  SearchOptions so;
  so.top = 1;
  so.threads = threads;
  const LayoutAnswer a = best_layout_at(setup, chips, so);
  if (!a.found()) return std::nullopt;
  const RankedLayout& b = a.search.best.front();
  return ScalePoint{chips, b.estimate.tokens_per_s_per_chip, b.estimate.mfu, describe(b.layout)};
}

// The largest gang of `accelerator` any one pool of `p` can hold in a month:
// a pool is the offers of one provider, region and spot-ness (formulation.h),
// each whole instances of its capacity (spot: times its availability).
// Counts past it are never launchable, so the ladder stops there.
int64_t largest_pool(const Portfolio& p, const std::string& accelerator) {
  std::map<std::tuple<std::string, std::string, bool>, std::vector<double>> pools;
  for (const PlanOffer& o : p.offers) {
    if (o.offer.accelerator != accelerator) continue;
    const bool spot = o.offer.term == Term::spot;
    auto& chips = pools[{o.offer.provider, o.offer.region, spot}];
    chips.resize(std::max(chips.size(), o.capacity.size()), 0.0);
    const int per = std::max(1, o.offer.chips);
    for (size_t m = 0; m < o.capacity.size(); ++m) {
      chips[m] += std::floor(detail::eff_capacity(o, static_cast<int>(m)) / per + 1e-9) * per;
    }
  }
  double most = 0;
  for (const auto& [key, chips] : pools) {
    for (double c : chips) most = std::max(most, c);
  }
  return static_cast<int64_t>(most);
}

// The training curve of `w` on `acc` inside `sys`; `cap` (> 0) the largest
// count any pool could hold (the ladder ends at or below it).
AcceleratorRate training_curve(const Workload& w, const Accelerator& acc, const System* sys,
                               const StackEfficiency& stack, const RateOptions& o, int64_t cap) {
  AcceleratorRate r;
  r.accelerator = acc.key;
  r.system = sys ? sys->key : "";
  TrainingJob job = w.train.job;
  if (job.global_batch <= 0) job.global_batch = default_global_batch(job.seq_len);
  const TrainingSetup setup{&w.model, &acc, sys, &stack, job};
  int max_chips = w.train.max_chips > 0 ? w.train.max_chips : o.default_max_chips;
  // Steps sized for counts no pool holds made the ladder 4x apart where 2x
  // fits (moe-235b on H100: 64, 256, 1024, ..., 16384 with 1,280 chips to
  // rent): the run then had to take 4x the chips for a quarter of the months.
  if (cap > 0 && cap < max_chips) max_chips = static_cast<int>(std::max<int64_t>(cap, std::min(8, max_chips)));
  // Smallest power of two (from 8, a node) whose best layout fits.
  std::optional<ScalePoint> first;
  int n = std::min(8, max_chips);
  for (; n <= max_chips; n *= 2) {
    first = evaluate_scale(setup, n, o.threads);
    if (first) break;
  }
  if (!first) {
    r.reason = fmt::format("no layout fits in memory up to {} chips{}", max_chips,
                           cap == max_chips ? " (the most one pool of its offers holds)" : "");
    return r;
  }
  r.points.push_back(*first);
  // Geometric steps of at least 2x up to max_chips, at most max_points points:
  // the candidate gang sizes of the executable model.
  int step = 2;
  while (static_cast<double>(first->chips) * std::pow(step, o.max_points - 1) < max_chips) step *= 2;
  for (long long next = static_cast<long long>(first->chips) * step;
       next <= max_chips && static_cast<int>(r.points.size()) < o.max_points; next *= step) {
    auto p = evaluate_scale(setup, static_cast<int>(next), o.threads);
    if (!p) break;  // past the largest scale the batch allows
    r.points.push_back(*p);
  }
  r.pieces = pieces_from_points(r.points);
  r.usable = true;
  return r;
}

// The serving need of `w` on `acc` inside `sys`.
AcceleratorRate serving_need(const Workload& w, const Accelerator& acc, const System* sys,
                             const StackEfficiency& stack) {
  AcceleratorRate r;
  r.accelerator = acc.key;
  r.system = sys ? sys->key : "";
  const std::vector<double>& demand = w.serve.demand_rps;
  r.need.assign(demand.size(), 0.0);
  const double peak = demand.empty() ? 0.0 : *std::max_element(demand.begin(), demand.end());
  if (!(peak > 0)) {
    r.usable = true;
    return r;
  }
  const ServiceSize size =
      size_service({&w.model, &acc, sys, &stack, w.serve.job}, peak, w.serve.slo, w.serve.max_num_tokens);
  const ServingSearch& s = size.search;
  if (!s.best) {
    // A peak that needs more chips than are sized was "does not fit in memory"
    // (1e12 req/s of an 8B model on H100s, usertrial3).
    r.reason = s.over_chip_limit ? fmt::format("its peak of {:g} requests/s needs more than the {} chips xpuplan sizes",
                                               peak, kMaxChipsSized)
               : s.closest && !s.closest->binding.empty()
                   ? fmt::format("no layout meets the {} target", s.closest->binding)
                   : std::string("does not fit in memory with any layout tried");
    return r;
  }
  const ServingLayout l = s.best->layout;
  // Requests/s one replica sustains within the SLOs: at least what the search
  // gave at the peak, refined on the same layout (no batch cap).
  const double per_replica = replica_capacity(size.ctx, l, w.serve.slo, peak / s.replicas);
  for (size_t m = 0; m < demand.size(); ++m) {
    if (demand[m] > 0) r.need[m] = l.chips() * std::ceil(demand[m] / per_replica - 1e-9);
  }
  r.chips_per_replica = l.chips();
  r.serving_layout = to_string(l);
  r.usable = true;
  return r;
}

// The systems the portfolio's offers of `key` rent (system_for_offer, the
// question compare asks too), in key order; the default system when no offer
// names one the catalog knows.
std::vector<const System*> rented_systems(const Portfolio& p, const Catalog& c, const std::string& key,
                                          const Workload& w) {
  std::vector<const System*> out;
  for (const PlanOffer& po : p.offers) {
    if (po.offer.accelerator != key || (w.kind != Mode::train && po.offer.term == Term::spot)) continue;
    const System* s = system_for_offer(c, po.offer);
    if (s && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  std::sort(out.begin(), out.end(), [](const System* a, const System* b) { return a->key < b->key; });
  if (out.empty()) out.push_back(default_system(c, key));
  return out;
}

// Training a throughput curve, serving a chip need, on every system the
// offers rent. One rate per accelerator serves all its offers, so where they
// rent different systems the slower one is used (fewer tokens/s at the first
// scale point, or more chips at the peak month): a plan never counts on the
// faster system for an offer that rents the slower.
AcceleratorRate accelerator_rate(const Portfolio& p, const Workload& w, const Catalog& c, const std::string& key,
                                 const RateOptions& o) {
  const Accelerator* acc = c.find_accelerator(key);
  const Mode mode = w.kind == Mode::train ? Mode::train : Mode::infer;
  const StackEfficiency* stack = acc ? default_stack(c.stacks, acc->runtime, mode) : nullptr;
  if (!acc || !stack) {
    AcceleratorRate r;
    r.accelerator = key;
    r.reason = acc ? fmt::format("no {} stack for runtime {}", mode == Mode::train ? "training" : "serving",
                                 to_string(acc->runtime))
                   : "not in the catalog";
    return r;
  }
  std::optional<AcceleratorRate> chosen;
  for (const System* sys : rented_systems(p, c, key, w)) {
    AcceleratorRate r = w.kind == Mode::train ? training_curve(w, *acc, sys, *stack, o, largest_pool(p, key))
                                              : serving_need(w, *acc, sys, *stack);
    if (!chosen) {
      chosen = std::move(r);
    } else if (!r.usable) {
      if (chosen->usable) chosen = std::move(r);
    } else if (chosen->usable) {
      const bool slower = w.kind == Mode::train
                              ? r.points.front().tokens_per_s_per_chip < chosen->points.front().tokens_per_s_per_chip
                              : *std::max_element(r.need.begin(), r.need.end()) >
                                    *std::max_element(chosen->need.begin(), chosen->need.end());
      if (slower) chosen = std::move(r);
    }
  }
  return *chosen;
}

}  // namespace

double AcceleratorRate::max_chips() const {
  double s = 0;
  for (const RatePiece& p : pieces) s += p.width;
  return s;
}

double AcceleratorRate::tokens_per_s(double chips) const {
  double t = 0, left = std::max(0.0, chips);
  for (const RatePiece& p : pieces) {
    const double take = std::min(left, p.width);
    t += take * p.rate;
    left -= take;
    if (left <= 0) break;
  }
  return t;
}

const ScalePoint* AcceleratorRate::point_at(int64_t chips) const {
  for (const ScalePoint& p : points) {
    if (p.chips == chips) return &p;
  }
  return nullptr;
}

const AcceleratorRate* WorkloadRates::find(std::string_view accelerator) const {
  for (const AcceleratorRate& r : by_accelerator) {
    if (r.accelerator == accelerator) return &r;
  }
  return nullptr;
}

std::vector<RatePiece> pieces_from_points(const std::vector<ScalePoint>& points) {
  std::vector<RatePiece> out;
  double prev_chips = 0, prev_total = 0, prev_rate = std::numeric_limits<double>::infinity();
  for (const ScalePoint& p : points) {
    const double total = p.chips * p.tokens_per_s_per_chip;
    const double width = p.chips - prev_chips;
    if (width <= 0) continue;
    // Never a higher marginal rate than the piece before: the LP fills pieces
    // in order only on a concave curve, and a larger scale that happens to
    // find a better layout is not counted on.
    const double rate = std::min(prev_rate, std::max(0.0, (total - prev_total) / width));
    out.push_back({width, rate});
    prev_chips = p.chips;
    prev_total += rate * width;
    prev_rate = rate;
  }
  return out;
}

RateTable estimate_rates(const Portfolio& p, const Catalog& catalog, const RateOptions& options) {
  struct Job {
    size_t workload, index;
  };
  std::vector<Job> jobs;
  RateTable t;
  t.workloads.resize(p.workloads.size());
  for (size_t i = 0; i < p.workloads.size(); ++i) {
    t.workloads[i].workload = p.workloads[i].name;
    t.workloads[i].by_accelerator.resize(p.workloads[i].accelerators.size());
    for (size_t j = 0; j < p.workloads[i].accelerators.size(); ++j) jobs.push_back({i, j});
  }
  // Serving searches are single-threaded: spread them; training searches use
  // their own threads, so those run one after another.
  auto run = [&](size_t k) {
    const Workload& w = p.workloads[jobs[k].workload];
    const std::string& key = w.accelerators[jobs[k].index];
    AcceleratorRate& out = t.workloads[jobs[k].workload].by_accelerator[jobs[k].index];
    // Accelerators the workload may use but no offer sells are not evaluated.
    const bool offered = std::any_of(p.offers.begin(), p.offers.end(), [&](const PlanOffer& o) {
      return o.offer.accelerator == key && (w.kind == Mode::train || o.offer.term != Term::spot);
    });
    if (!offered) {
      out.accelerator = key;
      out.reason = "no offer in the portfolio";
      return;
    }
    out = accelerator_rate(p, w, catalog, key, options);
  };
  std::vector<size_t> serving, training;
  for (size_t k = 0; k < jobs.size(); ++k) {
    (p.workloads[jobs[k].workload].kind == Mode::train ? training : serving).push_back(k);
  }
  parallel_for(
      serving.size(), [&](size_t i) { run(serving[i]); }, options.threads);
  for (size_t k : training) run(k);
  return t;
}

}  // namespace xpu
