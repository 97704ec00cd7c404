/* CMS-HCC importer: reads the CMS model tables (coefficients.csv, dx_to_cc.csv, hierarchies.csv,
 * interactions.csv, dx_edits_v28.csv) into the risk-model builder, following the steps of the tables'
 * README (../shared/data/cms-hcc/README.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal/csv.h"
#include "internal/risk_impl.h"

/* Segments of the CMS-HCC model: community (non dual aged/disabled, full benefit dual, partial benefit
 * dual), institutional, and the new-enrollee segments that score demographic cells only. */
static const char *const cms_segments[] = {"CNA", "CND", "CFA", "CFD", "CPA", "CPD", "INS", "NE", "SNPNE"};
#define NCMS_SEG (sizeof cms_segments / sizeof cms_segments[0])

/* V24 age/sex edits of the CMS Medicare Code Editor, as listed in the tables' README (step 2). */
static const char *const v24_bronchitis[] = {"J410", "J411", "J418", "J42", "J430", "J431", "J432",
                                             "J438", "J439", "J440", "J441", "J449", "J982", "J983"};

/* Coefficient names the CMS SAS software abbreviated (32-character SAS names), mapped to the
 * interaction names of interactions.csv. */
static const char *const cms_alias[][2] = {
    {"ART_OPENINGS_PRESS_ULCER", "ART_OPENINGS_PRESSURE_ULCER"},
    {"ASP_SPEC_B_PNEUM_PRES_ULC", "ASP_SPEC_BACT_PNEUM_PRES_ULC"},
};

static ncm_status open_table(ncmi_csv *c, const char *dir, const char *file, const char *const *cols, size_t k,
                             long *ix)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    ncm_status st = ncmi_csv_open_file(c, path);
    if (st) return st;
    if ((st = ncmi_csv_read_header(c))) {
        ncmi_csv_close(c);
        return st;
    }
    for (size_t j = 0; j < k; j++) {
        ix[j] = ncmi_csv_column(c, cols[j]);
        if (ix[j] < 0) {
            st = ncmi_error(NCM_ERR_PARSE, "%s:1: missing column '%s'", c->name, cols[j]);
            ncmi_csv_close(c);
            return st;
        }
    }
    return NCM_OK;
}

/* Parse a whole number field in [lo, hi]. */
static ncm_status field_int(ncmi_csv *c, long col, long lo, long hi, long *out)
{
    int64_t v;
    const ncmi_csv_field *f = &c->fields[col];
    if (ncmi_parse_i64(f->s, f->len, &v)) return ncmi_csv_fail(c, (size_t)col, NCM_ERR_PARSE, "'%s' is not a whole number", f->s);
    if (v < lo || v > hi) return ncmi_csv_fail(c, (size_t)col, NCM_ERR_RANGE, "%lld is outside %ld to %ld", (long long)v, lo, hi);
    *out = (long)v;
    return NCM_OK;
}

static ncm_status read_dx(ncmi_rb *rb, const char *dir, int v)
{
    static const char *const cols[] = {"diagnosis_code", "cc", "model_name"};
    ncmi_csv c;
    long ix[3];
    char want[64], code[64], cat[32];
    snprintf(want, sizeof want, "CMS-HCC Model V%d", v);
    ncm_status st = open_table(&c, dir, "dx_to_cc.csv", cols, 3, ix);
    if (st) return st;
    for (;;) {
        int eof;
        long cc = 0;
        ncmi_rb_item *it;
        if ((st = ncmi_csv_next(&c, &eof)) || eof) break;
        if ((st = ncmi_csv_check_width(&c))) break;
        if (strcmp(c.fields[ix[2]].s, want)) continue;
        size_t len = ncmi_risk_normalize_code(c.fields[ix[0]].s, code, sizeof code);
        if (len == (size_t)-1 || len == 0) { st = ncmi_csv_fail(&c, (size_t)ix[0], NCM_ERR_PARSE, "bad diagnosis code '%s'", c.fields[ix[0]].s); break; }
        if ((st = field_int(&c, ix[1], 1, 100000, &cc))) break;
        snprintf(cat, sizeof cat, "HCC%ld", cc);
        if ((st = ncmi_rb_add(rb, NCMI_RB_CODE, code, NULL, cat, c.name, c.line, &it))) break;
    }
    ncmi_csv_close(&c);
    return st;
}

