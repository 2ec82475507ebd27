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

struct Fabric {
  std::string accelerator;  // catalog keys, for reports
  std::string system;
  std::array<FlopRate, kPrecisionCount> peak{};
  Bytes hbm_capacity;
  ByteRate hbm_bandwidth;
  // Scale-up domain: the chips on the fast interconnect together.
  TopologyKind topology = TopologyKind::switched;
  int domain = 1;                    // chips per domain (a TPU slice, an NVL72 rack, an 8-GPU node)
  std::array<int, 3> dims{1, 1, 1};  // torus/ring shape of the domain; {domain,1,1} for switches
  int ndims = 1;
  bool wrap_multiple_of_4 = false;  // optical circuit switches give wraparound to any dim % 4 == 0 (TPU v4/v5p/v7)
  ByteRate up_bandwidth;            // per chip per direction over all links
  ByteRate up_link_bandwidth;       // per link per direction (torus, ring, fully connected)
  int up_links = 1;                 // links per chip
  Seconds up_latency;
  // Scale-out network between domains.
  ByteRate out_bandwidth;  // per chip per direction
  Seconds out_latency;
  int chips_per_host = 8;
  Watts tdp;
  Watts host_per_chip;

  FlopRate peak_for(Precision p) const { return peak[static_cast<int>(p)]; }
};

// The fabric of `accelerator` inside `system` for a job of `chips` chips. A
// torus domain larger than the job is cut to the job's slice shape (the way
// TPU slices are allocated); a switch domain keeps its size. Null system =
// the accelerator's own default domain.
Fabric make_fabric(const Accelerator& accelerator, const System* system, int chips);

// The precision a chip actually runs `p` matmuls at: `p` if it has a peak for
// it, else the nearest wider format it supports (fp8 -> bf16 on TPU v5p).
Precision effective_precision(const Fabric& f, Precision p);

}  // namespace xpu
