#include "api/compare.h"

#include <fmt/format.h>

#include "api/infer.h"
#include "perf/layout_rules.h"
#include "perf/sizing.h"

namespace xpu::api {

Diagnostics check(const CompareRequest& r, const DataSet& data) {
  Diagnostics ds;
  if (auto m = resolve_model(data, r.model, "model"); !m) {
    ds.push_back(m.error());
  } else {
    check_positions(*m, r.mode == Mode::infer ? r.input_len + r.output_len : r.seq_len,
                    r.mode == Mode::infer ? "input_len" : "seq_len",
                    r.mode == Mode::infer ? "prompt and output" : "the sequence", ds);
  }
  auto positive = [&](double v, const char* field) {
    if (!(v > 0)) ds.push_back(field_error(field, fmt::format("must be positive, got {}", v)));
  };
  if (r.mode == Mode::infer) {
    if (!(r.rate > 0)) ds.push_back(field_error("rate", "serving needs a request rate, e.g. `rate` 20"));
    positive(r.input_len, "input_len");
    positive(r.output_len, "output_len");
    if (r.ttft_slo) positive(r.ttft_slo->si(), "ttft_slo");
    if (r.tpot_slo) positive(r.tpot_slo->si(), "tpot_slo");
    check_max_num_tokens(r.max_num_tokens, ds);
  } else {
    if (!(r.tokens > 0)) ds.push_back(field_error("tokens", "training needs the tokens to train, e.g. 15T"));
    if (r.chips && r.deadline) {
      ds.push_back(field_error("deadline", "`chips` and `deadline` exclude each other"));
    } else if (!r.chips && !r.deadline) {
      ds.push_back(field_error("chips", "give `chips` N, or `deadline` to find the fewest chips"));
    }
    if (r.chips) positive(*r.chips, "chips");
    if (r.chips && *r.chips > kMaxChipsSized) {
      ds.push_back(field_error(
          "chips", fmt::format("must be at most {} (numbers out of range), got {}", kMaxChipsSized, *r.chips)));
    }
    if (r.deadline) positive(r.deadline->si(), "deadline");
    positive(r.seq_len, "seq_len");
    if (r.global_batch < 0) positive(r.global_batch, "global_batch");
  }
  if (!(r.utilization > 0 && r.utilization <= 1)) {
    ds.push_back(field_error("utilization", fmt::format("must be in (0, 1], got {}", r.utilization)));
  }
  if (!(r.electricity.si() > 0)) positive(per_kwh(r.electricity), "electricity");
  if (!(r.pue >= 1 && r.pue <= 3)) {
    ds.push_back(field_error("pue", fmt::format("must be in [1, 3] (facility power / IT power), got {}", r.pue)));
  }
  if (!(r.life > 0 && r.life <= 20)) {
    ds.push_back(field_error("life", fmt::format("must be in (0, 20] years, got {}", r.life)));
  }
  const auto accelerators = data.catalog.accelerator_keys();
  // The default baseline may be missing from a user's data: the report then says so.
  if (r.baseline != CompareRequest{}.baseline)
    check_known(r.baseline, accelerators, "baseline", "unknown accelerator", ds);
  for (const auto& a : r.accelerators) {
    if (a.empty()) {
      ds.push_back(field_error("accelerators", "an accelerator name is empty; list keys such as h100-sxm,mi300x"));
    } else {
      check_known(a, accelerators, "accelerators", "unknown accelerator", ds);
    }
  }
  const size_t before = ds.size();
  check_known(r.region, data.prices.regions(), "region", "no offers in region", ds);
  check_known(r.provider, data.prices.providers(), "provider", "no offers from provider", ds);
  if ((!r.provider.empty() || r.provider_class) && r.owned) {
    ds.push_back(field_error(r.provider.empty() ? "provider_class" : "provider",
                             "filters rented offers; `term` owned prices purchases, which have no provider"));
  }
  // Owned hardware is bought, not rented in a region: the region was ignored silently (usertrial5).
  if (!r.region.empty() && r.owned) {
    ds.push_back(field_error("region", "filters rented offers; `term` owned prices purchases, which have no region"));
  }
  if (ds.size() == before && !r.owned) {
    check_offer_filters(
        data.prices, {.provider = r.provider, .region = r.region, .term = r.term, .provider_class = r.provider_class},
        ds);
  }
  return ds;
}

Expected<CompareReport, Diagnostics> run_compare(const DataSet& data, const CompareRequest& r, ThreadBudget threads) {
  if (Diagnostics bad = check(r, data); has_errors(bad)) return Unexpected{std::move(bad)};
  const auto model = resolve_model(data, r.model, "model");

  CompareQuery q;
  q.mode = r.mode;
  q.model = *model;
  if (r.mode == Mode::infer) {
    q.rate = r.rate;
    q.serving.input_len = r.input_len;
    q.serving.output_len = r.output_len;
    q.serving.weights = r.precision;
    q.serving.kv = r.kv_precision.value_or(default_kv_precision(r.precision, false));
    q.serving.attention_weights = r.attention_precision;
    if (r.ttft_slo) q.slo.ttft = *r.ttft_slo;
    if (r.tpot_slo) q.slo.tpot = *r.tpot_slo;
    q.max_num_tokens = r.max_num_tokens;
  } else {
    q.training.tokens = r.tokens;
    q.training.seq_len = r.seq_len;
    q.training.global_batch = r.global_batch > 0 ? r.global_batch : default_global_batch(r.seq_len);
    q.training.precision = r.precision;
    q.chips = r.chips;
    q.deadline = r.deadline;
  }
  q.basis.owned = r.owned;
  q.basis.term = r.term;
  q.basis.utilization = r.utilization;
  q.basis.ownership.utilization = r.utilization;
  q.basis.ownership.electricity = r.electricity;
  q.basis.ownership.years = r.life;
  q.pue = r.pue;
  q.region = r.region;
  q.provider = r.provider;
  q.provider_class = r.provider_class;
  q.baseline = r.baseline;
  q.accelerators = r.accelerators;
  q.sensitivity = r.sensitivity;
  q.threads = threads;
  q.progress = r.progress;
  CompareReport out;
  out.result = xpu::run_compare(data, q);
  if (out.result.options.empty()) out.outcome = Outcome::none_meets;
  return out;
}

Expected<ClaimsReport, Diagnostics> run_claims(const DataSet& data, const ClaimsRequest&, ThreadBudget threads) {
  ClaimsReport out;
  out.result = check_claims(data, threads);
  return out;
}

}  // namespace xpu::api
