"""numpy-style keys -> hyperslabs (start, count, stride) plus the numpy
post-processing (dropped axes, reversed steps, point lists) the core's
positive-stride hyperslabs cannot express."""
import numbers

import numpy as np


class Selection:
    __slots__ = ("start", "count", "stride", "post", "shape")

    def __init__(self, start, count, stride, post, shape):
        self.start, self.count, self.stride = start, count, stride
        self.post = post          # numpy index applied to the read block, or None
        self.shape = shape        # shape of the block read

    @property
    def empty(self):
        return any(c == 0 for c in self.count)


def _expand(key, rank):
    if not isinstance(key, tuple):
        key = (key,)
    n_ell = sum(1 for k in key if k is Ellipsis)
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if n_ell:
        i = key.index(Ellipsis)
        fill = rank - (len(key) - 1)
        key = key[:i] + (slice(None),) * max(fill, 0) + key[i + 1:]
    if len(key) > rank:
        raise IndexError("too many indices: dataset is %d-dimensional, %d were indexed" % (rank, len(key)))
    return key + (slice(None),) * (rank - len(key))


def select(key, shape):
    """The hyperslab covering `key` on a dataset of `shape`."""
    rank = len(shape)
    key = _expand(key, rank)
    start, count, stride, post = [], [], [], []
    need_post = False
    for k, n in zip(key, shape):
        if isinstance(k, (numbers.Integral, np.integer)) and not isinstance(k, bool):
            i = int(k)
            if i < 0:
                i += n
            if not 0 <= i < n:
                raise IndexError("index %d is out of bounds for axis with size %d" % (int(k), n))
            start.append(i); count.append(1); stride.append(1); post.append(0)
            need_post = True
        elif isinstance(k, slice):
            a, b, s = k.indices(n)
            if s > 0:
                c = max(0, (b - a + s - 1) // s)
                start.append(a if c else 0); count.append(c); stride.append(s); post.append(slice(None))
            else:
                c = max(0, (a - b + (-s) - 1) // (-s))
                last = a + (c - 1) * s if c else 0
                start.append(last); count.append(c); stride.append(-s); post.append(slice(None, None, -1))
                need_post = True
        else:
            idx = np.asarray(k)
            if idx.dtype == bool:
                idx = np.nonzero(idx)[0]
            if idx.ndim != 1 or idx.dtype.kind not in "iu":
                raise TypeError("unsupported index: %r" % (k,))
            idx = np.where(idx < 0, idx + n, idx)
            if idx.size and (idx.min() < 0 or idx.max() >= n):
                raise IndexError("index out of range for axis with size %d" % n)
            lo = int(idx.min()) if idx.size else 0
            hi = int(idx.max()) + 1 if idx.size else 0
            start.append(lo); count.append(hi - lo); stride.append(1); post.append(idx - lo)
            need_post = True
    return Selection(start, count, stride, _combine(post) if need_post else None, tuple(count))


def _combine(post):
    """One numpy index from per-axis items; point lists are applied one axis
    at a time (as h5py does: each list selects along its own axis)."""
    lists = [i for i, p in enumerate(post) if isinstance(p, np.ndarray)]
    if len(lists) <= 1:
        return tuple(post)
    return ("per-axis", tuple(post))


def apply_post(block, post):
    if post is None:
        return block
    if isinstance(post, tuple) and len(post) == 2 and post[0] == "per-axis":
        items = post[1]
        # apply arrays one axis at a time, then ints/slices
        out = block
        for ax, p in enumerate(items):
            if isinstance(p, np.ndarray):
                out = np.take(out, p, axis=ax)
        rest = tuple(p if not isinstance(p, np.ndarray) else slice(None) for p in items)
        return out[rest]
    return block[post]
