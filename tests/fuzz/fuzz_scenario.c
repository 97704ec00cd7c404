/* Fuzz ncm_scenario_load_string (scenario JSON, schema ncm.scenario/1): no crash or leak; a failure
 * leaves the out-parameter alone and sets a message; a scenario that loads is written with
 * ncm_scenario_write_file, loaded again with ncm_scenario_load_file and written again: the two files
 * must be byte-identical. A small scenario that loads is then simulated (8 trials, 1 thread) and its
 * results read back through the accessors.
 *
 * Base folder of relative paths (contracts, CSV populations, frameworks): tests/data/simulate, or
 * examples/scenarios when the input starts with '#' (the '#' is dropped), so both seed sets resolve.
 *
 * Inputs that would be slow rather than wrong are skipped before loading (each run must take
 * milliseconds): a synthetic population over 2,000 people or 50 places, and any string naming a
 * device or pseudo-file system (dev, proc, sys: /dev/zero as a CSV population would never end).
 * The simulation runs only when the loaded scenario has at most 2,000 people in all segments and
 * population (person mode draws one cost per person). */
#include <jansson.h>

#include "fuzz_util.h"

#define MAX_PEOPLE 2000.0

/* 1 if any string (key or value) in j mentions a device or pseudo-file system. */
static int names_special_file(const json_t *j)
{
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        return strstr(s, "dev") || strstr(s, "proc") || strstr(s, "sys");
    }
    if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++)
            if (names_special_file(json_array_get(j, i))) return 1;
        return 0;
    }
    if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)j, k, v) {
            if (strstr(k, "dev") || strstr(k, "proc") || strstr(k, "sys")) return 1;
            if (names_special_file(v)) return 1;
        }
    }
    return 0;
}

/* 1 if the input should be skipped as too slow (see the top of the file). */
static int too_slow(const char *text)
{
    json_t *root = json_loads(text, JSON_DECODE_ANY, NULL);
    if (!root) return 0; /* malformed: the loader reports it, cheaply */
    int slow = names_special_file(root);
    json_t *sy = json_object_get(json_object_get(root, "population"), "synth");
    if (sy) {
        json_t *p = json_object_get(sy, "people"), *pl = json_object_get(sy, "places");
        if (p && (!json_is_number(p) || json_number_value(p) > MAX_PEOPLE)) slow = 1;
        if (pl && (!json_is_number(pl) || json_number_value(pl) > 50)) slow = 1;
    }
    json_decref(root);
    return slow;
}

static void simulate_small(const ncm_scenario *sc)
{
    size_t nseg = ncm_scenario_segment_count(sc);
    if (nseg > 16) return;
    double people[16], mean[16], cv[16], total = 0;
    if (ncm_scenario_segments(sc, people, mean, cv, 16) != NCM_OK) abort();
    for (size_t s = 0; s < nseg; s++) total += people[s];
    const ncm_population *pop = ncm_scenario_population(sc);
    if (!(total <= MAX_PEOPLE) || (pop && ncm_population_size(pop) > (size_t)MAX_PEOPLE)) return;
    ncm_sim_options o;
    ncm_sim_options_init(&o);
    o.trials = 8;
    o.threads = 1;
    ncm_sim_results *r = FUZZ_SENTINEL;
    ncm_status st = ncm_simulate(sc, &o, &r);
    FUZZ_CHECK_FAILED(st, r);
    if (st != NCM_OK) return;
    if (ncm_sim_results_trials(r) != 8 || ncm_sim_results_years(r) != ncm_scenario_term(sc)) abort();
    double v[NCM_SIM_STAT_COUNT], se[NCM_SIM_STAT_COUNT];
    ncm_money tv[8];
    for (unsigned y = 0; y <= ncm_sim_results_years(r); y++) {
        if (ncm_sim_results_cost(r, y, tv, 8) != NCM_OK) abort();
        for (size_t d = 0; d < ncm_sim_results_design_count(r); d++)
            for (size_t p = 0; p < ncm_sim_results_party_count(r, d); p++) {
                if (ncm_sim_results_stats(r, d, p, y, v, se, NCM_SIM_STAT_COUNT) != NCM_OK) abort();
                if (ncm_sim_results_trial_values(r, d, p, y, tv, 8) != NCM_OK) abort();
            }
    }
    ncm_sim_results_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *base = NCM_SOURCE_DIR "/tests/data/simulate";
    if (size && data[0] == '#') {
        base = NCM_SOURCE_DIR "/examples/scenarios";
        data++;
        size--;
    }
    char *text = malloc(size + 1);
    if (!text) abort();
    memcpy(text, data, size);
    text[size] = '\0';
    if (too_slow(text)) {
        free(text);
        return 0;
    }
    ncm_scenario *sc = FUZZ_SENTINEL;
    ncm_status st = ncm_scenario_load_string(text, "fuzz.json", base, &sc);
    free(text);
    FUZZ_CHECK_FAILED(st, sc);
    if (st != NCM_OK) return 0;
    char p1[512], p2[512];
    fuzz_path(p1, sizeof p1, "scenario1", "json");
    fuzz_path(p2, sizeof p2, "scenario2", "json");
    if (ncm_scenario_write_file(sc, p1) != NCM_OK) {
        fprintf(stderr, "write failed: %s\n", ncm_last_error());
        abort();
    }
    ncm_scenario *again = NULL;
    if (ncm_scenario_load_file(p1, &again) != NCM_OK) {
        fprintf(stderr, "written scenario does not load: %s\n", ncm_last_error());
        abort();
    }
    if (ncm_scenario_write_file(again, p2) != NCM_OK) abort();
    fuzz_same_file(p1, p2);
    ncm_scenario_free(again);
    remove(p1);
    remove(p2);
    simulate_small(sc);
    ncm_scenario_free(sc);
    return 0;
}
