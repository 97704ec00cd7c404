/* Load a population from people.csv (+ diagnoses.csv), roll it up by network, print it, free it.
 *
 * usage: example_population_csv PEOPLE.csv [DIAGNOSES.csv]
 *
 * With tests/data/population/canonical_people.csv and canonical_diagnoses.csv it prints:
 *
 *   5 people, 8 diagnoses, cost column: yes
 *   network   people  exposure_years            cost  mean_age
 *   N1             3          1.5500      1716975.49     34.67
 *   N2             2          0.9999  12345678901.02     97.50
 *
 * On bad input it prints the library's one-line message, e.g.
 *   error: bad_age_high.csv:4:2 (age): age 131 is outside 0-130
 * and exits with status 1. */
#include <stdio.h>
#include <stdlib.h>

#include <ncm/ncm.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PEOPLE.csv [DIAGNOSES.csv]\n", argv[0]);
        return 2;
    }
    ncm_population_csv_options opts;
    ncm_population_csv_options_init(&opts); /* defaults: no thousands separators in annual_cost */

    ncm_population *pop = NULL;
    ncm_status st = ncm_population_read_csv(argv[1], argc > 2 ? argv[2] : NULL, &opts, &pop);
    if (st != NCM_OK) {
        fprintf(stderr, "error: %s\n", ncm_last_error()); /* "file:line:col (column): reason" */
        return 1;
    }

    size_t n = ncm_population_size(pop);
    printf("%zu people, %llu diagnoses, cost column: %s\n", n,
           (unsigned long long)ncm_population_dx_offsets(pop)[n], ncm_population_cost(pop) ? "yes" : "no");

    /* One output slot per network: the table reports how many distinct networks it holds. */
    size_t units = ncm_population_text_count(pop, NCM_TEXT_NETWORK);
    uint64_t *people = malloc(units * sizeof *people);
    double *exposure = malloc(units * sizeof *exposure), *mean_age = malloc(units * sizeof *mean_age);
    ncm_money *cost = malloc(units * sizeof *cost);
    int rc = 1;
    if (!people || !exposure || !mean_age || !cost) {
        fprintf(stderr, "error: out of memory\n");
        goto done;
    }
    st = ncm_population_rollup(pop, NCM_LEVEL_NETWORK, people, exposure, cost, mean_age, units);
    if (st != NCM_OK) {
        fprintf(stderr, "error: %s\n", ncm_last_error());
        goto done;
    }
    printf("%-8s %7s %15s %15s %9s\n", "network", "people", "exposure_years", "cost", "mean_age");
    for (size_t u = 0; u < units; u++) {
        char money[48];
        ncm_money_format(cost[u], NCM_MONEY_DECIMALS, 0, money, sizeof money);
        printf("%-8s %7llu %15.4f %15s %9.2f\n", ncm_population_text_value(pop, NCM_TEXT_NETWORK, (uint32_t)u),
               (unsigned long long)people[u], exposure[u], money, mean_age[u]);
    }
    rc = 0;
done:
    free(people);
    free(exposure);
    free(mean_age);
    free(cost);
    ncm_population_free(pop);
    return rc;
}
