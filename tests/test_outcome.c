/* Outcome frameworks: hand-worked scores (VBP achievement/improvement both directions, pass/fail,
 * linear, tiers), domain re-weighting, gates, pot, withholds, Poisson quantiles against independent
 * values, O/E standardisation and funnel flags, JSON/CSV loading and their errors, allocation walks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "ncm/ncm.h"
#include "internal/outcome_json.h"
#include "internal/riskshare_json.h"

#define FW NCM_TEST_DATA "/outcome/framework.json"

static void expect_msg(const char *part)
{
    if (!strstr(ncm_last_error(), part)) fail_msg("message \"%s\" lacks \"%s\"", ncm_last_error(), part);
}

static void near(double got, double want, const char *what)
{
    if (!(fabs(got - want) <= 1e-9)) fail_msg("%s: got %.12g, want %.12g", what, got, want);
}

static ncm_outcome_framework *load_fw(void)
{
    ncm_outcome_framework *fw = NULL;
    if (ncm_outcome_framework_load_json(FW, &fw)) fail_msg("%s", ncm_last_error());
    return fw;
}

/* Worked by hand (framework.json, results.csv):
 * A higher, VBP, AT .60 BM .90 x0 .50, x .75: achievement 9 x .15/.30 + .5 = 5.0;
 *   improvement 10 x .25/.40 - .5 = 5.75; score 5.75.
 * B lower, VBP, AT .12 BM .09 x0 .14, x .11: achievement 9 x .01/.03 + .5 = 3.5;
 *   improvement 10 x .03/.05 - .5 = 5.5; score 5.5 (weight 2).
 * C pass/fail >= .95, x .97: 10. D linear 50 -> 80, x 62: 10 x 12/30 = 4.
 * E lower tiers (30 -> .5, 20 -> 1), x 25: 5.
 * clinical = (5.75 + 2 x 5.5) / 30 = 55.8333%; experience = 14/20 = 70%; access = 50%.
 * total = (2 x 55.8333 + 70 + 50) / 4 = 57.916667. Pot 1,000,000.00 -> 579,166.67. */
