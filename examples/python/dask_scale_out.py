"""Scale-out with Dask: score and capitate a population partitioned by place, one Dask task per place,
and run a parameter sweep (corridor widths) as Dask tasks on a local cluster; then check that the
distributed results equal the single-process results exactly (money to the penny, floats bit for bit).

When a population or a sweep outgrows one machine, the same functions run on a multi-machine Dask
cluster (``Client("scheduler:8786")`` instead of ``LocalCluster``): ncm objects are C handles and do
not pickle, so tasks exchange pandas DataFrames, JSON documents and numbers, and rebuild the
population or scenario on the worker (a worker caches the scenario it loaded, so a sweep loads it once
per worker, not once per task). Every ncm result is deterministic, so it does not matter which worker
computes which partition.

Run after building (about 15 s: most of it starting two worker processes):
    PYTHONPATH=build/python /usr/bin/python3 examples/python/dask_scale_out.py [OUTDIR]
        [--people N] [--places P] [--workers W] [--trials T]

Needs python3-dask and python3-distributed (Debian); exits 77 with a message if a local cluster cannot
start. Writes OUTDIR/dask_corridor_sweep.png.

Expected output (200,000 people in 8 places, 2 workers, 1,000 trials per width; the budget is
1,000.00 a person-year x weight x months enrolled / 12):
    population: 200000 people in 8 places (PL01..PL08), 1 task per place
    place   people     weighted            budget
    PL01     25000     25583.50       24332583.33
    PL02     25000     25639.80       24411450.00
    PL03     25000     25544.00       24311833.33
    PL04     25000     25619.20       24385366.67
    PL05     25000     25583.10       24358200.00
    PL06     25000     25591.80       24352341.67
    PL07     25000     25638.70       24410891.67
    PL08     25000     25614.50       24399908.33
    total   200000    204814.60      194962575.00
    whole population in one process: budget 194962575.00 (the gross is rounded once, not per place: difference 0.00)
    sweep of 6 corridor widths on 2 workers: P(deficit) 0.673 .. 0.994
    distributed results equal the single-process results exactly
and on stderr the timings (Dask 1.6 s against 2.0 s in one process for the tasks themselves on
the 2-core machine; the cluster takes about 4 s to start).
"""
import argparse
import copy
import os
import sys
import tempfile
import time

import numpy as np
import pandas as pd

import ncm

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "..", "scenarios", "unitingcare.json")
DESIGN = "prime 726m + 50/50 corridor beyond 5%"
BASE_RATE = "1000.00"
CHARLSON_STEP = 0.1  # weight = 1 + 0.1 x Charlson score: a simple risk weight


# ---------------------------------------------------------------- partition tasks (one per place)
def partition_by_place(pop):
    """{place: (people DataFrame, diagnoses DataFrame)}: the picklable partitions of a Population."""
    people, dx = pop.to_pandas(money="minor")
    out = {}
    for place, grp in people.groupby("place", sort=True):
        out[place] = (grp.reset_index(drop=True), dx[dx["person_id"].isin(grp["person_id"])].reset_index(drop=True))
    return out


def score_and_capitate(people, diagnoses, base_rate=BASE_RATE):
    """One place: Charlson scores, weights 1 + 0.1 x score, and the capitation per practice
    (not normalised: 1,000.00 a person-year x weight x months enrolled / 12). Returns (per-person scores, per-practice budget, weights)."""
    pop = ncm.Population.from_pandas(people, diagnoses, cost_unit="minor")
    scores = ncm.RiskModel.charlson().score(pop, terms=False)
    weights = np.ascontiguousarray(1.0 + CHARLSON_STEP * scores["score"].to_numpy(), dtype=np.float64)
    units = ncm.capitation(pop, base_rate, weights=weights, normalize=False, level="practice", money="minor")
    return (pd.DataFrame({"person_id": scores["person_id"].to_numpy(), "score": scores["score"].to_numpy()}),
            units, weights)


