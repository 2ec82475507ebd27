// How `xpuplan simulate` runs its replicas when the binary was started by an
// MPI launcher (dist/mpi_launch.h installs the runner before the CLI runs;
// without one, replicas run in this process).
#pragma once

#include "api/simulate.h"

namespace xpu::cli {

void set_replica_runner(api::ReplicaRunner runner);
const api::ReplicaRunner& replica_runner();

}  // namespace xpu::cli
