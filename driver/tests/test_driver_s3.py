"""The driver test matrix over /vsis3/: data/ served by the s3rver S3
emulator on loopback (scripts/s3rver.sh), read through the H5CORO plugin
and compared with the local reads of GDAL's built-in HDF5 driver, of this
driver and of h5py. Also: the fallback from the core's S3 backend to
GDAL's VSI layer when the core lacks the credential source.

Run by the ctest `gdal_driver_s3` (not by `gdal_driver`, which ignores this
file). Environment: GDAL_DRIVER_PATH (directory of gdal_H5CORO.so),
H5CORO_TEST_DATA (data/), H5C_S3RVER_PREFIX (where npm installs s3rver).
"""
import glob
import http.server
import os
import re
import shutil
import signal
import subprocess
import sys
import threading

import numpy as np
import pytest

from osgeo import gdal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_driver import (DATA, config_option, gdal_array, h5py_array, is_hdf5, open_with,  # noqa: E402
                         same_array, short)
from worker_runs import run_worker  # noqa: E402

gdal.UseExceptions()

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUCKET = "h5coro-test"
FILES = [f for f in sorted(glob.glob(os.path.join(DATA, "*.h5")) + glob.glob(os.path.join(DATA, "*.nc")) +
                           glob.glob(os.path.join(DATA, "*.he5")))
         if is_hdf5(f)]
AWS_KEYS = ("AWS_", "CPL_AWS_")


def remote(path):
    return "/vsis3/%s/%s" % (BUCKET, os.path.basename(path))


def sub_name(path, ds):
    return 'H5CORO:"%s":%s' % (path, ds)


def datasets(path, ref):
    """(built-in name, our name, built-in info) of the datasets the built-in
    driver opens locally (it writes spaces in names as '_'; ours keeps
    them)."""
    ds = open_with(path, "H5CORO")
    ours = {}
    if ds is not None:
        md = ds.GetMetadata("SUBDATASETS") or {}
        ours = {v.rsplit(":", 1)[1].replace(" ", "_"): v.rsplit(":", 1)[1] for k, v in md.items()
                if k.endswith("_NAME")}
    return [(d, ours.get(d, d), info) for d, info in ref["datasets"].items() if 0 not in info["size"]]


