/* Risk models: one additive condition-category machine behind every provider (see include/ncm/risk.h).
 *
 * Loaders fill a builder (ncmi_rb: source records with names, file and line) which ncmi_risk_compile()
 * turns into bitset tables. Scoring maps each distinct diagnosis code of the population once, then scores
 * people with id lookups and word-wide bit operations: score_people() (every case, and the terms) or, for
 * models that fit its layout (at most 125 categories, at most 32 interactions of one or two members per
 * segment, as CMS-HCC V24 and V28) and calls without terms, score_fast(), which adds the same terms in
 * the same order and so gives the same bits (tests/test_risk.c, test_fast_matches_explained). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal/csv.h"
#include "internal/population_impl.h"
#include "internal/risk_impl.h"
#include "ncm/risk.h"

const char *const ncmi_rb_kind_names[NCMI_RB_NKINDS] = {
    "model", "option", "segment", "category", "code", "edit", "requires", "hierarchy", "group", "interaction",
    "count", "cell", "coefficient"};

/* Demographic lookup key: sex (0-2) x age (0-130) x medicaid (0-1) x OREC (0-3). */
#define NAGE (NCMI_AGE_TOP + 1)
#define NKEY (3 * NAGE * 2 * 4)
#define DKEY(sex, age, mcaid, orec) ((((size_t)(sex) * NAGE + (size_t)(age)) * 2 + (size_t)(mcaid)) * 4 + (size_t)(orec))

enum { FLAG_DISABLED, FLAG_ORIGDS, FLAG_MEDICAID, NFLAGS };
static const char *const flag_names[NFLAGS] = {"DISABLED", "ORIGDS", "MEDICAID"};

/* Fast scorer layout (scores only, see score_fast()): category c in word c / 63, bit c % 63 of two
 * words (at most 125 categories: bit 63 of each word is a sentinel, bit 126 FAST_EDIT with a zero coefficient). Interactions
 * of a segment with a non-zero coefficient (at most 32, each of one or two distinct members) are bits of
 * a word in the order score_people() adds them; a person's interaction k fires when bit k is set both in
 * A (its first member is present) and in B (its second member is present, or it has one member only),
 * kept as the low and high halves of one word. */
#define FAST_CATS 128
#define FAST_MAXCAT 125
#define FAST_POS(c) (((c) / 63) * 64 + (c) % 63)

typedef struct fast_demo {
    double sum;     /* demo_sum of the key */
    uint64_t flags; /* DISABLED | ORIGDS << 1 | MEDICAID << 2 (0 in demographic-only segments) */
} fast_demo;

/* Interactions whose first member (bits 0-31) or second member (bits 32-63) a category or flag set
 * provides. */
typedef uint64_t fast_ab;

typedef struct edit_rule {
    uint8_t sex;
    int16_t lo, hi;
    uint32_t cat_off, ncat;
} edit_rule;

struct ncm_risk_model {
    ncmi_rb rb;
    char *name;
    int prefix_match;
    int hier_direct; /* option hierarchy_direct: a category drops only its direct children */
    uint32_t nseg;
    uint32_t *seg_name;
    unsigned *seg_flags;
    uint32_t nterm;
    uint32_t *term_name;
    uint8_t *term_kind;
    uint32_t *name2term; /* per builder name id */
    size_t nnames;
    uint32_t ncat, nw, nfw, ngroup, ninter, nreq;
    uint64_t *hmask;     /* ncat * nw: what each category drops (descendants, or children with hier_direct) */
    uint64_t *group_mask; /* ngroup * nw */
    uint32_t *inter_term;
    uint64_t *inter_mask; /* ninter * nfw */
    uint64_t *cat_fmask;  /* ncat * nfw: the group bits each category sets in the feature words */
    uint64_t *piv_mask;   /* nfw: feature bits that are the pivot (first member) of some interaction */
    uint32_t *piv_off;    /* nfw * 64 + 1: interactions by pivot bit, as ranges of inter_order */
    uint32_t *inter_order;
    uint64_t *flag_fmask; /* 3 * nfw: the feature bit of DISABLED, ORIGDS, MEDICAID */
    uint32_t *req_cat;
    uint64_t *req_mask;   /* nreq * nw */
    uint32_t count_max;
    uint32_t *count_term; /* count_max + 1 entries, [0] = NONE */
    ncmi_dict *codes;
    uint32_t *code_off, *code_cats; /* ncode + 1 */
    uint32_t *edit_off;             /* ncode + 1 */
    edit_rule *edits;
    uint32_t *edit_cats;
    double *coef;        /* nseg * nterm, NaN = no coefficient */
    double *coef0;       /* the same with 0 for no coefficient */
    uint32_t *demo_off;  /* nseg * (NKEY + 1) */
    uint32_t *demo_terms;
    double *demo_sum;    /* nseg * NKEY: sum of the cell coefficients of each key, in cell order */
    /* fast scorer tables (fast != 0: at most 128 categories and 61 groups) */
    int fast;
    double *fcf;         /* nseg * FAST_CATS: category coefficient in the fast layout (0 when none) */
    fast_ab *fab;        /* nseg * FAST_CATS: interaction members each category provides */
    fast_ab *fflab;      /* nseg * 8: interaction members each flag set provides */
    double *fic;         /* nseg * 32: interaction coefficients in scoring order */
    fast_demo *fdemo;    /* nseg * NKEY */
    double *fcnt;        /* nseg * (count_max + 1): coefficient by min(count, count_max), [0] = 0 */
    uint64_t *fkeep;     /* nseg: ~0, or 0 for demographic-only segments */
    uint64_t freq[2];    /* categories that have a requires rule */
};

struct ncm_risk_result {
    size_t n;
    int has_terms;
    uint64_t *off;
    uint32_t *tid;
    double *tcoef;
    uint32_t nterm;
    char **names;
    uint8_t *kinds;
    uint32_t *unknown;
    uint64_t unknown_total;
    size_t nunk;
    char **unk_codes;
    uint64_t *unk_occ;
};

/* ------------------------------------------------------------------------------------------------ */
/* Builder                                                                                          */

ncm_status ncmi_rb_init(ncmi_rb *rb)
{
    memset(rb, 0, sizeof *rb);
    rb->names = ncmi_dict_new(256);
    if (!rb->names) return ncmi_nomem("risk model names");
    return NCM_OK;
}

void ncmi_rb_free(ncmi_rb *rb)
{
    if (!rb) return;
    ncmi_dict_free(rb->names);
    ncmi_free(rb->items);
    ncmi_free(rb->mem);
    memset(rb, 0, sizeof *rb);
}

ncm_status ncmi_rb_intern(ncmi_rb *rb, const char *s, uint32_t *id)
{
    ncm_status st = ncmi_dict_intern(rb->names, s, strlen(s), id, NULL);
    if (st == NCM_ERR_NOMEM) return ncmi_nomem("risk model names");
    if (st) return ncmi_error(st, "risk model: too many names");
    return NCM_OK;
}

ncm_status ncmi_rb_add(ncmi_rb *rb, int kind, const char *name, const char *seg, const char *members,
                       const char *file, size_t line, ncmi_rb_item **out)
{
    ncm_status st;
    if (rb->n == rb->cap) {
        size_t nc = rb->cap ? rb->cap * 2 : 256;
        ncmi_rb_item *p = ncmi_realloc_array(rb->items, nc, sizeof *p);
        if (!p) return ncmi_nomem("risk model records");
        rb->items = p;
        rb->cap = nc;
    }
    ncmi_rb_item it;
    memset(&it, 0, sizeof it);
    it.kind = (uint8_t)kind;
    it.medicaid = it.origds = it.disabled = -1;
    it.age_lo = it.age_hi = -1;
    it.seg = it.file = NCMI_NONE;
    it.line = (uint32_t)line;
    if ((st = ncmi_rb_intern(rb, name ? name : "", &it.name))) return st;
    if (seg && *seg && (st = ncmi_rb_intern(rb, seg, &it.seg))) return st;
    if (file && (st = ncmi_rb_intern(rb, file, &it.file))) return st;
    it.mem_off = (uint32_t)rb->nmem;
    const char *p = members;
    while (p && *p) {
        while (*p == ' ') p++;
        if (!*p) break;
        const char *q = p;
        while (*q && *q != ' ') q++;
        if (rb->nmem == rb->capmem) {
            size_t nc = rb->capmem ? rb->capmem * 2 : 512;
            uint32_t *m = ncmi_realloc_array(rb->mem, nc, sizeof *m);
            if (!m) return ncmi_nomem("risk model members");
            rb->mem = m;
            rb->capmem = nc;
        }
        uint32_t id;
        st = ncmi_dict_intern(rb->names, p, (size_t)(q - p), &id, NULL);
        if (st == NCM_ERR_NOMEM) return ncmi_nomem("risk model names");
        if (st) return ncmi_error(st, "risk model: too many names");
        rb->mem[rb->nmem++] = id;
        it.nmem++;
        p = q;
    }
    rb->items[rb->n] = it;
    *out = &rb->items[rb->n++];
    return NCM_OK;
}

size_t ncmi_risk_normalize_code(const char *s, char *dst, size_t cap)
{
    size_t k = 0;
    for (; *s; s++) {
        char c = *s;
        if (c == '.' || c == ' ') continue;
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        if (k + 1 >= cap) return (size_t)-1;
        dst[k++] = c;
    }
    dst[k] = 0;
    return k;
}

/* ------------------------------------------------------------------------------------------------ */
/* Compiler                                                                                         */

static const char *nm(const ncmi_rb *rb, uint32_t id) { return id == NCMI_NONE ? "" : ncmi_dict_str(rb->names, id); }

/* "file:line: " prefix for an item into buf. */
static const char *where(const ncmi_rb *rb, const ncmi_rb_item *it, char *buf, size_t cap)
{
    if (it->file == NCMI_NONE) snprintf(buf, cap, "(built-in): ");
    else snprintf(buf, cap, "%s:%lu: ", nm(rb, it->file), (unsigned long)it->line);
    return buf;
}

static void model_free_compiled(ncm_risk_model *m)
{
    ncmi_free(m->name);
    ncmi_free(m->seg_name);
    ncmi_free(m->seg_flags);
    ncmi_free(m->term_name);
    ncmi_free(m->term_kind);
    ncmi_free(m->name2term);
    ncmi_free(m->hmask);
    ncmi_free(m->group_mask);
    ncmi_free(m->inter_term);
    ncmi_free(m->inter_mask);
    ncmi_free(m->cat_fmask);
    ncmi_free(m->piv_mask);
    ncmi_free(m->piv_off);
    ncmi_free(m->inter_order);
    ncmi_free(m->flag_fmask);
    ncmi_free(m->req_cat);
    ncmi_free(m->req_mask);
    ncmi_free(m->count_term);
    ncmi_dict_free(m->codes);
    ncmi_free(m->code_off);
    ncmi_free(m->code_cats);
    ncmi_free(m->edit_off);
    ncmi_free(m->edits);
    ncmi_free(m->edit_cats);
    ncmi_free(m->coef);
    ncmi_free(m->coef0);
    ncmi_free(m->demo_off);
    ncmi_free(m->demo_terms);
    ncmi_free(m->demo_sum);
    ncmi_free(m->fcf);
    ncmi_free(m->fab);
    ncmi_free(m->fflab);
    ncmi_free(m->fic);
    ncmi_free(m->fdemo);
    ncmi_free(m->fcnt);
    ncmi_free(m->fkeep);
}

void ncm_risk_model_free(ncm_risk_model *m)
{
    if (!m) return;
    model_free_compiled(m);
    ncmi_rb_free(&m->rb);
    ncmi_free(m);
}

static inline uint32_t popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (uint32_t)((x * 0x0101010101010101ull) >> 56);
}

#define SETBIT(w, i) ((w)[(i) >> 6] |= (uint64_t)1 << ((i) & 63))
#define GETBIT(w, i) (((w)[(i) >> 6] >> ((i) & 63)) & 1u)

static int cell_matches(const ncmi_rb_item *c, unsigned sex, unsigned age, unsigned mcaid, unsigned orec)
{
    int disabled = age < 65 && orec != 0;
    int origds = (orec == 1 || orec == 3) && !disabled;
    if (c->sex && c->sex != sex) return 0;
    if (c->age_lo >= 0 && (int)age < c->age_lo) return 0;
    if (c->age_hi >= 0 && (int)age > c->age_hi) return 0;
    if (c->medicaid >= 0 && c->medicaid != (int)mcaid) return 0;
    if (c->origds >= 0 && c->origds != origds) return 0;
    if (c->disabled >= 0 && c->disabled != disabled) return 0;
    return 1;
}

/* Tables of the fast scorer (score_fast()): per segment, the category coefficients, the interaction
 * members each category (directly or through its groups) and each flag set provides, the interaction and
 * count coefficients, and the cell sums with the person's flags. Terms with a zero coefficient are left
 * out: adding +0 or -0 to a sum that is never -0 (it starts from a sum of cells that starts at +0) leaves
 * it unchanged, so both scorers give the same bits. Models the layout cannot hold keep fast = 0. */
