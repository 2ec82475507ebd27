// Shared pieces of the SVG charts: palette, escaping, ticks, and the frame
// (header, legend, axes) every chart draws. The charts are in svg_charts.cpp.
#include "report/svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "base/unit_text.h"
#include "report/svg_frame.h"

namespace xpu::svg {
namespace {

struct VendorStyle {
  std::string_view key, name, color;
};
// Okabe-Ito: bluish green, blue, orange, vermillion for the four vendors.
constexpr std::array<VendorStyle, 4> kVendors{{{"nvidia", "NVIDIA", "#009E73"},
                                               {"google", "Google", "#0072B2"},
                                               {"aws", "AWS", "#E69F00"},
                                               {"amd", "AMD", "#D55E00"}}};
// The rest of Okabe-Ito (sky blue, reddish purple, yellow) and two greys for other categories.
constexpr std::array<std::string_view, 5> kOthers{"#56B4E9", "#CC79A7", "#F0E442", "#7F7F7F", "#000000"};

const VendorStyle* vendor_style(std::string_view v) {
  for (const auto& s : kVendors) {
    if (s.key == v) return &s;
  }
  return nullptr;
}

// 1, 2, 5 or 10 x 10^k, whichever is nearest to x.
double nice_number(double x) {
  const double e = std::floor(std::log10(x));
  const double f = x / std::pow(10.0, e);
  const double nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  return nf * std::pow(10.0, e);
}

}  // namespace

std::string_view vendor_color(std::string_view vendor) {
  const VendorStyle* s = vendor_style(vendor);
  return s ? s->color : "#7F7F7F";
}

std::string display_name(std::string_view category) {
  const VendorStyle* s = vendor_style(category);
  return std::string(s ? s->name : category);
}

std::string category_color(std::string_view category, const std::vector<std::string>& categories) {
  if (const VendorStyle* s = vendor_style(category)) return std::string(s->color);
  size_t other = 0;
  for (const auto& c : categories) {
    if (c == category) break;
    if (vendor_style(c) == nullptr) ++other;
  }
  return std::string(kOthers[other % kOthers.size()]);
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
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
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo)) hi = lo + (lo == 0 ? 1 : std::abs(lo));
  const double step = nice_number((hi - lo) / std::max(1, target - 1));
  const double first = std::floor(lo / step + 1e-9);
  const double last = std::ceil(hi / step - 1e-9);
  std::vector<double> ticks;
  for (double i = first; i <= last; i += 1) {
    double v = i * step;
    if (std::abs(v) < step * 1e-9) v = 0;  // no "-0"
    ticks.push_back(v);
  }
  return ticks;
}

std::vector<double> log_ticks(double lo, double hi) {
  std::vector<double> ticks;
  if (!(lo > 0) || !(hi >= lo)) return ticks;
  const bool fine = hi / lo < 1000;
  const int e0 = static_cast<int>(std::floor(std::log10(lo))), e1 = static_cast<int>(std::ceil(std::log10(hi)));
  for (int e = e0; e <= e1; ++e) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (!fine && m != 1.0) continue;
      const double v = m * std::pow(10.0, e);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push_back(v);
    }
  }
  return ticks;
}

std::string tick_label(double v, const Axis& axis) { return compact_text(v, axis.prefix, axis.suffix); }

// --- Frame -----------------------------------------------------------------------

std::string num(double v) {
  std::string s = fmt::format("{:.1f}", v);
  if (s == "-0.0") s = "0.0";
  if (s.ends_with(".0")) s.resize(s.size() - 2);
  return s;
}

