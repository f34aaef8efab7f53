#!/usr/bin/python3
"""Write the h5coro-gdal test files into the directory of this script.

Run with the Debian interpreter (/usr/bin/python3: h5py 3.7 on libhdf5 1.10.8,
numpy, netCDF4).  Output is deterministic: fixed random seeds, object
modification times switched off on every file, group and dataset.

    /usr/bin/python3 data/gen_data.py [OUTDIR]

Files written by data/gen_special.c (superblock v1, shared messages, ...) are
not made here; scripts/gen_data.sh runs both.  data/README.md lists what each
file covers.
"""
import os
import sys
import zlib

import numpy as np
import h5py
from h5py import h5d, h5f, h5g, h5p, h5s, h5t

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1
                      else os.path.dirname(os.path.abspath(__file__)))

LIBVER = {
    'earliest': (h5f.LIBVER_EARLIEST, h5f.LIBVER_LATEST),
    'v108': (h5f.LIBVER_V18, h5f.LIBVER_LATEST),
    'v110': (h5f.LIBVER_V110, h5f.LIBVER_LATEST),   # == latest on 1.10
}


# --------------------------------------------------------------------------
# helpers

def path_of(name):
    return os.path.join(OUT, name)


def new_file(name, libver='earliest', userblock=0, page_size=None,
             persist=False, track_order=False, sizes=None):
    """Create a file through the low-level API so the root group gets no
    timestamps and the file-creation properties are under our control."""
    fcpl = h5p.create(h5p.FILE_CREATE)
    fcpl.set_obj_track_times(False)
    if userblock:
        fcpl.set_userblock(userblock)
    if sizes:
        fcpl.set_sizes(*sizes)          # (sizeof offsets, sizeof lengths)
    if page_size:
        fcpl.set_file_space_strategy(h5f.FSPACE_STRATEGY_PAGE, persist, 1)
        fcpl.set_file_space_page_size(page_size)
    if track_order:
        fcpl.set_link_creation_order(h5p.CRT_ORDER_TRACKED | h5p.CRT_ORDER_INDEXED)
        fcpl.set_attr_creation_order(h5p.CRT_ORDER_TRACKED | h5p.CRT_ORDER_INDEXED)
    fapl = h5p.create(h5p.FILE_ACCESS)
    fapl.set_libver_bounds(*LIBVER[libver])
    fapl.set_fclose_degree(h5f.CLOSE_STRONG)
    p = path_of(name)
    if os.path.exists(p):
        os.remove(p)
    fid = h5f.create(p.encode(), h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl)
    return h5py.File(fid)


def group(parent, name, track_order=False):
    """Create a group without timestamps (h5py's create_group tracks times)."""
    gcpl = h5p.create(h5p.GROUP_CREATE)
    gcpl.set_obj_track_times(False)
    if track_order:
        gcpl.set_link_creation_order(h5p.CRT_ORDER_TRACKED | h5p.CRT_ORDER_INDEXED)
        gcpl.set_attr_creation_order(h5p.CRT_ORDER_TRACKED | h5p.CRT_ORDER_INDEXED)
    parts = name.split('/')
    for p in parts[:-1]:           # intermediate groups: also without times
        if p not in parent:
            group(parent, p)
        parent = parent[p]
    h5g.create(parent.id, parts[-1].encode('utf-8'), gcpl=gcpl)
    return parent[parts[-1]]


def tname(t):
    """'<i4' -> 'le_i4', '>f2' -> 'be_f2', 'u1' -> 'u1'"""
    return t.replace('<', 'le_').replace('>', 'be_')


def dcpl_new():
    d = h5p.create(h5p.DATASET_CREATE)
    d.set_obj_track_times(False)
    return d


def dset(parent, name, **kw):
    kw.setdefault('track_times', False)
    return parent.create_dataset(name, **kw)


def compact(parent, name, data):
    d = dcpl_new()
    d.set_layout(h5d.COMPACT)
    return dset(parent, name, data=data, dcpl=d)


def early_chunked(parent, name, shape, chunks, dtype, fill=None):
    """Chunked, fixed maxshape, no filters, early allocation: with the v110
    format this is the implicit chunk index."""
    d = dcpl_new()
    d.set_chunk(chunks)
    d.set_alloc_time(h5d.ALLOC_TIME_EARLY)
    if fill is not None:
        d.set_fill_value(np.array(fill, dtype=dtype))
    space = h5s.create_simple(shape, shape)
    tid = h5t.py_create(np.dtype(dtype), logical=True)
    h5d.create(parent.id, name.encode(), tid, space, dcpl=d)
    return parent[name]


def fixed_string(parent, name, values, size, pad, cset, attr=False):
    """Fixed-length string dataset/attribute with an explicit padding and
    character set (h5py's high-level API only makes null-padded ones)."""
    tid = h5t.C_S1.copy()
    tid.set_size(size)
    tid.set_strpad(pad)
    tid.set_cset(cset)
    arr = np.array(values, dtype='S%d' % size)
    space = h5s.create_simple(arr.shape) if arr.shape else h5s.create(h5s.SCALAR)
    if attr:
        aid = h5py.h5a.create(parent.id, name.encode(), tid, space)
        aid.write(np.ascontiguousarray(arr), mtype=tid)
        return None
    dsid = h5d.create(parent.id, name.encode(), tid, space, dcpl=dcpl_new())
    dsid.write(h5s.ALL, h5s.ALL, np.ascontiguousarray(arr), mtype=tid)
    return parent[name]


def gzip_bytes(arr, level=4):
    return zlib.compress(np.ascontiguousarray(arr).tobytes(), level)


def write_masked_chunks(ds, chunk_data):
    """Write chunks directly.  chunk_data: list of (offset, array, skip_gzip).
    A chunk with skip_gzip is stored raw with filter-mask bit 0 set, as the
    library does when an optional filter fails."""
    for off, arr, skip in chunk_data:
        if skip:
            ds.id.write_direct_chunk(off, np.ascontiguousarray(arr).tobytes(), filter_mask=1)
        else:
            ds.id.write_direct_chunk(off, gzip_bytes(arr), filter_mask=0)


def attrs_all_types(obj, rng, f):
    """One attribute of (nearly) every datatype."""
    a = obj.attrs
    for t in ['i1', 'u1', '<i2', '>i2', '<u2', '>u2', '<i4', '>i4', '<u4', '>u4',
              '<i8', '>i8', '<u8', '>u8']:
        info = np.iinfo(np.dtype(t))
        vals = np.array([info.min, info.max, 0, 1, -1 if info.min < 0 else 7],
                        dtype=t)
        a.create('int_' + tname(t), vals, dtype=t)
    for t in ['<f2', '>f2', '<f4', '>f4', '<f8', '>f8']:
        vals = np.array([0.0, -0.0, 1.5, -2.25, np.nan, np.inf, -np.inf,
                         np.finfo(np.dtype(t)).tiny / 4, np.finfo(np.dtype(t)).max],
                        dtype=t)
        a.create('float_' + tname(t), vals, dtype=t)
    a.create('scalar_i4', np.int32(-123456))
    a.create('scalar_f8', np.float64(3.141592653589793))
    a.create('scalar_u8_max', np.uint64(2**64 - 1))
    a['vlen_str_utf8'] = 'grüße, 世界'
    a.create('vlen_str_ascii', 'plain ascii', dtype=h5py.string_dtype('ascii'))
    a.create('vlen_str_array', np.array(['alpha', '', 'gamma δ', 'x' * 100], dtype=object),
             dtype=h5py.string_dtype())
    a['fixed_str'] = np.bytes_(b'fixed-bytes')
    a.create('fixed_str_array', np.array([[b'ab', b'cde'], [b'', b'fghij']], dtype='S5'))
    fixed_string(obj, 'fixed_str_nullterm', [b'one', b'two', b'three'], 8,
                 h5t.STR_NULLTERM, h5t.CSET_ASCII, attr=True)
    fixed_string(obj, 'fixed_str_utf8', 'µm/s²'.encode('utf-8'), 12,
                 h5t.STR_NULLPAD, h5t.CSET_UTF8, attr=True)
    a.create('vlen_seq_i4', np.array([np.arange(3, dtype='i4'), np.array([], dtype='i4'),
                                      np.array([-5], dtype='i4')], dtype=object),
             dtype=h5py.vlen_dtype(np.int32))
    a.create('enum_u1', np.array([0, 2, 1, 2], dtype='u1'),
             dtype=h5py.enum_dtype({'RED': 0, 'GREEN': 1, 'BLUE': 2}, basetype='u1'))
    a.create('bool', np.array([True, False, True]))
    cdt = np.dtype([('x', '<f8'), ('n', '<i4'), ('b', '>u2')])
    a.create('compound', np.array([(1.5, -3, 7), (np.nan, 2**31 - 1, 65535)], dtype=cdt))
    a.create('compound_scalar', np.array((2.5, 4, 9), dtype=cdt))
    a.create('array_i4_2x3', np.arange(24, dtype='<i4').reshape(4, 2, 3),
             dtype=np.dtype(('<i4', (2, 3))))
    a.create('array_2d', rng.integers(-1000, 1000, size=(3, 4)).astype('>i8'))
    a.create('array_3d', np.arange(24, dtype='<f4').reshape(2, 3, 4) / 7)
    a['empty_f4'] = h5py.Empty('<f4')
    a['empty_str'] = h5py.Empty(h5py.string_dtype())
    a.create('complex', np.array([1 + 2j, -0.5j], dtype='<c16'))
    refs = np.empty(3, dtype=h5py.ref_dtype)
    refs[0] = f.ref
    refs[1] = h5py.Reference()
    refs[2] = obj.ref
    a.create('obj_refs', refs, dtype=h5py.ref_dtype)
    a.create('one_element_1d', np.array([42], dtype='<i2'))
    a.create('zero_length_1d', np.zeros((0,), dtype='<f8'))


