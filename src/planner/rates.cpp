#include "planner/rates.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/parallel.h"
#include "perf/fabric.h"
#include "perf/inference.h"
#include "perf/search.h"
#include "perf/training.h"

namespace xpu {
namespace {

// Best tokens/s per chip at `chips`, or nullopt when no layout fits.
std::optional<ScalePoint> evaluate_scale(const Workload& w, const Accelerator& acc, const System* sys,
                                         const StackEfficiency& stack, const TrainingJob& job, int chips,
                                         ThreadBudget threads) {
  const Fabric fabric = make_fabric(acc, sys, chips);
  const TrainingContext ctx = prepare_training(w.model, fabric, stack, job);
  SearchOptions so;
  so.top = 1;
  so.threads = threads;
  const SearchResult r = search_layouts(ctx, chips, so);
  if (r.best.empty()) return std::nullopt;
  const RankedLayout& b = r.best.front();
  return ScalePoint{chips, b.estimate.tokens_per_s_per_chip, b.estimate.mfu, describe(b.layout)};
}

AcceleratorRate training_rate(const Workload& w, const Catalog& c, const std::string& key, const RateOptions& o) {
  AcceleratorRate r;
  r.accelerator = key;
  const Accelerator* acc = c.find_accelerator(key);
  const StackEfficiency* stack = acc ? default_stack(c.stacks, acc->runtime, Mode::train) : nullptr;
  if (!acc || !stack) {
    r.reason = acc ? fmt::format("no training stack for runtime {}", to_string(acc->runtime)) : "not in the catalog";
    return r;
  }
  const System* sys = default_system(c, key);
  TrainingJob job = w.train.job;
  // About 4M tokens per step unless given, as `xpuplan train` assumes.
  if (job.global_batch <= 0) job.global_batch = std::max(1, (1 << 22) / std::max(1, job.seq_len));
  const int max_chips = w.train.max_chips > 0 ? w.train.max_chips : o.default_max_chips;
  // Smallest power of two (from 8, a node) whose best layout fits.
  std::optional<ScalePoint> first;
  int n = std::min(8, max_chips);
  for (; n <= max_chips; n *= 2) {
    first = evaluate_scale(w, *acc, sys, *stack, job, n, o.threads);
    if (first) break;
  }
  if (!first) {
    r.reason = fmt::format("no layout fits in memory up to {} chips", max_chips);
    return r;
  }
  r.points.push_back(*first);
  // Geometric steps of at least 4x up to max_chips, at most max_points points.
  int step = 4;
  while (static_cast<double>(first->chips) * std::pow(step, o.max_points - 1) < max_chips) step *= 2;
  for (long long next = static_cast<long long>(first->chips) * step;
       next <= max_chips && static_cast<int>(r.points.size()) < o.max_points; next *= step) {
    auto p = evaluate_scale(w, *acc, sys, *stack, job, static_cast<int>(next), o.threads);
    if (!p) break;  // past the largest scale the batch allows
    r.points.push_back(*p);
  }
  r.pieces = pieces_from_points(r.points);
  r.usable = true;
  return r;
}

AcceleratorRate serving_rate(const Workload& w, const Catalog& c, const std::string& key) {
  AcceleratorRate r;
  r.accelerator = key;
  const Accelerator* acc = c.find_accelerator(key);
  const StackEfficiency* stack = acc ? default_stack(c.stacks, acc->runtime, Mode::infer) : nullptr;
  if (!acc || !stack) {
    r.reason = acc ? fmt::format("no serving stack for runtime {}", to_string(acc->runtime)) : "not in the catalog";
    return r;
  }
  const std::vector<double>& demand = w.serve.demand_rps;
  r.need.assign(demand.size(), 0.0);
  const double peak = demand.empty() ? 0.0 : *std::max_element(demand.begin(), demand.end());
  if (!(peak > 0)) {
    r.usable = true;
    return r;
  }
  const System* sys = default_system(c, key);
  const int domain = sys ? sys->scale_up_domain : acc->scale_up.domain;
  const Fabric fabric = make_fabric(*acc, sys, domain);
  const InferenceContext ctx = prepare_inference(w.model, fabric, *stack, w.serve.job);
  const ServingSearch s = search_serving(ctx, peak, w.serve.slo);
  if (!s.best) {
    r.reason = s.closest && !s.closest->binding.empty()
                   ? fmt::format("no layout meets the {} target", s.closest->binding)
                   : std::string("does not fit in memory with any layout tried");
    return r;
  }
  const ServingLayout l = s.best->layout;
  // Requests/s one replica sustains within the SLOs: at least what the search
  // gave at the peak, refined by bisection on the same layout (no batch cap).
  double per_replica = peak / s.replicas;
  const ServingEstimate top = serve(ctx, l, std::nullopt, w.serve.slo, 0);
  double lo = per_replica, hi = std::max(per_replica, top.requests_per_s);
  for (int it = 0; it < 30 && hi > lo * (1 + 1e-6); ++it) {
    const double mid = 0.5 * (lo + hi);
    (serve(ctx, l, mid, w.serve.slo, 0).meets_slo ? lo : hi) = mid;
  }
  per_replica = lo;
  for (size_t m = 0; m < demand.size(); ++m) {
    if (demand[m] > 0) r.need[m] = l.chips() * std::ceil(demand[m] / per_replica - 1e-9);
  }
  r.chips_per_replica = l.chips();
  r.serving_layout = fmt::format("tp{}{}{}", l.tp, l.pp > 1 ? fmt::format(" pp{}", l.pp) : "",
                                 l.ep > 1 ? fmt::format(" ep{}", l.ep) : "");
  r.usable = true;
  return r;
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
    out = w.kind == Mode::train ? training_rate(w, catalog, key, options) : serving_rate(w, catalog, key);
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
