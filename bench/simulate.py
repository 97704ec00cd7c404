"""Monte Carlo speed: ncm's engine against the vectorised numpy code an analyst would write, side by side.

Run from the repository root after building:  /usr/bin/python3 bench/simulate.py [TRIALS]

Person level: 1,000,000 people, one lognormal cost (mean 1,000.00, cv 2) per person per year, 5 years,
TRIALS trials (default 20: 100,000,000 person-year draws). ncm runs with 1 and 2 threads (the scaling
ratio is printed); numpy draws each year's 1,000,000 costs with Generator.lognormal, applies the trial's
cost factor, rounds to the penny and sums (the same work without the settlement, which ncm also does).
Segment level: 20 segments, 100,000 trials x 5 years, ncm only (target: under 1 second).
"""
import subprocess
import sys
import time

import numpy as np

TRIALS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
EXE = "./build/bench/bench_simulate"
PEOPLE = 1_000_000


def run(*args):
    out = subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, check=True).stdout.split()
    return float(out[5]), float(out[6]), float(out[8])


def numpy_person(trials, people):
    rng = np.random.default_rng(2015)
    s2 = np.log1p(2.0 ** 2)
    mu, sig = np.log(100_000.0) - s2 / 2, np.sqrt(s2)
    totals = np.empty((trials, 5), dtype=np.int64)
    t0 = time.perf_counter()
    c0 = time.process_time()
    for t in range(trials):
        eff = min(max(0.05 + 0.02 * rng.standard_normal(), 0.0), 0.95)
        for y in range(5):
            f = (1.02 * 1.01) ** y * (1 - eff) * (1.03 if rng.random() < 0.2 else 1.0)
            x = rng.lognormal(mu, sig, people)
            totals[t, y] = np.floor(x * f + 0.5).astype(np.int64).sum()
    return time.perf_counter() - t0, time.process_time() - c0


t1, r1, c1 = run("person", PEOPLE, TRIALS, 1)
t2, r2, c2 = run("person", PEOPLE, TRIALS, 2)
# numpy on a fifth of the trials (it is single-threaded and slow), scaled by its measured rate
nt = max(2, TRIALS // 5)
tn, cn = numpy_person(nt, PEOPLE)
rn = nt * 5 * PEOPLE / tn
ts, rs, cs = run("segment", 100_000, 2)

print(f"person-level Monte Carlo: {PEOPLE:,} people x {TRIALS} trials x 5 years = {PEOPLE * TRIALS * 5:,} draws")
D = PEOPLE * TRIALS * 5
print(f"  ncm, 1 thread     {t1:8.3f} s wall  {r1 / 1e6:8.1f} M draws/s   (cpu {c1:.3f} s: {D / c1 / 1e6:.1f} M draws per cpu-second)")
print(f"  ncm, 2 threads    {t2:8.3f} s wall  {r2 / 1e6:8.1f} M draws/s   (cpu {c2:.3f} s: {D / c2 / 1e6:.1f} M draws per cpu-second)")
print(f"  scaling 1 -> 2 threads (wall): {r2 / r1:.2f}x; cpu per draw 2 threads / 1 thread: {c2 / c1:.2f}")
print(f"  numpy (vectorised, {nt} trials) {tn:8.3f} s wall  {rn / 1e6:8.1f} M draws/s   (cpu {cn:.3f} s)")
print(f"  ncm (2 threads) / numpy throughput: {r2 / rn:.1f}x")
print(f"segment-level: 20 segments x 100,000 trials x 5 years: ncm {ts:.3f} s wall (2 threads, cpu {cs:.3f} s)")
print("(wall-clock figures depend on the load of the machine: compare with `uptime`)")
