/* ncm capitate: risk-adjusted capitation of a population, rolled up to a geography level. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "cli.h"

const char ncm_cmd_capitate_help[] = "risk-adjusted capitation (or year-of-care) budget per unit, segment or person";

/* Parse "NAME=VALUE[,NAME=VALUE...]" (--carve-out amounts or --top-slice rates) into lines
 * [*n, *n + count) of names / amounts / rates. The names point into `text` (modified in place). */
static int parse_lines(const char *cmd, const char *opt, char *text, int money, const char **names, ncm_money *amounts,
                       double *rates, size_t cap, size_t *n)
{
    char *item = text;
    while (item && *item) {
        char *next = strchr(item, ',');
        if (next) *next++ = '\0';
        char *eq = strchr(item, '=');
        if (!eq || eq == item) return cli_usage(cmd, "--%s: '%s' is not NAME=VALUE", opt, item);
        *eq = '\0';
        size_t k = *n;
        for (size_t j = 0; j < *n; j++)
            if (strcmp(names[j], item) == 0) k = j;
        if (k == *n) {
            if (*n == cap) return cli_usage(cmd, "--%s: at most %zu lines", opt, cap);
            names[k] = item;
            amounts[k] = 0;
            rates[k] = 0.0;
            (*n)++;
        }
        int r = money ? cli_parse_money(cmd, opt, eq + 1, &amounts[k]) : cli_parse_double(cmd, opt, eq + 1, &rates[k]);
        if (r) return r;
        item = next;
    }
    return 0;
}

/* Year of care: the population's levels, segments and months as plain columns, one annual price per
 * segment from prices.csv (segment, price); every segment of the population needs a price. */
static int year_of_care(const char *cmd, const char *peoplep, const char *pricesp, const ncm_population *pop,
                        ncm_budget **out)
{
    tbl t;
    const char **names[NCM_LEVEL_COUNT + 2] = {0};
    ncm_money *prices = NULL;
    int r = tbl_read(cmd, pricesp, &t);
    if (r) return r;
    size_t sc = 0, pc = 0;
    if ((r = tbl_need_col(cmd, &t, "segment", &sc)) || (r = tbl_need_col(cmd, &t, "price", &pc)) ||
        (r = tbl_check_unique(cmd, &t, sc)))
        goto done;
    if (!ncm_population_has_column(pop, "segment")) {
        r = cli_failf(cmd, "%s: no 'segment' column, which year-of-care prices need", peoplep);
        goto done;
    }
    ncm_capitation_people p;
    ncm_capitation_people_init(&p);
    p.n = ncm_population_size(pop);
    p.months = ncm_population_months(pop);
    for (int lv = 0; lv < NCM_LEVEL_COUNT + 2; lv++) {
        ncm_text_field field = lv < NCM_LEVEL_COUNT ? (ncm_text_field)lv : lv == NCM_LEVEL_COUNT ? NCM_TEXT_SEGMENT
                                                                                                : NCM_TEXT_PERSON;
        if (lv < NCM_LEVEL_COUNT && !ncm_population_has_column(pop, ncm_level_name((ncm_level)lv))) continue;
        size_t count = field == NCM_TEXT_PERSON ? p.n : ncm_population_text_count(pop, field);
        names[lv] = malloc((count ? count : 1) * sizeof *names[lv]);
        if (!names[lv]) {
            r = cli_failf(cmd, "out of memory");
            goto done;
        }
        for (size_t u = 0; u < count; u++) names[lv][u] = ncm_population_text_value(pop, field, (uint32_t)u);
        if (lv < NCM_LEVEL_COUNT) {
            size_t k = p.nlevels++;
            p.level_ids[k] = ncm_population_text_ids(pop, field);
            p.level_count[k] = count;
            p.level_name[k] = ncm_level_name((ncm_level)lv);
            p.unit_names[k] = names[lv];
        } else if (field == NCM_TEXT_SEGMENT) {
            p.segment = ncm_population_text_ids(pop, field);
            p.nsegments = count;
            p.segment_names = names[lv];
        } else {
            p.person_names = names[lv];
        }
    }
    prices = malloc((p.nsegments ? p.nsegments : 1) * sizeof *prices);
    if (!prices) {
        r = cli_failf(cmd, "out of memory");
        goto done;
    }
    for (size_t s = 0; s < p.nsegments; s++) {
        size_t row = t.nrows;
        for (size_t j = 0; j < t.nrows; j++)
            if (strcmp(tbl_cell(&t, j, sc), p.segment_names[s]) == 0) row = j;
        if (row == t.nrows) {
            r = cli_failf(cmd, "%s: no price for segment '%s' (of %s)", pricesp, p.segment_names[s], peoplep);
            goto done;
        }
        if ((r = tbl_money(cmd, &t, row, pc, &prices[s]))) goto done;
    }
    ncm_status st = ncm_year_of_care(&p, prices, NULL, 1, out);
    if (st) r = cli_fail(cmd, st);
done:
    for (int k = 0; k < NCM_LEVEL_COUNT + 2; k++) free((void *)names[k]);
    free(prices);
    tbl_free(&t);
    return r;
}

