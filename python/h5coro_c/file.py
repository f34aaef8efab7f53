"""File, Group and Dataset: an h5py-like API over the extension's Handle."""
import collections
import os
import threading

import numpy as np

from . import _core
from . import _types
from ._select import apply_post, select
from .errors import Error, NotFoundError, RemoteNotFoundError, WrongKindError

_KIND_NAMES = {_core.KIND_GROUP: "group", _core.KIND_DATASET: "dataset",
               _core.KIND_DATATYPE: "datatype", _core.KIND_SOFT_LINK: "soft_link",
               _core.KIND_EXTERNAL_LINK: "external_link"}

Entry = collections.namedtuple("Entry", "name path kind addr target error")

# Keys h5coro_c.File accepts: h5c_options, then h5c_remote.
OPTION_KEYS = ("threads", "speculative", "cache_bytes", "merge_gap", "max_range",
               "access_key_id", "secret_access_key", "session_token", "profile", "region",
               "endpoint", "config_file", "credentials_file", "https", "virtual_hosting",
               "no_sign", "request_payer", "max_retry", "retry_delay", "timeout",
               "max_retry_time", "max_connections", "verbose")

_BOOL_KEYS = ("https", "virtual_hosting", "no_sign", "request_payer", "verbose")


def normalize_options(options):
    """Keyword options as the extension takes them: credentials as a dict
    (AWS or the seed's key names), anonymous=True, booleans as 0/1."""
    opts = dict(options)
    creds = opts.pop("credentials", None) or {}
    for ours, names in (("access_key_id", ("aws_access_key_id", "accessKeyId", "access_key_id")),
                        ("secret_access_key", ("aws_secret_access_key", "secretAccessKey", "secret_access_key")),
                        ("session_token", ("aws_session_token", "sessionToken", "session_token"))):
        for n in names:
            if creds.get(n):
                opts.setdefault(ours, creds[n])
                break
    if creds.get("profile"):
        opts.setdefault("profile", creds["profile"])
    if opts.pop("anonymous", False) or creds.get("annon") or creds.get("anonymous"):
        opts["no_sign"] = 1
    for k in _BOOL_KEYS:
        if k in opts and isinstance(opts[k], bool):
            opts[k] = int(opts[k])
    unknown = set(opts) - set(OPTION_KEYS)
    if unknown:
        raise TypeError("unknown h5coro_c option(s): %s" % ", ".join(sorted(unknown)))
    return opts


# One handle per process and (URL, options): unpickled Files and Datasets
# share it, so a Dask worker opens each file once.
_handles = {}
_handles_pid = os.getpid()
_handles_lock = threading.Lock()


def _options_key(options):
    return tuple(sorted((k, repr(v)) for k, v in options.items()))


def open_handle(url, options):
    """_core.open; a missing file or key (H5C_ERR_NOT_FOUND at open) is a
    FileNotFoundError, not a KeyError: KeyError is for paths inside."""
    try:
        return _core.open(url, options)
    except NotFoundError as e:
        raise RemoteNotFoundError(e.message, e.code) from None


def shared_handle(url, options):
    global _handles, _handles_pid
    key = (url, _options_key(options))
    with _handles_lock:
        if _handles_pid != os.getpid():      # forked: the parent's handles are not ours
            _handles, _handles_pid = {}, os.getpid()
        h = _handles.get(key)
        if h is None or h.closed:
            h = open_handle(url, options)
            _handles[key] = h
        return h


def _reopen_file(url, options):
    return File(url, _shared=True, **options)


def _reopen_dataset(url, options, path):
    return File(url, _shared=True, **options)[path]


