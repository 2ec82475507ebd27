#include "ingest/cases_io.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "base/csv.h"
#include "base/date.h"
#include "base/suggest.h"
#include "ingest/data_files.h"
#include "ingest/number_text.h"
#include "ingest/text_file.h"

namespace xpu {
namespace {

// CASES.md promises no commas or quotes inside fields; a quoted field is read
// as CSV anyway, so a file saved from a spreadsheet still reads. Spaces around
// a value are not part of it.
CsvCells split(const std::string& line) {
  CsvCells out = split_csv_line(line);
  for (auto& t : out.text) {
    const size_t first = t.find_first_not_of(' ');
    t = first == std::string::npos ? std::string() : t.substr(first, t.find_last_not_of(' ') - first + 1);
  }
  return out;
}

const std::vector<std::string> kRequired{"id", "mode", "model", "accelerator", "chips", "metric", "value"};

struct Row {
  const std::vector<std::string>& cells;
  const std::map<std::string, size_t>& col;
  const std::vector<int>& starts;  // 1-based column of each cell
  const std::vector<int>& lines;   // each cell's line from the row's first (a quoted line break)
  const std::string& file;
  int line;
  Diagnostics& ds;

  const std::string& get(const std::string& name) const {
    static const std::string empty;
    auto it = col.find(name);
    return it != col.end() && it->second < cells.size() ? cells[it->second] : empty;
  }
  void error(const std::string& name, std::string msg) const {
    auto it = col.find(name);
    const bool in_row = it != col.end() && it->second < starts.size();
    ds.push_back(error_at({file, line + (in_row ? lines[it->second] : 0), in_row ? starts[it->second] : 0, ""},
                          fmt::format("{}: {}", name, msg)));
  }
  std::optional<int> integer(const std::string& name) const {
    const std::string& s = get(name);
    if (s.empty()) return std::nullopt;
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < 1) {
      error(name, fmt::format("must be a whole number >= 1, got '{}'", s));
      return std::nullopt;
    }
    return v;
  }
  std::optional<double> number(const std::string& name) const {
    const std::string& s = get(name);
    if (s.empty()) return std::nullopt;
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) {
      error(name, number_problem(s));
      return std::nullopt;
    }
    return v;
  }
  // 0/1 (empty = not given).
  std::optional<bool> flag(const std::string& name) const {
    const std::string& s = get(name);
    if (s.empty()) return std::nullopt;
    if (s == "1") return true;
    if (s == "0") return false;
    error(name, fmt::format("must be 0, 1 or empty, got '{}'", s));
    return std::nullopt;
  }
  template <class E, class F>
  std::optional<E> choice(const std::string& name, F parse, const std::vector<std::string>& names) const {
    const std::string& s = get(name);
    if (s.empty()) return std::nullopt;
    // Only the column's own values: a precision the parser knows but the
    // column does not take (kv_precision fp16, precision fp32) was read silently.
    if (std::find(names.begin(), names.end(), s) != names.end()) {
      if (auto v = parse(s)) return v;
    }
    const std::string near = did_you_mean(s, names);
    error(name, fmt::format("unknown value '{}'{}", s,
                            near.empty() ? fmt::format(" (one of {})", fmt::join(names, ", ")) : near));
    return std::nullopt;
  }
};

}  // namespace