static ncm_status read_hier(ncmi_rb *rb, const char *dir, int v)
{
    static const char *const cols[] = {"cc_parent", "cc_child", "model_domain", "model_version"};
    ncmi_csv c;
    long ix[4];
    char want[16], par[32], chi[32];
    snprintf(want, sizeof want, "V%d", v);
    ncm_status st = open_table(&c, dir, "hierarchies.csv", cols, 4, ix);
    if (st) return st;
    for (;;) {
        int eof;
        long p = 0, q = 0;
        ncmi_rb_item *it;
        if ((st = ncmi_csv_next(&c, &eof)) || eof) break;
        if ((st = ncmi_csv_check_width(&c))) break;
        if (strcmp(c.fields[ix[3]].s, want) || strcmp(c.fields[ix[2]].s, "CMS-HCC")) continue;
        if ((st = field_int(&c, ix[0], 1, 100000, &p)) || (st = field_int(&c, ix[1], 1, 100000, &q))) break;
        snprintf(par, sizeof par, "HCC%ld", p);
        snprintf(chi, sizeof chi, "HCC%ld", q);
        if ((st = ncmi_rb_add(rb, NCMI_RB_HIERARCHY, par, NULL, chi, c.name, c.line, &it))) break;
    }
    ncmi_csv_close(&c);
    return st;
}

static ncm_status read_inter(ncmi_rb *rb, const char *dir, int v)
{
    static const char *const cols[] = {"model_version", "kind", "name", "members"};
    ncmi_csv c;
    long ix[4];
    char want[16];
    snprintf(want, sizeof want, "V%d", v);
    ncm_status st = open_table(&c, dir, "interactions.csv", cols, 4, ix);
    if (st) return st;
    for (;;) {
        int eof;
        ncmi_rb_item *it;
        if ((st = ncmi_csv_next(&c, &eof)) || eof) break;
        /* The count rows of the CMS file carry an unquoted comma in their description: allow extra
         * fields there only. */
        if (!(c.nfields > c.nheader && c.nheader >= 4 && !strcmp(c.fields[ix[1]].s, "count")) &&
            (st = ncmi_csv_check_width(&c)))
            break;
        if (strcmp(c.fields[ix[0]].s, want)) continue;
        const char *kind = c.fields[ix[1]].s, *name = c.fields[ix[2]].s;
        if (!*name) { st = ncmi_csv_fail(&c, (size_t)ix[2], NCM_ERR_PARSE, "empty name"); break; }
        if (!strcmp(kind, "group")) st = ncmi_rb_add(rb, NCMI_RB_GROUP, name, NULL, c.fields[ix[3]].s, c.name, c.line, &it);
        else if (!strcmp(kind, "interaction"))
            st = ncmi_rb_add(rb, NCMI_RB_INTERACTION, name, NULL, c.fields[ix[3]].s, c.name, c.line, &it);
        else if (!strcmp(kind, "count")) {
            /* "D1..D9 for 1..9, D10P for 10 or more" */
            if (!(st = ncmi_rb_add(rb, NCMI_RB_COUNT, name, NULL, NULL, c.name, c.line, &it))) it->value = 10;
        } else st = ncmi_csv_fail(&c, (size_t)ix[1], NCM_ERR_PARSE, "%s: unknown kind '%s' (group, interaction or count)", name, kind);
        if (st) break;
    }
    ncmi_csv_close(&c);
    return st;
}

