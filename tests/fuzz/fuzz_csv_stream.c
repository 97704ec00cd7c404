/* Fuzz the streaming CSV reader against the whole-buffer reader: the input is written to a file
 * and read record by record by ncmi_csv_open_file and by ncmi_csv_open_stream with small windows;
 * the records, fields, line numbers and the final status and message (after ncmi_csv_settle) must
 * agree, except that where the whole reader fails to open (invalid UTF-8) the streamed one may
 * first return the records before the bad byte. Then the input is split at the first 0x00 byte
 * (or '|') into people.csv and diagnoses.csv and loaded both ways: same status, same message, same
 * table. No crash, no leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal/csv.h"
#include "internal/population_impl.h"
#include "ncm/ncm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    char *s;
    size_t len, cap;
} logbuf;

static void put(logbuf *l, const void *s, size_t n)
{
    if (l->len + n + 1 > l->cap) {
        while (l->len + n + 1 > l->cap) l->cap = l->cap ? l->cap * 2 : 4096;
        l->s = realloc(l->s, l->cap);
        if (!l->s) abort();
    }
    memcpy(l->s + l->len, s, n);
    l->len += n;
    l->s[l->len] = '\0';
}

static void put_num(logbuf *l, size_t v)
{
    char t[32];
    int n = snprintf(t, sizeof t, "%zu;", v);
    put(l, t, (size_t)n);
}

/* Log of a read; returns 1 if it ended in an error, with *err_at = where in the log it starts. */
static int read_log(const char *path, size_t window, logbuf *l, size_t *err_at)
{
    ncmi_csv c;
    l->len = 0;
    ncm_status st = window ? ncmi_csv_open_stream(&c, path, window) : ncmi_csv_open_file(&c, path);
    if (!st) {
        for (;;) {
            int eof;
            st = ncmi_csv_next(&c, &eof);
            if (st || eof) break;
            put_num(l, c.line);
            put_num(l, c.next_line);
            for (size_t i = 0; i < c.nfields; i++) {
                put_num(l, c.fields[i].len);
                put(l, c.fields[i].s, c.fields[i].len);
            }
            put(l, "\n", 1);
        }
        if (st) st = ncmi_csv_settle(&c, st);
        else put_num(l, c.line);
        ncmi_csv_close(&c);
    }
    *err_at = l->len;
    if (st) {
        put_num(l, (size_t)-st);
        put(l, ncm_last_error(), strlen(ncm_last_error()));
    }
    return st != NCM_OK;
}

static void load_log(const char *pp, const char *dp, size_t window, logbuf *l)
{
    ncm_population *p = NULL;
    l->len = 0;
    ncm_status st = ncmi_population_read_csv_window(pp, dp, NULL, window, &p);
    put_num(l, (size_t)-st);
    if (st) {
        if (p) abort();
        put(l, ncm_last_error(), strlen(ncm_last_error()));
        return;
    }
    char op[64], od[64];
    snprintf(op, sizeof op, "/tmp/ncm_fuzzs_op_%ld.csv", (long)getpid());
    snprintf(od, sizeof od, "/tmp/ncm_fuzzs_od_%ld.csv", (long)getpid());
    if (ncm_population_write_csv(p, op, od) != NCM_OK) abort();
    const char *files[2] = {op, od};
    for (int k = 0; k < 2; k++) {
        FILE *f = fopen(files[k], "rb");
        char buf[4096];
        size_t n;
        while (f && (n = fread(buf, 1, sizeof buf, f)) > 0) put(l, buf, n);
        if (f) fclose(f);
        remove(files[k]);
    }
    ncm_population_free(p);
}

static void write_file(const char *path, const void *s, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(s, 1, n, f) != n || fclose(f) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64], pp[64], dp[64];
    snprintf(path, sizeof path, "/tmp/ncm_fuzzs_%ld.csv", (long)getpid());
    snprintf(pp, sizeof pp, "/tmp/ncm_fuzzs_p_%ld.csv", (long)getpid());
    snprintf(dp, sizeof dp, "/tmp/ncm_fuzzs_d_%ld.csv", (long)getpid());
    write_file(path, data, size);
    static const size_t windows[] = {8, 11, 64};
    logbuf want = {0}, got = {0};
    size_t wat, gat;
    int werr = read_log(path, 0, &want, &wat);
    for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++) {
        int gerr = read_log(path, windows[i], &got, &gat);
        if (werr != gerr) abort();
        if (werr && wat == 0) { /* failed to open: compare the error only */
            if (strcmp(want.s, got.s + gat) != 0) abort();
        } else if (want.len != got.len || memcmp(want.s, got.s, want.len) != 0) {
            abort();
        }
    }
    remove(path);

    const char *s = (const char *)data;
    const char *cut = memchr(s, '\0', size);
    if (!cut) cut = memchr(s, '|', size);
    size_t pl = cut ? (size_t)(cut - s) : size;
    write_file(pp, s, pl);
    if (cut) write_file(dp, cut + 1, size - pl - 1);
    load_log(pp, cut ? dp : NULL, (size_t)1 << 30, &want);
    for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++) {
        load_log(pp, cut ? dp : NULL, windows[i], &got);
        if (want.len != got.len || memcmp(want.s, got.s, want.len) != 0) abort();
    }
    remove(pp);
    remove(dp);
    free(want.s);
    free(got.s);
    return 0;
}
