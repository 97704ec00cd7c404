#!/usr/bin/python3
"""Generate a synthetic population: ncm_synth_population vs the same columns generated with vectorised numpy.

usage: /usr/bin/python3 bench/synth.py [--people 10000000] [--minor 4.4] [--build build]

Runs build/bench/bench_synth (the C generator, one core) and then, in a fresh Python process, the numpy
generation an analyst would write for the same model (ONS age/sex table, practices/networks/places,
deprivation, a latent risk, nineteen conditions with age/sex/deprivation prevalence, condition and minor
codes in CSR form, months enrolled, lognormal costs, "S000000001"-style person ids), and prints both
timings, people per second, peak memory and the ratio. --minor 4.4 gives about 5 codes a person.
"""
import argparse
import os
import subprocess
import sys

NUMPY_CODE = r'''
import sys, time
import numpy as np

n, minor, seed = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
t0 = time.perf_counter()
rng = np.random.default_rng(seed)
M = np.array([1640,1778,1838,1714,1783,1856,1930,1880,1790,1705,1880,1865,1615,1375,1290,1010,625,345,160.])
F = np.array([1562,1692,1748,1625,1716,1874,1990,1925,1815,1745,1945,1915,1680,1465,1420,1150,785,505,355.])
w = np.column_stack([M, F]).ravel(); w /= w.sum()
cell = rng.choice(38, n, p=w)
band, male = cell // 2, (cell % 2 == 0)
age = band * 5 + rng.integers(0, 5, n)
old = band == 18
w90 = np.array([200,170,145,120,100,80,62,46,33,22,14,8,5,3,2.]); w90 /= w90.sum()
age[old] = 90 + rng.choice(15, int(old.sum()), p=w90)
# geography: practices of ~9,000 in networks of ~40,000 in places of ~450,000
nprac = max(1, n // 9000)
wp = rng.lognormal(0, 0.6, nprac)
sizes = rng.multinomial(n, wp / wp.sum())
practice = np.repeat(np.arange(nprac, dtype=np.uint32), sizes)
network = practice // 4          # about 4.4 practices of 9,000 make a network of 40,000
place = network // 11            # about 11 networks make a place of 450,000
system = np.zeros(n, np.uint32)
pdep = rng.integers(1, 11, nprac)[practice]
shift = rng.choice(np.array([0, -1, 1, -2, 2]), n, p=[.5, .2, .2, .05, .05])
dep = pdep + shift
dep = np.where(dep < 1, 2 - dep, np.where(dep > 10, 20 - dep, dep)).astype(np.uint8)
m = np.exp(0.5 * rng.standard_normal(n) - 0.125)
grp = np.digitize(age, [18, 35, 50, 65, 75, 85])
prev = np.array([[0.05,1.5,8,22,40,52,58],[0.2,1.2,4.5,11,17,19,15],[0,0.05,0.6,2.8,5.5,7.5,7.5],[5,6,6,6.5,7.5,7.5,6.5],
  [0.01,0.04,0.2,0.8,2.5,5.5,9.5],[0,0.05,0.3,1.8,6,11.5,17],[0,0.04,0.7,3.8,9,13.5,16],[0.02,0.1,0.5,2,5,8.5,12],
  [0,0.15,0.6,2.8,7.5,17,28],[0,0,0.02,0.2,1.2,4.5,13],[1.5,13,15,14,11,10,10],[0.05,1,1.4,1.4,1.1,0.9,0.8],
  [0.1,0.4,1.7,4.8,10,14,15],[0,0.3,2.5,9,18,24,26],[0.02,0.15,0.5,1.1,1.6,1.8,1.6],[0.5,0.8,0.8,0.85,0.9,0.9,0.9],
  [0,0,0.02,0.15,0.65,1.4,1.9],[0.6,0.8,0.6,0.45,0.3,0.15,0.1],[0,0,0,0.3,5,14,35]]) / 100
mr = np.array([1.1,1.3,1.1,.8,1.3,1.4,1.8,1.1,.8,.7,.55,1,1,.7,.4,1.1,1.5,1.5,.7])
dr = np.array([1.15,1.8,2.8,1.3,1.6,1,1.7,1.5,1.3,1.2,1.5,2.2,.9,1.3,1.3,1.6,1,1.6,1.8])
cw = np.array([.15,.4,.8,.3,1.5,.6,.6,.9,.7,1.5,.4,1.2,1.5,.4,.6,.6,1,1.5,1.2])
ncodes = np.array([1,5,2,2,3,2,3,2,5,2,4,3,4,2,2,2,1,1,1])
base_code = np.concatenate([[0], np.cumsum(ncodes)[:-1]])
weight = np.zeros(n)
who, what = [], []
for c in range(19):
    g = (dr[c] - 1) / (4.5 * (dr[c] + 1))
    sexf = np.where(male, 2 * mr[c] / (1 + mr[c]), 2 / (1 + mr[c]))
    p = np.minimum(prev[c][grp] * sexf * (1 + g * (5.5 - dep)) * m, 0.95)
    has = rng.random(n) < p
    idx = np.flatnonzero(has)
    weight[idx] += cw[c]
    who.append(idx)
    what.append(base_code[c] + rng.integers(0, ncodes[c], idx.size))
lam = minor * np.array([0.7, 0.7, 0.9, 1.2, 1.6, 1.9, 2.0])[grp] / 1.0
k = rng.poisson(lam)
who.append(np.repeat(np.arange(n), k))
what.append(60 + rng.integers(0, 16, int(k.sum())))
who = np.concatenate(who); what = np.concatenate(what).astype(np.uint32)
order = np.argsort(who, kind="stable")
dx_codes = what[order]
dx_offsets = np.zeros(n + 1, np.uint64); np.cumsum(np.bincount(who, minlength=n), out=dx_offsets[1:])
died = rng.random(n) < np.minimum(np.array([.0002,.0005,.0015,.005,.015,.045,.14])[grp] * m, .5)
moved = ~died & (age > 0) & (rng.random(n) < 0.08)
months = np.where(died | moved, rng.integers(1, 12, n), np.where(age == 0, rng.integers(1, 13, n), 12)).astype(float)
mean = np.array([1430,1490,1580,1725,1960,2235,2095.])[grp] * (1 + weight) * np.where(died, 3.0, 1.0)
mean = np.where(moved, mean * months / 12, mean)
pounds = np.minimum(mean * np.exp(1.2 * rng.standard_normal(n) - 0.72), 5e6)
zero = (weight == 0) & ~died & (rng.random(n) < np.array([.1,.18,.14,.08,.04,.02,.01])[grp])
cost = np.where(zero, 0, np.rint(pounds * 100)).astype(np.int64)
# person ids "S000000001": fixed-width bytes built arithmetically (vectorised, no Python strings)
digits = (np.arange(1, n + 1, dtype=np.int64)[:, None] // 10 ** np.arange(8, -1, -1)) % 10
pid = np.empty((n, 10), np.uint8); pid[:, 0] = ord("S"); pid[:, 1:] = (digits + 48).astype(np.uint8)
person_id = pid.view("S10").ravel()
secs = time.perf_counter() - t0
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
print(secs, dx_codes.size / n, int(hwm), person_id[0].decode(), int(cost.mean()))
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=10_000_000)
    ap.add_argument("--minor", type=float, default=4.4, help="minor_codes_mean (4.4 gives about 5 codes a person)")
    ap.add_argument("--seed", type=int, default=2015)
    ap.add_argument("--build", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build"))
    a = ap.parse_args()
    exe = os.path.join(a.build, "bench", "bench_synth")
    out = subprocess.run([exe, str(a.people), str(a.minor), str(a.seed)], check=True, capture_output=True,
                         text=True).stdout
    f = dict(kv.split("=") for kv in out.split())
    t_c = float(f["seconds"])
    res = subprocess.run([sys.executable, "-c", NUMPY_CODE, str(a.people), str(a.minor), str(a.seed)], check=True,
                         capture_output=True, text=True).stdout.split()
    t_np, codes_np, rss_np = float(res[0]), float(res[1]), int(res[2])
    n = a.people
    print(f"people: {n:,}  (minor_codes_mean {a.minor})")
    print(f"ncm_synth_population : {t_c:8.3f} s  {n / t_c:12,.0f} people/s  {float(f['codes_per_person']):.2f} codes/person"
          f"  peak RSS {float(f['peak_rss_mb']):.0f} MiB  (CPU {float(f.get('cpu_seconds', 'nan')):.3f} s)")
    print(f"numpy (vectorised)   : {t_np:8.3f} s  {n / t_np:12,.0f} people/s  {codes_np:.2f} codes/person"
          f"  peak RSS {rss_np / 1024:.0f} MiB (Python process incl. interpreter)")
    print(f"ratio (numpy / ncm)  : {t_np / t_c:8.2f}x")
    print(f"target: {n:,} people in under 3 s on one core -> {'met' if n < 10_000_000 or t_c < 3.0 else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
