// Reading software-stack efficiency entries (format: docs/data-format.md).
#include <fmt/format.h>

#include "io/catalog_io.h"
#include "perf/layout.h"

namespace xpu {
namespace {

const std::vector<std::string> kRuntimes{"cuda", "xla", "neuron", "rocm"};
const std::vector<std::string> kModes{"train", "infer"};

// A dimensionless fraction with its provenance: "0.72" or {value: 0.72, source: ...}.
void fraction(MapReader& r, std::string_view key, double& out, const Provenance& prov, StackEfficiency& s,
              double max = 1.0) {
  YAML::Node n = r.node(key, Need::optional);
  if (!n.IsDefined()) return;
  std::optional<double> v;
  Provenance p = prov;
  if (n.IsMap()) {
    MapReader fr(n, r.file(), r.diagnostics(), fmt::format("{}: {}", r.what(), key));
    v = fr.number("value", Need::required, Sign::non_negative);
    p = read_provenance(fr, prov);
    fr.finish();
  } else {
    v = r.number(key, Need::required, Sign::non_negative);
  }
  if (!v) return;
  if (*v > max) {
    r.error(key, fmt::format("must be at most {}, got {}", max, *v));
    return;
  }
  if (p.source.empty()) r.error(key, "has no source; add 'source:' to it or to the stack");
  out = *v;
  s.sources[std::string(key)] = p;
}

}  // namespace

std::optional<StackEfficiency> read_stack(MapReader& r) {
  StackEfficiency s;
  s.defined_at = r.where();
  auto key = r.str("key");
  if (key) {
    s.key = *key;
    r.set_what(fmt::format("stack '{}'", s.key));
  }
  if (auto v = r.str("name")) s.name = *v;
  if (auto v = r.choice("runtime", kRuntimes)) s.runtime = *parse_runtime(*v);
  if (auto v = r.choice("mode", kModes)) s.mode = *v == "train" ? StackMode::train : StackMode::infer;
  if (auto v = r.boolean("default")) s.is_default = *v;
  if (auto v = r.boolean("flash_attention")) s.flash_attention = *v;
  if (auto g = r.map("parallelism")) {
    if (auto v = g->boolean("pipeline")) s.pipeline = *v;
    if (auto v = g->boolean("context")) s.context_parallel = *v;
    if (auto v = g->boolean("expert")) s.expert_parallel = *v;
    if (auto v = g->boolean("sequence")) s.sequence_parallel = *v;
    if (auto v = g->boolean("activations_sharded")) s.activations_sharded = *v;
    if (auto v = g->str_list("sharding")) {
      for (const auto& name : *v) {
        if (!parse_sharding(name)) g->error("sharding", fmt::format("unknown sharding '{}'", name));
      }
      s.shardings = *v;
    }
    g->allow({"source", "retrieved", "note", "estimate"});
    g->finish();
  }
  const Provenance entry = read_provenance(r, {});
  fraction(r, "gemm", s.gemm, entry, s);
  fraction(r, "attention", s.attention, entry, s);
  fraction(r, "memory", s.memory, entry, s);
  fraction(r, "scale_up", s.scale_up, entry, s);
  fraction(r, "scale_out", s.scale_out, entry, s);
  fraction(r, "gemm_half_dim", s.gemm_half_dim, entry, s, 65536);
  fraction(r, "memory_utilization", s.memory_utilization, entry, s);
  if (auto v = r.integer("prefill_chunk", Need::optional)) s.prefill_chunk = static_cast<int>(*v);
  fraction(r, "weight_bytes", s.weight_bytes, entry, s, 4);
  fraction(r, "grad_bytes", s.grad_bytes, entry, s, 4);
  fraction(r, "optimizer_bytes", s.optimizer_bytes, entry, s, 16);
  if (auto g = r.map("precision_factor")) {
    for (Precision p : kAllPrecisions) {
      fraction(*g, to_string(p), s.precision_factor[static_cast<int>(p)], entry, s);
    }
    g->finish();
  }
  if (auto g = r.map("overlap")) {
    fraction(*g, "dp", s.overlap_dp, entry, s);
    fraction(*g, "tp", s.overlap_tp, entry, s);
    fraction(*g, "pp", s.overlap_pp, entry, s);
    fraction(*g, "cp", s.overlap_cp, entry, s);
    fraction(*g, "ep", s.overlap_ep, entry, s);
    fraction(*g, "fsdp", s.overlap_fsdp, entry, s);
    g->finish();
  }
  if (auto q = read_sourced(r, "layer_overhead", Dimension::time, Need::optional, entry, "layer_overhead", s.sources,
                            Sign::non_negative)) {
    s.layer_overhead = Seconds(q->si);
  }
  if (auto q = read_sourced(r, "step_overhead", Dimension::time, Need::optional, entry, "step_overhead", s.sources,
                            Sign::non_negative)) {
    s.step_overhead = Seconds(q->si);
  }
  // Serving-only fixed costs (catalog/stack.h).
  if (auto v = r.boolean("graphs")) s.graphs = *v;
  fraction(r, "attention_memory", s.attention_memory, entry, s);
  for (auto [name, field] :
       {std::pair{"kernel_overhead", &s.kernel_overhead}, std::pair{"launch_overhead", &s.launch_overhead},
        std::pair{"collective_overhead", &s.collective_overhead}}) {
    if (auto q = read_sourced(r, name, Dimension::time, Need::optional, entry, name, s.sources, Sign::non_negative)) {
      *field = Seconds(q->si);
    }
  }
  if (auto q = read_sourced(r, "reserve", Dimension::bytes, Need::required, entry, "reserve", s.sources,
                            Sign::non_negative)) {
    s.reserve = Bytes(q->si);
  }
  r.finish();
  if (!key) return std::nullopt;
  return s;
}

}  // namespace xpu
