/* Monte Carlo engine: analytic cases (zero variance = the deterministic settlement, lognormal and
 * gamma moments, a normal total's P(deficit) and expected shortfall), determinism across thread
 * counts, paired comparison, bid search, cancellation, scenario errors, write/read round trip and
 * allocation-failure walks. Expected figures are computed in the test from the formulas in
 * simulate.h / DOMAIN.md, or by ncm_settle() on actuals built here. */
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

/* A prime contract: capitation (share 1), a 10% outcome pot carved from it from year 2, and a
 * corridor: surplus [0, 5%) kept, beyond 50/50; deficit borne in full. Values 100m, 102m, 104m. */
#define PRIME_CONTRACT                                                                                                 \
    "{\"schema\": 1, \"name\": \"prime\", \"form\": \"prime_provider\", \"term_years\": 3,"                            \
    " \"value\": {\"by_year\": [\"100000000.00\", \"102000000.00\", \"104000000.00\"]},"                               \
    " \"parties\": [{\"name\": \"CCG\", \"role\": \"commissioner\"}, {\"name\": \"Prime\", \"role\": \"prime\"}],"     \
    " \"components\": [{\"name\": \"capitation\", \"type\": \"capitation\", \"share\": 1},"                           \
    "  {\"name\": \"outcomes\", \"type\": \"outcome_pot\", \"from_year\": 2, \"share\": 0.1, \"carve_from\": "         \
    "\"capitation\"},"                                                                                                 \
    "  {\"name\": \"corridor\", \"type\": \"risk_share\", \"base\": \"capitation\", \"schedule\": {\"schema\": "        \
    "\"ncm.riskshare/1\", \"surplus\": {\"bands\": [{\"from\": 0, \"to\": 0.05, \"provider_share\": 1}, {\"from\": "   \
    "0.05, \"to\": null, \"provider_share\": 0.5}]}, \"deficit\": {\"bands\": [{\"from\": 0, \"to\": null, "           \
    "\"provider_share\": 1}]}}}]}"

/* One year, capitation only: provider result = V - cost exactly. */
#define SIMPLE_CONTRACT(V)                                                                                             \
    "{\"schema\": 1, \"name\": \"simple\", \"form\": \"capitated\", \"term_years\": 1,"                                \
    " \"value\": {\"by_year\": [\"" V "\"]},"                                                                          \
    " \"parties\": [{\"name\": \"CCG\", \"role\": \"commissioner\"}, {\"name\": \"Prov\", \"role\": \"provider\"}],"   \
    " \"components\": [{\"name\": \"capitation\", \"type\": \"capitation\", \"share\": 1}]}"

static ncm_scenario *load_text(const char *text)
{
    ncm_scenario *sc = NULL;
    ncm_status st = ncm_scenario_load_string(text, "s.json", NCM_TEST_DATA "/simulate", &sc);
    if (st != NCM_OK) fail_msg("%s", ncm_last_error());
    return sc;
}

static ncm_sim_results *run(const ncm_scenario *sc, uint64_t trials, unsigned threads, ncm_sim_mode mode)
{
    ncm_sim_options o;
    ncm_sim_options_init(&o);
    o.trials = trials;
    o.threads = threads;
    o.mode = mode;
    o.seed = 7;
    ncm_sim_results *r = NULL;
    ncm_status st = ncm_simulate(sc, &o, &r);
    if (st != NCM_OK) fail_msg("%s", ncm_last_error());
    return r;
}

/* ---------------------------------------------------------------- zero variance = ncm_settle */

static const char *zero_var_scenario =
    "{\"schema\": \"ncm.scenario/1\", \"name\": \"zero\", \"term_years\": 3,"
    " \"segments\": [{\"name\": \"a\", \"people\": 1000, \"cost\": {\"mean\": \"60000.00\", \"cv\": 0}},"
    "                {\"name\": \"b\", \"people\": 500, \"cost\": {\"mean\": \"90000.00\", \"cv\": 0}}],"
    " \"cost_inflation\": 0.02, \"demand_growth\": 0.01,"
    " \"efficiency\": {\"assumed\": 0.1, \"delivered\": {\"mean\": 0.04, \"sd\": 0}, \"ramp_years\": 2},"
    " \"outcomes\": {\"distribution\": \"fixed\", \"mean\": 0.6},"
    " \"designs\": [{\"name\": \"prime\", \"contract\": " PRIME_CONTRACT "}]}";

static void test_zero_variance_equals_settlement(void **state)
{
    (void)state;
    ncm_scenario *sc = load_text(zero_var_scenario);
    ncm_sim_results *r = run(sc, 5, 2, NCM_SIM_MODE_SEGMENT);
    const ncm_contract *c = ncm_scenario_design_contract(sc, 0);
    /* cost of year y: (1000 x 60,000 + 500 x 90,000) x 1.02^(y-1) x 1.01^(y-1) x (1 - 0.04 min(1, y/2))
     * = 105m x ... : y1 105m x 0.98 = 102.9m (above the 100m value: a deficit);
     * y2 105m x 1.0302 x 0.96 = 103,844,160; y3 105m x 1.0302^2 x 0.96 */
    double base = 1000 * 6000000.0 + 500 * 9000000.0;
    ncm_actuals *a = NULL;
    assert_int_equal(ncm_actuals_create(c, &a), NCM_OK);
    ncm_money cost[3];
    double g = 1;
    for (unsigned y = 1; y <= 3; y++) {
        double ramp = y / 2.0 > 1 ? 1 : y / 2.0;
        cost[y - 1] = (ncm_money)floor(base * g * (1 - 0.04 * ramp) + 0.5);
        g *= 1.02 * 1.01;
        assert_int_equal(ncm_actuals_set_cost(a, y, NULL, cost[y - 1]), NCM_OK);
        assert_int_equal(ncm_actuals_set_score(a, y, NULL, 0.6), NCM_OK);
    }
    assert_int_equal(cost[0], 10290000000LL);
    ncm_ledger *l = NULL;
    assert_int_equal(ncm_settle(c, a, NULL, &l), NCM_OK);
    /* the commissioner's plan: cost = value, score 1 */
    ncm_actuals *plan = NULL;
    assert_int_equal(ncm_actuals_create(c, &plan), NCM_OK);
    for (unsigned y = 1; y <= 3; y++) {
        ncm_money v;
        ncm_contract_value(c, y, &v);
        ncm_actuals_set_cost(plan, y, NULL, v);
        ncm_actuals_set_score(plan, y, NULL, 1.0);
    }
    ncm_ledger *lp = NULL;
    assert_int_equal(ncm_settle(c, plan, NULL, &lp), NCM_OK);
    ncm_money vals[5], term_prov = 0;
    for (unsigned y = 1; y <= 3; y++) {
        ncm_money rec, paid, pc, crec, cpaid, prec, ppaid;
        assert_int_equal(ncm_ledger_party_totals(l, y, 1, &rec, &paid, &pc, NULL), NCM_OK);
        assert_int_equal(pc, cost[y - 1]);
        ncm_money prov = rec - paid - cost[y - 1];
        term_prov += prov;
        assert_int_equal(ncm_sim_results_trial_values(r, 0, 1, y, vals, 5), NCM_OK);
        for (int t = 0; t < 5; t++) assert_int_equal(vals[t], prov);
        assert_int_equal(ncm_sim_results_trial_values(r, 0, 2, y, vals, 5), NCM_OK); /* "providers" */
        for (int t = 0; t < 5; t++) assert_int_equal(vals[t], prov);
        assert_int_equal(ncm_ledger_party_totals(l, y, 0, &crec, &cpaid, NULL, NULL), NCM_OK);
        assert_int_equal(ncm_ledger_party_totals(lp, y, 0, &prec, &ppaid, NULL, NULL), NCM_OK);
        ncm_money comm = (crec - cpaid) - (prec - ppaid);
        assert_int_equal(ncm_sim_results_trial_values(r, 0, 0, y, vals, 5), NCM_OK);
        for (int t = 0; t < 5; t++) assert_int_equal(vals[t], comm);
    }
    /* year 1: value 100m, cost 102.9m, deficit borne in full: result -2.9m */
    assert_int_equal(ncm_sim_results_trial_values(r, 0, 1, 1, vals, 5), NCM_OK);
    assert_int_equal(vals[0], -290000000LL);
    assert_int_equal(ncm_sim_results_trial_values(r, 0, 1, 0, vals, 5), NCM_OK);
    assert_int_equal(vals[0], term_prov);
    double st[NCM_SIM_STAT_COUNT], se[NCM_SIM_STAT_COUNT];
    assert_int_equal(ncm_sim_results_stats(r, 0, 1, 1, st, se, NCM_SIM_STAT_COUNT), NCM_OK);
    assert_true(st[NCM_SIM_MEAN] == -290000000.0);
    assert_true(st[NCM_SIM_SD] == 0.0);
    assert_true(st[NCM_SIM_P_DEFICIT] == 1.0);
    assert_true(st[NCM_SIM_Q50] == -290000000.0);
    assert_true(isnan(st[NCM_SIM_P_CAP]));
    /* person mode with every person costing the mean: each person's cost is rounded to the penny,
     * so the gross cost of a year is sum_s n_s x round(m_s x F_y) */
    ncm_sim_results *rp = run(sc, 3, 1, NCM_SIM_MODE_PERSON);
    ncm_money pv[3];
    g = 1;
    for (unsigned y = 1; y <= 3; y++) {
        double ramp = y / 2.0 > 1 ? 1 : y / 2.0, F = g * (1 - 0.04 * ramp);
        ncm_money want = 1000 * (ncm_money)floor(6000000.0 * F + 0.5) + 500 * (ncm_money)floor(9000000.0 * F + 0.5);
        g *= 1.02 * 1.01;
        assert_int_equal(ncm_sim_results_cost(rp, y, pv, 3), NCM_OK);
        assert_int_equal(pv[0], want);
        assert_int_equal(pv[2], want);
        assert_true(llabs(want - cost[y - 1]) < 1500); /* within a penny a person of the segment figure */
    }
    ncm_sim_results_free(rp);
    ncm_ledger_free(l);
    ncm_ledger_free(lp);
    ncm_actuals_free(a);
    ncm_actuals_free(plan);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);
}

/* ---------------------------------------------------------------- lognormal / gamma moments */

static void check_moments(const char *dist, int person_mode)
{
    /* One person per trial and year: the gross cost is one draw of the distribution (mean 1000.00, cv 0.5). */
    char text[4096];
    snprintf(text, sizeof text,
             "{\"schema\": \"ncm.scenario/1\", \"term_years\": 1, \"mode\": \"%s\","
             " \"segments\": [{\"name\": \"x\", \"people\": 1, \"cost\": {\"distribution\": \"%s\", \"mean\": "
             "\"1000.00\", \"cv\": 0.5}}],"
             " \"designs\": [{\"name\": \"d\", \"contract\": " SIMPLE_CONTRACT("1000.00") "}]}",
             person_mode ? "person" : "segment", dist);
    ncm_scenario *sc = load_text(text);
    size_t N = 40000;
    ncm_sim_results *r = run(sc, N, 2, NCM_SIM_MODE_DEFAULT);
    ncm_money *x = malloc(N * sizeof *x);
    assert_int_equal(ncm_sim_results_cost(r, 1, x, N), NCM_OK);
    double m = 0, v = 0;
    for (size_t i = 0; i < N; i++) m += (double)x[i];
    m /= (double)N;
    for (size_t i = 0; i < N; i++) v += ((double)x[i] - m) * ((double)x[i] - m);
    v /= (double)(N - 1);
    /* true mean 100,000 pence, variance (0.5 x 100,000)^2 = 2.5e9. Fourth central moment:
     * lognormal: raw moments E[X^k] = exp(k mu + k^2 s2 / 2), s2 = ln(1.25);
     * gamma (shape 4, scale 25,000): mu4 = 3 k (k + 2) theta^4. */
    double mean = 100000, var = 2.5e9, mu4;
    if (strcmp(dist, "lognormal") == 0) {
        double s2 = log(1.25), mu = log(mean) - s2 / 2;
        double e1 = exp(mu + s2 / 2), e2 = exp(2 * mu + 2 * s2), e3 = exp(3 * mu + 4.5 * s2), e4 = exp(4 * mu + 8 * s2);
        mu4 = e4 - 4 * e3 * e1 + 6 * e2 * e1 * e1 - 3 * pow(e1, 4);
    } else {
        double k = 4, th = 25000;
        mu4 = 3 * k * (k + 2) * pow(th, 4);
    }
    double se_m = sqrt(var / (double)N), se_v = sqrt((mu4 - var * var) / (double)N);
    if (fabs(m - mean) > 4 * se_m) fail_msg("%s: mean %g vs %g (se %g)", dist, m, mean, se_m);
    if (fabs(v - var) > 4 * se_v) fail_msg("%s: variance %g vs %g (se %g)", dist, v, var, se_v);
    /* the provider's result is 1000.00 - cost: its reported mean and its standard error agree */
    double st[NCM_SIM_STAT_COUNT], se[NCM_SIM_STAT_COUNT];
    assert_int_equal(ncm_sim_results_stats(r, 0, 1, 0, st, se, NCM_SIM_STAT_COUNT), NCM_OK);
    assert_true(fabs(st[NCM_SIM_MEAN] - (100000 - m)) < 1e-6 * 100000);
    assert_true(fabs(se[NCM_SIM_MEAN] - sqrt(v / (double)N)) < 1e-3 * se[NCM_SIM_MEAN]);
    free(x);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);
}

static void test_lognormal_moments(void **state)
{
    (void)state;
    check_moments("lognormal", 1);
}

static void test_gamma_moments(void **state)
{
    (void)state;
    check_moments("gamma", 1);
}

/* ---------------------------------------------------------------- normal total */

static double norm_cdf(double x) { return 0.5 * erfc(-x / sqrt(2.0)); }

static void test_normal_total_p_deficit(void **state)
{
    (void)state;
    /* Segment mode: 10,000 people, mean 100.00, cv 2: total ~ normal(1,000,000.00, sd 100 x 2 x 100.00
     * = 20,000.00). Value 1,016,832.42 = mean + 0.841621 sd, so P(deficit) = P(cost > value) = 0.2. */
    const char *text = "{\"schema\": \"ncm.scenario/1\", \"term_years\": 1,"
                       " \"segments\": [{\"name\": \"x\", \"people\": 10000, \"cost\": {\"mean\": \"100.00\", \"cv\": 2}}],"
                       " \"designs\": [{\"name\": \"d\", \"contract\": " SIMPLE_CONTRACT("1016832.42") "}]}";
    ncm_scenario *sc = load_text(text);
    size_t N = 20000;
    ncm_sim_results *r = run(sc, N, 2, NCM_SIM_MODE_DEFAULT);
    double st[NCM_SIM_STAT_COUNT], se[NCM_SIM_STAT_COUNT];
    assert_int_equal(ncm_sim_results_stats(r, 0, 1, 1, st, se, NCM_SIM_STAT_COUNT), NCM_OK);
    double sd = 2000000.0, z = (101683242.0 - 100000000.0) / sd, p = 1 - norm_cdf(z);
    assert_true(fabs(p - 0.2) < 1e-4);
    if (fabs(st[NCM_SIM_P_DEFICIT] - p) > 4 * se[NCM_SIM_P_DEFICIT])
        fail_msg("P(deficit) %g vs %g (se %g)", st[NCM_SIM_P_DEFICIT], p, se[NCM_SIM_P_DEFICIT]);
    /* result ~ normal(mu_r = 1,683,242 pence, sd); ES05 = mu_r - sd phi(1.644854) / 0.05 */
    double mu_r = 101683242.0 - 100000000.0, phi = exp(-0.5 * 1.644854 * 1.644854) / sqrt(2 * 3.14159265358979323846);
    double es = mu_r - sd * phi / 0.05;
    if (fabs(st[NCM_SIM_ES05] - es) > 4 * se[NCM_SIM_ES05])
        fail_msg("ES %g vs %g (se %g)", st[NCM_SIM_ES05], es, se[NCM_SIM_ES05]);
    double q05 = mu_r - 1.644854 * sd;
    if (fabs(st[NCM_SIM_Q05] - q05) > 4 * se[NCM_SIM_Q05]) fail_msg("Q05 %g vs %g", st[NCM_SIM_Q05], q05);
    if (fabs(st[NCM_SIM_SD] - sd) > 4 * se[NCM_SIM_SD]) fail_msg("SD %g vs %g", st[NCM_SIM_SD], sd);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);
}

/* ---------------------------------------------------------------- systematic factors */

#define POT_CONTRACT                                                                                                   \
    "{\"schema\": 1, \"name\": \"pot\", \"form\": \"capitated\", \"term_years\": 2,"                                 \
    " \"value\": {\"by_year\": [\"1000000.00\", \"1000000.00\"]},"                                                     \
    " \"parties\": [{\"name\": \"CCG\", \"role\": \"commissioner\"}, {\"name\": \"Prov\", \"role\": \"provider\"}],"  \
    " \"components\": [{\"name\": \"capitation\", \"type\": \"capitation\", \"share\": 1},"                            \
    "  {\"name\": \"outcomes\", \"type\": \"outcome_pot\", \"share\": 0.1, \"carve_from\": \"capitation\"}]}"

