// Everything xpuplan loads, as one value: the catalog (accelerators, systems,
// stacks), model architectures, the price book, calibrations and benchmark
// definitions. Built by ingest (load_data) from the shipped data/ and users'
// --catalog directories and --prices files; read-only below the shells.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalog/benchmarks.h"
#include "catalog/calibration.h"
#include "catalog/catalog.h"
#include "catalog/offer.h"
#include "workload/model.h"

namespace xpu {

struct DataSet {
  Catalog catalog;
  std::vector<ModelArch> models;                  // sorted by key
  std::vector<CalibrationEntry> calibrations;     // applied to catalog.stacks by load_data()
  std::vector<MlperfEvaluation> mlperf;           // benchmark evaluation schedules
  std::vector<MlperfInference> mlperf_inference;  // inference benchmark definitions
  PriceBook prices;                               // offers and purchase prices

  const ModelArch* find_model(std::string_view key) const;
  std::vector<std::string> model_keys() const;
};

}  // namespace xpu
