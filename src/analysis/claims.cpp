// docs/claims.md: three vendor claims run through compare on three workloads.
// Every number in the document comes from a compare run whose command is
// printed beside it; where a price is missing the document says so and gives
// the price at which the claim would hold instead of inventing one.
#include "analysis/claims.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "analysis/compare.h"
#include "base/unit_text.h"

namespace xpu {
namespace {

struct Case {
  std::string key;      // "A"
  std::string title;    // "Llama 3.1 70B pre-training, ..."
  std::string command;  // the compare flags that describe it
  CompareQuery query;
};

Case pretraining(const DataSet& d, Precision p) {
  Case w;
  w.key = p == Precision::bf16 ? "A" : "A-fp8";
  w.title =
      fmt::format("Llama 3.1 70B pre-training: 15T tokens on 1024 chips, seq 8192, 4M-token batches, {}", to_string(p));
  w.command = fmt::format("--model llama3.1-70b --train --tokens 15T --chips 1024 --seq-len 8192{}",
                          p == Precision::bf16 ? "" : " --precision fp8");
  CompareQuery& r = w.query;
  r.mode = Mode::train;
  r.model = *d.find_model("llama3.1-70b");
  r.training.seq_len = 8192;
  r.training.global_batch = 512;
  r.training.precision = p;
  r.training.tokens = 15e12;
  r.chips = 1024;
  return w;
}

Case serving(const DataSet& d, const std::string& key, const std::string& model, double rate, Precision p) {
  Case w;
  w.key = key;
  const ModelArch* m = d.find_model(model);
  w.title = fmt::format("{} serving {} requests/s, 2048 tokens in / 300 out, TTFT p50 <= 1 s, TPOT p50 <= 40 ms, {}",
                        m->name, rate, to_string(p));
  w.command = fmt::format(
      "--model {} --infer --rate {} --input-len 2048 --output-len 300 --ttft-slo '1 s' --tpot-slo '40 ms'{}", model,
      rate, p == Precision::bf16 ? "" : " --precision " + std::string(to_string(p)));
  CompareQuery& r = w.query;
  r.mode = Mode::infer;
  r.model = *m;
  r.rate = rate;
  r.serving.input_len = 2048;
  r.serving.output_len = 300;
  r.serving.weights = p;
  r.serving.kv = p == Precision::fp8 ? Precision::fp8 : Precision::bf16;
  r.slo.ttft = seconds(1);
  r.slo.tpot = milliseconds(40);
  return w;
}

struct Run {
  const Case* workload = nullptr;
  Term term = Term::on_demand;
  std::string command;
  CompareResult result;

