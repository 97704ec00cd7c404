/* Outcome frameworks, scoring, pots, withholds, Poisson quantiles and O/E funnels. See include/ncm/outcome.h. */
#include "ncm/outcome.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal/common.h"
#include "internal/csv.h"
#include "internal/dict.h"
#include "internal/json.h"
#include "internal/outcome_json.h"
#include "internal/outcome_impl.h"

struct ncm_outcome_framework {
    ncm_outcome_options o;
    size_t n;
    char **id, **name;
    uint32_t *dom;
    int *dir, *method, *gw;
    double *baseline, *thr, *bm, *w;
    size_t *toff; /* n + 1 */
    double *tval, *tscore;
    size_t nd;
    char **did;
    double *dw;
    ncmi_dict *ids;
};

struct ncm_outcome_result {
    size_t n, nd;
    double *points, *ach, *imp;
    int *met;
    double *dscore, *dweff;
    double total;
    int gate;
};

static const char *const method_names[] = {"pass_fail", "linear", "tiers", "vbp"};

void ncm_outcome_options_init(ncm_outcome_options *opts)
{
    if (opts) {
        ncm_outcome_options d = NCM_OUTCOME_OPTIONS_INIT;
        *opts = d;
    }
}

static void free_strs(char **s, size_t n)
{
    if (!s) return;
    for (size_t i = 0; i < n; i++) ncmi_free(s[i]);
    ncmi_free(s);
}

void ncm_outcome_framework_free(ncm_outcome_framework *fw)
{
    if (!fw) return;
    free_strs(fw->id, fw->n);
    free_strs(fw->name, fw->n);
    free_strs(fw->did, fw->nd);
    ncmi_free(fw->dom);
    ncmi_free(fw->dir);
    ncmi_free(fw->method);
    ncmi_free(fw->gw);
    ncmi_free(fw->baseline);
    ncmi_free(fw->thr);
    ncmi_free(fw->bm);
    ncmi_free(fw->w);
    ncmi_free(fw->toff);
    ncmi_free(fw->tval);
    ncmi_free(fw->tscore);
    ncmi_free(fw->dw);
    ncmi_dict_free(fw->ids);
    ncmi_free(fw);
}

static void quote(char *q, size_t cap, const char *s) { ncmi_quote(q, cap, s ? s : "", s ? strlen(s) : 0); }

/* better(a, b): a is strictly better than b in direction dir */
static int better(int dir, double a, double b) { return dir == NCM_OUTCOME_LOWER_IS_BETTER ? a < b : a > b; }
static int reaches(int dir, double x, double t) { return dir == NCM_OUTCOME_LOWER_IS_BETTER ? x <= t : x >= t; }

static ncm_status validate(const ncm_outcome_options *o, size_t n, const char *const *id, const char *const *domain,
                           const int *direction, const int *method, const double *baseline, const double *threshold,
                           const double *benchmark, const double *weight, const size_t *toff, const double *tval,
                           const double *tscore, size_t ndomains, const char *const *domain_ids,
                           const double *domain_weight)
{
    char q[64];
    if (!isfinite(o->min_total_score) || o->min_total_score < 0 || o->min_total_score > 100)
        return ncmi_error(NCM_ERR_RANGE, "min_total_score: %g must be in [0, 100]", o->min_total_score);
    for (size_t d = 0; d < ndomains; d++) {
        if (!domain_ids[d] || !*domain_ids[d]) return ncmi_error(NCM_ERR_INVALID, "domain %zu: empty id", d);
        if (domain_weight && !(isfinite(domain_weight[d]) && domain_weight[d] > 0)) {
            quote(q, sizeof q, domain_ids[d]);
            return ncmi_error(NCM_ERR_RANGE, "domain %zu (\"%s\"): weight %g must be positive", d, q, domain_weight[d]);
        }
    }
    if (toff && toff[0] != 0) return ncmi_error(NCM_ERR_INVALID, "tier_offsets[0] must be 0");
    for (size_t i = 0; i < n; i++) {
        if (!id[i] || !*id[i]) return ncmi_error(NCM_ERR_INVALID, "measure %zu: empty id", i);
        quote(q, sizeof q, id[i]);
        if (!domain[i] || !*domain[i]) return ncmi_error(NCM_ERR_INVALID, "measure %zu (\"%s\"): empty domain", i, q);
        int dir = direction[i], m = method[i];
        if (dir != 0 && dir != 1)
            return ncmi_error(NCM_ERR_INVALID, "measure %zu (\"%s\"): unknown direction %d", i, q, dir);
        if (m < 0 || m > 3) return ncmi_error(NCM_ERR_INVALID, "measure %zu (\"%s\"): unknown method %d", i, q, m);
        if (weight && !(isfinite(weight[i]) && weight[i] > 0))
            return ncmi_error(NCM_ERR_RANGE, "measure %zu (\"%s\"): weight %g must be positive", i, q, weight[i]);
        if (baseline && isinf(baseline[i]))
            return ncmi_error(NCM_ERR_RANGE, "measure %zu (\"%s\"): baseline is infinite", i, q);
        size_t nt = toff ? toff[i + 1] - toff[i] : 0;
        if (toff && toff[i + 1] < toff[i])
            return ncmi_error(NCM_ERR_INVALID, "measure %zu (\"%s\"): tier_offsets decrease", i, q);
        if (m == NCM_OUTCOME_TIERS) {
            if (nt == 0) return ncmi_error(NCM_ERR_INCONSISTENT, "measure %zu (\"%s\"): method tiers needs at least one tier", i, q);
            for (size_t t = toff[i]; t < toff[i + 1]; t++) {
                if (!isfinite(tval[t])) return ncmi_error(NCM_ERR_RANGE, "measure %zu (\"%s\"): tier %zu: value is not finite", i, q, t - toff[i]);
                if (!(tscore[t] >= 0 && tscore[t] <= 1))
                    return ncmi_error(NCM_ERR_RANGE, "measure %zu (\"%s\"): tier %zu: score %g is outside [0, 1]", i, q, t - toff[i], tscore[t]);
                if (t > toff[i] && !better(dir, tval[t], tval[t - 1]))
                    return ncmi_error(NCM_ERR_INCONSISTENT, "measure %zu (\"%s\"): tier %zu: tiers must go from worst to best (%s values)", i, q,
                                      t - toff[i], dir ? "decreasing" : "increasing");
            }
            continue;
        }
        if (nt) return ncmi_error(NCM_ERR_INCONSISTENT, "measure %zu (\"%s\"): tiers given for method %s", i, q, method_names[m]);
        if (!isfinite(threshold[i]))
            return ncmi_error(NCM_ERR_RANGE, "measure %zu (\"%s\"): threshold is missing or not finite", i, q);
        if (m == NCM_OUTCOME_LINEAR || m == NCM_OUTCOME_VBP) {
            if (!isfinite(benchmark[i]))
                return ncmi_error(NCM_ERR_RANGE, "measure %zu (\"%s\"): benchmark is missing or not finite", i, q);
            if (!better(dir, benchmark[i], threshold[i]))
                return ncmi_error(NCM_ERR_INCONSISTENT, "measure %zu (\"%s\"): benchmark %g must be better than threshold %g (%s is better)",
                                  i, q, benchmark[i], threshold[i], dir ? "lower" : "higher");
        }
    }
    return NCM_OK;
}

