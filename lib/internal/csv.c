#include "internal/csv.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Validate UTF-8 and count '\n' bytes in the same pass. */
static int utf8_scan(const char *str, size_t len, size_t *bad, size_t *newlines)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, nl = 0;
    const uint64_t hi = 0x8080808080808080ull, lo7 = 0x7f7f7f7f7f7f7f7full, nlw = 0x0a0a0a0a0a0a0a0aull;
    while (i < len) {
        /* ASCII fast path, 32 bytes a step; per-byte newline flags accumulate in acc (at most 240
         * per byte lane before the horizontal sum, so no lane overflows). */
        uint64_t acc = 0;
        unsigned steps = 0;
        while (i + 32 <= len) {
            uint64_t w[4];
            memcpy(w, s + i, 32);
            if (((w[0] | w[1] | w[2] | w[3]) & hi) != 0) break;
            for (int k = 0; k < 4; k++) {
                uint64_t x = w[k] ^ nlw;
                acc += (~(((x & lo7) + lo7) | x | lo7)) >> 7;
            }
            i += 32;
            if (++steps == 60) {
                nl += (size_t)((acc * 0x0101010101010101ull) >> 56);
                acc = 0;
                steps = 0;
            }
        }
        nl += (size_t)((acc * 0x0101010101010101ull) >> 56);
        if (i >= len) break;
        if (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w & 0x8080808080808080ull) == 0) {
                /* exact count of '\n' bytes in an ASCII word: zero bytes of w ^ 0x0a.. */
                uint64_t x = w ^ 0x0a0a0a0a0a0a0a0aull;
                uint64_t y = ~(((x & 0x7f7f7f7f7f7f7f7full) + 0x7f7f7f7f7f7f7f7full) | x | 0x7f7f7f7f7f7f7f7full);
                nl += (size_t)(((y >> 7) * 0x0101010101010101ull) >> 56);
                i += 8;
                continue;
            }
        }
        unsigned char c = s[i];
        if (c < 0x80) {
            nl += c == '\n';
            i++;
            continue;
        }
        size_t n;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; }
        else { *bad = i; return 1; }
        for (size_t k = 1; k <= n; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80) { *bad = i; return 1; }
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
            *bad = i;
            return 1;
        }
        i += n + 1;
    }
    *newlines = nl;
    return 0;
}

int ncmi_utf8_invalid(const char *str, size_t len, size_t *bad)
{
    size_t nl;
    return utf8_scan(str, len, bad, &nl);
}

static ncm_status start(ncmi_csv *c, const char *name)
{
    size_t bad;
    snprintf(c->name, sizeof c->name, "%s", name);
    c->line = c->next_line = 1;
    if (c->len >= 3 && memcmp(c->buf, "\xEF\xBB\xBF", 3) == 0) c->pos = 3;
    size_t nl = 0;
    if (utf8_scan(c->buf, c->len, &bad, &nl)) {
        /* name the line and the CSV column (field number) of the bad byte */
        size_t line = 1, col = 1;
        int quoted = 0;
        for (size_t i = c->pos; i < bad; i++) {
            char ch = c->buf[i];
            if (ch == '"') quoted = !quoted;
            else if (ch == '\n') { line++; if (!quoted) col = 1; }
            else if (ch == ',' && !quoted) col++;
        }
        ncm_status st = ncmi_error(NCM_ERR_PARSE, "%s:%zu:%zu: invalid UTF-8 (byte 0x%02x)", c->name, line, col,
                                   (unsigned char)c->buf[bad]);
        ncmi_free(c->buf);
        c->buf = NULL;
        return st;
    }
    c->max_records = c->est_records = nl + 1;
    return NCM_OK;
}

ncm_status ncmi_csv_open_buffer(ncmi_csv *c, const char *name, const char *buf, size_t len)
{
    memset(c, 0, sizeof *c);
    c->buf = ncmi_malloc(len + 1);
    if (!c->buf) return ncmi_nomem("CSV buffer");
    if (len) memcpy(c->buf, buf, len);
    c->buf[len] = '\0';
    c->len = len;
    return start(c, name);
}

