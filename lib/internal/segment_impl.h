/* Segmentation internals shared by lib/segment.c and lib/internal/segment_groups.c. */
#ifndef NCM_INTERNAL_SEGMENT_IMPL_H
#define NCM_INTERNAL_SEGMENT_IMPL_H

#include "internal/common.h"
#include "internal/dict.h"
#include "ncm/segment.h"

typedef struct ncmi_group_entry {
    uint32_t prefix; /* id in the prefix dictionary */
    uint8_t group;
    uint8_t excl;
} ncmi_group_entry;

struct ncm_condition_groups {
    size_t ngroups;
    char *names[NCM_MAX_CONDITION_GROUPS];
    uint64_t ltc_mask;
    ncmi_dict *prefixes;      /* normalised prefix -> id */
    uint64_t *inc, *exc;      /* per prefix id: groups it includes / excludes */
    size_t cap;
    size_t maxlen;            /* longest prefix */
    ncmi_group_entry *entries; /* in input order, for writing back */
    size_t nentries, entcap;
};

/* Normalise a code: upper case, dots and spaces dropped; only A-Z and 0-9 allowed. Returns the
 * length (buf NUL-terminated), or -1 for a bad character or a code that does not fit in cap - 1. */
NCMI_HIDDEN int ncmi_code_normalise(const char *s, char *buf, size_t cap);
/* Groups of one normalised code (longest matching prefix decides per group). */
NCMI_HIDDEN uint64_t ncmi_groups_mask(const ncm_condition_groups *g, const char *norm, size_t len);
/* Deep copy. NCM_ERR_NOMEM (message not set). */
NCMI_HIDDEN ncm_status ncmi_groups_clone(const ncm_condition_groups *src, ncm_condition_groups **out);
/* One mask per distinct diagnosis code of pop (sets the message on failure). */
NCMI_HIDDEN ncm_status ncmi_groups_code_masks(const ncm_condition_groups *g, const ncm_population *pop, uint64_t **out);
/* Masks and LTC counts of people [b, e), written to mask[0..e-b) and ltc[0..e-b) (either may be NULL). */
NCMI_HIDDEN void ncmi_groups_people(const uint64_t *code_mask, const uint64_t *off, const uint32_t *ids,
                                    uint64_t ltc_mask, size_t b, size_t e, uint64_t *mask, uint8_t *ltc);

#endif