namespace {

// The typed setting columns (CASES.md "Typed settings"), in the order an
// upgraded file writes them, just before `notes`.
const std::vector<std::string> kTypedColumns{
    "framework",        "flop_convention", "rank_unit",       "tokens_trained", "mlperf_round",
    "mlperf_benchmark", "weight_only",     "kv_precision",    "speculative",    "spec_accept",
    "spec_tokens",      "statistic",       "attn_dp",         "date",           "grad_reduce",
    "capacity_factor",  "moe_dispatch",    "attention_block", "max_num_tokens", "rate"};

bool contains(const std::string& s, std::string_view what) { return s.find(what) != std::string::npos; }

// Settings an older case file wrote in its notes, read with the phrases the
// validator used to look for (data/validation/CASES.md, "Older files").
// Returns the columns it set.
std::vector<std::string> read_legacy_notes(ValidationCase& c) {
  std::vector<std::string> set;
  const std::string& n = c.notes;
  if (contains(n, "includes recompute FLOPs")) {
    c.flop_convention = FlopConvention::hardware_recompute;
  } else if (contains(n, "PaLM formula")) {
    c.flop_convention = FlopConvention::palm;
  } else if (contains(n, "MaxText FLOP formula of that commit")) {
    c.flop_convention = FlopConvention::noncausal;
  }
  if (c.flop_convention) set.emplace_back("flop_convention");
  if (contains(n, "ranks are cores")) {
    c.rank_unit = RankUnit::core;
    set.emplace_back("rank_unit");
  }
  if (const size_t at = n.find("tokens_trained "); at != std::string::npos) {
    c.tokens_trained = std::strtod(n.c_str() + at + 15, nullptr);
    set.emplace_back("tokens_trained");
  }
  for (const std::string suite : {"Training", "Inference"}) {
    const size_t at = n.find("MLPerf " + suite);
    if (at == std::string::npos) continue;
    std::string round = suite == "Training" ? "training" : "inference";
    // "MLPerf Training v5.1 closed": the version is the next word when it starts with v.
    const size_t v = at + 7 + suite.size() + 1;
    if (v < n.size() && n[v] == 'v') {
      const size_t stop = n.find(' ', v);
      if (stop != std::string::npos) round += "-" + n.substr(v, stop - v);
    }
    c.mlperf_round = round;
    set.emplace_back("mlperf_round");
    break;
  }
  if (contains(n, "weight-only")) {
    c.weight_only = true;
    set.emplace_back("weight_only");
  }
  if (contains(n, "speculative decoding")) {
    c.speculative = true;
    set.emplace_back("speculative");
  }
  return set;
}

bool is_year_month_or_date(const std::string& s) {
  if (s.size() == 7) return is_iso_date(s + "-01");
  return is_iso_date(s);
}

bool is_mlperf_round(const std::string& s) {
  const auto [suite, version] = mlperf_suite_and_version(s);
  if (suite != "training" && suite != "inference") return false;
  if (version.empty()) return s == suite;
  return version.size() >= 2 && version[0] == 'v' &&
         std::all_of(version.begin() + 1, version.end(), [](char ch) { return std::isdigit(ch) || ch == '.'; });
}

struct Header {
  std::vector<std::string> names;
  std::map<std::string, size_t> col;
  bool typed = false;  // has at least one typed setting column
};

// Every column CASES.md defines: a header name outside it is a warning with
// the near miss (a misspelt `kv_precison` column was ignored without a word).
std::vector<std::string> known_columns() {
  std::vector<std::string> k{
      "id",          "source_id",    "mode",    "model", "accelerator", "chips",      "precision", "tp",
      "pp",          "dp",           "cp",      "ep",    "vpp",         "sharding",   "recompute", "sequence_parallel",
      "micro_batch", "global_batch", "seq_len", "batch", "input_len",   "output_len", "scenario",  "metric",
      "value",       "notes"};
  k.insert(k.end(), kTypedColumns.begin(), kTypedColumns.end());
  return k;
}

std::optional<Header> read_header(const std::string& line, const std::string& name, Diagnostics& ds) {
  static const std::vector<std::string> known = known_columns();
  CsvHeader csv = read_csv_header(line, name, kRequired, known, ds);
  if (!csv.ok) return std::nullopt;
  Header h;
  h.names = std::move(csv.names);
  h.col.insert(csv.col.begin(), csv.col.end());
  h.typed = std::any_of(kTypedColumns.begin(), kTypedColumns.end(), [&](const auto& c) { return h.col.count(c) > 0; });
  return h;
}

ValidationCase read_row(const Row& row, int lineno) {
  ValidationCase c;
  c.line = lineno;
  c.id = row.get("id");
  c.model = row.get("model");
  c.accelerator = row.get("accelerator");
  c.notes = row.get("notes");
  c.scenario = row.choice<ServingScenario>("scenario", parse_scenario, scenario_names());
  if (auto m = row.choice<Mode>("mode", parse_mode, mode_names())) c.mode = *m;
  if (auto m = row.choice<Metric>("metric", parse_metric, metric_names())) c.metric = *m;
  if (auto v = row.integer("chips")) {
    c.chips = *v;
  } else if (row.get("chips").empty()) {
    row.error("chips", "is required");
  }
  c.precision = row.choice<Precision>("precision", parse_precision, {"bf16", "fp16", "fp8", "int8", "fp4"});
  c.tp = row.integer("tp");
  c.pp = row.integer("pp");
  c.dp = row.integer("dp");
  c.cp = row.integer("cp");
  c.ep = row.integer("ep");
  c.vpp = row.integer("vpp");
  c.micro_batch = row.integer("micro_batch");
  c.global_batch = row.integer("global_batch");
  c.seq_len = row.integer("seq_len");
  c.batch = row.integer("batch");
  c.input_len = row.integer("input_len");
  c.output_len = row.integer("output_len");
  c.sharding = row.choice<Sharding>("sharding", parse_sharding, {"none", "zero1", "zero2", "zero3", "fsdp"});
  c.recompute = row.choice<Recompute>("recompute", parse_recompute, {"none", "selective", "full"});
  c.sequence_parallel = row.flag("sequence_parallel");
  if (auto v = row.number("value"); v && *v > 0) {
    c.value = *v;
  } else if (v || row.get("value").empty()) {  // a cell that is no number is said once, by number()
    row.error("value", fmt::format("must be a positive number, got '{}'", row.get("value")));
  }
  // Typed settings.
  c.framework = row.choice<Framework>("framework", parse_framework, framework_names());
  c.flop_convention = row.choice<FlopConvention>("flop_convention", parse_flop_convention, flop_convention_names());
  c.rank_unit = row.choice<RankUnit>("rank_unit", parse_rank_unit, {"chip", "core"});
  if (auto v = row.number("tokens_trained")) {
    if (*v > 0) {
      c.tokens_trained = *v;
    } else {
      row.error("tokens_trained",
                fmt::format("must be a positive number of tokens, got '{}'", row.get("tokens_trained")));
    }
  }
  c.mlperf_round = row.get("mlperf_round");
  if (!c.mlperf_round.empty() && !is_mlperf_round(c.mlperf_round)) {
    row.error("mlperf_round",
              fmt::format("must be training-vX.Y or inference-vX.Y (e.g. training-v5.1), got '{}'", c.mlperf_round));
  }
  c.mlperf_benchmark = row.get("mlperf_benchmark");
  c.weight_only = row.flag("weight_only").value_or(false);
  c.kv_precision = row.choice<Precision>("kv_precision", parse_precision, {"bf16", "fp8", "fp4"});
  c.speculative = row.flag("speculative").value_or(false);
  if (auto v = row.number("spec_accept")) {
    if (*v > 1) {
      c.spec_accept = *v;
    } else {
      row.error("spec_accept",
                fmt::format("must be above 1 (tokens per target step), got '{}'", row.get("spec_accept")));
    }
  }
  if (auto v = row.integer("spec_tokens")) {
    if (*v < 1) {
      row.error("spec_tokens", fmt::format("must be a whole number >= 1, got '{}'", row.get("spec_tokens")));
    } else if (c.spec_accept && *c.spec_accept > *v + 1.0) {
      // A step emits at most the drafted tokens plus the target's own.
      row.error("spec_tokens", fmt::format("{} draft tokens cannot give spec_accept {} (at most {} a step)", *v,
                                           row.get("spec_accept"), *v + 1));
    } else {
      c.spec_tokens = *v;
    }
  }
  c.statistic = row.choice<Statistic>("statistic", parse_statistic, statistic_names());
  c.attn_dp = row.integer("attn_dp");
  // Megatron's grad_reduce_in_fp32 on (fp32) or off (bf16): the only two it has.
  c.grad_reduce = row.choice<Precision>("grad_reduce",
                                        [](std::string_view v) -> std::optional<Precision> {
                                          auto p = parse_precision(v);
                                          if (p == Precision::fp32 || p == Precision::bf16) return p;
                                          return std::nullopt;
                                        },
                                        {"fp32", "bf16"});
  if (auto v = row.number("capacity_factor")) {
    if (*v >= 1) {
      c.capacity_factor = *v;
    } else {
      row.error("capacity_factor", fmt::format("must be at least 1 (capacity over the balanced share), got '{}'",
                                               row.get("capacity_factor")));
    }
  }
  c.moe_dispatch = row.choice<MoeDispatch>("moe_dispatch", parse_moe_dispatch, {"sort", "einsum"});
  c.attention_block = row.integer("attention_block");  // whole number >= 1
  // The run's per-iteration token budget (TensorRT-LLM max_num_tokens, vLLM
  // max_num_batched_tokens): a whole number of tokens >= 1.
  c.max_num_tokens = row.integer("max_num_tokens");
  // The measured arrival rate of a server run (requests/s of the whole
  // system): the operating point the metric was measured at.
  if (auto v = row.number("rate")) {
    if (!(*v > 0)) {
      row.error("rate", fmt::format("must be a positive number of requests per second, got '{}'", row.get("rate")));
    } else if (c.scenario != ServingScenario::server) {
      row.error("rate",
                fmt::format("is an arrival rate: only a server row has one (scenario is '{}')", row.get("scenario")));
    } else {
      c.rate = *v;
    }
  }
  c.date = row.get("date");
  if (!c.date.empty() && !is_year_month_or_date(c.date)) {
    row.error("date", fmt::format("must be YYYY-MM or YYYY-MM-DD, got '{}'", c.date));
  }
  if (c.id.empty()) {
    row.error("id", "is required");
    c.id = fmt::format("line {}", lineno);
  }
  return c;
}

// What a row's cells say together (each is read on its own above): the
// parallel degrees against the chips (a layout of 8 ranks on 64 chips was
// skipped as "no tp, cp and pp combination divides the chip count"), and an
// MFU above 1 (41 for 41%, predicted against 0.41 and reported as -99% off).
void check_case(const Row& row, const ValidationCase& c) {
  // Degrees counted in cores (CASES.md, Parallelism) are converted per chip by the validator.
  if (c.chips > 0 && c.rank_unit.value_or(RankUnit::chip) == RankUnit::chip) {
    const bool training = c.mode != Mode::infer;
    std::vector<std::pair<const char*, std::optional<int>>> degrees{{"tp", c.tp}, {"pp", c.pp}};
    if (training) degrees.insert(degrees.end(), {{"dp", c.dp}, {"cp", c.cp}});
    double product = 1;  // four degrees of up to 2^31 each: past a long long
    std::vector<std::string> given;
    for (const auto& [n, d] : degrees) {
      if (!d) continue;
      product *= *d;
      given.push_back(fmt::format("{} {}", n, *d));
    }
    const bool all = given.size() == degrees.size();
    if (given.size() > 1 || (given.size() == 1 && product > 1)) {
      const std::string what = fmt::format("{} = {:.0f}", fmt::join(given, " x "), product);
      if (training && all && product != c.chips) {
        row.error("chips",
                  fmt::format("is {}, but {} ranks (tp x pp x dp x cp is the chip count; CASES.md)", c.chips, what));
      } else if (std::fmod(c.chips, product) != 0) {
        row.error("chips", fmt::format("is {}, which {} does not divide ({})", c.chips, what,
                                       training ? "tp x pp x dp x cp is the chip count; CASES.md"
                                                : "replicas = chips / (tp x pp); CASES.md"));
      }
    }
  }
  if (c.metric == Metric::mfu && c.value > 1) {
    row.error("value", fmt::format("an MFU is a fraction of peak, at most 1; got {:g} (write {:g} for {:g}%)", c.value,
                                   c.value / 100, c.value));
  }
}

// A quote never closed, or more cells than the header (an unquoted comma
// shifted every later cell into the next column, silently). Fewer cells: the
// cells left off read as empty, which is fine for optional columns; a
// required one past the end (when `required`) used to read as "value: must be
// a positive number, got ''".
void check_row_shape(const CsvCells& cells, const Header& header, const std::string& line, const std::string& name,
                     int lineno, bool required, Diagnostics& ds) {
  if (cells.open_quote_column > 0) {
    ds.push_back(error_at({name, lineno + cells.open_quote_line, cells.open_quote_column, ""},
                          "this quote is never closed: the rest of the file was read as one cell"));
  }
  const size_t n = cells.text.size(), want = header.names.size();
  std::string past_end;
  for (const auto& r : kRequired) {
    if (required && header.col.at(r) >= n) past_end += (past_end.empty() ? "" : ", ") + r;
  }
  if (n > want || !past_end.empty()) {
    const int column = n > want ? cells.starts[want] : static_cast<int>(line.size() - line.rfind('\n') - 1) + 1;
    const int at_line = lineno + (n > want ? cells.lines[want] : cells.lines.back());
    ds.push_back(
        error_at({name, at_line, column, ""},
                 n > want ? fmt::format("row has {} cells, the header {} (quote a cell that holds a comma)", n, want)
                          : fmt::format("row has {} cells, the header {}: no {}", n, want, past_end)));
  }
}

}  // namespace

