"""UnitingCare replayed before signature, from Python: could a 726m capitated outcomes contract carry
the older people's costs of a 900,000-person commissioner?

The seed's facts (../shared/docs/DOMAIN.md): bids were capped at 752m, UnitingCare won at 726m, the
contract value already assumed a 10% cost reduction, neither side funded the VAT, and eight months in
the provider asked for a further 34m before withdrawing. The bundled scenario
examples/scenarios/unitingcare.json models that: costs of 150m in year 1 before efficiencies, 2.5%
demand growth, 1.5% inflation, efficiency *delivered* normal(7%, 3%) against the 10% assumed, a bad
winter (+3%) with probability 25% a year, outcome scores beta(0.75, 0.10), VAT borne by the provider.

Run after building (about 2 s on the 2-core build machine):
    PYTHONPATH=build/python /usr/bin/python3 examples/python/unitingcare_viability.py [OUTDIR] [--trials N]

Writes OUTDIR/unitingcare_distribution.png, unitingcare_deficit_by_year.png and
unitingcare_deficit_by_bid.png (OUTDIR defaults to a new temporary folder).

Expected output (5,000 trials, seed 2015; millions of pounds over the five-year term; any thread count):
    design                                     mean      sd  P(deficit)   ES 5%  P(cost>752m)
    prime 726m                               -62.69   23.55       0.996 -109.99         0.832
    prime 726m + 50/50 corridor beyond 5%    -18.51   14.73       0.885  -46.02         0.832
    alliance 726m + stop-loss                  0.06    9.75       0.555  -15.63         0.765

    prime at 726m: P(loss > the 34m later requested) = 0.882; mean loss given a loss 62.95m
    the same, had the assumed 10% efficiency been delivered (paired): mean -40.21m, P(deficit) 0.952
    gain from delivering the assumed efficiency: +22.49m (se 0.01m)
    prime at the 752m cap: P(deficit) 0.942, mean -37.62m
    lowest bid with P(deficit) <= 10% (prime, 2,000 trials): 822.42m
    wrote 3 plots to OUTDIR

So even with the assumed efficiency delivered, 726m (and the 752m cap) leaves the prime in deficit in
95% of trials; the 34m asked for would not have covered the loss in 88% of them. The lowest bid that
meets a 10% deficit risk is 822m, 70m above the cap.
"""
import argparse
import os
import sys
import tempfile

import numpy as np

import ncm

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "..", "scenarios", "unitingcare.json")
M = 1e6


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", nargs="?", default=None, help="folder for the PNGs (default: a temporary folder)")
    ap.add_argument("--trials", type=int, default=5000)
    ap.add_argument("--threads", type=int, default=None)
    a = ap.parse_args(argv)
    out = a.outdir or tempfile.mkdtemp(prefix="ncm-unitingcare-")
    os.makedirs(out, exist_ok=True)

    sc = ncm.Scenario(SCENARIO)
    res = ncm.simulate(sc, trials=a.trials, seed=2015, threads=a.threads, progress=sys.stderr.isatty())
    s = res.summary(party="providers", year=0)
    print("%-38s %8s %7s %11s %7s %13s" % ("design", "mean", "sd", "P(deficit)", "ES 5%", "P(cost>752m)"))
    for r in s.itertuples():
        print("%-38s %8.2f %7.2f %11.3f %7.2f %13.3f" % (r.design, r.mean / M, r.sd / M, r.p_deficit, r.es05 / M,
                                                         r.p_cap))

    prime = res.trials("prime 726m")
    print("\nprime at 726m: P(loss > the 34m later requested) = %.3f; mean loss given a loss %.2fm" % (
        np.mean(prime < -34e6), -prime[prime < 0].mean() / M))

    # Sweep without re-loading: what if the 10% efficiency assumed in the price had been delivered?
    sc.set("efficiency.delivered.mean", 0.10)
    met = ncm.simulate(sc, trials=a.trials, seed=2015, threads=a.threads)
    sc.set("efficiency.delivered.mean", 0.07)
    m = met.summary("prime 726m", "providers", 0).iloc[0]
    print("the same, had the assumed 10%% efficiency been delivered (paired): mean %.2fm, P(deficit) %.3f" % (
        m["mean"] / M, m["p_deficit"]))
    gain = met.compare(res, design="prime 726m").iloc[0]
    print("gain from delivering the assumed efficiency: %+.2fm (se %.2fm)" % (gain["mean"] / M, gain["se_mean"] / M))

    # At the commissioner's cap, and the lowest viable bid
    tab = ncm.deficit_at(sc, ["726000000.00", "752000000.00"] + ["%d000000.00" % b for b in range(700, 901, 20)],
                         "prime 726m", trials=2000, seed=2015, threads=a.threads)
    cap = tab.iloc[1]
    print("prime at the 752m cap: P(deficit) %.3f, mean %.2fm" % (cap["p_deficit"], cap["mean"] / M))
    bid, p = ncm.find_bid(sc, "prime 726m", 0.10, trials=2000, seed=2015, threads=a.threads,
                          tolerance="726000.00")
    print("lowest bid with P(deficit) <= 10%% (prime, 2,000 trials): %.2fm" % (float(bid) / M))

    # Plots
    res.plot(os.path.join(out, "unitingcare_distribution.png"), kind="distribution")
    res.plot(os.path.join(out, "unitingcare_deficit_by_year.png"), kind="deficit_by_year")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4), dpi=90)
    grid = tab.iloc[2:]
    ax.plot(grid["bid"].astype(float) / M, grid["p_deficit"], marker="o", label="prime, 2,000 trials")
    ax.axhline(0.10, ls="--", color="grey", label="10% target")
    for x, lab in ((726, "bid 726m"), (752, "cap 752m"), (float(bid) / M, "viable %.0fm" % (float(bid) / M))):
        ax.axvline(x, ls=":", color="k")
        ax.text(x, 0.5, " " + lab, rotation=90, fontsize=8)
    ax.set_xlabel("bid over five years (m)")
    ax.set_ylabel("P(provider deficit over the term)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "unitingcare_deficit_by_bid.png"))
    print("wrote 3 plots to %s" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