# --------------------------------------------------------------------------
# superblock versions: the same content with each h5py libver

def write_common(f, rng):
    f.attrs['title'] = 'h5coro-gdal common content'
    f.attrs.create('version', np.int32(3))
    f.attrs.create('scale', np.array([0.5, 0.25, 0.125]))
    g4 = group(f, 'g1/g2/g3/g4')
    dset(g4, 'leaf', data=np.arange(5, dtype='<i4'))
    f['g1'].attrs['description'] = 'nested groups, four deep'
    dset(f, 'contiguous_i4', data=np.arange(42, dtype='<i4').reshape(6, 7))
    compact(f, 'compact_f8', np.linspace(-1, 1, 20).reshape(4, 5))
    dset(f, 'chunked_gzip_f4', data=rng.normal(size=(20, 30)).astype('<f4'),
         chunks=(8, 7), compression='gzip', compression_opts=4)
    dset(f, 'chunked_plain_i2', data=np.arange(-8, 9, dtype='<i2'), chunks=(5,))
    dset(f, 'chunked_shuffle_be_u4', data=(np.arange(100) * 1000003).astype('>u4'),
         chunks=(16,), shuffle=True, compression='gzip')
    dset(f, 'scalar_f8', data=np.float64(2.718281828459045))
    dset(f, 'str_fixed', data=np.array([b'abc', b'', b'longer str'], dtype='S10'))
    dset(f, 'str_vlen', data=np.array(['x', 'yy', 'zzz'], dtype=object),
         dtype=h5py.string_dtype())
    dset(f, 'contig_unwritten_f4', shape=(10,), dtype='<f4', fillvalue=1.5)
    ds = dset(f, 'with_attrs', data=np.arange(6, dtype='u1').reshape(2, 3))
    ds.attrs['units'] = 'm'
    ds.attrs.create('valid_range', np.array([0, 5], dtype='u1'))


def gen_superblocks():
    for libver, name in [('earliest', 'sb0_earliest.h5'), ('v108', 'sb2_v108.h5'),
                         ('v110', 'sb3_v110.h5')]:
        with new_file(name, libver) as f:
            write_common(f, np.random.default_rng(100))


# --------------------------------------------------------------------------
# paged aggregation and userblocks

def gen_paged():
    for libver, name, persist in [('v110', 'paged_v110.h5', False),
                                  ('v110', 'paged_persist_v110.h5', True),
                                  ('earliest', 'paged_earliest.h5', False)]:
        with new_file(name, libver, page_size=4096, persist=persist) as f:
            write_common(f, np.random.default_rng(101))
            if persist:
                # leave some free space behind so the free-space manager has
                # sections to persist
                dset(f, 'to_delete', data=np.arange(3000, dtype='<i8'))
                dset(f, 'kept', data=np.arange(300, dtype='<i8'))
                del f['to_delete']


def gen_sizes():
    """Non-default sizes of offsets/lengths (superblock fields).  libhdf5
    1.10.8 cannot read back unlimited maximum dimensions in a v2 dataspace
    message when lengths are 4 bytes ("didn't find unlimited dimension"), so
    the v110 file with 4-byte lengths has no unlimited dimensions; the
    earliest one keeps them (read back as 2**32-1, not as unlimited)."""
    for libver, name, sizes, unlimited in [
            ('earliest', 'sizes_o4l4_earliest.h5', (4, 4), True),
            ('v110', 'sizes_o4l4_v110.h5', (4, 4), False),
            ('v110', 'sizes_o4l8_v110.h5', (4, 8), True)]:
        with new_file(name, libver, sizes=sizes) as f:
            write_common(f, np.random.default_rng(103))
            dset(f, 'chunks_gzip', data=np.arange(400, dtype='<i2').reshape(20, 20),
                 chunks=(2, 2), compression='gzip')
            dset(f, 'chunks_plain', data=np.arange(300, dtype='<i4'), chunks=(2,))
            if unlimited:
                ds = dset(f, 'unlimited_1d', shape=(300,), maxshape=(None,), dtype='<i4',
                          chunks=(2,))
                ds[...] = np.arange(300)
                ds = dset(f, 'unlimited_2d', shape=(6, 6), maxshape=(None, None),
                          dtype='<i4', chunks=(2, 2), compression='gzip')
                ds[...] = np.arange(36).reshape(6, 6)
            g = group(f, 'dense_group')
            for i in range(20):
                compact(g, 'c%02d' % i, np.array([i], dtype='u1'))
            for i in range(12):
                g.attrs['a%02d' % i] = 'attribute %d' % i


def gen_userblock():
    for libver, name, ub in [('earliest', 'userblock512_earliest.h5', 512),
                             ('v110', 'userblock1024_v110.h5', 1024)]:
        with new_file(name, libver, userblock=ub) as f:
            write_common(f, np.random.default_rng(102))
        with open(path_of(name), 'r+b') as fh:
            text = b'h5coro-gdal test userblock: not HDF5 data\n'
            fh.write(text + b'\x00' * (ub - len(text)))


# --------------------------------------------------------------------------
# chunk indexes

def gen_chunk_index_earliest():
    rng = np.random.default_rng(200)
    with new_file('chunk_index_earliest.h5', 'earliest') as f:
        f.attrs['note'] = 'v1 B-tree chunk index (layout message v3)'
        # 20x20 = 400 chunks: more than one level of v1 B-tree nodes (2K = 64)
        dset(f, 'btree1_plain', data=np.arange(3600, dtype='<i4').reshape(60, 60),
             chunks=(3, 3))
        dset(f, 'btree1_gzip', data=rng.normal(size=(61, 59)).round(3),
             chunks=(4, 5), compression='gzip')
        ds = dset(f, 'btree1_partial', shape=(30, 30), dtype='<i4', chunks=(4, 4),
                  fillvalue=-99)
        ds[0:4, 0:4] = 1            # one whole chunk
        ds[5:11, 13:22] = 2         # partial chunks
        ds[29, 29] = 3              # last (edge) chunk, one element
        dset(f, 'btree1_unwritten', shape=(8, 8), dtype='<f4', chunks=(4, 4),
             fillvalue=np.nan)
        ds = dset(f, 'btree1_filter_mask', shape=(8, 8), dtype='<i4', chunks=(4, 4),
                  compression='gzip')
        blocks = [np.full((4, 4), k, dtype='<i4') + np.arange(16, dtype='<i4').reshape(4, 4)
                  for k in range(4)]
        write_masked_chunks(ds, [((0, 0), blocks[0], False), ((0, 4), blocks[1], True),
                                 ((4, 0), blocks[2], True), ((4, 4), blocks[3], False)])
        dset(f, 'btree1_3d', data=np.arange(693, dtype='<i2').reshape(7, 9, 11),
             chunks=(3, 4, 5), shuffle=True, compression='gzip')
        ds = dset(f, 'btree1_resized', shape=(5, 10), maxshape=(None, 10),
                  dtype='<f8', chunks=(4, 5), fillvalue=-1.0)
        ds[:] = 1.0
        ds.resize((13, 10))
        ds[8:13] = np.arange(50).reshape(5, 10)
        ds.resize((11, 10))
        dset(f, 'btree1_fletcher32', data=np.arange(100, dtype='<f4').reshape(10, 10),
             chunks=(3, 3), fletcher32=True)


