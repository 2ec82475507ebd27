#include "report/html_page.h"

#include <fmt/format.h>

#include "base/unit_text.h"
#include "report/svg.h"

namespace xpu::html {
namespace {

constexpr const char* kStyle = R"(
:root { --ink: #1a1a1a; --muted: #5a5a5a; --rule: #dedede; --band: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef0f3; color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1160px; margin: 24px auto; padding: 28px 36px 36px; background: #fff;
  border-radius: 10px; box-shadow: 0 1px 4px rgba(0,0,0,.08); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
p.lede { color: var(--muted); margin: 0 0 2px; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 20px 0 6px; }
.card { background: var(--band); border-radius: 8px; padding: 12px 14px; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .v { font-size: 20px; font-weight: 600; margin-top: 2px; }
.card .s { color: var(--muted); font-size: 12px; }
figure { margin: 14px 0 4px; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 12.5px; margin-top: 4px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; margin: 8px 0; }
th, td { padding: 5px 6px; border-bottom: 1px solid var(--rule); vertical-align: top; text-align: left; }
th { font-weight: 600; background: var(--band); white-space: nowrap; }
td.lay { font-size: 12px; white-space: nowrap; }
td.acc { white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:hover { background: #fafbfc; }
.sw { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: 0; }
.est { color: #9a5b00; font-weight: 600; }
.ok { color: #1d6b3a; } .warn { color: #9a3b00; }
.small { font-size: 12px; color: var(--muted); }
ul.reasons { margin: 6px 0; padding-left: 20px; } ul.reasons li { margin: 2px 0; }
footer { margin-top: 30px; color: var(--muted); font-size: 12px; }
@media print { body { background: #fff; } main { box-shadow: none; margin: 0; max-width: none; } }
)";

}  // namespace

std::string page_begin(std::string_view title) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n",
      svg::escape(title), kStyle);
}

std::string page_end(std::string_view footer) {
  return fmt::format("<footer>{}</footer>\n</main>\n</body>\n</html>\n", svg::escape(footer));
}

std::string card(std::string_view key, std::string_view value, std::string_view sub) {
  return fmt::format(
      "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div><div class=\"s\">{}</div></div>\n",
      svg::escape(key), svg::escape(value), svg::escape(sub));
}

std::string figure(const std::string& svg, std::string_view caption) {
  std::string f = "<figure>\n" + svg;
  if (!caption.empty()) f += fmt::format("<figcaption>{}</figcaption>\n", svg::escape(caption));
  return f + "</figure>\n";
}

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  const std::vector<size_t>& numeric) {
  auto cls = [&](size_t i) {
    for (size_t n : numeric) {
      if (n == i) return " class=\"n\"";
    }
    return "";
  };
  std::string t = "<div class=\"scroll\"><table><thead><tr>";
  for (size_t i = 0; i < header.size(); ++i) t += fmt::format("<th{}>{}</th>", cls(i), svg::escape(header[i]));
  t += "</tr></thead><tbody>\n";
  for (const auto& row : rows) {
    t += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) t += fmt::format("<td{}>{}</td>", cls(i), svg::escape(row[i]));
    t += "</tr>\n";
  }
  return t + "</tbody></table></div>\n";
}

std::string swatch(std::string_view vendor) {
  return fmt::format("<span class=\"sw\" style=\"background:{}\"></span>", svg::vendor_color(vendor));
}

std::string money(double usd) { return to_compact_text(dollars(usd)); }

}  // namespace xpu::html