static void mean_sd(const double *x, size_t n, double *m, double *sd)
{
    double a = 0, b = 0;
    for (size_t i = 0; i < n; i++) a += x[i];
    a /= (double)n;
    for (size_t i = 0; i < n; i++) b += (x[i] - a) * (x[i] - a);
    *m = a;
    *sd = sqrt(b / (double)(n - 1));
}

static void test_systematic_factors(void **state)
{
    (void)state;
    /* 1000 people at 1,000.00 with no individual variance: gross = 100,000,000 pence x (1 - e).
     * e ~ normal(0.05, 0.02) (clipping at 0 is 2.5 sd away: negligible); score ~ beta(mean 0.6, sd 0.15).
     * The provider receives 90% of V plus the pot 10% V x score, so score = 1 - (V - cost - result) / (0.1 V). */
    const char *text = "{\"schema\": \"ncm.scenario/1\", \"term_years\": 2,"
                       " \"segments\": [{\"name\": \"x\", \"people\": 1000, \"cost\": {\"mean\": \"1000.00\", \"cv\": 0}}],"
                       " \"efficiency\": {\"delivered\": {\"mean\": 0.05, \"sd\": 0.02}},"
                       " \"outcomes\": {\"distribution\": \"beta\", \"mean\": 0.6, \"sd\": 0.15},"
                       " \"designs\": [{\"name\": \"d\", \"contract\": " POT_CONTRACT "}]}";
    ncm_scenario *sc = load_text(text);
    size_t N = 10000;
    ncm_sim_results *r = run(sc, N, 2, NCM_SIM_MODE_SEGMENT);
    ncm_money *c1 = malloc(N * sizeof *c1), *c2 = malloc(N * sizeof *c2), *res = malloc(N * sizeof *res);
    double *e = malloc(N * sizeof *e), *sc1 = malloc(N * sizeof *sc1);
    assert_int_equal(ncm_sim_results_cost(r, 1, c1, N), NCM_OK);
    assert_int_equal(ncm_sim_results_cost(r, 2, c2, N), NCM_OK);
    assert_int_equal(ncm_sim_results_trial_values(r, 0, 1, 1, res, N), NCM_OK);
    for (size_t t = 0; t < N; t++) {
        assert_int_equal(c1[t], c2[t]); /* e is drawn once per trial; no growth */
        e[t] = 1.0 - (double)c1[t] / 1e8;
        sc1[t] = 1.0 - (1e8 - (double)c1[t] - (double)res[t]) / 1e7;
    }
    double m, sd;
    mean_sd(e, N, &m, &sd);
    if (fabs(m - 0.05) > 4 * 0.02 / sqrt((double)N)) fail_msg("efficiency mean %g", m);
    if (fabs(sd - 0.02) > 4 * 0.02 / sqrt(2.0 * (double)N)) fail_msg("efficiency sd %g", sd);
    mean_sd(sc1, N, &m, &sd);
    /* beta(a, b) with a + b = m (1 - m) / v - 1 = 9.667: kurtosis is mild; use 5 standard errors */
    if (fabs(m - 0.6) > 4 * 0.15 / sqrt((double)N)) fail_msg("score mean %g", m);
    if (fabs(sd - 0.15) > 5 * 0.15 / sqrt(2.0 * (double)N)) fail_msg("score sd %g", sd);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);
    /* a shock of +10% with probability 0.3 each year, independent: c2 / c1 is 1.1 with probability
     * 0.3 x 0.7 = 0.21, 1 / 1.1 with 0.21, and 1 with 0.58 */
    const char *text2 = "{\"schema\": \"ncm.scenario/1\", \"term_years\": 2,"
                        " \"segments\": [{\"name\": \"x\", \"people\": 1000, \"cost\": {\"mean\": \"1000.00\", \"cv\": 0}}],"
                        " \"shocks\": [{\"name\": \"winter\", \"probability\": 0.3, \"cost_increase\": 0.1}],"
                        " \"designs\": [{\"name\": \"d\", \"contract\": " POT_CONTRACT "}]}";
    sc = load_text(text2);
    r = run(sc, N, 3, NCM_SIM_MODE_SEGMENT);
    assert_int_equal(ncm_sim_results_cost(r, 1, c1, N), NCM_OK);
    assert_int_equal(ncm_sim_results_cost(r, 2, c2, N), NCM_OK);
    size_t up = 0, down = 0, same = 0;
    for (size_t t = 0; t < N; t++) {
        assert_true(c1[t] == 100000000 || c1[t] == 110000000);
        if (c2[t] > c1[t]) up++;
        else if (c2[t] < c1[t]) down++;
        else same++;
    }
    double se21 = sqrt(0.21 * 0.79 / (double)N), se58 = sqrt(0.58 * 0.42 / (double)N);
    assert_true(fabs((double)up / (double)N - 0.21) < 4 * se21);
    assert_true(fabs((double)down / (double)N - 0.21) < 4 * se21);
    assert_true(fabs((double)same / (double)N - 0.58) < 4 * se58);
    free(c1);
    free(c2);
    free(res);
    free(e);
    free(sc1);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);
}

/* A risk share capping the provider's loss at 2% of the base: with a normal total cost of mean
 * 1,000,000.00 and sd 20,000.00 against a value of 1,000,000.00 the cap (20,000.00) binds when the
 * cost exceeds 1,020,000.00: P = 1 - Phi(1) = 0.158655. */
static void test_risk_share_cap(void **state)
{
    (void)state;
    const char *text =
        "{\"schema\": \"ncm.scenario/1\", \"term_years\": 1,"
        " \"segments\": [{\"name\": \"x\", \"people\": 10000, \"cost\": {\"mean\": \"100.00\", \"cv\": 2}}],"
        " \"designs\": [{\"name\": \"capped\", \"contract\": "
        "{\"schema\": 1, \"name\": \"capped\", \"form\": \"capitated\", \"term_years\": 1,"
        " \"value\": {\"by_year\": [\"1000000.00\"]},"
        " \"parties\": [{\"name\": \"CCG\", \"role\": \"commissioner\"}, {\"name\": \"Prov\", \"role\": \"provider\"}],"
        " \"components\": [{\"name\": \"capitation\", \"type\": \"capitation\", \"share\": 1},"
        "  {\"name\": \"risk\", \"type\": \"risk_share\", \"base\": \"capitation\", \"schedule\": {\"schema\": "
        "\"ncm.riskshare/1\", \"surplus\": {\"bands\": [{\"from\": 0, \"to\": null, \"provider_share\": 1}]},"
        " \"deficit\": {\"bands\": [{\"from\": 0, \"to\": null, \"provider_share\": 1}], \"cap\": {\"rate\": 0.02}}}}]}},"
        " {\"name\": \"uncapped\", \"contract\": " SIMPLE_CONTRACT("1000000.00") "}]}";
    ncm_scenario *sc = load_text(text);
    size_t N = 20000;
    ncm_sim_results *r = run(sc, N, 2, NCM_SIM_MODE_SEGMENT);
    double st[NCM_SIM_STAT_COUNT], se[NCM_SIM_STAT_COUNT];
    assert_int_equal(ncm_sim_results_stats(r, 0, 1, 1, st, se, NCM_SIM_STAT_COUNT), NCM_OK);
    double p = 0.158655;
    if (fabs(st[NCM_SIM_P_LIMIT] - p) > 4 * sqrt(p * (1 - p) / (double)N))
        fail_msg("P(limit) %g vs %g", st[NCM_SIM_P_LIMIT], p);
    /* the provider never loses more than 20,000.00; the commissioner takes the rest */
    ncm_money *v = malloc(N * sizeof *v), *c = malloc(N * sizeof *c);
    assert_int_equal(ncm_sim_results_trial_values(r, 0, 1, 1, v, N), NCM_OK);
    assert_int_equal(ncm_sim_results_cost(r, 1, c, N), NCM_OK);
    size_t hits = 0;
    for (size_t t = 0; t < N; t++) {
        ncm_money want = 100000000 - c[t] < -2000000 ? -2000000 : 100000000 - c[t];
        assert_int_equal(v[t], want);
        hits += c[t] - 100000000 > 2000000;
    }
    /* P_LIMIT is exactly the share of trials whose loss would have exceeded the cap */
    assert_true(fabs(st[NCM_SIM_P_LIMIT] - (double)hits / (double)N) < 1e-12);
    assert_int_equal(ncm_sim_results_stats(r, 0, 1, 0, st, NULL, NCM_SIM_STAT_COUNT), NCM_OK);
    assert_true(fabs(st[NCM_SIM_P_LIMIT] - (double)hits / (double)N) < 1e-12);
    assert_int_equal(ncm_sim_results_stats(r, 1, 1, 1, st, NULL, NCM_SIM_STAT_COUNT), NCM_OK);
    assert_true(isnan(st[NCM_SIM_P_LIMIT]));
    free(v);
    free(c);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);
}

/* ---------------------------------------------------------------- determinism */

static const char *busy_scenario =
    "{\"schema\": \"ncm.scenario/1\", \"name\": \"busy\", \"term_years\": 3,"
    " \"segments\": [{\"name\": \"a\", \"people\": 300, \"cost\": {\"mean\": \"300000.00\", \"cv\": 1.2}},"
    "                {\"name\": \"b\", \"people\": 120, \"cost\": {\"distribution\": \"gamma\", \"mean\": \"400000.00\", "
    "\"cv\": 0.8}}],"
    " \"cost_inflation\": 0.02, \"demand_growth\": 0.01,"
    " \"efficiency\": {\"delivered\": {\"mean\": 0.04, \"sd\": 0.03}},"
    " \"outcomes\": {\"distribution\": \"beta\", \"mean\": 0.7, \"sd\": 0.1},"
    " \"membership\": {\"joiners\": 0.05, \"leavers\": 0.04},"
    " \"shocks\": [{\"name\": \"winter\", \"probability\": 0.2, \"cost_increase\": 0.05}],"
    " \"designs\": [{\"name\": \"prime\", \"contract\": " PRIME_CONTRACT "},"
    "   {\"name\": \"prime+sl\", \"contract\": " PRIME_CONTRACT ", \"cap\": \"310000000.00\","
    "    \"stop_loss\": {\"attachment\": \"1000000.00\", \"coinsurance\": 0.1, \"aggregate_threshold\": 1.05, "
    "\"premium_rate\": 0.01}}]}";

static void test_determinism_threads(void **state)
{
    (void)state;
    ncm_scenario *sc = load_text(busy_scenario);
    for (int mode = NCM_SIM_MODE_SEGMENT; mode <= NCM_SIM_MODE_PERSON; mode++) {
        size_t N = 301;
        ncm_sim_results *ref = run(sc, N, 1, (ncm_sim_mode)mode);
        unsigned th[] = {2, 3, 8};
        ncm_money *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
        for (int k = 0; k < 3; k++) {
            ncm_sim_results *r = run(sc, N, th[k], (ncm_sim_mode)mode);
            for (size_t d = 0; d < 2; d++)
                for (size_t p = 0; p < ncm_sim_results_party_count(r, d); p++)
                    for (unsigned y = 0; y <= 3; y++) {
                        assert_int_equal(ncm_sim_results_trial_values(ref, d, p, y, a, N), NCM_OK);
                        assert_int_equal(ncm_sim_results_trial_values(r, d, p, y, b, N), NCM_OK);
                        assert_memory_equal(a, b, N * sizeof *a);
                    }
            ncm_sim_results_free(r);
        }
        /* paired: the same gross costs under both designs; a design compared with itself is 0 */
        double st[NCM_SIM_STAT_COUNT];
        assert_int_equal(ncm_sim_results_compare(ref, 0, 2, 0, 2, 0, st, NULL, NCM_SIM_STAT_COUNT), NCM_OK);
        assert_true(st[NCM_SIM_MEAN] == 0 && st[NCM_SIM_SD] == 0);
        double s0[NCM_SIM_STAT_COUNT], s1[NCM_SIM_STAT_COUNT];
        ncm_sim_results_stats(ref, 0, 2, 0, s0, NULL, NCM_SIM_STAT_COUNT);
        ncm_sim_results_stats(ref, 1, 2, 0, s1, NULL, NCM_SIM_STAT_COUNT);
        assert_int_equal(ncm_sim_results_compare(ref, 1, 2, 0, 2, 0, st, NULL, NCM_SIM_STAT_COUNT), NCM_OK);
        assert_true(fabs(st[NCM_SIM_MEAN] - (s1[NCM_SIM_MEAN] - s0[NCM_SIM_MEAN])) < 1e-6 * fabs(s0[NCM_SIM_MEAN]) + 1);
        /* stop-loss narrows the spread of the provider's result */
        assert_true(s1[NCM_SIM_SD] < s0[NCM_SIM_SD]);
        assert_true(s1[NCM_SIM_P_CAP] >= 0 && s1[NCM_SIM_P_CAP] <= 1);
        /* P_CAP: share of trials whose provider cost over the term exceeds 310m, recounted here from the
         * gross cost is not possible (stop-loss changes it), so check it is a multiple of 1/N */
        double k = s1[NCM_SIM_P_CAP] * (double)N;
        assert_true(fabs(k - floor(k + 0.5)) < 1e-9);
        free(a);
        free(b);
        ncm_sim_results_free(ref);
    }
    ncm_scenario_free(sc);
}

/* ---------------------------------------------------------------- bids */

static void test_find_bid(void **state)
{
    (void)state;
    ncm_scenario *sc = load_text(zero_var_scenario);
    ncm_sim_options o;
    ncm_sim_options_init(&o);
    o.trials = 4;
    o.threads = 1;
    /* With no variance P(deficit) steps from 1 to 0 at the bid where the provider breaks even over the
     * term. Scaling the value by f: corridor and pot scale too; at f the provider's result over the
     * term is sum_y result_y(f). Check the bid found gives a result >= 0 and bid - tolerance < 0. */
    ncm_money bid = 0;
    double p = -1;
    ncm_money tol = 1000000; /* 10,000.00 */
    assert_int_equal(ncm_scenario_find_bid(sc, 0, &o, 0.1, tol, &bid, &p), NCM_OK);
    assert_true(p == 0.0);
    ncm_money bids[2] = {bid, bid - tol};
    double pd[2], mean[2];
    assert_int_equal(ncm_scenario_deficit_at(sc, 0, &o, 2, bids, pd, mean), NCM_OK);
    assert_true(pd[0] == 0.0 && mean[0] >= 0);
    assert_true(pd[1] == 1.0 && mean[1] < 0);
    /* the total cost over the term is 102.9m + 103,844,160 + 105m x 1.0302^2 x 0.96 = 313,707,584.15;
     * with a 10% pot earned at 60% from year 2 the break-even bid is above it */
    assert_true(bid > 31370758415LL);
    /* with the efficiency delivered raised to 80% (costs 63m, 21.6m, 22.3m) the break-even bid is below half the contract value
     * (306m): the search extends its bracket downwards */
    assert_int_equal(ncm_scenario_set_number(sc, "efficiency.delivered.mean", 0.8), NCM_OK);
    assert_int_equal(ncm_scenario_find_bid(sc, 0, &o, 0.1, tol, &bid, &p), NCM_OK);
    assert_true(bid < 15300000000LL);
    bids[0] = bid;
    bids[1] = bid - tol;
    assert_int_equal(ncm_scenario_deficit_at(sc, 0, &o, 2, bids, pd, mean), NCM_OK);
    assert_true(pd[0] == 0.0 && pd[1] == 1.0);
    assert_int_equal(ncm_scenario_find_bid(sc, 0, &o, 1.5, tol, &bid, &p), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "target"));
    ncm_scenario_free(sc);
}

/* ---------------------------------------------------------------- cancellation */

static int cancel_after_one(void *user, uint64_t done, uint64_t total)
{
    int *calls = user;
    (*calls)++;
    assert_true(done <= total);
    return 1;
}

static void test_cancel(void **state)
{
    (void)state;
    ncm_scenario *sc = load_text(busy_scenario);
    ncm_sim_options o;
    ncm_sim_options_init(&o);
    o.trials = 5000;
    o.threads = 2;
    int calls = 0;
    o.progress = cancel_after_one;
    o.progress_user = &calls;
    ncm_sim_results *r = (ncm_sim_results *)0x1;
    assert_int_equal(ncm_simulate(sc, &o, &r), NCM_ERR_CANCELLED);
    assert_ptr_equal(r, (ncm_sim_results *)0x1);
    assert_int_equal(calls, 1);
    assert_non_null(strstr(ncm_last_error(), "cancelled"));
    /* bad options */
    o.progress = NULL;
    o.trials = 0;
    assert_int_equal(ncm_simulate(sc, &o, &r), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "trials"));
    o.trials = 1;
    o.version = 99;
    assert_int_equal(ncm_simulate(sc, &o, &r), NCM_ERR_VERSION);
    assert_int_equal(ncm_simulate(NULL, NULL, &r), NCM_ERR_INVALID);
    ncm_scenario_free(sc);
}

/* ---------------------------------------------------------------- errors */

static void expect_error(const char *text, ncm_status want, const char *part)
{
    ncm_scenario *sc = (ncm_scenario *)0x1;
    ncm_status st = ncm_scenario_load_string(text, "bad.json", NCM_TEST_DATA "/simulate", &sc);
    if (st != want) fail_msg("status %d, want %d: %s", st, want, ncm_last_error());
    if (!strstr(ncm_last_error(), part)) fail_msg("message \"%s\" lacks \"%s\"", ncm_last_error(), part);
    assert_ptr_equal(sc, (ncm_scenario *)0x1);
}

