"""Monte Carlo evaluation of contracts (``simulate.h``): scenarios, the multithreaded engine, results
as pandas DataFrames, paired comparisons, plots and bid viability.

    >>> sc = ncm.Scenario("examples/scenarios/unitingcare.json")
    >>> res = ncm.simulate(sc, trials=2000, seed=2015)
    >>> res.summary(party="providers", year=0)[["design", "mean", "p_deficit", "es05"]]
    >>> res.plot("dist.png")

The engine runs in C with the GIL released (other Python threads keep running); results are
bit-identical for the same seed whatever the thread count. Sweeps reuse the loaded scenario:
``sc.set("efficiency.delivered.mean", 0.05)``, ``sc.set_segment(...)`` and ``sc.set_contract(...)``
change it in place without re-generating or re-reading the population.

Money figures of the results are in major units (pounds) as float64 by default; ``money="minor"``
gives the C library's minor units (pence).
"""

import json
import os
import sys
import tempfile
import time

import numpy as np
import pandas as pd

from . import lowlevel as _ll
from ._convert import money_out, money_scalar
from .contract import Contract
from .errors import InvalidError, NotFoundError

__all__ = ["Scenario", "simulate", "SimulationResult", "find_bid", "deficit_at", "STATS", "ProgressBar"]

#: The figures of every summary row, in the C library's order (ncm_sim_stat).
STATS = ("mean", "sd", "q01", "q05", "q25", "q50", "q75", "q95", "q99", "p_deficit", "es05", "p_cap", "p_limit")
_MONEY_STATS = ("mean", "sd", "q01", "q05", "q25", "q50", "q75", "q95", "q99", "es05")
_MODES = {None: 0, "segment": 1, "person": 2}


def _invalid(msg):
    return InvalidError(msg, _ll.NCM_ERR_INVALID)


def _money_text(x, name):
    """A money value for the JSON document: the exact decimal string of its minor units."""
    return str(money_out(money_scalar(x, name), "decimal"))


def _mode(mode):
    if mode not in _MODES:
        raise _invalid("mode: %r is not None, 'segment' or 'person'" % (mode,))
    return _MODES[mode]


def _threads(threads):
    if threads is None:
        return 0
    t = int(threads)
    if t < 0:
        raise _invalid("threads: %d is negative (None or 0 = all cores)" % t)
    return t


