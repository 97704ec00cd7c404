/* Medicare Shared Savings Program style settlement. See include/ncm/savings.h. */
#include "ncm/savings.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal/common.h"
#include "internal/csvout.h"
#include "internal/csv.h"
#include "internal/int128.h"

typedef struct track_row {
    ncm_mssp_track_params p;
    char *name;
    /* rates as exact 1e-12 fixed point */
    ncmi_i128 cap_s, keep_s; /* savings cap; 1 - sequestration */
    ncmi_i128 lcap_b_s, lcap_r_s;
} track_row;

struct ncm_mssp_tracks {
    size_t n;
    track_row *rows;
};

static const char *const quality_names[] = {"gate", "scaled", "sliding"};
static const char *const loss_names[] = {"none", "fixed", "quality"};
static const char *const msr_names[] = {"size", "choice"};

/* ------------------------------------------------------------------ MSR */

ncm_status ncm_mssp_msr(int64_t beneficiaries, double *msr)
{
    static const struct { int64_t lo, hi; double low, high; } bands[] = {
        {5000, 5999, 0.039, 0.036},   {6000, 6999, 0.036, 0.034},   {7000, 7999, 0.034, 0.032},
        {8000, 8999, 0.032, 0.031},   {9000, 9999, 0.031, 0.030},   {10000, 14999, 0.030, 0.027},
        {15000, 19999, 0.027, 0.025}, {20000, 49999, 0.025, 0.022}, {50000, 59999, 0.022, 0.020}};
    if (!msr) return ncmi_error(NCM_ERR_INVALID, "ncm_mssp_msr: NULL msr");
    if (beneficiaries < 5000)
        return ncmi_error(NCM_ERR_RANGE, "beneficiaries: %lld is below 5,000, where the size-based MSR is not defined (give a fixed msr)",
                          (long long)beneficiaries);
    for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++)
        if (beneficiaries <= bands[i].hi) {
            *msr = bands[i].low - (double)(beneficiaries - bands[i].lo) / (double)(bands[i].hi - bands[i].lo) *
                                      (bands[i].low - bands[i].high);
            return NCM_OK;
        }
    *msr = 0.020;
    return NCM_OK;
}

/* ------------------------------------------------------------------ tables */

void ncm_mssp_tracks_free(ncm_mssp_tracks *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) ncmi_free(t->rows[i].name);
    ncmi_free(t->rows);
    ncmi_free(t);
}

static ncm_status check_rate(size_t i, const char *name, const char *field, double v, double lo, double hi)
{
    if (!(v >= lo && v <= hi))
        return ncmi_error(NCM_ERR_RANGE, "track %zu (\"%s\"): %s: %g is outside [%g, %g]", i, name, field, v, lo, hi);
    return NCM_OK;
}

static int valid_name(const char *s)
{
    if (!s || !*s || strlen(s) > 64) return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
    return 1;
}

static ncmi_i128 scaled(double x) { return (ncmi_i128)llround(x * 1e12); }

