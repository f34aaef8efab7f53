#!/usr/bin/python3
"""The main job, end to end: data/ files served by s3rver (a local S3
emulator) behind a 60 ms latency proxy; gdalinfo and gdal_translate on
/vsis3/ paths through the H5CORO plugin, then through GDAL's built-in
drivers, with time and GET counts side by side; then the Python package
h5coro_c (installed into BUILD/python-site by demo.sh) reads an
ICESat-2-like granule from the same emulator with the seed's readDatasets
API and with File.read_many.

    /usr/bin/python3 scripts/demo.py --build build
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import run_bench  # noqa: E402  (Servers, upload, env_for)

FILES = ["netcdf4_cf.nc", "georef_grid.h5", "large_chunked_f4.h5", "icesat2_atl03_like.h5"]

# run in a child so the package comes from BUILD/python-site (argv[1])
PY_DEMO = r"""
import sys
sys.path.insert(0, sys.argv[1])
import h5coro_c
from h5coro_c.compat import h5coro, s3driver
bucket = sys.argv[2]
h5obj = h5coro.H5Coro(bucket + "/icesat2_atl03_like.h5", s3driver.S3Driver,
                      credentials={"aws_access_key_id": "S3RVER", "aws_secret_access_key": "S3RVER"})
promise = h5obj.readDatasets(["/gt1l/heights/h_ph", "/gt1l/heights/lat_ph",
                              {"dataset": "/gt1l/heights/signal_conf_ph", "hyperslice": [[0, 4], [0, 5]]}],
                             block=True)
for k in promise:
    print("readDatasets %-30s %s" % (k, promise[k].ravel()[:4]))
variables, attributes, groups = h5obj.list("/gt1l/heights", w_attr=True)
print("list /gt1l/heights: %d variables (%s, ...)" % (len(variables), ", ".join(sorted(variables)[:3])))
with h5coro_c.File("s3://%s/icesat2_atl03_like.h5" % bucket) as f:
    arrays = f.read_many({"/gt2r/heights/lon_ph": None, "/gt2r/heights/h_ph": slice(0, 10)})
    print("File.read_many: %s; %d GETs" % ({k: v.shape for k, v in arrays.items()}, f.stats()["requests"]))
"""


def run(title, cmd, env, servers, show=False, shown=None):
    servers.stats(reset=True)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    dt = time.perf_counter() - t0
    st = servers.stats()
    print(f"$ {shown or ' '.join(cmd)}")
    if show or p.returncode:
        print("\n".join(("  " + line) for line in (p.stdout + p.stderr).strip().splitlines()[:24]))
    print(f"  -> {title}: {dt:.2f} s, {st['gets']} GETs, {st['bytes_down'] / 1e6:.2f} MB"
          + ("" if p.returncode == 0 else f", exit {p.returncode}"))
    return p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--rtt-ms", type=float, default=60.0)
    a = ap.parse_args()
    plugin_dir = os.path.join(os.path.abspath(a.build), "driver")
    if not os.path.exists(os.path.join(plugin_dir, "gdal_H5CORO.so")):
        sys.exit(f"no plugin in {plugin_dir}: build first")
    work = tempfile.mkdtemp(prefix="h5coro-demo-")
    servers = run_bench.Servers(work, a.rtt_ms)
    rc = 0
    try:
        run_bench.upload(servers.s3_port, {f: os.path.join(ROOT, "data", f) for f in FILES})
        base = run_bench.env_for(servers.proxy_port)
        ours = dict(base, GDAL_DRIVER_PATH=plugin_dir)
        builtin = dict(base)  # GDAL_DRIVER_PATH points nowhere: built-in drivers only
        b = run_bench.BUCKET
        out1, out2 = os.path.join(work, "h5coro.tif"), os.path.join(work, "builtin.tif")
        print(f"s3rver on 127.0.0.1:{servers.s3_port}, latency proxy ({a.rtt_ms:.0f} ms RTT) on "
              f"127.0.0.1:{servers.proxy_port}\n")
        rc |= run("H5CORO plugin", ["gdalinfo", f"/vsis3/{b}/netcdf4_cf.nc"], ours, servers, show=True)
        rc |= run("built-in drivers", ["gdalinfo", f"/vsis3/{b}/netcdf4_cf.nc"], builtin, servers)
        print()
        rc |= run("H5CORO plugin", ["gdal_translate", "-q", f'H5CORO:"/vsis3/{b}/georef_grid.h5"://elevation',
                                    out1], ours, servers)
        rc |= run("built-in HDF5 driver", ["gdal_translate", "-q", f'HDF5:"/vsis3/{b}/georef_grid.h5"://elevation',
                                           out2], builtin, servers)
        print()
        rc |= run("H5CORO plugin", ["gdalinfo", "-checksum", f'H5CORO:"/vsis3/{b}/large_chunked_f4.h5"://field'],
                  ours, servers)
        rc |= run("built-in HDF5 driver", ["gdalinfo", "-checksum", f'HDF5:"/vsis3/{b}/large_chunked_f4.h5"://field'],
                  builtin, servers)
        print()
        print(subprocess.run(["gdalinfo", out1], capture_output=True, text=True).stdout.split("Band 1")[0].strip())
        site = os.path.join(os.path.abspath(a.build), "python-site")
        if os.path.isdir(os.path.join(site, "h5coro_c")):
            print("\nPython (h5coro_c, the seed's API):")
            rc |= run("h5coro_c", [sys.executable, "-c", PY_DEMO, site, b], base, servers, show=True,
                      shown="python3 (h5coro_c.compat: H5Coro(..., S3Driver).readDatasets, list; File.read_many)")
    finally:
        servers.close()
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if rc else 0)


if __name__ == "__main__":
    main()
