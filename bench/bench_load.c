/* Time ncm_population_read_csv() on people.csv + diagnoses.csv and report peak memory.
 * usage: bench_load PEOPLE.csv DIAGNOSES.csv [REPEATS]
 * Prints one line: "ncm_load seconds=<best wall> first=<first run wall> cpu=<best CPU> first_cpu=<first
 * run CPU> people=<n> codes=<m> maxrss_kb=<peak>". CPU = user + system time of the process (the fair
 * measure on a machine shared with other jobs); peak = VmHWM after the first load, i.e. the peak
 * RSS of one load including the table itself. Driven by load.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ncm/ncm.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Peak resident memory of this process in KiB: VmHWM (reset by exec, unlike ru_maxrss, which a
 * child inherits from a large parent), else ru_maxrss. */
static long peak_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0) kb = atol(line + 6);
    if (f) fclose(f);
    if (kb < 0) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        kb = ru.ru_maxrss;
    }
    return kb;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s PEOPLE.csv DIAGNOSES.csv [REPEATS]\n", argv[0]);
        return 2;
    }
    int reps = argc > 3 ? atoi(argv[3]) : 3;
    if (reps < 1) reps = 1;
    double best = 1e30, first = 0, best_cpu = 1e30, first_cpu = 0;
    long peak_first = 0;
    size_t n = 0, m = 0;
    for (int r = 0; r < reps; r++) {
        ncm_population *p = NULL;
        double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        ncm_status st = ncm_population_read_csv(argv[1], argv[2], NULL, &p);
        double t = clock_s(CLOCK_MONOTONIC) - t0, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (st) {
            fprintf(stderr, "bench_load: %s\n", ncm_last_error());
            return 1;
        }
        if (t < best) best = t;
        if (cpu < best_cpu) best_cpu = cpu;
        if (r == 0) {
            first = t;
            first_cpu = cpu;
            peak_first = peak_kb(); /* peak of one load, before the heap is reused by repeats */
        }
        n = ncm_population_size(p);
        m = (size_t)ncm_population_dx_offsets(p)[n];
        ncm_population_free(p);
    }
    printf("ncm_load seconds=%.4f first=%.4f cpu=%.4f first_cpu=%.4f people=%zu codes=%zu maxrss_kb=%ld\n", best,
           first, best_cpu, first_cpu, n, m, peak_first);
    return 0;
}
