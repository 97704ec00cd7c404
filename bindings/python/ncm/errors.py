"""Exceptions raised by ncm.

Every failing C call returns an ``ncm_status``; the bindings raise the :class:`Error` subclass for
that status, carrying the C library's message (``ncm_last_error()``), which names the file, line,
column or field and the reason. Each subclass also derives from the closest built-in exception, so
``except ValueError`` catches bad input and ``except MemoryError`` catches allocation failures.

========================  ====================  ===========================
status                    class                 also a
========================  ====================  ===========================
NCM_ERR_INVALID (-1)      InvalidError          ValueError
NCM_ERR_NOMEM (-2)        NoMemoryError         MemoryError
NCM_ERR_IO (-3)           FileError             OSError
NCM_ERR_PARSE (-4)        ParseError            ValueError
NCM_ERR_OVERFLOW (-5)     MoneyOverflowError    OverflowError
NCM_ERR_RANGE (-6)        RangeError            ValueError
NCM_ERR_NOT_FOUND (-7)    NotFoundError         ValueError, LookupError
NCM_ERR_VERSION (-8)      VersionError          ValueError
NCM_ERR_DUPLICATE (-9)    DuplicateError        ValueError
NCM_ERR_INCONSISTENT(-10) InconsistentError     ValueError
NCM_ERR_BUFFER (-11)      BufferTooSmallError   ValueError
NCM_ERR_CANCELLED (-12)   CancelledError        (Error only)
NCM_ERR_INTERNAL (-13)    InternalError         RuntimeError
========================  ====================  ===========================
"""

__all__ = [
    "Error", "InvalidError", "NoMemoryError", "FileError", "ParseError", "MoneyOverflowError",
    "RangeError", "NotFoundError", "VersionError", "DuplicateError", "InconsistentError",
    "BufferTooSmallError", "CancelledError", "InternalError", "error_class",
]


class Error(Exception):
    """Base class of every ncm error.

    Attributes:
        status: the ``ncm_status`` code (a negative int, e.g. -6 for NCM_ERR_RANGE).
        message: the C library's message (also ``str(exc)``).
    """

    status = 0

    def __init__(self, message="", status=None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self):
        return self.message


class InvalidError(Error, ValueError):
    """An argument is invalid (NCM_ERR_INVALID)."""
    status = -1


class NoMemoryError(Error, MemoryError):
    """Memory allocation failed (NCM_ERR_NOMEM); nothing was changed."""
    status = -2


class FileError(Error, OSError):
    """A file could not be opened, read or written (NCM_ERR_IO)."""
    status = -3

    def __init__(self, message="", status=None):
        OSError.__init__(self, message)
        self.message = message
        if status is not None:
            self.status = status


class ParseError(Error, ValueError):
    """Input text is malformed (NCM_ERR_PARSE)."""
    status = -4


class MoneyOverflowError(Error, OverflowError):
    """An exact money or count result does not fit its integer type (NCM_ERR_OVERFLOW)."""
    status = -5


class RangeError(Error, ValueError):
    """A value is outside its allowed range, e.g. age 131 or a NaN (NCM_ERR_RANGE)."""
    status = -6


class NotFoundError(Error, ValueError, LookupError):
    """A named item does not exist (NCM_ERR_NOT_FOUND)."""
    status = -7


class VersionError(Error, ValueError):
    """An options struct or document schema version is not supported (NCM_ERR_VERSION)."""
    status = -8


class DuplicateError(Error, ValueError):
    """An identifier that must be unique appears twice (NCM_ERR_DUPLICATE)."""
    status = -9


class InconsistentError(Error, ValueError):
    """Inputs contradict each other, e.g. a practice in two networks (NCM_ERR_INCONSISTENT)."""
    status = -10


class BufferTooSmallError(Error, ValueError):
    """A caller-supplied output buffer is too small (NCM_ERR_BUFFER)."""
    status = -11


class CancelledError(Error):
    """The progress callback asked to stop (NCM_ERR_CANCELLED)."""
    status = -12


class InternalError(Error, RuntimeError):
    """An internal invariant failed; please report it (NCM_ERR_INTERNAL)."""
    status = -13


_BY_STATUS = {cls.status: cls for cls in (
    InvalidError, NoMemoryError, FileError, ParseError, MoneyOverflowError, RangeError, NotFoundError,
    VersionError, DuplicateError, InconsistentError, BufferTooSmallError, CancelledError, InternalError)}


def error_class(status):
    """The :class:`Error` subclass for an ``ncm_status`` code (:class:`Error` for unknown codes)."""
    return _BY_STATUS.get(int(status), Error)


def _from_status(status, message):
    """Called by the C wrapper on failure: the exception instance for ``status`` and ``message``."""
    exc = error_class(status)(message, int(status))
    return exc
