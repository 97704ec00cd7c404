"""Capitation from Python: risk-adjusted budgets, fair shares, pace of change, pool shares,
year-of-care tariffs, top-slices, stop-loss, multi-year envelopes and mid-year true-ups.

Everything here wraps capitation.h; the arithmetic is the C library's, exact to the penny.

**Money in.** Every amount argument accepts an ``int`` (whole pounds), a ``decimal.Decimal`` or a
decimal string (exactly; more than two places raise :class:`ncm.ParseError`) or a ``float``
(rounded half-even on its decimal value, :meth:`ncm.Money.from_float`). Arrays of amounts accept
float arrays (vectorised half-even), integer arrays (whole pounds) and object arrays of Decimal/str
(one Python call per value, meant for small tables). Under the hood every amount is int64 pence.

**Money out.** Tables carry amounts as exact ``decimal.Decimal`` by default (``money="decimal"``);
``money="minor"`` gives int64 pence and ``money="float"`` floats in pounds (for plotting).

**Arrays.** Per-person columns cross to C as numpy buffers (no per-row Python loop); text columns
cross as ``pandas.factorize`` codes + levels.
"""

import decimal
import os

import numpy as np
import pandas as pd

from . import lowlevel as _ll
from .errors import Error, InvalidError
from .money import Money
from .population import Population, LEVELS

__all__ = ["Budget", "budget", "capitation", "year_of_care", "fair_shares", "top_slice", "pool_share",
           "pace_of_change", "pace_project", "stop_loss", "stop_loss_expected", "Envelope", "MONEY_KINDS"]

#: Accepted values of every ``money=`` argument.
MONEY_KINDS = ("decimal", "minor", "float")
_TEXT_FIELD = {"practice": _ll.NCM_TEXT_PRACTICE, "network": _ll.NCM_TEXT_NETWORK, "place": _ll.NCM_TEXT_PLACE,
               "system": _ll.NCM_TEXT_SYSTEM}
_SCALE = 10 ** Money.DECIMALS


def _invalid(msg):
    return InvalidError(msg, _ll.NCM_ERR_INVALID)


def _renamed(exc, name):
    """The same ncm.Error subclass with the field name in front of the message."""
    return type(exc)("%s: %s" % (name, exc.message), exc.status)


# ---------------------------------------------------------------------- money in and out
def _money(value, name):
    """Minor units (int) of one amount: int = whole pounds, Decimal/str exact, float half-even."""
    if isinstance(value, (bool, np.bool_)):
        raise _invalid("%s: %r is not an amount" % (name, value))
    try:
        if isinstance(value, (int, np.integer)):
            return Money.from_decimal(int(value))
        if isinstance(value, decimal.Decimal):
            return Money.from_decimal(value)
        if isinstance(value, str):
            return Money.parse(value.strip())
        if isinstance(value, (float, np.floating)):
            return Money.from_float(float(value))
    except Error as exc:
        raise _renamed(exc, name) from None
    raise _invalid("%s: %r (%s) is not an amount (give an int, float, Decimal or str)" %
                   (name, value, type(value).__name__))


def _money_array(values, name):
    """A contiguous int64 array of minor units from amounts (see the module docstring)."""
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    a = np.asarray(values)
    if a.ndim != 1:
        raise _invalid("%s: must be one-dimensional, got shape %s" % (name, a.shape))
    if a.dtype.kind == "f":
        return np.ascontiguousarray(Money.from_floats(a, name=name))
    if a.dtype.kind in "iu":
        big = np.abs(a.astype(np.float64)) > (2 ** 63 - 1) / _SCALE
        if big.any():
            i = int(np.argmax(big))
            raise _ll_error("NCM_ERR_OVERFLOW", "%s[%d]: %s does not fit 64-bit minor units" % (name, i, a[i]))
        return np.ascontiguousarray(a.astype(np.int64) * _SCALE)
    if a.dtype.kind == "b":
        raise _invalid("%s: booleans are not amounts" % name)
    return np.array([_money(v, "%s[%d]" % (name, i)) for i, v in enumerate(a.tolist())], dtype=np.int64)


def _ll_error(code, msg):
    from .errors import error_class
    status = getattr(_ll, code)
    return error_class(status)(msg, status)


def _out(units, kind):
    """Minor units (numpy int64 array) as the requested money kind."""
    units = np.asarray(units, dtype=np.int64)
    if kind == "minor":
        return units.copy()
    if kind == "float":
        return units / float(_SCALE)
    return np.array([decimal.Decimal(v).scaleb(-Money.DECIMALS) for v in units.tolist()], dtype=object)


def _out1(units, kind):
    if kind == "minor":
        return int(units)
    if kind == "float":
        return int(units) / float(_SCALE)
    return Money.to_decimal(units)


def _check_kind(money):
    if money not in MONEY_KINDS:
        raise _invalid("money: %r is not one of %s" % (money, ", ".join(MONEY_KINDS)))


def _floats(values, name):
    """A contiguous float64 array from numbers (Series, list, numpy)."""
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    try:
        a = np.ascontiguousarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise _invalid("%s: values must be numbers" % name) from None
    if a.ndim != 1:
        raise _invalid("%s: must be one-dimensional, got shape %s" % (name, a.shape))
    return a


