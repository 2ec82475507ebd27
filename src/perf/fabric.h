// The hardware as the performance model sees it: one chip's rates and the
// interconnect of the system it sits in, flattened for fast evaluation.
#pragma once

#include <array>
#include <string>

#include "base/units.h"
#include "catalog/accelerator.h"
#include "catalog/catalog.h"
#include "catalog/system.h"

namespace xpu {

// The accelerator's kernel physics flattened for the component models
// (perf/components.h): every field set, unknowns replaced by the defaults
// docs/data-format.md names.
struct ChipKernels {
  double clock_ratio = 1.0;  // sustained matmul clock / clock the peaks are quoted at
  // Library GEMM / clock-limited peak at large shapes, per precision (0.75 when unmeasured).
  std::array<double, kPrecisionCount> matmul{0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75};
  static_assert(kPrecisionCount == 7, "one default per precision");
  double tile_m = 128, tile_n = 128, tile_k = 64;
  double units = 0;       // compute units tiles spread over; 0 = no wave quantization
  bool systolic = false;  // dimensions smaller than the tile are padded to it
  double k_half = 0;
  Seconds kernel_latency;
  double hbm_stream = 0.8;
  double attention_forward = 0.5, attention_backward = 0.4;
  double attention_head_half = 0, attention_head_quantum = 0, attention_seq_half = 0;
  double attention_ref = 1.0;    // head-dim factor at the reference head dim 128 (the data's figures are at 128)
  bool measured_matmul = false;  // matmul efficiency came from the data, not the default
};

struct Fabric {
  std::string accelerator;  // catalog keys, for reports
  std::string system;
  std::array<FlopRate, kPrecisionCount> peak{};
  Bytes hbm_capacity;
  ByteRate hbm_bandwidth;
  // Scale-up domain: the chips on the fast interconnect together.
  TopologyKind topology = TopologyKind::switched;
  int domain = 1;                        // chips per domain (a TPU slice, an NVL72 rack, an 8-GPU node)
  std::array<int, 3> dims{1, 1, 1};      // torus/ring shape of the domain; {domain,1,1} for switches
  std::array<int, 3> pod_dims{1, 1, 1};  // shape of the whole pod the slice is cut from (wraparound)
  int ndims = 1;
  bool wrap_multiple_of_4 = false;  // optical circuit switches give wraparound to any dim % 4 == 0 (TPU v4/v5p/v7)
  ByteRate up_bandwidth;            // per chip per direction over all links
  ByteRate up_link_bandwidth;       // per link per direction (torus, ring, fully connected)
  int up_links = 1;                 // links per chip
  Seconds up_latency;
  Seconds up_collective_latency;  // per ring step of NCCL/RCCL collectives (training); = up_latency when unmeasured
  double up_efficiency = 0.8;     // ring collective bus bandwidth / up_bandwidth (nccl-tests); default when unmeasured
  double nvls = 0;                // all-reduce algorithm bandwidth / up_bandwidth with in-switch reduction; 0 = none
  int nvls_min_ranks = 0;
  Bytes mesh_below;  // buffers below this take the runtime's one-step routed mesh (Neuron); 0 = none
  Bytes rdh_below;   // buffers below this take recursive doubling/halving (Neuron); 0 = none
  // Scale-out network between domains.
  ByteRate out_bandwidth;  // per chip per direction
  Seconds out_latency;
  double out_efficiency = 0.8;  // NIC rate a collective reaches / line rate; default when unmeasured
  int chips_per_host = 8;
  int devices_per_chip = 1;  // framework devices per chip (accelerator cores_per_chip: TPU7x TensorCores, NeuronCores)
  Watts tdp;
  Watts host_per_chip;
  // What the chip's kernels reach (perf/components.h), with defaults filled in.
  ChipKernels kernels;

  FlopRate peak_for(Precision p) const { return peak[static_cast<int>(p)]; }
};

// The fabric of `accelerator` inside `system` for a job of `chips` chips. A
// torus domain larger than the job is cut to the job's slice shape (the way
// TPU slices are allocated); a switch domain keeps its size. Null system =
// the accelerator's own default domain.
Fabric make_fabric(const Accelerator& accelerator, const System* system, int chips);

// Flash attention's efficiency at `head_dim` relative to its figure at head
// dim 128 (padding to the unit's quantum, per-score overhead).
double attention_head_factor(const ChipKernels& k, double head_dim);

// The precision a chip actually runs `p` matmuls at: `p` if it has a peak for
// it, else the nearest wider format it supports (fp8 -> bf16 on TPU v5p).
Precision effective_precision(const Fabric& f, Precision p);

}  // namespace xpu
