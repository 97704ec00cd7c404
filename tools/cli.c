#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "ncm %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try 'ncm %s --help')\n", cmd);
    return CLI_USAGE;
}

int cli_fail(const char *cmd, ncm_status status)
{
    const char *msg = ncm_last_error();
    fprintf(stderr, "ncm %s: %s\n", cmd, msg && *msg ? msg : ncm_strerror(status));
    return CLI_FAIL;
}

int cli_failf(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "ncm %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_FAIL;
}

int cli_parse(const char *cmd, const char *synopsis, const cli_option *opts, size_t nopts, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            printf("usage: ncm %s %s\n\noptions:\n", cmd, synopsis);
            for (size_t k = 0; k < nopts; k++) printf("  --%-16s %s\n", opts[k].name, opts[k].help);
            printf("  --%-16s %s\n", "help", "show this help and exit");
            return -1;
        }
        if (strncmp(a, "--", 2) != 0) return cli_usage(cmd, "unexpected argument '%s'", a);
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        const cli_option *o = NULL;
        for (size_t k = 0; k < nopts; k++)
            if (strlen(opts[k].name) == nlen && strncmp(opts[k].name, name, nlen) == 0) o = &opts[k];
        if (!o) return cli_usage(cmd, "unknown option '--%.*s'", (int)nlen, name);
        if (o->flag) {
            if (eq) return cli_usage(cmd, "option '--%s' takes no value", o->name);
            *o->flag = 1;
        } else if (eq) {
            *o->value = eq + 1;
        } else {
            if (i + 1 >= argc) return cli_usage(cmd, "option '--%s' needs a value", o->name);
            *o->value = argv[++i];
        }
    }
    return 0;
}

int cli_parse_double(const char *cmd, const char *opt, const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (!*text || *end || errno || !isfinite(v)) return cli_usage(cmd, "--%s: '%s' is not a finite number", opt, text);
    *out = v;
    return 0;
}

int cli_parse_u64(const char *cmd, const char *opt, const char *text, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!*text || *text == '-') return cli_usage(cmd, "--%s: '%s' is not a whole number >= 0", opt, text);
    unsigned long long v = strtoull(text, &end, 10);
    if (*end || errno) return cli_usage(cmd, "--%s: '%s' is not a whole number >= 0", opt, text);
    *out = v;
    return 0;
}

int cli_parse_money(const char *cmd, const char *opt, const char *text, ncm_money *out)
{
    if (ncm_money_parse(text, NCM_MONEY_DECIMALS, 0, out) != NCM_OK)
        return cli_usage(cmd, "--%s: %s", opt, ncm_last_error());
    return 0;
}