std::vector<ValidationCase> parse_cases(const std::string& text, const std::string& name, Diagnostics& ds) {
  std::vector<ValidationCase> out;
  std::istringstream in(text);
  CsvRecords records(in);
  std::string line;
  if (!records.next(line)) {
    ds.push_back(error_at({name, 1, 0, ""}, "empty file: expected a header line"));
    return out;
  }
  const auto header = read_header(line, name, ds);
  if (!header) return out;
  std::map<std::string, int> legacy;      // column -> rows whose notes set it
  std::map<std::string, int> first_line;  // id -> the line that gave it first
  while (records.next(line)) {
    const int lineno = records.line();
    if (line.empty() || line == "\r") continue;
    const CsvCells cells = split(line);
    Row row{cells.text, header->col, cells.starts, cells.lines, name, lineno, ds};
    const size_t before = ds.size();
    check_row_shape(cells, *header, line, name, lineno, true, ds);
    ValidationCase c = read_row(row, lineno);
    if (!header->typed) {
      for (const auto& column : read_legacy_notes(c)) ++legacy[column];
    }
    check_case(row, c);
    // A bad cell costs its row, not the file: the row is kept as unread (and
    // reported as skipped with the reason), the problem becomes a warning.
    // In the row's order, left to right (cells are read by meaning, not position).
    std::stable_sort(
        ds.begin() + static_cast<std::ptrdiff_t>(before), ds.end(), [](const Diagnostic& x, const Diagnostic& y) {
          // A cell past the row's end (column 0) after the cells that are there.
          const auto at = [](const Diagnostic& d) {
            return std::pair(d.where.line, d.where.column > 0 ? d.where.column : std::numeric_limits<int>::max());
          };
          return at(x) < at(y);
        });
    for (size_t i = before; i < ds.size(); ++i) {
      ds[i].severity = Severity::warning;
      c.invalid += (c.invalid.empty() ? "" : "; ") + ds[i].message;
    }
    // Reports, the calibration's leave-one-out and the API name a case by its
    // id: two rows under one id were listed twice without a word.
    if (const auto [first, fresh] = first_line.emplace(c.id, lineno); !fresh) {
      const size_t at = header->col.at("id");
      ds.push_back(
          Diagnostic{Severity::warning,
                     {name, lineno + (at < cells.lines.size() ? cells.lines[at] : 0),
                      at < cells.starts.size() ? cells.starts[at] : 0, ""},
                     fmt::format("id: '{}' is also the id of line {}; give each case its own", c.id, first->second)});
    }
    out.push_back(std::move(c));
  }
  // A header alone was validated and calibrated as "no cases" / "Fitted 0
  // stacks", exit 0, without a word about the file (usertrial4).
  if (first_line.empty()) {
    ds.push_back(warning_at({name, 1, 0, ""}, "has a header and no case rows: nothing to validate or fit"));
  }
  if (!legacy.empty()) {
    std::vector<std::string> counts;
    counts.reserve(legacy.size());
    for (const auto& [column, n] : legacy) counts.push_back(fmt::format("{} ({} row{})", column, n, n == 1 ? "" : "s"));
    ds.push_back(Diagnostic{
        Severity::note,
        {name, 1, 0, ""},
        fmt::format("an older case file without the typed setting columns (data/validation/CASES.md): read {} from "
                    "the notes, as before; 'xpuplan validate --upgrade {}' writes them as columns",
                    fmt::join(counts, ", "), name)});
  }
  return out;
}

