/* Allocation failures across the public API (hardening, issue 7). For every entry point that
 * allocates, fail its 1st, 2nd, ... allocation (ncm_alloc_fail_at) until the call succeeds: each
 * failure must be NCM_ERR_NOMEM with the caller's out-parameters unchanged; leaks are caught by
 * LeakSanitizer in the ASan build (scripts/test.sh runs it with detect_leaks=1). The module tests
 * walk their own main loaders; this file covers the rest (writers, builders, bulk calls, settle,
 * segment assignment, risk scoring, capitation from a population, ...), and walks the main loaders
 * again so that one file lists the whole surface. Each walk prints how many allocations it failed. */
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

#define EX NCM_TEST_DATA "/../../examples/contracts/"

/* Walk: call is retried with the k-th allocation failing until it returns NCM_OK. On each failure
 * the status must be NCM_ERR_NOMEM and `unchanged` must hold; `cleanup` runs once after success.
 * A walk over a call that never allocates through ncm passes at k = 1 (reported as 0 failures). */
#define WALK(label, call, unchanged, cleanup)                                                       \
    do {                                                                                            \
        unsigned long k_;                                                                           \
        for (k_ = 1; k_ < 100000; k_++) {                                                           \
            ncm_alloc_fail_at(k_);                                                                  \
            ncm_status st_ = (call);                                                                \
            ncm_alloc_fail_at(0);                                                                   \
            if (st_ == NCM_OK) break;                                                               \
            if (st_ != NCM_ERR_NOMEM)                                                               \
                fail_msg("%s: allocation %lu failed gave status %d (%s)", label, k_, (int)st_,      \
                         ncm_last_error());                                                         \
            if (!(unchanged)) fail_msg("%s: allocation %lu failed: out-parameter changed", label, k_); \
        }                                                                                           \
        printf("alloc walk %-36s %5lu failures\n", label, k_ - 1);                                  \
        cleanup;                                                                                    \
    } while (0)

static char *tmp(const char *ext)
{
    static char paths[8][64];
    static int next;
    char *p = paths[next++ % 8];
    (void)ext;
    snprintf(p, 64, "/tmp/ncm_alloc_XXXXXX");
    int fd = mkstemp(p);
    if (fd < 0) fail_msg("mkstemp");
    close(fd);
    return p;
}