class Scenario:
    """A loaded, validated scenario (``ncm.scenario/1``): population, cost model per segment,
    systematic factors, outcome model and the contract designs to compare.

    ``Scenario(source)`` loads ``source`` through the C loader: a path (str or os.PathLike; contract
    files named by designs are read relative to its folder), a dict, or JSON text. Relative contract
    paths of a dict or text are read from ``base_dir`` (default: the current folder).

    ``Scenario(term_years=..., segments=..., designs=..., ...)`` builds the document from Python
    objects (see :meth:`build`) and loads it the same way, so validation and error messages are the
    C library's. Errors raise the :class:`ncm.Error` subclass with the C message (bad JSON:
    :class:`ncm.ParseError` naming line and column).
    """

    def __init__(self, source=None, *, base_dir=None, **parts):
        if source is None:
            source = self.build(**parts)
        elif parts:
            raise _invalid("Scenario(): give a source or keyword parts, not both (%s)" % ", ".join(sorted(parts)))
        self._tmp = None
        if isinstance(source, dict):
            source, tmp = self._materialise(source)
            self._tmp = tmp
            text = json.dumps(source, indent=1)
            self._h = _ll.ncm_scenario_load_string(text, "<dict>", None if base_dir is None else os.fspath(base_dir))
            self.source = "<dict>"
        elif isinstance(source, (str, bytes, bytearray)) and (
                bytes(source).lstrip().startswith(b"{") if isinstance(source, (bytes, bytearray))
                else source.lstrip().startswith("{")):
            text = source.decode("utf-8") if isinstance(source, (bytes, bytearray)) else source
            self._h = _ll.ncm_scenario_load_string(text, "<string>", None if base_dir is None else os.fspath(base_dir))
            self.source = "<string>"
        else:
            path = os.fspath(source)
            self._h = _ll.ncm_scenario_load_file(path)
            self.source = path
        if self._tmp is not None:  # the population is read at load time: the CSV copies can go
            self._tmp.cleanup()
            self._tmp = None

    # ------------------------------------------------------------------ building from Python objects
    @staticmethod
    def build(*, term_years, segments, designs, name="scenario", population=None, mode=None, demand_growth=None,
              cost_inflation=None, efficiency=None, outcomes=None, membership=None, shocks=None):
        """The scenario document (a dict) for Python objects; ``Scenario(**same)`` loads it.

        Args:
            term_years: the term, in years.
            segments: a DataFrame or a list of dicts, one per segment, with ``name`` and either
                ``people``, ``mean`` (cost per person-year, major units: Decimal, str or number) and
                ``cv`` (without a population), or ``min_age``/``max_age`` (with a population, which
                gives the counts, means and cvs); optional ``distribution`` ("lognormal", "gamma",
                "resample").
            designs: a list of dicts ``{"name", "contract", "cap", "stop_loss", "cost_shares"}`` or a
                dict ``{name: contract}``; a contract is an :class:`ncm.Contract`, a dict, or a path.
            population: an :class:`ncm.Population` (written to temporary CSV files that the C
                loader reads), or the JSON form (``{"synth": {"people": 900000, "seed": 2015}}``,
                with optional ``cost_total`` or ``cost_scale``).
            demand_growth, cost_inflation: yearly rates.
            efficiency: ``{"assumed": a, "delivered": {"mean": m, "sd": s}, "ramp_years": r}``.
            outcomes: ``{"distribution": "beta"|"normal"|"fixed", "mean": m, "sd": s}``.
            membership: ``{"joiners": j, "leavers": l}``.
            shocks: a list of ``{"name", "probability", "cost_increase"}``.
        """
        doc = {"schema": _ll.NCM_SCENARIO_SCHEMA, "name": str(name), "term_years": int(term_years)}
        if mode is not None:
            doc["mode"] = mode
        if population is not None:
            doc["population"] = population
        segs = segments.to_dict("records") if isinstance(segments, pd.DataFrame) else list(segments)
        out = []
        for i, s in enumerate(segs):
            s = dict(s)
            g = {"name": str(s.pop("name", "segment %d" % (i + 1)))}
            for k in ("min_age", "max_age"):
                if k in s and s[k] is not None and not (isinstance(s[k], float) and np.isnan(s[k])):
                    g[k] = int(s.pop(k))
                else:
                    s.pop(k, None)
            if "people" in s and s["people"] is not None:
                g["people"] = float(s.pop("people"))
            cost = dict(s.pop("cost", {}) or {})
            if "distribution" in s:
                cost["distribution"] = s.pop("distribution")
            if "mean" in s and s["mean"] is not None:
                cost["mean"] = _money_text(s.pop("mean"), "segments[%d].mean" % i)
            if "cv" in s and s["cv"] is not None:
                cost["cv"] = float(s.pop("cv"))
            for k in [k for k, v in s.items() if v is None]:
                s.pop(k)
            if s:
                raise _invalid("segments[%d]: unknown keys %s" % (i, ", ".join(sorted(map(str, s)))))
            cost.setdefault("distribution", "lognormal")
            g["cost"] = cost
            out.append(g)
        doc["segments"] = out
        for key, val in (("demand_growth", demand_growth), ("cost_inflation", cost_inflation)):
            if val is not None:
                doc[key] = float(val)
        for key, val in (("efficiency", efficiency), ("outcomes", outcomes), ("membership", membership),
                         ("shocks", shocks)):
            if val is not None:
                doc[key] = val
        if isinstance(designs, dict):
            designs = [{"name": k, "contract": v} for k, v in designs.items()]
        ds = []
        for i, d in enumerate(designs):
            d = dict(d)
            c = d.get("contract")
            if isinstance(c, Contract):
                d["contract"] = c.to_dict()
            elif isinstance(c, os.PathLike):
                d["contract"] = os.fspath(c)
            if d.get("cap") is not None:
                d["cap"] = _money_text(d["cap"], "designs[%d].cap" % i)
            else:
                d.pop("cap", None)
            sl = d.get("stop_loss")
            if sl:
                sl = dict(sl)
                for k in ("attachment", "limit"):
                    if k in sl:
                        sl[k] = _money_text(sl[k], "designs[%d].stop_loss.%s" % (i, k))
                d["stop_loss"] = sl
            ds.append(d)
        doc["designs"] = ds
        return doc

    @staticmethod
    def _materialise(doc):
        """Replace a Population object in the document by temporary CSV files (the C loader's input)."""
        from .population import Population
        pop = doc.get("population")
        if isinstance(pop, Population):
            tmp = tempfile.TemporaryDirectory(prefix="ncm-scenario-")
            people = os.path.join(tmp.name, "people.csv")
            diags = os.path.join(tmp.name, "diagnoses.csv")
            pop.to_csv(people, diags)
            doc = dict(doc)
            doc["population"] = {"csv": {"people": people, "diagnoses": diags}}
            return doc, tmp
        if isinstance(pop, dict) and isinstance(pop.get("population"), Population):
            raise _invalid("population: give the Population object itself")
        return doc, None

    @classmethod
    def from_json(cls, source, base_dir=None):
        """Load from a path, a dict or JSON text (as the constructor)."""
        return cls(source, base_dir=base_dir)

    # ------------------------------------------------------------------ reading
    @property
    def name(self):
        return _ll.ncm_scenario_name(self._h)

    @property
    def term(self):
        """Term in years."""
        return _ll.ncm_scenario_term(self._h)

    @property
    def designs(self):
        """The design names, in order."""
        return [_ll.ncm_scenario_design_name(self._h, d) for d in range(_ll.ncm_scenario_design_count(self._h))]

    def design_index(self, design):
        """Index of a design given by index or name (:class:`ncm.NotFoundError` if unknown)."""
        return _design_index(self.designs, design)

    def design_contract(self, design):
        """A copy of the design's contract as an :class:`ncm.Contract` (edit its dict and give it
        back with :meth:`set_contract` for sweeps)."""
        d = self.design_index(design)
        return Contract.from_json(_ll.ncmpy_scenario_design_contract_json(self._h, d))

    @property
    def segments(self):
        """DataFrame of the year-1 cost model: name, people, mean (major units per person-year), cv."""
        n = _ll.ncm_scenario_segment_count(self._h)
        people, mean, cv = np.empty(n), np.empty(n), np.empty(n)
        _ll.ncmpy_scenario_segments(self._h, people, mean, cv)
        names = [_ll.ncm_scenario_segment_name(self._h, s) for s in range(n)]
        return pd.DataFrame({"name": names, "people": people, "mean": mean / 100.0, "cv": cv})

    def budget_by_segment_place(self, *, money="float"):
        """Expected year-1 cost by segment (rows) and place (columns); needs a population with places."""
        nplaces = _ll.ncmpy_scenario_place_count(self._h)
        seg = self.segments["name"].tolist()
        if nplaces == 0:
            raise _invalid("budget_by_segment_place: the scenario has no population with places")
        buf = np.empty(len(seg) * nplaces, np.int64)
        _ll.ncmpy_scenario_segment_place_cost(self._h, buf)
        places = [_ll.ncmpy_scenario_place_name(self._h, p) for p in range(nplaces)]
        vals = money_out(buf, money).reshape(len(seg), nplaces)
        return pd.DataFrame(vals, index=pd.Index(seg, name="segment"), columns=pd.Index(places, name="place"))

    # ------------------------------------------------------------------ changing (sweeps)
    def set(self, key=None, value=None, **params):
        """Change numeric parameters in place (no re-loading): ``sc.set("demand_growth", 0.03)`` or
        ``sc.set(demand_growth=0.03, cost_inflation=0.02)``; dotted keys with ``set(key, value)``
        (``"efficiency.delivered.mean"``, ``"outcomes.sd"``, ``"membership.joiners"``...). Raises
        :class:`ncm.NotFoundError` for an unknown key and :class:`ncm.RangeError` (nothing changed)
        for a value out of range. Returns self."""
        if key is not None:
            _ll.ncm_scenario_set_number(self._h, str(key), float(value))
        for k, v in params.items():
            _ll.ncm_scenario_set_number(self._h, k, float(v))
        return self

    def set_segment(self, segment, *, people=None, mean=None, cv=None):
        """Change a segment's cost model (by index or name); ``mean`` in major units. Returns self."""
        names = self.segments["name"].tolist()
        if isinstance(segment, str):
            if segment not in names:
                raise NotFoundError("segment %r: not in the scenario (%s)" % (segment, ", ".join(names)),
                                    _ll.NCM_ERR_NOT_FOUND)
            segment = names.index(segment)
        m = float("nan") if mean is None else float(money_scalar(mean, "mean"))
        _ll.ncm_scenario_set_segment(self._h, int(segment), float("nan") if people is None else float(people), m,
                                     float("nan") if cv is None else float(cv))
        return self

    def set_contract(self, design, contract):
        """Replace a design's contract by a copy of ``contract`` (an :class:`ncm.Contract`, dict, path
        or JSON text). Returns self."""
        if not isinstance(contract, Contract):
            contract = Contract.from_json(contract)
        _ll.ncm_scenario_set_contract(self._h, self.design_index(design), contract._h)
        return self

    def to_json(self, path):
        """Write the scenario as JSON (contracts inline); loading it gives the same scenario."""
        _ll.ncm_scenario_write_file(self._h, os.fspath(path))

    def __repr__(self):
        return "Scenario(%r: %d years, %d segments, designs %s)" % (
            self.name, self.term, _ll.ncm_scenario_segment_count(self._h), self.designs)


