"""ncm.RiskModel: CMS-HCC through Python (the README worked example), Charlson, Elixhauser, age-sex,
normalisation helpers and errors. Expected numbers are worked out by hand in the comments, or read
from the CMS tables independently with the csv module."""
import csv
import os

import numpy as np
import pandas as pd
import pytest

import ncm

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
SHARED = os.environ.get("NCM_SHARED_DATA") or os.path.join(os.path.dirname(ROOT), "shared", "data")
CMS = os.path.join(SHARED, "cms-hcc")


def need_cms():
    if not os.path.isfile(os.path.join(CMS, "coefficients.csv")):
        pytest.skip("CMS-HCC tables not found at %s (set NCM_SHARED_DATA to the folder holding cms-hcc/); "
                    "the CMS-HCC tests are skipped" % CMS)


def cms_coefficients(version="C24"):
    """The coefficients read straight from the CMS table, independently of ncm."""
    with open(os.path.join(CMS, "coefficients.csv"), newline="") as f:
        return {r["coefficient"]: float(r["value"]) for r in csv.DictReader(f) if r["model_version"] == version}


def people(rows, dx=()):
    cols = ["person_id", "age", "sex", "segment", "orec", "medicaid"]
    p = pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols)
    d = pd.DataFrame(list(dx), columns=["person_id", "code"])
    return p, d


# ---------------------------------------------------------------- CMS-HCC
def test_readme_worked_example_v24_cna_man_70():
    need_cms()
    c = cms_coefficients()
    # README: V24 CNA man aged 70 with E1169 (HCC18) and I509 (HCC85): cell M70_74 + HCC18 + HCC85
    # + the DIABETES_CHF interaction + D2 (no coefficient in V24) = 0.394 + 0.302 + 0.331 + 0.121 = 1.148.
    by_hand = c["CNA_M70_74"] + c["CNA_HCC18"] + c["CNA_HCC85"] + c["CNA_DIABETES_CHF"]
    assert by_hand == pytest.approx(1.148, abs=1e-12)
    p, d = people([("A1", 70, "M", "CNA", 0, 0)], [("A1", "E11.69"), ("A1", "i509")])
    model = ncm.RiskModel.cms_hcc(CMS, version="V24")
    assert model.name == "CMS-HCC V24"
    out = model.score(p, d)
    assert list(out.columns) == ["person_id", "raw", "score", "terms", "unknown_codes"]
    assert out["person_id"].tolist() == ["A1"]
    assert out["raw"].iloc[0] == pytest.approx(1.148, abs=1e-9)
    assert out["score"].iloc[0] == pytest.approx(1.148, abs=1e-9)  # normalisation 1, coding intensity 0
    assert set(out["terms"].iloc[0].split()) == {"M70_74", "HCC18", "HCC85", "DIABETES_CHF", "D2"}
    assert out["unknown_codes"].iloc[0] == 0 and out.attrs["unknown_total"] == 0
    # the explanation sums back to the raw score
    ex = model.explain(p, d)
    assert ex["coefficient"].sum() == pytest.approx(1.148, abs=1e-9)
    assert dict(zip(ex["term"], ex["kind"]))["DIABETES_CHF"] == "interaction"
    assert dict(zip(ex["term"], ex["coefficient"]))["HCC85"] == pytest.approx(c["CNA_HCC85"])


def test_payment_score_normalisation_and_coding_intensity():
    need_cms()
    p, d = people([("A1", 70, "M", "CNA", 0, 0)], [("A1", "E1169"), ("A1", "I509")])
    model = ncm.RiskModel.cms_hcc(CMS, "V24", normalization=1.146, coding_intensity=0.059)
    out = model.score(p, d)
    # 1.148 / 1.146 x (1 - 0.059) = 0.942642...
    assert out["score"].iloc[0] == pytest.approx(1.148 / 1.146 * 0.941, abs=1e-9)
    # per-call override
    assert model.score(p, d, normalization=2.0, coding_intensity=0.0)["score"].iloc[0] == pytest.approx(0.574)


