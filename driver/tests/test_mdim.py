"""Tests of the H5CORO driver's multidimensional API.

Oracles: h5py for values, attributes, shapes and dimension-scale
attachments; GDAL's built-in HDF5 multidimensional driver (run in a child
process) and GDAL's netCDF driver for dimension names, sharing and indexing
variables.

Environment (set by ctest): GDAL_DRIVER_PATH, H5CORO_TEST_DATA (data/),
H5CORO_CORPUS (shared corpus, optional).
"""
import glob
import json
import os
import shutil
import sys

import numpy as np
import pytest

from osgeo import gdal, osr

import h5py

from worker_runs import run_worker  # noqa: E402

gdal.UseExceptions()

DATA = os.environ.get(
    "H5CORO_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "data"))
CORPUS = os.environ.get("H5CORO_CORPUS", "")
ICESAT2 = "icesat2_atl03_like.h5"
FILES = ["netcdf4_cf.nc", "georef_grid.h5", ICESAT2, "dtypes_v110.h5", "dtypes_earliest.h5"]
PURE_DIM = "This is a netCDF dimension but not a netCDF variable"
# attributes the driver shows otherwise (or, like the built-in driver, not at all)
HIDDEN = {"CLASS", "NAME", "DIMENSION_LIST", "REFERENCE_LIST", "DIMENSION_LABELS", "_Netcdf4Dimid",
          "_Netcdf4Coordinates", "_NCProperties", "_FillValue", "units", "scale_factor", "add_offset"}


def path_of(name):
    return os.path.join(DATA, name)


def open_mdim(path):
    ds = gdal.OpenEx(path if os.path.isabs(path) else path_of(path), gdal.OF_MULTIDIM_RASTER,
                     allowed_drivers=["H5CORO"])
    assert ds is not None
    assert ds.GetDriver().ShortName == "H5CORO"
    return ds


def open_other(path, driver):
    with_opt = gdal.GetConfigOption("H5CORO_PREFER")
    gdal.SetConfigOption("H5CORO_PREFER", "NO")
    try:
        return gdal.OpenEx(path, gdal.OF_MULTIDIM_RASTER, allowed_drivers=[driver])
    finally:
        gdal.SetConfigOption("H5CORO_PREFER", with_opt)


# ---- h5py side ------------------------------------------------------------

def text(v):
    return v.decode() if isinstance(v, bytes) else v


def supported_dtype(dt):
    """Types the driver exposes: numbers, enums, complex, strings, compounds of those."""
    if h5py.check_string_dtype(dt) is not None:
        return True
    if h5py.check_vlen_dtype(dt) is not None or h5py.check_ref_dtype(dt) is not None or dt.subdtype:
        return False
    if dt.names:
        return all(supported_dtype(dt.fields[n][0]) for n in dt.names)
    return dt.kind in "iufbc"


def is_scale(obj):
    return text(obj.attrs.get("CLASS", b"")) == "DIMENSION_SCALE"


def is_pure_dim(obj):
    return is_scale(obj) and text(obj.attrs.get("NAME", b"")).startswith(PURE_DIM)


def is_array(obj):
    return (isinstance(obj, h5py.Dataset) and obj.shape is not None and supported_dtype(obj.dtype)
            and not is_pure_dim(obj))


def h5_members(grp):
    groups, arrays = [], []
    for name in grp:
        if isinstance(grp.get(name, getlink=True), h5py.SoftLink):
            obj = grp.get(name)
            if is_array(obj):  # soft links are followed to datasets only
                arrays.append(name)
            continue
        obj = grp.get(name)
        if isinstance(obj, h5py.Group):
            groups.append(name)
        elif is_array(obj):
            arrays.append(name)
    return sorted(groups), sorted(arrays)


def expected_dims(ds):
    """Dimension full names from the dimension-scale attachments h5py sees."""
    if ds.ndim == 1 and is_scale(ds):
        return [ds.name]
    out = []
    for i in range(ds.ndim):
        name = "dim%d" % i
        for scale in ds.dims[i].values():
            if scale.shape == (ds.shape[i],):
                name = scale.name
                break
        out.append(name)
    return out


def check_values(arr, ref):
    dt = arr.GetDataType()
    if dt.GetClass() == gdal.GEDTC_STRING:
        got = arr.Read()
        want = [text(x) for x in np.asarray(ref, dtype=object).ravel()]
        assert (got if isinstance(got, list) else [got]) == want
    elif dt.GetClass() == gdal.GEDTC_COMPOUND:
        got = arr.ReadAsArray()
        for name in ref.dtype.names:
            np.testing.assert_array_equal(got[name].reshape(np.shape(ref)), ref[name])
    else:
        got = arr.ReadAsArray()
        np.testing.assert_array_equal(np.asarray(got).reshape(np.shape(ref)),
                                      ref.astype(np.int16) if ref.dtype.kind == "b" else ref)


def compare_group(ggrp, hgrp, depth=0):
    groups, arrays = h5_members(hgrp)
    assert sorted(ggrp.GetGroupNames() or []) == groups
    assert sorted(ggrp.GetMDArrayNames() or []) == arrays
    for name in arrays:
        arr = ggrp.OpenMDArray(name)
        ds = hgrp[name]
        assert [d.GetSize() for d in arr.GetDimensions()] == list(ds.shape)
        assert [d.GetFullName() for d in arr.GetDimensions()] == expected_dims(ds)
        if ds.size:  # GDAL refuses zero-size reads
            check_values(arr, ds[()])
    if depth < 4:
        for name in groups:
            compare_group(ggrp.OpenGroup(name), hgrp[name], depth + 1)


@pytest.mark.parametrize("name", FILES)
def test_mdim_names_and_values(name):
    ds = open_mdim(name)
    root = ds.GetRootGroup()
    assert root.GetName() == "/"
    with h5py.File(path_of(name), "r") as f:
        compare_group(root, f)


def test_mdim_nested_groups():
    ds = open_mdim("links_v110.h5")
    root = ds.GetRootGroup()
    with h5py.File(path_of("links_v110.h5"), "r") as f:
        assert "alias" in root.GetGroupNames()
        g = root.OpenGroup("alias")
        groups, arrays = h5_members(f["alias"])
        assert sorted(g.GetGroupNames() or []) == groups
        assert sorted(g.GetMDArrayNames() or []) == arrays
        sub = g.OpenGroup("data_again")
        arr = sub.OpenMDArray("values")
        np.testing.assert_array_equal(arr.ReadAsArray(), f["alias/data_again/values"][()])
        assert arr.GetFullName() == "/alias/data_again/values"
        # the hard link back to the root is not listed (no endless tree)
        assert "loop_to_root" not in (sub.GetGroupNames() or [])
        assert "loop_to_root" not in (root.OpenGroup("data").GetGroupNames() or [])


def test_mdim_slices():
    ds = open_mdim("netcdf4_cf.nc")
    root = ds.GetRootGroup()
    with h5py.File(path_of("netcdf4_cf.nc"), "r") as f:
        lat = root.OpenMDArray("lat")
        np.testing.assert_array_equal(lat.GetView("[1:3]").ReadAsArray(), f["lat"][1:3])
        np.testing.assert_array_equal(lat.GetView("[2:17:4]").ReadAsArray(), f["lat"][2:17:4])
        pr = root.OpenMDArray("pr")
        got = pr.ReadAsArray(array_start_idx=[1, 2, 3], count=[2, 4, 5])
        np.testing.assert_array_equal(got, f["pr"][1:3, 2:6, 3:8])
        got = pr.ReadAsArray(array_start_idx=[0, 0, 0], count=[2, 3, 4], array_step=[2, 5, 7])
        np.testing.assert_array_equal(got, f["pr"][0:3:2, 0:11:5, 0:22:7])
        tas = root.OpenMDArray("tas")
        got = tas.ReadAsArray(buffer_datatype=gdal.ExtendedDataType.Create(gdal.GDT_Float64))
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, f["tas"][()].astype(np.float64))
        st = root.OpenMDArray("station_name")
        assert st.GetView("[3:6]").Read() == [text(x) for x in f["station_name"][3:6]]


