/* ncm evaluate: run a scenario's Monte Carlo evaluation and write a report folder (summary table as
 * text and CSV, per-trial results, P(deficit) by bid, budget by segment and place, and PNG plots made
 * by tools/ncm-report.py with matplotlib when /usr/bin/python3 has it). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

const char ncm_cmd_evaluate_help[] = "Monte Carlo evaluation of a scenario's contract designs into a report folder";

#ifndef NCM_REPORT_SCRIPT_INSTALLED
#define NCM_REPORT_SCRIPT_INSTALLED ""
#endif
#ifndef NCM_REPORT_SCRIPT
#define NCM_REPORT_SCRIPT ""
#endif

static const char *const stat_names[NCM_SIM_STAT_COUNT] = {"mean", "sd",  "q01",       "q05",  "q25",   "q50",    "q75",
                                                           "q95",  "q99", "p_deficit", "es05", "p_cap", "p_limit"};

typedef struct bar {
    int on;
    int last;
    time_t start;
} bar;

static int progress_bar(void *user, uint64_t done, uint64_t total)
{
    bar *b = user;
    int pct = (int)(100 * done / (total ? total : 1));
    if (pct == b->last) return 0;
    b->last = pct;
    int w = 40, fill = pct * w / 100;
    char line[64];
    for (int i = 0; i < w; i++) line[i] = i < fill ? '#' : '.';
    line[w] = 0;
    fprintf(stderr, "\r  simulating [%s] %3d%% (%llu/%llu trials)", line, pct, (unsigned long long)done,
            (unsigned long long)total);
    if (done == total) fputc('\n', stderr);
    fflush(stderr);
    return 0;
}

static int make_dir(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0777) && errno != EEXIST) return -1;
            *p = '/';
        }
    if (mkdir(buf, 0777) && errno != EEXIST) return -1;
    return 0;
}

static FILE *open_out(const char *dir, const char *name, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    return fopen(path, "w");
}

/* CSV field with quotes when needed. */
static void csv_str(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}

static double m(double pence) { return pence / 1e8; } /* pence -> millions of pounds */

/* Per-measure outcome model: a section of summary.txt (f) and outcomes.csv. Returns 0, or 1 with *stp
 * set for a library error, 2 for a write error (path names the file, errno the reason), 3 for no memory. */
