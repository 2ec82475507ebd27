// Structure of the SVG charts: element counts, labels, escaping, determinism,
// well-formedness, and the tick and Pareto helpers they rest on.
#include "report/svg.h"

#include <gtest/gtest.h>

#include "report/markup.h"

namespace xpu::svg {
namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

void expect_clean(const std::string& svg) {
  EXPECT_EQ(check_markup(svg), std::vector<std::string>{}) << svg;
  EXPECT_EQ(external_references(svg), std::vector<std::string>{});
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"")) << svg.substr(0, 80);
  EXPECT_TRUE(svg.ends_with("</svg>\n"));
}

BarChart three_bars() {
  BarChart c;
  c.title = "Cost of the run";
  c.subtitle = "Llama 3.1 70B, 15T tokens";
  c.axis = {.title = "USD", .prefix = "$"};
  c.bars = {{.label = "h100-sxm", .value = 2.5e7, .category = "nvidia", .low = 2.1e7, .high = 2.9e7},
            {.label = "tpu-v5p", .value = 1.8e7, .category = "google"},
            {.label = "A&B <x>", .value = 3e6, .category = "aws", .note = "1.2x \"best\""}};
  c.reference = 2.5e7;
  c.reference_label = "baseline h100-sxm";
  return c;
}

TEST(Svg, EscapesTheFiveMarkupCharacters) {
  EXPECT_EQ(escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(escape("plain"), "plain");
}

TEST(Svg, VendorPaletteIsFixedAndOthersFollowTheirOrder) {
  EXPECT_EQ(vendor_color("nvidia"), "#009E73");
  EXPECT_EQ(vendor_color("google"), "#0072B2");
  EXPECT_EQ(vendor_color("aws"), "#E69F00");
  EXPECT_EQ(vendor_color("amd"), "#D55E00");
  EXPECT_EQ(vendor_color("intel"), "#7F7F7F");
  const std::vector<std::string> cats{"nvidia", "spot", "aws", "1y"};
  EXPECT_EQ(category_color("nvidia", cats), "#009E73");
  EXPECT_EQ(category_color("spot", cats), "#56B4E9");
  EXPECT_EQ(category_color("1y", cats), "#CC79A7");
  EXPECT_EQ(display_name("aws"), "AWS");
  EXPECT_EQ(display_name("spot"), "spot");
}

TEST(Svg, NiceTicksCoverTheRangeInRoundSteps) {
  EXPECT_EQ(nice_ticks(0, 97), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_EQ(nice_ticks(0, 2.5e7), (std::vector<double>{0, 5e6, 1e7, 1.5e7, 2e7, 2.5e7}));
  EXPECT_EQ(nice_ticks(0, 0), (std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}));
  EXPECT_EQ(log_ticks(3, 3000), (std::vector<double>{10, 100, 1000}));
  EXPECT_EQ(log_ticks(3, 60), (std::vector<double>{5, 10, 20, 50}));
  EXPECT_TRUE(log_ticks(0, 10).empty());
}

TEST(Svg, TickLabelsAreCompactWithUnits) {
  EXPECT_EQ(tick_label(2.5e7, {.prefix = "$"}), "$25M");
  EXPECT_EQ(tick_label(1500, {.suffix = " d"}), "1.5k d");
  EXPECT_EQ(tick_label(0.025, {}), "0.025");
  EXPECT_EQ(tick_label(0, {.prefix = "$"}), "$0");
  EXPECT_EQ(tick_label(3e9, {}), "3B");
}

TEST(Svg, HorizontalBarChartHasOneBarPerRowWithEscapedLabels) {
  const std::string svg = bar_chart(three_bars());
  expect_clean(svg);
  EXPECT_EQ(count(svg, "height=\"16\" rx=\"2\""), 3u);
  EXPECT_NE(svg.find(">h100-sxm</text>"), std::string::npos);
  EXPECT_NE(svg.find("A&amp;B &lt;x&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("A&B <x>"), std::string::npos);
  EXPECT_NE(svg.find("1.2x &quot;best&quot;"), std::string::npos);
  // Legend: three vendors in the fixed order, then the baseline line.
  const size_t nv = svg.find(">NVIDIA</text>"), go = svg.find(">Google</text>"), aw = svg.find(">AWS</text>");
  ASSERT_NE(nv, std::string::npos);
  EXPECT_LT(nv, go);
  EXPECT_LT(go, aw);
  EXPECT_EQ(count(svg, "stroke-dasharray"), 2u);  // legend sample + the reference line
  EXPECT_EQ(count(svg, "80% interval"), 1u);      // one whisker
  EXPECT_NE(svg.find("<title id=\"chart-cost-of-the-run-title\">Cost of the run</title>"), std::string::npos);
  EXPECT_NE(svg.find("aria-labelledby=\"chart-cost-of-the-run-title chart-cost-of-the-run-desc\""), std::string::npos);
}

TEST(Svg, SameInputGivesTheSameBytes) {
  EXPECT_EQ(bar_chart(three_bars()), bar_chart(three_bars()));
  BarChart v = three_bars();
  v.horizontal = false;
  const std::string a = bar_chart(v);
  EXPECT_EQ(a, bar_chart(v));
  expect_clean(a);
  EXPECT_EQ(count(a, "rx=\"2\" fill="), 3u + 3u);  // three bars, three legend swatches
}

TEST(Svg, ScatterMarksTheParetoFront) {
  ScatterChart c;
  c.id = "tc";
  c.title = "Time vs cost";
  c.x = {.title = "days", .suffix = " d"};
  c.y = {.title = "cost", .prefix = "$", .log = true};
  c.points = {{.label = "a", .x = 10, .y = 9e6, .category = "nvidia"},
              {.label = "b", .x = 20, .y = 5e6, .category = "google"},
              {.label = "c", .x = 30, .y = 6e6, .category = "aws"},  // dominated by b
              {.label = "d<e", .x = 40, .y = 1e6, .category = "amd"}};
  EXPECT_EQ(pareto_front(c.points), (std::vector<size_t>{0, 1, 3}));
  const std::string svg = scatter_chart(c);
  expect_clean(svg);
  EXPECT_EQ(count(svg, "r=\"10\" fill=\"none\""), 3u);  // rings on the front
  EXPECT_EQ(count(svg, "<polyline"), 1u);
  EXPECT_NE(svg.find(">d&lt;e</text>"), std::string::npos);
  EXPECT_EQ(count(svg, "<circle cx"), 3u + 1u + 2u);  // rings, the nvidia marker, its legend sample, legend ring
  EXPECT_EQ(count(svg, "<polygon"), 2u + 2u);         // triangle, diamond markers and their legend samples
  EXPECT_NE(svg.find("b: 20 d, $5M (Pareto front)"), std::string::npos);  // in <desc>
}

TEST(Svg, ParetoFrontKeepsTheFirstOfEqualPoints) {
  std::vector<Point> p{
      {.label = "x", .x = 1, .y = 1}, {.label = "y", .x = 1, .y = 1}, {.label = "z", .x = 0.5, .y = 2}};
  EXPECT_EQ(pareto_front(p), (std::vector<size_t>{2, 0}));
  EXPECT_TRUE(pareto_front({}).empty());
}

TEST(Svg, RangeChartDrawsLowMidHighPerRow) {
  RangeChart c;
  c.title = "Sensitivity";
  c.axis = {.title = "cost", .prefix = "$"};
  c.rows = {{.label = "trn2", .low = 5, .mid = 6, .high = 9, .category = "aws"},
            {.label = "h100-sxm", .low = 7, .mid = 7, .high = 7, .category = "nvidia"}};
  const std::string svg = range_chart(c);
  expect_clean(svg);
  EXPECT_EQ(count(svg, "stroke-width=\"10\""), 2u);
  EXPECT_EQ(count(svg, "r=\"5\""), 2u);
  EXPECT_NE(svg.find("$5 – $9"), std::string::npos);
}

TEST(Svg, StackedBarsStackSeriesPerColumnAndSkipZeros) {
  StackedBarChart c;
  c.title = "Chips by vendor";
  c.y = {.title = "chips"};
  c.x_title = "month";
  c.columns = {"2026-01", "2026-02", "2026-03"};
  c.series = {{.name = "NVIDIA", .category = "nvidia", .values = {1024, 2048, 2048}},
              {.name = "AWS", .category = "aws", .values = {0, 512, 1024}},
              {.name = "Other & co", .values = {8}}};
  const std::string svg = stacked_bar_chart(c);
  expect_clean(svg);
  EXPECT_EQ(count(svg, "stroke-width=\"0.5\""), 3u + 2u + 1u);  // zero and missing values draw nothing
  EXPECT_NE(svg.find("AWS, 2026-03: 1.02k"), std::string::npos);
  EXPECT_NE(svg.find(">3.07k</text>"), std::string::npos);  // total of March
  EXPECT_NE(svg.find(">Other &amp; co</text>"), std::string::npos);
  EXPECT_EQ(svg, stacked_bar_chart(c));
}

TEST(Markup, FindsUnbalancedTagsAndBareAmpersands) {
  EXPECT_TRUE(check_markup("<html><body><p>a &amp; b<br></p></body></html>").empty());
  EXPECT_EQ(check_markup("<g><rect/></svg>"),
            (std::vector<std::string>{"at 10: </svg> closes <g> (opened at 0)", "at 0: <g> never closed"}));
  EXPECT_EQ(check_markup("<p>a & b</p>"), (std::vector<std::string>{"at 5: '&' that starts no entity"}));
  EXPECT_EQ(check_markup("<div><p>x</div>"), (std::vector<std::string>{"at 9: </div> closes <p> (opened at 5)"}));
  EXPECT_EQ(check_markup("<style>a > b {}</style><p>"), (std::vector<std::string>{"at 23: <p> never closed"}));
}

TEST(Markup, FindsExternalReferences) {
  EXPECT_TRUE(external_references("<svg xmlns=\"http://www.w3.org/2000/svg\"><a href=\"#x\">x</a></svg>").empty());
  EXPECT_EQ(external_references("<img src=\"https://example.com/a.png\">").size(), 2u);  // the URL and the src
  EXPECT_EQ(external_references("<style>@import 'x.css';</style>").size(), 1u);
  EXPECT_EQ(external_references("<link href=\"style.css\">").size(), 1u);
}

}  // namespace
}  // namespace xpu::svg
