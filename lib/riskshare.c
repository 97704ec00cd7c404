/* Tiered risk/gain share (corridor) schedules. See include/ncm/riskshare.h for the rules and rounding. */
#include "ncm/riskshare.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal/common.h"
#include "internal/int128.h"
#include "internal/json.h"
#include "internal/riskshare_json.h"

struct ncm_riskshare {
    ncm_riskshare_options o;
    size_t n;
    int *side;
    double *lower, *upper, *share;
    /* the same numbers as exact 1e-12 fixed point (upper: -1 when open) */
    ncmi_i128 *lo_s, *hi_s, *sh_s;
    ncmi_i128 thr_s[2], cap_s[2], floor_s[2];
};

void ncm_riskshare_options_init(ncm_riskshare_options *opts)
{
    if (opts) {
        ncm_riskshare_options d = NCM_RISKSHARE_OPTIONS_INIT;
        *opts = d;
    }
}

void ncm_riskshare_free(ncm_riskshare *rs)
{
    if (!rs) return;
    ncmi_free(rs->side);
    ncmi_free(rs->lower);
    ncmi_free(rs->upper);
    ncmi_free(rs->share);
    ncmi_free(rs->lo_s);
    ncmi_free(rs->hi_s);
    ncmi_free(rs->sh_s);
    ncmi_free(rs);
}

static const char *side_name(int s) { return s == NCM_RISKSHARE_SURPLUS ? "surplus" : "deficit"; }

static ncm_status check_limit(const char *what, ncm_riskshare_limit kind, double rate, ncm_money money)
{
    if (kind == NCM_RISKSHARE_LIMIT_NONE) return NCM_OK;
    if (kind == NCM_RISKSHARE_LIMIT_RATE) {
        if (!isfinite(rate) || rate < 0 || rate > NCM_RATE_MAX)
            return ncmi_error(NCM_ERR_RANGE, "%s: rate %g must be a finite fraction of base >= 0", what, rate);
        return NCM_OK;
    }
    if (kind == NCM_RISKSHARE_LIMIT_MONEY) {
        if (money < 0) return ncmi_error(NCM_ERR_RANGE, "%s: amount %lld must be >= 0", what, (long long)money);
        return NCM_OK;
    }
    return ncmi_error(NCM_ERR_INVALID, "%s: unknown limit kind %d", what, (int)kind);
}

static ncm_status check_options(const ncm_riskshare_options *o)
{
    if (o->version == 0 || o->version > NCM_RISKSHARE_OPTIONS_VERSION)
        return ncmi_error(NCM_ERR_VERSION, "ncm_riskshare_options: version %u is not supported (1 to %u)", o->version,
                          NCM_RISKSHARE_OPTIONS_VERSION);
    if ((unsigned)o->rounding > NCM_ROUND_CEILING)
        return ncmi_error(NCM_ERR_INVALID, "ncm_riskshare_options: rounding: unknown mode %d", (int)o->rounding);
    const double thr[2] = {o->surplus_threshold, o->deficit_threshold};
    const ncm_riskshare_gate gate[2] = {o->surplus_gate, o->deficit_gate};
    for (int s = 0; s < 2; s++) {
        if (!(thr[s] >= 0 && thr[s] <= 1))
            return ncmi_error(NCM_ERR_RANGE, "%s_threshold: %g must be a fraction in [0, 1]", side_name(s), thr[s]);
        if (gate[s] != NCM_RISKSHARE_GATE_FIRST_POUND && gate[s] != NCM_RISKSHARE_GATE_NET)
            return ncmi_error(NCM_ERR_INVALID, "%s_gate: unknown gate %d", side_name(s), (int)gate[s]);
    }
    ncm_status st;
    if ((st = check_limit("surplus_cap", o->surplus_cap_kind, o->surplus_cap_rate, o->surplus_cap_money))) return st;
    if ((st = check_limit("surplus_floor", o->surplus_floor_kind, o->surplus_floor_rate, o->surplus_floor_money))) return st;
    if ((st = check_limit("deficit_cap", o->deficit_cap_kind, o->deficit_cap_rate, o->deficit_cap_money))) return st;
    if ((st = check_limit("deficit_floor", o->deficit_floor_kind, o->deficit_floor_rate, o->deficit_floor_money))) return st;
    if (o->surplus_cap_kind == o->surplus_floor_kind && o->surplus_cap_kind != NCM_RISKSHARE_LIMIT_NONE &&
        (o->surplus_cap_kind == NCM_RISKSHARE_LIMIT_RATE ? o->surplus_floor_rate > o->surplus_cap_rate
                                                         : o->surplus_floor_money > o->surplus_cap_money))
        return ncmi_error(NCM_ERR_INCONSISTENT, "surplus_floor is above surplus_cap");
    if (o->deficit_cap_kind == o->deficit_floor_kind && o->deficit_cap_kind != NCM_RISKSHARE_LIMIT_NONE &&
        (o->deficit_cap_kind == NCM_RISKSHARE_LIMIT_RATE ? o->deficit_floor_rate > o->deficit_cap_rate
                                                         : o->deficit_floor_money > o->deficit_cap_money))
        return ncmi_error(NCM_ERR_INCONSISTENT, "deficit_floor is above deficit_cap");
    return NCM_OK;
}

