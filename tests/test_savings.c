/* MSSP settlement: the size-based MSR (CMS's own example), hand-worked BASIC and ENHANCED ACOs
 * (below the MSR, above the cap, with losses, loss caps, quality scaling, the sliding scale), track
 * tables as data (CSV round trip, validation messages), bulk errors, allocation walks, the CLI, and a
 * replay of CMS's published 2018 and 2022 results from ../shared/data/mssp. */
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
#include "internal/csv.h"

#define D(dollars) ((ncm_money)((dollars) * 100LL))

static void expect_msg(const char *part)
{
    if (!strstr(ncm_last_error(), part)) fail_msg("message \"%s\" lacks \"%s\"", ncm_last_error(), part);
}

static void test_msr(void **state)
{
    (void)state;
    double m = 0;
    /* CMS's example: 7,207 -> 0.034 - 207/999 x 0.002 = 0.0335855856 (3.3586%) */
    assert_int_equal(ncm_mssp_msr(7207, &m), NCM_OK);
    assert_true(fabs(m - (0.034 - 207.0 / 999.0 * 0.002)) < 1e-15);
    assert_true(fabs(m - 0.033586) < 5e-7);
    assert_int_equal(ncm_mssp_msr(5000, &m), NCM_OK);
    assert_true(fabs(m - 0.039) < 1e-15);
    assert_int_equal(ncm_mssp_msr(5999, &m), NCM_OK);
    assert_true(fabs(m - 0.036) < 1e-15);
    assert_int_equal(ncm_mssp_msr(12500, &m), NCM_OK); /* 0.030 - 2500/4999 x 0.003 */
    assert_true(fabs(m - (0.030 - 2500.0 / 4999.0 * 0.003)) < 1e-15);
    assert_int_equal(ncm_mssp_msr(60000, &m), NCM_OK);
    assert_true(m == 0.02);
    assert_int_equal(ncm_mssp_msr(1000000, &m), NCM_OK);
    assert_true(m == 0.02);
    assert_int_equal(ncm_mssp_msr(4999, &m), NCM_ERR_RANGE);
    expect_msg("below 5,000");
}

typedef struct one {
    double s, msr, rate;
    ncm_money gen, earned;
} one;

static one settle1(const ncm_mssp_tracks *t, int year, const char *track, int64_t n, ncm_money b, ncm_money e, int met,
                   double q, int alt, double msr, ncm_money rev)
{
    uint32_t idx;
    const char *names[1] = {track};
    if (ncm_mssp_tracks_lookup(t, year, 1, names, &idx)) fail_msg("%s", ncm_last_error());
    uint8_t m8 = (uint8_t)met, a8 = (uint8_t)alt;
    one o;
    ncm_status st = ncm_mssp_settle(t, 1, &idx, &n, &b, &e, &m8, &q, &a8, &msr, &rev, &o.s, &o.msr, &o.gen, &o.rate, &o.earned);
    if (st) fail_msg("settle: %s", ncm_last_error());
    return o;
}

/* Hand-worked cases (2022 rules unless stated; amounts in dollars).
 * 1. BASIC_B, 20,000 beneficiaries (MSR 2.5%), B 200,000,000, E 190,000,000: s = 5% >= 2.5%;
 *    G = 10,000,000; r = 0.40; 4,000,000 < cap 20,000,000; earned = 4,000,000 x 0.98 = 3,920,000.
 * 2. Below the MSR: same ACO with E 196,000,000: s = 2% < 2.5% -> G = 0, earned 0.
 * 3. ENHANCED above the cap: B 100,000,000, E 70,000,000, fixed MSR 2%: G = 30,000,000; 0.75 x G x 0.98
 *    = 22,050,000 > cap 20% x B = 20,000,000: earned 20,000,000 (built-in tables sequester before the
 *    cap, as CMS paid A1409 in 2018). With a table that caps first: 20,000,000 x 0.98 = 19,600,000.
 * 4. ENHANCED with losses: B 100,000,000, E 105,000,000, MLR 1%, quality 0.90: l = 1 - 0.75 x 0.9
 *    = 0.325 -> clamped to 0.40; owed = 0.40 x 5,000,000 = 2,000,000 (< cap 15,000,000); not sequestered.
 * 5. ENHANCED losses, quality standard missed: l = 1 - 0 -> 0.75: owed 3,750,000.
 * 6. BASIC_E with losses and revenue: B 100,000,000, E 110,000,000, MLR 0: 0.30 x 10,000,000 =
 *    3,000,000; loss cap = min(4% x B = 4,000,000, 8% x revenue 30,000,000 = 2,400,000) = 2,400,000.
 *    Without revenue the benchmark cap alone (4,000,000) does not bind: 3,000,000.
 * 7. BASIC_A (one-sided) with losses beyond the MSR: generated -10,000,000 reported, nothing owed.
 * 8. BASIC_C, quality not met: savings generated 10,000,000 but earned 0.
 * 9. 2018 TRACK_1, quality 0.9084, 77,372 beneficiaries (MSR 2%): B 1,000,000,000, E 900,000,000:
 *    r = 0.5 x 0.9084 = 0.4542; earned = 100,000,000 x 0.4542 x 0.98 = 44,511,600.
 * 10. 2023 sliding scale: BASIC_E, quality standard missed but alternative met, score 0.8:
 *    r = 0.5 x 0.8 = 0.40 on G 10,000,000 -> 4,000,000 x 0.98 = 3,920,000. */
