// The chart kinds of svg.h, drawn on the frame of svg_frame.h.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "report/svg.h"
#include "report/svg_frame.h"

namespace xpu::svg {
namespace {

template <class T, class F>
std::vector<std::string> categories_of(const std::vector<T>& items, F category) {
  std::vector<std::string> out;
  for (const auto& it : items) {
    const std::string& c = category(it);
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  return out;
}

std::string close_svg(const std::string& id, int width, double height, const std::string& title,
                      const std::string& desc, const std::string& body) {
  return open_svg(id, width, height, title, desc) + body + "</svg>\n";
}

double widest(const std::vector<std::string>& texts, double font_size) {
  double w = 0;
  for (const auto& t : texts) w = std::max(w, text_width(t, font_size));
  return w;
}

std::vector<std::string> tick_texts(const Scale& s, const Axis& axis) {
  std::vector<std::string> out;
  for (double t : s.ticks) out.push_back(tick_label(t, axis));
  return out;
}

struct Box {
  double x, y, w, h;
  double overlap(const Box& o) const {
    const double dx = std::min(x + w, o.x + o.w) - std::max(x, o.x);
    const double dy = std::min(y + h, o.y + o.h) - std::max(y, o.y);
    return dx > 0 && dy > 0 ? dx * dy : 0;
  }
};

std::string horizontal_bars(const BarChart& c, const std::string& id, const std::vector<std::string>& cats) {
  std::vector<std::string> labels, notes;
  double lo = 0, hi = 0;
  bool first = true;
  auto extend = [&](double v) {
    lo = first ? v : std::min(lo, v);
    hi = first ? v : std::max(hi, v);
    first = false;
  };
  for (const auto& b : c.bars) {
    labels.push_back(b.label);
    notes.push_back(b.note.empty() ? tick_label(b.value, c.axis) : b.note);
    extend(b.value);
    if (b.low) extend(*b.low);
    if (b.high) extend(*b.high);
  }
  if (c.reference) extend(*c.reference);
  const double left = std::max(60.0, widest(labels, 12) + 20);
  const double right = c.width - widest(notes, 12) - 18;
  std::string body;
  double y = draw_header(body, c.title, c.subtitle);
  auto legend = category_legend(cats, "swatch");
  if (c.reference) legend.push_back({c.reference_label, "#444444", "line"});
  y = draw_legend(body, legend, 12, y, c.width - 12);
  const double top = y + 4, row = 26;
  const double bottom = top + row * static_cast<double>(c.bars.size()) + 4;
  const Scale s = make_scale(c.axis, lo, hi, left, right);
  draw_value_axis_x(body, s, c.axis, top, bottom);
  const double zero = c.axis.log ? s.r0 : s(std::clamp(0.0, c.axis.min.value_or(-1e300), 1e300));
  for (size_t i = 0; i < c.bars.size(); ++i) {
    const Bar& b = c.bars[i];
    const double yc = top + row * static_cast<double>(i) + row / 2;
    const double x1 = s(b.value);
    const std::string color = category_color(b.category, cats);
    const std::string tip = b.tooltip.empty() ? b.label + ": " + notes[i] : b.tooltip;
    body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#1a1a1a\">{}</text>\n", num(left - 8),
                        num(yc + 4), escape(b.label));
    body += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"16\" rx=\"2\" fill=\"{}\"><title>{}</title></rect>\n",
        num(std::min(zero, x1)), num(yc - 8), num(std::abs(x1 - zero)), color, escape(tip));
    double end = std::max(zero, x1);
    if (b.low && b.high) {
      const double a = s(*b.low), z = s(*b.high);
      body += fmt::format(
          "<path d=\"M{0} {1}V{2}M{0} {3}H{4}M{4} {1}V{2}\" stroke=\"#222222\" stroke-width=\"1.5\" fill=\"none\">"
          "<title>{5}</title></path>\n",
          num(a), num(yc - 5), num(yc + 5), num(yc), num(z),
          escape(fmt::format("80% interval {} to {}", tick_label(*b.low, c.axis), tick_label(*b.high, c.axis))));
      end = std::max(end, z);
    }
    body += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#333333\">{}</text>\n", num(end + 6), num(yc + 4),
                        escape(notes[i]));
  }
  if (c.reference) {
    body += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#444444\" stroke-width=\"1.5\" "
        "stroke-dasharray=\"5 3\"><title>{3}</title></line>\n",
        num(s(*c.reference)), num(top - 2), num(bottom), escape(c.reference_label));
  }
  std::string desc = c.subtitle;
  for (size_t i = 0; i < c.bars.size(); ++i) desc += fmt::format("{}{}: {}", i ? "; " : " ", labels[i], notes[i]);
  return close_svg(id, c.width, bottom + (c.axis.title.empty() ? 24 : 42), c.title, desc, body);
}

