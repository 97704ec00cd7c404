/* Benchmark: generate a synthetic population and report people per second and peak memory.
 *
 *   bench_synth [PEOPLE [MINOR_CODES_MEAN [SEED]]]
 *
 * Defaults: 10,000,000 people; minor_codes_mean 2.6, which with the long-term condition codes gives
 * about 5 diagnosis codes per person (the size named in the speed target). Prints one line of
 * key=value pairs: people, seconds (wall clock of ncm_synth_population alone), cpu_seconds (its CPU
 * time: user + system, one thread), people_per_s,
 * codes_per_person, peak_rss_mb (getrusage ru_maxrss of the whole process) and a checksum (FNV-1a) of
 * the age, sex, cost, deprivation, months, diagnosis and practice columns, so that runs on different machines can be compared byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "ncm/ncm.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

int main(int argc, char **argv)
{
    ncm_synth_options o = NCM_SYNTH_OPTIONS_INIT;
    o.people = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000u;
    o.minor_codes_mean = argc > 2 ? strtod(argv[2], NULL) : 2.6;
    if (argc > 3) o.seed = strtoull(argv[3], NULL, 10);
    ncm_population *pop = NULL;
    double t0 = now(), c0 = cpu_now();
    ncm_status st = ncm_synth_population(&o, &pop);
    double secs = now() - t0, cpu = cpu_now() - c0;
    if (st != NCM_OK) {
        fprintf(stderr, "bench_synth: %s\n", ncm_last_error());
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    size_t n = ncm_population_size(pop);
    const uint64_t *off = ncm_population_dx_offsets(pop);
    uint64_t h = 1469598103934665603ull;
    h = fnv(h, ncm_population_age(pop), n * sizeof(int32_t));
    h = fnv(h, ncm_population_sex(pop), n);
    h = fnv(h, ncm_population_cost(pop), n * sizeof(ncm_money));
    h = fnv(h, ncm_population_deprivation(pop), n);
    h = fnv(h, ncm_population_months(pop), n * sizeof(double));
    h = fnv(h, off, (n + 1) * sizeof(uint64_t));
    h = fnv(h, ncm_population_text_ids(pop, NCM_TEXT_DIAGNOSIS), off[n] * sizeof(uint32_t));
    h = fnv(h, ncm_population_text_ids(pop, NCM_TEXT_PRACTICE), n * sizeof(uint32_t));
    printf("people=%zu seconds=%.3f cpu_seconds=%.3f people_per_s=%.0f codes_per_person=%.2f peak_rss_mb=%.0f "
           "checksum=%016llx\n",
           n, secs, cpu, (double)n / secs, n ? (double)off[n] / (double)n : 0.0, (double)ru.ru_maxrss / 1024.0,
           (unsigned long long)h);
    ncm_population_free(pop);
    return 0;
}