static int write_measures(FILE *f, const ncm_sim_results *res, const char *outdir, char *path, size_t cap,
                          ncm_status *stp)
{
    size_t nm = ncm_sim_results_measure_count(res);
    unsigned T = ncm_sim_results_years(res);
    size_t N = (size_t)ncm_sim_results_trials(res);
    ncm_status st;
    int has_gate = 0;
    double *sc = malloc(N * sizeof *sc);
    if (!sc) return 3;
    fprintf(f, "\nOutcome measures (the same draws for every design): mean points (0-10) and P(met) by year;\n"
               "the score paid on is total / 100 when the gate is met, else 0\n");
    fprintf(f, "  %-28s", "measure");
    for (unsigned y = 1; y <= T; y++) fprintf(f, "   year %-2u       ", y);
    fprintf(f, "   term\n");
    for (size_t k = 0; k < nm; k++) {
        fprintf(f, "  %-28.28s", ncm_sim_results_measure_id(res, k));
        for (unsigned y = 0; y <= T; y++) {
            unsigned yy = y < T ? y + 1 : 0;
            double v[NCM_SIM_STAT_COUNT], pm;
            if ((st = ncm_sim_results_measure_stats(res, k, yy, v, NULL, &pm, NULL, NCM_SIM_STAT_COUNT))) {
                free(sc);
                *stp = st;
                return 1;
            }
            fprintf(f, " %5.2f (%5.3f)   ", v[NCM_SIM_MEAN], pm);
        }
        fputc('\n', f);
    }
    fprintf(f, "  %-28s", "P(gate met)");
    for (unsigned y = 0; y <= T; y++) {
        double p;
        if ((st = ncm_sim_results_gate(res, y < T ? y + 1 : 0, &p, NULL, &has_gate))) {
            free(sc);
            *stp = st;
            return 1;
        }
        fprintf(f, "       %5.3f     ", p);
    }
    fprintf(f, "\n  %-28s", "mean score paid on");
    for (unsigned y = 0; y <= T; y++) {
        ncm_sim_results_scores(res, y < T ? y + 1 : 0, sc, N);
        double m = 0;
        for (size_t i = 0; i < N; i++) m += sc[i];
        fprintf(f, "       %5.3f     ", m / (double)N);
    }
    fprintf(f, "\n  (term: mean points over the years; P(met) and P(gate met) in every year%s)\n",
            has_gate ? "" : "; the framework has no gate");
    FILE *o = open_out(outdir, "outcomes.csv", path, cap);
    if (!o) {
        free(sc);
        return 2;
    }
    fprintf(o, "measure,year,mean_points,sd_points,q05_points,q50_points,q95_points,p_met,se_p_met\n");
    for (size_t k = 0; k < nm; k++)
        for (unsigned y = 0; y <= T; y++) {
            double v[NCM_SIM_STAT_COUNT], pm, pse;
            ncm_sim_results_measure_stats(res, k, y, v, NULL, &pm, &pse, NCM_SIM_STAT_COUNT);
            csv_str(o, ncm_sim_results_measure_id(res, k));
            fprintf(o, ",%u,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", y, v[NCM_SIM_MEAN], v[NCM_SIM_SD], v[NCM_SIM_Q05],
                    v[NCM_SIM_Q50], v[NCM_SIM_Q95], pm, pse);
        }
    for (unsigned y = 0; y <= T; y++) {
        double p, pse;
        ncm_sim_results_gate(res, y, &p, &pse, NULL);
        ncm_sim_results_scores(res, y, sc, N);
        double m = 0;
        for (size_t i = 0; i < N; i++) m += sc[i];
        fprintf(o, "(gate),%u,,,,,,%.6g,%.6g\n(score),%u,%.6g,,,,,,\n", y, p, pse, y, 10 * m / (double)N);
    }
    free(sc);
    return fclose(o) ? 2 : 0;
}

