// Reading risk files (docs/simulate.md). Each section is a list of entries;
// a field with a problem is reported at its value and left at a harmless
// default, so validate_risks (sim) adds only the cross-checks (names against
// the input's pools, months against its horizon) without repeating it.
#include "ingest/risks_io.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "ingest/number_text.h"
#include "ingest/sim_read.h"
#include "ingest/text_file.h"
#include "ingest/yaml_reader.h"

namespace xpu {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct RisksReader {
  const SimInput& in;
  std::string file;
  Diagnostics& ds;
  Risks out;

  // One of vendor/provider/accelerator/pool (none = every pool).
  Target target(MapReader& r) {
    Target t;
    t.at = r.where();
    int given = 0;
    for (const Scope s : {Scope::vendor, Scope::provider, Scope::accelerator, Scope::pool}) {
      const std::string key(to_string(s));
      if (auto v = r.str(key, Need::optional)) {
        if (++given > 1) {
          r.error(key, "give only one of vendor, provider, accelerator, pool");
          continue;
        }
        t.scope = s;
        t.name = *v;
        t.at = r.where(key);
      }
    }
    return t;
  }

  std::optional<int> month(MapReader& r, std::string_view key) { return detail::read_month(r, key, in.horizon); }

  // `v` unless it exceeds `limit` (then an error at the key and nullopt).
  static std::optional<double> at_most(MapReader& r, std::string_view key, std::optional<double> v, double limit,
                                       const char* what) {
    if (v && *v > limit) {
      r.error(key, fmt::format("must be {}, got {}", what, r.str(key).value_or("")));
      return std::nullopt;
    }
    return v;
  }

  std::optional<double> fraction(MapReader& r, std::string_view key, Need need = Need::required) {
    auto v = r.number(key, need, Sign::any);
    if (v && (*v < 0 || *v > 1)) {
      r.error(key, fmt::format("must be between 0 and 1, got {}", r.str(key).value_or("")));
      return std::nullopt;
    }
    return v;
  }