def _codes(values):
    """(uint32 codes, list of str names) of a label column: text labels in order of first appearance,
    integer ids in ascending order; a pandas Categorical keeps its categories (in their order, unused
    ones included) and crosses without hashing."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        names = [str(c) for c in values.cat.categories]
        if (codes < 0).any():
            codes = np.where(codes < 0, len(names), codes)
            names.append("")
        return np.ascontiguousarray(codes, dtype=np.uint32), names
    arr = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    if arr.dtype.kind in "iu" and arr.size:
        # integer ids: units in ascending order of id (as a pandas groupby sorts them); dense ids are
        # mapped with one bincount and one gather instead of hashing
        lo, hi = int(arr.min()), int(arr.max())
        if hi - lo < 4 * arr.size + 1024:
            shifted = (arr - lo).astype(np.intp, copy=False)
            used = np.bincount(shifted, minlength=hi - lo + 1) > 0
            remap = (np.cumsum(used) - 1).astype(np.uint32)
            ids = np.flatnonzero(used) + lo
            return np.ascontiguousarray(remap[shifted]), [str(i) for i in ids.tolist()]
        codes, uniques = pd.factorize(pd.Series(arr), sort=True)
        return np.ascontiguousarray(codes, dtype=np.uint32), [str(u) for u in uniques]
    codes, uniques = pd.factorize(pd.Series(values), use_na_sentinel=True)
    names = [str(u) for u in uniques]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(names), codes)
        names.append("")
    return np.ascontiguousarray(codes, dtype=np.uint32), names


# ---------------------------------------------------------------------- people as columns
class _People:
    """Per-person columns ready for ncm_budget_build (kept alive by the budget that uses them)."""

    def __init__(self, n):
        self.n = n
        self.weight = None
        self.months = None
        self.level_names = []
        self.level_codes = []      # uint32 arrays
        self.unit_names = []       # list of str lists
        self.segment = None
        self.segment_names = None
        self.person_ids = None
        self.band = None
        self.nbands = 1
        self.band_names = None

    def level_ids(self):
        if not self.level_codes:
            return None
        if len(self.level_codes) == 1:
            return self.level_codes[0]
        return np.ascontiguousarray(np.concatenate(self.level_codes))

    def frame(self):
        """Per-person label columns as a DataFrame (categoricals, no copies of the names)."""
        cols = {}
        if self.person_ids is not None:
            cols["person_id"] = self.person_ids
        for name, codes, units in zip(self.level_names, self.level_codes, self.unit_names):
            cols[name] = pd.Categorical.from_codes(codes.astype(np.int64), categories=pd.Index(units, dtype=object))
        if self.segment is not None:
            cols["segment"] = pd.Categorical.from_codes(self.segment.astype(np.int64),
                                                        categories=pd.Index(self.segment_names, dtype=object))
        return pd.DataFrame(cols)


def _weights_for(weights, n, frame=None):
    if weights is None:
        return None
    if isinstance(weights, str):
        if frame is None or weights not in frame.columns:
            raise _invalid("weights: column %r not found" % weights)
        weights = frame[weights]
    w = _floats(weights, "weights")
    if w.shape[0] != n:
        raise _invalid("weights: %d values for %d people" % (w.shape[0], n))
    return w


def _people_from_frame(df, weights, levels, segment, months, person_id):
    if not isinstance(df, pd.DataFrame):
        raise TypeError("population must be an ncm.Population or a pandas DataFrame")
    p = _People(len(df))
    if levels is None:
        levels = [c for c in LEVELS if c in df.columns]
    elif isinstance(levels, str):
        levels = [levels]
    for lv in levels:
        if lv not in df.columns:
            raise _invalid("levels: column %r not found (columns are %s)" % (lv, ", ".join(map(str, df.columns))))
        codes, names = _codes(df[lv])
        p.level_names.append(str(lv))
        p.level_codes.append(codes)
        p.unit_names.append(names)
    if segment is not None and segment in df.columns:
        p.segment, p.segment_names = _codes(df[segment])
    if months is None:
        months = next((c for c in ("months_enrolled", "months") if c in df.columns), None)
    if months is not None:
        if isinstance(months, str):
            if months not in df.columns:
                raise _invalid("months: column %r not found" % months)
            months = df[months]
        p.months = _floats(months, "months")
        if p.months.shape[0] != p.n:
            raise _invalid("months: %d values for %d people" % (p.months.shape[0], p.n))
    if person_id is not None and person_id in df.columns:
        p.person_ids = df[person_id].astype(str).tolist()
    p.weight = _weights_for(weights, p.n, df)
    return p


def _people_from_population(pop, weights):
    n = len(pop)
    p = _People(n)
    for lv in LEVELS:
        if pop.has_column(lv):
            ids, names = pop.codes(lv)
            p.level_names.append(lv)
            p.level_codes.append(np.ascontiguousarray(ids, dtype=np.uint32))
            p.unit_names.append(list(names))
    if pop.has_column("segment"):
        ids, names = pop.codes("segment")
        p.segment, p.segment_names = np.ascontiguousarray(ids, dtype=np.uint32), list(names)
    p.months = np.ascontiguousarray(pop.months_enrolled, dtype=np.float64)
    p.weight = _weights_for(weights, n)
    return p


def _slices(carve_outs, top_slices):
    """(names, amounts int64, rates float64) of the top-slice lines: carve-outs first, in order."""
    names, amounts, rates = [], [], []
    index = {}
    for name, amount in (carve_outs or {}).items():
        index[str(name)] = len(names)
        names.append(str(name))
        amounts.append(_money(amount, "carve_outs[%r]" % name))
        rates.append(0.0)
    for name, rate in (top_slices or {}).items():
        k = index.get(str(name))
        if k is None:
            names.append(str(name))
            amounts.append(0)
            rates.append(float(rate))
        else:
            rates[k] = float(rate)
    if not names:
        return None, None, None
    return names, np.array(amounts, dtype=np.int64), np.array(rates, dtype=np.float64)


def _flags(base_rate, envelope, normalize, pmpm, borrow):
    if envelope is None and base_rate is None:
        raise _invalid("capitation: give base_rate= (per person-year, or per month with pmpm=True) or envelope=")
    if envelope is not None and base_rate is not None:
        raise _invalid("capitation: give base_rate= or envelope=, not both")
    flags = 0
    if normalize:
        flags |= _ll.NCM_CAPITATION_NORMALIZE
    if pmpm:
        flags |= _ll.NCM_CAPITATION_PMPM
    if envelope is not None:
        flags |= _ll.NCM_CAPITATION_ENVELOPE
    if borrow:
        flags |= _ll.NCM_CAPITATION_BORROW
    rate = 0 if base_rate is None else _money(base_rate, "base_rate")
    env = 0 if envelope is None else _money(envelope, "envelope")
    return flags, rate, env


def _build(p, mode=0, flags=0, rate=0, env=0, slices=(None, None, None), prices=None, original=None,
           original_row=None, paid_months=0.0, new_options=False):
    names, amounts, rates = slices
    counts = np.array([len(u) for u in p.unit_names], dtype=np.uint64) if p.level_codes else None
    flat_units = [u for units in p.unit_names for u in units] if p.level_codes else None
    h = _ll.ncm_budget_build(
        mode, p.n, p.weight, p.months, p.level_ids(), counts, p.level_names or None, flat_units, p.segment,
        len(p.segment_names) if p.segment is not None else 0, p.segment_names, p.person_ids, flags, rate, env,
        names, amounts, rates, prices, p.band, p.nbands, None if original is None else original._h, original_row,
        float(paid_months), 1 if new_options else 0)
    return h


# ---------------------------------------------------------------------- the budget
class Budget:
    """An immutable budget: an amount per person, rolled up per unit of every level and per segment,
    plus the top-slice lines (and, after :meth:`recalculate`, what was paid and the true-up).

    Tables: :meth:`units`, :meth:`segments`, :meth:`people`, :meth:`lines`; CSV: :meth:`to_csv`.
    Totals reconcile exactly: ``sum(units(level).amount) == distributed`` for every level, and
    ``distributed + sum(lines) == gross``.
    """

    def __init__(self, handle, people=None, keep=()):
        if not isinstance(handle, _ll.BudgetHandle):
            raise TypeError("Budget() takes a BudgetHandle; use ncm.budget() or ncm.year_of_care()")
        self._h = handle
        self._people = people
        # the budget may reference these arrays (NCM_CAPITATION_BORROW): the handle keeps them alive,
        # and so do the read-only views that hold the handle
        handle._ncm_keep = (people, keep)

    # ------------------------------------------------------------------ totals
    @property
    def gross(self):
        """Gross amount (Decimal): lines plus everything distributed to people."""
        return Money.to_decimal(_ll.ncm_budget_gross(self._h))

    @property
    def distributed(self):
        """Amount distributed to people (Decimal) = gross minus the top-slice lines."""
        return Money.to_decimal(_ll.ncm_budget_distributed(self._h))

    @property
    def paid_total(self):
        """Total already paid (Decimal; 0 unless the budget comes from :meth:`recalculate`)."""
        return Money.to_decimal(_ll.ncm_budget_paid_total(self._h))

    @property
    def has_trueup(self):
        return bool(_ll.ncm_budget_has_trueup(self._h))

    @property
    def weight_factor(self):
        """Factor applied to every weight (sum(months) / sum(weight x months) with normalisation, else 1)."""
        return float(_ll.ncm_budget_weight_factor(self._h))

    @property
    def levels(self):
        """Names of the grouping levels, smallest first."""
        return list(self._h.level_names())

    def __len__(self):
        return int(_ll.ncm_budget_people(self._h))

    # ------------------------------------------------------------------ per-person views
    @property
    def amount_minor(self):
        """Per-person amounts in pence: read-only int64 view of the library's array (no copy)."""
        return np.frombuffer(self._h.amount_array(), dtype=np.int64)

    # ------------------------------------------------------------------ tables
    def _level(self, level):
        if isinstance(level, (int, np.integer)):
            return int(level)
        return int(_ll.ncm_budget_level_find(self._h, str(level)))

    def _frame(self, amount, people, exposure, weighted, paid, index, money):
        df = pd.DataFrame({"people": people.astype(np.int64), "exposure": exposure, "weighted": weighted,
                           "amount": _out(amount, money)}, index=index)
        if self.has_trueup:
            df["paid"] = _out(paid, money)
            df["true_up"] = _out(amount - paid, money)
        return df

    def units(self, level="practice", *, money="decimal"):
        """The budget per unit of ``level`` (a level name or index): a DataFrame indexed by unit name
        with columns ``people``, ``exposure`` (person-years), ``weighted`` (weighted person-years),
        ``amount`` and, after a recalculation, ``paid`` and ``true_up`` (amount - paid)."""
        _check_kind(money)
        k = self._level(level)
        n = int(_ll.ncm_budget_unit_count(self._h, k))
        amount, paid = np.zeros(n, np.int64), np.zeros(n, np.int64)
        people, exposure, weighted = np.zeros(n, np.uint64), np.zeros(n), np.zeros(n)
        self._h.units_into(k, amount, people, exposure, weighted, paid)
        index = pd.Index(self._h.unit_names(k), name=_ll.ncm_budget_level_name(self._h, k), dtype=object)
        return self._frame(amount, people, exposure, weighted, paid, index, money)

    def segments(self, *, money="decimal"):
        """The budget per segment (same columns as :meth:`units`), indexed by segment name."""
        _check_kind(money)
        n = int(_ll.ncm_budget_segment_count(self._h))
        if n == 0:
            raise _invalid("segments: the budget has no segments")
        amount, paid = np.zeros(n, np.int64), np.zeros(n, np.int64)
        people, exposure, weighted = np.zeros(n, np.uint64), np.zeros(n), np.zeros(n)
        self._h.segments_into(amount, people, exposure, weighted, paid)
        index = pd.Index(self._h.segment_names(), name="segment", dtype=object)
        return self._frame(amount, people, exposure, weighted, paid, index, money)

    def lines(self, *, money="decimal"):
        """The top-slice / carve-out lines, then ``distributed`` and ``gross``: a DataFrame indexed by
        line name with one column ``amount``."""
        _check_kind(money)
        names = list(self._h.line_names())
        amounts = np.zeros(len(names), np.int64)
        self._h.line_amounts_into(amounts)
        amounts = np.concatenate([amounts, [_ll.ncm_budget_distributed(self._h), _ll.ncm_budget_gross(self._h)]])
        return pd.DataFrame({"amount": _out(amounts, money)},
                            index=pd.Index(names + ["distributed", "gross"], name="line", dtype=object))

    def people(self, *, money="decimal"):
        """One row per person: the labels given (person_id, one column per level, segment), ``weight``
        (as given), ``months``, ``amount`` and, after a recalculation, ``paid`` and ``true_up``."""
        _check_kind(money)
        n = len(self)
        df = self._people.frame() if self._people is not None else pd.DataFrame(index=range(n))
        w = self._h.weight_array()
        m = self._h.months_array()
        df["weight"] = np.ones(n) if w is None else np.frombuffer(w, dtype=np.float64).copy()
        df["months"] = np.full(n, 12.0) if m is None else np.frombuffer(m, dtype=np.float64).copy()
        amount = self.amount_minor
        df["amount"] = _out(amount, money)
        paid = self._h.paid_array()
        if paid is not None:
            paid = np.frombuffer(paid, dtype=np.int64)
            df["paid"] = _out(paid, money)
            df["true_up"] = _out(amount - paid, money)
        return df

    def to_csv(self, path, table="units", level="practice"):
        """Write a table (``"units"`` of ``level``, ``"segments"``, ``"people"`` or ``"lines"``) as CSV
        with exact two-place amounts (the C writer, ncm_budget_write_csv)."""
        tables = {"units": _ll.NCM_BUDGET_UNITS, "segments": _ll.NCM_BUDGET_SEGMENTS,
                  "people": _ll.NCM_BUDGET_PEOPLE, "lines": _ll.NCM_BUDGET_LINES}
        if table not in tables:
            raise _invalid("table: %r is not one of %s" % (table, ", ".join(tables)))
        k = self._level(level) if table == "units" else 0
        _ll.ncm_budget_write_csv(self._h, tables[table], k, os.fspath(path))

    # ------------------------------------------------------------------ mid-year change
    def recalculate(self, population, original_row, *, paid_months, weights=None, levels=None,
                    segment="segment", months=None, person_id="person_id", base_rate=None, envelope=None,
                    normalize=True, pmpm=False, carve_outs=None, top_slices=None):
        """Recalculate for the population after a mid-year change and show the true-up against what
        was already paid (``paid_months`` of this budget). This budget is never modified.

        ``population`` (a DataFrame, as for :func:`budget`) lists everyone after the change: stayers,
        leavers (with their reduced months) and joiners; ``original_row`` gives each one's row in
        this budget, or -1 for a joiner. Without ``base_rate``/``envelope`` the original options are
        reused. The result's :meth:`units`, :meth:`segments` and :meth:`people` have ``paid`` and
        ``true_up`` columns (negative = to recover).
        """
        if isinstance(population, Population):
            p = _people_from_population(population, weights)
        else:
            p = _people_from_frame(population, weights, levels, segment, months, person_id)
        rows = np.ascontiguousarray(np.asarray(original_row), dtype=np.int64)
        new = base_rate is not None or envelope is not None
        flags, rate, env = _flags(base_rate, envelope, normalize, pmpm, False) if new else (0, 0, 0)
        h = _build(p, mode=2, flags=flags, rate=rate, env=env, slices=_slices(carve_outs, top_slices),
                   original=self, original_row=rows, paid_months=paid_months, new_options=new)
        return Budget(h, p, keep=(self, rows))

    def __repr__(self):
        parts = ["%s people" % format(len(self), ","), "gross %s" % Money.format(_ll.ncm_budget_gross(self._h),
                                                                                grouping=True)]
        lv = ["%s %d" % (name, _ll.ncm_budget_unit_count(self._h, k)) for k, name in enumerate(self.levels)]
        if lv:
            parts.append("units: " + ", ".join(lv))
        ns = int(_ll.ncm_budget_segment_count(self._h))
        if ns:
            parts.append("%d segments" % ns)
        nl = int(_ll.ncm_budget_line_count(self._h))
        if nl:
            parts.append("%d lines, distributed %s" % (nl, Money.format(_ll.ncm_budget_distributed(self._h),
                                                                         grouping=True)))
        if self.has_trueup:
            parts.append("paid %s" % Money.format(_ll.ncm_budget_paid_total(self._h), grouping=True))
        return "<ncm.Budget: " + "; ".join(parts) + ">"


