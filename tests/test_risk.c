/* Risk models: CMS-HCC V24/V28 scored by hand from the CMS tables, a toy condition-category model in the
 * native format (round trip), Charlson, Elixhauser, age-sex, normalisation, bad input, allocation failures.
 *
 * Every expected score below was worked out by hand: the coefficients were looked up in
 * ../shared/data/cms-hcc/coefficients.csv (model_version C24 or C28), the categories in dx_to_cc.csv and
 * hierarchies.csv, the interactions in interactions.csv; the arithmetic is in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pthread.h>

#include <cmocka.h>

#include "ncm/ncm.h"

#define CMS_DIR NCM_SHARED_DATA "/cms-hcc"
#define TD(f) NCM_TEST_DATA "/risk/" f

typedef struct person {
    const char *id;
    int age;
    char sex;
    const char *seg;
    int orec, mcaid;
    const char *codes; /* space-separated */
    const char *practice;
    double months;
} person;

static ncm_population *make_pop(const person *p, size_t n)
{
    ncm_population_columns c;
    ncm_population_columns_init(&c);
    const char **ids = calloc(n + 1, sizeof *ids), **segs = calloc(n + 1, sizeof *segs);
    const char **prac = calloc(n + 1, sizeof *prac);
    int32_t *age = calloc(n + 1, sizeof *age);
    uint8_t *sex = calloc(n + 1, 1), *orec = calloc(n + 1, 1), *mc = calloc(n + 1, 1);
    double *months = calloc(n + 1, sizeof *months);
    uint64_t *off = calloc(n + 1, sizeof *off);
    char **codes = calloc(64 * (n + 1), sizeof *codes);
    size_t nc = 0;
    int any_practice = 0;
    for (size_t i = 0; i < n; i++) {
        ids[i] = p[i].id;
        age[i] = p[i].age;
        sex[i] = p[i].sex == 'F' ? NCM_SEX_FEMALE : p[i].sex == 'M' ? NCM_SEX_MALE : NCM_SEX_UNKNOWN;
        segs[i] = p[i].seg ? p[i].seg : "";
        orec[i] = (uint8_t)p[i].orec;
        mc[i] = (uint8_t)p[i].mcaid;
        prac[i] = p[i].practice ? p[i].practice : "P0";
        any_practice |= p[i].practice != NULL;
        months[i] = p[i].months > 0 ? p[i].months : 12;
        const char *s = p[i].codes ? p[i].codes : "";
        while (*s) {
            while (*s == ' ') s++;
            if (!*s) break;
            const char *e = s;
            while (*e && *e != ' ') e++;
            codes[nc] = strndup(s, (size_t)(e - s));
            nc++;
            s = e;
        }
        off[i + 1] = nc;
    }
    c.n = n;
    c.person_id.values = ids;
    c.age = age;
    c.sex = sex;
    c.segment.values = segs;
    c.orec = orec;
    c.medicaid = mc;
    c.months_enrolled = months;
    if (any_practice) c.geo[NCM_LEVEL_PRACTICE].values = prac;
    c.dx_offsets = off;
    c.dx_codes.values = (const char *const *)codes;
    ncm_population *pop = NULL;
    ncm_status st = ncm_population_from_columns(&c, &pop);
    if (st) fail_msg("population: %s", ncm_last_error());
    for (size_t k = 0; k < nc; k++) free(codes[k]);
    free(codes);
    free(ids);
    free(segs);
    free(prac);
    free(age);
    free(sex);
    free(orec);
    free(mc);
    free(months);
    free(off);
    return pop;
}

/* The terms of person i are exactly the space-separated names in want (any order). */
static void check_terms(const ncm_risk_result *r, size_t i, const char *want)
{
    size_t n;
    const uint32_t *ids;
    const double *coef;
    assert_int_equal(ncm_risk_result_terms(r, i, &n, &ids, &coef), NCM_OK);
    size_t nw = 0;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", want);
    for (char *t = strtok(buf, " "); t; t = strtok(NULL, " ")) {
        size_t k;
        for (k = 0; k < n; k++)
            if (!strcmp(ncm_risk_result_term_name(r, ids[k]), t)) break;
        if (k == n) {
            char got[512] = "";
            for (k = 0; k < n; k++) {
                strcat(got, " ");
                strcat(got, ncm_risk_result_term_name(r, ids[k]));
            }
            fail_msg("person %zu: term %s did not fire (got:%s)", i, t, got);
        }
        nw++;
    }
    if (nw != n) {
        char got[512] = "";
        for (size_t k = 0; k < n; k++) {
            strcat(got, " ");
            strcat(got, ncm_risk_result_term_name(r, ids[k]));
        }
        fail_msg("person %zu: %zu terms fired, expected %zu (%s); got:%s", i, n, nw, want, got);
    }
}

static int have_cms(void)
{
    struct stat sb;
    if (stat(CMS_DIR "/coefficients.csv", &sb) != 0) {
        printf("SKIP: %s is absent; CMS-HCC table tests need the shared data folder\n", CMS_DIR);
        return 0;
    }
    return 1;
}

static void expect_fail(ncm_status got, ncm_status want, const char *part)
{
    if (got != want) fail_msg("status %d, expected %d (%s)", got, want, ncm_last_error());
    if (part && !strstr(ncm_last_error(), part)) fail_msg("message \"%s\" lacks \"%s\"", ncm_last_error(), part);
}

/* ------------------------------------------------------------------------------------------------ */

