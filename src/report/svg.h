// SVG charts drawn by xpuplan: plain functions over plain data, returning one
// self-contained <svg> element (inline styles, no fonts or images to fetch).
// The same input gives byte-identical output; coordinates carry one decimal.
//
// Every chart has a <title> and <desc> for screen readers, every mark a
// <title> tooltip, and text is escaped (& < > " '). Colours come from one
// fixed palette keyed by category (a vendor, or any other name).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xpu::svg {

// --- Colours -------------------------------------------------------------------

// Vendor colours from the Okabe-Ito palette (Okabe & Ito 2008, "Color
// Universal Design"), chosen to stay distinct under the common colour-vision
// deficiencies: nvidia bluish green #009E73, google blue #0072B2, aws orange
// #E69F00, amd vermillion #D55E00. Scatter markers also differ in shape.
// Unknown vendors get grey.
std::string_view vendor_color(std::string_view vendor);
// "NVIDIA", "Google", "AWS", "AMD"; any other name is returned as given.
std::string display_name(std::string_view category);
// The colour of `category` among `categories` (in order of first use): vendor
// colours for vendor names, the rest of the Okabe-Ito palette in turn for others.
std::string category_color(std::string_view category, const std::vector<std::string>& categories);

// Text for SVG/HTML: & < > " ' become entities.
std::string escape(std::string_view text);

// --- Axes ------------------------------------------------------------------------

struct Axis {
  std::string title;               // "training cost (USD)"
  std::string prefix;              // written before tick values: "$"
  std::string suffix;              // written after them: " d", " MWh"
  bool log = false;                // log10 scale; values must be positive
  bool from_zero = true;           // linear axes start at 0; false: fit the data with a margin
  std::optional<double> min, max;  // forced range; default: from the data
};

// Tick values covering [lo, hi] at 1, 2 or 5 x 10^k steps (Heckbert 1990,
// "Nice numbers for graph labels"), about `target` of them; lo <= hi.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);
// Powers of ten (and 2x, 5x when the range spans under three decades) within [lo, hi]; lo > 0.
std::vector<double> log_ticks(double lo, double hi);
// A value as a tick label with the axis prefix and suffix: "$1.5M", "250 d", "0.02".
std::string tick_label(double v, const Axis& axis);

// --- Charts ----------------------------------------------------------------------

struct Bar {
  std::string label;                // the row (or column) label
  double value = 0;                 // bar length
  std::string category;             // colour key, e.g. the vendor
  std::string tooltip;              // <title>; empty = label and value
  std::string note;                 // text beside the bar; empty = the value as a tick label
  std::optional<double> low, high;  // an interval drawn as a whisker
};

struct BarChart {
  std::string id;  // unique within a page (element ids); empty = derived from the title
  std::string title;
  std::string subtitle;
  Axis axis;  // the value axis
  bool horizontal = true;
  std::vector<Bar> bars;            // in drawing order: top to bottom, or left to right
  std::optional<double> reference;  // a dashed line at this value (a baseline)
  std::string reference_label;      // its label
  int width = 760;                  // px; the height follows from the bars (horizontal) or is 380
};
std::string bar_chart(const BarChart& c);

struct Point {
  std::string label;  // written next to the point
  double x = 0, y = 0;
  std::string category;
  std::string tooltip;
};

struct ScatterChart {
  std::string id;
  std::string title;
  std::string subtitle;
  Axis x, y;
  std::vector<Point> points;
  bool pareto = true;  // outline the points no other beats on both axes (lower is better on both)
  int width = 760, height = 460;
};
std::string scatter_chart(const ScatterChart& c);
// Indices of the lower-left Pareto front (no other point is <= on both axes
// and < on one), sorted by x then y; ties keep the first index.
std::vector<size_t> pareto_front(const std::vector<Point>& points);

struct RangeRow {
  std::string label;
  double low = 0, mid = 0, high = 0;  // low <= mid <= high
  std::string category;
  std::string tooltip;
};

struct RangeChart {
  std::string id;
  std::string title;
  std::string subtitle;
  Axis axis;
  std::vector<RangeRow> rows;  // top to bottom
  int width = 760;
};
std::string range_chart(const RangeChart& c);

// Stacked columns over time (chips by vendor per month, cost by term per
// quarter): one column per period, one segment per series, stacked in series
// order from the bottom; the column total is written above it.
struct StackSeries {
  std::string name;            // legend label, e.g. "NVIDIA" or "h100-sxm"
  std::string category;        // colour key; empty = the name
  std::vector<double> values;  // one per column (missing = 0); non-negative
};

struct StackedBarChart {
  std::string id;
  std::string title;
  std::string subtitle;
  Axis y;
  std::string x_title;               // "month"
  std::vector<std::string> columns;  // period labels, left to right; thinned when crowded
  std::vector<StackSeries> series;
  int width = 760, height = 380;
};
std::string stacked_bar_chart(const StackedBarChart& c);

}  // namespace xpu::svg
