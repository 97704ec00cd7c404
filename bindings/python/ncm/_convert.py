"""Shared conversions for the contract, outcome and savings modules (not public).

Money comes in as ``decimal.Decimal``, decimal strings, ints (whole major units: pounds, dollars) or
floats (major units, rounded half-even to the penny), one value or a column; it goes to C as int64
minor units and comes back, by ``money=`` choice, as ``Decimal`` (exact, the default), ``"minor"``
(int64 minor units), ``"str"`` (decimal strings) or ``"float"`` (major units, for plotting).
"""

import decimal

import numpy as np
import pandas as pd

from . import lowlevel as _ll
from .errors import Error, InvalidError, MoneyOverflowError, ParseError
from .money import Money

MONEY_KINDS = ("decimal", "minor", "str", "float")
_LIMIT = 92233720368547758  # largest whole major unit that fits int64 minor units


def money_scalar(x, name="amount"):
    """Minor units of one amount (Decimal, str, int = major units, float = major units)."""
    if isinstance(x, (bool, np.bool_)):
        raise InvalidError("%s: %r is not an amount" % (name, x), _ll.NCM_ERR_INVALID)
    if isinstance(x, (float, np.floating)):
        return Money.from_float(float(x))
    if isinstance(x, (int, np.integer)):
        return Money.from_decimal(decimal.Decimal(int(x)))
    try:
        d = x if isinstance(x, decimal.Decimal) else decimal.Decimal(str(x).strip())
    except (decimal.InvalidOperation, ValueError, TypeError):
        raise ParseError("%s: %r is not an amount" % (name, x), _ll.NCM_ERR_PARSE) from None
    return Money.from_decimal(d)


def money_column(values, name="amount"):
    """An int64 numpy array of minor units from a column of amounts (no Python loop for numbers)."""
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        return Money.from_floats(arr, name=name)
    if arr.dtype.kind in "iu":
        a = arr.astype(np.int64)
        if a.size and np.abs(a).max() > _LIMIT:
            i = int(np.argmax(np.abs(a) > _LIMIT))
            raise MoneyOverflowError("%s[%d]: %d does not fit 64-bit minor units" % (name, i, int(a[i])),
                                     _ll.NCM_ERR_OVERFLOW)
        return a * 100
    if arr.dtype.kind == "b":
        raise InvalidError("%s: a boolean column is not money" % name, _ll.NCM_ERR_INVALID)
    out = np.empty(arr.shape[0], dtype=np.int64)
    for i, v in enumerate(arr):  # Decimal or str cells: exact, one at a time
        try:
            out[i] = money_scalar(v, name)
        except Error as exc:
            raise type(exc)("%s[%d]: %s" % (name, i, exc), exc.status) from None
        except (decimal.InvalidOperation, ValueError, TypeError):
            raise ParseError("%s[%d]: %r is not an amount" % (name, i, v), _ll.NCM_ERR_PARSE) from None
    return out


def money_out(units, money="decimal"):
    """Convert minor units (int or int64 array) to the chosen representation."""
    if money not in MONEY_KINDS:
        raise InvalidError("money: %r is not one of %s" % (money, ", ".join(MONEY_KINDS)), _ll.NCM_ERR_INVALID)
    if np.ndim(units) == 0:
        u = int(units)
        if money == "minor":
            return u
        if money == "float":
            return u / 100.0
        d = Money.to_decimal(u)
        return str(d) if money == "str" else d
    a = np.asarray(units, dtype=np.int64)
    if money == "minor":
        return a
    if money == "float":
        return a / 100.0
    ds = [decimal.Decimal(v).scaleb(-2) for v in a.tolist()]  # as Money.to_decimal, without a call per row
    if money == "str":
        ds = [str(d) for d in ds]
    return np.array(ds, dtype=object)


def rate_column(values, name):
    """float64 array of rates; strings such as "89.41%" are read as percents (vectorised)."""
    if isinstance(values, pd.Series):
        s = values
    else:
        s = pd.Series(np.asarray(values))
    if s.dtype.kind in "fiub":
        return np.ascontiguousarray(s.to_numpy(), dtype=np.float64)
    text = s.astype("string").str.strip()
    pct = text.str.endswith("%").fillna(False).to_numpy(dtype=bool)
    num = pd.to_numeric(text.str.rstrip("%").replace("", pd.NA), errors="coerce").to_numpy(dtype=np.float64,
                                                                                            na_value=np.nan)
    bad = text.notna().to_numpy(dtype=bool) & (text != "").fillna(False).to_numpy(dtype=bool) & np.isnan(num)
    if bad.any():
        i = int(np.argmax(bad))
        raise InvalidError("%s[%d]: %r is not a number or a percent" % (name, i, s.iloc[i]), _ll.NCM_ERR_INVALID)
    num[pct] /= 100.0
    return np.ascontiguousarray(num)
