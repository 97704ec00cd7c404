#include "ncm/population.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal/int128.h"
#include "internal/population_impl.h"

const char *const ncmi_population_colnames[NCMI_NCOLS] = {
    "person_id", "age", "sex", "practice", "network", "place", "system", "deprivation_decile",
    "months_enrolled", "annual_cost", "segment", "orec", "medicaid"};

void ncm_population_columns_init(ncm_population_columns *cols)
{
    if (!cols) return;
    memset(cols, 0, sizeof *cols);
    cols->version = NCM_POPULATION_COLUMNS_VERSION;
}

void ncm_population_free(ncm_population *p)
{
    if (!p) return;
    for (size_t i = 0; i < sizeof p->owned / sizeof p->owned[0]; i++) ncmi_free(p->owned[i]);
    ncmi_dict_free(p->person);
    for (int k = 0; k < 5; k++) {
        ncmi_dict_free(p->text[k]);
        ncmi_free(p->text_ids[k]);
    }
    ncmi_dict_free(p->dx);
    ncmi_free(p->dx_ids);
    ncmi_free(p->dx_off);
    for (size_t a = 0; a < p->nattr; a++) {
        ncmi_free(p->attr[a].name);
        ncmi_free(p->attr[a].num);
        ncmi_dict_free(p->attr[a].dict);
        ncmi_free(p->attr[a].ids);
    }
    ncmi_free(p->attr);
    for (int l = 0; l < NCM_LEVEL_COUNT; l++) ncmi_free(p->parent[l]);
    ncmi_free(p);
}

/* ------------------------------------------------------------------ error naming */

typedef struct {
    const ncmi_pop_source *src;
    int col;          /* canonical column, or -1 for an attribute */
    size_t attr;      /* attribute index when col < 0 */
    const char *name; /* field name */
} field_ref;

static field_ref canon(const ncmi_pop_source *src, int col)
{
    field_ref f = {src, col, 0, ncmi_population_colnames[col]};
    return f;
}

static ncm_status row_fail(field_ref f, size_t row, ncm_status st, const char *fmt, ...) NCMI_PRINTF(4, 5);
static ncm_status row_fail(field_ref f, size_t row, ncm_status st, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (f.src && f.src->file) {
        size_t line = f.src->line ? f.src->line[row] : row + 2;
        size_t col = 0;
        if (f.col >= 0 && f.src->col) col = f.src->col[f.col];
        if (f.col < 0 && f.src->attr_col) col = f.src->attr_col[f.attr];
        return ncmi_error(st, "%s:%zu:%zu (%s): %s", f.src->file, line, col, f.name, msg);
    }
    return ncmi_error(st, "%s[%zu]: %s", f.name, row, msg);
}

/* Line of a row for messages that mention a second row. */
static size_t row_label(const ncmi_pop_source *src, size_t row)
{
    if (src && src->file) return src->line ? src->line[row] : row + 2;
    return row;
}

/* ------------------------------------------------------------------ text columns */

static int text_present(const ncm_text_column *t) { return t->values != NULL || t->index != NULL; }

