/*
 * swig/core.i: what every module of the bindings shares.
 *
 *  - status.h wrapped (ncm_strerror, ncm_last_error, the allocation test hook, the NCM_* codes);
 *  - the one %exception: releases the GIL around every wrapped call, then fails the call if a
 *    Python error was set (by the ncm_status typemap, a factory or a helper);
 *  - `%typemap(out) ncm_status`: NCM_OK becomes None, any failure raises the ncm.Error subclass
 *    for the status (ncm/errors.py) carrying the message from ncm_last_error();
 *  - buffer-protocol typemaps for columnar arrays, no copies and no per-element Python loop:
 *      (const T *IN_ARRAY, size_t IN_N)          any C-contiguous 1-D buffer of the right dtype
 *      (const T *IN_ARRAY_OPT, size_t IN_N_OPT)  the same, or None -> (NULL, 0)
 *      (T *OUT_ARRAY, size_t OUT_N)              a writable caller-allocated buffer (numpy array)
 *      (const char *const *IN_STRINGS, size_t IN_NSTR)  a sequence of str (or None), one C loop
 *      (const char *IN_BYTES, size_t IN_NBYTES)  any bytes-like buffer (or None), no copy
 *    for T in int32_t, uint8_t, uint32_t, uint64_t, int64_t/ncm_money, double;
 *  - ncmpy_span: return type for borrowed library arrays; becomes a read-only buffer object that
 *    keeps the Python owner (the handle the method was called on) alive. numpy.frombuffer() on it
 *    gives a read-only zero-copy view.
 *  - NCMPY_OUT_SCALAR(CTYPE, NAME, FROM_C): scalar out-parameters returned as Python values.
 */

%feature("autodoc", "1");

%include <stdint.i>

%{
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ncm/ncm.h"

/* Raise the ncm.Error subclass for `status` with `message`. Safe with or without the GIL held
 * (wrapped code runs with the GIL released, see %exception). */
static void ncmpy_raise_status(ncm_status status, const char *message)
{
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", message ? message : "");
    PyGILState_STATE gil = PyGILState_Ensure();
    PyObject *mod = PyImport_ImportModule("ncm.errors");
    if (mod) {
        PyObject *text = PyUnicode_DecodeUTF8(copy, (Py_ssize_t)strlen(copy), "replace");
        PyObject *exc = text ? PyObject_CallMethod(mod, "_from_status", "iO", (int)status, text) : NULL;
        if (exc) {
            PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
            Py_DECREF(exc);
        }
        Py_XDECREF(text);
        Py_DECREF(mod);
    }
    PyGILState_Release(gil);
}

/* A failure detected by the binding itself (e.g. arrays of different lengths): printf-style. */
static void ncmpy_fail(ncm_status status, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ncmpy_raise_status(status, msg);
}
%}

/* ---------------------------------------------------------------- the one %exception */
%exception {
    Py_BEGIN_ALLOW_THREADS
    $action
    Py_END_ALLOW_THREADS
    if (PyErr_Occurred()) SWIG_fail;
}

%typemap(out) ncm_status {
    if ($1 != NCM_OK) {
        if (!PyErr_Occurred()) ncmpy_raise_status($1, ncm_last_error());
        SWIG_fail;
    }
    $result = SWIG_Py_Void();
}