static void test_population_and_risk(void **state)
{
    (void)state;
    ncm_population *p = NULL;
    WALK("population_read_csv", ncm_population_read_csv(NCM_TEST_DATA "/population/canonical_people.csv",
                                NCM_TEST_DATA "/population/canonical_diagnoses.csv", NULL, &p),
         p == NULL, (void)0);
    const char *pp = tmp(".csv"), *dp = tmp(".csv");
    WALK("population_write_csv", ncm_population_write_csv(p, pp, dp), 1, (void)0);
    size_t n = ncm_population_size(p);

    ncm_risk_model *m = NULL;
    WALK("risk_model_charlson", ncm_risk_model_charlson(NCM_CHARLSON_QUAN2011, &m), m == NULL, (void)0);
    ncm_risk_model *e = NULL;
    WALK("risk_model_elixhauser", ncm_risk_model_elixhauser(&e), e == NULL, ncm_risk_model_free(e));
    const char *mp = tmp(".csv");
    WALK("risk_model_write", ncm_risk_model_write(m, mp), 1, (void)0);
    ncm_risk_model *back = NULL;
    WALK("risk_model_read", ncm_risk_model_read(mp, &back), back == NULL, ncm_risk_model_free(back));
    ncm_risk_model *as = NULL;
    WALK("risk_model_age_sex", ncm_risk_model_age_sex(NCM_TEST_DATA "/risk/age_sex.csv", &as), as == NULL, (void)0);
    double *raw = malloc(n * sizeof *raw);
    for (size_t i = 0; i < n; i++) raw[i] = -1;
    ncm_risk_result *res = NULL;
    WALK("risk_score", ncm_risk_score(m, p, NULL, raw, NULL, n, &res), res == NULL && raw[0] == -1,
         ncm_risk_result_free(res));
    double scores[64] = {0};
    WALK("risk_score(age_sex)", ncm_risk_score(as, p, NULL, scores, NULL, 64, NULL), 1, (void)0);
    double out[64], used = 0;
    WALK("risk_normalize", ncm_risk_normalize(scores, NULL, n, 0, out, &used), 1, (void)0);
    double weighted[64];
    WALK("risk_weighted_population", ncm_risk_weighted_population(p, scores, NCM_LEVEL_PRACTICE, weighted, 64), 1,
         (void)0);

    /* capitation from a population */
    ncm_capitation_options o = NCM_CAPITATION_OPTIONS_INIT;
    o.base_rate = 100000;
    o.flags = NCM_CAPITATION_NORMALIZE;
    ncm_budget *b = NULL;
    WALK("capitation_population", ncm_capitation_population(p, scores, &o, &b), b == NULL, (void)0);
    const char *bp = tmp(".csv");
    WALK("budget_write_csv(people)", ncm_budget_write_csv(b, NCM_BUDGET_PEOPLE, 0, bp), 1, (void)0);
    WALK("budget_write_csv(units)", ncm_budget_write_csv(b, NCM_BUDGET_UNITS, 0, bp), 1, (void)0);
    ncm_budget_free(b);

    /* segmentation */
    ncm_condition_groups *g = NULL;
    WALK("condition_groups_builtin", ncm_condition_groups_builtin(&g), g == NULL, (void)0);
    const char *gp = tmp(".csv");
    WALK("condition_groups_write_csv", ncm_condition_groups_write_csv(g, gp), 1, (void)0);
    ncm_condition_groups *g2 = NULL;
    WALK("condition_groups_read_csv", ncm_condition_groups_read_csv(gp, &g2), g2 == NULL,
         ncm_condition_groups_free(g2));
    ncm_segmentation *seg = NULL;
    WALK("segmentation_bridges_to_health", ncm_segmentation_bridges_to_health(g, &seg), seg == NULL, (void)0);
    const char *sp = tmp(".json");
    WALK("segmentation_write_json", ncm_segmentation_write_json(seg, sp), 1, (void)0);
    ncm_segmentation *seg2 = NULL;
    WALK("segmentation_read_json", ncm_segmentation_read_json(sp, g, &seg2), seg2 == NULL,
         ncm_segmentation_free(seg2));
    double top[2] = {5, 20};
    ncm_segmentation *tiers = NULL;
    WALK("segmentation_risk_tiers", ncm_segmentation_risk_tiers(top, 2, &tiers), tiers == NULL, (void)0);
    uint32_t sid[64], rule[64];
    sid[0] = 999;
    WALK("segmentation_assign_rules", ncm_segmentation_assign_rules(seg, p, NULL, 0, sid, rule, 64), sid[0] == 999,
         (void)0);
    sid[0] = 999;
    WALK("segmentation_assign(tiers)", ncm_segmentation_assign(tiers, p, scores, n, sid, 64), sid[0] == 999, (void)0);
    ncm_segment_summary *sum = NULL;
    WALK("segment_summarize", ncm_segment_summarize(p, sid, n, ncm_segmentation_segment_count(tiers), scores, NCM_LEVEL_PRACTICE, &sum), sum == NULL,
         ncm_segment_summary_free(sum));
    ncm_segmentation_free(tiers);
    ncm_segmentation_free(seg);
    ncm_condition_groups_free(g);

    free(raw);
    ncm_risk_model_free(as);
    ncm_risk_model_free(m);
    ncm_population_free(p);
    remove(pp);
    remove(dp);
    remove(mp);
    remove(bp);
    remove(gp);
    remove(sp);
}

