"""The xarray engine "h5coro_c" against engine="h5netcdf" (Debian's
python3-h5netcdf, phony_dims="sort"), the oracle: on every file of data/
and the corpus that h5netcdf opens, the root and each group give the same
variables, dimensions, coordinates, attributes and values. Plus: the
engine is registered, opening is lazy, drop_variables, chunks={} follows
the HDF5 chunks, variables of different lengths share a group, and
netCDF-4 files written by netCDF4-python and h5netcdf themselves.

Allowed differences (narrow, counted in ALLOWED, see the README):
- attributes and variables holding references: h5py gives h5py objects,
  we give the binding's reference values (addresses);
- opaque types: h5py shows the numpy dtype an opaque tag names
  ("NUMPY:..."); the binding does not see tags: same bytes, dtype |Vn;
- vlen sequences of big-endian numbers: h5py gives their bytes unswapped;
- space-padded fixed strings with a NUL inside: h5py keeps the bytes after
  the NUL and the padding, the binding strips trailing spaces and NULs;
- groups with datasets the core does not read (virtual layout, filters
  this build lacks, vlen inside compounds): the engine skips those with a
  RuntimeWarning (h5netcdf shows them), so the group is not compared."""
import os
import warnings

import numpy as np
import pytest

from conftest import DATA, file_id, hdf5_files

xr = pytest.importorskip("xarray")
pytest.importorskip("h5netcdf")
h5py = pytest.importorskip("h5py")

import h5coro_c  # noqa: E402



def _is_h5py_ref(v):
    return type(v).__name__ in ("Reference", "RegionReference")


ALLOWED = {}
BIG = 1 << 24      # elements


def _allow(kind):
    ALLOWED[kind] = ALLOWED.get(kind, 0) + 1


def holds_h5py_refs(v):
    """An h5py object/region reference (or an array of them): h5netcdf
    shows h5py objects we have no equivalent for."""
    if _is_h5py_ref(v):
        return True
    if isinstance(v, np.ndarray) and v.dtype.kind == "O":
        return any(_is_h5py_ref(x) for x in v.ravel())
    if isinstance(v, list):
        return any(holds_h5py_refs(x) for x in v)
    return False


def _scalar_same(x, y):
    try:
        return bool(x == y or (x != x and y != y))
    except (TypeError, ValueError):
        return repr(x) == repr(y)


