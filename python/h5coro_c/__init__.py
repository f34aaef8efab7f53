"""h5coro_c: the libh5coro cloud-optimized HDF5 reader for Python.

    import h5coro_c
    with h5coro_c.File("s3://bucket/key.h5", region="us-west-2") as f:
        ds = f["/gt1l/heights/h_ph"]
        part = ds[1000:2000]
        arrays = f.read_many({"/gt1l/heights/lat_ph": None, "/gt1l/heights/lon_ph": None})

Also: h5coro_c.compat (the h5coro seed's API) and the xarray engine
"h5coro_c"."""
from . import _core
from .errors import (AccessDeniedError, ArgumentError, ChecksumError, Error, FormatError,
                     LimitError, NotFoundError, OutOfMemoryError, ReadError, RemoteNotFoundError,
                     UnsupportedError, WrongKindError, from_code)
from .file import AttributeManager, Dataset, Entry, File, Group

_core._set_error_factory(from_code)

__version__ = _core.version()
version = __version__

__all__ = ["File", "Group", "Dataset", "Entry", "AttributeManager", "Error", "ArgumentError",
           "ReadError", "RemoteNotFoundError", "AccessDeniedError", "FormatError", "ChecksumError",
           "UnsupportedError", "NotFoundError", "OutOfMemoryError", "LimitError", "WrongKindError",
           "__version__"]
