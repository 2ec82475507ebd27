#include "sim/render.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/unit_text.h"

namespace xpu {
namespace {

using nlohmann::json;

json num(double v) {
  if (!std::isfinite(v)) return nullptr;
  const std::string s = fmt::format("{:.6g}", v);
  return std::strtod(s.c_str(), nullptr);
}

json to_json(const MeanSe& m) { return json{{"mean", num(m.mean)}, {"se", num(m.se)}}; }

json to_json(const Spread& s) {
  return json{{"p10", num(s.p10)}, {"p50", num(s.p50)}, {"p90", num(s.p90)}, {"p99", num(s.p99)}};
}

json spreads_json(const std::vector<Spread>& v) {
  json out = json::array();
  for (const Spread& s : v) out.push_back(to_json(s));
  return out;
}

json spend_json(const std::vector<SpendLine>& lines) {
  json out = json::object();
  for (const auto& l : lines) out[l.key] = to_json(l.dollars);
  return out;
}

std::string month_or_never(const SimResult& r, int m) {
  return m >= 0 && m < static_cast<int>(r.month_labels.size()) ? r.month_labels[m] : "after the horizon";
}

// The month by which half the replicas have finished.
// "delay P50/P90/P99 a/b/c days"; a percentile that falls on replicas
// unfinished at the horizon's end is a lower bound (">=c"); a run the plan
// itself does not finish has no planned finish to be late against.
std::string delay_text(const RunSummary& s) {
  if (!s.plan_finishes) return "no delay measured (the plan does not finish it within the horizon)";
  const bool censored = !s.finish_month_p.empty() && s.finish_month_p.back() > 0;
  auto one = [&](double d) {
    return fmt::format("{}{:.1f}", censored && d >= s.delay_censored_days - 1e-9 ? ">=" : "", d);
  };
  return fmt::format("delay P50/P90/P99 {}/{}/{} days", one(s.delay_days.p50), one(s.delay_days.p90),
                     one(s.delay_days.p99));
}

int median_month(const RunSummary& s) {
  double acc = 0;
  for (size_t m = 0; m < s.finish_month_p.size(); ++m) {
    acc += s.finish_month_p[m];
    if (acc >= 0.5) return static_cast<int>(m);
  }
  return static_cast<int>(s.finish_month_p.size()) - 1;
}

}  // namespace

std::string render_json(const SimResult& r) {
  json policies = json::array();
  for (const PolicyResult& p : r.policies) {
    json runs = json::array();
    for (const RunSummary& s : p.runs) {
      json finish = json::array();
      for (double x : s.finish_month_p) finish.push_back(num(x));
      runs.push_back(json{{"name", s.name},
                          {"deadline", month_or_never(r, s.deadline)},
                          {"planned_finish", month_or_never(r, s.planned_finish_month)},
                          {"finish_month_p", finish},
                          {"p_miss_deadline", to_json(s.p_miss_se)},
                          {"plan_finishes", s.plan_finishes},
                          {"delay_days", to_json(s.delay_days)},
                          {"delay_censored_days", num(s.delay_censored_days)},
                          {"delay_days_mean", to_json(s.delay_mean_days)},
                          {"effective_training_time", to_json(s.effective_training_time)},
                          {"goodput", to_json(s.goodput)},
                          {"interruptions", to_json(s.interruptions)},
                          {"evictions", to_json(s.evictions)},
                          {"progress_by_month", spreads_json(s.progress_by_month)},
                          {"planned_progress", [&] {
                             json a = json::array();
                             for (double x : s.planned_progress) a.push_back(num(x));
                             return a;
                           }()}});
    }
    json services = json::array();
    for (const ServiceSummary& s : p.services) {
      services.push_back(json{{"name", s.name},
                              {"slo_violation_hours", to_json(s.violation_hours)},
                              {"slo_violation_hours_spread", to_json(s.violation_spread)}});
    }
    json worst = json::array();
    for (const RiskImpact& w : p.worst_decile) {
      worst.push_back(json{{"source", w.source},
                           {"lost_chip_hours_all", num(w.mean_all)},
                           {"lost_chip_hours_worst_decile", num(w.mean_worst_decile)},
                           {"events_all", num(w.events_all)},
                           {"events_worst_decile", num(w.events_worst_decile)}});
    }
    policies.push_back(json{{"policy", p.policy},
                            {"cost", to_json(p.cost)},
                            {"cost_mean", to_json(p.cost_mean)},
                            {"cost_vs_plan", num(p.cost_vs_plan)},
                            {"cost_by_month", spreads_json(p.cost_by_month)},
                            {"runs", runs},
                            {"services", services},
                            {"spend_by_vendor", spend_json(p.spend_by_vendor)},
                            {"spend_by_term", spend_json(p.spend_by_term)},
                            {"breaches", to_json(p.breaches)},
                            {"worst_replicas", p.worst_replicas},
                            {"worst_decile", worst}});
  }
  const json out{{"replicas", r.replicas},
                 {"seed", r.seed},
                 {"months", r.month_labels},
                 {"plan_cost", num(r.plan_cost.si())},
                 {"policies", policies}};
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string render_text(const SimResult& r) {
  std::string out = fmt::format("{} replicas, seed {}; plan cost {}\n", r.replicas, r.seed, to_short_text(r.plan_cost));
  for (const PolicyResult& p : r.policies) {
    out += fmt::format("\npolicy {}: cost P10 {} P50 {} P90 {} (mean {} +/- {}, {:+.1f}% vs plan); breaches {:.2f}\n",
                       p.policy, to_short_text(Dollars(p.cost.p10)), to_short_text(Dollars(p.cost.p50)),
                       to_short_text(Dollars(p.cost.p90)), to_short_text(Dollars(p.cost_mean.mean)),
                       to_short_text(Dollars(p.cost_mean.se)), 100 * p.cost_vs_plan, p.breaches.mean);
    for (const RunSummary& s : p.runs) {
      out += fmt::format(
          "  run {}: P(miss {}) {:.1f}% +/- {:.1f}%, median finish {}, {}, "
          "effective training time {:.1f}% +/- {:.1f}%, interruptions {:.1f} +/- {:.1f}\n",
          s.name, month_or_never(r, s.deadline), 100 * s.p_miss_deadline, 100 * s.p_miss_se.se,
          month_or_never(r, median_month(s)), delay_text(s), 100 * s.effective_training_time.mean,
          100 * s.effective_training_time.se, s.interruptions.mean, s.interruptions.se);
    }
    for (const ServiceSummary& s : p.services) {
      out += fmt::format("  service {}: SLO violated {:.1f} +/- {:.1f} h (P90 {:.1f} h)\n", s.name,
                         s.violation_hours.mean, s.violation_hours.se, s.violation_spread.p90);
    }
    for (const auto* lines : {&p.spend_by_vendor, &p.spend_by_term}) {
      out += lines == &p.spend_by_vendor ? "  spend by vendor:" : "  spend by term:";
      for (const SpendLine& l : *lines) out += fmt::format(" {} {}", l.key, to_short_text(Dollars(l.dollars.mean)));
      out += "\n";
    }
    if (!p.worst_decile.empty()) {
      const RiskImpact& w = p.worst_decile.front();
      out += fmt::format("  worst decile: most lost to {} ({:.0f} chip-h vs {:.0f} on average)\n", w.source,
                         w.mean_worst_decile, w.mean_all);
    }
  }
  return out;
}

}  // namespace xpu
