// The HTML report of a plan, in the same frame and charts as compare's.
#include "report/plan_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "planner/baselines.h"
#include "report/html_page.h"
#include "report/svg.h"

namespace xpu {
namespace {

using html::money;
using svg::escape;

constexpr int kChartWidth = 1080;

std::vector<std::string> month_labels(const Portfolio& p) {
  std::vector<std::string> months;
  months.reserve(static_cast<size_t>(std::max(0, p.horizon.months)));
  for (int m = 0; m < p.horizon.months; ++m) months.push_back(p.horizon.label(m));
  return months;
}

std::string chips_chart(const Portfolio& p, const PlanSummary& s) {
  svg::StackedBarChart c;
  c.id = "chips";
  c.width = kChartWidth;
  c.title = "Chips in use per month, by vendor";
  c.subtitle = "Average chips assigned to workloads (provisioned but idle commitment capacity is not counted)";
  c.y = {.title = "chips"};
  c.x_title = "month";
  c.columns = month_labels(p);
  for (const auto& [vendor, values] : s.chips_by_vendor) {
    c.series.push_back({.name = svg::display_name(vendor), .category = vendor, .values = values});
  }
  return svg::stacked_bar_chart(c);
}

std::string cost_chart(const Portfolio& p, const PlanSummary& s) {
  std::map<std::string, std::vector<double>> by_term;
  for (const OfferMonths& om : s.offers) {
    const PlanOffer& o = p.offers[om.offer];
    auto& v = by_term[std::string(to_string(o.offer.term))];
    v.resize(p.horizon.months, 0.0);
    for (int m = 0; m < p.horizon.months; ++m) {
      v[m] += om.provisioned[m] * per_hour(o.price_per_chip()) * p.horizon.hours(m);
    }
  }
  svg::StackedBarChart c;
  c.id = "cost";
  c.width = kChartWidth;
  c.title = "Cost per month, by purchase term";
  c.subtitle = "Chips provisioned x price per chip-hour x hours; commitments bill every month of their term";
  c.y = {.title = "USD per month", .prefix = "$"};
  c.x_title = "month";
  c.columns = month_labels(p);
  for (auto& [term, values] : by_term) c.series.push_back({.name = term, .values = std::move(values)});
  return svg::stacked_bar_chart(c);
}

std::string power_chart(const Portfolio& p, const PlanSummary& s) {
  svg::StackedBarChart c;
  c.id = "power";
  c.width = kChartWidth;
  c.title = "Facility power per month, by site";
  std::string budgets;
  for (const Site& site : p.sites) {
    budgets += fmt::format("{}{} {:.2f} MW", budgets.empty() ? "" : ", ", site.name, site.budget.si() * 1e-6);
  }
  c.subtitle = "Provisioned chips x (TDP x load factor + host share) x PUE; budgets: " + budgets;
  c.y = {.title = "MW", .suffix = " MW"};
  c.x_title = "month";
  c.columns = month_labels(p);
  for (const auto& [site, values] : s.power_mw) c.series.push_back({.name = site, .values = values});
  return svg::stacked_bar_chart(c);
}

std::string baseline_chart(const PlanResult& r) {
  svg::BarChart c;
  c.id = "baselines";
  c.width = kChartWidth;
  c.title = "This plan against the baselines";
  c.subtitle = "Same input, same checker; a baseline the checker rejects breaks a rule the plan keeps";
  c.axis = {.title = "USD over the horizon", .prefix = "$"};
  const double plan = r.summary.total.si();
  c.bars.push_back({.label = "this plan", .value = plan, .category = "plan", .note = money(plan)});
  for (const BaselineResult& b : r.baselines) {
    if (!b.found) continue;
    const double cost = b.check.cost.si();
    c.bars.push_back(
        {.label = b.name,
         .value = cost,
         .category = b.check.ok() ? "baseline (passes the checker)" : "baseline (breaks a rule)",
         .tooltip = fmt::format("{}: {}; {}", b.name, money(cost), b.check.verdict()),
         .note = fmt::format("{}  ({}{:.1f}% vs plan{})", money(cost), cost >= plan ? "+" : "",
                             plan > 0 ? 100 * (cost - plan) / plan : 0.0, b.check.ok() ? "" : ", breaks rules")});
  }
  c.reference = plan;
  c.reference_label = "this plan";
  return svg::bar_chart(c);
}

std::string share_table(const Portfolio& p, const PlanSummary& s) {
  std::vector<std::string> header{"vendor"};
  const auto months = month_labels(p);
  header.insert(header.end(), months.begin(), months.end());
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> numeric;
  for (size_t i = 1; i < header.size(); ++i) numeric.push_back(i);
  for (const auto& [vendor, share] : s.vendor_share) {
    std::vector<std::string> row{svg::display_name(vendor)};
    for (int m = 0; m < p.horizon.months; ++m) {
      row.push_back(m < static_cast<int>(share.size()) ? fmt::format("{:.0f}%", 100 * share[m]) : "");
    }
    rows.push_back(std::move(row));
  }
  return html::table(header, rows, numeric);
}

}  // namespace

std::string plan_html(const Portfolio& p, const PlanResult& r) {
  const auto months = month_labels(p);
  std::string h = html::page_begin("xpuplan plan: " + p.name);
  h += fmt::format("<h1>Portfolio plan: {}</h1>\n<p class=\"lede\">{} to {}: {} workloads, {} offers, {} sites.</p>\n",
                   escape(p.name), months.front(), months.back(), p.workloads.size(), p.offers.size(), p.sites.size());
  if (!r.has_plan()) {
    h += fmt::format("<p class=\"warn\">Status <b>{}</b>: no plan meets every constraint. {}</p>\n",
                     to_string(r.status), escape(r.message));
    if (!r.diagnosis.tried.empty()) {
      std::vector<std::vector<std::string>> rows;
      for (const Relaxation& x : r.diagnosis.tried) {
        std::string groups;
        for (Group g : x.groups) groups += (groups.empty() ? "" : " + ") + std::string(to_string(g));
        rows.push_back({groups, x.restores ? "yes" : "no", x.restores ? money(x.cost) : ""});
      }
      h += "<h2>What conflicts</h2>\n<p>" + escape(r.diagnosis.summary) + "</p>\n" +
           html::table({"relaxed", "restores a plan", "its cost"}, rows, {2});
    }
    return h + html::page_end("Generated by xpuplan plan.");
  }
  const PlanSummary& s = r.summary;
  const BaselineResult* best_base = nullptr;
  for (const BaselineResult& b : r.baselines) {
    if (b.found && b.check.ok() && no_saving_against(b, r.plan).empty() &&
        (!best_base || b.check.cost < best_base->check.cost))
      best_base = &b;
  }
  h += "<div class=\"cards\">\n";
  h += html::card(
      "total cost", money(s.total.si()),
      fmt::format("porting {}; commitment months past the horizon {}", money(s.porting.si()), money(s.after_horizon)));
  h += html::card("solver", std::string(to_string(r.status)),
                  fmt::format("gap {:.2f}%, {:.1f} s, {} variables", 100 * r.gap, r.seconds, r.variables));
  h += html::card("checker", r.check.ok() ? "ok" : "violations", r.check.verdict());
  h += best_base ? html::card("vs best valid baseline", money(best_base->check.cost.si() - s.total.si()),
                              fmt::format("saved against {}", best_base->name))
                 : html::card("baselines", "none valid", "no baseline passes the checker on this input");
  h += "</div>\n";

  h += "<h2>Capacity</h2>\n" + html::figure(chips_chart(p, s), "") +
       "<p class=\"small\">Vendor share of compute "
       "(bf16 peak of the chips in use) per month:</p>\n" +
       share_table(p, s);
  h += "<h2>Cost</h2>\n" + html::figure(cost_chart(p, s), "");
  if (!s.power_mw.empty()) h += "<h2>Power</h2>\n" + html::figure(power_chart(p, s), "");
  if (!r.baselines.empty()) {
    h += "<h2>Baselines</h2>\n" + html::figure(baseline_chart(r), "");
    std::vector<std::vector<std::string>> rows;
    for (const BaselineResult& b : r.baselines) {
      const double c = b.check.cost.si();
      const std::string why = no_saving_against(b, r.plan);  // baselines.h
      rows.push_back({b.name + (b.note.empty() ? "" : " [" + b.note + "]"), b.found ? money(c) : "",
                      !b.found      ? ""
                      : why.empty() ? money(c - s.total.si())
                                    : why,
                      b.found ? b.check.verdict() : "no plan: " + b.note, b.description});
    }
    h += html::table({"baseline", "cost", "plan saves", "checker", "what it does"}, rows, {1, 2});
  }
  if (!r.binding.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const Binding& b : r.binding) {
      rows.push_back(
          {b.message, b.months,
           std::isnan(b.resolve_saving) ? "" : fmt::format("{} ({})", money(b.resolve_saving), b.resolve_change)});
    }
    h += "<h2>What binds</h2>\n" +
         html::table({"constraint (shadow price at the optimum)", "months", "re-solved saving"}, rows, {2});
  }
  std::vector<std::vector<std::string>> work;
  for (const WorkloadSchedule& ws : s.workloads) {
    const Workload& w = p.workloads[ws.workload];
    std::string on;
    for (const auto& [a, v] : ws.chips) on += (on.empty() ? "" : ", ") + a;
    const bool train = w.kind == Mode::train;
    work.push_back(
        {w.name, std::string(kind_noun(w.kind)), on, train ? p.horizon.label(w.deadline) : "",
         train ? (ws.progress.finish_month >= 0 ? p.horizon.label(ws.progress.finish_month) : "not done") : "",
         ws.on_time ? "yes" : "no"});
  }
  h += "<h2>Workloads</h2>\n" + html::table({"workload", "kind", "runs on", "deadline", "finish", "on time"}, work);
  std::vector<std::string> header{"offer", "term"};
  header.insert(header.end(), months.begin(), months.end());
  std::vector<size_t> numeric;
  for (size_t i = 2; i < header.size(); ++i) numeric.push_back(i);
  std::vector<std::vector<std::string>> offers;
  for (const OfferMonths& om : s.offers) {
    const PlanOffer& o = p.offers[om.offer];
    std::vector<std::string> row{o.key, std::string(to_string(o.offer.term))};
    for (int m = 0; m < p.horizon.months; ++m)
      row.push_back(om.provisioned[m] > 0 ? fmt::format("{:.0f}", om.provisioned[m]) : "");
    offers.push_back(std::move(row));
  }
  h += "<h2>Chips provisioned per offer and month</h2>\n" + html::table(header, offers, numeric);
  return h + html::page_end(
                 "Generated by xpuplan plan. The plan was re-verified by the independent checker; "
                 "prices and throughputs carry their sources in the price book and the catalog.");
}

}  // namespace xpu
