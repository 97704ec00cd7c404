"""ncm.synth_population: options reach the C generator; bad options raise with the C message."""
import numpy as np
import pytest

import ncm


def test_synth_population_options_and_errors():
    still = ncm.synth_population(people=3000, seed=9, churn_rate=0.0, minor_codes_mean=0.0)
    moving = ncm.synth_population(people=3000, seed=9, churn_rate=0.5, minor_codes_mean=5.0)
    assert len(still) == 3000
    # more churn, more part years (births and deaths give some part years even without churn)
    assert (still.months_enrolled < 12).sum() < (moving.months_enrolled < 12).sum()
    # minor codes add diagnoses on top of the long-term conditions
    assert still.dx_offsets[-1] < moving.dx_offsets[-1]
    assert len(ncm.synth_population(people=0)) == 0
    with pytest.raises(ncm.RangeError, match="churn"):
        ncm.synth_population(people=10, churn_rate=1.5)
