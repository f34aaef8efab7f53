#!/usr/bin/python3
"""Differential test: compare the h5coro CLI against h5py on a tree of files.

    run_diff.py --h5coro PATH/TO/h5coro DIR [--jobs N] [--verbose]

Every file under DIR whose HDF5 signature sits at offset 0, 512, 1024, 2048,
... is checked.  h5py (the Debian build on libhdf5 1.10.8; run this script with
/usr/bin/python3) is the oracle:

  listing     `h5coro ls FILE / -r --json` against the link graph h5py sees
  objects     `h5coro info FILE PATH --json` for every group, dataset and
              committed datatype: kind, shape, dtype, chunks, attributes
  datasets    `h5coro read FILE PATH --format bin -o TMP` (fixed-size types)
              or `--format json` (vlen strings/sequences, references), plus
              two `--slice` reads, value for value against h5py

Each dataset or attribute ends up identical, unsupported (exit status 3 and
"unsupported:" on stderr), wrong, or crashed (signal, exit status >= 128,
sanitizer report, or no exit within 60 s).  Files h5py cannot open, and
objects h5py cannot read, are still run through h5coro, but there only
crashes count.  Datasets over 256 MiB are not read (listing, info and
attributes still are).

Outcomes that are not held against h5coro are reported on the lines above
the last one: "too large", "oracle skipped" (h5py cannot read the object),
"crash checked" (only run for crashes), "unverified" (a command line the
kernel refuses).  Non-IEEE floats (x87 long double, custom
precision) are compared by value, since h5py converts them.

The last output line is
    corpus: N files, M datasets identical, K unsupported, W wrong, C crashed
where K, W and C count datasets, attributes, listings and object infos
together.  Exit status 1 if W or C is non-zero.

With a sanitizer build any "ERROR: AddressSanitizer/LeakSanitizer" or
"runtime error:" on stderr counts as a crash; set ASAN_OPTIONS=detect_leaks=0
to ignore leaks.  tests/diff/fake_h5coro.py is an h5py-backed stand-in for
the CLI that checks this runner itself (see tests/diff/README.md).
"""
import argparse
import concurrent.futures
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

import numpy as np
import h5py
from h5py import h5a, h5l, h5o, h5r, h5s, h5t

SIGNATURE = b'\x89HDF\r\n\x1a\n'
CMD_TIMEOUT = 60
MAX_READ_BYTES = 256 * 2**20
MAX_DETAIL = 400
SANITIZER_MARKS = ('ERROR: AddressSanitizer', 'ERROR: LeakSanitizer',
                   'runtime error:', 'ERROR: UndefinedBehaviorSanitizer')

# outcome categories
IDENTICAL, UNSUPPORTED, WRONG, CRASHED = 'identical', 'unsupported', 'wrong', 'crashed'
TOO_LARGE, ORACLE_SKIP, UNVERIFIED, CRASH_CHECKED = (
    'too_large', 'oracle_skipped', 'unverified', 'crash_checked')


# ---------------------------------------------------------------------------
# file discovery

def hdf5_offset(path):
    """Offset of the HDF5 signature (0, 512, 1024, ...) or None."""
    try:
        size = os.path.getsize(path)
        with open(path, 'rb') as fh:
            off = 0
            while off + 8 <= size:
                fh.seek(off)
                if fh.read(8) == SIGNATURE:
                    return off
                off = 512 if off == 0 else off * 2
    except OSError:
        pass
    return None


def find_files(root):
    if os.path.isfile(root):
        return [root] if hdf5_offset(root) is not None else []
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            p = os.path.join(dirpath, fn)
            if os.path.isfile(p) and not os.path.islink(p) and hdf5_offset(p) is not None:
                out.append(p)
    return out


# ---------------------------------------------------------------------------
# running h5coro

class Run:
    def __init__(self, rc, out, err, crashed, timed_out, launch_error=None):
        self.rc, self.out, self.err = rc, out, err
        self.crashed, self.timed_out = crashed, timed_out
        self.launch_error = launch_error

    def classify_failure(self):
        if self.launch_error:
            return UNVERIFIED       # e.g. an object path longer than the kernel allows in argv
        if self.crashed:
            return CRASHED
        if self.rc == 3 and 'unsupported:' in self.err:
            return UNSUPPORTED
        return WRONG

    def describe(self):
        if self.launch_error:
            return 'could not run h5coro: %s' % self.launch_error
        if self.timed_out:
            return 'timeout after %d s' % CMD_TIMEOUT
        msg = self.err.strip().splitlines()
        tail = ' | '.join(msg[-3:]) if msg else ''
        if self.rc is not None and self.rc < 0:
            return 'killed by signal %d %s' % (-self.rc, tail)
        return 'exit %s: %s' % (self.rc, tail)


def run_h5coro(exe, args):
    cmd = [exe] + args
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=CMD_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        err = e.stderr.decode('utf-8', 'replace') if e.stderr else ''
        return Run(None, b'', err, True, True)
    except OSError as e:
        return Run(None, b'', '', False, False, launch_error=str(e))
    err = p.stderr.decode('utf-8', 'replace')
    crashed = p.returncode < 0 or p.returncode >= 128 or any(m in err for m in SANITIZER_MARKS)
    return Run(p.returncode, p.stdout, err, crashed, False)


def _parse_int(text):
    # json turns "-0" into the integer 0; keep the sign for float values
    return -0.0 if text == '-0' else int(text)


def parse_json(data):
    return json.loads(data.decode('utf-8', 'surrogateescape'), parse_int=_parse_int)


# ---------------------------------------------------------------------------
# value normalisation and comparison

def short(x, n=MAX_DETAIL):
    s = x if isinstance(x, str) else repr(x)
    return s if len(s) <= n else s[:n] + '...'


def as_text(v):
    """bytes/str/None -> str (UTF-8 if valid, else latin-1)."""
    if v is None:
        return ''
    if isinstance(v, (bytes, np.bytes_)):
        b = bytes(v)
        try:
            return b.decode('utf-8')
        except UnicodeDecodeError:
            return b.decode('latin-1')
    return str(v)


def strip_fixed(b, pad):
    """A fixed-length string value as numpy shows it: trailing NULs are not
    part of it.  Nothing else is stripped: h5py's value already went through
    libhdf5's padding conversion (space padding removed, a null-terminated
    value cut at its first NUL), and h5coro must give exactly that (a value
    still carrying its padding spaces is wrong).  `pad` is kept for the
    callers' benefit only."""
    return bytes(b).rstrip(b'\0')


