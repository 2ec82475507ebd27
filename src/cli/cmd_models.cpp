// xpuplan models [--json] | models show KEY|config.json [--json]
#include <fmt/format.h>

#include <memory>
#include <ostream>

#include "cli/command.h"
#include "cli/resolve.h"
#include "io/json_out.h"
#include "io/table.h"

namespace xpu::cli {
namespace {

struct ModelsOptions {
  bool json = false;
  std::string show;
  bool show_json = false;
};

std::string billions(double params) { return fmt_num(params * 1e-9, 4); }

int list_models(const ModelsOptions& o, RunState& st) {
  DataSet data = load_data_for(st);
  if (o.json) {
    Json arr = Json::array();
    for (const auto& m : data.models) arr.push_back(to_json(m));
    st.io.out << dump_canonical(Json{{"models", arr}});
    return 0;
  }
  TextTable t;
  t.header = {"key", "family", "layers", "d_model", "attention", "experts", "total B", "active B", "published B"};
  t.right_align = {false, false, true, true, false, true, true, true, true};
  for (const auto& m : data.models) {
    ParamCount c = count_parameters(m);
    std::string experts = m.is_moe() ? fmt::format("{}/{}", m.moe.active, m.moe.experts) : "-";
    t.rows.push_back({m.key, m.family, std::to_string(m.layers), std::to_string(m.d_model),
                      std::string(to_string(m.attention)), experts, billions(c.total), billions(c.active),
                      m.published_total_b > 0 ? fmt_num(m.published_total_b, 5) : "-"});
  }
  st.io.out << render(t);
  st.io.out << fmt::format("{} models. Any Hugging Face config.json works too: --model path/to/config.json\n",
                           data.models.size());
  return 0;
}

int show_model(const ModelsOptions& o, RunState& st) {
  DataSet data = load_data_for(st);
  ModelArch m = resolve_model(data, o.show, "KEY");
  if (o.show_json) {
    st.io.out << dump_canonical(to_json(m));
    return 0;
  }
  ParamCount c = count_parameters(m);
  auto& out = st.io.out;
  out << fmt::format("{} ({}), family {}{}\n", m.name, m.key, m.family, m.estimate ? " [shapes partly estimated]" : "");
  out << fmt::format("  layers {}, d_model {}, heads {} (kv {}), head_dim {}, attention {}\n", m.layers, m.d_model,
                     m.n_heads, m.n_kv_heads, m.head_dim, to_string(m.attention));
  if (m.attention == AttentionKind::mla) {
    out << fmt::format("  MLA: q_lora {}, kv_lora {}, qk nope/rope {}/{}, v {}\n", m.mla.q_lora_rank,
                       m.mla.kv_lora_rank, m.mla.qk_nope_head_dim, m.mla.qk_rope_head_dim, m.mla.v_head_dim);
  }
  out << fmt::format("  MLP {} ffn {}, vocab {}{}\n", to_string(m.mlp), m.ffn_hidden, m.vocab,
                     m.tied_embeddings ? " (tied)" : "");
  if (m.is_moe()) {
    out << fmt::format("  MoE: {} of {} experts (ffn {}), {} shared, {} leading dense layers, {} MoE layers\n",
                       m.moe.active, m.moe.experts, m.moe.expert_ffn, m.moe.shared_experts, m.moe.dense_layers,
                       m.moe_layer_count());
  }
  if (m.sliding_layers > 0) {
    out << fmt::format("  sliding window {} tokens on {} of {} layers\n", m.sliding_window, m.sliding_layers, m.layers);
  }
  out << fmt::format("  parameters: {} B total, {} B active per token\n", billions(c.total), billions(c.active));
  out << fmt::format("    embedding {} B, unembedding {} B, attention {} B, dense MLP {} B\n", billions(c.embedding),
                     billions(c.unembedding), billions(c.attention), billions(c.dense_mlp));
  if (m.is_moe()) {
    out << fmt::format("    routed experts {} B, shared experts {} B, routers {} B\n", billions(c.routed_experts),
                       billions(c.shared_experts), billions(c.router));
  }
  if (m.published_total_b > 0) {
    out << fmt::format("  published: {} B total{}; computed differs by {:+.2f}%\n", fmt_num(m.published_total_b, 5),
                       m.published_active_b > 0 ? fmt::format(", {} B active", fmt_num(m.published_active_b, 4)) : "",
                       (c.total * 1e-9 / m.published_total_b - 1) * 100);
  }
  out << fmt::format("  source: {}\n", m.source);
  return 0;
}

}  // namespace

void setup_models(CLI::App& app, RunState& st) {
  auto o = std::make_shared<ModelsOptions>();
  CLI::App* cmd = app.add_subcommand("models", "List the shipped model architectures with parameter counts");
  cmd->add_flag("--json", o->json, "Print JSON");
  cmd->footer("Examples:\n  xpuplan models\n  xpuplan models show deepseek-v3\n  xpuplan models show ./config.json");
  CLI::App* show = cmd->add_subcommand("show", "Show one model (a key or a Hugging Face config.json)");
  show->add_option("KEY", o->show, "Model key or path to config.json")->required();
  show->add_flag("--json", o->show_json, "Print JSON");
  show->callback([o, &st] { st.exit_code = show_model(*o, st); });
  cmd->callback([o, &st, show] {
    if (show->parsed()) return;
    st.exit_code = list_models(*o, st);
  });
}

}  // namespace xpu::cli
