/* ncm risk: score a population with a risk model and write person_id, raw_score, payment_score, terms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char ncm_cmd_risk_help[] = "score a population with CMS-HCC, Charlson, Elixhauser or an age-sex model";

static void put_csv_text(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int ncm_cmd_risk(int argc, char **argv)
{
    const char *model = NULL, *version = "V24", *tables = NULL, *table = NULL, *people = NULL, *diagnoses = NULL;
    const char *out = NULL, *norm = NULL, *ci = NULL, *weights = "quan2011", *write_model = NULL;
    const cli_option opts[] = {
        {"model", &model, NULL, "NAME  cms-hcc, charlson, elixhauser, age-sex or cc (a model file) (required)"},
        {"version", &version, NULL, "V     CMS-HCC version: V24 (default) or V28"},
        {"tables", &tables, NULL, "DIR   folder of the CMS tables (coefficients.csv, dx_to_cc.csv, ...) for cms-hcc"},
        {"table", &table, NULL, "FILE  age-sex table (band_low,band_high,sex,weight) or cc model file"},
        {"weights", &weights, NULL, "W     Charlson weights: quan2011 (default) or charlson1987"},
        {"people", &people, NULL, "FILE  people.csv (person_id, age, sex, segment, orec, medicaid, ...) (required)"},
        {"diagnoses", &diagnoses, NULL, "FILE  diagnoses.csv (person_id, code)"},
        {"out", &out, NULL, "FILE  scores.csv to write (required)"},
        {"normalization", &norm, NULL, "F     normalisation factor (default 1)"},
        {"coding-intensity", &ci, NULL, "F     coding-intensity adjustment as a fraction (default 0; 0.059 = 5.9%)"},
        {"write-model", &write_model, NULL, "FILE  also write the model in ncm's CSV model format"},
    };
    int r = cli_parse("risk",
                      "--model cms-hcc|charlson|elixhauser|age-sex|cc [--version V24|V28] [--tables DIR] [--table FILE] "
                      "--people FILE [--diagnoses FILE] --out FILE [--normalization F] [--coding-intensity F]",
                      opts, sizeof opts / sizeof opts[0], argc, argv);
    if (r) return r < 0 ? CLI_OK : r;
    if (!model) return cli_usage("risk", "--model is required");
    if (!people) return cli_usage("risk", "--people FILE is required");
    if (!out) return cli_usage("risk", "--out FILE is required");
    ncm_risk_options o = NCM_RISK_OPTIONS_INIT;
    if (norm && (r = cli_parse_double("risk", "--normalization", norm, &o.normalization))) return r;
    if (ci && (r = cli_parse_double("risk", "--coding-intensity", ci, &o.coding_intensity))) return r;

    ncm_risk_model *m = NULL;
    ncm_status st;
    if (!strcmp(model, "cms-hcc")) {
        ncm_cms_hcc_version v;
        if (!strcmp(version, "V24") || !strcmp(version, "v24") || !strcmp(version, "24")) v = NCM_CMS_HCC_V24;
        else if (!strcmp(version, "V28") || !strcmp(version, "v28") || !strcmp(version, "28")) v = NCM_CMS_HCC_V28;
        else return cli_usage("risk", "--version: '%s' is not V24 or V28", version);
        if (!tables) return cli_usage("risk", "--tables DIR is required for --model cms-hcc");
        st = ncm_risk_model_cms_hcc(tables, v, &m);
    } else if (!strcmp(model, "charlson")) {
        ncm_charlson_weights w;
        if (!strcmp(weights, "quan2011")) w = NCM_CHARLSON_QUAN2011;
        else if (!strcmp(weights, "charlson1987")) w = NCM_CHARLSON_1987;
        else return cli_usage("risk", "--weights: '%s' is not quan2011 or charlson1987", weights);
        st = ncm_risk_model_charlson(w, &m);
    } else if (!strcmp(model, "elixhauser")) {
        st = ncm_risk_model_elixhauser(&m);
    } else if (!strcmp(model, "age-sex")) {
        if (!table) return cli_usage("risk", "--table FILE is required for --model age-sex");
        st = ncm_risk_model_age_sex(table, &m);
    } else if (!strcmp(model, "cc")) {
        if (!table) return cli_usage("risk", "--table FILE is required for --model cc");
        st = ncm_risk_model_read(table, &m);
    } else
        return cli_usage("risk", "--model: '%s' is not cms-hcc, charlson, elixhauser, age-sex or cc", model);
    if (st) return cli_fail("risk", st);
    if (write_model && (st = ncm_risk_model_write(m, write_model))) {
        ncm_risk_model_free(m);
        return cli_fail("risk", st);
    }

    ncm_population_csv_options po = NCM_POPULATION_CSV_OPTIONS_INIT;
    ncm_population *pop = NULL;
    if ((st = ncm_population_read_csv(people, diagnoses, &po, &pop))) {
        ncm_risk_model_free(m);
        return cli_fail("risk", st);
    }
    size_t n = ncm_population_size(pop);
    double *raw = malloc((n ? n : 1) * sizeof *raw), *pay = malloc((n ? n : 1) * sizeof *pay);
    ncm_risk_result *res = NULL;
    int rc = CLI_OK;
    FILE *f = NULL;
    if (!raw || !pay) {
        rc = cli_failf("risk", "out of memory");
        goto done;
    }
    if ((st = ncm_risk_score(m, pop, &o, raw, pay, n, &res))) {
        rc = cli_fail("risk", st);
        goto done;
    }
    f = fopen(out, "wb");
    if (!f) {
        rc = cli_failf("risk", "%s: cannot create", out);
        goto done;
    }
    fputs("person_id,raw_score,payment_score,terms\n", f);
    for (size_t i = 0; i < n; i++) {
        put_csv_text(f, ncm_population_text_value(pop, NCM_TEXT_PERSON, (uint32_t)i));
        fprintf(f, ",%.6f,%.6f,", raw[i], pay[i]);
        size_t k;
        const uint32_t *ids;
        const double *co;
        if (ncm_risk_result_terms(res, i, &k, &ids, &co) == NCM_OK)
            for (size_t j = 0; j < k; j++) {
                if (j) fputc(' ', f);
                fputs(ncm_risk_result_term_name(res, ids[j]), f);
            }
        fputc('\n', f);
    }
    if (fclose(f)) {
        f = NULL;
        rc = cli_failf("risk", "%s: write failed", out);
        goto done;
    }
    f = NULL;
    {
        uint64_t unk = ncm_risk_result_unknown_total(res);
        size_t nu = ncm_risk_result_unknown_code_count(res);
        fprintf(stderr, "ncm risk: %s: %zu people scored; %llu unknown code occurrences (%zu distinct)", ncm_risk_model_name(m),
                n, (unsigned long long)unk, nu);
        for (size_t k = 0; k < nu && k < 10; k++) {
            const char *code;
            uint64_t occ;
            if (ncm_risk_result_unknown_code(res, k, &code, &occ) == NCM_OK)
                fprintf(stderr, "%s %s x%llu", k ? "," : ":", code, (unsigned long long)occ);
        }
        fprintf(stderr, "%s\n", nu > 10 ? ", ..." : "");
    }
done:
    if (f) fclose(f);
    free(raw);
    free(pay);
    ncm_risk_result_free(res);
    ncm_population_free(pop);
    ncm_risk_model_free(m);
    return rc;
}