def test_hierarchy_unknown_codes_and_segments():
    need_cms()
    c = cms_coefficients()
    # B: E1122 (HCC18) and E119 (HCC19): HCC18 is above HCC19, so only HCC18 counts; F 67 cell; D1.
    # C: an unknown code twice and one real code (I509 -> HCC85); CND woman aged 50.
    p, d = people([("B", 67, "F", "CNA", 0, 0), ("C", 50, "F", "CND", 1, 0)],
                  [("B", "E1122"), ("B", "E119"), ("C", "XYZ99"), ("C", "xyz.99"), ("C", "I509")])
    out = ncm.RiskModel.cms_hcc(CMS).score(p, d)
    assert out["raw"].iloc[0] == pytest.approx(c["CNA_F65_69"] + c["CNA_HCC18"], abs=1e-9)
    assert "HCC19" not in out["terms"].iloc[0].split()
    # CND F50: cell F45_54 + HCC85 (+ a DISABLED interaction if the table has one for HCC85)
    want = c["CND_F45_54"] + c["CND_HCC85"] + c.get("CND_DISABLED_HCC85", 0.0)
    assert out["raw"].iloc[1] == pytest.approx(want, abs=1e-9)
    assert out["unknown_codes"].tolist() == [0, 2]
    assert out.attrs["unknown_total"] == 2
    assert sum(out.attrs["unknown_codes"].values()) == 2


def test_v28_imports_and_scores():
    need_cms()
    c = cms_coefficients("C28")
    p, d = people([("A", 72, "F", "CNA", 0, 0)])
    out = ncm.RiskModel.cms_hcc(CMS, version="v28").score(p, d)
    assert out["raw"].iloc[0] == pytest.approx(c["CNA_F70_74"], abs=1e-9)


def test_cms_errors():
    need_cms()
    with pytest.raises(ncm.InvalidError, match="V24"):
        ncm.RiskModel.cms_hcc(CMS, version="V99")
    with pytest.raises(ncm.FileError) as e:
        ncm.RiskModel.cms_hcc("/nonexistent/tables")
    assert "/nonexistent/tables" in str(e.value)
    model = ncm.RiskModel.cms_hcc(CMS)
    p, d = people([("A1", 70, "M", "XYZ", 0, 0)])
    with pytest.raises(ncm.NotFoundError) as e:
        model.score(p, d)
    assert "A1" in str(e.value) and "XYZ" in str(e.value)
    p, d = people([("A1", 70, "M", "CNA", 0, 0)])
    with pytest.raises(ncm.RangeError):
        model.score(p, d, normalization=0.0)
    with pytest.raises(ncm.RangeError):
        model.score(p, d, coding_intensity=1.0)