static void test_by_hand(void **state)
{
    (void)state;
    ncm_mssp_tracks *t = NULL;
    assert_int_equal(ncm_mssp_tracks_builtin(0, &t), NCM_OK);
    one o = settle1(t, 2022, "BASIC_B", 20000, D(200000000), D(190000000), 1, 0.85, 0, NAN, -1);
    assert_true(fabs(o.s - 0.05) < 1e-15 && fabs(o.msr - 0.025) < 1e-15 && o.rate == 0.40);
    assert_int_equal(o.gen, D(10000000));
    assert_int_equal(o.earned, D(3920000));
    o = settle1(t, 2022, "BASIC_B", 20000, D(200000000), D(196000000), 1, 0.85, 0, NAN, -1);
    assert_int_equal(o.gen, 0);
    assert_int_equal(o.earned, 0);
    o = settle1(t, 2022, "ENHANCED", 30000, D(100000000), D(70000000), 1, 0.9, 0, 0.02, -1);
    assert_int_equal(o.gen, D(30000000));
    assert_int_equal(o.earned, D(20000000));
    assert_true(o.rate == 0.75);
    {
        ncm_mssp_track_params tp;
        uint32_t i5 = 0;
        const char *en[1] = {"ENHANCED"};
        assert_int_equal(ncm_mssp_tracks_lookup(t, 2022, 1, en, &i5), NCM_OK);
        assert_int_equal(ncm_mssp_tracks_get(t, i5, &tp), NCM_OK);
        tp.sequester_before_cap = 0;
        ncm_mssp_tracks *t2 = NULL;
        assert_int_equal(ncm_mssp_tracks_create(1, &tp, &t2), NCM_OK);
        o = settle1(t2, 2022, "ENHANCED", 30000, D(100000000), D(70000000), 1, 0.9, 0, 0.02, -1);
        assert_int_equal(o.earned, D(19600000));
        /* below the cap the order does not matter: G 10,000,000 -> 7,500,000 x .98 = 7,350,000 */
        o = settle1(t2, 2022, "ENHANCED", 30000, D(100000000), D(90000000), 1, 0.9, 0, 0.02, -1);
        assert_int_equal(o.earned, D(7350000));
        ncm_mssp_tracks_free(t2);
    }
    o = settle1(t, 2022, "ENHANCED", 30000, D(100000000), D(105000000), 1, 0.9, 0, 0.01, -1);
    assert_int_equal(o.gen, -D(5000000));
    assert_true(fabs(o.rate - 0.40) < 1e-15);
    assert_int_equal(o.earned, -D(2000000));
    o = settle1(t, 2022, "ENHANCED", 30000, D(100000000), D(105000000), 0, 0.9, 0, 0.01, -1);
    assert_int_equal(o.earned, -D(3750000));
    o = settle1(t, 2022, "BASIC_E", 30000, D(100000000), D(110000000), 1, 0.9, 0, 0.0, D(30000000));
    assert_int_equal(o.earned, -D(2400000));
    o = settle1(t, 2022, "BASIC_E", 30000, D(100000000), D(110000000), 1, 0.9, 0, 0.0, -1);
    assert_int_equal(o.earned, -D(3000000));
    o = settle1(t, 2022, "BASIC_A", 30000, D(100000000), D(110000000), 1, 0.9, 0, NAN, -1);
    assert_int_equal(o.gen, -D(10000000));
    assert_int_equal(o.earned, 0);
    assert_true(o.rate == 0);
    o = settle1(t, 2022, "BASIC_C", 30000, D(100000000), D(90000000), 0, 0.9, 1, NAN, -1);
    assert_int_equal(o.gen, D(10000000));
    assert_int_equal(o.earned, 0); /* 2022: no sliding scale */
    o = settle1(t, 2018, "TRACK_1", 77372, D(1000000000), D(900000000), 1, 0.9084, 0, NAN, -1);
    assert_true(fabs(o.rate - 0.4542) < 1e-15);
    assert_int_equal(o.earned, D(44511600));
    o = settle1(t, 2023, "BASIC_E", 30000, D(100000000), D(90000000), 0, 0.8, 1, NAN, -1);
    assert_int_equal(o.earned, D(3920000));
    o = settle1(t, 2023, "BASIC_E", 30000, D(100000000), D(90000000), 0, 0.8, 0, NAN, -1);
    assert_int_equal(o.earned, 0);
    /* Rounding once, half-even, in cents: B 20,000,000.00, G = 1,234,567.89 (s = 6.2% >= 2%):
     * 1,234,567.89 x 0.40 x 0.98 = 483,950.61288 -> 483,950.61 (cap 2,000,000 not binding) */
    o = settle1(t, 2022, "BASIC_A", 60000, 2000000000LL, 2000000000LL - 123456789, 1, 0.5, 0, NAN, -1);
    assert_int_equal(o.gen, 123456789);
    assert_int_equal(o.earned, 48395061);
    ncm_mssp_tracks_free(t);
}

