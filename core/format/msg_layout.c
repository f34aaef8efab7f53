/* msg_layout.c - data layout message (0x08), versions 1-4. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

static int bad(const h5c_msg *m, const char *why, h5c_error *err)
{
    return H5C_FMT(err, "data layout message at 0x%llx: %s", (unsigned long long)m->addr, why);
}

static int take_compact(h5c_cur *c, h5c_layout *out, uint64_t size, const h5c_msg *m, h5c_error *err)
{
    const uint8_t *d = h5c_cur_take(c, (size_t)size);
    if (!d) return bad(m, "compact data truncated", err);
    out->size = size;
    out->compact = malloc(size ? size : 1);
    if (!out->compact) return H5C_NOMEM(err);
    memcpy(out->compact, d, size);
    return 0;
}

/* Chunk dimensions: dataset rank + 1 entries, the last one the element size. */
static int set_chunk_dims(h5c_layout *out, const uint64_t *dims, unsigned n, const h5c_msg *m, h5c_error *err)
{
    if (n < 2 || n > H5C_MAX_RANK + 1) return bad(m, "bad chunk dimensionality", err);
    out->ndims = (int)n - 1;
    for (unsigned i = 0; i + 1 < n; i++) {
        if (dims[i] == 0 || dims[i] > UINT32_MAX) return bad(m, "chunk dimension of zero or too large", err);
        out->chunk[i] = (uint32_t)dims[i];
    }
    out->elem_size = (uint32_t)dims[n - 1];
    return 0;
}

static int parse_v12(h5c_cur *c, h5c_layout *out, const h5c_msg *m, h5c_error *err)
{
    unsigned nd = h5c_cur_u8(c);
    out->cls = (h5c_layout_class)h5c_cur_u8(c);
    h5c_cur_skip(c, 5);
    if (out->cls > H5C_LAYOUT_CHUNKED) return bad(m, "unknown layout class", err);
    out->addr = out->cls != H5C_LAYOUT_COMPACT ? h5c_cur_addr(c) : H5C_UNDEF;
    if (nd > H5C_MAX_RANK + 1) return bad(m, "bad dimensionality", err);
    uint64_t dims[H5C_MAX_RANK + 1];
    for (unsigned i = 0; i < nd; i++) dims[i] = h5c_cur_u32(c);
    if (!h5c_cur_ok(c)) return bad(m, "truncated", err);
    if (out->cls == H5C_LAYOUT_CHUNKED) {
        out->index = H5C_INDEX_BTREE1;
        h5c_cur_skip(c, 4); /* dataset element size */
        return set_chunk_dims(out, dims, nd, m, err);
    }
    out->size = UINT64_MAX; /* contiguous size derives from the dataspace */
    if (out->cls == H5C_LAYOUT_COMPACT) return take_compact(c, out, h5c_cur_u32(c), m, err);
    return 0;
}

static int parse_v4_index(h5c_cur *c, h5c_layout *out, h5c_file *f, const h5c_msg *m, h5c_error *err)
{
    uint8_t type = h5c_cur_u8(c);
    switch (type) {
    case 1:
        out->index = H5C_INDEX_SINGLE;
        if (out->flags & 2) {
            out->single_size = h5c_cur_len(c);
            out->single_mask = h5c_cur_u32(c);
        }
        break;
    case 2: out->index = H5C_INDEX_IMPLICIT; break;
    case 3:
        out->index = H5C_INDEX_FIXED_ARRAY;
        out->fa_page_bits = h5c_cur_u8(c);
        break;
    case 4:
        out->index = H5C_INDEX_EXT_ARRAY;
        out->ea_max_bits = h5c_cur_u8(c);
        out->ea_idx_elmts = h5c_cur_u8(c);
        out->ea_min_ptrs = h5c_cur_u8(c);
        out->ea_min_elmts = h5c_cur_u8(c);
        out->ea_page_bits = h5c_cur_u8(c);
        break;
    case 5:
        out->index = H5C_INDEX_BTREE2;
        out->bt2_node_size = h5c_cur_u32(c);
        out->bt2_split = h5c_cur_u8(c);
        out->bt2_merge = h5c_cur_u8(c);
        break;
    default: return bad(m, "unknown chunk index type", err);
    }
    (void)f;
    out->addr = h5c_cur_addr(c);
    return h5c_cur_ok(c) ? 0 : bad(m, "truncated", err);
}

static int parse_chunked(h5c_cur *c, h5c_layout *out, h5c_file *f, const h5c_msg *m, h5c_error *err)
{
    uint64_t dims[H5C_MAX_RANK + 1];
    unsigned nd;
    if (out->version == 3) {
        nd = h5c_cur_u8(c);
        out->addr = h5c_cur_addr(c);
        if (nd > H5C_MAX_RANK + 1) return bad(m, "bad dimensionality", err);
        for (unsigned i = 0; i < nd; i++) dims[i] = h5c_cur_u32(c);
        out->index = H5C_INDEX_BTREE1;
    } else {
        out->flags = h5c_cur_u8(c);
        nd = h5c_cur_u8(c);
        unsigned enc = h5c_cur_u8(c);
        if (nd > H5C_MAX_RANK + 1) return bad(m, "bad dimensionality", err);
        if (enc < 1 || enc > 8) return bad(m, "bad dimension size encoding", err);
        for (unsigned i = 0; i < nd; i++) dims[i] = h5c_cur_uint(c, enc);
    }
    if (!h5c_cur_ok(c)) return bad(m, "truncated", err);
    if (set_chunk_dims(out, dims, nd, m, err) != 0) return -1;
    return out->version == 3 ? 0 : parse_v4_index(c, out, f, m, err);
}

int h5c_layout_parse(h5c_file *f, const h5c_msg *m, h5c_layout *out, h5c_error *err)
{
    h5c_cur c;
    h5c_file_cur(f, &c, m->data, m->size, m->addr);
    memset(out, 0, sizeof *out);
    out->addr = H5C_UNDEF;
    out->version = h5c_cur_u8(&c);
    int rc;
    if (out->version == 1 || out->version == 2) {
        rc = parse_v12(&c, out, m, err);
    } else if (out->version == 3 || out->version == 4) {
        out->cls = (h5c_layout_class)h5c_cur_u8(&c);
        switch (out->cls) {
        case H5C_LAYOUT_COMPACT: rc = take_compact(&c, out, h5c_cur_u16(&c), m, err); break;
        case H5C_LAYOUT_CONTIGUOUS:
            out->addr = h5c_cur_addr(&c);
            out->size = h5c_cur_len(&c);
            rc = h5c_cur_ok(&c) ? 0 : bad(m, "truncated", err);
            break;
        case H5C_LAYOUT_CHUNKED: rc = parse_chunked(&c, out, f, m, err); break;
        case H5C_LAYOUT_VIRTUAL:
            rc = out->version == 4 ? 0 : bad(m, "virtual layout needs version 4", err);
            break;
        default: rc = bad(m, "unknown layout class", err);
        }
    } else {
        rc = H5C_FMT(err, "data layout message at 0x%llx: unknown version %u", (unsigned long long)m->addr,
                     out->version);
    }
    if (rc != 0) h5c_layout_free(out);
    return rc;
}

void h5c_layout_free(h5c_layout *l)
{
    free(l->compact);
    l->compact = NULL;
}
