"""Parity suite: for every HDF5 file of data/ and the shared corpus that
GDAL's built-in HDF5 driver opens, what H5CORO gives must equal what the
built-in gives (subdatasets, metadata keys and values at file, dataset and
band level, geotransform, CRS, GCPs, nodata, scale/offset, unit, band
count and types, checksums), both computed in this run by worker processes
(parity_worker.py). Every difference left is matched by one entry of
DELIBERATE below, which says why it is kept."""
import os
import sys

import pytest

from osgeo import osr

sys.path.insert(0, os.path.dirname(__file__))
from worker_runs import run_worker  # noqa: E402
from test_driver import FILES, short  # noqa: E402

WORKER = os.path.join(os.path.dirname(__file__), "parity_worker.py")
# files GDAL's netCDF driver takes (it identifies HDF5 files by their .nc name)
NC_FILES = [f for f in FILES if f.endswith((".nc", ".nc4"))]

_runs = {}


def results(mode):
    if mode not in _runs:
        files = NC_FILES if mode == "netcdf" else FILES
        _runs[mode] = run_worker(WORKER, files, lambda p: {"path": p, "crashed": True}, args=[mode])
    return _runs[mode]


def same_srs(a, b):
    if a == b:
        return True
    if not a or not b:
        return False
    sa, sb = osr.SpatialReference(), osr.SpatialReference()
    sa.ImportFromWkt(a)
    sb.ImportFromWkt(b)
    return bool(sa.IsSame(sb))


def close(a, b):
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def close_list(a, b):
    return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))


def diff_md(where, ref, mine, out):
    for k in sorted(set(ref) | set(mine)):
        if ref.get(k) != mine.get(k):
            out.append((where + ":md", k, ref.get(k), mine.get(k)))


def diff_raster(where, r, m, out):
    if r["size"] != m["size"]:
        out.append((where, "size", r["size"], m["size"]))
        return
    if not close_list(r["gt"], m["gt"]):
        out.append((where, "geotransform", r["gt"], m["gt"]))
    if not same_srs(r["srs"], m["srs"]):
        out.append((where, "srs", r["srs"][:60], m["srs"][:60]))
    if len(r["gcps"]) != len(m["gcps"]) or any(
            g[0] != h[0] or not close_list(g[1:], h[1:]) for g, h in zip(r["gcps"], m["gcps"])):
        out.append((where, "gcps", r["gcps"][:2], m["gcps"][:2]))
    if not same_srs(r["gcp_srs"], m["gcp_srs"]):
        out.append((where, "gcp_srs", r["gcp_srs"][:60], m["gcp_srs"][:60]))
    diff_md(where + ":dataset", r["md"], m["md"], out)
    for i, (rb, mb) in enumerate(zip(r["bands"], m["bands"])):
        bw = "%s:band%d" % (where, i + 1)
        for k in ("type", "checksum", "unit"):
            if rb[k] != mb[k]:
                out.append((bw, k, rb[k], mb[k]))
        for k in ("nodata", "scale", "offset"):
            if not close(rb[k], mb[k]) and not (rb[k] != rb[k] and mb[k] != mb[k]):
                out.append((bw, k, rb[k], mb[k]))
        diff_md(bw, rb["md"], mb["md"], out)


def nc_name(k):
    """Our dataset path as GDAL's netCDF driver names the variable: root
    variables without the leading '/'."""
    k = k.lstrip("/")
    return k if "/" not in k else "/" + k


