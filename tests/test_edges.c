/* Numeric edge cases across modules (hardening, issue 7): NaN and infinity in float inputs are
 * rejected with NCM_ERR_RANGE and a message naming the field; money at the int64 edges overflows
 * cleanly (an error, never a wrapped amount); empty and one-person populations; all-zero weights;
 * 10-year contracts with 0% and 100% risk shares. Expected figures are worked out in the comments. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ncm/ncm.h"

/* The call fails with status st and the message contains every given fragment. */
#define EXPECT_ERR(call, st, ...)                                                                  \
    do {                                                                                           \
        ncm_status st_ = (call);                                                                   \
        if (st_ != (st)) fail_msg("%s: status %d, want %d (%s)", #call, (int)st_, (int)(st), ncm_last_error()); \
        const char *frag_[] = {__VA_ARGS__};                                                       \
        for (size_t f_ = 0; f_ < sizeof frag_ / sizeof frag_[0]; f_++)                             \
            if (!strstr(ncm_last_error(), frag_[f_]))                                              \
                fail_msg("%s: message \"%s\" lacks \"%s\"", #call, ncm_last_error(), frag_[f_]);   \
    } while (0)

#define EXPECT_OK(call)                                                                            \
    do {                                                                                           \
        ncm_status st_ = (call);                                                                   \
        if (st_ != NCM_OK) fail_msg("%s: %d %s", #call, (int)st_, ncm_last_error());              \
    } while (0)

/* ------------------------------------------------------------------ NaN and infinity */

static void test_nan_money(void **state)
{
    (void)state;
    ncm_money v = 5;
    EXPECT_ERR(ncm_money_from_double(NAN, NCM_ROUND_HALF_EVEN, &v), NCM_ERR_RANGE, "");
    EXPECT_ERR(ncm_money_from_double(INFINITY, NCM_ROUND_HALF_EVEN, &v), NCM_ERR_RANGE, "");
    EXPECT_ERR(ncm_money_mul_rate(1000, NAN, NCM_ROUND_HALF_EVEN, &v), NCM_ERR_RANGE, "rate");
    EXPECT_ERR(ncm_money_mul_rate(1000, -INFINITY, NCM_ROUND_HALF_EVEN, &v), NCM_ERR_RANGE, "rate");
    assert_int_equal(v, 5);
    double w[3] = {1, NAN, 2};
    ncm_money parts[3] = {9, 9, 9};
    EXPECT_ERR(ncm_money_split(100, w, 3, parts), NCM_ERR_RANGE, "1");
    w[1] = INFINITY;
    EXPECT_ERR(ncm_money_split(100, w, 3, parts), NCM_ERR_RANGE, "1");
    assert_int_equal(parts[0], 9);
}

static void test_nan_capitation(void **state)
{
    (void)state;
    double weight[3] = {1.0, NAN, 0.5};
    ncm_capitation_people p = NCM_CAPITATION_PEOPLE_INIT;
    p.n = 3;
    p.weight = weight;
    ncm_capitation_options o = NCM_CAPITATION_OPTIONS_INIT;
    o.base_rate = 100000;
    ncm_budget *b = NULL;
    EXPECT_ERR(ncm_capitation_run(&p, &o, &b), NCM_ERR_RANGE, "weight", "1");
    weight[1] = INFINITY;
    EXPECT_ERR(ncm_capitation_run(&p, &o, &b), NCM_ERR_RANGE, "weight", "1");
    weight[1] = 1;
    double months[3] = {12, 12, NAN};
    p.months = months;
    EXPECT_ERR(ncm_capitation_run(&p, &o, &b), NCM_ERR_RANGE, "month", "2");
    p.months = NULL;
    const char *names[1] = {"reserve"};
    double rates[1] = {NAN};
    o.nslices = 1;
    o.slice_names = names;
    o.slice_rates = rates;
    EXPECT_ERR(ncm_capitation_run(&p, &o, &b), NCM_ERR_RANGE, "slice_rates[0]");
    assert_null(b);

    /* fair shares: a NaN unit index names its array and position */
    double idx[3] = {1, 2, NAN};
    const double *ui[1] = {idx};
    ncm_fair_shares_input in = NCM_FAIR_SHARES_INPUT_INIT;
    in.nunits = 3;
    in.unit_indices = ui;
    in.n_unit_indices = 1;
    ncm_money s[3] = {-1, -1, -1};
    EXPECT_ERR(ncm_fair_shares(&in, 1000, s, NULL, 3), NCM_ERR_RANGE, "2");
    assert_int_equal(s[0], -1);

    ncm_money lines[1], dist = -1;
    double r[1] = {NAN};
    EXPECT_ERR(ncm_top_slice(1000, 1, NULL, r, lines, &dist), NCM_ERR_RANGE, "0");
    assert_int_equal(dist, -1);

    double ind[2] = {1, NAN}, sh[1] = {1};
    const double *inds[1] = {ind};
    ncm_money pay[2] = {-1, -1};
    EXPECT_ERR(ncm_pool_share(1000, 2, inds, sh, 1, pay, NULL), NCM_ERR_RANGE, "1");
    ind[1] = 1;
    sh[0] = NAN;
    EXPECT_ERR(ncm_pool_share(1000, 2, inds, sh, 1, pay, NULL), NCM_ERR_RANGE, "");
    assert_int_equal(pay[0], -1);

    ncm_money A[2] = {100, 200}, T[2] = {150, 150}, al[2] = {-1, -1};
    ncm_pace_options po = NCM_PACE_OPTIONS_INIT;
    po.cap = NAN;
    EXPECT_ERR(ncm_pace_of_change(&po, 300, 2, A, T, al, NULL, NULL), NCM_ERR_RANGE, "cap");
    po.cap = 0.1;
    po.floor = INFINITY;
    EXPECT_ERR(ncm_pace_of_change(&po, 300, 2, A, T, al, NULL, NULL), NCM_ERR_RANGE, "floor");
    assert_int_equal(al[0], -1);

    ncm_stop_loss_options so = NCM_STOP_LOSS_OPTIONS_INIT;
    so.attachment = 1000;
    so.coinsurance = NAN;
    ncm_money cost[2] = {500, 5000}, kept[2] = {-1, -1}, paid[2];
    EXPECT_ERR(ncm_stop_loss(&so, 2, cost, kept, paid, NULL, NULL, NULL), NCM_ERR_RANGE, "coinsurance");
    assert_int_equal(kept[0], -1);
    so.coinsurance = 0.1;
    double e = -1;
    EXPECT_ERR(ncm_stop_loss_expected(&so, NAN, 1.0, &e), NCM_ERR_RANGE, "mean");
    EXPECT_ERR(ncm_stop_loss_expected(&so, 1000, INFINITY, &e), NCM_ERR_RANGE, "cv");
    assert_true(e == -1);

    ncm_envelope_options eo = NCM_ENVELOPE_OPTIONS_INIT;
    eo.year1 = 1000;
    eo.years = 3;
    eo.growth = NAN;
    ncm_money am[3] = {-1, -1, -1};
    EXPECT_ERR(ncm_envelope_schedule(&eo, am, NULL, NULL, NULL, NULL, 3), NCM_ERR_RANGE, "growth");
    eo.growth = 0;
    eo.demographic = INFINITY;
    EXPECT_ERR(ncm_envelope_schedule(&eo, am, NULL, NULL, NULL, NULL, 3), NCM_ERR_RANGE, "demographic");
    assert_int_equal(am[0], -1);
}

static void test_nan_riskshare_outcome(void **state)
{
    (void)state;
    int side[2] = {NCM_RISKSHARE_SURPLUS, NCM_RISKSHARE_DEFICIT};
    double lo[2] = {0, 0}, hi[2] = {INFINITY, INFINITY}, share[2] = {0.5, NAN};
    ncm_riskshare *rs = NULL;
    EXPECT_ERR(ncm_riskshare_create(NULL, 2, side, lo, hi, share, &rs), NCM_ERR_RANGE, "1");
    share[1] = 0.5;
    lo[0] = NAN;
    EXPECT_ERR(ncm_riskshare_create(NULL, 2, side, lo, hi, share, &rs), NCM_ERR_RANGE, "0");
    assert_null(rs);

    /* outcome: an infinite result value is a range error naming the measure */
    const char *id[1] = {"m1"}, *dom[1] = {"d"};
    int dir[1] = {NCM_OUTCOME_HIGHER_IS_BETTER}, method[1] = {NCM_OUTCOME_LINEAR};
    double thr[1] = {0.2}, bench[1] = {0.8};
    ncm_outcome_framework *fw = NULL;
    EXPECT_OK(ncm_outcome_framework_create(NULL, 1, id, NULL, dom, dir, method, NULL, thr, bench, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, &fw));
    double val[1] = {INFINITY};
    ncm_outcome_result *res = NULL;
    EXPECT_ERR(ncm_outcome_score(fw, 1, id, val, NULL, &res), NCM_ERR_RANGE, "m1");
    assert_null(res);
    /* NaN is documented as "no data": accepted, and the total is NaN */
    val[0] = NAN;
    EXPECT_OK(ncm_outcome_score(fw, 1, id, val, NULL, &res));
    double total = 0;
    EXPECT_OK(ncm_outcome_result_total(res, &total, NULL));
    assert_true(isnan(total));
    ncm_outcome_result_free(res);
    thr[0] = NAN;
    ncm_outcome_framework *fw2 = NULL;
    EXPECT_ERR(ncm_outcome_framework_create(NULL, 1, id, NULL, dom, dir, method, NULL, thr, bench, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, &fw2),
               NCM_ERR_RANGE, "m1");
    assert_null(fw2);
    ncm_outcome_framework_free(fw);

    ncm_money fee[2] = {1000, 2000}, wh[2] = {-1, -1}, eb[2], rec[2];
    double score[2] = {0.5, NAN}, tmin[1] = {0}, tfrac[1] = {1};
    EXPECT_ERR(ncm_withhold_settle(2, fee, 0.05, score, 1, tmin, tfrac, wh, eb, rec), NCM_ERR_RANGE, "1");
    score[1] = 0.5;
    EXPECT_ERR(ncm_withhold_settle(2, fee, NAN, score, 1, tmin, tfrac, wh, eb, rec), NCM_ERR_RANGE, "rate");
    assert_int_equal(wh[0], -1);
    int64_t k = -1;
    EXPECT_ERR(ncm_poisson_quantile(NAN, 3.0, &k), NCM_ERR_RANGE, "");
    EXPECT_ERR(ncm_poisson_quantile(0.5, INFINITY, &k), NCM_ERR_RANGE, "");
    assert_true(k == -1);
    double ob[2] = {1, NAN}, ex[2] = {1, 1}, ratio[2] = {-1, -1};
    EXPECT_ERR(ncm_oe_funnel(2, ob, ex, ratio, NULL, NULL, NULL, NULL, NULL), NCM_ERR_RANGE, "1");
    assert_true(ratio[0] == -1);
}

static void test_nan_risk_segment_settle(void **state)
{
    (void)state;
    double sc[3] = {1.0, NAN, 2.0}, out[3] = {-1, -1, -1}, used = 0;
    EXPECT_ERR(ncm_risk_normalize(sc, NULL, 3, 0, out, &used), NCM_ERR_RANGE, "1");
    double last[3] = {1, 1, 1};
    size_t capped = 0;
    EXPECT_ERR(ncm_risk_cap_growth(sc, last, 3, 0.1, out, &capped), NCM_ERR_RANGE, "1");
    sc[1] = 1;
    EXPECT_ERR(ncm_risk_cap_growth(sc, last, 3, NAN, out, &capped), NCM_ERR_RANGE, "");
    assert_true(out[0] == -1);

    double top[2] = {5, NAN};
    ncm_segmentation *seg = NULL;
    EXPECT_ERR(ncm_segmentation_risk_tiers(top, 2, &seg), NCM_ERR_RANGE, "");
    assert_null(seg);

    /* mssp: a NaN quality score names the field and the row */
    ncm_mssp_tracks *t = NULL;
    EXPECT_OK(ncm_mssp_tracks_builtin(2022, &t));
    const char *names[1] = {"BASIC_A"};
    uint32_t track[1];
    EXPECT_OK(ncm_mssp_tracks_lookup(t, 2022, 1, names, track));
    int64_t ben[1] = {20000};
    ncm_money bm[1] = {100000000}, exp_[1] = {90000000};
    uint8_t qm[1] = {1};
    double qs[1] = {NAN}, sr[1] = {-1};
    ncm_status st = ncm_mssp_settle(t, 1, track, ben, bm, exp_, qm, qs, NULL, NULL, NULL, sr, NULL, NULL, NULL, NULL);
    assert_int_equal(st, NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "quality"));
    assert_true(sr[0] == -1);
    ncm_mssp_tracks_free(t);
}

/* Text inputs: "nan", "inf" and overflowing numbers in CSV cells and JSON are rejected naming the
 * file, line and column (CSV) or the file and field (JSON). */
static void test_nan_text_inputs(void **state)
{
    (void)state;
    const char *bad[] = {"nan", "NaN", "inf", "-Infinity", "1e999"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char csv[256];
        snprintf(csv, sizeof csv, "person_id,age,sex,practice,months_enrolled\nA,30,F,P1,12\nB,40,M,P1,%s\n", bad[k]);
        ncm_population *p = NULL;
        ncm_status st = ncm_population_read_csv_buffer(csv, strlen(csv), "people.csv", NULL, 0, NULL, NULL, &p);
        if (st == NCM_OK) fail_msg("months_enrolled %s accepted", bad[k]);
        assert_non_null(strstr(ncm_last_error(), "people.csv:3:5 (months_enrolled)"));
        assert_null(p);
    }
    /* outcome results: an infinite value */
    ncm_outcome_framework *fw = NULL;
    EXPECT_OK(ncm_outcome_framework_load_json(NCM_TEST_DATA "/outcome/framework.json", &fw));
    char path[] = "/tmp/ncm_edges_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("measure_id,value\nA,inf\n", f);
    fclose(f);
    ncm_outcome_result *r = NULL;
    ncm_status st = ncm_outcome_score_csv(fw, path, &r);
    assert_true(st != NCM_OK);
    assert_non_null(strstr(ncm_last_error(), ":2:"));
    assert_non_null(strstr(ncm_last_error(), "(value)"));
    assert_null(r);
    remove(path);
    ncm_outcome_framework_free(fw);
    /* JSON: a growth rate that overflows a double */
    const char *json = "{\"schema\": \"ncm.riskshare/1\", \"surplus\": {\"bands\": [{\"from\": 0, \"to\": null, \"provider_share\": 1e999}]}}";
    ncm_riskshare *rs = NULL;
    st = ncm_riskshare_load_json_buffer(json, strlen(json), "rs.json", &rs);
    assert_true(st != NCM_OK);
    assert_non_null(strstr(ncm_last_error(), "rs.json"));
    assert_null(rs);
}

/* ------------------------------------------------------------------ money at the int64 edges */

static void test_money_edges(void **state)
{
    (void)state;
    ncm_money r = 1;
    EXPECT_ERR(ncm_money_add(NCM_MONEY_MAX, 1, &r), NCM_ERR_OVERFLOW, "");
    EXPECT_ERR(ncm_money_sub(NCM_MONEY_MIN, 1, &r), NCM_ERR_OVERFLOW, "");
    assert_int_equal(r, 1);
    EXPECT_OK(ncm_money_add(NCM_MONEY_MAX - 1, 1, &r));
    assert_true(r == NCM_MONEY_MAX);
    /* a split of the largest amount still sums back exactly: 1:1:1 of INT64_MAX = 3 x 3074457345618258602 + 1 */
    double w[3] = {1, 1, 1};
    ncm_money parts[3];
    EXPECT_OK(ncm_money_split(NCM_MONEY_MAX, w, 3, parts));
    assert_true(parts[0] + parts[1] + parts[2] == NCM_MONEY_MAX);
    for (int i = 0; i < 3; i++) assert_true(parts[i] == 3074457345618258602 || parts[i] == 3074457345618258603);
    EXPECT_OK(ncm_money_split(NCM_MONEY_MIN, w, 3, parts));
    assert_true(parts[0] + parts[1] + parts[2] == NCM_MONEY_MIN);
    EXPECT_ERR(ncm_money_mul_rate(NCM_MONEY_MAX, 2.0, NCM_ROUND_HALF_EVEN, &r), NCM_ERR_OVERFLOW, "");
}

static void test_capitation_overflow(void **state)
{
    (void)state;
    /* two people at a base rate of INT64_MAX: the gross does not fit */
    ncm_capitation_people p = NCM_CAPITATION_PEOPLE_INIT;
    p.n = 2;
    ncm_capitation_options o = NCM_CAPITATION_OPTIONS_INIT;
    o.base_rate = NCM_MONEY_MAX;
    ncm_budget *b = NULL;
    EXPECT_ERR(ncm_capitation_run(&p, &o, &b), NCM_ERR_OVERFLOW, "");
    assert_null(b);
    /* one person at 2^62 + 1 (beyond a double's 53 bits): paid exactly, not rounded through a double */
    p.n = 1;
    o.base_rate = ((ncm_money)1 << 62) + 1;
    EXPECT_OK(ncm_capitation_run(&p, &o, &b));
    assert_true(ncm_budget_gross(b) == ((ncm_money)1 << 62) + 1);
    assert_true(ncm_budget_person_amounts(b)[0] == ((ncm_money)1 << 62) + 1);
    ncm_budget_free(b);
    b = NULL;
    /* an envelope of INT64_MAX over 3 equal people: 3074457345618258602 each + 1 left over, exact */
    p.n = 3;
    o.base_rate = 0;
    o.flags = NCM_CAPITATION_ENVELOPE;
    o.envelope = NCM_MONEY_MAX;
    b = NULL;
    EXPECT_OK(ncm_capitation_run(&p, &o, &b));
    const ncm_money *a = ncm_budget_person_amounts(b);
    assert_true(a[0] + a[1] + a[2] == NCM_MONEY_MAX);
    assert_true(ncm_budget_distributed(b) == NCM_MONEY_MAX);
    ncm_budget_free(b);

    /* fair shares of INT64_MAX over weights 1 and 2: 3074457345618258602 and 6148914691236517205 */
    double idx[2] = {1, 2};
    const double *ui[1] = {idx};
    ncm_fair_shares_input in = NCM_FAIR_SHARES_INPUT_INIT;
    in.nunits = 2;
    in.unit_indices = ui;
    in.n_unit_indices = 1;
    ncm_money s[2];
    EXPECT_OK(ncm_fair_shares(&in, NCM_MONEY_MAX, s, NULL, 2));
    assert_true(s[0] + s[1] == NCM_MONEY_MAX);
    assert_true(s[0] == 3074457345618258602);
    /* top-slices that add up past the envelope */
    ncm_money amounts[2] = {NCM_MONEY_MAX, NCM_MONEY_MAX}, lines[2], dist = -1;
    EXPECT_ERR(ncm_top_slice(NCM_MONEY_MAX, 2, amounts, NULL, lines, &dist), NCM_ERR_OVERFLOW, "");
    assert_int_equal(dist, -1);
    /* a 5-year envelope growing 100% a year from INT64_MAX / 4 overflows in year 4 */
    ncm_envelope_options eo = NCM_ENVELOPE_OPTIONS_INIT;
    eo.year1 = NCM_MONEY_MAX / 4;
    eo.years = 5;
    eo.growth = 1.0;
    ncm_money am[5] = {-1, -1, -1, -1, -1};
    EXPECT_ERR(ncm_envelope_schedule(&eo, am, NULL, NULL, NULL, NULL, 5), NCM_ERR_OVERFLOW, "");
    assert_int_equal(am[0], -1);
}

static void test_settle_overflow(void **state)
{
    (void)state;
    ncm_contract *c = NULL;
    EXPECT_OK(ncm_contract_load_file(NCM_TEST_DATA "/../../examples/contracts/bedfordshire_msk.json", &c));
    ncm_actuals *a = NULL;
    EXPECT_OK(ncm_actuals_create(c, &a));
    /* a year-1 cost at the int64 edge: the variance against the up-front payment (95% of
     * 26,500,000.00 = 25,175,000.00) is 2517500000 - INT64_MAX, which fits; it must not wrap, and the
     * provider and commissioner parts must add up to it exactly */
    EXPECT_OK(ncm_actuals_set_cost(a, 1, NULL, NCM_MONEY_MAX));
    ncm_ledger *l = NULL;
    EXPECT_OK(ncm_settle(c, a, NULL, &l));
    size_t rs = 0;
    EXPECT_OK(ncm_contract_find_component(c, "risk/gain share", &rs));
    ncm_money base, var, prov, comm;
    EXPECT_OK(ncm_ledger_risk(l, 1, rs, &base, &var, &prov, &comm));
    assert_int_equal(base, 2517500000);
    assert_true(llabs(var) == NCM_MONEY_MAX - 2517500000);
    assert_true(prov + comm == var);
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

/* ------------------------------------------------------------------ empty and one-person populations */

static ncm_population *make_pop(size_t n)
{
    static const char *ids[2] = {"p1", "p2"}, *pr[2] = {"A", "B"};
    static const int32_t age[2] = {70, 40};
    static const uint8_t sex[2] = {1, 2};
    static const ncm_money cost[2] = {123456, 7890};
    ncm_population_columns c = NCM_POPULATION_COLUMNS_INIT;
    c.n = n;
    c.person_id.values = ids;
    c.age = age;
    c.sex = sex;
    c.annual_cost = cost;
    c.geo[NCM_LEVEL_PRACTICE].values = pr;
    ncm_population *p = NULL;
    if (ncm_population_from_columns(&c, &p) != NCM_OK) fail_msg("population: %s", ncm_last_error());
    return p;
}

static void test_empty_population(void **state)
{
    (void)state;
    ncm_population *p = make_pop(0);
    assert_int_equal(ncm_population_size(p), 0);
    uint64_t people[1] = {99};
    EXPECT_OK(ncm_population_rollup(p, NCM_LEVEL_PRACTICE, people, NULL, NULL, NULL, 1));
    /* capitation of nobody: nothing to pay */
    ncm_capitation_options o = NCM_CAPITATION_OPTIONS_INIT;
    o.base_rate = 100000;
    ncm_budget *b = NULL;
    EXPECT_OK(ncm_capitation_population(p, NULL, &o, &b));
    assert_int_equal(ncm_budget_people(b), 0);
    assert_int_equal(ncm_budget_gross(b), 0);
    ncm_budget_free(b);
    /* an envelope cannot be divided among nobody */
    o.flags = NCM_CAPITATION_ENVELOPE;
    o.envelope = 1000;
    b = NULL;
    ncm_status st = ncm_capitation_population(p, NULL, &o, &b);
    if (st == NCM_OK) {
        assert_int_equal(ncm_budget_distributed(b), 0);
        ncm_budget_free(b);
    } else {
        assert_true(st == NCM_ERR_RANGE || st == NCM_ERR_INVALID);
        assert_null(b);
    }
    /* segmentation and risk of nobody */
    ncm_condition_groups *g = NULL;
    EXPECT_OK(ncm_condition_groups_builtin(&g));
    ncm_segmentation *seg = NULL;
    EXPECT_OK(ncm_segmentation_bridges_to_health(g, &seg));
    uint32_t sid[1] = {77};
    EXPECT_OK(ncm_segmentation_assign(seg, p, NULL, 0, sid, 0));
    assert_int_equal(sid[0], 77);
    ncm_risk_model *m = NULL;
    EXPECT_OK(ncm_risk_model_charlson(NCM_CHARLSON_QUAN2011, &m));
    double raw[1] = {-1};
    EXPECT_OK(ncm_risk_score(m, p, NULL, raw, NULL, 0, NULL));
    assert_true(raw[0] == -1);
    ncm_risk_model_free(m);
    ncm_segmentation_free(seg);
    ncm_condition_groups_free(g);
    ncm_population_free(p);
}

static void test_one_person(void **state)
{
    (void)state;
    ncm_population *p = make_pop(1);
    /* base rate 1,000.00 for a whole year and weight 1.3: 1,300.00 */
    double w[1] = {1.3};
    ncm_capitation_options o = NCM_CAPITATION_OPTIONS_INIT;
    o.base_rate = 100000;
    ncm_budget *b = NULL;
    EXPECT_OK(ncm_capitation_population(p, w, &o, &b));
    assert_int_equal(ncm_budget_person_amounts(b)[0], 130000);
    ncm_budget_free(b);
    /* normalised to a mean weight of 1, the one person gets exactly the base rate */
    o.flags = NCM_CAPITATION_NORMALIZE;
    EXPECT_OK(ncm_capitation_population(p, w, &o, &b));
    assert_int_equal(ncm_budget_person_amounts(b)[0], 100000);
    ncm_budget_free(b);
    /* the whole envelope goes to the one person, to the penny */
    o.flags = NCM_CAPITATION_ENVELOPE;
    o.envelope = 123456789;
    EXPECT_OK(ncm_capitation_population(p, w, &o, &b));
    assert_int_equal(ncm_budget_person_amounts(b)[0], 123456789);
    ncm_budget_free(b);
    /* one unit's fair share is the envelope */
    double idx[1] = {5};
    const double *ui[1] = {idx};
    ncm_fair_shares_input in = NCM_FAIR_SHARES_INPUT_INIT;
    in.nunits = 1;
    in.unit_indices = ui;
    in.n_unit_indices = 1;
    ncm_money s[1];
    EXPECT_OK(ncm_fair_shares(&in, 999, s, NULL, 1));
    assert_int_equal(s[0], 999);
    /* risk normalisation of one score gives 1 */
    double sc[1] = {2.5}, out[1], used = 0;
    EXPECT_OK(ncm_risk_normalize(sc, NULL, 1, 0, out, &used));
    assert_true(fabs(out[0] - 1.0) < 1e-12);
    ncm_population_free(p);
}

/* ------------------------------------------------------------------ all-zero weights */

static void test_zero_weights(void **state)
{
    (void)state;
    double w[3] = {0, 0, 0};
    ncm_money parts[3] = {-1, -1, -1};
    EXPECT_ERR(ncm_money_split(100, w, 3, parts), NCM_ERR_RANGE, "zero");
    assert_int_equal(parts[0], -1);
    /* capitation at a base rate: zero weights pay zero (nothing to normalise against is an error) */
    ncm_capitation_people p = NCM_CAPITATION_PEOPLE_INIT;
    p.n = 3;
    p.weight = w;
    ncm_capitation_options o = NCM_CAPITATION_OPTIONS_INIT;
    o.base_rate = 100000;
    ncm_budget *b = NULL;
    EXPECT_OK(ncm_capitation_run(&p, &o, &b));
    assert_int_equal(ncm_budget_gross(b), 0);
    ncm_budget_free(b);
    b = NULL;
    o.flags = NCM_CAPITATION_NORMALIZE;
    EXPECT_ERR(ncm_capitation_run(&p, &o, &b), NCM_ERR_RANGE, "weight");
    assert_null(b);
    o.flags = NCM_CAPITATION_ENVELOPE;
    o.envelope = 1000;
    EXPECT_ERR(ncm_capitation_run(&p, &o, &b), NCM_ERR_RANGE, "weight");
    assert_null(b);
    /* fair shares: all weights zero is a range error */
    const double *ui[1] = {w};
    ncm_fair_shares_input in = NCM_FAIR_SHARES_INPUT_INIT;
    in.nunits = 3;
    in.unit_indices = ui;
    in.n_unit_indices = 1;
    ncm_money s[3] = {-1, -1, -1};
    EXPECT_ERR(ncm_fair_shares(&in, 1000, s, NULL, 3), NCM_ERR_RANGE, "zero");
    assert_int_equal(s[0], -1);
    /* ... but an envelope of 0 over zero weights is fine? No: still no basis to divide on. */
    /* pool share: an indicator that sums to zero with a positive pot */
    double sh[1] = {1};
    ncm_money pay[3] = {-1, -1, -1};
    EXPECT_ERR(ncm_pool_share(1000, 3, ui, sh, 1, pay, NULL), NCM_ERR_RANGE, "");
    assert_int_equal(pay[0], -1);
    /* risk normalisation of all-zero scores: the mean is zero, nothing to divide by */
    double out[3] = {-1, -1, -1}, used = 0;
    EXPECT_ERR(ncm_risk_normalize(w, NULL, 3, 0, out, &used), NCM_ERR_RANGE, "");
    assert_true(out[0] == -1);
}

/* ------------------------------------------------------------------ 10-year contracts, 0% and 100% shares */

static ncm_contract *ten_year(double share)
{
    /* value 1,000,000.00 a year (no growth), all of it paid up front; a risk share on the up-front
     * payment with one open band each side at the given provider share. */
    char text[2048];
    snprintf(text, sizeof text,
             "{\"schema\": 1, \"name\": \"ten\", \"form\": \"capitated\", \"term_years\": 10,"
             " \"value\": {\"year1\": \"1000000.00\", \"growth\": 0},"
             " \"parties\": [{\"name\": \"CCG\", \"role\": \"commissioner\"}, {\"name\": \"Prov\", \"role\": \"provider\"}],"
             " \"components\": [{\"name\": \"up\", \"type\": \"upfront\", \"share\": 1},"
             "  {\"name\": \"rs\", \"type\": \"risk_share\", \"base\": \"up\", \"schedule\": {"
             "   \"surplus\": {\"bands\": [{\"from\": 0, \"to\": null, \"provider_share\": %g}]},"
             "   \"deficit\": {\"bands\": [{\"from\": 0, \"to\": null, \"provider_share\": %g}]}}}]}",
             share, share);
    ncm_contract *c = NULL;
    if (ncm_contract_load_string(text, "ten.json", &c) != NCM_OK) fail_msg("%s", ncm_last_error());
    return c;
}

static void test_ten_year_shares(void **state)
{
    (void)state;
    const double shares[2] = {0.0, 1.0};
    for (int k = 0; k < 2; k++) {
        ncm_contract *c = ten_year(shares[k]);
        assert_int_equal(ncm_contract_term(c), 10);
        ncm_actuals *a = NULL;
        EXPECT_OK(ncm_actuals_create(c, &a));
        /* year y costs 900,000.00 + y x 20,000.00: surplus in years 1-4, 5 breaks even, deficit 6-10 */
        for (unsigned y = 1; y <= 10; y++) EXPECT_OK(ncm_actuals_set_cost(a, y, NULL, 90000000 + (ncm_money)y * 2000000));
        ncm_ledger *l = NULL;
        EXPECT_OK(ncm_settle(c, a, NULL, &l));
        size_t rs = 0;
        EXPECT_OK(ncm_contract_find_component(c, "rs", &rs));
        for (unsigned y = 1; y <= 10; y++) {
            ncm_money base, var, prov, comm;
            EXPECT_OK(ncm_ledger_risk(l, y, rs, &base, &var, &prov, &comm));
            assert_int_equal(base, 100000000);
            ncm_money expect_var = 100000000 - (90000000 + (ncm_money)y * 2000000); /* payment - cost */
            if (llabs(var) != llabs(expect_var)) fail_msg("year %u: variance %lld, want +-%lld", y, (long long)var, (long long)expect_var);
            assert_true(prov + comm == var);
            if (k == 0) assert_int_equal(prov, 0);   /* 0%: the commissioner takes it all */
            else assert_true(prov == var && comm == 0); /* 100%: the provider keeps it all */
        }
        ncm_ledger_free(l);
        ncm_actuals_free(a);
        ncm_contract_free(c);
    }
}

/* ------------------------------------------------------------------ regressions found by fuzzing */

/* fuzz_population_csv: an 18-digit whole annual_cost (fast path) was multiplied by 100 in int64 and
 * overflowed (undefined behaviour, a wrapped amount). It must be an overflow error naming the cell;
 * 16 digits still load exactly. */
static void test_regress_population_cost_digits(void **state)
{
    (void)state;
    const char *bad = "person_id,age,sex,practice,annual_cost\nA,30,F,P1,333333333333333333\n";
    ncm_population *p = (ncm_population *)(uintptr_t)0x10;
    ncm_status st = ncm_population_read_csv_buffer(bad, strlen(bad), "people.csv", NULL, 0, NULL, NULL, &p);
    assert_true(st == NCM_ERR_OVERFLOW || st == NCM_ERR_RANGE || st == NCM_ERR_PARSE);
    assert_non_null(strstr(ncm_last_error(), "people.csv:2:5 (annual_cost)"));
    assert_true(p == (ncm_population *)(uintptr_t)0x10);
    const char *ok = "person_id,age,sex,practice,annual_cost\nA,30,F,P1,9999999999999999\n";
    p = NULL;
    assert_int_equal(ncm_population_read_csv_buffer(ok, strlen(ok), "people.csv", NULL, 0, NULL, NULL, &p), NCM_OK);
    assert_true(ncm_population_cost(p)[0] == 999999999999999900);
    ncm_population_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nan_money),
        cmocka_unit_test(test_nan_capitation),
        cmocka_unit_test(test_nan_riskshare_outcome),
        cmocka_unit_test(test_nan_risk_segment_settle),
        cmocka_unit_test(test_nan_text_inputs),
        cmocka_unit_test(test_money_edges),
        cmocka_unit_test(test_capitation_overflow),
        cmocka_unit_test(test_settle_overflow),
        cmocka_unit_test(test_empty_population),
        cmocka_unit_test(test_one_person),
        cmocka_unit_test(test_zero_weights),
        cmocka_unit_test(test_ten_year_shares),
        cmocka_unit_test(test_regress_population_cost_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