ncm_status ncm_outcome_framework_create(const ncm_outcome_options *opts, size_t n, const char *const *id,
                                        const char *const *name, const char *const *domain, const int *direction,
                                        const int *method, const double *baseline, const double *threshold,
                                        const double *benchmark, const double *weight, const int *gateway,
                                        const size_t *tier_offsets, const double *tier_value,
                                        const double *tier_score, size_t ndomains, const char *const *domain_ids,
                                        const double *domain_weight, ncm_outcome_framework **out)
{
    if (!out || n == 0 || !id || !domain || !direction || !method || !threshold || !benchmark ||
        (ndomains && !domain_ids) || (tier_offsets && (!tier_value || !tier_score)))
        return ncmi_error(NCM_ERR_INVALID, "ncm_outcome_framework_create: NULL argument or no measures");
    ncm_outcome_options o = NCM_OUTCOME_OPTIONS_INIT;
    if (opts) {
        if (opts->version == 0 || opts->version > NCM_OUTCOME_OPTIONS_VERSION)
            return ncmi_error(NCM_ERR_VERSION, "ncm_outcome_options: version %u is not supported (1 to %u)", opts->version,
                              NCM_OUTCOME_OPTIONS_VERSION);
        o = *opts;
        o.version = NCM_OUTCOME_OPTIONS_VERSION;
    }
    ncm_status st = validate(&o, n, id, domain, direction, method, baseline, threshold, benchmark, weight, tier_offsets,
                             tier_value, tier_score, ndomains, domain_ids, domain_weight);
    if (st) return st;
    ncm_outcome_framework *fw = ncmi_calloc(1, sizeof *fw);
    ncmi_dict *dd = NULL;
    char q[64], q2[64];
    if (!fw) return ncmi_nomem("outcome framework");
    fw->o = o;
    size_t nt = tier_offsets ? tier_offsets[n] : 0;
    fw->ids = ncmi_dict_new(n);
    dd = ncmi_dict_new(ndomains + 4);
    fw->id = ncmi_calloc(n, sizeof(char *));
    fw->name = ncmi_calloc(n, sizeof(char *));
    fw->dom = ncmi_malloc_array(n, sizeof(uint32_t));
    fw->dir = ncmi_malloc_array(n, sizeof(int));
    fw->method = ncmi_malloc_array(n, sizeof(int));
    fw->gw = ncmi_malloc_array(n, sizeof(int));
    fw->baseline = ncmi_malloc_array(n, sizeof(double));
    fw->thr = ncmi_malloc_array(n, sizeof(double));
    fw->bm = ncmi_malloc_array(n, sizeof(double));
    fw->w = ncmi_malloc_array(n, sizeof(double));
    fw->toff = ncmi_malloc_array(n + 1, sizeof(size_t));
    fw->tval = ncmi_malloc_array(nt ? nt : 1, sizeof(double));
    fw->tscore = ncmi_malloc_array(nt ? nt : 1, sizeof(double));
    if (!fw->ids || !dd || !fw->id || !fw->name || !fw->dom || !fw->dir || !fw->method || !fw->gw || !fw->baseline ||
        !fw->thr || !fw->bm || !fw->w || !fw->toff || !fw->tval || !fw->tscore) {
        st = ncmi_nomem("outcome framework");
        goto fail;
    }
    fw->n = n;
    /* domains */
    for (size_t d = 0; d < ndomains; d++) {
        uint32_t did;
        int added;
        if ((st = ncmi_dict_intern(dd, domain_ids[d], strlen(domain_ids[d]), &did, &added))) {
            st = ncmi_nomem("outcome domains");
            goto fail;
        }
        if (!added) {
            quote(q, sizeof q, domain_ids[d]);
            st = ncmi_error(NCM_ERR_DUPLICATE, "domain %zu (\"%s\"): listed twice", d, q);
            goto fail;
        }
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t k;
        int added;
        if (ncmi_dict_intern(fw->ids, id[i], strlen(id[i]), &k, &added)) {
            st = ncmi_nomem("outcome measure ids");
            goto fail;
        }
        if (!added) {
            quote(q, sizeof q, id[i]);
            st = ncmi_error(NCM_ERR_DUPLICATE, "measure %zu: id \"%s\" is used twice (first by measure %u)", i, q, k);
            goto fail;
        }
        if (ndomains) {
            if (!ncmi_dict_find(dd, domain[i], strlen(domain[i]), &k)) {
                quote(q, sizeof q, id[i]);
                quote(q2, sizeof q2, domain[i]);
                st = ncmi_error(NCM_ERR_NOT_FOUND, "measure %zu (\"%s\"): domain \"%s\" is not in the domain table", i, q, q2);
                goto fail;
            }
        } else if (ncmi_dict_intern(dd, domain[i], strlen(domain[i]), &k, NULL)) {
            st = ncmi_nomem("outcome domains");
            goto fail;
        }
        fw->dom[i] = k;
        fw->id[i] = ncmi_strdup(id[i]);
        fw->name[i] = name && name[i] ? ncmi_strdup(name[i]) : NULL;
        if (!fw->id[i] || (name && name[i] && !fw->name[i])) {
            st = ncmi_nomem("outcome measure names");
            goto fail;
        }
        fw->dir[i] = direction[i];
        fw->method[i] = method[i];
        fw->gw[i] = gateway ? gateway[i] != 0 : 0;
        fw->baseline[i] = baseline ? baseline[i] : NAN;
        fw->thr[i] = threshold[i];
        fw->bm[i] = benchmark[i];
        fw->w[i] = weight ? weight[i] : 1.0;
        fw->toff[i] = tier_offsets ? tier_offsets[i] : 0;
    }
    fw->toff[n] = nt;
    for (size_t t = 0; t < nt; t++) {
        fw->tval[t] = tier_value[t];
        fw->tscore[t] = tier_score[t];
    }
    fw->nd = ncmi_dict_size(dd);
    fw->did = ncmi_calloc(fw->nd, sizeof(char *));
    fw->dw = ncmi_malloc_array(fw->nd, sizeof(double));
    if (!fw->did || !fw->dw) {
        st = ncmi_nomem("outcome domains");
        goto fail;
    }
    for (size_t d = 0; d < fw->nd; d++) {
        fw->did[d] = ncmi_strdup(ncmi_dict_str(dd, (uint32_t)d));
        if (!fw->did[d]) {
            st = ncmi_nomem("outcome domains");
            goto fail;
        }
        fw->dw[d] = ndomains && domain_weight ? domain_weight[d] : 1.0;
    }
    ncmi_dict_free(dd);
    *out = fw;
    return NCM_OK;
fail:
    ncmi_dict_free(dd);
    ncm_outcome_framework_free(fw);
    return st;
}

