// The simulator's inputs: a scenario (fleet) file, and a risks file read
// against tests/data/sim/fleet.yaml (the first byte picks which): no crash,
// located diagnostics.
#include "fuzz_support.h"
#include "ingest/risks_io.h"
#include "ingest/sim_input_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace xpu;
  if (size < 1) return 0;
  static const SimInput fleet = load_sim_input(std::string(XPUPLAN_TEST_DIR) + "/data/sim/fleet.yaml");
  const std::string t = fuzz::text_of(data + 1, size - 1);
  Diagnostics ds;
  if (data[0] & 1) {
    (void)parse_sim_input(t, "scenario.yaml", ds);
  } else {
    (void)parse_risks(t, "risks.yaml", fleet, ds);
  }
  fuzz::require_located(ds);
  return 0;
}
