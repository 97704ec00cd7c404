"""Contracts, settlement and risk/gain share from Python (contract.h, settle.h, riskshare.h).

Every figure is worked by hand in the comments (or by a second, simple Decimal implementation in the
test), never copied from the library's output."""

import decimal
import json
import os
from decimal import Decimal as D

import numpy as np
import pandas as pd
import pytest

import ncm

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
CONTRACTS = os.path.join(ROOT, "examples", "contracts")
BEDS = os.path.join(CONTRACTS, "bedfordshire_msk.json")
ALLIANCE = os.path.join(CONTRACTS, "alliance_four.json")
UC_BID = os.path.join(CONTRACTS, "unitingcare_bid.json")

PENNY = D("0.01")


def q(x):
    """Round a Decimal half-even to the penny (the library's rule for every money line)."""
    return x.quantize(PENNY, rounding=decimal.ROUND_HALF_EVEN)


def beds_by_hand(costs):
    """A second, simple implementation of the Bedfordshire rules (DOMAIN.md / the issue):
    value_1 = 26.5m, value_y = round(value_{y-1} x 1.013); up-front = round(95% x value);
    fee = round(2.5% x value); surplus = up-front - cost; the first 5% of the up-front payment
    (round(5% x up-front)) is kept whole and the provider keeps round(50% x the rest) (riskshare.h
    rounds the provider's part of each band; the commissioner gets exactly what is left, so year 4's
    861,161.83 beyond the band gives the provider 430,580.92 and returns 430,580.91); a deficit is
    borne in full."""
    out = []
    v = D("26500000.00")
    for y, cost in enumerate(costs, start=1):
        if y > 1:
            v = q(v * D("1.013"))
        up = q(v * D("0.95"))
        fee = q(v * D("0.025"))
        var = up - cost
        if var >= 0:
            band = q(up * D("0.05"))
            beyond = max(D(0), var - band)
            kept = band + q(beyond * D("0.5")) if var > band else var
            returned = var - kept
        else:
            kept, returned = var, D(0)
        out.append(dict(value=v, upfront=up, fee=fee, variance=var, kept=kept, returned=returned))
    return out


def beds_ledger(costs):
    c = ncm.Contract.from_json(BEDS)
    return c, c.settle(pd.DataFrame({"year": range(1, len(costs) + 1), "cost": [str(x) for x in costs]}))


# ---------------------------------------------------------------------------- contract
def test_contract_reads_back():
    c = ncm.Contract.from_json(BEDS)
    assert c.name == "Bedfordshire MSK prime contract"
    assert c.form == "prime_provider"
    assert c.term == 5
    assert list(c.parties["name"]) == ["Bedfordshire CCG", "Circle"]
    assert list(c.parties["role"]) == ["commissioner", "prime"]
    assert list(c.components["type"]) == ["upfront", "management_fee", "risk_share"]
    # 26.5m, then x 1.013 rounded to the penny each year
    assert c.value(1) == D("26500000.00")
    assert c.value(2) == D("26844500.00")           # 26,500,000 x 1.013
    assert c.value(3) == D("27193478.50")           # 26,844,500 x 1.013 = 27,193,478.5
    assert c.value(4) == D("27546993.72")           # 27,193,478.50 x 1.013 = 27,546,993.7205
    assert c.value(5, money="minor") == 2790510464  # 27,546,993.72 x 1.013 = 27,905,104.638...
    with pytest.raises(ncm.RangeError):
        c.value(6)
    assert "prime_provider" in repr(c)


def test_contract_json_round_trip_and_dict(tmp_path):
    c = ncm.Contract.from_json(BEDS)
    text = c.to_json(tmp_path / "c.json")
    assert (tmp_path / "c.json").read_text() == text
    again = ncm.Contract.from_json(text)              # JSON text
    assert again.to_json() == text                    # canonical: same bytes
    d = json.load(open(BEDS))
    from_dict = ncm.Contract.from_json(d)             # a dict goes through the C loader
    assert from_dict.to_json() == text
    assert ncm.Contract.from_json(c.to_dict()).value(5) == c.value(5)


