"""ncm.Segmentation, ncm.ConditionGroups and ncm.crosstab: the guide's six-person worked example,
first-match rules, risk tiers, JSON round trips and errors. Expected values are worked out by hand
in the comments."""
import json

import numpy as np
import pandas as pd
import pytest

import ncm


def six_people():
    # The worked example of docs/segmentation.md (examples/c/segment_bridges.c).
    people = pd.DataFrame({
        "person_id": ["p1", "p2", "p3", "p4", "p5", "p6"],
        "age": [82, 67, 54, 29, 41, 73],
        "sex": ["F", "M", "F", "F", "M", "M"],
        "practice": ["A", "A", "A", "B", "B", "B"],
        "months_enrolled": [12.0, 12.0, 12.0, 6.0, 12.0, 6.0],
        "annual_cost": [3000.0, 5200.0, 800.0, 2500.0, 0.0, 9000.0],
    })
    dx = pd.DataFrame([("p1", "R54"), ("p1", "I10"), ("p2", "I50.9"), ("p2", "E11.9"), ("p3", "E11.9"),
                       ("p4", "O80"), ("p6", "C61"), ("p6", "Z51.5")], columns=["person_id", "code"])
    return ncm.Population.from_pandas(people, dx)


def test_bridges_to_health_first_match():
    pop = six_people()
    b2h = ncm.Segmentation.bridges_to_health()
    assert b2h.segments == ["short_decline", "long_decline", "organ_failure", "chronic_normal_function",
                            "stable_disability", "maternal_infant", "acutely_ill", "healthy"]
    assert b2h.default == "healthy"
    seg = b2h.assign(pop)
    assert isinstance(seg.dtype, pd.CategoricalDtype)
    assert seg.index.tolist() == ["p1", "p2", "p3", "p4", "p5", "p6"]
    # p1 frailty before hypertension; p2 heart failure before diabetes; p6 end of life before cancer
    assert seg.tolist() == ["long_decline", "organ_failure", "chronic_normal_function", "maternal_infant",
                            "healthy", "short_decline"]
    rules = b2h.assign(pop, with_rule=True)
    assert rules.loc["p6", "rule"] == "end_of_life"      # rule 1 fired, not rule 3 (cancer)
    assert rules.loc["p5", "rule"] == "default"
    assert b2h.assign_ids(pop).tolist() == [1, 2, 3, 5, 7, 0]


def test_summary_whole_and_by_practice():
    pop = six_people()
    b2h = ncm.Segmentation.bridges_to_health()
    s = b2h.summary(pop)
    # total cost 20,500: short_decline 9,000 / 20,500 = 43.90%, organ_failure 5,200 / 20,500 = 25.37%
    assert s.loc["short_decline", "people"] == 1
    assert s.loc["short_decline", "exposure"] == 0.5
    assert s.loc["short_decline", "cost"] == 9000.0
    assert s.loc["short_decline", "cost_share"] == pytest.approx(9000 / 20500)
    assert s.loc["organ_failure", "cost_share"] == pytest.approx(5200 / 20500)
    assert s["cost_share"].sum() == pytest.approx(1.0)
    assert "mean_risk" not in s.columns
    # with scores: exposure-weighted mean risk; per practice
    scores = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    by = b2h.summary(pop, scores=scores, level="practice")
    assert by.index.names == ["practice", "segment"]
    # practice B: maternal_infant p4 (cost 2,500), healthy p5 (0), short_decline p6 (9,000): 11,500
    assert by.loc[("B", "short_decline"), "cost_share"] == pytest.approx(9000 / 11500)
    assert by.loc[("B", "healthy"), "mean_risk"] == 5.0
    assert by.loc[("A", "stable_disability"), "people"] == 0
    assert np.isnan(by.loc[("A", "stable_disability"), "mean_risk"])


