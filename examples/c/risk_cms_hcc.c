/* Score the README's worked example with CMS-HCC V24 and explain the score term by term.
 *
 * usage: example_risk_cms_hcc CMS_TABLES_DIR      (e.g. ../shared/data/cms-hcc)
 *
 * Prints:
 *
 *   CMS-HCC V24: raw 1.148, payment 0.9426 (normalisation 1.146, coding intensity 5.9%)
 *     M70_74           0.394
 *     HCC85            0.331
 *     HCC18            0.302
 *     DIABETES_CHF     0.121
 *     D2               0.000
 *   unknown codes: 1 (I10 x1)
 */
#include <stdio.h>
#include <stdlib.h>

#include <ncm/ncm.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CMS_TABLES_DIR\n", argv[0]);
        return 2;
    }
    /* one CNA man aged 70 with E11.69, I50.9 and I10 (hypertension is not a payment HCC in V24) */
    const char *ids[] = {"A1"}, *segs[] = {"CNA"}, *codes[] = {"E11.69", "I50.9", "I10"};
    int32_t age[] = {70};
    uint8_t sex[] = {NCM_SEX_MALE}, orec[] = {0}, medicaid[] = {0};
    uint64_t off[] = {0, 3};
    ncm_population_columns c;
    ncm_population_columns_init(&c);
    c.n = 1;
    c.person_id.values = ids;
    c.age = age;
    c.sex = sex;
    c.segment.values = segs;
    c.orec = orec;
    c.medicaid = medicaid;
    c.dx_offsets = off;
    c.dx_codes.values = codes;

    ncm_population *pop = NULL;
    ncm_risk_model *m = NULL;
    ncm_risk_result *why = NULL;
    ncm_status st;
    if ((st = ncm_population_from_columns(&c, &pop)) || (st = ncm_risk_model_cms_hcc(argv[1], NCM_CMS_HCC_V24, &m))) {
        fprintf(stderr, "error: %s\n", ncm_last_error());
        ncm_population_free(pop);
        return 1;
    }
    ncm_risk_options o;
    ncm_risk_options_init(&o);
    o.normalization = 1.146;
    o.coding_intensity = 0.059;
    double raw, pay;
    if ((st = ncm_risk_score(m, pop, &o, &raw, &pay, 1, &why))) {
        fprintf(stderr, "error: %s\n", ncm_last_error());
        return 1;
    }
    printf("%s: raw %.3f, payment %.4f (normalisation 1.146, coding intensity 5.9%%)\n", ncm_risk_model_name(m), raw, pay);
    size_t k;
    const uint32_t *terms;
    const double *coefs;
    ncm_risk_result_terms(why, 0, &k, &terms, &coefs);
    for (size_t j = 0; j < k; j++) printf("  %-16s %.3f\n", ncm_risk_result_term_name(why, terms[j]), coefs[j]);
    printf("unknown codes: %llu", (unsigned long long)ncm_risk_result_unknown_total(why));
    for (size_t j = 0; j < ncm_risk_result_unknown_code_count(why); j++) {
        const char *code;
        uint64_t n;
        ncm_risk_result_unknown_code(why, j, &code, &n);
        printf("%s%s x%llu", j ? ", " : " (", code, (unsigned long long)n);
    }
    printf("%s\n", ncm_risk_result_unknown_code_count(why) ? ")" : "");
    ncm_risk_result_free(why);
    ncm_risk_model_free(m);
    ncm_population_free(pop);
    return 0;
}
