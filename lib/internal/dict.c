#include "internal/dict.h"

#include <string.h>

struct ncmi_dict {
    char *pool;          /* strings, each NUL-terminated */
    size_t pool_len, pool_cap;
    uint64_t *offs;      /* offs[id] = start in pool; offs[size] is not stored */
    uint32_t *lens;
    size_t size, offs_cap;
    uint64_t *slots;     /* (hash >> 32) << 32 | (id + 1); 0 = empty. The hash tag skips most string compares. */
    size_t nslots;       /* power of two */
};

uint64_t ncmi_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 1099511628211ull;
        h ^= h >> 29;
    }
    for (; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    h ^= h >> 32;
    h *= 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 29);
}

ncmi_dict *ncmi_dict_new(size_t hint)
{
    ncmi_dict *d = ncmi_calloc(1, sizeof *d);
    if (!d) return NULL;
    size_t ns = 16;
    while (ns < hint * 2 && ns < ((size_t)1 << 40)) ns <<= 1;
    d->slots = ncmi_calloc(ns, sizeof *d->slots);
    if (!d->slots) {
        ncmi_free(d);
        return NULL;
    }
    d->nslots = ns;
    return d;
}

void ncmi_dict_free(ncmi_dict *d)
{
    if (!d) return;
    ncmi_free(d->pool);
    ncmi_free(d->offs);
    ncmi_free(d->lens);
    ncmi_free(d->slots);
    ncmi_free(d);
}

static int eq(const ncmi_dict *d, uint32_t id, const char *s, size_t len)
{
    if (d->lens[id] != len) return 0;
    const char *t = d->pool + d->offs[id];
    if (len <= 16) { /* short codes: no library call */
        for (size_t i = 0; i < len; i++)
            if (t[i] != s[i]) return 0;
        return 1;
    }
    return memcmp(t, s, len) == 0;
}

#define TAG(h) ((h) & 0xFFFFFFFF00000000ull)
#define SLOT_ID(v) ((uint32_t)((v) & 0xFFFFFFFFull) - 1u)

void ncmi_dict_prefetch(const ncmi_dict *d, const char *s, size_t len)
{
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(&d->slots[(size_t)ncmi_hash(s, len) & (d->nslots - 1)]);
#else
    (void)d;
    (void)s;
    (void)len;
#endif
}

int ncmi_dict_find(const ncmi_dict *d, const char *s, size_t len, uint32_t *id)
{
    uint64_t h = ncmi_hash(s, len), tag = TAG(h);
    size_t mask = d->nslots - 1, i = (size_t)h & mask;
    for (;;) {
        uint64_t v = d->slots[i];
        if (v == 0) return 0;
        if (TAG(v) == tag && eq(d, SLOT_ID(v), s, len)) {
            if (id) *id = SLOT_ID(v);
            return 1;
        }
        i = (i + 1) & mask;
    }
}

static ncm_status grow_slots(ncmi_dict *d)
{
    size_t ns = d->nslots * 2;
    uint64_t *slots = ncmi_calloc(ns, sizeof *slots);
    if (!slots) return NCM_ERR_NOMEM;
    for (size_t id = 0; id < d->size; id++) {
        uint64_t h = ncmi_hash(d->pool + d->offs[id], d->lens[id]);
        size_t i = (size_t)h & (ns - 1);
        while (slots[i]) i = (i + 1) & (ns - 1);
        slots[i] = TAG(h) | ((uint64_t)id + 1);
    }
    ncmi_free(d->slots);
    d->slots = slots;
    d->nslots = ns;
    return NCM_OK;
}

ncm_status ncmi_dict_intern(ncmi_dict *d, const char *s, size_t len, uint32_t *id, int *added)
{
    uint64_t h = ncmi_hash(s, len), tag = TAG(h);
    size_t mask = d->nslots - 1, i = (size_t)h & mask;
    for (;;) {
        uint64_t v = d->slots[i];
        if (v == 0) break;
        if (TAG(v) == tag && eq(d, SLOT_ID(v), s, len)) {
            *id = SLOT_ID(v);
            if (added) *added = 0;
            return NCM_OK;
        }
        i = (i + 1) & mask;
    }
    if (d->size >= UINT32_MAX - 1 || len > UINT32_MAX) return NCM_ERR_OVERFLOW;
    /* Reserve everything first so that a failure leaves the dictionary unchanged. */
    if (d->pool_len + len + 1 > d->pool_cap) {
        size_t cap = d->pool_cap ? d->pool_cap * 2 : 256;
        while (cap < d->pool_len + len + 1) cap *= 2;
        char *p = ncmi_realloc(d->pool, cap);
        if (!p) return NCM_ERR_NOMEM;
        d->pool = p;
        d->pool_cap = cap;
    }
    if (d->size == d->offs_cap) {
        size_t cap = d->offs_cap ? d->offs_cap * 2 : 16;
        uint64_t *o = ncmi_realloc_array(d->offs, cap, sizeof *o);
        if (!o) return NCM_ERR_NOMEM;
        d->offs = o;
        uint32_t *l = ncmi_realloc_array(d->lens, cap, sizeof *l);
        if (!l) return NCM_ERR_NOMEM;
        d->lens = l;
        d->offs_cap = cap;
    }
    if ((d->size + 1) * 2 > d->nslots) {
        if (grow_slots(d) != NCM_OK) return NCM_ERR_NOMEM;
        mask = d->nslots - 1;
        i = (size_t)h & mask;
        while (d->slots[i]) i = (i + 1) & mask;
    }
    memcpy(d->pool + d->pool_len, s, len);
    d->pool[d->pool_len + len] = '\0';
    d->offs[d->size] = d->pool_len;
    d->lens[d->size] = (uint32_t)len;
    d->pool_len += len + 1;
    d->slots[i] = tag | ((uint64_t)d->size + 1);
    *id = (uint32_t)d->size++;
    if (added) *added = 1;
    return NCM_OK;
}

size_t ncmi_dict_size(const ncmi_dict *d) { return d->size; }

const char *ncmi_dict_str(const ncmi_dict *d, uint32_t id) { return d->pool + d->offs[id]; }

size_t ncmi_dict_len(const ncmi_dict *d, uint32_t id) { return d->lens[id]; }

size_t ncmi_dict_bytes(const ncmi_dict *d)
{
    return d->pool_cap + d->offs_cap * (sizeof *d->offs + sizeof *d->lens) + d->nslots * sizeof *d->slots;
}