  const CompareOption* option(const std::string& a) const {
    for (const auto& o : result.options) {
      if (o.accelerator == a) return &o;
    }
    return nullptr;
  }
  std::string missing(const std::string& a) const {
    for (const auto& n : result.not_compared) {
      if (n.accelerator == a) return n.reason;
    }
    return "not run";
  }
  const SensitivityFactor* factor(const std::string& key) const {
    for (const auto& f : result.sensitivity) {
      if (f.key == key) return &f;
    }
    return nullptr;
  }
  std::optional<std::pair<double, double>> factor_range(const std::string& key, const std::string& a) const {
    const SensitivityFactor* f = factor(key);
    for (size_t i = 0; f && i < result.options.size(); ++i) {
      if (result.options[i].accelerator == a && f->cost[i]) return f->cost[i];
    }
    return std::nullopt;
  }
};

Run run(const DataSet& d, const Case& w, Term term, const std::vector<std::string>& accelerators, bool sensitivity,
        ThreadBudget threads) {
  Run out;
  out.workload = &w;
  out.term = term;
  CompareQuery r = w.query;
  r.basis.term = term;
  r.accelerators = accelerators;
  r.sensitivity = sensitivity;
  r.threads = threads;
  r.baseline = accelerators.back();
  out.command = fmt::format("xpuplan compare {}{} --accelerators {}{}", w.command,
                            term == Term::on_demand ? "" : " --term " + std::string(to_string(term)),
                            fmt::join(accelerators, ","), sensitivity ? " --sensitivity" : "");
  out.result = run_compare(d, r);
  return out;
}

std::string money(double usd) { return to_compact_text(dollars(usd)); }
std::string times(double v) { return fmt::format("{:.2f}x", v); }
std::string percent(double v) { return fmt::format("{:.0f}%", 100 * v); }
std::string per_chip_hour(double v) { return fmt::format("${:.2f}/chip-h", v); }

std::string cost_cell(const Run& r, const std::string& a) {
  const CompareOption* o = r.option(a);
  return o ? money(o->cost.total.si()) : "n/a";
}

// How many times cheaper `claimant` is than `other` for the same work, and
// the range when both move to the ends of their 80% intervals.
struct Ratio {
  double value = 0, low = 0, high = 0;
};
std::optional<Ratio> ratio(const Run& r, const std::string& claimant, const std::string& other) {
  const CompareOption* a = r.option(claimant);
  const CompareOption* b = r.option(other);
  if (!a || !b) return std::nullopt;
  return Ratio{b->cost.total / a->cost.total, b->cost_low / a->cost_high, b->cost_high / a->cost_low};
}

std::string ratio_cell(const std::optional<Ratio>& x) { return x ? times(x->value) : "n/a"; }
std::string range_cell(const std::optional<Ratio>& x) {
  return x ? fmt::format("{}–{}", times(x->low), times(x->high)) : "n/a";
}

std::string bullet_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += "- " + i + "\n";
  return out;
}

std::string extrapolations(const CompareOption& o) {
  if (o.interval.extrapolations.empty()) return "inside the published evidence";
  return fmt::format("{}", fmt::join(o.interval.extrapolations, "; "));
}

// --- Claim 1: Trainium2 vs H100/H200 ------------------------------------------------

std::string claim_trn2(const DataSet& d, const std::vector<Case>& ws, ThreadBudget threads, std::string& summary) {
  const std::vector<std::string> accs{"trn2", "h200-sxm", "h100-sxm"};
  std::string md =
      "## Claim 1: Trainium2, \"30-40% better price-performance than GPU-based instances\"\n\n"
      "AWS, launching Trn2 (re:Invent, December 2024): Trn2 instances offer 30-40% better price-performance than "
      "the GPU-based P5e and P5en instances (H200), a figure since repeated against H100-class instances. The "
      "wording was not re-read for this file. Checked here: is the same work at least 1.30x cheaper on Trn2?\n\n";
  const Offer* spot = d.prices.best_price("trn2", Term::spot);
  if (!spot) return md + "**Cannot be checked**: the price book has no Trn2 price at all.\n\n";
  md += fmt::format(
      "**Price used.** The book has one Trn2 price: spot, {} in {}, {} ({}; spot prices move daily). Trn2 has no "
      "on-demand, 1y or 3y list price in the book (data/prices/README.md says why), so the like-for-like check is spot "
      "against spot; the on-demand question is answered with the price at which the claim would hold.\n\n",
      spot->instance, spot->region, per_chip_hour(per_hour(spot->price_per_chip())),
      spot->provenance.estimate ? "an estimate" : "a list price");
  md +=
      "| workload | term | Trn2 | H200 | H100 | vs H200 | vs H100 | vs H200, 80% range |\n"
      "|---|---|---:|---:|---:|---:|---:|---:|\n";
  std::vector<Run> spot_runs, od_runs;
  for (const auto& w : ws) {
    spot_runs.push_back(run(d, w, Term::spot, accs, true, threads));
    od_runs.push_back(run(d, w, Term::on_demand, {"h200-sxm", "h100-sxm"}, false, threads));
  }
  std::vector<std::string> holds, fails;
  double lo200 = 1e300, hi200 = 0, lo_price = 1e300, hi_price = 0;
  for (const auto& r : spot_runs) {
    const auto vs200 = ratio(r, "trn2", "h200-sxm"), vs100 = ratio(r, "trn2", "h100-sxm");
    md += fmt::format("| {} | spot | {} | {} | {} | {} | {} | {} |\n", r.workload->key, cost_cell(r, "trn2"),
                      cost_cell(r, "h200-sxm"), cost_cell(r, "h100-sxm"), ratio_cell(vs200), ratio_cell(vs100),
                      range_cell(vs200));
    if (vs200 && vs100) {
      (vs200->value >= 1.3 && vs100->value >= 1.3 ? holds : fails).push_back(r.workload->key);
      lo200 = std::min(lo200, vs200->value);
      hi200 = std::max(hi200, vs200->value);
    }
  }
  md += fmt::format(
      "\n**Result.** At spot prices, with the engines' estimates, the claim holds for {} of the {} "
      "workloads{}.\n\n",
      holds.size(), holds.size() + fails.size(), holds.empty() ? "" : fmt::format(" ({})", fmt::join(holds, ", ")));
  std::vector<std::string> deciding;
  for (size_t i = 0; i < spot_runs.size(); ++i) {
    const Run& r = spot_runs[i];
    const CompareOption* t = r.option("trn2");
    const auto vs200 = ratio(r, "trn2", "h200-sxm");
    if (!t || !vs200) continue;
    const double need = 1.3 / vs200->value;
    std::string item = fmt::format(
        "**Software efficiency ({})**: the engines put Trn2 at {} tokens/s per chip{} with {} ({}). To be 1.30x "
        "cheaper than H200 at these prices Trn2 needs {} the modelled throughput",
        r.workload->key, fmt::format("{:.4g}", t->tokens_per_s_per_chip),
        r.workload->query.mode == Mode::train ? fmt::format(" (MFU {})", percent(t->mfu)) : "", t->stack,
        extrapolations(*t), times(need));
    if (r.workload->query.mode == Mode::train) item += fmt::format(" (MFU {})", percent(t->mfu * need));
    if (auto e = r.factor_range("efficiency:" + t->stack, "trn2")) {
      const CompareOption* g = r.option("h200-sxm");
      item += fmt::format(". Moving {}'s efficiencies by its leave-one-out error gives {}–{} vs H200", t->stack,
                          times(g->cost.total.si() / e->second), times(g->cost.total.si() / e->first));
    }
    deciding.push_back(item + ".");
  }
  for (size_t i = 0; i < spot_runs.size(); ++i) {
    const CompareOption* t = spot_runs[i].option("trn2");
    const CompareOption* h200 = od_runs[i].option("h200-sxm");
    const CompareOption* h100 = od_runs[i].option("h100-sxm");
    if (!t || !h200 || !h100) continue;
    // Cost is linear in the price per chip-hour (same instances, same time): scale Trn2's spot cost.
    const double per_dollar = t->cost.total.si() / per_hour(t->price.per_chip);
    lo_price = std::min(lo_price, h200->cost.total.si() / 1.3 / per_dollar);
    hi_price = std::max(hi_price, h200->cost.total.si() / 1.3 / per_dollar);
    deciding.push_back(fmt::format(
        "**Term ({})**: against on-demand GPUs ({} H200, {} H100) the claim holds if Trn2 on demand costs at most {} "
        "(vs H200) or {} (vs H100) at the modelled efficiency.",
        spot_runs[i].workload->key, money(h200->cost.total.si()), money(h100->cost.total.si()),
        per_chip_hour(h200->cost.total.si() / 1.3 / per_dollar),
        per_chip_hour(h100->cost.total.si() / 1.3 / per_dollar)));
  }
  deciding.push_back(
      "**Utilization**: the book has no Trn2 commitment price. A 1y/3y commitment scales every option's cost by "
      "1/utilization, so at equal discounts and utilization the ratios above do not move; they move only if the "
      "discounts differ (GPU 1y/3y discounts in the book are Epoch AI averages, estimates).");
  std::vector<std::string> trn2_gaps;
  for (const auto& r : spot_runs) {
    if (const CompareOption* t = r.option("trn2")) {
      for (const auto& x : t->interval.extrapolations) {
        if (std::find(trn2_gaps.begin(), trn2_gaps.end(), x) == trn2_gaps.end()) trn2_gaps.push_back(x);
      }
    }
  }
  summary = holds.size() + fails.size() == 0
                ? "**Trainium2**: not checked (no comparable prices)."
                : fmt::format(
                      "**Trainium2, 30-40% better than H200/H100**: {} at spot prices, the only Trn2 price in the book "
                      "(Trn2 gives {}–{} of H200's price-performance on workloads {}); on demand it would hold if Trn2 "
                      "cost at most ${:.2f}–{:.2f}/chip-h. Decided by software efficiency ({}) and by Trn2's "
                      "on-demand price, which the book lacks.",
                      holds.empty() ? "not supported" : fmt::format("holds for {}", fmt::join(holds, ", ")),
                      times(lo200), times(hi200), fmt::join(fails, ", "), lo_price, hi_price,
                      trn2_gaps.empty()
                          ? std::string("the Trn2 estimates are inside the published evidence")
                          : "the engines extrapolate for Trn2: " + fmt::format("{}", fmt::join(trn2_gaps, "; ")));
  md += "**What decides it.**\n\n" + bullet_list(deciding) + "\n";
  md += "Reproduce:\n\n```sh\n";
  for (const auto& r : spot_runs) md += r.command + "\n";
  for (const auto& r : od_runs) md += r.command + "\n";
  return md + "```\n\n";
}

// --- Claim 2: Trainium3 vs Trainium2 ------------------------------------------------

// A copy of `d` whose price book holds only an assumed on-demand price of
// `per_chip_hour` for one whole system of each of `accelerators`.
DataSet with_equal_prices(const DataSet& d, const std::vector<std::string>& accelerators, double per_chip_hour) {
  DataSet out = d;
  out.prices.offers.clear();
  for (const auto& a : accelerators) {
    const System* s = default_system(d.catalog, a);
    if (!s) continue;
    Offer o;
    o.provider = "assumed";
    o.instance = s->key;
    o.accelerator = a;
    o.chips = s->chips;
    o.term = Term::on_demand;
    o.price = dollars_per_hour(per_chip_hour * s->chips);
    o.provenance = {"docs/claims.md: the same assumed price for every chip, to compare performance per chip-hour", "",
                    true, "not a real price"};
    out.prices.offers.push_back(o);
  }
  sort_price_book(out.prices);
  return out;
}

// The price file that gives Trn2 and Trn3 the same assumed price, as the document shows it.
std::string equal_price_yaml(const DataSet& equal) {
  std::string y = "offers:\n";
  for (const auto& o : equal.prices.offers) {
    y += fmt::format(
        "  - provider: {}\n    instance: {}\n    accelerator: {}\n    chips: {}\n    term: on-demand\n"
        "    price: {} $/chip/h\n    source: \"assumed: the same price for both, not a real price\"\n"
        "    retrieved: 2026-11-26\n    estimate: true\n",
        o.provider, o.instance, o.accelerator, o.chips, per_hour(o.price_per_chip()));
  }
  return y;
}

std::string claim_trn3(const DataSet& d, const std::vector<Case>& ws, ThreadBudget threads, std::string& summary) {
  std::string md =
      "## Claim 2: Trainium3, \"another 30-40% better price-performance than Trainium2\"\n\n"
      "AWS, launching Trn3 UltraServers (re:Invent, December 2025), as summarised for this project: Trn3 improves "
      "price-performance over Trn2 by a further 30-40%. The wording was not re-read for this file.\n\n";
  // Terms where both have a price: the claim as stated.
  std::vector<Run> priced;
  for (Term t : kAllTerms) {
    if (d.prices.best_price("trn3", t) && d.prices.best_price("trn2", t)) {
      for (const auto& w : ws) priced.push_back(run(d, w, t, {"trn3", "trn2"}, false, threads));
    }
  }
  if (priced.empty()) {
    md +=
        "**Cannot be checked as stated**: the price book has no Trn3 price (no published instance price), and no "
        "term prices both Trn2 and Trn3. ";
  } else {
    md += "| workload | term | Trn3 | Trn2 | Trn3 vs Trn2 | 80% range |\n|---|---|---:|---:|---:|---:|\n";
    for (const auto& r : priced) {
      const auto x = ratio(r, "trn3", "trn2");
      md += fmt::format("| {} | {} | {} | {} | {} | {} |\n", r.workload->key, to_string(r.term), cost_cell(r, "trn3"),
                        cost_cell(r, "trn2"), ratio_cell(x), range_cell(x));
    }
    md += "\n";
  }
  md +=
      "What the engines can say without a price: how much more work a Trn3 chip does per hour than a Trn2 chip, "
      "and so the most a Trn3 chip-hour may cost, relative to a Trn2 one, for the claim to hold (the throughput "
      "ratio over 1.30 or 1.40; whole-system rounding left out, since a 64-chip Trn3 UltraServer is a coarse unit "
      "for small serving fleets). Both run under the same **assumed** price in a price book used only for this "
      "table (below).\n\n";
  const DataSet equal = with_equal_prices(d, {"trn2", "trn3"}, 1.0);
  const Offer* trn2_spot = d.prices.best_price("trn2", Term::spot);
  md +=
      "| workload | Trn2 tok/s/chip | Trn3 tok/s/chip | Trn3/Trn2 per chip-hour | Trn3 may cost (1.30x) | (1.40x) |\n"
      "|---|---:|---:|---:|---:|---:|\n";
  std::vector<Run> runs;
  std::vector<std::string> deciding;
  double lo_x = 1e300, hi_x = 0;
  std::string lo_key, hi_key;
  for (const auto& w : ws) {
    runs.push_back(run(equal, w, Term::on_demand, {"trn3", "trn2"}, false, threads));
    const Run& r = runs.back();
    const CompareOption* a = r.option("trn2");
    const CompareOption* b = r.option("trn3");
    if (!a || !b) {
      md += fmt::format("| {} | {} | {} | n/a | | |\n", w.key,
                        a ? fmt::format("{:.4g}", a->tokens_per_s_per_chip) : r.missing("trn2"),
                        b ? fmt::format("{:.4g}", b->tokens_per_s_per_chip) : r.missing("trn3"));
      continue;
    }
    const double x = b->tokens_per_s_per_chip / a->tokens_per_s_per_chip;
    if (x < lo_x) lo_x = x, lo_key = w.key;
    if (x > hi_x) hi_x = x, hi_key = w.key;
    auto cap = [&](double target) {
      std::string s = percent(x / target) + " of Trn2's";
      if (trn2_spot) {
        s += fmt::format(" ({} against Trn2 spot)", per_chip_hour(per_hour(trn2_spot->price_per_chip()) * x / target));
      }
      return s;
    };
    md += fmt::format("| {} | {:.4g} | {:.4g} | {} | {} | {} |\n", w.key, a->tokens_per_s_per_chip,
                      b->tokens_per_s_per_chip, times(x), cap(1.3), cap(1.4));
  }
  const Accelerator* t2 = d.catalog.find_accelerator("trn2");
  const Accelerator* t3 = d.catalog.find_accelerator("trn3");
  if (t2 && t3) {
    deciding.push_back(fmt::format(
        "**Specifications**: Trn3's bf16 peak is {:.0f} against Trn2's {:.0f} TFLOP/s, its fp8 peak {:.0f} against "
        "{:.0f}, HBM {:.1f} against {:.1f} TB/s (several Trn3 figures are estimates: `xpuplan catalog show trn3`). "
        "bf16 training gains little; fp8 training and bandwidth-bound decoding gain most.",
        in_tflops(t3->peak_for(Precision::bf16)), in_tflops(t2->peak_for(Precision::bf16)),
        in_tflops(t3->peak_for(Precision::fp8)), in_tflops(t2->peak_for(Precision::fp8)),
        t3->hbm_bandwidth.si() * 1e-12, t2->hbm_bandwidth.si() * 1e-12));
  }
  for (const auto& r : runs) {
    if (const CompareOption* b = r.option("trn3")) {
      deciding.push_back(fmt::format("**Evidence ({})**: Trn3: {}.", r.workload->key, extrapolations(*b)));
    }
  }
  deciding.push_back(
      "**Price**: the verdict rests on Trn3's price per chip-hour, which is not published; give one with "
      "`--prices FILE` (an offer for accelerator trn3 under a term Trn2 is also priced at) and rerun `xpuplan "
      "claims`.");
  summary = fmt::format(
      "**Trainium3, another 30-40% over Trainium2**: {}. In the engines a Trn3 chip-hour does {} ({}) to {} ({}) "
      "the work of a Trn2 one, so the claim holds where Trn3 costs at most {}–{} of Trn2's price per chip-hour.",
      priced.empty() ? "cannot be checked, no Trn3 price" : "see the priced table", times(lo_x), lo_key, times(hi_x),
      hi_key, percent(lo_x / 1.3), percent(hi_x / 1.3));
  md += "\n**What decides it.**\n\n" + bullet_list(deciding) + "\n";
  md += "Reproduce: save the assumed prices as `equal.yaml`\n\n```yaml\n" + equal_price_yaml(equal) +
        "```\n\nand run\n\n```sh\n";
  for (const auto& r : runs)
    md += "xpuplan --prices equal.yaml" + r.command.substr(std::string("xpuplan").size()) + "\n";
  for (const auto& r : priced) md += r.command + "\n";
  return md + "```\n\n";
}

// --- Claim 3: up to 50% lower cost ---------------------------------------------------

std::string claim_half(const DataSet& d, const std::vector<Case>& train, const std::vector<Case>& serve,
                       ThreadBudget threads, std::string& summary) {
  std::string md =
      "## Claim 3: \"up to 50% lower training and inference costs\"\n\n"
      "AWS on Trainium (Trn1: \"up to 50% cost-to-train savings over comparable EC2 instances\") and Inferentia2 "
      "(lower cost per inference than comparable GPU instances), as summarised for this project; wording not re-read "
      "here. An \"up to\" claim holds if some fair case reaches it. Checked: the saving, 1 - cost on the AWS chip / "
      "cost "
      "on a comparable GPU, for each workload and each term where both are priced. Comparable: the A100 80GB "
      "(p4de, Trn1's contemporary) and H100/H200 (P5/P5en).\n\n"
      "| workload | term | AWS chip | cost | GPU | cost | saving | saving, 80% range |\n"
      "|---|---|---|---:|---|---:|---:|---:|\n";
  struct Pairing {
    const Case* w;
    Term term;
    std::vector<std::string> aws, gpus;
  };
  std::vector<Pairing> pairings;
  for (const auto& w : train) {
    pairings.push_back({&w, Term::on_demand, {"trn1"}, {"a100-80gb", "h100-sxm"}});
    pairings.push_back({&w, Term::spot, {"trn1", "trn2"}, {"a100-80gb", "h100-sxm", "h200-sxm"}});
  }
  for (const auto& w : serve) {
    pairings.push_back({&w, Term::on_demand, {"inf2", "trn1"}, {"a100-80gb", "h100-sxm"}});
    pairings.push_back({&w, Term::spot, {"inf2", "trn1", "trn2"}, {"a100-80gb", "h100-sxm", "h200-sxm"}});
  }
  double best = -1e9, best_od = -1e9;
  std::string best_row, best_od_row;
  std::vector<std::string> commands;
  std::vector<std::string> notes;
  double worst_waste = 0;
  std::string worst_waste_where = "none";
  for (const auto& p : pairings) {
    std::vector<std::string> accs = p.aws;
    accs.insert(accs.end(), p.gpus.begin(), p.gpus.end());
    const Run r = run(d, *p.w, p.term, accs, false, threads);
    commands.push_back(r.command);
    for (const auto& o : r.result.options) {
      const double waste = 1.0 - static_cast<double>(o.chips) / o.cost.billed_chips;
      if (waste > worst_waste) {
        worst_waste = waste;
        worst_waste_where = fmt::format("{} in {}: {} of {}", o.accelerator, p.w->key, o.chips, o.cost.billed_chips);
      }
    }
    for (const auto& a : p.aws) {
      const CompareOption* ao = r.option(a);
      if (!ao) continue;
      for (const auto& g : p.gpus) {
        const auto x = ratio(r, a, g);
        if (!x) continue;
        const double saving = 1 - 1 / x->value;
        md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} to {} |\n", p.w->key, to_string(p.term), a,
                          cost_cell(r, a), g, cost_cell(r, g), percent(saving), percent(1 - 1 / x->low),
                          percent(1 - 1 / x->high));
        if (p.term == Term::on_demand && saving > best_od) {
          best_od = saving;
          best_od_row = fmt::format("{} on {} against {}", p.w->key, a, g);
        }
        if (saving > best) {
          best = saving;
          best_row = fmt::format("{} on {} against {} ({}, {})", p.w->key, a, g, to_string(p.term), percent(saving));
        }
      }
      if (!ao->interval.extrapolations.empty()) {
        const std::string n = fmt::format("{} ({}): {}", a, p.w->key, extrapolations(*ao));
        if (std::find(notes.begin(), notes.end(), n) == notes.end()) notes.push_back(n);
      }
    }
  }
  md += fmt::format(
      "\n**Result.** The largest saving found is {}: the claim's 50% is {} in these workloads. On demand the largest "
      "is {} ({}). Negative savings mean the AWS chip costs more for the same work.\n\n",
      best_row, best >= 0.5 ? "reached" : "not reached", percent(best_od), best_od_row);
  summary = fmt::format(
      "**Up to 50% lower training and inference costs**: {} (best: {}); on demand the best saving is {} ({}), so {}.",
      best >= 0.5 ? "reached" : "not reached", best_row, percent(best_od), best_od_row,
      best_od >= 0.5 ? "it holds on demand too" : "the purchase term decides it more than the chips do");
  // Spot as a share of on-demand, per chip-hour, cheapest offer of each.
  std::vector<std::string> spot_shares;
  for (const char* a : {"trn1", "inf2", "a100-80gb", "h100-sxm", "h200-sxm"}) {
    const Offer* od = d.prices.best_price(a, Term::on_demand);
    const Offer* sp = d.prices.best_price(a, Term::spot);
    if (od && sp) spot_shares.push_back(fmt::format("{} {}", a, percent(sp->price_per_chip() / od->price_per_chip())));
  }
  std::vector<std::string> deciding{
      fmt::format("**Term**: the cheapest spot price is a very different share of the cheapest on-demand one per "
                  "family ({}), so the verdict flips between terms; spot capacity is also interruptible, which costs "
                  "checkpoint-and-restart time these figures leave out.",
                  fmt::join(spot_shares, ", ")),
      fmt::format("**Whole instances**: chips are billed in whole instances (16 per trn1.32xlarge, 12 per "
                  "inf2.48xlarge, 8 per p5/p4de); in these runs billed chips exceed the chips at work by up to {} "
                  "({}), which weighs on whichever option needs the fewest chips.",
                  percent(worst_waste), worst_waste_where)};
  for (const auto& n : notes) deciding.push_back("**Extrapolating**: " + n + ".");
  md += "**What decides it.**\n\n" + bullet_list(deciding) + "\n";
  md += "Reproduce:\n\n```sh\n";
  for (const auto& c : commands) md += c + "\n";
  return md + "```\n\n";
}