def test_contract_errors_carry_the_c_message():
    with pytest.raises(ncm.ParseError) as e:
        ncm.Contract.from_json('{\n  "schema": 1,\n  "name": }')
    assert "<string>:3:11:" in str(e.value)           # line 3, column 11
    d = json.load(open(BEDS))
    d["parties"].append({"name": "Circle", "role": "provider"})
    with pytest.raises(ncm.DuplicateError) as e:
        ncm.Contract.from_json(d)
    assert "<dict>: parties[2] \"Circle\"" in str(e.value) and "named twice" in str(e.value)
    d = json.load(open(BEDS))
    d["components"][1]["rate"] = -0.1
    with pytest.raises(ncm.RangeError) as e:
        ncm.Contract.from_json(d)
    assert "management fee" in str(e.value) and "negative" in str(e.value)
    d = json.load(open(BEDS))
    d["components"][0]["type"] = "bonus"
    with pytest.raises(ncm.ParseError) as e:
        ncm.Contract.from_json(d)
    assert "bonus" in str(e.value)
    d = json.load(open(BEDS))
    d["schema"] = 99
    with pytest.raises(ncm.VersionError):
        ncm.Contract.from_json(d)
    with pytest.raises(ncm.FileError) as e:
        ncm.Contract.from_json("no_such_contract.json")
    assert "no_such_contract.json" in str(e.value)


# ---------------------------------------------------------------------------- Bedfordshire
def test_bedfordshire_year_one():
    # Up-front 95% x 26.5m = 25,175,000.00; cost 23.0m: surplus 2,175,000.00. The first 5% of the
    # up-front payment (1,258,750.00) is kept whole; the remaining 916,250.00 is split 50/50:
    # 458,125.00 returned; kept = 1,258,750.00 + 458,125.00 = 1,716,875.00.
    c, led = beds_ledger([D("23000000.00")])
    r = led.risk(1)
    assert r["variance"] == D("2175000.00")
    assert r["provider"] == D("1716875.00")
    assert r["commissioner"] == D("458125.00")
    df = led.to_pandas()
    assert list(df.columns) == ["year", "what", "component", "kind", "base", "rate", "amount", "paid", "balance",
                                "payer", "payee"]
    up = df[df["kind"] == "upfront"].iloc[0]
    assert up["amount"] == D("25175000.00") and up["payer"] == "Bedfordshire CCG" and up["payee"] == "Circle"
    fee = df[df["kind"] == "management_fee"].iloc[0]
    assert fee["amount"] == D("662500.00")            # 2.5% x 26.5m, on top
    returned = df[df["kind"] == "risk_share"]["amount"].sum()
    assert returned == D("458125.00")
    assert "provider keeps 1,716,875.00 of surplus and returns 458,125.00" in led.explain()


def test_bedfordshire_five_years_by_hand():
    costs = [D("23000000.00"), D("25000000.00"), D("26500000.00"), D("24000000.00"), D("22500000.00")]
    want = beds_by_hand(costs)
    c, led = beds_ledger(costs)
    df = led.to_pandas()
    circle_net = D(0)
    for y, w in enumerate(want, start=1):
        assert c.value(y) == w["value"]
        r = led.risk(y)
        assert r["variance"] == w["variance"]
        assert r["provider"] == w["kept"], y
        assert r["commissioner"] == w["returned"], y
        rows = df[df["year"] == y]
        assert rows[rows["kind"] == "upfront"]["amount"].sum() == w["upfront"]
        assert rows[rows["kind"] == "management_fee"]["amount"].sum() == w["fee"]
        # the commissioner's share of a surplus comes back; of a deficit (0% here) nothing moves
        assert rows[rows["kind"] == "risk_share"]["amount"].sum() == w["returned"]
        circle_net += w["upfront"] + w["fee"] - w["returned"]
    # year 1 in full: 1,716,875.00 kept, 458,125.00 returned; year 3 (cost 26.5m > 25,833,804.58) a deficit
    assert want[0]["kept"] == D("1716875.00") and want[0]["returned"] == D("458125.00")
    assert want[2]["variance"] < 0
    tot = led.totals().set_index("party")
    assert tot.loc["Circle", "net"] == circle_net
    assert tot.loc["Circle", "cost"] == sum(costs)
    assert tot.loc["Circle", "result"] == circle_net - sum(costs)


