/* ncm synth: generate the built-in synthetic population and write it as people.csv + diagnoses.csv. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

const char ncm_cmd_synth_help[] = "generate a synthetic population and write people.csv and diagnoses.csv";

int ncm_cmd_synth(int argc, char **argv)
{
    const char *people_s = NULL, *seed_s = NULL, *out = NULL, *places_s = NULL, *systems_s = NULL, *churn_s = NULL,
               *minor_s = NULL;
    const cli_option opts[] = {
        {"people", &people_s, NULL, "N     number of people (required)"},
        {"seed", &seed_s, NULL, "S     seed, a whole number (default 2015)"},
        {"out", &out, NULL, "DIR   folder to write people.csv and diagnoses.csv to (required; created if missing)"},
        {"places", &places_s, NULL, "K     number of places (default: chosen so places hold 250,000-750,000 people)"},
        {"systems", &systems_s, NULL, "K     number of systems the places are grouped into (default 1)"},
        {"churn", &churn_s, NULL, "RATE  share of people enrolled part of the year by moving, 0-1 (default 0.08)"},
        {"minor-codes", &minor_s, NULL, "MEAN  mean number of minor, non-HCC diagnosis codes per person (default 2)"},
    };
    int r = cli_parse("synth", "--people N [--seed S] --out DIR [--places K] [--systems K] [--churn RATE] [--minor-codes MEAN]",
                      opts, sizeof opts / sizeof opts[0], argc, argv);
    if (r) return r < 0 ? CLI_OK : r;
    if (!people_s) return cli_usage("synth", "--people N is required");
    if (!out) return cli_usage("synth", "--out DIR is required");

    ncm_synth_options o = NCM_SYNTH_OPTIONS_INIT;
    unsigned long long v;
    if ((r = cli_parse_u64("synth", "people", people_s, &v))) return r;
    o.people = (size_t)v;
    if (seed_s) {
        if ((r = cli_parse_u64("synth", "seed", seed_s, &v))) return r;
        o.seed = v;
    }
    if (places_s) {
        if ((r = cli_parse_u64("synth", "places", places_s, &v))) return r;
        o.places = (size_t)v;
    }
    if (systems_s) {
        if ((r = cli_parse_u64("synth", "systems", systems_s, &v))) return r;
        o.systems = (size_t)v;
    }
    if (churn_s && (r = cli_parse_double("synth", "churn", churn_s, &o.churn_rate))) return r;
    if (minor_s && (r = cli_parse_double("synth", "minor-codes", minor_s, &o.minor_codes_mean))) return r;

    if (mkdir(out, 0777) != 0 && errno != EEXIST)
        return cli_failf("synth", "%s: cannot create folder: %s", out, strerror(errno));
    size_t len = strlen(out);
    char *people_path = malloc(len + 16), *dx_path = malloc(len + 20);
    if (!people_path || !dx_path) {
        free(people_path);
        free(dx_path);
        return cli_failf("synth", "out of memory");
    }
    snprintf(people_path, len + 16, "%s/people.csv", out);
    snprintf(dx_path, len + 20, "%s/diagnoses.csv", out);

    ncm_population *pop = NULL;
    ncm_status st = ncm_synth_population(&o, &pop);
    int rc = CLI_OK;
    if (st) rc = cli_fail("synth", st);
    else if ((st = ncm_population_write_csv(pop, people_path, dx_path))) rc = cli_fail("synth", st);
    else {
        const uint64_t *off = ncm_population_dx_offsets(pop);
        size_t n = ncm_population_size(pop);
        fprintf(stderr, "ncm synth: %zu people, %llu diagnoses, %zu practices, %zu networks, %zu places -> %s, %s\n", n,
                (unsigned long long)off[n], ncm_population_text_count(pop, NCM_TEXT_PRACTICE),
                ncm_population_text_count(pop, NCM_TEXT_NETWORK), ncm_population_text_count(pop, NCM_TEXT_PLACE),
                people_path, dx_path);
    }
    ncm_population_free(pop);
    free(people_path);
    free(dx_path);
    return rc;
}
