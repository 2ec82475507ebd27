#include "report/json_perf.h"

namespace xpu {

Json to_json(const Layout& l) {
  return {{"tp", l.tp},
          {"pp", l.pp},
          {"dp", l.dp},
          {"cp", l.cp},
          {"ep", l.ep},
          {"vpp", l.vpp},
          {"micro_batch", l.micro_batch},
          {"recompute", to_string(l.recompute)},
          {"sharding", to_string(l.sharding)},
          {"sequence_parallel", l.sequence_parallel}};
}

Json to_json(const TrainingEstimate& e) {
  const TrainingTime& t = e.time;
  const TrainingMemory& m = e.memory;
  return {{"step_time_s", e.step_time.si()},
          {"micro_batches", e.micro_batches},
          {"tokens_per_s_per_chip", e.tokens_per_s_per_chip},
          {"model_tflops_per_chip", in_tflops(e.model_flops_per_chip)},
          {"mfu", e.mfu},
          {"mfu_bf16", e.mfu_bf16},
          {"time_s",
           {{"gemm", t.gemm.si()},
            {"attention", t.attention.si()},
            {"memory_bound", t.memory_bound.si()},
            {"recompute", t.recompute.si()},
            {"overhead", t.overhead.si()},
            {"tp_comm", t.tp_comm.si()},
            {"cp_comm", t.cp_comm.si()},
            {"ep_comm", t.ep_comm.si()},
            {"pp_comm", t.pp_comm.si()},
            {"bubble", t.bubble.si()},
            {"dp_comm", t.dp_comm.si()},
            {"optimizer", t.optimizer.si()},
            {"step_overhead", t.step_overhead.si()}}},
          {"memory_gb",
           {{"weights", in_gb(m.weights)},
            {"gradients", in_gb(m.gradients)},
            {"optimizer", in_gb(m.optimizer)},
            {"activations", in_gb(m.activations)},
            {"reserve", in_gb(m.reserve)},
            {"total", in_gb(m.total())},
            {"capacity", in_gb(e.capacity)}}},
          {"fits", e.fits}};
}

}  // namespace xpu
