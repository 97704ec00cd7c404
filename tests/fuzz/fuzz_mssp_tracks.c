/* Fuzz ncm_mssp_tracks_load_csv; a table that loads is written, read back and written again: both
 * files must be byte-identical. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char p0[96], p1[96], p2[96];
    fuzz_path(p0, sizeof p0, "mt0", "csv");
    fuzz_path(p1, sizeof p1, "mt1", "csv");
    fuzz_path(p2, sizeof p2, "mt2", "csv");
    fuzz_write(p0, data, size);
    ncm_mssp_tracks *t = FUZZ_SENTINEL;
    ncm_status st = ncm_mssp_tracks_load_csv(p0, &t);
    FUZZ_CHECK_FAILED(st, t);
    if (st != NCM_OK) return 0;
    if (ncm_mssp_tracks_write_csv(t, p1) != NCM_OK) abort();
    ncm_mssp_tracks *u = NULL;
    if (ncm_mssp_tracks_load_csv(p1, &u) != NCM_OK) { fprintf(stderr, "%s\n", ncm_last_error()); abort(); }
    if (ncm_mssp_tracks_count(u) != ncm_mssp_tracks_count(t)) abort();
    if (ncm_mssp_tracks_write_csv(u, p2) != NCM_OK) abort();
    fuzz_same_file(p1, p2);
    ncm_mssp_tracks_free(t);
    ncm_mssp_tracks_free(u);
    return 0;
}