static void test_errors(void **state)
{
    (void)state;
    ncm_mssp_tracks *t = NULL;
    assert_int_equal(ncm_mssp_tracks_builtin(2022, &t), NCM_OK);
    assert_int_equal(ncm_mssp_tracks_count(t), 6);
    uint32_t idx[2] = {0, 0};
    const char *bad[2] = {"BASIC_A", "TRACK_1"};
    assert_int_equal(ncm_mssp_tracks_lookup(t, 2022, 2, bad, idx), NCM_ERR_NOT_FOUND);
    expect_msg("track 1: \"TRACK_1\" is not a 2022 track (known: BASIC_A");
    int64_t n[2] = {20000, 4000};
    ncm_money b[2] = {D(1000), D(1000)}, e[2] = {D(900), D(900)};
    uint8_t met[2] = {1, 1};
    double q[2] = {0.9, 0.9}, msr[2] = {NAN, NAN};
    ncm_money earned[2] = {7, 7};
    assert_int_equal(ncm_mssp_settle(t, 2, idx, n, b, e, met, q, NULL, msr, NULL, NULL, NULL, NULL, NULL, earned), NCM_ERR_RANGE);
    expect_msg("beneficiaries[1]: 4000 is below 5,000: give a fixed msr");
    msr[1] = 0.05;
    assert_int_equal(ncm_mssp_settle(t, 2, idx, n, b, e, met, q, NULL, msr, NULL, NULL, NULL, NULL, NULL, earned), NCM_OK);
    msr[0] = 0.01; /* BASIC_A is size-based */
    assert_int_equal(ncm_mssp_settle(t, 2, idx, n, b, e, met, q, NULL, msr, NULL, NULL, NULL, NULL, NULL, earned), NCM_ERR_RANGE);
    expect_msg("msr[0]: track BASIC_A (2022) uses the size-based MSR");
    msr[0] = NAN;
    q[1] = NAN;
    assert_int_equal(ncm_mssp_settle(t, 2, idx, n, b, e, met, q, NULL, msr, NULL, NULL, NULL, NULL, NULL, earned), NCM_ERR_RANGE);
    expect_msg("quality_score[1]");
    q[1] = 0.9;
    b[1] = 0;
    earned[0] = earned[1] = 7;
    assert_int_equal(ncm_mssp_settle(t, 2, idx, n, b, e, met, q, NULL, msr, NULL, NULL, NULL, NULL, NULL, earned), NCM_ERR_RANGE);
    expect_msg("benchmark[1]");
    /* review 2026-11-24: row 0 is valid (it would earn 0.40 x 100.00 x 0.98 = 39.20) but nothing may be
     * written when row 1 fails */
    assert_int_equal(earned[0], 7);
    idx[1] = 99;
    assert_int_equal(ncm_mssp_settle(t, 2, idx, n, b, e, met, q, NULL, msr, NULL, NULL, NULL, NULL, NULL, earned), NCM_ERR_INVALID);
    expect_msg("track[1]: 99");
    ncm_mssp_tracks_free(t);
    assert_int_equal(ncm_mssp_tracks_builtin(2019, &t), NCM_ERR_NOT_FOUND);
    expect_msg("2019");

    ncm_mssp_track_params p[2];
    ncm_mssp_tracks *x = (ncm_mssp_tracks *)0x1;
    assert_int_equal(ncm_mssp_tracks_builtin(2022, &t), NCM_OK);
    assert_int_equal(ncm_mssp_tracks_get(t, 0, &p[0]), NCM_OK);
    assert_int_equal(ncm_mssp_tracks_get(t, 5, &p[1]), NCM_OK);
    assert_string_equal(p[1].name, "ENHANCED");
    assert_true(p[1].loss_rate_min == 0.40 && p[1].loss_rate_max == 0.75 && p[1].savings_cap == 0.20);
    p[1].share_rate = 1.5;
    assert_int_equal(ncm_mssp_tracks_create(2, p, &x), NCM_ERR_RANGE);
    expect_msg("track 1 (\"ENHANCED\"): share_rate: 1.5 is outside [0, 1]");
    p[1].share_rate = 0.75;
    p[1].name = "BASIC_A";
    assert_int_equal(ncm_mssp_tracks_create(2, p, &x), NCM_ERR_DUPLICATE);
    expect_msg("2022 BASIC_A is already track 0");
    p[1].name = "bad name";
    assert_int_equal(ncm_mssp_tracks_create(2, p, &x), NCM_ERR_INVALID);
    p[1].name = "X";
    p[1].loss_cap_benchmark = 0;
    assert_int_equal(ncm_mssp_tracks_create(2, p, &x), NCM_ERR_RANGE);
    expect_msg("two-sided track needs loss_cap_benchmark");
    p[1].loss_cap_benchmark = 0.15;
    p[1].version = 7;
    assert_int_equal(ncm_mssp_tracks_create(2, p, &x), NCM_ERR_VERSION);
    assert_ptr_equal(x, (ncm_mssp_tracks *)0x1);
    ncm_mssp_tracks_free(t);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_table_csv(void **state)
{
    (void)state;
    ncm_mssp_tracks *t = NULL, *back = NULL;
    assert_int_equal(ncm_mssp_tracks_builtin(0, &t), NCM_OK);
    char p1[] = "/tmp/ncm_tr1_XXXXXX", p2[] = "/tmp/ncm_tr2_XXXXXX";
    int f1 = mkstemp(p1), f2 = mkstemp(p2);
    close(f1); close(f2);
    assert_int_equal(ncm_mssp_tracks_write_csv(t, p1), NCM_OK);
    if (ncm_mssp_tracks_load_csv(p1, &back)) fail_msg("%s", ncm_last_error());
    assert_int_equal(ncm_mssp_tracks_count(back), ncm_mssp_tracks_count(t));
    for (size_t i = 0; i < ncm_mssp_tracks_count(t); i++) {
        ncm_mssp_track_params a, b;
        ncm_mssp_tracks_get(t, i, &a);
        ncm_mssp_tracks_get(back, i, &b);
        assert_string_equal(a.name, b.name);
        assert_true(a.year == b.year && a.share_rate == b.share_rate && a.quality_rule == b.quality_rule &&
                    a.loss_rule == b.loss_rule && a.loss_cap_revenue == b.loss_cap_revenue && a.msr_rule == b.msr_rule &&
                    a.sequestration == b.sequestration && a.loss_rate_max == b.loss_rate_max &&
                    a.sequester_before_cap == b.sequester_before_cap);
    }
    ncm_mssp_tracks_free(back);
    const char *hdr = "year,track,share_rate,quality_rule,savings_cap,loss_rule,loss_rate,loss_quality_factor,loss_rate_min,"
                      "loss_rate_max,loss_cap_benchmark,loss_cap_revenue,msr_rule,sequestration,sequester_before_cap\n";
    char buf[1024];
    snprintf(buf, sizeof buf, "%s2024,BASIC_E,0.5,gate,0.1,fixed,0.3,0,0,0,0.04,0.08,size,0.02,1\n2024,X,0.5,best,0.1,none,0,0,0,0,0,0,size,0.02,1\n", hdr);
    write_file(p2, buf);
    ncm_mssp_tracks *x = (ncm_mssp_tracks *)0x1;
    assert_int_equal(ncm_mssp_tracks_load_csv(p2, &x), NCM_ERR_PARSE);
    expect_msg(":3:4 (quality_rule): unknown quality rule");
    snprintf(buf, sizeof buf, "%s2024,BASIC_E,0.5,gate,0.1,fixed,abc,0,0,0,0.04,0.08,size,0.02,1\n", hdr);
    write_file(p2, buf);
    assert_int_equal(ncm_mssp_tracks_load_csv(p2, &x), NCM_ERR_PARSE);
    expect_msg(":2:7 (loss_rate): \"abc\" is not a number");
    snprintf(buf, sizeof buf, "%s2024,BASIC_E,0.5,gate,0.1,fixed,0.3,0,0,0,0.04,0.08,size,1.5,1\n", hdr);
    write_file(p2, buf);
    assert_int_equal(ncm_mssp_tracks_load_csv(p2, &x), NCM_ERR_RANGE);
    expect_msg("sequestration: 1.5");
    write_file(p2, "year,track\n2024,X\n");
    assert_int_equal(ncm_mssp_tracks_load_csv(p2, &x), NCM_ERR_NOT_FOUND);
    expect_msg("missing column share_rate");
    assert_ptr_equal(x, (ncm_mssp_tracks *)0x1);
    /* allocation walk over the loader */
    int done = 0;
    for (unsigned long k = 1; k < 200 && !done; k++) {
        ncm_mssp_tracks *y = (ncm_mssp_tracks *)0x1;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_mssp_tracks_load_csv(p1, &y);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            done = 1;
            ncm_mssp_tracks_free(y);
        } else {
            assert_int_equal(st, NCM_ERR_NOMEM);
            assert_ptr_equal(y, (ncm_mssp_tracks *)0x1);
        }
    }
    assert_true(done);
    remove(p1); remove(p2);
    ncm_mssp_tracks_free(t);
}