ncm_status ncm_mssp_tracks_create(size_t n, const ncm_mssp_track_params *params, ncm_mssp_tracks **out)
{
    if (!out || !params || n == 0) return ncmi_error(NCM_ERR_INVALID, "ncm_mssp_tracks_create: NULL argument or no tracks");
    for (size_t i = 0; i < n; i++) {
        const ncm_mssp_track_params *p = &params[i];
        if (p->version == 0 || p->version > NCM_MSSP_TRACK_PARAMS_VERSION)
            return ncmi_error(NCM_ERR_VERSION, "track %zu: params version %u is not supported (1 to %u)", i, p->version,
                              NCM_MSSP_TRACK_PARAMS_VERSION);
        if (!valid_name(p->name))
            return ncmi_error(NCM_ERR_INVALID, "track %zu: name must be 1-64 letters, digits or '_'", i);
        const char *nm = p->name;
        if ((unsigned)p->quality_rule > NCM_MSSP_QUALITY_SLIDING)
            return ncmi_error(NCM_ERR_INVALID, "track %zu (\"%s\"): unknown quality_rule %d", i, nm, (int)p->quality_rule);
        if ((unsigned)p->loss_rule > NCM_MSSP_LOSS_QUALITY)
            return ncmi_error(NCM_ERR_INVALID, "track %zu (\"%s\"): unknown loss_rule %d", i, nm, (int)p->loss_rule);
        if ((unsigned)p->msr_rule > NCM_MSSP_MSR_CHOICE)
            return ncmi_error(NCM_ERR_INVALID, "track %zu (\"%s\"): unknown msr_rule %d", i, nm, (int)p->msr_rule);
        ncm_status st;
        if ((st = check_rate(i, nm, "share_rate", p->share_rate, 0, 1)) || (st = check_rate(i, nm, "savings_cap", p->savings_cap, 0, 1)) ||
            (st = check_rate(i, nm, "loss_rate", p->loss_rate, 0, 1)) ||
            (st = check_rate(i, nm, "loss_quality_factor", p->loss_quality_factor, 0, 1)) ||
            (st = check_rate(i, nm, "loss_rate_min", p->loss_rate_min, 0, 1)) ||
            (st = check_rate(i, nm, "loss_rate_max", p->loss_rate_max, p->loss_rate_min, 1)) ||
            (st = check_rate(i, nm, "loss_cap_benchmark", p->loss_cap_benchmark, 0, 1)) ||
            (st = check_rate(i, nm, "loss_cap_revenue", p->loss_cap_revenue, 0, 1)) ||
            (st = check_rate(i, nm, "sequestration", p->sequestration, 0, 0.999999)))
            return st;
        if (p->year < 1900 || p->year > 9999)
            return ncmi_error(NCM_ERR_RANGE, "track %zu (\"%s\"): year %d is not a year", i, nm, p->year);
        if (p->loss_rule != NCM_MSSP_LOSS_NONE && !(p->loss_cap_benchmark > 0))
            return ncmi_error(NCM_ERR_RANGE, "track %zu (\"%s\"): a two-sided track needs loss_cap_benchmark > 0", i, nm);
        for (size_t j = 0; j < i; j++)
            if (params[j].year == p->year && strcmp(params[j].name, nm) == 0)
                return ncmi_error(NCM_ERR_DUPLICATE, "track %zu: %d %s is already track %zu", i, p->year, nm, j);
    }
    ncm_mssp_tracks *t = ncmi_calloc(1, sizeof *t);
    if (!t) return ncmi_nomem("track table");
    t->rows = ncmi_calloc(n, sizeof *t->rows);
    if (!t->rows) {
        ncmi_free(t);
        return ncmi_nomem("track table");
    }
    t->n = n;
    for (size_t i = 0; i < n; i++) {
        track_row *r = &t->rows[i];
        r->p = params[i];
        r->p.version = NCM_MSSP_TRACK_PARAMS_VERSION;
        r->name = ncmi_strdup(params[i].name);
        if (!r->name) {
            ncm_mssp_tracks_free(t);
            return ncmi_nomem("track names");
        }
        r->p.name = r->name;
        r->cap_s = scaled(r->p.savings_cap);
        r->keep_s = NCMI_RATE_SCALE - scaled(r->p.sequestration);
        r->lcap_b_s = scaled(r->p.loss_cap_benchmark);
        r->lcap_r_s = scaled(r->p.loss_cap_revenue);
    }
    *out = t;
    return NCM_OK;
}

size_t ncm_mssp_tracks_count(const ncm_mssp_tracks *t) { return t ? t->n : 0; }

ncm_status ncm_mssp_tracks_get(const ncm_mssp_tracks *t, size_t i, ncm_mssp_track_params *params)
{
    if (!t || !params || i >= t->n) return ncmi_error(NCM_ERR_INVALID, "ncm_mssp_tracks_get: NULL argument or row %zu out of range", i);
    *params = t->rows[i].p;
    return NCM_OK;
}

ncm_status ncm_mssp_tracks_lookup(const ncm_mssp_tracks *t, int year, size_t n, const char *const *names, uint32_t *index)
{
    if (!t || (n && (!names || !index))) return ncmi_error(NCM_ERR_INVALID, "ncm_mssp_tracks_lookup: NULL argument");
    for (size_t k = 0; k < n; k++) {
        const char *nm = names[k] ? names[k] : "";
        long found = -1;
        for (size_t i = 0; i < t->n; i++) {
            if (strcmp(t->rows[i].name, nm) != 0 || (year && t->rows[i].p.year != year)) continue;
            if (found >= 0)
                return ncmi_error(NCM_ERR_INCONSISTENT, "track %zu: \"%s\" is in several years (%d and %d): give the year", k, nm,
                                  t->rows[found].p.year, t->rows[i].p.year);
            found = (long)i;
        }
        if (found < 0) {
            char q[64], known[400];
            size_t len = 0;
            known[0] = 0;
            for (size_t i = 0; i < t->n && len < sizeof known - 80; i++)
                if (!year || t->rows[i].p.year == year)
                    len += (size_t)snprintf(known + len, sizeof known - len, "%s%s", len ? ", " : "", t->rows[i].name);
            ncmi_quote(q, sizeof q, nm, strlen(nm));
            if (year) return ncmi_error(NCM_ERR_NOT_FOUND, "track %zu: \"%s\" is not a %d track (known: %s)", k, q, year, known);
            return ncmi_error(NCM_ERR_NOT_FOUND, "track %zu: \"%s\" is not a known track (known: %s)", k, q, known);
        }
        index[k] = (uint32_t)found;
    }
    return NCM_OK;
}

