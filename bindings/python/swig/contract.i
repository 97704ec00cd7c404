/*
 * swig/contract.i: contract.h.
 *
 * The opaque ncm_contract becomes ContractHandle; ncm_contract_load_file / _load_string return it.
 * ncm_contract_to_json returns the canonical JSON as a str. The Pythonic face is ncm/contract.py.
 */

NCMPY_OUT_SCALAR(ncm_money, value, PyLong_FromLongLong)
NCMPY_OUT_SCALAR(ncm_party_role, role, PyLong_FromLong)
NCMPY_OUT_SCALAR(ncm_component_type, type, PyLong_FromLong)
NCMPY_OUT_SCALAR(size_t, index, PyLong_FromSize_t)

%ignore ncm_contract_free;
%ignore ncm_contract_to_json;
%rename(ContractHandle) ncm_contract;
%nodefaultctor ncm_contract;
struct ncm_contract {};
%extend ncm_contract {
    ~ncm_contract() { ncm_contract_free($self); }
}
NCMPY_OUT_HANDLE(ncm_contract)
%include "ncm/contract.h"

%newobject ncmpy_contract_to_json;
%rename(ncm_contract_to_json) ncmpy_contract_to_json;
%feature("docstring") ncmpy_contract_to_json
"ncm_contract_to_json(contract) -> str

The contract as canonical JSON text (loading it gives an equal contract).";
%inline %{
char *ncmpy_contract_to_json(const ncm_contract *c)
{
    size_t len = 0;
    ncm_status st = ncm_contract_to_json(c, NULL, 0, &len);
    if (st != NCM_OK && st != NCM_ERR_BUFFER) {
        ncmpy_raise_status(st, ncm_last_error());
        return NULL;
    }
    /* len is the text's length (older builds reported it without the final newline: one byte of
     * slack covers both). */
    char *buf = (char *)malloc(len + 2);
    if (!buf) {
        ncmpy_fail(NCM_ERR_NOMEM, "ncm_contract_to_json: out of memory");
        return NULL;
    }
    st = ncm_contract_to_json(c, buf, len + 2, &len);
    if (st != NCM_OK) {
        free(buf);
        ncmpy_raise_status(st, ncm_last_error());
        return NULL;
    }
    return buf;
}
%}