class S3:
    """s3rver on a loopback port with data/ uploaded into BUCKET."""

    def __init__(self, work):
        prefix = os.environ.get("H5C_S3RVER_PREFIX", os.path.join(ROOT, "build", ".s3rver"))
        env = dict(os.environ, H5C_S3RVER_PREFIX=prefix)
        portfile = os.path.join(work, "port")
        p = subprocess.run([os.path.join(ROOT, "scripts", "s3rver.sh"), os.path.join(work, "store"), portfile, BUCKET],
                           env=env, capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            pytest.skip("s3rver could not be started: " + (p.stderr.strip().splitlines() or ["?"])[-1])
        self.pid = int(p.stdout.strip())
        self.port = int(open(portfile).read())
        self.options = {"AWS_S3_ENDPOINT": "127.0.0.1:%d" % self.port, "AWS_HTTPS": "NO",
                        "AWS_VIRTUAL_HOSTING": "FALSE", "AWS_ACCESS_KEY_ID": "S3RVER",
                        "AWS_SECRET_ACCESS_KEY": "S3RVER", "AWS_REGION": "us-east-1",
                        "CPL_AWS_AUTODETECT_EC2": "NO", "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR"}

    def env(self, **extra):
        """Environment for a child process: ours, without any AWS setting of
        the caller, plus the emulator's."""
        e = {k: v for k, v in os.environ.items() if not k.startswith(AWS_KEYS) and k != "CPL_DEBUG"}
        e.update(self.options)
        e.update(extra)
        return {k: v for k, v in e.items() if v is not None}

    def upload(self, local, key):
        data = open(local, "rb").read()
        fp = gdal.VSIFOpenL("/vsis3/%s/%s" % (BUCKET, key), "wb")
        assert fp is not None
        assert gdal.VSIFWriteL(data, 1, len(data), fp) == len(data)
        assert gdal.VSIFCloseL(fp) == 0

    def stop(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="session")
def s3(tmp_path_factory):
    work = str(tmp_path_factory.mktemp("s3rver"))
    srv = S3(work)
    saved = {k: v for k, v in os.environ.items() if k.startswith(AWS_KEYS)}
    try:
        # in this process GDAL and the driver read the emulator's settings
        # from the environment; nothing of the caller's AWS setup leaks in
        for k in saved:
            del os.environ[k]
        os.environ.update(srv.options)
        for f in FILES:
            srv.upload(f, os.path.basename(f))
        srv.upload(os.path.join(DATA, "README.md"), "not_hdf5.h5")
        gdal.VSICurlClearCache()
        yield srv
    finally:
        srv.stop()
        for k in srv.options:
            os.environ.pop(k, None)
        os.environ.update(saved)
        shutil.rmtree(os.path.join(work, "store"), ignore_errors=True)


@pytest.fixture(scope="session")
def builtin():
    """The built-in HDF5 driver on the local files (a child process, as in
    test_driver.py)."""
    worker = os.path.join(os.path.dirname(__file__), "builtin_worker.py")
    return run_worker(worker, FILES, lambda f: {"path": f, "crashed": True, "subdatasets": {}, "datasets": {}},
                      env={k: v for k, v in os.environ.items() if not k.startswith(AWS_KEYS)}, timeout=600)


class DebugLog:
    """CPLDebug messages of the H5CORO category while active."""

    def __init__(self):
        self.msgs = []

    def __enter__(self):
        self.cfg = config_option("CPL_DEBUG", "H5CORO")
        self.cfg.__enter__()
        gdal.PushErrorHandler(self.handler)
        return self

    def handler(self, cls, no, msg):
        self.msgs.append(msg)

    def __exit__(self, *exc):
        gdal.PopErrorHandler()
        self.cfg.__exit__()

    def backends(self, path):
        """Backends named by the close-time statistics lines of path."""
        return [m.rsplit("(", 1)[1].split()[0] for m in self.msgs
                if m.startswith("H5CORO: %s: " % path) and m.endswith(" backend)")]


def srs_same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return bool(a.IsSame(b))


def same_value(a, b):
    return a == b or (isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b))


def check_same_georef(ours, local):
    assert ours.GetGeoTransform() == local.GetGeoTransform()
    assert srs_same(ours.GetSpatialRef(), local.GetSpatialRef())


