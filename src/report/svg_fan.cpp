#include "report/svg_fan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/svg_frame.h"

namespace xpu::svg {

std::string fan_chart(const FanChart& c) {
  const std::string id = chart_id(c.id, c.title);
  std::vector<std::string> cats;
  for (const auto& s : c.series) cats.push_back(s.category.empty() ? s.name : s.category);
  const size_t n = c.columns.size();
  double lo = 0, hi = 0;
  for (const auto& s : c.series) {
    for (double v : s.low) lo = std::min(lo, v);
    for (double v : s.high) hi = std::max(hi, v);
  }
  for (double v : c.reference) hi = std::max(hi, v);
  if (!(hi > lo)) hi = lo + 1;
  std::string body;
  double y = draw_header(body, c.title, c.subtitle);
  std::vector<LegendItem> legend;
  for (size_t i = 0; i < c.series.size(); ++i) {
    legend.push_back({c.series[i].name + " (P10-P90, median)", category_color(cats[i], cats), "swatch"});
  }
  if (!c.reference.empty()) legend.push_back({c.reference_label, "#555555", "line"});
  y = draw_legend(body, legend, 12, y, c.width - 12);
  const double top = y + 18, bottom = c.height - (c.x_title.empty() ? 30.0 : 46.0);
  Axis axis = c.y;
  axis.log = false;
  const Scale s = make_scale(axis, lo, hi, bottom, top);
  double left = 0;
  for (double t : s.ticks) left = std::max(left, text_width(tick_label(t, axis), 12));
  left += 34;
  const double right = c.width - 16.0;
  draw_value_axis_y(body, s, axis, left, right);
  const double step = (right - left) / std::max<double>(1, static_cast<double>(n));
  auto x_at = [&](size_t end_of) { return left + step * static_cast<double>(end_of); };  // 0 = the start
  auto path = [&](const std::vector<double>& v) {
    std::string pts = fmt::format("{},{}", num(x_at(0)), num(s(0)));
    for (size_t i = 0; i < n && i < v.size(); ++i) pts += fmt::format(" {},{}", num(x_at(i + 1)), num(s(v[i])));
    return pts;
  };
  for (size_t k = 0; k < c.series.size(); ++k) {
    const FanSeries& f = c.series[k];
    const std::string color = category_color(cats[k], cats);
    std::string band = path(f.high);
    for (size_t i = std::min(n, f.low.size()); i-- > 0;)
      band += fmt::format(" {},{}", num(x_at(i + 1)), num(s(f.low[i])));
    body += fmt::format(
        "<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.22\" stroke=\"none\"><title>{}</title></polygon>\n", band,
        color, escape(f.name + ": P10 to P90"));
    body +=
        fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", path(f.mid), color);
    for (size_t i = 0; i < n && i < f.mid.size(); ++i) {
      body +=
          fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"><title>{}</title></circle>\n", num(x_at(i + 1)),
                      num(s(f.mid[i])), color,
                      escape(fmt::format("{}, end of {}: median {} (P10 {}, P90 {})", f.name, c.columns[i],
                                         tick_label(f.mid[i], axis), tick_label(i < f.low.size() ? f.low[i] : 0, axis),
                                         tick_label(i < f.high.size() ? f.high[i] : 0, axis))));
    }
  }
  if (!c.reference.empty()) {
    body += fmt::format(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#555555\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\">"
        "<title>{}</title></polyline>\n",
        path(c.reference), escape(c.reference_label));
  }
  if (c.marker && *c.marker >= 0 && static_cast<size_t>(*c.marker) < n) {
    const double x = x_at(static_cast<size_t>(*c.marker) + 1);
    body += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#D55E00\" stroke-width=\"1.5\" "
        "stroke-dasharray=\"3 3\"><title>{3}</title></line>\n"
        "<text x=\"{4}\" y=\"{5}\" text-anchor=\"end\" font-size=\"11\" fill=\"#D55E00\">{3}</text>\n",
        num(x), num(top), num(bottom), escape(c.marker_label), num(x - 4), num(top + 12));
  }
  const double label_w = n ? (right - left) / static_cast<double>(n) : 1;
  double widest = 0;
  for (const auto& col : c.columns) widest = std::max(widest, text_width(col, 12));
  const size_t every = static_cast<size_t>(std::max(1.0, std::ceil((widest + 8) / std::max(1.0, label_w))));
  for (size_t i = 0; i < n; i += every) {
    body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#1a1a1a\">{}</text>\n",
                        num(left + label_w * (static_cast<double>(i) + 0.5)), num(bottom + 16), escape(c.columns[i]));
  }
  if (!c.x_title.empty()) {
    body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#333333\">{}</text>\n",
                        num((left + right) / 2), num(bottom + 34), escape(c.x_title));
  }
  std::string desc = c.subtitle;
  for (const auto& f : c.series) {
    if (!f.mid.empty() && n > 0) {
      desc += fmt::format(" {} at the end of {}: median {}.", f.name, c.columns[std::min(n, f.mid.size()) - 1],
                          tick_label(f.mid[std::min(n, f.mid.size()) - 1], axis));
    }
  }
  return open_svg(id, c.width, c.height, c.title, desc) + body + "</svg>\n";
}

}  // namespace xpu::svg
