/* Small CSV table reader shared by the subcommands (capitate, fair-shares, pace, segment). Public API only.
 * Reads a whole file: header row, RFC 4180 quoting, CRLF or LF, empty lines skipped. Errors are printed
 * as "ncm CMD: FILE:LINE:COL (NAME): reason" and the functions return CLI_FAIL. */
#ifndef NCM_TOOLS_TABLE_H
#define NCM_TOOLS_TABLE_H

#include <stdio.h>

#include "cli.h"

typedef struct tbl {
    const char *path;
    char *buf;
    size_t ncols, nrows;
    char **cell;   /* (nrows + 1) x ncols, row 0 = header */
    size_t *line;  /* line number of each row (row 0 = header) */
} tbl;

void tbl_free(tbl *t);
int tbl_read(const char *cmd, const char *path, tbl *t);
/* Cell of data row `row` (0-based, header excluded). */
const char *tbl_cell(const tbl *t, size_t row, size_t col);
/* Index of a header name, or -1. */
long tbl_col(const tbl *t, const char *name);
int tbl_need_col(const char *cmd, const tbl *t, const char *name, size_t *col);
int tbl_number(const char *cmd, const tbl *t, size_t row, size_t col, double *out);
int tbl_money(const char *cmd, const tbl *t, size_t row, size_t col, ncm_money *out);
void tbl_put_str(FILE *f, const char *s);
void tbl_put_money(FILE *f, ncm_money v);
/* Fail if a value of column col appears twice (names the line of the second). */
int tbl_check_unique(const char *cmd, const tbl *t, size_t col);
/* Open --out (NULL or "-" = stdout). */
FILE *tbl_open_out(const char *cmd, const char *path);
int tbl_close_out(const char *cmd, const char *path, FILE *f);
/* Read scores.csv (person_id plus a score column: `column`, or by default payment_score, else score, so
 * that `ncm risk` output can be given directly) into one score per person of pop, in row order. Every
 * person needs exactly one score. */
int tbl_read_scores(const char *cmd, const char *path, const char *column, const ncm_population *pop, double *scores);

#endif
