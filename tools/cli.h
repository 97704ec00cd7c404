/* Shared helpers for ncm subcommands: option parsing, errors and exit codes.
 * Exit codes: 0 success, 1 failure (bad input, I/O), 2 usage error. Errors go to stderr in one line. */
#ifndef NCM_TOOLS_CLI_H
#define NCM_TOOLS_CLI_H

#include <stddef.h>

#include "ncm/ncm.h"

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

/* One option of a subcommand. For an option with a value, *value receives it; for a flag, *flag = 1. */
typedef struct cli_option {
    const char *name;   /* without the leading "--" */
    const char **value; /* NULL for a flag */
    int *flag;          /* NULL for an option with a value */
    const char *help;   /* e.g. "FILE  people.csv to read (required)" */
} cli_option;

/* Parse argv[1..] (argv[0] is the subcommand). Returns -1 if --help was printed (exit 0), CLI_USAGE on
 * an unknown option or missing value (message printed), 0 otherwise. Positional arguments are refused. */
int cli_parse(const char *cmd, const char *synopsis, const cli_option *opts, size_t nopts, int argc, char **argv);
/* Print "ncm CMD: message" and a hint to stderr; returns CLI_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Print "ncm CMD: <ncm_last_error()>" to stderr; returns CLI_FAIL. */
int cli_fail(const char *cmd, ncm_status status);
/* Print "ncm CMD: message" to stderr; returns CLI_FAIL. */
int cli_failf(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Strict number parsers for option values; on error print a usage message and return CLI_USAGE. */
int cli_parse_double(const char *cmd, const char *opt, const char *text, double *out);
int cli_parse_u64(const char *cmd, const char *opt, const char *text, unsigned long long *out);
int cli_parse_money(const char *cmd, const char *opt, const char *text, ncm_money *out);

#endif
