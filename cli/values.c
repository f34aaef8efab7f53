/* values.c - element values of h5c_read / attribute buffers as JSON, CSV
 * cells and raw bytes (see values.h). Buffers hold the library's memory
 * representation (h5coro.h): numbers in native byte order, integers
 * normalized, floats IEEE binary16/32/64; nothing is decoded again here. */
#define _POSIX_C_SOURCE 200809L
#include "values.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NUM_BUF 160  /* holds any number this file formats */

static int host_is_be(void)
{
    const uint16_t one = 1;
    uint8_t b;
    memcpy(&b, &one, 1);
    return b == 0;
}

static void reverse_bytes(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n / 2; i++) {
        uint8_t tmp = p[i];
        p[i] = p[n - 1 - i];
        p[n - 1 - i] = tmp;
    }
}

/* ---- numbers as text ---------------------------------------------------- */

/* A native integer of 1, 2, 4 or 8 bytes as decimal text; returns 0 for
 * other sizes (the library produces none). */
static int fmt_int(size_t size, int is_signed, const uint8_t *p, char *buf, size_t len)
{
    union { uint8_t u8; uint16_t u16; uint32_t u32; uint64_t u64; } x;
    if (size != 1 && size != 2 && size != 4 && size != 8) return 0;
    memcpy(&x, p, size);
    uint64_t v = size == 1 ? x.u8 : size == 2 ? x.u16 : size == 4 ? x.u32 : x.u64;
    if (is_signed && size < 8 && (v >> (8 * size - 1))) v |= ~(uint64_t)0 << (8 * size);
    if (is_signed && (v >> 63)) snprintf(buf, len, "-%" PRIu64, ~v + 1);
    else snprintf(buf, len, "%" PRIu64, v);
    return 1;
}

/* IEEE binary16 bits as a double (exact). */
static double half_to_double(uint16_t h)
{
    unsigned e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v;
    if (e == 0) v = ldexp(m, -24);
    else if (e == 31) v = m ? NAN : HUGE_VAL;
    else v = ldexp(m | 0x400, (int)e - 25);
    return (h & 0x8000) ? -v : v;
}

/* A float element (IEEE of 2, 4 or 8 bytes) as a double; 0 for other sizes. */
static int float_value(const h5c_dtype *t, const uint8_t *p, double *out)
{
    switch (t->size) {
    case 2: {
        uint16_t h;
        memcpy(&h, p, 2);
        *out = half_to_double(h);
        return 1;
    }
    case 4: {
        float f;
        memcpy(&f, p, 4);
        *out = f;
        return 1;
    }
    case 8: memcpy(out, p, 8); return 1;
    default:
        if (t->size > 8 && t->size <= 16) {  /* held as the native long double */
            long double ld;
            memcpy(&ld, p, sizeof ld);
            *out = (double)ld;
            return 1;
        }
        return 0;
    }
}

/* Text of a numeric element (integer, float, time, bitfield, enum,
 * reference); returns 0 when t is not numeric or cannot be formatted. */
static int fmt_number(const h5c_dtype *t, const uint8_t *p, char *buf, size_t len)
{
    switch (t->cls) {
    case H5C_INTEGER:
    case H5C_TIME: return fmt_int(t->size, t->is_signed, p, buf, len);
    case H5C_BITFIELD: return fmt_int(t->size, 0, p, buf, len);
    case H5C_ENUM:
        if (t->base && t->base->cls == H5C_INTEGER)
            return fmt_int(t->base->size, t->base->is_signed, p, buf, len);
        return fmt_int(t->size, 0, p, buf, len);
    case H5C_FLOAT: {
        double v;
        if (!float_value(t, p, &v)) return 0;
        json_format_double(v, buf, len);
        return 1;
    }
    case H5C_REFERENCE: {
        uint64_t addr;
        if (h5c_dtype_mem_size(t) < sizeof addr) return 0;
        memcpy(&addr, p, sizeof addr);
        snprintf(buf, len, "%" PRIu64, addr);
        return 1;
    }
    default: return 0;
    }
}