def test_ledger_lines_sum_to_party_totals():
    costs = [D("23000000.00"), D("25000000.00"), D("26500000.00"), D("24000000.00"), D("22500000.00")]
    for led in (beds_ledger(costs)[1], alliance_ledger()):
        df = led.to_pandas(money="minor")
        bp = led.by_party(money="minor")
        for r in bp.itertuples():
            lines = df[df["year"] == r.year]
            assert lines[lines["payee"] == r.party]["amount"].sum() == r.received
            assert lines[lines["payer"] == r.party]["amount"].sum() == r.paid_out
            assert r.net == r.received - r.paid_out
        # every line is paid by one party to another: net sums to zero in each year
        assert (bp.groupby("year")["net"].sum() == 0).all()
        tot = led.totals(money="minor").set_index("party")
        assert (bp.groupby("party")["net"].sum().sort_index() == tot["net"].sort_index()).all()
        assert tot["net"].sum() == 0
        assert isinstance(led.to_pandas()["amount"].iloc[0], D)


def test_ledger_writes_csv_and_json(tmp_path):
    c, led = beds_ledger([D("23000000.00")])
    led.to_csv(tmp_path / "l.csv")
    led.to_json(tmp_path / "l.json")
    back = pd.read_csv(tmp_path / "l.csv", dtype=str)
    assert len(back) == len(led)
    assert sum(D(x) for x in back["amount"]) == led.to_pandas()["amount"].sum()
    j = json.load(open(tmp_path / "l.json"))
    assert j["schema"] == "ncm.ledger/1"
    with pytest.raises(ncm.FileError):
        led.to_csv(tmp_path / "no" / "such" / "dir.csv")


def test_paid_and_true_up():
    # 25,000,000.00 already paid against the year-1 up-front payment of 25,175,000.00: 175,000.00
    # still owed on that line; the fee line has nothing paid, so its balance is the whole 662,500.00.
    c = ncm.Contract.from_json(BEDS)
    paid = pd.DataFrame({"year": [1], "component": ["up-front payment"], "payer": ["Bedfordshire CCG"],
                         "payee": ["Circle"], "amount": ["25000000.00"]})
    led = c.settle(pd.DataFrame({"year": [1], "cost": ["23000000.00"]}), paid=paid)
    df = led.to_pandas()
    up = df[df["kind"] == "upfront"].iloc[0]
    assert up["paid"] == D("25000000.00") and up["balance"] == D("175000.00")
    fee = df[df["kind"] == "management_fee"].iloc[0]
    assert fee["paid"] == D("0.00") and fee["balance"] == D("662500.00")
    assert "paid 25,000,000.00" in led.explain()


def test_actuals_long_format_and_csv_path():
    c = ncm.Contract.from_json(BEDS)
    long = pd.DataFrame({"year": [1], "kind": ["cost"], "name": [""], "value": ["23000000.00"]})
    assert c.settle(long).risk(1)["provider"] == D("1716875.00")
    csv = os.path.join(CONTRACTS, "bedfordshire_msk_actuals.csv")
    led = c.settle(csv)                               # the C actuals CSV: the same five-year cost path
    assert led.years == [1, 2, 3, 4, 5]
    assert led.risk(1)["provider"] == D("1716875.00") and led.risk(1)["commissioner"] == D("458125.00")


def test_settle_errors():
    c = ncm.Contract.from_json(BEDS)
    with pytest.raises(ncm.NotFoundError) as e:
        c.settle(pd.DataFrame({"year": [1], "party": ["Nobody"], "cost": ["1.00"]}))
    assert "Nobody" in str(e.value)
    with pytest.raises(ncm.RangeError):
        c.settle(pd.DataFrame({"year": [9], "cost": ["1.00"]}))
    with pytest.raises(ncm.ParseError) as e:
        c.settle(pd.DataFrame({"year": [1], "cost": ["12x"]}))
    assert "cost" in str(e.value) and "12x" in str(e.value)
    with pytest.raises(ncm.InvalidError):
        c.settle(pd.DataFrame({"cost": ["1.00"]}))


def test_allocation_failure_walk():
    text = open(BEDS).read()
    k = 1
    while True:
        ncm.lowlevel.ncm_alloc_fail_at(k)
        try:
            c = ncm.Contract.from_json(text)
            led = c.settle(pd.DataFrame({"year": [1], "cost": ["23000000.00"]}))
        except ncm.NoMemoryError:
            k += 1
            continue
        finally:
            ncm.lowlevel.ncm_alloc_fail_at(0)
        break
    assert k > 3 and led.risk(1)["provider"] == D("1716875.00")