def values_differ(a, b):
    """None when equal (NaN equal to NaN), else why."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return "shape %s != %s" % (a.shape, b.shape)
    if a.dtype.names or b.dtype.names:
        if a.dtype.names != b.dtype.names:
            return "fields %s != %s" % (a.dtype.names, b.dtype.names)
        for n in a.dtype.names:
            r = values_differ(a[n], b[n])
            if r:
                return "field %s: %s" % (n, r)
        return None
    if a.dtype.kind == "O" or b.dtype.kind == "O":
        for x, y in zip(a.ravel(), b.ravel()):
            if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
                r = values_differ(x, y)
                if r and isinstance(y, np.ndarray) and y.dtype.kind in "iuf" \
                        and values_differ(x, y.byteswap()) is None:
                    _allow("big-endian vlen sequence h5py leaves unswapped")
                    r = None
                if r:
                    return r
            elif type(x) != type(y) or not _scalar_same(x, y):
                return "element %r != %r" % (x, y)
        return None
    if a.dtype.kind in "fc" and b.dtype.kind in "fc":
        return None if np.array_equal(a, b, equal_nan=True) else "values differ"
    try:
        return None if np.array_equal(a, b) else "values differ"
    except TypeError:
        return None if a.tobytes() == b.tobytes() else "bytes differ"


def _native(dt):
    return dt.newbyteorder("=")


def attr_differs(x, y):
    numeric = (np.generic, int, float)
    if type(x) != type(y) and not (isinstance(x, numeric) and isinstance(y, numeric)):
        return "type %s != %s (%r vs %r)" % (type(x).__name__, type(y).__name__, x, y)
    if isinstance(x, list):
        if len(x) != len(y):
            return "list length %d != %d" % (len(x), len(y))
        for a, b in zip(x, y):
            r = attr_differs(a, b)
            if r:
                return r
        return None
    if isinstance(x, (str, bytes)):
        return None if x == y else "%r != %r" % (x, y)
    r = values_differ(x, y)
    if r is None and isinstance(x, (np.ndarray, np.generic)) and isinstance(y, (np.ndarray, np.generic)):
        dx, dy = np.asarray(x).dtype, np.asarray(y).dtype
        if _native(dx) != _native(dy) and not (dx.kind == dy.kind == "O"):
            return "dtype %s != %s" % (dx, dy)
    return r


def attrs_differ(a, b, where, skip_refs=True):
    out = []
    if set(a) != set(b):
        out.append("%s attribute names: only ours %s, only h5netcdf %s"
                   % (where, sorted(set(a) - set(b)), sorted(set(b) - set(a))))
    for k in sorted(set(a) & set(b)):
        if skip_refs and holds_h5py_refs(b[k]):
            _allow("reference attribute")
            continue
        r = attr_differs(a[k], b[k])
        if r:
            out.append("%s attribute %s: %s" % (where, k, r))
    return out


def differences(ours, ref):
    """[str]: how Dataset ours differs from ref (empty when identical)."""
    out = []
    if dict(ours.dims) != dict(ref.dims):
        out.append("dims %s != %s" % (dict(ours.dims), dict(ref.dims)))
    if set(ours.coords) != set(ref.coords):
        out.append("coords %s != %s" % (sorted(ours.coords), sorted(ref.coords)))
    if set(ours.variables) != set(ref.variables):
        out.append("variables: only ours %s, only h5netcdf %s"
                   % (sorted(set(ours.variables) - set(ref.variables)),
                      sorted(set(ref.variables) - set(ours.variables))))
    for k in sorted(set(ours.variables) & set(ref.variables)):
        a, b = ours.variables[k], ref.variables[k]
        if a.dims != b.dims:
            out.append("%s: dims %s != %s" % (k, a.dims, b.dims))
            continue
        if b.dtype.kind == "O" and holds_h5py_refs(b.values):
            _allow("reference variable")
            out += attrs_differ(a.attrs, b.attrs, k)
            continue
        if _native(a.dtype) != _native(b.dtype):
            if a.dtype.kind == "V" and a.dtype.itemsize == b.dtype.itemsize and not a.dtype.names:
                _allow("opaque dtype")
            else:
                out.append("%s: dtype %s != %s" % (k, a.dtype, b.dtype))
        if b.size > BIG:      # a head of a huge (mostly fill) variable is enough here
            head = {d: slice(0, 1000) for d in a.dims}
            a, b = a[head], b[head]
        r = values_differ(a.values, b.values)
        if r and a.dtype.kind == b.dtype.kind == "S" and values_differ(
                np.char.rstrip(a.values, b" \0"), np.char.rstrip(b.values, b" \0")) is None:
            _allow("space-padded string with a NUL")
            r = None
        if r:
            out.append("%s: %s" % (k, r))
        out += attrs_differ(a.attrs, b.attrs, k)
    out += attrs_differ(ours.attrs, ref.attrs, "group")
    return out


# -- the oracle comparison ------------------------------------------------

def _groups(path):
    out = ["/"]
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: out.append("/" + n) if isinstance(o, h5py.Group) else None)
    return out


def _open_ref(path, group, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return xr.open_dataset(path, engine="h5netcdf", phony_dims="sort", group=group, **kw)


def _open_ours(path, group, **kw):
    """(Dataset, reason it is not comparable or None)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            ds = xr.open_dataset(path, engine="h5coro_c", group=group, **kw)
            for v in ds.variables.values():
                if v.size <= BIG:
                    v.load()
        except h5coro_c.UnsupportedError as e:
            return None, "unsupported by the core: %s" % e
    skipped = [str(w.message) for w in caught if "h5coro_c: skipped" in str(w.message)]
    if skipped:
        return ds, "; ".join(skipped)
    return ds, None


def _files():
    out = []
    for p in hdf5_files():
        try:
            groups = _groups(p)
        except Exception:      # noqa: BLE001 - h5py cannot walk it: no oracle
            continue
        out.append(pytest.param(p, groups, id=file_id(p)))
    return out


