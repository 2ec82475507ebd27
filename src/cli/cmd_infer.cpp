// xpuplan infer --model M --accelerator A [--chips N] [--rate R | --batch B] [SLOs] [--json]
#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <optional>
#include <ostream>

#include "base/unit_text.h"
#include "cli/command.h"
#include "cli/flags.h"
#include "cli/resolve.h"
#include "io/json_out.h"
#include "io/table.h"
#include "perf/inference.h"
#include "perf/interval.h"

namespace xpu::cli {
namespace {

struct InferOptions {
  std::string model, accelerator, stack, precision = "bf16", kv_precision, scenario;
  std::optional<int> chips, tp, pp, ep, attn_dp, batch;
  std::string input_len = "2048", output_len = "256", rate, ttft_slo, tpot_slo;
  bool weight_only = false, json = false;
};

Json estimate_json(const ServingEstimate& e, int replicas) {
  return {{"layout", {{"tp", e.layout.tp}, {"pp", e.layout.pp}, {"ep", e.layout.ep}, {"attn_dp", e.layout.attn_dp}}},
          {"chips_per_replica", e.layout.chips()},
          {"replicas", replicas},
          {"chips", replicas * e.layout.chips()},
          {"batch", e.batch},
          {"ttft_p50_s", e.ttft_p50.si()},
          {"ttft_p99_s", e.ttft_p99.si()},
          {"tpot_p50_ms", e.tpot_p50.si() * 1e3},
          {"tpot_p99_ms", e.tpot_p99.si() * 1e3},
          {"tokens_per_s_per_user", e.tokens_per_s_per_user},
          {"e2e_p50_s", e.e2e_p50.si()},
          {"requests_per_s_per_replica", e.requests_per_s},
          {"output_tokens_per_s_per_replica", e.output_tokens_per_s},
          {"output_tokens_per_s_per_chip", e.output_tokens_per_s_per_chip},
          {"prefill_bound", to_string(e.prefill_bound)},
          {"decode_bound", to_string(e.decode_bound)},
          {"memory_gb",
           {{"weights", in_gb(e.memory.weights)},
            {"activations", in_gb(e.memory.activations)},
            {"reserve", in_gb(e.memory.reserve)},
            {"kv_capacity", in_gb(e.memory.kv_capacity)}}},
          {"max_concurrency", e.memory.max_sequences},
          {"meets_slo", e.meets_slo},
          {"binding", e.binding}};
}

void print_estimate(std::ostream& out, const ServingEstimate& e, int replicas, const PredictionInterval& iv) {
  out << fmt::format("  layout: {} = {} chips per replica", to_string(e.layout), e.layout.chips());
  if (replicas > 1) out << fmt::format(", {} replicas = {} chips", replicas, replicas * e.layout.chips());
  out << "\n";
  out << fmt::format("  batch {} sequences (max concurrency {} by memory)\n", e.batch, e.memory.max_sequences);
  out << fmt::format("  TTFT p50 {} / p99 {};  TPOT p50 {} / p99 {};  end-to-end p50 {}\n", to_text(e.ttft_p50),
                     to_text(e.ttft_p99), to_text(e.tpot_p50), to_text(e.tpot_p99), to_text(e.e2e_p50));
  out << fmt::format("  {} output tokens/s per replica, {} per chip (80% interval {}..{}); {} requests/s per replica\n",
                     fmt_num(e.output_tokens_per_s, 4), fmt_num(e.output_tokens_per_s_per_chip, 4),
                     fmt_num(e.output_tokens_per_s_per_chip * iv.low, 3),
                     fmt_num(e.output_tokens_per_s_per_chip * iv.high, 3), fmt_num(e.requests_per_s, 4));
  out << fmt::format("  prefill is {}-bound, decode is {}-bound\n", to_string(e.prefill_bound),
                     to_string(e.decode_bound));
  out << fmt::format("  memory per chip: weights {}, activations {}, reserve {}, KV cache {}\n",
                     to_text(e.memory.weights), to_text(e.memory.activations), to_text(e.memory.reserve),
                     to_text(e.memory.kv_capacity));
  for (const auto& x : iv.extrapolations) out << fmt::format("  extrapolating: {}\n", x);
}

int run_infer(const InferOptions& o, RunState& st) {
  DataSet data = load_data_for(st);
  ModelArch model = resolve_model(data, o.model, "--model");
  HardwareChoice hw = resolve_hardware(data, o.accelerator, "--accelerator");
  const StackEfficiency& stack = resolve_stack(data, *hw.accelerator, StackMode::infer, o.stack, "--stack");
  Diagnostics bad;
  ServingJob job;
  job.input_len = parse_count(o.input_len, "--input-len", bad);
  job.output_len = parse_count(o.output_len, "--output-len", bad);
  const std::vector<std::string> precisions{"bf16", "fp16", "fp8", "fp4", "int8"};
  job.weights = parse_choice<Precision>(o.precision, "--precision", parse_precision, precisions, bad);
  job.kv = o.kv_precision.empty()
               ? (job.weights == Precision::fp8 || job.weights == Precision::fp4 ? Precision::fp8 : Precision::bf16)
               : parse_choice<Precision>(o.kv_precision, "--kv-precision", parse_precision, {"bf16", "fp8"}, bad);
  job.weight_only = o.weight_only;
  std::optional<double> rate;
  if (!o.rate.empty()) rate = parse_count(o.rate, "--rate", bad);
  ServingSlo slo;
  if (!o.ttft_slo.empty()) {
    if (auto v = parse_flag_quantity<Seconds>(o.ttft_slo, "--ttft-slo", bad)) slo.ttft = *v;
  }
  if (!o.tpot_slo.empty()) {
    if (auto v = parse_flag_quantity<Seconds>(o.tpot_slo, "--tpot-slo", bad)) slo.tpot = *v;
  }
  if (o.chips) require_positive(*o.chips, "--chips", bad);
  if (o.batch) require_positive(*o.batch, "--batch", bad);
  if (o.attn_dp) {
    require_positive(*o.attn_dp, "--attn-dp", bad);
    const int tp = o.tp.value_or(std::max(1, o.chips.value_or(1) / std::max(1, o.pp.value_or(1))));
    if (*o.attn_dp > 0 && tp % *o.attn_dp != 0) {
      bad.push_back(
          flag_error("--attn-dp", fmt::format("must divide the tensor-parallel degree {}, got {}", tp, *o.attn_dp)));
    }
  }
  std::string scenario = o.scenario.empty() ? (rate ? "server" : o.batch ? "latency" : "offline") : o.scenario;
  const std::vector<std::string> scenarios{"offline", "server", "latency"};
  if (std::find(scenarios.begin(), scenarios.end(), scenario) == scenarios.end()) {
    bad.push_back(flag_error("--scenario", fmt::format("must be one of offline, server, latency; got '{}'{}", scenario,
                                                       did_you_mean(scenario, scenarios))));
  }
  if (scenario == "server" && !rate) bad.push_back(flag_error("--rate", "the server scenario needs a request rate"));
  if (has_errors(bad)) throw InputError(std::move(bad));

  const int fabric_chips = o.chips.value_or(hw.system ? hw.system->scale_up_domain : hw.accelerator->scale_up.domain);
  const Fabric fabric = make_fabric(*hw.accelerator, hw.system, fabric_chips);
  const InferenceContext ctx = prepare_inference(model, fabric, stack, job);
  const PredictionInterval iv =
      throughput_interval(stack, hw.accelerator->key, ctx.compute, o.chips.value_or(fabric.domain));

  // A fixed layout when chips or degrees are given; else the search.
  std::optional<ServingLayout> fixed;
  if (o.tp || o.pp || o.chips || o.attn_dp) {
    ServingLayout l;
    l.pp = o.pp.value_or(1);
    l.tp = o.tp.value_or(std::max(1, o.chips.value_or(1) / l.pp));
    l.ep = o.ep.value_or(1);
    l.attn_dp = o.attn_dp.value_or(1);
    fixed = l;
  }
  auto& out = st.io.out;
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<ServingEstimate> result;
  int replicas = 1;
  ServingSearch search;
  if (fixed) {
    if (scenario == "latency") {
      result = run_batch(ctx, *fixed, o.batch.value_or(1));
    } else if (scenario == "offline") {
      result = serve(ctx, *fixed, std::nullopt, slo, o.batch.value_or(0));
    } else {
      ServingEstimate top = serve(ctx, *fixed, std::nullopt, slo, o.batch.value_or(0));
      replicas = top.requests_per_s > 0 ? std::max(1, static_cast<int>(std::ceil(*rate / top.requests_per_s))) : 1;
      result = serve(ctx, *fixed, *rate / replicas, slo, o.batch.value_or(0));
    }
  } else {
    search = search_serving(ctx, rate.value_or(0), slo);
    if (scenario == "offline" && !search.pareto.empty()) {
      result = search.pareto.front();
    } else if (scenario == "latency" && !search.pareto.empty()) {
      // Lowest TPOT on the front.
      result = search.pareto.back();
    } else if (search.best) {
      result = search.best;
      replicas = search.replicas;
    } else if (search.closest) {
      result = search.closest;
    }
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

  if (o.json) {
    Json j = {{"model", model.key},
              {"accelerator", hw.accelerator->key},
              {"stack", stack.key},
              {"scenario", scenario},
              {"input_len", job.input_len},
              {"output_len", job.output_len},
              {"precision", to_string(job.weights)},
              {"kv_precision", to_string(job.kv)},
              {"precision_used", to_string(ctx.compute)}};
    if (rate) j["rate"] = *rate;
    if (result) j["estimate"] = estimate_json(*result, replicas);
    Json front = Json::array();
    for (const auto& p : search.pareto) front.push_back(estimate_json(p, 1));
    if (!fixed) j["pareto"] = front;
    Json ext = Json::array();
    for (const auto& x : iv.extrapolations) ext.push_back(x);
    j["interval"] = {{"low", iv.low}, {"high", iv.high}, {"evidence_cases", iv.cases}, {"extrapolations", ext}};
    st.io.out << dump_canonical(j);
    return result ? 0 : 1;
  }
  out << fmt::format("{} on {} ({}), stack {}, {} scenario\n", model.name.empty() ? model.key : model.name,
                     hw.accelerator->key, hw.system ? hw.system->key : "default domain", stack.key, scenario);
  out << fmt::format("{} tokens in / {} out, weights {}{}, KV {}{}\n", fmt_num(job.input_len, 5),
                     fmt_num(job.output_len, 5), to_string(job.weights), job.weight_only ? " (weight-only)" : "",
                     to_string(job.kv), rate ? fmt::format(", {} requests/s", fmt_num(*rate, 4)) : "");
  if (!result) {
    out << "The model does not fit on this accelerator at this precision with any layout tried.\n";
    return 1;
  }
  if (!result->meets_slo) {
    out << fmt::format("No layout meets the targets; the closest binds on {}:\n",
                       result->binding.empty() ? "the targets" : result->binding);
  } else {
    out << (fixed ? "Estimate:\n" : "Best layout:\n");
  }
  print_estimate(out, *result, replicas, iv);
  if (!fixed && search.pareto.size() > 1) {
    TextTable t;
    t.header = {"layout", "batch", "tok/s/chip", "TPOT p50", "TTFT p50"};
    t.right_align = {false, true, true, true, true};
    for (const auto& p : search.pareto) {
      t.rows.push_back({to_string(p.layout), std::to_string(p.batch), fmt_num(p.output_tokens_per_s_per_chip, 4),
                        to_text(p.tpot_p50), to_text(p.ttft_p50)});
    }
    out << "\nThroughput per chip vs TPOT (Pareto front):\n" << render(t);
    out << fmt::format("Evaluated {} configurations in {:.0f} ms.\n", search.evaluated, ms);
  }
  return 0;
}

}  // namespace

void setup_infer(CLI::App& app, RunState& st) {
  auto o = std::make_shared<InferOptions>();
  CLI::App* cmd =
      app.add_subcommand("infer", "Latency, throughput and memory of serving a model, with the layout that meets SLOs");
  cmd->add_option("--model", o->model, "Model key or Hugging Face config.json")->required();
  cmd->add_option("--accelerator,-a", o->accelerator, "Accelerator or system key")->required();
  cmd->add_option("--chips,-n", o->chips, "Chips per replica (default: searched)");
  cmd->add_option("--tp", o->tp, "Tensor-parallel degree per replica");
  cmd->add_option("--pp", o->pp, "Pipeline stages per replica");
  cmd->add_option("--ep", o->ep, "Expert-parallel degree (MoE)");
  cmd->add_option("--attn-dp", o->attn_dp, "Attention data-parallel degree (MoE; divides --tp)");
  cmd->add_option("--precision", o->precision, "Weight format: bf16, fp16, fp8, fp4, int8")->capture_default_str();
  cmd->add_option("--kv-precision", o->kv_precision, "KV-cache format: bf16, fp8 (default: fp8 with fp8/fp4 weights)");
  cmd->add_flag("--weight-only", o->weight_only, "Weights stored low-precision, matmuls in bf16");
  cmd->add_option("--input-len", o->input_len, "Mean prompt tokens")->capture_default_str();
  cmd->add_option("--output-len", o->output_len, "Mean generated tokens")->capture_default_str();
  cmd->add_option("--batch", o->batch, "Fixed batch (latency) or concurrency cap (offline)");
  cmd->add_option("--rate", o->rate, "Requests per second to serve");
  cmd->add_option("--ttft-slo", o->ttft_slo, "p99 time-to-first-token target, e.g. '1 s'");
  cmd->add_option("--tpot-slo", o->tpot_slo, "p99 time-per-output-token target, e.g. '40 ms'");
  cmd->add_option("--scenario", o->scenario, "offline | server | latency (default: server with --rate, else offline)");
  cmd->add_option("--stack", o->stack, "Serving stack (default: the runtime's)");
  cmd->add_flag("--json", o->json, "Print JSON");
  cmd->footer(
      "Examples:\n"
      "  xpuplan infer --model llama3.3-70b -a h200-sxm --rate 20 --input-len 2048 --output-len 300 \\\n"
      "      --ttft-slo '1 s' --tpot-slo '40 ms' --precision fp8\n"
      "  xpuplan infer --model llama3.1-8b -a inf2 --chips 2 --batch 1 --scenario latency");
  cmd->callback([o, &st] { st.exit_code = run_infer(*o, st); });
}

}  // namespace xpu::cli