static ncmi_i128 scaled(double x) { return (ncmi_i128)llround(x * 1e12); }

ncm_status ncm_riskshare_create(const ncm_riskshare_options *opts, size_t n, const int *side, const double *lower,
                                const double *upper, const double *share, ncm_riskshare **out)
{
    if (!out) return ncmi_error(NCM_ERR_INVALID, "ncm_riskshare_create: NULL out");
    if (n > 0 && (!side || !lower || !upper || !share))
        return ncmi_error(NCM_ERR_INVALID, "ncm_riskshare_create: NULL band array with %zu bands", n);
    ncm_riskshare_options o = NCM_RISKSHARE_OPTIONS_INIT;
    if (opts) {
        if (opts->version == 0 || opts->version > NCM_RISKSHARE_OPTIONS_VERSION)
            return ncmi_error(NCM_ERR_VERSION, "ncm_riskshare_options: version %u is not supported (1 to %u)",
                              opts->version, NCM_RISKSHARE_OPTIONS_VERSION);
        o = *opts; /* version 1 is the whole struct */
        o.version = NCM_RISKSHARE_OPTIONS_VERSION;
    }
    ncm_status st = check_options(&o);
    if (st) return st;
    double prev_hi[2] = {-1.0, -1.0};
    long prev_idx[2] = {-1, -1};
    for (size_t i = 0; i < n; i++) {
        if (side[i] != NCM_RISKSHARE_SURPLUS && side[i] != NCM_RISKSHARE_DEFICIT)
            return ncmi_error(NCM_ERR_INVALID, "band %zu: side %d is neither surplus (0) nor deficit (1)", i, side[i]);
        if (isnan(lower[i]) || isnan(upper[i]) || isnan(share[i]))
            return ncmi_error(NCM_ERR_RANGE, "band %zu: NaN in lower, upper or share", i);
        if (!(lower[i] >= 0) || !isfinite(lower[i]) || lower[i] > NCM_RATE_MAX)
            return ncmi_error(NCM_ERR_RANGE, "band %zu: lower edge %g must be a finite fraction of base >= 0", i, lower[i]);
        if (!(upper[i] > lower[i]))
            return ncmi_error(NCM_ERR_RANGE, "band %zu: upper edge %g must be above the lower edge %g", i, upper[i], lower[i]);
        if (isfinite(upper[i]) && upper[i] > NCM_RATE_MAX)
            return ncmi_error(NCM_ERR_RANGE, "band %zu: upper edge %g is too large (use INFINITY for an open band)", i, upper[i]);
        if (!(share[i] >= 0 && share[i] <= 1))
            return ncmi_error(NCM_ERR_RANGE, "band %zu: provider share %g is outside [0, 1]", i, share[i]);
        int s = side[i];
        if (prev_idx[s] >= 0 && lower[i] < prev_hi[s]) {
            if (lower[i] < lower[prev_idx[s]])
                return ncmi_error(NCM_ERR_INCONSISTENT, "band %zu (%s): bands are unsorted: lower edge %g comes after band %ld starting at %g",
                                  i, side_name(s), lower[i], prev_idx[s], lower[prev_idx[s]]);
            return ncmi_error(NCM_ERR_INCONSISTENT, "band %zu (%s): overlaps band %ld: starts at %g before its end %g", i,
                              side_name(s), prev_idx[s], lower[i], prev_hi[s]);
        }
        prev_hi[s] = upper[i];
        prev_idx[s] = (long)i;
    }
    ncm_riskshare *rs = ncmi_calloc(1, sizeof *rs);
    if (!rs) return ncmi_nomem("risk share schedule");
    rs->o = o;
    rs->n = n;
    size_t m = n ? n : 1;
    rs->side = ncmi_malloc_array(m, sizeof(int));
    rs->lower = ncmi_malloc_array(m, sizeof(double));
    rs->upper = ncmi_malloc_array(m, sizeof(double));
    rs->share = ncmi_malloc_array(m, sizeof(double));
    rs->lo_s = ncmi_malloc_array(m, sizeof(ncmi_i128));
    rs->hi_s = ncmi_malloc_array(m, sizeof(ncmi_i128));
    rs->sh_s = ncmi_malloc_array(m, sizeof(ncmi_i128));
    if (!rs->side || !rs->lower || !rs->upper || !rs->share || !rs->lo_s || !rs->hi_s || !rs->sh_s) {
        ncm_riskshare_free(rs);
        return ncmi_nomem("risk share bands");
    }
    for (size_t i = 0; i < n; i++) {
        rs->side[i] = side[i];
        rs->lower[i] = lower[i];
        rs->upper[i] = upper[i];
        rs->share[i] = share[i];
        rs->lo_s[i] = scaled(lower[i]);
        rs->hi_s[i] = isfinite(upper[i]) ? scaled(upper[i]) : -1;
        rs->sh_s[i] = scaled(share[i]);
    }
    rs->thr_s[0] = scaled(o.surplus_threshold);
    rs->thr_s[1] = scaled(o.deficit_threshold);
    rs->cap_s[0] = scaled(o.surplus_cap_rate);
    rs->cap_s[1] = scaled(o.deficit_cap_rate);
    rs->floor_s[0] = scaled(o.surplus_floor_rate);
    rs->floor_s[1] = scaled(o.deficit_floor_rate);
    *out = rs;
    return NCM_OK;
}