def test_mdim_strings_compounds_int8():
    root = open_mdim(ICESAT2).GetRootGroup()
    with h5py.File(path_of(ICESAT2), "r") as f:
        rec = root.OpenMDArrayFromFullname("/gt1l/heights/photon_record")
        dt = rec.GetDataType()
        assert dt.GetClass() == gdal.GEDTC_COMPOUND
        assert [c.GetName() for c in dt.GetComponents()] == list(f["gt1l/heights/photon_record"].dtype.names)
        got = rec.ReadAsArray(array_start_idx=[5], count=[7], array_step=[3])
        for field in ("flag", "score", "count"):
            np.testing.assert_array_equal(got[field], f["gt1l/heights/photon_record"][5:26:3][field])
        sc = root.OpenMDArrayFromFullname("/gt1l/heights/signal_conf_ph")
        assert sc.GetDataType().GetNumericDataType() == gdal.GDT_Int16  # int8 widened, as the built-in does
        np.testing.assert_array_equal(sc.ReadAsArray(), f["gt1l/heights/signal_conf_ph"][()])
        gid = root.OpenMDArrayFromFullname("/ancillary_data/granule_id")
        assert gid.GetDataType().GetClass() == gdal.GEDTC_STRING
        assert gid.Read() == [text(x) for x in f["ancillary_data/granule_id"][()]]
        rel = root.OpenMDArrayFromFullname("/ancillary_data/release")
        assert rel.Read() == [text(x) for x in f["ancillary_data/release"][()]]
        attrs = {a.GetName(): a.Read() for a in root.GetAttributes()}
        assert attrs == {k: text(np.asarray(v).ravel()[0]) for k, v in f.attrs.items()}


