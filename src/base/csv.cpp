#include "base/csv.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/suggest.h"

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

namespace xpu {

CsvHeader read_csv_header(std::string_view line, const std::string& file, std::span<const std::string> required,
                          std::span<const std::string> known, Diagnostics& ds, std::string_view missing_hint) {
  CsvHeader h;
  const CsvCells cells = split_csv_line(line);
  h.names = cells.text;
  h.starts = cells.starts;
  for (auto& n : h.names) {
    const size_t first = n.find_first_not_of(' ');
    n = first == std::string::npos ? std::string() : n.substr(first, n.find_last_not_of(' ') - first + 1);
  }
  // A tab- or semicolon-separated file (a spreadsheet's export) was one
  // unknown column and every column "missing", one line each (usertrial6).
  if (h.names.size() == 1 && !required.empty()) {
    for (const char sep : {'\t', ';'}) {
      const auto n = std::count(h.names[0].begin(), h.names[0].end(), sep);
      if (n == 0) continue;
      ds.push_back(error_at({file, 1, 1, ""},
                            fmt::format("the header is one column holding {} {}: a {}-separated file? The columns are "
                                        "read separated by commas (save it as CSV)",
                                        n, sep == '\t' ? "tabs" : "semicolons", sep == '\t' ? "tab" : "semicolon")));
      h.ok = false;
      return h;
    }
  }
  const auto listed = [](std::span<const std::string> names, const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  std::vector<std::string> strangers;  // header names the reader does not know
  // The near miss of an unknown name is a known column the header lacks ('modle' is 'model', not 'mode').
  std::vector<std::string> absent;
  for (const std::string& k : known) {
    if (std::find(h.names.begin(), h.names.end(), k) == h.names.end()) absent.push_back(k);
  }
  for (size_t i = 0; i < h.names.size(); ++i) {
    const std::string& n = h.names[i];
    const int column = h.starts[i];
    if (const auto [it, fresh] = h.col.emplace(n, i); !fresh) {
      ds.push_back(error_at(
          {file, 1, column, ""},
          n.empty() ? fmt::format("column {} has no name, nor has column {}; name each column", i + 1, it->second + 1)
                    : fmt::format("column '{}' is given twice (first as column {}); which one to "
                                  "read is a guess, so keep one",
                                  n, it->second + 1)));
      h.ok = false;
      continue;
    }
    if (known.empty() ? listed(required, n) : listed(known, n)) continue;
    strangers.push_back(n);
    if (!known.empty()) {
      // A comma at the end of the header (a spreadsheet's export) names an empty column.
      ds.push_back(warning_at(
          {file, 1, column, ""},
          n.empty()
              ? fmt::format("column {} has no name (a comma at the end of the header?): its cells are not read", i + 1)
              : fmt::format("unknown column '{}'{}: its cells are not read", n, did_you_mean(n, absent))));
    }
  }
  for (const std::string& r : required) {
    if (h.col.contains(r)) continue;
    std::string hint;
    if (const auto near = closest_match(r, strangers)) {
      hint = fmt::format(" (the header has '{}' in column {}: a typo?)", *near, h.col.at(*near) + 1);
    } else if (!missing_hint.empty()) {
      hint = fmt::format(" ({})", missing_hint);
    }
    ds.push_back(error_at({file, 1, 0, ""}, fmt::format("missing column '{}'{}", r, hint)));
    h.ok = false;
  }
  return h;
}

}  // namespace xpu
