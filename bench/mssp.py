#!/usr/bin/python3
"""MSSP settlement benchmark: ncm_mssp_settle (bench_mssp, C), the Python bindings (ncm.mssp_settle on
a DataFrame, one C call) and a row-wise pandas apply of the same 2022 rules, side by side on the same
100,000 synthetic ACO rows.

usage: PYTHONPATH=build/python /usr/bin/python3 bench/mssp.py [--bench build/bench/bench_mssp] [--rows 100000]
(without the built bindings on PYTHONPATH the Python-bindings column is skipped with a message)

Prints both timings, the rows per second of each, the ratio, and how many rows agree to the cent.
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile
import time

import pandas as pd

TRACKS = {  # 2022: share rate, savings cap, loss rule, loss rate, loss cap (benchmark), loss cap (revenue)
    "BASIC_A": (0.40, 0.10, "none", 0.0, 0.0, 0.0),
    "BASIC_B": (0.40, 0.10, "none", 0.0, 0.0, 0.0),
    "BASIC_C": (0.50, 0.10, "fixed", 0.30, 0.01, 0.02),
    "BASIC_D": (0.50, 0.10, "fixed", 0.30, 0.02, 0.04),
    "BASIC_E": (0.50, 0.10, "fixed", 0.30, 0.04, 0.08),
    "ENHANCED": (0.75, 0.20, "quality", 0.0, 0.15, 0.0),
}
BANDS = [(5000, 5999, .039, .036), (6000, 6999, .036, .034), (7000, 7999, .034, .032), (8000, 8999, .032, .031),
         (9000, 9999, .031, .030), (10000, 14999, .030, .027), (15000, 19999, .027, .025),
         (20000, 49999, .025, .022), (50000, 59999, .022, .020)]


def size_msr(n):
    for lo, hi, low, high in BANDS:
        if n <= hi:
            return low - (n - lo) / (hi - lo) * (low - high)
    return 0.02


def settle_row(row):
    """What an analyst would write: the 2022 rules for one ACO, amounts in cents."""
    share, cap, loss_rule, loss_rate, lcap_b, lcap_r = TRACKS[row["track"]]
    b, e = row["benchmark"], row["expenditure"]
    msr = row["msr"] if not math.isnan(row["msr"]) else size_msr(row["beneficiaries"])
    v = b - e
    gen = v if v != 0 and abs(v) >= msr * b else 0
    earned = 0
    if v >= 0:
        r = share if row["quality_met"] else 0.0
        if gen > 0 and r > 0:
            earned = round(min(gen * r * 0.98, cap * b))
    elif loss_rule != "none" and gen < 0:
        if loss_rule == "fixed":
            rate = loss_rate
        else:
            q = row["quality_score"] if row["quality_met"] else 0.0
            rate = min(max(1 - 0.75 * q, 0.40), 0.75)
        lcap = lcap_b * b
        if lcap_r > 0 and not math.isnan(row["revenue"]):
            lcap = min(lcap, lcap_r * row["revenue"])
        earned = -round(min(rate * -gen, lcap))
    return gen, earned


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=os.path.join(here, "..", "build", "bench", "bench_mssp"))
    ap.add_argument("--rows", type=int, default=100000)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([a.bench, str(a.rows), tmp], check=True, capture_output=True, text=True).stdout
        fields = dict(kv.split("=") for kv in out.split())
        c_sec = float(fields["seconds"])
        df = pd.read_csv(os.path.join(tmp, "acos.csv"))
        ref = pd.read_csv(os.path.join(tmp, "ncm_results.csv"))
    t0 = time.perf_counter()
    res = df.apply(settle_row, axis=1, result_type="expand")
    res.columns = ["generated", "earned"]
    py_sec = time.perf_counter() - t0
    agree = int(((res["earned"] - ref["earned"]).abs() <= 1).sum())
    nb_sec = nb_dec_sec = None
    try:
        import ncm
    except ImportError as exc:
        print(f"(ncm Python bindings not importable: {exc}; set PYTHONPATH=build/python)")
    else:
        nb_sec = nb_dec_sec = float("inf")
        for _ in range(3):  # best of 3: the DataFrame in, one C call, a DataFrame out (int64 cents)
            t0 = time.perf_counter()
            nb = ncm.mssp_settle(df, year=2022, units="minor", money="minor")
            nb_sec = min(nb_sec, time.perf_counter() - t0)
        t0 = time.perf_counter()  # the default output: exact Decimal amounts
        ncm.mssp_settle(df, year=2022, units="minor")
        nb_dec_sec = time.perf_counter() - t0
        nb_agree = int((nb["earned"].to_numpy() == ref["earned"].to_numpy()).sum())
    print(f"rows: {a.rows}")
    print(f"{'':34s} {'seconds':>10s} {'rows/s':>14s} {'pandas / this':>14s}")
    print(f"{'ncm_mssp_settle (C, best of 5)':34s} {c_sec:10.6f} {a.rows / c_sec:14,.0f} {py_sec / c_sec:13,.0f}x")
    if nb_sec is not None:
        print(f"{'ncm.mssp_settle (Python, best of 3)':34s} {nb_sec:10.6f} {a.rows / nb_sec:14,.0f} {py_sec / nb_sec:13,.0f}x")
        print(f"{'  same, Decimal money out':34s} {nb_dec_sec:10.6f} {a.rows / nb_dec_sec:14,.0f} {py_sec / nb_dec_sec:13,.0f}x")
    print(f"{'pandas row-wise apply':34s} {py_sec:10.3f} {a.rows / py_sec:14,.0f} {1:13,.0f}x")
    print(f"ratio (pandas / ncm C): {py_sec / c_sec:,.0f}x")
    print(f"rows agreeing on earned to within one cent (pandas vs C): {agree} of {a.rows}")
    if nb_sec is not None:
        print(f"rows identical on earned (Python bindings vs C): {nb_agree} of {a.rows}")
    ok = a.rows / c_sec >= 100000 and py_sec / c_sec >= 100
    print("targets (>= 100,000 rows/s and >= 100x):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
