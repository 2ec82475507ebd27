#include "ingest/price_import_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <set>

namespace xpu::price_import {
namespace {

// SkyPilot AcceleratorName values (AWS DescribeInstanceTypes names; Neuron
// devices count as chips: trn1.32xlarge = 16 Trainium chips).
constexpr std::array<AcceleratorSku, 9> kAws{{
    {"A100", "", 1, "A100 40GB is not in the catalog"},
    {"A100-80GB", "a100-80gb", 1, ""},
    {"H100", "h100-sxm", 1, ""},
    {"H200", "h200-sxm", 1, ""},
    {"B200", "b200", 1, ""},
    {"B300", "b300", 1, ""},
    {"Trainium", "trn1", 1, ""},
    {"Trainium2", "trn2", 1, ""},
    {"Inferentia2", "inf2", 1, ""},
}};

// GCP attachable GPU names; H100-MEGA is the H100 of a3-megagpu machines.
constexpr std::array<AcceleratorSku, 6> kGcp{{
    {"A100", "", 1, "A100 40GB is not in the catalog"},
    {"A100-80GB", "a100-80gb", 1, ""},
    {"H100", "h100-sxm", 1, ""},
    {"H100-MEGA", "h100-sxm", 1, ""},
    {"H200", "h200-sxm", 1, ""},
    {"B200", "b200", 1, ""},
}};

// TPU generations. v4 and v5p slice names count TensorCores (two per chip);
// v5e (v5litepod) and v6e names count chips. Cloud TPU docs, system architecture.
constexpr std::array<AcceleratorSku, 6> kTpu{{
    {"v2", "", 2, "TPU v2 is not in the catalog"},
    {"v3", "", 2, "TPU v3 is not in the catalog"},
    {"v4", "tpu-v4", 2, ""},
    {"v5litepod", "tpu-v5e", 1, ""},
    {"v5p", "tpu-v5p", 2, ""},
    {"v6e", "tpu-v6e", 1, ""},
}};

template <size_t N>
const AcceleratorSku* lookup(const std::array<AcceleratorSku, N>& table, std::string_view raw) {
  for (const auto& s : table) {
    if (s.raw == raw) return &s;
  }
  return nullptr;
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string lines_text(const std::vector<int>& lines) {
  constexpr size_t kShown = 12;
  std::string s = lines.size() == 1 ? "line " : "lines ";
  for (size_t i = 0; i < lines.size() && i < kShown; ++i) s += (i ? ", " : "") + std::to_string(lines[i]);
  if (lines.size() > kShown) s += fmt::format(" and {} more", lines.size() - kShown);
  return s;
}

}  // namespace

const AcceleratorSku* aws_sku(std::string_view name) { return lookup(kAws, name); }
const AcceleratorSku* gcp_sku(std::string_view name) { return lookup(kGcp, name); }

std::optional<TpuName> parse_tpu_name(std::string_view name) {
  if (!name.starts_with("tpu-")) return std::nullopt;
  std::string_view rest = name.substr(4);
  auto dash = rest.rfind('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::string_view gen = rest.substr(0, dash), num = rest.substr(dash + 1);
  int size = 0;
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), size);
  if (ec != std::errc() || p != num.data() + num.size() || size <= 0) return std::nullopt;
  TpuName t{std::string(rest), size, lookup(kTpu, gen)};
  if (t.sku && t.sku->key.empty()) t.sku = nullptr;
  if (t.sku && size % t.sku->cores_per_chip != 0) t.sku = nullptr;
  return t;
}

std::string gcp_host_machine(std::string_view gpu, int count) {
  if (gpu == "A100") return count == 16 ? "a2-megagpu-16g" : fmt::format("a2-highgpu-{}g", count);
  if (gpu == "A100-80GB") return fmt::format("a2-ultragpu-{}g", count);
  if (gpu == "H100") return fmt::format("a3-highgpu-{}g", count);
  if (gpu == "H100-MEGA") return fmt::format("a3-megagpu-{}g", count);
  if (gpu == "H200") return fmt::format("a3-ultragpu-{}g", count);
  if (gpu == "B200") return fmt::format("a4-highgpu-{}g", count);
  return fmt::format("{}-{}g", gpu, count);
}

std::map<std::string, std::string> regional_anomalies(const std::map<std::string, double>& by_region, double gap_ratio,
                                                      double outlier_ratio) {
  std::map<std::string, std::string> out;
  std::vector<std::pair<double, std::string>> sorted;
  sorted.reserve(by_region.size());
  for (const auto& [r, p] : by_region) sorted.emplace_back(p, r);
  std::sort(sorted.begin(), sorted.end());
  // 1. Two price groups: the widest step between neighbouring regions.
  size_t cut = 0;
  double widest = 1.0;
  for (size_t i = 1; i < sorted.size(); ++i) {
    double step = sorted[i].first / sorted[i - 1].first;
    if (step > widest) {
      widest = step;
      cut = i;
    }
  }
  std::vector<std::pair<double, std::string>> kept = sorted;
  // Two groups need two regions each; a lone region far off is the outlier test's job.
  if (widest >= gap_ratio && cut >= 2 && sorted.size() - cut >= 2) {
    for (size_t i = 0; i < cut; ++i) {
      out[sorted[i].second] = fmt::format(
          "{:.4g} $/chip-h is in a lower price group: the other {} region(s) start at {:.4g} $/chip-h, {:.2f}x "
          "higher (a discounted SKU picked up as the list price)",
          sorted[i].first, sorted.size() - cut, sorted[cut].first, widest);
    }
    kept.assign(sorted.begin() + static_cast<std::ptrdiff_t>(cut), sorted.end());
  }
  // 2. Single outliers against the median of the other regions.
  if (kept.size() >= 3) {
    for (size_t i = 0; i < kept.size(); ++i) {
      std::vector<double> others;
      for (size_t j = 0; j < kept.size(); ++j) {
        if (j != i) others.push_back(kept[j].first);
      }
      double m = median_of(others);
      double ratio = kept[i].first / m;
      if (ratio >= outlier_ratio || ratio <= 1.0 / outlier_ratio) {
        out[kept[i].second] =
            fmt::format("{:.4g} $/chip-h is {:.2f}x the median {:.4g} $/chip-h of the other {} regions", kept[i].first,
                        ratio, m, others.size());
      }
    }
  }
  return out;
}

void Exclusions::add(const std::string& rule, const std::string& message, int line) {
  auto [it, fresh] = index_.emplace(rule + "\x1f" + message, groups_.size());
  if (fresh) groups_.push_back(Group{rule, message, {}});
  groups_[it->second].lines.push_back(line);
}

void Exclusions::warn(const std::string& message, int line) { add("", message, line); }

void Exclusions::emit(const std::string& file, Diagnostics& out, std::map<std::string, int>& counts) const {
  std::vector<const Group*> order;
  for (const auto& g : groups_) order.push_back(&g);
  std::stable_sort(order.begin(), order.end(), [](const Group* a, const Group* b) {
    return *std::min_element(a->lines.begin(), a->lines.end()) < *std::min_element(b->lines.begin(), b->lines.end());
  });
  for (const Group* g : order) {
    std::vector<int> lines = g->lines;
    std::sort(lines.begin(), lines.end());
    std::string msg = g->message;
    if (!g->rule.empty()) {
      msg = fmt::format("[{}] {}", g->rule, msg);
      counts[g->rule] += static_cast<int>(lines.size());
    }
    if (lines.size() > 1) msg += fmt::format(" ({})", lines_text(lines));
    out.push_back(warning_at({file, lines.front(), 0, ""}, msg));
  }
}

std::vector<Offer> summarize(std::vector<Offer> offers, const ImportOptions& opt) {
  if (opt.smallest_slice_only) {
    // Per (TPU generation, term), keep the slice with the fewest chips offered anywhere.
    std::map<std::pair<std::string, Term>, const Offer*> smallest;
    std::map<std::pair<std::string, Term>, std::set<std::string>> sizes;
    for (const auto& o : offers) {
      if (!o.accelerator.starts_with("tpu-")) continue;
      auto key = std::make_pair(o.accelerator, o.term);
      sizes[key].insert(o.instance);
      auto it = smallest.find(key);
      if (it == smallest.end() || o.chips < it->second->chips) smallest[key] = &o;
    }
    std::map<std::pair<std::string, Term>, std::string> keep;
    for (const auto& [key, o] : smallest) keep[key] = o->instance;
    std::vector<Offer> kept;
    for (auto& o : offers) {
      auto key = std::make_pair(o.accelerator, o.term);
      if (o.accelerator.starts_with("tpu-")) {
        if (o.instance != keep[key]) continue;
        o.provenance.note += fmt::format(
            "{}the smallest of {} slice sizes; TPU prices are per chip, so larger slices "
            "cost the same per chip-hour",
            o.provenance.note.empty() ? "" : "; ", sizes[key].size());
      }
      kept.push_back(std::move(o));
    }
    offers = std::move(kept);
  }
  if (opt.regions.empty()) return offers;
  // Per (instance, term): the listed regions, or else the cheapest region; notes carry the spread.
  std::map<std::pair<std::string, Term>, std::vector<Offer*>> groups;
  for (auto& o : offers) groups[{o.instance, o.term}].push_back(&o);
  std::vector<Offer> out;
  for (auto& [key, group] : groups) {
    std::vector<double> prices;
    for (const Offer* o : group) prices.push_back(per_hour(o->price));
    double m = median_of(prices);
    auto [lo, hi] = std::minmax_element(prices.begin(), prices.end());
    std::vector<Offer*> chosen;
    for (Offer* o : group) {
      if (std::find(opt.regions.begin(), opt.regions.end(), o->region) != opt.regions.end()) chosen.push_back(o);
    }
    bool fallback = chosen.empty();
    if (fallback) {
      chosen.push_back(*std::min_element(group.begin(), group.end(), [](const Offer* a, const Offer* b) {
        return a->price < b->price || (a->price == b->price && a->region < b->region);
      }));
    }
    for (Offer* o : chosen) {
      std::string spread = group.size() == 1
                               ? std::string("the only region priced in the snapshot")
                               : fmt::format("{} regions priced: median {:.4g} $/h, range {:.4g} to {:.4g} $/h",
                                             group.size(), m, *lo, *hi);
      if (fallback && group.size() > 1) spread += "; not offered in the main regions, so the cheapest region is shown";
      o->provenance.note += (o->provenance.note.empty() ? "" : "; ") + spread;
      out.push_back(std::move(*o));
    }
  }
  return out;
}

}  // namespace xpu::price_import