def gen_chunk_index_v110():
    rng = np.random.default_rng(201)
    with new_file('chunk_index_v110.h5', 'v110') as f:
        f.attrs['note'] = 'v110 chunk indexes (layout message v4)'
        # single chunk: chunks == shape, fixed maxshape
        dset(f, 'single_plain', data=np.arange(120, dtype='<i4').reshape(10, 12),
             chunks=(10, 12))
        dset(f, 'single_gzip', data=rng.normal(size=(10, 12)).astype('<f4'),
             chunks=(10, 12), compression='gzip')
        dset(f, 'single_unwritten', shape=(5, 6), dtype='<i2', chunks=(5, 6),
             fillvalue=3)
        # implicit: early allocation, no filters
        ds = early_chunked(f, 'implicit_partial', (10, 12), (4, 5), '<i4', fill=42)
        ds[2:7, 3:9] = np.arange(30).reshape(5, 6)
        ds = early_chunked(f, 'implicit_full', (9, 9), (3, 3), '<f8')
        ds[...] = np.arange(81).reshape(9, 9) / 3.0
        # fixed array
        dset(f, 'farray_plain', data=np.arange(600, dtype='<i4').reshape(20, 30),
             chunks=(4, 7))
        dset(f, 'farray_gzip', data=rng.normal(size=(20, 30)).astype('<f4'),
             chunks=(4, 7), shuffle=True, compression='gzip')
        ds = dset(f, 'farray_partial', shape=(20, 20), dtype='<i2', chunks=(5, 5),
                  fillvalue=-7)
        ds[0:5, 0:5] = 11
        ds[12:17, 3:9] = 12
        dset(f, 'farray_unwritten', shape=(6, 6), dtype='<u2', chunks=(2, 3),
             fillvalue=9)
        # more than 1024 chunks: fixed-array data block pages
        dset(f, 'farray_paged_plain', data=np.arange(2100, dtype='<i2'), chunks=(1,))
        dset(f, 'farray_paged_gzip', data=np.arange(2200, dtype='<u2'), chunks=(2,),
             compression='gzip')
        ds = dset(f, 'farray_filter_mask', shape=(6, 8), dtype='<i4', chunks=(3, 4),
                  compression='gzip')
        write_masked_chunks(ds, [((0, 0), np.full((3, 4), 1, '<i4'), False),
                                 ((0, 4), np.full((3, 4), 2, '<i4'), True),
                                 ((3, 4), np.arange(12, dtype='<i4').reshape(3, 4), True)])
        dset(f, 'farray_4d', data=np.arange(360, dtype='<f4').reshape(3, 4, 5, 6),
             chunks=(2, 3, 2, 4), compression='gzip')
        # extensible array: one unlimited dimension; grown in steps
        ds = dset(f, 'earray_plain', shape=(0,), maxshape=(None,), dtype='<i2',
                  chunks=(1,))
        n = 0
        for step in (10, 90, 900, 4000):     # 5000 chunks: super blocks, paging
            ds.resize((n + step,))
            ds[n:n + step] = np.arange(n, n + step) % 30000
            n += step
        ds = dset(f, 'earray_gzip', shape=(100,), maxshape=(None,), dtype='<i4',
                  chunks=(4,), compression='gzip')
        ds[:] = np.arange(100)
        ds.resize((10000,))
        ds[100:] = np.arange(100, 10000) * 7
        ds = dset(f, 'earray_partial', shape=(500,), maxshape=(None,), dtype='<f8',
                  chunks=(10,), fillvalue=5.0)
        ds[0:25] = np.arange(25)
        ds[333:347] = -1
        ds = dset(f, 'earray_2d', shape=(50, 6), maxshape=(None, 6), dtype='<f8',
                  chunks=(3, 6))
        ds[...] = np.arange(300).reshape(50, 6)
        ds = dset(f, 'earray_2d_dim1', shape=(6, 50), maxshape=(6, None), dtype='>i4',
                  chunks=(4, 7), compression='gzip')
        ds[...] = np.arange(300).reshape(6, 50)
        dset(f, 'earray_unwritten', shape=(40,), maxshape=(None,), dtype='<i8',
             chunks=(8,), fillvalue=-1)
        ds = dset(f, 'earray_filter_mask', shape=(12,), maxshape=(None,), dtype='<i4',
                  chunks=(4,), compression='gzip')
        write_masked_chunks(ds, [((0,), np.arange(4, dtype='<i4'), True),
                                 ((4,), np.arange(4, 8, dtype='<i4'), False),
                                 ((8,), np.arange(8, 12, dtype='<i4'), True)])
        # version-2 B-tree: two unlimited dimensions
        ds = dset(f, 'bt2_plain', shape=(40, 45), maxshape=(None, None), dtype='<i4',
                  chunks=(2, 3))
        ds[...] = np.arange(1800).reshape(40, 45)
        ds = dset(f, 'bt2_gzip', shape=(40, 45), maxshape=(None, None), dtype='<f4',
                  chunks=(2, 3), shuffle=True, compression='gzip')
        ds[...] = rng.normal(size=(40, 45))
        ds = dset(f, 'bt2_partial', shape=(30, 30), maxshape=(None, None), dtype='<u1',
                  chunks=(4, 4), fillvalue=200)
        ds[1:6, 1:6] = 1
        ds[20:30, 25:30] = 2
        ds.resize((33, 31))
        ds[32, 30] = 3
        dset(f, 'bt2_unwritten', shape=(7, 7), maxshape=(None, None), dtype='<f8',
             chunks=(3, 3), fillvalue=np.nan)
        ds = dset(f, 'bt2_filter_mask', shape=(4, 4), maxshape=(None, None),
                  dtype='<i4', chunks=(2, 2), compression='gzip')
        write_masked_chunks(ds, [((0, 0), np.full((2, 2), 5, '<i4'), True),
                                 ((2, 2), np.full((2, 2), 6, '<i4'), False),
                                 ((0, 2), np.full((2, 2), 7, '<i4'), True)])
        ds = dset(f, 'bt2_3d', shape=(5, 6, 7), maxshape=(None, 6, None), dtype='<i2',
                  chunks=(2, 4, 3), compression='gzip', fletcher32=True)
        ds[...] = np.arange(210).reshape(5, 6, 7)


# --------------------------------------------------------------------------
# filters

def write_filters(f, rng):
    dset(f, 'gzip1_i4', data=np.arange(2000, dtype='<i4').reshape(50, 40),
         chunks=(16, 16), compression='gzip', compression_opts=1)
    dset(f, 'gzip9_f8', data=np.cos(np.arange(33)), chunks=(10,),
         compression='gzip', compression_opts=9)
    dset(f, 'shuffle_gzip_i2', data=rng.integers(-3000, 3000, (37, 23)).astype('<i2'),
         chunks=(10, 10), shuffle=True, compression='gzip')
    dset(f, 'shuffle_gzip_f8', data=rng.normal(size=(129,)), chunks=(32,),
         shuffle=True, compression='gzip')
    dset(f, 'shuffle_gzip_u1', data=np.arange(300, dtype='u1').reshape(15, 20) % 251,
         chunks=(4, 6), shuffle=True, compression='gzip')
    dset(f, 'shuffle_gzip_be_i4', data=(np.arange(-50, 50) * 65537).astype('>i4'),
         chunks=(30,), shuffle=True, compression='gzip')
    dset(f, 'shuffle_only_i4', data=np.arange(64, dtype='<i4') ** 2, chunks=(16,),
         shuffle=True)
    dset(f, 'fletcher32_f4', data=rng.normal(size=(25, 25)).astype('<f4'),
         chunks=(10, 10), fletcher32=True)
    dset(f, 'fletcher32_shuffle_gzip_i8',
         data=rng.integers(-2**40, 2**40, (30, 17), dtype='<i8'),
         chunks=(7, 5), fletcher32=True, shuffle=True, compression='gzip')
    dset(f, 'gzip_3d_u2', data=np.arange(693, dtype='<u2').reshape(7, 9, 11),
         chunks=(3, 4, 5), compression='gzip')
    dset(f, 'shuffle_gzip_4d_f4', data=rng.normal(size=(3, 4, 5, 6)).astype('<f4'),
         chunks=(2, 3, 2, 4), shuffle=True, compression='gzip')
    # incompressible: deflate output is larger than the chunk
    dset(f, 'gzip_incompressible_u1', data=rng.integers(0, 256, 1000).astype('u1'),
         chunks=(300,), compression='gzip')
    ds = dset(f, 'gzip_filter_mask_i4', shape=(8,), dtype='<i4', chunks=(4,),
              compression='gzip')
    write_masked_chunks(ds, [((0,), np.arange(4, dtype='<i4'), True),
                             ((4,), np.arange(4, 8, dtype='<i4'), False)])
    dset(f, 'lzf_f4', data=np.arange(500, dtype='<f4'), chunks=(128,),
         compression='lzf')


