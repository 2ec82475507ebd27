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

struct Offer {
  std::string provider;     // "aws", "gcp", "azure", "oci", or any other seller
  std::string region;       // "us-east-1"; empty when the price holds in every region
  std::string instance;     // "p5.48xlarge", "a3-megagpu-8g", "v5p-8", "trn2u-ultraserver"
  std::string accelerator;  // catalog key of its chip
  int chips = 0;            // accelerators in one instance
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
};

struct PriceBook {
  std::vector<Offer> offers;             // sorted by key()
  std::vector<PurchasePrice> purchases;  // sorted by accelerator

  // Offers matching `f`, in key order.
  std::vector<const Offer*> find(const OfferFilter& f) const;
  const Offer* find_key(std::string_view key) const;
  // The offer with the lowest price per chip-hour for `accelerator` under
  // `term` (in any region unless `region` is given), or null. Ties go to the
  // smaller key, so the answer is deterministic.
  const Offer* best_price(std::string_view accelerator, Term term, std::string_view region = "") const;
  const PurchasePrice* purchase_price(std::string_view accelerator) const;
  // Accelerator keys with at least one offer, sorted.
  std::vector<std::string> priced_accelerators() const;
  // Providers, regions with at least one offer, sorted (for suggestions).
  std::vector<std::string> providers() const;
  std::vector<std::string> regions() const;
};

// Sorts offers by key and purchases by accelerator (stable: the order given breaks ties).
void sort_price_book(PriceBook& book);

// Adds `overlay` to `base`: an offer (or purchase price) with a key already in
// `base` replaces it and leaves a note naming both places. Within `overlay`
// the first of a repeated key wins (check_unique_prices() reports the repeat).
// Keeps both lists sorted.
Diagnostics merge_price_book(PriceBook& base, PriceBook overlay);

// Offers (or purchase prices) given twice in one layer (one directory): errors naming both places.
Diagnostics check_unique_prices(const PriceBook& book);

// Offers and purchase prices must name catalog accelerators (with a suggestion).
Diagnostics validate_price_book(const PriceBook& book, const std::vector<std::string>& accelerator_keys);

}  // namespace xpu