/* The CSV settlement repeats the hand-worked cases 1-4 and 6 (acos.csv): earned 3,920,000.00; 0.00;
 * 20,000,000.00 (capped); -2,000,000.00; -2,400,000.00 (revenue cap); quoting is preserved. */
static void test_settle_csv(void **state)
{
    (void)state;
    ncm_mssp_tracks *t = NULL;
    assert_int_equal(ncm_mssp_tracks_builtin(0, &t), NCM_OK);
    char out[] = "/tmp/ncm_mssp_XXXXXX";
    int fd = mkstemp(out);
    close(fd);
    size_t rows = 0;
    if (ncm_mssp_settle_csv(t, 2022, NCM_TEST_DATA "/savings/acos.csv", out, &rows)) fail_msg("%s", ncm_last_error());
    assert_int_equal(rows, 5);
    FILE *f = fopen(out, "rb");
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    assert_non_null(strstr(buf, ",savings_rate,msr_used,generated,sharing_rate,earned\n"));
    assert_non_null(strstr(buf, "B1,BASIC_B,20000,200000000.00,190000000.00,1,85%,,,,0.05000000,0.02500000,10000000.00,0.40000000,3920000.00\n"));
    assert_non_null(strstr(buf, ",0.02000000,0.02500000,0.00,0.40000000,0.00\n"));
    assert_non_null(strstr(buf, "\"E1, capped\",ENHANCED,"));
    assert_non_null(strstr(buf, ",30000000.00,0.75000000,20000000.00\n"));
    assert_non_null(strstr(buf, ",-5000000.00,0.40000000,-2000000.00\n"));
    assert_non_null(strstr(buf, ",-10000000.00,0.30000000,-2400000.00\n"));
    remove(out);
    assert_int_equal(ncm_mssp_settle_csv(t, 2022, NCM_TEST_DATA "/savings/bad_track.csv", out, NULL), NCM_ERR_NOT_FOUND);
    expect_msg("bad_track.csv:2:2 (track): \"BASIC_Z\" is not a 2022 track");
    assert_int_equal(access(out, F_OK), -1); /* nothing written on failure */
    assert_int_equal(ncm_mssp_settle_csv(t, 2022, NCM_TEST_DATA "/savings/small.csv", out, NULL), NCM_ERR_RANGE);
    expect_msg("small.csv:3: beneficiaries: 3000 is below 5,000");
    assert_int_equal(ncm_mssp_settle_csv(t, 2022, NCM_TEST_DATA "/savings/bad_money.csv", out, NULL), NCM_ERR_PARSE);
    expect_msg("bad_money.csv:2:4 (benchmark)");
    /* allocation walk */
    int done = 0;
    for (unsigned long k = 1; k < 300 && !done; k++) {
        size_t r2 = 77;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_mssp_settle_csv(t, 2022, NCM_TEST_DATA "/savings/acos.csv", out, &r2);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) done = 1;
        else {
            assert_int_equal(st, NCM_ERR_NOMEM);
            assert_int_equal(r2, 77);
        }
    }
    assert_true(done);
    remove(out);
    done = 0;
    for (unsigned long k = 1; k < 300 && !done; k++) {
        ncm_mssp_tracks *y = (ncm_mssp_tracks *)0x1;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_mssp_tracks_builtin(0, &y);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) { done = 1; ncm_mssp_tracks_free(y); }
        else { assert_int_equal(st, NCM_ERR_NOMEM); assert_ptr_equal(y, (ncm_mssp_tracks *)0x1); }
    }
    assert_true(done);
    ncm_mssp_tracks_free(t);

    if (access(NCM_CLI, X_OK) != 0) {
        printf("skipping the CLI part: %s is not built\n", NCM_CLI);
        return;
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "\"%s\" mssp --in %s/savings/acos.csv --out %s 2>&1", NCM_CLI, NCM_TEST_DATA, out);
    FILE *p = popen(cmd, "r");
    n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = 0;
    assert_int_equal(pclose(p), 0);
    assert_non_null(strstr(buf, "settled 5 ACOs"));
    f = fopen(out, "rb");
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    assert_non_null(strstr(buf, ",3920000.00\n"));
    remove(out);
    snprintf(cmd, sizeof cmd, "\"%s\" mssp --in %s/savings/bad_track.csv --out %s 2>&1", NCM_CLI, NCM_TEST_DATA, out);
    p = popen(cmd, "r");
    n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = 0;
    assert_int_equal(WEXITSTATUS(pclose(p)), 1);
    assert_non_null(strstr(buf, "ncm mssp: "));
    assert_non_null(strstr(buf, "is not a 2022 track"));
    snprintf(cmd, sizeof cmd, "\"%s\" mssp --in x.csv 2>&1", NCM_CLI);
    p = popen(cmd, "r");
    n = fread(buf, 1, sizeof buf - 1, p);
    assert_int_equal(WEXITSTATUS(pclose(p)), 2);
}

