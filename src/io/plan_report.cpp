// The HTML report of a plan. Charts are drawn here with a few lines of SVG
// (stacked columns and horizontal bars) until the shared chart library
// (io/svg.h, on the compare branch) lands in main; then they move to it.
#include "io/plan_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace xpu {
namespace {

std::string esc(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string money(double v) {
  if (std::abs(v) < 0.5) return "$0";
  const double a = std::abs(v);
  if (a >= 1e6) return fmt::format("${:.2f}M", v * 1e-6);
  if (a >= 1e3) return fmt::format("${:.1f}k", v * 1e-3);
  return fmt::format("${:.0f}", v);
}

// Okabe-Ito colours (colour-blind safe): vendors keep theirs, other series take the rest in turn.
std::string color(std::string_view name, size_t index) {
  static const std::map<std::string_view, std::string_view> kVendor{
      {"nvidia", "#009E73"}, {"google", "#0072B2"}, {"aws", "#E69F00"}, {"amd", "#D55E00"}};
  static const std::string_view kOthers[] = {"#56B4E9", "#CC79A7", "#F0E442", "#999999", "#000000"};
  if (auto it = kVendor.find(name); it != kVendor.end()) return std::string(it->second);
  return std::string(kOthers[index % 5]);
}

struct Series {
  std::string name;
  std::vector<double> values;
};

// Stacked columns, one per label, series stacked bottom-up in order.
std::string stacked_columns(const std::string& title, const std::vector<std::string>& labels,
                            const std::vector<Series>& series, bool dollars) {
  const double W = 760, H = 320, left = 70, right = 150, top = 30, bottom = 40;
  double peak = 0;
  for (size_t c = 0; c < labels.size(); ++c) {
    double sum = 0;
    for (const Series& s : series) sum += c < s.values.size() ? s.values[c] : 0.0;
    peak = std::max(peak, sum);
  }
  if (peak <= 0) peak = 1;
  const double plot_w = W - left - right, plot_h = H - top - bottom;
  const double col_w = plot_w / static_cast<double>(std::max<size_t>(1, labels.size()));
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {:.0f} {:.0f}\" width=\"{:.0f}\" role=\"img\">"
      "<title>{}</title><text x=\"{:.1f}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{}</text>",
      W, H, W, esc(title), left, esc(title));
  for (int t = 0; t <= 4; ++t) {
    const double v = peak * t / 4, y = top + plot_h - plot_h * t / 4;
    svg += fmt::format(
        "<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\" text-anchor=\"end\">{}</text>",
        left, left + plot_w, y, y, left - 4, y + 3, dollars ? money(v) : fmt::format("{:.0f}", v));
  }
  for (size_t c = 0; c < labels.size(); ++c) {
    double base = 0;
    const double x = left + static_cast<double>(c) * col_w + col_w * 0.1;
    for (size_t s = 0; s < series.size(); ++s) {
      const double v = c < series[s].values.size() ? series[s].values[c] : 0.0;
      if (v <= 0) continue;
      const double h = plot_h * v / peak, y = top + plot_h - plot_h * (base + v) / peak;
      svg += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"><title>{} {}: {}</title>"
          "</rect>",
          x, y, col_w * 0.8, h, color(series[s].name, s), esc(labels[c]), esc(series[s].name),
          dollars ? money(v) : fmt::format("{:.1f}", v));
      base += v;
    }
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
                       x + col_w * 0.4, top + plot_h + 14, esc(labels[c]));
  }
  for (size_t s = 0; s < series.size(); ++s) {
    const double y = top + 14.0 * static_cast<double>(s);
    svg += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\">{}</text>",
        W - right + 12, y, color(series[s].name, s), W - right + 26, y + 9, esc(series[s].name));
  }
  return svg + "</svg>\n";
}

// Horizontal bars with their values written beside them.
std::string bars(const std::string& title, const std::vector<std::pair<std::string, double>>& rows) {
  const double W = 760, left = 230, right = 90, row_h = 26, top = 30;
  const double H = top + row_h * static_cast<double>(rows.size()) + 10;
  double peak = 1;
  for (const auto& [label, v] : rows) peak = std::max(peak, v);
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {:.0f} {:.0f}\" width=\"{:.0f}\" role=\"img\">"
      "<title>{}</title><text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{}</text>",
      W, H, W, esc(title), esc(title));
  for (size_t i = 0; i < rows.size(); ++i) {
    const double y = top + row_h * static_cast<double>(i), w = (W - left - right) * rows[i].second / peak;
    svg += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"end\">{}</text>"
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"><title>{}: {}</title></rect>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\">{}</text>",
        left - 6, y + 15, esc(rows[i].first), left, y + 4, w, row_h - 8, i == 0 ? "#009E73" : "#999999",
        esc(rows[i].first), money(rows[i].second), left + w + 6, y + 15, money(rows[i].second));
  }
  return svg + "</svg>\n";
}

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string t = "<table><tr>";
  for (const auto& h : header) t += "<th>" + esc(h) + "</th>";
  t += "</tr>";
  for (const auto& r : rows) {
    t += "<tr>";
    for (const auto& c : r) t += "<td>" + esc(c) + "</td>";
    t += "</tr>";
  }
  return t + "</table>\n";
}

}  // namespace

