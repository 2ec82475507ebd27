// What compute costs to buy: offers (an instance, TPU slice or system at a
// provider, in a region, under a purchase term, at a price) and hardware
// purchase prices for owned fleets. All money is US dollars.
//
// An offer's price is per instance-hour; the per-chip-hour price is derived.
// Offers are identified by (provider, region, instance, term); a user's price
// file replaces a shipped offer with the same identity.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"
#include "base/units.h"
#include "catalog/provenance.h"

namespace xpu {

// How an offer is bought.
enum class Term : unsigned char {
  on_demand,       // pay per second of use, no commitment
  spot,            // interruptible spare capacity, pay per second of use
  commit_1y,       // 1-year commitment (Savings Plan, RI, CUD): billed every hour of the year
  commit_3y,       // 3-year commitment: billed every hour of the three years
  capacity_block,  // reserved block of days or weeks (EC2 Capacity Blocks), paid up front for the block
};
inline constexpr int kTermCount = 5;
inline constexpr Term kAllTerms[kTermCount] = {Term::on_demand, Term::spot, Term::commit_1y, Term::commit_3y,
                                               Term::capacity_block};

// "on-demand", "spot", "1y", "3y", "capacity-block" (as written in data files and on the command line).
std::string_view to_string(Term t);
std::optional<Term> parse_term(std::string_view s);
std::vector<std::string> term_names();

// How long a commitment bills whether used or not (365 and 3 x 365 days);
// zero for pay-as-you-go terms (on-demand, spot, capacity blocks).
Seconds commitment_length(Term t);

// What kind of seller an offer comes from. Prices differ by class for the same
// chip (a neocloud's GPU-hour is often a fraction of a hyperscaler's), so a
// ranking across vendors is like for like only within one class.
enum class ProviderClass : unsigned char {
  unclassified,  // the provider has no class in any `providers:` section
  hyperscaler,   // a general-purpose public cloud (AWS, Google Cloud, Azure, Oracle)
  neocloud,      // a GPU-first cloud built for AI workloads (CoreWeave, Lambda, TensorWave, ...)
  other,         // any other seller a user classifies (a regional cloud, a marketplace, a colocation deal)
};
// "unclassified", "hyperscaler", "neocloud", "other".
std::string_view to_string(ProviderClass c);
std::optional<ProviderClass> parse_provider_class(std::string_view s);
// The classes a data file may assign: hyperscaler, neocloud, other.
std::vector<std::string> provider_class_names();

// One seller and its class (a `providers:` entry).
struct ProviderInfo {
  std::string name;  // as offers spell `provider:`
  ProviderClass provider_class = ProviderClass::other;
  Provenance provenance;
  SourceLocation defined_at;
};

struct Offer {
  std::string provider;  // "aws", "gcp", "azure", "oci", or any other seller
  // The provider's class: from the offer's own `provider_class:` when given,
  // else from the `providers:` entry (classify_offers()).
  ProviderClass provider_class = ProviderClass::unclassified;
  bool class_on_offer = false;  // `provider_class:` was written on the offer itself
  std::string region;           // "us-east-1"; empty when the price holds in every region
  std::string instance;         // "p5.48xlarge", "a3-megagpu-8g", "v5p-8", "trn2u-ultraserver"
  std::string accelerator;      // catalog key of its chip
  int chips = 0;                // accelerators in one instance
  Term term = Term::on_demand;
  DollarRate price;  // per instance-hour (stored in $/s; see per_hour())
  Provenance provenance;
  SourceLocation defined_at;      // the entry
  SourceLocation accelerator_at;  // where `accelerator:` was written, for errors

  // Price of one chip for one hour of this offer (price / chips).
  DollarRate price_per_chip() const { return chips > 0 ? price / static_cast<double>(chips) : DollarRate(); }
  // "aws/us-east-1/p5.48xlarge/on-demand": the identity a user's file overrides.
  std::string key() const;
};

// What an owned accelerator costs to buy, for capex amortization.
struct PurchasePrice {
  std::string accelerator;       // catalog key
  Dollars per_chip;              // purchase price per chip
  bool includes_system = false;  // true: a server/rack share (CPUs, NICs, switches); false: the chip alone
  Provenance provenance;
  SourceLocation defined_at;
  SourceLocation accelerator_at;
};

// Which offers to list; empty fields match everything.
struct OfferFilter {
  std::string accelerator;
  std::string provider;
  std::string region;
  std::optional<Term> term;
  std::optional<ProviderClass> provider_class;
};

struct PriceBook {
  std::vector<Offer> offers;                   // sorted by key()
  std::vector<PurchasePrice> purchases;        // sorted by accelerator
  std::vector<ProviderInfo> provider_classes;  // `providers:` entries, sorted by name

  // Offers matching `f`, in key order.
  std::vector<const Offer*> find(const OfferFilter& f) const;
  const Offer* find_key(std::string_view key) const;
  // The offer with the lowest price per chip-hour for `accelerator` under
  // `term` (in any region unless `region` is given), or null. Ties go to the
  // smaller key, so the answer is deterministic.
  const Offer* best_price(std::string_view accelerator, Term term, std::string_view region = "") const;
  const PurchasePrice* purchase_price(std::string_view accelerator) const;
  const ProviderInfo* provider_info(std::string_view name) const;
  // Accelerator keys with at least one offer, sorted.
  std::vector<std::string> priced_accelerators() const;
  // Providers, regions with at least one offer, sorted (for suggestions).
  std::vector<std::string> providers() const;
  std::vector<std::string> regions() const;
};

// Sets each offer's provider_class from `provider_classes` (an offer's own
// `provider_class:` wins). Offers of a provider with no class anywhere are
// 'unclassified', which reports show as such.
void classify_offers(PriceBook& book);

// Sorts offers by key and purchases by accelerator (stable: the order given breaks ties).
void sort_price_book(PriceBook& book);

// Adds `overlay` to `base`: an offer (or purchase price) with a key already in
// `base` replaces it and leaves a note naming both places. Within `overlay`
// the first of a repeated key wins (check_unique_prices() reports the repeat).
// Keeps both lists sorted.
Diagnostics merge_price_book(PriceBook& base, PriceBook overlay);

// Offers, purchase prices (or providers) given twice in one layer (one directory): errors naming both places.
Diagnostics check_unique_prices(const PriceBook& book);

// Offers and purchase prices must name catalog accelerators (with a suggestion).
Diagnostics validate_price_book(const PriceBook& book, const std::vector<std::string>& accelerator_keys);

}  // namespace xpu
