/* nbit.c - HDF5's n-bit filter (id 5).
 *
 * Each element's significant bits (precision bits starting at bit offset)
 * are packed highest first, element after element, with no padding; the
 * decoder puts them back in place and leaves every other bit zero (the
 * datatype's precision and offset then apply as for any dataset).
 *
 * The parameters describe the datatype completely (HDF5 computes them
 * when the dataset is created):
 *   [0] parameter count  [1] 1 = stored unpacked  [2] elements per chunk
 *   [3...] the type: class, then by class
 *     1 atomic (integer, float): size, byte order (0 LE, 1 BE), precision, offset
 *     2 array: size, then the base type
 *     3 compound: size, member count, then per member its byte offset and type
 *     4 other (no-op): size; the bytes are packed whole
 * The description is compiled once per chunk into a flat list of fields;
 * every field must lie inside its element and every parameter inside the
 * parameter list. */
#include "filters.h"

#include <stdlib.h>
#include <string.h>

#define NB_ERR(...) H5C_FMT(err, "filter 5 (nbit): " __VA_ARGS__)

enum { NB_ATOMIC = 1, NB_ARRAY = 2, NB_COMPOUND = 3, NB_NOOP = 4 };

typedef struct nb_field {
    size_t off;                  /* byte offset in the element */
    uint32_t size, order, prec, boff;  /* noop: prec = 0 */
    int noop;
} nb_field;

typedef struct nb_prog {
    const uint32_t *cv;
    uint32_t ncv, i;             /* next parameter */
    nb_field *f;
    size_t n, cap;
    size_t limit;                /* at most one field per element byte */
} nb_prog;

static int next_param(nb_prog *p, uint32_t *v, h5c_error *err)
{
    if (p->i >= p->ncv) return NB_ERR("type description runs past its %u parameters", p->ncv);
    *v = p->cv[p->i++];
    return 0;
}

static int add_field(nb_prog *p, const nb_field *f, h5c_error *err)
{
    if (p->n >= p->limit) return NB_ERR("type description has more fields than the element has bytes");
    if (p->n == p->cap) {
        size_t nc = p->cap ? 2 * p->cap : 16;
        nb_field *nf = realloc(p->f, nc * sizeof *nf);
        if (!nf) return H5C_NOMEM(err);
        p->f = nf;
        p->cap = nc;
    }
    p->f[p->n++] = *f;
    return 0;
}

static int compile_type(nb_prog *p, uint32_t cls, size_t base, uint32_t room, int depth, h5c_error *err);

/* An atomic type (size and the rest follow) at byte `base`, `room` bytes available. */
static int compile_atomic(nb_prog *p, size_t base, uint32_t room, h5c_error *err)
{
    nb_field f = {base, 0, 0, 0, 0, 0};
    if (next_param(p, &f.size, err) || next_param(p, &f.order, err) || next_param(p, &f.prec, err) ||
        next_param(p, &f.boff, err))
        return -1;
    if (f.size == 0 || f.size > room) return NB_ERR("atomic type of %u bytes in a %u-byte slot", f.size, room);
    if (f.order > 1) return NB_ERR("byte order %u", f.order);
    if (f.prec == 0 || f.prec > f.size * 8u || f.boff > f.size * 8u - f.prec)
        return NB_ERR("precision %u at bit offset %u does not fit a %u-byte type", f.prec, f.boff, f.size);
    return add_field(p, &f, err);
}

static int compile_array(nb_prog *p, size_t base, uint32_t room, int depth, h5c_error *err)
{
    uint32_t total = 0, cls = 0;
    if (next_param(p, &total, err) || next_param(p, &cls, err)) return -1;
    if (total > room) return NB_ERR("array of %u bytes in a %u-byte slot", total, room);
    if (p->i >= p->ncv) return NB_ERR("type description runs past its %u parameters", p->ncv);
    uint32_t bsize = p->cv[p->i];  /* the base type's size, read ahead */
    if (bsize == 0 || bsize > total) return NB_ERR("array base type of %u bytes in a %u-byte array", bsize, total);
    if (cls == NB_NOOP) {  /* packed whole, as one run of bytes */
        p->i++;
        nb_field f = {base, total, 0, 0, 0, 1};
        return add_field(p, &f, err);
    }
    uint32_t start = p->i, n = total / bsize;
    for (uint32_t k = 0; k < n; k++) {
        p->i = start;
        if (compile_type(p, cls, base + (size_t)k * bsize, bsize, depth + 1, err) != 0) return -1;
    }
    return 0;
}

