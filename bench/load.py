#!/usr/bin/python3
"""Load 1,000,000 people + ~5,000,000 diagnoses from CSV: ncm_population_read_csv vs pandas.read_csv.

usage: /usr/bin/python3 bench/load.py [--people N] [--build build] [--dir /tmp/ncm_bench_load] [--repeats 3]

Generates people.csv and diagnoses.csv with numpy (cached in --dir between runs), runs
build/bench/bench_load on them, then times pandas.read_csv of the same two files in the same run
(best of --repeats each, each in its own process), and prints MB/s for both and the speed ratio.
Also prints the peak resident memory (VmHWM) of the C loader process and of the pandas process.
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd


def generate(n, d, seed=20261124):
    people = os.path.join(d, "people.csv")
    dx = os.path.join(d, "diagnoses.csv")
    stamp = os.path.join(d, "n.txt")
    if os.path.exists(stamp) and open(stamp).read().strip() == str(n) and os.path.exists(people) and os.path.exists(dx):
        return people, dx
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(seed)
    # England-like age structure: roughly uniform 0-70 then a tail to 100
    age = np.where(rng.random(n) < 0.82, rng.integers(0, 70, n), rng.integers(70, 101, n))
    sex = rng.choice(np.array(["F", "M", "U"]), n, p=[0.505, 0.49, 0.005])
    # practices of ~8,000 people; 5 practices a network; 60 networks a place; places in 2 systems
    npr = max(1, n // 8000)
    prac = np.sort(rng.integers(0, npr, n))
    net = prac // 5
    place = net // 60
    system = place // 3
    depr = rng.integers(1, 11, n)
    months = np.where(rng.random(n) < 0.9, 12.0, rng.integers(1, 24, n) / 2.0)
    cost = np.round(rng.lognormal(6.0 + age / 40.0, 1.2, n), 2)
    seg = rng.choice(np.array(["CNA", "INS", "NE", "CFA"]), n, p=[0.7, 0.1, 0.1, 0.1])
    pid = np.char.add("P", np.char.zfill(np.arange(n).astype(str), 8))
    df = pd.DataFrame({
        "person_id": pid, "age": age, "sex": sex,
        "practice": np.char.add("Y", np.char.zfill(prac.astype(str), 5)),
        "network": np.char.add("N", np.char.zfill(net.astype(str), 4)),
        "place": np.char.add("PL", np.char.zfill(place.astype(str), 3)),
        "system": np.char.add("S", system.astype(str)),
        "deprivation_decile": depr, "months_enrolled": months, "annual_cost": cost, "segment": seg,
    })
    df.to_csv(people, index=False, float_format="%.15g")
    # ~5 ICD-10 codes a person (Poisson), drawn from 600 codes with a skewed frequency
    k = rng.poisson(5.0, n)
    who = np.repeat(np.arange(n), k)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    codes = np.char.add(letters[rng.integers(0, 26, 600)], rng.integers(100, 999, 600).astype(str))
    ci = np.minimum(rng.zipf(1.3, who.size) - 1, 599)
    pd.DataFrame({"person_id": pid[who], "code": codes[ci]}).to_csv(dx, index=False)
    with open(stamp, "w") as f:
        f.write(str(n))
    return people, dx


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--build", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build"))
    ap.add_argument("--dir", default="/tmp/ncm_bench_load")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    t0 = time.perf_counter()
    people, dx = generate(a.people, a.dir)
    print(f"data: {people} + {dx} ready in {time.perf_counter() - t0:.1f} s")
    mb = (os.path.getsize(people) + os.path.getsize(dx)) / 1e6
    exe = os.path.join(a.build, "bench", "bench_load")
    out = subprocess.run([exe, people, dx, str(a.repeats)], check=True, capture_output=True, text=True).stdout
    fields = dict(kv.split("=") for kv in out.split()[1:])
    t_ncm = float(fields["seconds"])
    # pandas in a fresh process, so that its timing and peak memory are its own
    code = (
        "import sys, time, pandas as pd\n"
        "best = 1e30\n"
        "for _ in range(int(sys.argv[3])):\n"
        "    t = time.perf_counter(); p = pd.read_csv(sys.argv[1]); d = pd.read_csv(sys.argv[2])\n"
        "    best = min(best, time.perf_counter() - t); rows = (len(p), len(d)); del p, d\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]\n"
        "print(best, rows[0], rows[1], hwm)\n"
    )
    res = subprocess.run([sys.executable, "-c", code, people, dx, str(a.repeats)], check=True, capture_output=True,
                         text=True).stdout.split()
    t_pd, rows, rss_pd = float(res[0]), (int(res[1]), int(res[2])), int(res[3])
    print(f"files: {mb:.1f} MB ({fields['people']} people, {fields['codes']} diagnosis rows; pandas rows {rows})")
    print(f"ncm_population_read_csv : {t_ncm:8.3f} s  {mb / t_ncm:8.1f} MB/s  peak RSS {int(fields['maxrss_kb']) / 1024:.0f} MiB")
    print(f"pandas.read_csv x2      : {t_pd:8.3f} s  {mb / t_pd:8.1f} MB/s  peak RSS {rss_pd / 1024:.0f} MiB (Python process incl. interpreter)")
    print(f"ratio (pandas / ncm)    : {t_pd / t_ncm:8.2f}x  (target >= 3x)")


if __name__ == "__main__":
    sys.exit(main())
