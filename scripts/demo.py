#!/usr/bin/python3
"""The main job, end to end: data/ files served by s3rver (a local S3
emulator) behind a 60 ms latency proxy; gdalinfo and gdal_translate on
/vsis3/ paths through the H5CORO plugin, then through GDAL's built-in
drivers, with time and GET counts side by side.

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

FILES = ["netcdf4_cf.nc", "georef_grid.h5", "large_chunked_f4.h5"]


def run(title, cmd, env, servers, show=False):
    servers.stats(reset=True)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    dt = time.perf_counter() - t0
    st = servers.stats()
    print(f"$ {' '.join(cmd)}")
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
    finally:
        servers.close()
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if rc else 0)


if __name__ == "__main__":
    main()
