// simulate as one self-contained HTML page: summary cards, fan charts of
// cumulative cost and of each run's progress against its deadline (P10-P90
// bands and medians, the plan dashed), the policies side by side, and each
// run's distribution of finish months. No scripts, fonts or images to fetch.
#include <fmt/format.h>

#include "report/html_page.h"
#include "report/simulate_report.h"
#include "report/svg.h"
#include "report/svg_fan.h"

namespace xpu {
namespace {

using html::card;
using html::money;
using svg::escape;

constexpr int kChartWidth = 1080;

svg::FanSeries fan(const std::string& name, const std::vector<Spread>& v, double scale) {
  svg::FanSeries f{.name = name, .category = {}, .low = {}, .mid = {}, .high = {}};
  for (const Spread& s : v) {
    f.low.push_back(s.p10 * scale);
    f.mid.push_back(s.p50 * scale);
    f.high.push_back(s.p90 * scale);
  }
  return f;
}

std::string cost_fan(const SimResult& r) {
  svg::FanChart c;
  c.id = "cumulative-cost";
  c.width = kChartWidth;
  c.title = "Cumulative cost";
  c.subtitle =
      fmt::format("spend by the end of each month over {} replicas; the last month includes fixed costs", r.replicas);
  c.y = {.title = "USD", .prefix = "$"};
  c.x_title = "month";
  c.columns = r.month_labels;
  for (const PolicyResult& p : r.policies) c.series.push_back(fan(p.policy, p.cost_by_month, 1.0));
  return svg::fan_chart(c);
}

std::string progress_fan(const SimResult& r, size_t run) {
  const RunSummary& first = r.policies.front().runs[run];
  svg::FanChart c;
  c.id = fmt::format("progress-{}", run);
  c.width = kChartWidth;
  c.title = fmt::format("Progress of {}", first.name);
  c.subtitle = "share of its tokens trained by the end of each month; dashed: the plan without risks";
  c.y = {.title = "tokens trained", .suffix = "%", .max = 100.0};
  c.x_title = "month";
  c.columns = r.month_labels;
  for (const PolicyResult& p : r.policies) c.series.push_back(fan(p.policy, p.runs[run].progress_by_month, 100.0));
  for (double x : first.planned_progress) c.reference.push_back(100 * x);
  c.reference_label = "plan";
  c.marker = first.deadline;
  c.marker_label = "deadline";
  return svg::fan_chart(c);
}

std::string policy_chart(const SimResult& r) {
  svg::RangeChart c;
  c.id = "policies";
  c.width = kChartWidth;
  c.title = "Total cost by policy";
  c.subtitle =
      fmt::format("P10, median and P90 over {} replicas; the plan costs {}", r.replicas, money(r.plan_cost.si()));
  c.axis = {.title = "USD", .prefix = "$", .from_zero = false};
  for (const PolicyResult& p : r.policies) {
    c.rows.push_back(
        {.label = p.policy,
         .low = p.cost.p10,
         .mid = p.cost.p50,
         .high = p.cost.p90,
         .category = p.policy,
         .tooltip = fmt::format("{}: P10 {}, median {}, P90 {}, mean {} (+/- {})", p.policy, money(p.cost.p10),
                                money(p.cost.p50), money(p.cost.p90), money(p.cost_mean.mean), money(p.cost_mean.se))});
  }
  return svg::range_chart(c);
}

std::string finish_histogram(const SimResult& r, size_t run) {
  const RunSummary& first = r.policies.front().runs[run];
  svg::BarChart c;
  c.id = fmt::format("finish-{}", run);
  c.width = kChartWidth;
  c.horizontal = false;
  c.title = fmt::format("When {} finishes", first.name);
  c.subtitle = fmt::format("share of replicas finishing in each month, per policy; deadline {}",
                           r.month_labels[static_cast<size_t>(first.deadline)]);
  c.axis = {.title = "replicas", .suffix = "%", .max = 100.0};
  const size_t M = r.month_labels.size();
  for (size_t m = 0; m <= M; ++m) {
    const std::string month = m < M ? r.month_labels[m] : "later";
    for (const PolicyResult& p : r.policies) {
      const double v = 100 * p.runs[run].finish_month_p[m];
      c.bars.push_back({.label = r.policies.size() > 1 ? fmt::format("{} {}", month, p.policy) : month,
                        .value = v,
                        .category = p.policy,
                        .tooltip = fmt::format("{} under {}: {:.1f}% finish in {}", first.name, p.policy, v, month),
                        .note = {}});
    }
  }
  return svg::bar_chart(c);
}

}  // namespace

std::string to_html(const api::SimulateReport& rep) {
  const SimResult& r = rep.result;
  std::string title = rep.plan ? fmt::format("Simulation of the plan for {}", rep.plan->portfolio.name)
                               : std::string("Simulation of a scenario");
  std::string out = html::page_begin(title);
  out += fmt::format("<h1>{}</h1>\n", escape(title));
  if (rep.outcome != api::Outcome::answered || r.policies.empty()) {
    out += fmt::format("<p>{}</p>\n", escape(rep.note));
    return out + html::page_end("xpuplan simulate");
  }
  out += "<div class=\"cards\">\n";
  out += card("replicas", fmt::format("{}", r.replicas), fmt::format("seed {}", r.seed));
  out += card("plan cost", money(r.plan_cost.si()), "without risks");
  for (const PolicyResult& p : r.policies) {
    out += card(p.policy, money(p.cost.p50), fmt::format("median; {:+.1f}% mean vs plan", 100 * p.cost_vs_plan));
  }
  out += "</div>\n";
  out += html::figure(cost_fan(r), "Cumulative cost: band P10-P90, line the median, per policy.");
  out += html::figure(policy_chart(r), "Total cost per policy, on the same random draws (common random numbers).");
  for (size_t run = 0; run < r.policies.front().runs.size(); ++run) {
    out += html::figure(progress_fan(r, run), "Progress against the deadline (dotted line).");
    out += html::figure(finish_histogram(r, run), "Distribution of the finish month.");
  }
  std::vector<std::vector<std::string>> rows;
  for (const PolicyResult& p : r.policies) {
    for (const RunSummary& s : p.runs) {
      rows.push_back({p.policy, s.name,
                      fmt::format("{:.1f}% +/- {:.1f}%", 100 * s.p_miss_deadline, 100 * s.p_miss_se.se),
                      fmt::format("{:.1f} / {:.1f} / {:.1f}", s.delay_days.p50, s.delay_days.p90, s.delay_days.p99),
                      fmt::format("{:.1f}%", 100 * s.effective_training_time.mean)});
    }
  }
  if (!rows.empty()) {
    out += "<h2>Training runs</h2>\n";
    out += html::table({"policy", "run", "P(miss deadline)", "delay P50 / P90 / P99 (days)", "effective training time"},
                       rows, {2, 3, 4});
  }
  rows.clear();
  for (const PolicyResult& p : r.policies) {
    for (const ServiceSummary& s : p.services) {
      rows.push_back({p.policy, s.name, fmt::format("{:.1f} +/- {:.1f}", s.violation_hours.mean, s.violation_hours.se),
                      fmt::format("{:.1f}", s.violation_spread.p90)});
    }
  }
  if (!rows.empty()) {
    out += "<h2>Services</h2>\n";
    out += html::table({"policy", "service", "SLO-violation hours (mean)", "P90"}, rows, {2, 3});
  }
  rows.clear();
  for (const PolicyResult& p : r.policies) {
    for (const RiskImpact& w : p.worst_decile) {
      rows.push_back({p.policy, w.source, fmt::format("{:.0f}", w.mean_all), fmt::format("{:.0f}", w.mean_worst_decile),
                      fmt::format("{:.2f}", w.events_worst_decile)});
    }
  }
  if (!rows.empty()) {
    out += "<h2>What hurt the worst decile</h2>\n";
    out += html::table(
        {"policy", "risk", "chip-hours lost (all)", "chip-hours lost (worst decile)", "events (worst decile)"}, rows,
        {2, 3, 4});
  }
  return out + html::page_end(fmt::format("xpuplan simulate, {} replicas, seed {}", r.replicas, r.seed));
}

}  // namespace xpu
