// compare --sensitivity: each assumption varied on its own, every option
// re-priced (and, for software efficiency, re-estimated), and the pairs of
// accelerators whose order by cost flips.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "analysis/compare_engine.h"
#include "base/parallel.h"

namespace xpu::compare_detail {
namespace {

using Range = std::optional<std::pair<double, double>>;

// The work an option's cost priced, rebuilt from the option.
WorkPoint work_of(const CompareResult& res, const CompareOption& o, const Candidate& c) {
  WorkPoint w;
  w.chips = o.chips;
  w.tdp = c.accelerator->power.tdp;
  w.power = power_model_for(*c.accelerator);
  if (res.query.mode == Mode::train) {
    w.duration = o.time;
    w.tokens = res.query.training.tokens;
  } else {
    w.duration = hours(1);
    w.tokens = res.query.rate * res.query.serving.output_len * 3600;
  }
  return w;
}

// Swaps between `base` and a scenario that prices only some options (nullopt = not priced there).
void add_swaps(const CompareResult& res, const std::vector<double>& base, const std::vector<std::optional<double>>& s,
               SensitivityFactor& f) {
  std::vector<size_t> present;
  std::vector<double> b, x;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!s[i]) continue;
    present.push_back(i);
    b.push_back(base[i]);
    x.push_back(*s[i]);
  }
  for (const auto& [i, j] : rank_swaps(b, x)) {
    std::pair<std::string, std::string> p{res.options[present[i]].accelerator, res.options[present[j]].accelerator};
    if (std::find(f.swaps.begin(), f.swaps.end(), p) == f.swaps.end()) f.swaps.push_back(p);
  }
}

// Pairs whose ranges overlap: independent errors could put either first.
void add_overlaps(const CompareResult& res, SensitivityFactor& f) {
  for (size_t a = 0; a < f.cost.size(); ++a) {
    for (size_t b = a + 1; b < f.cost.size(); ++b) {
      if (f.cost[a] && f.cost[b] && f.cost[a]->second > f.cost[b]->first) {
        f.swaps.emplace_back(res.options[a].accelerator, res.options[b].accelerator);
      }
    }
  }
}

StackEfficiency scaled(const StackEfficiency& s, double k) {
  StackEfficiency out = s;
  out.gemm = std::min(0.98, s.gemm * k);
  out.attention = std::min(0.98, s.attention * k);
  out.memory = std::min(0.98, s.memory * k);
  return out;
}

void efficiency_factors(CompareResult& res, const std::vector<Candidate>& chosen, const std::vector<double>& base) {
  const auto& r = res.query;
  std::map<std::string, const StackEfficiency*> stacks;
  for (const auto& c : chosen) stacks.emplace(c.stack->key, c.stack);
  for (const auto& [key, stack] : stacks) {
    const bool calibrated = stack->evidence.cases > 0;
    // The stack's typical miss on published runs, or +-25% for a stack never checked against one.
    const double e = calibrated ? stack->evidence.median_abs_pct / 100.0 : 0.25;
    const StackEfficiency lower = scaled(*stack, 1 - e), higher = scaled(*stack, 1 + e);
    std::vector<size_t> affected;
    for (size_t i = 0; i < chosen.size(); ++i) {
      if (chosen[i].stack == stack) affected.push_back(i);
    }
    std::vector<Evaluation> evals(affected.size() * 2);
    parallel_for(
        evals.size(),
        [&](size_t t) {
          const size_t i = affected[t / 2];
          const int chips = r.mode == Mode::train ? res.options[i].chips : 0;
          evals[t] = evaluate(r, chosen[i], t % 2 ? higher : lower, chips);
        },
        r.threads);
    SensitivityFactor f;
    f.key = "efficiency:" + key;
    f.description = fmt::format(
        "{} GEMM, attention and memory-bandwidth fractions {:+.0f}%/{:+.0f}% ({}); {}", key, -100 * e, 100 * e,
        calibrated ? fmt::format("its leave-one-out median error on {} published runs", stack->evidence.cases)
                   : "no published runs: a default spread",
        r.mode == Mode::train ? "chips held, time moves" : "the fleet re-sized for the load");
    f.cost.assign(chosen.size(), std::nullopt);
    std::vector<std::optional<double>> low_s(base.begin(), base.end()), high_s(base.begin(), base.end());
    for (size_t t = 0; t < affected.size(); ++t) {
      const size_t i = affected[t];
      const Evaluation& lo = evals[2 * t];
      const Evaluation& hi = evals[2 * t + 1];
      // A lower efficiency that no longer meets the SLOs keeps the base cost as its bound, flagged by the swap check.
      const double a = lo.ok ? lo.option.cost.total.si() : base[i];
      const double b = hi.ok ? hi.option.cost.total.si() : base[i];
      f.cost[i] = std::make_pair(std::min({a, b, base[i]}), std::max({a, b, base[i]}));
      low_s[i] = a;
      high_s[i] = b;
    }
    add_swaps(res, base, low_s, f);
    add_swaps(res, base, high_s, f);
    res.sensitivity.push_back(std::move(f));
  }
}

