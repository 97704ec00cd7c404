/* population_summary: synthesise 10,000 people with the public API and roll them up by place and
 * by network. Builds against an installed ncm with
 *
 *     cc population_summary.c $(pkg-config --cflags --libs ncm) -o population_summary
 *
 * Expected output (the synthetic population is the same on every machine):
 *
 *     10000 people, 1 practices, 1 networks, 1 places
 *     place       people   exposure (py)           cost   mean age
 *     PL01         10000         9504.08    20671069.83      40.12
 *     network     people   exposure (py)           cost   mean age
 *     N0001        10000         9504.08    20671069.83      40.12
 */
#include <stdio.h>
#include <stdlib.h>

#include <ncm/ncm.h>

static int rollup(const ncm_population *pop, ncm_level level)
{
    size_t units = ncm_population_text_count(pop, (ncm_text_field)level);
    uint64_t *people = malloc(units * sizeof *people);
    double *exposure = malloc(units * sizeof *exposure), *mean_age = malloc(units * sizeof *mean_age);
    ncm_money *cost = malloc(units * sizeof *cost);
    int rc = 0;
    if (!people || !exposure || !mean_age || !cost) {
        fprintf(stderr, "out of memory\n");
        rc = 1;
    } else if (ncm_population_rollup(pop, level, people, exposure, cost, mean_age, units) != NCM_OK) {
        fprintf(stderr, "roll-up: %s\n", ncm_last_error());
        rc = 1;
    } else {
        printf("%-9s %8s %15s %14s %10s\n", ncm_level_name(level), "people", "exposure (py)", "cost", "mean age");
        for (size_t u = 0; u < units; u++) {
            char money[32];
            ncm_money_format(cost[u], NCM_MONEY_DECIMALS, 0, money, sizeof money);
            printf("%-9s %8llu %15.2f %14s %10.2f\n", ncm_population_text_value(pop, (ncm_text_field)level, (uint32_t)u),
                   (unsigned long long)people[u], exposure[u], money, mean_age[u]);
        }
    }
    free(people);
    free(exposure);
    free(mean_age);
    free(cost);
    return rc;
}

int main(void)
{
    ncm_synth_options opts = NCM_SYNTH_OPTIONS_INIT;
    opts.people = 10000;
    opts.seed = 2015;
    ncm_population *pop = NULL;
    if (ncm_synth_population(&opts, &pop) != NCM_OK) {
        fprintf(stderr, "synth: %s\n", ncm_last_error());
        return 1;
    }
    printf("%zu people, %zu practices, %zu networks, %zu places\n", ncm_population_size(pop),
           ncm_population_text_count(pop, NCM_TEXT_PRACTICE), ncm_population_text_count(pop, NCM_TEXT_NETWORK),
           ncm_population_text_count(pop, NCM_TEXT_PLACE));
    int rc = rollup(pop, NCM_LEVEL_PLACE) || rollup(pop, NCM_LEVEL_NETWORK);
    ncm_population_free(pop);
    return rc;
}
