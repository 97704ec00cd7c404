/* The population table's internal layout, shared by lib/population.c (construction, accessors,
 * roll-up) and the CSV reader/writer. Not part of the public API. */
#ifndef NCM_INTERNAL_POPULATION_IMPL_H
#define NCM_INTERNAL_POPULATION_IMPL_H

#include "internal/common.h"
#include "internal/dict.h"
#include "ncm/population.h"

/* Canonical columns, in canonical CSV order. */
enum {
    NCMI_COL_PERSON_ID, NCMI_COL_AGE, NCMI_COL_SEX, NCMI_COL_PRACTICE, NCMI_COL_NETWORK, NCMI_COL_PLACE,
    NCMI_COL_SYSTEM, NCMI_COL_DEPRIVATION, NCMI_COL_MONTHS, NCMI_COL_COST, NCMI_COL_SEGMENT, NCMI_COL_OREC,
    NCMI_COL_MEDICAID, NCMI_NCOLS
};
extern NCMI_HIDDEN const char *const ncmi_population_colnames[NCMI_NCOLS];

typedef struct ncmi_attr {
    char *name;
    double *num;     /* numeric attribute, or NULL */
    ncmi_dict *dict; /* text attribute */
    uint32_t *ids;
} ncmi_attr;

struct ncm_population {
    size_t n;
    const int32_t *age;
    const uint8_t *sex, *depr, *orec, *medicaid;
    const double *months;
    const ncm_money *cost; /* NULL when absent */
    void *owned[7];        /* arrays to free (copies and defaults); NULL entries for borrowed ones */
    ncmi_dict *person;     /* person i has dictionary id i */
    ncmi_dict *text[5];    /* geography levels 0-3, segment 4 */
    uint32_t *text_ids[5];
    ncmi_dict *dx;
    uint32_t *dx_ids;
    uint64_t *dx_off;      /* n + 1 */
    ncmi_attr *attr;
    size_t nattr;
    unsigned present;      /* bit NCMI_COL_x set when that canonical column was given */
    uint32_t *parent[NCM_LEVEL_COUNT]; /* unit at level -> unit at the next present level up, or NULL */
    int parent_level[NCM_LEVEL_COUNT]; /* that next present level, or -1 */
};

/* Where rows came from, for error messages: with src == NULL messages name "field[row]"; with a
 * source they name "file:line:col (field)". line[row] is the 1-based line of each row; col[k] is the
 * 1-based CSV column of canonical column k (0 if absent); attr_col[a] likewise for attributes. */
typedef struct ncmi_pop_source {
    const char *file;
    const size_t *line;
    const size_t *col;
    const size_t *attr_col;
    /* Optional: the person ids already interned (id i = row i, all distinct and non-empty), e.g. by
     * the CSV reader as it streams; then cols->person_id is not read. The table takes the
     * dictionary over when the build succeeds; on failure the caller still owns it. */
    ncmi_dict *person;
} ncmi_pop_source;

/* Build a table from columns (as ncm_population_from_columns), naming rows through src. */
NCMI_HIDDEN ncm_status ncmi_population_build(const ncm_population_columns *cols, const ncmi_pop_source *src,
                                             ncm_population **out);

/* Fill p->parent / p->parent_level from the geography id columns, checking that each unit has one
 * parent (NCM_ERR_INCONSISTENT naming both otherwise). Used by the builders in population.c and
 * population_fast.c. */
NCMI_HIDDEN ncm_status ncmi_population_build_parents(ncm_population *p, const ncmi_pop_source *src);

/* ncm_population_read_csv with a chosen streaming window in bytes (tests use small ones). */
NCMI_HIDDEN ncm_status ncmi_population_read_csv_window(const char *people_path, const char *diagnoses_path,
                                                       const ncm_population_csv_options *opts, size_t window,
                                                       ncm_population **out);

#endif
