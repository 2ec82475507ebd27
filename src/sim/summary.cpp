// Monte Carlo driver and summaries. simulate_block writes one record of
// doubles per replica (layout in prepared.h); summarize reads all of them in
// replica order, so a block split over threads or MPI ranks gives the same
// bytes as one loop.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "base/check.h"
#include "base/parallel.h"
#include "sim/prepared.h"
#include "sim/simulate.h"

namespace xpu {
namespace {

MeanSe mean_se(const std::vector<double>& v) {
  if (v.empty()) return {};
  double sum = 0;
  for (double x : v) sum += x;
  const double n = static_cast<double>(v.size());
  const double mean = sum / n;
  if (v.size() < 2) return {mean, 0};
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return {mean, std::sqrt(ss / (n - 1) / n)};
}

// Hyndman & Fan (1996) type 7: linear between order statistics.
double quantile_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double h = (static_cast<double>(sorted.size()) - 1) * q;
  const auto lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

Spread spread(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {quantile_sorted(v, 0.10), quantile_sorted(v, 0.50), quantile_sorted(v, 0.90), quantile_sorted(v, 0.99)};
}

struct Column {
  const std::vector<double>& all;
  size_t stride;
  size_t n;
  std::vector<double> at(size_t offset) const {
    std::vector<double> out(n);
    for (size_t i = 0; i < n; ++i) out[i] = all[i * stride + offset];
    return out;
  }
};

RunSummary summarize_run(const PreparedSim& prep, const Column& col, size_t base, size_t r) {
  const SimInput& in = prep.in;
  const int M = in.horizon.months();
  const double end_h = in.horizon.total_hours();
  const SimRun& run = in.runs[r];
  RunSummary s;
  s.name = run.name;
  s.deadline = run.deadline;
  s.planned_finish_month = prep.plan.finish_month[r];
  const double planned_h = prep.plan.finish_hours[r] >= 0 ? prep.plan.finish_hours[r] : end_h;
  s.plan_finishes = prep.plan.finish_hours[r] >= 0;
  s.delay_censored_days = (end_h - planned_h) / 24.0;
  const size_t off = base + prep.layout.run(r);
  const auto finish_h = col.at(off + 0);
  const auto finish_month = col.at(off + 1);
  const auto useful_s = col.at(off + 2);
  const auto held_s = col.at(off + 3);
  const auto useful_tokens = col.at(off + 6);
  const auto potential_tokens = col.at(off + 7);
  s.finish_month_p.assign(M + 1, 0.0);
  std::vector<double> miss(col.n), delay(col.n), ett, goodput;
  for (size_t i = 0; i < col.n; ++i) {
    const int m = std::clamp(static_cast<int>(finish_month[i]), 0, M);
    s.finish_month_p[m] += 1.0 / static_cast<double>(col.n);
    miss[i] = m > run.deadline ? 1.0 : 0.0;
    delay[i] = ((finish_h[i] >= 0 ? finish_h[i] : end_h) - planned_h) / 24.0;
    if (std::abs(delay[i]) < 1e-9) delay[i] = 0;  // under 0.1 ms: the rounding of summed hours, not a delay
    if (held_s[i] > 0) ett.push_back(useful_s[i] / held_s[i]);
    if (potential_tokens[i] > 0) goodput.push_back(useful_tokens[i] / potential_tokens[i]);
  }
  s.p_miss_se = mean_se(miss);
  s.p_miss_deadline = s.p_miss_se.mean;
  s.delay_days = spread(delay);
  s.delay_mean_days = mean_se(delay);
  s.effective_training_time = mean_se(ett);
  s.goodput = mean_se(goodput);
  s.interruptions = mean_se(col.at(off + 4));
  s.evictions = mean_se(col.at(off + 5));
  double planned_tokens = 0;
  s.progress_by_month.reserve(static_cast<size_t>(M));
  s.planned_progress.reserve(static_cast<size_t>(M));
  for (int m = 0; m < M; ++m) {
    s.progress_by_month.push_back(spread(col.at(base + prep.layout.monthly_progress(r, static_cast<size_t>(m)))));
    const RunMonth& a = run.months[m];
    if (a.pool >= 0) planned_tokens += a.tokens_per_s * in.horizon.month_hours[m] * 3600.0;
    const bool done = prep.plan.finish_month[r] <= m;
    s.planned_progress.push_back(done ? 1.0 : std::min(1.0, planned_tokens / run.tokens));
  }
  return s;
}

// Mean spend per key (vendor or term), keys sorted.
std::vector<SpendLine> spend_by(const PreparedSim& prep, const Column& col, size_t base,
                                std::string (*key)(const SimPool&)) {
  std::map<std::string, std::vector<double>> by;
  for (size_t p = 0; p < prep.in.pools.size(); ++p) {
    auto& v = by[key(prep.in.pools[p])];
    v.resize(col.n, 0.0);
    const auto spend = col.at(base + prep.layout.spend(p));
    for (size_t i = 0; i < col.n; ++i) v[i] += spend[i];
  }
  std::vector<SpendLine> out;
  out.reserve(by.size());
  for (const auto& [k, v] : by) out.push_back({k, mean_se(v)});
  return out;
}

void summarize_worst_decile(const PreparedSim& prep, const Column& col, size_t base, PolicyResult& pr) {
  const SimInput& in = prep.in;
  const double end_h = in.horizon.total_hours();
  const size_t n = col.n;
  std::vector<double> harm(n, 0.0);
  for (size_t r = 0; r < in.runs.size(); ++r) {
    const double planned_h = prep.plan.finish_hours[r] >= 0 ? prep.plan.finish_hours[r] : end_h;
    const auto finish = col.at(base + prep.layout.run(r));
    for (size_t i = 0; i < n; ++i) harm[i] += std::max(0.0, (finish[i] >= 0 ? finish[i] : end_h) - planned_h);
  }
  for (size_t s = 0; s < in.services.size(); ++s) {
    const auto hours = col.at(base + prep.layout.service(s));
    for (size_t i = 0; i < n; ++i) harm[i] += hours[i];
  }
  const auto cost = col.at(base + OutcomeLayout::kCost);
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (harm[a] != harm[b]) return harm[a] > harm[b];
    if (cost[a] != cost[b]) return cost[a] > cost[b];
    return a < b;
  });
  const size_t worst = std::max<size_t>(1, (n + 9) / 10);
  pr.worst_replicas.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(10, n)));
  auto impact = [&](std::string name, const std::vector<double>& lost, const std::vector<double>& events) {
    RiskImpact ri{std::move(name), 0, 0, 0, 0};
    for (size_t i = 0; i < n; ++i) {
      ri.mean_all += lost[i] / static_cast<double>(n);
      ri.events_all += events[i] / static_cast<double>(n);
    }
    for (size_t k = 0; k < worst; ++k) {
      ri.mean_worst_decile += lost[order[k]] / static_cast<double>(worst);
      ri.events_worst_decile += events[order[k]] / static_cast<double>(worst);
    }
    return ri;
  };
  for (size_t s = 0; s < prep.sources.size(); ++s) {
    pr.worst_decile.push_back(impact(prep.sources[s].name, col.at(s), col.at(prep.layout.sources + s)));
  }
  pr.worst_decile.push_back(impact("hardware failures", col.at(base + OutcomeLayout::kFailureChipHours),
                                   col.at(base + OutcomeLayout::kFailureEvents)));
  std::stable_sort(pr.worst_decile.begin(), pr.worst_decile.end(), [](const RiskImpact& a, const RiskImpact& b) {
    return a.mean_worst_decile - a.mean_all > b.mean_worst_decile - b.mean_all;
  });
}

}  // namespace

