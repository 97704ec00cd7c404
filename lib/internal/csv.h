/* RFC 4180 CSV reader shared by every loader.
 *
 * The whole input is copied into one owned buffer; records are parsed in place and each field is
 * NUL-terminated there (quotes removed, "" unescaped), so field pointers are C strings valid until
 * the next ncmi_csv_next() call... and in fact until ncmi_csv_close(), since the buffer is never
 * moved. UTF-8 is validated up front (a UTF-8 byte-order mark is skipped). Completely empty lines
 * are skipped. CRLF and LF line ends are accepted.
 *
 * Streaming (ncmi_csv_open_stream, for large files): only a window of the file (NCMI_CSV_WINDOW
 * bytes by default, doubled when one record is longer) is in memory, and field pointers are valid
 * only until the next ncmi_csv_next() call: copy or intern what must outlive the record. Behaviour
 * and messages are those of the whole-buffer reader, with one duty for the caller: on any error,
 * pass the status through ncmi_csv_settle(), which reports invalid UTF-8 later in the file
 * instead (the whole-buffer reader finds it before parsing anything). max_records is 0 (unknown).
 *
 * Error messages have the form "NAME:LINE:COL: reason" where COL is the 1-based field (column)
 * number; use ncmi_csv_fail() to produce them with the header name of the column. */
#ifndef NCM_INTERNAL_CSV_H
#define NCM_INTERNAL_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "internal/common.h"

typedef struct ncmi_csv_field {
    char *s;      /* NUL-terminated field text */
    size_t len;
} ncmi_csv_field;

typedef struct ncmi_csv {
    char name[256];       /* file name used in messages */
    char *buf;            /* owned copy of the input, NUL-terminated */
    size_t len, pos;
    size_t line;          /* line where the current record starts (1-based) */
    size_t next_line;     /* line where the next record starts */
    ncmi_csv_field *fields;
    size_t nfields, cap;
    /* header, filled by ncmi_csv_read_header() */
    char **header;
    size_t nheader;
    /* number of '\n' bytes in the input + 1: an upper bound on the records (header included) */
    size_t max_records;
    /* streaming state (file is NULL for the whole-buffer reader) */
    FILE *file;
    uint64_t base;        /* file offset of buf[0] */
    uint64_t checked;     /* file offset up to which UTF-8 has been validated */
    size_t bufcap;        /* window size: bytes buf holds, besides its NUL */
    size_t bom;           /* 3 when the file starts with a UTF-8 byte-order mark */
    int at_eof;           /* buf reaches the end of the file */
    /* records expected (header included): max_records for the whole-buffer reader, an estimate
     * from the first window when streaming; for sizing arrays, not a bound */
    size_t est_records;
} ncmi_csv;

/* Default window of the streaming reader, in bytes. */
#define NCMI_CSV_WINDOW ((size_t)16 << 20)

/* Read a whole file. NCM_ERR_IO names the path and the system's reason; NCM_ERR_PARSE for invalid
 * UTF-8 (names line and column); NCM_ERR_NOMEM. On failure nothing needs closing. */
NCMI_HIDDEN ncm_status ncmi_csv_open_file(ncmi_csv *c, const char *path);
/* Same from memory; the buffer is copied. name is used in messages. */
NCMI_HIDDEN ncm_status ncmi_csv_open_buffer(ncmi_csv *c, const char *name, const char *buf, size_t len);
/* Open a file for streaming with a window of window bytes (at least 8; NCMI_CSV_WINDOW is a good
 * choice). Files no larger than the window, and files that cannot seek (pipes), are read whole as by
 * ncmi_csv_open_file. Errors as ncmi_csv_open_file (invalid UTF-8 only if in the first window). */
NCMI_HIDDEN ncm_status ncmi_csv_open_stream(ncmi_csv *c, const char *path, size_t window);
/* Call on every error path of a streamed read, with the error's status (NCM_OK is returned
 * unchanged): if the part of the file not yet read holds invalid UTF-8, that error replaces st
 * (message and status), as the whole-buffer reader would have reported it first. No-op for the
 * whole-buffer reader. Needs no allocation; the current record's fields become invalid. */
NCMI_HIDDEN ncm_status ncmi_csv_settle(ncmi_csv *c, ncm_status st);
/* Parse the next record. *eof = 1 (and nfields = 0) at the end. NCM_ERR_PARSE for an unterminated
 * quote or a character after a closing quote. */
NCMI_HIDDEN ncm_status ncmi_csv_next(ncmi_csv *c, int *eof);
/* Read the first record as the header (NCM_ERR_PARSE "empty file" if none; duplicate or empty
 * names are errors). */
NCMI_HIDDEN ncm_status ncmi_csv_read_header(ncmi_csv *c);
/* Index of a header name, or -1. */
NCMI_HIDDEN long ncmi_csv_column(const ncmi_csv *c, const char *name);
/* Check the current record has exactly nheader fields (ragged row error otherwise). */
NCMI_HIDDEN ncm_status ncmi_csv_check_width(ncmi_csv *c);
NCMI_HIDDEN void ncmi_csv_close(ncmi_csv *c);
/* Format "NAME:LINE:COL (header): message" for field index col (0-based) of the current record;
 * returns status. */
NCMI_HIDDEN ncm_status ncmi_csv_fail(const ncmi_csv *c, size_t col, ncm_status status, const char *fmt, ...) NCMI_PRINTF(4, 5);

/* Strict field parsers: the whole text must be the number; no spaces. Return 0 on success. */
NCMI_HIDDEN int ncmi_parse_i64(const char *s, size_t len, int64_t *out);
NCMI_HIDDEN int ncmi_parse_double(const char *s, size_t len, double *out); /* finite only */
/* Validate UTF-8; returns 0 if valid, else 1 and the offset of the first bad byte. */
NCMI_HIDDEN int ncmi_utf8_invalid(const char *s, size_t len, size_t *bad);

#endif
