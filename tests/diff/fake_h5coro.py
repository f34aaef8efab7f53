#!/usr/bin/python3
"""A stand-in for the h5coro CLI built on h5py, used to test run_diff.py.

It follows the CLI contract (ls / info / read, --json, --format bin|json,
--slice a:b:s, exit status 0/1/2/3), so

    run_diff.py --h5coro tests/diff/fake_h5coro.py data

must report 0 wrong and 0 crashed.  FAKE_H5CORO_BUG selects a deliberate
fault to check that the runner notices it:
    value      flip one element of every numeric read
    crash      die with SIGSEGV on every `read`
    hang       sleep forever on `read` (timeout handling)
    unsupp     `read` exits 3 with "unsupported: ..."
    ls-miss    leave the last entry out of `ls`
    attr       change the value of every integer attribute
    dtype      report big-endian numeric types as little-endian
"""
import json
import os
import signal
import sys
import time

import numpy as np
import h5py
from h5py import h5l, h5o, h5r, h5t

BUG = os.environ.get('FAKE_H5CORO_BUG', '')


class Unsupported(Exception):
    pass


def die(code, msg):
    sys.stderr.write(msg + '\n')
    sys.exit(code)


def dtype_str(tid, dt):
    cls = tid.get_class()
    if cls == h5t.ENUM:
        return tid.get_super().dtype.str
    if cls in (h5t.INTEGER, h5t.FLOAT, h5t.BITFIELD):
        s = dt.str
        if BUG == 'dtype' and s.startswith('>'):
            s = '<' + s[1:]
        return s
    if cls == h5t.STRING:
        return 'vlen-str' if tid.is_variable_str() else '|S%d' % tid.get_size()
    if cls == h5t.REFERENCE:
        return 'ref' if h5py.check_ref_dtype(dt) is h5py.Reference else 'region-ref'
    if cls == h5t.VLEN:
        return 'vlen:' + dtype_str(tid.get_super(), tid.get_super().dtype)
    if cls == h5t.COMPOUND and dt.kind == 'c':       # h5py maps {r, i} to complex
        half = np.dtype(dt.str[0] + 'f%d' % (dt.itemsize // 2)).str
        return json.dumps({'names': ['r', 'i'], 'formats': [half, half],
                           'offsets': [0, dt.itemsize // 2], 'itemsize': dt.itemsize})
    if cls == h5t.COMPOUND:
        return json.dumps({'names': list(dt.names),
                           'formats': [dt.fields[n][0].str for n in dt.names],
                           'offsets': [dt.fields[n][1] for n in dt.names],
                           'itemsize': dt.itemsize})
    if cls == h5t.OPAQUE:
        return '|V%d' % dt.itemsize
    if cls == h5t.ARRAY:
        return json.dumps({'array': dt.subdtype[0].str, 'shape': list(dt.subdtype[1])})
    raise Unsupported('unsupported: datatype class %d' % cls)


def addr_of_ref(f, ref):
    if not ref:
        return 0
    return h5o.get_info(h5r.dereference(ref, f.id)).addr


def to_json(f, v):
    """numpy value -> JSON-able python value."""
    if isinstance(v, np.ndarray):
        if v.dtype.names:
            return [to_json(f, x) for x in v]
        if v.dtype.kind == 'c':
            return [[x.real, x.imag] for x in v.tolist()]
        if v.dtype.kind == 'O' or v.dtype.kind in 'SV':
            return [to_json(f, x) for x in v]
        return v.tolist()
    if isinstance(v, np.void) and v.dtype.names:
        return {n: to_json(f, v[n]) for n in v.dtype.names}
    if isinstance(v, (bytes, np.bytes_)):
        return bytes(v).decode('utf-8', 'surrogateescape')
    if isinstance(v, h5py.Reference):
        return addr_of_ref(f, v)
    if isinstance(v, np.generic):
        v = v.item()
        if isinstance(v, complex):
            return [v.real, v.imag]
        if isinstance(v, float) and v != v:
            return float('nan')
        return v
    return v


def nested(f, arr):
    if arr.ndim == 0:
        return to_json(f, arr[()])
    if arr.ndim == 1:
        return to_json(f, arr)
    return [nested(f, a) for a in arr]


def attrs_of(f, obj):
    out = []
    for name in obj.attrs:
        try:
            aid = h5py.h5a.open(obj.id, name.encode())
            tid = aid.get_type()
            v = obj.attrs[name]
            if isinstance(v, h5py.Empty):
                out.append({'name': name, 'dtype': dtype_str(tid, aid.dtype), 'shape': None,
                            'value': None})
                continue
            a = np.asarray(v) if not isinstance(v, str) else np.array(v, dtype=object)
            if aid.dtype.subdtype is None:
                a = a.reshape(aid.shape)
            val = nested(f, a)
            if BUG == 'attr' and a.dtype.kind == 'i' and a.ndim == 0:
                val = val + 1
            out.append({'name': name, 'dtype': dtype_str(tid, aid.dtype),
                        'shape': list(aid.shape), 'value': val})
        except Exception as e:
            out.append({'name': name, 'error': 'unsupported: %s' % e})
    return out


def kind_of(obj):
    if isinstance(obj, h5py.Dataset):
        return 'dataset'
    if isinstance(obj, h5py.Group):
        return 'group'
    return 'datatype'


def cmd_ls(f, group, recursive, as_json):
    entries = []
    seen = set()

    def walk(g, gpath):
        names = []
        g.id.links.iterate(lambda n, i: names.append((n, i.type)) and None, info=True)
        for bname, ltype in names:
            name = bname.decode('utf-8', 'surrogateescape')
            p = ('' if gpath == '/' else gpath) + '/' + name
            if ltype != h5l.TYPE_HARD:
                try:
                    lk = g.get(name, getlink=True)
                except Exception:           # user-defined link types
                    lk = None
                tgt = getattr(lk, 'path', None)
                if isinstance(lk, h5py.ExternalLink):
                    tgt = '%s:%s' % (lk.filename, lk.path)
                entries.append({'path': p, 'kind': 'link', 'target': tgt})
                continue
            obj = g[name]
            e = {'path': p, 'kind': kind_of(obj)}
            if e['kind'] == 'dataset':
                e['shape'] = list(obj.shape) if obj.shape is not None else None
            entries.append(e)
            addr = h5o.get_info(obj.id).addr
            if e['kind'] == 'group' and recursive and addr not in seen:
                seen.add(addr)
                walk(obj, p)

    seen.add(h5o.get_info(f.id).addr)
    walk(f[group], group)
    if BUG == 'ls-miss' and entries:
        entries.pop()
    print(json.dumps(entries) if as_json else '\n'.join(e['path'] for e in entries))


def cmd_info(f, path):
    obj = f[path]
    out = {'path': path, 'kind': kind_of(obj), 'attributes': attrs_of(f, obj)}
    if out['kind'] == 'dataset':
        tid = obj.id.get_type()
        out['dtype'] = dtype_str(tid, obj.dtype)
        out['shape'] = list(obj.shape) if obj.shape is not None else None
        out['chunks'] = list(obj.chunks) if obj.chunks else None
    print(json.dumps(out))


def parse_slice(s, shape):
    sl = []
    for part, n in zip(s.split(','), shape):
        bits = part.split(':')
        a = int(bits[0]) if bits[0] else 0
        b = int(bits[1]) if len(bits) > 1 and bits[1] else n
        st = int(bits[2]) if len(bits) > 2 and bits[2] else 1
        sl.append(slice(a, b, st))
    return tuple(sl)


def cmd_read(f, path, slc, fmt, outpath):
    if BUG == 'crash':
        os.kill(os.getpid(), signal.SIGSEGV)
    if BUG == 'hang':
        time.sleep(3600)
    if BUG == 'unsupp':
        die(3, 'unsupported: pretend feature')
    ds = f[path]
    tid = ds.id.get_type()
    if ds.shape is None:
        data = None
        arr = None
    else:
        arr = ds[parse_slice(slc, ds.shape)] if slc else ds[...]
        arr = np.asarray(arr)
    if fmt == 'bin':
        if tid.get_class() in (h5t.VLEN, h5t.REFERENCE) or (tid.get_class() == h5t.STRING and
                                                           tid.is_variable_str()):
            die(1, 'error: bin output needs fixed-size elements')
        if tid.get_class() == h5t.ENUM:
            arr = arr.astype(tid.get_super().dtype)
        if BUG == 'value' and arr is not None and arr.dtype.kind in 'iuf' and arr.size:
            arr = arr.copy()
            arr.reshape(-1)[arr.size // 2] += 1
        data = b'' if arr is None else np.ascontiguousarray(arr).tobytes()
        with open(outpath, 'wb') as fh:
            fh.write(data)
        return
    val = None if arr is None else nested(f, arr)
    text = json.dumps(val)
    if outpath:
        with open(outpath, 'w') as fh:
            fh.write(text)
    else:
        print(text)


def main(argv):
    if len(argv) < 3:
        die(2, 'usage: h5coro ls|info|read FILE ...')
    cmd, fname = argv[1], argv[2]
    rest = argv[3:]
    flags = {}
    pos = []
    i = 0
    while i < len(rest):
        a = rest[i]
        if a in ('--slice', '--format', '-o'):
            flags[a] = rest[i + 1]
            i += 2
        elif a.startswith('-'):
            flags[a] = True
            i += 1
        else:
            pos.append(a)
            i += 1
    try:
        f = h5py.File(fname, 'r')
    except Exception as e:
        die(1, 'error: %s' % e)
    try:
        if cmd == 'ls':
            cmd_ls(f, pos[0] if pos else '/', '-r' in flags, '--json' in flags)
        elif cmd == 'info':
            cmd_info(f, pos[0])
        elif cmd == 'read':
            cmd_read(f, pos[0], flags.get('--slice'), flags.get('--format', 'csv'),
                     flags.get('-o'))
        else:
            die(2, 'usage: unknown command')
    except Unsupported as e:
        die(3, str(e))
    except Exception as e:
        die(1, 'error: %s' % e)


if __name__ == '__main__':
    main(sys.argv)