static ncm_status build_fast(ncm_risk_model *m)
{
    m->fast = 0;
    if (m->ncat > FAST_MAXCAT) return NCM_OK;
    const size_t nseg = m->nseg, nfw = m->nfw, nbits = nfw * 64, cm = m->count_max;
    /* at most 32 scored interactions per segment, each of at most two distinct members */
    for (size_t s = 0; s < nseg; s++) {
        size_t k = 0;
        for (uint32_t q = 0; q < m->ninter; q++) {
            if (m->coef0[s * m->nterm + m->inter_term[q]] == 0) continue;
            uint32_t nm = 0;
            for (size_t v = 0; v < nfw; v++) nm += popcount64(m->inter_mask[(size_t)q * nfw + v]);
            if (nm > 2 || ++k > 32) return NCM_OK;
        }
    }
    m->fcf = ncmi_calloc(nseg * FAST_CATS, sizeof *m->fcf);
    m->fab = ncmi_calloc(nseg * FAST_CATS, sizeof *m->fab);
    m->fflab = ncmi_calloc(nseg * 8, sizeof *m->fflab);
    m->fic = ncmi_calloc(nseg * 32, sizeof *m->fic);
    m->fdemo = ncmi_malloc_array(nseg * NKEY, sizeof *m->fdemo);
    m->fcnt = ncmi_calloc(nseg * (cm + 1), sizeof *m->fcnt);
    m->fkeep = ncmi_calloc(nseg, sizeof *m->fkeep);
    if (!m->fcf || !m->fab || !m->fflab || !m->fic || !m->fdemo || !m->fcnt || !m->fkeep) return ncmi_nomem("risk fast tables");
    for (uint32_t r = 0; r < m->nreq; r++) m->freq[m->req_cat[r] >> 6] |= (uint64_t)1 << (m->req_cat[r] & 63);
    for (size_t s = 0; s < nseg; s++) {
        const double *cf0 = m->coef0 + s * m->nterm;
        m->fkeep[s] = (m->seg_flags[s] & NCM_RISK_SEGMENT_DEMOGRAPHIC_ONLY) ? 0 : ~(uint64_t)0;
        for (uint32_t c = 0; c < m->ncat; c++) m->fcf[s * FAST_CATS + FAST_POS(c)] = cf0[c];
        for (unsigned sx = 0; sx < 3; sx++)
            for (unsigned a = 0; a < NAGE; a++)
                for (unsigned mc = 0; mc < 2; mc++)
                    for (unsigned oc = 0; oc < 4; oc++) {
                        size_t key = DKEY(sx, a, mc, oc);
                        unsigned disabled = a < 65 && oc != 0, origds = (oc == 1 || oc == 3) && !disabled;
                        fast_demo *d = &m->fdemo[s * NKEY + key];
                        d->sum = m->demo_sum[s * NKEY + key];
                        d->flags = m->fkeep[s] ? (uint64_t)(disabled | origds << 1 | mc << 2) : 0;
                    }
        for (size_t k = 1; k <= cm; k++) m->fcnt[s * (cm + 1) + k] = cf0[m->count_term[k]];
        /* interactions in the order of score_people(): by pivot bit, then as declared */
        fast_ab *ab = m->fab + s * FAST_CATS, *fl = m->fflab + s * 8;
        uint32_t nf = 0;
        for (size_t b = 0; b < nbits; b++)
            for (uint32_t k = m->piv_off[b]; k < m->piv_off[b + 1]; k++) {
                uint32_t q = m->inter_order[k];
                double c = cf0[m->inter_term[q]];
                if (c == 0) continue;
                const uint64_t bit = (uint64_t)1 << nf;
                m->fic[s * 32 + nf++] = c;
                const uint64_t *im = m->inter_mask + (size_t)q * nfw;
                int slot = 0;
                for (size_t x = 0; x < nbits; x++) {
                    if (!GETBIT(im, x)) continue;
                    /* member x provides slot a (first) or b (second) of this interaction */
                    const uint64_t sb = slot ? bit << 32 : bit;
                    if (x < m->ncat) ab[FAST_POS(x)] |= sb;
                    else if (x < (size_t)m->ncat + m->ngroup) {
                        for (uint32_t cc = 0; cc < m->ncat; cc++)
                            if (GETBIT(m->group_mask + (x - m->ncat) * m->nw, cc)) ab[FAST_POS(cc)] |= sb;
                    } else {
                        unsigned f = (unsigned)(x - m->ncat - m->ngroup);
                        for (unsigned v = 0; v < 8; v++)
                            if ((v >> f) & 1u) fl[v] |= sb;
                    }
                    slot++;
                }
                if (slot == 1)
                    for (unsigned v = 0; v < 8; v++) fl[v] |= bit << 32; /* one member: the second is always there */
            }
    }
    m->fast = 1;
    return NCM_OK;
}

