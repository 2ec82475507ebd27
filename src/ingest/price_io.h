// Reading and writing the price book in YAML (format: docs/data-format.md,
// section "Prices"): `offers` (an instance under a purchase term at a price
// per instance-hour or per chip-hour), `purchase_prices` (what an owned
// chip costs) and `providers` (each seller's provider class). Prices are US dollars with their unit written: "55.04
// $/h", "6.88 $/chip/h", "33750 $".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/offer.h"
#include "ingest/yaml_reader.h"

namespace xpu {

// The accelerator an offer or purchase price names, kept when the entry
// itself is refused for another problem (a bad term, a missing price), so
// that the catalog check still reports it: one pass, both problems.
struct AcceleratorMention {
  std::string what;         // "offer 'aws/any/p5.48xlarge'", "purchase price"
  std::string accelerator;  // as written
  SourceLocation at;        // where `accelerator:` was written
};

// One `offers` entry; nullopt (with diagnostics) when it cannot be used.
// The accelerator a refused entry names goes to `refused` (when given), so
// that the catalog check still reports it (PriceBook::refused).
std::optional<Offer> read_offer(MapReader& r, std::vector<AcceleratorMention>* refused = nullptr);
// One `purchase_prices` entry; `refused` as for read_offer.
std::optional<PurchasePrice> read_purchase_price(MapReader& r, std::vector<AcceleratorMention>* refused = nullptr);
// One `providers` entry: a seller's name and class, with its source.
std::optional<ProviderInfo> read_provider(MapReader& r);

// Parses a YAML file holding only price sections (for `--prices FILE`), providers included;
// `refused` as for read_offer.
PriceBook load_price_file(const std::string& path, Diagnostics& ds, std::vector<AcceleratorMention>* refused = nullptr);

// Offers as YAML, one `offers:` list in key order, with every provenance field;
// reading the text back gives the same offers. `header` lines become comments.
std::string offers_to_yaml(const std::vector<Offer>& offers, const std::vector<std::string>& header = {});

// A price with enough digits to round-trip the cents: "55.04 $/h", "1.34375 $/h".
std::string price_text(DollarRate rate);

}  // namespace xpu
