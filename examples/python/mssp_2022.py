"""Replay CMS's published 2022 Medicare Shared Savings Program results with ncm.mssp_settle, and plot
earned against generated savings.

Reads ../shared/data/mssp/py2022_aco_puf.csv (or $NCM_SHARED_DATA/mssp/...): UTF-8 with a byte-order
mark, rates as percent strings ("89.41%"), tracks A-E / EN. Every ACO is settled in one C call; the
script prints how many ACOs are reproduced to within $1 per $1m of benchmark, the ones that are not
(with the reason), and writes a scatter plot of earned vs generated savings to a PNG (matplotlib, Agg).

Run from the repository root after building:
    PYTHONPATH=build/python /usr/bin/python3 examples/python/mssp_2022.py [out.png]
(default output: <temp dir>/mssp_2022.png)

Expected output (with the shared data present):
    2022: 482 ACOs settled; 480 reproduced within $1 per $1m of benchmark
    shared savings earned: ncm 2,524,453,553, CMS 2,523,385,141
      not reproduced: A1070 BASIC_D earned -6,262,716, CMS 0: loss capped by ACO revenue (not published)
      not reproduced: A1080 BASIC_C earned 1,068,416, CMS 0: mid-year termination forfeits savings
    plot written to <temp dir>/mssp_2022.png
"""

import os
import sys
import tempfile

import numpy as np
import pandas as pd

import ncm

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("NCM_SHARED_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data")
TRACKS = {"A": "BASIC_A", "B": "BASIC_B", "C": "BASIC_C", "D": "BASIC_D", "E": "BASIC_E", "EN": "ENHANCED"}


def pct(s):
    """Percent strings ("2.00%") or plain numbers to fractions/numbers (NaN for empty)."""
    t = s.astype("string").str.strip()
    v = pd.to_numeric(t.str.rstrip("%"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.where(t.str.endswith("%").fillna(False).to_numpy(dtype=bool), v / 100, v)


def main(argv):
    png = argv[1] if len(argv) > 1 else os.path.join(tempfile.gettempdir(), "mssp_2022.png")
    path = os.path.join(SHARED, "mssp", "py2022_aco_puf.csv")
    if not os.path.exists(path):
        print("CMS 2022 MSSP public use file not found at %s: set NCM_SHARED_DATA to the shared data folder" % path)
        return 0
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    track = raw["Current_Track"].map(TRACKS)
    puf_msr = pct(raw["MinSavPerc"])
    nab = raw["N_AB"].astype(np.int64)
    # Two-sided ACOs choose a fixed MSR/MLR (0, 0.5, 1, 1.5 or 2%); ACOs under 5,000 get their published one.
    chose = np.isclose(puf_msr[:, None], [0, 0.005, 0.01, 0.015, 0.02], atol=1e-9, rtol=0).any(axis=1)
    fixed = (nab < 5000).to_numpy() | (~track.isin(["BASIC_A", "BASIC_B"]).to_numpy() & chose)
    acos = pd.DataFrame({
        "aco_id": raw["ACO_ID"], "track": track, "beneficiaries": nab,
        "benchmark": raw["ABtotBnchmk"].astype(np.int64), "expenditure": raw["ABtotExp"].astype(np.int64),
        "quality_met": raw["Met_QPS"].astype(int), "quality_score": raw["QualScore"],  # "89.41%" is read as 0.8941
        "msr": np.where(fixed, puf_msr, np.nan),
    })
    out = ncm.mssp_settle(acos, year=2022, money="float")

    # CMS's EarnSaveLoss is after the disaster adjustment (DisAdj) of shared losses.
    cms = pct(raw["EarnSaveLoss"])
    ours = out["earned"].to_numpy() - np.nan_to_num(pct(raw["DisAdj"]))
    ok = np.abs(ours - cms) <= acos["benchmark"].to_numpy() / 1e6
    print("2022: %d ACOs settled; %d reproduced within $1 per $1m of benchmark" % (len(acos), ok.sum()))
    print("shared savings earned: ncm %s, CMS %s" % ("{:,.0f}".format(out["earned"].clip(lower=0).sum()),
                                                     "{:,.0f}".format(np.clip(cms, 0, None).sum())))
    for i in np.flatnonzero(~ok):
        why = "mid-year termination forfeits savings" if raw["Impact_Mid_Year_Termination"].iloc[i] == "1" \
            else "loss capped by ACO revenue (not published)"
        print("  not reproduced: %s %s earned %s, CMS %s: %s" % (
            acos["aco_id"].iloc[i], acos["track"].iloc[i], "{:,.0f}".format(ours[i]), "{:,.0f}".format(cms[i]), why))

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 5))
    for name, grp in out.groupby(acos["track"]):
        ax.scatter(grp["generated"] / 1e6, grp["earned"] / 1e6, s=10, label=name)
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("generated savings / losses ($m)")
    ax.set_ylabel("earned shared savings / losses owed ($m)")
    ax.set_title("MSSP 2022: earned vs generated (ncm.mssp_settle)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    print("plot written to %s" % ("the output path" if len(argv) > 1 else "<temp dir>/mssp_2022.png"))
    print(png, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