@pytest.mark.parametrize("path", FILES, ids=[short(f) for f in FILES])
def test_s3_matrix(s3, builtin, path, tmp_path):
    """Every dataset the built-in driver opens locally, over /vsis3/ through
    H5CORO: checksums (built-in, local), arrays (h5py), subdataset lists,
    metadata and georeferencing (ours, local), GeoTIFF output (built-in,
    local); each served by the core's S3 backend."""
    rpath = remote(path)
    ref = builtin[path]
    assert not ref.get("crashed"), ref
    with DebugLog() as log:
        local_plain = open_with(path, "H5CORO")
        ours_plain = open_with(rpath, "H5CORO")
        if local_plain is None:
            assert ours_plain is None
        else:
            assert ours_plain is not None
            assert ours_plain.RasterCount == local_plain.RasterCount
            lmd = local_plain.GetMetadata("SUBDATASETS") or {}
            rmd = ours_plain.GetMetadata("SUBDATASETS") or {}
            assert {k: v.replace(rpath, path) for k, v in rmd.items()} == lmd
            assert (ours_plain.GetMetadata("H5CORO_OTHER_DATASETS") or {}) == \
                (local_plain.GetMetadata("H5CORO_OTHER_DATASETS") or {})
            if local_plain.RasterCount:
                check_same_georef(ours_plain, local_plain)
                assert [ours_plain.GetRasterBand(b).Checksum() for b in range(1, ours_plain.RasterCount + 1)] == \
                    [local_plain.GetRasterBand(b).Checksum() for b in range(1, local_plain.RasterCount + 1)]
        local_plain = ours_plain = None
        checked = 0
        for bipath, dspath, info in datasets(path, ref):
            local1 = open_with(sub_name(path, dspath), "H5CORO")
            ours1 = open_with(sub_name(rpath, dspath), "H5CORO")
            if local1 is None:
                # the core lacks a feature this dataset needs: same remotely
                assert ours1 is None, dspath
                continue
            assert ours1 is not None, dspath
            assert [ours1.RasterXSize, ours1.RasterYSize, ours1.RasterCount] == info["size"], dspath
            # the built-in opened it but could not decode it (libhdf5 here has no
            # lzf, lz4, ... filter): its checksum is no oracle, h5py's values are
            builtin_read = info.get("digest") is not None
            for b in range(1, ours1.RasterCount + 1):
                ob, lb = ours1.GetRasterBand(b), local1.GetRasterBand(b)
                assert ob.DataType == info["types"][b - 1], dspath
                if builtin_read:
                    assert ob.Checksum() == info["checksums"][b - 1], (dspath, b)
                assert same_value(ob.GetNoDataValue(), lb.GetNoDataValue()), dspath
                assert (ob.GetScale(), ob.GetOffset(), ob.GetUnitType()) == \
                    (lb.GetScale(), lb.GetOffset(), lb.GetUnitType()), dspath
                assert ob.GetBlockSize() == lb.GetBlockSize(), dspath
            assert same_array(gdal_array(ours1), h5py_array(path, dspath)), dspath
            check_same_georef(ours1, local1)
            assert ours1.GetMetadata() == local1.GetMetadata(), dspath
            assert ours1.GetMetadata("GEOLOCATION") == local1.GetMetadata("GEOLOCATION"), dspath
            if not builtin_read:
                ours1 = local1 = None
                continue
            # gdal_translate to GeoTIFF: the built-in driver's local output
            tif = str(tmp_path / "ours.tif")
            reftif = str(tmp_path / "ref.tif")
            gdal.Translate(tif, ours1)
            with config_option("H5CORO_PREFER", "NO"):
                bi = gdal.OpenEx('HDF5:"%s":%s' % (path, bipath), gdal.OF_RASTER, allowed_drivers=["HDF5Image"])
                gdal.Translate(reftif, bi)
                bi = None
            a, b = gdal.Open(tif), gdal.Open(reftif)
            assert (a.RasterCount, a.RasterXSize, a.RasterYSize) == (b.RasterCount, b.RasterXSize, b.RasterYSize)
            assert [a.GetRasterBand(i).DataType for i in range(1, a.RasterCount + 1)] == \
                [b.GetRasterBand(i).DataType for i in range(1, b.RasterCount + 1)], dspath
            assert same_array(gdal_array(a), gdal_array(b)), dspath
            check_same_georef(a, local1)
            a = b = ours1 = local1 = None
            gdal.Unlink(tif)
            gdal.Unlink(reftif)
            checked += 1
    used = set(log.backends(rpath))
    assert used <= {"core"}, used
    if checked:
        assert used == {"core"}
    assert not [m for m in log.msgs if "retrying through GDAL's VSI layer" in m]


def gdalinfo_checksums(s3, name, *extra, **env):
    p = subprocess.run(["gdalinfo", "-checksum", "--debug", "on", *extra, name], env=s3.env(**env),
                       capture_output=True, text=True, timeout=120)
    return p, [int(x) for x in re.findall(r"Checksum=(\d+)", p.stdout)]


@pytest.mark.parametrize("path", FILES, ids=[short(f) for f in FILES])
def test_s3_gdalinfo_checksum(s3, builtin, path):
    """The gdalinfo command over /vsis3/ (first dataset of each file that
    both drivers open): the built-in driver's local checksums, core backend."""
    for _, dspath, info in datasets(path, builtin[path]):
        if open_with(sub_name(path, dspath), "H5CORO") is None or info.get("digest") is None:
            continue  # we decline it, or the built-in cannot decode it (no oracle)
        p, sums = gdalinfo_checksums(s3, sub_name(remote(path), dspath))
        assert p.returncode == 0, p.stderr[-2000:]
        assert "Driver: H5CORO/" in p.stdout
        assert sums == info["checksums"], dspath
        assert "(core backend)" in p.stderr and "(vsi backend)" not in p.stderr
        return
    pytest.skip("no dataset that both drivers open")