ncm_status ncmi_risk_compile(ncmi_rb *rb, ncm_risk_model **out)
{
    ncm_status st = NCM_OK;
    char wb[320];
    ncm_risk_model *m = ncmi_calloc(1, sizeof *m);
    uint32_t *role_cat = NULL, *role_grp = NULL, *role_seg = NULL, *cnt = NULL, *cellidx = NULL, *segcells = NULL;
    uint64_t *reach = NULL;
    if (!m) return ncmi_nomem("risk model");
    size_t nitems = rb->n;

    /* 0. name, options, count term names, default segment name. */
    const ncmi_rb_item *count_it = NULL;
    const char *mname = "risk model";
    for (size_t i = 0; i < nitems; i++) {
        const ncmi_rb_item *it = &rb->items[i];
        if (it->kind == NCMI_RB_MODEL) mname = nm(rb, it->name);
        else if (it->kind == NCMI_RB_OPTION) {
            if (!strcmp(nm(rb, it->name), "prefix_match")) m->prefix_match = it->value != 0;
            else if (!strcmp(nm(rb, it->name), "hierarchy_direct")) m->hier_direct = it->value != 0;
            else {
                st = ncmi_error(NCM_ERR_PARSE, "%soption '%s': unknown option (known: prefix_match, hierarchy_direct)",
                                where(rb, it, wb, sizeof wb), nm(rb, it->name));
                goto fail;
            }
        } else if (it->kind == NCMI_RB_COUNT) {
            if (count_it) {
                st = ncmi_error(NCM_ERR_DUPLICATE, "%scount '%s': a model has at most one count term set",
                                where(rb, it, wb, sizeof wb), nm(rb, it->name));
                goto fail;
            }
            if (!(it->value >= 1 && it->value <= 1000) || it->value != floor(it->value)) {
                st = ncmi_error(NCM_ERR_RANGE, "%scount '%s': top count must be a whole number from 1 to 1000",
                                where(rb, it, wb, sizeof wb), nm(rb, it->name));
                goto fail;
            }
            count_it = it;
        }
    }
    if (!(m->name = ncmi_strdup(mname))) { st = ncmi_nomem("risk model name"); goto fail; }
    uint32_t all_id;
    if ((st = ncmi_rb_intern(rb, "ALL", &all_id))) goto fail;
    if (count_it) {
        m->count_max = (uint32_t)count_it->value;
        if (!(m->count_term = ncmi_malloc_array(m->count_max + 1, sizeof *m->count_term))) {
            st = ncmi_nomem("risk count terms");
            goto fail;
        }
        for (uint32_t k = 1; k <= m->count_max; k++) {
            char t[128];
            snprintf(t, sizeof t, "%s%u%s", nm(rb, count_it->name), k, k == m->count_max ? "P" : "");
            if ((st = ncmi_rb_intern(rb, t, &m->count_term[k]))) goto fail; /* name ids for now */
        }
        m->count_term[0] = NCMI_NONE;
    }
    size_t nn = ncmi_dict_size(rb->names);
    m->nnames = nn;
    role_cat = ncmi_malloc_array(nn, sizeof *role_cat);
    role_grp = ncmi_malloc_array(nn, sizeof *role_grp);
    role_seg = ncmi_malloc_array(nn, sizeof *role_seg);
    m->name2term = ncmi_malloc_array(nn, sizeof *m->name2term);
    if (!role_cat || !role_grp || !role_seg || !m->name2term) { st = ncmi_nomem("risk model tables"); goto fail; }
    for (size_t k = 0; k < nn; k++) role_cat[k] = role_grp[k] = role_seg[k] = m->name2term[k] = NCMI_NONE;

    /* 1. segments: declared ones, then those referenced by cells and coefficients; "ALL" if none. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < nitems; i++) {
            const ncmi_rb_item *it = &rb->items[i];
            uint32_t s;
            if (pass == 0 && it->kind == NCMI_RB_SEGMENT) s = it->name;
            else if (pass == 1 && (it->kind == NCMI_RB_CELL || it->kind == NCMI_RB_COEFFICIENT) && it->seg != NCMI_NONE)
                s = it->seg;
            else continue;
            if (role_seg[s] != NCMI_NONE) {
                if (pass == 0) {
                    st = ncmi_error(NCM_ERR_DUPLICATE, "%ssegment '%s' is declared twice", where(rb, it, wb, sizeof wb), nm(rb, s));
                    goto fail;
                }
                continue;
            }
            role_seg[s] = m->nseg++;
        }
    if (m->nseg == 0) role_seg[all_id] = m->nseg++;
    m->seg_name = ncmi_malloc_array(m->nseg, sizeof *m->seg_name);
    m->seg_flags = ncmi_calloc(m->nseg, sizeof *m->seg_flags);
    if (!m->seg_name || !m->seg_flags) { st = ncmi_nomem("risk segments"); goto fail; }
    for (size_t k = 0; k < nn; k++)
        if (role_seg[k] != NCMI_NONE) m->seg_name[role_seg[k]] = (uint32_t)k;
    for (size_t i = 0; i < nitems; i++)
        if (rb->items[i].kind == NCMI_RB_SEGMENT) m->seg_flags[role_seg[rb->items[i].name]] = (unsigned)rb->items[i].value;

    /* 2. categories, in order of first mention. */
    for (size_t i = 0; i < nitems; i++) {
        const ncmi_rb_item *it = &rb->items[i];
        int k = it->kind;
        if (k == NCMI_RB_CATEGORY || k == NCMI_RB_REQUIRES || k == NCMI_RB_HIERARCHY)
            if (role_cat[it->name] == NCMI_NONE) role_cat[it->name] = m->ncat++;
        if (k == NCMI_RB_CODE || k == NCMI_RB_EDIT || k == NCMI_RB_REQUIRES || k == NCMI_RB_HIERARCHY)
            for (uint32_t j = 0; j < it->nmem; j++)
                if (role_cat[rb->mem[it->mem_off + j]] == NCMI_NONE) role_cat[rb->mem[it->mem_off + j]] = m->ncat++;
    }
    m->nw = (m->ncat + 63) / 64;
    if (m->nw == 0) m->nw = 1;

    /* 3. groups. */
    for (size_t i = 0; i < nitems; i++) {
        const ncmi_rb_item *it = &rb->items[i];
        if (it->kind != NCMI_RB_GROUP) continue;
        if (role_cat[it->name] != NCMI_NONE || role_grp[it->name] != NCMI_NONE) {
            st = ncmi_error(NCM_ERR_DUPLICATE, "%sgroup '%s': name already used by a %s", where(rb, it, wb, sizeof wb),
                            nm(rb, it->name), role_cat[it->name] != NCMI_NONE ? "category" : "group");
            goto fail;
        }
        for (uint32_t j = 0; j < it->nmem; j++)
            if (role_cat[rb->mem[it->mem_off + j]] == NCMI_NONE) {
                st = ncmi_error(NCM_ERR_NOT_FOUND, "%sgroup '%s': unknown category '%s'", where(rb, it, wb, sizeof wb),
                                nm(rb, it->name), nm(rb, rb->mem[it->mem_off + j]));
                goto fail;
            }
        role_grp[it->name] = m->ngroup++;
    }
    m->nfw = (m->ncat + m->ngroup + NFLAGS + 63) / 64;
    if (!(m->group_mask = ncmi_calloc((size_t)m->ngroup * m->nw + 1, sizeof(uint64_t)))) { st = ncmi_nomem("risk groups"); goto fail; }
    for (size_t i = 0; i < nitems; i++) {
        const ncmi_rb_item *it = &rb->items[i];
        if (it->kind != NCMI_RB_GROUP) continue;
        uint64_t *gm = m->group_mask + (size_t)role_grp[it->name] * m->nw;
        for (uint32_t j = 0; j < it->nmem; j++) SETBIT(gm, role_cat[rb->mem[it->mem_off + j]]);
    }

    /* 4. interactions. */
    size_t ninter = 0;
    for (size_t i = 0; i < nitems; i++)
        if (rb->items[i].kind == NCMI_RB_INTERACTION) ninter++;
    m->inter_term = ncmi_malloc_array(ninter + 1, sizeof *m->inter_term);
    m->inter_mask = ncmi_calloc(ninter * m->nfw + 1, sizeof(uint64_t));
    if (!m->inter_term || !m->inter_mask) { st = ncmi_nomem("risk interactions"); goto fail; }
    for (size_t i = 0; i < nitems; i++) {
        const ncmi_rb_item *it = &rb->items[i];
        if (it->kind != NCMI_RB_INTERACTION) continue;
        if (role_cat[it->name] != NCMI_NONE || role_grp[it->name] != NCMI_NONE || m->name2term[it->name] != NCMI_NONE) {
            st = ncmi_error(NCM_ERR_DUPLICATE, "%sinteraction '%s': name already used", where(rb, it, wb, sizeof wb),
                            nm(rb, it->name));
            goto fail;
        }
        if (it->nmem == 0) {
            st = ncmi_error(NCM_ERR_PARSE, "%sinteraction '%s': no members", where(rb, it, wb, sizeof wb), nm(rb, it->name));
            goto fail;
        }
        uint64_t *im = m->inter_mask + (size_t)m->ninter * m->nfw;
        for (uint32_t j = 0; j < it->nmem; j++) {
            uint32_t x = rb->mem[it->mem_off + j];
            const char *xs = nm(rb, x);
            int f;
            for (f = 0; f < NFLAGS; f++)
                if (!strcmp(xs, flag_names[f])) break;
            if (role_cat[x] != NCMI_NONE) SETBIT(im, role_cat[x]);
            else if (role_grp[x] != NCMI_NONE) SETBIT(im, m->ncat + role_grp[x]);
            else if (f < NFLAGS) SETBIT(im, m->ncat + m->ngroup + (uint32_t)f);
            else {
                st = ncmi_error(NCM_ERR_NOT_FOUND, "%sinteraction '%s': unknown group or category '%s'",
                                where(rb, it, wb, sizeof wb), nm(rb, it->name), xs);
                goto fail;
            }
        }
        m->name2term[it->name] = 0; /* mark as used; real term ids below */
        m->inter_term[m->ninter++] = it->name;
    }

    /* 4b. feature bits each category sets (its groups), and interactions indexed by their first member. */
    {
        size_t nfw = m->nfw, nbits = nfw * 64;
        m->cat_fmask = ncmi_calloc((size_t)m->ncat * nfw + 1, sizeof(uint64_t));
        m->piv_mask = ncmi_calloc(nfw + 1, sizeof(uint64_t));
        m->piv_off = ncmi_calloc(nbits + 2, sizeof(uint32_t));
        m->inter_order = ncmi_malloc_array((size_t)m->ninter + 1, sizeof(uint32_t));
        if (!m->cat_fmask || !m->piv_mask || !m->piv_off || !m->inter_order) { st = ncmi_nomem("risk interactions"); goto fail; }
        if (!(m->flag_fmask = ncmi_calloc(NFLAGS * nfw, sizeof(uint64_t)))) { st = ncmi_nomem("risk interactions"); goto fail; }
        for (uint32_t f = 0; f < NFLAGS; f++) SETBIT(m->flag_fmask + f * nfw, m->ncat + m->ngroup + f);
        for (uint32_t g = 0; g < m->ngroup; g++)
            for (uint32_t c = 0; c < m->ncat; c++)
                if (GETBIT(m->group_mask + (size_t)g * m->nw, c)) SETBIT(m->cat_fmask + (size_t)c * nfw, m->ncat + g);
        uint32_t *pivot = m->inter_order; /* temporarily the pivot bit of each interaction */
        for (uint32_t q = 0; q < m->ninter; q++) {
            const uint64_t *im = m->inter_mask + (size_t)q * nfw;
            /* pivot: the first member as declared */
            const ncmi_rb_item *it = NULL;
            for (size_t i = 0, k = 0; i < nitems; i++)
                if (rb->items[i].kind == NCMI_RB_INTERACTION && k++ == q) { it = &rb->items[i]; break; }
            uint32_t x = rb->mem[it->mem_off], bit = NCMI_NONE;
            if (role_cat[x] != NCMI_NONE) bit = role_cat[x];
            else if (role_grp[x] != NCMI_NONE) bit = m->ncat + role_grp[x];
            else
                for (size_t b = 0; b < nbits; b++)
                    if (GETBIT(im, b)) { bit = (uint32_t)b; break; }
            pivot[q] = bit;
            SETBIT(m->piv_mask, bit);
            m->piv_off[bit + 1]++;
        }
        for (size_t b = 0; b < nbits; b++) m->piv_off[b + 1] += m->piv_off[b];
        uint32_t *fill = ncmi_calloc(nbits + 1, sizeof *fill), *order = ncmi_malloc_array((size_t)m->ninter + 1, sizeof *order);
        if (!fill || !order) { ncmi_free(fill); ncmi_free(order); st = ncmi_nomem("risk interactions"); goto fail; }
        for (uint32_t q = 0; q < m->ninter; q++) order[m->piv_off[pivot[q]] + fill[pivot[q]]++] = q;
        ncmi_free(fill);
        ncmi_free(m->inter_order);
        m->inter_order = order;
    }

    /* 5. terms: categories, interactions, count terms, demographic cells. */
    {
        size_t ncells = 0;
        for (size_t i = 0; i < nitems; i++)
            if (rb->items[i].kind == NCMI_RB_CELL) ncells++;
        size_t cap = (size_t)m->ncat + m->ninter + m->count_max + ncells + 1;
        m->term_name = ncmi_malloc_array(cap, sizeof *m->term_name);
        m->term_kind = ncmi_malloc_array(cap, sizeof *m->term_kind);
        if (!m->term_name || !m->term_kind) { st = ncmi_nomem("risk terms"); goto fail; }
        for (size_t k = 0; k < nn; k++) m->name2term[k] = NCMI_NONE;
        for (size_t k = 0; k < nn; k++)
            if (role_cat[k] != NCMI_NONE) {
                m->term_name[role_cat[k]] = (uint32_t)k;
                m->term_kind[role_cat[k]] = NCM_RISK_TERM_CATEGORY;
                m->name2term[k] = role_cat[k];
            }
        m->nterm = m->ncat;
        for (uint32_t k = 0; k < m->ninter; k++) {
            uint32_t id = m->inter_term[k];
            m->term_name[m->nterm] = id;
            m->term_kind[m->nterm] = NCM_RISK_TERM_INTERACTION;
            m->name2term[id] = m->nterm;
            m->inter_term[k] = m->nterm++;
        }
        for (uint32_t k = 1; k <= m->count_max; k++) {
            uint32_t id = m->count_term[k];
            if (m->name2term[id] != NCMI_NONE || role_grp[id] != NCMI_NONE) {
                st = ncmi_error(NCM_ERR_DUPLICATE, "%scount term '%s' clashes with another name",
                                where(rb, count_it, wb, sizeof wb), nm(rb, id));
                goto fail;
            }
            m->term_name[m->nterm] = id;
            m->term_kind[m->nterm] = NCM_RISK_TERM_COUNT;
            m->name2term[id] = m->nterm;
            m->count_term[k] = m->nterm++;
        }
        for (size_t i = 0; i < nitems; i++) {
            const ncmi_rb_item *it = &rb->items[i];
            if (it->kind != NCMI_RB_CELL) continue;
            uint32_t t = m->name2term[it->name];
            if (t == NCMI_NONE) {
                if (role_grp[it->name] != NCMI_NONE) {
                    st = ncmi_error(NCM_ERR_DUPLICATE, "%scell '%s': name already used by a group", where(rb, it, wb, sizeof wb), nm(rb, it->name));
                    goto fail;
                }
                t = m->nterm++;
                m->term_name[t] = it->name;
                m->term_kind[t] = NCM_RISK_TERM_DEMOGRAPHIC;
                m->name2term[it->name] = t;
            } else if (m->term_kind[t] != NCM_RISK_TERM_DEMOGRAPHIC) {
                st = ncmi_error(NCM_ERR_DUPLICATE, "%scell '%s': name already used by a category, interaction or count term",
                                where(rb, it, wb, sizeof wb), nm(rb, it->name));
                goto fail;
            }
        }
    }

    /* 6. coefficients. */
    {
        size_t nc = (size_t)m->nseg * m->nterm;
        if (!(m->coef = ncmi_malloc_array(nc + 1, sizeof *m->coef))) { st = ncmi_nomem("risk coefficients"); goto fail; }
        for (size_t k = 0; k < nc; k++) m->coef[k] = NAN;
        for (size_t i = 0; i < nitems; i++) {
            const ncmi_rb_item *it = &rb->items[i];
            if (it->kind != NCMI_RB_CELL && it->kind != NCMI_RB_COEFFICIENT) continue;
            uint32_t s = it->seg == NCMI_NONE ? 0 : role_seg[it->seg];
            uint32_t t = m->name2term[it->name];
            if (t == NCMI_NONE) {
                st = ncmi_error(NCM_ERR_NOT_FOUND, "%scoefficient %s%s%s: unknown term '%s'", where(rb, it, wb, sizeof wb),
                                nm(rb, it->seg), it->seg == NCMI_NONE ? "" : "_", nm(rb, it->name), nm(rb, it->name));
                goto fail;
            }
            if (!isfinite(it->value)) {
                st = ncmi_error(NCM_ERR_RANGE, "%scoefficient '%s' is not finite", where(rb, it, wb, sizeof wb), nm(rb, it->name));
                goto fail;
            }
            double *c = &m->coef[(size_t)s * m->nterm + t];
            if (!isnan(*c)) {
                st = ncmi_error(NCM_ERR_DUPLICATE, "%scoefficient %s%s%s is given twice", where(rb, it, wb, sizeof wb),
                                nm(rb, m->seg_name[s]), "_", nm(rb, it->name));
                goto fail;
            }
            *c = it->value;
        }
        if (!(m->coef0 = ncmi_malloc_array(nc + 1, sizeof *m->coef0))) { st = ncmi_nomem("risk coefficients"); goto fail; }
        for (size_t k = 0; k < nc; k++) m->coef0[k] = isnan(m->coef[k]) ? 0.0 : m->coef[k];
    }

    /* 7. hierarchies: transitive closure with a cycle check. With the option hierarchy_direct (the CMS
     * importer) a category drops only the children listed for it, as the CMS software does: V28 lists
     * 62 > 63 and 63 > 202 but not 62 > 202, so HCC62 without HCC63 keeps HCC202. */
    {
        size_t nw = m->nw;
        uint64_t *direct = NULL;
        reach = ncmi_calloc((size_t)m->ncat * nw + 1, sizeof *reach);
        if (!reach) { st = ncmi_nomem("risk hierarchies"); goto fail; }
        for (size_t i = 0; i < nitems; i++) {
            const ncmi_rb_item *it = &rb->items[i];
            if (it->kind != NCMI_RB_HIERARCHY) continue;
            uint32_t p = role_cat[it->name];
            for (uint32_t j = 0; j < it->nmem; j++) {
                uint32_t c = role_cat[rb->mem[it->mem_off + j]];
                if (c == p) {
                    st = ncmi_error(NCM_ERR_INCONSISTENT, "%shierarchy cycle: '%s' is its own parent", where(rb, it, wb, sizeof wb), nm(rb, it->name));
                    goto fail;
                }
                SETBIT(reach + (size_t)p * nw, c);
            }
        }
        if (m->hier_direct) {
            direct = ncmi_malloc_array((size_t)m->ncat * nw + 1, sizeof *direct);
            if (!direct) { st = ncmi_nomem("risk hierarchies"); goto fail; }
            memcpy(direct, reach, ((size_t)m->ncat * nw + 1) * sizeof *direct);
        }
        for (uint32_t k = 0; k < m->ncat; k++)
            for (uint32_t i = 0; i < m->ncat; i++)
                if (GETBIT(reach + (size_t)i * nw, k))
                    for (size_t w = 0; w < nw; w++) reach[(size_t)i * nw + w] |= reach[(size_t)k * nw + w];
        for (size_t i = nitems; i-- > 0;) {
            const ncmi_rb_item *it = &rb->items[i];
            if (it->kind != NCMI_RB_HIERARCHY) continue;
            uint32_t p = role_cat[it->name];
            for (uint32_t j = 0; j < it->nmem; j++) {
                uint32_t c = role_cat[rb->mem[it->mem_off + j]];
                if (GETBIT(reach + (size_t)c * nw, p)) {
                    st = ncmi_error(NCM_ERR_INCONSISTENT, "%shierarchy cycle: '%s' -> '%s' closes a cycle ('%s' is already below '%s')",
                                    where(rb, it, wb, sizeof wb), nm(rb, it->name), nm(rb, rb->mem[it->mem_off + j]),
                                    nm(rb, it->name), nm(rb, rb->mem[it->mem_off + j]));
                    ncmi_free(direct);
                    goto fail;
                }
            }
        }
        if (direct) {
            ncmi_free(reach);
            reach = direct;
        }
        m->hmask = reach;
        reach = NULL;
    }

    /* 8. requires rules. */
    for (size_t i = 0; i < nitems; i++)
        if (rb->items[i].kind == NCMI_RB_REQUIRES) m->nreq++;
    m->req_cat = ncmi_malloc_array((size_t)m->nreq + 1, sizeof *m->req_cat);
    m->req_mask = ncmi_calloc((size_t)m->nreq * m->nw + 1, sizeof(uint64_t));
    if (!m->req_cat || !m->req_mask) { st = ncmi_nomem("risk rules"); goto fail; }
    for (size_t i = 0, r = 0; i < nitems; i++) {
        const ncmi_rb_item *it = &rb->items[i];
        if (it->kind != NCMI_RB_REQUIRES) continue;
        m->req_cat[r] = role_cat[it->name];
        for (uint32_t j = 0; j < it->nmem; j++) SETBIT(m->req_mask + r * m->nw, role_cat[rb->mem[it->mem_off + j]]);
        r++;
    }

    /* 9. codes and edits. */
    {
        size_t ncodeitems = 0, nedit = 0, ncatref = 0, neditcat = 0;
        for (size_t i = 0; i < nitems; i++) {
            const ncmi_rb_item *it = &rb->items[i];
            if (it->kind == NCMI_RB_CODE) { ncodeitems++; ncatref += it->nmem; }
            if (it->kind == NCMI_RB_EDIT) { nedit++; neditcat += it->nmem; }
        }
        size_t maxcodes = ncodeitems + nedit;
        m->codes = ncmi_dict_new(maxcodes);
        cnt = ncmi_calloc(maxcodes + 2, sizeof *cnt);
        uint32_t *ecnt = NULL;
        if (!m->codes || !cnt) { st = ncmi_nomem("risk codes"); goto fail; }
        if (!(cellidx = ncmi_malloc_array(nitems + 1, sizeof *cellidx))) { st = ncmi_nomem("risk codes"); goto fail; }
        for (size_t i = 0; i < nitems; i++) {
            const ncmi_rb_item *it = &rb->items[i];
            cellidx[i] = NCMI_NONE;
            if (it->kind != NCMI_RB_CODE && it->kind != NCMI_RB_EDIT) continue;
            uint32_t cid;
            const char *s = nm(rb, it->name);
            st = ncmi_dict_intern(m->codes, s, strlen(s), &cid, NULL);
            if (st) { st = st == NCM_ERR_NOMEM ? ncmi_nomem("risk codes") : ncmi_error(st, "risk codes: too many"); goto fail; }
            cellidx[i] = cid;
        }
        size_t ncode = ncmi_dict_size(m->codes);
        m->code_off = ncmi_calloc(ncode + 1, sizeof *m->code_off);
        m->edit_off = ncmi_calloc(ncode + 1, sizeof *m->edit_off);
        m->code_cats = ncmi_malloc_array(ncatref + 1, sizeof *m->code_cats);
        m->edits = ncmi_malloc_array(nedit + 1, sizeof *m->edits);
        m->edit_cats = ncmi_malloc_array(neditcat + 1, sizeof *m->edit_cats);
        ecnt = ncmi_calloc(ncode + 2, sizeof *ecnt);
        if (!m->code_off || !m->edit_off || !m->code_cats || !m->edits || !m->edit_cats || !ecnt) {
            ncmi_free(ecnt);
            st = ncmi_nomem("risk codes");
            goto fail;
        }
        for (size_t i = 0; i < nitems; i++) {
            const ncmi_rb_item *it = &rb->items[i];
            if (it->kind == NCMI_RB_CODE) cnt[cellidx[i] + 1] += it->nmem;
            else if (it->kind == NCMI_RB_EDIT) ecnt[cellidx[i] + 1]++;
        }
        for (size_t c = 0; c < ncode; c++) {
            m->code_off[c + 1] = m->code_off[c] + cnt[c + 1];
            m->edit_off[c + 1] = m->edit_off[c] + ecnt[c + 1];
            cnt[c + 1] = 0;
            ecnt[c + 1] = 0;
        }
        uint32_t ecat = 0;
        for (size_t i = 0; i < nitems; i++) {
            const ncmi_rb_item *it = &rb->items[i];
            uint32_t c = cellidx[i];
            if (it->kind == NCMI_RB_CODE) {
                for (uint32_t j = 0; j < it->nmem; j++)
                    m->code_cats[m->code_off[c] + cnt[c + 1]++] = role_cat[rb->mem[it->mem_off + j]];
            } else if (it->kind == NCMI_RB_EDIT) {
                edit_rule *e = &m->edits[m->edit_off[c] + ecnt[c + 1]++];
                e->sex = it->sex;
                e->lo = it->age_lo;
                e->hi = it->age_hi;
                e->cat_off = ecat;
                e->ncat = it->nmem;
                for (uint32_t j = 0; j < it->nmem; j++) m->edit_cats[ecat++] = role_cat[rb->mem[it->mem_off + j]];
            }
        }
        ncmi_free(ecnt);
    }

    /* 10. demographic lookup per segment. */
    {
        size_t ncells = 0;
        for (size_t i = 0; i < nitems; i++)
            if (rb->items[i].kind == NCMI_RB_CELL) ncells++;
        segcells = ncmi_malloc_array(ncells + 1, sizeof *segcells);
        m->demo_off = ncmi_malloc_array((size_t)m->nseg * (NKEY + 1), sizeof *m->demo_off);
        if (!segcells || !m->demo_off) { st = ncmi_nomem("risk demographic cells"); goto fail; }
        size_t total = 0;
        for (int pass = 0; pass < 2; pass++) {
            size_t pos = 0;
            for (uint32_t s = 0; s < m->nseg; s++) {
                size_t nsc = 0;
                for (size_t i = 0; i < nitems; i++) {
                    const ncmi_rb_item *it = &rb->items[i];
                    if (it->kind == NCMI_RB_CELL && (it->seg == NCMI_NONE ? 0 : role_seg[it->seg]) == s) segcells[nsc++] = (uint32_t)i;
                }
                uint32_t *off = m->demo_off + (size_t)s * (NKEY + 1);
                for (unsigned sex = 0; sex < 3; sex++)
                    for (unsigned age = 0; age < NAGE; age++)
                        for (unsigned mc = 0; mc < 2; mc++)
                            for (unsigned orec = 0; orec < 4; orec++) {
                                size_t key = DKEY(sex, age, mc, orec);
                                if (pass == 1) off[key] = (uint32_t)pos;
                                for (size_t k = 0; k < nsc; k++) {
                                    const ncmi_rb_item *c = &rb->items[segcells[k]];
                                    if (!cell_matches(c, sex, age, mc, orec)) continue;
                                    if (pass == 1) m->demo_terms[pos] = m->name2term[c->name];
                                    pos++;
                                }
                            }
                if (pass == 1) off[NKEY] = (uint32_t)pos;
            }
            if (pass == 0) {
                total = pos;
                if (total > UINT32_MAX) { st = ncmi_error(NCM_ERR_OVERFLOW, "risk model: too many demographic cells"); goto fail; }
                if (!(m->demo_terms = ncmi_malloc_array(total + 1, sizeof *m->demo_terms))) { st = ncmi_nomem("risk demographic cells"); goto fail; }
            }
        }
    }

    if (!(m->demo_sum = ncmi_malloc_array((size_t)m->nseg * NKEY, sizeof *m->demo_sum))) { st = ncmi_nomem("risk demographic cells"); goto fail; }
    for (uint32_t s = 0; s < m->nseg; s++) {
        const uint32_t *off = m->demo_off + (size_t)s * (NKEY + 1);
        for (size_t key = 0; key < NKEY; key++) {
            double sum = 0;
            for (uint32_t k = off[key]; k < off[key + 1]; k++) sum += m->coef0[(size_t)s * m->nterm + m->demo_terms[k]];
            m->demo_sum[(size_t)s * NKEY + key] = sum;
        }
    }
    if ((st = build_fast(m))) goto fail;
    ncmi_free(role_cat);
    ncmi_free(role_grp);
    ncmi_free(role_seg);
    ncmi_free(cnt);
    ncmi_free(cellidx);
    ncmi_free(segcells);
    m->rb = *rb;
    memset(rb, 0, sizeof *rb);
    *out = m;
    return NCM_OK;
fail:
    ncmi_free(role_cat);
    ncmi_free(role_grp);
    ncmi_free(role_seg);
    ncmi_free(cnt);
    ncmi_free(cellidx);
    ncmi_free(segcells);
    ncmi_free(reach);
    model_free_compiled(m);
    ncmi_free(m);
    return st;
}

