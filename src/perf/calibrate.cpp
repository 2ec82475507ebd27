#include "perf/calibrate.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "base/parallel.h"

namespace xpu {
namespace {

struct Param {
  std::string name;
  double lo, hi;
};

double* field(StackEfficiency& s, const std::string& name) {
  if (name == "gemm") return &s.gemm;
  if (name == "attention") return &s.attention;
  if (name == "memory") return &s.memory;
  if (name.starts_with("precision_factor.")) {
    if (auto p = parse_precision(name.substr(17))) return &s.precision_factor[static_cast<int>(*p)];
  }
  return nullptr;
}

// Mean absolute log error of the cases in `use` at the stack parameters in `s`.
double objective(std::vector<PreparedCase>& cases, const std::vector<size_t>& use, const StackEfficiency& s) {
  double sum = 0;
  for (size_t i : use) {
    PreparedCase& p = cases[i];
    p.ctx.stack = &s;
    const double pred = metric_value(p, estimate_training(p.ctx, p.layout));
    sum += std::fabs(std::log(pred / p.source->value));
  }
  return use.empty() ? 0 : sum / static_cast<double>(use.size());
}

// Coordinate descent with golden-section search on each parameter.
void fit(std::vector<PreparedCase>& cases, const std::vector<size_t>& use, StackEfficiency& s,
         const std::vector<Param>& params, int sweeps) {
  const double phi = (std::sqrt(5.0) - 1.0) / 2.0;
  for (int sweep = 0; sweep < sweeps; ++sweep) {
    for (const Param& prm : params) {
      double* x = field(s, prm.name);
      double a = prm.lo, b = prm.hi;
      double c = b - phi * (b - a), d = a + phi * (b - a);
      auto f = [&](double v) {
        *x = v;
        return objective(cases, use, s);
      };
      double fc = f(c), fd = f(d);
      for (int it = 0; it < 40 && b - a > 1e-4; ++it) {
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
      *x = (a + b) / 2.0;
    }
  }
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

CaseResult result_for(const PreparedCase& p, const StackEfficiency& s, const std::string& vendor) {
  CaseResult r;
  const ValidationCase& c = *p.source;
  r.id = c.id;
  r.mode = c.mode;
  r.accelerator = c.accelerator;
  r.vendor = vendor;
  r.stack = s.key;
  r.metric = c.metric;
  r.measured = c.value;
  PreparedCase q = p;
  q.ctx.stack = &s;
  r.predicted = metric_value(q, estimate_training(q.ctx, q.layout));
  r.error_pct = (r.predicted - r.measured) / r.measured * 100.0;
  r.ok = true;
  r.layout = p.layout;
  r.reason = p.notes;
  return r;
}

}  // namespace

bool set_stack_parameter(StackEfficiency& s, const std::string& name, double value) {
  double* f = field(s, name);
  if (f == nullptr) return false;
  *f = value;
  return true;
}

double get_stack_parameter(const StackEfficiency& s, const std::string& name) {
  StackEfficiency copy = s;
  const double* f = field(copy, name);
  return f ? *f : 0.0;
}

std::vector<StackCalibration> calibrate_training(const std::vector<ValidationCase>& cases,
                                                 const ValidationInputs& in) {
  std::vector<StackCalibration> out;
  for (const StackEfficiency& base : in.catalog->stacks) {
    if (base.mode != StackMode::train) continue;
    // The cases this stack predicts: training and LoRA runs on its runtime.
    std::vector<const ValidationCase*> mine;
    for (const auto& c : cases) {
      if (c.mode == CaseMode::infer) continue;
      const Accelerator* a = in.catalog->find_accelerator(c.accelerator);
      const ModelArch* m = in.find_model(c.model);
      if (!a || !m || m->estimate) continue;
      if (default_stack(in.catalog->stacks, a->runtime, StackMode::train) != &base) continue;
      mine.push_back(&c);
    }
    if (mine.empty()) continue;

    StackEfficiency s = base;
    std::vector<PreparedCase> prepared;
    auto prepare_all = [&] {
      prepared.clear();
      std::vector<std::optional<PreparedCase>> tmp(mine.size());
      parallel_for(
          mine.size(),
          [&](size_t i) {
            std::string reason;
            tmp[i] = prepare_case(*mine[i], in, s, reason);
          },
          in.threads);
      for (auto& p : tmp) {
        if (p) prepared.push_back(std::move(*p));
      }
    };
    prepare_all();
    if (prepared.empty()) continue;

    // Parameters: gemm always; a factor for each low precision the cases run at.
    std::vector<Param> params{{"gemm", 0.25, 0.95}};
    std::set<Precision> lows;
    for (const auto& p : prepared) {
      if (p.ctx.precision == Precision::fp8 || p.ctx.precision == Precision::fp4 ||
          p.ctx.precision == Precision::int8) {
        lows.insert(p.ctx.precision);
      }
    }
    for (Precision p : lows) params.push_back({"precision_factor." + std::string(to_string(p)), 0.3, 1.2});

    std::vector<size_t> all(prepared.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    for (int round = 0; round < 3; ++round) {
      fit(prepared, all, s, params, 2);
      if (round < 2) prepare_all();  // layouts may change with the new parameters
    }

    StackCalibration cal;
    cal.stack = s.key;
    for (const Param& p : params) cal.fitted.emplace_back(p.name, get_stack_parameter(s, p.name));
    std::set<std::string> accels, precs;
    for (const auto& p : prepared) {
      cal.case_ids.push_back(p.source->id);
      accels.insert(p.source->accelerator);
      precs.insert(std::string(to_string(p.ctx.job.precision)));
      cal.max_chips = std::max(cal.max_chips, p.source->chips);
      const Accelerator* a = in.catalog->find_accelerator(p.source->accelerator);
      cal.results.push_back(result_for(p, s, a ? std::string(to_string(a->vendor)) : ""));
    }
    cal.accelerators.assign(accels.begin(), accels.end());
    cal.precisions.assign(precs.begin(), precs.end());
    cal.in_sample = error_stats(cal.results, [](const CaseResult&) { return true; });

    // Leave one out: refit without case i (from the fitted values), predict i.
    std::vector<double> loo(prepared.size());
    parallel_for(
        prepared.size(),
        [&](size_t i) {
          StackEfficiency t = s;
          std::vector<PreparedCase> local = prepared;
          std::vector<size_t> rest;
          for (size_t j = 0; j < local.size(); ++j) {
            if (j != i) rest.push_back(j);
          }
          fit(local, rest, t, params, 1);
          local[i].ctx.stack = &t;
          const double pred = metric_value(local[i], estimate_training(local[i].ctx, local[i].layout));
          loo[i] = (pred - local[i].source->value) / local[i].source->value * 100.0;
        },
        in.threads);
    std::vector<CaseResult> loo_results;
    for (double e : loo) {
      CaseResult r;
      r.ok = true;
      r.error_pct = e;
      loo_results.push_back(r);
    }
    cal.leave_one_out = error_stats(loo_results, [](const CaseResult&) { return true; });
    cal.loo_p10_pct = percentile(loo, 0.1);
    cal.loo_p90_pct = percentile(loo, 0.9);
    out.push_back(std::move(cal));
  }
  return out;
}

}  // namespace xpu
