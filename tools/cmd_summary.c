/* ncm summary: load people.csv (+ diagnoses.csv) and print the roll-up by one geography level. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char ncm_cmd_summary_help[] = "load a population from CSV and print people, exposure, cost and age by geography";

/* Text field: quoted only when needed (RFC 4180), for --csv output. */
static void put_csv_text(const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"') putchar('"');
        putchar(*s);
    }
    putchar('"');
}

int ncm_cmd_summary(int argc, char **argv)
{
    const char *people = NULL, *diagnoses = NULL, *level_name = "place";
    int csv = 0, grouping = 0;
    const cli_option opts[] = {
        {"people", &people, NULL, "FILE  people.csv to read (required)"},
        {"diagnoses", &diagnoses, NULL, "FILE  diagnoses.csv to read (person_id, code)"},
        {"level", &level_name, NULL, "LEVEL practice, network, place (default) or system"},
        {"csv", NULL, &csv, "print CSV instead of a text table"},
        {"money-grouping", NULL, &grouping, "accept thousands separators in annual_cost (\"1,234.50\")"},
    };
    int r = cli_parse("summary", "--people FILE [--diagnoses FILE] [--level LEVEL] [--csv]", opts,
                      sizeof opts / sizeof opts[0], argc, argv);
    if (r) return r < 0 ? CLI_OK : r;
    if (!people) return cli_usage("summary", "--people FILE is required");
    ncm_level level;
    if (ncm_level_parse(level_name, &level) != NCM_OK)
        return cli_usage("summary", "--level: '%s' is not practice, network, place or system", level_name);

    ncm_population_csv_options o = NCM_POPULATION_CSV_OPTIONS_INIT;
    if (grouping) o.flags |= NCM_CSV_MONEY_GROUPING;
    ncm_population *pop = NULL;
    ncm_status st = ncm_population_read_csv(people, diagnoses, &o, &pop);
    if (st) return cli_fail("summary", st);

    size_t units = ncm_population_text_count(pop, (ncm_text_field)level), n = ncm_population_size(pop);
    uint64_t *cnt = calloc(units ? units : 1, sizeof *cnt), *ndx = calloc(units ? units : 1, sizeof *ndx);
    double *expo = calloc(units ? units : 1, sizeof *expo), *mage = calloc(units ? units : 1, sizeof *mage);
    ncm_money *cost = calloc(units ? units : 1, sizeof *cost);
    int rc = CLI_OK;
    if (!cnt || !ndx || !expo || !mage || !cost) {
        rc = cli_failf("summary", "out of memory");
        goto done;
    }
    if ((st = ncm_population_rollup(pop, level, cnt, expo, cost, mage, units))) {
        rc = cli_fail("summary", st);
        goto done;
    }
    const uint32_t *ids = ncm_population_text_ids(pop, (ncm_text_field)level);
    const uint64_t *off = ncm_population_dx_offsets(pop);
    for (size_t i = 0; i < n; i++) ndx[ids[i]] += off[i + 1] - off[i];
    int has_cost = ncm_population_cost(pop) != NULL;

    /* totals */
    uint64_t tp = 0, td = 0;
    double te = 0, tage = 0;
    ncm_money tc = 0;
    for (size_t u = 0; u < units; u++) {
        tp += cnt[u];
        td += ndx[u];
        te += expo[u];
        tage += mage[u] * (double)cnt[u];
        if (ncm_money_add(tc, cost[u], &tc) != NCM_OK) {
            rc = cli_fail("summary", NCM_ERR_OVERFLOW);
            goto done;
        }
    }
    char money[48];
    if (csv) {
        printf("%s,people,exposure_years,cost,mean_age,diagnoses\n", ncm_level_name(level));
        for (size_t u = 0; u < units; u++) {
            put_csv_text(ncm_population_text_value(pop, (ncm_text_field)level, (uint32_t)u));
            money[0] = '\0';
            if (has_cost) ncm_money_format(cost[u], NCM_MONEY_DECIMALS, 0, money, sizeof money);
            printf(",%llu,%.4f,%s,%.2f,%llu\n", (unsigned long long)cnt[u], expo[u], money, mage[u],
                   (unsigned long long)ndx[u]);
        }
    } else {
        printf("%-20s %12s %16s %20s %9s %12s\n", ncm_level_name(level), "people", "exposure (py)", "cost", "mean age",
               "diagnoses");
        for (size_t u = 0; u <= units; u++) {
            int total = u == units;
            const char *name = total ? "total" : ncm_population_text_value(pop, (ncm_text_field)level, (uint32_t)u);
            if (!total && !*name) name = "(none)";
            ncm_money c = total ? tc : cost[u];
            if (has_cost) ncm_money_format(c, NCM_MONEY_DECIMALS, NCM_MONEY_GROUPING, money, sizeof money);
            else snprintf(money, sizeof money, "-");
            double age = total ? (tp ? tage / (double)tp : 0.0) : mage[u];
            printf("%-20s %12llu %16.2f %20s %9.2f %12llu\n", name, (unsigned long long)(total ? tp : cnt[u]),
                   total ? te : expo[u], money, age, (unsigned long long)(total ? td : ndx[u]));
        }
    }
done:
    free(cnt);
    free(ndx);
    free(expo);
    free(mage);
    free(cost);
    ncm_population_free(pop);
    return rc;
}