@pytest.mark.parametrize("name,array", [("netcdf4_cf.nc", "tas"), ("netcdf4_cf.nc", "time"),
                                        ("georef_grid.h5", "elevation"), ("georef_grid.h5", "projection"),
                                        (ICESAT2, "gt1l/heights/h_ph"), (ICESAT2, "gt1l/heights/quality_ph"),
                                        (ICESAT2, "gt1l/heights/delta_time")])
def test_mdim_attributes_unit_nodata_scale(name, array):
    arr = open_mdim(name).GetRootGroup().OpenMDArrayFromFullname("/" + array)
    got = {a.GetName(): a for a in arr.GetAttributes()}
    with h5py.File(path_of(name), "r") as f:
        attrs = f[array].attrs
        ref = {}
        for k, v in attrs.items():
            v = np.asarray(v)
            if k in HIDDEN or (k == "grid_mapping" and arr.GetSpatialRef() is not None):
                continue
            if v.dtype.kind in "iuf":
                ref[k] = v
            elif v.dtype.kind in "SU" or (v.dtype.kind == "O" and v.size and isinstance(v.flat[0], (str, bytes))):
                ref[k] = [text(x) for x in v.flat]
        assert sorted(got) == sorted(ref)
        for k, v in ref.items():
            a = got[k]
            if isinstance(v, list):
                assert a.GetDataType().GetClass() == gdal.GEDTC_STRING
                val = a.Read()
                assert (val if isinstance(val, list) else [val]) == v
            else:
                assert a.GetDataType().GetClass() == gdal.GEDTC_NUMERIC
                np.testing.assert_array_equal(np.asarray(a.ReadAsDoubleArray()), v.astype(np.float64).ravel())
        assert arr.GetUnit() == text(attrs.get("units", ""))
        fill = attrs.get("_FillValue")
        nodata = arr.GetNoDataValueAsDouble()
        if fill is None:
            assert nodata is None
        else:
            assert nodata == float(np.asarray(fill).ravel()[0])
        assert arr.GetScale() == (float(attrs["scale_factor"]) if "scale_factor" in attrs else None)
        assert arr.GetOffset() == (float(attrs["add_offset"]) if "add_offset" in attrs else None)