/* ------------------------------------------------------------------ CMS public use files */

/* Read a whole file; latin1 = 1 converts bytes >= 0x80 to UTF-8 (the 2018 file is latin-1). */
static char *slurp(const char *path, int latin1, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *raw = malloc((size_t)sz + 1);
    size_t got = fread(raw, 1, (size_t)sz, f);
    fclose(f);
    char *out = malloc(2 * got + 1);
    size_t o = 0;
    for (size_t i = 0; i < got; i++) {
        if (latin1 && raw[i] >= 0x80) {
            out[o++] = (char)(0xC0 | (raw[i] >> 6));
            out[o++] = (char)(0x80 | (raw[i] & 0x3F));
        } else {
            out[o++] = (char)raw[i];
        }
    }
    free(raw);
    *len = o;
    return out;
}

/* "2.40%" -> 0.024; "0.030861" -> 0.030861; "" -> NaN */
static double num_or_pct(const char *s)
{
    if (!*s) return NAN;
    char *end;
    double v = strtod(s, &end);
    if (*end == '%') v /= 100.0;
    return v;
}

typedef struct puf {
    size_t n;
    char **id;
    const char **track;
    int64_t *nab;
    ncm_money *b, *e;
    uint8_t *met;
    double *q, *msr, *puf_msr;
    double *earn, *gen, *disadj; /* dollars */
    uint8_t *term;               /* 2022: Impact_Mid_Year_Termination */
} puf;

