/* btree2.c - version 2 B-trees ("BTHD" header, "BTIN" internal and "BTLF"
 * leaf nodes): in-order visit of every record.
 *
 * The widths of the child-pointer fields are not stored; they follow from
 * the node size, record size and depth (see node_info). Corrupt trees are
 * caught by bounding every record count by what a node can hold, the depth
 * by H5C_MAX_TREE_DEPTH, and the records and nodes visited by the header's
 * record total, so a cycle of child pointers cannot loop. */
#include "format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ULL(x) ((unsigned long long)(x))
#define NODE_PREFIX 10u                   /* signature, version, type, checksum */
#define LIVE_NODE_BYTES (256u << 20)      /* node buffers alive at once (one per level) */

typedef struct bt2 {
    h5c_file *f;
    uint64_t addr;
    uint8_t type;
    uint32_t node_size;
    uint16_t rec_size;
    uint16_t depth;
    uint64_t total;                       /* records in the whole tree */
    uint64_t max_nrec[H5C_MAX_TREE_DEPTH + 1];   /* records a node at depth d holds */
    unsigned cum_size[H5C_MAX_TREE_DEPTH + 1];   /* bytes of a depth-d subtree total */
    unsigned nrec_size;                   /* bytes of a child's record count */
    uint64_t seen_recs, seen_nodes, max_nodes;
    h5c_bt2_fn fn;
    void *ud;
} bt2;

/* Bytes to store values up to v (at least 1), as the library sizes them. */
static unsigned enc_size(uint64_t v) { return h5c_log2_floor(v) / 8 + 1; }

static uint64_t sat_mul_add(uint64_t a, uint64_t b, uint64_t c)
{
    if (a && b > (UINT64_MAX - c) / a) return UINT64_MAX;
    return a * b + c;
}

/* Per-depth capacity of nodes and width of the child pointer fields. */
static int node_info(bt2 *t, h5c_error *err)
{
    uint64_t cum[H5C_MAX_TREE_DEPTH + 1];
    t->max_nrec[0] = (t->node_size - NODE_PREFIX) / t->rec_size;
    cum[0] = t->max_nrec[0];
    t->cum_size[0] = 0;
    t->nrec_size = enc_size(t->max_nrec[0]);
    for (unsigned d = 1; d <= t->depth; d++) {
        size_t ptr = (size_t)t->f->so + t->nrec_size + (d > 1 ? t->cum_size[d - 1] : 0);
        if (t->node_size < NODE_PREFIX + ptr + t->rec_size)
            return H5C_FMT(err, "B-tree v2 at 0x%llx: node size %u too small for internal nodes",
                           ULL(t->addr), t->node_size);
        t->max_nrec[d] = (t->node_size - NODE_PREFIX - ptr) / (t->rec_size + ptr);
        cum[d] = sat_mul_add(t->max_nrec[d] + 1, cum[d - 1], t->max_nrec[d]);
        t->cum_size[d] = enc_size(cum[d]);
    }
    return 0;
}

static int read_header(bt2 *t, uint64_t *root, uint16_t *root_nrec, h5c_error *err)
{
    h5c_file *f = t->f;
    size_t len = 22 + (size_t)f->so + f->sl;
    uint8_t *buf = h5c_meta_read(f, t->addr, len, "B-tree v2 header", err);
    if (!buf) return -1;

    h5c_cur c;
    h5c_file_cur(f, &c, buf, len, t->addr);
    const uint8_t *sig = h5c_cur_take(&c, 4);
    uint8_t version = h5c_cur_u8(&c);
    t->type = h5c_cur_u8(&c);
    t->node_size = h5c_cur_u32(&c);
    t->rec_size = h5c_cur_u16(&c);
    t->depth = h5c_cur_u16(&c);
    h5c_cur_skip(&c, 2);                  /* split and merge percent */
    *root = h5c_cur_addr(&c);
    *root_nrec = h5c_cur_u16(&c);
    t->total = h5c_cur_len(&c);
    int rc = 0;
    if (!h5c_cur_ok(&c) || !sig || memcmp(sig, "BTHD", 4) != 0)
        rc = H5C_FMT(err, "B-tree v2 at 0x%llx: bad signature", ULL(t->addr));
    else if (version != 0)
        rc = H5C_UNSUP(err, "B-tree v2 header version %u at 0x%llx", version, ULL(t->addr));
    else
        rc = h5c_check_sum(buf, len - 4, t->addr, "B-tree v2 header", err);
    free(buf);
    return rc;
}

