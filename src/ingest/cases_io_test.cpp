// Reading validation cases: a bad cell costs its row (kept as unread, with the
// reason, and a warning), not the file; quoted CSV fields read; a file
// without the required columns is an error.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "ingest/cases_io.h"

namespace xpu {
namespace {

const std::string kHeader = "id,mode,model,accelerator,chips,precision,tp,metric,value,notes\n";

TEST(CasesIo, BadCellCostsItsRowOnly) {
  Diagnostics ds;
  const auto cases = parse_cases(kHeader +
                                     "A,train,llama3.1-8b,h100-sxm,8,bf16,1,mfu,0.5,ok\n"
                                     "B,train,llama3.1-8b,h100-sxm,8,fp6,1,tokens_per_watt,0.5,bad\n"
                                     ",infer,llama3.1-8b,h100-sxm,8,bf16,1,tpot_ms,-3,bad\n",
                                 "c.csv", ds);
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_TRUE(cases[0].invalid.empty());
  // A row's problems in its order, left to right; a value with no near miss lists the column's values.
  const std::string metrics =
      "one of train_tokens_per_s_per_chip, model_tflops_per_chip, mfu, step_time_s, time_to_train_min, "
      "infer_output_tokens_per_s, tpot_ms, e2e_latency_s, ttft_ms, infer_total_tokens_per_s, tokens_per_s_per_user";
  EXPECT_EQ(cases[1].invalid,
            "precision: unknown value 'fp6' (did you mean 'fp16'?); metric: unknown value "
            "'tokens_per_watt' (" +
                metrics + ")");
  EXPECT_EQ(cases[2].id, "line 4");
  EXPECT_EQ(cases[2].invalid, "id: is required; value: must be a positive number, got '-3'");
  EXPECT_FALSE(has_errors(ds));
  ASSERT_EQ(ds.size(), 4u);
  EXPECT_EQ(format_diagnostic(ds[0]), "c.csv:3:32: warning: precision: unknown value 'fp6' (did you mean 'fp16'?)");
  EXPECT_EQ(format_diagnostic(ds[1]), "c.csv:3:38: warning: metric: unknown value 'tokens_per_watt' (" + metrics + ")");
}

TEST(CasesIo, QuotedFieldsAndSpacesRead) {
  Diagnostics ds;
  const auto cases =
      parse_cases(kHeader + "A, train ,llama3.1-8b,h100-sxm,8,bf16,1,mfu,0.5,\"a, b \"\"c\"\"\"\n", "c.csv", ds);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_TRUE(ds.empty());
  EXPECT_EQ(cases[0].mode, Mode::train);
  EXPECT_EQ(cases[0].notes, "a, b \"c\"");
  EXPECT_DOUBLE_EQ(cases[0].value, 0.5);
}

TEST(CasesIo, AQuotedCellMayHoldALineBreak) {
  // RFC 4180: a note saved from a spreadsheet with a line break in it split
  // the row in two malformed ones (usertrial2, fixed by usertrial3). A bad cell
  // after the break is located on its own line; a quote never closed is named.
  Diagnostics ds;
  const auto cases = parse_cases(kHeader +
                                     "A,train,llama3.1-8b,h100-sxm,8,bf16,1,mfu,0.5,\"first line\r\nsecond\"\r\n"
                                     "B,\"train\n\",llama3.1-8b,h100-sxm,8,bf16,1,mfu,zero,\n"
                                     "C,train,llama3.1-8b,h100-sxm,8,bf16,1,mfu,0.5,\"open\n",
                                 "c.csv", ds);
  ASSERT_EQ(cases.size(), 3u) << format_diagnostics(ds);
  EXPECT_TRUE(cases[0].invalid.empty()) << cases[0].invalid;
  EXPECT_EQ(cases[0].notes, "first line\nsecond");
  EXPECT_DOUBLE_EQ(cases[0].value, 0.5);
  EXPECT_EQ(cases[1].line, 4);
  bool value_at_its_line = false, open_quote = false;
  for (const auto& d : ds) {
    value_at_its_line |= format_diagnostic(d).rfind("c.csv:5:37: warning: value:", 0) == 0;
    open_quote |= format_diagnostic(d) ==
                  "c.csv:6:47: warning: this quote is never closed: the rest of the file was read as one cell";
  }
  EXPECT_TRUE(value_at_its_line) << format_diagnostics(ds);
  EXPECT_TRUE(open_quote) << format_diagnostics(ds);
}

// Two rows under kHeader, read as c.csv.
std::vector<ValidationCase> two_rows(const std::string& a, const std::string& b, Diagnostics& ds) {
  auto cases = parse_cases(kHeader + a + "\n" + b + "\n", "c.csv", ds);
  EXPECT_EQ(cases.size(), 2u);
  if (cases.size() < 2) cases.resize(2);
  return cases;
}

TEST(CasesIo, ARowWithTooFewOrTooManyCellsSaysSo) {
  // A short row read its missing required cells as empty; an unquoted comma
  // (here in the model) shifted every later cell into the next column without
  // a word. Optional cells left off the end are still fine.
  Diagnostics ds;
  const auto cases =
      two_rows("A,train,llama3.1-8b,h100-sxm,8", "B,train,llama3.1-8b,x,h100-sxm,8,bf16,1,mfu,0.5,ok", ds);
  EXPECT_FALSE(cases[0].invalid.empty());
  EXPECT_FALSE(cases[1].invalid.empty());
  ASSERT_GE(ds.size(), 2u);
  EXPECT_EQ(format_diagnostic(ds[0]), "c.csv:2:31: warning: row has 5 cells, the header 10: no metric, value");
  bool eleven = false;
  for (const auto& d : ds)
    eleven |= format_diagnostic(d) ==
              "c.csv:3:49: warning: row has 11 cells, the header 10 (quote a cell that holds a comma)";
  EXPECT_TRUE(eleven) << format_diagnostics(ds);
}

TEST(CasesIo, ARepeatedIdIsAWarningAtTheSecondRow) {
  Diagnostics ds;
  const auto cases = two_rows("A,train,llama3.1-8b,h100-sxm,8,bf16,1,mfu,0.5,one",
                              "A,train,llama3.1-8b,h100-sxm,16,bf16,1,mfu,0.4,two", ds);
  EXPECT_TRUE(cases[1].invalid.empty());
  EXPECT_EQ(format_diagnostics(ds), "c.csv:3:1: warning: id: 'A' is also the id of line 2; give each case its own\n");
}

TEST(CasesIo, MissingColumnIsAnErrorForTheFile) {
  Diagnostics ds;
  const auto cases = parse_cases("id,mode,model,accelerator,chips,metric\nA,train,m,a,8,mfu\n", "c.csv", ds);
  EXPECT_TRUE(cases.empty());
  ASSERT_TRUE(has_errors(ds));
  EXPECT_EQ(format_diagnostic(ds[0]), "c.csv:1: error: missing column 'value'");
}

const std::string kTyped =
    "id,mode,model,accelerator,chips,precision,tp,metric,value,framework,flop_convention,rank_unit,tokens_trained,"
    "mlperf_round,mlperf_benchmark,weight_only,kv_precision,speculative,spec_accept,statistic,attn_dp,date,notes\n";

TEST(CasesIo, TypedColumnsReadAndNotesAreFreeText) {
  Diagnostics ds;
  const auto cases = parse_cases(kTyped +
                                     "A,train,gpt3-175b,trn1,32,bf16,64,mfu,0.3,neuronx-distributed,palm,core,"
                                     "1207959552,training-v4.1,gpt3,,,,,,,2024-11,ranks are cores\n"
                                     "B,infer,llama3.1-8b,h100-sxm,8,fp8,8,ttft_ms,42,vllm,,,,,,1,bf16,1,2.4,p99,2,"
                                     "2025-06-30,speculative decoding; weight-only\n",
                                 "c.csv", ds);
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_TRUE(ds.empty()) << format_diagnostics(ds);
  const ValidationCase& a = cases[0];
  EXPECT_EQ(a.framework, Framework::neuronx_distributed);
  EXPECT_EQ(a.flop_convention, FlopConvention::palm);
  EXPECT_EQ(a.rank_unit, RankUnit::core);
  EXPECT_DOUBLE_EQ(*a.tokens_trained, 1207959552.0);
  EXPECT_EQ(a.mlperf_round, "training-v4.1");
  EXPECT_EQ(a.mlperf_benchmark, "gpt3");
  EXPECT_EQ(a.date, "2024-11");
  const ValidationCase& b = cases[1];
  EXPECT_EQ(b.metric, Metric::ttft_ms);
  EXPECT_TRUE(b.weight_only);
  EXPECT_EQ(b.kv_precision, Precision::bf16);
  EXPECT_TRUE(b.speculative);
  EXPECT_DOUBLE_EQ(*b.spec_accept, 2.4);
  EXPECT_EQ(b.statistic, Statistic::p99);
  EXPECT_EQ(b.attn_dp, 2);
  // In a typed file the notes are prose: nothing is read out of them.
  const auto free = parse_cases(kTyped +
                                    "C,train,gpt3-175b,trn1,64,bf16,64,mfu,0.3,,,,,,,,,,,,,,"
                                    "ranks are cores; PaLM formula; tokens_trained 5\n",
                                "c.csv", ds);
  ASSERT_EQ(free.size(), 1u);
  EXPECT_FALSE(free[0].rank_unit);
  EXPECT_FALSE(free[0].flop_convention);
  EXPECT_FALSE(free[0].tokens_trained);
  EXPECT_TRUE(ds.empty()) << format_diagnostics(ds);
}

TEST(CasesIo, BadTypedCellsAreWarningsAtTheirCell) {
  Diagnostics ds;
  const auto cases = parse_cases(kTyped +
                                     "A,infer,llama3.1-8b,h100-sxm,8,fp8,8,tpot_ms,9,vlm,causal,,,mlperf-5.1,,2,,,1,"
                                     "median,,2025-13\n",
                                 "c.csv", ds);
  ASSERT_EQ(cases.size(), 1u);
  ASSERT_EQ(ds.size(), 7u) << format_diagnostics(ds);
  EXPECT_EQ(format_diagnostics(ds),
            "c.csv:2:48: warning: framework: unknown value 'vlm' (did you mean 'vllm'?)\n"
            "c.csv:2:52: warning: flop_convention: unknown value 'causal' (one of model, noncausal, palm, "
            "hardware_recompute)\n"
            "c.csv:2:61: warning: mlperf_round: must be training-vX.Y or inference-vX.Y (e.g. training-v5.1), got "
            "'mlperf-5.1'\n"
            "c.csv:2:73: warning: weight_only: must be 0, 1 or empty, got '2'\n"
            "c.csv:2:77: warning: spec_accept: must be above 1 (tokens per target step), got '1'\n"
            "c.csv:2:79: warning: statistic: unknown value 'median' (did you mean 'mean'?)\n"
            "c.csv:2:87: warning: date: must be YYYY-MM or YYYY-MM-DD, got '2025-13'\n");
  EXPECT_FALSE(cases[0].invalid.empty());
}

// grad_reduce is Megatron's grad_reduce_in_fp32 as a precision: fp32 or bf16, nothing else.
TEST(CasesIo, GradReduceIsFp32OrBf16) {
  const std::string head = "id,mode,model,accelerator,chips,metric,value,grad_reduce,notes\n";
  Diagnostics ds;
  const auto cases = parse_cases(head +
                                     "A,train,llama3-70b,gb200,64,mfu,0.4,bf16,\n"
                                     "B,train,llama3-70b,gb200,64,mfu,0.4,fp32,\n"
                                     "C,train,llama3-70b,gb200,64,mfu,0.4,,\n"
                                     "D,train,llama3-70b,gb200,64,mfu,0.4,fp8,\n",
                                 "g.csv", ds);
  ASSERT_EQ(cases.size(), 4u);
  EXPECT_EQ(cases[0].grad_reduce, Precision::bf16);
  EXPECT_EQ(cases[1].grad_reduce, Precision::fp32);
  EXPECT_FALSE(cases[2].grad_reduce);
  EXPECT_FALSE(cases[3].grad_reduce);
  ASSERT_EQ(ds.size(), 1u) << format_diagnostics(ds);
  EXPECT_NE(format_diagnostic(ds[0]).find("g.csv:5:"), std::string::npos) << format_diagnostic(ds[0]);
  EXPECT_NE(format_diagnostic(ds[0]).find("grad_reduce: unknown value 'fp8'"), std::string::npos)
      << format_diagnostic(ds[0]);
}

// MoE routing as a run configured it: a capacity factor of at least 1 and the
// dispatch kind; and the attention kernel's key block (MaxText sa_block_kv), a
// whole number of tokens.
TEST(CasesIo, CapacityFactorAndMoeDispatchRead) {
  const std::string head =
      "id,mode,model,accelerator,chips,metric,value,capacity_factor,moe_dispatch,attention_block,notes\n";
  Diagnostics ds;
  const auto cases = parse_cases(head +
                                     "A,train,mixtral-8x7b,tpu-v6e,256,mfu,0.4,1.25,einsum,1024,\n"
                                     "B,train,mixtral-8x7b,tpu-v6e,256,mfu,0.4,,sort,,\n"
                                     "C,train,mixtral-8x7b,tpu-v6e,256,mfu,0.4,0.5,einsun,0,\n",
                                 "m.csv", ds);
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_DOUBLE_EQ(*cases[0].capacity_factor, 1.25);
  EXPECT_EQ(cases[0].moe_dispatch, MoeDispatch::einsum);
  EXPECT_EQ(cases[0].attention_block, 1024);
  EXPECT_FALSE(cases[1].capacity_factor);
  EXPECT_EQ(cases[1].moe_dispatch, MoeDispatch::sort);
  EXPECT_FALSE(cases[1].attention_block);
  EXPECT_FALSE(cases[2].capacity_factor);
  EXPECT_FALSE(cases[2].moe_dispatch);
  EXPECT_FALSE(cases[2].attention_block);
  ASSERT_EQ(ds.size(), 3u) << format_diagnostics(ds);
  EXPECT_NE(format_diagnostic(ds[0]).find("capacity_factor: must be at least 1"), std::string::npos)
      << format_diagnostic(ds[0]);
  EXPECT_NE(format_diagnostic(ds[1]).find("moe_dispatch: unknown value 'einsun' (did you mean 'einsum'?)"),
            std::string::npos)
      << format_diagnostic(ds[1]);
  EXPECT_NE(format_diagnostic(ds[2]).find("m.csv:4:"), std::string::npos) << format_diagnostic(ds[2]);
  EXPECT_NE(format_diagnostic(ds[2]).find("attention_block: must be a whole number >= 1, got '0'"), std::string::npos)
      << format_diagnostic(ds[2]);
}

// One whole-number typed cell read from a one-row file: `cell` gives
// `expected` with no word, or no value and one error naming the row.
struct IntCell {
  std::string cell;
  std::optional<int> expected;
  std::string error;  // empty: read without a word
};
void expect_int_cells(const std::string& header, const std::string& row_prefix, const std::vector<IntCell>& rows,
                      std::optional<int> ValidationCase::*field) {
  for (const IntCell& r : rows) {
    Diagnostics ds;
    const auto cases = parse_cases(header + "\n" + row_prefix + r.cell + ",\n", "s.csv", ds);
    ASSERT_EQ(cases.size(), 1u) << r.cell;
    EXPECT_EQ(cases[0].*field, r.expected) << r.cell;
    if (r.error.empty()) {
      EXPECT_TRUE(ds.empty()) << format_diagnostics(ds);
    } else {
      ASSERT_EQ(ds.size(), 1u) << format_diagnostics(ds);
      EXPECT_NE(format_diagnostic(ds[0]).find("s.csv:2:"), std::string::npos) << format_diagnostic(ds[0]);
      EXPECT_NE(format_diagnostic(ds[0]).find(r.error), std::string::npos) << format_diagnostic(ds[0]);
    }
  }
}

// accmoe4: the draft length a speculative run published (TensorRT-LLM's "MTP
// 3", EAGLE's num_speculative_tokens), a whole number that can give the
// acceptance it is recorded with.
TEST(CasesIo, SpecTokensIsTheDraftLengthAndBoundsTheAcceptance) {
  expect_int_cells("id,mode,model,accelerator,chips,metric,value,speculative,spec_accept,spec_tokens,notes",
                   "A,infer,deepseek-r1,b200,8,tokens_per_s_per_user,253,1,2.82,",
                   {{"3", 3, ""},
                    {"", std::nullopt, ""},
                    {"0", std::nullopt, "spec_tokens: must be a whole number >= 1, got '0'"},
                    {"1", std::nullopt, "spec_tokens: 1 draft tokens cannot give spec_accept 2.82 (at most 2 a step)"}},
                   &ValidationCase::spec_tokens);
}

// accbudget: the run's per-iteration token budget (TensorRT-LLM
// max_num_tokens, vLLM max_num_batched_tokens), a whole number of tokens.
TEST(CasesIo, MaxNumTokensIsAWholeBudget) {
  expect_int_cells("id,mode,model,accelerator,chips,metric,value,scenario,max_num_tokens,notes",
                   "A,infer,llama2-70b,b200,8,infer_output_tokens_per_s,99123,server,",
                   {{"3584", 3584, ""},
                    {"", std::nullopt, ""},
                    {"0", std::nullopt, "max_num_tokens: must be a whole number >= 1, got '0'"},
                    {"768.5", std::nullopt, "max_num_tokens: must be a whole number >= 1, got '768.5'"}},
                   &ValidationCase::max_num_tokens);
}

// srvstep: a server run's measured arrival rate (requests/s of the whole
// system), the operating point its TPOT was measured at. Only a server row
// has one; a bad cell is said at its line and column.
TEST(CasesIo, RateIsAServerRowsArrivalRate) {
  const std::string header = "id,mode,model,accelerator,chips,metric,value,scenario,rate,notes\n";
  struct RateCell {
    std::string scenario, cell;
    std::optional<double> expected;
    std::string error;  // empty: read without a word
  };
  for (const RateCell& r : std::vector<RateCell>{
           {"server", "361.3", 361.3, ""},
           {"server", "", std::nullopt, ""},
           {"server", "0", std::nullopt,
            "s.csv:2:48: warning: rate: must be a positive number of requests per second, got '0'"},
           {"server", "fast", std::nullopt, "s.csv:2:48: warning: rate: "},
           {"offline", "361.3", std::nullopt,
            "s.csv:2:49: warning: rate: is an arrival rate: only a server row has one (scenario is 'offline')"}}) {
    Diagnostics ds;
    const auto cases = parse_cases(
        header + "A,infer,llama2-70b,b200,8,tpot_ms,123.3," + r.scenario + "," + r.cell + ",\n", "s.csv", ds);
    ASSERT_EQ(cases.size(), 1u) << r.cell;
    EXPECT_EQ(cases[0].rate, r.expected) << r.cell;
    if (r.error.empty()) {
      EXPECT_TRUE(ds.empty()) << format_diagnostics(ds);
    } else {
      ASSERT_EQ(ds.size(), 1u) << format_diagnostics(ds);
      EXPECT_TRUE(format_diagnostic(ds[0]).starts_with(r.error)) << format_diagnostic(ds[0]);
      EXPECT_FALSE(cases[0].invalid.empty()) << r.cell;
    }
  }
}

const std::string kLegacy =
    "id,mode,model,accelerator,chips,precision,tp,metric,value,notes\n"
    "A,train,gpt3-175b,trn1,32,bf16,64,mfu,0.3,PaLM formula; ranks are cores\n"
    "B,finetune_lora,llama2-70b,h100-sxm,8,fp8,4,time_to_train_min,20,MLPerf Training v5.1 closed LoRA; "
    "tokens_trained 25952256\n"
    "C,infer,llama3.1-8b,inf2,4,fp8,4,tpot_ms,9,weight-only; speculative decoding\n";

TEST(CasesIo, OlderFilesReadTheirNotesAndSaySoOnce) {
  Diagnostics ds;
  const auto cases = parse_cases(kLegacy, "old.csv", ds);
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(cases[0].flop_convention, FlopConvention::palm);
  EXPECT_EQ(cases[0].rank_unit, RankUnit::core);
  EXPECT_EQ(cases[1].mlperf_round, "training-v5.1");
  EXPECT_DOUBLE_EQ(*cases[1].tokens_trained, 25952256.0);
  EXPECT_TRUE(cases[2].weight_only);
  EXPECT_TRUE(cases[2].speculative);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(format_diagnostic(ds[0]),
            "old.csv:1: note: an older case file without the typed setting columns (data/validation/CASES.md): read "
            "flop_convention (1 row), mlperf_round (1 row), rank_unit (1 row), speculative (1 row), tokens_trained (1 "
            "row), weight_only (1 row) from the notes, as before; 'xpuplan validate --upgrade old.csv' writes them as "
            "columns");
}

TEST(CasesIo, UpgradeWritesTheTypedColumnsAndReadsTheSame) {
  const auto up = upgrade_cases(kLegacy, "old.csv");
  ASSERT_TRUE(up) << format_diagnostics(up.error());
  EXPECT_TRUE(up->starts_with(
      "id,mode,model,accelerator,chips,precision,tp,metric,value,framework,flop_convention,rank_unit,tokens_trained,"
      "mlperf_round,mlperf_benchmark,weight_only,kv_precision,speculative,spec_accept,spec_tokens,statistic,attn_dp,"
      "date,grad_reduce,capacity_factor,moe_dispatch,attention_block,max_num_tokens,rate,notes\n"
      "A,train,gpt3-175b,trn1,32,bf16,64,mfu,0.3,,palm,core,,,,,,,,,,,,,,,,,,PaLM formula; ranks are cores\n"))
      << *up;
  Diagnostics old_ds, new_ds;
  const auto before = parse_cases(kLegacy, "old.csv", old_ds);
  const auto after = parse_cases(*up, "new.csv", new_ds);
  EXPECT_TRUE(new_ds.empty()) << format_diagnostics(new_ds);
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i].flop_convention, before[i].flop_convention) << i;
    EXPECT_EQ(after[i].rank_unit, before[i].rank_unit) << i;
    EXPECT_EQ(after[i].tokens_trained, before[i].tokens_trained) << i;
    EXPECT_EQ(after[i].mlperf_round, before[i].mlperf_round) << i;
    EXPECT_EQ(after[i].weight_only, before[i].weight_only) << i;
    EXPECT_EQ(after[i].speculative, before[i].speculative) << i;
    EXPECT_EQ(after[i].notes, before[i].notes) << i;
  }
  const auto again = upgrade_cases(*up, "new.csv");
  ASSERT_FALSE(again);
  EXPECT_EQ(format_diagnostics(again.error()),
            "new.csv:1: error: already has typed setting columns: nothing to upgrade\n");
}

