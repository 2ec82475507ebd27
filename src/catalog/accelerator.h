// One accelerator chip (GPU, TPU chip, Trainium/Inferentia device) as data.
//
// Rates and bandwidths are dense (never 2:4-sparse) and per chip. Link
// bandwidths are per direction: "900 GB/s NVLink" is 450 GB/s each way.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"
#include "base/units.h"
#include "catalog/precision.h"
#include "catalog/provenance.h"

namespace xpu {

enum class Vendor : unsigned char { nvidia, google, aws, amd };
std::string_view to_string(Vendor v);
std::optional<Vendor> parse_vendor(std::string_view s);

// How the chips of one scale-up domain are wired.
enum class TopologyKind : unsigned char {
  switched,         // every chip one hop from every other through switches (NVSwitch, NeuronSwitch)
  torus_2d,         // 2D torus with wraparound (TPU v5e/v6e ICI, Trn1/Trn2 in an instance)
  torus_3d,         // 3D torus with wraparound (TPU v4/v5p/v7 ICI, Trn2 UltraServer)
  ring,             // a ring (Inferentia2 NeuronLink)
  fully_connected,  // a direct link between every pair (AMD Infinity Fabric 8-GPU UBB)
};
std::string_view to_string(TopologyKind t);
std::optional<TopologyKind> parse_topology(std::string_view s);

// The software family that runs on the chip; stacks (Megatron, MaxText, ...) build on it.
enum class Runtime : unsigned char { cuda, xla, neuron, rocm };
std::string_view to_string(Runtime r);
std::optional<Runtime> parse_runtime(std::string_view s);

struct ScaleUp {
  std::string name;    // "NVLink 4 via NVSwitch"
  ByteRate bandwidth;  // per chip, per direction, over all its links
  TopologyKind topology = TopologyKind::switched;
  int domain = 1;         // chips in the default scale-up domain
  std::vector<int> dims;  // torus or ring shape of that domain, e.g. {4, 4}
  Seconds latency;        // start-up cost of one transfer step
};

struct ScaleOut {
  std::string name;    // "InfiniBand NDR (ConnectX-7)", "EFAv3", "DCN"
  ByteRate bandwidth;  // per chip, per direction
  Seconds latency;     // start-up cost of one message
};

struct Power {
  Watts tdp;            // board/chip power at full load
  Watts host_per_chip;  // CPU, memory, NIC and fan share of the host, per chip; 0 = unknown
};

struct Accelerator {
  std::string key;   // "h100-sxm"
  std::string name;  // "NVIDIA H100 SXM5 80GB"
  Vendor vendor = Vendor::nvidia;
  int year = 0;  // first availability
  Runtime runtime = Runtime::cuda;
  int cores_per_chip = 1;                        // cores a framework may count as ranks (Neuron: NeuronCores)
  std::array<FlopRate, kPrecisionCount> peak{};  // dense peak per precision; zero = unsupported
  Bytes hbm_capacity;
  ByteRate hbm_bandwidth;
  ScaleUp scale_up;
  ScaleOut scale_out;
  Power power;
  // Source of each field, by path ("peak.bf16", "memory.bandwidth", "scale_up.bandwidth").
  std::map<std::string, Provenance> sources;
  SourceLocation defined_at;  // file and line of the entry

  FlopRate peak_for(Precision p) const { return peak[static_cast<int>(p)]; }
  bool supports(Precision p) const { return peak_for(p).si() > 0; }
};

}  // namespace xpu