/* Read all of f (closed here) into c->buf and validate it: the whole-buffer reader. */
static ncm_status read_whole(ncmi_csv *c, FILE *f, const char *path)
{
    size_t cap = 1 << 16, len = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        long sz = ftell(f);
        if (sz > 0) cap = (size_t)sz + 2; /* room for the NUL and a final fread that returns 0 */
        rewind(f);
    }
    char *buf = ncmi_malloc(cap);
    if (!buf) {
        fclose(f);
        return ncmi_nomem("CSV file buffer");
    }
    for (;;) {
        if (len + 1 >= cap) {
            char *nb = ncmi_realloc(buf, cap * 2);
            if (!nb) {
                ncmi_free(buf);
                fclose(f);
                return ncmi_nomem("CSV file buffer");
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - 1 - len, f);
        len += got;
        if (got == 0) break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        ncmi_free(buf);
        return ncmi_error(NCM_ERR_IO, "%s: read error", path);
    }
    buf[len] = '\0';
    c->buf = buf;
    c->len = len;
    return start(c, path);
}

ncm_status ncmi_csv_open_file(ncmi_csv *c, const char *path)
{
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "rb");
    if (!f) return ncmi_error(NCM_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    return read_whole(c, f, path);
}

/* ------------------------------------------------------------------ streaming */

/* Read up to cap bytes (fewer only at the end of the file or on an error). */
static size_t read_full(FILE *f, char *buf, size_t cap)
{
    size_t len = 0;
    while (len < cap) {
        size_t got = fread(buf + len, 1, cap - len, f);
        if (got == 0) break;
        len += got;
    }
    return len;
}

static ncm_status seek_to(ncmi_csv *c, uint64_t off)
{
    if (off > (uint64_t)LONG_MAX || fseek(c->file, (long)off, SEEK_SET) != 0)
        return ncmi_error(NCM_ERR_IO, "%s: read error", c->name);
    return NCM_OK;
}

/* The invalid-UTF-8 message for the byte at file offset bad, naming its line and CSV column as
 * start() does: count from the beginning of the file (after a byte-order mark). */
static ncm_status utf8_fail_stream(ncmi_csv *c, uint64_t bad, unsigned char byte)
{
    char tmp[8192];
    size_t line = 1, col = 1;
    int quoted = 0;
    uint64_t off = c->bom;
    ncm_status st = seek_to(c, off);
    if (st) return st;
    while (off < bad) {
        size_t want = bad - off < sizeof tmp ? (size_t)(bad - off) : sizeof tmp;
        size_t got = read_full(c->file, tmp, want);
        if (got == 0) return ncmi_error(NCM_ERR_IO, "%s: read error", c->name);
        for (size_t i = 0; i < got; i++) {
            char ch = tmp[i];
            if (ch == '"') quoted = !quoted;
            else if (ch == '\n') { line++; if (!quoted) col = 1; }
            else if (ch == ',' && !quoted) col++;
        }
        off += got;
    }
    return ncmi_error(NCM_ERR_PARSE, "%s:%zu:%zu: invalid UTF-8 (byte 0x%02x)", c->name, line, col, byte);
}

/* 1 if the bytes at s (rem of them, to the end of the window) are the start of a multi-byte
 * character cut off by the window's end, i.e. not yet known to be bad. */
static int utf8_cut(const unsigned char *s, size_t rem)
{
    size_t n;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) n = 1;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) n = 2;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4) n = 3;
    else return 0;
    if (rem > n) return 0;
    for (size_t k = 1; k < rem; k++)
        if ((s[k] & 0xC0) != 0x80) return 0;
    return 1;
}

/* Validate the window's bytes that have not been validated yet (c->checked onwards). A character
 * cut off by the window's end waits for the next window. */
static ncm_status check_window(ncmi_csv *c)
{
    size_t s = c->checked > c->base ? (size_t)(c->checked - c->base) : 0, bad, nl;
    if (s >= c->len) return NCM_OK;
    if (utf8_scan(c->buf + s, c->len - s, &bad, &nl)) {
        size_t at = s + bad;
        if (!c->at_eof && utf8_cut((const unsigned char *)c->buf + at, c->len - at)) {
            c->checked = c->base + at;
            return NCM_OK;
        }
        return utf8_fail_stream(c, c->base + at, (unsigned char)c->buf[at]);
    }
    c->checked = c->base + c->len;
    return NCM_OK;
}

