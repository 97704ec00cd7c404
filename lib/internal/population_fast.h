/* Fast internal construction of a population table from arrays that are already dictionary-encoded
 * and owned by the caller (used by the synthetic population generator, where copying and
 * re-interning 10 million rows through ncm_population_from_columns would double time and memory).
 * The caller guarantees the values are valid (ages 0-130, sex 0-2, deciles 0-10, months 0-12,
 * costs >= 0, ids below their dictionary sizes, person dictionary id i = row i, offsets
 * non-decreasing from 0); geography nesting is still checked. */
#ifndef NCM_INTERNAL_POPULATION_FAST_H
#define NCM_INTERNAL_POPULATION_FAST_H

#include "internal/population_impl.h"

typedef struct ncmi_pop_parts {
    size_t n;
    int32_t *age;           /* required */
    uint8_t *sex;           /* required */
    uint8_t *depr;          /* optional (NULL = absent) */
    double *months;         /* optional */
    ncm_money *cost;        /* optional */
    ncmi_dict *person;      /* required: n distinct ids, id i = row i */
    ncmi_dict *geo[NCM_LEVEL_COUNT]; /* optional per level; with geo_ids */
    uint32_t *geo_ids[NCM_LEVEL_COUNT];
    ncmi_dict *dx;          /* optional; with dx_ids and dx_off */
    uint32_t *dx_ids;
    uint64_t *dx_off;       /* n + 1 */
} ncmi_pop_parts;

/* Build a table that takes ownership of every array and dictionary in parts. On success the
 * pointers in parts are set to NULL (the table owns them); on failure parts is unchanged and still
 * owned by the caller (free it with ncmi_pop_parts_free). */
NCMI_HIDDEN ncm_status ncmi_population_adopt(ncmi_pop_parts *parts, ncm_population **out);
NCMI_HIDDEN void ncmi_pop_parts_free(ncmi_pop_parts *parts);

#endif