size_t ncm_outcome_measure_count(const ncm_outcome_framework *fw) { return fw ? fw->n : 0; }
const char *ncm_outcome_measure_id(const ncm_outcome_framework *fw, size_t i) { return fw && i < fw->n ? fw->id[i] : NULL; }
ncm_status ncm_outcome_measure_info(const ncm_outcome_framework *fw, size_t i, size_t *domain, int *direction, int *method)
{
    if (!fw || i >= fw->n) return ncmi_error(NCM_ERR_INVALID, "ncm_outcome_measure_info: NULL framework or measure %zu out of range", i);
    if (domain) *domain = fw->dom[i];
    if (direction) *direction = fw->dir[i];
    if (method) *method = fw->method[i];
    return NCM_OK;
}

const char *ncm_outcome_method_name(int method) { return method >= 0 && method < 4 ? method_names[method] : "unknown"; }

size_t ncm_outcome_domain_count(const ncm_outcome_framework *fw) { return fw ? fw->nd : 0; }
const char *ncm_outcome_domain_id(const ncm_outcome_framework *fw, size_t d) { return fw && d < fw->nd ? fw->did[d] : NULL; }

/* ------------------------------------------------------------------ scoring */

static double whole(double v, int round_points) { return round_points ? floor(v + 0.5 + 1e-9) : v; }

static void score_measure(const ncm_outcome_framework *fw, size_t i, double x, double x0, double *pts, double *ach,
                          double *imp, int *met)
{
    int dir = fw->dir[i];
    double at = fw->thr[i], bm = fw->bm[i];
    *ach = NAN;
    *imp = NAN;
    switch (fw->method[i]) {
    case NCM_OUTCOME_PASS_FAIL:
        *met = reaches(dir, x, at);
        *pts = *met ? 10.0 : 0.0;
        break;
    case NCM_OUTCOME_LINEAR: {
        double f = (x - at) / (bm - at);
        if (f < 0) f = 0;
        if (f > 1) f = 1;
        *pts = 10.0 * f;
        *met = reaches(dir, x, at);
        break;
    }
    case NCM_OUTCOME_TIERS: {
        double s = 0;
        *met = 0;
        for (size_t t = fw->toff[i]; t < fw->toff[i + 1]; t++)
            if (reaches(dir, x, fw->tval[t])) {
                s = fw->tscore[t];
                *met = 1;
            }
        *pts = 10.0 * s;
        break;
    }
    default: { /* VBP */
        double a;
        if (reaches(dir, x, bm)) a = 10.0;
        else if (!reaches(dir, x, at)) a = 0.0;
        else a = whole(9.0 * (x - at) / (bm - at) + 0.5, fw->o.round_points);
        *ach = a;
        double s = a;
        if (!isnan(x0) && better(dir, bm, x0)) {
            double v = whole(10.0 * (x - x0) / (bm - x0) - 0.5, fw->o.round_points);
            if (v < 0) v = 0;
            if (v > 9) v = 9;
            *imp = v;
            if (v > s) s = v;
        }
        *pts = s;
        *met = reaches(dir, x, at);
        break;
    }
    }
}

void ncm_outcome_result_free(ncm_outcome_result *res)
{
    if (!res) return;
    ncmi_free(res->points);
    ncmi_free(res->ach);
    ncmi_free(res->imp);
    ncmi_free(res->met);
    ncmi_free(res->dscore);
    ncmi_free(res->dweff);
    ncmi_free(res);
}

/* values/baselines per framework measure (NaN = none) -> result */
static ncm_status finish_score(const ncm_outcome_framework *fw, const double *val, const double *base,
                               ncm_outcome_result **out)
{
    ncm_outcome_result *r = ncmi_calloc(1, sizeof *r);
    if (!r) return ncmi_nomem("outcome result");
    r->n = fw->n;
    r->nd = fw->nd;
    r->points = ncmi_malloc_array(fw->n, sizeof(double));
    r->ach = ncmi_malloc_array(fw->n, sizeof(double));
    r->imp = ncmi_malloc_array(fw->n, sizeof(double));
    r->met = ncmi_malloc_array(fw->n, sizeof(int));
    r->dscore = ncmi_calloc(fw->nd, sizeof(double));
    r->dweff = ncmi_calloc(fw->nd, sizeof(double));
    double *possible = ncmi_calloc(fw->nd, sizeof(double));
    if (!r->points || !r->ach || !r->imp || !r->met || !r->dscore || !r->dweff || !possible) {
        ncmi_free(possible);
        ncm_outcome_result_free(r);
        return ncmi_nomem("outcome result");
    }
    int gate = 1;
    for (size_t i = 0; i < fw->n; i++) {
        if (isnan(val[i])) {
            r->points[i] = r->ach[i] = r->imp[i] = NAN;
            r->met[i] = 0;
            if (fw->gw[i]) gate = 0;
            continue;
        }
        double x0 = isnan(base[i]) ? fw->baseline[i] : base[i];
        score_measure(fw, i, val[i], x0, &r->points[i], &r->ach[i], &r->imp[i], &r->met[i]);
        if (fw->gw[i] && !r->met[i]) gate = 0;
        r->dscore[fw->dom[i]] += fw->w[i] * r->points[i];
        possible[fw->dom[i]] += fw->w[i] * 10.0;
    }
    double wsum = 0, tot = 0;
    for (size_t d = 0; d < fw->nd; d++) {
        if (possible[d] > 0) {
            r->dscore[d] = 100.0 * r->dscore[d] / possible[d];
            wsum += fw->dw[d];
        } else {
            r->dscore[d] = NAN;
        }
    }
    for (size_t d = 0; d < fw->nd; d++) {
        if (possible[d] > 0) {
            r->dweff[d] = fw->dw[d] / wsum;
            tot += fw->dw[d] * r->dscore[d];
        }
    }
    ncmi_free(possible);
    r->total = wsum > 0 ? tot / wsum : NAN;
    if (wsum <= 0 || r->total < fw->o.min_total_score) gate = 0;
    r->gate = gate;
    *out = r;
    return NCM_OK;
}

