// A price file (`offers:` / `purchase_prices:`): no crash, located
// diagnostics; offers read without errors, written back with
// offers_to_yaml() and read again, are the same offers at the same prices.
#include <cmath>

#include "catalog/offer.h"
#include "fuzz_support.h"
#include "ingest/data_files.h"
#include "ingest/price_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace xpu;
  const std::string t = fuzz::text_of(data, size);
  DataSet d;
  Diagnostics ds;
  load_data_text(t, "prices.yaml", d, ds);
  fuzz::require_located(ds);
  if (has_errors(ds) || d.prices.offers.empty()) return 0;
  fuzz::require_located(validate_price_book(d.prices, fuzz::shipped_data().catalog.accelerator_keys()));
  const std::string written = offers_to_yaml(d.prices.offers);
  DataSet back;
  Diagnostics ds2;
  load_data_text(written, "written.yaml", back, ds2);
  if (has_errors(ds2)) fuzz::fail("offers written back do not read: " + format_diagnostics(ds2) + "\n" + written);
  fuzz::require(back.prices.offers.size() == d.prices.offers.size(), "offers written back: another count");
  for (size_t i = 0; i < d.prices.offers.size(); ++i) {
    const Offer& a = d.prices.offers[i];
    const Offer& b = back.prices.offers[i];
    fuzz::require(a.key() == b.key(), "offer written back under another key: " + a.key() + " vs " + b.key());
    const double pa = a.price.si(), pb = b.price.si();
    fuzz::require(std::fabs(pa - pb) <= 1e-6 * std::fabs(pa) + 1e-12,
                  "offer " + a.key() + " written back at another price");
  }
  return 0;
}