def gen_filters():
    for libver, name in [('earliest', 'filters_earliest.h5'), ('v110', 'filters_v110.h5')]:
        with new_file(name, libver) as f:
            write_filters(f, np.random.default_rng(300))


# --------------------------------------------------------------------------
# codecs: szip, nbit, scaleoffset, lzf and the registered plugin filters

def nbit_dataset(f, name, tid, data, chunks, shape=None):
    """A chunked dataset of file type tid with the n-bit filter (low-level
    API: h5py has no keyword for it); data is written through tid."""
    dcpl = dcpl_new()
    dcpl.set_chunk(chunks)
    dcpl.set_filter(5, 0, ())   # H5Z_FILTER_NBIT; h5py has no set_nbit
    space = h5s.create_simple(shape or data.shape)
    ds = h5d.create(f.id, name.encode(), tid, space, dcpl=dcpl)
    mtype = h5t.py_create(data.dtype) if shape is None else tid
    ds.write(h5s.ALL, h5s.ALL, np.ascontiguousarray(data), mtype=mtype)
    return ds


def int_type(base, precision, offset):
    t = base.copy()
    t.set_precision(precision)
    t.set_offset(offset)
    return t


def write_codecs(f, rng):
    # szip (libhdf5's encoder through libaec): both byte orders, NN and EC
    dset(f, 'szip_nn_i4', data=rng.integers(-5000, 5000, (40, 30)).astype('<i4'),
         chunks=(10, 30), compression='szip', compression_opts=('nn', 8))
    dset(f, 'szip_ec_be_u2', data=np.arange(1000, dtype='>u2') * 3,
         chunks=(256,), compression='szip', compression_opts=('ec', 16))
    dset(f, 'szip_f8', data=np.cos(np.arange(500) / 7.0), chunks=(100,),
         compression='szip', compression_opts=('nn', 32))
    # scaleoffset: integers (computed minbits, with and without fill value,
    # big endian), floats in D-scale mode
    dset(f, 'so_int_u2', data=(np.arange(600) % 97 + 1000).astype('<u2'),
         chunks=(128,), scaleoffset=0)
    dset(f, 'so_int_fill_i4', data=rng.integers(-300, 300, (20, 20)).astype('<i4'),
         chunks=(7, 9), scaleoffset=0, fillvalue=-999)
    ds = dset(f, 'so_int_fill_partial_i2', shape=(50,), dtype='<i2', chunks=(16,),
              scaleoffset=0, fillvalue=42)
    ds[3:20] = np.arange(17, dtype='<i2') * -5
    dset(f, 'so_int_be_i8', data=(np.arange(-100, 100) * 1000003).astype('>i8'),
         chunks=(64,), scaleoffset=0)
    dset(f, 'so_int_const_u1', data=np.full(40, 7, dtype='u1'), chunks=(16,),
         scaleoffset=0)
    dset(f, 'so_float_f4', data=(rng.normal(size=(30, 20)) * 100).astype('<f4'),
         chunks=(10, 10), scaleoffset=3)
    dset(f, 'so_float_fill_f8', data=rng.normal(size=300) * 1e3, chunks=(64,),
         scaleoffset=2, fillvalue=-1.5)
    dset(f, 'so_float_be_f4', data=np.linspace(-5, 5, 101).astype('>f4'),
         chunks=(50,), scaleoffset=4)
    dset(f, 'so_gzip_i4', data=np.arange(1000, dtype='<i4') // 3, chunks=(250,),
         scaleoffset=0, compression='gzip')
    # n-bit: integers of reduced precision at an offset, both orders, a
    # float of custom precision, compound and array members
    v = rng.integers(0, 2**12, 200)
    nbit_dataset(f, 'nbit_u16_p12_o2', int_type(h5t.STD_U16LE, 12, 2),
                 v.astype('<u2'), (64,))
    nbit_dataset(f, 'nbit_be_i32_p20_o5', int_type(h5t.STD_I32BE, 20, 5),
                 rng.integers(-2**19, 2**19, 150).astype('<i4'), (40,))
    nbit_dataset(f, 'nbit_i8_p3', int_type(h5t.STD_I8LE, 3, 0),
                 rng.integers(-4, 4, 90).astype('i1'), (32,))
    ft = h5t.IEEE_F32LE.copy()   # the n-bit test's 20-bit float layout
    ft.set_fields(26, 20, 6, 7, 13)
    ft.set_offset(7)
    ft.set_precision(20)
    ft.set_size(4)
    ft.set_ebias(31)
    nbit_dataset(f, 'nbit_float_p20', ft,
                 np.array([0.0, 1.0, -2.5, 3.125, 100.5, -0.0625] * 10, dtype='<f4'), (16,))
    ct = h5t.create(h5t.COMPOUND, 12)
    ct.insert(b'a', 0, int_type(h5t.STD_U32LE, 17, 3))
    ct.insert(b'b', 4, int_type(h5t.STD_I16BE, 9, 4))
    ct.insert(b'c', 6, h5t.STD_U8LE)
    at = h5t.array_create(int_type(h5t.STD_U8LE, 5, 1), (4,))
    ct.insert(b'd', 7, at)
    ct.insert(b'e', 11, h5t.STD_U8LE)
    cdt = np.dtype([('a', '<u4'), ('b', '<i2'), ('c', 'u1'), ('d', 'u1', (4,)), ('e', 'u1')])
    cv = np.zeros(70, dtype=cdt)
    cv['a'] = rng.integers(0, 2**17, 70)
    cv['b'] = rng.integers(-256, 256, 70)
    cv['c'] = rng.integers(0, 256, 70)
    cv['d'] = rng.integers(0, 32, (70, 4))
    cv['e'] = np.arange(70)
    nbit_dataset(f, 'nbit_compound', ct, cv, (20,))
    nbit_dataset(f, 'nbit_array_i16', h5t.array_create(int_type(h5t.STD_I16LE, 11, 0), (3,)),
                 rng.integers(-1024, 1024, (25, 3)).astype('<i2'), (8,), shape=(25,))
    nbit_dataset(f, 'nbit_full_precision_i4', h5t.STD_I32LE.copy(),
                 np.arange(100, dtype='<i4'), (30,))
    # lzf (h5py's own filter)
    dset(f, 'lzf_i2', data=rng.integers(-100, 100, (33, 17)).astype('<i2'),
         chunks=(8, 17), compression='lzf')
    dset(f, 'lzf_shuffle_f8', data=np.sin(np.arange(700) / 11.0), chunks=(128,),
         shuffle=True, compression='lzf')
    dset(f, 'lzf_random_u1', data=rng.integers(0, 256, 500).astype('u1'),
         chunks=(200,), compression='lzf')


def write_plugin_codecs(f, rng):
    """bzip2, lz4 and blosc through hdf5plugin (Debian's python3-hdf5plugin;
    only the test-time writer, h5coro decodes with the libraries)."""
    import hdf5plugin
    data = (np.arange(5000) % 251 + rng.integers(0, 3, 5000)).astype('<i4').reshape(50, 100)
    dset(f, 'bzip2_i4', data=data, chunks=(20, 50), **hdf5plugin.BZip2(blocksize=5))
    dset(f, 'lz4_i4', data=data, chunks=(20, 50), **hdf5plugin.LZ4())
    dset(f, 'lz4_small_blocks_f8', data=np.cos(np.arange(4000) / 9.0), chunks=(1000,),
         **hdf5plugin.LZ4(nbytes=512))
    dset(f, 'blosc_lz4_shuffle_i4', data=data, chunks=(25, 100),
         **hdf5plugin.Blosc(cname='lz4', clevel=5, shuffle=hdf5plugin.Blosc.SHUFFLE))
    dset(f, 'blosc_zstd_bitshuffle_f4', data=rng.normal(size=(40, 40)).astype('<f4'),
         chunks=(20, 20), **hdf5plugin.Blosc(cname='zstd', clevel=3, shuffle=hdf5plugin.Blosc.BITSHUFFLE))


