// The compare job (one training run or service on every priced accelerator,
// ranked by cost) and the claims job (vendor price-performance claims checked
// with compare on concrete workloads).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/claims.h"
#include "analysis/compare.h"
#include "api/common.h"

namespace xpu::api {

struct CompareRequest {
  ModelRef model;
  Mode mode = Mode::train;  // train or infer
  // Training: the tokens, and chips on every accelerator or a deadline to meet with the fewest.
  double tokens = 0;
  std::optional<int> chips;
  std::optional<Seconds> deadline;
  int seq_len = 8192;
  int global_batch = 0;                   // 0 = about 4M tokens (default_global_batch)
  Precision precision = Precision::bf16;  // matmuls (training), weights (serving)
  // Serving: a load under latency targets.
  std::optional<Precision> kv_precision;         // empty: default_kv_precision
  std::optional<Precision> attention_precision;  // empty: attention_weight_precision (the checkpoint's rule)
  double rate = 0;                               // requests/s
  double input_len = 2048, output_len = 256;
  std::optional<Seconds> ttft_slo, tpot_slo;
  std::optional<int> max_num_tokens;  // the engine's per-iteration token budget (InferRequest's); empty: the stack's
  // Prices.
  bool owned = false;  // owned hardware (purchase price) instead of a rental term
  Term term = Term::on_demand;
  std::string region;                               // only offers in this region; empty = the cheapest anywhere
  std::string provider;                             // only this provider's offers ("aws"); empty = any
  std::optional<ProviderClass> provider_class;      // only offers from this class (hyperscaler, neocloud, other)
  double utilization = 1.0;                         // share of committed (1y/3y) or owned hours doing paid work, (0, 1]
  EnergyPrice electricity = dollars_per_kwh(0.08);  // owned only
  double pue = PowerModel{}.pue;                    // facility / IT power, [1, 3]
  double life = OwnedParams{}.years;                // owned: depreciation years, (0, 20]
  std::string baseline = "h100-sxm";
  std::vector<std::string> accelerators;  // only these; empty = every catalog accelerator
  bool sensitivity = false;               // vary each assumption and say whether the ranking changes
  unsigned threads = 0;                   // the user's request (0 = all cores); the shell passes the budget
  // Options evaluated of total, from the evaluating threads one call at a time; a throw stops the compare.
  std::function<void(uint32_t done, uint32_t total)> progress;
};

struct CompareReport {
  CompareResult result;                 // options cheapest first, what was left out and why, sensitivity
  Outcome outcome = Outcome::answered;  // none_meets: no accelerator could be compared
};

// Every problem with the request, at JSON pointers of its fields.
Diagnostics check(const CompareRequest& r, const DataSet& data);

Expected<CompareReport, Diagnostics> run_compare(const DataSet& data, const CompareRequest& request,
                                                 ThreadBudget threads);

struct ClaimsRequest {
  unsigned threads = 0;  // the user's request; the text does not depend on it
};

struct ClaimsReport {
  ClaimsResult result;  // every compare run and the values the verdicts rest on
  Outcome outcome = Outcome::answered;
};

Expected<ClaimsReport, Diagnostics> run_claims(const DataSet& data, const ClaimsRequest& request, ThreadBudget threads);

}  // namespace xpu::api
