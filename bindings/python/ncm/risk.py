"""Risk models from Python: CMS-HCC, age-sex, Charlson and Elixhauser, scored in bulk.

:class:`RiskModel` wraps an ``ncm_risk_model`` (risk.h). Every provider is scored by the same call,
:meth:`RiskModel.score`, which returns a pandas DataFrame with one row per person (in population
order): ``person_id``, ``raw`` (sum of the coefficients that fired), ``score`` (payment score =
raw / normalization x (1 - coding_intensity)), ``terms`` (the names of the terms that fired,
space-separated, so that each score can be explained) and ``unknown_codes`` (diagnosis codes the
model does not know, counted per person). The distinct unknown codes and their total are in
``df.attrs["unknown_codes"]`` (a dict code -> occurrences) and ``df.attrs["unknown_total"]``.

The scoring runs in C over the whole population in one call; scores land directly in numpy arrays
and the term text is built in one C loop. :func:`normalize` and :func:`cap_growth` are the
normalisation helpers of risk.h.
"""

import os

import numpy as np
import pandas as pd

from . import lowlevel as _ll
from .errors import InvalidError
from .population import Population

__all__ = ["RiskModel", "normalize", "cap_growth", "TERM_KINDS"]

#: Names of the term kinds (``ncm_risk_term_kind``), in code order.
TERM_KINDS = ("category", "interaction", "count", "demographic")

_VERSIONS = {"V24": _ll.NCM_CMS_HCC_V24, "V28": _ll.NCM_CMS_HCC_V28}
_CHARLSON = {"quan2011": _ll.NCM_CHARLSON_QUAN2011, "charlson1987": _ll.NCM_CHARLSON_1987}


def _invalid(msg):
    return InvalidError(msg, _ll.NCM_ERR_INVALID)


def as_population(population, diagnoses=None):
    """An :class:`ncm.Population` from a Population, or a people DataFrame (+ diagnoses DataFrame)."""
    if isinstance(population, Population):
        if diagnoses is not None:
            raise _invalid("diagnoses: give them only with a people DataFrame, not with a Population")
        return population
    if isinstance(population, pd.DataFrame):
        return Population.from_pandas(population, diagnoses)
    raise TypeError("population must be an ncm.Population or a pandas DataFrame of people, not %s"
                    % type(population).__name__)


def _with_segment(pop, segment):
    """A copy of `pop` whose people without a segment (or all, if it has no segment column) get `segment`."""
    people, dx = pop.to_pandas(money="minor")
    if not isinstance(segment, str):
        segment = np.asarray(segment, dtype=object)
        if len(segment) != len(people):
            raise _invalid("segment: %d values for %d people" % (len(segment), len(people)))
    if "segment" in people.columns:
        people["segment"] = people["segment"].where(people["segment"] != "", segment)
    else:
        people["segment"] = segment
    return Population.from_pandas(people, dx, cost_unit="minor")


def _floats(x, name):
    if isinstance(x, pd.DataFrame):
        if "score" not in x.columns:
            raise _invalid("%s: a DataFrame of scores needs a 'score' column" % name)
        x = x["score"]
    if isinstance(x, pd.Series):
        x = x.to_numpy(dtype=np.float64)
    return np.ascontiguousarray(x, dtype=np.float64)


