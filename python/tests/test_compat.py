"""h5coro_c.compat (the seed's API) equals h5py on the same selections:
readDatasets (paths, hyperslices, block=False, one plan per call), list
(variables, attributes, groups), the seed's credential keys through
s3rver, and failures read as None as the seed does."""
import os

import h5py
import numpy as np
import pytest

from h5coro_c.compat import filedriver, h5coro, s3driver, webdriver
from conftest import DATA, hdf5_files, same_values

ATL = os.path.join(DATA, "icesat2_atl03_like.h5")


def open_file(path):
    return h5coro.H5Coro(path, filedriver.FileDriver, errorChecking=True, verbose=False, multiProcess=False)


def h5py_slice(ds, hyperslice):
    if not hyperslice:
        return ds[()]
    key = tuple(slice(a, b) for a, b in hyperslice) + (slice(None),) * (ds.ndim - len(hyperslice))
    return ds[key]


class CountingHandle:
    """Wraps a File's extension handle to count read_many calls (plans)."""

    def __init__(self, inner):
        self.inner, self.plans = inner, 0

    def read_many(self, reqs):
        self.plans += 1
        return self.inner.read_many(reqs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def numeric_datasets(path):
    out = []
    with h5py.File(path, "r") as ref:
        ref.visititems(lambda n, o: out.append(n) if isinstance(o, h5py.Dataset) and o.dtype.kind in "iufSV"
                       and o.shape else None)
    return out


COMPAT_FILES = ["icesat2_atl03_like.h5", "chunk_index_v110.h5", "filters_v110.h5", "dtypes_v110.h5",
                "netcdf4_cf.nc", "large_chunked_f4.h5", "sizes_o4l8_v110.h5"]


@pytest.mark.parametrize("fname", COMPAT_FILES)
@pytest.mark.parametrize("block", [True, False])
def test_read_datasets_equals_h5py(fname, block):
    path = os.path.join(DATA, fname)
    names = numeric_datasets(path)
    requests, want = [], {}
    with h5py.File(path, "r") as ref:
        for i, n in enumerate(names):
            ds = ref[n]
            try:
                ds[()]
            except Exception:
                continue                     # no oracle (h5py lacks the filter)
            if i % 2:
                requests.append(("/" + n) if i % 4 == 1 else n)       # both path forms
                want[n] = ds[()]
            else:                            # middle half of each dimension given
                hs = [[d // 4, d - d // 4] for d in ds.shape[:2]]
                requests.append({"dataset": "/" + n, "hyperslice": hs})
                want[n] = h5py_slice(ds, hs)
    h = open_file(path)
    counter = CountingHandle(h.file._handle)
    h.file._handle = counter
    promise = h.readDatasets(requests, block=block)
    assert set(promise.keys()) == set(want)
    bad = [("%s: %s" % (n, same_values(promise[n], w))) for n, w in want.items()
           if same_values(promise[n], w)]
    assert not bad and not promise.errors, (bad, promise.errors)
    assert counter.plans == 1                # every dataset of the call in one plan
    h.close()


def test_hyperslice_forms():
    h = open_file(ATL)
    with h5py.File(ATL, "r") as ref:
        conf = ref["/gt1l/heights/signal_conf_ph"]
        p = h.readDatasets([{"dataset": "gt1l/heights/signal_conf_ph", "hyperslice": [[None, 7], None]},
                            {"dataset": "gt2r/heights/h_ph", "hyperslice": []},
                            {"dataset": "gt1l/heights/h_ph", "hyperslice": [[10, 10]]}])
        assert same_values(p["gt1l/heights/signal_conf_ph"], conf[:7, :]) is None
        assert same_values(p["/gt2r/heights/h_ph/"], ref["/gt2r/heights/h_ph"][()]) is None
        assert p["gt1l/heights/h_ph"].shape == (0,)


def test_failures_read_as_none():
    h = open_file(ATL)
    p = h.readDatasets(["/gt1l/heights/no_such",
                        {"dataset": "/gt1l/heights/h_ph", "hyperslice": [[0, 51]]},       # past the end
                        {"dataset": "/gt1l/heights/h_ph", "hyperslice": [[0, 5], [0, 1]]},  # too many dims
                        "/gt1l/heights/lat_ph"])
    assert p["gt1l/heights/no_such"] is None and isinstance(p.errors["gt1l/heights/no_such"], KeyError)
    assert p["gt1l/heights/h_ph"] is None
    with h5py.File(ATL, "r") as ref:
        assert same_values(p["gt1l/heights/lat_ph"], ref["/gt1l/heights/lat_ph"][()]) is None
    assert h.readDatasets([]) is None
    with pytest.raises(KeyError):
        p["not/asked/for"]


def _h5py_attrs(obj):
    out = {}
    for k in obj.attrs:
        try:
            out[k] = obj.attrs[k]
        except Exception:
            pass
    return out


def _same_attrs(ours, ref, where):
    bad = []
    for k, v in ref.items():
        if isinstance(v, h5py.Empty) or isinstance(v, h5py.Reference) or \
                (isinstance(v, np.ndarray) and v.dtype.kind == "O" and v.size and isinstance(v.flat[0], h5py.Reference)):
            continue
        if k not in ours:
            bad.append("%s: attribute %s missing" % (where, k))
            continue
        why = same_values(np.asarray(ours[k]), np.asarray(v))
        if why:
            bad.append("%s attr %s: %s" % (where, k, why))
    extra = set(ours) - set(ref) - {"__metadata__"}
    if extra:
        bad.append("%s: extra attributes %s" % (where, sorted(extra)))
    return bad


LIST_FILES = [p for p in hdf5_files(with_corpus=False)
              if os.path.basename(p) in ("icesat2_atl03_like.h5", "netcdf4_cf.nc", "attrs_v110.h5",
                                         "attrs_earliest.h5", "hdfeos5_grid.he5", "links_v110.h5", "georef_grid.h5")]


@pytest.mark.parametrize("path", LIST_FILES, ids=[os.path.basename(p) for p in LIST_FILES])
def test_list_equals_h5py(path):
    h = open_file(path)
    bad = []
    with h5py.File(path, "r") as ref:
        groups = ["/"]
        ref.visititems(lambda n, o: groups.append("/" + n) if isinstance(o, h5py.Group) else None)
        for gpath in groups:
            g = ref[gpath]
            variables, attributes, subgroups = h.list(gpath, w_attr=True)
            want_vars, want_groups = {}, {}
            for name in g:
                link = g.get(name, getlink=True)
                if isinstance(link, h5py.ExternalLink):
                    continue
                try:
                    obj = g[name]
                except Exception:
                    continue                  # dangling soft link: nothing to list
                (want_vars if isinstance(obj, h5py.Dataset) else want_groups)[name] = obj
            if set(variables) != set(want_vars) or set(subgroups) != set(want_groups):
                bad.append("%s: variables %s groups %s, h5py %s %s" % (gpath, sorted(variables), sorted(subgroups),
                                                                     sorted(want_vars), sorted(want_groups)))
                continue
            bad += _same_attrs(attributes, _h5py_attrs(g), gpath)
            for name, obj in want_vars.items():
                meta = variables[name]["__metadata__"]
                if tuple(meta.dimensions) != obj.shape or meta.ndims != obj.ndim:
                    bad.append("%s/%s: dims %s != %s" % (gpath, name, meta.dimensions, obj.shape))
                bad += _same_attrs(variables[name], _h5py_attrs(obj), gpath + "/" + name)
            for name, obj in want_groups.items():
                bad += _same_attrs(subgroups[name], _h5py_attrs(obj), gpath + "/" + name)
            # without attributes: the same names, no attribute values
            v2, a2, g2 = h.list(gpath, w_attr=False)
            assert set(v2) == set(variables) and set(g2) == set(subgroups) and a2 == {}
            assert all(set(v) == {"__metadata__"} for v in v2.values())
    assert not bad, bad[:20]


def test_metadata_fields():
    h = open_file(ATL)
    variables, _, _ = h.list("gt1l/heights")
    m = variables["h_ph"]["__metadata__"]
    with h5py.File(ATL, "r") as ref:
        ds = ref["/gt1l/heights/h_ph"]
        assert m.type == h5coro.H5Metadata.FLOATING_POINT_TYPE and m.typeSize == 4
        assert m.dimensions == list(ds.shape) and m.chunkDimensions == list(ds.chunks)
        assert m.getNumpyType() == ds.dtype and m.filter.get(1)      # deflate


@pytest.mark.parametrize("keys", ["aws", "camel"])
def test_s3driver_with_the_seeds_credential_keys(s3rver, keys):
    creds = {"aws_access_key_id": "S3RVER", "aws_secret_access_key": "S3RVER", "aws_session_token": ""} \
        if keys == "aws" else {"accessKeyId": "S3RVER", "secretAccessKey": "S3RVER", "sessionToken": ""}
    h = h5coro.H5Coro("data/icesat2_atl03_like.h5", s3driver.S3Driver, credentials=creds,
                      endpoint=s3rver["endpoint"], https=False, virtual_hosting=False, region="us-east-1")
    names = ["gt1l/heights/h_ph", "gt1l/heights/lat_ph", "gt2r/heights/signal_conf_ph"]
    p = h.readDatasets(names + [{"dataset": "gt1l/heights/lon_ph", "hyperslice": [[5, 25]]}])
    with h5py.File(ATL, "r") as ref:
        for n in names:
            assert same_values(p[n], ref[n][()]) is None, n
        assert same_values(p["gt1l/heights/lon_ph"], ref["gt1l/heights/lon_ph"][5:25]) is None
    variables, attributes, groups = h.list("/gt1l")
    assert set(groups) == {"geolocation", "heights"}
    with pytest.raises(Exception, match="invalid credential keys"):
        h5coro.H5Coro("data/icesat2_atl03_like.h5", s3driver.S3Driver, credentials={"key": "x"})


def test_http_driver_reads_a_url(s3rver):
    # s3rver serves unsigned path-style GETs: a plain https?:// URL
    url = "http://%s/data/icesat2_atl03_like.h5" % s3rver["endpoint"]
    h = h5coro.H5Coro(url, webdriver.HTTPDriver)
    p = h.readDatasets(["/gt1l/heights/h_ph"])
    with h5py.File(ATL, "r") as ref:
        assert same_values(p["gt1l/heights/h_ph"], ref["/gt1l/heights/h_ph"][()]) is None
    with pytest.raises(NotImplementedError, match="bearer"):
        h5coro.H5Coro(url, webdriver.HTTPDriver, credentials="a-token")
