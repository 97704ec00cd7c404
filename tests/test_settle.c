/* Settlement: the replay cases (Bedfordshire MSK over five years, UnitingCare bid vs cap, a four-member
 * alliance), every component type, true-ups and claw-backs, CSV readers and their errors, writers,
 * the bulk settler, the CLI, and allocation-failure walks. All expected figures are worked by hand
 * in the comments (pounds; the code works in pence). */
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

/* internal, hidden: the allocation-free split used by the settlement hot path (lib/settle.c) */

#define EXAMPLES NCM_TEST_DATA "/../../examples/contracts/"
#define P(x) ((ncm_money)((x) * 100.0 + ((x) >= 0 ? 0.5 : -0.5))) /* pounds -> pence for readable constants */

static ncm_contract *load(const char *path)
{
    ncm_contract *c = NULL;
    if (ncm_contract_load_file(path, &c) != NCM_OK) fail_msg("%s: %s", path, ncm_last_error());
    return c;
}

static ncm_contract *load_text(const char *text)
{
    ncm_contract *c = NULL;
    if (ncm_contract_load_string(text, "t.json", &c) != NCM_OK) fail_msg("%s", ncm_last_error());
    return c;
}

static char *tmpfile_with(const char *content)
{
    char *name = malloc(64);
    assert_non_null(name);
    strcpy(name, "/tmp/ncm_settle_XXXXXX");
    int fd = mkstemp(name);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    fputs(content, f);
    fclose(f);
    return name;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = 0;
    fclose(f);
    return s;
}

static size_t party(const ncm_contract *c, const char *name)
{
    size_t i;
    if (ncm_contract_find_party(c, name, &i)) fail_msg("%s", ncm_last_error());
    return i;
}

static size_t comp(const ncm_contract *c, const char *name)
{
    size_t i;
    if (ncm_contract_find_component(c, name, &i)) fail_msg("%s", ncm_last_error());
    return i;
}

/* net (received - paid out) of a party for a year (0 = all) */
static ncm_money net(const ncm_ledger *l, unsigned year, size_t p)
{
    ncm_money in, out;
    assert_int_equal(ncm_ledger_party_totals(l, year, p, &in, &out, NULL, NULL), NCM_OK);
    return in - out;
}

/* Every line is paid by one party to another, so the nets of all parties sum to zero exactly. */
static void check_balanced(const ncm_ledger *l, unsigned year)
{
    ncm_money s = 0;
    for (size_t p = 0; p < ncm_ledger_party_count(l); p++) s += net(l, year, p);
    assert_int_equal(s, 0);
}

/* ------------------------------------------------------------------ Bedfordshire */

/* Worked by hand (all pounds). Value: 26,500,000.00 rising 1.3% a year, rounded to the penny each year:
 *   V = 26,500,000.00 | 26,844,500.00 | 27,193,478.50 | 27,546,993.72 | 27,905,104.64
 * Up-front 95%:  U = 25,175,000.00 | 25,502,275.00 | 25,833,804.575 -> .58 (tie, half-even to 8)
 *                    | 26,169,644.034 -> .03 | 26,509,849.408 -> .41
 * Fee 2.5%:      F = 662,500.00 | 671,112.50 | 679,836.9625 -> .96 | 688,674.843 -> .84 | 697,627.616 -> .62
 * Cost path chosen: 23.0m | 25.0m | 26.5m | 24.0m | 22.5m.
 * Surplus s = U - cost; the 5% band is 5% of U, kept whole; the rest split 50/50.
 *  y1: s = 2,175,000.00; band 1,258,750.00; above 916,250.00 -> commissioner 458,125.00;
 *      Circle keeps 1,258,750 + 458,125 = 1,716,875.00 (the DOMAIN.md case).
 *  y2: s = 502,275.00 < band 1,275,113.75 -> all kept, nothing returned.
 *  y3: s = 25,833,804.58 - 26,500,000 = -666,195.42: deficit borne 100% by Circle, nothing moves.
 *  y4: s = 2,169,644.03; band 5% x 26,169,644.03 = 1,308,482.2015 -> 1,308,482.20; above 861,161.83;
 *      Circle's half 430,580.915 -> 430,580.92 (half-even: 43058091.5p -> 43058092p),
 *      commissioner 861,161.83 - 430,580.92 = 430,580.91; Circle keeps 1,739,063.12.
 *  y5: s = 26,509,849.41 - 22,500,000 = 4,009,849.41; band 1,325,492.4705 -> 1,325,492.47;
 *      above 2,684,356.94; halves 1,342,178.47 each; Circle keeps 2,667,670.94.
 * Five years: returned 458,125.00 + 430,580.91 + 1,342,178.47 = 2,230,884.38;
 * Circle receives U + F = 129,190,573.02 + 3,399,751.92 = 132,590,324.94; net 130,359,440.56;
 * cost 121,000,000.00; result 9,359,440.56. */
