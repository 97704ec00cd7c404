"""Population segmentation from Python: rule sets, segments as pandas categoricals, summaries.

:class:`Segmentation` wraps an ``ncm_segmentation`` (segment.h): an ordered list of rules, the
first matching rule wins, people no rule matches go to the default segment. Built-ins:
:meth:`Segmentation.bridges_to_health`, :meth:`Segmentation.risk_tiers`,
:meth:`Segmentation.age_ltc`; or your own rules with :meth:`Segmentation.from_json` (a path, JSON
text or a dict). :meth:`Segmentation.assign` returns a categorical Series of segment names indexed
by person_id; :meth:`Segmentation.summary` a DataFrame per segment (and per unit of a geography
level); :func:`crosstab` counts people (or exposure, cost) in each pair of segments of two
segmentations. Assignment, summaries and cross-tabulations run in C over numpy buffers.

:class:`ConditionGroups` is the table of condition groups (ICD-10 prefixes) the rules use.
"""

import json
import os

import numpy as np
import pandas as pd

from . import lowlevel as _ll
from .errors import InvalidError
from .money import Money
from .risk import as_population, _floats

__all__ = ["Segmentation", "ConditionGroups", "crosstab"]


def _invalid(msg):
    return InvalidError(msg, _ll.NCM_ERR_INVALID)


def _person_index(pop):
    return pd.Index(np.array(pop._h.text_values(_ll.NCM_TEXT_PERSON), dtype=object), name="person_id")


def _scores(scores, n):
    if scores is None:
        return None
    s = _floats(scores, "scores")
    if len(s) != n:
        raise _invalid("scores: %d values for %d people" % (len(s), n))
    return s


class ConditionGroups:
    """A table of condition groups: ICD-10 code prefixes -> named groups, each a long-term
    condition (LTC) or not. :meth:`builtin` gives ncm's table (see the segmentation guide)."""

    def __init__(self, handle):
        if not isinstance(handle, _ll.ConditionGroupsHandle):
            raise TypeError("ConditionGroups() takes a ConditionGroupsHandle; use ConditionGroups.builtin or read_csv")
        self._h = handle

    @classmethod
    def builtin(cls):
        """ncm's built-in table (QOF registers, Quan 2005, Hospital Frailty Risk Score codes...)."""
        return cls(_ll.ncm_condition_groups_builtin())

    @classmethod
    def read_csv(cls, path):
        """A table from CSV with columns ``group, prefix[, ltc]`` (``!C44`` excludes a prefix)."""
        return cls(_ll.ncm_condition_groups_read_csv(os.fspath(path)))

    def save(self, path):
        """Write the table as CSV (``group,prefix,ltc``)."""
        _ll.ncm_condition_groups_write_csv(self._h, os.fspath(path))

    @property
    def names(self):
        """Group names in bit order."""
        return list(self._h.names())

    @property
    def ltc(self):
        """Names of the groups that count as long-term conditions."""
        return [g for k, g in enumerate(self._h.names()) if _ll.ncm_condition_groups_is_ltc(self._h, k)]

    def match(self, code):
        """Names of the groups a diagnosis code (any spelling, e.g. ``"e11.9"``) falls in."""
        mask = self._h.code_mask(code)
        return [g for k, g in enumerate(self._h.names()) if mask >> k & 1]

    def assign(self, population, diagnoses=None):
        """Per person: ``mask`` (uint64, bit k = group k) and ``ltc_count``, indexed by person_id."""
        pop = as_population(population, diagnoses)
        n = len(pop)
        mask = np.zeros(n, dtype=np.uint64)
        ltc = np.zeros(n, dtype=np.uint8)
        self._h.assign_into(pop._h, mask, ltc)
        return pd.DataFrame({"mask": mask, "ltc_count": ltc.astype(np.int64)}, index=_person_index(pop))

    def flags(self, population, diagnoses=None):
        """A boolean DataFrame, one column per group, indexed by person_id (numpy bit tests, no row loop)."""
        m = self.assign(population, diagnoses)
        bits = m["mask"].to_numpy()
        return pd.DataFrame({g: (bits >> np.uint64(k)) & np.uint64(1) == 1 for k, g in enumerate(self._h.names())},
                            index=m.index)

    def __len__(self):
        return int(_ll.ncm_condition_groups_count(self._h))

    def __repr__(self):
        return "<ncm.ConditionGroups: %d groups, %d long-term conditions>" % (len(self), len(self.ltc))


def _groups_handle(groups):
    if groups is None:
        return None
    if isinstance(groups, ConditionGroups):
        return groups._h
    if isinstance(groups, (str, os.PathLike)):
        return ConditionGroups.read_csv(groups)._h
    raise TypeError("groups must be an ncm.ConditionGroups, a CSV path or None")


