"""Shared helpers: where the package and the test files are, and how to
compare our arrays with h5py's (the oracle)."""
import glob
import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# ctest sets PYTHONPATH to the pip --target dir; a manual run finds build/python-site
_site = os.environ.get("H5C_PY_SITE", os.path.join(ROOT, "build", "python-site"))
if os.path.isdir(_site) and _site not in sys.path:
    sys.path.insert(0, _site)

DATA = os.path.join(ROOT, "data")
CORPUS = os.environ.get("H5C_CORPUS", os.path.join(ROOT, "..", "shared", "corpus", "files"))


def hdf5_files(with_corpus=True):
    out = sorted(glob.glob(os.path.join(DATA, "*.h5")) + glob.glob(os.path.join(DATA, "*.nc"))
                 + glob.glob(os.path.join(DATA, "*.he5")))
    if with_corpus and os.path.isdir(CORPUS):
        for p in sorted(glob.glob(os.path.join(CORPUS, "**", "*"), recursive=True)):
            if os.path.isfile(p) and _is_hdf5(p):
                out.append(p)
    return out


def _is_hdf5(p):
    try:
        with open(p, "rb") as f:
            head = f.read(1 << 20)
    except OSError:
        return False
    sig = b"\x89HDF\r\n\x1a\n"
    return any(head[o:o + 8] == sig for o in [0] + [512 << k for k in range(12)])


def file_id(p):
    return os.path.relpath(p, os.path.dirname(os.path.dirname(p)))


def h5py_datasets(h5):
    """Every dataset path of an open h5py file, each object once."""
    out = []
    import h5py

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            out.append("/" + name)
    h5.visititems(visit)
    return out


def _equal(a, b):
    if a.dtype.kind in "fc" and b.dtype.kind in "fc":
        return np.array_equal(a, b, equal_nan=True)
    try:
        return bool(np.array_equal(a, b))
    except TypeError:
        return a.tobytes() == b.tobytes()


def same_values(ours, ref):
    """ours (h5coro_c) equals ref (h5py) for the same selection; returns a
    reason string when not, None when equal."""
    ref = np.asarray(ref) if not isinstance(ref, np.ndarray) else ref
    if ours is None or not hasattr(ours, "shape"):
        ours = np.asarray(ours)
    if ours.shape != ref.shape:
        return "shape %s != %s" % (ours.shape, ref.shape)
    if ref.dtype.kind == "c":            # h5py maps {r, i} compounds to complex
        names = ours.dtype.names
        if not names or len(names) != 2:
            return "complex dtype %s" % ours.dtype
        ours = ours[names[0]] + 1j * ours[names[1]]
        return None if _equal(ours, ref) else "complex values differ"
    if ref.dtype.kind == "b":
        return None if np.array_equal(ours.astype(bool), ref) else "bool values differ"
    if ref.dtype.names:
        if not ours.dtype.names or list(ours.dtype.names) != list(ref.dtype.names):
            return "fields %s != %s" % (ours.dtype.names, ref.dtype.names)
        for n in ref.dtype.names:
            r = same_values(ours[n], ref[n])
            if r:
                return "field %s: %s" % (n, r)
        return None
    if ref.dtype.kind == "O":
        for a, b in zip(ours.ravel(), ref.ravel()):
            if isinstance(b, np.ndarray) and b.dtype.kind == "O":
                continue                 # vlen of references (DIMENSION_LIST)
            if isinstance(b, np.ndarray):
                a = np.asarray(a)
                # h5py returns the bytes of a big-endian vlen sequence unswapped:
                # accept our (converted) values when they equal the swapped ones
                if not (_equal(a, b) or _equal(a, b.byteswap())):
                    return "vlen element differs"
            elif isinstance(b, (bytes, str)) or b is None:
                if isinstance(a, bytes) and isinstance(b, str):
                    a = a.decode("utf-8", "surrogateescape")
                if a != b and not (a in (None, b"") and b in (None, b"", "")):
                    return "element %r != %r" % (a, b)
            elif type(b).__name__ in ("Reference", "RegionReference"):
                continue                 # h5py objects: no value of ours to compare
            else:
                return "object element of type %s" % type(b).__name__
        return None
    if ref.dtype.kind == "V":
        return None if ours.tobytes() == ref.tobytes() else "opaque bytes differ"
    if ref.dtype.subdtype is not None or ours.dtype.subdtype is not None:
        return None if _equal(ours, ref) else "array values differ"
    if ref.dtype.kind in "SU" and ours.dtype.kind in "SU" and ref.dtype.kind != ours.dtype.kind:
        ours = np.char.decode(ours, "utf-8") if ours.dtype.kind == "S" else np.char.encode(ours, "utf-8")
    ok = _equal(ours.astype(ref.dtype) if ref.dtype.kind == "f" else ours, ref)
    if not ok and ref.dtype.kind in "iu":
        ok = _equal(ours, ref.byteswap())     # h5py's unswapped big-endian vlen element

    return None if ok else "values differ"


@pytest.fixture(scope="session")
def skip_counter():
    counts = {}
    yield counts
    if counts:
        print("\nskipped as unsupported by the core:", sum(counts.values()), counts)


@pytest.fixture(scope="session")
def s3rver():
    """s3rver on loopback (scripts/s3rver.sh), data/'s HDF5 files uploaded
    to bucket "data"; yields the h5coro_c options that reach it. Skipped
    when the emulator cannot be installed or started."""
    import shutil
    import subprocess
    import tempfile
    work = tempfile.mkdtemp(prefix="h5c-py-s3-")
    env = dict(os.environ)
    env.setdefault("H5C_S3RVER_PREFIX", os.path.join(ROOT, "build", ".s3rver"))
    try:
        pid = subprocess.run(["bash", os.path.join(ROOT, "scripts", "s3rver.sh"), os.path.join(work, "store"),
                              os.path.join(work, "port"), "data"], env=env, capture_output=True,
                             text=True, timeout=600, check=True).stdout.strip()
        port = int(open(os.path.join(work, "port")).read())
    except (subprocess.SubprocessError, OSError, ValueError) as e:
        shutil.rmtree(work, ignore_errors=True)
        pytest.skip("s3rver unavailable: %s" % e)
    try:
        import boto3
        from botocore.config import Config
        s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:%d" % port, aws_access_key_id="S3RVER",
                          aws_secret_access_key="S3RVER", region_name="us-east-1",
                          config=Config(s3={"addressing_style": "path"}))
        for p in hdf5_files(with_corpus=False):
            s3.upload_file(p, "data", os.path.basename(p))
        yield {"endpoint": "127.0.0.1:%d" % port, "https": False, "virtual_hosting": False,
               "region": "us-east-1", "credentials": {"aws_access_key_id": "S3RVER",
                                                      "aws_secret_access_key": "S3RVER"}}
    finally:
        try:
            os.kill(int(pid), 15)
        except (OSError, ValueError):
            pass
        shutil.rmtree(work, ignore_errors=True)