Expected<std::string, Diagnostics> upgrade_cases(const std::string& text, const std::string& name,
                                                 Diagnostics* warnings) {
  Diagnostics ds;
  std::istringstream in(text);
  CsvRecords records(in);
  std::string line;
  if (!records.next(line))
    return Unexpected{Diagnostics{error_at({name, 1, 0, ""}, "empty file: expected a header line")}};
  const auto header = read_header(line, name, ds);
  if (!header) return Unexpected{std::move(ds)};
  if (header->typed) {
    return Unexpected{Diagnostics{error_at({name, 1, 0, ""}, "already has typed setting columns: nothing to upgrade")}};
  }
  // The original columns but notes, the typed columns, then notes (always last).
  std::vector<std::string> out_header;
  for (const auto& h : header->names) {
    if (h != "notes") out_header.push_back(h);
  }
  out_header.insert(out_header.end(), kTypedColumns.begin(), kTypedColumns.end());
  out_header.emplace_back("notes");
  std::string out = fmt::format("{}\n", fmt::join(out_header, ","));
  while (records.next(line)) {
    const int lineno = records.line();
    if (line.empty()) continue;
    const CsvCells cells = split(line);
    // Cells are copied as they are, so a bad value is kept for `validate` to
    // report; a row whose cells cannot be told apart is not: an extra cell
    // was dropped and an unclosed quote swallowed the rest of the file, and
    // the file was rewritten anyway (usertrial4).
    check_row_shape(cells, *header, line, name, lineno, false, ds);
    Diagnostics ignored;
    Row row{cells.text, header->col, cells.starts, cells.lines, name, lineno, ignored};
    ValidationCase c = read_row(row, lineno);
    read_legacy_notes(c);
    std::map<std::string, std::string> typed{
        {"flop_convention", c.flop_convention ? std::string(to_string(*c.flop_convention)) : ""},
        {"rank_unit", c.rank_unit ? std::string(to_string(*c.rank_unit)) : ""},
        {"tokens_trained", c.tokens_trained ? fmt::format("{:.0f}", *c.tokens_trained) : ""},
        {"mlperf_round", c.mlperf_round},
        {"weight_only", c.weight_only ? "1" : ""},
        {"speculative", c.speculative ? "1" : ""}};
    std::vector<std::string> fields;
    for (const auto& h : out_header) {
      if (auto it = typed.find(h); it != typed.end()) {
        fields.push_back(it->second);
      } else if (auto col = header->col.find(h); col != header->col.end()) {
        fields.push_back(col->second < cells.text.size() ? cells.text[col->second] : "");
      } else {
        fields.emplace_back();
      }
    }
    for (auto& f : fields) f = csv_quote(f);
    out += fmt::format("{}\n", fmt::join(fields, ","));
  }
  if (has_errors(ds)) return Unexpected{std::move(ds)};
  if (warnings) warnings->insert(warnings->end(), ds.begin(), ds.end());
  return out;
}

