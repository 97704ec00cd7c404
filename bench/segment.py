#!/usr/bin/python3
"""Segmentation of 10,000,000 people with a 10-rule set: ncm_segmentation_assign vs numpy/pandas (np.select).

usage: /usr/bin/python3 bench/segment.py [--people N] [--build build] [--dir /tmp/ncm_bench_segment] [--repeats 3]

Runs build/bench/bench_segment, which generates the population (about 2.5 diagnosis codes a person,
scores with ties, costs), times ncm_segmentation_assign (best of --repeats) and dumps its inputs and
output as raw arrays into --dir. Then, in this same run, times the code an analyst would write with
numpy and pandas for the same 10 rules: per-person condition-group masks from the CSR diagnoses with
np.bitwise_or.reduceat, LTC counts by popcount, risk percentiles with Series.rank(method="min"), and
np.select over the ten conditions. Checks that both give the same segment for every person and
prints both timings and the ratio.
"""
import argparse
import os
import subprocess
import time

import numpy as np
import pandas as pd


def popcount64(x):
    """Number of set bits of each uint64 (numpy 1.24 has no bitwise_count)."""
    b = x.view(np.uint8).reshape(-1, 8)
    return np.unpackbits(b, axis=1).sum(axis=1, dtype=np.uint8)


def baseline(d, n, nd, groups, seg_ids):
    age = np.fromfile(os.path.join(d, "age.i32"), np.int32)
    sex = np.fromfile(os.path.join(d, "sex.u8"), np.uint8)
    months = np.fromfile(os.path.join(d, "months.f64"), np.float64)
    cost = np.fromfile(os.path.join(d, "cost.i64"), np.int64)
    scores = np.fromfile(os.path.join(d, "scores.f64"), np.float64)
    off = np.fromfile(os.path.join(d, "off.u64"), np.uint64).astype(np.int64)
    dx = np.fromfile(os.path.join(d, "dx.u32"), np.uint32)
    code_mask = np.fromfile(os.path.join(d, "code_mask.u64"), np.uint64)
    assert age.size == n and dx.size == nd

    t0, c0 = time.perf_counter(), time.thread_time()
    # condition groups per person: OR of the masks of their codes
    entry_mask = code_mask[dx]
    starts = off[:-1]
    has = off[1:] > starts
    pm = np.zeros(n, np.uint64)
    if entry_mask.size:
        pm[has] = np.bitwise_or.reduceat(entry_mask, starts[has])
    ltc = popcount64(pm & np.uint64(groups["ltc_mask"]))

    def any_of(*names):
        m = np.uint64(0)
        for g in names:
            m |= np.uint64(1 << groups[g])
        return (pm & m) != 0

    # risk percentile = 100 x (people with a strictly lower score) / n
    below = pd.Series(scores).rank(method="min").to_numpy() - 1.0
    pct = 100.0 * below / n
    conds = [
        any_of("end_of_life"),
        pct >= 99.5,
        (age >= 75) & any_of("frailty", "dementia"),
        cost >= 2000000,
        ltc >= 4,
        pct >= 95,
        any_of("heart_failure", "copd"),
        ltc >= 1,
        months <= 6,
        (age >= 65) & (sex == 1),
    ]
    names = ["end_of_life", "very_high_risk", "frail_elderly", "high_cost", "complex", "high_risk",
             "organ_failure", "ltc", "part_year", "older_women"]
    choices = [np.uint32(seg_ids[s]) for s in names]
    seg = np.select(conds, choices, default=np.uint32(seg_ids["healthy"])).astype(np.uint32)
    t, tc = time.perf_counter() - t0, time.thread_time() - c0
    return seg, t, tc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=10_000_000)
    ap.add_argument("--build", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build"))
    ap.add_argument("--dir", default="/tmp/ncm_bench_segment")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    exe = os.path.join(a.build, "bench", "bench_segment")
    out = subprocess.run([exe, str(a.people), str(a.repeats), a.dir], check=True, capture_output=True, text=True).stdout
    fields = dict(kv.split("=") for kv in out.split()[1:])
    t_ncm = float(fields["seconds"])
    t_ncm_cpu = float(fields["cpu_seconds"])
    groups, seg_ids = {}, {}
    with open(os.path.join(a.dir, "groups.txt")) as f:
        for line in f:
            parts = line.split()
            if parts[0] == "ltc_mask":
                groups["ltc_mask"] = int(parts[1])
            elif parts[0] == "segment":
                seg_ids[parts[1]] = int(parts[2])
            else:
                groups[parts[0]] = int(parts[1])
    n = a.people
    nd = os.path.getsize(os.path.join(a.dir, "dx.u32")) // 4
    best, best_cpu, seg = None, None, None
    for _ in range(a.repeats):
        seg, t, tc = baseline(a.dir, n, nd, groups, seg_ids)
        best = t if best is None or t < best else best
        best_cpu = tc if best_cpu is None or tc < best_cpu else best_cpu
    ours = np.fromfile(os.path.join(a.dir, "segment.u32"), np.uint32)
    same = np.array_equal(seg, ours)
    print(f"segmentation of {n:,} people ({nd:,} diagnoses), 10 rules, best of {a.repeats}")
    print(f"  load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; wall-clock and CPU time (thread) of the best run")
    print(f"  ncm (C, 1 thread):      wall {t_ncm:7.3f} s {n / t_ncm / 1e6:7.1f} M people/s   "
          f"cpu {t_ncm_cpu:7.3f} s {n / t_ncm_cpu / 1e6:7.1f} M people/s")
    print(f"  numpy/pandas np.select: wall {best:7.3f} s {n / best / 1e6:7.1f} M people/s   "
          f"cpu {best_cpu:7.3f} s {n / best_cpu / 1e6:7.1f} M people/s")
    print(f"  ratio: ncm is {best / t_ncm:.1f}x faster (wall), {best_cpu / t_ncm_cpu:.1f}x (cpu); "
          f"same segments for every person: {same}")
    if not same:
        bad = np.nonzero(seg != ours)[0]
        print(f"  {bad.size} differ, first at person {bad[0]}: numpy {seg[bad[0]]}, ncm {ours[bad[0]]}")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
