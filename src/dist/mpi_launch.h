// `mpirun -np K xpuplan simulate ...` (and `srun xpuplan simulate ...`): the
// main binary starts MPI only when an MPI launcher started it (its
// environment says so), so a plain run never pays MPI's start-up. Each rank
// reads and plans the same input, takes its block of replicas
// (dist/mpi_simulate.h), and rank 0 merges them in replica order and prints;
// the output is byte-identical to one process. The ranks first check that they
// are about to simulate the same input (a planner stopped by its time limit
// could differ between ranks) and refuse otherwise.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "api/simulate.h"

namespace xpu {

// Ranks in the launcher's environment: Open MPI's mpirun sets
// OMPI_COMM_WORLD_SIZE; MPICH's Hydra and Slurm's srun with PMI-1/2 set
// PMI_SIZE; under PMIx (srun --mpi=pmix) PMIX_RANK is set and Slurm's
// SLURM_NTASKS counts the ranks. 0: not started by a launcher.
int launcher_ranks();

// The runner for api::SimulateRequest on MPI_COMM_WORLD (MPI initialized).
api::ReplicaRunner mpi_replica_runner();

// A digest of what a simulation will run (input and options), equal on every
// rank that prepared the same simulation.
uint64_t simulation_digest(const PreparedSim& prep);

}  // namespace xpu
