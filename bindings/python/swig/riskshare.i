/*
 * swig/riskshare.i: riskshare.h.
 *
 * The opaque ncm_riskshare becomes RiskShareHandle. Factories (built-in names, JSON files, JSON
 * text) return the handle; apply() returns (provider, commissioner); the bulk and explain calls take
 * caller-allocated int64 buffers. The Pythonic face is ncm/riskshare.py.
 */

NCMPY_OUT_SCALAR(ncm_money, provider, PyLong_FromLongLong)
NCMPY_OUT_SCALAR(ncm_money, commissioner, PyLong_FromLongLong)

%ignore ncm_riskshare_options;
%ignore ncm_riskshare_options_init;
%ignore ncm_riskshare_get_options;
%ignore ncm_riskshare_create;
%ignore ncm_riskshare_band;
%ignore ncm_riskshare_explain;
%ignore ncm_riskshare_apply_bulk;
%ignore ncm_riskshare_free;
%rename(RiskShareHandle) ncm_riskshare;
%nodefaultctor ncm_riskshare;
struct ncm_riskshare {};
%extend ncm_riskshare {
    ~ncm_riskshare() { ncm_riskshare_free($self); }
}
NCMPY_OUT_HANDLE(ncm_riskshare)
%apply (const char *IN_BYTES, size_t IN_NBYTES) { (const char *text, size_t len) };
%include "ncm/riskshare.h"
%clear (const char *text, size_t len);

%apply (const int64_t *IN_ARRAY, size_t IN_N) { (const ncm_money *rs_base, size_t n_base) };
%apply (const int64_t *IN_ARRAY, size_t IN_N) { (const ncm_money *rs_actual, size_t n_actual) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *rs_provider, size_t n_provider) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *rs_commissioner, size_t n_commissioner) };
%apply (int32_t *OUT_ARRAY, size_t OUT_N) { (int32_t *band_side, size_t n_side) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *band_lower, size_t n_lower) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *band_upper, size_t n_upper) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *band_share, size_t n_share) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *band_variance_out, size_t n_bv) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *band_provider_out, size_t n_bp) };
NCMPY_OUT_SCALAR(ncm_money, limit_adjustment, PyLong_FromLongLong)

%feature("docstring") ncmpy_riskshare_apply_bulk
"ncmpy_riskshare_apply_bulk(rs, base, actual, provider, commissioner) -> None

Split n variances at once: base and actual are int64 buffers (minor units), provider and
commissioner writable int64 buffers of the same length.";
%feature("docstring") ncmpy_riskshare_bands
"ncmpy_riskshare_bands(rs, side, lower, upper, share) -> None

Copy the bands into caller buffers (int32 side, float64 edges and shares) of band_count entries.";
%inline %{
ncm_status ncmpy_riskshare_apply_bulk(const ncm_riskshare *rs, const ncm_money *rs_base, size_t n_base,
                                      const ncm_money *rs_actual, size_t n_actual, ncm_money *rs_provider,
                                      size_t n_provider, ncm_money *rs_commissioner, size_t n_commissioner)
{
    if (n_actual != n_base || n_provider != n_base || n_commissioner != n_base) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_riskshare_apply_bulk: base has %zu rows, actual %zu, provider %zu, commissioner %zu",
                   n_base, n_actual, n_provider, n_commissioner);
        return NCM_ERR_INVALID;
    }
    return ncm_riskshare_apply_bulk(rs, n_base, rs_base, rs_actual, rs_provider, rs_commissioner);
}

ncm_status ncmpy_riskshare_bands(const ncm_riskshare *rs, int32_t *band_side, size_t n_side, double *band_lower,
                                 size_t n_lower, double *band_upper, size_t n_upper, double *band_share, size_t n_share)
{
    size_t n = ncm_riskshare_band_count(rs);
    if (n_side < n || n_lower < n || n_upper < n || n_share < n) {
        ncmpy_fail(NCM_ERR_BUFFER, "ncm_riskshare_bands: %zu bands need arrays of at least %zu", n, n);
        return NCM_ERR_BUFFER;
    }
    for (size_t i = 0; i < n; i++) {
        int side = 0;
        ncm_status st = ncm_riskshare_band(rs, i, &side, &band_lower[i], &band_upper[i], &band_share[i]);
        if (st != NCM_OK) return st;
        band_side[i] = side;
    }
    return NCM_OK;
}

ncm_status ncmpy_riskshare_explain(const ncm_riskshare *rs, ncm_money base, ncm_money actual,
                                   ncm_money *band_variance_out, size_t n_bv, ncm_money *band_provider_out,
                                   size_t n_bp, ncm_money *limit_adjustment)
{
    if (n_bp != n_bv) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_riskshare_explain: arrays of %zu and %zu entries", n_bv, n_bp);
        return NCM_ERR_INVALID;
    }
    return ncm_riskshare_explain(rs, base, actual, band_variance_out, band_provider_out, n_bv, limit_adjustment, NULL,
                                 NULL);
}
%}
