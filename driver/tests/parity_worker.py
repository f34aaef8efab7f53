"""Describes files through one GDAL driver family for the parity suite
(test_parity.py): reads paths on stdin, prints "START\\tpath" then
"DONE\\t<json>" per file (protocol of worker_runs.run_worker).

argv[1]: "builtin" (GDAL's HDF5 driver, H5CORO_PREFER=NO), "netcdf" (GDAL's
netCDF driver) or "h5coro".
Per subdataset: size, band count and types, checksums, geotransform, CRS
(WKT), GCPs and their CRS, dataset and band metadata, nodata, scale,
offset, unit; at file level: metadata and the subdataset list."""
import os
import sys

from osgeo import gdal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from worker_runs import serve  # noqa: E402

MODE = sys.argv[1]
if MODE == "builtin":
    gdal.SetConfigOption("H5CORO_PREFER", "NO")
    FILE_DRIVERS, SUB_DRIVERS = ["HDF5"], ["HDF5Image", "HDF5"]
elif MODE == "netcdf":
    gdal.SetConfigOption("H5CORO_PREFER", "NO")
    FILE_DRIVERS = SUB_DRIVERS = ["netCDF"]
else:
    FILE_DRIVERS = SUB_DRIVERS = ["H5CORO"]
gdal.PushErrorHandler("CPLQuietErrorHandler")


def srs_wkt(s):
    return s.ExportToWkt() if s is not None else ""


def raster(ds):
    out = {"size": [ds.RasterXSize, ds.RasterYSize, ds.RasterCount],
           "gt": list(ds.GetGeoTransform(can_return_null=True) or []),
           "srs": srs_wkt(ds.GetSpatialRef()),
           "gcps": [[g.Id, g.GCPPixel, g.GCPLine, g.GCPX, g.GCPY, g.GCPZ] for g in ds.GetGCPs() or []],
           "gcp_srs": srs_wkt(ds.GetGCPSpatialRef()) if ds.GetGCPCount() else "",
           "md": ds.GetMetadata() or {}, "bands": []}
    for b in range(1, min(ds.RasterCount, 4) + 1):
        band = ds.GetRasterBand(b)
        out["bands"].append({"type": gdal.GetDataTypeName(band.DataType), "checksum": band.Checksum(),
                             "nodata": band.GetNoDataValue(), "scale": band.GetScale(),
                             "offset": band.GetOffset(), "unit": band.GetUnitType() or "",
                             "md": band.GetMetadata() or {}})
    return out


def describe(path):
    out = {"path": path, "opened": False, "subdatasets": [], "datasets": {}}
    try:
        ds = gdal.OpenEx(path, gdal.OF_RASTER, allowed_drivers=FILE_DRIVERS)
    except RuntimeError:
        ds = None
    if ds is None:
        return out
    out["opened"] = True
    out["file_md"] = ds.GetMetadata() or {}
    sub = ds.GetMetadata("SUBDATASETS") or {}
    names = [sub[k] for k in sorted(sub, key=lambda k: int(k.split("_")[1])) if k.endswith("_NAME")]
    descs = [sub[k] for k in sorted(sub, key=lambda k: int(k.split("_")[1])) if k.endswith("_DESC")]
    out["subdatasets"] = [[n.split(":", 1)[1].split('"', 2)[2][1:] if '"' in n else n, d]
                          for n, d in zip(names, descs)]
    if not names and ds.RasterCount:
        out["datasets"][""] = raster(ds)
    for n, (dspath, _) in zip(names, out["subdatasets"]):
        try:
            s = gdal.OpenEx(n, gdal.OF_RASTER, allowed_drivers=SUB_DRIVERS)
        except RuntimeError:
            s = None
        if s is not None and s.RasterCount:
            out["datasets"][dspath] = raster(s)
    return out


serve(describe)
