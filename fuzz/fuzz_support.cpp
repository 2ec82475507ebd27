#include "fuzz_support.h"

#include "ingest/data_files.h"

namespace xpu::fuzz {

const DataSet& shipped_data() {
  static const DataSet data = load_data({XPUPLAN_DATA_DIR});
  return data;
}

}  // namespace xpu::fuzz

// libFuzzer calls this once before the first input: the shipped data is
// loaded here, so loading it (about a second under ASan) is not counted
// against the first input's 1 s time limit.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  (void)xpu::fuzz::shipped_data();
  return 0;
}