def gen_codecs():
    with new_file('filters_codecs_v110.h5', 'v110') as f:
        write_codecs(f, np.random.default_rng(1300))
    try:
        import hdf5plugin  # noqa: F401
    except ImportError:
        print('python3-hdf5plugin missing: filters_plugins.h5 not written', file=sys.stderr)
        return
    with new_file('filters_plugins.h5', 'earliest') as f:
        write_plugin_codecs(f, np.random.default_rng(1301))


# --------------------------------------------------------------------------
# datatypes

def write_dtypes(f, rng):
    for t in ['i1', 'u1', '<i2', '>i2', '<u2', '>u2', '<i4', '>i4', '<u4', '>u4',
              '<i8', '>i8', '<u8', '>u8']:
        info = np.iinfo(np.dtype(t))
        native = np.dtype(t).newbyteorder('=')
        vals = np.concatenate([np.array([info.min, info.max, 0, 1], dtype=native),
                               rng.integers(info.min, info.max, 6, dtype=native,
                                            endpoint=True)]).astype(t)
        dset(f, 'int_' + tname(t), data=vals, dtype=t)
    for t in ['<f2', '>f2', '<f4', '>f4', '<f8', '>f8']:
        fi = np.finfo(np.dtype(t))
        vals = np.concatenate([[0.0, -0.0, np.nan, np.inf, -np.inf, fi.tiny,
                                fi.tiny / 8, fi.max, fi.min, fi.eps],
                               rng.normal(size=6) * 100]).astype(t)
        dset(f, 'float_' + tname(t), data=vals, dtype=t)
    dset(f, 'bool', data=np.array([True, False, False, True]))
    dset(f, 'complex_c8', data=np.array([1 + 1j, -2.5 + 0j, np.nan * 1j], dtype='<c8'))
    dset(f, 'complex_c16', data=np.array([1e300 + 1j, -0j], dtype='<c16'))
    # fixed-length strings
    dset(f, 'str_nullpad_ascii', data=np.array([b'a', b'bb', b'exactly8', b''], dtype='S8'))
    fixed_string(f, 'str_nullterm_ascii', [b'a', b'bb', b'seven..', b''], 8,
                 h5t.STR_NULLTERM, h5t.CSET_ASCII)
    fixed_string(f, 'str_nullpad_utf8', [s.encode() for s in ['ü', 'Grüße', '日本語', '']],
                 10, h5t.STR_NULLPAD, h5t.CSET_UTF8)
    fixed_string(f, 'str_nullterm_utf8', [s.encode() for s in ['ü', 'Straße', 'π']],
                 10, h5t.STR_NULLTERM, h5t.CSET_UTF8)
    dset(f, 'str_fixed_2d', data=np.array([[b'r0c0', b'r0c1'], [b'r1c0', b'']], dtype='S4'))
    dset(f, 'str_fixed_scalar', data=np.bytes_(b'scalar fixed string'))
    # variable-length strings
    dset(f, 'vlen_str_utf8', data=np.array(['', 'ascii', 'ünïcödé', '€' * 50], dtype=object),
         dtype=h5py.string_dtype())
    dset(f, 'vlen_str_ascii', data=np.array([b'abc', b'', b'def ghi'], dtype=object),
         dtype=h5py.string_dtype('ascii'))
    dset(f, 'vlen_str_2d', data=np.array([['a', 'bc'], ['def', 'ghij'], ['', 'k']],
                                         dtype=object), dtype=h5py.string_dtype())
    dset(f, 'vlen_str_scalar', data='a scalar vlen string', dtype=h5py.string_dtype())
    dset(f, 'vlen_str_chunked', data=np.array(['s%d' % i * (i % 5) for i in range(40)],
                                              dtype=object),
         dtype=h5py.string_dtype(), chunks=(16,), compression='gzip')
    # variable-length sequences
    seq = np.empty(5, dtype=object)
    for i in range(5):
        seq[i] = np.arange(i * 2, dtype='<i4') - i
    dset(f, 'vlen_seq_i4', data=seq, dtype=h5py.vlen_dtype(np.dtype('<i4')))
    seq = np.empty(3, dtype=object)
    seq[0] = np.array([1.5, 2.5]); seq[1] = np.array([]); seq[2] = np.array([np.nan])
    dset(f, 'vlen_seq_f8', data=seq, dtype=h5py.vlen_dtype(np.dtype('<f8')))
    # references
    refs = np.empty(5, dtype=h5py.ref_dtype)
    refs[0] = f['int_le_i4'].ref
    refs[1] = f.ref
    refs[2] = h5py.Reference()
    refs[3] = f['vlen_str_utf8'].ref
    refs[4] = f['int_le_i4'].ref
    dset(f, 'obj_refs', data=refs, dtype=h5py.ref_dtype)
    dset(f, 'obj_ref_scalar', data=f['bool'].ref, dtype=h5py.ref_dtype)
    # enums
    dset(f, 'enum_i1', data=np.array([0, 1, 2, 1, -1], dtype='i1'),
         dtype=h5py.enum_dtype({'RED': 0, 'GREEN': 1, 'BLUE': 2, 'NONE': -1}, basetype='i1'))
    dset(f, 'enum_be_u2', data=np.array([10, 300, 10], dtype='>u2'),
         dtype=h5py.enum_dtype({'LOW': 10, 'HIGH': 300}, basetype='>u2'))
    # compounds
    cdt = np.dtype([('x', '<f8'), ('n', '<i4'), ('b', '>u2'), ('c', 'i1')])
    dset(f, 'compound_packed', data=np.array([(1.5, -3, 7, 1), (np.nan, 99, 65535, -128),
                                              (0.0, 0, 0, 0)], dtype=cdt))
    cal = np.dtype({'names': ['a', 'b'], 'formats': ['u1', '<f8'], 'offsets': [0, 8],
                    'itemsize': 16})
    dset(f, 'compound_aligned', data=np.array([(1, 2.0), (3, -4.0)], dtype=cal))
    cnest = np.dtype([('id', '<u4'), ('pos', [('lat', '<f4'), ('lon', '<f4')]),
                      ('v', '<i2', (3,))])
    dset(f, 'compound_nested', data=np.array([(1, (45.5, -120.25), (1, 2, 3)),
                                              (2, (-10.0, 170.0), (-4, 5, -6))], dtype=cnest))
    dset(f, 'compound_2d', data=np.zeros((3, 4), dtype=cdt) , chunks=(2, 2),
         compression='gzip')
    f['compound_2d'][1, 2] = (7.25, 5, 6, 7)
    # committed (named) datatype used by a dataset
    group(f, 'types')
    f['types/point_t'] = np.dtype([('px', '<f4'), ('py', '<f4')])
    f['types/point_t'].attrs['about'] = 'a committed compound datatype'
    dset(f, 'compound_committed', shape=(3,), dtype=f['types/point_t'])
    f['compound_committed'][...] = np.array([(1, 2), (3, 4), (5, 6)],
                                            dtype=f['types/point_t'].dtype)
    # array datatype
    ds = dset(f, 'array_i4_2x3', shape=(5,), dtype=np.dtype(('<i4', (2, 3))))
    ds[...] = np.arange(30, dtype='<i4').reshape(5, 2, 3)
    ds = dset(f, 'array_f8_4', shape=(3,), dtype=np.dtype(('>f8', (4,))))
    ds[...] = np.arange(12, dtype='>f8').reshape(3, 4) / 4
    # opaque
    dset(f, 'opaque_v4', data=np.frombuffer(b'\x00\x01\x02\x03ABCD\xff\xfe\xfd\xfc', dtype='V4'))
    # scalar, null-dataspace, zero-sized and higher-rank datasets
    dset(f, 'scalar_i2', data=np.int16(-5))
    dset(f, 'scalar_be_f4', data=np.array(1.25, dtype='>f4'))
    dset(f, 'empty_null_space', data=h5py.Empty('<f8'))
    dset(f, 'zero_size_1d', shape=(0,), dtype='<i4')
    dset(f, 'zero_size_chunked', shape=(0, 5), maxshape=(None, 5), dtype='<f4', chunks=(4, 5))
    dset(f, 'rank3_f4', data=np.arange(60, dtype='<f4').reshape(3, 4, 5))
    dset(f, 'rank4_i2', data=np.arange(360, dtype='>i2').reshape(3, 4, 5, 6))
    dset(f, 'rank4_chunked', data=np.arange(360, dtype='<i8').reshape(2, 3, 6, 10),
         chunks=(1, 2, 4, 3), compression='gzip')


