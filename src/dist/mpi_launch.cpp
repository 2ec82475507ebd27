#include "dist/mpi_launch.h"

#include <mpi.h>

#include <bit>
#include <cstdlib>
#include <string>

#include "dist/mpi_simulate.h"
#include "sim/prepared.h"

namespace xpu {
namespace {

int env_int(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return 0;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return *end == '\0' && n > 0 && n < (1L << 24) ? static_cast<int>(n) : 0;
}

// FNV-1a over the values that decide a simulation's records.
struct Digest {
  uint64_t h = 1469598103934665603ULL;
  void bytes(const void* p, size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ c[i]) * 1099511628211ULL;
  }
  void add(int64_t v) { bytes(&v, sizeof v); }
  void add(double v) { add(std::bit_cast<int64_t>(v)); }
  void add(const std::string& s) {
    add(static_cast<int64_t>(s.size()));
    bytes(s.data(), s.size());
  }
};

}  // namespace

int launcher_ranks() {
  if (const int n = env_int("OMPI_COMM_WORLD_SIZE")) return n;
  if (const int n = env_int("PMI_SIZE")) return n;
  if (std::getenv("PMIX_RANK") != nullptr) {
    if (const int n = env_int("SLURM_NTASKS")) return n;
  }
  return 0;
}

uint64_t simulation_digest(const PreparedSim& prep) {
  Digest d;
  const SimInput& in = prep.in;
  for (double h : in.horizon.month_hours) d.add(h);
  for (const SimPool& p : in.pools) {
    d.add(p.name);
    d.add(p.price_per_chip.si());
    d.add(p.chips_per_instance);
    for (int64_t c : p.capacity) d.add(c);
    for (int64_t c : p.rented) d.add(c);
  }
  for (const SimRun& r : in.runs) {
    d.add(r.name);
    d.add(r.tokens);
    for (const RunMonth& m : r.months) {
      d.add(static_cast<int64_t>(m.pool));
      d.add(m.chips);
      d.add(m.tokens_per_s);
    }
  }
  for (const SimService& s : in.services) {
    d.add(s.name);
    for (const auto& month : s.months) {
      for (const ReplicaSet& set : month) {
        d.add(static_cast<int64_t>(set.pool));
        d.add(set.replicas);
        d.add(set.rps_per_replica);
      }
    }
  }
  d.add(in.fixed_cost.si());
  d.add(prep.plan_cost.si());
  d.add(static_cast<int64_t>(prep.options.replicas));
  d.add(static_cast<int64_t>(prep.options.seed));
  for (const std::string& p : prep.policy_names) d.add(p);
  d.add(static_cast<int64_t>(prep.sources.size()));
  return d.h;
}

api::ReplicaRunner mpi_replica_runner() {
  return [](const PreparedSim& prep, unsigned threads) -> std::optional<std::vector<double>> {
    // Every rank must simulate the same input: compare digests before the gather.
    const auto mine = static_cast<unsigned long long>(simulation_digest(prep));
    unsigned long long lo = 0, hi = 0;
    MPI_Allreduce(&mine, &lo, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&mine, &hi, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
    if (lo != hi) {
      throw InputError({error_at({},
                                 "MPI ranks prepared different simulations (a planner stopped by its time limit "
                                 "can differ between ranks): save the plan with `xpuplan plan PORTFOLIO --json "
                                 "> plan.json` and pass --plan plan.json")});
    }
    return simulate_mpi_records(prep, MPI_COMM_WORLD, threads);
  };
}

}  // namespace xpu
