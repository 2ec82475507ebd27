// Internal to io's simulator readers (risks_io.cpp, sim_input_io.cpp): the
// pieces both file kinds share.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>

#include "ingest/yaml_reader.h"
#include "planner/portfolio.h"
#include "sim/input.h"

namespace xpu::detail {

// Reads each mapping of the optional list `key` with one(MapReader&), then
// reports its unknown keys. `entry` names an entry in messages ("shock").
template <class F>
void read_each(MapReader& root, std::string_view key, std::string_view entry, F one) {
  YAML::Node n = root.node(key, Need::optional);
  if (!n.IsDefined()) return;
  if (!n.IsSequence()) {
    // "must be a list of failuress" (usertrial3): the entry's name, as given.
    root.error(key, fmt::format("must be a list of {} entries, each starting with '- '", entry));
    return;
  }
  for (const auto& e : n) {
    MapReader r(e, root.file(), root.diagnostics(), std::string(entry));
    if (!r.ok()) continue;
    one(r);
    r.finish();
  }
}

// "YYYY-MM" as a month index from the horizon's start (may lie outside it).
inline std::optional<int> read_month(MapReader& r, std::string_view key, const SimHorizon& h,
                                     Need need = Need::required) {
  auto s = r.str(key, need);
  if (!s) return std::nullopt;
  const auto ym = parse_year_month(*s);
  if (!ym) {
    r.error(key, fmt::format("must be a month written YYYY-MM (e.g. 2027-03), got '{}'", *s));
    return std::nullopt;
  }
  return h.index_of(ym->first, ym->second);
}

}  // namespace xpu::detail