/* Read the window that starts at file offset base (not yet validated). */
static ncm_status load_window(ncmi_csv *c, uint64_t base)
{
    ncm_status st = seek_to(c, base);
    if (st) return st;
    size_t got = read_full(c->file, c->buf, c->bufcap);
    if (ferror(c->file)) return ncmi_error(NCM_ERR_IO, "%s: read error", c->name);
    c->buf[got] = '\0';
    c->base = base;
    c->len = got;
    c->pos = 0;
    c->at_eof = got < c->bufcap;
    return NCM_OK;
}

/* Load the window starting at byte keep of the current one (a record start), reading the file
 * again from there (the record's bytes were changed in place); double the window when one record
 * fills it. */
static ncm_status refill(ncmi_csv *c, size_t keep)
{
    if (keep == 0) {
        if (c->bufcap > (SIZE_MAX - 1) / 2) return ncmi_nomem("CSV window");
        char *nb = ncmi_realloc(c->buf, c->bufcap * 2 + 1);
        if (!nb) return ncmi_nomem("CSV window");
        c->buf = nb;
        c->bufcap *= 2;
    }
    ncm_status st = load_window(c, c->base + keep);
    return st ? st : check_window(c);
}

ncm_status ncmi_csv_open_stream(ncmi_csv *c, const char *path, size_t window)
{
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "rb");
    if (!f) return ncmi_error(NCM_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (window < 8) window = 8;
    long sz = -1;
    if (fseek(f, 0, SEEK_END) == 0) {
        sz = ftell(f);
        rewind(f);
    }
    /* small files and pipes: the whole-buffer reader */
    if (sz < 0 || (uint64_t)sz <= window) return read_whole(c, f, path);
    snprintf(c->name, sizeof c->name, "%s", path);
    c->line = c->next_line = 1;
    c->buf = ncmi_malloc(window + 1);
    if (!c->buf) {
        fclose(f);
        return ncmi_nomem("CSV window");
    }
    c->file = f;
    c->bufcap = window;
    ncm_status st = load_window(c, 0);
    if (!st) {
        if (c->len >= 3 && memcmp(c->buf, "\xEF\xBB\xBF", 3) == 0) c->pos = c->bom = 3;
        st = check_window(c);
    }
    if (!st) {
        /* records in the file, estimated from the lines of the first window */
        size_t nl = 0;
        for (const char *q = c->buf, *e = c->buf + c->len; (q = memchr(q, '\n', (size_t)(e - q))) != NULL; q++) nl++;
        c->est_records = (size_t)((double)nl * ((double)sz / (double)(c->len ? c->len : 1))) + 1;
    }
    if (st) ncmi_csv_close(c);
    return st;
}

ncm_status ncmi_csv_settle(ncmi_csv *c, ncm_status st)
{
    if (st == NCM_OK || !c->file) return st;
    /* An error before the end of the file: the rest of it may hold invalid UTF-8, which the
     * whole-buffer reader would have reported first. */
    while (!(c->at_eof && c->checked >= c->base + c->len)) {
        uint64_t from = c->checked;
        ncm_status s2 = seek_to(c, from);
        if (s2) return s2;
        size_t got = read_full(c->file, c->buf, c->bufcap);
        if (ferror(c->file)) return ncmi_error(NCM_ERR_IO, "%s: read error", c->name);
        c->buf[got] = '\0';
        c->base = from;
        c->len = c->pos = got; /* no record is parsed from this window */
        c->at_eof = got < c->bufcap;
        if ((s2 = check_window(c))) return s2;
        if (c->checked == from && got == 0) break;
    }
    return st;
}

static ncm_status push_field(ncmi_csv *c, char *s, size_t len)
{
    if (c->nfields == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        ncmi_csv_field *f = ncmi_realloc_array(c->fields, cap, sizeof *f);
        if (!f) return ncmi_nomem("CSV fields");
        c->fields = f;
        c->cap = cap;
    }
    c->fields[c->nfields].s = s;
    c->fields[c->nfields].len = len;
    c->nfields++;
    return NCM_OK;
}

/* Tokenize the record at c->pos. With final = 0 (streaming, more of the file follows buf) the
 * record may continue past the end of buf: then *under = 1 and the record must be parsed again
 * from a fresh copy of the file (fields are terminated and unescaped in place, so buf is no longer
 * the file's text). With final = 1 this is the whole-input parser, unchanged. */