def test_risk_tiers_by_percentile():
    pop = ncm.Population.from_pandas(pd.DataFrame({"person_id": ["q%d" % i for i in range(10)],
                                                   "age": [40] * 10, "sex": ["F"] * 10}))
    tiers = ncm.Segmentation.risk_tiers(top_percent=[10, 30])
    assert tiers.segments == ["tier_1", "tier_2", "tier_3"]
    # scores 1..10: percentile of s is 100 x (s - 1) / 10; tier_1 >= 90 (s = 10), tier_2 >= 70 (8, 9)
    scores = np.arange(1.0, 11.0)
    assert tiers.assign(pop, scores=scores).tolist() == ["tier_3"] * 7 + ["tier_2"] * 2 + ["tier_1"]
    # a tie at the top straddles the 10% threshold: both have percentile 80 and go to the lower tier
    scores[8] = 10.0
    assert tiers.assign(pop, scores=scores).tolist()[-3:] == ["tier_2", "tier_2", "tier_2"]
    # scores may be the DataFrame of RiskModel.score (its "score" column)
    df = pd.DataFrame({"score": np.arange(1.0, 11.0)})
    assert tiers.assign(pop, scores=df).tolist()[-1] == "tier_1"
    with pytest.raises(ncm.InvalidError):
        tiers.assign(pop)  # a risk rule without scores
    with pytest.raises(ncm.InvalidError, match="3 values for 10 people"):
        tiers.assign(pop, scores=[1.0, 2.0, 3.0])
    with pytest.raises(ncm.RangeError) as e:
        ncm.Segmentation.risk_tiers(top_percent=[20, 10])
    assert "top_percent[1]" in str(e.value)


def test_age_ltc():
    pop = six_people()
    seg = ncm.Segmentation.age_ltc().assign(pop)
    # p1 82 F: hypertension (LTC; frailty is not an LTC) -> 75-84:1; p2 67: heart failure + diabetes -> 65-74:2
    # p3 54: diabetes -> 18-64:1; p4 29: pregnancy (not an LTC) -> 18-64:0; p5 -> 18-64:0; p6 73: cancer -> 65-74:1
    assert seg.tolist() == ["75-84:1", "65-74:2", "18-64:1", "18-64:0", "18-64:0", "65-74:1"]
    assert ncm.Segmentation.age_ltc(band_starts=[0, 65]).segments[-1] == "65+:4+"