std::vector<double> simulate_block(const PreparedSim& prep, uint32_t first, uint32_t count, unsigned threads) {
  const OutcomeLayout& l = prep.layout;
  std::vector<double> out(static_cast<size_t>(count) * l.stride, 0.0);
  parallel_for(
      count,
      [&](size_t i) {
        const auto replica = static_cast<uint32_t>(first + i);
        double* rec = out.data() + i * l.stride;
        const ReplicaDraws draws = draw_replica(prep, replica);
        std::copy(draws.lost_chip_hours.begin(), draws.lost_chip_hours.end(), rec);
        std::copy(draws.event_counts.begin(), draws.event_counts.end(), rec + l.sources);
        for (size_t k = 0; k < prep.policies.size(); ++k) {
          run_policy(prep, draws, k, replica, rec + l.policy_base + k * l.per_policy);
        }
      },
      ThreadBudget(threads));  // ThreadBudget takes 0 as one thread
  return out;
}

SimResult summarize(const PreparedSim& prep, const std::vector<double>& outcomes) {
  const OutcomeLayout& l = prep.layout;
  XPU_CHECK(outcomes.size() % l.stride == 0);
  const Column col{outcomes, l.stride, outcomes.size() / l.stride};
  SimResult res;
  res.replicas = static_cast<uint32_t>(col.n);
  res.seed = prep.options.seed;
  res.plan_cost = prep.plan_cost;
  for (int m = 0; m < prep.in.horizon.months(); ++m) res.month_labels.push_back(prep.in.horizon.label(m));
  for (size_t k = 0; k < prep.policies.size(); ++k) {
    const size_t base = l.policy_base + k * l.per_policy;
    PolicyResult pr;
    pr.policy = prep.policy_names[k];
    const auto cost = col.at(base + OutcomeLayout::kCost);
    pr.cost = spread(cost);
    pr.cost_mean = mean_se(cost);
    pr.cost_vs_plan = prep.plan_cost.si() > 0 ? pr.cost_mean.mean / prep.plan_cost.si() - 1 : 0;
    pr.cost_by_month.reserve(static_cast<size_t>(prep.in.horizon.months()));
    for (int m = 0; m < prep.in.horizon.months(); ++m) {
      pr.cost_by_month.push_back(spread(col.at(base + l.monthly_cost(static_cast<size_t>(m)))));
    }
    for (size_t r = 0; r < prep.in.runs.size(); ++r) pr.runs.push_back(summarize_run(prep, col, base, r));
    for (size_t s = 0; s < prep.in.services.size(); ++s) {
      const auto hours = col.at(base + l.service(s));
      pr.services.push_back({prep.in.services[s].name, mean_se(hours), spread(hours)});
    }
    pr.spend_by_vendor = spend_by(prep, col, base, [](const SimPool& p) { return p.vendor; });
    pr.spend_by_term = spend_by(prep, col, base, [](const SimPool& p) { return std::string(to_string(p.term)); });
    pr.breaches = mean_se(col.at(base + OutcomeLayout::kBreaches));
    summarize_worst_decile(prep, col, base, pr);
    res.policies.push_back(std::move(pr));
  }
  return res;
}

Expected<SimResult, Diagnostics> simulate(const SimInput& in, const Risks& risks, const SimOptions& options) {
  auto prep = prepare_simulation(in, risks, options);
  if (!prep) return Unexpected{prep.error()};
  const PreparedSim& p = **prep;
  return summarize(p, simulate_block(p, 0, p.options.replicas, p.options.threads));
}

}  // namespace xpu
