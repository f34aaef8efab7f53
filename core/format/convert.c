/* convert.c - file-order elements to their memory representation. */
#include "format.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int host_big_endian(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 0;
}

/* Byte-reverse n elements; src may equal dst. */
static void swap_copy(const uint8_t *src, uint8_t *dst, size_t n, unsigned size)
{
    uint8_t tmp[8];
    for (size_t i = 0; i < n; i++, src += size, dst += size) {
        for (unsigned k = 0; k < size; k++) tmp[k] = src[size - 1 - k];
        memcpy(dst, tmp, size);
    }
}

static int is_ieee(const h5c_dtype *t)
{
    if (t->bit_offset != 0 || t->precision != t->size * 8 || t->mant_loc != 0 || t->mant_norm != 2) return 0;
    switch (t->size) {
    case 2: return t->exp_loc == 10 && t->exp_size == 5 && t->mant_size == 10 && t->exp_bias == 15 && t->sign_loc == 15;
    case 4: return t->exp_loc == 23 && t->exp_size == 8 && t->mant_size == 23 && t->exp_bias == 127 && t->sign_loc == 31;
    case 8:
        return t->exp_loc == 52 && t->exp_size == 11 && t->mant_size == 52 && t->exp_bias == 1023 && t->sign_loc == 63;
    }
    return 0;
}

/* Integers whose precision is narrower than their size: shift, mask and
 * sign-extend as HDF5's conversion does. */
static void convert_bits(const h5c_dtype *t, const uint8_t *src, uint8_t *dst, size_t n)
{
    unsigned sz = t->size;
    uint64_t mask = t->precision >= 64 ? UINT64_MAX : (((uint64_t)1 << t->precision) - 1);
    for (size_t i = 0; i < n; i++, src += sz, dst += sz) {
        uint64_t v = 0;
        for (unsigned k = 0; k < sz; k++) v |= (uint64_t)src[t->big_endian ? sz - 1 - k : k] << (8 * k);
        v = (v >> t->bit_offset) & mask;
        if (t->is_signed && t->precision < 64 && (v >> (t->precision - 1)) & 1) v |= ~mask;
        for (unsigned k = 0; k < sz; k++) dst[host_big_endian() ? sz - 1 - k : k] = (uint8_t)(v >> (8 * k));
    }
}

/* ---- floats in a non-IEEE layout -----------------------------------------
 *
 * Any HDF5 float layout of 2, 4 or 8 bytes becomes the IEEE binary16/32/64
 * number of the same size, as libhdf5's soft float conversion (what h5py
 * reads such types as) computes it:
 *  - exponent all zeros and mantissa zero: signed zero; exponent all ones:
 *    infinity when the mantissa is zero (or, without an implied leading bit,
 *    holds only its top bit), otherwise NaN (all mantissa bits set);
 *  - implied normalization: 1.m * 2^(e - bias), or 0.m * 2^(1 - bias) when
 *    e is 0; no implied bit (none or msb-set): the mantissa's top bit weighs
 *    2^(e - bias);
 *  - rounding to nearest, ties away from zero (as libhdf5 rounds); values
 *    beyond the range give infinity, below it denormals or zero.
 * Unlike libhdf5 1.10 (seen through h5py), a rounding carry into the next
 * power of two is kept, and a zero mantissa without implied bit is zero
 * whatever the exponent. */

typedef struct ieee_fmt {
    unsigned mant, exp; /* field widths */
    int64_t bias;
} ieee_fmt;

static ieee_fmt ieee_of_size(unsigned size)
{
    ieee_fmt f = {52, 11, 1023};
    if (size == 2) f = (ieee_fmt){10, 5, 15};
    else if (size == 4) f = (ieee_fmt){23, 8, 127};
    return f;
}

static uint64_t low_bits(unsigned n)
{
    return n >= 64 ? UINT64_MAX : ((uint64_t)1 << n) - 1;
}

static int top_bit(uint64_t v)
{
    int p = 0;
    while (v >>= 1) p++;
    return p;
}

/* Non-zero when the bit range [pos, pos + len) lies inside bits and does not
 * meet *used (the ranges taken so far), which it then joins. */
