#include "dist/mpi_simulate.h"

#include <limits>
#include <stdexcept>
#include <vector>

namespace xpu {

uint32_t first_replica(uint32_t replicas, int rank, int ranks) {
  return static_cast<uint32_t>(static_cast<uint64_t>(replicas) * static_cast<uint64_t>(rank) /
                               static_cast<uint64_t>(ranks));
}

std::optional<std::vector<double>> simulate_mpi_records(const PreparedSim& prep, MPI_Comm comm, unsigned threads) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  const uint32_t n = options_of(prep).replicas;
  const uint32_t first = first_replica(n, rank, ranks);
  const uint32_t count = first_replica(n, rank + 1, ranks) - first;
  const std::vector<double> mine = simulate_block(prep, first, count, threads);

  // Records are gathered as doubles, so their bits travel unchanged.
  const size_t stride = outcome_stride(prep);
  if (static_cast<uint64_t>(n) * stride > static_cast<uint64_t>(std::numeric_limits<int>::max())) {
    throw std::length_error("simulate_mpi: too many replicas for one gather; split the run");
  }
  std::vector<int> counts(ranks), offsets(ranks);
  for (int r = 0; r < ranks; ++r) {
    offsets[r] = static_cast<int>(first_replica(n, r, ranks) * stride);
    counts[r] = static_cast<int>((first_replica(n, r + 1, ranks) - first_replica(n, r, ranks)) * stride);
  }
  std::vector<double> all(rank == 0 ? static_cast<size_t>(n) * stride : 0);
  MPI_Gatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, all.data(), counts.data(), offsets.data(),
              MPI_DOUBLE, 0, comm);
  if (rank != 0) return std::nullopt;
  return all;
}

std::optional<SimResult> simulate_mpi(const PreparedSim& prep, MPI_Comm comm, unsigned threads) {
  auto all = simulate_mpi_records(prep, comm, threads);
  if (!all) return std::nullopt;
  return summarize(prep, *all);
}

}  // namespace xpu
