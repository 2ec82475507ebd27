#include "workload/checkpoint.h"

namespace xpu {

Bytes checkpoint_bytes(const ModelArch& m) { return Bytes(count_parameters(m).total * kCheckpointBytesPerParameter); }

}  // namespace xpu
