"""Tests of the H5CORO GDAL driver plugin against GDAL's built-in HDF5 and
netCDF drivers, h5py and rasterio.

Environment (set by ctest): GDAL_DRIVER_PATH (directory of gdal_H5CORO.so),
H5CORO_TEST_DATA (data/), H5CORO_CORPUS (shared corpus, optional).
"""
import glob
import hashlib
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from osgeo import gdal, osr

import h5py

from worker_runs import run_worker  # noqa: E402

gdal.UseExceptions()


class config_option:
    """gdal.config_option() of newer bindings."""

    def __init__(self, key, value):
        self.key, self.value = key, value

    def __enter__(self):
        self.old = gdal.GetConfigOption(self.key)
        gdal.SetConfigOption(self.key, self.value)

    def __exit__(self, *exc):
        gdal.SetConfigOption(self.key, self.old)


gdal.config_option = config_option

DATA = os.environ.get("H5CORO_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "data"))
CORPUS = os.environ.get("H5CORO_CORPUS", "")


def data_files():
    files = sorted(glob.glob(os.path.join(DATA, "*.h5")) + glob.glob(os.path.join(DATA, "*.nc")) +
                   glob.glob(os.path.join(DATA, "*.he5")))
    if CORPUS and os.path.isdir(CORPUS):
        for root, _, names in os.walk(CORPUS):
            for n in sorted(names):
                files.append(os.path.join(root, n))
    return files


def is_hdf5(path):
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return False
    off = 0
    while off + 8 <= len(head):
        if head[off:off + 8] == b"\x89HDF\r\n\x1a\n":
            return True
        off = 512 if off == 0 else off * 2
    return False


FILES = [f for f in data_files() if is_hdf5(f)]


def short(path):
    return os.path.relpath(path, os.path.dirname(DATA.rstrip("/")))


def open_with(name, driver):
    try:
        return gdal.OpenEx(name, gdal.OF_RASTER, allowed_drivers=[driver])
    except RuntimeError:
        return None


def subdatasets(ds, prefix):
    """{dataset path: dims} of a dataset's SUBDATASETS."""
    out = {}
    if ds is None:
        return out
    md = ds.GetMetadata("SUBDATASETS") or {}
    for k, v in md.items():
        if not k.endswith("_NAME"):
            continue
        desc = md[k[:-5] + "_DESC"]
        m = re.match(r"\[([0-9x]+)\] (.+) \((.*)\)$", desc)
        assert m, desc
        assert v.startswith(prefix + ':"'), v
        path = v.rsplit(":", 1)[1]
        out[path] = (tuple(int(x) for x in m.group(1).split("x")), m.group(3))
    return out


_builtin = None


def builtin_results():
    """Built-in driver results for every file, from a child process that is
    restarted past any file on which the built-in driver crashes."""
    global _builtin
    if _builtin is None:
        worker = os.path.join(os.path.dirname(__file__), "builtin_worker.py")
        _builtin = run_worker(worker, FILES, lambda f: {"path": f, "crashed": True, "subdatasets": {},
                                                        "datasets": {}})
    return _builtin


def builtin_listing(path):
    r = builtin_results().get(path, {"subdatasets": {}})
    return {k: (tuple(int(x) for x in v[0].split("x")), v[1]) for k, v in r["subdatasets"].items()}


def test_plugin_loaded():
    drv = gdal.GetDriverByName("H5CORO")
    assert drv is not None, "gdal_H5CORO.so not loaded (GDAL_DRIVER_PATH=%s)" % os.environ.get("GDAL_DRIVER_PATH")
    md = drv.GetMetadata()
    assert md["DCAP_RASTER"] == "YES"
    assert md["DCAP_MULTIDIM_RASTER"] == "YES"
    assert md["DCAP_VIRTUALIO"] == "YES"
    assert md["DMD_SUBDATASETS"] == "YES"
    assert md["DMD_EXTENSIONS"] == "h5 hdf5 he5 nc"
    assert "BAND_DIM" in md["DMD_OPENOPTIONLIST"]
    # probed before the built-in drivers
    names = [gdal.GetDriver(i).ShortName for i in range(gdal.GetDriverCount())]
    assert names.index("H5CORO") < names.index("HDF5")


def h5py_array(path, dspath):
    with h5py.File(path, "r") as f:
        a = f[dspath][()]
    if a.dtype.names and len(a.dtype.names) == 2:  # complex as a (real, imaginary) compound
        r, i = (a[n] for n in a.dtype.names)
        a = r + 1j * i if r.dtype.kind == "f" else np.stack([r, i], axis=-1)
    if a.dtype.kind == "f" and a.dtype.itemsize == 2:
        a = a.astype(np.float32)
    if a.ndim == 1:
        a = a.reshape(1, 1, -1)
    elif a.ndim == 2:
        a = a.reshape((1,) + a.shape)
    else:
        a = a.reshape((-1,) + a.shape[-2:])
    return a


def gdal_array(ds):
    a = ds.ReadAsArray()
    if a is None:
        return None
    if a.ndim == 2:
        a = a.reshape((1,) + a.shape)
    return a


def same_array(a, b):
    a = np.asarray(a)
    b = np.asarray(b)
    if a.dtype.itemsize == 1 and b.dtype.itemsize == 1 and a.dtype.kind in "iu" and b.dtype.kind in "iu":
        a, b = a.view(np.uint8), b.view(np.uint8)  # int8: Byte + PIXELTYPE=SIGNEDBYTE
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "fc" and b.dtype.kind in "fc":
        return np.array_equal(a, b, equal_nan=True)
    return np.array_equal(a, b)


# Datasets the built-in driver reads wrongly, so only h5py is compared.
BUILTIN_NO_ORACLE = {
    ("../shared/corpus/files/hdf5/tfilters.h5", "//nbit"): "an int32 of 15-bit precision (nbit filter): the built-in maps it to Byte "
                                    "and reads bytes of it; h5py and we read int32",
}


@pytest.mark.parametrize("path", FILES, ids=[short(f) for f in FILES])
def test_datasets_match_builtin(path):
    """Every dataset the built-in driver opens: same checksums, same arrays,
    same as h5py; subdataset sets equal for 2-D and 3-D datasets."""
    builtin = builtin_listing(path)
    ours_ds = open_with(path, "H5CORO")
    # the built-in HDF5 driver defers netCDF-4 and BAG files to other drivers
    declined_by_builtin = not builtin
    # the built-in driver writes spaces in object names as '_' (HDF-EOS5's
    # "Data Fields"); ours keeps the real names
    our_name = {}
    if ours_ds is not None and ours_ds.RasterCount == 0 and not declined_by_builtin:
        ours = {k.replace(" ", "_"): v for k, v in subdatasets(ours_ds, "H5CORO").items()}
        our_name = {k.replace(" ", "_"): k for k in subdatasets(ours_ds, "H5CORO")}
        ours23 = {k: v for k, v in ours.items() if len(v[0]) in (2, 3)}
        assert set(ours23) == set(builtin), (sorted(set(ours23) ^ set(builtin)))
        for k in builtin:
            assert ours23[k][0] == builtin[k][0], k
            assert ours23[k][1] == builtin[k][1], k
    ref_info = builtin_results()[path]["datasets"]
    for dspath, ref in ref_info.items():
        if 0 in ref["size"]:
            continue  # zero-sized: not a GDAL raster for this driver
        dspath = our_name.get(dspath, dspath)
        ours1 = open_with('H5CORO:"%s":%s' % (path, dspath), "H5CORO")
        if ours1 is None and ours_ds is None:
            # the driver declined the file: the core lacks a feature it needs
            continue
        assert ours1 is not None, dspath
        assert [ours1.RasterXSize, ours1.RasterYSize, ours1.RasterCount] == ref["size"], dspath
        why = BUILTIN_NO_ORACLE.get((short(path), dspath))
        if ref["digest"] is None or why:
            # the built-in opened it but could not decode it (libhdf5 here has
            # no lzf, lz4, ... filter), or decodes it wrongly: h5py is the oracle
            assert same_array(gdal_array(ours1), h5py_array(path, dspath)), dspath
            continue
        for b in range(1, ours1.RasterCount + 1):
            ob = ours1.GetRasterBand(b)
            assert ob.DataType == ref["types"][b - 1], dspath
            assert ob.Checksum() == ref["checksums"][b - 1], (dspath, b)
        a_our = ours1.ReadAsArray()
        assert str(a_our.dtype) == ref["dtype"] or {str(a_our.dtype), ref["dtype"]} == {"int8", "uint8"}, dspath
        assert hashlib.sha256(a_our.tobytes()).hexdigest() == ref["digest"], dspath
        assert same_array(gdal_array(ours1), h5py_array(path, dspath)), dspath
    if ours_ds is None and builtin:
        # declined: a plain open must still succeed through the built-in driver
        ds = gdal.Open(path)
        assert ds.GetDriver().ShortName != "H5CORO"


NUMERIC_KINDS = "iuf"


def h5py_numeric(path):
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and obj.shape is not None and len(obj.shape) >= 1:
            dt = obj.dtype
            if obj.id.get_type().get_class() == h5py.h5t.BITFIELD:
                return
            if dt.kind in NUMERIC_KINDS and dt.itemsize in (1, 2, 4, 8) and not (dt.kind == "f" and dt.itemsize < 4) \
                    and h5py.check_enum_dtype(dt) is None:
                out["//" + name] = tuple(obj.shape)
            elif dt.kind == "c":
                out["//" + name] = tuple(obj.shape)

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return out


DATA_FILES = [f for f in FILES if os.path.dirname(f) == os.path.normpath(DATA)]


@pytest.mark.parametrize("path", DATA_FILES, ids=[short(f) for f in DATA_FILES])
def test_all_subdatasets_vs_h5py(path):
    """1-D and >= 4-D subdatasets (the built-in driver lists neither)."""
    ds = open_with(path, "H5CORO")
    if ds is None or ds.RasterCount:
        pytest.skip("declined or opened directly")
    ours = subdatasets(ds, "H5CORO")
    ref = h5py_numeric(path)
    if path.endswith((".nc", ".nc4")):  # netCDF view: variables of 2+ dimensions, as GDAL's netCDF driver
        ref = {k: v for k, v in ref.items() if len(v) >= 2}
    # h5py visits each object once (first hard link); the driver lists
    # every hard link
    for k, v in ref.items():
        assert k in ours or any(ours[o][0] == v for o in ours), k
    for k, (shape, _) in ours.items():
        if len(shape) in (1,) or len(shape) >= 4:
            with h5py.File(path, "r") as f:
                assert f[k[2:]].shape == shape
            sub = gdal.Open('H5CORO:"%s":%s' % (path, k)) if 0 not in shape else None
            if sub is not None:
                assert same_array(gdal_array(sub), h5py_array(path, k[2:])), k


def georef_ref(name):
    with gdal.config_option("H5CORO_PREFER", "NO"):
        return gdal.OpenEx(name, gdal.OF_RASTER, allowed_drivers=["netCDF"])


def test_georef_grid():
    path = os.path.join(DATA, "georef_grid.h5")
    for var in ("elevation", "landcover"):
        ours = gdal.Open('H5CORO:"%s"://%s' % (path, var))
        ref = georef_ref('NETCDF:"%s":%s' % (path, var))
        assert ours.GetGeoTransform() == pytest.approx((500000, 30, 0, 4100000, 0, -30))
        assert ours.GetGeoTransform() == pytest.approx(ref.GetGeoTransform())
        srs = ours.GetSpatialRef()
        assert srs is not None and srs.IsSame(ref.GetSpatialRef())
        epsg = osr.SpatialReference()
        epsg.ImportFromEPSG(32611)
        assert srs.IsSame(epsg)
    el_ds = gdal.Open('H5CORO:"%s"://elevation' % path)
    el = el_ds.GetRasterBand(1)
    assert el.GetNoDataValue() == -9999
    assert el.GetUnitType() == "m"


def test_netcdf_cf():
    path = os.path.join(DATA, "netcdf4_cf.nc")
    with h5py.File(path, "r") as f:
        lat = f["lat"][()].astype(float)
        lon = f["lon"][()].astype(float)
        attrs = dict(f["tas"].attrs)
    dx = (lon[-1] - lon[0]) / (len(lon) - 1)
    dy = (lat[-1] - lat[0]) / (len(lat) - 1)
    expected = (lon[0] - dx / 2, dx, 0, lat[0] - dy / 2, 0, dy)
    ref = georef_ref('NETCDF:"%s":tas' % path)
    for var in ("tas", "pr"):
        ours = gdal.Open('H5CORO:"%s"://%s' % (path, var))
        assert ours.RasterCount == 3
        # south-up rows (lat increases) are served north-up, as the netCDF driver does
        assert ours.GetGeoTransform() == pytest.approx(ref.GetGeoTransform())
        assert ours.GetGeoTransform()[3] + ours.GetGeoTransform()[5] * ours.RasterYSize == pytest.approx(expected[3])
        assert ours.GetSpatialRef().IsSame(ref.GetSpatialRef())
    tas = gdal.Open('H5CORO:"%s"://tas' % path)
    b = tas.GetRasterBand(1)
    assert b.GetScale() == pytest.approx(float(attrs["scale_factor"][0]))
    assert b.GetOffset() == pytest.approx(float(attrs["add_offset"][0]))
    assert b.GetNoDataValue() == float(attrs["_FillValue"][0])
    assert b.GetUnitType() == "K"
    # keys and pixels as GDAL's netCDF driver gives them (a .nc file)
    assert b.GetMetadataItem("standard_name") == "air_temperature"
    mine = {k: v for k, v in b.GetMetadata().items() if k != "H5CORO_BAND_INDEX"}  # ours, deliberate
    assert mine == ref.GetRasterBand(1).GetMetadata()
    ours = gdal.Open('H5CORO:"%s"://tas' % path).ReadAsArray()
    assert np.array_equal(ours, ref.ReadAsArray())


def test_rasterio_reads():
    rasterio = pytest.importorskip("rasterio")
    from rasterio.windows import Window
    path = os.path.join(DATA, "large_chunked_f4.h5")
    with h5py.File(path, "r") as f:
        name = [k for k in f if isinstance(f[k], h5py.Dataset) and f[k].ndim == 2][0]
        ref = f[name][()]
    with rasterio.open('H5CORO:"%s"://%s' % (path, name)) as src:
        assert src.driver == "H5CORO"
        assert src.shape == ref.shape
        assert np.array_equal(src.read(1), ref)
        w = src.read(1, window=Window(37, 101, 200, 150))
        assert np.array_equal(w, ref[101:251, 37:237])
    geo = os.path.join(DATA, "georef_grid.h5")
    with rasterio.open('H5CORO:"%s"://elevation' % geo) as src:
        assert src.crs.to_epsg() == 32611
        assert src.transform.a == 30 and src.transform.c == 500000
        assert src.nodata == -9999
    with rasterio.open(geo) as src:  # plain path: subdatasets
        assert any("elevation" in s for s in src.subdatasets)


def test_window_reads_match_blocks():
    path = os.path.join(DATA, "large_chunked_f4.h5")
    with h5py.File(path, "r") as f:
        name = [k for k in f if isinstance(f[k], h5py.Dataset) and f[k].ndim == 2][0]
    ds = gdal.Open('H5CORO:"%s"://%s' % (path, name))
    full = ds.ReadAsArray()
    win = ds.ReadAsArray(30, 70, 300, 200)
    as_f64 = ds.GetRasterBand(1).ReadAsArray(5, 6, 100, 90, buf_type=gdal.GDT_Float64)
    with gdal.config_option("H5CORO_WINDOW_READS", "NO"):
        ds2 = gdal.Open('H5CORO:"%s"://%s' % (path, name))
        assert np.array_equal(ds2.ReadAsArray(), full)
        assert np.array_equal(ds2.ReadAsArray(30, 70, 300, 200), win)
    assert np.array_equal(full[70:270, 30:330], win)
    assert np.array_equal(as_f64, full[6:96, 5:105].astype(np.float64))
    # multi-band window (3-D), pixel-interleaved buffer through the dataset
    nc = os.path.join(DATA, "netcdf4_cf.nc")
    ds = gdal.Open('H5CORO:"%s"://pr' % nc)
    a = ds.ReadAsArray(3, 2, 20, 10, interleave="pixel")
    b = ds.ReadAsArray(3, 2, 20, 10)
    assert np.array_equal(np.moveaxis(a, 2, 0), b, equal_nan=True)


def test_band_dim_option():
    path = os.path.join(DATA, "dtypes_v110.h5")
    with h5py.File(path, "r") as f:
        a = f["rank3_f4"][()]
    ds = gdal.OpenEx('H5CORO:"%s"://rank3_f4' % path, open_options=["BAND_DIM=2"])
    assert (ds.RasterCount, ds.RasterYSize, ds.RasterXSize) == (a.shape[2], a.shape[0], a.shape[1])
    assert np.array_equal(ds.ReadAsArray(), np.moveaxis(a, 2, 0))
    ds = gdal.OpenEx('H5CORO:"%s"://rank3_f4' % path, open_options=["BAND_DIM=1"])
    assert np.array_equal(ds.ReadAsArray(), np.moveaxis(a, 1, 0))


def test_int8_signedbyte():
    path = os.path.join(DATA, "dtypes_v110.h5")
    ds = gdal.Open('H5CORO:"%s"://int_i1' % path)
    b = ds.GetRasterBand(1)
    assert b.DataType == gdal.GDT_Byte
    assert b.GetMetadataItem("PIXELTYPE", "IMAGE_STRUCTURE") == "SIGNEDBYTE"
    with h5py.File(path, "r") as f:
        assert np.array_equal(ds.ReadAsArray().ravel().view(np.int8), f["int_i1"][()])
    ds = gdal.Open('H5CORO:"%s"://int_le_i8' % path)
    assert ds.GetRasterBand(1).DataType == gdal.GDT_Int64


def test_translate_geotiff(tmp_path):
    for path, var in ((os.path.join(DATA, "georef_grid.h5"), "elevation"),
                      (os.path.join(DATA, "netcdf4_cf.nc"), "tas"),
                      (os.path.join(DATA, "large_chunked_f4.h5"), None)):
        if var is None:
            with h5py.File(path, "r") as f:
                var = [k for k in f if isinstance(f[k], h5py.Dataset) and f[k].ndim == 2][0]
        ours = str(tmp_path / ("ours_%s.tif" % var))
        ref = str(tmp_path / ("ref_%s.tif" % var))
        gdal.Translate(ours, 'H5CORO:"%s"://%s' % (path, var))
        with gdal.config_option("H5CORO_PREFER", "NO"):
            if path.endswith(".nc"):  # the netCDF-4 view is the netCDF driver's
                gdal.Translate(ref, gdal.OpenEx('NETCDF:"%s":%s' % (path, var), allowed_drivers=["netCDF"]))
            else:
                gdal.Translate(ref, gdal.OpenEx('HDF5:"%s"://%s' % (path, var), allowed_drivers=["HDF5Image"]))
        a, b = gdal.Open(ours), gdal.Open(ref)
        assert a.RasterCount == b.RasterCount
        assert np.array_equal(a.ReadAsArray(), b.ReadAsArray(), equal_nan=True)
        if var == "elevation":
            assert a.GetGeoTransform() == pytest.approx((500000, 30, 0, 4100000, 0, -30))
            assert a.GetSpatialRef().GetAuthorityCode(None) == "32611"


def test_precedence():
    path = os.path.join(DATA, "georef_grid.h5")
    assert gdal.Open(path).GetDriver().ShortName == "H5CORO"
    nc = os.path.join(DATA, "netcdf4_cf.nc")
    # a local netCDF file goes to GDAL's netCDF driver (its raster view:
    # bottom-up flip, NETCDF_DIM_*); remote ones and H5CORO_LOCAL_ALL=YES come here
    assert gdal.Open(nc).GetDriver().ShortName == "netCDF"
    with gdal.config_option("H5CORO_LOCAL_ALL", "YES"):
        assert gdal.Open(nc).GetDriver().ShortName == "H5CORO"
    assert gdal.OpenEx(nc, allowed_drivers=["H5CORO"]).GetDriver().ShortName == "H5CORO"
    with gdal.config_option("H5CORO_PREFER", "NO"):
        assert gdal.Open(path).GetDriver().ShortName in ("HDF5", "netCDF")
        assert gdal.Open(nc).GetDriver().ShortName in ("HDF5", "netCDF")
        # explicit names still work
        assert gdal.Open('H5CORO:"%s"://elevation' % path).GetDriver().ShortName == "H5CORO"
    with gdal.config_option("H5CORO_LOCAL", "NO"):
        assert gdal.Open(path).GetDriver().ShortName != "H5CORO"
    # -if / allowed_drivers choose explicitly
    assert gdal.OpenEx(path, allowed_drivers=["HDF5"]).GetDriver().ShortName == "HDF5"


def test_unsupported_falls_back_silently(tmp_path):
    # zfp (filter 32013, written here through Debian's hdf5plugin) has no
    # decoder in the core: the file goes to the built-in driver, without an error
    hdf5plugin = pytest.importorskip("hdf5plugin")
    path = str(tmp_path / "zfp.h5")
    with h5py.File(path, "w") as f:
        f.create_dataset("grid", data=np.arange(64 * 64, dtype="f4").reshape(64, 64), chunks=(32, 32),
                         **hdf5plugin.Zfp(rate=16))
        f.create_dataset("other", data=np.zeros((8, 8), dtype="f4"))
    gdal.ErrorReset()
    ds = gdal.Open(path)
    assert ds is not None
    assert ds.GetDriver().ShortName != "H5CORO"
    assert gdal.GetLastErrorType() == gdal.CE_None
    # an explicit name reports the core's error
    with pytest.raises(RuntimeError, match="H5CORO"):
        gdal.Open('H5CORO:"%s"://grid' % path)


def test_explicit_errors():
    path = os.path.join(DATA, "georef_grid.h5")
    with pytest.raises(RuntimeError, match="H5CORO"):
        gdal.Open('H5CORO:"%s"://no_such_dataset' % path)
    with pytest.raises(RuntimeError, match="H5CORO"):
        gdal.Open('H5CORO:"%s"://nope.h5"://x' % path)
    with pytest.raises(RuntimeError):
        gdal.Open('H5CORO:"%s"://x' % os.path.join(DATA, "no_such_file.h5"))
    # non-numeric datasets are listed with the reason, not opened
    dt = os.path.join(DATA, "dtypes_v110.h5")
    ds = gdal.Open(dt)
    other = ds.GetMetadata("H5CORO_OTHER_DATASETS")
    assert "//vlen_str_ascii" in other
    with pytest.raises(RuntimeError, match="not a numeric"):
        gdal.Open('H5CORO:"%s"://vlen_str_ascii' % dt)


def test_single_dataset_opens_directly(tmp_path):
    p = str(tmp_path / "one.h5")
    a = np.arange(12 * 7, dtype=np.float32).reshape(12, 7)
    with h5py.File(p, "w") as f:
        f["grid"] = a
        f["x"] = np.arange(7.0)
    ds = gdal.Open(p)
    assert ds.GetDriver().ShortName == "H5CORO"
    assert ds.RasterCount == 1 and np.array_equal(ds.ReadAsArray(), a)


def test_vsimem():
    path = os.path.join(DATA, "georef_grid.h5")
    with open(path, "rb") as f:
        gdal.FileFromMemBuffer("/vsimem/g.h5", f.read())
    try:
        ds = gdal.Open('H5CORO:"/vsimem/g.h5"://elevation')
        ref = gdal.Open('H5CORO:"%s"://elevation' % path)
        assert ds.GetRasterBand(1).Checksum() == ref.GetRasterBand(1).Checksum()
        assert gdal.Open("/vsimem/g.h5").GetDriver().ShortName == "H5CORO"
    finally:
        gdal.Unlink("/vsimem/g.h5")


def _checksum_name(path):
    with h5py.File(path, "r") as f:
        return [k for k in f if isinstance(f[k], h5py.Dataset) and f[k].ndim == 2][0]


def test_window_reads_fill_block_cache():
    """A one-row read across all block columns fetches every block it touches
    into GDAL's block cache in one plan, so the next rows come from the cache
    (GDALChecksumImage reads one row at a time)."""
    path = os.path.join(DATA, "large_chunked_f4.h5")
    name = _checksum_name(path)
    ds = gdal.Open('H5CORO:"%s"://%s' % (path, name))
    b = ds.GetRasterBand(1)
    bw, bh = b.GetBlockSize()
    assert (bw, bh) == (64, 64)
    nbx = (ds.RasterXSize + bw - 1) // bw
    before = gdal.GetCacheUsed()
    row = b.ReadAsArray(0, 0, ds.RasterXSize, 1)
    assert gdal.GetCacheUsed() - before >= nbx * bw * bh * 4
    with h5py.File(path, "r") as f:
        ref = f[name][()]
    assert np.array_equal(row[0], ref[0])
    # served from the cache, and still right
    assert np.array_equal(b.ReadAsArray(0, 5, ds.RasterXSize, 3), ref[5:8])
    assert np.array_equal(b.ReadAsArray(3, 60, 200, 10), ref[60:70, 3:203])
    ds = None


def test_checksum_same_on_every_path():
    """Block cache, a cache too small to hold a window (direct one-plan read),
    and plain block-by-block reads give the same checksum and pixels."""
    path = os.path.join(DATA, "large_chunked_f4.h5")
    name = 'H5CORO:"%s"://%s' % (path, _checksum_name(path))
    with h5py.File(path, "r") as f:
        ref = f[_checksum_name(path)][()]
    results = []
    old = gdal.GetCacheMax()
    try:
        for cachemax, window in ((old, "YES"), (256 * 1024, "YES"), (old, "NO")):
            gdal.SetCacheMax(cachemax)
            with gdal.config_option("H5CORO_WINDOW_READS", window):
                ds = gdal.Open(name)
                b = ds.GetRasterBand(1)
                results.append(b.Checksum())
                assert np.array_equal(ds.ReadAsArray(), ref)
                assert np.array_equal(b.ReadAsArray(30, 70, 300, 200), ref[70:270, 30:330])
                ds = None
    finally:
        gdal.SetCacheMax(old)
    assert len(set(results)) == 1, results
    ref_ds = open_with('HDF5:"%s"://%s' % (path, _checksum_name(path)), "HDF5")
    if ref_ds is not None:
        assert ref_ds.GetRasterBand(1).Checksum() == results[0]


def test_remote_checksum_get_count(tmp_path):
    """gdalinfo -checksum over /vsis3/ against the loopback S3 server: the
    window reads go through the block cache, so the GETs stay a handful (it
    was one plan per row, 514 GETs) and the checksum matches a local read."""
    pytest.importorskip("botocore")
    remote = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "remote")
    if not os.path.exists(os.path.join(remote, "loopback.py")):
        pytest.skip("no tests/remote/loopback.py")
    sys.path.insert(0, os.path.abspath(remote))
    try:
        from loopback import Server
    finally:
        sys.path.pop(0)
    path = os.path.join(DATA, "large_chunked_f4.h5")
    name = _checksum_name(path)
    ds = gdal.Open('H5CORO:"%s"://%s' % (path, name))
    local = ds.GetRasterBand(1).Checksum()
    ds = None
    srv = Server()
    try:
        srv.state.buckets["bench"] = {"dir": os.path.abspath(DATA)}
        akid, secret = "AKIDLOOPBACKDRIVER01", "loopback/driver+secret"
        srv.state.keys[akid] = (secret, None)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("AWS_", "CPL_", "H5CORO_")) and k != "GDAL_CACHEMAX"}
        env.update(HOME=str(tmp_path), AWS_S3_ENDPOINT="127.0.0.1:%d" % srv.port, AWS_HTTPS="NO",
                   AWS_VIRTUAL_HOSTING="NO", AWS_ACCESS_KEY_ID=akid, AWS_SECRET_ACCESS_KEY=secret,
                   AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:9",
                   GDAL_DRIVER_PATH=os.environ.get("GDAL_DRIVER_PATH", ""))
        p = subprocess.run(["gdalinfo", "-checksum", 'H5CORO:"/vsis3/bench/large_chunked_f4.h5"://%s' % name],
                           env=env, capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        assert "Driver: H5CORO" in p.stdout
        m = re.search(r"Checksum=(\d+)", p.stdout)
        assert m and int(m.group(1)) == local, p.stdout
        gets = [r for r in srv.state.log if r["method"] == "GET" and r["path"].startswith("/bench/")]
        assert 0 < len(gets) <= 16, len(gets)
    finally:
        srv.stop()