def budget(population, base_rate=None, *, weights=None, normalize=True, pmpm=False, envelope=None,
           carve_outs=None, top_slices=None, levels=None, segment="segment", months=None, person_id="person_id",
           borrow=True):
    """Risk-adjusted capitation as a :class:`Budget` (per person, per unit of every level, per segment).

    payment_i = base_rate x weight_i x months_i / 12 (``pmpm=True``: the rate is per member per
    month), with ``normalize=True`` rescaling the weights to an exposure-weighted mean of exactly 1;
    or, with ``envelope=``, the fixed envelope split in proportion to weight x months. The gross is
    rounded once and split over people by largest remainder, so every total is exact.

    Args:
        population: an :class:`ncm.Population` (levels practice/network/place/system, segment and
            months_enrolled from the table) or a DataFrame, one row a person, with level columns
            (``levels=``, default those of practice, network, place, system present), an optional
            ``segment`` column, months (``months=`` column name or array; default
            ``months_enrolled`` or ``months`` when present, else 12) and ``person_id``.
        base_rate: amount per person-year (or per month with ``pmpm=True``).
        weights: per-person weights (array-like, or a column name of the DataFrame); None = 1 each.
        envelope: a fixed amount to distribute instead of base_rate x weighted exposure.
        carve_outs: ``{line name: amount}`` removed before distribution (own lines).
        top_slices: ``{line name: fraction of the gross}``, e.g. ``{"reserve": 0.02}``.
        borrow: let the budget reference the numpy arrays instead of copying them (they are kept
            alive by the budget).
    Raises:
        ncm.RangeError: a negative/NaN weight, rate or months (naming the field and index), weights
            that sum to zero; ncm.MoneyOverflowError: an amount beyond 64 bits; ncm.InvalidError.
    """
    flags, rate, env = _flags(base_rate, envelope, normalize, pmpm, borrow)
    slices = _slices(carve_outs, top_slices)
    if isinstance(population, Population):
        w = _weights_for(weights, len(population))
        names, amounts, rates = slices
        h = _ll.ncm_budget_from_population(population._h, w, flags, rate, env, names, amounts, rates)
        p = _people_from_population(population, None)
        return Budget(h, p, keep=(population, w))
    p = _people_from_frame(population, weights, levels, segment, months, person_id)
    return Budget(_build(p, 0, flags, rate, env, slices), p)


