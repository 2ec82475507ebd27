#!/usr/bin/env bash
# MPI speed-up of the simulator: replicas/s of 2 ranks against 1 rank (one
# thread each), measured in the same run on bench/fleet-100k.yaml (target:
# >= 1.8x on the 2-core machine). Usage: bench/sim_mpi_speedup.sh [BUILD_DIR] [REPLICAS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
replicas=${2:-1000}
exe=$build/src/dist/xpuplan_sim_mpi
[ -x "$exe" ] || { echo "sim_mpi_speedup: build $exe first (needs MPI: libopenmpi-dev)" >&2; exit 2; }
flags=(--oversubscribe)
[ "$(id -u)" -eq 0 ] && flags+=(--allow-run-as-root)
run() {  # ranks -> replicas/s
  mpirun -np "$1" "${flags[@]}" "$exe" bench/fleet-100k.yaml bench/fleet-100k-risks.yaml \
    --replicas "$replicas" --seed 1 --threads 1 --policy static --bench |
    awk '/replicas_per_s/ { for (i = 1; i < NF; ++i) if ($i == "replicas_per_s") print $(i + 1) }'
}
one=$(run 1)
two=$(run 2)
echo "1 rank:  $one replicas/s"
echo "2 ranks: $two replicas/s"
awk -v a="$one" -v b="$two" 'BEGIN { printf "speed-up: %.2fx (target >= 1.8x)\n", b / a }'