class AttributeManager(collections.abc.Mapping):
    """Attributes of an object: a read-only mapping of numpy values
    (scalars as numpy scalars, strings as str, as h5py gives them)."""

    def __init__(self, file, path):
        self._file, self._path = file, path
        self._cache = None

    def _load(self):
        if self._cache is None:
            out = {}
            for name, desc, shape, value, error, code in self._file._handle.attrs(self._path):
                out[name] = (desc, shape, value, error, code)
            self._cache = out
        return self._cache

    def __getitem__(self, name):
        desc, shape, value, error, code = self._load()[name]
        if error:
            from .errors import from_code
            raise from_code(code, "attribute %r of %s: %s" % (name, self._path, error))
        if desc is None or value is None:
            return None
        arr = _types.values_to_array(desc, value, shape, decode=True)
        if arr.ndim == 0:
            v = arr[()]
            return v
        return arr

    def __iter__(self):
        return iter(self._load())

    def __len__(self):
        return len(self._load())

    def __repr__(self):
        return "<attributes of %s: %s>" % (self._path, list(self))


class _Node:
    def __init__(self, file, path):
        self.file, self.name = file, path

    @property
    def attrs(self):
        return AttributeManager(self.file, self.name)


class Group(_Node):
    """A group: keys(), items(), [name]."""

    def keys(self):
        return [e.name for e in self.file.list(self.name)]

    def __iter__(self):
        return iter(self.keys())

    def __contains__(self, name):
        return name in self.keys()

    def __getitem__(self, name):
        return self.file[_join(self.name, name)]

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def __repr__(self):
        return '<h5coro_c.Group "%s">' % self.name


def _join(group, name):
    if name.startswith("/"):
        return name
    return (group.rstrip("/") + "/" + name) if group != "/" else "/" + name


class Dataset(_Node):
    """A dataset: metadata at hand, values read on indexing."""

    def __init__(self, file, path, info):
        super().__init__(file, path)
        self._info = info
        self._desc = info["type"]
        self.dtype = _types.to_dtype(self._desc)
        self.shape = tuple(info["shape"]) if info["rank"] >= 0 else None
        self.maxshape = tuple(None if m == 2 ** 64 - 1 else m for m in info["maxshape"])
        self.chunks = info["chunks"]
        self._spacepad = _types.has_spacepad(self._desc)
        self.filters = [{"id": f[0], "flags": f[1], "name": f[2], "values": f[3]} for f in info["filters"]]

    @property
    def ndim(self):
        return len(self.shape) if self.shape is not None else 0

    @property
    def size(self):
        return int(np.prod(self.shape)) if self.shape is not None else 0

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a scalar dataset")
        return self.shape[0]

    @property
    def compression(self):
        names = {1: "gzip", 32001: "blosc", 32004: "lz4", 32015: "zstd"}
        for f in self.filters:
            if f["id"] in names:
                return names[f["id"]]
        return None

    @property
    def fillvalue(self):
        fill = self._info["fill"]
        if fill is None:
            return None if _types.is_vlen(self._desc) else np.zeros((), self.dtype)[()]
        fdt = _types.file_dtype(self._desc)
        if fdt.itemsize != len(fill) or fdt.hasobject:
            return fill
        return np.frombuffer(fill, dtype=fdt).astype(self.dtype)[0]

    def __getitem__(self, key):
        return self.file._read_selections([(self, key)])[0]

    def read(self):
        return self[()] if self.shape == () else self[...]

    def __array__(self, dtype=None):
        a = self.read()
        return a if dtype is None else a.astype(dtype)

    def __reduce__(self):
        return (_reopen_dataset, (self.file.url, self.file.options, self.name))

    def __repr__(self):
        return '<h5coro_c.Dataset "%s": shape %s, type "%s">' % (self.name, self.shape, self.dtype.str)


