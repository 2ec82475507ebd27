// Loading model entries from YAML: every mistake in one pass, with exact messages.
#include "ingest/data_files.h"

#include <gtest/gtest.h>

namespace xpu {
namespace {

TEST(ModelYaml, ReadsPublisherConventionsAndProvenance) {
  DataSet data;
  Diagnostics ds;
  load_data_text(R"(models:
  - key: tiny-moe
    name: Tiny MoE
    family: test
    layers: 4
    d_model: 64
    heads: 8
    kv_heads: 2
    head_dim: 8
    attention: gqa
    mlp: gated
    vocab: 100
    moe: {experts: 4, active: 2, expert_ffn: 32}
    params_b: {total: 0.1, active: 0.05, nominal: true, active_with_embedding: true}
    source: made up for this test
    retrieved: 2026-11-26
    estimate: true
    note: everything
)",
                 "m.yaml", data, ds);
  EXPECT_EQ(format_diagnostics(ds), "");
  ASSERT_EQ(data.models.size(), 1u);
  const ModelArch& m = data.models[0];
  EXPECT_TRUE(m.published_nominal);
  EXPECT_TRUE(m.published_active_has_embedding);
  EXPECT_EQ(m.retrieved, "2026-11-26");
  EXPECT_EQ(m.note, "everything");
  EXPECT_TRUE(m.estimate);
  EXPECT_EQ(m.defined_at.line, 2);
}

TEST(ModelYaml, ReportsEveryMistakeInOnePass) {
  DataSet data;
  Diagnostics ds;
  load_data_text(R"(models:
  - key: bad-moe
    name: Bad
    family: test
    layers: 4
    d_model: 64
    heads: 8
    kv_heads: 3
    head_dim: 8
    attention: gqa
    mlp: gated
    vocab: 100
    positions: learned
    moe: {experts: 4, active: 2, expert_fn: 32}
    params_b: {total: 1, activ: 0.5}
    estimate: true
)",
                 "m.yaml", data, ds);
  EXPECT_EQ(format_diagnostics(ds),
            "m.yaml:14:10: error: model 'bad-moe': moe: missing field 'expert_ffn'\n"
            "m.yaml:14:34: error: model 'bad-moe': moe: unknown key 'expert_fn' (did you mean 'expert_ffn'?)\n"
            "m.yaml:15:26: error: model 'bad-moe': params_b: unknown key 'activ' (did you mean 'active'?)\n"
            "m.yaml:2:5: error: model 'bad-moe': has no source; add 'source:' naming the config or paper its "
            "shapes come from\n"
            "m.yaml:2:5: error: model 'bad-moe': is marked 'estimate: true'; add a 'note:' saying what is guessed\n"
            "m.yaml:8:15: error: model 'bad-moe': heads (8) must be a multiple of kv_heads (3)\n"
            "m.yaml:2:5: error: model 'bad-moe': learned positions need max_positions (the size of the position "
            "table)\n"
            "m.yaml:14:10: error: model 'bad-moe': moe.expert_ffn must be positive, got 0\n");
}

}  // namespace
}  // namespace xpu