@pytest.mark.parametrize("path,groups", _files())
def test_same_as_h5netcdf(path, groups):
    compared, problems = 0, []
    for g in groups:
        try:
            ref = _open_ref(path, g)
            for v in ref.variables.values():
                if v.size <= BIG:
                    v.load()
        except Exception:      # noqa: BLE001 - h5netcdf does not open it: nothing to compare
            continue
        ours, why = _open_ours(path, g)
        if why:
            _allow("group with a dataset the core does not read")
            continue
        # differences() rather than identical(): xarray's comparison raises on
        # structured attributes and warns on vlen sequences, and ignores
        # attribute types, which differences() checks
        problems += ["%s: %s" % (g, d) for d in differences(ours, ref)]
        compared += 1
    assert not problems, "\n".join(problems[:20])
    if not compared:
        pytest.skip("h5netcdf opens no group of this file (or the core reads none)")


# -- netCDF-4 files written here by netCDF-C and h5netcdf -----------------

def _write_netcdf4(path):
    """Groups, a dimension without a coordinate variable, an unlimited
    dimension with a shorter variable, a 2-D coordinate, a variable named
    as a dimension it does not use (_nc4_non_coord_), strings."""
    netCDF4 = pytest.importorskip("netCDF4")
    with netCDF4.Dataset(path, "w") as nc:
        nc.title = "written by netCDF4-python"
        nc.createDimension("time", None)
        nc.createDimension("x", 4)
        nc.createDimension("nv", 2)
        t = nc.createVariable("time", "f8", ("time",))
        t.units = "days since 2000-01-01"
        t[:] = np.arange(5.0)
        v = nc.createVariable("v", "f4", ("time", "x"), fill_value=-9.0, chunksizes=(2, 4))
        v[:3] = np.arange(12, dtype="f4").reshape(3, 4)
        b = nc.createVariable("bnds", "i4", ("x", "nv"))
        b[:] = np.arange(8).reshape(4, 2)
        s = nc.createVariable("names", str, ("x",))
        for i in range(4):
            s[i] = "name%d" % i
        g = nc.createGroup("sub")
        g.createDimension("y", 3)
        y = g.createVariable("y", "i2", ("y",))
        y[:] = [10, 20, 30]
        w = g.createVariable("w", "f8", ("y", "x"), zlib=True)
        w.scale_factor = 0.5
        w[:] = np.ones((3, 4))
        c = g.createVariable("x2d", "f4", ("y", "x"))
        c[:] = np.zeros((3, 4))
        n = g.createVariable("nv", "i4", ("y",))       # name of a dimension it does not use
        n[:] = [1, 2, 3]
        g.createGroup("deeper").createVariable("scalar", "f8", ())[...] = 3.5


def _write_h5netcdf(path):
    import h5netcdf
    with h5netcdf.File(path, "w") as f:
        f.dimensions = {"a": 3, "b": None}
        f.attrs["history"] = "written by h5netcdf"
        v = f.create_variable("data", ("a", "b"), "f4", chunks=(1, 2))
        f.resize_dimension("b", 4)
        v[...] = np.arange(12, dtype="f4").reshape(3, 4)
        f.create_variable("a", ("a",), "i8", data=[1, 2, 3])
        g = f.create_group("g")
        g.dimensions = {"c": 2}
        g.create_variable("inner", ("c", "a"), "f8", data=np.ones((2, 3)))


@pytest.mark.parametrize("writer", [_write_netcdf4, _write_h5netcdf])
def test_written_netcdf4(tmp_path, writer):
    path = str(tmp_path / "w.nc")
    writer(path)
    for g in _groups(path):
        ref = _open_ref(path, g).load()
        ours, why = _open_ours(path, g)
        assert why is None, why
        assert differences(ours, ref) == []
        xr.testing.assert_identical(ours, ref)


def _write_different_lengths(path):
    """ICESat-2 style: 1-D datasets of different lengths in one group, no
    dimension scales (the seed's engine fails here), plus a 2-D one."""
    with h5py.File(path, "w") as f:
        g = f.create_group("gt1l/heights")
        g["h_ph"] = np.arange(10, dtype="f4")
        g["lat_ph"] = np.linspace(0, 1, 10)
        g["segment_id"] = np.arange(7, dtype="i4")
        g["two_d"] = np.zeros((7, 10), "f4")
        g["same"] = np.zeros((10, 10), "i2")
        f["gt1l/scalar"] = 1.5


