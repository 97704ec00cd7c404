#include <stdio.h>

#include "cli.h"

const char ncm_cmd_version_help[] = "print the library version";

int ncm_cmd_version(int argc, char **argv)
{
    int r = cli_parse("version", "", NULL, 0, argc, argv);
    if (r) return r < 0 ? CLI_OK : r;
    printf("ncm %s (ABI %d)\n", ncm_version_string(), NCM_ABI_VERSION);
    return CLI_OK;
}
