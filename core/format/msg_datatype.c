/* msg_datatype.c - datatype message (0x03): every class, versions 1-3. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

static int parse_type(h5c_cur *c, h5c_dtype **out, int depth, h5c_error *err);

static int bad(const h5c_cur *c, const char *why, h5c_error *err)
{
    return H5C_FMT(err, "datatype at 0x%llx: %s", (unsigned long long)h5c_cur_pos(c), why);
}

/* NUL-terminated name; v1/v2 names are padded to a multiple of 8. */
static char *take_name(h5c_cur *c, int padded)
{
    size_t left = h5c_cur_left(c);
    const uint8_t *nul = memchr(c->p, 0, left);
    if (!nul) {
        c->bad = 1;
        return NULL;
    }
    size_t n = (size_t)(nul - c->p);
    char *s = strndup((const char *)c->p, n);
    size_t adv = padded ? (n + 8) / 8 * 8 : n + 1;
    h5c_cur_skip(c, adv);
    return s;
}

static int parse_float(h5c_cur *c, h5c_dtype *t, uint32_t bits, h5c_error *err)
{
    if ((bits & 1) && (bits & 0x40)) return H5C_UNSUP(err, "VAX-order floating point at 0x%llx",
                                                      (unsigned long long)h5c_cur_pos(c));
    t->big_endian = bits & 1;
    t->mant_norm = (bits >> 4) & 3;
    t->sign_loc = (bits >> 8) & 0xff;
    t->bit_offset = h5c_cur_u16(c);
    t->precision = h5c_cur_u16(c);
    t->exp_loc = h5c_cur_u8(c);
    t->exp_size = h5c_cur_u8(c);
    t->mant_loc = h5c_cur_u8(c);
    t->mant_size = h5c_cur_u8(c);
    t->exp_bias = h5c_cur_u32(c);
    return 0;
}

static uint32_t mem_align(const h5c_dtype *t)
{
    switch (t->cls) {
    case H5C_VLEN:
    case H5C_REFERENCE: return 8;
    case H5C_ARRAY:
    case H5C_ENUM: return mem_align(t->base);
    case H5C_COMPOUND: {
        uint32_t a = 1;
        for (uint32_t i = 0; i < t->nmembers; i++) {
            uint32_t m = mem_align(t->members[i].type);
            if (m > a) a = m;
        }
        return a;
    }
    case H5C_INTEGER:
    case H5C_FLOAT:
    case H5C_BITFIELD:
    case H5C_TIME: return t->size >= 8 ? 8 : t->size >= 4 ? 4 : t->size >= 2 ? 2 : 1;
    default: return 1;
    }
}

/* Memory layout of a compound: the file layout when every member keeps its
 * size, else members in order, naturally aligned. */
static void compound_mem_layout(h5c_dtype *t)
{
    int same = 1;
    for (uint32_t i = 0; i < t->nmembers; i++)
        if (h5c_dtype_mem_size(t->members[i].type) != t->members[i].type->size) same = 0;
    if (same) {
        for (uint32_t i = 0; i < t->nmembers; i++) t->members[i].mem_offset = t->members[i].offset;
        t->mem_size = t->size;
        return;
    }
    uint64_t off = 0, amax = 1;
    for (uint32_t i = 0; i < t->nmembers; i++) {
        uint32_t a = mem_align(t->members[i].type);
        if (a > amax) amax = a;
        off = (off + a - 1) / a * a;
        t->members[i].mem_offset = (uint32_t)off;
        off += h5c_dtype_mem_size(t->members[i].type);
    }
    t->mem_size = (uint32_t)((off + amax - 1) / amax * amax);
}

