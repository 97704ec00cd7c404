"""Synthetic populations from Python: :func:`synth_population` wraps ncm_synth_population() (synth.h)."""

from . import lowlevel as _ll
from .population import Population

__all__ = ["synth_population"]


def synth_population(people=10000, *, seed=2015, places=0, systems=1, churn_rate=None, minor_codes_mean=None):
    """A synthetic :class:`ncm.Population` of ``people`` people (ONS age-sex structure, practices of
    2,000-20,000 grouped into networks and places, deprivation deciles, months enrolled, diagnoses
    and annual costs; see the guide page "Synthetic population"). The same arguments give the same
    table, byte for byte. ``places=0`` chooses the number of places (250,000-750,000 people each).
    """
    churn = _ll.NCM_SYNTH_DEFAULT_CHURN if churn_rate is None else float(churn_rate)
    codes = _ll.NCM_SYNTH_DEFAULT_MINOR_CODES if minor_codes_mean is None else float(minor_codes_mean)
    return Population(_ll.ncm_synth_population(int(seed), int(people), int(places), int(systems), churn, codes))