def capitation(population, base_rate=None, *, weights=None, normalize=True, level="practice", pmpm=False,
               envelope=None, carve_outs=None, top_slices=None, levels=None, segment="segment", months=None,
               person_id="person_id", money="decimal"):
    """Risk-adjusted capitation rolled up to one level: a DataFrame indexed by unit with columns
    ``people``, ``exposure``, ``weighted`` and ``amount`` (exact Decimal by default).

    Same arguments as :func:`budget` (which returns the whole :class:`Budget`, with per-person and
    per-segment tables); ``level`` names the level to report.

    Example (two people at 1,000.00 a year, weights 1 and 3, not normalised)::

        df = pd.DataFrame({"practice": ["A", "B"], "risk": [1.0, 3.0]})
        ncm.capitation(df, base_rate=1000, weights="risk", normalize=False)
        #    people  exposure  weighted   amount
        # A       1       1.0       1.0  1000.00
        # B       1       1.0       3.0  3000.00
    """
    b = budget(population, base_rate, weights=weights, normalize=normalize, pmpm=pmpm, envelope=envelope,
               carve_outs=carve_outs, top_slices=top_slices, levels=levels, segment=segment, months=months,
               person_id=person_id)
    return b.units(level, money=money)


def year_of_care(population, prices, *, band=None, levels=None, segment="segment", months=None,
                 person_id="person_id"):
    """Year-of-care tariffs: each person is paid the annual price of their segment (or of their band
    within the segment) x months / 12, rounded half-even per person. Returns a :class:`Budget`
    (``.segments()`` and ``.units(level)`` are the reports).

    Args:
        population: a DataFrame or :class:`ncm.Population` with a segment column.
        prices: ``{segment: price}`` (a dict or Series), or with ``band`` a DataFrame indexed by
            segment with one column per band. Every segment present needs a price.
        band: per-person band labels (array-like or a column name), matching the price columns.
    """
    if isinstance(population, Population):
        p = _people_from_population(population, None)
    else:
        p = _people_from_frame(population, None, levels, segment, months, person_id)
    if p.segment is None:
        raise _invalid("year_of_care: the population has no %r column" % segment)
    if band is None:
        table = pd.Series(prices) if not isinstance(prices, pd.Series) else prices
        if isinstance(prices, pd.DataFrame):
            raise _invalid("prices: a DataFrame of prices needs band=")
        table = table.to_frame("price")
    else:
        if not isinstance(prices, pd.DataFrame):
            raise _invalid("prices: with band= give a DataFrame indexed by segment, one column per band")
        table = prices
        if isinstance(band, str) and isinstance(population, pd.DataFrame) and band in population.columns:
            band = population[band]
        labels = pd.Series(np.asarray(band)).astype(str)
        cols = [str(c) for c in table.columns]
        codes = pd.Index(cols).get_indexer(labels)
        if (codes < 0).any():
            i = int(np.argmax(codes < 0))
            raise _ll_error("NCM_ERR_NOT_FOUND", "band[%d]: %r is not a price column (%s)" %
                            (i, labels.iloc[i], ", ".join(cols)))
        if len(codes) != p.n:
            raise _invalid("band: %d values for %d people" % (len(codes), p.n))
        p.band = np.ascontiguousarray(codes, dtype=np.uint32)
        p.nbands = len(cols)
    index = [str(s) for s in table.index]
    rows = []
    for s in p.segment_names:
        if s not in index:
            raise _ll_error("NCM_ERR_NOT_FOUND", "prices: no price for segment %r" % s)
        k = index.index(s)
        rows.append([_money(v, "prices[%r]" % s) for v in table.iloc[k].tolist()])
    prices_minor = np.ascontiguousarray(np.array(rows, dtype=np.int64).reshape(-1))
    h = _build(p, mode=1, prices=prices_minor)
    return Budget(h, p, keep=(prices_minor,))


