"""Lists what GDAL's built-in HDF5 multidimensional driver shows of the files
given on stdin (one per line): one JSON line per file with its arrays (only
those the built-in driver can open), their dimension full names, data type
class and attribute names, and the dimensions of every group.
Run in a child process: the built-in driver may abort on corpus files."""
import os
import sys

from osgeo import gdal


def walk(group, out, depth=0):
    for name in group.GetMDArrayNames() or []:
        arr = group.OpenMDArray(name)
        if arr is None:  # listed but not openable: the built-in cannot read it either
            continue
        out["arrays"][arr.GetFullName()] = {
            "dims": [d.GetFullName() for d in arr.GetDimensions()],
            "sizes": [d.GetSize() for d in arr.GetDimensions()],
            "class": arr.GetDataType().GetClass(),
            "attrs": sorted(a.GetName() for a in (arr.GetAttributes() or [])),
        }
    for dim in group.GetDimensions() or []:
        iv = dim.GetIndexingVariable()
        out["dims"][dim.GetFullName()] = [dim.GetSize(), iv.GetFullName() if iv else None]
    if depth < 16:
        for name in group.GetGroupNames() or []:
            sub = group.OpenGroup(name)
            if sub is not None:
                walk(sub, out, depth + 1)


def describe(path, driver):
    out = {"path": path, "opened": False, "arrays": {}, "dims": {}}
    ds = gdal.OpenEx(path, gdal.OF_MULTIDIM_RASTER, allowed_drivers=[driver])
    if ds is not None:
        out["opened"] = True
        walk(ds.GetRootGroup(), out)
    return out


if __name__ == "__main__":
    gdal.SetConfigOption("H5CORO_PREFER", "NO")
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from worker_runs import serve
    serve(lambda path: describe(path, "HDF5"))
