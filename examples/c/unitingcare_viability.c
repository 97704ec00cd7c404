/* UnitingCare viability before signature: the Monte Carlo evaluation of the bundled scenario
 * (examples/scenarios/unitingcare.json: a 726m older people's contract for a 900,000-person
 * commissioner, three designs), the paired comparison of the designs, and the lowest bid at which the
 * prime provider's probability of a deficit over the five years is at most 10%.
 *
 * Run from the repository root:  build/examples/example_unitingcare_viability
 *
 * Expected output:
 *   design                                       mean (m)  sd (m)  P(deficit)  ES 5% (m)
 *   prime 726m                                     -62.70   23.56       0.996    -110.01
 *   prime 726m + 50/50 corridor beyond 5%          -18.51   14.73       0.885     -46.02
 *   alliance 726m + stop-loss                        0.89    9.71       0.522     -14.77
 *
 *   paired with "prime 726m": corridor +44.19m (se 0.13m), alliance +63.58m (se 0.21m)
 *   lowest bid with P(deficit) <= 10%: prime 822.42m
 */
#include <stdio.h>

#include "ncm/ncm.h"

static int fail(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, ncm_last_error());
    return 1;
}

int main(void)
{
    ncm_scenario *sc = NULL;
    ncm_sim_results *r = NULL;
    if (ncm_scenario_load_file("examples/scenarios/unitingcare.json", &sc)) return fail("scenario");
    ncm_sim_options o = NCM_SIM_OPTIONS_INIT;
    o.trials = 5000;
    o.seed = 2015; /* any thread count gives the same figures */
    if (ncm_simulate(sc, &o, &r)) return fail("simulate");
    printf("%-42s %10s %7s %11s %10s\n", "design", "mean (m)", "sd (m)", "P(deficit)", "ES 5% (m)");
    for (size_t d = 0; d < ncm_sim_results_design_count(r); d++) {
        double v[NCM_SIM_STAT_COUNT];
        size_t providers = ncm_sim_results_party_count(r, d) - 1;
        if (ncm_sim_results_stats(r, d, providers, 0, v, NULL, NCM_SIM_STAT_COUNT)) return fail("stats");
        printf("%-42s %10.2f %7.2f %11.3f %10.2f\n", ncm_sim_results_design_name(r, d), v[NCM_SIM_MEAN] / 1e8,
               v[NCM_SIM_SD] / 1e8, v[NCM_SIM_P_DEFICIT], v[NCM_SIM_ES05] / 1e8);
    }
    double c[NCM_SIM_STAT_COUNT], cse[NCM_SIM_STAT_COUNT], a[NCM_SIM_STAT_COUNT], ase[NCM_SIM_STAT_COUNT];
    size_t p0 = ncm_sim_results_party_count(r, 0) - 1;
    if (ncm_sim_results_compare(r, 1, ncm_sim_results_party_count(r, 1) - 1, 0, p0, 0, c, cse, NCM_SIM_STAT_COUNT) ||
        ncm_sim_results_compare(r, 2, ncm_sim_results_party_count(r, 2) - 1, 0, p0, 0, a, ase, NCM_SIM_STAT_COUNT))
        return fail("compare");
    printf("\npaired with \"%s\": corridor %+.2fm (se %.2fm), alliance %+.2fm (se %.2fm)\n",
           ncm_sim_results_design_name(r, 0), c[NCM_SIM_MEAN] / 1e8, cse[NCM_SIM_MEAN] / 1e8, a[NCM_SIM_MEAN] / 1e8,
           ase[NCM_SIM_MEAN] / 1e8);
    o.trials = 2000;
    ncm_money bid;
    double p;
    if (ncm_scenario_find_bid(sc, 0, &o, 0.10, 72600000, &bid, &p)) return fail("find_bid");
    printf("lowest bid with P(deficit) <= 10%%: prime %.2fm\n", (double)bid / 1e8);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);
    return 0;
}