static void test_cms_v24(void **state)
{
    (void)state;
    if (!have_cms()) { skip(); return; }
    ncm_risk_model *m = NULL;
    if (ncm_risk_model_cms_hcc(CMS_DIR, NCM_CMS_HCC_V24, &m)) fail_msg("%s", ncm_last_error());
    assert_string_equal(ncm_risk_model_name(m), "CMS-HCC V24");
    static const person P[] = {
        /* 0: README worked example: CNA_M70_74 0.394 + HCC18 (E1169) 0.302 + HCC85 (I509) 0.331
         *    + DIABETES_CHF 0.121 + D2 0 = 1.148 */
        {"p0", 70, 'M', "CNA", 0, 0, "E1169 I509", NULL, 0},
        /* 1: age edge 64, disabled (OREC 1, age < 65): CND_F60_64 0.428 */
        {"p1", 64, 'F', "CND", 1, 0, "", NULL, 0},
        /* 2: age edge 65: CNA_F65_69 0.323 */
        {"p2", 65, 'F', "CNA", 0, 0, NULL, NULL, 0},
        /* 3: age edge 69: CFA_M65_69 0.494 */
        {"p3", 69, 'M', "CFA", 0, 0, NULL, NULL, 0},
        /* 4: age edge 70: CFA_M70_74 0.600 */
        {"p4", 70, 'M', "CFA", 0, 0, NULL, NULL, 0},
        /* 5: age edge 94: CPA_F90_94 0.783 */
        {"p5", 94, 'F', "CPA", 0, 0, NULL, NULL, 0},
        /* 6: age edge 95: CPA_F95_GT 0.873 */
        {"p6", 95, 'F', "CPA", 0, 0, NULL, NULL, 0},
        /* 7: originally disabled (OREC 1, age 67 so not DISABLED): CNA_M65_69 0.308
         *    + CNA_OriginallyDisabled_Male 0.147 = 0.455 */
        {"p7", 67, 'M', "CNA", 1, 0, NULL, NULL, 0},
        /* 8: institutional with Medicaid: INS_F80_84 0.882 + INS_LTIMCAID 0.061 + HCC57 (F200) 0.187
         *    + HCC85 (I509) 0.203 + SCHIZOPHRENIA_CHF 0.127 (no count terms in V24 INS) = 1.460 */
        {"p8", 80, 'F', "INS", 0, 1, "F200 I509", NULL, 0},
        /* 9: institutional, disabled (age 60, OREC 1): INS_M60_64 1.061 + HCC85 0.203
         *    + DISABLED_HCC85 0.279 = 1.543 */
        {"p9", 60, 'M', "INS", 1, 0, "I509", NULL, 0},
        /* 10: new enrollee, diagnoses ignored: NE_NMCAID_NORIGDIS_NEM66 0.533 */
        {"p10", 66, 'M', "NE", 0, 0, "E1169 I509", NULL, 0},
        /* 11: new enrollee, Medicaid, originally disabled (OREC 1, age 67): NE_MCAID_ORIGDIS_NEF67 1.887 */
        {"p11", 67, 'F', "NE", 1, 1, NULL, NULL, 0},
        /* 12: hierarchies: C770 HCC8 drops C029 HCC11 (three levels down: 8>9>10>11);
         *     E1122 HCC18 drops E119 HCC19 (one level): CNA_F75_79 0.451 + HCC8 2.659 + HCC18 0.302
         *     + D2 0 = 3.412 */
        {"p12", 75, 'F', "CNA", 0, 0, "C770 C029 E1122 E119", NULL, 0},
        /* 13: nine categories, no hierarchy or CNA interaction among them: A419 HCC2 0.352, E43 HCC21
         *     0.455, K7030 HCC28 0.363, M069 HCC40 0.421, G309 HCC52 0.346, F1020 HCC55 0.329, I480 HCC96
         *     0.268, N186 HCC136 0.289, L89154 HCC157 2.028 (sum 4.851) + CNA_M80_84 0.556 + D9 0.258
         *     = 5.665 */
        {"p13", 80, 'M', "CNA", 0, 0, "A419 E43 K7030 M069 G309 F1020 I480 N186 L89154", NULL, 0},
        /* 14: ten categories: p13 + G40001 HCC79 0.220: 4.851 + 0.220 + 0.556 + D10P 0.505 = 6.132 */
        {"p14", 80, 'M', "CNA", 0, 0, "A419 E43 K7030 M069 G309 F1020 I480 N186 L89154 G40001", NULL, 0},
        /* 15: eleven categories: p14 + I639 HCC100 0.230: 5.071 + 0.230 + 0.556 + D10P 0.505 = 6.362 */
        {"p15", 80, 'M', "CNA", 0, 0, "A419 E43 K7030 M069 G309 F1020 I480 N186 L89154 G40001 I639", NULL, 0},
        /* 16: V24 edit: D66 in a woman maps to HCC48 (not 46): CNA_F70_74 0.386 + HCC48 0.192 = 0.578 */
        {"p16", 70, 'F', "CNA", 0, 0, "D66", NULL, 0},
        /* 17: D66 in a man keeps HCC46: CNA_M70_74 0.394 + HCC46 1.372 = 1.766 */
        {"p17", 70, 'M', "CNA", 0, 0, "D66", NULL, 0},
        /* 18: V24 edit: J410 under 18 maps to HCC112 (not 111): CND_F0_34 0.241 + CND_HCC112 0.237 = 0.478 */
        {"p18", 17, 'F', "CND", 1, 0, "J410", NULL, 0},
        /* 19: J410 at 18 keeps HCC111: CND_F0_34 0.241 + CND_HCC111 0.246 = 0.487 */
        {"p19", 18, 'F', "CND", 1, 0, "J410", NULL, 0},
        /* 20: V24 edit: F3481 maps to nothing at age 5: CND_M0_34 0.156 */
        {"p20", 5, 'M', "CND", 1, 0, "F3481", NULL, 0},
        /* 21: F3481 at age 10 maps to HCC59: CND_M0_34 0.156 + CND_HCC59 0.164 = 0.320 */
        {"p21", 10, 'M', "CND", 1, 0, "F3481", NULL, 0},
        /* 22: F3481 at 19 maps to nothing: CND_M0_34 0.156 */
        {"p22", 19, 'M', "CND", 1, 0, "F3481", NULL, 0},
        /* 23: one code, two categories: B377 -> HCC2 0.352 and HCC6 0.424; CNA_M70_74 0.394; D2 0
         *     = 1.170 */
        {"p23", 70, 'M', "CNA", 0, 0, "B377", NULL, 0},
        /* 24: normalisation and unknown codes: "e11.69" and " i50.9" are E1169 and I509 (as p0, 1.148);
         *     ZZZ99 and I10 are not in the V24 table: 2 unknown */
        {"p24", 70, 'M', "CNA", 0, 0, "e11.69 I50.9 ZZZ99 I10", NULL, 0},
        /* 25: hierarchy 9 > 10 (one level) and 9 > 10 > 11 > 12 (three levels): C153 HCC9, C4000 HCC10,
         *     C50011 HCC12 leave HCC9: CNA_M75_79 0.473 + HCC9 1.024 + D1 0 = 1.497 */
        {"p25", 75, 'M', "CNA", 0, 0, "C153 C4000 C50011", NULL, 0},
        /* 26: CFD woman of 50 (disabled; DISABLED_HCC85 has no CFD coefficient): CFD_F45_54 0.374
         *     + CFD_HCC85 0.486 + D1 0 = 0.860 */
        {"p26", 50, 'F', "CFD", 1, 1, "I509", NULL, 0},
        /* 27: CPD man of 60: CPD_M60_64 0.373 + CPD_HCC18 (E1169) 0.373 + D1 0 = 0.746 */
        {"p27", 60, 'M', "CPD", 1, 0, "E1169", NULL, 0},
    };
    static const double want[] = {1.148, 0.428, 0.323, 0.494, 0.600, 0.783, 0.873, 0.455, 1.460, 1.543,
                                  0.533, 1.887, 3.412, 5.665, 6.132, 6.362, 0.578, 1.766, 0.478, 0.487,
                                  0.156, 0.320, 0.156, 1.170, 1.148, 1.497, 0.860, 0.746};
    size_t n = sizeof P / sizeof P[0];
    assert_int_equal(n, sizeof want / sizeof want[0]);
    ncm_population *pop = make_pop(P, n);
    double raw[32], pay[32];
    ncm_risk_result *r = NULL;
    if (ncm_risk_score(m, pop, NULL, raw, pay, 32, &r)) fail_msg("%s", ncm_last_error());
    for (size_t i = 0; i < n; i++) {
        if (fabs(raw[i] - want[i]) > 1e-9) fail_msg("person %s: raw %.6f, expected %.3f", P[i].id, raw[i], want[i]);
        assert_true(fabs(pay[i] - raw[i]) < 1e-12); /* defaults: normalisation 1, no coding intensity */
    }
    check_terms(r, 0, "M70_74 HCC18 HCC85 DIABETES_CHF D2");
    check_terms(r, 1, "F60_64");
    check_terms(r, 7, "M65_69 OriginallyDisabled_Male");
    check_terms(r, 8, "F80_84 LTIMCAID HCC57 HCC85 SCHIZOPHRENIA_CHF");
    check_terms(r, 9, "M60_64 HCC85 DISABLED_HCC85");
    check_terms(r, 10, "NMCAID_NORIGDIS_NEM66");
    check_terms(r, 11, "MCAID_ORIGDIS_NEF67");
    check_terms(r, 12, "F75_79 HCC8 HCC18 D2");
    check_terms(r, 13, "M80_84 HCC2 HCC21 HCC28 HCC40 HCC52 HCC55 HCC96 HCC136 HCC157 D9");
    check_terms(r, 14, "M80_84 HCC2 HCC21 HCC28 HCC40 HCC52 HCC55 HCC96 HCC136 HCC157 HCC79 D10P");
    check_terms(r, 16, "F70_74 HCC48 D1");
    check_terms(r, 18, "F0_34 HCC112 D1");
    check_terms(r, 20, "M0_34");
    check_terms(r, 23, "M70_74 HCC2 HCC6 D2");
    check_terms(r, 25, "M75_79 HCC9 D1");
    /* coefficients are reported with the terms */
    {
        size_t k;
        const uint32_t *ids;
        const double *co;
        assert_int_equal(ncm_risk_result_terms(r, 0, &k, &ids, &co), NCM_OK);
        double s = 0;
        for (size_t j = 0; j < k; j++) s += co[j];
        assert_true(fabs(s - 1.148) < 1e-12);
        assert_int_equal(ncm_risk_result_term_kind(r, ids[0]), NCM_RISK_TERM_DEMOGRAPHIC);
    }
    /* unknown codes: p24 has ZZZ99 and I10 */
    const uint32_t *unk = ncm_risk_result_unknown(r);
    assert_int_equal(unk[24], 2);
    assert_int_equal(unk[0], 0);
    assert_int_equal(ncm_risk_result_unknown_total(r), 2);
    assert_int_equal(ncm_risk_result_unknown_code_count(r), 2);
    const char *code;
    uint64_t occ;
    assert_int_equal(ncm_risk_result_unknown_code(r, 0, &code, &occ), NCM_OK);
    assert_string_equal(code, "I10");
    assert_int_equal(occ, 1);
    assert_int_equal(ncm_risk_result_unknown_code(r, 1, &code, &occ), NCM_OK);
    assert_string_equal(code, "ZZZ99");
    expect_fail(ncm_risk_result_unknown_code(r, 2, &code, &occ), NCM_ERR_RANGE, "out of range");
    /* the fast path (no result) gives bit-identical scores */
    {
        double fast[32];
        assert_int_equal(ncm_risk_score(m, pop, NULL, fast, NULL, 32, NULL), NCM_OK);
        assert_memory_equal(fast, raw, n * sizeof *raw);
    }
    /* payment score: 2024 normalisation 1.146 and the 5.9% minimum coding adjustment */
    ncm_risk_options o;
    ncm_risk_options_init(&o);
    o.normalization = 1.146;
    o.coding_intensity = 0.059;
    assert_int_equal(ncm_risk_score(m, pop, &o, raw, pay, 32, NULL), NCM_OK);
    assert_true(fabs(pay[0] - 1.148 / 1.146 * (1 - 0.059)) < 1e-12); /* 0.942648... */
    assert_true(fabs(raw[0] - 1.148) < 1e-12);
    double c;
    assert_int_equal(ncm_risk_model_coefficient(m, "CNA", "DIABETES_CHF", &c), NCM_OK);
    assert_true(c == 0.121);
    assert_int_equal(ncm_risk_model_coefficient(m, "INS", "ART_OPENINGS_PRESSURE_ULCER", &c), NCM_OK);
    assert_true(c == 0.359); /* coefficients.csv names it INS_ART_OPENINGS_PRESS_ULCER */
    expect_fail(ncm_risk_model_coefficient(m, "CNA", "DISABLED_HCC85", &c), NCM_ERR_NOT_FOUND, "no coefficient");
    /* a person in a segment the model does not have */
    static const person bad[] = {{"x1", 70, 'M', "CNA", 0, 0, NULL, NULL, 0}, {"x2", 70, 'M', "ESRD", 0, 0, NULL, NULL, 0}};
    ncm_population *pb = make_pop(bad, 2);
    raw[0] = 42;
    expect_fail(ncm_risk_score(m, pb, NULL, raw, NULL, 32, NULL), NCM_ERR_NOT_FOUND, "person x2 (row 2): segment 'ESRD'");
    assert_true(raw[0] == 42);
    ncm_population_free(pb);
    ncm_risk_result_free(r);
    ncm_population_free(pop);
    ncm_risk_model_free(m);
}

