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
  Seconds latency;        // start-up cost of one transfer step (serving engines' own collectives)
  // Start-up cost of one ring step of an nccl-tests/rccl-tests collective (its
  // small-message time over its steps); what a training framework's NCCL/RCCL
  // calls pay. Zero = `latency`.
  Seconds collective_latency;
  // What collectives reach on this fabric (nccl-tests/rccl-tests bus bandwidth
  // at large messages over `bandwidth`, data/components). 0 = not measured.
  double efficiency = 0;
  // All-reduce algorithm bandwidth (buffer / time) over `bandwidth` with
  // in-switch reduction (NVLink SHARP, "NVLS"), used for groups of at least
  // `nvls_min_ranks`; 0 = none.
  double nvls = 0;
  int nvls_min_ranks = 0;
  // Runtimes that pick the collective algorithm by buffer size (the Neuron
  // runtime on a NeuronLink torus): below `mesh_below` every rank writes
  // straight to every peer through the fabric's routing, a constant number of
  // steps whatever the group size; below `rdh_below` recursive doubling and
  // halving, log2(n) steps per phase; rings above. Zero = rings at every size.
  Bytes mesh_below;
  Bytes rdh_below;
};

struct ScaleOut {
  std::string name;       // "InfiniBand NDR (ConnectX-7)", "EFAv3", "DCN"
  ByteRate bandwidth;     // per chip, per direction
  Seconds latency;        // start-up cost of one message
  double efficiency = 0;  // NIC bandwidth a collective reaches / line rate (data/components); 0 = not measured
};

// What the chip's own kernels reach, from component microbenchmarks
// (data/components, docs/perf-model.md "Component physics"). A GEMM runs at
//   peak x clock_matmul/clock_peak x matmul[precision] x shape efficiency
// where the shape efficiency quantizes m, n, k on `tile` and spreads the tiles
// over `compute_units` in waves. Zero fields are unknown; the engine then uses
// the defaults named in docs/data-format.md.
struct KernelPhysics {
  Hertz clock_peak;    // clock the dense peaks are quoted at
  Hertz clock_matmul;  // sustained clock under a back-to-back dense bf16 GEMM at the power limit
  // Sustained/peak clock ratio when the clocks themselves are not published
  // (an estimate with its reasoning); 0 = from the two clocks, or 1.
  double clock_ratio = 0;
  // Best library GEMM / clock-limited peak at large shapes, per precision (0 = as bf16).
  std::array<double, kPrecisionCount> matmul{};
  std::array<int, 3> tile{0, 0, 0};  // m, n, k quanta of the GEMM tile (TPU: the MXU's n and k)
  int compute_units = 0;             // SMs, CUs or cores the tiles of one GEMM are spread over
  // A systolic array (TPU MXU, NeuronCore tensor engine) pads a dimension
  // smaller than its width; a GPU picks a smaller tile instead.
  bool systolic = false;
  double k_half = 0;       // contraction length at which a tile's fixed prologue/epilogue equals its loop
  Seconds kernel_latency;  // fixed cost of one kernel in a stream (fill, drain, launch gap)
  double hbm_stream = 0;   // STREAM copy/triad bandwidth / datasheet HBM bandwidth
  // Fused (flash) attention, fraction of the bf16 dense peak at long causal
  // sequences and a head dimension that fills the unit (FLOPs: 4 b s^2 h d
  // forward, x2.5 backward, FlashAttention convention).
  double attention_forward = 0;
  double attention_backward = 0;
  double attention_head_half = 0;  // per-score work: efficiency ~ d / (d + head_half)
  int attention_head_quantum = 0;  // head dims are padded to this (TPU MXU width)
  double attention_seq_half = 0;   // keys per query at which efficiency halves (short sequences)
};

struct Power {
  Watts tdp;            // board/chip power at full load
  Watts host_per_chip;  // CPU, memory, NIC and fan share of the host, per chip; 0 = unknown
};

struct Accelerator {
  std::string key;   // "h100-sxm"
  std::string name;  // "NVIDIA H100 SXM5 80GB"
  Vendor vendor = Vendor::nvidia;
  std::string
      family;    // architecture generation ("Hopper", "CDNA 3", "TPU v5p"), for grouping evidence; "" = the vendor
  int year = 0;  // first availability
  Runtime runtime = Runtime::cuda;
  int cores_per_chip = 1;                        // cores a framework may count as ranks (Neuron: NeuronCores)
  std::array<FlopRate, kPrecisionCount> peak{};  // dense peak per precision; zero = unsupported
  Bytes hbm_capacity;
  ByteRate hbm_bandwidth;
  ScaleUp scale_up;
  ScaleOut scale_out;
  Power power;
  KernelPhysics kernels;
  // Source of each field, by path ("peak.bf16", "memory.bandwidth", "scale_up.bandwidth").
  std::map<std::string, Provenance> sources;
  SourceLocation defined_at;  // file and line of the entry

  FlopRate peak_for(Precision p) const { return peak[static_cast<int>(p)]; }
  bool supports(Precision p) const { return peak_for(p).si() > 0; }
};

}  // namespace xpu
