// Internal to the SVG charts (svg.cpp, svg_charts.cpp): number formatting,
// text measurement, scales, and the header/legend/axis drawing they share.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "report/svg.h"

namespace xpu::svg {

// A coordinate with one decimal, trailing ".0" dropped, never "-0".
std::string num(double v);
// Approximate width in px of `s` at `font_size` in a sans-serif face (for layout only).
double text_width(std::string_view s, double font_size);
// `id`, or "chart-" and a slug of the title.
std::string chart_id(const std::string& id, const std::string& title);

// Data to pixels along one axis; ticks inside the domain.
struct Scale {
  double d0 = 0, d1 = 1;  // domain (log10 of it for log axes)
  double r0 = 0, r1 = 1;  // pixel range
  bool log = false;
  std::vector<double> ticks;
  double operator()(double v) const;
};
Scale make_scale(const Axis& axis, double data_lo, double data_hi, double r0, double r1);

// The opening <svg> with its accessible <title>/<desc> and a white background.
std::string open_svg(const std::string& id, int width, double height, const std::string& title,
                     const std::string& desc);
// Title and subtitle; returns the y below them.
double draw_header(std::string& out, const std::string& title, const std::string& subtitle);

struct LegendItem {
  std::string label;
  std::string color;
  std::string shape;  // "swatch", "line", "ring", or a marker shape
};
// Vendors first in a fixed order (nvidia, google, aws, amd), then the others as they came.
std::vector<std::string> legend_order(std::vector<std::string> categories);
// Legend items for categories; shape "marker" uses each category's marker shape.
std::vector<LegendItem> category_legend(const std::vector<std::string>& categories, std::string_view shape);
// Draws items left to right from (x0, y), wrapping at max_x; returns the y below.
double draw_legend(std::string& out, const std::vector<LegendItem>& items, double x0, double y, double max_x);

// "circle", "square" (google), "triangle" (aws), "diamond" (amd).
std::string_view marker_shape(std::string_view category);
// One marker element with extra attributes (` stroke="#fff"`) and an optional <title> tooltip.
std::string marker(std::string_view shape, double x, double y, double r, const std::string& fill,
                   const std::string& attrs = "", const std::string& tooltip = "");

// Gridlines, tick labels and the axis title for a horizontal value axis at `bottom`.
void draw_value_axis_x(std::string& out, const Scale& s, const Axis& axis, double top, double bottom);
// The same for a vertical value axis at `left`.
void draw_value_axis_y(std::string& out, const Scale& s, const Axis& axis, double left, double right);

}  // namespace xpu::svg
