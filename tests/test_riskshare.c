/* Tiered risk/gain share schedules: hand-worked cases (Bedfordshire, ACO REACH), thresholds, caps,
 * floors, rounding, validation messages, JSON round trip, bulk form, allocation-failure walks, and a
 * property check against a second, floating-point implementation of the DOMAIN.md formula. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>

#include <cmocka.h>

#include "ncm/ncm.h"

#define M(pounds) ((ncm_money)((pounds) * 100LL))

static void expect_msg(const char *part)
{
    if (!strstr(ncm_last_error(), part)) fail_msg("message \"%s\" lacks \"%s\"", ncm_last_error(), part);
}

static void split(const ncm_riskshare *rs, ncm_money base, ncm_money actual, ncm_money want_p, ncm_money want_c)
{
    ncm_money p = -1, c = -1;
    ncm_status st = ncm_riskshare_apply(rs, base, actual, &p, &c);
    if (st) fail_msg("apply: %s", ncm_last_error());
    assert_int_equal(p, want_p);
    assert_int_equal(c, want_c);
    assert_int_equal(p + c, base - actual);
}

/* Bedfordshire MSK, year 1: budget 26.5m; up-front 95% = 25,175,000.00 (the base).
 * Actual 23.0m: surplus = 25,175,000 - 23,000,000 = 2,175,000.00.
 * First 5% of the base = 0.05 x 25,175,000 = 1,258,750.00, kept by the provider.
 * Beyond: 2,175,000 - 1,258,750 = 916,250.00, split 50/50 = 458,125.00 each.
 * Provider keeps 1,258,750 + 458,125 = 1,716,875.00; returns 458,125.00. */
static void test_bedfordshire(void **state)
{
    (void)state;
    ncm_riskshare *rs = NULL;
    assert_int_equal(ncm_riskshare_builtin("circle_bedfordshire", &rs), NCM_OK);
    ncm_money base = 0;
    assert_int_equal(ncm_money_mul_rate(M(26500000), 0.95, NCM_ROUND_HALF_EVEN, &base), NCM_OK);
    assert_int_equal(base, M(25175000));
    split(rs, base, M(23000000), 171687500, 45812500);
    ncm_money bv[3], bp[3], adj = 7, p = 0, c = 0;
    assert_int_equal(ncm_riskshare_explain(rs, base, M(23000000), bv, bp, 3, &adj, &p, &c), NCM_OK);
    assert_int_equal(bv[0], 125875000); /* 1,258,750.00 in the 5% band */
    assert_int_equal(bv[1], 91625000);  /* 916,250.00 beyond */
    assert_int_equal(bv[2], 0);         /* deficit band idle */
    assert_int_equal(bp[0], 125875000);
    assert_int_equal(bp[1], 45812500);
    assert_int_equal(bp[2], 0);
    assert_int_equal(adj, 0);
    assert_int_equal(p, 171687500);
    /* Surplus inside the first band: 25,175,000 - 24,500,000 = 675,000 all kept. */
    split(rs, base, M(24500000), M(675000), 0);
    /* Deficit: actual 26,000,000 -> loss 825,000 borne wholly by the provider. */
    split(rs, base, M(26000000), -M(825000), 0);
    /* On budget exactly: nothing. */
    split(rs, base, base, 0, 0);
    ncm_riskshare_free(rs);
}

/* ACO REACH corridors on a benchmark of 100,000,000.00.
 * Global, savings 30% (actual 70m): 25m x 100% + 5m x 50% = 27,500,000.00 kept by the ACO.
 * Global, savings 60% (actual 40m): 25 + 10 x .5 + 15 x .25 + 10 x .1 = 25 + 5 + 3.75 + 1 = 34.75m.
 * Professional, savings 30%: 5 x .5 + 5 x .35 + 5 x .15 + 15 x .05 = 2.5 + 1.75 + .75 + .75 = 5.75m.
 * Professional, loss 12% (actual 112m): 2.5 + 1.75 + 2 x .15 = 4.55m borne by the ACO. */