def test_mdim_fill_value_message_as_nodata():
    # no _FillValue attribute: the fill value message counts (not in netCDF files)
    arr = open_mdim("chunk_index_earliest.h5").GetRootGroup()
    with h5py.File(path_of("chunk_index_earliest.h5"), "r") as f:
        names = [n for n in f if isinstance(f[n], h5py.Dataset) and f[n].dtype.kind == "f"
                 and "_FillValue" not in f[n].attrs and f[n].fillvalue != 0]
        assert names
        for n in names:
            assert arr.OpenMDArray(n).GetNoDataValueAsDouble() == pytest.approx(float(f[n].fillvalue),
                                                                                nan_ok=True)


def test_mdim_block_size_and_structure():
    root = open_mdim("netcdf4_cf.nc").GetRootGroup()
    with h5py.File(path_of("netcdf4_cf.nc"), "r") as f:
        for name in ("tas", "pr", "time_bnds"):
            assert root.OpenMDArray(name).GetBlockSize() == list(f[name].chunks)
        assert root.OpenMDArray("lat").GetBlockSize() == [0]
        assert root.OpenMDArray("tas").GetStructuralInfo() == {"COMPRESS": "DEFLATE"}


def test_mdim_srs():
    root = open_mdim("netcdf4_cf.nc").GetRootGroup()
    ref_ds = open_other(path_of("netcdf4_cf.nc"), "netCDF")  # kept open: its arrays need it
    ref = ref_ds.GetRootGroup()
    for name in ("tas", "pr"):
        ours, theirs = root.OpenMDArray(name).GetSpatialRef(), ref.OpenMDArray(name).GetSpatialRef()
        assert ours.IsSame(theirs)
        assert ours.GetDataAxisToSRSAxisMapping() == theirs.GetDataAxisToSRSAxisMapping() == [2, 3]
    assert root.OpenMDArray("lat").GetSpatialRef() is None
    elev = open_mdim("georef_grid.h5").GetRootGroup().OpenMDArray("elevation").GetSpatialRef()
    utm = osr.SpatialReference()
    utm.ImportFromEPSG(32611)
    assert elev.IsSame(utm, ["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES"])
    assert elev.GetDataAxisToSRSAxisMapping() == [2, 1]  # easting = x = data axis 2


# ---- dimensions against GDAL's own drivers ---------------------------------

def builtin_mdim(paths):
    """Built-in HDF5 multidim driver's view of paths, from a child process
    restarted past any file on which it crashes."""
    worker = os.path.join(os.path.dirname(__file__), "builtin_mdim_worker.py")
    return run_worker(worker, paths, lambda p: {"path": p, "opened": False, "crashed": True, "arrays": {},
                                                "dims": {}})


def ours_mdim(path, skipped=None):
    sys.path.insert(0, os.path.dirname(__file__))
    import builtin_mdim_worker
    return builtin_mdim_worker.describe(path, "H5CORO")


