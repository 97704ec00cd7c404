/* Thread safety: the same computations on separate handles from 8 threads at once give exactly the
 * single-threaded results, and each thread's error message stays its own. Grows with every module. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include <cmocka.h>

#include "ncm/ncm.h"

#define NTHREADS 8
#define NPEOPLE 20000

typedef struct {
    int index;
    ncm_money parts[16];
    uint64_t people[64];
    ncm_money cost[64];
    size_t units;
    int ok;
    char error[256];
} job;

static void compute(job *j)
{
    int32_t *age = malloc(NPEOPLE * sizeof *age);
    uint8_t *sex = malloc(NPEOPLE);
    ncm_money *cost = malloc(NPEOPLE * sizeof *cost);
    char **pid = malloc(NPEOPLE * sizeof *pid);
    char **pr = malloc(NPEOPLE * sizeof *pr);
    char *store = malloc(NPEOPLE * 20);
    for (int i = 0; i < NPEOPLE; i++) {
        pid[i] = store + i * 20;
        pr[i] = store + i * 20 + 12;
        snprintf(pid[i], 12, "X%d", i);
        snprintf(pr[i], 8, "P%d", (i * 7) % 50);
        age[i] = (i * 37) % 100;
        sex[i] = (uint8_t)(1 + i % 2);
        cost[i] = (ncm_money)((i * 7919) % 500000);
    }
    ncm_population_columns c = NCM_POPULATION_COLUMNS_INIT;
    c.n = NPEOPLE;
    c.person_id.values = (const char *const *)pid;
    c.age = age;
    c.sex = sex;
    c.annual_cost = cost;
    c.geo[NCM_LEVEL_PRACTICE].values = (const char *const *)pr;
    ncm_population *p = NULL;
    j->ok = ncm_population_from_columns(&c, &p) == NCM_OK;
    if (j->ok) {
        j->units = ncm_population_text_count(p, NCM_TEXT_PRACTICE);
        j->ok = ncm_population_rollup(p, NCM_LEVEL_PRACTICE, j->people, NULL, j->cost, NULL, 64) == NCM_OK;
    }
    double w[16];
    for (int k = 0; k < 16; k++) w[k] = 1.0 + k * 0.37;
    if (ncm_money_split(123456789012, w, 16, j->parts) != NCM_OK) j->ok = 0;
    /* each thread provokes its own error and must read back its own message */
    ncm_money v;
    char text[32];
    snprintf(text, sizeof text, "bad%d", j->index);
    ncm_money_parse(text, 2, 0, &v);
    snprintf(j->error, sizeof j->error, "%s", ncm_last_error());
    ncm_population_free(p);
    free(age);
    free(sex);
    free(cost);
    free(pid);
    free(pr);
    free(store);
}

static void *run(void *arg)
{
    compute(arg);
    return NULL;
}

static void test_parallel_equals_serial(void **state)
{
    (void)state;
    job serial = {.index = -1};
    compute(&serial);
    assert_true(serial.ok);
    job jobs[NTHREADS];
    pthread_t th[NTHREADS];
    for (int t = 0; t < NTHREADS; t++) {
        memset(&jobs[t], 0, sizeof jobs[t]);
        jobs[t].index = t;
        assert_int_equal(pthread_create(&th[t], NULL, run, &jobs[t]), 0);
    }
    for (int t = 0; t < NTHREADS; t++) pthread_join(th[t], NULL);
    for (int t = 0; t < NTHREADS; t++) {
        assert_true(jobs[t].ok);
        assert_int_equal(jobs[t].units, serial.units);
        assert_memory_equal(jobs[t].parts, serial.parts, sizeof serial.parts);
        assert_memory_equal(jobs[t].people, serial.people, serial.units * sizeof serial.people[0]);
        assert_memory_equal(jobs[t].cost, serial.cost, serial.units * sizeof serial.cost[0]);
        char want[32];
        snprintf(want, sizeof want, "\"bad%d\"", t);
        if (!strstr(jobs[t].error, want)) fail_msg("thread %d saw another thread's error: %s", t, jobs[t].error);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_parallel_equals_serial)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
