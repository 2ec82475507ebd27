// Reading portfolio files (docs/portfolio.md). Sections are read in the order
// their facts are needed (horizon, policy, sites, offers, workloads); the
// diagnostics are sorted by position at the end, so they read top to bottom.
#include "ingest/portfolio_io.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>

#include "base/suggest.h"
#include "cost/energy.h"
#include "ingest/model_io.h"
#include "ingest/portfolio_read.h"
#include "ingest/text_file.h"
#include "ingest/yaml_reader.h"
#include "perf/layout_rules.h"

namespace xpu {

Expected<double, std::string> parse_demand(std::string_view text, double output_len) {
  // The unit is the last word: "40 req/s", "1.2k req/s", "3000 tok/s".
  const size_t space = text.rfind(' ');
  if (space == std::string_view::npos) {
    return Unexpected{fmt::format("'{}' has no unit; write it as '{} req/s' or '{} tok/s'", text, text, text)};
  }
  std::string_view number = text.substr(0, space), unit = text.substr(space + 1);
  auto v = parse_count_text(number);
  if (!v) return Unexpected{fmt::format("expected a number with a unit such as '40 req/s', got '{}'", text)};
  if (unit == "req/s" || unit == "requests/s" || unit == "rps") return *v;
  if (unit == "tok/s" || unit == "tokens/s") return *v / output_len;
  return Unexpected{
      fmt::format("unknown unit '{}'; write requests per second ('req/s') or output tokens per second "
                  "('tok/s')",
                  unit)};
}

namespace detail {

std::optional<int> PortfolioReader::month(MapReader& r, std::string_view key, Need need) {
  auto s = r.str(key, need);
  if (!s) return std::nullopt;
  auto ym = parse_year_month(*s);
  if (!ym) {
    r.error(key, fmt::format("must be a month written YYYY-MM (e.g. 2027-03), got '{}'", *s));
    return std::nullopt;
  }
  return p.horizon.index_of(ym->first, ym->second);
}

std::optional<std::vector<int>> PortfolioReader::per_month_counts(MapReader& r, std::string_view key) {
  YAML::Node n = r.node(key, Need::required);
  if (!n.IsDefined()) return std::nullopt;
  const int H = p.horizon.months;
  auto one = [&](const YAML::Node& e, std::optional<int>& out) {
    long long v = 0;
    const std::string& s = e.IsScalar() ? e.Scalar() : std::string();
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    // 4294967296 chips were cast to 0, and the plan was "infeasible" silently
    // (usertrial5); one bound for every number past it, whatever its size (usertrial6).
    if (!e.IsScalar() || ec != std::errc() || ptr != s.data() + s.size() || v > kMaxChipsSized) {
      ds.push_back(error_at(location_of(file, e),
                            fmt::format("{}: {}: {}", r.what(), key,
                                        whole_number_problem(s, "chips", {kMaxChipsSized, "the most xpuplan sizes"}))));
      return;
    }
    if (v < 0) {
      ds.push_back(
          error_at(location_of(file, e), fmt::format("{}: {}: must be zero or positive, got {}", r.what(), key, v)));
      return;
    }
    out = static_cast<int>(v);
  };
  if (n.IsScalar()) {
    std::optional<int> v;
    one(n, v);
    if (!v) return std::nullopt;
    return std::vector<int>(std::max(0, H), *v);
  }
  if (!n.IsSequence()) {
    r.error(key, "must be a number of chips or a list with one per month");
    return std::nullopt;
  }
  std::vector<int> out;
  bool ok = true;
  for (const auto& e : n) {
    std::optional<int> v;
    one(e, v);
    ok &= v.has_value();
    out.push_back(v.value_or(0));
  }
  if (static_cast<int>(out.size()) != H) {
    r.error(key, fmt::format("lists {} months; the horizon has {}", out.size(), H));
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<double> PortfolioReader::share(MapReader& r, std::string_view key) {
  auto v = r.number(key, Need::optional, Sign::any);
  if (!v) return std::nullopt;
  if (*v < 0 || *v > 1) {
    r.error(key, fmt::format("must be between 0 and 1, got {}", r.str(key).value_or("")));
    return std::nullopt;
  }
  return v;
}

void PortfolioReader::read_horizon(MapReader& root) {
  auto h = root.map("horizon", Need::required, "horizon");
  if (!h) return;
  if (auto s = h->str("start")) {
    if (auto ym = parse_year_month(*s)) {
      p.horizon.start_year = ym->first;
      p.horizon.start_month = ym->second;
    } else {
      h->error("start", fmt::format("must be a month written YYYY-MM (e.g. 2027-01), got '{}'", *s));
    }
  }
  if (auto m = h->integer("months")) {
    if (*m > 120) {
      h->error("months", fmt::format("at most 120 months are planned, got {}", *m));
    } else {
      p.horizon.months = static_cast<int>(*m);
    }
  }
  h->finish();
}

// The same checks validate_portfolio makes (planner/portfolio.cpp), located
// at the policy's keys; it runs only on a portfolio read without errors.
void PortfolioReader::check_vendor_policy() {
  const Policy& pol = p.policy;
  const size_t vendors = p.vendors().size();
  if (min_vendors_at && !offer_dropped && pol.min_vendors > static_cast<int>(vendors)) {
    ds.push_back(error_at(*min_vendors_at, fmt::format("policy: min_vendors: is {} but the offers come from {} "
                                                       "vendor(s)",
                                                       pol.min_vendors, vendors)));
  }
  if ((min_vendors_at || min_vendor_share_at) && pol.min_vendors > 1 &&
      pol.min_vendor_share * pol.min_vendors > 1 + 1e-12) {
    ds.push_back(error_at(min_vendor_share_at ? *min_vendor_share_at : *min_vendors_at,
                          fmt::format("policy: {} vendors with at least {} each is more than the whole",
                                      pol.min_vendors, pol.min_vendor_share)));
  }
}

void PortfolioReader::read_policy(MapReader& root) {
  auto r = root.map("policy", Need::optional, "policy");
  if (!r) return;
  Policy& pol = p.policy;
  if (auto v = share(*r, "max_vendor_share")) pol.max_vendor_share = *v;
  if (auto v = share(*r, "max_provider_share")) pol.max_provider_share = *v;
  if (auto v = r->integer("min_vendors", Need::optional, Sign::positive)) {
    pol.min_vendors = static_cast<int>(*v);
    min_vendors_at = r->where("min_vendors");
  }
  if (auto v = share(*r, "min_vendor_share")) {
    pol.min_vendor_share = *v;
    min_vendor_share_at = r->where("min_vendor_share");
  }
  if (auto v = r->get<Dollars>("budget", Need::optional)) pol.budget = *v;
  if (auto v = r->get<Dollars>("engineer_week", Need::optional)) engineer_week = *v;
  if (auto v = r->choice("objective", {"cost", "lateness"}, Need::optional)) {
    pol.objective = *v == "cost" ? Objective::cost : Objective::lateness;
    if (pol.objective == Objective::lateness && !r->has("budget")) {
      r->error("objective", "'lateness' needs a budget: add 'budget:' (the plan is the least late within it)");
    }
  }
  if (auto v = r->number("load_factor", Need::optional)) {
    if (*v > 1.5) {
      r->error("load_factor", fmt::format("must be at most 1.5 (average draw over TDP), got {}", *v));
    } else {
      pol.load_factor = *v;
    }
  }
  if (auto v = r->number("move_egress_per_gb", Need::optional, Sign::non_negative)) {
    if (*v < 0 || *v > 100) {
      r->error("move_egress_per_gb", fmt::format("must be between 0 and 100 ($ per GB), got {}", *v));
    } else {
      pol.move_egress_per_gb = *v;
    }
  }
  if (auto v = r->number("move_gbps", Need::optional)) {
    if (!(*v > 0) || *v > 1e6) {
      r->error("move_gbps", fmt::format("must be more than 0 and at most 1e6 (Gbit/s), got {}", *v));
    } else {
      pol.move_gbps = *v;
    }
  }
  if (auto rob = r->map("robustness", Need::optional, "policy: robustness")) {
    Robustness x;
    bool ok = true;
    if (auto v = share(*rob, "capacity_loss"); v && *v > 0) {
      x.loss = *v;
    } else {
      if (!rob->has("capacity_loss")) rob->node("capacity_loss", Need::required);
      if (v && *v <= 0) rob->error("capacity_loss", "must be more than 0");
      ok = false;
    }
    if (auto m = month(*rob, "from")) {
      if (*m < 0 || *m >= p.horizon.months) {
        rob->error("from", fmt::format("{} is outside the horizon {}..{}", p.horizon.label(*m), p.horizon.label(0),
                                       p.horizon.label(p.horizon.months - 1)));
        ok = false;
      }
      x.from = *m;
    } else {
      ok = false;
    }
    if (auto v = rob->number("max_delay", Need::optional, Sign::non_negative)) x.max_delay = *v;
    rob->finish();
    if (ok) pol.robustness = x;
  }
  r->finish();
}

void PortfolioReader::read_sites(MapReader& root) {
  YAML::Node n = root.node("sites", Need::optional);
  if (!n.IsDefined()) return;
  if (!n.IsSequence()) {
    root.error("sites", "must be a list of sites");
    return;
  }
  UniqueNames seen;
  for (const auto& e : n) {
    MapReader r(e, file, ds, "site");
    if (!r.ok()) continue;
    Site s;
    s.defined_at = r.where();
    if (auto v = r.str("name")) {
      s.name = *v;
      r.set_what(fmt::format("site '{}'", s.name));
      seen.add(r, "name", s.name);
    }
    if (auto v = r.get<Watts>("power")) s.budget = *v;
    if (auto v = r.number("pue", Need::optional)) {
      if (*v < 1) {
        r.error("pue", fmt::format("must be at least 1 (facility power over IT power), got {}", *v));
      } else {
        s.pue = *v;
      }
    }
    r.allow({"note", "source"});
    r.finish();
    p.sites.push_back(std::move(s));
  }
  std::sort(p.sites.begin(), p.sites.end(), [](const Site& a, const Site& b) { return a.name < b.name; });
}

}  // namespace detail

Portfolio parse_portfolio(const std::string& text, const std::string& name, const DataSet& data, Diagnostics& ds,
                          const std::string& base_dir) {
  detail::PortfolioReader pr{data, ds, name, base_dir, {}, {}};
  auto root = parse_yaml_text(text, name, ds);
  if (!root) return {};
  MapReader r(*root, name, ds, "portfolio");
  if (!r.ok()) return {};
  if (auto n = r.str("name", Need::optional)) pr.p.name = *n;
  const size_t before = ds.size();
  pr.read_horizon(r);
  if (has_errors(Diagnostics(ds.begin() + static_cast<long>(before), ds.end()))) {
    r.allow({"policy", "sites", "offers", "workloads", "risks"});
    r.finish();
    return {};
  }
  pr.read_policy(r);
  pr.read_sites(r);
  pr.read_offers(r);
  pr.read_workloads(r);
  pr.check_vendor_policy();
  r.allow({"risks"});  // for `xpuplan simulate` (ingest/risks_io.h parse_portfolio_risks); the planner ignores it
  r.finish();
  if (!has_errors(ds)) {
    for (Diagnostic& d : validate_portfolio(pr.p)) {
      if (d.where.file.empty()) d.where.file = name;
      ds.push_back(std::move(d));
    }
  }
  std::stable_sort(ds.begin(), ds.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) < std::tie(b.where.file, b.where.line, b.where.column);
  });
  return std::move(pr.p);
}

Portfolio read_portfolio(const std::string& path, const DataSet& data, Diagnostics& ds) {
  const std::optional<std::string> text = read_text_file(path, ds);
  if (!text) return {};
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return parse_portfolio(*text, path, data, ds, dir.empty() ? "." : dir);
}

Portfolio load_portfolio(const std::string& path, const DataSet& data) {
  Diagnostics ds;
  Portfolio p = read_portfolio(path, data, ds);
  if (has_errors(ds)) throw InputError(std::move(ds));
  return p;
}

}  // namespace xpu
