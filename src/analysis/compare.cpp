// compare: candidates per accelerator (a system with the offer that rents it),
// the engines on each, cost on their work, the cheapest candidate per
// accelerator, ranks and the baseline.
#include "analysis/compare.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "analysis/compare_engine.h"
#include "base/check.h"
#include "base/parallel.h"
#include "perf/layout_rules.h"
#include "perf/sizing.h"

namespace xpu {

using compare_detail::Candidate;
using compare_detail::Evaluation;

namespace {

// A valid rate that needs more chips than xpuplan sizes (perf/layout_rules.h)
// is not bad input: say what can be sized, as `infer --rate` does
// (api/infer.cpp, report/engine_report.cpp). It said "(numbers out of range)"
// (found by usertrial2, fixed by usertrial3).
std::string over_chip_limit_reason(double rate, const ServingSearch& s) {
  // As the report's numbers read: whole above 10^4 ("1000000000", not "1e+09").
  auto num = [](double v) {
    return std::abs(v) >= 1e4 && std::abs(v) < 1e15 ? fmt::format("{:.0f}", v) : fmt::format("{:.4g}", v);
  };
  std::string most;
  if (s.densest) {
    const int per_replica = std::max(1, s.densest->layout.chips());
    const int replicas = replicas_sized(per_replica);
    most = fmt::format("; the most is {} requests/s, with {} replicas of {} chip{}",
                       num(s.densest->requests_per_s * replicas), replicas, per_replica, per_replica == 1 ? "" : "s");
  }
  return fmt::format("no option serves {} requests/s within the {} chips xpuplan sizes{}", num(rate), kMaxChipsSized,
                     most);
}

std::string describe_serving(const ServingLayout& l, int replicas) {
  return to_string(l) + fmt::format(" x {} replica{}", replicas, replicas == 1 ? "" : "s");
}

struct TrainAt {
  bool ok = false;
  std::string why;
  int chips = 0;
  std::string fewer_because;  // when fewer chips than asked
  Layout layout;
  TrainingEstimate estimate;
  Precision precision = Precision::bf16;
};

TrainingSetup setup_of(const CompareQuery& r, const Candidate& c, const StackEfficiency& stack) {
  return {&r.model, c.accelerator, c.system, &stack, r.training};
}

TrainAt from_answer(const LayoutAnswer& a) {
  TrainAt t;
  t.precision = a.ctx.precision;
  t.chips = a.chips;
  t.fewer_because = a.fewer_because;
  if (a.found()) {
    t.ok = true;
    t.layout = a.search.best.front().layout;
    t.estimate = a.search.best.front().estimate;
  } else {
    t.why = a.why_none();
  }
  return t;
}

SearchOptions search_options() {
  SearchOptions so;
  so.top = 1;
  so.threads = ThreadBudget(1);  // compare spreads candidates over the budget instead
  return so;
}

// The best layout at exactly `chips` (the deadline search steps through counts itself).
TrainAt train_at(const CompareQuery& r, const Candidate& c, const StackEfficiency& stack, int chips) {
  return from_answer(best_layout_at(setup_of(r, c, stack), chips, search_options()));
}

// The best layout on up to `chips`, in whole instances of the candidate's offer.
TrainAt train_up_to(const CompareQuery& r, const Candidate& c, const StackEfficiency& stack, int chips) {
  const int unit = c.offer ? c.offer->chips : chip_unit(c.system);
  return from_answer(best_layout_up_to(setup_of(r, c, stack), chips, unit, search_options()));
}

Seconds run_time(const CompareQuery& r, const TrainAt& t, int chips) {
  return Seconds(r.training.tokens / (t.estimate.tokens_per_s_per_chip * chips));
}

// Chip counts tried for a deadline: whole instances of `unit` chips, in steps
// of at most 25% (m = 1, 2, 3, then 4..7 x 2^k instances).
std::vector<int> candidate_counts(int unit, int max_chips) {
  std::vector<int> out{unit, 2 * unit, 3 * unit};
  for (long long p = 1; 4 * p * unit <= max_chips; p *= 2) {
    for (int k = 4; k <= 7; ++k) {
      const long long n = k * p * unit;
      if (n <= max_chips) out.push_back(static_cast<int>(n));
    }
  }
  std::erase_if(out, [&](int n) { return n > max_chips; });
  return out;
}

// The largest single job compare tries for a deadline.
constexpr int kMaxChips = 131072;

// Fewest candidate chips that finish by the deadline. Gallop up the candidate
// list (indices 0, 1, 3, 7, ...) until one does; then, since throughput per
// chip does not grow with scale, the answer is at least what the last
// (too slow) layout's rate per chip would need: scan up from there to the
// hit. Counts without a valid layout (the global batch does not split) are
// skipped, so no bisection that would need monotonicity. Returns 0 chips
// and the reason when no count up to kMaxChips does.
std::pair<int, TrainAt> fewest_chips(const CompareQuery& r, const Candidate& c, const StackEfficiency& stack,
                                     int unit) {
  const std::vector<int> counts = candidate_counts(unit, kMaxChips);
  const double tokens = r.training.tokens, deadline = r.deadline->si();
  TrainAt probe, hit, first_miss;
  std::optional<std::pair<Seconds, int>> fastest;  // of the layouts found, the quickest run
  double slow_rate = 0;                            // tokens/s per chip of the last layout that was too slow
  auto meets = [&](size_t i) {
    probe = train_at(r, c, stack, counts[i]);
    if (!probe.ok) return false;
    const Seconds t = run_time(r, probe, counts[i]);
    if (!fastest || t < fastest->first) fastest = {t, counts[i]};
    if (t.si() <= deadline) return true;
    slow_rate = probe.estimate.tokens_per_s_per_chip;
    return false;
  };
  size_t lo = 0;
  std::optional<size_t> hi;
  for (size_t i = 0, step = 1;; step *= 2) {
    if (meets(i)) {
      hit = probe;
      hi = i;
      break;
    }
    if (i == 0) first_miss = probe;
    // Only a layout that runs but is too slow rules out the smaller counts; a
    // count with no valid layout says nothing about its neighbours.
    if (probe.ok) lo = i + 1;
    if (i + 1 >= counts.size()) break;
    i = std::min(counts.size() - 1, i + step);
  }
  if (!hi) {
    TrainAt none = first_miss;
    none.ok = false;
    none.why = fmt::format("no layout on any chip count up to {} (on {} chips: {})", counts.back(), counts.front(),
                           first_miss.why);
    if (fastest) {
      none.why = fmt::format("cannot finish by the deadline on up to {} chips (fastest found: {:.1f} days on {} chips)",
                             counts.back(), fastest->first.si() / 86400, fastest->second);
    }
    return {0, none};
  }
  if (slow_rate > 0) {
    const double needed = tokens / (deadline * slow_rate);
    while (lo < *hi && counts[lo] < needed) ++lo;
  }
  for (size_t i = lo; i < *hi; ++i) {
    if (meets(i)) return {counts[i], probe};
  }
  return {counts[*hi], hit};
}

}  // namespace

bool in_region(const Offer& o, const std::string& region) {
  return region.empty() || o.region.empty() || o.region == region;
}

namespace compare_detail {

CostBreakdown price(const Candidate& c, const WorkPoint& work, const PriceBasis& basis, const Offer* offer) {
  if (basis.owned) return price_owned(work, c.purchase->per_chip, basis.ownership);
  return price_rented(work, offer ? *offer : *c.offer, basis.utilization);
}

Evaluation evaluate(const CompareQuery& r, const Candidate& c, const StackEfficiency& stack, int chips) {
  Evaluation e;
  CompareOption& o = e.option;
  const Accelerator& a = *c.accelerator;
  o.accelerator = a.key;
  o.name = a.name;
  o.vendor = std::string(to_string(a.vendor));
  o.system = c.system ? c.system->key : "";
  o.stack = stack.key;
  e.work.tdp = a.power.tdp;
  e.work.power = power_model_for(a, 1.0, r.pue);
  if (r.mode == Mode::train) {
    TrainAt t;
    if (chips == 0) {
      const int unit = c.offer ? c.offer->chips : chip_unit(c.system);
      std::tie(chips, t) = fewest_chips(r, c, stack, unit);
    } else {
      t = train_up_to(r, c, stack, chips);
      chips = t.chips;
      o.note = t.fewer_because;
    }
    if (!t.ok) {
      e.why = t.why;
      return e;
    }
    o.chips = chips;
    o.precision = t.precision;
    o.layout = describe(t.layout);
    o.tokens_per_s_per_chip = t.estimate.tokens_per_s_per_chip;
    o.mfu = t.estimate.mfu;
    o.time = run_time(r, t, chips);
    o.interval = throughput_interval(stack, a.key, t.precision, chips);
    e.work.chips = chips;
    e.work.duration = o.time;
    e.work.tokens = r.training.tokens;
    o.cost = price(c, e.work, r.basis);
    o.time_low = o.time / o.interval.high;
    o.time_high = o.time / o.interval.low;
    WorkPoint w = e.work;
    w.duration = o.time_low;
    o.cost_low = price(c, w, r.basis).total;
    w.duration = o.time_high;
    o.cost_high = price(c, w, r.basis).total;
  } else {
    const ServiceSize size = size_service({&r.model, c.accelerator, c.system, &stack, r.serving}, r.rate, r.slo,
                                          r.max_num_tokens.value_or(0));
    const InferenceContext& ctx = size.ctx;
    const ServingSearch& s = size.search;
    if (!s.best) {
      e.why = s.over_chip_limit ? over_chip_limit_reason(r.rate, s)
              : s.closest       ? fmt::format("no layout meets the SLOs (the closest binds on {})",
                                        s.closest->binding.empty() ? "the targets" : s.closest->binding)
                                : "the model does not fit with any layout tried";
      return e;
    }
    const ServingEstimate& b = *s.best;
    o.precision = ctx.compute;
    o.replicas = s.replicas;
    o.chips_per_replica = b.layout.chips();
    o.chips = s.replicas * b.layout.chips();
    o.layout = describe_serving(b.layout, s.replicas);
    o.ttft_p99 = b.ttft_p99;
    o.tpot_p99 = b.tpot_p99;
    o.interval = throughput_interval(stack, a.key, ctx.compute, o.chips_per_replica);
    const double tokens_per_s = r.rate * r.serving.output_len;
    o.tokens_per_s_per_chip = tokens_per_s / o.chips;
    e.work.chips = o.chips;
    e.work.duration = hours(1);
    e.work.tokens = tokens_per_s * 3600;
    o.cost = price(c, e.work, r.basis);
    // At the interval's ends each replica serves `factor` times the load it
    // is sized for now (a lower bound on what it sustains): scale the fleet.
    auto cost_at = [&](double factor) {
      WorkPoint w = e.work;
      const int replicas = std::max(1, static_cast<int>(std::ceil(s.replicas / factor - 1e-9)));
      w.chips = replicas * o.chips_per_replica;
      return price(c, w, r.basis).total;
    };
    o.cost_low = std::min(cost_at(o.interval.high), o.cost.total);
    o.cost_high = std::max(cost_at(o.interval.low), o.cost.total);
  }
  PriceSource& p = o.price;
  if (c.offer) {
    p.what = c.offer->key();
    p.provider = c.offer->provider;
    p.provider_class = c.offer->provider_class;
    p.region = c.offer->region;
    p.instance = c.offer->instance;
    p.instance_chips = c.offer->chips;
    p.per_chip = c.offer->price_per_chip();
    p.provenance = c.offer->provenance;
  } else if (c.purchase) {
    p.what = fmt::format("purchase: {} ({})", c.purchase->accelerator,
                         c.purchase->includes_system ? "system share" : "chip only, no server or network");
    p.purchase = c.purchase->per_chip;
    p.owned = true;
    p.includes_system = c.purchase->includes_system;
    p.provenance = c.purchase->provenance;
  }
  e.ok = true;
  return e;
}

}  // namespace compare_detail

std::vector<SystemOffer> system_offers(const DataSet& data, const std::string& accelerator, Term term,
                                       const std::string& region, const std::string& provider,
                                       std::optional<ProviderClass> provider_class) {
  std::vector<SystemOffer> out;
  for (const auto& o : data.prices.offers) {
    if (o.accelerator != accelerator || o.term != term || o.chips <= 0 || !in_region(o, region)) continue;
    if (!provider.empty() && o.provider != provider) continue;
    if (provider_class && o.provider_class != *provider_class) continue;
    const System* sys = system_for_offer(data.catalog, o);
    if (!sys) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const SystemOffer& x) { return x.system == sys; });
    if (it == out.end()) {
      out.push_back({sys, &o});
    } else if (o.price_per_chip() < it->offer->price_per_chip()) {
      it->offer = &o;
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const SystemOffer& a, const SystemOffer& b) {
    return a.offer->price_per_chip() < b.offer->price_per_chip();
  });
  return out;
}

