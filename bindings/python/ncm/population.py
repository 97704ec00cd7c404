"""The population table from Python: pandas in, pandas out, zero-copy numpy views.

:class:`Population` wraps an ``ncm_population`` (population.h). Build one with
:meth:`Population.from_pandas` (no per-row Python loop: text columns go through
``pandas.factorize`` as index + levels), :meth:`Population.from_csv`, or the low-level factories;
get DataFrames back with :meth:`Population.to_pandas` and :meth:`Population.rollup`. Numeric columns
are also available as read-only numpy views of the library's own arrays (:attr:`Population.age`
and friends); a view keeps the table alive after the :class:`Population` is gone.
"""

import decimal
import os

import numpy as np
import pandas as pd

from . import lowlevel as _ll
from .errors import DuplicateError, InvalidError, NotFoundError, RangeError
from .money import Money

__all__ = ["Population", "LEVELS", "CANONICAL_COLUMNS"]

#: Geography levels, smallest first (the CSV column names).
LEVELS = ("practice", "network", "place", "system")
#: Canonical people.csv columns, in the order the library writes them.
CANONICAL_COLUMNS = ("person_id", "age", "sex", "practice", "network", "place", "system",
                     "deprivation_decile", "months_enrolled", "annual_cost", "segment", "orec", "medicaid")

_TEXT_FIELD = {"practice": _ll.NCM_TEXT_PRACTICE, "network": _ll.NCM_TEXT_NETWORK, "place": _ll.NCM_TEXT_PLACE,
               "system": _ll.NCM_TEXT_SYSTEM, "segment": _ll.NCM_TEXT_SEGMENT}
_SEX_CODES = {"U": 0, "F": 1, "M": 2, "u": 0, "f": 1, "m": 2}
_SEX_LETTERS = np.array(["U", "F", "M"], dtype=object)
_MONEY_KINDS = ("float", "minor", "decimal")


def _invalid(msg):
    return InvalidError(msg, _ll.NCM_ERR_INVALID)


def _range(msg):
    return RangeError(msg, _ll.NCM_ERR_RANGE)


def _whole_numbers(series, name, dtype, lo, hi, missing=None):
    """A contiguous array of `dtype` from a numeric column; values outside [lo, hi] that the C check
    could not see after the cast (or fractions, NaN) raise here, naming the column and row."""
    a = series.to_numpy()
    if a.dtype == object or a.dtype.kind in "USO":
        a = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
        bad = np.isnan(a) & series.notna().to_numpy()
        if bad.any():
            i = int(np.argmax(bad))
            raise _range('%s[%d]: "%s" is not a number' % (name, i, series.iloc[i]))
    if a.dtype.kind == "b":
        a = a.astype(np.int64)
    if a.dtype.kind == "f":
        nan = np.isnan(a)
        if nan.any():
            if missing is None:
                i = int(np.argmax(nan))
                raise _range("%s[%d]: missing value" % (name, i))
            a = np.where(nan, missing, a)
        frac = a != np.floor(a)
        if frac.any():
            i = int(np.argmax(frac))
            raise _range("%s[%d]: %r is not a whole number" % (name, i, float(a[i])))
    elif a.dtype.kind not in "iu":
        raise _invalid("%s: column of dtype %s is not numeric" % (name, a.dtype))
    out = (a < lo) | (a > hi)
    if out.any():
        i = int(np.argmax(out))
        v = a[i]
        raise _range("%s[%d]: %s is outside %d-%d" % (name, i, int(v) if float(v).is_integer() else v, lo, hi))
    return np.ascontiguousarray(a, dtype=dtype)


def _floats(series, name):
    """A contiguous float64 array of a numeric column; text that is not a number raises naming the row.
    NaN passes through (the C library rejects it where it is not allowed, naming the row)."""
    if series.dtype.kind in "iufb":
        return np.ascontiguousarray(series.to_numpy(dtype=np.float64))
    a = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
    bad = np.isnan(a) & series.notna().to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise _range('%s[%d]: "%s" is not a number' % (name, i, series.iloc[i]))
    return np.ascontiguousarray(a)


