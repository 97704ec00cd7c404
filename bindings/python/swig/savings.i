/*
 * swig/savings.i: savings.h (MSSP shared savings).
 *
 * The opaque track table becomes MsspTracksHandle. ncm_mssp_settle is replaced by a helper that takes
 * one buffer per column and checks their lengths; the Pythonic face is ncm/savings.py (mssp_settle).
 */

NCMPY_OUT_SCALAR(double, msr, PyFloat_FromDouble)
NCMPY_OUT_SCALAR(size_t, rows, PyLong_FromSize_t)

%ignore ncm_mssp_track_params;
%ignore ncm_mssp_tracks_create;
%ignore ncm_mssp_tracks_get;
%ignore ncm_mssp_tracks_lookup;
%ignore ncm_mssp_settle;
%ignore ncm_mssp_tracks_free;
%rename(MsspTracksHandle) ncm_mssp_tracks;
%nodefaultctor ncm_mssp_tracks;
struct ncm_mssp_tracks {};
%extend ncm_mssp_tracks {
    ~ncm_mssp_tracks() { ncm_mssp_tracks_free($self); }
}
NCMPY_OUT_HANDLE(ncm_mssp_tracks)
%include "ncm/savings.h"

%apply (const char *const *IN_STRINGS, size_t IN_NSTR) { (const char *const *m_names, size_t m_n) };
%apply (uint32_t *OUT_ARRAY, size_t OUT_N) { (uint32_t *m_index, size_t m_nindex) };
%apply (const uint32_t *IN_ARRAY, size_t IN_N) { (const uint32_t *m_track, size_t m_n) };
%apply (const int64_t *IN_ARRAY, size_t IN_N) { (const int64_t *m_benef, size_t n1) };
%apply (const int64_t *IN_ARRAY, size_t IN_N) { (const ncm_money *m_bench, size_t n2) };
%apply (const int64_t *IN_ARRAY, size_t IN_N) { (const ncm_money *m_exp, size_t n3) };
%apply (const uint8_t *IN_ARRAY, size_t IN_N) { (const uint8_t *m_met, size_t n4) };
%apply (const double *IN_ARRAY, size_t IN_N) { (const double *m_q, size_t n5) };
%apply (const uint8_t *IN_ARRAY_OPT, size_t IN_N_OPT) { (const uint8_t *m_alt, size_t n6) };
%apply (const double *IN_ARRAY_OPT, size_t IN_N_OPT) { (const double *m_msr, size_t n7) };
%apply (const int64_t *IN_ARRAY_OPT, size_t IN_N_OPT) { (const ncm_money *m_rev, size_t n8) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *o_rate, size_t o1) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *o_msr, size_t o2) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *o_gen, size_t o3) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *o_share, size_t o4) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *o_earned, size_t o5) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *p_out, size_t p_n) };

%feature("docstring") ncmpy_mssp_tracks_lookup
"ncmpy_mssp_tracks_lookup(tracks, year, names, index) -> None

Row indices of track names (a sequence of str) for one year into a writable uint32 buffer.";
%feature("docstring") ncmpy_mssp_settle
"ncmpy_mssp_settle(tracks, track, beneficiaries, benchmark, expenditure, quality_met, quality_score,
                  alt_quality_met, msr, revenue, savings_rate, msr_used, generated, sharing_rate, earned) -> None

ncm_mssp_settle over columns: uint32 track, int64 beneficiaries, int64 benchmark and expenditure
(cents), uint8 quality_met, float64 quality_score, then optional (None) uint8 alt_quality_met,
float64 msr, int64 revenue; outputs are writable buffers of the same length.";
%feature("docstring") ncmpy_mssp_track_params
"ncmpy_mssp_track_params(tracks, i, out) -> None

Row i of the table as 15 numbers in a float64 buffer: year, share_rate, quality_rule, savings_cap,
loss_rule, loss_rate, loss_quality_factor, loss_rate_min, loss_rate_max, loss_cap_benchmark,
loss_cap_revenue, msr_rule, sequestration, sequester_before_cap, version.";
%inline %{
ncm_status ncmpy_mssp_tracks_lookup(const ncm_mssp_tracks *t, int year, const char *const *m_names, size_t m_n,
                                    uint32_t *m_index, size_t m_nindex)
{
    if (m_nindex != m_n) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_mssp_tracks_lookup: %zu names but %zu index slots", m_n, m_nindex);
        return NCM_ERR_INVALID;
    }
    return ncm_mssp_tracks_lookup(t, year, m_n, m_names, m_index);
}

const char *ncmpy_mssp_track_name(const ncm_mssp_tracks *t, size_t i)
{
    ncm_mssp_track_params p;
    if (ncm_mssp_tracks_get(t, i, &p) != NCM_OK) return NULL;
    return p.name;
}

ncm_status ncmpy_mssp_track_params(const ncm_mssp_tracks *t, size_t i, double *p_out, size_t p_n)
{
    ncm_mssp_track_params p;
    if (p_n < 15) {
        ncmpy_fail(NCM_ERR_BUFFER, "ncm_mssp_track_params: out needs 15 entries, has %zu", p_n);
        return NCM_ERR_BUFFER;
    }
    ncm_status st = ncm_mssp_tracks_get(t, i, &p);
    if (st != NCM_OK) return st;
    const double v[15] = {p.year, p.share_rate, p.quality_rule, p.savings_cap, p.loss_rule, p.loss_rate,
                          p.loss_quality_factor, p.loss_rate_min, p.loss_rate_max, p.loss_cap_benchmark,
                          p.loss_cap_revenue, p.msr_rule, p.sequestration, p.sequester_before_cap, p.version};
    memcpy(p_out, v, sizeof v);
    return NCM_OK;
}

ncm_status ncmpy_mssp_settle(const ncm_mssp_tracks *t, const uint32_t *m_track, size_t m_n, const int64_t *m_benef,
                             size_t n1, const ncm_money *m_bench, size_t n2, const ncm_money *m_exp, size_t n3,
                             const uint8_t *m_met, size_t n4, const double *m_q, size_t n5, const uint8_t *m_alt,
                             size_t n6, const double *m_msr, size_t n7, const ncm_money *m_rev, size_t n8,
                             double *o_rate, size_t o1, double *o_msr, size_t o2, ncm_money *o_gen, size_t o3,
                             double *o_share, size_t o4, ncm_money *o_earned, size_t o5)
{
    const size_t lens[12] = {n1, n2, n3, n4, n5, m_alt ? n6 : m_n, m_msr ? n7 : m_n, m_rev ? n8 : m_n, o1, o2, o3, o4};
    const char *names[12] = {"beneficiaries", "benchmark", "expenditure", "quality_met", "quality_score",
                             "alt_quality_met", "msr", "revenue", "savings_rate", "msr_used", "generated",
                             "sharing_rate"};
    for (int k = 0; k < 12; k++)
        if (lens[k] != m_n) {
            ncmpy_fail(NCM_ERR_INVALID, "ncm_mssp_settle: %s has %zu rows, track has %zu", names[k], lens[k], m_n);
            return NCM_ERR_INVALID;
        }
    if (o5 != m_n) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_mssp_settle: earned has %zu rows, track has %zu", o5, m_n);
        return NCM_ERR_INVALID;
    }
    return ncm_mssp_settle(t, m_n, m_track, m_benef, m_bench, m_exp, m_met, m_q, m_alt, m_msr, m_rev, o_rate, o_msr,
                           o_gen, o_share, o_earned);
}
%}