def _design_index(names, design):
    if isinstance(design, (int, np.integer)):
        if not 0 <= int(design) < len(names):
            raise NotFoundError("design %d: out of range (%d designs)" % (int(design), len(names)),
                                _ll.NCM_ERR_NOT_FOUND)
        return int(design)
    if design in names:
        return names.index(design)
    raise NotFoundError("design %r: not one of %s" % (design, ", ".join(repr(n) for n in names)),
                        _ll.NCM_ERR_NOT_FOUND)


class ProgressBar:
    """A text progress bar on stderr, called by the engine with (done, total); never cancels."""

    def __init__(self, stream=None, width=30, label="simulate"):
        self.stream = sys.stderr if stream is None else stream
        self.width = width
        self.label = label
        self.t0 = time.monotonic()
        self.last = -1.0

    def __call__(self, done, total):
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return False
        self.last = now
        frac = done / total if total else 1.0
        fill = int(round(frac * self.width))
        self.stream.write("\r%s [%s%s] %3d%% %d/%d trials %.1fs" % (
            self.label, "#" * fill, "." * (self.width - fill), int(frac * 100), done, total, now - self.t0))
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
        return False


def _progress(progress):
    if progress is True:
        return ProgressBar()
    if progress is False or progress is None:
        return None
    if callable(progress):
        return progress
    raise _invalid("progress: expected True, False or a callable (done, total) -> bool")


