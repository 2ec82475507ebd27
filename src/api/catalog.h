// The data jobs: what the catalog, the model library and the price book hold.
//   catalog   the accelerators (or one of them, or the systems)
//   models    the model architectures with parameter counts (or one of them)
//   prices    the price book's offers (or the purchase prices)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/common.h"
#include "catalog/data_set.h"

namespace xpu::api {

// --- catalog -------------------------------------------------------------------

enum class CatalogView : unsigned char { accelerators, show, systems };

struct CatalogRequest {
  CatalogView view = CatalogView::accelerators;
  std::string vendor;       // accelerators: only this vendor ("nvidia", "google", "aws", "amd")
  std::string show;         // show: an accelerator or system key
  std::string accelerator;  // systems: only the systems of this accelerator
};

struct CatalogReport {
  CatalogView view = CatalogView::accelerators;
  std::vector<Accelerator> accelerators;  // accelerators view; show: the one accelerator
  std::vector<System> systems;            // systems view; show: the one system, or the shown accelerator's systems
  Outcome outcome = Outcome::answered;
};

Expected<CatalogReport, Diagnostics> run_catalog(const DataSet& data, const CatalogRequest& request);

// --- models --------------------------------------------------------------------

struct ModelsRequest {
  std::optional<ModelRef> show;  // one model (a key or a config); none = every shipped model
};

struct ModelEntry {
  ModelArch model;
  ParamCount params;
  PublishedDifference difference;  // computed against published sizes
};

struct ModelsReport {
  bool show = false;
  std::vector<ModelEntry> models;  // in key order; show: the one model
  Outcome outcome = Outcome::answered;
};

Expected<ModelsReport, Diagnostics> run_models(const DataSet& data, const ModelsRequest& request);

// --- prices --------------------------------------------------------------------

struct PricesRequest {
  bool purchase = false;  // the purchase prices instead of the offers
  // Offer filters; empty matches everything.
  std::string accelerator, provider, region;
  std::optional<Term> term;
  std::optional<ProviderClass> provider_class;  // hyperscaler, neocloud, other
};

struct PricesReport {
  bool purchase = false;
  std::vector<Offer> offers;             // by accelerator, term, price per chip-hour, key
  std::vector<PurchasePrice> purchases;  // by accelerator
  Outcome outcome = Outcome::answered;
};

// The filters that name nothing in the price book or the catalog (at their field).
Diagnostics check(const PricesRequest& request, const DataSet& data);

Expected<PricesReport, Diagnostics> run_prices(const DataSet& data, const PricesRequest& request);

}  // namespace xpu::api