def to_float(v):
    if v is None:
        return math.nan
    if isinstance(v, str):
        s = v.strip().lower()
        table = {'nan': math.nan, '-nan': math.nan, 'inf': math.inf, '+inf': math.inf,
                 'infinity': math.inf, '-inf': -math.inf, '-infinity': -math.inf}
        if s in table:
            return table[s]
        return float(s)
    return float(v)


def float_equal(a, b):
    """Exact equality, NaN equal to NaN, -0.0 different from 0.0."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


class Ctx:
    """Per-file context for references and string padding."""
    def __init__(self, f):
        self.f = f

    def region_diff(self, o, ref):
        """h5coro's JSON for a region reference ({"addr", "selection"}, null
        for a null one) against what libhdf5 says of `ref`: the target's
        address and its selection's points or hyperslab blocks."""
        if not ref:
            return None if o is None else 'region ref %s, want null' % short(o, 80)
        addr = self.ref_addr(ref)
        try:
            sp = h5r.get_region(ref, self.f.id)
            st = sp.get_select_type()
            if st == h5s.SEL_POINTS:
                want = {'type': 'points', 'points': sp.get_select_elem_pointlist().tolist()}
            elif st == h5s.SEL_HYPERSLABS:
                want = {'type': 'hyperslab', 'blocks': sp.get_select_hyper_blocklist().tolist()}
            elif st == h5s.SEL_ALL:
                want = {'type': 'all'}
            else:
                want = {'type': 'none'}
        except Exception:
            return None             # libhdf5 cannot decode it: nothing to check
        if not isinstance(o, dict):
            return 'region ref %s, want addr %s %s' % (short(o, 80), addr, short(want, 80))
        if addr is not None and o.get('addr') != addr:
            return 'region ref addr %s != %s' % (o.get('addr'), addr)
        if o.get('selection') != want:
            return 'region selection %s != %s' % (short(o.get('selection'), 120), short(want, 120))
        return None

    def ref_addr(self, ref):
        """Object header address a reference points to (0 for a null one,
        None if it cannot be dereferenced)."""
        if not ref:
            return 0
        try:
            oid = h5r.dereference(ref, self.f.id)
            return h5o.get_info(oid).addr
        except Exception:
            return None     # dangling: cannot be checked


