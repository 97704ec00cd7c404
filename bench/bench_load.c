/* Time ncm_population_read_csv() on people.csv + diagnoses.csv and report peak memory.
 * usage: bench_load PEOPLE.csv DIAGNOSES.csv [REPEATS]
 * Prints one line: "ncm_load seconds=<best> people=<n> codes=<m> maxrss_kb=<peak>"
 * (peak = VmHWM of this process, i.e. the peak RSS of loading, including the table itself). Driven by load.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ncm/ncm.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
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
    double best = 1e30;
    size_t n = 0, m = 0;
    for (int r = 0; r < reps; r++) {
        ncm_population *p = NULL;
        double t0 = now();
        ncm_status st = ncm_population_read_csv(argv[1], argv[2], NULL, &p);
        double t = now() - t0;
        if (st) {
            fprintf(stderr, "bench_load: %s\n", ncm_last_error());
            return 1;
        }
        if (t < best) best = t;
        n = ncm_population_size(p);
        m = (size_t)ncm_population_dx_offsets(p)[n];
        ncm_population_free(p);
    }
    printf("ncm_load seconds=%.4f people=%zu codes=%zu maxrss_kb=%ld\n", best, n, m, peak_kb());
    return 0;
}
