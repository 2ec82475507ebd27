// xpuplan compare --model M --train --tokens T (--chips N | --deadline D) [...]
// xpuplan compare --model M --infer --rate R --input-len I --output-len O [SLOs] [...]
#include <fmt/format.h>

#include <memory>
#include <ostream>

#include "api/compare.h"
#include "base/check.h"
#include "cli/command.h"
#include "report/compare_report.h"
#include "report/markup.h"

namespace xpu::cli {
namespace {

struct CompareCli {
  FlagFields fields;
  bool json = false, csv = false;
  std::string html;
};

int run_compare(const CompareCli& c, RunState& st) {
  const DataSet data = load_data_for(st);
  auto read = read_compare_request(c.fields.json(), data, c.fields.style());
  if (c.json && c.csv)
    read.diagnostics.push_back(error_at({.pointer = "--csv"}, "--json and --csv exclude each other"));
  if (has_errors(read.diagnostics)) read.request.reset();
  const auto request = take(std::move(read), st);
  const auto report = answer(api::run_compare(data, request, budget_for_request(request.threads)), c.fields);
  // The answer first: a file that cannot be written must not lose it.
  st.io.out << (c.json ? dump_canonical(to_json(report)) : c.csv ? compare_to_csv(report.result) : to_text(report));
  st.io.out.flush();
  if (!c.html.empty()) {
    const std::string page = compare_to_html(report.result, data.catalog);
    XPU_CHECK(check_markup(page).empty() && external_references(page).empty());
    write_output("--html", c.html, page);
    if (!c.json && !c.csv) st.io.err << fmt::format("wrote {}\n", c.html);
  }
  return exit_code(report.outcome);
}

}  // namespace

void setup_compare(CLI::App& app, RunState& st) {
  auto c = std::make_shared<CompareCli>();
  const api::CompareRequest d;
  FlagFields& f = c->fields;
  CLI::App* cmd = app.add_subcommand(
      "compare", "Price-performance of one training run or service on every priced accelerator, ranked by cost");
  f.option(cmd, "--model", "Model key or Hugging Face config.json")->required();
  f.flag(cmd, "--train", "Compare a training run (needs --tokens and --chips or --deadline)");
  f.flag(cmd, "--infer", "Compare serving a load (needs --rate)");
  f.option(cmd, "--tokens", "Tokens to train, e.g. 15T");
  f.option(cmd, "--chips,-n", "Chips on every accelerator (the most it may use)");
  f.option(cmd, "--deadline", "Finish within this time, e.g. '90 days': the fewest chips that do");
  f.option(cmd, "--seq-len", "Training sequence length", std::to_string(d.seq_len));
  f.option(cmd, "--global-batch", "Sequences per step (default: ~4M tokens)");
  f.option(cmd, "--precision", "bf16, fp16, fp8, fp4, int8 (weights, when serving)", "bf16");
  f.option(cmd, "--kv-precision", "Serving KV cache: bf16, fp8 (default: fp8 with fp8/fp4 weights)");
  f.option(cmd, "--attention-precision",
           "Serving attention projections' weight format (default: bf16 in FP4 MoE checkpoints, else --precision)");
  f.option(cmd, "--rate", "Requests per second to serve");
  f.option(cmd, "--input-len", "Mean prompt tokens", std::to_string(static_cast<int>(d.input_len)));
  f.option(cmd, "--output-len", "Mean generated tokens", std::to_string(static_cast<int>(d.output_len)));
  f.option(cmd, "--ttft-slo", "Time-to-first-token target (p99), e.g. '1 s'");
  f.option(cmd, "--tpot-slo", "Time-per-output-token target (p99), e.g. '40 ms'");
  f.option(cmd, "--max-num-tokens",
           "Serving: tokens per engine iteration (TensorRT-LLM max_num_tokens, vLLM max_num_batched_tokens; "
           "default: each stack's prefill chunk)");
  f.option(cmd, "--term", "on-demand, spot, 1y, 3y, capacity-block, or owned", "on-demand");
  f.option(cmd, "--region", "Only offers in this region (default: the cheapest anywhere)");
  f.option(cmd, "--provider", "Only this provider's offers (aws, gcp, azure, oci, tensorwave, ...)");
  f.option(cmd, "--provider-class", "Only offers from this class of provider: hyperscaler, neocloud, other");
  f.option(cmd, "--utilization", "Share of committed (1y/3y) or owned hours doing paid work", "1");
  f.option(cmd, "--electricity", "Electricity price for --term owned", "0.08 $/kWh");
  f.option(cmd, "--pue", "Power usage effectiveness: facility power / IT power (energy, facility MW)",
           fmt::format("{}", d.pue));
  f.option(cmd, "--life", "Years over which --term owned depreciates the purchase", fmt::format("{}", d.life));
  f.option(cmd, "--baseline", "Accelerator the others are set against", d.baseline);
  f.list(cmd, "--accelerators", "Only these accelerators (comma-separated)");
  f.flag(cmd, "--sensitivity", "Vary each assumption and say whether the ranking changes");
  f.option(cmd, "--threads", "Threads (0 = all cores); results do not depend on it");
  cmd->add_flag("--json", c->json, "Print canonical JSON");
  cmd->add_flag("--csv", c->csv, "Print CSV");
  cmd->add_option("--html", c->html, "Also write a self-contained HTML report with charts to FILE")
      ->check(output_file_name());
  cmd->footer(
      "Each accelerator runs on the cheapest offer that rents a whole system of it under the term; accelerators\n"
      "without one, or without a layout that fits, are listed at the end with the reason.\n"
      "Exit status: 0 answered, 1 no accelerator could be compared, 2 bad input.\n"
      "Examples:\n"
      "  xpuplan compare --model llama3.1-70b --train --tokens 15T --chips 1024 --sensitivity\n"
      "  xpuplan compare --model llama3.1-70b --train --tokens 15T --deadline '90 days' --term 1y --html report.html\n"
      "  xpuplan compare --model llama3.3-70b --infer --rate 20 --input-len 2048 --output-len 300 \\\n"
      "      --ttft-slo '1 s' --tpot-slo '40 ms' --precision fp8");
  cmd->callback([c, &st] { st.exit_code = run_compare(*c, st); });
}

}  // namespace xpu::cli