def test_cms_bad_table_names_file_and_line(tmp_path):
    need_cms()
    for name in ("dx_to_cc.csv", "hierarchies.csv", "interactions.csv", "dx_edits_v28.csv"):
        with open(os.path.join(CMS, name), "rb") as src, open(tmp_path / name, "wb") as dst:
            dst.write(src.read())
    with open(os.path.join(CMS, "coefficients.csv"), newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    vi = head.index("value")
    ci = head.index("coefficient")
    for r in rows[1:]:
        if r[ci] == "CNA_HCC18":
            r[vi] = "0.3o2"
            break
    with open(tmp_path / "coefficients.csv", "w", newline="") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(ncm.ParseError) as e:
        ncm.RiskModel.cms_hcc(str(tmp_path))
    msg = str(e.value)
    assert "coefficients.csv" in msg and "0.3o2" in msg and "CNA_HCC18" in msg


def test_save_and_read_back_scores_the_same(tmp_path):
    need_cms()
    p, d = people([("A1", 70, "M", "CNA", 0, 0), ("A2", 81, "F", "INS", 0, 1)],
                  [("A1", "E1169"), ("A1", "I509"), ("A2", "I509")])
    model = ncm.RiskModel.cms_hcc(CMS)
    model.save(tmp_path / "model.csv")
    again = ncm.RiskModel.read(tmp_path / "model.csv")
    assert model.score(p, d)["raw"].tolist() == again.score(p, d)["raw"].tolist()


# ---------------------------------------------------------------- Charlson and Elixhauser
# Worked by hand from the published weights (Charlson 1987; Quan 2011; van Walraven 2009).
CHARLSON_CODES = ["E11.22", "E11.9", "C77.0", "C50.9", "K74.6", "I85.0", "I50.9", "I21.9"]


def test_charlson_both_weight_sets():
    p, d = people([("X", 80, "M", "", 0, 0), ("Y", 60, "F", "", 0, 0), ("Z", 30, "F", "", 0, 0)],
                  [("X", c) for c in CHARLSON_CODES] + [("Y", "E119"), ("Y", "J449"), ("Z", "Z000")])
    # X: DIABWC (masks DIAB), METACANC (masks CANC), MSLD (K74.6 masks nothing; I85.0), CHF, MI.
    #    1987: 2 + 6 + 3 + 1 + 1 = 13;  Quan 2011: 1 + 6 + 4 + 2 + 0 = 13.
    # Y: DIAB + CPD: 1987: 1 + 1 = 2;  Quan 2011: 0 + 1 = 1.
    # Z: Z000 falls in no condition: 0, one unknown code.
    old = ncm.RiskModel.charlson(weights="charlson1987").score(p, d)
    new = ncm.RiskModel.charlson().score(p, d)
    assert old["raw"].tolist() == [13.0, 2.0, 0.0]
    assert new["raw"].tolist() == [13.0, 1.0, 0.0]
    assert {"DIABWC", "METACANC", "MSLD", "CHF", "MI"} <= set(old["terms"].iloc[0].split())
    assert not {"DIAB", "CANC"} & set(old["terms"].iloc[0].split())  # most severe form only
    assert old["unknown_codes"].tolist() == [0, 0, 1]
    assert old.attrs["unknown_codes"] == {"Z000": 1}
    with pytest.raises(ncm.InvalidError, match="quan2011"):
        ncm.RiskModel.charlson(weights="deyo")


def test_elixhauser():
    codes = ["I50.9", "I11.0", "I10", "E66.9", "F32.9", "C77.0", "C50.9", "E11.22", "E11.9", "K70.0"]
    p, d = people([("X", 70, "F", "", 0, 0)], [("X", c) for c in codes])
    out = ncm.RiskModel.elixhauser().score(p, d)
    # CHF 7 + HYPC 0 (masks HYPUNC) - OBES 4 - DEPRE 3 + METACANC 12 (masks SOLIDTUM) + DIABC 0
    # + LD 11 + ALCOHOL 0 = 23
    assert out["raw"].iloc[0] == 23.0
    terms = set(out["terms"].iloc[0].split())
    assert {"CHF", "HYPC", "OBES", "DEPRE", "METACANC", "LD"} <= terms
    assert not {"HYPUNC", "SOLIDTUM", "DIABUNC"} & terms


# ---------------------------------------------------------------- age-sex and weighted population
AGE_SEX = pd.DataFrame({"band_low": [0, 5, 5, 65, 65], "band_high": [4, 64, 64, 130, 130],
                        "sex": ["*", "F", "M", "F", "M"], "weight": [0.8, 0.9, 0.7, 2.1, 2.4]})


def test_age_sex_from_dataframe_and_weighted_population():
    pop = ncm.Population.from_pandas(pd.DataFrame({
        "person_id": ["a", "b", "c", "d"], "age": [3, 30, 70, 70], "sex": ["M", "M", "F", "M"],
        "practice": ["P1", "P1", "P2", "P2"], "months_enrolled": [12.0, 6.0, 12.0, 3.0]}))
    model = ncm.RiskModel.age_sex(AGE_SEX)
    out = model.score(pop)
    assert out["raw"].tolist() == [0.8, 0.7, 2.1, 2.4]
    wp = model.weighted_population(pop, out, "practice")
    # P1: 0.8 x 1 + 0.7 x 0.5 = 1.15;  P2: 2.1 x 1 + 2.4 x 0.25 = 2.7
    assert wp.index.tolist() == ["P1", "P2"]
    assert wp.tolist() == pytest.approx([1.15, 2.7])


def test_age_sex_bad_tables(tmp_path):
    bad = AGE_SEX.copy()
    bad.loc[1, "band_high"] = 70   # F 5-70 overlaps F 65-130
    with pytest.raises(ncm.InconsistentError):
        ncm.RiskModel.age_sex(bad)
    (tmp_path / "t.csv").write_text("band_low,band_high,sex,weight\n0,4,*,zero\n")
    with pytest.raises(ncm.ParseError) as e:
        ncm.RiskModel.age_sex(tmp_path / "t.csv")
    assert "t.csv:2" in str(e.value)
    with pytest.raises(ncm.InvalidError, match="weight"):
        ncm.RiskModel.age_sex(AGE_SEX.drop(columns="weight"))


# ---------------------------------------------------------------- normalisation helpers
def test_normalize_and_cap_growth():
    # exposure-weighted mean: (1 x 1 + 2 x 0.5 + 4 x 0.5) / (1 + 0.5 + 0.5) = 4 / 2 = 2
    out, factor = ncm.normalize(np.array([1.0, 2.0, 4.0]), np.array([1.0, 0.5, 0.5]))
    assert factor == 2.0 and out.tolist() == [0.5, 1.0, 2.0]
    out, factor = ncm.normalize([1.0, 2.0], factor=4.0)
    assert factor == 4.0 and out.tolist() == [0.25, 0.5]
    # cap +3%: 1.10 > 1.00 x 1.03 -> 1.03; 0.9 stays; NaN last year -> not capped
    out, capped = ncm.cap_growth([1.10, 0.90, 5.0], [1.00, 1.00, np.nan], max_growth=0.03)
    assert out.tolist() == pytest.approx([1.03, 0.90, 5.0]) and capped == 1
    with pytest.raises(ncm.RangeError) as e:
        ncm.normalize([1.0, np.nan])
    assert "scores[1]" in str(e.value)
    with pytest.raises(ncm.InvalidError):
        ncm.cap_growth([1.0, 2.0], [1.0])


# ---------------------------------------------------------------- synthetic population, allocation failures
def test_synth_population_is_deterministic():
    a = ncm.synth_population(people=500, seed=7)
    b = ncm.synth_population(people=500, seed=7)
    assert len(a) == 500
    pa, da = a.to_pandas()
    pb, db = b.to_pandas()
    assert pa.equals(pb) and da.equals(db)
    with pytest.raises(ncm.RangeError, match="churn_rate"):
        ncm.synth_population(people=10, churn_rate=2.0)


def test_segment_filled_for_populations_without_one():
    need_cms()
    c = cms_coefficients()
    p = pd.DataFrame({"person_id": ["a", "b"], "age": [70, 50], "sex": ["M", "F"]})
    d = pd.DataFrame({"person_id": ["a"], "code": ["I509"]})
    model = ncm.RiskModel.cms_hcc(CMS)
    with pytest.raises(ncm.NotFoundError) as e:
        model.score(p, d)  # no segment column: the CMS model has nine segments
    assert "a" in str(e.value)
    out = model.score(p, d, segment="CNA")
    # a: CNA_M70_74 + CNA_HCC85; b: CNA has no cell below 65, so 0
    assert out["raw"].tolist() == pytest.approx([c["CNA_M70_74"] + c["CNA_HCC85"], 0.0], abs=1e-12)
    out = model.score(p, d, segment=["CNA", "CND"])
    assert out["raw"].iloc[1] == pytest.approx(c["CND_F45_54"], abs=1e-12)
    with pytest.raises(ncm.InvalidError, match="1 values for 2 people"):
        model.score(p, d, segment=["CNA"])


def test_score_without_terms_matches_explanation():
    pop = ncm.synth_population(people=300, seed=3)
    model = ncm.RiskModel.charlson()
    a = model.score(pop)
    b = model.score(pop, terms=False)
    assert a["raw"].tolist() == b["raw"].tolist() and (b["terms"] == "").all()
    # a second, independent reading: the explanation sums back to the raw score person by person
    ex = model.explain(pop)
    sums = ex.groupby("person_id")["coefficient"].sum().reindex(a["person_id"]).fillna(0.0)
    assert np.allclose(sums.to_numpy(), a["raw"].to_numpy())


def test_allocation_failure_walk():
    p, d = people([("X", 80, "M", "", 0, 0)], [("X", c) for c in CHARLSON_CODES])
    pop = ncm.Population.from_pandas(p, d)
    k = 1
    while True:
        ncm.lowlevel.ncm_alloc_fail_at(k)
        try:
            out = ncm.RiskModel.charlson("charlson1987").score(pop)
        except ncm.NoMemoryError:
            k += 1
            continue
        finally:
            ncm.lowlevel.ncm_alloc_fail_at(0)
        break
    assert k > 3 and out["raw"].tolist() == [13.0]


def test_threads_share_one_model_and_population():
    # risk.h: a model is read-only and may be shared by threads scoring at once (the GIL is released)
    from concurrent.futures import ThreadPoolExecutor
    pop = ncm.synth_population(people=2000, seed=5)
    model = ncm.RiskModel.elixhauser()
    want = model.score(pop)
    with ThreadPoolExecutor(4) as ex:
        got = list(ex.map(lambda _: model.score(pop), range(8)))
    for g in got:
        assert g["raw"].tolist() == want["raw"].tolist() and g["terms"].tolist() == want["terms"].tolist()
