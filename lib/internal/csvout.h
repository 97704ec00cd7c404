/* Writing CSV fields to a stdio stream, shared by the modules that write CSV (RFC 4180: a field is
 * quoted only when it holds a comma, a double quote, CR or LF; quotes are doubled). */
#ifndef NCM_INTERNAL_CSVOUT_H
#define NCM_INTERNAL_CSVOUT_H

#include <stdio.h>

#include "internal/common.h"
#include "ncm/money.h"

NCMI_HIDDEN void ncmi_csv_put_text(FILE *f, const char *s);
/* An amount with NCM_MONEY_DECIMALS places, e.g. "-1716875.00". */
NCMI_HIDDEN void ncmi_csv_put_money(FILE *f, ncm_money v);

#endif