def flat_equal_numeric(ours_list, exp, dtype):
    """ours_list: flat python list from JSON; exp: flat numpy array."""
    kind = dtype.kind
    if kind == 'f' and dtype.itemsize > 8:
        # long double: JSON carries at most double precision
        for i, (o, e) in enumerate(zip(ours_list, exp.tolist())):
            try:
                ok = float_equal(to_float(o), float(e))
            except (TypeError, ValueError):
                ok = False
            if not ok:
                return i, o, e
        return None
    if kind == 'f':
        for i, (o, e) in enumerate(zip(ours_list, exp.tolist())):
            try:
                ov = float(np.array(to_float(o), dtype=dtype.newbyteorder('=')))
            except (TypeError, ValueError):
                return i, o, e
            if not float_equal(ov, float(e)):
                return i, o, e
        return None
    if kind == 'c':
        for i, (o, e) in enumerate(zip(ours_list, exp.tolist())):
            try:
                if isinstance(o, dict):
                    re_ = o.get('real', o.get('r', o.get('re')))
                    im_ = o.get('imag', o.get('i', o.get('im')))
                else:
                    re_, im_ = o
                half = np.dtype('f%d' % (dtype.itemsize // 2))
                ok = (float_equal(float(np.array(to_float(re_), half)), e.real)
                      and float_equal(float(np.array(to_float(im_), half)), e.imag))
            except (TypeError, ValueError, KeyError):
                ok = False
            if not ok:
                return i, o, e
        return None
    # integers, bools, enums, bitfields
    for i, (o, e) in enumerate(zip(ours_list, exp.tolist())):
        if isinstance(o, bool) or isinstance(e, bool):
            if int(o) != int(e):
                return i, o, e
        elif isinstance(o, float) and o == 0.0 and int(e) == 0:
            continue                            # "-0" read as -0.0
        elif not isinstance(o, int) or o != int(e):
            return i, o, e
    return None


def nested_shape_flat(v, shape):
    """Check that v (nested lists) has `shape`; return a flat list or None."""
    if len(shape) == 0:
        return [v]
    if not isinstance(v, list) or len(v) != shape[0]:
        return None
    out = []
    for x in v:
        sub = nested_shape_flat(x, shape[1:])
        if sub is None:
            return None
        out.extend(sub)
    return out


def element_equal(o, e, dt, tid, ctx):
    """Compare one JSON element `o` to one h5py element `e` of numpy dtype dt
    (tid: the HDF5 type, for string padding and references).  Returns None or
    a description of the difference."""
    if dt.subdtype is not None:
        sub, base = array_dims(dt)
        flat = nested_shape_flat(o, list(sub))
        if flat is None:
            return 'array element shape: ours %s, want %s' % (short(o, 80), sub)
        earr = np.asarray(e).reshape(-1)
        btid = tid
        while btid is not None and type_class(btid) == h5t.ARRAY:
            btid = btid.get_super()
        for i, (oo, ee) in enumerate(zip(flat, earr)):
            d = element_equal(oo, ee, base, btid, ctx)
            if d:
                return '[%d] %s' % (i, d)
        return None
    if dt.names:
        for idx, name in enumerate(dt.names):
            if isinstance(o, dict):
                if name not in o:
                    return 'member %r missing' % name
                oo = o[name]
            elif isinstance(o, list) and len(o) == len(dt.names):
                oo = o[idx]
            else:
                return 'compound value %s' % short(o, 80)
            mtid = None
            if tid is not None and tid.get_class() == h5t.COMPOUND:
                try:
                    mtid = tid.get_member_type(idx)
                except Exception:
                    mtid = None
            d = element_equal(oo, e[name], dt.fields[name][0], mtid, ctx)
            if d:
                return '.%s: %s' % (name, d)
        return None
    if dt.kind == 'O':
        sd = h5py.check_string_dtype(dt)
        if sd is not None:
            return None if as_text(o) == as_text(e) else 'string %s != %s' % (
                short(o, 80), short(as_text(e), 80))
        rd = h5py.check_ref_dtype(dt)
        if rd is h5py.RegionReference:
            return ctx.region_diff(o, e)
        if rd is h5py.Reference:
            want = ctx.ref_addr(e)
            if want is None:
                return None
            return None if (isinstance(o, int) and o == want) else 'ref %s != addr %s' % (o, want)
        vd = h5py.check_vlen_dtype(dt)
        if vd is not None:
            if not isinstance(o, list) or len(o) != len(e):
                return 'vlen %s != %s' % (short(o, 80), short(e, 80))
            btid = tid.get_super() if tid is not None and tid.get_class() == h5t.VLEN else None
            vdt = np.dtype(vd)
            if vdt.byteorder == '>' and isinstance(e, np.ndarray) and e.dtype == vdt.newbyteorder('='):
                # h5py 3.7 returns vlen sequences of a big-endian base as
                # native arrays whose bytes were never swapped (h5dump shows
                # the true values, e.g. pytables/vlunicode_endian.h5).
                e = e.byteswap()
            for i, (oo, ee) in enumerate(zip(o, e)):
                d = element_equal(oo, ee, np.dtype(vd), btid, ctx)
                if d:
                    return '[%d] %s' % (i, d)
            return None
        return 'unknown object value'
    if dt.kind == 'S':
        pad = tid.get_strpad() if tid is not None and tid.get_class() == h5t.STRING else h5t.STR_NULLPAD
        if isinstance(o, str):
            ob = o.encode('utf-8', 'surrogateescape')
            ob_l1 = None
            try:
                ob_l1 = o.encode('latin-1')
            except UnicodeEncodeError:
                pass
        else:
            return 'string %s' % short(o, 80)
        want = strip_fixed(e, pad)
        if strip_fixed(ob, pad) == want or (ob_l1 is not None and strip_fixed(ob_l1, pad) == want):
            return None
        return 'string %s != %s' % (short(o, 80), short(want, 80))
    if dt.kind == 'V':            # opaque
        raw = bytes(e.tobytes() if hasattr(e, 'tobytes') else e)
        if isinstance(o, list) and all(isinstance(x, int) for x in o):
            ok = bytes(o) == raw
        elif isinstance(o, str):
            try:
                ok = bytes.fromhex(o.replace(' ', '').replace(':', '')) == raw
            except ValueError:
                try:
                    ok = o.encode('latin-1') == raw
                except UnicodeEncodeError:
                    ok = False
        else:
            ok = False
        return None if ok else 'opaque %s != %s' % (short(o, 80), raw.hex())
    d = flat_equal_numeric([o], np.asarray([e], dtype=dt), dt)
    return None if d is None else '%s != %s' % (short(o, 80), short(e, 80))


def compare_json_array(ours, exp, dt, tid, ctx):
    """ours: JSON value (nested lists, or bare for scalars); exp: numpy array
    from h5py.  Returns None or (flat index, description)."""
    shape = list(exp.shape)
    if dt.subdtype is not None:
        # h5py expands array-type elements into trailing dimensions; compare
        # one array element at a time
        sub = array_dims(dt)[0]
        if tuple(shape[len(shape) - len(sub):]) == sub:
            shape = shape[:len(shape) - len(sub)]
        eflat = exp.reshape((-1,) + sub)
    else:
        eflat = exp.reshape(-1)
    flat = nested_shape_flat(ours, shape)
    if flat is None:
        return (None, 'JSON nesting does not match shape %s: %s' % (tuple(shape), short(ours, 120)))
    simple = (dt.kind in 'iufcb' and dt.subdtype is None and not dt.names)
    if simple and tid is not None and tid.get_class() in (h5t.INTEGER, h5t.FLOAT, h5t.ENUM,
                                                          h5t.BITFIELD):
        d = flat_equal_numeric(flat, eflat, dt)
        if d is None:
            return None
        i, o, e = d
        return (i, '%s != %s' % (short(o, 80), short(e, 80)))
    for i, (o, e) in enumerate(zip(flat, eflat)):
        d = element_equal(o, e, dt, tid, ctx)
        if d:
            return (i, d)
    return None


def index_str(shape, i):
    if i is None:
        return ''
    if not shape:
        return '[()]'
    return str(list(np.unravel_index(i, shape)))


# ---------------------------------------------------------------------------
# dtype expectations

def type_class(tid):
    try:
        return tid.get_class()
    except Exception:
        return None


IEEE_FIELDS = {2: (15, 10, 5, 0, 10, 15), 4: (31, 23, 8, 0, 23, 127),
               8: (63, 52, 11, 0, 52, 1023)}


def nonstandard_float(tid):
    """True for a float type that is not IEEE binary16/32/64 (x87 long
    double, custom precision, ...): h5py converts those, so neither the dtype
    string nor the bytes can be compared directly."""
    if type_class(tid) != h5t.FLOAT:
        return False
    size = tid.get_size()
    want = IEEE_FIELDS.get(size)
    try:
        have = tuple(tid.get_fields()) + (tid.get_ebias(),)
        return want is None or have != want or tid.get_precision() != 8 * size \
            or tid.get_offset() != 0
    except Exception:
        return True


def is_x87(tid):
    try:
        return (type_class(tid) == h5t.FLOAT and tid.get_precision() == 80 and
                tuple(tid.get_fields()) == (79, 64, 15, 0, 64) and tid.get_offset() == 0 and
                tid.get_order() == h5t.ORDER_LE and np.finfo(np.longdouble).nmant == 63)
    except Exception:
        return False


def expected_dtype_str(tid, dt):
    """The dtype string h5coro's info must report, or None if we do not
    insist (compound, array, opaque, bitfield: only values are compared)."""
    cls = type_class(tid)
    if cls == h5t.ENUM:
        return tid.get_super().dtype.str
    if cls == h5t.FLOAT and nonstandard_float(tid):
        return None
    if cls in (h5t.INTEGER, h5t.FLOAT):
        return dt.str
    if cls == h5t.STRING:
        return 'vlen-str' if tid.is_variable_str() else '|S%d' % tid.get_size()
    if cls == h5t.REFERENCE:
        rd = h5py.check_ref_dtype(dt)
        return 'ref' if rd is h5py.Reference else 'region-ref' if rd is h5py.RegionReference else None
    if cls == h5t.VLEN:
        base = tid.get_super()
        if type_class(base) in (h5t.INTEGER, h5t.FLOAT):
            return 'vlen:' + base.dtype.str
    return None


def read_mode(tid, dt):
    """'bin' for fixed-size element types, 'json' otherwise."""
    cls = type_class(tid)
    if cls in (h5t.STRING,):
        return 'json' if tid.is_variable_str() else 'bin'
    if cls in (h5t.VLEN, h5t.REFERENCE):
        return 'json'
    if dt.hasobject:
        return 'json'
    return 'bin'


def parse_info_dtype(s):
    """Try to turn h5coro's dtype string into a numpy dtype (None if not)."""
    if not isinstance(s, str):
        return None
    try:
        return np.dtype(s)
    except (TypeError, ValueError):
        pass
    try:
        j = json.loads(s)
    except ValueError:
        return None

    def conv(x):
        if isinstance(x, str):
            return parse_info_dtype(x)
        if isinstance(x, list):
            fields = []
            for m in x:
                if isinstance(m, list) and len(m) >= 2:
                    t = conv(m[1])
                    if t is None:
                        return None
                    fields.append((m[0], t) if len(m) == 2 else (m[0], t, tuple(m[2])))
                else:
                    return None
            return np.dtype(fields)
        if isinstance(x, dict) and 'names' in x and 'formats' in x:
            fm = [conv(t) for t in x['formats']]
            if any(t is None for t in fm):
                return None
            d = {'names': x['names'], 'formats': fm}
            if 'offsets' in x:
                d['offsets'] = x['offsets']
            if 'itemsize' in x:
                d['itemsize'] = x['itemsize']
            return np.dtype(d)
        return None
    try:
        return conv(j)
    except (TypeError, ValueError):
        return None


def array_dims(dt):
    """(element dims, scalar base dtype) of a possibly nested array dtype;
    numpy expands all of them into trailing dimensions."""
    dims = ()
    while dt.subdtype is not None:
        dt, sub = dt.subdtype
        dims += tuple(sub)
    return dims, dt


def native(dt):
    try:
        return dt.newbyteorder('=') if not dt.names else dt.newbyteorder('<')
    except ValueError:
        return dt


def arrays_equal(a, b, dt, tid):
    """Element-wise equality of two numpy arrays of structured/array/plain
    fixed-size dtypes, NaN == NaN, -0.0 != +0.0, string padding rules.
    Returns None or (flat index, description)."""
    if a.shape != b.shape:
        return (None, 'shape %s != %s' % (a.shape, b.shape))
    if dt.names:
        for k, name in enumerate(dt.names):
            mtid = None
            if tid is not None and type_class(tid) == h5t.COMPOUND:
                try:
                    mtid = tid.get_member_type(k)
                except Exception:
                    mtid = None
            d = arrays_equal(a[name], b[name], dt.fields[name][0], mtid)
            if d:
                return (d[0], '.%s %s' % (name, d[1]))
        return None
    if dt.subdtype is not None:
        # both sides already expanded into extra dimensions by numpy
        btid = tid
        while btid is not None and type_class(btid) == h5t.ARRAY:
            btid = btid.get_super()
        return arrays_equal(a, b, array_dims(dt)[1], btid)
    af, bf = a.reshape(-1), b.reshape(-1)
    if dt.kind in 'fc':
        if dt.kind == 'f':
            eq = (af == bf) & (np.signbit(af) == np.signbit(bf))
            eq |= np.isnan(af) & np.isnan(bf)
        else:
            eq = np.ones(af.shape, bool)
            for part in ('real', 'imag'):
                x, y = getattr(af, part), getattr(bf, part)
                eq &= ((x == y) & (np.signbit(x) == np.signbit(y))) | (np.isnan(x) & np.isnan(y))
    elif dt.kind == 'S':
        pad = tid.get_strpad() if tid is not None and type_class(tid) == h5t.STRING else h5t.STR_NULLPAD
        eq = np.array([strip_fixed(x, pad) == strip_fixed(y, pad) for x, y in zip(af, bf)], bool)
    elif dt.kind == 'V':
        eq = np.array([bytes(x) == bytes(y) for x, y in zip(af.tolist(), bf.tolist())], bool) \
            if af.size else np.ones(0, bool)
    else:
        eq = af == bf
    eq = np.asarray(eq).reshape(-1)
    if eq.all():
        return None
    i = int(np.argmin(eq))
    return (i, '%s != %s' % (short(af[i], 80), short(bf[i], 80)))


# ---------------------------------------------------------------------------
# the oracle side: walking the file with h5py

KIND_NAMES = {h5o.TYPE_GROUP: 'group', h5o.TYPE_DATASET: 'dataset',
              h5o.TYPE_NAMED_DATATYPE: 'datatype'}


def split_path(p):
    return [c for c in p.split('/') if c]


def join_path(parent, name):
    return ('/' + name) if parent == '/' else parent + '/' + name


def decode_name(b):
    return b.decode('utf-8', 'surrogateescape') if isinstance(b, bytes) else b


class Graph:
    """The link graph as h5py sees it: every group's links, each object once."""

    def __init__(self, f):
        self.f = f
        self.root = h5o.get_info(f.id).addr
        self.children = {}      # group addr -> list of (name, ltype, addr, kind)
        self.objects = {}       # addr -> (first path, kind)
        self.problems = []      # oracle-side failures (not held against h5coro)
        self._walk()

    def _walk(self):
        self.objects[self.root] = ('/', 'group')
        stack = [('/', self.root)]
        while stack:
            gpath, gaddr = stack.pop()
            if gaddr in self.children:
                continue
            kids = []
            try:
                gid = h5o.open(self.f.id, gpath.encode('utf-8', 'surrogateescape'))
                names = []

                def collect(n, info):
                    names.append((n, info.type, info.u))
                gid.links.iterate(collect, idx_type=h5py.h5.INDEX_NAME,
                                  order=h5py.h5.ITER_INC, info=True)
            except Exception as e:
                self.problems.append('%s: cannot list group: %s' % (gpath, short(str(e), 160)))
                self.children[gaddr] = None
                continue
            for bname, ltype, u in names:
                name = decode_name(bname)
                if ltype == h5l.TYPE_HARD:
                    try:
                        info = h5o.get_info(gid, name=bname)
                        kind = KIND_NAMES.get(info.type, 'unknown')
                        addr = info.addr
                    except Exception as e:
                        self.problems.append('%s: %s' % (join_path(gpath, name),
                                                         short(str(e), 160)))
                        kind, addr = 'unknown', u
                    kids.append((name, 'hard', addr, kind))
                    if addr not in self.objects:
                        self.objects[addr] = (join_path(gpath, name), kind)
                        if kind == 'group':
                            stack.append((join_path(gpath, name), addr))
                else:
                    kids.append((name, 'soft' if ltype == h5l.TYPE_SOFT else 'other', None, 'link'))
            self.children[gaddr] = kids

    def resolve(self, path):
        """-> (kind, addr) for an absolute path through hard links, or None."""
        addr = self.root
        comps = split_path(path)
        if not comps:
            return ('group', self.root)
        for i, c in enumerate(comps):
            kids = self.children.get(addr)
            if kids is None:
                return None
            hit = [k for k in kids if k[0] == c]
            if not hit:
                return None
            name, ltype, caddr, kind = hit[0]
            if i == len(comps) - 1:
                return (kind, caddr)
            if ltype != 'hard' or kind != 'group':
                return None
            addr = caddr
        return None


def oracle_trouble(obj, kind):
    """Why h5py cannot fully read this object's metadata (None if it can)."""
    try:
        for name in obj.attrs.keys():
            obj.attrs[name]
        if kind == 'dataset':
            obj.dtype, obj.shape
    except Exception as e:
        return short(str(e), 160)
    return None


# ---------------------------------------------------------------------------
# per-file check

class FileResult:
    def __init__(self, path):
        self.path = path
        self.oracle_ok = True
        self.counts = {}          # (area, outcome) -> n
        self.problems = []        # (outcome, object, detail) for wrong/crashed
        self.lines = []           # verbose detail
        self.error = None

    def add(self, area, outcome, obj, detail=''):
        self.counts[(area, outcome)] = self.counts.get((area, outcome), 0) + 1
        if outcome in (WRONG, CRASHED):
            self.problems.append((outcome, area, obj, short(detail)))
        elif outcome in (UNSUPPORTED, UNVERIFIED) and detail:
            self.lines.append('    %s %s %s: %s' % (area, outcome, obj, short(detail, 200)))


class Checker:
    def __init__(self, exe, path, tmpdir, verbose):
        self.exe, self.path, self.tmp, self.verbose = exe, path, tmpdir, verbose
        self.res = FileResult(path)
        self.tmpfile = os.path.join(tmpdir, 'out.bin')

    # -- helpers --------------------------------------------------------
    def h5c(self, *args):
        return run_h5coro(self.exe, list(args))

    def read_bin(self, path, slice_arg=None):
        if os.path.exists(self.tmpfile):
            os.remove(self.tmpfile)
        args = ['read', self.path, path, '--format', 'bin', '-o', self.tmpfile]
        if slice_arg:
            args[3:3] = ['--slice', slice_arg]
        r = self.h5c(*args)
        data = b''
        if r.rc == 0 and not r.crashed and os.path.exists(self.tmpfile):
            with open(self.tmpfile, 'rb') as fh:
                data = fh.read()
            os.remove(self.tmpfile)
        return r, data

    def read_json(self, path):
        return self.h5c('read', self.path, path, '--format', 'json')

    # -- entry point ----------------------------------------------------
    def run(self):
        try:
            f = h5py.File(self.path, 'r')
        except Exception as e:
            self.res.oracle_ok = False
            self.res.lines.append('    oracle cannot open: %s' % short(str(e), 200))
            self.crash_only()
            return self.res
        try:
            with f:
                self.check_with_oracle(f)
        except Exception:
            # a bug here (or an h5py failure we did not anticipate) must not
            # be counted against h5coro
            self.res.error = traceback.format_exc(limit=4)
        return self.res

    # -- files h5py cannot open: only crashes count -----------------------
    def crash_only(self, paths=None, limit=300):
        r = self.h5c('ls', self.path, '/', '-r', '--json')
        if r.crashed:
            self.res.add('listing', CRASHED, '/', r.describe())
            return
        entries = []
        if r.rc == 0:
            try:
                entries = parse_json(r.out)
            except ValueError:
                entries = []
        todo = [('/', 'group')]
        for e in entries if isinstance(entries, list) else []:
            if isinstance(e, dict) and e.get('kind') in ('group', 'dataset', 'datatype'):
                todo.append((e.get('path', ''), e['kind']))
        if paths:
            todo.extend(paths)
        seen = set()
        for p, kind in todo[:limit]:
            if p in seen:
                continue
            seen.add(p)
            self.crash_probe(p, kind)

    def crash_probe(self, p, kind):
        r = self.h5c('info', self.path, p, '--json')
        if r.crashed:
            self.res.add('object', CRASHED, p, 'info: ' + r.describe())
            return
        if kind != 'dataset':
            return
        r, _ = self.read_bin(p)
        if r.crashed:
            self.res.add('dataset', CRASHED, p, 'read bin: ' + r.describe())
            return
        if r.rc == 0 or r.rc == 3:
            self.res.add('dataset', CRASH_CHECKED, p)
            return
        r = self.read_json(p)
        if r.crashed:
            self.res.add('dataset', CRASHED, p, 'read json: ' + r.describe())
        else:
            self.res.add('dataset', CRASH_CHECKED, p)

    # -- normal path ------------------------------------------------------
    def check_with_oracle(self, f):
        self.ctx = Ctx(f)
        try:
            graph = Graph(f)
        except Exception as e:
            self.res.oracle_ok = False
            self.res.lines.append('    oracle cannot walk: %s' % short(str(e), 200))
            self.crash_only()
            return
        if graph.problems:
            for p in graph.problems[:5]:
                self.res.lines.append('    oracle: ' + p)
        listed = self.check_listing(graph)
        for addr, (path, kind) in graph.objects.items():
            if kind == 'unknown':
                self.crash_probe(path, 'dataset')
                self.res.add('object', ORACLE_SKIP, path, 'h5py cannot open it')
                continue
            self.check_object(f, path, kind)
        # paths h5coro lists that the oracle could not resolve: crash checks only
        for p, kind in listed:
            self.crash_probe(p, kind)

    def check_listing(self, graph):
        """Compare `ls -r --json`.  Returns [(path, kind)] h5coro listed that
        h5py could not resolve (to be probed for crashes only)."""
        r = self.h5c('ls', self.path, '/', '-r', '--json')
        if r.rc != 0 or r.crashed:
            outcome = r.classify_failure()
            if outcome == WRONG and graph.problems:
                outcome = CRASH_CHECKED     # h5py cannot walk the file either
            self.res.add('listing', outcome, '/', 'ls: ' + r.describe())
            return []
        try:
            entries = parse_json(r.out)
            assert isinstance(entries, list)
        except (ValueError, AssertionError) as e:
            self.res.add('listing', WRONG, '/', 'ls output is not a JSON array: %s' % e)
            return []
        ours = {}
        diffs = []
        unresolved = []
        for e in entries:
            if not isinstance(e, dict) or not isinstance(e.get('path'), str):
                diffs.append('bad entry %s' % short(e, 100))
                continue
            p = '/' + '/'.join(split_path(e['path']))
            if p in ours:
                diffs.append('path listed twice: %s' % p)
            ours[p] = e.get('kind')
        oracle_incomplete = any(v is None for v in graph.children.values()) or \
            any(k == 'unknown' for _, k in graph.objects.values())
        covered = {graph.root}
        for p, kind in sorted(ours.items()):
            res = graph.resolve(p)
            if res is None:
                if oracle_incomplete:
                    unresolved.append((p, kind if kind in ('group', 'dataset', 'datatype') else 'link'))
                else:
                    diffs.append('listed but not in file: %s (%s)' % (p, kind))
                continue
            want_kind, addr = res
            if want_kind == 'unknown':
                unresolved.append((p, kind if kind in ('group', 'dataset', 'datatype') else 'link'))
                continue
            if kind != want_kind:
                diffs.append('%s: kind %r, h5py says %r' % (p, kind, want_kind))
            if want_kind != 'link':
                covered.add(addr)
        # every group h5coro descended into must be listed completely
        descended = {'/'}
        for p in ours:
            comps = split_path(p)
            descended.add('/' + '/'.join(comps[:-1]))
        for g in sorted(descended):
            res = graph.resolve(g)
            if res is None or res[0] != 'group':
                continue
            kids = graph.children.get(res[1])
            if kids is None:
                continue
            for name, ltype, addr, kind in kids:
                if join_path(g, name) not in ours:
                    diffs.append('missing: %s (%s)' % (join_path(g, name), kind))
        for addr, (path, kind) in graph.objects.items():
            if addr not in covered and kind != 'unknown':
                diffs.append('object never listed: %s (%s)' % (path, kind))
        if diffs:
            self.res.add('listing', WRONG, '/', '%d differences; first: %s' % (len(diffs), diffs[0]))
            for d in diffs[:10]:
                self.res.lines.append('    listing: ' + d)
        else:
            self.res.add('listing', IDENTICAL, '/')
        return unresolved

    def check_object(self, f, path, kind):
        try:
            obj = f[path] if path != '/' else f
        except Exception as e:
            self.res.add('object', ORACLE_SKIP, path, short(str(e), 160))
            self.crash_probe(path, kind)
            return
        r = self.h5c('info', self.path, path, '--json')
        info = None
        if r.rc == 0 and not r.crashed:
            try:
                info = parse_json(r.out)
                if not isinstance(info, dict):
                    raise ValueError('not a JSON object')
            except ValueError as e:
                self.res.add('object', WRONG, path, 'info output: %s' % e)
                info = None
        else:
            outcome = r.classify_failure()
            detail = 'info: ' + r.describe()
            if outcome == WRONG:
                trouble = oracle_trouble(obj, kind)
                if trouble:
                    # h5py cannot make sense of this object either
                    outcome, detail = CRASH_CHECKED, detail + ' (h5py: %s)' % trouble
            self.res.add('dataset' if kind == 'dataset' else 'object', outcome, path, detail)
            if kind == 'dataset' and outcome != CRASHED:
                rr, _ = self.read_bin(path)
                if rr.crashed:
                    self.res.add('dataset', CRASHED, path, 'read bin: ' + rr.describe())
            return
        if info is not None:
            if info.get('kind') != kind:
                self.res.add('object', WRONG, path, 'kind %r, h5py says %r' % (info.get('kind'), kind))
            else:
                self.res.add('object', IDENTICAL, path)
            self.check_attributes(obj, path, info.get('attributes'))
        if kind == 'dataset' and info is not None:
            self.check_dataset(obj, path, info)

    # -- attributes -------------------------------------------------------
    def check_attributes(self, obj, path, ours):
        try:
            names = list(obj.attrs.keys())
        except Exception as e:
            self.res.add('attribute', ORACLE_SKIP, path + '@*', short(str(e), 160))
            return
        if not isinstance(ours, list):
            if names:
                self.res.add('attribute', WRONG, path + '@*', 'info has no attribute list')
            return
        by_name = {}
        for a in ours:
            if isinstance(a, dict) and isinstance(a.get('name'), str):
                by_name[a['name']] = a
        for extra in sorted(set(by_name) - set(names)):
            self.res.add('attribute', WRONG, '%s@%s' % (path, extra), 'h5py has no such attribute')
        for name in names:
            self.check_attribute(obj, path, name, by_name.get(name))

    def check_attribute(self, obj, path, name, a):
        label = '%s@%s' % (path, name)
        try:
            aid = h5a.open(obj.id, name.encode('utf-8', 'surrogateescape'))
            tid = aid.get_type()
            dt = aid.dtype
            value = obj.attrs[name]
        except Exception as e:
            self.res.add('attribute', ORACLE_SKIP, label, short(str(e), 160))
            return
        if a is None:
            self.res.add('attribute', WRONG, label, 'missing from info')
            return
        if 'error' in a and 'value' not in a:
            err = str(a.get('error'))
            self.res.add('attribute', UNSUPPORTED if 'unsupported' in err else WRONG, label,
                         'error: ' + err)
            return
        if isinstance(value, h5py.Empty):
            if a.get('shape') is None:
                self.res.add('attribute', IDENTICAL, label)
            else:
                self.res.add('attribute', WRONG, label, 'null dataspace, ours shape %s' % a.get('shape'))
            return
        exp = np.asarray(value) if not isinstance(value, str) else np.array(value, dtype=object)
        shape = tuple(aid.shape)
        if exp.shape != shape:
            exp = exp.reshape(shape) if exp.size == int(np.prod(shape)) else exp
        ours_shape = a.get('shape')
        if not isinstance(ours_shape, list) or tuple(ours_shape) != shape:
            self.res.add('attribute', WRONG, label, 'shape %s, h5py %s' % (ours_shape, list(shape)))
            return
        want_dt = expected_dtype_str(tid, dt)
        if want_dt is not None and a.get('dtype') != want_dt:
            self.res.add('attribute', WRONG, label, 'dtype %r, h5py %r' % (a.get('dtype'), want_dt))
            return
        if 'value' not in a:
            self.res.add('attribute', WRONG, label, 'no value')
            return
        # h5py's dtype carries the string/vlen/reference metadata; the value's
        # own dtype is used where h5py converted (e.g. vlen str -> str)
        cmp_dt = dt if exp.dtype.kind == dt.kind else exp.dtype
        try:
            d = compare_json_array(a['value'], exp, cmp_dt, tid, self.ctx)
        except Exception as e:
            d = (None, 'comparison failed: %s' % short(str(e), 160))
        if d is None:
            self.res.add('attribute', IDENTICAL, label)
        else:
            self.res.add('attribute', WRONG, label, 'value%s %s' % (index_str(shape, d[0]), d[1]))

    # -- datasets ---------------------------------------------------------
    def check_dataset(self, ds, path, info):
        try:
            tid = ds.id.get_type()
            dt = ds.dtype
            shape = ds.shape
        except Exception as e:
            self.res.add('dataset', ORACLE_SKIP, path, short(str(e), 160))
            self.crash_probe(path, 'dataset')
            return
        # metadata from info
        if shape is None:
            if info.get('shape') is None:
                self.res.add('dataset', IDENTICAL, path)
            else:
                self.res.add('dataset', WRONG, path, 'null dataspace, info shape %s' % info.get('shape'))
            return
        if not isinstance(info.get('shape'), list) or tuple(info['shape']) != tuple(shape):
            self.res.add('dataset', WRONG, path, 'info shape %s, h5py %s' % (info.get('shape'), list(shape)))
            return
        want_dt = expected_dtype_str(tid, dt)
        if want_dt is not None and info.get('dtype') != want_dt:
            self.res.add('dataset', WRONG, path, 'info dtype %r, h5py %r' % (info.get('dtype'), want_dt))
            return
        chunks = ds.chunks
        ic = info.get('chunks')
        if chunks is not None and (not isinstance(ic, list) or tuple(ic) != tuple(chunks)):
            self.res.add('dataset', WRONG, path, 'info chunks %s, h5py %s' % (ic, list(chunks)))
            return
        # size check
        nelem = int(np.prod(shape)) if shape else 1
        itemsize = dt.itemsize if not dt.hasobject else 16
        if nelem * itemsize > MAX_READ_BYTES:
            self.res.add('dataset', TOO_LARGE, path)
            return
        try:
            exp = ds[...]
        except Exception as e:
            self.res.add('dataset', ORACLE_SKIP, path, short(str(e), 160))
            self.crash_probe(path, 'dataset')
            return
        mode = read_mode(tid, dt)
        if mode == 'bin':
            outcome, detail = self.compare_bin(path, None, exp, dt, tid, info.get('dtype'))
        else:
            outcome, detail = self.compare_json(path, exp, dt, tid)
        if outcome == IDENTICAL and mode == 'bin':
            outcome, detail = self.check_slices(ds, path, exp, dt, tid, info.get('dtype'))
        self.res.add('dataset', outcome, path, detail)

    def compare_bin(self, path, slice_arg, exp, dt, tid, info_dtype):
        what = 'read' if slice_arg is None else 'read --slice %s' % slice_arg
        r, data = self.read_bin(path, slice_arg)
        if r.rc != 0 or r.crashed:
            return r.classify_failure(), what + ': ' + r.describe()
        # h5py expands array types into extra dimensions
        sub = array_dims(dt)[0]
        base_shape = exp.shape[:exp.ndim - len(sub)]
        nelem = int(np.prod(base_shape)) if base_shape else 1
        cls = type_class(tid)
        pd = parse_info_dtype(info_dtype)
        if nonstandard_float(tid):
            return self.compare_odd_float(what, data, nelem, exp, tid, pd, info_dtype)
        # candidate layouts of the binary output, most specific first
        if cls == h5t.ENUM:
            cands = [tid.get_super().dtype]            # enums: base integers
        else:
            cands = [dt]
            # h5coro's own description of a compound/array/bitfield layout,
            # when it is a structured numpy dtype of the right size
            if pd is not None and pd != dt and pd.itemsize == dt.itemsize and (
                    (dt.names and pd.names) or (dt.subdtype is not None and pd.subdtype is not None)
                    or cls in (h5t.BITFIELD, h5t.OPAQUE)):
                cands.append(pd)
            if dt.names or dt.subdtype is not None:
                cands.append(native(dt))
        last = None
        for c in cands:
            if len(data) != nelem * c.itemsize:
                last = (None, 'output has %d bytes, want %d elements of %d bytes' % (
                    len(data), nelem, c.itemsize))
                continue
            try:
                ours = np.frombuffer(data, dtype=c).reshape(exp.shape)
                if cls == h5t.ENUM:
                    d = arrays_equal(ours, exp.astype(c), c, None)
                else:
                    d = arrays_equal(ours, exp, dt, tid)
            except (ValueError, KeyError, TypeError, IndexError) as e:
                d = (None, 'cannot compare as %s: %s' % (c, e))
            if d is None:
                return IDENTICAL, ''
            last = d
        return WRONG, '%s: value%s %s' % (what, index_str(exp.shape, last[0]), last[1])

    def compare_odd_float(self, what, data, nelem, exp, tid, pd, info_dtype):
        """Non-IEEE floats: h5coro may convert to a standard float type (then
        h5py's values, cast to it, must match exactly) or pass x87 extended
        values through raw (decoded here into numpy's long double)."""
        size = tid.get_size()
        if pd is not None and pd.kind == 'f' and pd.itemsize in (2, 4, 8) and \
                len(data) == nelem * pd.itemsize:
            ours = np.frombuffer(data, dtype=pd).reshape(exp.shape)
            d = arrays_equal(ours, exp.astype(pd), pd, None)
        elif pd is not None and pd == np.dtype(np.longdouble) and len(data) == nelem * pd.itemsize:
            # converted to the native long double, as h5py presents it
            ours = np.frombuffer(data, dtype=pd).reshape(exp.shape)
            d = arrays_equal(ours, exp.astype(pd), pd, None)
        elif is_x87(tid) and nelem and len(data) % nelem == 0 and \
                len(data) // nelem in (10, 12, 16):
            # raw 80-bit values in 10, 12 or 16 bytes each
            raw = np.frombuffer(data, dtype='u1').reshape(nelem, len(data) // nelem)
            buf = np.zeros((nelem, np.dtype(np.longdouble).itemsize), dtype='u1')
            buf[:, :10] = raw[:, :10]
            ours = buf.view(np.longdouble).reshape(exp.shape)
            d = arrays_equal(ours, exp.astype(np.longdouble), np.dtype(np.longdouble), None)
        else:
            d = (None, 'cannot interpret %d bytes of %r for a %d-byte non-IEEE float' % (
                len(data), info_dtype, size))
        if d is None:
            return IDENTICAL, ''
        return WRONG, '%s: value%s %s' % (what, index_str(exp.shape, d[0]), d[1])

    def compare_json(self, path, exp, dt, tid):
        r = self.read_json(path)
        if r.rc != 0 or r.crashed:
            return r.classify_failure(), 'read json: ' + r.describe()
        try:
            ours = parse_json(r.out)
        except ValueError as e:
            return WRONG, 'read json: not JSON: %s' % e
        try:
            d = compare_json_array(ours, exp, dt, tid, self.ctx)
        except Exception as e:
            d = (None, 'comparison failed: %s' % short(str(e), 160))
        if d is None:
            return IDENTICAL, ''
        return WRONG, 'read json: value%s %s' % (index_str(exp.shape, d[0]), d[1])

    def check_slices(self, ds, path, exp, dt, tid, info_dtype):
        shape = ds.shape
        if not shape or exp.size <= 1:
            return IDENTICAL, ''
        windows = []
        # a strided middle window
        sl = []
        for n in shape:
            a = n // 4
            b = max(a + 1, n - n // 4)
            s = 2 if n >= 4 else 1
            sl.append((a, b, s))
        windows.append(sl)
        # the very last element (edge chunk)
        windows.append([(n - 1, n, 1) for n in shape])
        if any(n == 0 for n in shape):
            return IDENTICAL, ''
        for sl in windows:
            arg = ','.join('%d:%d:%d' % t for t in sl)
            try:
                want = ds[tuple(slice(a, b, s) for a, b, s in sl)]
            except Exception:
                continue
            outcome, detail = self.compare_bin(path, arg, np.asarray(want), dt, tid, info_dtype)
            if outcome != IDENTICAL:
                return outcome, detail
        return IDENTICAL, ''


def check_file(args):
    global CMD_TIMEOUT
    exe, path, verbose, CMD_TIMEOUT = args
    tmpdir = tempfile.mkdtemp(prefix='h5coro-diff-')
    t0 = time.time()
    try:
        res = Checker(exe, path, tmpdir, verbose).run()
    except Exception:
        res = FileResult(path)
        res.error = traceback.format_exc(limit=4)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    res.seconds = time.time() - t0
    return res


# ---------------------------------------------------------------------------
# reporting

def fmt_counts(counts, area):
    parts = []
    for oc in (IDENTICAL, UNSUPPORTED, WRONG, CRASHED, TOO_LARGE, ORACLE_SKIP, UNVERIFIED,
               CRASH_CHECKED):
        n = counts.get((area, oc), 0)
        if n:
            parts.append('%d %s' % (n, oc.replace('_', ' ')))
    return ', '.join(parts) if parts else 'none'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--h5coro', required=True, help='path to the h5coro CLI')
    ap.add_argument('dir', help='directory (searched recursively) or a single file')
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--verbose', action='store_true')
    ap.add_argument('--timeout', type=float, default=CMD_TIMEOUT,
                    help='seconds per h5coro command before it counts as crashed')
    opts = ap.parse_args()

    exe = os.path.abspath(opts.h5coro)
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        print('run_diff: %s is not an executable' % opts.h5coro, file=sys.stderr)
        return 2
    files = find_files(opts.dir)
    if not files:
        print('run_diff: no HDF5 files under %s' % opts.dir, file=sys.stderr)
    base = opts.dir if os.path.isdir(opts.dir) else os.path.dirname(opts.dir)
    work = [(exe, p, opts.verbose, opts.timeout) for p in files]

    results = []

    def report(res):
        results.append(res)
        if opts.verbose:
            rel = os.path.relpath(res.path, base)
            status = '' if res.oracle_ok else ' [h5py cannot read: crash checks only]'
            print('%s (%.1fs)%s' % (rel, res.seconds, status))
            print('    listing: %s; objects: %s' % (fmt_counts(res.counts, 'listing'),
                                                    fmt_counts(res.counts, 'object')))
            print('    datasets: %s' % fmt_counts(res.counts, 'dataset'))
            print('    attributes: %s' % fmt_counts(res.counts, 'attribute'))
            for line in res.lines:
                print(line)
            for oc, area, obj, detail in res.problems:
                print('    %s %s %s: %s' % (oc.upper(), area, obj, detail))
            if res.error:
                print('    runner error: ' + res.error.strip().replace('\n', '\n    '))
            sys.stdout.flush()

    if opts.jobs <= 1:
        for w in work:
            report(check_file(w))
    else:
        with concurrent.futures.ProcessPoolExecutor(max_workers=opts.jobs) as ex:
            futs = [ex.submit(check_file, w) for w in work]
            for fu in concurrent.futures.as_completed(futs):
                report(fu.result())

    results.sort(key=lambda r: r.path)
    total = {}
    oracle_files = 0
    runner_errors = []
    for res in results:
        if not res.oracle_ok:
            oracle_files += 1
        if res.error:
            runner_errors.append(res)
        for k, v in res.counts.items():
            area, oc = k
            # differences in files h5py cannot read are not held against us
            if not res.oracle_ok and oc == WRONG:
                oc = CRASH_CHECKED
            total[(area, oc)] = total.get((area, oc), 0) + v

    problems = [(res, p) for res in results for p in res.problems
                if res.oracle_ok or p[0] == CRASHED]
    if problems:
        print('\nwrong / crashed:')
        for res, (oc, area, obj, detail) in problems:
            print('  %-7s %s :: %s %s :: %s' % (oc.upper(), os.path.relpath(res.path, base),
                                                area, obj, detail))
    if runner_errors:
        print('\nrunner errors (not counted against h5coro):')
        for res in runner_errors:
            print('  %s: %s' % (os.path.relpath(res.path, base),
                                res.error.strip().splitlines()[-1]))

    def n(area, oc):
        return total.get((area, oc), 0)
    areas = ('dataset', 'attribute', 'object', 'listing')
    print('\nlisting: %s' % fmt_counts(total, 'listing'))
    print('objects (info): %s' % fmt_counts(total, 'object'))
    print('attributes: %s' % fmt_counts(total, 'attribute'))
    print('datasets: %s' % fmt_counts(total, 'dataset'))
    print('skipped: %d datasets too large (> %d MiB), %d files skipped by oracle, '
          '%d objects/datasets/attributes skipped by oracle, %d unverified, %d runner errors'
          % (n('dataset', TOO_LARGE), MAX_READ_BYTES >> 20, oracle_files,
             sum(n(a, ORACLE_SKIP) for a in areas), sum(n(a, UNVERIFIED) for a in areas),
             len(runner_errors)))
    k = sum(n(a, UNSUPPORTED) for a in areas)
    w = sum(n(a, WRONG) for a in areas)
    c = sum(n(a, CRASHED) for a in areas)
    print('corpus: %d files, %d datasets identical, %d unsupported, %d wrong, %d crashed'
          % (len(results), n('dataset', IDENTICAL), k, w, c))
    return 1 if (w or c) else 0


if __name__ == '__main__':
    sys.exit(main())