/* ------------------------------------------------------------------------------------------------ */
/* Accessors                                                                                        */

const char *ncm_risk_model_name(const ncm_risk_model *m) { return m ? m->name : ""; }
size_t ncm_risk_model_term_count(const ncm_risk_model *m) { return m ? m->nterm : 0; }

ncm_status ncm_risk_model_coefficient(const ncm_risk_model *m, const char *segment, const char *term, double *value)
{
    if (!m || !term || !value) return ncmi_error(NCM_ERR_INVALID, "ncm_risk_model_coefficient: NULL argument");
    uint32_t s = 0, id, t;
    if (segment && *segment) {
        for (s = 0; s < m->nseg; s++)
            if (!strcmp(nm(&m->rb, m->seg_name[s]), segment)) break;
        if (s == m->nseg) return ncmi_error(NCM_ERR_NOT_FOUND, "%s: no segment '%s'", m->name, segment);
    }
    if (!ncmi_dict_find(m->rb.names, term, strlen(term), &id) || id >= m->nnames || (t = m->name2term[id]) == NCMI_NONE)
        return ncmi_error(NCM_ERR_NOT_FOUND, "%s: no term '%s'", m->name, term);
    double c = m->coef[(size_t)s * m->nterm + t];
    if (isnan(c)) return ncmi_error(NCM_ERR_NOT_FOUND, "%s: segment '%s' has no coefficient for '%s'", m->name,
                                    nm(&m->rb, m->seg_name[s]), term);
    *value = c;
    return NCM_OK;
}

void ncm_risk_options_init(ncm_risk_options *o)
{
    if (!o) return;
    ncm_risk_options d = NCM_RISK_OPTIONS_INIT;
    *o = d;
}

/* ------------------------------------------------------------------------------------------------ */
/* Scoring                                                                                          */

void ncm_risk_result_free(ncm_risk_result *r)
{
    if (!r) return;
    ncmi_free(r->off);
    ncmi_free(r->tid);
    ncmi_free(r->tcoef);
    if (r->names)
        for (uint32_t k = 0; k < r->nterm; k++) ncmi_free(r->names[k]);
    ncmi_free(r->names);
    ncmi_free(r->kinds);
    ncmi_free(r->unknown);
    if (r->unk_codes)
        for (size_t k = 0; k < r->nunk; k++) ncmi_free(r->unk_codes[k]);
    ncmi_free(r->unk_codes);
    ncmi_free(r->unk_occ);
    ncmi_free(r);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Grow the term arrays of r to hold at least need entries. */
static int grow_terms(ncm_risk_result *r, size_t *cap, size_t need)
{
    if (need <= *cap) return 1;
    size_t nc = *cap ? *cap : 1024;
    while (nc < need) nc *= 2;
    uint32_t *t = ncmi_realloc_array(r->tid, nc, sizeof *t);
    if (!t) return 0;
    r->tid = t;
    double *c = ncmi_realloc_array(r->tcoef, nc, sizeof *c);
    if (!c) return 0;
    r->tcoef = c;
    *cap = nc;
    return 1;
}

typedef struct score_ctx {
    const ncm_risk_model *m;
    size_t n;
    const uint32_t *segmap, *segid;
    const int32_t *age;
    const uint8_t *sex, *orec, *mcaid;
    const uint64_t *dxoff;
    const uint32_t *dxid;
    const uint32_t *pc_flag;
    const uint64_t *pc_mask;
    const uint32_t *pc_code, *pc_off, *pc_cats;
    uint64_t *unk_occ;
    uint32_t *unknown;
    int want_terms;
    ncm_risk_result *r;
    size_t *tcap;
    uint64_t unk_total;
    double *scratch;
    uint64_t *feat, *drop;
    ncm_status st;
} score_ctx;

/* The per-person loop. Inlined with constant nw/nfw for the common sizes so the word loops unroll. */
static inline __attribute__((always_inline)) void score_people(score_ctx *cx, const size_t nw, const size_t nfw, const int report,
                                                               const size_t i0, const size_t i1)
{
    const ncm_risk_model *m = cx->m;
    const size_t n = cx->n;
    const uint32_t *segmap = cx->segmap, *segid = cx->segid;
    const int32_t *age = cx->age;
    const uint8_t *sex = cx->sex, *orec = cx->orec, *mcaid = cx->mcaid;
    const uint64_t *dxoff = cx->dxoff;
    const uint32_t *dxid = cx->dxid;
    const uint32_t *pc_flag = cx->pc_flag;
    const uint64_t *pc_mask = cx->pc_mask;
    const uint32_t *pc_code = cx->pc_code, *pc_off = cx->pc_off, *pc_cats = cx->pc_cats;
    /* report = 0 (a constant in the fast variants): no result, so no terms and no unknown-code report */
    uint64_t *unk_occ = report ? cx->unk_occ : NULL;
    uint32_t *unknown = report ? cx->unknown : NULL;
    const int want_terms = report && cx->want_terms;
    ncm_risk_result *r = cx->r;
    size_t *tcap = cx->tcap;
    double *scratch = cx->scratch;
    uint64_t *feat = cx->feat, *drop = cx->drop;
        /* categories, and features = categories | groups | flags (separate buffers, no aliasing) */
        uint64_t *restrict cats = feat + nfw;
        uint64_t *restrict fe = feat;
        uint64_t unk_total = 0;
        size_t nt = 0;
        const uint64_t *restrict pmask = pc_mask;
        const uint32_t *restrict pflag = pc_flag;
        (void)n;
        for (size_t i = i0; i < i1; i++) {
            uint32_t s = m->nseg == 1 ? 0 : segmap[segid[i]];
            const double *cf = m->coef + (size_t)s * m->nterm;   /* NaN = no coefficient */
            const double *cf0 = m->coef0 + (size_t)s * m->nterm; /* 0 = no coefficient */
            unsigned a = (unsigned)age[i], sx = sex[i] <= 2 ? sex[i] : 0, oc = orec ? (orec[i] & 3u) : 0;
            unsigned mc = mcaid ? (mcaid[i] != 0) : 0;
            if (a > NCMI_AGE_TOP) a = NCMI_AGE_TOP;
            unsigned disabled = a < 65 && oc != 0;
            unsigned origds = (oc == 1 || oc == 3) && !disabled;
            double sum = 0;
            if (want_terms && !grow_terms(r, tcap, nt + 64 + m->ninter + m->ncat)) { cx->st = ncmi_nomem("risk result terms"); return; }
            /* demographic cells */
            size_t key = DKEY(sx, a, mc, oc);
            if (!report) sum = m->demo_sum[(size_t)s * NKEY + key]; /* the same additions, done once per key */
            if (report) {
                const uint32_t *doff = m->demo_off + (size_t)s * (NKEY + 1);
                for (uint32_t k = doff[key]; k < doff[key + 1]; k++) {
                    uint32_t t = m->demo_terms[k];
                    sum += cf0[t];
                    if (want_terms && cf[t] == cf[t]) { r->tid[nt] = t; r->tcoef[nt++] = cf[t]; }
                }
            }
            /* diagnoses: one mask per distinct code; codes with edits take the slow path */
            uint32_t unk = 0;
            for (size_t w = 0; w < nfw; w++) fe[w] = 0;
            for (size_t w = 0; w < nw; w++) cats[w] = drop[w] = 0;
            uint64_t acc[8] = {0, 0, 0, 0, 0, 0, 0, 0}, dacc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
            uint64_t j0 = dxoff ? dxoff[i] : 0, j1 = dxoff ? dxoff[i + 1] : 0;
            int demo_only = (m->seg_flags[s] & NCM_RISK_SEGMENT_DEMOGRAPHIC_ONLY) != 0;
            int slow = 0; /* an edited code or a requires rule: recompute the hierarchy drops bit by bit */
            for (uint64_t j = j0; j < j1; j++) {
                uint32_t id = dxid[j];
                uint32_t fl = pflag[id];
                unk += (fl >> 30) & 1u;
                if (unk_occ && ((fl >> 30) & 1u)) unk_occ[id]++;
                if (fl >> 31) {
                    uint32_t cid = pc_code[id];
                    const edit_rule *e = m->edits + m->edit_off[cid], *ee = m->edits + m->edit_off[cid + 1];
                    for (; e < ee; e++)
                        if ((!e->sex || e->sex == sx) && (e->lo < 0 || (int)a >= e->lo) && (e->hi < 0 || (int)a <= e->hi)) break;
                    if (e < ee)
                        for (uint32_t q = 0; q < e->ncat; q++) SETBIT(cats, m->edit_cats[e->cat_off + q]);
                    else
                        for (uint32_t q = pc_off[id]; q < pc_off[id + 1]; q++) SETBIT(cats, pc_cats[q]);
                    slow = 1;
                    continue;
                }
                /* the code's categories, then the union of their descendants */
                const uint64_t *pm = pmask + (size_t)(fl & 0x3FFFFFFFu) * 2 * nw;
                if (nw <= 8)
                    for (size_t w = 0; w < nw; w++) {
                        acc[w] |= pm[w]; /* registers in the fixed-size variants */
                        dacc[w] |= pm[nw + w];
                    }
                else
                    for (size_t w = 0; w < nw; w++) {
                        cats[w] |= pm[w];
                        drop[w] |= pm[nw + w];
                    }
            }
            if (nw <= 8)
                for (size_t w = 0; w < nw; w++) {
                    cats[w] |= acc[w];
                    drop[w] = dacc[w];
                }
            unk_total += unk;
            if (unknown) unknown[i] = unk;
            if (demo_only)
                for (size_t w = 0; w < nw; w++) cats[w] = 0;
            /* requires rules, evaluated on the mapped set (rare: V28 HCC223) */
            if (!demo_only && m->nreq) {
                uint64_t *rdrop = fe; /* scratch: fe is cleared again below */
                for (size_t w = 0; w < nw; w++) rdrop[w] = 0;
                for (uint32_t q = 0; q < m->nreq; q++) {
                    uint32_t c = m->req_cat[q];
                    if (!GETBIT(cats, c)) continue;
                    const uint64_t *rm = m->req_mask + (size_t)q * nw;
                    uint64_t any = 0;
                    for (size_t w = 0; w < nw; w++) any |= cats[w] & rm[w];
                    if (!any) { SETBIT(rdrop, c); slow = 1; }
                }
                for (size_t w = 0; w < nw; w++) cats[w] &= ~rdrop[w];
                for (size_t w = 0; w < nfw; w++) fe[w] = 0;
            }
            /* cl: categories, dl: dropped, fl: features = categories | groups | flags */
            uint64_t *cl = cats, *dl = drop, *fl = fe;
            if (slow || demo_only) {
                /* hierarchies: every category drops its descendants (zero mask when it has none) */
                for (size_t w = 0; w < nw; w++) dl[w] = 0;
                for (size_t w = 0; w < nw; w++) {
                    uint64_t x = cl[w];
                    while (x) {
                        const uint64_t *hm = m->hmask + (w * 64 + (size_t)__builtin_ctzll(x)) * nw;
                        x &= x - 1;
                        for (size_t v = 0; v < nw; v++) dl[v] |= hm[v];
                    }
                }
            }
            uint32_t count = 0;
            for (size_t w = 0; w < nw; w++) {
                uint64_t x = cl[w] & ~dl[w];
                fl[w] |= x;
                count += popcount64(x);
                while (x) {
                    uint32_t c = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(x));
                    x &= x - 1;
                    sum += cf0[c];
                    const uint64_t *gm = m->cat_fmask + (size_t)c * nfw;
                    for (size_t v = 0; v < nfw; v++) fl[v] |= gm[v];
                    if (want_terms && cf[c] == cf[c]) { r->tid[nt] = c; r->tcoef[nt++] = cf[c]; }
                }
            }
            if (!demo_only) {
                /* flags, then interactions (all members present), visited through their first member */
                const uint64_t *fmd = m->flag_fmask, *fmo = fmd + nfw, *fmm = fmo + nfw;
                for (size_t v = 0; v < nfw; v++)
                    fl[v] |= (disabled ? fmd[v] : 0) | (origds ? fmo[v] : 0) | (mc ? fmm[v] : 0);
                for (size_t w = 0; w < nfw; w++) {
                    uint64_t x = fl[w] & m->piv_mask[w];
                    while (x) {
                        size_t bit = w * 64 + (size_t)__builtin_ctzll(x);
                        x &= x - 1;
                        for (uint32_t k = m->piv_off[bit]; k < m->piv_off[bit + 1]; k++) {
                            uint32_t q = m->inter_order[k];
                            const uint64_t *im = m->inter_mask + (size_t)q * nfw;
                            uint64_t miss = 0;
                            for (size_t v = 0; v < nfw; v++) miss |= im[v] & ~fl[v];
                            if (miss) continue;
                            uint32_t t = m->inter_term[q];
                            sum += cf0[t];
                            if (want_terms && cf[t] == cf[t]) { r->tid[nt] = t; r->tcoef[nt++] = cf[t]; }
                        }
                    }
                }
                if (count && m->count_max) {
                    uint32_t t = m->count_term[count < m->count_max ? count : m->count_max];
                    sum += cf0[t];
                    if (want_terms && cf[t] == cf[t]) { r->tid[nt] = t; r->tcoef[nt++] = cf[t]; }
                }
            }
            scratch[i] = sum;
            if (want_terms) r->off[i + 1] = nt;
        }
        cx->unk_total = unk_total;
}

