// The `xpuplan` binary where Open MPI was found at build time (without it,
// src/cli/main.cpp). MPI starts only when a launcher started this process
// (dist/mpi_launch.h) and the command is `simulate`: every other run, and
// every plain run, is the ordinary CLI and never touches MPI. Under a
// launcher, rank 0 prints; the other ranks compute their replicas and stay
// silent; every rank exits with rank 0's status.
#include <mpi.h>

#include <algorithm>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/simulate_hook.h"
#include "dist/mpi_launch.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const bool simulate = std::find(args.begin(), args.end(), "simulate") != args.end();
  if (xpu::launcher_ranks() < 1 || !simulate) return xpu::cli::run(args, std::cout, std::cerr);
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  xpu::cli::set_replica_runner(xpu::mpi_replica_runner());
  std::ostringstream out_sink, err_sink;  // ranks other than 0 print nothing
  int rc = rank == 0 ? xpu::cli::run(args, std::cout, std::cerr) : xpu::cli::run(args, out_sink, err_sink);
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Finalize();
  return rc;
}
