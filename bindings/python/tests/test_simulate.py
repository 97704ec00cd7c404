"""Tests of ncm.Scenario / ncm.simulate / SimulationResult / find_bid (simulate.h from Python).

Expected figures are worked out independently: the zero-variance case is settled by
ncm.Contract.settle (the deterministic settlement), paired differences are recomputed in numpy from
the per-trial arrays, and quantiles are numpy's type-7 quantiles of the same arrays.
"""
import json
import os
import threading

import numpy as np
import pandas as pd
import pytest

import ncm

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DATA = os.environ.get("NCM_TEST_DATA", os.path.join(ROOT, "tests", "data"))
SMALL = os.path.join(DATA, "simulate", "small.json")
BID = os.path.join(ROOT, "examples", "contracts", "unitingcare_bid.json")
CORRIDOR = os.path.join(ROOT, "examples", "scenarios", "unitingcare_corridor.json")
SIMPLE2 = os.path.join(DATA, "simulate", "simple2.json")


@pytest.fixture(scope="module")
def small():
    return ncm.Scenario(SMALL)


def zero_variance_scenario():
    # 100,000 people x 1,500.00 a year, cv 0, no growth/inflation/efficiency/shocks: the cost of
    # every year of every trial is exactly 150,000,000.00; outcome score fixed at 0.75.
    return ncm.Scenario(
        name="zero variance", term_years=5,
        segments=[{"name": "all", "people": 100000, "mean": "1500.00", "cv": 0.0}],
        outcomes={"distribution": "fixed", "mean": 0.75},
        designs=[{"name": "prime", "contract": ncm.Contract.from_json(BID)},
                 {"name": "corridor", "contract": CORRIDOR}])


# ---------------------------------------------------------------- determinism and threads
def test_same_seed_same_numbers_for_1_and_2_threads(small):
    r1 = ncm.simulate(small, trials=3000, seed=7, threads=1)
    r2 = ncm.simulate(small, trials=3000, seed=7, threads=2)
    for d in range(len(r1.designs)):
        for p in r1.parties(d):
            for y in range(r1.years + 1):
                assert np.array_equal(r1.trials(d, p, y, money="minor"), r2.trials(d, p, y, money="minor"))
    pd.testing.assert_frame_equal(r1.summary(), r2.summary(), check_exact=True)
    assert np.array_equal(r1.cost(money="minor"), r2.cost(money="minor"))
    r3 = ncm.simulate(small, trials=3000, seed=8, threads=2)
    assert not np.array_equal(r1.trials(0, money="minor"), r3.trials(0, money="minor"))


# ---------------------------------------------------------------- analytic case: zero variance
def test_zero_cost_variance_equals_the_deterministic_settlement():
    sc = zero_variance_scenario()
    res = ncm.simulate(sc, trials=50, seed=1, threads=2)
    cost = res.cost(1, money="minor")
    assert (cost == 15_000_000_000).all()
    for design, path in (("prime", BID), ("corridor", CORRIDOR)):
        c = ncm.Contract.from_json(path)
        years = list(range(1, 6))
        actual = c.settle(pd.DataFrame({"year": years, "cost": ["150000000.00"] * 5}),
                          outcomes={y: 0.75 for y in years}).by_party(money="minor")
        # the commissioner's planned spending: cost = the contract value, every outcome met
        planned = c.settle(pd.DataFrame({"year": years, "cost": [str(c.value(y)) for y in years]}),
                           outcomes={y: 1.0 for y in years}).by_party(money="minor")
        roles = dict(zip(c.parties["name"], c.parties["role"]))
        term = {}
        for row in actual.itertuples():
            if roles[row.party] == "commissioner":
                plan = planned[(planned.year == row.year) & (planned.party == row.party)]["net"].iloc[0]
                want = int(row.net) - int(plan)
            elif roles[row.party] == "external":
                want = int(row.net)
            else:
                want = int(row.result)
            got = res.trials(design, row.party, row.year, money="minor")
            assert (got == want).all(), (design, row.party, row.year, got[0], want)
            term[row.party] = term.get(row.party, 0) + want
        for party, want in term.items():
            assert (res.trials(design, party, 0, money="minor") == want).all()
        s = res.summary(design, "providers", 0)
        assert s["sd"].iloc[0] == 0.0