std::string vertical_bars(const BarChart& c, const std::string& id, const std::vector<std::string>& cats) {
  std::vector<std::string> labels;
  double lo = 0, hi = 0;
  for (const auto& b : c.bars) {
    labels.push_back(b.label);
    lo = std::min({lo, b.value, b.low.value_or(b.value)});
    hi = std::max({hi, b.value, b.high.value_or(b.value)});
  }
  if (c.reference) hi = std::max(hi, *c.reference);
  std::string body;
  double y = draw_header(body, c.title, c.subtitle);
  auto legend = category_legend(cats, "swatch");
  if (c.reference) legend.push_back({c.reference_label, "#444444", "line"});
  y = draw_legend(body, legend, 12, y, c.width - 12);
  const double height = 380;
  const double top = y + 18;
  Scale s = make_scale(c.axis, lo, hi, 0, 1);  // ticks first, to size the left margin
  const double left = widest(tick_texts(s, c.axis), 12) + 34, right = c.width - 16.0;
  const double band = (right - left) / std::max<double>(1, static_cast<double>(c.bars.size()));
  const bool rotate = widest(labels, 12) > band - 6;
  const double bottom = height - (rotate ? std::min(120.0, widest(labels, 12) * 0.7 + 24) : 30);
  s = make_scale(c.axis, lo, hi, bottom, top);
  draw_value_axis_y(body, s, c.axis, left, right);
  const double zero = c.axis.log ? s.r0 : s(0);
  for (size_t i = 0; i < c.bars.size(); ++i) {
    const Bar& b = c.bars[i];
    const double xc = left + band * (static_cast<double>(i) + 0.5), w = std::min(48.0, band * 0.7);
    const double y1 = s(b.value);
    const std::string note = b.note.empty() ? tick_label(b.value, c.axis) : b.note;
    const std::string tip = b.tooltip.empty() ? b.label + ": " + note : b.tooltip;
    body += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" fill=\"{}\"><title>{}</title></rect>\n",
        num(xc - w / 2), num(std::min(zero, y1)), num(w), num(std::abs(zero - y1)), category_color(b.category, cats),
        escape(tip));
    double end = std::min(zero, y1);
    if (b.low && b.high) {
      const double a = s(*b.low), z = s(*b.high);
      body += fmt::format(
          "<path d=\"M{0} {1}H{2}M{3} {1}V{4}M{0} {4}H{2}\" stroke=\"#222222\" stroke-width=\"1.5\" "
          "fill=\"none\"/>\n",
          num(xc - 5), num(a), num(xc + 5), num(xc), num(z));
      end = std::min(end, z);
    }
    body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#333333\">{}</text>\n", num(xc),
                        num(end - 5), escape(note));
    if (rotate) {
      body += fmt::format(
          "<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\" fill=\"#1a1a1a\" transform=\"rotate(-35 {0} "
          "{1})\">{2}</text>\n",
          num(xc), num(bottom + 14), escape(b.label));
    } else {
      body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#1a1a1a\">{}</text>\n", num(xc),
                          num(bottom + 16), escape(b.label));
    }
  }
  if (c.reference) {
    body += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#444444\" stroke-width=\"1.5\" "
        "stroke-dasharray=\"5 3\"><title>{3}</title></line>\n",
        num(left), num(s(*c.reference)), num(right), escape(c.reference_label));
  }
  std::string desc = c.subtitle;
  for (size_t i = 0; i < c.bars.size(); ++i) {
    desc += fmt::format("{}{}: {}", i ? "; " : " ", labels[i], tick_label(c.bars[i].value, c.axis));
  }
  return close_svg(id, c.width, height, c.title, desc, body);
}

}  // namespace

