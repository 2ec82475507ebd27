// Reading accelerators and systems from YAML (format: docs/data-format.md).
#include <fmt/format.h>

#include "ingest/catalog_io.h"

#include "base/date.h"

namespace xpu {
namespace {

const std::vector<std::string> kVendorNames{"nvidia", "google", "aws", "amd"};
const std::vector<std::string> kRuntimeNames{"cuda", "xla", "neuron", "rocm"};
const std::vector<std::string> kTopologyNames{"switch", "torus-2d", "torus-3d", "ring", "fully-connected"};

// Records the source of one field and checks it is complete.
void record_source(MapReader& r, std::string_view key, const Provenance& p, const std::string& path,
                   std::map<std::string, Provenance>& sources) {
  if (p.source.empty()) {
    r.error(key, "has no source; add 'source:' to it, its group or its entry");
  } else if (p.retrieved.empty()) {
    r.error(key, "has no retrieval date; add 'retrieved: YYYY-MM-DD' to it, its group or its entry");
  }
  sources[path] = p;
}

}  // namespace

Provenance read_provenance(MapReader& r, const Provenance& inherited) {
  Provenance p = inherited;
  if (auto s = r.str("source", Need::optional)) p.source = *s;
  if (auto s = r.str("retrieved", Need::optional)) {
    if (is_iso_date(*s)) {
      p.retrieved = *s;
    } else {
      r.error("retrieved", fmt::format("must be a date YYYY-MM-DD, got '{}'", *s));
    }
  }
  // A group marked as an estimate stays one; a field may only add the mark.
  if (auto e = r.boolean("estimate")) p.estimate = *e || inherited.estimate;
  if (auto n = r.str("note", Need::optional)) p.note = *n;
  return p;
}

std::optional<ParsedQuantity> read_sourced(MapReader& group, std::string_view key, Dimension dim, Need need,
                                           const Provenance& group_prov, const std::string& path,
                                           std::map<std::string, Provenance>& sources, Sign sign) {
  YAML::Node n = group.node(key, Need::optional);
  if (!n.IsDefined()) {
    if (need == Need::required) group.node(key, Need::required);
    return std::nullopt;
  }
  if (n.IsMap()) {
    // A field with its own source: {value: 450 GB/s, source: ..., estimate: true}
    MapReader fr(n, group.file(), group.diagnostics(), fmt::format("{}: {}", group.what(), key));
    auto q = fr.quantity("value", dim, Need::required, sign);
    Provenance p = read_provenance(fr, group_prov);
    fr.finish();
    if (q) record_source(group, key, p, path, sources);
    return q;
  }
  auto q = group.quantity(key, dim, Need::required, sign);
  if (q) record_source(group, key, group_prov, path, sources);
  return q;
}

namespace {

// A dimensionless number in [lo, hi] with its provenance: "0.87" or {value: 0.87, source: ...}.
std::optional<double> read_sourced_number(MapReader& group, std::string_view key, double lo, double hi,
                                          const Provenance& group_prov, const std::string& path,
                                          std::map<std::string, Provenance>& sources) {
  YAML::Node n = group.node(key, Need::optional);
  if (!n.IsDefined()) return std::nullopt;
  std::optional<double> v;
  Provenance p = group_prov;
  if (n.IsMap()) {
    MapReader fr(n, group.file(), group.diagnostics(), fmt::format("{}: {}", group.what(), key));
    v = fr.number("value", Need::required, Sign::non_negative);
    p = read_provenance(fr, group_prov);
    fr.finish();
  } else {
    v = group.number(key, Need::required, Sign::non_negative);
  }
  if (!v) return std::nullopt;
  if (*v < lo || *v > hi) {
    group.error(key, fmt::format("must be between {} and {}, got {}", lo, hi, *v));
    return std::nullopt;
  }
  record_source(group, key, p, path, sources);
  return v;
}

// The scale-up and scale-out collective efficiencies (nccl-tests bus bandwidth / link rate).
void read_link_efficiency(MapReader& g, const Provenance& p, const std::string& prefix, double& efficiency,
                          std::map<std::string, Provenance>& sources) {
  if (auto v = read_sourced_number(g, "efficiency", 0.05, 1.0, p, prefix + ".efficiency", sources)) efficiency = *v;
}

// kernels: what the chip's own kernels reach (component microbenchmarks).
void read_kernels(MapReader& r, const Provenance& entry_prov, Accelerator& a) {
  auto g = r.map("kernels");
  if (!g) return;
  KernelPhysics& k = a.kernels;
  Provenance p = read_provenance(*g, entry_prov);
  if (auto q =
          read_sourced(*g, "clock_peak", Dimension::frequency, Need::optional, p, "kernels.clock_peak", a.sources)) {
    k.clock_peak = Hertz(q->si);
  }
  if (auto q = read_sourced(*g, "clock_matmul", Dimension::frequency, Need::optional, p, "kernels.clock_matmul",
                            a.sources)) {
    k.clock_matmul = Hertz(q->si);
  }
  if (auto v = read_sourced_number(*g, "clock_ratio", 0.2, 1.0, p, "kernels.clock_ratio", a.sources)) {
    k.clock_ratio = *v;
  }
  if (k.clock_matmul.si() > 0 && (k.clock_peak.si() <= 0 || k.clock_matmul > k.clock_peak * 1.2)) {
    g->error("clock_matmul", "needs clock_peak and must not exceed it by more than 20%");
  }
  if (auto m = g->map("matmul")) {
    Provenance mp = read_provenance(*m, p);
    for (Precision prec : kAllPrecisions) {
      const std::string name(to_string(prec));
      if (auto v = read_sourced_number(*m, name, 0.05, 1.0, mp, "kernels.matmul." + name, a.sources)) {
        k.matmul[static_cast<int>(prec)] = *v;
      }
    }
    m->finish();
  }
  if (auto t = g->int_list("tile")) {
    if (t->size() != 3 || (*t)[0] < 1 || (*t)[1] < 1 || (*t)[2] < 1) {
      g->error("tile", "must be three positive integers [m, n, k]");
    } else {
      k.tile = {static_cast<int>((*t)[0]), static_cast<int>((*t)[1]), static_cast<int>((*t)[2])};
    }
  }
  if (auto v = g->integer("compute_units", Need::optional)) k.compute_units = static_cast<int>(*v);
  if (auto v = g->boolean("systolic")) k.systolic = *v;
  if (auto v = read_sourced_number(*g, "k_half", 0, 65536, p, "kernels.k_half", a.sources)) k.k_half = *v;
  if (auto q = read_sourced(*g, "kernel_latency", Dimension::time, Need::optional, p, "kernels.kernel_latency",
                            a.sources, Sign::non_negative)) {
    k.kernel_latency = Seconds(q->si);
  }
  if (auto v = read_sourced_number(*g, "hbm_stream", 0.05, 1.0, p, "kernels.hbm_stream", a.sources)) k.hbm_stream = *v;
  if (auto at = g->map("attention")) {
    Provenance ap = read_provenance(*at, p);
    if (auto v = read_sourced_number(*at, "forward", 0.01, 1.0, ap, "kernels.attention.forward", a.sources)) {
      k.attention_forward = *v;
    }
    if (auto v = read_sourced_number(*at, "backward", 0.01, 1.0, ap, "kernels.attention.backward", a.sources)) {
      k.attention_backward = *v;
    }
    if (auto v = read_sourced_number(*at, "head_half", 0, 4096, ap, "kernels.attention.head_half", a.sources)) {
      k.attention_head_half = *v;
    }
    if (auto v = read_sourced_number(*at, "seq_half", 0, 1e6, ap, "kernels.attention.seq_half", a.sources)) {
      k.attention_seq_half = *v;
    }
    if (auto v = at->integer("head_quantum", Need::optional)) k.attention_head_quantum = static_cast<int>(*v);
    at->finish();
  }
  g->finish();
}

void read_scale_up(MapReader& r, const Provenance& entry_prov, Accelerator& a) {
  auto g = r.map("scale_up", Need::required);
  if (!g) return;
  Provenance p = read_provenance(*g, entry_prov);
  if (auto s = g->str("name")) a.scale_up.name = *s;
  if (auto q =
          read_sourced(*g, "bandwidth", Dimension::byte_rate, Need::required, p, "scale_up.bandwidth", a.sources)) {
    a.scale_up.bandwidth = ByteRate(q->si);
  }
  if (auto t = g->choice("topology", kTopologyNames)) a.scale_up.topology = *parse_topology(*t);
  if (auto d = g->integer("domain")) a.scale_up.domain = static_cast<int>(*d);
  if (auto dims = g->int_list("dims")) a.scale_up.dims.assign(dims->begin(), dims->end());
  if (auto q = read_sourced(*g, "latency", Dimension::time, Need::optional, p, "scale_up.latency", a.sources,
                            Sign::non_negative)) {
    a.scale_up.latency = Seconds(q->si);
  }
  if (auto q = read_sourced(*g, "collective_latency", Dimension::time, Need::optional, p, "scale_up.collective_latency",
                            a.sources, Sign::non_negative)) {
    a.scale_up.collective_latency = Seconds(q->si);
  }
  read_link_efficiency(*g, p, "scale_up", a.scale_up.efficiency, a.sources);
  if (auto v = read_sourced_number(*g, "nvls", 0.05, 2.0, p, "scale_up.nvls", a.sources)) a.scale_up.nvls = *v;
  if (auto v = g->integer("nvls_min_ranks", Need::optional)) a.scale_up.nvls_min_ranks = static_cast<int>(*v);
  if (auto q = read_sourced(*g, "mesh_below", Dimension::bytes, Need::optional, p, "scale_up.mesh_below", a.sources,
                            Sign::non_negative)) {
    a.scale_up.mesh_below = Bytes(q->si);
  }
  if (auto q = read_sourced(*g, "rdh_below", Dimension::bytes, Need::optional, p, "scale_up.rdh_below", a.sources,
                            Sign::non_negative)) {
    a.scale_up.rdh_below = Bytes(q->si);
  }
  g->finish();
}

// cores_per_chip is a count, "4", or a count with its own source: {value: 4, estimate: true, note: ...}.
void read_cores_per_chip(MapReader& r, const Provenance& entry_prov, Accelerator& a) {
  YAML::Node n = r.node("cores_per_chip");
  if (!n.IsDefined()) return;
  if (n.IsMap()) {
    MapReader fr(n, r.file(), r.diagnostics(), fmt::format("{}: cores_per_chip", r.what()));
    auto v = fr.integer("value");
    Provenance p = read_provenance(fr, entry_prov);
    fr.finish();
    if (v) {
      a.cores_per_chip = static_cast<int>(*v);
      record_source(r, "cores_per_chip", p, "cores_per_chip", a.sources);
    }
    return;
  }
  if (auto v = r.integer("cores_per_chip")) {
    a.cores_per_chip = static_cast<int>(*v);
    record_source(r, "cores_per_chip", entry_prov, "cores_per_chip", a.sources);
  }
}

void read_scale_out(MapReader& r, const Provenance& entry_prov, Accelerator& a) {
  auto g = r.map("scale_out", Need::required);
  if (!g) return;
  Provenance p = read_provenance(*g, entry_prov);
  if (auto s = g->str("name")) a.scale_out.name = *s;
  if (auto q =
          read_sourced(*g, "bandwidth", Dimension::byte_rate, Need::required, p, "scale_out.bandwidth", a.sources)) {
    a.scale_out.bandwidth = ByteRate(q->si);
  }
  if (auto q = read_sourced(*g, "latency", Dimension::time, Need::optional, p, "scale_out.latency", a.sources,
                            Sign::non_negative)) {
    a.scale_out.latency = Seconds(q->si);
  }
  read_link_efficiency(*g, p, "scale_out", a.scale_out.efficiency, a.sources);
  g->finish();
}

}  // namespace

std::optional<Accelerator> read_accelerator(MapReader& r) {
  Accelerator a;
  a.defined_at = r.where();
  auto key = r.str("key");
  if (key) {
    a.key = *key;
    r.set_what(fmt::format("accelerator '{}'", a.key));
  }
  if (auto s = r.str("name")) a.name = *s;
  if (auto v = r.choice("vendor", kVendorNames)) a.vendor = *parse_vendor(*v);
  if (auto f = r.str("family", Need::optional)) a.family = *f;
  if (a.family.empty()) a.family = std::string(to_string(a.vendor));
  if (auto y = r.integer("year")) a.year = static_cast<int>(*y);
  if (auto rt = r.choice("runtime", kRuntimeNames)) a.runtime = *parse_runtime(*rt);
  Provenance entry = read_provenance(r, {});
  read_cores_per_chip(r, entry, a);

  if (auto g = r.map("peak", Need::required)) {
    Provenance p = read_provenance(*g, entry);
    for (Precision prec : kAllPrecisions) {
      std::string name(to_string(prec));
      auto q = read_sourced(*g, name, Dimension::flop_rate, prec == Precision::bf16 ? Need::required : Need::optional,
                            p, "peak." + name, a.sources);
      if (q) a.peak[static_cast<int>(prec)] = FlopRate(q->si);
    }
    g->finish();
  }
  if (auto g = r.map("memory", Need::required)) {
    Provenance p = read_provenance(*g, entry);
    if (auto q = read_sourced(*g, "capacity", Dimension::bytes, Need::required, p, "memory.capacity", a.sources)) {
      a.hbm_capacity = Bytes(q->si);
    }
    if (auto q =
            read_sourced(*g, "bandwidth", Dimension::byte_rate, Need::required, p, "memory.bandwidth", a.sources)) {
      a.hbm_bandwidth = ByteRate(q->si);
    }
    g->finish();
  }
  read_scale_up(r, entry, a);
  read_scale_out(r, entry, a);
  read_kernels(r, entry, a);
  if (auto g = r.map("power", Need::required)) {
    Provenance p = read_provenance(*g, entry);
    if (auto q = read_sourced(*g, "tdp", Dimension::power, Need::required, p, "power.tdp", a.sources)) {
      a.power.tdp = Watts(q->si);
    }
    if (auto q = read_sourced(*g, "host_per_chip", Dimension::power, Need::optional, p, "power.host_per_chip",
                              a.sources, Sign::non_negative)) {
      a.power.host_per_chip = Watts(q->si);
    }
    g->finish();
  }
  r.finish();
  if (!key) return std::nullopt;
  return a;
}

std::optional<System> read_system(MapReader& r) {
  System s;
  s.defined_at = r.where();
  auto key = r.str("key");
  if (key) {
    s.key = *key;
    r.set_what(fmt::format("system '{}'", s.key));
  }
  if (auto v = r.str("name")) s.name = *v;
  s.accelerator_at = r.where("accelerator");
  if (auto v = r.str("accelerator")) s.accelerator = *v;
  if (auto v = r.integer("chips")) s.chips = static_cast<int>(*v);
  if (auto v = r.integer("chips_per_host")) s.chips_per_host = static_cast<int>(*v);
  if (auto t = r.choice("topology", kTopologyNames)) s.topology = *parse_topology(*t);
  if (auto v = r.integer("scale_up_domain")) s.scale_up_domain = static_cast<int>(*v);
  if (auto dims = r.int_list("dims")) s.dims.assign(dims->begin(), dims->end());
  if (auto v = r.integer("max_slice", Need::optional)) s.max_slice = static_cast<int>(*v);
  if (auto q = r.get<ByteRate>("scale_up_bandwidth", Need::optional)) s.scale_up_bandwidth = *q;
  if (auto q = r.get<ByteRate>("scale_out_bandwidth", Need::optional)) s.scale_out_bandwidth = *q;
  if (auto v = r.number("scale_out_efficiency", Need::optional)) {
    if (*v > 1.0) {
      r.error("scale_out_efficiency", fmt::format("must be at most 1, got {}", *v));
    } else {
      s.scale_out_efficiency = *v;
    }
  }
  YAML::Node inst = r.node("instances");
  if (inst.IsDefined()) {
    if (!inst.IsSequence()) {
      r.error("instances", "must be a list of {provider, name}");
    } else {
      for (const auto& e : inst) {
        MapReader ir(e, r.file(), r.diagnostics(), fmt::format("{}: instance", r.what()));
        CloudInstance ci;
        if (auto p = ir.str("provider")) ci.provider = *p;
        if (auto n = ir.str("name")) ci.name = *n;
        ir.finish();
        s.instances.push_back(std::move(ci));
      }
    }
  }
  s.provenance = read_provenance(r, {});
  if (s.provenance.source.empty()) {
    r.error("has no source; add 'source:' and 'retrieved:'");
  } else if (s.provenance.retrieved.empty()) {
    r.error("has no retrieval date; add 'retrieved: YYYY-MM-DD'");
  }
  r.finish();
  if (!key) return std::nullopt;
  return s;
}

}  // namespace xpu