/* The generic loop for people [i0, i1), scores only: the fast scorer's way out for unusual people. */
static __attribute__((noinline)) void score_range_generic(score_ctx *cx, size_t i0, size_t i1)
{
    score_people(cx, cx->m->nw, cx->m->nfw, 0, i0, i1);
}

/* Two words of a mask (GCC and Clang vector extension). Arrays of them are 16-byte aligned by hand. */
typedef uint64_t fast_v2 __attribute__((vector_size(16)));

/* FAST_SLOW, in word 1 of a code's descendants (bit 127 of the fast layout, never a category), marks a
 * code that needs score_people(): an age/sex edit, or a category under a requires rule. */
#define FAST_SLOW ((uint64_t)1 << 63)
/* FAST_EDIT, in word 1 of a code's descendants (bit 126 of the fast layout, never a category: at most 125
 * categories), marks a code with age/sex edits: its set depends on the person (fast_edit_set()). */
#define FAST_EDIT ((uint64_t)1 << 62)
#define FAST_SENT ((uint64_t)1 << 63) /* the sentinel bit of words 0 and 1 */
#ifndef FAST_K0
#define FAST_K0 6 /* set bits of word 0 visited without a branch (the benchmark averages 5 categories) */
#endif
#ifndef FAST_K1
#define FAST_K1 3
#endif

typedef struct fast_args {
    const uint16_t *fcode;     /* per distinct code: byte offset of its set in cats and descs */
    const char *cats, *descs;  /* per set: fast_v2 categories, fast_v2 what they drop (hmask union) */
    double *pay;               /* payment scores or NULL */
    double norm, keepf;
    size_t edit_off;           /* offset of the FAST_EDIT marker set */
    const uint32_t *ealt;      /* per distinct code with edits: its first entry in altoff */
    const uint16_t *altoff;    /* set offset of each edit rule of the code, then of the code without edits */
} fast_args;

/* The masks of person i (sex sx, age a) with the codes with edits resolved: the first edit rule that
 * applies, as in score_people(), or the code's own categories. */
static __attribute__((noinline)) void fast_edit_masks(const score_ctx *cx, const fast_args *fa, size_t i, unsigned sx,
                                                      unsigned a, fast_v2 *cp, fast_v2 *dp)
{
    const ncm_risk_model *m = cx->m;
    fast_v2 c = {0, 0}, d = {0, 0};
    for (uint64_t j = cx->dxoff[i], j1 = cx->dxoff[i + 1]; j < j1; j++) {
        uint32_t id = cx->dxid[j];
        size_t off = fa->fcode[id];
        if (off == fa->edit_off) {
            uint32_t cid = cx->pc_code[id], k = 0;
            const edit_rule *e = m->edits + m->edit_off[cid], *ee = m->edits + m->edit_off[cid + 1];
            for (; e < ee; e++, k++)
                if ((!e->sex || e->sex == sx) && (e->lo < 0 || (int)a >= e->lo) && (e->hi < 0 || (int)a <= e->hi)) break;
            off = fa->altoff[fa->ealt[id] + k];
        }
        c |= *(const fast_v2 *)(const void *)(fa->cats + off);
        d |= *(const fast_v2 *)(const void *)(fa->descs + off);
    }
    *cp = c;
    *dp = d;
}

/* Scores only (no result), for models with at most 126 categories and 61 groups: the same additions in
 * the same order as score_people() (terms with a zero coefficient left out, see build_fast()), with the
 * masks in registers, one 16-bit set offset per distinct code, the segment's interactions only, and the
 * count term by table. People with a FAST_SLOW code take score_people(). a->pay, if not NULL, receives
 * raw / norm * keepf. Inlined into a plain and (x86-64) a POPCNT/BMI variant. */
static inline __attribute__((always_inline)) void score_fast_body(score_ctx *cx, const fast_args *fa)
{
    const ncm_risk_model *m = cx->m;
    const size_t n = cx->n;
    const uint32_t *segmap = cx->segmap, *segid = cx->segid;
    const int32_t *age = cx->age;
    const uint8_t *sex = cx->sex, *orec = cx->orec, *mcaid = cx->mcaid;
    const uint64_t *dxoff = cx->dxoff;
    const uint32_t *dxid = cx->dxid;
    const uint16_t *fcode = fa->fcode;
    const char *cats = fa->cats, *descs = fa->descs;
    double *pay = fa->pay;
    const double norm = fa->norm, keepf = fa->keepf;
    double *out = cx->scratch;
    const int one_seg = m->nseg == 1;
    const size_t cm = m->count_max;
    const double *fcnt = m->fcnt, *fcf = m->fcf, *fic = m->fic;
    const fast_ab *fab = m->fab, *fflab = m->fflab;
    const fast_demo *fdemo = m->fdemo;
    const uint64_t *fkeep = m->fkeep;
    for (size_t i = 0; i < n; i++) {
        size_t s = one_seg ? 0 : segmap[segid[i]];
        unsigned a = (unsigned)age[i], sx = sex[i] <= 2 ? sex[i] : 0, oc = orec ? (orec[i] & 3u) : 0;
        unsigned mc = mcaid ? (mcaid[i] != 0) : 0;
        if (a > NCMI_AGE_TOP) a = NCMI_AGE_TOP;
        const fast_demo *dm = fdemo + s * NKEY + DKEY(sx, a, mc, oc);
        double sum = dm->sum;
        fast_v2 c = {0, 0}, d = {0, 0};
        if (dxoff)
            for (uint64_t j = dxoff[i], j1 = dxoff[i + 1]; j < j1; j++) {
                size_t off = fcode[dxid[j]];
                c |= *(const fast_v2 *)(const void *)(cats + off);
                d |= *(const fast_v2 *)(const void *)(descs + off);
            }
        if (d[1] >> 62) {
            if (d[1] & FAST_EDIT) fast_edit_masks(cx, fa, i, sx, a, &c, &d); /* again, edits resolved */
        }
        if (d[1] & FAST_SLOW) {
            score_range_generic(cx, i, i + 1);
            if (pay) pay[i] = out[i] / norm * keepf;
            continue;
        }
        const uint64_t keep = fkeep[s];
        const uint64_t x0 = c[0] & ~d[0] & keep, x1 = c[1] & ~d[1] & keep;
        const double *cf = fcf + s * FAST_CATS;
        const fast_ab *ab = fab + s * FAST_CATS, *fl = fflab + s * 8 + dm->flags;
        uint64_t iab = *fl;
        size_t count = (size_t)__builtin_popcountll(x0) + (size_t)__builtin_popcountll(x1);
        /* the set bits in order: the first FAST_K0 (FAST_K1) without a branch (an empty word gives the
         * sentinel, whose coefficient is 0 and which provides nothing), then a loop for the rest */
        uint64_t w = x0;
        for (int u = 0; u < FAST_K0; u++) {
            size_t b = (size_t)__builtin_ctzll(w | FAST_SENT);
            sum += cf[b];
            iab |= ab[b];
            w &= w - 1;
        }
        for (; w; w &= w - 1) {
            size_t b = (size_t)__builtin_ctzll(w);
            sum += cf[b];
            iab |= ab[b];
        }
        w = x1;
        for (int u = 0; u < FAST_K1; u++) {
            size_t b = 64 + (size_t)__builtin_ctzll(w | FAST_SENT);
            sum += cf[b];
            iab |= ab[b];
            w &= w - 1;
        }
        for (; w; w &= w - 1) {
            size_t b = 64 + (size_t)__builtin_ctzll(w);
            sum += cf[b];
            iab |= ab[b];
        }
        /* interactions whose members are all present, in order */
        for (uint64_t h = iab & (iab >> 32) & 0xFFFFFFFFu; h; h &= h - 1) sum += fic[s * 32 + (size_t)__builtin_ctzll(h)];
        sum += fcnt[s * (cm + 1) + (count < cm ? count : cm)];
        out[i] = sum;
        if (pay) pay[i] = sum / norm * keepf;
    }
}

