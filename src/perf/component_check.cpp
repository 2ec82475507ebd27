#include "perf/component_check.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

#include "base/enum_names.h"
#include "perf/collectives.h"
#include "perf/components.h"
#include "perf/fabric.h"

namespace xpu {
namespace {

constexpr std::array<std::pair<ComponentKind, std::string_view>, 11> kKinds{{
    {ComponentKind::gemm, "gemm"},
    {ComponentKind::grouped_gemm, "grouped_gemm"},
    {ComponentKind::moe_layer, "moe_layer"},
    {ComponentKind::attention_prefill, "attention_prefill"},
    {ComponentKind::attention_decode, "attention_decode"},
    {ComponentKind::hbm_stream, "hbm_stream"},
    {ComponentKind::collective, "collective"},
    {ComponentKind::p2p, "p2p"},
    {ComponentKind::clock, "clock"},
    {ComponentKind::launch, "launch"},
    {ComponentKind::decode_step, "decode_step"},
}};
constexpr std::array<std::pair<ComponentMetric, std::string_view>, 8> kMetrics{{
    {ComponentMetric::throughput, "throughput"},
    {ComponentMetric::memory_bandwidth, "memory_bandwidth"},
    {ComponentMetric::bus_bandwidth, "bus_bandwidth"},
    {ComponentMetric::alg_bandwidth, "alg_bandwidth"},
    {ComponentMetric::ep_bandwidth, "ep_bandwidth"},
    {ComponentMetric::latency, "latency"},
    {ComponentMetric::clock, "clock"},
    {ComponentMetric::utilization_limit, "utilization_limit"},
}};

// A shape key as a number, if it is one.
std::optional<double> num(const ComponentCase& c, const std::string& key) {
  auto it = c.shape.find(key);
  if (it == c.shape.end()) return std::nullopt;
  double v = 0;
  const std::string& t = it->second;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}
std::string word(const ComponentCase& c, const std::string& key) {
  auto it = c.shape.find(key);
  return it == c.shape.end() ? std::string() : it->second;
}
bool yes(const ComponentCase& c, const std::string& key) { return word(c, key) == "true"; }

// "2x2x1" or "8x4, ..." -> {2, 2, 1}; empty when the text does not start with a shape.
std::vector<int> dims_of(const std::string& text) {
  std::vector<int> out;
  size_t i = 0;
  while (i < text.size()) {
    int v = 0;
    auto [p, ec] = std::from_chars(text.data() + i, text.data() + text.size(), v);
    if (ec != std::errc() || v < 1) break;
    out.push_back(v);
    i = static_cast<size_t>(p - text.data());
    if (i < text.size() && text[i] == 'x') {
      ++i;
    } else {
      break;
    }
  }
  return out.size() >= 2 ? out : std::vector<int>{};
}

struct Prediction {
  std::optional<double> value;
  std::string reason;
};
Prediction skip(std::string why) { return {std::nullopt, std::move(why)}; }

Prediction gemm(const ComponentCase& c, const Fabric& f) {
  const auto m = num(c, "m"), n = num(c, "n"), k = num(c, "k");
  if (!m || !n || !k) return skip("a layer of several GEMMs (hidden, ffn), not one m x n x k");
  const Precision p = effective_precision(f, c.precision.value_or(Precision::bf16));
  const Seconds t = gemm_time(f, p, *m, *n, *k, 1.0, 1.0, 1.0);
  if (c.metric == ComponentMetric::latency) return {t.si(), ""};
  if (c.metric != ComponentMetric::throughput) return skip("metric not modelled for a GEMM");
  return {2.0 * *m * *n * *k / t.si(), ""};
}

Prediction grouped(const ComponentCase& c, const Fabric& f) {
  const auto g = num(c, "groups"), m = num(c, "m_per_group"), n = num(c, "n"), k = num(c, "k");
  if (!g || !m || !n || !k) return skip("needs groups, m_per_group, n and k");
  if (c.metric != ComponentMetric::throughput) return skip("metric not modelled for a grouped GEMM");
  const Precision p = effective_precision(f, c.precision.value_or(Precision::bf16));
  const Seconds t = grouped_gemm_time(f, p, *g, *m, *n, *k, 1.0, 1.0);
  return {2.0 * *g * *m * *n * *k / t.si(), ""};
}

Prediction attention(const ComponentCase& c, const Fabric& f) {
  const auto b = num(c, "batch"), sq = num(c, "seq_q"), skv = num(c, "seq_kv"), h = num(c, "heads");
  auto dk = num(c, "head_dim_k"), dv = num(c, "head_dim_v");
  if (!dk) dk = num(c, "head_dim");
  if (!dv) dv = dk;
  if (!b || !sq || !skv || !h || !dk) return skip("best point of a sweep without its shape");
  if (c.metric != ComponentMetric::throughput) return skip("metric not modelled for attention");
  if (c.precision && *c.precision != Precision::bf16 && *c.precision != Precision::fp16) {
    return skip("low-precision attention is not modelled (training runs it in bf16)");
  }
  const bool causal = yes(c, "causal");
  // FlashAttention convention: 2 b s_q s_kv h (d_k + d_v) forward, halved when causal.
  const double fwd = 2.0 * *b * *sq * *skv * *h * (*dk + *dv) * (causal ? 0.5 : 1.0);
  const double keys = causal ? *skv / 2.0 : *skv;
  const std::string dir = word(c, "direction");
  const Seconds tf = attention_time(f, FlopCount(fwd), *dk, keys, false, 1.0);
  const Seconds tb = attention_time(f, FlopCount(fwd), *dk, keys, true, 1.0);
  if (dir == "fwd") return {fwd / tf.si(), ""};
  if (dir == "bwd") return {2.5 * fwd / tb.si(), ""};
  return {3.5 * fwd / (tf + tb).si(), "forward + backward (no direction given)"};
}

Prediction decode_attention(const ComponentCase& c, const Fabric& f) {
  if (c.metric != ComponentMetric::memory_bandwidth) return skip("compute-bound decode attention is not modelled");
  const auto b = num(c, "batch"), skv = num(c, "seq_kv"), kvh = num(c, "kv_heads"), d = num(c, "head_dim");
  if (!b || !skv || !kvh || !d) return {stream_bandwidth(f, 1.0).si(), "no shape: the stream bandwidth"};
  // K and V of every sequence's context in bf16, streamed once by one kernel.
  const Bytes kv(*b * *skv * *kvh * *d * 2.0 * 2.0);
  return {kv.si() / stream_time(f, kv, 1.0).si(), ""};
}

Prediction stream(const ComponentCase& c, const Fabric& f) {
  if (c.metric != ComponentMetric::memory_bandwidth) return skip("metric not modelled for a stream");
  const std::string pattern = word(c, "pattern");
  const auto size = num(c, "bytes");
  if (pattern == "decode" || !size) return {stream_bandwidth(f, 1.0).si(), ""};
  // STREAM counts bytes read + written: copy moves each byte twice, triad three times.
  const double moved = *size * (pattern == "triad" ? 3.0 : pattern == "read" ? 1.0 : 2.0);
  return {moved / stream_time(f, Bytes(moved), 1.0).si(), ""};
}

std::optional<Collective> collective_op(const std::string& op) {
  if (op == "all_reduce") return Collective::all_reduce;
  if (op == "all_gather") return Collective::all_gather;
  if (op == "reduce_scatter") return Collective::reduce_scatter;
  if (op == "all_to_all") return Collective::all_to_all;
  return std::nullopt;
}

Prediction collective(const ComponentCase& c, const Accelerator& a, const System* s) {
  if (c.metric == ComponentMetric::ep_bandwidth) {
    return skip("DeepEP's bottleneck-link bandwidth is not the engine's all-to-all convention");
  }
  if (word(c, "pattern").find("low_latency") != std::string::npos) return skip("low-latency decode kernels");
  const auto op = collective_op(word(c, "op"));
  const auto bytes = num(c, "bytes");
  if (!op || !bytes) return skip("needs op and bytes");
  std::optional<double> chips = num(c, "chips");
  if (!chips) {
    const auto ranks = num(c, "ranks");
    if (!ranks || a.cores_per_chip < 1 || std::fmod(*ranks, a.cores_per_chip) != 0 || *ranks / a.cores_per_chip < 2) {
      return skip("ranks are cores of one chip, or the chip count is not known");
    }
    chips = *ranks / a.cores_per_chip;
  }
  const int n = static_cast<int>(*chips);
  // A slice shape given as "2x2x1" (or "8x4, gather over the 4-axis").
  std::vector<int> shape = dims_of(word(c, "topology"));
  if (shape.empty()) shape = dims_of(word(c, "mesh"));
  int slice = n;
  if (!shape.empty()) {
    slice = 1;
    for (int d : shape) slice *= d;
  }
  Fabric f = make_fabric(a, s, slice);
  f.up_latency = f.up_collective_latency;  // nccl-tests and rccl-tests call the library
  if (word(c, "algo") == "ring") f.nvls = 0;
  int stride = 1;
  if (!shape.empty() && f.ndims > 1) {
    for (int i = 0; i < f.ndims && i < 3; ++i) f.dims[i] = i < static_cast<int>(shape.size()) ? shape[i] : 1;
    // The group runs along the axis of its size; ranks before it are the stride.
    int before = 1;
    for (int i = 0; i < f.ndims; ++i) {
      if (f.dims[i] == n) {
        stride = before;
        break;
      }
      before *= f.dims[i];
    }
  }
  const Placement p = place_group(f, n, stride);
  const Seconds t = collective_time(f, p, *op, Bytes(*bytes), {f.up_efficiency, f.out_efficiency});
  if (c.metric == ComponentMetric::latency) return {t.si(), ""};
  if (c.metric != ComponentMetric::bus_bandwidth) return skip("metric not modelled for a collective");
  const double alg = *bytes / t.si();
  const double frac = (n - 1.0) / n;
  return {alg * (*op == Collective::all_reduce ? 2.0 * frac : frac), ""};
}

// One NIC point to point: its line rate (the entry's own NIC when it names a
// rate, "... 400 Gb/s") at the fabric's measured efficiency.
Prediction send(const ComponentCase& c, const Fabric& f) {
  if (c.metric != ComponentMetric::alg_bandwidth) return skip("metric not modelled for a send");
  ByteRate line = f.out_bandwidth;
  const std::string nic = word(c, "nic");
  const auto at = nic.find(" Gb/s");
  if (at != std::string::npos) {
    size_t b = at;
    while (b > 0 && (std::isdigit(static_cast<unsigned char>(nic[b - 1])) || nic[b - 1] == '.')) --b;
    double gbps = 0;
    auto [p, ec] = std::from_chars(nic.data() + b, nic.data() + at, gbps);
    if (ec == std::errc() && gbps > 0) line = ByteRate(gbps * 1e9 / 8.0);
  }
  return {(line * f.out_efficiency).si(), ""};
}

Prediction clock(const ComponentCase& c, const Accelerator& a) {
  if (c.metric != ComponentMetric::clock) return skip("utilization limits are not modelled");
  const std::string cond = word(c, "condition");
  if (cond.find("GEMM") == std::string::npos) return skip("a clock under another kernel than a dense GEMM");
  if (a.kernels.clock_matmul.si() <= 0) return skip("the accelerator has no sustained matmul clock");
  return {a.kernels.clock_matmul.si(), ""};
}

}  // namespace

std::string_view to_string(ComponentKind k) { return name_of(kKinds, k); }
std::string_view to_string(ComponentMetric m) { return name_of(kMetrics, m); }
std::optional<ComponentKind> parse_component_kind(std::string_view s) { return value_of(kKinds, s); }
std::optional<ComponentMetric> parse_component_metric(std::string_view s) { return value_of(kMetrics, s); }

ComponentResult predict_component(const ComponentCase& c, const Catalog& catalog) {
  ComponentResult r;
  r.id = c.id;
  r.kind = c.kind;
  r.metric = c.metric;
  r.accelerator = c.accelerator;
  r.measured = c.value;
  r.estimate = c.estimate;
  const Accelerator* a = catalog.find_accelerator(c.accelerator);
  if (a == nullptr) {
    r.reason = fmt::format("accelerator '{}' is not in the catalog", c.accelerator);
    return r;
  }
  r.family = a->family;
  const System* s = c.system.empty() ? default_system(catalog, a->key) : catalog.find_system(c.system);
  const Fabric f = make_fabric(*a, s, 1);
  Prediction p;
  switch (c.kind) {
    case ComponentKind::gemm:
      p = gemm(c, f);
      break;
    case ComponentKind::grouped_gemm:
      p = grouped(c, f);
      break;
    case ComponentKind::attention_prefill:
      p = attention(c, f);
      break;
    case ComponentKind::attention_decode:
      p = decode_attention(c, f);
      break;
    case ComponentKind::hbm_stream:
      p = stream(c, f);
      break;
    case ComponentKind::collective:
      p = collective(c, *a, s);
      break;
    case ComponentKind::p2p:
      p = send(c, f);
      break;
    case ComponentKind::clock:
      p = clock(c, *a);
      break;
    case ComponentKind::moe_layer:
      p = skip("a fused MoE layer (dispatch, experts, combine) is checked through its parts");
      break;
    case ComponentKind::launch:
      p = skip("launch floors enter as the accelerator's kernel latency, not predicted separately");
      break;
    case ComponentKind::decode_step:
      p = skip("a whole decode step belongs to the serving engine's checks");
      break;
  }
  r.reason = p.reason;
  if (!p.value || c.value <= 0) return r;
  r.ok = true;
  r.predicted = *p.value;
  r.error_pct = (r.predicted - r.measured) / r.measured * 100.0;
  return r;
}

}  // namespace xpu