static void puf_free(puf *p)
{
    for (size_t i = 0; i < p->n; i++) free(p->id[i]);
    free(p->id); free(p->track); free(p->nab); free(p->b); free(p->e); free(p->met); free(p->q); free(p->msr);
    free(p->puf_msr); free(p->earn); free(p->gen); free(p->disadj); free(p->term);
}

static long col(const ncmi_csv *c, const char *name)
{
    long k = ncmi_csv_column(c, name);
    if (k < 0) fail_msg("PUF column %s missing", name);
    return k;
}

static int is_choice(double m)
{
    const double fixed[5] = {0, 0.005, 0.01, 0.015, 0.02};
    for (int i = 0; i < 5; i++)
        if (fabs(m - fixed[i]) < 1e-9) return 1;
    return 0;
}

/* Map the PUF's columns to ncm_mssp_settle()'s inputs. */
static void puf_load(const char *path, int year, puf *p)
{
    size_t len = 0;
    char *text = slurp(path, year == 2018, &len);
    assert_non_null(text);
    ncmi_csv c;
    if (ncmi_csv_open_buffer(&c, path, text, len)) fail_msg("%s", ncm_last_error());
    free(text);
    assert_int_equal(ncmi_csv_read_header(&c), NCM_OK);
    long cid = col(&c, "ACO_ID"), cn = col(&c, "N_AB"), cb = col(&c, "ABtotBnchmk"), ce = col(&c, "ABtotExp"),
         cq = col(&c, "QualScore"), cm = col(&c, "Met_QPS"), cmsr = col(&c, "MinSavPerc"), cearn = col(&c, "EarnSaveLoss"),
         cgen = col(&c, "GenSaveLoss"), cdis = col(&c, "DisAdj");
    long t1 = -1, t2 = -1, t3 = -1, t1p = -1, ct = -1, cterm = -1;
    if (year == 2018) {
        t1 = col(&c, "Current_Track_1"); t2 = col(&c, "Current_Track_2"); t3 = col(&c, "Current_Track_3");
        t1p = col(&c, "Current_Track_1_Plus");
    } else {
        ct = col(&c, "Current_Track");
        cterm = col(&c, "Impact_Mid_Year_Termination");
    }
    size_t cap = 1024;
    memset(p, 0, sizeof *p);
    p->id = calloc(cap, sizeof *p->id); p->track = calloc(cap, sizeof *p->track); p->nab = calloc(cap, sizeof *p->nab);
    p->b = calloc(cap, sizeof *p->b); p->e = calloc(cap, sizeof *p->e); p->met = calloc(cap, 1); p->q = calloc(cap, sizeof(double));
    p->msr = calloc(cap, sizeof(double)); p->puf_msr = calloc(cap, sizeof(double)); p->earn = calloc(cap, sizeof(double));
    p->gen = calloc(cap, sizeof(double)); p->disadj = calloc(cap, sizeof(double)); p->term = calloc(cap, 1);
    for (;;) {
        int eof = 0;
        if (ncmi_csv_next(&c, &eof)) fail_msg("%s", ncm_last_error());
        if (eof) break;
        assert_true(p->n < cap);
        size_t i = p->n++;
        p->id[i] = strdup(c.fields[cid].s);
        if (year == 2018) {
            p->track[i] = atoi(c.fields[t1].s) ? "TRACK_1" : atoi(c.fields[t2].s) ? "TRACK_2" : atoi(c.fields[t3].s) ? "TRACK_3"
                        : atoi(c.fields[t1p].s) ? "TRACK_1_PLUS" : "?";
        } else {
            const char *s = c.fields[ct].s;
            p->track[i] = strcmp(s, "A") == 0 ? "BASIC_A" : strcmp(s, "B") == 0 ? "BASIC_B" : strcmp(s, "C") == 0 ? "BASIC_C"
                        : strcmp(s, "D") == 0 ? "BASIC_D" : strcmp(s, "E") == 0 ? "BASIC_E" : strcmp(s, "EN") == 0 ? "ENHANCED" : "?";
        }
        p->nab[i] = atoll(c.fields[cn].s);
        p->b[i] = (ncm_money)atoll(c.fields[cb].s) * 100;
        p->e[i] = (ncm_money)atoll(c.fields[ce].s) * 100;
        p->met[i] = (uint8_t)atoi(c.fields[cm].s);
        p->q[i] = num_or_pct(c.fields[cq].s);
        if (isnan(p->q[i])) p->q[i] = 0; /* no quality score reported (none in these files) */
        p->puf_msr[i] = num_or_pct(c.fields[cmsr].s);
        /* The PUF does not say whether a two-sided ACO chose a fixed MSR or the size-based one: a value
         * of 0, 0.5, 1, 1.5 or 2% is taken as a choice (2% is also the size-based MSR from 60,000, the
         * same number either way); ACOs under 5,000 beneficiaries get their published MSR. */
        int size_track = strcmp(p->track[i], "TRACK_1") == 0 || strcmp(p->track[i], "BASIC_A") == 0 ||
                         strcmp(p->track[i], "BASIC_B") == 0;
        p->msr[i] = NAN;
        if (p->nab[i] < 5000 || (!size_track && is_choice(p->puf_msr[i]))) p->msr[i] = p->puf_msr[i];
        p->earn[i] = num_or_pct(c.fields[cearn].s);
        p->gen[i] = num_or_pct(c.fields[cgen].s);
        p->disadj[i] = num_or_pct(c.fields[cdis].s);
        if (isnan(p->disadj[i])) p->disadj[i] = 0;
        p->term[i] = cterm >= 0 ? (uint8_t)atoi(c.fields[cterm].s) : 0;
    }
    ncmi_csv_close(&c);
}