static int compile_compound(nb_prog *p, size_t base, uint32_t room, int depth, h5c_error *err)
{
    uint32_t size = 0, nmemb = 0;
    if (next_param(p, &size, err) || next_param(p, &nmemb, err)) return -1;
    if (size > room) return NB_ERR("compound of %u bytes in a %u-byte slot", size, room);
    for (uint32_t m = 0; m < nmemb; m++) {
        uint32_t moff = 0, cls = 0;
        if (next_param(p, &moff, err) || next_param(p, &cls, err)) return -1;
        if (p->i >= p->ncv) return NB_ERR("type description runs past its %u parameters", p->ncv);
        uint32_t msize = p->cv[p->i];
        if (moff > size || msize > size - moff)
            return NB_ERR("compound member %u (%u bytes at offset %u) outside the %u-byte compound", m, msize, moff,
                          size);
        if (compile_type(p, cls, base + moff, msize, depth + 1, err) != 0) return -1;
    }
    return 0;
}

static int compile_type(nb_prog *p, uint32_t cls, size_t base, uint32_t room, int depth, h5c_error *err)
{
    if (depth > 32) return NB_ERR("type description nested too deeply");
    switch (cls) {
    case NB_ATOMIC: return compile_atomic(p, base, room, err);
    case NB_ARRAY: return compile_array(p, base, room, depth, err);
    case NB_COMPOUND: return compile_compound(p, base, room, depth, err);
    case NB_NOOP: {
        uint32_t size = 0;
        if (next_param(p, &size, err)) return -1;
        if (size > room) return NB_ERR("%u-byte member in a %u-byte slot", size, room);
        nb_field f = {base, size, 0, 0, 0, 1};
        return size ? add_field(p, &f, err) : 0;
    }
    }
    return NB_ERR("unknown type class %u in the parameters", cls);
}

/* One atomic field: byte by byte from the most significant, as packed. */
static void unpack_atomic(h5c_bits *b, uint8_t *e, const nb_field *f)
{
    int dlen = (int)f->size * 8, prec = (int)f->prec, off = (int)f->boff;
    int begin, end, step;
    if (f->order == 0) { /* little endian: most significant byte last */
        begin = (prec + off - 1) / 8;
        end = off / 8;
        step = -1;
    } else {
        begin = (dlen - prec - off) / 8;
        end = (dlen - off - 1) / 8;
        step = 1;
    }
    for (int k = begin;; k += step) {
        int nbits = 8, shift = 0;
        if (begin == end) {
            nbits = prec;
            shift = off % 8;
        } else if (k == begin) {
            nbits = 8 - (dlen - prec - off) % 8;
        } else if (k == end) {
            nbits = 8 - off % 8;
            shift = off % 8;
        }
        e[k] = (uint8_t)(h5c_bits_take(b, (unsigned)nbits) << shift);
        if (k == end) break;
    }
}

int h5c_decode_nbit(const h5c_filter *fl, const uint8_t *in, size_t len, uint8_t *dst, size_t cap,
                    const uint8_t **out, size_t *out_len, h5c_error *err)
{
    const uint32_t *cv = fl->cvalues;
    uint32_t ncv = cv ? fl->ncvalues : 0;
    if (ncv < 5) return NB_ERR("%u parameters, at least 5 expected", ncv);
    if (cv[1]) { /* the chunk was stored as is */
        *out = in;
        *out_len = len;
        return 0;
    }
    uint32_t nelem = cv[2], cls = cv[3], esize = cv[4];
    if (cls != NB_ATOMIC && cls != NB_ARRAY && cls != NB_COMPOUND)
        return NB_ERR("type class %u cannot be the dataset's type", cls);
    if (esize == 0 || nelem > cap / esize)
        return NB_ERR("%u elements of %u bytes exceed the chunk's %zu bytes", nelem, esize, cap);
    nb_prog p = {cv, ncv, 3, NULL, 0, 0, esize};
    p.i = 3;
    /* the top-level class reads its own size again, as nested ones do */
    uint32_t c0 = 0;
    int rc = next_param(&p, &c0, err);
    if (rc == 0) rc = compile_type(&p, c0, 0, esize, 0, err);
    if (rc != 0) {
        free(p.f);
        return -1;
    }
    size_t total = (size_t)nelem * esize;
    memset(dst, 0, total);
    h5c_bits b;
    h5c_bits_init(&b, in, len);
    for (size_t e = 0; e < nelem && !b.bad; e++) {
        uint8_t *el = dst + e * esize;
        for (size_t k = 0; k < p.n; k++) {
            const nb_field *f = &p.f[k];
            if (f->noop)
                for (uint32_t j = 0; j < f->size; j++) el[f->off + j] = (uint8_t)h5c_bits_take(&b, 8);
            else
                unpack_atomic(&b, el + f->off, f);
        }
    }
    free(p.f);
    if (b.bad) return NB_ERR("packed data (%zu bytes) ends before %u elements", len, nelem);
    *out = dst;
    *out_len = total;
    return 0;
}
