"""Prime provider or alliance? The same 726m older people's contract held by one prime provider or by
an alliance of three providers (55/30/15 value shares, gain or loss shared 50/50 with the
commissioner, stop-loss cover bought from an insurer), evaluated on the same random numbers, so the
comparison is paired: every trial's cost path is settled under both designs.

Run after building (about 2 s):
    PYTHONPATH=build/python /usr/bin/python3 examples/python/prime_vs_alliance.py [OUTDIR] [--trials N]

Writes OUTDIR/prime_vs_alliance_cdf.png (distribution functions of the providers' and the
commissioner's results) and prime_vs_alliance_paired.png (the paired differences).

Expected output (4,000 trials, seed 2015; millions of pounds over the five-year term):
    design       party                                    mean      sd  P(deficit)    ES 5%
    prime        Cambridgeshire and Peterborough CCG     16.66    3.79       0.000     9.46
    prime        UnitingCare Partnership                -62.90   23.53       0.996  -109.87
    prime        HMRC                                     7.09    0.04       0.000     7.01
    alliance     Cambridgeshire and Peterborough CCG     -2.83    9.73       0.648   -18.06
    alliance     Community Trust                         -0.01    5.35       0.556    -8.61
    alliance     Acute Trust                             -0.01    2.92       0.556    -4.69
    alliance     Mental Health Trust                     -0.00    1.46       0.556    -2.35
    alliance     HMRC                                     7.09    0.04       0.000     7.01
    alliance     providers                               -0.02    9.73       0.556   -15.65

    paired, alliance minus prime: providers +62.88m (se 0.23m), worse in 0.0% of trials
    paired, alliance minus prime: commissioner -19.49m (se 0.14m)
    spread of the providers' result: sd 23.53m (prime) -> 9.73m (alliance)
    wrote 2 plots to OUTDIR

The alliance turns the prime's almost certain 63m loss into a break-even bet for the providers (the
commissioner takes half of the variance through the 50/50 share and the insurer the tail), at a cost
of about 19.5m to the commissioner, which no longer keeps the unearned outcome money on its own.
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
PRIME, ALLIANCE = "prime 726m", "alliance 726m + stop-loss"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", nargs="?", default=None)
    ap.add_argument("--trials", type=int, default=4000)
    ap.add_argument("--threads", type=int, default=None)
    a = ap.parse_args(argv)
    out = a.outdir or tempfile.mkdtemp(prefix="ncm-prime-alliance-")
    os.makedirs(out, exist_ok=True)

    sc = ncm.Scenario(SCENARIO)
    res = ncm.simulate(sc, trials=a.trials, seed=2015, threads=a.threads)
    s = res.summary([PRIME, ALLIANCE], year=0)
    s = s[~((s.design == PRIME) & (s.party == "providers"))]  # the prime is the providers' sum itself
    label = {PRIME: "prime", ALLIANCE: "alliance"}
    print("%-12s %-36s %8s %7s %11s %8s" % ("design", "party", "mean", "sd", "P(deficit)", "ES 5%"))
    for r in s.itertuples():
        print("%-12s %-36s %8.2f %7.2f %11.3f %8.2f" % (label[r.design], r.party, r.mean / M, r.sd / M, r.p_deficit,
                                                        r.es05 / M))

    cmp = res.compare(baseline=PRIME, party="providers")
    row = cmp[cmp.design == ALLIANCE].iloc[0]
    print("\npaired, alliance minus prime: providers %+.2fm (se %.2fm), worse in %.1f%% of trials" % (
        row["mean"] / M, row["se_mean"] / M, 100 * row["p_deficit"]))
    comm = "Cambridgeshire and Peterborough CCG"
    d = res.trials(ALLIANCE, comm) - res.trials(PRIME, comm)
    print("paired, alliance minus prime: commissioner %+.2fm (se %.2fm)" % (d.mean() / M,
                                                                          d.std(ddof=1) / np.sqrt(d.size) / M))
    sd = res.summary([PRIME, ALLIANCE], "providers", 0).set_index("design")["sd"]
    print("spread of the providers' result: sd %.2fm (prime) -> %.2fm (alliance)" % (sd[PRIME] / M, sd[ALLIANCE] / M))

    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), dpi=90)
    for ax, party in zip(axes, ("providers", comm)):
        for dn in (PRIME, ALLIANCE):
            x = np.sort(res.trials(dn, party)) / M
            ax.step(x, np.arange(1, x.size + 1) / x.size, where="post", label=label[dn])
        ax.axvline(0, color="k", lw=1)
        ax.set_xlabel("%s: result over the term (m)" % party)
        ax.set_ylabel("P(result <= x)")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "prime_vs_alliance_cdf.png"))
    res.plot(os.path.join(out, "prime_vs_alliance_paired.png"), kind="compare")
    print("wrote 2 plots to %s" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