static void score_fast_plain(score_ctx *cx, const fast_args *fa) { score_fast_body(cx, fa); }

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FAST_X86 1
__attribute__((target("popcnt,bmi"))) static void score_fast_bmi(score_ctx *cx, const fast_args *fa) { score_fast_body(cx, fa); }
#endif

static void score_fast(score_ctx *cx, const fast_args *fa)
{
#ifdef FAST_X86
    if (__builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi")) {
        score_fast_bmi(cx, fa);
        return;
    }
#endif
    score_fast_plain(cx, fa);
}

ncm_status ncm_risk_score(const ncm_risk_model *m, const ncm_population *pop, const ncm_risk_options *opts,
                          double *raw, double *payment, size_t cap, ncm_risk_result **result)
{
    ncm_risk_options o = NCM_RISK_OPTIONS_INIT;
    if (!m || !pop) return ncmi_error(NCM_ERR_INVALID, "ncm_risk_score: NULL model or population");
    if (opts) {
        if (opts->version == 0 || opts->version > NCM_RISK_OPTIONS_VERSION)
            return ncmi_error(NCM_ERR_VERSION, "ncm_risk_score: options version %u not supported (1 to %u)", opts->version,
                              NCM_RISK_OPTIONS_VERSION);
        o = *opts;
    }
    if (!(o.normalization > 0) || !isfinite(o.normalization))
        return ncmi_error(NCM_ERR_RANGE, "ncm_risk_score: normalization must be a finite number > 0 (got %g)", o.normalization);
    if (!(o.coding_intensity >= 0 && o.coding_intensity < 1))
        return ncmi_error(NCM_ERR_RANGE, "ncm_risk_score: coding_intensity must be in [0, 1) (got %g)", o.coding_intensity);
    size_t n = ncm_population_size(pop);
    if ((raw || payment) && cap < n)
        return ncmi_error(NCM_ERR_BUFFER, "ncm_risk_score: output capacity %zu is less than the population size %zu", cap, n);

    ncm_status st = NCM_OK;
    const int32_t *age = ncm_population_age(pop);
    const uint8_t *sex = ncm_population_sex(pop);
    const uint8_t *orec = ncm_population_orec(pop);
    const uint8_t *mcaid = ncm_population_medicaid(pop);
    const uint32_t *segid = ncm_population_text_ids(pop, NCM_TEXT_SEGMENT);
    const uint64_t *dxoff = ncm_population_dx_offsets(pop);
    const uint32_t *dxid = ncm_population_text_ids(pop, NCM_TEXT_DIAGNOSIS);
    size_t ndx = dxoff && dxid ? ncm_population_text_count(pop, NCM_TEXT_DIAGNOSIS) : 0;
    size_t nsegtext = segid ? ncm_population_text_count(pop, NCM_TEXT_SEGMENT) : 0;
    const int want = result != NULL;
    const int want_terms = want && !(o.flags & NCM_RISK_NO_TERMS);

    uint32_t *segmap = NULL, *pc_off = NULL, *pc_cats = NULL, *pc_code = NULL, *unknown = NULL;
    uint8_t *pc_known = NULL;
    uint32_t *pc_flag = NULL;
    uint64_t *pc_mask = NULL;
    uint64_t *unk_occ = NULL, *feat = NULL, *drop = NULL;
    double *scratch = NULL;
    void *fsets = NULL;
    uint16_t *fcode = NULL, *altoff = NULL;
    uint32_t *ealt = NULL;
    int fused_pay = 0;
    ncm_risk_result *r = NULL;
    size_t tcap = 0;

    /* Segments: map each distinct segment string once, then check every person. */
    segmap = ncmi_malloc_array(nsegtext + 1, sizeof *segmap);
    if (!segmap) { st = ncmi_nomem("risk segment map"); goto fail; }
    for (size_t k = 0; k < nsegtext; k++) {
        segmap[k] = NCMI_NONE;
        if (m->nseg == 1) { segmap[k] = 0; continue; }
        const char *sv = ncm_population_text_value(pop, NCM_TEXT_SEGMENT, (uint32_t)k);
        for (uint32_t s = 0; s < m->nseg; s++)
            if (!strcmp(sv, nm(&m->rb, m->seg_name[s]))) { segmap[k] = s; break; }
    }
    /* every person's segment must be one of the model's: look at the people only when some segment value
     * of the population is not */
    int seg_unmapped = !segid;
    for (size_t k = 0; k < nsegtext; k++) seg_unmapped |= segmap[k] == NCMI_NONE;
    if (m->nseg > 1 && seg_unmapped)
        for (size_t i = 0; i < n; i++)
            if (!segid || segmap[segid[i]] == NCMI_NONE) {
                const char *sv = segid ? ncm_population_text_value(pop, NCM_TEXT_SEGMENT, segid[i]) : "";
                char list[200] = "";
                for (uint32_t s = 0; s < m->nseg && strlen(list) < 150; s++) {
                    strcat(list, s ? " " : "");
                    strncat(list, nm(&m->rb, m->seg_name[s]), 40);
                }
                st = ncmi_error(NCM_ERR_NOT_FOUND, "person %s (row %zu): segment '%s' is not a segment of %s (%s)",
                                ncm_population_text_value(pop, NCM_TEXT_PERSON, (uint32_t)i), i + 1, sv, m->name, list);
                goto fail;
            }

    /* Distinct codes: normalise and map each once. */
    pc_off = ncmi_malloc_array(ndx + 1, sizeof *pc_off);
    pc_code = ncmi_malloc_array(ndx + 1, sizeof *pc_code);
    pc_known = ncmi_malloc_array(ndx + 1, 1);
    if (!pc_off || !pc_code || !pc_known) { st = ncmi_nomem("risk code map"); goto fail; }
    {
        size_t pcap = 0, np = 0;
        char buf[64];
        pc_off[0] = 0;
        for (size_t k = 0; k < ndx; k++) {
            const char *v = ncm_population_text_value(pop, NCM_TEXT_DIAGNOSIS, (uint32_t)k);
            size_t len = ncmi_risk_normalize_code(v, buf, sizeof buf);
            pc_code[k] = NCMI_NONE;
            pc_known[k] = 0;
            if (len != (size_t)-1 && len > 0) {
                size_t lo = m->prefix_match ? 1 : len;
                for (size_t L = lo; L <= len; L++) {
                    uint32_t cid;
                    if (!ncmi_dict_find(m->codes, buf, L, &cid)) continue;
                    pc_known[k] = 1;
                    if (L == len && m->edit_off[cid + 1] > m->edit_off[cid]) pc_code[k] = cid;
                    uint32_t a = m->code_off[cid], b = m->code_off[cid + 1];
                    if (np + (b - a) > pcap) {
                        size_t nc = pcap ? pcap * 2 : 1024;
                        while (nc < np + (b - a)) nc *= 2;
                        uint32_t *p = ncmi_realloc_array(pc_cats, nc, sizeof *p);
                        if (!p) { st = ncmi_nomem("risk code map"); goto fail; }
                        pc_cats = p;
                        pcap = nc;
                    }
                    for (uint32_t j = a; j < b; j++) pc_cats[np++] = m->code_cats[j];
                }
            }
            if (np > UINT32_MAX) { st = ncmi_error(NCM_ERR_OVERFLOW, "risk code map too large"); goto fail; }
            pc_off[k + 1] = (uint32_t)np;
        }
    }

    /* Per distinct code: a word v = set id | 1 << 30 (unknown) | 1 << 31 (has edits), where the set holds
     * the code's categories and their descendants. Codes share few distinct sets (V24: about a hundred),
     * so the set table stays in the first-level cache. */
    {
        const size_t sw = 2 * (size_t)m->nw;
        size_t scap = 64, nsets = 0;
        ncmi_dict *sd = ncmi_dict_new(256);
        uint64_t *tmp = ncmi_calloc(sw, sizeof *tmp);
        pc_flag = ncmi_malloc_array(ndx + 1, sizeof *pc_flag);
        pc_mask = ncmi_malloc_array(scap * sw, sizeof *pc_mask);
        if (!sd || !tmp || !pc_flag || !pc_mask) {
            ncmi_dict_free(sd);
            ncmi_free(tmp);
            st = ncmi_nomem("risk code map");
            goto fail;
        }
        for (size_t k = 0; k < ndx && st == NCM_OK; k++) {
            for (size_t w = 0; w < sw; w++) tmp[w] = 0;
            if (pc_code[k] == NCMI_NONE)
                for (uint32_t q = pc_off[k]; q < pc_off[k + 1]; q++) {
                    SETBIT(tmp, pc_cats[q]);
                    const uint64_t *hm = m->hmask + (size_t)pc_cats[q] * m->nw;
                    for (size_t w = 0; w < m->nw; w++) tmp[m->nw + w] |= hm[w];
                }
            uint32_t sid;
            int added = 0;
            ncm_status ds = ncmi_dict_intern(sd, (const char *)tmp, sw * sizeof *tmp, &sid, &added);
            if (ds || sid >= (1u << 30)) { st = ds == NCM_ERR_NOMEM ? ncmi_nomem("risk code map") : ncmi_error(NCM_ERR_OVERFLOW, "risk: too many category sets"); break; }
            if (added) {
                if (nsets == scap) {
                    uint64_t *p = ncmi_realloc_array(pc_mask, scap * 2, sw * sizeof *p);
                    if (!p) { st = ncmi_nomem("risk code map"); break; }
                    pc_mask = p;
                    scap *= 2;
                }
                memcpy(pc_mask + nsets * sw, tmp, sw * sizeof *tmp);
                nsets++;
            }
            pc_flag[k] = sid | (pc_known[k] ? 0u : 1u << 30) | (pc_code[k] != NCMI_NONE ? 1u << 31 : 0u);
        }
        ncmi_dict_free(sd);
        ncmi_free(tmp);
        if (st) goto fail;
    }

    /* Without a result nothing can fail once scoring starts, so the raw scores may go straight to the
     * caller's array; otherwise they go to a scratch array and are copied at the end. */
    double *direct = !want && raw ? raw : NULL;
    scratch = direct ? NULL : ncmi_malloc_array(n + 1, sizeof *scratch);
    feat = ncmi_calloc((size_t)m->nfw + m->nw + 1, sizeof *feat);
    drop = ncmi_calloc((size_t)m->nw + 1, sizeof *drop);
    if ((!scratch && !direct) || !feat || !drop) { st = ncmi_nomem("risk scores"); goto fail; }
    if (want) {
        r = ncmi_calloc(1, sizeof *r);
        if (!r) { st = ncmi_nomem("risk result"); goto fail; }
        r->n = n;
        r->has_terms = want_terms;
        unknown = ncmi_calloc(n + 1, sizeof *unknown);
        unk_occ = ncmi_calloc(ndx + 1, sizeof *unk_occ);
        if (!unknown || !unk_occ) { st = ncmi_nomem("risk result"); goto fail; }
        if (want_terms) {
            r->off = ncmi_malloc_array(n + 1, sizeof *r->off);
            if (!r->off || !grow_terms(r, &tcap, n * 3 + (dxoff ? (size_t)dxoff[n] : 0) + 16)) { st = ncmi_nomem("risk result terms"); goto fail; }
            r->off[0] = 0;
        }
    }

    {
        uint64_t unk_total = 0;
        score_ctx cx = {m, n, segmap, segid, age, sex, orec, mcaid, dxoff, dxid, pc_flag, pc_mask, pc_code, pc_off, pc_cats,
                        unk_occ, unknown, want_terms, r, &tcap, 0, direct ? direct : scratch, feat, drop, 0};
        int rep = want != 0;
        /* the fast scorer: scores only, or with a result without terms (the unknown codes counted apart) */
        const int fastok = m->fast && !want_terms;
        size_t nsets = 0;
        if (fastok)
            for (size_t k = 0; k < ndx; k++)
                if ((pc_flag[k] & 0x3FFFFFFFu) + (size_t)1 > nsets) nsets = (pc_flag[k] & 0x3FFFFFFFu) + (size_t)1;
        /* alternatives of the codes with edits: one set per edit rule, then the code's own */
        size_t nalt = 0;
        if (fastok)
            for (size_t k = 0; k < ndx; k++)
                if (pc_code[k] != NCMI_NONE) nalt += m->edit_off[pc_code[k] + 1] - m->edit_off[pc_code[k]] + (size_t)1;
        const size_t ntot = nsets + 2 + nalt; /* sets, FAST_SLOW, FAST_EDIT, alternatives */
        if (fastok && ntot * sizeof(fast_v2) <= UINT16_MAX) {
            /* the category sets in the fast layout, 16-byte aligned, and the byte offset of its set for
             * each code */
            const size_t sb = ntot * sizeof(fast_v2);
            fsets = ncmi_malloc(2 * sb + 16);
            fcode = ncmi_malloc_array(ndx + 1, sizeof *fcode);
            ealt = ncmi_malloc_array(ndx + 1, sizeof *ealt);
            altoff = ncmi_malloc_array(nalt + 1, sizeof *altoff);
            if (!fsets || !fcode || !ealt || !altoff) { st = ncmi_nomem("risk scores"); goto fail; }
            char *cats = (char *)fsets + ((16 - (uintptr_t)fsets % 16) % 16), *descs = cats + sb;
            for (size_t k = 0; k < nsets + 2; k++) {
                uint64_t w[4] = {0, 0, 0, 0};
                if (k < nsets)
                    for (uint32_t c = 0; c < m->ncat; c++) {
                        if (GETBIT(pc_mask + k * 2 * m->nw, c)) SETBIT(w, FAST_POS(c));
                        if (GETBIT(pc_mask + k * 2 * m->nw + m->nw, c)) SETBIT(w + 2, FAST_POS(c));
                    }
                if (k == nsets) w[3] = FAST_SLOW;
                if (k == nsets + 1) w[3] = FAST_EDIT;
                fast_v2 a = {w[0], w[1]}, b = {w[2], w[3]};
                memcpy(cats + k * sizeof a, &a, sizeof a);
                memcpy(descs + k * sizeof b, &b, sizeof b);
            }
            size_t na = 0;
            for (size_t k = 0; k < ndx; k++) {
                uint32_t sid = pc_flag[k] & 0x3FFFFFFFu;
                const uint64_t *cm = pc_mask + (size_t)sid * 2 * m->nw;
                int slow = (cm[0] & m->freq[0]) || (m->nw > 1 && (cm[1] & m->freq[1]));
                fcode[k] = (uint16_t)((slow ? nsets : sid) * sizeof(fast_v2));
                if (pc_code[k] == NCMI_NONE) continue;
                fcode[k] = (uint16_t)((nsets + 1) * sizeof(fast_v2));
                ealt[k] = (uint32_t)na;
                const uint32_t cid = pc_code[k], r0 = m->edit_off[cid], r1 = m->edit_off[cid + 1];
                for (uint32_t r = r0; r <= r1; r++) {
                    /* rule r's categories, or (r == r1) the code's own, with what they drop (hmask) */
                    const uint32_t *cl = r < r1 ? m->edit_cats + m->edits[r].cat_off : pc_cats + pc_off[k];
                    const uint32_t ncl = r < r1 ? m->edits[r].ncat : pc_off[k + 1] - pc_off[k];
                    uint64_t w[4] = {0, 0, 0, 0};
                    int rq = 0;
                    for (uint32_t q = 0; q < ncl; q++) {
                        SETBIT(w, FAST_POS(cl[q]));
                        rq |= (int)GETBIT(m->freq, cl[q]);
                        for (uint32_t x = 0; x < m->ncat; x++)
                            if (GETBIT(m->hmask + (size_t)cl[q] * m->nw, x)) SETBIT(w + 2, FAST_POS(x));
                    }
                    if (rq) w[3] |= FAST_SLOW;
                    const size_t sidx = nsets + 2 + na;
                    fast_v2 a = {w[0], w[1]}, b = {w[2], w[3]};
                    memcpy(cats + sidx * sizeof a, &a, sizeof a);
                    memcpy(descs + sidx * sizeof b, &b, sizeof b);
                    altoff[na++] = (uint16_t)(sidx * sizeof(fast_v2));
                }
            }
            /* with a result, the payment scores are written at the end (outputs stay unchanged on failure) */
            fast_args fa = {fcode, cats, descs, rep ? NULL : payment, o.normalization, 1.0 - o.coding_intensity,
                            (nsets + 1) * sizeof(fast_v2), ealt, altoff};
            score_fast(&cx, &fa);
            fused_pay = !rep;
            cx.unk_total = 0;
            if (rep && dxoff && dxid)
                for (size_t i = 0; i < n; i++) {
                    uint32_t u = 0;
                    for (uint64_t j = dxoff[i]; j < dxoff[i + 1]; j++) {
                        uint32_t id = dxid[j], k = (pc_flag[id] >> 30) & 1u;
                        u += k;
                        unk_occ[id] += k;
                    }
                    unknown[i] = u;
                    cx.unk_total += u;
                }
        } else if (m->nw == 1 && m->nfw == 1) rep ? score_people(&cx, 1, 1, 1, 0, n) : score_people(&cx, 1, 1, 0, 0, n);
        else if (m->nw == 2 && m->nfw == 2) rep ? score_people(&cx, 2, 2, 1, 0, n) : score_people(&cx, 2, 2, 0, 0, n);
        else if (m->nw == 2 && m->nfw == 3) rep ? score_people(&cx, 2, 3, 1, 0, n) : score_people(&cx, 2, 3, 0, 0, n);
        else score_people(&cx, m->nw, m->nfw, rep, 0, n);
        if (cx.st) { st = cx.st; goto fail; }
        unk_total = cx.unk_total;
        if (r) {
            r->unknown_total = unk_total;
            r->unknown = unknown;
            unknown = NULL;
            /* names and kinds */
            r->nterm = m->nterm;
            r->names = ncmi_calloc((size_t)m->nterm + 1, sizeof *r->names);
            r->kinds = ncmi_malloc_array((size_t)m->nterm + 1, 1);
            if (!r->names || !r->kinds) { st = ncmi_nomem("risk result names"); goto fail; }
            for (uint32_t t = 0; t < m->nterm; t++) {
                r->kinds[t] = m->term_kind[t];
                if (!(r->names[t] = ncmi_strdup(nm(&m->rb, m->term_name[t])))) { st = ncmi_nomem("risk result names"); goto fail; }
            }
            size_t nunk = 0;
            for (size_t k = 0; k < ndx; k++) nunk += unk_occ[k] != 0;
            r->unk_codes = ncmi_calloc(nunk + 1, sizeof *r->unk_codes);
            r->unk_occ = ncmi_malloc_array(nunk + 1, sizeof *r->unk_occ);
            if (!r->unk_codes || !r->unk_occ) { st = ncmi_nomem("risk result unknown codes"); goto fail; }
            for (size_t k = 0; k < ndx; k++) {
                if (!unk_occ[k]) continue;
                if (!(r->unk_codes[r->nunk] = ncmi_strdup(ncm_population_text_value(pop, NCM_TEXT_DIAGNOSIS, (uint32_t)k)))) {
                    st = ncmi_nomem("risk result unknown codes");
                    goto fail;
                }
                r->unk_occ[r->nunk++] = unk_occ[k];
            }
            /* sort the codes; their counts are looked up again by code */
            if (r->nunk > 1) {
                qsort(r->unk_codes, r->nunk, sizeof *r->unk_codes, cmp_str);
                for (size_t k = 0; k < r->nunk; k++) {
                    uint32_t id = 0;
                    ncm_population_text_find(pop, NCM_TEXT_DIAGNOSIS, r->unk_codes[k], &id);
                    r->unk_occ[k] = unk_occ[id];
                }
            }
        }
    }

    /* Success: write the outputs (the fast scorer wrote the payment scores already). */
    if (!direct || (payment && !fused_pay))
        for (size_t i = 0; i < n; i++) {
            double v = direct ? direct[i] : scratch[i];
            if (raw) raw[i] = v;
            if (payment && !fused_pay) payment[i] = v / o.normalization * (1.0 - o.coding_intensity);
        }
    if (result) *result = r;
    st = NCM_OK;
    goto done;
fail:
    ncmi_free(unknown);
    ncm_risk_result_free(r);
done:
    ncmi_free(segmap);
    ncmi_free(pc_off);
    ncmi_free(pc_cats);
    ncmi_free(pc_code);
    ncmi_free(pc_known);
    ncmi_free(pc_flag);
    ncmi_free(pc_mask);
    ncmi_free(unk_occ);
    ncmi_free(feat);
    ncmi_free(drop);
    ncmi_free(scratch);
    ncmi_free(fsets);
    ncmi_free(fcode);
    ncmi_free(ealt);
    ncmi_free(altoff);
    return st;
}

