/* Risk/gain share corridors: the Bedfordshire MSK prime contract (Circle, 2014) in year 1, and the ACO
 * REACH Global and Professional corridors on a 100m benchmark with 30m of savings.
 *
 * Expected output:
 * Bedfordshire year 1: base (95% of 26,500,000.00) 25,175,000.00, actual 23,000,000.00, surplus 2,175,000.00
 *   band [0%, 5%)     provider 100%:  1,258,750.00 of  1,258,750.00
 *   band [5%, inf)    provider  50%:    458,125.00 of    916,250.00
 * The provider keeps 1,716,875.00 of surplus and returns 458,125.00 to the commissioner.
 * ACO REACH aco_reach_global: savings 30,000,000.00, ACO keeps 27,500,000.00, CMS keeps 2,500,000.00
 * ACO REACH aco_reach_professional: savings 30,000,000.00, ACO keeps 5,750,000.00, CMS keeps 24,250,000.00
 */
#include <math.h>
#include <stdio.h>

#include "ncm/ncm.h"

static const char *fmt(ncm_money m, char *buf)
{
    ncm_money_format(m, 2, NCM_MONEY_GROUPING, buf, 48);
    return buf;
}

int main(void)
{
    char a[48], b[48], c[48], d[48];
    ncm_riskshare *rs = NULL;
    ncm_money value = 2650000000, base = 0, actual = 2300000000, provider = 0, commissioner = 0;
    ncm_money bv[3], bp[3], adj = 0;
    ncm_status st = ncm_riskshare_builtin("circle_bedfordshire", &rs);
    if (!st) st = ncm_money_mul_rate(value, 0.95, NCM_ROUND_HALF_EVEN, &base);
    if (!st) st = ncm_riskshare_explain(rs, base, actual, bv, bp, 3, &adj, &provider, &commissioner);
    if (st) {
        fprintf(stderr, "error: %s\n", ncm_last_error());
        ncm_riskshare_free(rs);
        return 1;
    }
    printf("Bedfordshire year 1: base (95%% of %s) %s, actual %s, surplus %s\n", fmt(value, a), fmt(base, b), fmt(actual, c),
           fmt(base - actual, d));
    for (size_t k = 0; k < ncm_riskshare_band_count(rs); k++) {
        int side;
        double lo, hi, share;
        ncm_riskshare_band(rs, k, &side, &lo, &hi, &share);
        if (side != NCM_RISKSHARE_SURPLUS) continue;
        char range[32];
        if (isinf(hi)) snprintf(range, sizeof range, "[%g%%, inf)", 100 * lo);
        else snprintf(range, sizeof range, "[%g%%, %g%%)", 100 * lo, 100 * hi);
        printf("  band %-12s provider %3.0f%%: %13s of %13s\n", range, 100 * share, fmt(bp[k], a), fmt(bv[k], b));
    }
    printf("The provider keeps %s of surplus and returns %s to the commissioner.\n", fmt(provider, a), fmt(commissioner, b));
    ncm_riskshare_free(rs);

    const char *reach[2] = {"aco_reach_global", "aco_reach_professional"};
    for (int i = 0; i < 2; i++) {
        rs = NULL;
        st = ncm_riskshare_builtin(reach[i], &rs);
        if (!st) st = ncm_riskshare_apply(rs, 10000000000, 7000000000, &provider, &commissioner);
        if (st) {
            fprintf(stderr, "error: %s\n", ncm_last_error());
            ncm_riskshare_free(rs);
            return 1;
        }
        printf("ACO REACH %s: savings %s, ACO keeps %s, CMS keeps %s\n", reach[i], fmt(3000000000, a), fmt(provider, b),
               fmt(commissioner, c));
        ncm_riskshare_free(rs);
    }
    return 0;
}
