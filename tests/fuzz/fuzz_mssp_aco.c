/* Fuzz ncm_mssp_settle_csv (the ACO CSV) with the built-in tracks of every year (year 0). No crash or leak; the
 * output file is written only on success. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ncm_mssp_tracks *t;
    if (!t && ncm_mssp_tracks_builtin(0, &t) != NCM_OK) abort();
    char in[96], out[96];
    fuzz_path(in, sizeof in, "aco_in", "csv");
    fuzz_path(out, sizeof out, "aco_out", "csv");
    fuzz_write(in, data, size);
    remove(out);
    size_t rows = 12345;
    ncm_status st = ncm_mssp_settle_csv(t, 0, in, out, &rows);
    if (st != NCM_OK) {
        if (!*ncm_last_error()) abort();
        FILE *f = fopen(out, "rb");
        if (f) { fclose(f); fprintf(stderr, "output written on failure\n"); abort(); }
    }
    return 0;
}
