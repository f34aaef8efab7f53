/* msg_info.c - link info (0x02) and attribute info (0x15) messages, which
 * locate dense (fractal heap + B-tree v2) storage. */
#include "format.h"

static int parse_info(h5c_file *f, const h5c_msg *m, h5c_dense_info *out, unsigned corder_len,
                      const char *what, h5c_error *err)
{
    h5c_cur c;
    h5c_file_cur(f, &c, m->data, m->size, m->addr);
    uint8_t version = h5c_cur_u8(&c), flags = h5c_cur_u8(&c);
    if (version != 0)
        return H5C_FMT(err, "%s message at 0x%llx: unknown version %u", what, (unsigned long long)m->addr, version);
    if (flags & 1) h5c_cur_skip(&c, corder_len);
    out->heap_addr = h5c_cur_addr(&c);
    out->name_bt2 = h5c_cur_addr(&c);
    out->corder_bt2 = (flags & 2) ? h5c_cur_addr(&c) : H5C_UNDEF;
    if (!h5c_cur_ok(&c))
        return H5C_FMT(err, "%s message at 0x%llx: truncated", what, (unsigned long long)m->addr);
    return 0;
}

int h5c_linkinfo_parse(h5c_file *f, const h5c_msg *m, h5c_dense_info *out, h5c_error *err)
{
    return parse_info(f, m, out, 8, "link info", err);
}

int h5c_attrinfo_parse(h5c_file *f, const h5c_msg *m, h5c_dense_info *out, h5c_error *err)
{
    return parse_info(f, m, out, 2, "attribute info", err);
}