#define HEAD "{\"schema\": \"ncm.scenario/1\", \"term_years\": 1, "
#define SEG "\"segments\": [{\"name\": \"x\", \"people\": 10, \"cost\": {\"mean\": \"10.00\", \"cv\": 1}}], "
#define DES "\"designs\": [{\"name\": \"d\", \"contract\": " SIMPLE_CONTRACT("100.00") "}]"

static void test_bad_scenarios(void **state)
{
    (void)state;
    expect_error("{\"schema\": \"ncm.scenario/1\",\n  \"term_years\": 1,,\n}", NCM_ERR_PARSE, "bad.json:2:");
    expect_error(HEAD SEG DES ", \"colour\": 1}", NCM_ERR_PARSE, "unknown key \"colour\"");
    expect_error("{\"schema\": \"ncm.scenario/9\", \"term_years\": 1, " SEG DES "}", NCM_ERR_VERSION, "ncm.scenario/9");
    expect_error(HEAD "\"segments\": [{\"name\": \"x\", \"people\": 10, \"cost\": {\"mean\": \"10.00\", \"cv\": -1}}], " DES "}",
                 NCM_ERR_RANGE, "segments[0] \"x\".cost.cv: -1 is negative");
    expect_error(HEAD "\"segments\": [{\"name\": \"x\", \"people\": 10, \"cost\": {\"mean\": \"10.00\", \"cv\": 1}},"
                      " {\"name\": \"x\", \"people\": 1, \"cost\": {\"mean\": \"1.00\", \"cv\": 1}}], " DES "}",
                 NCM_ERR_DUPLICATE, "segments[1] \"x\"");
    expect_error(HEAD "\"segments\": [{\"name\": \"x\", \"people\": 10, \"cost\": {\"distribution\": \"weibull\", "
                      "\"mean\": \"10.00\", \"cv\": 1}}], " DES "}",
                 NCM_ERR_PARSE, "weibull");
    expect_error(HEAD "\"segments\": [{\"name\": \"x\", \"cost\": {\"mean\": \"10.00\", \"cv\": 1}}], " DES "}",
                 NCM_ERR_PARSE, "\"people\" is required");
    expect_error(HEAD SEG "\"designs\": [{\"name\": \"d\", \"contract\": \"missing.json\"}]}", NCM_ERR_IO,
                 "designs[0] \"d\": contract");
    expect_error(HEAD SEG "\"designs\": [{\"name\": \"d\", \"contract\": " SIMPLE_CONTRACT("100.00")
                          ", \"cost_shares\": {\"Nobody\": 1}}]}",
                 NCM_ERR_NOT_FOUND, "no party \"Nobody\"");
    expect_error(HEAD SEG "\"designs\": [{\"name\": \"d\", \"contract\": " SIMPLE_CONTRACT("100.00")
                          ", \"stop_loss\": {\"attachment\": \"-5.00\"}}]}",
                 NCM_ERR_RANGE, "stop_loss.attachment");
    expect_error(HEAD SEG "\"outcomes\": {\"distribution\": \"beta\", \"mean\": 0.5, \"sd\": 0.6}, " DES "}",
                 NCM_ERR_RANGE, "beta");
    expect_error("{\"schema\": \"ncm.scenario/1\", \"term_years\": 2, " SEG DES "}", NCM_ERR_RANGE,
                 "shorter than the scenario's");
    expect_error(HEAD SEG "\"shocks\": [{\"name\": \"w\", \"probability\": 1.5}], " DES "}", NCM_ERR_RANGE,
                 "shocks[0].probability: 1.5");
    ncm_scenario *sc = NULL;
    assert_int_equal(ncm_scenario_load_file(NCM_TEST_DATA "/simulate/nope.json", &sc), NCM_ERR_IO);
    assert_null(sc);
    assert_int_equal(ncm_scenario_load_file(NULL, &sc), NCM_ERR_INVALID);
}

/* ---------------------------------------------------------------- round trip, files, accessors */

static void test_write_roundtrip(void **state)
{
    (void)state;
    ncm_scenario *sc = NULL;
    assert_int_equal(ncm_scenario_load_file(NCM_TEST_DATA "/simulate/small.json", &sc), NCM_OK);
    assert_string_equal(ncm_scenario_name(sc), "small");
    assert_int_equal(ncm_scenario_term(sc), 2);
    assert_int_equal(ncm_scenario_design_count(sc), 1);
    assert_string_equal(ncm_scenario_design_name(sc, 0), "file contract");
    assert_string_equal(ncm_scenario_segment_name(sc, 1), "85+");
    char p1[] = "/tmp/ncm_sim_rt1_XXXXXX", p2[] = "/tmp/ncm_sim_rt2_XXXXXX";
    int f1 = mkstemp(p1), f2 = mkstemp(p2);
    close(f1);
    close(f2);
    assert_int_equal(ncm_scenario_write_file(sc, p1), NCM_OK);
    ncm_scenario *sc2 = NULL;
    assert_int_equal(ncm_scenario_load_file(p1, &sc2), NCM_OK);
    assert_int_equal(ncm_scenario_write_file(sc2, p2), NCM_OK);
    FILE *a = fopen(p1, "rb"), *b = fopen(p2, "rb");
    char ba[16384], bb[16384];
    size_t na = fread(ba, 1, sizeof ba, a), nb = fread(bb, 1, sizeof bb, b);
    fclose(a);
    fclose(b);
    assert_int_equal(na, nb);
    assert_memory_equal(ba, bb, na);
    ncm_sim_results *r1 = run(sc, 50, 2, NCM_SIM_MODE_DEFAULT), *r2 = run(sc2, 50, 1, NCM_SIM_MODE_DEFAULT);
    ncm_money x1[50], x2[50];
    ncm_sim_results_trial_values(r1, 0, 1, 0, x1, 50);
    ncm_sim_results_trial_values(r2, 0, 1, 0, x2, 50);
    assert_memory_equal(x1, x2, sizeof x1);
    double people[2], mean[2], cv[2];
    assert_int_equal(ncm_scenario_segments(sc, people, mean, cv, 2), NCM_OK);
    assert_true(people[0] == 2000 && mean[1] == 500000.0 && cv[1] == 1.5);
    assert_int_equal(ncm_scenario_segments(sc, people, mean, cv, 1), NCM_ERR_BUFFER);
    assert_null(ncm_scenario_population(sc));
    ncm_money bufc[4];
    assert_int_equal(ncm_scenario_segment_place_cost(sc, bufc, 4, NULL), NCM_ERR_INVALID);
    assert_int_equal(ncm_sim_results_stats(r1, 3, 0, 0, mean, NULL, NCM_SIM_STAT_COUNT), NCM_ERR_RANGE);
    assert_int_equal(ncm_sim_results_stats(r1, 0, 0, 9, NULL, NULL, NCM_SIM_STAT_COUNT), NCM_ERR_RANGE);
    assert_int_equal(ncm_sim_results_trial_values(r1, 0, 0, 0, x1, 10), NCM_ERR_BUFFER);
    assert_string_equal(ncm_sim_results_party_name(r1, 0, 2), "providers");
    ncm_sim_results_free(r1);
    ncm_sim_results_free(r2);
    ncm_scenario_free(sc);
    ncm_scenario_free(sc2);
    unlink(p1);
    unlink(p2);
}

/* A population-based scenario: segments by age from the synthetic population, resampled costs. */
static void test_population_scenario(void **state)
{
    (void)state;
    const char *text = "{\"schema\": \"ncm.scenario/1\", \"term_years\": 1,"
                       " \"population\": {\"synth\": {\"people\": 20000, \"seed\": 3}, \"cost_total\": \"5000000.00\"},"
                       " \"segments\": [{\"name\": \"65-79\", \"min_age\": 65, \"max_age\": 79, \"cost\": "
                       "{\"distribution\": \"resample\"}},"
                       "  {\"name\": \"80+\", \"min_age\": 80, \"cost\": {\"distribution\": \"lognormal\"}}],"
                       " \"designs\": [{\"name\": \"d\", \"contract\": " SIMPLE_CONTRACT("5000000.00") "}]}";
    ncm_scenario *sc = load_text(text);
    const ncm_population *pop = ncm_scenario_population(sc);
    assert_non_null(pop);
    /* count the people by age here */
    size_t n = ncm_population_size(pop), c1 = 0, c2 = 0;
    const int32_t *age = ncm_population_age(pop);
    for (size_t i = 0; i < n; i++) {
        if (age[i] >= 65 && age[i] <= 79) c1++;
        else if (age[i] >= 80) c2++;
    }
    double people[2], mean[2];
    assert_int_equal(ncm_scenario_segments(sc, people, mean, NULL, 2), NCM_OK);
    assert_true(people[0] == (double)c1 && people[1] == (double)c2);
    /* cost_total: the segments' expected total equals 5,000,000.00 */
    assert_true(fabs(people[0] * mean[0] + people[1] * mean[1] - 500000000.0) < 1.0);
    size_t places = 0;
    ncm_money cost[2 * 16];
    assert_int_equal(ncm_scenario_segment_place_cost(sc, cost, 32, &places), NCM_OK);
    double tot = 0;
    for (size_t k = 0; k < 2 * places; k++) tot += (double)cost[k];
    assert_true(fabs(tot - 500000000.0) < (double)places * 2 + 1);
    ncm_sim_results *r = run(sc, 200, 2, NCM_SIM_MODE_PERSON);
    double st[NCM_SIM_STAT_COUNT], se[NCM_SIM_STAT_COUNT];
    assert_int_equal(ncm_sim_results_stats(r, 0, 1, 1, st, se, NCM_SIM_STAT_COUNT), NCM_OK);
    /* value = expected cost: the mean result is 0 within its error */
    assert_true(fabs(st[NCM_SIM_MEAN]) < 4 * se[NCM_SIM_MEAN] + 100);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);
}

/* A population read from CSV: counts, means and cvs by segment worked out by hand. */
static void test_csv_population(void **state)
{
    (void)state;
    const char *text = "{\"schema\": \"ncm.scenario/1\", \"term_years\": 1,"
                       " \"population\": {\"csv\": {\"people\": \"people.csv\"}},"
                       " \"segments\": [{\"name\": \"65-84\", \"min_age\": 65, \"max_age\": 84, \"cost\": {}},"
                       "  {\"name\": \"85+\", \"min_age\": 85, \"cost\": {\"distribution\": \"resample\"}}],"
                       " \"designs\": [{\"name\": \"d\", \"contract\": " SIMPLE_CONTRACT("16000.00") "}]}";
    ncm_scenario *sc = load_text(text);
    /* 65-84: p1 1,000.00 and p2 3,000.00: mean 2,000.00, sd 1,000.00, cv 0.5;
     * 85+: p3 8,000.00 and p4 4,000.00: mean 6,000.00, sd 2,000.00, cv 1/3; p5 (aged 40) is in no segment */
    double people[2], mean[2], cv[2];
    assert_int_equal(ncm_scenario_segments(sc, people, mean, cv, 2), NCM_OK);
    assert_true(people[0] == 2 && people[1] == 2);
    assert_true(mean[0] == 200000.0 && mean[1] == 600000.0);
    assert_true(fabs(cv[0] - 0.5) < 1e-12 && fabs(cv[1] - 1.0 / 3.0) < 1e-12);
    ncm_money cost[4];
    size_t places = 0;
    assert_int_equal(ncm_scenario_segment_place_cost(sc, cost, 4, &places), NCM_OK);
    assert_int_equal(places, 2);
    assert_int_equal(cost[0], 400000); /* 65-84 in PL1 */
    assert_int_equal(cost[1], 0);
    assert_int_equal(cost[2], 0);
    assert_int_equal(cost[3], 1200000); /* 85+ in PL2 */
    assert_int_equal(ncm_scenario_segment_place_cost(sc, cost, 3, &places), NCM_ERR_BUFFER);
    /* person mode resampling 85+: every draw is 8,000.00 or 4,000.00 */
    ncm_sim_results *r = run(sc, 500, 2, NCM_SIM_MODE_PERSON);
    ncm_money g[500], g2[500];
    assert_int_equal(ncm_sim_results_cost(r, 1, g, 500), NCM_OK);
    /* 65-84 is lognormal, 85+ resamples 8,000.00 or 4,000.00 per person: every total is positive */
    for (int t = 0; t < 500; t++) assert_true(g[t] > 0);
    /* written out and read back from another folder: the CSV path still resolves, same results */
    char pth[] = "/tmp/ncm_sim_csv_XXXXXX";
    int fd = mkstemp(pth);
    close(fd);
    assert_int_equal(ncm_scenario_write_file(sc, pth), NCM_OK);
    ncm_scenario *back = NULL;
    if (ncm_scenario_load_file(pth, &back) != NCM_OK) fail_msg("%s", ncm_last_error());
    ncm_sim_results *r2 = run(back, 500, 1, NCM_SIM_MODE_PERSON);
    assert_int_equal(ncm_sim_results_cost(r2, 1, g2, 500), NCM_OK);
    assert_memory_equal(g, g2, sizeof g);
    ncm_sim_results_free(r2);
    ncm_scenario_free(back);
    unlink(pth);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);
    expect_error("{\"schema\": \"ncm.scenario/1\", \"term_years\": 1, \"population\": {\"csv\": {\"people\": \"nope.csv\"}}, "
                 "\"segments\": [{\"name\": \"x\", \"cost\": {}}], " DES "}",
                 NCM_ERR_IO, "population.csv");
}

/* ---------------------------------------------------------------- allocation failures */

static void test_alloc_failures(void **state)
{
    (void)state;
    int ok = 0;
    for (unsigned long k = 1; k < 2000 && !ok; k++) {
        ncm_scenario *sc = (ncm_scenario *)0x1;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_scenario_load_string(busy_scenario, "s.json", NULL, &sc);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            ok = 1;
            ncm_scenario_free(sc);
        } else {
            assert_int_equal(st, NCM_ERR_NOMEM);
            assert_ptr_equal(sc, (ncm_scenario *)0x1);
        }
    }
    assert_true(ok);
    /* from a file with a contract file, and with a CSV population and a resample pool */
    const char *csvpop = "{\"schema\": \"ncm.scenario/1\", \"term_years\": 1,"
                         " \"population\": {\"csv\": {\"people\": \"people.csv\"}},"
                         " \"segments\": [{\"name\": \"65+\", \"min_age\": 65, \"cost\": {\"distribution\": \"resample\"}}],"
                         " \"designs\": [{\"name\": \"d\", \"contract\": " SIMPLE_CONTRACT("16000.00") "}]}";
    for (int which = 0; which < 2; which++) {
        ok = 0;
        for (unsigned long k = 1; k < 5000 && !ok; k++) {
            ncm_scenario *s2 = (ncm_scenario *)0x1;
            ncm_alloc_fail_at(k);
            ncm_status st = which == 0 ? ncm_scenario_load_file(NCM_TEST_DATA "/simulate/small.json", &s2)
                                       : ncm_scenario_load_string(csvpop, "s.json", NCM_TEST_DATA "/simulate", &s2);
            ncm_alloc_fail_at(0);
            if (st == NCM_OK) {
                ok = 1;
                ncm_scenario_free(s2);
            } else {
                if (st != NCM_ERR_NOMEM) fail_msg("k=%lu: %d %s", k, st, ncm_last_error());
                assert_ptr_equal(s2, (ncm_scenario *)0x1);
            }
        }
        assert_true(ok);
    }
    ncm_scenario *sc = load_text(busy_scenario);
    ok = 0;
    for (unsigned long k = 1; k < 5000 && !ok; k++) {
        ncm_sim_results *r = (ncm_sim_results *)0x1;
        ncm_sim_options o;
        ncm_sim_options_init(&o);
        o.trials = 20;
        o.threads = 2;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_simulate(sc, &o, &r);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            ok = 1;
            ncm_sim_results_free(r);
        } else {
            assert_int_equal(st, NCM_ERR_NOMEM);
            assert_ptr_equal(r, (ncm_sim_results *)0x1);
        }
    }
    assert_true(ok);
    ncm_scenario_free(sc);
}

/* ---------------------------------------------------------------- sweeps */

