#!/usr/bin/python3
"""Risk by segment: score the built-in synthetic population with CMS-HCC V24, segment it with
Bridges to Health, print a summary table and plot the score distribution by segment to a PNG.

usage: PYTHONPATH=build/python /usr/bin/python3 examples/python/risk_by_segment.py
           [--tables DIR] [--out PNG] [--people N] [--seed S]

--tables defaults to $NCM_SHARED_DATA/cms-hcc, else ../shared/data/cms-hcc next to the repository.
When the CMS tables are absent the program says so and exits with status 77 (ctest: skipped).
--out defaults to risk_by_segment.png in a new temporary folder; the path is printed.

CMS-HCC is a Medicare model: people under 65 are in Medicare through disability, so the example
scores people aged 65 and over in the community, non-dual, aged segment (CNA, OREC 0) and
younger people in the community, non-dual, disabled segment (CND, OREC 1). The synthetic
population is English; the point is the mechanics, not US payment levels.

Expected output (10,000 people, seed 2015; the PNG path differs; ctest checks the mean score, the short_decline row and the organ_failure tiers):

    10,000 people, 9,504.1 person-years, 25,838 diagnosis codes (23,345 not in the CMS-HCC V24 mapping)
    mean raw score 0.3430, exposure-weighted mean 0.3416 (the factor ncm.normalize divides by)

    Bridges to Health segment   people  % people  mean risk  cost share
    short_decline                  295      3.0%      0.882        8.7%
    long_decline                   254      2.5%      0.922        9.6%
    organ_failure                  180      1.8%      0.808        3.7%
    chronic_normal_function       2845     28.4%      0.428       37.7%
    stable_disability               31      0.3%      0.239        0.4%
    maternal_infant                 86      0.9%      0.201        0.5%
    acutely_ill                    551      5.5%      0.275        3.7%
    healthy                       5758     57.6%      0.241       35.6%

    people by segment and risk tier (tier_1 = top 0.5%, tier_2 next 4.5%, tier_3 next 15%):
    risk-tiers               tier_1  tier_2  tier_3  tier_4
    bridges-to-health
    short_decline                17     108     165       5
    long_decline                 29     110      93      22
    organ_failure                 4      69     104       3
    chronic_normal_function       0     161     897    1787
    stable_disability             0       0       0      31
    maternal_infant               0       0       0      86
    acutely_ill                   0       0      24     527
    healthy                       0       2      99    5657

    wrote /tmp/ncm_risk_XXXXXXXX/risk_by_segment.png
"""
import argparse
import os
import sys
import tempfile

import numpy as np

import ncm

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def default_tables():
    shared = os.environ.get("NCM_SHARED_DATA") or os.path.join(os.path.dirname(ROOT), "shared", "data")
    return os.path.join(shared, "cms-hcc")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", default=default_tables(), help="folder with the CMS-HCC tables")
    ap.add_argument("--out", default=None, help="PNG to write (default: a new temporary folder)")
    ap.add_argument("--people", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=2015)
    a = ap.parse_args()

    if not os.path.isfile(os.path.join(a.tables, "coefficients.csv")):
        print("CMS-HCC tables not found in %s: cannot score with V24.\n"
              "Give --tables DIR (the folder holding coefficients.csv, dx_to_cc.csv, hierarchies.csv,\n"
              "interactions.csv) or set NCM_SHARED_DATA." % a.tables)
        return 77

    # 1. the population: synthetic, with the CMS eligibility columns added (see the docstring)
    pop = ncm.synth_population(people=a.people, seed=a.seed)
    people, dx = pop.to_pandas(money="minor")
    aged = people["age"].to_numpy() >= 65
    people["segment"] = np.where(aged, "CNA", "CND")
    people["orec"] = np.where(aged, 0, 1)
    pop = ncm.Population.from_pandas(people, dx, cost_unit="minor")

    # 2. risk scores: CMS-HCC V24, one bulk call; terms and unknown codes come with the scores
    model = ncm.RiskModel.cms_hcc(a.tables, version="V24")
    scores = model.score(pop)
    exposure = pop.months_enrolled / 12.0
    _, factor = ncm.normalize(scores["raw"], exposure)

    # 3. segments: Bridges to Health from the diagnosis codes, and the risk-tier pyramid from the scores
    b2h = ncm.Segmentation.bridges_to_health()
    seg = b2h.assign(pop)
    summary = b2h.summary(pop, scores=scores["raw"], segments=seg)
    tiers = ncm.Segmentation.risk_tiers().assign(pop, scores=scores["raw"])

    print("%s people, %s person-years, %s diagnosis codes (%s not in the %s mapping)" % (
        format(len(pop), ","), format(float(exposure.sum()), ",.1f"), format(len(dx), ","),
        format(scores.attrs["unknown_total"], ","), model.name))
    print("mean raw score %.4f, exposure-weighted mean %.4f (the factor ncm.normalize divides by)" % (
        scores["raw"].mean(), factor))
    print()
    print("%-26s %7s %9s %10s %11s" % ("Bridges to Health segment", "people", "% people", "mean risk", "cost share"))
    for name, row in summary.iterrows():
        print("%-26s %7d %8.1f%% %10.3f %10.1f%%" % (name, row["people"], 100.0 * row["people"] / len(pop),
                                                   row["mean_risk"], 100.0 * row["cost_share"]))
    print()
    ct = ncm.crosstab(seg, tiers)
    print("people by segment and risk tier (tier_1 = top 0.5%, tier_2 next 4.5%, tier_3 next 15%):")
    print(ct.to_string())

    # 4. the plot: score distribution by segment (matplotlib, no display needed)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    out = a.out or os.path.join(tempfile.mkdtemp(prefix="ncm_risk_"), "risk_by_segment.png")
    names = [s for s in b2h.segments if (seg == s).any()]
    data = [scores["raw"].to_numpy()[(seg == s).to_numpy()] for s in names]
    fig, ax = plt.subplots(figsize=(10, 5))
    ax.boxplot(data, vert=False, showfliers=True, flierprops={"markersize": 2})
    ax.set_yticks(range(1, len(names) + 1))
    ax.set_yticklabels(["%s (%d)" % (s, len(d)) for s, d in zip(names, data)])
    ax.invert_yaxis()  # segments top to bottom in rule order
    ax.set_xlabel("CMS-HCC V24 raw risk score")
    ax.set_title("Risk score by Bridges to Health segment, synthetic population of %s" % format(len(pop), ","))
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    print()
    print("wrote %s" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
