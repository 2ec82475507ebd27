// The terminal report of `xpuplan plan`.
#include "report/plan_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "base/unit_text.h"
#include "planner/baselines.h"
#include "report/table.h"

namespace xpu {
namespace {

std::string money(double usd) { return to_short_text(dollars(usd)); }

std::string chips(double v) { return v <= 0 ? "." : fmt_num(v, v < 10 ? 2 : 4); }

void months_table(std::string& out, const Portfolio& p, const PlanSummary& s) {
  const int H = p.horizon.months;
  TextTable t;
  t.header = {"offer", "term"};
  for (int m = 0; m < H; ++m) t.header.push_back(p.horizon.label(m).substr(2));
  t.right_align.assign(t.header.size(), true);
  t.right_align[0] = t.right_align[1] = false;
  for (const OfferMonths& om : s.offers) {
    const PlanOffer& o = p.offers[om.offer];
    std::vector<std::string> row{o.key, std::string(to_string(o.offer.term))};
    for (int m = 0; m < H; ++m) {
      std::string cell = chips(om.provisioned[m]);
      if (om.bought[m] > 0) cell = fmt::format("+{}:", om.bought[m] * o.offer.chips) + cell;
      row.push_back(cell);
    }
    t.rows.push_back(std::move(row));
  }
  std::vector<std::string> cost{"cost", ""};
  for (int m = 0; m < H; ++m) cost.push_back(money(s.cost_by_month[m]));
  t.rows.push_back(std::move(cost));
  out += "Chips provisioned per month (average; +N: chips committed that month):\n";
  out += render(t);
}

void shares_table(std::string& out, const Portfolio& p, const PlanSummary& s) {
  const int H = p.horizon.months;
  TextTable t;
  t.header = {"used compute share"};
  for (int m = 0; m < H; ++m) t.header.push_back(p.horizon.label(m).substr(2));
  t.right_align.assign(t.header.size(), true);
  t.right_align[0] = false;
  for (const auto& [v, share] : s.vendor_share) {
    std::vector<std::string> row{v};
    for (double x : share) row.push_back(x > 0 ? fmt::format("{:.0f}%", 100 * x) : ".");
    t.rows.push_back(std::move(row));
  }
  for (const auto& [site, mw] : s.power_mw) {
    const Site* st = p.find_site(site);
    std::vector<std::string> row{fmt::format("{} MW (of {:.1f})", site, st ? st->budget.si() * 1e-6 : 0.0)};
    for (double x : mw) row.push_back(x > 0 ? fmt::format("{:.2f}", x) : ".");
    t.rows.push_back(std::move(row));
  }
  out += "\n";
  out += render(t);
}

// Chips per workload and month (all accelerators together); '!' marks a training deadline month.
void schedule_table(std::string& out, const Portfolio& p, const PlanSummary& s) {
  const int H = p.horizon.months;
  TextTable t;
  t.header = {"chips in use"};
  for (int m = 0; m < H; ++m) t.header.push_back(p.horizon.label(m).substr(2));
  t.right_align.assign(t.header.size(), true);
  t.right_align[0] = false;
  for (const WorkloadSchedule& ws : s.workloads) {
    const Workload& w = p.workloads[ws.workload];
    std::vector<std::string> row{w.name};
    for (int m = 0; m < H; ++m) {
      double sum = 0;
      for (const auto& [a, v] : ws.chips) sum += v[m];
      const bool due = w.kind == Mode::train && m == w.deadline;
      row.push_back(chips(sum) + (due ? "!" : ""));
    }
    t.rows.push_back(std::move(row));
  }
  out += "\nSchedule (average chips per month; ! = deadline):\n";
  out += render(t);
}

void workloads_table(std::string& out, const Portfolio& p, const PlanSummary& s) {
  TextTable t;
  t.header = {"workload", "kind", "runs on", "window", "finish", "status"};
  for (const WorkloadSchedule& ws : s.workloads) {
    const Workload& w = p.workloads[ws.workload];
    std::string on;
    for (const auto& [a, v] : ws.chips) {
      double peak = *std::max_element(v.begin(), v.end());
      on += (on.empty() ? "" : ", ") + fmt::format("{} (up to {})", a, chips(peak));
    }
    if (w.kind == Mode::train) {
      t.rows.push_back({w.name, "training", on, p.horizon.label(w.earliest) + ".." + p.horizon.label(w.deadline),
                        ws.progress.finish_month >= 0 ? p.horizon.label(ws.progress.finish_month) : "not done",
                        ws.on_time ? "on time" : fmt::format("late {:.2f} months", ws.progress.lateness_months)});
    } else {
      t.rows.push_back({w.name, "inference", on, "", "", ws.on_time ? "demand met" : "demand not met"});
    }
  }
  out += "\n";
  out += render(t);
}

}  // namespace

std::string plan_text(const Portfolio& p, const RateTable& rates, const PlanResult& r) {
  (void)rates;
  std::string out;
  out += fmt::format("Portfolio {}: {} workloads, {} offers, {}..{}\n", p.name.empty() ? "(unnamed)" : p.name,
                     p.workloads.size(), p.offers.size(), p.horizon.label(0), p.horizon.label(p.horizon.months - 1));
  out += fmt::format("Status: {}", to_string(r.status));
  if (r.has_plan()) {
    out += fmt::format(" (gap {:.2f}%", 100 * r.gap);
    if (std::isfinite(r.best_bound) && !r.bound_source.empty()) {
      out += fmt::format(" to the bound {} from the {}", money(r.best_bound), r.bound_source);
    }
    out += ")";
  }
  out += fmt::format("; {} variables, {} rows, {} integers; {} nodes in {:.1f} s\n", r.variables, r.rows, r.integers,
                     r.nodes, r.seconds);
  if (r.has_plan()) {
    out += r.plan.fluid ? "Model: fluid (average chips; not launchable as is)\n"
                        : "Model: executable (one gang per run and month, whole replicas, whole instances)\n";
    if (!r.plan.fluid && std::isfinite(r.fluid_bound) && r.fluid_bound > 0) {
      out += fmt::format("Price of executability: {:.4f} (this plan over the fluid LP bound ${:.0f})\n",
                         r.price_of_executability(), r.fluid_bound);
    }
    if (std::isfinite(r.start_objective)) {
      out += fmt::format("Warm start: {} from the fluid LP; the search {}\n", money(r.start_objective),
                         r.objective < r.start_objective - 1e-9 * r.start_objective
                             ? fmt::format("improved it by {:.2f}%", 100 * (1 - r.objective / r.start_objective))
                             : std::string("kept it"));
    }
    if (!r.plan.fluid && !r.plan.gangs.empty()) {
      out += p.interruptions.on
                 ? fmt::format("Interruptions planned for: {}; each gang trains its goodput of the month\n",
                               p.interruptions.source)
                 : std::string("Interruptions planned for: none (--no-interruptions: gangs at 100%)\n");
    }
    for (const Gang& g : r.plan.gangs) {
      out +=
          fmt::format("  {} {}: {} x {} at {}/{}{}, {}, goodput {:.2f}%{}\n", p.workloads[g.workload.index()].name,
                      p.horizon.label(g.month), g.chips, g.accelerator, g.provider, g.region.empty() ? "-" : g.region,
                      g.spot ? " (spot)" : "", g.layout, 100 * g.goodput, g.moved_in ? " (moved in)" : "");
    }
    for (const Replicas& x : r.plan.replicas) {
      out += fmt::format("  {} {}: {} replicas x {} {} at {}/{}, {}\n", p.workloads[x.workload.index()].name,
                         p.horizon.label(x.month), x.replicas, x.chips_per_replica, x.accelerator, x.provider,
                         x.region.empty() ? "-" : x.region, x.layout);
    }
  }
  if (!r.has_plan()) {
    out += r.status == PlanStatus::infeasible ? "No plan meets every constraint.\n"
                                              : fmt::format("No plan found: {}\n", r.message);
    if (!r.diagnosis.summary.empty()) {
      out += "Diagnosis: " + r.diagnosis.summary + "\n";
      std::string tried;
      for (const Relaxation& x : r.diagnosis.tried) {
        std::string g;
        for (Group grp : x.groups) g += fmt::format("{}{}", g.empty() ? "" : "+", to_string(grp));
        tried += (tried.empty() ? "" : ", ") + g + (x.restores ? " (restores)" : "");
      }
      if (!tried.empty()) out += "  relaxed in turn: " + tried + "\n";
      for (const Relaxation& x : r.diagnosis.tried) {
        if (!x.restores) continue;
        std::string g;
        for (Group grp : x.groups) g += (g.empty() ? "" : " + ") + std::string(to_string(grp));
        out += fmt::format("  relax {}: a plan at {}; it breaks:\n", g, money(x.cost));
        for (size_t i = 0; i < x.violations.size() && i < 5; ++i) out += "    " + x.violations[i].message + "\n";
        if (x.violations.size() > 5) out += fmt::format("    ... {} more\n", x.violations.size() - 5);
      }
    }
  } else {
    const PlanSummary& s = r.summary;
    out += fmt::format("Total cost {} (commitment months past the horizon {}; porting {})\n", money(s.total.si()),
                       money(s.after_horizon), money(s.porting.si()));
    std::string by;
    for (const auto& [k, v] : s.cost_by_vendor) by += fmt::format("{}{} {}", by.empty() ? "" : ", ", k, money(v));
    out += "By vendor: " + by + "\n";
    by.clear();
    for (const auto& [k, v] : s.cost_by_term) by += fmt::format("{}{} {}", by.empty() ? "" : ", ", k, money(v));
    out += "By term: " + by + "\n";
    by.clear();
    for (const auto& [k, v] : s.cost_by_provider) by += fmt::format("{}{} {}", by.empty() ? "" : ", ", k, money(v));
    out += "By provider: " + by + "\n\n";
    months_table(out, p, s);
    shares_table(out, p, s);
    schedule_table(out, p, s);
    workloads_table(out, p, s);
    if (!r.binding.empty()) {
      out += "\nWhat binds:\n";
      for (const Binding& b : r.binding) {
        out += "  " + b.message;
        if (std::isfinite(b.resolve_saving) && b.group != Group::robustness && b.group != Group::min_vendors) {
          out += fmt::format(" (re-solved with {}: saves {})", b.resolve_change, money(b.resolve_saving));
        }
        out += "\n";
      }
    }
  }
  if (!r.baselines.empty()) {
    out +=
        fmt::format("\nBaselines (same input, same {} model, same checker):\n", r.plan.fluid ? "fluid" : "executable");
    TextTable t;
    t.header = {"baseline", "cost", "plan saves", "checker"};
    t.right_align = {false, true, true, false};
    for (const BaselineResult& b : r.baselines) {
      if (!b.found) {
        t.rows.push_back({b.name, "-", "-", "no plan: " + b.note});
        continue;
      }
      const double c = b.check.cost.si();
      // A saving only against a baseline held to the plan's model that does all the work (baselines.h).
      const std::string why = no_saving_against(b, r.plan);
      const std::string saves = !r.has_plan() ? "-"
                                : why.empty() ? fmt::format("{} ({:.1f}%)", money(c - r.check.cost.si()),
                                                            c > 0 ? 100 * (c - r.check.cost.si()) / c : 0.0)
                                              : "- (" + why + ")";
      t.rows.push_back({b.name + (b.note.empty() ? "" : " [" + b.note + "]"), money(c), saves, b.check.verdict()});
    }
    out += render(t);
  }
  if (r.has_plan()) {
    out += "\nChecker: " + r.check.verdict() + "\n";
    for (const Violation& v : r.check.violations) out += "  " + v.rule + ": " + v.message + "\n";
  }
  return out;
}

}  // namespace xpu

namespace xpu {

std::string plan_progress_line(const MilpProgress& p) {
  std::string out = fmt::format("solving {:.0f} s", p.seconds);
  out += std::isnan(p.objective) ? "  no plan yet" : "  best " + money(p.objective);
  if (!std::isnan(p.best_bound)) out += "  bound " + money(p.best_bound);
  if (std::isfinite(p.gap)) out += fmt::format("  gap {:.2f}%", 100 * p.gap);
  out += fmt::format("  {} node{}", p.nodes, p.nodes == 1 ? "" : "s");
  return out;
}

}  // namespace xpu
