/* ncm mssp: Medicare Shared Savings Program settlement of a CSV of ACOs. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const char ncm_cmd_mssp_help[] = "settle ACOs under Medicare Shared Savings Program rules (tracks by year)";

int ncm_cmd_mssp(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *year_text = NULL, *tracks_path = NULL, *write_tracks = NULL;
    const cli_option opts[] = {
        {"in", &in, NULL, "FILE  ACOs: aco_id,track,beneficiaries,benchmark,expenditure,quality_met,quality_score[,alt_quality_met][,msr][,revenue] (required)"},
        {"out", &out, NULL, "FILE  results: the input columns plus savings_rate,msr_used,generated,sharing_rate,earned (required)"},
        {"year", &year_text, NULL, "YEAR  performance year of the track names (built in: 2018, 2022, 2023; default 2022)"},
        {"tracks", &tracks_path, NULL, "FILE  track table CSV to use instead of the built-in tables"},
        {"write-tracks", &write_tracks, NULL, "FILE  write the track table in use to FILE (CSV) and continue"},
    };
    int r = cli_parse("mssp", "--in FILE --out FILE [--year YEAR] [--tracks FILE]", opts, sizeof opts / sizeof opts[0], argc, argv);
    if (r) return r < 0 ? CLI_OK : r;
    if (!in || !out) return cli_usage("mssp", "--in and --out are required");
    unsigned long long year = 2022;
    if (year_text && (r = cli_parse_u64("mssp", "year", year_text, &year))) return r;
    if (year > 9999) return cli_usage("mssp", "--year %llu is not a year", year);
    ncm_mssp_tracks *t = NULL;
    ncm_status st = tracks_path ? ncm_mssp_tracks_load_csv(tracks_path, &t) : ncm_mssp_tracks_builtin(0, &t);
    if (st) return cli_fail("mssp", st);
    if (write_tracks && (st = ncm_mssp_tracks_write_csv(t, write_tracks))) {
        ncm_mssp_tracks_free(t);
        return cli_fail("mssp", st);
    }
    size_t n = 0;
    st = ncm_mssp_settle_csv(t, (int)year, in, out, &n);
    ncm_mssp_tracks_free(t);
    if (st) return cli_fail("mssp", st);
    fprintf(stderr, "ncm mssp: settled %zu ACOs -> %s\n", n, out);
    return CLI_OK;
}