#define P(yr, nm, sr, qr, cap, lr, lrate, lqf, lmin, lmax, lcb, lcr, mr) \
    {NCM_MSSP_TRACK_PARAMS_VERSION, yr, nm, sr, qr, cap, lr, lrate, lqf, lmin, lmax, lcb, lcr, mr, 0.02, 1}

ncm_status ncm_mssp_tracks_builtin(int year, ncm_mssp_tracks **out)
{
#define G NCM_MSSP_QUALITY_GATE
#define S NCM_MSSP_QUALITY_SCALED
#define SL NCM_MSSP_QUALITY_SLIDING
#define LN NCM_MSSP_LOSS_NONE
#define LF NCM_MSSP_LOSS_FIXED
#define LQ NCM_MSSP_LOSS_QUALITY
#define MS NCM_MSSP_MSR_SIZE
#define MC NCM_MSSP_MSR_CHOICE
    static const ncm_mssp_track_params all[] = {
        P(2018, "TRACK_1", 0.50, S, 0.10, LN, 0, 0, 0, 0, 0, 0, MS),
        P(2018, "TRACK_2", 0.60, S, 0.15, LQ, 0, 0.60, 0.40, 0.60, 0.10, 0, MC),
        P(2018, "TRACK_3", 0.75, S, 0.20, LQ, 0, 0.75, 0.40, 0.75, 0.15, 0, MC),
        P(2018, "ENHANCED", 0.75, S, 0.20, LQ, 0, 0.75, 0.40, 0.75, 0.15, 0, MC),
        P(2018, "TRACK_1_PLUS", 0.50, S, 0.10, LF, 0.30, 0, 0, 0, 0.04, 0.08, MC),
        P(2022, "BASIC_A", 0.40, G, 0.10, LN, 0, 0, 0, 0, 0, 0, MS),
        P(2022, "BASIC_B", 0.40, G, 0.10, LN, 0, 0, 0, 0, 0, 0, MS),
        P(2022, "BASIC_C", 0.50, G, 0.10, LF, 0.30, 0, 0, 0, 0.01, 0.02, MC),
        P(2022, "BASIC_D", 0.50, G, 0.10, LF, 0.30, 0, 0, 0, 0.02, 0.04, MC),
        P(2022, "BASIC_E", 0.50, G, 0.10, LF, 0.30, 0, 0, 0, 0.04, 0.08, MC),
        P(2022, "ENHANCED", 0.75, G, 0.20, LQ, 0, 0.75, 0.40, 0.75, 0.15, 0, MC),
        P(2023, "BASIC_A", 0.40, SL, 0.10, LN, 0, 0, 0, 0, 0, 0, MS),
        P(2023, "BASIC_B", 0.40, SL, 0.10, LN, 0, 0, 0, 0, 0, 0, MS),
        P(2023, "BASIC_C", 0.50, SL, 0.10, LF, 0.30, 0, 0, 0, 0.01, 0.02, MC),
        P(2023, "BASIC_D", 0.50, SL, 0.10, LF, 0.30, 0, 0, 0, 0.02, 0.04, MC),
        P(2023, "BASIC_E", 0.50, SL, 0.10, LF, 0.30, 0, 0, 0, 0.04, 0.08, MC),
        P(2023, "ENHANCED", 0.75, SL, 0.20, LQ, 0, 0.75, 0.40, 0.75, 0.15, 0, MC),
    };
#undef G
#undef S
#undef SL
#undef LN
#undef LF
#undef LQ
#undef MS
#undef MC
    if (!out) return ncmi_error(NCM_ERR_INVALID, "ncm_mssp_tracks_builtin: NULL out");
    size_t from = 0, to = sizeof all / sizeof all[0];
    if (year != 0) {
        while (from < to && all[from].year != year) from++;
        size_t e = from;
        while (e < to && all[e].year == year) e++;
        to = e;
        if (from == to) return ncmi_error(NCM_ERR_NOT_FOUND, "no built-in MSSP track table for %d (built in: 2018, 2022, 2023)", year);
    }
    return ncm_mssp_tracks_create(to - from, all + from, out);
}

/* ------------------------------------------------------------------ CSV */

static const char *const track_cols[] = {"year", "track", "share_rate", "quality_rule", "savings_cap", "loss_rule",
                                         "loss_rate", "loss_quality_factor", "loss_rate_min", "loss_rate_max",
                                         "loss_cap_benchmark", "loss_cap_revenue", "msr_rule", "sequestration",
                                         "sequester_before_cap"};
enum { NTCOLS = sizeof track_cols / sizeof track_cols[0] };