# ---------------------------------------------------------------- sweep tasks (one per parameter value)
def corridor_contract(doc, width):
    """The contract document with its corridor set to +-width (provider share 1 inside, 0.5 beyond)."""
    doc = copy.deepcopy(doc)
    for comp in doc["components"]:
        if comp["type"] == "risk_share":
            bands = ([{"from": 0, "to": None, "provider_share": 0.5}] if width == 0 else
                     [{"from": 0, "to": width, "provider_share": 1}, {"from": width, "to": None, "provider_share": 0.5}])
            comp["schedule"]["surplus"]["bands"] = bands
            comp["schedule"]["deficit"]["bands"] = copy.deepcopy(bands)
    return doc


def _scenario(source):
    """The scenario for `source`, loaded once per Dask worker (cached on the worker object), or
    freshly when not on a worker."""
    try:
        from distributed import get_worker
        w = get_worker()
    except (ImportError, ValueError):
        return ncm.Scenario(source)
    cache = getattr(w, "_ncm_scenarios", None)
    if cache is None:
        cache = w._ncm_scenarios = {}
    key = source if isinstance(source, str) else repr(source)
    if key not in cache:
        cache[key] = ncm.Scenario(source)
    return cache[key]


def sweep_point(source, width, trials, seed=2015, threads=1):
    """One corridor width: (width, providers' P(deficit), ES 5%, mean, per-trial results in pence)."""
    sc = _scenario(source)
    d = sc.design_index(DESIGN)
    base = sc.design_contract(d).to_dict()
    sc.set_contract(d, corridor_contract(base, width))
    try:
        res = ncm.simulate(sc, trials=trials, seed=seed, threads=threads)
    finally:
        sc.set_contract(d, base)  # leave the cached scenario as it was
    row = res.summary(d, "providers", 0, se=False).iloc[0]
    return width, float(row["p_deficit"]), float(row["es05"]), float(row["mean"]), res.trials(d, money="minor")


# ---------------------------------------------------------------- drivers
def run_local(parts, source, widths, trials):
    """Single process: the same functions in a loop."""
    caps = {p: score_and_capitate(*parts[p]) for p in sorted(parts)}
    sweep = [sweep_point(source, w, trials) for w in widths]
    return caps, sweep


def run_dask(client, parts, source, widths, trials, timeout=None):
    """The same work as Dask tasks: one per place, one per width."""
    futs = {}
    for p in sorted(parts):
        people, dx = client.scatter(list(parts[p]))  # the partition goes to a worker once, not in the graph
        futs[p] = client.submit(score_and_capitate, people, dx, key="place-%s" % p, pure=False)
    sweep_f = [client.submit(sweep_point, source, w, trials, key="width-%s" % w, pure=False) for w in widths]
    caps = {p: f.result(timeout=timeout) for p, f in futs.items()}
    return caps, [f.result(timeout=timeout) for f in sweep_f]


def same_results(a, b):
    """True when two (caps, sweep) results are exactly equal (money to the penny, floats bit for bit)."""
    caps_a, sweep_a = a
    caps_b, sweep_b = b
    if sorted(caps_a) != sorted(caps_b):
        return False
    for p in caps_a:
        (sa, ua, wa), (sb, ub, wb) = caps_a[p], caps_b[p]
        if not (sa.equals(sb) and ua.equals(ub) and np.array_equal(wa.view(np.uint64), wb.view(np.uint64))):
            return False
    for x, y in zip(sweep_a, sweep_b):
        if x[:4] != y[:4] or not np.array_equal(x[4], y[4]):
            return False
    return len(sweep_a) == len(sweep_b)


