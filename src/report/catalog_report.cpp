#include "report/catalog_report.h"

#include <fmt/format.h>

#include "base/unit_text.h"
#include "report/table.h"

namespace xpu {
namespace {

std::string peak_cell(const Accelerator& a, Precision p) {
  return a.supports(p) ? fmt_num(in_tflops(a.peak_for(p))) : "-";
}

std::string accelerators_text(const api::CatalogReport& r) {
  TextTable t;
  t.header = {"key",         "vendor", "year",     "bf16 TFLOP/s",      "fp8 TFLOP/s",
              "fp4 TFLOP/s", "HBM GB", "HBM TB/s", "scale-up GB/s/dir", "domain",
              "TDP W",       "runtime"};
  t.right_align = {false, false, true, true, true, true, true, true, true, false, true, false};
  for (const auto& a : r.accelerators) {
    t.rows.push_back({a.key, std::string(to_string(a.vendor)), std::to_string(a.year), peak_cell(a, Precision::bf16),
                      peak_cell(a, Precision::fp8), peak_cell(a, Precision::fp4), fmt_num(in_gb(a.hbm_capacity)),
                      fmt_num(a.hbm_bandwidth.si() * 1e-12, 3), fmt_num(a.scale_up.bandwidth.si() * 1e-9),
                      fmt::format("{} ({})", a.scale_up.domain, to_string(a.scale_up.topology)),
                      a.power.tdp.si() > 0 ? fmt_num(a.power.tdp.si()) : "n/p", std::string(to_string(a.runtime))});
  }
  return render(t) + fmt::format(
                         "{} accelerators. Dense peaks (no sparsity). 'xpuplan catalog show KEY' lists every "
                         "figure with its source.\n",
                         r.accelerators.size());
}

std::string source_line(const std::string& field, const Provenance& p) {
  std::string out =
      fmt::format("    {:<22} {}{} (retrieved {})\n", field, p.estimate ? "[estimate] " : "", p.source, p.retrieved);
  if (!p.note.empty()) out += fmt::format("    {:<22} note: {}\n", "", p.note);
  return out;
}

std::string system_text(const System& s) {
  std::string out = fmt::format("{} ({})\n  accelerator: {} x {} (hosts of {})\n  scale-up: {} chips, {}{}\n", s.name,
                                s.key, s.chips, s.accelerator, s.chips_per_host, s.scale_up_domain,
                                to_string(s.topology), s.max_slice ? fmt::format(", max slice {}", s.max_slice) : "");
  for (const auto& i : s.instances) out += fmt::format("  instance: {} {}\n", i.provider, i.name);
  return out + source_line("source", s.provenance);
}

std::string accelerator_text(const Accelerator& a, const std::vector<System>& systems) {
  std::string out =
      fmt::format("{} ({}), {} {}, runtime {}\n", a.name, a.key, to_string(a.vendor), a.year, to_string(a.runtime));
  out += fmt::format("  defined at {}:{}\n", a.defined_at.file, a.defined_at.line);
  out += "  dense peak:\n";
  for (Precision p : kAllPrecisions) {
    if (a.supports(p)) out += fmt::format("    {:<6} {}\n", to_string(p), to_text(a.peak_for(p)));
  }
  out += fmt::format("  memory: {} at {}\n", to_text(a.hbm_capacity), to_text(a.hbm_bandwidth));
  out += fmt::format("  scale-up: {}, {} per chip per direction, {}, domain {}", a.scale_up.name,
                     to_text(a.scale_up.bandwidth), to_string(a.scale_up.topology), a.scale_up.domain);
  if (!a.scale_up.dims.empty()) out += fmt::format(" ({})", fmt::join(a.scale_up.dims, "x"));
  out += "\n";
  out += fmt::format("  scale-out: {}, {} per chip per direction\n", a.scale_out.name, to_text(a.scale_out.bandwidth));
  out += fmt::format("  power: {} per chip", to_text(a.power.tdp));
  if (a.power.host_per_chip.si() > 0) out += fmt::format(" + {} host share", to_text(a.power.host_per_chip));
  out += "\n  sources:\n";
  for (const auto& [field, p] : a.sources) out += source_line(field, p);
  if (!systems.empty()) {
    out += "  systems:";
    for (const auto& s : systems) out += " " + s.key;
    out += "\n";
  }
  return out;
}

std::string systems_text(const api::CatalogReport& r) {
  TextTable t;
  t.header = {"key", "accelerator", "chips", "scale-up domain", "topology", "instances"};
  t.right_align = {false, false, true, true, false, false};
  for (const auto& s : r.systems) {
    std::string inst;
    for (const auto& i : s.instances) inst += (inst.empty() ? "" : ", ") + i.provider + ":" + i.name;
    std::string topo(to_string(s.topology));
    if (!s.dims.empty()) topo += fmt::format(" {}", fmt::join(s.dims, "x"));
    t.rows.push_back({s.key, s.accelerator, std::to_string(s.chips), std::to_string(s.scale_up_domain), topo, inst});
  }
  return render(t);
}

}  // namespace

Json to_json(const api::CatalogReport& r) {
  switch (r.view) {
    case api::CatalogView::accelerators: {
      Json arr = Json::array();
      for (const auto& a : r.accelerators) arr.push_back(to_json(a, false));
      return Json{{"accelerators", arr}};
    }
    case api::CatalogView::show:
      return r.accelerators.empty() ? to_json(r.systems.front()) : to_json(r.accelerators.front(), true);
    case api::CatalogView::systems: {
      Json arr = Json::array();
      for (const auto& s : r.systems) arr.push_back(to_json(s));
      return Json{{"systems", arr}};
    }
  }
  return Json::object();
}

std::string to_text(const api::CatalogReport& r) {
  switch (r.view) {
    case api::CatalogView::accelerators:
      return accelerators_text(r);
    case api::CatalogView::show:
      return r.accelerators.empty() ? system_text(r.systems.front())
                                    : accelerator_text(r.accelerators.front(), r.systems);
    case api::CatalogView::systems:
      return systems_text(r);
  }
  return "";
}

namespace {

std::string billions(double params) { return fmt_num(params * 1e-9, 4); }
std::string percent(double fraction) { return fmt::format("{:+.1f}%", fraction * 100); }

// "400 / 17" (total / active), "~1024" for a nominal label, "-" when nothing is published.
std::string published(const ModelArch& m) {
  if (m.published_total_b <= 0) return "-";
  std::string s = m.published_nominal ? "~" : "";
  s += fmt_num(m.published_total_b, 5);
  if (m.published_active_b > 0) s += fmt::format(" / {}", fmt_num(m.published_active_b, 4));
  return s;
}

std::string difference(const api::ModelEntry& e) {
  if (e.model.published_total_b <= 0) return "-";
  std::string s = percent(e.difference.total);
  if (e.model.published_active_b > 0) s += fmt::format(" / {}", percent(e.difference.active));
  return s;
}

std::string models_text(const api::ModelsReport& r) {
  TextTable t;
  t.header = {"key",     "family",  "layers",   "d_model",     "attention",
              "experts", "total B", "active B", "published B", "diff"};
  t.right_align = {false, false, true, true, false, true, true, true, true, true};
  for (const auto& e : r.models) {
    const ModelArch& m = e.model;
    const std::string experts = m.is_moe() ? fmt::format("{}/{}", m.moe.active, m.moe.experts) : "-";
    t.rows.push_back({m.key + (m.estimate ? " *" : ""), m.family, std::to_string(m.layers), std::to_string(m.d_model),
                      std::string(to_string(m.attention)), experts, billions(e.params.total), billions(e.params.active),
                      published(m), difference(e)});
  }
  return render(t) + fmt::format(
                         "{} models. * = shapes partly estimated. Active excludes the input embedding; diff is "
                         "computed vs published\n"
                         "(total / active) on the publisher's conventions; ~ = a size label, not a count. Details: "
                         "xpuplan models show KEY.\n"
                         "Any Hugging Face config.json works too: xpuplan models show path/to/config.json\n",
                         r.models.size());
}

std::string model_text(const api::ModelEntry& e) {
  const ModelArch& m = e.model;
  const ParamCount& c = e.params;
  std::string out =
      fmt::format("{} ({}), family {}{}\n", m.name, m.key, m.family, m.estimate ? " [shapes partly estimated]" : "");
  if (m.attention == AttentionKind::mla) {
    out += fmt::format("  layers {}, d_model {}, heads {}, attention mla\n", m.layers, m.d_model, m.n_heads);
    out += fmt::format("  MLA: q_lora {}, kv_lora {}, qk nope/rope {}/{}, v {}\n", m.mla.q_lora_rank,
                       m.mla.kv_lora_rank, m.mla.qk_nope_head_dim, m.mla.qk_rope_head_dim, m.mla.v_head_dim);
  } else {
    out += fmt::format("  layers {}, d_model {}, heads {} (kv {}), head_dim {}, attention {}\n", m.layers, m.d_model,
                       m.n_heads, m.n_kv_heads, m.head_dim, to_string(m.attention));
  }
  std::string extras;
  if (m.positions == PositionKind::learned) {
    extras += fmt::format(", learned positions ({})", m.max_positions);
  } else {
    extras += fmt::format(", positions {}", to_string(m.positions));
    // The context it takes (max_position_embeddings), or that none is known (usertrial6).
    extras += m.max_positions > 0 ? fmt::format(" (context {})", m.max_positions) : std::string(" (context unknown)");
  }
  if (m.parallel_block) extras += ", parallel block";
  if (m.attention_bias) extras += ", attention biases";
  if (m.mlp_bias) extras += ", MLP biases";
  const std::string ffn = m.ffn_hidden > 0 ? fmt::format(" ffn {}", m.ffn_hidden) : " (experts only)";
  out += fmt::format("  MLP {}{}, vocab {}{}{}\n", to_string(m.mlp), ffn, m.vocab, m.tied_embeddings ? " (tied)" : "",
                     extras);
  if (m.is_moe()) {
    const int shared_ffn = m.moe.shared_ffn > 0 ? m.moe.shared_ffn : m.moe.expert_ffn;
    out += fmt::format("  MoE: {} of {} experts (ffn {})", m.moe.active, m.moe.experts, m.moe.expert_ffn);
    if (m.moe.shared_experts > 0) out += fmt::format(" + {} shared (ffn {})", m.moe.shared_experts, shared_ffn);
    out += fmt::format(", {} MoE layers of {}", m.moe_layer_count(), m.layers);
    if (m.moe.dense_layers > 0) out += fmt::format(", {} leading dense", m.moe.dense_layers);
    if (m.moe.every > 1) out += fmt::format(", one layer in {}", m.moe.every);
    out += "\n";
  }
  if (m.sliding_layers > 0) {
    out += fmt::format("  sliding window {} tokens on {} of {} layers\n", m.sliding_window, m.sliding_layers, m.layers);
  }
  out += fmt::format("  KV cache: {} elements per token per full-attention layer\n",
                     fmt_num(kv_elements_per_token_per_layer(m), 6));
  out += fmt::format("  parameters: {} B total, {} B active per token (input embedding excluded)\n", billions(c.total),
                     billions(c.active));
  out += fmt::format("    embedding {} B, unembedding {} B, attention {} B, dense MLP {} B\n", billions(c.embedding),
                     billions(c.unembedding), billions(c.attention), billions(c.dense_mlp));
  if (m.is_moe()) {
    out += fmt::format("    routed experts {} B, shared experts {} B, routers {} B\n", billions(c.routed_experts),
                       billions(c.shared_experts), billions(c.router));
  }
  if (m.published_total_b > 0) {
    out += fmt::format("  published: {} B total{}{}; computed differs by {}", fmt_num(m.published_total_b, 5),
                       m.published_nominal ? " (a size label)" : "",
                       m.published_active_b > 0 ? fmt::format(", {} B active", fmt_num(m.published_active_b, 4)) : "",
                       percent(e.difference.total));
    if (m.published_active_b > 0) {
      out += fmt::format(" and {}{}", percent(e.difference.active),
                         m.published_active_has_embedding ? " (active counted with the input embedding)" : "");
    }
    out += "\n";
  }
  out += fmt::format("  source: {}{}\n", m.source, m.retrieved.empty() ? "" : " (retrieved " + m.retrieved + ")");
  if (!m.note.empty()) out += fmt::format("  note: {}\n", m.note);
  return out;
}

}  // namespace

Json to_json(const api::ModelsReport& r) {
  if (r.show) return to_json(r.models.front().model);
  Json arr = Json::array();
  for (const auto& e : r.models) arr.push_back(to_json(e.model));
  return Json{{"models", arr}};
}

std::string to_text(const api::ModelsReport& r) { return r.show ? model_text(r.models.front()) : models_text(r); }

Json to_json(const api::PricesReport& r) {
  Json arr = Json::array();
  if (r.purchase) {
    for (const auto& p : r.purchases) arr.push_back(to_json(p));
    return Json{{"purchase_prices", arr}};
  }
  for (const auto& o : r.offers) arr.push_back(to_json(o));
  return Json{{"offers", arr}};
}

std::string to_text(const api::PricesReport& r) {
  if (r.purchase) {
    TextTable t;
    t.header = {"accelerator", "$/chip", "includes", "date", "est", "source"};
    t.right_align = {false, true, false, false, false, false};
    for (const auto& p : r.purchases) {
      t.rows.push_back({p.accelerator, fmt::format("{:.0f}", p.per_chip.si()), p.includes_system ? "system" : "chip",
                        p.provenance.retrieved, p.provenance.estimate ? "*" : "", p.provenance.source});
    }
    return render(t) + "Purchase prices feed --term owned cost estimates (capex amortization). * = estimate.\n";
  }
  if (r.offers.empty()) {
    return "No offers match. 'xpuplan prices' lists them all; data/prices/README.md says which accelerators "
           "have no public price and why.\n";
  }
  TextTable t;
  t.header = {"provider", "class", "region",   "instance", "accelerator", "chips",
              "term",     "$/h",   "$/chip-h", "date",     "est"};
  t.right_align = {false, false, false, false, false, true, false, true, true, false, false};
  for (const Offer& x : r.offers) {
    t.rows.push_back({x.provider, std::string(to_string(x.provider_class)), x.region.empty() ? "any" : x.region,
                      x.instance, x.accelerator, std::to_string(x.chips), std::string(to_string(x.term)),
                      fmt::format("{:.2f}", per_hour(x.price)), fmt::format("{:.3f}", per_hour(x.price_per_chip())),
                      x.provenance.retrieved, x.provenance.estimate ? "*" : ""});
  }
  return render(t) + fmt::format(
                         "{} offers. * = estimate (see its note: 'xpuplan prices --json'). 1y/3y prices bill every "
                         "hour of the term.\n",
                         r.offers.size());
}

}  // namespace xpu
