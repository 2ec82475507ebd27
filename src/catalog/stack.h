// Software stacks as data: how close each framework gets to the hardware.
//
// "It depends on software optimization" becomes a handful of explicit,
// physical numbers per stack (Megatron/NeMo on CUDA, MaxText on XLA, NxD on
// Neuron, Megatron on ROCm; TensorRT-LLM, vLLM, JetStream, NxD Inference for
// serving): the achievable fraction of peak for large matmuls and how it falls
// for small ones, the fraction of HBM bandwidth memory-bound kernels reach,
// the fraction of link bandwidth collectives reach, and how much communication
// the stack hides behind compute. Priors come from sources; `xpuplan calibrate`
// refits a few of them against published runs (data/calibration.yaml).
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "base/units.h"
#include "catalog/accelerator.h"
#include "catalog/precision.h"
#include "catalog/provenance.h"

namespace xpu {

enum class StackMode : unsigned char { train, infer };

// What a stack's calibration rests on: the published runs it was fitted to
// and its out-of-sample (leave-one-out) error. Empty when never calibrated.
struct StackEvidence {
  int cases = 0;
  double median_abs_pct = 0;  // leave-one-out median |error|
  double p10_pct = 0;         // leave-one-out signed error percentiles
  double p90_pct = 0;
  std::vector<std::string> accelerators;  // covered by the cases
  std::vector<std::string> precisions;
  int max_chips = 0;
  std::string date;  // when the fit was made
};

struct StackEfficiency {
  std::string key;   // "megatron-cuda"
  std::string name;  // "Megatron-LM / NeMo (CUDA)"
  Runtime runtime = Runtime::cuda;
  StackMode mode = StackMode::train;
  bool is_default = false;  // the stack used for its runtime and mode unless one is named

  // Matmuls: achieved/peak for a large bf16 GEMM, and the dimension at which a
  // GEMM's efficiency halves (eff = gemm * prod_d x_d / (x_d + gemm_half_dim)).
  double gemm = 0.75;
  double gemm_half_dim = 96;
  // Achieved fraction of the *format's* peak relative to bf16's (fp8 GEMMs
  // rarely reach the same fraction of a 2x higher peak). Index: Precision.
  std::array<double, kPrecisionCount> precision_factor{1, 1, 1, 1, 1, 1, 1};
  double attention = 0.5;  // fused (flash) attention achieved/peak, forward
  double memory = 0.7;     // memory-bound kernels achieved/HBM peak
  double scale_up = 0.8;   // collective bus bandwidth achieved/link bandwidth, fast fabric
  double scale_out = 0.8;  // same, across the scale-out network
  // Fraction of each communication the stack hides behind independent compute.
  double overlap_dp = 0.8;      // gradient reduce behind backward
  double overlap_tp = 0.0;      // tensor-parallel collectives behind GEMMs
  double overlap_pp = 0.5;      // pipeline sends behind compute
  double overlap_cp = 0.8;      // context-parallel KV ring behind attention
  double overlap_ep = 0.0;      // expert all-to-all behind expert GEMMs
  double overlap_fsdp = 0.8;    // FSDP/ZeRO-3 gathers behind compute
  Seconds layer_overhead;       // host/launch cost per layer per micro-batch (fwd + bwd)
  Bytes reserve;                // memory the runtime and framework keep per chip
  double weight_bytes = 2;      // bytes per weight kept for compute (2 = bf16; MaxText keeps fp32: 4)
  double grad_bytes = 4;        // bytes per gradient element (4 = fp32 main grads)
  double optimizer_bytes = 12;  // bytes per parameter of optimizer state (fp32 master + Adam m, v = 12)
  bool flash_attention = true;
  // Serving only: time added per decode step (scheduler, sampling, launch).
  Seconds step_overhead;

  StackEvidence evidence;
  std::map<std::string, Provenance> sources;  // by field name
  SourceLocation defined_at;
};

// The stack used for `runtime` in `mode`: the one marked default, else the first.
const StackEfficiency* default_stack(const std::vector<StackEfficiency>& stacks, Runtime runtime, StackMode mode);
const StackEfficiency* find_stack(const std::vector<StackEfficiency>& stacks, std::string_view key);

}  // namespace xpu