// usertrial4: a user's own case file.

TEST(CasesIo, AHeaderNamesEachColumnOnce) {
  // `value` twice was read from the second cell; `kv_precison` was ignored
  // without a word; a misspelt required column was only "missing".
  Diagnostics ds;
  const auto cases = parse_cases(
      "id,mode,modle,accelerator,chips,metric,value,kv_precison,value,notes\nA,infer,m,a,8,tpot_ms,10,fp8,20,x\n",
      "c.csv", ds);
  EXPECT_TRUE(cases.empty());
  EXPECT_EQ(format_diagnostics(ds),
            "c.csv:1:9: warning: unknown column 'modle' (did you mean 'model'?): its cells are not read\n"
            "c.csv:1:46: warning: unknown column 'kv_precison' (did you mean 'kv_precision'?): its cells are not "
            "read\n"
            "c.csv:1:58: error: column 'value' is given twice (first as column 7); which one to read is a guess, so "
            "keep one\n"
            "c.csv:1: error: missing column 'model' (the header has 'modle' in column 3: a typo?)\n");
}

TEST(CasesIo, ATabOrSemicolonSeparatedFileAndAHeaderEndingInACommaAreSaidSo) {
  // usertrial6: a tab-separated export was one unknown column, then every
  // required column "missing", a line each; a header's trailing comma was
  // "unknown column ''".
  Diagnostics ds;
  EXPECT_TRUE(
      parse_cases("id\tmode\tmodel\taccelerator\tchips\tmetric\tvalue\nA\tinfer\tm\ta\t8\ttpot_ms\t10\n", "c.csv", ds)
          .empty());
  EXPECT_EQ(format_diagnostics(ds),
            "c.csv:1:1: error: the header is one column holding 6 tabs: a tab-separated file? The columns are read "
            "separated by commas (save it as CSV)\n");
  ds.clear();
  EXPECT_TRUE(parse_cases("id;mode;model;accelerator;chips;metric;value\n", "c.csv", ds).empty());
  EXPECT_EQ(format_diagnostics(ds),
            "c.csv:1:1: error: the header is one column holding 6 semicolons: a semicolon-separated file? The columns "
            "are read separated by commas (save it as CSV)\n");
  ds.clear();
  parse_cases("id,mode,model,accelerator,chips,metric,value,\n", "c.csv", ds);
  EXPECT_NE(format_diagnostics(ds).find("c.csv:1:46: warning: column 8 has no name (a comma at the end of the "
                                        "header?): its cells are not read\n"),
            std::string::npos)
      << format_diagnostics(ds);
}