def test_different_lengths(tmp_path):
    path = str(tmp_path / "lengths.h5")
    _write_different_lengths(path)
    ours = xr.open_dataset(path, engine="h5coro_c", group="/gt1l/heights")
    ref = _open_ref(path, "/gt1l/heights").load()
    assert differences(ours.load(), ref) == []
    xr.testing.assert_identical(ours, ref)
    assert ours["h_ph"].dims != ours["segment_id"].dims
    assert ours["same"].dims[0] != ours["same"].dims[1]
    np.testing.assert_array_equal(ours["segment_id"].values, np.arange(7))


# -- engine behaviour -------------------------------------------------------

def test_engine_registered():
    assert "h5coro_c" in xr.backends.list_engines()


CF = os.path.join(DATA, "netcdf4_cf.nc")


class _ReadLog:
    """Which datasets the engine reads (wraps File._read_selections)."""

    def __init__(self, monkeypatch):
        self.paths = []
        orig = h5coro_c.File._read_selections

        def logged(f, items, raise_first=True):
            self.paths += [ds.name for ds, _ in items]
            return orig(f, items, raise_first)
        monkeypatch.setattr(h5coro_c.File, "_read_selections", logged)


def test_lazy(monkeypatch):
    log = _ReadLog(monkeypatch)
    ds = xr.open_dataset(CF, engine="h5coro_c")
    # dimension coordinates become pandas indexes at open (as for every
    # engine); data variables are not read
    assert "/tas" not in log.paths and "/pr" not in log.paths
    part = ds["tas"].isel(time=0, lat=slice(0, 2)).values
    assert log.paths.count("/tas") == 1
    ref = _open_ref(CF, None)["tas"].isel(time=0, lat=slice(0, 2)).values
    np.testing.assert_array_equal(part, ref)


def test_drop_variables():
    ours = xr.open_dataset(CF, engine="h5coro_c", drop_variables=["tas", "time_bnds"])
    assert "tas" not in ours and "time_bnds" not in ours
    ref = _open_ref(CF, None, drop_variables=["tas", "time_bnds"])
    xr.testing.assert_identical(ours, ref)


def test_chunks_follow_hdf5_chunks(tmp_path):
    pytest.importorskip("dask")
    path = str(tmp_path / "chunked.nc")
    _write_netcdf4(path)
    with h5py.File(path, "r") as f:
        chunked = {}
        f.visititems(lambda n, o: chunked.setdefault("/" + n, o.chunks)
                     if isinstance(o, h5py.Dataset) and o.chunks and o.ndim else None)
    assert chunked
    groups = sorted({p.rsplit("/", 1)[0] or "/" for p in chunked})
    checked = 0
    for g in groups:
        ds = xr.open_dataset(path, engine="h5coro_c", group=g, chunks={})
        ref = _open_ref(path, g)
        for name, var in ds.data_vars.items():
            h5chunks = chunked.get(_join(g, name))
            if h5chunks is None:
                continue
            assert var.encoding["preferred_chunks"] == dict(zip(var.dims, h5chunks))
            for sizes, c, n in zip(var.chunks, h5chunks, var.shape):
                assert all(s == c for s in sizes[:-1]) and 0 < sizes[-1] <= c and sum(sizes) == n
            np.testing.assert_array_equal(var.values, ref[name].values)
            checked += 1
    assert checked


def _join(g, name):
    return ("/" + name) if g == "/" else g + "/" + name


def test_group_not_found():
    with pytest.raises(OSError, match="group not found"):
        xr.open_dataset(CF, engine="h5coro_c", group="/nope")


def test_open_file_object_and_storage_options():
    with h5coro_c.File(CF) as f:
        a = xr.open_dataset(f, engine="h5coro_c").load()
    b = xr.open_dataset(CF, engine="h5coro_c", storage_options={"threads": 2}).load()
    xr.testing.assert_identical(a, b)
    xr.testing.assert_identical(a, _open_ref(CF, None).load())


def test_pickle_for_dask(tmp_path):
    import pickle
    path = str(tmp_path / "lengths.h5")
    _write_different_lengths(path)
    ds = xr.open_dataset(path, engine="h5coro_c", group="gt1l/heights")
    again = pickle.loads(pickle.dumps(ds))
    xr.testing.assert_identical(again.load(), ds.load())