static void test_aco_reach(void **state)
{
    (void)state;
    ncm_riskshare *g = NULL, *pr = NULL;
    assert_int_equal(ncm_riskshare_builtin("aco_reach_global", &g), NCM_OK);
    assert_int_equal(ncm_riskshare_builtin("aco_reach_professional", &pr), NCM_OK);
    assert_int_equal(ncm_riskshare_band_count(g), 8);
    split(g, M(100000000), M(70000000), M(27500000), M(2500000));
    split(g, M(100000000), M(40000000), M(34750000), M(25250000));
    split(g, M(100000000), M(130000000), -M(27500000), -M(2500000));
    split(pr, M(100000000), M(70000000), M(5750000), M(24250000));
    split(pr, M(100000000), M(112000000), -M(4550000), -M(7450000));
    ncm_riskshare_free(g);
    ncm_riskshare_free(pr);
    ncm_riskshare *x = (ncm_riskshare *)0x1;
    assert_int_equal(ncm_riskshare_builtin("nope", &x), NCM_ERR_NOT_FOUND);
    expect_msg("aco_reach_global");
    assert_ptr_equal(x, (ncm_riskshare *)0x1);
}

static ncm_riskshare *half_schedule(const ncm_riskshare_options *o)
{
    int side[2] = {0, 1};
    double lo[2] = {0, 0}, hi[2] = {INFINITY, INFINITY}, sh[2] = {0.5, 0.5};
    ncm_riskshare *rs = NULL;
    if (ncm_riskshare_create(o, 2, side, lo, hi, sh, &rs)) fail_msg("create: %s", ncm_last_error());
    return rs;
}

/* Base 1,000,000.00; 50/50 both ways; threshold 2% = 20,000.00. */
static void test_threshold_caps_floors(void **state)
{
    (void)state;
    ncm_riskshare_options o;
    ncm_riskshare_options_init(&o);
    o.surplus_threshold = 0.02;
    ncm_riskshare *fp = half_schedule(&o);
    split(fp, M(1000000), M(985000), 0, M(15000));         /* 1.5% < 2%: gated off, all to commissioner */
    split(fp, M(1000000), M(980000), M(10000), M(10000));  /* exactly 2%: met, from the first pound */
    split(fp, M(1000000), M(970000), M(15000), M(15000));  /* 3%: 30,000 x .5 */
    split(fp, M(1000000), M(1010000), -M(5000), -M(5000)); /* deficits have no threshold here */
    ncm_riskshare_free(fp);

    o.surplus_gate = NCM_RISKSHARE_GATE_NET;
    ncm_riskshare *net = half_schedule(&o);
    split(net, M(1000000), M(985000), 0, M(15000));
    split(net, M(1000000), M(970000), M(5000), M(25000)); /* (30,000 - 20,000) x .5 */
    ncm_money bv[2], bp[2], adj;
    assert_int_equal(ncm_riskshare_explain(net, M(1000000), M(970000), bv, bp, 2, &adj, NULL, NULL), NCM_OK);
    assert_int_equal(bv[0], M(10000)); /* net variance */
    assert_int_equal(bp[0], M(5000));
    assert_int_equal(adj, 0);
    ncm_riskshare_free(net);

    ncm_riskshare_options_init(&o);
    o.surplus_cap_kind = NCM_RISKSHARE_LIMIT_RATE;
    o.surplus_cap_rate = 0.01;              /* 10,000.00 */
    o.deficit_cap_kind = NCM_RISKSHARE_LIMIT_MONEY;
    o.deficit_cap_money = M(3000);
    o.deficit_floor_kind = NCM_RISKSHARE_LIMIT_MONEY;
    o.deficit_floor_money = M(1000);
    ncm_riskshare *cap = half_schedule(&o);
    split(cap, M(1000000), M(970000), M(10000), M(20000));   /* 15,000 capped to 10,000 */
    split(cap, M(1000000), M(990000), M(5000), M(5000));     /* under the cap */
    split(cap, M(1000000), M(1010000), -M(3000), -M(7000));  /* loss share 5,000 capped to 3,000 */
    split(cap, M(1000000), M(1001000), -M(1000), 0);         /* loss share 500 raised to the floor 1,000 (= all of it) */
    split(cap, M(1000000), M(1000500), -M(500), 0);          /* floor 1,000 > loss 500: bounded by the loss */
    assert_int_equal(ncm_riskshare_explain(cap, M(1000000), M(970000), NULL, NULL, 0, &adj, NULL, NULL), NCM_OK);
    assert_int_equal(adj, -M(5000));
    assert_int_equal(ncm_riskshare_explain(cap, M(1000000), M(1010000), NULL, NULL, 0, &adj, NULL, NULL), NCM_OK);
    assert_int_equal(adj, M(2000)); /* provider part moved from -5,000 to -3,000 */
    ncm_riskshare_free(cap);
}