def rio_env(s3):
    """rasterio.Env settings for the emulator: keys through rasterio's
    AWSSession (rasterio refuses them as plain options), the rest as GDAL
    options."""
    from rasterio.session import AWSSession
    session = AWSSession(aws_access_key_id="S3RVER", aws_secret_access_key="S3RVER", region_name="us-east-1",
                         endpoint_url=s3.options["AWS_S3_ENDPOINT"])
    return dict(session=session, AWS_HTTPS="NO", AWS_VIRTUAL_HOSTING=False, CPL_AWS_AUTODETECT_EC2=False)


def rio_fix(a, ref):
    """rasterio 1.3.5 maps GDAL's Int64 and UInt64 the wrong way round
    (fixed in 1.3.6): compare 64-bit integers as the bytes they are."""
    if a.dtype.kind in "iu" and ref.dtype.kind in "iu" and a.dtype.itemsize == ref.dtype.itemsize == 8:
        return a.view(ref.dtype)
    return a


@pytest.mark.parametrize("path", FILES, ids=[short(f) for f in FILES])
def test_s3_rasterio(s3, builtin, path):
    """rasterio over /vsis3/: full and windowed reads equal h5py."""
    rasterio = pytest.importorskip("rasterio")
    from rasterio.windows import Window
    n = 0
    with rasterio.Env(**rio_env(s3)):
        for _, dspath, info in datasets(path, builtin[path]):
            if open_with(sub_name(path, dspath), "H5CORO") is None:
                continue
            ref = h5py_array(path, dspath)
            try:
                src = rasterio.open(sub_name(remote(path), dspath))
            except rasterio.errors.RasterioIOError as e:
                if "data type" in str(e):
                    continue  # a GDAL type rasterio 1.3 does not map (CInt16/CInt32)
                raise
            with src:
                assert src.driver == "H5CORO"
                assert (src.count, src.height, src.width) == ref.shape
                a = src.read()
                assert same_array(rio_fix(a, ref), ref), dspath
                w, h = src.width, src.height
                win = Window(w // 3, h // 3, max(1, w // 2), max(1, h // 2))
                part = src.read(window=win)
                assert same_array(rio_fix(part, ref), ref[:, h // 3:h // 3 + max(1, h // 2), w // 3:w // 3 + max(1, w // 2)]), dspath
                n += 1
    if not n:
        pytest.skip("no dataset rasterio can read")


def test_s3_rasterio_georef(s3):
    rasterio = pytest.importorskip("rasterio")
    path = os.path.join(DATA, "georef_grid.h5")
    local = gdal.Open(sub_name(path, "//elevation"))
    with rasterio.Env(**rio_env(s3)):
        with rasterio.open(sub_name(remote(path), "//elevation")) as src:
            assert tuple(src.transform.to_gdal()) == local.GetGeoTransform()
            assert src.crs.to_epsg() == 32611
            assert src.nodata == local.GetRasterBand(1).GetNoDataValue()
        with rasterio.open(remote(path)) as src:
            # rasterio drops the quotes around the file name
            assert sorted(src.subdatasets) == sorted(
                v.replace(path, remote(path)).replace('"', "")
                for k, v in local_subdatasets(path).items() if k.endswith("_NAME"))


def local_subdatasets(path):
    return gdal.Open(path).GetMetadata("SUBDATASETS")


def test_s3_not_hdf5_is_not_retried(s3):
    """A remote object that is not HDF5 is reported as such: no retry
    through GDAL's VSI layer."""
    with DebugLog() as log:
        with pytest.raises(RuntimeError, match="not an HDF5 file"):
            gdal.Open(sub_name("/vsis3/%s/not_hdf5.h5" % BUCKET, "//x"))
        # a plain path is declined silently
        assert open_with("/vsis3/%s/not_hdf5.h5" % BUCKET, "H5CORO") is None
    assert not [m for m in log.msgs if "retrying through GDAL's VSI layer" in m]


# ---- fallback: a credential source the core lacks ------------------------------

class StsStandIn:
    """STS AssumeRole on loopback (what GDAL 3.6 calls for a profile with
    role_arn + source_profile, which the core does not implement). Hands out
    the emulator's keys with a session token."""

    def __init__(self):
        calls = self.calls = []

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                # record the action and the signing key id (never a secret)
                auth = self.headers.get("Authorization", "")
                m = re.search(r"Credential=([^/]+)/", auth)
                calls.append((self.path.split("?", 1)[-1], m.group(1) if m else None))
                body = (b"<AssumeRoleResponse><AssumeRoleResult><Credentials>"
                        b"<AccessKeyId>S3RVER</AccessKeyId><SecretAccessKey>S3RVER</SecretAccessKey>"
                        b"<SessionToken>assumed-role-session</SessionToken>"
                        b"<Expiration>2099-01-01T00:00:00Z</Expiration>"
                        b"</Credentials></AssumeRoleResult></AssumeRoleResponse>")
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def assume_role_env(s3, tmp_path):
    """A profile that gets its keys from STS AssumeRole with a source
    profile: GDAL's /vsis3/ resolves it, the core finds no credentials."""
    sts = StsStandIn()
    aws = tmp_path / "aws"
    aws.mkdir()
    (aws / "config").write_text("[profile assumed]\nrole_arn = arn:aws:iam::123456789012:role/h5coro-test\n"
                                "source_profile = base\n")
    (aws / "credentials").write_text("[base]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n")
    env = dict(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, HOME=str(tmp_path), AWS_PROFILE="assumed",
               AWS_CONFIG_FILE=str(aws / "config"), CPL_AWS_CREDENTIALS_FILE=str(aws / "credentials"),
               AWS_STS_ENDPOINT="127.0.0.1:%d" % sts.port,
               # the core's instance-metadata probe: a closed port, never a real EC2 role
               AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:9")
    try:
        yield sts, env
    finally:
        sts.stop()


READ_SCRIPT = r"""
import sys, numpy as np
from osgeo import gdal
gdal.UseExceptions()
ds = gdal.Open(sys.argv[1])
np.save(sys.argv[2], ds.ReadAsArray())
"""


def test_fallback_to_vsi_when_core_lacks_credentials(s3, builtin, assume_role_env, tmp_path):
    sts, env = assume_role_env
    path = os.path.join(DATA, "georef_grid.h5")
    name = sub_name(remote(path), "//elevation")
    p, sums = gdalinfo_checksums(s3, name, **env)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "Driver: H5CORO/" in p.stdout
    assert sums == builtin[path]["datasets"]["//elevation"]["checksums"]
    assert "no AWS credentials found" in p.stderr and "retrying through GDAL's VSI layer" in p.stderr
    assert "(vsi backend)" in p.stderr and "(core backend)" not in p.stderr
    # GDAL got the keys from STS, signing with the source profile's key id
    assert sts.calls and "Action=AssumeRole" in sts.calls[0][0] and sts.calls[0][1] == "S3RVER"
    # georeferencing as locally, full array as h5py
    assert "Origin = (500000.000000000000000,4100000.000000000000000)" in p.stdout
    assert 'ID["EPSG",32611]' in p.stdout
    out = str(tmp_path / "a.npy")
    r = subprocess.run([sys.executable, "-c", READ_SCRIPT, name, out], env=s3.env(**env), capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert same_array(gdal_array_np(np.load(out)), h5py_array(path, "elevation"))
    # a plain path: subdatasets through the fallback too
    p = subprocess.run(["gdalinfo", remote(path)], env=s3.env(**env), capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and "Driver: H5CORO/" in p.stdout and "SUBDATASET_1_NAME=H5CORO:" in p.stdout


def gdal_array_np(a):
    return a.reshape((1,) + a.shape) if a.ndim == 2 else a


def test_no_fallback_with_core_backend(s3, assume_role_env):
    """H5CORO_REMOTE_BACKEND=CORE: the core's reason is the error."""
    _, env = assume_role_env
    name = sub_name(remote(os.path.join(DATA, "georef_grid.h5")), "//elevation")
    p, _ = gdalinfo_checksums(s3, name, H5CORO_REMOTE_BACKEND="CORE", **env)
    assert p.returncode != 0
    assert "no AWS credentials found" in p.stderr
    assert "retrying through GDAL's VSI layer" not in p.stderr


def test_fallback_failure_names_both(s3, assume_role_env):
    """When GDAL's VSI layer cannot serve it either, the error names the
    core's reason too."""
    _, env = assume_role_env
    env["AWS_STS_ENDPOINT"] = "127.0.0.1:9"  # STS unreachable: GDAL has no keys either
    name = sub_name(remote(os.path.join(DATA, "georef_grid.h5")), "//elevation")
    p, _ = gdalinfo_checksums(s3, name, GDAL_HTTP_MAX_RETRY="0", **env)
    assert p.returncode != 0
    assert "retrying through GDAL's VSI layer" in p.stderr
    assert re.search(r"cannot (stat|open) /vsis3/.*\(core backend: .*no AWS credentials found", p.stderr), \
        p.stderr[-2000:]


# ---- threads over one /vsis3/ dataset (issue 9 item 3) ----------------------------

LARGE = os.path.join(DATA, "large_chunked_f4.h5")


def warp(src, out, *extra):
    # no georeferencing in the file: warp in pixel space, a small warp memory
    # so the output is done in many chunks (shared out to the threads)
    p = subprocess.run(["gdalwarp", "-q", "-overwrite", "-of", "GTiff", "-to", "SRC_METHOD=NO_GEOTRANSFORM",
                        "-to", "DST_METHOD=NO_GEOTRANSFORM", "-ts", "700", "600", "-r", "cubic", "-wm", "1",
                        *extra, src, out], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    return gdal_array(gdal.Open(out))


def test_s3_gdalwarp_multithread_same_as_single(s3, tmp_path):
    """gdalwarp -multi -wo NUM_THREADS=ALL_CPUS over /vsis3/ writes what the
    single-threaded warp writes, and what the built-in HDF5 driver's warp of
    the local file writes (the oracle)."""
    src = sub_name(remote(LARGE), "/field")
    ref = warp('HDF5:"%s"://field' % LARGE, str(tmp_path / "ref.tif"))
    one = warp(src, str(tmp_path / "one.tif"))
    many = warp(src, str(tmp_path / "many.tif"), "-multi", "-wo", "NUM_THREADS=ALL_CPUS")
    assert one.tobytes() == ref.tobytes()
    assert many.tobytes() == one.tobytes()


def test_s3_rasterio_thread_pool_same_as_single(s3):
    """8 threads, each with its own rasterio handle on one /vsis3/ dataset
    (the driver shares one h5c_file between them), read random windows: the
    same arrays as one thread reading them, and as h5py's local read."""
    rasterio = pytest.importorskip("rasterio")
    from concurrent.futures import ThreadPoolExecutor
    from rasterio.windows import Window
    ref = h5py_array(LARGE, "/field")
    rng = np.random.default_rng(9)
    wins = []
    for _ in range(64):
        x, y = (int(v) for v in rng.integers(0, 500, 2))
        wins.append(Window(x, y, int(rng.integers(1, 512 - x)), int(rng.integers(1, 512 - y))))
    url = sub_name(remote(LARGE), "/field")

    def read(w):
        # rasterio's Env is per thread: each worker enters its own
        with rasterio.Env(**rio_env(s3)):
            with rasterio.open(url) as src:
                return src.read(1, window=w)
    single = [read(w) for w in wins]
    with ThreadPoolExecutor(8) as pool:
        multi = list(pool.map(read, wins * 2))
    for w, a in zip(wins, single):
        r, c = w.toslices()
        assert a.tobytes() == ref[0][r, c].tobytes()
    for a, b in zip(multi, single * 2):
        assert a.tobytes() == b.tobytes()