static int take_bits(uint64_t *used, unsigned bits, unsigned pos, unsigned len)
{
    if (len == 0 || pos >= bits || len > bits - pos) return 0;
    uint64_t m = low_bits(len) << pos;
    if (*used & m) return 0;
    *used |= m;
    return 1;
}

/* sig / 2^r rounded to nearest, ties away from zero (r <= 0: sig * 2^-r). */
static uint64_t round_shift(uint64_t sig, int64_t r)
{
    if (r <= 0) return sig << -r; /* callers keep the result in range */
    if (r > 64) return 0;
    uint64_t half = (sig >> (r - 1)) & 1;
    return (r == 64 ? 0 : sig >> r) + half;
}

/* One value: the bit pattern v (file layout t, already in numeric order) to
 * the IEEE pattern of format d. */
static uint64_t float_to_ieee(const h5c_dtype *t, const ieee_fmt *d, uint64_t v)
{
    uint64_t sign = (v >> t->sign_loc) & 1;
    uint64_t e = (v >> t->exp_loc) & low_bits(t->exp_size);
    uint64_t m = (v >> t->mant_loc) & low_bits(t->mant_size);
    uint64_t emax_s = low_bits(t->exp_size), emax_d = low_bits(d->exp);
    uint64_t out_sign = sign << (d->mant + d->exp), inf = out_sign | emax_d << d->mant;
    int implied = t->mant_norm == 2;

    if (e == emax_s) {
        if (m == 0 || (!implied && m == (uint64_t)1 << (t->mant_size - 1))) return inf;
        return inf | low_bits(d->mant); /* NaN */
    }
    if (m == 0 && (e == 0 || !implied)) return out_sign;

    /* value = sig * 2^x exactly */
    uint64_t sig = m;
    int64_t x;
    if (!implied) x = (int64_t)e - (int64_t)t->exp_bias + 1 - (int64_t)t->mant_size;
    else if (e == 0) x = 1 - (int64_t)t->exp_bias - (int64_t)t->mant_size;
    else {
        sig |= (uint64_t)1 << t->mant_size;
        x = (int64_t)e - (int64_t)t->exp_bias - (int64_t)t->mant_size;
    }
    int p = top_bit(sig);
    int64_t ed = x + p + d->bias; /* biased destination exponent */
    if (ed >= (int64_t)emax_d) return inf;
    if (ed <= 0) {
        /* denormal: count units of 2^(1 - bias - mant); reaching 2^mant
         * carries into the exponent field as the smallest normal */
        int64_t r = (1 - d->bias - (int64_t)d->mant) - x;
        return out_sign | round_shift(sig, r);
    }
    int64_t r = (int64_t)p - (int64_t)d->mant;
    uint64_t q = round_shift(sig, r); /* 1.fraction, possibly carried to 10.0 */
    if (q >> (d->mant + 1)) {
        q >>= 1;
        if (++ed >= (int64_t)emax_d) return inf;
    }
    return out_sign | (uint64_t)ed << d->mant | (q & low_bits(d->mant));
}

/* Bits [pos, pos + len) (len <= 64) of an element of sz bytes in file order. */
static uint64_t field_bits(const uint8_t *p, unsigned sz, int big_endian, unsigned pos, unsigned len)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < len; i++) {
        unsigned b = pos + i, byte = b / 8;
        uint8_t x = p[big_endian ? sz - 1 - byte : byte];
        v |= (uint64_t)((x >> (b % 8)) & 1) << i;
    }
    return v;
}

/* Floats wider than 8 bytes (x87 extended in 10, 12 or 16 bytes) become the
 * native long double, as h5py presents them (numpy longdouble). Exact for
 * mantissas of up to 64 bits; IEEE binary128 is not read. */
