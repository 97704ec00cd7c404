/* Fuzz ncm_money_parse / ncm_money_format: anything parsed must format back to text that parses to
 * the same amount, and arithmetic on it must never wrap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ncm/ncm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64) return 0;
    char s[72];
    unsigned flags = data[0] & 3u, decimals = (data[0] >> 2) % 10u;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    ncm_money v;
    if (ncm_money_parse(s, decimals, flags, &v) != NCM_OK) return 0;
    char buf[48], buf2[48];
    if (ncm_money_format(v, decimals, flags & NCM_MONEY_GROUPING, buf, sizeof buf) != NCM_OK) abort();
    ncm_money w;
    if (ncm_money_parse(buf, decimals, flags & NCM_MONEY_GROUPING, &w) != NCM_OK || w != v) abort();
    if (ncm_money_format(w, decimals, flags & NCM_MONEY_GROUPING, buf2, sizeof buf2) != NCM_OK || strcmp(buf, buf2)) abort();
    ncm_money r;
    if (ncm_money_add(v, v, &r) == NCM_OK && r / 2 != v) abort();
    double wts[3] = {1.0, (double)(data[0] % 7), 0.5};
    ncm_money parts[3];
    if (ncm_money_split(v, wts, 3, parts) == NCM_OK && parts[0] + parts[1] + parts[2] != v) abort();
    return 0;
}
