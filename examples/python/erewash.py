#!/usr/bin/python3
"""Erewash-style shadow place-based capitated budget, from Python: a 97,000-person synthetic population
(ncm.synth_population), segmented into five population segments, budgeted by segment and practice for
two years. The Python counterpart of examples/c/erewash_capitation.c, on the library's own synthetic
population instead of a hand-rolled one.

Year 1 (shadow): an envelope of 150,000,000.00 minus a 3,000,000.00 high-cost drugs carve-out and a 2%
reserve is split by need-weighted capitation (age index x segment need, normalised to an
exposure-weighted mean of 1; part-year people count for their months) and reported per segment and per
practice. Year 2: the envelope grows 2.1% (ncm.Envelope); each practice's year-2 target is its fair
share (ncm.fair_shares) of that envelope by weighted population x a deprivation index, and pace of
change (floor +1%, cap +3%) moves each practice from its year-1 budget toward target. Every table adds
up exactly to its envelope.

Segments (illustrative rules on the synthetic table, with no minor diagnosis codes so every code is a
long-term condition): end of life = the costliest 0.5% aged 65+; frailty = 75+ with 2+ conditions;
complex = 3+ conditions, or 2+ under 75; long-term condition = 1 or 2 conditions; healthy = none.

usage: PYTHONPATH=build/python /usr/bin/python3 examples/python/erewash.py

Expected output:
    Year 1 (shadow) gross 150000000.00: high-cost drugs 3000000.00, reserve 3000000.00, distributed 144000000.00
    segment                 people   weighted         budget
    healthy                  58002   23341.10    36462489.46
    long-term condition      22751   24960.23    38991822.65
    complex                  10618   22117.32    34550752.51
    frailty                   5144   17810.03    27822088.53
    end of life                485    3951.49     6172846.85
    total                    97000   92180.17   144000000.00
    practice  people         year 1      target y2   year 2 (paced)   change
    P00001      6899     9765029.81     9330724.84       9862680.11   +1.00%
    P00002      3796     5707776.86     6001500.00       5858446.19   +2.64%
    P00003     18762    28716056.71    30169423.87      29464443.70   +2.61%
    P00004      9060    13815188.98    14651013.65      14229265.50   +3.00%
    P00005      8483    12842893.11    13493642.00      13177895.88   +2.61%
    P00006      8574    11779814.50    10820343.05      11897612.65   +1.00%
    P00007      4225     6325093.77     6644047.46       6489473.33   +2.60%
    P00008     17419    25747077.94    26601826.84      26240767.98   +1.92%
    P00009      7698    10938864.41    10236349.17      11048253.06   +1.00%
    P00010      3845     5889931.87     6189597.78       6044052.67   +2.62%
    P00011      8239    12472272.04    12885531.34      12711108.93   +1.91%
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
    seg = np.where(conditions == 0, 0, np.where(conditions <= 2, 1, 2))
    seg = np.where((conditions == 2) & (age < 75), 2, seg)
    seg = np.where((age >= 75) & (conditions >= 2), 3, seg)
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