static void test_scores_by_hand(void **state)
{
    (void)state;
    ncm_outcome_framework *fw = load_fw();
    assert_int_equal(ncm_outcome_measure_count(fw), 5);
    assert_int_equal(ncm_outcome_domain_count(fw), 3);
    assert_string_equal(ncm_outcome_domain_id(fw, 1), "experience");
    ncm_outcome_result *r = NULL;
    if (ncm_outcome_score_csv(fw, NCM_TEST_DATA "/outcome/results.csv", &r)) fail_msg("%s", ncm_last_error());
    double pts[5], ach[5], imp[5];
    int met[5];
    assert_int_equal(ncm_outcome_result_measures(r, pts, ach, imp, met, 5), NCM_OK);
    near(ach[0], 5.0, "A ach"); near(imp[0], 5.75, "A imp"); near(pts[0], 5.75, "A");
    near(ach[1], 3.5, "B ach"); near(imp[1], 5.5, "B imp"); near(pts[1], 5.5, "B");
    near(pts[2], 10, "C"); near(pts[3], 4, "D"); near(pts[4], 5, "E");
    assert_true(isnan(ach[2]) && isnan(imp[3]));
    assert_true(met[0] && met[1] && met[2] && met[3] && met[4]);
    double ds[3], dw[3];
    assert_int_equal(ncm_outcome_result_domains(r, ds, dw, 3), NCM_OK);
    near(ds[0], 100.0 * 16.75 / 30.0, "clinical");
    near(ds[1], 70, "experience");
    near(ds[2], 50, "access");
    near(dw[0], 0.5, "w clinical");
    double total;
    int gate;
    assert_int_equal(ncm_outcome_result_total(r, &total, &gate), NCM_OK);
    near(total, (2 * 100.0 * 16.75 / 30.0 + 70 + 50) / 4, "total");
    assert_int_equal(gate, 1);
    ncm_money earned = 0, unearned = 0;
    assert_int_equal(ncm_outcome_result_pot(r, 100000000, NCM_ROUND_HALF_EVEN, &earned, &unearned), NCM_OK);
    assert_int_equal(earned, 57916667);
    assert_int_equal(unearned, 100000000 - 57916667);
    assert_int_equal(ncm_outcome_result_pot(r, -1, NCM_ROUND_HALF_EVEN, &earned, NULL), NCM_ERR_RANGE);
    expect_msg("pot");
    ncm_outcome_result_free(r);

    /* Re-weighting: no access result -> total = (2 x 55.8333 + 70) / 3 = 60.5556 */
    assert_int_equal(ncm_outcome_score_csv(fw, NCM_TEST_DATA "/outcome/results_no_access.csv", &r), NCM_OK);
    assert_int_equal(ncm_outcome_result_total(r, &total, &gate), NCM_OK);
    near(total, (2 * 100.0 * 16.75 / 30.0 + 70) / 3, "reweighted total");
    assert_int_equal(ncm_outcome_result_domains(r, ds, dw, 3), NCM_OK);
    assert_true(isnan(ds[2]));
    near(dw[0], 2.0 / 3.0, "w clinical");
    near(dw[2], 0, "w access");
    ncm_outcome_result_free(r);

    /* Gateway C missed (0.90 < 0.95): C scores 0, experience 4/20 = 20%, total (111.6667 + 20 + 50)/4
     * = 45.4167, and no pot. */
    const char *ids[5] = {"E", "D", "C", "B", "A"};
    double val[5] = {25, 62, 0.90, 0.11, 0.75};
    assert_int_equal(ncm_outcome_score(fw, 5, ids, val, NULL, &r), NCM_OK);
    assert_int_equal(ncm_outcome_result_total(r, &total, &gate), NCM_OK);
    near(total, (2 * 100.0 * 16.75 / 30.0 + 20 + 50) / 4, "gated total");
    assert_int_equal(gate, 0);
    assert_int_equal(ncm_outcome_result_pot(r, 100000000, NCM_ROUND_HALF_EVEN, &earned, &unearned), NCM_OK);
    assert_int_equal(earned, 0);
    assert_int_equal(unearned, 100000000);
    ncm_outcome_result_free(r);

    /* Gateway without data also fails the gate */
    const char *ids2[1] = {"A"};
    double v2[1] = {0.95}; /* >= BM: 10 */
    assert_int_equal(ncm_outcome_score(fw, 1, ids2, v2, NULL, &r), NCM_OK);
    assert_int_equal(ncm_outcome_result_total(r, &total, &gate), NCM_OK);
    near(total, 100, "A alone");
    assert_int_equal(gate, 0);
    ncm_outcome_result_free(r);

    /* Boundaries: A at AT exactly -> achievement 0.5; below AT -> 0 and improvement from baseline
     * 10 x (.55 - .5)/.4 - .5 = 0.75; B worse than baseline -> improvement clipped to 0. */
    const char *ids3[2] = {"A", "B"};
    double v3[2] = {0.6, 0.15}, b3[2] = {NAN, NAN};
    assert_int_equal(ncm_outcome_score(fw, 2, ids3, v3, b3, &r), NCM_OK);
    assert_int_equal(ncm_outcome_result_measures(r, pts, ach, imp, met, 5), NCM_OK);
    near(ach[0], 0.5, "A at AT");
    near(imp[0], 10 * 0.1 / 0.4 - 0.5, "A imp at AT");
    near(ach[1], 0, "B beyond AT");
    near(imp[1], 0, "B worse");
    assert_int_equal(met[1], 0);
    ncm_outcome_result_free(r);
    v3[0] = 0.55;
    b3[0] = 0.7; /* own baseline above BM? no: .7 < .9, improvement 10 x (.55-.7)/.2 - .5 < 0 -> 0 */
    assert_int_equal(ncm_outcome_score(fw, 2, ids3, v3, b3, &r), NCM_OK);
    assert_int_equal(ncm_outcome_result_measures(r, pts, ach, imp, NULL, 5), NCM_OK);
    near(ach[0], 0, "A below AT");
    near(imp[0], 0, "A own baseline");
    ncm_outcome_result_free(r);
    ncm_outcome_framework_free(fw);
}