/* Base 100.01 (10,001 pence), actual 0: v = 10,001.
 * 5% edge = 500.05 pence -> half-even 500. Band 1: 500 kept. Band 2: 9,501 x 0.5 = 4,750.5:
 * half-even -> 4,750 (provider 5,250, commissioner 4,751); half-up -> 4,751 (5,251 / 4,750). */
static void test_rounding(void **state)
{
    (void)state;
    ncm_riskshare *rs = NULL;
    assert_int_equal(ncm_riskshare_builtin("circle_bedfordshire", &rs), NCM_OK);
    split(rs, 10001, 0, 5250, 4751);
    ncm_riskshare_free(rs);
    ncm_riskshare_options o = NCM_RISKSHARE_OPTIONS_INIT;
    o.rounding = NCM_ROUND_HALF_UP;
    int side[2] = {0, 0};
    double lo[2] = {0, 0.05}, hi[2] = {0.05, INFINITY}, sh[2] = {1, 0.5};
    assert_int_equal(ncm_riskshare_create(&o, 2, side, lo, hi, sh, &rs), NCM_OK);
    split(rs, 10001, 0, 5251, 4750);
    ncm_riskshare_free(rs);
}

static void create_bad(const ncm_riskshare_options *o, size_t n, const int *side, const double *lo, const double *hi,
                       const double *sh, ncm_status want, const char *part)
{
    ncm_riskshare *rs = (ncm_riskshare *)0x1;
    assert_int_equal(ncm_riskshare_create(o, n, side, lo, hi, sh, &rs), want);
    assert_ptr_equal(rs, (ncm_riskshare *)0x1);
    expect_msg(part);
}