def gen_dtypes():
    for libver, name in [('earliest', 'dtypes_earliest.h5'), ('v110', 'dtypes_v110.h5')]:
        with new_file(name, libver) as f:
            write_dtypes(f, np.random.default_rng(400))


# --------------------------------------------------------------------------
# attributes

def write_attrs(f, libver):
    rng = np.random.default_rng(500)
    attrs_all_types(f, rng, f)
    dset(f, 'dataset_with_typed_attrs', data=np.arange(4, dtype='<i4'))
    attrs_all_types(f['dataset_with_typed_attrs'], rng, f)
    g = group(f, 'many_attrs')
    for i in range(60):
        kind = i % 4
        name = 'attr_%02d' % i
        if kind == 0:
            g.attrs.create(name, np.int32(i * 11 - 300))
        elif kind == 1:
            g.attrs.create(name, np.arange(i, dtype='<f8') / 3)
        elif kind == 2:
            g.attrs[name] = 'value of attribute %d' % i
        else:
            g.attrs.create(name, np.array([b'fixed', b'str%d' % i], dtype='S8'))
    g = group(f, 'ordered_attrs', track_order=True)
    for i in range(20):
        g.attrs.create('z%02d_created_%d' % (19 - i, i), np.int16(i))
    g = group(f, 'few_ordered_attrs', track_order=True)
    for i in range(3):
        g.attrs.create('b%d' % (2 - i), np.int8(i))
    if libver != 'earliest':
        # > 64 KiB: only possible with dense attribute storage (huge object in
        # the fractal heap)
        dset(f, 'big_attr_holder', data=np.int8(0))
        f['big_attr_holder'].attrs.create('big', np.arange(20000, dtype='<f4') * 0.5)


def gen_attrs():
    for libver, name in [('earliest', 'attrs_earliest.h5'), ('v110', 'attrs_v110.h5')]:
        with new_file(name, libver) as f:
            write_attrs(f, libver)


# --------------------------------------------------------------------------
# links

def gen_strings():
    """Fixed strings in every padding with the bytes each padding can hold:
    space padding with trailing spaces, embedded NULs, NUL-terminated values
    with bytes after the NUL; in datasets, attributes, compound members and
    array types.  h5py (libhdf5's conversion) is the expected value."""
    f = new_file('strings_pad.h5', libver='v110')

    def stype(size, pad, cset=h5t.CSET_ASCII):
        tid = h5t.C_S1.copy()
        tid.set_size(size)
        tid.set_strpad(pad)
        tid.set_cset(cset)
        return tid

    def raw(name, tid, arr, obj=f, attr=False, shape=None):
        arr = np.ascontiguousarray(arr)
        shape = arr.shape if shape is None else shape
        space = h5s.create_simple(shape) if shape else h5s.create(h5s.SCALAR)
        if attr:
            h5py.h5a.create(obj.id, name.encode(), tid, space).write(arr, mtype=tid)
        else:
            h5d.create(obj.id, name.encode(), tid, space, dcpl=dcpl_new()).write(
                h5s.ALL, h5s.ALL, arr, mtype=tid)

    sp_vals = np.array([b'abc        ', b'           ', b'a b c      ', b'exactly 11!',
                        b'nul\0in   ', b'trail\0    '], dtype='S11')
    raw('spacepad_S11', stype(11, h5t.STR_SPACEPAD), sp_vals)
    raw('spacepad_utf8', stype(12, h5t.STR_SPACEPAD, h5t.CSET_UTF8),
        np.array(['Grüße '.encode() + b'     ', 'π    '.encode() + b'      '], dtype='S12'))
    raw('spacepad_scalar', stype(8, h5t.STR_SPACEPAD), np.bytes_(b'sc      '))
    raw('nullterm_after_nul', stype(8, h5t.STR_NULLTERM),
        np.array([b'ab\0cdefg', b'abcdefgh', b'\0xyz'], dtype='S8'))
    raw('nullpad_embedded_nul', stype(8, h5t.STR_NULLPAD),
        np.array([b'ab\0cd', b'abcdefgh', b'\0\0z'], dtype='S8'))
    raw('attr_spacepad', stype(10, h5t.STR_SPACEPAD), np.array([b'unit      ', b'm s-1     '], dtype='S10'),
        attr=True)
    raw('attr_spacepad_scalar', stype(10, h5t.STR_SPACEPAD), np.bytes_(b'degrees   '), attr=True)
    raw('attr_nullterm', stype(6, h5t.STR_NULLTERM), np.bytes_(b'ab\0cd'), attr=True)
    # compound with a space-padded member, and an array type of them
    ct = h5t.create(h5t.COMPOUND, 12)
    ct.insert(b'name', 0, stype(8, h5t.STR_SPACEPAD))
    ct.insert(b'x', 8, h5t.STD_I32LE)
    cv = np.array([(b'aa      ', 1), (b'b  c    ', 2)], dtype=[('name', 'S8'), ('x', '<i4')])
    raw('compound_spacepad', ct, cv)
    raw('attr_compound_spacepad', ct, cv, attr=True)
    at = h5t.array_create(stype(4, h5t.STR_SPACEPAD), (3,))
    raw('array_spacepad', at, np.array([[b'a   ', b'bb  ', b'    '], [b'cccc', b' d  ', b'e   ']], dtype='S4'),
        shape=(2,))
    f.close()


def gen_longdouble():
    """x87 extended floats stored in 16, 12 and 10 bytes, both byte orders:
    h5py presents all of them as numpy longdouble."""
    f = new_file('longdouble.h5', libver='v110')
    ld = np.longdouble
    vals = np.array([0, 1, -1 / ld(3), ld(2) ** 16000, ld(2) ** -16440, np.inf, -np.inf, np.nan,
                     ld(1) + ld(2) ** -63, -0.0], dtype=ld)
    dset(f, 'ld16', data=vals)
    for size, order in ((12, h5t.ORDER_LE), (10, h5t.ORDER_LE), (16, h5t.ORDER_BE)):
        tid = h5t.NATIVE_LDOUBLE.copy()
        tid.set_order(order)
        if size != 16:
            tid.set_size(size)
        space = h5s.create_simple(vals.shape)
        name = 'ld%d%s' % (size, 'be' if order == h5t.ORDER_BE else '')
        h5d.create(f.id, name.encode(), tid, space, dcpl=dcpl_new()).write(
            h5s.ALL, h5s.ALL, vals, mtype=h5t.NATIVE_LDOUBLE)
    f.attrs['attr_ld'] = vals[:3]
    c = np.zeros(2, dtype=[('a', '<i2'), ('x', ld)])
    c['a'] = [1, 2]
    c['x'] = [ld(1) / 7, -ld(2) ** 100]
    dset(f, 'compound_ld', data=c)
    f.close()


def gen_ext_target():
    with new_file('ext_target.h5', 'earliest') as f:
        g = group(f, 'target')
        dset(g, 'data', data=np.arange(10, dtype='<i4'))
        g.attrs['purpose'] = 'target of external links in links_*.h5'