static void test_sweep_setters(void **state)
{
    (void)state;
    ncm_scenario *sc = load_text(zero_var_scenario);
    ncm_money v[2];
    /* no efficiency: year-1 cost = 105m against a value of 100m: the prime bears -5m */
    assert_int_equal(ncm_scenario_set_number(sc, "efficiency.delivered.mean", 0.0), NCM_OK);
    ncm_sim_results *r = run(sc, 2, 1, NCM_SIM_MODE_SEGMENT);
    assert_int_equal(ncm_sim_results_trial_values(r, 0, 1, 1, v, 2), NCM_OK);
    assert_int_equal(v[0], -500000000LL);
    ncm_sim_results_free(r);
    /* segment a: 1000 people at 55,000.00 instead of 60,000.00: year-1 cost 100m, result 0 */
    assert_int_equal(ncm_scenario_set_segment(sc, 0, NAN, 5500000.0, NAN), NCM_OK);
    r = run(sc, 2, 1, NCM_SIM_MODE_SEGMENT);
    assert_int_equal(ncm_sim_results_trial_values(r, 0, 1, 1, v, 2), NCM_OK);
    assert_int_equal(v[0], 0);
    ncm_sim_results_free(r);
    /* a new contract: year-1 value 104m: a surplus of 4m, 5% band = 5.2m, kept in full */
    const char *c2 = PRIME_CONTRACT;
    char *txt = strdup(c2);
    char *at = strstr(txt, "100000000.00");
    memcpy(at, "104000000.00", 12);
    ncm_contract *c = NULL;
    assert_int_equal(ncm_contract_load_string(txt, "c2", &c), NCM_OK);
    assert_int_equal(ncm_scenario_set_contract(sc, 0, c), NCM_OK);
    ncm_contract_free(c); /* the scenario keeps a copy */
    r = run(sc, 2, 1, NCM_SIM_MODE_SEGMENT);
    assert_int_equal(ncm_sim_results_trial_values(r, 0, 1, 1, v, 2), NCM_OK);
    assert_int_equal(v[0], 400000000LL);
    ncm_sim_results_free(r);
    free(txt);
    /* errors leave the scenario unchanged */
    assert_int_equal(ncm_scenario_set_number(sc, "colour", 1), NCM_ERR_NOT_FOUND);
    assert_non_null(strstr(ncm_last_error(), "colour"));
    assert_int_equal(ncm_scenario_set_number(sc, "demand_growth", 7), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "demand_growth: 7"));
    assert_int_equal(ncm_scenario_set_segment(sc, 5, 1, 1, 1), NCM_ERR_RANGE);
    assert_int_equal(ncm_scenario_set_segment(sc, 0, NAN, -1, NAN), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "cost.mean"));
    assert_int_equal(ncm_scenario_set_contract(sc, 3, NULL), NCM_ERR_INVALID);
    ncm_scenario_free(sc);
}

/* ---------------------------------------------------------------- the CLI */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    b[*len] = 0;
    fclose(f);
    return b;
}

static void test_cli_evaluate(void **state)
{
    (void)state;
    char d1[] = "/tmp/ncm_eval1_XXXXXX", d2[] = "/tmp/ncm_eval2_XXXXXX", cmd[2048];
    assert_non_null(mkdtemp(d1));
    assert_non_null(mkdtemp(d2));
    const char *sc = NCM_TEST_DATA "/simulate/small.json";
    snprintf(cmd, sizeof cmd, "%s evaluate --scenario %s --out %s --trials 300 --bid-trials 100 --threads 1 --no-plots --quiet >/dev/null",
             NCM_CLI, sc, d1);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s evaluate --scenario %s --out %s --trials 300 --bid-trials 100 --threads 3 --no-plots --quiet >/dev/null",
             NCM_CLI, sc, d2);
    assert_int_equal(system(cmd), 0);
    const char *files[] = {"summary.txt", "summary.csv", "trials.csv", "deficit_by_bid.csv", "budget_by_segment_place.csv"};
    for (int i = 0; i < 5; i++) {
        char p1[512], p2[512];
        size_t n1 = 0, n2 = 0;
        snprintf(p1, sizeof p1, "%s/%s", d1, files[i]);
        snprintf(p2, sizeof p2, "%s/%s", d2, files[i]);
        char *a = slurp(p1, &n1), *b = slurp(p2, &n2);
        if (!a || !b) fail_msg("%s missing", files[i]);
        assert_int_equal(n1, n2);
        assert_memory_equal(a, b, n1); /* same bytes whatever the thread count */
        if (i == 0) {
            assert_non_null(strstr(a, "Bid viability"));
            assert_non_null(strstr(a, "file contract"));
        }
        if (i == 2) assert_non_null(strstr(a, "trial,gross_cost,file contract: CCG,file contract: Provider,file contract: providers"));
        free(a);
        free(b);
        unlink(p1);
        unlink(p2);
    }
    rmdir(d1);
    rmdir(d2);
    /* errors: a missing scenario (exit 1, message names the file), bad usage (exit 2) */
    snprintf(cmd, sizeof cmd, "%s evaluate --scenario %s/simulate/nope.json --out %s --quiet 2>&1", NCM_CLI, NCM_TEST_DATA, d1);
    FILE *p = popen(cmd, "r");
    char buf[1024] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = 0;
    int rc = pclose(p);
    assert_int_equal(WEXITSTATUS(rc), 1);
    assert_non_null(strstr(buf, "nope.json"));
    rmdir(d1);
    snprintf(cmd, sizeof cmd, "%s evaluate --scenario %s --trials 0 2>/dev/null", NCM_CLI, sc);
    rc = system(cmd);
    assert_int_equal(WEXITSTATUS(rc), 2);
}


/* ================================================================ per-measure outcome model */

/* The framework of tests/data/simulate/measures_fw.json, inline. Domains safety (weight 2) and
 * experience (weight 1); readmit: lower is better, linear from 0.15 (0 points) to 0.10 (10 points);
 * falls: lower is better, pass/fail at 0.055, weight 2, gateway; fft: tiers 0.8 -> half, 0.9 -> full. */
#define MFW                                                                                                            \
    "{\"domains\": [{\"id\": \"safety\", \"weight\": 2}, {\"id\": \"experience\", \"weight\": 1}],"                    \
    " \"measures\": ["                                                                                                 \
    "  {\"id\": \"readmit\", \"domain\": \"safety\", \"direction\": \"lower\", \"method\": \"linear\","                \
    "   \"threshold\": 0.15, \"benchmark\": 0.10},"                                                                    \
    "  {\"id\": \"falls\", \"domain\": \"safety\", \"direction\": \"lower\", \"method\": \"pass_fail\","               \
    "   \"threshold\": 0.055, \"weight\": 2, \"gateway\": true},"                                                      \
    "  {\"id\": \"fft\", \"domain\": \"experience\", \"method\": \"tiers\","                                           \
    "   \"tiers\": [{\"at\": 0.8, \"score\": 0.5}, {\"at\": 0.9, \"score\": 1}]}]}"

/* The busy scenario's cost model with a given "outcomes" object (3 years, PRIME_CONTRACT designs). */
#define BUSY_WITH(OUTCOMES)                                                                                            \
    "{\"schema\": \"ncm.scenario/1\", \"name\": \"busy\", \"term_years\": 3,"                                          \
    " \"segments\": [{\"name\": \"a\", \"people\": 300, \"cost\": {\"mean\": \"300000.00\", \"cv\": 1.2}},"           \
    "                {\"name\": \"b\", \"people\": 120, \"cost\": {\"distribution\": \"gamma\", \"mean\": "           \
    "\"400000.00\", \"cv\": 0.8}}],"                                                                                   \
    " \"cost_inflation\": 0.02, \"demand_growth\": 0.01,"                                                              \
    " \"efficiency\": {\"delivered\": {\"mean\": 0.04, \"sd\": 0.03}},"                                                \
    " \"outcomes\": " OUTCOMES ","                                                                                     \
    " \"membership\": {\"joiners\": 0.05, \"leavers\": 0.04},"                                                         \
    " \"shocks\": [{\"name\": \"winter\", \"probability\": 0.2, \"cost_increase\": 0.05}],"                           \
    " \"designs\": [{\"name\": \"prime\", \"contract\": " PRIME_CONTRACT "},"                                          \
    "   {\"name\": \"prime+sl\", \"contract\": " PRIME_CONTRACT ", \"cap\": \"310000000.00\","                         \
    "    \"stop_loss\": {\"attachment\": \"1000000.00\", \"coinsurance\": 0.1, \"aggregate_threshold\": 1.05, "       \
    "\"premium_rate\": 0.01}}]}"

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* FNV-1a over every trial value of every party, design and year, then the gross cost of every year. */
static uint64_t results_hash(const ncm_sim_results *r)
{
    size_t N = (size_t)ncm_sim_results_trials(r);
    ncm_money *v = malloc(N * sizeof *v);
    uint64_t h = 1469598103934665603ull;
    for (size_t d = 0; d < ncm_sim_results_design_count(r); d++)
        for (size_t p = 0; p < ncm_sim_results_party_count(r, d); p++)
            for (unsigned y = 0; y <= ncm_sim_results_years(r); y++) {
                assert_int_equal(ncm_sim_results_trial_values(r, d, p, y, v, N), NCM_OK);
                h = fnv1a(h, v, N * sizeof *v);
            }
    for (unsigned y = 0; y <= ncm_sim_results_years(r); y++) {
        assert_int_equal(ncm_sim_results_cost(r, y, v, N), NCM_OK);
        h = fnv1a(h, v, N * sizeof *v);
    }
    free(v);
    return h;
}

/* Scenarios without the per-measure model give exactly the numbers of the engine before it was
 * added. The hashes were computed with the engine of commit 413ebbf (before the per-measure model)
 * on these runs (seed 7, 2 threads): they pin every trial value of every party, design and year and
 * the gross costs, so a change to any existing random stream or to the single-score path fails
 * here. Then a degenerate per-measure model (one linear measure from 0 to 1, sd 0, at 0.7) must give
 * exactly the results of the fixed single score 0.7: 10 x 0.7 = 7 points, domain score 70, total
 * 70, score 70 / 100 = 0.7, each step exact in binary floating point. */
static void test_measures_existing_streams_unchanged(void **state)
{
    (void)state;
    ncm_scenario *sc = load_text(busy_scenario);
    ncm_sim_results *r = run(sc, 301, 2, NCM_SIM_MODE_SEGMENT);
    assert_true(results_hash(r) == 0xfadb6b0026f49178ull);
    ncm_sim_results_free(r);
    r = run(sc, 301, 2, NCM_SIM_MODE_PERSON);
    assert_true(results_hash(r) == 0x9e8929597a81a237ull);
    assert_int_equal(ncm_sim_results_measure_count(r), 0);
    assert_int_equal(ncm_sim_results_gate(r, 0, NULL, NULL, NULL), NCM_ERR_NOT_FOUND);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);
    sc = NULL;
    assert_int_equal(ncm_scenario_load_file(NCM_TEST_DATA "/simulate/small.json", &sc), NCM_OK);
    r = run(sc, 257, 2, NCM_SIM_MODE_SEGMENT); /* normal single score */
    assert_true(results_hash(r) == 0x0c9d112045789440ull);
    ncm_sim_results_free(r);
    r = run(sc, 257, 2, NCM_SIM_MODE_PERSON);
    assert_true(results_hash(r) == 0xf342d27b2fb1a227ull);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);
    sc = NULL;
    /* the bundled main-job scenario (synthetic population of 900,000), 200 trials */
    assert_int_equal(ncm_scenario_load_file(NCM_TEST_DATA "/../../examples/scenarios/unitingcare.json", &sc), NCM_OK);
    r = run(sc, 200, 2, NCM_SIM_MODE_DEFAULT);
    assert_true(results_hash(r) == 0x81734655a811e491ull);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);

    ncm_scenario *fixed = load_text(BUSY_WITH("{\"distribution\": \"fixed\", \"mean\": 0.7}"));
    ncm_scenario *meas = load_text(BUSY_WITH(
        "{\"framework\": {\"measures\": [{\"id\": \"m\", \"domain\": \"all\", \"method\": \"linear\", \"threshold\": 0, "
        "\"benchmark\": 1}]}, \"measures\": [{\"id\": \"m\", \"mean\": 0.7, \"sd\": 0}]}"));
    for (int mode = NCM_SIM_MODE_SEGMENT; mode <= NCM_SIM_MODE_PERSON; mode++) {
        ncm_sim_results *a = run(fixed, 211, 3, (ncm_sim_mode)mode), *b = run(meas, 211, 3, (ncm_sim_mode)mode);
        assert_true(results_hash(a) == results_hash(b));
        double s[211];
        assert_int_equal(ncm_sim_results_scores(b, 2, s, 211), NCM_OK);
        for (size_t i = 0; i < 211; i++) assert_true(s[i] == 0.7);
        assert_int_equal(ncm_sim_results_scores(a, 3, s, 211), NCM_OK);
        for (size_t i = 0; i < 211; i++) assert_true(s[i] == 0.7);
        ncm_sim_results_free(a);
        ncm_sim_results_free(b);
    }
    ncm_scenario_free(fixed);
    ncm_scenario_free(meas);
}

/* sd 0: every trial scores the framework by hand.
 * readmit 0.12 - 0.01 (y - 1); falls 0.040 + 0.008 (y - 1); fft 0.85 (no trend).
 * Year 1: readmit 0.12 -> 10 x (0.12 - 0.15) / (0.10 - 0.15) = 6 points; falls 0.04 <= 0.055 met,
 *   10 points; safety = (1 x 6 + 2 x 10) / (3 x 10) x 100 = 86.667; fft 0.85 reaches the 0.8 tier:
 *   5 points, experience = 50; total = (2 x 86.667 + 1 x 50) / 3 = 74.444; gate met: score 0.74444.
 * Year 2: readmit 0.11 -> 8 points; falls 0.048 met; safety = (8 + 20) / 30 x 100 = 93.333;
 *   total = (2 x 93.333 + 50) / 3 = 78.889: score 0.78889.
 * Year 3: falls 0.056 > 0.055: the gateway fails, score 0 (readmit 0.10 -> 10 points, total 83.333).
 * Costs have cv 0 and no efficiency spread; the provider's result must then equal the one with the
 * single fixed score for years 1 and 2 (the pot is paid from year 2 and carved from capitation). */
static const char *det_measures =
    "{\"schema\": \"ncm.scenario/1\", \"name\": \"det\", \"term_years\": 3,"
    " \"segments\": [{\"name\": \"a\", \"people\": 1000, \"cost\": {\"mean\": \"60000.00\", \"cv\": 0}},"
    "                {\"name\": \"b\", \"people\": 500, \"cost\": {\"mean\": \"90000.00\", \"cv\": 0}}],"
    " \"outcomes\": {\"framework\": \"measures_fw.json\", \"measures\": ["
    "   {\"id\": \"fft\", \"distribution\": \"normal\", \"mean\": 0.85, \"sd\": 0},"
    "   {\"id\": \"readmit\", \"mean\": 0.12, \"sd\": 0, \"trend\": -0.01, \"min\": 0, \"max\": 1},"
    "   {\"id\": \"falls\", \"mean\": 0.04, \"sd\": 0, \"trend\": 0.008}]},"
    " \"designs\": [{\"name\": \"prime\", \"contract\": " PRIME_CONTRACT "}]}";

