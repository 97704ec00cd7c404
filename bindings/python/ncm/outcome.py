"""Outcome frameworks (``outcome.h``): score a provider's results measure by measure, by domain and in
total, and work out the outcome pot earned; O/E ratios with funnel-plot limits.

    >>> fw = ncm.OutcomeFramework("framework.json")
    >>> s = fw.score(pd.DataFrame({"measure_id": ["A", "B"], "value": [0.75, 0.10]}), pot="1000000.00")
    >>> s.total, s.pot_earned
"""

import json
import os

import numpy as np
import pandas as pd

from . import lowlevel as _ll
from ._convert import money_out, money_scalar

__all__ = ["OutcomeFramework", "OutcomeScore", "oe_funnel"]

_DIRECTIONS = {_ll.NCM_OUTCOME_HIGHER_IS_BETTER: "higher", _ll.NCM_OUTCOME_LOWER_IS_BETTER: "lower"}


class OutcomeFramework:
    """An immutable outcome framework (schema ``ncm.outcomes/1``).

    ``OutcomeFramework(source)`` loads a path, a dict (serialised with ``json.dumps`` and validated by
    the C loader) or JSON text; :meth:`from_json` is the same. Errors carry the C message
    (:class:`ncm.ParseError` with line and column for bad JSON, :class:`ncm.DuplicateError`, ...).
    """

    def __init__(self, source):
        if isinstance(source, dict):
            self._h = _ll.ncm_outcome_framework_load_json_buffer(json.dumps(source).encode("utf-8"), "<dict>")
            self.source = "<dict>"
        elif isinstance(source, (bytes, bytearray)) or (isinstance(source, str) and source.lstrip().startswith("{")):
            text = source.encode("utf-8") if isinstance(source, str) else bytes(source)
            self._h = _ll.ncm_outcome_framework_load_json_buffer(text, "<string>")
            self.source = "<string>"
        else:
            self.source = os.fspath(source)
            self._h = _ll.ncm_outcome_framework_load_json(self.source)

    @classmethod
    def from_json(cls, source):
        """Same as ``OutcomeFramework(source)``."""
        return cls(source)

    def to_json(self, path):
        """Write the framework as JSON (loading it gives the same framework)."""
        _ll.ncm_outcome_framework_write_json(self._h, os.fspath(path))

    @property
    def domains(self):
        """List of domain ids in table order."""
        return [_ll.ncm_outcome_domain_id(self._h, d) for d in range(_ll.ncm_outcome_domain_count(self._h))]

    @property
    def measures(self):
        """DataFrame of the measures: measure_id, domain, direction ("higher"/"lower"), method."""
        n = _ll.ncm_outcome_measure_count(self._h)
        doms = self.domains
        rows = []
        for i in range(n):
            d, direction, method = _ll.ncm_outcome_measure_info(self._h, i)
            rows.append((_ll.ncm_outcome_measure_id(self._h, i), doms[d], _DIRECTIONS.get(direction, "?"),
                         _ll.ncm_outcome_method_name(method)))
        return pd.DataFrame(rows, columns=["measure_id", "domain", "direction", "method"])

    def score(self, results, *, pot=None, rounding="half_even"):
        """Score one provider's results.

        Args:
            results: DataFrame with columns measure_id, value and optionally baseline (NaN = no data /
                the framework's baseline), or a dict ``{measure_id: value}``, or a path to the C
                results CSV.
            pot: optional outcome pot at stake (Decimal, str, int pounds, float pounds); the earned
                part is ``pot x total / 100`` rounded once, or 0 when a gate fails.
        Returns an :class:`OutcomeScore`. Raises :class:`ncm.NotFoundError` for an unknown measure,
        :class:`ncm.DuplicateError` for a measure given twice (the message names the row and id).
        """
        if isinstance(results, (str, os.PathLike)):
            res = _ll.ncm_outcome_score_csv(self._h, os.fspath(results))
        else:
            if isinstance(results, dict):
                results = pd.DataFrame({"measure_id": list(results), "value": list(results.values())})
            df = pd.DataFrame(results)
            ids = [str(x) for x in df["measure_id"]]
            values = np.ascontiguousarray(pd.to_numeric(df["value"], errors="raise"), dtype=np.float64)
            base = None
            if "baseline" in df:
                base = np.ascontiguousarray(pd.to_numeric(df["baseline"], errors="raise"), dtype=np.float64)
            res = _ll.ncmpy_outcome_score(self._h, ids, values, base)
        return OutcomeScore(self, res, pot, rounding)

    def __repr__(self):
        return "OutcomeFramework(%s: %d measures in %d domains)" % (self.source, _ll.ncm_outcome_measure_count(self._h),
                                                                  _ll.ncm_outcome_domain_count(self._h))


