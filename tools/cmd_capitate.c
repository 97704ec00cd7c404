/* ncm capitate: risk-adjusted capitation of a population, rolled up to a geography level. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap_csv.h"
#include "cli.h"

const char ncm_cmd_capitate_help[] = "risk-adjusted capitation budget per unit, segment or person";

int ncm_cmd_capitate(int argc, char **argv)
{
    const char *cmd = "capitate", *peoplep = NULL, *scoresp = NULL, *rate = NULL, *levelp = NULL, *outp = NULL,
               *by = NULL, *env = NULL;
    int pmpm = 0, normalize = 0;
    const cli_option opts[] = {
        {"people", &peoplep, NULL, "FILE  people.csv in the population format (person_id, age, sex, practice, ..., months_enrolled, segment) (required)"},
        {"scores", &scoresp, NULL, "FILE  scores.csv: person_id, score (per-person weight; default 1)"},
        {"base-rate", &rate, NULL, "X     base rate per person-year (or per month with --pmpm), exact decimal"},
        {"envelope", &env, NULL, "X     split this fixed envelope instead of using a base rate"},
        {"pmpm", NULL, &pmpm, "      the base rate is per member per month"},
        {"normalize", NULL, &normalize, "      rescale weights to an exposure-weighted mean of 1"},
        {"level", &levelp, NULL, "NAME  practice, network, place or system (default practice)"},
        {"by", &by, NULL, "WHAT  unit (default), segment or person"},
        {"out", &outp, NULL, "FILE  budget.csv to write (default: stdout)"},
    };
    int r = cli_parse(cmd,
                      "--people people.csv [--scores scores.csv] (--base-rate X | --envelope X) [--pmpm] [--normalize] "
                      "[--level place] [--by unit|segment|person] [--out budget.csv]",
                      opts, sizeof opts / sizeof opts[0], argc, argv);
    if (r) return r < 0 ? CLI_OK : r;
    if (!peoplep) return cli_usage(cmd, "--people is required");
    if (!rate == !env) return cli_usage(cmd, "give exactly one of --base-rate and --envelope");
    ncm_capitation_options o = NCM_CAPITATION_OPTIONS_INIT;
    if (rate && (r = cli_parse_money(cmd, "base-rate", rate, &o.base_rate))) return r;
    if (env) {
        if ((r = cli_parse_money(cmd, "envelope", env, &o.envelope))) return r;
        o.flags |= NCM_CAPITATION_ENVELOPE;
    }
    if (pmpm) o.flags |= NCM_CAPITATION_PMPM;
    if (normalize) o.flags |= NCM_CAPITATION_NORMALIZE;
    ncm_budget_table what = NCM_BUDGET_UNITS;
    if (by) {
        if (strcmp(by, "unit") == 0) what = NCM_BUDGET_UNITS;
        else if (strcmp(by, "segment") == 0) what = NCM_BUDGET_SEGMENTS;
        else if (strcmp(by, "person") == 0) what = NCM_BUDGET_PEOPLE;
        else return cli_usage(cmd, "--by: '%s' is not unit, segment or person", by);
    }
    ncm_level level = NCM_LEVEL_PRACTICE;
    if (levelp && ncm_level_parse(levelp, &level) != NCM_OK) return cli_usage(cmd, "--level: %s", ncm_last_error());
    cap_table ts;
    memset(&ts, 0, sizeof ts);
    ncm_population *pop = NULL;
    ncm_budget *b = NULL;
    double *w = NULL;
    unsigned char *seen = NULL;
    ncm_status st = ncm_population_read_csv(peoplep, NULL, NULL, &pop);
    if (st) {
        r = cli_fail(cmd, st);
        goto done;
    }
    size_t n = ncm_population_size(pop);
    if (scoresp) {
        if ((r = cap_table_read(cmd, scoresp, &ts))) goto done;
        size_t idc = 0, sc = 0;
        if ((r = cap_need_col(cmd, &ts, "person_id", &idc)) || (r = cap_need_col(cmd, &ts, "score", &sc))) goto done;
        w = malloc((n ? n : 1) * sizeof *w);
        seen = calloc(n ? n : 1, 1);
        if (!w || !seen) {
            r = cli_failf(cmd, "out of memory");
            goto done;
        }
        for (size_t j = 0; j < ts.nrows; j++) {
            uint32_t row = 0;
            const char *pid = cap_cell(&ts, j, idc);
            if (ncm_population_text_find(pop, NCM_TEXT_PERSON, pid, &row) != NCM_OK) {
                r = cli_failf(cmd, "%s:%zu:%zu (person_id): person '%s' is not in %s", scoresp, ts.line[j + 1], idc + 1,
                              pid, peoplep);
                goto done;
            }
            if (seen[row]) {
                r = cli_failf(cmd, "%s:%zu: person '%s' has two scores", scoresp, ts.line[j + 1], pid);
                goto done;
            }
            seen[row] = 1;
            if ((r = cap_number(cmd, &ts, j, sc, &w[row]))) goto done;
        }
        for (size_t i = 0; i < n; i++)
            if (!seen[i]) {
                r = cli_failf(cmd, "%s: person '%s' has no score", scoresp,
                              ncm_population_text_value(pop, NCM_TEXT_PERSON, (uint32_t)i));
                goto done;
            }
    }
    st = ncm_capitation_population(pop, w, &o, &b);
    if (st) {
        r = cli_fail(cmd, st);
        goto done;
    }
    size_t lv = 0;
    if (what == NCM_BUDGET_UNITS && ncm_budget_level_find(b, ncm_level_name(level), &lv) != NCM_OK) {
        r = cli_failf(cmd, "%s: no '%s' column, so no %s level (%s)", peoplep, ncm_level_name(level),
                      ncm_level_name(level), ncm_last_error());
        goto done;
    }
    if (what == NCM_BUDGET_SEGMENTS && ncm_budget_segment_count(b) == 0) {
        r = cli_failf(cmd, "%s: no 'segment' column", peoplep);
        goto done;
    }
    if (!outp) outp = "-";
    if ((st = ncm_budget_write_csv(b, what, lv, outp))) r = cli_fail(cmd, st);
done:
    free(w);
    free(seen);
    ncm_budget_free(b);
    ncm_population_free(pop);
    cap_table_free(&ts);
    return r;
}