def simulate(scenario, trials=10000, seed=2015, threads=None, *, mode=None, progress=False):
    """Run the Monte Carlo evaluation of every design of ``scenario`` (:func:`ncm_simulate`).

    Args:
        scenario: a :class:`Scenario` (or anything its constructor takes).
        trials: number of trials.
        seed: seed of every random draw; the same seed gives bit-identical results whatever
            ``threads`` is, and every design sees the same random numbers (paired comparisons).
        threads: worker threads (None or 0 = all cores).
        mode: None (the scenario's), "segment" or "person".
        progress: True for a bar on stderr, a callable ``f(done, total)`` (called from the C worker
            threads with the GIL held; a true return value cancels the run with
            :class:`ncm.CancelledError`, an exception cancels it and is re-raised), or False.
    Returns a :class:`SimulationResult`.
    """
    if not isinstance(scenario, Scenario):
        scenario = Scenario(scenario)
    h = _ll.ncmpy_simulate(scenario._h, int(trials), int(seed), _threads(threads), _mode(mode), _progress(progress))
    return SimulationResult(h, scenario, seed=int(seed), threads=threads, mode=mode)


def _figures(x):
    """The C library's figures (ncm_sim_results_stats) of one sample, in numpy: values and MC errors."""
    x = np.sort(np.asarray(x, dtype=np.float64))
    n = x.size
    v, se = {}, {}
    m = x.mean()
    sd = x.std(ddof=1) if n > 1 else 0.0
    v["mean"], se["mean"] = m, sd / np.sqrt(n)
    v["sd"], se["sd"] = sd, (sd / np.sqrt(2.0 * (n - 1)) if n > 1 else np.nan)
    for name, q in zip(("q01", "q05", "q25", "q50", "q75", "q95", "q99"), (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)):
        v[name] = float(np.quantile(x, q))
        h = np.sqrt(n * q * (1 - q))
        il = max(0, int(n * q - h)) if n * q - h >= 0 else 0
        ih = min(n - 1, int(n * q + h))
        se[name] = (x[ih] - x[il]) / 2
    p = float(np.mean(x < 0))
    v["p_deficit"], se["p_deficit"] = p, np.sqrt(p * (1 - p) / n)
    k5 = max(1, int(np.ceil(0.05 * n)))
    tail = x[:k5]
    es = tail.mean()
    var_tail = tail.var(ddof=1) if k5 > 1 else 0.0
    v["es05"], se["es05"] = es, np.sqrt((var_tail + 0.95 * (es - x[k5 - 1]) ** 2) / k5)
    for name in ("p_cap", "p_limit"):
        v[name], se[name] = np.nan, np.nan
    return v, se


