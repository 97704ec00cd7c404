"""ncm.Population: pandas in and out, CSV, roll-ups, zero-copy views, bad input.
Expected numbers are worked out by hand in the comments."""
import gc
import os
import filecmp
from decimal import Decimal

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import ncm

DATA = os.environ.get("NCM_TEST_DATA") or os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "data")
POP_DATA = os.path.join(DATA, "population")


def people_frame():
    # Canonical columns in canonical order, then two attributes (numeric, text).
    return pd.DataFrame({
        "person_id": ["a", "b", "c", "d"],
        "age": np.array([34, 71, 5, 130], dtype=np.int64),
        "sex": ["F", "M", "U", "F"],
        "practice": ["P1", "P1", "P2", "P3"],
        "network": ["N1", "N1", "N1", "N2"],
        "place": ["X", "X", "X", "X"],
        "system": ["S", "S", "S", "S"],
        "deprivation_decile": np.array([1, 10, 0, 5], dtype=np.int64),
        "months_enrolled": [12.0, 6.0, 12.0, 3.0],
        "annual_cost": [100.5, 2000.25, 0.0, 19.99],
        "segment": ["CNA", "INS", "", "CNA"],
        "orec": np.array([0, 1, 3, 2], dtype=np.int64),
        "medicaid": np.array([1, 0, 0, 1], dtype=np.int64),
        "bmi": [22.5, 30.0, 15.25, -1.0],
        "smoker": ["yes", "no", "yes", "café"],
    })


def diagnoses_frame():
    # Grouped by person in people order, as to_pandas gives them back.
    return pd.DataFrame({"person_id": ["a", "b", "b", "d"], "code": ["I10", "E119", "I10", "J45"]})


# ---------------------------------------------------------------- round trips
def test_from_pandas_to_pandas_round_trip():
    people, dx = people_frame(), diagnoses_frame()
    pop = ncm.Population.from_pandas(people, dx)
    out_people, out_dx = pop.to_pandas()
    pdt.assert_frame_equal(out_people, people)
    pdt.assert_frame_equal(out_dx, dx)
    assert pop.columns == list(people.columns)


def test_diagnoses_in_any_order_are_grouped_by_person():
    dx = diagnoses_frame().iloc[[3, 1, 0, 2]].reset_index(drop=True)  # d, b, a, b
    pop = ncm.Population.from_pandas(people_frame(), dx)
    assert pop.dx_offsets.tolist() == [0, 1, 3, 3, 4]  # a:1, b:2, c:0, d:1
    _, out_dx = pop.to_pandas()
    # within a person, codes keep their input order: b had E119 then I10
    assert out_dx.values.tolist() == [["a", "I10"], ["b", "E119"], ["b", "I10"], ["d", "J45"]]


def test_minimal_columns_and_defaults():
    pop = ncm.Population.from_pandas(pd.DataFrame({"person_id": [7, 8], "age": [1.0, 2.0], "sex": [2, 1]}))
    people, dx = pop.to_pandas()
    assert people.columns.tolist() == ["person_id", "age", "sex"]
    assert people["person_id"].tolist() == ["7", "8"] and people["sex"].tolist() == ["M", "F"]
    assert pop.months_enrolled.tolist() == [12.0, 12.0]  # documented default
    assert pop.annual_cost is None and len(dx) == 0


def test_money_is_exact_through_pandas():
    people = people_frame().iloc[:2].copy()
    people["annual_cost"] = [0.125, 2.675]   # 12.5p -> 12 (half-even), 267.5p -> 268
    pop = ncm.Population.from_pandas(people)
    assert pop.annual_cost.tolist() == [12, 268]
    people["annual_cost"] = [Decimal("1716875.50"), Decimal("0.01")]
    pop = ncm.Population.from_pandas(people)
    assert pop.annual_cost.tolist() == [171687550, 1]
    out, _ = pop.to_pandas(money="decimal")
    assert out["annual_cost"].tolist() == [Decimal("1716875.50"), Decimal("0.01")]
    people["annual_cost"] = np.array([922337203685477580, 5], dtype=np.int64)  # pence, near the int64 edge
    pop = ncm.Population.from_pandas(people, cost_unit="minor")
    out, _ = pop.to_pandas(money="minor")
    assert out["annual_cost"].tolist() == [922337203685477580, 5]


