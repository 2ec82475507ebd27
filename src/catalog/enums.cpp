// Names of the catalog's enumerations, as written in data files and output.
#include <array>

#include <string_view>
#include <utility>
#include "base/enum_names.h"

#include "catalog/accelerator.h"
#include "catalog/precision.h"

namespace xpu {
namespace {

constexpr std::array<std::pair<Precision, std::string_view>, 7> kPrecisions{{
    {Precision::fp32, "fp32"},
    {Precision::tf32, "tf32"},
    {Precision::bf16, "bf16"},
    {Precision::fp16, "fp16"},
    {Precision::fp8, "fp8"},
    {Precision::fp4, "fp4"},
    {Precision::int8, "int8"},
}};
constexpr std::array<std::pair<Vendor, std::string_view>, 4> kVendors{{
    {Vendor::nvidia, "nvidia"},
    {Vendor::google, "google"},
    {Vendor::aws, "aws"},
    {Vendor::amd, "amd"},
}};
constexpr std::array<std::pair<TopologyKind, std::string_view>, 5> kTopologies{{
    {TopologyKind::switched, "switch"},
    {TopologyKind::torus_2d, "torus-2d"},
    {TopologyKind::torus_3d, "torus-3d"},
    {TopologyKind::ring, "ring"},
    {TopologyKind::fully_connected, "fully-connected"},
}};
constexpr std::array<std::pair<Runtime, std::string_view>, 4> kRuntimes{{
    {Runtime::cuda, "cuda"},
    {Runtime::xla, "xla"},
    {Runtime::neuron, "neuron"},
    {Runtime::rocm, "rocm"},
}};

}  // namespace

std::string_view to_string(Precision p) { return name_of(kPrecisions, p); }
std::optional<Precision> parse_precision(std::string_view s) { return value_of(kPrecisions, s); }
std::string_view to_string(Vendor v) { return name_of(kVendors, v); }
std::optional<Vendor> parse_vendor(std::string_view s) { return value_of(kVendors, s); }
std::string_view to_string(TopologyKind t) { return name_of(kTopologies, t); }
std::optional<TopologyKind> parse_topology(std::string_view s) { return value_of(kTopologies, s); }
std::string_view to_string(Runtime r) { return name_of(kRuntimes, r); }
std::optional<Runtime> parse_runtime(std::string_view s) { return value_of(kRuntimes, s); }

}  // namespace xpu
