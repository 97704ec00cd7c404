"""Settlement speed: ncm's bulk settler against the plain numpy (vectorised) and pandas (row-wise apply)
code an analyst would write for the same Bedfordshire MSK rules, on the same inputs, side by side.

Run from the repository root after building:  /usr/bin/python3 bench/settle.py [N]
"""
import subprocess
import sys
import time

import numpy as np
import pandas as pd

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
EXE = "./build/bench/bench_settle"

# Bedfordshire year 1, in pence: up-front 95% of 26.5m, fee 2.5%, 5% band kept, 50/50 beyond.
U, F, BAND = 2_517_500_000, 66_250_000, 125_875_000


def costs(n):
    # the same deterministic costs as bench_settle.c: 20m + (i * golden ^ >>31) % 10m
    i = np.arange(n, dtype=np.uint64)
    x = i * np.uint64(0x9E3779B97F4A7C15)
    x ^= x >> np.uint64(31)
    return (2_000_000_000 + (x % np.uint64(1_000_000_000))).astype(np.int64)


def numpy_settle(cost):
    s = U - cost
    above = np.maximum(s - BAND, 0)
    q = above // 2
    q += (above % 2 == 1) & (q % 2 == 1)  # half-even on the provider's half
    comm = above - q
    return U + F - comm  # Circle's net


def row_rule(c):
    s = U - c
    above = max(s - BAND, 0)
    q = above // 2
    if above % 2 == 1 and q % 2 == 1:
        q += 1
    return U + F - (above - q)


out = subprocess.run([EXE, str(N)], capture_output=True, text=True, check=True).stdout.split("\n")
res = {line.split()[0]: line.split()[1:] for line in out if line}
n_c, t_c, rate_c, sum_c = res["bulk_bedfordshire"]
t_c = float(t_c)

cost = costs(N)
t0 = time.perf_counter()
net = numpy_settle(cost)
t_np = time.perf_counter() - t0
assert int(net.sum()) == int(sum_c), "numpy and ncm disagree"

M = min(N, 200_000)
df = pd.DataFrame({"cost": cost[:M]})
t0 = time.perf_counter()
net_pd = df["cost"].apply(row_rule)
t_pd = (time.perf_counter() - t0) * N / M
assert (net_pd.to_numpy() == net[:M]).all(), "pandas and numpy disagree"

print(f"contracts settled (Bedfordshire year 1): {N:,}")
print(f"ncm bulk settler      {t_c:9.4f} s  {N / t_c:14,.0f} /s")
print(f"numpy vectorised      {t_np:9.4f} s  {N / t_np:14,.0f} /s   ncm is {t_np / t_c:6.2f}x the speed")
print(f"pandas apply (est.)   {t_pd:9.4f} s  {N / t_pd:14,.0f} /s   ncm is {t_pd / t_c:6.2f}x the speed")
for k in ("ledger_bedfordshire", "bulk_alliance"):
    n, t, rate, _ = res[k]
    print(f"ncm {k:22s} {int(n):,} in {float(t):.4f} s = {float(rate):,.0f} /s")
print("(numpy hard-codes one contract's rules; ncm reads them from the contract file and explains every line)")