/* Parse an age band "65", "70_74", "95_GT", "0_34" at s; returns 0 on success. */
static int parse_band(const char *s, int16_t *lo, int16_t *hi)
{
    char *e;
    long a = strtol(s, &e, 10);
    if (e == s || a < 0 || a > NCMI_AGE_TOP) return 1;
    if (!*e) { *lo = *hi = (int16_t)a; return 0; }
    if (*e != '_') return 1;
    if (!strcmp(e + 1, "GT")) { *lo = (int16_t)a; *hi = -1; return 0; }
    const char *t = e + 1;
    long b = strtol(t, &e, 10);
    if (e == t || *e || b < a || b > NCMI_AGE_TOP) return 1;
    *lo = (int16_t)a;
    *hi = (int16_t)b;
    return 0;
}

static int is_count_name(const char *r)
{
    if (r[0] != 'D' || r[1] < '0' || r[1] > '9') return 0;
    const char *p = r + 1;
    while (*p >= '0' && *p <= '9') p++;
    return !*p || (p[0] == 'P' && !p[1]);
}

static ncm_status read_coef(ncmi_rb *rb, const char *dir, int v)
{
    static const char *const cols[] = {"coefficient", "value", "model_domain", "model_version"};
    ncmi_csv c;
    long ix[4];
    char want[16];
    snprintf(want, sizeof want, "C%d", v);
    ncm_status st = open_table(&c, dir, "coefficients.csv", cols, 4, ix);
    if (st) return st;
    for (;;) {
        int eof;
        ncmi_rb_item *it;
        if ((st = ncmi_csv_next(&c, &eof)) || eof) break;
        if ((st = ncmi_csv_check_width(&c))) break;
        if (strcmp(c.fields[ix[3]].s, want) || strcmp(c.fields[ix[2]].s, "CMS-HCC")) continue;
        const char *full = c.fields[ix[0]].s;
        const ncmi_csv_field *vf = &c.fields[ix[1]];
        double value;
        if (ncmi_parse_double(vf->s, vf->len, &value)) {
            st = ncmi_csv_fail(&c, (size_t)ix[1], NCM_ERR_PARSE, "coefficient %s: '%s' is not a number", full, vf->s);
            break;
        }
        const char *us = strchr(full, '_');
        char seg[16];
        size_t k;
        if (us && (size_t)(us - full) < sizeof seg) {
            memcpy(seg, full, (size_t)(us - full));
            seg[us - full] = 0;
            for (k = 0; k < NCMS_SEG; k++)
                if (!strcmp(seg, cms_segments[k])) break;
        } else k = NCMS_SEG;
        if (k == NCMS_SEG) {
            st = ncmi_csv_fail(&c, (size_t)ix[0], NCM_ERR_PARSE, "coefficient %s: unknown segment prefix (CNA, CND, CFA, CFD, CPA, CPD, INS, NE, SNPNE)", full);
            break;
        }
        char r[128];
        snprintf(r, sizeof r, "%s", us + 1);
        int16_t lo, hi;
        int ne = !strcmp(seg, "NE") || !strcmp(seg, "SNPNE");
        if (ne) {
            /* {MCAID|NMCAID}_{ORIGDIS|NORIGDIS}_NE{F|M}<band> */
            int mc = !strncmp(r, "MCAID_", 6) ? 1 : !strncmp(r, "NMCAID_", 7) ? 0 : -1;
            const char *p = mc == 1 ? r + 6 : mc == 0 ? r + 7 : r;
            int od = !strncmp(p, "ORIGDIS_", 8) ? 1 : !strncmp(p, "NORIGDIS_", 9) ? 0 : -1;
            p += od == 1 ? 8 : od == 0 ? 9 : 0;
            if (mc < 0 || od < 0 || strncmp(p, "NE", 2) || (p[2] != 'F' && p[2] != 'M') || parse_band(p + 3, &lo, &hi)) {
                st = ncmi_csv_fail(&c, (size_t)ix[0], NCM_ERR_PARSE, "coefficient %s: not a new-enrollee cell (NE_MCAID_ORIGDIS_NEF65 style)", full);
                break;
            }
            if ((st = ncmi_rb_add(rb, NCMI_RB_CELL, r, seg, NULL, c.name, c.line, &it))) break;
            it->medicaid = (int8_t)mc;
            it->origds = (int8_t)od;
            it->sex = p[2] == 'F' ? NCM_SEX_FEMALE : NCM_SEX_MALE;
            it->age_lo = lo;
            it->age_hi = hi;
            it->value = value;
            continue;
        }
        if ((r[0] == 'F' || r[0] == 'M') && r[1] >= '0' && r[1] <= '9') {
            if (parse_band(r + 1, &lo, &hi)) {
                st = ncmi_csv_fail(&c, (size_t)ix[0], NCM_ERR_PARSE, "coefficient %s: bad age band", full);
                break;
            }
            if ((st = ncmi_rb_add(rb, NCMI_RB_CELL, r, seg, NULL, c.name, c.line, &it))) break;
            it->sex = r[0] == 'F' ? NCM_SEX_FEMALE : NCM_SEX_MALE;
            it->age_lo = lo;
            it->age_hi = hi;
            it->value = value;
            continue;
        }
        if (!strcmp(r, "OriginallyDisabled_Female") || !strcmp(r, "OriginallyDisabled_Male") || !strcmp(r, "ORIGDS") ||
            !strcmp(r, "LTIMCAID")) {
            if ((st = ncmi_rb_add(rb, NCMI_RB_CELL, r, seg, NULL, c.name, c.line, &it))) break;
            if (!strcmp(r, "LTIMCAID")) it->medicaid = 1;
            else {
                it->origds = 1;
                if (r[0] == 'O') it->sex = strstr(r, "Female") ? NCM_SEX_FEMALE : NCM_SEX_MALE;
            }
            it->value = value;
            continue;
        }
        int is_hcc = !strncmp(r, "HCC", 3) && r[3] >= '0' && r[3] <= '9' && strspn(r + 3, "0123456789") == strlen(r + 3);
        if (is_hcc && (st = ncmi_rb_add(rb, NCMI_RB_CATEGORY, r, NULL, NULL, c.name, c.line, &it))) break;
        if (!is_hcc && !is_count_name(r)) {
            size_t L = strlen(r);
            if (v == 28 && L > 4 && !strcmp(r + L - 4, "_V28")) r[L - 4] = 0;
            for (size_t a = 0; a < sizeof cms_alias / sizeof cms_alias[0]; a++)
                if (!strcmp(r, cms_alias[a][0])) snprintf(r, sizeof r, "%s", cms_alias[a][1]);
        }
        if ((st = ncmi_rb_add(rb, NCMI_RB_COEFFICIENT, r, seg, NULL, c.name, c.line, &it))) break;
        it->value = value;
    }
    ncmi_csv_close(&c);
    return st;
}