/* round_points: A: ach round(5.0) = 5, imp round(5.75) = 6 -> 6. B: ach round(3.5) = 4 (half up),
 * imp round(5.5) = 6 -> 6. clinical = (6 + 12)/30 = 60%. */
static void test_round_points(void **state)
{
    (void)state;
    const char *id[2] = {"A", "B"}, *dom[2] = {"clinical", "clinical"};
    int dir[2] = {0, 1}, meth[2] = {NCM_OUTCOME_VBP, NCM_OUTCOME_VBP};
    double base[2] = {0.5, 0.14}, thr[2] = {0.6, 0.12}, bm[2] = {0.9, 0.09}, w[2] = {1, 2};
    ncm_outcome_options o;
    ncm_outcome_options_init(&o);
    o.round_points = 1;
    ncm_outcome_framework *fw = NULL;
    assert_int_equal(ncm_outcome_framework_create(&o, 2, id, NULL, dom, dir, meth, base, thr, bm, w, NULL, NULL, NULL,
                                                  NULL, 0, NULL, NULL, &fw), NCM_OK);
    ncm_outcome_result *r = NULL;
    double val[2] = {0.75, 0.11};
    assert_int_equal(ncm_outcome_score(fw, 2, id, val, NULL, &r), NCM_OK);
    double pts[2], ach[2], imp[2];
    assert_int_equal(ncm_outcome_result_measures(r, pts, ach, imp, NULL, 2), NCM_OK);
    near(ach[0], 5, "A ach"); near(imp[0], 6, "A imp");
    near(ach[1], 4, "B ach"); near(imp[1], 6, "B imp");
    double total;
    assert_int_equal(ncm_outcome_result_total(r, &total, NULL), NCM_OK);
    near(total, 60, "total");
    ncm_outcome_result_free(r);
    ncm_outcome_framework_free(fw);
}

static void create_bad(size_t n, const char **id, const char **dom, const int *dir, const int *meth, const double *thr,
                       const double *bm, const double *w, size_t nd, const char **did, ncm_status want, const char *part)
{
    ncm_outcome_framework *fw = (ncm_outcome_framework *)0x1;
    assert_int_equal(ncm_outcome_framework_create(NULL, n, id, NULL, dom, dir, meth, NULL, thr, bm, w, NULL, NULL, NULL,
                                                  NULL, nd, did, NULL, &fw), want);
    assert_ptr_equal(fw, (ncm_outcome_framework *)0x1);
    expect_msg(part);
}

static void test_create_validation(void **state)
{
    (void)state;
    const char *id[2] = {"a", "b"}, *dup[2] = {"a", "a"}, *dom[2] = {"x", "y"};
    int dir[2] = {0, 0}, meth[2] = {0, 1}, badm[2] = {0, 9}, lower[2] = {0, 1};
    double thr[2] = {1, 1}, bm[2] = {2, 2}, w[2] = {1, 0};
    create_bad(2, dup, dom, dir, meth, thr, bm, NULL, 0, NULL, NCM_ERR_DUPLICATE, "id \"a\" is used twice");
    create_bad(2, id, dom, dir, badm, thr, bm, NULL, 0, NULL, NCM_ERR_INVALID, "measure 1 (\"b\"): unknown method 9");
    create_bad(2, id, dom, dir, meth, thr, bm, w, 0, NULL, NCM_ERR_RANGE, "measure 1 (\"b\"): weight 0 must be positive");
    create_bad(2, id, dom, lower, meth, thr, bm, NULL, 0, NULL, NCM_ERR_INCONSISTENT, "benchmark 2 must be better than threshold 1");
    const char *did[1] = {"x"};
    create_bad(2, id, dom, dir, meth, thr, bm, NULL, 1, did, NCM_ERR_NOT_FOUND, "domain \"y\" is not in the domain table");
    double nan_thr[2] = {NAN, 1};
    create_bad(2, id, dom, dir, meth, nan_thr, bm, NULL, 0, NULL, NCM_ERR_RANGE, "measure 0 (\"a\"): threshold");
}