# ---------------------------------------------------------------------- fair shares and friends
def fair_shares(units, envelope, *, indices=None, unit="unit_id", people=None, person_unit=None,
                person_indices=None, money="decimal"):
    """Fair shares of a fixed envelope (weighted capitation): T_p = E x W_p / sum W, exactly E in total.

    Args:
        units: a DataFrame, one row a unit (practice, network, place ...). Its index, or its ``unit``
            column when present, names the units.
        envelope: the amount to split.
        indices: names of the numeric columns whose product is each unit's weighted population
            (e.g. ``["list_size", "age_sex", "need", "mff"]``); default: every numeric column.
        people: optionally, a per-person DataFrame; ``person_unit`` is its column of unit names and
            ``person_indices`` its per-person index columns (their product summed per unit multiplies
            the unit indices).
    Returns:
        A DataFrame indexed by unit with columns ``weighted`` (W_p) and ``share`` (exact Decimal by
        default) in the order of ``units``.
    Raises:
        ncm.RangeError: a negative or non-finite index (naming the column and row), all weights zero;
        ncm.NotFoundError: a person's unit missing from ``units``.
    """
    _check_kind(money)
    if not isinstance(units, pd.DataFrame):
        raise TypeError("units must be a pandas DataFrame")
    names = units[unit] if unit in units.columns else pd.Series(units.index, index=units.index)
    if indices is None:
        indices = [c for c in units.columns if c != unit and units[c].dtype.kind in "iuf"]
    elif isinstance(indices, str):
        indices = [indices]
    for c in indices:
        if c not in units.columns:
            raise _invalid("indices: column %r not found (columns are %s)" % (c, ", ".join(map(str, units.columns))))
    nunits = len(units)
    env = _money(envelope, "envelope")
    ui = np.ascontiguousarray(np.concatenate([_floats(units[c], c) for c in indices])) if indices else None
    pu = pi = None
    npi = 0
    if people is not None:
        if person_unit is None or person_unit not in people.columns:
            raise _invalid("person_unit: give the column of people naming each person's unit")
        lookup = pd.Index(names.astype(str))
        codes = lookup.get_indexer(people[person_unit].astype(str))
        if (codes < 0).any():
            i = int(np.argmax(codes < 0))
            raise _ll_error("NCM_ERR_NOT_FOUND", "%s[%d]: unit %r is not in units" %
                            (person_unit, i, str(people[person_unit].iloc[i])))
        pu = np.ascontiguousarray(codes, dtype=np.uint32)
        cols = [person_indices] if isinstance(person_indices, str) else list(person_indices or [])
        npi = len(cols)
        if npi:
            pi = np.ascontiguousarray(np.concatenate([_floats(people[c], c) for c in cols]))
    shares = np.zeros(nunits, np.int64)
    weighted = np.zeros(nunits, np.float64)
    _ll.ncm_fair_shares(nunits, ui, len(indices), pu, pi, npi, env, shares, weighted)
    return pd.DataFrame({"weighted": weighted, "share": _out(shares, money)},
                        index=pd.Index(names.tolist(), name=unit if unit in units.columns else units.index.name))