size_t ncm_riskshare_band_count(const ncm_riskshare *rs) { return rs ? rs->n : 0; }

ncm_status ncm_riskshare_band(const ncm_riskshare *rs, size_t i, int *side, double *lower, double *upper, double *share)
{
    if (!rs || i >= rs->n) return ncmi_error(NCM_ERR_INVALID, "ncm_riskshare_band: NULL schedule or band %zu out of range", i);
    if (side) *side = rs->side[i];
    if (lower) *lower = rs->lower[i];
    if (upper) *upper = rs->upper[i];
    if (share) *share = rs->share[i];
    return NCM_OK;
}

ncm_status ncm_riskshare_get_options(const ncm_riskshare *rs, ncm_riskshare_options *opts)
{
    if (!rs || !opts) return ncmi_error(NCM_ERR_INVALID, "ncm_riskshare_get_options: NULL argument");
    *opts = rs->o;
    return NCM_OK;
}

/* round(base x r / 1e12) half-even; base > 0 and r >= 0 small enough that this cannot overflow i128. */
static ncmi_i128 of_base(ncm_money base, ncmi_i128 r)
{
    ncmi_i128 num = (ncmi_i128)base * r, q = num / NCMI_RATE_SCALE, rem = num % NCMI_RATE_SCALE;
    if (2 * rem > NCMI_RATE_SCALE || (2 * rem == NCMI_RATE_SCALE && (q % 2 != 0))) q++;
    return q;
}

static ncm_status limit_amount(const ncm_riskshare *rs, int s, int is_cap, ncm_money base, ncmi_i128 *amt, int *has)
{
    ncm_riskshare_limit kind;
    ncm_money money;
    if (s == 0) {
        kind = is_cap ? rs->o.surplus_cap_kind : rs->o.surplus_floor_kind;
        money = is_cap ? rs->o.surplus_cap_money : rs->o.surplus_floor_money;
    } else {
        kind = is_cap ? rs->o.deficit_cap_kind : rs->o.deficit_floor_kind;
        money = is_cap ? rs->o.deficit_cap_money : rs->o.deficit_floor_money;
    }
    *has = kind != NCM_RISKSHARE_LIMIT_NONE;
    if (kind == NCM_RISKSHARE_LIMIT_MONEY) *amt = money;
    else if (kind == NCM_RISKSHARE_LIMIT_RATE) *amt = of_base(base, is_cap ? rs->cap_s[s] : rs->floor_s[s]);
    return NCM_OK;
}

