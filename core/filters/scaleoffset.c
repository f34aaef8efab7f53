/* scaleoffset.c - HDF5's scale-offset filter (id 6).
 *
 * Parameters (as HDF5 stores them): [0] scale type (0 float D-scale,
 * 1 float E-scale, 2 integer), [1] scale factor, [2] elements per chunk,
 * [3] class (0 integer, 1 float), [4] element size, [5] sign, [6] byte
 * order (0 LE, 1 BE), [7] fill value defined, [8...] the fill value's
 * bytes, least significant first, four per parameter.
 *
 * A chunk starts with a 21-byte header: minbits (4 bytes LE), the size of
 * the minimum (1 byte), the minimum (LE, at most 8 bytes used); then every
 * element as minbits bits, highest first. minbits equal to the type's bits
 * means the values follow unpacked, in little-endian order. Otherwise an
 * element is (packed + minimum) for integers, and for D-scale floats
 * (float)(packed as a signed integer) / 10^factor + minimum, computed in
 * double as libhdf5 does; with a fill value, the all-ones code stands for
 * it. The result is written in the dataset's byte order. E-scale was never
 * implemented by libhdf5 and is refused. */
#include "filters.h"

#include <math.h>
#include <string.h>

#define SO_ERR(...) H5C_FMT(err, "filter 6 (scaleoffset): " __VA_ARGS__)
#define SO_HEADER 21

typedef struct so_parms {
    uint32_t stype, nelem, cls, size, order, fill_def;
    int dscale;
    uint64_t fill;     /* fill value bits */
} so_parms;

static uint64_t le_bytes(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static int so_parse(const h5c_filter *fl, so_parms *s, h5c_error *err)
{
    const uint32_t *cv = fl->cvalues;
    if (!cv || fl->ncvalues < 8) return SO_ERR("%u parameters, at least 8 expected", fl->ncvalues);
    s->stype = cv[0];
    s->dscale = (int)cv[1];
    s->nelem = cv[2];
    s->cls = cv[3];
    s->size = cv[4];
    s->order = cv[6];
    s->fill_def = cv[7];
    if (s->cls > 1) return SO_ERR("unknown datatype class %u", s->cls);
    if (s->cls == 0 && s->size != 1 && s->size != 2 && s->size != 4 && s->size != 8)
        return SO_ERR("integer size %u", s->size);
    if (s->cls == 1 && s->size != 4 && s->size != 8) return SO_ERR("float size %u", s->size);
    if (s->cls == 1 && s->stype != 0)
        return h5c_fail(err, H5C_ERR_UNSUPPORTED,
                        "unsupported: filter 6 (scaleoffset): scale type %u (only D-scale floats exist in libhdf5)",
                        s->stype);
    if (s->order > 1) return SO_ERR("byte order %u", s->order);
    s->fill = 0;
    if (s->fill_def) {
        if (fl->ncvalues < 8 + (s->size + 3) / 4) return SO_ERR("fill value missing from the parameters");
        for (uint32_t k = 0; k < s->size; k++) s->fill |= (uint64_t)((cv[8 + k / 4] >> (8 * (k % 4))) & 0xff) << (8 * k);
    }
    return 0;
}

static void put(uint8_t *p, uint64_t v, uint32_t size, uint32_t order)
{
    for (uint32_t i = 0; i < size; i++) p[order ? size - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static uint64_t float_value(const so_parms *s, uint64_t v, uint64_t minval, double scale)
{
    if (s->size == 4) {
        float mn, r;
        uint32_t mb = (uint32_t)minval, out;
        memcpy(&mn, &mb, 4);
        r = (float)(int32_t)(uint32_t)v / powf(10.0f, (float)s->dscale) + mn;
        memcpy(&out, &r, 4);
        return out;
    }
    double mn, r;
    uint64_t out;
    memcpy(&mn, &minval, 8);
    r = (double)(int64_t)v / scale + mn;
    memcpy(&out, &r, 8);
    return out;
}

int h5c_decode_scaleoffset(const h5c_filter *fl, const uint8_t *in, size_t len, uint8_t *dst, size_t cap,
                           const uint8_t **out, size_t *out_len, h5c_error *err)
{
    so_parms s = {0};
    if (so_parse(fl, &s, err) != 0) return -1;
    if (s.nelem > cap / s.size)
        return SO_ERR("%u elements of %u bytes exceed the chunk's %zu bytes", s.nelem, s.size, cap);
    if (len < SO_HEADER) return SO_ERR("%zu bytes cannot hold the %d-byte header", len, SO_HEADER);
    uint32_t minbits = (uint32_t)le_bytes(in, 4), bits = s.size * 8;
    unsigned mvsize = in[4] < 8 ? in[4] : 8;
    uint64_t minval = le_bytes(in + 5, mvsize);
    if (minbits > bits) return SO_ERR("minbits %u exceeds the %u-bit datatype", minbits, bits);
    const uint8_t *body = in + SO_HEADER;
    size_t blen = len - SO_HEADER, total = (size_t)s.nelem * s.size;
    *out = dst;
    *out_len = total;
    if (minbits == bits) { /* stored unpacked, little endian */
        if (blen < total) return SO_ERR("%zu data bytes, %zu expected", blen, total);
        for (uint32_t e = 0; e < s.nelem; e++)
            put(dst + (size_t)e * s.size, le_bytes(body + (size_t)e * s.size, s.size), s.size, s.order);
        return 0;
    }
    if (((uint64_t)minbits * s.nelem + 7) / 8 > blen)
        return SO_ERR("%zu data bytes cannot hold %u elements of %u bits", blen, s.nelem, minbits);
    uint64_t mask = bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
    uint64_t code_fill = ((uint64_t)1 << minbits) - 1;  /* minbits < 64 here */
    double scale = s.cls == 1 ? pow(10.0, s.dscale) : 1.0;
    h5c_bits b;
    h5c_bits_init(&b, body, blen);
    for (uint32_t e = 0; e < s.nelem; e++) {
        uint64_t v = h5c_bits_take(&b, minbits), r;
        if (s.fill_def && v == code_fill) r = s.fill;
        else if (s.cls == 0) r = (v + minval) & mask;
        else r = float_value(&s, v, minval, scale);
        put(dst + (size_t)e * s.size, r, s.size, s.order);
    }
    return 0;
}
