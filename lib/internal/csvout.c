#include "internal/csvout.h"

#include <string.h>

void ncmi_csv_put_text(FILE *f, const char *s)
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

void ncmi_csv_put_money(FILE *f, ncm_money v)
{
    char buf[48];
    ncm_money_format(v, NCM_MONEY_DECIMALS, 0, buf, sizeof buf);
    fputs(buf, f);
}
