#include "internal/csv.h"

#include <errno.h>
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
    c->max_records = nl + 1;
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

ncm_status ncmi_csv_open_file(ncmi_csv *c, const char *path)
{
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "rb");
    if (!f) return ncmi_error(NCM_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        long sz = ftell(f);
        if (sz > 0) cap = (size_t)sz + 1;
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

ncm_status ncmi_csv_next(ncmi_csv *c, int *eof)
{
    char *b = c->buf;
    size_t p = c->pos, n = c->len;
    c->nfields = 0;
    /* skip empty lines */
    while (p < n && (b[p] == '\n' || (b[p] == '\r' && p + 1 < n && b[p + 1] == '\n'))) {
        p += b[p] == '\r' ? 2 : 1;
        c->next_line++;
    }
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
                    c->pos = n;
                    return ncmi_error(NCM_ERR_PARSE, "%s:%zu:%zu: unterminated quoted field", c->name, open_line,
                                      c->nfields + 1);
                }
                if (b[q] == '"') {
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
