#!/usr/bin/env python3
"""Llama 3.1 70B pre-training on 15T tokens over chip counts, on one
accelerator from each of four vendors: time and cost in a DataFrame, and a
chart when matplotlib is installed.

    ./xpuplan.sh python && build/venv/bin/python examples/sweep.py [--out DIR]

Each point is one `xpuplan.compare` (the CLI's `compare --train`), restricted
to the four accelerators: its options carry the best layout's time and the
cheapest offer's cost at that chip count.
"""

import argparse
import os
import sys

import xpuplan

MODEL = "llama3.1-70b"
TOKENS = "15T"
# NVIDIA, Google, AWS, AMD. Trainium: trn1, since the shipped price book has trn2 at spot prices only.
ACCELERATORS = ["h100-sxm", "tpu-v5p", "trn1", "mi300x"]
CHIPS = [256, 512, 1024, 2048, 4096]


def sweep():
    rows = []
    for chips in CHIPS:
        report = xpuplan.compare(MODEL, train=True, tokens=TOKENS, chips=chips, accelerators=ACCELERATORS)
        for option in report.options:
            rows.append({"chips": chips, **option.to_dict()})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=".", help="where the chart goes (sweep.png)")
    args = parser.parse_args()
    rows = sweep()
    if not rows:
        sys.exit("no accelerator had an answer")
    try:
        import pandas
    except ImportError:
        for r in rows:
            print(r)
        return
    df = pandas.json_normalize(rows)
    missing = sorted(set(ACCELERATORS) - set(df["accelerator"]))
    if missing:  # the example is meant to show all four vendors: say so rather than chart fewer
        sys.exit(f"no answer for {', '.join(missing)}")
    table = df[["accelerator", "vendor", "chips", "layout", "mfu", "time_days", "cost_usd", "usd_per_chip_hour"]]
    print(table.sort_values(["accelerator", "chips"]).to_string(index=False))
    skipped = xpuplan.compare(MODEL, train=True, tokens=TOKENS, chips=CHIPS[0], accelerators=ACCELERATORS).not_compared
    for s in skipped:
        print("not compared:", s.to_dict() if isinstance(s, xpuplan.Record) else s)
    try:
        import matplotlib

        matplotlib.use(os.environ.get("MPLBACKEND", "Agg"))
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib is not installed: no chart)")
        return
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for name, g in table.groupby("accelerator"):
        g = g.sort_values("chips")
        left.plot(g["chips"], g["time_days"], marker="o", label=name)
        right.plot(g["chips"], g["cost_usd"] / 1e6, marker="o", label=name)
    for ax, label in ((left, "days to train"), (right, "cost (million $)")):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("chips")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
    left.set_yscale("log")
    right.legend()
    fig.suptitle(f"{MODEL}, {TOKENS} tokens: xpuplan compare --train")
    fig.tight_layout()
    path = os.path.join(args.out, "sweep.png")
    fig.savefig(path, dpi=100)
    print("chart:", path)


if __name__ == "__main__":
    main()
