#!/usr/bin/env python3
"""Server/Offline and Interactive/Offline ratios of MLPerf scenario pairs.

Reads the JSON of `xpuplan validate data/validation/mlperf-scenario-pairs.csv
--mode infer --json` (stdin or a path) and prints, for every system whose
Offline row `<name>-O` has a Server `<name>-S` or Interactive `<name>-I` row,
the measured ratio, the engine's, and predicted / measured. The ratio of one
system, software and round isolates what the scenario's latency limits cost
(docs/validation.md, accserve9).
"""
import json
import math
import statistics
import sys


def main() -> None:
    src = open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin
    cases = {c["id"]: c for c in json.load(src)["cases"]}
    logs = []
    print(f"{'pair':28s} {'measured':>8s} {'engine':>7s} {'engine/measured':>15s}")
    for key, off in cases.items():
        if not key.endswith("-O") or off.get("status") != "ok":
            continue
        for scen in ("S", "I"):
            other = cases.get(key[:-1] + scen)
            if not other or other.get("status") != "ok":
                continue
            measured = other["measured"] / off["measured"]
            engine = other["predicted"] / off["predicted"]
            logs.append(abs(math.log(engine / measured)))
            print(f"{key[:-2] + ' ' + scen + '/O':28s} {measured:8.3f} {engine:7.3f} {engine / measured:15.3f}")
    if logs:
        print(f"{len(logs)} pairs; median |ln(engine / measured)| = {statistics.median(logs):.3f}")


if __name__ == "__main__":
    main()