static void test_cms_v28(void **state)
{
    (void)state;
    if (!have_cms()) { skip(); return; }
    ncm_risk_model *m = NULL;
    if (ncm_risk_model_cms_hcc(CMS_DIR, NCM_CMS_HCC_V28, &m)) fail_msg("%s", ncm_last_error());
    static const person P[] = {
        /* 0: V28 worked example: CNA_M70_74 0.396 + HCC37 (E1169) 0.166 + HCC226 (I509) 0.360
         *    + DIABETES_HF_V28 0.112 + D2 0 = 1.034 */
        {"v0", 70, 'M', "CNA", 0, 0, "E1169 I509", NULL, 0},
        /* 1: V28 edit: D66 in a woman overrides to HCC112: CNA_F70_74 0.395 + HCC112 0.450 = 0.845 */
        {"v1", 70, 'F', "CNA", 0, 0, "D66", NULL, 0},
        /* 2: D66 in a man keeps HCC111: CNA_M70_74 0.396 + HCC111 4.639 = 5.035 */
        {"v2", 70, 'M', "CNA", 0, 0, "D66", NULL, 0},
        /* 3: V28 edit: J410 is invalid under 18: CND_F0_34 0.238 */
        {"v3", 17, 'F', "CND", 1, 0, "J410", NULL, 0},
        /* 4: J410 at 18 maps to HCC280: CND_F0_34 0.238 + CND_HCC280 0.209 = 0.447 */
        {"v4", 18, 'F', "CND", 1, 0, "J410", NULL, 0},
        /* 5: V28 edit: C50011 under 50 overrides to HCC22 (table: 23): CND_F35_44 0.288 + CND_HCC22 0.366
         *    = 0.654 */
        {"v5", 40, 'F', "CND", 1, 0, "C50011", NULL, 0},
        /* 6: HCC223 (T82512A) alone is dropped (needs one of 221, 222, 224, 225, 226): CNA_M70_74 0.396 */
        {"v6", 70, 'M', "CNA", 0, 0, "T82512A", NULL, 0},
        /* 7: HCC223 with HCC226 (I509): 223 kept, and 223 drops 226 by hierarchy: 0.396 + HCC223 2.505
         *    + D1 0 = 2.901 */
        {"v7", 70, 'M', "CNA", 0, 0, "T82512A I509", NULL, 0},
        /* 8: V28 edit "invalid if age >= 2": P040 at age 1 maps to HCC137: CND_M0_34 0.106 + CND_HCC137
         *    0.365 + D1 0 = 0.471 */
        {"v8", 1, 'M', "CND", 1, 0, "P040", NULL, 0},
        /* 9: P040 at age 2 maps to nothing: CND_M0_34 0.106 */
        {"v9", 2, 'M', "CND", 1, 0, "P040", NULL, 0},
        /* 10-16: every other segment, C28 coefficients:
         * CFA F75 E1169: CFA_F75_79 0.596 + CFA_HCC37 0.186 + D1 0 = 0.782 */
        {"v10", 75, 'F', "CFA", 0, 0, "E1169", NULL, 0},
        /* CPA M80 I509: CPA_M80_84 0.565 + CPA_HCC226 0.311 + D1 0 = 0.876 */
        {"v11", 80, 'M', "CPA", 0, 0, "I509", NULL, 0},
        /* INS F80 Medicaid I509: INS_F80_84 0.862 + INS_LTIMCAID 0.130 + INS_HCC226 0.217 + D1 0 = 1.209 */
        {"v12", 80, 'F', "INS", 0, 1, "I509", NULL, 0},
        /* NE F30, no Medicaid, OREC 0: NE_NMCAID_NORIGDIS_NEF0_34 0.711 (codes ignored) */
        {"v13", 30, 'F', "NE", 0, 0, "I509", NULL, 0},
        /* CFD M30 I509: CFD_M0_34 0.191 + CFD_HCC226 0.537 + D1 0 = 0.728 */
        {"v14", 30, 'M', "CFD", 1, 1, "I509", NULL, 0},
        /* CPD F55 E1169: CPD_F55_59 0.424 + CPD_HCC37 0.210 + D1 0 = 0.634 */
        {"v15", 55, 'F', "CPD", 1, 0, "E1169", NULL, 0},
        /* CND M57 I509: CND_M55_59 0.283 + CND_HCC226 0.442 + D1 0 = 0.725 */
        {"v16", 57, 'M', "CND", 1, 0, "I509", NULL, 0},
    };
    static const double want[] = {1.034, 0.845, 5.035, 0.238, 0.447, 0.654, 0.396, 2.901, 0.471, 0.106,
                                  0.782, 0.876, 1.209, 0.711, 0.728, 0.634, 0.725};
    size_t n = sizeof P / sizeof P[0];
    ncm_population *pop = make_pop(P, n);
    double raw[32];
    ncm_risk_result *r = NULL;
    if (ncm_risk_score(m, pop, NULL, raw, NULL, 32, &r)) fail_msg("%s", ncm_last_error());
    for (size_t i = 0; i < n; i++)
        if (fabs(raw[i] - want[i]) > 1e-9) fail_msg("person %s: raw %.6f, expected %.3f", P[i].id, raw[i], want[i]);
    check_terms(r, 0, "M70_74 HCC37 HCC226 DIABETES_HF D2");
    check_terms(r, 5, "F35_44 HCC22 D1");
    check_terms(r, 6, "M70_74");
    check_terms(r, 7, "M70_74 HCC223 D1");
    ncm_risk_result_free(r);
    ncm_population_free(pop);
    ncm_risk_model_free(m);
}

