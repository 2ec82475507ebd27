// Fan charts for distributions over time (the simulator's per-month series):
// per series a band between two quantiles (P10-P90) and a line at the median,
// plus an optional dashed reference path (the plan) and a vertical marker (a
// deadline). Same conventions as report/svg.h: one self-contained <svg>,
// byte-identical for identical input, tooltips on every mark.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/svg.h"

namespace xpu::svg {

struct FanSeries {
  std::string name;         // legend label ("static")
  std::string category;     // colour key; empty = the name
  std::vector<double> low;  // one value per column end, like mid and high; low <= mid <= high
  std::vector<double> mid;
  std::vector<double> high;
};

struct FanChart {
  std::string id;
  std::string title;
  std::string subtitle;
  Axis y;
  std::string x_title;               // "month"
  std::vector<std::string> columns;  // periods left to right; values are at each period's end, 0 at the start
  std::vector<FanSeries> series;
  std::vector<double> reference;  // dashed path at period ends (empty = none)
  std::string reference_label;
  std::optional<int> marker;  // a vertical dashed line at the end of this column (a deadline)
  std::string marker_label;
  int width = 760, height = 380;
};

std::string fan_chart(const FanChart& c);

}  // namespace xpu::svg