def test_csv_round_trip_through_pandas_is_byte_identical(tmp_path):
    src_p = os.path.join(POP_DATA, "canonical_people.csv")
    src_d = os.path.join(POP_DATA, "canonical_diagnoses.csv")
    if not os.path.exists(src_p):
        pytest.skip("tests/data/population/canonical_people.csv not found")
    pop = ncm.Population.from_csv(src_p, src_d)
    people, dx = pop.to_pandas(money="minor")
    again = ncm.Population.from_pandas(people, dx, cost_unit="minor")
    again.to_csv(tmp_path / "people.csv", tmp_path / "diagnoses.csv")
    assert filecmp.cmp(tmp_path / "people.csv", src_p, shallow=False)
    assert filecmp.cmp(tmp_path / "diagnoses.csv", src_d, shallow=False)


def test_from_csv_text():
    pop = ncm.Population.from_csv_text("person_id,age,sex,practice\nx,40,F,A\ny,50,M,A\n",
                                       "person_id,code\ny,I10\n")
    assert len(pop) == 2 and pop.age.tolist() == [40, 50] and pop.dx_offsets.tolist() == [0, 0, 1]


# ---------------------------------------------------------------- roll-up, len, repr
def test_rollup_numbers_by_hand():
    pop = ncm.Population.from_pandas(people_frame())
    r = pop.rollup("practice")
    assert r.index.tolist() == ["P1", "P2", "P3"] and r.index.name == "practice"
    # P1 = a + b: 2 people, (12 + 6) / 12 = 1.5 person-years, 100.50 + 2000.25 = 2100.75, (34 + 71) / 2 = 52.5
    assert r.loc["P1"].tolist() == [2, 1.5, 2100.75, 52.5]
    assert r.loc["P2"].tolist() == [1, 1.0, 0.0, 5.0]
    assert r.loc["P3"].tolist() == [1, 0.25, 19.99, 130.0]
    n = pop.rollup("network", money="minor")
    # N1 = a, b, c: cost 10050 + 200025 + 0 pence; mean age (34 + 71 + 5) / 3
    assert n.loc["N1", "people"] == 3 and n.loc["N1", "cost"] == 210075
    assert n.loc["N1", "mean_age"] == pytest.approx(110 / 3)
    assert n["people"].dtype == np.int64 and n["cost"].dtype == np.int64
    with pytest.raises(ncm.InvalidError) as e:
        pop.rollup("county")
    assert "county" in str(e.value)


def test_len_and_repr_show_the_numbers():
    pop = ncm.Population.from_pandas(people_frame(), diagnoses_frame())
    assert len(pop) == 4
    text = repr(pop)
    # exposure (12 + 6 + 12 + 3) / 12 = 2.75; cost 100.50 + 2000.25 + 0 + 19.99 = 2120.74
    for part in ("4 people", "3 practices", "2 networks", "1 place", "1 system", "exposure 2.8 person-years",
                 "cost 2,120.74", "4 diagnoses (3 codes)", "mean age 60.0", "bmi, smoker"):
        assert part in text, (part, text)


# ---------------------------------------------------------------- zero-copy views
def test_views_are_read_only_and_zero_copy():
    pop = ncm.Population.from_pandas(people_frame())
    age = pop.age
    assert age.dtype == np.int32 and age.tolist() == [34, 71, 5, 130]
    assert not age.flags.writeable
    with pytest.raises(ValueError):
        age[0] = 1
    with pytest.raises(ValueError):
        age.setflags(write=True)
    # the same library memory each time: no copy
    assert pop.age.__array_interface__["data"][0] == age.__array_interface__["data"][0]
    assert pop.annual_cost.tolist() == [10050, 200025, 0, 1999]
    assert pop.sex.tolist() == [1, 2, 0, 1]
    ids, values = pop.codes("practice")
    assert ids.tolist() == [0, 0, 1, 2] and values == ["P1", "P2", "P3"] and not ids.flags.writeable


def test_views_survive_the_population():
    holder = {"pop": ncm.Population.from_pandas(people_frame())}
    age, months, cost = holder["pop"].age, holder["pop"].months_enrolled, holder["pop"].annual_cost
    del holder["pop"]
    gc.collect()
    junk = [np.arange(1000) for _ in range(100)]  # churn the allocator
    assert age.tolist() == [34, 71, 5, 130]
    assert months.tolist() == [12.0, 6.0, 12.0, 3.0]
    assert cost.tolist() == [10050, 200025, 0, 1999]
    del junk


