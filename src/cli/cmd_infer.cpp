// xpuplan infer --model M --accelerator A [--chips N] [--rate R | --batch B] [SLOs] [--json]
#include <memory>
#include <ostream>

#include "api/infer.h"
#include "cli/command.h"
#include "report/engine_report.h"

namespace xpu::cli {
namespace {

struct InferCli {
  FlagFields fields;
  bool json = false;
};

int run_infer(const InferCli& c, RunState& st) {
  const DataSet data = load_data_for(st);
  const auto request = take(read_infer_request(c.fields.json(), data, c.fields.style()), st);
  const auto report = answer(api::run_infer(data, request), c.fields);
  st.io.out << (c.json ? dump_canonical(to_json(report)) : to_text(report));
  return exit_code(report.outcome);
}

}  // namespace

void setup_infer(CLI::App& app, RunState& st) {
  auto c = std::make_shared<InferCli>();
  const api::InferRequest d;
  FlagFields& f = c->fields;
  CLI::App* cmd =
      app.add_subcommand("infer", "Latency, throughput and memory of serving a model, with the layout that meets SLOs");
  f.option(cmd, "--model", "Model key or Hugging Face config.json")->required();
  f.option(cmd, "--accelerator,-a", "Accelerator or system key")->required();
  f.option(cmd, "--chips,-n", "Chips per replica (default: searched)");
  f.option(cmd, "--tp", "Tensor-parallel degree per replica");
  f.option(cmd, "--pp", "Pipeline stages per replica");
  f.option(cmd, "--ep", "Expert-parallel degree (MoE)");
  f.option(cmd, "--attn-dp", "Attention data-parallel degree (MoE; divides --tp)");
  f.option(cmd, "--precision", "Weight format: bf16, fp16, fp8, fp4, int8", "bf16");
  f.option(cmd, "--kv-precision", "KV-cache format: bf16, fp8 (default: fp8 with fp8/fp4 weights, unless weight-only)");
  f.option(cmd, "--attention-precision",
           "Attention projections' weight format (default: bf16 in FP4 MoE checkpoints, else --precision)");
  f.flag(cmd, "--weight-only", "Weights stored low-precision, matmuls in bf16");
  f.option(cmd, "--input-len", "Mean prompt tokens", std::to_string(static_cast<int>(d.input_len)));
  f.option(cmd, "--output-len", "Mean generated tokens", std::to_string(static_cast<int>(d.output_len)));
  f.option(cmd, "--batch", "Fixed batch (latency) or concurrency cap (offline)");
  f.option(cmd, "--rate", "Requests per second to serve");
  f.option(cmd, "--ttft-slo", "Time-to-first-token target (p99), e.g. '1 s'");
  f.option(cmd, "--tpot-slo", "Time-per-output-token target (p99), e.g. '40 ms'");
  f.option(cmd, "--scenario",
           "offline | server | latency (default: server with --rate, latency with --batch, else offline)");
  f.option(cmd, "--max-num-tokens",
           "Tokens per engine iteration (TensorRT-LLM max_num_tokens, vLLM max_num_batched_tokens; "
           "default: the stack's prefill chunk)");
  f.option(cmd, "--stack", "Serving stack (default: the runtime's)");
  cmd->add_flag("--json", c->json, "Print JSON");
  cmd->footer(
      "Exit status: 0 answered, 1 the model does not fit or no layout meets the SLOs (the closest is shown),\n"
      "2 bad input.\n"
      "Examples:\n"
      "  xpuplan infer --model llama3.3-70b -a h200-sxm --rate 20 --input-len 2048 --output-len 300 \\\n"
      "      --ttft-slo '1 s' --tpot-slo '40 ms' --precision fp8\n"
      "  xpuplan infer --model llama3.1-8b -a inf2 --chips 2 --batch 1 --scenario latency");
  cmd->callback([c, &st] { st.exit_code = run_infer(*c, st); });
}

}  // namespace xpu::cli