/* Every interaction of a version, checked against a second reading of the CMS tables done here: for each
 * interaction, a person gets one code for each member (a group contributes its first category; DISABLED
 * makes the person a disabled INS member aged 60 with OREC 1), and the interaction must fire with the
 * coefficient written in coefficients.csv (SEG_NAME, SEG_NAME_V28, or the two SAS-abbreviated V24 INS
 * names). */
typedef struct kv {
    char k[64];
    char v[256];
} kv;

static size_t read_rows(const char *file, const char *want_col0, int keycol, int valcol, const char *filter,
                        int filtercol, kv *out, size_t cap)
{
    char path[512], line[1024];
    snprintf(path, sizeof path, "%s/%s", CMS_DIR, file);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = 0;
    if (!fgets(line, sizeof line, f)) return 0;
    while (fgets(line, sizeof line, f) && n < cap) {
        line[strcspn(line, "\r\n")] = 0;
        char *col[8] = {0};
        int nc = 0;
        for (char *p = line; p && nc < 8;) {
            col[nc++] = p;
            p = strchr(p, ',');
            if (p) *p++ = 0;
        }
        if (want_col0 && (nc < 1 || strcmp(col[0], want_col0))) continue;
        if (filter && (nc <= filtercol || strcmp(col[filtercol], filter))) continue;
        if (nc <= keycol || nc <= valcol) continue;
        snprintf(out[n].k, sizeof out[n].k, "%.63s", col[keycol]);
        snprintf(out[n].v, sizeof out[n].v, "%.255s", col[valcol]);
        n++;
    }
    fclose(f);
    return n;
}

static const char *lookup(const kv *t, size_t n, const char *k)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(t[i].k, k)) return t[i].v;
    return NULL;
}

static void each_interaction(ncm_cms_hcc_version v)
{
    static kv coef[2000], dx[12000], groups[64], inter[64], kinds[128], edits[200];
    char ver[8], cver[8], model[32];
    snprintf(ver, sizeof ver, "V%d", (int)v);
    snprintf(cver, sizeof cver, "C%d", (int)v);
    snprintf(model, sizeof model, "CMS-HCC Model V%d", (int)v);
    size_t ncoef = read_rows("coefficients.csv", NULL, 0, 1, cver, 3, coef, 2000);
    size_t ndx = read_rows("dx_to_cc.csv", NULL, 0, 1, model, 2, dx, 12000);
    size_t nk = read_rows("interactions.csv", ver, 2, 1, NULL, 0, kinds, 128);
    size_t nedit = v == NCM_CMS_HCC_V28 ? read_rows("dx_edits_v28.csv", NULL, 0, 0, NULL, 0, edits, 200) : 0;
    static const char *const v24_edit_codes[] = {"D66", "D67", "J410", "J411", "J418", "J42", "J430", "J431", "J432",
                                                 "J438", "J439", "J440", "J441", "J449", "J982", "J983", "F3481"};
    size_t ng = 0, ni = 0;
    {
        kv all[128];
        size_t na = read_rows("interactions.csv", ver, 2, 3, NULL, 0, all, 128);
        for (size_t i = 0; i < na; i++) {
            const char *kind = lookup(kinds, nk, all[i].k);
            if (!strcmp(kind, "group")) groups[ng++] = all[i];
            else if (!strcmp(kind, "interaction")) inter[ni++] = all[i];
        }
    }
    assert_true(ni >= 11);
    ncm_risk_model *m = NULL;
    assert_int_equal(ncm_risk_model_cms_hcc(CMS_DIR, v, &m), NCM_OK);
    for (size_t q = 0; q < ni; q++) {
        const char *name = inter[q].k;
        /* segment and coefficient */
        const char *segs[] = {"INS", "CNA", "CND"};
        const char *cv = NULL, *seg = NULL;
        for (int k = 0; k < 3 && !cv; k++) {
            char key[160];
            const char *nm = name;
            if (!strcmp(name, "ART_OPENINGS_PRESSURE_ULCER")) nm = "ART_OPENINGS_PRESS_ULCER";
            if (!strcmp(name, "ASP_SPEC_BACT_PNEUM_PRES_ULC")) nm = "ASP_SPEC_B_PNEUM_PRES_ULC";
            snprintf(key, sizeof key, "%.8s_%.100s", segs[k], nm);
            if (!(cv = lookup(coef, ncoef, key))) {
                snprintf(key, sizeof key, "%.8s_%.100s_V28", segs[k], nm);
                cv = lookup(coef, ncoef, key);
            }
            seg = segs[k];
        }
        if (!cv) fail_msg("%s: no coefficient in INS, CNA or CND", name);
        /* one code per member */
        char codes[256] = "";
        int disabled = 0;
        char buf[256];
        snprintf(buf, sizeof buf, "%s", inter[q].v);
        for (char *mem = strtok(buf, " "); mem; mem = strtok(NULL, " ")) {
            if (!strcmp(mem, "DISABLED")) { disabled = 1; continue; }
            const char *cat = mem;
            const char *gm = lookup(groups, ng, mem);
            char first[32];
            if (gm) {
                snprintf(first, sizeof first, "%.*s", (int)strcspn(gm, " "), gm);
                cat = first;
            }
            assert_true(!strncmp(cat, "HCC", 3));
            const char *code = NULL;
            for (size_t i = 0; i < ndx && !code; i++) {
                if (strcmp(dx[i].v, cat + 3)) continue;
                size_t cnt = 0;
                for (size_t j = (i > 3 ? i - 3 : 0); j < ndx && j < i + 4; j++) cnt += !strcmp(dx[j].k, dx[i].k);
                int edited = lookup(edits, nedit, dx[i].k) != NULL;
                for (size_t e = 0; e < sizeof v24_edit_codes / sizeof *v24_edit_codes; e++)
                    edited |= v == NCM_CMS_HCC_V24 && !strcmp(dx[i].k, v24_edit_codes[e]);
                if (cnt == 1 && !edited) code = dx[i].k;
            }
            if (!code) fail_msg("%s: no single-category code for %s", name, cat);
            strcat(codes, code);
            strcat(codes, " ");
        }
        if (disabled && strcmp(seg, "INS") && strcmp(seg, "CND")) fail_msg("%s: DISABLED outside INS/CND", name);
        person p = {"x", 60, 'M', seg, 1, 0, codes, NULL, 0};
        if (!strcmp(seg, "CNA")) { p.age = 70; p.orec = 0; }
        ncm_population *pop = make_pop(&p, 1);
        double raw;
        ncm_risk_result *r = NULL;
        assert_int_equal(ncm_risk_score(m, pop, NULL, &raw, NULL, 1, &r), NCM_OK);
        size_t k;
        const uint32_t *ids;
        const double *co;
        assert_int_equal(ncm_risk_result_terms(r, 0, &k, &ids, &co), NCM_OK);
        size_t j;
        for (j = 0; j < k; j++)
            if (!strcmp(ncm_risk_result_term_name(r, ids[j]), name)) break;
        if (j == k) fail_msg("%s %s: interaction %s did not fire (codes %s)", ver, seg, name, codes);
        if (co[j] != strtod(cv, NULL)) fail_msg("%s: coefficient %g, table says %s", name, co[j], cv);
        ncm_risk_result_free(r);
        ncm_population_free(pop);
    }
    ncm_risk_model_free(m);
}

static void test_cms_each_interaction(void **state)
{
    (void)state;
    if (!have_cms()) { skip(); return; }
    each_interaction(NCM_CMS_HCC_V24);
    each_interaction(NCM_CMS_HCC_V28);
}

/* Wide models (more than 128 and more than 512 categories) take the generic word loops. Model: codes X<i>
 * map to K<i> with coefficient i + 1; K0 drops K1 and K<N-1>; group G = {K5, K<N-2}); interaction G_K7
 * (G and K7) 1000; count terms D1 0.5, D2 0.25, D3P 0.125. */
