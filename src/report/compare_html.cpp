// compare as one self-contained HTML page: inline CSS, SVG charts from
// io/svg.h, tables with every source. No scripts, fonts or images to fetch.
#include <fmt/format.h>

#include <algorithm>

#include "base/unit_text.h"
#include "report/compare_report.h"
#include "report/html_page.h"
#include "report/svg.h"
#include "report/table.h"

namespace xpu {
namespace {

using html::card;
using html::money;
using html::swatch;
using svg::escape;

constexpr int kChartWidth = 1080;

bool training(const CompareResult& res) { return res.query.mode == Mode::train; }

// A source citation as text. URL schemes are dropped ("cloud.google.com/tpu/pricing"):
// the page names its sources but links to nothing, so nothing in it can be fetched.
std::string cite(std::string text) {
  for (const std::string scheme : {"https://", "http://"}) {
    for (size_t at = text.find(scheme); at != std::string::npos; at = text.find(scheme, at))
      text.erase(at, scheme.size());
  }
  return escape(text);
}

std::string cost_chart(const CompareResult& res) {
  svg::BarChart c;
  c.id = "cost";
  c.width = kChartWidth;
  c.title = training(res) ? "Cost of the run by accelerator" : "Cost per hour of service by accelerator";
  c.subtitle = describe_prices(res.query) + "; whiskers: the engines' 80% interval";
  c.axis = {.title = training(res) ? "USD for the whole run" : "USD per hour at the load", .prefix = "$"};
  for (const auto& o : res.options) {
    std::string note = money(o.cost.total.si());
    if (o.relative) note += fmt::format("  ({:.2f}x)", *o.relative);
    c.bars.push_back({.label = o.accelerator,
                      .value = o.cost.total.si(),
                      .category = o.vendor,
                      .tooltip = fmt::format("{} on {}: {} ({} chips, {})", o.accelerator, o.price.what,
                                             money(o.cost.total.si()), o.chips, o.layout),
                      .note = note,
                      .low = o.cost_low.si(),
                      .high = o.cost_high.si()});
  }
  if (res.baseline) {
    c.reference = res.options[*res.baseline].cost.total.si();
    c.reference_label = "baseline " + res.query.baseline;
  }
  return svg::bar_chart(c);
}

std::string tradeoff_chart(const CompareResult& res) {
  svg::ScatterChart c;
  c.id = "tradeoff";
  c.width = kChartWidth;
  c.height = 480;
  const bool train = training(res);
  c.title = train ? "Time against cost" : "Latency against cost";
  c.subtitle =
      train ? "Each accelerator at its chosen chip count; ringed: no other option is both faster and cheaper"
            : "p99 time per output token against cost per hour; ringed: no other option is both quicker and cheaper";
  auto x_of = [&](const CompareOption& o) { return train ? o.time.si() / 86400 : in_ms(o.tpot_p99); };
  double lo = 0, hi = 0, xlo = 0, xhi = 0;
  for (size_t i = 0; i < res.options.size(); ++i) {
    const double v = res.options[i].cost.total.si(), x = x_of(res.options[i]);
    lo = i ? std::min(lo, v) : v;
    hi = i ? std::max(hi, v) : v;
    xlo = i ? std::min(xlo, x) : x;
    xhi = i ? std::max(xhi, x) : x;
  }
  // Logarithmic axes where values span more than 8x, so the cluster near the front stays readable.
  c.x = {.title = train ? "days to train" : "TPOT p99 (ms)",
         .suffix = train ? " d" : " ms",
         .log = xhi > 8 * xlo,
         .from_zero = false};
  c.y = {.title = train ? "USD per run" : "USD per hour", .prefix = "$", .log = hi > 8 * lo};
  for (const auto& o : res.options) {
    const double x = x_of(o);
    c.points.push_back({.label = o.accelerator,
                        .x = x,
                        .y = o.cost.total.si(),
                        .category = o.vendor,
                        .tooltip = fmt::format("{}: {} {}, {}", o.accelerator, fmt_num(x, 3),
                                               train ? "days" : "ms TPOT p99", money(o.cost.total.si()))});
  }
  return svg::scatter_chart(c);
}

std::string sensitivity_chart(const CompareResult& res) {
  svg::RangeChart c;
  c.id = "sensitivity";
  c.width = kChartWidth;
  c.title = "What the cost could be: each assumption varied alone";
  c.subtitle = "Bar: the widest range any one assumption gives (see the table below); dot: the base case";
  c.axis = {.title = training(res) ? "USD for the whole run" : "USD per hour", .prefix = "$"};
  for (size_t i = 0; i < res.options.size(); ++i) {
    const auto& o = res.options[i];
    double lo = o.cost.total.si(), hi = lo;
    for (const auto& f : res.sensitivity) {
      if (!f.cost[i]) continue;
      lo = std::min(lo, f.cost[i]->first);
      hi = std::max(hi, f.cost[i]->second);
    }
    c.rows.push_back({.label = o.accelerator, .low = lo, .mid = o.cost.total.si(), .high = hi, .category = o.vendor});
  }
  c.axis.log = !c.rows.empty() && c.rows.back().high > 8 * c.rows.front().low;
  return svg::range_chart(c);
}

std::string options_table(const CompareResult& res) {
  const bool train = training(res);
  std::string h =
      "<div class=\"scroll\"><table>\n<thead><tr><th class=\"n\">#</th><th>accelerator / system</th>"
      "<th>layout</th><th class=\"n\">chips</th>";
  h += train ? "<th class=\"n\">days</th><th class=\"n\">MFU</th>"
             : "<th class=\"n\">TTFT p99</th><th class=\"n\">TPOT p99</th>";
  h += fmt::format(
      "<th class=\"n\">tok/s/chip</th><th class=\"n\">cost<div class=\"small\">80% interval</div></th>"
      "<th class=\"n\">$/Mtok</th><th class=\"n\">{}<div class=\"small\">facility</div></th>"
      "<th class=\"n\">tok/J</th><th class=\"n\">vs<div class=\"small\">{}</div></th></tr></thead>\n<tbody>\n",
      train ? "energy" : "energy/h", escape(res.query.baseline));
  for (const auto& o : res.options) {
    h += fmt::format(
        "<tr><td class=\"n\">{}</td><td>{}{}<div class=\"small\">{}</div></td><td class=\"lay\">{}</td>"
        "<td class=\"n\">{}</td>",
        o.rank, swatch(o.vendor), escape(o.accelerator), escape(o.system), escape(o.layout), o.chips);
    if (train) {
      h += fmt::format("<td class=\"n\">{}</td><td class=\"n\">{:.1f}%</td>", fmt_num(o.time.si() / 86400, 3),
                       100 * o.mfu);
    } else {
      h += fmt::format("<td class=\"n\">{}</td><td class=\"n\">{}</td>", escape(to_text(o.ttft_p99)),
                       escape(to_text(o.tpot_p99)));
    }
    h += fmt::format(
        "<td class=\"n\">{}</td><td class=\"n\"><b>{}</b><div class=\"small\">{}–{}</div></td>"
        "<td class=\"n\">{:.3f}</td><td class=\"n\">{}<div class=\"small\">{}</div></td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td></tr>\n",
        fmt_num(o.tokens_per_s_per_chip, 4), money(o.cost.total.si()), money(o.cost_low.si()), money(o.cost_high.si()),
        o.cost.per_mtok.si(), escape(to_text(o.cost.energy)), escape(to_text(o.cost.facility)),
        fmt_num(o.cost.tokens_per_joule, 3), o.relative ? fmt::format("{:.2f}x", *o.relative) : "–");
  }
  return h + "</tbody></table></div>\n";
}

std::string sources_table(const CompareResult& res, const Catalog& catalog) {
  std::string h =
      "<div class=\"scroll\"><table>\n<thead><tr><th>accelerator</th><th>price (offer)</th><th>provider class</th>"
      "<th class=\"n\">$/chip-h</th>"
      "<th>price source</th><th>retrieved</th><th>spec sources (bf16 peak, HBM, TDP)</th></tr></thead>\n<tbody>\n";
  for (const auto& o : res.options) {
    // Each distinct source once, with the fields it backs; "estimate" if any of them is one.
    std::vector<std::pair<std::string, std::string>> specs;  // source, fields
    std::vector<bool> estimated;
    if (const Accelerator* a = catalog.find_accelerator(o.accelerator)) {
      for (const char* field : {"peak.bf16", "memory.bandwidth", "power.tdp"}) {
        auto it = a->sources.find(field);
        if (it == a->sources.end()) continue;
        auto same =
            std::find_if(specs.begin(), specs.end(), [&](const auto& x) { return x.first == it->second.source; });
        if (same == specs.end()) {
          specs.emplace_back(it->second.source, field);
          estimated.push_back(it->second.estimate);
        } else {
          same->second += std::string(", ") + field;
          estimated[static_cast<size_t>(same - specs.begin())] =
              estimated[static_cast<size_t>(same - specs.begin())] || it->second.estimate;
        }
      }
    }
    std::string spec_text;
    for (size_t k = 0; k < specs.size(); ++k) {
      spec_text += fmt::format("{}<b>{}</b>: {}{}", k ? "<br>" : "", escape(specs[k].second),
                               estimated[k] ? "<span class=\"est\">estimate:</span> " : "", cite(specs[k].first));
    }
    const auto& p = o.price;
    h += fmt::format(
        "<tr><td class=\"acc\">{}{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}{}</td>"
        "<td class=\"acc\">{}</td><td class=\"small\">{}</td></tr>\n",
        swatch(o.vendor), escape(o.accelerator), escape(p.what), escape(price_class(o)),
        p.purchase.si() > 0 ? money(p.purchase.si()) + "/chip" : fmt::format("{:.3f}", per_hour(p.per_chip)),
        p.provenance.estimate ? "<span class=\"est\">estimate:</span> " : "", cite(p.provenance.source),
        escape(p.provenance.retrieved), spec_text);
  }
  return h + "</tbody></table></div>\n";
}

std::string evidence_table(const CompareResult& res) {
  std::string h =
      "<div class=\"scroll\"><table>\n<thead><tr><th>accelerator</th><th>stack</th><th>precision</th>"
      "<th class=\"n\">published runs</th><th class=\"n\">LOO median error</th><th class=\"n\">throughput interval</th>"
      "<th>extrapolating</th></tr></thead>\n<tbody>\n";
  for (const auto& o : res.options) {
    std::string ext = o.interval.extrapolations.empty() ? "<span class=\"ok\">inside the evidence</span>" : "";
    for (const auto& x : o.interval.extrapolations) ext += (ext.empty() ? "" : "<br>") + escape(x);
    h += fmt::format(
        "<tr><td>{}{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1f}%</td>"
        "<td class=\"n\">{:.2f}x–{:.2f}x</td><td class=\"small\">{}</td></tr>\n",
        swatch(o.vendor), escape(o.accelerator), escape(o.stack), to_string(o.precision), o.interval.cases,
        o.interval.median_abs_pct, o.interval.low, o.interval.high, ext);
  }
  return h + "</tbody></table></div>\n";
}

// "a ↔ b, c ↔ d" with at most `most` pairs, then how many more.
std::string pairs_text(const std::vector<std::pair<std::string, std::string>>& swaps, size_t most) {
  std::string out;
  for (size_t i = 0; i < swaps.size() && i < most; ++i) {
    out += (i ? ", " : "") + escape(swaps[i].first + " ↔ " + swaps[i].second);
  }
  if (swaps.size() > most) out += fmt::format(" and {} more", swaps.size() - most);
  return out;
}

// Cost low–high per option and assumption.
std::string ranges_table(const CompareResult& res) {
  std::string h = "<div class=\"scroll\"><table>\n<thead><tr><th>accelerator</th><th class=\"n\">base</th>";
  for (const auto& f : res.sensitivity) {
    const size_t colon = f.key.find(':');
    h += colon == std::string::npos ? fmt::format("<th class=\"n\">{}</th>", escape(f.key))
                                    : fmt::format("<th class=\"n\">{}<div class=\"small\">{}</div></th>",
                                                  escape(f.key.substr(0, colon)), escape(f.key.substr(colon + 1)));
  }
  h += "</tr></thead>\n<tbody>\n";
  for (size_t i = 0; i < res.options.size(); ++i) {
    const auto& o = res.options[i];
    h += fmt::format("<tr><td class=\"acc\">{}{}</td><td class=\"n\"><b>{}</b></td>", swatch(o.vendor),
                     escape(o.accelerator), money(o.cost.total.si()));
    for (const auto& f : res.sensitivity) {
      h += f.cost[i] ? fmt::format("<td class=\"n\">{}–{}</td>", money(f.cost[i]->first), money(f.cost[i]->second))
                     : std::string("<td class=\"n\">–</td>");
    }
    h += "</tr>\n";
  }
  return h + "</tbody></table></div>\n";
}

std::string sensitivity_table(const CompareResult& res) {
  std::string h =
      "<div class=\"scroll\"><table>\n<thead><tr><th>assumption</th><th>what was varied</th><th>ranking</th></tr>"
      "</thead>\n<tbody>\n";
  for (const auto& f : res.sensitivity) {
    std::string verdict = "<span class=\"ok\">order holds</span>";
    if (!f.swaps.empty()) {
      verdict = fmt::format("<span class=\"warn\">can change</span> ({} pair{}): {}", f.swaps.size(),
                            f.swaps.size() == 1 ? "" : "s", pairs_text(f.swaps, 8));
    }
    h += fmt::format("<tr><td><b>{}</b></td><td>{}</td><td class=\"small\">{}</td></tr>\n", escape(f.key),
                     escape(f.description), verdict);
  }
  return h + "</tbody></table></div>\n";
}

}  // namespace

std::string compare_to_html(const CompareResult& res, const Catalog& catalog) {
  const auto& r = res.query;
  const bool train = training(res);
  std::string h = html::page_begin("xpuplan compare: " + (r.model.name.empty() ? r.model.key : r.model.name));
  h += fmt::format("<h1>Price-performance: {}</h1>\n<p class=\"lede\">{}</p>\n<p class=\"lede\">{}. {}</p>\n",
                   escape(r.model.name.empty() ? r.model.key : r.model.name), escape(describe_workload(r)),
                   escape(describe_prices(r)), cost_basis_note(r, false));
  if (!res.options.empty()) {
    const auto& best = res.options.front();
    auto fastest = std::min_element(res.options.begin(), res.options.end(), [&](const auto& a, const auto& b) {
      return train ? a.time < b.time : a.tpot_p99 < b.tpot_p99;
    });
    h += "<div class=\"cards\">\n";
    h += card(
        "cheapest", best.accelerator,
        fmt::format("{} on {}", money(best.cost.total.si()),
                    best.price.provider.empty() ? best.price.what : best.price.provider + "/" + best.price.instance));
    h += card(train ? "fastest" : "lowest latency", fastest->accelerator,
              train ? fmt::format("{} days on {} chips", fmt_num(fastest->time.si() / 86400, 3), fastest->chips)
                    : fmt::format("TPOT p99 {}", to_text(fastest->tpot_p99)));
    h += card("baseline", r.baseline,
              res.baseline ? fmt::format("{}; cheapest is {:.2f}x better",
                                         money(res.options[*res.baseline].cost.total.si()), best.relative.value_or(1))
                           : "not compared");
    h += card("compared", fmt::format("{} of {}", res.options.size(), res.options.size() + res.not_compared.size()),
              fmt::format("{} left out (see below)", res.not_compared.size()));
    h += "</div>\n";
  }
  if (!res.baseline_note.empty()) h += fmt::format("<p class=\"warn\">Note: {}.</p>\n", escape(res.baseline_note));
  for (const std::string& caveat : {class_caveat_text(res), basis_caveat_text(res)}) {
    if (!caveat.empty()) h += fmt::format("<p class=\"warn\">Like for like: {}</p>\n", escape(caveat));
  }

  h += "<h2>Cost by accelerator</h2>\n<figure>\n" + cost_chart(res) +
       "<figcaption>Bars are coloured by vendor (Okabe–Ito palette, distinguishable with common colour-vision "
       "deficiencies). The factor after each cost is the baseline's cost over this one: above 1 is cheaper for the "
       "same work.</figcaption>\n</figure>\n";
  h += "<figure>\n" + tradeoff_chart(res) +
       "<figcaption>Marker shapes also differ by vendor. The dashed line joins the Pareto front.</figcaption>\n"
       "</figure>\n";
  h += "<h2>Options</h2>\n" + options_table(res);
  if (!res.sensitivity.empty()) {
    h += "<h2>Sensitivity</h2>\n<figure>\n" + sensitivity_chart(res) + "</figure>\n" + sensitivity_table(res) +
         "<p class=\"small\">Cost under each assumption at its two ends (USD):</p>\n" + ranges_table(res);
  }
  if (!res.not_compared.empty()) {
    h += "<h2>Not compared</h2>\n<ul class=\"reasons\">\n";
    for (const auto& n : res.not_compared) {
      h += fmt::format("<li>{}<b>{}</b>: {}</li>\n", swatch(n.vendor), escape(n.accelerator), escape(n.reason));
    }
    h += "</ul>\n";
  }
  h += "<h2>Sources</h2>\n" + sources_table(res, catalog);
  h += "<h2>Evidence behind the estimates</h2>\n" + evidence_table(res);
  h += "<p class=\"small\">The 80% interval multiplies each estimate's throughput by the spread of its stack's "
       "leave-one-out errors on published runs (10th to 90th percentile), widened 1.5× for each extrapolation. "
       "Energy: chips × (TDP + host share) × PUE " +
       fmt_num(r.pue, 3) +
       " over the run (Patterson et al. 2021, arXiv:2104.10350); "
       "rented prices already include it.</p>\n";
  h += html::page_end(
      "Generated by xpuplan compare. Every price and specification above carries its source; estimates are marked.");
  return h;
}

}  // namespace xpu
