#!/usr/bin/python3
"""Remote-read benchmark: h5coro against GDAL's built-in HDF5 driver.

One command (see README):  /usr/bin/python3 bench/run_bench.py --h5coro build/h5coro

It starts the s3rver S3 emulator (scripts/s3rver.sh) behind a latency proxy
(bench/latency_proxy.py, default 60 ms RTT), writes the workload files once
(cached in --work), uploads them, then runs each workload with each reader
--runs times in the same session, and prints the median seconds, the GETs and
bytes the proxy saw, and the ratio GDAL/h5coro. A JSON document follows the
table (also written to --json).

Workloads:
  B1  cold recursive listing of an ICESat-2-like file: 6 beams x 4 groups x
      25 datasets (600 x 60000 float32/float64, 4 attributes each, chunks of
      10000, deflate), written dataset by dataset (headers scattered).
  B2  full read of a 4096x4096 float32 grid, 256x256 chunks, shuffle+deflate.
  B3  a cold 512x512 window of B2.
  B4  three whole 1-D datasets of B1 (one h5c_read_many; GDAL multidim API).
  B5  B2 from a local file (h5coro vs GDAL and h5py, no network).
  D1-D4  gdalinfo / gdalinfo -checksum / gdal_translate -srcwin / gdal_translate
      on B1 and B2 through the H5CORO plugin vs the built-in driver (same
      commands); the GeoTIFFs of D3 and D4 are compared pixel by pixel.
  P1-3ds, P2-win, P2-full, P1-ls, P3-ls, P1P-3ds, P2P-win, P2P-full  on the
      product-like files of bench/product_files.py, every reader in the same
      run (h5coro CLI, GDAL through the plugin and the built-in driver,
      h5coro_c, h5py+fsspec, h5py with a page buffer on the paged files,
      h5py ros3, the seed's h5coro), values compared with h5py on the local
      copy; see bench/product_bench.py.

--only takes ids or shell patterns: --only 'P*', --only P1-3ds,P2-win.
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import product_bench
import product_files

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = "/usr/bin/python3"
BUCKET = "bench"
B4_PATHS = ["/gt1l/heights/h_00", "/gt1l/heights/h_01", "/gt1l/heights/h_02"]


# ---- workload files ---------------------------------------------------------

def make_b1(path):
    import h5py
    import numpy as np
    rng = np.random.default_rng(1)
    beams = ["gt1l", "gt1r", "gt2l", "gt2r", "gt3l", "gt3r"]
    groups = ["heights", "geolocation", "geophys_corr", "bckgrd_atlas"]
    with h5py.File(path + ".tmp", "w") as f:
        f.attrs["short_name"] = "ATL03-like"
        for b in beams:
            for g in groups:
                grp = f.require_group(f"{b}/{g}")
                for i in range(25):
                    dt = "<f8" if i % 2 else "<f4"
                    # noisy signal: compresses a little, like real geophysical data
                    x = (np.cumsum(rng.normal(0, 1, 60000)) + rng.normal(0, 0.01, 60000)).astype(dt)
                    d = grp.create_dataset(f"h_{i:02d}", data=x, chunks=(10000,), compression="gzip",
                                           compression_opts=6)
                    d.attrs["units"] = "meters"
                    d.attrs["long_name"] = f"{b} {g} variable {i}"
                    d.attrs["valid_min"] = -1e4
                    d.attrs["_FillValue"] = np.array(3.4e38, dtype=dt)
    os.replace(path + ".tmp", path)


def make_b2(path):
    import h5py
    from product_files import grid_values
    data = grid_values()
    with h5py.File(path + ".tmp", "w") as f:
        f.create_dataset("data", data=data, chunks=(256, 256), shuffle=True, compression="gzip",
                         compression_opts=4)
    os.replace(path + ".tmp", path)


# ---- servers ------------------------------------------------------------------

def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Servers:
    def __init__(self, work, rtt_ms):
        self.work = work
        self.procs = []
        portfile = os.path.join(work, "s3rver.port")
        pid = subprocess.check_output([os.path.join(ROOT, "scripts", "s3rver.sh"),
                                       os.path.join(work, "s3data"), portfile, BUCKET], text=True)
        self.s3_pid = int(pid.strip())
        self.s3_port = int(open(portfile).read())
        pf = os.path.join(work, "proxy.json")
        if os.path.exists(pf):
            os.remove(pf)
        self.procs.append(subprocess.Popen([PY, os.path.join(HERE, "latency_proxy.py"), "--upstream",
                                            f"127.0.0.1:{self.s3_port}", "--rtt-ms", str(rtt_ms),
                                            "--port-file", pf], stdout=subprocess.DEVNULL))
        for _ in range(100):
            if os.path.exists(pf) and os.path.getsize(pf):
                break
            time.sleep(0.05)
        ports = json.load(open(pf))
        self.proxy_port, self.control_port = ports["listen"], ports["control"]

    def stats(self, reset=False):
        url = f"http://127.0.0.1:{self.control_port}/" + ("reset" if reset else "stats")
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)

    def close(self):
        for p in self.procs:
            p.terminate()
        try:
            os.kill(self.s3_pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def upload(port, files):
    import boto3
    s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", aws_access_key_id="S3RVER",
                      aws_secret_access_key="S3RVER", region_name="us-east-1")
    have = {o["Key"]: o["Size"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    for key, path in files.items():
        if have.get(key) != os.path.getsize(path):
            s3.upload_file(path, BUCKET, key)


# ---- runs ---------------------------------------------------------------------

def env_for(proxy_port):
    e = dict(os.environ)
    for k in list(e):
        if k.startswith(("AWS_", "GDAL_", "CPL_")):
            del e[k]
    e.update({"AWS_S3_ENDPOINT": f"127.0.0.1:{proxy_port}", "AWS_HTTPS": "NO", "AWS_VIRTUAL_HOSTING": "FALSE",
              "AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER", "AWS_REGION": "us-east-1",
              "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR", "GDAL_DRIVER_PATH": "disable_plugins"})
    return e


def run_once(cmd, env, servers):
    if servers:
        servers.stats(reset=True)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=600)
    dt = time.perf_counter() - t0
    st = servers.stats() if servers else {"gets": None, "bytes_down": None}
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1][:200]}
    return {"s": dt, "gets": st["gets"], "bytes": st["bytes_down"]}


def same_output(cmd_ours, cmd_builtin, env_ours, env):
    """Whether both GDAL commands gave the same result: the GeoTIFFs pixel
    by pixel, else the checksums printed (None when there is neither)."""
    tifs = [x for x in cmd_ours if x.endswith(".tif")]
    if tifs:
        from osgeo import gdal
        import numpy as np
        a = gdal.Open(tifs[0]).ReadAsArray()
        b = gdal.Open(tifs[0].replace(".tif", "_builtin.tif")).ReadAsArray()
        return bool(a.shape == b.shape and np.array_equal(a, b, equal_nan=True))
    if "-checksum" in cmd_ours:
        outs = [subprocess.run(c, env=e, capture_output=True, text=True, timeout=600).stdout
                for c, e in ((cmd_ours, env_ours), (cmd_builtin, env))]
        sums = [[ln.strip() for ln in o.splitlines() if "Checksum=" in ln] for o in outs]
        return bool(sums[0]) and sums[0] == sums[1]
    return None


def measure(cmd, env, servers, runs):
    results = [run_once(cmd, env, servers) for _ in range(runs)]
    errs = [r for r in results if "error" in r]
    if errs:
        return errs[0]
    return {"s": statistics.median(r["s"] for r in results), "gets": results[-1]["gets"],
            "bytes": results[-1]["bytes"], "runs": [round(r["s"], 3) for r in results]}


def gdal_b4_script(url):
    return ("from osgeo import gdal\n"
            f"ds = gdal.OpenEx('{url}', gdal.OF_MULTIDIM_RASTER)\n"
            "rg = ds.GetRootGroup()\n"
            f"for p in {B4_PATHS!r}:\n"
            "    a = rg.OpenMDArrayFromFullname(p)\n"
            "    a.ReadAsArray()\n")


def h5py_b5_script(path):
    return f"import h5py\nwith h5py.File('{path}', 'r') as f: f['data'][()]\n"


def workloads(h5coro, s3, local_b2, tmp):
    b1, b2 = f"/vsis3/{BUCKET}/b1.h5", f"/vsis3/{BUCKET}/b2.h5"
    return [
        ("B1", "cold listing, 600 datasets",
         [h5coro, "ls", f"s3://{BUCKET}/b1.h5", "-r"], ["gdalinfo", b1], True),
        ("B2", "4096^2 f4 full read",
         [h5coro, "read", f"s3://{BUCKET}/b2.h5", "/data", "--format", "bin", "-o", "/dev/null"],
         ["gdalinfo", "-checksum", f'HDF5:"{b2}"://data'], True),
        ("B3", "512^2 window",
         [h5coro, "read", f"s3://{BUCKET}/b2.h5", "/data", "--slice", "0:512,0:512", "--format", "bin",
          "-o", "/dev/null"],
         ["gdal_translate", "-q", "-srcwin", "0", "0", "512", "512", f'HDF5:"{b2}"://data',
          os.path.join(tmp, "b3.tif")], True),
        # the same GDAL commands through the H5CORO plugin
        ("D1", "gdalinfo 600-dataset file", None, ["gdalinfo", b1], True),
        ("D2", "gdalinfo -checksum 4096^2", None, ["gdalinfo", "-checksum", f'H5CORO:"{b2}"://data'], True),
        ("D3", "gdal_translate 512^2 window", None,
         ["gdal_translate", "-q", "-srcwin", "0", "0", "512", "512", f'H5CORO:"{b2}"://data',
          os.path.join(tmp, "d3.tif")], True),
        ("D4", "gdal_translate 4096^2 grid", None,
         ["gdal_translate", "-q", f'H5CORO:"{b2}"://data', os.path.join(tmp, "d4.tif")], True),
        ("B4", "three 1-D datasets",
         [h5coro, "read", f"s3://{BUCKET}/b1.h5"] + B4_PATHS + ["--format", "bin", "-o", "/dev/null"],
         [PY, "-c", gdal_b4_script(b1)], True),
        ("B5", "local 4096^2 decode",
         [h5coro, "read", local_b2, "/data", "--format", "bin", "-o", "/dev/null"],
         ["gdalinfo", "-checksum", f'HDF5:"{local_b2}"://data'], False),
    ]


def h5coro_c_path(given, h5coro):
    """Where h5coro_c is: --h5coro-c, else None when it imports as installed,
    else the python-site the CMake build installs it into (ctest -R python_install)."""
    if given:
        return os.path.abspath(given)
    if subprocess.run([PY, "-c", "import h5coro_c"], capture_output=True).returncode == 0:
        return None
    site = os.path.join(os.path.dirname(h5coro), "python-site")
    return site if os.path.isdir(os.path.join(site, "h5coro_c")) else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--h5coro", default=os.path.join(ROOT, "build", "h5coro"))
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "h5coro-bench"))
    ap.add_argument("--rtt-ms", type=float, default=60.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", help="comma-separated workload ids or patterns, e.g. B2,B3 or 'P*'")
    ap.add_argument("--readers", help="comma-separated reader names for the P workloads (default: all)")
    ap.add_argument("--h5coro-c", default=None,
                    help="directory holding the h5coro_c package (default: importable, else BUILD/python-site)")
    ap.add_argument("--seed-path", default=os.environ.get("H5CORO_SEED_PATH"),
                    help="directory holding the seed's h5coro package (default: $H5CORO_SEED_PATH or importable)")
    ap.add_argument("--json", default=None, help="also write the JSON here")
    ap.add_argument("--plugin-dir", default=None, help="directory of gdal_H5CORO.so (default: next to --h5coro)")
    a = ap.parse_args()
    h5coro = os.path.abspath(a.h5coro)
    a.plugin_dir = os.path.abspath(a.plugin_dir or os.path.join(os.path.dirname(h5coro), "driver"))
    os.makedirs(a.work, exist_ok=True)
    only = a.only.split(",") if a.only else None
    want_b = [w for w in ("B1", "B2", "B3", "B4", "B5", "D1", "D2", "D3", "D4") if product_bench.selected(w, only)]
    want_p = [w for w in product_bench.WORKLOADS if product_bench.selected(w[0], only)]
    files = {}
    if any(w in ("B1", "B4", "D1") for w in want_b):
        files["b1.h5"] = os.path.join(a.work, "b1.h5")
        if not os.path.exists(files["b1.h5"]):
            print("writing B1 (~200 MB, once)...", file=sys.stderr)
            make_b1(files["b1.h5"])
    if any(w not in ("B1", "B4", "D1") for w in want_b):
        files["b2.h5"] = os.path.join(a.work, "b2.h5")
        if not os.path.exists(files["b2.h5"]):
            print("writing B2 (once)...", file=sys.stderr)
            make_b2(files["b2.h5"])
    if want_p:
        files.update({k: v for k, v in product_files.ensure(a.work).items() if any(w[1] == k for w in want_p)})
    tmp = tempfile.mkdtemp(prefix="h5c-bench-")
    servers = Servers(a.work, a.rtt_ms)
    rows = []
    try:
        upload(servers.s3_port, files)
        env = env_for(servers.proxy_port)
        for wid, desc, ours, gdal, remote in workloads(h5coro, servers, files.get("b2.h5"), tmp):
            if wid not in want_b:
                continue
            srv = servers if remote else None
            same = None
            if ours is None:  # a GDAL command: through the plugin vs the built-in driver
                cmd_builtin = [x.replace('H5CORO:"', 'HDF5:"').replace(".tif", "_builtin.tif") for x in gdal]
                env_ours = dict(env, GDAL_DRIVER_PATH=a.plugin_dir)
                r_ours = measure(gdal, env_ours, srv, a.runs)
                r_gdal = measure(cmd_builtin, env, srv, a.runs)
                same = same_output(gdal, cmd_builtin, env_ours, env)
            else:
                r_ours = measure(ours, env, srv, a.runs)
                r_gdal = measure(gdal, env, srv, a.runs)
            row = {"workload": wid, "what": desc, "h5coro": r_ours, "gdal": r_gdal}
            if same is not None:
                row["same_output"] = same
            if wid == "B5":
                row["h5py"] = measure([PY, "-c", h5py_b5_script(files["b2.h5"])], env, None, a.runs)
            if "s" in r_ours and "s" in r_gdal:
                row["ratio_gdal_over_h5coro"] = round(r_gdal["s"] / r_ours["s"], 2)
            rows.append(row)
            print_row(row)
        if want_p:
            ctx = product_bench.Ctx(h5coro, a.plugin_dir, env, servers.proxy_port, BUCKET, tmp,
                                    h5coro_c_path(a.h5coro_c, h5coro), a.seed_path)
            rows += product_bench.run_all(ctx, servers, files, a.runs, only,
                                          a.readers.split(",") if a.readers else None)
    finally:
        servers.close()
        shutil.rmtree(tmp, ignore_errors=True)
    doc = {"rtt_ms": a.rtt_ms, "runs": a.runs, "cores": os.cpu_count(), "loadavg": os.getloadavg(),
           "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "results": rows}
    print(json.dumps(doc))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(doc, f, indent=1)


def cell(r):
    if "error" in r:
        return "error: " + r["error"]
    g = "-" if r.get("gets") is None else str(r["gets"])
    b = "-" if r.get("bytes") is None else "%.1fMB" % (r["bytes"] / 1e6)
    return "%7.3fs %5s GETs %9s" % (r["s"], g, b)


def print_row(row):
    if not getattr(print_row, "header", False):
        print("%-4s %-28s | %-32s | %-32s | %s" % ("", "workload", "h5coro (CLI; D*: GDAL+plugin)",
                                                 "GDAL HDF5 driver", "GDAL/h5coro"))
        print_row.header = True
    same = {True: "  same output", False: "  OUTPUT DIFFERS", None: ""}[row.get("same_output")]
    print("%-4s %-28s | %-32s | %-32s | %s%s" % (row["workload"], row["what"], cell(row["h5coro"]), cell(row["gdal"]),
                                               row.get("ratio_gdal_over_h5coro", "-"), same), flush=True)
    if "h5py" in row:
        print("%-4s %-28s | %-32s" % ("", "  (h5py, local)", cell(row["h5py"])), flush=True)


if __name__ == "__main__":
    main()
