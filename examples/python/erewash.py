#!/usr/bin/python3
"""Erewash-style shadow place-based capitated budget, from Python: a 97,000-person synthetic population
(ncm.synth_population), segmented into five population segments, budgeted by segment and practice for
two years. The Python counterpart of examples/c/erewash_capitation.c, on the library's own synthetic
population instead of a hand-rolled one.

Year 1 (shadow): an envelope of 150,000,000.00 minus a 3,000,000.00 high-cost drugs carve-out and a 2%
reserve is split by need-weighted capitation (age index x segment need, normalised to an
exposure-weighted mean of 1; part-year people count for their months) and reported per segment and per
practice; six months in, leavers and joiners trigger a recalculation with true-up lines per practice
(what was paid for months 1-6 against the recalculated year; the original run is kept). Year 2 (paced
from the year-1 shadow budget): the envelope grows 2.1% (ncm.Envelope); each practice's year-2 target
is its fair share (ncm.fair_shares) of that envelope by weighted population x a deprivation index,
and pace of change (floor +1%, cap +3%) moves each practice from its year-1 budget toward target. Every table adds
up exactly to its envelope.

Segments (illustrative rules on the synthetic table, with no minor diagnosis codes so every code is a
long-term condition): end of life = the costliest 0.5% aged 65+; frailty = 75+ with 2+ conditions;
complex = 2+ conditions under 75; long-term condition = 1 condition; healthy = none.

usage: PYTHONPATH=build/python /usr/bin/python3 examples/python/erewash.py

Expected output:
    Year 1 (shadow) gross 150000000.00: high-cost drugs 3000000.00, reserve 3000000.00, distributed 144000000.00
    segment                 people   weighted         budget
    healthy                  58001   23339.94    36460584.80
    long-term condition      22751   24960.81    38992635.48
    complex                  10619   22118.53    34552548.20
    frailty                   5144   17809.71    27821502.58
    end of life                485    3951.42     6172728.94
    total                    97000   92180.42   144000000.00
    Mid-year (month 6): 800 leavers, 1000 joiners; paid 72000000.00, true-up 72000000.00
    practice         year 1   recalculated    paid (6 mo)        true-up
    P00001       9765677.04     9752747.37     4882856.17     4869891.20
    P00002       5706580.41     5698898.22     2853299.79     2845598.43
    P00003      28715878.92    28727335.88    14357987.16    14369348.72
    P00004      13815877.62    13820246.79     6907961.83     6912284.96
    P00005      12847279.96    12867560.69     6423661.41     6443899.28
    P00006      11780887.73    11776862.78     5890428.12     5886434.66
    P00007       6324972.75     6320133.80     3162475.58     3157658.22
    P00008      25743339.09    25763329.03    12871626.24    12891702.79
    P00009      10928671.41    10911875.02     5464316.18     5447558.84
    P00010       5889819.23     5888733.55     2944900.15     2943833.40
    P00011      12481015.84    12472276.87     6240487.37     6231789.50
    practice  people         year 1      target y2   year 2 (paced)   change
    P00001      6899     9765677.04     9331287.62       9863333.82   +1.00%
    P00002      3796     5706580.41     6000205.89       5857214.18   +2.64%
    P00003     18762    28715878.92    30169054.02      29464239.60   +2.61%
    P00004      9060    13815877.62    14651655.02      14229969.96   +3.00%
    P00005      8483    12847279.96    13498169.78      13182387.71   +2.61%
    P00006      8574    11780887.73    10821263.27      11898696.61   +1.00%
    P00007      4225     6324972.75     6643880.61       6489344.58   +2.60%
    P00008     17419    25743339.09    26597804.15      26236920.24   +1.92%
    P00009      7698    10928671.41    10226749.41      11037958.13   +1.00%
    P00010      3845     5889819.23     6189442.34       6043932.89   +2.62%
    P00011      8239    12481015.84    12894487.89      12720002.28   +1.91%
    total      97000   144000000.00   147024000.00     147024000.00
    year-2 envelope: 147024000.00 (144000000.00 + 2.1% = 3024000.00)
"""
import sys

import numpy as np
import pandas as pd

import ncm

SEGMENTS = ["healthy", "long-term condition", "complex", "frailty", "end of life"]
NEED = {"healthy": 0.6, "long-term condition": 1.3, "complex": 2.2, "frailty": 3.0, "end of life": 8.0}


def population():
    """The synthetic population as a per-person DataFrame with segment and weight."""
    pop = ncm.synth_population(97000, seed=2016, minor_codes_mean=0.0)
    age = pop.age.astype(np.float64)
    conditions = np.diff(pop.dx_offsets.astype(np.int64))
    cost = pop.annual_cost
    practice_ids, practice_names = pop.codes("practice")
    seg = np.select([conditions == 0, conditions == 1, age < 75], [0, 1, 2], default=3)
    old = age >= 65
    eol_cut = np.quantile(cost[old], 1.0 - 0.005 * len(cost) / max(int(old.sum()), 1))
    seg = np.where(old & (cost >= eol_cut), 4, seg)
    segment = np.array(SEGMENTS, dtype=object)[seg]
    weight = (0.6 + age / 60.0) * pd.Series(segment).map(NEED).to_numpy()
    return pd.DataFrame({
        "practice": np.array(practice_names, dtype=object)[practice_ids],
        "place": "Erewash",
        "segment": pd.Categorical(segment, categories=SEGMENTS),
        "months": pop.months_enrolled,
        "deprivation": pop.deprivation_decile,
        "weight": weight,
    })


