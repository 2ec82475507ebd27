// The frame every xpuplan HTML report shares: one self-contained page (inline
// CSS, no scripts, fonts or images to fetch), summary cards, figures and
// tables. Charts come from io/svg.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace xpu::html {

// <!DOCTYPE html> ... <main>: the shared stylesheet and the page title.
std::string page_begin(std::string_view title);
// <footer>text</footer></main></body></html>
std::string page_end(std::string_view footer);

// A summary card: key in small caps, value large, a line below.
std::string card(std::string_view key, std::string_view value, std::string_view sub);
// An SVG chart with its caption.
std::string figure(const std::string& svg, std::string_view caption);
// A table of escaped text. Columns listed in `numeric` are right-aligned.
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  const std::vector<size_t>& numeric = {});
// A coloured square for a vendor, placed before its name.
std::string swatch(std::string_view vendor);
// Dollars with k/M/B suffixes: "$1.5M".
std::string money(double usd);

}  // namespace xpu::html