static void load_bad(const char *text, ncm_status want, const char *part)
{
    ncm_outcome_framework *fw = (ncm_outcome_framework *)0x1;
    assert_int_equal(ncm_outcome_framework_load_json_buffer(text, strlen(text), "f.json", &fw), want);
    assert_ptr_equal(fw, (ncm_outcome_framework *)0x1);
    expect_msg(part);
}

#define HDR "{\"schema\": \"ncm.outcomes/1\", \"measures\": ["
static void test_json(void **state)
{
    (void)state;
    load_bad(HDR "{\"id\": \"a\", \"domain\": \"d\", \"method\": \"best\", \"threshold\": 1}]}", NCM_ERR_PARSE,
             "f.json.measures[0] (\"a\").method: unknown method \"best\"");
    load_bad(HDR "{\"id\": \"a\", \"domain\": \"d\", \"method\": \"pass_fail\", \"threshold\": 1, \"weight\": -1}]}",
             NCM_ERR_RANGE, "f.json: measure 0 (\"a\"): weight -1 must be positive");
    load_bad(HDR "{\"id\": \"a\", \"domain\": \"d\", \"method\": \"pass_fail\", \"threshold\": 1},"
                 "{\"id\": \"a\", \"domain\": \"d\", \"method\": \"pass_fail\", \"threshold\": 2}]}",
             NCM_ERR_DUPLICATE, "f.json: measure 1: id \"a\" is used twice");
    load_bad(HDR "{\"id\": \"a\", \"domain\": \"d\", \"method\": \"pass_fail\", \"treshold\": 1}]}", NCM_ERR_PARSE,
             "f.json.measures[0] (\"a\").treshold: unknown key");
    load_bad(HDR "{\"id\": \"a\", \"domain\": \"d\", \"method\": \"tiers\", \"tiers\": [{\"at\": 2, \"score\": 1},"
                 "{\"at\": 1, \"score\": 0.5}]}]}", NCM_ERR_INCONSISTENT, "tier 1: tiers must go from worst to best");
    load_bad("{\"measures\": []}", NCM_ERR_VERSION, "schema: missing");
    load_bad("{\"schema\": \"ncm.outcomes/1\",\n\"measures\": [\n{\"id\": }]}", NCM_ERR_PARSE, "f.json:3:");
    load_bad(HDR "]}", NCM_ERR_PARSE, "non-empty");
    load_bad("{\"schema\": \"ncm.outcomes/1\", \"domains\": [{\"id\": \"d\", \"weight\": 0}], \"measures\": ["
             "{\"id\": \"a\", \"domain\": \"d\", \"method\": \"pass_fail\", \"threshold\": 1}]}",
             NCM_ERR_RANGE, "domain 0 (\"d\"): weight 0 must be positive");
    load_bad(HDR "{\"id\": \"a\", \"domain\": \"d\", \"method\": \"linear\", \"threshold\": 1, \"tiers\": "
                 "[{\"at\": 1, \"score\": 1}]}]}", NCM_ERR_INCONSISTENT, "tiers given for method linear");

    /* write, reload, write: same bytes; same scores */
    ncm_outcome_framework *fw = load_fw(), *back = NULL;
    char p1[] = "/tmp/ncm_fw1_XXXXXX", p2[] = "/tmp/ncm_fw2_XXXXXX";
    int f1 = mkstemp(p1), f2 = mkstemp(p2);
    close(f1); close(f2);
    assert_int_equal(ncm_outcome_framework_write_json(fw, p1), NCM_OK);
    if (ncm_outcome_framework_load_json(p1, &back)) fail_msg("%s", ncm_last_error());
    assert_int_equal(ncm_outcome_framework_write_json(back, p2), NCM_OK);
    FILE *a = fopen(p1, "rb"), *b = fopen(p2, "rb");
    static char ba[16384], bb[16384];
    size_t na = fread(ba, 1, sizeof ba, a), nb = fread(bb, 1, sizeof bb, b);
    fclose(a); fclose(b);
    assert_int_equal(na, nb);
    assert_memory_equal(ba, bb, na);
    ncm_outcome_result *r1 = NULL, *r2 = NULL;
    assert_int_equal(ncm_outcome_score_csv(fw, NCM_TEST_DATA "/outcome/results.csv", &r1), NCM_OK);
    assert_int_equal(ncm_outcome_score_csv(back, NCM_TEST_DATA "/outcome/results.csv", &r2), NCM_OK);
    double t1, t2;
    ncm_outcome_result_total(r1, &t1, NULL);
    ncm_outcome_result_total(r2, &t2, NULL);
    assert_true(t1 == t2);
    ncm_outcome_result_free(r1);
    ncm_outcome_result_free(r2);
    remove(p1); remove(p2);

    /* CSV errors */
    ncm_outcome_result *r = (ncm_outcome_result *)0x1;
    assert_int_equal(ncm_outcome_score_csv(fw, NCM_TEST_DATA "/outcome/results_unknown.csv", &r), NCM_ERR_NOT_FOUND);
    expect_msg("results_unknown.csv:3:1 (measure_id): measure \"Z\" is not in the framework");
    assert_int_equal(ncm_outcome_score_csv(fw, NCM_TEST_DATA "/outcome/results_dup.csv", &r), NCM_ERR_DUPLICATE);
    expect_msg("results_dup.csv:3:1 (measure_id): measure \"A\" is given twice (first on line 2)");
    assert_int_equal(ncm_outcome_score_csv(fw, NCM_TEST_DATA "/outcome/results_badnum.csv", &r), NCM_ERR_PARSE);
    expect_msg("results_badnum.csv:3:2 (value): \"abc\" is not a finite number");
    assert_int_equal(ncm_outcome_score_csv(fw, "/nonexistent.csv", &r), NCM_ERR_IO);
    assert_ptr_equal(r, (ncm_outcome_result *)0x1);
    const char *ids[1] = {"nope"};
    double v[1] = {1};
    assert_int_equal(ncm_outcome_score(fw, 1, ids, v, NULL, &r), NCM_ERR_NOT_FOUND);
    expect_msg("result 0: measure \"nope\"");
    const char *dup[2] = {"A", "A"};
    double v2[2] = {1, 2};
    assert_int_equal(ncm_outcome_score(fw, 2, dup, v2, NULL, &r), NCM_ERR_DUPLICATE);
    expect_msg("result 1: measure \"A\" is given twice");
    assert_ptr_equal(r, (ncm_outcome_result *)0x1);
    ncm_outcome_framework_free(back);
    ncm_outcome_framework_free(fw);
}

