// xpuplan compare --model M --train --tokens T (--chips N | --deadline D) [...]
// xpuplan compare --model M --infer --rate R --input-len I --output-len O [SLOs] [...]
#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <optional>
#include <ostream>

#include "analysis/compare.h"
#include "base/check.h"
#include "base/parallel.h"
#include "base/suggest.h"
#include "cli/command.h"
#include "cli/flags.h"
#include "cli/resolve.h"
#include "report/compare_report.h"
#include "report/markup.h"

namespace xpu::cli {
namespace {

struct CompareOptions {
  std::string model, tokens, deadline, precision = "bf16", kv_precision, term = "on-demand", region,
                                       baseline = "h100-sxm", electricity = "0.08 $/kWh", html;
  std::string rate, input_len = "2048", output_len = "256", ttft_slo, tpot_slo;
  std::vector<std::string> accelerators;
  std::optional<int> chips;
  int seq_len = 8192, global_batch = 0;
  double utilization = 1.0, pue = CompareRequest{}.pue, life = OwnedParams{}.years;
  bool train = false, infer = false, sensitivity = false, json = false, csv = false;
  unsigned threads = 0;
};

// `value` must be one of `known`; else "<what> '<value>'" with a near miss.
void check_choice(const std::string& value, const std::vector<std::string>& known, const std::string& flag,
                  const std::string& what, Diagnostics& bad) {
  if (value.empty() || std::find(known.begin(), known.end(), value) != known.end()) return;
  bad.push_back(flag_error(flag, fmt::format("{} '{}'{}", what, value, did_you_mean(value, known))));
}

CompareRequest build_request(const CompareOptions& o, const DataSet& data) {
  CompareRequest r;
  Diagnostics bad;
  if (o.train == o.infer) {
    bad.push_back(flag_error(o.train ? "--infer" : "--train",
                             o.train ? "--train and --infer exclude each other" : "give --train or --infer"));
  }
  r.mode = o.infer ? Mode::infer : Mode::train;
  const std::vector<std::string> precisions{"bf16", "fp16", "fp8", "fp4", "int8"};
  if (o.train == o.infer) {
    // Which workload is meant is unknown: its own flags are not checked.
  } else if (r.mode == Mode::train) {
    if (o.tokens.empty()) {
      bad.push_back(flag_error("--tokens", "training needs the tokens to train, e.g. 15T"));
    } else {
      r.training.tokens = parse_count(o.tokens, "--tokens", bad);
    }
    if (o.chips && !o.deadline.empty()) {
      bad.push_back(flag_error("--deadline", "--chips and --deadline exclude each other"));
    } else if (!o.chips && o.deadline.empty()) {
      bad.push_back(flag_error("--chips", "give --chips N, or --deadline to find the fewest chips"));
    }
    if (o.chips) require_positive(*o.chips, "--chips", bad);
    r.chips = o.chips;
    if (!o.deadline.empty()) r.deadline = parse_flag_quantity<Seconds>(o.deadline, "--deadline", bad);
    require_positive(o.seq_len, "--seq-len", bad);
    r.training.seq_len = o.seq_len;
    // Default global batch: about 4M tokens per step, as `xpuplan train` uses.
    r.training.global_batch = o.global_batch > 0 ? o.global_batch : std::max(1, (1 << 22) / std::max(1, o.seq_len));
    r.training.precision = parse_choice<Precision>(o.precision, "--precision", parse_precision, precisions, bad);
  } else {
    if (o.rate.empty()) {
      bad.push_back(flag_error("--rate", "serving needs a request rate, e.g. --rate 20"));
    } else {
      r.rate = parse_count(o.rate, "--rate", bad);
    }
    r.serving.input_len = parse_count(o.input_len, "--input-len", bad);
    r.serving.output_len = parse_count(o.output_len, "--output-len", bad);
    r.serving.weights = parse_choice<Precision>(o.precision, "--precision", parse_precision, precisions, bad);
    r.serving.kv =
        o.kv_precision.empty()
            ? (r.serving.weights == Precision::fp8 || r.serving.weights == Precision::fp4 ? Precision::fp8
                                                                                          : Precision::bf16)
            : parse_choice<Precision>(o.kv_precision, "--kv-precision", parse_precision, {"bf16", "fp8"}, bad);
    if (!o.ttft_slo.empty()) {
      if (auto v = parse_flag_quantity<Seconds>(o.ttft_slo, "--ttft-slo", bad)) r.slo.ttft = *v;
    }
    if (!o.tpot_slo.empty()) {
      if (auto v = parse_flag_quantity<Seconds>(o.tpot_slo, "--tpot-slo", bad)) r.slo.tpot = *v;
    }
  }
  std::vector<std::string> bases = term_names();
  bases.emplace_back("owned");
  if (o.term == "owned") {
    r.basis.owned = true;
  } else {
    r.basis.term = parse_choice<Term>(o.term, "--term", parse_term, bases, bad);
  }
  if (!(o.utilization > 0 && o.utilization <= 1)) {
    bad.push_back(flag_error("--utilization", fmt::format("must be in (0, 1], got {}", o.utilization)));
  } else {
    r.basis.utilization = o.utilization;
    r.basis.ownership.utilization = o.utilization;
  }
  if (auto e = parse_flag_quantity<EnergyPrice>(o.electricity, "--electricity", bad))
    r.basis.ownership.electricity = *e;
  if (!(o.pue >= 1 && o.pue <= 3)) {
    bad.push_back(flag_error("--pue", fmt::format("must be in [1, 3] (facility power / IT power), got {}", o.pue)));
  } else {
    r.pue = o.pue;
  }
  if (!(o.life > 0 && o.life <= 20)) {
    bad.push_back(flag_error("--life", fmt::format("must be in (0, 20] years, got {}", o.life)));
  } else {
    r.basis.ownership.years = o.life;
  }
  const auto accelerators = data.catalog.accelerator_keys();
  check_choice(o.baseline, accelerators, "--baseline", "unknown accelerator", bad);
  r.baseline = o.baseline;
  for (const auto& a : o.accelerators) check_choice(a, accelerators, "--accelerators", "unknown accelerator", bad);
  r.accelerators = o.accelerators;
  if (!o.region.empty()) check_choice(o.region, data.prices.regions(), "--region", "no offers in region", bad);
  r.region = o.region;
  if (o.json && o.csv) bad.push_back(flag_error("--csv", "--json and --csv exclude each other"));
  if (has_errors(bad)) throw InputError(std::move(bad));
  r.sensitivity = o.sensitivity;
  r.threads = budget_for_request(o.threads);
  return r;
}

int run_compare_cmd(const CompareOptions& o, RunState& st) {
  DataSet data = load_data_for(st);
  CompareRequest r = build_request(o, data);
  r.model = resolve_model(data, o.model, "--model");
  const CompareResult res = run_compare(data, r);
  if (!o.html.empty()) {
    const std::string page = compare_to_html(res, data.catalog);
    XPU_CHECK(check_markup(page).empty() && external_references(page).empty());
    std::ofstream f(o.html, std::ios::binary);
    f << page;
    if (!f) throw InputError({flag_error("--html", fmt::format("cannot write '{}'", o.html))});
    if (!o.json && !o.csv) st.io.err << fmt::format("wrote {}\n", o.html);
  }
  if (o.json) {
    st.io.out << dump_canonical(compare_to_json(res));
  } else if (o.csv) {
    st.io.out << compare_to_csv(res);
  } else {
    st.io.out << compare_to_text(res);
  }
  return res.options.empty() ? 1 : 0;
}

}  // namespace

void setup_compare(CLI::App& app, RunState& st) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "Price-performance of one training run or service on every priced accelerator, ranked by cost");
  cmd->add_option("--model", o->model, "Model key or Hugging Face config.json")->required();
  cmd->add_flag("--train", o->train, "Compare a training run (needs --tokens and --chips or --deadline)");
  cmd->add_flag("--infer", o->infer, "Compare serving a load (needs --rate)");
  cmd->add_option("--tokens", o->tokens, "Tokens to train, e.g. 15T");
  cmd->add_option("--chips,-n", o->chips, "Chips on every accelerator");
  cmd->add_option("--deadline", o->deadline, "Finish within this time, e.g. '90 days': the fewest chips that do");
  cmd->add_option("--seq-len", o->seq_len, "Training sequence length")->capture_default_str();
  cmd->add_option("--global-batch", o->global_batch, "Sequences per step (default: ~4M tokens)");
  cmd->add_option("--precision", o->precision, "bf16, fp16, fp8, fp4, int8 (weights, when serving)")
      ->capture_default_str();
  cmd->add_option("--kv-precision", o->kv_precision, "Serving KV cache: bf16, fp8 (default: fp8 with fp8/fp4 weights)");
  cmd->add_option("--rate", o->rate, "Requests per second to serve");
  cmd->add_option("--input-len", o->input_len, "Mean prompt tokens")->capture_default_str();
  cmd->add_option("--output-len", o->output_len, "Mean generated tokens")->capture_default_str();
  cmd->add_option("--ttft-slo", o->ttft_slo, "Time-to-first-token target, e.g. '1 s'");
  cmd->add_option("--tpot-slo", o->tpot_slo, "Time-per-output-token target, e.g. '40 ms'");
  cmd->add_option("--term", o->term, "on-demand, spot, 1y, 3y, capacity-block, or owned")->capture_default_str();
  cmd->add_option("--region", o->region, "Only offers in this region (default: the cheapest anywhere)");
  cmd->add_option("--utilization", o->utilization, "Share of committed (1y/3y) or owned hours doing paid work")
      ->capture_default_str();
  cmd->add_option("--electricity", o->electricity, "Electricity price for --term owned")->capture_default_str();
  cmd->add_option("--pue", o->pue, "Power usage effectiveness: facility power / IT power (energy, facility MW)")
      ->capture_default_str();
  cmd->add_option("--life", o->life, "Years over which --term owned depreciates the purchase")->capture_default_str();
  cmd->add_option("--baseline", o->baseline, "Accelerator the others are set against")->capture_default_str();
  cmd->add_option("--accelerators", o->accelerators, "Only these accelerators (comma-separated)")->delimiter(',');
  cmd->add_flag("--sensitivity", o->sensitivity, "Vary each assumption and say whether the ranking changes");
  cmd->add_flag("--json", o->json, "Print canonical JSON");
  cmd->add_flag("--csv", o->csv, "Print CSV");
  cmd->add_option("--html", o->html, "Also write a self-contained HTML report with charts to FILE");
  cmd->add_option("--threads", o->threads, "Threads (0 = all cores); results do not depend on it");
  cmd->footer(
      "Each accelerator runs on the cheapest offer that rents a whole system of it under the term; accelerators\n"
      "without one, or without a layout that fits, are listed at the end with the reason.\n"
      "Examples:\n"
      "  xpuplan compare --model llama3.1-70b --train --tokens 15T --chips 1024 --sensitivity\n"
      "  xpuplan compare --model llama3.1-70b --train --tokens 15T --deadline '90 days' --term 1y --html report.html\n"
      "  xpuplan compare --model llama3.3-70b --infer --rate 20 --input-len 2048 --output-len 300 \\\n"
      "      --ttft-slo '1 s' --tpot-slo '40 ms' --precision fp8");
  cmd->callback([o, &st] { st.exit_code = run_compare_cmd(*o, st); });
}

}  // namespace xpu::cli
