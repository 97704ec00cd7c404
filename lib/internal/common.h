/* Internal helpers shared by every module: allocation hook, error messages, overflow checks.
 * Symbols here use the ncmi_ prefix and are hidden (not exported from libncm). */
#ifndef NCM_INTERNAL_COMMON_H
#define NCM_INTERNAL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "ncm/status.h"

#if defined(__GNUC__) || defined(__clang__)
#  define NCMI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#  define NCMI_HIDDEN __attribute__((visibility("hidden")))
#else
#  define NCMI_PRINTF(a, b)
#  define NCMI_HIDDEN
#endif

/* All allocation goes through these (see ncm_alloc_fail_at). They never set the error message;
 * callers report NCM_ERR_NOMEM with ncmi_nomem(). */
NCMI_HIDDEN void *ncmi_malloc(size_t size);
NCMI_HIDDEN void *ncmi_calloc(size_t count, size_t size);
NCMI_HIDDEN void *ncmi_realloc(void *ptr, size_t size);
/* count * size with overflow check; NULL (and no allocation) on overflow. */
NCMI_HIDDEN void *ncmi_malloc_array(size_t count, size_t size);
NCMI_HIDDEN void *ncmi_realloc_array(void *ptr, size_t count, size_t size);
NCMI_HIDDEN void ncmi_free(void *ptr);
NCMI_HIDDEN char *ncmi_strdup(const char *s);
NCMI_HIDDEN char *ncmi_strndup(const char *s, size_t n);

/* Set the thread's error message (printf-style) and return status, so that
 * `return ncmi_error(NCM_ERR_RANGE, "%s:%zu:%zu: age: ...", ...)` reads naturally. */
NCMI_HIDDEN ncm_status ncmi_error(ncm_status status, const char *fmt, ...) NCMI_PRINTF(2, 3);
/* NCM_ERR_NOMEM with a message naming what was being allocated. */
NCMI_HIDDEN ncm_status ncmi_nomem(const char *what);

/* Quote up to 40 bytes of a field for an error message, escaping control bytes. */
NCMI_HIDDEN void ncmi_quote(char *dst, size_t cap, const char *s, size_t len);

#endif
