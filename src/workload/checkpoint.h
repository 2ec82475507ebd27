// The size of a training checkpoint: the one figure the planner (a move's
// transfer and egress, a gang's checkpoint writes in its goodput) and the
// simulator (checkpoint writes, Young/Daly's interval) both use.
#pragma once

#include "base/units.h"
#include "workload/model.h"

namespace xpu {

// Bytes a training checkpoint stores per parameter: bf16 weights (2 B) plus
// fp32 master weights and Adam's two moments (12 B), the 2 B gradients not
// saved (ZeRO's accounting of model state, Rajbhandari et al. 2020, sec. 3.1,
// https://arxiv.org/abs/1910.02054).
inline constexpr double kCheckpointBytesPerParameter = 14.0;

// Bytes of a training checkpoint of `m`: every parameter (count_parameters' total) at the bytes above.
Bytes checkpoint_bytes(const ModelArch& m);

}  // namespace xpu