static void test_contract_settle(void **state)
{
    (void)state;
    const char *files[3] = {EX "bedfordshire_msk.json", EX "unitingcare_cap.json", EX "alliance_four.json"};
    const char *act[3] = {EX "bedfordshire_msk_actuals.csv", EX "unitingcare_actuals.csv", EX "alliance_four_actuals.csv"};
    for (int f = 0; f < 3; f++) {
        ncm_contract *c = NULL;
        WALK("contract_load_file", ncm_contract_load_file(files[f], &c), c == NULL, (void)0);
        size_t len = 0;
        char buf[1];
        ncm_status st = ncm_contract_to_json(c, buf, sizeof buf, &len);
        assert_int_equal(st, NCM_ERR_BUFFER);
        char *text = malloc(len + 1);
        WALK("contract_to_json", ncm_contract_to_json(c, text, len + 1, NULL), 1, (void)0);
        ncm_contract *c2 = NULL;
        WALK("contract_load_string", ncm_contract_load_string(text, "x.json", &c2), c2 == NULL, ncm_contract_free(c2));
        free(text);
        const char *cp = tmp(".json");
        WALK("contract_write_file", ncm_contract_write_file(c, cp), 1, (void)0);
        remove(cp);

        ncm_actuals *a = NULL;
        WALK("actuals_create", ncm_actuals_create(c, &a), a == NULL, (void)0);
        WALK("actuals_read_csv", ncm_actuals_read_csv(a, act[f]), 1, (void)0);
        if (f == 0) WALK("actuals_read_paid_csv", ncm_actuals_read_paid_csv(a, EX "bedfordshire_msk_paid.csv"), 1, (void)0);
        if (f == 0) {
            WALK("actuals_set_cost", ncm_actuals_set_cost(a, 5, NULL, 2250000000), 1, (void)0);
            WALK("actuals_add_paid", ncm_actuals_add_paid(a, 2, "up-front payment", "Bedfordshire CCG", "Circle", 100), 1,
                 (void)0);
        }
        if (f == 1) WALK("actuals_read_outcomes_csv", ncm_actuals_read_outcomes_csv(a, EX "unitingcare_outcomes.csv"), 1, (void)0);
        ncm_ledger *l = NULL;
        WALK("settle", ncm_settle(c, a, NULL, &l), l == NULL, (void)0);
        const char *lc = tmp(".csv"), *lj = tmp(".json");
        WALK("ledger_write_csv", ncm_ledger_write_csv(l, lc), 1, (void)0);
        WALK("ledger_write_json", ncm_ledger_write_json(l, lj), 1, (void)0);
        remove(lc);
        remove(lj);
        ncm_ledger_free(l);
        ncm_actuals_free(a);

        ncm_settler *s = NULL;
        WALK("settler_create", ncm_settler_create(c, &s), s == NULL, (void)0);
        size_t np = ncm_contract_party_count(c);
        ncm_money total[4] = {2300000000, 2500000000, 2600000000, 2400000000};
        ncm_money *net = calloc(4 * np, sizeof *net);
        double score[4] = {0.9, 0.8, 0.7, 1.0};
        if (f < 2) /* the alliance contract needs costs per party */
            WALK("settler_run", ncm_settler_run(s, 1, 4, total, NULL, score, NULL, NULL, net), 1, (void)0);
        free(net);
        ncm_settler_free(s);
        ncm_contract_free(c);
    }
}

