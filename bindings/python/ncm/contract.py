"""Contracts and settlement: a declarative contract (``contract.h``) settled against a year's actuals
into a ledger that sums exactly, per party and in total (``settle.h``).

    >>> c = ncm.Contract.from_json("examples/contracts/bedfordshire_msk.json")
    >>> ledger = c.settle(pd.DataFrame({"year": [1], "cost": ["23000000.00"]}))
    >>> ledger.risk(1)["provider"]
    Decimal('1716875.00')

Money in (costs, payments) is Decimal, decimal strings, ints (whole pounds) or floats (pounds, rounded
half-even to the penny); money out is exact ``decimal.Decimal`` by default (``money="minor"`` gives
int64 pence, ``"str"`` strings, ``"float"`` pounds for plotting).
"""

import json
import os

import numpy as np
import pandas as pd

from . import lowlevel as _ll
from ._convert import money_column, money_out, money_scalar

__all__ = ["Contract", "Ledger"]



def _is_blank(v):
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or (isinstance(v, str) and v == "")


class Contract:
    """An immutable, validated contract (safe to share between threads).

    Load with :meth:`from_json`. Attributes: ``name``, ``form``, ``scope``, ``term`` (years),
    ``parties`` and ``components`` (DataFrames), ``value(year)``.
    """

    def __init__(self, _handle, source="<contract>"):
        self._h = _handle
        self.source = source

    # ------------------------------------------------------------------ loading and writing
    @classmethod
    def from_json(cls, source):
        """Load and validate a contract (schema 1, see the guide "Contracts and settlement").

        ``source`` is a path (str or os.PathLike), a dict (serialised with ``json.dumps`` and loaded
        by the C loader, so validation is the C one) or JSON text (a str starting with ``{``).
        Raises :class:`ncm.ParseError` (bad JSON: the message names line and column; unknown
        component type or field), :class:`ncm.DuplicateError` (a party or component named twice),
        :class:`ncm.InconsistentError` (shares not summing to 1, overlapping bands),
        :class:`ncm.RangeError` (negative rates), :class:`ncm.NotFoundError`,
        :class:`ncm.VersionError`, :class:`ncm.FileError`.
        """
        if isinstance(source, dict):
            return cls(_ll.ncm_contract_load_string(json.dumps(source, indent=1), "<dict>"), "<dict>")
        if isinstance(source, (bytes, bytearray)):
            source = bytes(source).decode("utf-8")
        if isinstance(source, str) and source.lstrip().startswith("{"):
            return cls(_ll.ncm_contract_load_string(source, "<string>"), "<string>")
        path = os.fspath(source)
        return cls(_ll.ncm_contract_load_file(path), path)

    def to_json(self, path=None):
        """The canonical JSON text (loading it gives the same contract); also written to ``path`` if given."""
        text = _ll.ncm_contract_to_json(self._h)
        if path is not None:
            _ll.ncm_contract_write_file(self._h, os.fspath(path))
        return text

    def to_dict(self):
        """The canonical JSON as a dict."""
        return json.loads(self.to_json())

    # ------------------------------------------------------------------ reading
    @property
    def name(self):
        return _ll.ncm_contract_name(self._h)

    @property
    def scope(self):
        return _ll.ncm_contract_scope(self._h)

    @property
    def form(self):
        """The form's JSON name: "block", "prime_provider", "alliance", ..."""
        return _ll.ncm_contract_form_name(_ll.ncm_contract_get_form(self._h))

    @property
    def term(self):
        """Term in years."""
        return _ll.ncm_contract_term(self._h)

    @property
    def parties(self):
        """DataFrame of the parties in contract order: name, role."""
        n = _ll.ncm_contract_party_count(self._h)
        names = [_ll.ncm_contract_party_name(self._h, i) for i in range(n)]
        roles = [_ll.ncm_party_role_name(_ll.ncm_contract_party_role(self._h, i)) for i in range(n)]
        return pd.DataFrame({"name": names, "role": roles})

    @property
    def components(self):
        """DataFrame of the payment components in contract order: name, type."""
        n = _ll.ncm_contract_component_count(self._h)
        names = [_ll.ncm_contract_component_name(self._h, i) for i in range(n)]
        types = [_ll.ncm_component_type_name(_ll.ncm_contract_component_type(self._h, i)) for i in range(n)]
        return pd.DataFrame({"name": names, "type": types})

    def value(self, year, *, money="decimal"):
        """The contract value of ``year`` (1 to the term); :class:`ncm.RangeError` outside the term."""
        return money_out(_ll.ncm_contract_value(self._h, int(year)), money)

    def values(self, *, money="decimal"):
        """Series of the yearly values, indexed by year 1..term."""
        years = range(1, self.term + 1)
        return pd.Series([self.value(y, money=money) for y in years], index=pd.Index(years, name="year"),
                         name="value")

    def __repr__(self):
        return "Contract(%r: %s, %d years, %d parties, %d components, year-1 value %s)" % (
            self.name, self.form, self.term, len(self.parties), len(self.components), self.value(1))

    # ------------------------------------------------------------------ settlement
    def settle(self, actuals=None, outcomes=None, paid=None, *, results=None, volumes=None, member_months=None,
               person_costs=None, first_year=None, last_year=None):
        """Settle the contract year by year into a :class:`Ledger`.

        Args:
            actuals: what happened. Either a path to the C actuals CSV (``year,kind,name,value``),
                a DataFrame in that long format (columns year, kind, name, value; kind is ``cost``
                with name = party or empty for the total, ``volume`` with name = activity component,
                or ``member_months`` with name = care-coordination component), or a DataFrame of
                costs with columns ``year``, ``cost`` and optionally ``party`` (empty/None = the total
                cost), plus optional columns ``component`` with ``volume`` and/or ``member_months``
                for activity rows.
            outcomes: outcome scores: a path to the outcomes CSV, a DataFrame with columns year,
                score and optionally component (empty = every outcome pot and withhold), or a dict
                ``{year: score}``. Scores are fractions in [0, 1].
            results: measure results scored by the outcome framework embedded in an outcome_pot or
                withhold component: a path to the results CSV or a DataFrame with columns year,
                measure_id, value and optionally component (empty = every such component) and
                baseline. The framework's total / 100 becomes the component's score.
            paid: payments already made: a path to the paid CSV or a DataFrame with columns year,
                component, payer, payee, amount.
            volumes, member_months: DataFrames with columns year, component and volume (or
                member_months), as an alternative to putting them in ``actuals``.
            person_costs: per-person actual costs: a path to the person-costs CSV
                (``year,person_id,cost[,party]``) or a DataFrame with columns year and cost and
                optionally person_id (checked for duplicates within a year) and party (the party the
                person's cost is attributed to; all rows of a year or none). The year's total cost
                (and each party's, when attributed) is derived from them exactly; a stop_loss
                component's individual cover settles on them.
            first_year, last_year: the range to settle (default: every year with actuals).
        Raises the :class:`ncm.Error` subclass of the C failure with its message (a missing cost,
        an unknown party, a score outside [0, 1], ...).
        """
        a = _ll.ncm_actuals_create(self._h)
        if isinstance(actuals, (str, os.PathLike)):
            _ll.ncm_actuals_read_csv(a, os.fspath(actuals))
        elif actuals is not None:
            self._fill_actuals(a, pd.DataFrame(actuals))
        if person_costs is not None:
            if isinstance(person_costs, (str, os.PathLike)):
                _ll.ncm_actuals_read_person_costs_csv(a, os.fspath(person_costs))
            else:
                self._fill_person_costs(a, pd.DataFrame(person_costs))
        for frame, col in ((volumes, "volume"), (member_months, "member_months")):
            if frame is not None:
                self._fill_actuals(a, pd.DataFrame(frame), only=col)
        if outcomes is not None:
            if isinstance(outcomes, (str, os.PathLike)):
                _ll.ncm_actuals_read_outcomes_csv(a, os.fspath(outcomes))
            else:
                if isinstance(outcomes, dict):
                    outcomes = pd.DataFrame({"year": list(outcomes), "score": list(outcomes.values())})
                df = pd.DataFrame(outcomes)
                comp = df["component"] if "component" in df else [None] * len(df)
                for y, s, c in zip(df["year"], df["score"], comp):
                    _ll.ncm_actuals_set_score(a, int(y), None if _is_blank(c) else str(c), float(s))
        if results is not None:
            if isinstance(results, (str, os.PathLike)):
                _ll.ncm_actuals_read_results_csv(a, os.fspath(results))
            else:
                df = pd.DataFrame(results)
                if "component" not in df:
                    df = df.assign(component=None)
                for (y, comp), grp in df.groupby(["year", df["component"].fillna("")], sort=True):
                    base = None
                    if "baseline" in grp:
                        base = np.ascontiguousarray(pd.to_numeric(grp["baseline"]), dtype=np.float64)
                    _ll.ncmpy_actuals_score_results(a, int(y), None if comp == "" else str(comp),
                                                    [str(x) for x in grp["measure_id"]],
                                                    np.ascontiguousarray(pd.to_numeric(grp["value"]), dtype=np.float64),
                                                    base)
        if paid is not None:
            if isinstance(paid, (str, os.PathLike)):
                _ll.ncm_actuals_read_paid_csv(a, os.fspath(paid))
            else:
                df = pd.DataFrame(paid)
                amounts = money_column(df["amount"], "paid.amount")
                for y, c, p, q, m in zip(df["year"], df["component"], df["payer"], df["payee"], amounts):
                    _ll.ncm_actuals_add_paid(a, int(y), str(c), str(p), str(q), int(m))
        first = 0 if first_year is None else int(first_year)
        last = 0 if last_year is None else int(last_year)
        only = 1  # skip years with nothing recorded (the C default)
        ledger = _ll.ncmpy_settle(self._h, a, first, last, only)
        return Ledger(ledger, self)

    def _fill_person_costs(self, a, df):
        from .errors import DuplicateError, InvalidError
        for col in ("year", "cost"):
            if col not in df:
                raise InvalidError("person_costs: a '%s' column is required (columns: %s)"
                                   % (col, ", ".join(map(str, df.columns))), _ll.NCM_ERR_INVALID)
        if "person_id" in df:
            dup = df.duplicated(["year", "person_id"])
            if dup.any():
                i = int(np.flatnonzero(dup.to_numpy())[0])
                raise DuplicateError("person_costs: row %d: person %r is given twice in year %s"
                                     % (i, df["person_id"].iloc[i], df["year"].iloc[i]), _ll.NCM_ERR_DUPLICATE)
        costs = money_column(df["cost"], "person_costs.cost")
        years = df["year"].to_numpy()
        for y in sorted(set(int(v) for v in years)):
            m = years == y
            parties = None
            if "party" in df:
                p = df["party"].to_numpy(dtype=object)[m]
                blank = [_is_blank(x) for x in p]
                if not all(blank):
                    parties = [None if b else str(x) for x, b in zip(p, blank)]
                    if any(b for b in blank):
                        raise InvalidError("person_costs: year %d has rows with and without a party; attribute "
                                           "every person of a year or none" % y, _ll.NCM_ERR_INVALID)
            _ll.ncmpy_actuals_set_person_costs(a, y, np.ascontiguousarray(costs[m], dtype=np.int64), parties)

    def _fill_actuals(self, a, df, only=None):
        cols = set(df.columns)
        if only is None and {"kind", "name", "value"} <= cols:  # the C CSV's long format
            for y, kind, name, value in zip(df["year"], df["kind"], df["name"], df["value"]):
                kind = str(kind)
                blank = _is_blank(name)
                if kind == "cost":
                    _ll.ncm_actuals_set_cost(a, int(y), None if blank else str(name), money_scalar(value, "cost"))
                elif kind == "volume":
                    _ll.ncm_actuals_set_volume(a, int(y), str(name), int(value))
                elif kind == "member_months":
                    _ll.ncm_actuals_set_member_months(a, int(y), str(name), float(value))
                else:
                    from .errors import ParseError
                    raise ParseError("actuals: kind %r is not cost, volume or member_months" % kind,
                                     _ll.NCM_ERR_PARSE)
            return
        if "year" not in cols:
            from .errors import InvalidError
            raise InvalidError("actuals: a 'year' column is required (columns: %s)" % ", ".join(map(str, df.columns)),
                               _ll.NCM_ERR_INVALID)
        years = df["year"].to_numpy()
        if only is None and "cost" in cols:
            party = df["party"] if "party" in cols else [None] * len(df)
            mask = df["cost"].notna().to_numpy()
            costs = money_column(df["cost"][mask], "cost")
            for y, p, c in zip(years[mask], np.asarray(party, dtype=object)[mask], costs):
                _ll.ncm_actuals_set_cost(a, int(y), None if _is_blank(p) else str(p), int(c))
        if "component" in cols:
            if only in (None, "volume") and "volume" in cols:
                m = df["volume"].notna().to_numpy()
                for y, c, v in zip(years[m], df["component"][m], df["volume"][m]):
                    _ll.ncm_actuals_set_volume(a, int(y), str(c), int(v))
            if only in (None, "member_months") and "member_months" in cols:
                m = df["member_months"].notna().to_numpy()
                for y, c, v in zip(years[m], df["component"][m], df["member_months"][m]):
                    _ll.ncm_actuals_set_member_months(a, int(y), str(c), float(v))