# ---------------------------------------------------------------- summary
def test_summary_columns_and_shape(small):
    r = ncm.simulate(small, trials=1000, seed=3)
    s = r.summary()
    nparties = sum(len(r.parties(d)) for d in range(len(r.designs)))
    assert len(s) == nparties * (r.years + 1)
    assert list(s.columns[:3]) == ["design", "party", "year"]
    for col in ncm.STATS:
        assert col in s.columns and "se_" + col in s.columns
    assert r.parties(0)[-1] == "providers"
    # figures against numpy on the per-trial results (type-7 quantiles, worst 5% mean)
    x = r.trials(0, "providers", 0, money="minor").astype(float)
    row = r.summary(0, "providers", 0, money="minor").iloc[0]
    assert row["mean"] == pytest.approx(x.mean(), rel=1e-12)
    assert row["sd"] == pytest.approx(x.std(ddof=1), rel=1e-12)
    for q, name in ((0.01, "q01"), (0.5, "q50"), (0.95, "q95")):
        assert row[name] == pytest.approx(np.quantile(x, q), rel=1e-12)
    assert row["p_deficit"] == pytest.approx(np.mean(x < 0))
    assert row["es05"] == pytest.approx(np.sort(x)[:50].mean(), rel=1e-12)
    assert row["se_mean"] == pytest.approx(x.std(ddof=1) / np.sqrt(1000), rel=1e-12)
    # the design has a 5,200,000.00 cap: P(cap) is the share of trials whose cost is above it
    assert row["p_cap"] == pytest.approx(np.mean(r.cost(0, money="minor") > 520_000_000))
    # major units are minor / 100
    assert r.summary(0, "providers", 0).iloc[0]["mean"] == pytest.approx(row["mean"] / 100)
    assert r.trials(0).dtype == np.float64 and len(r.trials(0)) == 1000
    df = r.to_frame()
    assert df.shape == (1000, 1)


def test_lognormal_mean_recovered_within_mc_error():
    # one segment, 1 person-equivalent summed over n people: the yearly total has mean n m
    sc = ncm.Scenario(term_years=1, segments=[{"name": "s", "people": 5000, "mean": "1000.00", "cv": 1.2}],
                      designs=[{"name": "d", "contract": SIMPLE2}])
    r = ncm.simulate(sc, trials=4000, seed=11)
    c = r.cost(1, money="minor").astype(float)
    want_mean = 5000 * 100000.0
    want_sd = np.sqrt(5000) * 1.2 * 100000.0
    assert abs(c.mean() - want_mean) < 4 * want_sd / np.sqrt(4000)
    assert abs(c.std(ddof=1) / want_sd - 1) < 0.05


# ---------------------------------------------------------------- paired comparisons
def test_compare_within_a_result_is_paired():
    sc = ncm.Scenario(os.path.join(ROOT, "examples", "scenarios", "unitingcare.json"))
    r = ncm.simulate(sc, trials=400, seed=5)
    cmp = r.compare()
    assert list(cmp["design"]) == r.designs[1:]
    base = r.trials(0, money="minor").astype(float)
    for d in (1, 2):
        diff = r.trials(d, money="minor").astype(float) - base
        row = cmp.iloc[d - 1]
        assert row["mean"] == pytest.approx(diff.mean() / 100, rel=1e-12)
        assert row["p_deficit"] == pytest.approx(np.mean(diff < 0))
        # pairing: the difference's standard error is far below that of an unpaired comparison
        unpaired = np.sqrt(base.var(ddof=1) / 400 + r.trials(d, money="minor").var(ddof=1) / 400) / 100
        assert row["se_mean"] < 0.75 * unpaired