int ncm_cmd_evaluate(int argc, char **argv)
{
    const char *scenario = NULL, *outdir = "report", *trials_s = NULL, *seed_s = NULL, *threads_s = NULL,
               *mode_s = NULL, *bid_trials_s = NULL, *target_s = NULL;
    int no_plots = 0, quiet = 0;
    const cli_option opts[] = {
        {"scenario", &scenario, NULL, "FILE  scenario JSON (schema ncm.scenario/1) (required)"},
        {"out", &outdir, NULL, "DIR  report folder to create or fill (default: report)"},
        {"trials", &trials_s, NULL, "N  Monte Carlo trials (default 10000)"},
        {"seed", &seed_s, NULL, "S  seed (default 2015); the same seed gives the same report whatever --threads"},
        {"threads", &threads_s, NULL, "K  worker threads (default: all cores)"},
        {"mode", &mode_s, NULL, "segment|person  override the scenario's mode"},
        {"bid-trials", &bid_trials_s, NULL, "N  trials per run of the bid search and the P(deficit)-by-bid curve (default 2000)"},
        {"target", &target_s, NULL, "P  target P(provider deficit over the term) for the viable bid (default 0.10)"},
        {"no-plots", NULL, &no_plots, "write the tables only (no PNGs)"},
        {"quiet", NULL, &quiet, "no progress bar"},
    };
    int r = cli_parse("evaluate", "--scenario FILE [--out DIR] [--trials N] [--seed S] [--threads K]", opts,
                      sizeof opts / sizeof opts[0], argc, argv);
    if (r) return r < 0 ? CLI_OK : r;
    if (!scenario) return cli_usage("evaluate", "--scenario is required");
    ncm_sim_options so;
    ncm_sim_options_init(&so);
    unsigned long long v;
    double target = 0.10;
    uint64_t bid_trials = 2000;
    if (trials_s) {
        if ((r = cli_parse_u64("evaluate", "--trials", trials_s, &v))) return r;
        if (v == 0) return cli_usage("evaluate", "--trials must be at least 1");
        so.trials = v;
    }
    if (seed_s) {
        if ((r = cli_parse_u64("evaluate", "--seed", seed_s, &v))) return r;
        so.seed = v;
    }
    if (threads_s) {
        if ((r = cli_parse_u64("evaluate", "--threads", threads_s, &v))) return r;
        if (v > 1024) return cli_usage("evaluate", "--threads: %llu is too many", v);
        so.threads = (unsigned)v;
    }
    if (bid_trials_s) {
        if ((r = cli_parse_u64("evaluate", "--bid-trials", bid_trials_s, &v))) return r;
        if (v == 0) return cli_usage("evaluate", "--bid-trials must be at least 1");
        bid_trials = v;
    }
    if (target_s) {
        if ((r = cli_parse_double("evaluate", "--target", target_s, &target))) return r;
        if (!(target > 0 && target < 1)) return cli_usage("evaluate", "--target must be in (0, 1)");
    }
    if (mode_s) {
        if (strcmp(mode_s, "segment") == 0) so.mode = NCM_SIM_MODE_SEGMENT;
        else if (strcmp(mode_s, "person") == 0) so.mode = NCM_SIM_MODE_PERSON;
        else return cli_usage("evaluate", "--mode must be segment or person");
    }
    bar pb = {isatty(2) && !quiet, -1, time(NULL)};
    if (pb.on) {
        so.progress = progress_bar;
        so.progress_user = &pb;
    }
    if (make_dir(outdir)) return cli_failf("evaluate", "%s: cannot create the folder: %s", outdir, strerror(errno));

    ncm_scenario *sc = NULL;
    ncm_sim_results *res = NULL;
    ncm_money *vals = NULL, *cost = NULL, *spc = NULL;
    FILE *f = NULL;
    char path[4200];
    int rc = CLI_OK;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ncm_status st = ncm_scenario_load_file(scenario, &sc);
    if (st) {
        rc = cli_fail("evaluate", st);
        goto done;
    }
    if (!quiet) fprintf(stderr, "ncm evaluate: %s: %zu designs, %u years, %llu trials\n", ncm_scenario_name(sc),
                        ncm_scenario_design_count(sc), ncm_scenario_term(sc), (unsigned long long)so.trials);
    if ((st = ncm_simulate(sc, &so, &res))) {
        rc = cli_fail("evaluate", st);
        goto done;
    }
    size_t N = (size_t)so.trials, nd = ncm_sim_results_design_count(res);
    unsigned T = ncm_sim_results_years(res);
    vals = malloc(N * sizeof *vals);
    cost = malloc(N * sizeof *cost);
    if (!vals || !cost) {
        rc = cli_failf("evaluate", "out of memory");
        goto done;
    }

    /* summary.csv: every design, party and year (0 = term) */
    if (!(f = open_out(outdir, "summary.csv", path, sizeof path))) goto io;
    fprintf(f, "design,party,year");
    for (int k = 0; k < NCM_SIM_STAT_COUNT; k++) fprintf(f, ",%s", stat_names[k]);
    for (int k = 0; k < NCM_SIM_STAT_COUNT; k++) fprintf(f, ",se_%s", stat_names[k]);
    fputc('\n', f);
    for (size_t d = 0; d < nd; d++)
        for (size_t p = 0; p < ncm_sim_results_party_count(res, d); p++)
            for (unsigned y = 0; y <= T; y++) {
                double sv[NCM_SIM_STAT_COUNT], se[NCM_SIM_STAT_COUNT];
                if ((st = ncm_sim_results_stats(res, d, p, y, sv, se, NCM_SIM_STAT_COUNT))) goto fail;
                csv_str(f, ncm_sim_results_design_name(res, d));
                fputc(',', f);
                csv_str(f, ncm_sim_results_party_name(res, d, p));
                fprintf(f, ",%u", y);
                for (int k = 0; k < NCM_SIM_STAT_COUNT; k++) fprintf(f, isnan(sv[k]) ? "," : ",%.6g", sv[k] / (k >= NCM_SIM_P_DEFICIT && k != NCM_SIM_ES05 ? 1 : 100));
                for (int k = 0; k < NCM_SIM_STAT_COUNT; k++) fprintf(f, isnan(se[k]) ? "," : ",%.6g", se[k] / (k >= NCM_SIM_P_DEFICIT && k != NCM_SIM_ES05 ? 1 : 100));
                fputc('\n', f);
            }
    if (fclose(f)) goto io_closed;
    f = NULL;

    /* trials.csv: the term result of every party of every design, per trial */
    if (!(f = open_out(outdir, "trials.csv", path, sizeof path))) goto io;
    fprintf(f, "trial,gross_cost");
    for (size_t d = 0; d < nd; d++)
        for (size_t p = 0; p < ncm_sim_results_party_count(res, d); p++) {
            char h[600];
            snprintf(h, sizeof h, "%s: %s", ncm_sim_results_design_name(res, d), ncm_sim_results_party_name(res, d, p));
            fputc(',', f);
            csv_str(f, h);
        }
    fputc('\n', f);
    {
        size_t ncols = 0;
        for (size_t d = 0; d < nd; d++) ncols += ncm_sim_results_party_count(res, d);
        ncm_money *all = malloc(ncols * N * sizeof *all);
        if (!all) {
            rc = cli_failf("evaluate", "out of memory");
            goto done;
        }
        size_t c = 0;
        for (size_t d = 0; d < nd; d++)
            for (size_t p = 0; p < ncm_sim_results_party_count(res, d); p++, c++)
                ncm_sim_results_trial_values(res, d, p, 0, all + c * N, N);
        ncm_sim_results_cost(res, 0, cost, N);
        for (size_t t = 0; t < N; t++) {
            char b[48];
            ncm_money_format(cost[t], NCM_MONEY_DECIMALS, 0, b, sizeof b);
            fprintf(f, "%zu,%s", t, b);
            for (size_t k = 0; k < ncols; k++) {
                ncm_money_format(all[k * N + t], NCM_MONEY_DECIMALS, 0, b, sizeof b);
                fprintf(f, ",%s", b);
            }
            fputc('\n', f);
        }
        free(all);
    }
    if (fclose(f)) goto io_closed;
    f = NULL;

    /* P(deficit) by bid and the lowest viable bid, per design */
    ncm_sim_options bo = so;
    bo.trials = bid_trials < so.trials ? bid_trials : so.trials;
    bo.progress = NULL;
    enum { NB = 13 };
    ncm_money viable[64];
    double viable_p[64];
    ncm_status viable_st[64];
    if (!(f = open_out(outdir, "deficit_by_bid.csv", path, sizeof path))) goto io;
    fprintf(f, "design,bid,p_deficit,mean_result\n");
    for (size_t d = 0; d < nd && d < 64; d++) {
        const ncm_contract *c = ncm_scenario_design_contract(sc, d);
        ncm_money total = 0, val;
        for (unsigned y = 1; y <= ncm_contract_term(c); y++)
            if (!ncm_contract_value(c, y, &val)) total += val;
        ncm_money bids[NB];
        double pd[NB], mean[NB];
        for (int k = 0; k < NB; k++) bids[k] = (ncm_money)((double)total * (0.85 + 0.05 * k));
        if ((st = ncm_scenario_deficit_at(sc, d, &bo, NB, bids, pd, mean))) goto fail;
        for (int k = 0; k < NB; k++) {
            char b[48];
            ncm_money_format(bids[k], NCM_MONEY_DECIMALS, 0, b, sizeof b);
            csv_str(f, ncm_scenario_design_name(sc, d));
            fprintf(f, ",%s,%.6g,%.2f\n", b, pd[k], mean[k] / 100);
        }
        ncm_money tol = total / 1000 > 100 ? total / 1000 : 100;
        viable_st[d] = ncm_scenario_find_bid(sc, d, &bo, target, tol, &viable[d], &viable_p[d]);
        if (viable_st[d] && viable_st[d] != NCM_ERR_NOT_FOUND) {
            st = viable_st[d];
            goto fail;
        }
    }
    if (fclose(f)) goto io_closed;
    f = NULL;

    /* budget by segment and place */
    size_t ns = ncm_scenario_segment_count(sc), nplaces = 0;
    const ncm_population *pop = ncm_scenario_population(sc);
    if (pop) {
        ncm_scenario_segment_place_cost(sc, vals, 0, &nplaces);
        spc = malloc((ns * nplaces > 0 ? ns * nplaces : 1) * sizeof *spc);
        if (!spc) {
            rc = cli_failf("evaluate", "out of memory");
            goto done;
        }
        if ((st = ncm_scenario_segment_place_cost(sc, spc, ns * nplaces, &nplaces))) goto fail;
        if (!(f = open_out(outdir, "budget_by_segment_place.csv", path, sizeof path))) goto io;
        fprintf(f, "segment,place,expected_cost_year1\n");
        for (size_t s = 0; s < ns; s++)
            for (size_t p = 0; p < nplaces; p++) {
                char b[48];
                ncm_money_format(spc[s * nplaces + p], NCM_MONEY_DECIMALS, 0, b, sizeof b);
                csv_str(f, ncm_scenario_segment_name(sc, s));
                fputc(',', f);
                csv_str(f, ncm_population_text_value(pop, NCM_TEXT_PLACE, (uint32_t)p));
                fprintf(f, ",%s\n", b);
            }
        if (fclose(f)) goto io_closed;
        f = NULL;
    } else {
        double people[4096], mean[4096];
        if (ns <= 4096 && !ncm_scenario_segments(sc, people, mean, NULL, 4096)) {
            if (!(f = open_out(outdir, "budget_by_segment_place.csv", path, sizeof path))) goto io;
            fprintf(f, "segment,place,expected_cost_year1\n");
            for (size_t s = 0; s < ns; s++) {
                csv_str(f, ncm_scenario_segment_name(sc, s));
                fprintf(f, ",all,%.2f\n", people[s] * mean[s] / 100);
            }
            if (fclose(f)) goto io_closed;
            f = NULL;
        }
    }

    /* summary.txt */
    if (!(f = open_out(outdir, "summary.txt", path, sizeof path))) goto io;
    fprintf(f, "%s\n", ncm_scenario_name(sc));
    fprintf(f, "%llu trials, seed %llu, %u years; money in millions of pounds over the term unless stated.\n\n",
            (unsigned long long)so.trials, (unsigned long long)so.seed, T);
    {
        double people[4096], mean[4096], cv[4096];
        if (ns <= 4096 && !ncm_scenario_segments(sc, people, mean, cv, 4096)) {
            fprintf(f, "Segments (year 1, before growth and efficiency)\n");
            fprintf(f, "  %-24s %10s %14s %6s %12s\n", "segment", "people", "mean/person", "cv", "total (m)");
            double tot = 0;
            for (size_t s = 0; s < ns; s++) {
                fprintf(f, "  %-24s %10.0f %14.2f %6.2f %12.2f\n", ncm_scenario_segment_name(sc, s), people[s],
                        mean[s] / 100, cv[s], m(people[s] * mean[s]));
                tot += people[s] * mean[s];
            }
            fprintf(f, "  %-24s %10s %14s %6s %12.2f\n\n", "all", "", "", "", m(tot));
        }
    }
    ncm_sim_results_cost(res, 0, cost, N);
    {
        double g = 0;
        for (size_t t = 0; t < N; t++) g += (double)cost[t];
        fprintf(f, "Mean gross cost of care over the term: %.2f\n\n", m(g / (double)N));
    }
    fprintf(f, "Result of each party over the term (provider: income - cost; commissioner: planned - actual spend)\n");
    fprintf(f, "  %-44s %-36s %9s %8s %9s %9s %9s %7s %9s %6s %6s\n", "design", "party", "mean", "sd", "5%", "median",
            "95%", "P(def)", "ES 5%", "P(cap)", "P(lim)");
    for (size_t d = 0; d < nd; d++)
        for (size_t p = 0; p < ncm_sim_results_party_count(res, d); p++) {
            double sv[NCM_SIM_STAT_COUNT], se[NCM_SIM_STAT_COUNT];
            if ((st = ncm_sim_results_stats(res, d, p, 0, sv, se, NCM_SIM_STAT_COUNT))) goto fail;
            char capb[16] = "-", limb[16] = "-";
            if (!isnan(sv[NCM_SIM_P_CAP]) && p + 1 == ncm_sim_results_party_count(res, d))
                snprintf(capb, sizeof capb, "%.3f", sv[NCM_SIM_P_CAP]);
            if (!isnan(sv[NCM_SIM_P_LIMIT]) && p + 1 == ncm_sim_results_party_count(res, d))
                snprintf(limb, sizeof limb, "%.3f", sv[NCM_SIM_P_LIMIT]);
            fprintf(f, "  %-44.44s %-36.36s %9.2f %8.2f %9.2f %9.2f %9.2f %7.3f %9.2f %6s %6s\n",
                    ncm_sim_results_design_name(res, d), ncm_sim_results_party_name(res, d, p), m(sv[NCM_SIM_MEAN]),
                    m(sv[NCM_SIM_SD]), m(sv[NCM_SIM_Q05]), m(sv[NCM_SIM_Q50]), m(sv[NCM_SIM_Q95]),
                    sv[NCM_SIM_P_DEFICIT], m(sv[NCM_SIM_ES05]), capb, limb);
        }
    fprintf(f, "\nProviders' result by year (mean, and P(deficit))\n  %-44s", "design");
    for (unsigned y = 1; y <= T; y++) fprintf(f, "   year %-2u        ", y);
    fputc('\n', f);
    for (size_t d = 0; d < nd; d++) {
        fprintf(f, "  %-44.44s", ncm_sim_results_design_name(res, d));
        size_t p = ncm_sim_results_party_count(res, d) - 1;
        for (unsigned y = 1; y <= T; y++) {
            double sv[NCM_SIM_STAT_COUNT];
            if ((st = ncm_sim_results_stats(res, d, p, y, sv, NULL, NCM_SIM_STAT_COUNT))) goto fail;
            fprintf(f, " %8.2f (%5.3f)  ", m(sv[NCM_SIM_MEAN]), sv[NCM_SIM_P_DEFICIT]);
        }
        fputc('\n', f);
    }
    if (ncm_sim_results_measure_count(res) > 0) {
        int wr = write_measures(f, res, outdir, path, sizeof path, &st);
        if (wr == 1) goto fail;
        if (wr == 2) goto io;
        if (wr == 3) {
            rc = cli_failf("evaluate", "out of memory");
            goto done;
        }
        snprintf(path, sizeof path, "%s/summary.txt", outdir); /* summary.txt is still being written */
    }
    if (nd > 1) {
        fprintf(f, "\nPaired comparison with \"%s\" (same random numbers): providers' result over the term\n",
                ncm_sim_results_design_name(res, 0));
        fprintf(f, "  %-44s %12s %10s %10s %10s %14s\n", "design", "mean diff", "(MC se)", "5%", "95%", "P(worse)");
        for (size_t d = 1; d < nd; d++) {
            double sv[NCM_SIM_STAT_COUNT], se[NCM_SIM_STAT_COUNT];
            if ((st = ncm_sim_results_compare(res, d, ncm_sim_results_party_count(res, d) - 1, 0,
                                              ncm_sim_results_party_count(res, 0) - 1, 0, sv, se, NCM_SIM_STAT_COUNT)))
                goto fail;
            fprintf(f, "  %-44.44s %12.2f %10.3f %10.2f %10.2f %14.3f\n", ncm_sim_results_design_name(res, d),
                    m(sv[NCM_SIM_MEAN]), m(se[NCM_SIM_MEAN]), m(sv[NCM_SIM_Q05]), m(sv[NCM_SIM_Q95]),
                    sv[NCM_SIM_P_DEFICIT]);
        }
    }
    fprintf(f, "\nBid viability: lowest bid with P(providers' deficit over the term) <= %.2f (%llu trials per run)\n",
            target, (unsigned long long)bo.trials);
    for (size_t d = 0; d < nd && d < 64; d++) {
        if (viable_st[d] == NCM_OK)
            fprintf(f, "  %-44.44s %10.2f  (P = %.3f)\n", ncm_scenario_design_name(sc, d), m((double)viable[d]),
                    viable_p[d]);
        else
            fprintf(f, "  %-44.44s  none up to 64 x the contract value\n", ncm_scenario_design_name(sc, d));
    }
    fprintf(f, "\nP(cap): P(the providers' cost over the term exceeds the design's cap); P(lim): P(a cap of the\n"
               "contract's risk share on the provider's gain or loss binds in some year).\n");
    fprintf(f, "Monte Carlo standard errors of every figure are in summary.csv (se_* columns).\n");
    if (fclose(f)) goto io_closed;
    f = NULL;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    /* plots */
    if (!no_plots) {
        /* the script: $NCM_REPORT_SCRIPT, else the source tree this program was built from, else the
         * installed copy */
        const char *script = getenv("NCM_REPORT_SCRIPT");
        if (!script || !*script) script = access(NCM_REPORT_SCRIPT, R_OK) == 0 ? NCM_REPORT_SCRIPT : NCM_REPORT_SCRIPT_INSTALLED;
        if (*script && access(script, R_OK) == 0 && access("/usr/bin/python3", X_OK) == 0) {
            int prc = -1;
            pid_t pid = fork();
            if (pid == 0) {
                execl("/usr/bin/python3", "python3", script, outdir, (char *)NULL);
                _exit(127);
            }
            if (pid > 0 && waitpid(pid, &prc, 0) == pid && WIFEXITED(prc) && WEXITSTATUS(prc) == 0) prc = 0;
            else prc = 1;
            if (prc != 0)
                fprintf(stderr, "ncm evaluate: plots were not made (matplotlib missing?); the tables are in %s\n", outdir);
        } else {
            fprintf(stderr, "ncm evaluate: no plots: /usr/bin/python3 or the report script (%s) is missing\n",
                    *script ? script : "set NCM_REPORT_SCRIPT");
        }
    }
    /* echo the summary to stdout */
    {
        snprintf(path, sizeof path, "%s/summary.txt", outdir);
        FILE *in = fopen(path, "r");
        char line[1024];
        while (in && fgets(line, sizeof line, in)) fputs(line, stdout);
        if (in) fclose(in);
    }
    if (!quiet) fprintf(stderr, "ncm evaluate: report in %s (simulation and tables %.1f s)\n", outdir, secs);
    goto done;
io:
    rc = cli_failf("evaluate", "%s: cannot write: %s", path, strerror(errno));
    goto done;
io_closed:
    f = NULL;
    rc = cli_failf("evaluate", "%s: cannot write: %s", path, strerror(errno));
    goto done;
fail:
    rc = cli_fail("evaluate", st);
done:
    if (f) fclose(f);
    free(vals);
    free(cost);
    free(spc);
    ncm_sim_results_free(res);
    ncm_scenario_free(sc);
    return rc;
}
