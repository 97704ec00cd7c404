"""ncm.Money: exact conversions and the C money arithmetic. Expected numbers are worked out by hand
(comments) or by a second, simple implementation with decimal/fractions inside the test."""
import decimal
import random
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

import ncm
from ncm import Money

I64 = 2 ** 63 - 1


# ---------------------------------------------------------------- Decimal <-> minor units
@pytest.mark.parametrize("text, units", [
    ("0.13", 13), ("-0.01", -1), ("26500000.00", 2650000000), ("12", 1200), ("0.1", 10),
    ("-1716875.00", -171687500), ("92233720368547758.07", I64), ("-92233720368547758.07", -I64),
])
def test_decimal_round_trip_is_exact(text, units):
    assert Money.from_decimal(Decimal(text)) == units
    back = Money.to_decimal(units)
    assert back == Decimal(text)
    assert back.as_tuple().exponent == -2  # always two places: "12" comes back as 12.00
    assert Money.from_decimal(back) == units


def test_decimal_with_three_places_is_refused_unless_rounding_is_asked():
    with pytest.raises(ncm.ParseError) as e:
        Money.from_decimal(Decimal("0.125"))
    assert "0.125" in str(e.value) and "decimal places" in str(e.value)
    # 0.125 pounds = 12.5 pence: half-even -> 12 (12 is even), half-up -> 13, down -> 12, up -> 13
    assert Money.from_decimal(Decimal("0.125"), rounding="half_even") == 12
    assert Money.from_decimal(Decimal("0.135"), rounding="half_even") == 14  # 13.5 -> 14 (even)
    assert Money.from_decimal(Decimal("0.125"), rounding="half_up") == 13
    assert Money.from_decimal(Decimal("0.125"), rounding="down") == 12
    assert Money.from_decimal(Decimal("0.125"), rounding="up") == 13
    # -12.5 pence: floor -> -13, ceiling -> -12, half-even -> -12
    assert Money.from_decimal(Decimal("-0.125"), rounding="floor") == -13
    assert Money.from_decimal(Decimal("-0.125"), rounding="ceiling") == -12
    assert Money.from_decimal(Decimal("-0.125"), rounding="half_even") == -12


def test_decimal_rejects_nan_and_overflow():
    with pytest.raises(ncm.RangeError):
        Money.from_decimal(Decimal("NaN"))
    with pytest.raises(ncm.MoneyOverflowError) as e:
        Money.from_decimal(Decimal("92233720368547758.08"))  # INT64_MAX + 1 pence
    assert isinstance(e.value, OverflowError)
    with pytest.raises(ncm.InvalidError):
        Money.from_decimal(Decimal("1"), rounding="sideways")


# ---------------------------------------------------------------- strings
def test_parse_and_format():
    assert Money.parse("26500000.00") == 2650000000
    assert Money.parse("-0.01") == -1
    assert Money.format(2650000000) == "26500000.00"
    assert Money.format(-171687500) == "-1716875.00"
    assert Money.format(-171687500, grouping=True) == "-1,716,875.00"
    assert Money.format(5, plus=True) == "+0.05"
    with pytest.raises(ncm.ParseError) as e:
        Money.parse("1,234.56")
    assert "1,234.56" in str(e.value)
    assert Money.parse("1,234.56", grouping=True) == 123456
    assert Money.parse("0.125", round=True) == 12  # half-even
    for bad in ("", "abc", "1e5", "£3", " 1.00", "1.2.3"):
        with pytest.raises(ncm.ParseError):
            Money.parse(bad)


def test_string_round_trip_random():
    rng = random.Random(7)
    for _ in range(2000):
        units = rng.randint(-I64, I64)
        assert Money.parse(Money.format(units)) == units
        assert Money.from_decimal(Decimal(Money.format(units))) == units


# ---------------------------------------------------------------- floats
@pytest.mark.parametrize("x, units", [
    (0.125, 12),    # 12.5 -> 12 (half-even)
    (0.135, 14),    # 13.5 -> 14
    (2.675, 268),   # the decimal 2.675 (what repr shows), 267.5 -> 268
    (-2.675, -268),
    (1.005, 100),   # 100.5 -> 100
    (0.015, 2),     # 1.5 -> 2
    (19.99, 1999),
    (1e-05, 0),
    (26500000.0, 2650000000),
])
def test_from_float_rounds_half_even_on_the_decimal_value(x, units):
    assert Money.from_float(x) == units
    assert Money.from_floats(np.array([x]))[0] == units