std::vector<ValidationCase> read_cases(const std::string& path, Diagnostics& ds) {
  auto text = read_text_file(path, ds);
  if (!text) return {};
  return parse_cases(*text, path, ds);
}

std::optional<MlperfEvaluation> read_mlperf_evaluation(MapReader& r) {
  MlperfEvaluation e;
  auto b = r.str("benchmark");
  if (b) {
    e.benchmark = *b;
    r.set_what(fmt::format("MLPerf benchmark '{}'", e.benchmark));
  }
  if (auto v = r.str("model")) e.model = *v;
  if (auto v = r.choice("mode", {"train", "finetune_lora"})) e.mode = *parse_mode(*v);
  if (auto v = r.str_list("rounds")) e.rounds = *v;
  if (auto v = r.number("interval_tokens")) e.interval_tokens = *v;
  if (auto v = r.number("eval_tokens")) e.eval_tokens = *v;
  if (auto v = r.number("first_eval_after_tokens", Need::optional)) e.first_eval_after_tokens = *v;
  if (auto v = r.integer("skip_evals", Need::optional, Sign::non_negative)) e.skip_evals = static_cast<int>(*v);
  if (auto v = r.number("skip_evals_per_global_batch", Need::optional, Sign::non_negative)) {
    e.skip_evals_per_global_batch = *v;
  }
  if (!r.has("source") || !r.has("retrieved")) r.error("needs 'source' and 'retrieved'");
  r.allow({"source", "retrieved", "estimate", "note"});
  r.finish();
  if (!b) return std::nullopt;
  return e;
}