  // A number (fractions) or a time ("30 days"), as one value of a distribution.
  std::optional<double> scalar(const YAML::Node& n, const std::string& what, bool is_time) {
    const std::string& s = n.IsScalar() ? n.Scalar() : std::string();
    if (!n.IsScalar()) {
      ds.push_back(error_at(location_of(file, n), fmt::format("{}: expected a single value", what)));
      return std::nullopt;
    }
    if (is_time) {
      auto q = parse_quantity<Seconds>(s);
      if (!q) {
        SourceLocation at = location_of(file, n);
        at.column += q.error().offset;
        ds.push_back(error_at(at, fmt::format("{}: {}", what, q.error().message)));
        return std::nullopt;
      }
      return q->si();
    }
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v)) {
      ds.push_back(error_at(location_of(file, n), fmt::format("{}: {}", what, number_problem(s))));
      return std::nullopt;
    }
    return v;
  }

  // fixed: a value; {uniform: [a, b]}; {triangular: [min, mode, max]};
  // {exponential: mean}; {lognormal: {median: m, sigma: s}}. Fractions (lo..hi)
  // or times (non-negative seconds).
  std::optional<Distribution> distribution(MapReader& r, std::string_view key, bool is_time, double lo, double hi) {
    YAML::Node n = r.node(key, Need::required);
    if (!n.IsDefined()) return std::nullopt;
    const std::string what = fmt::format("{}: {}", r.what(), key);
    std::optional<Distribution> d;
    if (n.IsScalar()) {
      if (auto v = scalar(n, what, is_time)) d = Distribution::fixed_at(*v);
    } else if (n.IsMap() && n.size() == 1) {
      const std::string kind = n.begin()->first.Scalar();
      const YAML::Node args = n.begin()->second;  // a copy: the iterator's pair is a temporary
      auto list = [&](size_t count) -> std::optional<std::vector<double>> {
        if (!args.IsSequence() || args.size() != count) {
          ds.push_back(
              error_at(location_of(file, args), fmt::format("{}: {} takes a list of {} values", what, kind, count)));
          return std::nullopt;
        }
        std::vector<double> v;
        for (const auto& e : args) {
          auto x = scalar(e, what, is_time);
          if (!x) return std::nullopt;
          v.push_back(*x);
        }
        return v;
      };
      if (kind == "uniform") {
        if (auto v = list(2)) d = Distribution{Distribution::Kind::uniform, (*v)[0], (*v)[1], 0};
      } else if (kind == "triangular") {
        if (auto v = list(3)) d = Distribution{Distribution::Kind::triangular, (*v)[0], (*v)[1], (*v)[2]};
      } else if (kind == "exponential") {
        if (auto v = scalar(args, what, is_time)) d = Distribution{Distribution::Kind::exponential, *v, 0, 0};
      } else if (kind == "lognormal") {
        MapReader m(args, file, ds, what + ": lognormal");
        std::optional<double> median;
        if (is_time) {
          if (auto t = m.get<Seconds>("median")) median = t->si();
        } else {
          median = m.number("median", Need::required, Sign::positive);
        }
        auto sigma = m.number("sigma", Need::required, Sign::non_negative);
        m.finish();
        if (median && sigma) d = Distribution{Distribution::Kind::lognormal, *median, *sigma, 0};
      } else {
        ds.push_back(error_at(location_of(file, n.begin()->first),
                              fmt::format("{}: unknown distribution '{}'; use a value, uniform, triangular, "
                                          "exponential or lognormal",
                                          what, kind)));
      }
    } else {
      r.error(key, "must be a value or one distribution, e.g. {uniform: [0.1, 0.5]}");
    }
    if (!d) return std::nullopt;
    const bool ordered = (d->kind != Distribution::Kind::uniform || d->a <= d->b) &&
                         (d->kind != Distribution::Kind::triangular || (d->a <= d->b && d->b <= d->c));
    if (!ordered) {
      r.error(key, "bounds must be in increasing order");
      return std::nullopt;
    }
    if (d->lowest() < lo || d->highest() > hi) {
      // With the value past the bound, as the scripted shocks say it
      // ("depth: 1.5" was "must lie between 0 and 1"; usertrial6).
      const double past = d->lowest() < lo ? d->lowest() : d->highest();
      const bool fixed = d->kind == Distribution::Kind::fixed;
      const std::string value = fixed && n.IsScalar() ? n.Scalar() : fmt::format("{:g}{}", past, is_time ? " s" : "");
      r.error(key, fmt::format("{}, {} {}",
                               is_time ? std::string("must be zero or positive")
                                       : fmt::format("must be between {:g} and {:g}", lo, hi),
                               fixed ? "got" : "its range reaches", value));
      return std::nullopt;
    }
    return d;
  }

  std::optional<Seconds> time(MapReader& r, std::string_view key, Need need = Need::required) {
    return r.get<Seconds>(key, need, Sign::non_negative);
  }

  // Each entry of list `key`: its optional name and source, then one(r, name).
  template <class F>
  void each(MapReader& root, std::string_view key, std::string_view entry, F one) {
    UniqueNames names;  // two shocks under one name read as two, reported as one (usertrial3)
    detail::read_each(root, key, entry, [&](MapReader& r) {
      std::string name = r.str("name", Need::optional).value_or("");
      if (!name.empty()) r.set_what(fmt::format("{} '{}'", entry, name));
      names.add(r, "name", name);
      one(r, std::move(name));
      r.str("source", Need::optional);
    });
  }

  void read(MapReader& root) {
    each(root, "shocks", "shock", [&](MapReader& r, std::string name) {
      ShockRule s{.name = std::move(name), .at = r.where()};
      s.target = target(r);
      s.per_year = at_most(r, "per_year", r.number("per_year", Need::required, Sign::non_negative), 10000,
                           "at most 10,000 events a year")
                       .value_or(0);
      s.depth = distribution(r, "depth", false, 0, 1).value_or(Distribution{});
      s.duration = distribution(r, "duration", true, 0, kInf).value_or(Distribution{});
      s.source = r.str("source", Need::optional).value_or("");
      out.shocks.push_back(std::move(s));
    });
    each(root, "scripted", "scripted shock", [&](MapReader& r, std::string name) {
      ScriptedShock s{.name = std::move(name), .at = r.where()};
      s.target = target(r);
      s.depth = fraction(r, "depth").value_or(0);
      if (auto m = month(r, "from")) {
        s.from = *m;
        s.at = r.where("from");
      }
      if (r.has("months") == r.has("duration")) {
        r.error("give either months or a duration");
        s.months = 1;
      } else if (r.has("months")) {
        s.months = static_cast<int>(r.integer("months", Need::required, Sign::positive).value_or(1));
      } else {
        s.duration = r.get<Seconds>("duration", Need::required, Sign::positive).value_or(Seconds(1));
      }
      s.source = r.str("source", Need::optional).value_or("");
      out.scripted.push_back(std::move(s));
    });
    each(root, "late_deliveries", "late delivery", [&](MapReader& r, std::string name) {
      LateDeliveryRule l{.name = std::move(name), .at = r.where()};
      l.target = target(r);
      l.probability = fraction(r, "probability").value_or(0);
      l.delay = distribution(r, "delay", true, 0, kInf).value_or(Distribution{});
      l.source = r.str("source", Need::optional).value_or("");
      out.late.push_back(std::move(l));
    });
    each(root, "spot", "spot", [&](MapReader& r, std::string name) {
      SpotRule s{.name = std::move(name), .at = r.where()};
      s.target = target(r);
      s.mean_up = r.get<Seconds>("up", Need::required, Sign::positive).value_or(Seconds(1e300));
      if (s.mean_up.si() < 60) {
        r.error("up", "must be at least a minute");
        s.mean_up = Seconds(1e300);
      }
      s.mean_down = time(r, "down").value_or(Seconds(0));
      s.depth = fraction(r, "depth", Need::optional).value_or(1.0);
      s.source = r.str("source", Need::optional).value_or("");
      out.spot.push_back(std::move(s));
    });
    each(root, "failures", "failures", [&](MapReader& r, const std::string& /*name*/) {
      FailureRule f{.at = r.where()};
      f.accelerator = r.str("accelerator").value_or("default");
      f.at = r.where("accelerator");
      r.set_what(fmt::format("failures '{}'", f.accelerator));
      const char* limit = "at most 0.005 per chip-hour each (H100s in Llama 3's run: 2.2e-5)";
      f.per_chip_hour =
          at_most(r, "per_chip_hour", r.number("per_chip_hour", Need::required, Sign::non_negative), 0.005, limit)
              .value_or(0);
      f.planned_per_chip_hour =
          at_most(r, "planned_per_chip_hour", r.number("planned_per_chip_hour", Need::optional, Sign::non_negative),
                  0.005, limit)
              .value_or(0);
      f.detect = time(r, "detect").value_or(Seconds(0));
      f.replace = time(r, "replace").value_or(Seconds(0));
      f.source = r.str("source", Need::optional).value_or("");
      out.failures.push_back(std::move(f));
    });
    if (auto c = root.map("checkpoint", Need::optional, "checkpoint")) {
      CheckpointRule& k = out.checkpoint;
      k.at = c->where();
      if (auto v = c->str("interval", Need::optional); v && *v != "young-daly") {
        k.interval = c->get<Seconds>("interval", Need::required, Sign::positive);
        if (!k.interval) k.interval.reset();
      }
      k.write_bandwidth = c->get<ByteRate>("write_bandwidth", Need::optional).value_or(ByteRate(0));
      k.restart = time(*c, "restart", Need::optional).value_or(Seconds(-1.0));
      k.source = c->str("source", Need::optional).value_or("");
      c->finish();
    }
    each(root, "prices", "price change", [&](MapReader& r, const std::string& /*name*/) {
      PriceChange p{.at = r.where()};
      p.target = target(r);
      if (auto t = r.choice("term", term_names(), Need::optional)) p.term = parse_term(*t);
      if (auto m = month(r, "from")) {
        p.from = *m;
        p.at = r.where("from");
      }
      p.factor = r.number("factor", Need::required, Sign::non_negative).value_or(1.0);
      p.source = r.str("source", Need::optional).value_or("");
      out.prices.push_back(std::move(p));
    });
  }
};

}  // namespace