TEST(CasesIo, AValuePastADoubleIsSaidOnceAndSo) {
  // usertrial6: `1e400` was "must be a number" and then "must be a positive number", two warnings for one cell.
  Diagnostics ds;
  const auto cases =
      parse_cases("id,mode,model,accelerator,chips,metric,value\nA,infer,m,a,8,tpot_ms,1e400\n", "c.csv", ds);
  ASSERT_EQ(cases.size(), 1U);
  EXPECT_FALSE(cases[0].invalid.empty());  // kept as unread, reported as skipped
  EXPECT_EQ(format_diagnostics(ds),
            "c.csv:2:23: warning: value: '1e400' is out of range (numbers out of range: beyond a double, about "
            "1.8e308)\n");
}

TEST(CasesIo, AHeaderWithoutRowsIsSaid) {
  // Validated as "no cases" and calibrated as "Fitted 0 stacks", exit 0, without a word.
  Diagnostics ds;
  EXPECT_TRUE(parse_cases("id,mode,model,accelerator,chips,metric,value\n\n", "c.csv", ds).empty());
  EXPECT_EQ(format_diagnostics(ds), "c.csv:1: warning: has a header and no case rows: nothing to validate or fit\n");
}

TEST(CasesIo, ALayoutIsCheckedAgainstItsChips) {
  // tp x pp x dp x cp = 8 on 64 chips was skipped as "no tp, cp and pp
  // combination divides the chip count"; a serving replica of tp 3 on 8 chips
  // likewise. Degrees counted in cores are the validator's to convert.
  Diagnostics ds;
  const auto cases = parse_cases(
      "id,mode,model,accelerator,chips,tp,pp,dp,cp,rank_unit,metric,value\n"
      "A,train,m,h100-sxm,64,2,2,2,1,,mfu,0.4\n"
      "B,train,m,h100-sxm,64,2,2,16,1,,mfu,0.4\n"
      "C,train,m,h100-sxm,64,3,,,,,mfu,0.4\n"
      "D,infer,m,h100-sxm,8,3,1,,,,tpot_ms,10\n"
      "E,infer,m,h100-sxm,8,4,2,9,9,,tpot_ms,10\n"
      "F,train,m,trn1,16,8,1,4,1,core,mfu,0.4\n",
      "c.csv", ds);
  ASSERT_EQ(cases.size(), 6u);
  EXPECT_EQ(cases[0].invalid,
            "chips: is 64, but tp 2 x pp 2 x dp 2 x cp 1 = 8 ranks (tp x pp x dp x cp is the chip "
            "count; CASES.md)");
  EXPECT_TRUE(cases[1].invalid.empty()) << cases[1].invalid;
  EXPECT_EQ(cases[2].invalid,
            "chips: is 64, which tp 3 = 3 does not divide (tp x pp x dp x cp is the chip count; CASES.md)");
  EXPECT_EQ(cases[3].invalid,
            "chips: is 8, which tp 3 x pp 1 = 3 does not divide (replicas = chips / (tp x pp); CASES.md)");
  EXPECT_TRUE(cases[4].invalid.empty()) << cases[4].invalid;  // dp and cp are not a replica's
  EXPECT_TRUE(cases[5].invalid.empty()) << cases[5].invalid;
  EXPECT_EQ(format_diagnostic(ds[0]).substr(0, 22), "c.csv:2:20: warning: c");
}

