"""QGIS opens a /vsis3/ dataset through the H5CORO plugin.

    QT_QPA_PLATFORM=offscreen GDAL_DRIVER_PATH=build/driver \
        /usr/bin/python3 driver/tests/qgis_check.py [--out map.png]

Starts s3rver on loopback (scripts/s3rver.sh), uploads data/georef_grid.h5,
loads 'H5CORO:"/vsis3/<bucket>/georef_grid.h5"://elevation' as a
QgsRasterLayer (provider gdal), checks it is valid with the CRS and extent
that GDAL gives (netCDF driver on the local file, and H5CORO locally), that
a pixel QGIS samples is the one GDAL reads, renders it offscreen to a PNG
and checks the image is neither empty nor uniform. QGIS uses the system
libgdal, so GDAL_DRIVER_PATH must be set before QGIS starts (it is here).
Run by scripts/test.sh when H5C_QGIS=1 (which installs python3-qgis).
Exit status 0 when every check passes.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BUCKET = "h5coro-qgis"

ap = argparse.ArgumentParser()
ap.add_argument("--data", default=os.environ.get("H5CORO_TEST_DATA", os.path.join(ROOT, "data")))
ap.add_argument("--driver-dir", default=os.environ.get("GDAL_DRIVER_PATH", os.path.join(ROOT, "build", "driver")))
ap.add_argument("--out", default=None, help="where to keep the rendered PNG (default: a temporary file)")
args = ap.parse_args()

# before QGIS (and GDAL) start
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["GDAL_DRIVER_PATH"] = os.path.abspath(args.driver_dir)
for k in [k for k in os.environ if k.startswith(("AWS_", "CPL_AWS_"))]:
    del os.environ[k]

failures = []
passed = 0


def check(ok, what):
    global passed
    print("%s: %s" % ("ok" if ok else "FAILED", what), flush=True)
    if ok:
        passed += 1
    else:
        failures.append(what)
    return ok


work = tempfile.mkdtemp(prefix="h5c_qgis_")
portfile = os.path.join(work, "port")
pid = int(subprocess.check_output([os.path.join(ROOT, "scripts", "s3rver.sh"), os.path.join(work, "store"),
                                   portfile, BUCKET], text=True, timeout=300).strip())
qgs = None
try:
    port = int(open(portfile).read())
    os.environ.update({"AWS_S3_ENDPOINT": "127.0.0.1:%d" % port, "AWS_HTTPS": "NO", "AWS_VIRTUAL_HOSTING": "FALSE",
                       "AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER", "AWS_REGION": "us-east-1",
                       "CPL_AWS_AUTODETECT_EC2": "NO"})

    from osgeo import gdal, osr
    gdal.UseExceptions()

    local = os.path.join(os.path.abspath(args.data), "georef_grid.h5")
    key = "/vsis3/%s/georef_grid.h5" % BUCKET
    with open(local, "rb") as f:
        data = f.read()
    fp = gdal.VSIFOpenL(key, "wb")
    gdal.VSIFWriteL(data, 1, len(data), fp)
    gdal.VSIFCloseL(fp)
    uri = 'H5CORO:"%s"://elevation' % key

    # GDAL's answers: the netCDF driver (built in) and H5CORO, both locally
    gdal.SetConfigOption("H5CORO_PREFER", "NO")
    ref = gdal.OpenEx('NETCDF:"%s":elevation' % local, gdal.OF_RASTER, allowed_drivers=["netCDF"])
    gdal.SetConfigOption("H5CORO_PREFER", None)
    ours = gdal.Open('H5CORO:"%s"://elevation' % local)
    ref_srs = ref.GetSpatialRef()
    gt = ours.GetGeoTransform()
    check(ours.GetSpatialRef().IsSame(ref_srs), "H5CORO's local CRS is the netCDF driver's")
    w, h = ours.RasterXSize, ours.RasterYSize
    ref_extent = (gt[0], gt[3] + gt[5] * h, gt[0] + gt[1] * w, gt[3])  # xmin, ymin, xmax, ymax
    arr = ours.ReadAsArray()

    from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsMapRendererParallelJob,
                           QgsMapSettings, QgsPointXY, QgsRasterLayer)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor, QImage

    qgs = QgsApplication([], False)
    qgs.setPrefixPath("/usr", True)
    qgs.initQgis()
    check(gdal.GetDriverByName("H5CORO") is not None, "QGIS's GDAL has the H5CORO driver (%s)" % gdal.__version__)

    # which backend served: the driver's CPLDebug lines (H5CORO category)
    debug = []
    gdal.SetConfigOption("CPL_DEBUG", "H5CORO")
    gdal.PushErrorHandler(lambda cls, no, msg: debug.append(msg))
    layer = QgsRasterLayer(uri, "elevation", "gdal")
    if not check(layer.isValid(), "QgsRasterLayer(%s, gdal) is valid" % uri):
        print(layer.error().summary())
        raise SystemExit(1)
    check((layer.width(), layer.height()) == (w, h), "size %dx%d" % (layer.width(), layer.height()))
    crs = layer.crs()
    qsrs = osr.SpatialReference()
    qsrs.ImportFromWkt(crs.toWkt(QgsCoordinateReferenceSystem.WKT_PREFERRED))
    check(crs.authid() == "EPSG:%s" % ref_srs.GetAuthorityCode(None) and qsrs.IsSame(ref_srs),
          "CRS %s is GDAL's" % crs.authid())
    e = layer.extent()
    got = (e.xMinimum(), e.yMinimum(), e.xMaximum(), e.yMaximum())
    check(all(abs(a - b) < 1e-6 for a, b in zip(got, ref_extent)), "extent %s is GDAL's %s" % (got, ref_extent))
    # a pixel QGIS reads is the one GDAL reads
    row, col = h // 3, w // 2
    pt = QgsPointXY(gt[0] + (col + 0.5) * gt[1], gt[3] + (row + 0.5) * gt[5])
    val, ok = layer.dataProvider().sample(pt, 1)
    check(ok and val == float(arr[row, col]), "sample at (%d, %d) = %s (GDAL %s)" % (row, col, val, arr[row, col]))

    ms = QgsMapSettings()
    ms.setLayers([layer])
    ms.setDestinationCrs(crs)
    ms.setExtent(layer.extent())
    ms.setOutputSize(QSize(320, 240))
    ms.setBackgroundColor(QColor(255, 255, 255, 0))
    job = QgsMapRendererParallelJob(ms)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    png = args.out or os.path.join(work, "map.png")
    check(img.save(png, "PNG"), "rendered to %s" % png)
    back = QImage(png)
    colors, opaque = set(), 0
    for y in range(0, back.height(), 4):
        for x in range(0, back.width(), 4):
            c = back.pixelColor(x, y)
            colors.add(c.rgba())
            opaque += c.alpha() > 0
    check(not back.isNull() and opaque > 0, "PNG has drawn pixels (%d of %d sampled)" % (
        opaque, len(range(0, back.height(), 4)) * len(range(0, back.width(), 4))))
    check(len(colors) > 1, "PNG is not uniform (%d distinct colours)" % len(colors))
    check("H5CORO" in layer.dataProvider().htmlMetadata(), "the layer's GDAL driver is H5CORO")
    layer = job = None
    served = [m for m in debug if m.startswith("H5CORO: %s: " % key)]
    check(served and all("retrying through GDAL's VSI layer" not in m and "(vsi backend)" not in m for m in served)
          and any("core's remote backend" in m or "(core backend)" in m for m in served),
          "served by the core's S3 backend (%d debug lines)" % len(served))
finally:
    if qgs is not None:
        qgs.exitQgis()
    os.kill(pid, signal.SIGTERM)
    shutil.rmtree(work, ignore_errors=True)

print("qgis_check: %d checks ok, %d failed%s" % (passed, len(failures), (": " + "; ".join(failures)) if failures else ""))
sys.exit(1 if failures else 0)