size_t ncm_risk_result_size(const ncm_risk_result *r) { return r ? r->n : 0; }

ncm_status ncm_risk_result_terms(const ncm_risk_result *r, size_t person, size_t *count, const uint32_t **ids,
                                 const double **coefs)
{
    if (!r || !count || !ids || !coefs) return ncmi_error(NCM_ERR_INVALID, "ncm_risk_result_terms: NULL argument");
    if (!r->has_terms) return ncmi_error(NCM_ERR_INVALID, "ncm_risk_result_terms: terms were not recorded (NCM_RISK_NO_TERMS)");
    if (person >= r->n) return ncmi_error(NCM_ERR_RANGE, "ncm_risk_result_terms: person %zu out of range (%zu people)", person, r->n);
    *count = (size_t)(r->off[person + 1] - r->off[person]);
    *ids = r->tid + r->off[person];
    *coefs = r->tcoef + r->off[person];
    return NCM_OK;
}

const char *ncm_risk_result_term_name(const ncm_risk_result *r, uint32_t t)
{
    return r && t < r->nterm ? r->names[t] : NULL;
}

int ncm_risk_result_term_kind(const ncm_risk_result *r, uint32_t t) { return r && t < r->nterm ? r->kinds[t] : -1; }
const uint32_t *ncm_risk_result_unknown(const ncm_risk_result *r) { return r ? r->unknown : NULL; }
uint64_t ncm_risk_result_unknown_total(const ncm_risk_result *r) { return r ? r->unknown_total : 0; }
size_t ncm_risk_result_unknown_code_count(const ncm_risk_result *r) { return r ? r->nunk : 0; }

ncm_status ncm_risk_result_unknown_code(const ncm_risk_result *r, size_t k, const char **code, uint64_t *occ)
{
    if (!r || !code || !occ) return ncmi_error(NCM_ERR_INVALID, "ncm_risk_result_unknown_code: NULL argument");
    if (k >= r->nunk) return ncmi_error(NCM_ERR_RANGE, "ncm_risk_result_unknown_code: index %zu out of range (%zu codes)", k, r->nunk);
    *code = r->unk_codes[k];
    *occ = r->unk_occ[k];
    return NCM_OK;
}

/* ------------------------------------------------------------------------------------------------ */
/* Normalisation, growth cap, weighted population                                                   */

ncm_status ncm_risk_normalize(const double *scores, const double *exposure, size_t n, double factor, double *out,
                              double *used)
{
    if (n && (!scores || !out)) return ncmi_error(NCM_ERR_INVALID, "ncm_risk_normalize: NULL array");
    if (!(factor >= 0) || !isfinite(factor)) return ncmi_error(NCM_ERR_RANGE, "ncm_risk_normalize: factor must be >= 0 (0 = use the mean), got %g", factor);
    double se = 0, sw = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(scores[i]) || scores[i] < 0) return ncmi_error(NCM_ERR_RANGE, "ncm_risk_normalize: scores[%zu] = %g is not a finite number >= 0", i, scores[i]);
        double e = exposure ? exposure[i] : 1.0;
        if (!isfinite(e) || e < 0) return ncmi_error(NCM_ERR_RANGE, "ncm_risk_normalize: exposure[%zu] = %g is not a finite number >= 0", i, e);
        sw += scores[i] * e;
        se += e;
    }
    if (factor == 0) {
        if (!(se > 0) || !(sw > 0)) return ncmi_error(NCM_ERR_RANGE, "ncm_risk_normalize: the exposure-weighted mean is zero or undefined");
        factor = sw / se;
    }
    for (size_t i = 0; i < n; i++) out[i] = scores[i] / factor;
    if (used) *used = factor;
    return NCM_OK;
}

ncm_status ncm_risk_cap_growth(const double *scores, const double *last, size_t n, double g, double *out, size_t *capped)
{
    if (n && (!scores || !last || !out)) return ncmi_error(NCM_ERR_INVALID, "ncm_risk_cap_growth: NULL array");
    if (!(g >= 0) || !isfinite(g)) return ncmi_error(NCM_ERR_RANGE, "ncm_risk_cap_growth: max_growth must be a finite number >= 0, got %g", g);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(scores[i])) return ncmi_error(NCM_ERR_RANGE, "ncm_risk_cap_growth: scores[%zu] is not finite", i);
        if (!isnan(last[i]) && (!isfinite(last[i]) || last[i] < 0))
            return ncmi_error(NCM_ERR_RANGE, "ncm_risk_cap_growth: last[%zu] = %g is not a finite number >= 0 (NaN = no previous score)", i, last[i]);
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double v = scores[i];
        if (!isnan(last[i])) {
            double top = last[i] * (1.0 + g);
            if (v > top) { v = top; k++; }
        }
        out[i] = v;
    }
    if (capped) *capped = k;
    return NCM_OK;
}

ncm_status ncm_risk_weighted_population(const ncm_population *pop, const double *scores, ncm_level level, double *out, size_t cap)
{
    if (!pop || !scores || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_risk_weighted_population: NULL argument");
    if ((unsigned)level >= NCM_LEVEL_COUNT) return ncmi_error(NCM_ERR_INVALID, "ncm_risk_weighted_population: bad level %d", (int)level);
    size_t nu = ncm_population_text_count(pop, (ncm_text_field)level);
    if (cap < nu) return ncmi_error(NCM_ERR_BUFFER, "ncm_risk_weighted_population: capacity %zu < %zu %s units", cap, nu, ncm_level_name(level));
    size_t n = ncm_population_size(pop);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(scores[i])) return ncmi_error(NCM_ERR_RANGE, "ncm_risk_weighted_population: scores[%zu] is not finite", i);
    const uint32_t *ids = ncm_population_text_ids(pop, (ncm_text_field)level);
    const double *months = ncm_population_months(pop);
    for (size_t u = 0; u < nu; u++) out[u] = 0;
    for (size_t i = 0; i < n; i++) out[ids ? ids[i] : 0] += scores[i] * (months ? months[i] / 12.0 : 1.0);
    return NCM_OK;
}

/* ------------------------------------------------------------------------------------------------ */
/* Constructors                                                                                     */

static ncm_status finish(ncmi_rb *rb, ncm_status st, ncm_risk_model **out)
{
    ncm_risk_model *m = NULL;
    if (st == NCM_OK) st = ncmi_risk_compile(rb, &m);
    ncmi_rb_free(rb);
    if (st == NCM_OK) *out = m;
    return st;
}

ncm_status ncm_risk_model_charlson(ncm_charlson_weights w, ncm_risk_model **out)
{
    ncmi_rb rb;
    if (!out || (w != NCM_CHARLSON_1987 && w != NCM_CHARLSON_QUAN2011))
        return ncmi_error(NCM_ERR_INVALID, "ncm_risk_model_charlson: NULL out or unknown weights %d", (int)w);
    ncm_status st = ncmi_rb_init(&rb);
    if (st) return st;
    return finish(&rb, ncmi_risk_build_charlson(&rb, w), out);
}