# ---------------------------------------------------------------------------- alliance
def alliance_ledger():
    c = ncm.Contract.from_json(ALLIANCE)
    costs = pd.DataFrame({
        "year": [1, 1, 1, 1, 2, 2, 2, 2],
        "party": ["Acute Trust", "Community Trust", "Mental Health Trust", "GP Federation"] * 2,
        "cost": ["38000000.00", "29000000.00", "21000000.00", "8500000.00",
                 "42000000.00", "31000000.00", "19000000.00", "11000000.00"],
    })
    return c.settle(costs)


def test_alliance_sums_exactly_per_party():
    # Budgets 40/30/20/10m of 100m. Year 1 costs 96.5m: system gain 3.5m, half (1.75m) to the members
    # by contract value: 700,000 / 525,000 / 350,000 / 175,000. Year 2 costs 103m: system loss 3m,
    # the members bear half (1.5m): -600,000 / -450,000 / -300,000 / -150,000. Each member's own
    # variance is pooled first, so its result is exactly its share.
    led = alliance_ledger()
    bp = led.by_party().set_index(["year", "party"])
    want = {1: [D("700000.00"), D("525000.00"), D("350000.00"), D("175000.00")],
            2: [D("-600000.00"), D("-450000.00"), D("-300000.00"), D("-150000.00")]}
    members = ["Acute Trust", "Community Trust", "Mental Health Trust", "GP Federation"]
    for y, results in want.items():
        for m, r in zip(members, results):
            assert bp.loc[(y, m), "result"] == r, (y, m)
        # the commissioner's half of the system result: it pays out budgets and keeps its share
        assert bp.loc[(y, "Commissioner"), "net"] == -(D("100000000.00") - sum(results) * 2 + sum(results))
    assert led.risk(1)["variance"] == D("3500000.00")
    assert led.risk(1)["provider"] == D("1750000.00")
    assert led.risk(2)["provider"] == D("-1500000.00")
    # Acute Trust, year 1: budget 40m - own variance pooled 2m + split 0.7m = 38.7m net income
    assert bp.loc[(1, "Acute Trust"), "net"] == D("38700000.00")


# ---------------------------------------------------------------------------- UnitingCare
def test_unitingcare_outcome_pot_from_year_three():
    # Year 3 value at the bid is 145m: the pot is 15% = 21,750,000.00 carved out of the capitation
    # (145m - 21.75m = 123,250,000.00), earned at score 0.8: 17,400,000.00.
    c = ncm.Contract.from_json(UC_BID)
    costs = pd.DataFrame({"year": [1, 2, 3], "party": ["UnitingCare Partnership"] * 3,
                          "cost": ["150000000.00", "153000000.00", "151000000.00"]})
    led = c.settle(costs, outcomes={3: 0.8})
    df = led.to_pandas()
    assert c.value(3) == D("145000000.00")
    y3 = df[df["year"] == 3]
    assert y3[y3["kind"] == "outcome"]["amount"].sum() == D("17400000.00")
    assert y3[y3["kind"] == "capitation"]["amount"].sum() == D("123250000.00")
    assert df[(df["year"] < 3) & (df["kind"] == "outcome")].empty
    with pytest.raises(ncm.NotFoundError):      # the pot needs a score in year 3
        c.settle(costs)


# ---------------------------------------------------------------------------- RiskShare
def test_riskshare_builtins_by_hand():
    rs = ncm.RiskShare("circle_bedfordshire")
    assert rs.apply("25175000.00", "23000000.00") == (D("1716875.00"), D("458125.00"))
    assert rs.apply(D("1000.00"), D("1200.00")) == (D("-200.00"), D("0.00"))  # deficit borne in full
    # ACO REACH Global, benchmark 100m, spend 70m: 30m saved: [0, 25%) 100% = 25m, [25%, 35%) 50% of 5m
    g = ncm.RiskShare("aco_reach_global")
    assert g.apply(100_000_000, 70_000_000) == (D("27500000.00"), D("2500000.00"))
    # ACO REACH Professional, 12m saved on 100m: 50% x 5m + 35% x 5m + 15% x 2m = 4.55m
    p = ncm.RiskShare.builtin("aco_reach_professional")
    assert p.apply(100_000_000, 88_000_000) == (D("4550000.00"), D("7450000.00"))
    # symmetric: a 12m loss, the ACO bears 4.55m
    assert p.apply(100_000_000, 112_000_000, money="minor") == (-455000000, -745000000)
    assert list(g.bands["provider_share"]) == [1, 0.5, 0.25, 0.1, 1, 0.5, 0.25, 0.1]
    ex = rs.explain("25175000.00", "23000000.00")
    assert list(ex["variance"][:2]) == [D("1258750.00"), D("916250.00")]
    with pytest.raises(ncm.NotFoundError) as e:
        ncm.RiskShare("no_such")
    assert "circle_bedfordshire" in str(e.value)


