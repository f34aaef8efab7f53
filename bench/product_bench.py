"""Product-like workloads of run_bench.py (P*): every reader in the same run.

Each workload runs each reader --runs times round-robin (run 1 of every
reader, then run 2, ...) so that load from other work on the machine spreads
over all readers alike; one more run per reader writes its output, which is
compared with h5py reading the local copy of the same file (the oracle).
GETs and bytes are what the latency proxy saw during a run.

Readers ("ours" or "peer"):
  h5coro CLI          h5coro read ... --format bin / h5coro ls -r
  GDAL+H5CORO         gdal_translate -srcwin / gdal_translate / gdalinfo
                      through the plugin; the multidimensional API (Python)
                      for the 3-dataset reads
  GDAL HDF5           the same commands through GDAL's built-in driver
  h5coro_c            our Python binding (read_many / list(recursive=True))
  h5py+fsspec         h5py over fsspec's HTTP filesystem, defaults
  h5py+fsspec+pagebuf the same with page_buf_size (paged files only)
  h5py ros3           libhdf5's read-only S3 driver
  h5coro (seed)       the seed's Python h5coro, HTTPDriver
Python readers report the time from open to the last value (interpreter
start and imports excluded); commands report their wall time.
"""
import fnmatch
import json
import os
import statistics
import subprocess
import sys
import time

from product_files import P1_READ, P2_GRID

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
READERS_PY = os.path.join(HERE, "readers.py")
WIN = (1000, 1000, 512, 512)   # x, y, w, h: off the 256^2 chunk grid, touches 3x3 chunks
WIN_SLICE = "%d:%d,%d:%d" % (WIN[1], WIN[1] + WIN[3], WIN[0], WIN[0] + WIN[2])

# id, file, paths (None: recursive listing), slice, description
WORKLOADS = [
    ("P1-3ds", "p1.h5", P1_READ, None, "3 whole 1-D datasets of the 600-dataset file"),
    ("P2-win", "p2.h5", [P2_GRID], WIN_SLICE, "512x512 window of the 4096^2 f4 grid"),
    ("P2-full", "p2.h5", [P2_GRID], None, "full 4096^2 f4 grid"),
    ("P1-ls", "p1.h5", None, None, "recursive listing, 600-dataset file"),
    ("P3-ls", "p3.h5", None, None, "recursive listing, flat group of 8,000"),
    ("P1P-3ds", "p1p.h5", P1_READ, None, "P1-3ds on the paged file"),
    ("P2P-win", "p2p.h5", [P2_GRID], WIN_SLICE, "P2-win on the paged file"),
    ("P2P-full", "p2p.h5", [P2_GRID], None, "P2-full on the paged file"),
]


def selected(wid, only):
    """--only takes ids or shell patterns (P1*, P2P-*); None: all."""
    return only is None or any(fnmatch.fnmatchcase(wid, pat) for pat in only)


# ---- the oracle -----------------------------------------------------------------

def oracle(local_path, paths, slice_spec):
    import h5py
    from readers import digest, h5py_list, h5py_read, listing_digest, parse_slice
    with h5py.File(local_path, "r") as f:
        if paths:
            return digest(h5py_read(f, paths, parse_slice(slice_spec)))
        return listing_digest(h5py_list(f))


# ---- readers ----------------------------------------------------------------------

class Ctx:
    """What every reader's command needs: binaries, ports, environments."""

    def __init__(self, h5coro, plugin_dir, env, proxy_port, bucket, tmp, pypath_c, seed_path):
        self.h5coro, self.plugin_dir, self.env = h5coro, plugin_dir, env
        self.endpoint = f"127.0.0.1:{proxy_port}"
        self.bucket, self.tmp = bucket, tmp
        self.pypath_c, self.seed_path = pypath_c, seed_path


def with_pythonpath(env, extra):
    if not extra:
        return env
    return dict(env, PYTHONPATH=os.pathsep.join([extra] + [p for p in [env.get("PYTHONPATH")] if p]))


def py_reader(name, pypath=None):
    def make(ctx, key, paths, sl, out):
        cmd = [PY, READERS_PY, name, "--s3", f"{ctx.bucket}/{key}", "--endpoint", ctx.endpoint]
        cmd += ["--read"] + paths if paths else ["--list"]
        if sl:
            cmd += ["--slice", sl]
        if out:
            cmd += ["--digest", out + ".json"]
        extra = {"c": ctx.pypath_c, "seed": ctx.seed_path}.get(pypath)
        env = with_pythonpath(ctx.env, extra)
        if name.startswith("gdal-mdim-H5CORO"):
            env = dict(env, GDAL_DRIVER_PATH=ctx.plugin_dir)
        return cmd, env
    return make


