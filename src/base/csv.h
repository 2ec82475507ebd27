// CSV records (RFC 4180 quoting: "a, b", "" for a quote inside, and a line
// break inside quotes): the one record reader and splitter every CSV reader
// uses, and the one quoting every CSV writer uses.
#pragma once

#include <istream>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"

namespace xpu {

struct CsvCells {
  std::vector<std::string> text;
  std::vector<int> starts;  // 1-based column where each cell starts in its line, for diagnostics
  std::vector<int> lines;   // the line each cell starts on, counted from the record's first (0)
  // A quote left open at the end of the record: its line (from the record's
  // first, 0) and 1-based column; column 0 when every quote is closed.
  int open_quote_line = 0;
  int open_quote_column = 0;
};

// Cells of `line` (a record: it may hold line breaks inside quotes); '\r'
// outside quotes and before a line break (CRLF files) is dropped.
CsvCells split_csv_line(std::string_view line);

// Reads a CSV text record by record: a record is a line, or several when a
// quoted cell holds a line break (RFC 4180 section 2.6). Each reader used to
// split lines, so such a row came apart into two malformed ones (found by
// usertrial2). A quote never closed runs to the end of the input, and
// split_csv_line says where it opened.
class CsvRecords {
 public:
  explicit CsvRecords(std::istream& in) : in_(in) {}
  // The next record without its final line break; false at the end.
  bool next(std::string& record);
  // 1-based line of the last record's first line.
  int line() const { return first_; }

 private:
  std::istream& in_;
  int read_ = 0;  // lines read so far
  int first_ = 0;
};

// A CSV file's header line, checked once for every reader: a column named
// twice is an error at the second (which cells to read would be a guess; a
// case file's `value` given twice was read from the second and `validate
// --upgrade` wrote that cell into both, silently: usertrial4); a required
// column missing is an error naming the header's near miss of it ("missing
// column 'model' (the header has 'modle' in column 3: a typo?)"); and, when
// `known` is given, a column the reader never reads is a warning at its cell
// with the near miss ("unknown column 'kv_precison' (did you mean
// 'kv_precision'?): its cells are not read"; such a column was ignored without
// a word). Names are trimmed of spaces; `ok` is false on an error.
struct CsvHeader {
  std::vector<std::string> names;
  std::vector<int> starts;  // 1-based column of each name
  std::map<std::string, size_t, std::less<>> col;
  bool ok = true;
};
CsvHeader read_csv_header(std::string_view line, const std::string& file, std::span<const std::string> required,
                          std::span<const std::string> known, Diagnostics& ds, std::string_view missing_hint = "");

// A cell as CSV writes it: quoted (quotes doubled) when it holds a comma, a quote or a line break.
std::string csv_quote(std::string_view cell);

}  // namespace xpu
