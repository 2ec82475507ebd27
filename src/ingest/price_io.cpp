// Reading and writing price-book entries (format: docs/data-format.md, "Prices").
#include "ingest/price_io.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "base/suggest.h"
#include "ingest/catalog_io.h"

namespace xpu {
namespace {

// A string of letters or a symbol that names a currency other than USD ("EUR", "€").
std::optional<std::string> foreign_currency(std::string_view unit) {
  for (std::string_view sym : {"€", "£", "¥"}) {
    if (unit.starts_with(sym)) return std::string(sym);
  }
  size_t n = 0;
  while (n < unit.size() && std::isupper(static_cast<unsigned char>(unit[n]))) ++n;
  if (n == 3 && unit.substr(0, 3) != "USD") return std::string(unit.substr(0, 3));
  return std::nullopt;
}

bool is_bare_number(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

// The unit part of "55.04 EUR/h" ("EUR/h"), or "" when there is none.
std::string_view unit_part(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.' || s[i] == '-' || s[i] == '+' ||
                          s[i] == 'e' || s[i] == ' ')) {
    ++i;
  }
  return s.substr(i);
}

// How to write `number` as a price of dimension `dim`.
std::string money_hint(std::string_view number, Dimension dim) {
  if (dim == Dimension::money) return fmt::format("'{} $'", number);
  return fmt::format("'{} $/h' per instance or '{} $/chip/h' per chip", number, number);
}

// Reads a money quantity with messages that speak of prices: a bare number,
// a foreign currency and a wrong dimension each get their own hint.
std::optional<ParsedQuantity> read_money(MapReader& r, std::string_view key, Dimension dim) {
  YAML::Node n = r.node(key, Need::optional);
  if (!n.IsDefined()) {
    r.node(key, Need::required);  // reports the missing field
    return std::nullopt;
  }
  if (!n.IsScalar()) {
    r.error(key, "must be a single value");
    return std::nullopt;
  }
  const std::string& text = n.Scalar();
  if (is_bare_number(text)) {
    r.error(key, fmt::format("'{}' has no unit; write it as {}", text, money_hint(text, dim)));
    return std::nullopt;
  }
  if (auto cur = foreign_currency(unit_part(text))) {
    r.error(key, fmt::format("'{}' is in {}; xpuplan prices are in US dollars: convert it and write it {}", text, *cur,
                             dim == Dimension::money ? "in '$'" : "in '$/h' (per instance) or '$/chip/h' (per chip)"));
    return std::nullopt;
  }
  return r.quantity(key, dim, Need::required, Sign::positive);
}

void read_currency(MapReader& r) {
  auto c = r.str("currency", Need::optional);
  if (c && *c != "USD" && *c != "$") {
    r.error("currency", fmt::format("'{}' is not supported; xpuplan prices are in US dollars (USD): convert the "
                                    "price and write 'currency: USD' or leave the field out",
                                    *c));
  }
}

void require_source(MapReader& r, const Provenance& p) {
  if (p.source.empty()) {
    r.error("has no source; add 'source:' (the pricing page or document the price comes from)");
  } else if (p.retrieved.empty()) {
    r.error("has no retrieval date; add 'retrieved: YYYY-MM-DD'");
  }
}

// A double-quoted YAML scalar: quotes and backslashes escaped, control
// characters as \xNN, so that any text reads back as itself.
std::string yaml_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A name as YAML: plain when it is a simple token ("p5.48xlarge", "us-east-1"), else quoted.
std::string yaml_name(const std::string& s) {
  const bool plain =
      !s.empty() && std::isalnum(static_cast<unsigned char>(s.front())) && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '/' || c == '+';
      });
  return plain ? s : yaml_quote(s);
}

}  // namespace

std::optional<Offer> read_offer(MapReader& r, std::vector<AcceleratorMention>* refused) {
  Offer o;
  o.defined_at = r.where();
  bool ok = true;
  if (auto s = r.str("provider"))
    o.provider = *s;
  else
    ok = false;
  if (auto s = r.str("region", Need::optional)) o.region = *s;
  if (auto s = r.str("instance"))
    o.instance = *s;
  else
    ok = false;
  r.set_what(fmt::format("offer '{}/{}/{}'", o.provider, o.region.empty() ? "any" : o.region, o.instance));
  if (auto s = r.str("accelerator")) {
    o.accelerator = *s;
    o.accelerator_at = r.where("accelerator");
  } else {
    ok = false;
  }
  if (auto c = r.integer("chips"))
    o.chips = static_cast<int>(*c);
  else
    ok = false;
  if (auto t = r.choice("term", term_names()))
    o.term = *parse_term(*t);
  else
    ok = false;
  if (auto c = r.choice("provider_class", provider_class_names(), Need::optional)) {
    o.provider_class = *parse_provider_class(*c);
    o.class_on_offer = true;
  }
  read_currency(r);
  auto price = read_money(r, "price", Dimension::money_rate);
  if (price && o.chips > 0) {
    DollarRate rate(price->si);
    o.price = price->per_chip ? rate * static_cast<double>(o.chips) : rate;
  } else {
    ok = false;
  }
  o.provenance = read_provenance(r, Provenance{});
  require_source(r, o.provenance);
  r.finish();
  if (!ok) {
    if (refused && !o.accelerator.empty()) refused->push_back({r.what(), o.accelerator, o.accelerator_at});
    return std::nullopt;
  }
  return o;
}

