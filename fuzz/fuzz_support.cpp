#include "fuzz_support.h"

#include "ingest/data_files.h"

namespace xpu::fuzz {

const DataSet& shipped_data() {
  static const DataSet data = load_data({XPUPLAN_DATA_DIR});
  return data;
}

}  // namespace xpu::fuzz