static void test_measures_deterministic(void **state)
{
    (void)state;
    ncm_scenario *sc = load_text(det_measures);
    ncm_sim_results *r = run(sc, 5, 1, NCM_SIM_MODE_SEGMENT);
    double want_total[3] = {(2 * (26.0 / 30 * 100) + 50) / 3, (2 * (28.0 / 30 * 100) + 50) / 3, 0};
    double want_score[3] = {want_total[0] / 100, want_total[1] / 100, 0};
    double s[5];
    for (unsigned y = 1; y <= 3; y++) {
        assert_int_equal(ncm_sim_results_scores(r, y, s, 5), NCM_OK);
        for (int i = 0; i < 5; i++) assert_true(fabs(s[i] - want_score[y - 1]) < 1e-12);
        double p, se;
        int has;
        assert_int_equal(ncm_sim_results_gate(r, y, &p, &se, &has), NCM_OK);
        assert_int_equal(has, 1);
        assert_true(p == (y < 3 ? 1.0 : 0.0) && se == 0);
    }
    assert_int_equal(ncm_sim_results_scores(r, 0, s, 5), NCM_OK);
    assert_true(fabs(s[0] - (want_score[0] + want_score[1]) / 3) < 1e-12);
    double p;
    assert_int_equal(ncm_sim_results_gate(r, 0, &p, NULL, NULL), NCM_OK);
    assert_true(p == 0); /* not met in every year */
    /* per measure, framework order readmit, falls, fft: points and P(met) */
    assert_int_equal(ncm_sim_results_measure_count(r), 3);
    assert_string_equal(ncm_sim_results_measure_id(r, 0), "readmit");
    assert_string_equal(ncm_sim_results_measure_id(r, 2), "fft");
    assert_null(ncm_sim_results_measure_id(r, 3));
    double v[NCM_SIM_STAT_COUNT], pm;
    double want_pts[3][3] = {{6, 8, 10}, {10, 10, 0}, {5, 5, 5}};
    double want_met[3][3] = {{1, 1, 1}, {1, 1, 0}, {1, 1, 1}};
    for (size_t m = 0; m < 3; m++)
        for (unsigned y = 1; y <= 3; y++) {
            assert_int_equal(ncm_sim_results_measure_stats(r, m, y, v, NULL, &pm, NULL, NCM_SIM_STAT_COUNT), NCM_OK);
            assert_true(fabs(v[NCM_SIM_MEAN] - want_pts[m][y - 1]) < 1e-9);
            assert_true(v[NCM_SIM_SD] == 0 && v[NCM_SIM_Q01] == v[NCM_SIM_Q99]);
            assert_true(isnan(v[NCM_SIM_P_DEFICIT]));
            assert_true(pm == want_met[m][y - 1]);
        }
    assert_int_equal(ncm_sim_results_measure_stats(r, 0, 0, v, NULL, &pm, NULL, NCM_SIM_STAT_COUNT), NCM_OK);
    assert_true(fabs(v[NCM_SIM_MEAN] - 8) < 1e-9 && pm == 1);
    assert_int_equal(ncm_sim_results_measure_stats(r, 1, 0, NULL, NULL, &pm, NULL, 0), NCM_OK);
    assert_true(pm == 0);
    assert_int_equal(ncm_sim_results_measure_stats(r, 3, 1, v, NULL, NULL, NULL, NCM_SIM_STAT_COUNT), NCM_ERR_RANGE);
    assert_int_equal(ncm_sim_results_measure_stats(r, 0, 4, v, NULL, NULL, NULL, NCM_SIM_STAT_COUNT), NCM_ERR_RANGE);
    assert_int_equal(ncm_sim_results_measure_stats(r, 0, 1, v, NULL, NULL, NULL, 3), NCM_ERR_BUFFER);
    assert_int_equal(ncm_sim_results_gate(r, 4, &p, NULL, NULL), NCM_ERR_RANGE);
    assert_int_equal(ncm_sim_results_scores(r, 1, s, 4), NCM_ERR_BUFFER);

    /* the same values through the outcome module's public scorer */
    ncm_outcome_framework *fw = NULL;
    assert_int_equal(ncm_outcome_framework_load_json(NCM_TEST_DATA "/simulate/measures_fw.json", &fw), NCM_OK);
    const char *ids[3] = {"readmit", "falls", "fft"};
    double vals[3] = {0.12 - 0.01, 0.04 + 0.008, 0.85};
    ncm_outcome_result *res = NULL;
    assert_int_equal(ncm_outcome_score(fw, 3, ids, vals, NULL, &res), NCM_OK);
    double tot;
    int gate;
    ncm_outcome_result_total(res, &tot, &gate);
    assert_true(fabs(tot - want_total[1]) < 1e-9 && gate == 1);
    ncm_outcome_result_free(res);
    ncm_outcome_framework_free(fw);

    /* the settled results equal the single fixed score of the same value, year by year (costs are
     * deterministic; only the score differs between the runs) */
    for (unsigned y = 1; y <= 2; y++) {
        char text[8192];
        snprintf(text, sizeof text,
                 "{\"schema\": \"ncm.scenario/1\", \"name\": \"det\", \"term_years\": 3,"
                 " \"segments\": [{\"name\": \"a\", \"people\": 1000, \"cost\": {\"mean\": \"60000.00\", \"cv\": 0}},"
                 "                {\"name\": \"b\", \"people\": 500, \"cost\": {\"mean\": \"90000.00\", \"cv\": 0}}],"
                 " \"outcomes\": {\"distribution\": \"fixed\", \"mean\": %.17g},"
                 " \"designs\": [{\"name\": \"prime\", \"contract\": " PRIME_CONTRACT "}]}",
                 want_score[y - 1]);
        ncm_scenario *f = load_text(text);
        ncm_sim_results *rf = run(f, 5, 1, NCM_SIM_MODE_SEGMENT);
        for (size_t q = 0; q < ncm_sim_results_party_count(r, 0); q++) {
            ncm_money a[5], b[5];
            ncm_sim_results_trial_values(r, 0, q, y, a, 5);
            ncm_sim_results_trial_values(rf, 0, q, y, b, 5);
            for (int i = 0; i < 5; i++) assert_true(llabs(a[i] - b[i]) <= 1);
        }
        ncm_sim_results_free(rf);
        ncm_scenario_free(f);
    }
    /* year 3: the gate fails, no pot: the same as a fixed score of 0 */
    ncm_scenario *f0 = load_text(
        "{\"schema\": \"ncm.scenario/1\", \"name\": \"det\", \"term_years\": 3,"
        " \"segments\": [{\"name\": \"a\", \"people\": 1000, \"cost\": {\"mean\": \"60000.00\", \"cv\": 0}},"
        "                {\"name\": \"b\", \"people\": 500, \"cost\": {\"mean\": \"90000.00\", \"cv\": 0}}],"
        " \"outcomes\": {\"distribution\": \"fixed\", \"mean\": 0},"
        " \"designs\": [{\"name\": \"prime\", \"contract\": " PRIME_CONTRACT "}]}");
    ncm_sim_results *r0 = run(f0, 5, 1, NCM_SIM_MODE_SEGMENT);
    for (size_t q = 0; q < ncm_sim_results_party_count(r, 0); q++) {
        ncm_money a[5], b[5];
        ncm_sim_results_trial_values(r, 0, q, 3, a, 5);
        ncm_sim_results_trial_values(r0, 0, q, 3, b, 5);
        assert_memory_equal(a, b, sizeof a);
    }
    ncm_sim_results_free(r0);
    ncm_scenario_free(f0);

    /* sweeps: a measure's mean moved so that falls always fails: every score is 0 */
    assert_int_equal(ncm_scenario_set_number(sc, "outcomes.measures.falls.mean", 0.07), NCM_OK);
    ncm_sim_results *rs = run(sc, 5, 1, NCM_SIM_MODE_SEGMENT);
    for (unsigned y = 1; y <= 3; y++) {
        assert_int_equal(ncm_sim_results_scores(rs, y, s, 5), NCM_OK);
        assert_true(s[0] == 0 && s[4] == 0);
    }
    ncm_sim_results_free(rs);
    assert_int_equal(ncm_scenario_set_number(sc, "outcomes.measures.falls.mean", 0.04), NCM_OK);
    assert_int_equal(ncm_scenario_set_number(sc, "outcomes.measures.nope.mean", 1), NCM_ERR_NOT_FOUND);
    assert_non_null(strstr(ncm_last_error(), "no measure \"nope\""));
    assert_int_equal(ncm_scenario_set_number(sc, "outcomes.measures.falls.sd", -1), NCM_ERR_RANGE);
    assert_int_equal(ncm_scenario_set_number(sc, "outcomes.measures.falls.colour", 1), NCM_ERR_NOT_FOUND);
    assert_int_equal(ncm_scenario_set_number(sc, "outcomes.mean", 0.5), NCM_ERR_INVALID);

    /* write and read back: the same results */
    const char *path = "simulate_measures_roundtrip.json";
    assert_int_equal(ncm_scenario_write_file(sc, path), NCM_OK);
    ncm_scenario *back = NULL;
    assert_int_equal(ncm_scenario_load_file(path, &back), NCM_OK);
    ncm_sim_results *rb = run(back, 5, 1, NCM_SIM_MODE_SEGMENT);
    assert_true(results_hash(rb) == results_hash(r));
    ncm_sim_results_free(rb);
    ncm_scenario_free(back);
    remove(path);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);
}

/* P(gate met) against the normal CDF. falls ~ normal(0.045, 0.005) in year 1 and, with a trend of
 * +0.005, normal(0.050, 0.005) in year 2; the gate is falls <= 0.055: P = Phi(2) = 0.97725 in year
 * 1 and Phi(1) = 0.84134 in year 2; the years are independent, so P(met in both) = their product.
 * readmit ~ normal(0.13, 0.02) clipped to [0.05, 0.2]: P(readmit <= 0.15, its threshold) = Phi(1);
 * fft ~ beta(mean 0.85, sd 0.05), i.e. beta(42.5, 7.5) (k = 0.85 x 0.15 / 0.05^2 - 1 = 50):
 * E[points] = 10 x (0.5 P(0.8 <= x < 0.9) + P(x >= 0.9)) = 5 (P(x >= 0.8) + P(x >= 0.9)), with the
 * tail probabilities integrated here from the beta density (Simpson's rule), checked within 4
 * standard errors of the simulated mean. */
static double phi(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }

/* P(X >= x) for X ~ beta(a, b), by Simpson's rule on [x, 1] (a, b > 1: the density is smooth). */
static double beta_upper(double a, double b, double x)
{
    int n = 20000;
    double h = (1 - x) / n, lb = lgamma(a + b) - lgamma(a) - lgamma(b), sum = 0;
    for (int i = 0; i <= n; i++) {
        double t = x + i * h;
        double f = t <= 0 || t >= 1 ? 0 : exp(lb + (a - 1) * log(t) + (b - 1) * log(1 - t));
        sum += f * (i == 0 || i == n ? 1 : i % 2 ? 4 : 2);
    }
    return sum * h / 3;
}

static void test_measures_gate_normal_cdf(void **state)
{
    (void)state;
    ncm_scenario *sc = load_text(
        "{\"schema\": \"ncm.scenario/1\", \"term_years\": 2,"
        " \"segments\": [{\"name\": \"x\", \"people\": 100, \"cost\": {\"mean\": \"100.00\", \"cv\": 1}}],"
        " \"outcomes\": {\"framework\": " MFW ", \"measures\": ["
        "   {\"id\": \"readmit\", \"mean\": 0.13, \"sd\": 0.02, \"min\": 0.05, \"max\": 0.2},"
        "   {\"id\": \"falls\", \"mean\": 0.045, \"sd\": 0.005, \"trend\": 0.005},"
        "   {\"id\": \"fft\", \"distribution\": \"beta\", \"mean\": 0.85, \"sd\": 0.05}]},"
        " \"designs\": [{\"name\": \"d\", \"contract\": " PRIME_CONTRACT "}]}");
    ncm_sim_options o;
    ncm_sim_options_init(&o);
    o.trials = 40000;
    o.threads = 2;
    ncm_sim_results *r = NULL;
    assert_int_equal(ncm_simulate(sc, &o, &r), NCM_OK);
    double want[3] = {phi(2) * phi(1), phi(2), phi(1)};
    for (unsigned y = 0; y <= 2; y++) {
        double p, se;
        int has;
        assert_int_equal(ncm_sim_results_gate(r, y, &p, &se, &has), NCM_OK);
        double sd = sqrt(want[y] * (1 - want[y]) / 40000.0);
        if (fabs(p - want[y]) > 4 * sd) fail_msg("year %u: P(gate) %.5f, want %.5f +- %.5f", y, p, want[y], 4 * sd);
        assert_true(fabs(se - sd) < 0.1 * sd);
        /* the gateway measure's own P(met) is the gate here (no minimum total) */
        double pm;
        assert_int_equal(ncm_sim_results_measure_stats(r, 1, y, NULL, NULL, &pm, NULL, 0), NCM_OK);
        assert_true(pm == p);
    }
    for (unsigned y = 1; y <= 2; y++) {
        double pm, pse, v[NCM_SIM_STAT_COUNT];
        assert_int_equal(ncm_sim_results_measure_stats(r, 0, y, v, NULL, &pm, &pse, NCM_SIM_STAT_COUNT), NCM_OK);
        assert_true(fabs(pm - phi(1)) < 4 * sqrt(phi(1) * (1 - phi(1)) / 40000.0));
        /* readmit points = 10 (0.15 - x) / 0.05 clipped: median x = 0.13 gives 4 points */
        assert_true(fabs(v[NCM_SIM_Q50] - 4) < 0.05);
        assert_true(v[NCM_SIM_Q01] >= 0 && v[NCM_SIM_Q99] <= 10);
        double se[NCM_SIM_STAT_COUNT];
        assert_int_equal(ncm_sim_results_measure_stats(r, 2, y, v, se, NULL, NULL, NCM_SIM_STAT_COUNT), NCM_OK);
        double want_fft = 5 * (beta_upper(42.5, 7.5, 0.8) + beta_upper(42.5, 7.5, 0.9));
        if (fabs(v[NCM_SIM_MEAN] - want_fft) > 4 * se[NCM_SIM_MEAN])
            fail_msg("fft mean points %.4f, want %.4f +- %.4f", v[NCM_SIM_MEAN], want_fft, 4 * se[NCM_SIM_MEAN]);
        assert_true(v[NCM_SIM_Q01] == 0 && v[NCM_SIM_Q99] == 10);
    }
    /* scores: 0 exactly when the gate fails; otherwise total / 100 in (0, 1] */
    double *s = malloc(40000 * sizeof *s);
    assert_int_equal(ncm_sim_results_scores(r, 2, s, 40000), NCM_OK);
    size_t zero = 0;
    for (size_t i = 0; i < 40000; i++) {
        assert_true(s[i] >= 0 && s[i] <= 1);
        zero += s[i] == 0;
    }
    double p2;
    ncm_sim_results_gate(r, 2, &p2, NULL, NULL);
    assert_true((double)zero >= (1 - p2) * 40000 - 0.5);
    free(s);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);
}

/* Bit-identical across 1, 2 and 3 threads (segment and person mode), measures included. */
static const char *busy_measures = BUSY_WITH(
    "{\"framework\": " MFW ", \"measures\": ["
    "   {\"id\": \"readmit\", \"mean\": 0.13, \"sd\": 0.02, \"trend\": -0.005, \"min\": 0},"
    "   {\"id\": \"falls\", \"mean\": 0.045, \"sd\": 0.006},"
    "   {\"id\": \"fft\", \"distribution\": \"beta\", \"mean\": 0.85, \"sd\": 0.05, \"trend\": 0.01}]}");

static void test_measures_threads(void **state)
{
    (void)state;
    ncm_scenario *sc = load_text(busy_measures);
    for (int mode = NCM_SIM_MODE_SEGMENT; mode <= NCM_SIM_MODE_PERSON; mode++) {
        size_t N = 263;
        ncm_sim_results *ref = run(sc, N, 1, (ncm_sim_mode)mode);
        uint64_t h = results_hash(ref);
        double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
        for (unsigned th = 2; th <= 3; th++) {
            ncm_sim_results *r = run(sc, N, th, (ncm_sim_mode)mode);
            assert_true(results_hash(r) == h);
            for (unsigned y = 0; y <= 3; y++) {
                ncm_sim_results_scores(ref, y, a, N);
                ncm_sim_results_scores(r, y, b, N);
                assert_memory_equal(a, b, N * sizeof *a);
                for (size_t m = 0; m < 3; m++) {
                    double va[NCM_SIM_STAT_COUNT], vb[NCM_SIM_STAT_COUNT], pa, pb;
                    ncm_sim_results_measure_stats(ref, m, y, va, NULL, &pa, NULL, NCM_SIM_STAT_COUNT);
                    ncm_sim_results_measure_stats(r, m, y, vb, NULL, &pb, NULL, NCM_SIM_STAT_COUNT);
                    assert_memory_equal(va, vb, sizeof va);
                    assert_true(pa == pb);
                }
                double ga, gb;
                ncm_sim_results_gate(ref, y, &ga, NULL, NULL);
                ncm_sim_results_gate(r, y, &gb, NULL, NULL);
                assert_true(ga == gb);
            }
            ncm_sim_results_free(r);
        }
        /* the measures vary: scores are not all equal, and the gate sometimes fails */
        ncm_sim_results_scores(ref, 1, a, N);
        size_t zero = 0, differ = 0;
        for (size_t i = 0; i < N; i++) {
            zero += a[i] == 0;
            differ += a[i] != a[0];
        }
        assert_true(zero > 0 && zero < N / 2 && differ > 0);
        free(a);
        free(b);
        ncm_sim_results_free(ref);
    }
    ncm_scenario_free(sc);
}

#define MHEAD                                                                                                          \
    "{\"schema\": \"ncm.scenario/1\", \"term_years\": 3, "                                                             \
    "\"segments\": [{\"name\": \"x\", \"people\": 10, \"cost\": {\"mean\": \"10.00\", \"cv\": 1}}], "
#define MDES "\"designs\": [{\"name\": \"d\", \"contract\": " PRIME_CONTRACT "}]}"
#define MOK_READMIT "{\"id\": \"readmit\", \"mean\": 0.13, \"sd\": 0.02}"
#define MOK_FALLS "{\"id\": \"falls\", \"mean\": 0.045, \"sd\": 0.005}"
#define MOK_FFT "{\"id\": \"fft\", \"distribution\": \"beta\", \"mean\": 0.85, \"sd\": 0.05}"

