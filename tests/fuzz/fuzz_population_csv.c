/* Fuzz the population CSV reader: the input is split at the first 0x00 byte (or '|' if none)
 * into people.csv and diagnoses.csv text. No crash, no leak; on success the table is written back
 * and read again, which must succeed and give the same number of people and diagnoses; on failure
 * the out-parameter is unchanged and there is a message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *cut = memchr(s, '\0', size);
    if (!cut) cut = memchr(s, '|', size);
    size_t pl = cut ? (size_t)(cut - s) : size;
    const char *dx = cut ? cut + 1 : NULL;
    size_t dl = cut ? size - pl - 1 : 0;
    ncm_population *sentinel = FUZZ_SENTINEL, *p = sentinel;
    ncm_status st = ncm_population_read_csv_buffer(s, pl, "people.csv", dx, dl, "diagnoses.csv", NULL, &p);
    if (st != NCM_OK) {
        if (p != sentinel || !*ncm_last_error()) abort();
        return 0;
    }
    char pp[64], dp[64];
    fuzz_path(pp, sizeof pp, "p", "csv");
    fuzz_path(dp, sizeof dp, "d", "csv");
    if (ncm_population_write_csv(p, pp, dp) != NCM_OK) abort();
    ncm_population *q = NULL;
    if (ncm_population_read_csv(pp, dp, NULL, &q) != NCM_OK) abort();
    size_t n = ncm_population_size(p);
    if (ncm_population_size(q) != n || ncm_population_dx_offsets(q)[n] != ncm_population_dx_offsets(p)[n]) abort();
    ncm_population_free(p);
    ncm_population_free(q);
    remove(pp);
    remove(dp);
    return 0;
}
