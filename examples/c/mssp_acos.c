/* Four ACOs settled under the 2022 Medicare Shared Savings Program rules: a BASIC ACO with shared
 * savings, the same ACO below its minimum savings rate, an ENHANCED ACO above the performance
 * payment cap, and an ENHANCED ACO with losses.
 *
 * Expected output:
 * aco               track     benefic.      benchmark    expenditure sav.rate     msr    generated    rate        earned
 * BASIC saves       BASIC_B      20000   200000000.00   190000000.00   5.000%  2.500%  10000000.00  0.4000    3920000.00
 * BASIC below MSR   BASIC_B      20000   200000000.00   196000000.00   2.000%  2.500%         0.00  0.4000          0.00
 * ENHANCED capped   ENHANCED     30000   100000000.00    70000000.00  30.000%  2.000%  30000000.00  0.7500   20000000.00
 * ENHANCED losses   ENHANCED     30000   100000000.00   105000000.00  -5.000%  1.000%  -5000000.00  0.4000   -2000000.00
 */
#include <math.h>
#include <stdio.h>

#include "ncm/ncm.h"

int main(void)
{
    const char *label[4] = {"BASIC saves", "BASIC below MSR", "ENHANCED capped", "ENHANCED losses"};
    const char *names[4] = {"BASIC_B", "BASIC_B", "ENHANCED", "ENHANCED"};
    int64_t nab[4] = {20000, 20000, 30000, 30000};
    ncm_money bench[4] = {20000000000, 20000000000, 10000000000, 10000000000};
    ncm_money spend[4] = {19000000000, 19600000000, 7000000000, 10500000000};
    uint8_t met[4] = {1, 1, 1, 1};
    double quality[4] = {0.85, 0.85, 0.90, 0.90};
    double msr[4] = {NAN, NAN, 0.02, 0.01}; /* the ENHANCED ACOs chose fixed MSR/MLRs */
    double rate_s[4], msr_used[4], share[4];
    ncm_money gen[4], earned[4];
    uint32_t track[4];
    ncm_mssp_tracks *t = NULL;
    ncm_status st = ncm_mssp_tracks_builtin(2022, &t);
    if (!st) st = ncm_mssp_tracks_lookup(t, 2022, 4, names, track);
    if (!st)
        st = ncm_mssp_settle(t, 4, track, nab, bench, spend, met, quality, NULL, msr, NULL, rate_s, msr_used, gen, share,
                             earned);
    if (st) {
        fprintf(stderr, "error: %s\n", ncm_last_error());
        ncm_mssp_tracks_free(t);
        return 1;
    }
    printf("%-17s %-9s %8s %14s %14s %8s %7s %12s %7s %13s\n", "aco", "track", "benefic.", "benchmark", "expenditure",
           "sav.rate", "msr", "generated", "rate", "earned");
    for (int i = 0; i < 4; i++) {
        char b[48], e[48], g[48], er[48];
        ncm_money_format(bench[i], 2, 0, b, sizeof b);
        ncm_money_format(spend[i], 2, 0, e, sizeof e);
        ncm_money_format(gen[i], 2, 0, g, sizeof g);
        ncm_money_format(earned[i], 2, 0, er, sizeof er);
        printf("%-17s %-9s %8lld %14s %14s %7.3f%% %6.3f%% %12s %7.4f %13s\n", label[i], names[i], (long long)nab[i], b, e,
               100 * rate_s[i], 100 * msr_used[i], g, share[i], er);
    }
    ncm_mssp_tracks_free(t);
    return 0;
}
