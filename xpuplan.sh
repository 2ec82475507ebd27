#!/usr/bin/env bash
# One entry point for set-up, build and checks on a Debian bookworm machine (as root).
#   ./xpuplan.sh demo    install what is missing, build, run the main jobs on the shipped defaults
#                        (catalog, compare, plan; HTML reports in build/reports/)
#   ./xpuplan.sh test    install, check formatting, build with -Werror, run every test, run clang-tidy
#                        (.clang-tidy), the dashboard's browser tests, then the tests again under ASan+UBSan
#   ./xpuplan.sh bench   build and run the benchmarks in bench/
#   ./xpuplan.sh build   install and build only (build/release/xpuplan)
#   ./xpuplan.sh python  build the Python package (python/; docs/python.md) and install it into $VIRTUAL_ENV,
#                        else into build/venv (a venv over Debian's packages); no package index
#   ./xpuplan.sh serve [OPTIONS]  build everything with the dashboard (web/dist) and serve both on the
#                        shipped data (xpuplan serve: http://127.0.0.1:8080/ unless --port says otherwise)
#   ./xpuplan.sh fuzz [SECONDS]  build the libFuzzer targets (clang, ASan+UBSan; build/fuzz) and run each
#                        for SECONDS (default 60); findings in build/fuzz/fuzz-work/ (docs/robustness.md)
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(g++ cmake ninja-build pkg-config git libfmt-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
          libgtest-dev libgmock-dev libbenchmark-dev coinor-libcbc-dev clang-format clang-tidy libopenmpi-dev openmpi-bin
          chromium clang libclang-rt-14-dev pybind11-dev python3-dev python3-pytest python3-venv python3-yaml
          python3-pandas python3-matplotlib libcpp-httplib-dev)
JOBS=${JOBS:-$(nproc)}

install_deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "xpuplan.sh: installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

build() {  # build DIR [cmake options...]; TARGET=name builds only that target
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS" ${TARGET:+--target "$TARGET"}
}

format_check() {
  local files
  files=$(git ls-files '*.cpp' '*.h' 2>/dev/null || find src bench -name '*.cpp' -o -name '*.h')
  # shellcheck disable=SC2086
  clang-format --dry-run --Werror $files
  echo "format: ok"
}

# The dashboard (web/): install from package-lock.json, build, type-check, and
# run its unit, API-contract and browser tests (Debian's Chromium, headless)
# against the mock server. Needs the machine's Node.js 20.19+ and npm.
need_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "xpuplan.sh: the dashboard needs Node.js 20.19+ and npm" >&2
    exit 1
  fi
}

web_build() {
  need_node
  (cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
}

# Starts BINARY serve on a free port in the background; sets SERVE_PID and SERVE_URL.
serve_start() {
  local log
  log=$(mktemp)
  "$1" serve --port 0 "${@:2}" >"$log" 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 1 600); do
    SERVE_URL=$(grep -o 'http://[0-9.:]*/' "$log" | head -1 || true)
    [ -n "$SERVE_URL" ] && return 0
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$log" >&2
  echo "xpuplan.sh: '$1 serve' did not start" >&2
  exit 1
}

# web_check [BINARY]: the dashboard's type check, unit, contract and browser
# tests against the mock server, then (given the xpuplan binary) the same
# browser tests against the real server, `xpuplan serve`.
web_check() {
  web_build
  (cd web && npx tsc --noEmit && node tests/run.mjs)
  if [ -n "${1:-}" ]; then
    serve_start "$1" --jobs 2
    local rc=0
    # Each plan job solves the example for real (about 1.5 min on 2 cores), so waits are longer than the mock's.
    (cd web && XPUPLAN_URL="$SERVE_URL" XPUPLAN_ARTIFACTS=test-artifacts/real XPUPLAN_JOB_TIMEOUT_MS=420000 \
      node tests/run.mjs) || rc=$?
    kill -TERM "$SERVE_PID"
    wait "$SERVE_PID" || true
    [ "$rc" -eq 0 ] || exit "$rc"
  fi
  echo "web: ok"
}

