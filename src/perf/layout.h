// A training job and the parallel layout it runs with.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "catalog/precision.h"

namespace xpu {

enum class Recompute : unsigned char { none, selective, full };
// Optimizer/parameter sharding over the data-parallel group. zero1 is
// Megatron's distributed optimizer; zero3 and fsdp shard weights too.
enum class Sharding : unsigned char { none, zero1, zero2, zero3, fsdp };

std::string_view to_string(Recompute r);
std::optional<Recompute> parse_recompute(std::string_view s);
std::string_view to_string(Sharding s);
std::optional<Sharding> parse_sharding(std::string_view s);

inline bool shards_weights(Sharding s) { return s == Sharding::zero3 || s == Sharding::fsdp; }

// Megatron convention: tp * pp * dp * cp = chips; experts are spread over the
// data-parallel ranks (ep divides dp * cp). micro_batch is in sequences per
// data-parallel replica per micro-step; vpp is interleaved stages per rank.
struct Layout {
  int tp = 1;
  int pp = 1;
  int dp = 1;
  int cp = 1;
  int ep = 1;
  int vpp = 1;
  int micro_batch = 1;
  Recompute recompute = Recompute::none;
  Sharding sharding = Sharding::none;
  bool sequence_parallel = false;

  int chips() const { return tp * pp * dp * cp; }
  friend bool operator==(const Layout&, const Layout&) = default;
};

// "tp8 pp8 dp4 cp2 vpp4 mb1 selective zero1 sp"
std::string describe(const Layout& l);

struct TrainingJob {
  int seq_len = 4096;
  int global_batch = 512;  // sequences per optimizer step
  Precision precision = Precision::bf16;
  double tokens = 0;  // tokens to train (0 = not given)
  bool lora = false;  // LoRA fine-tuning: frozen base weights, no weight gradients
  // Bytes per gradient element in the data-parallel gradient buffer and its
  // reduce-scatter/all-reduce (Megatron grad_reduce_in_fp32: 4, off: 2);
  // 0 = the stack's grad_bytes.
  double grad_bytes = 0;
  // MoE routing as the run configured it: a capacity factor pads every
  // expert to capacity_factor x its balanced share (0 = the stack's), and
  // einsum_dispatch routes tokens with one-hot dispatch/combine matmuls per
  // sequence (GShard; MaxText dense_matmul with a capacity factor) instead
  // of a sort and gather.
  double capacity_factor = 0;
  bool einsum_dispatch = false;
  // Key block of the fused attention kernel as the run configured it
  // (MaxText sa_block_kv); 0 = the stack's attention_block. The kernel skips
  // only empty key blocks, so it sets the keys each query computes.
  int attention_block = 0;
};

}  // namespace xpu