def start_cluster(workers=2, timeout=60):
    """A LocalCluster of `workers` single-threaded worker processes and its Client, or raise."""
    from dask.distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=40)
    client = Client(cluster, timeout=timeout)
    client.wait_for_workers(workers, timeout=timeout)
    return cluster, client


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", nargs="?", default=None)
    ap.add_argument("--people", type=int, default=200000)
    ap.add_argument("--places", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--trials", type=int, default=1000)
    a = ap.parse_args(argv)
    out = a.outdir or tempfile.mkdtemp(prefix="ncm-dask-")
    os.makedirs(out, exist_ok=True)
    try:
        cluster, client = start_cluster(a.workers)
    except Exception as exc:  # no dask, or the sandbox forbids the cluster
        print("dask_scale_out: cannot start a local Dask cluster (%s: %s); skipped" % (type(exc).__name__, exc))
        return 77
    try:
        pop = ncm.synth_population(a.people, seed=2015, places=a.places)
        parts = partition_by_place(pop)
        names = sorted(parts)
        print("population: %d people in %d places (%s..%s), 1 task per place" % (len(pop), len(parts), names[0],
                                                                               names[-1]))
        widths = [0.0, 0.02, 0.05, 0.10, 0.20, 0.50]
        t0 = time.monotonic()
        dist = run_dask(client, parts, SCENARIO, widths, a.trials)
        t_dist = time.monotonic() - t0
        t0 = time.monotonic()
        local = run_local(parts, SCENARIO, widths, a.trials)
        t_local = time.monotonic() - t0

        caps, sweep = dist
        print("%-6s %7s %12s %17s" % ("place", "people", "weighted", "budget"))
        tot_p = tot_w = tot_b = 0
        for p in names:
            units = caps[p][1]
            n, w, b = int(units["people"].sum()), float(caps[p][2].sum()), int(units["amount"].sum())
            tot_p, tot_w, tot_b = tot_p + n, tot_w + w, tot_b + b
            print("%-6s %7d %12.2f %17s" % (p, n, w, ncm.Money.format(b)))
        print("%-6s %7d %12.2f %17s" % ("total", tot_p, tot_w, ncm.Money.format(tot_b)))
        # the whole population at once: each person's weight is the same; the budget's gross is
        # rounded once instead of once per place, so the totals may differ by a penny per place
        whole_scores = ncm.RiskModel.charlson().score(pop, terms=False)["score"].to_numpy()
        part_scores = np.concatenate([caps[p][0]["score"].to_numpy() for p in names])
        people_order = np.concatenate([caps[p][0]["person_id"].to_numpy() for p in names])
        order = pd.Index(pop.to_pandas()[0]["person_id"]).get_indexer(people_order)
        assert np.array_equal(whole_scores[order], part_scores), "scores differ between the whole and the parts"
        whole = ncm.capitation(pop, BASE_RATE, weights=1.0 + CHARLSON_STEP * whole_scores, normalize=False,
                               level="place", money="minor")
        wb = int(whole["amount"].sum())
        print("whole population in one process: budget %s (the gross is rounded once, not per place: difference %s)" % (
            ncm.Money.format(wb), ncm.Money.format(abs(wb - tot_b))))
        ps = [s[1] for s in sweep]
        print("sweep of %d corridor widths on %d workers: P(deficit) %.3f .. %.3f" % (len(widths), a.workers, min(ps),
                                                                                    max(ps)))
        print("timings: Dask %.2f s, one process %.2f s (tiny tasks: the cluster's overhead dominates)" % (
            t_dist, t_local), file=sys.stderr)
        if not same_results(dist, local):
            print("MISMATCH: distributed results differ from the single-process results")
            return 1
        print("distributed results equal the single-process results exactly")

        import matplotlib
        if not os.environ.get("DISPLAY"):
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(7, 4), dpi=90)
        ax.plot([100 * s[0] for s in sweep], ps, marker="o", label="P(deficit)")
        ax2 = ax.twinx()
        ax2.plot([100 * s[0] for s in sweep], [s[2] / 1e6 for s in sweep], marker="s", color="C1", label="ES 5% (m)")
        ax.set_xlabel("corridor width (%)")
        ax.set_ylabel("P(providers' deficit over the term)")
        ax2.set_ylabel("expected shortfall (m)")
        ax.set_title("corridor sweep as Dask tasks (%d workers, %d trials per width)" % (a.workers, a.trials),
                     fontsize=9)
        fig.tight_layout()
        fig.savefig(os.path.join(out, "dask_corridor_sweep.png"))
        return 0
    finally:
        client.close()
        cluster.close()


if __name__ == "__main__":
    sys.exit(main())