def test_compare_across_results_after_a_parameter_change(small):
    a = ncm.simulate(small, trials=800, seed=9)
    same = ncm.simulate(small, trials=800, seed=9, threads=1)
    z = a.compare(same)
    assert z["mean"].iloc[0] == 0 and z["sd"].iloc[0] == 0
    sc = ncm.Scenario(SMALL)
    sc.set("cost_inflation", 0.10)
    b = ncm.simulate(sc, trials=800, seed=9)
    c = b.compare(a)
    diff = (b.trials(0, money="minor") - a.trials(0, money="minor")).astype(float)
    assert c["mean"].iloc[0] == pytest.approx(diff.mean() / 100, rel=1e-12)
    assert c["q50"].iloc[0] == pytest.approx(np.quantile(diff, 0.5) / 100, rel=1e-12)
    assert c["mean"].iloc[0] < 0  # dearer care, worse provider result
    with pytest.raises(ncm.InvalidError, match="not paired"):
        b.compare(ncm.simulate(sc, trials=800, seed=10))


# ---------------------------------------------------------------- sweeps without re-loading
def test_setters_change_the_loaded_scenario(small):
    sc = ncm.Scenario(SMALL)
    r0 = ncm.simulate(sc, trials=500, seed=2)
    sc.set_segment("85+", mean="6000.00")
    assert sc.segments["mean"].iloc[1] == 6000.0
    r1 = ncm.simulate(sc, trials=500, seed=2)
    assert r1.cost(money="minor").mean() > r0.cost(money="minor").mean()
    doc = sc.design_contract(0).to_dict()
    doc["value"]["by_year"] = ["3000000.00", "3100000.00"]
    sc.set_contract(0, doc)
    r2 = ncm.simulate(sc, trials=500, seed=2)
    # 1,000,000.00 more over the term (6.1m against 2.5m + 2.6m), paid as capitation: the provider gains exactly that in every trial
    assert (r2.trials(0, "Provider", 0, money="minor") - r1.trials(0, "Provider", 0, money="minor") == 100_000_000).all()
    with pytest.raises(ncm.NotFoundError, match="nonsense"):
        sc.set("nonsense", 1)
    with pytest.raises(ncm.RangeError):
        sc.set("cost_inflation", 5.0)


def test_find_bid_and_deficit_at(small):
    bid, p = ncm.find_bid(small, 0, 0.10, trials=500, seed=4, tolerance="1000.00")
    assert p <= 0.10
    tab = ncm.deficit_at(small, [bid, bid - 1000], 0, trials=500, seed=4)
    assert tab["p_deficit"].iloc[0] == pytest.approx(p)
    assert tab["p_deficit"].iloc[1] > 0.10 or tab["p_deficit"].iloc[1] == pytest.approx(p)
    assert tab["mean"].iloc[0] > tab["mean"].iloc[1]


# ---------------------------------------------------------------- progress, cancel, GIL
def test_progress_callable_and_cancel(small):
    seen = []
    r = ncm.simulate(small, trials=2000, seed=1, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (2000, 2000) and all(t == 2000 for _, t in seen)
    with pytest.raises(ncm.CancelledError, match="cancelled"):
        ncm.simulate(small, trials=2000, seed=1, progress=lambda done, total: True)

    def boom(done, total):
        raise ZeroDivisionError("from the callback")
    with pytest.raises(ZeroDivisionError, match="from the callback"):
        ncm.simulate(small, trials=2000, seed=1, progress=boom)
    assert r.trials_count == 2000


def test_gil_released_during_run(small):
    # another Python thread keeps running while the C engine works
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("r", ncm.simulate(small, trials=60000, seed=1, threads=1)))
    ticks = 0
    t.start()
    while t.is_alive():
        ticks += 1
    t.join()
    assert out["r"].trials_count == 60000
    assert ticks > 100


def test_plot_writes_png(small, tmp_path):
    r = ncm.simulate(small, trials=300, seed=1)
    for kind in ("distribution", "cdf", "deficit_by_year", "compare"):
        p = tmp_path / ("%s.png" % kind)
        r.plot(p, kind=kind)
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ncm.InvalidError, match="kind"):
        r.plot(kind="pie")


# ---------------------------------------------------------------- errors
def test_bad_json_names_line_and_column():
    with pytest.raises(ncm.ParseError, match=r"<string>:2:10"):
        ncm.Scenario('{"schema": "ncm.scenario/1",\n "name": }')