def differences(path, oracle="builtin"):
    r, m = results(oracle)[path], results("h5coro")[path]
    out = []
    if r.get("crashed") or not r["opened"]:
        return None
    if m.get("crashed"):
        return [("file", "crashed", "", m.get("stderr", "")[-300:])]
    if not m["opened"]:
        return [("file", "declined", "opened", "declined")]
    rename = nc_name if oracle == "netcdf" else (lambda k: k.replace(" ", "_"))  # the built-in writes spaces as '_'
    rs, ms = dict(r["subdatasets"]), {rename(k): v for k, v in m["subdatasets"]}
    if rs != ms:
        out.append(("file", "subdatasets", sorted(rs.items())[:3], sorted(ms.items())[:3]))
    diff_md("file", r.get("file_md", {}), m.get("file_md", {}), out)
    mine = {rename(k): v for k, v in m["datasets"].items()}
    for ds in r["datasets"]:
        if ds in mine:
            diff_raster(ds, r["datasets"][ds], mine[ds], out)
        else:
            out.append((ds, "dataset", "opened", "not opened"))
    return out


def _subdatasets_superset(path, d):
    if d[1] != "subdatasets":
        return False
    r, m = results("builtin")[path], results("h5coro")[path]
    rs = {k: v for k, v in r["subdatasets"]}
    ms = {k.replace(" ", "_"): v.replace(" ", "_") for k, v in m["subdatasets"]}
    # ours adds 1-D datasets (the built-in lists 2-D and more only); ours
    # keeps spaces in names where the built-in writes '_'
    return set(rs) <= set(ms) and all(ms[k] == rs[k].replace(" ", "_") for k in rs)


def _md(level, kind):
    def f(path, d):
        if not d[0].endswith(":md") or level not in d[0]:
            return False
        return {"ours": d[3] is None, "builtin": d[2] is None, "value": None not in (d[2], d[3])}[kind]
    return f


def _value(pred):
    return lambda path, d: d[0].endswith(":md") and None not in (d[2], d[3]) and pred(d[2], d[3])


def _field(name, pred=lambda r, m: True):
    return lambda path, d: d[1] == name and not d[0].endswith(":md") and pred(d[2], d[3])


# (why, predicate(path, difference)): differences kept on purpose.
DELIBERATE = [
    ("subdatasets: ours also lists 1-D and complex datasets the built-in leaves out", _subdatasets_superset),
    ("a file with one dataset of rank >= 2 opens as that dataset, with the metadata of the root and the "
     "groups above it, not of the whole file (no walk of the file)",
     lambda p, d: d[0] == "file:md" and d[3] is None and not results("h5coro")[p]["subdatasets"]),
    ("a zero-sized dataset is no raster for us (the built-in opens a raster of 0 lines)",
     lambda p, d: d[1] == "dataset" and "zero_size" in d[0]),
    ("a null variable-length string: the core gives '' (the built-in writes {NULL})",
     _value(lambda r, m: r.replace("{NULL}", "") == m)),
    ("dataset metadata: the built-in walks the whole file for every group's attributes on each subdataset "
     "open; we give the root's and those of the groups above the dataset (a walk costs many requests on a "
     "remote file)", _md("dataset", "ours")),
    ("file metadata: we list the attributes of every object, also of datasets the built-in skips "
     "(compound tables, strings)", _md("file", "builtin")),
    ("band metadata: H5CORO_BAND_INDEX says which index of the band dimension a band is",
     lambda p, d: d[0].endswith(":md") and d[1] == "H5CORO_BAND_INDEX"),
    ("null dataspace: the built-in prints uninitialised memory, we give ''",
     _value(lambda r, m: m == "")),
    ("long values: the built-in cuts them ('Header data too long. Truncated'), we give the whole attribute",
     _value(lambda r, m: len(r) > 8000 and m.startswith(r[:r.rstrip().rfind(" ")]))),
    ("unit: ours from the CF 'units' attribute (the netCDF driver gives it too; the HDF5 driver gives none)",
     _field("unit", lambda r, m: r == "")),
    ("scale/offset: ours from CF scale_factor/add_offset (as the netCDF driver); the HDF5 driver gives none",
     lambda p, d: d[1] in ("scale", "offset") and d[2] in (None, 1.0, 0.0)),
    ("georeferencing the built-in lacks: CF grid mappings, dimension scales, coordinates",
     lambda p, d: d[1] in ("geotransform", "srs") and d[2] in ([], "")),
    ("the built-in cannot decode it (checksum -1: libhdf5 here lacks the lzf/lz4/... filter); we read it "
     "(values against h5py in test_driver.py)", lambda p, d: d[1] == "checksum" and d[2] == -1),
    ("declined: the file holds a filter, layout or object the core lacks; GDAL's own driver answers it",
     _field("declined")),
]