namespace {

Risks read_risks_node(const YAML::Node& node, const std::string& name, const SimInput& in, Diagnostics& ds) {
  RisksReader reader{in, name, ds, {}};
  MapReader root(node, name, ds, "risks");
  if (!root.ok()) return {};
  reader.read(root);
  root.finish();
  // Fields with problems were left at harmless defaults, so the cross-checks
  // add only what the fields alone could not show.
  for (auto& d : validate_risks(reader.out, in)) ds.push_back(std::move(d));
  std::stable_sort(ds.begin(), ds.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
  });
  return reader.out;
}

}  // namespace

Risks parse_risks(const std::string& text, const std::string& name, const SimInput& in, Diagnostics& ds) {
  auto root_node = parse_yaml_text(text, name, ds);
  if (!root_node) return {};
  return read_risks_node(*root_node, name, in, ds);
}

std::optional<Risks> parse_portfolio_risks(const std::string& portfolio_text, const std::string& name,
                                           const SimInput& in, Diagnostics& ds) {
  auto root = parse_yaml_text(portfolio_text, name, ds);
  if (!root || !root->IsMap() || !(*root)["risks"].IsDefined()) return std::nullopt;
  return read_risks_node((*root)["risks"], name, in, ds);
}

std::vector<std::string> risk_sections(const std::string& text) {
  std::vector<std::string> out;
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) return out;
    for (const auto& kv : root) {
      if (kv.first.IsScalar()) out.push_back(kv.first.Scalar());
    }
  } catch (const YAML::Exception&) {
    // parse_risks reports it
  }
  return out;
}

