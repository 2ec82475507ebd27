#include "base/csv.h"

#include <algorithm>

namespace xpu {

CsvCells split_csv_line(std::string_view line) {
  CsvCells out;
  std::string cell;
  bool quoted = false;
  int line_no = 0;
  size_t line_start = 0;  // offset of the current line's first character
  auto column = [&](size_t i) { return static_cast<int>(i - line_start) + 1; };
  out.starts.push_back(1);
  out.lines.push_back(0);
  for (size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (ch == '\n') {
      ++line_no;
      line_start = i + 1;
    }
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else if (ch != '\r' || i + 1 >= line.size() || line[i + 1] != '\n') {
        cell += ch;
      }
    } else if (ch == '"') {
      quoted = true;
      out.open_quote_line = line_no;
      out.open_quote_column = column(i);
    } else if (ch == ',') {
      out.text.push_back(std::move(cell));
      cell.clear();
      out.starts.push_back(column(i) + 1);
      out.lines.push_back(line_no);
    } else if (ch != '\r') {
      cell += ch;
    }
  }
  out.text.push_back(std::move(cell));
  if (!quoted) out.open_quote_line = out.open_quote_column = 0;
  return out;
}

bool CsvRecords::next(std::string& record) {
  record.clear();
  std::string line;
  if (!std::getline(in_, line)) return false;
  first_ = ++read_;
  record = std::move(line);
  // An odd count of quotes leaves a quoted cell open ("" inside one counts two).
  auto open = [](const std::string& s) { return std::count(s.begin(), s.end(), '"') % 2 == 1; };
  bool quoted = open(record);
  while (quoted && std::getline(in_, line)) {
    ++read_;
    quoted = open(line) ? !quoted : quoted;
    record += '\n';
    record += line;
  }
  return true;
}

std::string csv_quote(std::string_view cell) {
  if (cell.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(cell);
  std::string out = "\"";
  for (char c : cell) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace xpu