def top_slice(envelope, *, carve_outs=None, top_slices=None, money="decimal"):
    """Remove fixed amounts (``carve_outs={name: amount}``) and percentages of the envelope
    (``top_slices={name: fraction}``) before distribution. Returns a DataFrame indexed by line with
    one ``amount`` column, ending with the ``distributable`` rest."""
    _check_kind(money)
    names, amounts, rates = _slices(carve_outs, top_slices)
    names = names or []
    lines = np.zeros(len(names), np.int64)
    rest = _ll.ncm_top_slice(_money(envelope, "envelope"), amounts, rates, lines)
    return pd.DataFrame({"amount": _out(np.concatenate([lines, [rest]]), money)},
                        index=pd.Index(names + ["distributable"], name="line", dtype=object))


def pool_share(units, envelope, shares, *, unit="unit_id", money="decimal"):
    """Pool-share capitation (openIMIS style): the envelope is split into one pot per indicator by
    ``shares`` (``{column: fraction}``, summing to 1), then each pot over units in proportion to
    that indicator column of ``units``. Returns a DataFrame indexed by unit with one column per
    indicator (its part of that pot) and ``pay`` (their sum); ``.attrs["pots"]`` holds the pots."""
    _check_kind(money)
    if not isinstance(units, pd.DataFrame):
        raise TypeError("units must be a pandas DataFrame")
    cols = list(shares)
    for c in cols:
        if c not in units.columns:
            raise _invalid("shares: indicator column %r not found" % c)
    n = len(units)
    ind = np.ascontiguousarray(np.concatenate([_floats(units[c], c) for c in cols])) if cols else np.zeros(0)
    sh = np.array([float(shares[c]) for c in cols], dtype=np.float64)
    pay = np.zeros(n, np.int64)
    pots = np.zeros(len(cols), np.int64)
    _ll.ncm_pool_share(_money(envelope, "envelope"), n, ind, sh, pay, pots)
    names = units[unit] if unit in units.columns else pd.Series(units.index)
    out = pd.DataFrame({"pay": _out(pay, money)}, index=pd.Index(names.tolist(), name=unit))
    out.attrs["pots"] = {c: _out1(v, money) for c, v in zip(cols, pots.tolist())}
    return out


