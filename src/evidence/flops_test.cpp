// FLOP conventions of published runs against hand-computed formulas.
#include <gtest/gtest.h>

#include "evidence/validate.h"
#include "perf/test_fixtures.h"

namespace xpu {
namespace {

using testing::llama;
using testing::megatron_gpt;

TEST(Flops, DenseMatchesNemoLlamaFormula) {
  // Megatron-Bridge/NeMo llama formula per token:
  // L d^2 (12 + 12 kv/h + 18 f/d + 6 s/d) + 6 V d.
  const ModelArch m = llama(32, 4096, 32, 8, 14336);
  const double L = 32, d = 4096, s = 8192, f = 14336, V = 128256;
  const double expected = L * d * d * (12 + 12.0 * 8 / 32 + 18 * f / d + 6 * s / d) + 6 * V * d;
  EXPECT_NEAR(flops_per_token(m, 8192, FlopConvention::model) / expected, 1.0, 0.002);
}

TEST(Flops, MegatronHardwareFormula) {
  // Narayanan et al. 2021 eq. 3 per token: 96 l h^2 (1 + s/6h + V/16lh) / s... per sequence;
  // per token: 96 l h^2 + 16 l h s + 6 V h.
  ModelArch m = megatron_gpt(96, 12288, 96);
  m.positions = PositionKind::none;
  const double l = 96, h = 12288, s = 2048, V = 51200;
  const double expected = 96 * l * h * h + 16 * l * h * s + 6 * V * h;
  EXPECT_NEAR(flops_per_token(m, 2048, FlopConvention::hardware_recompute) / expected, 1.0, 0.002);
}

TEST(Flops, SixNPlusAttentionAndMoeActiveRule) {
  const ModelArch dense = llama(80, 8192, 64, 8, 28672);
  const ParamCount p = count_parameters(dense);
  // 6 N (matmul parameters, LM head in, embedding out) + causal attention:
  // 3 passes x 2 FLOPs x (s+1)/2 keys x (QK + AV widths = 2d) = 6 d (s+1) per layer.
  const double attn = 6.0 * 80 * 8192 * (8192 + 1);
  const double six_n = 6.0 * (p.active - p.norms);
  EXPECT_NEAR(flops_per_token(dense, 8192, FlopConvention::model) / (six_n + attn), 1.0, 1e-9);

  ModelArch moe = llama(32, 4096, 32, 8, 0);
  moe.moe = {.experts = 64, .active = 4, .expert_ffn = 2048, .shared_experts = 1};
  const ParamCount pm = count_parameters(moe);
  const double active_matmul = pm.active - pm.norms;
  const double moe_flops = flops_per_token(moe, 4096, FlopConvention::model);
  const double moe_attn = 6.0 * 32 * 4096 * (4096 + 1);
  EXPECT_NEAR(moe_flops / (6.0 * active_matmul + moe_attn), 1.0, 1e-9);
  // Routed experts a token does not visit cost nothing.
  EXPECT_LT(6.0 * active_matmul, 6.0 * (pm.total - pm.embedding) * 0.5);
}

}  // namespace
}  // namespace xpu
