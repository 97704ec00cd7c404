/* ncm capitate: risk-adjusted capitation of a population, rolled up to a geography level. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap_csv.h"
#include "cli.h"

const char ncm_cmd_capitate_help[] = "risk-adjusted capitation budget per unit, segment or person";

/* Read people.csv into a population (public API: ncm_population_from_columns). */
static int read_people(const char *cmd, const char *path, cap_table *t, ncm_population **pop)
{
    int r = cap_table_read(cmd, path, t);
    if (r) return r;
    size_t n = t->nrows, idc = 0;
    if ((r = cap_need_col(cmd, t, "person_id", &idc))) return r;
    long agec = cap_col(t, "age"), sexc = cap_col(t, "sex"), monc = cap_col(t, "months_enrolled"),
         segc = cap_col(t, "segment");
    long geoc[NCM_LEVEL_COUNT];
    for (int l = 0; l < NCM_LEVEL_COUNT; l++) geoc[l] = cap_col(t, ncm_level_name((ncm_level)l));
    const char **ids = malloc((n ? n : 1) * sizeof *ids), **seg = malloc((n ? n : 1) * sizeof *seg);
    const char **geo = malloc((n ? n : 1) * NCM_LEVEL_COUNT * sizeof *geo);
    int32_t *age = calloc(n ? n : 1, sizeof *age);
    uint8_t *sex = calloc(n ? n : 1, sizeof *sex);
    double *months = malloc((n ? n : 1) * sizeof *months);
    r = 0;
    if (!ids || !seg || !geo || !age || !sex || !months) r = cli_failf(cmd, "out of memory");
    for (size_t i = 0; i < n && !r; i++) {
        ids[i] = cap_cell(t, i, idc);
        if (segc >= 0) seg[i] = cap_cell(t, i, (size_t)segc);
        for (int l = 0; l < NCM_LEVEL_COUNT; l++)
            if (geoc[l] >= 0) geo[(size_t)l * n + i] = cap_cell(t, i, (size_t)geoc[l]);
        months[i] = 12;
        if (monc >= 0 && (r = cap_number(cmd, t, i, (size_t)monc, &months[i]))) break;
        if (agec >= 0) {
            double a = 0;
            if ((r = cap_number(cmd, t, i, (size_t)agec, &a))) break;
            age[i] = (int32_t)a;
        }
        if (sexc >= 0) {
            const char *s = cap_cell(t, i, (size_t)sexc);
            sex[i] = (s[0] == 'F' || s[0] == 'f') ? NCM_SEX_FEMALE : (s[0] == 'M' || s[0] == 'm') ? NCM_SEX_MALE : NCM_SEX_UNKNOWN;
        }
    }
    if (!r) {
        ncm_population_columns c;
        ncm_population_columns_init(&c);
        c.n = n;
        c.person_id.values = ids;
        c.age = age;
        c.sex = sex;
        c.months_enrolled = months;
        for (int l = 0; l < NCM_LEVEL_COUNT; l++)
            if (geoc[l] >= 0) c.geo[l].values = geo + (size_t)l * n;
        if (segc >= 0) c.segment.values = seg;
        ncm_status st = ncm_population_from_columns(&c, pop);
        if (st) r = cli_failf(cmd, "%s: %s", path, ncm_last_error());
    }
    free(ids);
    free(seg);
    free(geo);
    free(age);
    free(sex);
    free(months);
    return r;
}

int ncm_cmd_capitate(int argc, char **argv)
{
    const char *cmd = "capitate", *peoplep = NULL, *scoresp = NULL, *rate = NULL, *levelp = NULL, *outp = NULL,
               *by = NULL, *env = NULL;
    int pmpm = 0, normalize = 0;
    const cli_option opts[] = {
        {"people", &peoplep, NULL, "FILE  people.csv: person_id, practice/network/place/system, months_enrolled, segment (required)"},
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
    cap_table tp, ts;
    memset(&ts, 0, sizeof ts);
    ncm_population *pop = NULL;
    ncm_budget *b = NULL;
    double *w = NULL;
    unsigned char *seen = NULL;
    if ((r = read_people(cmd, peoplep, &tp, &pop))) goto done;
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
    ncm_status st = ncm_capitation_population(pop, w, &o, &b);
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
    cap_table_free(&tp);
    cap_table_free(&ts);
    return r;
}
