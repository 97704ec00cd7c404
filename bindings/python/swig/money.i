/*
 * swig/money.i: money.h. Scalar functions map one to one (out-parameters become return values,
 * statuses become exceptions); ncm_money_split takes its weights and the caller's output array
 * through the buffer typemaps of core.i.
 */

NCMPY_OUT_SCALAR(ncm_money, out, PyLong_FromLongLong)

/* ncm_money_format: the caller's (buf, cap) becomes the returned str. */
%typemap(in, numinputs=0) (char *buf, size_t cap) (char tmp[64]) {
    tmp[0] = '\0';
    $1 = tmp;
    $2 = sizeof tmp;
}
%typemap(argout) (char *buf, size_t cap) {
    $result = SWIG_Python_AppendOutput($result, PyUnicode_FromString($1));
}

/* ncm_money_split(total, weights, n, out): replaced by a wrapper whose output array is passed in
 * (a writable int64 buffer with as many entries as weights); same name in ncm.lowlevel. */
%ignore ncm_money_split;
%apply (const double *IN_ARRAY, size_t IN_N) { (const double *weights, size_t n) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *parts, size_t cap) };
%include "ncm/money.h"

%rename(ncm_money_split) ncmpy_money_split;
%feature("docstring") ncmpy_money_split
"ncm_money_split(total, weights, parts) -> None

Split `total` (minor units) in proportion to `weights` (float64 buffer) into `parts` (a writable
int64 buffer of the same length) with the largest-remainder method; the parts sum exactly to
`total`. Raises ncm.RangeError for a negative, NaN or infinite weight (naming its index) or
weights summing to zero, ncm.InvalidError for an empty or mismatched array.";
%inline %{
ncm_status ncmpy_money_split(ncm_money total, const double *weights, size_t n, ncm_money *parts, size_t cap)
{
    if (cap != n) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_money_split: parts has %zu entries but weights has %zu", cap, n);
        return NCM_ERR_INVALID;
    }
    return ncm_money_split(total, weights, n, parts);
}
%}
