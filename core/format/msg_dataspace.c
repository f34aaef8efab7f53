/* msg_dataspace.c - dataspace message (0x01), versions 1 and 2. */
#include "format.h"

#include <string.h>

/* A length of all ones (any size of lengths) means "unlimited". */
static uint64_t read_dim(h5c_cur *c)
{
    uint64_t v = h5c_cur_len(c);
    if (c->sl < 8 && v == ((uint64_t)1 << (8 * c->sl)) - 1) return UINT64_MAX;
    return v;
}

int h5c_dspace_parse(h5c_file *f, const h5c_msg *m, h5c_dspace *out, h5c_error *err)
{
    h5c_cur c;
    h5c_file_cur(f, &c, m->data, m->size, m->addr);
    memset(out, 0, sizeof *out);
    uint8_t version = h5c_cur_u8(&c), rank = h5c_cur_u8(&c), flags = h5c_cur_u8(&c);
    uint8_t type = 1;
    if (version == 1) {
        h5c_cur_skip(&c, 5);
        if (rank == 0) type = 0;
    } else if (version == 2) {
        type = h5c_cur_u8(&c);
    } else {
        return H5C_FMT(err, "dataspace message at 0x%llx: unknown version %u", (unsigned long long)m->addr, version);
    }
    if (rank > H5C_MAX_RANK)
        return H5C_FMT(err, "dataspace message at 0x%llx: rank %u exceeds %d", (unsigned long long)m->addr, rank,
                       H5C_MAX_RANK);
    if (type > 2)
        return H5C_FMT(err, "dataspace message at 0x%llx: unknown type %u", (unsigned long long)m->addr, type);
    out->rank = type == 2 ? -1 : type == 0 ? 0 : rank;
    for (int i = 0; i < rank; i++) out->dims[i] = h5c_cur_len(&c);
    for (int i = 0; i < rank; i++) out->maxdims[i] = (flags & 1) ? read_dim(&c) : out->dims[i];
    if (!h5c_cur_ok(&c))
        return H5C_FMT(err, "dataspace message at 0x%llx: truncated", (unsigned long long)m->addr);
    if (out->rank <= 0) memset(out->dims, 0, sizeof out->dims);
    return 0;
}

uint64_t h5c_dspace_nelem(const h5c_dspace *s)
{
    if (s->rank < 0) return 0;
    uint64_t n = 1;
    for (int i = 0; i < s->rank; i++) {
        if (s->dims[i] && n > UINT64_MAX / s->dims[i]) return UINT64_MAX;
        n *= s->dims[i];
    }
    return n;
}