static void test_validation(void **state)
{
    (void)state;
    int s2[2] = {0, 0};
    double lo_ov[2] = {0, 0.04}, hi_ov[2] = {0.05, 0.1}, sh[2] = {1, 0.5};
    create_bad(NULL, 2, s2, lo_ov, hi_ov, sh, NCM_ERR_INCONSISTENT, "band 1 (surplus): overlaps band 0");
    double lo_un[2] = {0.05, 0}, hi_un[2] = {0.1, 0.05};
    create_bad(NULL, 2, s2, lo_un, hi_un, sh, NCM_ERR_INCONSISTENT, "unsorted");
    double lo[2] = {0, 0.05}, hi[2] = {0.05, INFINITY};
    double sh_bad[2] = {1, 1.5};
    create_bad(NULL, 2, s2, lo, hi, sh_bad, NCM_ERR_RANGE, "band 1: provider share 1.5 is outside [0, 1]");
    double sh_neg[2] = {-0.1, 0.5};
    create_bad(NULL, 2, s2, lo, hi, sh_neg, NCM_ERR_RANGE, "band 0: provider share");
    double lo_nan[2] = {0, NAN};
    create_bad(NULL, 2, s2, lo_nan, hi, sh, NCM_ERR_RANGE, "band 1: NaN");
    double lo_neg[2] = {-0.01, 0.05};
    create_bad(NULL, 2, s2, lo_neg, hi, sh, NCM_ERR_RANGE, "band 0: lower edge");
    double hi_low[2] = {0.05, 0.05};
    create_bad(NULL, 2, s2, lo, hi_low, sh, NCM_ERR_RANGE, "band 1: upper edge");
    int sbad[2] = {0, 7};
    create_bad(NULL, 2, sbad, lo, hi, sh, NCM_ERR_INVALID, "band 1: side 7");
    /* the same edges on different sides do not overlap */
    int s01[2] = {0, 1};
    double lo0[2] = {0, 0}, hi0[2] = {1, 1};
    ncm_riskshare *ok = NULL;
    assert_int_equal(ncm_riskshare_create(NULL, 2, s01, lo0, hi0, sh, &ok), NCM_OK);
    ncm_riskshare_free(ok);

    ncm_riskshare_options o = NCM_RISKSHARE_OPTIONS_INIT;
    o.surplus_threshold = -0.01;
    create_bad(&o, 2, s2, lo, hi, sh, NCM_ERR_RANGE, "surplus_threshold");
    o = (ncm_riskshare_options)NCM_RISKSHARE_OPTIONS_INIT;
    o.deficit_cap_kind = NCM_RISKSHARE_LIMIT_RATE;
    o.deficit_cap_rate = NAN;
    create_bad(&o, 2, s2, lo, hi, sh, NCM_ERR_RANGE, "deficit_cap");
    o = (ncm_riskshare_options)NCM_RISKSHARE_OPTIONS_INIT;
    o.surplus_cap_kind = o.surplus_floor_kind = NCM_RISKSHARE_LIMIT_MONEY;
    o.surplus_cap_money = 100;
    o.surplus_floor_money = 200;
    create_bad(&o, 2, s2, lo, hi, sh, NCM_ERR_INCONSISTENT, "surplus_floor is above surplus_cap");
    o = (ncm_riskshare_options)NCM_RISKSHARE_OPTIONS_INIT;
    o.version = 99;
    create_bad(&o, 2, s2, lo, hi, sh, NCM_ERR_VERSION, "version 99");
    o = (ncm_riskshare_options)NCM_RISKSHARE_OPTIONS_INIT;
    o.deficit_gate = (ncm_riskshare_gate)5;
    create_bad(&o, 2, s2, lo, hi, sh, NCM_ERR_INVALID, "deficit_gate");
    create_bad(NULL, 2, NULL, lo, hi, sh, NCM_ERR_INVALID, "NULL band array");

    ncm_riskshare *rs = NULL;
    assert_int_equal(ncm_riskshare_builtin("circle_bedfordshire", &rs), NCM_OK);
    ncm_money p = 42, c = 43;
    assert_int_equal(ncm_riskshare_apply(rs, 0, 5, &p, &c), NCM_ERR_RANGE);
    expect_msg("base: 0 must be > 0");
    assert_int_equal(ncm_riskshare_apply(rs, 10, -5, &p, &c), NCM_ERR_RANGE);
    expect_msg("actual");
    assert_int_equal(p, 42);
    assert_int_equal(c, 43);
    ncm_money bv[1];
    assert_int_equal(ncm_riskshare_explain(rs, 10, 5, bv, NULL, 1, NULL, NULL, NULL), NCM_ERR_BUFFER);
    ncm_money b[3] = {100, 100, -1}, a[3] = {50, 50, 50}, po[3] = {7, 7, 7}, co[3] = {7, 7, 7};
    assert_int_equal(ncm_riskshare_apply_bulk(rs, 3, b, a, po, co), NCM_ERR_RANGE);
    expect_msg("base[2]");
    /* review 2026-11-24: rows 0 and 1 are valid but nothing may be written when row 2 fails */
    assert_int_equal(po[0], 7);
    assert_int_equal(co[1], 7);
    ncm_riskshare_free(rs);
    ncm_riskshare_free(NULL);
}

/* A second implementation: the DOMAIN.md formula in floating point, in pounds. Exact money can differ
 * from it only by rounding: at most one minor unit per band edge crossing plus one per band. */
static double formula(const int *side, const double *lo, const double *hi, const double *sh, size_t n, double T, double v)
{
    int s = v >= 0 ? 0 : 1;
    double x = fabs(v) / T, g = 0;
    for (size_t k = 0; k < n; k++) {
        if (side[k] != s) continue;
        double top = x < hi[k] ? x : hi[k];
        double d = top - lo[k];
        if (d > 0) g += sh[k] * d;
    }
    return (s == 0 ? 1 : -1) * T * g;
}

