#!/usr/bin/python3
"""Re-allocate the 2022-23 GMS Global Sum across GMS practices by weighted patients (ncm.fair_shares)
and see how close each practice lands to what it was actually paid.

Data: NHS Payments to General Practice, England, 2022-23 (NHS Digital, Open Government Licence v3.0),
read from ../shared/data/nhs/payments_to_general_practice_2022_23.csv next to the repository (or the
directory in $NCM_SHARED_DATA, or --data PATH). When the file is not there the example says so and
exits 0.

The Global Sum is a capitation payment on the weighted (Carr-Hill need-adjusted) list, so splitting the
national envelope in proportion to each practice's weighted patients should land close to what each
practice was paid; it cannot be exact, because list sizes in the file are last known figures, not the
quarterly lists the payments used.

usage: PYTHONPATH=build/python /usr/bin/python3 examples/python/gp_global_sum.py [PLOT.png] [--data CSV]

Expected output (with the shared data present; the practice count, envelope, 0.65% and 92.6% agree with
the C test test_gp_global_sum and with an independent pandas computation on the same file):
    GMS practices with a positive Global Sum and weighted list: 4584
    envelope (sum of their Global Sum): 4183934558.77
    fair shares sum to the envelope exactly: True
    Global Sum per weighted patient: median 95.09 (IQR 94.52 to 95.78)
    % difference share vs paid: median -0.29% (IQR -1.01% to +0.30%)
    |share - paid| / paid: median 0.65%, 92.6% of practices within 5%
    largest gaps: 84 practices more than 20% apart
    plot written to <PLOT.png>
"""
import argparse
import os
import sys
import tempfile
from decimal import Decimal

import numpy as np
import pandas as pd

import ncm

FILE = "payments_to_general_practice_2022_23.csv"
WEIGHTED = "Number of Weighted Patients (Last Known Figure)"


def default_data():
    here = os.path.dirname(os.path.abspath(__file__))
    base = os.environ.get("NCM_SHARED_DATA") or os.path.join(here, "..", "..", "..", "shared", "data")
    return os.path.join(base, "nhs", FILE)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("plot", nargs="?", default=os.path.join(tempfile.gettempdir(), "gp_global_sum.png"),
                    help="where to write the plot (PNG)")
    ap.add_argument("--data", default=default_data(), help="the payments CSV")
    args = ap.parse_args(argv)
    if not os.path.exists(args.data):
        print("The NHS payments data is not present (%s): nothing to do.\n"
              "Put the shared data next to the repository (../shared/data/nhs) or pass --data." % args.data)
        return 0

    raw = pd.read_csv(args.data, encoding="utf-8-sig", dtype={"Global Sum": str, "Practice Code": str},
                      low_memory=False)
    gms = raw[raw["Contract Type"].str.strip() == "GMS"].copy()
    gms["weighted"] = pd.to_numeric(gms[WEIGHTED], errors="coerce")
    gms["gs"] = pd.to_numeric(gms["Global Sum"], errors="coerce")
    gms = gms[(gms["weighted"] > 0) & (gms["gs"] > 0)]
    # exact money: the Global Sum column as decimal strings -> Decimal, the envelope their exact sum
    paid = [Decimal(s.strip()) for s in gms["Global Sum"]]
    envelope = sum(paid, Decimal("0.00"))
    units = pd.DataFrame({"practice": gms["Practice Code"].to_numpy(), "weighted_patients": gms["weighted"].to_numpy()})
    shares = ncm.fair_shares(units, envelope=envelope, unit="practice", indices=["weighted_patients"])
    print("GMS practices with a positive Global Sum and weighted list: %d" % len(units))
    print("envelope (sum of their Global Sum): %s" % envelope)
    print("fair shares sum to the envelope exactly: %s" % (sum(shares["share"]) == envelope))

    paid_f = np.array([float(p) for p in paid])
    share_f = np.array([float(s) for s in shares["share"]])
    per_wp = paid_f / units["weighted_patients"].to_numpy()
    q = np.percentile(per_wp, [25, 50, 75])
    print("Global Sum per weighted patient: median %.2f (IQR %.2f to %.2f)" % (q[1], q[0], q[2]))
    diff = 100.0 * (share_f - paid_f) / paid_f
    d = np.percentile(diff, [25, 50, 75])
    print("%% difference share vs paid: median %+.2f%% (IQR %+.2f%% to %+.2f%%)" % (d[1], d[0], d[2]))
    gap = np.abs(diff)
    print("|share - paid| / paid: median %.2f%%, %.1f%% of practices within 5%%" %
          (np.median(gap), 100.0 * np.mean(gap < 5.0)))
    print("largest gaps: %d practices more than 20%% apart" % int(np.sum(gap > 20.0)))

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.scatter(paid_f, share_f, s=4, alpha=0.5)
    lo, hi = min(paid_f.min(), share_f.min()), max(paid_f.max(), share_f.max())
    ax.plot([lo, hi], [lo, hi], color="black", linewidth=1, label="y = x")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("Global Sum paid 2022-23 (pounds)")
    ax.set_ylabel("fair share by weighted patients (pounds)")
    ax.set_title("GMS Global Sum: fair share vs paid (%d practices)" % len(units))
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.plot, dpi=100)
    print("plot written to %s" % args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