static ncm_status tokenize(ncmi_csv *c, int *eof, int final, int *under)
{
    char *b = c->buf;
    size_t p = c->pos, n = c->len;
    c->nfields = 0;
    /* skip empty lines */
    while (p < n && (b[p] == '\n' || (b[p] == '\r' && p + 1 < n && b[p + 1] == '\n'))) {
        p += b[p] == '\r' ? 2 : 1;
        c->next_line++;
    }
    if (!final && p + 1 >= n) goto under; /* an empty line or a record may still follow */
    c->line = c->next_line;
    if (p >= n) {
        c->pos = p;
        *eof = 1;
        return NCM_OK;
    }
    *eof = 0;
    for (;;) {
        ncm_status st;
        if (b[p] == '"') {
            size_t q = p + 1, w = p; /* write position reuses the buffer */
            size_t open_line = c->next_line;
            for (;;) {
                if (q >= n) {
                    if (!final) goto under;
                    c->pos = n;
                    return ncmi_error(NCM_ERR_PARSE, "%s:%zu:%zu: unterminated quoted field", c->name, open_line,
                                      c->nfields + 1);
                }
                if (b[q] == '"') {
                    if (!final && q + 1 >= n) goto under;
                    if (q + 1 < n && b[q + 1] == '"') {
                        b[w++] = '"';
                        q += 2;
                        continue;
                    }
                    q++;
                    break;
                }
                if (b[q] == '\n') c->next_line++;
                b[w++] = b[q++];
            }
            if (!final && q + 1 >= n) goto under;
            if (q < n && b[q] == '\r' && q + 1 < n && b[q + 1] == '\n') q++;
            if (q < n && b[q] != ',' && b[q] != '\n') {
                c->pos = n;
                return ncmi_error(NCM_ERR_PARSE, "%s:%zu:%zu: unexpected character after closing quote", c->name,
                                  c->next_line, c->nfields + 1);
            }
            char end = q < n ? b[q] : '\n';
            b[w] = '\0';
            if ((st = push_field(c, b + p, w - p))) return st;
            p = q + 1;
            if (end == '\n') {
                c->next_line++;
                break;
            }
            if (p >= n) { /* trailing comma at end of input: one more empty field */
                if ((st = push_field(c, b + n, 0))) return st;
                break;
            }
        } else {
            size_t q = p;
            while (q < n && b[q] != ',' && b[q] != '\n' && b[q] != '"') q++;
            if (!final && q + 1 >= n) goto under;
            if (q < n && b[q] == '"') {
                c->pos = n;
                return ncmi_error(NCM_ERR_PARSE, "%s:%zu:%zu: quote inside an unquoted field", c->name, c->next_line,
                                  c->nfields + 1);
            }
            size_t e = q;
            if (q < n && b[q] == '\n' && e > p && b[e - 1] == '\r') e--;
            else if (q >= n && e > p && b[e - 1] == '\r') e--;
            char end = q < n ? b[q] : '\n';
            b[e] = '\0';
            if ((st = push_field(c, b + p, e - p))) return st;
            p = q + 1;
            if (end == '\n') {
                c->next_line++;
                break;
            }
            if (p >= n) {
                if ((st = push_field(c, b + n, 0))) return st;
                break;
            }
        }
    }
    c->pos = p > n ? n : p;
    return NCM_OK;
under:
    c->nfields = 0;
    *under = 1;
    return NCM_OK;
}

ncm_status ncmi_csv_next(ncmi_csv *c, int *eof)
{
    int under = 0;
    if (!c->file) return tokenize(c, eof, 1, &under);
    for (;;) {
        size_t line = c->line, next_line = c->next_line;
        ncm_status st = tokenize(c, eof, c->at_eof, &under);
        if (st || !under) return st;
        /* The record runs past the window: restart it from a fresh read of the file. */
        under = 0;
        c->line = line;
        c->next_line = next_line;
        if ((st = refill(c, c->pos))) return st;
    }
}

