// xpuplan train --model M --accelerator A --chips N [layout flags] [--top K] [--json]
#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <optional>
#include <ostream>

#include "base/parallel.h"
#include "base/unit_text.h"
#include "cli/command.h"
#include "cli/flags.h"
#include "cli/resolve.h"
#include "evidence/interval.h"
#include "perf/search.h"
#include "report/json_perf.h"
#include "report/table.h"

namespace xpu::cli {
namespace {

struct TrainOptions {
  std::string model, accelerator, stack, precision = "bf16", tokens, recompute, sharding;
  int chips = 0, seq_len = 8192, global_batch = 0, top = 5;
  std::optional<int> tp, pp, dp, cp, ep, vpp, micro_batch;
  bool sequence_parallel = false, no_sequence_parallel = false, json = false;
  double memory_margin = 0.1;
  unsigned threads = 0;
};

double e_tokens(const TrainingJob& j) { return static_cast<double>(j.global_batch) * j.seq_len; }

std::string pct(double part, double whole) { return whole > 0 ? fmt::format("{:.1f}%", 100.0 * part / whole) : "-"; }

void print_breakdown(std::ostream& out, const TrainingEstimate& e) {
  const TrainingTime& t = e.time;
  const double total = e.step_time.si();
  const std::vector<std::pair<const char*, Seconds>> parts{{"matmuls", t.gemm},
                                                           {"attention", t.attention},
                                                           {"memory-bound ops", t.memory_bound},
                                                           {"recompute", t.recompute},
                                                           {"launch overhead", t.overhead},
                                                           {"TP comm (exposed)", t.tp_comm},
                                                           {"CP comm (exposed)", t.cp_comm},
                                                           {"EP comm (exposed)", t.ep_comm},
                                                           {"PP sends (exposed)", t.pp_comm},
                                                           {"pipeline bubble", t.bubble},
                                                           {"DP/FSDP comm (exposed)", t.dp_comm},
                                                           {"optimizer", t.optimizer}};
  out << "  time per step:\n";
  for (const auto& [name, v] : parts) {
    if (v.si() <= 0) continue;
    out << fmt::format("    {:<24} {:>10}  {:>6}\n", name, to_text(v), pct(v.si(), total));
  }
  const TrainingMemory& m = e.memory;
  out << fmt::format("  memory per chip: {} of {} ({}){}\n", to_text(m.total()), to_text(e.capacity),
                     pct(m.total().si(), e.capacity.si()),
                     e.fits ? "" : fmt::format(" -- does not fit, {} missing", to_text(e.missing())));
  out << fmt::format("    weights {}, gradients {}, optimizer {}, activations {}, reserve {}\n", to_text(m.weights),
                     to_text(m.gradients), to_text(m.optimizer), to_text(m.activations), to_text(m.reserve));
}

void print_estimate(std::ostream& out, const Layout& l, const TrainingEstimate& e, const TrainingContext& ctx,
                    double tokens, const PredictionInterval& iv) {
  out << fmt::format("  layout: {}\n", describe(l));
  out << fmt::format("  step time {} ({} micro-batches), {} tokens/s per chip (80% interval {}..{})\n",
                     to_text(e.step_time), e.micro_batches, fmt_num(e.tokens_per_s_per_chip, 4),
                     fmt_num(e.tokens_per_s_per_chip * iv.low, 3), fmt_num(e.tokens_per_s_per_chip * iv.high, 3));
  if (iv.cases > 0) {
    out << fmt::format("  evidence: stack fitted to {} published runs, leave-one-out median error {:.1f}%\n", iv.cases,
                       iv.median_abs_pct);
  }
  for (const auto& x : iv.extrapolations) out << fmt::format("  extrapolating: {}\n", x);
  if (ctx.precision == Precision::bf16) {
    out << fmt::format("  model {} TFLOP/s per chip, MFU {:.1f}% of the bf16 peak\n",
                       fmt_num(in_tflops(e.model_flops_per_chip), 4), e.mfu * 100);
  } else {
    out << fmt::format("  model {} TFLOP/s per chip, MFU {:.1f}% of the {} peak ({:.1f}% of the bf16 peak)\n",
                       fmt_num(in_tflops(e.model_flops_per_chip), 4), e.mfu * 100, to_string(ctx.precision),
                       e.mfu_bf16 * 100);
  }
  if (tokens > 0) {
    const Seconds t = Seconds(tokens / (e.tokens_per_s_per_chip * l.chips()));
    out << fmt::format("  {:.4g}T tokens: {} on {} chips, {:.4g}M chip-hours\n", tokens * 1e-12, to_text(t), l.chips(),
                       in_hours(t) * l.chips() * 1e-6);
  }
  print_breakdown(out, e);
}

int run_train(const TrainOptions& o, RunState& st) {
  DataSet data = load_data_for(st);
  ModelArch model = resolve_model(data, o.model, "--model");
  HardwareChoice hw = resolve_hardware(data, o.accelerator, "--accelerator");
  const StackEfficiency& stack = resolve_stack(data, *hw.accelerator, Mode::train, o.stack, "--stack");
  Diagnostics bad;
  require_positive(o.chips, "--chips", bad);
  require_positive(o.seq_len, "--seq-len", bad);
  TrainingJob job;
  job.seq_len = o.seq_len;
  job.precision =
      parse_choice<Precision>(o.precision, "--precision", parse_precision, {"bf16", "fp16", "fp8", "fp4", "int8"}, bad);
  job.tokens = o.tokens.empty() ? 0 : parse_count(o.tokens, "--tokens", bad);
  // Default global batch: about 4M tokens per step, a common pre-training choice.
  job.global_batch = o.global_batch > 0 ? o.global_batch : std::max(1, (1 << 22) / std::max(1, o.seq_len));
  SearchOptions so;
  so.fixed = {o.tp, o.pp, o.dp, o.cp, o.ep, o.vpp, o.micro_batch, {}, {}, {}};
  if (!o.recompute.empty()) {
    so.fixed.recompute =
        parse_choice<Recompute>(o.recompute, "--recompute", parse_recompute, {"none", "selective", "full"}, bad);
  }
  if (!o.sharding.empty()) {
    so.fixed.sharding = parse_choice<Sharding>(o.sharding, "--sharding", parse_sharding,
                                               {"none", "zero1", "zero2", "zero3", "fsdp"}, bad);
  }
  if (o.sequence_parallel) so.fixed.sequence_parallel = true;
  if (o.no_sequence_parallel) so.fixed.sequence_parallel = false;
  if (has_errors(bad)) throw InputError(std::move(bad));
  so.top = o.top;
  so.memory_margin = o.memory_margin;
  so.threads = budget_for_request(o.threads);

  const Fabric fabric = make_fabric(*hw.accelerator, hw.system, o.chips);
  const TrainingContext ctx = prepare_training(model, fabric, stack, job);
  const PredictionInterval iv = throughput_interval(stack, hw.accelerator->key, ctx.precision, o.chips);
  const auto t0 = std::chrono::steady_clock::now();
  SearchResult r = search_layouts(ctx, o.chips, so);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

  if (o.json) {
    Json best = Json::array();
    for (const auto& b : r.best) best.push_back({{"layout", to_json(b.layout)}, {"estimate", to_json(b.estimate)}});
    Json j = {{"model", model.key},
              {"accelerator", hw.accelerator->key},
              {"system", hw.system ? hw.system->key : ""},
              {"stack", stack.key},
              {"chips", o.chips},
              {"seq_len", job.seq_len},
              {"global_batch", job.global_batch},
              {"precision", to_string(job.precision)},
              {"precision_used", to_string(ctx.precision)},
              {"layouts", best},
              {"evaluated", r.evaluated},
              {"fitting", r.fitting}};
    if (r.safe) j["safe"] = {{"layout", to_json(r.safe->layout)}, {"estimate", to_json(r.safe->estimate)}};
    if (r.closest) j["closest"] = {{"layout", to_json(r.closest->layout)}, {"estimate", to_json(r.closest->estimate)}};
    Json ext = Json::array();
    for (const auto& x : iv.extrapolations) ext.push_back(x);
    j["interval"] = {
        {"tokens_per_s_per_chip_low", r.best.empty() ? 0.0 : r.best.front().estimate.tokens_per_s_per_chip * iv.low},
        {"tokens_per_s_per_chip_high", r.best.empty() ? 0.0 : r.best.front().estimate.tokens_per_s_per_chip * iv.high},
        {"evidence_cases", iv.cases},
        {"loo_median_abs_error_pct", iv.median_abs_pct},
        {"extrapolations", ext}};
    if (job.tokens > 0 && !r.best.empty()) {
      const double tps = r.best.front().estimate.tokens_per_s_per_chip * o.chips;
      j["tokens"] = job.tokens;
      j["train_time_s"] = job.tokens / tps;
      j["chip_hours"] = job.tokens / tps / 3600.0 * o.chips;
    }
    st.io.out << dump_canonical(j);
    return r.best.empty() ? 1 : 0;
  }

  auto& out = st.io.out;
  out << fmt::format("{} on {} x {} ({}), stack {}\n", model.name.empty() ? model.key : model.name, o.chips,
                     hw.accelerator->key, hw.system ? hw.system->key : "default domain", stack.key);
  out << fmt::format("seq {} tokens, global batch {} sequences ({} tokens), {}{}\n", job.seq_len, job.global_batch,
                     fmt_num(e_tokens(job), 4), to_string(job.precision),
                     ctx.precision != job.precision ? fmt::format(" (runs at {} on this chip: no faster {} path)",
                                                                  to_string(ctx.precision), to_string(job.precision))
                                                    : "");
  if (r.best.empty() && !r.closest) {
    out << fmt::format("No valid layout: {}.\n",
                       r.invalid.empty() ? "the constraints exclude every layout" : r.invalid);
    return 1;
  }
  if (r.best.empty()) {
    out << "No layout fits in memory.\n";
    if (r.closest) {
      out << fmt::format("Closest: {} needs {} more per chip.\n", describe(r.closest->layout),
                         to_text(r.closest->estimate.missing()));
      print_breakdown(out, r.closest->estimate);
    }
    out << fmt::format("Searched {} layouts in {:.0f} ms.\n", r.evaluated, ms);
    return 1;
  }
  out << "Best layout:\n";
  print_estimate(out, r.best.front().layout, r.best.front().estimate, ctx, job.tokens, iv);
  if (r.safe && !(r.safe->layout == r.best.front().layout)) {
    out << fmt::format("Fastest leaving {:.0f}% of memory free: {} ({} tokens/s per chip, {} used)\n",
                       o.memory_margin * 100, describe(r.safe->layout),
                       fmt_num(r.safe->estimate.tokens_per_s_per_chip, 4), to_text(r.safe->estimate.memory.total()));
  }
  if (r.best.size() > 1) {
    TextTable t;
    t.header = {"#", "layout", "step", "tok/s/chip", "MFU", "memory"};
    t.right_align = {true, false, true, true, true, true};
    int i = 1;
    for (const auto& b : r.best) {
      t.rows.push_back({std::to_string(i++), describe(b.layout), to_text(b.estimate.step_time),
                        fmt_num(b.estimate.tokens_per_s_per_chip, 4), fmt::format("{:.1f}%", b.estimate.mfu * 100),
                        to_text(b.estimate.memory.total())});
    }
    out << "\n" << render(t);
  }
  out << fmt::format("\nEvaluated {} layouts ({} fit in memory, {} subtrees pruned) in {:.0f} ms on {} threads.\n",
                     r.evaluated, r.fitting, r.pruned, ms, so.threads.threads());
  return 0;
}

}  // namespace

void setup_train(CLI::App& app, RunState& st) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Time, memory and MFU of a training run, with the best parallel layout");
  cmd->add_option("--model", o->model, "Model key or Hugging Face config.json")->required();
  cmd->add_option("--accelerator,-a", o->accelerator, "Accelerator or system key (see 'xpuplan catalog')")->required();
  cmd->add_option("--chips,-n", o->chips, "Number of chips")->required();
  cmd->add_option("--seq-len", o->seq_len, "Sequence length in tokens")->capture_default_str();
  cmd->add_option("--global-batch", o->global_batch, "Sequences per optimizer step (default: ~4M tokens)");
  cmd->add_option("--precision", o->precision, "Matmul precision: bf16, fp16, fp8, fp4, int8")->capture_default_str();
  cmd->add_option("--tokens", o->tokens, "Tokens to train, e.g. 15T, 2.5e12 (gives time and chip-hours)");
  cmd->add_option("--stack", o->stack, "Software stack (default: the runtime's training stack)");
  cmd->add_option("--tp", o->tp, "Fix the tensor-parallel degree");
  cmd->add_option("--pp", o->pp, "Fix the pipeline-parallel degree");
  cmd->add_option("--dp", o->dp, "Fix the data-parallel degree");
  cmd->add_option("--cp", o->cp, "Fix the context-parallel degree");
  cmd->add_option("--ep", o->ep, "Fix the expert-parallel degree");
  cmd->add_option("--vpp", o->vpp, "Fix the interleaved virtual stages per pipeline rank");
  cmd->add_option("--micro-batch", o->micro_batch, "Fix the micro-batch (sequences)");
  cmd->add_option("--recompute", o->recompute, "Fix activation recompute: none, selective, full");
  cmd->add_option("--sharding", o->sharding, "Fix optimizer sharding: none, zero1, zero2, zero3, fsdp");
  cmd->add_flag("--sequence-parallel", o->sequence_parallel, "Fix sequence parallelism on");
  cmd->add_flag("--no-sequence-parallel", o->no_sequence_parallel, "Fix sequence parallelism off");
  cmd->add_option("--top", o->top, "Layouts to list")->capture_default_str();
  cmd->add_option("--memory-margin", o->memory_margin, "HBM fraction kept free for the safe pick")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "Search threads (0 = all cores)");
  cmd->add_flag("--json", o->json, "Print JSON");
  cmd->footer(
      "With every layout degree given it estimates that layout; otherwise it searches the rest.\n"
      "Examples:\n"
      "  xpuplan train --model llama3.1-405b -a h100-sxm -n 16384 --tokens 15T --seq-len 8192 --global-batch 2048\n"
      "  xpuplan train --model gpt3-175b -a a100-80gb -n 1024 --seq-len 2048 --global-batch 1536\n"
      "  xpuplan train --model ./config.json -a tpu-v5p -n 512 --precision bf16 --json");
  cmd->callback([o, &st] { st.exit_code = run_train(*o, st); });
}

}  // namespace xpu::cli