static int convert_wide_float(const h5c_dtype *t, const uint8_t *src, uint8_t *dst, size_t n, h5c_error *err)
{
    unsigned sz = t->size;
    if (t->mant_size > 64 || t->exp_size > 15 || t->mant_size == 0 || t->exp_size == 0 ||
        (unsigned)t->sign_loc >= sz * 8 || t->exp_loc + t->exp_size > sz * 8 || t->mant_loc + t->mant_size > sz * 8)
        return H5C_UNSUP(err, "%u-byte floating point (precision %u, %u-bit mantissa)", sz, t->precision,
                         t->mant_size);
    if (t->mant_norm > 2) return H5C_UNSUP(err, "floating-point mantissa normalization %u", t->mant_norm);
    size_t ms = sizeof(long double);
    /* in place the output is at least as wide: go backwards */
    for (size_t j = n; j-- > 0;) {
        const uint8_t *p = src + j * sz;
        int sign = (int)field_bits(p, sz, t->big_endian, t->sign_loc, 1);
        uint64_t e = field_bits(p, sz, t->big_endian, t->exp_loc, t->exp_size);
        uint64_t m = field_bits(p, sz, t->big_endian, t->mant_loc, t->mant_size);
        uint64_t emax = low_bits(t->exp_size);
        long double v;
        int implied = t->mant_norm == 2;
        if (e == emax) {
            uint64_t frac = implied ? m : m & low_bits(t->mant_size - 1);
            v = frac ? (long double)NAN : (long double)INFINITY;
        } else if (implied) {
            if (e == 0) v = ldexpl((long double)m, 1 - (int)t->exp_bias - (int)t->mant_size);
            else v = ldexpl((long double)m + ldexpl(1.0L, t->mant_size), (int)e - (int)t->exp_bias - (int)t->mant_size);
        } else {
            /* explicit leading bit: the mantissa's top bit weighs 2^(e - bias);
             * a zero exponent (denormal) weighs 2^(1 - bias) in the native
             * long double, which libhdf5 only byte-swaps, while its soft
             * conversion of other sizes (10, 12 bytes), which h5py shows,
             * weighs it 2^-bias */
            int64_t eff = e ? (int64_t)e : sz == sizeof(long double) ? 1 : 0;
            int64_t x = eff - (int64_t)t->exp_bias + 1 - (int64_t)t->mant_size;
            v = ldexpl((long double)m, (int)x);
        }
        if (sign) v = -v;
        uint8_t tmp[sizeof(long double)];
        memset(tmp, 0, sizeof tmp);
        memcpy(tmp, &v, sizeof v);
        if (sizeof(long double) >= 10 && LDBL_MANT_DIG == 64) memset(tmp + 10, 0, sizeof tmp - 10);
        memcpy(dst + j * ms, tmp, ms);
    }
    return 0;
}

static int convert_float(const h5c_dtype *t, const uint8_t *src, uint8_t *dst, size_t n, h5c_error *err)
{
    unsigned sz = t->size, bits = sz * 8;
    if (sz > 8 && sz <= 16) return convert_wide_float(t, src, dst, n, err);
    if (sz != 2 && sz != 4 && sz != 8)
        return H5C_UNSUP(err, "%u-byte floating point (precision %u)", sz, t->precision);
    uint64_t used = 0;
    if (!take_bits(&used, bits, t->sign_loc, 1) || !take_bits(&used, bits, t->exp_loc, t->exp_size) ||
        !take_bits(&used, bits, t->mant_loc, t->mant_size))
        return H5C_FMT(err, "floating-point type of %u bytes: sign bit %u, exponent %u@%u, mantissa %u@%u overlap or "
                       "exceed it", sz, t->sign_loc, t->exp_size, t->exp_loc, t->mant_size, t->mant_loc);
    if (t->mant_norm > 2) return H5C_UNSUP(err, "floating-point mantissa normalization %u", t->mant_norm);
    ieee_fmt d = ieee_of_size(sz);
    int swap = t->big_endian;
    int host_be = host_big_endian();
    for (size_t i = 0; i < n; i++, src += sz, dst += sz) {
        uint64_t v = 0;
        for (unsigned k = 0; k < sz; k++) v |= (uint64_t)src[swap ? sz - 1 - k : k] << (8 * k);
        uint64_t r = float_to_ieee(t, &d, v);
        for (unsigned k = 0; k < sz; k++) dst[host_be ? sz - 1 - k : k] = (uint8_t)(r >> (8 * k));
    }
    return 0;
}