class File(Group):
    """An HDF5 file: local path, s3://bucket/key, /vsis3/bucket/key,
    http(s)://..., /vsicurl/http(s)://...

    Options (keywords) mirror h5c_options and h5c_remote: threads,
    speculative, cache_bytes, merge_gap, max_range, region, endpoint,
    credentials={...}, anonymous, https, virtual_hosting, profile,
    request_payer, max_retry, retry_delay, timeout, max_retry_time,
    max_connections, verbose. What is not given comes from the environment
    (AWS_*, GDAL_HTTP_*), as for the CLI."""

    def __init__(self, url, _shared=False, **options):
        url = os.fspath(url)
        self.url = url
        self.options = normalize_options(options)
        self._shared = _shared
        self._handle = shared_handle(url, self.options) if _shared else open_handle(url, self.options)
        self._infos = {}
        super().__init__(self, "/")

    def close(self):
        if not self._shared:
            self._handle.close()

    @property
    def closed(self):
        return self._handle.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __reduce__(self):
        return (_reopen_file, (self.url, self.options))

    def __repr__(self):
        return '<h5coro_c.File "%s"%s>' % (self.url, " (closed)" if self.closed else "")

    # -- listing ---------------------------------------------------------
    def list(self, group="/", recursive=False):
        """Entries (name, path, kind, addr, target, error) under `group`."""
        return [Entry(n, p, _KIND_NAMES.get(k, "unknown"), a, t, e)
                for n, p, k, a, t, e in self._handle.list(group, bool(recursive))]

    def _entry(self, path):
        if path == "/":
            return None
        parent = path.rsplit("/", 1)[0] or "/"
        for e in self.list(parent):
            if e.path == path:
                return e
        raise NotFoundError("%s: no such object" % path, 6)

    def _is_group(self, path):
        try:
            self._handle.list(path, False)
            return True
        except Error:
            return False

    def __getitem__(self, path):
        path = _join("/", path)
        if path != "/" and path.endswith("/"):
            path = path.rstrip("/")
        info = self._infos.get(path)
        if info is None:
            try:
                info = self._handle.info(path)
            except WrongKindError:
                # a group, also through a soft link, lists; anything else
                # (named datatype) keeps the error
                if path == "/" or self._is_group(path):
                    return Group(self, path)
                raise
            except NotFoundError:
                raise
            self._infos[path] = info
        return Dataset(self, path, info)

    def stats(self):
        """I/O counters of the handle: requests (GETs), bytes, retries."""
        return self._handle.stats()

    # -- reading ---------------------------------------------------------
    def read_many(self, selections):
        """{path: selection or None} -> {path: array}, every read in one
        h5c_read_many plan. A selection is a numpy-style key."""
        items = [(self[p], None if sel is None else sel) for p, sel in selections.items()]
        arrays = self._read_selections(items, raise_first=True)
        return dict(zip(selections.keys(), arrays))

    def _read_selections(self, items, raise_first=True):
        """Read [(Dataset, key or None)] in one plan; returns arrays (or the
        exception per item when raise_first is False)."""
        reqs, finish = [], []
        for ds, key in items:
            if ds.shape is None:                       # null dataspace
                finish.append(("const", None))
                continue
            whole = key is None or (ds.shape == () and key in ((), Ellipsis)) or key is Ellipsis
            if whole:
                sel, shape = None, ds.shape
            else:
                sel = select(key, ds.shape)
                shape = sel.shape
            if sel is not None and sel.empty:
                finish.append(("const", apply_post(np.empty(shape, ds.dtype), sel.post)))
                continue
            out = None if ds.dtype.hasobject else np.empty(shape, ds.dtype)
            if sel is None:
                reqs.append((ds.name, None, None, None, out))
            else:
                reqs.append((ds.name, sel.start, sel.count, sel.stride, out))
            scalar_item = ds.shape == () and isinstance(key, tuple) and key == ()
            finish.append(("read", (ds, sel, shape, out, scalar_item)))
        results = self._handle.read_many(reqs) if reqs else []
        arrays, r = [], 0
        for kind, payload in finish:
            if kind == "const":
                arrays.append(payload)
                continue
            ds, sel, shape, out, scalar_item = payload
            res = results[r]
            r += 1
            if isinstance(res, BaseException):
                if raise_first:
                    raise res
                arrays.append(res)
                continue
            arr = out if res is None else _types.values_to_array(ds._desc, res, shape)
            if ds._spacepad and res is None:
                arr = _types.strip_spacepad(arr, ds._desc)
            if sel is not None:
                arr = apply_post(arr, sel.post)
            elif scalar_item:
                arr = arr[()]                # h5py: scalar[()] is the element
            arrays.append(arr)
        return arrays
