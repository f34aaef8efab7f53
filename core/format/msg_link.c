/* msg_link.c - link message (0x06): hard, soft and external links. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

static int bad(uint64_t addr, const char *why, h5c_error *err)
{
    return H5C_FMT(err, "link message at 0x%llx: %s", (unsigned long long)addr, why);
}

/* External link value: version/flags byte, file name, NUL, object path, NUL. */
static int parse_external(const uint8_t *v, size_t n, h5c_link *out, uint64_t addr, h5c_error *err)
{
    if (n < 1) return bad(addr, "empty external link", err);
    const uint8_t *fn = v + 1, *end = v + n;
    const uint8_t *nul = memchr(fn, 0, (size_t)(end - fn));
    if (!nul) return bad(addr, "external link file name not terminated", err);
    out->target_file = strndup((const char *)fn, (size_t)(nul - fn));
    const uint8_t *op = nul + 1;
    out->target = strndup((const char *)op, (size_t)(end - op));
    return out->target_file && out->target ? 0 : H5C_NOMEM(err);
}

static int parse_link(h5c_file *f, const uint8_t *p, size_t len, uint64_t addr, h5c_link *out, h5c_error *err)
{
    h5c_cur c;
    h5c_file_cur(f, &c, p, len, addr);
    memset(out, 0, sizeof *out);
    out->corder = -1;
    uint8_t version = h5c_cur_u8(&c), flags = h5c_cur_u8(&c);
    if (version != 1) return bad(addr, "unknown version", err);
    if (flags & 0x08) out->type = h5c_cur_u8(&c);
    if (flags & 0x04) out->corder = (int64_t)h5c_cur_u64(&c);
    if (flags & 0x10) h5c_cur_u8(&c); /* character set */
    uint64_t nlen = h5c_cur_uint(&c, 1u << (flags & 3));
    const uint8_t *name = h5c_cur_take(&c, (size_t)(nlen > len ? len + 1 : nlen));
    if (!h5c_cur_ok(&c) || nlen == 0) return bad(addr, "truncated or empty name", err);
    out->name = strndup((const char *)name, (size_t)nlen);
    if (!out->name) return H5C_NOMEM(err);
    if (out->type == 0) {
        out->addr = h5c_cur_addr(&c);
        return h5c_cur_ok(&c) ? 0 : bad(addr, "truncated hard link", err);
    }
    uint16_t vlen = h5c_cur_u16(&c);
    const uint8_t *v = h5c_cur_take(&c, vlen);
    if (!v) return bad(addr, "truncated link value", err);
    if (out->type == 1) {
        out->target = strndup((const char *)v, vlen);
        return out->target ? 0 : H5C_NOMEM(err);
    }
    if (out->type == 64) return parse_external(v, vlen, out, addr, err);
    return 0; /* user-defined link: listed, never followed */
}

int h5c_link_parse(h5c_file *f, const uint8_t *p, size_t len, uint64_t addr, h5c_link *out, h5c_error *err)
{
    int rc = parse_link(f, p, len, addr, out, err);
    if (rc != 0) h5c_link_free(out); /* nothing half-built is handed back */
    return rc;
}

void h5c_link_free(h5c_link *l)
{
    free(l->name);
    free(l->target);
    free(l->target_file);
    memset(l, 0, sizeof *l);
}
