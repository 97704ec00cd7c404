"""ncm: the money side of new care models, from Python.

A thin Pythonic layer over libncm (C), built with SWIG:

- :class:`ncm.Money`: exact money (int minor units) to and from Decimal, str and float; checked
  arithmetic, rounding with named modes, splits that sum exactly.
- :class:`ncm.Population`: the population table, from and to pandas DataFrames or CSV files, with
  zero-copy read-only numpy views and geography roll-ups.
- :class:`ncm.RiskModel`: CMS-HCC V24/V28, age-sex, Charlson and Elixhauser scores with the terms
  that made them (``model.score(pop)`` -> DataFrame); :func:`ncm.normalize`, :func:`ncm.cap_growth`.
- :class:`ncm.Segmentation`: Bridges to Health, risk tiers, age x LTC and JSON rule sets;
  ``assign`` -> categorical Series, ``summary`` -> DataFrame; :func:`ncm.crosstab`.
- :func:`ncm.capitation`, :func:`ncm.budget` (:class:`ncm.Budget`), :func:`ncm.fair_shares`,
  :func:`ncm.pace_of_change`, :func:`ncm.pool_share`, :func:`ncm.year_of_care`, :func:`ncm.stop_loss`,
  :class:`ncm.Envelope`: capitation primitives, exact to the penny (capitation.h).
- :func:`ncm.synth_population`: a synthetic population of any size (synth.h).
- :class:`ncm.Contract` / :class:`ncm.Ledger`: declarative contracts settled into exact ledgers;
  :class:`ncm.RiskShare` corridors; :class:`ncm.OutcomeFramework` scoring and :func:`ncm.oe_funnel`;
  :func:`ncm.mssp_settle` (Medicare Shared Savings Program) over a DataFrame in one C call.
- :class:`ncm.Scenario`, :func:`ncm.simulate` (:class:`ncm.SimulationResult`), :func:`ncm.find_bid`:
  Monte Carlo viability of contract designs (simulate.h), summaries as DataFrames, paired comparisons.
- :class:`ncm.Error` and its subclasses: every failing C call raises the subclass for its
  ``ncm_status``, carrying the library's message (which names the file, line, field and reason).

``ncm.lowlevel`` is the SWIG module itself (one function per C function, docstrings from the C
headers); prefer the classes above.
"""

from . import lowlevel
from .errors import (Error, InvalidError, NoMemoryError, FileError, ParseError, MoneyOverflowError, RangeError,
                     NotFoundError, VersionError, DuplicateError, InconsistentError, BufferTooSmallError,
                     CancelledError, InternalError, error_class)
from .money import Money, ROUNDING
from .population import Population, LEVELS, CANONICAL_COLUMNS
from .synth import synth_population
from .risk import RiskModel, normalize, cap_growth
from .segment import Segmentation, ConditionGroups, crosstab
from .capitation import (Budget, budget, capitation, year_of_care, fair_shares, top_slice, pool_share,
                         pace_of_change, pace_project, stop_loss, stop_loss_expected, Envelope)
from .riskshare import RiskShare, Split, BUILTIN_SCHEDULES
from .outcome import OutcomeFramework, OutcomeScore, oe_funnel
from .savings import mssp_settle, mssp_msr, mssp_tracks, MsspTracks
from .contract import Contract, Ledger
from .simulate import Scenario, simulate, SimulationResult, find_bid, deficit_at, STATS, ProgressBar

__version__ = lowlevel.ncm_version_string()


def strerror(status):
    """The library's short description of an ``ncm_status`` code."""
    return lowlevel.ncm_strerror(int(status))


def last_error():
    """The message of the most recent failure of a C call on this thread ("" if none)."""
    return lowlevel.ncm_last_error()


__all__ = [
    "Error", "InvalidError", "NoMemoryError", "FileError", "ParseError", "MoneyOverflowError", "RangeError",
    "NotFoundError", "VersionError", "DuplicateError", "InconsistentError", "BufferTooSmallError",
    "CancelledError", "InternalError", "error_class", "Money", "ROUNDING", "Population", "LEVELS",
    "CANONICAL_COLUMNS", "synth_population", "RiskModel", "normalize", "cap_growth", "Segmentation",
    "ConditionGroups", "crosstab", "Budget", "budget", "capitation", "year_of_care", "fair_shares",
    "top_slice", "pool_share", "pace_of_change", "pace_project", "stop_loss", "stop_loss_expected", "Envelope",
    "RiskShare", "Split", "BUILTIN_SCHEDULES", "OutcomeFramework", "OutcomeScore", "oe_funnel", "mssp_settle",
    "mssp_msr", "mssp_tracks", "MsspTracks", "Contract", "Ledger", "Scenario", "simulate", "SimulationResult", "find_bid", "deficit_at", "STATS",
    "ProgressBar", "strerror", "last_error", "lowlevel", "__version__",
]
