// One line of CSV (RFC 4180 quoting: "a, b" and "" for a quote inside), the
// one splitter every CSV reader here uses.
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

}  // namespace xpu
