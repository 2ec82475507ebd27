// Checking the component models against published microbenchmarks
// (data/components/*.yaml, format in data/components/README.md): each entry is
// predicted with the same functions the training engine builds a step from
// (perf/components.h, perf/collectives.h) and the accelerator's own data, with
// no stack multiplier, and the error is reported per component kind and per
// accelerator family, separately from the end-to-end cases.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/precision.h"

namespace xpu {

enum class ComponentKind : unsigned char {
  gemm,
  grouped_gemm,
  moe_layer,
  attention_prefill,
  attention_decode,
  hbm_stream,
  collective,
  p2p,
  clock,
  launch,
  decode_step,
};
enum class ComponentMetric : unsigned char {
  throughput,         // FLOP/s
  memory_bandwidth,   // B/s read + written
  bus_bandwidth,      // nccl-tests busbw, B/s
  alg_bandwidth,      // bytes / time, B/s
  ep_bandwidth,       // DeepEP's bottleneck-link bandwidth, B/s
  latency,            // s
  clock,              // Hz
  utilization_limit,  // fraction
};

std::string_view to_string(ComponentKind k);
std::string_view to_string(ComponentMetric m);
std::optional<ComponentKind> parse_component_kind(std::string_view s);
std::optional<ComponentMetric> parse_component_metric(std::string_view s);

// One published microbenchmark. `shape` keeps each key's text as written (a
// number, a word, true/false); `value` is in SI units of the metric.
struct ComponentCase {
  std::string id;
  std::string accelerator;
  std::string system;  // "" = the accelerator's default system
  ComponentKind kind = ComponentKind::gemm;
  std::optional<Precision> precision;
  std::map<std::string, std::string> shape;
  double value = 0;
  ComponentMetric metric = ComponentMetric::throughput;
  bool estimate = false;
  std::string file;
  int line = 0;
};

struct ComponentResult {
  std::string id;
  ComponentKind kind = ComponentKind::gemm;
  ComponentMetric metric = ComponentMetric::throughput;
  std::string accelerator;
  std::string family;  // the accelerator's architecture generation
  double measured = 0;
  double predicted = 0;
  double error_pct = 0;  // (predicted - measured) / measured * 100
  bool ok = false;       // predicted; false = skipped
  bool estimate = false;
  std::string reason;  // why skipped, or what was assumed
};

// Predicts one entry's metric with the component models, or says why not.
ComponentResult predict_component(const ComponentCase& c, const Catalog& catalog);

}  // namespace xpu
