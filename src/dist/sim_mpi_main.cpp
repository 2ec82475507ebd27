// xpuplan_sim_mpi: the simulator under MPI, for scenario files (`xpuplan simulate`
// runs in one process; its --scenario mode reads the same files).
//
//   mpirun -np K xpuplan_sim_mpi SCENARIO.yaml RISKS.yaml [--replicas N] [--seed S]
//          [--threads T] [--policy P]... [--text | --json] [--check] [--bench]
//
// --text or --json prints the merged result (a short report, or canonical
// JSON) on rank 0; --check also
// runs the whole simulation in one process on rank 0 and exits 1 unless the
// two are byte-identical; --bench prints the wall time and replicas/s.
// Bad input: the diagnostics on rank 0's stderr, exit 2 on every rank.
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "dist/mpi_simulate.h"
#include "ingest/risks_io.h"
#include "ingest/sim_input_io.h"
#include "sim/render.h"

namespace {

struct Args {
  std::vector<std::string> files;
  xpu::SimOptions options{.replicas = 100, .seed = 1, .threads = 1, .policies = {}};
  bool text = false, json = false, check = false, bench = false;
  std::string error;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        a.error = arg + ": needs a value";
        return "0";
      }
      return argv[++i];
    };
    auto number = [&](const std::string& text) -> unsigned long long {
      char* end = nullptr;
      const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || text[0] == '-')
        a.error = arg + ": expected a whole number, got '" + text + "'";
      return v;
    };
    if (arg == "--replicas") {
      a.options.replicas = static_cast<uint32_t>(number(value()));
    } else if (arg == "--seed") {
      a.options.seed = number(value());
    } else if (arg == "--threads") {
      a.options.threads = static_cast<unsigned>(number(value()));
    } else if (arg == "--policy") {
      a.options.policies.push_back(value());
    } else if (arg == "--text") {
      a.text = true;
    } else if (arg == "--json") {
      a.json = true;
    } else if (arg == "--check") {
      a.check = true;
    } else if (arg == "--bench") {
      a.bench = true;
    } else if (!arg.empty() && arg[0] == '-') {
      a.error = "unknown flag '" + arg + "'";
    } else {
      a.files.push_back(arg);
    }
  }
  if (a.error.empty() && a.files.size() != 2) a.error = "expected SCENARIO.yaml RISKS.yaml";
  return a;
}

// Every rank reads and prepares the same input; only rank 0 reports problems.
int run(int rank, const Args& args) {
  xpu::SimInput in;
  xpu::Risks risks;
  std::string problems;
  try {
    in = xpu::load_sim_input(args.files[0]);
    risks = xpu::load_risks(args.files[1], in);
  } catch (const xpu::InputError& e) {
    problems = e.what();
  }
  xpu::PreparedSimPtr prep;
  if (problems.empty()) {
    auto p = xpu::prepare_simulation(in, risks, args.options);
    if (p) {
      prep = std::move(p).value();
    } else {
      problems = xpu::format_diagnostics(p.error());
    }
  }
  if (!problems.empty()) {
    if (rank == 0) std::fputs(problems.c_str(), stderr);
    return 2;
  }
  MPI_Barrier(MPI_COMM_WORLD);
  const double start = MPI_Wtime();
  const auto result = xpu::simulate_mpi(*prep, MPI_COMM_WORLD, args.options.threads);
  const double wall = MPI_Wtime() - start;
  if (rank != 0) return 0;
  const std::string merged = xpu::render_json(*result);
  if (args.json) std::fputs(merged.c_str(), stdout);
  if (args.text) std::fputs(xpu::render_text(*result).c_str(), stdout);
  if (args.bench) {
    int ranks = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    std::printf("ranks %d threads %u replicas %u wall_s %.3f replicas_per_s %.2f\n", ranks, args.options.threads,
                args.options.replicas, wall, args.options.replicas / wall);
  }
  if (args.check) {
    const auto single = xpu::simulate(in, risks, args.options);
    if (!single || xpu::render_json(*single) != merged) {
      std::fputs("check: the merged result differs from one process\n", stderr);
      return 1;
    }
    std::printf("check: merged result of %u replicas is byte-identical to one process\n", args.options.replicas);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const Args args = parse(argc, argv);
  int rc = 2;
  if (!args.error.empty()) {
    if (rank == 0) std::fprintf(stderr, "xpuplan_sim_mpi: %s\n", args.error.c_str());
  } else {
    rc = run(rank, args);
  }
  // The exit status is rank 0's verdict on every rank.
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Finalize();
  return rc;
}