/* ---------------------------------------------------------------- buffer-protocol arrays */
%{
/* Describe a numpy-like dtype for error messages. */
static const char *ncmpy_dtype_name(char kind, Py_ssize_t size)
{
    switch (kind) {
    case 'i': return size == 1 ? "int8" : size == 2 ? "int16" : size == 4 ? "int32" : "int64";
    case 'u': return size == 1 ? "uint8" : size == 2 ? "uint16" : size == 4 ? "uint32" : "uint64";
    default: return size == 4 ? "float32" : "float64";
    }
}

/* Kind ('i' signed, 'u' unsigned, 'f' float, 0 unknown) and size of a buffer format string. */
static char ncmpy_format_kind(const char *fmt, Py_ssize_t *size)
{
    const unsigned one = 1;
    const int little = *(const unsigned char *)&one == 1;
    if (!fmt) fmt = "B";
    if (*fmt == '@' || *fmt == '=') fmt++;
    else if (*fmt == '<') { if (!little) return 0; fmt++; }
    else if (*fmt == '>' || *fmt == '!') { if (little) return 0; fmt++; }
    if (fmt[0] == '\0' || fmt[1] != '\0') return 0;
    switch (fmt[0]) {
    case 'b': *size = 1; return 'i';
    case 'h': *size = (Py_ssize_t)sizeof(short); return 'i';
    case 'i': *size = (Py_ssize_t)sizeof(int); return 'i';
    case 'l': *size = (Py_ssize_t)sizeof(long); return 'i';
    case 'q': *size = (Py_ssize_t)sizeof(long long); return 'i';
    case 'n': *size = (Py_ssize_t)sizeof(Py_ssize_t); return 'i';
    case 'B': case '?': *size = 1; return 'u';
    case 'H': *size = (Py_ssize_t)sizeof(unsigned short); return 'u';
    case 'I': *size = (Py_ssize_t)sizeof(unsigned); return 'u';
    case 'L': *size = (Py_ssize_t)sizeof(unsigned long); return 'u';
    case 'Q': *size = (Py_ssize_t)sizeof(unsigned long long); return 'u';
    case 'N': *size = (Py_ssize_t)sizeof(size_t); return 'u';
    case 'f': *size = 4; return 'f';
    case 'd': *size = 8; return 'f';
    default: return 0;
    }
}

/* Acquire a C-contiguous 1-D buffer of exactly the wanted kind and item size, or set TypeError.
 * Returns 0 on success (release with PyBuffer_Release), -1 with a Python error set. */
static int ncmpy_get_buffer(PyObject *obj, Py_buffer *view, int writable, char kind, Py_ssize_t size,
                            const char *func, const char *arg)
{
    int flags = PyBUF_FORMAT | PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError,
                     "%s(): argument '%s' must be a %sC-contiguous 1-D buffer of %s (e.g. numpy.ascontiguousarray(x, "
                     "dtype=numpy.%s)), not %.100s",
                     func, arg, writable ? "writable " : "", ncmpy_dtype_name(kind, size), ncmpy_dtype_name(kind, size),
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    Py_ssize_t got_size = 0;
    char got = ncmpy_format_kind(view->format, &got_size);
    if (view->ndim != 1 || got != kind || got_size != size || view->itemsize != size) {
        PyErr_Format(PyExc_TypeError,
                     "%s(): argument '%s' must be a 1-D buffer of %s, got format '%s' (itemsize %zd, %d dimensions)",
                     func, arg, ncmpy_dtype_name(kind, size), view->format ? view->format : "B", view->itemsize,
                     view->ndim);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}
%}

%define NCMPY_ARRAY_TYPEMAPS(CTYPE, KIND)
%typemap(in) (const CTYPE *IN_ARRAY, size_t IN_N) (Py_buffer view, int have = 0) {
    if (ncmpy_get_buffer($input, &view, 0, KIND, (Py_ssize_t)sizeof(CTYPE), "$symname", "$1_name") < 0) SWIG_fail;
    have = 1;
    $1 = ($1_ltype)view.buf;
    $2 = (size_t)(view.len / (Py_ssize_t)sizeof(CTYPE));
}
%typemap(freearg) (const CTYPE *IN_ARRAY, size_t IN_N) {
    if (have$argnum) PyBuffer_Release(&view$argnum);
}
%typemap(in) (const CTYPE *IN_ARRAY_OPT, size_t IN_N_OPT) (Py_buffer view, int have = 0) {
    if ($input == Py_None) {
        $1 = NULL;
        $2 = 0;
    } else {
        if (ncmpy_get_buffer($input, &view, 0, KIND, (Py_ssize_t)sizeof(CTYPE), "$symname", "$1_name") < 0) SWIG_fail;
        have = 1;
        $1 = ($1_ltype)view.buf;
        $2 = (size_t)(view.len / (Py_ssize_t)sizeof(CTYPE));
    }
}
%typemap(freearg) (const CTYPE *IN_ARRAY_OPT, size_t IN_N_OPT) {
    if (have$argnum) PyBuffer_Release(&view$argnum);
}
%typemap(in) (CTYPE *OUT_ARRAY, size_t OUT_N) (Py_buffer view, int have = 0) {
    if (ncmpy_get_buffer($input, &view, 1, KIND, (Py_ssize_t)sizeof(CTYPE), "$symname", "$1_name") < 0) SWIG_fail;
    have = 1;
    $1 = ($1_ltype)view.buf;
    $2 = (size_t)(view.len / (Py_ssize_t)sizeof(CTYPE));
}
%typemap(freearg) (CTYPE *OUT_ARRAY, size_t OUT_N) {
    if (have$argnum) PyBuffer_Release(&view$argnum);
}
%enddef

NCMPY_ARRAY_TYPEMAPS(int32_t, 'i')
NCMPY_ARRAY_TYPEMAPS(int64_t, 'i')
NCMPY_ARRAY_TYPEMAPS(uint8_t, 'u')
NCMPY_ARRAY_TYPEMAPS(uint32_t, 'u')
NCMPY_ARRAY_TYPEMAPS(uint64_t, 'u')
NCMPY_ARRAY_TYPEMAPS(double, 'f')

/* Raw bytes from any buffer (bytes, bytearray, memoryview, mmap), no copy; None -> (NULL, 0). */
%typemap(in) (const char *IN_BYTES, size_t IN_NBYTES) (Py_buffer view, int have = 0) {
    if ($input == Py_None) {
        $1 = NULL;
        $2 = 0;
    } else {
        if (PyUnicode_Check($input)) {
            PyErr_SetString(PyExc_TypeError, "$symname(): argument '$1_name' must be bytes-like (encode str first)");
            SWIG_fail;
        }
        if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) < 0) SWIG_fail;
        have = 1;
        $1 = ($1_ltype)view.buf;
        $2 = (size_t)view.len;
    }
}
%typemap(freearg) (const char *IN_BYTES, size_t IN_NBYTES) {
    if (have$argnum) PyBuffer_Release(&view$argnum);
}

