// xpuplan prices [--accelerator A] [--provider P] [--term T] [--region R] [--json]
// xpuplan prices purchase [--json]
// xpuplan prices import aws|gcp FILE.csv --retrieved DATE [--summary] [...]
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <ostream>
#include <sstream>

#include "base/suggest.h"
#include "cli/command.h"
#include "ingest/price_import.h"
#include "ingest/price_io.h"
#include "report/json_out.h"
#include "report/table.h"

namespace xpu::cli {
namespace {

struct PricesOptions {
  OfferFilter filter;
  std::string term;
  bool json = false;
  bool purchase_json = false;
  // import
  std::string format;
  std::string file;
  ImportOptions import;
  bool summary = false;
};

// The regions kept by `prices import --summary` (the shipped book): the
// main US region of each provider plus one in Europe.
const std::vector<std::string> kSummaryRegions{"us-east-1", "us-east-2", "us-west-2",   "us-central1",
                                               "us-east4",  "us-east5",  "europe-west4"};

[[noreturn]] void bad_flag(const std::string& flag, const std::string& message) {
  throw InputError({error_at({"", 0, 0, flag}, message)});
}

void check_filter(const PricesOptions& o, const DataSet& data) {
  const PriceBook& book = data.prices;
  if (!o.filter.accelerator.empty() && data.catalog.find_accelerator(o.filter.accelerator) == nullptr) {
    auto keys = data.catalog.accelerator_keys();
    bad_flag("--accelerator",
             fmt::format("unknown accelerator '{}'{}", o.filter.accelerator, did_you_mean(o.filter.accelerator, keys)));
  }
  auto providers = book.providers();
  if (!o.filter.provider.empty() &&
      std::find(providers.begin(), providers.end(), o.filter.provider) == providers.end()) {
    bad_flag("--provider",
             fmt::format("no offers from provider '{}'{}; providers in the price book: {}", o.filter.provider,
                         did_you_mean(o.filter.provider, providers), fmt::join(providers, ", ")));
  }
  auto regions = book.regions();
  if (!o.filter.region.empty() && std::find(regions.begin(), regions.end(), o.filter.region) == regions.end()) {
    bad_flag("--region",
             fmt::format("no offers in region '{}'{}", o.filter.region, did_you_mean(o.filter.region, regions)));
  }
}

int term_rank(Term t) {
  for (int i = 0; i < kTermCount; ++i) {
    if (kAllTerms[i] == t) return i;
  }
  return kTermCount;
}

int list_offers(PricesOptions o, RunState& st) {
  if (!o.term.empty()) {
    o.filter.term = parse_term(o.term);
    if (!o.filter.term) {
      bad_flag("--term", fmt::format("unknown term '{}'{}; terms: {}", o.term, did_you_mean(o.term, term_names()),
                                     fmt::join(term_names(), ", ")));
    }
  }
  DataSet data = load_data_for(st);
  check_filter(o, data);
  std::vector<const Offer*> shown = data.prices.find(o.filter);
  // Cheapest first within an accelerator and term; the key breaks ties.
  std::stable_sort(shown.begin(), shown.end(), [](const Offer* a, const Offer* b) {
    return std::make_tuple(a->accelerator, term_rank(a->term), a->price_per_chip(), a->key()) <
           std::make_tuple(b->accelerator, term_rank(b->term), b->price_per_chip(), b->key());
  });
  if (o.json) {
    Json arr = Json::array();
    for (const Offer* x : shown) arr.push_back(to_json(*x));
    st.io.out << dump_canonical(Json{{"offers", arr}});
    return 0;
  }
  if (shown.empty()) {
    st.io.out << "No offers match. 'xpuplan prices' lists them all; data/prices/README.md says which accelerators "
                 "have no public price and why.\n";
    return 0;
  }
  TextTable t;
  t.header = {"provider", "region", "instance", "accelerator", "chips", "term", "$/h", "$/chip-h", "date", "est"};
  t.right_align = {false, false, false, false, true, false, true, true, false, false};
  for (const Offer* x : shown) {
    t.rows.push_back({x->provider, x->region.empty() ? "any" : x->region, x->instance, x->accelerator,
                      std::to_string(x->chips), std::string(to_string(x->term)),
                      fmt::format("{:.2f}", per_hour(x->price)), fmt::format("{:.3f}", per_hour(x->price_per_chip())),
                      x->provenance.retrieved, x->provenance.estimate ? "*" : ""});
  }
  st.io.out << render(t);
  st.io.out << fmt::format(
      "{} offers. * = estimate (see its note: 'xpuplan prices --json'). 1y/3y prices bill every hour of the term.\n",
      shown.size());
  return 0;
}

int list_purchases(const PricesOptions& o, RunState& st) {
  DataSet data = load_data_for(st);
  if (o.purchase_json) {
    Json arr = Json::array();
    for (const auto& p : data.prices.purchases) arr.push_back(to_json(p));
    st.io.out << dump_canonical(Json{{"purchase_prices", arr}});
    return 0;
  }
  TextTable t;
  t.header = {"accelerator", "$/chip", "includes", "date", "est", "source"};
  t.right_align = {false, true, false, false, false, false};
  for (const auto& p : data.prices.purchases) {
    t.rows.push_back({p.accelerator, fmt::format("{:.0f}", p.per_chip.si()), p.includes_system ? "system" : "chip",
                      p.provenance.retrieved, p.provenance.estimate ? "*" : "", p.provenance.source});
  }
  st.io.out << render(t);
  st.io.out << "Purchase prices feed --owned cost estimates (capex amortization). * = estimate.\n";
  return 0;
}

int run_import(PricesOptions o, RunState& st) {
  CatalogFormat format = o.format == "aws" ? CatalogFormat::aws : CatalogFormat::gcp;
  if (o.summary) {
    o.import.regions = kSummaryRegions;
    o.import.smallest_slice_only = true;
  }
  ImportResult r = import_skypilot_csv(o.file, format, o.import);
  if (has_errors(r.diagnostics)) throw InputError(std::move(r.diagnostics));
  if (!st.global.quiet) st.io.err << format_diagnostics(r.diagnostics);
  int excluded = 0;
  std::string counts;
  for (const auto& [rule, n] : r.excluded) {
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", rule, n);
    excluded += n;
  }
  st.io.err << fmt::format("{}: {} rows read, {} offers written, {} prices excluded{}{}\n", o.file, r.rows,
                           r.offers.size(), excluded, counts.empty() ? "" : ": ", counts);
  std::vector<std::string> header{fmt::format("Generated by: xpuplan prices import {} {} --retrieved {}{}", o.format,
                                              o.file, o.import.retrieved, o.summary ? " --summary" : ""),
                                  o.import.note.empty() ? std::string() : fmt::format("  --note \"{}\"", o.import.note),
                                  "Edit the generator, not this file: see data/prices/README.md."};
  st.io.out << offers_to_yaml(r.offers, header);
  return 0;
}

}  // namespace

void setup_prices(CLI::App& app, RunState& st) {
  auto o = std::make_shared<PricesOptions>();
  CLI::App* cmd = app.add_subcommand("prices", "List the price book: offers by provider, region and purchase term");
  cmd->add_option("--accelerator", o->filter.accelerator, "Only this accelerator, e.g. h100-sxm");
  cmd->add_option("--provider", o->filter.provider, "Only this provider (aws, gcp, azure, oci, ...)");
  cmd->add_option("--term", o->term, "Only this term: on-demand, spot, 1y, 3y, capacity-block");
  cmd->add_option("--region", o->filter.region, "Only this region, e.g. us-east-1");
  cmd->add_flag("--json", o->json, "Print JSON instead of a table");
  cmd->footer(
      "Examples:\n"
      "  xpuplan prices --accelerator h100-sxm --term on-demand\n"
      "  xpuplan prices --provider gcp --json\n"
      "  xpuplan prices purchase\n"
      "  xpuplan prices import gcp vms.csv --retrieved 2026-11-26 --summary > gcp.yaml\n"
      "A user's price file (--prices FILE, or an 'offers:' section under --catalog DIR) replaces\n"
      "shipped offers with the same provider/region/instance/term.");

  CLI::App* purchase = cmd->add_subcommand("purchase", "List hardware purchase prices (for --owned estimates)");
  purchase->add_flag("--json", o->purchase_json, "Print JSON");

  CLI::App* imp = cmd->add_subcommand(
      "import", "Clean a raw SkyPilot catalog CSV into offers (YAML on stdout, excluded rows on stderr)");
  imp->add_option("PROVIDER", o->format, "aws or gcp (the CSV's column set)")
      ->required()
      ->check(CLI::IsMember({"aws", "gcp"}));
  imp->add_option("FILE", o->file, "SkyPilot vms.csv (schema v8)")->required()->check(CLI::ExistingFile);
  imp->add_option("--retrieved", o->import.retrieved, "Date the snapshot was taken or read (YYYY-MM-DD)")
      ->required()
      ->check(CLI::Validator(
          [](std::string& s) {
            bool ok = s.size() == 10 && s[4] == '-' && s[7] == '-' &&
                      std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(c) || c == '-'; });
            return ok ? std::string() : std::string("must be a date YYYY-MM-DD");
          },
          "DATE"));
  imp->add_option("--note", o->import.note, "Text added to every offer's note (e.g. the snapshot's commit)");
  imp->add_flag("--summary", o->summary,
                "Keep the main regions (us-east-1/2, us-west-2, us-central1, us-east4/5, europe-west4; else the "
                "cheapest) and the smallest TPU slice");
  imp->add_option("--outlier-ratio", o->import.outlier_ratio,
                  "Drop a region priced this many times the median of the others (or 1/x of it)")
      ->capture_default_str()
      ->check(CLI::Range(1.01, 100.0));
  imp->add_option("--gap-ratio", o->import.gap_ratio,
                  "Drop the lower of two regional price groups at least this far apart")
      ->capture_default_str()
      ->check(CLI::Range(1.01, 100.0));

  purchase->callback([o, &st] { st.exit_code = list_purchases(*o, st); });
  imp->callback([o, &st] { st.exit_code = run_import(*o, st); });
  cmd->callback([o, &st, purchase, imp] {
    if (purchase->parsed() || imp->parsed()) return;
    st.exit_code = list_offers(*o, st);
  });
}

}  // namespace xpu::cli
