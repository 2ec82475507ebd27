#include "api/catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "base/suggest.h"

namespace xpu::api {

Expected<CatalogReport, Diagnostics> run_catalog(const DataSet& data, const CatalogRequest& r) {
  CatalogReport out;
  out.view = r.view;
  const Catalog& c = data.catalog;
  switch (r.view) {
    case CatalogView::accelerators: {
      for (const auto& a : c.accelerators) {
        if (r.vendor.empty() || to_string(a.vendor) == r.vendor) out.accelerators.push_back(a);
      }
      if (!r.vendor.empty() && out.accelerators.empty()) {
        const std::vector<std::string> vendors{"nvidia", "google", "aws", "amd"};
        return Unexpected{Diagnostics{
            field_error("vendor", fmt::format("unknown vendor '{}'{}", r.vendor, did_you_mean(r.vendor, vendors)))}};
      }
      break;
    }
    case CatalogView::show: {
      if (const Accelerator* a = c.find_accelerator(r.show)) {
        out.accelerators.push_back(*a);
        for (const System* s : c.systems_of(a->key)) out.systems.push_back(*s);
      } else if (const System* s = c.find_system(r.show)) {
        out.systems.push_back(*s);
      } else {
        auto keys = c.accelerator_keys();
        auto sys = c.system_keys();
        keys.insert(keys.end(), sys.begin(), sys.end());
        return Unexpected{Diagnostics{field_error(
            "show", fmt::format("unknown accelerator or system '{}'{}", r.show, did_you_mean(r.show, keys)))}};
      }
      break;
    }
    case CatalogView::systems: {
      Diagnostics bad;
      check_known(r.accelerator, c.accelerator_keys(), "accelerator", "unknown accelerator", bad);
      if (has_errors(bad)) return Unexpected{std::move(bad)};
      for (const auto& s : c.systems) {
        if (r.accelerator.empty() || s.accelerator == r.accelerator) out.systems.push_back(s);
      }
      break;
    }
  }
  return out;
}

Expected<ModelsReport, Diagnostics> run_models(const DataSet& data, const ModelsRequest& r) {
  ModelsReport out;
  auto entry = [](const ModelArch& m) {
    const ParamCount c = count_parameters(m);
    return ModelEntry{m, c, published_difference(m, c)};
  };
  if (r.show) {
    out.show = true;
    auto m = resolve_model(data, *r.show, "show");
    if (!m) return Unexpected{Diagnostics{m.error()}};
    out.models.push_back(entry(*m));
    return out;
  }
  for (const auto& m : data.models) out.models.push_back(entry(m));
  return out;
}

namespace {

int term_rank(Term t) {
  for (int i = 0; i < kTermCount; ++i) {
    if (kAllTerms[i] == t) return i;
  }
  return kTermCount;
}

}  // namespace

Diagnostics check(const PricesRequest& r, const DataSet& data) {
  Diagnostics bad;
  if (r.purchase) return bad;
  const PriceBook& book = data.prices;
  check_known(r.accelerator, data.catalog.accelerator_keys(), "accelerator", "unknown accelerator", bad);
  const auto providers = book.providers();
  if (!r.provider.empty() && std::find(providers.begin(), providers.end(), r.provider) == providers.end()) {
    bad.push_back(field_error("provider",
                              fmt::format("no offers from provider '{}'{}; providers in the price book: {}", r.provider,
                                          did_you_mean(r.provider, providers), fmt::join(providers, ", "))));
  }
  check_known(r.region, book.regions(), "region", "no offers in region", bad);
  if (bad.empty()) {
    check_offer_filters(
        book, {.provider = r.provider, .region = r.region, .term = r.term, .provider_class = r.provider_class}, bad);
  }
  return bad;
}

Expected<PricesReport, Diagnostics> run_prices(const DataSet& data, const PricesRequest& r) {
  PricesReport out;
  out.purchase = r.purchase;
  const PriceBook& book = data.prices;
  if (r.purchase) {
    out.purchases = book.purchases;
    return out;
  }
  if (Diagnostics bad = check(r, data); has_errors(bad)) return Unexpected{std::move(bad)};
  for (const Offer* o : book.find({r.accelerator, r.provider, r.region, r.term, r.provider_class}))
    out.offers.push_back(*o);
  // Cheapest first within an accelerator and term; the key breaks ties.
  std::stable_sort(out.offers.begin(), out.offers.end(), [](const Offer& a, const Offer& b) {
    return std::make_tuple(a.accelerator, term_rank(a.term), a.price_per_chip(), a.key()) <
           std::make_tuple(b.accelerator, term_rank(b.term), b.price_per_chip(), b.key());
  });
  return out;
}

}  // namespace xpu::api
