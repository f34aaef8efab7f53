"""The xarray engine "h5coro_c":

    xr.open_dataset("s3://bucket/file.nc", engine="h5coro_c", group="/gt1l/heights",
                    storage_options={"region": "us-west-2"}, chunks={})

Lazy: opening reads metadata only; values are read through the binding
(File._read_selections, one h5c_read_many plan per request) when xarray
indexes a variable. Dimensions, coordinates and attributes are those
engine="h5netcdf" (phony_dims="sort") gives on the same file, see
_ncmodel.py; CF decoding (_FillValue, scale_factor, times) is xarray's.
With chunks={} the Dask chunks follow the HDF5 chunks (preferred_chunks)."""
import os

import numpy as np
from xarray.backends.common import AbstractDataStore, BackendArray, BackendEntrypoint
from xarray.backends.store import StoreBackendEntrypoint
from xarray.core import indexing
from xarray.core.utils import FrozenDict
from xarray.core.variable import Variable

from . import _types
from ._ncmodel import Model, to_h5py_values, visible_attrs
from .file import File

_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_FILTER_NAMES = {1: "gzip", 3: "lzf", 4: "szip", 32001: "blosc", 32004: "lz4", 32015: "zstd"}


class H5CoroArray(BackendArray):
    """One variable's values, read on indexing (outer indexing: slices,
    integers and one integer array per axis are all the core's hyperslabs
    plus a numpy step)."""

    __slots__ = ("file", "path", "shape", "dtype", "_desc", "_pad")

    def __init__(self, file, var, shape):
        # the File, not the store: a File pickles by URL and options and is
        # reopened once per process, so Dask tasks stay small
        self.file, self.path = file, var.path
        self._desc = var.ds._desc
        self.shape = tuple(shape)
        dt = var.ds.dtype
        self.dtype = np.dtype("O") if dt.kind == "O" else np.dtype(_h5py_dtype(self._desc))
        ds_shape = tuple(var.ds.shape or ())
        # h5netcdf pads a variable shorter than its (unlimited) dimension
        # with the fill value: only numeric types, as there
        self._pad = None
        if self.shape != ds_shape and self.dtype.kind in "fiu":
            self._pad = [(0, a - b) for a, b in zip(self.shape, ds_shape)]

    def __getitem__(self, key):
        return indexing.explicit_indexing_adapter(key, self.shape, indexing.IndexingSupport.OUTER,
                                                  self._getitem)

    def _getitem(self, key):
        ds = self.file[self.path]
        if self._pad is not None:
            whole = read_values(self.file, ds, None)
            fill = ds.fillvalue
            fill = self.dtype.type(0 if fill is None else fill)
            return np.pad(whole, self._pad, mode="constant", constant_values=fill)[key]
        return read_values(self.file, ds, key)

    def __getstate__(self):
        return {k: getattr(self, k) for k in self.__slots__}

    def __setstate__(self, state):
        for k, v in state.items():
            setattr(self, k, v)


def read_values(file, ds, key):
    """ds[key] as h5netcdf gives it: vlen strings as str, h5py's dtypes."""
    arr = file._read_selections([(ds, key)])[0]
    if not isinstance(arr, np.ndarray):
        arr = np.asarray(arr)
    if _types.is_string_vlen(ds._desc):
        return _decode_vlen(arr)
    return to_h5py_values(ds._desc, arr)


def _h5py_dtype(desc):
    from ._ncmodel import h5py_dtype
    return h5py_dtype(desc)


