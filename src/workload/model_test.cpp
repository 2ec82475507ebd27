// Parameter counting: hand-computed tiny models, and every shipped model
// against its published size.
#include "workload/model.h"

#include <gtest/gtest.h>

#include "base/date.h"
#include "ingest/data_files.h"
#include "workload/checkpoint.h"

namespace xpu {
namespace {

// d_model 8, 2 layers, vocab 10: small enough to count by hand.
ModelArch tiny_dense() {
  ModelArch m;
  m.key = "tiny";
  m.layers = 2;
  m.d_model = 8;
  m.n_heads = 2;
  m.n_kv_heads = 2;
  m.head_dim = 4;
  m.attention = AttentionKind::mha;
  m.ffn_hidden = 16;
  m.mlp = MlpKind::gated;
  m.vocab = 10;
  return m;
}

std::string messages(const Diagnostics& ds) { return format_diagnostics(ds); }

TEST(CountParameters, DenseMhaGatedUntied) {
  ParamCount c = count_parameters(tiny_dense());
  // Attention: Q, K, V, O are 8x8 each = 256 per layer.
  EXPECT_EQ(c.attention, 2 * 256);
  // Gated MLP: gate and up 8x16, down 16x8 = 384 per layer.
  EXPECT_EQ(c.dense_mlp, 2 * 384);
  EXPECT_EQ(c.embedding, 80);
  EXPECT_EQ(c.unembedding, 80);
  // Two norms of 8 per layer plus the final one.
  EXPECT_EQ(c.norms, 2 * 16 + 8);
  EXPECT_EQ(c.positions, 0);
  EXPECT_EQ(c.total, 512 + 768 + 80 + 80 + 40);
  // Active: everything but the input embedding.
  EXPECT_EQ(c.active, c.total - 80);
}

TEST(CheckpointBytes, FourteenBytesPerParameter) {
  // 1,480 parameters (above): bf16 weights, fp32 master weights, two Adam moments.
  EXPECT_DOUBLE_EQ(checkpoint_bytes(tiny_dense()).si(), 1480.0 * 14);
}

TEST(CountParameters, GroupedQueryAttention) {
  ModelArch m = tiny_dense();
  m.n_heads = 4;
  m.n_kv_heads = 1;
  m.head_dim = 2;
  m.attention = AttentionKind::mqa;
  // Q 8x8, K and V 8x2 each, O 8x8.
  EXPECT_EQ(attention_params_per_layer(m), 64 + 16 + 16 + 64);
  m.n_kv_heads = 2;
  m.attention = AttentionKind::gqa;
  EXPECT_EQ(attention_params_per_layer(m), 64 + 32 + 32 + 64);
  // Biases: one per output of Q (8), K (4), V (4) and O (8).
  m.attention_bias = true;
  EXPECT_EQ(attention_params_per_layer(m), 192 + 24);
}

TEST(CountParameters, PlainVersusGatedMlp) {
  ModelArch m = tiny_dense();
  EXPECT_EQ(mlp_params(m, 16), 3 * 8 * 16);
  m.mlp = MlpKind::plain;
  EXPECT_EQ(mlp_params(m, 16), 2 * 8 * 16);
  m.mlp_bias = true;  // 16 on the up projection, 8 on the down projection
  EXPECT_EQ(mlp_params(m, 16), 256 + 16 + 8);
  m.mlp = MlpKind::gated;  // gate and up each get 16
  EXPECT_EQ(mlp_params(m, 16), 384 + 32 + 8);
}

TEST(CountParameters, TiedEmbeddingsAndLearnedPositions) {
  ModelArch m = tiny_dense();
  m.tied_embeddings = true;
  m.positions = PositionKind::learned;
  m.max_positions = 6;
  ParamCount c = count_parameters(m);
  EXPECT_EQ(c.unembedding, 0);
  EXPECT_EQ(c.positions, 48);
  EXPECT_EQ(c.total, 512 + 768 + 80 + 48 + 40);
  // The output projection is the embedding table, which every token uses.
  EXPECT_EQ(c.active, 512 + 768 + 40 + 80);
}

TEST(CountParameters, ParallelBlockHasOneNormPerLayer) {
  ModelArch m = tiny_dense();
  m.parallel_block = true;
  EXPECT_EQ(count_parameters(m).norms, 2 * 8 + 8);
}

TEST(CountParameters, MoeWithSharedExpertsAndLeadingDenseLayers) {
  ModelArch m = tiny_dense();
  m.layers = 4;
  m.moe = {.experts = 4, .active = 2, .expert_ffn = 4, .shared_experts = 1, .shared_ffn = 6, .dense_layers = 1};
  EXPECT_EQ(m.moe_layer_count(), 3);
  EXPECT_FALSE(m.is_moe_layer(0));
  EXPECT_TRUE(m.is_moe_layer(1));
  ParamCount c = count_parameters(m);
  const double expert = 3 * 8 * 4;  // 96
  const double shared = 3 * 8 * 6;  // 144
  const double router = 8 * 4;
  EXPECT_EQ(c.dense_mlp, 384);  // the one leading dense layer
  EXPECT_EQ(c.routed_experts, 3 * 4 * expert);
  EXPECT_EQ(c.shared_experts, 3 * shared);
  EXPECT_EQ(c.router, 3 * router);
  EXPECT_EQ(c.total, 4 * 256 + 384 + 3 * (4 * expert + shared + router) + 80 + 80 + (4 * 16 + 8));
  // Active: 2 of 4 routed experts, the shared expert and the router in each MoE layer.
  EXPECT_EQ(c.active, 4 * 256 + 384 + 3 * (2 * expert + shared + router) + 80 + (4 * 16 + 8));
}

TEST(CountParameters, InterleavedMoeLayers) {
  ModelArch m = tiny_dense();
  m.layers = 6;
  m.moe = {.experts = 2, .active = 1, .expert_ffn = 4, .every = 2};
  // Llama 4 Maverick's layout: layers 1, 3, 5 have experts, 0, 2, 4 are dense.
  EXPECT_EQ(m.moe_layer_count(), 3);
  EXPECT_FALSE(m.is_moe_layer(0));
  EXPECT_TRUE(m.is_moe_layer(1));
  EXPECT_FALSE(m.is_moe_layer(4));
  EXPECT_TRUE(m.is_moe_layer(5));
  EXPECT_EQ(count_parameters(m).dense_mlp, 3 * 384);
}

TEST(CountParameters, MultiHeadLatentAttention) {
  ModelArch m = tiny_dense();
  m.attention = AttentionKind::mla;
  m.n_heads = 2;
  m.mla = {.q_lora_rank = 4, .kv_lora_rank = 3, .qk_nope_head_dim = 2, .qk_rope_head_dim = 1, .v_head_dim = 2};
  // Q: 8x4 down, norm 4, 4 x (2 heads x 3) up = 32 + 4 + 24.
  // KV: 8 x (3 + 1) down, norm 3, 3 x (2 heads x (2 + 2)) up = 32 + 3 + 24.  O: (2 x 2) x 8 = 32.
  EXPECT_EQ(attention_params_per_layer(m), 60 + 59 + 32);
  m.mla.q_lora_rank = 0;  // queries straight from d_model: 8 x 6
  EXPECT_EQ(attention_params_per_layer(m), 48 + 59 + 32);
}

TEST(CountParameters, SparseAttentionIndexer) {
  ModelArch m = tiny_dense();
  m.attention = AttentionKind::mla;
  m.mla = {.q_lora_rank = 4, .kv_lora_rank = 3, .qk_nope_head_dim = 2, .qk_rope_head_dim = 1, .v_head_dim = 2};
  const double dense = attention_params_per_layer(m);
  m.sparse = {.topk = 16, .index_heads = 3, .index_head_dim = 5};
  // Indexer: q from the q_lora rank 4 x (3 heads x 5), k 8 x 5, k LayerNorm 2 x 5, weights 8 x 3.
  EXPECT_EQ(attention_params_per_layer(m) - dense, 60 + 40 + 10 + 24);
  EXPECT_EQ(messages(validate_model(m)), "");
  m.attention = AttentionKind::gqa;
  m.n_kv_heads = 1;
  EXPECT_NE(messages(validate_model(m)).find("sparse attention (an indexer) is modelled on MLA only"),
            std::string::npos);
}

TEST(LocalAttention, InterleaveMarksTheGlobalLayers) {
  ModelArch m = tiny_dense();
  m.layers = 12;
  m.sliding_window = 4;
  m.global_every = 6;  // Gemma 3: layers 6 and 12 (1-based) are global
  m.sliding_layers = 10;
  EXPECT_EQ(messages(validate_model(m)), "");
  for (int i = 0; i < 12; ++i) EXPECT_EQ(m.is_local_layer(i), i != 5 && i != 11) << i;
  m.sliding_layers = 9;
  EXPECT_EQ(messages(validate_model(m)),
            "error: model 'tiny': global_every 6 makes 10 of 12 layers local, but sliding_layers is 9\n");
  // Without an interleave the count alone marks the first layers.
  m.global_every = 0;
  EXPECT_TRUE(m.is_local_layer(8));
  EXPECT_FALSE(m.is_local_layer(9));
}

TEST(KvCache, ElementsPerTokenPerLayer) {
  ModelArch m = tiny_dense();
  m.n_heads = 8;
  m.n_kv_heads = 2;
  m.head_dim = 16;
  EXPECT_EQ(kv_elements_per_token_per_layer(m), 2 * 2 * 16);
  // DeepSeek-V3 MLA caches the 512-wide latent and the 64-wide shared RoPE key.
  m.attention = AttentionKind::mla;
  m.mla = {
      .q_lora_rank = 1536, .kv_lora_rank = 512, .qk_nope_head_dim = 128, .qk_rope_head_dim = 64, .v_head_dim = 128};
  EXPECT_EQ(kv_elements_per_token_per_layer(m), 576);
}

TEST(PublishedDifference, UsesThePublishersConventions) {
  ModelArch m = tiny_dense();
  ParamCount c{.total = 2e9, .active = 1e9, .embedding = 0.5e9};
  m.published_total_b = 2.5;
  m.published_active_b = 1.5;
  EXPECT_DOUBLE_EQ(published_difference(m, c).total, -0.2);
  EXPECT_DOUBLE_EQ(published_difference(m, c).active, 1.0 / 1.5 - 1);
  m.published_active_has_embedding = true;
  EXPECT_DOUBLE_EQ(published_difference(m, c).active, 0.0);
  EXPECT_DOUBLE_EQ(published_difference(m, c).total_tolerance, 0.01);
  m.published_nominal = true;
  EXPECT_DOUBLE_EQ(published_difference(m, c).total_tolerance, 0.02);  // "2.5B": 0.05B / 2.5B
  // A label is rounded to its last digit: half a unit of it, never under 2%.
  m.published_total_b = 27;
  EXPECT_DOUBLE_EQ(published_difference(m, c).total_tolerance, 0.02);  // 0.5 / 27 < 2%
  m.published_total_b = 12;
  EXPECT_DOUBLE_EQ(published_difference(m, c).total_tolerance, 0.5 / 12);
  m.published_total_b = 1000;  // "1T"
  EXPECT_DOUBLE_EQ(published_difference(m, c).total_tolerance, 0.5);
  m.published_total_b = 1040;  // "1.04T"
  EXPECT_DOUBLE_EQ(published_difference(m, c).total_tolerance, 0.02);
}

TEST(ValidateModel, ValidModelHasNoDiagnostics) { EXPECT_EQ(messages(validate_model(tiny_dense())), ""); }

TEST(ValidateModel, ReportsEveryProblemInOnePass) {
  ModelArch m = tiny_dense();
  m.defined_at = {"m.yaml", 3, 5, ""};
  m.layers = 0;
  m.n_heads = 6;
  m.n_kv_heads = 4;
  m.vocab = -1;
  m.positions = PositionKind::learned;
  m.sliding_layers = 3;
  m.published_total_b = 1;
  m.published_active_b = 2;
  EXPECT_EQ(messages(validate_model(m)),
            "m.yaml:3:5: error: model 'tiny': layers must be positive, got 0\n"
            "m.yaml:3:5: error: model 'tiny': vocab must be positive, got -1\n"
            "m.yaml:3:5: error: model 'tiny': heads (6) must be a multiple of kv_heads (4)\n"
            "m.yaml:3:5: error: model 'tiny': learned positions need max_positions (the size of the position table)\n"
            "m.yaml:3:5: error: model 'tiny': sliding_layers (3) exceeds layers (0)\n"
            "m.yaml:3:5: error: model 'tiny': sliding_layers needs a positive sliding_window\n"
            "m.yaml:3:5: error: model 'tiny': published active size (2B) exceeds the total (1B)\n");
}

TEST(ValidateModel, AttentionKindMustMatchKvHeads) {
  ModelArch m = tiny_dense();
  m.n_kv_heads = 1;
  EXPECT_EQ(messages(validate_model(m)),
            "error: model 'tiny': attention 'mha' needs kv_heads = heads (2), got 1; use 'gqa'\n");
  m.attention = AttentionKind::mqa;
  m.n_kv_heads = 2;
  EXPECT_EQ(messages(validate_model(m)), "error: model 'tiny': attention 'mqa' needs kv_heads = 1, got 2; use 'gqa'\n");
  m.attention = AttentionKind::gqa;
  EXPECT_EQ(messages(validate_model(m)),
            "error: model 'tiny': attention 'gqa' needs fewer kv_heads than heads (2); use 'mha'\n");
}

TEST(ValidateModel, MoeAndMlaShapes) {
  ModelArch m = tiny_dense();
  m.ffn_hidden = 0;
  m.attention = AttentionKind::mla;
  m.mla = {.kv_lora_rank = 4, .qk_nope_head_dim = 0, .qk_rope_head_dim = 2, .v_head_dim = 2};
  m.moe = {.experts = 4, .active = 6, .expert_ffn = 0, .dense_layers = 2};
  EXPECT_EQ(messages(validate_model(m)),
            "error: model 'tiny': mla.qk_nope_head_dim must be positive, got 0\n"
            "error: model 'tiny': moe.expert_ffn must be positive, got 0\n"
            "error: model 'tiny': moe.active (6) exceeds moe.experts (4)\n"
            "error: model 'tiny': moe.dense_layers (2) leaves no MoE layer of 2\n"
            "error: model 'tiny': ffn (the dense layers' MLP width) must be positive, got 0\n");
}

// Every shipped model: the computed total within 1% of the published one (for a
// nominal label such as "12B" or "1T", half a unit of the label's last digit and
// at least 2%: the label is a rounding, so that is all it says), the active count
// within 2%, on the publisher's conventions (model.h).
TEST(ShippedModels, MatchTheirPublishedSizes) {
  DataSet data = load_data({XPUPLAN_DATA_DIR});
  ASSERT_GE(data.models.size(), 40u);
  for (const ModelArch& m : data.models) {
    SCOPED_TRACE(m.key);
    ASSERT_GT(m.published_total_b, 0) << "every shipped model records its published size";
    EXPECT_FALSE(m.source.empty());
    EXPECT_TRUE(is_iso_date(m.retrieved)) << "retrieved: '" << m.retrieved << "'";
    ParamCount c = count_parameters(m);
    PublishedDifference d = published_difference(m, c);
    EXPECT_LE(std::abs(d.total), d.total_tolerance)
        << "computed " << c.total * 1e-9 << "B, published " << m.published_total_b << "B";
    if (m.published_active_b > 0) {
      EXPECT_LE(std::abs(d.active), d.active_tolerance)
          << "computed " << c.active * 1e-9 << "B, published " << m.published_active_b << "B";
    } else if (m.is_moe()) {
      EXPECT_FALSE(m.note.empty()) << "an MoE model without a published active size says why";
    }
  }
}

// The keys the validation cases use (shared/data/validation/models.csv) and the
// models users ask for first.
TEST(ShippedModels, IncludeEveryValidationKey) {
  DataSet data = load_data({XPUPLAN_DATA_DIR});
  for (const char* key : {"bloom-176b",
                          "deepseek-v3",
                          "gpt-1t-megatron",
                          "gpt-oss-120b",
                          "gpt3-175b",
                          "gpt3-23b",
                          "llama2-70b",
                          "llama3-70b",
                          "llama3-8b",
                          "llama3.1-405b",
                          "llama3.1-70b",
                          "llama3.1-8b",
                          "llama3.3-70b",
                          "maxtext-dense-1024b",
                          "maxtext-dense-1160b",
                          "maxtext-dense-128b",
                          "maxtext-dense-22b",
                          "maxtext-dense-32b",
                          "maxtext-dense-52b",
                          "maxtext-dense-64b",
                          "megatron-22b",
                          "mt-nlg-530b",
                          "opt-175b",
                          "palm-540b",
                          "mixtral-8x7b",
                          "qwen3-235b-a22b",
                          "llama4-maverick",
                          "deepseek-r1",
                          "gpt-oss-20b",
                          "kimi-k2",
                          "deepseek-v3.2",
                          "phi-4",
                          "phi-4-mini",
                          "gemma3-27b",
                          "llama4-scout",
                          "qwen3-coder-480b-a35b"}) {
    EXPECT_NE(data.find_model(key), nullptr) << key;
  }
}

// Spot checks of the details that move counts, against exact hand-derived values.
TEST(ShippedModels, DetailsThatMoveCounts) {
  DataSet data = load_data({XPUPLAN_DATA_DIR});
  auto count = [&](const char* key) {
    const ModelArch* m = data.find_model(key);
    EXPECT_NE(m, nullptr) << key;
    return m ? count_parameters(*m) : ParamCount{};
  };
  // GPT-3: 2048 x 12288 learned positions, one shared 50257 x 12288 table.
  EXPECT_EQ(count("gpt3-175b").positions, 2048.0 * 12288);
  EXPECT_EQ(count("gpt3-175b").unembedding, 0);
  // DeepSeek-V3: 58 MoE layers of 256 routed + 1 shared experts (3 x 7168 x 2048 each).
  ParamCount ds = count("deepseek-v3");
  EXPECT_EQ(ds.routed_experts, 58.0 * 256 * 3 * 7168 * 2048);
  EXPECT_EQ(ds.shared_experts, 58.0 * 3 * 7168 * 2048);
  EXPECT_EQ(ds.dense_mlp, 3.0 * 3 * 7168 * 18432);
  // Llama 4 Maverick: 24 dense layers of 16384 and 24 MoE layers of 128 + 1 experts of 8192.
  ParamCount l4 = count("llama4-maverick");
  EXPECT_EQ(l4.dense_mlp, 24.0 * 3 * 5120 * 16384);
  EXPECT_EQ(l4.routed_experts, 24.0 * 128 * 3 * 5120 * 8192);
  // Kimi K2: one dense layer, then 60 MoE layers of 384 routed + 1 shared experts of 2048.
  ParamCount k2 = count("kimi-k2");
  EXPECT_EQ(k2.routed_experts, 60.0 * 384 * 3 * 7168 * 2048);
  EXPECT_EQ(k2.dense_mlp, 1.0 * 3 * 7168 * 18432);
  // DeepSeek-V3.2: V3 plus a 64 x 128 indexer per layer (q from the 1536 rank, k, k norm, head weights).
  EXPECT_EQ(count("deepseek-v3.2").attention - count("deepseek-v3").attention,
            61.0 * (1536.0 * 64 * 128 + 7168.0 * 128 + 2 * 128 + 7168.0 * 64));
  // Gemma 3 27B: 52 of 62 layers local, every sixth global; Llama 4 chunks its local layers.
  const ModelArch* g3 = data.find_model("gemma3-27b");
  ASSERT_NE(g3, nullptr);
  EXPECT_EQ(g3->global_every, 6);
  EXPECT_FALSE(g3->is_local_layer(5));
  EXPECT_TRUE(data.find_model("llama4-scout")->chunked_local);
  // PaLM: one 18432-wide K and one V head (256) per layer.
  EXPECT_EQ(count("palm-540b").attention, 118.0 * (2 * 18432.0 * 48 * 256 + 2 * 18432.0 * 256));
}

}  // namespace
}  // namespace xpu