/* Fee 100,000.00, 5% withheld = 5,000.00.
 * Tiers {0: 85%, 1: 100%}: score 0 (readmission target missed) -> 4,250.00 back, 750.00 recovered;
 * score 1 -> all 5,000 back. Linear score .6 -> 3,000 back, 2,000 recovered.
 * Fee 333.33: 33,333 x .05 = 1,666.65 pence -> 1,667 (half-even, .65 > .5); x .85 = 1,416.95 -> 1,417; recovered 250. */
static void test_withhold(void **state)
{
    (void)state;
    ncm_money fee[3] = {10000000, 10000000, 33333}, w[3], e[3], rec[3];
    double score[3] = {0, 1, 0}, tmin[2] = {0, 1}, tfr[2] = {0.85, 1.0};
    assert_int_equal(ncm_withhold_settle(3, fee, 0.05, score, 2, tmin, tfr, w, e, rec), NCM_OK);
    assert_int_equal(w[0], 500000); assert_int_equal(e[0], 425000); assert_int_equal(rec[0], 75000);
    assert_int_equal(e[1], 500000); assert_int_equal(rec[1], 0);
    assert_int_equal(w[2], 1667); assert_int_equal(e[2], 1417); assert_int_equal(rec[2], 250);
    double s2[1] = {0.6};
    assert_int_equal(ncm_withhold_settle(1, fee, 0.05, s2, 0, NULL, NULL, w, e, rec), NCM_OK);
    assert_int_equal(e[0], 300000); assert_int_equal(rec[0], 200000);
    assert_int_equal(ncm_withhold_settle(1, fee, 1.5, s2, 0, NULL, NULL, w, e, rec), NCM_ERR_RANGE);
    expect_msg("rate");
    double snan[1] = {NAN};
    assert_int_equal(ncm_withhold_settle(1, fee, 0.05, snan, 0, NULL, NULL, w, e, rec), NCM_ERR_RANGE);
    expect_msg("score[0]");
    double tbad[2] = {1, 0};
    assert_int_equal(ncm_withhold_settle(1, fee, 0.05, s2, 2, tbad, tfr, w, e, rec), NCM_ERR_INCONSISTENT);
    expect_msg("tier_min[1]");
    /* Review 2026-11-24: a bad row after good ones used to leave the good rows' outputs written.
     * Row 0 (fee 100,000.00) is fine, row 1 has a negative fee: nothing may be written. */
    ncm_money fee2[2] = {10000000, -1}, w2[2] = {7, 7}, e2[2] = {7, 7}, r2[2] = {7, 7};
    double sc2[2] = {1, 1};
    assert_int_equal(ncm_withhold_settle(2, fee2, 0.05, sc2, 0, NULL, NULL, w2, e2, r2), NCM_ERR_RANGE);
    expect_msg("fee[1]");
    assert_int_equal(w2[0], 7); assert_int_equal(e2[0], 7); assert_int_equal(r2[0], 7);
}