static void test_riskshare_outcome_savings(void **state)
{
    (void)state;
    int side[2] = {NCM_RISKSHARE_SURPLUS, NCM_RISKSHARE_DEFICIT};
    double lo[2] = {0, 0}, hi[2] = {INFINITY, INFINITY}, share[2] = {0.5, 0.5};
    ncm_riskshare *rs = NULL;
    WALK("riskshare_create", ncm_riskshare_create(NULL, 2, side, lo, hi, share, &rs), rs == NULL, (void)0);
    const char *rp = tmp(".json");
    WALK("riskshare_write_json", ncm_riskshare_write_json(rs, rp), 1, (void)0);
    ncm_riskshare *rs2 = NULL;
    WALK("riskshare_load_json", ncm_riskshare_load_json(rp, &rs2), rs2 == NULL, ncm_riskshare_free(rs2));
    ncm_money base[2] = {1000, 2000}, actual[2] = {900, 2500}, prov[2] = {-1, -1}, comm[2];
    WALK("riskshare_apply_bulk", ncm_riskshare_apply_bulk(rs, 2, base, actual, prov, comm), prov[0] == -1, (void)0);
    ncm_riskshare_free(rs);
    remove(rp);

    ncm_outcome_framework *fw = NULL;
    WALK("outcome_framework_load_json", ncm_outcome_framework_load_json(NCM_TEST_DATA "/outcome/framework.json", &fw),
         fw == NULL, (void)0);
    const char *fp = tmp(".json");
    WALK("outcome_framework_write_json", ncm_outcome_framework_write_json(fw, fp), 1, (void)0);
    remove(fp);
    ncm_outcome_result *res = NULL;
    WALK("outcome_score_csv", ncm_outcome_score_csv(fw, NCM_TEST_DATA "/outcome/results.csv", &res), res == NULL,
         (void)0);
    ncm_money earned = -1, unearned = -1;
    WALK("outcome_result_pot", ncm_outcome_result_pot(res, 100000, NCM_ROUND_HALF_EVEN, &earned, &unearned),
         earned == -1, (void)0);
    ncm_outcome_result_free(res);
    const char *ids[2] = {"A", "B"};
    double val[2] = {0.75, 0.11};
    res = NULL;
    WALK("outcome_score", ncm_outcome_score(fw, 2, ids, val, NULL, &res), res == NULL, ncm_outcome_result_free(res));
    const char *mid[2] = {"m1", "m2"}, *dom[2] = {"d", "d"};
    int dir[2] = {NCM_OUTCOME_HIGHER_IS_BETTER, NCM_OUTCOME_LOWER_IS_BETTER};
    int meth[2] = {NCM_OUTCOME_LINEAR, NCM_OUTCOME_PASS_FAIL};
    double thr[2] = {0.2, 0.5}, bench[2] = {0.8, 0.1};
    ncm_outcome_framework *fw2 = NULL;
    WALK("outcome_framework_create",
         ncm_outcome_framework_create(NULL, 2, mid, NULL, dom, dir, meth, NULL, thr, bench, NULL, NULL, NULL, NULL,
                                      NULL, 0, NULL, NULL, &fw2),
         fw2 == NULL, ncm_outcome_framework_free(fw2));
    ncm_outcome_framework_free(fw);
    uint32_t prov_id[4] = {0, 0, 1, 1}, strat[4] = {0, 1, 0, 1};
    double popn[4] = {100, 200, 150, 50}, obs[4] = {5, 12, 6, 4}, ref[2] = {0.05, 0.06}, oo[2] = {-1, -1}, eo[2];
    WALK("oe_standardise", ncm_oe_standardise(4, prov_id, strat, popn, obs, 2, 2, ref, oo, eo), oo[0] == -1, (void)0);

    ncm_mssp_tracks *t = NULL;
    WALK("mssp_tracks_builtin", ncm_mssp_tracks_builtin(0, &t), t == NULL, (void)0);
    const char *tp = tmp(".csv");
    WALK("mssp_tracks_write_csv", ncm_mssp_tracks_write_csv(t, tp), 1, (void)0);
    ncm_mssp_tracks *t2 = NULL;
    WALK("mssp_tracks_load_csv", ncm_mssp_tracks_load_csv(tp, &t2), t2 == NULL, ncm_mssp_tracks_free(t2));
    remove(tp);
    ncm_mssp_track_params prm[1];
    assert_int_equal(ncm_mssp_tracks_get(t, 0, &prm[0]), NCM_OK);
    ncm_mssp_tracks *t3 = NULL;
    WALK("mssp_tracks_create", ncm_mssp_tracks_create(1, prm, &t3), t3 == NULL, ncm_mssp_tracks_free(t3));
    const char *names[2] = {"BASIC_A", "ENHANCED"};
    uint32_t idx[2] = {999, 999};
    WALK("mssp_tracks_lookup", ncm_mssp_tracks_lookup(t, 2022, 2, names, idx), idx[0] == 999, (void)0);
    const char *op = tmp(".csv");
    size_t rows = 77;
    WALK("mssp_settle_csv", ncm_mssp_settle_csv(t, 2022, NCM_TEST_DATA "/savings/acos.csv", op, &rows), rows == 77,
         (void)0);
    remove(op);
    /* the bulk MSSP settlement */
    int64_t ben[2] = {20000, 30000};
    ncm_money bm[2] = {100000000, 200000000}, ex2[2] = {90000000, 210000000};
    uint8_t qm[2] = {1, 1};
    double qs[2] = {0.9, 0.8}, sr[2] = {-1, -1};
    WALK("mssp_settle", ncm_mssp_settle(t, 2, idx, ben, bm, ex2, qm, qs, NULL, NULL, NULL, sr, NULL, NULL, NULL, NULL),
         sr[0] == -1, (void)0);
    ncm_mssp_tracks_free(t);

    /* capitation helpers */
    ncm_money amounts[2] = {100, 200}, lines[2], dist = -1;
    double rates[2] = {0.01, 0.02};
    WALK("top_slice", ncm_top_slice(100000, 2, amounts, rates, lines, &dist), dist == -1, (void)0);
    ncm_stop_loss_options slo = NCM_STOP_LOSS_OPTIONS_INIT;
    slo.attachment = 1000;
    slo.coinsurance = 0.1;
    ncm_money cost[3] = {500, 5000, 50000}, kept[3] = {-1, -1, -1}, paid[3];
    WALK("stop_loss", ncm_stop_loss(&slo, 3, cost, kept, paid, NULL, NULL, NULL), kept[0] == -1, (void)0);

    /* synthetic population */
    ncm_synth_options so;
    ncm_synth_options_init(&so);
    so.people = 500;
    ncm_population *sp = NULL;
    WALK("synth_population", ncm_synth_population(&so, &sp), sp == NULL, ncm_population_free(sp));
}

