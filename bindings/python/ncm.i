/*
 * ncm.i: the one SWIG interface of the ncm Python bindings.
 *
 * Generated with `swig -python -doxygen -interface _ncm`: the C extension is ncm/_ncm*.so and the
 * generated proxy module is ncm/lowlevel.py. The Pythonic package ncm/ (errors.py, money.py,
 * population.py, ...) sits on top of ncm.lowlevel; users import `ncm`, not the low level.
 *
 * Layout: swig/core.i holds everything shared (the one %exception, status -> exception mapping,
 * buffer-protocol typemaps, borrowed read-only views); every public header gets its own
 * swig/<module>.i, %included below in the data-flow order of the library. To expose a new
 * module, add swig/<module>.i and one %include line here (see bindings/python/README.md).
 */
%module(package="ncm", docstring="Low-level SWIG wrapper of libncm (use the `ncm` package instead).") lowlevel

%include "swig/core.i"

/* One line per module, in the data-flow order of the library. */
%include "swig/money.i"
%include "swig/population.i"
%include "swig/synth.i"
%include "swig/risk.i"
%include "swig/segment.i"
%include "swig/capitation.i"
%include "swig/riskshare.i"
%include "swig/outcome.i"
%include "swig/savings.i"
%include "swig/contract.i"
%include "swig/settle.i"
%include "swig/simulate.i"
