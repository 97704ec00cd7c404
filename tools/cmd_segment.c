/* ncm segment: assign every person of a population to one segment of a rule set and write
 * person_id,segment. A client of the public API only. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "table.h"

const char ncm_cmd_segment_help[] = "assign people to segments (Bridges to Health, risk tiers, age x LTCs, or JSON rules)";


static int write_summary(const char *path, const ncm_population *pop, const ncm_segmentation *seg, const uint32_t *ids,
                         const double *scores, int level)
{
    size_t n = ncm_population_size(pop);
    uint32_t ns = ncm_segmentation_segment_count(seg);
    ncm_segment_summary *sum = NULL;
    ncm_status st = ncm_segment_summarize(pop, ids, n, ns, scores, level, &sum);
    if (st) return cli_fail("segment", st);
    size_t cells = ncm_segment_summary_cells(sum);
    uint64_t *people = malloc(cells * sizeof *people);
    double *ex = malloc(cells * sizeof *ex), *share = malloc(cells * sizeof *share), *risk = malloc(cells * sizeof *risk);
    ncm_money *cost = malloc(cells * sizeof *cost);
    int rc = CLI_OK;
    FILE *f = NULL;
    if (!people || !ex || !share || !risk || !cost) {
        rc = cli_failf("segment", "out of memory");
        goto done;
    }
    if ((st = ncm_segment_summary_people(sum, people, cells)) || (st = ncm_segment_summary_exposure(sum, ex, cells)) ||
        (st = ncm_segment_summary_cost(sum, cost, cells)) || (st = ncm_segment_summary_cost_share(sum, share, cells)) ||
        (scores && (st = ncm_segment_summary_mean_risk(sum, risk, cells)))) {
        rc = cli_fail("segment", st);
        goto done;
    }
    if (!(f = fopen(path, "wb"))) {
        rc = cli_failf("segment", "%s: cannot create: %s", path, strerror(errno));
        goto done;
    }
    if (level != NCM_SUMMARY_WHOLE) fprintf(f, "%s,", ncm_level_name((ncm_level)level));
    fprintf(f, "segment,people,exposure,cost,cost_share%s\n", scores ? ",mean_risk" : "");
    for (size_t c = 0; c < cells; c++) {
        char money[40];
        ncm_money_format(cost[c], NCM_MONEY_DECIMALS, 0, money, sizeof money);
        if (level != NCM_SUMMARY_WHOLE) {
            const char *u = ncm_population_text_value(pop, (ncm_text_field)level, (uint32_t)(c / ns));
            tbl_put_str(f, u ? u : "");
            fputc(',', f);
        }
        tbl_put_str(f, ncm_segmentation_segment_name(seg, (uint32_t)(c % ns)));
        fprintf(f, ",%llu,%.6f,%s,%.6f", (unsigned long long)people[c], ex[c], money, share[c]);
        if (scores) {
            if (isnan(risk[c]))
                fputs(",", f);
            else
                fprintf(f, ",%.6f", risk[c]);
        }
        fputc('\n', f);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) rc = cli_failf("segment", "%s: write failed", path);
done:
    free(people);
    free(ex);
    free(share);
    free(risk);
    free(cost);
    ncm_segment_summary_free(sum);
    return rc;
}

int ncm_cmd_segment(int argc, char **argv)
{
    const char *rules = NULL, *people = NULL, *diagnoses = NULL, *scores_path = NULL, *out = NULL, *groups_path = NULL,
               *score_col = NULL, *summary = NULL, *level_name = NULL;
    const cli_option opts[] = {
        {"rules", &rules, NULL, "NAME|FILE  bridges-to-health, risk-tiers, age-ltc, or a JSON rule file (required)"},
        {"people", &people, NULL, "FILE  people.csv (required)"},
        {"diagnoses", &diagnoses, NULL, "FILE  diagnoses.csv (person_id, code)"},
        {"scores", &scores_path, NULL, "FILE  scores.csv (person_id, payment_score or score), for risk rules"},
        {"score-column", &score_col, NULL, "NAME  score column of --scores (default payment_score, else score)"},
        {"groups", &groups_path, NULL, "FILE  condition groups CSV (group, prefix[, ltc]); default built-in"},
        {"out", &out, NULL, "FILE  segments.csv to write: person_id,segment (required)"},
        {"summary", &summary, NULL, "FILE  also write people, exposure, cost, cost share (and mean risk) per segment"},
        {"level", &level_name, NULL, "LEVEL summarise per practice, network, place or system (default: whole population)"},
    };
    int r = cli_parse("segment",
                      "--rules NAME|FILE --people FILE [--diagnoses FILE] [--scores FILE] [--groups FILE] --out FILE\n"
                      "       [--summary FILE [--level LEVEL]]",
                      opts, sizeof opts / sizeof opts[0], argc, argv);
    if (r) return r < 0 ? CLI_OK : r;
    if (!rules) return cli_usage("segment", "--rules NAME|FILE is required");
    if (!people) return cli_usage("segment", "--people FILE is required");
    if (!out) return cli_usage("segment", "--out FILE is required");
    int level = NCM_SUMMARY_WHOLE;
    if (level_name) {
        ncm_level lv;
        if (ncm_level_parse(level_name, &lv) != NCM_OK)
            return cli_usage("segment", "--level: '%s' is not practice, network, place or system", level_name);
        if (!summary) return cli_usage("segment", "--level needs --summary FILE");
        level = (int)lv;
    }

    ncm_condition_groups *groups = NULL;
    ncm_segmentation *seg = NULL;
    ncm_population *pop = NULL;
    double *scores = NULL;
    uint32_t *ids = NULL;
    int rc = CLI_OK;
    ncm_status st;
    if (groups_path && (st = ncm_condition_groups_read_csv(groups_path, &groups))) {
        rc = cli_fail("segment", st);
        goto done;
    }
    if (strcmp(rules, "bridges-to-health") == 0)
        st = ncm_segmentation_bridges_to_health(groups, &seg);
    else if (strcmp(rules, "risk-tiers") == 0)
        st = ncm_segmentation_risk_tiers(NULL, 0, &seg);
    else if (strcmp(rules, "age-ltc") == 0)
        st = ncm_segmentation_age_ltc(NULL, 0, groups, &seg);
    else
        st = ncm_segmentation_read_json(rules, groups, &seg);
    if (st) {
        rc = cli_fail("segment", st);
        goto done;
    }
    if ((st = ncm_population_read_csv(people, diagnoses, NULL, &pop))) {
        rc = cli_fail("segment", st);
        goto done;
    }
    size_t n = ncm_population_size(pop);
    ids = malloc((n ? n : 1) * sizeof *ids);
    if (scores_path) scores = malloc((n ? n : 1) * sizeof *scores);
    if (!ids || (scores_path && !scores)) {
        rc = cli_failf("segment", "out of memory");
        goto done;
    }
    if (scores_path && (rc = tbl_read_scores("segment", scores_path, score_col, pop, scores)) != CLI_OK) goto done;
    if ((st = ncm_segmentation_assign(seg, pop, scores, scores ? n : 0, ids, n))) {
        rc = cli_fail("segment", st);
        goto done;
    }
    FILE *f = fopen(out, "wb");
    if (!f) {
        rc = cli_failf("segment", "%s: cannot create: %s", out, strerror(errno));
        goto done;
    }
    fputs("person_id,segment\n", f);
    for (size_t i = 0; i < n; i++) {
        tbl_put_str(f, ncm_population_text_value(pop, NCM_TEXT_PERSON, (uint32_t)i));
        fputc(',', f);
        tbl_put_str(f, ncm_segmentation_segment_name(seg, ids[i]));
        fputc('\n', f);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        rc = cli_failf("segment", "%s: write failed", out);
        goto done;
    }
    if (summary) rc = write_summary(summary, pop, seg, ids, scores, level);
done:
    free(ids);
    free(scores);
    ncm_population_free(pop);
    ncm_segmentation_free(seg);
    ncm_condition_groups_free(groups);
    return rc;
}
