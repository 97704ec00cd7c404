/* Fuzz ncm_riskshare_load_json_buffer; a schedule that loads is written, loaded from the file and
 * written again: both files must be byte-identical. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ncm_riskshare *r = FUZZ_SENTINEL;
    ncm_status st = ncm_riskshare_load_json_buffer((const char *)data, size, "fuzz.json", &r);
    FUZZ_CHECK_FAILED(st, r);
    if (st != NCM_OK) return 0;
    char p1[96], p2[96];
    fuzz_path(p1, sizeof p1, "rs1", "json");
    fuzz_path(p2, sizeof p2, "rs2", "json");
    if (ncm_riskshare_write_json(r, p1) != NCM_OK) abort();
    ncm_riskshare *q = NULL;
    if (ncm_riskshare_load_json(p1, &q) != NCM_OK) { fprintf(stderr, "%s\n", ncm_last_error()); abort(); }
    if (ncm_riskshare_write_json(q, p2) != NCM_OK) abort();
    fuzz_same_file(p1, p2);
    ncm_riskshare_free(r);
    ncm_riskshare_free(q);
    return 0;
}