static void test_measures_bad_json(void **state)
{
    (void)state;
    /* an id the framework lacks */
    expect_error(MHEAD "\"outcomes\": {\"framework\": " MFW ", \"measures\": [" MOK_READMIT ", " MOK_FALLS ", " MOK_FFT
                       ", {\"id\": \"waits\", \"mean\": 1}]}, " MDES,
                 NCM_ERR_NOT_FOUND, "outcomes.measures[3] \"waits\": no measure \"waits\" in the framework");
    /* a weighted measure without a distribution */
    expect_error(MHEAD "\"outcomes\": {\"framework\": " MFW ", \"measures\": [" MOK_READMIT ", " MOK_FFT "]}, " MDES,
                 NCM_ERR_PARSE, "no distribution for measure \"falls\" (weight 2, gateway)");
    /* a negative sd */
    expect_error(MHEAD "\"outcomes\": {\"framework\": " MFW ", \"measures\": [" MOK_READMIT ", " MOK_FFT
                       ", {\"id\": \"falls\", \"mean\": 0.05, \"sd\": -0.01}]}, " MDES,
                 NCM_ERR_RANGE, "outcomes.measures[2] \"falls\".sd: -0.01 is outside");
    expect_error(MHEAD "\"outcomes\": {\"framework\": " MFW ", \"measures\": [" MOK_READMIT ", " MOK_FFT
                       ", {\"id\": \"falls\", \"mean\": 0.05, \"sd\": \"wide\"}]}, " MDES,
                 NCM_ERR_PARSE, "outcomes.measures[2] \"falls\".sd: not a number");
    /* a beta whose trend leaves (0, 1) by year 3 */
    expect_error(MHEAD "\"outcomes\": {\"framework\": " MFW ", \"measures\": [" MOK_READMIT ", " MOK_FALLS
                       ", {\"id\": \"fft\", \"distribution\": \"beta\", \"mean\": 0.9, \"sd\": 0.02, \"trend\": 0.06}]}, " MDES,
                 NCM_ERR_RANGE, "outcomes.measures[2] \"fft\": year 3: a beta distribution needs");
    expect_error(MHEAD "\"outcomes\": {\"framework\": " MFW ", \"measures\": [" MOK_READMIT ", " MOK_FALLS ", " MOK_FFT
                       ", " MOK_FALLS "]}, " MDES,
                 NCM_ERR_DUPLICATE, "outcomes.measures[3] \"falls\": measure given twice");
    expect_error(MHEAD "\"outcomes\": {\"framework\": " MFW ", \"measures\": [" MOK_READMIT ", " MOK_FFT
                       ", {\"id\": \"falls\", \"distribution\": \"poisson\", \"mean\": 0.05}]}, " MDES,
                 NCM_ERR_PARSE, "outcomes.measures[2] \"falls\".distribution: \"poisson\" is not normal or beta");
    expect_error(MHEAD "\"outcomes\": {\"framework\": " MFW ", \"measures\": [" MOK_READMIT ", " MOK_FFT
                       ", {\"id\": \"falls\", \"sd\": 0.01}]}, " MDES,
                 NCM_ERR_PARSE, "outcomes.measures[2] \"falls\".mean: missing");
    expect_error(MHEAD "\"outcomes\": {\"framework\": " MFW ", \"measures\": [" MOK_READMIT ", " MOK_FFT
                       ", {\"id\": \"falls\", \"mean\": 0.05, \"min\": 0.1, \"max\": 0}]}, " MDES,
                 NCM_ERR_RANGE, "outcomes.measures[2] \"falls\": min 0.1 is above max 0");
    expect_error(MHEAD "\"outcomes\": {\"framework\": " MFW ", \"measures\": [" MOK_READMIT ", " MOK_FFT
                       ", {\"id\": \"falls\", \"mean\": 0.05, \"colour\": 1}]}, " MDES,
                 NCM_ERR_PARSE, "outcomes.measures[2]: unknown key \"colour\"");
    /* both models, no framework, a bad framework, a missing framework file */
    expect_error(MHEAD "\"outcomes\": {\"distribution\": \"fixed\", \"mean\": 1, \"framework\": " MFW
                       ", \"measures\": []}, " MDES,
                 NCM_ERR_PARSE, "outcomes: give either a single score");
    expect_error(MHEAD "\"outcomes\": {\"measures\": [" MOK_FALLS "]}, " MDES, NCM_ERR_PARSE,
                 "outcomes.framework: missing");
    expect_error(MHEAD "\"outcomes\": {\"framework\": {\"measures\": [{\"id\": \"m\", \"domain\": \"all\", \"method\": \"best\"}]},"
                       " \"measures\": []}, " MDES,
                 NCM_ERR_PARSE, "outcomes.framework.measures[0] (\"m\").method: unknown method \"best\"");
    expect_error(MHEAD "\"outcomes\": {\"framework\": \"nope_fw.json\", \"measures\": []}, " MDES, NCM_ERR_IO,
                 "outcomes.framework");
    expect_error(MHEAD "\"outcomes\": {\"framework\": 3, \"measures\": []}, " MDES, NCM_ERR_PARSE,
                 "outcomes.framework: must be a file name or an object");
}

static void test_measures_alloc_failures(void **state)
{
    (void)state;
    const char *file_fw =
        MHEAD "\"outcomes\": {\"framework\": \"measures_fw.json\", \"measures\": [" MOK_READMIT ", " MOK_FALLS ", " MOK_FFT
              "]}, " MDES;
    const char *texts[2] = {busy_measures, file_fw};
    for (int which = 0; which < 2; which++) {
        int ok = 0;
        for (unsigned long k = 1; k < 5000 && !ok; k++) {
            ncm_scenario *sc = (ncm_scenario *)0x1;
            ncm_alloc_fail_at(k);
            ncm_status st = ncm_scenario_load_string(texts[which], "s.json", NCM_TEST_DATA "/simulate", &sc);
            ncm_alloc_fail_at(0);
            if (st == NCM_OK) {
                ok = 1;
                ncm_scenario_free(sc);
            } else {
                if (st != NCM_ERR_NOMEM) fail_msg("k=%lu: %d %s", k, st, ncm_last_error());
                assert_ptr_equal(sc, (ncm_scenario *)0x1);
            }
        }
        assert_true(ok);
    }
    ncm_scenario *sc = load_text(busy_measures);
    int ok = 0;
    for (unsigned long k = 1; k < 5000 && !ok; k++) {
        ncm_sim_results *r = (ncm_sim_results *)0x1;
        ncm_sim_options o;
        ncm_sim_options_init(&o);
        o.trials = 20;
        o.threads = 2;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_simulate(sc, &o, &r);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            ok = 1;
            /* the figures accessor allocates too */
            double v[NCM_SIM_STAT_COUNT] = {0}, keep = v[0];
            ncm_alloc_fail_at(1);
            assert_int_equal(ncm_sim_results_measure_stats(r, 0, 1, v, NULL, NULL, NULL, NCM_SIM_STAT_COUNT), NCM_ERR_NOMEM);
            ncm_alloc_fail_at(0);
            assert_true(v[0] == keep);
            ncm_sim_results_free(r);
        } else {
            assert_int_equal(st, NCM_ERR_NOMEM);
            assert_ptr_equal(r, (ncm_sim_results *)0x1);
        }
    }
    assert_true(ok);
    ncm_scenario_free(sc);
}

/* ---------------------------------------------------------------- validation table */

/* Every check of the scenario loader: one small document per check (a minimal valid scenario with
 * one thing wrong), the exact status and the part of the message that names the field and reason. */
#define VCON SIMPLE_CONTRACT("100.00")
#define VDES(extra) "\"designs\": [{\"name\": \"d\", \"contract\": " VCON extra "}]}"
#define VOK HEAD SEG VDES("")
#define VSEG(body) HEAD "\"segments\": [{\"name\": \"x\", " body "}], " VDES("")
#define VCOST(body) VSEG("\"people\": 10, \"cost\": {" body "}")
#define VPOP(pop, seg) HEAD "\"population\": " pop ", \"segments\": [{\"name\": \"x\", " seg "}], " VDES("")
#define VSYN(body) VPOP("{\"synth\": {" body "}}", "\"cost\": {}")
#define VMEAS(m) MHEAD "\"outcomes\": {\"framework\": " MFW ", \"measures\": [" m "]}, " MDES
#define VSL(body) HEAD SEG VDES(", \"stop_loss\": {" body "}")
#define VCS(body) HEAD SEG VDES(", \"cost_shares\": " body)
#define V5 "{}, {}, {}, {}, {}, "
#define Z8 "0, 0, 0, 0, 0, 0, 0, 0, "

