#!/usr/bin/env bash
# Prints one md5 per single-estimate request (infer, train, compare) and per
# validation case file, of `xpuplan ... --json` (which prints no timings),
# with the exit status: run it with the binary of a branch point and of a
# change, and diff the two outputs. A speed change to the estimate path must
# print the same lines (the answers are byte-identical).
#
#   bench/estimate_outputs.sh path/to/xpuplan > before.txt
set -u
bin=${1:?usage: estimate_outputs.sh XPUPLAN_BINARY}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
run() {
  local name=$1
  shift
  "$bin" "$@" --json >"$out" 2>&1
  local rc=$?
  printf '%-24s rc=%s %s\n' "$name" "$rc" "$(md5sum <"$out" | cut -c1-32)"
}
run validate-shipped validate
run validate-2025 validate data/validation/cases-2025.csv
# infer: the search (dense, MoE, MLA; no SLOs, SLOs, high rates, offline), fixed layouts, latency.
run infer-8b-h100-r5 infer --model llama3.1-8b -a h100-sxm --rate 5
run infer-8b-h100-offline infer --model llama3.1-8b -a h100-sxm
run infer-8b-h100-r500 infer --model llama3.1-8b -a h100-sxm --rate 500
run infer-8b-h100-slo infer --model llama3.1-8b -a h100-sxm --rate 50 --ttft-slo '200 ms' --tpot-slo '10 ms'
run infer-8b-h100-tight infer --model llama3.1-8b -a h100-sxm --rate 50 --tpot-slo '1 ms'
run infer-70b-h200-slo infer --model llama3.3-70b -a h200-sxm --rate 20 --input-len 2048 --output-len 300 \
  --ttft-slo '1 s' --tpot-slo '40 ms' --precision fp8
run infer-70b-h100-r200 infer --model llama3.1-70b -a h100-sxm --rate 200 --ttft-slo '2 s'
run infer-405b-h100-fp8 infer --model llama3.1-405b -a h100-sxm --rate 10 --precision fp8 --tpot-slo '50 ms'
run infer-405b-h100-bf16 infer --model llama3.1-405b -a h100-sxm --rate 3
run infer-dsv3-h200 infer --model deepseek-v3 -a h200-sxm --rate 30 --precision fp8 --tpot-slo '50 ms'
run infer-mixtral-mi300x infer --model mixtral-8x7b -a mi300x --rate 40 --ttft-slo '500 ms'
run infer-qwen30b-tpu infer --model qwen3-30b-a3b -a tpu-v6e --rate 15 --output-len 512
run infer-gptoss-trn2 infer --model gpt-oss-120b -a trn2 --rate 8 --precision fp8
run infer-8b-inf2-latency infer --model llama3.1-8b -a inf2 --chips 2 --batch 1 --scenario latency
run infer-70b-fixed-rate infer --model llama3.1-70b -a h100-sxm --tp 8 --rate 30 --tpot-slo '30 ms'
run infer-70b-fixed-offline infer --model llama3.1-70b -a h100-sxm --tp 4 --batch 64
run infer-8b-r1e9 infer --model llama3.1-8b -a h100-sxm --rate 1e9
# train: searched and fixed layouts.
run train-8b-h100-64 train --model llama3.1-8b -a h100-sxm --chips 64
run train-70b-h100-1024 train --model llama3.1-70b -a h100-sxm --chips 1024 --tokens 15T
run train-405b-h100 train --model llama3.1-405b -a h100-sxm --chips 2048 --precision fp8
run train-dsv3-h200 train --model deepseek-v3 -a h200-sxm --chips 512
run train-22b-tpuv4 train --model maxtext-dense-22b -a tpu-v4 --chips 256
run train-fixed train --model llama3.1-70b -a h100-sxm --chips 64 --tp 8 --pp 2 --dp 4 --micro-batch 1 --recompute selective --sharding zero1 --sequence-parallel --vpp 1 --cp 1 --ep 1
# train, more searches (issue 14's pruned training search): MoE, other vendors,
# long sequences, small and odd chip counts, a partly fixed layout, a longer
# list, a wider memory margin, and a model that does not fit (the closest).
run train-mixtral-mi300x train --model mixtral-8x7b -a mi300x --chips 64
run train-qwen30b-tpuv5p train --model qwen3-30b-a3b -a tpu-v5p --chips 128 --precision bf16
run train-gptoss-trn2 train --model gpt-oss-120b -a trn2 --chips 256
run train-dsv3-gb200-fp8 train --model deepseek-v3 -a gb200 --chips 1024 --precision fp8
run train-8b-h100-32k train --model llama3.1-8b -a h100-sxm --chips 32 --seq-len 32768
run train-8b-h100-8 train --model llama3.1-8b -a h100-sxm --chips 8 --top 20
run train-70b-h100-96 train --model llama3.1-70b -a h100-sxm --chips 96 --memory-margin 0.3
run train-70b-h100-1000 train --model llama3.1-70b -a h100-sxm --chips 1000
run train-70b-b200-tp8 train --model llama3.3-70b -a b200 --chips 256 --tp 8 --recompute full
run train-gpt3-a100 train --model gpt3-175b -a a100-80gb --chips 1024 --seq-len 2048 --global-batch 1536
run train-405b-h100-8 train --model llama3.1-405b -a h100-sxm --chips 8
run train-gemma-tpuv6e train --model gemma3-12b -a tpu-v6e --chips 64 --global-batch 96
# compare: a service and a training run across the catalog.
run compare-infer compare --infer --model llama3.3-70b --rate 20 --ttft-slo '1 s' --tpot-slo '40 ms' --precision fp8
run compare-infer-8b compare --infer --model llama3.1-8b --rate 5
run compare-train compare --train --model llama3.1-70b --chips 1024 --tokens 15T