static int check_header(bt2 *t, h5c_error *err)
{
    if (t->rec_size == 0 || t->node_size <= NODE_PREFIX || t->rec_size > t->node_size - NODE_PREFIX)
        return H5C_FMT(err, "B-tree v2 at 0x%llx: bad node size %u / record size %u", ULL(t->addr),
                       t->node_size, t->rec_size);
    if (t->depth > H5C_MAX_TREE_DEPTH)
        return h5c_fail(err, H5C_ERR_LIMIT, "B-tree v2 at 0x%llx: depth %u exceeds %d", ULL(t->addr),
                        t->depth, H5C_MAX_TREE_DEPTH);
    if ((uint64_t)t->node_size * (t->depth + 1u) > LIVE_NODE_BYTES)
        return h5c_fail(err, H5C_ERR_LIMIT, "B-tree v2 at 0x%llx: %u levels of %u-byte nodes exceed the memory limit",
                        ULL(t->addr), t->depth + 1u, t->node_size);
    /* every record occupies rec_size bytes somewhere in the file */
    if (t->total > t->f->eof / t->rec_size)
        return H5C_FMT(err, "B-tree v2 at 0x%llx: %llu records cannot fit in the file", ULL(t->addr),
                       ULL(t->total));
    return 0;
}

/* Read a node of nrec records at addr and check signature, type and checksum.
 * len is the used part of the node (records, pointers, checksum). */
