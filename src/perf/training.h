// Training step time, memory and MFU of a transformer on one layout.
//
// prepare_training() derives once everything a layout does not change (layer
// shapes, parameter counts, the fabric, the stack's efficiencies); then
// estimate_training() evaluates one layout in well under a microsecond, which
// is what lets the search try millions of them.
//
// Every kernel's time comes from the component physics (perf/components.h):
// the chip's sustained clock, library GEMM efficiency and tile quantization,
// its flash-attention and stream figures, collectives at the fabric's measured
// bus bandwidth. The stack multiplies those by what its software adds.
//
// Step = 1F1B pipeline of micro-batches over stages that are not equal (the
// embedding on the first, the LM head and loss on the last):
// m x t_slowest + (sum of stage times - t_slowest) / vpp, plus exposed
// data-parallel gradient sync, the optimizer step and the stack's host time.
// Each piece is reported.
#pragma once

#include <limits>
#include <memory>
#include <span>
#include <string_view>

#include "base/units.h"
#include "catalog/stack.h"
#include "perf/collectives.h"
#include "perf/fabric.h"
#include "perf/layout.h"
#include "workload/model.h"

namespace xpu {

// Everything about (model, hardware, stack, job) that no layout changes.
struct TrainingContext {
  const ModelArch* model = nullptr;
  const StackEfficiency* stack = nullptr;
  Fabric fabric;
  TrainingJob job;
  Precision precision = Precision::bf16;  // what the matmuls actually run at on this chip
  FlopRate peak;                          // dense peak for `precision`
  FlopRate peak_bf16;
  LinkEfficiency links;  // the fabric's measured collective efficiency x the stack's multiplier
  ParamCount params;
  // Per-layer shapes.
  int layers = 0;
  int moe_layers = 0;
  int sliding_layers = 0;
  double keys_full = 0;         // average keys a query attends to, causal full attention
  double keys_sliding = 0;      // same, sliding-window layers
  double kernel_keys_full = 0;  // keys per query the stack's attention kernel computes (whole mask blocks)
  double kernel_keys_sliding = 0;
  double qk_dim = 0;  // per-head dims of scores and values
  double v_dim = 0;
  double attn_head_dim = 0;         // the head dim attention kernels tile on (MLA: q/k dim)
  double q_width = 0;               // heads * head dims
  double kv_width = 0;              // K and V widths together (MLA: the latent)
  double o_width = 0;               // attention output width, heads * value head dim (the output projection's input)
  FlopCount model_flops_per_token;  // forward+backward model FLOPs (no recompute), causal attention
};

TrainingContext prepare_training(const ModelArch& model, const Fabric& fabric, const StackEfficiency& stack,
                                 const TrainingJob& job);

struct TrainingTime {
  Seconds gemm;           // weight matmuls, forward + backward, all micro-batches
  Seconds attention;      // attention scores and values
  Seconds memory_bound;   // norms, activations, residuals, casts
  Seconds recompute;      // forward work redone in backward
  Seconds overhead;       // per-layer host/launch cost
  Seconds tp_comm;        // exposed tensor-parallel collectives
  Seconds cp_comm;        // exposed context-parallel KV exchange
  Seconds ep_comm;        // exposed expert all-to-all
  Seconds pp_comm;        // exposed pipeline sends
  Seconds bubble;         // pipeline fill and drain
  Seconds dp_comm;        // exposed gradient sync (and FSDP gathers)
  Seconds optimizer;      // the optimizer step
  Seconds step_overhead;  // host time per step (stack)
};

struct TrainingMemory {
  Bytes weights;
  Bytes gradients;
  Bytes optimizer;
  Bytes activations;
  Bytes reserve;
  Bytes total() const { return weights + gradients + optimizer + activations + reserve; }
};

struct TrainingEstimate {
  bool valid = false;
  std::string_view invalid;  // why the layout cannot run (static text), when !valid
  Seconds step_time;
  TrainingTime time;
  TrainingMemory memory;
  Bytes capacity;
  bool fits = false;
  int micro_batches = 0;
  double tokens_per_step = 0;
  double tokens_per_s_per_chip = 0;
  FlopRate model_flops_per_chip;  // model FLOPs per second per chip (no recompute)
  double mfu = 0;                 // against the dense peak of the precision used
  double mfu_bf16 = 0;            // against the bf16 dense peak

