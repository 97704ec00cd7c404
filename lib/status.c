#include "internal/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char tls_message[1024];
static _Thread_local unsigned long tls_alloc_count;
static _Thread_local unsigned long tls_alloc_fail_at; /* absolute count at which to fail, 0 = off */

void ncm_alloc_fail_at(unsigned long n) { tls_alloc_fail_at = n ? tls_alloc_count + n : 0; }

unsigned long ncm_alloc_count(void) { return tls_alloc_count; }

/* Returns 1 if this allocation must fail. */
static int alloc_tick(void)
{
    tls_alloc_count++;
    if (tls_alloc_fail_at != 0 && tls_alloc_count == tls_alloc_fail_at) {
        tls_alloc_fail_at = 0;
        return 1;
    }
    return 0;
}

void *ncmi_malloc(size_t size)
{
    if (alloc_tick()) return NULL;
    return malloc(size ? size : 1);
}

void *ncmi_calloc(size_t count, size_t size)
{
    if (alloc_tick()) return NULL;
    if (count == 0 || size == 0) return calloc(1, 1);
    return calloc(count, size);
}

void *ncmi_realloc(void *ptr, size_t size)
{
    if (alloc_tick()) return NULL;
    return realloc(ptr, size ? size : 1);
}

void *ncmi_malloc_array(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) return NULL;
    return ncmi_malloc(count * size);
}

void *ncmi_realloc_array(void *ptr, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) return NULL;
    return ncmi_realloc(ptr, count * size);
}

void ncmi_free(void *ptr) { free(ptr); }

char *ncmi_strndup(const char *s, size_t n)
{
    char *d = ncmi_malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ncmi_strdup(const char *s) { return ncmi_strndup(s, strlen(s)); }

ncm_status ncmi_error(ncm_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tls_message, sizeof tls_message, fmt, ap);
    va_end(ap);
    return status;
}

ncm_status ncmi_nomem(const char *what)
{
    return ncmi_error(NCM_ERR_NOMEM, "out of memory while allocating %s", what);
}

void ncmi_quote(char *dst, size_t cap, const char *s, size_t len)
{
    size_t o = 0;
    if (cap == 0) return;
    for (size_t i = 0; i < len && o + 5 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i == 40) {
            if (o + 4 < cap) { memcpy(dst + o, "...", 3); o += 3; }
            break;
        }
        if (c < 0x20 || c == 0x7f) {
            o += (size_t)snprintf(dst + o, cap - o, "\\x%02x", c);
        } else {
            dst[o++] = (char)c;
        }
    }
    dst[o < cap ? o : cap - 1] = '\0';
}

const char *ncm_last_error(void) { return tls_message; }

void ncm_clear_error(void) { tls_message[0] = '\0'; }

const char *ncm_strerror(ncm_status status)
{
    switch (status) {
    case NCM_OK: return "success";
    case NCM_ERR_INVALID: return "invalid argument";
    case NCM_ERR_NOMEM: return "out of memory";
    case NCM_ERR_IO: return "input/output error";
    case NCM_ERR_PARSE: return "malformed input";
    case NCM_ERR_OVERFLOW: return "arithmetic overflow";
    case NCM_ERR_RANGE: return "value out of range";
    case NCM_ERR_NOT_FOUND: return "not found";
    case NCM_ERR_VERSION: return "unsupported version";
    case NCM_ERR_DUPLICATE: return "duplicate identifier";
    case NCM_ERR_INCONSISTENT: return "inconsistent inputs";
    case NCM_ERR_BUFFER: return "buffer too small";
    case NCM_ERR_CANCELLED: return "cancelled";
    case NCM_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}