static ncm_status apply_one(const ncm_riskshare *rs, ncm_money base, ncm_money actual, ncm_money *band_var,
                            ncm_money *band_prov, ncm_money *adj, ncm_money *provider, ncm_money *commissioner,
                            size_t row, int bulk)
{
    if (base <= 0) {
        if (bulk) return ncmi_error(NCM_ERR_RANGE, "base[%zu]: %lld must be > 0", row, (long long)base);
        return ncmi_error(NCM_ERR_RANGE, "base: %lld must be > 0", (long long)base);
    }
    if (actual < 0) {
        if (bulk) return ncmi_error(NCM_ERR_RANGE, "actual[%zu]: %lld must be >= 0", row, (long long)actual);
        return ncmi_error(NCM_ERR_RANGE, "actual: %lld must be >= 0", (long long)actual);
    }
    ncm_money v = base - actual; /* cannot overflow: base > 0, actual >= 0 */
    int s = v >= 0 ? NCM_RISKSHARE_SURPLUS : NCM_RISKSHARE_DEFICIT;
    ncmi_i128 a = v >= 0 ? (ncmi_i128)v : -(ncmi_i128)v;
    ncmi_i128 thr = of_base(base, rs->thr_s[s]);
    ncm_riskshare_gate gate = s == 0 ? rs->o.surplus_gate : rs->o.deficit_gate;
    ncmi_i128 eff = a;
    int met;
    if (gate == NCM_RISKSHARE_GATE_NET) {
        eff = a > thr ? a - thr : 0;
        met = eff > 0;
    } else {
        met = a > 0 && a >= thr;
    }
    ncmi_i128 sum = 0;
    for (size_t k = 0; k < rs->n; k++) {
        ncmi_i128 amt = 0, prov = 0;
        if (rs->side[k] == s && a > 0) {
            ncmi_i128 lo = of_base(base, rs->lo_s[k]);
            ncmi_i128 hi = rs->hi_s[k] < 0 ? eff : of_base(base, rs->hi_s[k]);
            ncmi_i128 top = eff < hi ? eff : hi;
            amt = top > lo ? top - lo : 0;
            if (met && amt > 0) {
                int64_t p = 0;
                ncm_status st = ncmi_div_round(amt * rs->sh_s[k], NCMI_RATE_SCALE, rs->o.rounding, &p);
                if (st) return st;
                prov = p;
            }
        }
        sum += prov;
        if (band_var) band_var[k] = (ncm_money)(s == 0 ? amt : -amt);
        if (band_prov) band_prov[k] = (ncm_money)(s == 0 ? prov : -prov);
    }
    ncmi_i128 p = sum;
    if (met) {
        ncmi_i128 lim = 0;
        int has = 0;
        limit_amount(rs, s, 0, base, &lim, &has);
        if (has && p < lim) p = lim;
        limit_amount(rs, s, 1, base, &lim, &has);
        if (has && p > lim) p = lim;
        if (p > a) p = a;
    }
    ncm_money ps = (ncm_money)(s == 0 ? p : -p);
    if (adj) *adj = (ncm_money)(s == 0 ? p - sum : sum - p);
    if (provider) *provider = ps;
    if (commissioner) *commissioner = v - ps;
    return NCM_OK;
}

ncm_status ncm_riskshare_apply(const ncm_riskshare *rs, ncm_money base, ncm_money actual, ncm_money *provider,
                               ncm_money *commissioner)
{
    if (!rs) return ncmi_error(NCM_ERR_INVALID, "ncm_riskshare_apply: NULL schedule");
    ncm_money p = 0, c = 0;
    ncm_status st = apply_one(rs, base, actual, NULL, NULL, NULL, &p, &c, 0, 0);
    if (st) return st;
    if (provider) *provider = p;
    if (commissioner) *commissioner = c;
    return NCM_OK;
}

ncm_status ncm_riskshare_explain(const ncm_riskshare *rs, ncm_money base, ncm_money actual, ncm_money *band_variance,
                                 ncm_money *band_provider, size_t cap, ncm_money *limit_adjustment, ncm_money *provider,
                                 ncm_money *commissioner)
{
    if (!rs) return ncmi_error(NCM_ERR_INVALID, "ncm_riskshare_explain: NULL schedule");
    if ((band_variance || band_provider) && cap < rs->n)
        return ncmi_error(NCM_ERR_BUFFER, "ncm_riskshare_explain: cap %zu is below the %zu bands", cap, rs->n);
    /* compute into temporaries first so that outputs are unchanged on failure */
    ncm_money p = 0, c = 0, adj = 0;
    ncm_status st = apply_one(rs, base, actual, NULL, NULL, &adj, &p, &c, 0, 0);
    if (st) return st;
    if (band_variance || band_provider) {
        st = apply_one(rs, base, actual, band_variance, band_provider, NULL, NULL, NULL, 0, 0);
        if (st) return st;
    }
    if (limit_adjustment) *limit_adjustment = adj;
    if (provider) *provider = p;
    if (commissioner) *commissioner = c;
    return NCM_OK;
}