/* The Monte Carlo engine and per-person settlement: the calls not walked by test_simulate.c
 * (which walks ncm_scenario_load_string/_load_file and ncm_simulate) nor test_settle.c (which walks
 * ncm_actuals_set_person_costs and ncm_actuals_read_person_costs_csv). */
static void test_simulate_bids_persons(void **state)
{
    (void)state;
    ncm_scenario *sc = NULL;
    assert_int_equal(ncm_scenario_load_file(NCM_TEST_DATA "/simulate/small.json", &sc), NCM_OK);
    ncm_sim_options o;
    ncm_sim_options_init(&o);
    o.trials = 4;
    o.threads = 1;
    ncm_money bid = -1;
    double pdef = -1;
    WALK("scenario_find_bid", ncm_scenario_find_bid(sc, 0, &o, 0.1, 100000000, &bid, &pdef), bid == -1 && pdef == -1,
         (void)0);
    assert_true(bid > 0 && pdef >= 0 && pdef <= 0.1);
    ncm_money bids[2] = {bid, bid / 2};
    double pd[2] = {-1, -1}, mean[2] = {-1, -1};
    WALK("scenario_deficit_at", ncm_scenario_deficit_at(sc, 0, &o, 2, bids, pd, mean), pd[0] == -1 && mean[0] == -1,
         (void)0);
    const char *sp = tmp(".json");
    WALK("scenario_write_file", ncm_scenario_write_file(sc, sp), 1, (void)0);
    remove(sp);
    ncm_contract *c = NULL;
    assert_int_equal(ncm_contract_load_file(NCM_TEST_DATA "/simulate/simple2.json", &c), NCM_OK);
    const ncm_contract *before = ncm_scenario_design_contract(sc, 0);
    WALK("scenario_set_contract", ncm_scenario_set_contract(sc, 0, c),
         ncm_scenario_design_contract(sc, 0) == before, (void)0);
    ncm_contract_free(c);
    ncm_sim_results *r = NULL;
    assert_int_equal(ncm_simulate(sc, &o, &r), NCM_OK);
    double v[NCM_SIM_STAT_COUNT], se[NCM_SIM_STAT_COUNT];
    v[0] = -1;
    WALK("sim_results_stats", ncm_sim_results_stats(r, 0, 0, 0, v, se, NCM_SIM_STAT_COUNT), v[0] == -1, (void)0);
    v[0] = -1;
    WALK("sim_results_compare", ncm_sim_results_compare(r, 0, 0, 0, 1, 0, v, se, NCM_SIM_STAT_COUNT), v[0] == -1,
         (void)0);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);

    /* per-person settlement in bulk: two trials of the stop-loss example, one with two people */
    ncm_contract *slc = NULL;
    assert_int_equal(ncm_contract_load_file(EX "stop_loss_complex_care.json", &slc), NCM_OK);
    ncm_settler *s = NULL;
    assert_int_equal(ncm_settler_create(slc, &s), NCM_OK);
    size_t off[3] = {0, 2, 2};
    ncm_money pc[2] = {31000000, 500000}, netv[16];
    assert_true(2 * ncm_contract_party_count(slc) <= 16);
    netv[0] = -1;
    WALK("settler_run_persons", ncm_settler_run_persons(s, 1, 2, off, pc, NULL, NULL, NULL, NULL, netv), netv[0] == -1,
         (void)0);
    ncm_settler_free(s);
    ncm_contract_free(slc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_population_and_risk),
        cmocka_unit_test(test_contract_settle),
        cmocka_unit_test(test_riskshare_outcome_savings),
        cmocka_unit_test(test_simulate_bids_persons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
