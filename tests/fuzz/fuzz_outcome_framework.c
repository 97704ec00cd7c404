/* Fuzz ncm_outcome_framework_load_json_buffer; a framework that loads is written, loaded from the
 * file and written again: both files must be byte-identical. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ncm_outcome_framework *f = FUZZ_SENTINEL;
    ncm_status st = ncm_outcome_framework_load_json_buffer((const char *)data, size, "fuzz.json", &f);
    FUZZ_CHECK_FAILED(st, f);
    if (st != NCM_OK) return 0;
    char p1[96], p2[96];
    fuzz_path(p1, sizeof p1, "of1", "json");
    fuzz_path(p2, sizeof p2, "of2", "json");
    if (ncm_outcome_framework_write_json(f, p1) != NCM_OK) abort();
    ncm_outcome_framework *g = NULL;
    if (ncm_outcome_framework_load_json(p1, &g) != NCM_OK) { fprintf(stderr, "%s\n", ncm_last_error()); abort(); }
    if (ncm_outcome_framework_write_json(g, p2) != NCM_OK) abort();
    fuzz_same_file(p1, p2);
    ncm_outcome_framework_free(f);
    ncm_outcome_framework_free(g);
    return 0;
}
