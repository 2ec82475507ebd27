// compare output as text, JSON and CSV.
#include "report/compare_report.h"

#include <fmt/format.h>

#include "base/csv.h"
#include "base/unit_text.h"
#include "report/claims_markdown.h"
#include "report/html_page.h"
#include "report/table.h"

namespace xpu {
namespace {

bool training(const CompareResult& res) { return res.query.mode == Mode::train; }

using html::money;

std::string tokens_text(double t) {
  return t >= 1e12 ? fmt::format("{}T", fmt_num(t * 1e-12, 4)) : fmt::format("{}B", fmt_num(t * 1e-9, 4));
}

std::string days(Seconds t) { return fmt_num(t.si() / 86400, 3); }

std::string relative_text(const std::optional<double>& r) { return r ? fmt::format("{:.2f}x", *r) : "-"; }

std::string offer_text(const CompareOption& o) {
  if (o.price.provider.empty()) return o.price.what;
  return fmt::format("{}/{}", o.price.provider, o.price.instance);
}

std::string list_text(const std::vector<std::string>& v) { return fmt::format("{}", fmt::join(v, ", ")); }

}  // namespace

std::string price_class(const CompareOption& o) {
  return o.price.owned ? "owned" : std::string(to_string(o.price.provider_class));
}

std::string class_caveat_text(const CompareResult& res) {
  if (!res.class_caveat) return "";
  const ClassCaveat& c = *res.class_caveat;
  const auto& top = res.options.front();
  std::string s = fmt::format(
      "{} ranks first on a {} offer ({}), but {} {} no {} offer under this term: its lead may come from the "
      "provider class rather than the chip.",
      c.accelerator, to_string(c.provider_class), top.price.provider, list_text(c.without),
      c.without.size() == 1 ? "has" : "have", to_string(c.provider_class));
  if (c.suggested) {
    s += fmt::format(" For like with like, --provider-class {} ({} of the {} compared have one: {}).",
                     to_string(*c.suggested), c.suggested_covers.size(), res.options.size(),
                     list_text(c.suggested_covers));
  }
  return s;
}

std::string basis_caveat_text(const CompareResult& res) {
  if (!res.basis_caveat) return "";
  const PurchaseBasisCaveat& c = *res.basis_caveat;
  return fmt::format(
      "Mixed purchase bases: {} {} priced for the chip alone (no server, CPUs, NICs or switches), {} as a share of a "
      "whole system; the chip-only options look cheaper than installed hardware would be. For like with like, give "
      "them a system price (purchase_prices with 'includes: system', via --prices FILE).",
      list_text(c.chip_only), c.chip_only.size() == 1 ? "is" : "are", list_text(c.system_share));
}

std::string describe_workload(const CompareQuery& r) {
  const std::string model = r.model.name.empty() ? r.model.key : r.model.name;
  if (r.mode == Mode::train) {
    return fmt::format("{} training, {} tokens, seq {}, global batch {}, {}, {}", model, tokens_text(r.training.tokens),
                       r.training.seq_len, r.training.global_batch, to_string(r.training.precision),
                       r.chips ? fmt::format("on {} chips", *r.chips)
                               : fmt::format("fewest chips to finish within {} days", days(*r.deadline)));
  }
  std::string slo;
  if (r.slo.ttft.si() > 0) slo += fmt::format(", TTFT {} <= {}", kSloStatistic, to_text(r.slo.ttft));
  if (r.slo.tpot.si() > 0) slo += fmt::format(", TPOT {} <= {}", kSloStatistic, to_text(r.slo.tpot));
  const std::string budget =
      r.max_num_tokens ? fmt::format(", {} tokens per iteration (as given)", *r.max_num_tokens) : "";
  return fmt::format("{} serving {} requests/s, {} tokens in / {} out, weights {}{}{}", model, fmt_num(r.rate, 4),
                     fmt_num(r.serving.input_len, 5), fmt_num(r.serving.output_len, 5), to_string(r.serving.weights),
                     slo, budget);
}

std::string describe_prices(const CompareQuery& r) {
  std::string s = r.basis.owned
                      ? "owned hardware (purchase price over a " + fmt_num(r.basis.ownership.years, 3) +
                            "-year life, electricity " + fmt_num(per_kwh(r.basis.ownership.electricity), 3) + " $/kWh)"
                      : fmt::format("{} prices", to_string(r.basis.term));
  if (r.basis.owned || commitment_length(r.basis.term).si() > 0) {
    s += fmt::format(" at {:.0f}% utilization", 100 * r.basis.utilization);
  }
  s += r.region.empty() ? ", any region" : ", region " + r.region;
  return s + "; baseline " + r.baseline;
}

std::string cost_basis_note(const CompareQuery& r, bool ascii) {
  const char* x = ascii ? "x" : "×";
  if (r.basis.owned) {
    return fmt::format(
        "Cost is {}: depreciation of the purchase over its life {} the share of it the work uses, plus "
        "electricity and operations.",
        r.mode == Mode::train ? "for the whole run" : "per hour of service at the load", x);
  }
  if (commitment_length(r.basis.term).si() > 0) {
    // A commitment bills every hour of its term, used or not: say what the cost column counts and what it leaves out.
    const std::string term(to_string(r.basis.term));
    const std::string util = fmt::format("{:.0f}%", 100 * r.basis.utilization);
    const std::string idle =
        r.basis.utilization >= 1
            ? "at 100% the term's other hours are assumed to do other paid work"
            : fmt::format("its idle {:.0f}% is charged to the work", 100 * (1 - r.basis.utilization));
    return r.mode == Mode::train
               ? fmt::format(
                     "Cost is the run's share of a {0} commitment: whole instances {1} committed price {1} the "
                     "run's hours / {2} utilization ({3}). The commitment bills every hour of its term: the "
                     "'{0} bill' column is what the billed chips cost for the whole term.",
                     term, x, util, idle)
               : fmt::format(
                     "Cost is per hour of service on a {0} commitment: whole instances {1} committed price / {2} "
                     "utilization ({3}). The commitment bills every hour of its term: the '{0} bill' column is "
                     "what the billed chips cost for the whole term.",
                     term, x, util, idle);
  }
  return r.mode == Mode::train ? fmt::format("Cost is for the whole run: whole instances {0} price {0} time.", x)
                               : fmt::format("Cost is per hour of service at the load: whole instances {} price.", x);
}

namespace {

// What the billed chips' commitment costs over its whole term.
Dollars term_bill(const CompareQuery& r, const CompareOption& o) {
  return commitment_bill(o.price.per_chip, o.cost.billed_chips, r.basis.term);
}

}  // namespace

std::string compare_to_text(const CompareResult& res) {
  const bool train = training(res);
  const bool committed = !res.query.basis.owned && commitment_length(res.query.basis.term).si() > 0;
  std::string out = describe_workload(res.query) + "\n" + describe_prices(res.query) + "\n";
  out += cost_basis_note(res.query, true) + "\n";
  if (res.options.empty()) {
    out += "\nNo accelerator could be compared.\n";
  } else {
    TextTable t;
    if (train) {
      t.header = {"#",    "accelerator",  "offer",  "class", "chips", "layout", "days",
                  "cost", "80% interval", "$/Mtok", "MWh",   "MW",    "tok/J",  "vs " + res.query.baseline};
    } else {
      t.header = {"#",   "accelerator",  "offer",      "class", "chips", "layout",
                  "$/h", "80% interval", "$/Mtok out", "kW",    "tok/J", "vs " + res.query.baseline};
    }
    if (committed) t.header.insert(t.header.end() - 1, fmt::format("{} bill", to_string(res.query.basis.term)));
    t.right_align = {true, false, false, false, true, false, true, true, true, true, true, true, true, true, true};
    for (const auto& o : res.options) {
      std::vector<std::string> row{std::to_string(o.rank), o.accelerator,           offer_text(o),
                                   price_class(o),         std::to_string(o.chips), o.layout};
      const std::string interval = fmt::format("{}..{}", money(o.cost_low.si()), money(o.cost_high.si()));
      if (train) {
        row.insert(row.end(),
                   {days(o.time), money(o.cost.total.si()), interval, fmt::format("{:.3f}", o.cost.per_mtok.si()),
                    fmt_num(in_mwh(o.cost.energy), 3), fmt_num(in_megawatts(o.cost.facility), 3),
                    fmt_num(o.cost.tokens_per_joule, 3), relative_text(o.relative)});
      } else {
        row.insert(row.end(), {money(o.cost.total.si()), interval, fmt::format("{:.3f}", o.cost.per_mtok.si()),
                               fmt_num(o.cost.facility.si() * 1e-3, 3), fmt_num(o.cost.tokens_per_joule, 3),
                               relative_text(o.relative)});
      }
      if (committed) row.insert(row.end() - 1, money(term_bill(res.query, o).si()));
      t.rows.push_back(std::move(row));
    }
    out += "\n";
    out += render(t);
    out += fmt::format("vs {}: its cost / this cost (above 1 = cheaper for the same work).\n", res.query.baseline);
  }
  if (!res.baseline_note.empty()) out += "Note: " + res.baseline_note + ".\n";
  if (res.class_caveat) out += "Like for like: " + class_caveat_text(res) + "\n";
  if (res.basis_caveat) out += "Like for like: " + basis_caveat_text(res) + "\n";
  for (const auto& o : res.options) {
    if (!o.note.empty()) out += fmt::format("Note: {} runs on {} chips: {}.\n", o.accelerator, o.chips, o.note);
  }
  bool extrapolating = false;
  for (const auto& o : res.options) extrapolating = extrapolating || !o.interval.extrapolations.empty();
  if (extrapolating) {
    out += "\nExtrapolating (the interval is widened):\n";
    for (const auto& o : res.options) {
      for (const auto& x : o.interval.extrapolations) out += fmt::format("  {}: {}\n", o.accelerator, x);
    }
  }
  if (!res.not_compared.empty()) {
    out += "\nNot compared:\n";
    for (const auto& n : res.not_compared) out += fmt::format("  {}: {}\n", n.accelerator, n.reason);
  }
  if (!res.sensitivity.empty()) {
    out += "\nWhat moves the ranking (each assumption varied alone):\n";
    for (const auto& f : res.sensitivity) {
      std::string verdict = "the order holds";
      if (!f.swaps.empty()) {
        std::vector<std::string> pairs;
        for (size_t i = 0; i < f.swaps.size() && i < 6; ++i)
          pairs.push_back(f.swaps[i].first + " <-> " + f.swaps[i].second);
        verdict = fmt::format("the order can change ({} pair{}): {}{}", f.swaps.size(), f.swaps.size() == 1 ? "" : "s",
                              fmt::join(pairs, ", "),
                              f.swaps.size() > 6 ? fmt::format(" and {} more", f.swaps.size() - 6) : "");
      }
      out += fmt::format("  {}: {}\n    {}\n", f.key, f.description, verdict);
    }
  }
  return out;
}

Json compare_to_json(const CompareResult& res) {
  const auto& r = res.query;
  const bool train = training(res);
  Json workload = {{"kind", train ? "train" : "infer"}, {"model", r.model.key}};
  if (train) {
    workload["tokens"] = r.training.tokens;
    workload["seq_len"] = r.training.seq_len;
    workload["global_batch"] = r.training.global_batch;
    workload["precision"] = to_string(r.training.precision);
    if (r.chips) workload["chips"] = *r.chips;
    if (r.deadline) workload["deadline_days"] = round_sig(r.deadline->si() / 86400);
  } else {
    workload["rate"] = r.rate;
    workload["input_len"] = r.serving.input_len;
    workload["output_len"] = r.serving.output_len;
    workload["precision"] = to_string(r.serving.weights);
    workload["ttft_slo_s"] = round_sig(r.slo.ttft.si());
    workload["tpot_slo_ms"] = round_sig(in_ms(r.slo.tpot));
    workload["slo_statistic"] = kSloStatistic;  // what ttft_slo_s and tpot_slo_ms bound
    if (r.max_num_tokens) workload["max_num_tokens"] = *r.max_num_tokens;
  }
  Json prices = {
      {"basis", basis_name(r.basis)}, {"region", r.region}, {"utilization", r.basis.utilization}, {"pue", r.pue}};
  if (!r.provider.empty()) prices["provider"] = r.provider;
  if (r.provider_class) prices["provider_class"] = to_string(*r.provider_class);
  if (r.basis.owned) {
    prices["electricity_usd_per_kwh"] = round_sig(per_kwh(r.basis.ownership.electricity));
    prices["years"] = r.basis.ownership.years;
  }
  Json options = Json::array();
  for (const auto& o : res.options) {
    Json extrapolations = Json::array();
    for (const auto& x : o.interval.extrapolations) extrapolations.push_back(x);
    Json j = {{"rank", o.rank},
              {"accelerator", o.accelerator},
              {"vendor", o.vendor},
              {"system", o.system},
              {"stack", o.stack},
              {"precision_used", to_string(o.precision)},
              {"layout", o.layout},
              {"chips", o.chips},
              {"billed_chips", o.cost.billed_chips},
              {"tokens_per_s_per_chip", round_sig(o.tokens_per_s_per_chip)},
              {"cost_usd", round_sig(o.cost.total.si())},
              {"cost_usd_low", round_sig(o.cost_low.si())},
              {"cost_usd_high", round_sig(o.cost_high.si())},
              {"usd_per_mtok", round_sig(o.cost.per_mtok.si())},
              {"usd_per_chip_hour", round_sig(per_hour(o.cost.chip_hour))},
              {"energy_mwh", round_sig(in_mwh(o.cost.energy))},
              {"facility_mw", round_sig(in_megawatts(o.cost.facility))},
              {"tokens_per_joule", round_sig(o.cost.tokens_per_joule)},
              {"relative_to_baseline", o.relative ? Json(round_sig(*o.relative)) : Json(nullptr)},
              {"interval",
               {{"low", round_sig(o.interval.low)},
                {"high", round_sig(o.interval.high)},
                {"evidence_cases", o.interval.cases},
                {"loo_median_abs_error_pct", round_sig(o.interval.median_abs_pct)},
                {"extrapolations", extrapolations}}},
              {"price",
               {{"offer", o.price.what},
                {"provider", o.price.provider},
                {"provider_class", price_class(o)},
                {"instance_chips", o.price.instance_chips},
                {"usd_per_chip_hour_list", round_sig(per_hour(o.price.per_chip))},
                {"source", o.price.provenance.source},
                {"retrieved", o.price.provenance.retrieved},
                {"estimate", o.price.provenance.estimate}}}};
    if (!o.note.empty()) j["note"] = o.note;
    if (r.basis.owned) {
      j["price"]["purchase_usd_per_chip"] = round_sig(o.price.purchase.si());
      j["price"]["includes"] = o.price.includes_system ? "system" : "chip";
      j["capex_usd"] = round_sig(o.cost.capex.si());
      j["energy_usd"] = round_sig(o.cost.energy_cost.si());
      j["ops_usd"] = round_sig(o.cost.ops.si());
    } else {
      j["instances"] = o.cost.instances;
      if (commitment_length(r.basis.term).si() > 0) j["commitment_bill_usd"] = round_sig(term_bill(r, o).si());
    }
    if (train) {
      j["time_days"] = round_sig(o.time.si() / 86400);
      j["time_days_low"] = round_sig(o.time_low.si() / 86400);
      j["time_days_high"] = round_sig(o.time_high.si() / 86400);
      j["mfu"] = round_sig(o.mfu);
    } else {
      j["replicas"] = o.replicas;
      j["chips_per_replica"] = o.chips_per_replica;
      j["ttft_p99_s"] = round_sig(o.ttft_p99.si());
      j["tpot_p99_ms"] = round_sig(in_ms(o.tpot_p99));
    }
    options.push_back(std::move(j));
  }
  Json not_compared = Json::array();
  for (const auto& n : res.not_compared) {
    not_compared.push_back({{"accelerator", n.accelerator}, {"vendor", n.vendor}, {"reason", n.reason}});
  }
  Json out = {
      {"workload", workload},
      {"prices", prices},
      {"cost_unit", res.cost_unit},
      {"baseline", {{"accelerator", r.baseline}, {"priced", res.baseline.has_value()}, {"note", res.baseline_note}}},
      {"options", options},
      {"not_compared", not_compared}};
  if (const auto& c = res.class_caveat) {
    Json j = {{"accelerator", c->accelerator},
              {"provider_class", to_string(c->provider_class)},
              {"without", c->without},
              {"note", class_caveat_text(res)}};
    if (c->suggested) {
      j["suggested_class"] = to_string(*c->suggested);
      j["suggested_covers"] = c->suggested_covers;
    }
    out["provider_class_caveat"] = j;
  }
  if (const auto& c = res.basis_caveat) {
    out["purchase_basis_caveat"] = {
        {"chip_only", c->chip_only}, {"system_share", c->system_share}, {"note", basis_caveat_text(res)}};
  }
  if (r.sensitivity) {
    Json factors = Json::array();
    for (const auto& f : res.sensitivity) {
      Json ranges = Json::array();
      for (size_t i = 0; i < f.cost.size(); ++i) {
        if (!f.cost[i]) continue;
        ranges.push_back({{"accelerator", res.options[i].accelerator},
                          {"cost_usd_low", round_sig(f.cost[i]->first)},
                          {"cost_usd_high", round_sig(f.cost[i]->second)}});
      }
      Json swaps = Json::array();
      for (const auto& [a, b] : f.swaps) swaps.push_back(Json::array({a, b}));
      factors.push_back({{"factor", f.key},
                         {"description", f.description},
                         {"ranges", ranges},
                         {"rank_changes", !f.swaps.empty()},
                         {"swaps", swaps}});
    }
    out["sensitivity"] = factors;
  }
  return out;
}

std::string compare_to_csv(const CompareResult& res) {
  const bool train = training(res);
  std::vector<std::string> header{
      "rank",   "accelerator", "vendor",      "system", "offer", "provider_class", "usd_per_chip_hour_list",
      "layout", "chips",       "billed_chips"};
  if (train) {
    header.insert(header.end(), {"time_days", "time_days_low", "time_days_high", "mfu"});
  } else {
    header.insert(header.end(), {"replicas", "chips_per_replica", "ttft_p99_s", "tpot_p99_ms"});
  }
  header.insert(header.end(), {"tokens_per_s_per_chip", "cost_usd", "cost_usd_low", "cost_usd_high", "usd_per_mtok",
                               "energy_mwh", "facility_mw", "tokens_per_joule", "relative_to_baseline", "price_source",
                               "price_retrieved", "price_estimate", "extrapolations"});
  std::string out = fmt::format("{}\n", fmt::join(header, ","));
  auto g = [](double v) { return fmt::format("{:.6g}", v); };
  for (const auto& o : res.options) {
    std::vector<std::string> row{std::to_string(o.rank),
                                 o.accelerator,
                                 o.vendor,
                                 o.system,
                                 o.price.what,
                                 price_class(o),
                                 g(per_hour(o.price.per_chip)),
                                 o.layout,
                                 std::to_string(o.chips),
                                 std::to_string(o.cost.billed_chips)};
    if (train) {
      row.insert(row.end(),
                 {g(o.time.si() / 86400), g(o.time_low.si() / 86400), g(o.time_high.si() / 86400), g(o.mfu)});
    } else {
      row.insert(row.end(), {std::to_string(o.replicas), std::to_string(o.chips_per_replica), g(o.ttft_p99.si()),
                             g(in_ms(o.tpot_p99))});
    }
    row.insert(row.end(), {g(o.tokens_per_s_per_chip), g(o.cost.total.si()), g(o.cost_low.si()), g(o.cost_high.si()),
                           g(o.cost.per_mtok.si()), g(in_mwh(o.cost.energy)), g(in_megawatts(o.cost.facility)),
                           g(o.cost.tokens_per_joule), o.relative ? g(*o.relative) : "", o.price.provenance.source,
                           o.price.provenance.retrieved, o.price.provenance.estimate ? "yes" : "no",
                           fmt::format("{}", fmt::join(o.interval.extrapolations, "; "))});
    for (auto& f : row) f = csv_quote(f);
    out += fmt::format("{}\n", fmt::join(row, ","));
  }
  return out;
}

Json to_json(const api::CompareReport& r) { return compare_to_json(r.result); }
std::string to_text(const api::CompareReport& r) { return compare_to_text(r.result); }
std::string to_markdown(const api::ClaimsReport& r) { return claims_markdown(r.result); }

}  // namespace xpu