std::string plan_html(const Portfolio& p, const RateTable& rates, const PlanResult& r) {
  (void)rates;
  const int H = p.horizon.months;
  std::vector<std::string> months;
  for (int m = 0; m < H; ++m) months.push_back(p.horizon.label(m));
  std::string h = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>xpuplan plan " +
                  esc(p.name) +
                  "</title><style>body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}"
                  "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
                  "font-size:13px;text-align:right}td:first-child,th:first-child{text-align:left}"
                  ".ok{color:#007a4d}.bad{color:#b00020}</style></head><body>\n";
  h += fmt::format("<h1>Plan for {}</h1>\n<p>{}..{}, {} workloads, {} offers. Status <b>{}</b>", esc(p.name),
                   months.front(), months.back(), p.workloads.size(), p.offers.size(), to_string(r.status));
  if (r.has_plan()) h += fmt::format(" (gap {:.2f}%)", 100 * r.gap);
  h += ".</p>\n";
  if (!r.has_plan()) {
    h += "<p>No plan meets every constraint.</p>";
    if (!r.diagnosis.summary.empty()) h += "<p>Diagnosis: " + esc(r.diagnosis.summary) + "</p>";
    return h + "</body></html>\n";
  }
  const PlanSummary& s = r.summary;
  h += fmt::format(
      "<p>Total cost <b>{}</b> (of which commitment months past the horizon {}, porting {}). "
      "Checker: <b class=\"{}\">{}</b>.</p>\n",
      money(s.total.si()), money(s.after_horizon), money(s.porting.si()), r.check.ok() ? "ok" : "bad",
      esc(r.check.verdict()));
  std::vector<Series> chips;
  for (const auto& [v, values] : s.chips_by_vendor) chips.push_back({v, values});
  h += stacked_columns("Chips in use by vendor per month", months, chips, false);
  std::map<std::string, std::vector<double>> by_term;
  for (const OfferMonths& om : s.offers) {
    const PlanOffer& o = p.offers[om.offer];
    auto& v = by_term[std::string(to_string(o.offer.term))];
    v.resize(H, 0.0);
    for (int m = 0; m < H; ++m) {
      v[m] += om.provisioned[m] * per_hour(o.price_per_chip()) * p.horizon.hours(m);
    }
  }
  std::vector<Series> cost;
  for (const auto& [t, values] : by_term) cost.push_back({t, values});
  h += stacked_columns("Cost of the chips provisioned per month, by purchase term", months, cost, true);
  std::vector<std::pair<std::string, double>> compare{{"this plan", s.total.si()}};
  std::vector<std::vector<std::string>> base_rows;
  for (const BaselineResult& b : r.baselines) {
    if (!b.found) continue;
    compare.emplace_back(b.name, b.check.cost.si());
    const double c = b.check.cost.si();
    base_rows.push_back({b.name, money(c), money(c - s.total.si()),
                         fmt::format("{:.1f}%", c > 0 ? 100 * (c - s.total.si()) / c : 0.0), b.check.verdict()});
  }
  if (compare.size() > 1) {
    h += bars("Cost against the baselines (same input, same checker)", compare);
    h += table({"baseline", "cost", "plan saves", "%", "checker"}, base_rows);
  }
  std::vector<std::vector<std::string>> binding;
  for (const Binding& b : r.binding) binding.push_back({b.message});
  if (!binding.empty()) h += "<h2>What binds</h2>\n" + table({"constraint"}, binding);
  std::vector<std::vector<std::string>> work;
  for (const WorkloadSchedule& ws : s.workloads) {
    const Workload& w = p.workloads[ws.workload];
    std::string on;
    for (const auto& [a, v] : ws.chips) on += (on.empty() ? "" : ", ") + a;
    work.push_back({w.name, std::string(to_string(w.kind)), on,
                    w.kind == WorkloadKind::training ? p.horizon.label(w.deadline) : "",
                    w.kind == WorkloadKind::training
                        ? (ws.progress.finish_month >= 0 ? p.horizon.label(ws.progress.finish_month) : "not done")
                        : "",
                    ws.on_time ? "yes" : "no"});
  }
  h += "<h2>Workloads</h2>\n" + table({"workload", "kind", "runs on", "deadline", "finish", "on time"}, work);
  std::vector<std::string> header{"offer", "term"};
  header.insert(header.end(), months.begin(), months.end());
  std::vector<std::vector<std::string>> offers;
  for (const OfferMonths& om : s.offers) {
    const PlanOffer& o = p.offers[om.offer];
    std::vector<std::string> row{o.key, std::string(to_string(o.offer.term))};
    for (int m = 0; m < H; ++m) row.push_back(om.provisioned[m] > 0 ? fmt::format("{:.1f}", om.provisioned[m]) : "");
    offers.push_back(std::move(row));
  }
  h += "<h2>Chips provisioned per offer and month</h2>\n" + table(header, offers);
  return h + "</body></html>\n";
}

}  // namespace xpu
