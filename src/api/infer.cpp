#include "api/infer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <utility>

#include "perf/layout_rules.h"
#include "perf/sizing.h"

namespace xpu::api {
namespace {

// A rate that needs over kMaxChipsSized chips (perf/layout_rules.h) is a
// valid request that no option meets (exit 1), not bad input: `at` (one
// replica at its most requests/s within the targets) as the closest answer,
// with as many replicas as are sized, binding on "chips" (the report says why).
ServingEstimate over_chip_limit(ServingEstimate at, int& replicas) {
  replicas = replicas_sized(at.layout.chips());
  at.meets_slo = false;
  at.binding = "chips";
  return at;
}

}  // namespace

void check_max_num_tokens(std::optional<int> max_num_tokens, Diagnostics& ds) {
  if (!max_num_tokens) return;
  if (*max_num_tokens <= 0) {
    ds.push_back(field_error("max_num_tokens", fmt::format("must be positive, got {}", *max_num_tokens)));
  } else if (*max_num_tokens > kMaxNumTokens) {
    ds.push_back(field_error("max_num_tokens", fmt::format("must be at most {} (numbers out of range), got {}",
                                                           kMaxNumTokens, *max_num_tokens)));
  }
}

Diagnostics check(const InferRequest& r, const DataSet& data) {
  Diagnostics ds;
  check_names(data, r.model, r.accelerator, r.stack, Mode::infer, ds);
  auto positive = [&](double v, const char* field) {
    if (!(v > 0)) ds.push_back(field_error(field, fmt::format("must be positive, got {}", v)));
  };
  positive(r.input_len, "input_len");
  positive(r.output_len, "output_len");
  if (r.rate) positive(*r.rate, "rate");
  if (r.ttft_slo) positive(r.ttft_slo->si(), "ttft_slo");
  if (r.tpot_slo) positive(r.tpot_slo->si(), "tpot_slo");
  for (const auto& [v, field] : {std::pair{r.chips, "chips"},
                                 {r.tp, "tp"},
                                 {r.pp, "pp"},
                                 {r.ep, "ep"},
                                 {r.attn_dp, "attn_dp"},
                                 {r.batch, "batch"}}) {
    if (v) positive(*v, field);
  }
  check_max_num_tokens(r.max_num_tokens, ds);
  if (r.chips && *r.chips > kMaxChipsSized) {
    ds.push_back(field_error(
        "chips", fmt::format("must be at most {} (numbers out of range), got {}", kMaxChipsSized, *r.chips)));
  }
  if (auto m = resolve_model(data, r.model, "model")) {
    for (auto& d : check_fixed_degrees(*m, {.tp = r.tp, .pp = r.pp, .ep = r.ep, .chips_per_replica = r.chips})) {
      ds.push_back(std::move(d));
    }
    check_positions(*m, r.input_len + r.output_len, "input_len", "prompt and output", ds);
  }
  // A batch or an expert degree belongs to a fixed layout; the search picks its own.
  const bool fixed = r.tp || r.pp || r.chips || r.attn_dp;
  if (!fixed) {
    if (r.batch) ds.push_back(field_error("batch", "sets the batch of a fixed layout; give `chips` or `tp` with it"));
    if (r.ep) ds.push_back(field_error("ep", "sets the expert degree of a fixed layout; give `chips` or `tp` with it"));
  }
  if (r.attn_dp && *r.attn_dp > 0) {
    const int tp = r.tp.value_or(std::max(1, r.chips.value_or(1) / std::max(1, r.pp.value_or(1))));
    if (tp % *r.attn_dp != 0) {
      ds.push_back(
          field_error("attn_dp", fmt::format("must divide the tensor-parallel degree {}, got {}", tp, *r.attn_dp)));
    }
  }
  if (r.scenario == ServingScenario::server && !r.rate) {
    ds.push_back(field_error("rate", "the server scenario needs a request rate"));
  }
  return ds;
}

namespace {

ServingScenario scenario_of(const InferRequest& r) {
  return r.scenario.value_or(r.rate    ? ServingScenario::server
                             : r.batch ? ServingScenario::latency
                                       : ServingScenario::offline);
}

ServingJob job_of(const InferRequest& r) {
  ServingJob job;
  job.input_len = r.input_len;
  job.output_len = r.output_len;
  job.weights = r.precision;
  job.weight_only = r.weight_only;
  job.kv = r.kv_precision.value_or(default_kv_precision(r.precision, r.weight_only));
  job.attention_weights = r.attention_precision;
  return job;
}

ServingSlo slo_of(const InferRequest& r) {
  ServingSlo slo;
  if (r.ttft_slo) slo.ttft = *r.ttft_slo;
  if (r.tpot_slo) slo.tpot = *r.tpot_slo;
  return slo;
}

// Offline with targets wants the densest point within them over every
// candidate, which the chip-count pruning (made for a rate) would skip.
bool prune_of(const InferRequest& r) {
  return !(scenario_of(r) == ServingScenario::offline && (r.ttft_slo || r.tpot_slo));
}

}  // namespace

std::string infer_table_key(const InferRequest& r, std::string_view stack) {
  // Every field of the request, the job and the targets, named. A field
  // added to one of these structs stops this compiling ("N names provided
  // ... but decomposes into M elements"): add it to the key below, or say
  // here why the table does not read it. A field the table reads that is not
  // in the key would share one request's answer with another's (jobs_test).
  [[maybe_unused]] const auto& [model, accelerator, stack_name, chips, tp, pp, ep, attn_dp, precision, kv_precision,
                                attention_precision, weight_only, input_len, output_len, batch, rate, ttft_slo,
                                tpot_slo, scenario, max_num_tokens] = r;
  // Read through the job, the targets and the pruning below: precision,
  // kv_precision, attention_precision, weight_only, the lengths, the targets
  // and the scenario (only whether it prunes); the stack as resolved; the
  // token budget (the context's max_num_tokens). Not
  // read by the table: the rate (search_serving's rate pass reads it per
  // request). The degrees and the batch are empty on the searched path; keyed anyway.
  const ServingJob job = job_of(r);
  const auto& [j_input_len, j_output_len, weights, kv, j_weight_only, attention_weights, input_cv, output_cv,
               io_correlation, spec] = job;
  const auto& [spec_tokens, spec_accept, spec_draft_layers] = spec;
  const auto& [ttft, tpot] = slo_of(r);
  SharedKey key;
  key.add(model.name, accelerator, stack, chips, tp, pp, ep, attn_dp, batch);
  key.add(j_input_len, j_output_len, weights, kv, j_weight_only, attention_weights, input_cv, output_cv, io_correlation,
          spec_tokens, spec_accept, spec_draft_layers);
  key.add(ttft, tpot, prune_of(r), max_num_tokens);
  return key.str();
}

Expected<InferReport, Diagnostics> run_infer(const DataSet& data, const InferRequest& r, Shared* shared) {
  if (Diagnostics bad = check(r, data); has_errors(bad)) return Unexpected{std::move(bad)};
  const auto model = resolve_model(data, r.model, "model");
  const auto hw = resolve_hardware(data, r.accelerator, "accelerator");
  const StackEfficiency* stack = *resolve_stack(data, *hw->accelerator, Mode::infer, r.stack, "stack");

  InferReport out;
  out.model_key = model->key;
  out.model_name = model->name;
  out.accelerator = hw->accelerator->key;
  out.system = hw->system ? hw->system->key : "";
  out.stack = stack->key;
  out.rate = r.rate;
  out.scenario = scenario_of(r);
  out.job = job_of(r);
  const ServingJob& job = out.job;
  const ModelArch& m = *model;
  const ServingSetup setup{&m, hw->accelerator, hw->system, stack, job};
  InferenceContext ctx = serving_context(setup, r.chips);
  // The run's token budget, else the stack's (token_budget).
  if (r.max_num_tokens) ctx.max_num_tokens = *r.max_num_tokens;
  out.max_num_tokens = r.max_num_tokens;
  out.precision_used = ctx.compute;
  out.attention_weights = attention_weight_precision(m, job);
  out.interval = throughput_interval(*stack, hw->accelerator->key, ctx.compute, r.chips.value_or(ctx.fabric.domain));
  const ServingSlo slo = slo_of(r);
  if (r.ttft_slo || r.tpot_slo) out.targets = slo;

  const auto t0 = std::chrono::steady_clock::now();
  out.fixed = r.tp || r.pp || r.chips || r.attn_dp;
  if (out.fixed) {
    ServingLayout l;
    l.pp = r.pp.value_or(1);
    l.tp = r.tp.value_or(std::max(1, r.chips.value_or(1) / l.pp));
    l.ep = r.ep.value_or(1);
    l.attn_dp = r.attn_dp.value_or(1);
    const int batch_cap = r.batch.value_or(0);
    if (out.scenario == ServingScenario::latency) {
      out.estimate = run_batch(ctx, l, r.batch.value_or(1));
    } else if (out.scenario == ServingScenario::offline) {
      // Saturated, unless targets are given: then the highest rate that meets them.
      out.estimate = out.targets ? serve_at_max_rate(ctx, l, slo, batch_cap) : std::nullopt;
      if (!out.estimate) out.estimate = serve(ctx, l, std::nullopt, slo, batch_cap);
    } else {
      const ServingEstimate top = serve(ctx, l, std::nullopt, slo, batch_cap);
      const double need = top.requests_per_s > 0 ? std::max(1.0, std::ceil(*r.rate / top.requests_per_s)) : 1.0;
      if (!(need * l.chips() <= static_cast<double>(kMaxChipsSized))) {
        out.estimate = over_chip_limit(top, out.replicas);  // a valid request no option meets
      } else {
        out.replicas = static_cast<int>(need);
        out.estimate = serve(ctx, l, *r.rate / out.replicas, slo, batch_cap);
      }
    }
  } else {
    const bool offline_targets = out.scenario == ServingScenario::offline && out.targets;
    const bool prune = prune_of(r);
    // The table reads every field of the request but the rate (and the
    // scenario, but for whether it prunes): a shipped model's is shared under
    // those fields (infer_table_key; an inline config.json is not keyed).
    ServingSearch search;
    if (shared && !r.model.config) {
      const std::string key = infer_table_key(r, stack->key);
      if (const auto table = shared->serving.get(key)) {
        search = search_serving(ctx, *table, r.rate.value_or(0));
      } else {
        auto made = std::make_shared<ServingTable>(serving_table(ctx, slo, prune));
        search = search_serving(ctx, *made, r.rate.value_or(0), made.get());
        shared->serving.put(key, std::move(made));
      }
    } else {
      search = search_serving(ctx, r.rate.value_or(0), slo, prune);
    }
    if (r.rate && !search.best && search.over_chip_limit && search.densest) {
      // A valid request no option meets: the densest layout that meets the targets, at the most chips sized.
      search.best = over_chip_limit(*search.densest, search.replicas);
    }
    out.pareto = std::move(search.pareto);  // read below as out.pareto
    out.evaluated = search.evaluated;
    if (offline_targets) {
      // The offline scenario has no latency targets of its own (MLPerf); given
      // some, the answer is the most throughput per chip that still meets them,
      // not the saturated front, whose p99s may break them.
      out.estimate = search.densest ? search.densest : search.closest;
    } else if (out.scenario == ServingScenario::offline && !out.pareto.empty()) {
      out.estimate = out.pareto.front();
    } else if (out.scenario == ServingScenario::latency && !out.pareto.empty()) {
      out.estimate = out.pareto.back();  // lowest TPOT on the front
    } else if (search.best) {
      out.estimate = search.best;
      out.replicas = search.replicas;
    } else if (search.closest) {
      out.estimate = search.closest;
    }
  }
  out.search_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!out.estimate || !out.estimate->meets_slo) out.outcome = Outcome::none_meets;
  return out;
}

}  // namespace xpu::api