static void test_bedfordshire(void **state)
{
    (void)state;
    ncm_contract *c = load(EXAMPLES "bedfordshire_msk.json");
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    const double cost[5] = {23000000, 25000000, 26500000, 24000000, 22500000};
    for (unsigned y = 1; y <= 5; y++) assert_int_equal(ncm_actuals_set_cost(a, y, NULL, P(cost[y - 1])), NCM_OK);
    ncm_ledger *l = NULL;
    if (ncm_settle(c, a, NULL, &l)) fail_msg("%s", ncm_last_error());
    size_t rs = comp(c, "risk/gain share"), circle = party(c, "Circle"), ccg = party(c, "Bedfordshire CCG");
    const double upfront[5] = {25175000.00, 25502275.00, 25833804.58, 26169644.03, 26509849.41};
    const double fee[5] = {662500.00, 671112.50, 679836.96, 688674.84, 697627.62};
    const double kept[5] = {1716875.00, 502275.00, -666195.42, 1739063.12, 2667670.94};
    const double returned[5] = {458125.00, 0, 0, 430580.91, 1342178.47};
    for (unsigned y = 1; y <= 5; y++) {
        ncm_money base, var, prov, comm;
        assert_int_equal(ncm_ledger_risk(l, y, rs, &base, &var, &prov, &comm), NCM_OK);
        assert_int_equal(base, P(upfront[y - 1]));
        assert_int_equal(var, P(upfront[y - 1]) - P(cost[y - 1]));
        assert_int_equal(prov, P(kept[y - 1]));
        assert_int_equal(comm, P(returned[y - 1]));
        ncm_money in, out, cst;
        assert_int_equal(ncm_ledger_party_totals(l, y, circle, &in, &out, &cst, NULL), NCM_OK);
        assert_int_equal(in, P(upfront[y - 1]) + P(fee[y - 1]));
        assert_int_equal(out, P(returned[y - 1]));
        assert_int_equal(cst, P(cost[y - 1])); /* the total cost is attributed to the single holder */
        check_balanced(l, y);
    }
    ncm_money in, out, cst, bal;
    assert_int_equal(ncm_ledger_party_totals(l, 0, circle, &in, &out, &cst, &bal), NCM_OK);
    assert_int_equal(in, P(132590324.94));
    assert_int_equal(out, P(2230884.38));
    assert_int_equal(in - out - cst, P(9359440.56));
    assert_int_equal(bal, in - out); /* nothing paid yet: the whole net is still to come */
    assert_int_equal(net(l, 0, ccg), -P(130359440.56));
    /* the year-1 lines, in order: up-front, fee, band [0,5%) (0.00 to the commissioner), band [5%,inf) */
    size_t n = ncm_ledger_count(l);
    assert_int_equal(n, 18); /* y1 4 lines, y2 3 (only the [0,5%) band is touched), y3 3 (one deficit band), y4 4, y5 4 */
    unsigned yr[32];
    int kind[32];
    size_t cp[32], payer[32], payee[32];
    ncm_money b[32], amt[32];
    double rate[32];
    assert_int_equal(ncm_ledger_keys(l, yr, kind, cp, payer, payee, 32), NCM_OK);
    assert_int_equal(ncm_ledger_amounts(l, b, rate, amt, NULL, NULL, 32), NCM_OK);
    assert_int_equal(kind[0], NCM_LINE_UPFRONT);
    assert_int_equal(b[0], P(26500000));
    assert_true(rate[0] == 0.95);
    assert_int_equal(amt[0], P(25175000));
    assert_int_equal(payer[0], ccg);
    assert_int_equal(payee[0], circle);
    assert_int_equal(kind[3], NCM_LINE_RISK_SHARE);
    assert_int_equal(b[3], P(916250));
    assert_true(rate[3] == 0.5);
    assert_int_equal(amt[3], P(458125));
    assert_int_equal(payer[3], circle);
    assert_int_equal(payee[3], ccg);
    assert_string_equal(ncm_ledger_what(l, 3), "surplus band [5%, inf): commissioner 50%");
    assert_int_equal(ncm_ledger_keys(l, yr, NULL, NULL, NULL, NULL, 3), NCM_ERR_BUFFER);
    size_t ny = 0;
    unsigned ys[5];
    assert_int_equal(ncm_ledger_years(l, ys, 5, &ny), NCM_OK);
    assert_int_equal(ny, 5);
    assert_int_equal(ys[0], 1);
    assert_int_equal(ys[4], 5);
    assert_int_equal(ncm_ledger_years(l, ys, 4, &ny), NCM_ERR_BUFFER);
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

/* True-ups and claw-backs against what was already paid in year 1 (cost 23.0m):
 *  up-front 25,175,000.00 paid in full -> balance 0;
 *  fee paid 700,000.00 against 662,500.00 due -> claw-back 37,500.00 (balance -37,500.00);
 *  Circle returned 400,000.00 of the 458,125.00 due -> 58,125.00 still owed (the [0,5%) line takes 0);
 *  Circle also paid the CCG 10.00 against the fee, which nothing supports -> an unmatched line, -10.00.
 *  Circle's balance = (0 - 37,500) - (58,125 - 10) = -95,615.00: it owes 95,615.00 net. */
static void test_true_up(void **state)
{
    (void)state;
    ncm_contract *c = load(EXAMPLES "bedfordshire_msk.json");
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    char *act = tmpfile_with("year,kind,name,value\n1,cost,,23000000.00\n");
    char *paid = tmpfile_with("year,component,payer,payee,amount\n"
                              "1,up-front payment,Bedfordshire CCG,Circle,25175000.00\n"
                              "1,management fee,Bedfordshire CCG,Circle,700000.00\n"
                              "1,risk/gain share,Circle,Bedfordshire CCG,400000.00\n"
                              "1,management fee,Circle,Bedfordshire CCG,10.00\n");
    assert_int_equal(ncm_actuals_read_csv(a, act), NCM_OK);
    assert_int_equal(ncm_actuals_read_paid_csv(a, paid), NCM_OK);
    ncm_ledger *l = NULL;
    if (ncm_settle(c, a, NULL, &l)) fail_msg("%s", ncm_last_error());
    assert_int_equal(ncm_ledger_count(l), 5);
    ncm_money amt[5], pd[5], bal[5];
    int kind[5];
    assert_int_equal(ncm_ledger_keys(l, NULL, kind, NULL, NULL, NULL, 5), NCM_OK);
    assert_int_equal(ncm_ledger_amounts(l, NULL, NULL, amt, pd, bal, 5), NCM_OK);
    assert_int_equal(bal[0], 0);
    assert_int_equal(pd[1], P(700000));
    assert_int_equal(bal[1], -P(37500));
    assert_int_equal(pd[2], 0);
    assert_int_equal(pd[3], P(400000));
    assert_int_equal(bal[3], P(58125));
    assert_int_equal(kind[4], NCM_LINE_UNMATCHED);
    assert_int_equal(amt[4], 0);
    assert_int_equal(bal[4], -P(10));
    ncm_money b;
    assert_int_equal(ncm_ledger_party_totals(l, 1, party(c, "Circle"), NULL, NULL, NULL, &b), NCM_OK);
    assert_int_equal(b, -P(95615));
    assert_int_equal(ncm_ledger_party_totals(l, 1, party(c, "Bedfordshire CCG"), NULL, NULL, NULL, &b), NCM_OK);
    assert_int_equal(b, P(95615));
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
    remove(act);
    remove(paid);
    free(act);
    free(paid);
}

/* ------------------------------------------------------------------ UnitingCare */

/* Bid 726m = 140 | 143 | 145 | 148 | 150 (m); cap 752m = 145 | 148 | 151 | 153 | 155.
 * Outcome pot 15% of value from year 3, carved out of the capitation, score 0.8; transformation 5m in
 * years 1 and 2; VAT 20% on 5% of capitation and outcome payments, borne by the provider (1% of them).
 * Cost path: the cap's values plus the 5m transformation spend in years 1-2 = 150 | 153 | 151 | 153 | 155.
 * At the bid, provider net = capitation + earned + transformation - VAT:
 *  y1 140 + 5 - 1.4 = 143.6            gap -6.4
 *  y2 143 + 5 - 1.43 = 146.57          gap -6.43
 *  y3 pot 21.75, cap 123.25, earned 17.4, VAT 1.2325 + 0.174 = 1.4065 -> 139.2435   gap -11.7565
 *  y4 pot 22.2, cap 125.8, earned 17.76, VAT 1.258 + 0.1776 -> 142.1244              gap -10.8756
 *  y5 pot 22.5, cap 127.5, earned 18.0, VAT 1.275 + 0.18 -> 144.045                   gap -10.955
 *  total 715.5829 vs cost 762 -> -46.4171m.
 * At the cap: y1 148.55 (-1.45); y2 151.52 (-1.48); y3 pot 22.65 -> 128.35 + 18.12 - 1.4647 = 145.0053
 *  (-5.9947); y4 130.05 + 18.36 - 1.4841 = 146.9259 (-6.0741); y5 131.75 + 18.6 - 1.5035 = 148.8465 (-6.1535). */
static void uc_run(const char *file, const double *want_net)
{
    ncm_contract *c = load(file);
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    const double cost[5] = {150e6, 153e6, 151e6, 153e6, 155e6};
    for (unsigned y = 1; y <= 5; y++) {
        assert_int_equal(ncm_actuals_set_cost(a, y, "UnitingCare Partnership", P(cost[y - 1])), NCM_OK);
        if (y >= 3) assert_int_equal(ncm_actuals_set_score(a, y, NULL, 0.8), NCM_OK);
    }
    ncm_ledger *l = NULL;
    if (ncm_settle(c, a, NULL, &l)) fail_msg("%s", ncm_last_error());
    size_t uc = party(c, "UnitingCare Partnership");
    double total = 0;
    for (unsigned y = 1; y <= 5; y++) {
        ncm_money in, out, cst;
        assert_int_equal(ncm_ledger_party_totals(l, y, uc, &in, &out, &cst, NULL), NCM_OK);
        assert_int_equal(in - out, P(want_net[y - 1]));
        assert_int_equal(cst, P(cost[y - 1]));
        check_balanced(l, y);
        total += want_net[y - 1];
    }
    assert_int_equal(net(l, 0, uc), P(total));
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

static void test_unitingcare(void **state)
{
    (void)state;
    const double bid[5] = {143.6e6, 146.57e6, 139.2435e6, 142.1244e6, 144.045e6};
    const double cap[5] = {148.55e6, 151.52e6, 145.0053e6, 146.9259e6, 148.8465e6};
    uc_run(EXAMPLES "unitingcare_bid.json", bid);
    uc_run(EXAMPLES "unitingcare_cap.json", cap);
    /* missing score in a pot year is an error naming the year and component */
    ncm_contract *c = load(EXAMPLES "unitingcare_bid.json");
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    assert_int_equal(ncm_actuals_set_cost(a, 3, NULL, P(1)), NCM_OK);
    ncm_ledger *l = (ncm_ledger *)(uintptr_t)1;
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_ERR_NOT_FOUND);
    assert_non_null(strstr(ncm_last_error(), "year 3: component \"outcome payments\": no outcome score"));
    assert_ptr_equal(l, (ncm_ledger *)(uintptr_t)1);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

/* ------------------------------------------------------------------ alliance */

static const char *alliance_costs = "year,kind,name,value\n"
                                    "1,cost,Acute Trust,38000000.00\n1,cost,Community Trust,29000000.00\n"
                                    "1,cost,Mental Health Trust,21000000.00\n1,cost,GP Federation,8500000.00\n"
                                    "2,cost,Acute Trust,42000000.00\n2,cost,Community Trust,31000000.00\n"
                                    "2,cost,Mental Health Trust,19000000.00\n2,cost,GP Federation,11000000.00\n";

static ncm_ledger *alliance_settle(ncm_contract *c)
{
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    char *f = tmpfile_with(alliance_costs);
    if (ncm_actuals_read_csv(a, f)) fail_msg("%s", ncm_last_error());
    ncm_ledger *l = NULL;
    if (ncm_settle(c, a, NULL, &l)) fail_msg("%s", ncm_last_error());
    ncm_actuals_free(a);
    remove(f);
    free(f);
    return l;
}

/* Budgets 40/30/20/10m (value shares 0.4/0.3/0.2/0.1 of 100m). 50/50 with the commissioner both ways.
 * Year 1 costs 38, 29, 21, 8.5 -> own variances +2, +1, -1, +1.5; system gain 3.5m; members' half
 *   1.75m split by value: 0.7, 0.525, 0.35, 0.175. Settlement moves (pool + share):
 *   Acute -2 + 0.7 = -1.3; Community -1 + 0.525 = -0.475; MH +1 + 0.35 = +1.35; GP -1.5 + 0.175 = -1.325;
 *   the commissioner nets +1.75m. Each member ends with cost + its split.
 * Year 2 costs 42, 31, 19, 11 -> -2, -1, +1, -1; system loss 3m; members bear 1.5m: 0.6, 0.45, 0.3, 0.15.
 *   Acute +2 - 0.6 = +1.4; Community +1 - 0.45 = +0.55; MH -1 - 0.3 = -1.3; GP +1 - 0.15 = +0.85;
 *   the commissioner nets -1.5m. */
static void test_alliance_by_value(void **state)
{
    (void)state;
    ncm_contract *c = load(EXAMPLES "alliance_four.json");
    ncm_ledger *l = alliance_settle(c);
    const char *m[4] = {"Acute Trust", "Community Trust", "Mental Health Trust", "GP Federation"};
    const double budget[4] = {40e6, 30e6, 20e6, 10e6};
    const double move1[4] = {-1.3e6, -0.475e6, 1.35e6, -1.325e6};
    const double move2[4] = {1.4e6, 0.55e6, -1.3e6, 0.85e6};
    const double split1[4] = {0.7e6, 0.525e6, 0.35e6, 0.175e6};
    const double split2[4] = {-0.6e6, -0.45e6, -0.3e6, -0.15e6};
    for (int i = 0; i < 4; i++) {
        size_t p = party(c, m[i]);
        ncm_money cst;
        assert_int_equal(net(l, 1, p), P(budget[i] + move1[i]));
        assert_int_equal(net(l, 2, p), P(budget[i] + move2[i]));
        assert_int_equal(ncm_ledger_party_totals(l, 1, p, NULL, NULL, &cst, NULL), NCM_OK);
        assert_int_equal(net(l, 1, p) - cst, P(split1[i]));
        assert_int_equal(ncm_ledger_party_totals(l, 2, p, NULL, NULL, &cst, NULL), NCM_OK);
        assert_int_equal(net(l, 2, p) - cst, P(split2[i]));
    }
    size_t comm = party(c, "Commissioner"), rs = comp(c, "alliance risk/gain share");
    assert_int_equal(net(l, 1, comm), -P(100e6) + P(1.75e6));
    assert_int_equal(net(l, 2, comm), -P(100e6) - P(1.5e6));
    ncm_money var, prov, cm;
    assert_int_equal(ncm_ledger_risk(l, 2, rs, NULL, &var, &prov, &cm), NCM_OK);
    assert_int_equal(var, -P(3e6));
    assert_int_equal(prov, -P(1.5e6));
    assert_int_equal(cm, -P(1.5e6));
    check_balanced(l, 0);
    ncm_ledger_free(l);
    ncm_contract_free(c);
}

static char *file_replace(const char *path, const char *from, const char *to)
{
    char *s = slurp(path);
    char *p = strstr(s, from);
    if (!p) fail_msg("%s not found", from);
    char *r = malloc(strlen(s) + strlen(to) + 1);
    memcpy(r, s, (size_t)(p - s));
    strcpy(r + (p - s), to);
    strcat(r, p + strlen(from));
    free(s);
    return r;
}

/* Split in proportion to own variances. Year 1 members' share 1,750,000.00 = 175,000,000p over the
 * own surpluses 2m, 1m, 0 (MH had a deficit), 1.5m (sum 4.5m): exact shares 77,777,777.78p,
 * 38,888,888.89p, 0, 58,333,333.33p; floors 77,777,777 + 38,888,888 + 58,333,333 = 174,999,998, the
 * two spare pence go to the largest remainders (.89 Community, .78 Acute):
 * 777,777.78 | 388,888.89 | 0 | 583,333.33.
 * Year 2: members bear 1.5m over own deficits 2m, 1m, 0, 1m: 750,000 | 375,000 | 0 | 375,000.
 * Fixed 25% each: year 1 437,500.00 each. */
static void test_alliance_other_splits(void **state)
{
    (void)state;
    char *doc = file_replace(EXAMPLES "alliance_four.json", "\"method\": \"value\"", "\"method\": \"variance\"");
    ncm_contract *c = load_text(doc);
    free(doc);
    ncm_ledger *l = alliance_settle(c);
    const char *m[4] = {"Acute Trust", "Community Trust", "Mental Health Trust", "GP Federation"};
    const double s1[4] = {777777.78, 388888.89, 0, 583333.33};
    const double s2[4] = {-750000, -375000, 0, -375000};
    for (int i = 0; i < 4; i++) {
        size_t p = party(c, m[i]);
        ncm_money cst;
        assert_int_equal(ncm_ledger_party_totals(l, 1, p, NULL, NULL, &cst, NULL), NCM_OK);
        assert_int_equal(net(l, 1, p) - cst, P(s1[i]));
        assert_int_equal(ncm_ledger_party_totals(l, 2, p, NULL, NULL, &cst, NULL), NCM_OK);
        assert_int_equal(net(l, 2, p) - cst, P(s2[i]));
    }
    ncm_ledger_free(l);
    ncm_contract_free(c);

    doc = file_replace(EXAMPLES "alliance_four.json", "\"method\": \"value\"",
                       "\"method\": \"fixed\", \"shares\": {\"Acute Trust\": 0.25, \"Community Trust\": 0.25, "
                       "\"Mental Health Trust\": 0.25, \"GP Federation\": 0.25}");
    c = load_text(doc);
    free(doc);
    l = alliance_settle(c);
    for (int i = 0; i < 4; i++) {
        size_t p = party(c, m[i]);
        ncm_money cst;
        assert_int_equal(ncm_ledger_party_totals(l, 1, p, NULL, NULL, &cst, NULL), NCM_OK);
        assert_int_equal(net(l, 1, p) - cst, P(437500));
    }
    ncm_ledger_free(l);
    ncm_contract_free(c);
}

/* ------------------------------------------------------------------ every component */

/* Value 1,000,000.00, one year. Volume 1,200 at 100.00 with the marginal rate 50% above 1,000:
 *   100,000.00 + 200 x 100.00 x 0.5 = 10,000.00.   Care coordination 5.00 x 1,500.5 = 7,502.50.
 *   Fee 2% = 20,000.00; withhold 10% of it = 2,000.00; score 0.6 < threshold 0.7 -> earn back 85% = 1,700.00.
 *   Outcome pot 5% = 50,000.00 gated at 0.7 -> 0.00 earned.   VAT 20% on the activity lines, funded by
 *   the commissioner: 20,000.00 + 2,000.00 both funded and paid on to the tax authority.
 *   Up-front 90% = 900,000.00; cost 860,000.00 -> surplus 40,000.00 split 50/50: 20,000.00 returned;
 *   the prime passes 30% of its 20,000.00 = 6,000.00 to its subcontractor.
 * Prime: in 100,000 + 10,000 + 7,502.50 + 20,000 + 1,700 + 22,000 + 900,000 = 1,061,202.50;
 *        out 2,000 + 22,000 + 20,000 + 6,000 = 50,000.00; net 1,011,202.50.
 * Commissioner net -1,061,202.50 + 2,000 + 20,000 = -1,039,202.50; subcontractor +6,000; tax +22,000. */
static const char *features_doc =
    "{\"schema\": 1, \"name\": \"features\", \"form\": \"prime_provider\", \"term_years\": 1,\n"
    " \"value\": {\"by_year\": [\"1000000.00\"]},\n"
    " \"parties\": [{\"name\": \"C\", \"role\": \"commissioner\"}, {\"name\": \"P\", \"role\": \"prime\"},\n"
    "   {\"name\": \"S\", \"role\": \"subcontractor\", \"of\": \"P\"}, {\"name\": \"Tax\", \"role\": \"external\"}],\n"
    " \"components\": [\n"
    "  {\"name\": \"clinic\", \"type\": \"activity\", \"price\": \"100.00\", \"threshold\": 1000, \"marginal_rate\": 0.5},\n"
    "  {\"name\": \"ccf\", \"type\": \"care_coordination\", \"pmpm\": \"5.00\"},\n"
    "  {\"name\": \"fee\", \"type\": \"management_fee\", \"rate\": 0.02},\n"
    "  {\"name\": \"wh\", \"type\": \"withhold\", \"of\": \"fee\", \"rate\": 0.1, \"earn_back_threshold\": 0.7,"
    " \"earn_back_below\": 0.85},\n"
    "  {\"name\": \"pot\", \"type\": \"outcome_pot\", \"share\": 0.05, \"gate\": 0.7},\n"
    "  {\"name\": \"vat\", \"type\": \"vat\", \"rate\": 0.2, \"on\": [\"clinic\"], \"borne_by\": \"commissioner\","
    " \"authority\": \"Tax\"},\n"
    "  {\"name\": \"up\", \"type\": \"upfront\", \"share\": 0.9},\n"
    "  {\"name\": \"rs\", \"type\": \"risk_share\", \"base\": \"up\", \"schedule\": {\"surplus\": {\"bands\":"
    " [{\"from\": 0, \"to\": null, \"provider_share\": 0.5}]}, \"deficit\": {\"bands\": [{\"from\": 0, \"to\": null,"
    " \"provider_share\": 1}]}}, \"cascade\": [{\"from\": \"P\", \"to\": \"S\", \"share\": 0.3}]}]}";

static ncm_actuals *features_actuals(ncm_contract *c)
{
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    assert_int_equal(ncm_actuals_set_cost(a, 1, "P", P(860000)), NCM_OK);
    assert_int_equal(ncm_actuals_set_volume(a, 1, "clinic", 1200), NCM_OK);
    assert_int_equal(ncm_actuals_set_member_months(a, 1, "ccf", 1500.5), NCM_OK);
    assert_int_equal(ncm_actuals_set_score(a, 1, NULL, 0.6), NCM_OK);
    return a;
}

static void test_components(void **state)
{
    (void)state;
    ncm_contract *c = load_text(features_doc);
    ncm_actuals *a = features_actuals(c);
    ncm_ledger *l = NULL;
    if (ncm_settle(c, a, NULL, &l)) fail_msg("%s", ncm_last_error());
    ncm_money in, out;
    assert_int_equal(ncm_ledger_party_totals(l, 1, party(c, "P"), &in, &out, NULL, NULL), NCM_OK);
    assert_int_equal(in, P(1061202.50));
    assert_int_equal(out, P(50000));
    assert_int_equal(net(l, 1, party(c, "C")), -P(1039202.50));
    assert_int_equal(net(l, 1, party(c, "S")), P(6000));
    assert_int_equal(net(l, 1, party(c, "Tax")), P(22000));
    /* the explanation of a few lines */
    int found = 0;
    for (size_t i = 0; i < ncm_ledger_count(l); i++) {
        const char *w = ncm_ledger_what(l, i);
        if (strcmp(w, "volume above 1000 at 50% of price") == 0) found |= 1;
        if (strcmp(w, "withhold earned back at 85%") == 0) found |= 2;
        if (strcmp(w, "outcome pot 5% of value: gate 0.7 not met") == 0) found |= 4;
        if (strcmp(w, "30% of the risk result passed down") == 0) found |= 8;
    }
    assert_int_equal(found, 15);
    ncm_ledger_free(l);
    /* score above the gate: pot earned 50,000 x 0.9 = 45,000.00; earn-back 100% = 2,000.00 (+300.00) */
    assert_int_equal(ncm_actuals_set_score(a, 1, NULL, 0.9), NCM_OK);
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
    assert_int_equal(net(l, 1, party(c, "P")), P(1011202.50 + 45000 + 300));
    ncm_ledger_free(l);
    /* a component-specific score wins over the year's score: pot at 0.5 < gate -> 0 */
    assert_int_equal(ncm_actuals_set_score(a, 1, "pot", 0.5), NCM_OK);
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
    assert_int_equal(net(l, 1, party(c, "P")), P(1011202.50 + 300));
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

/* A threshold net of which the bands apply, and a cap, show up as their own lines.
 * Up-front 90% of 1,000,000.00 = 900,000.00 is the base; cost 800,000.00 -> surplus 100,000.00.
 * Threshold 2% of 900,000 = 18,000.00 stays with the commissioner; the net 82,000.00 is split 50/50
 * (41,000.00 each); the provider's 41,000.00 is capped at 10,000.00, so 31,000.00 more goes back.
 * Returned: 41,000 + 18,000 + 31,000 = 90,000.00; the provider keeps 10,000.00.
 * A deficit of 50,000.00 (cost 950,000.00) is shared 50/50 from the first pound: the commissioner
 * pays 25,000.00. */
static void test_threshold_and_cap_lines(void **state)
{
    (void)state;
    const char *doc =
        "{\"schema\": 1, \"name\": \"g\", \"form\": \"block\", \"term_years\": 2,"
        " \"value\": {\"year1\": \"1000000.00\", \"growth\": 0},"
        " \"parties\": [{\"name\": \"C\", \"role\": \"commissioner\"}, {\"name\": \"P\", \"role\": \"provider\"}],"
        " \"components\": [{\"name\": \"up\", \"type\": \"upfront\", \"share\": 0.9},"
        " {\"name\": \"rs\", \"type\": \"risk_share\", \"base\": \"up\", \"schedule\": {"
        "\"surplus\": {\"bands\": [{\"from\": 0, \"to\": null, \"provider_share\": 0.5}],"
        " \"threshold\": {\"rate\": 0.02, \"gate\": \"net\"}, \"cap\": {\"money\": \"10000.00\"}},"
        " \"deficit\": {\"bands\": [{\"from\": 0, \"to\": null, \"provider_share\": 0.5}]}}}]}";
    ncm_contract *c = load_text(doc);
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    assert_int_equal(ncm_actuals_set_cost(a, 1, NULL, P(800000)), NCM_OK);
    assert_int_equal(ncm_actuals_set_cost(a, 2, NULL, P(950000)), NCM_OK);
    ncm_ledger *l = NULL;
    if (ncm_settle(c, a, NULL, &l)) fail_msg("%s", ncm_last_error());
    assert_int_equal(ncm_ledger_count(l), 6);
    int kind[6];
    size_t payer[6];
    ncm_money base[6], amt[6];
    assert_int_equal(ncm_ledger_keys(l, NULL, kind, NULL, payer, NULL, 6), NCM_OK);
    assert_int_equal(ncm_ledger_amounts(l, base, NULL, amt, NULL, NULL, 6), NCM_OK);
    assert_int_equal(kind[1], NCM_LINE_RISK_SHARE);
    assert_int_equal(base[1], P(82000));
    assert_int_equal(amt[1], P(41000));
    assert_int_equal(kind[2], NCM_LINE_RISK_THRESHOLD);
    assert_int_equal(amt[2], P(18000));
    assert_int_equal(kind[3], NCM_LINE_RISK_LIMIT);
    assert_int_equal(amt[3], P(31000));
    assert_int_equal(payer[3], party(c, "P"));
    assert_int_equal(net(l, 1, party(c, "P")), P(900000) - P(90000));
    /* year 2: the commissioner pays its half of the deficit */
    assert_int_equal(kind[5], NCM_LINE_RISK_SHARE);
    assert_int_equal(amt[5], P(25000));
    assert_int_equal(payer[5], party(c, "C"));
    assert_string_equal(ncm_ledger_what(l, 5), "deficit band [0%, inf): commissioner 50%");
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

/* An outcome pot scored by an embedded outcome framework (outcome.h) from measure results.
 * Pot 10% of 1,000,000.00 = 100,000.00. Measures: M1 linear from 50 (floor) to 80 (target): 62 gives
 * 10 x 12/30 = 4 points; M2 pass/fail at 0.95, a gateway: 0.97 gives 10 points. One domain, equal
 * weights: (4 + 10) / 20 x 100 = 70 -> score 0.7 -> 70,000.00 earned.
 * With M2 at 0.90 the gateway fails and nothing is earned. */
static const char *framework_doc =
    "{\"schema\": 1, \"name\": \"f\", \"form\": \"block\", \"term_years\": 1,"
    " \"value\": {\"by_year\": [\"1000000.00\"]},"
    " \"parties\": [{\"name\": \"C\", \"role\": \"commissioner\"}, {\"name\": \"P\", \"role\": \"provider\"}],"
    " \"components\": [{\"name\": \"up\", \"type\": \"upfront\", \"share\": 0.9},"
    " {\"name\": \"pot\", \"type\": \"outcome_pot\", \"share\": 0.1, \"framework\": {"
    "\"domains\": [{\"id\": \"d\", \"weight\": 1}],"
    " \"measures\": [{\"id\": \"M1\", \"name\": \"m1\", \"domain\": \"d\", \"method\": \"linear\","
    " \"threshold\": 50, \"benchmark\": 80},"
    " {\"id\": \"M2\", \"name\": \"m2\", \"domain\": \"d\", \"method\": \"pass_fail\", \"threshold\": 0.95,"
    " \"gateway\": true}]}}]}";

static void test_framework_scored_pot(void **state)
{
    (void)state;
    ncm_contract *c = load_text(framework_doc);
    /* the embedded framework survives a write and a reload */
    size_t len;
    assert_int_equal(ncm_contract_to_json(c, NULL, 0, &len), NCM_ERR_BUFFER);
    char *w1 = malloc(len + 1), *w2 = malloc(len + 1);
    assert_int_equal(ncm_contract_to_json(c, w1, len + 1, NULL), NCM_OK);
    assert_non_null(strstr(w1, "\"framework\""));
    ncm_contract *c2 = load_text(w1);
    assert_int_equal(ncm_contract_to_json(c2, w2, len + 1, NULL), NCM_OK);
    assert_string_equal(w1, w2);
    ncm_contract_free(c2);
    free(w1);
    free(w2);

    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    const char *ids[2] = {"M1", "M2"};
    const double val[2] = {62, 0.97};
    assert_int_equal(ncm_actuals_score_results(a, 1, NULL, 2, ids, val, NULL), NCM_OK);
    ncm_ledger *l = NULL;
    if (ncm_settle(c, a, NULL, &l)) fail_msg("%s", ncm_last_error());
    assert_int_equal(net(l, 1, party(c, "P")), P(900000) + P(70000));
    ncm_ledger_free(l);
    /* the same from a results CSV, with the gateway failing */
    char *f = tmpfile_with("year,measure_id,value\n1,M1,62\n1,M2,0.90\n");
    assert_int_equal(ncm_actuals_read_results_csv(a, f), NCM_OK);
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
    assert_int_equal(net(l, 1, party(c, "P")), P(900000));
    ncm_ledger_free(l);
    remove(f);
    free(f);
    /* an unknown measure: the file is named, the actuals are unchanged (still the failed gateway) */
    f = tmpfile_with("year,measure_id,value,component\n1,M1,80,pot\n1,Z,1,pot\n");
    assert_int_equal(ncm_actuals_read_results_csv(a, f), NCM_ERR_NOT_FOUND);
    assert_non_null(strstr(ncm_last_error(), f));
    assert_non_null(strstr(ncm_last_error(), "Z"));
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
    assert_int_equal(net(l, 1, party(c, "P")), P(900000));
    ncm_ledger_free(l);
    remove(f);
    free(f);
    f = tmpfile_with("year,measure_id,value,component\n1,M1,80,up\n");
    assert_int_equal(ncm_actuals_read_results_csv(a, f), NCM_ERR_NOT_FOUND);
    assert_non_null(strstr(ncm_last_error(), ":2:4 (component): no component named \"up\" with an outcome framework"));
    remove(f);
    free(f);
    assert_int_equal(ncm_actuals_score_results(a, 1, "up", 2, ids, val, NULL), NCM_ERR_NOT_FOUND);
    /* allocation failures while reading results leave nothing behind */
    f = tmpfile_with("year,measure_id,value\n1,M1,62\n1,M2,0.97\n");
    int ok = 0;
    for (unsigned long k = 1; k < 200 && !ok; k++) {
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_actuals_read_results_csv(a, f);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) ok = 1;
        else assert_int_equal(st, NCM_ERR_NOMEM);
    }
    assert_true(ok);
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
    assert_int_equal(net(l, 1, party(c, "P")), P(970000));
    ncm_ledger_free(l);
    remove(f);
    free(f);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

/* Review 2026-11-24: a component's total (the risk-share base) and the bulk settler's party nets were
 * summed unchecked, so two lines near the money limit overflowed (undefined behaviour; UBSan:
 * settle.c "signed integer overflow"). Price 50,000,000,000,000,000.00 = 5e18 minor units, threshold 1,
 * marginal rate 1, volume 2: lines 5e18 + 5e18 = 1e19 > INT64_MAX (about 9.22e18): both entry points
 * must report NCM_ERR_OVERFLOW naming the component, and leave the ledger pointer unchanged. */
static void test_component_total_overflow(void **state)
{
    (void)state;
    const char *doc =
        "{\"schema\": 1, \"name\": \"o\", \"form\": \"activity\", \"term_years\": 1,"
        " \"value\": {\"by_year\": [\"0.00\"]},"
        " \"parties\": [{\"name\": \"C\", \"role\": \"commissioner\"}, {\"name\": \"P\", \"role\": \"provider\"}],"
        " \"components\": [{\"name\": \"a\", \"type\": \"activity\", \"price\": \"50000000000000000.00\","
        " \"threshold\": 1, \"marginal_rate\": 1},"
        " {\"name\": \"rs\", \"type\": \"risk_share\", \"base\": \"a\", \"schedule\": \"circle_bedfordshire\"}]}";
    ncm_contract *c = load_text(doc);
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    assert_int_equal(ncm_actuals_set_volume(a, 1, "a", 2), NCM_OK);
    assert_int_equal(ncm_actuals_set_cost(a, 1, NULL, 100), NCM_OK);
    ncm_ledger *l = (ncm_ledger *)&a; /* a sentinel that must survive */
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_ERR_OVERFLOW);
    assert_non_null(strstr(ncm_last_error(), "component \"a\""));
    assert_true(l == (ncm_ledger *)&a);
    ncm_settler *s = NULL;
    assert_int_equal(ncm_settler_create(c, &s), NCM_OK);
    ncm_money tc[1] = {100}, netv[2] = {0, 0};
    int64_t vol[2] = {2, 0};
    assert_int_equal(ncm_settler_run(s, 1, 1, tc, NULL, NULL, vol, NULL, netv), NCM_ERR_OVERFLOW);
    assert_non_null(strstr(ncm_last_error(), "trial 0, year 1: component \"a\""));
    ncm_settler_free(s);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

/* The line bound per year is tight: an activity line above its threshold (2 lines), VAT funded by the
 * commissioner on both (4 lines) and a withhold of both (4 lines): 10 lines, nothing else to spare.
 * 150 x 10.00 with 100 at full price: 1,000.00 + 50 x 10.00 x 0.5 = 250.00; VAT 20%: 200.00 + 50.00,
 * funded and paid on; withhold 10%: 100.00 and 25.00, earned back at score 0.4: 40.00 and 10.00.
 * Provider net: 1,250 + 250 - 250 - 125 + 50 = 1,175.00. */
static void test_tight_line_bound(void **state)
{
    (void)state;
    const char *doc =
        "{\"schema\": 1, \"name\": \"b\", \"form\": \"activity\", \"term_years\": 1,"
        " \"value\": {\"by_year\": [\"0.00\"]},"
        " \"parties\": [{\"name\": \"C\", \"role\": \"commissioner\"}, {\"name\": \"P\", \"role\": \"provider\"},"
        " {\"name\": \"T\", \"role\": \"external\"}],"
        " \"components\": [{\"name\": \"a\", \"type\": \"activity\", \"price\": \"10.00\", \"threshold\": 100,"
        " \"marginal_rate\": 0.5},"
        " {\"name\": \"v\", \"type\": \"vat\", \"rate\": 0.2, \"on\": [\"a\"], \"borne_by\": \"commissioner\","
        " \"authority\": \"T\"},"
        " {\"name\": \"w\", \"type\": \"withhold\", \"of\": \"a\", \"rate\": 0.1}]}";
    ncm_contract *c = load_text(doc);
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    assert_int_equal(ncm_actuals_set_volume(a, 1, "a", 150), NCM_OK);
    assert_int_equal(ncm_actuals_set_score(a, 1, NULL, 0.4), NCM_OK);
    ncm_ledger *l = NULL;
    if (ncm_settle(c, a, NULL, &l)) fail_msg("%s", ncm_last_error());
    assert_int_equal(ncm_ledger_count(l), 10);
    assert_int_equal(net(l, 1, party(c, "P")), P(1175));
    assert_int_equal(net(l, 1, party(c, "T")), P(250));
    check_balanced(l, 1);
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

static void test_settle_errors(void **state)
{
    (void)state;
    ncm_contract *c = load_text(features_doc);
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    ncm_ledger *l = NULL;
    /* no volume */
    assert_int_equal(ncm_actuals_set_cost(a, 1, NULL, P(860000)), NCM_OK);
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_ERR_NOT_FOUND);
    assert_non_null(strstr(ncm_last_error(), "year 1: component \"clinic\": no activity volume"));
    /* total disagreeing with the party costs */
    assert_int_equal(ncm_actuals_set_cost(a, 1, "P", P(1)), NCM_OK);
    assert_int_equal(ncm_actuals_set_volume(a, 1, "clinic", 1), NCM_OK);
    assert_int_equal(ncm_actuals_set_member_months(a, 1, "ccf", 1), NCM_OK);
    assert_int_equal(ncm_actuals_set_score(a, 1, NULL, 1), NCM_OK);
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_ERR_INCONSISTENT);
    assert_non_null(strstr(ncm_last_error(), "total cost 860000.00 differs from the sum of party costs 1.00"));
    assert_null(l);
    /* setters */
    assert_int_equal(ncm_actuals_set_cost(a, 2, NULL, 1), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "year 2 is outside the contract term 1-1"));
    assert_int_equal(ncm_actuals_set_cost(a, 1, "Nobody", 1), NCM_ERR_NOT_FOUND);
    assert_int_equal(ncm_actuals_set_cost(a, 1, NULL, -1), NCM_ERR_RANGE);
    assert_int_equal(ncm_actuals_set_volume(a, 1, "ccf", 1), NCM_ERR_NOT_FOUND);
    assert_non_null(strstr(ncm_last_error(), "\"ccf\" is a care_coordination component, not activity"));
    assert_int_equal(ncm_actuals_set_member_months(a, 1, "ccf", NAN), NCM_ERR_RANGE);
    assert_int_equal(ncm_actuals_set_score(a, 1, NULL, 1.5), NCM_ERR_RANGE);
    assert_int_equal(ncm_actuals_set_score(a, 1, "fee", 0.5), NCM_ERR_NOT_FOUND);
    assert_int_equal(ncm_actuals_add_paid(a, 1, "fee", "C", "Z", 1), NCM_ERR_NOT_FOUND);
    assert_non_null(strstr(ncm_last_error(), "no party named \"Z\""));
    ncm_settle_options o;
    ncm_settle_options_init(&o);
    o.version = 9;
    assert_int_equal(ncm_settle(c, a, &o, &l), NCM_ERR_VERSION);
    o.version = NCM_SETTLE_OPTIONS_VERSION;
    o.first_year = 2;
    assert_int_equal(ncm_settle(c, a, &o, &l), NCM_ERR_RANGE);
    ncm_actuals_free(a);
    /* actuals of another contract */
    ncm_contract *c2 = load_text(features_doc);
    assert_int_equal(ncm_actuals_create(c2, &a), NCM_OK);
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_ERR_INVALID);
    ncm_actuals_free(a);
    ncm_contract_free(c2);
    ncm_contract_free(c);
}

static void expect(ncm_status got, ncm_status want, const char *part)
{
    if (got != want) fail_msg("status %d (%s), wanted %d", got, ncm_last_error(), want);
    if (!strstr(ncm_last_error(), part)) fail_msg("message \"%s\" lacks \"%s\"", ncm_last_error(), part);
}

/* NULL and out-of-range arguments of the public entry points: status and message. */
static void test_invalid_arguments(void **state)
{
    (void)state;
    ncm_contract *c = load(EXAMPLES "bedfordshire_msk.json");
    ncm_actuals *a = NULL;
    ncm_ledger *l = NULL;
    ncm_settler *s = NULL;
    expect(ncm_actuals_create(NULL, &a), NCM_ERR_INVALID, "ncm_actuals_create: NULL argument");
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    expect(ncm_settle(NULL, a, NULL, &l), NCM_ERR_INVALID, "ncm_settle: NULL argument");
    expect(ncm_settle(c, a, NULL, NULL), NCM_ERR_INVALID, "ncm_settle: NULL argument");
    expect(ncm_actuals_set_cost(NULL, 1, NULL, 1), NCM_ERR_INVALID, "NULL actuals");
    expect(ncm_actuals_set_volume(a, 1, NULL, 1), NCM_ERR_INVALID, "ncm_actuals_set_volume: NULL argument");
    expect(ncm_actuals_read_csv(a, NULL), NCM_ERR_INVALID, "ncm_actuals_read_csv: NULL argument");
    expect(ncm_actuals_read_paid_csv(NULL, "x"), NCM_ERR_INVALID, "ncm_actuals_read_paid_csv: NULL argument");
    expect(ncm_actuals_score_results(a, 1, NULL, 1, NULL, NULL, NULL), NCM_ERR_INVALID, "ncm_actuals_score_results");
    expect(ncm_actuals_score_results(a, 1, NULL, 0, NULL, NULL, NULL), NCM_ERR_NOT_FOUND, "no component with an outcome framework");
    assert_int_equal(ncm_actuals_set_cost(a, 1, NULL, P(23e6)), NCM_OK);
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
    ncm_money v = 5;
    expect(ncm_ledger_party_totals(NULL, 0, 0, &v, NULL, NULL, NULL), NCM_ERR_INVALID, "NULL ledger");
    expect(ncm_ledger_party_totals(l, 0, 2, &v, NULL, NULL, NULL), NCM_ERR_RANGE, "party 2 of 2");
    assert_int_equal(v, 5);
    expect(ncm_ledger_risk(l, 2, 2, &v, NULL, NULL, NULL), NCM_ERR_NOT_FOUND, "no risk-share result for component 2 in year 2");
    expect(ncm_ledger_risk(l, 1, 0, &v, NULL, NULL, NULL), NCM_ERR_NOT_FOUND, "component 0 in year 1");
    assert_int_equal(v, 5);
    expect(ncm_ledger_amounts(l, &v, NULL, NULL, NULL, NULL, 1), NCM_ERR_BUFFER, "arrays of 1 for 4 lines");
    expect(ncm_ledger_write_csv(l, "/nonexistent/dir/l.csv"), NCM_ERR_IO, "/nonexistent/dir/l.csv");
    expect(ncm_ledger_write_json(l, "/nonexistent/dir/l.json"), NCM_ERR_IO, "/nonexistent/dir/l.json");
    assert_null(ncm_ledger_what(l, 99));
    assert_null(ncm_ledger_party_name(l, 9));
    assert_null(ncm_ledger_component_name(l, 9));
    assert_int_equal(ncm_ledger_count(NULL), 0);
    expect(ncm_settler_create(NULL, &s), NCM_ERR_INVALID, "ncm_settler_create: NULL argument");
    assert_int_equal(ncm_settler_create(c, &s), NCM_OK);
    expect(ncm_settler_run(s, 1, 1, NULL, NULL, NULL, NULL, NULL, NULL), NCM_ERR_INVALID, "ncm_settler_run: NULL argument");
    ncm_money net2[2];
    expect(ncm_settler_run(s, 0, 1, NULL, NULL, NULL, NULL, NULL, net2), NCM_ERR_RANGE, "year 0 is outside the term 1-5");
    ncm_money two[2] = {P(1), P(2)};
    double sc[2] = {0.5, NAN};
    expect(ncm_settler_run(s, 1, 2, two, NULL, sc, NULL, NULL, (ncm_money[4]){0}), NCM_ERR_RANGE, "score[1] = nan is not in [0, 1]");
    expect(ncm_settler_run(s, 1, 1, NULL, NULL, NULL, NULL, NULL, net2), NCM_ERR_NOT_FOUND,
           "trial 0, year 1: component \"risk/gain share\": no actual cost");
    expect(ncm_contract_to_json(NULL, NULL, 0, NULL), NCM_ERR_INVALID, "ncm_contract_to_json: NULL argument");
    expect(ncm_contract_load_file(NULL, NULL), NCM_ERR_INVALID, "ncm_contract_load_file: NULL argument");
    ncm_contract *c2 = NULL;
    expect(ncm_contract_load_file("/nonexistent/c.json", &c2), NCM_ERR_IO, "/nonexistent/c.json: cannot open");
    expect(ncm_contract_write_file(c, "/nonexistent/dir/c.json"), NCM_ERR_IO, "/nonexistent/dir/c.json");
    ncm_component_type t = NCM_COMPONENT_VAT;
    expect(ncm_contract_component_type(c, 3, &t), NCM_ERR_RANGE, "component 3 of 3");
    assert_int_equal(t, NCM_COMPONENT_VAT);
    expect(ncm_contract_find_component(c, "bonus", &(size_t){0}), NCM_ERR_NOT_FOUND, "no component named \"bonus\"");
    assert_string_equal(ncm_line_kind_name(NCM_LINE_RISK_POOL), "risk_pool");
    assert_string_equal(ncm_line_kind_name((ncm_line_kind)99), "unknown");
    ncm_settler_free(s);
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

static void csv_bad(const ncm_contract *c, int which, const char *text, ncm_status want, const char *part)
{
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    assert_int_equal(ncm_actuals_set_cost(a, 1, NULL, P(5)), NCM_OK);
    char *f = tmpfile_with(text);
    ncm_status st = which == 0 ? ncm_actuals_read_csv(a, f) : which == 1 ? ncm_actuals_read_outcomes_csv(a, f)
                                                                         : ncm_actuals_read_paid_csv(a, f);
    if (st != want) fail_msg("status %d (%s), wanted %d", st, ncm_last_error(), want);
    if (!strstr(ncm_last_error(), part)) fail_msg("message \"%s\" lacks \"%s\"", ncm_last_error(), part);
    /* nothing changed: the earlier cost still settles alone (no cost from the file leaked in) */
    ncm_ledger *l = NULL;
    if (c && ncm_contract_term(c) == 5) {
        assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
        ncm_money v;
        assert_int_equal(ncm_ledger_risk(l, 1, 2, NULL, &v, NULL, NULL), NCM_OK);
        assert_int_equal(v, P(25175000) - P(5));
        assert_int_equal(ncm_ledger_count(l), 4);
        ncm_ledger_free(l);
    }
    remove(f);
    free(f);
    ncm_actuals_free(a);
}

static void test_csv_errors(void **state)
{
    (void)state;
    ncm_contract *c = load(EXAMPLES "bedfordshire_msk.json");
    csv_bad(c, 0, "year,kind,name,value\n1,cost,,23m\n", NCM_ERR_PARSE, ":2:4 (value): \"23m\" is not an amount");
    csv_bad(c, 0, "year,kind,name,value\n1,cost,Nobody,1.00\n", NCM_ERR_NOT_FOUND, ":2:3 (name): no party named \"Nobody\"");
    csv_bad(c, 0, "year,kind,name,value\n9,cost,,1.00\n", NCM_ERR_RANGE, ":2:1 (year): year 9 is outside the contract term 1-5");
    csv_bad(c, 0, "year,kind,name,value\n2,cost,,1.00\n2,cost,,2.00\n", NCM_ERR_DUPLICATE, ":3:3 (name): cost of \"\" in year 2 is given twice");
    csv_bad(c, 0, "year,kind,name,value\n2,rent,,1.00\n", NCM_ERR_PARSE, "unknown kind \"rent\"");
    csv_bad(c, 0, "year,kind,value\n2,cost,1.00\n", NCM_ERR_PARSE, "missing column \"name\"");
    csv_bad(c, 0, "year,kind,name,value\n2,cost,,1.00,9\n", NCM_ERR_PARSE, ":2");
    csv_bad(c, 0, "year,kind,name,value\n2,volume,up-front payment,3\n", NCM_ERR_NOT_FOUND, "no activity component named \"up-front payment\"");
    csv_bad(c, 1, "year,score\n2,1.2\n", NCM_ERR_RANGE, ":2:2 (score): score 1.2 is outside [0, 1]");
    csv_bad(c, 1, "year,score\n2,0.5\n2,0.6\n", NCM_ERR_DUPLICATE, ":3:2 (score): a second score for every component in year 2");
    csv_bad(c, 2, "year,component,payer,payee,amount\n1,bonus,Circle,Bedfordshire CCG,1.00\n", NCM_ERR_NOT_FOUND,
            ":2:2 (component): no component named \"bonus\"");
    csv_bad(c, 2, "year,component,payer,payee,amount\n1,management fee,Circle,Bedfordshire CCG,-1.00\n", NCM_ERR_RANGE,
            ":2:5 (amount): -1.00 is negative");
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    assert_int_equal(ncm_actuals_read_csv(a, "/nonexistent/a.csv"), NCM_ERR_IO);
    assert_non_null(strstr(ncm_last_error(), "/nonexistent/a.csv"));
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

/* ------------------------------------------------------------------ writers, determinism, bulk, CLI */

static void test_writers_deterministic(void **state)
{
    (void)state;
    char *out[4];
    for (int r = 0; r < 2; r++) {
        ncm_contract *c = load_text(features_doc);
        ncm_actuals *a = features_actuals(c);
        ncm_ledger *l = NULL;
        assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
        char csv[] = "/tmp/ncm_ledger_XXXXXX", js[] = "/tmp/ncm_ledger_XXXXXX";
        close(mkstemp(csv));
        close(mkstemp(js));
        assert_int_equal(ncm_ledger_write_csv(l, csv), NCM_OK);
        assert_int_equal(ncm_ledger_write_json(l, js), NCM_OK);
        out[2 * r] = slurp(csv);
        out[2 * r + 1] = slurp(js);
        remove(csv);
        remove(js);
        ncm_ledger_free(l);
        ncm_actuals_free(a);
        ncm_contract_free(c);
    }
    assert_string_equal(out[0], out[2]);
    assert_string_equal(out[1], out[3]);
    /* lines that do not depend on the actuals come first (fee, up-front), then the rest in component order */
    assert_non_null(strstr(out[0], "year,component,kind,what,payer,payee,base,rate,amount,paid,balance\n"
                                   "1,fee,management_fee,management fee 2% of the year's value,C,P,1000000.00,0.02,20000.00,0.00,20000.00\n"
                                   "1,up,upfront,90% of the year's value,C,P,1000000.00,0.9,900000.00,0.00,900000.00\n"
                                   "1,clinic,activity,price x volume (1000),C,P,100.00,1000,100000.00,0.00,100000.00\n"));
    assert_non_null(strstr(out[0], "1,rs,cascade,30% of the risk result passed down,P,S,20000.00,0.3,6000.00,0.00,6000.00\n"));
    assert_non_null(strstr(out[1], "\"schema\": \"ncm.ledger/1\""));
    assert_non_null(strstr(out[1], "\"party\": \"S\""));
    for (int i = 0; i < 4; i++) free(out[i]);
    ncm_ledger *l = NULL;
    assert_int_equal(ncm_ledger_write_csv(l, "/tmp/x"), NCM_ERR_INVALID);
}

/* The bulk settler gives the same per-party nets as the ledger, and allocates nothing. */
static void test_bulk_matches_ledger(void **state)
{
    (void)state;
    ncm_contract *c = load(EXAMPLES "bedfordshire_msk.json");
    ncm_settler *s = NULL;
    assert_int_equal(ncm_settler_create(c, &s), NCM_OK);
    enum { N = 64 };
    ncm_money cost[N], netv[N * 2];
    for (int t = 0; t < N; t++) cost[t] = P(20000000) + (ncm_money)t * P(150000) + t; /* 20m .. 29.45m */
    for (unsigned y = 1; y <= 5; y++) {
        unsigned long before = ncm_alloc_count();
        assert_int_equal(ncm_settler_run(s, y, N, cost, NULL, NULL, NULL, NULL, netv), NCM_OK);
        assert_int_equal(ncm_alloc_count(), before);
        for (int t = 0; t < N; t += 7) {
            ncm_actuals *a = NULL;
            assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
            assert_int_equal(ncm_actuals_set_cost(a, y, NULL, cost[t]), NCM_OK);
            ncm_ledger *l = NULL;
            assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
            assert_int_equal(netv[t * 2 + 0], net(l, y, 0));
            assert_int_equal(netv[t * 2 + 1], net(l, y, 1));
            ncm_ledger_free(l);
            ncm_actuals_free(a);
        }
    }
    /* year 1 at 23.0m by hand: Circle gets 25,175,000 + 662,500 - 458,125 = 25,379,375.00 */
    ncm_money one = P(23000000), nv[2];
    assert_int_equal(ncm_settler_run(s, 1, 1, &one, NULL, NULL, NULL, NULL, nv), NCM_OK);
    assert_int_equal(nv[1], P(25379375));
    assert_int_equal(nv[0], -P(25379375));
    assert_int_equal(ncm_settler_run(s, 6, 1, &one, NULL, NULL, NULL, NULL, nv), NCM_ERR_RANGE);
    ncm_money neg = -1;
    assert_int_equal(ncm_settler_run(s, 1, 1, &neg, NULL, NULL, NULL, NULL, nv), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "trial 0, year 1: total cost is negative"));
    ncm_settler_free(s);
    ncm_settler_free(NULL);
    /* alliance with per-party costs, via the bulk path: year 1 nets equal the ledger's */
    ncm_contract *al = load(EXAMPLES "alliance_four.json");
    ncm_ledger *l = alliance_settle(al);
    assert_int_equal(ncm_settler_create(al, &s), NCM_OK);
    ncm_money pc[5] = {0, P(38e6), P(29e6), P(21e6), P(8.5e6)}, an[5];
    unsigned long before = ncm_alloc_count();
    assert_int_equal(ncm_settler_run(s, 1, 1, NULL, pc, NULL, NULL, NULL, an), NCM_OK);
    assert_int_equal(ncm_alloc_count(), before); /* the member splits allocate nothing either */
    for (size_t p = 0; p < 5; p++) assert_int_equal(an[p], net(l, 1, p));
    ncm_settler_free(s);
    ncm_ledger_free(l);
    ncm_contract_free(al);
    ncm_contract_free(c);
}

static int run(const char *cmd)
{
    int r = system(cmd);
    return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

static void test_cli(void **state)
{
    (void)state;
    char *act = tmpfile_with("year,kind,name,value\n1,cost,,23000000.00\n");
    char cmd[2048], out[] = "/tmp/ncm_cli_XXXXXX";
    close(mkstemp(out));
    snprintf(cmd, sizeof cmd, "%s settle --contract %sbedfordshire_msk.json --actuals %s --out %s --summary > %s.sum",
             NCM_CLI, EXAMPLES, act, out, out);
    assert_int_equal(run(cmd), 0);
    char *csv = slurp(out);
    assert_non_null(strstr(csv, "1,risk/gain share,risk_share,\"surplus band [5%, inf): commissioner 50%\",Circle,"
                                "Bedfordshire CCG,916250.00,0.5,458125.00,0.00,458125.00\n"));
    char sum[600];
    snprintf(sum, sizeof sum, "%s.sum", out);
    char *s = slurp(sum);
    /* Circle: received 25,175,000 + 662,500; paid out 458,125; cost 23m; result 2,379,375.00 */
    assert_non_null(strstr(s, "Circle,25837500.00,458125.00,25379375.00,23000000.00,2379375.00,25379375.00\n"));
    /* UnitingCare at the bid with scores and a JSON ledger: the provider's net over five years is
     * 715,582,900.00 against costs of 762,000,000.00 (worked in test_unitingcare) */
    snprintf(cmd, sizeof cmd,
             "%s settle --contract %sunitingcare_bid.json --actuals %sunitingcare_actuals.csv --outcomes "
             "%sunitingcare_outcomes.csv --out %s --json %s.json --summary > %s.sum",
             NCM_CLI, EXAMPLES, EXAMPLES, EXAMPLES, out, out, out);
    assert_int_equal(run(cmd), 0);
    free(s);
    s = slurp(sum);
    assert_non_null(strstr(s, "UnitingCare Partnership,722710000.00,7127100.00,715582900.00,762000000.00,-46417100.00,"));
    char js[600];
    snprintf(js, sizeof js, "%s.json", out);
    char *j = slurp(js);
    assert_non_null(strstr(j, "\"result\": \"-46417100.00\""));
    free(j);
    remove(js);
    /* usage errors exit 2, bad input exits 1 with the message */
    snprintf(cmd, sizeof cmd, "%s settle --contract %sbedfordshire_msk.json --actuals %s 2>/dev/null", NCM_CLI, EXAMPLES, act);
    assert_int_equal(run(cmd), 2);
    snprintf(cmd, sizeof cmd, "%s settle --contract /nonexistent.json --actuals %s --out %s 2>%s.err", NCM_CLI, act, out, out);
    assert_int_equal(run(cmd), 1);
    snprintf(sum, sizeof sum, "%s.err", out);
    char *e = slurp(sum);
    assert_non_null(strstr(e, "/nonexistent.json"));
    remove(sum);
    snprintf(sum, sizeof sum, "%s.sum", out);
    remove(sum);
    remove(out);
    remove(act);
    free(e);
    free(s);
    free(csv);
    free(act);
}

/* The hot path's allocation-free split gives exactly what ncm_money_split gives (a second, independent
 * implementation in lib/money.c), over random weights, totals of both signs and awkward sizes. */
/* ------------------------------------------------------------------ allocation failures */

static void test_alloc_failures(void **state)
{
    (void)state;
    ncm_contract *c = load_text(features_doc);
    ncm_actuals *a = features_actuals(c);
    assert_int_equal(ncm_actuals_add_paid(a, 1, "fee", "C", "P", P(100)), NCM_OK);
    assert_int_equal(ncm_actuals_add_paid(a, 1, "fee", "P", "C", P(1)), NCM_OK);
    int ok = 0;
    for (unsigned long k = 1; k < 200 && !ok; k++) {
        ncm_ledger *l = (ncm_ledger *)(uintptr_t)1;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_settle(c, a, NULL, &l);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            ok = 1;
            ncm_ledger_free(l);
        } else {
            assert_int_equal(st, NCM_ERR_NOMEM);
            assert_ptr_equal(l, (ncm_ledger *)(uintptr_t)1);
        }
    }
    assert_true(ok);
    /* CSV readers: the actuals are unchanged on failure (a later settle still gives 6,000.00 to S) */
    char *f = tmpfile_with("year,kind,name,value\n1,cost,P,860000.00\n1,volume,clinic,1200\n");
    ok = 0;
    for (unsigned long k = 1; k < 200 && !ok; k++) {
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_actuals_read_csv(a, f);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) ok = 1;
        else assert_int_equal(st, NCM_ERR_NOMEM);
    }
    assert_true(ok);
    ncm_ledger *l = NULL;
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
    assert_int_equal(net(l, 1, party(c, "S")), P(6000));
    ncm_ledger_free(l);
    remove(f);
    free(f);
    ok = 0;
    for (unsigned long k = 1; k < 50 && !ok; k++) {
        ncm_settler *s = (ncm_settler *)(uintptr_t)1;
        ncm_actuals *b = (ncm_actuals *)(uintptr_t)1;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_settler_create(c, &s);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) ncm_settler_free(s);
        else assert_ptr_equal(s, (ncm_settler *)(uintptr_t)1);
        ncm_alloc_fail_at(k);
        ncm_status st2 = ncm_actuals_create(c, &b);
        ncm_alloc_fail_at(0);
        if (st2 == NCM_OK) ncm_actuals_free(b);
        else {
            assert_int_equal(st2, NCM_ERR_NOMEM);
            assert_ptr_equal(b, (ncm_actuals *)(uintptr_t)1);
        }
        ok = st == NCM_OK && st2 == NCM_OK;
    }
    assert_true(ok);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

/* ------------------------------------------------------------------ per-person costs and stop-loss */

/* A capitated contract reinsured by an external party: individual cover above 10,000.00 up to
 * 60,000.00 with 10% coinsurance, for a premium of 5,000.00 a year. */
static const char sl_doc[] =
    "{\"schema\":1,\"name\":\"SL\",\"form\":\"capitated\",\"term_years\":2,"
    "\"value\":{\"by_year\":[\"1000000.00\",\"1000000.00\"]},"
    "\"parties\":[{\"name\":\"C\",\"role\":\"commissioner\"},{\"name\":\"P\",\"role\":\"provider\"},"
    "{\"name\":\"S\",\"role\":\"subcontractor\",\"of\":\"P\"},{\"name\":\"Re\",\"role\":\"external\"}],"
    "\"components\":[{\"name\":\"cap\",\"type\":\"capitation\",\"share\":0.9},"
    "{\"name\":\"sl\",\"type\":\"stop_loss\",\"payer\":\"Re\",\"attachment\":\"10000.00\",\"coinsurance\":0.1,"
    "\"limit\":\"60000.00\",\"premium\":{\"amount\":\"5000.00\"}}]}";

/* line amount of the first line of a kind in a year, -1 if none */
static ncm_money line_of(const ncm_ledger *l, unsigned y, ncm_line_kind k, ncm_money *base)
{
    size_t n = ncm_ledger_count(l);
    unsigned *yy = calloc(n + 1, sizeof *yy);
    int *kk = calloc(n + 1, sizeof *kk);
    ncm_money *am = calloc(n + 1, sizeof *am), *bs = calloc(n + 1, sizeof *bs);
    assert_int_equal(ncm_ledger_keys(l, yy, kk, NULL, NULL, NULL, n), NCM_OK);
    assert_int_equal(ncm_ledger_amounts(l, bs, NULL, am, NULL, NULL, n), NCM_OK);
    ncm_money r = -1;
    for (size_t i = 0; i < n && r < 0; i++)
        if (yy[i] == y && kk[i] == (int)k) {
            r = am[i];
            if (base) *base = bs[i];
        }
    free(yy);
    free(kk);
    free(am);
    free(bs);
    return r;
}

/* Individual stop-loss from per-person costs, each worked from (1 - coinsurance) x (min(c, limit) - a)
 * with a = 10,000.00, limit 60,000.00, coinsurance 0.1, rounded half-even per person (pence):
 *   5,000.00   -> below a: 0
 *   10,000.00  -> at a, not above: 0
 *   10,000.01  -> 0.9 x 0.01 = 0.9p -> 1p = 0.01
 *   25,000.55  -> 0.9 x 15,000.55 = 1,350,049.5p -> half-even 1,350,050p = 13,500.50
 *   60,000.00  -> 0.9 x 50,000.00 = 45,000.00
 *   90,000.00  -> capped at the limit: 0.9 x 50,000.00 = 45,000.00
 * Recovery 103,500.51 on a covered layer of 0.01 + 15,000.55 + 50,000 + 50,000 = 115,000.56; total
 * cost 200,000.56. P receives 900,000.00 + 103,500.51 and pays the 5,000.00 premium: net 998,500.51;
 * Re nets 5,000.00 - 103,500.51 = -98,500.51; C -900,000.00; the nets sum to 0. */
static void test_stop_loss_individual(void **state)
{
    (void)state;
    ncm_contract *c = load_text(sl_doc);
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    const ncm_money cost[] = {P(5000), P(10000), P(10000.01), P(25000.55), P(60000), P(90000)};
    assert_int_equal(ncm_actuals_set_person_costs(a, 1, 6, cost, NULL), NCM_OK);
    ncm_ledger *l = NULL;
    if (ncm_settle(c, a, NULL, &l)) fail_msg("%s", ncm_last_error());
    ncm_money base = 0;
    assert_int_equal(line_of(l, 1, NCM_LINE_STOP_LOSS, &base), P(103500.51));
    assert_int_equal(base, P(115000.56));
    assert_int_equal(line_of(l, 1, NCM_LINE_STOP_LOSS_PREMIUM, &base), P(5000));
    assert_int_equal(line_of(l, 1, NCM_LINE_STOP_LOSS_AGGREGATE, NULL), -1);
    assert_int_equal(net(l, 1, party(c, "P")), P(998500.51));
    assert_int_equal(net(l, 1, party(c, "Re")), -P(98500.51));
    assert_int_equal(net(l, 1, party(c, "C")), -P(900000));
    check_balanced(l, 1);
    check_balanced(l, 0);
    ncm_money cst;
    /* the total cost is derived from the persons and attributed to the single provider */
    assert_int_equal(ncm_ledger_party_totals(l, 1, party(c, "P"), NULL, NULL, &cst, NULL), NCM_OK);
    assert_int_equal(cst, P(200000.56));
    int found = 0;
    for (size_t i = 0; i < ncm_ledger_count(l); i++) {
        if (strcmp(ncm_ledger_what(l, i), "individual stop-loss: 90% of each person's cost between 10000.00 and 60000.00") == 0)
            found |= 1;
        if (strcmp(ncm_ledger_what(l, i), "stop-loss premium") == 0) found |= 2;
    }
    assert_int_equal(found, 3);
    ncm_ledger_free(l);
    /* year 2 without person costs: the individual cover cannot be settled */
    assert_int_equal(ncm_actuals_set_cost(a, 2, NULL, P(1000)), NCM_OK);
    l = NULL;
    expect(ncm_settle(c, a, NULL, &l), NCM_ERR_NOT_FOUND, "year 2: component \"sl\": no per-person costs");
    assert_null(l);
    /* replacing year 1 by n = 0 clears it; an empty year 2 person list keeps the total only */
    ncm_settle_options o = NCM_SETTLE_OPTIONS_INIT;
    o.last_year = 1;
    assert_int_equal(ncm_actuals_set_person_costs(a, 1, 0, NULL, NULL), NCM_OK);
    expect(ncm_settle(c, a, &o, &l), NCM_ERR_NOT_FOUND, "year 1: component \"sl\": no per-person costs");
    /* a single person above the limit with no coinsurance: a second, simpler contract */
    ncm_contract *c2 = load_text(
        "{\"schema\":1,\"name\":\"SL2\",\"form\":\"block\",\"term_years\":1,\"value\":{\"by_year\":[\"100.00\"]},"
        "\"parties\":[{\"name\":\"C\",\"role\":\"commissioner\"},{\"name\":\"P\",\"role\":\"provider\"}],"
        "\"components\":[{\"name\":\"sl\",\"type\":\"stop_loss\",\"attachment\":\"100.00\"}]}");
    ncm_actuals *a2 = NULL;
    assert_int_equal(ncm_actuals_create(c2, &a2), NCM_OK);
    /* 1 x (150.25 - 100) = 50.25 and 1 x (100.01 - 100) = 0.01; no limit, no coinsurance: 50.26 from C */
    const ncm_money c2cost[] = {P(150.25), P(99.99), P(100.01)};
    assert_int_equal(ncm_actuals_set_person_costs(a2, 1, 3, c2cost, NULL), NCM_OK);
    assert_int_equal(ncm_settle(c2, a2, NULL, &l), NCM_OK);
    assert_int_equal(net(l, 1, party(c2, "P")), P(50.26));
    assert_int_equal(net(l, 1, party(c2, "C")), -P(50.26));
    ncm_ledger_free(l);
    ncm_actuals_free(a2);
    ncm_contract_free(c2);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

/* Aggregate stop-loss.
 * (a) Of a payment line, from the total cost alone: threshold 105% of "cap" (0.9 x 1,000,000.00 =
 *     900,000.00) = 945,000.00, coinsurance 25%. Cost 1,000,000.00: 0.75 x 55,000.00 = 41,250.00
 *     (base 55,000.00). Cost 940,000.00 (below): 0.00, base 0. Premium 1.5% of value = 15,000.00.
 * (b) Layered covers: "ind" (reinsurer, attachment 10,000.00, no coinsurance, no limit) before "agg"
 *     (commissioner, 1% of value = 10,000.00, coinsurance 50%). Persons 30,000 + 5,000 + 600,000 =
 *     635,000.00; individual 20,000 + 590,000 = 610,000.00; retained 25,000.00; aggregate
 *     0.5 x (25,000 - 10,000) = 7,500.00. One component with both covers gives the same 610,000.00
 *     and 7,500.00. */
static void test_stop_loss_aggregate(void **state)
{
    (void)state;
    ncm_contract *c = load_text(
        "{\"schema\":1,\"name\":\"AG\",\"form\":\"capitated\",\"term_years\":2,"
        "\"value\":{\"by_year\":[\"1000000.00\",\"1000000.00\"]},"
        "\"parties\":[{\"name\":\"C\",\"role\":\"commissioner\"},{\"name\":\"P\",\"role\":\"provider\"}],"
        "\"components\":[{\"name\":\"cap\",\"type\":\"capitation\",\"share\":0.9},"
        "{\"name\":\"agg\",\"type\":\"stop_loss\",\"aggregate\":{\"threshold\":1.05,\"coinsurance\":0.25,\"of\":\"cap\"},"
        "\"premium\":{\"rate\":0.015}}]}");
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    assert_int_equal(ncm_actuals_set_cost(a, 1, NULL, P(1000000)), NCM_OK);
    assert_int_equal(ncm_actuals_set_cost(a, 2, NULL, P(940000)), NCM_OK);
    ncm_ledger *l = NULL;
    if (ncm_settle(c, a, NULL, &l)) fail_msg("%s", ncm_last_error());
    ncm_money base = -1;
    assert_int_equal(line_of(l, 1, NCM_LINE_STOP_LOSS_AGGREGATE, &base), P(41250));
    assert_int_equal(base, P(55000));
    assert_int_equal(line_of(l, 2, NCM_LINE_STOP_LOSS_AGGREGATE, &base), 0);
    assert_int_equal(base, 0);
    assert_int_equal(line_of(l, 1, NCM_LINE_STOP_LOSS_PREMIUM, &base), P(15000));
    assert_int_equal(base, P(1000000));
    /* P: 900,000 + 41,250 - 15,000 = 926,250.00 in year 1; 885,000.00 in year 2 */
    assert_int_equal(net(l, 1, party(c, "P")), P(926250));
    assert_int_equal(net(l, 2, party(c, "P")), P(885000));
    check_balanced(l, 0);
    int found = 0;
    for (size_t i = 0; i < ncm_ledger_count(l); i++)
        found |= strcmp(ncm_ledger_what(l, i), "aggregate stop-loss: 75% of the retained cost above 105% of \"cap\"") == 0;
    assert_true(found);
    ncm_ledger_free(l);
    /* the bulk settler settles an aggregate-only cover on the total cost: same figures */
    ncm_settler *s = NULL;
    assert_int_equal(ncm_settler_create(c, &s), NCM_OK);
    ncm_money tc[2] = {P(1000000), P(940000)}, pn[2 * 2];
    assert_int_equal(ncm_settler_run(s, 1, 2, tc, NULL, NULL, NULL, NULL, pn), NCM_OK);
    assert_int_equal(pn[1], P(926250));
    assert_int_equal(pn[2 + 1], P(900000 - 15000));
    ncm_settler_free(s);
    ncm_actuals_free(a);
    ncm_contract_free(c);

    const char *layered =
        "{\"schema\":1,\"name\":\"L\",\"form\":\"block\",\"term_years\":1,\"value\":{\"by_year\":[\"1000000.00\"]},"
        "\"parties\":[{\"name\":\"C\",\"role\":\"commissioner\"},{\"name\":\"P\",\"role\":\"provider\"},"
        "{\"name\":\"Re\",\"role\":\"external\"}],"
        "\"components\":[{\"name\":\"ind\",\"type\":\"stop_loss\",\"payer\":\"Re\",\"attachment\":\"10000.00\"},"
        "{\"name\":\"agg\",\"type\":\"stop_loss\",\"aggregate\":{\"threshold\":0.01,\"coinsurance\":0.5}}]}";
    const char *single =
        "{\"schema\":1,\"name\":\"L1\",\"form\":\"block\",\"term_years\":1,\"value\":{\"by_year\":[\"1000000.00\"]},"
        "\"parties\":[{\"name\":\"C\",\"role\":\"commissioner\"},{\"name\":\"P\",\"role\":\"provider\"}],"
        "\"components\":[{\"name\":\"both\",\"type\":\"stop_loss\",\"attachment\":\"10000.00\","
        "\"aggregate\":{\"threshold\":0.01,\"coinsurance\":0.5}}]}";
    const ncm_money pc[] = {P(30000), P(5000), P(600000)};
    for (int v = 0; v < 2; v++) {
        c = load_text(v ? single : layered);
        assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
        assert_int_equal(ncm_actuals_set_person_costs(a, 1, 3, pc, NULL), NCM_OK);
        if (ncm_settle(c, a, NULL, &l)) fail_msg("%s", ncm_last_error());
        assert_int_equal(line_of(l, 1, NCM_LINE_STOP_LOSS, NULL), P(610000));
        assert_int_equal(line_of(l, 1, NCM_LINE_STOP_LOSS_AGGREGATE, &base), P(7500));
        assert_int_equal(base, P(15000));
        assert_int_equal(net(l, 1, party(c, "P")), P(617500));
        check_balanced(l, 1);
        ncm_ledger_free(l);
        /* the bulk settler has no per-person input: the individual cover is ledger-only */
        assert_int_equal(ncm_settler_create(c, &s), NCM_OK);
        ncm_money t1 = P(635000), out[3];
        expect(ncm_settler_run(s, 1, 1, &t1, NULL, NULL, NULL, NULL, out), NCM_ERR_NOT_FOUND, "no per-person costs");
        ncm_settler_free(s);
        ncm_actuals_free(a);
        ncm_contract_free(c);
    }
}

/* Person costs attributed to parties: each party's cost is the sum over its persons, exactly.
 * P: 1,000.10 + 2,000.20 = 3,000.30; S: 500.05; total 3,500.35. The alliance of examples/contracts
 * settles from persons exactly as from the member costs of test_alliance_by_value (year 1 member
 * costs 38, 29, 21 and 8.5m, two persons each): Acute Trust nets 38,700,000.00, GP Federation
 * 8,675,000.00. */
static void test_person_costs_parties(void **state)
{
    (void)state;
    ncm_contract *c = load_text(sl_doc);
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    const ncm_money cost[] = {P(1000.10), P(500.05), P(2000.20)};
    const char *who[] = {"P", "S", "P"};
    assert_int_equal(ncm_actuals_set_person_costs(a, 1, 3, cost, who), NCM_OK);
    ncm_ledger *l = NULL;
    if (ncm_settle(c, a, NULL, &l)) fail_msg("%s", ncm_last_error());
    ncm_money cp, cs, cc;
    assert_int_equal(ncm_ledger_party_totals(l, 1, party(c, "P"), NULL, NULL, &cp, NULL), NCM_OK);
    assert_int_equal(ncm_ledger_party_totals(l, 1, party(c, "S"), NULL, NULL, &cs, NULL), NCM_OK);
    assert_int_equal(ncm_ledger_party_totals(l, 1, party(c, "C"), NULL, NULL, &cc, NULL), NCM_OK);
    assert_int_equal(cp, P(3000.30));
    assert_int_equal(cs, P(500.05));
    assert_int_equal(cc, 0);
    /* no one above the 10,000.00 attachment: only the premium moves besides capitation */
    assert_int_equal(line_of(l, 1, NCM_LINE_STOP_LOSS, NULL), 0);
    ncm_ledger_free(l);
    /* explicit costs that agree are fine; ones that disagree name the year and party */
    assert_int_equal(ncm_actuals_set_cost(a, 1, "S", P(500.05)), NCM_OK);
    assert_int_equal(ncm_actuals_set_cost(a, 1, NULL, P(3500.35)), NCM_OK);
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
    ncm_ledger_free(l);
    l = NULL;
    assert_int_equal(ncm_actuals_set_cost(a, 1, "P", P(3000.31)), NCM_OK);
    expect(ncm_settle(c, a, NULL, &l), NCM_ERR_INCONSISTENT,
           "year 1: cost of \"P\" 3000.31 differs from the sum of its persons' costs 3000.30");
    assert_null(l);
    assert_int_equal(ncm_actuals_set_cost(a, 1, "P", P(3000.30)), NCM_OK);
    assert_int_equal(ncm_actuals_set_cost(a, 1, NULL, P(3500.00)), NCM_OK);
    expect(ncm_settle(c, a, NULL, &l), NCM_ERR_INCONSISTENT,
           "year 1: total cost 3500.00 differs from the sum of the 3 person costs 3500.35");
    /* a party cost given for a party with no persons breaks the total: the existing check */
    assert_int_equal(ncm_actuals_set_cost(a, 1, NULL, P(3500.35)), NCM_OK);
    assert_int_equal(ncm_actuals_set_cost(a, 1, "Re", P(1)), NCM_OK);
    expect(ncm_settle(c, a, NULL, &l), NCM_ERR_INCONSISTENT, "year 1: total cost 3500.35 differs from the sum of party costs");
    ncm_actuals_free(a);
    ncm_contract_free(c);

    c = load(EXAMPLES "alliance_four.json");
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    const ncm_money ac[] = {P(30000000), P(8000000), P(29000000), P(0), P(20000000), P(1000000), P(8000000), P(500000)};
    const char *am[] = {"Acute Trust", "Acute Trust", "Community Trust", "Community Trust",
                        "Mental Health Trust", "Mental Health Trust", "GP Federation", "GP Federation"};
    assert_int_equal(ncm_actuals_set_person_costs(a, 1, 8, ac, am), NCM_OK);
    if (ncm_settle(c, a, NULL, &l)) fail_msg("%s", ncm_last_error());
    assert_int_equal(net(l, 1, party(c, "Acute Trust")), P(38700000));
    assert_int_equal(net(l, 1, party(c, "Mental Health Trust")), P(21350000));
    assert_int_equal(net(l, 1, party(c, "GP Federation")), P(8675000));
    check_balanced(l, 1);
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

/* Bad inputs of the person-cost entry points and the CSV reader: status and message. */
static void test_person_costs_errors(void **state)
{
    (void)state;
    ncm_contract *c = load_text(sl_doc);
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    const ncm_money ok[] = {P(1), P(2)}, neg[] = {P(1), -1}, big[] = {INT64_MAX, 1};
    const char *bad_party[] = {"P", "Nobody"}, *null_party[] = {"P", NULL};
    expect(ncm_actuals_set_person_costs(NULL, 1, 2, ok, NULL), NCM_ERR_INVALID, "NULL argument");
    expect(ncm_actuals_set_person_costs(a, 1, 2, NULL, NULL), NCM_ERR_INVALID, "NULL argument");
    expect(ncm_actuals_set_person_costs(a, 3, 2, ok, NULL), NCM_ERR_RANGE, "year 3 is outside the contract term 1-2");
    expect(ncm_actuals_set_person_costs(a, 1, 2, neg, NULL), NCM_ERR_RANGE, "year 1: person costs: cost[1] = -1 is negative");
    expect(ncm_actuals_set_person_costs(a, 1, 2, big, NULL), NCM_ERR_OVERFLOW, "person costs: the sum is out of range at cost[1]");
    expect(ncm_actuals_set_person_costs(a, 1, 2, ok, bad_party), NCM_ERR_NOT_FOUND, "party[1]: no party named \"Nobody\"");
    expect(ncm_actuals_set_person_costs(a, 1, 2, ok, null_party), NCM_ERR_INVALID, "party[1] is NULL");
    expect(ncm_actuals_read_person_costs_csv(a, NULL), NCM_ERR_INVALID, "NULL argument");
    struct {
        const char *csv;
        ncm_status st;
        const char *msg;
    } cases[] = {
        {"year,cost\n1,5.00\n", NCM_ERR_PARSE, ":1: missing column \"person_id\""},
        {"year,person_id,cost\n1,A,5.00\n1,B,5x\n", NCM_ERR_PARSE, ":3:3 (cost): \"5x\" is not an amount"},
        {"year,person_id,cost\n1,A,-5.00\n", NCM_ERR_RANGE, ":2:3 (cost): -5.00 is negative"},
        {"year,person_id,cost\n3,A,5.00\n", NCM_ERR_RANGE, ":2:1 (year): year 3 is outside the contract term 1-2"},
        {"year,person_id,cost\n1,A,5.00\n2,A,5.00\n1,A,6.00\n", NCM_ERR_DUPLICATE, ":4:2 (person_id): person \"A\" is given twice in year 1"},
        {"year,person_id,cost\n1,,5.00\n", NCM_ERR_PARSE, ":2:2 (person_id): empty person_id"},
        {"year,person_id,cost,party\n1,A,5.00,Nobody\n", NCM_ERR_NOT_FOUND, ":2:4 (party): no party named \"Nobody\""},
        {"year,person_id,cost,party\n1,A,5.00,P\n1,B,5.00,\n", NCM_ERR_PARSE,
         ":3:4 (party): year 1 has rows with and without a party"},
        {"year,person_id,cost\n1,A,5.00\n1,B\n", NCM_ERR_PARSE, ":3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *f = tmpfile_with(cases[i].csv);
        expect(ncm_actuals_read_person_costs_csv(a, f), cases[i].st, cases[i].msg);
        remove(f);
        free(f);
    }
    expect(ncm_actuals_read_person_costs_csv(a, "/nonexistent/p.csv"), NCM_ERR_IO, "/nonexistent/p.csv");
    /* nothing was changed by the failures: no year has actuals, so the ledger is empty */
    ncm_ledger *l = NULL;
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
    assert_int_equal(ncm_ledger_count(l), 0);
    ncm_ledger_free(l);
    /* a good file: years attributed independently; a year absent keeps what it had */
    assert_int_equal(ncm_actuals_set_cost(a, 2, NULL, P(7)), NCM_OK);
    const ncm_money two[] = {P(3), P(4)};
    assert_int_equal(ncm_actuals_set_person_costs(a, 2, 2, two, NULL), NCM_OK);
    char *f = tmpfile_with("year,person_id,cost,party\n1,A,20000.00,P\n1,B,1.00,S\n");
    assert_int_equal(ncm_actuals_read_person_costs_csv(a, f), NCM_OK);
    remove(f);
    free(f);
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
    /* year 1: 0.9 x (20,000 - 10,000) = 9,000.00; year 2: nobody above 10,000.00 */
    assert_int_equal(line_of(l, 1, NCM_LINE_STOP_LOSS, NULL), P(9000));
    assert_int_equal(line_of(l, 2, NCM_LINE_STOP_LOSS, NULL), 0);
    ncm_money cs;
    assert_int_equal(ncm_ledger_party_totals(l, 1, party(c, "S"), NULL, NULL, &cs, NULL), NCM_OK);
    assert_int_equal(cs, P(1));
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

/* The shipped example (worked by hand in examples/c/stop_loss_complex_care.c), through the CSV
 * reader and the CLI: year 1 individual 227,457.18, no aggregate, premium 24,000.00; year 2
 * individual 264,000.00, aggregate 44,800.00 (base 89,600.00), premium 24,480.00; the provider's
 * result over the two years is -38,222.82. */
static void test_stop_loss_example(void **state)
{
    (void)state;
    ncm_contract *c = load(EXAMPLES "stop_loss_complex_care.json");
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    assert_int_equal(ncm_actuals_read_person_costs_csv(a, EXAMPLES "stop_loss_complex_care_person_costs.csv"), NCM_OK);
    ncm_ledger *l = NULL;
    if (ncm_settle(c, a, NULL, &l)) fail_msg("%s", ncm_last_error());
    ncm_money base = 0;
    assert_int_equal(line_of(l, 1, NCM_LINE_STOP_LOSS, &base), P(227457.18));
    assert_int_equal(base, P(284321.47));
    assert_int_equal(line_of(l, 1, NCM_LINE_STOP_LOSS_AGGREGATE, NULL), 0);
    assert_int_equal(line_of(l, 1, NCM_LINE_STOP_LOSS_PREMIUM, NULL), P(24000));
    assert_int_equal(line_of(l, 2, NCM_LINE_STOP_LOSS, NULL), P(264000));
    assert_int_equal(line_of(l, 2, NCM_LINE_STOP_LOSS_AGGREGATE, &base), P(44800));
    assert_int_equal(base, P(89600));
    assert_int_equal(line_of(l, 2, NCM_LINE_STOP_LOSS_PREMIUM, NULL), P(24480));
    size_t prov = party(c, "Northshire Health Partners");
    ncm_money in, out, cost;
    assert_int_equal(ncm_ledger_party_totals(l, 0, prov, &in, &out, &cost, NULL), NCM_OK);
    assert_int_equal(cost, P(2950000));
    assert_int_equal(in - out - cost, -P(38222.82));
    check_balanced(l, 0);
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
    /* the CLI, with person costs only */
    char cmd[2048], outp[] = "/tmp/ncm_cli_sl_XXXXXX";
    close(mkstemp(outp));
    snprintf(cmd, sizeof cmd,
             "%s settle --contract %sstop_loss_complex_care.json --person-costs %sstop_loss_complex_care_person_costs.csv "
             "--out %s --summary > %s.sum",
             NCM_CLI, EXAMPLES, EXAMPLES, outp, outp);
    assert_int_equal(run(cmd), 0);
    char sum[600];
    snprintf(sum, sizeof sum, "%s.sum", outp);
    char *s = slurp(sum);
    assert_non_null(strstr(s, "Northshire Health Partners,2960257.18,48480.00,2911777.18,2950000.00,-38222.82,"));
    char *csv = slurp(outp);
    assert_non_null(strstr(csv, "2,aggregate cover,stop_loss_aggregate,aggregate stop-loss: 50% of the retained cost above "
                                "110% of the year's value,Northshire ICB,Northshire Health Partners,89600.00,0.5,44800.00,"));
    /* neither --actuals nor --person-costs: a usage error (exit 2) naming both */
    snprintf(cmd, sizeof cmd, "%s settle --contract %sstop_loss_complex_care.json --out %s 2>%s.sum", NCM_CLI, EXAMPLES,
             outp, outp);
    assert_int_equal(run(cmd), 2);
    free(s);
    s = slurp(sum);
    assert_non_null(strstr(s, "--actuals (or --person-costs) is required"));
    remove(sum);
    remove(outp);
    free(s);
    free(csv);
}

/* Allocation failures on the new entry points: NOMEM with nothing changed, until they succeed. */
static void test_person_costs_alloc_failures(void **state)
{
    (void)state;
    ncm_contract *c = load_text(sl_doc);
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    const ncm_money cost[] = {P(20000), P(1)};
    const char *who[] = {"P", "S"};
    int ok = 0;
    for (unsigned long k = 1; k < 100 && !ok; k++) {
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_actuals_set_person_costs(a, 1, 2, cost, who);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) ok = 1;
        else assert_int_equal(st, NCM_ERR_NOMEM);
    }
    assert_true(ok);
    char *f = tmpfile_with("year,person_id,cost,party\n2,A,30000.00,P\n2,B,1.00,S\n2,C,2.00,S\n");
    ok = 0;
    for (unsigned long k = 1; k < 200 && !ok; k++) {
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_actuals_read_person_costs_csv(a, f);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) ok = 1;
        else {
            assert_int_equal(st, NCM_ERR_NOMEM);
            /* unchanged: year 2 has no actuals, so only year 1 is settled */
            ncm_ledger *l = NULL;
            assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
            size_t ny = 0;
            assert_int_equal(ncm_ledger_years(l, NULL, 0, &ny), NCM_OK);
            assert_int_equal(ny, 1);
            ncm_ledger_free(l);
        }
    }
    assert_true(ok);
    remove(f);
    free(f);
    ok = 0;
    for (unsigned long k = 1; k < 200 && !ok; k++) {
        ncm_ledger *l = (ncm_ledger *)(uintptr_t)1;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_settle(c, a, NULL, &l);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            ok = 1;
            /* year 1: 0.9 x 10,000 = 9,000.00; year 2: 0.9 x 20,000 = 18,000.00 */
            assert_int_equal(line_of(l, 1, NCM_LINE_STOP_LOSS, NULL), P(9000));
            assert_int_equal(line_of(l, 2, NCM_LINE_STOP_LOSS, NULL), P(18000));
            ncm_ledger_free(l);
        } else {
            assert_int_equal(st, NCM_ERR_NOMEM);
            assert_ptr_equal(l, (ncm_ledger *)(uintptr_t)1);
        }
    }
    assert_true(ok);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

/* The bulk settler from per-person costs gives the ledger's figures (the shipped example, year by
 * year as one trial each: the provider nets 1,200,000 - 24,000 + 227,457.18 = 1,403,457.18 in year 1
 * and 1,224,000 - 24,480 + 264,000 + 44,800 = 1,508,320.00 in year 2), and a trial with no person
 * gets only the capitation less the premium; bad inputs give status and message. */
static void test_settler_persons(void **state)
{
    (void)state;
    ncm_contract *c = load(EXAMPLES "stop_loss_complex_care.json");
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    assert_int_equal(ncm_actuals_read_person_costs_csv(a, EXAMPLES "stop_loss_complex_care_person_costs.csv"), NCM_OK);
    ncm_ledger *l = NULL;
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
    /* the person costs of the example, read back from the CSV by hand */
    FILE *f = fopen(EXAMPLES "stop_loss_complex_care_person_costs.csv", "r");
    assert_non_null(f);
    char buf[200];
    ncm_money cost[2][64];
    size_t np[2] = {0, 0};
    assert_non_null(fgets(buf, sizeof buf, f));
    while (fgets(buf, sizeof buf, f)) {
        unsigned y;
        char id[32];
        double v;
        assert_int_equal(sscanf(buf, "%u,%31[^,],%lf", &y, id, &v), 3);
        cost[y - 1][np[y - 1]++] = P(v);
    }
    fclose(f);
    assert_int_equal(np[0], 20);
    assert_int_equal(np[1], 30);
    ncm_settler *s = NULL;
    assert_int_equal(ncm_settler_create(c, &s), NCM_OK);
    const size_t npar = ncm_contract_party_count(c), prov = party(c, "Northshire Health Partners");
    for (unsigned y = 1; y <= 2; y++) {
        /* trial 0: the year's persons; trial 1: nobody */
        size_t off[3] = {0, np[y - 1], np[y - 1]};
        ncm_money netv[2 * 3];
        assert_int_equal(ncm_settler_run_persons(s, y, 2, off, cost[y - 1], NULL, NULL, NULL, NULL, netv), NCM_OK);
        for (size_t p = 0; p < npar; p++) assert_int_equal(netv[p], net(l, y, p));
        assert_int_equal(netv[prov], y == 1 ? P(1403457.18) : P(1508320));
        assert_int_equal(netv[npar + prov], y == 1 ? P(1200000 - 24000) : P(1224000 - 24480));
    }
    /* ncm_settler_run has no persons: the individual cover is refused */
    ncm_money tc = P(1250000), out3[3];
    expect(ncm_settler_run(s, 1, 1, &tc, NULL, NULL, NULL, NULL, out3), NCM_ERR_NOT_FOUND, "use ncm_settler_run_persons");
    size_t bad_off[2] = {2, 1};
    expect(ncm_settler_run_persons(s, 1, 1, bad_off, cost[0], NULL, NULL, NULL, NULL, out3), NCM_ERR_INVALID,
           "person_offset[1] = 1 is below person_offset[0] = 2");
    size_t off1[2] = {0, 2};
    expect(ncm_settler_run_persons(s, 1, 1, off1, NULL, NULL, NULL, NULL, NULL, out3), NCM_ERR_INVALID, "NULL argument");
    ncm_money neg[2] = {P(5), -1};
    expect(ncm_settler_run_persons(s, 1, 1, off1, neg, NULL, NULL, NULL, NULL, out3), NCM_ERR_RANGE,
           "trial 0: person cost 1 = -1 is negative");
    ncm_money pc3[3] = {0, P(1), 0}; /* party costs 1.00 against a person total of 5.00 */
    ncm_money five[2] = {P(2), P(3)};
    expect(ncm_settler_run_persons(s, 1, 1, off1, five, pc3, NULL, NULL, NULL, out3), NCM_ERR_INCONSISTENT,
           "total cost 5.00 differs from the sum of party costs 1.00");
    expect(ncm_settler_run_persons(s, 3, 1, off1, five, NULL, NULL, NULL, NULL, out3), NCM_ERR_RANGE, "year 3 is outside");
    ncm_settler_free(s);
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bedfordshire),          cmocka_unit_test(test_true_up),
        cmocka_unit_test(test_unitingcare),           cmocka_unit_test(test_alliance_by_value),
        cmocka_unit_test(test_alliance_other_splits), cmocka_unit_test(test_components),
        cmocka_unit_test(test_threshold_and_cap_lines), cmocka_unit_test(test_framework_scored_pot),
        cmocka_unit_test(test_tight_line_bound), cmocka_unit_test(test_component_total_overflow),     cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_settle_errors),         cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_writers_deterministic), cmocka_unit_test(test_bulk_matches_ledger),
        cmocka_unit_test(test_cli),                   
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_stop_loss_individual),  cmocka_unit_test(test_stop_loss_aggregate),
        cmocka_unit_test(test_person_costs_parties),  cmocka_unit_test(test_person_costs_errors),
        cmocka_unit_test(test_stop_loss_example),     cmocka_unit_test(test_person_costs_alloc_failures),
        cmocka_unit_test(test_settler_persons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