class Segmentation:
    """An ordered rule set: the first rule whose condition holds gives a person's segment.

    Example::

        b2h = ncm.Segmentation.bridges_to_health()
        seg = b2h.assign(pop)                       # categorical Series by person_id
        b2h.summary(pop, scores=risk, level="practice")
        ncm.crosstab(seg, ncm.Segmentation.risk_tiers().assign(pop, scores=risk))
    """

    def __init__(self, handle, groups=None):
        if not isinstance(handle, _ll.SegmentationHandle):
            raise TypeError("Segmentation() takes a SegmentationHandle; use Segmentation.bridges_to_health, ...")
        self._h = handle
        self._groups = groups  # keeps a custom table alive for reference (the rule set holds its own copy)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def bridges_to_health(cls, groups=None):
        """Lynn et al. (2007)'s eight Bridges to Health segments from condition groups."""
        return cls(_ll.ncm_segmentation_bridges_to_health(_groups_handle(groups)), groups)

    @classmethod
    def risk_tiers(cls, top_percent=(0.5, 5.0, 20.0)):
        """The risk-tier pyramid by score percentile: ``tier_1`` the top ``top_percent[0]``% of people,
        ``tier_2`` up to the top ``top_percent[1]``%, ..., the last tier everyone else (needs scores)."""
        tp = None if top_percent is None else np.ascontiguousarray(top_percent, dtype=np.float64)
        if tp is not None and tp.ndim != 1:
            raise _invalid("top_percent: a sequence of numbers")
        return cls(_ll.ncm_segmentation_risk_tiers(tp))

    @classmethod
    def age_ltc(cls, band_starts=(0, 18, 65, 75, 85), groups=None):
        """Age band x number of long-term conditions (0, 1, 2, 3, 4+), segments like ``"65-74:2"``."""
        bs = None if band_starts is None else np.ascontiguousarray(band_starts, dtype=np.int32)
        return cls(_ll.ncm_segmentation_age_ltc(bs, _groups_handle(groups)), groups)

    @classmethod
    def from_json(cls, source, groups=None):
        """Rules from a JSON file path, JSON text, or a dict (the format of the segmentation guide).

        Raises :class:`ncm.ParseError`, :class:`ncm.RangeError`, :class:`ncm.NotFoundError`,
        :class:`ncm.DuplicateError` or :class:`ncm.InconsistentError` (unreachable rule) with a
        message naming the document, the rule and the field.
        """
        g = _groups_handle(groups)
        if isinstance(source, dict):
            text = json.dumps(source).encode("utf-8")
            return cls(_ll.ncm_segmentation_read_json_buffer(text, "<dict>", g), groups)
        if isinstance(source, (bytes, bytearray)) or (isinstance(source, str) and source.lstrip().startswith("{")):
            text = source.encode("utf-8") if isinstance(source, str) else bytes(source)
            return cls(_ll.ncm_segmentation_read_json_buffer(text, "<json>", g), groups)
        return cls(_ll.ncm_segmentation_read_json(os.fspath(source), g), groups)

    def to_json(self):
        """The rule set as JSON text (reading it back gives the same rules)."""
        return self._h.json_text()

    def to_dict(self):
        """The rule set as a dict (``from_json`` accepts it)."""
        return json.loads(self.to_json())

    def save(self, path):
        """Write the rule set as a JSON file."""
        self._h.save(os.fspath(path))

    # ------------------------------------------------------------------ properties
    @property
    def name(self):
        return _ll.ncm_segmentation_name(self._h)

    @property
    def segments(self):
        """Segment names in id order (the categories of :meth:`assign`)."""
        return list(self._h.segment_names())

    @property
    def rules(self):
        """Rule names in priority order."""
        return list(self._h.rule_names())

    @property
    def default(self):
        """Name of the default segment."""
        return self.segments[_ll.ncm_segmentation_default_segment(self._h)]

    # ------------------------------------------------------------------ assignment
    def assign_ids(self, population, scores=None, diagnoses=None):
        """Segment id per person (uint32 numpy array, ids index :attr:`segments`)."""
        pop = as_population(population, diagnoses)
        n = len(pop)
        out = np.empty(n, dtype=np.uint32)
        self._h.assign_into(pop._h, _scores(scores, n), out, None)
        return out

    def assign(self, population, scores=None, diagnoses=None, *, with_rule=False):
        """Segment of every person: a categorical Series (categories = :attr:`segments`) indexed by
        person_id. ``scores`` (array, Series, or the DataFrame from ``RiskModel.score``) is needed
        by rules on risk. ``with_rule=True`` returns a DataFrame with ``segment`` and ``rule`` (the
        rule that placed each person; ``"default"`` for the default segment)."""
        pop = as_population(population, diagnoses)
        n = len(pop)
        seg = np.empty(n, dtype=np.uint32)
        rule = np.empty(n, dtype=np.uint32) if with_rule else None
        self._h.assign_into(pop._h, _scores(scores, n), seg, rule)
        index = _person_index(pop)
        s = pd.Series(pd.Categorical.from_codes(seg.astype(np.int64), categories=self.segments), index=index,
                      name=self.name or "segment")
        if not with_rule:
            return s
        names = self.rules + ["default"]
        r = pd.Categorical.from_codes(rule.astype(np.int64), categories=names)
        return pd.DataFrame({"segment": s.values, "rule": r}, index=index)

    def summary(self, population, scores=None, level=None, diagnoses=None, *, segments=None):
        """People, exposure (person-years), cost (pounds), cost share and, with scores, the
        exposure-weighted mean risk per segment; with ``level`` (``"practice"``, ``"network"``,
        ``"place"``, ``"system"``) per unit and segment (a MultiIndex). ``segments`` reuses an
        assignment (the Series from :meth:`assign` or ids from :meth:`assign_ids`)."""
        pop = as_population(population, diagnoses)
        n = len(pop)
        sc = _scores(scores, n)
        if segments is None:
            ids = self.assign_ids(pop, sc)
        elif isinstance(segments, pd.Series) and isinstance(segments.dtype, pd.CategoricalDtype):
            ids = np.ascontiguousarray(segments.cat.codes.to_numpy(), dtype=np.uint32)
        else:
            ids = np.ascontiguousarray(segments, dtype=np.uint32)
        nseg = len(self.segments)
        lvl = _ll.NCM_SUMMARY_WHOLE if level is None else (
            _ll.ncm_level_parse(level) if isinstance(level, str) else int(level))
        h = _ll.ncm_segment_summarize(pop._h, ids, nseg, sc, lvl)
        cells = int(_ll.ncm_segment_summary_cells(h))
        people = np.zeros(cells, dtype=np.uint64)
        exposure = np.zeros(cells, dtype=np.float64)
        cost = np.zeros(cells, dtype=np.int64)
        share = np.zeros(cells, dtype=np.float64)
        h.people_into(people)
        h.exposure_into(exposure)
        h.cost_into(cost)
        h.cost_share_into(share)
        data = {"people": people.astype(np.int64), "exposure": exposure,
                "cost": cost / float(10 ** Money.DECIMALS), "cost_share": share}
        if sc is not None:
            mr = np.zeros(cells, dtype=np.float64)
            h.mean_risk_into(mr)
            data["mean_risk"] = mr
        names = self.segments
        if level is None:
            index = pd.Index(names, name="segment")
        else:
            units = pop._h.text_values(lvl)
            index = pd.MultiIndex.from_product([units, names], names=[_ll.ncm_level_name(lvl), "segment"])
        return pd.DataFrame(data, index=index)

    def __repr__(self):
        return "<ncm.Segmentation %s: %d rules, %d segments (%s), default %s>" % (
            self.name, len(self.rules), len(self.segments), ", ".join(self.segments), self.default)