static int parse_compound(h5c_cur *c, h5c_dtype *t, uint8_t version, uint32_t bits, int depth, h5c_error *err)
{
    t->nmembers = bits & 0xffff;
    if (t->nmembers > h5c_cur_left(c)) return bad(c, "compound member count exceeds message", err);
    t->members = calloc(t->nmembers ? t->nmembers : 1, sizeof *t->members);
    if (!t->members) return H5C_NOMEM(err);
    for (uint32_t i = 0; i < t->nmembers; i++) {
        h5c_member *mb = &t->members[i];
        mb->name = take_name(c, version < 3);
        if (version < 3) {
            mb->offset = h5c_cur_u32(c);
        } else {
            mb->offset = (uint32_t)h5c_cur_uint(c, h5c_bytes_for(t->size));
        }
        uint32_t adims[4] = {0};
        uint8_t nd = 0;
        if (version == 1) {
            nd = h5c_cur_u8(c);
            h5c_cur_skip(c, 3 + 4 + 4);
            for (int k = 0; k < 4; k++) adims[k] = h5c_cur_u32(c);
        }
        if (!h5c_cur_ok(c) || !mb->name) return bad(c, "truncated compound member", err);
        if (parse_type(c, &mb->type, depth + 1, err) != 0) return -1;
        if (nd > 4) return bad(c, "compound member dimensionality above 4", err);
        if (nd) { /* v1 array member: wrap the base type */
            h5c_dtype *a = calloc(1, sizeof *a);
            if (!a) return H5C_NOMEM(err);
            a->cls = H5C_ARRAY;
            a->ndims = nd;
            a->base = mb->type;
            uint64_t n = 1;
            for (int k = 0; k < nd; k++) {
                a->dims[k] = adims[k];
                n *= adims[k];
            }
            a->size = (uint32_t)(n * a->base->size);
            mb->type = a;
        }
        if ((uint64_t)mb->offset + mb->type->size > t->size)
            return bad(c, "compound member lies outside the element", err);
        if (h5c_dtype_mem_size(mb->type) > ((size_t)1 << 24))
            return h5c_fail(err, H5C_ERR_LIMIT, "compound member '%s' too large in memory", mb->name);
    }
    compound_mem_layout(t);
    return 0;
}

static int parse_enum(h5c_cur *c, h5c_dtype *t, uint8_t version, uint32_t bits, int depth, h5c_error *err)
{
    t->nmembers = bits & 0xffff;
    if (parse_type(c, &t->base, depth + 1, err) != 0) return -1;
    if (t->nmembers > h5c_cur_left(c)) return bad(c, "enum member count exceeds message", err);
    t->enum_names = calloc(t->nmembers ? t->nmembers : 1, sizeof *t->enum_names);
    if (!t->enum_names) return H5C_NOMEM(err);
    for (uint32_t i = 0; i < t->nmembers; i++) t->enum_names[i] = take_name(c, version < 3);
    size_t vbytes = (size_t)t->nmembers * t->base->size;
    const uint8_t *v = h5c_cur_take(c, vbytes);
    if (!v) return bad(c, "truncated enum values", err);
    t->enum_values = malloc(vbytes ? vbytes : 1);
    if (!t->enum_values) return H5C_NOMEM(err);
    memcpy(t->enum_values, v, vbytes);
    return 0;
}

static int parse_array(h5c_cur *c, h5c_dtype *t, uint8_t version, int depth, h5c_error *err)
{
    t->ndims = h5c_cur_u8(c);
    if (t->ndims == 0 || t->ndims > H5C_MAX_RANK) return bad(c, "bad array dimensionality", err);
    if (version < 3) h5c_cur_skip(c, 3);
    uint64_t n = 1;
    for (uint32_t k = 0; k < t->ndims; k++) {
        t->dims[k] = h5c_cur_u32(c);
        n *= t->dims[k] ? t->dims[k] : 1;
        if (n > UINT32_MAX) return bad(c, "array type too large", err);
    }
    if (version < 3) h5c_cur_skip(c, 4 * t->ndims);
    if (!h5c_cur_ok(c)) return bad(c, "truncated array type", err);
    return parse_type(c, &t->base, depth + 1, err);
}