class SimulationResult:
    """Results of :func:`simulate`: every party's result per trial and year, for every design.

    Attributes: ``trials``, ``years`` (the term), ``designs`` (names), ``seed``, ``scenario``.
    A party's result is in the C library's sense (simulate.h): providers get what they received
    minus what they paid out and the cost they bore; the commissioner its planned minus its actual
    spending; the last party of every design, ``"providers"``, sums the provider roles.
    """

    def __init__(self, handle, scenario, seed=None, threads=None, mode=None):
        self._h = handle
        self.scenario = scenario
        self.seed = seed
        self.threads = threads
        self.mode = mode
        self.trials_count = int(_ll.ncm_sim_results_trials(handle))
        self.years = int(_ll.ncm_sim_results_years(handle))
        self.designs = [_ll.ncm_sim_results_design_name(handle, d)
                        for d in range(_ll.ncm_sim_results_design_count(handle))]

    @property
    def n_trials(self):
        return self.trials_count

    def parties(self, design=0):
        """Party names of a design (by index or name), "providers" last."""
        d = _design_index(self.designs, design)
        return [_ll.ncm_sim_results_party_name(self._h, d, p) for p in range(_ll.ncm_sim_results_party_count(self._h, d))]

    def _party_index(self, d, party):
        names = self.parties(d)
        if isinstance(party, (int, np.integer)):
            if not 0 <= int(party) < len(names):
                raise NotFoundError("party %d: out of range (%d parties)" % (int(party), len(names)),
                                    _ll.NCM_ERR_NOT_FOUND)
            return int(party)
        if party in names:
            return names.index(party)
        raise NotFoundError("design %r: no party %r (parties: %s)" % (self.designs[d], party, ", ".join(names)),
                            _ll.NCM_ERR_NOT_FOUND)

    def _years(self, year):
        if year is None:
            return list(range(self.years + 1))
        if isinstance(year, (int, np.integer)):
            return [int(year)]
        return [int(y) for y in year]

    # ------------------------------------------------------------------ tables
    def summary(self, design=None, party=None, year=None, *, money="float", se=True):
        """DataFrame of the figures, one row per design, party and year.

        Columns: design, party, year (0 = the whole term), then mean, sd, q01, q05, q25, q50, q75,
        q95, q99, es05 (money: major units as float by default, ``money="minor"`` for minor
        units), p_deficit, p_cap (P(the provider side's cost > the design's cap); NaN without a
        cap), p_limit (P(a cap of the contract's risk share binds); NaN without one), and with
        ``se=True`` the Monte Carlo standard error of each figure as ``se_<figure>``.
        ``design``, ``party`` and ``year`` filter (a name/index or a list; year an int or a list).
        """
        if money not in ("float", "minor"):
            raise _invalid("money: %r is not 'float' or 'minor'" % (money,))
        scale = 100.0 if money == "float" else 1.0
        ds = range(len(self.designs)) if design is None else [
            _design_index(self.designs, x) for x in (design if isinstance(design, (list, tuple)) else [design])]
        rows = []
        v = np.empty(len(STATS))
        e = np.empty(len(STATS))
        for d in ds:
            names = self.parties(d)
            ps = range(len(names)) if party is None else [
                self._party_index(d, x) for x in (party if isinstance(party, (list, tuple)) else [party])]
            for p in ps:
                for y in self._years(year):
                    _ll.ncmpy_sim_stats(self._h, d, p, y, v, e)
                    row = {"design": self.designs[d], "party": names[p], "year": y}
                    for i, name in enumerate(STATS):
                        row[name] = v[i] / scale if name in _MONEY_STATS else v[i]
                    if se:
                        for i, name in enumerate(STATS):
                            row["se_" + name] = e[i] / scale if name in _MONEY_STATS else e[i]
                    rows.append(row)
        cols = ["design", "party", "year"] + list(STATS) + (["se_" + s for s in STATS] if se else [])
        return pd.DataFrame(rows, columns=cols)

    def trials(self, design=0, party="providers", year=0, *, money="float"):
        """numpy array of one party's result in every trial (year 0 = over the term); money in
        major units (float64) or ``money="minor"`` (int64 minor units, exact)."""
        d = _design_index(self.designs, design)
        p = self._party_index(d, party)
        out = np.empty(self.trials_count, np.int64)
        _ll.ncmpy_sim_trial_values(self._h, d, p, int(year), out)
        return out if money == "minor" else money_out(out, money)

    def cost(self, year=0, *, money="float"):
        """numpy array of the gross cost of care in every trial (before stop-loss; the same for every design)."""
        out = np.empty(self.trials_count, np.int64)
        _ll.ncmpy_sim_cost(self._h, int(year), out)
        return out if money == "minor" else money_out(out, money)

    def to_frame(self, party="providers", year=0, *, money="float"):
        """DataFrame of per-trial results, one column per design (index: trial)."""
        return pd.DataFrame({name: self.trials(d, party, year, money=money) for d, name in enumerate(self.designs)},
                            index=pd.RangeIndex(self.trials_count, name="trial"))

    # ------------------------------------------------------------------ paired comparisons
    def compare(self, other=None, *, baseline=0, design=None, party="providers", year=0, money="float"):
        """Paired differences, trial by trial, as a DataFrame with the :meth:`summary` columns.

        - ``compare()``: every design against ``baseline`` (a design of this result), through the C
          library's ncm_sim_results_compare (the designs saw the same random numbers);
          p_deficit is P(design worse than the baseline).
        - ``compare(other)``: this result minus ``other`` (another :class:`SimulationResult`, e.g.
          of the same scenario after ``set(...)``) for every design present in both (or ``design``),
          for ``party``. It is paired only if both runs used the same seed, number of trials and
          mode: otherwise :class:`ncm.InvalidError`. The figures are computed in numpy with the C
          library's definitions.
        """
        scale = 100.0 if money == "float" else 1.0
        rows = []
        if other is None:
            b = _design_index(self.designs, baseline)
            pb = self._party_index(b, party)
            v, e = np.empty(len(STATS)), np.empty(len(STATS))
            for d in range(len(self.designs)):
                if d == b:
                    continue
                pa = self._party_index(d, party)
                _ll.ncmpy_sim_compare(self._h, d, pa, b, pb, int(year), v, e)
                row = {"design": self.designs[d], "baseline": self.designs[b], "party": party, "year": int(year)}
                row.update({s: (v[i] / scale if s in _MONEY_STATS else v[i]) for i, s in enumerate(STATS)})
                row.update({"se_" + s: (e[i] / scale if s in _MONEY_STATS else e[i]) for i, s in enumerate(STATS)})
                rows.append(row)
        else:
            if not isinstance(other, SimulationResult):
                raise _invalid("compare: other must be a SimulationResult")
            if (self.seed, self.trials_count, self.mode) != (other.seed, other.trials_count, other.mode):
                raise _invalid("compare: not paired: seed %s/%s, trials %d/%d, mode %s/%s (use the same seed, trials "
                               "and mode)" % (self.seed, other.seed, self.trials_count, other.trials_count,
                                              self.mode, other.mode))
            names = [n for n in self.designs if n in other.designs] if design is None else (
                list(design) if isinstance(design, (list, tuple)) else [design])
            for name in names:
                a = self.trials(name, party, year, money="minor")
                b = other.trials(name, party, year, money="minor")
                v, e = _figures(a.astype(np.float64) - b.astype(np.float64))
                row = {"design": name if isinstance(name, str) else self.designs[name], "baseline": "other",
                       "party": party, "year": int(year)}
                row.update({s: (v[s] / scale if s in _MONEY_STATS else v[s]) for s in STATS})
                row.update({"se_" + s: (e[s] / scale if s in _MONEY_STATS else e[s]) for s in STATS})
                rows.append(row)
        cols = ["design", "baseline", "party", "year"] + list(STATS) + ["se_" + s for s in STATS]
        return pd.DataFrame(rows, columns=cols)

    # ------------------------------------------------------------------ plots
    def plot(self, path=None, kind="distribution", *, party="providers", year=0, ax=None, bins=60, title=None):
        """Draw a matplotlib figure and return it (saved to ``path`` as PNG if given).

        kinds: ``"distribution"`` (histogram of the party's result per design, with the 5% expected
        shortfall marked), ``"cdf"`` (empirical distribution functions), ``"deficit_by_year"``
        (P(deficit) per year and design), ``"compare"`` (paired differences against the first
        design). Uses the Agg backend when there is no display.
        """
        plt = _pyplot()
        fig = None
        if ax is None:
            fig, ax = plt.subplots(figsize=(8, 4.5), dpi=90)
        else:
            fig = ax.figure
        unit = "m"
        if kind == "distribution":
            for d, name in enumerate(self.designs):
                x = self.trials(d, party, year) / 1e6
                ax.hist(x, bins=bins, alpha=0.45, label=name)
            for d, name in enumerate(self.designs):
                es = self.summary(d, party, year, se=False)["es05"].iloc[0] / 1e6
                ax.axvline(es, ls=":", lw=1, color="C%d" % d)
            ax.axvline(0, color="k", lw=1)
            ax.set_xlabel("%s result %s (%s); dotted: mean of the worst 5%%" % (
                party, "over the term" if year == 0 else "in year %d" % year, unit))
            ax.set_ylabel("trials")
        elif kind == "cdf":
            for d, name in enumerate(self.designs):
                x = np.sort(self.trials(d, party, year)) / 1e6
                ax.step(x, np.arange(1, x.size + 1) / x.size, where="post", label=name)
            ax.axvline(0, color="k", lw=1)
            ax.set_xlabel("%s result (%s)" % (party, unit))
            ax.set_ylabel("P(result <= x)")
        elif kind == "deficit_by_year":
            s = self.summary(None, party, list(range(1, self.years + 1)), se=True)
            for name, g in s.groupby("design", sort=False):
                ax.errorbar(g["year"], g["p_deficit"], yerr=g["se_p_deficit"], marker="o", capsize=3, label=name)
            ax.set_xlabel("year")
            ax.set_ylabel("P(%s deficit)" % party)
            ax.set_ylim(-0.02, 1.02)
        elif kind == "compare":
            base = self.trials(0, party, year)
            for d in range(1, len(self.designs)):
                ax.hist((self.trials(d, party, year) - base) / 1e6, bins=bins, alpha=0.5,
                        label="%s minus %s" % (self.designs[d], self.designs[0]))
            ax.axvline(0, color="k", lw=1)
            ax.set_xlabel("paired difference of the %s result (%s)" % (party, unit))
            ax.set_ylabel("trials")
        else:
            raise _invalid("plot: kind %r is not distribution, cdf, deficit_by_year or compare" % (kind,))
        ax.legend(fontsize=8)
        ax.set_title(title or "%s: %d trials, seed %s" % (self.scenario.name if self.scenario else "", self.trials_count,
                                                          self.seed), fontsize=9)
        fig.tight_layout()
        if path is not None:
            fig.savefig(os.fspath(path))
        return fig

    def __repr__(self):
        return "SimulationResult(%d trials x %d years, seed %s, designs %s)" % (
            self.trials_count, self.years, self.seed, self.designs)


