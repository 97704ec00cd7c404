"""Timing of the Python population path (not a test): 1M people, 5M diagnoses.
Run: PYTHONPATH=build/python /usr/bin/python3 bindings/python/bench/from_pandas.py"""
import time, numpy as np, pandas as pd, ncm
n = 1_000_000
rng = np.random.default_rng(1)
prac = rng.integers(0, 400, n)
people = pd.DataFrame({
    "person_id": np.char.add("P", np.arange(n).astype(str)).astype(object),
    "age": rng.integers(0, 100, n), "sex": rng.choice(np.array(["F", "M"], dtype=object), n),
    "practice": np.char.add("Y", prac.astype(str)).astype(object),
    "network": np.char.add("N", (prac // 8).astype(str)).astype(object),
    "months_enrolled": np.full(n, 12.0), "annual_cost": np.round(rng.gamma(1.0, 800.0, n), 2)})
k = 5 * n
dx = pd.DataFrame({"person_id": people["person_id"].to_numpy()[rng.integers(0, n, k)],
                   "code": rng.choice(np.array(["E119", "I10", "J45", "C50", "F32"], dtype=object), k)})
t = time.perf_counter(); pop = ncm.Population.from_pandas(people); t1 = time.perf_counter() - t
t = time.perf_counter(); pop2 = ncm.Population.from_pandas(people, dx); t2 = time.perf_counter() - t
t = time.perf_counter(); a, d = pop2.to_pandas(); t3 = time.perf_counter() - t
t = time.perf_counter(); r = pop2.rollup("practice"); t4 = time.perf_counter() - t
t = time.perf_counter(); g = people.groupby("practice").agg(people=("age", "size"), cost=("annual_cost", "sum"), mean_age=("age", "mean")); t5 = time.perf_counter() - t
print(f"from_pandas 1M people: {t1:.2f}s; with 5M diagnoses: {t2:.2f}s; to_pandas: {t3:.2f}s; rollup(practice): {t4*1000:.1f} ms vs pandas groupby {t5*1000:.1f} ms")
print(pop2)
dxs = dx.assign(_r=pd.Index(people["person_id"]).get_indexer(dx["person_id"])).sort_values("_r", kind="stable").drop(columns="_r").reset_index(drop=True)
t = time.perf_counter(); pop3 = ncm.Population.from_pandas(people, dxs); t6 = time.perf_counter() - t
print(f"from_pandas 1M people + 5M diagnoses already grouped by person: {t6:.2f}s")