def test_riskshare_bulk_matches_scalar():
    rs = ncm.RiskShare("aco_reach_professional")
    rng = np.random.default_rng(7)
    base = rng.integers(1_000_000, 10_000_000_000, 500).astype(np.int64)
    actual = (base * rng.uniform(0.7, 1.3, 500)).astype(np.int64)
    p, c = rs.apply_minor(base, actual)
    assert (p + c == base - actual).all()            # the two parts always sum exactly
    for i in range(0, 500, 50):
        assert (p[i], c[i]) == tuple(rs.apply(D(int(base[i])) / 100, D(int(actual[i])) / 100, money="minor"))
    pf, cf = rs.apply(base / 100.0, actual / 100.0, money="minor")  # float pounds, vectorised
    assert (pf == p).all() and (cf == c).all()
    with pytest.raises(ncm.RangeError) as e:
        rs.apply_minor(np.array([100, 0]), np.array([50, 50]))
    assert "1" in str(e.value)


def test_riskshare_from_json_and_errors(tmp_path):
    spec = {"schema": "ncm.riskshare/1",
            "surplus": {"bands": [{"from": 0, "to": 0.05, "provider_share": 1},
                                  {"from": 0.05, "to": None, "provider_share": 0.5}]},
            "deficit": {"bands": [{"from": 0, "to": None, "provider_share": 1}]}}
    rs = ncm.RiskShare.from_json(spec)
    assert rs.apply("25175000.00", "23000000.00").provider == D("1716875.00")
    rs.to_json(tmp_path / "rs.json")
    assert ncm.RiskShare.from_json(tmp_path / "rs.json").apply(1000, 900) == rs.apply(1000, 900)
    bad = json.loads(json.dumps(spec))
    bad["surplus"]["bands"][1]["from"] = 0.04          # overlaps [0, 5%)
    with pytest.raises(ncm.InconsistentError) as e:
        ncm.RiskShare.from_json(bad)
    assert "overlap" in str(e.value)
    with pytest.raises(ncm.ParseError) as e:
        ncm.RiskShare.from_json('{"schema": "ncm.riskshare/1",\n "surplus": [}')
    assert "<string>:2:" in str(e.value)


# ---------------------------------------------------------------------------- outcome pot scored from results
FRAMEWORK_CONTRACT = {
    "schema": 1, "name": "f", "form": "block", "term_years": 1, "value": {"by_year": ["1000000.00"]},
    "parties": [{"name": "C", "role": "commissioner"}, {"name": "P", "role": "provider"}],
    "components": [
        {"name": "up", "type": "upfront", "share": 0.9},
        {"name": "pot", "type": "outcome_pot", "share": 0.1, "framework": {
            "domains": [{"id": "d", "weight": 1}],
            "measures": [{"id": "M1", "name": "m1", "domain": "d", "method": "linear", "threshold": 50,
                          "benchmark": 80},
                         {"id": "M2", "name": "m2", "domain": "d", "method": "pass_fail", "threshold": 0.95,
                          "gateway": True}]}}]}


def test_outcome_pot_scored_from_measure_results():
    # Pot 10% of 1,000,000.00 = 100,000.00. M1 linear 50 -> 80: 62 gives 10 x 12/30 = 4 points; M2
    # pass/fail at 0.95 (gateway): 0.97 gives 10. (4 + 10) / 20 = 70% -> 70,000.00 earned.
    # With M2 at 0.90 the gateway fails: nothing earned.
    c = ncm.Contract.from_json(FRAMEWORK_CONTRACT)
    res = pd.DataFrame({"year": [1, 1], "measure_id": ["M1", "M2"], "value": [62, 0.97]})
    df = c.settle(None, results=res).to_pandas()
    assert df[df["kind"] == "outcome"]["amount"].sum() == D("70000.00")
    assert df[df["kind"] == "upfront"]["amount"].sum() == D("900000.00")
    res.loc[1, "value"] = 0.90
    assert c.settle(None, results=res).to_pandas().query("kind == 'outcome'")["amount"].sum() == D("0.00")
    with pytest.raises(ncm.NotFoundError) as e:
        c.settle(None, results=pd.DataFrame({"year": [1], "measure_id": ["M9"], "value": [1.0]}))
    assert "M9" in str(e.value)