/* Independent Poisson CDF: direct summation of pmf terms in log space outward from the mode. */
static double cdf_direct(int64_t k, double m)
{
    if (k < 0) return 0;
    long double lp = -m + (long double)k * logl(m) - lgammal((long double)k + 1), sum = 0, t = lp;
    for (int64_t j = k; j >= 0; j--) {
        sum += expl(t);
        if (j > 0) t += logl((long double)j) - logl(m);
        if (t < lp - 60) break;
    }
    return (double)sum;
}

static void test_poisson(void **state)
{
    (void)state;
    /* Values from scipy.stats.poisson.ppf (an independent implementation), and R's qpois agrees:
     * mean 10: 2, 4, 17, 21; mean 100: 71, 81, 120, 132; mean 1000: 904, 938, 1062, 1099;
     * mean 0.5: 0, 0, 2, 4; mean 12345.6: 12004, 12128, 12564, 12690. */
    const double means[5] = {10, 100, 1000, 0.5, 12345.6};
    const int64_t want[5][4] = {{2, 4, 17, 21}, {71, 81, 120, 132}, {904, 938, 1062, 1099}, {0, 0, 2, 4},
                                {12004, 12128, 12564, 12690}};
    const double ps[4] = {0.001, 0.025, 0.975, 0.999};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 4; j++) {
            int64_t k = -1;
            assert_int_equal(ncm_poisson_quantile(ps[j], means[i], &k), NCM_OK);
            if (k != want[i][j]) fail_msg("q(%g, %g) = %lld, want %lld", ps[j], means[i], (long long)k, (long long)want[i][j]);
        }
    /* Defining property against the direct sum, over many means */
    for (double m = 0.1; m < 3000; m *= 1.37)
        for (int j = 0; j < 4; j++) {
            int64_t k;
            assert_int_equal(ncm_poisson_quantile(ps[j], m, &k), NCM_OK);
            double hi = cdf_direct(k, m), lo = cdf_direct(k - 1, m);
            if (!(hi >= ps[j] - 1e-12 && lo < ps[j] + 1e-12)) fail_msg("q(%g, %g) = %lld: F(k) %.15g F(k-1) %.15g", ps[j], m, (long long)k, hi, lo);
            double f;
            assert_int_equal(ncm_poisson_cdf(k, m, &f), NCM_OK);
            if (fabs(f - hi) > 1e-11) fail_msg("cdf(%lld, %g) = %.15g vs %.15g", (long long)k, m, f, hi);
        }
    /* Chi-square relation at a hand-checkable point: P(X <= 1; 2) = e^-2 (1 + 2) = 0.40600584970983811 */
    double f;
    assert_int_equal(ncm_poisson_cdf(1, 2.0, &f), NCM_OK);
    near(f, 3.0 * exp(-2.0), "cdf(1, 2)");
    int64_t k;
    assert_int_equal(ncm_poisson_quantile(0, 5, &k), NCM_ERR_RANGE);
    expect_msg("p: 0");
    assert_int_equal(ncm_poisson_quantile(0.5, -1, &k), NCM_ERR_RANGE);
    expect_msg("mean");
}