class H5CoroStore(AbstractDataStore):
    """A group of an HDF5/netCDF-4 file as an xarray data store."""

    def __init__(self, file, group=None, own_file=True):
        self.file = file
        self._own = own_file
        self.model = Model(file)
        try:
            self.group = self.model.group(group)
        except KeyError as e:
            raise OSError("group not found: %s" % e.args[0]) from None

    @classmethod
    def open(cls, url, group=None, storage_options=None):
        return cls(File(url, **(storage_options or {})), group)

    def get_variables(self):
        out = {}
        for var in self.group.vars.values():
            out[var.name] = self._variable(var)
        return FrozenDict(out)

    def _variable(self, var):
        dims = self.group.var_dims(var)
        shape = self.group.var_shape(var)
        data = indexing.LazilyIndexedArray(H5CoroArray(self.file, var, shape))
        return Variable(dims, data, visible_attrs(var.raw), self._encoding(var, dims, shape))

    def _encoding(self, var, dims, shape):
        ds = var.ds
        enc = {"chunksizes": ds.chunks}
        ids = [f["id"] for f in ds.filters]
        enc["fletcher32"] = 3 in ids
        enc["shuffle"] = 2 in ids
        comp = next((f for f in ds.filters if f["id"] in _FILTER_NAMES), None)
        if comp is not None and comp["id"] == 1:
            enc["zlib"] = True
            enc["complevel"] = comp["values"][0] if comp["values"] else None
        elif comp is not None:
            enc["compression"] = _FILTER_NAMES[comp["id"]]
            enc["compression_opts"] = tuple(comp["values"]) or None
        enc["source"] = self.file.url
        enc["original_shape"] = tuple(shape)
        enc["dtype"] = str if _types.is_string_vlen(ds._desc) else np.dtype(_h5py_dtype(ds._desc))
        if ds.chunks and len(ds.chunks) == len(dims):
            enc["preferred_chunks"] = dict(zip(dims, ds.chunks))
        return enc

    def get_attrs(self):
        return FrozenDict(_xarray_attrs(visible_attrs(self.model_attrs())))

    def model_attrs(self):
        from ._ncmodel import raw_attrs
        return raw_attrs(self.file, self.group.path)

    def get_dimensions(self):
        self.group.ensure_phony()
        return FrozenDict((k, d.size) for k, d in self.group.dims.items())

    def get_encoding(self):
        return {"unlimited_dims": {k for k, d in self.group.dims.items() if d.unlimited}}

    def load(self):
        variables = {k: _with_xarray_attrs(v) for k, v in self.get_variables().items()}
        return FrozenDict(variables), self.get_attrs()

    def close(self, **kwargs):
        if self._own:
            self.file.close()


def _decode_vlen(arr):
    """Variable-length strings as str (h5netcdf's decode_vlen_strings)."""
    out = np.empty(arr.shape, dtype=object)
    flat_in, flat_out = arr.reshape(-1), out.reshape(-1)
    for i, v in enumerate(flat_in):
        flat_out[i] = v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else ("" if v is None else v)
    return out


def _xarray_attrs(attrs):
    """xarray's h5netcdf store decodes bytes values (not _FillValue or
    missing_value) as UTF-8."""
    out = {}
    for k, v in attrs.items():
        if k not in ("_FillValue", "missing_value") and isinstance(v, bytes):
            v = v.decode("utf-8")
        out[k] = v
    return out


def _with_xarray_attrs(var):
    var.attrs = _xarray_attrs(var.attrs)
    return var


def _looks_like_hdf5(path):
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except (OSError, TypeError, ValueError):
        return False
    return head == _SIGNATURE


class H5CoroBackendEntrypoint(BackendEntrypoint):
    """xarray engine over libh5coro: local files, s3://, /vsis3/,
    https://, /vsicurl/. storage_options are h5coro_c.File's options
    (region, endpoint, credentials, anonymous, threads, ...)."""

    description = "Open HDF5 / netCDF-4 files (local, S3, HTTP) with libh5coro, read-only"
    url = "https://github.com/ (h5coro-gdal, python/README)"
    open_dataset_parameters = ("filename_or_obj", "mask_and_scale", "decode_times", "concat_characters",
                               "decode_coords", "drop_variables", "use_cftime", "decode_timedelta",
                               "group", "phony_dims", "decode_vlen_strings", "storage_options")

    def guess_can_open(self, filename_or_obj):
        try:
            path = os.fspath(filename_or_obj)
        except TypeError:
            return False
        if isinstance(path, bytes):
            return False
        return os.path.isfile(path) and _looks_like_hdf5(path)

    def open_dataset(self, filename_or_obj, *, mask_and_scale=True, decode_times=True,
                     concat_characters=True, decode_coords=True, drop_variables=None,
                     use_cftime=None, decode_timedelta=None, group=None, phony_dims="sort",
                     decode_vlen_strings=True, storage_options=None):
        if phony_dims != "sort":
            raise ValueError("h5coro_c engine: only phony_dims='sort' is supported")
        if not decode_vlen_strings:
            raise ValueError("h5coro_c engine: variable-length strings are always decoded")
        if isinstance(filename_or_obj, File):
            store = H5CoroStore(filename_or_obj, group, own_file=False)
        else:
            store = H5CoroStore.open(os.fspath(filename_or_obj), group, storage_options)
        return StoreBackendEntrypoint().open_dataset(
            store, mask_and_scale=mask_and_scale, decode_times=decode_times,
            concat_characters=concat_characters, decode_coords=decode_coords,
            drop_variables=drop_variables, use_cftime=use_cftime, decode_timedelta=decode_timedelta)
