"""Risk/gain share (corridor) schedules: split a variance from budget between provider and commissioner.

:class:`RiskShare` wraps ``riskshare.h``. The variance is ``v = base - actual`` (positive = surplus);
the provider's part is worked band by band (DOMAIN.md) with exact money, and the two parts always sum
back to ``v`` exactly::

    >>> rs = ncm.RiskShare("circle_bedfordshire")
    >>> rs.apply("25175000.00", "23000000.00")
    Split(provider=Decimal('1716875.00'), commissioner=Decimal('458125.00'))
"""

import collections
import json
import os

import numpy as np
import pandas as pd

from . import lowlevel as _ll
from ._convert import money_column, money_out, money_scalar

__all__ = ["RiskShare", "Split", "BUILTIN_SCHEDULES"]

#: Names accepted by ``RiskShare(name)``.
BUILTIN_SCHEDULES = ("circle_bedfordshire", "aco_reach_global", "aco_reach_professional")

#: The result of :meth:`RiskShare.apply`: provider's part (> 0 surplus kept, < 0 loss borne) and the
#: commissioner's part; provider + commissioner == base - actual exactly.
Split = collections.namedtuple("Split", ["provider", "commissioner"])


class RiskShare:
    """An immutable risk/gain share schedule (thread-safe to share).

    ``RiskShare(name)`` builds a built-in schedule (:data:`BUILTIN_SCHEDULES`);
    :meth:`from_json` loads the ``ncm.riskshare/1`` format from a path, a dict or JSON text.
    Unknown names raise :class:`ncm.NotFoundError` listing the known ones.
    """

    def __init__(self, name=None, *, _handle=None):
        if _handle is None:
            if name is None:
                raise TypeError("RiskShare(name): give a built-in name or use RiskShare.from_json()")
            _handle = _ll.ncm_riskshare_builtin(str(name))
        self._h = _handle
        self.name = name if name is not None else "<json>"

    @classmethod
    def builtin(cls, name):
        """One of :data:`BUILTIN_SCHEDULES`."""
        return cls(name)

    @classmethod
    def from_json(cls, source):
        """Load a schedule from a JSON file path, a dict (serialised and validated by the C loader) or
        JSON text. Errors (:class:`ncm.ParseError` with line and column, :class:`ncm.InconsistentError`
        for overlapping bands, ...) carry the C message."""
        if isinstance(source, dict):
            text = json.dumps(source).encode("utf-8")
            return cls(_handle=_ll.ncm_riskshare_load_json_buffer(text, "<dict>"))
        if isinstance(source, (bytes, bytearray)):
            return cls(_handle=_ll.ncm_riskshare_load_json_buffer(bytes(source), "<string>"))
        if isinstance(source, str) and source.lstrip().startswith("{"):
            return cls(_handle=_ll.ncm_riskshare_load_json_buffer(source.encode("utf-8"), "<string>"))
        path = os.fspath(source)
        rs = cls(_handle=_ll.ncm_riskshare_load_json(path))
        rs.name = path
        return rs

    def to_json(self, path):
        """Write the schedule as ``ncm.riskshare/1`` JSON (loading it gives the same schedule)."""
        _ll.ncm_riskshare_write_json(self._h, os.fspath(path))

    @property
    def bands(self):
        """The bands as a DataFrame: side ("surplus"/"deficit"), lower, upper (fractions of base;
        ``inf`` = open) and provider_share."""
        n = _ll.ncm_riskshare_band_count(self._h)
        side = np.empty(n, np.int32)
        lo, hi, sh = np.empty(n), np.empty(n), np.empty(n)
        _ll.ncmpy_riskshare_bands(self._h, side, lo, hi, sh)
        return pd.DataFrame({"side": np.where(side == _ll.NCM_RISKSHARE_SURPLUS, "surplus", "deficit"),
                             "lower": lo, "upper": hi, "provider_share": sh})

    def apply(self, base, actual, *, money="decimal"):
        """Split ``base - actual`` between provider and commissioner.

        Scalars (Decimal, str, int = whole pounds, float = pounds) give a :data:`Split` of amounts in
        the ``money`` representation (``"decimal"``, ``"minor"``, ``"str"``, ``"float"``).
        Arrays or Series (numpy float = pounds, int = whole pounds, object = Decimal/str) are split in
        one C call and give a :data:`Split` of numpy arrays (int64 minor units with ``money="minor"``).
        Raises :class:`ncm.RangeError` for base <= 0 or actual < 0 (naming the row for arrays).
        """
        if np.ndim(base) == 0 and np.ndim(actual) == 0:
            p, c = _ll.ncm_riskshare_apply(self._h, money_scalar(base, "base"), money_scalar(actual, "actual"))
            return Split(money_out(p, money), money_out(c, money))
        return self.apply_minor(money_column(np.atleast_1d(base), "base"),
                                money_column(np.atleast_1d(actual), "actual"), money=money)

    def apply_minor(self, base, actual, *, money="minor"):
        """Bulk split of int64 minor-unit arrays (no conversion): a :data:`Split` of int64 arrays."""
        b = np.ascontiguousarray(base, dtype=np.int64)
        a = np.ascontiguousarray(actual, dtype=np.int64)
        if a.shape != b.shape and a.size == 1:
            a = np.full(b.shape, a.ravel()[0], dtype=np.int64)
        if b.shape != a.shape and b.size == 1:
            b = np.full(a.shape, b.ravel()[0], dtype=np.int64)
        p = np.empty(b.shape[0], np.int64)
        c = np.empty(b.shape[0], np.int64)
        _ll.ncmpy_riskshare_apply_bulk(self._h, b, a, p, c)
        return Split(money_out(p, money), money_out(c, money))

    def explain(self, base, actual):
        """Band-by-band DataFrame of one split: side, lower, upper, provider_share, variance in the
        band and the provider's part (Decimal), plus the limit adjustment in ``.attrs``."""
        b, a = money_scalar(base, "base"), money_scalar(actual, "actual")
        n = _ll.ncm_riskshare_band_count(self._h)
        bv, bp = np.zeros(n, np.int64), np.zeros(n, np.int64)
        adj = _ll.ncmpy_riskshare_explain(self._h, b, a, bv, bp)
        df = self.bands
        df["variance"] = money_out(bv)
        df["provider"] = money_out(bp)
        df.attrs["limit_adjustment"] = money_out(adj)
        return df

    def __repr__(self):
        bands = self.bands
        parts = ["%s [%g%%, %s): %g%%" % (r.side, r.lower * 100, "inf" if np.isinf(r.upper) else "%g%%" % (r.upper * 100),
                                         r.provider_share * 100) for r in bands.itertuples()]
        return "RiskShare(%s: %s)" % (self.name, "; ".join(parts))