/* Two providers, two strata; pooled rates: stratum 0 = 60/4000 = .015, stratum 1 = 100/3000.
 * P0: O = 10 + 80 = 90, E = 1000 x .015 + 2000/30 = 81.6667; P1: O = 70, E = 45 + 33.3333 = 78.3333. */
static void test_oe(void **state)
{
    (void)state;
    uint32_t prov[4] = {0, 0, 1, 1}, str[4] = {0, 1, 0, 1};
    double pop[4] = {1000, 2000, 3000, 1000}, obs[4] = {10, 80, 50, 20}, O[2], E[2];
    assert_int_equal(ncm_oe_standardise(4, prov, str, pop, obs, 2, 2, NULL, O, E), NCM_OK);
    near(O[0], 90, "O0"); near(O[1], 70, "O1");
    near(E[0], 15 + 2000.0 / 30, "E0"); near(E[1], 45 + 1000.0 / 30, "E1");
    double ref[2] = {0.01, 0.02};
    assert_int_equal(ncm_oe_standardise(4, prov, str, pop, obs, 2, 2, ref, O, E), NCM_OK);
    near(E[0], 10 + 40, "E0 ref");
    uint32_t badp[4] = {0, 0, 5, 1};
    assert_int_equal(ncm_oe_standardise(4, badp, str, pop, obs, 2, 2, NULL, O, E), NCM_ERR_RANGE);
    expect_msg("provider[2]");

    /* Funnel at E = 10: 95% counts [4, 17], 99.8% [2, 21] -> ratio limits .4, 1.7, .2, 2.1. */
    double o5[6] = {10, 18, 3, 1, 22, 17}, e5[6] = {10, 10, 10, 10, 10, 10}, ratio[6], l95[6], h95[6], l998[6], h998[6];
    int flag[6];
    assert_int_equal(ncm_oe_funnel(6, o5, e5, ratio, l95, h95, l998, h998, flag), NCM_OK);
    near(ratio[1], 1.8, "ratio");
    near(l95[0], 0.4, "lo95"); near(h95[0], 1.7, "hi95"); near(l998[0], 0.2, "lo998"); near(h998[0], 2.1, "hi998");
    assert_int_equal(flag[0], 0);
    assert_int_equal(flag[1], 1);
    assert_int_equal(flag[2], -1);
    assert_int_equal(flag[3], -2);
    assert_int_equal(flag[4], 2);
    assert_int_equal(flag[5], 0);
    double ebad[1] = {0};
    assert_int_equal(ncm_oe_funnel(1, o5, ebad, ratio, NULL, NULL, NULL, NULL, NULL), NCM_ERR_RANGE);
    expect_msg("expected[0]");
    double ofrac[1] = {2.5};
    assert_int_equal(ncm_oe_funnel(1, ofrac, e5, ratio, NULL, NULL, NULL, NULL, NULL), NCM_ERR_RANGE);
    expect_msg("observed[0]");
}