static void wide_model(int N)
{
    char path[] = "/tmp/ncm_risk_wideXXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "record,name,segment,members,sex,age_low,age_high,medicaid,origds,disabled,value\n");
    for (int i = 0; i < N; i++) fprintf(f, "code,X%d,,K%d,,,,,,,\ncoefficient,K%d,ALL,,,,,,,,%d\n", i, i, i, i + 1);
    fprintf(f, "hierarchy,K0,,K1 K%d,,,,,,,\ngroup,G,,K5 K%d,,,,,,,\ninteraction,G_K7,,G K7,,,,,,,\n", N - 1, N - 2);
    fprintf(f, "coefficient,G_K7,ALL,,,,,,,,1000\ncount,D,,,,,,,,,3\ncoefficient,D1,ALL,,,,,,,,0.5\n");
    fprintf(f, "coefficient,D2,ALL,,,,,,,,0.25\ncoefficient,D3P,ALL,,,,,,,,0.125\n");
    fclose(f);
    ncm_risk_model *m = NULL;
    if (ncm_risk_model_read(path, &m)) fail_msg("%s", ncm_last_error());
    unlink(path);
    char a[64], b[64], c[64];
    snprintf(a, sizeof a, "X0 X1 X%d X5 X7", N - 1);
    snprintf(b, sizeof b, "X%d X7", N - 2);
    snprintf(c, sizeof c, "X%d ZZ", N - 1);
    person P[] = {{"a", 40, 'F', NULL, 0, 0, a, NULL, 0}, {"b", 40, 'F', NULL, 0, 0, b, NULL, 0},
                  {"c", 40, 'F', NULL, 0, 0, c, NULL, 0}};
    ncm_population *pop = make_pop(P, 3);
    double s1[3], s2[3];
    ncm_risk_result *r = NULL;
    assert_int_equal(ncm_risk_score(m, pop, NULL, s1, NULL, 3, &r), NCM_OK);
    assert_int_equal(ncm_risk_score(m, pop, NULL, s2, NULL, 3, NULL), NCM_OK);
    /* a: K0 drops K1 and K<N-1>; K0 1 + K5 6 + K7 8 + G_K7 1000 + D3P 0.125 */
    assert_true(s1[0] == 1015.125);
    /* b: K<N-2> (N - 1) + K7 8 + G_K7 1000 + D2 0.25 */
    assert_true(s1[1] == (double)(N - 1) + 8 + 1000 + 0.25);
    /* c: K<N-1> N + D1 0.5; ZZ unknown */
    assert_true(s1[2] == (double)N + 0.5);
    assert_memory_equal(s1, s2, sizeof s1);
    assert_int_equal(ncm_risk_result_unknown(r)[2], 1);
    check_terms(r, 0, "K0 K5 K7 G_K7 D3P");
    ncm_risk_result_free(r);
    ncm_population_free(pop);
    ncm_risk_model_free(m);
}

static void test_wide_models(void **state)
{
    (void)state;
    wide_model(150); /* 3 words */
    wide_model(600); /* 10 words */
}

/* The toy model of tests/data/risk/toy_model.csv exercises every record type; see the file. */
static const person TOY[] = {
    /* 0: B02 -> CB, CC; CB drops CC; GAB fires but GAB_CC needs CC: M65_GT 0.9 + CB 0.5 + N1 0 = 1.4 */
    {"t0", 70, 'M', "COMM", 0, 0, "b.02", NULL, 0},
    /* 1: C03 -> CC, D04 -> CD; CD requires CA or CB so it is dropped: 0.9 + CC 0.25 + N1 0 = 1.15 */
    {"t1", 70, 'M', "COMM", 0, 0, "C03 D04", NULL, 0},
    /* 2: woman, disabled (OREC 1, age 50): A01 -> CD (edit for women), B02 -> CB, CC; CB drops CC; CD
     *    kept (CB present); DIS_CD fires: F0_64 0.5 + CB 0.5 + CD 0.125 + DIS_CD 4 + N2 0.01 = 5.135 */
    {"t2", 50, 'F', "COMM", 1, 0, "A01 B02", NULL, 0},
    /* 3: man of 16: D04 invalid under 18; A01 -> CA drops CB and CC (two levels); XX9 unknown:
     *    M0_64 0.4 + CA 1 + N1 0 = 1.4 */
    {"t3", 16, 'M', "COMM", 0, 0, "D04 A01 B02 XX9", NULL, 0},
    /* 4: ORIGDS (OREC 1, age 70): A01 -> CA, C03 -> CC (dropped by CA), D04 -> CD (kept, CA present):
     *    0.9 + ORIG 0.25 + CA 1 + CD 0.125 + N2 0.01 = 2.285 */
    {"t4", 70, 'M', "COMM", 1, 0, "A01 C03 D04", NULL, 0},
    /* 5: NEW segment scores cells only: NE_MCAID 2; ZZ unknown */
    {"t5", 66, 'F', "NEW", 0, 1, "A01 ZZ", NULL, 0},
    /* 6: three categories: CA, CD, CE: 0.9 + 1 + 0.125 + CE 0.0625 + N3P 0.03 = 2.1175 */
    {"t6", 70, 'M', "COMM", 0, 0, "A01 C03 D04 E05", NULL, 0},
};
static const double TOY_WANT[] = {1.4, 1.15, 5.135, 1.4, 2.285, 2.0, 2.1175};

static void check_toy(const ncm_risk_model *m)
{
    size_t n = sizeof TOY / sizeof TOY[0];
    ncm_population *pop = make_pop(TOY, n);
    double raw[8];
    ncm_risk_result *r = NULL;
    if (ncm_risk_score(m, pop, NULL, raw, NULL, 8, &r)) fail_msg("%s", ncm_last_error());
    for (size_t i = 0; i < n; i++)
        if (fabs(raw[i] - TOY_WANT[i]) > 1e-12) fail_msg("toy %zu: raw %.6f, expected %.4f", i, raw[i], TOY_WANT[i]);
    check_terms(r, 0, "M65_GT CB N1");
    check_terms(r, 2, "F0_64 CB CD DIS_CD N2");
    check_terms(r, 4, "M65_GT ORIG CA CD N2");
    check_terms(r, 5, "NE_MCAID");
    assert_int_equal(ncm_risk_result_unknown(r)[3], 1);
    assert_int_equal(ncm_risk_result_unknown(r)[5], 1);
    assert_int_equal(ncm_risk_result_unknown_total(r), 2);
    ncm_risk_result_free(r);
    ncm_population_free(pop);
}

/* A model is read-only: four threads scoring with one shared model give the serial results. */
typedef struct thr_arg {
    const ncm_risk_model *m;
    const ncm_population *pop;
    double out[8];
    ncm_status st;
} thr_arg;

static void *thr_main(void *p)
{
    thr_arg *a = p;
    ncm_risk_result *r = NULL;
    for (int k = 0; k < 200 && a->st == NCM_OK; k++) {
        a->st = ncm_risk_score(a->m, a->pop, NULL, a->out, NULL, 8, &r);
        ncm_risk_result_free(r);
        r = NULL;
    }
    return NULL;
}

static void test_shared_model_threads(void **state)
{
    (void)state;
    ncm_risk_model *m = NULL;
    assert_int_equal(ncm_risk_model_read(TD("toy_model.csv"), &m), NCM_OK);
    size_t n = sizeof TOY / sizeof TOY[0];
    ncm_population *pop = make_pop(TOY, n);
    thr_arg a[4];
    pthread_t t[4];
    for (int k = 0; k < 4; k++) {
        memset(&a[k], 0, sizeof a[k]);
        a[k].m = m;
        a[k].pop = pop;
        assert_int_equal(pthread_create(&t[k], NULL, thr_main, &a[k]), 0);
    }
    for (int k = 0; k < 4; k++) {
        pthread_join(t[k], NULL);
        assert_int_equal(a[k].st, NCM_OK);
        for (size_t i = 0; i < n; i++) assert_true(fabs(a[k].out[i] - TOY_WANT[i]) < 1e-12);
    }
    ncm_population_free(pop);
    ncm_risk_model_free(m);
}

static void test_toy_model_round_trip(void **state)
{
    (void)state;
    ncm_risk_model *m = NULL, *m2 = NULL;
    if (ncm_risk_model_read(TD("toy_model.csv"), &m)) fail_msg("%s", ncm_last_error());
    assert_string_equal(ncm_risk_model_name(m), "toy");
    check_toy(m);
    char path[] = "/tmp/ncm_risk_toyXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(ncm_risk_model_write(m, path), NCM_OK);
    if (ncm_risk_model_read(path, &m2)) fail_msg("%s", ncm_last_error());
    check_toy(m2);
    assert_int_equal(ncm_risk_model_term_count(m2), ncm_risk_model_term_count(m));
    ncm_risk_model_free(m2);
    unlink(path);
    ncm_risk_model_free(m);
    ncm_risk_model_free(NULL);
}

