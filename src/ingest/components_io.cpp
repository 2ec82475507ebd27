#include "ingest/components_io.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "base/date.h"
#include "ingest/yaml_reader.h"

namespace xpu {
namespace {

// The unit dimension each metric is written in.
Dimension dimension_of(ComponentMetric m) {
  switch (m) {
    case ComponentMetric::throughput:
      return Dimension::flop_rate;
    case ComponentMetric::memory_bandwidth:
    case ComponentMetric::bus_bandwidth:
    case ComponentMetric::alg_bandwidth:
    case ComponentMetric::ep_bandwidth:
      return Dimension::byte_rate;
    case ComponentMetric::latency:
      return Dimension::time;
    case ComponentMetric::clock:
      return Dimension::frequency;
    case ComponentMetric::utilization_limit:
      return Dimension::fraction;
  }
  return Dimension::time;
}

std::vector<std::string> names_of_kinds() {
  std::vector<std::string> out;
  for (int i = 0; i <= static_cast<int>(ComponentKind::decode_step); ++i) {
    out.emplace_back(to_string(static_cast<ComponentKind>(i)));
  }
  return out;
}
std::vector<std::string> names_of_metrics() {
  std::vector<std::string> out;
  for (int i = 0; i <= static_cast<int>(ComponentMetric::utilization_limit); ++i) {
    out.emplace_back(to_string(static_cast<ComponentMetric>(i)));
  }
  return out;
}

std::optional<ComponentCase> read_entry(const YAML::Node& node, const std::string& path, Diagnostics& ds) {
  const size_t before = ds.size();
  MapReader r(node, path, ds, "component");
  ComponentCase c;
  c.file = path;
  c.line = r.where().line;
  if (auto id = r.str("id")) {
    c.id = *id;
    r.set_what(fmt::format("component '{}'", c.id));
  }
  if (auto v = r.str("accelerator")) c.accelerator = *v;
  if (auto v = r.str("system", Need::optional)) c.system = *v;
  if (auto v = r.choice("kind", names_of_kinds())) c.kind = *parse_component_kind(*v);
  if (auto v = r.str("precision", Need::optional)) {
    // "fp8xfp4" (mixed operands) is read as the narrower format's peak.
    const std::string p = *v == "fp8xfp4" ? "fp4" : *v;
    if (auto q = parse_precision(p)) {
      c.precision = *q;
    } else {
      r.error("precision", fmt::format("unknown precision '{}'", *v));
    }
  }
  YAML::Node shape = r.node("shape", Need::required);
  if (shape.IsDefined()) {
    if (!shape.IsMap()) {
      r.error("shape", "must be a mapping of shape keys (data/components/README.md)");
    } else {
      for (const auto& kv : shape) {
        if (kv.second.IsScalar()) c.shape[kv.first.as<std::string>()] = kv.second.as<std::string>();
      }
    }
  }
  std::optional<ComponentMetric> metric;
  if (auto v = r.choice("metric", names_of_metrics())) metric = parse_component_metric(*v);
  if (metric) {
    c.metric = *metric;
    // Values are finite and positive; the unit must fit the metric.
    if (auto q = r.quantity("value", dimension_of(*metric), Need::required, Sign::positive)) c.value = q->si;
  } else {
    r.node("value");
  }
  if (auto v = r.boolean("estimate", Need::required)) c.estimate = *v;
  for (const char* key : {"software", "source"}) r.str(key);
  for (const char* key : {"published", "retrieved"}) {
    if (auto v = r.str(key)) {
      const bool ok = is_iso_date(*v) || is_iso_date(*v + "-01") || is_iso_date(*v + "-01-01");
      if (!ok) r.error(key, fmt::format("must be YYYY, YYYY-MM or YYYY-MM-DD, got '{}'", *v));
    }
  }
  const bool noted = r.has("note");
  r.str("note", Need::optional);
  if (c.estimate && !noted) r.error("estimate", "an estimate needs a 'note' saying how it was derived");
  r.finish();
  if (ds.size() != before) return std::nullopt;
  return c;
}

}  // namespace

std::vector<ComponentCase> read_components(const std::string& path, Diagnostics& ds) {
  std::vector<ComponentCase> out;
  auto root = load_yaml_file(path, ds);
  if (!root) return out;
  MapReader top(*root, path, ds, "file");
  YAML::Node list = top.node("components", Need::required);
  top.finish();
  if (!list.IsDefined()) return out;
  if (!list.IsSequence()) {
    ds.push_back(error_at(location_of(path, list), "'components' must be a list"));
    return out;
  }
  std::set<std::string> seen;
  for (const auto& node : list) {
    auto c = read_entry(node, path, ds);
    if (!c) continue;
    if (!seen.insert(c->id).second) {
      ds.push_back(error_at({path, c->line, 0, ""}, fmt::format("component '{}' is listed twice", c->id)));
      continue;
    }
    out.push_back(std::move(*c));
  }
  return out;
}

std::vector<std::string> component_files(const std::string& data_dir) {
  std::vector<std::string> out;
  const std::filesystem::path dir = std::filesystem::path(data_dir) / "components";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".yaml") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace xpu