/* Intern a text column into a new dictionary and id array. unique: each value must be new (person ids). */
static ncm_status intern_text(const ncm_text_column *t, size_t n, field_ref f, int unique, int allow_empty,
                              ncmi_dict **dict_out, uint32_t **ids_out)
{
    ncmi_dict *d = ncmi_dict_new(unique ? n : 16);
    uint32_t *ids = NULL, *remap = NULL;
    ncm_status st = NCM_OK;
    if (!d) return ncmi_nomem(f.name);
    if (!unique) {
        ids = ncmi_malloc_array(n, sizeof *ids);
        if (!ids) {
            st = ncmi_nomem(f.name);
            goto fail;
        }
    }
    if (!text_present(t)) {
        uint32_t id;
        if (ncmi_dict_intern(d, "", 0, &id, NULL)) {
            st = ncmi_nomem(f.name);
            goto fail;
        }
        if (ids) memset(ids, 0, n * sizeof *ids);
    } else if (t->values) {
        for (size_t i = 0; i < n; i++) {
            const char *s = t->values[i];
            if (unique && i + 16 < n && t->values[i + 16]) /* a large table: fetch ahead */
                ncmi_dict_prefetch(d, t->values[i + 16], strlen(t->values[i + 16]));
            if (!s) {
                st = row_fail(f, i, NCM_ERR_INVALID, "missing value (NULL string)");
                goto fail;
            }
            size_t len = strlen(s);
            if (!allow_empty && len == 0) {
                st = row_fail(f, i, NCM_ERR_RANGE, "empty value");
                goto fail;
            }
            uint32_t id;
            int added;
            ncm_status s2 = ncmi_dict_intern(d, s, len, &id, &added);
            if (s2) {
                st = s2 == NCM_ERR_NOMEM ? ncmi_nomem(f.name) : ncmi_error(s2, "%s: too many distinct values", f.name);
                goto fail;
            }
            if (unique && !added) {
                char q[64];
                ncmi_quote(q, sizeof q, s, len);
                size_t first = 0;
                for (size_t j = 0; j < i; j++)
                    if (strcmp(t->values[j], s) == 0) { first = j; break; }
                st = row_fail(f, i, NCM_ERR_DUPLICATE, "\"%s\" appears twice (first at %s %zu)", q,
                              f.src && f.src->file ? "line" : "row", row_label(f.src, first));
                goto fail;
            }
            if (ids) ids[i] = id;
        }
    } else {
        if (!t->levels && t->nlevels) {
            st = ncmi_error(NCM_ERR_INVALID, "%s: index given without levels", f.name);
            goto fail;
        }
        remap = ncmi_malloc_array(t->nlevels, sizeof *remap);
        if (!remap) {
            st = ncmi_nomem(f.name);
            goto fail;
        }
        /* Intern in row order so ids follow first appearance, as for the values form. */
        for (size_t k = 0; k < t->nlevels; k++) remap[k] = UINT32_MAX;
        for (size_t i = 0; i < n; i++) {
            uint32_t k = t->index[i];
            if (k >= t->nlevels) {
                st = row_fail(f, i, NCM_ERR_RANGE, "level index %u is outside 0-%zu", (unsigned)k,
                              t->nlevels ? t->nlevels - 1 : 0);
                goto fail;
            }
            if (remap[k] == UINT32_MAX || unique) {
                const char *s = t->levels[k];
                if (!s) {
                    st = row_fail(f, i, NCM_ERR_INVALID, "level %u is a NULL string", (unsigned)k);
                    goto fail;
                }
                size_t len = strlen(s);
                if (!allow_empty && len == 0) {
                    st = row_fail(f, i, NCM_ERR_RANGE, "empty value");
                    goto fail;
                }
                uint32_t id;
                int added;
                ncm_status s2 = ncmi_dict_intern(d, s, len, &id, &added);
                if (s2) {
                    st = s2 == NCM_ERR_NOMEM ? ncmi_nomem(f.name) : ncmi_error(s2, "%s: too many distinct values", f.name);
                    goto fail;
                }
                if (unique && !added) {
                    char q[64];
                    ncmi_quote(q, sizeof q, s, len);
                    st = row_fail(f, i, NCM_ERR_DUPLICATE, "\"%s\" appears twice", q);
                    goto fail;
                }
                remap[k] = id;
            }
            if (ids) ids[i] = remap[k];
        }
    }
    ncmi_free(remap);
    *dict_out = d;
    if (ids_out) *ids_out = ids;
    else ncmi_free(ids);
    return NCM_OK;
fail:
    ncmi_free(remap);
    ncmi_free(ids);
    ncmi_dict_free(d);
    return st;
}

/* ------------------------------------------------------------------ numeric columns */

