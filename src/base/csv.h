// One line of CSV (RFC 4180 quoting: "a, b" and "" for a quote inside): the
// one splitter every CSV reader uses, and the one quoting every CSV writer uses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace xpu {

struct CsvCells {
  std::vector<std::string> text;
  std::vector<int> starts;  // 1-based column where each cell starts in the line, for diagnostics
};

// Cells of `line`; a trailing '\r' (CRLF files) is dropped.
CsvCells split_csv_line(std::string_view line);

// A cell as CSV writes it: quoted (quotes doubled) when it holds a comma, a quote or a line break.
std::string csv_quote(std::string_view cell);

}  // namespace xpu
