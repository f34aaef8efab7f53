"""H5Coro, the seed's entry point, over h5coro_c.File.

readDatasets puts every dataset of a call into one h5c_read_many plan (the
core coalesces and fetches the ranges concurrently, GIL released);
block=False runs that plan on a thread and the promise blocks on the first
value read. list(path, w_attr) gives (variables, attributes, groups) as the
seed does."""
import logging
import threading

from .. import _types
from ..errors import Error, ArgumentError, NotFoundError
from ..file import Dataset, File

log = logging.getLogger("h5coro_c.compat")

ERROR_CHECKING_DEFAULT = True
VERBOSE_DEFAULT = False
CACHE_LINE_SIZE_DEFAULT = 0x400000


def massagePath(path):
    """The seed's key form: no leading or trailing '/'."""
    return path.strip("/") if path != "/" else ""


def _abs(path):
    return "/" + massagePath(path)


class H5Metadata:
    """What the seed's H5Metadata tells about a variable, with its field
    names (type codes are HDF5's class numbers; 12 is a vlen string)."""
    FIXED_POINT_TYPE, FLOATING_POINT_TYPE, TIME_TYPE, STRING_TYPE = 0, 1, 2, 3
    BIT_FIELD_TYPE, OPAQUE_TYPE, COMPOUND_TYPE, REFERENCE_TYPE = 4, 5, 6, 7
    ENUMERATED_TYPE, VARIABLE_LENGTH_TYPE, ARRAY_TYPE = 8, 9, 10
    VL_STRING_TYPE, VL_SEQUENCE_TYPE = 12, 13

    def __init__(self, ds):
        cls, size, _mem, _be, signed, extra = ds._desc
        if cls == _types.VLEN:
            cls = self.VL_STRING_TYPE if extra[0] else self.VL_SEQUENCE_TYPE
        self.type = cls
        self.typeSize = size
        self.signedval = bool(signed)
        self.ndims = len(ds.shape) if ds.shape is not None else 0
        self.dimensions = list(ds.shape or ())
        self.chunkDimensions = list(ds.chunks or ())
        self.fillvalue = ds.fillvalue
        self.filter = {f["id"]: True for f in ds.filters}
        self.dtype = ds.dtype

    def getNumpyType(self):
        return self.dtype

    def getShape(self):
        return tuple(self.dimensions) if self.ndims > 0 else (None,)

    def __repr__(self):
        return '{"type": %s, "dims": %s}' % (self.dtype, self.dimensions)


def _key(hyperslice, shape, name):
    """The seed's hyperslice ([[start, end], ...], None or [] for all) as a
    numpy key; None reads the whole dataset."""
    if not hyperslice:
        return None
    if len(hyperslice) > len(shape):
        raise ArgumentError("cannot provide hyperslice with more dimensions than dataset %s: %d > %d"
                            % (name, len(hyperslice), len(shape)), 1)
    key = []
    for d, n in enumerate(shape):
        r = hyperslice[d] if d < len(hyperslice) else None
        if r is None:
            key.append(slice(0, n))
            continue
        if len(r) != 2:
            raise ArgumentError("invalid hyperslice of %s, must provide as list of ranges [x,y), got %r"
                                % (name, hyperslice), 1)
        a = 0 if r[0] is None else int(r[0])
        b = n if r[1] is None else int(r[1])
        if b < a or b > n or a < 0:
            raise ArgumentError("invalid hyperslice of %s, must provide as list of valid ranges, got %r"
                                % (name, hyperslice), 1)
        key.append(slice(a, b))
    return tuple(key)


class H5Promise:
    """A dict-like of numpy arrays keyed by dataset path (the seed's keys:
    no leading '/'). A dataset that failed reads as None, its exception in
    .errors, as the seed logs and returns None."""

    def __init__(self, names):
        self.datasets = dict.fromkeys(names)
        self.errors = {}
        self._done = threading.Event()

    def _wait(self):
        self._done.wait()

    def waitOnResult(self, dataset, timeout=None):
        """The seed's: True while the value is not (or could not be) read."""
        self._done.wait(timeout)
        return self.datasets.get(massagePath(dataset)) is None

    def __getitem__(self, key):
        key = massagePath(key)
        if key not in self.datasets:
            raise KeyError(key)
        self._wait()
        return self.datasets[key]

    def __contains__(self, key):
        return massagePath(key) in self.datasets

    def __iter__(self):
        return iter(self.datasets)

    def __len__(self):
        return len(self.datasets)

    def keys(self):
        return self.datasets.keys()

    def values(self):
        self._wait()
        return self.datasets.values()

    def items(self):
        self._wait()
        return self.datasets.items()

    def __repr__(self):
        if not self._done.is_set():
            return "<H5Promise of %d datasets (reading)>" % len(self.datasets)
        return "{ %s }" % ", ".join('"%s": %r' % kv for kv in self.datasets.items())

    __str__ = __repr__