/* Copy (or borrow) a numeric column, or allocate it filled with a default. */
static ncm_status take_array(ncm_population *p, int slot, const void *src, size_t n, size_t elem, int borrow,
                             const void *dflt, const void **dst, const char *name)
{
    if (src && borrow) {
        *dst = src;
        return NCM_OK;
    }
    void *a = ncmi_malloc_array(n, elem);
    if (!a) return ncmi_nomem(name);
    if (src) {
        if (n) memcpy(a, src, n * elem);
    } else {
        for (size_t i = 0; i < n; i++) memcpy((char *)a + i * elem, dflt, elem);
    }
    p->owned[slot] = a;
    *dst = a;
    return NCM_OK;
}

static ncm_status validate_numbers(const ncm_population_columns *c, const ncmi_pop_source *src)
{
    size_t n = c->n;
    for (size_t i = 0; i < n; i++) {
        if (c->age[i] < 0 || c->age[i] > 130)
            return row_fail(canon(src, NCMI_COL_AGE), i, NCM_ERR_RANGE, "%ld is outside 0-130", (long)c->age[i]);
        if (c->sex[i] > NCM_SEX_MALE)
            return row_fail(canon(src, NCMI_COL_SEX), i, NCM_ERR_RANGE, "code %u is not 0 (unknown), 1 (F) or 2 (M)",
                            (unsigned)c->sex[i]);
    }
    if (c->deprivation_decile)
        for (size_t i = 0; i < n; i++)
            if (c->deprivation_decile[i] > 10)
                return row_fail(canon(src, NCMI_COL_DEPRIVATION), i, NCM_ERR_RANGE, "%u is outside 1-10 (0 = unknown)",
                                (unsigned)c->deprivation_decile[i]);
    if (c->months_enrolled)
        for (size_t i = 0; i < n; i++)
            if (!(c->months_enrolled[i] >= 0.0 && c->months_enrolled[i] <= 12.0))
                return row_fail(canon(src, NCMI_COL_MONTHS), i, NCM_ERR_RANGE, "%g is outside 0-12",
                                c->months_enrolled[i]);
    if (c->annual_cost)
        for (size_t i = 0; i < n; i++)
            if (c->annual_cost[i] < 0)
                return row_fail(canon(src, NCMI_COL_COST), i, NCM_ERR_RANGE, "%lld minor units is negative",
                                (long long)c->annual_cost[i]);
    if (c->orec)
        for (size_t i = 0; i < n; i++)
            if (c->orec[i] > 3)
                return row_fail(canon(src, NCMI_COL_OREC), i, NCM_ERR_RANGE, "%u is outside 0-3", (unsigned)c->orec[i]);
    if (c->medicaid)
        for (size_t i = 0; i < n; i++)
            if (c->medicaid[i] > 1)
                return row_fail(canon(src, NCMI_COL_MEDICAID), i, NCM_ERR_RANGE, "%u is not 0 or 1",
                                (unsigned)c->medicaid[i]);
    return NCM_OK;
}

/* ------------------------------------------------------------------ geography nesting */