static int find_name(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0) return (int)i;
    return -1;
}

ncm_status ncm_mssp_tracks_load_csv(const char *path, ncm_mssp_tracks **out)
{
    if (!path || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_mssp_tracks_load_csv: NULL argument");
    ncmi_csv c;
    ncm_status st = ncmi_csv_open_file(&c, path);
    if (st) return st;
    ncm_mssp_track_params *rows = NULL;
    char **names = NULL;
    size_t n = 0, cap = 0;
    long col[NTCOLS];
    if ((st = ncmi_csv_read_header(&c))) goto done;
    for (int k = 0; k < NTCOLS; k++) {
        col[k] = ncmi_csv_column(&c, track_cols[k]);
        if (col[k] < 0) {
            st = ncmi_error(NCM_ERR_NOT_FOUND, "%s:1: missing column %s", c.name, track_cols[k]);
            goto done;
        }
    }
    if (c.nheader != NTCOLS) {
        for (size_t h = 0; h < c.nheader; h++)
            if (find_name(track_cols, NTCOLS, c.header[h]) < 0) {
                st = ncmi_error(NCM_ERR_PARSE, "%s:1:%zu: unknown column %s", c.name, h + 1, c.header[h]);
                goto done;
            }
    }
    for (;;) {
        int eof = 0;
        if ((st = ncmi_csv_next(&c, &eof))) goto done;
        if (eof) break;
        if ((st = ncmi_csv_check_width(&c))) goto done;
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 8;
            ncm_mssp_track_params *nr = ncmi_realloc_array(rows, nc, sizeof *rows);
            if (!nr) { st = ncmi_nomem("track rows"); goto done; }
            rows = nr;
            char **nn = ncmi_realloc_array(names, nc, sizeof *names);
            if (!nn) { st = ncmi_nomem("track rows"); goto done; }
            names = nn;
            cap = nc;
        }
        ncm_mssp_track_params *p = &rows[n];
        memset(p, 0, sizeof *p);
        p->version = NCM_MSSP_TRACK_PARAMS_VERSION;
        names[n] = ncmi_strdup(c.fields[col[1]].s);
        if (!names[n]) { st = ncmi_nomem("track names"); goto done; }
        n++;
        p->name = names[n - 1];
        int64_t yr;
        const ncmi_csv_field *f = &c.fields[col[0]];
        if (ncmi_parse_i64(f->s, f->len, &yr) || yr < 1900 || yr > 9999) {
            st = ncmi_csv_fail(&c, (size_t)col[0], NCM_ERR_PARSE, "\"%s\" is not a year", f->s);
            goto done;
        }
        p->year = (int)yr;
        double *dst[] = {&p->share_rate, &p->savings_cap, &p->loss_rate, &p->loss_quality_factor, &p->loss_rate_min,
                         &p->loss_rate_max, &p->loss_cap_benchmark, &p->loss_cap_revenue, &p->sequestration};
        const int which[] = {2, 4, 6, 7, 8, 9, 10, 11, 13};
        for (size_t k = 0; k < sizeof which / sizeof which[0]; k++) {
            f = &c.fields[col[which[k]]];
            if (ncmi_parse_double(f->s, f->len, dst[k])) {
                char q[64];
                ncmi_quote(q, sizeof q, f->s, f->len);
                st = ncmi_csv_fail(&c, (size_t)col[which[k]], NCM_ERR_PARSE, "\"%s\" is not a number", q);
                goto done;
            }
        }
        int r;
        f = &c.fields[col[3]];
        if ((r = find_name(quality_names, 3, f->s)) < 0) {
            st = ncmi_csv_fail(&c, (size_t)col[3], NCM_ERR_PARSE, "unknown quality rule (gate, scaled, sliding)");
            goto done;
        }
        p->quality_rule = (ncm_mssp_quality_rule)r;
        f = &c.fields[col[5]];
        if ((r = find_name(loss_names, 3, f->s)) < 0) {
            st = ncmi_csv_fail(&c, (size_t)col[5], NCM_ERR_PARSE, "unknown loss rule (none, fixed, quality)");
            goto done;
        }
        p->loss_rule = (ncm_mssp_loss_rule)r;
        f = &c.fields[col[12]];
        if ((r = find_name(msr_names, 2, f->s)) < 0) {
            st = ncmi_csv_fail(&c, (size_t)col[12], NCM_ERR_PARSE, "unknown MSR rule (size, choice)");
            goto done;
        }
        p->msr_rule = (ncm_mssp_msr_rule)r;
        f = &c.fields[col[14]];
        if (strcmp(f->s, "0") != 0 && strcmp(f->s, "1") != 0) {
            st = ncmi_csv_fail(&c, (size_t)col[14], NCM_ERR_PARSE, "expected 0 or 1");
            goto done;
        }
        p->sequester_before_cap = f->s[0] == '1';
    }
    if (n == 0) {
        st = ncmi_error(NCM_ERR_PARSE, "%s: no tracks", c.name);
        goto done;
    }
    st = ncm_mssp_tracks_create(n, rows, out);
    if (st && st != NCM_ERR_NOMEM) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s", ncm_last_error());
        ncmi_error(st, "%s: %s", c.name, msg);
    }
