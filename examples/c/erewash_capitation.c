/* Erewash-style shadow place-based capitated budget: a 97,000-person synthetic population registered with 12
 * practices, segmented into five population segments, for two years.
 *
 * Year 1 (shadow): an envelope of 150,000,000.00 minus a 3,000,000.00 high-cost drugs carve-out and a 2%
 * reserve is split by need-weighted capitation (age-sex index x segment need, normalised to a mean of 1)
 * and reported per segment and per practice. Year 2: the envelope grows 2.1% (ncm_envelope_schedule); the
 * practices' year-2 targets are their fair shares of it under a formula that adds a per-practice
 * additional-need index, and pace of change (floor +1%, cap +3%) moves
 * each practice from its year-1 budget toward target. Every table adds up exactly to its envelope.
 *
 * Build: the example_erewash_capitation target (ctest example_erewash_capitation_output replays the output below).
 *
 * Expected output:
 *   Year 1 (shadow) gross 150000000.00: high-cost drugs 3000000.00, reserve 3000000.00, distributed 144000000.00
 *   segment             people   weighted        budget
 *   healthy              52146   24290.18   37189886.96
 *   long-term cond.      29097   30324.75   46429209.53
 *   complex               9415   16770.12   25676174.52
 *   frailty               5726   16938.39   25933805.30
 *   end of life            616    5728.64    8770923.69
 *   practice  people         year 1      target y2  year 2 (paced)   change
 *   C81001      3658     5493296.33     6600678.97      5713028.19   +4.00%
 *   C81002      5835     8902326.85     8339978.96      8991350.12   +1.00%
 *   C81003      8231    12350320.45    13205082.08     12841795.45   +3.98%
 *   C81004     10269    14897067.14    13349254.40     15046037.82   +1.00%
 *   C81005     12552    18425552.56    18762645.94     18686716.63   +1.42%
 *   C81006      4347     6557235.30     8079411.60      6819524.72   +4.00%
 *   C81007      6545     9745424.54     9427530.09      9842878.79   +1.00%
 *   C81008      8875    13042501.63    14609224.07     13564201.70   +4.00%
 *   C81009     10952    16047438.14    14706922.17     16207912.53   +1.00%
 *   C81010     13371    19994534.65    19749523.08     20194480.00   +1.00%
 *   C81011      5139     7631288.28     8858828.42      7936539.82   +4.00%
 *   C81012      7226    10913014.13    11334920.22     11179534.23   +2.44%
 *   total      97000   144000000.00   147024000.00    147024000.00
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ncm/ncm.h"

#define N 97000
#define NPRAC 12
#define NSEG 5

static uint64_t s = 20161701u;
static double urand(void)
{
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return (double)(s >> 11) / 9007199254740992.0;
}

static void money(char *buf, ncm_money v) { ncm_money_format(v, 2, 0, buf, 48); }

static int check(ncm_status st)
{
    if (st) fprintf(stderr, "error: %s\n", ncm_last_error());
    return st != NCM_OK;
}

int main(void)
{
    static double weight[N], months[N];
    static uint32_t practice[N], segment[N], place[N];
    static const char *seg_names[NSEG] = {"healthy", "long-term cond.", "complex", "frailty", "end of life"};
    static const double seg_need[NSEG] = {0.6, 1.3, 2.2, 3.0, 8.0};
    /* year 2 adds an additional-need index per practice (deprivation), so targets move */
    static const double extra_need[NPRAC] = {1.18, 0.92, 1.05, 0.88, 1.00, 1.21, 0.95, 1.10, 0.90, 0.97, 1.14, 1.02};
    const char *prac_names[NPRAC] = {"C81001", "C81002", "C81003", "C81004", "C81005", "C81006",
                                     "C81007", "C81008", "C81009", "C81010", "C81011", "C81012"};
    const char *place_names[1] = {"Erewash"};
    /* practices of unequal size: 4,000 to 13,000 registered */
    double cum[NPRAC], tot = 0;
    for (int p = 0; p < NPRAC; p++) cum[p] = (tot += 4000 + 9000.0 * (p % 5) / 4.0 + 150 * p);
    for (size_t i = 0; i < N; i++) {
        double u = urand() * tot;
        int p = 0;
        while (p < NPRAC - 1 && u > cum[p]) p++;
        practice[i] = (uint32_t)p;
        place[i] = 0;
        double age = 90 * urand() * urand() + 45 * urand();
        double r = urand() + age / 400.0;
        segment[i] = r < 0.65 ? 0 : r < 0.95 ? 1 : r < 1.05 ? 2 : r < 1.12 ? 3 : (urand() < 0.3 ? 4 : 3);
        double agesex = 0.6 + age / 60.0;
        weight[i] = agesex * seg_need[segment[i]];
        months[i] = urand() < 0.06 ? (double)(1 + (int)(11 * urand())) : 12.0; /* joiners, leavers, deaths */
    }
    ncm_capitation_people p;
    ncm_capitation_people_init(&p);
    p.n = N;
    p.weight = weight;
    p.months = months;
    p.nlevels = 2;
    p.level_ids[0] = practice;
    p.level_count[0] = NPRAC;
    p.level_name[0] = "practice";
    p.unit_names[0] = prac_names;
    p.level_ids[1] = place;
    p.level_count[1] = 1;
    p.level_name[1] = "place";
    p.unit_names[1] = place_names;
    p.segment = segment;
    p.nsegments = NSEG;
    p.segment_names = seg_names;
    const char *lines[2] = {"high-cost drugs", "reserve"};
    ncm_money fixed[2] = {300000000, 0};
    double rates[2] = {0, 0.02};
    ncm_capitation_options o = NCM_CAPITATION_OPTIONS_INIT;
    o.flags = NCM_CAPITATION_ENVELOPE | NCM_CAPITATION_NORMALIZE;
    o.envelope = 15000000000; /* 150,000,000.00 */
    o.nslices = 2;
    o.slice_names = lines;
    o.slice_amounts = fixed;
    o.slice_rates = rates;
    ncm_budget *b = NULL;
    if (check(ncm_capitation_run(&p, &o, &b))) return 1;
    char m1[48], m2[48], m3[48], m4[48];
    ncm_money l0, l1;
    ncm_budget_line(b, 0, NULL, &l0);
    ncm_budget_line(b, 1, NULL, &l1);
    money(m1, ncm_budget_gross(b));
    money(m2, l0);
    money(m3, l1);
    money(m4, ncm_budget_distributed(b));
    printf("Year 1 (shadow) gross %s: high-cost drugs %s, reserve %s, distributed %s\n", m1, m2, m3, m4);
    ncm_money seg_amt[NSEG];
    uint64_t seg_people[NSEG];
    double seg_w[NSEG];
    if (check(ncm_budget_segments(b, seg_amt, seg_people, NULL, seg_w, NULL, NSEG))) return 1;
    printf("%-18s %7s %10s %13s\n", "segment", "people", "weighted", "budget");
    for (int k = 0; k < NSEG; k++) {
        money(m1, seg_amt[k]);
        printf("%-18s %7llu %10.2f %13s\n", seg_names[k], (unsigned long long)seg_people[k], seg_w[k], m1);
    }
    ncm_money y1[NPRAC], target[NPRAC], y2[NPRAC];
    uint64_t people[NPRAC];
    double wp[NPRAC];
    if (check(ncm_budget_units(b, 0, y1, people, NULL, wp, NULL, NPRAC))) return 1;
    /* year 2 envelope: +2.1% on the distributed amount */
    ncm_envelope_options eo = NCM_ENVELOPE_OPTIONS_INIT;
    eo.year1 = ncm_budget_distributed(b);
    eo.years = 2;
    eo.growth = 0.021;
    ncm_money env[2];
    if (check(ncm_envelope_schedule(&eo, env, NULL, NULL, NULL, NULL, 2))) return 1;
    /* targets: fair shares of the year-2 envelope by weighted population */
    const double *idx[2] = {wp, extra_need};
    ncm_fair_shares_input in = NCM_FAIR_SHARES_INPUT_INIT;
    in.nunits = NPRAC;
    in.unit_indices = idx;
    in.n_unit_indices = 2;
    if (check(ncm_fair_shares(&in, env[1], target, NULL, NPRAC))) return 1;
    ncm_pace_options po = NCM_PACE_OPTIONS_INIT;
    po.floor = 0.01;
    po.cap = 0.03;
    double before[NPRAC], after[NPRAC];
    if (check(ncm_pace_of_change(&po, env[1], NPRAC, y1, target, y2, before, after))) return 1;
    printf("%-8s %7s %14s %14s %15s %8s\n", "practice", "people", "year 1", "target y2", "year 2 (paced)", "change");
    ncm_money t1 = 0, t2 = 0, t3 = 0;
    for (int k = 0; k < NPRAC; k++) {
        money(m1, y1[k]);
        money(m2, target[k]);
        money(m3, y2[k]);
        printf("%-8s %7llu %14s %14s %15s %+7.2f%%\n", prac_names[k], (unsigned long long)people[k], m1, m2, m3,
               100.0 * ((double)y2[k] / (double)y1[k] - 1));
        t1 += y1[k];
        t2 += target[k];
        t3 += y2[k];
    }
    money(m1, t1);
    money(m2, t2);
    money(m3, t3);
    printf("%-8s %7d %14s %14s %15s\n", "total", N, m1, m2, m3);
    ncm_budget_free(b);
    return 0;
}