static int parse_props(h5c_cur *c, h5c_dtype *t, uint8_t version, uint32_t bits, int depth, h5c_error *err)
{
    switch (t->cls) {
    case H5C_INTEGER:
    case H5C_BITFIELD:
        t->big_endian = bits & 1;
        t->is_signed = t->cls == H5C_INTEGER && (bits & 8);
        t->bit_offset = h5c_cur_u16(c);
        t->precision = h5c_cur_u16(c);
        return 0;
    case H5C_FLOAT: return parse_float(c, t, bits, err);
    case H5C_TIME:
        t->big_endian = bits & 1;
        t->precision = h5c_cur_u16(c);
        return 0;
    case H5C_STRING:
        t->pad = bits & 0xf;
        t->cset = (bits >> 4) & 0xf;
        return 0;
    case H5C_OPAQUE: {
        size_t n = bits & 0xff;
        const uint8_t *tag = h5c_cur_take(c, n);
        if (!tag) return bad(c, "truncated opaque tag", err);
        t->tag = strndup((const char *)tag, n);
        return t->tag ? 0 : H5C_NOMEM(err);
    }
    case H5C_COMPOUND: return parse_compound(c, t, version, bits, depth, err);
    case H5C_REFERENCE:
        t->ref_type = bits & 0xf;
        return 0;
    case H5C_ENUM: return parse_enum(c, t, version, bits, depth, err);
    case H5C_VLEN:
        t->vlen_string = (bits & 0xf) == 1;
        t->pad = (bits >> 4) & 0xf;
        t->cset = (bits >> 8) & 0xf;
        return parse_type(c, &t->base, depth + 1, err);
    case H5C_ARRAY: return parse_array(c, t, version, depth, err);
    }
    return bad(c, "unknown datatype class", err);
}

static int parse_type(h5c_cur *c, h5c_dtype **out, int depth, h5c_error *err)
{
    *out = NULL;
    if (depth > H5C_MAX_DTYPE_DEPTH) return bad(c, "datatype nesting too deep", err);
    uint64_t at = h5c_cur_pos(c);
    uint8_t cv = h5c_cur_u8(c);
    uint32_t bits = (uint32_t)h5c_cur_uint(c, 3);
    uint32_t size = h5c_cur_u32(c);
    if (!h5c_cur_ok(c)) return bad(c, "truncated", err);
    uint8_t version = cv >> 4, cls = cv & 0xf;
    if (version < 1 || version > 4)
        return H5C_FMT(err, "datatype at 0x%llx: unknown version %u", (unsigned long long)at, version);
    if (cls > H5C_ARRAY)
        return H5C_UNSUP(err, "datatype class %u at 0x%llx", cls, (unsigned long long)at);
    h5c_dtype *t = calloc(1, sizeof *t);
    if (!t) return H5C_NOMEM(err);
    *out = t;
    t->cls = (h5c_class)cls;
    t->size = size;
    if (parse_props(c, t, version, bits, depth, err) != 0) return -1;
    if (!h5c_cur_ok(c)) return bad(c, "truncated properties", err);
    if (t->cls == H5C_ARRAY) {
        uint64_t n = 1;
        for (uint32_t k = 0; k < t->ndims; k++) n *= t->dims[k];
        /* n < 2^32 and base size < 2^32: the product fits in 64 bits; an
         * element that does not fit the 32-bit size field is malformed
         * (it would wrap to a small size over a huge memory layout) */
        if (n * t->base->size > UINT32_MAX) return bad(c, "array type larger than 4 GiB per element", err);
        if (n * t->base->size != t->size && t->base->cls != H5C_VLEN && t->size != 0)
            t->size = (uint32_t)(n * t->base->size);
    }
    if (t->size == 0 && t->cls != H5C_COMPOUND)
        return H5C_FMT(err, "datatype at 0x%llx: element size of zero", (unsigned long long)at);
    return 0;
}

int h5c_dtype_parse(h5c_file *f, const uint8_t *p, size_t len, uint64_t addr, h5c_dtype **out, h5c_error *err)
{
    h5c_cur c;
    h5c_file_cur(f, &c, p, len, addr);
    if (parse_type(&c, out, 0, err) != 0) {
        h5c_dtype_free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

void h5c_dtype_free(h5c_dtype *t)
{
    if (!t) return;
    h5c_dtype_free(t->base);
    if (t->members)
        for (uint32_t i = 0; i < t->nmembers; i++) {
            free(t->members[i].name);
            h5c_dtype_free(t->members[i].type);
        }
    free(t->members);
    if (t->enum_names)
        for (uint32_t i = 0; i < t->nmembers; i++) free(t->enum_names[i]);
    free(t->enum_names);
    free(t->enum_values);
    free(t->tag);
    free(t);
}
