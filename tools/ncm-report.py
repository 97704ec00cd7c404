#!/usr/bin/python3
"""Plots of an `ncm evaluate` report folder (run by the CLI; usable on its own).

    /usr/bin/python3 tools/ncm-report.py REPORT_DIR

Reads trials.csv, deficit_by_bid.csv and budget_by_segment_place.csv written by `ncm evaluate` and
writes three PNGs next to them:
  result_distribution.png   the providers' result over the term, one histogram per design
  deficit_by_bid.png        P(providers' deficit over the term) against the bid, per design
  budget_by_segment_place.png  expected year-1 cost by place, stacked by segment
Needs matplotlib and numpy (Debian: python3-matplotlib). Exit status 1 if they are missing.
"""
import csv
import os
import sys


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = argv[1]
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np
    except ImportError as e:  # pragma: no cover
        print("ncm-report: %s (install python3-matplotlib)" % e, file=sys.stderr)
        return 1

    # 1. distribution of the providers' result over the term
    with open(os.path.join(out, "trials.csv"), newline="") as f:
        rd = csv.reader(f)
        header = next(rd)
        rows = [r for r in rd]
    cols = [i for i, h in enumerate(header) if h.endswith(": providers")]
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=90)
    data = [np.array([float(r[i]) for r in rows]) / 1e6 for i in cols]
    lo = min(d.min() for d in data)
    hi = max(d.max() for d in data)
    bins = np.linspace(lo, hi, 80)
    for i, d in zip(cols, data):
        name = header[i][: -len(": providers")]
        ax.hist(d, bins=bins, alpha=0.5, label="%s (P(deficit) %.0f%%)" % (name, 100 * np.mean(d < 0)))
    ax.axvline(0, color="black", lw=1)
    ax.set_xlabel("providers' result over the term (millions)")
    ax.set_ylabel("trials")
    ax.set_title("Distribution of the provider's result over the term")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "result_distribution.png"))
    plt.close(fig)

    # 2. P(deficit) by bid
    curves = {}
    with open(os.path.join(out, "deficit_by_bid.csv"), newline="") as f:
        for r in csv.DictReader(f):
            curves.setdefault(r["design"], []).append((float(r["bid"]) / 1e6, float(r["p_deficit"])))
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=90)
    for name, pts in curves.items():
        pts.sort()
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", ms=3, label=name)
    ax.axhline(0.10, color="grey", ls="--", lw=1, label="10% target")
    ax.set_xlabel("bid over the term (millions)")
    ax.set_ylabel("P(providers' deficit over the term)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title("Probability of deficit by bid")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "deficit_by_bid.png"))
    plt.close(fig)

    # 3. budget by segment and place
    path = os.path.join(out, "budget_by_segment_place.csv")
    if os.path.exists(path):
        seg, places, val = [], [], {}
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                if r["segment"] not in seg:
                    seg.append(r["segment"])
                if r["place"] not in places:
                    places.append(r["place"])
                val[(r["segment"], r["place"])] = float(r["expected_cost_year1"]) / 1e6
        fig, ax = plt.subplots(figsize=(8, 4.5), dpi=90)
        bottom = np.zeros(len(places))
        for s in seg:
            v = np.array([val.get((s, p), 0.0) for p in places])
            ax.bar(places, v, bottom=bottom, label=s)
            bottom += v
        ax.set_ylabel("expected year-1 cost (millions)")
        ax.set_title("Budget by segment and place")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(out, "budget_by_segment_place.png"))
        plt.close(fig)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