class RiskModel:
    """A risk model (any provider), read-only once built and safe to share between threads.

    Build one with :meth:`cms_hcc`, :meth:`age_sex`, :meth:`charlson`, :meth:`elixhauser` or
    :meth:`read`; score a population with :meth:`score`.

    Example::

        model = ncm.RiskModel.cms_hcc("../shared/data/cms-hcc", version="V24")
        scores = model.score(pop)          # person_id, raw, score, terms, unknown_codes
    """

    def __init__(self, handle, normalization=1.0, coding_intensity=0.0):
        """Wrap a low-level ``RiskModelHandle`` (use the class-method constructors)."""
        if not isinstance(handle, _ll.RiskModelHandle):
            raise TypeError("RiskModel() takes a RiskModelHandle; use RiskModel.cms_hcc, charlson, ...")
        self._h = handle
        self.normalization = float(normalization)
        self.coding_intensity = float(coding_intensity)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def cms_hcc(cls, tables_dir, version="V24", normalization=1.0, coding_intensity=0.0):
        """Import CMS-HCC ``"V24"`` or ``"V28"`` from the CMS tables in ``tables_dir``
        (coefficients.csv, dx_to_cc.csv, hierarchies.csv, interactions.csv, dx_edits_v28.csv).

        ``normalization`` (> 0) and ``coding_intensity`` (in [0, 1), 0.059 = 5.9%) set the payment
        score: raw / normalization x (1 - coding_intensity); they are checked when scoring.
        Raises :class:`ncm.FileError` (missing file), :class:`ncm.ParseError` (file, line and item
        named), :class:`ncm.InconsistentError` (hierarchy cycle), :class:`ncm.NotFoundError`.
        """
        v = str(version).upper()
        if v not in _VERSIONS:
            raise _invalid('version: %r is not "V24" or "V28"' % (version,))
        return cls(_ll.ncm_risk_model_cms_hcc(os.fspath(tables_dir), _VERSIONS[v]), normalization, coding_intensity)

    @classmethod
    def age_sex(cls, table, normalization=1.0):
        """An age-sex index from a CSV path or a DataFrame with columns
        ``band_low, band_high, sex, weight`` (inclusive ages; sex ``F``, ``M`` or ``*``)."""
        if isinstance(table, pd.DataFrame):
            import tempfile
            need = ["band_low", "band_high", "sex", "weight"]
            missing = [c for c in need if c not in table.columns]
            if missing:
                raise _invalid("age_sex table: missing column %s" % ", ".join(missing))
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "age_sex.csv")
                table[need].to_csv(path, index=False)
                return cls(_ll.ncm_risk_model_age_sex(path), normalization)
        return cls(_ll.ncm_risk_model_age_sex(os.fspath(table)), normalization)

    @classmethod
    def charlson(cls, weights="quan2011"):
        """The Charlson index (Quan 2005 ICD-10 codes) with ``"quan2011"`` or ``"charlson1987"`` weights."""
        if weights not in _CHARLSON:
            raise _invalid('weights: %r is not "quan2011" or "charlson1987"' % (weights,))
        return cls(_ll.ncm_risk_model_charlson(_CHARLSON[weights]))

    @classmethod
    def elixhauser(cls):
        """The Elixhauser index (Quan 2005 ICD-10 codes, van Walraven 2009 weights)."""
        return cls(_ll.ncm_risk_model_elixhauser())

    @classmethod
    def read(cls, path, normalization=1.0, coding_intensity=0.0):
        """A condition-category model in ncm's one-file CSV format (see :meth:`save`)."""
        return cls(_ll.ncm_risk_model_read(os.fspath(path)), normalization, coding_intensity)

    def save(self, path):
        """Write the model in ncm's one-file CSV format (read back with :meth:`read`)."""
        self._h.save(os.fspath(path))

    # ------------------------------------------------------------------ properties
    @property
    def name(self):
        """The model's name, e.g. ``"CMS-HCC V24"``."""
        return _ll.ncm_risk_model_name(self._h)

    @property
    def term_count(self):
        """Number of terms (categories, interactions, count terms, demographic cells)."""
        return int(_ll.ncm_risk_model_term_count(self._h))

    def coefficient(self, term, segment=None):
        """The coefficient of ``term`` (e.g. ``"HCC85"``) in ``segment`` (default: the first segment)."""
        return self._h.coef(segment, term)

    # ------------------------------------------------------------------ scoring
    def score(self, population, diagnoses=None, *, terms=True, segment=None, normalization=None,
              coding_intensity=None):
        """Score every person; returns a DataFrame in population order.

        ``population`` is an :class:`ncm.Population`, or a people DataFrame with ``diagnoses`` a
        DataFrame (``person_id``, ``code``). ``segment`` (e.g. ``"CNA"``, or one str per person) is
        given to people with no segment, for populations that carry none (the synthetic population;
        this rebuilds the table once). ``terms=False`` skips
        the explanation (faster; ``terms`` is then empty). ``normalization`` and ``coding_intensity``
        override the model's own for this call.

        Columns: ``person_id``, ``raw``, ``score`` (payment score), ``terms`` (space-separated term
        names: demographic cells, categories, interactions, count term), ``unknown_codes`` (count).
        ``df.attrs``: ``unknown_total`` (int) and ``unknown_codes`` (dict code -> occurrences).
        Raises :class:`ncm.RangeError` for a bad normalisation or coding intensity,
        :class:`ncm.NotFoundError` for a person whose segment the model does not have.
        """
        pop = as_population(population, diagnoses)
        if segment is not None:
            pop = _with_segment(pop, segment)
        norm = self.normalization if normalization is None else float(normalization)
        ci = self.coding_intensity if coding_intensity is None else float(coding_intensity)
        n = len(pop)
        raw = np.empty(n, dtype=np.float64)
        pay = np.empty(n, dtype=np.float64)
        flags = 0 if terms else _ll.NCM_RISK_NO_TERMS
        res = _ll.ncm_risk_score(self._h, pop._h, flags, norm, ci, raw, pay)
        ids = pop._h.text_values(_ll.NCM_TEXT_PERSON)
        unknown = np.frombuffer(res.unknown_array(), dtype=np.uint32).astype(np.int64) if n else \
            np.zeros(0, dtype=np.int64)
        df = pd.DataFrame({
            "person_id": np.array(ids, dtype=object),
            "raw": raw,
            "score": pay,
            "terms": np.array(res.terms_text(" "), dtype=object) if terms else np.full(n, "", dtype=object),
            "unknown_codes": unknown,
        })
        codes = res.unknown_codes()
        occ = np.zeros(len(codes), dtype=np.uint64)
        res.unknown_occurrences_into(occ)
        df.attrs["unknown_total"] = int(res.unknown_sum())
        df.attrs["unknown_codes"] = dict(zip(codes, (int(v) for v in occ)))
        df.attrs["model"] = self.name
        return df

    def explain(self, population, diagnoses=None, *, segment=None):
        """The terms that fired, one row per (person, term): ``person_id``, ``term``, ``kind``
        (category, interaction, count, demographic) and ``coefficient``. Sum ``coefficient`` by
        person to get the raw score back."""
        pop = as_population(population, diagnoses)
        if segment is not None:
            pop = _with_segment(pop, segment)
        n = len(pop)
        raw = np.empty(n, dtype=np.float64)
        res = _ll.ncm_risk_score(self._h, pop._h, 0, 1.0, 0.0, raw, np.empty(n, dtype=np.float64))
        total = int(res.term_total())
        off = np.zeros(n + 1, dtype=np.uint64)
        tid = np.zeros(total, dtype=np.uint32)
        coef = np.zeros(total, dtype=np.float64)
        res.terms_into(off, tid, coef)
        names = np.array(res.term_names(), dtype=object)
        kinds = np.array(TERM_KINDS, dtype=object)[np.array(res.term_kinds(), dtype=np.int64)] if len(names) else \
            np.zeros(0, dtype=object)
        who = np.repeat(np.arange(n), np.diff(off.astype(np.int64)))
        ids = np.array(pop._h.text_values(_ll.NCM_TEXT_PERSON), dtype=object)
        return pd.DataFrame({"person_id": ids[who] if n else np.zeros(0, dtype=object),
                             "term": names[tid] if total else np.zeros(0, dtype=object),
                             "kind": kinds[tid] if total else np.zeros(0, dtype=object),
                             "coefficient": coef})

    def weighted_population(self, population, scores, level):
        """Sum of score x exposure (months / 12) per unit of a geography level (a Series by unit code).
        ``scores`` is an array, a Series, or the DataFrame returned by :meth:`score` (its ``score``)."""
        pop = as_population(population)
        lvl = _ll.ncm_level_parse(level) if isinstance(level, str) else int(level)
        k = _ll.ncm_population_text_count(pop._h, lvl)
        out = np.zeros(k, dtype=np.float64)
        _ll.ncm_risk_weighted_population(pop._h, _floats(scores, "scores"), lvl, out)
        return pd.Series(out, index=pd.Index(pop._h.text_values(lvl), name=_ll.ncm_level_name(lvl), dtype=object),
                         name="weighted_population")

    def __repr__(self):
        extra = ""
        if self.normalization != 1.0 or self.coding_intensity != 0.0:
            extra = ", normalization %g, coding intensity %g" % (self.normalization, self.coding_intensity)
        return "<ncm.RiskModel %s: %d terms%s>" % (self.name, self.term_count, extra)


def normalize(scores, exposure=None, factor=0.0):
    """Divide scores by ``factor``, or (``factor=0``) by their exposure-weighted mean so that the
    mean is 1. ``exposure`` in years (months / 12), or None for 1 each. Returns ``(normalised
    array, factor used)``. Raises :class:`ncm.RangeError` for NaN, negative values or a zero mean."""
    s = _floats(scores, "scores")
    e = None if exposure is None else _floats(exposure, "exposure")
    out = np.empty_like(s)
    used = _ll.ncm_risk_normalize(s, e, float(factor), out)
    return out, used


def cap_growth(scores, last, max_growth=0.03):
    """Cap year-on-year growth: ``min(score, last x (1 + max_growth))`` where ``last`` is not NaN.
    Returns ``(capped array, number of people capped)``."""
    s = _floats(scores, "scores")
    prev = _floats(last, "last")
    out = np.empty_like(s)
    capped = _ll.ncm_risk_cap_growth(s, prev, float(max_growth), out)
    return out, int(capped)