// Which Trainium generations each Neuron stack has published runs on.
std::string evidence_note(const DataSet& d) {
  std::vector<std::string> parts;
  for (const auto& s : d.catalog.stacks) {
    if (s.runtime != Runtime::neuron) continue;
    std::vector<std::string> without;
    for (const char* a : {"trn2", "trn3"}) {
      const auto& acc = s.evidence.accelerators;
      if (std::find(acc.begin(), acc.end(), a) == acc.end()) without.emplace_back(a);
    }
    parts.push_back(without.empty() ? fmt::format("{} has published runs on trn2 and trn3", s.key)
                                    : fmt::format("{} has none on {}", s.key, fmt::join(without, " or ")));
  }
  return parts.empty() ? "" : fmt::format("Of the Neuron stacks, {}.", fmt::join(parts, "; "));
}

}  // namespace

std::string claims_markdown(const DataSet& data, ThreadBudget threads) {
  const std::vector<Case> train{pretraining(data, Precision::bf16)};
  const Case fp8 = pretraining(data, Precision::fp8);
  const std::vector<Case> serve{serving(data, "B", "llama3.3-70b", 20, Precision::fp8),
                                serving(data, "C", "llama3.1-8b", 500, Precision::bf16)};
  std::string md =
      "# Vendor price-performance claims, checked\n\n"
      "Generated by `xpuplan claims --write docs/claims.md` from the shipped data (accelerators, calibrated software "
      "stacks and the price book under data/); a test fails when this file no longer matches what the code computes. "
      "Every figure comes from `xpuplan compare`, whose command is listed under each claim. A ratio is the cost of "
      "the same work on the other accelerator over its cost on the claimant's: 1.30x means \"30% better "
      "price-performance\". Training is costed for the whole run at the engines' best layout; serving per hour at "
      "the fewest chips that meet the latency targets; whole instances are billed. The 80% range moves both "
      "options to the ends of their estimates' 80% intervals in opposite directions.\n\n"
      "## Workloads\n\n| key | workload |\n|---|---|\n";
  for (const auto& w : train) md += fmt::format("| {} | {} |\n", w.key, w.title);
  md += fmt::format("| {} | {} |\n", fp8.key, fp8.title);
  for (const auto& w : serve) md += fmt::format("| {} | {} |\n", w.key, w.title);
  md += "\n";
  std::vector<Case> all = train;
  all.insert(all.end(), serve.begin(), serve.end());
  std::string s1, s2, s3;
  const std::string c1 = claim_trn2(data, all, threads, s1);
  std::vector<Case> trn3 = train;
  trn3.push_back(fp8);
  trn3.insert(trn3.end(), serve.begin(), serve.end());
  const std::string c2 = claim_trn3(data, trn3, threads, s2);
  const std::string c3 = claim_half(data, train, serve, threads, s3);
  md += "## Summary\n\n" + bullet_list({s1, s2, s3}) + "\n" + c1 + c2 + c3;
  md +=
      "## Limits\n\n"
      "- The engines' accuracy is what `xpuplan validate` reports: stacks are fitted to published runs, and an "
      "estimate outside that evidence (a chip, precision or scale no run covers) is flagged above and its interval "
      "widened. " +
      evidence_note(data) +
      "\n"
      "- Prices are the book's (data/prices/README.md): list or snapshot prices with sources and dates; negotiated "
      "discounts, which decide many real purchases, are not in it. Add your own with `--prices FILE` and rerun.\n"
      "- Porting effort, capacity and availability are outside a price-performance ratio.\n";
  return md;
}

ClaimsResult check_claims(const DataSet& data, ThreadBudget threads) { return {claims_markdown(data, threads)}; }

}  // namespace xpu