ncm_status ncmi_csv_read_header(ncmi_csv *c)
{
    int eof;
    ncm_status st = ncmi_csv_next(c, &eof);
    if (st) return st;
    if (eof) return ncmi_error(NCM_ERR_PARSE, "%s:1:1: empty file (no header row)", c->name);
    c->header = ncmi_calloc(c->nfields, sizeof *c->header);
    if (!c->header) return ncmi_nomem("CSV header");
    c->nheader = c->nfields;
    for (size_t i = 0; i < c->nfields; i++) {
        c->header[i] = ncmi_strndup(c->fields[i].s, c->fields[i].len);
        if (!c->header[i]) return ncmi_nomem("CSV header");
        if (c->fields[i].len == 0)
            return ncmi_error(NCM_ERR_PARSE, "%s:%zu:%zu: empty column name in header", c->name, c->line, i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->header[j], c->header[i]) == 0)
                return ncmi_error(NCM_ERR_PARSE, "%s:%zu:%zu: column \"%s\" appears twice in the header (also column %zu)",
                                  c->name, c->line, i + 1, c->header[i], j + 1);
    }
    return NCM_OK;
}

long ncmi_csv_column(const ncmi_csv *c, const char *name)
{
    for (size_t i = 0; i < c->nheader; i++)
        if (strcmp(c->header[i], name) == 0) return (long)i;
    return -1;
}

ncm_status ncmi_csv_check_width(ncmi_csv *c)
{
    if (c->nfields == c->nheader) return NCM_OK;
    if (c->nfields < c->nheader)
        return ncmi_error(NCM_ERR_PARSE, "%s:%zu:%zu: ragged row: %zu fields, the header has %zu", c->name, c->line,
                          c->nfields + 1, c->nfields, c->nheader);
    return ncmi_error(NCM_ERR_PARSE, "%s:%zu:%zu: ragged row: %zu fields, the header has %zu", c->name, c->line,
                      c->nheader + 1, c->nfields, c->nheader);
}

void ncmi_csv_close(ncmi_csv *c)
{
    if (!c) return;
    if (c->file) fclose(c->file);
    ncmi_free(c->buf);
    ncmi_free(c->fields);
    if (c->header)
        for (size_t i = 0; i < c->nheader; i++) ncmi_free(c->header[i]);
    ncmi_free(c->header);
    memset(c, 0, sizeof *c);
}

ncm_status ncmi_csv_fail(const ncmi_csv *c, size_t col, ncm_status status, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *h = col < c->nheader ? c->header[col] : "?";
    return ncmi_error(status, "%s:%zu:%zu (%s): %s", c->name, c->line, col + 1, h, msg);
}

int ncmi_parse_i64(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (len == 0) return 1;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == len) return 1;
    uint64_t v = 0;
    for (; i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d > 9) return 1;
        if (v > (UINT64_C(9223372036854775807) - d) / 10) return 1;
        v = v * 10 + d;
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

int ncmi_parse_double(const char *s, size_t len, double *out)
{
    if (len == 0 || len > 64) return 1;
    /* fast path: [-]digits[.digits] with at most 15 significant digits is exact via one division */
    size_t i = 0;
    int neg = 0;
    if (s[0] == '-' || s[0] == '+') { neg = s[0] == '-'; i++; }
    uint64_t m = 0;
    int nd = 0, frac = 0, seen_dot = 0, any = 0;
    for (; i < len; i++) {
        char ch = s[i];
        if (ch >= '0' && ch <= '9') {
            any = 1;
            if (nd < 15) {
                m = m * 10 + (uint64_t)(ch - '0');
                if (m) nd++;
                if (seen_dot) frac++;
            } else {
                goto slow;
            }
        } else if (ch == '.' && !seen_dot) {
            seen_dot = 1;
        } else {
            goto slow;
        }
    }
    if (!any) return 1;
    {
        static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
        if (frac > 22) goto slow;
        double v = (double)m / p10[frac];
        *out = neg ? -v : v;
        return 0;
    }
slow: {
    char tmp[72];
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end != tmp + len || !isfinite(v) || tmp[0] == ' ' || tmp[0] == '\t') return 1;
    for (size_t k = 0; k < len; k++)
        if (tmp[k] == 'x' || tmp[k] == 'X' || tmp[k] == 'n' || tmp[k] == 'N' || tmp[k] == 'i' || tmp[k] == 'I') return 1;
    *out = v;
    return 0;
}
}