static void test_property_and_bulk(void **state)
{
    (void)state;
    int side[6] = {0, 0, 0, 1, 1, 1};
    double lo[6] = {0, 0.03, 0.1, 0, 0.02, 0.2}, hi[6] = {0.03, 0.08, INFINITY, 0.02, 0.15, 0.4};
    double sh[6] = {0.8, 0.45, 0.1, 1.0, 0.3, 0.05};
    ncm_riskshare *rs = NULL;
    assert_int_equal(ncm_riskshare_create(NULL, 6, side, lo, hi, sh, &rs), NCM_OK);
    enum { N = 2000 };
    ncm_money *base = malloc(N * sizeof *base), *act = malloc(N * sizeof *act);
    ncm_money *p = malloc(N * sizeof *p), *c = malloc(N * sizeof *c);
    uint64_t x = 88172645463325252ULL;
    for (size_t i = 0; i < N; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        base[i] = (ncm_money)(1000000 + x % 10000000000ULL);
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        act[i] = (ncm_money)((double)base[i] * (0.4 + (double)(x % 100000) / 80000.0));
    }
    assert_int_equal(ncm_riskshare_apply_bulk(rs, N, base, act, p, c), NCM_OK);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(p[i] + c[i], base[i] - act[i]);
        double want = formula(side, lo, hi, sh, 6, (double)base[i], (double)(base[i] - act[i]));
        if (fabs((double)p[i] - want) > 4.0) fail_msg("row %zu: %lld vs formula %.3f", i, (long long)p[i], want);
        ncm_money one = 0;
        assert_int_equal(ncm_riskshare_apply(rs, base[i], act[i], &one, NULL), NCM_OK);
        assert_int_equal(one, p[i]);
    }
    free(base); free(act); free(p); free(c);
    ncm_riskshare_free(rs);
}

static void load_bad(const char *text, ncm_status want, const char *part)
{
    ncm_riskshare *rs = (ncm_riskshare *)0x1;
    assert_int_equal(ncm_riskshare_load_json_buffer(text, strlen(text), "t.json", &rs), want);
    assert_ptr_equal(rs, (ncm_riskshare *)0x1);
    expect_msg(part);
}

