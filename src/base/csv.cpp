#include "base/csv.h"

namespace xpu {

CsvCells split_csv_line(std::string_view line) {
  CsvCells out;
  std::string cell;
  bool quoted = false;
  out.starts.push_back(1);
  for (size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      out.text.push_back(std::move(cell));
      cell.clear();
      out.starts.push_back(static_cast<int>(i) + 2);
    } else if (ch != '\r') {
      cell += ch;
    }
  }
  out.text.push_back(std::move(cell));
  return out;
}

std::string csv_quote(std::string_view cell) {
  if (cell.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(cell);
  std::string out = "\"";
  for (char c : cell) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace xpu
