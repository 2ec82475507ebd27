// Validation case CSVs and their companion models.csv (the first byte picks
// the reader: cases, the legacy upgrade, or models): no crash, located
// diagnostics; an upgraded file reads as cases without errors.
#include "fuzz_support.h"
#include "ingest/cases_io.h"
#include "ingest/model_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace xpu;
  if (size < 1) return 0;
  const std::string t = fuzz::text_of(data + 1, size - 1);
  Diagnostics ds;
  switch (data[0] % 3) {
    case 0:
      (void)parse_cases(t, "cases.csv", ds);
      break;
    case 1:
      if (auto up = upgrade_cases(t, "cases.csv")) {
        Diagnostics again;
        (void)parse_cases(*up, "upgraded.csv", again);
        fuzz::require_located(again);
      } else {
        ds = up.error();
      }
      break;
    default:
      (void)parse_models_csv(t, "models.csv", ds);
      break;
  }
  fuzz::require_located(ds);
  return 0;
}
