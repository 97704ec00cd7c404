/* Condition groups: ICD-10 prefix table -> group bit masks; built-in table, CSV reader/writer. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal/csv.h"
#include "internal/dict.h"
#include "internal/segment_impl.h"

int ncmi_code_normalise(const char *s, char *buf, size_t cap)
{
    size_t n = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '.' || c == ' ') continue;
        if (c >= 'a' && c <= 'z') c = (unsigned char)(c - 'a' + 'A');
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return -1;
        if (n + 1 >= cap) return -1;
        buf[n++] = (char)c;
    }
    buf[n] = '\0';
    return (int)n;
}

static ncm_condition_groups *groups_new(void)
{
    ncm_condition_groups *g = ncmi_calloc(1, sizeof *g);
    if (!g) return NULL;
    g->prefixes = ncmi_dict_new(256);
    if (!g->prefixes) {
        ncmi_free(g);
        return NULL;
    }
    return g;
}

void ncm_condition_groups_free(ncm_condition_groups *g)
{
    if (!g) return;
    for (size_t k = 0; k < g->ngroups; k++) ncmi_free(g->names[k]);
    ncmi_dict_free(g->prefixes);
    ncmi_free(g->inc);
    ncmi_free(g->exc);
    ncmi_free(g->entries);
    ncmi_free(g);
}

/* Find or add a group; -1 with status set on failure. *added receives 1 for a new group. */
static ncm_status group_id(ncm_condition_groups *g, const char *name, int ltc, size_t *k, int *added)
{
    for (size_t i = 0; i < g->ngroups; i++)
        if (strcmp(g->names[i], name) == 0) {
            *k = i;
            *added = 0;
            return NCM_OK;
        }
    if (g->ngroups >= NCM_MAX_CONDITION_GROUPS) return NCM_ERR_RANGE;
    char *s = ncmi_strdup(name);
    if (!s) return NCM_ERR_NOMEM;
    g->names[g->ngroups] = s;
    if (ltc) g->ltc_mask |= (uint64_t)1 << g->ngroups;
    *k = g->ngroups++;
    *added = 1;
    return NCM_OK;
}

/* Add one (normalised) prefix to group k. NCM_ERR_DUPLICATE if the group already lists it. */
static ncm_status add_prefix(ncm_condition_groups *g, size_t k, const char *prefix, int excl)
{
    size_t len = strlen(prefix);
    uint32_t id;
    int added;
    ncm_status st = ncmi_dict_intern(g->prefixes, prefix, len, &id, &added);
    if (st != NCM_OK) return st;
    if (id >= g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        while (cap <= id) cap *= 2;
        uint64_t *inc = ncmi_realloc_array(g->inc, cap, sizeof *inc);
        if (!inc) return NCM_ERR_NOMEM;
        g->inc = inc;
        uint64_t *exc = ncmi_realloc_array(g->exc, cap, sizeof *exc);
        if (!exc) return NCM_ERR_NOMEM;
        g->exc = exc;
        memset(g->inc + g->cap, 0, (cap - g->cap) * sizeof *inc);
        memset(g->exc + g->cap, 0, (cap - g->cap) * sizeof *exc);
        g->cap = cap;
    }
    uint64_t bit = (uint64_t)1 << k;
    if ((g->inc[id] | g->exc[id]) & bit) return NCM_ERR_DUPLICATE;
    if (g->nentries == g->entcap) {
        size_t cap = g->entcap ? g->entcap * 2 : 128;
        ncmi_group_entry *e = ncmi_realloc_array(g->entries, cap, sizeof *e);
        if (!e) return NCM_ERR_NOMEM;
        g->entries = e;
        g->entcap = cap;
    }
    g->entries[g->nentries].prefix = id;
    g->entries[g->nentries].group = (uint8_t)k;
    g->entries[g->nentries].excl = (uint8_t)(excl != 0);
    g->nentries++;
    if (excl)
        g->exc[id] |= bit;
    else
        g->inc[id] |= bit;
    if (len > g->maxlen) g->maxlen = len;
    return NCM_OK;
}

uint64_t ncmi_groups_mask(const ncm_condition_groups *g, const char *norm, size_t len)
{
    uint64_t m = 0;
    size_t top = len < g->maxlen ? len : g->maxlen;
    for (size_t l = 1; l <= top; l++) {
        uint32_t id;
        if (ncmi_dict_find(g->prefixes, norm, l, &id)) m = (m | g->inc[id]) & ~g->exc[id];
    }
    return m;
}