static const struct vcase {
    const char *text;
    ncm_status want;
    const char *part;
} vcases[] = {
    /* the document, schema, term, mode */
    {"[]", NCM_ERR_PARSE, "bad.json: (document): expected an object"},
    {"{\"term_years\": 1, " SEG VDES(""), NCM_ERR_PARSE, "schema: missing (expected \"ncm.scenario/1\")"},
    {"{\"schema\": 1, \"term_years\": 1, " SEG VDES(""), NCM_ERR_PARSE, "schema: not a string (expected \"ncm.scenario/1\")"},
    {"{\"schema\": \"ncm.scenario/1\", " SEG VDES(""), NCM_ERR_PARSE, "bad.json: term_years: missing"},
    {"{\"schema\": \"ncm.scenario/1\", \"term_years\": \"one\", " SEG VDES(""), NCM_ERR_PARSE, "term_years: not a number"},
    {"{\"schema\": \"ncm.scenario/1\", \"term_years\": 0, " SEG VDES(""), NCM_ERR_RANGE, "term_years: 0 is outside [1, "},
    {"{\"schema\": \"ncm.scenario/1\", \"term_years\": 1.5, " SEG VDES(""), NCM_ERR_RANGE,
     "term_years: 1.5 is not a whole number"},
    {HEAD "\"mode\": \"batch\", " SEG VDES(""), NCM_ERR_PARSE, "mode: expected \"segment\" or \"person\""},
    {HEAD "\"mode\": 1, " SEG VDES(""), NCM_ERR_PARSE, "mode: expected \"segment\" or \"person\""},
    /* segments */
    {HEAD VDES(""), NCM_ERR_PARSE, "segments: missing"},
    {HEAD "\"segments\": [], " VDES(""), NCM_ERR_PARSE, "segments: expected a non-empty array"},
    {HEAD "\"segments\": {}, " VDES(""), NCM_ERR_PARSE, "segments: expected a non-empty array"},
    {HEAD "\"segments\": [1], " VDES(""), NCM_ERR_PARSE, "segments[0]: expected an object"},
    {HEAD "\"segments\": [{\"people\": 1}], " VDES(""), NCM_ERR_PARSE, "segments[0]: \"name\" must be a non-empty string"},
    {HEAD "\"segments\": [{\"name\": \"\"}], " VDES(""), NCM_ERR_PARSE, "segments[0]: \"name\" must be a non-empty string"},
    {VSEG("\"sex\": \"F\""), NCM_ERR_PARSE, "segments[0]: unknown key \"sex\""},
    {VSEG("\"min_age\": -1"), NCM_ERR_RANGE, "segments[0] \"x\".min_age: -1 is outside [0, 130]"},
    {VSEG("\"max_age\": \"old\""), NCM_ERR_PARSE, "segments[0] \"x\".max_age: not a number"},
    {VSEG("\"min_age\": 80, \"max_age\": 70"), NCM_ERR_RANGE, "segments[0] \"x\": min_age 80 is above max_age 70"},
    {VSEG("\"people\": -1"), NCM_ERR_RANGE, "segments[0] \"x\".people: -1 is outside [0, 4e+09]"},
    {VSEG("\"people\": 10"), NCM_ERR_PARSE, "segments[0] \"x\": \"cost\" is required"},
    {VSEG("\"people\": 10, \"cost\": []"), NCM_ERR_PARSE, "segments[0] \"x\".cost: expected an object"},
    {VCOST("\"sd\": 1"), NCM_ERR_PARSE, "segments[0] \"x\".cost: unknown key \"sd\""},
    {VCOST("\"distribution\": 3"), NCM_ERR_PARSE, "segments[0] \"x\".cost.distribution: expected a string"},
    {VCOST("\"mean\": 10, \"cv\": 1"), NCM_ERR_PARSE, "segments[0] \"x\".cost.mean: not an amount"},
    {VCOST("\"mean\": \"ten\", \"cv\": 1"), NCM_ERR_PARSE, "segments[0] \"x\".cost.mean: not an amount"},
    {VCOST("\"mean\": \"-5.00\", \"cv\": 1"), NCM_ERR_RANGE, "segments[0] \"x\".cost.mean: -5.00 is negative"},
    {VCOST("\"mean\": \"0.00\", \"cv\": 1"), NCM_ERR_RANGE, "segments[0] \"x\".cost.mean: must be > 0"},
    {VCOST("\"mean\": \"10.00\", \"cv\": \"high\""), NCM_ERR_PARSE, "segments[0] \"x\".cost.cv: not a number"},
    {VCOST("\"mean\": \"10.00\", \"cv\": 21"), NCM_ERR_RANGE, "segments[0] \"x\".cost.cv: 21 is above 20"},
    {VCOST("\"mean\": \"10.00\""), NCM_ERR_PARSE, "segments[0] \"x\".cost: mean and cv are required without a population"},
    {VCOST("\"cv\": 1"), NCM_ERR_PARSE, "segments[0] \"x\".cost: mean and cv are required without a population"},
    {VCOST("\"distribution\": \"resample\", \"mean\": \"10.00\", \"cv\": 1"), NCM_ERR_INVALID,
     "segments[0] \"x\".cost: resample needs a population"},
    /* population */
    {VPOP("[]", "\"cost\": {}"), NCM_ERR_PARSE, "population: expected an object"},
    {VPOP("{\"file\": \"p.csv\"}", "\"cost\": {}"), NCM_ERR_PARSE, "population: unknown key \"file\""},
    {VPOP("{\"synth\": {}, \"cost_scale\": -1}", "\"cost\": {}"), NCM_ERR_RANGE,
     "population.cost_scale: -1 is outside [0, 1e+06]"},
    {VPOP("{\"cost_scale\": 1}", "\"cost\": {}"), NCM_ERR_PARSE, "population: give exactly one of \"synth\" and \"csv\""},
    {VPOP("{\"synth\": {}, \"csv\": {\"people\": \"people.csv\"}}", "\"cost\": {}"), NCM_ERR_PARSE,
     "population: give exactly one of \"synth\" and \"csv\""},
    {VPOP("{\"csv\": 1}", "\"cost\": {}"), NCM_ERR_PARSE, "population.csv: expected an object"},
    {VPOP("{\"csv\": {\"people\": \"people.csv\", \"costs\": \"c.csv\"}}", "\"cost\": {}"), NCM_ERR_PARSE,
     "population.csv: unknown key \"costs\""},
    {VPOP("{\"csv\": {\"diagnoses\": \"d.csv\"}}", "\"cost\": {}"), NCM_ERR_PARSE,
     "population.csv.people: expected a file name"},
    {VPOP("{\"csv\": {\"people\": 7}}", "\"cost\": {}"), NCM_ERR_PARSE, "population.csv.people: expected a file name"},
    {VPOP("{\"csv\": {\"people\": \"people.csv\", \"diagnoses\": \"no_diagnoses.csv\"}}", "\"cost\": {}"), NCM_ERR_IO,
     "bad.json: population.csv: "},
    /* a diagnoses file by absolute path (here a people file, which lacks the diagnosis columns) */
    {VPOP("{\"csv\": {\"people\": \"people.csv\", \"diagnoses\": \"" NCM_TEST_DATA "/simulate/people.csv\"}}", "\"cost\": {}"),
     NCM_ERR_PARSE, "people.csv:1:1: header: required column \"code\" is missing"},
    {VSYN("\"persons\": 10"), NCM_ERR_PARSE, "population.synth: unknown key \"persons\""},
    {VSYN("\"people\": 0"), NCM_ERR_RANGE, "population.synth.people: 0 is outside [1, 4e+09]"},
    {VSYN("\"people\": 10.5"), NCM_ERR_RANGE, "population.synth: people, seed and places must be whole numbers"},
    {VSYN("\"people\": 10, \"seed\": 1.5"), NCM_ERR_RANGE, "population.synth: people, seed and places must be whole"},
    {VSYN("\"people\": 10, \"places\": 2.5"), NCM_ERR_RANGE, "population.synth: people, seed and places must be whole"},
    {VSYN("\"seed\": -1"), NCM_ERR_RANGE, "population.synth.seed: -1 is outside"},
    {VSYN("\"places\": \"many\""), NCM_ERR_PARSE, "population.synth.places: not a number"},
    {VPOP("{\"csv\": {\"people\": \"people.csv\"}, \"cost_total\": \"10.00\", \"cost_scale\": 2}", "\"cost\": {}"),
     NCM_ERR_INCONSISTENT, "population: give cost_scale or cost_total, not both"},
    {VPOP("{\"csv\": {\"people\": \"people.csv\"}, \"cost_total\": 10}", "\"cost\": {}"), NCM_ERR_PARSE,
     "population.cost_total: not an amount"},
    {VPOP("{\"csv\": {\"people\": \"people.csv\"}, \"cost_total\": \"-10.00\"}", "\"cost\": {}"), NCM_ERR_RANGE,
     "population.cost_total: -10.00 is negative"},
    /* people.csv has nobody aged 0-30: no cost to scale, and no one to take a mean from */
    {VPOP("{\"csv\": {\"people\": \"people.csv\"}, \"cost_total\": \"10.00\"}",
          "\"max_age\": 30, \"cost\": {\"mean\": \"1.00\", \"cv\": 1}"),
     NCM_ERR_RANGE, "population.cost_total: the segments' people have no cost"},
    {VPOP("{\"csv\": {\"people\": \"people.csv\"}}", "\"max_age\": 30, \"cost\": {}"), NCM_ERR_RANGE,
     "segments[0] \"x\": nobody in the population is aged 0-30"},
    {VPOP("{\"csv\": {\"people\": \"people.csv\"}}",
          "\"max_age\": 30, \"cost\": {\"distribution\": \"resample\", \"mean\": \"1.00\", \"cv\": 1}"),
     NCM_ERR_RANGE, "segments[0] \"x\": nobody in the population is aged 0-30"},
    {VPOP("{\"csv\": {\"people\": \"people.csv\"}, \"cost_scale\": 0}", "\"cost\": {}"), NCM_ERR_RANGE,
     "segments[0] \"x\": mean cost is 0"},
    /* growth and inflation */
    {HEAD SEG "\"demand_growth\": 2, " VDES(""), NCM_ERR_RANGE, "bad.json: demand_growth: 2 is outside [-0.5, 1]"},
    {HEAD SEG "\"cost_inflation\": null, " VDES(""), NCM_ERR_PARSE, "bad.json: cost_inflation: not a number"},
    {HEAD SEG "\"cost_inflation\": -0.6, " VDES(""), NCM_ERR_RANGE, "cost_inflation: -0.6 is outside [-0.5, 1]"},
    /* JSON has no NaN or infinity: the parser rejects the spellings, with the place */
    {HEAD SEG "\"cost_inflation\": NaN, " VDES(""), NCM_ERR_PARSE, "bad.json:1:"},
    {HEAD SEG "\"demand_growth\": 1e999, " VDES(""), NCM_ERR_PARSE, "bad.json:1:"},
    /* efficiency */
    {HEAD SEG "\"efficiency\": 0.1, " VDES(""), NCM_ERR_PARSE, "efficiency: expected an object"},
    {HEAD SEG "\"efficiency\": {\"target\": 0.1}, " VDES(""), NCM_ERR_PARSE, "efficiency: unknown key \"target\""},
    {HEAD SEG "\"efficiency\": {\"assumed\": 0.99}, " VDES(""), NCM_ERR_RANGE, "efficiency.assumed: 0.99 is outside [0, 0.95]"},
    {HEAD SEG "\"efficiency\": {\"ramp_years\": 0}, " VDES(""), NCM_ERR_RANGE, "efficiency.ramp_years: 0 is outside [1, 50]"},
    {HEAD SEG "\"efficiency\": {\"delivered\": []}, " VDES(""), NCM_ERR_PARSE, "efficiency.delivered: expected an object"},
    {HEAD SEG "\"efficiency\": {\"delivered\": {\"min\": 0}}, " VDES(""), NCM_ERR_PARSE,
     "efficiency.delivered: unknown key \"min\""},
    {HEAD SEG "\"efficiency\": {\"delivered\": {\"mean\": 1}}, " VDES(""), NCM_ERR_RANGE,
     "efficiency.delivered.mean: 1 is outside [0, 0.95]"},
    {HEAD SEG "\"efficiency\": {\"delivered\": {\"sd\": \"x\"}}, " VDES(""), NCM_ERR_PARSE,
     "efficiency.delivered.sd: not a number"},
    /* a single outcome score */
    {HEAD SEG "\"outcomes\": 1, " VDES(""), NCM_ERR_PARSE, "outcomes: expected an object"},
    {HEAD SEG "\"outcomes\": {\"median\": 1}, " VDES(""), NCM_ERR_PARSE, "outcomes: unknown key \"median\""},
    {HEAD SEG "\"outcomes\": {\"distribution\": \"poisson\"}, " VDES(""), NCM_ERR_PARSE,
     "outcomes.distribution: \"poisson\" is not fixed, beta or normal"},
    {HEAD SEG "\"outcomes\": {\"mean\": 1.5}, " VDES(""), NCM_ERR_RANGE, "outcomes.mean: 1.5 is outside [0, 1]"},
    {HEAD SEG "\"outcomes\": {\"distribution\": \"normal\", \"sd\": -0.1}, " VDES(""), NCM_ERR_RANGE,
     "outcomes.sd: -0.1 is outside [0, 1]"},
    {HEAD SEG "\"outcomes\": {\"distribution\": \"beta\", \"mean\": 1, \"sd\": 0.1}, " VDES(""), NCM_ERR_RANGE,
     "outcomes: a beta distribution needs 0 < mean < 1"},
    {HEAD SEG "\"outcomes\": {\"distribution\": \"beta\", \"mean\": 0.5, \"sd\": 0}, " VDES(""), NCM_ERR_RANGE,
     "outcomes: a beta distribution needs 0 < mean < 1"},
    {HEAD SEG "\"outcomes\": {\"sd\": 0.1, \"measures\": []}, " VDES(""), NCM_ERR_PARSE, "outcomes: give either a single score"},
    /* per-measure outcome model */
    {MHEAD "\"outcomes\": {\"framework\": " MFW ", \"measures\": {}}, " MDES, NCM_ERR_PARSE,
     "outcomes.measures: expected an array"},
    {MHEAD "\"outcomes\": {\"framework\": " MFW "}, " MDES, NCM_ERR_PARSE, "outcomes.measures: expected an array"},
    {VMEAS("1"), NCM_ERR_PARSE, "outcomes.measures[0]: expected an object"},
    {VMEAS("{\"mean\": 0.1}"), NCM_ERR_PARSE, "outcomes.measures[0]: \"id\" must be a non-empty string"},
    {VMEAS("{\"id\": \"\", \"mean\": 0.1}"), NCM_ERR_PARSE, "outcomes.measures[0]: \"id\" must be a non-empty string"},
    {VMEAS("{\"id\": \"readmit\", \"distribution\": 2, \"mean\": 0.1}"), NCM_ERR_PARSE,
     "outcomes.measures[0] \"readmit\".distribution: expected a string"},
    {VMEAS("{\"id\": \"fft\", \"distribution\": \"beta\", \"mean\": 0.8, \"sd\": 0.05, \"min\": 0}"), NCM_ERR_PARSE,
     "outcomes.measures[0] \"fft\": min and max apply to a normal distribution only"},
    {VMEAS("{\"id\": \"fft\", \"distribution\": \"beta\", \"mean\": 0.8, \"sd\": 0.05, \"max\": 1}"), NCM_ERR_PARSE,
     "outcomes.measures[0] \"fft\": min and max apply to a normal distribution only"},
    {VMEAS("{\"id\": \"fft\", \"distribution\": \"beta\", \"mean\": 0.8, \"sd\": 0}"), NCM_ERR_RANGE,
     "outcomes.measures[0] \"fft\": year 1: a beta distribution needs"},
    {VMEAS("{\"id\": \"readmit\", \"mean\": 2e12}"), NCM_ERR_RANGE, "outcomes.measures[0] \"readmit\".mean: 2e+12 is outside"},
    {VMEAS("{\"id\": \"readmit\", \"mean\": 0.1, \"trend\": \"up\"}"), NCM_ERR_PARSE,
     "outcomes.measures[0] \"readmit\".trend: not a number"},
    {VMEAS("{\"id\": \"readmit\", \"mean\": 0.1, \"min\": \"low\"}"), NCM_ERR_PARSE,
     "outcomes.measures[0] \"readmit\".min: not a number"},
    {VMEAS("{\"id\": \"readmit\", \"mean\": 0.1, \"max\": -2e12}"), NCM_ERR_RANGE,
     "outcomes.measures[0] \"readmit\".max: -2e+12 is outside"},
    {VMEAS(MOK_READMIT ", " MOK_FALLS), NCM_ERR_PARSE, "outcomes.measures: no distribution for measure \"fft\" (weight 1)"},
    /* membership */
    {HEAD SEG "\"membership\": [], " VDES(""), NCM_ERR_PARSE, "membership: expected an object"},
    {HEAD SEG "\"membership\": {\"deaths\": 0.1}, " VDES(""), NCM_ERR_PARSE, "membership: unknown key \"deaths\""},
    {HEAD SEG "\"membership\": {\"joiners\": 2}, " VDES(""), NCM_ERR_RANGE, "membership.joiners: 2 is outside [0, 1]"},
    {HEAD SEG "\"membership\": {\"leavers\": \"few\"}, " VDES(""), NCM_ERR_PARSE, "membership.leavers: not a number"},
    /* shocks */
    {HEAD SEG "\"shocks\": {}, " VDES(""), NCM_ERR_PARSE, "shocks: expected an array"},
    {HEAD SEG "\"shocks\": [" V5 V5 V5 "{}, {}], " VDES(""), NCM_ERR_RANGE, "shocks: 17 shocks (at most 16)"},
    {HEAD SEG "\"shocks\": [1], " VDES(""), NCM_ERR_PARSE, "shocks[0]: expected an object"},
    {HEAD SEG "\"shocks\": [{\"severity\": 1}], " VDES(""), NCM_ERR_PARSE, "shocks[0]: unknown key \"severity\""},
    {HEAD SEG "\"shocks\": [{\"cost_increase\": 11}], " VDES(""), NCM_ERR_RANGE, "shocks[0].cost_increase: 11 is outside [-0.9, 10]"},
    {HEAD SEG "\"shocks\": [{\"probability\": \"rare\"}], " VDES(""), NCM_ERR_PARSE, "shocks[0].probability: not a number"},
    /* designs */
    {HEAD SEG "\"name\": \"n\"}", NCM_ERR_PARSE, "designs: expected a non-empty array"},
    {HEAD SEG "\"designs\": []}", NCM_ERR_PARSE, "designs: expected a non-empty array"},
    {HEAD SEG "\"designs\": [" Z8 Z8 Z8 Z8 Z8 Z8 Z8 Z8 "0]}", NCM_ERR_RANGE, "designs: 65 designs (at most 64)"},
    {HEAD SEG "\"designs\": [1]}", NCM_ERR_PARSE, "designs[0]: expected an object"},
    {HEAD SEG "\"designs\": [{\"contract\": " VCON "}]}", NCM_ERR_PARSE, "designs[0]: \"name\" must be a non-empty string"},
    {HEAD SEG VDES(", \"owner\": \"me\""), NCM_ERR_PARSE, "designs[0]: unknown key \"owner\""},
    {HEAD SEG "\"designs\": [{\"name\": \"d\", \"contract\": " VCON "}, {\"name\": \"d\", \"contract\": " VCON "}]}",
     NCM_ERR_DUPLICATE, "designs[1] \"d\": design named twice"},
    {HEAD SEG "\"designs\": [{\"name\": \"d\", \"contract\": 3}]}", NCM_ERR_PARSE,
     "designs[0] \"d\": \"contract\" must be a file name or an object"},
    {HEAD SEG "\"designs\": [{\"name\": \"d\"}]}", NCM_ERR_PARSE,
     "designs[0] \"d\": \"contract\" must be a file name or an object"},
    {HEAD SEG "\"designs\": [{\"name\": \"d\", \"contract\": {\"schema\": 1}}]}", NCM_ERR_PARSE,
     "bad.json: designs[0] \"d\".contract"},
    {HEAD SEG "\"designs\": [{\"name\": \"act\", \"contract\": {\"schema\": 1, \"name\": \"a\", \"form\": \"activity\","
              " \"term_years\": 1, \"value\": {\"by_year\": [\"100.00\"]}, \"parties\": [{\"name\": \"CCG\", \"role\": "
              "\"commissioner\"}, {\"name\": \"Prov\", \"role\": \"provider\"}], \"components\": [{\"name\": \"visits\", "
              "\"type\": \"activity\", \"price\": \"10.00\"}]}}]}",
     NCM_ERR_INVALID, "designs[0] \"act\": component \"visits\": activity volumes are not simulated"},
    {HEAD SEG "\"designs\": [{\"name\": \"ext\", \"contract\": {\"schema\": 1, \"name\": \"e\", \"form\": \"capitated\","
              " \"term_years\": 1, \"value\": {\"by_year\": [\"100.00\"]}, \"parties\": [{\"name\": \"CCG\", \"role\": "
              "\"commissioner\"}, {\"name\": \"Prov\", \"role\": \"provider\"}, {\"name\": \"Re\", \"role\": \"external\"}],"
              " \"components\": [{\"name\": \"cap\", \"type\": \"capitation\", \"share\": 1}]}, \"cost_shares\": {\"Re\": 1}}]}",
     NCM_ERR_INVALID, "designs[0] \"ext\".cost_shares: \"Re\" is not a provider"},
    {VCS("[]"), NCM_ERR_PARSE, "designs[0] \"d\".cost_shares: expected an object"},
    {VCS("{\"CCG\": 1}"), NCM_ERR_INVALID, "designs[0] \"d\".cost_shares: \"CCG\" is not a provider"},
    {VCS("{\"Prov\": 2}"), NCM_ERR_RANGE, "designs[0] \"d\".cost_shares.Prov: must be a number in [0, 1]"},
    {VCS("{\"Prov\": \"all\"}"), NCM_ERR_RANGE, "designs[0] \"d\".cost_shares.Prov: must be a number in [0, 1]"},
    {VCS("{\"Prov\": 0.5}"), NCM_ERR_INCONSISTENT, "designs[0] \"d\".cost_shares: shares sum to 0.5, not 1"},
    {HEAD SEG VDES(", \"stop_loss\": []"), NCM_ERR_PARSE, "designs[0] \"d\".stop_loss: expected an object"},
    {VSL("\"deductible\": \"1.00\""), NCM_ERR_PARSE, "designs[0] \"d\".stop_loss: unknown key \"deductible\""},
    {VSL(""), NCM_ERR_INVALID, "designs[0] \"d\".stop_loss: give an attachment or an aggregate_threshold"},
    {VSL("\"attachment\": \"100.00\", \"limit\": \"100.00\""), NCM_ERR_RANGE,
     "designs[0] \"d\".stop_loss.limit: must be above the attachment"},
    {VSL("\"limit\": 5"), NCM_ERR_PARSE, "designs[0] \"d\".stop_loss.limit: not an amount"},
    {VSL("\"attachment\": \"100.00\", \"coinsurance\": 2"), NCM_ERR_RANGE, "designs[0] \"d\".stop_loss.coinsurance: 2 is outside [0, 1]"},
    {VSL("\"aggregate_threshold\": 101"), NCM_ERR_RANGE, "designs[0] \"d\".stop_loss.aggregate_threshold: 101 is outside [0, 100]"},
    {VSL("\"aggregate_threshold\": 1.1, \"aggregate_coinsurance\": \"x\""), NCM_ERR_PARSE,
     "designs[0] \"d\".stop_loss.aggregate_coinsurance: not a number"},
    {VSL("\"attachment\": \"100.00\", \"premium_rate\": -1"), NCM_ERR_RANGE, "designs[0] \"d\".stop_loss.premium_rate: -1 is outside"},
    {HEAD SEG VDES(", \"cap\": \"lots\""), NCM_ERR_PARSE, "designs[0] \"d\".cap: not an amount"},
    {HEAD SEG VDES(", \"cap\": \"-1.00\""), NCM_ERR_RANGE, "designs[0] \"d\".cap: -1.00 is negative"},
    {HEAD SEG "\"designs\": [{\"name\": \"\", \"contract\": " VCON "}]}", NCM_ERR_PARSE,
     "designs[0]: \"name\" must be a non-empty string"},
    {"{\"schema\": \"ncm.scenario/1\", \"term_years\": 1000, " SEG VDES(""), NCM_ERR_RANGE, "term_years: 1000 is outside [1, "},
    {VSEG("\"max_age\": 200"), NCM_ERR_RANGE, "segments[0] \"x\".max_age: 200 is outside [0, 130]"},
    {HEAD SEG "\"outcomes\": {\"mean\": 0.5, \"framework\": " MFW "}, " VDES(""), NCM_ERR_PARSE,
     "outcomes: give either a single score"},
    {HEAD SEG "\"outcomes\": {\"distribution\": \"fixed\", \"framework\": " MFW "}, " VDES(""), NCM_ERR_PARSE,
     "outcomes: give either a single score"},
    {HEAD SEG "\"outcomes\": {\"distribution\": \"beta\", \"mean\": 0, \"sd\": 0.1}, " VDES(""), NCM_ERR_RANGE,
     "outcomes: a beta distribution needs 0 < mean < 1"},
    {HEAD SEG "\"outcomes\": {\"distribution\": \"beta\", \"mean\": 0.5, \"sd\": 0.5}, " VDES(""), NCM_ERR_RANGE,
     "outcomes: a beta distribution needs 0 < mean < 1"},
    {VMEAS("{\"id\": \"fft\", \"distribution\": \"beta\", \"mean\": 0, \"sd\": 0.05}"), NCM_ERR_RANGE,
     "outcomes.measures[0] \"fft\": year 1: a beta distribution needs"},
    {VMEAS("{\"id\": \"fft\", \"distribution\": \"beta\", \"mean\": 0.5, \"sd\": 0.5}"), NCM_ERR_RANGE,
     "outcomes.measures[0] \"fft\": year 1: a beta distribution needs"},
    {VMEAS("{\"id\": \"fft\", \"distribution\": \"beta\", \"mean\": 1, \"sd\": 0.05}"), NCM_ERR_RANGE,
     "outcomes.measures[0] \"fft\": year 1: a beta distribution needs"},
};

