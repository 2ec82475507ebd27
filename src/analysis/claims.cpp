// The claims' compare runs and the values their verdicts rest on. Every
// number the document shows comes from a compare run whose command is kept
// beside it (report/claims_markdown.cpp renders them).
#include "analysis/claims.h"

#include <fmt/format.h>

#include <algorithm>

namespace xpu {

const CompareOption* ClaimRun::option(const std::string& a) const {
  for (const auto& o : result.options) {
    if (o.accelerator == a) return &o;
  }
  return nullptr;
}

std::string ClaimRun::missing(const std::string& a) const {
  for (const auto& n : result.not_compared) {
    if (n.accelerator == a) return n.reason;
  }
  return "not run";
}

std::optional<std::pair<double, double>> ClaimRun::factor_range(const std::string& key,
                                                                const std::string& accelerator) const {
  for (const auto& f : result.sensitivity) {
    if (f.key != key) continue;
    for (size_t i = 0; i < result.options.size(); ++i) {
      if (result.options[i].accelerator == accelerator && f.cost[i]) return f.cost[i];
    }
  }
  return std::nullopt;
}

std::optional<CostRatio> cost_ratio(const ClaimRun& r, const std::string& claimant, const std::string& other) {
  const CompareOption* a = r.option(claimant);
  const CompareOption* b = r.option(other);
  if (!a || !b) return std::nullopt;
  return CostRatio{b->cost.total / a->cost.total, b->cost_low / a->cost_high, b->cost_high / a->cost_low};
}

namespace {

ClaimWorkload pretraining(const DataSet& d, Precision p) {
  ClaimWorkload w;
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

ClaimWorkload serving(const DataSet& d, const std::string& key, const std::string& model, double rate, Precision p) {
  ClaimWorkload w;
  w.key = key;
  const ModelArch* m = d.find_model(model);
  w.title = fmt::format("{} serving {} requests/s, 2048 tokens in / 300 out, TTFT {} <= 1 s, TPOT {} <= 40 ms, {}",
                        m->name, rate, kSloStatistic, kSloStatistic, to_string(p));
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

ClaimRun run(const DataSet& d, const ClaimWorkload& w, Term term, const std::vector<std::string>& accelerators,
             bool sensitivity, ThreadBudget threads) {
  ClaimRun out;
  out.workload = w.key;
  out.training = w.query.mode == Mode::train;
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

Trn2Claim claim_trn2(const DataSet& d, const std::vector<ClaimWorkload>& ws, ThreadBudget threads) {
  Trn2Claim c;
  if (const Offer* spot = d.prices.best_price("trn2", Term::spot)) c.spot = *spot;
  if (!c.spot) return c;
  for (const auto& w : ws) {
    c.spot_runs.push_back(run(d, w, Term::spot, {"trn2", "h200-sxm", "h100-sxm"}, true, threads));
    c.on_demand_runs.push_back(run(d, w, Term::on_demand, {"h200-sxm", "h100-sxm"}, false, threads));
  }
  for (const auto& r : c.spot_runs) {
    const auto vs200 = cost_ratio(r, "trn2", "h200-sxm"), vs100 = cost_ratio(r, "trn2", "h100-sxm");
    if (!vs200 || !vs100) continue;
    (vs200->value >= 1.3 && vs100->value >= 1.3 ? c.holds : c.fails).push_back(r.workload);
    c.lo_vs_h200 = std::min(c.lo_vs_h200, vs200->value);
    c.hi_vs_h200 = std::max(c.hi_vs_h200, vs200->value);
  }
  for (const auto& r : c.spot_runs) {
    const CompareOption* t = r.option("trn2");
    const auto vs200 = cost_ratio(r, "trn2", "h200-sxm");
    if (!t || !vs200) continue;
    Trn2Claim::Efficiency e{
        r.workload,         r.training,  t->tokens_per_s_per_chip, t->mfu, t->stack, t->interval.extrapolations,
        1.3 / vs200->value, std::nullopt};
    if (auto range = r.factor_range("efficiency:" + t->stack, "trn2")) {
      const double h200 = r.option("h200-sxm")->cost.total.si();
      e.vs_h200 = std::make_pair(h200 / range->second, h200 / range->first);
    }
    c.efficiency.push_back(std::move(e));
  }
  for (size_t i = 0; i < c.spot_runs.size(); ++i) {
    const CompareOption* t = c.spot_runs[i].option("trn2");
    const CompareOption* h200 = c.on_demand_runs[i].option("h200-sxm");
    const CompareOption* h100 = c.on_demand_runs[i].option("h100-sxm");
    if (!t || !h200 || !h100) continue;
    // Cost is linear in the price per chip-hour (same instances, same time): scale Trn2's spot cost.
    const double per_dollar = t->cost.total.si() / per_hour(t->price.per_chip);
    const Trn2Claim::OnDemandCap cap{c.spot_runs[i].workload, h200->cost.total.si(), h100->cost.total.si(),
                                     h200->cost.total.si() / 1.3 / per_dollar,
                                     h100->cost.total.si() / 1.3 / per_dollar};
    c.lo_price = std::min(c.lo_price, cap.vs_h200);
    c.hi_price = std::max(c.hi_price, cap.vs_h200);
    c.on_demand_caps.push_back(cap);
  }
  for (const auto& r : c.spot_runs) {
    if (const CompareOption* t = r.option("trn2")) {
      for (const auto& x : t->interval.extrapolations) {
        if (std::find(c.gaps.begin(), c.gaps.end(), x) == c.gaps.end()) c.gaps.push_back(x);
      }
    }
  }
  return c;
}

// Offers giving each of `accelerators` the same assumed on-demand price of
// `per_chip_hour` for one whole system of it.
std::vector<Offer> equal_prices(const DataSet& d, const std::vector<std::string>& accelerators, double per_chip_hour) {
  std::vector<Offer> out;
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
    out.push_back(o);
  }
  return out;
}

Trn3Claim claim_trn3(const DataSet& d, const std::vector<ClaimWorkload>& ws, ThreadBudget threads) {
  Trn3Claim c;
  for (Term t : kAllTerms) {
    if (d.prices.best_price("trn3", t) && d.prices.best_price("trn2", t)) {
      for (const auto& w : ws) c.priced.push_back(run(d, w, t, {"trn3", "trn2"}, false, threads));
    }
  }
  DataSet equal = d;
  equal.prices.offers = equal_prices(d, {"trn2", "trn3"}, 1.0);
  sort_price_book(equal.prices);
  c.assumed_prices = equal.prices.offers;
  if (const Offer* spot = d.prices.best_price("trn2", Term::spot)) c.trn2_spot = *spot;
  for (const auto& w : ws) {
    c.equal_runs.push_back(run(equal, w, Term::on_demand, {"trn3", "trn2"}, false, threads));
    const ClaimRun& r = c.equal_runs.back();
    const CompareOption* a = r.option("trn2");
    const CompareOption* b = r.option("trn3");
    Trn3Claim::PerChip pc{w.key, std::nullopt, std::nullopt, 0};
    if (a) pc.trn2 = a->tokens_per_s_per_chip;
    if (b) pc.trn3 = b->tokens_per_s_per_chip;
    if (a && b) pc.ratio = b->tokens_per_s_per_chip / a->tokens_per_s_per_chip;
    c.per_chip.push_back(pc);
    if (!a || !b) continue;
    const double x = pc.ratio;
    if (x < c.lo_ratio) c.lo_ratio = x, c.lo_workload = w.key;
    if (x > c.hi_ratio) c.hi_ratio = x, c.hi_workload = w.key;
  }
  if (const Accelerator* a = d.catalog.find_accelerator("trn2")) c.trn2 = *a;
  if (const Accelerator* a = d.catalog.find_accelerator("trn3")) c.trn3 = *a;
  return c;
}

HalfClaim claim_half(const DataSet& d, const std::vector<ClaimWorkload>& train, const std::vector<ClaimWorkload>& serve,
                     ThreadBudget threads) {
  HalfClaim c;
  struct Pairing {
    const ClaimWorkload* w;
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
  for (const auto& p : pairings) {
    std::vector<std::string> accs = p.aws;
    accs.insert(accs.end(), p.gpus.begin(), p.gpus.end());
    c.runs.push_back(run(d, *p.w, p.term, accs, false, threads));
    const ClaimRun& r = c.runs.back();
    for (const auto& o : r.result.options) {
      const double waste = 1.0 - static_cast<double>(o.chips) / o.cost.billed_chips;
      if (waste > c.worst_waste) {
        c.worst_waste = waste;
        c.worst_waste_accelerator = o.accelerator;
        c.worst_waste_workload = p.w->key;
        c.worst_waste_chips = o.chips;
        c.worst_waste_billed = o.cost.billed_chips;
      }
    }
    for (const auto& a : p.aws) {
      const CompareOption* ao = r.option(a);
      if (!ao) continue;
      for (const auto& g : p.gpus) {
        const auto x = cost_ratio(r, a, g);
        if (!x) continue;
        c.rows.push_back({p.w->key, p.term, a, g, ao->cost.total.si(), r.option(g)->cost.total.si(), *x});
        const double saving = c.rows.back().saving();
        if (p.term == Term::on_demand && saving > best_od) {
          best_od = saving;
          c.best_on_demand = c.rows.size() - 1;
        }
        if (saving > best) {
          best = saving;
          c.best = c.rows.size() - 1;
        }
      }
      if (!ao->interval.extrapolations.empty()) {
        const bool seen = std::any_of(c.gaps.begin(), c.gaps.end(), [&](const HalfClaim::Gap& g) {
          return g.accelerator == a && g.workload == p.w->key && g.extrapolations == ao->interval.extrapolations;
        });
        if (!seen) c.gaps.push_back({a, p.w->key, ao->interval.extrapolations});
      }
    }
  }
  // Spot as a share of on-demand, per chip-hour, cheapest offer of each.
  for (const char* a : {"trn1", "inf2", "a100-80gb", "h100-sxm", "h200-sxm"}) {
    const Offer* od = d.prices.best_price(a, Term::on_demand);
    const Offer* sp = d.prices.best_price(a, Term::spot);
    if (od && sp) c.spot_shares.emplace_back(a, sp->price_per_chip() / od->price_per_chip());
  }
  return c;
}

std::vector<NeuronEvidence> neuron_evidence(const DataSet& d) {
  std::vector<NeuronEvidence> out;
  for (const auto& s : d.catalog.stacks) {
    if (s.runtime != Runtime::neuron) continue;
    NeuronEvidence e{s.key, {}};
    for (const char* a : {"trn2", "trn3"}) {
      const auto& acc = s.evidence.accelerators;
      if (std::find(acc.begin(), acc.end(), a) == acc.end()) e.without.emplace_back(a);
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

ClaimsResult check_claims(const DataSet& data, ThreadBudget threads) {
  ClaimsResult out;
  const std::vector<ClaimWorkload> train{pretraining(data, Precision::bf16)};
  const ClaimWorkload fp8 = pretraining(data, Precision::fp8);
  const std::vector<ClaimWorkload> serve{serving(data, "B", "llama3.3-70b", 20, Precision::fp8),
                                         serving(data, "C", "llama3.1-8b", 500, Precision::bf16)};
  out.workloads = train;
  out.workloads.push_back(fp8);
  out.workloads.insert(out.workloads.end(), serve.begin(), serve.end());
  std::vector<ClaimWorkload> all = train;
  all.insert(all.end(), serve.begin(), serve.end());
  out.trn2 = claim_trn2(data, all, threads);
  std::vector<ClaimWorkload> trn3 = train;
  trn3.push_back(fp8);
  trn3.insert(trn3.end(), serve.begin(), serve.end());
  out.trn3 = claim_trn3(data, trn3, threads);
  out.half = claim_half(data, train, serve, threads);
  out.neuron_evidence = neuron_evidence(data);
  return out;
}

}  // namespace xpu
