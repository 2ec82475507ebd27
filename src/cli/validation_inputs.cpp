#include "cli/validation_inputs.h"

namespace xpu::cli {

ValidationInputs validation_inputs(const DataSet& data) {
  ValidationInputs in;
  in.catalog = &data.catalog;
  in.find_model = [&data](const std::string& key) { return data.find_model(key); };
  in.mlperf = data.mlperf;
  return in;
}

}  // namespace xpu::cli
