/* Small CSV table reader for the capitation subcommands (fair-shares, pace, capitate). Public API only.
 * Reads a whole file: header row, RFC 4180 quoting, CRLF or LF, empty lines skipped. Errors are printed
 * as "ncm CMD: FILE:LINE:COL (NAME): reason" and the functions return CLI_FAIL. */
#ifndef NCM_TOOLS_CAP_CSV_H
#define NCM_TOOLS_CAP_CSV_H

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct cap_table {
    const char *path;
    char *buf;
    size_t ncols, nrows;
    char **cell;   /* (nrows + 1) x ncols, row 0 = header */
    size_t *line;  /* line number of each row (row 0 = header) */
} cap_table;

static inline void cap_table_free(cap_table *t)
{
    free(t->buf);
    free(t->cell);
    free(t->line);
    memset(t, 0, sizeof *t);
}

static inline int cap_table_read(const char *cmd, const char *path, cap_table *t)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    FILE *f = fopen(path, "rb");
    if (!f) return cli_failf(cmd, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) break;
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (len + 1 < cap) break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    if (!buf) return cli_failf(cmd, "%s: out of memory", path);
    buf[len] = '\0';
    t->buf = buf;
    size_t rows_cap = 64, cells_cap = 256, ncells = 0, nrows = 0, line = 1, width = 0;
    char **cell = malloc(cells_cap * sizeof *cell);
    size_t *lines = malloc(rows_cap * sizeof *lines);
    char *p = buf, *end = buf + len;
    if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF) p += 3;
    while (cell && lines && p < end) {
        if (*p == '\n' || *p == '\r') { /* empty line */
            if (*p == '\r' && p + 1 < end && p[1] == '\n') p++;
            p++;
            line++;
            continue;
        }
        size_t row_line = line, nf = 0;
        for (;;) {
            char *out = p, *start = p;
            if (*p == '"') {
                p++;
                for (;;) {
                    if (p >= end) {
                        free(cell);
                        free(lines);
                        cap_table_free(t);
                        return cli_failf(cmd, "%s:%zu:%zu: unterminated quoted field", path, row_line, nf + 1);
                    }
                    if (*p == '"') {
                        if (p + 1 < end && p[1] == '"') {
                            *out++ = '"';
                            p += 2;
                            continue;
                        }
                        p++;
                        break;
                    }
                    if (*p == '\n') line++;
                    *out++ = *p++;
                }
            } else {
                while (p < end && *p != ',' && *p != '\n' && *p != '\r') *out++ = *p++;
            }
            char sep = p < end ? *p : '\n';
            if (sep != ',' && sep != '\n' && sep != '\r') {
                free(cell);
                free(lines);
                cap_table_free(t);
                return cli_failf(cmd, "%s:%zu:%zu: character after a closing quote", path, row_line, nf + 1);
            }
            if (ncells == cells_cap) {
                cells_cap *= 2;
                char **nc = realloc(cell, cells_cap * sizeof *cell);
                if (!nc) {
                    free(cell);
                    cell = NULL;
                    break;
                }
                cell = nc;
            }
            cell[ncells++] = start;
            nf++;
            if (p < end) p++;
            *out = '\0';
            if (sep == '\r' && p < end && *p == '\n') p++;
            if (sep != ',') {
                line++;
                break;
            }
        }
        if (!cell) break;
        if (nrows == 0) width = nf;
        else if (nf != width) {
            free(cell);
            free(lines);
            cap_table_free(t);
            return cli_failf(cmd, "%s:%zu: %zu fields, the header has %zu", path, row_line, nf, width);
        }
        if (nrows == rows_cap) {
            rows_cap *= 2;
            size_t *nl = realloc(lines, rows_cap * sizeof *lines);
            if (!nl) {
                free(lines);
                lines = NULL;
                break;
            }
            lines = nl;
        }
        lines[nrows++] = row_line;
    }
    if (!cell || !lines) {
        free(cell);
        free(lines);
        cap_table_free(t);
        return cli_failf(cmd, "%s: out of memory", path);
    }
    if (nrows == 0) {
        free(cell);
        free(lines);
        cap_table_free(t);
        return cli_failf(cmd, "%s:1: empty file (a header row is needed)", path);
    }
    t->cell = cell;
    t->line = lines;
    t->ncols = width;
    t->nrows = nrows - 1;
    return 0;
}

