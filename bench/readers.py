#!/usr/bin/python3
"""Python readers of the product workloads (bench/run_bench.py P*), one
process per run so every run is cold.

    readers.py READER --s3 BUCKET/KEY --endpoint HOST:PORT
               (--read PATH [PATH...] [--slice 1000:1512,1000:1512] | --list)
               [--digest OUT.json] [--page-buf BYTES]

Prints {"s": seconds} on stdout: the time from open to the last value,
imports excluded (the interpreter and numpy/h5py start-up are the same for
every Python reader and are no part of the reading). With --digest it
writes what was read in the form digest() gives, for the identity check.

READER: h5py-fsspec (h5py over fsspec's HTTP filesystem, defaults as a new
user gets them), h5py-pagebuf (the same with page_buf_size, for paged files),
h5py-ros3 (libhdf5's read-only S3 driver), h5coro_c (our binding),
h5coro-seed (the seed's Python h5coro, HTTPDriver), gdal-mdim-H5CORO and
gdal-mdim-HDF5 (GDAL's multidimensional API through one driver).
"""
import argparse
import hashlib
import json
import sys
import time

CREDS = {"aws_access_key_id": "S3RVER", "aws_secret_access_key": "S3RVER"}


def parse_slice(spec):
    if not spec:
        return None
    out = []
    for item in spec.split(","):
        a, b = item.split(":")
        out.append(slice(int(a), int(b)))
    return tuple(out)


def digest(arrays):
    """{path: [dtype, shape, sha256 of the little-endian C-order bytes]}:
    what every reader's output is compared by."""
    import numpy as np
    out = {}
    for p, a in arrays.items():
        a = np.ascontiguousarray(a)
        a = a.astype(a.dtype.newbyteorder("<"), copy=False)
        out[p] = [a.dtype.str, list(a.shape), hashlib.sha256(a.tobytes()).hexdigest()]
    return out


def listing_digest(dataset_paths):
    """The sorted absolute paths of every dataset found."""
    return sorted("/" + p.lstrip("/") for p in dataset_paths)


# ---- h5py -----------------------------------------------------------------

def h5py_read(f, paths, sel):
    return {p: (f[p][sel] if sel else f[p][()]) for p in paths}


def h5py_list(f):
    import h5py
    found = []
    f.visititems(lambda name, obj: found.append(name) if isinstance(obj, h5py.Dataset) else None)
    return found


def open_fsspec(a, **kw):
    import fsspec
    import h5py
    fs = fsspec.filesystem("http")
    return h5py.File(fs.open(a.url, "rb"), "r", **kw)


def open_ros3(a):
    import h5py
    return h5py.File(a.url, "r", driver="ros3")


def run_h5py(a, opener):
    f = opener(a)
    try:
        return h5py_read(f, a.read, a.sel) if a.read else h5py_list(f)
    finally:
        f.close()


# ---- our binding, the seed, GDAL ----------------------------------------------

def run_h5coro_c(a):
    import h5coro_c
    with h5coro_c.File("s3://" + a.s3, endpoint=a.endpoint, https=False, virtual_hosting=False,
                       region="us-east-1", credentials=CREDS) as f:
        if a.read:
            return f.read_many({p: a.sel for p in a.read})
        return [e.path for e in f.list("/", recursive=True) if e.kind == "dataset"]


def run_seed(a):
    from h5coro import h5coro, webdriver
    h5 = h5coro.H5Coro(a.url, webdriver.HTTPDriver, credentials={}, errorChecking=True, verbose=False)
    if a.read:
        hs = [[s.start, s.stop] for s in a.sel] if a.sel else []
        res = h5.readDatasets([{"dataset": p, "hyperslice": hs} for p in a.read], block=True)
        return {p: res[p] for p in a.read}
    found, todo = [], ["/"]
    while todo:          # the seed lists one group per call
        g = todo.pop()
        variables, _, groups = h5.list(g, w_attr=False)
        base = g.rstrip("/")
        found += [base + "/" + v for v in variables]
        todo += [base + "/" + s for s in groups]
    return found


def run_gdal_mdim(a, driver):
    from osgeo import gdal
    gdal.UseExceptions()
    ds = gdal.OpenEx("/vsis3/" + a.s3, gdal.OF_MULTIDIM_RASTER, allowed_drivers=[driver])
    rg = ds.GetRootGroup()
    out = {}
    for p in a.read:
        arr = rg.OpenMDArrayFromFullname(p)
        if a.sel:
            start = [s.start for s in a.sel]
            count = [s.stop - s.start for s in a.sel]
            out[p] = arr.ReadAsArray(array_start_idx=start, count=count)
        else:
            out[p] = arr.ReadAsArray()
    return out


READERS = {
    "h5py-fsspec": lambda a: run_h5py(a, open_fsspec),
    "h5py-pagebuf": lambda a: run_h5py(a, lambda a: open_fsspec(a, page_buf_size=a.page_buf)),
    "h5py-ros3": lambda a: run_h5py(a, open_ros3),
    "h5coro_c": run_h5coro_c,
    "h5coro-seed": run_seed,
    "gdal-mdim-H5CORO": lambda a: run_gdal_mdim(a, "H5CORO"),
    "gdal-mdim-HDF5": lambda a: run_gdal_mdim(a, "HDF5"),
}

# modules each reader needs: imported before the clock starts
IMPORTS = {"h5py-fsspec": ("h5py", "fsspec", "aiohttp"), "h5py-pagebuf": ("h5py", "fsspec", "aiohttp"),
           "h5py-ros3": ("h5py",), "h5coro_c": ("h5coro_c",), "h5coro-seed": ("h5coro.h5coro", "h5coro.webdriver"),
           "gdal-mdim-H5CORO": ("osgeo.gdal",), "gdal-mdim-HDF5": ("osgeo.gdal",)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reader", choices=sorted(READERS))
    ap.add_argument("--s3", required=True, help="BUCKET/KEY")
    ap.add_argument("--endpoint", required=True, help="HOST:PORT of the (proxied) S3 server")
    ap.add_argument("--read", nargs="+")
    ap.add_argument("--slice")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--page-buf", type=int, default=16 << 20)
    ap.add_argument("--digest")
    ap.add_argument("--check", action="store_true", help="only import what READER needs")
    a = ap.parse_args()
    import importlib
    import numpy  # noqa: F401  (every reader returns numpy arrays)
    for m in IMPORTS[a.reader]:
        importlib.import_module(m)
    if a.check:
        return
    if not a.read and not a.list:
        ap.error("--read or --list")
    a.url = f"http://{a.endpoint}/{a.s3}"
    a.sel = parse_slice(a.slice)
    t0 = time.perf_counter()
    got = READERS[a.reader](a)
    dt = time.perf_counter() - t0
    if a.digest:
        with open(a.digest, "w") as f:
            json.dump(digest(got) if a.read else listing_digest(got), f)
    print(json.dumps({"s": dt}))


if __name__ == "__main__":
    sys.exit(main())