/* ------------------------------------------------------------------ built-in table */
/* Sources (see docs/segmentation.md): QOF business rules (register definitions), the Cambridge
 * Multimorbidity Score condition list (Payne et al. 2020), Quan et al. 2005 (Charlson/Elixhauser
 * ICD-10 codes), the Hospital Frailty Risk Score (Gilbert et al. 2018). */
static const struct {
    const char *name;
    int ltc;
    const char *prefixes; /* space separated; "!X" excludes */
} builtin_groups[] = {
    {"hypertension", 1, "I10 I11 I12 I13 I15"},
    {"diabetes", 1, "E10 E11 E12 E13 E14"},
    {"copd", 1, "J41 J42 J43 J44"},
    {"asthma", 1, "J45 J46"},
    {"heart_failure", 1, "I50 I110 I130 I132 I42"},
    {"atrial_fibrillation", 1, "I48"},
    {"coronary_heart_disease", 1, "I20 I21 I22 I23 I24 I25"},
    {"stroke_tia", 1, "I60 I61 I62 I63 I64 I69 G45 !G454"},
    {"chronic_kidney_disease", 1, "N18 !N181 !N182"},
    {"dementia", 1, "F00 F01 F02 F03 F051 G30 G310 G311"},
    {"depression", 1, "F32 F33"},
    {"serious_mental_illness", 1, "F20 F21 F22 F23 F24 F25 F28 F29 F30 F31"},
    {"cancer", 1, "C !C44"},
    {"osteoarthritis", 1, "M15 M16 M17 M18 M19"},
    {"rheumatoid_arthritis", 1, "M05 M06"},
    {"epilepsy", 1, "G40 G41"},
    {"parkinsons", 1, "G20"},
    {"learning_disability", 1, "F70 F71 F72 F73 F78 F79 Q90"},
    {"liver_failure", 1, "K703 K704 K711 K717 K721 K729 K74 K766 K767 I850 I859 I864 I982"},
    {"physical_disability", 1, "G80 G81 G82 G83 H54 Q05 S14 S24 S34"},
    {"frailty", 0, "R54 R26 R296 W01 W06 W10 W18 W19 Z74 R32 R15 L89"},
    {"renal_failure", 0, "N184 N185 N186 Z49 Z992"},
    {"respiratory_failure", 0, "J961 J962 Z991"},
    {"end_of_life", 0, "Z515"},
    {"pregnancy", 0, "O Z33 Z34 Z35 Z36 Z37 Z39"},
    {"acute_illness", 0, "S J09 J10 J11 J12 J13 J14 J15 J16 J17 J18 J20 J21 J22 A40 A41 N390 N10 K35"},
};

ncm_status ncm_condition_groups_builtin(ncm_condition_groups **out)
{
    if (!out) return ncmi_error(NCM_ERR_INVALID, "ncm_condition_groups_builtin: NULL argument");
    ncm_condition_groups *g = groups_new();
    if (!g) return ncmi_nomem("condition groups");
    for (size_t i = 0; i < sizeof builtin_groups / sizeof builtin_groups[0]; i++) {
        size_t k;
        int added;
        ncm_status st = group_id(g, builtin_groups[i].name, builtin_groups[i].ltc, &k, &added);
        const char *p = builtin_groups[i].prefixes;
        while (st == NCM_OK && *p) {
            char buf[16];
            size_t n = 0;
            int excl = 0;
            if (*p == '!') {
                excl = 1;
                p++;
            }
            while (*p && *p != ' ' && n < sizeof buf - 1) buf[n++] = *p++;
            buf[n] = '\0';
            while (*p == ' ') p++;
            st = add_prefix(g, k, buf, excl);
        }
        if (st != NCM_OK) {
            ncm_condition_groups_free(g);
            return st == NCM_ERR_NOMEM ? ncmi_nomem("condition groups") : ncmi_error(NCM_ERR_INTERNAL, "built-in groups");
        }
    }
    *out = g;
    return NCM_OK;
}

ncm_status ncmi_groups_clone(const ncm_condition_groups *src, ncm_condition_groups **out)
{
    ncm_condition_groups *g = groups_new();
    if (!g) return NCM_ERR_NOMEM;
    ncm_status st = NCM_OK;
    for (size_t k = 0; k < src->ngroups && st == NCM_OK; k++) {
        size_t id;
        int added;
        st = group_id(g, src->names[k], (int)((src->ltc_mask >> k) & 1), &id, &added);
    }
    for (size_t e = 0; e < src->nentries && st == NCM_OK; e++)
        st = add_prefix(g, src->entries[e].group, ncmi_dict_str(src->prefixes, src->entries[e].prefix),
                        src->entries[e].excl);
    if (st != NCM_OK) {
        ncm_condition_groups_free(g);
        return st;
    }
    *out = g;
    return NCM_OK;
}