void term_factor(const DataSet& data, CompareResult& res, const std::vector<Candidate>& chosen,
                 const std::vector<double>& base) {
  const auto& r = res.query;
  SensitivityFactor f;
  f.key = "term";
  f.description = fmt::format("every purchase term with a price for the same system ({}); 1y/3y at {:.0f}% utilization",
                              fmt::join(term_names(), ", "), 100 * r.basis.utilization);
  f.cost.assign(chosen.size(), std::nullopt);
  for (Term t : kAllTerms) {
    if (t == r.basis.term) continue;
    PriceBasis b = r.basis;
    b.term = t;
    std::vector<std::optional<double>> scenario(chosen.size());
    for (size_t i = 0; i < chosen.size(); ++i) {
      const auto offers = system_offers(data, chosen[i].accelerator->key, t, r.region, r.provider, r.provider_class);
      auto it = std::find_if(offers.begin(), offers.end(),
                             [&](const SystemOffer& so) { return so.system == chosen[i].system; });
      if (it == offers.end()) continue;
      scenario[i] = price(chosen[i], work_of(res, res.options[i], chosen[i]), b, it->offer).total.si();
      auto& range = f.cost[i];
      range = range ? std::make_pair(std::min(range->first, *scenario[i]), std::max(range->second, *scenario[i]))
                    : std::make_pair(std::min(base[i], *scenario[i]), std::max(base[i], *scenario[i]));
    }
    add_swaps(res, base, scenario, f);
  }
  res.sensitivity.push_back(std::move(f));
}

// One basis change applied to every option: a scenario at each end.
void basis_factor(CompareResult& res, const std::vector<Candidate>& chosen, const std::vector<double>& base,
                  SensitivityFactor f, const PriceBasis& low, const PriceBasis& high) {
  std::vector<std::optional<double>> a(chosen.size()), b(chosen.size());
  f.cost.assign(chosen.size(), std::nullopt);
  for (size_t i = 0; i < chosen.size(); ++i) {
    const WorkPoint w = work_of(res, res.options[i], chosen[i]);
    a[i] = price(chosen[i], w, low).total.si();
    b[i] = price(chosen[i], w, high).total.si();
    f.cost[i] = std::make_pair(std::min({*a[i], *b[i], base[i]}), std::max({*a[i], *b[i], base[i]}));
  }
  add_swaps(res, base, a, f);
  add_swaps(res, base, b, f);
  res.sensitivity.push_back(std::move(f));
}

}  // namespace

void add_sensitivity(const DataSet& data, CompareResult& res, const std::vector<Candidate>& chosen) {
  const auto& r = res.query;
  std::vector<double> base;
  for (const auto& o : res.options) base.push_back(o.cost.total.si());

  SensitivityFactor interval;
  interval.key = "interval";
  interval.description =
      "the engines' 80% interval: each stack's leave-one-out errors on published runs, widened 1.5x per "
      "extrapolation (accelerator, precision or scale no run covers); overlapping pairs could trade places";
  for (const auto& o : res.options) interval.cost.emplace_back(std::make_pair(o.cost_low.si(), o.cost_high.si()));
  add_overlaps(res, interval);
  res.sensitivity.push_back(std::move(interval));

  efficiency_factors(res, chosen, base);
  if (!r.basis.owned) term_factor(data, res, chosen, base);
  if (!r.basis.owned && commitment_length(r.basis.term).si() > 0) {
    PriceBasis lo = r.basis, hi = r.basis;
    lo.utilization = 1.0;
    hi.utilization = std::min(0.5, r.basis.utilization);
    SensitivityFactor f;
    f.key = "utilization";
    f.description = fmt::format("share of the committed hours doing paid work, {:.0f}% to 100%", 100 * hi.utilization);
    basis_factor(res, chosen, base, std::move(f), lo, hi);
  }
  if (r.basis.owned) {
    PriceBasis lo = r.basis, hi = r.basis;
    lo.ownership.electricity = dollars_per_kwh(0.04);
    hi.ownership.electricity = dollars_per_kwh(0.20);
    SensitivityFactor f;
    f.key = "electricity";
    f.description = "electricity 0.04 to 0.20 $/kWh";
    basis_factor(res, chosen, base, std::move(f), lo, hi);
  }
}

}  // namespace xpu::compare_detail