static void test_json(void **state)
{
    (void)state;
    ncm_riskshare *rs = NULL;
    if (ncm_riskshare_load_json(NCM_TEST_DATA "/riskshare/corridor.json", &rs)) fail_msg("%s", ncm_last_error());
    ncm_riskshare_options o;
    assert_int_equal(ncm_riskshare_get_options(rs, &o), NCM_OK);
    assert_int_equal(o.rounding, NCM_ROUND_HALF_UP);
    assert_int_equal(o.surplus_gate, NCM_RISKSHARE_GATE_NET);
    assert_true(o.surplus_threshold == 0.02);
    assert_int_equal(o.surplus_cap_kind, NCM_RISKSHARE_LIMIT_RATE);
    assert_int_equal(o.surplus_floor_money, M(100));
    assert_int_equal(o.deficit_cap_money, M(50000));
    assert_int_equal(ncm_riskshare_band_count(rs), 3);
    int s;
    double l, h, sh;
    assert_int_equal(ncm_riskshare_band(rs, 1, &s, &l, &h, &sh), NCM_OK);
    assert_true(s == 0 && l == 0.05 && isinf(h) && sh == 0.5);
    /* base 1,000,000; actual 900,000: v = 100,000; net of 20,000 -> 80,000; 50,000 at 100% + 30,000 x .5
     * = 65,000; cap 10% = 100,000 not binding. */
    split(rs, M(1000000), M(900000), M(65000), M(35000));
    /* actual 979,000: v = 21,000; net 1,000 -> provider 1,000, raised to the 100.00 floor? no: 1,000 > 100. */
    split(rs, M(1000000), M(979000), M(1000), M(20000));
    /* actual 979,950: v = 20,050; net 50 -> 50, raised to the floor 100 */
    split(rs, M(1000000), M(979950), M(100), M(19950));
    /* deficit 200,000: [0,10%) = 100,000 x .6 = 60,000, capped at 50,000 */
    split(rs, M(1000000), M(1200000), -M(50000), -M(150000));

    /* write, reload, write again: same bytes, same schedule */
    char p1[] = "/tmp/ncm_rs1_XXXXXX", p2[] = "/tmp/ncm_rs2_XXXXXX";
    int f1 = mkstemp(p1), f2 = mkstemp(p2);
    assert_true(f1 >= 0 && f2 >= 0);
    close(f1); close(f2);
    assert_int_equal(ncm_riskshare_write_json(rs, p1), NCM_OK);
    ncm_riskshare *back = NULL;
    if (ncm_riskshare_load_json(p1, &back)) fail_msg("%s", ncm_last_error());
    assert_int_equal(ncm_riskshare_write_json(back, p2), NCM_OK);
    FILE *a = fopen(p1, "rb"), *b = fopen(p2, "rb");
    char ba[4096], bb[4096];
    size_t na = fread(ba, 1, sizeof ba, a), nb = fread(bb, 1, sizeof bb, b);
    fclose(a); fclose(b);
    assert_int_equal(na, nb);
    assert_memory_equal(ba, bb, na);
    ba[na] = 0;
    assert_non_null(strstr(ba, "\"to\": 0.05")); /* short reals, not 0.050000000000000003 */
    split(back, M(1000000), M(900000), M(65000), M(35000));
    ncm_riskshare_free(back);
    remove(p1); remove(p2);
    ncm_riskshare_free(rs);

    load_bad("{\"schema\": \"ncm.riskshare/1\",\n \"surplus\": {\"bands\": [\n {\"from\": 0, \"to\": }]}}", NCM_ERR_PARSE, "t.json:3:");
    load_bad("{\"surplus\": {}}", NCM_ERR_VERSION, "schema: missing");
    load_bad("{\"schema\": \"ncm.riskshare/9\"}", NCM_ERR_VERSION, "t.json.schema");
    load_bad("{\"schema\": \"ncm.riskshare/1\", \"surplus\": {\"bands\": [{\"from\": 0, \"to\": 0.1, \"provider_share\": 1},"
             "{\"from\": 0.05, \"to\": 0.2, \"provider_share\": 0.5}]}}", NCM_ERR_INCONSISTENT, "t.json.surplus.bands[1]");
    load_bad("{\"schema\": \"ncm.riskshare/1\", \"deficit\": {\"bands\": [{\"from\": 0, \"provider_share\": 2}]}}",
             NCM_ERR_RANGE, "t.json.deficit.bands[0]: provider share 2");
    load_bad("{\"schema\": \"ncm.riskshare/1\", \"surplus\": {\"bandz\": []}}", NCM_ERR_PARSE, "t.json.surplus.bandz: unknown key");
    load_bad("{\"schema\": \"ncm.riskshare/1\", \"surplus\": {\"bands\": [{\"from\": \"0\", \"provider_share\": 1}]}}",
             NCM_ERR_PARSE, "t.json.surplus.bands[0].from: expected a number");
    load_bad("{\"schema\": \"ncm.riskshare/1\", \"surplus\": {\"cap\": {\"rate\": 0.1, \"money\": \"5.00\"}}}",
             NCM_ERR_PARSE, "exactly one");
    load_bad("{\"schema\": \"ncm.riskshare/1\", \"surplus\": {\"threshold\": {\"rate\": 0.1, \"gate\": \"sometimes\"}}}",
             NCM_ERR_PARSE, "t.json.surplus.threshold.gate");
    load_bad("{\"schema\": \"ncm.riskshare/1\", \"rounding\": \"bankers\"}", NCM_ERR_PARSE, "t.json.rounding");
    ncm_riskshare *x = (ncm_riskshare *)0x1;
    assert_int_equal(ncm_riskshare_load_json("/nonexistent/rs.json", &x), NCM_ERR_IO);
    expect_msg("/nonexistent/rs.json");
}

static void test_alloc_failures(void **state)
{
    (void)state;
    const char *text = "{\"schema\": \"ncm.riskshare/1\", \"surplus\": {\"bands\": [{\"from\": 0, \"provider_share\": 0.5}]}}";
    for (int which = 0; which < 2; which++) {
        int done = 0;
        for (unsigned long k = 1; k < 100 && !done; k++) {
            ncm_riskshare *rs = (ncm_riskshare *)0x1;
            ncm_alloc_fail_at(k);
            ncm_status st = which == 0 ? ncm_riskshare_builtin("aco_reach_global", &rs)
                                       : ncm_riskshare_load_json_buffer(text, strlen(text), "a.json", &rs);
            ncm_alloc_fail_at(0);
            if (st == NCM_OK) {
                done = 1;
                ncm_riskshare_free(rs);
            } else {
                assert_int_equal(st, NCM_ERR_NOMEM);
                assert_ptr_equal(rs, (ncm_riskshare *)0x1);
            }
        }
        assert_true(done);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bedfordshire),
        cmocka_unit_test(test_aco_reach),
        cmocka_unit_test(test_threshold_caps_floors),
        cmocka_unit_test(test_rounding),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_property_and_bulk),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