std::string bar_chart(const BarChart& c) {
  const std::string id = chart_id(c.id, c.title);
  const auto cats = categories_of(c.bars, [](const Bar& b) -> const std::string& { return b.category; });
  return c.horizontal ? horizontal_bars(c, id, cats) : vertical_bars(c, id, cats);
}

std::vector<size_t> pareto_front(const std::vector<Point>& points) {
  std::vector<size_t> order(points.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::make_pair(points[a].x, points[a].y) < std::make_pair(points[b].x, points[b].y);
  });
  std::vector<size_t> front;
  for (size_t i : order) {
    if (front.empty() || points[i].y < points[front.back()].y) front.push_back(i);
  }
  return front;
}

std::string scatter_chart(const ScatterChart& c) {
  const std::string id = chart_id(c.id, c.title);
  const auto cats = categories_of(c.points, [](const Point& p) -> const std::string& { return p.category; });
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  for (size_t i = 0; i < c.points.size(); ++i) {
    const Point& p = c.points[i];
    x0 = i ? std::min(x0, p.x) : p.x;
    x1 = i ? std::max(x1, p.x) : p.x;
    y0 = i ? std::min(y0, p.y) : p.y;
    y1 = i ? std::max(y1, p.y) : p.y;
  }
  std::string body;
  double y = draw_header(body, c.title, c.subtitle);
  const std::vector<size_t> front = c.pareto ? pareto_front(c.points) : std::vector<size_t>{};
  auto legend = category_legend(cats, "marker");
  if (!front.empty())
    legend.push_back({"Pareto front: no other option is both lower on x and on y", "#222222", "ring"});
  y = draw_legend(body, legend, 12, y, c.width - 12);
  const double top = y + 10, bottom = c.height - 48.0;
  Scale sy = make_scale(c.y, y0, y1, bottom, top);
  const double left = widest(tick_texts(sy, c.y), 12) + 34, right = c.width - 24.0;
  const Scale sx = make_scale(c.x, x0, x1, left, right);
  draw_value_axis_x(body, sx, c.x, top, bottom);
  draw_value_axis_y(body, sy, c.y, left, right);
  if (front.size() >= 2) {
    std::string pts;
    for (size_t i : front)
      pts += fmt::format("{}{},{}", pts.empty() ? "" : " ", num(sx(c.points[i].x)), num(sy(c.points[i].y)));
    body += fmt::format(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#222222\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>\n",
        pts);
  }
  for (size_t i : front) {
    body += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"10\" fill=\"none\" stroke=\"#222222\" stroke-width=\"2\"/>\n",
                        num(sx(c.points[i].x)), num(sy(c.points[i].y)));
  }
  std::vector<Box> taken;
  for (const auto& p : c.points) taken.push_back({sx(p.x) - 7, sy(p.y) - 7, 14, 14});
  for (size_t i : front) taken.push_back({sx(c.points[i].x) - 12, sy(c.points[i].y) - 12, 24, 24});
  for (const auto& p : c.points) {
    const std::string tip =
        p.tooltip.empty() ? fmt::format("{}: {}, {}", p.label, tick_label(p.x, c.x), tick_label(p.y, c.y)) : p.tooltip;
    body += marker(marker_shape(p.category), sx(p.x), sy(p.y), 6, category_color(p.category, cats),
                   " stroke=\"#ffffff\" stroke-width=\"1\"", tip);
  }
  // Labels: the first of right, left, above, below, and the diagonals that
  // overlaps nothing drawn so far; else the one that overlaps least.
  for (const auto& p : c.points) {
    const double px = sx(p.x), py = sy(p.y), w = text_width(p.label, 11.5);
    struct Option {
      double tx, ty;
      const char* anchor;
      Box box;
    };
    const Option options[] = {
        {px + 10, py + 4, "start", {px + 10, py - 8, w, 13}},  {px - 10, py + 4, "end", {px - 10 - w, py - 8, w, 13}},
        {px, py - 12, "middle", {px - w / 2, py - 23, w, 13}}, {px, py + 21, "middle", {px - w / 2, py + 10, w, 13}},
        {px + 8, py - 9, "start", {px + 8, py - 20, w, 13}},   {px + 8, py + 18, "start", {px + 8, py + 7, w, 13}},
        {px - 8, py - 9, "end", {px - 8 - w, py - 20, w, 13}}, {px - 8, py + 18, "end", {px - 8 - w, py + 7, w, 13}},
    };
    const Option* best = nullptr;
    double best_cost = 0;
    for (const auto& o : options) {
      double cost = 0;
      for (const auto& t : taken) cost += o.box.overlap(t);
      if (o.box.x < left || o.box.x + o.box.w > c.width - 4.0 || o.box.y < top - 4 || o.box.y + o.box.h > bottom) {
        cost += 1e6;
      }
      if (best == nullptr || cost < best_cost) {
        best = &o;
        best_cost = cost;
      }
      if (cost == 0) break;
    }
    taken.push_back(best->box);
    body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" font-size=\"11.5\" fill=\"#1a1a1a\">{}</text>\n",
                        num(best->tx), num(best->ty), best->anchor, escape(p.label));
  }
  std::string desc = c.subtitle;
  for (size_t i = 0; i < c.points.size(); ++i) {
    const Point& p = c.points[i];
    const bool on_front = std::find(front.begin(), front.end(), i) != front.end();
    desc += fmt::format("{}{}: {}, {}{}", i ? "; " : " ", p.label, tick_label(p.x, c.x), tick_label(p.y, c.y),
                        on_front ? " (Pareto front)" : "");
  }
  return close_svg(id, c.width, c.height, c.title, desc, body);
}