std::optional<PurchasePrice> read_purchase_price(MapReader& r, std::vector<AcceleratorMention>* refused) {
  PurchasePrice p;
  p.defined_at = r.where();
  bool ok = true;
  if (auto s = r.str("accelerator")) {
    p.accelerator = *s;
    p.accelerator_at = r.where("accelerator");
    r.set_what(fmt::format("purchase price of '{}'", p.accelerator));
  } else {
    ok = false;
  }
  read_currency(r);
  auto price = read_money(r, "price", Dimension::money);
  if (price)
    p.per_chip = Dollars(price->si);
  else
    ok = false;
  if (auto inc = r.choice("includes", {"chip", "system"}))
    p.includes_system = *inc == "system";
  else
    ok = false;
  p.provenance = read_provenance(r, Provenance{});
  require_source(r, p.provenance);
  r.finish();
  if (!ok) {
    if (refused && !p.accelerator.empty()) refused->push_back({"purchase price", p.accelerator, p.accelerator_at});
    return std::nullopt;
  }
  return p;
}

std::optional<ProviderInfo> read_provider(MapReader& r) {
  ProviderInfo p;
  p.defined_at = r.where();
  bool ok = true;
  if (auto s = r.str("name")) {
    p.name = *s;
    r.set_what(fmt::format("provider '{}'", p.name));
  } else {
    ok = false;
  }
  if (auto c = r.choice("class", provider_class_names()))
    p.provider_class = *parse_provider_class(*c);
  else
    ok = false;
  p.provenance = read_provenance(r, Provenance{});
  require_source(r, p.provenance);
  r.finish();
  if (!ok) return std::nullopt;
  return p;
}

PriceBook load_price_file(const std::string& path, Diagnostics& ds, std::vector<AcceleratorMention>* refused) {
  PriceBook book;
  auto root = load_yaml_file(path, ds);
  if (!root || root->IsNull()) return book;
  MapReader top(*root, path, ds, "price file");
  if (!top.ok()) return book;
  auto read = [&](std::string_view section, std::string_view what, auto fn, auto& out) {
    YAML::Node list = top.node(section);
    if (!list.IsDefined()) return;
    if (!list.IsSequence()) {
      top.error(section, fmt::format("must be a list of {} entries", what));
      return;
    }
    for (const auto& e : list) {
      MapReader r(e, path, ds, std::string(what));
      if (!r.ok()) continue;
      if (auto v = fn(r)) out.push_back(std::move(*v));
    }
  };
  read(
      "offers", "offer", [&](MapReader& r) { return read_offer(r, refused); }, book.offers);
  read(
      "purchase_prices", "purchase price", [&](MapReader& r) { return read_purchase_price(r, refused); },
      book.purchases);
  read("providers", "provider", read_provider, book.provider_classes);
  top.finish();
  return book;
}

std::string price_text(DollarRate rate) {
  double h = per_hour(rate);
  // Up to 6 decimals, trailing zeros dropped: 55.04, 1.34375, 0.968.
  // Below a millionth of a dollar, six significant digits instead (never "0 $/h").
  if (h > 0 && h < 1e-3) return fmt::format("{:.6g} $/h", h);
  std::string s = fmt::format("{:.6f}", h);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + " $/h";
}

std::string offers_to_yaml(const std::vector<Offer>& offers, const std::vector<std::string>& header) {
  std::string out;
  for (const auto& h : header) {
    if (!h.empty()) out += "# " + h + "\n";
  }
  out += "offers:\n";
  for (const auto& o : offers) {
    out += fmt::format("  - provider: {}\n", yaml_name(o.provider));
    if (!o.region.empty()) out += fmt::format("    region: {}\n", yaml_name(o.region));
    out += fmt::format("    instance: {}\n", yaml_name(o.instance));
    out += fmt::format("    accelerator: {}\n", yaml_name(o.accelerator));
    out += fmt::format("    chips: {}\n", o.chips);
    out += fmt::format("    term: {}\n", to_string(o.term));
    if (o.class_on_offer) out += fmt::format("    provider_class: {}\n", to_string(o.provider_class));
    out += fmt::format("    price: {}\n", price_text(o.price));
    out += fmt::format("    source: {}\n", yaml_quote(o.provenance.source));
    out += fmt::format("    retrieved: {}\n", yaml_name(o.provenance.retrieved));
    if (o.provenance.estimate) out += "    estimate: true\n";
    if (!o.provenance.note.empty()) out += fmt::format("    note: {}\n", yaml_quote(o.provenance.note));
  }
  return out;
}

}  // namespace xpu
