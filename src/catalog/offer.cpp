#include "catalog/offer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include "base/enum_names.h"
#include "base/suggest.h"

namespace xpu {
namespace {

constexpr std::array<std::pair<Term, std::string_view>, kTermCount> kTerms{{
    {Term::on_demand, "on-demand"},
    {Term::spot, "spot"},
    {Term::commit_1y, "1y"},
    {Term::commit_3y, "3y"},
    {Term::capacity_block, "capacity-block"},
}};

constexpr std::array<std::pair<ProviderClass, std::string_view>, 4> kClasses{{
    {ProviderClass::unclassified, "unclassified"},
    {ProviderClass::hyperscaler, "hyperscaler"},
    {ProviderClass::neocloud, "neocloud"},
    {ProviderClass::other, "other"},
}};

std::string where(const SourceLocation& loc) {
  return loc.line > 0 ? fmt::format("{}:{}", loc.file, loc.line) : loc.file;
}

bool by_key(const Offer& a, const Offer& b) { return a.key() < b.key(); }
bool by_accelerator(const PurchasePrice& a, const PurchasePrice& b) { return a.accelerator < b.accelerator; }

template <class Key>
std::vector<std::string> sorted_unique(const std::vector<Offer>& offers, Key key) {
  std::set<std::string> s;
  for (const auto& o : offers) {
    if (!key(o).empty()) s.insert(key(o));
  }
  return {s.begin(), s.end()};
}

}  // namespace

std::string_view to_string(Term t) {
  for (const auto& [v, n] : kTerms) {
    if (v == t) return n;
  }
  return "?";
}

std::optional<Term> parse_term(std::string_view s) {
  for (const auto& [v, n] : kTerms) {
    if (n == s) return v;
  }
  return std::nullopt;
}

std::vector<std::string> term_names() { return names_of(kTerms); }

std::string_view to_string(ProviderClass c) {
  for (const auto& [v, n] : kClasses) {
    if (v == c) return n;
  }
  return "?";
}

std::optional<ProviderClass> parse_provider_class(std::string_view s) {
  for (const auto& [v, n] : kClasses) {
    if (n == s && v != ProviderClass::unclassified) return v;
  }
  return std::nullopt;
}

std::vector<std::string> provider_class_names() { return {"hyperscaler", "neocloud", "other"}; }

Seconds commitment_length(Term t) {
  switch (t) {
    case Term::commit_1y:
      return days(365);
    case Term::commit_3y:
      return days(3 * 365);
    default:
      return Seconds(0);
  }
}

std::string Offer::key() const {
  return fmt::format("{}/{}/{}/{}", provider, region.empty() ? "any" : region, instance, to_string(term));
}

std::vector<const Offer*> PriceBook::find(const OfferFilter& f) const {
  std::vector<const Offer*> out;
  for (const auto& o : offers) {
    if (!f.accelerator.empty() && o.accelerator != f.accelerator) continue;
    if (!f.provider.empty() && o.provider != f.provider) continue;
    if (!f.region.empty() && o.region != f.region) continue;
    if (f.term && o.term != *f.term) continue;
    if (f.provider_class && o.provider_class != *f.provider_class) continue;
    out.push_back(&o);
  }
  return out;
}

const Offer* PriceBook::find_key(std::string_view key) const {
  for (const auto& o : offers) {
    if (o.key() == key) return &o;
  }
  return nullptr;
}

const Offer* PriceBook::best_price(std::string_view accelerator, Term term, std::string_view region) const {
  const Offer* best = nullptr;
  for (const auto& o : offers) {
    if (o.accelerator != accelerator || o.term != term || o.chips <= 0) continue;
    if (!region.empty() && o.region != region) continue;
    // Offers are sorted by key, so a strict comparison keeps the smaller key on ties.
    if (best == nullptr || o.price_per_chip() < best->price_per_chip()) best = &o;
  }
  return best;
}

const PurchasePrice* PriceBook::purchase_price(std::string_view accelerator) const {
  for (const auto& p : purchases) {
    if (p.accelerator == accelerator) return &p;
  }
  return nullptr;
}

const ProviderInfo* PriceBook::provider_info(std::string_view name) const {
  for (const auto& p : provider_classes) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

void classify_offers(PriceBook& book) {
  for (auto& o : book.offers) {
    if (o.class_on_offer) continue;
    const ProviderInfo* p = book.provider_info(o.provider);
    o.provider_class = p ? p->provider_class : ProviderClass::unclassified;
  }
}

std::vector<std::string> PriceBook::priced_accelerators() const {
  return sorted_unique(offers, [](const Offer& o) -> const std::string& { return o.accelerator; });
}
std::vector<std::string> PriceBook::providers() const {
  return sorted_unique(offers, [](const Offer& o) -> const std::string& { return o.provider; });
}
std::vector<std::string> PriceBook::regions() const {
  return sorted_unique(offers, [](const Offer& o) -> const std::string& { return o.region; });
}

void sort_price_book(PriceBook& book) {
  std::stable_sort(book.offers.begin(), book.offers.end(), by_key);
  std::stable_sort(book.purchases.begin(), book.purchases.end(), by_accelerator);
  std::stable_sort(book.provider_classes.begin(), book.provider_classes.end(),
                   [](const ProviderInfo& a, const ProviderInfo& b) { return a.name < b.name; });
}

Diagnostics merge_price_book(PriceBook& base, PriceBook overlay) {
  Diagnostics notes;
  std::set<std::string> seen;  // a key given twice in the overlay is check_unique_prices()'s error, not a replacement
  for (auto& o : overlay.offers) {
    const std::string key = o.key();
    if (!seen.insert(key).second) continue;
    auto it = std::find_if(base.offers.begin(), base.offers.end(), [&](const Offer& b) { return b.key() == key; });
    if (it != base.offers.end()) {
      notes.push_back(Diagnostic{Severity::note, o.defined_at,
                                 fmt::format("offer '{}' replaces the one defined at {}", key, where(it->defined_at))});
      *it = std::move(o);
    } else {
      base.offers.push_back(std::move(o));
    }
  }
  seen.clear();
  for (auto& p : overlay.purchases) {
    if (!seen.insert(p.accelerator).second) continue;
    auto it = std::find_if(base.purchases.begin(), base.purchases.end(),
                           [&](const PurchasePrice& b) { return b.accelerator == p.accelerator; });
    if (it != base.purchases.end()) {
      notes.push_back(Diagnostic{
          Severity::note, p.defined_at,
          fmt::format("purchase price of '{}' replaces the one defined at {}", p.accelerator, where(it->defined_at))});
      *it = std::move(p);
    } else {
      base.purchases.push_back(std::move(p));
    }
  }
  seen.clear();
  for (auto& p : overlay.provider_classes) {
    if (!seen.insert(p.name).second) continue;
    auto it = std::find_if(base.provider_classes.begin(), base.provider_classes.end(),
                           [&](const ProviderInfo& b) { return b.name == p.name; });
    if (it != base.provider_classes.end()) {
      notes.push_back(
          Diagnostic{Severity::note, p.defined_at,
                     fmt::format("provider '{}' ({}) replaces the one defined at {} ({})", p.name,
                                 to_string(p.provider_class), where(it->defined_at), to_string(it->provider_class))});
      *it = std::move(p);
    } else {
      base.provider_classes.push_back(std::move(p));
    }
  }
  sort_price_book(base);
  return notes;
}

Diagnostics check_unique_prices(const PriceBook& book) {
  Diagnostics ds;
  std::vector<const Offer*> offers;
  for (const auto& o : book.offers) offers.push_back(&o);
  std::stable_sort(offers.begin(), offers.end(), [](const Offer* a, const Offer* b) { return a->key() < b->key(); });
  for (size_t i = 1; i < offers.size(); ++i) {
    if (offers[i]->key() == offers[i - 1]->key()) {
      ds.push_back(error_at(offers[i]->defined_at, fmt::format("duplicate offer '{}' (first defined at {})",
                                                               offers[i]->key(), where(offers[i - 1]->defined_at))));
    }
  }
  for (size_t i = 0; i < book.purchases.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (book.purchases[i].accelerator == book.purchases[j].accelerator) {
        ds.push_back(error_at(book.purchases[i].defined_at,
                              fmt::format("duplicate purchase price for '{}' (first defined at {})",
                                          book.purchases[i].accelerator, where(book.purchases[j].defined_at))));
        break;
      }
    }
  }
  for (size_t i = 0; i < book.provider_classes.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (book.provider_classes[i].name == book.provider_classes[j].name) {
        ds.push_back(error_at(book.provider_classes[i].defined_at,
                              fmt::format("duplicate provider '{}' (first defined at {})",
                                          book.provider_classes[i].name, where(book.provider_classes[j].defined_at))));
        break;
      }
    }
  }
  return ds;
}

Diagnostics validate_price_book(const PriceBook& book, const std::vector<std::string>& accelerator_keys) {
  Diagnostics ds;
  auto known = [&](const std::string& k) {
    return std::find(accelerator_keys.begin(), accelerator_keys.end(), k) != accelerator_keys.end();
  };
  for (const auto& o : book.offers) {
    if (!known(o.accelerator)) {
      ds.push_back(
          error_at(o.accelerator_at, fmt::format("offer '{}': unknown accelerator '{}'{}", o.key(), o.accelerator,
                                                 did_you_mean(o.accelerator, accelerator_keys))));
    }
  }
  for (const auto& p : book.purchases) {
    if (!known(p.accelerator)) {
      ds.push_back(error_at(p.accelerator_at, fmt::format("purchase price: unknown accelerator '{}'{}", p.accelerator,
                                                          did_you_mean(p.accelerator, accelerator_keys))));
    }
  }
  return ds;
}

}  // namespace xpu
