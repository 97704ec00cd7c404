#!/usr/bin/python3
"""Capitation benchmark: ncm (C) side by side with the pandas code an analyst would write.

Runs bench_capitation (risk-adjusted capitation for N people rolled up to practice, network and place;
fair shares over 10,000 units with 5 indices plus pace of change) and the equivalent pandas/numpy
baseline on a population of the same shape, then prints both timings and the ratios.

usage: /usr/bin/python3 bench/capitation.py [--people N] [--repeat R] [--bench PATH]
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd


def run_c(bench, people, repeat):
    out = subprocess.run([bench, "--people", str(people), "--repeat", str(repeat)], check=True,
                         capture_output=True, text=True).stdout
    return dict(line.split("=", 1) for line in out.split() if "=" in line)


def pandas_capitation(people, repeat, seed=1):
    rng = np.random.default_rng(seed)
    npr = people // 7000 + 1
    u = rng.random(people)
    months = np.where(rng.integers(0, 10, people) > 0, 12.0, rng.integers(1, 12, people).astype(float))
    practice = rng.integers(0, npr, people).astype(np.uint32)
    df = pd.DataFrame({"practice": practice, "network": practice // 5, "place": practice // 50,
                       "risk": 0.2 + 3.0 * u * u, "months": months})
    base = 1500.00
    best = bestcpu = float("inf")
    for _ in range(repeat):
        c0 = time.process_time()
        t0 = time.perf_counter()
        # risk-adjusted capitation: normalise risk to an exposure-weighted mean of 1, pay base x risk x months/12
        exposure = df["months"] / 12.0
        risk = df["risk"] * exposure.sum() / (df["risk"] * exposure).sum()
        pay = (base * risk * exposure).round(2)
        out = df[["practice", "network", "place"]].assign(pay=pay, exposure=exposure, weighted=risk * exposure)
        by_practice = out.groupby("practice")[["pay", "exposure", "weighted"]].sum()
        by_network = out.groupby("network")[["pay", "exposure", "weighted"]].sum()
        by_place = out.groupby("place")[["pay", "exposure", "weighted"]].sum()
        t1 = time.perf_counter()
        best = min(best, t1 - t0)
        bestcpu = min(bestcpu, time.process_time() - c0)
    assert len(by_practice) > 0 and len(by_network) > 0 and len(by_place) > 0
    return best, bestcpu


def pandas_fair_shares_pace(repeat=41, seed=2):
    rng = np.random.default_rng(seed)
    U = 10000
    units = pd.DataFrame({"list": 2000 + 10000 * rng.random(U)})
    for k in range(1, 5):
        units[f"idx{k}"] = 0.8 + 0.4 * rng.random(U)
    prev = 1_000_000.00 + rng.integers(0, 1_000_000, U) / 100.0
    E = 16_000_000_000.00
    floor, cap = 0.01, 0.05
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        w = units.prod(axis=1)
        target = (E * w / w.sum()).round(2)
        f = prev * (1 + floor)
        gap = (target - f).clip(lower=0)
        extra = np.minimum(gap, cap * prev)
        left = E - f.sum()
        if extra.sum() > left:  # scale the extra growth down to what is affordable
            extra = extra * left / extra.sum()
            left = 0.0
        else:
            left -= extra.sum()
        alloc = f + extra
        alloc = (alloc * E / alloc.sum()).round(2)
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--bench", default=os.path.join(here, "..", "build", "bench", "bench_capitation"))
    a = ap.parse_args()
    if not os.path.exists(a.bench):
        sys.exit(f"{a.bench} not found: build with -DNCM_BUILD_BENCH=ON first")
    c = run_c(a.bench, a.people, a.repeat)
    pd_cap, pd_cpu = pandas_capitation(a.people, a.repeat)
    pd_fs = pandas_fair_shares_pace()
    n = int(c["people"])
    c_cap, c_borrow = float(c["capitation_seconds"]), float(c["capitation_borrow_seconds"])
    c_fs = float(c["fair_shares_pace_ms_median"]) / 1e3
    print(f"risk-adjusted capitation, {n:,} people -> {c['practices']} practices, {c['networks']} networks, "
          f"{c['places']} places (best of {a.repeat}, one core)")
    c_cpu, c_bcpu = float(c["capitation_cpu_seconds"]), float(c["capitation_borrow_cpu_seconds"])
    print("                              wall ms   M people/s  |   CPU ms   M people/s per core")
    for name, w, cp in (("ncm (copies inputs)", c_cap, c_cpu), ("ncm (BORROW flag)", c_borrow, c_bcpu),
                        ("pandas groupby", pd_cap, pd_cpu)):
        print(f"  {name:24s} {w * 1e3:9.1f}  {n / w / 1e6:9.1f}    | {cp * 1e3:8.1f}  {n / cp / 1e6:9.1f}")
    print(f"  ratio pandas/ncm, wall   {pd_cap / c_cap:9.1f}x (copy)   {pd_cap / c_borrow:.1f}x (borrow)")
    print(f"  ratio pandas/ncm, CPU    {pd_cpu / c_cpu:9.1f}x (copy)   {pd_cpu / c_bcpu:.1f}x (borrow)")
    print(f"  load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (shared machine)")
    print("fair shares, 10,000 units x 5 indices, plus pace of change (median of 41)")
    print(f"  ncm                      {c_fs * 1e3:9.2f} ms")
    print(f"  pandas/numpy             {pd_fs * 1e3:9.2f} ms")
    print(f"  ratio pandas/ncm         {pd_fs / c_fs:9.1f}x")


if __name__ == "__main__":
    main()