namespace {

std::string unpriced_reason(const DataSet& data, const std::string& acc, const CompareQuery& r) {
  if (r.basis.owned) return "no purchase price in the price book ('xpuplan prices purchase')";
  const std::string term(to_string(r.basis.term));
  std::string where = r.region.empty() ? "" : fmt::format(" in {}", r.region);
  if (!r.provider.empty()) where += fmt::format(" from {}", r.provider);
  if (r.provider_class) where += fmt::format(" from a {} provider", to_string(*r.provider_class));
  std::vector<std::string> terms;
  std::string partial;
  for (Term t : kAllTerms) {
    OfferFilter f{acc, r.provider, "", t, r.provider_class};
    for (const Offer* o : data.prices.find(f)) {
      if (!in_region(*o, r.region)) continue;
      if (t == r.basis.term && partial.empty())
        partial = fmt::format("{} ({} chip{})", o->instance, o->chips, o->chips == 1 ? "" : "s");
      if (std::find(terms.begin(), terms.end(), to_string(t)) == terms.end()) terms.emplace_back(to_string(t));
    }
  }
  if (!partial.empty()) {
    return fmt::format("its {} offers{} rent part of a system only, e.g. {}, which the catalog has no system for", term,
                       where, partial);
  }
  if (terms.empty()) return fmt::format("no price{} in the price book (data/prices/README.md says why)", where);
  return fmt::format("no {} price{} (priced: {})", term, where, fmt::join(terms, ", "));
}

// Does `accelerator` have a whole-system offer from a `cls` provider under the query's term and filters?
bool has_offer_in(const DataSet& data, const CompareQuery& r, const std::string& accelerator, ProviderClass cls) {
  return !system_offers(data, accelerator, r.basis.term, r.region, r.provider, cls).empty();
}

std::optional<ClassCaveat> class_caveat(const DataSet& data, const CompareResult& res) {
  const CompareQuery& r = res.query;
  if (r.basis.owned || res.options.empty()) return std::nullopt;
  const CompareOption& top = res.options.front();
  ClassCaveat c{top.accelerator, top.price.provider_class, {}, std::nullopt, {}};
  for (const auto& o : res.options) {
    if (o.vendor != top.vendor && !has_offer_in(data, r, o.accelerator, c.provider_class)) {
      c.without.push_back(o.accelerator);
    }
  }
  if (c.without.empty()) return std::nullopt;
  // The class that covers the most compared accelerators (ties: the order of the enum).
  for (ProviderClass k : {ProviderClass::hyperscaler, ProviderClass::neocloud, ProviderClass::other}) {
    if (k == c.provider_class) continue;
    std::vector<std::string> covers;
    for (const auto& o : res.options) {
      if (has_offer_in(data, r, o.accelerator, k)) covers.push_back(o.accelerator);
    }
    if (covers.size() > c.suggested_covers.size()) {
      c.suggested = k;
      c.suggested_covers = std::move(covers);
    }
  }
  return c;
}

std::optional<PurchaseBasisCaveat> basis_caveat(const CompareResult& res) {
  if (!res.query.basis.owned) return std::nullopt;
  PurchaseBasisCaveat c;
  for (const auto& o : res.options) (o.price.includes_system ? c.system_share : c.chip_only).push_back(o.accelerator);
  if (c.chip_only.empty() || c.system_share.empty()) return std::nullopt;
  return c;
}

}  // namespace