def _text(series):
    """(uint32 index, list of str levels) of a text column via pandas.factorize; missing -> ""."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    levels = [str(u) for u in uniques]  # one item per distinct value, not per row
    if (codes < 0).any():
        codes = np.where(codes < 0, len(levels), codes)
        levels.append("")
    return np.ascontiguousarray(codes, dtype=np.uint32), levels


def _as_str(series):
    """The column as str objects (no conversion pass when it already holds only str)."""
    if series.dtype == object and pd.api.types.infer_dtype(series, skipna=False) == "string":
        return series
    return series.astype(str)


def _view(buf, dtype):
    return None if buf is None else np.frombuffer(buf, dtype=dtype)


class Population:
    """A population table: one row per person, columnar, immutable.

    Build it with :meth:`from_pandas`, :meth:`from_csv` or :meth:`from_csv_text`; ``len(pop)`` is
    the number of people. The numeric columns are read-only numpy views of the library's arrays
    (no copy); ``to_pandas()`` copies into DataFrames.

    Example::

        people = pd.DataFrame({"person_id": ["a", "b"], "age": [34, 71], "sex": ["F", "M"],
                               "practice": ["P1", "P1"], "network": ["N1", "N1"]})
        pop = ncm.Population.from_pandas(people)
        pop.rollup("practice")        # people, exposure, cost, mean_age per practice
    """

    def __init__(self, handle):
        """Wrap a low-level ``ncm.lowlevel.PopulationHandle`` (use the ``from_*`` constructors)."""
        if not isinstance(handle, _ll.PopulationHandle):
            raise TypeError("Population() takes a PopulationHandle; use Population.from_pandas or from_csv")
        self._h = handle

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_csv(cls, people_path, diagnoses_path=None, *, money_grouping=False):
        """Read people.csv (and diagnoses.csv) in the canonical format (see population.h).

        Raises :class:`ncm.FileError`, :class:`ncm.ParseError`, :class:`ncm.RangeError`, ... with a
        message ``file:line:column (column): reason``.
        """
        flags = _ll.NCM_CSV_MONEY_GROUPING if money_grouping else 0
        dx = None if diagnoses_path is None else os.fspath(diagnoses_path)
        return cls(_ll.ncm_population_read_csv(os.fspath(people_path), dx, flags))

    @classmethod
    def from_csv_text(cls, people, diagnoses=None, *, people_name="people.csv", diagnoses_name="diagnoses.csv",
                      money_grouping=False):
        """Read people.csv (and diagnoses.csv) from CSV text (str or bytes) held in memory."""
        def raw(t):
            return t.encode("utf-8") if isinstance(t, str) else bytes(t)
        flags = _ll.NCM_CSV_MONEY_GROUPING if money_grouping else 0
        return cls(_ll.ncm_population_read_csv_buffer(raw(people), people_name,
                                                      None if diagnoses is None else raw(diagnoses),
                                                      diagnoses_name, flags))

    @classmethod
    def from_pandas(cls, people, diagnoses=None, *, cost_unit="major"):
        """Build a table from a people DataFrame (one row a person) and an optional diagnoses
        DataFrame (columns ``person_id``, ``code``; many rows a person).

        people columns: ``person_id``, ``age``, ``sex`` are required; the canonical optional columns
        are ``practice, network, place, system, deprivation_decile, months_enrolled, annual_cost,
        segment, orec, medicaid``; every other column becomes a named attribute (numeric for
        numeric/bool dtypes, text otherwise). ``sex`` is ``F``/``M``/``U`` (any case) or 1/2/0.
        Missing geography or segment values become ``""``; missing deprivation deciles become 0
        (unknown).

        ``annual_cost`` with ``cost_unit="major"`` (default) is in pounds: floats are rounded to
        pence half-even on their decimal value (:meth:`Money.from_floats`), integers are whole
        pounds, and Decimal/str objects are converted exactly (one Python call per value: use
        floats or ``cost_unit="minor"`` for big tables). ``cost_unit="minor"`` takes int64 pence.

        No Python loop runs per person: numeric columns cross as numpy buffers and text columns as
        ``pandas.factorize`` index + levels. The library copies everything during the call.

        Raises :class:`ncm.Error` subclasses naming the field and row, e.g. ``age[2]: 131 is
        outside 0-130`` (RangeError) or ``person_id[1]: "p1" appears twice`` (DuplicateError).
        """
        if not isinstance(people, pd.DataFrame):
            raise TypeError("people must be a pandas DataFrame")
        for req in ("person_id", "age", "sex"):
            if req not in people.columns:
                raise _invalid("%s: required column missing (columns are %s)" % (req, ", ".join(map(str, people.columns))))
        if cost_unit not in ("major", "minor"):
            raise _invalid('cost_unit: %r is not "major" or "minor"' % (cost_unit,))
        n = len(people)
        pid = people["person_id"]
        if pid.isna().any():
            raise _invalid("person_id[%d]: missing value" % int(np.argmax(pid.isna().to_numpy())))
        person_ids = _as_str(pid).tolist()
        age = _whole_numbers(people["age"], "age", np.int32, -2 ** 31, 2 ** 31 - 1)  # 0-130 is checked by the C library
        sex = people["sex"]
        if sex.dtype.kind in "iufb":
            sex_codes = _whole_numbers(sex, "sex", np.uint8, 0, 255)
        else:
            codes, uniques = pd.factorize(sex, use_na_sentinel=True)
            table = np.empty(len(uniques) + 1, dtype=np.uint8)
            table[-1] = 0  # missing -> unknown
            for k, u in enumerate(uniques):
                if str(u) not in _SEX_CODES:
                    i = int(np.argmax(codes == k))
                    raise _range('sex[%d]: "%s" is not F, M or U' % (i, u))
                table[k] = _SEX_CODES[str(u)]
            sex_codes = np.ascontiguousarray(table[codes])

        text = {}
        for name in ("practice", "network", "place", "system", "segment"):
            text[name] = _text(people[name]) if name in people.columns else (None, None)
        dep = (_whole_numbers(people["deprivation_decile"], "deprivation_decile", np.uint8, 0, 255, missing=0)
               if "deprivation_decile" in people.columns else None)
        months = _floats(people["months_enrolled"], "months_enrolled") if "months_enrolled" in people.columns else None
        cost = None
        if "annual_cost" in people.columns:
            col = people["annual_cost"]
            if cost_unit == "minor":
                cost = _whole_numbers(col, "annual_cost", np.int64, -(2 ** 63 - 1), 2 ** 63 - 1)
            elif col.dtype.kind == "f":
                cost = Money.from_floats(col.to_numpy(), name="annual_cost")
            elif col.dtype.kind in "iu":
                whole = _whole_numbers(col, "annual_cost", np.int64, -(2 ** 63 - 1) // 100, (2 ** 63 - 1) // 100)
                cost = np.ascontiguousarray(whole * 100, dtype=np.int64)
            else:
                cost = np.fromiter((Money.from_decimal(v) for v in col), dtype=np.int64, count=n)
        orec = (_whole_numbers(people["orec"], "orec", np.uint8, 0, 255) if "orec" in people.columns else None)
        medicaid = (_whole_numbers(people["medicaid"], "medicaid", np.uint8, 0, 255)
                    if "medicaid" in people.columns else None)

        # Extra columns become attributes, in DataFrame order.
        names, kinds, numeric, txt, levels, nlevels = [], [], [], [], [], []
        for name in people.columns:
            if name in CANONICAL_COLUMNS:
                continue
            col = people[name]
            names.append(str(name))
            if col.dtype.kind in "iufb":
                kinds.append(0)
                numeric.append(_floats(col, str(name)))
            else:
                idx, lv = _text(col)
                kinds.append(1)
                txt.append(idx)
                levels.extend(lv)
                nlevels.append(len(lv))
        attr = (None,) * 6
        if names:
            attr = (names, np.asarray(kinds, dtype=np.uint8),
                    np.ascontiguousarray(np.concatenate(numeric), dtype=np.float64) if numeric else None,
                    np.ascontiguousarray(np.concatenate(txt), dtype=np.uint32) if txt else None,
                    levels, np.asarray(nlevels, dtype=np.uint64) if nlevels else None)

        dx_offsets = dx_codes = dx_levels = None
        if diagnoses is not None:
            for req in ("person_id", "code"):
                if req not in diagnoses.columns:
                    raise _invalid("diagnoses: required column %s missing" % req)
            code = diagnoses["code"]
            if code.isna().any():
                raise _invalid("diagnoses code[%d]: missing value" % int(np.argmax(code.isna().to_numpy())))
            # Row of each diagnosis's person: factorize (one hash pass in C), then look up only the
            # distinct ids among the people.
            dx_codes_of_id, dx_ids = pd.factorize(_as_str(diagnoses["person_id"]))
            pos = pd.Index(person_ids).get_indexer(dx_ids)[dx_codes_of_id] if len(dx_ids) else \
                np.zeros(len(diagnoses), dtype=np.int64)
            if (pos < 0).any():
                i = int(np.argmax(pos < 0))
                raise NotFoundError('diagnoses person_id[%d]: "%s" is not in people' % (i, diagnoses["person_id"].iloc[i]),
                                    _ll.NCM_ERR_NOT_FOUND)
            # Group by person, keeping each person's codes in input order (no sort when already grouped).
            order = np.argsort(pos, kind="stable") if (np.diff(pos) < 0).any() else np.arange(len(pos))
            counts = np.bincount(pos, minlength=n) if n else np.zeros(0, dtype=np.int64)
            dx_offsets = np.zeros(n + 1, dtype=np.uint64)
            np.cumsum(counts, out=dx_offsets[1:])
            idx, dx_levels = _text(code)
            dx_codes = np.ascontiguousarray(idx[order])

        h = _ll.ncm_population_from_columns(
            person_ids, age, sex_codes,
            *text["practice"], *text["network"], *text["place"], *text["system"], *text["segment"],
            dep, months, cost, orec, medicaid, dx_offsets, dx_codes, dx_levels, *attr)
        return cls(h)

    # ------------------------------------------------------------------ size and columns
    def __len__(self):
        return int(self._h.length())

    def has_column(self, name):
        """Whether column ``name`` (canonical or attribute) was present in the input."""
        return bool(_ll.ncm_population_has_column(self._h, name))

    @property
    def columns(self):
        """Names of the columns present, canonical ones first in canonical order, then attributes."""
        return [c for c in CANONICAL_COLUMNS if self.has_column(c)] + list(self._h.attr_names())

    # ------------------------------------------------------------------ zero-copy views
    @property
    def age(self):
        """Ages in years: read-only int32 view of the library's array (no copy)."""
        return _view(self._h.age_array(), np.int32)

    @property
    def sex(self):
        """Sex codes 0 (unknown), 1 (F), 2 (M): read-only uint8 view."""
        return _view(self._h.sex_array(), np.uint8)

    @property
    def deprivation_decile(self):
        """Deprivation deciles 1-10 (0 unknown): read-only uint8 view."""
        return _view(self._h.deprivation_array(), np.uint8)

    @property
    def months_enrolled(self):
        """Months enrolled 0-12: read-only float64 view. Exposure in years is months / 12."""
        return _view(self._h.months_array(), np.float64)

    @property
    def annual_cost(self):
        """Annual cost in minor units (pence): read-only int64 view, or None without a cost column."""
        return _view(self._h.cost_array(), np.int64)

    @property
    def orec(self):
        """Original reason for entitlement 0-3: read-only uint8 view."""
        return _view(self._h.orec_array(), np.uint8)

    @property
    def medicaid(self):
        """Medicaid flags 0/1: read-only uint8 view."""
        return _view(self._h.medicaid_array(), np.uint8)

    @property
    def dx_offsets(self):
        """CSR offsets of diagnoses (len(pop) + 1 entries): read-only uint64 view."""
        return _view(self._h.dx_offsets_array(), np.uint64)

    def codes(self, field):
        """Dictionary ids of a text field (``"practice"``, ..., ``"segment"``, ``"diagnosis"``) as a
        read-only uint32 view, and the list of distinct values they index: ``(ids, values)``."""
        f = _ll.NCM_TEXT_DIAGNOSIS if field == "diagnosis" else _TEXT_FIELD.get(field)
        if f is None:
            raise _invalid("field: %r is not one of %s, segment, diagnosis" % (field, ", ".join(LEVELS)))
        return _view(self._h.text_id_array(f), np.uint32), self._h.text_values(f)

    # ------------------------------------------------------------------ pandas out
    def to_pandas(self, *, money="float"):
        """The table as ``(people, diagnoses)`` DataFrames (copies).

        people has the columns that were present (canonical order, then attributes); diagnoses has
        ``person_id`` and ``code``, one row a diagnosis, grouped by person in table order.
        ``money`` chooses how ``annual_cost`` comes out: ``"float"`` (pounds, default), ``"minor"``
        (exact int64 pence) or ``"decimal"`` (exact ``decimal.Decimal`` pounds, one object per row).
        """
        if money not in _MONEY_KINDS:
            raise _invalid("money: %r is not one of %s" % (money, ", ".join(_MONEY_KINDS)))
        h = self._h
        n = len(self)
        ids = np.array(h.text_values(_ll.NCM_TEXT_PERSON), dtype=object) if n else np.zeros(0, dtype=object)
        data = {"person_id": ids,
                "age": self.age.astype(np.int64),
                "sex": _SEX_LETTERS[self.sex]}
        for name in ("practice", "network", "place", "system"):
            if self.has_column(name):
                data[name] = self._text_column(_TEXT_FIELD[name])
        if self.has_column("deprivation_decile"):
            data["deprivation_decile"] = self.deprivation_decile.astype(np.int64)
        if self.has_column("months_enrolled"):
            data["months_enrolled"] = self.months_enrolled.copy()
        cost = self.annual_cost
        if cost is not None:
            data["annual_cost"] = _money_out(cost, money)
        if self.has_column("segment"):
            data["segment"] = self._text_column(_ll.NCM_TEXT_SEGMENT)
        if self.has_column("orec"):
            data["orec"] = self.orec.astype(np.int64)
        if self.has_column("medicaid"):
            data["medicaid"] = self.medicaid.astype(np.int64)
        for k, name in enumerate(h.attr_names()):
            num = h.attr_numeric_array(k)
            if num is not None:
                data[name] = np.frombuffer(num, dtype=np.float64).copy()
            else:
                lv = np.array(h.attr_text_values(k), dtype=object)
                data[name] = lv[np.frombuffer(h.attr_text_id_array(k), dtype=np.uint32)]
        people = pd.DataFrame(data)
        off = self.dx_offsets.astype(np.int64)
        dx_ids, dx_levels = self.codes("diagnosis")
        who = np.repeat(np.arange(n), np.diff(off)) if n else np.zeros(0, dtype=np.int64)
        diagnoses = pd.DataFrame({"person_id": ids[who],
                                  "code": np.array(dx_levels, dtype=object)[dx_ids] if len(dx_ids) else
                                  np.zeros(0, dtype=object)})
        return people, diagnoses

    def _text_column(self, field):
        lv = np.array(self._h.text_values(field), dtype=object)
        return lv[np.frombuffer(self._h.text_id_array(field), dtype=np.uint32)]

    def to_csv(self, people_path, diagnoses_path=None):
        """Write people.csv (and diagnoses.csv) in the canonical format; reading it back gives the same table."""
        self._h.save_csv(os.fspath(people_path), None if diagnoses_path is None else os.fspath(diagnoses_path))

    # ------------------------------------------------------------------ roll-up
    def rollup(self, level, *, money="float"):
        """People, exposure (person-years), cost and mean age per unit of a geography level.

        ``level`` is ``"practice"``, ``"network"``, ``"place"`` or ``"system"``. Returns a DataFrame
        indexed by unit code (in order of first appearance) with columns ``people`` (int64),
        ``exposure`` (float64, sum of months / 12), ``cost`` (see ``money`` in :meth:`to_pandas`) and
        ``mean_age`` (float64).
        """
        if money not in _MONEY_KINDS:
            raise _invalid("money: %r is not one of %s" % (money, ", ".join(_MONEY_KINDS)))
        lvl = _ll.ncm_level_parse(level) if isinstance(level, str) else int(level)
        k = _ll.ncm_population_text_count(self._h, lvl)
        people = np.zeros(k, dtype=np.uint64)
        exposure = np.zeros(k, dtype=np.float64)
        cost = np.zeros(k, dtype=np.int64)
        mean_age = np.zeros(k, dtype=np.float64)
        self._h.rollup_into(lvl, people, exposure, cost, mean_age)
        index = pd.Index(self._h.text_values(lvl), name=_ll.ncm_level_name(lvl), dtype=object)
        return pd.DataFrame({"people": people.astype(np.int64), "exposure": exposure,
                             "cost": _money_out(cost, money), "mean_age": mean_age}, index=index)

    # ------------------------------------------------------------------ display
    def __repr__(self):
        n = len(self)
        parts = ["%s people" % format(n, ",")]
        units = ["%d %s" % (_ll.ncm_population_text_count(self._h, _TEXT_FIELD[l]),
                            l + ("" if _ll.ncm_population_text_count(self._h, _TEXT_FIELD[l]) == 1 else "s"))
                 for l in LEVELS if self.has_column(l)]
        if units:
            parts.append(", ".join(units))
        if n:
            parts.append("mean age %.1f" % float(self.age.mean()))
            parts.append("exposure %s person-years" % format(float(self.months_enrolled.sum()) / 12.0, ",.1f"))
        cost = self.annual_cost
        if cost is not None:
            total = int(cost.sum()) if n == 0 or int(np.abs(cost).max()) < (2 ** 63 - 1) // max(n, 1) \
                else sum(int(v) for v in cost)
            parts.append("cost %s" % Money.format(total, grouping=True))
        ndx = int(self.dx_offsets[-1])
        if ndx:
            parts.append("%s diagnoses (%d codes)" % (format(ndx, ","), _ll.ncm_population_text_count(
                self._h, _ll.NCM_TEXT_DIAGNOSIS)))
        extra = self._h.attr_names()
        if extra:
            parts.append("attributes: " + ", ".join(extra))
        return "<ncm.Population: " + "; ".join(parts) + ">"


def _money_out(units, kind):
    if kind == "minor":
        return np.array(units, dtype=np.int64)
    if kind == "decimal":
        return np.array([decimal.Decimal(int(v)).scaleb(-Money.DECIMALS) for v in units], dtype=object)
    return units / float(10 ** Money.DECIMALS)
