/* Risk models: the builder (source records, as loaded from tables) and the compiled model layout,
 * shared by lib/risk.c (builder, compiler, scorer, native CSV), lib/internal/risk_cms.c (CMS importer) and
 * lib/internal/risk_comorbidity.c (Charlson and Elixhauser tables). Not part of the public API. */
#ifndef NCM_INTERNAL_RISK_IMPL_H
#define NCM_INTERNAL_RISK_IMPL_H

#include "internal/common.h"
#include "internal/dict.h"
#include "ncm/risk.h"

#define NCMI_NONE UINT32_MAX
#define NCMI_AGE_TOP 130

enum {
    NCMI_RB_MODEL, NCMI_RB_OPTION, NCMI_RB_SEGMENT, NCMI_RB_CATEGORY, NCMI_RB_CODE, NCMI_RB_EDIT,
    NCMI_RB_REQUIRES, NCMI_RB_HIERARCHY, NCMI_RB_GROUP, NCMI_RB_INTERACTION, NCMI_RB_COUNT, NCMI_RB_CELL,
    NCMI_RB_COEFFICIENT, NCMI_RB_NKINDS
};
extern NCMI_HIDDEN const char *const ncmi_rb_kind_names[NCMI_RB_NKINDS];

/* One source record. Strings are ids in the builder's dictionary; members are a run in the member pool. */
typedef struct ncmi_rb_item {
    uint8_t kind;
    uint8_t sex;              /* 0 any, NCM_SEX_FEMALE, NCM_SEX_MALE */
    int8_t medicaid, origds, disabled; /* -1 any, 0, 1 */
    int16_t age_lo, age_hi;   /* inclusive; -1 = open */
    uint32_t name, seg;       /* dictionary ids (seg NCMI_NONE when absent) */
    uint32_t mem_off, nmem;
    double value;
    uint32_t file, line;      /* dictionary id of the file name; 1-based line (0 = built in) */
} ncmi_rb_item;

typedef struct ncmi_rb {
    ncmi_dict *names;
    ncmi_rb_item *items;
    size_t n, cap;
    uint32_t *mem;
    size_t nmem, capmem;
} ncmi_rb;

NCMI_HIDDEN ncm_status ncmi_rb_init(ncmi_rb *rb);
NCMI_HIDDEN void ncmi_rb_free(ncmi_rb *rb);
NCMI_HIDDEN ncm_status ncmi_rb_intern(ncmi_rb *rb, const char *s, uint32_t *id);
/* Append a record: name and seg are strings (seg may be NULL), members a space-separated list (may be
 * NULL); file a name (may be NULL). Numeric fields are set to "any"/0; *out points at the new record
 * (valid until the next add). NCM_ERR_NOMEM with message. */
NCMI_HIDDEN ncm_status ncmi_rb_add(ncmi_rb *rb, int kind, const char *name, const char *seg, const char *members,
                                   const char *file, size_t line, ncmi_rb_item **out);
/* Compile: on success the model takes the builder over (rb is zeroed) and *out is set. On failure the
 * builder is left for the caller to free. */
NCMI_HIDDEN ncm_status ncmi_risk_compile(ncmi_rb *rb, ncm_risk_model **out);

/* Normalise a code: upper case, dots and spaces removed. dst has room for cap bytes; returns the length
 * or (size_t)-1 if it does not fit. */
NCMI_HIDDEN size_t ncmi_risk_normalize_code(const char *s, char *dst, size_t cap);

/* Charlson / Elixhauser builders (lib/internal/risk_comorbidity.c). */
NCMI_HIDDEN ncm_status ncmi_risk_build_charlson(ncmi_rb *rb, ncm_charlson_weights weights);
NCMI_HIDDEN ncm_status ncmi_risk_build_elixhauser(ncmi_rb *rb);
/* CMS importer (lib/internal/risk_cms.c). */
NCMI_HIDDEN ncm_status ncmi_risk_build_cms(ncmi_rb *rb, const char *dir, ncm_cms_hcc_version version);

#endif