def _codes(seg, name):
    if isinstance(seg, pd.Series) and isinstance(seg.dtype, pd.CategoricalDtype):
        return np.ascontiguousarray(seg.cat.codes.to_numpy(), dtype=np.uint32), list(seg.cat.categories), seg.name
    if isinstance(seg, pd.Categorical):
        return np.ascontiguousarray(seg.codes, dtype=np.uint32), list(seg.categories), None
    raise TypeError("%s must be a categorical Series from Segmentation.assign (or a pandas Categorical)" % name)


def crosstab(seg_a, seg_b, population=None, values="people"):
    """Cross-tabulate two segmentations of the same people: a DataFrame with the segments of
    ``seg_a`` as rows and those of ``seg_b`` as columns, counting ``values``: ``"people"``
    (default), or with ``population`` ``"exposure"`` (person-years) or ``"cost"`` (pounds)."""
    a, cats_a, name_a = _codes(seg_a, "seg_a")
    b, cats_b, name_b = _codes(seg_b, "seg_b")
    if values not in ("people", "exposure", "cost"):
        raise _invalid('values: %r is not "people", "exposure" or "cost"' % (values,))
    if values != "people" and population is None:
        raise _invalid("values=%r needs the population" % values)
    pop = None if population is None else as_population(population)
    cells = len(cats_a) * len(cats_b)
    people = np.zeros(cells, dtype=np.uint64)
    exposure = np.zeros(cells, dtype=np.float64)
    cost = np.zeros(cells, dtype=np.int64)
    _ll.ncm_segment_crosstab(a, len(cats_a), b, len(cats_b), None if pop is None else pop._h, people, exposure, cost)
    data = {"people": people.astype(np.int64), "exposure": exposure,
            "cost": cost / float(10 ** Money.DECIMALS)}[values]
    return pd.DataFrame(data.reshape(len(cats_a), len(cats_b)),
                        index=pd.Index(cats_a, name=name_a), columns=pd.Index(cats_b, name=name_b))
