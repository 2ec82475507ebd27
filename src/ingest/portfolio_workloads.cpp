// Portfolio offers and workloads (docs/portfolio.md, "Offers", "Workloads").
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <span>

#include "api/common.h"
#include "base/suggest.h"
#include "catalog/precision.h"
#include "cost/energy.h"
#include "ingest/model_io.h"
#include "ingest/portfolio_io.h"
#include "ingest/portfolio_read.h"
#include "perf/inference.h"
#include "perf/layout_rules.h"

namespace xpu::detail {
namespace {

const std::vector<std::string> kVendors{"nvidia", "google", "aws", "amd"};
const std::vector<std::string> kRuntimes{"cuda", "xla", "neuron", "rocm"};

std::vector<std::string> price_keys(const PriceBook& b) {
  std::vector<std::string> out;
  for (const Offer& o : b.offers) out.push_back(o.key());
  return out;
}

// Reads the optional `site:` of an offer against the sites read before.
void read_site(MapReader& r, const Portfolio& p, PlanOffer& o) {
  auto s = r.str("site", Need::optional);
  if (!s) return;
  if (!p.find_site(*s)) {
    std::vector<std::string> names;
    for (const Site& x : p.sites) names.push_back(x.name);
    r.error("site", fmt::format("unknown site '{}'{}{}", *s, did_you_mean(*s, names),
                                names.empty() ? "; list it under 'sites:' with its power budget" : ""));
    return;
  }
  o.site = *s;
}

}  // namespace

void PortfolioReader::read_offers(MapReader& root) {
  YAML::Node n = root.node("offers", Need::required);
  if (!n.IsDefined()) return;
  if (!n.IsSequence()) {
    root.error("offers", "must be a list of offers");
    return;
  }
  // An empty list was "policy: min_vendors is 1 but the offers come from 0 vendor(s)", with no line (usertrial5).
  if (n.size() == 0) {
    root.error("offers", "is empty; list at least one offer (a price book key or an inline offer)");
    return;
  }
  const std::vector<std::string> keys = price_keys(data.prices);
  const std::vector<std::string> accelerators = data.catalog.accelerator_keys();
  std::map<std::string, int> seen;
  for (const auto& e : n) {
    MapReader r(e, file, ds, "offer");
    if (!r.ok()) continue;
    PlanOffer o;
    o.defined_at = r.where();
    bool ok = true;
    if (r.has("offer")) {
      const std::string key = *r.str("offer");
      r.set_what(fmt::format("offer '{}'", key));
      if (const Offer* found = data.prices.find_key(key)) {
        o.offer = *found;
        o.key = key;
      } else {
        r.error("offer", fmt::format("not in the price book{}; see 'xpuplan prices', or write the offer inline",
                                     did_you_mean(key, keys)));
        ok = false;
      }
      r.allow({"note"});
    } else {
      Offer& x = o.offer;
      // Its problems name it from the first: a refused chips or term said
      // "offer:" and the next offer's "offer 'a':" (usertrial5).
      if (auto s = r.str("name", Need::optional)) r.set_what(fmt::format("offer '{}'", *s));
      if (auto s = r.str("provider"))
        x.provider = *s;
      else
        ok = false;
      if (auto s = r.str("region", Need::optional)) x.region = *s;
      if (auto s = r.str("accelerator")) {
        x.accelerator = *s;
        x.accelerator_at = r.where("accelerator");
      } else {
        ok = false;
      }
      x.instance = r.str("instance", Need::optional).value_or(x.accelerator);
      if (auto c = r.integer("chips", Need::optional))
        x.chips = static_cast<int>(*c);
      else
        x.chips = 1;
      if (auto t = r.choice("term", term_names()))
        x.term = *parse_term(*t);
      else
        ok = false;
      if (auto q = r.quantity("price", Dimension::money_rate)) {
        x.price = q->per_chip ? DollarRate(q->si) * static_cast<double>(x.chips) : DollarRate(q->si);
      } else {
        ok = false;
      }
      if (auto s = r.str("source", Need::optional)) x.provenance.source = *s;
      r.allow({"note", "retrieved"});
      x.defined_at = o.defined_at;
      o.key = r.str("name", Need::optional)
                  .value_or(fmt::format("{}/{}/{}/{}", x.provider, x.region.empty() ? "any" : x.region, x.instance,
                                        to_string(x.term)));
      r.set_what(fmt::format("offer '{}'", o.key));
      if (!x.accelerator.empty() && !data.catalog.find_accelerator(x.accelerator)) {
        r.error("accelerator",
                fmt::format("unknown accelerator '{}'{}", x.accelerator, did_you_mean(x.accelerator, accelerators)));
        ok = false;
      }
    }
    read_site(r, p, o);
    if (auto cap = per_month_counts(r, "capacity"))
      o.capacity = *cap;
    else
      ok = false;
    if (auto a = share(r, "availability")) {
      if (o.offer.term != Term::spot && ok) {
        r.error("availability", "only spot offers take an availability");
      } else if (*a <= 0) {
        r.error("availability", "must be more than 0");
      } else {
        o.availability = *a;
      }
    } else if (ok && o.offer.term == Term::spot && !r.has("availability")) {
      r.error("is spot: add 'availability:', the fraction of requested chip-hours it delivers (e.g. 0.7)");
    }
    r.finish();
    if (!ok) {
      offer_dropped = true;
      continue;
    }
    if (auto it = seen.find(o.key); it != seen.end()) {
      r.error(fmt::format("is listed twice (first on line {})", it->second));
      continue;
    }
    seen.emplace(o.key, o.defined_at.line);
    const Accelerator* a = data.catalog.find_accelerator(o.offer.accelerator);
    if (!a) continue;  // a price book validated against the catalog names known accelerators
    o.vendor = a->vendor;
    o.runtime = a->runtime;
    o.peak_bf16 = a->peak_for(Precision::bf16);
    const PowerModel pm = power_model_for(*a, p.policy.load_factor, 1.0);
    o.it_watts = it_power(1, a->power.tdp, pm);
    p.offers.push_back(std::move(o));
  }
  std::sort(p.offers.begin(), p.offers.end(), [](const PlanOffer& a, const PlanOffer& b) { return a.key < b.key; });
}

void read_workload(PortfolioReader& pr, MapReader& r, Workload& w);

void PortfolioReader::read_workloads(MapReader& root) {
  YAML::Node n = root.node("workloads", Need::required);
  if (!n.IsDefined()) return;
  if (!n.IsSequence()) {
    root.error("workloads", "must be a list of training runs and inference services");
    return;
  }
  // An empty list was planned as nothing at $0, exit 0 (usertrial5).
  if (n.size() == 0) {
    root.error("workloads", "is empty; list at least one training run or inference service to plan");
    return;
  }
  UniqueNames seen;
  for (const auto& e : n) {
    MapReader r(e, file, ds, "workload");
    if (!r.ok()) continue;
    Workload w;
    w.defined_at = r.where();
    if (auto s = r.str("name")) {
      w.name = *s;
      // Names reach file names, YAML keys and shell scripts in exports: no
      // control characters (a newline ends a comment and starts a command) and
      // no '/'. The message shows such a name escaped, on one line.
      const auto control = [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; };
      std::string shown;
      for (char c : w.name)
        shown += control(c) ? fmt::format("\\x{:02x}", static_cast<unsigned char>(c)) : std::string(1, c);
      r.set_what(fmt::format("workload '{}'", shown));
      if (std::any_of(w.name.begin(), w.name.end(), [&](char c) { return control(c) || c == '/'; })) {
        r.error("name", "may not contain control characters (newline, tab) or '/': it names exported files and jobs");
      }
      seen.add(r, "name", w.name);
    }
    read_workload(*this, r, w);
    r.finish();
    p.workloads.push_back(std::move(w));
  }
}

namespace {

std::optional<ModelArch> resolve_model(PortfolioReader& pr, MapReader& r) {
  auto key = r.str("model");
  if (!key) return std::nullopt;
  if (const ModelArch* m = pr.data.find_model(*key)) return *m;
  const std::filesystem::path path = std::filesystem::path(pr.base_dir) / *key;
  if (key->ends_with(".json") && !std::filesystem::is_regular_file(path)) {
    r.error("model", fmt::format("no file '{}' (paths are relative to the portfolio file); give a shipped key "
                                 "('xpuplan models') or a Hugging Face config.json path",
                                 *key));
    return std::nullopt;
  }
  if (std::filesystem::is_regular_file(path)) {
    Diagnostics hf;
    auto m = read_hf_config(path.string(), hf);
    const bool bad = !m || has_errors(hf);
    if (bad && hf.empty()) r.error("model", fmt::format("cannot read '{}'", path.string()));
    for (Diagnostic& d : hf) pr.ds.push_back(std::move(d));  // warnings too (near-miss keys)
    if (!bad) return m;
    return std::nullopt;
  }
  r.error("model", fmt::format("unknown model '{}'{}; give a shipped key ('xpuplan models') or a Hugging Face "
                               "config.json path",
                               *key, did_you_mean(*key, pr.data.model_keys())));
  return std::nullopt;
}

// `accelerators:` and `vendors:` into the sorted list of catalog keys the workload may use.
void read_allowed(PortfolioReader& pr, MapReader& r, Workload& w) {
  const Catalog& c = pr.data.catalog;
  const std::vector<std::string> keys = c.accelerator_keys();
  std::vector<std::string> out;
  YAML::Node accs = r.node("accelerators");
  if (auto list = r.str_list("accelerators")) {
    size_t i = 0;
    for (const std::string& a : *list) {
      const YAML::Node e = accs.IsSequence() ? accs[i] : accs;
      ++i;
      if (c.find_accelerator(a)) {
        out.push_back(a);
      } else {
        pr.ds.push_back(error_at(location_of(pr.file, e), fmt::format("{}: accelerators: unknown accelerator '{}'{}",
                                                                      r.what(), a, did_you_mean(a, keys))));
      }
    }
  }
  YAML::Node vens = r.node("vendors");
  if (auto list = r.str_list("vendors")) {
    size_t i = 0;
    for (const std::string& v : *list) {
      const YAML::Node e = vens.IsSequence() ? vens[i] : vens;
      ++i;
      auto vendor = parse_vendor(v);
      if (!vendor) {
        pr.ds.push_back(error_at(location_of(pr.file, e), fmt::format("{}: vendors: unknown vendor '{}'{}", r.what(), v,
                                                                      did_you_mean(v, kVendors))));
        continue;
      }
      for (const Accelerator& a : c.accelerators) {
        if (a.vendor == *vendor) out.push_back(a.key);
      }
    }
  }
  if (!r.has("accelerators") && !r.has("vendors")) {
    for (const PlanOffer& o : pr.p.offers) out.push_back(o.offer.accelerator);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  w.accelerators = std::move(out);
}

void read_porting(PortfolioReader& pr, MapReader& r, Workload& w) {
  auto m = r.map("porting", Need::optional);
  if (!m) return;
  for (const std::string& key : m->keys()) {
    std::optional<Runtime> rt = parse_runtime(key);
    if (!rt) {
      if (const StackEfficiency* s = find_stack(pr.data.catalog.stacks, key)) rt = s->runtime;
    }
    if (!rt) {
      std::vector<std::string> names = kRuntimes;
      for (const auto& s : pr.data.catalog.stacks) names.push_back(s.key);
      m->node(key);
      m->error(key, fmt::format("unknown software runtime or stack '{}'{}", key, did_you_mean(key, names)));
      continue;
    }
    auto text = m->str(key);
    if (!text) continue;
    PortingCost pc;
    pc.runtime = *rt;
    pc.at = m->where(key);
    const size_t unit = text->find(" engineer-week");
    if (unit != std::string::npos) {
      auto weeks = parse_count_text(text->substr(0, unit));
      if (!weeks) {
        m->error(key, fmt::format("expected a number of engineer-weeks, got '{}'", *text));
        continue;
      }
      if (!pr.engineer_week) {
        m->error(key, "is in engineer-weeks: add 'engineer_week:' to the policy (what one costs, e.g. '12000 $')");
        continue;
      }
      pc.cost = *pr.engineer_week * *weeks;
    } else if (auto q = m->get<Dollars>(key, Need::required, Sign::non_negative)) {
      pc.cost = *q;
    } else {
      continue;
    }
    w.porting.push_back(pc);
  }
  m->finish();
}

// The fields only one kind of workload has (docs/portfolio.md, "Workloads").
constexpr std::string_view kTrainingFields[] = {"tokens",   "seq_len",  "global_batch", "max_chips",
                                                "may_move", "earliest", "deadline"};
constexpr std::string_view kInferenceFields[] = {"input_len", "output_len", "ttft", "tpot", "demand", "max_num_tokens"};

// The workload's `kind`. A missing or misspelt one is an error here, and the
// rest is read as the kind most likely meant, so that its other problems are
// reported and its valid fields are not called unknown: the kind the text is
// a near miss of ("trainng"), else the only kind whose own fields it has.
// Neither: its fields are accepted unread.
std::optional<Mode> read_kind(MapReader& r) {
  const std::vector<std::string> kinds{"training", "inference"};
  if (auto k = r.choice("kind", kinds)) return parse_kind_noun(*k);
  if (const YAML::Node k = r.node("kind"); k.IsScalar()) {
    if (auto near = closest_match(k.Scalar(), kinds)) return parse_kind_noun(*near);
  }
  const auto has_any = [&](std::span<const std::string_view> keys) {
    return std::any_of(keys.begin(), keys.end(), [&](std::string_view k) { return r.has(k); });
  };
  const bool train = has_any(kTrainingFields), infer = has_any(kInferenceFields);
  if (train != infer) return train ? Mode::train : Mode::infer;
  for (const auto keys :
       {std::span<const std::string_view>(kTrainingFields), std::span<const std::string_view>(kInferenceFields)}) {
    for (std::string_view k : keys) r.node(k);
  }
  return std::nullopt;
}

// A sequence past the context the model takes is a warning at its key, as
// train's --seq-len and infer's --input-len are (usertrial6: a portfolio's
// seq_len of 262144 on a 131072-token model was planned without a word).
void warn_past_context(PortfolioReader& pr, MapReader& r, const Workload& w, double tokens, std::string_view key,
                       std::string_view what) {
  if (!r.has(key)) return;  // a default the planner chose is not the file's
  Diagnostics found;
  api::check_positions(w.model, tokens, key, what, found);
  for (auto& d : found) {
    pr.ds.push_back(Diagnostic{d.severity, r.where(key), fmt::format("{}: {}: {}", r.what(), key, d.message)});
  }
}

}  // namespace

void read_workload(PortfolioReader& pr, MapReader& r, Workload& w) {
  const Horizon& h = pr.p.horizon;
  const std::optional<Mode> kind = read_kind(r);
  if (kind) w.kind = *kind;
  if (auto m = resolve_model(pr, r)) w.model = std::move(*m);
  read_allowed(pr, r, w);
  read_porting(pr, r, w);
  const std::vector<std::string> precisions{"bf16", "fp16", "fp8", "fp4", "int8"};
  if (!kind) return;
  if (w.kind == Mode::train) {
    TrainingJob& job = w.train.job;
    if (auto t = r.str("tokens")) {
      // The same bound as a request's count (request_fields.h): a 64-bit overflow such as
      // 18446744073709551617 parses as a finite double and otherwise reaches the planner.
      constexpr double kMaxTokens = 1e18;
      if (auto v = parse_count_text(*t); v && std::isfinite(*v) && *v > kMaxTokens) {
        r.error("tokens", fmt::format("'{}' is out of range (numbers out of range: at most {:g})", *t, kMaxTokens));
      } else if (v && *v >= 1) {
        job.tokens = *v;
      } else if (v && *v > 0) {
        r.error("tokens", fmt::format("'{}' is less than one token; a count is at least 1", *t));
      } else {
        r.error("tokens", fmt::format("expected a positive count such as 15T, 2.5e12 or 300B; got '{}'", *t));
      }
    }
    job.seq_len = static_cast<int>(r.integer("seq_len", Need::optional).value_or(8192));
    warn_past_context(pr, r, w, job.seq_len, "seq_len", "the sequence");
    job.global_batch = static_cast<int>(r.integer("global_batch", Need::optional).value_or(0));
    if (auto s = r.choice("precision", precisions, Need::optional)) job.precision = *parse_precision(*s);
    w.train.max_chips = static_cast<int>(
        r.integer("max_chips", Need::optional, Sign::positive, "chips", {kMaxChipsSized, "the most xpuplan sizes"})
            .value_or(0));
    w.train.may_move = r.boolean("may_move").value_or(true);
    w.earliest = 0;
    w.deadline = h.months - 1;
    const std::optional<int> earliest = pr.month(r, "earliest", Need::optional);
    const std::optional<int> deadline = pr.month(r, "deadline", Need::optional);
    if (earliest) {
      if (*earliest < 0 || *earliest >= h.months) {
        r.error("earliest",
                fmt::format("{} is outside the horizon {}..{}", h.label(*earliest), h.label(0), h.label(h.months - 1)));
      } else {
        w.earliest = *earliest;
      }
    }
    if (deadline) {
      if (*deadline < w.earliest) {
        r.error("deadline",
                fmt::format("{} is before the run's earliest start {}", h.label(*deadline), h.label(w.earliest)));
      } else if (*deadline >= h.months) {
        r.error("deadline",
                fmt::format("{} is after the horizon's last month {}", h.label(*deadline), h.label(h.months - 1)));
      } else {
        w.deadline = *deadline;
      }
    }
  } else {
    ServingJob& job = w.serve.job;
    for (auto [key, field] : {std::pair{"input_len", &job.input_len}, std::pair{"output_len", &job.output_len}}) {
      if (auto t = r.str(key, Need::optional)) {
        if (auto v = parse_count_text(*t); v && *v >= 1) {
          *field = *v;
        } else if (v && *v > 0) {
          r.error(key, fmt::format("'{}' is less than one token; a count is at least 1", *t));
        } else {
          r.error(key, fmt::format("expected a positive token count, got '{}'", *t));
        }
      }
    }
    warn_past_context(pr, r, w, job.input_len + job.output_len, r.has("input_len") ? "input_len" : "output_len",
                      "prompt and output");
    if (auto s = r.choice("precision", precisions, Need::optional)) job.weights = *parse_precision(*s);
    job.kv = job.weights == Precision::fp8 || job.weights == Precision::fp4 ? Precision::fp8 : Precision::bf16;
    if (auto v = r.get<Seconds>("ttft", Need::optional)) w.serve.slo.ttft = *v;
    if (auto v = r.get<Seconds>("tpot", Need::optional)) w.serve.slo.tpot = *v;
    // The serving engine's per-iteration token budget, as `xpuplan infer --max-num-tokens` takes it.
    if (auto v = r.integer("max_num_tokens", Need::optional, Sign::positive, "tokens",
                           {kMaxNumTokens, "past any context window"})) {
      w.serve.max_num_tokens = static_cast<int>(*v);
    }
    YAML::Node d = r.node("demand", Need::required);
    std::vector<double> demand;
    bool ok = d.IsDefined();
    auto one = [&](const YAML::Node& e) {
      const std::string text = e.IsScalar() ? e.Scalar() : std::string();
      auto v = parse_demand(text, job.output_len);
      if (!v) {
        pr.ds.push_back(error_at(location_of(pr.file, e), fmt::format("{}: demand: {}", r.what(), v.error())));
        ok = false;
      } else if (*v < 0) {
        pr.ds.push_back(error_at(location_of(pr.file, e),
                                 fmt::format("{}: demand: must be zero or positive, got {}", r.what(), text)));
        ok = false;
      }
      demand.push_back(v ? *v : 0.0);
    };
    if (d.IsScalar()) {
      one(d);
      demand.assign(std::max(0, h.months), demand.front());
    } else if (d.IsSequence()) {
      for (const auto& e : d) one(e);
      if (static_cast<int>(demand.size()) != h.months) {
        r.error("demand", fmt::format("lists {} months; the horizon has {}", demand.size(), h.months));
        ok = false;
      }
    } else if (d.IsDefined()) {
      r.error("demand", "must be a rate such as '40 req/s' or a list with one per month");
      ok = false;
    }
    // A service with no demand in any month is planned as nothing, silently
    // (usertrial5): likely a unit or a list gone wrong, so it is said.
    if (ok && !demand.empty() && std::all_of(demand.begin(), demand.end(), [](double x) { return x == 0; })) {
      pr.ds.push_back(
          warning_at(r.where("demand"),
                     fmt::format("{}: demand: is 0 in every month, so the plan serves nothing for it", r.what())));
    }
    if (ok) w.serve.demand_rps = std::move(demand);
    w.earliest = 0;
    w.deadline = h.months - 1;
  }
  // Every workload needs an offer it may use (services: not spot).
  const bool any = std::any_of(pr.p.offers.begin(), pr.p.offers.end(), [&](const PlanOffer& o) {
    return std::binary_search(w.accelerators.begin(), w.accelerators.end(), o.offer.accelerator) &&
           (w.kind == Mode::train || o.offer.term != Term::spot);
  });
  if (!any && !pr.offer_dropped && !pr.p.offers.empty() && !w.accelerators.empty()) {
    std::string list;
    for (const auto& a : w.accelerators) list += (list.empty() ? "" : ", ") + a;
    r.error(fmt::format("no offer in the portfolio has an accelerator it may use ({}){}", list,
                        w.kind == Mode::infer ? " other than spot" : ""));
  }
}

}  // namespace xpu::detail