def deliberate(path, d):
    return any(pred(path, d) for _, pred in DELIBERATE)


@pytest.mark.parametrize("path", FILES, ids=[short(p) for p in FILES])
def test_parity(path):
    d = differences(path)
    if d is None:
        pytest.skip("the built-in HDF5 driver does not open this file")
    left = [x for x in d if not deliberate(path, x)]
    assert not left, left[:10]


def _overviews(path, prefix, drivers):
    """gdaladdo 2 4 on the first subdataset through `drivers`, then what a
    fresh open sees: overview sizes and checksums, and the .aux.xml."""
    from osgeo import gdal
    import shutil
    gdal.UseExceptions()
    name = '%s:"%s"://elevation' % (prefix, path)
    ds = gdal.OpenEx(name, gdal.OF_RASTER, allowed_drivers=drivers)
    ds.BuildOverviews("AVERAGE", [2, 4])
    ds = None
    ds = gdal.OpenEx(name, gdal.OF_RASTER, allowed_drivers=drivers)
    b = ds.GetRasterBand(1)
    out = [(b.GetOverview(i).XSize, b.GetOverview(i).YSize, b.GetOverview(i).Checksum())
           for i in range(b.GetOverviewCount())]
    ds = None
    aux = os.path.exists(path + ".aux.xml")
    shutil.rmtree(os.path.dirname(path))
    return out, aux


def test_overviews_persist_like_builtin(tmp_path):
    import shutil
    from test_driver import DATA, config_option
    src = os.path.join(DATA, "georef_grid.h5")
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        shutil.copy(src, str(tmp_path / d / "g.h5"))
    mine = _overviews(str(tmp_path / "a" / "g.h5"), "H5CORO", ["H5CORO"])
    with config_option("H5CORO_PREFER", "NO"):
        ref = _overviews(str(tmp_path / "b" / "g.h5"), "HDF5", ["HDF5Image"])
    assert ref[0] and ref[1]
    assert mine == ref


def test_file_handles_released():
    """Closing the last dataset of a file closes its file (GDAL counts open
    VSI handles; /proc/self/fd counts the descriptors under them)."""
    from osgeo import gdal
    from test_driver import DATA
    path = os.path.join(DATA, "georef_grid.h5")
    before = None
    for i in range(6):
        if i == 1:  # after one round: PROJ's database and GDAL's own files stay open once
            before = len(os.listdir("/proc/self/fd"))
        ds = gdal.OpenEx('H5CORO:"%s"://elevation' % path, gdal.OF_RASTER)
        ds.GetRasterBand(1).Checksum()
        top = gdal.OpenEx(path, gdal.OF_RASTER, allowed_drivers=["H5CORO"])
        assert top.GetMetadata("SUBDATASETS")
        ds = top = None
    assert len(os.listdir("/proc/self/fd")) == before


