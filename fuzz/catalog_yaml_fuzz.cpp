// A catalog YAML file (accelerators, systems, stacks, models, offers,
// purchase prices) read as one data file: no crash; every diagnostic is
// located; reading is deterministic; a file read without errors validates
// without crashing (the cross-checks load_data runs).
#include "catalog/catalog.h"
#include "fuzz_support.h"
#include "ingest/data_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace xpu;
  const std::string t = fuzz::text_of(data, size);
  DataSet d;
  Diagnostics ds;
  load_data_text(t, "fuzz.yaml", d, ds);
  fuzz::require_located(ds);
  DataSet again;
  Diagnostics ds2;
  load_data_text(t, "fuzz.yaml", again, ds2);
  fuzz::require(ds == ds2, "reading the same text twice gave other diagnostics");
  if (!has_errors(ds)) {
    fuzz::require_located(validate_catalog(d.catalog));
    fuzz::require_located(validate_price_book(d.prices, fuzz::shipped_data().catalog.accelerator_keys()));
  }
  return 0;
}
