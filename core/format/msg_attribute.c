/* msg_attribute.c - attribute message (0x0C), versions 1-3. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

static int bad(uint64_t addr, const char *why, h5c_error *err)
{
    return H5C_FMT(err, "attribute message at 0x%llx: %s", (unsigned long long)addr, why);
}

/* The datatype or dataspace field, resolved when the flags mark it shared. */
static int field_body(h5c_file *f, uint16_t type, int shared, const uint8_t *p, size_t n, uint64_t addr,
                      uint8_t **owned, const uint8_t **body, size_t *blen, h5c_error *err)
{
    *owned = NULL;
    if (!shared) {
        *body = p;
        *blen = n;
        return 0;
    }
    if (h5c_shared_resolve(f, type, p, n, addr, owned, blen, err) != 0) return -1;
    *body = *owned;
    return 0;
}

static int parse_parts(h5c_file *f, h5c_cur *c, uint8_t version, uint8_t flags, uint64_t addr,
                       h5c_attrmsg *out, h5c_error *err)
{
    uint16_t name_len = h5c_cur_u16(c), dt_len = h5c_cur_u16(c), ds_len = h5c_cur_u16(c);
    if (version == 3) h5c_cur_u8(c); /* name character set */
    size_t pad = version == 1 ? 8 : 1;
    const uint8_t *name = h5c_cur_take(c, (name_len + pad - 1) / pad * pad);
    uint64_t dt_addr = h5c_cur_pos(c);
    const uint8_t *dt = h5c_cur_take(c, (dt_len + pad - 1) / pad * pad);
    uint64_t ds_addr = h5c_cur_pos(c);
    const uint8_t *ds = h5c_cur_take(c, (ds_len + pad - 1) / pad * pad);
    if (!h5c_cur_ok(c) || name_len == 0) return bad(addr, "truncated header fields", err);
    out->name = strndup((const char *)name, name_len);  /* stops at the NUL */
    if (!out->name) return H5C_NOMEM(err);
    uint8_t *owned;
    const uint8_t *body;
    size_t blen;
    if (field_body(f, H5C_MSG_DATATYPE, flags & 1, dt, dt_len, dt_addr, &owned, &body, &blen, err) != 0) return -1;
    int rc = h5c_dtype_parse(f, body, blen, dt_addr, &out->type, err);
    free(owned);
    if (rc != 0) return -1;
    if (field_body(f, H5C_MSG_DATASPACE, flags & 2, ds, ds_len, ds_addr, &owned, &body, &blen, err) != 0) return -1;
    h5c_msg sm = {H5C_MSG_DATASPACE, 0, (uint32_t)blen, body, ds_addr};
    rc = h5c_dspace_parse(f, &sm, &out->space, err);
    free(owned);
    return rc;
}

int h5c_attrmsg_parse(h5c_file *f, const uint8_t *p, size_t len, uint64_t addr, h5c_attrmsg *out, h5c_error *err)
{
    h5c_cur c;
    h5c_file_cur(f, &c, p, len, addr);
    memset(out, 0, sizeof *out);
    uint8_t version = h5c_cur_u8(&c), flags = h5c_cur_u8(&c);
    if (version < 1 || version > 3) return bad(addr, "unknown version", err);
    if (version == 1) flags = 0;
    if (parse_parts(f, &c, version, flags, addr, out, err) != 0) goto fail;
    uint64_t n = h5c_dspace_nelem(&out->space);
    if (n && (n > h5c_cur_left(&c) || n * out->type->size > h5c_cur_left(&c))) {
        h5c_fail(err, H5C_ERR_FORMAT, "attribute '%s' at 0x%llx: %llu elements of %u bytes exceed the message",
                 out->name, (unsigned long long)addr, (unsigned long long)n, out->type->size);
        goto fail;
    }
    out->data_len = (size_t)(n * out->type->size);
    out->data = malloc(out->data_len ? out->data_len : 1);
    if (!out->data) {
        H5C_NOMEM(err);
        goto fail;
    }
    memcpy(out->data, c.p, out->data_len);
    return 0;
fail:
    h5c_attrmsg_free(out);
    return -1;
}

void h5c_attrmsg_free(h5c_attrmsg *a)
{
    free(a->name);
    h5c_dtype_free(a->type);
    free(a->data);
    memset(a, 0, sizeof *a);
}
