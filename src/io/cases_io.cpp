#include "io/cases_io.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>

#include "base/suggest.h"
#include "io/csv.h"
#include "io/data_files.h"
#include "io/text_file.h"

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
    const int c = it != col.end() && it->second < starts.size() ? starts[it->second] : 0;
    ds.push_back(error_at({file, line, c, ""}, fmt::format("{}: {}", name, msg)));
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
  template <class E, class F>
  std::optional<E> choice(const std::string& name, F parse, const std::vector<std::string>& names) const {
    const std::string& s = get(name);
    if (s.empty()) return std::nullopt;
    if (auto v = parse(s)) return v;
    error(name, fmt::format("unknown value '{}'{}", s, did_you_mean(s, names)));
    return std::nullopt;
  }
};

}  // namespace

std::vector<ValidationCase> parse_cases(const std::string& text, const std::string& name, Diagnostics& ds) {
  std::vector<ValidationCase> out;
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line)) {
    ds.push_back(error_at({name, 1, 0, ""}, "empty file: expected a header line"));
    return out;
  }
  std::map<std::string, size_t> col;
  auto header = split(line).text;
  for (size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  for (const auto& r : kRequired) {
    if (!col.count(r)) ds.push_back(error_at({name, 1, 0, ""}, fmt::format("missing column '{}'", r)));
  }
  if (has_errors(ds)) return out;
  int lineno = 1;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line == "\r") continue;
    const CsvCells cells = split(line);
    Row row{cells.text, col, cells.starts, name, lineno, ds};
    const size_t before = ds.size();
    ValidationCase c;
    c.line = lineno;
    c.id = row.get("id");
    c.model = row.get("model");
    c.accelerator = row.get("accelerator");
    c.notes = row.get("notes");
    c.scenario = row.get("scenario");
    if (auto m = row.choice<CaseMode>("mode", parse_case_mode, {"train", "finetune_lora", "infer"})) c.mode = *m;
    if (auto m = row.choice<Metric>("metric", parse_metric,
                                    {"train_tokens_per_s_per_chip", "model_tflops_per_chip", "mfu", "step_time_s",
                                     "time_to_train_min", "infer_output_tokens_per_s", "tpot_ms", "e2e_latency_s"})) {
      c.metric = *m;
    }
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
    const std::string& sp = row.get("sequence_parallel");
    if (sp == "1")
      c.sequence_parallel = true;
    else if (sp == "0")
      c.sequence_parallel = false;
    else if (!sp.empty())
      row.error("sequence_parallel", fmt::format("must be 0, 1 or empty, got '{}'", sp));
    // Typed serving columns.
    c.mlperf_benchmark = row.get("mlperf_benchmark");
    c.attn_dp = row.integer("attn_dp");
    c.kv_precision = row.choice<Precision>("kv_precision", parse_precision, {"bf16", "fp8", "fp4"});
    auto flag01 = [&](const std::string& column) -> std::optional<bool> {
      const std::string& f = row.get(column);
      if (f.empty()) return std::nullopt;
      if (f == "0" || f == "1") return f == "1";
      row.error(column, fmt::format("must be 0, 1 or empty, got '{}'", f));
      return std::nullopt;
    };
    c.speculative = flag01("speculative");
    c.weight_only = flag01("weight_only");
    if (const std::string& a = row.get("spec_accept"); !a.empty()) {
      double x = 0;
      auto [q, e] = std::from_chars(a.data(), a.data() + a.size(), x);
      if (e != std::errc() || q != a.data() + a.size() || !(x >= 1.0) || x > 64.0) {
        row.error("spec_accept", fmt::format("must be a number of tokens per step in [1, 64], got '{}'", a));
      } else {
        c.spec_accept = x;
      }
    }
    if (const std::string& u = row.get("rank_unit"); !u.empty()) {
      if (u == "chip" || u == "core") {
        c.ranks_are_cores = u == "core";
      } else {
        row.error("rank_unit",
                  fmt::format("unknown value '{}'{}", u, did_you_mean(u, std::vector<std::string>{"chip", "core"})));
      }
    }
    const std::string& v = row.get("value");
    double value = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
    if (ec != std::errc() || p != v.data() + v.size() || !(value > 0)) {
      row.error("value", fmt::format("must be a positive number, got '{}'", v));
    }
    c.value = value;
    if (c.id.empty()) {
      row.error("id", "is required");
      c.id = fmt::format("line {}", lineno);
    }
    // A bad cell costs its row, not the file: the row is kept as unread (and
    // reported as skipped with the reason), the problem becomes a warning.
    for (size_t i = before; i < ds.size(); ++i) {
      ds[i].severity = Severity::warning;
      c.invalid += (c.invalid.empty() ? "" : "; ") + ds[i].message;
    }
    out.push_back(std::move(c));
  }
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
  if (auto v = r.choice("mode", {"train", "finetune_lora"})) e.mode = *parse_case_mode(*v);
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
  if (auto v = r.number("input_output_correlation", Need::optional, Sign::any))
    e.io_correlation = std::clamp(*v, -1.0, 1.0);
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

}  // namespace xpu
