/* Bedfordshire-style musculoskeletal prime contract: a five-year envelope of 26.5m rising 1.3% a year, the
 * 95% paid up front and 2.5% management fee, and individual stop-loss on the prime's patients with its
 * premium-equivalent expected cost under a lognormal cost distribution.
 *
 * Build: the example_msk_envelope_stop_loss target (ctest example_msk_envelope_stop_loss_output replays the output below).
 *
 * Expected output:
 *   year  contract value      growth        up front (95%)  management (2.5%)
 *      1     26,500,000.00          0.00     25,175,000.00        662,500.00
 *      2     26,844,500.00    344,500.00     25,502,275.00        671,112.50
 *      3     27,193,478.50    348,978.50     25,833,804.58        679,836.96
 *      4     27,546,993.72    353,515.22     26,169,644.03        688,674.84
 *      5     27,905,104.64    358,110.92     26,509,849.41        697,627.62
 *   term    135,990,076.86
 *
 *   stop-loss: attachment 25,000.00, coinsurance 10%, limit 250,000.00
 *     simulated year: total cost 25,938,765.58, provider keeps 25,225,084.93, protection pays 713,680.65 (52 patients above the attachment)
 *     premium-equivalent expected cost (closed form): 758,155.66 a year (37.91 per patient)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ncm/ncm.h"

#define PATIENTS 20000

static uint64_t s = 2014u;
static double urand(void)
{
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return ((double)(s >> 11) + 0.5) / 9007199254740992.0;
}

static const char *fmt(char *buf, ncm_money v)
{
    ncm_money_format(v, 2, NCM_MONEY_GROUPING, buf, 48);
    return buf;
}

static int check(ncm_status st)
{
    if (st) fprintf(stderr, "error: %s\n", ncm_last_error());
    return st != NCM_OK;
}

int main(void)
{
    char a[48], b[48], c[48], d[48];
    ncm_envelope_options eo;
    ncm_envelope_options_init(&eo);
    eo.year1 = 2650000000; /* 26,500,000.00 */
    eo.years = 5;
    eo.growth = 0.013;
    ncm_money amount[5], growth[5];
    if (check(ncm_envelope_schedule(&eo, amount, growth, NULL, NULL, NULL, 5))) return 1;
    printf("year  contract value      growth        up front (95%%)  management (2.5%%)\n");
    ncm_money total = 0;
    for (int y = 0; y < 5; y++) {
        ncm_money up = 0, mgmt = 0;
        if (check(ncm_money_mul_rate(amount[y], 0.95, NCM_ROUND_HALF_EVEN, &up)) ||
            check(ncm_money_mul_rate(amount[y], 0.025, NCM_ROUND_HALF_EVEN, &mgmt)))
            return 1;
        printf("%4d  %16s  %12s  %16s  %16s\n", y + 1, fmt(a, amount[y]), fmt(b, growth[y]), fmt(c, up), fmt(d, mgmt));
        total += amount[y];
    }
    printf("term  %16s\n\n", fmt(a, total));

    /* stop-loss: 20,000 patients a year, cost lognormal with mean 1,300.00 and CV 2.5 */
    const double mean = 130000, cv = 2.5;
    double s2 = log1p(cv * cv), sd = sqrt(s2), mu = log(mean) - s2 / 2;
    static ncm_money cost[PATIENTS], kept[PATIENTS], paid[PATIENTS];
    for (int i = 0; i < PATIENTS; i++) {
        double z = sqrt(-2 * log(urand())) * cos(6.283185307179586 * urand()); /* Box-Muller */
        if (check(ncm_money_from_double(exp(mu + sd * z), NCM_ROUND_HALF_EVEN, &cost[i]))) return 1;
    }
    ncm_stop_loss_options so;
    ncm_stop_loss_options_init(&so);
    so.attachment = 2500000; /* 25,000.00 */
    so.coinsurance = 0.10;
    so.limit = 25000000;     /* 250,000.00 */
    ncm_money tk = 0, ip = 0, ap = 0;
    if (check(ncm_stop_loss(&so, PATIENTS, cost, kept, paid, &tk, &ip, &ap))) return 1;
    double per_person = 0;
    if (check(ncm_stop_loss_expected(&so, mean, cv, &per_person))) return 1;
    ncm_money premium = 0;
    if (check(ncm_money_from_double(per_person * PATIENTS, NCM_ROUND_HALF_EVEN, &premium))) return 1;
    int over = 0;
    for (int i = 0; i < PATIENTS; i++) over += paid[i] > 0;
    printf("stop-loss: attachment %s, coinsurance 10%%, limit %s\n", fmt(a, so.attachment), fmt(b, so.limit));
    printf("  simulated year: total cost %s, provider keeps %s, protection pays %s (%d patients above the attachment)\n",
           fmt(a, tk + ip + ap), fmt(b, tk), fmt(c, ip), over);
    printf("  premium-equivalent expected cost (closed form): %s a year (%.2f per patient)\n", fmt(d, premium),
           per_person / 100);
    return 0;
}
