// The SkyPilot catalog CSV import (the first byte picks aws or gcp, and
// summary mode): no crash, located diagnostics, and what it writes is a
// price file the loader reads back without errors (issue 12: an import once
// wrote a file the loader then rejected).
#include "fuzz_support.h"
#include "ingest/data_files.h"
#include "ingest/price_import.h"
#include "ingest/price_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace xpu;
  if (size < 1) return 0;
  const CatalogFormat format = (data[0] & 1) ? CatalogFormat::gcp : CatalogFormat::aws;
  ImportOptions o;
  o.retrieved = "2026-11-26";
  if (data[0] & 2) o = summary_import_options(o);
  const ImportResult r = import_skypilot_text(fuzz::text_of(data + 1, size - 1), "vms.csv", format, o);
  fuzz::require_located(r.diagnostics);
  if (has_errors(r.diagnostics) || r.offers.empty()) return 0;
  const std::string written = offers_to_yaml(r.offers, {"imported"});
  DataSet back;
  Diagnostics ds;
  load_data_text(written, "imported.yaml", back, ds);
  if (has_errors(ds)) fuzz::fail("an import the loader rejects: " + format_diagnostics(ds) + "\n" + written);
  fuzz::require(back.prices.offers.size() == r.offers.size(), "imported offers read back: another count");
  return 0;
}