static void test_cms_round_trip(void **state)
{
    (void)state;
    if (!have_cms()) { skip(); return; }
    /* V24 written in the native format and read back scores the same, bit for bit */
    ncm_risk_model *m = NULL, *m2 = NULL;
    assert_int_equal(ncm_risk_model_cms_hcc(CMS_DIR, NCM_CMS_HCC_V24, &m), NCM_OK);
    char path[] = "/tmp/ncm_risk_v24XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    assert_int_equal(ncm_risk_model_write(m, path), NCM_OK);
    if (ncm_risk_model_read(path, &m2)) fail_msg("%s", ncm_last_error());
    unlink(path);
    static const person P[] = {
        {"a", 70, 'M', "CNA", 0, 0, "E1169 I509", NULL, 0}, {"b", 17, 'F', "CND", 1, 0, "J410 F200 F1020", NULL, 0},
        {"c", 80, 'F', "INS", 1, 1, "L89154 A419 J449 I509", NULL, 0}, {"d", 66, 'M', "NE", 1, 1, NULL, NULL, 0},
    };
    ncm_population *pop = make_pop(P, 4);
    double a[4], b[4];
    assert_int_equal(ncm_risk_score(m, pop, NULL, a, NULL, 4, NULL), NCM_OK);
    assert_int_equal(ncm_risk_score(m2, pop, NULL, b, NULL, 4, NULL), NCM_OK);
    assert_memory_equal(a, b, sizeof a);
    assert_true(fabs(a[0] - 1.148) < 1e-9);
    ncm_population_free(pop);
    ncm_risk_model_free(m);
    ncm_risk_model_free(m2);
}

static void test_charlson_elixhauser(void **state)
{
    (void)state;
    ncm_risk_model *c87 = NULL, *c11 = NULL, *ex = NULL;
    assert_int_equal(ncm_risk_model_charlson(NCM_CHARLSON_1987, &c87), NCM_OK);
    assert_int_equal(ncm_risk_model_charlson(NCM_CHARLSON_QUAN2011, &c11), NCM_OK);
    assert_int_equal(ncm_risk_model_elixhauser(&ex), NCM_OK);
    static const person P[] = {
        /* 0: E11.22 diabetes with complication (E112) masks E11.9 (E119); C77.0 metastatic (C77) masks C50.9
         *    malignancy (C50); I85.0 severe liver (I850) masks K74.6 mild (K74); I50.9 CHF; I21.9 MI.
         *    Charlson 1987: DIABWC 2 + METACANC 6 + MSLD 3 + CHF 1 + MI 1 = 13.
         *    Quan 2011: DIABWC 1 + METACANC 6 + MSLD 4 + CHF 2 + MI 0 = 13. */
        {"c0", 70, 'M', NULL, 0, 0, "E11.22 E11.9 C77.0 C50.9 K74.6 I85.0 I50.9 I21.9", NULL, 0},
        /* 1: F03 dementia, J44.9 COPD, N18.6 renal, G81.9 hemiplegia, B20 HIV.
         *    Charlson 1987: 1 + 1 + 2 + 2 + 6 = 12. Quan 2011: 2 + 1 + 1 + 2 + 4 = 10. */
        {"c1", 60, 'F', NULL, 0, 0, "F03 J449 N186 G819 B20", NULL, 0},
        /* 2: only mild forms: E11.9 (DIAB), K74.6 (MLD), C50.9 (CANC); I10 maps to nothing in Charlson.
         *    1987: 1 + 1 + 2 = 4. 2011: 0 + 2 + 2 = 4. Elixhauser (van Walraven): DIABUNC 0, LD 11 (K74),
         *    SOLIDTUM 4 (C50), HYPUNC 0 (I10) = 15. */
        {"c2", 60, 'F', NULL, 0, 0, "E119 K746 C509 I10", NULL, 0},
        /* 3: Elixhauser: I50.9 CHF 7; I11.0 is both CHF and HYPC (masks I10 HYPUNC); E66.9 OBES -4;
         *    F32.9 DEPRE -3; C77.0 METACANC 12 masks C50.9 SOLIDTUM; E11.22 DIABC masks E11.9 DIABUNC;
         *    K70.0 is LD 11 and ALCOHOL 0. Total 7 + 0 - 4 - 3 + 12 + 0 + 11 + 0 = 23.
         *    Charlson 1987 of the same: CHF 1 (I50, I110), METACANC 6, DIABWC 2, MLD 1 (K700) = 10. */
        {"c3", 55, 'M', NULL, 0, 0, "I509 I110 I10 E669 F329 C770 C509 E1122 E119 K700", NULL, 0},
        /* 4: nothing: 0 everywhere */
        {"c4", 30, 'F', NULL, 0, 0, NULL, NULL, 0},
    };
    ncm_population *pop = make_pop(P, 5);
    double a[5], b[5], e[5];
    ncm_risk_result *r = NULL, *re = NULL;
    assert_int_equal(ncm_risk_score(c87, pop, NULL, a, NULL, 5, &r), NCM_OK);
    assert_int_equal(ncm_risk_score(c11, pop, NULL, b, NULL, 5, NULL), NCM_OK);
    assert_int_equal(ncm_risk_score(ex, pop, NULL, e, NULL, 5, &re), NCM_OK);
    const double w87[] = {13, 12, 4, 10, 0}, w11[] = {13, 10, 4, 0, 0};
    for (int i = 0; i < 5; i++) {
        if (a[i] != w87[i]) fail_msg("Charlson 1987 person %d: %g, expected %g", i, a[i], w87[i]);
        if (i != 3 && b[i] != w11[i]) fail_msg("Charlson 2011 person %d: %g, expected %g", i, b[i], w11[i]);
    }
    /* person 3 with Quan 2011: CHF 2 + METACANC 6 + DIABWC 1 + MLD 2 = 11 */
    assert_true(b[3] == 11);
    assert_true(e[2] == 15);
    assert_true(e[3] == 23);
    assert_true(e[4] == 0);
    check_terms(r, 0, "DIABWC METACANC MSLD CHF MI");
    check_terms(r, 1, "DEMENTIA CPD RD HP AIDS");
    check_terms(re, 3, "CHF HYPC OBES DEPRE METACANC DIABC LD ALCOHOL");
    check_terms(re, 2, "DIABUNC LD SOLIDTUM HYPUNC");
    /* codes that fit no comorbidity are counted as unmapped: I10 twice (persons 2 and 3) in Charlson,
     * plus E669 and F329 (person 3) */
    assert_int_equal(ncm_risk_result_unknown_total(r), 4);
    assert_int_equal(ncm_risk_result_unknown_total(re), 2); /* I21.9 (c0) and F03 (c1) are not Elixhauser conditions */
    ncm_risk_result_free(r);
    ncm_risk_result_free(re);
    ncm_population_free(pop);
    ncm_risk_model_free(c87);
    ncm_risk_model_free(c11);
    ncm_risk_model_free(ex);
    expect_fail(ncm_risk_model_charlson((ncm_charlson_weights)7, &c87), NCM_ERR_INVALID, "weights");
    /* the built-in indices written out and read back score the same */
    {
        ncm_risk_model *x = NULL, *y = NULL;
        assert_int_equal(ncm_risk_model_elixhauser(&x), NCM_OK);
        char path[] = "/tmp/ncm_risk_elixXXXXXX";
        int fd = mkstemp(path);
        close(fd);
        assert_int_equal(ncm_risk_model_write(x, path), NCM_OK);
        if (ncm_risk_model_read(path, &y)) fail_msg("%s", ncm_last_error());
        unlink(path);
        pop = make_pop(P, 5);
        double e2[5];
        assert_int_equal(ncm_risk_score(y, pop, NULL, e2, NULL, 5, NULL), NCM_OK);
        assert_true(e2[3] == 23 && e2[2] == 15);
        assert_string_equal(ncm_risk_model_name(y), ncm_risk_model_name(x));
        ncm_population_free(pop);
        ncm_risk_model_free(x);
        ncm_risk_model_free(y);
    }
}

