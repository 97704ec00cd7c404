/* Population CSV: read people.csv (+ diagnoses.csv) into a table, and write a table back.
 *
 * Reading: files are streamed by lib/internal/csv in windows (a buffer given to
 * ncm_population_read_csv_buffer is read whole), which validates UTF-8 and NUL-terminates every
 * field in place; fields are valid only until the next record, so each row is converted at once:
 * numbers into column arrays, person ids, geography, segment and attribute values interned into
 * dictionaries (person id i = row i). ncmi_population_build() then validates and assembles the
 * table, adopting the person dictionary, naming errors through an ncmi_pop_source. Diagnoses are
 * read after the people table exists (and the people file is closed): each row's person is looked
 * up in the table's person dictionary and codes are grouped into CSR arrays with a stable counting
 * sort. Any failure frees everything built so far. Peak memory is the table plus one window. */
#include "ncm/population.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal/csv.h"
#include "internal/population_impl.h"

void ncm_population_csv_options_init(ncm_population_csv_options *opts)
{
    if (!opts) return;
    memset(opts, 0, sizeof *opts);
    opts->version = NCM_POPULATION_CSV_OPTIONS_VERSION;
}

/* ------------------------------------------------------------------ field parsers */

/* Unsigned whole number of at most 9 digits (no sign): the hot path for age, decile, orec, medicaid. */
static int parse_small_uint(const char *s, size_t len, int64_t *out)
{
    if (len == 0 || len > 9) return ncmi_parse_i64(s, len, out);
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d > 9) return ncmi_parse_i64(s, len, out);
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* Money fast path: digits, optionally '.' and one or two digits. Returns 0 on success, 1 if the text
 * needs the general parser. */
static int parse_cost_fast(const char *s, size_t len, ncm_money *out)
{
    if (len == 0 || len > 18) return 1;
    int64_t v = 0;
    size_t i = 0;
    while (i < len && (unsigned)(s[i] - '0') <= 9) v = v * 10 + (s[i++] - '0');
    if (i == 0) return 1;
    if (i == len) {
        if (i > 16) return 1; /* 17-18 digits x 100 may not fit in int64: the general parser says so */
        *out = v * 100;
        return 0;
    }
    if (s[i] != '.') return 1;
    size_t nf = len - i - 1;
    if (nf < 1 || nf > 2) return 1;
    unsigned d1 = (unsigned)(s[i + 1] - '0'), d2 = nf == 2 ? (unsigned)(s[i + 2] - '0') : 0;
    if (d1 > 9 || d2 > 9) return 1;
    *out = v * 100 + d1 * 10 + d2;
    return 0;
}