def _pyplot():
    import matplotlib
    if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def deficit_at(scenario, bids, design=0, *, trials=2000, seed=2015, threads=None, mode=None):
    """P(providers' deficit over the term) and the mean result at each bid (ncm_scenario_deficit_at).

    A bid scales the design's contract value over the term (simulate.h). Returns a DataFrame with
    columns bid, p_deficit, mean (major units; exact ``bid`` as Decimal)."""
    if not isinstance(scenario, Scenario):
        scenario = Scenario(scenario)
    d = scenario.design_index(design)
    b = np.ascontiguousarray([money_scalar(x, "bids") for x in bids], dtype=np.int64)
    p, m = np.empty(b.size), np.empty(b.size)
    _ll.ncmpy_deficit_at(scenario._h, d, int(trials), int(seed), _threads(threads), _mode(mode), b, p, m)
    return pd.DataFrame({"bid": money_out(b, "decimal"), "p_deficit": p, "mean": m / 100.0})


def find_bid(scenario, design=0, target=0.10, *, tolerance=None, trials=2000, seed=2015, threads=None, mode=None):
    """The lowest bid at which P(providers' deficit over the term) <= ``target``, by bisection on the
    engine (ncm_scenario_find_bid). ``tolerance``: width of the final bracket (major units; default
    0.1% of the design's contract value over the term). Returns ``(bid, p_deficit)`` with the bid
    as an exact Decimal."""
    if not isinstance(scenario, Scenario):
        scenario = Scenario(scenario)
    d = scenario.design_index(design)
    if tolerance is None:
        c = scenario.design_contract(d)
        total = sum(int(c.value(y, money="minor")) for y in range(1, scenario.term + 1))
        tol = max(1, total // 1000)
    else:
        tol = money_scalar(tolerance, "tolerance")
    bid, p = _ll.ncmpy_find_bid(scenario._h, d, int(trials), int(seed), _threads(threads), _mode(mode),
                                float(target), int(tol))
    return money_out(bid, "decimal"), p