/* Replays one year; returns the number reproduced within $1 per $1m of benchmark and counts the ACOs
 * not reproduced by class. Every ACO not reproduced must fall in one of these classes, each checked:
 *
 * - qround (2018): the quality score is published rounded to 4 decimals (0.9084), and Track 1, 2, 3 and
 *   1+ scale the sharing rate by it, so our earned savings can be off by up to
 *   G x share_rate x 0.00005 x 0.98 (plus a dollar of CMS's rounding): $2,757 for A1001 (G = $112.5m),
 *   more than $1 per $1m of its benchmark whenever the savings rate is above about 4%. The test
 *   checks that each such difference is within that bound.
 * - revcap (2022): BASIC C-E losses are capped at the smaller of a share of benchmark and a share of
 *   ACO participant revenue; the files give no revenue, so a revenue cap that binds cannot be
 *   reproduced (A1070, BASIC D: 30% x $28.6m = $8.58m against CMS's $2.32m = 4% of its revenue). The
 *   test checks that our loss exceeds CMS's pre-adjustment loss (EarnSaveLoss + DisAdj) only there.
 * - term (2022): an ACO that ended its agreement mid-year (Impact_Mid_Year_Termination = 1) forfeits
 *   its shared savings (A1080: $2.18m generated, $0 paid); the settlement has no termination input.
 *
 * Also mapped rather than missed: DisAdj is CMS's extreme-and-uncontrollable-circumstances reduction
 * of shared losses (all 15 loss ACOs of 2022 owe nothing after it; 11 ACOs in 2018 have small ones);
 * EarnSaveLoss is after it, so we compare our earned - DisAdj. ACOs under 5,000 beneficiaries are
 * given their published MSR, as the size-based table starts at 5,000. */