def test_crosstab():
    pop = six_people()
    b2h = ncm.Segmentation.bridges_to_health().assign(pop)
    tiers = ncm.Segmentation.risk_tiers(top_percent=[50]).assign(pop, scores=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    ct = ncm.crosstab(b2h, tiers)
    # tier_1 = top 50%: scores 4, 5, 6 -> p4 (maternal_infant), p5 (healthy), p6 (short_decline)
    assert ct.loc["short_decline", "tier_1"] == 1 and ct.loc["long_decline", "tier_2"] == 1
    assert ct.loc["healthy", "tier_1"] == 1 and ct.values.sum() == 6
    cost = ncm.crosstab(b2h, tiers, population=pop, values="cost")
    assert cost.loc["short_decline", "tier_1"] == 9000.0
    exp = ncm.crosstab(b2h, tiers, population=pop, values="exposure")
    assert exp.loc["maternal_infant", "tier_1"] == 0.5
    with pytest.raises(ncm.InvalidError, match="needs the population"):
        ncm.crosstab(b2h, tiers, values="cost")


RULES = {
    "schema": 1,
    "name": "older-people",
    "rules": [
        {"name": "end_of_life", "segment": "end_of_life", "when": {"any_group": ["end_of_life"]}},
        {"name": "complex", "segment": "complex", "when": {"age": {"min": 65}, "ltc_count": {"min": 2}}},
        {"name": "older", "segment": "older", "when": {"age": {"min": 65}}},
    ],
    "default": "other",
}


def test_from_json_dict_text_and_file(tmp_path):
    pop = six_people()
    seg = ncm.Segmentation.from_json(RULES)
    assert seg.name == "older-people" and seg.rules == ["end_of_life", "complex", "older"]
    # p1 82 (1 LTC) older; p2 67 (2 LTCs) complex; p3, p4, p5 under 65 other; p6 end of life first
    want = ["older", "complex", "other", "other", "other", "end_of_life"]
    assert seg.assign(pop).tolist() == want
    text = seg.to_json()
    assert ncm.Segmentation.from_json(text).assign(pop).tolist() == want
    path = tmp_path / "rules.json"
    seg.save(path)
    again = ncm.Segmentation.from_json(str(path))
    assert again.to_json() == text and again.to_dict()["default"] == "other"


def bad(**change):
    doc = json.loads(json.dumps(RULES))
    for k, v in change.items():
        doc["rules"][int(k[1:])].update(v)
    return doc


def test_bad_rules_name_the_rule(tmp_path):
    with pytest.raises(ncm.ParseError) as e:
        ncm.Segmentation.from_json(bad(r1={"when": {"agee": {"min": 65}}}))
    assert "complex" in str(e.value) and "agee" in str(e.value)
    with pytest.raises(ncm.RangeError) as e:
        ncm.Segmentation.from_json(bad(r1={"when": {"age": {"min": 80, "max": 70}}}))
    assert "complex" in str(e.value)
    with pytest.raises(ncm.NotFoundError) as e:
        ncm.Segmentation.from_json(bad(r0={"when": {"any_group": ["no_such_group"]}}))
    assert "end_of_life" in str(e.value) and "no_such_group" in str(e.value)
    with pytest.raises(ncm.DuplicateError) as e:
        ncm.Segmentation.from_json(bad(r2={"name": "complex"}))
    assert "complex" in str(e.value)
    # unreachable: after "age >= 60" the rule "65-80 and F" can never fire; both rules named
    doc = {"schema": 1, "name": "x", "default": "d", "rules": [
        {"name": "sixty", "segment": "a", "when": {"age": {"min": 60}}},
        {"name": "women_65_80", "segment": "b", "when": {"age": {"min": 65, "max": 80}, "sex": "F"}}]}
    with pytest.raises(ncm.InconsistentError) as e:
        ncm.Segmentation.from_json(doc)
    assert "sixty" in str(e.value) and "women_65_80" in str(e.value)
    with pytest.raises(ncm.VersionError):
        ncm.Segmentation.from_json(dict(RULES, schema=2))
    (tmp_path / "broken.json").write_text('{"schema": 1,\n "rules": [}')
    with pytest.raises(ncm.ParseError) as e:
        ncm.Segmentation.from_json(str(tmp_path / "broken.json"))
    assert "broken.json:2" in str(e.value)
    with pytest.raises(ncm.FileError):
        ncm.Segmentation.from_json(str(tmp_path / "missing.json"))


def test_condition_groups(tmp_path):
    g = ncm.ConditionGroups.builtin()
    assert "diabetes" in g.names and "diabetes" in g.ltc and "frailty" not in g.ltc
    # I11.0 (hypertensive heart disease with heart failure) is in two groups
    assert set(g.match("i11.0")) == {"hypertension", "heart_failure"}
    assert g.match("C44.9") == []   # cancer excludes C44
    f = g.flags(six_people())
    assert f.loc["p2", "heart_failure"] and f.loc["p2", "diabetes"] and not f.loc["p3", "heart_failure"]
    assert g.assign(six_people())["ltc_count"].tolist() == [1, 2, 1, 0, 0, 1]
    # a custom table: "diabetes" only, used by Bridges to Health -> a group it needs is missing
    (tmp_path / "g.csv").write_text("group,prefix,ltc\ndiabetes,E11,1\n")
    small = ncm.ConditionGroups.read_csv(tmp_path / "g.csv")
    assert len(small) == 1
    with pytest.raises(ncm.NotFoundError):
        ncm.Segmentation.bridges_to_health(groups=small)
    seg = ncm.Segmentation.from_json({"schema": 1, "name": "d", "default": "no", "rules": [
        {"name": "dm", "segment": "yes", "when": {"any_group": "diabetes"}}]}, groups=small)
    assert seg.assign(six_people()).tolist() == ["no", "yes", "yes", "no", "no", "no"]


def test_allocation_failure_walk():
    pop = six_people()
    k = 1
    while True:
        ncm.lowlevel.ncm_alloc_fail_at(k)
        try:
            s = ncm.Segmentation.bridges_to_health().summary(pop)
        except ncm.NoMemoryError:
            k += 1
            continue
        finally:
            ncm.lowlevel.ncm_alloc_fail_at(0)
        break
    assert k > 3 and s["people"].sum() == 6
