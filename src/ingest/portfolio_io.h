// Reading a portfolio file (format: docs/portfolio.md): horizon, sites,
// offers (price-book keys or inline), workloads (training runs and inference
// services) and policy, resolved against the loaded data: model keys or
// Hugging Face config.json paths (relative to the portfolio file), catalog
// accelerators and vendors, price-book offers. Every problem is reported
// with file:line:col and a suggestion for near misses, all in one pass.
#pragma once

#include <string>

#include "base/diagnostics.h"
#include "base/expected.h"
#include "ingest/data_files.h"
#include "planner/portfolio.h"

namespace xpu {

// Parses `text` (named `name` in messages; HF paths resolve against `base_dir`).
// Diagnostics receives every problem; the result is only meaningful without errors.
Portfolio parse_portfolio(const std::string& text, const std::string& name, const DataSet& data, Diagnostics& ds,
                          const std::string& base_dir = ".");

// Reads and resolves a portfolio file; every problem goes to `ds` (the result
// is only meaningful without errors).
Portfolio read_portfolio(const std::string& path, const DataSet& data, Diagnostics& ds);
// The same, throwing InputError with every diagnostic.
Portfolio load_portfolio(const std::string& path, const DataSet& data);

// "40 req/s", "3000 tok/s" (output tokens; divided by output_len), "1.2k req/s":
// requests per second, or an error message.
Expected<double, std::string> parse_demand(std::string_view text, double output_len);

}  // namespace xpu
