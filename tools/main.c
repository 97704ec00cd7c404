/* ncm: command-line front end to libncm. A client of the public API only. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define NCM_COMMAND(sym, cli) int ncm_cmd_##sym(int argc, char **argv); extern const char ncm_cmd_##sym##_help[];
#include "commands.def"
#undef NCM_COMMAND

typedef struct {
    const char *name;
    int (*run)(int, char **);
    const char *help;
} command;

static const command commands[] = {
#define NCM_COMMAND(sym, cli) {cli, ncm_cmd_##sym, ncm_cmd_##sym##_help},
#include "commands.def"
#undef NCM_COMMAND
};

static void usage(FILE *f)
{
    fprintf(f, "usage: ncm COMMAND [OPTIONS]\n\nncm %s: the money side of new care models.\n\ncommands:\n",
            ncm_version_string());
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\n'ncm COMMAND --help' describes a command. Exit status: 0 ok, 1 failure, 2 usage error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) argv[1] = (char *)"version";
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "ncm: unknown command '%s' (try 'ncm --help')\n", argv[1]);
    return CLI_USAGE;
}
