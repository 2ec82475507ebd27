// Cleaning raw cloud price catalogs into offers.
//
// Input: SkyPilot catalog CSVs (schema v8; AWS and GCP column sets as in
// skypilot-org/skypilot-catalog catalogs/v8/{aws,gcp}/vms.csv). Output: one
// offer per (instance, region, term) for on-demand and spot, and a warning
// with file:line for every price that was left out and why. Nothing is
// dropped silently. The rules (docs in data/prices/README.md):
//
//   sentinel          a price of 700.0 (GCP's placeholder for "unknown")
//   no-price          a blank or zero price (no public on-demand price, no spot market)
//   spot-not-cheaper  spot at or above the row's on-demand price (not a real spot offer)
//   spot-implausible  spot below the provider's deepest published discount (AWS 90%,
//                     GCP 91%) of the zone's listed on-demand price, or where the zone
//                     lists none, of the instance's median elsewhere
//   no-host-row       a GCP GPU row whose host VM row (same zone) is missing
//   unused-host-row   a GCP host VM row no accelerator row refers to
//   unknown-sku       an accelerator with no catalog key (e.g. A100 40GB)
//   duplicate         a row repeated verbatim, or a second price for the same instance and zone
//   regional-anomaly  a region priced far from the others for the same SKU (see below)
//
// Regional anomalies, per SKU and on-demand only: when the regions' prices
// split into two groups of at least two regions each, with a step of at least
// `gap_ratio` between them, the lower group is dropped (in the GCP snapshot
// that group is a discounted SKU the fetcher picked up as the list price in
// some regions); then a region at least `outlier_ratio` times the median of
// the other regions (or at most 1/`outlier_ratio` of it) is dropped.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "catalog/offer.h"

namespace xpu {

enum class CatalogFormat { aws, gcp };

struct ImportOptions {
  std::string retrieved;  // YYYY-MM-DD written into every offer's provenance (required)
  std::string note;       // added to every offer's note (e.g. the snapshot's commit)
  double outlier_ratio = 1.8;
  double gap_ratio = 1.5;
  // Summary mode (how the shipped book is made): keep only these regions, and
  // for an instance offered in none of them its cheapest region; notes carry
  // the median and range over all regions. Empty = every region.
  std::vector<std::string> regions;
  // Keep one TPU slice per generation (the smallest; TPU prices are linear in size).
  bool smallest_slice_only = false;
};

struct ImportResult {
  std::vector<Offer> offers;            // sorted by key
  Diagnostics diagnostics;              // warnings (and errors for an unreadable file)
  std::map<std::string, int> excluded;  // rule -> prices left out
  int rows = 0;                         // data rows read
};

// The options `prices import --summary` uses to make the shipped book: the
// main US region of each provider plus one in Europe, the smallest TPU slice.
ImportOptions summary_import_options(ImportOptions options);

// One line for stderr: "FILE: R rows read, N offers written, X prices excluded: rule n, ...".
std::string import_summary(const std::string& file, const ImportResult& r);

// Reads a SkyPilot CSV; `name` is used in diagnostics.
ImportResult import_skypilot_csv(const std::string& path, CatalogFormat format, const ImportOptions& options);
ImportResult import_skypilot_text(const std::string& text, const std::string& name, CatalogFormat format,
                                  const ImportOptions& options);

// The provider pricing page cited for a provider's imported offers.
std::string provider_pricing_source(CatalogFormat format, bool tpu);

}  // namespace xpu