static inline const char *cap_cell(const cap_table *t, size_t row, size_t col) { return t->cell[(row + 1) * t->ncols + col]; }

static inline long cap_col(const cap_table *t, const char *name)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->cell[c], name) == 0) return (long)c;
    return -1;
}

static inline int cap_need_col(const char *cmd, const cap_table *t, const char *name, size_t *col)
{
    long c = cap_col(t, name);
    if (c < 0) return cli_failf(cmd, "%s:%zu: no column '%s' in the header", t->path, t->line[0], name);
    *col = (size_t)c;
    return 0;
}

static inline int cap_number(const char *cmd, const cap_table *t, size_t row, size_t col, double *out)
{
    const char *s = cap_cell(t, row, col);
    char *e;
    errno = 0;
    double v = strtod(s, &e);
    if (!*s || *e || errno || !isfinite(v) || *s == ' ')
        return cli_failf(cmd, "%s:%zu:%zu (%s): \"%s\" is not a finite number", t->path, t->line[row + 1], col + 1,
                         t->cell[col], s);
    if (v < 0)
        return cli_failf(cmd, "%s:%zu:%zu (%s): %s is negative", t->path, t->line[row + 1], col + 1, t->cell[col], s);
    *out = v;
    return 0;
}

static inline int cap_money(const char *cmd, const cap_table *t, size_t row, size_t col, ncm_money *out)
{
    const char *s = cap_cell(t, row, col);
    if (ncm_money_parse(s, NCM_MONEY_DECIMALS, 0, out) != NCM_OK)
        return cli_failf(cmd, "%s:%zu:%zu (%s): %s", t->path, t->line[row + 1], col + 1, t->cell[col], ncm_last_error());
    if (*out < 0)
        return cli_failf(cmd, "%s:%zu:%zu (%s): %s is negative", t->path, t->line[row + 1], col + 1, t->cell[col], s);
    return 0;
}

static inline void cap_put_str(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static inline void cap_put_money(FILE *f, ncm_money v)
{
    char b[48];
    ncm_money_format(v, NCM_MONEY_DECIMALS, 0, b, sizeof b);
    fputs(b, f);
}

typedef struct cap_name_row {
    const char *name;
    size_t row;
} cap_name_row;

static inline int cap_name_cmp(const void *pa, const void *pb)
{
    const cap_name_row *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

/* Fail if a value of column col appears twice (names the line of the second). */
static inline int cap_check_unique(const char *cmd, const cap_table *t, size_t col)
{
    if (t->nrows < 2) return 0;
    cap_name_row *k = malloc(t->nrows * sizeof *k);
    if (!k) return cli_failf(cmd, "out of memory");
    for (size_t i = 0; i < t->nrows; i++) {
        k[i].name = cap_cell(t, i, col);
        k[i].row = i;
    }
    qsort(k, t->nrows, sizeof *k, cap_name_cmp);
    int r = 0;
    for (size_t i = 1; i < t->nrows && !r; i++)
        if (strcmp(k[i].name, k[i - 1].name) == 0)
            r = cli_failf(cmd, "%s:%zu:%zu (%s): '%s' appears twice (first on line %zu)", t->path, t->line[k[i].row + 1],
                          col + 1, t->cell[col], k[i].name, t->line[k[i - 1].row + 1]);
    free(k);
    return r;
}

/* Open --out (NULL or "-" = stdout). */
static inline FILE *cap_open_out(const char *cmd, const char *path)
{
    if (!path || strcmp(path, "-") == 0) return stdout;
    FILE *f = fopen(path, "wb");
    if (!f) cli_failf(cmd, "%s: cannot create: %s", path, strerror(errno));
    return f;
}

static inline int cap_close_out(const char *cmd, const char *path, FILE *f)
{
    int bad = ferror(f);
    if (f == stdout) return fflush(f) != 0 || bad ? cli_failf(cmd, "stdout: write failed") : 0;
    if (fclose(f) != 0 || bad) return cli_failf(cmd, "%s: write failed", path);
    return 0;
}

#endif
