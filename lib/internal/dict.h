/* String interning dictionary: maps byte strings to dense uint32 ids (0, 1, 2, ... in first-seen
 * order) and back. Open addressing, strings kept in one growable pool. Not thread-safe; one owner. */
#ifndef NCM_INTERNAL_DICT_H
#define NCM_INTERNAL_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "internal/common.h"

typedef struct ncmi_dict ncmi_dict;

/* NULL on allocation failure. hint: expected number of distinct strings (0 is fine). */
NCMI_HIDDEN ncmi_dict *ncmi_dict_new(size_t hint);
NCMI_HIDDEN void ncmi_dict_free(ncmi_dict *d);
/* Find or add; *id receives the id, *added (may be NULL) 1 if it was new. NCM_ERR_NOMEM (dict
 * unchanged) or NCM_ERR_OVERFLOW beyond UINT32_MAX - 1 strings. Does not set the error message. */
NCMI_HIDDEN ncm_status ncmi_dict_intern(ncmi_dict *d, const char *s, size_t len, uint32_t *id, int *added);
/* Hint that s will be interned or looked up soon: prefetch its slot (speeds up bulk interning of
 * many distinct strings, such as person ids, when the table is larger than the cache). */
NCMI_HIDDEN void ncmi_dict_prefetch(const ncmi_dict *d, const char *s, size_t len);
/* 1 and *id if present, 0 otherwise. */
NCMI_HIDDEN int ncmi_dict_find(const ncmi_dict *d, const char *s, size_t len, uint32_t *id);
NCMI_HIDDEN size_t ncmi_dict_size(const ncmi_dict *d);
/* NUL-terminated string of an id (< size); valid until the next intern. */
NCMI_HIDDEN const char *ncmi_dict_str(const ncmi_dict *d, uint32_t id);
NCMI_HIDDEN size_t ncmi_dict_len(const ncmi_dict *d, uint32_t id);
/* Bytes held (for memory reports). */
NCMI_HIDDEN size_t ncmi_dict_bytes(const ncmi_dict *d);
/* 64-bit hash used by the dictionary (FNV-1a folded); exposed for other internal tables. */
NCMI_HIDDEN uint64_t ncmi_hash(const char *s, size_t len);

#endif