ncm_status ncm_condition_groups_read_csv(const char *path, ncm_condition_groups **out)
{
    if (!path || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_condition_groups_read_csv: NULL argument");
    ncmi_csv c;
    ncm_status st = ncmi_csv_open_file(&c, path);
    if (st != NCM_OK) return st;
    ncm_condition_groups *g = NULL;
    uint64_t ltc_seen = 0; /* groups whose ltc value was given explicitly at least once */
    st = ncmi_csv_read_header(&c);
    if (st != NCM_OK) goto done;
    long cg = ncmi_csv_column(&c, "group"), cp = ncmi_csv_column(&c, "prefix"), cl = ncmi_csv_column(&c, "ltc");
    if (cg < 0 || cp < 0) {
        st = ncmi_error(NCM_ERR_PARSE, "%s:1: missing column \"%s\"", c.name, cg < 0 ? "group" : "prefix");
        goto done;
    }
    g = groups_new();
    if (!g) {
        st = ncmi_nomem("condition groups");
        goto done;
    }
    for (;;) {
        int eof;
        st = ncmi_csv_next(&c, &eof);
        if (st != NCM_OK || eof) break;
        st = ncmi_csv_check_width(&c);
        if (st != NCM_OK) break;
        const char *name = c.fields[cg].s;
        if (!*name) {
            st = ncmi_csv_fail(&c, (size_t)cg, NCM_ERR_PARSE, "empty group name");
            break;
        }
        int ltc = 1, have_ltc = 0;
        if (cl >= 0 && c.fields[cl].len) {
            if (strcmp(c.fields[cl].s, "0") == 0)
                ltc = 0;
            else if (strcmp(c.fields[cl].s, "1") != 0) {
                st = ncmi_csv_fail(&c, (size_t)cl, NCM_ERR_PARSE, "\"%s\" is not 0 or 1", c.fields[cl].s);
                break;
            }
            have_ltc = 1;
        }
        const char *p = c.fields[cp].s;
        int excl = 0;
        if (*p == '!') {
            excl = 1;
            p++;
        }
        char norm[16];
        int len = ncmi_code_normalise(p, norm, sizeof norm);
        if (len <= 0) {
            st = ncmi_csv_fail(&c, (size_t)cp, NCM_ERR_PARSE,
                               "\"%s\" is not a code prefix (1-15 letters and digits; dots and spaces ignored)",
                               c.fields[cp].s);
            break;
        }
        size_t k;
        int added;
        st = group_id(g, name, ltc, &k, &added);
        if (st == NCM_ERR_RANGE) {
            st = ncmi_csv_fail(&c, (size_t)cg, NCM_ERR_RANGE, "more than %d groups", NCM_MAX_CONDITION_GROUPS);
            break;
        }
        if (st != NCM_OK) {
            st = ncmi_nomem("condition groups");
            break;
        }
        uint64_t bit = (uint64_t)1 << k;
        if (have_ltc) {
            if ((ltc_seen & bit) && (int)((g->ltc_mask >> k) & 1) != ltc) {
                st = ncmi_csv_fail(&c, (size_t)cl, NCM_ERR_INCONSISTENT, "group \"%s\": ltc %d differs from an earlier row",
                                   name, ltc);
                break;
            }
            if (ltc)
                g->ltc_mask |= bit;
            else
                g->ltc_mask &= ~bit;
            ltc_seen |= bit;
        }
        st = add_prefix(g, k, norm, excl);
        if (st == NCM_ERR_DUPLICATE) {
            st = ncmi_csv_fail(&c, (size_t)cp, NCM_ERR_DUPLICATE, "group \"%s\" already lists prefix %s", name, norm);
            break;
        }
        if (st != NCM_OK) {
            st = ncmi_nomem("condition groups");
            break;
        }
    }
done:
    ncmi_csv_close(&c);
    if (st != NCM_OK) {
        ncm_condition_groups_free(g);
        return st;
    }
    *out = g;
    return NCM_OK;
}

ncm_status ncm_condition_groups_write_csv(const ncm_condition_groups *g, const char *path)
{
    if (!g || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_condition_groups_write_csv: NULL argument");
    FILE *f = fopen(path, "wb");
    if (!f) return ncmi_error(NCM_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    fputs("group,prefix,ltc\n", f);
    for (size_t e = 0; e < g->nentries; e++) {
        const ncmi_group_entry *en = &g->entries[e];
        fputc('"', f);
        for (const char *c = g->names[en->group]; *c; c++) {
            if (*c == '"') fputc('"', f);
            fputc(*c, f);
        }
        fprintf(f, "\",%s%s,%d\n", en->excl ? "!" : "", ncmi_dict_str(g->prefixes, en->prefix),
                (int)((g->ltc_mask >> en->group) & 1));
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) return ncmi_error(NCM_ERR_IO, "%s: write failed", path);
    return NCM_OK;
}

size_t ncm_condition_groups_count(const ncm_condition_groups *g) { return g ? g->ngroups : 0; }

const char *ncm_condition_groups_name(const ncm_condition_groups *g, size_t k)
{
    return g && k < g->ngroups ? g->names[k] : NULL;
}

int ncm_condition_groups_is_ltc(const ncm_condition_groups *g, size_t k)
{
    return g && k < g->ngroups ? (int)((g->ltc_mask >> k) & 1) : 0;
}

ncm_status ncm_condition_groups_find(const ncm_condition_groups *g, const char *name, size_t *k)
{
    if (!g || !name || !k) return ncmi_error(NCM_ERR_INVALID, "ncm_condition_groups_find: NULL argument");
    for (size_t i = 0; i < g->ngroups; i++)
        if (strcmp(g->names[i], name) == 0) {
            *k = i;
            return NCM_OK;
        }
    return ncmi_error(NCM_ERR_NOT_FOUND, "condition group \"%s\" does not exist", name);
}

ncm_status ncm_condition_groups_match(const ncm_condition_groups *g, const char *code, uint64_t *mask)
{
    if (!g || !code || !mask) return ncmi_error(NCM_ERR_INVALID, "ncm_condition_groups_match: NULL argument");
    char norm[64];
    int len = ncmi_code_normalise(code, norm, sizeof norm);
    *mask = len > 0 ? ncmi_groups_mask(g, norm, (size_t)len) : 0;
    return NCM_OK;
}

ncm_status ncmi_groups_code_masks(const ncm_condition_groups *g, const ncm_population *pop, uint64_t **out)
{
    size_t nd = ncm_population_text_count(pop, NCM_TEXT_DIAGNOSIS);
    uint64_t *m = ncmi_malloc_array(nd ? nd : 1, sizeof *m);
    if (!m) return ncmi_nomem("diagnosis code masks");
    for (size_t d = 0; d < nd; d++) {
        char norm[64];
        int len = ncmi_code_normalise(ncm_population_text_value(pop, NCM_TEXT_DIAGNOSIS, (uint32_t)d), norm, sizeof norm);
        m[d] = len > 0 ? ncmi_groups_mask(g, norm, (size_t)len) : 0;
    }
    *out = m;
    return NCM_OK;
}

/* Inline SWAR popcount (a builtin would be a library call without -mpopcnt). */
static unsigned popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

void ncmi_groups_people(const uint64_t *code_mask, const uint64_t *off, const uint32_t *ids, uint64_t ltc_mask,
                        size_t b, size_t e, uint64_t *mask, uint8_t *ltc)
{
    for (size_t i = b; i < e; i++) {
        uint64_t m = 0;
        for (uint64_t j = off[i]; j < off[i + 1]; j++) m |= code_mask[ids[j]];
        if (mask) mask[i - b] = m;
        if (ltc) ltc[i - b] = (uint8_t)popcount64(m & ltc_mask);
    }
}

ncm_status ncm_condition_groups_assign(const ncm_condition_groups *g, const ncm_population *pop, uint64_t *mask,
                                       uint8_t *ltc_count, size_t cap)
{
    if (!g || !pop) return ncmi_error(NCM_ERR_INVALID, "ncm_condition_groups_assign: NULL argument");
    size_t n = ncm_population_size(pop);
    if ((mask || ltc_count) && cap < n)
        return ncmi_error(NCM_ERR_BUFFER, "ncm_condition_groups_assign: cap %zu is below the %zu people", cap, n);
    uint64_t *cm;
    ncm_status st = ncmi_groups_code_masks(g, pop, &cm);
    if (st != NCM_OK) return st;
    ncmi_groups_people(cm, ncm_population_dx_offsets(pop), ncm_population_text_ids(pop, NCM_TEXT_DIAGNOSIS),
                       g->ltc_mask, 0, n, mask, ltc_count);
    ncmi_free(cm);
    return NCM_OK;
}