/* ---- type properties ---------------------------------------------------- */

int hv_has_vlen(const h5c_dtype *t)
{
    if (!t) return 0;
    switch (t->cls) {
    case H5C_VLEN: return 1;
    case H5C_ARRAY: return hv_has_vlen(t->base);
    case H5C_COMPOUND:
        for (uint32_t i = 0; i < t->nmembers; i++)
            if (t->members && hv_has_vlen(t->members[i].type)) return 1;
        return 0;
    default: return 0;
    }
}

int hv_has_ref(const h5c_dtype *t)
{
    if (!t) return 0;
    switch (t->cls) {
    case H5C_REFERENCE: return 1;
    case H5C_ARRAY:
    case H5C_VLEN: return hv_has_ref(t->base);
    case H5C_COMPOUND:
        for (uint32_t i = 0; i < t->nmembers; i++)
            if (t->members && hv_has_ref(t->members[i].type)) return 1;
        return 0;
    default: return 0;
    }
}

static uint64_t array_type_count(const h5c_dtype *t)
{
    uint64_t n = 1;
    for (uint32_t i = 0; i < t->ndims && i < H5C_MAX_RANK; i++) n *= t->dims[i];
    return n;
}

/* Bytes of fixed-string content: the library hands fixed strings out
 * NUL-padded (padding already removed as libhdf5 removes it; core/format/convert.c), and trailing
 * NULs are not part of the value, as numpy's |S shows it. */
static size_t fixed_str_len(const h5c_dtype *t, const uint8_t *p, size_t n)
{
    (void)t;
    while (n > 0 && p[n - 1] == 0) n--;
    return n;
}