  Bytes missing() const { return memory.total() > capacity ? memory.total() - capacity : Bytes(0); }
};

// Why `layout` cannot run this job (divisibility, degrees, Megatron-LM's rule
// that an interleaved schedule needs the micro-batch count to be a multiple of
// pp), or empty if it can.
std::string_view check_layout(const TrainingContext& ctx, const Layout& layout);

// Per-layer costs that layouts differing only in pp, dp, vpp, recompute or
// sharding share (and, per recompute setting, the average layer and its
// activation bytes), kept for a search over one context (one memo per thread,
// per context; meant for the few dozen shapes of one search tuple). An
// estimate with a memo is identical to one without.
class TrainingMemo {
 public:
  struct Impl;
  TrainingMemo();
  ~TrainingMemo();
  TrainingMemo(const TrainingMemo&) = delete;
  TrainingMemo& operator=(const TrainingMemo&) = delete;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};
TrainingEstimate estimate_training(const TrainingContext& ctx, const Layout& layout, TrainingMemo* memo = nullptr);
// What a search reads of a layout before ranking it: estimate_training's
// validity, memory and fit, and a step-time floor, the same step without the
// data-parallel gradient sync (whose exposed time is never negative, so the
// floor never exceeds the full step time; its collectives are the costly part
// once the memo holds the layer costs). Computed by the same functions as
// estimate_training, without filling a TrainingEstimate.
struct TrainingFloor {
  bool valid = false;
  std::string_view invalid;  // as TrainingEstimate::invalid
  Seconds step_time;         // <= estimate_training's
  Bytes memory;              // == estimate_training's memory.total()
  Bytes capacity;
  bool fits = false;
  // training_floors' skip_above: step_time is only a bound below the floor,
  // and that bound is above skip_above.
  bool above = false;
  Bytes missing() const { return memory > capacity ? memory - capacity : Bytes(0); }
};
TrainingFloor training_floor(const TrainingContext& ctx, const Layout& layout, TrainingMemo* memo);
// training_floor of `layout` with each sharding of `shardings` in turn, into
// `out` (as many): the check and the pipeline once, for they read everything
// of a layout but its sharding; each sharding adds its optimizer time and memory.
// With a memo and a finite `skip_above` (s), a layout whose floor is provably
// above it gets its memory and fit but not its floor (TrainingFloor::above).
void training_floors(const TrainingContext& ctx, Layout layout, std::span<const Sharding> shardings, TrainingMemo* memo,
                     std::span<TrainingFloor> out, double skip_above = std::numeric_limits<double>::infinity());

// What is recomputed in backward instead of stored, for the activation count.
enum class Rematerialize : unsigned char {
  none,
  attention_core,                  // Korthikanti et al.'s "selective": softmax and its dropout
  attention_core_and_elementwise,  // also norms and activation functions (xpuplan's "selective")
  full,                            // everything but the layer input
};

// Activation bytes one layer stores for backward, per micro-batch, on one chip
// (Korthikanti et al. 2022, "Reducing Activation Recomputation in Large
// Transformer Models", Sec. 4, generalised to GQA, MLA, gated MLPs, MoE and
// fused attention). `sp`: sequence parallelism; `dropout` keeps the paper's
// dropout masks; `flash` drops the s^2 softmax terms that fused attention never stores.
Bytes activation_bytes_per_layer(const ModelArch& m, int seq_local, int micro_batch, int tp, bool sp,
                                 Rematerialize remat, bool flash, bool dropout, bool moe_layer);

// The rematerialization a layout's recompute setting means.
Rematerialize rematerialize_for(Recompute r);

}  // namespace xpu