def write_links(f, libver):
    data = group(f, 'data')
    dset(data, 'values', data=np.arange(12, dtype='<f4').reshape(3, 4))
    group(f, 'shared')
    dset(f, 'shared/target', data=np.int32(7))
    big = group(f, 'big')
    for i in range(600):
        name = 'item_%04d' % i
        k = i % 6
        if k in (0, 1):
            compact(big, name, np.array([i], dtype='<i4'))
        elif k == 2:
            big[name] = f['shared/target']                    # hard link
        elif k == 3:
            big[name] = h5py.SoftLink('/shared/target')
        elif k == 4:
            big[name] = h5py.SoftLink('item_%04d' % (i - 4))  # relative
        else:
            if i % 30 == 5:
                group(big, name)
            else:
                big[name] = h5py.SoftLink('/data')
    small = group(f, 'compact_links')
    for i in range(5):
        compact(small, 'd%d' % i, np.array([i], dtype='u1'))
    co = group(f, 'creation_order', track_order=True)
    for i in range(30):
        compact(co, 'n%02d' % (29 - i), np.array([i], dtype='<i2'))
    co2 = group(f, 'creation_order_small', track_order=True)
    for nm in ['zeta', 'alpha', 'mid']:
        compact(co2, nm, np.array([len(nm)], dtype='<i2'))
    # soft, dangling, external links
    f['soft_to_dataset'] = h5py.SoftLink('/data/values')
    f['soft_to_group'] = h5py.SoftLink('/data')
    f['soft_dangling'] = h5py.SoftLink('/no/such/object')
    data['values_rel'] = h5py.SoftLink('values')
    f['ext_link'] = h5py.ExternalLink('ext_target.h5', '/target/data')
    f['ext_link_group'] = h5py.ExternalLink('ext_target.h5', '/target')
    f['ext_missing'] = h5py.ExternalLink('missing_file.h5', '/x')
    # soft links that never resolve: a two-link cycle and a self loop
    f['cycle_a'] = h5py.SoftLink('/cycle_b')
    f['cycle_b'] = h5py.SoftLink('/cycle_a')
    f['cycle_self'] = h5py.SoftLink('cycle_self')
    # the same objects under a second name, and a cycle back to the root
    alias = group(f, 'alias')
    alias['values_again'] = data['values']
    alias['data_again'] = data
    data['loop_to_root'] = f
    # deep nesting
    g = group(f, 'l1/l2/l3/l4/l5/l6/l7/l8')
    dset(g, 'deep_leaf', data=np.array([8], dtype='<i8'))
    # non-ASCII and odd link names
    u = group(f, 'ünïcode_gröup')
    dset(u, 'δεδομένα', data=np.arange(3, dtype='<u2'))
    dset(u, 'name with spaces', data=np.arange(2, dtype='<u2'))
    dset(u, 'dots.and-dashes', data=np.arange(1, dtype='<u2'))


def gen_links():
    for libver, name in [('earliest', 'links_earliest.h5'), ('v110', 'links_v110.h5')]:
        with new_file(name, libver) as f:
            write_links(f, libver)


# --------------------------------------------------------------------------
# resizable datasets, virtual dataset

def gen_resizable():
    with new_file('resizable_v108.h5', 'v108') as f:
        ds = dset(f, 'grow_1d', shape=(3,), maxshape=(None,), dtype='<i4', chunks=(4,))
        ds[:] = [1, 2, 3]
        for n in (7, 20, 33):
            old = ds.shape[0]
            ds.resize((n,))
            ds[old:n] = np.arange(old, n) * 10
        ds = dset(f, 'grow_2d', shape=(2, 2), maxshape=(None, None), dtype='<f4',
                  chunks=(3, 3), compression='gzip', fillvalue=-5)
        ds[:] = 1
        ds.resize((8, 5))
        ds[6:8, 3:5] = 2
        ds = dset(f, 'grow_then_shrink', shape=(10, 4), maxshape=(None, 4), dtype='<i2',
                  chunks=(3, 4))
        ds[...] = np.arange(40).reshape(10, 4)
        ds.resize((25, 4))
        ds[20:25] = 7
        ds.resize((22, 4))
        ds = dset(f, 'limited_max', shape=(4,), maxshape=(10,), dtype='<u8', chunks=(3,))
        ds[...] = 2**63
        ds.resize((9,))
        ds[8] = 1
    with new_file('resizable_v110.h5', 'v110') as f:
        ds = dset(f, 'append_rows', shape=(0, 3), maxshape=(None, 3), dtype='<f8',
                  chunks=(5, 3), compression='gzip', shuffle=True)
        for i in range(12):
            ds.resize((ds.shape[0] + 3, 3))
            ds[-3:] = np.arange(9).reshape(3, 3) + 100 * i
        ds = dset(f, 'grow_2d_unlimited', shape=(3, 3), maxshape=(None, None),
                  dtype='<i4', chunks=(2, 2), fillvalue=-1)
        ds[...] = 4
        ds.resize((9, 11))
        ds[5:9, 8:11] = 5
        ds = dset(f, 'grow_limited', shape=(4, 4), maxshape=(12, 12), dtype='<i2',
                  chunks=(4, 4))
        ds[...] = 3
        ds.resize((12, 10))
        ds[8:12, 6:10] = 6


def gen_vds():
    with new_file('vds_v110.h5', 'v110') as f:
        dset(f, 'src_a', data=np.arange(10, dtype='<i4'))
        dset(f, 'src_b', data=np.arange(100, 110, dtype='<i4'))
        # low-level so that no modification time is stored: row 0 maps
        # src_a, row 1 maps every second element of src_b into columns 0..4
        d = dcpl_new()
        d.set_fill_value(np.array(-1, dtype='<i4'))
        vspace = h5s.create_simple((2, 10), (2, 10))
        src = h5s.create_simple((10,), (10,))
        vspace.select_hyperslab((0, 0), (1, 10))
        d.set_virtual(vspace, b'.', b'/src_a', src)
        vspace = h5s.create_simple((2, 10), (2, 10))
        vspace.select_hyperslab((1, 0), (1, 5))
        src = h5s.create_simple((10,), (10,))
        src.select_hyperslab((0,), (5,), (2,))
        d.set_virtual(vspace, b'.', b'/src_b', src)
        h5d.create(f.id, b'virtual', h5t.STD_I32LE, h5s.create_simple((2, 10), (2, 10)),
                   dcpl=d)


# --------------------------------------------------------------------------
# geospatial files

def gen_netcdf():
    import netCDF4
    p = path_of('netcdf4_cf.nc')
    if os.path.exists(p):
        os.remove(p)
    rng = np.random.default_rng(600)
    nc = netCDF4.Dataset(p, 'w', format='NETCDF4')
    nc.setncattr('Conventions', 'CF-1.8')
    nc.setncattr('title', 'h5coro-gdal netCDF-4 test grid')
    nc.createDimension('time', None)
    nc.createDimension('lat', 18)
    nc.createDimension('lon', 36)
    nc.createDimension('nv', 2)
    t = nc.createVariable('time', 'f8', ('time',))
    t.units = 'days since 2000-01-01 00:00:00'
    t.standard_name = 'time'
    t.calendar = 'standard'
    t.bounds = 'time_bnds'
    la = nc.createVariable('lat', 'f4', ('lat',))
    la.units = 'degrees_north'
    la.standard_name = 'latitude'
    la[:] = np.linspace(-85, 85, 18)
    lo = nc.createVariable('lon', 'f4', ('lon',))
    lo.units = 'degrees_east'
    lo.standard_name = 'longitude'
    lo[:] = np.linspace(-175, 175, 36)
    tb = nc.createVariable('time_bnds', 'f8', ('time', 'nv'))
    crs = nc.createVariable('crs', 'i4', ())
    crs.grid_mapping_name = 'latitude_longitude'
    crs.longitude_of_prime_meridian = 0.0
    crs.semi_major_axis = 6378137.0
    crs.inverse_flattening = 298.257223563
    crs.crs_wkt = ('GEOGCRS["WGS 84",DATUM["World Geodetic System 1984",ELLIPSOID["WGS 84",'
                   '6378137,298.257223563]],CS[ellipsoidal,2],AXIS["latitude",north],'
                   'AXIS["longitude",east],UNIT["degree",0.0174532925199433],ID["EPSG",4326]]')
    crs.epsg_code = 'EPSG:4326'
    tas = nc.createVariable('tas', 'i2', ('time', 'lat', 'lon'), zlib=True, complevel=4,
                            shuffle=True, chunksizes=(1, 9, 18), fill_value=np.int16(-32767))
    tas.units = 'K'
    tas.standard_name = 'air_temperature'
    tas.long_name = 'near-surface air temperature'
    tas.scale_factor = 0.01
    tas.add_offset = 273.15
    tas.grid_mapping = 'crs'
    tas.set_auto_maskandscale(False)
    pr = nc.createVariable('pr', 'f4', ('time', 'lat', 'lon'), zlib=True,
                           fill_value=np.float32(1e20))
    pr.units = 'kg m-2 s-1'
    pr.standard_name = 'precipitation_flux'
    pr.grid_mapping = 'crs'
    for i in range(3):
        t[i] = 15.5 + 31 * i
        tb[i, :] = [31 * i, 31 * (i + 1)]
        tas[i] = (rng.normal(size=(18, 36)) * 500).astype('i2')
        pr[i] = rng.random((18, 36)).astype('f4') * 1e-4
    tas.set_auto_maskandscale(False)
    tas[1, 0:2, 0:3] = -32767
    pr[2, 5, :] = np.ma.masked
    st = nc.createVariable('station_name', str, ('lat',))
    for i in range(18):
        st[i] = 'station %d' % i
    nc.close()


