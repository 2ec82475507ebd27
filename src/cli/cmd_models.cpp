// xpuplan models [--json] | models show KEY|config.json [--json]
#include <fmt/format.h>

#include <memory>
#include <ostream>

#include "cli/command.h"
#include "cli/resolve.h"
#include "report/json_out.h"
#include "report/table.h"

namespace xpu::cli {
namespace {

struct ModelsOptions {
  bool json = false;
  std::string show;
  bool show_json = false;
};

std::string billions(double params) { return fmt_num(params * 1e-9, 4); }

std::string percent(double fraction) { return fmt::format("{:+.1f}%", fraction * 100); }

// "400 / 17" (total / active), "~1024" for a nominal label, "-" when nothing is published.
std::string published(const ModelArch& m) {
  if (m.published_total_b <= 0) return "-";
  std::string s = (m.published_nominal ? "~" : "") + fmt_num(m.published_total_b, 5);
  if (m.published_active_b > 0) s += " / " + fmt_num(m.published_active_b, 4);
  return s;
}

std::string difference(const ModelArch& m, const ParamCount& c) {
  if (m.published_total_b <= 0) return "-";
  PublishedDifference d = published_difference(m, c);
  std::string s = percent(d.total);
  if (m.published_active_b > 0) s += " / " + percent(d.active);
  return s;
}

int list_models(const ModelsOptions& o, RunState& st) {
  DataSet data = load_data_for(st);
  if (o.json) {
    Json arr = Json::array();
    for (const auto& m : data.models) arr.push_back(to_json(m));
    st.io.out << dump_canonical(Json{{"models", arr}});
    return 0;
  }
  TextTable t;
  t.header = {"key",     "family",  "layers",   "d_model",     "attention",
              "experts", "total B", "active B", "published B", "diff"};
  t.right_align = {false, false, true, true, false, true, true, true, true, true};
  for (const auto& m : data.models) {
    ParamCount c = count_parameters(m);
    std::string experts = m.is_moe() ? fmt::format("{}/{}", m.moe.active, m.moe.experts) : "-";
    t.rows.push_back({m.key + (m.estimate ? " *" : ""), m.family, std::to_string(m.layers), std::to_string(m.d_model),
                      std::string(to_string(m.attention)), experts, billions(c.total), billions(c.active), published(m),
                      difference(m, c)});
  }
  st.io.out << render(t);
  st.io.out << fmt::format(
      "{} models. * = shapes partly estimated. Active excludes the input embedding; diff is computed vs published\n"
      "(total / active) on the publisher's conventions; ~ = a size label, not a count. Details: xpuplan models show "
      "KEY.\n"
      "Any Hugging Face config.json works too: xpuplan models show path/to/config.json\n",
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
  if (m.attention == AttentionKind::mla) {
    out << fmt::format("  layers {}, d_model {}, heads {}, attention mla\n", m.layers, m.d_model, m.n_heads);
    out << fmt::format("  MLA: q_lora {}, kv_lora {}, qk nope/rope {}/{}, v {}\n", m.mla.q_lora_rank,
                       m.mla.kv_lora_rank, m.mla.qk_nope_head_dim, m.mla.qk_rope_head_dim, m.mla.v_head_dim);
  } else {
    out << fmt::format("  layers {}, d_model {}, heads {} (kv {}), head_dim {}, attention {}\n", m.layers, m.d_model,
                       m.n_heads, m.n_kv_heads, m.head_dim, to_string(m.attention));
  }
  std::string extras;
  if (m.positions == PositionKind::learned) {
    extras += fmt::format(", learned positions ({})", m.max_positions);
  } else {
    extras += fmt::format(", positions {}", to_string(m.positions));
  }
  if (m.parallel_block) extras += ", parallel block";
  if (m.attention_bias) extras += ", attention biases";
  if (m.mlp_bias) extras += ", MLP biases";
  const std::string ffn = m.ffn_hidden > 0 ? fmt::format(" ffn {}", m.ffn_hidden) : " (experts only)";
  out << fmt::format("  MLP {}{}, vocab {}{}{}\n", to_string(m.mlp), ffn, m.vocab, m.tied_embeddings ? " (tied)" : "",
                     extras);
  if (m.is_moe()) {
    const int shared_ffn = m.moe.shared_ffn > 0 ? m.moe.shared_ffn : m.moe.expert_ffn;
    out << fmt::format("  MoE: {} of {} experts (ffn {})", m.moe.active, m.moe.experts, m.moe.expert_ffn);
    if (m.moe.shared_experts > 0) out << fmt::format(" + {} shared (ffn {})", m.moe.shared_experts, shared_ffn);
    out << fmt::format(", {} MoE layers of {}", m.moe_layer_count(), m.layers);
    if (m.moe.dense_layers > 0) out << fmt::format(", {} leading dense", m.moe.dense_layers);
    if (m.moe.every > 1) out << fmt::format(", one layer in {}", m.moe.every);
    out << "\n";
  }
  if (m.sliding_layers > 0) {
    out << fmt::format("  sliding window {} tokens on {} of {} layers\n", m.sliding_window, m.sliding_layers, m.layers);
  }
  out << fmt::format("  KV cache: {} elements per token per full-attention layer\n",
                     fmt_num(kv_elements_per_token_per_layer(m), 6));
  out << fmt::format("  parameters: {} B total, {} B active per token (input embedding excluded)\n", billions(c.total),
                     billions(c.active));
  out << fmt::format("    embedding {} B, unembedding {} B, attention {} B, dense MLP {} B\n", billions(c.embedding),
                     billions(c.unembedding), billions(c.attention), billions(c.dense_mlp));
  if (m.is_moe()) {
    out << fmt::format("    routed experts {} B, shared experts {} B, routers {} B\n", billions(c.routed_experts),
                       billions(c.shared_experts), billions(c.router));
  }
  if (m.published_total_b > 0) {
    PublishedDifference d = published_difference(m, c);
    out << fmt::format("  published: {} B total{}{}; computed differs by {}", fmt_num(m.published_total_b, 5),
                       m.published_nominal ? " (a size label)" : "",
                       m.published_active_b > 0 ? fmt::format(", {} B active", fmt_num(m.published_active_b, 4)) : "",
                       percent(d.total));
    if (m.published_active_b > 0) {
      out << fmt::format(" and {}{}", percent(d.active),
                         m.published_active_has_embedding ? " (active counted with the input embedding)" : "");
    }
    out << "\n";
  }
  out << fmt::format("  source: {}{}\n", m.source, m.retrieved.empty() ? "" : " (retrieved " + m.retrieved + ")");
  if (!m.note.empty()) out << fmt::format("  note: {}\n", m.note);
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