void ncmi_outcome_score_values(const ncm_outcome_framework *fw, const double *val, double *points, int *met,
                               double *work, double *total, int *gate)
{
    double *earned = work, *possible = work + fw->nd;
    for (size_t d = 0; d < fw->nd; d++) earned[d] = possible[d] = 0;
    int g = 1;
    for (size_t i = 0; i < fw->n; i++) {
        if (isnan(val[i])) {
            if (points) points[i] = NAN;
            if (met) met[i] = 0;
            if (fw->gw[i]) g = 0;
            continue;
        }
        double pts, a, b;
        int m;
        score_measure(fw, i, val[i], fw->baseline[i], &pts, &a, &b, &m);
        if (points) points[i] = pts;
        if (met) met[i] = m;
        if (fw->gw[i] && !m) g = 0;
        earned[fw->dom[i]] += fw->w[i] * pts;
        possible[fw->dom[i]] += fw->w[i] * 10.0;
    }
    double wsum = 0, tot = 0;
    for (size_t d = 0; d < fw->nd; d++)
        if (possible[d] > 0) {
            wsum += fw->dw[d];
            tot += fw->dw[d] * (100.0 * earned[d] / possible[d]);
        }
    double t = wsum > 0 ? tot / wsum : NAN;
    if (wsum <= 0 || t < fw->o.min_total_score) g = 0;
    *total = t;
    *gate = g;
}

int ncmi_outcome_has_gate(const ncm_outcome_framework *fw)
{
    if (fw->o.min_total_score > 0) return 1;
    for (size_t i = 0; i < fw->n; i++)
        if (fw->gw[i]) return 1;
    return 0;
}

double ncmi_outcome_measure_weight(const ncm_outcome_framework *fw, size_t i) { return fw->w[i]; }
int ncmi_outcome_measure_is_gateway(const ncm_outcome_framework *fw, size_t i) { return fw->gw[i] != 0; }

ncm_status ncm_outcome_score(const ncm_outcome_framework *fw, size_t n, const char *const *measure_id,
                             const double *value, const double *baseline, ncm_outcome_result **out)
{
    if (!fw || !out || (n && (!measure_id || !value)))
        return ncmi_error(NCM_ERR_INVALID, "ncm_outcome_score: NULL argument");
    double *val = ncmi_malloc_array(fw->n, sizeof(double)), *base = ncmi_malloc_array(fw->n, sizeof(double));
    int *seen = ncmi_calloc(fw->n, sizeof(int));
    ncm_status st = NCM_OK;
    char q[64];
    if (!val || !base || !seen) {
        st = ncmi_nomem("outcome results");
        goto done;
    }
    for (size_t i = 0; i < fw->n; i++) val[i] = base[i] = NAN;
    for (size_t r = 0; r < n; r++) {
        uint32_t k;
        const char *mid = measure_id[r] ? measure_id[r] : "";
        quote(q, sizeof q, mid);
        if (!ncmi_dict_find(fw->ids, mid, strlen(mid), &k)) {
            st = ncmi_error(NCM_ERR_NOT_FOUND, "result %zu: measure \"%s\" is not in the framework", r, q);
            goto done;
        }
        if (seen[k]) {
            st = ncmi_error(NCM_ERR_DUPLICATE, "result %zu: measure \"%s\" is given twice", r, q);
            goto done;
        }
        seen[k] = 1;
        if (isinf(value[r]) || (baseline && isinf(baseline[r]))) {
            st = ncmi_error(NCM_ERR_RANGE, "result %zu (\"%s\"): value or baseline is infinite", r, q);
            goto done;
        }
        val[k] = value[r];
        base[k] = baseline ? baseline[r] : NAN;
    }
    st = finish_score(fw, val, base, out);
done:
    ncmi_free(val);
    ncmi_free(base);
    ncmi_free(seen);
    return st;
}

static int parse_opt_double(const ncmi_csv_field *f, double *out)
{
    if (f->len == 0) {
        *out = NAN;
        return 0;
    }
    return ncmi_parse_double(f->s, f->len, out);
}