done:
    for (size_t i = 0; i < n; i++) ncmi_free(names[i]);
    ncmi_free(names);
    ncmi_free(rows);
    ncmi_csv_close(&c);
    return st;
}

ncm_status ncm_mssp_tracks_write_csv(const ncm_mssp_tracks *t, const char *path)
{
    if (!t || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_mssp_tracks_write_csv: NULL argument");
    FILE *f = fopen(path, "wb");
    if (!f) return ncmi_error(NCM_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    for (int k = 0; k < NTCOLS; k++) fprintf(f, "%s%s", k ? "," : "", track_cols[k]);
    fputc('\n', f);
    for (size_t i = 0; i < t->n; i++) {
        const ncm_mssp_track_params *p = &t->rows[i].p;
        fprintf(f, "%d,%s,%.17g,%s,%.17g,%s,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%s,%.17g,%d\n", p->year, p->name, p->share_rate,
                quality_names[p->quality_rule], p->savings_cap, loss_names[p->loss_rule], p->loss_rate,
                p->loss_quality_factor, p->loss_rate_min, p->loss_rate_max, p->loss_cap_benchmark, p->loss_cap_revenue,
                msr_names[p->msr_rule], p->sequestration, p->sequester_before_cap ? 1 : 0);
    }
    int bad = ferror(f);
    if (fclose(f) != 0) bad = 1;
    if (bad) return ncmi_error(NCM_ERR_IO, "%s: write failed", path);
    return NCM_OK;
}

/* ------------------------------------------------------------------ settle */

#define MONEY_LIMIT ((ncm_money)100000000000000LL) /* 1e14 minor units: a trillion dollars */

static ncmi_i128 round_div(ncmi_i128 num, ncmi_i128 den)
{
    /* half-even, num >= 0, den > 0 */
    ncmi_i128 q = num / den, r = num % den;
    if (2 * r > den || (2 * r == den && (q % 2 != 0))) q++;
    return q;
}

ncm_status ncm_mssp_settle(const ncm_mssp_tracks *t, size_t n, const uint32_t *track, const int64_t *beneficiaries,
                           const ncm_money *benchmark, const ncm_money *expenditure, const uint8_t *quality_met,
                           const double *quality_score, const uint8_t *alt_quality_met, const double *msr,
                           const ncm_money *revenue, double *savings_rate, double *msr_out, ncm_money *generated,
                           double *sharing_rate, ncm_money *earned)
{
    if (!t || (n && (!track || !beneficiaries || !benchmark || !expenditure || !quality_met || !quality_score)))
        return ncmi_error(NCM_ERR_INVALID, "ncm_mssp_settle: NULL table or input column");
    if (savings_rate || msr_out || generated || sharing_rate || earned) {
        /* a first pass without outputs checks every row, so that nothing is written on failure */
        ncm_status st = ncm_mssp_settle(t, n, track, beneficiaries, benchmark, expenditure, quality_met, quality_score,
                                        alt_quality_met, msr, revenue, NULL, NULL, NULL, NULL, NULL);
        if (st) return st;
    }
    for (size_t i = 0; i < n; i++) {
        if (track[i] >= t->n) return ncmi_error(NCM_ERR_INVALID, "track[%zu]: %u is not a row of the %zu-row track table", i, track[i], t->n);
        const track_row *tr = &t->rows[track[i]];
        const ncm_mssp_track_params *p = &tr->p;
        ncm_money B = benchmark[i], E = expenditure[i];
        if (!(B > 0 && B <= MONEY_LIMIT)) return ncmi_error(NCM_ERR_RANGE, "benchmark[%zu]: %lld must be > 0 and at most 1e14", i, (long long)B);
        if (!(E >= 0 && E <= MONEY_LIMIT)) return ncmi_error(NCM_ERR_RANGE, "expenditure[%zu]: %lld must be >= 0 and at most 1e14", i, (long long)E);
        if (beneficiaries[i] < 0) return ncmi_error(NCM_ERR_RANGE, "beneficiaries[%zu]: %lld is negative", i, (long long)beneficiaries[i]);
        double q = quality_score[i];
        if (!(q >= 0 && q <= 1)) return ncmi_error(NCM_ERR_RANGE, "quality_score[%zu]: %g is not a fraction in [0, 1]", i, q);
        double m;
        int fixed = msr && !isnan(msr[i]);
        if (fixed) {
            if (p->msr_rule == NCM_MSSP_MSR_SIZE && beneficiaries[i] >= 5000)
                return ncmi_error(NCM_ERR_RANGE, "msr[%zu]: track %s (%d) uses the size-based MSR; a fixed msr is allowed only below 5,000 beneficiaries",
                                  i, p->name, p->year);
            m = msr[i];
            if (!(m >= 0 && m < 1)) return ncmi_error(NCM_ERR_RANGE, "msr[%zu]: %g is not a fraction in [0, 1)", i, m);
        } else if (beneficiaries[i] < 5000) {
            return ncmi_error(NCM_ERR_RANGE, "beneficiaries[%zu]: %lld is below 5,000: give a fixed msr for this row", i,
                              (long long)beneficiaries[i]);
        } else {
            ncm_mssp_msr(beneficiaries[i], &m);
        }
        ncm_money rev = revenue ? revenue[i] : -1;
        if (rev > MONEY_LIMIT) return ncmi_error(NCM_ERR_RANGE, "revenue[%zu]: %lld is above 1e14", i, (long long)rev);
        ncm_money v = B - E;
        double s = (double)v / (double)B;
        ncm_money g = 0;
        if (v != 0 && fabs((double)v) >= m * (double)B) g = v;
        int met = quality_met[i] != 0, alt = alt_quality_met && alt_quality_met[i] != 0;
        double rate = 0;
        ncm_money e = 0;
        if (v >= 0) {
            /* savings sharing rate */
            switch (p->quality_rule) {
            case NCM_MSSP_QUALITY_GATE: rate = met ? p->share_rate : 0; break;
            case NCM_MSSP_QUALITY_SCALED: rate = met ? p->share_rate * q : 0; break;
            default: rate = met ? p->share_rate : alt ? p->share_rate * q : 0; break;
            }
            if (g > 0 && rate > 0) {
                ncmi_i128 shared = (ncmi_i128)g * scaled(rate); /* 1e-12 minor units */
                ncmi_i128 capv = (ncmi_i128)B * tr->cap_s;
                if (p->sequester_before_cap) { /* both in 1e-24 minor units */
                    shared *= tr->keep_s;
                    capv *= NCMI_RATE_SCALE;
                    if (shared > capv) shared = capv;
                } else {
                    if (shared > capv) shared = capv;
                    shared *= tr->keep_s;
                }
                e = (ncm_money)round_div(shared, NCMI_RATE_SCALE * NCMI_RATE_SCALE);
            }
        } else if (p->loss_rule != NCM_MSSP_LOSS_NONE) {
            if (p->loss_rule == NCM_MSSP_LOSS_FIXED) rate = p->loss_rate;
            else {
                double qe = (met || alt) ? q : 0.0;
                rate = 1.0 - p->loss_quality_factor * qe;
                if (rate < p->loss_rate_min) rate = p->loss_rate_min;
                if (rate > p->loss_rate_max) rate = p->loss_rate_max;
            }
            if (g < 0) {
                ncmi_i128 shared = -(ncmi_i128)g * scaled(rate);
                ncmi_i128 capv = (ncmi_i128)B * tr->lcap_b_s;
                if (tr->lcap_r_s > 0 && rev >= 0) {
                    ncmi_i128 rc = (ncmi_i128)rev * tr->lcap_r_s;
                    if (rc < capv) capv = rc;
                }
                if (shared > capv) shared = capv;
                e = -(ncm_money)round_div(shared, NCMI_RATE_SCALE);
            }
        }
        if (savings_rate) savings_rate[i] = s;
        if (msr_out) msr_out[i] = m;
        if (generated) generated[i] = g;
        if (sharing_rate) sharing_rate[i] = rate;
        if (earned) earned[i] = e;
    }
    return NCM_OK;
}

/* ------------------------------------------------------------------ CSV settlement */


/* fraction or percent ("2.5%"); empty -> NaN when allow_empty */
static int parse_rate_field(const ncmi_csv_field *fl, int allow_empty, double *out)
{
    if (fl->len == 0) {
        if (!allow_empty) return 1;
        *out = NAN;
        return 0;
    }
    size_t len = fl->len;
    int pct = fl->s[len - 1] == '%';
    if (pct) len--;
    if (ncmi_parse_double(fl->s, len, out)) return 1;
    if (pct) *out /= 100.0;
    return 0;
}

typedef struct settle_cols {
    uint32_t *track;
    int64_t *nab;
    ncm_money *b, *e, *rev;
    uint8_t *met, *alt;
    double *q, *msr;
    size_t *line;
    const char **cells; /* n x nheader pointers into the CSV buffer (valid until close) */
    double *s, *m, *r;
    ncm_money *g, *earned;
} settle_cols;

static void settle_cols_free(settle_cols *c)
{
    ncmi_free(c->track); ncmi_free(c->nab); ncmi_free(c->b); ncmi_free(c->e); ncmi_free(c->rev); ncmi_free(c->met);
    ncmi_free(c->alt); ncmi_free(c->q); ncmi_free(c->msr); ncmi_free(c->line); ncmi_free((void *)c->cells); ncmi_free(c->s); ncmi_free(c->m);
    ncmi_free(c->r); ncmi_free(c->g); ncmi_free(c->earned);
}

static int grow(void **p, size_t cap, size_t size)
{
    void *q = ncmi_realloc_array(*p, cap, size);
    if (!q) return 1;
    *p = q;
    return 0;
}

ncm_status ncm_mssp_settle_csv(const ncm_mssp_tracks *t, int year, const char *in_path, const char *out_path, size_t *rows)
{
    static const char *const req[] = {"aco_id", "track", "beneficiaries", "benchmark", "expenditure", "quality_met", "quality_score"};
    if (!t || !in_path || !out_path) return ncmi_error(NCM_ERR_INVALID, "ncm_mssp_settle_csv: NULL argument");
    ncmi_csv c;
    ncm_status st = ncmi_csv_open_file(&c, in_path);
    if (st) return st;
    settle_cols k;
    memset(&k, 0, sizeof k);
    size_t n = 0, cap = 0;
    long col[7], calt, cmsr, crev;
    FILE *f = NULL;
    if ((st = ncmi_csv_read_header(&c))) goto done;
    for (int j = 0; j < 7; j++) {
        col[j] = ncmi_csv_column(&c, req[j]);
        if (col[j] < 0) {
            st = ncmi_error(NCM_ERR_NOT_FOUND, "%s:1: missing column %s", c.name, req[j]);
            goto done;
        }
    }
    calt = ncmi_csv_column(&c, "alt_quality_met");
    cmsr = ncmi_csv_column(&c, "msr");
    crev = ncmi_csv_column(&c, "revenue");
    /* first pass: parse and validate into columns */
    for (;;) {
        int eof = 0;
        if ((st = ncmi_csv_next(&c, &eof))) goto done;
        if (eof) break;
        if ((st = ncmi_csv_check_width(&c))) goto done;
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 256;
            if (grow((void **)&k.track, nc, sizeof *k.track) || grow((void **)&k.nab, nc, sizeof *k.nab) ||
                grow((void **)&k.b, nc, sizeof *k.b) || grow((void **)&k.e, nc, sizeof *k.e) ||
                grow((void **)&k.rev, nc, sizeof *k.rev) || grow((void **)&k.met, nc, 1) || grow((void **)&k.alt, nc, 1) ||
                grow((void **)&k.q, nc, sizeof(double)) || grow((void **)&k.msr, nc, sizeof(double)) ||
                grow((void **)&k.line, nc, sizeof(size_t)) || grow((void **)&k.cells, nc * c.nheader, sizeof(char *))) {
                st = ncmi_nomem("MSSP rows");
                goto done;
            }
            cap = nc;
        }
        const ncmi_csv_field *fl = c.fields;
        const char *tn = fl[col[1]].s;
        if (ncm_mssp_tracks_lookup(t, year, 1, &tn, &k.track[n])) {
            char msg[600];
            snprintf(msg, sizeof msg, "%s", ncm_last_error() + (strncmp(ncm_last_error(), "track 0: ", 9) == 0 ? 9 : 0));
            st = ncmi_csv_fail(&c, (size_t)col[1], NCM_ERR_NOT_FOUND, "%s", msg);
            goto done;
        }
        if (ncmi_parse_i64(fl[col[2]].s, fl[col[2]].len, &k.nab[n]) || k.nab[n] < 0) {
            st = ncmi_csv_fail(&c, (size_t)col[2], NCM_ERR_PARSE, "\"%s\" is not a count", fl[col[2]].s);
            goto done;
        }
        ncm_money *mdst[2] = {&k.b[n], &k.e[n]};
        for (int j = 0; j < 2; j++)
            if (ncm_money_parse(fl[col[3 + j]].s, NCM_MONEY_DECIMALS, 0, mdst[j]) != NCM_OK) {
                char msg[400];
                snprintf(msg, sizeof msg, "%s", ncm_last_error());
                st = ncmi_csv_fail(&c, (size_t)col[3 + j], NCM_ERR_PARSE, "%s", msg);
                goto done;
            }
        const ncmi_csv_field *qm = &fl[col[5]];
        if (strcmp(qm->s, "0") != 0 && strcmp(qm->s, "1") != 0) {
            st = ncmi_csv_fail(&c, (size_t)col[5], NCM_ERR_PARSE, "expected 0 or 1");
            goto done;
        }
        k.met[n] = qm->s[0] == '1';
        if (parse_rate_field(&fl[col[6]], 0, &k.q[n])) {
            st = ncmi_csv_fail(&c, (size_t)col[6], NCM_ERR_PARSE, "\"%s\" is not a fraction or percent", fl[col[6]].s);
            goto done;
        }
        k.alt[n] = 0;
        if (calt >= 0 && fl[calt].len) {
            if (strcmp(fl[calt].s, "0") != 0 && strcmp(fl[calt].s, "1") != 0) {
                st = ncmi_csv_fail(&c, (size_t)calt, NCM_ERR_PARSE, "expected 0, 1 or empty");
                goto done;
            }
            k.alt[n] = fl[calt].s[0] == '1';
        }
        k.msr[n] = NAN;
        if (cmsr >= 0 && parse_rate_field(&fl[cmsr], 1, &k.msr[n])) {
            st = ncmi_csv_fail(&c, (size_t)cmsr, NCM_ERR_PARSE, "\"%s\" is not a fraction or percent", fl[cmsr].s);
            goto done;
        }
        k.rev[n] = -1;
        if (crev >= 0 && fl[crev].len && ncm_money_parse(fl[crev].s, NCM_MONEY_DECIMALS, 0, &k.rev[n]) != NCM_OK) {
            char msg[400];
            snprintf(msg, sizeof msg, "%s", ncm_last_error());
            st = ncmi_csv_fail(&c, (size_t)crev, NCM_ERR_PARSE, "%s", msg);
            goto done;
        }
        k.line[n] = c.line;
        for (size_t h = 0; h < c.nheader; h++) k.cells[n * c.nheader + h] = fl[h].s;
        /* validate this row now so the message can name its line */
        ncm_status rs = ncm_mssp_settle(t, 1, &k.track[n], &k.nab[n], &k.b[n], &k.e[n], &k.met[n], &k.q[n], &k.alt[n],
                                        &k.msr[n], &k.rev[n], NULL, NULL, NULL, NULL, NULL);
        if (rs) {
            char msg[600];
            snprintf(msg, sizeof msg, "%s", ncm_last_error());
            char *br = strstr(msg, "[0]");
            if (br) memmove(br, br + 3, strlen(br + 3) + 1);
            st = ncmi_error(rs, "%s:%zu: %s", c.name, c.line, msg);
            goto done;
        }
        n++;
    }
    size_t m = n ? n : 1;
    k.s = ncmi_malloc_array(m, sizeof(double));
    k.m = ncmi_malloc_array(m, sizeof(double));
    k.r = ncmi_malloc_array(m, sizeof(double));
    k.g = ncmi_malloc_array(m, sizeof(ncm_money));
    k.earned = ncmi_malloc_array(m, sizeof(ncm_money));
    if (!k.s || !k.m || !k.r || !k.g || !k.earned) {
        st = ncmi_nomem("MSSP results");
        goto done;
    }
    if ((st = ncm_mssp_settle(t, n, k.track, k.nab, k.b, k.e, k.met, k.q, k.alt, k.msr, k.rev, k.s, k.m, k.g, k.r, k.earned)))
        goto done;
    f = fopen(out_path, "wb");
    if (!f) {
        st = ncmi_error(NCM_ERR_IO, "%s: cannot create: %s", out_path, strerror(errno));
        goto done;
    }
    for (size_t h = 0; h < c.nheader; h++) {
        if (h) fputc(',', f);
        ncmi_csv_put_text(f, c.header[h]);
    }
    fputs(",savings_rate,msr_used,generated,sharing_rate,earned\n", f);
    for (size_t i = 0; i < n; i++) {
        for (size_t h = 0; h < c.nheader; h++) {
            if (h) fputc(',', f);
            ncmi_csv_put_text(f, k.cells[i * c.nheader + h]);
        }
        char gb[48], eb[48];
        ncm_money_format(k.g[i], NCM_MONEY_DECIMALS, 0, gb, sizeof gb);
        ncm_money_format(k.earned[i], NCM_MONEY_DECIMALS, 0, eb, sizeof eb);
        fprintf(f, ",%.8f,%.8f,%s,%.8f,%s\n", k.s[i], k.m[i], gb, k.r[i], eb);
    }
    if (ferror(f)) st = ncmi_error(NCM_ERR_IO, "%s: write failed", out_path);
done:
    if (f && fclose(f) != 0 && !st) st = ncmi_error(NCM_ERR_IO, "%s: write failed", out_path);
    if (f && st) remove(out_path);
    if (!st && rows) *rows = n;
    settle_cols_free(&k);
    ncmi_csv_close(&c);
    return st;
}