/* Embedding in other documents (contracts): the internal bridges accept objects without "schema". */
static void test_embedding(void **state)
{
    (void)state;
    json_error_t err;
    json_t *o = json_loads("{\"measures\": [{\"id\": \"a\", \"domain\": \"d\", \"method\": \"pass_fail\", \"threshold\": 1}]}", 0, &err);
    ncm_outcome_framework *fw = NULL;
    assert_int_equal(ncmi_outcome_framework_from_json(o, "c.json: outcomes", &fw), NCM_OK);
    json_t *back = NULL;
    assert_int_equal(ncmi_outcome_framework_to_json(fw, &back), NCM_OK);
    assert_string_equal(json_string_value(json_object_get(back, "schema")), "ncm.outcomes/1");
    json_decref(back);
    ncm_outcome_framework_free(fw);
    json_object_set_new(o, "schema", json_string("ncm.outcomes/2"));
    fw = (ncm_outcome_framework *)0x1;
    assert_int_equal(ncmi_outcome_framework_from_json(o, "c.json: outcomes", &fw), NCM_ERR_VERSION);
    expect_msg("c.json: outcomes.schema");
    json_decref(o);
    o = json_loads("{\"surplus\": {\"bands\": [{\"from\": 0, \"provider_share\": 0.5}]}}", 0, &err);
    ncm_riskshare *rs = NULL;
    assert_int_equal(ncmi_riskshare_from_json(o, "c.json: riskshare", &rs), NCM_OK);
    ncm_money p = 0;
    assert_int_equal(ncm_riskshare_apply(rs, 1000, 800, &p, NULL), NCM_OK);
    assert_int_equal(p, 100);
    assert_int_equal(ncmi_riskshare_to_json(rs, &back), NCM_OK);
    assert_string_equal(json_string_value(json_object_get(back, "schema")), "ncm.riskshare/1");
    json_decref(back);
    ncm_riskshare_free(rs);
    json_decref(o);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    for (int which = 0; which < 2; which++) {
        int done = 0;
        ncm_outcome_framework *fw = which ? load_fw() : NULL;
        for (unsigned long k = 1; k < 500 && !done; k++) {
            ncm_alloc_fail_at(k);
            ncm_status st;
            if (which == 0) {
                ncm_outcome_framework *x = (ncm_outcome_framework *)0x1;
                st = ncm_outcome_framework_load_json(FW, &x);
                ncm_alloc_fail_at(0);
                if (st == NCM_OK) ncm_outcome_framework_free(x);
                else assert_ptr_equal(x, (ncm_outcome_framework *)0x1);
            } else {
                ncm_outcome_result *x = (ncm_outcome_result *)0x1;
                st = ncm_outcome_score_csv(fw, NCM_TEST_DATA "/outcome/results.csv", &x);
                ncm_alloc_fail_at(0);
                if (st == NCM_OK) ncm_outcome_result_free(x);
                else assert_ptr_equal(x, (ncm_outcome_result *)0x1);
            }
            if (st == NCM_OK) done = 1;
            else if (st != NCM_ERR_NOMEM) fail_msg("k=%lu: %d %s", k, st, ncm_last_error());
        }
        assert_true(done);
        ncm_outcome_framework_free(fw);
    }
}

static void test_cli(void **state)
{
    (void)state;
    if (access(NCM_CLI, X_OK) != 0) {
        printf("skipping: the ncm program %s is not built\n", NCM_CLI);
        skip();
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "\"%s\" outcomes --framework %s --results %s/outcome/results.csv --pot 1000000.00", NCM_CLI, FW,
             NCM_TEST_DATA);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    static char out[8192];
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = 0;
    assert_int_equal(pclose(p), 0);
    if (!strstr(out, "A,clinical,vbp,5.7500,5.0000,5.7500,1")) fail_msg("CLI output:\n%s", out);
    assert_non_null(strstr(out, "clinical,55.8333,0.5000"));
    assert_non_null(strstr(out, "total_score,57.9167"));
    assert_non_null(strstr(out, "pot_earned,579166.67"));
    snprintf(cmd, sizeof cmd, "\"%s\" outcomes --framework %s --results %s/outcome/results_unknown.csv 2>&1", NCM_CLI, FW,
             NCM_TEST_DATA);
    p = popen(cmd, "r");
    n = fread(out, 1, sizeof out - 1, p);
    out[n] = 0;
    assert_int_equal(WEXITSTATUS(pclose(p)), 1);
    assert_non_null(strstr(out, "measure \"Z\" is not in the framework"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scores_by_hand), cmocka_unit_test(test_round_points),
        cmocka_unit_test(test_create_validation), cmocka_unit_test(test_json),
        cmocka_unit_test(test_withhold), cmocka_unit_test(test_poisson),
        cmocka_unit_test(test_oe), cmocka_unit_test(test_embedding), cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