static void test_age_sex(void **state)
{
    (void)state;
    ncm_risk_model *m = NULL;
    if (ncm_risk_model_age_sex(TD("age_sex.csv"), &m)) fail_msg("%s", ncm_last_error());
    static const person P[] = {
        {"a", 3, 'F', NULL, 0, 0, NULL, "P1", 12},  /* 0-4 any sex: 0.8 */
        {"b", 64, 'M', NULL, 0, 0, NULL, "P1", 6},  /* 5-64 M: 0.7, half a year */
        {"c", 65, 'M', NULL, 0, 0, NULL, "P2", 12}, /* 65+ M: 2.4 */
        {"d", 65, 'F', NULL, 0, 0, NULL, "P2", 12}, /* 65+ F: 2.1 */
        {"e", 5, 'F', NULL, 0, 0, NULL, "P1", 12},  /* 5-64 F: 0.9 */
        {"f", 40, 'U', NULL, 0, 0, NULL, "P2", 12}, /* sex unknown: no band for 5-64, scores 0 */
    };
    ncm_population *pop = make_pop(P, 6);
    double s[6];
    ncm_risk_result *r = NULL;
    assert_int_equal(ncm_risk_score(m, pop, NULL, s, NULL, 6, &r), NCM_OK);
    const double want[] = {0.8, 0.7, 2.4, 2.1, 0.9, 0};
    for (int i = 0; i < 6; i++) assert_true(fabs(s[i] - want[i]) < 1e-15);
    check_terms(r, 0, "A0_4");
    check_terms(r, 3, "F65_130");
    check_terms(r, 5, "");
    /* weighted population: P1 = 0.8 x 1 + 0.7 x 0.5 + 0.9 x 1 = 2.05; P2 = 2.4 + 2.1 + 0 = 4.5 */
    double w[4];
    uint32_t p1, p2;
    assert_int_equal(ncm_population_text_find(pop, NCM_TEXT_PRACTICE, "P1", &p1), NCM_OK);
    assert_int_equal(ncm_population_text_find(pop, NCM_TEXT_PRACTICE, "P2", &p2), NCM_OK);
    assert_int_equal(ncm_risk_weighted_population(pop, s, NCM_LEVEL_PRACTICE, w, 4), NCM_OK);
    assert_true(fabs(w[p1] - 2.05) < 1e-12);
    assert_true(fabs(w[p2] - 4.5) < 1e-12);
    expect_fail(ncm_risk_weighted_population(pop, s, NCM_LEVEL_PRACTICE, w, 1), NCM_ERR_BUFFER, "capacity");
    ncm_risk_result_free(r);
    ncm_population_free(pop);
    ncm_risk_model_free(m);
}

static void test_normalize_cap(void **state)
{
    (void)state;
    /* exposure-weighted mean: (1 x 1 + 2 x 0.5 + 4 x 0.5) / 2 = 2 */
    double s[] = {1, 2, 4}, e[] = {1, 0.5, 0.5}, out[3], f;
    assert_int_equal(ncm_risk_normalize(s, e, 3, 0, out, &f), NCM_OK);
    assert_true(f == 2);
    assert_true(out[0] == 0.5 && out[1] == 1 && out[2] == 2);
    /* a given factor */
    assert_int_equal(ncm_risk_normalize(s, NULL, 3, 4, out, &f), NCM_OK);
    assert_true(out[2] == 1 && f == 4);
    double bad[] = {1, NAN, 1};
    expect_fail(ncm_risk_normalize(bad, NULL, 3, 0, out, NULL), NCM_ERR_RANGE, "scores[1]");
    double zero[] = {0, 0};
    expect_fail(ncm_risk_normalize(zero, NULL, 2, 0, out, NULL), NCM_ERR_RANGE, "mean");
    /* growth cap +3%: 1.10 after 1.00 is capped to 1.03; 0.9 after 1.0 stays; no previous score stays */
    double now[] = {1.10, 0.9, 5.0}, last[] = {1.0, 1.0, NAN}, c[3];
    size_t k;
    assert_int_equal(ncm_risk_cap_growth(now, last, 3, 0.03, c, &k), NCM_OK);
    assert_true(fabs(c[0] - 1.03) < 1e-15 && c[1] == 0.9 && c[2] == 5.0);
    assert_int_equal(k, 1);
    expect_fail(ncm_risk_cap_growth(now, last, 3, -0.1, c, &k), NCM_ERR_RANGE, "max_growth");
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void copy_file(const char *from, const char *dir, const char *name)
{
    char p[512], buf[8192];
    snprintf(p, sizeof p, "%s/%s", from, name);
    FILE *f = fopen(p, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    write_file(dir, name, buf);
}

static void test_bad_input(void **state)
{
    (void)state;
    ncm_risk_model *m = (ncm_risk_model *)(uintptr_t)0x1; /* must stay unchanged */
    ncm_risk_model *const sentinel = m;
    expect_fail(ncm_risk_model_read(TD("bad_missing_column.csv"), &m), NCM_ERR_PARSE, "bad_missing_column.csv:1: missing column 'value'");
    expect_fail(ncm_risk_model_read(TD("bad_cycle.csv"), &m), NCM_ERR_INCONSISTENT, "bad_cycle.csv:5: hierarchy cycle: 'CC' -> 'CA'");
    expect_fail(ncm_risk_model_read(TD("bad_coefficient.csv"), &m), NCM_ERR_PARSE, "bad_coefficient.csv:4:11 (value): coefficient 'CB': value 'abc' is not a number");
    expect_fail(ncm_risk_model_read(TD("bad_group.csv"), &m), NCM_ERR_NOT_FOUND, "bad_group.csv:4: interaction 'CA_GX': unknown group or category 'GX'");
    expect_fail(ncm_risk_model_read(TD("no_such_file.csv"), &m), NCM_ERR_IO, "no_such_file.csv");
    expect_fail(ncm_risk_model_age_sex(TD("bad_age_sex_overlap.csv"), &m), NCM_ERR_INCONSISTENT, "bad_age_sex_overlap.csv:3: band 60-130 F overlaps band 0-64 * of line 2");
    expect_fail(ncm_risk_model_age_sex(TD("bad_cycle.csv"), &m), NCM_ERR_PARSE, "missing column 'band_low'");
    assert_ptr_equal(m, sentinel);

    /* CMS tables: the small valid set works; broken copies fail naming file, line and item */
    const char *small = TD("cms_small");
    if (ncm_risk_model_cms_hcc(small, NCM_CMS_HCC_V24, &m)) fail_msg("%s", ncm_last_error());
    ncm_risk_model_free(m);
    m = sentinel;
    char dir[] = "/tmp/ncm_risk_cmsXXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *files[] = {"dx_to_cc.csv", "hierarchies.csv", "interactions.csv", "coefficients.csv"};
    for (int k = 0; k < 4; k++) copy_file(small, dir, files[k]);
    /* a coefficient that is not a number */
    write_file(dir, "coefficients.csv", "coefficient,value,model_domain,model_version\nCNA_M70_74,0.394,CMS-HCC,C24\nCNA_HCC18,0.3o2,CMS-HCC,C24\n");
    expect_fail(ncm_risk_model_cms_hcc(dir, NCM_CMS_HCC_V24, &m), NCM_ERR_PARSE, "coefficients.csv:3:2 (value): coefficient CNA_HCC18: '0.3o2' is not a number");
    /* a table missing a column */
    write_file(dir, "coefficients.csv", "coefficient,value,model_domain\nCNA_M70_74,0.394,CMS-HCC\n");
    expect_fail(ncm_risk_model_cms_hcc(dir, NCM_CMS_HCC_V24, &m), NCM_ERR_PARSE, "coefficients.csv:1: missing column 'model_version'");
    copy_file(small, dir, "coefficients.csv");
    /* a coefficient naming no term */
    write_file(dir, "coefficients.csv", "coefficient,value,model_domain,model_version\nCNA_NO_SUCH_TERM,1,CMS-HCC,C24\n");
    expect_fail(ncm_risk_model_cms_hcc(dir, NCM_CMS_HCC_V24, &m), NCM_ERR_NOT_FOUND, "coefficients.csv:2: coefficient CNA_NO_SUCH_TERM: unknown term");
    copy_file(small, dir, "coefficients.csv");
    /* a hierarchy cycle */
    write_file(dir, "hierarchies.csv", "cc_parent,cc_child,model_domain,model_version,model_fullname\n17,18,CMS-HCC,V24,x\n18,19,CMS-HCC,V24,x\n19,17,CMS-HCC,V24,x\n");
    expect_fail(ncm_risk_model_cms_hcc(dir, NCM_CMS_HCC_V24, &m), NCM_ERR_INCONSISTENT, "hierarchies.csv:4: hierarchy cycle: 'HCC19' -> 'HCC17'");
    copy_file(small, dir, "hierarchies.csv");
    /* an interaction naming an unknown group */
    write_file(dir, "interactions.csv", "model_version,kind,name,members\nV24,group,CHF,HCC85\nV24,interaction,DIABETES_CHF,HCC85 DIABETES\n");
    expect_fail(ncm_risk_model_cms_hcc(dir, NCM_CMS_HCC_V24, &m), NCM_ERR_NOT_FOUND, "interactions.csv:3: interaction 'DIABETES_CHF': unknown group or category 'DIABETES'");
    copy_file(small, dir, "interactions.csv");
    /* a missing file */
    char p[512];
    snprintf(p, sizeof p, "%s/dx_to_cc.csv", dir);
    unlink(p);
    expect_fail(ncm_risk_model_cms_hcc(dir, NCM_CMS_HCC_V24, &m), NCM_ERR_IO, "dx_to_cc.csv: cannot open");
    for (int k = 1; k < 4; k++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[k]);
        unlink(p);
    }
    rmdir(dir);
    assert_ptr_equal(m, sentinel);
    expect_fail(ncm_risk_model_cms_hcc(small, (ncm_cms_hcc_version)25, &m), NCM_ERR_INVALID, "version");

    /* scoring options */
    ncm_risk_model *toy = NULL;
    assert_int_equal(ncm_risk_model_read(TD("toy_model.csv"), &toy), NCM_OK);
    ncm_population *pop = make_pop(TOY, 2);
    double raw[2] = {7, 7};
    ncm_risk_options o = NCM_RISK_OPTIONS_INIT;
    o.normalization = 0;
    expect_fail(ncm_risk_score(toy, pop, &o, raw, NULL, 2, NULL), NCM_ERR_RANGE, "normalization");
    o.normalization = 1;
    o.coding_intensity = 1;
    expect_fail(ncm_risk_score(toy, pop, &o, raw, NULL, 2, NULL), NCM_ERR_RANGE, "coding_intensity");
    o.coding_intensity = 0;
    o.version = 99;
    expect_fail(ncm_risk_score(toy, pop, &o, raw, NULL, 2, NULL), NCM_ERR_VERSION, "version 99");
    expect_fail(ncm_risk_score(toy, pop, NULL, raw, NULL, 1, NULL), NCM_ERR_BUFFER, "capacity 1");
    assert_true(raw[0] == 7 && raw[1] == 7);
    /* terms not recorded */
    ncm_risk_result *r = NULL;
    o.version = NCM_RISK_OPTIONS_VERSION;
    o.flags = NCM_RISK_NO_TERMS;
    assert_int_equal(ncm_risk_score(toy, pop, &o, raw, NULL, 2, &r), NCM_OK);
    size_t k;
    const uint32_t *ids;
    const double *co;
    expect_fail(ncm_risk_result_terms(r, 0, &k, &ids, &co), NCM_ERR_INVALID, "not recorded");
    ncm_risk_result_free(r);
    ncm_population_free(pop);
    ncm_risk_model_free(toy);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    unsigned long k;
    ncm_risk_model *m = NULL;
    for (k = 1; k < 100000; k++) {
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_risk_model_read(TD("toy_model.csv"), &m);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) break;
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_null(m);
    }
    assert_true(k > 10);
    assert_non_null(m);
    ncm_population *pop = make_pop(TOY, sizeof TOY / sizeof TOY[0]);
    double raw[8] = {0}, pay[8];
    ncm_risk_result *r = NULL;
    for (k = 1; k < 100000; k++) {
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_risk_score(m, pop, NULL, raw, pay, 8, &r);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) break;
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_null(r);
        assert_true(raw[0] == 0);
    }
    assert_true(k > 5);
    assert_true(fabs(raw[2] - 5.135) < 1e-12);
    ncm_risk_result_free(r);
    ncm_population_free(pop);
    ncm_risk_model_free(m);
    m = NULL;
    for (k = 1; k < 100000; k++) {
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_risk_model_cms_hcc(TD("cms_small"), NCM_CMS_HCC_V24, &m);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) break;
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_null(m);
    }
    assert_non_null(m);
    ncm_risk_model_free(m);
    m = NULL;
    for (k = 1; k < 100000; k++) {
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_risk_model_age_sex(TD("age_sex.csv"), &m);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) break;
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_null(m);
    }
    assert_non_null(m);
    ncm_risk_model_free(m);
    m = NULL;
    for (k = 1; k < 100000; k++) {
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_risk_model_elixhauser(&m);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) break;
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_null(m);
    }
    assert_non_null(m);
    ncm_risk_model_free(m);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