static int convert_number(const h5c_dtype *t, const uint8_t *src, uint8_t *dst, size_t n, h5c_error *err)
{
    unsigned sz = t->size;
    if (t->cls == H5C_FLOAT && !is_ieee(t)) return convert_float(t, src, dst, n, err);
    if (sz != 1 && sz != 2 && sz != 4 && sz != 8)
        return H5C_UNSUP(err, "%u-byte %s type", sz, t->cls == H5C_FLOAT ? "floating-point" : "integer");
    if (t->cls != H5C_FLOAT && (t->bit_offset != 0 || t->precision != sz * 8)) {
        if (t->precision == 0 || t->bit_offset + t->precision > sz * 8)
            return H5C_FMT(err, "integer type: bit offset %u + precision %u exceed %u bytes", t->bit_offset,
                           t->precision, sz);
        convert_bits(t, src, dst, n);
        return 0;
    }
    if (sz == 1 || t->big_endian == host_big_endian()) {
        if (src != dst) memmove(dst, src, n * sz);
    } else {
        swap_copy(src, dst, n, sz);
    }
    return 0;
}

static int convert_vlen(h5c_file *f, const h5c_dtype *t, const uint8_t *src, uint8_t *dst, h5c_error *err)
{
    uint32_t count = (uint32_t)h5c_le(src, 4);
    uint64_t coll = h5c_le(src + 4, f->so);
    uint32_t index = (uint32_t)h5c_le(src + 4 + f->so, 4);
    uint8_t *obj = NULL;
    size_t len = 0;
    int has = count > 0 && coll != 0 && !(f->so < 8 ? coll == ((uint64_t)1 << (8 * f->so)) - 1 : coll == H5C_UNDEF);
    if (has && h5c_gheap_get(f, coll, index, &obj, &len, err) != 0) return -1;
    size_t bsz = t->vlen_string ? 1 : t->base->size;
    if (has && (uint64_t)count * bsz > len) {
        free(obj);
        return H5C_FMT(err, "variable-length element of %u items exceeds its heap object (%zu bytes)", count, len);
    }
    if (!has) count = 0;
    if (t->vlen_string) {
        char *s = malloc((size_t)count + 1);
        if (!s) {
            free(obj);
            return H5C_NOMEM(err);
        }
        if (count) memcpy(s, obj, count);
        s[count] = 0;
        memcpy(dst, &s, sizeof s);
        free(obj);
        return 0;
    }
    h5c_vlen v = {count, NULL};
    size_t msz = h5c_dtype_mem_size(t->base);
    v.p = malloc(count ? (size_t)count * msz : 1);
    int rc = v.p ? 0 : H5C_NOMEM(err);
    if (rc == 0 && count) rc = h5c_convert(f, t->base, obj, v.p, count, err);
    free(obj);
    if (rc != 0) {
        free(v.p);
        return -1;
    }
    memcpy(dst, &v, sizeof v);
    return 0;
}

/* Fixed strings become NUL-padded, as libhdf5 converts them into the
 * NUL-padded memory type h5py reads with: null-padded values are already
 * that type (copied as they are, embedded NULs included), null-terminated
 * ones end at their first NUL, space-padded ones lose their trailing
 * spaces (embedded NULs kept); the rest of the element is zeroed. */
static void convert_fixed_strings(const h5c_dtype *t, const uint8_t *src, uint8_t *dst, size_t n)
{
    size_t sz = t->size;
    for (size_t i = 0; i < n; i++, src += sz, dst += sz) {
        size_t k = sz;
        if (t->pad == 1) {
            /* already the memory type */
        } else if (t->pad == 2) {
            while (k > 0 && src[k - 1] == ' ') k--;
        } else {
            const uint8_t *nul = memchr(src, 0, sz);
            if (nul) k = (size_t)(nul - src);
        }
        if (src != dst) memmove(dst, src, k);
        memset(dst + k, 0, sz - k);
    }
}

static int convert_one(h5c_file *f, const h5c_dtype *t, const uint8_t *src, uint8_t *dst, h5c_error *err);