/* Valid documents that take the optional branches; each must load, write, load back and write the same bytes. */
static const char *const vvalid[] = {
    VOK,
    HEAD "\"name\": \"everything\", \"mode\": \"person\", "
         "\"segments\": [{\"name\": \"g\", \"min_age\": 65, \"max_age\": 130, \"people\": 10, \"cost\": "
         "{\"distribution\": \"gamma\", \"mean\": \"10.00\", \"cv\": 0.5}},"
         " {\"name\": \"l\", \"max_age\": 64, \"people\": 5, \"cost\": {\"distribution\": \"lognormal\", \"mean\": \"20.00\", \"cv\": 0}}], "
         "\"demand_growth\": -0.5, \"cost_inflation\": 1, \"efficiency\": {\"assumed\": 0.2, \"ramp_years\": 3}, "
         "\"outcomes\": {\"distribution\": \"beta\", \"mean\": 0.5, \"sd\": 0.1}, "
         "\"membership\": {\"joiners\": 0.1, \"leavers\": 0.05}, \"shocks\": [{\"probability\": 0.1, \"cost_increase\": -0.9}, "
         "{\"name\": \"flu\", \"probability\": 1, \"cost_increase\": 10}], "
         "\"designs\": [{\"name\": \"d\", \"contract\": " VCON ", \"cost_shares\": {\"Prov\": 1}, \"cap\": \"0.00\","
         " \"stop_loss\": {\"attachment\": \"50.00\", \"coinsurance\": 0.2, \"limit\": \"90.00\", \"premium_rate\": 0.01}},"
         " {\"name\": \"agg\", \"contract\": \"simple2.json\", \"stop_loss\": {\"aggregate_threshold\": 1.1, "
         "\"aggregate_coinsurance\": 0.5}}]}",
    HEAD SEG "\"shocks\": [], \"mode\": \"segment\", \"outcomes\": {\"distribution\": \"normal\", \"mean\": 0.9, \"sd\": 0.1}, "
             "\"efficiency\": {\"delivered\": {\"mean\": 0.1}}, \"membership\": {}, " VDES(""),
    HEAD SEG "\"outcomes\": {}, " VDES(""),
    /* a synthetic population with places, a cost scale, segments with and without their own figures; the
     * first two segments take everybody, so "rest" (own figures) is empty */
    HEAD "\"population\": {\"synth\": {\"people\": 300, \"seed\": 5, \"places\": 3}, \"cost_scale\": 0.5}, "
         "\"segments\": [{\"name\": \"young\", \"max_age\": 74, \"people\": 100, \"cost\": {\"mean\": \"1000.00\", \"cv\": 1}},"
         " {\"name\": \"old\", \"min_age\": 75, \"cost\": {\"distribution\": \"resample\"}},"
         " {\"name\": \"rest\", \"cost\": {\"distribution\": \"gamma\", \"mean\": \"5.00\", \"cv\": 1}}], " VDES(""),
    /* the CSV population given by an absolute path, every segment without figures */
    HEAD "\"population\": {\"csv\": {\"people\": \"" NCM_TEST_DATA "/simulate/people.csv\"}, \"cost_total\": \"100.00\"}, "
         "\"segments\": [{\"name\": \"all\", \"cost\": {\"distribution\": \"gamma\"}}], " VDES(""),
    /* absolute paths for the contract, the framework and the CSV files */
    MHEAD "\"outcomes\": {\"framework\": \"" NCM_TEST_DATA "/simulate/measures_fw.json\", \"measures\": ["
          MOK_READMIT ", " MOK_FALLS ", " MOK_FFT "]}, " MDES,
    HEAD SEG "\"designs\": [{\"name\": \"abs\", \"contract\": \"" NCM_TEST_DATA "/simulate/simple2.json\"}]}",
    /* per-measure model from a framework file, normal measures with bounds */
    MHEAD "\"outcomes\": {\"framework\": \"measures_fw.json\", \"measures\": ["
          "{\"id\": \"readmit\", \"distribution\": \"normal\", \"mean\": 0.13, \"sd\": 0.02, \"trend\": -0.01, \"min\": 0, \"max\": 1}, "
          "{\"id\": \"falls\", \"mean\": 0.045, \"min\": 0}, {\"id\": \"fft\", \"mean\": 0.85, \"max\": 1}]}, " MDES,
};

static void test_scenario_validation_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vcases / sizeof vcases[0]; i++) {
        ncm_scenario *sc = (ncm_scenario *)0x1;
        ncm_status st = ncm_scenario_load_string(vcases[i].text, "bad.json", NCM_TEST_DATA "/simulate", &sc);
        if (st != vcases[i].want) fail_msg("case %zu: status %d, want %d: %s", i, st, vcases[i].want, ncm_last_error());
        if (!strstr(ncm_last_error(), vcases[i].part))
            fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, ncm_last_error(), vcases[i].part);
        assert_ptr_equal(sc, (ncm_scenario *)0x1);
    }
    /* 4097 segments: one more than allowed */
    {
        static const char head[] = HEAD "\"segments\": [", tail[] = "{}], " VDES("");
        size_t cap = sizeof head + 4 * 4097 + sizeof tail;
        char *big = malloc(cap), *q = big;
        assert_non_null(big);
        q += sprintf(q, "%s", head);
        for (int k = 0; k < 4096; k++) q += sprintf(q, "{}, ");
        sprintf(q, "%s", tail);
        ncm_scenario *sc = (ncm_scenario *)0x1;
        assert_int_equal(ncm_scenario_load_string(big, "big.json", NULL, &sc), NCM_ERR_RANGE);
        assert_non_null(strstr(ncm_last_error(), "big.json: segments: 4097 segments (at most 4096)"));
        assert_ptr_equal(sc, (ncm_scenario *)0x1);
        free(big);
    }
    /* base folder absent or empty: relative file names are taken as given (from the working folder) */
    const char *rel = HEAD SEG "\"designs\": [{\"name\": \"d\", \"contract\": \"no_such_contract.json\"}]}";
    const char *relpop = HEAD "\"population\": {\"csv\": {\"people\": \"no_such_people.csv\", \"diagnoses\": \"d.csv\"}}, "
                              "\"segments\": [{\"name\": \"x\", \"cost\": {}}], " VDES("");
    const char *relfw = MHEAD "\"outcomes\": {\"framework\": \"no_such_fw.json\", \"measures\": []}, " MDES;
    const char *bases[2] = {NULL, ""};
    for (int b = 0; b < 2; b++) {
        ncm_scenario *sc = NULL;
        assert_int_equal(ncm_scenario_load_string(rel, NULL, bases[b], &sc), NCM_ERR_IO);
        assert_non_null(strstr(ncm_last_error(), "<string>: designs[0] \"d\": contract: "));
        assert_non_null(strstr(ncm_last_error(), "no_such_contract.json"));
        assert_int_equal(ncm_scenario_load_string(relpop, NULL, bases[b], &sc), NCM_ERR_IO);
        assert_non_null(strstr(ncm_last_error(), "<string>: population.csv: "));
        assert_int_equal(ncm_scenario_load_string(relfw, NULL, bases[b], &sc), NCM_ERR_IO);
        assert_non_null(strstr(ncm_last_error(), "<string>: outcomes.framework: "));
        assert_null(sc);
    }
    assert_int_equal(ncm_scenario_load_string(NULL, "x", NULL, NULL), NCM_ERR_INVALID);
    /* valid documents: load, write, load, write gives the same bytes and the same segments */
    for (size_t i = 0; i < sizeof vvalid / sizeof vvalid[0]; i++) {
        ncm_scenario *a = NULL, *b = NULL;
        if (ncm_scenario_load_string(vvalid[i], "ok.json", NCM_TEST_DATA "/simulate", &a) != NCM_OK)
            fail_msg("valid %zu: %s", i, ncm_last_error());
        char p1[] = "/tmp/ncm_scv1_XXXXXX", p2[] = "/tmp/ncm_scv2_XXXXXX";
        int f1 = mkstemp(p1), f2 = mkstemp(p2);
        close(f1);
        close(f2);
        assert_int_equal(ncm_scenario_write_file(a, p1), NCM_OK);
        if (ncm_scenario_load_file(p1, &b) != NCM_OK) fail_msg("valid %zu read back: %s", i, ncm_last_error());
        assert_int_equal(ncm_scenario_write_file(b, p2), NCM_OK);
        FILE *fa = fopen(p1, "rb"), *fb = fopen(p2, "rb");
        static char ba[1 << 16], bb[1 << 16];
        size_t na = fread(ba, 1, sizeof ba, fa), nb = fread(bb, 1, sizeof bb, fb);
        fclose(fa);
        fclose(fb);
        assert_true(na < sizeof ba);
        assert_int_equal(na, nb);
        assert_memory_equal(ba, bb, na);
        size_t ns = ncm_scenario_segment_count(a);
        assert_int_equal(ns, ncm_scenario_segment_count(b));
        assert_int_equal(ncm_scenario_design_count(a), ncm_scenario_design_count(b));
        assert_int_equal(ncm_scenario_term(a), ncm_scenario_term(b));
        double pa[4], ma[4], ca[4], pb[4], mb[4], cb[4];
        assert_true(ns <= 4);
        assert_int_equal(ncm_scenario_segments(a, pa, ma, ca, 4), NCM_OK);
        assert_int_equal(ncm_scenario_segments(b, pb, mb, cb, 4), NCM_OK);
        for (size_t s = 0; s < ns; s++) {
            assert_true(pa[s] == pb[s]);
            assert_true(fabs(ma[s] - mb[s]) <= 0.5); /* means are written in whole minor units */
            assert_true(fabs(ca[s] - cb[s]) <= 1e-12 * (1 + ca[s]));
        }
        ncm_scenario_free(a);
        ncm_scenario_free(b);
        unlink(p1);
        unlink(p2);
    }
    /* the sweep setters: each refusal names the parameter, segment or design */
    ncm_scenario *s1 = load_text(vvalid[1]), *s2 = NULL;
    s2 = load_text(MHEAD "\"outcomes\": {\"framework\": " MFW ", \"measures\": [" MOK_READMIT ", " MOK_FALLS ", " MOK_FFT
                         "]}, " MDES);
    ncm_contract *prime = NULL, *simple = NULL;
    assert_int_equal(ncm_contract_load_string(PRIME_CONTRACT, "prime", &prime), NCM_OK);
    assert_int_equal(ncm_contract_load_string(SIMPLE_CONTRACT("300.00"), "simple", &simple), NCM_OK);
#define SETTER(call, want, part)                                                                                       \
    do {                                                                                                               \
        ncm_status st_ = (call);                                                                                       \
        if (st_ != (want)) fail_msg("%s: status %d, want %d: %s", #call, st_, (want), ncm_last_error());               \
        if ((want) != NCM_OK && !strstr(ncm_last_error(), (part)))                                                     \
            fail_msg("%s: message \"%s\" lacks \"%s\"", #call, ncm_last_error(), (part));                               \
    } while (0)
    SETTER(ncm_scenario_set_number(s1, "outcomes.measures.readmit.mean", 0.1), NCM_ERR_NOT_FOUND,
           "outcomes.measures.readmit.mean: the scenario has no per-measure outcome model");
    SETTER(ncm_scenario_set_number(s1, "outcomes.sd", 0.6), NCM_ERR_RANGE,
           "outcomes.sd: 0.6: a beta distribution needs 0 < mean < 1");
    SETTER(ncm_scenario_set_number(s1, "outcomes.mean", 1.0), NCM_ERR_RANGE, "outcomes.mean: 1: a beta distribution needs");
    SETTER(ncm_scenario_set_number(s1, "outcomes.mean", 0.4), NCM_OK, "");
    SETTER(ncm_scenario_set_number(s1, "cost_inflation", NAN), NCM_ERR_RANGE, "cost_inflation: nan is outside [-0.5, 1]");
    SETTER(ncm_scenario_set_number(s1, NULL, 1), NCM_ERR_INVALID, "ncm_scenario_set_number: NULL argument");
    SETTER(ncm_scenario_set_segment(s1, 0, 1e10, NAN, NAN), NCM_ERR_RANGE, "segments[0] \"g\".people: 1e+10 is out of range");
    SETTER(ncm_scenario_set_segment(s1, 0, NAN, INFINITY, NAN), NCM_ERR_RANGE, "segments[0] \"g\".cost.mean: inf is not > 0");
    SETTER(ncm_scenario_set_segment(s1, 1, NAN, NAN, 21), NCM_ERR_RANGE, "segments[1] \"l\".cost.cv: 21 is outside [0, 20]");
    SETTER(ncm_scenario_set_segment(NULL, 0, 1, 1, 1), NCM_ERR_INVALID, "ncm_scenario_set_segment: NULL scenario");
    SETTER(ncm_scenario_set_segment(s1, 1, 12, 1500, 0.3), NCM_OK, "");
    double sp[2], sm[2], scv[2];
    assert_int_equal(ncm_scenario_segments(s1, sp, sm, scv, 2), NCM_OK);
    assert_true(sp[1] == 12 && sm[1] == 1500 && scv[1] == 0.3 && sp[0] == 10 && scv[0] == 0.5);
    SETTER(ncm_scenario_set_contract(s1, 0, prime), NCM_ERR_NOT_FOUND,
           "design \"d\": cost_shares: no party \"Prov\" in the new contract");
    SETTER(ncm_scenario_set_contract(s1, 9, prime), NCM_ERR_RANGE, "ncm_scenario_set_contract: design 9 of 2");
    SETTER(ncm_scenario_set_contract(s2, 0, simple), NCM_ERR_RANGE,
           "design \"d\": the contract's term (1 years) is shorter than the scenario's (3)");
    SETTER(ncm_scenario_set_contract(s1, 0, simple), NCM_OK, "");
    assert_int_equal(ncm_contract_term(ncm_scenario_design_contract(s1, 0)), 1);
    SETTER(ncm_scenario_set_number(s2, "outcomes.measures.readmit", 0.1), NCM_ERR_NOT_FOUND,
           "outcomes.measures.readmit: expected outcomes.measures.ID.mean, .sd or .trend");
    SETTER(ncm_scenario_set_number(s2, "outcomes.measures..mean", 0.1), NCM_ERR_NOT_FOUND,
           "expected outcomes.measures.ID.mean, .sd or .trend");
    SETTER(ncm_scenario_set_number(s2, "outcomes.measures.waits.mean", 0.1), NCM_ERR_NOT_FOUND,
           "outcomes.measures.waits.mean: no measure \"waits\" in the framework");
    SETTER(ncm_scenario_set_number(s2, "outcomes.measures.readmit.mean", NAN), NCM_ERR_RANGE,
           "outcomes.measures.readmit.mean: nan is out of range");
    SETTER(ncm_scenario_set_number(s2, "outcomes.measures.readmit.sd", -1), NCM_ERR_RANGE,
           "outcomes.measures.readmit.sd: -1 is negative");
    SETTER(ncm_scenario_set_number(s2, "outcomes.measures.readmit.median", 1), NCM_ERR_NOT_FOUND,
           "outcomes.measures.readmit.median: \"median\" is not mean, sd or trend");
    SETTER(ncm_scenario_set_number(s2, "outcomes.measures.fft.mean", 1.2), NCM_ERR_RANGE,
           "outcomes.measures.fft.mean: 1.2: year 1: a beta distribution needs");
    /* fft: mean 0.85, sd 0.05; trend 0.1 gives 0.95 in year 2 (allowed) and 1.05 in year 3 */
    SETTER(ncm_scenario_set_number(s2, "outcomes.measures.fft.trend", 0.1), NCM_ERR_RANGE,
           "outcomes.measures.fft.trend: 0.1: year 3: a beta distribution needs");
    SETTER(ncm_scenario_set_number(s2, "outcomes.measures.readmit.trend", 0.01), NCM_OK, "");
    SETTER(ncm_scenario_set_number(s2, "outcomes.mean", 0.5), NCM_ERR_INVALID,
           "outcomes.mean: the scenario models each outcome measure");
#undef SETTER
    /* allocation failures in set_contract (cost shares kept by name, the scaled copy) and in writing */
    char wp[] = "/tmp/ncm_scvw_XXXXXX";
    close(mkstemp(wp));
    for (int which = 0; which < 2; which++) {
        int ok = 0;
        for (unsigned long k = 1; k < 10000 && !ok; k++) {
            const ncm_contract *before = ncm_scenario_design_contract(s1, 0);
            ncm_alloc_fail_at(k);
            ncm_status st = which == 0 ? ncm_scenario_set_contract(s1, 0, simple) : ncm_scenario_write_file(s1, wp);
            ncm_alloc_fail_at(0);
            if (st == NCM_OK) ok = 1;
            else {
                if (st != NCM_ERR_NOMEM) fail_msg("which %d k=%lu: %d %s", which, k, st, ncm_last_error());
                assert_ptr_equal(ncm_scenario_design_contract(s1, 0), before);
            }
        }
        assert_true(ok);
    }
    ncm_scenario *wb = NULL;
    if (ncm_scenario_load_file(wp, &wb) != NCM_OK) fail_msg("%s", ncm_last_error());
    assert_int_equal(ncm_scenario_design_count(wb), 2);
    ncm_scenario_free(wb);
    unlink(wp);
    ncm_contract_free(prime);
    ncm_contract_free(simple);
    ncm_scenario_free(s1);
    ncm_scenario_free(s2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_variance_equals_settlement),
        cmocka_unit_test(test_lognormal_moments),
        cmocka_unit_test(test_gamma_moments),
        cmocka_unit_test(test_normal_total_p_deficit),
        cmocka_unit_test(test_systematic_factors),
        cmocka_unit_test(test_risk_share_cap),
        cmocka_unit_test(test_determinism_threads),
        cmocka_unit_test(test_find_bid),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_bad_scenarios),
        cmocka_unit_test(test_write_roundtrip),
        cmocka_unit_test(test_population_scenario),
        cmocka_unit_test(test_csv_population),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_sweep_setters),
        cmocka_unit_test(test_cli_evaluate),
        cmocka_unit_test(test_measures_existing_streams_unchanged),
        cmocka_unit_test(test_measures_deterministic),
        cmocka_unit_test(test_measures_gate_normal_cdf),
        cmocka_unit_test(test_measures_threads),
        cmocka_unit_test(test_measures_bad_json),
        cmocka_unit_test(test_measures_alloc_failures),
        cmocka_unit_test(test_scenario_validation_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