def main():
    people = population()
    # ---------------------------------------------------------------- year 1 (shadow)
    b1 = ncm.budget(people, envelope="150000000.00", weights="weight", levels=["practice", "place"],
                    carve_outs={"high-cost drugs": 3000000}, top_slices={"reserve": 0.02})
    lines = b1.lines()["amount"]
    print("Year 1 (shadow) gross %s: high-cost drugs %s, reserve %s, distributed %s" %
          (lines["gross"], lines["high-cost drugs"], lines["reserve"], lines["distributed"]))
    seg = b1.segments().reindex(SEGMENTS)
    print("%-22s %7s %10s %14s" % ("segment", "people", "weighted", "budget"))
    for name, row in seg.iterrows():
        print("%-22s %7d %10.2f %14s" % (name, row["people"], row["weighted"], row["amount"]))
    print("%-22s %7d %10.2f %14s" % ("total", seg["people"].sum(), seg["weighted"].sum(), sum(seg["amount"])))

    # ---------------------------------------------------------------- year 1, mid-year change
    # six months in, 800 people with a full year leave at month 6 and 1,000 people join for the last 6
    # months (copies of random people's attributes): the same envelope is re-split, and each practice
    # sees what was paid for months 1-6 and the true-up still to pay (negative: to recover)
    rng = np.random.default_rng(6)
    full = np.flatnonzero(people["months"].to_numpy() == 12.0)
    leavers = rng.choice(full, size=800, replace=False)
    after = people.copy()
    after.loc[leavers, "months"] = 6.0
    joiners = people.iloc[rng.choice(len(people), size=1000, replace=False)].assign(months=6.0)
    after = pd.concat([after, joiners], ignore_index=True)
    rows = np.concatenate([np.arange(len(people)), np.full(len(joiners), -1)])
    b1m = b1.recalculate(after, original_row=rows, paid_months=6, weights="weight", levels=["practice", "place"])
    u0, um = b1.units("practice"), b1m.units("practice")
    print("Mid-year (month 6): 800 leavers, 1000 joiners; paid %s, true-up %s" %
          (b1m.paid_total, b1m.distributed - b1m.paid_total))
    print("%-8s %14s %14s %14s %14s" % ("practice", "year 1", "recalculated", "paid (6 mo)", "true-up"))
    for p in um.index:
        print("%-8s %14s %14s %14s %14s" % (p, u0.loc[p, "amount"], um.loc[p, "amount"], um.loc[p, "paid"],
                                            um.loc[p, "true_up"]))
    assert sum(um["amount"]) == b1.distributed and sum(um["paid"]) + sum(um["true_up"]) == b1.distributed

    # ---------------------------------------------------------------- year 2
    y1 = b1.units("practice")
    env = ncm.Envelope(b1.distributed, years=2, growth=0.021).schedule()
    e2 = env.loc[2, "amount"]
    # additional-need index per practice from deprivation (decile 1 = most deprived): 0.9 + 0.02 x (11 - mean
    # decile of its people), so 0.92 for the least deprived practice mix up to 1.10 for the most deprived
    dep = 0.9 + 0.02 * (11.0 - people.groupby("practice")["deprivation"].mean())
    units = pd.DataFrame({"practice": y1.index, "weighted": y1["weighted"].to_numpy(),
                          "deprivation": dep.reindex(y1.index).to_numpy()})
    target = ncm.fair_shares(units, envelope=e2, unit="practice", indices=["weighted", "deprivation"])["share"]
    paced = ncm.pace_of_change(y1["amount"], target, envelope=e2, floor=0.01, cap=0.03)
    print("%-8s %7s %14s %14s %16s %8s" % ("practice", "people", "year 1", "target y2", "year 2 (paced)", "change"))
    for p in y1.index:
        print("%-8s %7d %14s %14s %16s %+7.2f%%" % (p, y1.loc[p, "people"], y1.loc[p, "amount"], target[p],
                                                   paced.loc[p, "allocation"], 100 * paced.loc[p, "growth"]))
    print("%-8s %7d %14s %14s %16s" % ("total", y1["people"].sum(), sum(y1["amount"]), sum(target),
                                       sum(paced["allocation"])))
    # every table adds up exactly (checked before the last line, which the ctest entry looks for)
    assert sum(paced["allocation"]) == e2 and sum(target) == e2 and sum(y1["amount"]) == b1.distributed
    assert sum(seg["amount"]) == b1.distributed
    print("year-2 envelope: %s (%s + 2.1%% = %s)" % (e2, env.loc[1, "amount"], env.loc[2, "growth"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
