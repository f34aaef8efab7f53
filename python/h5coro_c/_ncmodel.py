"""The netCDF-4 view of an HDF5 file that the xarray engine presents:
groups, dimensions (dimension scales, netCDF-4 dimensions, phony
dimensions), variables and their attributes, following the rules h5netcdf
(phony_dims="sort") applies, so both engines give the same Dataset.

Rules, in brief (facts from the netCDF-4 format and h5netcdf 1.1):
- a dataset with CLASS="DIMENSION_SCALE" is a dimension of its group; it
  is also a variable unless its NAME starts with "This is a netCDF
  dimension but not a netCDF variable";
- a variable's dimensions: _Netcdf4Coordinates (dimension ids) on a scale,
  else DIMENSION_LIST (the last scale of each axis), else its own name when
  it names a dimension, else one phony dimension per axis;
- phony dimensions of a group: per size, as many as the most axes of that
  size one unlabeled variable has, minus the group's labeled dimensions of
  that size; named phony_dim_N, N counting every dimension (labeled or
  phony) created before it in a pre-order walk of the groups by name;
- an unlimited dimension is as long as its longest attached axis.
Scanning is lazy: opening a group reads the metadata of that group and its
ancestors; earlier groups are read only to number phony dimensions or
dimensions without _Netcdf4Dimid."""
import collections
import warnings

import numpy as np

from . import _types
from .file import Dataset, Group as _H5Group

NOT_A_VARIABLE = b"This is a netCDF dimension but not a netCDF variable."
NON_COORD = "_nc4_non_coord_"
HIDDEN_ATTRS = frozenset(["REFERENCE_LIST", "CLASS", "DIMENSION_LIST", "NAME", "_Netcdf4Dimid",
                          "_Netcdf4Coordinates", "_nc3_strict", "_NCProperties"])
_MAX_DEPTH = 64      # soft links can make the group graph cyclic


def _join(group, name):
    return ("/" + name) if group == "/" else group + "/" + name


# -- values as h5py gives them -------------------------------------------

def h5py_dtype(desc):
    """The dtype h5py reports: enums {FALSE, TRUE} as bool, {r, i} float
    compounds as complex, long doubles as np.longdouble (members of
    compounds and arrays too); otherwise the binding's."""
    cls, size, mem_size, _be, _signed, extra = desc
    if cls == _types.ENUM and sorted(zip(extra[1], extra[2])) == [("FALSE", 0), ("TRUE", 1)]:
        return np.dtype(bool)
    if cls == _types.FLOAT and size > 8 and mem_size == np.dtype(np.longdouble).itemsize:
        return np.dtype(np.longdouble)
    if cls == _types.COMPOUND:
        names = [m[0] for m in extra]
        if names == ["r", "i"] and extra[0][2] == extra[1][2] and extra[0][2][0] == _types.FLOAT \
                and extra[0][2][1] in (4, 8) and extra[0][1] == 0 and extra[1][1] == extra[0][2][1]:
            return np.dtype("c%d" % (2 * extra[0][2][1]))
        return np.dtype({"names": names, "formats": [h5py_dtype(m[2]) for m in extra],
                         "offsets": [m[1] for m in extra], "itemsize": mem_size})
    if cls == _types.ARRAY:
        return np.dtype((h5py_dtype(extra[1]), tuple(extra[0])))
    if cls == _types.VLEN and extra[0]:
        return np.dtype("O")
    return _types.to_dtype(desc)


def to_h5py_values(desc, arr):
    """Values read by the binding in h5py's dtype for desc (same bytes:
    the dtypes differ only in how they name them)."""
    dt = h5py_dtype(desc)
    if dt.subdtype is not None:
        dt = dt.subdtype[0]
    if dt.kind == "S" and arr.dtype.kind == "S":
        # arrays in the file's width, a scalar as its bytes (as h5py gives them)
        return np.asarray(arr[()]) if arr.ndim == 0 else arr.astype(dt)
    if arr.dtype == dt or arr.dtype.hasobject or dt.hasobject or arr.dtype.itemsize != dt.itemsize:
        return arr
    return arr.view(dt)


def string_info(desc):
    """(length or None for vlen, encoding) for string types, else None."""
    cls, size, _m, _be, _s, extra = desc
    if cls == _types.STRING:
        return size, ("utf-8" if extra[1] == 1 else "ascii")
    if cls == _types.VLEN and extra[0]:
        return None, ("utf-8" if extra[2] == 1 else "ascii")
    return None


