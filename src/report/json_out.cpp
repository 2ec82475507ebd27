#include "report/json_out.h"

#include <cmath>

#include "base/units.h"

namespace xpu {

double round_sig(double v, int digits) {
  if (v == 0 || !std::isfinite(v)) return v;
  if (std::fabs(v) < 9.007e15 && v == std::round(v)) return v;
  const double scale = std::pow(10.0, digits - 1 - static_cast<int>(std::floor(std::log10(std::fabs(v)))));
  return std::round(v * scale) / scale;
}

namespace {

// Rounds every number in the tree so output is stable across platforms.
void round_all(Json& j) {
  if (j.is_number_float()) {
    j = round_sig(j.get<double>());
  } else if (j.is_structured()) {
    for (auto& e : j) round_all(e);
  }
}

}  // namespace

std::string dump_canonical(const Json& j) {
  Json copy = j;
  round_all(copy);
  // Names that are not UTF-8 are written as U+FFFD rather than abort the
  // command (read_text_file refuses such files; this is the last guard).
  return dump_text(copy, 2) + "\n";
}

std::string dump_text(const Json& j, int indent) { return j.dump(indent, ' ', false, Json::error_handler_t::replace); }

Json to_json(const Provenance& p) {
  Json j = {{"source", p.source}, {"retrieved", p.retrieved}};
  if (p.estimate) j["estimate"] = true;
  if (!p.note.empty()) j["note"] = p.note;
  return j;
}

Json to_json(const Accelerator& a, bool with_sources) {
  Json peak = Json::object();
  for (Precision p : kAllPrecisions) {
    if (a.supports(p)) peak[std::string(to_string(p))] = in_tflops(a.peak_for(p));
  }
  Json j = {
      {"key", a.key},
      {"name", a.name},
      {"vendor", to_string(a.vendor)},
      {"year", a.year},
      {"runtime", to_string(a.runtime)},
      {"peak_tflops", peak},
      {"hbm_gb", in_gb(a.hbm_capacity)},
      {"hbm_tbps", a.hbm_bandwidth.si() * 1e-12},
      {"scale_up",
       {{"name", a.scale_up.name},
        {"gb_per_s_per_direction", a.scale_up.bandwidth.si() * 1e-9},
        {"topology", to_string(a.scale_up.topology)},
        {"domain", a.scale_up.domain},
        {"dims", a.scale_up.dims},
        {"latency_us", a.scale_up.latency.si() * 1e6}}},
      {"scale_out",
       {{"name", a.scale_out.name},
        {"gb_per_s_per_direction", a.scale_out.bandwidth.si() * 1e-9},
        {"latency_us", a.scale_out.latency.si() * 1e6}}},
      {"power", {{"tdp_w", a.power.tdp.si()}, {"host_per_chip_w", a.power.host_per_chip.si()}}},
  };
  if (a.cores_per_chip != 1) j["cores_per_chip"] = a.cores_per_chip;
  if (with_sources) {
    Json s = Json::object();
    for (const auto& [field, prov] : a.sources) s[field] = to_json(prov);
    j["sources"] = s;
  }
  return j;
}

Json to_json(const System& s) {
  Json inst = Json::array();
  for (const auto& i : s.instances) inst.push_back({{"provider", i.provider}, {"name", i.name}});
  Json j = {{"key", s.key},
            {"name", s.name},
            {"accelerator", s.accelerator},
            {"chips", s.chips},
            {"chips_per_host", s.chips_per_host},
            {"topology", to_string(s.topology)},
            {"scale_up_domain", s.scale_up_domain},
            {"dims", s.dims},
            {"instances", inst},
            {"source", to_json(s.provenance)}};
  if (s.max_slice > 0) j["max_slice"] = s.max_slice;
  if (s.scale_up_bandwidth.si() > 0) j["scale_up_gb_per_s_per_direction"] = s.scale_up_bandwidth.si() * 1e-9;
  if (s.scale_out_bandwidth.si() > 0) j["scale_out_gb_per_s_per_direction"] = s.scale_out_bandwidth.si() * 1e-9;
  return j;
}

Json to_json(const ModelArch& m) {
  ParamCount c = count_parameters(m);
  Json j = {{"key", m.key},
            {"name", m.name},
            {"family", m.family},
            {"layers", m.layers},
            {"d_model", m.d_model},
            {"heads", m.n_heads},
            {"kv_heads", m.n_kv_heads},
            {"head_dim", m.head_dim},
            {"attention", to_string(m.attention)},
            {"ffn", m.ffn_hidden},
            {"mlp", to_string(m.mlp)},
            {"vocab", m.vocab},
            {"tied_embeddings", m.tied_embeddings},
            {"positions", to_string(m.positions)},
            {"parallel_block", m.parallel_block},
            {"attention_bias", m.attention_bias},
            {"mlp_bias", m.mlp_bias},
            {"params_b", {{"total", c.total * 1e-9}, {"active", c.active * 1e-9}}},
            {"source", m.source}};
  // The learned table's size, or the context a rotary model takes; null when unknown.
  j["max_positions"] = m.max_positions > 0 ? Json(m.max_positions) : Json(nullptr);
  if (m.is_moe()) {
    j["moe"] = {{"experts", m.moe.experts},
                {"active", m.moe.active},
                {"expert_ffn", m.moe.expert_ffn},
                {"shared_experts", m.moe.shared_experts},
                {"shared_ffn", m.moe.shared_ffn > 0 ? m.moe.shared_ffn : m.moe.expert_ffn},
                {"dense_layers", m.moe.dense_layers},
                {"every", m.moe.every},
                {"moe_layers", m.moe_layer_count()}};
  }
  if (m.attention == AttentionKind::mla) {
    j["mla"] = {{"q_lora_rank", m.mla.q_lora_rank},
                {"kv_lora_rank", m.mla.kv_lora_rank},
                {"qk_nope_head_dim", m.mla.qk_nope_head_dim},
                {"qk_rope_head_dim", m.mla.qk_rope_head_dim},
                {"v_head_dim", m.mla.v_head_dim}};
  }
  if (m.sliding_layers > 0) {
    j["sliding_window"] = m.sliding_window;
    j["sliding_layers"] = m.sliding_layers;
  }
  if (m.published_total_b > 0) {
    Json pub = {{"total", m.published_total_b}};
    if (m.published_active_b > 0) pub["active"] = m.published_active_b;
    if (m.published_nominal) pub["nominal"] = true;
    if (m.published_active_has_embedding) pub["active_with_embedding"] = true;
    j["published_params_b"] = pub;
  }
  if (!m.retrieved.empty()) j["retrieved"] = m.retrieved;
  if (!m.note.empty()) j["note"] = m.note;
  if (m.estimate) j["estimate"] = true;
  return j;
}

Json to_json(const Offer& o) {
  return Json{{"key", o.key()},
              {"provider", o.provider},
              {"provider_class", to_string(o.provider_class)},
              {"region", o.region},
              {"instance", o.instance},
              {"accelerator", o.accelerator},
              {"chips", o.chips},
              {"term", to_string(o.term)},
              {"usd_per_hour", per_hour(o.price)},
              {"usd_per_chip_hour", per_hour(o.price_per_chip())},
              {"provenance", to_json(o.provenance)}};
}

Json to_json(const PurchasePrice& p) {
  return Json{{"accelerator", p.accelerator},
              {"usd_per_chip", p.per_chip.si()},
              {"includes", p.includes_system ? "system" : "chip"},
              {"provenance", to_json(p.provenance)}};
}

}  // namespace xpu
