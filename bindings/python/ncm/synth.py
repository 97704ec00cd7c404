"""The built-in synthetic population (synth.h) from Python."""

from . import lowlevel as _ll
from .population import Population

__all__ = ["synth_population"]


def synth_population(people=10000, seed=2015, *, places=0, systems=1, churn_rate=0.08, minor_codes_mean=2.0):
    """Generate the seeded synthetic population (ONS age-sex structure, practices, networks,
    places, deprivation, months enrolled, long-term conditions as ICD-10 codes, annual costs).

    The same arguments give the same population, byte for byte. ``places=0`` chooses the number
    of places so that each holds 250,000-750,000 people. Returns an :class:`ncm.Population`.
    Raises :class:`ncm.RangeError` for an option out of range (the message names it).
    """
    for name, v in (("people", people), ("seed", seed), ("places", places), ("systems", systems)):
        if int(v) < 0:
            raise _ll_range("%s: %d is negative" % (name, int(v)))
    return Population(_ll.ncm_synth_population(int(people), int(seed), int(places), int(systems),
                                               float(churn_rate), float(minor_codes_mean)))


def _ll_range(msg):
    from .errors import RangeError
    return RangeError(msg, _ll.NCM_ERR_RANGE)
