"""Tests of the H5CORO driver's multidimensional API against h5py.

Environment (set by ctest): GDAL_DRIVER_PATH, H5CORO_TEST_DATA (data/).
"""
import os

import numpy as np
import pytest

from osgeo import gdal

import h5py

gdal.UseExceptions()

DATA = os.environ.get(
    "H5CORO_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "data"))

FILES = ["netcdf4_cf.nc", "georef_grid.h5"]


def open_mdim(name):
    ds = gdal.OpenEx(os.path.join(DATA, name), gdal.OF_MULTIDIM_RASTER, allowed_drivers=["H5CORO"])
    assert ds is not None
    assert ds.GetDriver().ShortName == "H5CORO"
    return ds


def is_numeric(obj):
    return isinstance(obj, h5py.Dataset) and obj.dtype.kind in "iuf"


def h5_members(grp):
    groups, arrays = [], []
    for name in grp:
        obj = grp.get(name)
        if isinstance(obj, h5py.Group):
            groups.append(name)
        elif is_numeric(obj):
            arrays.append(name)
    return sorted(groups), sorted(arrays)


def compare_group(ggrp, hgrp, depth=0):
    groups, arrays = h5_members(hgrp)
    assert sorted(ggrp.GetGroupNames() or []) == groups
    assert sorted(ggrp.GetMDArrayNames() or []) == arrays
    for name in arrays:
        arr = ggrp.OpenMDArray(name)
        ref = hgrp[name][()]
        assert [d.GetSize() for d in arr.GetDimensions()] == list(np.shape(ref))
        assert [d.GetName() for d in arr.GetDimensions()] == ["dim%d" % i for i in range(np.ndim(ref))]
        got = arr.ReadAsArray()
        np.testing.assert_array_equal(np.asarray(got).reshape(np.shape(ref)), ref)
    if depth < 4:
        for name in groups:
            compare_group(ggrp.OpenGroup(name), hgrp[name], depth + 1)


@pytest.mark.parametrize("name", FILES)
def test_mdim_names_and_values(name):
    ds = open_mdim(name)
    root = ds.GetRootGroup()
    assert root.GetName() == "/"
    with h5py.File(os.path.join(DATA, name), "r") as f:
        compare_group(root, f)


def test_mdim_nested_groups():
    ds = open_mdim("links_v110.h5")
    root = ds.GetRootGroup()
    with h5py.File(os.path.join(DATA, "links_v110.h5"), "r") as f:
        assert "alias" in root.GetGroupNames()
        g = root.OpenGroup("alias")
        groups, arrays = h5_members(f["alias"])
        assert sorted(g.GetGroupNames() or []) == groups
        assert sorted(g.GetMDArrayNames() or []) == arrays
        sub = g.OpenGroup("data_again")
        arr = sub.OpenMDArray("values")
        np.testing.assert_array_equal(arr.ReadAsArray(), f["alias/data_again/values"][()])
        assert arr.GetFullName() == "/alias/data_again/values"


def test_mdim_slices():
    ds = open_mdim("netcdf4_cf.nc")
    root = ds.GetRootGroup()
    with h5py.File(os.path.join(DATA, "netcdf4_cf.nc"), "r") as f:
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


def attr_value(a):
    v = a.Read()
    return v


@pytest.mark.parametrize("name,array", [("netcdf4_cf.nc", "tas"), ("georef_grid.h5", "elevation"),
                                        ("georef_grid.h5", "projection")])
def test_mdim_attributes(name, array):
    ds = open_mdim(name)
    arr = ds.GetRootGroup().OpenMDArray(array)
    got = {a.GetName(): a for a in arr.GetAttributes()}
    with h5py.File(os.path.join(DATA, name), "r") as f:
        ref = {}
        for k, v in f[array].attrs.items():
            v = np.asarray(v)
            if v.dtype.kind in "iuf":
                ref[k] = v
            elif v.dtype.kind in "SU" or (v.dtype.kind == "O" and v.size and isinstance(v.flat[0], (str, bytes))):
                ref[k] = [x.decode() if isinstance(x, bytes) else x for x in v.flat]
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