static uint8_t *read_node(bt2 *t, uint64_t addr, size_t len, int leaf, h5c_error *err)
{
    const char *what = leaf ? "leaf node" : "internal node";
    uint8_t *buf = h5c_meta_read(t->f, addr, len, leaf ? "B-tree v2 leaf node" : "B-tree v2 internal node", err);
    if (!buf) {
        h5c_err_context(err, "B-tree v2 at 0x%llx", ULL(t->addr));
        return NULL;
    }
    int rc = 0;
    if (memcmp(buf, leaf ? "BTLF" : "BTIN", 4) != 0)
        rc = H5C_FMT(err, "B-tree v2 at 0x%llx: %s at 0x%llx: bad signature", ULL(t->addr), what, ULL(addr));
    else if (buf[4] != 0)
        rc = H5C_UNSUP(err, "B-tree v2 %s version %u at 0x%llx", what, buf[4], ULL(addr));
    else if (buf[5] != t->type)
        rc = H5C_FMT(err, "B-tree v2 at 0x%llx: %s at 0x%llx: record type %u, header says %u",
                     ULL(t->addr), what, ULL(addr), buf[5], t->type);
    else {
        char name[64];
        snprintf(name, sizeof name, "B-tree v2 at 0x%llx: %s", ULL(t->addr), what);
        rc = h5c_check_sum(buf, len - 4, addr, name, err);
    }
    if (rc < 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int visit_record(bt2 *t, const uint8_t *rec, h5c_error *err)
{
    if (++t->seen_recs > t->total)
        return H5C_FMT(err, "B-tree v2 at 0x%llx: more records than the header's %llu", ULL(t->addr),
                       ULL(t->total));
    return t->fn(rec, t->rec_size, t->type, t->ud, err);
}

static int visit(bt2 *t, uint64_t addr, uint64_t nrec, unsigned depth, h5c_error *err);

/* Internal node: children and records interleaved, child 0 first. */
static int visit_internal(bt2 *t, uint64_t addr, uint64_t nrec, unsigned depth, h5c_error *err)
{
    h5c_file *f = t->f;
    size_t ptr = (size_t)f->so + t->nrec_size + (depth > 1 ? t->cum_size[depth - 1] : 0);
    size_t recs = (size_t)nrec * t->rec_size;
    size_t len = 6 + recs + (size_t)(nrec + 1) * ptr + 4;
    uint8_t *buf = read_node(t, addr, len, 0, err);
    if (!buf) return -1;

    int rc = 0;
    for (uint64_t i = 0; i <= nrec && rc == 0; i++) {
        const uint8_t *p = buf + 6 + recs + (size_t)i * ptr;
        uint64_t child = h5c_le(p, f->so);
        if (f->so < 8 && child == ((uint64_t)1 << (8 * f->so)) - 1) child = H5C_UNDEF;
        uint64_t child_nrec = h5c_le(p + f->so, t->nrec_size);
        if (child == H5C_UNDEF)
            rc = H5C_FMT(err, "B-tree v2 at 0x%llx: internal node at 0x%llx: child %llu has no address",
                         ULL(t->addr), ULL(addr), ULL(i));
        else
            rc = visit(t, child, child_nrec, depth - 1, err);
        if (rc == 0 && i < nrec) rc = visit_record(t, buf + 6 + (size_t)i * t->rec_size, err);
    }
    free(buf);
    return rc;
}

static int visit_leaf(bt2 *t, uint64_t addr, uint64_t nrec, h5c_error *err)
{
    size_t recs = (size_t)nrec * t->rec_size;
    uint8_t *buf = read_node(t, addr, 6 + recs + 4, 1, err);
    if (!buf) return -1;
    int rc = 0;
    for (uint64_t i = 0; i < nrec && rc == 0; i++)
        rc = visit_record(t, buf + 6 + (size_t)i * t->rec_size, err);
    free(buf);
    return rc;
}

static int visit(bt2 *t, uint64_t addr, uint64_t nrec, unsigned depth, h5c_error *err)
{
    if (nrec > t->max_nrec[depth])
        return H5C_FMT(err, "B-tree v2 at 0x%llx: node at 0x%llx claims %llu records (at most %llu fit)",
                       ULL(t->addr), ULL(addr), ULL(nrec), ULL(t->max_nrec[depth]));
    if (++t->seen_nodes > t->max_nodes)
        return H5C_FMT(err, "B-tree v2 at 0x%llx: more nodes than its %llu records allow (cycle?)",
                       ULL(t->addr), ULL(t->total));
    return depth == 0 ? visit_leaf(t, addr, nrec, err) : visit_internal(t, addr, nrec, depth, err);
}

int h5c_bt2_iterate(h5c_file *f, uint64_t addr, h5c_bt2_fn fn, void *ud, h5c_error *err)
{
    if (addr == H5C_UNDEF) return H5C_FMT(err, "B-tree v2 with an undefined address");
    bt2 t;
    memset(&t, 0, sizeof t);
    t.f = f;
    t.addr = addr;
    t.fn = fn;
    t.ud = ud;

    uint64_t root;
    uint16_t root_nrec;
    if (read_header(&t, &root, &root_nrec, err) < 0) return -1;
    if (root == H5C_UNDEF) return 0;      /* empty tree */
    if (check_header(&t, err) < 0 || node_info(&t, err) < 0) return -1;

    /* A valid tree has at most one node per record at each level, plus the
     * (possibly empty) root. */
    t.max_nodes = sat_mul_add(t.total + 1, (uint64_t)t.depth + 1, 0);
    /* (Fewer records than the header's total is tolerated, as the library
     * does not check it either.) */
    return visit(&t, root, root_nrec, t.depth, err);
}