std::string range_chart(const RangeChart& c) {
  const std::string id = chart_id(c.id, c.title);
  const auto cats = categories_of(c.rows, [](const RangeRow& r) -> const std::string& { return r.category; });
  std::vector<std::string> labels, notes;
  double lo = 0, hi = 0;
  for (size_t i = 0; i < c.rows.size(); ++i) {
    const RangeRow& r = c.rows[i];
    labels.push_back(r.label);
    notes.push_back(fmt::format("{} – {}", tick_label(r.low, c.axis), tick_label(r.high, c.axis)));
    lo = i ? std::min(lo, r.low) : r.low;
    hi = i ? std::max(hi, r.high) : r.high;
  }
  const double left = std::max(60.0, widest(labels, 12) + 20);
  const double right = c.width - widest(notes, 12) - 22;
  std::string body;
  double y = draw_header(body, c.title, c.subtitle);
  auto legend = category_legend(cats, "swatch");
  legend.push_back({"base case", "#1a1a1a", "ring"});
  y = draw_legend(body, legend, 12, y, c.width - 12);
  const double top = y + 4, row = 26;
  const double bottom = top + row * static_cast<double>(c.rows.size()) + 4;
  const Scale s = make_scale(c.axis, lo, hi, left, right);
  draw_value_axis_x(body, s, c.axis, top, bottom);
  for (size_t i = 0; i < c.rows.size(); ++i) {
    const RangeRow& r = c.rows[i];
    const double yc = top + row * static_cast<double>(i) + row / 2;
    const std::string color = category_color(r.category, cats);
    const std::string tip =
        r.tooltip.empty() ? fmt::format("{}: {} (base {})", r.label, notes[i], tick_label(r.mid, c.axis)) : r.tooltip;
    body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#1a1a1a\">{}</text>\n", num(left - 8),
                        num(yc + 4), escape(r.label));
    const double a = s(r.low), z = s(r.high);
    body += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"10\" stroke-linecap=\"round\" "
        "stroke-opacity=\"0.55\"><title>{}</title></line>\n",
        num(a), num(yc), num(std::max(z, a + 0.5)), num(yc), color, escape(tip));
    body += fmt::format(
        "<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"{}\" stroke=\"#1a1a1a\" stroke-width=\"1.5\">"
        "<title>{}</title></circle>\n",
        num(s(r.mid)), num(yc), color, escape(tip));
    body +=
        fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#333333\">{}</text>\n", num(z + 12), num(yc + 4), escape(notes[i]));
  }
  std::string desc = c.subtitle;
  for (size_t i = 0; i < c.rows.size(); ++i) {
    desc += fmt::format("{}{}: {}, base {}", i ? "; " : " ", labels[i], notes[i], tick_label(c.rows[i].mid, c.axis));
  }
  return close_svg(id, c.width, bottom + (c.axis.title.empty() ? 24 : 42), c.title, desc, body);
}