ncm_status ncmi_population_build_parents(ncm_population *p, const ncmi_pop_source *src)
{
    int levels[NCM_LEVEL_COUNT], nl = 0;
    for (int l = 0; l < NCM_LEVEL_COUNT; l++) {
        p->parent_level[l] = -1;
        if (p->present & (1u << (NCMI_COL_PRACTICE + l))) levels[nl++] = l;
    }
    for (int k = 0; k + 1 < nl; k++) {
        int lo = levels[k], hi = levels[k + 1];
        size_t units = ncmi_dict_size(p->text[lo]);
        uint32_t *par = ncmi_malloc_array(units, sizeof *par);
        size_t *first = ncmi_malloc_array(units, sizeof *first);
        if (!par || !first) {
            ncmi_free(par);
            ncmi_free(first);
            return ncmi_nomem("geography parents");
        }
        for (size_t u = 0; u < units; u++) par[u] = UINT32_MAX;
        const uint32_t *a = p->text_ids[lo], *b = p->text_ids[hi];
        for (size_t i = 0; i < p->n; i++) {
            uint32_t u = a[i];
            if (par[u] == UINT32_MAX) {
                par[u] = b[i];
                first[u] = i;
            } else if (par[u] != b[i]) {
                ncm_status st = row_fail(canon(src, NCMI_COL_PRACTICE + hi), i, NCM_ERR_INCONSISTENT,
                                         "%s \"%s\" is in two %ss: \"%s\" (%s %zu) and \"%s\"",
                                         ncm_level_name((ncm_level)lo), ncmi_dict_str(p->text[lo], u),
                                         ncm_level_name((ncm_level)hi), ncmi_dict_str(p->text[hi], par[u]),
                                         src && src->file ? "line" : "row", row_label(src, first[u]),
                                         ncmi_dict_str(p->text[hi], b[i]));
                ncmi_free(par);
                ncmi_free(first);
                return st;
            }
        }
        ncmi_free(first);
        p->parent[lo] = par;
        p->parent_level[lo] = hi;
    }
    return NCM_OK;
}

/* ------------------------------------------------------------------ build */

static int reserved_name(const char *name)
{
    for (int k = 0; k < NCMI_NCOLS; k++)
        if (strcmp(name, ncmi_population_colnames[k]) == 0) return 1;
    return strcmp(name, "code") == 0;
}

