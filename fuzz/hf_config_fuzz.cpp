// A Hugging Face config.json: no crash, located diagnostics; a model read
// without errors has positive shapes.
#include "fuzz_support.h"
#include "ingest/model_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace xpu;
  Diagnostics ds;
  const auto m = parse_hf_config(fuzz::text_of(data, size), "config.json", ds, "fuzz-model");
  fuzz::require_located(ds);
  if (m && !has_errors(ds)) {
    fuzz::require(m->layers > 0 && m->d_model > 0 && m->n_heads > 0 && m->vocab > 0,
                  "a config read without errors has a shape that is not positive");
  }
  return 0;
}