def gen_georef():
    rng = np.random.default_rng(700)
    with new_file('georef_grid.h5', 'v110') as f:
        nx, ny = 40, 30
        x = dset(f, 'x', data=500000.0 + 30.0 * np.arange(nx) + 15.0)
        y = dset(f, 'y', data=4100000.0 - 30.0 * np.arange(ny) - 15.0)
        x.attrs['units'] = 'm'
        x.attrs['standard_name'] = 'projection_x_coordinate'
        y.attrs['units'] = 'm'
        y.attrs['standard_name'] = 'projection_y_coordinate'
        x.make_scale('x')
        y.make_scale('y')
        proj = dset(f, 'projection', data=np.int32(0))
        proj.attrs['grid_mapping_name'] = 'transverse_mercator'
        proj.attrs['spatial_ref'] = (
            'PROJCS["WGS 84 / UTM zone 11N",GEOGCS["WGS 84",DATUM["WGS_1984",'
            'SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],'
            'UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
            'PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",-117],'
            'PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],'
            'PARAMETER["false_northing",0],UNIT["metre",1],AUTHORITY["EPSG","32611"]]')
        proj.attrs.create('epsg_code', np.int32(32611))
        proj.attrs.create('GeoTransform', np.array([500000.0, 30.0, 0.0, 4100000.0, 0.0, -30.0]))
        elev = dset(f, 'elevation', data=(rng.normal(size=(ny, nx)) * 50 + 1200).astype('<f4'),
                    chunks=(16, 16), compression='gzip', shuffle=True, fillvalue=-9999.0)
        elev.attrs['grid_mapping'] = 'projection'
        elev.attrs['units'] = 'm'
        elev.attrs.create('_FillValue', np.float32(-9999.0))
        elev.dims[0].attach_scale(y)
        elev.dims[1].attach_scale(x)
        elev.dims[0].label = 'y'
        elev.dims[1].label = 'x'
        cls = dset(f, 'landcover', data=rng.integers(0, 8, (ny, nx)).astype('u1'),
                   chunks=(30, 40), compression='gzip')
        cls.attrs['grid_mapping'] = 'projection'
        cls.dims[0].attach_scale(y)
        cls.dims[1].attach_scale(x)


def gen_icesat2():
    """ICESat-2 ATL03-like layout: beam groups of 1-D photon arrays indexed by
    a delta_time dimension scale, strings, a compound, packed integers."""
    rng = np.random.default_rng(900)
    with new_file('icesat2_atl03_like.h5', 'v110') as f:
        f.attrs['short_name'] = 'ATL03'
        f.attrs['description'] = np.bytes_(b'ICESat-2-like test granule (fixed string)')
        fixed_string(f, 'level', [b'L2A'], 8, h5t.STR_NULLPAD, h5t.CSET_ASCII, attr=True)
        anc = group(f, 'ancillary_data')
        epoch = dset(anc, 'atlas_sdp_gps_epoch', data=np.array([1198800018.0]))
        epoch.attrs['units'] = 'seconds since 1980-01-06T00:00:00.000000Z'
        dset(anc, 'release', data=np.array(['006'], dtype=object), dtype=h5py.string_dtype())
        dset(anc, 'granule_id', data=np.array([b'ATL03_20200101_0101', b'ATL03_20200101_0102'],
                                              dtype='S24'))
        for beam, n in (('gt1l', 50), ('gt2r', 23)):
            h = group(f, beam + '/heights')
            t0 = 8.0e7 + (0 if beam == 'gt1l' else 1000.0)
            dt = dset(h, 'delta_time', data=t0 + np.cumsum(rng.random(n) * 1e-3),
                      chunks=(16,), compression='gzip')
            dt.attrs['units'] = 'seconds since 2018-01-01'
            dt.attrs['standard_name'] = 'time'
            dt.attrs['long_name'] = 'Elapsed GPS seconds'
            dt.make_scale('delta_time')
            lat = dset(h, 'lat_ph', data=60.0 + np.cumsum(rng.random(n) * 1e-4),
                       chunks=(16,), compression='gzip')
            lat.attrs['units'] = 'degrees_north'
            lat.attrs['standard_name'] = 'latitude'
            lon = dset(h, 'lon_ph', data=-45.0 + np.cumsum(rng.random(n) * 1e-4),
                       chunks=(16,), compression='gzip')
            lon.attrs['units'] = 'degrees_east'
            lon.attrs['standard_name'] = 'longitude'
            hph = (rng.normal(size=n) * 20 + 1500).astype('<f4')
            hph[3] = 3.4028235e38
            hp = dset(h, 'h_ph', data=hph, chunks=(16,), compression='gzip', shuffle=True,
                      fillvalue=np.float32(3.4028235e38))
            hp.attrs['units'] = 'meters'
            hp.attrs['long_name'] = 'Photon WGS84 Height'
            hp.attrs['coordinates'] = 'delta_time lat_ph lon_ph'
            hp.attrs.create('_FillValue', np.float32(3.4028235e38))
            qa = dset(h, 'quality_ph', data=rng.integers(0, 4, n).astype('<i2'),
                      chunks=(16,), compression='gzip')
            qa.attrs.create('scale_factor', np.float64(0.5))
            qa.attrs.create('add_offset', np.float64(-1.0))
            qa.attrs.create('_FillValue', np.int16(-1))
            sc = dset(h, 'signal_conf_ph', data=rng.integers(-2, 5, (n, 5)).astype('i1'),
                      chunks=(16, 5), compression='gzip')
            sc.attrs['long_name'] = 'Photon Signal Confidence'
            for ds in (lat, lon, hp, qa):
                ds.dims[0].attach_scale(dt)
            sc.dims[0].attach_scale(dt)
            rec = np.zeros(n, dtype=[('flag', 'u1'), ('score', '<f4'), ('count', '<i4')])
            rec['flag'] = rng.integers(0, 2, n)
            rec['score'] = rng.random(n).astype('<f4')
            rec['count'] = rng.integers(-100, 100, n)
            pr = dset(h, 'photon_record', data=rec)
            pr.dims[0].attach_scale(dt)
            g = group(f, beam + '/geolocation')
            seg = dset(g, 'segment_id', data=np.arange(1000, 1000 + n // 10, dtype='<i4'))
            seg.make_scale('segment_id')
            rl = dset(g, 'reference_photon_lat', data=60.0 + rng.random(n // 10))
            rl.dims[0].attach_scale(seg)
            dset(g, 'surf_type', data=rng.integers(0, 2, (n // 10, 5)).astype('i1'))
        orb = group(f, 'orbit_info')
        dset(orb, 'sc_orient', data=np.array([1], dtype='i1'))
        dset(orb, 'rgt', data=np.array([101], dtype='<i2'))


def gen_large():
    rng = np.random.default_rng(800)
    with new_file('large_chunked_f4.h5', 'earliest') as f:
        yy, xx = np.mgrid[0:512, 0:512].astype('f8')
        field = (np.sin(xx / 40.0) * np.cos(yy / 55.0) * 100.0
                 + rng.normal(size=(512, 512)) * 0.5)
        dset(f, 'field', data=np.round(field, 1).astype('<f4'), chunks=(64, 64),
             shuffle=True, compression='gzip', compression_opts=6)
        f['field'].attrs['units'] = 'arbitrary'


def main():
    os.makedirs(OUT, exist_ok=True)
    gen_superblocks()
    gen_paged()
    gen_sizes()
    gen_userblock()
    gen_chunk_index_earliest()
    gen_chunk_index_v110()
    gen_filters()
    gen_codecs()
    gen_dtypes()
    gen_attrs()
    gen_strings()
    gen_longdouble()
    gen_ext_target()
    gen_links()
    gen_resizable()
    gen_vds()
    gen_netcdf()
    gen_georef()
    gen_icesat2()
    gen_large()


if __name__ == '__main__':
    main()