def cli_reader(ctx, key, paths, sl, out):
    url = f"s3://{ctx.bucket}/{key}"
    if not paths:
        return [ctx.h5coro, "ls", url, "-r"], ctx.env
    dest = "/dev/null"
    if out:
        dest = out if len(paths) == 1 else out + ".d"
        if len(paths) > 1:
            os.makedirs(dest, exist_ok=True)
    cmd = [ctx.h5coro, "read", url] + paths + (["--slice", sl] if sl else []) + ["--format", "bin", "-o", dest]
    return cmd, ctx.env


def gdal_reader(driver):
    def make(ctx, key, paths, sl, out):
        vsi = f"/vsis3/{ctx.bucket}/{key}"
        env = dict(ctx.env, GDAL_DRIVER_PATH=ctx.plugin_dir) if driver == "H5CORO" else ctx.env
        if not paths:
            return ["gdalinfo", vsi], env
        if len(paths) > 1:
            return py_reader("gdal-mdim-" + driver)(ctx, key, paths, sl, out)
        tif = out + ".tif" if out else os.path.join(ctx.tmp, f"{driver}.tif")
        src = f'{driver}:"{vsi}":/{paths[0]}'
        win = ["-srcwin"] + [str(v) for v in WIN] if sl else []
        return ["gdal_translate", "-q"] + win + [src, tif], env
    return make


# name, role, maker, applies(workload id, paths) -> bool
READERS = [
    ("h5coro CLI", "ours", cli_reader, lambda w, p: True),
    ("GDAL+H5CORO", "ours", gdal_reader("H5CORO"), lambda w, p: True),
    ("h5coro_c", "ours", py_reader("h5coro_c", "c"), lambda w, p: True),
    ("GDAL HDF5", "peer", gdal_reader("HDF5"), lambda w, p: True),
    ("h5py+fsspec", "peer", py_reader("h5py-fsspec"), lambda w, p: True),
    ("h5py+fsspec+pagebuf", "peer", py_reader("h5py-pagebuf"), lambda w, p: w.startswith(("P1P", "P2P"))),
    ("h5py ros3", "peer", py_reader("h5py-ros3"), lambda w, p: True),
    ("h5coro (seed)", "peer", py_reader("h5coro-seed", "seed"), lambda w, p: True),
]


def available(ctx):
    """{reader name: None if usable, else why not}: the Python readers whose
    modules do not import are skipped with that note."""
    notes = {}
    for name, _, make, _ in READERS:
        cmd, env = make(ctx, "x.h5", ["/x"], None, None)
        if cmd[:2] != [PY, READERS_PY]:
            notes[name] = None
            continue
        p = subprocess.run(cmd[:3] + ["--s3", "x/y", "--endpoint", "x:1", "--check"], env=env,
                           capture_output=True, text=True, timeout=120)
        err = (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1]
        notes[name] = None if p.returncode == 0 else "not importable: " + err[:160]
    return notes


# ---- what a reader wrote, in the oracle's form -------------------------------------

def collected(name, out, stdout, paths, want):
    import numpy as np
    from readers import digest, listing_digest
    if os.path.exists(out + ".json"):
        with open(out + ".json") as f:
            return json.load(f)
    if not paths:
        if name == "h5coro CLI":
            return listing_digest(ln.split()[0] for ln in stdout.splitlines()
                                  if len(ln.split()) > 1 and ln.split()[1] == "dataset")
        # gdalinfo: the subdatasets it lists (GDAL lists the rank >= 2 ones only)
        return sorted("/" + ln.split("://", 1)[1].lstrip("/") for ln in stdout.splitlines()
                      if "_NAME=" in ln and "://" in ln)
    arrays = {}
    for p in paths:
        dt, shape = np.dtype(want[p][0]), tuple(want[p][1])
        if os.path.exists(out + ".tif"):
            from osgeo import gdal
            arrays[p] = gdal.Open(out + ".tif").ReadAsArray().astype(dt)
            continue
        f = out if len(paths) == 1 else os.path.join(out + ".d", p.lstrip("/").replace("/", "_") + ".bin")
        a = np.fromfile(f, dtype=dt)
        arrays[p] = a.reshape(shape) if a.size == int(np.prod(shape)) else a
    return digest(arrays)


def same_as_oracle(name, got, want, paths):
    """True/False against h5py on the local copy; None for gdalinfo, whose
    subdataset list (rank >= 2 only) is compared between the two drivers."""
    if not paths and name.startswith("GDAL"):
        return None
    return got == want


