// Hand-built models, fabrics and stacks for perf tests (no data files needed).
#pragma once

#include "catalog/stack.h"
#include "perf/fabric.h"
#include "workload/model.h"

namespace xpu::testing {

// A GPT-style model as in Megatron-LM papers: MHA, 4h plain MLP, learned positions.
inline ModelArch megatron_gpt(int layers, int hidden, int heads, int vocab = 51200) {
  ModelArch m;
  m.key = "gpt";
  m.family = "megatron-gpt";
  m.layers = layers;
  m.d_model = hidden;
  m.n_heads = heads;
  m.n_kv_heads = heads;
  m.head_dim = hidden / heads;
  m.attention = AttentionKind::mha;
  m.ffn_hidden = 4 * hidden;
  m.mlp = MlpKind::plain;
  m.vocab = vocab;
  m.tied_embeddings = true;
  m.positions = PositionKind::learned;
  m.max_positions = 2048;
  return m;
}

// Llama 3 shapes (GQA, SwiGLU, untied 128k vocabulary).
inline ModelArch llama(int layers, int hidden, int heads, int kv_heads, int ffn) {
  ModelArch m;
  m.key = "llama";
  m.family = "llama";
  m.layers = layers;
  m.d_model = hidden;
  m.n_heads = heads;
  m.n_kv_heads = kv_heads;
  m.head_dim = 128;
  m.attention = AttentionKind::gqa;
  m.ffn_hidden = ffn;
  m.mlp = MlpKind::gated;
  m.vocab = 128256;
  return m;
}

// An 8-GPU switched node of H100-like chips, 400 Gb/s NIC per chip.
inline Fabric h100_like(int chips) {
  Fabric f;
  f.accelerator = "test-gpu";
  f.peak[static_cast<int>(Precision::bf16)] = teraflop_per_second(989);
  f.peak[static_cast<int>(Precision::fp8)] = teraflop_per_second(1979);
  f.hbm_capacity = gigabytes(80);
  f.hbm_bandwidth = terabytes_per_second(3.35);
  f.topology = TopologyKind::switched;
  f.domain = chips < 8 ? chips : 8;
  f.dims = {f.domain, 1, 1};
  f.up_bandwidth = gigabytes_per_second(450);
  f.up_link_bandwidth = f.up_bandwidth;
  f.up_latency = microseconds(3);
  f.out_bandwidth = gigabytes_per_second(50);
  f.out_latency = microseconds(5);
  return f;
}

inline StackEfficiency test_stack() {
  StackEfficiency s;
  s.key = "test";
  s.gemm = 0.75;
  s.reserve = gigabytes(4);
  s.layer_overhead = microseconds(10);
  return s;
}

}  // namespace xpu::testing
