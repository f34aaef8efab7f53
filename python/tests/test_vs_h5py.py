"""Every dataset of data/ and the corpus through h5coro_c equals h5py:
the whole dataset and a few hyperslabs. Datasets the core reports as
unsupported are skipped and counted, never compared."""
import warnings

import h5py
import numpy as np
import pytest

import h5coro_c
from conftest import file_id, h5py_datasets, hdf5_files, same_values

FILES = hdf5_files()
UNSUPPORTED = {}


def selections(shape):
    """Keys to try beside the whole dataset."""
    if not shape:
        return []
    keys = [(slice(1, None),), (slice(None, None, 2),), (0,), (-1,)]
    if len(shape) >= 2:
        keys += [(slice(None), slice(1, None, 3)), (Ellipsis, 0), (slice(0, 2), slice(None, None, 2))]
    return [k for k in keys if shape[0] > 1 or k in ((0,), (-1,))]


def h5py_read(ds, key):
    if ds.dtype.kind == "O" and h5py.check_string_dtype(ds.dtype) is None and h5py.check_vlen_dtype(ds.dtype) is None:
        raise TypeError("reference")
    return ds[key]


@pytest.mark.parametrize("path", FILES, ids=[file_id(p) for p in FILES])
def test_file_equals_h5py(path):
    try:
        ref = h5py.File(path, "r")
    except Exception as e:          # not for the oracle: nothing to compare with
        pytest.skip("h5py cannot open: %s" % e)
    bad, compared = [], 0
    try:
        names = h5py_datasets(ref)
    except Exception as e:
        pytest.skip("h5py cannot walk the file: %s" % e)
    with ref, h5coro_c.File(path) as ours:
        for name in names:
            rds = ref[name]
            try:
                rds.dtype, rds.shape
            except Exception:
                continue                    # h5py has no numpy type for it: no oracle
            try:
                ods = ours[name]
            except h5coro_c.UnsupportedError as e:
                UNSUPPORTED[name] = str(e)
                continue
            if rds.shape is None:
                if ods.shape is not None:
                    bad.append("%s: null dataspace read as %s" % (name, ods.shape))
                continue
            if ods.shape != rds.shape:
                bad.append("%s: shape %s != %s" % (name, ods.shape, rds.shape))
                continue
            if h5py.check_ref_dtype(rds.dtype) is not None or rds.dtype.kind == "O" and \
                    h5py.check_string_dtype(rds.dtype) is None and h5py.check_vlen_dtype(rds.dtype) is None:
                continue                    # references: h5py objects, no value to compare
            # Python ints: a (2**33, 2**28) shape overflows numpy's size
            nbytes = rds.dtype.itemsize
            for n in rds.shape:
                nbytes *= int(n)
            if nbytes > (32 << 20):
                continue                    # too large to compare in a test (time)
            if rds.chunks != ods.chunks:
                bad.append("%s: chunks %s != %s" % (name, ods.chunks, rds.chunks))
            for key in [Ellipsis if rds.shape else ()] + selections(rds.shape):
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        want = rds[key]
                except Exception:
                    continue                # h5py cannot read it (filter missing, ...)
                try:
                    got = ods[key]
                except h5coro_c.UnsupportedError as e:
                    UNSUPPORTED[name] = str(e)
                    break
                except Exception as e:
                    bad.append("%s[%r]: %s: %s" % (name, key, type(e).__name__, e))
                    break
                why = same_values(got, want)
                compared += 1
                if why:
                    bad.append("%s[%r]: %s" % (name, key, why))
            # attributes equal h5py's
            for an in rds.attrs:
                try:
                    want = rds.attrs[an]
                except Exception:
                    continue
                try:
                    got = ods.attrs[an]
                except h5coro_c.UnsupportedError:
                    continue
                if isinstance(want, h5py.Empty):
                    if got is not None:
                        bad.append("%s attr %s: empty attribute read as %r" % (name, an, got))
                    continue
                if isinstance(want, h5py.Reference) or (isinstance(want, np.ndarray) and want.dtype.kind == "O"
                                                         and want.size and isinstance(want.flat[0], h5py.Reference)):
                    continue
                why = same_values(np.asarray(got) if not isinstance(got, np.ndarray) else got,
                                  np.asarray(want) if not isinstance(want, np.ndarray) else want)
                if why:
                    bad.append("%s attr %s: %s" % (name, an, why))
    assert not bad, "\n".join(bad[:30])


def test_report_unsupported():
    # runs last in this module: the count of datasets skipped as unsupported
    print("unsupported datasets skipped: %d" % len(UNSUPPORTED))
    for k, v in sorted(UNSUPPORTED.items())[:50]:
        print("  %s: %s" % (k, v[:120]))