@pytest.mark.parametrize("name", ["georef_grid.h5", ICESAT2, "netcdf4_cf.nc"])
def test_mdim_dims_match_builtin_hdf5(name, tmp_path):
    path = path_of(name)
    if name.endswith(".nc"):  # the built-in HDF5 driver leaves .nc files to netCDF
        path = str(tmp_path / "copy.h5")
        shutil.copy(path_of(name), path)
    ref = builtin_mdim([path])[path]
    assert ref["opened"]
    ours = ours_mdim(path)
    assert ours["dims"] == ref["dims"]
    assert set(ours["arrays"]) == set(ref["arrays"])
    for k, r in ref["arrays"].items():
        assert ours["arrays"][k]["dims"] == r["dims"], k
        assert ours["arrays"][k]["sizes"] == r["sizes"], k
        assert ours["arrays"][k]["class"] == r["class"], k
        assert set(ours["arrays"][k]["attrs"]) <= set(r["attrs"]), k


def test_mdim_dims_match_netcdf_driver():
    ours = open_mdim("netcdf4_cf.nc").GetRootGroup()
    ref_ds = open_other(path_of("netcdf4_cf.nc"), "netCDF")  # kept open: its arrays need it
    ref = ref_ds.GetRootGroup()

    def dims(group):
        out = {}
        for d in group.GetDimensions():
            iv = d.GetIndexingVariable()
            out[d.GetFullName()] = (d.GetSize(), d.GetType(), d.GetDirection(), iv.GetFullName() if iv else None)
        return out

    assert dims(ours) == dims(ref)
    # netCDF hides 0-D variables such as the grid mapping; all others are the same
    assert set(ref.GetMDArrayNames()) <= set(ours.GetMDArrayNames())
    assert set(ours.GetMDArrayNames()) - set(ref.GetMDArrayNames()) == {"crs"}
    for name in ref.GetMDArrayNames():
        a, b = ours.OpenMDArray(name), ref.OpenMDArray(name)
        assert [d.GetFullName() for d in a.GetDimensions()] == [d.GetFullName() for d in b.GetDimensions()]
        assert a.GetUnit() == b.GetUnit()
        assert a.GetNoDataValueAsDouble() == b.GetNoDataValueAsDouble()
        assert a.GetScale() == b.GetScale() and a.GetOffset() == b.GetOffset()
        assert sorted(x.GetName() for x in a.GetAttributes()) == sorted(x.GetName() for x in b.GetAttributes())
        if b.GetDataType().GetClass() == gdal.GEDTC_STRING:
            assert a.Read() == b.Read()
        else:
            np.testing.assert_array_equal(a.ReadAsArray(), b.ReadAsArray())


def test_mdim_icesat2_shared_dimension():
    root = open_mdim(ICESAT2).GetRootGroup()
    heights = root.OpenGroupFromFullname("/gt1l/heights")
    with h5py.File(path_of(ICESAT2), "r") as f:
        [dim] = heights.GetDimensions()
        assert dim.GetFullName() == "/gt1l/heights/delta_time"
        assert dim.GetSize() == f["gt1l/heights/delta_time"].shape[0]
        assert dim.GetType() == "TEMPORAL"
        iv = dim.GetIndexingVariable()
        assert iv.GetFullName() == "/gt1l/heights/delta_time"
        np.testing.assert_array_equal(iv.ReadAsArray(), f["gt1l/heights/delta_time"][()])
        for name in ("h_ph", "lat_ph", "lon_ph", "quality_ph", "photon_record"):
            d0 = heights.OpenMDArray(name).GetDimensions()[0]
            assert d0.GetFullName() == dim.GetFullName()
            assert d0.GetIndexingVariable().GetFullName() == "/gt1l/heights/delta_time"
        # a second beam has its own dimension of the same name
        [dim2] = root.OpenGroupFromFullname("/gt2r/heights").GetDimensions()
        assert dim2.GetFullName() == "/gt2r/heights/delta_time"
        assert dim2.GetSize() == f["gt2r/heights/delta_time"].shape[0]


# ---- gdalmdimtranslate ----------------------------------------------------

_netcdf_open = []


def read_netcdf(path, full_name):
    ds = open_other(path, "netCDF")
    assert ds.GetDriver().ShortName == "netCDF"
    _netcdf_open.append(ds)  # GDAL's netCDF arrays need their dataset open
    return ds.GetRootGroup().OpenMDArrayFromFullname(full_name)