std::string stacked_bar_chart(const StackedBarChart& c) {
  const std::string id = chart_id(c.id, c.title);
  auto key = [](const StackSeries& s) -> const std::string& { return s.category.empty() ? s.name : s.category; };
  const auto cats = categories_of(c.series, key);
  const size_t n = c.columns.size();
  std::vector<double> totals(n, 0.0);
  for (const auto& s : c.series) {
    for (size_t i = 0; i < n && i < s.values.size(); ++i) totals[i] += std::max(0.0, s.values[i]);
  }
  const double hi = n ? *std::max_element(totals.begin(), totals.end()) : 1.0;
  std::string body;
  double y = draw_header(body, c.title, c.subtitle);
  std::vector<LegendItem> legend;
  for (const auto& cat : legend_order(cats)) {
    for (const auto& s : c.series) {
      if (key(s) == cat) {
        legend.push_back({s.name, category_color(cat, cats), "swatch"});
        break;
      }
    }
  }
  y = draw_legend(body, legend, 12, y, c.width - 12);
  const double top = y + 18, bottom = c.height - (c.x_title.empty() ? 30.0 : 46.0);
  Axis axis = c.y;
  axis.log = false;  // stacks add up: only a linear axis is honest
  Scale s = make_scale(axis, 0, hi, bottom, top);
  const double left = widest(tick_texts(s, axis), 12) + 34, right = c.width - 16.0;
  draw_value_axis_y(body, s, axis, left, right);
  const double band = (right - left) / std::max<double>(1, static_cast<double>(n));
  const size_t every = static_cast<size_t>(std::ceil((widest(c.columns, 12) + 8) / std::max(1.0, band)));
  for (size_t i = 0; i < n; ++i) {
    const double xc = left + band * (static_cast<double>(i) + 0.5), w = std::max(2.0, std::min(56.0, band * 0.72));
    double base = 0;
    for (const auto& series : c.series) {
      const double v = i < series.values.size() ? std::max(0.0, series.values[i]) : 0.0;
      if (v <= 0) continue;
      const double y0 = s(base), y1 = s(base + v);
      body += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"0.5\">"
          "<title>{}</title></rect>\n",
          num(xc - w / 2), num(y1), num(w), num(y0 - y1), category_color(key(series), cats),
          escape(fmt::format("{}, {}: {}", series.name, c.columns[i], tick_label(v, axis))));
      base += v;
    }
    const std::string total = tick_label(totals[i], axis);
    if (totals[i] > 0 && text_width(total, 11) < band) {
      body +=
          fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#333333\">{}</text>\n",
                      num(xc), num(s(totals[i]) - 5), escape(total));
    }
    if (i % std::max<size_t>(1, every) == 0) {
      body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#1a1a1a\">{}</text>\n", num(xc),
                          num(bottom + 16), escape(c.columns[i]));
    }
  }
  if (!c.x_title.empty()) {
    body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#333333\">{}</text>\n",
                        num((left + right) / 2), num(bottom + 34), escape(c.x_title));
  }
  std::string desc = c.subtitle;
  for (size_t i = 0; i < n; ++i)
    desc += fmt::format("{}{}: {}", i ? "; " : " ", c.columns[i], tick_label(totals[i], axis));
  return close_svg(id, c.width, c.height, c.title, desc, body);
}

}  // namespace xpu::svg
