/* Monte Carlo engine speed (driver: bench/simulate.py).
 *
 *   bench_simulate person PEOPLE TRIALS THREADS   person-level: one lognormal cost per person per year
 *   bench_simulate segment TRIALS THREADS         segment-level: 20 segments, 5 years
 *
 * Prints one line: "<kind> people trials years threads wall_seconds draws_per_second mean_gross_cost
 * cpu_seconds" (CPU time of the whole process, all threads). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ncm/ncm.h"

static const char *contract =
    "{\"schema\": 1, \"name\": \"bench\", \"form\": \"prime_provider\", \"term_years\": 5,"
    " \"value\": {\"year1\": \"%s\", \"growth\": 0.02},"
    " \"parties\": [{\"name\": \"CCG\", \"role\": \"commissioner\"}, {\"name\": \"Prime\", \"role\": \"prime\"}],"
    " \"components\": [{\"name\": \"capitation\", \"type\": \"capitation\", \"share\": 1},"
    "  {\"name\": \"outcomes\", \"type\": \"outcome_pot\", \"from_year\": 3, \"share\": 0.15, \"carve_from\": \"capitation\"},"
    "  {\"name\": \"corridor\", \"type\": \"risk_share\", \"base\": \"capitation\", \"schedule\": {\"schema\": "
    "\"ncm.riskshare/1\", \"surplus\": {\"bands\": [{\"from\": 0, \"to\": 0.05, \"provider_share\": 1}, {\"from\": 0.05, "
    "\"to\": null, \"provider_share\": 0.5}]}, \"deficit\": {\"bands\": [{\"from\": 0, \"to\": 0.05, \"provider_share\": 1}, "
    "{\"from\": 0.05, \"to\": null, \"provider_share\": 0.5}]}}}]}";

static double clock_s(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static double now(void) { return clock_s(CLOCK_MONOTONIC); }

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_simulate person PEOPLE TRIALS THREADS | segment TRIALS THREADS\n");
        return 2;
    }
    int person = strcmp(argv[1], "person") == 0;
    unsigned long long people = person && argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
    unsigned long long trials = strtoull(argv[person ? 3 : 2], NULL, 10);
    unsigned threads = (unsigned)strtoul(argv[person ? 4 : 3], NULL, 10);
    /* segments: person mode one lognormal segment (mean 1,000.00, cv 2); segment mode 20 segments */
    size_t nseg = person ? 1 : 20;
    char *text = malloc(1 << 16), value[64], ctext[4096];
    double expected = 0;
    size_t off = (size_t)snprintf(text, 1 << 16, "{\"schema\": \"ncm.scenario/1\", \"name\": \"bench\", \"term_years\": 5, \"mode\": \"%s\","
                                                " \"cost_inflation\": 0.02, \"demand_growth\": 0.01,"
                                                " \"efficiency\": {\"delivered\": {\"mean\": 0.05, \"sd\": 0.02}},"
                                                " \"outcomes\": {\"distribution\": \"beta\", \"mean\": 0.7, \"sd\": 0.1},"
                                                " \"shocks\": [{\"name\": \"winter\", \"probability\": 0.2, \"cost_increase\": 0.03}],"
                                                " \"segments\": [",
                                  person ? "person" : "segment");
    for (size_t s = 0; s < nseg; s++) {
        double n = person ? (double)people : 50000.0, mean = person ? 1000.0 : 200.0 + 100.0 * (double)s;
        expected += n * mean;
        off += (size_t)snprintf(text + off, (1 << 16) - off,
                                "%s{\"name\": \"s%zu\", \"people\": %.0f, \"cost\": {\"mean\": \"%.2f\", \"cv\": %.2f}}",
                                s ? ", " : "", s, n, mean, 1.0 + 0.1 * (double)s);
    }
    snprintf(value, sizeof value, "%.2f", expected);
    snprintf(ctext, sizeof ctext, contract, value);
    snprintf(text + off, (1 << 16) - off, "], \"designs\": [{\"name\": \"prime\", \"contract\": %s}]}", ctext);
    ncm_scenario *sc = NULL;
    if (ncm_scenario_load_string(text, "bench", NULL, &sc)) {
        fprintf(stderr, "bench_simulate: %s\n", ncm_last_error());
        return 1;
    }
    ncm_sim_options o;
    ncm_sim_options_init(&o);
    o.trials = trials;
    o.threads = threads;
    ncm_sim_results *r = NULL;
    double t0 = now(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    ncm_status st = ncm_simulate(sc, &o, &r);
    double t1 = now(), c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    if (st) {
        fprintf(stderr, "bench_simulate: %s\n", ncm_last_error());
        return 1;
    }
    ncm_money *cost = malloc(trials * sizeof *cost);
    ncm_sim_results_cost(r, 0, cost, trials);
    double m = 0;
    for (unsigned long long t = 0; t < trials; t++) m += (double)cost[t];
    double draws = person ? (double)people * (double)trials * 5 : (double)nseg * (double)trials * 5;
    printf("%s %llu %llu 5 %u %.4f %.4g %.6g %.4f\n", person ? "person" : "segment", person ? people : 0ull, trials,
           threads, t1 - t0, draws / (t1 - t0), m / (double)trials / 100.0, c1 - c0);
    free(cost);
    free(text);
    ncm_sim_results_free(r);
    ncm_scenario_free(sc);
    return 0;
}