def raw_attrs(file, path):
    """{name: (desc, shape, value, error, code)} of an object."""
    return {a[0]: a[1:] for a in file._handle.attrs(path)}


def h5py_attr(entry):
    """An attribute as h5py.AttributeManager returns it (None: empty)."""
    desc, shape, value, error, code = entry
    if error:
        from .errors import from_code
        raise from_code(code, error)
    if desc is None or value is None:
        return None
    arr = to_h5py_values(desc, _types.values_to_array(desc, value, shape, decode=True))
    return arr[()] if arr.ndim == 0 else arr


def nc_attr(entry):
    """An attribute as h5netcdf presents it: fixed strings longer than one
    character decoded, string arrays as lists, one-element arrays as their
    element, empty (null dataspace) ones as b"" or an empty array."""
    desc = entry[0]
    out = h5py_attr(entry)
    sinfo = string_info(desc) if desc is not None else None
    if out is None:
        if sinfo is not None and sinfo[0] == 1:
            return b""
        return np.array([], dtype=h5py_dtype(desc) if desc is not None else "f4")
    if sinfo is not None:
        length, encoding = sinfo
        if length is not None and length > 1:
            if np.isscalar(out):
                out = out.decode(encoding, "surrogateescape")
            else:
                out = [b.decode(encoding, "surrogateescape") for b in out.flat]
        elif not np.isscalar(out):
            out = out.tolist()
    if not np.isscalar(out) and len(out) == 1:
        return out[0]
    return out


def visible_attrs(raw):
    """Attributes h5netcdf shows (netCDF-4 bookkeeping hidden), decoded."""
    return {k: nc_attr(v) for k, v in raw.items() if k not in HIDDEN_ATTRS}


# -- model ----------------------------------------------------------------

class Dim:
    __slots__ = ("name", "group", "length", "unlimited", "phony", "local_index", "file_dimid",
                 "path", "_size")

    def __init__(self, name, group, length, unlimited=False, phony=False, local_index=0,
                 file_dimid=None, path=None):
        self.name, self.group, self.length = name, group, length
        self.unlimited, self.phony, self.local_index = unlimited, phony, local_index
        self.file_dimid, self.path, self._size = file_dimid, path, None

    @property
    def size(self):
        if self._size is None:
            self._size = self.group.model.unlimited_size(self) if self.unlimited else self.length
        return self._size

    @property
    def maxsize(self):
        return None if self.unlimited else self.size

    @property
    def dimid(self):
        if self.phony:
            return False       # h5netcdf's value: equals 0 as a dict key
        if self.file_dimid is not None:
            return self.file_dimid
        return self.group.real_before() + self.local_index


class Var:
    __slots__ = ("h5name", "path", "ds", "raw", "_dims")

    def __init__(self, h5name, path, ds, raw):
        self.h5name, self.path, self.ds, self.raw = h5name, path, ds, raw
        self._dims = None

    @property
    def name(self):
        return self.h5name.replace(NON_COORD, "")


