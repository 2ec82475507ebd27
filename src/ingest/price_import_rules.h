// The parts of catalog cleaning that are rules rather than plumbing: which
// raw accelerator names map to which catalog keys, how GCP host machine types
// and TPU slice names are read, the regional-anomaly test, the grouping of
// exclusion warnings, and the summary used for the shipped price book.
// Internal to io (price_import.cpp and its tests).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"
#include "catalog/offer.h"
#include "ingest/price_import.h"

namespace xpu::price_import {

// GCP's placeholder for "price unknown".
inline constexpr double kSentinel = 700.0;

// The deepest spot discount each provider publishes: AWS "up to 90% off the
// On-Demand price" (https://aws.amazon.com/ec2/spot/pricing/), Google Cloud
// "60-91% discounts" for Spot VMs' machine types and GPUs
// (https://cloud.google.com/spot-vms); both read 2026-12-06. A spot price
// below that fraction of on-demand is a placeholder or a fetcher's error,
// not a market price (usertrial5: 0.00001 $/h for 8 H100s was written). The
// AWS snapshot has rows at exactly 10% (trn1.32xlarge in us-east-2), so 1%
// below the floor is the tolerance.
inline constexpr double kAwsSpotFloor = 0.10;
inline constexpr double kGcpSpotFloor = 0.09;
inline constexpr double kSpotFloorTolerance = 0.99;

// A raw accelerator name and what it is in the catalog; `key` empty = not in
// the catalog, `why` says so in warnings.
struct AcceleratorSku {
  std::string_view raw;
  std::string_view key;
  int cores_per_chip = 1;  // TPU: TensorCores per chip (the number in a v4/v5p slice name counts cores)
  std::string_view why;
};

const AcceleratorSku* aws_sku(std::string_view accelerator_name);
const AcceleratorSku* gcp_sku(std::string_view accelerator_name);

// "tpu-v5p-128" -> instance "v5p-128", size 128, the v5p SKU (null when the
// generation is not in the catalog); nullopt when `name` is not a TPU.
struct TpuName {
  std::string instance;
  int size = 0;
  const AcceleratorSku* sku = nullptr;
};
std::optional<TpuName> parse_tpu_name(std::string_view name);

// The GCP machine type whose VM row holds the host price of `count` GPUs named
// `gpu` ("H100", 8 -> "a3-highgpu-8g").
std::string gcp_host_machine(std::string_view gpu, int count);

// Regions of one SKU that are priced anomalously, with the reason; input is
// the on-demand price per chip-hour (any consistent unit) by region.
std::map<std::string, std::string> regional_anomalies(const std::map<std::string, double>& price_by_region,
                                                      double gap_ratio, double outlier_ratio);

// Warnings for left-out prices, grouped so that one message lists every row
// it covers ("... (lines 12, 14, 19)"), in file order.
class Exclusions {
 public:
  // A price left out under `rule`; identical messages are merged.
  void add(const std::string& rule, const std::string& message, int line);
  // A warning about a kept price (not counted as an exclusion).
  void warn(const std::string& message, int line);
  // Appends the warnings to `out` and the per-rule counts to `counts`.
  void emit(const std::string& file, Diagnostics& out, std::map<std::string, int>& counts) const;

 private:
  struct Group {
    std::string rule;  // empty for warn()
    std::string message;
    std::vector<int> lines;
  };
  std::vector<Group> groups_;
  std::map<std::string, size_t> index_;  // rule + message -> group
};

// Summary mode of ImportOptions (regions kept, smallest TPU slice); returns
// the offers unchanged when neither is asked for.
std::vector<Offer> summarize(std::vector<Offer> offers, const ImportOptions& opt);

}  // namespace xpu::price_import