def test_from_float_modes_and_errors():
    assert Money.from_float(0.125, rounding="half_up") == 13
    assert Money.from_float(0.129, rounding="down") == 12
    with pytest.raises(ncm.RangeError):
        Money.from_float(float("nan"))
    with pytest.raises(ncm.RangeError) as e:
        Money.from_floats(np.array([1.0, 2.0, float("inf")]), name="annual_cost")
    assert "annual_cost[2]" in str(e.value)
    assert Money.to_float(1999) == 19.99


def _reference_from_float(x, mode):
    # Second implementation: the shortest decimal repr, quantized with the decimal module.
    rounding = {"half_even": decimal.ROUND_HALF_EVEN, "half_up": decimal.ROUND_HALF_UP,
                "down": decimal.ROUND_DOWN, "floor": decimal.ROUND_FLOOR}[mode]
    return int(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=rounding).scaleb(2))


@pytest.mark.parametrize("mode", ["half_even", "half_up", "down", "floor"])
def test_from_floats_matches_a_decimal_reference(mode):
    rng = np.random.default_rng(11)
    # amounts with 3 decimal places (many exact ties) and 2 decimal places, both signs
    x = np.concatenate([rng.integers(-10 ** 9, 10 ** 9, 3000) / 1000.0, rng.integers(-10 ** 7, 10 ** 7, 3000) / 100.0])
    got = Money.from_floats(x, rounding=mode)
    assert got.dtype == np.int64
    assert got.tolist() == [_reference_from_float(float(v), mode) for v in x]


# ---------------------------------------------------------------- arithmetic
def test_checked_arithmetic_and_rates():
    assert Money.add(I64 - 1, 1) == I64
    with pytest.raises(ncm.MoneyOverflowError) as e:
        Money.add(I64, 1)
    assert e.value.status == ncm.lowlevel.NCM_ERR_OVERFLOW
    with pytest.raises(ncm.MoneyOverflowError):
        Money.sub(-I64, 1)
    assert Money.mul_rate(2650000000, 0.95) == 2517500000  # 26.5m x 0.95 = 25.175m
    assert Money.mul_rate(5, 0.5) == 2                       # 2.5 -> 2 (half-even)
    assert Money.mul_rate(5, 0.5, rounding="half_up") == 3
    assert Money.mul_rate(7, 0.5) == 4                       # 3.5 -> 4
    assert Money.prorate(1200, 6) == 600                     # 1200 x 6/12
    assert Money.prorate(100, 1) == 8                        # 8.33 -> 8
    with pytest.raises(ncm.RangeError):
        Money.prorate(100, 13)
    with pytest.raises(ncm.RangeError):
        Money.mul_rate(100, float("nan"))


# ---------------------------------------------------------------- split
def test_split_by_hand():
    assert Money.split(100, [1, 1, 1]).tolist() == [34, 33, 33]    # 33.33 each, 1 left, lowest index
    assert Money.split(-100, [1, 1, 1]).tolist() == [-34, -33, -33]
    assert Money.split(10, [0, 1, 3]).tolist() == [0, 3, 7]        # 2.5, 7.5 -> remainders tie -> index 1
    assert Money.split(0, [1, 2]).tolist() == [0, 0]
    out = Money.split(2650000000, np.array([0.5, 0.3, 0.2]))
    assert out.dtype == np.int64 and out.tolist() == [1325000000, 795000000, 530000000]


def test_split_always_sums_exactly():
    rng = random.Random(3)
    for _ in range(500):
        n = rng.randint(1, 12)
        w = [rng.random() * rng.choice([1, 1e-6, 1e6]) for _ in range(n)]
        total = rng.randint(-10 ** 12, 10 ** 12)
        parts = Money.split(total, w)
        assert int(parts.sum()) == total
        # each part is within one unit of its exact share (second implementation with Fractions)
        W = sum(Fraction(x) for x in w)
        for p, x in zip(parts.tolist(), w):
            assert abs(Fraction(p) - Fraction(total) * Fraction(x) / W) < 1 + Fraction(1, 10 ** 6)


def test_split_bad_weights():
    with pytest.raises(ncm.RangeError) as e:
        Money.split(100, [1.0, -1.0])
    assert "weights[1]" in str(e.value)
    with pytest.raises(ncm.RangeError) as e:
        Money.split(100, [0.0, 0.0])
    assert "sum to zero" in str(e.value)
    with pytest.raises(ncm.RangeError):
        Money.split(100, [1.0, float("nan")])
    with pytest.raises(ncm.InvalidError):
        Money.split(100, [])
