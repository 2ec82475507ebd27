#!/usr/bin/env bash
# Runs every libFuzzer target (or the ones named) for SECONDS each, from seed
# corpora made of the shipped data, the examples and the error files, with a
# dictionary per format. Fails when any target finds a crash, a timeout
# (> 1 s for one input) or an input that needs more than 2 GB.
#   fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
# Prints one line per target: executions, coverage (edges), features, corpus size.
# Findings are left in BUILD_DIR/fuzz-work/TARGET/ (crash-*, timeout-*, oom-*).
set -uo pipefail
cd "$(dirname "$0")/.."
build=$1
secs=$2
shift 2
all=(unit_text catalog_yaml price_yaml price_import portfolio_yaml cases_csv hf_config risks_yaml requests saved_plan)
targets=("${@:-${all[@]}}")
[ $# -gt 0 ] || targets=("${all[@]}")
work=$build/fuzz-work

# seed TARGET PREFIX_BYTE FILE...: copies each file into the target's seed
# folder, after a one-byte selector when PREFIX_BYTE is not "-".
seed() {
  local t=$1 prefix=$2
  shift 2
  [[ " ${targets[*]} " == *" $t "* ]] || return 0  # only the targets being run (runs may go side by side)
  mkdir -p "$work/$t/seeds"
  local f n
  for f in "$@"; do
    [ -f "$f" ] || continue
    n="$work/$t/seeds/$(echo "$prefix-$f" | tr '/ ' '__')"
    if [ "$prefix" = "-" ]; then cp "$f" "$n"; else { printf "\\x$prefix"; cat "$f"; } > "$n"; fi
  done
}

make_seeds() {
  local t
  for t in "${targets[@]}"; do rm -rf "${work:?}/$t/seeds"; done
  local tmp
  tmp=$(mktemp -d "$work/tmp.XXXXXX")
  mkdir -p "$tmp"
  local i=0 u
  for u in "989 TFLOP/s" "80 GB" "3.35 TB/s" "2.1 \$/h" "1.2 \$/chip/h" "700 W" "12 ms" "0.08 \$/kWh" "400 Gb/s" \
    "96 GiB" "1.98 GHz" "15T" "2.5e12" "300B" "90 days" "35 %" "1 month"; do
    printf '%s' "$u" > "$tmp/unit$i"
    i=$((i + 1))
  done
  seed unit_text - "$tmp"/unit*
  seed catalog_yaml - $(find data -name '*.yaml' | sort) tests/errors/catalog/*.yaml
  seed price_yaml - data/prices/*.yaml tests/errors/prices/*.yaml fuzz/seeds/price_yaml/*.yaml
  seed price_import 00 tests/data/prices/aws_small.csv
  seed price_import 02 tests/data/prices/aws_small.csv
  seed price_import 01 tests/data/prices/gcp_small.csv
  seed price_import 03 tests/data/prices/gcp_small.csv
  seed portfolio_yaml - examples/portfolio.yaml tests/errors/portfolio/*.yaml
  seed cases_csv 00 data/validation/cases.csv data/validation/cases-2025.csv tests/errors/cli/*.csv
  seed cases_csv 01 data/validation/published-measurements.csv
  seed cases_csv 02 data/validation/models.csv
  seed hf_config - $(find tests/data/hf tests/data/hf-full -name '*.json' | sort)
  seed risks_yaml 00 examples/risks.yaml examples/llama3-405b-risks.yaml tests/errors/risks/*.yaml
  seed risks_yaml 01 tests/data/sim/fleet.yaml examples/llama3-405b-scenario.yaml
  seed saved_plan - tests/data/sim/example-plan.json fuzz/seeds/saved_plan/*.json
  local bodies=(
    '00{"model":"llama3.1-8b","accelerator":"h100-sxm","chips":64,"tokens":"1T","tp":8,"global_batch":512}'
    '01{"model":"llama3.1-8b","accelerator":"h100-sxm","rate":"5 req/s","ttft_slo":"200 ms","tp":2,"batch":8}'
    '01{"model":"mixtral-8x7b","accelerator":"h100-sxm","chips":8,"ep":8,"input_len":"2k"}'
    '02{"model":"llama3.1-70b","train":true,"tokens":"15T","deadline":"90 days","accelerators":["h100-sxm"]}'
    '02{"model":"llama3.1-8b","infer":true,"rate":20,"term":"1y","pue":1.2}'
    '03{"vendor":"nvidia","show":"h100-sxm"}'
    '04{"accelerator":"h100-sxm","term":"on-demand"}'
    '05{"show":"llama3.1-8b"}'
    '06{"threads":2}'
  )
  local b
  for b in "${bodies[@]}"; do
    { printf "\\x${b:0:2}"; printf '%s' "${b:2}"; } > "$tmp/req$i"
    { printf "\\x$(printf '%x' $((0x${b:0:2} + 0x80)))"; printf '%s' "${b:2}"; } > "$tmp/reqf$i"
    i=$((i + 1))
  done
  seed requests - "$tmp"/req*
  rm -rf "$tmp"
}

dict_of() {
  case $1 in
    unit_text) echo fuzz/dict/units.dict ;;
    price_import | cases_csv) echo fuzz/dict/csv.dict ;;
    hf_config | requests | saved_plan) echo fuzz/dict/json.dict ;;
    *) echo fuzz/dict/yaml.dict ;;
  esac
}

mkdir -p "$work"
make_seeds
failed=0
total=0
printf '%-16s %12s %8s %8s %8s %s\n' target executions edges features corpus result
for t in "${targets[@]}"; do
  bin=$build/fuzz/fuzz_$t
  if [ ! -x "$bin" ]; then
    echo "fuzz/run.sh: $bin is not built" >&2
    failed=1
    continue
  fi
  mkdir -p "$work/$t/corpus" "$work/$t/stalls"
  log=$work/$t/log.txt
  : > "$log"
  # A corpus kept from earlier runs is reused: coverage accumulates. libFuzzer
  # stops at its first finding; a timeout is re-run alone three times and only
  # counts when it reproduces (on a shared machine a process can be descheduled
  # for over a second); one that does not is kept in stalls/ and fuzzing goes on
  # for the rest of the time.
  execs=0
  rc=0
  stalls=0
  end=$(($(date +%s) + secs))
  while :; do
    left=$((end - $(date +%s)))
    [ "$left" -ge 2 ] || break
    "$bin" -max_total_time="$left" -timeout=1 -rss_limit_mb=2048 -max_len=32768 -dict="$(dict_of "$t")" \
      -print_final_stats=1 -artifact_prefix="$work/$t/" "$work/$t/corpus" "$work/$t/seeds" > "$log.part" 2>&1
    rc=$?
    cat "$log.part" >> "$log"
    n=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log.part" | grep -o '[0-9]*$' | tail -1)
    execs=$((execs + ${n:-0}))
    [ $rc -ne 0 ] || break
    timeout_file=$(grep -o "Test unit written to .*timeout-[0-9a-f]*" "$log.part" | sed 's/.*written to //')
    [ -n "$timeout_file" ] && [ -f "$timeout_file" ] || break
    # The fastest of three runs of the input, less the fastest of three runs of
    # an empty input (start-up: loading the shipped data once), is its time.
    : > "$work/empty"
    fastest() {
      local best=999999 s0 ms
      for _ in 1 2 3; do
        s0=$(date +%s%N)
        timeout 20 "$bin" "$1" > /dev/null 2>&1
        ms=$((($(date +%s%N) - s0) / 1000000))
        [ "$ms" -lt "$best" ] && best=$ms
      done
      echo "$best"
    }
    took=$(($(fastest "$timeout_file") - $(fastest "$work/empty")))
    if [ "$took" -ge 1000 ]; then break; fi
    echo "stall: $timeout_file re-ran in $took ms (start-up subtracted); not a timeout" >> "$log"
    mv "$timeout_file" "$work/$t/stalls/"
    stalls=$((stalls + 1))
    rc=0
  done
  rm -f "$log.part"
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  corpus=$(find "$work/$t/corpus" -type f | wc -l)
  result=ok
  [ "$stalls" -eq 0 ] || result="ok ($stalls stalls re-run under 1 s)"
  if [ $rc -ne 0 ]; then
    result="FAILED (rc $rc; see $log)"
    failed=1
  fi
  total=$((total + execs))
  printf '%-16s %12s %8s %8s %8s %s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$result"
done
echo "total executions: $total"
exit $failed