typedef struct classes {
    size_t qround, revcap, term, other;
} classes;

static size_t replay(int year, const char *file, size_t *total, classes *cl)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/mssp/%s", NCM_SHARED_DATA, file);
    puf p;
    puf_load(path, year, &p);
    ncm_mssp_tracks *t = NULL;
    assert_int_equal(ncm_mssp_tracks_builtin(year, &t), NCM_OK);
    uint32_t *idx = calloc(p.n, sizeof *idx);
    if (ncm_mssp_tracks_lookup(t, year, p.n, p.track, idx)) fail_msg("%s", ncm_last_error());
    double *s = calloc(p.n, sizeof *s), *m = calloc(p.n, sizeof *m), *r = calloc(p.n, sizeof *r);
    ncm_money *g = calloc(p.n, sizeof *g), *e = calloc(p.n, sizeof *e);
    if (ncm_mssp_settle(t, p.n, idx, p.nab, p.b, p.e, p.met, p.q, NULL, p.msr, NULL, s, m, g, r, e))
        fail_msg("%s", ncm_last_error());
    size_t ok = 0;
    memset(cl, 0, sizeof *cl);
    for (size_t i = 0; i < p.n; i++) {
        double ours = (double)e[i] / 100.0 - p.disadj[i];
        double tol = (double)p.b[i] / 100.0 / 1e6;
        double diff = ours - p.earn[i];
        if (fabs(diff) <= tol) {
            ok++;
            continue;
        }
        ncm_mssp_track_params tp;
        ncm_mssp_tracks_get(t, idx[i], &tp);
        const char *why = "UNEXPLAINED";
        if (tp.quality_rule == NCM_MSSP_QUALITY_SCALED && g[i] > 0 &&
            fabs(diff) <= (double)g[i] / 100.0 * tp.share_rate * 0.00005 * 0.98 + 1.0) {
            cl->qround++;
            why = "quality score rounded to 4 decimals";
        } else if (g[i] < 0 && tp.loss_cap_revenue > 0 && -(double)e[i] / 100.0 > -(p.earn[i] + p.disadj[i])) {
            cl->revcap++;
            why = "revenue-based loss cap (revenue not published)";
        } else if (p.term[i] && p.earn[i] == 0) {
            cl->term++;
            why = "mid-year termination forfeits savings";
        } else {
            cl->other++;
        }
        printf("  %d %s %-12s N=%lld s=%.5f msr=%.5f (PUF %.5f) gen=%.0f (PUF %.0f) rate=%.4f earned=%.0f (PUF %.0f, DisAdj %.0f) diff=%.0f tol=%.0f: %s\n",
               year, p.id[i], p.track[i], (long long)p.nab[i], s[i], m[i], p.puf_msr[i], (double)g[i] / 100, p.gen[i], r[i],
               (double)e[i] / 100, p.earn[i], p.disadj[i], diff, tol, why);
    }
    *total = p.n;
    free(idx); free(s); free(m); free(r); free(g); free(e);
    puf_free(&p);
    ncm_mssp_tracks_free(t);
    return ok;
}

static void test_cms_puf(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/mssp/py2018_aco_puf.csv", NCM_SHARED_DATA);
    if (access(path, R_OK) != 0) {
        printf("skipping: CMS MSSP public use files not found in %s/mssp (set NCM_SHARED_DATA)\n", NCM_SHARED_DATA);
        skip();
    }
    size_t n18 = 0, n22 = 0;
    classes c18, c22;
    size_t ok18 = replay(2018, "py2018_aco_puf.csv", &n18, &c18);
    size_t ok22 = replay(2022, "py2022_aco_puf.csv", &n22, &c22);
    printf("MSSP replay: 2018 %zu of %zu ACOs, 2022 %zu of %zu ACOs within $1 per $1m of benchmark\n", ok18, n18, ok22, n22);
    printf("  not reproduced: 2018 %zu quality rounding, %zu other; 2022 %zu revenue loss cap, %zu termination, %zu other\n",
           c18.qround, c18.other, c22.revcap, c22.term, c22.other);
    assert_int_equal(n18, 548);
    assert_int_equal(n22, 482);
    /* Documented minimums (measured: 504 and 480); every other ACO must be explained. */
    assert_true(ok18 >= 504);
    assert_true(ok22 >= 480);
    assert_int_equal(c18.other + c18.revcap + c18.term, 0);
    assert_int_equal(c22.other + c22.qround, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_msr), cmocka_unit_test(test_by_hand), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_table_csv), cmocka_unit_test(test_settle_csv), cmocka_unit_test(test_cms_puf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
