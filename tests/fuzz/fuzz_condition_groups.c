/* Fuzz ncm_condition_groups_read_csv; a table that loads is written, read back and written again:
 * both files must be byte-identical. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char p0[96], p1[96], p2[96];
    fuzz_path(p0, sizeof p0, "cg0", "csv");
    fuzz_path(p1, sizeof p1, "cg1", "csv");
    fuzz_path(p2, sizeof p2, "cg2", "csv");
    fuzz_write(p0, data, size);
    ncm_condition_groups *g = FUZZ_SENTINEL;
    ncm_status st = ncm_condition_groups_read_csv(p0, &g);
    FUZZ_CHECK_FAILED(st, g);
    if (st != NCM_OK) return 0;
    if (ncm_condition_groups_write_csv(g, p1) != NCM_OK) abort();
    ncm_condition_groups *h = NULL;
    if (ncm_condition_groups_read_csv(p1, &h) != NCM_OK) { fprintf(stderr, "%s\n", ncm_last_error()); abort(); }
    if (ncm_condition_groups_count(h) != ncm_condition_groups_count(g)) abort();
    if (ncm_condition_groups_write_csv(h, p2) != NCM_OK) abort();
    fuzz_same_file(p1, p2);
    ncm_condition_groups_free(g);
    ncm_condition_groups_free(h);
    return 0;
}