/* A sequence of str (list, tuple, numpy object array) -> const char *const *, one C loop.
 * The UTF-8 pointers borrow from the str objects, which the sequence keeps alive during the call. */
%typemap(in) (const char *const *IN_STRINGS, size_t IN_NSTR) (PyObject *seq = NULL, const char **ptrs = NULL) {
    if ($input == Py_None) {
        $1 = NULL;
        $2 = 0;
    } else {
        seq = PySequence_Fast($input, "$symname(): argument '$1_name' must be a sequence of str");
        if (!seq) SWIG_fail;
        Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
        ptrs = (const char **)malloc((size_t)(count > 0 ? count : 1) * sizeof *ptrs);
        if (!ptrs) { PyErr_NoMemory(); SWIG_fail; }
        PyObject **items = PySequence_Fast_ITEMS(seq);
        for (Py_ssize_t i = 0; i < count; i++) {
            Py_ssize_t len = 0;
            if (!PyUnicode_Check(items[i])) {
                PyErr_Format(PyExc_TypeError, "$symname(): argument '$1_name'[%zd] must be str, not %.100s", i,
                             Py_TYPE(items[i])->tp_name);
                SWIG_fail;
            }
            ptrs[i] = PyUnicode_AsUTF8AndSize(items[i], &len);
            if (!ptrs[i]) SWIG_fail;
            if ((size_t)len != strlen(ptrs[i])) {
                PyErr_Format(PyExc_ValueError, "$symname(): argument '$1_name'[%zd] contains a NUL character", i);
                SWIG_fail;
            }
        }
        $1 = ($1_ltype)ptrs;
        $2 = (size_t)count;
    }
}
%typemap(freearg) (const char *const *IN_STRINGS, size_t IN_NSTR) {
    free((void *)ptrs$argnum);
    Py_XDECREF(seq$argnum);
}

/* ---------------------------------------------------------------- borrowed read-only views */
%{
/* A library-owned array handed out without a copy. Returned by value from wrapped helpers. */
typedef struct ncmpy_span {
    const void *data;   /* NULL: the array does not exist (becomes None) */
    size_t n;           /* elements */
    char format;        /* struct-module format character: 'i', 'q', 'B', 'I', 'Q', 'd' */
    unsigned char size; /* bytes per element */
} ncmpy_span;

static ncmpy_span ncmpy_span_make(const void *data, size_t n, char format, size_t size)
{
    ncmpy_span s;
    s.data = data;
    s.n = n;
    s.format = format;
    s.size = (unsigned char)size;
    return s;
}

/* The buffer object: exports (data, n) read-only and holds a reference to its owner. */
typedef struct {
    PyObject_HEAD
    PyObject *owner;
    const void *data;
    Py_ssize_t shape[1];
    Py_ssize_t strides[1];
    char format[2];
} ncmpy_borrowed;

static PyObject *ncmpy_borrowed_type; /* created once in the module init */

static int ncmpy_borrowed_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    ncmpy_borrowed *b = (ncmpy_borrowed *)self;
    if (flags & PyBUF_WRITABLE) {
        view->obj = NULL;
        PyErr_SetString(PyExc_BufferError, "ncm: this array belongs to the library and is read-only");
        return -1;
    }
    view->buf = (void *)b->data;
    view->obj = self;
    Py_INCREF(self);
    view->len = b->shape[0] * b->strides[0];
    view->readonly = 1;
    view->itemsize = b->strides[0];
    view->format = (flags & PyBUF_FORMAT) ? b->format : NULL;
    view->ndim = 1;
    view->shape = (flags & PyBUF_ND) ? b->shape : NULL;
    view->strides = (flags & PyBUF_STRIDES) ? b->strides : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    return 0;
}

