/* chunk_btree2.c - chunk index in a version 2 B-tree (layout v4, index
 * type 5), used when more than one dimension is unlimited.
 *
 * Records (the tree itself is walked by h5c_bt2_iterate in btree2.c):
 *   type 10, unfiltered: chunk address, then one u64 scaled offset per
 *            dataset dimension;
 *   type 11, filtered:   chunk address, stored chunk size (1..8 bytes), filter
 *            mask (u32), then the scaled offsets.
 * The size field width follows from the record size. No pruning: every
 * record is read, those outside the box are dropped. */
#include "chunk_index.h"

#include <string.h>

typedef struct bt2ud {
    h5c_cidx *x;
    uint64_t root;
} bt2ud;

static int bt2_record(const uint8_t *rec, size_t len, uint8_t type, void *ud, h5c_error *err)
{
    bt2ud *u = ud;
    h5c_cidx *x = u->x;
    size_t so = x->f->so, offs = 8 * (size_t)x->rank;
    h5c_cur c;
    h5c_file_cur(x->f, &c, rec, len, u->root);
    uint64_t addr, size = x->chunk_bytes;
    uint32_t mask = 0;
    if (type == 10) {
        if (x->filtered)
            return H5C_FMT(err, "B-tree v2 chunk index at 0x%llx: unfiltered records (type 10) for a "
                                "filtered dataset",
                           (unsigned long long)u->root);
        if (len != so + offs)
            return H5C_FMT(err, "B-tree v2 chunk index at 0x%llx: record size %zu does not fit rank %d",
                           (unsigned long long)u->root, len, x->rank);
        addr = h5c_cur_addr(&c);
    } else if (type == 11) {
        if (len < so + 5 + offs || len > so + 12 + offs)
            return H5C_FMT(err, "B-tree v2 chunk index at 0x%llx: record size %zu does not fit rank %d",
                           (unsigned long long)u->root, len, x->rank);
        addr = h5c_cur_addr(&c);
        size = h5c_cur_uint(&c, (unsigned)(len - so - 4 - offs));
        mask = h5c_cur_u32(&c);
    } else {
        return H5C_FMT(err, "B-tree v2 chunk index at 0x%llx: record type %u is not a chunk record",
                       (unsigned long long)u->root, type);
    }
    uint64_t scaled[H5C_MAX_RANK];
    for (int i = 0; i < x->rank; i++) scaled[i] = h5c_cur_u64(&c);
    if (!h5c_cur_ok(&c))
        return H5C_FMT(err, "B-tree v2 chunk index at 0x%llx: truncated record", (unsigned long long)u->root);
    return h5c_cidx_emit(x, addr, size, mask, scaled, "B-tree v2 chunk index", u->root, err);
}

int h5c_chunks_btree2(h5c_cidx *x, h5c_error *err)
{
    bt2ud u;
    memset(&u, 0, sizeof u);
    u.x = x;
    u.root = x->d->layout.addr;
    if (u.root == H5C_UNDEF) return 0;
    int rc = h5c_bt2_iterate(x->f, u.root, bt2_record, &u, err);
    if (rc < 0) h5c_err_context(err, "chunk index of dataset at 0x%llx", (unsigned long long)x->d->addr);
    return rc;
}
