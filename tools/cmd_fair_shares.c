/* ncm fair-shares: split an envelope across units in proportion to their weighted populations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap_csv.h"
#include "cli.h"

const char ncm_cmd_fair_shares_help[] = "split an envelope across units by weighted population (weighted capitation)";

int ncm_cmd_fair_shares(int argc, char **argv)
{
    const char *cmd = "fair-shares", *units = NULL, *env = NULL, *weights = NULL, *outp = NULL;
    const cli_option opts[] = {
        {"units", &units, NULL, "FILE  units.csv: unit_id and numeric weight columns (required)"},
        {"envelope", &env, NULL, "X     envelope as an exact decimal amount, e.g. 1000000.00 (required)"},
        {"weights", &weights, NULL, "LIST  comma-separated weight columns to multiply (default: all but unit_id)"},
        {"out", &outp, NULL, "FILE  shares.csv to write: unit_id, weight, share (default: stdout)"},
    };
    int r = cli_parse(cmd, "--units units.csv --envelope X [--weights c1,c2,...] [--out shares.csv]", opts,
                      sizeof opts / sizeof opts[0], argc, argv);
    if (r) return r < 0 ? CLI_OK : r;
    if (!units) return cli_usage(cmd, "--units is required");
    if (!env) return cli_usage(cmd, "--envelope is required");
    ncm_money envelope = 0;
    if ((r = cli_parse_money(cmd, "envelope", env, &envelope))) return r;
    if (envelope < 0) return cli_usage(cmd, "--envelope: %s is negative", env);
    cap_table t;
    if ((r = cap_table_read(cmd, units, &t))) return r;
    size_t idcol = 0;
    if ((r = cap_need_col(cmd, &t, "unit_id", &idcol)) || (r = cap_check_unique(cmd, &t, idcol))) {
        cap_table_free(&t);
        return r;
    }
    /* the weight columns */
    size_t *cols = malloc((t.ncols + 1) * sizeof *cols), nw = 0;
    char *wl = weights ? malloc(strlen(weights) + 1) : NULL;
    if (!cols || (weights && !wl)) {
        free(cols);
        free(wl);
        cap_table_free(&t);
        return cli_failf(cmd, "out of memory");
    }
    if (weights) {
        strcpy(wl, weights);
        for (char *tok = strtok(wl, ","); tok; tok = strtok(NULL, ",")) {
            if (nw == t.ncols) break;
            if ((r = cap_need_col(cmd, &t, tok, &cols[nw]))) goto done;
            nw++;
        }
    } else {
        for (size_t c = 0; c < t.ncols; c++)
            if (c != idcol) cols[nw++] = c;
    }
    if (nw == 0) {
        r = cli_failf(cmd, "%s: no weight columns", units);
        goto done;
    }
    if (t.nrows == 0) {
        r = cli_failf(cmd, "%s: no units", units);
        goto done;
    }
    double *w = malloc(t.nrows * sizeof *w);
    ncm_money *share = malloc(t.nrows * sizeof *share);
    if (!w || !share) {
        free(w);
        free(share);
        r = cli_failf(cmd, "out of memory");
        goto done;
    }
    r = 0;
    for (size_t i = 0; i < t.nrows && !r; i++) {
        w[i] = 1.0;
        for (size_t k = 0; k < nw && !r; k++) {
            double x = 0;
            if ((r = cap_number(cmd, &t, i, cols[k], &x))) break;
            w[i] *= x;
        }
    }
    if (!r) {
        const double *idx[1] = {w};
        ncm_fair_shares_input in = NCM_FAIR_SHARES_INPUT_INIT;
        in.nunits = t.nrows;
        in.unit_indices = idx;
        in.n_unit_indices = 1;
        ncm_status st = ncm_fair_shares(&in, envelope, share, NULL, t.nrows);
        if (st) {
            r = cli_fail(cmd, st);
        } else {
            FILE *f = cap_open_out(cmd, outp);
            if (!f) {
                r = CLI_FAIL;
            } else {
                fputs("unit_id,weight,share\n", f);
                for (size_t i = 0; i < t.nrows; i++) {
                    cap_put_str(f, cap_cell(&t, i, idcol));
                    fprintf(f, ",%.10g,", w[i]);
                    cap_put_money(f, share[i]);
                    fputc('\n', f);
                }
                r = cap_close_out(cmd, outp, f);
            }
        }
    }
    free(w);
    free(share);
done:
    free(cols);
    free(wl);
    cap_table_free(&t);
    return r;
}