class H5Coro:
    """H5Coro(resource, driverClass, credentials={}, ...): resource is
    "bucket/key" for S3Driver, a path for FileDriver, a URL for
    HTTPDriver. Keywords beyond the seed's (endpoint=, region=, threads=,
    ...) go to h5coro_c.File."""

    def __init__(self, resource, driverClass, credentials={}, cacheLineSize=CACHE_LINE_SIZE_DEFAULT,
                 errorChecking=ERROR_CHECKING_DEFAULT, verbose=VERBOSE_DEFAULT, multiProcess=False,
                 maxProcesses=None, **options):
        # cacheLineSize, multiProcess and maxProcesses are accepted and not
        # needed: the core sizes its reads and decodes on its own threads
        self.resource = resource
        self.driver = driverClass(resource, credentials)
        self.errorChecking = errorChecking
        self.verbose = verbose
        self.multiProcess = multiProcess
        opts = dict(self.driver.options())
        opts.update(options)
        if verbose:
            opts.setdefault("verbose", True)
        self.file = File(self.driver.url(), **opts)

    def close(self):
        self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- reading ---------------------------------------------------------
    def readDatasets(self, datasets, block=True, earlyExit=True, metaOnly=False, enableAttributes=False):
        """datasets: path strings or {"dataset": path, "hyperslice": [[start, end], ...]}."""
        if len(datasets) <= 0:
            return None
        table = {}
        for d in datasets:
            if isinstance(d, str):
                table[massagePath(d)] = []
            else:
                table[massagePath(d["dataset"])] = d.get("hyperslice") or []
        promise = H5Promise(table)
        if block:
            self._fill(promise, table, metaOnly)
        else:
            threading.Thread(target=self._fill, args=(promise, table, metaOnly), daemon=True).start()
        return promise

    def _fill(self, promise, table, metaOnly=False):
        try:
            items, names = [], []
            for name, hs in table.items():
                try:
                    ds = self.file[_abs(name)]
                    if not isinstance(ds, Dataset):
                        raise NotFoundError("%s is a group, not a dataset" % _abs(name), 6)
                    key = _key(hs, ds.shape or (), name) if ds.shape is not None else None
                except Error as e:
                    self._failed(promise, name, e)
                    continue
                if not metaOnly:
                    items.append((ds, key))
                    names.append(name)
            results = self.file._read_selections(items, raise_first=False) if items else []
            for name, res in zip(names, results):
                if isinstance(res, BaseException):
                    self._failed(promise, name, res)
                else:
                    promise.datasets[name] = res
        except BaseException as e:          # noqa: BLE001 (a background read must not hang readers)
            for name in table:
                if promise.datasets[name] is None and name not in promise.errors:
                    self._failed(promise, name, e)
        finally:
            promise._done.set()

    def _failed(self, promise, name, exc):
        promise.errors[name] = exc
        log.warning("h5coro_c encountered an error reading %s: %s", name, exc)

    # -- listing ---------------------------------------------------------
    def _attrs(self, node):
        out = {}
        attrs = node.attrs
        for a in attrs:
            try:
                out[a] = attrs[a]
            except Error as e:
                log.warning("h5coro_c could not read attribute %s of %s: %s", a, node.name, e)
                out[a] = None
        return out

    def inspectPath(self, path, w_attr=True):
        """(links, attributes, metadata) of one object, as the seed's."""
        node = self.file[_abs(path)]
        links = set(e.name for e in self.file.list(node.name)) if not isinstance(node, Dataset) else set()
        attributes = self._attrs(node) if w_attr else {}
        return links, attributes, H5Metadata(node) if isinstance(node, Dataset) else None

    def list(self, path, w_attr=True):
        """(variables, attributes, groups) of the group at path: variables
        {name: {"__metadata__": H5Metadata, attr: value, ...}}, attributes
        {attr: value} of the group itself, groups {name: {attr: value}}."""
        group = self.file[_abs(path)]
        variables, groups = {}, {}
        attributes = self._attrs(group) if w_attr else {}
        for e in self.file.list(group.name):
            if e.kind not in ("dataset", "group", "soft_link", "external_link"):
                continue
            try:
                node = self.file[e.path]
            except Error as ex:
                log.warning("h5coro_c encountered an error inspecting %s: %s", e.path, ex)
                continue
            attrs = self._attrs(node) if w_attr else {}
            if isinstance(node, Dataset):
                variables[e.name] = dict({"__metadata__": H5Metadata(node)}, **attrs)
            else:
                groups[e.name] = attrs
        return variables, attributes, groups
