"""Exact money for Python: amounts are ints of minor units (pence, cents).

:class:`Money` converts between minor units and ``decimal.Decimal``, strings and floats, and wraps the
exact C arithmetic of ``money.h`` (checked add/sub, multiply by a rate with explicit rounding,
pro-rata, and splits that always sum back exactly).

Conversions are exact whenever the input is exact: ``Money.from_decimal(Decimal("0.13")) == 13`` and
``Money.to_decimal(13) == Decimal("0.13")``. Inputs with more than two decimal places raise
:class:`ncm.ParseError` unless a rounding mode is given. Floats are read as the shortest decimal that
``repr`` shows (``2.675`` means 2.675, not the binary 2.67499999...) and rounded half-even by default,
so ``Money.from_float(0.125) == 12`` and ``Money.from_float(2.675) == 268``.
"""

import decimal
import math

import numpy as np

from . import lowlevel as _ll
from .errors import InvalidError, MoneyOverflowError, RangeError

__all__ = ["Money", "ROUNDING"]

#: Rounding mode names accepted by every ``rounding=`` argument, and their C values.
ROUNDING = {
    "half_even": _ll.NCM_ROUND_HALF_EVEN,
    "half_up": _ll.NCM_ROUND_HALF_UP,
    "down": _ll.NCM_ROUND_DOWN,
    "up": _ll.NCM_ROUND_UP,
    "floor": _ll.NCM_ROUND_FLOOR,
    "ceiling": _ll.NCM_ROUND_CEILING,
}
_DECIMAL_ROUNDING = {
    "half_even": decimal.ROUND_HALF_EVEN,
    "half_up": decimal.ROUND_HALF_UP,
    "down": decimal.ROUND_DOWN,
    "up": decimal.ROUND_UP,
    "floor": decimal.ROUND_FLOOR,
    "ceiling": decimal.ROUND_CEILING,
}
_DECIMALS = int(_ll.NCM_MONEY_DECIMALS)
_QUANTUM = decimal.Decimal(1).scaleb(-_DECIMALS)  # Decimal("0.01")


def _mode(rounding):
    try:
        return ROUNDING[rounding]
    except KeyError:
        raise InvalidError("rounding: %r is not one of %s" % (rounding, ", ".join(ROUNDING)),
                           _ll.NCM_ERR_INVALID) from None


