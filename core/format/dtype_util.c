/* dtype_util.c - naming types (numpy notation) and their memory sizes. */
#include "format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char order_char(const h5c_dtype *t)
{
    return t->size == 1 ? '|' : t->big_endian ? '>' : '<';
}

const char *h5c_dtype_str(const h5c_dtype *t, char *buf, size_t len)
{
    char base[128];
    if (!buf || !len) return "";
    switch (t->cls) {
    case H5C_INTEGER: snprintf(buf, len, "%c%c%u", order_char(t), t->is_signed ? 'i' : 'u', t->size); break;
    case H5C_FLOAT:
        /* wider than 8 bytes: read as the native long double, named as numpy names it */
        if (t->size > 8 && t->size <= 16) snprintf(buf, len, "<f%zu", sizeof(long double));
        else snprintf(buf, len, "%cf%u", order_char(t), t->size);
        break;
    case H5C_BITFIELD: snprintf(buf, len, "%cu%u", order_char(t), t->size); break;
    case H5C_TIME: snprintf(buf, len, "time%u", t->size * 8); break;
    case H5C_STRING: snprintf(buf, len, "|S%u", t->size); break;
    case H5C_OPAQUE:
    case H5C_COMPOUND: snprintf(buf, len, "|V%u", t->size); break;
    case H5C_REFERENCE: snprintf(buf, len, t->ref_type == 0 ? "ref" : "region-ref"); break;
    case H5C_ENUM: return h5c_dtype_str(t->base, buf, len);
    case H5C_VLEN:
        if (t->vlen_string) snprintf(buf, len, "vlen-str");
        else snprintf(buf, len, "vlen:%s", h5c_dtype_str(t->base, base, sizeof base));
        break;
    case H5C_ARRAY: {
        int n = snprintf(buf, len, "(");
        for (uint32_t i = 0; i < t->ndims && n > 0 && (size_t)n < len; i++)
            n += snprintf(buf + n, len - (size_t)n, "%u,", t->dims[i]);
        if (n > 0 && (size_t)n < len) snprintf(buf + n, len - (size_t)n, ")%s", h5c_dtype_str(t->base, base, sizeof base));
        break;
    }
    default: snprintf(buf, len, "unknown");
    }
    return buf;
}

size_t h5c_dtype_mem_size(const h5c_dtype *t)
{
    switch (t->cls) {
    case H5C_REFERENCE: return t->ref_type == 1 ? sizeof(h5c_regref) : sizeof(uint64_t);
    case H5C_FLOAT: return t->size > 8 && t->size <= 16 ? sizeof(long double) : t->size;
    case H5C_VLEN: return t->vlen_string ? sizeof(char *) : sizeof(h5c_vlen);
    case H5C_ENUM: return h5c_dtype_mem_size(t->base);
    case H5C_COMPOUND: return t->mem_size ? t->mem_size : t->size;
    case H5C_ARRAY: {
        size_t n = 1;
        for (uint32_t i = 0; i < t->ndims; i++) n *= t->dims[i];
        return n * h5c_dtype_mem_size(t->base);
    }
    default: return t->size;
    }
}

int h5c_dtype_is_fixed(const h5c_dtype *t)
{
    switch (t->cls) {
    case H5C_VLEN: return 0;
    case H5C_REFERENCE: return 0;
    case H5C_ENUM:
    case H5C_ARRAY: return h5c_dtype_is_fixed(t->base);
    case H5C_COMPOUND:
        for (uint32_t i = 0; i < t->nmembers; i++)
            if (!h5c_dtype_is_fixed(t->members[i].type)) return 0;
        return 1;
    default: return 1;
    }
}

static void free_elem(const h5c_dtype *t, uint8_t *p)
{
    switch (t->cls) {
    case H5C_REFERENCE:
        if (t->ref_type == 1) {
            h5c_regref r;
            memcpy(&r, p, sizeof r);
            free(r.selection);
        }
        break;
    case H5C_VLEN:
        if (t->vlen_string) {
            char *s;
            memcpy(&s, p, sizeof s);
            free(s);
        } else {
            h5c_vlen v;
            memcpy(&v, p, sizeof v);
            if (v.p) h5c_free_vlen(t->base, v.p, v.len);
            free(v.p);
        }
        break;
    case H5C_ARRAY: {
        size_t n = h5c_dtype_mem_size(t) / h5c_dtype_mem_size(t->base);
        h5c_free_vlen(t->base, p, n);
        break;
    }
    case H5C_COMPOUND:
        for (uint32_t i = 0; i < t->nmembers; i++) h5c_free_vlen(t->members[i].type, p + t->members[i].mem_offset, 1);
        break;
    default: break;
    }
}

void h5c_free_vlen(const h5c_dtype *t, void *buf, size_t nelem)
{
    if (!t || !buf || h5c_dtype_is_fixed(t) || (t->cls == H5C_REFERENCE && t->ref_type != 1)) return;
    size_t es = h5c_dtype_mem_size(t);
    for (size_t i = 0; i < nelem; i++) free_elem(t, (uint8_t *)buf + i * es);
}