def test_mdimtranslate_to_netcdf(tmp_path):
    out = str(tmp_path / "out.nc")
    src = gdal.OpenEx(path_of("netcdf4_cf.nc"), gdal.OF_MULTIDIM_RASTER, allowed_drivers=["H5CORO"])
    assert gdal.MultiDimTranslate(out, src, format="netCDF") is not None
    src = None
    with h5py.File(path_of("netcdf4_cf.nc"), "r") as f:
        for name in ("tas", "pr", "lat", "time"):
            arr = read_netcdf(out, "/" + name)
            np.testing.assert_array_equal(arr.ReadAsArray(), f[name][()])
            assert [d.GetName() for d in arr.GetDimensions()] == [
                os.path.basename(n) for n in expected_dims(f[name])]
        tas = read_netcdf(out, "/tas")
        assert tas.GetScale() == pytest.approx(0.01) and tas.GetOffset() == pytest.approx(273.15)
        assert tas.GetNoDataValueAsDouble() == -32767 and tas.GetUnit() == "K"
        assert tas.GetSpatialRef().GetAuthorityCode(None) == "4326"

    out = str(tmp_path / "icesat2.nc")
    src = gdal.OpenEx(path_of(ICESAT2), gdal.OF_MULTIDIM_RASTER, allowed_drivers=["H5CORO"])
    assert gdal.MultiDimTranslate(out, src, format="netCDF") is not None
    src = None
    with h5py.File(path_of(ICESAT2), "r") as f:
        for name in ("gt1l/heights/h_ph", "gt1l/heights/signal_conf_ph", "gt2r/heights/lat_ph"):
            arr = read_netcdf(out, "/" + name)
            np.testing.assert_array_equal(arr.ReadAsArray(), f[name][()])
            assert arr.GetDimensions()[0].GetFullName() == "/" + os.path.dirname(name) + "/delta_time"
        rec = read_netcdf(out, "/gt1l/heights/photon_record").ReadAsArray()
        for field in ("flag", "score", "count"):
            np.testing.assert_array_equal(rec[field], f["gt1l/heights/photon_record"][field])
        assert read_netcdf(out, "/ancillary_data/granule_id").Read() == [
            text(x) for x in f["ancillary_data/granule_id"][()]]


def test_mdimtranslate_array_to_gtiff(tmp_path):
    out = str(tmp_path / "elevation.tif")
    src = gdal.OpenEx(path_of("georef_grid.h5"), gdal.OF_MULTIDIM_RASTER, allowed_drivers=["H5CORO"])
    assert gdal.MultiDimTranslate(out, src, format="GTiff", arraySpecs=["elevation"]) is not None
    src = None
    tif = gdal.Open(out)
    with h5py.File(path_of("georef_grid.h5"), "r") as f:
        np.testing.assert_array_equal(tif.ReadAsArray(), f["elevation"][()])
        x, y = f["x"][()], f["y"][()]
        gt = tif.GetGeoTransform()
        assert gt == pytest.approx((x[0] - (x[1] - x[0]) / 2, x[1] - x[0], 0, y[0] - (y[1] - y[0]) / 2, 0,
                                    y[1] - y[0]))
        assert tif.GetSpatialRef().GetAuthorityCode(None) == "32611"
        band = tif.GetRasterBand(1)
        assert band.GetNoDataValue() == float(f["elevation"].attrs["_FillValue"])
        assert band.GetUnitType() == "m"

    out = str(tmp_path / "conf.tif")
    src = gdal.OpenEx(path_of(ICESAT2), gdal.OF_MULTIDIM_RASTER, allowed_drivers=["H5CORO"])
    assert gdal.MultiDimTranslate(out, src, format="GTiff",
                                  arraySpecs=["/gt1l/heights/signal_conf_ph"]) is not None
    src = None
    with h5py.File(path_of(ICESAT2), "r") as f:
        np.testing.assert_array_equal(gdal.Open(out).ReadAsArray(), f["gt1l/heights/signal_conf_ph"][()])


