"""numpy dtypes from the core's datatype descriptions, and values from the
bytes/lists the extension returns.

A description is (cls, size, mem_size, big_endian, is_signed, extra), see
src/h5coro_c_core.c. Dtypes describe the memory representation h5c_read
produces (native byte order); metadata follows h5py's conventions
(enum, vlen, h5py_encoding) so code written for h5py keeps working."""
import numpy as np

INTEGER, FLOAT, TIME, STRING, BITFIELD, OPAQUE, COMPOUND, REFERENCE, ENUM, VLEN, ARRAY = range(11)


def to_dtype(desc):
    cls, size, mem_size, _be, signed, extra = desc
    if cls == INTEGER:
        if size in (1, 2, 4, 8):
            return np.dtype(("i" if signed else "u") + str(size))
        return np.dtype("V%d" % mem_size)
    if cls == FLOAT:
        if size in (2, 4, 8):
            return np.dtype("f%d" % size)
        # x87 extended precision (10, 12 or 16 bytes in the file) arrives as
        # the platform's long double, as h5py gives it
        if size > 8 and mem_size == np.dtype(np.longdouble).itemsize:
            return np.dtype(np.longdouble)
        return np.dtype("V%d" % mem_size)
    if cls == STRING:
        return np.dtype("S%d" % size)
    if cls == BITFIELD:
        return np.dtype("u%d" % size) if size in (1, 2, 4, 8) else np.dtype("V%d" % size)
    if cls == COMPOUND:
        names = [m[0] for m in extra]
        return np.dtype({"names": names, "formats": [to_dtype(m[2]) for m in extra],
                         "offsets": [m[1] for m in extra], "itemsize": mem_size})
    if cls == REFERENCE:
        return np.dtype("u8") if mem_size == 8 else np.dtype("V%d" % mem_size)
    if cls == ENUM:
        base, names, values = extra
        return np.dtype(to_dtype(base), metadata={"enum": dict(zip(names, values))})
    if cls == VLEN:
        is_string, base, cset = extra
        if is_string:
            return np.dtype("O", metadata={"h5py_encoding": "utf-8" if cset == 1 else "ascii"})
        return np.dtype("O", metadata={"vlen": to_dtype(base)})
    if cls == ARRAY:
        dims, base = extra
        return np.dtype((to_dtype(base), tuple(dims)))
    return np.dtype("V%d" % mem_size)     # time, opaque, others: raw bytes


def file_dtype(desc):
    """The dtype of the type as stored (file byte order), for fill values."""
    cls, size, _mem, be, _signed, _extra = desc
    dt = to_dtype(desc)
    if cls in (INTEGER, FLOAT, BITFIELD, ENUM) and dt.kind in "iuf":
        return dt.newbyteorder(">" if be else "<")
    return dt


def is_vlen(desc):
    return desc[0] == VLEN


def is_string_vlen(desc):
    return desc[0] == VLEN and desc[5][0]


def vlen_to_array(desc, values, shape, decode=False):
    """An object array from the extension's per-element list for a vlen type."""
    out = np.empty(len(values), dtype=to_dtype(desc))
    if desc[5][0]:
        for i, v in enumerate(values):
            out[i] = v.decode("utf-8", "surrogateescape") if (decode and v is not None) else v
    else:
        base = to_dtype(desc[5][1])
        for i, v in enumerate(values):
            out[i] = np.frombuffer(v, dtype=base).copy()
    return out.reshape(shape)


def values_to_array(desc, value, shape, decode=False):
    """Array of `shape` from raw bytes (plain types) or a list (vlen)."""
    if isinstance(value, list):
        return vlen_to_array(desc, value, shape, decode)
    # np.ndarray (not frombuffer) so a subarray dtype adds its dims
    arr = np.ndarray(tuple(shape), dtype=to_dtype(desc), buffer=value).copy()
    return strip_spacepad(arr, desc) if has_spacepad(desc) else arr


def has_spacepad(desc):
    cls, extra = desc[0], desc[5]
    if cls == STRING:
        return extra[0] in (0, 2)          # nullterm or spacepad
    if cls == COMPOUND:
        return any(has_spacepad(m[2]) for m in extra)
    if cls == ARRAY:
        return has_spacepad(extra[1])
    return False


def strip_spacepad(arr, desc):
    """Fixed strings as HDF5's library converts them for h5py: space-padded
    lose trailing spaces, null-terminated end at the first NUL; also inside
    compound members and array types."""
    cls, extra = desc[0], desc[5]
    if cls == COMPOUND:
        for name, _off, sub in extra:
            if has_spacepad(sub):
                arr[name] = strip_spacepad(arr[name], sub)
        return arr
    if cls == ARRAY:
        return strip_spacepad(arr, extra[1])
    if extra[0] == 0:
        cut = np.vectorize(lambda b: b.split(b"\0", 1)[0], otypes=[arr.dtype])
        return cut(arr) if arr.size else arr
    # spacepad: trailing spaces dropped, unless the value holds a NUL (then
    # its bytes are returned as stored, as h5py does)
    strip = np.vectorize(lambda b: b if b"\0" in b else b.rstrip(b" "), otypes=[arr.dtype])
    return strip(arr) if arr.size else arr