ncm_status ncm_risk_model_elixhauser(ncm_risk_model **out)
{
    ncmi_rb rb;
    if (!out) return ncmi_error(NCM_ERR_INVALID, "ncm_risk_model_elixhauser: NULL out");
    ncm_status st = ncmi_rb_init(&rb);
    if (st) return st;
    return finish(&rb, ncmi_risk_build_elixhauser(&rb), out);
}

ncm_status ncm_risk_model_cms_hcc(const char *dir, ncm_cms_hcc_version v, ncm_risk_model **out)
{
    ncmi_rb rb;
    if (!dir || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_risk_model_cms_hcc: NULL argument");
    if (v != NCM_CMS_HCC_V24 && v != NCM_CMS_HCC_V28)
        return ncmi_error(NCM_ERR_INVALID, "ncm_risk_model_cms_hcc: unknown version %d (24 or 28)", (int)v);
    ncm_status st = ncmi_rb_init(&rb);
    if (st) return st;
    return finish(&rb, ncmi_risk_build_cms(&rb, dir, v), out);
}

/* ------------------------------------------------------------------------------------------------ */
/* Native CSV format                                                                                */

static const char *const native_cols[] = {"record", "name", "segment", "members", "sex", "age_low",
                                          "age_high", "medicaid", "origds", "disabled", "value"};
#define NNATIVE (sizeof native_cols / sizeof native_cols[0])

static ncm_status need_columns(ncmi_csv *c, const char *const *names, size_t k, long *idx)
{
    for (size_t j = 0; j < k; j++) {
        idx[j] = ncmi_csv_column(c, names[j]);
        if (idx[j] < 0) return ncmi_error(NCM_ERR_PARSE, "%s:1: missing column '%s'", c->name, names[j]);
    }
    return NCM_OK;
}

static ncm_status parse_age(ncmi_csv *c, long col, int16_t *out)
{
    const ncmi_csv_field *f = &c->fields[col];
    int64_t v;
    if (f->len == 0) { *out = -1; return NCM_OK; }
    if (ncmi_parse_i64(f->s, f->len, &v)) return ncmi_csv_fail(c, (size_t)col, NCM_ERR_PARSE, "'%s' is not a whole number", f->s);
    if (v < 0 || v > NCMI_AGE_TOP) return ncmi_csv_fail(c, (size_t)col, NCM_ERR_RANGE, "age %lld outside 0 to %d", (long long)v, NCMI_AGE_TOP);
    *out = (int16_t)v;
    return NCM_OK;
}

static ncm_status parse_flag(ncmi_csv *c, long col, int8_t *out)
{
    const ncmi_csv_field *f = &c->fields[col];
    if (f->len == 0) *out = -1;
    else if (!strcmp(f->s, "0")) *out = 0;
    else if (!strcmp(f->s, "1")) *out = 1;
    else return ncmi_csv_fail(c, (size_t)col, NCM_ERR_PARSE, "'%s' must be 0, 1 or empty", f->s);
    return NCM_OK;
}

static ncm_status parse_sex(ncmi_csv *c, long col, int star_ok, uint8_t *out)
{
    const ncmi_csv_field *f = &c->fields[col];
    if (f->len == 0 && !star_ok) *out = 0;
    else if (star_ok && !strcmp(f->s, "*")) *out = 0;
    else if (!strcmp(f->s, "F")) *out = NCM_SEX_FEMALE;
    else if (!strcmp(f->s, "M")) *out = NCM_SEX_MALE;
    else return ncmi_csv_fail(c, (size_t)col, NCM_ERR_RANGE, "sex '%s' must be F, M or %s", f->s, star_ok ? "*" : "empty");
    return NCM_OK;
}

ncm_status ncm_risk_model_read(const char *path, ncm_risk_model **out)
{
    if (!path || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_risk_model_read: NULL argument");
    ncmi_csv c;
    ncmi_rb rb;
    ncm_status st = ncmi_csv_open_file(&c, path);
    if (st) return st;
    if ((st = ncmi_rb_init(&rb))) { ncmi_csv_close(&c); return st; }
    long ix[NNATIVE];
    if ((st = ncmi_csv_read_header(&c)) || (st = need_columns(&c, native_cols, NNATIVE, ix))) goto done;
    for (;;) {
        int eof;
        if ((st = ncmi_csv_next(&c, &eof))) goto done;
        if (eof) break;
        if ((st = ncmi_csv_check_width(&c))) goto done;
        const char *rec = c.fields[ix[0]].s;
        int kind;
        for (kind = 0; kind < NCMI_RB_NKINDS; kind++)
            if (!strcmp(rec, ncmi_rb_kind_names[kind])) break;
        if (kind == NCMI_RB_NKINDS) {
            st = ncmi_csv_fail(&c, (size_t)ix[0], NCM_ERR_PARSE, "unknown record '%s'", rec);
            goto done;
        }
        char code[64];
        const char *name = c.fields[ix[1]].s;
        if (!*name) { st = ncmi_csv_fail(&c, (size_t)ix[1], NCM_ERR_PARSE, "empty name"); goto done; }
        if (kind == NCMI_RB_CODE || kind == NCMI_RB_EDIT) {
            size_t len = ncmi_risk_normalize_code(name, code, sizeof code);
            if (len == (size_t)-1 || len == 0) { st = ncmi_csv_fail(&c, (size_t)ix[1], NCM_ERR_PARSE, "bad code '%s'", name); goto done; }
            name = code;
        }
        ncmi_rb_item *it;
        if ((st = ncmi_rb_add(&rb, kind, name, c.fields[ix[2]].s, c.fields[ix[3]].s, c.name, c.line, &it))) goto done;
        uint8_t sx = 0;
        int16_t lo = -1, hi = -1;
        int8_t mc = -1, od = -1, ds = -1;
        if ((st = parse_sex(&c, ix[4], 0, &sx)) || (st = parse_age(&c, ix[5], &lo)) || (st = parse_age(&c, ix[6], &hi)) ||
            (st = parse_flag(&c, ix[7], &mc)) || (st = parse_flag(&c, ix[8], &od)) || (st = parse_flag(&c, ix[9], &ds)))
            goto done;
        if (lo >= 0 && hi >= 0 && lo > hi) { st = ncmi_csv_fail(&c, (size_t)ix[6], NCM_ERR_RANGE, "age_high %d is below age_low %d", hi, lo); goto done; }
        double v = 0;
        const ncmi_csv_field *f = &c.fields[ix[10]];
        if (f->len || kind == NCMI_RB_CELL || kind == NCMI_RB_COEFFICIENT) {
            if (ncmi_parse_double(f->s, f->len, &v)) {
                st = ncmi_csv_fail(&c, (size_t)ix[10], NCM_ERR_PARSE, "%s '%s': value '%s' is not a number", rec, name, f->s);
                goto done;
            }
        }
        it = &rb.items[rb.n - 1];
        it->sex = sx;
        it->age_lo = lo;
        it->age_hi = hi;
        it->medicaid = mc;
        it->origds = od;
        it->disabled = ds;
        it->value = v;
    }
    ncmi_csv_close(&c);
    return finish(&rb, NCM_OK, out);
done:
    ncmi_csv_close(&c);
    ncmi_rb_free(&rb);
    return st;
}

static void put_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else fputs(s, f);
}

static void put_double(FILE *f, double v)
{
    char b[40];
    snprintf(b, sizeof b, "%.15g", v);
    if (strtod(b, NULL) != v) snprintf(b, sizeof b, "%.17g", v);
    fputs(b, f);
}

ncm_status ncm_risk_model_write(const ncm_risk_model *m, const char *path)
{
    if (!m || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_risk_model_write: NULL argument");
    FILE *f = fopen(path, "wb");
    if (!f) return ncmi_error(NCM_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    const ncmi_rb *rb = &m->rb;
    for (size_t k = 0; k < NNATIVE; k++) fprintf(f, "%s%s", k ? "," : "", native_cols[k]);
    fputc('\n', f);
    int has_model = 0;
    for (size_t i = 0; i < rb->n; i++) has_model |= rb->items[i].kind == NCMI_RB_MODEL;
    if (!has_model) {
        put_field(f, "model");
        fputc(',', f);
        put_field(f, m->name);
        fputs(",,,,,,,,,\n", f);
    }
    for (size_t i = 0; i < rb->n; i++) {
        const ncmi_rb_item *it = &rb->items[i];
        fprintf(f, "%s,", ncmi_rb_kind_names[it->kind]);
        put_field(f, nm(rb, it->name));
        fputc(',', f);
        put_field(f, nm(rb, it->seg));
        fputc(',', f);
        for (uint32_t j = 0; j < it->nmem; j++) {
            if (j) fputc(' ', f);
            fputs(nm(rb, rb->mem[it->mem_off + j]), f);
        }
        fprintf(f, ",%s,", it->sex == NCM_SEX_FEMALE ? "F" : it->sex == NCM_SEX_MALE ? "M" : "");
        if (it->age_lo >= 0) fprintf(f, "%d", it->age_lo);
        fputc(',', f);
        if (it->age_hi >= 0) fprintf(f, "%d", it->age_hi);
        fputc(',', f);
        if (it->medicaid >= 0) fprintf(f, "%d", it->medicaid);
        fputc(',', f);
        if (it->origds >= 0) fprintf(f, "%d", it->origds);
        fputc(',', f);
        if (it->disabled >= 0) fprintf(f, "%d", it->disabled);
        fputc(',', f);
        int has_value = it->kind == NCMI_RB_CELL || it->kind == NCMI_RB_COEFFICIENT || it->value != 0;
        if (has_value) put_double(f, it->value);
        fputc('\n', f);
    }
    int bad = ferror(f);
    if (fclose(f) || bad) return ncmi_error(NCM_ERR_IO, "%s: write failed", path);
    return NCM_OK;
}

/* ------------------------------------------------------------------------------------------------ */
/* Age-sex model                                                                                    */

ncm_status ncm_risk_model_age_sex(const char *path, ncm_risk_model **out)
{
    static const char *const cols[] = {"band_low", "band_high", "sex", "weight"};
    if (!path || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_risk_model_age_sex: NULL argument");
    ncmi_csv c;
    ncmi_rb rb;
    ncm_status st = ncmi_csv_open_file(&c, path);
    if (st) return st;
    if ((st = ncmi_rb_init(&rb))) { ncmi_csv_close(&c); return st; }
    long ix[4];
    ncmi_rb_item *it;
    char title[300];
    const char *base = strrchr(path, '/');
    snprintf(title, sizeof title, "age-sex (%s)", base ? base + 1 : path);
    if ((st = ncmi_csv_read_header(&c)) || (st = need_columns(&c, cols, 4, ix))) goto done;
    if ((st = ncmi_rb_add(&rb, NCMI_RB_MODEL, title, NULL, NULL, NULL, 0, &it))) goto done;
    if ((st = ncmi_rb_add(&rb, NCMI_RB_SEGMENT, "ALL", NULL, NULL, NULL, 0, &it))) goto done;
    size_t first = rb.n;
    for (;;) {
        int eof;
        if ((st = ncmi_csv_next(&c, &eof))) goto done;
        if (eof) break;
        if ((st = ncmi_csv_check_width(&c))) goto done;
        int16_t lo = -1, hi = -1;
        uint8_t sx = 0;
        double w;
        if ((st = parse_age(&c, ix[0], &lo)) || (st = parse_age(&c, ix[1], &hi)) || (st = parse_sex(&c, ix[2], 1, &sx))) goto done;
        if (lo < 0) { st = ncmi_csv_fail(&c, (size_t)ix[0], NCM_ERR_PARSE, "band_low is empty"); goto done; }
        if (hi < 0) { st = ncmi_csv_fail(&c, (size_t)ix[1], NCM_ERR_PARSE, "band_high is empty"); goto done; }
        if (hi < lo) { st = ncmi_csv_fail(&c, (size_t)ix[1], NCM_ERR_RANGE, "band_high %d is below band_low %d", hi, lo); goto done; }
        const ncmi_csv_field *f = &c.fields[ix[3]];
        if (ncmi_parse_double(f->s, f->len, &w)) { st = ncmi_csv_fail(&c, (size_t)ix[3], NCM_ERR_PARSE, "weight '%s' is not a number", f->s); goto done; }
        if (w < 0) { st = ncmi_csv_fail(&c, (size_t)ix[3], NCM_ERR_RANGE, "weight %g is negative", w); goto done; }
        for (size_t k = first; k < rb.n; k++) {
            const ncmi_rb_item *p = &rb.items[k];
            if ((p->sex == 0 || sx == 0 || p->sex == sx) && lo <= p->age_hi && p->age_lo <= hi) {
                st = ncmi_error(NCM_ERR_INCONSISTENT, "%s:%zu: band %d-%d %s overlaps band %d-%d %s of line %lu", c.name, c.line, lo, hi,
                                c.fields[ix[2]].s, p->age_lo, p->age_hi, p->sex == 1 ? "F" : p->sex == 2 ? "M" : "*",
                                (unsigned long)p->line);
                goto done;
            }
        }
        char tn[64];
        snprintf(tn, sizeof tn, "%c%d_%d", sx == NCM_SEX_FEMALE ? 'F' : sx == NCM_SEX_MALE ? 'M' : 'A', lo, hi);
        if ((st = ncmi_rb_add(&rb, NCMI_RB_CELL, tn, "ALL", NULL, c.name, c.line, &it))) goto done;
        it->sex = sx;
        it->age_lo = lo;
        it->age_hi = hi;
        it->value = w;
    }
    ncmi_csv_close(&c);
    return finish(&rb, NCM_OK, out);
done:
    ncmi_csv_close(&c);
    ncmi_rb_free(&rb);
    return st;
}
