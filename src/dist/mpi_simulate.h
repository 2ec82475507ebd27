// simulate() across MPI ranks. Rank r of K takes the contiguous block of
// replicas [N r / K, N (r + 1) / K); rank 0 gathers every block's records in
// rank order, which is replica order, and summarizes them. Since each
// replica's draws depend only on (seed, replica, stream) and the summary reads
// the records in replica order, the result is byte-identical to simulate() in
// one process, for any K and any thread budget per rank.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/simulate.h"

namespace xpu {

// The first replica of rank `rank` of `ranks` for `replicas` in all.
uint32_t first_replica(uint32_t replicas, int rank, int ranks);

// Collective over `comm`: every rank passes the same prepared simulation. The
// records of every replica, in replica order, on rank 0; nullopt on the
// others. `threads` is each rank's budget.
std::optional<std::vector<double>> simulate_mpi_records(const PreparedSim& prep, MPI_Comm comm, unsigned threads);

// The same, summarized: the result on rank 0; nullopt on the others.
std::optional<SimResult> simulate_mpi(const PreparedSim& prep, MPI_Comm comm, unsigned threads);

}  // namespace xpu
