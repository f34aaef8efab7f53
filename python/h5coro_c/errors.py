"""Exceptions by cause, one per h5c_code; the core's message is kept."""


class Error(Exception):
    """Base of every h5coro_c error; .code is the h5c_code number."""
    code = None

    def __init__(self, message, code=None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self):
        return self.message


class ArgumentError(Error, ValueError):
    """A bad argument (H5C_ERR_ARG)."""


class ReadError(Error, OSError):
    """Reading bytes failed: local I/O or HTTP (H5C_ERR_IO)."""


class RemoteNotFoundError(ReadError, FileNotFoundError):
    """The file does not exist (local ENOENT, HTTP 404)."""


class AccessDeniedError(ReadError, PermissionError):
    """The server refused the request (HTTP 401/403)."""


class FormatError(Error, ValueError):
    """The bytes do not follow the HDF5 format (H5C_ERR_FORMAT)."""


class ChecksumError(FormatError):
    """A stored checksum does not match (H5C_ERR_CHECKSUM)."""


class UnsupportedError(Error, NotImplementedError):
    """Valid HDF5 the core does not read (H5C_ERR_UNSUPPORTED)."""


class NotFoundError(Error, KeyError):
    """No such object or attribute (H5C_ERR_NOT_FOUND)."""


class OutOfMemoryError(Error, MemoryError):
    """An allocation failed (H5C_ERR_NOMEM)."""


class LimitError(Error, ValueError):
    """A size from the file exceeds a safety cap (H5C_ERR_LIMIT)."""


class WrongKindError(Error, TypeError):
    """The object is not of the kind asked for (H5C_ERR_TYPE)."""


_BY_CODE = {1: ArgumentError, 2: ReadError, 3: FormatError, 4: ChecksumError,
            5: UnsupportedError, 6: NotFoundError, 7: OutOfMemoryError,
            8: LimitError, 9: WrongKindError}


def from_code(code, message):
    """The exception instance for an h5c_code and the core's message."""
    cls = _BY_CODE.get(code, Error)
    if cls is ReadError:
        low = message.lower()
        if " 404" in low or "no such file" in low or "not found" in low:
            cls = RemoteNotFoundError
        elif " 403" in low or " 401" in low or "access denied" in low:
            cls = AccessDeniedError
    return cls(message, code)
