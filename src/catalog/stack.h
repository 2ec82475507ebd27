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
#include "workload/mode.h"

namespace xpu {

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
  Mode mode = Mode::train;  // train or infer
  bool is_default = false;  // the stack used for its runtime and mode unless one is named

  // Matmuls. Training stacks: a multiplier on the accelerator's own GEMM rate
  // (perf/components.h; 1 = the framework's GEMMs run as the library
  // microbenchmarks do). Serving stacks: achieved/peak for a large bf16 GEMM,
  // and the dimension at which a GEMM's efficiency halves
  // (eff = gemm * prod_d x_d / (x_d + gemm_half_dim)).
  double gemm = 0.75;
  double gemm_half_dim = 96;
  // Achieved fraction of the *format's* peak relative to bf16's (fp8 GEMMs
  // rarely reach the same fraction of a 2x higher peak). Index: Precision.
  std::array<double, kPrecisionCount> precision_factor{1, 1, 1, 1, 1, 1, 1};
  // Training stacks: multipliers on the accelerator's measured attention
  // efficiency, stream bandwidth and collective bus bandwidth (1 = as the
  // microbenchmarks). Serving stacks: fractions of peak, HBM bandwidth and
  // link bandwidth.
  double attention = 0.5;  // fused (flash) attention, forward
  double memory = 0.7;     // memory-bound kernels
  double scale_up = 0.8;   // collectives on the fast fabric
  double scale_out = 0.8;  // collectives across the scale-out network
  // Fraction of each communication the stack hides behind independent compute.
  double overlap_dp = 0.8;    // gradient reduce behind backward
  double overlap_tp = 0.0;    // tensor-parallel collectives behind GEMMs
  double overlap_pp = 0.5;    // pipeline sends behind compute
  double overlap_cp = 0.8;    // context-parallel KV ring behind attention
  double overlap_ep = 0.0;    // expert all-to-all behind expert GEMMs
  double overlap_fsdp = 0.8;  // FSDP/ZeRO-3 gathers behind compute
  Seconds layer_overhead;     // host/launch cost per layer per micro-batch (fwd + bwd)
  // MoE routing as the stack's recipes run it: the busiest expert-parallel
  // rank's tokens over the mean (1 = balanced, e.g. forced balancing in
  // benchmark recipes), and the capacity factor (0 = dropless; else each
  // expert computes capacity_factor x its balanced share, padded).
  double expert_imbalance = 1.0;
  double capacity_factor = 0.0;
  // Kernel tilings the framework chooses (0 = the accelerator's own): the q/kv
  // block of its fused attention, which computes whole blocks of a causal or
  // sliding-window mask, and the (rows, k, n) tile of its grouped matmul for
  // experts; `grouped_ragged` when the groups share row tiles (a tile that
  // straddles two experts is computed for each, MaxText megablox) rather than
  // each expert being padded to whole tiles.
  int attention_block = 0;
  std::array<int, 3> grouped_tile{0, 0, 0};
  bool grouped_ragged = false;
  Bytes reserve;                // memory the runtime and framework keep per chip
  double weight_bytes = 2;      // bytes per weight kept for compute (2 = bf16; MaxText keeps fp32: 4)
  double grad_bytes = 4;        // bytes per gradient element (4 = fp32 main grads)
  double optimizer_bytes = 12;  // bytes per parameter of optimizer state (fp32 master + Adam m, v = 12)
  bool flash_attention = true;
  // What the framework can do, for the layout search (degrees a user fixes
  // are honoured regardless): pipeline, context, expert and sequence
  // parallelism, and which optimizer shardings it offers.
  bool pipeline = true;
  bool context_parallel = true;
  bool expert_parallel = true;
  bool sequence_parallel = true;
  // Activations are always sharded across the tensor-parallel group (GSPMD
  // shards every activation by the mesh): sequence parallelism is implied.
  bool activations_sharded = false;
  std::vector<std::string> shardings{"none", "zero1", "zero2", "fsdp"};
  // Host time per step that no kernel hides: per optimizer step in training
  // (framework bookkeeping, data loading, logging), per decode step in serving
  // (scheduler, sampling, launch).
  Seconds step_overhead;

  // Serving only: the fraction of HBM the engine claims (vLLM
  // gpu_memory_utilization) and the prompt tokens one step may carry
  // (chunked prefill budget, max_num_batched_tokens).
  double memory_utilization = 0.9;
  int prefill_chunk = 8192;
  // Serving only: the scheduler prefills one prompt per iteration and holds
  // every decode back while a prompt waits (vLLM on Neuron: prefill and
  // decode never share a batch), so a batch of prompts arriving together is
  // prefilled one after the other and the decodes of the first ones stall
  // for the later ones' prefills.
  bool serial_prefill = false;
  // Serving only: the attention kernel stores each token's K and V heads of a
  // device packed into words of this many bytes, padding the heads up to a
  // whole word (vLLM TPU's ragged paged attention: 2 x KV heads rounded up to
  // 32 bits / element bits, so one fp8 KV head per device fills half of its
  // cache word); 0: no padding.
  int kv_pack_bytes = 0;

  // Serving only: the fixed costs of one engine iteration that no byte or
  // FLOP count carries (perf/inference). A kernel in a captured (CUDA graph)
  // or compiled (XLA, Neuron) step costs `kernel_overhead` on top of its
  // roofline time: launch gap, ramp to full bandwidth, tail. Without capture
  // the host dispatches each kernel (`launch_overhead`) while the device
  // runs, so a step takes the longer of the two. Each collective call costs
  // `collective_overhead` of runtime software beyond the fabric's hop
  // latency (synchronisation, buffer registration, the collective engine).
  Seconds kernel_overhead;
  // Decode attention streams the paged KV cache: gathers of pages, not one
  // contiguous stream, so it reaches its own fraction of HBM (0 = `memory`).
  double attention_memory = 0;
  bool graphs = true;
  // Serving only: graphs capture generation-only steps, so a step that
  // carries prompt tokens runs eagerly and its host work is on the critical
  // path: `launch_overhead` per kernel, added to the device time (TensorRT-LLM's
  // PyTorch executor: DecodeCudaGraphConfig is "for decode requests").
  bool eager_prompt_steps = false;
  Seconds launch_overhead;
  Seconds collective_overhead;

  StackEvidence evidence;
  std::map<std::string, Provenance> sources;  // by field name
  SourceLocation defined_at;
};

// The stack used for `runtime` in `mode`: the one marked default, else the first.
const StackEfficiency* default_stack(const std::vector<StackEfficiency>& stacks, Runtime runtime, Mode mode);
const StackEfficiency* find_stack(const std::vector<StackEfficiency>& stacks, std::string_view key);

// The parameters calibration fits, by name: "gemm", "attention", "memory",
// "precision_factor.fp8" (fractions) and "step_overhead" (seconds). set returns
// false for an unknown name; get returns 0 for one.
bool set_stack_parameter(StackEfficiency& s, const std::string& name, double value);
double get_stack_parameter(const StackEfficiency& s, const std::string& name);

}  // namespace xpu