class NcGroup:
    """One HDF5 group as netCDF-4 sees it."""

    def __init__(self, model, path, parent):
        self.model, self.path, self.parent = model, path, parent
        self.depth = 0 if parent is None else parent.depth + 1
        self.dims = collections.OrderedDict()
        self.vars = collections.OrderedDict()
        self.children = []
        self.n_real = 0
        self._phony_sizes = []
        self._before = None
        self._scan()

    # pre-order position: dimensions created before this group's
    def real_before(self):
        return self._counts_before()[0]

    def _counts_before(self):
        if self._before is None:
            self._before = self.model.counts_before(self)
        return self._before

    def chain(self):
        """Dimensions visible here, nearest group first (a ChainMap)."""
        maps, g = [], self
        while g is not None:
            maps.append(g.dims)
            g = g.parent
        return collections.ChainMap(*maps)

    def _scan(self):
        f = self.model.file
        phony = collections.Counter()
        for e in sorted(f.list(self.path), key=lambda e: e.name.encode("utf-8", "surrogateescape")):
            obj = self._resolve(e)
            if obj is None:
                continue
            if isinstance(obj, _H5Group):
                if self.depth < _MAX_DEPTH:
                    self.children.append(e.name)
                continue
            raw = raw_attrs(f, e.path)
            cls = _h5py_get(raw, "CLASS")
            if _is_bytes_equal(cls, b"DIMENSION_SCALE"):
                self._add_real_dim(e.name, e.path, obj, raw)
            else:
                phony |= collections.Counter(unlabeled_sizes(obj, raw))
            name_attr = _h5py_get(raw, "NAME")
            if isinstance(name_attr, bytes) and NOT_A_VARIABLE in name_attr:
                continue
            self.vars[e.name] = Var(e.name, e.path, obj, raw)
        labeled = collections.Counter(d.maxsize for d in self.dims.values())
        for size, cnt in phony.items():
            for _ in range(labeled[size], cnt):
                self._phony_sizes.append(size)
        self._phony_added = False

    def _resolve(self, e):
        """The object an entry names (links followed), or None to skip."""
        if e.kind not in ("group", "dataset", "soft_link"):
            return None              # named datatypes, external links
        try:
            obj = self.model.file[e.path]
        except Exception as exc:       # noqa: BLE001 - reported, group still opens
            warnings.warn("h5coro_c: skipped %s (%s: %s)" % (e.path, type(exc).__name__, exc),
                          RuntimeWarning, stacklevel=4)
            return None
        return obj if isinstance(obj, (Dataset, _H5Group)) else None

    def _add_real_dim(self, name, path, ds, raw):
        shape = ds.shape or ()
        if not shape:
            raise ValueError("dimension scale %s has no dimensions" % path)
        unlimited = len(ds.maxshape) == 1 and ds.maxshape[0] is None
        dimid = _h5py_get(raw, "_Netcdf4Dimid")
        self.dims[name] = Dim(name, self, shape[0], unlimited, False, self.n_real,
                              None if dimid is None else int(np.asarray(dimid).ravel()[0]), path)
        self.n_real += 1

    def n_phony(self):
        return len(self._phony_sizes)

    def ensure_phony(self):
        """Add the phony dimensions (named only now: numbering needs the
        count of every dimension before this group)."""
        if self._phony_added:
            return
        self._phony_added = True
        if not self._phony_sizes:
            return
        real_before, phony_before = self._counts_before()
        base = real_before + self.n_real + phony_before
        for i, size in enumerate(self._phony_sizes):
            name = "phony_dim_%d" % (base + i)
            self.dims[name] = Dim(name, self, size, phony=True)

    def ensure_chain_phony(self):
        g = self
        while g is not None:
            g.ensure_phony()
            g = g.parent

    # -- a variable's dimensions (h5netcdf's _lookup_dimensions) --------
    def var_dims(self, var):
        if var._dims is None:
            var._dims = self._lookup(var)
        return var._dims

    def _lookup(self, var):
        raw, ds = var.raw, var.ds
        chain = self.chain()
        if "_Netcdf4Coordinates" in raw and _is_bytes_equal(_h5py_get(raw, "CLASS"), b"DIMENSION_SCALE"):
            self.ensure_chain_phony()
            chain = self.chain()
            order = {}
            for key in chain:               # root first, nearest value
                order[chain[key].dimid] = key
            return tuple(order[int(c)] for c in np.asarray(_h5py_get(raw, "_Netcdf4Coordinates")).ravel())
        if "DIMENSION_LIST" in raw and dim_status(ds, raw) == "labeled":
            return tuple(self.model.path_of(refs[-1]).rsplit("/", 1)[-1]
                         for refs in _dimension_list(raw))
        if var.h5name in chain:
            return (var.h5name,)
        dims, seen = [], collections.Counter()
        refs_per_axis = _dimension_list(raw) if "DIMENSION_LIST" in raw else None
        for axis, n in enumerate(ds.shape or ()):
            refs = refs_per_axis[axis] if refs_per_axis is not None and axis < len(refs_per_axis) else ()
            if len(refs):
                dims.append(self.model.path_of(refs[-1]).rsplit("/", 1)[-1])
                continue
            self.ensure_phony()
            same = [d.name for d in self.dims.values() if d.size == n]
            if seen[n] >= len(same):
                raise ValueError("variable %s: no dimension of size %d left for axis %d" % (var.path, n, axis))
            dims.append(same[seen[n]])
            seen[n] += 1
        return tuple(dims)

    def var_shape(self, var):
        dims = self.var_dims(var)
        chain = self.chain()
        shape = ds_shape = var.ds.shape or ()
        if len(dims) == len(ds_shape):
            shape = tuple(chain[d].size if d in chain else n for d, n in zip(dims, ds_shape))
        return shape