ncm_status ncm_outcome_score_csv(const ncm_outcome_framework *fw, const char *path, ncm_outcome_result **out)
{
    if (!fw || !path || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_outcome_score_csv: NULL argument");
    ncmi_csv c;
    ncm_status st = ncmi_csv_open_file(&c, path);
    if (st) return st;
    double *val = NULL, *base = NULL;
    size_t *line = NULL;
    if ((st = ncmi_csv_read_header(&c))) goto done;
    long cid = ncmi_csv_column(&c, "measure_id"), cval = ncmi_csv_column(&c, "value"), cbase = ncmi_csv_column(&c, "baseline");
    if (cid < 0 || cval < 0) {
        st = ncmi_error(NCM_ERR_NOT_FOUND, "%s:1: missing column %s (need measure_id, value[, baseline])", c.name,
                        cid < 0 ? "measure_id" : "value");
        goto done;
    }
    for (size_t h = 0; h < c.nheader; h++)
        if ((long)h != cid && (long)h != cval && (long)h != cbase) {
            char q[64];
            quote(q, sizeof q, c.header[h]);
            st = ncmi_error(NCM_ERR_PARSE, "%s:1:%zu: unknown column \"%s\" (expected measure_id, value, baseline)", c.name, h + 1, q);
            goto done;
        }
    val = ncmi_malloc_array(fw->n, sizeof(double));
    base = ncmi_malloc_array(fw->n, sizeof(double));
    line = ncmi_calloc(fw->n, sizeof(size_t));
    if (!val || !base || !line) {
        st = ncmi_nomem("outcome results");
        goto done;
    }
    for (size_t i = 0; i < fw->n; i++) val[i] = base[i] = NAN;
    for (;;) {
        int eof = 0;
        if ((st = ncmi_csv_next(&c, &eof))) goto done;
        if (eof) break;
        if ((st = ncmi_csv_check_width(&c))) goto done;
        const ncmi_csv_field *fid = &c.fields[cid];
        uint32_t k;
        char q[64];
        quote(q, sizeof q, fid->s);
        if (!ncmi_dict_find(fw->ids, fid->s, fid->len, &k)) {
            st = ncmi_csv_fail(&c, (size_t)cid, NCM_ERR_NOT_FOUND, "measure \"%s\" is not in the framework", q);
            goto done;
        }
        if (line[k]) {
            st = ncmi_csv_fail(&c, (size_t)cid, NCM_ERR_DUPLICATE, "measure \"%s\" is given twice (first on line %zu)", q, line[k]);
            goto done;
        }
        line[k] = c.line;
        if (parse_opt_double(&c.fields[cval], &val[k])) {
            quote(q, sizeof q, c.fields[cval].s);
            st = ncmi_csv_fail(&c, (size_t)cval, NCM_ERR_PARSE, "\"%s\" is not a finite number", q);
            goto done;
        }
        if (cbase >= 0 && parse_opt_double(&c.fields[cbase], &base[k])) {
            quote(q, sizeof q, c.fields[cbase].s);
            st = ncmi_csv_fail(&c, (size_t)cbase, NCM_ERR_PARSE, "\"%s\" is not a finite number", q);
            goto done;
        }
    }
    st = finish_score(fw, val, base, out);
done:
    ncmi_free(val);
    ncmi_free(base);
    ncmi_free(line);
    ncmi_csv_close(&c);
    return st;
}

ncm_status ncm_outcome_result_total(const ncm_outcome_result *res, double *total, int *gate_met)
{
    if (!res) return ncmi_error(NCM_ERR_INVALID, "ncm_outcome_result_total: NULL result");
    if (total) *total = res->total;
    if (gate_met) *gate_met = res->gate;
    return NCM_OK;
}

ncm_status ncm_outcome_result_measures(const ncm_outcome_result *res, double *points, double *achievement,
                                       double *improvement, int *met, size_t cap)
{
    if (!res) return ncmi_error(NCM_ERR_INVALID, "ncm_outcome_result_measures: NULL result");
    if ((points || achievement || improvement || met) && cap < res->n)
        return ncmi_error(NCM_ERR_BUFFER, "ncm_outcome_result_measures: cap %zu is below the %zu measures", cap, res->n);
    for (size_t i = 0; i < res->n; i++) {
        if (points) points[i] = res->points[i];
        if (achievement) achievement[i] = res->ach[i];
        if (improvement) improvement[i] = res->imp[i];
        if (met) met[i] = res->met[i];
    }
    return NCM_OK;
}

ncm_status ncm_outcome_result_domains(const ncm_outcome_result *res, double *score, double *effective_weight, size_t cap)
{
    if (!res) return ncmi_error(NCM_ERR_INVALID, "ncm_outcome_result_domains: NULL result");
    if ((score || effective_weight) && cap < res->nd)
        return ncmi_error(NCM_ERR_BUFFER, "ncm_outcome_result_domains: cap %zu is below the %zu domains", cap, res->nd);
    for (size_t d = 0; d < res->nd; d++) {
        if (score) score[d] = res->dscore[d];
        if (effective_weight) effective_weight[d] = res->dweff[d];
    }
    return NCM_OK;
}

ncm_status ncm_outcome_result_pot(const ncm_outcome_result *res, ncm_money pot, ncm_rounding mode, ncm_money *earned,
                                  ncm_money *unearned)
{
    if (!res || !earned || (unsigned)mode > NCM_ROUND_CEILING)
        return ncmi_error(NCM_ERR_INVALID, "ncm_outcome_result_pot: NULL argument or bad rounding mode");
    if (pot < 0) return ncmi_error(NCM_ERR_RANGE, "pot: %lld must be >= 0", (long long)pot);
    ncm_money e = 0;
    if (res->gate && !isnan(res->total)) {
        double t = res->total < 0 ? 0 : res->total > 100 ? 100 : res->total;
        ncm_status st = ncm_money_mul_rate(pot, t / 100.0, mode, &e);
        if (st) return st;
    }
    *earned = e;
    if (unearned) *unearned = pot - e;
    return NCM_OK;
}

/* ------------------------------------------------------------------ withhold */

ncm_status ncm_withhold_settle(size_t n, const ncm_money *fee, double rate, const double *score, size_t ntiers,
                               const double *tier_min, const double *tier_fraction, ncm_money *withheld,
                               ncm_money *earned_back, ncm_money *recovered)
{
    if ((n && (!fee || !score)) || (ntiers && (!tier_min || !tier_fraction)))
        return ncmi_error(NCM_ERR_INVALID, "ncm_withhold_settle: NULL argument");
    if (!(rate >= 0 && rate <= 1)) return ncmi_error(NCM_ERR_RANGE, "rate: %g must be a fraction in [0, 1]", rate);
    for (size_t t = 0; t < ntiers; t++) {
        if (!isfinite(tier_min[t])) return ncmi_error(NCM_ERR_RANGE, "tier_min[%zu]: not finite", t);
        if (!(tier_fraction[t] >= 0 && tier_fraction[t] <= 1))
            return ncmi_error(NCM_ERR_RANGE, "tier_fraction[%zu]: %g is outside [0, 1]", t, tier_fraction[t]);
        if (t && !(tier_min[t] > tier_min[t - 1]))
            return ncmi_error(NCM_ERR_INCONSISTENT, "tier_min[%zu]: tiers must have strictly increasing minimum scores", t);
    }
    /* Validate everything before writing any output (outputs are unchanged on failure). With fees
     * >= 0 and rates in [0, 1] the products below cannot overflow. */
    for (size_t i = 0; i < n; i++) {
        if (fee[i] < 0) return ncmi_error(NCM_ERR_RANGE, "fee[%zu]: %lld must be >= 0", i, (long long)fee[i]);
        if (isnan(score[i])) return ncmi_error(NCM_ERR_RANGE, "score[%zu]: NaN", i);
    }
    for (size_t i = 0; i < n; i++) {
        double f;
        if (ntiers == 0) f = score[i] < 0 ? 0 : score[i] > 1 ? 1 : score[i];
        else {
            f = 0;
            for (size_t t = 0; t < ntiers; t++)
                if (score[i] >= tier_min[t]) f = tier_fraction[t];
        }
        ncm_money w = 0, e = 0;
        ncm_status st = ncm_money_mul_rate(fee[i], rate, NCM_ROUND_HALF_EVEN, &w);
        if (!st) st = ncm_money_mul_rate(w, f, NCM_ROUND_HALF_EVEN, &e);
        if (st) return st;
        if (withheld) withheld[i] = w;
        if (earned_back) earned_back[i] = e;
        if (recovered) recovered[i] = w - e;
    }
    return NCM_OK;
}

/* ------------------------------------------------------------------ Poisson */

/* Regularised upper incomplete gamma Q(a, x), a > 0, x >= 0 (series / Lentz continued fraction). */
static double gamma_q(double a, double x)
{
    if (x <= 0) return 1.0;
    double lg = a * log(x) - x - lgamma(a);
    if (x < a + 1.0) {
        double ap = a, sum = 1.0 / a, del = sum;
        for (int it = 0; it < 10000000; it++) {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * 1e-17) break;
        }
        return 1.0 - sum * exp(lg);
    }
    double b = x + 1.0 - a, c = 1.0 / 1e-300, d = 1.0 / b, h = d;
    for (int i = 1; i < 10000000; i++) {
        double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < 1e-300) d = 1e-300;
        c = b + an / c;
        if (fabs(c) < 1e-300) c = 1e-300;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-16) break;
    }
    return exp(lg) * h;
}

static double pois_cdf(int64_t k, double mean)
{
    if (k < 0) return 0.0;
    if (mean == 0) return 1.0;
    return gamma_q((double)k + 1.0, mean);
}

ncm_status ncm_poisson_cdf(int64_t k, double mean, double *prob)
{
    if (!prob) return ncmi_error(NCM_ERR_INVALID, "ncm_poisson_cdf: NULL prob");
    if (!(mean >= 0 && mean <= 1e9)) return ncmi_error(NCM_ERR_RANGE, "mean: %g must be in [0, 1e9]", mean);
    *prob = pois_cdf(k, mean);
    return NCM_OK;
}

