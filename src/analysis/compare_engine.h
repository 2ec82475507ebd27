// Internal to compare (compare.cpp, compare_sensitivity.cpp): one option's
// evaluation, so that the sensitivity pass can redo it with changed inputs.
#pragma once

#include <string>

#include "analysis/compare.h"

namespace xpu::compare_detail {

// One way to run the workload on an accelerator: a system and what it costs.
struct Candidate {
  const Accelerator* accelerator = nullptr;
  const StackEfficiency* stack = nullptr;
  const System* system = nullptr;
  const Offer* offer = nullptr;             // rented
  const PurchasePrice* purchase = nullptr;  // owned
};

// The engines' answer for a candidate at a chip count (training) or a load (serving).
struct Evaluation {
  bool ok = false;
  std::string why;  // when !ok: no fit, no layout, SLOs out of reach, deadline out of reach
  CompareOption option;
  WorkPoint work;  // what cost prices
};

// Training at `chips` chips (or, with chips = 0 and a deadline, the fewest
// that meet it), or serving the request's load; priced under `basis`.
Evaluation evaluate(const CompareQuery& r, const Candidate& c, const StackEfficiency& stack, int chips);

// `work` priced for candidate `c` under `basis` (with a different offer when given).
CostBreakdown price(const Candidate& c, const WorkPoint& work, const PriceBasis& basis, const Offer* offer = nullptr);

// Fills result.sensitivity (compare_sensitivity.cpp). `chosen[i]` is the candidate of result.options[i].
void add_sensitivity(const DataSet& data, CompareResult& result, const std::vector<Candidate>& chosen);

}  // namespace xpu::compare_detail