static ncm_status read_edits28(ncmi_rb *rb, const char *dir)
{
    static const char *const cols[] = {"icd10", "sex", "age_min", "age_max", "action", "cc_override", "model_name"};
    ncmi_csv c;
    long ix[7];
    char code[64], cat[32];
    ncm_status st = open_table(&c, dir, "dx_edits_v28.csv", cols, 7, ix);
    if (st) return st;
    for (;;) {
        int eof;
        long x = 0;
        ncmi_rb_item *it;
        if ((st = ncmi_csv_next(&c, &eof)) || eof) break;
        if ((st = ncmi_csv_check_width(&c))) break;
        if (strcmp(c.fields[ix[6]].s, "CMS-HCC Model V28")) continue;
        size_t len = ncmi_risk_normalize_code(c.fields[ix[0]].s, code, sizeof code);
        if (len == (size_t)-1 || len == 0) { st = ncmi_csv_fail(&c, (size_t)ix[0], NCM_ERR_PARSE, "bad code '%s'", c.fields[ix[0]].s); break; }
        const char *action = c.fields[ix[4]].s;
        int ovr = !strcmp(action, "override");
        if (!ovr && strcmp(action, "invalid")) {
            st = ncmi_csv_fail(&c, (size_t)ix[4], NCM_ERR_PARSE, "%s: action '%s' must be invalid or override", code, action);
            break;
        }
        cat[0] = 0;
        if (ovr) {
            if ((st = field_int(&c, ix[5], 1, 100000, &x))) break;
            snprintf(cat, sizeof cat, "HCC%ld", x);
        }
        if ((st = ncmi_rb_add(rb, NCMI_RB_EDIT, code, NULL, cat, c.name, c.line, &it))) break;
        if (c.fields[ix[1]].len) {
            if ((st = field_int(&c, ix[1], 1, 2, &x))) break;
            it = &rb->items[rb->n - 1];
            it->sex = x == 2 ? NCM_SEX_FEMALE : NCM_SEX_MALE;
        }
        if (c.fields[ix[2]].len) {
            if ((st = field_int(&c, ix[2], 0, NCMI_AGE_TOP, &x))) break;
            rb->items[rb->n - 1].age_lo = (int16_t)x;
        }
        if (c.fields[ix[3]].len) {
            if ((st = field_int(&c, ix[3], 0, NCMI_AGE_TOP, &x))) break;
            rb->items[rb->n - 1].age_hi = (int16_t)x;
        }
    }
    ncmi_csv_close(&c);
    return st;
}