# ---------------------------------------------------------------- bad input
def test_age_131_names_field_and_row():
    people = people_frame()
    people.loc[2, "age"] = 131
    with pytest.raises(ncm.RangeError) as e:
        ncm.Population.from_pandas(people)
    assert str(e.value) == "age[2]: 131 is outside 0-130"  # the C library's message
    assert isinstance(e.value, ValueError)


def test_duplicate_person_id_names_field_and_rows():
    people = people_frame()
    people.loc[3, "person_id"] = "b"
    with pytest.raises(ncm.DuplicateError) as e:
        ncm.Population.from_pandas(people)
    assert str(e.value).startswith('person_id[3]: "b" appears twice') and "row 1" in str(e.value)


@pytest.mark.parametrize("column, value, cls, text", [
    ("sex", "X", ncm.RangeError, 'sex[1]: "X" is not F, M or U'),
    ("months_enrolled", 13.0, ncm.RangeError, "months_enrolled[1]: 13 is outside 0-12"),
    ("deprivation_decile", 11, ncm.RangeError, "deprivation_decile[1]: 11 is outside 1-10"),
    ("age", 30.5, ncm.RangeError, "age[1]: 30.5 is not a whole number"),
    ("age", "old", ncm.RangeError, 'age[1]: "old" is not a number'),
    ("network", "N2", ncm.InconsistentError, 'practice "P1" is in two networks'),
    ("bmi", float("inf"), ncm.RangeError, "bmi[1]: inf is not a finite number"),
    ("months_enrolled", "six", ncm.RangeError, 'months_enrolled[1]: "six" is not a number'),
    ("months_enrolled", float("nan"), ncm.RangeError, "months_enrolled[1]: nan is outside 0-12"),
    ("person_id", None, ncm.InvalidError, "person_id[1]: missing value"),
    ("orec", 4, ncm.RangeError, "orec[1]: 4 is outside 0-3"),
    ("medicaid", 2, ncm.RangeError, "medicaid[1]: 2 is not 0 or 1"),
])
def test_bad_values(column, value, cls, text):
    people = people_frame()
    if isinstance(value, str) and people[column].dtype != object:
        people[column] = people[column].astype(object)
    people.loc[1, column] = value
    with pytest.raises(cls) as e:
        ncm.Population.from_pandas(people)
    assert text in str(e.value)


def test_bad_diagnoses_and_columns():
    with pytest.raises(ncm.NotFoundError) as e:
        ncm.Population.from_pandas(people_frame(), pd.DataFrame({"person_id": ["a", "zz"], "code": ["I10", "I10"]}))
    assert '[1]: "zz" is not in people' in str(e.value)
    with pytest.raises(ncm.InvalidError) as e:
        ncm.Population.from_pandas(people_frame().drop(columns=["sex"]))
    assert "sex: required column missing" in str(e.value)
    with pytest.raises(ncm.InvalidError) as e:
        ncm.Population.from_pandas(people_frame(), pd.DataFrame({"person_id": ["a", "b"], "code": ["I10", None]}))
    assert "code[1]: missing value" in str(e.value)
    with pytest.raises(ncm.InvalidError) as e:
        ncm.Population.from_pandas(people_frame(), cost_unit="pounds")
    assert "cost_unit" in str(e.value)
    with pytest.raises(TypeError):
        ncm.Population.from_pandas({"person_id": ["a"]})


def test_bad_csv_names_file_line_and_column():
    path = os.path.join(POP_DATA, "bad_age_high.csv")
    if not os.path.exists(path):
        pytest.skip("tests/data/population/bad_age_high.csv not found")
    with pytest.raises(ncm.RangeError) as e:
        ncm.Population.from_csv(path)
    assert "bad_age_high.csv:4:2 (age)" in str(e.value) and "131" in str(e.value)
    with pytest.raises(ncm.FileError) as e:
        ncm.Population.from_csv(os.path.join(POP_DATA, "no_such_file.csv"))
    assert isinstance(e.value, OSError) and "no_such_file.csv" in str(e.value)


def test_allocation_failure_walk_leaves_no_table():
    # Every allocation of the build fails in turn: each gives NoMemoryError, then it succeeds.
    people, dx = people_frame(), diagnoses_frame()
    k = 1
    while True:
        ncm.lowlevel.ncm_alloc_fail_at(k)
        try:
            pop = ncm.Population.from_pandas(people, dx)
        except ncm.NoMemoryError:
            k += 1
            continue
        finally:
            ncm.lowlevel.ncm_alloc_fail_at(0)
        break
    assert k > 5 and len(pop) == 4
