// A portfolio file, resolved against the shipped data: no crash, located
// diagnostics, deterministic.
#include "fuzz_support.h"
#include "ingest/portfolio_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace xpu;
  const std::string t = fuzz::text_of(data, size);
  const DataSet& shipped = fuzz::shipped_data();
  Diagnostics ds;
  // HF config paths resolve under a folder that does not exist: no file is read.
  (void)parse_portfolio(t, "portfolio.yaml", shipped, ds, "/nonexistent-fuzz-dir");
  fuzz::require_located(ds);
  return 0;
}