ncm_status ncmi_risk_build_cms(ncmi_rb *rb, const char *dir, ncm_cms_hcc_version version)
{
    ncm_status st;
    ncmi_rb_item *it;
    int v = (int)version;
    char title[32];
    snprintf(title, sizeof title, "CMS-HCC V%d", v);
    if ((st = ncmi_rb_add(rb, NCMI_RB_MODEL, title, NULL, NULL, NULL, 0, &it))) return st;
    for (size_t k = 0; k < NCMS_SEG; k++) {
        if ((st = ncmi_rb_add(rb, NCMI_RB_SEGMENT, cms_segments[k], NULL, NULL, NULL, 0, &it))) return st;
        it->value = k >= 7 ? NCM_RISK_SEGMENT_DEMOGRAPHIC_ONLY : 0;
    }
    if ((st = read_dx(rb, dir, v))) return st;
    if (v == 24) {
        if ((st = ncmi_rb_add(rb, NCMI_RB_EDIT, "D66", NULL, "HCC48", NULL, 0, &it))) return st;
        it->sex = NCM_SEX_FEMALE;
        if ((st = ncmi_rb_add(rb, NCMI_RB_EDIT, "D67", NULL, "HCC48", NULL, 0, &it))) return st;
        it->sex = NCM_SEX_FEMALE;
        for (size_t k = 0; k < sizeof v24_bronchitis / sizeof v24_bronchitis[0]; k++) {
            if ((st = ncmi_rb_add(rb, NCMI_RB_EDIT, v24_bronchitis[k], NULL, "HCC112", NULL, 0, &it))) return st;
            it->age_hi = 17;
        }
        if ((st = ncmi_rb_add(rb, NCMI_RB_EDIT, "F3481", NULL, NULL, NULL, 0, &it))) return st;
        it->age_hi = 5;
        if ((st = ncmi_rb_add(rb, NCMI_RB_EDIT, "F3481", NULL, NULL, NULL, 0, &it))) return st;
        it->age_lo = 19;
    } else {
        if ((st = read_edits28(rb, dir))) return st;
        if ((st = ncmi_rb_add(rb, NCMI_RB_REQUIRES, "HCC223", NULL, "HCC221 HCC222 HCC224 HCC225 HCC226", NULL, 0, &it))) return st;
    }
    if ((st = read_hier(rb, dir, v))) return st;
    if ((st = read_inter(rb, dir, v))) return st;
    if ((st = read_coef(rb, dir, v))) return st;
    return NCM_OK;
}
