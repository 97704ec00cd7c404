/* Segment six people with the built-in Bridges to Health rule set and summarise cost by segment.
 * This is the worked example of docs/segmentation.md.
 *
 * Expected output:
 *   p1 long_decline
 *   p2 organ_failure
 *   p3 chronic_normal_function
 *   p4 maternal_infant
 *   p5 healthy
 *   p6 short_decline
 *   segment                   people exposure       cost  share
 *   short_decline                  1     0.50    9000.00 0.4390
 *   long_decline                   1     1.00    3000.00 0.1463
 *   organ_failure                  1     1.00    5200.00 0.2537
 *   chronic_normal_function        1     1.00     800.00 0.0390
 *   stable_disability              0     0.00       0.00 0.0000
 *   maternal_infant                1     0.50    2500.00 0.1220
 *   acutely_ill                    0     0.00       0.00 0.0000
 *   healthy                        1     1.00       0.00 0.0000
 */
#include <stdio.h>

#include "ncm/ncm.h"

int main(void)
{
    const char *ids[6] = {"p1", "p2", "p3", "p4", "p5", "p6"};
    const int32_t age[6] = {82, 67, 54, 29, 41, 73};
    const uint8_t sex[6] = {NCM_SEX_FEMALE, NCM_SEX_MALE, NCM_SEX_FEMALE, NCM_SEX_FEMALE, NCM_SEX_MALE, NCM_SEX_MALE};
    const double months[6] = {12, 12, 12, 6, 12, 6};
    const ncm_money cost[6] = {300000, 520000, 80000, 250000, 0, 900000};
    /* diagnoses as CSR: p1 R54 I10 | p2 I50.9 E11.9 | p3 E11.9 | p4 O80 | p5 none | p6 C61 Z51.5 */
    const uint64_t off[7] = {0, 2, 4, 5, 6, 6, 8};
    const char *codes[8] = {"R54", "I10", "I50.9", "E11.9", "E11.9", "O80", "C61", "Z51.5"};

    ncm_population_columns c = NCM_POPULATION_COLUMNS_INIT;
    c.n = 6;
    c.person_id.values = ids;
    c.age = age;
    c.sex = sex;
    c.months_enrolled = months;
    c.annual_cost = cost;
    c.dx_offsets = off;
    c.dx_codes.values = codes;
    ncm_population *pop = NULL;
    ncm_segmentation *seg = NULL;
    ncm_segment_summary *sum = NULL;
    uint32_t s[6];
    ncm_status st;
    if ((st = ncm_population_from_columns(&c, &pop)) || (st = ncm_segmentation_bridges_to_health(NULL, &seg)) ||
        (st = ncm_segmentation_assign(seg, pop, NULL, 0, s, 6))) {
        fprintf(stderr, "error: %s\n", ncm_last_error());
        return 1;
    }
    for (int i = 0; i < 6; i++) printf("%s %s\n", ids[i], ncm_segmentation_segment_name(seg, s[i]));

    uint32_t ns = ncm_segmentation_segment_count(seg);
    if ((st = ncm_segment_summarize(pop, s, 6, ns, NULL, NCM_SUMMARY_WHOLE, &sum))) {
        fprintf(stderr, "error: %s\n", ncm_last_error());
        return 1;
    }
    uint64_t people[16];
    double exposure[16], share[16];
    ncm_money total[16];
    ncm_segment_summary_people(sum, people, 16);
    ncm_segment_summary_exposure(sum, exposure, 16);
    ncm_segment_summary_cost(sum, total, 16);
    ncm_segment_summary_cost_share(sum, share, 16);
    printf("%-25s %6s %8s %10s %6s\n", "segment", "people", "exposure", "cost", "share");
    for (uint32_t k = 0; k < ns; k++) {
        char buf[32];
        ncm_money_format(total[k], 2, 0, buf, sizeof buf);
        printf("%-25s %6llu %8.2f %10s %.4f\n", ncm_segmentation_segment_name(seg, k), (unsigned long long)people[k],
               exposure[k], buf, share[k]);
    }
    ncm_segment_summary_free(sum);
    ncm_segmentation_free(seg);
    ncm_population_free(pop);
    return 0;
}
