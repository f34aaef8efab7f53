/* msg_fill.c - fill value messages: old (0x04) and new (0x05, v1-v3). */
#include "format.h"

#include <stdlib.h>
#include <string.h>

static int take_value(h5c_cur *c, h5c_fill *out, uint64_t addr, h5c_error *err)
{
    out->size = h5c_cur_u32(c);
    if (out->size == UINT32_MAX) { /* libhdf5 writes -1 for "undefined" */
        out->size = 0;
        return h5c_cur_ok(c) ? 0 : H5C_FMT(err, "fill value message at 0x%llx: truncated", (unsigned long long)addr);
    }
    const uint8_t *v = h5c_cur_take(c, out->size);
    if (!v) return H5C_FMT(err, "fill value message at 0x%llx: truncated value", (unsigned long long)addr);
    out->defined = out->size > 0;
    if (!out->size) return 0;
    out->value = malloc(out->size);
    if (!out->value) return H5C_NOMEM(err);
    memcpy(out->value, v, out->size);
    return 0;
}

int h5c_fill_parse(h5c_file *f, const h5c_msg *m, h5c_fill *out, h5c_error *err)
{
    h5c_cur c;
    h5c_file_cur(f, &c, m->data, m->size, m->addr);
    memset(out, 0, sizeof *out);
    if (m->type == H5C_MSG_FILL_OLD) return take_value(&c, out, m->addr, err);
    uint8_t version = h5c_cur_u8(&c);
    if (version == 1 || version == 2) {
        out->alloc_time = h5c_cur_u8(&c);
        out->fill_time = h5c_cur_u8(&c);
        uint8_t defined = h5c_cur_u8(&c);
        if (!h5c_cur_ok(&c)) goto truncated;
        if (version == 1 || defined) return take_value(&c, out, m->addr, err);
        return 0;
    }
    if (version == 3) {
        uint8_t flags = h5c_cur_u8(&c);
        out->alloc_time = flags & 3;
        out->fill_time = (flags >> 2) & 3;
        if (!h5c_cur_ok(&c)) goto truncated;
        if (flags & 0x20) return take_value(&c, out, m->addr, err);
        return 0;
    }
    return H5C_FMT(err, "fill value message at 0x%llx: unknown version %u", (unsigned long long)m->addr, version);
truncated:
    return H5C_FMT(err, "fill value message at 0x%llx: truncated", (unsigned long long)m->addr);
}

void h5c_fill_free(h5c_fill *fv)
{
    free(fv->value);
    memset(fv, 0, sizeof *fv);
}
