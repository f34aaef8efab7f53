#!/usr/bin/python3
"""Dask scale-out (issue 11 item 4): many groups read through dask.distributed.

    /usr/bin/python3 bench/dask_scaleout.py [--file p1.h5] [--workers 1,2] [--runs 3]

Starts s3rver behind the latency proxy (60 ms RTT) as run_bench.py does,
uploads the product-like file (bench/product_files.py; cached in --work),
then for each reader and each worker count starts a fresh LocalCluster
(processes, one thread each: this machine has 2 cores) and maps one task per
group over it: the 24 beam/group pairs of P1, each task reading that group's
25 datasets (~8 MB decoded). Readers:

  h5coro_c     the File is opened once in the client and pickled into the
               tasks; each worker process reopens it once (one handle, one
               block cache and one connection pool per process and URL) and
               every task on that worker shares it; one read_many per task.
  h5py+fsspec  each task opens the file over fsspec's HTTP filesystem (the
               usual pattern; nothing is shared between tasks).

Reported per run: seconds from the first map to the last result (cluster
start and worker imports excluded), decoded MB/s, datasets/s, and GETs,
connections and bytes seen by the proxy; the median of --runs. Every task's
values are compared with h5py on the local copy.
"""
import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import product_files  # noqa: E402
import run_bench      # noqa: E402


def groups_of(local):
    import h5py
    with h5py.File(local, "r") as f:
        return [f"/{b}/{g}" for b in product_files.BEAMS for g in product_files.GROUPS
                if f"{b}/{g}" in f]


def names_in(local, group):
    import h5py
    with h5py.File(local, "r") as f:
        return sorted(k for k in f[group] if k.startswith("v"))


def sha(a):
    import numpy as np
    a = np.ascontiguousarray(a)
    return hashlib.sha256(a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()).hexdigest()


# ---- tasks (run in the workers) --------------------------------------------------

def task_h5coro_c(f, group, names):
    arrays = f.read_many({f"{group}/{n}": None for n in names})
    return {p: (sha(a), a.nbytes) for p, a in arrays.items()}


def task_h5py_fsspec(url, group, names):
    import fsspec
    import h5py
    with fsspec.filesystem("http").open(url, "rb") as raw, h5py.File(raw, "r") as f:
        out = {}
        for n in names:
            a = f[f"{group}/{n}"][()]
            out[f"{group}/{n}"] = (sha(a), a.nbytes)
        return out


def warm(modules):
    import importlib
    for m in modules:
        importlib.import_module(m)
    return os.getpid()


# ---- one run ------------------------------------------------------------------------

def one_run(reader, nworkers, servers, key, groups, names, oracle, endpoint):
    from dask.distributed import Client, LocalCluster
    with LocalCluster(n_workers=nworkers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as client:
        mods = ["numpy", "h5coro_c"] if reader == "h5coro_c" else ["numpy", "h5py", "fsspec", "aiohttp"]
        client.run(warm, mods)
        servers.stats(reset=True)
        t0 = time.perf_counter()
        if reader == "h5coro_c":
            import h5coro_c
            f = h5coro_c.File(f"s3://{run_bench.BUCKET}/{key}", endpoint=endpoint, https=False,
                              virtual_hosting=False, region="us-east-1",
                              credentials={"aws_access_key_id": "S3RVER", "aws_secret_access_key": "S3RVER"})
            futs = client.map(task_h5coro_c, [f] * len(groups), groups, [names[g] for g in groups], pure=False)
        else:
            url = f"http://{endpoint}/{run_bench.BUCKET}/{key}"
            futs = client.map(task_h5py_fsspec, [url] * len(groups), groups, [names[g] for g in groups],
                              pure=False)
        results = client.gather(futs)
        dt = time.perf_counter() - t0
        st = servers.stats()
        if reader == "h5coro_c":
            f.close()
    got = {p: v[0] for r in results for p, v in r.items()}
    nbytes = sum(v[1] for r in results for v in r.values())
    return {"s": dt, "gets": st["gets"], "connections": st["connections"], "bytes": st["bytes_down"],
            "mb_per_s": nbytes / 1e6 / dt, "datasets_per_s": len(got) / dt, "same_output": got == oracle}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "h5coro-bench"))
    ap.add_argument("--file", default="p1.h5", choices=["p1.h5", "p1p.h5"])
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rtt-ms", type=float, default=60.0)
    ap.add_argument("--readers", default="h5coro_c,h5py+fsspec")
    ap.add_argument("--h5coro-c", default=None, help="directory holding h5coro_c (default: importable, "
                    "else build/python-site of this repository)")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    site = run_bench.h5coro_c_path(a.h5coro_c, os.path.join(run_bench.ROOT, "build", "h5coro"))
    if site:   # the workers are new processes: they get it through PYTHONPATH
        sys.path.insert(0, site)
        os.environ["PYTHONPATH"] = os.pathsep.join([site, HERE] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    else:
        os.environ["PYTHONPATH"] = os.pathsep.join([HERE] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    readers = a.readers.split(",")
    if "h5coro_c" in readers:
        try:
            import h5coro_c  # noqa: F401
        except ImportError as e:
            print(f"h5coro_c: skipped (not importable: {e})", file=sys.stderr)
            readers.remove("h5coro_c")
    os.makedirs(a.work, exist_ok=True)
    local = os.path.join(a.work, a.file)
    if not os.path.exists(local):
        print(f"writing {a.file} (once)...", file=sys.stderr, flush=True)
        product_files.FILES[a.file](local)
    groups = groups_of(local)
    names = {g: names_in(local, g) for g in groups}
    import h5py
    with h5py.File(local, "r") as f:
        oracle = {f"{g}/{n}": sha(f[f"{g}/{n}"][()]) for g in groups for n in names[g]}
    servers = run_bench.Servers(a.work, a.rtt_ms)
    rows = []
    try:
        run_bench.upload(servers.s3_port, {a.file: local})
        endpoint = f"127.0.0.1:{servers.proxy_port}"
        print("| reader | workers | s (median) | MB/s decoded | datasets/s | GETs | connections | MB fetched | same values |")
        print("|---|---|---|---|---|---|---|---|---|")
        for reader in readers:
            for n in [int(x) for x in a.workers.split(",")]:
                runs = [one_run(reader, n, servers, a.file, groups, names, oracle, endpoint) for _ in range(a.runs)]
                med = min(runs, key=lambda r: abs(r["s"] - statistics.median(x["s"] for x in runs)))
                row = dict(med, reader=reader, workers=n, runs=[round(r["s"], 3) for r in runs],
                           same_output=all(r["same_output"] for r in runs))
                rows.append(row)
                print("| %s | %d | %.2f | %.0f | %.0f | %d | %d | %.0f | %s |" % (
                    reader, n, row["s"], row["mb_per_s"], row["datasets_per_s"], row["gets"], row["connections"],
                    row["bytes"] / 1e6, "yes" if row["same_output"] else "**NO**"), flush=True)
    finally:
        servers.close()
    doc = {"file": a.file, "tasks": len(groups), "datasets": len(oracle), "rtt_ms": a.rtt_ms,
           "cores": os.cpu_count(), "loadavg": os.getloadavg(), "results": rows}
    print(json.dumps(doc))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main()