static int64_t pois_quantile(double p, double mean)
{
    if (mean == 0) return 0;
    /* normal start with a Cornish-Fisher skew correction, then walk */
    double z = 0;
    {
        /* rational approximation of the normal quantile (Acklam), good to ~1e-9: only a start */
        static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                   1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                   6.680131188771972e+01, -1.328068155288572e+01};
        static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                   -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                   3.754408661907416e+00};
        double q, r;
        if (p < 0.02425) {
            q = sqrt(-2 * log(p));
            z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else if (p > 1 - 0.02425) {
            q = sqrt(-2 * log(1 - p));
            z = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else {
            q = p - 0.5;
            r = q * q;
            z = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
                (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
    }
    double sd = sqrt(mean);
    double g = (z * z - 1.0) / 6.0;
    double start = floor(mean + sd * (z + g / sd));
    if (start < 0) start = 0;
    int64_t k = (int64_t)start;
    if (pois_cdf(k, mean) >= p) {
        while (k > 0 && pois_cdf(k - 1, mean) >= p) k--;
    } else {
        do k++;
        while (pois_cdf(k, mean) < p);
    }
    return k;
}

ncm_status ncm_poisson_quantile(double p, double mean, int64_t *k)
{
    if (!k) return ncmi_error(NCM_ERR_INVALID, "ncm_poisson_quantile: NULL k");
    if (!(p > 0 && p < 1)) return ncmi_error(NCM_ERR_RANGE, "p: %g must be in (0, 1)", p);
    if (!(mean >= 0 && mean <= 1e9)) return ncmi_error(NCM_ERR_RANGE, "mean: %g must be in [0, 1e9]", mean);
    *k = pois_quantile(p, mean);
    return NCM_OK;
}

ncm_status ncm_oe_standardise(size_t n, const uint32_t *provider, const uint32_t *stratum, const double *population,
                              const double *observed, size_t nproviders, size_t nstrata, const double *ref_rate,
                              double *obs_out, double *exp_out)
{
    if ((n && (!provider || !stratum || !population || !observed)) || !obs_out || !exp_out || nstrata == 0)
        return ncmi_error(NCM_ERR_INVALID, "ncm_oe_standardise: NULL argument or no strata");
    for (size_t i = 0; i < n; i++) {
        if (provider[i] >= nproviders) return ncmi_error(NCM_ERR_RANGE, "provider[%zu]: %u >= %zu providers", i, provider[i], nproviders);
        if (stratum[i] >= nstrata) return ncmi_error(NCM_ERR_RANGE, "stratum[%zu]: %u >= %zu strata", i, stratum[i], nstrata);
        if (!(population[i] >= 0 && isfinite(population[i]))) return ncmi_error(NCM_ERR_RANGE, "population[%zu]: %g must be finite and >= 0", i, population[i]);
        if (!(observed[i] >= 0 && isfinite(observed[i]))) return ncmi_error(NCM_ERR_RANGE, "observed[%zu]: %g must be finite and >= 0", i, observed[i]);
    }
    if (ref_rate)
        for (size_t s = 0; s < nstrata; s++)
            if (!(ref_rate[s] >= 0 && isfinite(ref_rate[s]))) return ncmi_error(NCM_ERR_RANGE, "ref_rate[%zu]: %g must be finite and >= 0", s, ref_rate[s]);
    double *rate = NULL;
    if (!ref_rate) {
        rate = ncmi_calloc(2 * nstrata, sizeof(double));
        if (!rate) return ncmi_nomem("reference rates");
        double *pop = rate + nstrata;
        for (size_t i = 0; i < n; i++) {
            rate[stratum[i]] += observed[i];
            pop[stratum[i]] += population[i];
        }
        for (size_t s = 0; s < nstrata; s++) rate[s] = pop[s] > 0 ? rate[s] / pop[s] : 0.0;
    }
    const double *rr = ref_rate ? ref_rate : rate;
    for (size_t p = 0; p < nproviders; p++) obs_out[p] = exp_out[p] = 0.0;
    for (size_t i = 0; i < n; i++) {
        obs_out[provider[i]] += observed[i];
        exp_out[provider[i]] += rr[stratum[i]] * population[i];
    }
    ncmi_free(rate);
    return NCM_OK;
}

ncm_status ncm_oe_funnel(size_t n, const double *observed, const double *expected, double *ratio, double *lo95,
                         double *hi95, double *lo998, double *hi998, int *flag)
{
    if (n && (!observed || !expected)) return ncmi_error(NCM_ERR_INVALID, "ncm_oe_funnel: NULL argument");
    for (size_t i = 0; i < n; i++) {
        if (!(observed[i] >= 0 && observed[i] <= 9e15 && observed[i] == floor(observed[i])))
            return ncmi_error(NCM_ERR_RANGE, "observed[%zu]: %g must be a whole number >= 0", i, observed[i]);
        if (!(expected[i] > 0 && expected[i] <= 1e9))
            return ncmi_error(NCM_ERR_RANGE, "expected[%zu]: %g must be > 0 (and at most 1e9)", i, expected[i]);
    }
    for (size_t i = 0; i < n; i++) {
        double e = expected[i], o = observed[i];
        int64_t q1 = pois_quantile(0.001, e), q25 = pois_quantile(0.025, e), q975 = pois_quantile(0.975, e),
                q999 = pois_quantile(0.999, e);
        if (ratio) ratio[i] = o / e;
        if (lo95) lo95[i] = (double)q25 / e;
        if (hi95) hi95[i] = (double)q975 / e;
        if (lo998) lo998[i] = (double)q1 / e;
        if (hi998) hi998[i] = (double)q999 / e;
        if (flag) {
            int f = 0;
            if (o < (double)q1) f = -2;
            else if (o < (double)q25) f = -1;
            else if (o > (double)q999) f = 2;
            else if (o > (double)q975) f = 1;
            flag[i] = f;
        }
    }
    return NCM_OK;
}

/* ------------------------------------------------------------------ JSON */

#define OC_SCHEMA "ncm.outcomes/1"

typedef struct fw_cols {
    const char **id, **name, **domain;
    int *dir, *method, *gw;
    double *base, *thr, *bm, *w;
    size_t *toff;
    double *tval, *tscore;
    const char **did;
    double *dw;
} fw_cols;

static void fw_cols_free(fw_cols *c)
{
    ncmi_free((void *)c->id);
    ncmi_free((void *)c->name);
    ncmi_free((void *)c->domain);
    ncmi_free(c->dir);
    ncmi_free(c->method);
    ncmi_free(c->gw);
    ncmi_free(c->base);
    ncmi_free(c->thr);
    ncmi_free(c->bm);
    ncmi_free(c->w);
    ncmi_free(c->toff);
    ncmi_free(c->tval);
    ncmi_free(c->tscore);
    ncmi_free((void *)c->did);
    ncmi_free(c->dw);
}

static ncm_status opt_num(const json_t *obj, const char *key, const char *where, double dflt, double *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        *out = dflt;
        return NCM_OK;
    }
    if (ncmi_json_get_number(v, out)) return ncmi_error(NCM_ERR_PARSE, "%s.%s: expected a number", where, key);
    return NCM_OK;
}

static ncm_status from_json(const json_t *root, const char *name, int require_schema, ncm_outcome_framework **out)
{
    static const char *const keys[] = {"schema", "round_points", "min_total_score", "domains", "measures", NULL};
    static const char *const dkeys[] = {"id", "weight", NULL};
    static const char *const mkeys[] = {"id", "name", "domain", "direction", "method", "baseline", "threshold",
                                        "benchmark", "weight", "gateway", "tiers", NULL};
    static const char *const tkeys[] = {"at", "score", NULL};
    char w[400], q[64];
    if (!json_is_object(root)) return ncmi_error(NCM_ERR_PARSE, "%s: expected a JSON object", name);
    ncm_status st = ncmi_json_check_keys(root, name, keys);
    if (st) return st;
    const json_t *sc = json_object_get(root, "schema");
    if (!sc && require_schema) return ncmi_error(NCM_ERR_VERSION, "%s: schema: missing (expected \"" OC_SCHEMA "\")", name);
    if (sc && (!json_is_string(sc) || strcmp(json_string_value(sc), OC_SCHEMA) != 0))
        return ncmi_error(NCM_ERR_VERSION, "%s.schema: expected \"" OC_SCHEMA "\"", name);
    ncm_outcome_options o = NCM_OUTCOME_OPTIONS_INIT;
    const json_t *rp = json_object_get(root, "round_points");
    if (rp) {
        if (!json_is_boolean(rp)) return ncmi_error(NCM_ERR_PARSE, "%s.round_points: expected true or false", name);
        o.round_points = json_is_true(rp);
    }
    if ((st = opt_num(root, "min_total_score", name, 0.0, &o.min_total_score))) return st;
    const json_t *doms = json_object_get(root, "domains"), *ms = json_object_get(root, "measures");
    if (doms && !json_is_array(doms)) return ncmi_error(NCM_ERR_PARSE, "%s.domains: expected an array", name);
    if (!json_is_array(ms) || json_array_size(ms) == 0)
        return ncmi_error(NCM_ERR_PARSE, "%s.measures: expected a non-empty array", name);
    size_t n = json_array_size(ms), nd = doms ? json_array_size(doms) : 0, nt = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *t = json_object_get(json_array_get(ms, i), "tiers");
        if (json_is_array(t)) nt += json_array_size(t);
    }
    fw_cols c = {0};
    c.id = ncmi_calloc(n, sizeof(char *));
    c.name = ncmi_calloc(n, sizeof(char *));
    c.domain = ncmi_calloc(n, sizeof(char *));
    c.dir = ncmi_calloc(n, sizeof(int));
    c.method = ncmi_calloc(n, sizeof(int));
    c.gw = ncmi_calloc(n, sizeof(int));
    c.base = ncmi_calloc(n, sizeof(double));
    c.thr = ncmi_calloc(n, sizeof(double));
    c.bm = ncmi_calloc(n, sizeof(double));
    c.w = ncmi_calloc(n, sizeof(double));
    c.toff = ncmi_calloc(n + 1, sizeof(size_t));
    c.tval = ncmi_calloc(nt + 1, sizeof(double));
    c.tscore = ncmi_calloc(nt + 1, sizeof(double));
    c.did = ncmi_calloc(nd + 1, sizeof(char *));
    c.dw = ncmi_calloc(nd + 1, sizeof(double));
    if (!c.id || !c.name || !c.domain || !c.dir || !c.method || !c.gw || !c.base || !c.thr || !c.bm || !c.w || !c.toff ||
        !c.tval || !c.tscore || !c.did || !c.dw) {
        st = ncmi_nomem("outcome framework");
        goto done;
    }
    for (size_t d = 0; d < nd; d++) {
        const json_t *e = json_array_get(doms, d);
        snprintf(w, sizeof w, "%s.domains[%zu]", name, d);
        if (!json_is_object(e)) { st = ncmi_error(NCM_ERR_PARSE, "%s: expected an object", w); goto done; }
        if ((st = ncmi_json_check_keys(e, w, dkeys))) goto done;
        c.did[d] = json_string_value(json_object_get(e, "id"));
        if (!c.did[d]) { st = ncmi_error(NCM_ERR_PARSE, "%s.id: expected a string", w); goto done; }
        if ((st = opt_num(e, "weight", w, 1.0, &c.dw[d]))) goto done;
    }
    size_t tpos = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *m = json_array_get(ms, i);
        const json_t *idv = json_object_get(m, "id");
        quote(q, sizeof q, json_is_string(idv) ? json_string_value(idv) : "");
        snprintf(w, sizeof w, "%s.measures[%zu] (\"%s\")", name, i, q);
        if (!json_is_object(m)) { st = ncmi_error(NCM_ERR_PARSE, "%s: expected an object", w); goto done; }
        if ((st = ncmi_json_check_keys(m, w, mkeys))) goto done;
        if (!json_is_string(idv)) { st = ncmi_error(NCM_ERR_PARSE, "%s.id: expected a string", w); goto done; }
        c.id[i] = json_string_value(idv);
        const json_t *v = json_object_get(m, "name");
        if (v && !json_is_string(v)) { st = ncmi_error(NCM_ERR_PARSE, "%s.name: expected a string", w); goto done; }
        c.name[i] = v ? json_string_value(v) : NULL;
        v = json_object_get(m, "domain");
        if (!json_is_string(v)) { st = ncmi_error(NCM_ERR_PARSE, "%s.domain: expected a string", w); goto done; }
        c.domain[i] = json_string_value(v);
        v = json_object_get(m, "direction");
        if (!v || (json_is_string(v) && strcmp(json_string_value(v), "higher") == 0)) c.dir[i] = 0;
        else if (json_is_string(v) && strcmp(json_string_value(v), "lower") == 0) c.dir[i] = 1;
        else { st = ncmi_error(NCM_ERR_PARSE, "%s.direction: expected \"higher\" or \"lower\"", w); goto done; }
        v = json_object_get(m, "method");
        if (!json_is_string(v)) { st = ncmi_error(NCM_ERR_PARSE, "%s.method: expected a string (pass_fail, linear, tiers, vbp)", w); goto done; }
        c.method[i] = -1;
        for (int k = 0; k < 4; k++)
            if (strcmp(json_string_value(v), method_names[k]) == 0) c.method[i] = k;
        if (c.method[i] < 0) {
            char q2[64];
            quote(q2, sizeof q2, json_string_value(v));
            st = ncmi_error(NCM_ERR_PARSE, "%s.method: unknown method \"%s\" (pass_fail, linear, tiers, vbp)", w, q2);
            goto done;
        }
        if ((st = opt_num(m, "baseline", w, NAN, &c.base[i]))) goto done;
        if ((st = opt_num(m, "threshold", w, NAN, &c.thr[i]))) goto done;
        if ((st = opt_num(m, "benchmark", w, NAN, &c.bm[i]))) goto done;
        if ((st = opt_num(m, "weight", w, 1.0, &c.w[i]))) goto done;
        v = json_object_get(m, "gateway");
        if (v && !json_is_boolean(v)) { st = ncmi_error(NCM_ERR_PARSE, "%s.gateway: expected true or false", w); goto done; }
        c.gw[i] = v ? json_is_true(v) : 0;
        v = json_object_get(m, "tiers");
        c.toff[i] = tpos;
        if (v) {
            if (!json_is_array(v)) { st = ncmi_error(NCM_ERR_PARSE, "%s.tiers: expected an array", w); goto done; }
            size_t t;
            const json_t *te;
            json_array_foreach(v, t, te) {
                char w2[440];
                snprintf(w2, sizeof w2, "%s.tiers[%zu]", w, t);
                if (!json_is_object(te)) { st = ncmi_error(NCM_ERR_PARSE, "%s: expected an object", w2); goto done; }
                if ((st = ncmi_json_check_keys(te, w2, tkeys))) goto done;
                if (!json_object_get(te, "at") || !json_object_get(te, "score")) {
                    st = ncmi_error(NCM_ERR_PARSE, "%s: needs \"at\" and \"score\"", w2);
                    goto done;
                }
                if ((st = opt_num(te, "at", w2, NAN, &c.tval[tpos]))) goto done;
                if ((st = opt_num(te, "score", w2, NAN, &c.tscore[tpos]))) goto done;
                tpos++;
            }
        }
    }
    c.toff[n] = tpos;
    st = ncm_outcome_framework_create(&o, n, c.id, c.name, c.domain, c.dir, c.method, c.base, c.thr, c.bm, c.w, c.gw,
                                      c.toff, c.tval, c.tscore, nd, c.did, nd ? c.dw : NULL, out);
    if (st && st != NCM_ERR_NOMEM) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s", ncm_last_error());
        ncmi_error(st, "%s: %s", name, msg);
    }