def _pace_args(floor, cap, ceiling):
    flags = 0 if ceiling is None else _ll.NCM_PACE_CEILING
    return flags, float(floor), float(cap), 0.0 if ceiling is None else float(ceiling)


def _aligned(prev, target):
    """(index, previous minor, target minor) from two Series/arrays aligned by index."""
    if isinstance(prev, pd.Series) and isinstance(target, pd.Series):
        missing = prev.index.difference(target.index)
        if len(missing):
            raise _ll_error("NCM_ERR_NOT_FOUND", "target: no target for unit %r" % (missing[0],))
        extra = target.index.difference(prev.index)
        if len(extra):
            raise _ll_error("NCM_ERR_NOT_FOUND", "previous: no previous allocation for unit %r" % (extra[0],))
        target = target.reindex(prev.index)
        index = prev.index
    else:
        index = prev.index if isinstance(prev, pd.Series) else pd.RangeIndex(len(prev))
    return index, _money_array(prev, "previous"), _money_array(target, "target")


def pace_of_change(prev, target, envelope, *, floor=0.0, cap=0.0, ceiling=None, money="decimal"):
    """One year of pace of change toward target.

    Everyone gets at least ``floor`` growth over last year (``prev``); units below target get extra
    growth in proportion to their distance, at most ``cap`` of last year; with ``ceiling`` units above
    target grow at most that much; the result sums exactly to ``envelope``.

    Args:
        prev: last year's allocations (a Series indexed by unit, or an array of amounts).
        target: this year's targets (amounts or any scale: read as shares), aligned with ``prev``
            by index when both are Series.
    Returns:
        A DataFrame indexed by unit: ``previous``, ``target`` (the target's share of the envelope,
        as the C library reads it, in money), ``allocation``, ``growth`` (allocation / previous - 1),
        ``distance_before`` and ``distance_after`` ((amount - target) / target).
    Raises:
        ncm.RangeError: a non-positive previous allocation, a floor costing more than the envelope,
        a ceiling that leaves money unallocated, bad options.
    """
    _check_kind(money)
    index, p, t = _aligned(prev, target)
    flags, fl, cp, ce = _pace_args(floor, cap, ceiling)
    env = _money(envelope, "envelope")
    n = p.shape[0]
    alloc = np.zeros(n, np.int64)
    before, after = np.zeros(n), np.zeros(n)
    _ll.ncm_pace_of_change(flags, fl, cp, ce, env, p, t, alloc, before, after)
    return pd.DataFrame({"previous": _out(p, money), "allocation": _out(alloc, money),
                         "growth": alloc / p.astype(np.float64) - 1.0,
                         "distance_before": before, "distance_after": after}, index=index)


def pace_project(prev, target, envelopes, *, floor=0.0, cap=0.0, ceiling=None, money="decimal"):
    """Multi-year path to target: :func:`pace_of_change` year after year with fixed target shares and
    one envelope per year (``envelopes``: a list of amounts, or an :class:`Envelope`). Returns a long
    DataFrame with columns ``year`` (1-based), ``unit``, ``allocation`` and ``distance``."""
    _check_kind(money)
    index, p, t = _aligned(prev, target)
    if isinstance(envelopes, Envelope):
        envs = envelopes._amounts()
    else:
        envs = np.array([_money(e, "envelopes[%d]" % k) for k, e in enumerate(envelopes)], dtype=np.int64)
    years, n = envs.shape[0], p.shape[0]
    flags, fl, cp, ce = _pace_args(floor, cap, ceiling)
    alloc = np.zeros(years * n, np.int64)
    dist = np.zeros(years * n)
    _ll.ncm_pace_project(flags, fl, cp, ce, p, t, envs, alloc, dist)
    return pd.DataFrame({"year": np.repeat(np.arange(1, years + 1), n), "unit": np.tile(np.asarray(index), years),
                         "allocation": _out(alloc, money), "distance": dist})