int ncm_cmd_capitate(int argc, char **argv)
{
    const char *cmd = "capitate", *peoplep = NULL, *scoresp = NULL, *rate = NULL, *levelp = NULL, *outp = NULL,
               *by = NULL, *env = NULL, *yocp = NULL, *carvep = NULL, *slicep = NULL;
    int pmpm = 0, normalize = 0;
    const cli_option opts[] = {
        {"people", &peoplep, NULL, "FILE  people.csv in the population format (person_id, age, sex, practice, ..., months_enrolled, segment) (required)"},
        {"scores", &scoresp, NULL, "FILE  scores.csv: person_id and payment_score (ncm risk output) or score: per-person weight; default 1"},
        {"base-rate", &rate, NULL, "X     base rate per person-year (or per month with --pmpm), exact decimal"},
        {"envelope", &env, NULL, "X     split this fixed envelope instead of using a base rate"},
        {"pmpm", NULL, &pmpm, "      the base rate is per member per month"},
        {"normalize", NULL, &normalize, "      rescale weights to an exposure-weighted mean of 1"},
        {"yoc", &yocp, NULL, "FILE  year-of-care prices.csv: segment, price (annual price per segment, exact decimal) instead of a base rate"},
        {"carve-out", &carvep, NULL, "LIST  NAME=X[,NAME=X...]: fixed amounts removed before distribution, as own lines"},
        {"top-slice", &slicep, NULL, "LIST  NAME=RATE[,...]: fractions of the gross removed (e.g. reserve=0.02), as own lines"},
        {"level", &levelp, NULL, "NAME  practice, network, place or system (default practice)"},
        {"by", &by, NULL, "WHAT  unit (default), segment, person or lines"},
        {"out", &outp, NULL, "FILE  budget.csv to write (default: stdout)"},
    };
    int r = cli_parse(cmd,
                      "--people people.csv ([--scores scores.csv] (--base-rate X | --envelope X) [--pmpm] [--normalize] "
                      "[--carve-out NAME=X,...] [--top-slice NAME=RATE,...] | --yoc prices.csv) [--level place] "
                      "[--by unit|segment|person|lines] [--out budget.csv]",
                      opts, sizeof opts / sizeof opts[0], argc, argv);
    if (r) return r < 0 ? CLI_OK : r;
    if (!peoplep) return cli_usage(cmd, "--people is required");
    if (yocp && (rate || env || scoresp || pmpm || normalize || carvep || slicep))
        return cli_usage(cmd, "--yoc prices every person by segment: it takes no --base-rate, --envelope, --scores, "
                              "--pmpm, --normalize, --carve-out or --top-slice");
    if (!yocp && !rate == !env) return cli_usage(cmd, "give exactly one of --base-rate, --envelope and --yoc");
    ncm_capitation_options o = NCM_CAPITATION_OPTIONS_INIT;
    if (rate && (r = cli_parse_money(cmd, "base-rate", rate, &o.base_rate))) return r;
    if (env) {
        if ((r = cli_parse_money(cmd, "envelope", env, &o.envelope))) return r;
        o.flags |= NCM_CAPITATION_ENVELOPE;
    }
    if (pmpm) o.flags |= NCM_CAPITATION_PMPM;
    if (normalize) o.flags |= NCM_CAPITATION_NORMALIZE;
    enum { MAX_LINES = 32 };
    const char *line_names[MAX_LINES];
    ncm_money line_amounts[MAX_LINES];
    double line_rates[MAX_LINES];
    size_t nlines = 0;
    char carve_buf[1024], slice_buf[1024];
    if (carvep) {
        snprintf(carve_buf, sizeof carve_buf, "%s", carvep);
        if ((r = parse_lines(cmd, "carve-out", carve_buf, 1, line_names, line_amounts, line_rates, MAX_LINES, &nlines)))
            return r;
    }
    if (slicep) {
        snprintf(slice_buf, sizeof slice_buf, "%s", slicep);
        if ((r = parse_lines(cmd, "top-slice", slice_buf, 0, line_names, line_amounts, line_rates, MAX_LINES, &nlines)))
            return r;
    }
    o.nslices = nlines;
    o.slice_names = line_names;
    o.slice_amounts = line_amounts;
    o.slice_rates = line_rates;
    ncm_budget_table what = NCM_BUDGET_UNITS;
    if (by) {
        if (strcmp(by, "unit") == 0) what = NCM_BUDGET_UNITS;
        else if (strcmp(by, "segment") == 0) what = NCM_BUDGET_SEGMENTS;
        else if (strcmp(by, "person") == 0) what = NCM_BUDGET_PEOPLE;
        else if (strcmp(by, "lines") == 0) what = NCM_BUDGET_LINES;
        else return cli_usage(cmd, "--by: '%s' is not unit, segment, person or lines", by);
    }
    ncm_level level = NCM_LEVEL_PRACTICE;
    if (levelp && ncm_level_parse(levelp, &level) != NCM_OK) return cli_usage(cmd, "--level: %s", ncm_last_error());
    ncm_population *pop = NULL;
    ncm_budget *b = NULL;
    double *w = NULL;
    ncm_status st = ncm_population_read_csv(peoplep, NULL, NULL, &pop);
    if (st) {
        r = cli_fail(cmd, st);
        goto done;
    }
    size_t n = ncm_population_size(pop);
    if (scoresp) {
        w = malloc((n ? n : 1) * sizeof *w);
        if (!w) {
            r = cli_failf(cmd, "out of memory");
            goto done;
        }
        if ((r = tbl_read_scores(cmd, scoresp, NULL, pop, w))) goto done;
    }
    if (yocp) {
        if ((r = year_of_care(cmd, peoplep, yocp, pop, &b))) goto done;
    } else if ((st = ncm_capitation_population(pop, w, &o, &b)) != NCM_OK) {
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
    ncm_budget_free(b);
    ncm_population_free(pop);
    return r;
}