class Money:
    """Helpers for exact money. An amount is an ``int`` of minor units (pence): 2650000000 is
    26,500,000.00 pounds. All methods are static; nothing here holds state."""

    #: Decimal places of the minor unit (2: pence, cents).
    DECIMALS = _DECIMALS

    # ------------------------------------------------------------------ text
    @staticmethod
    def parse(text, *, grouping=False, round=False):
        """Parse a decimal string such as ``"26500000.00"``, ``"-0.01"`` or ``"12"`` into minor units.

        Args:
            text: the amount; no spaces, exponents or currency signs.
            grouping: accept thousands separators (``"1,234.56"``).
            round: accept more than two decimal places and round them half-even.
        Raises:
            ncm.ParseError: malformed text (the message quotes it and says why).
            ncm.MoneyOverflowError: the amount does not fit 64 bits.
        """
        flags = (_ll.NCM_MONEY_GROUPING if grouping else 0) | (_ll.NCM_MONEY_ROUND if round else 0)
        return _ll.ncm_money_parse(str(text), _DECIMALS, flags)

    @staticmethod
    def format(units, *, grouping=False, plus=False):
        """Format minor units as a decimal string with two places: ``Money.format(-171687500)`` is
        ``"-1716875.00"``; ``grouping=True`` gives ``"-1,716,875.00"``; ``plus=True`` adds ``+``."""
        flags = (_ll.NCM_MONEY_GROUPING if grouping else 0) | (_ll.NCM_MONEY_PLUS if plus else 0)
        return _ll.ncm_money_format(int(units), _DECIMALS, flags)

    # ------------------------------------------------------------------ Decimal
    @staticmethod
    def from_decimal(value, *, rounding=None):
        """Minor units of a ``decimal.Decimal`` (or int, or decimal string), exactly.

        With ``rounding=None`` (the default) a value with more than two decimal places raises
        :class:`ncm.ParseError`; with a mode (``"half_even"``, ``"half_up"``, ``"down"``, ``"up"``,
        ``"floor"``, ``"ceiling"``) it is rounded once: ``from_decimal(Decimal("0.125"),
        rounding="half_even") == 12``, ``rounding="half_up"`` gives 13.
        """
        d = value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))
        if not d.is_finite():
            raise RangeError("money: %s is not a finite amount" % d, _ll.NCM_ERR_RANGE)
        if rounding is not None:
            _mode(rounding)
            with decimal.localcontext() as ctx:
                ctx.prec = max(40, len(d.as_tuple().digits) + 5)
                d = d.quantize(_QUANTUM, rounding=_DECIMAL_ROUNDING[rounding])
        return _ll.ncm_money_parse(format(d, "f"), _DECIMALS, 0)

    @staticmethod
    def to_decimal(units):
        """The exact ``decimal.Decimal`` of an amount in minor units: ``to_decimal(13) == Decimal("0.13")``
        (always two places: ``to_decimal(100)`` is ``Decimal("1.00")``)."""
        return decimal.Decimal(int(units)).scaleb(-_DECIMALS)

    # ------------------------------------------------------------------ float
    @staticmethod
    def from_float(value, *, rounding="half_even"):
        """Minor units of a float amount in major units (pounds), rounded once (half-even by default).

        The float is read as the shortest decimal that ``repr`` shows, so ``from_float(0.125) == 12``
        (a tie, to even), ``from_float(0.135) == 14`` and ``from_float(2.675) == 268``.
        Raises :class:`ncm.RangeError` for NaN or infinity.
        """
        x = float(value)
        if not math.isfinite(x):
            raise RangeError("money: %r is not a finite amount" % x, _ll.NCM_ERR_RANGE)
        return Money.from_decimal(decimal.Decimal(repr(x)), rounding=rounding)

    @staticmethod
    def to_float(units):
        """An amount in minor units as a float in major units (for plotting; not exact)."""
        return int(units) / 10 ** _DECIMALS

    @staticmethod
    def from_floats(values, *, rounding="half_even", name="amount"):
        """Vectorised :meth:`from_float`: an int64 numpy array of minor units from float amounts.

        Same result as calling :meth:`from_float` on each element, computed in numpy: only values
        within a few ulps of a rounding tie take the exact decimal path. Raises
        :class:`ncm.RangeError` naming ``name`` and the index of the first NaN/infinite value, and
        :class:`ncm.MoneyOverflowError` for amounts beyond 64 bits.
        """
        _mode(rounding)
        x = np.ascontiguousarray(values, dtype=np.float64)
        bad = ~np.isfinite(x)
        if bad.any():
            i = int(np.argmax(bad))
            raise RangeError("%s[%d]: %r is not a finite amount" % (name, i, float(x[i])), _ll.NCM_ERR_RANGE)
        s = x * 10.0 ** _DECIMALS
        if x.size and np.abs(s).max() >= 9.2e18:
            i = int(np.argmax(np.abs(s) >= 9.2e18))
            raise MoneyOverflowError("%s[%d]: %r does not fit 64-bit minor units" % (name, i, float(x[i])),
                                     _ll.NCM_ERR_OVERFLOW)
        if rounding == "half_even":
            out = np.rint(s)
        elif rounding == "half_up":
            out = np.sign(s) * np.floor(np.abs(s) + 0.5)
        elif rounding == "down":
            out = np.trunc(s)
        elif rounding == "up":
            out = np.sign(s) * np.ceil(np.abs(s))
        elif rounding == "floor":
            out = np.floor(s)
        else:
            out = np.ceil(s)
        out = out.astype(np.int64)
        # Elements near a tie or a whole unit may round differently in binary and in decimal:
        # recompute those (rare) elements exactly from their repr.
        frac = np.abs(s - np.trunc(s))
        tol = 8 * np.spacing(np.abs(s)) + 1e-9
        near = (np.abs(frac - 0.5) <= tol) | (frac <= tol) | (1.0 - frac <= tol)
        if rounding == "half_even" or rounding == "half_up":
            near = np.abs(frac - 0.5) <= tol
        for i in np.flatnonzero(near):
            out[i] = Money.from_float(float(x[i]), rounding=rounding)
        return out

    # ------------------------------------------------------------------ arithmetic (exact, checked)
    @staticmethod
    def add(a, b):
        """Checked ``a + b`` in minor units; :class:`ncm.MoneyOverflowError` beyond 64 bits."""
        return _ll.ncm_money_add(int(a), int(b))

    @staticmethod
    def sub(a, b):
        """Checked ``a - b`` in minor units; :class:`ncm.MoneyOverflowError` beyond 64 bits."""
        return _ll.ncm_money_sub(int(a), int(b))

    @staticmethod
    def mul_rate(units, rate, *, rounding="half_even"):
        """``units x rate`` rounded once; the rate is first rounded to 12 decimal places, so
        ``mul_rate(2650000000, 0.95) == 2517500000`` exactly."""
        return _ll.ncm_money_mul_rate(int(units), float(rate), _mode(rounding))

    @staticmethod
    def prorate(annual, months, *, rounding="half_even"):
        """``annual x months / 12`` rounded once (months 0 to 12, fractions allowed)."""
        return _ll.ncm_money_prorate(int(annual), float(months), _mode(rounding))

    @staticmethod
    def split(total, weights):
        """Split ``total`` minor units in proportion to ``weights`` (largest-remainder method).

        Returns an int64 numpy array that sums exactly to ``total``; ties go to the lower index:
        ``split(100, [1, 1, 1])`` is ``[34, 33, 33]``. Raises :class:`ncm.RangeError` for a negative,
        NaN or infinite weight (naming its index) or weights that sum to zero.
        """
        w = np.ascontiguousarray(weights, dtype=np.float64)
        if w.ndim != 1:
            raise InvalidError("weights: must be one-dimensional, got shape %s" % (w.shape,), _ll.NCM_ERR_INVALID)
        parts = np.empty(w.shape[0], dtype=np.int64)
        _ll.ncm_money_split(int(total), w, parts)
        return parts
