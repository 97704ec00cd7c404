"""Medicare Shared Savings Program settlement (``savings.h``) over a pandas DataFrame, in one C call.

    >>> ncm.mssp_settle(df, year=2022)

Track tables are data: the built-in tables for 2018, 2022 and 2023 (:func:`mssp_tracks`), or a CSV
table (:meth:`MsspTracks.from_csv`).
"""

import os

import numpy as np
import pandas as pd

from . import lowlevel as _ll
from ._convert import money_column, money_out, rate_column
from .errors import InvalidError

__all__ = ["mssp_settle", "mssp_msr", "MsspTracks", "mssp_tracks"]

_PARAM_NAMES = ["year", "share_rate", "quality_rule", "savings_cap", "loss_rule", "loss_rate", "loss_quality_factor",
                "loss_rate_min", "loss_rate_max", "loss_cap_benchmark", "loss_cap_revenue", "msr_rule",
                "sequestration", "sequester_before_cap"]
_QUALITY = {0: "gate", 1: "scaled", 2: "sliding"}
_LOSS = {0: "none", 1: "fixed", 2: "quality"}
_MSR = {0: "size", 1: "choice"}


class MsspTracks:
    """An immutable MSSP track table: one row of parameters per (year, track)."""

    def __init__(self, year=0, *, _handle=None):
        self._h = _handle if _handle is not None else _ll.ncm_mssp_tracks_builtin(int(year))

    @classmethod
    def builtin(cls, year=0):
        """The built-in table of 2018, 2022 or 2023 (0 = all of them)."""
        return cls(year)

    @classmethod
    def from_csv(cls, path):
        """Load a table from CSV (columns as in ``ncm_mssp_tracks_load_csv``)."""
        return cls(_handle=_ll.ncm_mssp_tracks_load_csv(os.fspath(path)))

    def to_csv(self, path):
        _ll.ncm_mssp_tracks_write_csv(self._h, os.fspath(path))

    def to_pandas(self):
        """The table as a DataFrame: year, track and the parameters (rules by name)."""
        rows = []
        buf = np.empty(15)
        for i in range(_ll.ncm_mssp_tracks_count(self._h)):
            _ll.ncmpy_mssp_track_params(self._h, i, buf)
            r = dict(zip(_PARAM_NAMES, buf[:14].tolist()))
            r["year"] = int(r["year"])
            r["track"] = _ll.ncmpy_mssp_track_name(self._h, i)
            r["quality_rule"] = _QUALITY[int(r["quality_rule"])]
            r["loss_rule"] = _LOSS[int(r["loss_rule"])]
            r["msr_rule"] = _MSR[int(r["msr_rule"])]
            r["sequester_before_cap"] = bool(r["sequester_before_cap"])
            rows.append(r)
        cols = ["year", "track"] + _PARAM_NAMES[1:]
        return pd.DataFrame(rows, columns=cols)

    def lookup(self, names, year=0):
        """uint32 row indices of track names for ``year``; :class:`ncm.NotFoundError` names the first unknown."""
        idx = np.empty(len(names), np.uint32)
        _ll.ncmpy_mssp_tracks_lookup(self._h, int(year), [str(x) for x in names], idx)
        return idx

    def __len__(self):
        return _ll.ncm_mssp_tracks_count(self._h)


def mssp_tracks(year=0):
    """The built-in :class:`MsspTracks` of ``year`` (2018, 2022, 2023; 0 = all)."""
    return MsspTracks(year)


def mssp_msr(beneficiaries):
    """Size-based minimum savings rate (fraction) for a number of assigned beneficiaries (>= 5,000)."""
    return _ll.ncm_mssp_msr(int(beneficiaries))


def _flag_column(s, name):
    if s.dtype.kind == "b":
        return np.ascontiguousarray(s.to_numpy(), dtype=np.uint8)
    v = pd.to_numeric(s, errors="coerce")
    if v.isna().any():
        i = int(np.argmax(v.isna().to_numpy()))
        raise InvalidError("%s[%d]: %r is not 0 or 1" % (name, i, s.iloc[i]), _ll.NCM_ERR_INVALID)
    return np.ascontiguousarray(v.to_numpy() != 0, dtype=np.uint8)