TEST(CasesIo, AColumnTakesOnlyItsOwnValues) {
  // kv_precision fp16 and precision fp32 parse as precisions, but are not the
  // columns' values (CASES.md); an MFU of 41 (percent) was predicted as 0.41.
  Diagnostics ds;
  const auto cases = parse_cases(
      "id,mode,model,accelerator,chips,precision,kv_precision,metric,value\n"
      "A,infer,m,h100-sxm,8,bf16,fp16,tpot_ms,10\n"
      "B,train,m,h100-sxm,8,fp32,,mfu,0.4\n"
      "C,train,m,h100-sxm,8,bf16,,mfu,41\n",
      "c.csv", ds);
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(cases[0].invalid, "kv_precision: unknown value 'fp16' (did you mean 'bf16'?)");
  EXPECT_EQ(cases[1].invalid, "precision: unknown value 'fp32' (did you mean 'fp16'?)");
  EXPECT_EQ(cases[2].invalid, "value: an MFU is a fraction of peak, at most 1; got 41 (write 0.41 for 41%)");
}

TEST(CasesIo, UpgradeRefusesARowItCannotSplitAndNamesUnknownColumns) {
  // An unquoted comma's extra cell was dropped and an unclosed quote swallowed
  // the rest of the file, and the file was rewritten anyway.
  const std::string old =
      "id,mode,model,accelerator,chips,metric,value,notes\n"
      "A,train,m,h100-sxm,8,mfu,0.4,a note, with a comma\n"
      "B,train,m,h100-sxm,8,mfu,\"0.5\n";
  const auto up = upgrade_cases(old, "old.csv");
  ASSERT_FALSE(up);
  EXPECT_EQ(format_diagnostics(up.error()),
            "old.csv:2:37: error: row has 9 cells, the header 8 (quote a cell that holds a comma)\n"
            "old.csv:3:26: error: this quote is never closed: the rest of the file was read as one cell\n");
  Diagnostics warnings;
  const auto ok = upgrade_cases(
      "id,mode,model,accelerator,chips,metric,value,framwork,notes\nA,train,m,a,8,mfu,0.4,x,y\n", "old.csv", &warnings);
  ASSERT_TRUE(ok) << format_diagnostics(ok.error());
  EXPECT_EQ(format_diagnostics(warnings),
            "old.csv:1:46: warning: unknown column 'framwork' (did you mean 'framework'?): its cells are not read\n");
}

}  // namespace
}  // namespace xpu