Risks merge_risks(Risks base, Risks over, const std::vector<std::string>& over_sections) {
  auto given = [&](std::string_view key) {
    return std::find(over_sections.begin(), over_sections.end(), key) != over_sections.end();
  };
  if (given("shocks")) base.shocks = std::move(over.shocks);
  if (given("scripted")) base.scripted = std::move(over.scripted);
  if (given("late_deliveries")) base.late = std::move(over.late);
  if (given("spot")) base.spot = std::move(over.spot);
  if (given("failures")) base.failures = std::move(over.failures);
  if (given("checkpoint")) base.checkpoint = over.checkpoint;
  if (given("prices")) base.prices = std::move(over.prices);
  return base;
}

std::optional<Risks> read_portfolio_risks(const std::string& portfolio_path,
                                          const std::optional<std::string>& risks_path, const SimInput& shape,
                                          Diagnostics& ds) {
  // The portfolio's own `risks:` section, then a --risks file: each section the
  // file gives replaces the portfolio's (docs/simulate.md, "Risk files").
  std::optional<Risks> section;
  if (const auto text = read_text_file(portfolio_path, ds)) {
    section = parse_portfolio_risks(*text, portfolio_path, shape, ds);
  }
  if (!risks_path) return section;
  // Read here rather than through load_risks, to keep its warnings (names a generic file may lack).
  const auto text = read_text_file(*risks_path, ds);
  if (!text) return section;
  Risks file = parse_risks(*text, *risks_path, shape, ds);
  return section ? merge_risks(std::move(*section), std::move(file), risk_sections(*text)) : std::move(file);
}

void set_planned_interruptions(Portfolio& p, const std::optional<Risks>& risks, bool off) {
  if (off) {
    p.interruptions = GangInterruptions{.on = false};
  } else if (risks) {
    apply_gang_interruptions(*risks, p);
  } else {
    p.interruptions = GangInterruptions::llama3();
  }
}

Risks load_risks(const std::string& path, const SimInput& in) {
  Diagnostics ds;
  Risks r;
  if (auto text = read_text_file(path, ds)) r = parse_risks(*text, path, in, ds);
  if (has_errors(ds)) throw InputError(std::move(ds));
  return r;
}

}  // namespace xpu
