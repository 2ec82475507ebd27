// Loading xpuplan's data directories: the shipped data/ and users' --catalog
// directories. Every *.yaml file below a directory is read; its top-level keys
// name sections (accelerators, systems, models, offers, purchase_prices). Later directories extend the
// earlier ones, and an entry whose key is already known replaces it (a note
// says so). All problems in all files are reported together.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "catalog/data_set.h"

namespace xpu {

// Loads one directory (all *.yaml files, recursively, in path order).
// Diagnostics receives errors, warnings and notes; the result holds what parsed.
DataSet load_data_dir(const std::string& dir, Diagnostics& ds);

// Parses one YAML file's sections into `into` (no merging, no cross-checks).
void load_data_file(const std::string& path, DataSet& into, Diagnostics& ds);
void load_data_text(const std::string& text, const std::string& name, DataSet& into, Diagnostics& ds);

// Loads `dirs` in order (the shipped data first), then `price_files` (YAML
// files with `offers`/`purchase_prices`, as given by --prices), merges them,
// and validates the result. Throws InputError if any error was found; `notes`
// receives the replacement notes and warnings.
// `apply_calibration` = false leaves the stacks at their priors (for refitting).
DataSet load_data(const std::vector<std::string>& dirs, Diagnostics* notes = nullptr, bool apply_calibration = true,
                  const std::vector<std::string>& price_files = {});

// The shipped data directory: $XPUPLAN_DATA, else the one compiled in.
std::string shipped_data_dir();

}  // namespace xpu