ncm_status ncm_riskshare_apply_bulk(const ncm_riskshare *rs, size_t n, const ncm_money *base, const ncm_money *actual,
                                    ncm_money *provider, ncm_money *commissioner)
{
    if (!rs || (n > 0 && (!base || !actual)))
        return ncmi_error(NCM_ERR_INVALID, "ncm_riskshare_apply_bulk: NULL schedule or input column");
    if (provider || commissioner) {
        /* a first pass without outputs checks every row, so that nothing is written on failure */
        ncm_status st = ncm_riskshare_apply_bulk(rs, n, base, actual, NULL, NULL);
        if (st) return st;
    }
    for (size_t i = 0; i < n; i++) {
        ncm_money p = 0, c = 0;
        ncm_status st = apply_one(rs, base[i], actual[i], NULL, NULL, NULL, &p, &c, i, 1);
        if (st) return st;
        if (provider) provider[i] = p;
        if (commissioner) commissioner[i] = c;
    }
    return NCM_OK;
}

/* ------------------------------------------------------------------ built-ins */

typedef struct builtin_band {
    int side;
    double lo, hi, share;
} builtin_band;

ncm_status ncm_riskshare_builtin(const char *name, ncm_riskshare **out)
{
    static const builtin_band circle[] = {
        {0, 0.0, 0.05, 1.0}, {0, 0.05, HUGE_VAL, 0.5}, {1, 0.0, HUGE_VAL, 1.0}};
    static const builtin_band global[] = {
        {0, 0.0, 0.25, 1.0}, {0, 0.25, 0.35, 0.5}, {0, 0.35, 0.50, 0.25}, {0, 0.50, HUGE_VAL, 0.10},
        {1, 0.0, 0.25, 1.0}, {1, 0.25, 0.35, 0.5}, {1, 0.35, 0.50, 0.25}, {1, 0.50, HUGE_VAL, 0.10}};
    static const builtin_band prof[] = {
        {0, 0.0, 0.05, 0.5}, {0, 0.05, 0.10, 0.35}, {0, 0.10, 0.15, 0.15}, {0, 0.15, HUGE_VAL, 0.05},
        {1, 0.0, 0.05, 0.5}, {1, 0.05, 0.10, 0.35}, {1, 0.10, 0.15, 0.15}, {1, 0.15, HUGE_VAL, 0.05}};
    if (!name || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_riskshare_builtin: NULL argument");
    const builtin_band *b;
    size_t n;
    if (strcmp(name, "circle_bedfordshire") == 0) { b = circle; n = sizeof circle / sizeof circle[0]; }
    else if (strcmp(name, "aco_reach_global") == 0) { b = global; n = sizeof global / sizeof global[0]; }
    else if (strcmp(name, "aco_reach_professional") == 0) { b = prof; n = sizeof prof / sizeof prof[0]; }
    else {
        char q[64];
        ncmi_quote(q, sizeof q, name, strlen(name));
        return ncmi_error(NCM_ERR_NOT_FOUND,
                          "risk share schedule \"%s\" is not built in (known: circle_bedfordshire, aco_reach_global, aco_reach_professional)", q);
    }
    int side[8];
    double lo[8], hi[8], sh[8];
    for (size_t i = 0; i < n; i++) {
        side[i] = b[i].side;
        lo[i] = b[i].lo;
        hi[i] = b[i].hi;
        sh[i] = b[i].share;
    }
    return ncm_riskshare_create(NULL, n, side, lo, hi, sh, out);
}

/* ------------------------------------------------------------------ JSON */

#define RS_SCHEMA "ncm.riskshare/1"

static ncm_status get_num(const json_t *v, const char *where, const char *key, double *out)
{
    if (ncmi_json_get_number(v, out) != 0) return ncmi_error(NCM_ERR_PARSE, "%s.%s: expected a number", where, key);
    return NCM_OK;
}

/* {"rate": r} or {"money": "123.45"} */
static ncm_status parse_limit(const json_t *obj, const char *where, ncm_riskshare_limit *kind, double *rate,
                              ncm_money *money)
{
    static const char *const keys[] = {"rate", "money", NULL};
    if (!json_is_object(obj)) return ncmi_error(NCM_ERR_PARSE, "%s: expected an object with \"rate\" or \"money\"", where);
    ncm_status st = ncmi_json_check_keys(obj, where, keys);
    if (st) return st;
    const json_t *r = json_object_get(obj, "rate"), *m = json_object_get(obj, "money");
    if ((r != NULL) == (m != NULL)) return ncmi_error(NCM_ERR_PARSE, "%s: give exactly one of \"rate\" and \"money\"", where);
    if (r) {
        if ((st = get_num(r, where, "rate", rate))) return st;
        *kind = NCM_RISKSHARE_LIMIT_RATE;
        return NCM_OK;
    }
    if (!json_is_string(m)) return ncmi_error(NCM_ERR_PARSE, "%s.money: expected a decimal string such as \"1000.00\"", where);
    if (ncm_money_parse(json_string_value(m), NCM_MONEY_DECIMALS, 0, money) != NCM_OK)
        return ncmi_error(NCM_ERR_PARSE, "%s.money: %s", where, ncm_last_error());
    *kind = NCM_RISKSHARE_LIMIT_MONEY;
    return NCM_OK;
}

typedef struct band_buf {
    int *side;
    double *lo, *hi, *sh;
    size_t n;
} band_buf;

static ncm_status parse_side(const json_t *obj, const char *where, int s, ncm_riskshare_options *o, band_buf *bb,
                             size_t *band_index_base)
{
    static const char *const keys[] = {"bands", "threshold", "cap", "floor", NULL};
    static const char *const bkeys[] = {"from", "to", "provider_share", NULL};
    static const char *const tkeys[] = {"rate", "gate", NULL};
    char w[320], w2[360];
    snprintf(w, sizeof w, "%s.%s", where, side_name(s));
    if (!json_is_object(obj)) return ncmi_error(NCM_ERR_PARSE, "%s: expected an object", w);
    ncm_status st = ncmi_json_check_keys(obj, w, keys);
    if (st) return st;
    const json_t *bands = json_object_get(obj, "bands");
    if (bands && !json_is_array(bands)) return ncmi_error(NCM_ERR_PARSE, "%s.bands: expected an array", w);
    size_t i;
    const json_t *b;
    json_array_foreach(bands, i, b) {
        snprintf(w2, sizeof w2, "%s.bands[%zu]", w, i);
        if (!json_is_object(b)) return ncmi_error(NCM_ERR_PARSE, "%s: expected an object", w2);
        if ((st = ncmi_json_check_keys(b, w2, bkeys))) return st;
        const json_t *f = json_object_get(b, "from"), *t = json_object_get(b, "to"), *p = json_object_get(b, "provider_share");
        double lo, hi = HUGE_VAL, sh;
        if (!f) return ncmi_error(NCM_ERR_PARSE, "%s.from: missing", w2);
        if (!p) return ncmi_error(NCM_ERR_PARSE, "%s.provider_share: missing", w2);
        if ((st = get_num(f, w2, "from", &lo))) return st;
        if (t && !json_is_null(t) && (st = get_num(t, w2, "to", &hi))) return st;
        if ((st = get_num(p, w2, "provider_share", &sh))) return st;
        size_t k = bb->n++;
        bb->side[k] = s;
        bb->lo[k] = lo;
        bb->hi[k] = hi;
        bb->sh[k] = sh;
    }
    (void)band_index_base;
    const json_t *th = json_object_get(obj, "threshold");
    if (th) {
        snprintf(w2, sizeof w2, "%s.threshold", w);
        if (!json_is_object(th)) return ncmi_error(NCM_ERR_PARSE, "%s: expected an object", w2);
        if ((st = ncmi_json_check_keys(th, w2, tkeys))) return st;
        double r = 0;
        const json_t *rv = json_object_get(th, "rate"), *gv = json_object_get(th, "gate");
        if (!rv) return ncmi_error(NCM_ERR_PARSE, "%s.rate: missing", w2);
        if ((st = get_num(rv, w2, "rate", &r))) return st;
        ncm_riskshare_gate g = NCM_RISKSHARE_GATE_FIRST_POUND;
        if (gv) {
            const char *gs = json_string_value(gv);
            if (gs && strcmp(gs, "first_pound") == 0) g = NCM_RISKSHARE_GATE_FIRST_POUND;
            else if (gs && strcmp(gs, "net") == 0) g = NCM_RISKSHARE_GATE_NET;
            else return ncmi_error(NCM_ERR_PARSE, "%s.gate: expected \"first_pound\" or \"net\"", w2);
        }
        if (s == 0) { o->surplus_threshold = r; o->surplus_gate = g; }
        else { o->deficit_threshold = r; o->deficit_gate = g; }
    }
    const json_t *cap = json_object_get(obj, "cap"), *fl = json_object_get(obj, "floor");
    if (cap) {
        snprintf(w2, sizeof w2, "%s.cap", w);
        st = s == 0 ? parse_limit(cap, w2, &o->surplus_cap_kind, &o->surplus_cap_rate, &o->surplus_cap_money)
                    : parse_limit(cap, w2, &o->deficit_cap_kind, &o->deficit_cap_rate, &o->deficit_cap_money);
        if (st) return st;
    }
    if (fl) {
        snprintf(w2, sizeof w2, "%s.floor", w);
        st = s == 0 ? parse_limit(fl, w2, &o->surplus_floor_kind, &o->surplus_floor_rate, &o->surplus_floor_money)
                    : parse_limit(fl, w2, &o->deficit_floor_kind, &o->deficit_floor_rate, &o->deficit_floor_money);
        if (st) return st;
    }
    return NCM_OK;
}

ncm_status ncmi_riskshare_from_json(const json_t *obj, const char *where, ncm_riskshare **out)
{
    static const char *const keys[] = {"schema", "rounding", "surplus", "deficit", NULL};
    if (!where) where = "riskshare";
    if (!json_is_object(obj)) return ncmi_error(NCM_ERR_PARSE, "%s: expected a JSON object", where);
    ncm_status st = ncmi_json_check_keys(obj, where, keys);
    if (st) return st;
    const json_t *sc = json_object_get(obj, "schema");
    if (sc && (!json_is_string(sc) || strcmp(json_string_value(sc), RS_SCHEMA) != 0))
        return ncmi_error(NCM_ERR_VERSION, "%s.schema: expected \"" RS_SCHEMA "\"", where);
    ncm_riskshare_options o = NCM_RISKSHARE_OPTIONS_INIT;
    const json_t *rd = json_object_get(obj, "rounding");
    if (rd && (!json_is_string(rd) || ncmi_rounding_parse(json_string_value(rd), &o.rounding) != 0))
        return ncmi_error(NCM_ERR_PARSE, "%s.rounding: expected one of half_even, half_up, down, up, floor, ceiling", where);
    const json_t *sides[2] = {json_object_get(obj, "surplus"), json_object_get(obj, "deficit")};
    size_t total = 0;
    for (int s = 0; s < 2; s++) {
        const json_t *b = json_is_object(sides[s]) ? json_object_get(sides[s], "bands") : NULL;
        if (json_is_array(b)) total += json_array_size(b);
    }
    band_buf bb = {0};
    size_t m = total ? total : 1;
    bb.side = ncmi_malloc_array(m, sizeof(int));
    bb.lo = ncmi_malloc_array(m, sizeof(double));
    bb.hi = ncmi_malloc_array(m, sizeof(double));
    bb.sh = ncmi_malloc_array(m, sizeof(double));
    if (!bb.side || !bb.lo || !bb.hi || !bb.sh) {
        st = ncmi_nomem("risk share bands");
        goto done;
    }
    for (int s = 0; s < 2 && !st; s++)
        if (sides[s]) st = parse_side(sides[s], where, s, &o, &bb, NULL);
    if (!st) {
        st = ncm_riskshare_create(&o, bb.n, bb.side, bb.lo, bb.hi, bb.sh, out);
        if (st && st != NCM_ERR_NOMEM) {
            /* name the JSON path of a bad band */
            char msg[512];
            snprintf(msg, sizeof msg, "%s", ncm_last_error());
            size_t k;
            if (sscanf(msg, "band %zu", &k) == 1 && k < bb.n) {
                size_t nsur = 0;
                for (size_t j = 0; j < bb.n; j++) nsur += bb.side[j] == 0;
                int s = bb.side[k];
                size_t idx = s == 0 ? k : k - nsur;
                const char *rest = strchr(msg, ':');
                ncmi_error(st, "%s.%s.bands[%zu]%s", where, side_name(s), idx, rest ? rest : "");
            } else {
                ncmi_error(st, "%s: %s", where, msg);
            }
        }
    }
done:
    ncmi_free(bb.side);
    ncmi_free(bb.lo);
    ncmi_free(bb.hi);
    ncmi_free(bb.sh);
    return st;
}

ncm_status ncm_riskshare_load_json(const char *path, ncm_riskshare **out)
{
    if (!path || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_riskshare_load_json: NULL argument");
    json_t *root = NULL;
    ncm_status st = ncmi_json_load_file(path, &root);
    if (st) return st;
    if (json_is_object(root) && !json_object_get(root, "schema")) st = ncmi_error(NCM_ERR_VERSION, "%s: schema: missing (expected \"" RS_SCHEMA "\")", path);
    else st = ncmi_riskshare_from_json(root, path, out);
    json_decref(root);
    return st;
}

ncm_status ncm_riskshare_load_json_buffer(const char *text, size_t len, const char *name, ncm_riskshare **out)
{
    if (!text || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_riskshare_load_json_buffer: NULL argument");
    if (!name) name = "<string>";
    json_t *root = NULL;
    ncm_status st = ncmi_json_load_buffer(text, len, name, &root);
    if (st) return st;
    if (json_is_object(root) && !json_object_get(root, "schema")) st = ncmi_error(NCM_ERR_VERSION, "%s: schema: missing (expected \"" RS_SCHEMA "\")", name);
    else st = ncmi_riskshare_from_json(root, name, out);
    json_decref(root);
    return st;
}

static json_t *limit_json(ncm_riskshare_limit kind, double rate, ncm_money money)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_t *v = kind == NCM_RISKSHARE_LIMIT_RATE ? ncmi_json_number(rate) : ncmi_json_money(money);
    if (!v || json_object_set_new(o, kind == NCM_RISKSHARE_LIMIT_RATE ? "rate" : "money", v)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

ncm_status ncmi_riskshare_to_json(const ncm_riskshare *rs, json_t **out)
{
    json_t *root = json_object();
    int bad = !root;
    if (!bad) {
        bad |= json_object_set_new(root, "schema", json_string(RS_SCHEMA));
        bad |= json_object_set_new(root, "rounding", json_string(ncmi_rounding_name(rs->o.rounding)));
    }
    for (int s = 0; s < 2 && !bad; s++) {
        json_t *side = json_object(), *bands = json_array();
        if (!side || !bands || json_object_set_new(root, side_name(s), side)) {
            json_decref(bands);
            bad = 1;
            break;
        }
        if (json_object_set_new(side, "bands", bands)) { bad = 1; break; }
        for (size_t k = 0; k < rs->n && !bad; k++) {
            if (rs->side[k] != s) continue;
            json_t *b = json_object();
            if (!b || json_array_append_new(bands, b)) { bad = 1; break; }
            bad |= json_object_set_new(b, "from", ncmi_json_number(rs->lower[k]));
            bad |= json_object_set_new(b, "to", isfinite(rs->upper[k]) ? ncmi_json_number(rs->upper[k]) : json_null());
            bad |= json_object_set_new(b, "provider_share", ncmi_json_number(rs->share[k]));
        }
        double thr = s == 0 ? rs->o.surplus_threshold : rs->o.deficit_threshold;
        ncm_riskshare_gate g = s == 0 ? rs->o.surplus_gate : rs->o.deficit_gate;
        if (!bad && (thr > 0 || g != NCM_RISKSHARE_GATE_FIRST_POUND)) {
            json_t *t = json_object();
            if (!t || json_object_set_new(side, "threshold", t)) bad = 1;
            else {
                bad |= json_object_set_new(t, "rate", ncmi_json_number(thr));
                bad |= json_object_set_new(t, "gate", json_string(g == NCM_RISKSHARE_GATE_NET ? "net" : "first_pound"));
            }
        }
        ncm_riskshare_limit ck = s == 0 ? rs->o.surplus_cap_kind : rs->o.deficit_cap_kind;
        ncm_riskshare_limit fk = s == 0 ? rs->o.surplus_floor_kind : rs->o.deficit_floor_kind;
        if (!bad && ck != NCM_RISKSHARE_LIMIT_NONE) {
            json_t *l = s == 0 ? limit_json(ck, rs->o.surplus_cap_rate, rs->o.surplus_cap_money)
                               : limit_json(ck, rs->o.deficit_cap_rate, rs->o.deficit_cap_money);
            bad |= !l || json_object_set_new(side, "cap", l);
        }
        if (!bad && fk != NCM_RISKSHARE_LIMIT_NONE) {
            json_t *l = s == 0 ? limit_json(fk, rs->o.surplus_floor_rate, rs->o.surplus_floor_money)
                               : limit_json(fk, rs->o.deficit_floor_rate, rs->o.deficit_floor_money);
            bad |= !l || json_object_set_new(side, "floor", l);
        }
    }
    if (bad) {
        json_decref(root);
        return ncmi_nomem("risk share JSON");
    }
    *out = root;
    return NCM_OK;
}

ncm_status ncm_riskshare_write_json(const ncm_riskshare *rs, const char *path)
{
    if (!rs || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_riskshare_write_json: NULL argument");
    json_t *root = NULL;
    ncm_status st = ncmi_riskshare_to_json(rs, &root);
    if (st) return st;
    st = ncmi_json_write_file(root, path);
    json_decref(root);
    return st;
}