# clang-tidy (.clang-tidy) over the library, the shells and the benchmarks. It
# reads a compile database without precompiled headers (GCC's are not clang's);
# configuring one is enough, nothing is built there.
# The fuzz build: clang, every library instrumented for coverage, ASan+UBSan
# (a separate configuration; the g++ builds never need clang).
fuzz_build() {
  CC=clang CXX=clang++ TARGET=fuzz_all build build/fuzz -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g1" \
    -DXPUPLAN_FUZZ=ON -DXPUPLAN_BENCH=OFF -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON
}

tidy_check() {
  cmake -S . -B build/tidy -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON >/dev/null
  git ls-files 'src/*.cpp' 'bench/*.cpp' | grep -v '_test\.cpp$' |
    xargs -P "$JOBS" -n 4 clang-tidy -p build/tidy --quiet
  echo "clang-tidy: ok"
}

case "${1:-demo}" in
  demo)
    install_deps
    TARGET=xpuplan build build/release -DCMAKE_BUILD_TYPE=Release -DXPUPLAN_BENCH=OFF
    x=./build/release/xpuplan
    mkdir -p build/reports
    echo "== xpuplan catalog: the accelerators"
    $x catalog
    echo
    echo "== xpuplan compare: Llama 3.1 70B pre-training on 15T tokens, 1024 chips, every priced accelerator"
    $x compare --model llama3.1-70b --train --tokens 15T --chips 1024 --html build/reports/compare.html
    echo
    echo "== xpuplan plan: a year of runs and services across vendors (examples/portfolio.yaml)"
    $x plan examples/portfolio.yaml --html build/reports/plan.html
    ;;
  build)
    install_deps
    build build/release -DCMAKE_BUILD_TYPE=Release
    ;;
  test)
    install_deps
    format_check
    # Optimised without debug info: CLI11 and nlohmann/json are header-only, and
    # debug info for their inlined code roughly doubles compile time.
    # With the Python extension (python/), whose pytest suite CTest runs against the built CLI.
    build build/ci -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2" -DXPUPLAN_WERROR=ON \
      -DXPUPLAN_PYTHON=ON -DPYTHON_EXECUTABLE=/usr/bin/python3
    ctest --test-dir build/ci --output-on-failure -j "$JOBS"
    web_check build/ci/xpuplan
    # The server's load client for 2 s (docs/benchmarks.md has the long run): every request must succeed.
    build/ci/bench/bench_serve_load --smoke
    tidy_check
    # Sanitizers at -O1 with line tables: readable reports, tolerable speed.
    build build/asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DXPUPLAN_WERROR=ON \
      -DXPUPLAN_SANITIZE=ON -DXPUPLAN_BENCH=OFF
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ctest --test-dir build/asan --output-on-failure -j "$JOBS" -LE slow
    # A fuzz smoke: every libFuzzer target for 10 s under ASan+UBSan.
    fuzz_build
    fuzz/run.sh build/fuzz "${FUZZ_SMOKE_SECONDS:-10}"
    echo "xpuplan.sh test: all passed"
    ;;
  bench)
    install_deps
    build build/release -DCMAKE_BUILD_TYPE=Release
    for b in build/release/bench/bench_*; do "$b"; done
    ;;
  tidy)
    install_deps
    tidy_check
    ;;
  web)
    install_deps
    web_check
    ;;
  python)
    install_deps
    # Debian's interpreter, where apt's pytest, pandas and matplotlib are.
    venv=${VIRTUAL_ENV:-build/venv}
    [ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$venv"
    XPUPLAN_BUILD_DIR="$PWD/build/python" JOBS=$JOBS "$venv/bin/python" -m pip install --no-index --no-build-isolation \
      --no-deps --quiet ./python
    "$venv/bin/python" -c 'import xpuplan; print("xpuplan", xpuplan.__version__, "from", xpuplan.__file__)'
    echo "xpuplan.sh: installed in $venv (activate it: . $venv/bin/activate)"
    ;;
  serve)
    install_deps
    TARGET=xpuplan build build/release -DCMAKE_BUILD_TYPE=Release -DXPUPLAN_BENCH=OFF
    web_build
    exec ./build/release/xpuplan serve --web web/dist "${@:2}"
    ;;
  fuzz)
    install_deps
    fuzz_build
    fuzz/run.sh build/fuzz "${2:-60}"
    ;;
  *)
    echo "usage: $0 demo|test|bench|build|python|serve|tidy|web|fuzz [SECONDS]" >&2
    exit 2
    ;;
esac