def test_errors_map_to_subclasses_with_the_c_message(tmp_path):
    doc = json.load(open(SMALL))
    doc["segments"][0]["cost"]["cv"] = -1
    with pytest.raises(ncm.RangeError, match=r"segments\[0\].*cv"):
        ncm.Scenario(doc, base_dir=os.path.dirname(SMALL))
    doc = json.load(open(SMALL))
    doc["schema"] = "ncm.scenario/9"
    with pytest.raises(ncm.VersionError, match="not supported"):
        ncm.Scenario(doc, base_dir=os.path.dirname(SMALL))
    doc = json.load(open(SMALL))
    doc["bogus"] = 1
    with pytest.raises(ncm.ParseError, match='unknown key "bogus"'):
        ncm.Scenario(doc, base_dir=os.path.dirname(SMALL))
    with pytest.raises(ncm.FileError):
        ncm.Scenario(str(tmp_path / "missing.json"))
    doc = json.load(open(SMALL))
    doc["segments"].append(dict(doc["segments"][0]))
    with pytest.raises(ncm.DuplicateError):
        ncm.Scenario(doc, base_dir=os.path.dirname(SMALL))
    sc = ncm.Scenario(SMALL)
    with pytest.raises(ncm.RangeError):
        ncm.simulate(sc, trials=0)
    r = ncm.simulate(sc, trials=10)
    with pytest.raises(ncm.NotFoundError, match="no party"):
        r.trials(0, "Nobody")
    with pytest.raises(ncm.RangeError):
        r.trials(0, "providers", 9)


def test_round_trip_through_to_json(small, tmp_path):
    p = tmp_path / "s.json"
    small.to_json(p)
    again = ncm.Scenario(p)
    a = ncm.simulate(small, trials=200, seed=3)
    b = ncm.simulate(again, trials=200, seed=3)
    assert np.array_equal(a.trials(0, money="minor"), b.trials(0, money="minor"))


def test_progress_bar_on_stderr(small, capsys):
    ncm.simulate(small, trials=1500, seed=1, progress=True)
    err = capsys.readouterr().err
    assert "1500/1500 trials" in err and "100%" in err


def test_scenario_from_a_population_object():
    pop = ncm.synth_population(4000, seed=5)
    ages = pop.age
    sc = ncm.Scenario(term_years=2, population=pop,
                      segments=[{"name": "65-84", "min_age": 65, "max_age": 84}, {"name": "85+", "min_age": 85}],
                      designs=[{"name": "d", "contract": SIMPLE2}])
    seg = sc.segments
    # counts and mean costs worked out from the table itself
    people, _ = pop.to_pandas(money="minor")
    for name, lo, hi in (("65-84", 65, 84), ("85+", 85, 130)):
        m = (ages >= lo) & (ages <= hi)
        row = seg[seg.name == name].iloc[0]
        assert row["people"] == m.sum()
        assert row["mean"] == pytest.approx(people["annual_cost"][m].mean() / 100, rel=1e-9)
    r = ncm.simulate(sc, trials=100, seed=1)
    assert r.trials_count == 100


def test_build_rejects_unknown_segment_keys():
    with pytest.raises(ncm.InvalidError, match="unknown keys colour"):
        ncm.Scenario(term_years=1, segments=[{"name": "s", "people": 1, "mean": 1, "cv": 0, "colour": "red"}],
                     designs=[{"name": "d", "contract": SIMPLE2}])
    with pytest.raises(ncm.InvalidError, match="not both"):
        ncm.Scenario(SMALL, term_years=1)


def test_keyboard_interrupt_cancels_the_run(small):
    # a pending SIGINT (as from Ctrl-C) is seen at the next progress report of the calling thread
    # (threads=1: the calling thread runs every trial), so the run stops early with KeyboardInterrupt
    import _thread
    seen = []

    def cb(done, total):
        seen.append(done)
        if len(seen) == 1:
            _thread.interrupt_main()
        return False
    with pytest.raises(KeyboardInterrupt):
        ncm.simulate(small, trials=200000, seed=1, threads=1, progress=cb)
    assert seen and seen[-1] < 200000