CompareResult run_compare(const DataSet& data, const CompareQuery& query) {
  const CompareQuery& r = query;
  XPU_CHECK(r.mode == Mode::infer ? r.rate > 0 : r.training.tokens > 0 && (r.chips || r.deadline));
  CompareResult result;
  result.query = r;
  result.cost_unit = r.mode == Mode::train ? "USD per run" : "USD per hour";
  const Mode mode = r.mode == Mode::train ? Mode::train : Mode::infer;

  std::vector<std::string> keys = r.accelerators.empty() ? data.catalog.accelerator_keys() : r.accelerators;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::vector<Candidate> candidates;
  std::vector<size_t> owner;  // index into keys
  for (size_t k = 0; k < keys.size(); ++k) {
    const Accelerator* a = data.catalog.find_accelerator(keys[k]);
    XPU_CHECK(a != nullptr);
    const StackEfficiency* stack = default_stack(data.catalog.stacks, a->runtime, mode);
    if (!stack) {
      result.not_compared.push_back({a->key, std::string(to_string(a->vendor)),
                                     fmt::format("no {} stack for runtime '{}'",
                                                 mode == Mode::train ? "training" : "serving", to_string(a->runtime))});
      continue;
    }
    if (r.basis.owned) {
      if (const PurchasePrice* p = data.prices.purchase_price(a->key)) {
        candidates.push_back({a, stack, default_system(data.catalog, a->key), nullptr, p});
        owner.push_back(k);
      }
    } else {
      for (const SystemOffer& so : system_offers(data, a->key, r.basis.term, r.region, r.provider, r.provider_class)) {
        candidates.push_back({a, stack, so.system, so.offer, nullptr});
        owner.push_back(k);
      }
    }
    if (owner.empty() || owner.back() != k) {
      result.not_compared.push_back({a->key, std::string(to_string(a->vendor)), unpriced_reason(data, a->key, r)});
    }
  }

  std::vector<Evaluation> evals(candidates.size());
  std::mutex progress_mu;
  uint32_t evaluated = 0;
  parallel_for(
      candidates.size(),
      [&](size_t i) {
        evals[i] = compare_detail::evaluate(r, candidates[i], *candidates[i].stack, r.chips.value_or(0));
        if (r.progress) {
          const std::scoped_lock lock(progress_mu);
          r.progress(++evaluated, static_cast<uint32_t>(candidates.size()));
        }
      },
      r.threads);

  // The cheapest candidate per accelerator (candidates come cheapest offer first, so ties keep that one).
  std::vector<Candidate> chosen;
  for (size_t k = 0; k < keys.size(); ++k) {
    std::optional<size_t> best, first;
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (owner[i] != k) continue;
      if (!first) first = i;
      if (evals[i].ok && (!best || evals[i].option.cost.total < evals[*best].option.cost.total)) best = i;
    }
    if (best) {
      result.options.push_back(evals[*best].option);
      chosen.push_back(candidates[*best]);
    } else if (first) {
      const Accelerator* a = candidates[*first].accelerator;
      result.not_compared.push_back({a->key, std::string(to_string(a->vendor)), evals[*first].why});
    }
  }

  // Cheapest first; equal costs stay in key order.
  std::vector<double> costs;
  for (const auto& o : result.options) costs.push_back(o.cost.total.si());
  const auto order = cost_order(costs);
  std::vector<CompareOption> sorted;
  std::vector<Candidate> sorted_chosen;
  for (size_t i : order) {
    sorted.push_back(std::move(result.options[i]));
    sorted_chosen.push_back(chosen[i]);
  }
  result.options = std::move(sorted);
  for (size_t i = 0; i < result.options.size(); ++i) result.options[i].rank = static_cast<int>(i) + 1;
  std::sort(result.not_compared.begin(), result.not_compared.end(),
            [](const NotCompared& a, const NotCompared& b) { return a.accelerator < b.accelerator; });

  for (size_t i = 0; i < result.options.size(); ++i) {
    if (result.options[i].accelerator == r.baseline) result.baseline = i;
  }
  std::optional<double> base_cost;
  if (result.baseline) {
    base_cost = result.options[*result.baseline].cost.total.si();
  } else {
    auto it = std::find_if(result.not_compared.begin(), result.not_compared.end(),
                           [&](const NotCompared& n) { return n.accelerator == r.baseline; });
    result.baseline_note = it != result.not_compared.end()
                               ? fmt::format("baseline {} is not compared: {}", r.baseline, it->reason)
                               : fmt::format("baseline {} is not among the accelerators compared", r.baseline);
  }
  for (auto& o : result.options) o.relative = relative_to(base_cost, o.cost.total.si());
  result.class_caveat = class_caveat(data, result);
  result.basis_caveat = basis_caveat(result);
  if (r.sensitivity) compare_detail::add_sensitivity(data, result, sorted_chosen);
  return result;
}

}  // namespace xpu