def _h5py_get(raw, name):
    entry = raw.get(name)
    if entry is None:
        return None
    try:
        return h5py_attr(entry)
    except Exception:   # noqa: BLE001 - an unreadable bookkeeping attribute counts as absent
        return None


def _is_bytes_equal(value, expected):
    return isinstance(value, bytes) and value == expected


def _dimension_list(raw):
    """DIMENSION_LIST as per-axis arrays of object addresses."""
    v = _h5py_get(raw, "DIMENSION_LIST")
    if v is None:
        return []
    return [np.asarray(refs, dtype=np.uint64).ravel() for refs in np.asarray(v, dtype=object).ravel()]


def _scale_counts(ds, raw):
    rank = len(ds.shape or ())
    counts = [len(r) for r in _dimension_list(raw)] if "DIMENSION_LIST" in raw else []
    return (counts + [0] * rank)[:rank]


def dim_status(ds, raw):
    """h5netcdf's _unlabeled_dimension_mix: nodim, unlabeled, labeled, or
    (where h5netcdf refuses the file) mixed: some axes have a scale, some
    not, as ICESat-2's 2-D signal_conf_ph; their unlabeled axes get phony
    dimensions here."""
    counts = _scale_counts(ds, raw)
    if not counts:
        return "nodim"
    if all(c == 0 for c in counts):
        return "unlabeled"
    return "mixed" if any(c == 0 for c in counts) else "labeled"


def unlabeled_sizes(ds, raw):
    """Sizes of the axes without a dimension scale (all axes when none has
    one), counted for phony dimensions."""
    return [n for n, c in zip(ds.shape or (), _scale_counts(ds, raw)) if c == 0]


class Model:
    """The lazily scanned netCDF-4 view of one open h5coro_c.File."""

    def __init__(self, file):
        self.file = file
        self.groups = {}
        self._addr_paths = None
        self._shapes = {}

    def group(self, path):
        """The NcGroup at path ("/"-separated, from the root), scanning
        ancestors first; KeyError when there is no such group."""
        path = "/" + path.strip("/") if path not in (None, "", "/") else "/"
        g = self._get("/", None)
        if path == "/":
            return g
        for name in path.strip("/").split("/"):
            if name not in g.children:
                raise KeyError(name)
            g = self._get(_join(g.path, name), g)
        return g

    def _get(self, path, parent):
        g = self.groups.get(path)
        if g is None:
            g = self.groups[path] = NcGroup(self, path, parent)
        return g

    def preorder(self):
        """Every group in h5netcdf's creation order (pre-order, by name)."""
        stack = [self._get("/", None)]
        while stack:
            g = stack.pop()
            yield g
            for name in reversed(g.children):
                stack.append(self._get(_join(g.path, name), g))

    def counts_before(self, target):
        real = phony = 0
        for g in self.preorder():
            if g is target:
                return real, phony
            real += g.n_real
            phony += g.n_phony()
        raise KeyError(target.path)

    def path_of(self, addr):
        """The path of the object at addr (first link found, as HDF5 names
        a dereferenced object)."""
        addr = int(addr)
        for g in self.groups.values():
            for v in list(g.vars.values()):
                if v.ds._info.get("addr") == addr:
                    return v.path
            for d in g.dims.values():
                if d.path and self._addr_of(d.path) == addr:
                    return d.path
        if self._addr_paths is None:
            self._addr_paths = {}
            for e in self.file.list("/", recursive=True):
                self._addr_paths.setdefault(e.addr, e.path)
        try:
            return self._addr_paths[addr]
        except KeyError:
            raise ValueError("DIMENSION_LIST names no object at address %d" % addr) from None

    def _addr_of(self, path):
        return self.file[path]._info.get("addr")

    def unlimited_size(self, dim):
        """Longest axis attached to an unlimited dimension (REFERENCE_LIST)."""
        size = dim.length
        ref_list = _h5py_get(raw_attrs(self.file, dim.path), "REFERENCE_LIST")
        if ref_list is None:
            return size
        for item in np.atleast_1d(ref_list):
            addr, axis = int(item[0]), int(item[1])
            try:
                shape = self.file[self.path_of(addr)].shape
            except Exception:   # noqa: BLE001 - a dangling reference adds nothing
                continue
            if shape and 0 <= axis < len(shape):
                size = max(size, shape[axis])
        return size
