#!/usr/bin/python3
"""Product-like benchmark files: laid out as real products are written.

Real products are written dataset by dataset, so object headers, B-tree
nodes and heaps lie between megabytes of chunk data; variables sit two or
three groups deep; small auxiliary datasets are written after the big ones.
A reader that walks metadata one dataset and one level at a time pays one
round trip per step on these files, where the files whose metadata sits at
the front hide it.

  P1  ICESat-2-like: 6 beams x 4 groups x 25 variables (60000 f4/f8 each,
      chunks of 10000, deflate), ~200 MB, auxiliary datasets written last,
      /ancillary_data three groups deep.
  P2  a 4096x4096 float32 grid at /science/grids/elevation (256^2 chunks,
      shuffle+deflate; a two-level v1 chunk B-tree), x/y coordinates, a
      projection variable and metadata groups written after the data.
  P1P, P2P  the same written with paged aggregation (fs_strategy='page',
      1 MiB pages), as cloud-optimized HDF5 guidance recommends.
  P3  one flat group of 8,000 small datasets.

Usage: product_files.py DIR  (writes the missing ones; prints their paths)
"""
import os
import sys

BEAMS = ["gt1l", "gt1r", "gt2l", "gt2r", "gt3l", "gt3r"]
GROUPS = ["heights", "geolocation", "geophys_corr", "bckgrd_atlas"]
PAGE = 1 << 20
P1_READ = ["/gt2l/heights/v00", "/gt2l/heights/v01", "/gt2l/heights/v02"]
P2_GRID = "/science/grids/elevation"


def _open(path, paged):
    import h5py
    kw = {"fs_strategy": "page", "fs_page_size": PAGE, "fs_persist": True} if paged else {}
    return h5py.File(path, "w", **kw)


def write_p1(path, paged=False):
    import numpy as np
    rng = np.random.default_rng(7)
    with _open(path + ".tmp", paged) as f:
        f.attrs["short_name"] = "ATL03-like"
        for b in BEAMS:
            for g in GROUPS:
                grp = f.require_group(f"{b}/{g}")
                for i in range(25):
                    dt = "<f8" if i % 2 else "<f4"
                    x = (np.cumsum(rng.normal(0, 1, 60000)) + rng.normal(0, 0.01, 60000)).astype(dt)
                    d = grp.create_dataset(f"v{i:02d}", data=x, chunks=(10000,), compression="gzip",
                                           compression_opts=6)
                    d.attrs["units"] = "meters"
                    d.attrs["long_name"] = f"{b} {g} variable {i}"
                    d.attrs["_FillValue"] = np.array(3.4e38, dtype=dt)
        # auxiliary datasets written after the bulk data, as processors append them
        for b in BEAMS:
            f.create_dataset(f"{b}/heights/segment_id", data=np.arange(600, dtype="<i4"))
            f[b].attrs["atlas_beam_type"] = "strong" if b.endswith("l") else "weak"
        anc = f.require_group("ancillary_data/calibrations/first_photon_bias")
        for i in range(8):
            anc.create_dataset(f"c{i}", data=rng.normal(0, 1, 16))
        f.create_dataset("orbit_info/sc_orient", data=np.array([1], dtype="<i1"))
    os.replace(path + ".tmp", path)


def grid_values():
    """The 4096x4096 float32 surface of B2 and P2: smooth plus noise, so it
    compresses about as real elevation data does."""
    import numpy as np
    rng = np.random.default_rng(42)
    y, x = np.mgrid[0:4096, 0:4096].astype(np.float32)
    return (np.sin(x / 300.0) * np.cos(y / 200.0) * 100.0 + rng.normal(0, 0.5, (4096, 4096))).astype(np.float32)


def write_p2(path, paged=False):
    import numpy as np
    data = grid_values()
    with _open(path + ".tmp", paged) as f:
        f.create_group("metadata/processing").attrs["software"] = "bench"
        g = f.require_group("science/grids")
        d = g.create_dataset("elevation", data=data, chunks=(256, 256), shuffle=True, compression="gzip",
                             compression_opts=4)
        d.attrs["units"] = "m"
        d.attrs["grid_mapping"] = "projection"
        g.create_dataset("x", data=500000.0 + 30.0 * np.arange(4096))
        g.create_dataset("y", data=4000000.0 - 30.0 * np.arange(4096))
        p = g.create_dataset("projection", data=np.int32(0))
        p.attrs["grid_mapping_name"] = "transverse_mercator"
        p.attrs["epsg_code"] = np.int32(32611)
        f["metadata/processing"].create_dataset("history", data=np.bytes_("written by bench"))
    os.replace(path + ".tmp", path)


def write_p3(path):
    import numpy as np
    import h5py
    with h5py.File(path + ".tmp", "w") as f:
        g = f.create_group("flat")
        for i in range(8000):
            g.create_dataset(f"d{i:05d}", data=np.full(4, i, dtype="<i4"))
    os.replace(path + ".tmp", path)


FILES = {
    "p1.h5": lambda p: write_p1(p),
    "p1p.h5": lambda p: write_p1(p, paged=True),
    "p2.h5": lambda p: write_p2(p),
    "p2p.h5": lambda p: write_p2(p, paged=True),
    "p3.h5": write_p3,
}


def ensure(work):
    """Write the missing product-like files into work; {key: path}."""
    out = {}
    for key, make in FILES.items():
        path = os.path.join(work, key)
        if not os.path.exists(path):
            print(f"writing {key} (once)...", file=sys.stderr, flush=True)
            make(path)
        out[key] = path
    return out


if __name__ == "__main__":
    work = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(work, exist_ok=True)
    for k, p in ensure(work).items():
        print(p)