# ---------------------------------------------------------------- per-person costs and stop-loss

SL = os.path.join(CONTRACTS, "stop_loss_complex_care.json")
SL_PERSONS = os.path.join(CONTRACTS, "stop_loss_complex_care_person_costs.csv")


def stop_loss_by_hand(costs, attachment, coinsurance, limit):
    """(1 - coinsurance) x (min(c, limit) - attachment)^+ per person, rounded half-even to the penny."""
    r = D(1) - D(str(coinsurance))
    return sum((q(r * (min(c, limit) - attachment)) for c in costs if c > attachment), D(0))


def test_stop_loss_from_person_costs():
    c = ncm.Contract.from_json(SL)
    pc = pd.read_csv(SL_PERSONS, dtype={"cost": str})
    led = c.settle(person_costs=pc)
    lines = led.to_pandas()
    for y, value in ((1, D("1200000.00")), (2, D("1224000.00"))):
        costs = [D(x) for x in pc[pc["year"] == y]["cost"]]
        ind = stop_loss_by_hand(costs, D("50000"), 0.2, D("250000"))
        got = lines[(lines["year"] == y) & (lines["kind"] == "stop_loss")]["amount"].tolist()
        assert got == [ind]
        # aggregate: 50% of (cost - individual - 110% of the value)^+
        agg = q(D("0.5") * max(sum(costs) - ind - q(D("1.1") * value), D(0)))
        got = lines[(lines["year"] == y) & (lines["kind"] == "stop_loss_aggregate")]["amount"].tolist()
        assert got == [agg]
        prem = lines[(lines["year"] == y) & (lines["kind"] == "stop_loss_premium")]["amount"].tolist()
        assert prem == [q(D("0.02") * value)]
    # year 1: 160,000 + 56,000 + 11,457.18 (the hand figures of examples/c/stop_loss_complex_care.c)
    assert lines[(lines["year"] == 1) & (lines["kind"] == "stop_loss")]["amount"].iloc[0] == D("227457.18")
    tot = led.totals().set_index("party")
    assert tot.loc["Northshire Health Partners", "result"] == D("-38222.82")
    assert sum(tot["net"]) == 0
    # the CSV path gives the same ledger
    assert led.to_pandas().equals(c.settle(person_costs=SL_PERSONS).to_pandas())


def test_person_costs_attributed_to_parties():
    c = ncm.Contract.from_json(ALLIANCE)
    # two persons per member, summing to the year-1 member costs of the alliance case (38, 29, 21, 8.5m)
    pc = pd.DataFrame({"year": [1] * 8, "person_id": list("abcdefgh"),
                       "cost": ["30000000.00", "8000000.00", "29000000.00", "0.00", "20000000.00", "1000000.00",
                                "8000000.00", "500000.00"],
                       "party": ["Acute Trust", "Acute Trust", "Community Trust", "Community Trust",
                                 "Mental Health Trust", "Mental Health Trust", "GP Federation", "GP Federation"]})
    bp = c.settle(person_costs=pc).by_party().set_index("party")
    assert bp.loc["Acute Trust", "cost"] == D("38000000.00")
    assert bp.loc["Acute Trust", "net"] == D("38700000.00")
    assert bp.loc["GP Federation", "net"] == D("8675000.00")
    with pytest.raises(ncm.DuplicateError) as e:
        c.settle(person_costs=pc.assign(person_id=list("abcdefga")))
    assert "twice" in str(e.value)
    with pytest.raises(ncm.NotFoundError) as e:
        c.settle(person_costs=pc.assign(party=["Nobody"] * 8))
    assert "Nobody" in str(e.value)
    with pytest.raises(ncm.InconsistentError) as e:
        c.settle(pd.DataFrame({"year": [1], "cost": ["1.00"]}), person_costs=pc)
    assert "year 1" in str(e.value)
    with pytest.raises(ncm.RangeError):
        c.settle(person_costs=pc.assign(cost=["-1.00"] + ["1.00"] * 7))