# ---- corpus smoke test ----------------------------------------------------

def corpus_files():
    files = sorted(glob.glob(os.path.join(DATA, "*.h5")) + glob.glob(os.path.join(DATA, "*.nc")))
    if CORPUS and os.path.isdir(CORPUS):
        for root, _, names in os.walk(CORPUS):
            files += [os.path.join(root, n) for n in sorted(names)]
    return files


class SkipLog:
    """Collects the driver's "multidimensional API skips <path>: <reason>" debug lines."""

    def __init__(self):
        self.reasons = {}

    def __call__(self, cls, num, msg):
        marker = "multidimensional API skips "
        if marker in msg:
            path, _, why = msg.split(marker, 1)[1].partition(": ")
            self.reasons[path] = why


def libhdf5_damaged():
    """Corpus files on which h5py (libhdf5) itself fails, per the manifest."""
    out = set()
    manifest = os.path.join(os.path.dirname(os.path.abspath(CORPUS)), "MANIFEST.jsonl") if CORPUS else ""
    if manifest and os.path.exists(manifest):
        with open(manifest) as m:
            for line in m:
                r = json.loads(line)
                if not r.get("h5py_ok", True):
                    out.add(os.path.normpath(os.path.join(os.path.dirname(manifest), r["file"])))
    return out


def h5py_dataset(path, array):
    try:
        with h5py.File(path, "r") as f:
            return isinstance(f.get(array), h5py.Dataset)
    except Exception:
        return False


def test_mdim_corpus_smoke():
    """Every file the built-in HDF5 multidim driver opens, ours opens with the
    same arrays (those it skips, with a reason), dimensions and sharing.
    Attribute lists differ by design (ours hides what it shows as unit,
    nodata, scale, offset, SRS; it shows bitfield attributes): they are
    checked against h5py above."""
    files = corpus_files()
    ref = builtin_mdim(files)
    damaged = libhdf5_damaged()
    compared = 0
    problems = []
    for path in files:
        r = ref.get(path)
        if not r or not r["opened"]:
            continue
        log = SkipLog()
        old_debug = gdal.GetConfigOption("CPL_DEBUG")
        gdal.SetConfigOption("CPL_DEBUG", "ON")
        gdal.PushErrorHandler(log)
        try:
            ours = ours_mdim(path)
        except Exception as e:  # a failed read is reported, not fatal to the sweep
            ours = {"opened": False, "error": str(e)}
        finally:
            gdal.PopErrorHandler()
            gdal.SetConfigOption("CPL_DEBUG", old_debug)
        if not ours["opened"]:
            # the core refuses some damaged files outright (e.g. bad_offset.h5)
            if "bad_offset" not in path:
                problems.append((path, "not opened", ours.get("error")))
            continue
        compared += 1
        for name, a in r["arrays"].items():
            if name not in ours["arrays"]:
                if not log.reasons.get(name):
                    problems.append((path, name, "missing without a reason"))
                continue
            o = ours["arrays"][name]
            if (o["dims"], o["sizes"], o["class"]) != (a["dims"], a["sizes"], a["class"]):
                problems.append((path, name, o, a))
        for name in set(ours["arrays"]) - set(r["arrays"]):
            # the built-in does not follow soft links: extra arrays are fine
            # when h5py finds them too (no oracle where libhdf5 itself fails)
            if not h5py_dataset(path, name) and os.path.normpath(path) not in damaged:
                problems.append((path, name, "extra array"))
        if ours["dims"] != r["dims"]:
            problems.append((path, "group dimensions", ours["dims"], r["dims"]))
    assert compared >= 20
    assert not problems, problems[:10]