# ---------------------------------------------------------------------- stop-loss
def _limit(limit):
    return 0 if limit is None else _money(limit, "limit")


def stop_loss(costs, *, attachment, coinsurance=0.0, limit=None, aggregate_threshold=None,
              aggregate_coinsurance=0.0, expected_total=None, money="decimal"):
    """Apply individual (and optionally aggregate) stop-loss to per-person actual costs.

    Individual: for cost c the protection pays (1 - coinsurance) x (min(c, limit) - attachment)^+,
    rounded half-even; the provider keeps the rest. Aggregate (``aggregate_threshold``, e.g. 1.10 =
    110% of ``expected_total``): the provider's retained total R beyond T is paid
    (1 - aggregate_coinsurance) x (R - T)^+.

    Returns:
        A DataFrame, one row a person, with ``cost``, ``kept`` and ``paid``; ``.attrs`` holds the
        totals ``total_kept`` (after aggregate cover), ``individual_paid`` and ``aggregate_paid``
        (cost total = total_kept + individual_paid + aggregate_paid exactly).
    """
    _check_kind(money)
    index = costs.index if isinstance(costs, pd.Series) else None
    c = _money_array(costs, "costs")
    n = c.shape[0]
    kept, paid, totals = np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(3, np.int64)
    agg = 0.0 if aggregate_threshold is None else float(aggregate_threshold)
    if aggregate_threshold is not None and expected_total is None:
        raise _invalid("expected_total: required with aggregate_threshold")
    exp = 0 if expected_total is None else _money(expected_total, "expected_total")
    _ll.ncm_stop_loss(_money(attachment, "attachment"), float(coinsurance), _limit(limit), agg,
                      float(aggregate_coinsurance), exp, c, kept, paid, totals)
    out = pd.DataFrame({"cost": _out(c, money), "kept": _out(kept, money), "paid": _out(paid, money)}, index=index)
    out.attrs.update({"total_kept": _out1(totals[0], money), "individual_paid": _out1(totals[1], money),
                      "aggregate_paid": _out1(totals[2], money)})
    return out


def stop_loss_expected(*, mean, cv, attachment, coinsurance=0.0, limit=None, people=None):
    """Premium-equivalent expected individual stop-loss cost per person when costs are lognormal with
    mean ``mean`` and coefficient of variation ``cv`` (closed form). Returns a Decimal rounded
    half-even to the penny; with ``people=N`` the premium for N people (N x the exact expectation,
    rounded once)."""
    e = _ll.ncm_stop_loss_expected(_money(attachment, "attachment"), float(coinsurance), _limit(limit),
                                   float(_money(mean, "mean")), float(cv))
    total = e * (1 if people is None else int(people))
    return Money.to_decimal(Money.from_float(total / _SCALE))


# ---------------------------------------------------------------------- multi-year envelopes
class Envelope:
    """A multi-year envelope: a year-1 budget, growth per year (one rate or one per year),
    demographic growth, an efficiency requirement over the whole term (compounding) and an optional
    rebase. :meth:`schedule` gives the table per year (exact; each year's amount = last year's +
    growth + demographic - efficiency + rebase).

    Example: ``ncm.Envelope(100_000_000, years=5, growth=0.013, efficiency=0.10).schedule()``.
    """

    def __init__(self, year1, *, years, growth=0.0, demographic=0.0, efficiency=0.0, rebase=None):
        self.year1 = _money(year1, "year1")
        self.years = int(years)
        if np.ndim(growth) == 0:
            self.growth, self.growth_by_year = float(growth), None
        else:
            self.growth, self.growth_by_year = 0.0, _floats(growth, "growth")
        self.demographic = float(demographic)
        self.efficiency = float(efficiency)
        if rebase is None:
            self.rebase_year, self.rebase_amount = 0, 0
        else:
            year, amount = rebase
            self.rebase_year, self.rebase_amount = int(year), _money(amount, "rebase")
        self._amounts()  # validate now: bad rates raise here, naming them

    def _columns(self):
        n = max(self.years, 0)
        cols = [np.zeros(n, np.int64) for _ in range(5)]
        _ll.ncm_envelope_schedule(self.year1, self.years, self.growth, self.growth_by_year, self.demographic,
                                  self.efficiency, self.rebase_year, self.rebase_amount, *cols)
        return cols

    def _amounts(self):
        return self._columns()[0]

    def schedule(self, *, money="decimal"):
        """One row per year (index ``year``, 1-based): ``amount``, ``growth``, ``demographic``,
        ``efficiency`` (removed, >= 0) and ``rebase``."""
        _check_kind(money)
        amount, growth, demo, eff, rebase = self._columns()
        return pd.DataFrame({"amount": _out(amount, money), "growth": _out(growth, money),
                             "demographic": _out(demo, money), "efficiency": _out(eff, money),
                             "rebase": _out(rebase, money)},
                            index=pd.RangeIndex(1, self.years + 1, name="year"))

    def __repr__(self):
        return "<ncm.Envelope: %d years from %s>" % (self.years, Money.format(self.year1, grouping=True))