class Ledger:
    """The settlement of a contract: every money movement, summing exactly per party and in total.

    ``to_pandas()`` gives one row per line; ``by_party()`` the totals per party and year;
    ``totals()`` per party over the whole statement; ``risk(year)`` the risk-share split;
    ``explain()`` readable text; ``to_csv(path)`` / ``to_json(path)`` write the C formats.
    """

    def __init__(self, handle, contract):
        self._h = handle
        self.contract = contract  # keeps the contract alive as long as the ledger
        n = _ll.ncm_ledger_count(handle)
        cols = {k: np.empty(n, np.int32) for k in ("year", "kind", "component", "payer", "payee")}
        mon = {k: np.empty(n, np.int64) for k in ("base", "amount", "paid", "balance")}
        rate = np.empty(n, np.float64)
        _ll.ncmpy_ledger_columns(handle, cols["year"], cols["kind"], cols["component"], cols["payer"], cols["payee"],
                                 mon["base"], rate, mon["amount"], mon["paid"], mon["balance"])
        self._keys, self._money, self._rate = cols, mon, rate
        self.parties = [_ll.ncm_ledger_party_name(handle, i) for i in range(_ll.ncm_ledger_party_count(handle))]
        ncomp = _ll.ncm_contract_component_count(contract._h)
        self.component_names = [_ll.ncm_ledger_component_name(handle, i) for i in range(ncomp)]
        self._what = [_ll.ncm_ledger_what(handle, i) for i in range(n)]
        ybuf = np.empty(64, np.int32)
        #: The contract years settled, in order.
        self.years = [int(y) for y in ybuf[:_ll.ncmpy_ledger_years(handle, ybuf)]]

    def __len__(self):
        return len(self._what)

    def to_pandas(self, *, money="decimal"):
        """One row per line: year, what, component (the rule), kind, base, rate, amount, paid, balance,
        payer, payee. Money columns in the ``money`` representation (exact Decimal by default)."""
        k = self._keys
        kinds = [_ll.ncm_line_kind_name(int(x)) for x in k["kind"]]
        return pd.DataFrame({
            "year": k["year"].astype(np.int64),
            "what": self._what,
            "component": [self.component_names[int(i)] for i in k["component"]],
            "kind": kinds,
            "base": money_out(self._money["base"], money),
            "rate": self._rate,
            "amount": money_out(self._money["amount"], money),
            "paid": money_out(self._money["paid"], money),
            "balance": money_out(self._money["balance"], money),
            "payer": [self.parties[int(i)] for i in k["payer"]],
            "payee": [self.parties[int(i)] for i in k["payee"]],
        })

    def _party_rows(self, year, money):
        rows = []
        for i, name in enumerate(self.parties):
            rec, out, cost, bal = _ll.ncm_ledger_party_totals(self._h, year, i)
            rows.append((name, rec, out, rec - out, cost, rec - out - cost, bal))
        cols = ["party", "received", "paid_out", "net", "cost", "result", "balance"]
        df = pd.DataFrame(rows, columns=cols)
        for c in cols[1:]:
            df[c] = money_out(df[c].to_numpy(np.int64), money)
        return df

    def by_party(self, *, money="decimal"):
        """Per year and party: received, paid_out, net (= received - paid_out), cost, result
        (= net - cost) and balance (true-up still to come, < 0 = to be returned). Over all parties
        ``net`` sums to 0 exactly in every year."""
        frames = []
        for y in self.years:
            df = self._party_rows(y, money)
            df.insert(0, "year", y)
            frames.append(df)
        if not frames:
            return pd.DataFrame(columns=["year", "party", "received", "paid_out", "net", "cost", "result", "balance"])
        return pd.concat(frames, ignore_index=True)

    def totals(self, *, money="decimal"):
        """As :meth:`by_party` over the whole statement (one row per party)."""
        return self._party_rows(0, money)

    def risk(self, year, component=None, *, money="decimal"):
        """The risk/gain share result of ``year`` for a risk_share component (the first one if not
        named): dict with base, variance (base - cost), provider (> 0 surplus kept, < 0 loss borne)
        and commissioner; provider + commissioner == variance exactly."""
        comps = self.contract.components
        if component is None:
            rs = comps.index[comps["type"] == "risk_share"]
            if len(rs) == 0:
                from .errors import NotFoundError
                raise NotFoundError("the contract has no risk_share component", _ll.NCM_ERR_NOT_FOUND)
            idx = int(rs[0])
        else:
            idx = _ll.ncm_contract_find_component(self.contract._h, str(component))
        base, var, prov, comm = _ll.ncm_ledger_risk(self._h, int(year), idx)
        return {k: money_out(v, money) for k, v in
                (("base", base), ("variance", var), ("provider", prov), ("commissioner", comm))}

    def explain(self):
        """Readable text: every line (year, rule: what, payer -> payee, amount), the risk-share split of
        each year, and each party's result over the statement."""
        fmt = lambda u: _ll.ncm_money_format(int(u), 2, _ll.NCM_MONEY_GROUPING)  # noqa: E731
        out = ["%s (%s), years %s" % (self.contract.name, self.contract.form,
                                      ", ".join(map(str, self.years)) or "none")]
        k = self._keys
        for i, what in enumerate(self._what):
            line = "%s: %s" % (self.component_names[int(k["component"][i])], what)
            who = "%s -> %s" % (self.parties[int(k["payer"][i])], self.parties[int(k["payee"][i])])
            extra = ""
            if self._money["paid"][i]:
                extra = "  (paid %s, balance %s)" % (fmt(self._money["paid"][i]), fmt(self._money["balance"][i]))
            out.append("%4d  %-62s  %-34s  %16s%s" % (k["year"][i], line, who, fmt(self._money["amount"][i]), extra))
        comps = self.contract.components
        for ci in comps.index[comps["type"] == "risk_share"]:
            for y in self.years:
                try:
                    base, var, prov, comm = _ll.ncm_ledger_risk(self._h, y, int(ci))
                except Exception:
                    continue
                if var >= 0:
                    out.append("year %d %s: surplus %s: provider keeps %s of surplus and returns %s" % (
                        y, comps["name"][ci], fmt(var), fmt(prov), fmt(comm)))
                else:
                    out.append("year %d %s: deficit %s: provider bears %s and the commissioner %s" % (
                        y, comps["name"][ci], fmt(-var), fmt(-prov), fmt(-comm)))
        for r in self.totals(money="minor").itertuples():
            out.append("%s: received %s, paid out %s, net %s, cost %s, result %s" % (
                r.party, fmt(r.received), fmt(r.paid_out), fmt(r.net), fmt(r.cost), fmt(r.result)))
        return "\n".join(out)

    def to_csv(self, path):
        """Write the C ledger CSV (``year,component,kind,what,payer,payee,base,rate,amount,paid,balance``)."""
        _ll.ncm_ledger_write_csv(self._h, os.fspath(path))

    def to_json(self, path):
        """Write the C ledger JSON (schema ``ncm.ledger/1``: lines, per-party totals, risk results)."""
        _ll.ncm_ledger_write_json(self._h, os.fspath(path))

    def __repr__(self):
        return "Ledger(%r, %d lines, years %s)" % (self.contract.name, len(self), self.years)