double text_width(std::string_view s, double font_size) {
  // Average advance widths of a sans-serif face, in ems: enough to lay out labels.
  double em = 0;
  for (unsigned char ch : s) {
    if (ch >= 0x80 && (ch & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
    if (std::string_view("ilj.,:;'|!I1()[] ").find(static_cast<char>(ch)) != std::string_view::npos) {
      em += 0.3;
    } else if (ch == 'm' || ch == 'w' || ch == 'M' || ch == 'W' || ch == '%') {
      em += 0.85;
    } else if (ch >= 'A' && ch <= 'Z') {
      em += 0.66;
    } else {
      em += 0.56;
    }
  }
  return em * font_size;
}

std::string chart_id(const std::string& id, const std::string& title) {
  if (!id.empty()) return id;
  std::string out = "chart-";
  for (char ch : title) {
    if (std::isalnum(static_cast<unsigned char>(ch))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    } else if (!out.ends_with("-")) {
      out += '-';
    }
  }
  while (out.ends_with("-")) out.pop_back();
  return out;
}

Scale make_scale(const Axis& axis, double data_lo, double data_hi, double r0, double r1) {
  Scale s;
  s.log = axis.log;
  s.r0 = r0;
  s.r1 = r1;
  if (s.log) {
    double lo = axis.min.value_or(data_lo / 1.3), hi = axis.max.value_or(data_hi * 1.3);
    if (!(lo > 0)) lo = hi > 0 ? hi / 100 : 1;
    if (!(hi > lo)) hi = lo * 10;
    s.ticks = log_ticks(lo, hi);
    if (s.ticks.size() < 2) {
      s.ticks.clear();
      for (double t : nice_ticks(lo, hi, 4)) {
        if (t >= lo && t <= hi && t > 0) s.ticks.push_back(t);
      }
    }
    s.d0 = std::log10(lo);
    s.d1 = std::log10(hi);
    return s;
  }
  const double margin = axis.from_zero ? 0.0 : 0.06 * std::max(data_hi - data_lo, std::abs(data_hi) * 1e-3);
  double lo = axis.min.value_or(axis.from_zero ? std::min(0.0, data_lo) : data_lo - margin);
  double hi = axis.max.value_or(data_hi + margin);
  if (!axis.from_zero && data_lo >= 0) lo = std::max(lo, 0.0);
  s.ticks = nice_ticks(lo, hi, 6);
  s.d0 = axis.min ? lo : s.ticks.front();
  s.d1 = axis.max ? hi : s.ticks.back();
  if (axis.min || axis.max) {
    std::erase_if(s.ticks, [&](double t) { return t < s.d0 - 1e-12 || t > s.d1 + 1e-12; });
  }
  if (!(s.d1 > s.d0)) s.d1 = s.d0 + 1;
  return s;
}

double Scale::operator()(double v) const {
  double d = log ? std::log10(std::max(v, 1e-300)) : v;
  return r0 + (d - d0) / (d1 - d0) * (r1 - r0);
}

std::string open_svg(const std::string& id, int width, double height, const std::string& title,
                     const std::string& desc) {
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{0}\" width=\"{1}\" height=\"{2}\" viewBox=\"0 0 {1} {2}\" "
      "role=\"img\" aria-labelledby=\"{0}-title {0}-desc\" font-family=\"system-ui, -apple-system, 'Segoe UI', "
      "Roboto, Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
      id, width, num(height));
  out += fmt::format("<title id=\"{}-title\">{}</title>\n", id, escape(title));
  out += fmt::format("<desc id=\"{}-desc\">{}</desc>\n", id, escape(desc));
  out += fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", width, num(height));
  return out;
}

double draw_header(std::string& out, const std::string& title, const std::string& subtitle) {
  double y = 22;
  out += fmt::format("<text x=\"12\" y=\"{}\" font-size=\"15\" font-weight=\"600\" fill=\"#1a1a1a\">{}</text>\n",
                     num(y), escape(title));
  if (!subtitle.empty()) {
    y += 18;
    out += fmt::format("<text x=\"12\" y=\"{}\" fill=\"#555555\">{}</text>\n", num(y), escape(subtitle));
  }
  return y + 8;
}

std::vector<std::string> legend_order(std::vector<std::string> categories) {
  std::vector<std::string> out;
  for (const auto& v : kVendors) {
    if (std::find(categories.begin(), categories.end(), v.key) != categories.end()) out.emplace_back(v.key);
  }
  for (const auto& c : categories) {
    if (vendor_style(c) == nullptr && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  return out;
}

std::string_view marker_shape(std::string_view category) {
  if (category == "google") return "square";
  if (category == "aws") return "triangle";
  if (category == "amd") return "diamond";
  return "circle";
}

std::string marker(std::string_view shape, double x, double y, double r, const std::string& fill,
                   const std::string& attrs, const std::string& tooltip) {
  std::string tag, geometry;
  if (shape == "square") {
    tag = "rect";
    geometry = fmt::format("x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"", num(x - r * 0.9), num(y - r * 0.9),
                           num(r * 1.8), num(r * 1.8));
  } else if (shape == "triangle") {
    tag = "polygon";
    geometry = fmt::format("points=\"{},{} {},{} {},{}\"", num(x), num(y - r * 1.15), num(x + r * 1.05),
                           num(y + r * 0.8), num(x - r * 1.05), num(y + r * 0.8));
  } else if (shape == "diamond") {
    tag = "polygon";
    geometry = fmt::format("points=\"{},{} {},{} {},{} {},{}\"", num(x), num(y - r * 1.2), num(x + r * 1.2), num(y),
                           num(x), num(y + r * 1.2), num(x - r * 1.2), num(y));
  } else {
    tag = "circle";
    geometry = fmt::format("cx=\"{}\" cy=\"{}\" r=\"{}\"", num(x), num(y), num(r));
  }
  if (tooltip.empty()) return fmt::format("<{} {} fill=\"{}\"{}/>\n", tag, geometry, fill, attrs);
  return fmt::format("<{0} {1} fill=\"{2}\"{3}><title>{4}</title></{0}>\n", tag, geometry, fill, attrs,
                     escape(tooltip));
}

double draw_legend(std::string& out, const std::vector<LegendItem>& items, double x0, double y, double max_x) {
  if (items.empty()) return y;
  double x = x0;
  y += 6;
  for (const auto& it : items) {
    const double w = 18 + text_width(it.label, 12) + 16;
    if (x + w > max_x && x > x0) {
      x = x0;
      y += 18;
    }
    if (it.shape == "line") {
      out += fmt::format(
          "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.5\" stroke-dasharray=\"5 "
          "3\"/>\n",
          num(x), num(y + 5), num(x + 13), num(y + 5), it.color);
    } else if (it.shape == "ring") {
      out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"6\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n",
                         num(x + 6), num(y + 5), it.color);
    } else if (it.shape == "swatch") {
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" rx=\"2\" fill=\"{}\"/>\n", num(x),
                         num(y - 1), it.color);
    } else {
      out += marker(it.shape, x + 6, y + 5, 5, it.color);
    }
    out +=
        fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#333333\">{}</text>\n", num(x + 18), num(y + 9), escape(it.label));
    x += w;
  }
  return y + 22;
}

std::vector<LegendItem> category_legend(const std::vector<std::string>& categories, std::string_view shape) {
  std::vector<LegendItem> items;
  for (const auto& c : legend_order(categories)) {
    if (c.empty()) continue;
    items.push_back(
        {display_name(c), category_color(c, categories), std::string(shape == "marker" ? marker_shape(c) : shape)});
  }
  return items;
}

void draw_value_axis_x(std::string& out, const Scale& s, const Axis& axis, double top, double bottom) {
  for (double t : s.ticks) {
    const double x = s(t);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#e3e3e3\"/>\n", num(x), num(top),
                       num(bottom));
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555555\">{}</text>\n", num(x),
                       num(bottom + 15), escape(tick_label(t, axis)));
  }
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#999999\"/>\n", num(s.r0), num(bottom),
                     num(s.r1));
  if (!axis.title.empty()) {
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#333333\">{}</text>\n",
                       num((s.r0 + s.r1) / 2), num(bottom + 32), escape(axis.title));
  }
}

void draw_value_axis_y(std::string& out, const Scale& s, const Axis& axis, double left, double right) {
  for (double t : s.ticks) {
    const double y = s(t);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#e3e3e3\"/>\n", num(left), num(y),
                       num(right));
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#555555\">{}</text>\n", num(left - 6),
                       num(y + 4), escape(tick_label(t, axis)));
  }
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#999999\"/>\n", num(left), num(s.r0),
                     num(s.r1));
  if (!axis.title.empty()) {
    const double cy = (s.r0 + s.r1) / 2;
    out += fmt::format(
        "<text x=\"14\" y=\"{0}\" text-anchor=\"middle\" fill=\"#333333\" transform=\"rotate(-90 14 "
        "{0})\">{1}</text>\n",
        num(cy), escape(axis.title));
  }
}

}  // namespace xpu::svg
