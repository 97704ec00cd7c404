/* ncm outcomes: score a provider's results against an outcome framework. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const char ncm_cmd_outcomes_help[] = "score results against an outcome framework (per measure, domain, total, pot)";

static void num(double x)
{
    if (isnan(x)) printf(",");
    else printf(",%.4f", x);
}

int ncm_cmd_outcomes(int argc, char **argv)
{
    const char *fw_path = NULL, *res_path = NULL, *pot_text = NULL;
    const cli_option opts[] = {
        {"framework", &fw_path, NULL, "FILE  outcome framework JSON (schema ncm.outcomes/1) (required)"},
        {"results", &res_path, NULL, "FILE  results CSV: measure_id,value[,baseline] (required)"},
        {"pot", &pot_text, NULL, "AMOUNT  outcome pot at stake, e.g. 1000000.00: also print what is earned"},
    };
    int r = cli_parse("outcomes", "--framework FILE --results FILE [--pot AMOUNT]", opts, sizeof opts / sizeof opts[0], argc, argv);
    if (r) return r < 0 ? CLI_OK : r;
    if (!fw_path || !res_path) return cli_usage("outcomes", "--framework and --results are required");
    ncm_money pot = 0;
    if (pot_text && (r = cli_parse_money("outcomes", "pot", pot_text, &pot))) return r;
    ncm_outcome_framework *fw = NULL;
    ncm_outcome_result *res = NULL;
    ncm_status st = ncm_outcome_framework_load_json(fw_path, &fw);
    if (st) return cli_fail("outcomes", st);
    st = ncm_outcome_score_csv(fw, res_path, &res);
    if (st) {
        ncm_outcome_framework_free(fw);
        return cli_fail("outcomes", st);
    }
    size_t n = ncm_outcome_measure_count(fw), nd = ncm_outcome_domain_count(fw);
    double *pts = malloc(n * sizeof *pts), *ach = malloc(n * sizeof *ach), *imp = malloc(n * sizeof *imp);
    int *met = malloc(n * sizeof *met);
    double *ds = malloc(nd * sizeof *ds), *dw = malloc(nd * sizeof *dw);
    int rc = CLI_OK;
    if (!pts || !ach || !imp || !met || !ds || !dw) {
        rc = cli_failf("outcomes", "out of memory");
        goto done;
    }
    double total = NAN;
    int gate = 0;
    if ((st = ncm_outcome_result_measures(res, pts, ach, imp, met, n)) || (st = ncm_outcome_result_domains(res, ds, dw, nd)) ||
        (st = ncm_outcome_result_total(res, &total, &gate))) {
        rc = cli_fail("outcomes", st);
        goto done;
    }
    printf("measure_id,domain,method,points,achievement,improvement,met\n");
    for (size_t i = 0; i < n; i++) {
        size_t d = 0;
        int method = 0;
        ncm_outcome_measure_info(fw, i, &d, NULL, &method);
        printf("%s,%s,%s", ncm_outcome_measure_id(fw, i), ncm_outcome_domain_id(fw, d), ncm_outcome_method_name(method));
        num(pts[i]);
        num(ach[i]);
        num(imp[i]);
        printf(",%s\n", isnan(pts[i]) ? "" : met[i] ? "1" : "0");
    }
    printf("\ndomain_id,score,effective_weight\n");
    for (size_t d = 0; d < nd; d++) {
        printf("%s", ncm_outcome_domain_id(fw, d));
        num(ds[d]);
        num(dw[d]);
        printf("\n");
    }
    printf("\ntotal_score");
    num(total);
    printf("\ngate_met,%d\n", gate);
    if (pot_text) {
        ncm_money earned = 0, unearned = 0;
        char b1[48], b2[48];
        if ((st = ncm_outcome_result_pot(res, pot, NCM_ROUND_HALF_EVEN, &earned, &unearned)) ||
            (st = ncm_money_format(earned, NCM_MONEY_DECIMALS, 0, b1, sizeof b1)) ||
            (st = ncm_money_format(unearned, NCM_MONEY_DECIMALS, 0, b2, sizeof b2))) {
            rc = cli_fail("outcomes", st);
            goto done;
        }
        printf("pot_earned,%s\npot_unearned,%s\n", b1, b2);
    }
done:
    free(pts); free(ach); free(imp); free(met); free(ds); free(dw);
    ncm_outcome_result_free(res);
    ncm_outcome_framework_free(fw);
    return rc;
}