static int convert_regrefs(h5c_file *f, const h5c_dtype *t, const uint8_t *src, uint8_t *dst, size_t n,
                           h5c_error *err)
{
    if (!f) return H5C_UNSUP(err, "region references without a file");
    if (t->size != f->so + 4u) return H5C_UNSUP(err, "region reference of %u bytes", t->size);
    if (src == dst) return H5C_UNSUP(err, "in-place conversion of region references");
    for (size_t i = 0; i < n; i++) {
        h5c_regref r;
        if (h5c_regref_decode(f, src + i * t->size, &r, err) != 0) {
            h5c_free_vlen(t, dst, i);
            return -1;
        }
        memcpy(dst + i * sizeof r, &r, sizeof r);
    }
    return 0;
}

static int convert_compound(h5c_file *f, const h5c_dtype *t, const uint8_t *src, uint8_t *dst, h5c_error *err)
{
    if (src != dst) memset(dst, 0, h5c_dtype_mem_size(t)); /* padding; in place it stays as is */
    for (uint32_t i = 0; i < t->nmembers; i++) {
        const h5c_member *m = &t->members[i];
        if (convert_one(f, m->type, src + m->offset, dst + m->mem_offset, err) != 0) {
            for (uint32_t k = 0; k < i; k++) h5c_free_vlen(t->members[k].type, dst + t->members[k].mem_offset, 1);
            return -1;
        }
    }
    return 0;
}

static int convert_one(h5c_file *f, const h5c_dtype *t, const uint8_t *src, uint8_t *dst, h5c_error *err)
{
    return h5c_convert(f, t, src, dst, 1, err);
}

int h5c_convert(h5c_file *f, const h5c_dtype *t, const uint8_t *src, uint8_t *dst, size_t n, h5c_error *err)
{
    switch (t->cls) {
    case H5C_INTEGER:
    case H5C_FLOAT:
    case H5C_BITFIELD: return convert_number(t, src, dst, n, err);
    case H5C_ENUM:
        if (t->base->size != t->size) return H5C_FMT(err, "enum base size differs from the enum size");
        return h5c_convert(f, t->base, src, dst, n, err);
    case H5C_STRING: convert_fixed_strings(t, src, dst, n); return 0;
    case H5C_OPAQUE:
        if (src != dst) memmove(dst, src, n * t->size);
        return 0;
    case H5C_TIME: return H5C_UNSUP(err, "time datatype");
    case H5C_REFERENCE:
        if (t->ref_type == 1) return convert_regrefs(f, t, src, dst, n, err);
        if (t->ref_type != 0) return H5C_UNSUP(err, "reference type %u", t->ref_type);
        if (t->size != f->so) return H5C_UNSUP(err, "object reference of %u bytes", t->size);
        for (size_t i = 0; i < n; i++) {
            uint64_t a = h5c_le(src + i * t->size, t->size);
            if (f->so < 8 && a == ((uint64_t)1 << (8 * f->so)) - 1) a = H5C_UNDEF;
            if (a == H5C_UNDEF) a = 0;
            memcpy(dst + i * 8, &a, 8);
        }
        return 0;
    case H5C_VLEN:
        if (t->size < 4u + f->so + 4u) return H5C_FMT(err, "variable-length type of %u bytes is too small", t->size);
        for (size_t i = 0; i < n; i++) {
            size_t ms = h5c_dtype_mem_size(t);
            if (convert_vlen(f, t, src + i * t->size, dst + i * ms, err) != 0) {
                h5c_free_vlen(t, dst, i);
                return -1;
            }
        }
        return 0;
    case H5C_COMPOUND: {
        size_t ms = h5c_dtype_mem_size(t);
        if (ms != t->size && src == dst) return H5C_UNSUP(err, "in-place conversion of this compound type");
        for (size_t i = 0; i < n; i++) {
            if (convert_compound(f, t, src + i * t->size, dst + i * ms, err) != 0) {
                h5c_free_vlen(t, dst, i);
                return -1;
            }
        }
        return 0;
    }
    case H5C_ARRAY: {
        size_t k = t->base->size ? t->size / t->base->size : 0;
        size_t ms = h5c_dtype_mem_size(t->base);
        if (k * t->base->size != t->size) return H5C_FMT(err, "array type size is not a multiple of its base");
        if (ms != t->base->size && src == dst) return H5C_UNSUP(err, "in-place conversion of this array type");
        return h5c_convert(f, t->base, src, dst, n * k, err);
    }
    }
    return H5C_UNSUP(err, "datatype class %d", (int)t->cls);
}