def mssp_settle(df, year=2022, *, tracks=None, money="decimal", units="major"):
    """Settle every ACO (one row each) under the MSSP rules of ``year``, in one C call.

    Columns of ``df``: ``aco_id`` (optional, copied), ``track`` (a track name of the year: BASIC_A ..
    BASIC_E, ENHANCED for 2022/2023; TRACK_1, TRACK_2, TRACK_3 = ENHANCED, TRACK_1_PLUS for 2018),
    ``beneficiaries``, ``benchmark`` and ``expenditure`` (dollars: float, whole-dollar int, or
    Decimal/str), ``quality_met`` (bool or 0/1), ``quality_score`` (a fraction, or a percent string
    such as ``"89.41%"``), and optionally ``alt_quality_met``, ``msr`` (fixed MSR/MLR as a fraction or
    percent; NaN/empty = size-based) and ``revenue`` (NaN = unknown).

    Returns a DataFrame (same index) with aco_id (if given), savings_rate, msr (the MSR/MLR used),
    generated (savings > 0 or losses < 0; 0 inside the corridor), sharing_rate (or the loss rate for
    losses) and earned (shared savings after sequestration > 0, shared losses owed < 0). Money comes
    back as exact Decimal by default (``money="minor"`` gives int64 cents, ``"float"`` dollars).
    With ``units="minor"`` the integer money columns (benchmark, expenditure, revenue) are read as
    cents instead of whole dollars (the fast path: no conversion at all).

    Raises :class:`ncm.NotFoundError` for an unknown track (naming it and its row) and
    :class:`ncm.RangeError` for bad values (naming the field and row), with the C message.
    """
    if tracks is None:
        tracks = MsspTracks(year)
    elif not isinstance(tracks, MsspTracks):
        tracks = MsspTracks.from_csv(tracks)
    need = ["track", "beneficiaries", "benchmark", "expenditure", "quality_met", "quality_score"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise InvalidError("mssp_settle: missing column(s) %s" % ", ".join(missing), _ll.NCM_ERR_INVALID)
    n = len(df)
    codes, levels = pd.factorize(df["track"].astype(str), sort=False)
    lev_idx = tracks.lookup(list(levels), year) if len(levels) else np.empty(0, np.uint32)
    track = np.ascontiguousarray(lev_idx[codes], dtype=np.uint32)
    benef = pd.to_numeric(df["beneficiaries"], errors="raise").to_numpy()
    if benef.dtype.kind == "f":
        if np.isnan(benef).any():
            i = int(np.argmax(np.isnan(benef)))
            raise InvalidError("beneficiaries[%d]: missing" % i, _ll.NCM_ERR_INVALID)
    benef = np.ascontiguousarray(benef, dtype=np.int64)
    if units not in ("major", "minor"):
        raise InvalidError("units: %r is not 'major' or 'minor'" % (units,), _ll.NCM_ERR_INVALID)

    def amounts(col, name):
        if units == "minor":
            v = col.to_numpy()
            if v.dtype.kind == "f":
                if np.isnan(v).any():
                    i = int(np.argmax(np.isnan(v)))
                    raise InvalidError("%s[%d]: missing" % (name, i), _ll.NCM_ERR_INVALID)
                if (v != np.round(v)).any():
                    i = int(np.argmax(v != np.round(v)))
                    raise InvalidError("%s[%d]: %r is not a whole number of cents" % (name, i, v[i]),
                                       _ll.NCM_ERR_INVALID)
            return np.ascontiguousarray(v, dtype=np.int64)
        return money_column(col, name)

    bench = amounts(df["benchmark"], "benchmark")
    exp = amounts(df["expenditure"], "expenditure")
    met = _flag_column(df["quality_met"], "quality_met")
    q = rate_column(df["quality_score"], "quality_score")
    alt = _flag_column(df["alt_quality_met"], "alt_quality_met") if "alt_quality_met" in df.columns else None
    msr = rate_column(df["msr"], "msr") if "msr" in df.columns else None
    rev = None
    if "revenue" in df.columns:
        r = df["revenue"]
        known = r.notna().to_numpy()
        rev = np.full(n, -1, dtype=np.int64)
        if known.any():
            rev[known] = amounts(r[known], "revenue")
    out_rate, out_msr, out_share = np.empty(n), np.empty(n), np.empty(n)
    out_gen, out_earned = np.empty(n, np.int64), np.empty(n, np.int64)
    _ll.ncmpy_mssp_settle(tracks._h, track, benef, bench, exp, met, q, alt, msr, rev, out_rate, out_msr, out_gen,
                          out_share, out_earned)
    res = pd.DataFrame(index=df.index)
    if "aco_id" in df.columns:
        res["aco_id"] = df["aco_id"].to_numpy()
    res["savings_rate"] = out_rate
    res["msr"] = out_msr
    res["generated"] = money_out(out_gen, money)
    res["sharing_rate"] = out_share
    res["earned"] = money_out(out_earned, money)
    return res