def test_complex_float16(tmp_path):
    """Complex float16 (a compound of two half floats) is listed and read
    as CFloat32, as the built-in driver does; values from h5py."""
    import h5py
    import numpy as np
    from osgeo import gdal
    p = str(tmp_path / "cf16.h5")
    dt = np.dtype([("r", "<f2"), ("i", "<f2")])
    a = np.zeros((3, 4), dt)
    a["r"] = np.arange(12).reshape(3, 4) * 0.5
    a["i"] = -np.arange(12).reshape(3, 4)
    with h5py.File(p, "w") as f:
        f["c"] = a
        f["d"] = np.arange(12, dtype="f4").reshape(3, 4)
    # the built-in driver in a worker (libhdf5 and h5py's copy cannot share a process)
    crashed = lambda q: {"path": q, "crashed": True}  # noqa: E731
    ref = run_worker(WORKER, [p], crashed, args=["builtin"])[p]
    mine = run_worker(WORKER, [p], crashed, args=["h5coro"])[p]
    assert ref["subdatasets"] == mine["subdatasets"]
    assert ref["datasets"]["//c"]["bands"][0]["type"] == "CFloat32"
    out = []
    diff_raster("//c", ref["datasets"]["//c"], mine["datasets"]["//c"], out)
    assert not out
    gdal.UseExceptions()
    ds = gdal.OpenEx('H5CORO:"%s"://c' % p, gdal.OF_RASTER)
    band = ds.GetRasterBand(1)
    got = band.ReadAsArray()
    np.testing.assert_array_equal(got.real, a["r"].astype("f4"))
    np.testing.assert_array_equal(got.imag, a["i"].astype("f4"))


# (why, predicate(path, difference)): differences from GDAL's netCDF driver
# kept on purpose.
NC_DELIBERATE = [
    ("band metadata: H5CORO_BAND_INDEX says which index of the band dimension a band is",
     lambda p, d: d[0].endswith(":md") and d[1] == "H5CORO_BAND_INDEX"),
    ("the HDF5 built-in cannot decode it here (checksum -1); we read it", lambda p, d: d[1] == "checksum" and d[2] == -1),
    ("not yet: without _FillValue the netCDF driver takes the fill value message (netCDF's default fill) as "
     "nodata; we give none", lambda p, d: d[1] == "nodata" and d[3] is None),
    ("a coordinate of one repeated value: the netCDF driver gives a zero-sized pixel, we no geotransform",
     lambda p, d: d[1] == "geotransform" and d[3] == [] and d[2][1] == 0),
    ("not yet: variables in sub-groups (cf_nasa_4326): their coordinate variables in the group are not "
     "found, so no geotransform, NETCDF_DIM_*_VALUES or coordinate attributes",
     lambda p, d: "/science/" in d[0]),
    ("a file of several 2-D variables with 2-D lat/lon: the netCDF driver also opens it as one geolocated "
     "raster and gives that variable's attributes at file level; we list subdatasets only",
     lambda p, d: d[0] == "file:md" and d[3] is None and "#" in d[1] and not d[1].startswith("NC_GLOBAL#")),
    ("georeferencing the netCDF driver lacks: lon/lat in degrees give WGS 84",
     lambda p, d: d[1] == "srs" and d[2] == ""),
    ("not yet (nctest_netcdf4_classic.nc): several extra dimensions (netCDF gives NETCDF_DIM_* of the first, "
     "with 0-filled values of variables it finds by name), an unlimited dimension's length, int8 worded "
     "'8-bit character', checksums of bottom-up rows without coordinates",
     lambda p, d: p.endswith("nctest_netcdf4_classic.nc")),
    ("char (NC_CHAR) arrays: the netCDF driver opens them as Byte; we do not list strings as rasters",
     lambda p, d: d[1] == "dataset" and d[3] == "not opened" and "char" in d[0]),
]


@pytest.mark.parametrize("path", NC_FILES, ids=[short(p) for p in NC_FILES])
def test_netcdf_parity(path):
    """A netCDF-4 file through H5CORO (remote ones come to it) looks as it
    does through GDAL's netCDF driver: subdataset list, NC_GLOBAL# and var#
    metadata, NETCDF_DIM_* band metadata, north-up rows, geotransform, CRS."""
    d = differences(path, "netcdf")
    if d is None:
        pytest.skip("GDAL's netCDF driver does not open this file")
    left = [x for x in d if not any(pred(path, x) for _, pred in NC_DELIBERATE)]
    assert not left, left[:10]
