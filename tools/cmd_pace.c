/* ncm pace: pace of change from last year's allocations toward this year's targets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap_csv.h"
#include "cli.h"

const char ncm_cmd_pace_help[] = "move allocations toward target: floor uplift, capped extra growth, exact envelope";


typedef struct {
    const char *name;
    size_t row;
} name_row;

static int name_cmp(const void *pa, const void *pb)
{
    const name_row *a = pa, *b = pb;
    return strcmp(a->name, b->name);
}

int ncm_cmd_pace(int argc, char **argv)
{
    const char *cmd = "pace", *prevp = NULL, *targp = NULL, *env = NULL, *fl = NULL, *cp = NULL, *ce = NULL,
               *outp = NULL, *years = NULL, *growth = NULL;
    const cli_option opts[] = {
        {"previous", &prevp, NULL, "FILE  prev.csv: unit_id, allocation (last year, exact decimal) (required)"},
        {"target", &targp, NULL, "FILE  target.csv: unit_id, target (amounts, shares or weighted populations: any scale, read as shares) (required)"},
        {"envelope", &env, NULL, "X     this year's envelope, exact decimal (required)"},
        {"floor", &fl, NULL, "R     minimum growth for everyone, e.g. 0.01 (default 0)"},
        {"cap", &cp, NULL, "R     largest extra growth toward target, e.g. 0.05 (default 0)"},
        {"ceiling", &ce, NULL, "R     largest growth for units above target (default: none)"},
        {"years", &years, NULL, "N     project N years (envelope grows by --growth a year; default 1)"},
        {"growth", &growth, NULL, "R     envelope growth a year for --years (default 0)"},
        {"out", &outp, NULL, "FILE  alloc.csv to write (default: stdout)"},
    };
    int r = cli_parse(cmd,
                      "--previous prev.csv --target target.csv --envelope X [--floor R] [--cap R] [--ceiling R] "
                      "[--years N --growth R] [--out alloc.csv]",
                      opts, sizeof opts / sizeof opts[0], argc, argv);
    if (r) return r < 0 ? CLI_OK : r;
    if (!prevp || !targp || !env) return cli_usage(cmd, "--previous, --target and --envelope are required");
    ncm_pace_options po;
    ncm_pace_options_init(&po);
    ncm_money envelope = 0;
    double g = 0;
    unsigned long long ny = 1;
    if ((r = cli_parse_money(cmd, "envelope", env, &envelope))) return r;
    if (fl && (r = cli_parse_double(cmd, "floor", fl, &po.floor))) return r;
    if (cp && (r = cli_parse_double(cmd, "cap", cp, &po.cap))) return r;
    if (ce) {
        if ((r = cli_parse_double(cmd, "ceiling", ce, &po.ceiling))) return r;
        po.flags |= NCM_PACE_CEILING;
    }
    if (years && (r = cli_parse_u64(cmd, "years", years, &ny))) return r;
    if (ny < 1 || ny > 100) return cli_usage(cmd, "--years: %llu is outside 1-100", ny);
    if (growth && (r = cli_parse_double(cmd, "growth", growth, &g))) return r;
    cap_table tp, tt;
    if ((r = cap_table_read(cmd, prevp, &tp))) return r;
    if ((r = cap_table_read(cmd, targp, &tt))) {
        cap_table_free(&tp);
        return r;
    }
    size_t n = tp.nrows, pid = 0, pal = 0, tid = 0, tta = 0;
    ncm_money *prev = NULL, *targ = NULL, *alloc = NULL, *tshare = NULL, *envs = NULL;
    double *db = NULL, *da = NULL;
    name_row *idx = NULL;
    if ((r = cap_need_col(cmd, &tp, "unit_id", &pid)) || (r = cap_need_col(cmd, &tp, "allocation", &pal)) ||
        (r = cap_need_col(cmd, &tt, "unit_id", &tid)) || (r = cap_need_col(cmd, &tt, "target", &tta)) ||
        (r = cap_check_unique(cmd, &tp, pid)) || (r = cap_check_unique(cmd, &tt, tid)))
        goto done;
    if (n == 0) {
        r = cli_failf(cmd, "%s: no units", prevp);
        goto done;
    }
    prev = malloc(n * sizeof *prev);
    targ = malloc(n * sizeof *targ);
    alloc = malloc(n * ny * sizeof *alloc);
    tshare = malloc(n * sizeof *tshare);
    envs = malloc(ny * sizeof *envs);
    db = malloc(n * sizeof *db);
    da = malloc(n * ny * sizeof *da);
    idx = malloc((tt.nrows ? tt.nrows : 1) * sizeof *idx);
    if (!prev || !targ || !alloc || !tshare || !envs || !db || !da || !idx) {
        r = cli_failf(cmd, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if ((r = cap_money(cmd, &tp, i, pal, &prev[i]))) goto done;
    /* match targets to units by unit_id */
    for (size_t j = 0; j < tt.nrows; j++) {
        idx[j].name = cap_cell(&tt, j, tid);
        idx[j].row = j;
    }
    qsort(idx, tt.nrows, sizeof *idx, name_cmp);
    for (size_t j = 1; j < tt.nrows; j++)
        if (strcmp(idx[j].name, idx[j - 1].name) == 0) {
            r = cli_failf(cmd, "%s:%zu: unit '%s' appears twice", targp, tt.line[idx[j].row + 1], idx[j].name);
            goto done;
        }
    if (tt.nrows != n) {
        r = cli_failf(cmd, "%s: %zu units but %s has %zu; every unit needs both (units are missing from one file)",
                      targp, tt.nrows, prevp, n);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        name_row key = {cap_cell(&tp, i, pid), 0};
        name_row *hit = bsearch(&key, idx, tt.nrows, sizeof *idx, name_cmp);
        if (!hit) {
            r = cli_failf(cmd, "%s:%zu: unit '%s' is missing from %s", prevp, tp.line[i + 1], key.name, targp);
            goto done;
        }
        if ((r = cap_number(cmd, &tt, hit->row, tta, &db[i]))) goto done; /* db holds the raw targets for now */
    }
    { /* targets of any scale become exact shares of the envelope */
        ncm_status sst = ncm_money_split(envelope, db, n, targ);
        if (sst) {
            r = cli_failf(cmd, "%s: target: %s", targp, ncm_last_error());
            goto done;
        }
    }
    envs[0] = envelope;
    for (size_t y = 1; y < ny; y++) {
        ncm_status st = ncm_money_mul_rate(envs[y - 1], 1.0 + g, NCM_ROUND_HALF_EVEN, &envs[y]);
        if (st) {
            r = cli_fail(cmd, st);
            goto done;
        }
    }
    ncm_status st = ncm_pace_of_change(&po, envelope, n, prev, targ, alloc, db, da);
    if (!st && ny > 1) st = ncm_pace_project(&po, n, prev, targ, envs, ny, alloc, da);
    if (!st) {
        double *w = (double *)tshare; /* reuse: target shares as weights */
        for (size_t i = 0; i < n; i++) w[i] = (double)targ[i];
        double *wcopy = malloc(n * sizeof *wcopy);
        if (!wcopy) {
            r = cli_failf(cmd, "out of memory");
            goto done;
        }
        memcpy(wcopy, w, n * sizeof *w);
        st = ncm_money_split(envs[ny - 1], wcopy, n, tshare);
        free(wcopy);
    }
    if (st) {
        r = cli_fail(cmd, st);
        goto done;
    }
    FILE *f = cap_open_out(cmd, outp);
    if (!f) {
        r = CLI_FAIL;
        goto done;
    }
    if (ny == 1) {
        fputs("unit_id,previous,target,allocation,growth,distance_before,distance_after\n", f);
        for (size_t i = 0; i < n; i++) {
            cap_put_str(f, cap_cell(&tp, i, pid));
            fputc(',', f);
            cap_put_money(f, prev[i]);
            fputc(',', f);
            cap_put_money(f, tshare[i]);
            fputc(',', f);
            cap_put_money(f, alloc[i]);
            fprintf(f, ",%.6f,%.6f,%.6f\n", (double)alloc[i] / (double)prev[i] - 1.0, db[i], da[i]);
        }
    } else {
        fputs("year,envelope,unit_id,allocation,distance\n", f);
        for (size_t y = 0; y < ny; y++)
            for (size_t i = 0; i < n; i++) {
                fprintf(f, "%zu,", y + 1);
                cap_put_money(f, envs[y]);
                fputc(',', f);
                cap_put_str(f, cap_cell(&tp, i, pid));
                fputc(',', f);
                cap_put_money(f, alloc[y * n + i]);
                fprintf(f, ",%.6f\n", da[y * n + i]);
            }
    }
    r = cap_close_out(cmd, outp, f);
done:
    free(prev);
    free(targ);
    free(alloc);
    free(tshare);
    free(envs);
    free(db);
    free(da);
    free(idx);
    cap_table_free(&tp);
    cap_table_free(&tt);
    return r;
}
