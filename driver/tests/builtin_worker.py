"""Runs GDAL's built-in HDF5 driver over files given on stdin (one per
line) and prints one JSON line per file: its 2-D/3-D subdatasets and, per
dataset, size, band types, checksums and a digest of the full array.
Run in a child process: the built-in driver aborts on some corpus files."""
import hashlib
import os
import re
import sys

from osgeo import gdal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from worker_runs import serve  # noqa: E402

gdal.SetConfigOption("H5CORO_PREFER", "NO")
gdal.PushErrorHandler("CPLQuietErrorHandler")


def describe(path):
    out = {"path": path, "subdatasets": {}, "datasets": {}}
    ds = gdal.OpenEx(path, gdal.OF_RASTER, allowed_drivers=["HDF5"])
    if ds is None:
        return out
    md = ds.GetMetadata("SUBDATASETS") or {}
    for k, v in md.items():
        if k.endswith("_NAME"):
            desc = md[k[:-5] + "_DESC"]
            m = re.match(r"\[([0-9x]+)\] (.+) \((.*)\)$", desc)
            out["subdatasets"][v.rsplit(":", 1)[1]] = [m.group(1), m.group(3)] if m else [desc, ""]
    for dspath in out["subdatasets"]:
        sub = gdal.OpenEx('HDF5:"%s":%s' % (path, dspath), gdal.OF_RASTER, allowed_drivers=["HDF5Image"])
        if sub is None:
            continue
        info = {"size": [sub.RasterXSize, sub.RasterYSize, sub.RasterCount], "types": [], "checksums": []}
        for b in range(1, sub.RasterCount + 1):
            band = sub.GetRasterBand(b)
            info["types"].append(band.DataType)
            info["checksums"].append(band.Checksum())
        a = sub.ReadAsArray()
        info["digest"] = hashlib.sha256(a.tobytes()).hexdigest() if a is not None else None
        info["dtype"] = str(a.dtype) if a is not None else None
        out["datasets"][dspath] = info
    return out


serve(describe)
