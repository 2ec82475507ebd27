// The train job: time, memory and MFU of a training run on one accelerator
// (or system), with the best parallel layouts on up to the chips asked.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/common.h"
#include "api/shared.h"
#include "base/parallel.h"
#include "evidence/interval.h"
#include "perf/search.h"

namespace xpu::api {

struct TrainRequest {
  ModelRef model;
  std::string accelerator;  // an accelerator key (its default system) or a system key
  std::string stack;        // empty: the runtime's training stack
  int chips = 0;            // the most chips the run may use
  int seq_len = 8192;       // tokens per sequence
  int global_batch = 0;     // sequences per step; 0 = about 4M tokens (default_global_batch)
  Precision precision = Precision::bf16;
  double tokens = 0;           // tokens to train; 0 = not given (no run time)
  LayoutConstraints fixed;     // degrees and choices the search keeps as given
  int top = 5;                 // layouts to list
  double memory_margin = 0.1;  // HBM fraction the "safe" pick leaves free, [0, 1)
  unsigned threads = 0;        // the user's request (0 = all cores); the shell passes the budget
};

struct TrainReport {
  std::string model_key, model_name;
  std::string accelerator, system, stack;  // keys; system empty = the accelerator's own domain
  int chips_asked = 0;
  int chips = 0;              // what the answer uses: chips_asked unless that count has no valid layout
  std::string fewer_because;  // why fewer, when so
  TrainingJob job;            // as run (the default batch filled in)
  Precision precision_used = Precision::bf16;  // what the matmuls run at on this chip
  SearchResult search;                         // at `chips`
  double memory_margin = 0.1;
  PredictionInterval interval;        // multiply a throughput by low/high
  std::optional<Seconds> train_time;  // job.tokens on `chips` at the best layout
  double chip_hours = 0;
  double search_ms = 0;                 // wall time of the search (text output only)
  unsigned threads = 1;                 // the budget the search ran under
  Outcome outcome = Outcome::answered;  // none_meets: no layout fits (or none is valid)
};

// Every problem with the request (names the data set lacks, counts that are
// not positive, ranges), at JSON pointers of its fields ("/chips").
Diagnostics check(const TrainRequest& r, const DataSet& data);

// `shared`: searches shared with other requests answered from the same `data`
// (api/shared.h; the same report either way).
Expected<TrainReport, Diagnostics> run_train(const DataSet& data, const TrainRequest& request, ThreadBudget threads,
                                             Shared* shared = nullptr);

// The key a train request's search is shared under (api/shared.h): every
// field the search reads (`stack`: the stack's key as resolved), none of
// those it does not (tokens, threads). Exposed for its test.
std::string train_search_key(const TrainRequest& r, std::string_view stack);

}  // namespace xpu::api
