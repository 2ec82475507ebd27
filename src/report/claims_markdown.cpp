#include "report/claims_markdown.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/unit_text.h"

namespace xpu {
namespace {

std::string money(double usd) { return to_compact_text(dollars(usd)); }
std::string times(double v) { return fmt::format("{:.2f}x", v); }
std::string percent(double v) { return fmt::format("{:.0f}%", 100 * v); }
std::string per_chip_hour(double v) { return fmt::format("${:.2f}/chip-h", v); }

std::string cost_cell(const ClaimRun& r, const std::string& a) {
  const CompareOption* o = r.option(a);
  return o ? money(o->cost.total.si()) : "n/a";
}

std::string ratio_cell(const std::optional<CostRatio>& x) { return x ? times(x->value) : "n/a"; }
std::string range_cell(const std::optional<CostRatio>& x) {
  return x ? fmt::format("{}–{}", times(x->low), times(x->high)) : "n/a";
}

// One claim's part of the document, and its line in the summary.
struct Section {
  std::string text, summary;
};

std::string bullet_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += "- " + i + "\n";
  return out;
}

std::string extrapolations(const std::vector<std::string>& x) {
  if (x.empty()) return "inside the published evidence";
  return fmt::format("{}", fmt::join(x, "; "));
}

Section trn2_section(const Trn2Claim& c) {
  std::string summary;
  std::string md =
      "## Claim 1: Trainium2, \"30-40% better price-performance than GPU-based instances\"\n\n"
      "AWS, launching Trn2 (re:Invent, December 2024): Trn2 instances offer 30-40% better price-performance than "
      "the GPU-based P5e and P5en instances (H200), a figure since repeated against H100-class instances. The "
      "wording was not re-read for this file. Checked here: is the same work at least 1.30x cheaper on Trn2?\n\n";
  if (!c.spot) {
    return {md + "**Cannot be checked**: the price book has no Trn2 price at all.\n\n",
            "**Trainium2**: not checked (no comparable prices)."};
  }
  const Offer& spot = *c.spot;
  md += fmt::format(
      "**Price used.** The book has one Trn2 price: spot, {} in {}, {} ({}; spot prices move daily). Trn2 has no "
      "on-demand, 1y or 3y list price in the book (data/prices/README.md says why), so the like-for-like check is spot "
      "against spot; the on-demand question is answered with the price at which the claim would hold.\n\n",
      spot.instance, spot.region, per_chip_hour(per_hour(spot.price_per_chip())),
      spot.provenance.estimate ? "an estimate" : "a list price");
  md +=
      "| workload | term | Trn2 | H200 | H100 | vs H200 | vs H100 | vs H200, 80% range |\n"
      "|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& r : c.spot_runs) {
    const auto vs200 = cost_ratio(r, "trn2", "h200-sxm"), vs100 = cost_ratio(r, "trn2", "h100-sxm");
    md += fmt::format("| {} | spot | {} | {} | {} | {} | {} | {} |\n", r.workload, cost_cell(r, "trn2"),
                      cost_cell(r, "h200-sxm"), cost_cell(r, "h100-sxm"), ratio_cell(vs200), ratio_cell(vs100),
                      range_cell(vs200));
  }
  md += fmt::format(
      "\n**Result.** At spot prices, with the engines' estimates, the claim holds for {} of the {} "
      "workloads{}.\n\n",
      c.holds.size(), c.holds.size() + c.fails.size(),
      c.holds.empty() ? "" : fmt::format(" ({})", fmt::join(c.holds, ", ")));
  std::vector<std::string> deciding;
  for (const auto& e : c.efficiency) {
    std::string item = fmt::format(
        "**Software efficiency ({})**: the engines put Trn2 at {} tokens/s per chip{} with {} ({}). To be 1.30x "
        "cheaper than H200 at these prices Trn2 needs {} the modelled throughput",
        e.workload, fmt::format("{:.4g}", e.tokens_per_s_per_chip),
        e.training ? fmt::format(" (MFU {})", percent(e.mfu)) : "", e.stack, extrapolations(e.extrapolations),
        times(e.need));
    if (e.training) item += fmt::format(" (MFU {})", percent(e.mfu * e.need));
    if (e.vs_h200) {
      item += fmt::format(". Moving {}'s efficiencies by its leave-one-out error gives {}–{} vs H200", e.stack,
                          times(e.vs_h200->first), times(e.vs_h200->second));
    }
    deciding.push_back(item + ".");
  }
  for (const auto& cap : c.on_demand_caps) {
    deciding.push_back(fmt::format(
        "**Term ({})**: against on-demand GPUs ({} H200, {} H100) the claim holds if Trn2 on demand costs at most {} "
        "(vs H200) or {} (vs H100) at the modelled efficiency.",
        cap.workload, money(cap.h200_cost), money(cap.h100_cost), per_chip_hour(cap.vs_h200),
        per_chip_hour(cap.vs_h100)));
  }
  deciding.push_back(
      "**Utilization**: the book has no Trn2 commitment price. A 1y/3y commitment scales every option's cost by "
      "1/utilization, so at equal discounts and utilization the ratios above do not move; they move only if the "
      "discounts differ (GPU 1y/3y discounts in the book are Epoch AI averages, estimates).");
  summary =
      c.holds.size() + c.fails.size() == 0
          ? "**Trainium2**: not checked (no comparable prices)."
          : fmt::format(
                "**Trainium2, 30-40% better than H200/H100**: {} at spot prices, the only Trn2 price in the book "
                "(Trn2 gives {}–{} of H200's price-performance on workloads {}); on demand it would hold if Trn2 "
                "cost at most ${:.2f}–{:.2f}/chip-h. Decided by software efficiency ({}) and by Trn2's "
                "on-demand price, which the book lacks.",
                c.holds.empty() ? "not supported" : fmt::format("holds for {}", fmt::join(c.holds, ", ")),
                times(c.lo_vs_h200), times(c.hi_vs_h200), fmt::join(c.fails, ", "), c.lo_price, c.hi_price,
                c.gaps.empty() ? std::string("the Trn2 estimates are inside the published evidence")
                               : "the engines extrapolate for Trn2: " + fmt::format("{}", fmt::join(c.gaps, "; ")));
  md += "**What decides it.**\n\n" + bullet_list(deciding) + "\n";
  md += "Reproduce:\n\n```sh\n";
  for (const auto& r : c.spot_runs) md += r.command + "\n";
  for (const auto& r : c.on_demand_runs) md += r.command + "\n";
  return {md + "```\n\n", summary};
}

