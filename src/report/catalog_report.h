// The data jobs' reports (catalog, models, prices) as terminal text and
// canonical JSON: the one JSON rendering each, which `--json` prints.
#pragma once

#include <string>

#include "api/catalog.h"
#include "report/json_out.h"

namespace xpu {

// accelerators: {"accelerators": [...]}; show: the accelerator (with sources)
// or the system; systems: {"systems": [...]}.
Json to_json(const api::CatalogReport& r);
std::string to_text(const api::CatalogReport& r);

// list: {"models": [...]}; show: the model.
Json to_json(const api::ModelsReport& r);
std::string to_text(const api::ModelsReport& r);

// offers: {"offers": [...]}; purchase: {"purchase_prices": [...]}.
Json to_json(const api::PricesReport& r);
std::string to_text(const api::PricesReport& r);

}  // namespace xpu
