// The catalog: every accelerator and system xpuplan knows, as plain data.
// Built by io from data/ (and users' --catalog directories); looked up by key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"
#include "catalog/accelerator.h"
#include "catalog/offer.h"
#include "catalog/stack.h"
#include "catalog/system.h"

namespace xpu {

struct Catalog {
  std::vector<Accelerator> accelerators;  // sorted by key
  std::vector<System> systems;            // sorted by key
  std::vector<StackEfficiency> stacks;    // sorted by key

  const Accelerator* find_accelerator(std::string_view key) const;
  const System* find_system(std::string_view key) const;
  std::vector<std::string> accelerator_keys() const;
  std::vector<std::string> system_keys() const;
  // Systems built from `accelerator`, in key order.
  std::vector<const System*> systems_of(std::string_view accelerator) const;
};

// Adds `overlay`'s entries to `base`; an entry with a key already in `base`
// replaces it and leaves a note naming both places. Keeps both lists sorted.
Diagnostics merge_catalog(Catalog& base, Catalog overlay);

// Keys given twice in one catalog layer (one directory): errors naming both places.
Diagnostics check_unique_keys(const Catalog& catalog);

// Cross-checks of a merged catalog: systems naming known accelerators (with a
// suggestion), domain sizes and torus shapes consistent.
Diagnostics validate_catalog(const Catalog& catalog);

// The system a bare accelerator key stands for: the one whose scale-up domain
// is the accelerator's own default (the smallest unit you can rent), or null.
const System* default_system(const Catalog& catalog, std::string_view accelerator);

// The system an offer rents: the one whose instance list names the offer's
// instance at its provider ("v5p-N" stands for every slice size: "v5p-8",
// "v5p-512"); else the accelerator's default system when the offer is one
// whole unit of it; else null (the offer rents part of a system the catalog
// does not describe). compare and plan both ask this.
const System* system_for_offer(const Catalog& catalog, const Offer& offer);

}  // namespace xpu
