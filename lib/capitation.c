/* Capitation: risk-adjusted budgets, fair shares, pace of change, pool shares, year of care,
 * top-slices, stop-loss, multi-year envelopes and mid-year true-ups. See include/ncm/capitation.h. */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1 /* madvise(MADV_HUGEPAGE) for the per-person arrays */
#endif
#include "ncm/capitation.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal/common.h"
#include "internal/csvout.h"
#include "internal/int128.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

/* Per-person arrays of tens of millions of entries: ask for transparent huge pages (fewer page faults).
 * Only a hint; nothing depends on it. */
static void *big_array(size_t count, size_t size)
{
    void *p = ncmi_malloc_array(count ? count : 1, size);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    size_t bytes = count * size, huge = (size_t)2 << 20;
    if (p && bytes >= 4 * huge) {
        uintptr_t a = ((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1);
        uintptr_t e = ((uintptr_t)p + bytes) & ~(uintptr_t)(huge - 1);
        if (e > a) (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
    }
#endif
    return p;
}

/* ------------------------------------------------------------------ name pools */

/* n NUL-terminated names in one buffer. */
typedef struct {
    char *buf;
    size_t *off;
    size_t n;
} name_pool;

static void pool_free(name_pool *p)
{
    ncmi_free(p->buf);
    ncmi_free(p->off);
    p->buf = NULL;
    p->off = NULL;
    p->n = 0;
}

/* Copy n names; when names is NULL the names are the decimal ids. */
static ncm_status pool_make(name_pool *p, const char *const *names, size_t n, const char *what)
{
    size_t total = 0;
    char tmp[32];
    for (size_t i = 0; i < n; i++) {
        size_t len;
        if (names) {
            if (!names[i]) return ncmi_error(NCM_ERR_INVALID, "%s[%zu]: NULL name", what, i);
            len = strlen(names[i]);
        } else {
            len = (size_t)snprintf(tmp, sizeof tmp, "%zu", i);
        }
        total += len + 1;
    }
    p->buf = ncmi_malloc(total ? total : 1);
    p->off = ncmi_malloc_array(n ? n : 1, sizeof *p->off);
    if (!p->buf || !p->off) {
        pool_free(p);
        return ncmi_nomem(what);
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        p->off[i] = o;
        if (names) {
            size_t len = strlen(names[i]);
            memcpy(p->buf + o, names[i], len + 1);
            o += len + 1;
        } else {
            o += (size_t)snprintf(p->buf + o, total - o, "%zu", i) + 1;
        }
    }
    p->n = n;
    return NCM_OK;
}

static const char *pool_get(const name_pool *p, size_t i) { return (p->buf && i < p->n) ? p->buf + p->off[i] : NULL; }

/* ------------------------------------------------------------------ budget */

typedef struct {
    size_t count;
    ncm_money *amount;
    uint64_t *people;
    double *exposure;
    double *weighted;
    ncm_money *paid;
} rollup;

struct ncm_budget {
    size_t n;
    ncm_money gross, distributed, paid_total;
    ncm_money *amount;
    const double *weight;  /* as given (own copy or borrowed); NULL = all 1 */
    const double *months;  /* NULL = all 12 */
    double wfactor;        /* normalisation factor */
    ncm_money *paid;       /* NULL unless has_trueup */
    int has_trueup;
    int year_of_care;
    size_t nlevels;
    char *level_name[NCM_CAPITATION_MAX_LEVELS];
    const uint32_t *level_ids[NCM_CAPITATION_MAX_LEVELS];
    name_pool units[NCM_CAPITATION_MAX_LEVELS];
    rollup lv[NCM_CAPITATION_MAX_LEVELS];
    const uint32_t *segment;
    name_pool segnames;
    rollup seg;
    name_pool persons; /* n == 0 when absent */
    size_t nlines;
    name_pool line_names;
    ncm_money *line_amount;
    double *line_rate;
    ncm_money *line_fixed;
    unsigned flags;
    ncm_money base_rate, envelope;
    /* owned copies (NULL when borrowed or absent) */
    double *own_weight, *own_months;
    uint32_t *own_ids[NCM_CAPITATION_MAX_LEVELS];
    uint32_t *own_segment;
    /* parent[k][u0]: the unit at level k of practice-level (level 0) unit u0, when level k nests in
     * level 0 (then level k is rolled up from level 0 instead of person by person); else NULL */
    uint32_t *parent[NCM_CAPITATION_MAX_LEVELS];
};

static void rollup_free(rollup *r)
{
    ncmi_free(r->amount);
    ncmi_free(r->people);
    ncmi_free(r->exposure);
    ncmi_free(r->weighted);
    ncmi_free(r->paid);
    memset(r, 0, sizeof *r);
}

static ncm_status rollup_alloc(rollup *r, size_t count, int paid)
{
    size_t c = count ? count : 1;
    r->count = count;
    r->amount = ncmi_calloc(c, sizeof *r->amount);
    r->people = ncmi_calloc(c, sizeof *r->people);
    r->exposure = ncmi_calloc(c, sizeof *r->exposure);
    r->weighted = ncmi_calloc(c, sizeof *r->weighted);
    r->paid = paid ? ncmi_calloc(c, sizeof *r->paid) : NULL;
    if (!r->amount || !r->people || !r->exposure || !r->weighted || (paid && !r->paid)) {
        rollup_free(r);
        return ncmi_nomem("budget roll-up");
    }
    return NCM_OK;
}

void ncm_budget_free(ncm_budget *b)
{
    if (!b) return;
    ncmi_free(b->amount);
    ncmi_free(b->own_weight);
    ncmi_free(b->own_months);
    ncmi_free(b->paid);
    for (size_t k = 0; k < NCM_CAPITATION_MAX_LEVELS; k++) {
        ncmi_free(b->level_name[k]);
        ncmi_free(b->own_ids[k]);
        ncmi_free(b->parent[k]);
        pool_free(&b->units[k]);
        rollup_free(&b->lv[k]);
    }
    ncmi_free(b->own_segment);
    pool_free(&b->segnames);
    rollup_free(&b->seg);
    pool_free(&b->persons);
    pool_free(&b->line_names);
    ncmi_free(b->line_amount);
    ncmi_free(b->line_rate);
    ncmi_free(b->line_fixed);
    ncmi_free(b);
}

void ncm_capitation_people_init(ncm_capitation_people *people)
{
    if (!people) return;
    memset(people, 0, sizeof *people);
    people->version = NCM_CAPITATION_PEOPLE_VERSION;
}

void ncm_capitation_options_init(ncm_capitation_options *opts)
{
    if (!opts) return;
    memset(opts, 0, sizeof *opts);
    opts->version = NCM_CAPITATION_OPTIONS_VERSION;
}

/* Structural checks of the people struct; per-person values are checked by budget_fill(). */
static ncm_status check_people(const ncm_capitation_people *p, int need_segment)
{
    if (!p) return ncmi_error(NCM_ERR_INVALID, "capitation: NULL people");
    if (p->version == 0 || p->version > NCM_CAPITATION_PEOPLE_VERSION)
        return ncmi_error(NCM_ERR_VERSION, "ncm_capitation_people: version %u is not supported (1 to %u)", p->version,
                          NCM_CAPITATION_PEOPLE_VERSION);
    if (p->nlevels > NCM_CAPITATION_MAX_LEVELS)
        return ncmi_error(NCM_ERR_INVALID, "nlevels: %zu is more than %d levels", p->nlevels, NCM_CAPITATION_MAX_LEVELS);
    if (need_segment && !p->segment) return ncmi_error(NCM_ERR_INVALID, "segment: a segment id per person is required");
    if (p->n)
        for (size_t k = 0; k < p->nlevels; k++)
            if (!p->level_ids[k]) return ncmi_error(NCM_ERR_INVALID, "level_ids[%zu]: NULL", k);
    return NCM_OK;
}

static ncm_status check_options(const ncm_capitation_options *o)
{
    if (o->version == 0 || o->version > NCM_CAPITATION_OPTIONS_VERSION)
        return ncmi_error(NCM_ERR_VERSION, "ncm_capitation_options: version %u is not supported (1 to %u)", o->version,
                          NCM_CAPITATION_OPTIONS_VERSION);
    if (o->flags & ~(unsigned)(NCM_CAPITATION_PMPM | NCM_CAPITATION_NORMALIZE | NCM_CAPITATION_ENVELOPE |
                               NCM_CAPITATION_BORROW))
        return ncmi_error(NCM_ERR_INVALID, "ncm_capitation_options: unknown flags 0x%x", o->flags);
    if (o->base_rate < 0) return ncmi_error(NCM_ERR_RANGE, "base_rate: %lld is negative", (long long)o->base_rate);
    if (o->envelope < 0) return ncmi_error(NCM_ERR_RANGE, "envelope: %lld is negative", (long long)o->envelope);
    if (o->nslices && !o->slice_names) return ncmi_error(NCM_ERR_INVALID, "slice_names: NULL with %zu slices", o->nslices);
    return NCM_OK;
}

/* Allocate a budget with its names and roll-ups; per-person arrays are borrowed or allocated (and
 * filled by budget_fill()). */
static ncm_status budget_shell(const ncm_capitation_people *p, int paid, int borrow, int use_weight, ncm_budget **out)
{
    ncm_budget *b = ncmi_calloc(1, sizeof *b);
    if (!b) return ncmi_nomem("budget");
    size_t n = p->n, c = n ? n : 1;
    ncm_status st = NCM_OK;
    b->n = n;
    b->wfactor = 1.0;
    b->amount = big_array(c, sizeof *b->amount);
    if (paid) b->paid = ncmi_calloc(c, sizeof *b->paid);
    if (!b->amount || (paid && !b->paid)) goto nomem;
    if (use_weight && p->weight) {
        if (borrow) b->weight = p->weight;
        else if (!(b->weight = b->own_weight = big_array(c, sizeof(double)))) goto nomem;
    }
    if (p->months) {
        if (borrow) b->months = p->months;
        else if (!(b->months = b->own_months = big_array(c, sizeof(double)))) goto nomem;
    }
    b->nlevels = p->nlevels;
    for (size_t k = 0; k < p->nlevels; k++) {
        char tmp[32];
        const char *nm = p->level_name[k];
        if (!nm) {
            snprintf(tmp, sizeof tmp, "level%zu", k);
            nm = tmp;
        }
        if (!(b->level_name[k] = ncmi_strdup(nm))) goto nomem;
        if (borrow) b->level_ids[k] = p->level_ids[k];
        else if (k == 0 && !(b->level_ids[k] = b->own_ids[k] = big_array(c, sizeof(uint32_t)))) goto nomem;
        /* copies of higher levels are made by budget_fill() only when they do not nest in level 0 */
        if ((st = pool_make(&b->units[k], p->unit_names[k], p->level_count[k], "unit names"))) goto fail;
        if ((st = rollup_alloc(&b->lv[k], p->level_count[k], paid))) goto fail;
    }
    if (p->segment) {
        if (borrow) b->segment = p->segment;
        else if (!(b->segment = b->own_segment = big_array(c, sizeof(uint32_t)))) goto nomem;
        if ((st = pool_make(&b->segnames, p->segment_names, p->nsegments, "segment names"))) goto fail;
        if ((st = rollup_alloc(&b->seg, p->nsegments, paid))) goto fail;
    }
    if (p->person_names && (st = pool_make(&b->persons, p->person_names, n, "person names"))) goto fail;
    *out = b;
    return NCM_OK;
nomem:
    st = ncmi_nomem("budget");
fail:
    ncm_budget_free(b);
    return st;
}

static ncm_status range_error(const ncm_capitation_people *p, size_t k, size_t i, uint32_t id)
{
    return ncmi_error(NCM_ERR_RANGE, "level_ids[%zu] (%s)[%zu]: unit %u is not below the unit count %zu", k,
                      p->level_name[k] ? p->level_name[k] : "level", i, id, p->level_count[k]);
}

/* One pass over the people: check every value, copy what is owned, count people and exposure per unit
 * and segment, and sum weight x months (Swm), months (Sm) and the split weights w x (m or 1) (Slr). */
static ncm_status budget_fill(ncm_budget *b, const ncm_capitation_people *p, int use_weight, long double *Swm_out,
                              long double *Sm_out, long double *Slr_out)
{
    const size_t n = p->n, L = p->nlevels;
    const double *w = use_weight ? p->weight : NULL, *m = p->months;
    long double Swm = 0, Sm = 0, Slr = 0;
    const uint32_t *ids[NCM_CAPITATION_MAX_LEVELS] = {0};
    uint64_t *pe[NCM_CAPITATION_MAX_LEVELS] = {0};
    double *ex[NCM_CAPITATION_MAX_LEVELS] = {0}, *wt[NCM_CAPITATION_MAX_LEVELS] = {0};
    uint32_t cnt[NCM_CAPITATION_MAX_LEVELS] = {0};
    for (size_t k = 0; k < L; k++) {
        if (p->level_count[k] > UINT32_MAX) return ncmi_error(NCM_ERR_RANGE, "level_count[%zu]: too many units", k);
        ids[k] = p->level_ids[k];
        pe[k] = b->lv[k].people;
        ex[k] = b->lv[k].exposure;
        wt[k] = b->lv[k].weighted;
        cnt[k] = (uint32_t)p->level_count[k];
    }
    const uint32_t *sg = p->segment;
    const size_t nseg = p->nsegments;
    uint64_t *spe = b->seg.people;
    double *sex = b->seg.exposure, *swt = b->seg.weighted;
    /* levels above level 0 that nest in it are rolled up through a parent map */
    uint32_t *par[NCM_CAPITATION_MAX_LEVELS] = {0};
    int nested[NCM_CAPITATION_MAX_LEVELS] = {0};
    for (size_t k = 1; k < L; k++) {
        size_t c0 = p->level_count[0] ? p->level_count[0] : 1;
        if (!(par[k] = ncmi_malloc_array(c0, sizeof(uint32_t)))) {
            for (size_t j = 1; j < k; j++) ncmi_free(par[j]);
            return ncmi_nomem("budget parents");
        }
        memset(par[k], 0xFF, c0 * sizeof(uint32_t));
        nested[k] = 1;
    }
    ncm_status st = NCM_OK;
    double *ow = b->own_weight, *om = b->own_months;
    uint32_t *oid0 = b->own_ids[0], *oseg = b->own_segment;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0, mi = m ? m[i] : 12.0;
        if (ow) ow[i] = wi;
        if (om) om[i] = mi;
        if (!(wi >= 0.0 && wi <= DBL_MAX)) {
            st = ncmi_error(NCM_ERR_RANGE, "weight[%zu]: %g is not a finite number >= 0", i, wi);
            goto fail;
        }
        if (!(mi >= 0.0 && mi <= 12.0)) {
            st = ncmi_error(NCM_ERR_RANGE, "months[%zu]: %g is outside 0-12", i, mi);
            goto fail;
        }
        double e = mi * (1.0 / 12.0), we = wi * e;
        Slr += m ? wi * mi : wi;
        Swm += (long double)wi * mi;
        Sm += mi;
        if (L) {
            uint32_t id0 = ids[0][i];
            if (id0 >= cnt[0]) {
                st = range_error(p, 0, i, id0);
                goto fail;
            }
            if (oid0) oid0[i] = id0;
            pe[0][id0]++;
            ex[0][id0] += e;
            wt[0][id0] += we;
            for (size_t k = 1; k < L; k++) {
                uint32_t id = ids[k][i];
                if (id >= cnt[k]) {
                    st = range_error(p, k, i, id);
                    goto fail;
                }
                uint32_t cur = par[k][id0];
                if (cur != id) {
                    if (cur == UINT32_MAX) par[k][id0] = id;
                    else nested[k] = 0;
                }
            }
        }
        if (sg) {
            uint32_t s = sg[i];
            if (s >= nseg) {
                st = ncmi_error(NCM_ERR_RANGE, "segment[%zu]: segment %u is not below nsegments %zu", i, s, nseg);
                goto fail;
            }
            if (oseg) oseg[i] = s;
            spe[s]++;
            sex[s] += e;
            swt[s] += we;
        }
    }
    for (size_t k = 1; k < L; k++) {
        if (nested[k]) {
            for (size_t u = 0; u < cnt[0]; u++) {
                uint32_t q = par[k][u];
                if (q == UINT32_MAX) continue;
                pe[k][q] += pe[0][u];
                ex[k][q] += ex[0][u];
                wt[k][q] += wt[0][u];
            }
            b->parent[k] = par[k];
        } else {
            ncmi_free(par[k]);
            par[k] = NULL;
            if (!b->level_ids[k]) { /* copy mode: keep a copy of a level that does not nest */
                if (!(b->own_ids[k] = ncmi_malloc_array(n ? n : 1, sizeof(uint32_t)))) {
                    st = ncmi_nomem("budget level ids");
                    goto fail;
                }
                if (n) memcpy(b->own_ids[k], ids[k], n * sizeof(uint32_t));
                b->level_ids[k] = b->own_ids[k];
            }
            for (size_t i = 0; i < n; i++) {
                double wi = w ? w[i] : 1.0, e = (m ? m[i] : 12.0) * (1.0 / 12.0);
                uint32_t id = ids[k][i];
                pe[k][id]++;
                ex[k][id] += e;
                wt[k][id] += wi * e;
            }
        }
        par[k] = NULL;
    }
    *Swm_out = Swm;
    *Sm_out = Sm;
    *Slr_out = Slr;
    return NCM_OK;
fail:
    for (size_t k = 1; k < L; k++) ncmi_free(par[k]);
    return st;
}

static ncm_status budget_lines(ncm_budget *b, const ncm_capitation_options *o, const ncm_money *amounts)
{
    b->nlines = o->nslices;
    b->flags = o->flags & ~(unsigned)NCM_CAPITATION_BORROW;
    b->base_rate = o->base_rate;
    b->envelope = o->envelope;
    if (!o->nslices) return NCM_OK;
    ncm_status st = pool_make(&b->line_names, o->slice_names, o->nslices, "line names");
    if (st) return st;
    b->line_amount = ncmi_malloc_array(o->nslices, sizeof *b->line_amount);
    b->line_rate = ncmi_calloc(o->nslices, sizeof *b->line_rate);
    b->line_fixed = ncmi_calloc(o->nslices, sizeof *b->line_fixed);
    if (!b->line_amount || !b->line_rate || !b->line_fixed) return ncmi_nomem("budget lines");
    memcpy(b->line_amount, amounts, o->nslices * sizeof *amounts);
    if (o->slice_rates) memcpy(b->line_rate, o->slice_rates, o->nslices * sizeof(double));
    if (o->slice_amounts) memcpy(b->line_fixed, o->slice_amounts, o->nslices * sizeof(ncm_money));
    return NCM_OK;
}

/* Unit of person i at level k (through the parent map when level k's ids are not kept). */
static inline uint32_t unit_of(const ncm_budget *b, size_t k, size_t i)
{
    return b->level_ids[k] ? b->level_ids[k][i] : b->parent[k][b->level_ids[0][i]];
}

/* Roll the person amounts (or the paid amounts) up to every level and segment, from zero. */
static void rollup_money(ncm_budget *b, int paid)
{
    const ncm_money *src = paid ? b->paid : b->amount;
    for (size_t k = 0; k < b->nlevels; k++) {
        ncm_money *dst = paid ? b->lv[k].paid : b->lv[k].amount;
        memset(dst, 0, b->lv[k].count * sizeof *dst);
        for (size_t i = 0; i < b->n; i++) dst[unit_of(b, k, i)] += src[i];
    }
    if (b->segment) {
        ncm_money *dst = paid ? b->seg.paid : b->seg.amount;
        memset(dst, 0, b->seg.count * sizeof *dst);
        for (size_t i = 0; i < b->n; i++) dst[b->segment[i]] += src[i];
    }
}

/* Add a to person i's units at the levels rolled up person by person (not the nested ones). */
static void rollup_add(ncm_budget *b, size_t i, ncm_money a)
{
    for (size_t k = 0; k < b->nlevels; k++)
        if (!b->parent[k]) b->lv[k].amount[b->level_ids[k][i]] += a;
    if (b->segment) b->seg.amount[b->segment[i]] += a;
}

/* Amounts of the nested levels from level 0. */
static void rollup_nested(ncm_budget *b)
{
    for (size_t k = 1; k < b->nlevels; k++) {
        if (!b->parent[k]) continue;
        ncm_money *dst = b->lv[k].amount;
        memset(dst, 0, b->lv[k].count * sizeof *dst);
        for (size_t u = 0; u < b->lv[0].count; u++)
            if (b->parent[k][u] != UINT32_MAX) dst[b->parent[k][u]] += b->lv[0].amount[u];
    }
}
/* ------------------------------------------------------------------ fast largest remainder */

/* Split total (>= 0) over n parts in proportion to v (finite, >= 0, positive sum V), writing out.
 * Same rule as ncm_money_split (floor, then one unit each to the largest remainders, ties to the
 * lower index), but in O(n): remainders are bucketed into LR_BINS (4096) bins and only the boundary bin is
 * sorted. v NULL means weights of 1; if vmul is not NULL the weight of part i is v[i] * vmul[i]. When rb is
 * not NULL the parts are also added to its roll-ups (levels and segments). */
typedef struct {
    double r;
    size_t i;
} lr_item;

static int lr_cmp(const void *pa, const void *pb)
{
    const lr_item *a = pa, *b = pb;
    if (a->r > b->r) return -1;
    if (a->r < b->r) return 1;
    return a->i < b->i ? -1 : (a->i > b->i);
}

#define LR_BINS 4096u

static inline double lr_w(const double *v, const double *vmul, size_t i)
{
    double w = v ? v[i] : 1.0;
    if (vmul) w *= vmul[i];
    return w;
}

static ncm_status lr_split(ncm_money total, const double *v, const double *vmul, size_t n, long double V, ncm_money *out,
                           ncm_budget *rb)
{
    if (total > ((ncm_money)1 << 52)) { /* beyond double precision per part: the long double split */
        double *wv = ncmi_malloc_array(n ? n : 1, sizeof *wv);
        if (!wv) return ncmi_nomem("largest-remainder split");
        for (size_t i = 0; i < n; i++) wv[i] = lr_w(v, vmul, i);
        ncm_status st = ncm_money_split(total, wv, n, out);
        ncmi_free(wv);
        if (st == NCM_OK && rb) {
            rollup_money(rb, 0);
        }
        return st;
    }
    uint32_t *hist = ncmi_calloc(LR_BINS, sizeof *hist);
    if (!hist) return ncmi_nomem("largest-remainder split");
    const double scale = (double)((long double)total / V);
    /* pass 1: sum of the floors and a histogram of the remainders (nothing stored per part) */
    int64_t sum = 0;
    size_t npos = 0;
    for (size_t i = 0; i < n; i++) {
        double w = lr_w(v, vmul, i);
        double q = w * scale, f = floor(q);
        uint32_t bb = (uint32_t)((q - f) * (double)LR_BINS);
        bb = bb < LR_BINS ? bb : LR_BINS - 1;
        sum += (int64_t)f;
        hist[bb] += w > 0;
        npos += w > 0;
    }
    int64_t d = total - sum, each = 0;
    if (npos && d >= (int64_t)npos) { /* only possible through rounding of the scale; stays exact */
        each = d / (int64_t)npos;
        d -= each * (int64_t)npos;
    }
    /* the threshold bin: parts above it get one more unit; the bin itself is sorted */
    size_t above = 0, tb = LR_BINS, need = 0;
    if (d > 0) {
        while (tb > 0) {
            tb--;
            if (above + hist[tb] >= (size_t)d) break;
            above += hist[tb];
        }
        need = (size_t)d - above;
    }
    size_t nb = d > 0 ? hist[tb] : 0, k = 0;
    lr_item *items = ncmi_malloc_array(nb ? nb : 1, sizeof *items);
    if (!items) {
        ncmi_free(hist);
        return ncmi_nomem("largest-remainder split");
    }
    /* pass 2: final parts (floor, +1 above the threshold bin), rolled up as they are written */
    const size_t L = rb ? rb->nlevels : 0;
    const uint32_t *ids[NCM_CAPITATION_MAX_LEVELS] = {0};
    ncm_money *acc[NCM_CAPITATION_MAX_LEVELS] = {0};
    size_t nl = 0;
    for (size_t l = 0; l < L; l++)
        if (!rb->parent[l]) {
            ids[nl] = rb->level_ids[l];
            acc[nl] = rb->lv[l].amount;
            nl++;
        }
    const uint32_t *seg = rb ? rb->segment : NULL;
    ncm_money *segacc = rb ? rb->seg.amount : NULL;
    const uint32_t tbin = d > 0 ? (uint32_t)tb : LR_BINS;
    for (size_t i = 0; i < n; i++) {
        double w = lr_w(v, vmul, i);
        double q = w * scale, f = floor(q);
        uint32_t bb = (uint32_t)((q - f) * (double)LR_BINS);
        bb = bb < LR_BINS ? bb : LR_BINS - 1;
        ncm_money a = (ncm_money)f;
        if (w > 0) {
            a += each + (bb > tbin);
            if (bb == tbin) {
                items[k].r = q - f;
                items[k].i = i;
                k++;
            }
        }
        out[i] = a;
        for (size_t l = 0; l < nl; l++) acc[l][ids[l][i]] += a;
        if (seg) segacc[seg[i]] += a;
    }
    if (k) {
        qsort(items, k, sizeof *items, lr_cmp);
        for (size_t j = 0; j < need && j < k; j++) {
            out[items[j].i] += 1;
            if (rb) rollup_add(rb, items[j].i, 1);
        }
    }
    if (d < 0) { /* rounding of the scale overshot (not seen in practice): take units back from the last parts */
        for (size_t i = n; d < 0 && i > 0; i--)
            if (out[i - 1] > 0) {
                out[i - 1] -= 1;
                if (rb) rollup_add(rb, i - 1, -1);
                d++;
            }
    }
    if (rb) rollup_nested(rb);
    ncmi_free(items);
    ncmi_free(hist);
    return NCM_OK;
}

/* Largest-remainder split of total >= 0 by validated weights (finite, >= 0, positive sum): the rule of
 * ncm_money_split() in O(n). */
static ncm_status split_exact(ncm_money total, const double *w, size_t n, ncm_money *out)
{
    long double V = 0;
    for (size_t i = 0; i < n; i++) V += w[i];
    if (total == 0 || !(V > 0)) {
        memset(out, 0, n * sizeof *out);
        return NCM_OK;
    }
    return lr_split(total, w, NULL, n, V, out, NULL);
}

/* ------------------------------------------------------------------ top slice */

ncm_status ncm_top_slice(ncm_money envelope, size_t n, const ncm_money *amounts, const double *rates, ncm_money *lines,
                         ncm_money *distributable)
{
    if (!distributable) return ncmi_error(NCM_ERR_INVALID, "ncm_top_slice: NULL distributable");
    if (envelope < 0) return ncmi_error(NCM_ERR_RANGE, "envelope: %lld is negative", (long long)envelope);
    ncmi_i128 sum = 0;
    for (size_t k = 0; k < n; k++) {
        ncm_money a = amounts ? amounts[k] : 0, r = 0;
        double rate = rates ? rates[k] : 0.0;
        if (a < 0) return ncmi_error(NCM_ERR_RANGE, "slice_amounts[%zu]: %lld is negative", k, (long long)a);
        if (!(rate >= 0.0 && rate <= 1.0))
            return ncmi_error(NCM_ERR_RANGE, "slice_rates[%zu]: %g is outside 0-1", k, rate);
        ncm_status st = ncm_money_mul_rate(envelope, rate, NCM_ROUND_HALF_EVEN, &r);
        if (st) return st;
        sum += (ncmi_i128)a + r;
    }
    if (sum > envelope)
        return ncmi_error(NCM_ERR_OVERFLOW, "top slices: they remove %.0f minor units but the envelope is only %lld",
                          (double)sum, (long long)envelope);
    if (lines)
        for (size_t k = 0; k < n; k++) {
            ncm_money r = 0;
            ncm_money_mul_rate(envelope, rates ? rates[k] : 0.0, NCM_ROUND_HALF_EVEN, &r);
            lines[k] = (amounts ? amounts[k] : 0) + r;
        }
    *distributable = envelope - (ncm_money)sum;
    return NCM_OK;
}

/* ------------------------------------------------------------------ capitation */

static ncm_status capitation_core(const ncm_capitation_people *p, const ncm_capitation_options *opts, int paid,
                                  ncm_budget **out)
{
    ncm_capitation_options defaults = NCM_CAPITATION_OPTIONS_INIT;
    const ncm_capitation_options *o = opts ? opts : &defaults;
    ncm_status st = check_options(o);
    if (st) return st;
    if ((st = check_people(p, 0))) return st;
    const size_t n = p->n;
    ncm_budget *b = NULL;
    ncm_money *lines = NULL;
    if ((st = budget_shell(p, paid, (o->flags & NCM_CAPITATION_BORROW) != 0, 1, &b))) return st;
    long double Swm = 0, Sm = 0, Slr = 0;
    if ((st = budget_fill(b, p, 1, &Swm, &Sm, &Slr))) goto fail;
    /* gross */
    ncm_money gross;
    if (o->flags & NCM_CAPITATION_ENVELOPE) {
        gross = o->envelope;
    } else {
        long double rate = (long double)o->base_rate;
        if (o->flags & NCM_CAPITATION_PMPM) rate *= 12;
        long double g = rate * ((o->flags & NCM_CAPITATION_NORMALIZE) ? Sm : Swm) / 12.0L;
        if (!(g < 9.2e18L)) {
            st = ncmi_error(NCM_ERR_OVERFLOW, "capitation: base rate x weighted exposure (%Lg minor units) does not fit", g);
            goto fail;
        }
        gross = (ncm_money)llrintl(g); /* default rounding mode: to nearest, ties to even */
    }
    if ((o->flags & NCM_CAPITATION_NORMALIZE) && Sm > 0 && !(Swm > 0)) {
        st = ncmi_error(NCM_ERR_RANGE, "weight: weights sum to zero over %zu people, cannot normalise", n);
        goto fail;
    }
    /* lines */
    ncm_money dist = 0;
    if (o->nslices && !(lines = ncmi_malloc_array(o->nslices, sizeof *lines))) {
        st = ncmi_nomem("budget lines");
        goto fail;
    }
    if ((st = ncm_top_slice(gross, o->nslices, o->slice_amounts, o->slice_rates, lines, &dist))) goto fail;
    if (dist > 0 && !(Slr > 0)) {
        st = ncmi_error(NCM_ERR_RANGE, "weight x months: sums to zero over %zu people; nothing to split %lld by", n,
                        (long long)dist);
        goto fail;
    }
    if ((st = budget_lines(b, o, lines))) goto fail;
    b->gross = gross;
    b->distributed = dist;
    b->wfactor = ((o->flags & NCM_CAPITATION_NORMALIZE) && Swm > 0) ? (double)(Sm / Swm) : 1.0;
    if (b->wfactor != 1.0) {
        for (size_t k = 0; k < b->nlevels; k++)
            for (size_t u = 0; u < b->lv[k].count; u++) b->lv[k].weighted[u] *= b->wfactor;
        for (size_t u = 0; u < b->seg.count; u++) b->seg.weighted[u] *= b->wfactor;
    }
    if (dist > 0) {
        if ((st = lr_split(dist, p->weight, p->months, n, Slr, b->amount, b))) goto fail;
    } else if (n) {
        memset(b->amount, 0, n * sizeof *b->amount);
    }
    ncmi_free(lines);
    *out = b;
    return NCM_OK;
fail:
    ncmi_free(lines);
    ncm_budget_free(b);
    return st;
}

ncm_status ncm_capitation_run(const ncm_capitation_people *people, const ncm_capitation_options *opts, ncm_budget **out)
{
    if (!people || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_capitation_run: NULL argument");
    return capitation_core(people, opts, 0, out);
}

ncm_status ncm_capitation_population(const ncm_population *pop, const double *weight, const ncm_capitation_options *opts,
                                     ncm_budget **out)
{
    if (!pop || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_capitation_population: NULL argument");
    size_t n = ncm_population_size(pop);
    ncm_capitation_people p = NCM_CAPITATION_PEOPLE_INIT;
    p.n = n;
    p.weight = weight;
    p.months = ncm_population_months(pop);
    const char **names[NCM_LEVEL_COUNT + 2] = {0};
    ncm_status st = NCM_OK;
    for (int lv = 0; lv < NCM_LEVEL_COUNT; lv++) {
        const char *lname = ncm_level_name((ncm_level)lv);
        if (!ncm_population_has_column(pop, lname)) continue;
        size_t k = p.nlevels++;
        p.level_ids[k] = ncm_population_text_ids(pop, (ncm_text_field)lv);
        p.level_count[k] = ncm_population_text_count(pop, (ncm_text_field)lv);
        p.level_name[k] = lname;
        names[k] = ncmi_malloc_array(p.level_count[k] ? p.level_count[k] : 1, sizeof(char *));
        if (!names[k]) {
            st = ncmi_nomem("unit names");
            goto done;
        }
        for (size_t u = 0; u < p.level_count[k]; u++)
            names[k][u] = ncm_population_text_value(pop, (ncm_text_field)lv, (uint32_t)u);
        p.unit_names[k] = names[k];
    }
    if (ncm_population_has_column(pop, "segment")) {
        p.segment = ncm_population_text_ids(pop, NCM_TEXT_SEGMENT);
        p.nsegments = ncm_population_text_count(pop, NCM_TEXT_SEGMENT);
        names[NCM_LEVEL_COUNT] = ncmi_malloc_array(p.nsegments ? p.nsegments : 1, sizeof(char *));
        if (!names[NCM_LEVEL_COUNT]) {
            st = ncmi_nomem("segment names");
            goto done;
        }
        for (size_t u = 0; u < p.nsegments; u++)
            names[NCM_LEVEL_COUNT][u] = ncm_population_text_value(pop, NCM_TEXT_SEGMENT, (uint32_t)u);
        p.segment_names = names[NCM_LEVEL_COUNT];
    }
    names[NCM_LEVEL_COUNT + 1] = ncmi_malloc_array(n ? n : 1, sizeof(char *));
    if (!names[NCM_LEVEL_COUNT + 1]) {
        st = ncmi_nomem("person names");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        names[NCM_LEVEL_COUNT + 1][i] = ncm_population_text_value(pop, NCM_TEXT_PERSON, (uint32_t)i);
    p.person_names = names[NCM_LEVEL_COUNT + 1];
    st = capitation_core(&p, opts, 0, out);
done:
    for (size_t k = 0; k < NCM_LEVEL_COUNT + 2; k++) ncmi_free((void *)names[k]);
    return st;
}


ncm_status ncm_year_of_care(const ncm_capitation_people *people, const ncm_money *prices, const uint32_t *band,
                            size_t nbands, ncm_budget **out)
{
    if (!people || !prices || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_year_of_care: NULL argument");
    if (nbands == 0) return ncmi_error(NCM_ERR_INVALID, "ncm_year_of_care: nbands is 0");
    ncm_status st = check_people(people, 1);
    if (st) return st;
    size_t np = people->nsegments * nbands;
    for (size_t k = 0; k < np; k++)
        if (prices[k] < 0)
            return ncmi_error(NCM_ERR_RANGE, "prices[%zu] (segment %zu, band %zu): %lld is negative", k, k / nbands,
                              k % nbands, (long long)prices[k]);
    if (band)
        for (size_t i = 0; i < people->n; i++)
            if (band[i] >= nbands) return ncmi_error(NCM_ERR_RANGE, "band[%zu]: band %u is not below nbands %zu", i, band[i], nbands);
    ncm_budget *b = NULL;
    if ((st = budget_shell(people, 0, 0, 0, &b))) return st;
    long double Swm, Sm, Slr;
    if ((st = budget_fill(b, people, 0, &Swm, &Sm, &Slr))) goto fail;
    ncmi_i128 total = 0;
    for (size_t i = 0; i < people->n; i++) {
        double mi = people->months ? people->months[i] : 12.0;
        ncm_money price = prices[(size_t)people->segment[i] * nbands + (band ? band[i] : 0)], a = 0;
        if ((st = ncm_money_prorate(price, mi, NCM_ROUND_HALF_EVEN, &a))) goto fail;
        b->amount[i] = a;
        total += a;
        if (total > NCM_MONEY_MAX) {
            st = ncmi_error(NCM_ERR_OVERFLOW, "year of care: total beyond %lld minor units at person %zu",
                            (long long)NCM_MONEY_MAX, i);
            goto fail;
        }
    }
    b->gross = b->distributed = (ncm_money)total;
    b->year_of_care = 1;
    rollup_money(b, 0);
    *out = b;
    return NCM_OK;
fail:
    ncm_budget_free(b);
    return st;
}
ncm_status ncm_budget_recalculate(const ncm_budget *orig, const ncm_capitation_people *people, const int64_t *row,
                                  double paid_months, const ncm_capitation_options *opts, ncm_budget **out)
{
    if (!orig || !people || !out || (people->n && !row))
        return ncmi_error(NCM_ERR_INVALID, "ncm_budget_recalculate: NULL argument");
    if (!(paid_months >= 0.0 && paid_months <= 12.0))
        return ncmi_error(NCM_ERR_RANGE, "paid_months: %g is outside 0-12", paid_months);
    if (!opts && orig->year_of_care)
        return ncmi_error(NCM_ERR_INVALID, "ncm_budget_recalculate: the original is a year-of-care budget; give opts");
    ncm_status st = check_people(people, 0);
    if (st) return st;
    unsigned char *seen = ncmi_calloc(orig->n ? orig->n : 1, 1);
    if (!seen) return ncmi_nomem("recalculation mapping");
    for (size_t i = 0; i < people->n; i++) {
        int64_t r = row[i];
        if (r < -1 || (r >= 0 && (uint64_t)r >= orig->n)) {
            ncmi_free(seen);
            return ncmi_error(NCM_ERR_RANGE, "original_row[%zu]: %lld is neither -1 nor a row below %zu", i, (long long)r,
                              orig->n);
        }
        if (r >= 0) {
            if (seen[r]) {
                ncmi_free(seen);
                return ncmi_error(NCM_ERR_DUPLICATE, "original_row[%zu]: original row %lld (%s) is mapped twice", i,
                                  (long long)r, orig->persons.n ? pool_get(&orig->persons, (size_t)r) : "-");
            }
            seen[r] = 1;
        }
    }
    for (size_t r = 0; r < orig->n; r++)
        if (!seen[r]) {
            char tmp[32];
            snprintf(tmp, sizeof tmp, "%zu", r);
            ncmi_free(seen);
            return ncmi_error(NCM_ERR_NOT_FOUND,
                              "original_row: original person %s (row %zu) is missing from the mapping; leavers must "
                              "stay with their reduced months",
                              orig->persons.n ? pool_get(&orig->persons, r) : tmp, r);
        }
    ncmi_free(seen);
    /* options: the original's unless given */
    ncm_capitation_options o = NCM_CAPITATION_OPTIONS_INIT;
    const char **lnames = NULL;
    if (opts) {
        o = *opts;
    } else {
        o.flags = orig->flags; /* never BORROW: the new budget owns its arrays */
        o.base_rate = orig->base_rate;
        o.envelope = orig->envelope;
        o.nslices = orig->nlines;
        if (orig->nlines) {
            lnames = ncmi_malloc_array(orig->nlines, sizeof *lnames);
            if (!lnames) return ncmi_nomem("line names");
            for (size_t k = 0; k < orig->nlines; k++) lnames[k] = pool_get(&orig->line_names, k);
            o.slice_names = lnames;
            o.slice_amounts = orig->line_fixed;
            o.slice_rates = orig->line_rate;
        }
    }
    ncm_budget *b = NULL;
    /* paid so far, per original person */
    ncm_money paid_total = 0;
    ncm_money *paid_orig = ncmi_calloc(orig->n ? orig->n : 1, sizeof *paid_orig);
    double *wts = ncmi_malloc_array(orig->n ? orig->n : 1, sizeof *wts);
    if (!paid_orig || !wts) {
        st = ncmi_nomem("paid amounts");
        goto done;
    }
    if ((st = ncm_money_prorate(orig->distributed, paid_months, NCM_ROUND_HALF_EVEN, &paid_total))) goto done;
    if (paid_total > 0) {
        long double V = 0;
        for (size_t r = 0; r < orig->n; r++) {
            wts[r] = (double)orig->amount[r];
            V += wts[r];
        }
        if ((st = lr_split(paid_total, wts, NULL, orig->n, V, paid_orig, NULL))) goto done;
    }
    if ((st = capitation_core(people, &o, 1, &b))) goto done;
    for (size_t i = 0; i < people->n; i++) b->paid[i] = row[i] >= 0 ? paid_orig[row[i]] : 0;
    b->paid_total = paid_total;
    b->has_trueup = 1;
    rollup_money(b, 1);
    *out = b;
    b = NULL;
done:
    ncm_budget_free(b);
    ncmi_free(paid_orig);
    ncmi_free(wts);
    ncmi_free((void *)lnames);
    return st;
}

/* ------------------------------------------------------------------ budget accessors */

ncm_money ncm_budget_gross(const ncm_budget *b) { return b ? b->gross : 0; }
ncm_money ncm_budget_distributed(const ncm_budget *b) { return b ? b->distributed : 0; }
size_t ncm_budget_people(const ncm_budget *b) { return b ? b->n : 0; }
const ncm_money *ncm_budget_person_amounts(const ncm_budget *b) { return b ? b->amount : NULL; }
const double *ncm_budget_person_weights(const ncm_budget *b) { return b ? b->weight : NULL; }
double ncm_budget_weight_factor(const ncm_budget *b) { return b ? b->wfactor : 1.0; }
const double *ncm_budget_person_months(const ncm_budget *b) { return b ? b->months : NULL; }
const ncm_money *ncm_budget_person_paid(const ncm_budget *b) { return b ? b->paid : NULL; }
int ncm_budget_has_trueup(const ncm_budget *b) { return b ? b->has_trueup : 0; }
ncm_money ncm_budget_paid_total(const ncm_budget *b) { return b ? b->paid_total : 0; }
size_t ncm_budget_level_count(const ncm_budget *b) { return b ? b->nlevels : 0; }

const char *ncm_budget_level_name(const ncm_budget *b, size_t level)
{
    return (b && level < b->nlevels) ? b->level_name[level] : NULL;
}

ncm_status ncm_budget_level_find(const ncm_budget *b, const char *name, size_t *level)
{
    if (!b || !name || !level) return ncmi_error(NCM_ERR_INVALID, "ncm_budget_level_find: NULL argument");
    char list[256] = "";
    size_t o = 0;
    for (size_t k = 0; k < b->nlevels; k++) {
        if (strcmp(b->level_name[k], name) == 0) {
            *level = k;
            return NCM_OK;
        }
        int w = snprintf(list + o, sizeof list - o, "%s%s", k ? ", " : "", b->level_name[k]);
        if (w > 0 && (size_t)w < sizeof list - o) o += (size_t)w;
    }
    char q[64];
    ncmi_quote(q, sizeof q, name, strlen(name));
    return ncmi_error(NCM_ERR_NOT_FOUND, "level \"%s\": not in the budget (levels: %s)", q, b->nlevels ? list : "none");
}

size_t ncm_budget_unit_count(const ncm_budget *b, size_t level) { return (b && level < b->nlevels) ? b->lv[level].count : 0; }

const char *ncm_budget_unit_name(const ncm_budget *b, size_t level, size_t unit)
{
    return (b && level < b->nlevels) ? pool_get(&b->units[level], unit) : NULL;
}

static ncm_status copy_rollup(const ncm_budget *b, const rollup *r, ncm_money *amount, uint64_t *people, double *exposure,
                              double *weighted, ncm_money *paid, size_t cap, const char *what)
{
    if (cap < r->count) return ncmi_error(NCM_ERR_BUFFER, "%s: capacity %zu, need %zu", what, cap, r->count);
    size_t c = r->count;
    if (amount && c) memcpy(amount, r->amount, c * sizeof *amount);
    if (people && c) memcpy(people, r->people, c * sizeof *people);
    if (exposure && c) memcpy(exposure, r->exposure, c * sizeof *exposure);
    if (weighted && c) memcpy(weighted, r->weighted, c * sizeof *weighted);
    if (paid && c) {
        if (b->has_trueup) memcpy(paid, r->paid, c * sizeof *paid);
        else memset(paid, 0, c * sizeof *paid);
    }
    return NCM_OK;
}

ncm_status ncm_budget_units(const ncm_budget *b, size_t level, ncm_money *amount, uint64_t *people, double *exposure,
                            double *weighted, ncm_money *paid, size_t cap)
{
    if (!b || level >= b->nlevels)
        return ncmi_error(NCM_ERR_INVALID, "ncm_budget_units: NULL budget or level %zu not below %zu", level,
                          b ? b->nlevels : 0);
    return copy_rollup(b, &b->lv[level], amount, people, exposure, weighted, paid, cap, "ncm_budget_units");
}

size_t ncm_budget_segment_count(const ncm_budget *b) { return (b && b->segment) ? b->seg.count : 0; }

const char *ncm_budget_segment_name(const ncm_budget *b, size_t segment)
{
    return (b && b->segment) ? pool_get(&b->segnames, segment) : NULL;
}

ncm_status ncm_budget_segments(const ncm_budget *b, ncm_money *amount, uint64_t *people, double *exposure,
                               double *weighted, ncm_money *paid, size_t cap)
{
    if (!b) return ncmi_error(NCM_ERR_INVALID, "ncm_budget_segments: NULL budget");
    return copy_rollup(b, &b->seg, amount, people, exposure, weighted, paid, cap, "ncm_budget_segments");
}

size_t ncm_budget_line_count(const ncm_budget *b) { return b ? b->nlines : 0; }

ncm_status ncm_budget_line(const ncm_budget *b, size_t k, const char **name, ncm_money *amount)
{
    if (!b || k >= b->nlines)
        return ncmi_error(NCM_ERR_INVALID, "ncm_budget_line: NULL budget or line %zu not below %zu", k, b ? b->nlines : 0);
    if (name) *name = pool_get(&b->line_names, k);
    if (amount) *amount = b->line_amount[k];
    return NCM_OK;
}

/* ------------------------------------------------------------------ CSV */



static void csv_rollup(FILE *f, const ncm_budget *b, const rollup *r, const name_pool *names, const char *idcol)
{
    fprintf(f, "%s,people,exposure,weighted,amount%s\n", idcol, b->has_trueup ? ",paid,true_up" : "");
    for (size_t u = 0; u < r->count; u++) {
        ncmi_csv_put_text(f, pool_get(names, u));
        fprintf(f, ",%llu,%.6f,%.6f,", (unsigned long long)r->people[u], r->exposure[u], r->weighted[u]);
        ncmi_csv_put_money(f, r->amount[u]);
        if (b->has_trueup) {
            fputc(',', f);
            ncmi_csv_put_money(f, r->paid[u]);
            fputc(',', f);
            ncmi_csv_put_money(f, r->amount[u] - r->paid[u]);
        }
        fputc('\n', f);
    }
}

ncm_status ncm_budget_write_csv(const ncm_budget *b, ncm_budget_table what, size_t level, const char *path)
{
    if (!b || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_budget_write_csv: NULL argument");
    if ((unsigned)what > NCM_BUDGET_LINES) return ncmi_error(NCM_ERR_INVALID, "ncm_budget_write_csv: unknown table %d", (int)what);
    if (what == NCM_BUDGET_UNITS && level >= b->nlevels)
        return ncmi_error(NCM_ERR_INVALID, "ncm_budget_write_csv: level %zu not below %zu", level, b->nlevels);
    if (what == NCM_BUDGET_SEGMENTS && !b->segment)
        return ncmi_error(NCM_ERR_INVALID, "ncm_budget_write_csv: the budget has no segments");
    int to_stdout = strcmp(path, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(path, "wb");
    if (!f) return ncmi_error(NCM_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    switch (what) {
    case NCM_BUDGET_UNITS: csv_rollup(f, b, &b->lv[level], &b->units[level], b->level_name[level]); break;
    case NCM_BUDGET_SEGMENTS: csv_rollup(f, b, &b->seg, &b->segnames, "segment"); break;
    case NCM_BUDGET_PEOPLE:
        fputs("person_id", f);
        for (size_t k = 0; k < b->nlevels; k++) {
            fputc(',', f);
            ncmi_csv_put_text(f, b->level_name[k]);
        }
        fprintf(f, "%s,weight,months,amount%s\n", b->segment ? ",segment" : "", b->has_trueup ? ",paid,true_up" : "");
        for (size_t i = 0; i < b->n; i++) {
            if (b->persons.n) ncmi_csv_put_text(f, pool_get(&b->persons, i));
            else fprintf(f, "%zu", i);
            for (size_t k = 0; k < b->nlevels; k++) {
                fputc(',', f);
                ncmi_csv_put_text(f, pool_get(&b->units[k], unit_of(b, k, i)));
            }
            if (b->segment) {
                fputc(',', f);
                ncmi_csv_put_text(f, pool_get(&b->segnames, b->segment[i]));
            }
            fprintf(f, ",%.17g,%.17g,", (b->weight ? b->weight[i] : 1.0) * b->wfactor, b->months ? b->months[i] : 12.0);
            ncmi_csv_put_money(f, b->amount[i]);
            if (b->has_trueup) {
                fputc(',', f);
                ncmi_csv_put_money(f, b->paid[i]);
                fputc(',', f);
                ncmi_csv_put_money(f, b->amount[i] - b->paid[i]);
            }
            fputc('\n', f);
        }
        break;
    case NCM_BUDGET_LINES:
        fputs("line,amount\n", f);
        for (size_t k = 0; k < b->nlines; k++) {
            ncmi_csv_put_text(f, pool_get(&b->line_names, k));
            fputc(',', f);
            ncmi_csv_put_money(f, b->line_amount[k]);
            fputc('\n', f);
        }
        fputs("distributed,", f);
        ncmi_csv_put_money(f, b->distributed);
        fputs("\ngross,", f);
        ncmi_csv_put_money(f, b->gross);
        fputc('\n', f);
        break;
    }
    int bad = ferror(f);
    if ((to_stdout ? fflush(f) : fclose(f)) != 0 || bad) return ncmi_error(NCM_ERR_IO, "%s: write failed", path);
    return NCM_OK;
}

/* ------------------------------------------------------------------ fair shares */

ncm_status ncm_fair_shares(const ncm_fair_shares_input *in, ncm_money envelope, ncm_money *shares, double *weighted,
                           size_t cap)
{
    if (!in || !shares) return ncmi_error(NCM_ERR_INVALID, "ncm_fair_shares: NULL argument");
    if (in->version == 0 || in->version > NCM_FAIR_SHARES_INPUT_VERSION)
        return ncmi_error(NCM_ERR_VERSION, "ncm_fair_shares_input: version %u is not supported (1 to %u)", in->version,
                          NCM_FAIR_SHARES_INPUT_VERSION);
    size_t nu = in->nunits;
    if (nu == 0) return ncmi_error(NCM_ERR_INVALID, "ncm_fair_shares: nunits is 0");
    if (in->n_unit_indices == 0 && in->npeople == 0)
        return ncmi_error(NCM_ERR_INVALID, "ncm_fair_shares: no unit index and no people: nothing to weight by");
    if (cap < nu) return ncmi_error(NCM_ERR_BUFFER, "ncm_fair_shares: capacity %zu, need %zu", cap, nu);
    if (envelope < 0) return ncmi_error(NCM_ERR_RANGE, "envelope: %lld is negative", (long long)envelope);
    if (in->n_unit_indices && !in->unit_indices) return ncmi_error(NCM_ERR_INVALID, "unit_indices: NULL");
    for (size_t k = 0; k < in->n_unit_indices; k++) {
        const double *x = in->unit_indices[k];
        if (!x) return ncmi_error(NCM_ERR_INVALID, "unit_indices[%zu]: NULL", k);
        for (size_t u = 0; u < nu; u++)
            if (!isfinite(x[u]) || x[u] < 0)
                return ncmi_error(NCM_ERR_RANGE, "unit_indices[%zu][%zu]: %g is not a finite number >= 0", k, u, x[u]);
    }
    if (in->npeople) {
        if (!in->person_unit) return ncmi_error(NCM_ERR_INVALID, "person_unit: NULL");
        if (in->n_person_indices && !in->person_indices) return ncmi_error(NCM_ERR_INVALID, "person_indices: NULL");
        for (size_t i = 0; i < in->npeople; i++)
            if (in->person_unit[i] >= nu)
                return ncmi_error(NCM_ERR_RANGE, "person_unit[%zu]: unit %u is not below nunits %zu", i, in->person_unit[i], nu);
        for (size_t k = 0; k < in->n_person_indices; k++) {
            const double *x = in->person_indices[k];
            if (!x) return ncmi_error(NCM_ERR_INVALID, "person_indices[%zu]: NULL", k);
            for (size_t i = 0; i < in->npeople; i++)
                if (!isfinite(x[i]) || x[i] < 0)
                    return ncmi_error(NCM_ERR_RANGE, "person_indices[%zu][%zu]: %g is not a finite number >= 0", k, i, x[i]);
        }
    }
    double *W = ncmi_calloc(nu, sizeof *W);
    if (!W) return ncmi_nomem("fair shares");
    if (in->npeople) {
        for (size_t i = 0; i < in->npeople; i++) {
            double x = 1.0;
            for (size_t k = 0; k < in->n_person_indices; k++) x *= in->person_indices[k][i];
            W[in->person_unit[i]] += x;
        }
    } else {
        for (size_t u = 0; u < nu; u++) W[u] = 1.0;
    }
    long double S = 0;
    for (size_t u = 0; u < nu; u++) {
        for (size_t k = 0; k < in->n_unit_indices; k++) W[u] *= in->unit_indices[k][u];
        if (!isfinite(W[u])) {
            ncmi_free(W);
            return ncmi_error(NCM_ERR_RANGE, "weighted population of unit %zu is not finite (indices too large)", u);
        }
        S += W[u];
    }
    if (!(S > 0)) {
        ncmi_free(W);
        return ncmi_error(NCM_ERR_RANGE, "weights: the weighted populations of all %zu units sum to zero", nu);
    }
    ncm_status st = split_exact(envelope, W, nu, shares);
    if (st == NCM_OK && weighted) memcpy(weighted, W, nu * sizeof *W);
    ncmi_free(W);
    return st;
}

/* ------------------------------------------------------------------ pool share */

ncm_status ncm_pool_share(ncm_money envelope, size_t nunits, const double *const *indicators, const double *shares,
                          size_t nind, ncm_money *pay, ncm_money *pots)
{
    if (!indicators || !shares || !pay || nind == 0 || nunits == 0)
        return ncmi_error(NCM_ERR_INVALID, "ncm_pool_share: NULL array, no units or no indicators");
    if (envelope < 0) return ncmi_error(NCM_ERR_RANGE, "envelope: %lld is negative", (long long)envelope);
    double ssum = 0;
    for (size_t a = 0; a < nind; a++) {
        if (!isfinite(shares[a]) || shares[a] < 0)
            return ncmi_error(NCM_ERR_RANGE, "shares[%zu]: %g is not a finite number >= 0", a, shares[a]);
        ssum += shares[a];
        if (!indicators[a]) return ncmi_error(NCM_ERR_INVALID, "indicators[%zu]: NULL", a);
        double isum = 0;
        for (size_t u = 0; u < nunits; u++) {
            double x = indicators[a][u];
            if (!isfinite(x) || x < 0)
                return ncmi_error(NCM_ERR_RANGE, "indicators[%zu][%zu]: %g is not a finite number >= 0", a, u, x);
            isum += x;
        }
        if (shares[a] > 0 && !(isum > 0))
            return ncmi_error(NCM_ERR_RANGE, "indicators[%zu]: sums to zero but has a share of %g", a, shares[a]);
    }
    if (fabs(ssum - 1.0) > 1e-9)
        return ncmi_error(NCM_ERR_INCONSISTENT, "shares: they sum to %.12g, not 1", ssum);
    ncm_money *pot = ncmi_malloc_array(nind, sizeof *pot);
    ncm_money *part = ncmi_malloc_array(nunits, sizeof *part);
    ncm_money *acc = ncmi_calloc(nunits, sizeof *acc);
    ncm_status st = NCM_OK;
    if (!pot || !part || !acc) {
        st = ncmi_nomem("pool share");
        goto done;
    }
    if ((st = split_exact(envelope, shares, nind, pot))) goto done;
    for (size_t a = 0; a < nind; a++) {
        if (pot[a] == 0) continue;
        if ((st = split_exact(pot[a], indicators[a], nunits, part))) goto done;
        for (size_t u = 0; u < nunits; u++) acc[u] += part[u];
    }
    memcpy(pay, acc, nunits * sizeof *pay);
    if (pots) memcpy(pots, pot, nind * sizeof *pots);
done:
    ncmi_free(pot);
    ncmi_free(part);
    ncmi_free(acc);
    return st;
}

/* ------------------------------------------------------------------ pace of change */

void ncm_pace_options_init(ncm_pace_options *opts)
{
    if (!opts) return;
    memset(opts, 0, sizeof *opts);
    opts->version = NCM_PACE_OPTIONS_VERSION;
}

static inline double dmin(double a, double b) { return a < b ? a : b; }

static ncm_status pace_check(const ncm_pace_options *o)
{
    if (!o) return ncmi_error(NCM_ERR_INVALID, "pace of change: NULL options");
    if (o->version == 0 || o->version > NCM_PACE_OPTIONS_VERSION)
        return ncmi_error(NCM_ERR_VERSION, "ncm_pace_options: version %u is not supported (1 to %u)", o->version,
                          NCM_PACE_OPTIONS_VERSION);
    if (o->flags & ~(unsigned)NCM_PACE_CEILING) return ncmi_error(NCM_ERR_INVALID, "ncm_pace_options: unknown flags 0x%x", o->flags);
    if (!isfinite(o->floor) || o->floor <= -1.0 || o->floor > 10.0)
        return ncmi_error(NCM_ERR_RANGE, "floor: %g is outside (-1, 10]", o->floor);
    if (!isfinite(o->cap) || o->cap < 0 || o->cap > 10.0) return ncmi_error(NCM_ERR_RANGE, "cap: %g is outside [0, 10]", o->cap);
    if ((o->flags & NCM_PACE_CEILING) && (!isfinite(o->ceiling) || o->ceiling < o->floor || o->ceiling > 10.0))
        return ncmi_error(NCM_ERR_RANGE, "ceiling: %g must be finite and at least the floor %g", o->ceiling, o->floor);
    return NCM_OK;
}

static ncm_status pace_inputs(size_t n, const ncm_money *prev, const ncm_money *target, long double *tsum)
{
    if (!prev || !target || n == 0) return ncmi_error(NCM_ERR_INVALID, "pace of change: NULL array or n = 0");
    long double s = 0;
    for (size_t p = 0; p < n; p++) {
        if (prev[p] <= 0) return ncmi_error(NCM_ERR_RANGE, "previous[%zu]: %lld is not positive", p, (long long)prev[p]);
        if (target[p] < 0) return ncmi_error(NCM_ERR_RANGE, "target[%zu]: %lld is negative", p, (long long)target[p]);
        s += target[p];
    }
    if (!(s > 0)) return ncmi_error(NCM_ERR_RANGE, "target: the targets sum to zero");
    *tsum = s;
    return NCM_OK;
}

/* One year; writes alloc (n) and, optionally, distances. work holds 4n doubles. */
static ncm_status pace_year(const ncm_pace_options *o, ncm_money E, size_t n, const ncm_money *A, const ncm_money *target,
                            long double tsum, ncm_money *alloc, double *before, double *after, double *work)
{
    if (E < 0) return ncmi_error(NCM_ERR_RANGE, "envelope: %lld is negative", (long long)E);
    double *t = work, *x = work + n, *room = work + 2 * n, *g = work + 3 * n;
    ncmi_i128 Fsum = 0;
    for (size_t p = 0; p < n; p++) {
        t[p] = (double)((long double)E * target[p] / tsum);
        ncm_money F = 0;
        ncm_status st = ncm_money_mul_rate(A[p], 1.0 + o->floor, NCM_ROUND_CEILING, &F);
        if (st) return st;
        alloc[p] = F; /* floors first; the caller's copy is only written on success */
        Fsum += F;
    }
    if (Fsum > E)
        return ncmi_error(NCM_ERR_RANGE, "floor: an uplift of %g%% for everyone needs %.0f minor units but the envelope is %lld",
                          o->floor * 100, (double)Fsum, (long long)E);
    double R = (double)(E - (ncm_money)Fsum);
    /* step 2: extra growth toward target, one lambda */
    double S1 = 0;
    for (size_t p = 0; p < n; p++) {
        double F = (double)alloc[p], gap = t[p] - F;
        x[p] = gap > 0 ? dmin(gap, o->cap * (double)A[p]) : 0;
        S1 += x[p];
    }
    double left = 0;
    if (S1 > R) {
        double lo = 0, hi = 1;
        for (int it = 0; it < 64; it++) {
            double mid = 0.5 * (lo + hi), s = 0;
            for (size_t p = 0; p < n; p++) {
                double gap = t[p] - (double)alloc[p];
                if (gap > 0) s += dmin(mid * gap, o->cap * (double)A[p]);
            }
            if (s > R) hi = mid;
            else lo = mid;
        }
        for (size_t p = 0; p < n; p++) {
            double gap = t[p] - (double)alloc[p];
            x[p] = gap > 0 ? dmin(lo * gap, o->cap * (double)A[p]) : 0;
        }
    } else {
        left = R - S1;
    }
    /* step 3: spread what is left in proportion to allocation, ceilings for those above target */
    int any_free = 0;
    double room_sum = 0, a_free = 0;
    for (size_t p = 0; p < n; p++) {
        double a = (double)alloc[p] + x[p];
        int above = !((double)alloc[p] < t[p]);
        if ((o->flags & NCM_PACE_CEILING) && above) {
            room[p] = fmax(0.0, (double)A[p] * (1.0 + o->ceiling) - a);
            room_sum += room[p];
        } else {
            room[p] = INFINITY;
            any_free = 1;
            a_free += a;
        }
        g[p] = x[p];
    }
    if (left > 0.5) {
        if (!any_free && room_sum < left - 0.5)
            return ncmi_error(NCM_ERR_RANGE, "ceiling: every unit is above target and capped at +%g%%; %.0f minor units "
                              "would be left unallocated",
                              o->ceiling * 100, left - room_sum);
        double lo = 0, hi = any_free ? left / fmax(a_free, 1e-300) : 0;
        if (!any_free)
            for (size_t p = 0; p < n; p++) {
                double a = (double)alloc[p] + x[p];
                if (a > 0 && room[p] / a > hi) hi = room[p] / a;
            }
        for (int it = 0; it < 64; it++) {
            double mid = 0.5 * (lo + hi), s = 0;
            for (size_t p = 0; p < n; p++) s += dmin(mid * ((double)alloc[p] + x[p]), room[p]);
            if (s > left) hi = mid;
            else lo = mid;
        }
        for (size_t p = 0; p < n; p++) g[p] = x[p] + dmin(hi * ((double)alloc[p] + x[p]), room[p]);
    }
    /* step 4: exact split of what is above the floors */
    ncm_money rest = E - (ncm_money)Fsum;
    if (rest > 0) {
        double gs = 0;
        for (size_t p = 0; p < n; p++) gs += g[p];
        if (!(gs > 0))
            for (size_t p = 0; p < n; p++) g[p] = (double)alloc[p];
        ncm_money *part = ncmi_malloc_array(n, sizeof *part);
        if (!part) return ncmi_nomem("pace of change");
        ncm_status st = split_exact(rest, g, n, part);
        if (st) {
            ncmi_free(part);
            return st;
        }
        for (size_t p = 0; p < n; p++) alloc[p] += part[p];
        ncmi_free(part);
    }
    for (size_t p = 0; p < n; p++) {
        if (before) before[p] = t[p] > 0 ? ((double)A[p] - t[p]) / t[p] : 0.0;
        if (after) after[p] = t[p] > 0 ? ((double)alloc[p] - t[p]) / t[p] : 0.0;
    }
    return NCM_OK;
}

ncm_status ncm_pace_of_change(const ncm_pace_options *opts, ncm_money envelope, size_t n, const ncm_money *previous,
                              const ncm_money *target, ncm_money *alloc, double *distance_before, double *distance_after)
{
    ncm_status st = pace_check(opts);
    if (st) return st;
    long double tsum = 0;
    if ((st = pace_inputs(n, previous, target, &tsum))) return st;
    if (!alloc) return ncmi_error(NCM_ERR_INVALID, "ncm_pace_of_change: NULL alloc");
    double *work = ncmi_malloc_array(n, 6 * sizeof(double));
    ncm_money *a = ncmi_malloc_array(n, sizeof *a);
    if (!work || !a) {
        ncmi_free(work);
        ncmi_free(a);
        return ncmi_nomem("pace of change");
    }
    double *bf = work + 4 * n, *af = work + 5 * n;
    st = pace_year(opts, envelope, n, previous, target, tsum, a, bf, af, work);
    if (st == NCM_OK) {
        memcpy(alloc, a, n * sizeof *a);
        if (distance_before) memcpy(distance_before, bf, n * sizeof *bf);
        if (distance_after) memcpy(distance_after, af, n * sizeof *af);
    }
    ncmi_free(work);
    ncmi_free(a);
    return st;
}

ncm_status ncm_pace_project(const ncm_pace_options *opts, size_t n, const ncm_money *previous, const ncm_money *target,
                            const ncm_money *envelopes, size_t years, ncm_money *alloc, double *distance)
{
    ncm_status st = pace_check(opts);
    if (st) return st;
    long double tsum = 0;
    if ((st = pace_inputs(n, previous, target, &tsum))) return st;
    if (!envelopes || !alloc || years == 0)
        return ncmi_error(NCM_ERR_INVALID, "ncm_pace_project: NULL envelopes or alloc, or no years");
    if (years > SIZE_MAX / n / sizeof(double)) return ncmi_error(NCM_ERR_INVALID, "ncm_pace_project: too many years");
    double *work = ncmi_malloc_array(n, 4 * sizeof(double));
    ncm_money *a = ncmi_malloc_array(n * years, sizeof *a);
    double *d = ncmi_malloc_array(n * years, sizeof *d);
    if (!work || !a || !d) {
        st = ncmi_nomem("pace projection");
        goto done;
    }
    for (size_t y = 0; y < years; y++) {
        const ncm_money *prev = y ? a + (y - 1) * n : previous;
        st = pace_year(opts, envelopes[y], n, prev, target, tsum, a + y * n, NULL, d + y * n, work);
        if (st) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", ncm_last_error());
            st = ncmi_error(st, "year %zu: %s", y + 1, msg);
            goto done;
        }
    }
    memcpy(alloc, a, n * years * sizeof *a);
    if (distance) memcpy(distance, d, n * years * sizeof *d);
done:
    ncmi_free(work);
    ncmi_free(a);
    ncmi_free(d);
    return st;
}

/* ------------------------------------------------------------------ stop-loss */

void ncm_stop_loss_options_init(ncm_stop_loss_options *opts)
{
    if (!opts) return;
    memset(opts, 0, sizeof *opts);
    opts->version = NCM_STOP_LOSS_OPTIONS_VERSION;
}

static ncm_status stop_loss_check(const ncm_stop_loss_options *o)
{
    if (!o) return ncmi_error(NCM_ERR_INVALID, "stop-loss: NULL options");
    if (o->version == 0 || o->version > NCM_STOP_LOSS_OPTIONS_VERSION)
        return ncmi_error(NCM_ERR_VERSION, "ncm_stop_loss_options: version %u is not supported (1 to %u)", o->version,
                          NCM_STOP_LOSS_OPTIONS_VERSION);
    if (o->attachment < 0) return ncmi_error(NCM_ERR_RANGE, "attachment: %lld is negative", (long long)o->attachment);
    if (!(o->coinsurance >= 0 && o->coinsurance <= 1)) return ncmi_error(NCM_ERR_RANGE, "coinsurance: %g is outside 0-1", o->coinsurance);
    if (o->limit != 0 && o->limit <= o->attachment)
        return ncmi_error(NCM_ERR_RANGE, "limit: %lld must be above the attachment %lld (or 0 for none)", (long long)o->limit,
                          (long long)o->attachment);
    if (!(o->aggregate_threshold >= 0 && o->aggregate_threshold <= 100))
        return ncmi_error(NCM_ERR_RANGE, "aggregate_threshold: %g is outside 0-100", o->aggregate_threshold);
    if (!(o->aggregate_coinsurance >= 0 && o->aggregate_coinsurance <= 1))
        return ncmi_error(NCM_ERR_RANGE, "aggregate_coinsurance: %g is outside 0-1", o->aggregate_coinsurance);
    if (o->expected_total < 0) return ncmi_error(NCM_ERR_RANGE, "expected_total: %lld is negative", (long long)o->expected_total);
    return NCM_OK;
}

ncm_status ncm_stop_loss(const ncm_stop_loss_options *o, size_t n, const ncm_money *cost, ncm_money *kept, ncm_money *paid,
                         ncm_money *total_kept, ncm_money *individual_paid, ncm_money *aggregate_paid)
{
    ncm_status st = stop_loss_check(o);
    if (st) return st;
    if (n && !cost) return ncmi_error(NCM_ERR_INVALID, "ncm_stop_loss: NULL cost");
    ncmi_i128 K = 0, P = 0;
    for (size_t i = 0; i < n; i++) {
        if (cost[i] < 0) return ncmi_error(NCM_ERR_RANGE, "cost[%zu]: %lld is negative", i, (long long)cost[i]);
        ncm_money c = cost[i], pd = 0;
        if (o->attachment > 0 && c > o->attachment) { /* attachment 0 = no individual cover */
            ncm_money top = (o->limit && c > o->limit) ? o->limit : c;
            if ((st = ncm_money_mul_rate(top - o->attachment, 1.0 - o->coinsurance, NCM_ROUND_HALF_EVEN, &pd))) return st;
        }
        K += c - pd;
        P += pd;
    }
    if (K > NCM_MONEY_MAX || P > NCM_MONEY_MAX)
        return ncmi_error(NCM_ERR_OVERFLOW, "stop-loss: total cost beyond %lld minor units", (long long)NCM_MONEY_MAX);
    ncm_money agg = 0;
    if (o->aggregate_threshold > 0) {
        ncm_money T = 0;
        if ((st = ncm_money_mul_rate(o->expected_total, o->aggregate_threshold, NCM_ROUND_HALF_EVEN, &T))) return st;
        if (K > T && (st = ncm_money_mul_rate((ncm_money)K - T, 1.0 - o->aggregate_coinsurance, NCM_ROUND_HALF_EVEN, &agg)))
            return st;
    }
    /* all checks done: write */
    for (size_t i = 0; i < n && (kept || paid); i++) {
        ncm_money c = cost[i], pd = 0;
        if (o->attachment > 0 && c > o->attachment) {
            ncm_money top = (o->limit && c > o->limit) ? o->limit : c;
            ncm_money_mul_rate(top - o->attachment, 1.0 - o->coinsurance, NCM_ROUND_HALF_EVEN, &pd);
        }
        if (kept) kept[i] = c - pd;
        if (paid) paid[i] = pd;
    }
    if (total_kept) *total_kept = (ncm_money)K - agg;
    if (individual_paid) *individual_paid = (ncm_money)P;
    if (aggregate_paid) *aggregate_paid = agg;
    return NCM_OK;
}

static double norm_cdf(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }

/* Limited expected value E[min(c, x)] of a lognormal with mean m (mu, s = sigma). */
static double lev(double m, double mu, double s, double x)
{
    if (x <= 0) return 0;
    if (isinf(x)) return m;
    double lx = log(x);
    return m * norm_cdf((lx - mu - s * s) / s) + x * (1.0 - norm_cdf((lx - mu) / s));
}

ncm_status ncm_stop_loss_expected(const ncm_stop_loss_options *o, double mean, double cv, double *expected)
{
    ncm_status st = stop_loss_check(o);
    if (st) return st;
    if (!expected) return ncmi_error(NCM_ERR_INVALID, "ncm_stop_loss_expected: NULL expected");
    if (!isfinite(mean) || mean <= 0) return ncmi_error(NCM_ERR_RANGE, "mean: %g is not a finite number > 0", mean);
    if (!isfinite(cv) || cv < 0) return ncmi_error(NCM_ERR_RANGE, "cv: %g is not a finite number >= 0", cv);
    double a = (double)o->attachment, L = o->limit ? (double)o->limit : INFINITY, e;
    if (o->attachment == 0) {
        e = 0; /* no individual cover */
    } else if (cv == 0) {
        e = fmax(0.0, fmin(mean, L) - a);
    } else {
        double s2 = log1p(cv * cv), s = sqrt(s2), mu = log(mean) - s2 / 2;
        e = lev(mean, mu, s, L) - lev(mean, mu, s, a);
        if (e < 0) e = 0;
    }
    *expected = (1.0 - o->coinsurance) * e;
    return NCM_OK;
}

/* ------------------------------------------------------------------ multi-year envelopes */

void ncm_envelope_options_init(ncm_envelope_options *opts)
{
    if (!opts) return;
    memset(opts, 0, sizeof *opts);
    opts->version = NCM_ENVELOPE_OPTIONS_VERSION;
    opts->years = 1;
}

ncm_status ncm_envelope_schedule(const ncm_envelope_options *o, ncm_money *amount, ncm_money *growth, ncm_money *demographic,
                                 ncm_money *efficiency, ncm_money *rebase, size_t cap)
{
    if (!o) return ncmi_error(NCM_ERR_INVALID, "ncm_envelope_schedule: NULL options");
    if (o->version == 0 || o->version > NCM_ENVELOPE_OPTIONS_VERSION)
        return ncmi_error(NCM_ERR_VERSION, "ncm_envelope_options: version %u is not supported (1 to %u)", o->version,
                          NCM_ENVELOPE_OPTIONS_VERSION);
    size_t Y = o->years;
    if (Y == 0) return ncmi_error(NCM_ERR_INVALID, "years: 0");
    if (cap < Y) return ncmi_error(NCM_ERR_BUFFER, "ncm_envelope_schedule: capacity %zu, need %zu years", cap, Y);
    if (o->year1 < 0) return ncmi_error(NCM_ERR_RANGE, "year1: %lld is negative", (long long)o->year1);
    if (!isfinite(o->growth) || o->growth <= -1) return ncmi_error(NCM_ERR_RANGE, "growth: %g is not a finite rate > -1", o->growth);
    if (o->growth_by_year)
        for (size_t y = 1; y < Y; y++)
            if (!isfinite(o->growth_by_year[y]) || o->growth_by_year[y] <= -1)
                return ncmi_error(NCM_ERR_RANGE, "growth_by_year[%zu]: %g is not a finite rate > -1", y, o->growth_by_year[y]);
    if (!isfinite(o->demographic) || o->demographic <= -1)
        return ncmi_error(NCM_ERR_RANGE, "demographic: %g is not a finite rate > -1", o->demographic);
    if (!(o->efficiency_term >= 0 && o->efficiency_term < 1))
        return ncmi_error(NCM_ERR_RANGE, "efficiency_term: %g is outside [0, 1)", o->efficiency_term);
    if (o->rebase_year > Y) return ncmi_error(NCM_ERR_RANGE, "rebase_year: %zu is beyond the %zu years", o->rebase_year, Y);
    if (o->rebase_year && o->rebase_amount < 0)
        return ncmi_error(NCM_ERR_RANGE, "rebase_amount: %lld is negative", (long long)o->rebase_amount);
    double e = Y > 1 ? 1.0 - pow(1.0 - o->efficiency_term, 1.0 / (double)(Y - 1)) : 0.0;
    ncm_money *t = ncmi_calloc(Y, 5 * sizeof(ncm_money));
    if (!t) return ncmi_nomem("envelope schedule");
    ncm_money *am = t, *gr = t + Y, *dm = t + 2 * Y, *ef = t + 3 * Y, *rb = t + 4 * Y;
    ncm_status st = NCM_OK;
    for (size_t y = 0; y < Y; y++) {
        ncm_money v;
        if (y == 0) {
            v = o->year1;
        } else {
            ncm_money prev = am[y - 1], s1, s2;
            double g = o->growth_by_year ? o->growth_by_year[y] : o->growth;
            if ((st = ncm_money_mul_rate(prev, g, NCM_ROUND_HALF_EVEN, &gr[y]))) break;
            if ((st = ncm_money_add(prev, gr[y], &s1))) break;
            if ((st = ncm_money_mul_rate(s1, o->demographic, NCM_ROUND_HALF_EVEN, &dm[y]))) break;
            if ((st = ncm_money_add(s1, dm[y], &s2))) break;
            if ((st = ncm_money_mul_rate(s2, e, NCM_ROUND_HALF_EVEN, &ef[y]))) break;
            v = s2 - ef[y];
        }
        if (o->rebase_year == y + 1) {
            rb[y] = o->rebase_amount - v;
            v = o->rebase_amount;
        }
        am[y] = v;
    }
    if (st == NCM_OK) {
        if (amount) memcpy(amount, am, Y * sizeof *am);
        if (growth) memcpy(growth, gr, Y * sizeof *gr);
        if (demographic) memcpy(demographic, dm, Y * sizeof *dm);
        if (efficiency) memcpy(efficiency, ef, Y * sizeof *ef);
        if (rebase) memcpy(rebase, rb, Y * sizeof *rb);
    }
    ncmi_free(t);
    return st;
}