ncm_status ncmi_population_build(const ncm_population_columns *c, const ncmi_pop_source *src, ncm_population **out)
{
    if (!c || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_population_from_columns: NULL argument");
    if (c->version == 0 || c->version > NCM_POPULATION_COLUMNS_VERSION)
        return ncmi_error(NCM_ERR_VERSION, "ncm_population_columns: version %u is not supported (1-%u)", c->version,
                          NCM_POPULATION_COLUMNS_VERSION);
    size_t n = c->n;
    ncmi_dict *person = src ? src->person : NULL;
    if (!text_present(&c->person_id) && !person && n) return ncmi_error(NCM_ERR_INVALID, "person_id: required column missing");
    if ((!c->age || !c->sex) && n) return ncmi_error(NCM_ERR_INVALID, "%s: required column missing", !c->age ? "age" : "sex");
    if (c->dx_offsets && !text_present(&c->dx_codes))
        return ncmi_error(NCM_ERR_INVALID, "dx_codes: required when dx_offsets is given");
    if (c->nattributes && !c->attributes) return ncmi_error(NCM_ERR_INVALID, "attributes: NULL with nattributes > 0");
    if (n) {
        ncm_status st = validate_numbers(c, src);
        if (st) return st;
    }
    if (c->dx_offsets) {
        if (c->dx_offsets[0] != 0) return ncmi_error(NCM_ERR_RANGE, "dx_offsets[0]: %llu, must be 0", (unsigned long long)c->dx_offsets[0]);
        for (size_t i = 0; i < n; i++)
            if (c->dx_offsets[i + 1] < c->dx_offsets[i])
                return ncmi_error(NCM_ERR_RANGE, "dx_offsets[%zu]: %llu is below dx_offsets[%zu] = %llu", i + 1,
                                  (unsigned long long)c->dx_offsets[i + 1], i, (unsigned long long)c->dx_offsets[i]);
    }
    for (size_t a = 0; a < c->nattributes; a++) {
        const ncm_attribute_column *ac = &c->attributes[a];
        if (!ac->name || !*ac->name) return ncmi_error(NCM_ERR_INVALID, "attributes[%zu]: missing name", a);
        if (reserved_name(ac->name))
            return ncmi_error(NCM_ERR_DUPLICATE, "attributes[%zu]: \"%s\" is a canonical column name", a, ac->name);
        for (size_t b = 0; b < a; b++)
            if (strcmp(c->attributes[b].name, ac->name) == 0)
                return ncmi_error(NCM_ERR_DUPLICATE, "attributes[%zu]: \"%s\" appears twice", a, ac->name);
        if (!ac->numeric && !text_present(&ac->text) && n)
            return ncmi_error(NCM_ERR_INVALID, "attribute %s: no values", ac->name);
        if (ac->numeric)
            for (size_t i = 0; i < n; i++)
                if (!isfinite(ac->numeric[i])) {
                    field_ref f = {src, -1, a, ac->name};
                    return row_fail(f, i, NCM_ERR_RANGE, "%g is not a finite number", ac->numeric[i]);
                }
    }

    ncm_population *p = ncmi_calloc(1, sizeof *p);
    if (!p) return ncmi_nomem("population");
    p->n = n;
    int borrow = (c->flags & NCM_POPULATION_BORROW) != 0;
    ncm_status st;
    static const int32_t zero32 = 0;
    static const uint8_t zero8 = 0;
    static const double twelve = 12.0;
    const void *ptr = NULL;
#define TAKE(slot, field, dflt, dst, type)                                                                    \
    do {                                                                                                      \
        st = take_array(p, slot, c->field, n, sizeof(type), borrow, dflt, &ptr, #field);                      \
        if (st) goto fail;                                                                                    \
        p->dst = (const type *)ptr;                                                                           \
    } while (0)
    TAKE(0, age, &zero32, age, int32_t);
    TAKE(1, sex, &zero8, sex, uint8_t);
    TAKE(2, deprivation_decile, &zero8, depr, uint8_t);
    TAKE(3, months_enrolled, &twelve, months, double);
    TAKE(4, orec, &zero8, orec, uint8_t);
    TAKE(5, medicaid, &zero8, medicaid, uint8_t);
    if (c->annual_cost) {
        static const ncm_money zm = 0;
        TAKE(6, annual_cost, &zm, cost, ncm_money);
    }
#undef TAKE
    p->present = (1u << NCMI_COL_PERSON_ID) | (1u << NCMI_COL_AGE) | (1u << NCMI_COL_SEX);
    if (c->deprivation_decile) p->present |= 1u << NCMI_COL_DEPRIVATION;
    if (c->months_enrolled) p->present |= 1u << NCMI_COL_MONTHS;
    if (c->annual_cost) p->present |= 1u << NCMI_COL_COST;
    if (c->orec) p->present |= 1u << NCMI_COL_OREC;
    if (c->medicaid) p->present |= 1u << NCMI_COL_MEDICAID;
    if (text_present(&c->segment)) p->present |= 1u << NCMI_COL_SEGMENT;

    if (person) {
        if (ncmi_dict_size(person) != n) {
            st = ncmi_error(NCM_ERR_INTERNAL, "person_id: %zu ids for %zu rows", ncmi_dict_size(person), n);
            goto fail;
        }
        p->person = person;
    } else if ((st = intern_text(&c->person_id, n, canon(src, NCMI_COL_PERSON_ID), 1, 0, &p->person, NULL))) {
        goto fail;
    }
    for (int l = 0; l < NCM_LEVEL_COUNT; l++) {
        if (text_present(&c->geo[l])) p->present |= 1u << (NCMI_COL_PRACTICE + l);
        if ((st = intern_text(&c->geo[l], n, canon(src, NCMI_COL_PRACTICE + l), 0, 1, &p->text[l], &p->text_ids[l])))
            goto fail;
    }
    if ((st = intern_text(&c->segment, n, canon(src, NCMI_COL_SEGMENT), 0, 1, &p->text[4], &p->text_ids[4]))) goto fail;

    p->dx_off = ncmi_malloc_array(n + 1, sizeof *p->dx_off);
    if (!p->dx_off) {
        st = ncmi_nomem("dx_offsets");
        goto fail;
    }
    if (c->dx_offsets) {
        memcpy(p->dx_off, c->dx_offsets, (n + 1) * sizeof *p->dx_off);
        field_ref f = {NULL, -1, 0, "dx_codes"};
        if ((st = intern_text(&c->dx_codes, (size_t)c->dx_offsets[n], f, 0, 0, &p->dx, &p->dx_ids))) goto fail;
    } else {
        memset(p->dx_off, 0, (n + 1) * sizeof *p->dx_off);
        p->dx = ncmi_dict_new(0);
        p->dx_ids = ncmi_malloc(1);
        if (!p->dx || !p->dx_ids) {
            st = ncmi_nomem("diagnoses");
            goto fail;
        }
    }

    if (c->nattributes) {
        p->attr = ncmi_calloc(c->nattributes, sizeof *p->attr);
        if (!p->attr) {
            st = ncmi_nomem("attributes");
            goto fail;
        }
        p->nattr = c->nattributes;
        for (size_t a = 0; a < c->nattributes; a++) {
            const ncm_attribute_column *ac = &c->attributes[a];
            ncmi_attr *pa = &p->attr[a];
            if (!(pa->name = ncmi_strdup(ac->name))) {
                st = ncmi_nomem("attribute name");
                goto fail;
            }
            if (ac->numeric) {
                if (!(pa->num = ncmi_malloc_array(n, sizeof *pa->num))) {
                    st = ncmi_nomem(ac->name);
                    goto fail;
                }
                if (n) memcpy(pa->num, ac->numeric, n * sizeof *pa->num);
            } else {
                field_ref f = {src, -1, a, ac->name};
                if ((st = intern_text(&ac->text, n, f, 0, 1, &pa->dict, &pa->ids))) goto fail;
            }
        }
    }
    if ((st = ncmi_population_build_parents(p, src))) goto fail;
    *out = p;
    return NCM_OK;
fail:
    if (person && p->person == person) p->person = NULL; /* still the caller's */
    ncm_population_free(p);
    return st;
}

ncm_status ncm_population_from_columns(const ncm_population_columns *cols, ncm_population **out)
{
    return ncmi_population_build(cols, NULL, out);
}

/* ------------------------------------------------------------------ accessors */

size_t ncm_population_size(const ncm_population *p) { return p ? p->n : 0; }
const int32_t *ncm_population_age(const ncm_population *p) { return p ? p->age : NULL; }
const uint8_t *ncm_population_sex(const ncm_population *p) { return p ? p->sex : NULL; }
const uint8_t *ncm_population_deprivation(const ncm_population *p) { return p ? p->depr : NULL; }
const double *ncm_population_months(const ncm_population *p) { return p ? p->months : NULL; }
const ncm_money *ncm_population_cost(const ncm_population *p) { return p ? p->cost : NULL; }
const uint8_t *ncm_population_orec(const ncm_population *p) { return p ? p->orec : NULL; }
const uint8_t *ncm_population_medicaid(const ncm_population *p) { return p ? p->medicaid : NULL; }
const uint64_t *ncm_population_dx_offsets(const ncm_population *p) { return p ? p->dx_off : NULL; }

int ncm_population_has_column(const ncm_population *p, const char *name)
{
    if (!p || !name) return 0;
    for (int k = 0; k < NCMI_NCOLS; k++)
        if (strcmp(name, ncmi_population_colnames[k]) == 0) return (p->present >> k) & 1u;
    for (size_t a = 0; a < p->nattr; a++)
        if (strcmp(p->attr[a].name, name) == 0) return 1;
    return 0;
}

static const ncmi_dict *text_dict(const ncm_population *p, ncm_text_field f)
{
    if (!p) return NULL;
    if ((unsigned)f <= NCM_TEXT_SEGMENT) return p->text[f];
    if (f == NCM_TEXT_DIAGNOSIS) return p->dx;
    if (f == NCM_TEXT_PERSON) return p->person;
    return NULL;
}

const uint32_t *ncm_population_text_ids(const ncm_population *p, ncm_text_field f)
{
    if (!p) return NULL;
    if ((unsigned)f <= NCM_TEXT_SEGMENT) return p->text_ids[f];
    if (f == NCM_TEXT_DIAGNOSIS) return p->dx_ids;
    return NULL;
}

size_t ncm_population_text_count(const ncm_population *p, ncm_text_field f)
{
    const ncmi_dict *d = text_dict(p, f);
    return d ? ncmi_dict_size(d) : 0;
}

const char *ncm_population_text_value(const ncm_population *p, ncm_text_field f, uint32_t id)
{
    const ncmi_dict *d = text_dict(p, f);
    if (!d || id >= ncmi_dict_size(d)) return NULL;
    return ncmi_dict_str(d, id);
}

ncm_status ncm_population_text_find(const ncm_population *p, ncm_text_field f, const char *value, uint32_t *id)
{
    const ncmi_dict *d = text_dict(p, f);
    if (!d || !value || !id) return ncmi_error(NCM_ERR_INVALID, "ncm_population_text_find: NULL argument or unknown field");
    uint32_t v;
    if (!ncmi_dict_find(d, value, strlen(value), &v)) {
        char q[64];
        ncmi_quote(q, sizeof q, value, strlen(value));
        return ncmi_error(NCM_ERR_NOT_FOUND, "\"%s\" is not a value of this field", q);
    }
    *id = v;
    return NCM_OK;
}

size_t ncm_population_attr_count(const ncm_population *p) { return p ? p->nattr : 0; }

const char *ncm_population_attr_name(const ncm_population *p, size_t k)
{
    return p && k < p->nattr ? p->attr[k].name : NULL;
}

ncm_status ncm_population_attr_find(const ncm_population *p, const char *name, size_t *k)
{
    if (!p || !name || !k) return ncmi_error(NCM_ERR_INVALID, "ncm_population_attr_find: NULL argument");
    for (size_t a = 0; a < p->nattr; a++)
        if (strcmp(p->attr[a].name, name) == 0) {
            *k = a;
            return NCM_OK;
        }
    return ncmi_error(NCM_ERR_NOT_FOUND, "attribute \"%s\" not found", name);
}

const double *ncm_population_attr_numeric(const ncm_population *p, size_t k)
{
    return p && k < p->nattr ? p->attr[k].num : NULL;
}

const uint32_t *ncm_population_attr_text_ids(const ncm_population *p, size_t k)
{
    return p && k < p->nattr ? p->attr[k].ids : NULL;
}

size_t ncm_population_attr_text_count(const ncm_population *p, size_t k)
{
    return p && k < p->nattr && p->attr[k].dict ? ncmi_dict_size(p->attr[k].dict) : 0;
}

const char *ncm_population_attr_text_value(const ncm_population *p, size_t k, uint32_t id)
{
    if (!p || k >= p->nattr || !p->attr[k].dict || id >= ncmi_dict_size(p->attr[k].dict)) return NULL;
    return ncmi_dict_str(p->attr[k].dict, id);
}

ncm_status ncm_population_parent(const ncm_population *p, ncm_level level, uint32_t id, ncm_level parent_level,
                                 uint32_t *parent)
{
    if (!p || !parent || (unsigned)level >= NCM_LEVEL_COUNT || (unsigned)parent_level >= NCM_LEVEL_COUNT ||
        parent_level <= level)
        return ncmi_error(NCM_ERR_INVALID, "ncm_population_parent: bad levels or NULL argument");
    if (id >= ncmi_dict_size(p->text[level]))
        return ncmi_error(NCM_ERR_INVALID, "ncm_population_parent: %s id %u out of range", ncm_level_name(level), id);
    if (!(p->present & (1u << (NCMI_COL_PRACTICE + parent_level))) || !(p->present & (1u << (NCMI_COL_PRACTICE + level)))) {
        /* an absent level has the single unit "" containing everyone */
        if (!(p->present & (1u << (NCMI_COL_PRACTICE + parent_level)))) {
            *parent = 0;
            return NCM_OK;
        }
        /* child level absent: its one unit maps to the parent only if the parent level has one unit */
        if (ncmi_dict_size(p->text[parent_level]) == 1) {
            *parent = 0;
            return NCM_OK;
        }
        return ncmi_error(NCM_ERR_NOT_FOUND, "%s is absent from the table, so it has no single %s",
                          ncm_level_name(level), ncm_level_name(parent_level));
    }
    uint32_t u = id;
    int l = (int)level;
    while (l != (int)parent_level) {
        if (!p->parent[l]) return ncmi_error(NCM_ERR_INTERNAL, "no parent table for %s", ncm_level_name((ncm_level)l));
        u = p->parent[l][u];
        if (u == UINT32_MAX) return ncmi_error(NCM_ERR_NOT_FOUND, "%s %u has no people", ncm_level_name(level), id);
        l = p->parent_level[l];
    }
    *parent = u;
    return NCM_OK;
}

ncm_status ncm_population_rollup(const ncm_population *p, ncm_level level, uint64_t *people, double *exposure,
                                 ncm_money *cost, double *mean_age, size_t cap)
{
    if (!p || (unsigned)level >= NCM_LEVEL_COUNT) return ncmi_error(NCM_ERR_INVALID, "ncm_population_rollup: NULL table or bad level");
    size_t units = ncmi_dict_size(p->text[level]);
    if (cap < units) return ncmi_error(NCM_ERR_BUFFER, "ncm_population_rollup: capacity %zu, %zu %ss", cap, units, ncm_level_name(level));
    uint64_t *cnt = ncmi_calloc(units, sizeof *cnt);
    double *expo = ncmi_calloc(units, sizeof *expo);
    double *agesum = ncmi_calloc(units, sizeof *agesum);
    ncmi_i128 *csum = ncmi_calloc(units, sizeof *csum);
    ncm_status st = NCM_OK;
    if (!cnt || !expo || !agesum || !csum) {
        st = ncmi_nomem("roll-up");
        goto done;
    }
    const uint32_t *ids = p->text_ids[level];
    for (size_t i = 0; i < p->n; i++) {
        uint32_t u = ids[i];
        cnt[u]++;
        expo[u] += p->months[i];
        agesum[u] += p->age[i];
        if (p->cost) csum[u] += p->cost[i];
    }
    for (size_t u = 0; u < units; u++)
        if (csum[u] > (ncmi_i128)INT64_MAX) {
            st = ncmi_error(NCM_ERR_OVERFLOW, "%s \"%s\": total cost out of range", ncm_level_name(level),
                            ncmi_dict_str(p->text[level], (uint32_t)u));
            goto done;
        }
    for (size_t u = 0; u < units; u++) {
        if (people) people[u] = cnt[u];
        if (exposure) exposure[u] = expo[u] / 12.0;
        if (cost) cost[u] = (ncm_money)csum[u];
        if (mean_age) mean_age[u] = cnt[u] ? agesum[u] / (double)cnt[u] : 0.0;
    }
done:
    ncmi_free(cnt);
    ncmi_free(expo);
    ncmi_free(agesum);
    ncmi_free(csum);
    return st;
}

static const char *const level_names[NCM_LEVEL_COUNT] = {"practice", "network", "place", "system"};

ncm_status ncm_level_parse(const char *name, ncm_level *level)
{
    if (!name || !level) return ncmi_error(NCM_ERR_INVALID, "ncm_level_parse: NULL argument");
    for (int l = 0; l < NCM_LEVEL_COUNT; l++)
        if (strcmp(name, level_names[l]) == 0) {
            *level = (ncm_level)l;
            return NCM_OK;
        }
    return ncmi_error(NCM_ERR_INVALID, "level \"%s\": expected practice, network, place or system", name);
}

const char *ncm_level_name(ncm_level level)
{
    return (unsigned)level < NCM_LEVEL_COUNT ? level_names[level] : "?";
}