std::optional<MlperfInference> read_mlperf_inference(MapReader& r) {
  MlperfInference e;
  auto b = r.str("benchmark");
  if (b) {
    e.benchmark = *b;
    r.set_what(fmt::format("MLPerf Inference benchmark '{}'", e.benchmark));
  }
  if (auto v = r.str("model")) e.model = *v;
  if (auto v = r.number("input_tokens_mean")) e.input_tokens = *v;
  if (auto v = r.number("output_tokens_mean")) e.output_tokens = *v;
  if (auto v = r.number("input_tokens_cv", Need::optional, Sign::non_negative)) e.input_cv = *v;
  if (auto v = r.number("output_tokens_cv", Need::optional, Sign::non_negative)) e.output_cv = *v;
  if (auto v = r.number("input_output_correlation", Need::optional, Sign::any)) {
    e.io_correlation = std::clamp(*v, -1.0, 1.0);
  }
  if (auto v = r.get<Seconds>("server_ttft_p99")) e.server_ttft = *v;
  if (auto v = r.get<Seconds>("server_tpot_p99")) e.server_tpot = *v;
  if (auto v = r.boolean("estimate")) e.estimate = *v;
  if (!r.has("source") || !r.has("retrieved")) r.error("needs 'source' and 'retrieved'");
  r.allow({"source", "retrieved", "note"});
  r.finish();
  if (!b) return std::nullopt;
  return e;
}

std::string shipped_cases_path() { return shipped_data_dir() + "/validation/cases.csv"; }
std::vector<std::string> shipped_case_files() {
  return {shipped_cases_path(), shipped_data_dir() + "/validation/cases-2025.csv"};
}

}  // namespace xpu
