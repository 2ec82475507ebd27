#include "catalog/catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <numeric>
#include <set>

#include "base/suggest.h"

namespace xpu {
namespace {

template <class T>
const T* find_by_key(const std::vector<T>& v, std::string_view key) {
  auto it = std::lower_bound(v.begin(), v.end(), key, [](const T& e, std::string_view k) { return e.key < k; });
  return it != v.end() && it->key == key ? &*it : nullptr;
}

template <class T>
std::vector<std::string> keys_of(const std::vector<T>& v) {
  std::vector<std::string> out;
  out.reserve(v.size());
  for (const auto& e : v) out.push_back(e.key);
  return out;
}

std::string where(const SourceLocation& loc) {
  return loc.line > 0 ? fmt::format("{}:{}", loc.file, loc.line) : loc.file;
}

template <class T>
void merge_list(std::vector<T>& base, std::vector<T> overlay, std::string_view kind, Diagnostics& notes) {
  // A key given twice in the overlay is check_unique_keys()'s error, not a
  // replacement: the second said "replaces the one defined at" the first, a
  // note beside the error that contradicted it (usertrial4), as the price book does.
  std::set<std::string> seen;
  for (auto& e : overlay) {
    if (!seen.insert(e.key).second) continue;
    auto it = std::find_if(base.begin(), base.end(), [&](const T& b) { return b.key == e.key; });
    if (it != base.end()) {
      notes.push_back(
          Diagnostic{Severity::note, e.defined_at,
                     fmt::format("{} '{}' replaces the one defined at {}", kind, e.key, where(it->defined_at))});
      *it = std::move(e);
    } else {
      base.push_back(std::move(e));
    }
  }
  std::stable_sort(base.begin(), base.end(), [](const T& a, const T& b) { return a.key < b.key; });
}

int product(const std::vector<int>& dims) { return std::accumulate(dims.begin(), dims.end(), 1, std::multiplies<>()); }

}  // namespace

const Accelerator* Catalog::find_accelerator(std::string_view key) const { return find_by_key(accelerators, key); }
const System* Catalog::find_system(std::string_view key) const { return find_by_key(systems, key); }
std::vector<std::string> Catalog::accelerator_keys() const { return keys_of(accelerators); }
std::vector<std::string> Catalog::system_keys() const { return keys_of(systems); }

std::vector<const System*> Catalog::systems_of(std::string_view accelerator) const {
  std::vector<const System*> out;
  for (const auto& s : systems) {
    if (s.accelerator == accelerator) out.push_back(&s);
  }
  return out;
}

Diagnostics merge_catalog(Catalog& base, Catalog overlay) {
  Diagnostics notes;
  merge_list(base.accelerators, std::move(overlay.accelerators), "accelerator", notes);
  merge_list(base.systems, std::move(overlay.systems), "system", notes);
  merge_list(base.stacks, std::move(overlay.stacks), "stack", notes);
  return notes;
}

Diagnostics check_unique_keys(const Catalog& catalog) {
  Diagnostics ds;
  for (size_t i = 1; i < catalog.stacks.size(); ++i) {
    const auto& s = catalog.stacks[i];
    if (s.key == catalog.stacks[i - 1].key) {
      ds.push_back(error_at(s.defined_at, fmt::format("duplicate stack key '{}' (first defined at {})", s.key,
                                                      where(catalog.stacks[i - 1].defined_at))));
    }
  }
  for (size_t i = 1; i < catalog.accelerators.size(); ++i) {
    const auto& a = catalog.accelerators[i];
    if (a.key == catalog.accelerators[i - 1].key) {
      ds.push_back(error_at(a.defined_at, fmt::format("duplicate accelerator key '{}' (first defined at {})", a.key,
                                                      where(catalog.accelerators[i - 1].defined_at))));
    }
  }
  for (size_t i = 1; i < catalog.systems.size(); ++i) {
    const auto& s = catalog.systems[i];
    if (s.key == catalog.systems[i - 1].key) {
      ds.push_back(error_at(s.defined_at, fmt::format("duplicate system key '{}' (first defined at {})", s.key,
                                                      where(catalog.systems[i - 1].defined_at))));
    }
  }
  return ds;
}

Diagnostics validate_catalog(const Catalog& catalog) {
  Diagnostics ds;
  auto accel_keys = catalog.accelerator_keys();
  for (const auto& a : catalog.accelerators) {
    const auto& su = a.scale_up;
    if (!su.dims.empty() && product(su.dims) != su.domain) {
      ds.push_back(
          error_at(a.defined_at, fmt::format("accelerator '{}': scale_up dims multiply to {}, but domain is {}", a.key,
                                             product(su.dims), su.domain)));
    }
  }
  for (const auto& s : catalog.systems) {
    const Accelerator* a = catalog.find_accelerator(s.accelerator);
    if (a == nullptr) {
      ds.push_back(error_at(s.accelerator_at, fmt::format("system '{}': unknown accelerator '{}'{}", s.key,
                                                          s.accelerator, did_you_mean(s.accelerator, accel_keys))));
    }
    if (!s.dims.empty() && product(s.dims) != s.scale_up_domain) {
      ds.push_back(error_at(s.defined_at, fmt::format("system '{}': dims multiply to {}, but scale_up_domain is {}",
                                                      s.key, product(s.dims), s.scale_up_domain)));
    }
    if (s.chips <= 0) continue;  // chips itself was reported; size checks against 0 would only add noise
    if (s.scale_up_domain > s.chips) {
      ds.push_back(error_at(s.defined_at, fmt::format("system '{}': scale_up_domain {} is larger than its {} chips",
                                                      s.key, s.scale_up_domain, s.chips)));
    }
    if (s.chips_per_host > s.chips) {
      ds.push_back(error_at(s.defined_at, fmt::format("system '{}': chips_per_host {} is larger than its {} chips",
                                                      s.key, s.chips_per_host, s.chips)));
    }
    if (s.max_slice > s.chips) {
      ds.push_back(error_at(s.defined_at, fmt::format("system '{}': max_slice {} is larger than its {} chips", s.key,
                                                      s.max_slice, s.chips)));
    }
  }
  return ds;
}

namespace {

bool instance_matches(const CloudInstance& ci, const Offer& o) {
  if (ci.provider != o.provider) return false;
  if (ci.name == o.instance) return true;
  if (!ci.name.ends_with("-N")) return false;
  const std::string prefix = ci.name.substr(0, ci.name.size() - 1);
  if (!o.instance.starts_with(prefix) || o.instance.size() == prefix.size()) return false;
  return std::all_of(o.instance.begin() + static_cast<std::ptrdiff_t>(prefix.size()), o.instance.end(),
                     [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
}

}  // namespace

const System* system_for_offer(const Catalog& catalog, const Offer& offer) {
  for (const System* s : catalog.systems_of(offer.accelerator)) {
    for (const auto& ci : s->instances) {
      if (instance_matches(ci, offer)) return s;
    }
  }
  const System* fallback = default_system(catalog, offer.accelerator);
  return fallback && offer.chips == fallback->chips ? fallback : nullptr;
}

const System* default_system(const Catalog& catalog, std::string_view accelerator) {
  const Accelerator* a = catalog.find_accelerator(accelerator);
  if (a == nullptr) return nullptr;
  const System* best = nullptr;
  for (const System* s : catalog.systems_of(accelerator)) {
    if (s->scale_up_domain == a->scale_up.domain && (best == nullptr || s->chips < best->chips)) best = s;
  }
  return best;
}

}  // namespace xpu
