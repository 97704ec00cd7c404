"""Outcome frameworks and O/E funnels from Python (outcome.h). Figures worked by hand."""

import json
import math
import os
from decimal import Decimal as D

import numpy as np
import pandas as pd
import pytest

import ncm

DATA = os.environ.get("NCM_TEST_DATA") or os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "data")
FW = os.path.join(DATA, "outcome", "framework.json")

RESULTS = pd.DataFrame({"measure_id": ["A", "B", "C", "D", "E"], "value": [0.75, 0.11, 0.97, 62, 25],
                        "baseline": [np.nan, 0.14, np.nan, np.nan, np.nan]})


def test_scores_by_hand():
    # A higher, VBP, AT .60 BM .90 x0 .50, x .75: achievement 9 x .15/.30 + .5 = 5.0;
    #   improvement 10 x .25/.40 - .5 = 5.75; score 5.75.
    # B lower, VBP, AT .12 BM .09 x0 .14, x .11: achievement 9 x .01/.03 + .5 = 3.5;
    #   improvement 10 x .03/.05 - .5 = 5.5; score 5.5 (weight 2).
    # C pass/fail >= .95, x .97: 10. D linear 50 -> 80, x 62: 10 x 12/30 = 4. E lower tiers
    # (30 -> .5, 20 -> 1), x 25: 5.
    # clinical = (5.75 + 2 x 5.5) / 30 = 55.8333%; experience = 14/20 = 70%; access = 50%.
    # total = (2 x 55.8333 + 70 + 50) / 4 = 57.916667. Pot 1,000,000.00 -> 579,166.67.
    fw = ncm.OutcomeFramework(FW)
    assert fw.domains == ["clinical", "experience", "access"]
    assert list(fw.measures["method"]) == ["vbp", "vbp", "pass_fail", "linear", "tiers"]
    assert list(fw.measures["direction"]) == ["higher", "lower", "higher", "higher", "lower"]
    s = fw.score(RESULTS, pot="1000000.00")
    m = s.measures.set_index("measure_id")
    assert m.loc["A", "achievement"] == pytest.approx(5.0)
    assert m.loc["A", "improvement"] == pytest.approx(5.75)
    assert list(m["points"]) == pytest.approx([5.75, 5.5, 10, 4, 5])
    assert bool(m.loc["C", "met"])
    d = s.domains.set_index("domain")["score"]
    assert list(d) == pytest.approx([(5.75 + 11) / 30 * 100, 70, 50])
    assert s.total == pytest.approx((2 * (5.75 + 11) / 30 * 100 + 70 + 50) / 4)
    assert s.gate_met
    assert s.pot_earned == D("579166.67") and s.pot_unearned == D("420833.33")
    assert s.earned(100, money="minor") == (5792, 4208)   # 57.916667 pounds -> 57.92
    # same as the C CSV reader
    assert ncm.OutcomeFramework.from_json(FW).score(os.path.join(DATA, "outcome", "results.csv")).total == \
        pytest.approx(s.total)


def test_gateway_and_reweighting():
    fw = ncm.OutcomeFramework(FW)
    # C (the gateway) missed: 0.90 < 0.95; no pot however good the rest
    r = RESULTS.copy()
    r.loc[2, "value"] = 0.90
    s = fw.score(r, pot=1_000_000)
    assert not s.gate_met and s.pot_earned == D("0.00")
    # access has no data: its weight is spread over the others: (2 x 55.8333 + 70) / 3
    s = fw.score({"A": 0.75, "C": 0.97, "D": 62})
    # without B's own baseline B is absent; clinical = 5.75 / 10 = 57.5%
    assert s.total == pytest.approx((2 * 57.5 + 70) / 3)
    assert math.isnan(s.domains.set_index("domain").loc["access", "score"])


def test_framework_from_dict_and_errors(tmp_path):
    spec = json.load(open(FW))
    fw = ncm.OutcomeFramework(spec)
    assert fw.score(RESULTS).total == pytest.approx(57.916666666, abs=1e-6)
    fw.to_json(tmp_path / "fw.json")
    assert ncm.OutcomeFramework(tmp_path / "fw.json").score(RESULTS).total == pytest.approx(57.916666666, abs=1e-6)
    with pytest.raises(ncm.NotFoundError) as e:
        fw.score({"Z": 1.0})
    assert "Z" in str(e.value)
    with pytest.raises(ncm.DuplicateError) as e:
        fw.score(pd.DataFrame({"measure_id": ["A", "A"], "value": [0.7, 0.8]}))
    assert "A" in str(e.value)
    with pytest.raises(ncm.ParseError) as e:
        ncm.OutcomeFramework('{"schema": "ncm.outcomes/1",\n "domains": [}')
    assert "<string>:2:" in str(e.value)
    bad = json.loads(json.dumps(spec))
    bad["measures"].append(dict(bad["measures"][0]))
    with pytest.raises(ncm.DuplicateError):
        ncm.OutcomeFramework(bad)


def _poisson_quantile(p, mean):
    """Smallest k with P(X <= k) >= p (a second, simple implementation)."""
    k, term = 0, math.exp(-mean)
    cdf = term
    while cdf < p:
        k += 1
        term *= mean / k
        cdf += term
    return k


def test_oe_funnel_by_hand():
    obs = pd.Series([10.0, 30.0, 2.0], index=["p1", "p2", "p3"])
    exp = np.array([10.0, 10.0, 10.0])
    f = ncm.oe_funnel(obs, exp)
    assert list(f.index) == ["p1", "p2", "p3"]
    assert list(f["ratio"]) == pytest.approx([1.0, 3.0, 0.2])
    # Poisson(10): P(X <= 3) = 0.0103, P(X <= 4) = 0.0293 -> the 2.5% quantile is 4 (limit 0.4);
    # P(X <= 16) = 0.9730, P(X <= 17) = 0.9857 -> the 97.5% quantile is 17 (limit 1.7)
    assert _poisson_quantile(0.025, 10) == 4 and _poisson_quantile(0.975, 10) == 17
    assert f["lo95"].iloc[0] == pytest.approx(0.4) and f["hi95"].iloc[0] == pytest.approx(1.7)
    assert f["lo998"].iloc[0] == pytest.approx(_poisson_quantile(0.001, 10) / 10)
    assert f["hi998"].iloc[0] == pytest.approx(_poisson_quantile(0.999, 10) / 10)
    # 30 is above the 99.8% limit (+2); 2 is below the 95% lower limit 4 but not the 99.8% one (1)
    assert _poisson_quantile(0.001, 10) == 2
    assert list(f["flag"]) == [0, 2, -1]
    with pytest.raises(ncm.RangeError) as e:
        ncm.oe_funnel([1.0], [0.0])
    assert "expected" in str(e.value)


def test_allocation_failure_walk():
    # Every allocation of loading and scoring fails in turn: NoMemoryError each time, then success.
    text = open(FW).read()
    k = 1
    while True:
        ncm.lowlevel.ncm_alloc_fail_at(k)
        try:
            s = ncm.OutcomeFramework(text).score(RESULTS, pot="1000000.00")
        except ncm.NoMemoryError:
            k += 1
            continue
        finally:
            ncm.lowlevel.ncm_alloc_fail_at(0)
        break
    assert k > 2 and s.pot_earned == D("579166.67")
