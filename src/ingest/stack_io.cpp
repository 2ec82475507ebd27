// Reading software-stack efficiency entries (format: docs/data-format.md).
#include <fmt/format.h>

#include "ingest/catalog_io.h"
#include "perf/layout.h"

namespace xpu {
namespace {

const std::vector<std::string> kRuntimes{"cuda", "xla", "neuron", "rocm"};
// A stack runs training or serving; LoRA fine-tuning runs on a training stack.
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
  if (auto v = r.choice("mode", kModes)) s.mode = *parse_mode(*v);
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
  // Training stacks' efficiencies are multipliers on the accelerator's measured
  // kernels and may exceed 1 a little (a framework's clocks or kernels beating
  // the microbenchmark); serving stacks' are fractions of peak.
  const double most = s.mode == Mode::train ? 1.5 : 1.0;
  fraction(r, "gemm", s.gemm, entry, s, most);
  fraction(r, "attention", s.attention, entry, s, most);
  fraction(r, "memory", s.memory, entry, s, most);
  fraction(r, "scale_up", s.scale_up, entry, s, most);
  fraction(r, "scale_out", s.scale_out, entry, s, most);
  fraction(r, "gemm_half_dim", s.gemm_half_dim, entry, s, 65536);
  fraction(r, "memory_utilization", s.memory_utilization, entry, s);
  fraction(r, "expert_imbalance", s.expert_imbalance, entry, s, 4.0);
  if (auto g = r.map("kernels")) {
    // Framework kernel tilings, with the group's provenance.
    const Provenance kp = read_provenance(*g, entry);
    if (kp.source.empty()) g->error("has no source; add 'source:' to it or to the stack");
    if (auto v = g->integer("attention_block", Need::optional)) s.attention_block = static_cast<int>(*v);
    if (auto t = g->int_list("grouped_tile")) {
      if (t->size() != 3 || (*t)[0] < 1 || (*t)[1] < 1 || (*t)[2] < 1) {
        g->error("grouped_tile", "must be three positive integers [rows, k, n]");
      } else {
        s.grouped_tile = {static_cast<int>((*t)[0]), static_cast<int>((*t)[1]), static_cast<int>((*t)[2])};
      }
    }
    if (auto v = g->boolean("grouped_ragged")) s.grouped_ragged = *v;
    if (auto v = g->integer("kv_pack_bytes", Need::optional)) {
      if (*v < 1 || *v > 64) {
        g->error("kv_pack_bytes", "must be a whole number of bytes from 1 to 64");
      } else {
        s.kv_pack_bytes = static_cast<int>(*v);
      }
    }
    s.sources["kernels"] = kp;
    g->finish();
  }
  fraction(r, "capacity_factor", s.capacity_factor, entry, s, 8.0);
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
  if (auto v = r.boolean("serial_prefill")) s.serial_prefill = *v;
  if (auto v = r.boolean("eager_prompt_steps")) s.eager_prompt_steps = *v;
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
