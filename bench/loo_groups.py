#!/usr/bin/env python3
"""Leave-one-out medians by group (mode, vendor, MoE/dense) from the per-case
residuals `xpuplan calibrate --write` records in data/calibration.yaml.

    bench/loo_groups.py [REPO]      # default: this checkout

Needs python3-yaml (Debian). The groups are the ones issue 11 sets targets
for; docs/validation.md quotes this script's output.
"""
import csv
import glob
import os
import re
import statistics
import sys

import yaml


def entries(path, section):
    d = yaml.safe_load(open(path))
    items = d.get(section, d) if isinstance(d, dict) else d
    if isinstance(items, dict):
        items = [dict(key=k, **(v if isinstance(v, dict) else {})) for k, v in items.items()]
    return [x for x in items if isinstance(x, dict) and "key" in x]


def main(repo):
    loo = {}
    row = re.compile(r"\s*- \[([A-Za-z0-9-]+), [^,]+, [^,]+, [^,]+, ([^\]]+)\]")
    for line in open(os.path.join(repo, "data/calibration.yaml")):
        m = row.match(line)
        if m:
            loo[m.group(1)] = abs(float(m.group(2)))
    cases = {}
    for f in ("cases.csv", "cases-2025.csv"):
        for r in csv.DictReader(open(os.path.join(repo, "data/validation", f))):
            cases[r["id"]] = r
    vendor = {}
    for f in glob.glob(os.path.join(repo, "data/accelerators/*.yaml")):
        for a in entries(f, "accelerators"):
            vendor[a["key"]] = os.path.basename(f)[:-5]
    moe = set()
    for f in glob.glob(os.path.join(repo, "data/models/*.yaml")):
        for m in entries(f, "models"):
            if "experts" in m or "moe" in m or "num_experts" in m:
                moe.add(m["key"])
    groups = {}
    for case_id, err in loo.items():
        c = cases[case_id]
        mode = {"infer": "serving", "finetune_lora": "lora"}.get(c["mode"], c["mode"])
        v, kind = vendor.get(c["accelerator"], "?"), "moe" if c["model"] in moe else "dense"
        keys = {"train": ["train", f"train {v}", f"train {kind}"], "serving": ["serving", f"serving {v}", f"serving {kind}"]}
        for g in keys.get(mode, []):
            groups.setdefault(g, []).append(err)
    print(f"{'group':22s} {'cases':>5s} {'LOO median':>10s}")
    for g in sorted(groups):
        print(f"{g:22s} {len(groups[g]):5d} {statistics.median(groups[g]):9.1f}%")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
