// The units people buy or rent: an 8-GPU node, an NVL72 rack, a TPU slice, an
// UltraServer. A system names its accelerator, how many chips it has, and how
// they are wired; cloud instance names tie it to price-book offers.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/units.h"
#include "catalog/accelerator.h"
#include "catalog/provenance.h"

namespace xpu {

struct CloudInstance {
  std::string provider;  // "aws", "gcp", "azure", "oci"
  std::string name;      // "p5.48xlarge", "a3-megagpu-8g", "v5p-N"

  friend bool operator==(const CloudInstance&, const CloudInstance&) = default;
};

struct System {
  std::string key;          // "hgx-h100"
  std::string name;         // "NVIDIA HGX H100 8-GPU"
  std::string accelerator;  // catalog key of its chip
  int chips = 0;            // chips in one unit (node, rack, pod)
  int chips_per_host = 0;   // chips sharing one host CPU and its NICs
  // The scale-up domain: chips reachable over the fast interconnect.
  TopologyKind topology = TopologyKind::switched;
  int scale_up_domain = 0;          // chips in one domain (<= chips for a pod that is sliced)
  std::vector<int> dims;            // torus shape of the largest domain, e.g. {16, 16, 24}
  ByteRate scale_up_bandwidth;      // per chip per direction; zero = the accelerator's own figure
  ByteRate scale_out_bandwidth;     // per chip per direction; zero = the accelerator's own figure
  double scale_out_efficiency = 0;  // collective NIC efficiency on this system's network; 0 = the accelerator's
  int max_slice = 0;                // largest single job on the fast fabric (TPU slices); 0 = scale_up_domain
  std::vector<CloudInstance> instances;
  Provenance provenance;
  SourceLocation defined_at;
  SourceLocation accelerator_at;  // where `accelerator:` was written, for errors
};

}  // namespace xpu
