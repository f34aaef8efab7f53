#!/usr/bin/python3
"""Local decode benchmark (issue B5): h5coro vs h5py (libhdf5) on the same file.

Writes a 4096x4096 float32 dataset, 256x256 chunks, shuffle+deflate, then
times a full read with `h5coro read --format bin -o /dev/null` and with
h5py, each the median of N runs. Prints a table and a JSON line.
Usage: bench/bench_local.py --h5coro build/h5coro [--runs 3] [--file PATH]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

import h5py
import numpy as np


def make_file(path):
    if os.path.exists(path):
        return
    rng = np.random.default_rng(42)
    y, x = np.mgrid[0:4096, 0:4096].astype(np.float32)
    data = (np.sin(x / 300.0) * np.cos(y / 200.0) * 100.0 +
            rng.normal(0, 0.5, (4096, 4096))).astype(np.float32)
    with h5py.File(path, "w") as f:
        f.create_dataset("data", data=data, chunks=(256, 256), shuffle=True,
                         compression="gzip", compression_opts=4)


def timed(fn, runs):
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--h5coro", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--file", default=os.path.join(tempfile.gettempdir(), "h5coro_bench_b5.h5"))
    a = ap.parse_args()
    make_file(a.file)

    def ours():
        subprocess.run([a.h5coro, "read", a.file, "/data", "--format", "bin", "-o", "/dev/null"], check=True)

    def h5py_read():
        with h5py.File(a.file, "r") as f:
            f["data"][()]

    # same values first: the benchmark means nothing otherwise
    with tempfile.NamedTemporaryFile(suffix=".bin") as t:
        subprocess.run([a.h5coro, "read", a.file, "/data", "--format", "bin", "-o", t.name], check=True)
        mine = np.fromfile(t.name, dtype="<f4").reshape(4096, 4096)
    with h5py.File(a.file, "r") as f:
        if not np.array_equal(mine, f["data"][()]):
            sys.exit("h5coro and h5py disagree on the benchmark file")

    t_ours, t_h5py = timed(ours, a.runs), timed(h5py_read, a.runs)
    print(f"{'workload':<34}{'h5coro s':>10}{'h5py s':>10}{'h5py/h5coro':>13}")
    print(f"{'B5 4096x4096 f4 shuffle+deflate':<34}{t_ours:>10.3f}{t_h5py:>10.3f}{t_h5py / t_ours:>13.2f}")
    print(json.dumps({"workload": "B5", "h5coro_s": round(t_ours, 4), "h5py_s": round(t_h5py, 4),
                      "ratio": round(t_h5py / t_ours, 2), "cores": os.cpu_count()}))


if __name__ == "__main__":
    main()
