// Readers for catalog entries (accelerators, systems) from YAML mappings, and
// the provenance rules shared by every data file: `source`, `retrieved`,
// `estimate` and `note` may sit on an entry, a group, or one field, and the
// nearest one applies. Every number must end up with a source and a date.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "catalog/accelerator.h"
#include "catalog/stack.h"
#include "catalog/system.h"
#include "ingest/yaml_reader.h"

namespace xpu {

// Reads source/retrieved/estimate/note from `r`, falling back to `inherited`.
Provenance read_provenance(MapReader& r, const Provenance& inherited);

// Reads a quantity that is either "450 GB/s" or {value: 450 GB/s, source: ...},
// records its provenance under `path`, and reports it if it has no source.
std::optional<ParsedQuantity> read_sourced(MapReader& group, std::string_view key, Dimension dim, Need need,
                                           const Provenance& group_prov, const std::string& path,
                                           std::map<std::string, Provenance>& sources, Sign sign = Sign::positive);

std::optional<Accelerator> read_accelerator(MapReader& r);
std::optional<System> read_system(MapReader& r);
std::optional<StackEfficiency> read_stack(MapReader& r);

}  // namespace xpu
