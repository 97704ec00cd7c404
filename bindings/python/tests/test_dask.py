"""Scale-out with Dask: the example's functions (examples/python/dask_scale_out.py) run as tasks on a
LocalCluster of 2 worker processes give exactly the results of the same functions in this process:
per-person scores and weights bit for bit, per-practice budgets to the penny, and every trial of a
corridor sweep. Skipped, with the reason, when dask.distributed is missing or cannot start a cluster
here (e.g. a sandbox that forbids the worker processes or their sockets)."""
import importlib.util
import os
import sys

import numpy as np
import pytest

import ncm

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "python", "dask_scale_out.py")
SCENARIO = os.path.join(ROOT, "examples", "scenarios", "unitingcare.json")

distributed = pytest.importorskip("distributed", reason="python3-distributed is not installed")


def load_example():
    spec = importlib.util.spec_from_file_location("ncm_dask_scale_out", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    import cloudpickle
    cloudpickle.register_pickle_by_value(mod)  # the workers cannot import it by name
    return mod


@pytest.fixture(scope="module")
def cluster():
    ex = load_example()
    try:
        cl, client = ex.start_cluster(2, timeout=60)
    except Exception as exc:  # pragma: no cover - depends on the sandbox
        pytest.skip("dask.distributed cannot start a LocalCluster here: %s: %s" % (type(exc).__name__, exc))
    yield ex, client
    client.close()
    cl.close()


def test_distributed_equals_single_process_exactly(cluster):
    ex, client = cluster
    pop = ncm.synth_population(12000, seed=7, places=3)
    parts = ex.partition_by_place(pop)
    assert sorted(parts) == ["PL01", "PL02", "PL03"]
    widths = [0.0, 0.05]
    dist = ex.run_dask(client, parts, SCENARIO, widths, 300, timeout=120)
    local = ex.run_local(parts, SCENARIO, widths, 300)
    assert ex.same_results(dist, local)
    # spelled out: money to the penny, floats bit for bit
    for p in parts:
        (sd, ud, wd), (sl, ul, wl) = dist[0][p], local[0][p]
        assert np.array_equal(ud["amount"].to_numpy(dtype=np.int64), ul["amount"].to_numpy(dtype=np.int64))
        assert wd.tobytes() == wl.tobytes()
        assert sd["score"].to_numpy().tobytes() == sl["score"].to_numpy().tobytes()
        assert int(ud["people"].sum()) == len(parts[p][0])
    for (w1, p1, e1, m1, t1), (w2, p2, e2, m2, t2) in zip(dist[1], local[1]):
        assert (w1, p1, e1, m1) == (w2, p2, e2, m2)
        assert t1.dtype == np.int64 and np.array_equal(t1, t2)
    # the corridor changes the result: the two widths differ
    assert dist[1][0][1] != dist[1][1][1]
    # and the same_results check is not vacuous
    bad = (local[0], [local[1][0], local[1][0]])
    assert not ex.same_results(dist, bad)


def test_partition_is_the_whole_population(cluster):
    ex, _ = cluster
    pop = ncm.synth_population(5000, seed=3, places=2)
    parts = ex.partition_by_place(pop)
    people = pop.to_pandas(money="minor")[0]
    assert sum(len(v[0]) for v in parts.values()) == len(people)
    # per-place capitation sums to the whole-population capitation (base rate x weight, not normalised)
    # within one penny per place: each budget rounds its own gross once
    total = sum(int(ex.score_and_capitate(*parts[p])[1]["amount"].sum()) for p in parts)
    scores = ncm.RiskModel.charlson().score(pop, terms=False)["score"].to_numpy()
    whole = ncm.capitation(pop, ex.BASE_RATE, weights=1.0 + ex.CHARLSON_STEP * scores, normalize=False,
                           level="place", money="minor")
    assert abs(int(whole["amount"].sum()) - total) <= len(parts)