static void ncmpy_borrowed_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    Py_XDECREF(((ncmpy_borrowed *)self)->owner);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static Py_ssize_t ncmpy_borrowed_len(PyObject *self) { return ((ncmpy_borrowed *)self)->shape[0]; }

static PyType_Slot ncmpy_borrowed_slots[] = {
    {Py_bf_getbuffer, (void *)ncmpy_borrowed_getbuffer},
    {Py_tp_dealloc, (void *)ncmpy_borrowed_dealloc},
    {Py_sq_length, (void *)ncmpy_borrowed_len},
    {Py_tp_doc, (void *)"Read-only buffer over an array owned by an ncm object; keeps that object alive."},
    {0, NULL}};

static PyType_Spec ncmpy_borrowed_spec = {"ncm.lowlevel.BorrowedArray", (int)sizeof(ncmpy_borrowed), 0,
                                          Py_TPFLAGS_DEFAULT, ncmpy_borrowed_slots};

/* New reference: a BorrowedArray over span `s` owned by `owner`, or None if s.data is NULL. */
static PyObject *ncmpy_borrowed_new(PyObject *owner, ncmpy_span s)
{
    if (!s.data) Py_RETURN_NONE;
    if (!ncmpy_borrowed_type) {
        PyErr_SetString(PyExc_RuntimeError, "ncm: BorrowedArray type not initialised");
        return NULL;
    }
    ncmpy_borrowed *b = PyObject_New(ncmpy_borrowed, (PyTypeObject *)ncmpy_borrowed_type);
    if (!b) return NULL;
    Py_INCREF(owner);
    b->owner = owner;
    b->data = s.data;
    b->shape[0] = (Py_ssize_t)s.n;
    b->strides[0] = (Py_ssize_t)s.size;
    b->format[0] = s.format;
    b->format[1] = '\0';
    return (PyObject *)b;
}
%}

%init %{
    ncmpy_borrowed_type = PyType_FromSpec(&ncmpy_borrowed_spec);
    if (!ncmpy_borrowed_type) return NULL;
%}

/* An ncmpy_span returned by a method of a handle class: a read-only view owned by that handle
 * (swig_obj[0] is the Python object the method was called on). A NULL span becomes None. */
typedef struct ncmpy_span ncmpy_span;
%typemap(out) ncmpy_span {
    $result = ncmpy_borrowed_new(swig_obj[0], $1);
    if (!$result) SWIG_fail;
}

/* ---------------------------------------------------------------- scalar out-parameters */
%define NCMPY_OUT_SCALAR(CTYPE, NAME, FROM_C)
%typemap(in, numinputs=0) CTYPE *NAME (CTYPE tmp) {
    memset(&tmp, 0, sizeof tmp);
    $1 = &tmp;
}
%typemap(argout) CTYPE *NAME {
    $result = SWIG_Python_AppendOutput($result, FROM_C(*$1));
}
%enddef

/* ---------------------------------------------------------------- version.h and status.h */
#define NCM_API
#define NCM_BEGIN_DECLS
#define NCM_END_DECLS
%include "ncm/version.h"
%include "ncm/status.h"

/* ---------------------------------------------------------------- new handles through out-parameters */
/* NCMPY_OUT_HANDLE(TYPE): a factory's `TYPE **out` becomes its return value, a Python object that
 * owns the handle (the class's %extend destructor frees it). On failure the status typemap raises
 * first and nothing is returned. Declare the handle's struct before using this macro's functions. */
%define NCMPY_OUT_HANDLE(TYPE)
%typemap(in, numinputs=0) TYPE **out (TYPE *tmp = NULL) {
    $1 = &tmp;
}
%typemap(argout) TYPE **out {
    $result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $descriptor(TYPE *), SWIG_POINTER_OWN));
}
%enddef
