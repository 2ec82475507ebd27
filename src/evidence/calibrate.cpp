#include "evidence/calibrate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "base/parallel.h"
#include "evidence/validate_inference.h"

namespace xpu {
namespace {

struct Param {
  std::string name;
  double lo, hi;
};

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

// How one kind of prepared case is re-evaluated under trial stack parameters.
// Training cases keep their searched layout; serving cases their replica layout.
double predict(PreparedCase& p, const StackEfficiency& s) {
  p.ctx.stack = &s;
  return metric_value(p, estimate_training(p.ctx, p.layout));
}
double predict(PreparedInferenceCase& p, const StackEfficiency& s) {
  p.ctx.stack = &s;
  return inference_metric_value(p);
}
std::optional<PreparedCase> prepare(const ValidationCase& c, const ValidationInputs& in, const StackEfficiency& s,
                                    PreparedCase*) {
  auto p = prepare_case(c, in, s);
  return p ? std::optional<PreparedCase>(std::move(p).value()) : std::nullopt;
}
std::optional<PreparedInferenceCase> prepare(const ValidationCase& c, const ValidationInputs& in,
                                             const StackEfficiency& s, PreparedInferenceCase*) {
  auto p = prepare_inference_case(c, in, s);
  return p ? std::optional<PreparedInferenceCase>(std::move(p).value()) : std::nullopt;
}
Precision precision_of(const PreparedCase& p) { return p.ctx.job.precision; }
Precision precision_of(const PreparedInferenceCase& p) { return p.ctx.job.weights; }

// Mean absolute log error of the cases in `use` at the stack parameters in `s`.
template <class P>
double objective(std::vector<P>& cases, const std::vector<size_t>& use, const StackEfficiency& s) {
  double sum = 0;
  for (size_t i : use) {
    const double pred = predict(cases[i], s);
    sum += pred > 0 ? std::fabs(std::log(pred / cases[i].source->value)) : 10.0;
  }
  return use.empty() ? 0 : sum / static_cast<double>(use.size());
}

// Coordinate descent with a golden-section search on each parameter's range.
template <class P>
void fit(std::vector<P>& cases, const std::vector<size_t>& use, StackEfficiency& s, const std::vector<Param>& params,
         int sweeps) {
  const double phi = (std::sqrt(5.0) - 1.0) / 2.0;
  for (int sweep = 0; sweep < sweeps; ++sweep) {
    for (const Param& prm : params) {
      double a = prm.lo, b = prm.hi;
      double c = b - phi * (b - a), d = a + phi * (b - a);
      auto f = [&](double v) {
        set_stack_parameter(s, prm.name, v);
        return objective(cases, use, s);
      };
      double fc = f(c), fd = f(d);
      for (int it = 0; it < 40 && b - a > 1e-4 * (prm.hi - prm.lo); ++it) {
        if (fc < fd) {
          b = d;
          d = c;
          fd = fc;
          c = b - phi * (b - a);
          fc = f(c);
        } else {
          a = c;
          c = d;
          fc = fd;
          d = a + phi * (b - a);
          fd = f(d);
        }
      }
      set_stack_parameter(s, prm.name, (a + b) / 2.0);
    }
  }
}

// Coordinate descent finds a local minimum of a non-convex objective, and
// which one depends on where it starts (trtllm-cuda without NV-026: gemm
// 0.810 from the full fit, 0.767 from the priors; docs/validation.md,
// accsrv8). So each fit descends from the current parameters and from fixed
// starts that depend on no case (`fixed_starts`), and keeps the parameters
// with the lowest objective on its own cases; ties keep the earlier start.
template <class P>
StackEfficiency fit_from_starts(std::vector<P>& cases, const std::vector<size_t>& use, const StackEfficiency& current,
                                const std::vector<StackEfficiency>& fixed, const std::vector<Param>& params,
                                int sweeps) {
  StackEfficiency best = current;
  fit(cases, use, best, params, sweeps);
  double best_obj = objective(cases, use, best);
  for (const StackEfficiency& start : fixed) {
    StackEfficiency t = start;
    fit(cases, use, t, params, sweeps);
    const double obj = objective(cases, use, t);
    if (obj < best_obj) {
      best = t;
      best_obj = obj;
    }
  }
  return best;
}

// The starts that depend on no case: the priors with every fitted parameter
// a third and two thirds of the way along its range.
std::vector<StackEfficiency> fixed_starts(const StackEfficiency& base, const std::vector<Param>& params) {
  std::vector<StackEfficiency> out;
  for (double at : {1.0 / 3.0, 2.0 / 3.0}) {
    StackEfficiency t = base;
    for (const Param& p : params) set_stack_parameter(t, p.name, p.lo + at * (p.hi - p.lo));
    out.push_back(t);
  }
  return out;
}

// Fits one stack to the cases it predicts. `candidates(prepared)` lists the
// parameters in order of how well cases identify them; at most one per three
// cases is fitted, none under three. Layouts are re-searched between rounds.
template <class P, class Candidates>
std::optional<StackCalibration> calibrate_stack(const StackEfficiency& base,
                                                const std::vector<const ValidationCase*>& mine,
                                                const ValidationInputs& in, int rounds, Candidates candidates) {
  StackEfficiency s = base;
  std::vector<P> prepared;
  auto prepare_all = [&] {
    prepared.clear();
    std::vector<std::optional<P>> tmp(mine.size());
    parallel_for(
        mine.size(), [&](size_t i) { tmp[i] = prepare(*mine[i], in, s, static_cast<P*>(nullptr)); }, in.threads);
    for (auto& p : tmp) {
      if (p) prepared.push_back(std::move(*p));
    }
  };
  prepare_all();
  if (prepared.empty()) return std::nullopt;
  const std::vector<P> at_priors = prepared;  // layouts searched under the priors: no case's value in them
  std::vector<Param> params = candidates(prepared);
  std::vector<std::string> held;
  for (size_t i = prepared.size() / 3; i < params.size(); ++i) held.push_back(params[i].name);
  params.resize(std::min(params.size(), prepared.size() / 3));

  std::vector<size_t> all(prepared.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  const std::vector<StackEfficiency> starts = fixed_starts(base, params);
  for (int round = 0; round < rounds; ++round) {
    s = fit_from_starts(prepared, all, s, starts, params, 2);
    if (round + 1 < rounds) prepare_all();  // layouts may change with the new parameters
  }

  StackCalibration cal;
  cal.stack = s.key;
  cal.held_at_priors = std::move(held);
  for (const Param& p : params) {
    const double v = get_stack_parameter(s, p.name);
    cal.fitted.emplace_back(p.name, v);
    // A value within 1% of the range of a bound is on it: the fit wanted more room.
    const double eps = 0.01 * (p.hi - p.lo);
    if (v - p.lo < eps || p.hi - v < eps) cal.on_bound.push_back(fmt::format("{} [{:g}, {:g}]", p.name, p.lo, p.hi));
  }
  std::set<std::string> accels, precs;
  for (auto& p : prepared) {
    const ValidationCase& c = *p.source;
    cal.case_ids.push_back(c.id);
    accels.insert(c.accelerator);
    precs.insert(std::string(to_string(precision_of(p))));
    cal.max_chips = std::max(cal.max_chips, c.chips);
    CaseResult r = case_result_head(c, in);
    r.stack = s.key;
    r.predicted = predict(p, s);
    r.error_pct = (r.predicted - r.measured) / r.measured * 100.0;
    r.ok = true;
    r.reason = p.notes;
    cal.results.push_back(r);
  }
  cal.accelerators.assign(accels.begin(), accels.end());
  cal.precisions.assign(precs.begin(), precs.end());
  cal.in_sample = error_stats(cal.results, [](const CaseResult&) { return true; });

  // Leave one out: refit without case i as the full fit did (from the
  // priors and the fixed starts, the other cases' layouts searched under the
  // priors and re-searched between rounds), then search case i's layout
  // afresh under the refit parameters and predict it. Nothing in a fold has
  // seen case i's measured value: not its start (a descent from the full fit
  // can stay in the basin case i chose) and not the other cases' layouts.
  std::vector<double> loo(prepared.size());
  parallel_for(
      prepared.size(),
      [&](size_t i) {
        std::vector<P> local = at_priors;
        std::vector<size_t> rest;
        for (size_t j = 0; j < local.size(); ++j) {
          if (j != i) rest.push_back(j);
        }
        StackEfficiency t = rest.empty() ? s : base;
        for (int round = 0; round < rounds && !rest.empty(); ++round) {
          t = fit_from_starts(local, rest, t, starts, params, 2);
          if (round + 1 == rounds) break;
          for (size_t j : rest) {  // layouts may change with the new parameters
            if (auto fresh = prepare(*local[j].source, in, t, static_cast<P*>(nullptr))) local[j] = std::move(*fresh);
          }
        }
        std::optional<P> fresh = prepare(*local[i].source, in, t, static_cast<P*>(nullptr));
        P& held_out = fresh ? *fresh : local[i];
        loo[i] = (predict(held_out, t) - held_out.source->value) / held_out.source->value * 100.0;
      },
      in.threads);
  cal.loo_pct = loo;
  std::vector<CaseResult> loo_results(loo.size());
  for (size_t i = 0; i < loo.size(); ++i) {
    loo_results[i].ok = true;
    loo_results[i].error_pct = loo[i];
  }
  cal.leave_one_out = error_stats(loo_results, [](const CaseResult&) { return true; });
  cal.loo_p10_pct = percentile(loo, 0.1);
  cal.loo_p90_pct = percentile(loo, 0.9);
  return cal;
}

// The cases a stack predicts (case_stack: their framework's, else the runtime's default).
std::vector<const ValidationCase*> cases_of(const StackEfficiency& stack, const std::vector<ValidationCase>& cases,
                                            const ValidationInputs& in) {
  std::vector<const ValidationCase*> mine;
  for (const auto& c : cases) {
    const ModelArch* m = in.find_model(c.model);
    if (!m || m->estimate) continue;
    const auto s = case_stack(c, *in.catalog);
    if (s && *s == &stack) mine.push_back(&c);
  }
  return mine;
}

}  // namespace

std::vector<StackCalibration> calibrate_training(const std::vector<ValidationCase>& cases, const ValidationInputs& in) {
  std::vector<StackCalibration> out;
  for (const StackEfficiency& base : in.catalog->stacks) {
    if (base.mode != Mode::train) continue;
    // On top of the accelerators' measured kernels, what the software adds:
    // its GEMMs' rate against the library microbenchmark (1 = as measured;
    // bounds: half to 1.2x), its host time per step (up to half a second),
    // then a factor for each low precision the cases run at (scaling
    // bookkeeping the kernel figures do not show; half to 1.5x).
    auto candidates = [](const std::vector<PreparedCase>& prepared) {
      std::vector<Param> params{{"gemm", 0.5, 1.2}, {"step_overhead", 0.0, 0.5}};
      std::set<Precision> lows;
      for (const auto& p : prepared) {
        const Precision q = p.ctx.precision;
        if (q == Precision::fp8 || q == Precision::fp4 || q == Precision::int8) lows.insert(q);
      }
      for (Precision q : lows) params.push_back({"precision_factor." + std::string(to_string(q)), 0.5, 1.5});
      return params;
    };
    if (auto cal = calibrate_stack<PreparedCase>(base, cases_of(base, cases, in), in, 3, candidates)) {
      out.push_back(std::move(*cal));
    }
  }
  return out;
}

std::vector<StackCalibration> calibrate_stacks(const std::vector<ValidationCase>& cases, const ValidationInputs& in) {
  std::vector<StackCalibration> out = calibrate_training(cases, in);
  for (const StackEfficiency& base : in.catalog->stacks) {
    if (base.mode != Mode::infer) continue;
    // Decode is bandwidth and per-step host time; prefill and big batches are matmuls.
    auto candidates = [](const std::vector<PreparedInferenceCase>& prepared) {
      std::vector<Param> params;
      for (const auto& p : serving_fit_parameters(prepared)) params.push_back({p.name, p.lo, p.hi});
      return params;
    };
    if (auto cal = calibrate_stack<PreparedInferenceCase>(base, cases_of(base, cases, in), in, 2, candidates)) {
      out.push_back(std::move(*cal));
    }
  }
  return out;
}

}  // namespace xpu