// The price file that gives Trn2 and Trn3 the same assumed price, as the document shows it.
std::string equal_price_yaml(const std::vector<Offer>& offers) {
  std::string y = "offers:\n";
  for (const auto& o : offers) {
    y += fmt::format(
        "  - provider: {}\n    instance: {}\n    accelerator: {}\n    chips: {}\n    term: on-demand\n"
        "    price: {} $/chip/h\n    source: \"assumed: the same price for both, not a real price\"\n"
        "    retrieved: 2026-11-26\n    estimate: true\n",
        o.provider, o.instance, o.accelerator, o.chips, per_hour(o.price_per_chip()));
  }
  return y;
}

Section trn3_section(const Trn3Claim& c) {
  std::string summary;
  std::string md =
      "## Claim 2: Trainium3, \"another 30-40% better price-performance than Trainium2\"\n\n"
      "AWS, launching Trn3 UltraServers (re:Invent, December 2025), as summarised for this project: Trn3 improves "
      "price-performance over Trn2 by a further 30-40%. The wording was not re-read for this file.\n\n";
  if (c.priced.empty()) {
    md +=
        "**Cannot be checked as stated**: the price book has no Trn3 price (no published instance price), and no "
        "term prices both Trn2 and Trn3. ";
  } else {
    md += "| workload | term | Trn3 | Trn2 | Trn3 vs Trn2 | 80% range |\n|---|---|---:|---:|---:|---:|\n";
    for (const auto& r : c.priced) {
      const auto x = cost_ratio(r, "trn3", "trn2");
      md += fmt::format("| {} | {} | {} | {} | {} | {} |\n", r.workload, to_string(r.term), cost_cell(r, "trn3"),
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
  md +=
      "| workload | Trn2 tok/s/chip | Trn3 tok/s/chip | Trn3/Trn2 per chip-hour | Trn3 may cost (1.30x) | (1.40x) |\n"
      "|---|---:|---:|---:|---:|---:|\n";
  for (size_t i = 0; i < c.per_chip.size(); ++i) {
    const Trn3Claim::PerChip& p = c.per_chip[i];
    const ClaimRun& r = c.equal_runs[i];
    if (!p.trn2 || !p.trn3) {
      md += fmt::format("| {} | {} | {} | n/a | | |\n", p.workload,
                        p.trn2 ? fmt::format("{:.4g}", *p.trn2) : r.missing("trn2"),
                        p.trn3 ? fmt::format("{:.4g}", *p.trn3) : r.missing("trn3"));
      continue;
    }
    auto cap = [&](double target) {
      std::string s = percent(p.ratio / target) + " of Trn2's";
      if (c.trn2_spot) {
        s += fmt::format(" ({} against Trn2 spot)",
                         per_chip_hour(per_hour(c.trn2_spot->price_per_chip()) * p.ratio / target));
      }
      return s;
    };
    md += fmt::format("| {} | {:.4g} | {:.4g} | {} | {} | {} |\n", p.workload, *p.trn2, *p.trn3, times(p.ratio),
                      cap(1.3), cap(1.4));
  }
  std::vector<std::string> deciding;
  if (c.trn2 && c.trn3) {
    const Accelerator& t2 = *c.trn2;
    const Accelerator& t3 = *c.trn3;
    deciding.push_back(fmt::format(
        "**Specifications**: Trn3's bf16 peak is {:.0f} against Trn2's {:.0f} TFLOP/s, its fp8 peak {:.0f} against "
        "{:.0f}, HBM {:.1f} against {:.1f} TB/s (several Trn3 figures are estimates: `xpuplan catalog show trn3`). "
        "bf16 training gains little; fp8 training and bandwidth-bound decoding gain most.",
        in_tflops(t3.peak_for(Precision::bf16)), in_tflops(t2.peak_for(Precision::bf16)),
        in_tflops(t3.peak_for(Precision::fp8)), in_tflops(t2.peak_for(Precision::fp8)), t3.hbm_bandwidth.si() * 1e-12,
        t2.hbm_bandwidth.si() * 1e-12));
  }
  for (const auto& r : c.equal_runs) {
    if (const CompareOption* b = r.option("trn3")) {
      deciding.push_back(
          fmt::format("**Evidence ({})**: Trn3: {}.", r.workload, extrapolations(b->interval.extrapolations)));
    }
  }
  deciding.push_back(
      "**Price**: the verdict rests on Trn3's price per chip-hour, which is not published; give one with "
      "`--prices FILE` (an offer for accelerator trn3 under a term Trn2 is also priced at) and rerun `xpuplan "
      "claims`.");
  summary = fmt::format(
      "**Trainium3, another 30-40% over Trainium2**: {}. In the engines a Trn3 chip-hour does {} ({}) to {} ({}) "
      "the work of a Trn2 one, so the claim holds where Trn3 costs at most {}–{} of Trn2's price per chip-hour.",
      c.priced.empty() ? "cannot be checked, no Trn3 price" : "see the priced table", times(c.lo_ratio), c.lo_workload,
      times(c.hi_ratio), c.hi_workload, percent(c.lo_ratio / 1.3), percent(c.hi_ratio / 1.3));
  md += "\n**What decides it.**\n\n" + bullet_list(deciding) + "\n";
  md += "Reproduce: save the assumed prices as `equal.yaml`\n\n```yaml\n" + equal_price_yaml(c.assumed_prices) +
        "```\n\nand run\n\n```sh\n";
  for (const auto& r : c.equal_runs) {
    md += "xpuplan --prices equal.yaml" + r.command.substr(std::string("xpuplan").size()) + "\n";
  }
  for (const auto& r : c.priced) md += r.command + "\n";
  return {md + "```\n\n", summary};
}

Section half_section(const HalfClaim& c) {
  std::string summary;
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
  for (const auto& row : c.rows) {
    md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} to {} |\n", row.workload, to_string(row.term), row.aws,
                      money(row.aws_cost), row.gpu, money(row.gpu_cost), percent(row.saving()),
                      percent(1 - 1 / row.ratio.low), percent(1 - 1 / row.ratio.high));
  }
  const double best = c.best ? c.rows[*c.best].saving() : -1e9;
  const double best_od = c.best_on_demand ? c.rows[*c.best_on_demand].saving() : -1e9;
  std::string best_row, best_od_row;
  if (c.best) {
    const auto& r = c.rows[*c.best];
    best_row = fmt::format("{} on {} against {} ({}, {})", r.workload, r.aws, r.gpu, to_string(r.term), percent(best));
  }
  if (c.best_on_demand) {
    const auto& r = c.rows[*c.best_on_demand];
    best_od_row = fmt::format("{} on {} against {}", r.workload, r.aws, r.gpu);
  }
  md += fmt::format(
      "\n**Result.** The largest saving found is {}: the claim's 50% is {} in these workloads. On demand the largest "
      "is {} ({}). Negative savings mean the AWS chip costs more for the same work.\n\n",
      best_row, best >= 0.5 ? "reached" : "not reached", percent(best_od), best_od_row);
  summary = fmt::format(
      "**Up to 50% lower training and inference costs**: {} (best: {}); on demand the best saving is {} ({}), so {}.",
      best >= 0.5 ? "reached" : "not reached", best_row, percent(best_od), best_od_row,
      best_od >= 0.5 ? "it holds on demand too" : "the purchase term decides it more than the chips do");
  std::vector<std::string> spot_shares;
  for (const auto& [a, share] : c.spot_shares) spot_shares.push_back(fmt::format("{} {}", a, percent(share)));
  const std::string waste_where = c.worst_waste_accelerator.empty()
                                      ? std::string("none")
                                      : fmt::format("{} in {}: {} of {}", c.worst_waste_accelerator,
                                                    c.worst_waste_workload, c.worst_waste_chips, c.worst_waste_billed);
  std::vector<std::string> deciding{
      fmt::format("**Term**: the cheapest spot price is a very different share of the cheapest on-demand one per "
                  "family ({}), so the verdict flips between terms; spot capacity is also interruptible, which costs "
                  "checkpoint-and-restart time these figures leave out.",
                  fmt::join(spot_shares, ", ")),
      fmt::format("**Whole instances**: chips are billed in whole instances (16 per trn1.32xlarge, 12 per "
                  "inf2.48xlarge, 8 per p5/p4de); in these runs billed chips exceed the chips at work by up to {} "
                  "({}), which weighs on whichever option needs the fewest chips.",
                  percent(c.worst_waste), waste_where)};
  for (const auto& g : c.gaps) {
    deciding.push_back(
        fmt::format("**Extrapolating**: {} ({}): {}.", g.accelerator, g.workload, extrapolations(g.extrapolations)));
  }
  md += "**What decides it.**\n\n" + bullet_list(deciding) + "\n";
  md += "Reproduce:\n\n```sh\n";
  for (const auto& r : c.runs) md += r.command + "\n";
  return {md + "```\n\n", summary};
}

std::string evidence_note(const std::vector<NeuronEvidence>& stacks) {
  std::vector<std::string> parts;
  parts.reserve(stacks.size());
  for (const auto& s : stacks) {
    parts.push_back(s.without.empty() ? fmt::format("{} has published runs on trn2 and trn3", s.stack)
                                      : fmt::format("{} has none on {}", s.stack, fmt::join(s.without, " or ")));
  }
  return parts.empty() ? "" : fmt::format("Of the Neuron stacks, {}.", fmt::join(parts, "; "));
}

}  // namespace

std::string claims_markdown(const ClaimsResult& claims) {
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
  for (const auto& w : claims.workloads) md += fmt::format("| {} | {} |\n", w.key, w.title);
  md += "\n";
  const Section c1 = trn2_section(claims.trn2), c2 = trn3_section(claims.trn3), c3 = half_section(claims.half);
  md += "## Summary\n\n";
  md += bullet_list({c1.summary, c2.summary, c3.summary});
  md += "\n" + c1.text + c2.text + c3.text;
  md +=
      "## Limits\n\n"
      "- The engines' accuracy is what `xpuplan validate` reports: stacks are fitted to published runs, and an "
      "estimate outside that evidence (a chip, precision or scale no run covers) is flagged above and its interval "
      "widened. " +
      evidence_note(claims.neuron_evidence) +
      "\n"
      "- Prices are the book's (data/prices/README.md): list or snapshot prices with sources and dates; negotiated "
      "discounts, which decide many real purchases, are not in it. Add your own with `--prices FILE` and rerun.\n"
      "- Porting effort, capacity and availability are outside a price-performance ratio.\n";
  return md;
}

}  // namespace xpu
