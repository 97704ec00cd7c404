/* Helpers shared by the libFuzzer harnesses (not part of the library): loaders that take a path get
 * the fuzz input through a per-process temporary file; round trips compare the bytes of two writes. */
#ifndef NCM_FUZZ_UTIL_H
#define NCM_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ncm/ncm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The folder for temporary files: $NCM_FUZZ_TMPDIR, else /dev/shm (memory: the harnesses write files
 * at every execution), else /tmp. */
static inline const char *fuzz_tmpdir(void)
{
    const char *d = getenv("NCM_FUZZ_TMPDIR");
    if (d && *d) return d;
    return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
}

/* A path unique to this process and tag: <tmpdir>/ncm_fuzz_<tag>_<pid>.<ext>. */
static inline void fuzz_path(char *buf, size_t cap, const char *tag, const char *ext)
{
    snprintf(buf, cap, "%s/ncm_fuzz_%s_%ld.%s", fuzz_tmpdir(), tag, (long)getpid(), ext);
}

/* Writes data to path; aborts if the file cannot be written (that is a harness problem). */
static inline void fuzz_write(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f)) abort();
}

/* Reads a whole file into a malloc'd buffer (NUL-terminated); aborts on failure. */
static inline char *fuzz_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) abort();
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    if (!b) abort();
    for (;;) {
        if (n + 1 >= cap) {
            cap *= 2;
            char *nb = realloc(b, cap);
            if (!nb) abort();
            b = nb;
        }
        size_t r = fread(b + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
    }
    fclose(f);
    b[n] = '\0';
    if (len) *len = n;
    return b;
}

/* Aborts unless the two files hold the same bytes. */
static inline void fuzz_same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = fuzz_slurp(a, &la), *y = fuzz_slurp(b, &lb);
    if (la != lb || memcmp(x, y, la)) {
        fprintf(stderr, "round trip differs: %s vs %s\n", a, b);
        abort();
    }
    free(x);
    free(y);
}

/* A failed load must leave the out-parameter alone and set a message. */
#define FUZZ_SENTINEL ((void *)(uintptr_t)0x10)
#define FUZZ_CHECK_FAILED(st, p)                                                                  \
    do {                                                                                          \
        if ((st) != NCM_OK && ((void *)(p) != FUZZ_SENTINEL || !*ncm_last_error())) abort();      \
    } while (0)

#endif
