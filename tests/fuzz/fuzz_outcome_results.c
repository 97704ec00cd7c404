/* Fuzz ncm_outcome_score_csv (measure results CSV) against the fixture framework
 * tests/data/outcome/framework.json. No crash or leak; on failure the result is untouched. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ncm_outcome_framework *fw;
    if (!fw && ncm_outcome_framework_load_json(NCM_SOURCE_DIR "/tests/data/outcome/framework.json", &fw) != NCM_OK)
        abort();
    char p[96];
    fuzz_path(p, sizeof p, "or", "csv");
    fuzz_write(p, data, size);
    ncm_outcome_result *r = FUZZ_SENTINEL;
    ncm_status st = ncm_outcome_score_csv(fw, p, &r);
    FUZZ_CHECK_FAILED(st, r);
    if (st != NCM_OK) return 0;
    double total = 0;
    int gate = 0;
    if (ncm_outcome_result_total(r, &total, &gate) != NCM_OK) abort();
    /* documented: 0 to 100, or NaN when no measure has data */
    if (total == total && (total < 0 || total > 100.0 + 1e-9)) abort();
    ncm_outcome_result_free(r);
    return 0;
}