class OutcomeScore:
    """The scores of one provider: ``measures`` (DataFrame: measure_id, domain, points 0-10,
    achievement, improvement, met), ``domains`` (domain, score 0-100, effective_weight), ``total``
    (0-100), ``gate_met`` and, when a pot was given, ``pot_earned`` / ``pot_unearned`` (Decimal)."""

    def __init__(self, framework, handle, pot=None, rounding="half_even"):
        self.framework = framework
        self._h = handle
        self.total, gate = _ll.ncm_outcome_result_total(handle)
        self.gate_met = bool(gate)
        n = _ll.ncm_outcome_measure_count(framework._h)
        pts, ach, imp = np.empty(n), np.empty(n), np.empty(n)
        met = np.empty(n, np.int32)
        _ll.ncmpy_outcome_result_measures(handle, pts, ach, imp, met)
        m = framework.measures
        self.measures = pd.DataFrame({"measure_id": m["measure_id"], "domain": m["domain"], "points": pts,
                                      "achievement": ach, "improvement": imp, "met": met.astype(bool)})
        nd = _ll.ncm_outcome_domain_count(framework._h)
        ds, dw = np.empty(nd), np.empty(nd)
        _ll.ncmpy_outcome_result_domains(handle, ds, dw)
        self.domains = pd.DataFrame({"domain": framework.domains, "score": ds, "effective_weight": dw})
        self.pot = self.pot_earned = self.pot_unearned = None
        if pot is not None:
            self.pot = money_out(money_scalar(pot, "pot"))
            self.pot_earned, self.pot_unearned = self.earned(pot, rounding=rounding)

    def earned(self, pot, *, rounding="half_even", money="decimal"):
        """(earned, unearned) of an outcome pot: pot x total / 100 rounded once, or 0 if a gate fails."""
        from .money import ROUNDING
        e, u = _ll.ncm_outcome_result_pot(self._h, money_scalar(pot, "pot"), ROUNDING[rounding])
        return money_out(e, money), money_out(u, money)

    def __repr__(self):
        s = "OutcomeScore(total %.4f, gate %s" % (self.total, "met" if self.gate_met else "NOT met")
        if self.pot is not None:
            s += ", pot %s earned %s" % (self.pot, self.pot_earned)
        return s + ")"


def oe_funnel(observed, expected):
    """O/E ratios and exact-Poisson funnel limits (95% and 99.8%) for each provider.

    ``observed`` (whole counts >= 0) and ``expected`` (> 0) are arrays or Series of the same length.
    Returns a DataFrame with observed, expected, ratio, lo95, hi95, lo998, hi998 and flag (-2/-1 below
    the 99.8%/95% lower limit, +1/+2 above the upper, 0 inside); the index of ``observed`` is kept
    when it is a Series. Raises :class:`ncm.RangeError` naming the field and index.
    """
    index = observed.index if isinstance(observed, pd.Series) else None
    o = np.ascontiguousarray(observed, dtype=np.float64)
    e = np.ascontiguousarray(expected, dtype=np.float64)
    n = o.shape[0]
    out = {k: np.empty(n) for k in ("ratio", "lo95", "hi95", "lo998", "hi998")}
    flag = np.empty(n, np.int32)
    _ll.ncmpy_oe_funnel(o, e, out["ratio"], out["lo95"], out["hi95"], out["lo998"], out["hi998"], flag)
    df = pd.DataFrame({"observed": o, "expected": e, **out, "flag": flag})
    if index is not None:
        df.index = index
    return df