/* Equality of two byte strings of length len; inline for the short codes that dominate CSV files. */
static inline int same(const char *a, const char *b, size_t len)
{
    if (len > 16) return memcmp(a, b, len) == 0;
    for (size_t i = 0; i < len; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

/* ------------------------------------------------------------------ people */

enum { PQ = 16, PQ_LEN = 40 };

typedef struct people {
    size_t n, cap;
    long col[NCMI_NCOLS]; /* 0-based CSV column of each canonical column, -1 if absent */
    size_t col1[NCMI_NCOLS];
    size_t *line; /* CSV line of each row; NULL while every row r is on line r + 2 (the usual case) */
    /* person ids, interned as read (the CSV reader may stream, so nothing may point into its
     * buffer after the row): id == row until the first empty or repeated id, which is reported
     * (as ncmi_population_build would) once every row has been read */
    ncmi_dict *person;
    int perr;          /* 0, or 1 (empty id) or 2 (repeated id) at row perr_row */
    size_t perr_row;
    uint32_t perr_first; /* row of the first occurrence of a repeated id */
    /* ids wait in a short queue (copied) while their hash slots are prefetched: interning
     * millions of ids is otherwise one cache miss each */
    size_t qhead, qn;
    size_t qrow[PQ];
    size_t qlen[PQ];
    char qtext[PQ][PQ_LEN];
    int32_t *age;
    uint8_t *sex, *depr, *orec, *medicaid;
    double *months;
    ncm_money *cost;
    /* practice, network, place, system, segment: interned here (with a one-entry cache, since files
     * are usually sorted by geography) and handed to the build as ids + levels */
    ncmi_dict *tdict[5];
    uint32_t *tids[5];
    const char **tlevels[5];
    int thave[5];        /* the one-entry cache holds tlast_id[k], whose text is tlast[k] */
    uint32_t tlast_id[5];
    size_t tlast_len[5];
    char tlast[5][PQ_LEN];
    size_t nattr;
    size_t *attr_csv;    /* 0-based CSV column of each attribute */
    size_t *attr_col1;   /* 1-based, for messages */
    /* attribute values, interned as read (text form), and parsed while every value so far is a
     * number (numeric form; attr_num[a] is freed at the first value that is not) */
    ncmi_dict **attr_dict;
    uint32_t **attr_ids;
    const char ***attr_levels;
    double **attr_num;
    ncm_attribute_column *acols;
} people;

static void people_free(people *pp)
{
    ncmi_free(pp->line);
    ncmi_dict_free(pp->person);
    ncmi_free(pp->age);
    ncmi_free(pp->sex);
    ncmi_free(pp->depr);
    ncmi_free(pp->orec);
    ncmi_free(pp->medicaid);
    ncmi_free(pp->months);
    ncmi_free(pp->cost);
    for (int k = 0; k < 5; k++) {
        ncmi_dict_free(pp->tdict[k]);
        ncmi_free(pp->tids[k]);
        ncmi_free(pp->tlevels[k]);
    }
    for (size_t a = 0; a < pp->nattr; a++) {
        if (pp->attr_dict) ncmi_dict_free(pp->attr_dict[a]);
        if (pp->attr_ids) ncmi_free(pp->attr_ids[a]);
        if (pp->attr_levels) ncmi_free(pp->attr_levels[a]);
        if (pp->attr_num) ncmi_free(pp->attr_num[a]);
    }
    ncmi_free(pp->attr_csv);
    ncmi_free(pp->attr_col1);
    ncmi_free(pp->attr_dict);
    ncmi_free(pp->attr_ids);
    ncmi_free(pp->attr_levels);
    ncmi_free(pp->attr_num);
    ncmi_free(pp->acols);
}

#define ALLOC_COL(ptr, count)                                                                                 \
    do {                                                                                                      \
        (ptr) = ncmi_malloc_array((count), sizeof *(ptr));                                                    \
        if (!(ptr)) return ncmi_nomem("people columns");                                                      \
    } while (0)

/* Map the header to canonical columns and attributes; allocate the column arrays for cap rows. */
static ncm_status people_setup(people *pp, ncmi_csv *c, size_t cap, size_t hint)
{
    for (int k = 0; k < NCMI_NCOLS; k++) pp->col[k] = -1;
    size_t nattr = 0;
    for (size_t i = 0; i < c->nheader; i++) {
        int found = 0;
        for (int k = 0; k < NCMI_NCOLS; k++)
            if (strcmp(c->header[i], ncmi_population_colnames[k]) == 0) {
                pp->col[k] = (long)i;
                pp->col1[k] = i + 1;
                found = 1;
            }
        if (!found) {
            if (strcmp(c->header[i], "code") == 0)
                return ncmi_error(NCM_ERR_PARSE,
                                  "%s:%zu:%zu (code): header: \"code\" is reserved for diagnoses.csv and cannot be "
                                  "a people.csv column",
                                  c->name, c->line, i + 1);
            nattr++;
        }
    }
    static const int required[] = {NCMI_COL_PERSON_ID, NCMI_COL_AGE, NCMI_COL_SEX};
    for (size_t r = 0; r < 3; r++)
        if (pp->col[required[r]] < 0)
            return ncmi_error(NCM_ERR_PARSE, "%s:%zu:1: header: required column \"%s\" is missing (required: person_id, age, sex)",
                              c->name, c->line, ncmi_population_colnames[required[r]]);
    pp->cap = cap;
    if (!(pp->person = ncmi_dict_new(hint))) return ncmi_nomem("person_id");
    ALLOC_COL(pp->age, cap);
    ALLOC_COL(pp->sex, cap);
    for (int k = 0; k < 5; k++)
        if (pp->col[k < 4 ? NCMI_COL_PRACTICE + k : NCMI_COL_SEGMENT] >= 0) {
            ALLOC_COL(pp->tids[k], cap);
            if (!(pp->tdict[k] = ncmi_dict_new(64))) return ncmi_nomem("people text columns");
        }
    if (pp->col[NCMI_COL_DEPRIVATION] >= 0) ALLOC_COL(pp->depr, cap);
    if (pp->col[NCMI_COL_MONTHS] >= 0) ALLOC_COL(pp->months, cap);
    if (pp->col[NCMI_COL_COST] >= 0) ALLOC_COL(pp->cost, cap);
    if (pp->col[NCMI_COL_OREC] >= 0) ALLOC_COL(pp->orec, cap);
    if (pp->col[NCMI_COL_MEDICAID] >= 0) ALLOC_COL(pp->medicaid, cap);
    if (nattr) {
        pp->attr_csv = ncmi_calloc(nattr, sizeof *pp->attr_csv);
        pp->attr_col1 = ncmi_calloc(nattr, sizeof *pp->attr_col1);
        pp->attr_dict = ncmi_calloc(nattr, sizeof *pp->attr_dict);
        pp->attr_ids = ncmi_calloc(nattr, sizeof *pp->attr_ids);
        pp->attr_levels = ncmi_calloc(nattr, sizeof *pp->attr_levels);
        pp->attr_num = ncmi_calloc(nattr, sizeof *pp->attr_num);
        pp->acols = ncmi_calloc(nattr, sizeof *pp->acols);
        if (!pp->attr_csv || !pp->attr_col1 || !pp->attr_dict || !pp->attr_ids || !pp->attr_levels || !pp->attr_num ||
            !pp->acols)
            return ncmi_nomem("people attributes");
        pp->nattr = nattr;
        size_t a = 0;
        for (size_t i = 0; i < c->nheader; i++) {
            int canonical = 0;
            for (int k = 0; k < NCMI_NCOLS; k++)
                if (pp->col[k] == (long)i) canonical = 1;
            if (canonical) continue;
            pp->attr_csv[a] = i;
            pp->attr_col1[a] = i + 1;
            ALLOC_COL(pp->attr_ids[a], cap);
            ALLOC_COL(pp->attr_num[a], cap);
            if (!(pp->attr_dict[a] = ncmi_dict_new(16))) return ncmi_nomem("people attributes");
            a++;
        }
    }
    return NCM_OK;
}
#undef ALLOC_COL

#define GROW_COL(ptr)                                                                                         \
    do {                                                                                                      \
        if (ptr) {                                                                                            \
            void *np_ = ncmi_realloc_array((ptr), cap, sizeof *(ptr));                                        \
            if (!np_) return ncmi_nomem("people columns");                                                    \
            (ptr) = np_;                                                                                      \
        }                                                                                                     \
    } while (0)

/* Double the room for rows (a streamed file's row count is not known in advance). */
static ncm_status people_grow(people *pp)
{
    if (pp->cap > SIZE_MAX / 2 / sizeof(double)) return ncmi_nomem("people columns");
    size_t cap = pp->cap ? pp->cap * 2 : 1024;
    GROW_COL(pp->line);
    GROW_COL(pp->age);
    GROW_COL(pp->sex);
    GROW_COL(pp->depr);
    GROW_COL(pp->orec);
    GROW_COL(pp->medicaid);
    GROW_COL(pp->months);
    GROW_COL(pp->cost);
    for (int k = 0; k < 5; k++) GROW_COL(pp->tids[k]);
    for (size_t a = 0; a < pp->nattr; a++) {
        GROW_COL(pp->attr_ids[a]);
        GROW_COL(pp->attr_num[a]);
    }
    pp->cap = cap;
    return NCM_OK;
}
#undef GROW_COL

/* Length of a field as a C string: the table's text columns are C strings, so a value with a NUL
 * byte ends there (as when the values are handed over as strings). */
static inline size_t cstr_len(const ncmi_csv_field *f)
{
    const char *z = f->len ? memchr(f->s, '\0', f->len) : NULL;
    return z ? (size_t)(z - f->s) : f->len;
}

/* Parse a small whole number in [0, max]; empty gives dflt. */
static ncm_status field_uint(const ncmi_csv *c, long col, int64_t max, uint8_t dflt, const char *what, uint8_t *out)
{
    const ncmi_csv_field *f = &c->fields[col];
    if (f->len == 0) {
        *out = dflt;
        return NCM_OK;
    }
    int64_t v;
    if (parse_small_uint(f->s, f->len, &v)) {
        char q[64];
        ncmi_quote(q, sizeof q, f->s, f->len);
        return ncmi_csv_fail(c, (size_t)col, NCM_ERR_PARSE, "\"%s\" is not a whole number (%s)", q, what);
    }
    if (v < 0 || v > max)
        return ncmi_csv_fail(c, (size_t)col, NCM_ERR_RANGE, "%lld is outside 0-%lld (%s)", (long long)v, (long long)max,
                             what);
    *out = (uint8_t)v;
    return NCM_OK;
}

/* Intern the id of row r (ids are rows until the first error, which is noted, not reported). */
static ncm_status person_take(people *pp, size_t r, const char *s, size_t len)
{
    uint32_t id;
    int added;
    ncm_status st;
    if (pp->perr) return NCM_OK;
    if (len == 0) {
        pp->perr = 1;
        pp->perr_row = r;
    } else if ((st = ncmi_dict_intern(pp->person, s, len, &id, &added))) {
        return st == NCM_ERR_NOMEM ? ncmi_nomem("person_id") : ncmi_error(st, "person_id: too many distinct values");
    } else if (!added) {
        pp->perr = 2;
        pp->perr_row = r;
        pp->perr_first = id;
    }
    return NCM_OK;
}

static ncm_status person_pop(people *pp)
{
    size_t k = pp->qhead;
    pp->qhead = (pp->qhead + 1) % PQ;
    pp->qn--;
    return person_take(pp, pp->qrow[k], pp->qtext[k], pp->qlen[k]);
}

static ncm_status person_flush(people *pp)
{
    ncm_status st = NCM_OK;
    while (pp->qn && !st) st = person_pop(pp);
    return st;
}

static ncm_status people_row(people *pp, const ncmi_csv *c, unsigned money_flags)
{
    size_t r = pp->n;
    const ncmi_csv_field *f = c->fields;
    ncm_status st;
    char q[64];
    if (pp->line) {
        pp->line[r] = c->line;
    } else if (c->line != r + 2) { /* blank lines or multi-line fields: record every row's line */
        if (!(pp->line = ncmi_malloc_array(pp->cap, sizeof *pp->line))) return ncmi_nomem("people line numbers");
        for (size_t i = 0; i < r; i++) pp->line[i] = i + 2;
        pp->line[r] = c->line;
    }

    /* age: required whole number of years, 0-130 */
    long ca = pp->col[NCMI_COL_AGE];
    int64_t age;
    if (f[ca].len == 0) return ncmi_csv_fail(c, (size_t)ca, NCM_ERR_PARSE, "empty value (age is required)");
    if (parse_small_uint(f[ca].s, f[ca].len, &age)) {
        ncmi_quote(q, sizeof q, f[ca].s, f[ca].len);
        return ncmi_csv_fail(c, (size_t)ca, NCM_ERR_PARSE, "\"%s\" is not a whole number of years", q);
    }
    if (age < 0 || age > 130)
        return ncmi_csv_fail(c, (size_t)ca, NCM_ERR_RANGE, "age %lld is outside 0-130", (long long)age);
    pp->age[r] = (int32_t)age;

    /* sex: F, M or U, any case */
    long cs = pp->col[NCMI_COL_SEX];
    uint8_t sx = 255;
    if (f[cs].len == 1) {
        switch (f[cs].s[0]) {
        case 'F': case 'f': sx = NCM_SEX_FEMALE; break;
        case 'M': case 'm': sx = NCM_SEX_MALE; break;
        case 'U': case 'u': sx = NCM_SEX_UNKNOWN; break;
        default: break;
        }
    }
    if (sx == 255) {
        ncmi_quote(q, sizeof q, f[cs].s, f[cs].len);
        return ncmi_csv_fail(c, (size_t)cs, NCM_ERR_PARSE, "\"%s\" is not a sex code (F, M or U)", q);
    }
    pp->sex[r] = sx;

    for (int k = 0; k < 5; k++) {
        if (!pp->tids[k]) continue;
        const ncmi_csv_field *t = &f[pp->col[k < 4 ? NCMI_COL_PRACTICE + k : NCMI_COL_SEGMENT]];
        uint32_t id;
        if (pp->thave[k] && t->len == pp->tlast_len[k] && same(t->s, pp->tlast[k], t->len)) {
            id = pp->tlast_id[k];
        } else {
            ncm_status s2 = ncmi_dict_intern(pp->tdict[k], t->s, t->len, &id, NULL);
            if (s2 == NCM_ERR_NOMEM) return ncmi_nomem("people text columns");
            if (s2) return ncmi_csv_fail(c, (size_t)(t - f), s2, "too many distinct values");
            /* a copy: the field's text may not outlive the row */
            pp->thave[k] = t->len <= PQ_LEN;
            if (pp->thave[k]) {
                memcpy(pp->tlast[k], t->s, t->len);
                pp->tlast_len[k] = t->len;
                pp->tlast_id[k] = id;
            }
        }
        pp->tids[k][r] = id;
    }

    if (pp->depr && (st = field_uint(c, pp->col[NCMI_COL_DEPRIVATION], 10, 0, "deprivation decile: 1-10, 0 unknown",
                                     &pp->depr[r])))
        return st;
    if (pp->orec && (st = field_uint(c, pp->col[NCMI_COL_OREC], 3, 0, "orec code", &pp->orec[r]))) return st;
    if (pp->medicaid && (st = field_uint(c, pp->col[NCMI_COL_MEDICAID], 1, 0, "medicaid flag", &pp->medicaid[r])))
        return st;

    if (pp->months) {
        long cm = pp->col[NCMI_COL_MONTHS];
        double m = 12.0;
        if (f[cm].len) {
            if (f[cm].len == 2 && f[cm].s[0] == '1' && f[cm].s[1] == '2') {
                m = 12.0;
            } else if (ncmi_parse_double(f[cm].s, f[cm].len, &m)) {
                ncmi_quote(q, sizeof q, f[cm].s, f[cm].len);
                return ncmi_csv_fail(c, (size_t)cm, NCM_ERR_PARSE, "\"%s\" is not a number of months", q);
            }
            if (!(m >= 0.0 && m <= 12.0))
                return ncmi_csv_fail(c, (size_t)cm, NCM_ERR_RANGE, "%s months is outside 0-12", f[cm].s);
            if (m == 0.0) m = 0.0; /* no negative zero */
        }
        pp->months[r] = m;
    }

    if (pp->cost) {
        long cc = pp->col[NCMI_COL_COST];
        ncm_money v = 0;
        if (f[cc].len && parse_cost_fast(f[cc].s, f[cc].len, &v)) {
            unsigned mf = (money_flags & NCM_CSV_MONEY_GROUPING) ? NCM_MONEY_GROUPING : 0u;
            if ((st = ncm_money_parse(f[cc].s, NCM_MONEY_DECIMALS, mf, &v))) {
                char msg[512];
                snprintf(msg, sizeof msg, "%s", ncm_last_error());
                return ncmi_csv_fail(c, (size_t)cc, st, "%s", msg);
            }
            if (v < 0) return ncmi_csv_fail(c, (size_t)cc, NCM_ERR_RANGE, "cost %s is negative", f[cc].s);
        }
        pp->cost[r] = v;
    }

    for (size_t a = 0; a < pp->nattr; a++) {
        const ncmi_csv_field *t = &f[pp->attr_csv[a]];
        size_t len = cstr_len(t);
        if (pp->attr_num[a] && ncmi_parse_double(t->s, len, &pp->attr_num[a][r])) {
            ncmi_free(pp->attr_num[a]); /* a text attribute */
            pp->attr_num[a] = NULL;
        }
        ncm_status s2 = ncmi_dict_intern(pp->attr_dict[a], t->s, len, &pp->attr_ids[a][r], NULL);
        if (s2) return s2 == NCM_ERR_NOMEM ? ncmi_nomem("people attributes") : ncmi_error(s2, "%s: too many distinct values", c->header[pp->attr_csv[a]]);
    }

    /* person id: queued for interning; errors wait until every row has been read (they are the
     * table builder's) */
    if (!pp->perr) {
        const ncmi_csv_field *t = &f[pp->col[NCMI_COL_PERSON_ID]];
        size_t len = cstr_len(t);
        if (len == 0 || len > PQ_LEN) {
            if ((st = person_flush(pp)) || (st = person_take(pp, r, t->s, len))) return st;
        } else {
            if (pp->qn == PQ && (st = person_pop(pp))) return st;
            size_t k = (pp->qhead + pp->qn++) % PQ;
            pp->qrow[k] = r;
            pp->qlen[k] = len;
            memcpy(pp->qtext[k], t->s, len);
            ncmi_dict_prefetch(pp->person, t->s, len);
        }
    }
    pp->n++;
    return NCM_OK;
}

/* The error for the first empty or repeated person id, worded as ncmi_population_build words it. */
static ncm_status person_fail(const people *pp, const ncmi_csv *c)
{
    size_t r = pp->perr_row, line = pp->line ? pp->line[r] : r + 2;
    size_t col = pp->col1[NCMI_COL_PERSON_ID];
    if (pp->perr == 1)
        return ncmi_error(NCM_ERR_RANGE, "%s:%zu:%zu (person_id): empty value", c->name, line, col);
    char q[64];
    uint32_t j = pp->perr_first;
    ncmi_quote(q, sizeof q, ncmi_dict_str(pp->person, j), ncmi_dict_len(pp->person, j));
    return ncmi_error(NCM_ERR_DUPLICATE, "%s:%zu:%zu (person_id): \"%s\" appears twice (first at line %zu)", c->name,
                      line, col, q, pp->line ? pp->line[j] : (size_t)j + 2);
}

/* Fill the attribute column descriptors: numeric when every value was a number, else text (the
 * interned values as levels + index, in first-seen order as the builder would intern them). */
static ncm_status people_attrs(people *pp, const ncmi_csv *c)
{
    for (size_t a = 0; a < pp->nattr; a++) {
        ncm_attribute_column *ac = &pp->acols[a];
        ac->name = c->header[pp->attr_csv[a]];
        if (pp->attr_num[a]) {
            ac->numeric = pp->attr_num[a];
            continue;
        }
        size_t nl = ncmi_dict_size(pp->attr_dict[a]);
        if (!(pp->attr_levels[a] = ncmi_malloc_array(nl ? nl : 1, sizeof *pp->attr_levels[a])))
            return ncmi_nomem("text attribute");
        for (size_t j = 0; j < nl; j++) pp->attr_levels[a][j] = ncmi_dict_str(pp->attr_dict[a], (uint32_t)j);
        ac->text.index = pp->attr_ids[a];
        ac->text.levels = pp->attr_levels[a];
        ac->text.nlevels = nl;
    }
    return NCM_OK;
}

static ncm_status read_people(ncmi_csv *c, const ncm_population_csv_options *o, ncm_population **out)
{
    people pp;
    memset(&pp, 0, sizeof pp);
    ncm_status st = ncmi_csv_read_header(c);
    /* whole-buffer reader: room for every line; streaming: grow as rows come */
    if (!st) st = people_setup(&pp, c, c->file ? c->est_records + c->est_records / 16 + 1024 : c->max_records,
                               c->file ? c->est_records : c->max_records);
    while (!st) {
        int eof;
        if ((st = ncmi_csv_next(c, &eof)) || eof) break;
        if (c->nfields != c->nheader) {
            st = ncmi_csv_check_width(c);
            break;
        }
        if (pp.n >= pp.cap) {
            if (!c->file) { /* cannot happen: cap counts every line */
                st = ncmi_error(NCM_ERR_INTERNAL, "%s:%zu: more rows than lines", c->name, c->line);
                break;
            }
            if ((st = people_grow(&pp))) break;
        }
        if (pp.n >= UINT32_MAX - 1) {
            st = ncmi_error(NCM_ERR_OVERFLOW, "%s:%zu: more than %lu people", c->name, c->line, (unsigned long)UINT32_MAX - 2);
            break;
        }
        st = people_row(&pp, c, o->flags);
    }
    if (!st) st = person_flush(&pp);
    if (!st && pp.perr) st = person_fail(&pp, c);
    if (!st) st = people_attrs(&pp, c);
    for (int k = 0; k < 5 && !st; k++) {
        if (!pp.tdict[k]) continue;
        size_t nl = ncmi_dict_size(pp.tdict[k]);
        if (!(pp.tlevels[k] = ncmi_malloc_array(nl, sizeof *pp.tlevels[k]))) {
            st = ncmi_nomem("people text columns");
            break;
        }
        for (size_t j = 0; j < nl; j++) pp.tlevels[k][j] = ncmi_dict_str(pp.tdict[k], (uint32_t)j);
    }
    if (!st) {
        ncm_population_columns cols = NCM_POPULATION_COLUMNS_INIT;
        cols.n = pp.n;
        cols.age = pp.age;
        cols.sex = pp.sex;
        for (int k = 0; k < 5; k++) {
            ncm_text_column *t = k < 4 ? &cols.geo[k] : &cols.segment;
            if (!pp.tdict[k]) continue;
            t->index = pp.tids[k];
            t->levels = pp.tlevels[k];
            t->nlevels = ncmi_dict_size(pp.tdict[k]);
        }
        cols.deprivation_decile = pp.depr;
        cols.months_enrolled = pp.months;
        cols.annual_cost = pp.cost;
        cols.orec = pp.orec;
        cols.medicaid = pp.medicaid;
        cols.attributes = pp.acols;
        cols.nattributes = pp.nattr;
        ncmi_pop_source src = {c->name, pp.line, pp.col1, pp.attr_col1, pp.person};
        /* Borrow the numeric arrays, then hand them to the table (its owned[] slots, in the order
         * of ncmi_population_build: age, sex, decile, months, orec, medicaid, cost): no copies. */
        cols.flags = NCM_POPULATION_BORROW;
        st = ncmi_population_build(&cols, &src, out);
        if (!st) {
            pp.person = NULL; /* the table's now */
            void **mine[7] = {(void **)&pp.age, (void **)&pp.sex, (void **)&pp.depr, (void **)&pp.months,
                              (void **)&pp.orec, (void **)&pp.medicaid, (void **)&pp.cost};
            for (int k = 0; k < 7; k++)
                if (*mine[k]) {
                    (*out)->owned[k] = *mine[k];
                    *mine[k] = NULL;
                }
        }
    }
    people_free(&pp);
    return ncmi_csv_settle(c, st);
}

/* ------------------------------------------------------------------ diagnoses */

static ncm_status read_diagnoses(ncmi_csv *c, ncm_population *p)
{
    ncm_status st = ncmi_csv_read_header(c);
    if (st) return ncmi_csv_settle(c, st);
    long cp = ncmi_csv_column(c, "person_id"), cc = ncmi_csv_column(c, "code");
    if (cp < 0 || cc < 0)
        return ncmi_csv_settle(c, ncmi_error(NCM_ERR_PARSE, "%s:%zu:1: header: required column \"%s\" is missing (required: person_id, code)",
                          c->name, c->line, cp < 0 ? "person_id" : "code"));
    /* whole-buffer reader: room for every line; streaming: grow as rows come */
    size_t cap = c->file ? c->est_records + c->est_records / 16 + 1024 : c->max_records, m = 0, n = p->n;
    uint32_t *who = NULL; /* person of each row; only needed (and filled) once rows are out of order */
    uint32_t prev_row = 0;
    uint32_t *code = ncmi_malloc_array(cap, sizeof *code);
    ncmi_dict *dx = ncmi_dict_new(64);
    /* the table's offsets are n + 1 zeros until diagnoses are read: count into them */
    uint64_t *off = p->dx_off, *next = NULL;
    p->dx_off = NULL;
    if (!off) off = ncmi_calloc(n + 1, sizeof *off);
    uint32_t *ids = NULL;
    int sorted = 1; /* rows already grouped in people order: the codes array is the CSR array */
    if (!code || !dx || !off) {
        st = ncmi_nomem("diagnoses");
        goto done;
    }
    int have_last = 0;
    uint32_t last_row = 0;
    char last[64]; /* the previous row's person id (copied: with streaming its text may be gone) */
    size_t last_len = 0;
    for (;;) {
        int eof;
        if ((st = ncmi_csv_next(c, &eof)) || eof) break;
        if (c->nfields != c->nheader) {
            st = ncmi_csv_check_width(c);
            break;
        }
        if (m >= cap) {
            if (!c->file) { /* cannot happen: cap counts every line */
                st = ncmi_error(NCM_ERR_INTERNAL, "%s:%zu: more rows than lines", c->name, c->line);
                break;
            }
            uint32_t *nc = cap <= SIZE_MAX / 8 ? ncmi_realloc_array(code, cap * 2, sizeof *code) : NULL;
            if (!nc) {
                st = ncmi_nomem("diagnoses");
                break;
            }
            code = nc;
            if (who) {
                uint32_t *nw = ncmi_realloc_array(who, cap * 2, sizeof *who);
                if (!nw) {
                    st = ncmi_nomem("diagnoses");
                    break;
                }
                who = nw;
            }
            cap *= 2;
        }
        const ncmi_csv_field *fp = &c->fields[cp], *fc = &c->fields[cc];
        uint32_t row;
        if (have_last && fp->len == last_len &&
            same(fp->s, last_len <= sizeof last ? last : ncmi_dict_str(p->person, last_row), fp->len)) {
            row = last_row;
        } else if (have_last && (size_t)last_row + 1 < n && ncmi_dict_len(p->person, last_row + 1) == fp->len &&
                   same(ncmi_dict_str(p->person, last_row + 1), fp->s, fp->len)) {
            /* files sorted like people.csv: the next person, found without hashing */
            row = last_row + 1;
            last_row = row;
            last_len = fp->len;
            if (last_len <= sizeof last) memcpy(last, fp->s, last_len);
        } else if (ncmi_dict_find(p->person, fp->s, fp->len, &row)) {
            have_last = 1;
            last_row = row;
            last_len = fp->len;
            if (last_len <= sizeof last) memcpy(last, fp->s, last_len);
        } else {
            char q[64];
            ncmi_quote(q, sizeof q, fp->s, fp->len);
            st = fp->len ? ncmi_csv_fail(c, (size_t)cp, NCM_ERR_NOT_FOUND, "person \"%s\" is not in people.csv", q)
                         : ncmi_csv_fail(c, (size_t)cp, NCM_ERR_PARSE, "empty person id");
            break;
        }
        if (fc->len == 0) {
            st = ncmi_csv_fail(c, (size_t)cc, NCM_ERR_PARSE, "empty diagnosis code");
            break;
        }
        uint32_t id;
        ncm_status s2 = ncmi_dict_intern(dx, fc->s, fc->len, &id, NULL);
        if (s2) {
            st = s2 == NCM_ERR_NOMEM ? ncmi_nomem("diagnosis codes")
                                     : ncmi_csv_fail(c, (size_t)cc, s2, "too many distinct diagnosis codes");
            break;
        }
        if (sorted && m && row < prev_row) {
            /* first row out of people order: rebuild the persons of the rows so far from the counts */
            if (!(who = ncmi_malloc_array(cap, sizeof *who))) {
                st = ncmi_nomem("diagnoses");
                break;
            }
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                for (uint64_t j = 0; j < off[i + 1]; j++) who[k++] = (uint32_t)i;
            sorted = 0;
        }
        prev_row = row;
        if (!sorted) who[m] = row;
        code[m] = id;
        off[row + 1]++;
        m++;
    }
    if (st) goto done;
    for (size_t i = 0; i < n; i++) off[i + 1] += off[i];
    if (sorted) {
        ids = code;
        code = NULL;
    } else {
        /* Stable counting sort by person: codes keep their file order within each person. */
        next = ncmi_malloc_array(n + 1, sizeof *next);
        ids = ncmi_malloc_array(m, sizeof *ids);
        if (!next || !ids) {
            st = ncmi_nomem("diagnosis offsets");
            goto done;
        }
        memcpy(next, off, (n + 1) * sizeof *next);
        for (size_t i = 0; i < m; i++) ids[next[who[i]]++] = code[i];
    }
    ncmi_dict_free(p->dx);
    ncmi_free(p->dx_ids);
    ncmi_free(p->dx_off);
    p->dx = dx;
    p->dx_ids = ids;
    p->dx_off = off;
    dx = NULL;
    ids = NULL;
    off = NULL;
done:
    ncmi_free(who);
    ncmi_free(code);
    ncmi_free(next);
    ncmi_free(off);
    ncmi_free(ids);
    ncmi_dict_free(dx);
    return ncmi_csv_settle(c, st);
}

/* ------------------------------------------------------------------ entry points */

static ncm_status check_opts(const ncm_population_csv_options *opts, ncm_population_csv_options *o)
{
    ncm_population_csv_options_init(o);
    if (!opts) return NCM_OK;
    if (opts->version == 0 || opts->version > NCM_POPULATION_CSV_OPTIONS_VERSION)
        return ncmi_error(NCM_ERR_VERSION, "ncm_population_csv_options: version %u is not supported (1-%u)",
                          opts->version, NCM_POPULATION_CSV_OPTIONS_VERSION);
    o->flags = opts->flags;
    return NCM_OK;
}

/* Both files as open CSV readers (dx may be unused); takes ownership of them. */
static ncm_status load(ncmi_csv *pc, ncmi_csv *dc, int have_dx, const ncm_population_csv_options *o,
                       ncm_population **out)
{
    ncm_population *p = NULL;
    ncm_status st = read_people(pc, o, &p);
    ncmi_csv_close(pc); /* free the people text before reading diagnoses */
    if (!st && have_dx) st = read_diagnoses(dc, p);
    if (have_dx) ncmi_csv_close(dc);
    if (st) {
        ncm_population_free(p);
        return st;
    }
    *out = p;
    return NCM_OK;
}

ncm_status ncmi_population_read_csv_window(const char *people_path, const char *diagnoses_path,
                                           const ncm_population_csv_options *opts, size_t window, ncm_population **out)
{
    ncm_population_csv_options o;
    if (!people_path || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_population_read_csv: NULL argument");
    ncm_status st = check_opts(opts, &o);
    if (st) return st;
    ncmi_csv pc, dc;
    /* Files larger than the window are streamed: peak memory is the table plus one window. */
    if ((st = ncmi_csv_open_stream(&pc, people_path, window))) return st;
    /* Read people first and free its text before loading diagnoses: lower peak memory. */
    ncm_population *p = NULL;
    st = read_people(&pc, &o, &p);
    ncmi_csv_close(&pc);
    if (st) return st;
    if (diagnoses_path) {
        if ((st = ncmi_csv_open_stream(&dc, diagnoses_path, window))) {
            ncm_population_free(p);
            return st;
        }
        st = read_diagnoses(&dc, p);
        ncmi_csv_close(&dc);
        if (st) {
            ncm_population_free(p);
            return st;
        }
    }
    *out = p;
    return NCM_OK;
}

ncm_status ncm_population_read_csv(const char *people_path, const char *diagnoses_path,
                                   const ncm_population_csv_options *opts, ncm_population **out)
{
    return ncmi_population_read_csv_window(people_path, diagnoses_path, opts, NCMI_CSV_WINDOW, out);
}

ncm_status ncm_population_read_csv_buffer(const char *people_text, size_t people_len, const char *people_name,
                                          const char *diagnoses, size_t diagnoses_len, const char *diagnoses_name,
                                          const ncm_population_csv_options *opts, ncm_population **out)
{
    ncm_population_csv_options o;
    if ((!people_text && people_len) || !out)
        return ncmi_error(NCM_ERR_INVALID, "ncm_population_read_csv_buffer: NULL argument");
    ncm_status st = check_opts(opts, &o);
    if (st) return st;
    ncmi_csv pc, dc;
    if ((st = ncmi_csv_open_buffer(&pc, people_name ? people_name : "people.csv", people_text ? people_text : "",
                                   people_len)))
        return st;
    int have_dx = diagnoses != NULL;
    if (have_dx && (st = ncmi_csv_open_buffer(&dc, diagnoses_name ? diagnoses_name : "diagnoses.csv", diagnoses,
                                              diagnoses_len))) {
        ncmi_csv_close(&pc);
        return st;
    }
    return load(&pc, &dc, have_dx, &o, out);
}

/* ------------------------------------------------------------------ writing */

typedef struct writer {
    FILE *f;
    const char *path;
    char *buf;
    size_t len, cap;
    int err;
} writer;

static void w_flush(writer *w)
{
    if (w->len && !w->err && fwrite(w->buf, 1, w->len, w->f) != w->len) w->err = errno ? errno : EIO;
    w->len = 0;
}

static void w_bytes(writer *w, const char *s, size_t n)
{
    if (w->len + n > w->cap) {
        w_flush(w);
        if (n > w->cap) {
            if (!w->err && fwrite(s, 1, n, w->f) != n) w->err = errno ? errno : EIO;
            return;
        }
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static void w_char(writer *w, char ch)
{
    if (w->len == w->cap) w_flush(w);
    w->buf[w->len++] = ch;
}

/* A text field with RFC 4180 quoting only when it holds a comma, quote, CR or LF. */
static void w_text(writer *w, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == ',' || ch == '"' || ch == '\n' || ch == '\r') {
            quote = 1;
            break;
        }
    }
    if (!quote) {
        w_bytes(w, s, n);
        return;
    }
    w_char(w, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') w_char(w, '"');
        w_char(w, s[i]);
    }
    w_char(w, '"');
}

static void w_uint(writer *w, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    w_bytes(w, tmp + i, sizeof tmp - i);
}

/* Shortest decimal that reads back as the same double ("12", "6.5", "0.1"). */
static void w_double(writer *w, double v)
{
    if (v == 0.0) {
        w_char(w, '0');
        return;
    }
    if (v >= 0 && v < 1e15 && v == (double)(uint64_t)v) {
        w_uint(w, (uint64_t)v);
        return;
    }
    char tmp[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (prec == 17 || strtod(tmp, NULL) == v) break;
    }
    w_bytes(w, tmp, strlen(tmp));
}

static ncm_status w_open(writer *w, const char *path)
{
    memset(w, 0, sizeof *w);
    w->path = path;
    w->cap = (size_t)1 << 18;
    w->buf = ncmi_malloc(w->cap);
    if (!w->buf) return ncmi_nomem("CSV write buffer");
    errno = 0;
    w->f = fopen(path, "wb");
    if (!w->f) {
        int e = errno;
        ncmi_free(w->buf);
        return ncmi_error(NCM_ERR_IO, "%s: cannot create: %s", path, strerror(e));
    }
    return NCM_OK;
}

/* Flush and close; on any write error remove the partial file and report it. */
static ncm_status w_close(writer *w)
{
    w_flush(w);
    if (fclose(w->f) != 0 && !w->err) w->err = errno ? errno : EIO;
    ncmi_free(w->buf);
    if (w->err) {
        struct stat sb;
        if (stat(w->path, &sb) == 0 && S_ISREG(sb.st_mode)) remove(w->path); /* never a device such as /dev/full */
        return ncmi_error(NCM_ERR_IO, "%s: write error: %s", w->path, strerror(w->err));
    }
    return NCM_OK;
}

static void w_dict(writer *w, const ncmi_dict *d, uint32_t id) { w_text(w, ncmi_dict_str(d, id), ncmi_dict_len(d, id)); }

static ncm_status write_people(const ncm_population *p, const char *path)
{
    writer w;
    ncm_status st = w_open(&w, path);
    if (st) return st;
    int cols[NCMI_NCOLS], nc = 0;
    for (int k = 0; k < NCMI_NCOLS; k++)
        if (p->present & (1u << k)) cols[nc++] = k;
    for (int j = 0; j < nc; j++) {
        if (j) w_char(&w, ',');
        w_bytes(&w, ncmi_population_colnames[cols[j]], strlen(ncmi_population_colnames[cols[j]]));
    }
    for (size_t a = 0; a < p->nattr; a++) {
        w_char(&w, ',');
        w_text(&w, p->attr[a].name, strlen(p->attr[a].name));
    }
    w_char(&w, '\n');
    for (size_t i = 0; i < p->n && !w.err; i++) {
        for (int j = 0; j < nc; j++) {
            if (j) w_char(&w, ',');
            switch (cols[j]) {
            case NCMI_COL_PERSON_ID: w_dict(&w, p->person, (uint32_t)i); break;
            case NCMI_COL_AGE: w_uint(&w, (uint64_t)p->age[i]); break;
            case NCMI_COL_SEX: w_char(&w, p->sex[i] == NCM_SEX_FEMALE ? 'F' : p->sex[i] == NCM_SEX_MALE ? 'M' : 'U'); break;
            case NCMI_COL_PRACTICE:
            case NCMI_COL_NETWORK:
            case NCMI_COL_PLACE:
            case NCMI_COL_SYSTEM: {
                int l = cols[j] - NCMI_COL_PRACTICE;
                w_dict(&w, p->text[l], p->text_ids[l][i]);
                break;
            }
            case NCMI_COL_SEGMENT: w_dict(&w, p->text[4], p->text_ids[4][i]); break;
            case NCMI_COL_DEPRIVATION: w_uint(&w, p->depr[i]); break;
            case NCMI_COL_MONTHS: w_double(&w, p->months[i]); break;
            case NCMI_COL_COST: {
                char m[48];
                ncm_money_format(p->cost[i], NCM_MONEY_DECIMALS, 0, m, sizeof m);
                w_bytes(&w, m, strlen(m));
                break;
            }
            case NCMI_COL_OREC: w_uint(&w, p->orec[i]); break;
            case NCMI_COL_MEDICAID: w_uint(&w, p->medicaid[i]); break;
            default: break;
            }
        }
        for (size_t a = 0; a < p->nattr; a++) {
            w_char(&w, ',');
            if (p->attr[a].num) w_double(&w, p->attr[a].num[i]);
            else w_dict(&w, p->attr[a].dict, p->attr[a].ids[i]);
        }
        w_char(&w, '\n');
    }
    return w_close(&w);
}

static ncm_status write_diagnoses(const ncm_population *p, const char *path)
{
    writer w;
    ncm_status st = w_open(&w, path);
    if (st) return st;
    w_bytes(&w, "person_id,code\n", 15);
    for (size_t i = 0; i < p->n && !w.err; i++)
        for (uint64_t k = p->dx_off[i]; k < p->dx_off[i + 1]; k++) {
            w_dict(&w, p->person, (uint32_t)i);
            w_char(&w, ',');
            w_dict(&w, p->dx, p->dx_ids[k]);
            w_char(&w, '\n');
        }
    return w_close(&w);
}

ncm_status ncm_population_write_csv(const ncm_population *pop, const char *people_path, const char *diagnoses_path)
{
    if (!pop || !people_path) return ncmi_error(NCM_ERR_INVALID, "ncm_population_write_csv: NULL argument");
    ncm_status st = write_people(pop, people_path);
    if (!st && diagnoses_path) st = write_diagnoses(pop, diagnoses_path);
    return st;
}
