// Printing a CompareResult: a terminal table, canonical JSON, CSV, and a
// self-contained HTML report with SVG charts (compare_html.cpp).
#pragma once

#include <string>

#include "analysis/compare.h"
#include "api/compare.h"
#include "catalog/catalog.h"
#include "report/json_out.h"

namespace xpu {

// One line: "Llama 3.1 70B training, 15T tokens, seq 8192, bf16, on 1024 chips".
std::string describe_workload(const CompareQuery& r);
// One line: "on-demand prices, any region; baseline h100-sxm".
std::string describe_prices(const CompareQuery& r);

// How the cost column is computed, in one sentence (`ascii`: "x" for the multiplication sign).
std::string cost_basis_note(const CompareQuery& r, bool ascii);

// An option's price basis in a word: its offer's provider class
// ("hyperscaler", "neocloud", ...), or "owned" for a purchase price.
std::string price_class(const CompareOption& o);
// Sentences saying where the comparison is not like for like: the cheapest
// option rests on a provider class other vendors have no offer in, or owned
// options mix chip-only and system-share purchase prices. Empty when neither.
std::string class_caveat_text(const CompareResult& res);
std::string basis_caveat_text(const CompareResult& res);

// The ranking table, the accelerators left out with reasons, and (when
// computed) what moves the ranking.
std::string compare_to_text(const CompareResult& res);
// Canonical JSON (dump_canonical); options cheapest first.
Json compare_to_json(const CompareResult& res);
// One header row and one row per option, cheapest first (RFC 4180 quoting).
std::string compare_to_csv(const CompareResult& res);
// One HTML page, inline CSS and SVG, no external references: cost by
// accelerator, time (or chips) against cost with the Pareto front,
// sensitivity ranges, and the tables with price, spec and evidence sources.
std::string compare_to_html(const CompareResult& res, const Catalog& catalog);

// The compare job's report: the one JSON rendering (`--json`), text, CSV and HTML.
Json to_json(const api::CompareReport& r);
std::string to_text(const api::CompareReport& r);

// The claims job's report as the Markdown of docs/claims.md.
std::string to_markdown(const api::ClaimsReport& r);

}  // namespace xpu