done:
    fw_cols_free(&c);
    return st;
}

ncm_status ncm_outcome_framework_load_json(const char *path, ncm_outcome_framework **out)
{
    if (!path || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_outcome_framework_load_json: NULL argument");
    json_t *root = NULL;
    ncm_status st = ncmi_json_load_file(path, &root);
    if (st) return st;
    st = from_json(root, path, 1, out);
    json_decref(root);
    return st;
}

ncm_status ncm_outcome_framework_load_json_buffer(const char *text, size_t len, const char *name,
                                                  ncm_outcome_framework **out)
{
    if (!text || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_outcome_framework_load_json_buffer: NULL argument");
    if (!name) name = "<string>";
    json_t *root = NULL;
    ncm_status st = ncmi_json_load_buffer(text, len, name, &root);
    if (st) return st;
    st = from_json(root, name, 1, out);
    json_decref(root);
    return st;
}

ncm_status ncmi_outcome_framework_to_json(const ncm_outcome_framework *fw, json_t **out)
{
    json_t *root = json_object(), *doms = json_array(), *ms = json_array();
    int bad = !root || !doms || !ms;
    if (!bad) {
        bad |= json_object_set_new(root, "schema", json_string(OC_SCHEMA));
        bad |= json_object_set_new(root, "round_points", json_boolean(fw->o.round_points));
        bad |= json_object_set_new(root, "min_total_score", ncmi_json_number(fw->o.min_total_score));
        bad |= json_object_set(root, "domains", doms);
        bad |= json_object_set(root, "measures", ms);
    }
    for (size_t d = 0; d < fw->nd && !bad; d++) {
        json_t *e = json_object();
        bad |= !e || json_array_append_new(doms, e);
        if (!bad) {
            bad |= json_object_set_new(e, "id", json_string(fw->did[d]));
            bad |= json_object_set_new(e, "weight", ncmi_json_number(fw->dw[d]));
        }
    }
    for (size_t i = 0; i < fw->n && !bad; i++) {
        json_t *m = json_object();
        bad |= !m || json_array_append_new(ms, m);
        if (bad) break;
        bad |= json_object_set_new(m, "id", json_string(fw->id[i]));
        if (fw->name[i]) bad |= json_object_set_new(m, "name", json_string(fw->name[i]));
        bad |= json_object_set_new(m, "domain", json_string(fw->did[fw->dom[i]]));
        bad |= json_object_set_new(m, "direction", json_string(fw->dir[i] ? "lower" : "higher"));
        bad |= json_object_set_new(m, "method", json_string(method_names[fw->method[i]]));
        if (!isnan(fw->baseline[i])) bad |= json_object_set_new(m, "baseline", ncmi_json_number(fw->baseline[i]));
        if (!isnan(fw->thr[i])) bad |= json_object_set_new(m, "threshold", ncmi_json_number(fw->thr[i]));
        if (!isnan(fw->bm[i])) bad |= json_object_set_new(m, "benchmark", ncmi_json_number(fw->bm[i]));
        bad |= json_object_set_new(m, "weight", ncmi_json_number(fw->w[i]));
        bad |= json_object_set_new(m, "gateway", json_boolean(fw->gw[i]));
        if (fw->toff[i + 1] > fw->toff[i]) {
            json_t *ts = json_array();
            bad |= !ts || json_object_set_new(m, "tiers", ts);
            for (size_t t = fw->toff[i]; t < fw->toff[i + 1] && !bad; t++) {
                json_t *te = json_object();
                bad |= !te || json_array_append_new(ts, te);
                if (!bad) {
                    bad |= json_object_set_new(te, "at", ncmi_json_number(fw->tval[t]));
                    bad |= json_object_set_new(te, "score", ncmi_json_number(fw->tscore[t]));
                }
            }
        }
    }
    json_decref(doms);
    json_decref(ms);
    if (bad) {
        json_decref(root);
        return ncmi_nomem("outcome framework JSON");
    }
    *out = root;
    return NCM_OK;
}

ncm_status ncmi_outcome_framework_from_json(const json_t *obj, const char *where, ncm_outcome_framework **out)
{
    return from_json(obj, where ? where : "outcomes", 0, out);
}

ncm_status ncm_outcome_framework_write_json(const ncm_outcome_framework *fw, const char *path)
{
    if (!fw || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_outcome_framework_write_json: NULL argument");
    json_t *root = NULL;
    ncm_status st = ncmi_outcome_framework_to_json(fw, &root);
    if (st) return st;
    st = ncmi_json_write_file(root, path);
    json_decref(root);
    return st;
}