# ---- runs -------------------------------------------------------------------------

def run_once(cmd, env, servers, stdout_to=None):
    servers.stats(reset=True)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=900)
    wall = time.perf_counter() - t0
    st = servers.stats()
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1][:200]}, p.stdout
    r = {"s": wall, "wall": wall, "gets": st["gets"], "bytes": st["bytes_down"], "conns": st["connections"]}
    if cmd[:2] == [PY, READERS_PY]:
        r["s"] = json.loads(p.stdout.strip().splitlines()[-1])["s"]
    return r, p.stdout


def summary(results):
    errs = [r for r in results if "error" in r]
    if errs:
        return errs[0]
    med = lambda k: statistics.median(r[k] for r in results)  # noqa: E731
    return {"s": med("s"), "wall": round(med("wall"), 3), "gets": int(med("gets")), "bytes": int(med("bytes")),
            "connections": int(med("conns")), "runs": [round(r["s"], 3) for r in results]}


def run_workload(w, ctx, servers, files, runs, notes, reader_filter):
    wid, key, paths, sl, desc = w
    want = oracle(files[key], paths, sl)
    readers = [(n, role, mk) for n, role, mk, ok in READERS
               if ok(wid, paths) and (reader_filter is None or n in reader_filter)]
    row = {"workload": wid, "what": desc, "file": key, "readers": {}}
    cmds = {}
    for name, role, mk in readers:
        if notes.get(name):
            row["readers"][name] = {"role": role, "skipped": notes[name]}
            continue
        out = os.path.join(ctx.tmp, f"{wid}-{name.replace(' ', '_').replace('+', '_')}")
        cmd, env = mk(ctx, key, paths, sl, out)
        r, stdout = run_once(cmd, env, servers)
        entry = {"role": role}
        if "error" in r:
            entry.update(r)
        else:
            got = collected(name, out, stdout, paths, want)
            entry["same_output"] = same_as_oracle(name, got, want, paths)
            if entry["same_output"] is None:   # gdalinfo: compared with the other GDAL driver below
                entry["subdatasets"] = got
            cmds[name] = mk(ctx, key, paths, sl, None)
        row["readers"][name] = entry
    gd = [row["readers"].get(n, {}) for n in ("GDAL+H5CORO", "GDAL HDF5")]
    if all("subdatasets" in g for g in gd):
        same = gd[0]["subdatasets"] == gd[1]["subdatasets"] and set(gd[0]["subdatasets"]) <= set(want)
        for g in gd:
            g["same_output"] = same
            g["subdatasets"] = len(g["subdatasets"])
    timed = {n: [] for n in cmds}
    for _ in range(runs):
        for name, (cmd, env) in cmds.items():
            timed[name].append(run_once(cmd, env, servers)[0])
    for name, results in timed.items():
        row["readers"][name].update(summary(results))
    peers = [e["s"] for e in row["readers"].values()
             if e["role"] == "peer" and "s" in e and e.get("same_output") is not False]
    if peers:
        best = min(peers)
        row["best_peer_s"] = best
        for e in row["readers"].values():
            if "s" in e:
                e["best_peer_over_this"] = round(best / e["s"], 2)
    return row


def cell_row(wid, name, e):
    if "skipped" in e:
        return f"| {wid} | {name} | skipped: {e['skipped']} | | | | |"
    if "error" in e:
        return f"| {wid} | {name} | error: {e['error']} | | | | |"
    same = {True: "yes", False: "**NO**", None: "-"}[e.get("same_output")]
    return "| %s | %s | %.3f | %d | %.1f | %s | %s |" % (wid, name, e["s"], e["gets"], e["bytes"] / 1e6,
                                                        e.get("best_peer_over_this", "-"), same)


def print_rows(row, out=sys.stdout):
    if not getattr(print_rows, "header", False):
        print("| workload | reader | s (median) | GETs | MB | best peer s / this s | same values |", file=out)
        print("|---|---|---|---|---|---|---|", file=out)
        print_rows.header = True
    for name, e in row["readers"].items():
        print(cell_row(row["workload"], name, e), file=out, flush=True)


def run_all(ctx, servers, files, runs, only, reader_filter):
    notes = available(ctx)
    for n, why in notes.items():
        if why:
            print(f"{n}: skipped ({why})", file=sys.stderr)
    rows = []
    for w in WORKLOADS:
        if selected(w[0], only):
            row = run_workload(w, ctx, servers, files, runs, notes, reader_filter)
            print_rows(row)
            rows.append(row)
    return rows
