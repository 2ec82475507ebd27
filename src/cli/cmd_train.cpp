// xpuplan train --model M --accelerator A --chips N [layout flags] [--top K] [--json]
#include <memory>
#include <ostream>

#include "api/train.h"
#include "base/parallel.h"
#include "cli/command.h"
#include "report/engine_report.h"

namespace xpu::cli {
namespace {

struct TrainCli {
  FlagFields fields;
  bool json = false;
};

int run_train(const TrainCli& c, RunState& st) {
  const DataSet data = load_data_for(st);
  const auto request = take(read_train_request(c.fields.json(), data, c.fields.style()), st);
  const auto report = answer(api::run_train(data, request, budget_for_request(request.threads)), c.fields);
  st.io.out << (c.json ? dump_canonical(to_json(report)) : to_text(report));
  return exit_code(report.outcome);
}

}  // namespace

void setup_train(CLI::App& app, RunState& st) {
  auto c = std::make_shared<TrainCli>();
  const api::TrainRequest d;
  FlagFields& f = c->fields;
  CLI::App* cmd = app.add_subcommand("train", "Time, memory and MFU of a training run, with the best parallel layout");
  f.option(cmd, "--model", "Model key or Hugging Face config.json")->required();
  f.option(cmd, "--accelerator,-a", "Accelerator or system key (see 'xpuplan catalog')")->required();
  f.option(cmd, "--chips,-n", "Chips (the most the run may use: a count with no valid layout uses fewer)")->required();
  f.option(cmd, "--seq-len", "Sequence length in tokens", std::to_string(d.seq_len));
  f.option(cmd, "--global-batch", "Sequences per optimizer step (default: ~4M tokens)");
  f.option(cmd, "--precision", "Matmul precision: bf16, fp16, fp8, fp4, int8", "bf16");
  f.option(cmd, "--tokens", "Tokens to train, e.g. 15T, 2.5e12 (gives time and chip-hours)");
  f.option(cmd, "--stack", "Software stack (default: the runtime's training stack)");
  f.option(cmd, "--tp", "Fix the tensor-parallel degree");
  f.option(cmd, "--pp", "Fix the pipeline-parallel degree");
  f.option(cmd, "--dp", "Fix the data-parallel degree");
  f.option(cmd, "--cp", "Fix the context-parallel degree");
  f.option(cmd, "--ep", "Fix the expert-parallel degree");
  f.option(cmd, "--vpp", "Fix the interleaved virtual stages per pipeline rank");
  f.option(cmd, "--micro-batch", "Fix the micro-batch (sequences)");
  f.option(cmd, "--recompute", "Fix activation recompute: none, selective, full");
  f.option(cmd, "--sharding", "Fix optimizer sharding: none, zero1, zero2, zero3, fsdp");
  f.flag(cmd, "--sequence-parallel", "Fix sequence parallelism on");
  f.flag(cmd, "--no-sequence-parallel", "Fix sequence parallelism off", "sequence_parallel", false);
  f.option(cmd, "--top", "Layouts to list", std::to_string(d.top));
  f.option(cmd, "--memory-margin", "HBM fraction kept free for the safe pick", "0.1");
  f.option(cmd, "--threads", "Search threads (0 = all cores); results do not depend on it");
  cmd->add_flag("--json", c->json, "Print JSON");
  cmd->footer(
      "With every layout degree given it estimates that layout; otherwise it searches the rest.\n"
      "Exit status: 0 a layout fits, 1 none fits (the closest is shown), 2 bad input.\n"
      "Examples:\n"
      "  xpuplan train --model llama3.1-405b -a h100-sxm -n 16384 --tokens 15T --seq-len 8192 --global-batch 2048\n"
      "  xpuplan train --model gpt3-175b -a a100-80gb -n 1024 --seq-len 2048 --global-batch 1536\n"
      "  xpuplan train --model ./config.json -a tpu-v5p -n 512 --precision bf16 --json");
  cmd->callback([c, &st] { st.exit_code = run_train(*c, st); });
}

}  // namespace xpu::cli