static int run(const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s %s 2>/dev/null", NCM_CLI, args);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void test_cli(void **state)
{
    (void)state;
    char out[] = "/tmp/ncm_risk_cliXXXXXX";
    int fd = mkstemp(out);
    close(fd);
    char args[2048];
    /* Charlson (Quan 2011) of tests/data/risk: A1 E11.69 (DIAB 0) + I509 (CHF 2) = 2; A2 F200 (none) +
     * I509 = 2; A3 E1169 = 0; A4 no codes = 0 */
    snprintf(args, sizeof args, "risk --model charlson --people %s --diagnoses %s --out %s", TD("people.csv"), TD("diagnoses.csv"), out);
    assert_int_equal(run(args), 0);
    assert_string_equal(slurp(out), "person_id,raw_score,payment_score,terms\n"
                                    "A1,2.000000,2.000000,CHF DIAB\n"
                                    "A2,2.000000,2.000000,CHF\n"
                                    "A3,0.000000,0.000000,DIAB\n"
                                    "A4,0.000000,0.000000,\n");
    /* usage errors exit 2, bad input exits 1 */
    assert_int_equal(run("risk --model nosuch --people x --out y"), 2);
    assert_int_equal(run("risk --model age-sex --people x --out y"), 2);
    snprintf(args, sizeof args, "risk --model cc --table %s --people %s --out %s", TD("bad_cycle.csv"), TD("people.csv"), out);
    assert_int_equal(run(args), 1);
    if (!have_cms()) { unlink(out); return; }
    /* CMS-HCC V24 with the 2024 normalisation and coding adjustment: raw as in test_cms_v24 (A1 = p0
     * 1.148 with XYZ unknown, A2 = p8 1.460, A3 = p10 0.533, A4 = p6 0.873); payment = raw / 1.146 x 0.941 */
    snprintf(args, sizeof args, "risk --model cms-hcc --version V24 --tables %s --people %s --diagnoses %s --out %s "
             "--normalization 1.146 --coding-intensity 0.059", CMS_DIR, TD("people.csv"), TD("diagnoses.csv"), out);
    assert_int_equal(run(args), 0);
    char *text = slurp(out);
    assert_non_null(text);
    const double want[] = {1.148, 1.460, 0.533, 0.873};
    char *line = strchr(text, '\n') + 1;
    for (int i = 0; i < 4; i++) {
        char id[8];
        double rs, ps;
        assert_int_equal(sscanf(line, "%7[^,],%lf,%lf,", id, &rs, &ps), 3);
        assert_true(fabs(rs - want[i]) < 1e-6);
        assert_true(fabs(ps - want[i] / 1.146 * 0.941) < 1e-6);
        line = strchr(line, '\n') + 1;
    }
    assert_non_null(strstr(text, "A1,1.148000,0.942642,"));
    assert_non_null(strstr(text, "DIABETES_CHF"));
    unlink(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cms_v24),        cmocka_unit_test(test_cms_v28), cmocka_unit_test(test_cms_each_interaction),
        cmocka_unit_test(test_toy_model_round_trip), cmocka_unit_test(test_cms_round_trip),
        cmocka_unit_test(test_charlson_elixhauser), cmocka_unit_test(test_age_sex),
        cmocka_unit_test(test_normalize_cap),  cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_alloc_failures), cmocka_unit_test(test_cli), cmocka_unit_test(test_shared_model_threads), cmocka_unit_test(test_wide_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