static void hex_text(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* ---- JSON --------------------------------------------------------------- */

static void json_nd(jw *w, const h5c_dtype *t, const uint8_t *buf, size_t es, int rank,
                    const uint64_t *dims, int d, uint64_t index)
{
    if (d == rank) {
        hv_json_value(w, t, buf + index * es, es);
        return;
    }
    jw_begin_array(w, 0);
    for (uint64_t i = 0; i < dims[d]; i++)
        json_nd(w, t, buf, es, rank, dims, d + 1, index * dims[d] + i);
    jw_end_array(w);
}

static void json_opaque(jw *w, const uint8_t *p, size_t n)
{
    char *hex = (char *)malloc(2 * n + 1);
    if (!hex) {
        jw_null(w);
        return;
    }
    hex_text(p, n, hex);
    jw_string(w, hex);
    free(hex);
}

static void json_compound(jw *w, const h5c_dtype *t, const uint8_t *p, size_t avail)
{
    jw_begin_object(w, 0);
    for (uint32_t i = 0; t->members && i < t->nmembers; i++) {
        const h5c_member *m = &t->members[i];
        jw_key(w, m->name ? m->name : "");
        if (!m->type || m->mem_offset > avail) jw_null(w);
        else hv_json_value(w, m->type, p + m->mem_offset, avail - m->mem_offset);
    }
    jw_end_object(w);
}

static void json_array_type(jw *w, const h5c_dtype *t, const uint8_t *p, size_t avail)
{
    size_t bs = t->base ? h5c_dtype_mem_size(t->base) : 0;
    uint64_t n = array_type_count(t);
    if (!t->base || t->ndims == 0 || t->ndims > H5C_MAX_RANK || (bs && n > avail / bs)) {
        jw_null(w);
        return;
    }
    uint64_t dims[H5C_MAX_RANK];
    for (uint32_t i = 0; i < t->ndims; i++) dims[i] = t->dims[i];
    json_nd(w, t->base, p, bs, (int)t->ndims, dims, 0, 0);
}

static void json_vlen(jw *w, const h5c_dtype *t, const uint8_t *p)
{
    if (t->vlen_string) {
        const char *s;
        memcpy(&s, p, sizeof s);
        jw_string(w, s);
        return;
    }
    h5c_vlen v;
    memcpy(&v, p, sizeof v);
    size_t bs = t->base ? h5c_dtype_mem_size(t->base) : 0;
    if (!t->base || (v.len > 0 && (!v.p || bs == 0 || v.len > SIZE_MAX / bs))) {
        jw_null(w);
        return;
    }
    uint64_t dims[1] = {v.len};
    json_nd(w, t->base, (const uint8_t *)v.p, bs, 1, dims, 0, 0);
}

/* {"addr": N, "selection": {...}}; null for a null reference. */
static void json_regref(jw *w, const uint8_t *p)
{
    h5c_regref r;
    memcpy(&r, p, sizeof r);
    if (!r.selection) {
        jw_null(w);
        return;
    }
    char num[32];
    jw_begin_object(w, 0);
    jw_key(w, "addr");
    snprintf(num, sizeof num, "%" PRIu64, r.addr);
    jw_raw(w, num);
    jw_key(w, "selection");
    jw_raw(w, r.selection);
    jw_end_object(w);
}

void hv_json_value(jw *w, const h5c_dtype *t, const uint8_t *p, size_t avail)
{
    if (!t || !p || h5c_dtype_mem_size(t) > avail) {
        jw_null(w);
        return;
    }
    char num[NUM_BUF];
    switch (t->cls) {
    case H5C_STRING: jw_string_n(w, (const char *)p, fixed_str_len(t, p, t->size)); return;
    case H5C_OPAQUE: json_opaque(w, p, t->size); return;
    case H5C_COMPOUND: json_compound(w, t, p, avail); return;
    case H5C_ARRAY: json_array_type(w, t, p, avail); return;
    case H5C_VLEN: json_vlen(w, t, p); return;
    case H5C_REFERENCE:
        if (t->ref_type == 1) {
            json_regref(w, p);
            return;
        }
        /* fall through */
    default:
        if (fmt_number(t, p, num, sizeof num)) jw_raw(w, num);
        else jw_null(w);
        return;
    }
}

void hv_json_block(jw *w, const h5c_dtype *t, const uint8_t *buf, size_t buf_len,
                   int rank, const uint64_t *dims)
{
    if (rank < 0 || !t) {
        jw_null(w);
        return;
    }
    size_t es = h5c_dtype_mem_size(t);
    uint64_t n = 1;
    for (int i = 0; i < rank; i++) n = dims[i] && n > UINT64_MAX / dims[i] ? UINT64_MAX : n * dims[i];
    if (n > 0 && (!buf || es == 0 || n > buf_len / es)) {
        jw_null(w);
        return;
    }
    json_nd(w, t, buf, es, rank, dims, 0, 0);
}

/* ---- CSV ---------------------------------------------------------------- */

static void csv_field(FILE *f, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

void hv_csv_cell(FILE *f, const h5c_dtype *t, const uint8_t *p, size_t avail)
{
    char num[NUM_BUF];
    if (!t || !p || h5c_dtype_mem_size(t) > avail) return;
    if (t->cls == H5C_STRING) {
        csv_field(f, (const char *)p, fixed_str_len(t, p, t->size));
    } else if (t->cls == H5C_VLEN && t->vlen_string) {
        const char *s;
        memcpy(&s, p, sizeof s);
        if (s) csv_field(f, s, strlen(s));
    } else if (t->cls == H5C_OPAQUE) {
        char *hex = (char *)malloc(2 * (size_t)t->size + 1);
        if (!hex) return;
        hex_text(p, t->size, hex);
        fputs(hex, f);
        free(hex);
    } else if (t->cls == H5C_COMPOUND || t->cls == H5C_ARRAY || t->cls == H5C_VLEN ||
               (t->cls == H5C_REFERENCE && t->ref_type == 1)) {
        char *text = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);
        if (!m) return;
        jw w;
        jw_init(&w, m, 0);
        hv_json_value(&w, t, p, avail);
        fclose(m);
        csv_field(f, text, len);
        free(text);
    } else if (fmt_number(t, p, num, sizeof num)) {
        fputs(num, f);
    }
}

/* ---- raw bytes ---------------------------------------------------------- */

static int raw_check(const h5c_dtype *t, char *msg, size_t msg_len)
{
    if (!t) {
        snprintf(msg, msg_len, "datatype is missing");
        return -1;
    }
    if (hv_has_vlen(t)) {
        snprintf(msg, msg_len, "variable-length data has no raw binary form; use --format json or csv");
        return -1;
    }
    if (hv_has_ref(t)) {
        snprintf(msg, msg_len, "references have no raw binary form; use --format json or csv");
        return -1;
    }
    return 0;
}

/* Whether t holds a numeric value whose file byte order is not native. */
static int has_foreign_order(const h5c_dtype *t)
{
    switch (t->cls) {
    case H5C_INTEGER:
    case H5C_FLOAT:
    case H5C_TIME:
    case H5C_BITFIELD: return t->big_endian != host_is_be() && h5c_dtype_mem_size(t) == t->size;
    case H5C_ENUM:
    case H5C_ARRAY: return t->base && has_foreign_order(t->base);
    case H5C_COMPOUND:
        for (uint32_t i = 0; t->members && i < t->nmembers; i++)
            if (t->members[i].type && has_foreign_order(t->members[i].type)) return 1;
        return 0;
    default: return 0;
    }
}

/* Byte-swap, in place, every numeric value whose file order is not native. */
static void to_file_order(const h5c_dtype *t, uint8_t *p)
{
    switch (t->cls) {
    case H5C_INTEGER:
    case H5C_FLOAT:
    case H5C_TIME:
    case H5C_BITFIELD:
        /* long doubles (wider floats) stay native: numpy has no other order for them */
        if (t->big_endian != host_is_be() && h5c_dtype_mem_size(t) == t->size) reverse_bytes(p, t->size);
        break;
    case H5C_ENUM:
        if (t->base) to_file_order(t->base, p);
        break;
    case H5C_COMPOUND:
        for (uint32_t i = 0; t->members && i < t->nmembers; i++)
            if (t->members[i].type) to_file_order(t->members[i].type, p + t->members[i].mem_offset);
        break;
    case H5C_ARRAY: {
        if (!t->base) break;
        size_t bs = h5c_dtype_mem_size(t->base);
        uint64_t n = array_type_count(t);
        for (uint64_t i = 0; i < n; i++) to_file_order(t->base, p + i * bs);
        break;
    }
    default: break;
    }
}

int hv_to_raw(const h5c_dtype *t, uint8_t *buf, size_t nelem, int swap_big_endian,
              char *msg, size_t msg_len)
{
    if (raw_check(t, msg, msg_len) != 0) return -1;
    if (!swap_big_endian || !has_foreign_order(t)) return 0;
    size_t es = h5c_dtype_mem_size(t);
    for (size_t i = 0; i < nelem; i++) to_file_order(t, buf + i * es);
    return 0;
}

/* ---- fill values -------------------------------------------------------- */

/* libh5coro's conversion of file-order elements into the memory
 * representation (core/format/convert.c, declared in the library's internal
 * format.h). h5coro.h hands out the fill value in file order and has no
 * public converter; for fixed-size types without references the
 * conversion uses no file handle. */
int h5c_convert(h5c_file *f, const h5c_dtype *t, const uint8_t *src, uint8_t *dst, size_t n,
                h5c_error *err);

int hv_fill_to_mem(const h5c_dtype *t, const void *fill, uint8_t *out, size_t out_len)
{
    if (!t || !fill || hv_has_vlen(t) || hv_has_ref(t)) return -1;
    if (h5c_dtype_mem_size(t) != t->size || out_len < t->size) return -1;
    if (t->cls == H5C_TIME) {  /* the library reads no time values: the raw integer */
        memcpy(out, fill, t->size);
        if (t->big_endian != host_is_be()) reverse_bytes(out, t->size);
        return 0;
    }
    h5c_error e;
    memset(&e, 0, sizeof e);
    return h5c_convert(NULL, t, fill, out, 1, &e) == 0 ? 0 : -1;
}
